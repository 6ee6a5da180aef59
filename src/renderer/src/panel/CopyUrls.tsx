/** Copy buttons for the open layer's URLs in other tools' forms. */
import { useState } from 'react';
import type { CatalogNode } from '../../../shared/catalog';
import { copyTargets } from './copyUrls';

export function CopyUrls({ node }: { node: CatalogNode }): React.JSX.Element {
  const [copied, setCopied] = useState<string>();
  const copy = async (label: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(label);
    } catch {
      // Clipboard may be refused (insecure context, permissions): the text is selectable below anyway.
      setCopied(`${label} (select the text: clipboard unavailable)`);
    }
  };
  return (
    <fieldset className="copy-urls">
      <legend>Open elsewhere</legend>
      {copyTargets(node).map((t) => (
        <div className="copy-url" key={t.label}>
          <button type="button" onClick={() => copy(t.label, t.text)}>
            Copy
          </button>
          <span className="copy-label" title={t.hint}>
            {t.label}
            {t.hint && <small className="hint">{t.hint}</small>}
          </span>
          <code data-testid="copy-url" data-probe={t.probe ?? ''}>
            {t.text}
          </code>
        </div>
      ))}
      {copied && <output className="copied">Copied: {copied}</output>}
    </fieldset>
  );
}
