import { useEffect, useState } from 'react';

interface CatalogEntry {
  name: string;
  path: string;
  kind: string;
}

/** Placeholder catalog list until the viewer lands. */
export function App(): React.JSX.Element {
  const [children, setChildren] = useState<CatalogEntry[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    fetch('/catalog/local', { signal: controller.signal })
      .then((r) => (r.ok ? r.json() : { children: [] }))
      .then((j: { children?: CatalogEntry[] }) => setChildren(j.children ?? []))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return (
    <main>
      <h1>Zarr Bridge</h1>
      <ul>
        {children.map((c) => (
          <li key={c.path}>
            {c.path} ({c.kind})
          </li>
        ))}
      </ul>
    </main>
  );
}
