/**
 * A Neuroglancer state from what a user pastes: a Neuroglancer URL (`…#!{…}`,
 * `…#!+{…}`, percent-encoded or not), the JSON itself, or Neuroglancer's
 * URL-safe JSON (single quotes, `_` for commas).
 */

export type StateTextProblem = 'NotAState' | 'StoredElsewhere' | 'BadJson';

export class StateTextError extends Error {
  constructor(
    readonly tag: StateTextProblem,
    message: string,
  ) {
    super(message);
  }
}

const swapQuotes = (s: string) => s.replace(/['"]/g, (q) => (q === '"' ? "'" : '"'));

/**
 * Neuroglancer's URL-safe spelling → JSON: `_` between values is `,`, and a
 * `'…'` string is a JSON string with `'` and `"` swapped (`util/json.ts`).
 */
export function urlSafeToJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      out += quote === '_' ? ',' : quote;
      continue;
    }
    let j = i + 1;
    while (j < text.length && text[j] !== quote) j += text[j] === '\\' ? 2 : 1;
    const literal = text.slice(i, j + 1);
    out += quote === '"' ? literal : JSON.stringify(swapQuotes(JSON.parse(swapQuotes(literal)) as string));
    i = j;
  }
  return out;
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(urlSafeToJson(text));
    } catch {
      throw new StateTextError('BadJson', 'the Neuroglancer state is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StateTextError('BadJson', 'a Neuroglancer state is a JSON object');
  return value as Record<string, unknown>;
}

export function stateFromText(text: string): Record<string, unknown> {
  const s = text.trim();
  if (s.startsWith('{')) return parseJson(s);
  const at = s.indexOf('#!');
  if (at === -1) throw new StateTextError('NotAState', 'expected a Neuroglancer URL (…#!{…}) or its JSON state');
  let fragment = s.slice(at + 2);
  if (fragment.startsWith('+')) fragment = fragment.slice(1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    throw new StateTextError('BadJson', 'the URL fragment is not validly percent-encoded');
  }
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(fragment))
    throw new StateTextError('StoredElsewhere', `the state is stored at ${fragment}: open it in Neuroglancer instead`);
  return parseJson(fragment);
}
