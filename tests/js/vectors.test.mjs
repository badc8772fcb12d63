// The browser client against the shared vectors in tests/vectors/: the same
// code explanations, canonical bytes, signatures and hashes as the Rust side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CodeError, checkIssueYear, parseCode, parseFiling } from '../../site-templates/js/code.js';
import { canonicalize } from '../../site-templates/js/jcs.js';
import { fingerprint, fromBase64, keyId, verifyEd25519 } from '../../site-templates/js/crypto.js';
import { hex } from '../../site-templates/js/hash.js';
import { idHash, nameHash, normalizeName, normalizeNumber } from '../../site-templates/js/holder.js';
import { envelopeVerifies } from '../../site-templates/js/verify.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/statements.json', import.meta.url)));
const rfc8032 = JSON.parse(readFileSync(new URL('../vectors/rfc8032.json', import.meta.url)));
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

test('codes explain and fail exactly as certsite code explain does', () => {
  for (const v of vectors.codes) {
    /** @param {string} input */
    const limited = (input) => {
      const code = parseCode(input);
      checkIssueYear(code, v.earliest_issue_year);
      return code;
    };
    const parse = v.kind === 'filing' ? parseFiling : v.earliest_issue_year ? limited : parseCode;
    if (v.explain) {
      assert.deepEqual(parse(v.input), v.explain, v.input);
    } else {
      assert.throws(() => parse(v.input), (e) => e instanceof CodeError && e.message === v.error && e.start === v.start && e.end === v.end, v.input);
    }
  }
});

test('canonical JSON matches RFC 8785 and the Rust encoder', () => {
  for (const v of vectors.canonical) assert.equal(canonicalize(JSON.parse(v.input)), v.canonical);
  for (const v of vectors.signatures) {
    assert.equal(canonicalize(v.statement), v.canonical, v.name);
    assert.equal(hex(new TextEncoder().encode(canonicalize(v.statement))), v.canonical_utf8_hex, v.name);
  }
  assert.throws(() => canonicalize({ a: 1.5 }));
  assert.throws(() => canonicalize({ a: true }));
  assert.throws(() => canonicalize({ a: null }));
  assert.throws(() => canonicalize(2 ** 53));
});

test('RFC 8032 vectors verify with WebCrypto Ed25519, and a flipped bit does not', async () => {
  for (const v of rfc8032.vectors) {
    const [pk, sig, msg] = [unhex(v.public), unhex(v.signature), unhex(v.message)];
    assert.equal(await verifyEd25519(pk, sig, msg), true, v.name);
    sig[5] ^= 1;
    assert.equal(await verifyEd25519(pk, sig, msg), false, v.name);
  }
});

test('signed statements verify, and key ids and fingerprints agree', async () => {
  for (const v of vectors.signatures) {
    const pk = fromBase64(v.public_key);
    assert.equal(await keyId(pk), v.kid);
    assert.equal(await fingerprint(pk), v.fingerprint);
    const env = JSON.parse(v.envelope);
    assert.equal(await envelopeVerifies(env, pk), true, v.name);
    env.statement.v = 2;
    assert.equal(await envelopeVerifies(env, pk), false, v.name);
  }
});

test('typed names and numbers hash as the statements expect', async () => {
  for (const v of vectors.hashes) {
    const norm = v.field === 'name' ? normalizeName : normalizeNumber;
    assert.equal(norm(v.typed), v.normalized, v.typed);
    const hash = v.field === 'name' ? nameHash : idHash;
    assert.equal(await hash(v.typed, v.code, v.iterations), v.hash, `${v.typed} (${v.iterations})`);
  }
});
