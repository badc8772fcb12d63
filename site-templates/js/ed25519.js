// @ts-check
// Ed25519 verification in plain JavaScript (BigInt), for browsers whose
// WebCrypto has no Ed25519: ed25519-dalek's verify_strict, on keys that pass
// Rust's key check (trust::keys::PublicKey, which also refuses a key's
// non-canonical encodings: verify_strict alone does not). A and R are
// canonical encodings of curve points not of small order (publicKeyProblem,
// edwards.js), S < L, and the encoding of [S]B − [k]A,
// k = SHA-512(R ‖ A ‖ M) mod L, equals R's bytes: the cofactorless equation,
// which libraries such as @noble/ed25519 replace by the cofactored one. Only
// SHA-512 comes from WebCrypto (far older than its Ed25519). Variable time:
// it only verifies public data.
import { D, P, decodePoint, mod, modPow as pow, publicKeyProblem } from './edwards.js';

/** The order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;


/**
 * A point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z.
 * @typedef {{ X: bigint, Y: bigint, Z: bigint, T: bigint }} Point
 */

/** @type {Point} */
const IDENTITY = { X: 0n, Y: 1n, Z: 1n, T: 0n };

/**
 * Little-endian bytes to an integer.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/**
 * The point of a canonical 32-byte encoding, or null when it is none.
 * @param {Uint8Array} bytes
 * @returns {Point | null}
 */
function decode(bytes) {
  const point = decodePoint(bytes);
  if (!point || !point.canonical) return null;
  return { X: point.x, Y: point.y, Z: 1n, T: (point.x * point.y) % P };
}

/**
 * The canonical encoding of a point.
 * @param {Point} p
 * @returns {Uint8Array}
 */
function encode(p) {
  const zi = pow(p.Z, P - 2n);
  const x = (p.X * zi) % P;
  const y = (p.Y * zi) % P;
  const out = new Uint8Array(32);
  let n = y;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  out[31] |= Number(x & 1n) << 7;
  return out;
}

/**
 * Point addition (add-2008-hwcd-3, a = −1; complete on this curve).
 * @param {Point} p
 * @param {Point} q
 * @returns {Point}
 */
function add(p, q) {
  const a = ((p.Y - p.X) * (q.Y - q.X)) % P;
  const b = ((p.Y + p.X) * (q.Y + q.X)) % P;
  const c = (2n * D * p.T * q.T) % P;
  const d = (2n * p.Z * q.Z) % P;
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

/**
 * @param {Point} p
 * @returns {Point}
 */
function negate(p) {
  return { X: mod(-p.X), Y: p.Y, Z: p.Z, T: mod(-p.T) };
}

/**
 * [n]p, double and add.
 * @param {Point} p
 * @param {bigint} n
 * @returns {Point}
 */
function multiply(p, n) {
  let result = IDENTITY;
  let addend = p;
  let k = n;
  while (k > 0n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
    k >>= 1n;
  }
  return result;
}

/** The base point B (RFC 8032: y = 4/5, x even). */
const B = /** @type {Point} */ (decode(Uint8Array.from([0x58, ...new Array(31).fill(0x66)])));

/**
 * Whether `signature` is a valid strict Ed25519 signature of `message` by
 * `publicKey` (ed25519-dalek's verify_strict); false on any failure.
 * @param {Uint8Array<ArrayBuffer>} publicKey
 * @param {Uint8Array<ArrayBuffer>} signature
 * @param {Uint8Array<ArrayBuffer>} message
 * @returns {Promise<boolean>}
 */
export async function verifyStrict(publicKey, signature, message) {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const rBytes = signature.subarray(0, 32);
  if (publicKeyProblem(publicKey) !== null || publicKeyProblem(rBytes) !== null) return false;
  const s = littleEndian(signature.subarray(32));
  if (s >= L) return false;
  const a = decode(publicKey);
  if (!a) return false;
  const input = new Uint8Array(64 + message.length);
  input.set(rBytes, 0);
  input.set(publicKey, 32);
  input.set(message, 64);
  const k = littleEndian(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-512', input))) % L;
  const r = encode(add(multiply(B, s), negate(multiply(a, k))));
  return r.every((byte, i) => byte === rBytes[i]);
}
