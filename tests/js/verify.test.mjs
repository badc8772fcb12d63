// The verdict logic on records built from the shared vectors: every verdict
// the page can show, and fail-closed on anything altered. The city's review
// is signed here with the Rust fixtures' keys (seed 1 the root, 6 沈阳市, 7 大连市).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromBase64, keyId, toBase64 } from '../../site-templates/js/crypto.js';
import { sha256 } from '../../site-templates/js/hash.js';
import { canonicalBytes } from '../../site-templates/js/jcs.js';
import { verifyCertificate } from '../../site-templates/js/verify.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/statements.json', import.meta.url)));
const byName = Object.fromEntries(vectors.signatures.map((v) => [v.name, v]));
const root = fromBase64(byName.institution.public_key);
const cert = byName.certificate.envelope;
const revocation = byName.revocation.envelope;
const CODE = 'Y000021013002243000001';
const AUTHORITY = '沈阳市公共就业服务机构主管部门';

/** A fixture key (seed of 32 equal bytes), as the Rust tests' World makes it. */
async function keyPair(seedByte) {
  const der = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...new Uint8Array(32).fill(seedByte)]);
  const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const pub = Uint8Array.from(atob(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0));
  return { key, pub };
}

/** Signs a statement with a fixture key: its envelope line. */
async function signWith(seedByte, statement) {
  const { key, pub } = await keyPair(seedByte);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, canonicalBytes(statement)));
  return JSON.stringify({ kid: await keyId(pub), sig: toBase64(sig), statement });
}

/** A key entry of a fixture key. */
async function keyEntry(seedByte, validFrom, validUntil) {
  const { pub } = await keyPair(seedByte);
  const entry = { kid: await keyId(pub), public_key: toBase64(pub), valid_from: validFrom };
  return validUntil ? { ...entry, valid_until: validUntil } : entry;
}

/** 沈阳市's review authority (city 01), signed by the root; `over` changes fields. */
const cityLine = async (over = {}) =>
  signWith(1, { type: 'city', v: 1, city_code: '01', authority: AUTHORITY, keys: [await keyEntry(6, '2020-01-01')], issued_on: '2020-01-01', ...over });

/** A review of a certificate line by a fixture key (沈阳市's by default). */
async function reviewLine(certLine, reviewedOn, signedOn, seedByte = 6) {
  const { kid, sig, statement } = JSON.parse(certLine);
  const certificate = toBase64(await sha256(canonicalBytes({ kid, sig, statement })));
  return signWith(seedByte, { type: 'review', v: 1, code: statement.code, certificate, reviewed_on: reviewedOn, signed_on: signedOn });
}

const city = await cityLine();
const institution = `${byName.institution.envelope}\n${city}\n`;
const review = await reviewLine(cert, '2024-06-20', '2024-07-05');

const check = (over = {}) =>
  verifyCertificate({ code: CODE, rootKey: root, institutionText: institution, shardText: `${cert}\n${review}\n`, ...over });

test('a valid certificate reviewed by its city is verified, with the review and its authority', async () => {
  const r = await check();
  assert.equal(r.verdict, 'verified');
  assert.equal(r.certificate.code, CODE);
  assert.equal(r.institution.name, '沈阳鼓风机集团股份有限公司');
  assert.equal(r.review, 'reviewed');
  assert.deepEqual([r.reviewed.reviewed_on, r.reviewed.signed_on], ['2024-06-20', '2024-07-05']);
  assert.equal(r.city.authority, AUTHORITY);
});

test('a signed revocation makes it revoked, with date and reason', async () => {
  const r = await check({ shardText: `${cert}\n${revocation}\n` });
  assert.equal(r.verdict, 'revoked');
  assert.equal(r.revocation.revoked_on, '2025-01-02');
  assert.equal(r.revocation.reason, '证书信息有误');
});

test('a forged revocation is ignored', async () => {
  const forged = revocation.replace('2025-01-02', '2025-01-03');
  assert.equal((await check({ shardText: `${cert}\n${review}\n${forged}\n` })).verdict, 'verified');
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

const certificate = () => JSON.parse(cert).statement;

test('signing here reproduces the vectors (so the cases below are real signatures)', async () => {
  assert.equal(await signWith(3, certificate()), cert);
  assert.equal(await signWith(1, JSON.parse(byName.institution.envelope).statement), byName.institution.envelope);
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

test('the earliest upload of two valid reviews is in effect', async () => {
  const later = await reviewLine(cert, '2024-06-21', '2024-07-06');
  const r = await check({ shardText: `${cert}\n${later}\n${review}\n` });
  assert.equal(r.review, 'reviewed');
  assert.equal(r.reviewed.signed_on, '2024-07-05');
  assert.deepEqual(r.ignored, []);
});

test('the authority shown is the one in force on the upload date, not a later name', async () => {
  const renamed = await cityLine({ authority: '沈阳市人力资源和社会保障局', issued_on: '2025-01-01' });
  const r = await check({ institutionText: `${institution}${renamed}\n` });
  assert.equal(r.verdict, 'verified');
  assert.equal(r.city.authority, AUTHORITY);
});

test('a review by a key listed only in a later statement is shown with the authority that lists it', async () => {
  // 2020: another name and key 8; 2025: the city's key 6 and its new name.
  const older = await cityLine({ authority: '旧审核机构', keys: [await keyEntry(8, '2020-01-01')] });
  const newer = await cityLine({ issued_on: '2025-01-01', keys: [await keyEntry(8, '2020-01-01'), await keyEntry(6, '2020-01-01')] });
  const r = await check({ institutionText: `${byName.institution.envelope}\n${older}\n${newer}\n` });
  assert.equal(r.verdict, 'verified');
  assert.equal(r.city.authority, AUTHORITY);
});

test('before the cut-over a record needs no review; the city and its date are given', async () => {
  const cutOver = await cityLine({ reviews_from: '2024-07-01' });
  const r = await check({ institutionText: `${byName.institution.envelope}\n${cutOver}\n`, shardText: `${cert}\n` });
  assert.equal(r.verdict, 'verified');
  assert.equal(r.review, 'before-cut-over');
  assert.equal(r.city.reviews_from, '2024-07-01');
  // A valid review still counts as one.
  assert.equal((await check({ institutionText: `${byName.institution.envelope}\n${cutOver}\n` })).review, 'reviewed');
});

test('not reviewed: never verified; the first refused review names the rule, the others are set aside', async () => {
  const none = await check({ shardText: `${cert}\n` });
  assert.equal(none.verdict, 'not-reviewed');
  assert.equal(none.rule, undefined);
  assert.equal(none.review, undefined);
  const dalian = await reviewLine(cert, '2024-06-20', '2024-07-05', 7);
  const early = await reviewLine(cert, '2024-06-20', '2024-06-29');
  const r = await check({ shardText: `${cert}\n${dalian}\n${early}\n` });
  assert.equal(r.verdict, 'not-reviewed');
  assert.equal(r.rule, 'review-signer');
  assert.deepEqual(r.ignored, ['review-dates']);
  // Beside a revocation in effect, a refused review is set aside like a refused revocation.
  const revoked = await check({ shardText: `${cert}\n${dalian}\n${revocation}\n` });
  assert.equal(revoked.verdict, 'revoked');
  assert.deepEqual(revoked.ignored, ['review-signer']);
});

test("a city key may revoke; another city's key may not", async () => {
  const withdrawn = await signWith(6, JSON.parse(revocation).statement);
  assert.equal((await check({ shardText: `${cert}\n${review}\n${withdrawn}\n` })).verdict, 'revoked');
  const other = await signWith(7, JSON.parse(revocation).statement);
  const r = await check({ shardText: `${cert}\n${review}\n${other}\n` });
  assert.equal(r.verdict, 'verified');
  assert.deepEqual(r.ignored, ['revocation-signer']);
});

test("the issuer file holds its own city only: another city's statement is malformed", async () => {
  const dalian = await cityLine({ city_code: '02' });
  const r = await check({ institutionText: `${institution}${dalian}\n` });
  assert.equal(r.verdict, 'invalid-signature');
  assert.equal(r.rule, 'city-code');
  assert.equal(r.reason, 'institution-malformed');
  // A city statement the root did not sign, or that breaks its rules, is the city's fault.
  const unsigned = await signWith(6, JSON.parse(city).statement);
  const bad = await check({ institutionText: `${byName.institution.envelope}\n${unsigned}\n` });
  assert.deepEqual([bad.rule, bad.reason], ['city-signer', 'city-signature']);
  const blank = await cityLine({ authority: '' });
  const invalid = await check({ institutionText: `${byName.institution.envelope}\n${blank}\n` });
  assert.deepEqual([invalid.rule, invalid.reason], ['text', 'city-invalid']);
});
