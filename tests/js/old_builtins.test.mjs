// The verdict corpus again, in an engine without the built-ins newer than
// ES2020 that Chromium 80, Safari 14 and Firefox 78 lack: the client must
// judge every case alike without them. Each test file runs in its own
// process, so deleting them here touches no other test; they are deleted
// before the client is imported, since a module may take a built-in once,
// when it is evaluated.
import { test } from 'node:test';
import assert from 'node:assert/strict';

/** The newer built-ins, by where they live and when they came. */
const NEWER = [
  [Object, 'hasOwn'], // ES2022
  [Array.prototype, 'at'], // ES2022
  [String.prototype, 'at'], // ES2022
  [Object.getPrototypeOf(Uint8Array.prototype), 'at'], // ES2022, typed arrays
  [Array.prototype, 'findLast'], // ES2023
  [Array.prototype, 'findLastIndex'], // ES2023
  [Object.getPrototypeOf(Uint8Array.prototype), 'findLast'], // ES2023
  [Object.getPrototypeOf(Uint8Array.prototype), 'findLastIndex'], // ES2023
  [Array.prototype, 'toSorted'], // ES2023
  [Array.prototype, 'toReversed'], // ES2023
  [Array.prototype, 'toSpliced'], // ES2023
  [Array.prototype, 'with'], // ES2023
  [String.prototype, 'replaceAll'], // ES2021
  [String.prototype, 'isWellFormed'], // ES2024
  [String.prototype, 'toWellFormed'], // ES2024
  [Object, 'groupBy'], // ES2024
  [Map, 'groupBy'], // ES2024
  [Promise, 'any'], // ES2021
  [Promise, 'withResolvers'], // ES2024
  [Array, 'fromAsync'], // ES2024
  [globalThis, 'AggregateError'], // ES2021
  [globalThis, 'WeakRef'], // ES2021
  [globalThis, 'FinalizationRegistry'], // ES2021
  [globalThis, 'structuredClone'], // HTML: Chromium 98, Safari 15.4, Firefox 94
];
const present = NEWER.filter(([owner, name]) => name in owner).map(([owner, name]) => [owner, name, Object.getOwnPropertyDescriptor(owner, name)]);
const remove = () => present.forEach(([owner, name]) => delete owner[name]);
// Node's own Response, which the tests' host answers with, uses some of
// them (undici, not the client): loaded first, and given them back while
// one is made (no client code runs meanwhile).
const NodeResponse = Response;
remove();
globalThis.Response = class extends NodeResponse {
  constructor(...args) {
    present.forEach(([owner, name, descriptor]) => Object.defineProperty(owner, name, descriptor));
    try {
      super(...args);
    } finally {
      remove();
    }
  }
};

test('the newer built-ins are gone before the client is imported', () => {
  assert.ok(present.some(([, name]) => name === 'hasOwn'), 'this engine had Object.hasOwn to delete');
  for (const [owner, name] of NEWER) assert.ok(!(name in owner), `${name} is still there`);
});

const { verdictTests } = await import('./verdict_corpus.mjs');
verdictTests();
