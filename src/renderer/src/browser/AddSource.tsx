/**
 * "Open folder…" and "Add remote URL…": mount a source through the API seam, then show it.
 * The desktop app opens its native folder dialog; a browser cannot, so it asks for the path.
 */
import { useState } from 'react';
import { api } from '../api/api';
import { humanError } from '../api/humanError';

export function AddSource(props: {
  onMounted: (path: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const [folder, setFolder] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (what: string, fn: () => Promise<{ path: string } | undefined>) => {
    setBusy(true);
    try {
      const mounted = await fn();
      // undefined: the desktop dialog was cancelled, nothing to show.
      if (mounted) props.onMounted(mounted.path);
    } catch (e) {
      props.onError(humanError(e, `Could not open ${what}`));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="add-source">
      {api.mode === 'desktop' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run('the folder', () => api.openFolder());
          }}
        >
          <button type="submit" disabled={busy} data-testid="open-folder-dialog">
            Open folder…
          </button>
        </form>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (folder.trim()) void run(folder.trim(), () => api.openFolder(folder.trim()));
          }}
        >
          <label>
            Open folder…
            <input
              type="text"
              placeholder="/absolute/path/to/image.ome.zarr"
              value={folder}
              data-testid="open-folder-path"
              onChange={(e) => setFolder(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy || !folder.trim()}>
            Open
          </button>
        </form>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void run(url.trim(), () => api.addRemote(url.trim()));
        }}
      >
        <label>
          Add remote URL…
          <input
            type="url"
            placeholder="https://…/image.ome.zarr"
            value={url}
            data-testid="add-remote-url"
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || !url.trim()}>
          Add
        </button>
      </form>
    </section>
  );
}
