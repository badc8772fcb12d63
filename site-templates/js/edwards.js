// @ts-check
// The curve of Ed25519 (edwards25519) as far as the page checks keys: the
// field, a point's encoding decoded, and what is wrong with 32 bytes as a
// public key. crypto.js checks every key and R with it; ed25519.js, the
// fallback verifier, builds its points from it.
import { hex } from './hash.js';

/** The field's prime, 2^255 − 19. */
export const P = 2n ** 255n - 19n;

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

/** The curve's constant d = −121665/121666. */
export const D = mod(-121665n * modPow(121666n, P - 2n));
const SQRT_M1 = modPow(2n, (P - 1n) / 4n);

/**
 * The point (x, y) a 32-byte encoding names (RFC 8032 section 5.1.3, with
 * y reduced mod P as ed25519-dalek reads it), and whether the encoding is
 * the canonical one (y < P, and no sign bit for x = 0); null when no point
 * has that y.
 * @param {Uint8Array} bytes 32 bytes
 * @returns {{ x: bigint, y: bigint, canonical: boolean } | null}
 */
export function decodePoint(bytes) {
  const sign = bytes[31] >> 7;
  let raw = 0n;
  for (let i = 31; i >= 0; i--) raw = (raw << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  const y = mod(raw);
  // x² = u / v with u = y² − 1, v = d·y² + 1.
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  const v3 = (v * v * v) % P;
  let x = (u * v3 * modPow((u * v3 * v3 * v) % P, (P - 5n) / 8n)) % P;
  const vx2 = (v * x * x) % P;
  if (vx2 === mod(-u)) x = (x * SQRT_M1) % P;
  else if (vx2 !== u) return null;
  const canonical = raw < P && !(x === 0n && sign === 1);
  if (Number(x & 1n) !== sign) x = mod(-x);
  return { x, y, canonical };
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
const SMALL_ORDER_HEX = SMALL_ORDER_KEYS.map((k) => hex(Uint8Array.from(atob(k), (c) => c.charCodeAt(0))));

// Ed25519 public keys are checked as strictly as Rust checks them
// (trust::keys::PublicKey: canonical encoding, a point of the curve, not of
// small order). WebCrypto imports any 32 bytes, and a small-order key listed
// by the root would let anyone forge.
/**
 * What is wrong with 32 bytes as a public key, or null: the messages of the
 * Rust side (trust::keys::KeyFormatError).
 * @param {Uint8Array} bytes
 * @returns {string | null}
 */
export function publicKeyProblem(bytes) {
  if (bytes.length !== 32) return `expected 32 bytes, found ${bytes.length}`;
  const point = decodePoint(bytes);
  if (!point) return 'not a valid Ed25519 public key';
  if (!point.canonical) return 'not the canonical encoding of an Ed25519 public key';
  if (SMALL_ORDER_HEX.includes(hex(bytes))) return 'a small-order (weak) Ed25519 public key';
  return null;
}
