// The rules city and review statements keep on their own (rules.js), where
// the verdict corpus has one case per rule: here the edges of each, and the
// order in which Rust reports them (generator/core/trust/city.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkCity, checkReview, schemaOk } from '../../site-templates/js/rules.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/statements.json', import.meta.url)));
const institution = JSON.parse(vectors.signatures.find((v) => v.name === 'institution').envelope).statement;
const [key] = institution.keys;

const city = (over = {}) => ({ type: 'city', v: 1, city_code: '01', authority: '沈阳市公共就业服务机构主管部门', keys: [key], issued_on: '2020-01-01', ...over });
const review = (over = {}) => ({
  type: 'review',
  v: 1,
  code: 'Y000021013002243000001',
  certificate: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  reviewed_on: '2024-06-20',
  signed_on: '2024-07-05',
  ...over,
});
const TODAY = '2026-11-30';

test('a city statement keeping its rules passes, with or without a cut-over', async () => {
  assert.equal(await checkCity(city()), null);
  assert.equal(await checkCity(city({ reviews_from: '2024-07-01' })), null);
  assert.equal(await checkCity(city({ city_code: '99' })), null);
});

test('a city code is two ASCII digits, 01-99', async () => {
  for (const code of ['00', '1', '100', '０１', 'ab', ' 1', '']) {
    assert.equal(await checkCity(city({ city_code: code })), 'city-code', JSON.stringify(code));
  }
});

test("a city's authority is required, visible text; its dates are dates", async () => {
  assert.equal(await checkCity(city({ authority: ' ' })), 'text');
  assert.equal(await checkCity(city({ authority: '沈阳市 ' })), 'text');
  assert.equal(await checkCity(city({ authority: '沈阳市\u200b主管部门' })), 'text-characters');
  assert.equal(await checkCity(city({ reviews_from: '2024-02-30' })), 'date');
  assert.equal(await checkCity(city({ issued_on: '2020-1-01' })), 'date');
});

test("a city's keys: at least one, each its own kid, once, with an ordered window", async () => {
  assert.equal(await checkCity(city({ keys: [] })), 'city-keys');
  assert.equal(await checkCity(city({ keys: [{ ...key, kid: '0000000000000000' }] })), 'city-keys');
  assert.equal(await checkCity(city({ keys: [key, key] })), 'city-keys');
  assert.equal(await checkCity(city({ keys: [{ ...key, valid_until: '2000-01-01' }] })), 'city-keys');
  // A key's date that is no date breaks `date`, as Rust's key list reports it.
  assert.equal(await checkCity(city({ keys: [{ ...key, valid_from: '2020-13-01' }] })), 'date');
});

test('a city statement reports the first rule Rust checks', async () => {
  assert.equal(await checkCity(city({ v: 2, city_code: '1' })), 'version');
  assert.equal(await checkCity(city({ city_code: '1', authority: '' })), 'city-code');
  assert.equal(await checkCity(city({ authority: '', keys: [] })), 'text');
});

test('a review keeping its rules passes, made and uploaded on one day too', () => {
  assert.equal(checkReview(review(), TODAY), null);
  assert.equal(checkReview(review({ reviewed_on: '2024-07-05' }), TODAY), null);
  assert.equal(checkReview(review({ signed_on: TODAY }), TODAY), null);
});

test("a review's certificate is the base64 of 32 bytes, canonical", () => {
  assert.equal(checkReview(review({ certificate: 'AAAA' }), TODAY), 'hash-format');
  // The last character's unused bits set: atob takes it, Rust does not.
  assert.equal(checkReview(review({ certificate: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=' }), TODAY), 'hash-format');
  assert.equal(checkReview(review({ certificate: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), TODAY), 'hash-format');
});

test("a review's dates: real, reviewed before signed, signed not after today, in Rust's order", () => {
  assert.equal(checkReview(review({ signed_on: '2024-07-32' }), TODAY), 'date');
  assert.equal(checkReview(review({ reviewed_on: '2024-07-06' }), TODAY), 'review-dates');
  assert.equal(checkReview(review({ signed_on: '2026-12-01' }), TODAY), 'not-future');
  // Both broken: review-dates comes first (city.rs's own test).
  assert.equal(checkReview(review({ reviewed_on: '2024-07-01', signed_on: '2024-06-30' }), '2024-06-29'), 'review-dates');
  assert.equal(checkReview(review({ v: 2, code: 'Y0' }), TODAY), 'version');
  assert.equal(checkReview(review({ code: 'Y0', certificate: 'AAAA' }), TODAY), 'code');
});

test('city and review statements have exactly their fields, of their kinds', () => {
  assert.ok(schemaOk(city()) && schemaOk(city({ reviews_from: '2024-07-01' })) && schemaOk(review()));
  assert.ok(!schemaOk(city({ reviews_from: 20240701 })));
  assert.ok(!schemaOk(city({ name: '沈阳市' })));
  assert.ok(!schemaOk(city({ keys: [{ ...key, note: '' }] })));
  assert.ok(!schemaOk({ ...review(), passed: 1 }));
  const { signed_on: _, ...unsigned } = review();
  assert.ok(!schemaOk(unsigned));
});
