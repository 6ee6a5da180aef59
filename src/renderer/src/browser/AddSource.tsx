/** "Open folder…" and "Add remote URL…": mount a source through the bridge, then show it. */
import { useState } from 'react';
import { addRemote, openFolder } from '../data/catalogClient';

export function AddSource(props: {
  onMounted: (path: string) => void;
  onError: (msg: string) => void;
}): React.JSX.Element {
  const [folder, setFolder] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    try {
      props.onMounted(await fn());
    } catch (e) {
      props.onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="add-source">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (folder.trim()) void run(() => openFolder(folder.trim()));
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
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void run(() => addRemote(url.trim()));
        }}
      >
        <label>
          Add remote URL…
          <input
            type="url"
            placeholder="https://…/image.ome.zarr"
            value={url}
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
