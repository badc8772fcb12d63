// compat.js stands in for built-ins newer than ES2020: each answers as the
// built-in does (Node has them all), on the edges that matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLast, hasOwn, isWellFormed, last } from '../../site-templates/js/compat.js';

test('hasOwn is Object.hasOwn: own keys only, __proto__ and inherited names included', () => {
  const parsed = JSON.parse('{"__proto__": 1, "a": 2, "hasOwnProperty": 3}');
  const bare = Object.create(null);
  bare.b = 1;
  for (const object of [parsed, bare, { a: undefined }, [1], Object.create({ a: 1 }), 'ab']) {
    for (const key of ['a', 'b', '__proto__', 'hasOwnProperty', 'toString', 'length', '0', '1']) {
      assert.equal(hasOwn(object, key), Object.hasOwn(object, key), `${JSON.stringify(object)} ${key}`);
    }
  }
  assert.throws(() => hasOwn(null, 'a'), TypeError);
});

test('last and findLast are .at(-1) and Array.prototype.findLast', () => {
  for (const list of [[], [1], [1, 2, 3], [3, 2, 1, 2], [undefined, 0]]) {
    assert.equal(last(list), list.at(-1));
    for (const wanted of [(x) => x <= 2, (x) => x === undefined, () => false, () => true]) {
      assert.equal(findLast(list, wanted), list.findLast(wanted));
    }
  }
});

test('isWellFormed is String.prototype.isWellFormed on every string of up to four of the edge code units', () => {
  // Letters, both halves of a pair at each end of their ranges, and a pair.
  const units = ['a', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', '\uFFFF', '\u0000'];
  let strings = [''];
  for (let n = 0; n < 4; n++) {
    strings = [...strings, ...strings.flatMap((s) => units.map((u) => s + u))];
  }
  for (const s of new Set(strings)) assert.equal(isWellFormed(s), s.isWellFormed(), JSON.stringify(s));
});
