/** How the renderer reads the bridge's JSON answers: a non-2xx becomes an error carrying the bridge's `detail`. */

export class BridgeError extends Error {
  readonly tag = 'BridgeError';
  constructor(
    message: string,
    readonly status: number,
    /** The parts of the bridge's answer, for `humanError` (api/humanError.ts) to word it for people. */
    readonly reply: { what?: string; code?: string; detail?: string } = {},
  ) {
    super(message);
  }
}

/** The body as JSON, or a `BridgeError` named after `what` (the bridge's error bodies are JSON too). */
export async function bridgeJson<T>(res: Response, what: string): Promise<T> {
  if (res.status === 401) {
    throw new BridgeError(
      `${what}: this bridge asks for its API key. Open the viewer with the URL \`zarr-bridge serve\` printed (it ends in ?api_key=…), once; the key is then kept in a cookie for this bridge.`,
      401,
    );
  }
  if (!res.ok) {
    let detail = res.statusText;
    let code: string | undefined;
    try {
      const body = (await res.json()) as { error?: string; detail?: string; message?: string };
      detail = body.detail ?? body.message ?? body.error ?? detail;
      code = body.error;
    } catch {
      // Not JSON: keep the status text.
    }
    throw new BridgeError(`${what}: ${res.status} ${detail}`, res.status, { what, code, detail });
  }
  return (await res.json()) as T;
}
