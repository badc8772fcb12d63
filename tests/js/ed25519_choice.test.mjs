// Which Ed25519 verifier the page uses (crypto.js, ed25519Ready): WebCrypto
// where it gives every known answer, else the pure-JavaScript fallback,
// fetched only then. The known answers are RFC 8032's and verify_strict's
// where verifiers part ways (tests/vectors/ed25519_edge.json), so a
// WebCrypto without Ed25519 (Chromium before 137) and one checking the
// cofactored equation (which RFC 8032 allows) both give way to the fallback.
// Each case imports its own instance of crypto.js (a query in the URL), over
// the WebCrypto it describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const edge = JSON.parse(readFileSync(new URL('../vectors/ed25519_edge.json', import.meta.url)));
const rfc8032 = JSON.parse(readFileSync(new URL('../vectors/rfc8032.json', import.meta.url)));
const hexOf = (b) => Buffer.from(b).toString('hex');
const proto = SubtleCrypto.prototype;
const real = { importKey: proto.importKey, verify: proto.verify, digest: proto.digest };

/** A WebCrypto without Ed25519, as Chromium's before 137. */
const UNSUPPORTED = {
  async importKey(format, data, algorithm, ...rest) {
    if ((algorithm?.name ?? algorithm) === 'Ed25519') throw new DOMException('Unrecognized name.', 'NotSupportedError');
    return real.importKey.call(this, format, data, algorithm, ...rest);
  },
};

/** A fresh crypto.js, with `subtle` as it is now. */
async function freshCrypto(label) {
  return import(`../../site-templates/js/crypto.js?${label}`);
}

/** Runs `body` with SubtleCrypto's methods replaced, then puts them back. */
async function withSubtle(replaced, body) {
  Object.assign(proto, replaced);
  try {
    return await body();
  } finally {
    Object.assign(proto, real);
  }
}

test('the known answers are RFC 8032 TEST 2 and every edge vector, with verify_strict\'s answers', async () => {
  const { KNOWN_ANSWERS } = await freshCrypto('answers');
  const test2 = rfc8032.vectors.find((v) => v.message === '72');
  assert.deepEqual(KNOWN_ANSWERS[0], [test2.public, test2.signature, '72', true]);
  assert.deepEqual(KNOWN_ANSWERS[1], [test2.public, test2.signature, '73', false]);
  const differing = edge.cases.filter((c) => c.name !== 'a plain signature');
  assert.deepEqual(
    KNOWN_ANSWERS.slice(2),
    differing.map((c) => [c.public_key, c.signature, c.message, c.verify_strict]),
  );
});

test('a WebCrypto that verifies Ed25519 strictly is used', async () => {
  const crypto = await freshCrypto('strict');
  assert.equal(await crypto.ed25519Ready(), true);
  assert.equal(crypto.ed25519Backend(), 'webcrypto');
});

test('without WebCrypto Ed25519 (NotSupportedError), the fallback is used', async () => {
  const crypto = await withSubtle(UNSUPPORTED, async () => {
    const c = await freshCrypto('unsupported');
    assert.equal(await c.ed25519Ready(), true);
    return c;
  });
  assert.equal(crypto.ed25519Backend(), 'fallback');
  // The answer is kept: asked again, nothing is probed anew.
  assert.equal(await crypto.ed25519Ready(), true);
});

test('a WebCrypto checking the cofactored equation gives way to the fallback', async () => {
  // Answers as a lenient verifier does where verify_strict refuses.
  const lenient = new Map(edge.cases.map((c) => [c.signature, c.cofactored]));
  const cofactored = {
    async verify(algorithm, key, signature, message) {
      const answer = lenient.get(hexOf(new Uint8Array(signature)));
      if (answer !== undefined) return answer;
      return real.verify.call(this, algorithm, key, signature, message);
    },
  };
  const crypto = await withSubtle(cofactored, async () => {
    const c = await freshCrypto('cofactored');
    assert.equal(await c.ed25519Ready(), true);
    return c;
  });
  assert.equal(crypto.ed25519Backend(), 'fallback');
});

test('a fallback that fails the known answers is not used: no verdict', async () => {
  // WebCrypto without Ed25519, and the SHA-512 the fallback needs answering wrong.
  const broken = { ...UNSUPPORTED, digest: async () => new Uint8Array(64).buffer };
  const crypto = await withSubtle(broken, async () => {
    const c = await freshCrypto('broken');
    assert.equal(await c.ed25519Ready(), false);
    return c;
  });
  assert.equal(crypto.ed25519Backend(), 'webcrypto');
});
