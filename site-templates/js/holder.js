// @ts-check
// Matching what a visitor types against the holder hashes of a certificate.
// The normalisation is part of the format (docs/formats.md, "Holder hashes and masks").
import { pbkdf2 } from './crypto.js';

const NAME_DOTS = /[•・‧⋅.∙･]/gu;

/**
 * NFKC, white space removed, middle dots unified to ·, Latin upper-cased.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeName(raw) {
  return raw.normalize('NFKC').replace(/\s+/gu, '').replace(NAME_DOTS, '·').toUpperCase();
}

/**
 * NFKC, white space and dashes removed, upper-cased (x → X).
 * @param {string} raw
 * @returns {string}
 */
export function normalizeNumber(raw) {
  return raw.normalize('NFKC').replace(/[\s\-‐]+/gu, '').toUpperCase();
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
