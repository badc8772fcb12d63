// RFC 8785 (JCS) canonical form of statements, which hold only strings,
// safe integers, arrays and objects. Anything else is refused, so a
// statement can never verify in the browser and fail in Rust, or the reverse.

/**
 * @param {unknown} value parsed JSON
 * @returns {string} the canonical JSON text
 */
export function canonicalize(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
    return String(value === 0 ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Default sort compares UTF-16 code units, as RFC 8785 section 3.2.3 requires.
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(value[k])}`).join(',')}}`;
  }
  throw new TypeError(`not allowed in a statement: ${JSON.stringify(value)}`);
}

/** The canonical form as UTF-8 bytes: what the signature covers. */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}
