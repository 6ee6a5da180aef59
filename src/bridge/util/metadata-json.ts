/**
 * Parsing of metadata documents (`zarr.json`, `.zattrs`, N5
 * `attributes.json`…) from stores that may be hostile: a size ceiling and a
 * nesting ceiling, checked before JSON.parse, so that a huge or absurdly deep
 * document is refused with a reason instead of exhausting memory or the stack
 * of whatever walks it later (JSON.stringify recurses).
 */

/** Bytes a metadata document may have: consolidated metadata of large hierarchies stays well below. */
export const METADATA_MAX_BYTES = 16 * 2 ** 20;
/** Nesting levels a metadata document may have: OME metadata needs fewer than ten. */
export const METADATA_MAX_DEPTH = 256;

/** The parsed JSON object, or throws an Error saying what is wrong with the document. */
export function parseMetadata(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.byteLength > METADATA_MAX_BYTES) {
    throw new Error(`${bytes.byteLength} bytes, more than the ${METADATA_MAX_BYTES} metadata may have`);
  }
  const depth = nestingDepth(bytes);
  if (depth > METADATA_MAX_DEPTH) throw new Error(`nested deeper than ${METADATA_MAX_DEPTH} levels`);
  const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
  return v as Record<string, unknown>;
}

/** The deepest nesting of `[`/`{` outside strings (stops counting past the ceiling). */
function nestingDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > METADATA_MAX_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
