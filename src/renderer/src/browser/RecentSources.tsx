/** Sources opened recently (kept by the API: localStorage in a browser, the app's settings on the desktop). */
import { useEffect, useState } from 'react';
import { api } from '../api/api';

export function RecentSources(props: { version: number; onOpen: (source: string) => void }): React.JSX.Element | null {
  const [recent, setRecent] = useState<string[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` bumps when a source was remembered.
  useEffect(() => {
    let live = true;
    api
      .recentSources()
      .then((list) => live && setRecent(list))
      // Recents are a convenience: an unreadable list just shows none.
      .catch(() => live && setRecent([]));
    return () => {
      live = false;
    };
  }, [props.version]);
  if (recent.length === 0) return null;
  return (
    <section className="recent" aria-label="Recent sources" data-testid="recent">
      <h3>Recent</h3>
      <ul>
        {recent.map((s) => (
          <li key={s}>
            <button type="button" title={s} data-testid={`recent-${s}`} onClick={() => props.onOpen(s)}>
              {s}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
