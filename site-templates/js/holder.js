// @ts-check
// Matching what a visitor types against the holder hashes of a certificate.
// The normalisation is part of the format (docs/formats.md, "Holder hashes and masks").
import { pbkdf2 } from './crypto.js';
import { foldCompact } from './rules.js';

const NAME_DOTS = /[•・‧⋅.∙･]/gu;

/**
 * NFKC, white space and hidden characters removed (foldCompact, as Rust's
 * fold_compact), middle dots unified to ·, Latin upper-cased.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeName(raw) {
  return foldCompact(raw).replace(NAME_DOTS, '·').toUpperCase();
}

/**
 * NFKC, white space, hidden characters and dashes removed, upper-cased
 * (x → X).
 * @param {string} raw
 * @returns {string}
 */
export function normalizeNumber(raw) {
  return foldCompact(raw).replace(/[-‐]+/gu, '').toUpperCase();
}

/**
 * The name hash as statements carry it.
 * @param {string} name
 * @param {string} code
 * @param {number} iterations
 * @returns {Promise<string>}
 */
export function nameHash(name, code, iterations) {
  return pbkdf2(normalizeName(name), `certsite:name:${code}`, iterations);
}

/**
 * The document-number hash as statements carry it.
 * @param {string} number
 * @param {string} code
 * @param {number} iterations
 * @returns {Promise<string>}
 */
export function idHash(number, code, iterations) {
  return pbkdf2(normalizeNumber(number), `certsite:id:${code}`, iterations);
}

/**
 * Whether a typed name or number matches the signed hash.
 * @param {'name' | 'id'} field
 * @param {string} typed
 * @param {import('./rules.js').Certificate} certificate
 * @returns {Promise<boolean>}
 */
export async function matches(field, typed, certificate) {
  const fn = field === 'name' ? nameHash : idHash;
  const hash = await fn(typed, certificate.code, certificate.iterations);
  return hash === (field === 'name' ? certificate.name_hash : certificate.id_hash);
}
