// @ts-check
// What people type, normalised as the Rust side does (normalize_input in
// generator/core/domain/code.rs),
// alone in a module because the verify page's early script needs only this.

/**
 * NFKC, white space removed, upper case.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeInput(raw) {
  return raw.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}
