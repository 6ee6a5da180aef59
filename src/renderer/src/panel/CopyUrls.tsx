/** Copy buttons for the open layer's URLs and snippets; the confirmation appears next to the button clicked. */
import { useEffect, useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { type CopyGroup, copyTargets, GROUP_TITLES } from './copyUrls';
import '../ui.css';

/** How long "Copied" stays beside a button. */
const CONFIRM_MS = 2500;

export function CopyUrls({ node }: { node: CatalogNode }): React.JSX.Element {
  const [copied, setCopied] = useState<{ id: string; ok: boolean }>();
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(undefined), CONFIRM_MS);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = async (id: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ id, ok: true });
    } catch {
      // Clipboard may be refused (insecure context, permissions): the text is selectable below anyway.
      setCopied({ id, ok: false });
    }
  };
  const targets = copyTargets(node);
  const groups = (Object.keys(GROUP_TITLES) as CopyGroup[]).filter((g) => targets.some((t) => t.group === g));
  return (
    <fieldset className="copy-urls">
      <legend>Open elsewhere</legend>
      {groups.map((g) => (
        <section key={g} className="copy-group" aria-label={GROUP_TITLES[g]}>
          <h4>{GROUP_TITLES[g]}</h4>
          {targets
            .filter((t) => t.group === g)
            .map((t) => (
              <div className="copy-url" key={t.id} data-testid={`copy-${t.id}`}>
                <span className="copy-label">
                  {t.label}
                  {t.hint && <small className="hint">{t.hint}</small>}
                </span>
                <span className="copy-action">
                  <button type="button" aria-label={`Copy ${t.label}`} onClick={() => copy(t.id, t.text)}>
                    Copy
                  </button>
                  {/* A live region per row: the confirmation is read out and shown where the user clicked. */}
                  <output className="copied" data-testid={`copied-${t.id}`}>
                    {copied?.id === t.id && (copied.ok ? 'Copied' : 'Clipboard unavailable: select the text')}
                  </output>
                </span>
                {t.group === 'python' ? (
                  <pre data-testid="copy-url" data-copy-id={t.id}>
                    {t.text}
                  </pre>
                ) : (
                  <code data-testid="copy-url" data-copy-id={t.id} data-probe={t.probe ?? ''}>
                    {t.text}
                  </code>
                )}
              </div>
            ))}
        </section>
      ))}
    </fieldset>
  );
}
