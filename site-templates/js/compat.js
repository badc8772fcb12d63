// @ts-check
// The built-ins newer than ECMAScript 2020 that the client needs, written
// for the oldest browsers it runs on (Chromium 80, Safari 14, Firefox 78;
// site-templates/README.md): one home each, imported where needed.
// tests/js/compat.test.mjs holds each to the built-in it stands in for.

/**
 * Whether `key` is an own property of `object` (Object.hasOwn, ES2022).
 * @param {object} object
 * @param {PropertyKey} key
 * @returns {boolean}
 */
export function hasOwn(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * The last item of `list`, undefined when it is empty (`.at(-1)`, ES2022).
 * @template T
 * @param {readonly T[]} list
 * @returns {T | undefined}
 */
export function last(list) {
  return list[list.length - 1];
}

/**
 * The last item of `list` that passes `test` (Array.prototype.findLast, ES2023).
 * @template T
 * @param {readonly T[]} list
 * @param {(item: T) => boolean} test
 * @returns {T | undefined}
 */
export function findLast(list, test) {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return list[i];
  return undefined;
}

// With the `u` flag a surrogate pair is one code point: only a lone half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether `text` has no lone surrogate (String.prototype.isWellFormed, ES2024).
 * @param {string} text
 * @returns {boolean}
 */
export function isWellFormed(text) {
  return !LONE_SURROGATE.test(text);
}
