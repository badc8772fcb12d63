// @ts-check
// RFC 8785 (JCS) canonical form of statements, which hold only strings,
// safe integers, arrays and objects. Anything else is refused, so a
// statement can never verify in the browser and fail in Rust, or the reverse.
import { hasOwn, isWellFormed } from './compat.js';

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
    const object = /** @type {Record<string, unknown>} */ (value);
    const keys = Object.keys(object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(object[k])}`).join(',')}}`;
  }
  throw new TypeError(`not allowed in a statement: ${JSON.stringify(value)}`);
}

/**
 * The canonical form as UTF-8 bytes: what the signature covers.
 * @param {unknown} value
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}

/**
 * Parses JSON as strictly as the Rust verifier: no duplicate keys, integers
 * only (within ±(2^53−1)), no true, false or null, no lone surrogates.
 * JSON.parse would keep the last of two keys and read 3.0 as 3.
 * @param {string} text
 * @returns {unknown}
 */
export function parseStrict(text) {
  let i = 0;
  /** @type {(why: string) => never} */
  const fail = (why) => {
    throw new SyntaxError(`${why} at ${i}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = () => {
    let out = '';
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === '"') break;
      if (c < ' ') fail('control character in string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      /** @type {Record<string, string | undefined>} */
      const escapes = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      const simple = escapes[e];
      if (simple !== undefined) out += simple;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else fail('bad escape');
    }
    if (!isWellFormed(out)) fail('lone surrogate');
    return out;
  };
  /** @returns {unknown} */
  const value = () => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      /** @type {Record<string, unknown>} */
      const obj = {};
      space();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        if (hasOwn(obj, key)) fail(`duplicate key ${key}`);
        space();
        if (text[i++] !== ':') fail('expected :');
        Object.defineProperty(obj, key, { value: value(), enumerable: true, writable: true, configurable: true });
        space();
        const sep = text[i++];
        if (sep === '}') return obj;
        if (sep !== ',') fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      /** @type {unknown[]} */
      const arr = [];
      space();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        space();
        const sep = text[i++];
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9][0-9]*)(?![0-9.eE])/.exec(text.slice(i, i + 40));
    if (!m || m[0] === '-0') fail('not an allowed value');
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) fail('integer out of range');
    i += m[0].length;
    return n === 0 ? 0 : n;
  };
  const v = value();
  space();
  if (i !== text.length) fail('trailing text');
  return v;
}
