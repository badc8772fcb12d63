// The pure-JavaScript Ed25519 verifier (site-templates/js/ed25519.js) is
// ed25519-dalek's verify_strict: RFC 8032's vectors verify, and every way
// the strict rules refuse a signature is refused (S ≥ L, R or A of small
// order or not canonical, a torsion component in A that the cofactored
// equation would forgive), agreeing with WebCrypto plus the page's R check
// wherever WebCrypto is strict. tests/js/verdicts.test.mjs runs the whole
// verdict corpus on it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromBase64, verifyEd25519 } from '../../site-templates/js/crypto.js';
import { SMALL_ORDER_KEYS } from '../../site-templates/js/edwards.js';
import { verifyStrict } from '../../site-templates/js/ed25519.js';

const rfc8032 = JSON.parse(readFileSync(new URL('../vectors/rfc8032.json', import.meta.url)));
const statements = JSON.parse(readFileSync(new URL('../vectors/statements.json', import.meta.url)));
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** 32 little-endian bytes of n. */
function bytes32(n) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}
const littleEndian = (b) => b.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);

test('RFC 8032 section 7.1: every vector verifies, and nothing else does', async () => {
  for (const v of rfc8032.vectors) {
    const [key, sig, msg] = [unhex(v.public), unhex(v.signature), unhex(v.message)];
    assert.equal(await verifyStrict(key, sig, msg), true, v.name);
    const other = new Uint8Array([...msg, 0]);
    assert.equal(await verifyStrict(key, sig, other), false, `${v.name}, another message`);
    const flipped = sig.slice();
    flipped[40] ^= 1;
    assert.equal(await verifyStrict(key, flipped, msg), false, `${v.name}, S changed`);
  }
});

test('the signed statements verify on both verifiers alike', async () => {
  for (const v of statements.signatures) {
    const env = JSON.parse(v.envelope);
    const [key, sig, msg] = [fromBase64(v.public_key), fromBase64(env.sig), new TextEncoder().encode(v.canonical)];
    assert.equal(await verifyStrict(key, sig, msg), true, v.name);
    assert.equal(await verifyEd25519(key, sig, msg), true, v.name);
    const wrong = new TextEncoder().encode(`${v.canonical} `);
    assert.equal(await verifyStrict(key, sig, wrong), false, v.name);
  }
});

test('S + L (the same signature with a non-reduced S) is refused, as verify_strict refuses it', async () => {
  const v = rfc8032.vectors[1];
  const [key, sig, msg] = [unhex(v.public), unhex(v.signature), unhex(v.message)];
  const big = sig.slice();
  big.set(bytes32(littleEndian(sig.subarray(32)) + L), 32);
  assert.equal(await verifyStrict(key, big, msg), false);
  assert.equal(await verifyEd25519(key, big, msg), false, 'WebCrypto refuses it too');
});

test('a small-order or non-canonical A or R is refused', async () => {
  const v = rfc8032.vectors[2];
  const [key, sig, msg] = [unhex(v.public), unhex(v.signature), unhex(v.message)];
  for (const small of SMALL_ORDER_KEYS.map(fromBase64)) {
    assert.equal(await verifyStrict(small, sig, msg), false, 'A of small order');
    const r = sig.slice();
    r.set(small, 0);
    assert.equal(await verifyStrict(key, r, msg), false, 'R of small order');
  }
  // y = p + 1 encodes y = 1 (the identity) non-canonically.
  const nonCanonical = bytes32(2n ** 255n - 19n + 1n);
  assert.equal(await verifyStrict(nonCanonical, sig, msg), false);
  const r = sig.slice();
  r.set(nonCanonical, 0);
  assert.equal(await verifyStrict(key, r, msg), false);
});

test('where verifiers part ways (torsion in A or R, S + L, A or R of small order), both answer as verify_strict does', async () => {
  const edge = JSON.parse(readFileSync(new URL('../vectors/ed25519_edge.json', import.meta.url)));
  assert.ok(edge.cases.some((c) => c.verify_strict !== c.cofactored), 'the cases tell the equations apart');
  for (const c of edge.cases) {
    const args = [unhex(c.public_key), unhex(c.signature), unhex(c.message)];
    assert.equal(await verifyStrict(...args), c.verify_strict, `fallback: ${c.name}`);
    assert.equal(await verifyEd25519(...args), c.verify_strict, `WebCrypto: ${c.name}`);
  }
});
