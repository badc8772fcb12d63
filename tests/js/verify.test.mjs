// The verdict logic on records built from the shared vectors: every verdict
// the page can show, and fail-closed on anything altered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromBase64 } from '../../site-templates/js/crypto.js';
import { verifyCertificate } from '../../site-templates/js/verify.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/statements.json', import.meta.url)));
const byName = Object.fromEntries(vectors.signatures.map((v) => [v.name, v]));
const root = fromBase64(byName.institution.public_key);
const institution = `${byName.institution.envelope}\n`;
const cert = byName.certificate.envelope;
const revocation = byName.revocation.envelope;
const CODE = 'Y000021013002243000001';

const check = (over = {}) =>
  verifyCertificate({ code: CODE, rootKey: root, institutionText: institution, shardText: `${cert}\n`, ...over });

test('a valid certificate is verified', async () => {
  const r = await check();
  assert.equal(r.verdict, 'verified');
  assert.equal(r.certificate.code, CODE);
  assert.equal(r.institution.name, '沈阳鼓风机集团股份有限公司');
});

test('a signed revocation makes it revoked, with date and reason', async () => {
  const r = await check({ shardText: `${cert}\n${revocation}\n` });
  assert.equal(r.verdict, 'revoked');
  assert.equal(r.revocation.revoked_on, '2025-01-02');
  assert.equal(r.revocation.reason, '证书信息有误');
});

test('a forged revocation is ignored', async () => {
  const forged = revocation.replace('2025-01-02', '2025-01-03');
  assert.equal((await check({ shardText: `${cert}\n${forged}\n` })).verdict, 'verified');
});

test('one changed character in the shard is an invalid signature', async () => {
  for (const [from, to] of [['2024-06-30', '2024-06-29'], ['"level":3', '"level":4'], ['车工', '铣工']]) {
    const r = await check({ shardText: `${cert.replace(from, to)}\n` });
    assert.equal(r.verdict, 'invalid-signature', `${from} → ${to}`);
  }
  // A change that breaks the JSON of the record is not "not found".
  assert.equal((await check({ shardText: `${cert.replace('{"kid"', '{kid')}\n` })).verdict, 'invalid-signature');
});

test('an altered institution statement is never verified', async () => {
  for (const [from, to] of [['"2029-05-31"', '"2030-05-31"'], ['沈阳鼓风机', '沈阳鼓风']]) {
    const r = await check({ institutionText: institution.replace(from, to) });
    assert.notEqual(r.verdict, 'verified', `${from} → ${to}`);
    assert.equal(r.verdict, 'invalid-signature');
  }
});

test('a different root key verifies nothing', async () => {
  const other = fromBase64(byName['institution with hostile text'].public_key.replace(/^./, 'A'));
  assert.notEqual((await check({ rootKey: other })).verdict, 'verified');
});

test('an issuer without a statement is unknown; a missing record is not found', async () => {
  assert.equal((await check({ institutionText: null })).verdict, 'unknown-issuer');
  assert.equal((await check({ shardText: '' })).verdict, 'not-found');
  assert.equal((await check({ code: 'Y000021013002243000002' })).verdict, 'not-found');
});

/** Signs a statement with a fixture key (seed of 32 equal bytes), as the Rust tests' World does. */
async function signWith(seedByte, statement) {
  const der = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...new Uint8Array(32).fill(seedByte)]);
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const pub = Uint8Array.from(atob(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0));
  const { keyId, toBase64 } = await import('../../site-templates/js/crypto.js');
  const { canonicalBytes } = await import('../../site-templates/js/jcs.js');
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, canonicalBytes(statement)));
  return JSON.stringify({ kid: await keyId(pub), sig: toBase64(sig), statement });
}

const certificate = () => JSON.parse(cert).statement;

test('signing here reproduces the vectors (so the cases below are real signatures)', async () => {
  assert.equal(await signWith(3, certificate()), cert);
});

test('a certificate dated outside its key window is key-not-valid', async () => {
  // Key A (seed 2) was cut off on 2023-12-31.
  const line = await signWith(2, certificate());
  assert.equal((await check({ shardText: `${line}\n` })).verdict, 'key-not-valid');
});

test('a certificate signed by another institution key is an invalid signature', async () => {
  const line = await signWith(4, certificate());
  assert.equal((await check({ shardText: `${line}\n` })).verdict, 'invalid-signature');
});

test('a signed record outside the filed scope is not verified', async () => {
  // 车工 is filed 五级-三级; a level-2 record signed by the right key still fails.
  const s = { ...certificate(), code: 'Y000021013002242000001', level: 2 };
  const line = await signWith(3, s);
  const r = await check({ code: s.code, shardText: `${line}\n` });
  assert.equal(r.verdict, 'unknown-issuer');
  assert.equal(r.reason, 'out-of-scope');
});

test('a signed record that disagrees with its code is not verified', async () => {
  const s = { ...certificate(), level: 4 };
  const line = await signWith(3, s);
  assert.equal((await check({ shardText: `${line}\n` })).verdict, 'invalid-signature');
});
