/**
 * Reads an HTTP response body with a ceiling, so that an upstream sending an
 * endless body (or announcing a huge one) cannot take the bridge past its
 * memory bound: the read stops, and the connection is dropped, at the limit.
 */

/** The body is, or announces itself, larger than the caller can take. */
export class BodyTooLarge extends Error {
  readonly tag = 'BodyTooLarge';
  readonly limit: number;
  constructor(limit: number, announced?: number) {
    super(
      announced !== undefined
        ? `announces ${announced} bytes, more than the ${limit} it may have`
        : `sent more than the ${limit} bytes it may have`,
    );
    this.limit = limit;
  }
}

export async function readBody(res: Response, maxBytes: number): Promise<Uint8Array> {
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await res.body?.cancel();
    throw new BodyTooLarge(maxBytes, announced);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLarge(maxBytes);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
