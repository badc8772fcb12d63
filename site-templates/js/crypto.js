// @ts-check
// WebCrypto primitives: Ed25519 (verify only) and PBKDF2-HMAC-SHA256 (SHA-256 is in hash.js).
// Nothing here decides a verdict; it answers "does this verify" or fails.
import { publicKeyProblem } from './edwards.js';
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
 * WebCrypto's Ed25519, with the key and R checked first as Rust checks a
 * key (WebCrypto takes a small-order key, and R the identity); throws where
 * the browser has no Ed25519.
 * @type {Ed25519Verifier}
 */
async function webCryptoVerify(publicKey, signature, message) {
  if (publicKeyProblem(publicKey) !== null) return false;
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
  // A of small order (the identity): the equation holds for any message
  ['0100000000000000000000000000000000000000000000000000000000000000', 'd2a38c6538f6c11f3f3ec85754978f25e00c2fbb8698736ac2af3fcdef8f0c96f37d4b81eedd512064cdeebe4209cc5dcc182d3cb5bc4692272a8b277cedc60c', '666f72676564', false],
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
/** Failed fetches of ed25519.js so far. */
let failedFetches = 0;

/**
 * Whether this browser can verify Ed25519, found out once: WebCrypto where
 * it gives the known answers, else the pure JavaScript verifier, fetched
 * only then (`ed25519.js`, next to the page's script) and held to the same
 * answers. False where neither gives them (an engine without BigInt cannot
 * parse this module at all: boot.js speaks for it). Rejects when the
 * verifier could not be fetched (a load error, not the browser's fault),
 * and fetches it again when asked again.
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
  if (!subtle) return false;
  // A browser keeps a failed import for the page's life (Chromium 80 does):
  // asked again, it is another URL.
  const url = failedFetches === 0 ? './ed25519.js' : `./ed25519.js?again=${failedFetches}`;
  let module;
  try {
    module = await import(url);
  } catch (e) {
    failedFetches += 1;
    throw e;
  }
  const { verifyStrict } = module;
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
