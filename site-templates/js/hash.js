// @ts-check
// SHA-256 and hex, alone in a module: the verify page's early script
// (verify-early.js, through paths.js) needs only these.

/**
 * Lower-case hex.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * SHA-256 of bytes or a UTF-8 string.
 * @param {Uint8Array<ArrayBuffer> | string} data
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function sha256(data) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}
