// @ts-check
// WebCrypto primitives: Ed25519 (verify only) and PBKDF2-HMAC-SHA256 (SHA-256 is in hash.js).
// Nothing here decides a verdict; it answers "does this verify" or fails.
import { hex, sha256 } from './hash.js';

const subtle = globalThis.crypto?.subtle;

/**
 * Standard base64 to bytes; throws on anything else, unused bits set included.
 * @param {unknown} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function fromBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new TypeError('not standard base64');
  }
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  // atob ignores the unused bits of the last character; Rust does not.
  if (toBase64(bytes) !== text) throw new TypeError('not canonical base64');
  return bytes;
}

/**
 * Bytes to standard base64.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The key id of a public key: the first 16 hex digits of its SHA-256.
 * @param {Uint8Array<ArrayBuffer>} publicKey
 * @returns {Promise<string>}
 */
export async function keyId(publicKey) {
  return hex(await sha256(publicKey)).slice(0, 16);
}

/**
 * The fingerprint people compare: SHA-256 hex in groups of four.
 * @param {Uint8Array<ArrayBuffer>} publicKey
 * @returns {Promise<string>}
 */
export async function fingerprint(publicKey) {
  return (hex(await sha256(publicKey)).match(/.{4}/g) ?? []).join(' ');
}

/**
 * A verifier of Ed25519 signatures other than WebCrypto's: the pure
 * JavaScript one (ed25519.js), for a browser whose WebCrypto has none.
 * @typedef {(publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>) => Promise<boolean>} Ed25519Verifier
 */

/** @type {Ed25519Verifier | null} */
let fallback = null;

/**
 * Verifies Ed25519 with `verifier` from now on instead of WebCrypto (null:
 * WebCrypto again). The tests run the verdict corpus on both.
 * @param {Ed25519Verifier | null} verifier
 */
export function useEd25519(verifier) {
  fallback = verifier;
}

/** Which verifier is in use: 'webcrypto', or 'fallback'. */
export function ed25519Backend() {
  return fallback ? 'fallback' : 'webcrypto';
}

/**
 * Verifies a pure Ed25519 signature strictly, as ed25519-dalek's
 * verify_strict does: R must be a canonical point not of small order
 * (WebCrypto alone accepts R = identity); false on any failure.
 * @param {Uint8Array<ArrayBuffer>} publicKey
 * @param {Uint8Array<ArrayBuffer>} signature
 * @param {Uint8Array<ArrayBuffer>} message
 * @returns {Promise<boolean>}
 */
export async function verifyEd25519(publicKey, signature, message) {
  try {
    return await (fallback ?? webCryptoVerify)(publicKey, signature, message);
  } catch {
    return false;
  }
}

/**
 * WebCrypto's Ed25519 with R checked as the key is; throws where the
 * browser has no Ed25519.
 * @type {Ed25519Verifier}
 */
async function webCryptoVerify(publicKey, signature, message) {
  if (signature.length !== 64 || publicKeyProblem(signature.subarray(0, 32)) !== null) return false;
  const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

/**
 * Known answers, as [public key, signature, message (hex), verify_strict's
 * answer]: RFC 8032 section 7.1 TEST 2 for a message and another, then
 * signatures where verifiers part ways (tests/vectors/ed25519_edge.json). A
 * WebCrypto checking the cofactored equation, which RFC 8032 allows, would
 * accept what Rust refuses: it is not used.
 * @type {ReadonlyArray<[string, string, string, boolean]>}
 */
export const KNOWN_ANSWERS = Object.freeze([
  ['3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00', '72', true],
  ['3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00', '73', false],
  // A with a torsion component (only the cofactored equation holds)
  ['14969366174fbb9d27edb3c6896eed8cdf2b09b521c93dfa3374ad38a898f23f', 'd2a38c6538f6c11f3f3ec85754978f25e00c2fbb8698736ac2af3fcdef8f0c96b8d40b605a4aab284ad8a1468115b86b5da454f09c73fcd32ca6c87336961e06', '6d6978656420412030', false],
  // A with a torsion component, challenge a multiple of 8 (both equations hold)
  ['14969366174fbb9d27edb3c6896eed8cdf2b09b521c93dfa3374ad38a898f23f', 'd2a38c6538f6c11f3f3ec85754978f25e00c2fbb8698736ac2af3fcdef8f0c96738e7d8144db9d0f65ee78b75a29559af9ab916169e8f762ad2d68f778690a0f', '6d6978656420412032', true],
  // R with a torsion component (only the cofactored equation holds)
  ['6b543fb474654ccded5b3d22c9beafa97f5520b984caeba92d1fda919bc3f273', 'a4972d5dfc86d960fe6877af62fc6cf4192890075ccef247f49b1ef8a39db63bfda85c1904cfec00d9691378e0b3173ec8ec09dc9c0d6f18655ee800629e400a', '6d', false],
  // S + L
  ['6b543fb474654ccded5b3d22c9beafa97f5520b984caeba92d1fda919bc3f273', 'd2a38c6538f6c11f3f3ec85754978f25e00c2fbb8698736ac2af3fcdef8f0c968cfd35d31ff85c14735e691788b8f95807130ef96521b99797402f678b193014', '6d', false],
  // R of small order
  ['6b543fb474654ccded5b3d22c9beafa97f5520b984caeba92d1fda919bc3f273', 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037ab6d987a33cb11218f5ab98d8412f7663c7e0863bdcb2b2ea03b6ee6c855de00c', '6d', false],
]);
/** @param {string} h */
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/**
 * Whether `verify` gives every known answer (throwing is no answer).
 * @param {Ed25519Verifier} verify
 * @returns {Promise<boolean>}
 */
async function givesKnownAnswers(verify) {
  try {
    for (const [key, signature, message, answer] of KNOWN_ANSWERS) {
      if ((await verify(unhex(key), unhex(signature), unhex(message))) !== answer) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** @type {Promise<boolean> | null} */
let ready = null;

/**
 * Whether this browser can verify Ed25519, found out once: WebCrypto where
 * it gives the known answers, else the pure JavaScript verifier, fetched
 * only then (`ed25519.js`, next to the page's script) and held to the same
 * answers. Needs BigInt and WebCrypto's SHA-512 (Chrome 67, Firefox 68,
 * Safari 14); false where either is missing, and the page says so. Rejects
 * when the verifier could not be fetched (a load error, not the browser's
 * fault), and fetches it again when asked again.
 * @returns {Promise<boolean>}
 */
export function ed25519Ready() {
  if (!ready) {
    ready = findEd25519();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

async function findEd25519() {
  if (fallback || (subtle && (await givesKnownAnswers(webCryptoVerify)))) return true;
  if (!subtle || typeof BigInt !== 'function') return false;
  const { verifyStrict } = await import('./ed25519.js');
  if (!(await givesKnownAnswers(verifyStrict))) return false;
  fallback = verifyStrict;
  return true;
}

/**
 * PBKDF2-HMAC-SHA256 of a UTF-8 secret, 32 bytes, as base64.
 * @param {string} secret
 * @param {string} salt
 * @param {number} iterations
 * @returns {Promise<string>}
 */
export async function pbkdf2(secret, salt, iterations) {
  const enc = new TextEncoder();
  const key = await subtle.importKey('raw', enc.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(salt), iterations }, key, 256);
  return toBase64(new Uint8Array(bits));
}

// Ed25519 public keys are checked as strictly as Rust checks them
// (ed25519-dalek: canonical encoding, a point of the curve, not of small
// order). WebCrypto imports any 32 bytes, and a small-order key listed by the
// root would let anyone forge.
/** The field's prime, 2^255 − 19. */
export const P = 2n ** 255n - 19n;
const D = (-121665n * modInverse(121666n)) % P;

/**
 * `a` reduced into 0 … P − 1.
 * @param {bigint} a
 * @returns {bigint}
 */
export function mod(a) {
  const r = a % P;
  return r < 0n ? r + P : r;
}

/**
 * `base` to the power `exp`, mod P.
 * @param {bigint} base
 * @param {bigint} exp
 * @returns {bigint}
 */
export function modPow(base, exp) {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

/**
 * @param {bigint} a
 * @returns {bigint}
 */
function modInverse(a) {
  return modPow(a, P - 2n);
}

/** The canonical encodings of the eight points of small order. */
export const SMALL_ORDER_KEYS = Object.freeze([
  'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  'xxdqcD1N2E+6PAt2DRBnDyogU/osOczGTsf9d5KsA3o=',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIA=',
  'JuiVj8KyJ7BFw/SJ8u+Y8NXfrAXTxjM5sTgCiG1T/AU=',
  '7P///////////////////////////////////////38=',
  'JuiVj8KyJ7BFw/SJ8u+Y8NXfrAXTxjM5sTgCiG1T/IU=',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  'xxdqcD1N2E+6PAt2DRBnDyogU/osOczGTsf9d5KsA/o=',
]);

/**
 * What is wrong with 32 bytes as a public key, or null: the messages of the
 * Rust side (trust::keys::KeyFormatError).
 * @param {Uint8Array} bytes
 * @returns {string | null}
 */
export function publicKeyProblem(bytes) {
  if (bytes.length !== 32) return `expected 32 bytes, found ${bytes.length}`;
  const sign = bytes[31] >> 7;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  const yr = mod(y);
  // x² = (y² − 1) / (d·y² + 1); a point exists when that is a square.
  const y2 = (yr * yr) % P;
  const x2 = mod((y2 - 1n) * modInverse(mod(D * y2 + 1n)));
  const square = x2 === 0n || modPow(x2, (P - 1n) / 2n) === 1n;
  if (!square) return 'not a valid Ed25519 public key';
  if (y >= P || (x2 === 0n && sign === 1)) return 'not the canonical encoding of an Ed25519 public key';
  if (SMALL_ORDER_KEYS.includes(toBase64(bytes))) return 'a small-order (weak) Ed25519 public key';
  return null;
}
