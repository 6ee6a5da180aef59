/**
 * axe-core accessibility audits in the e2e pages. The viewer's CSP forbids eval and foreign scripts, so
 * axe's source is not added as a <script>: it is evaluated through the DevTools protocol (Playwright's
 * `page.evaluate`), which the page's CSP does not govern, and axe itself needs no eval.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Runs axe on the page as it is now (WCAG 2.x A/AA and best practices) and returns the violations. */
export async function audit(page: Page): Promise<AxeViolation[]> {
  if (!((await page.evaluate('typeof window.axe')) === 'object')) await page.evaluate(axe.source);
  const run = `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact ?? null, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary ?? '' })),
  })))`;
  return (await page.evaluate(run)) as AxeViolation[];
}

/** Serious and critical violations, one line per element: `rule-id  target  (help)`. */
export function serious(violations: AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}  ${n.target}  (${v.help})`));
}
