/**
 * A limit on how deeply a request's JSON may nest. `JSON.parse` copes with any depth, but
 * `JSON.stringify` recurses and overflows Node's stack at a few thousand levels, and Postgres' JSON
 * parser gives up (stack depth limit exceeded) not far beyond: a body nested 5,000 deep made the
 * services answer 500. No real payload comes near the limit.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * How deeply `text` nests arrays and objects, counted without recursing (so any input is safe to
 * measure). Brackets inside strings do not count; malformed JSON is left for `JSON.parse` to refuse.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i += 1; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth -= 1;
    }
  }
  return deepest;
}
