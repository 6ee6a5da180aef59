/**
 * "Open file…", "Open folder…" and "Add remote URL…": mount a source through the API seam, then show it.
 * The desktop app opens its native dialog (a TIFF/OME-TIFF file, or a folder); a browser cannot, so it asks
 * for the path of either.
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
        <div className="open-buttons">
          <button
            type="button"
            disabled={busy}
            data-testid="open-file-dialog"
            title="A TIFF or OME-TIFF file"
            onClick={() => void run('the file', () => api.openFolder(undefined, 'file'))}
          >
            Open file…
          </button>
          <button
            type="button"
            disabled={busy}
            data-testid="open-folder-dialog"
            title="An OME-Zarr, Zarr or N5 folder, or a folder of image slices"
            onClick={() => void run('the folder', () => api.openFolder(undefined, 'folder'))}
          >
            Open folder…
          </button>
        </div>
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
              placeholder="/absolute/path/to/image.ome.zarr or scan.ome.tif"
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
