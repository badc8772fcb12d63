// @ts-check
// The signed snapshot of a build, as a visitor checks it: the twin of
// generator/core/trust/snapshot.rs (reading snapshot.jsonl) and
// generator/core/log/keyed_tree.rs (the trees and their tiles), bound by the
// verdict corpus. A file a verdict reads counts only if the snapshot, signed
// by the publisher's log key that the root lists, commits to its exact bytes.
import { fromBase64, keyId } from './crypto.js';
import { sha256 } from './hash.js';
import { canonicalize } from './jcs.js';
import { checkPublisher, checkSnapshot, schemaOk } from './rules.js';
import { envelopeVerifies, parseEnvelope } from './verify.js';

/** @typedef {import('./rules.js').Publisher} Publisher */
/** @typedef {import('./rules.js').Snapshot} Snapshot */
/** @typedef {import('./rules.js').TreeHead} TreeHead */

/** @type {(rule: string) => { rule: string, snapshot?: undefined }} */
const fail = (rule) => ({ rule });

/**
 * Reads snapshot.jsonl: publisher statements signed by the root, then the
 * snapshot, signed by a log key the newest publisher statement lists, its
 * data date inside that key's window. `{ snapshot, publisher }` or `{ rule }`.
 * @param {string} text
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @returns {Promise<{ snapshot: Snapshot, publisher: Publisher, rule?: undefined } | { rule: string, snapshot?: undefined }>}
 */
export async function readSnapshot(text, rootKey) {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return fail('schema');
  const rootKid = await keyId(rootKey);
  /** @type {Publisher | null} */
  let newest = null;
  for (const line of lines.slice(0, -1)) {
    const env = parseEnvelope(line);
    if (!env) return fail('envelope');
    const s = env.statement;
    if (!schemaOk(s) || s.type !== 'publisher') return fail('schema');
    if (env.kid !== rootKid) return fail('publisher-signer');
    if (!(await envelopeVerifies(env, rootKey))) return fail('signature');
    const rule = await checkPublisher(s);
    if (rule) return fail(rule);
    if (newest && newest.issued_on === s.issued_on && canonicalize(newest) !== canonicalize(s)) {
      return fail('publisher-keys');
    }
    if (!newest || s.issued_on > newest.issued_on) newest = s;
  }
  if (!newest) return fail('publisher-signer');
  const env = parseEnvelope(lines[lines.length - 1]);
  if (!env) return fail('envelope');
  const s = env.statement;
  if (!schemaOk(s) || s.type !== 'snapshot') return fail('schema');
  const entry = newest.keys.find((k) => k.kid === env.kid);
  if (!entry) return fail('snapshot-signer');
  if (!(await envelopeVerifies(env, fromBase64(entry.public_key)))) return fail('signature');
  const rule = checkSnapshot(s);
  if (rule) return fail(rule);
  const inside = entry.valid_from <= s.data_date && (entry.valid_until === undefined || s.data_date <= entry.valid_until);
  if (!inside || s.origin !== newest.origin) return fail('snapshot-signer');
  return { snapshot: s, publisher: newest };
}

/** @type {(...parts: Uint8Array[]) => Uint8Array<ArrayBuffer>} */
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** @param {Uint8Array} record */
const leafHash = (record) => sha256(concat(new Uint8Array([0]), record));
/** @type {(a: Uint8Array, b: Uint8Array) => Promise<Uint8Array<ArrayBuffer>>} */
const nodeHash = (a, b) => sha256(concat(new Uint8Array([1]), a, b));
/** @type {(a: Uint8Array, b: Uint8Array) => boolean} */
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The root of the perfect subtree over `nodes` (a power of two of them).
 * @param {Uint8Array[]} nodes
 * @returns {Promise<Uint8Array>}
 */
async function subtreeRoot(nodes) {
  let level = nodes;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    level = await Promise.all(next);
  }
  return level[0];
}

/**
 * The 2^h length-prefixed records of a level-0 tile, or null.
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {number} h
 * @returns {Uint8Array<ArrayBuffer>[] | null}
 */
function records(bytes, h) {
  /** @type {Uint8Array<ArrayBuffer>[]} */
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) return null;
    const len = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + len > bytes.length) return null;
    out.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out.length === 2 ** h ? out : null;
}

/**
 * Byte order of two names.
 * @type {(a: Uint8Array, b: Uint8Array) => number}
 */
const compare = (a, b) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/**
 * The hash a record lists for `name` (undefined if none), or null if the
 * record is malformed: entries cut short, or names not strictly ascending
 * (so no name is listed twice).
 * @param {Uint8Array<ArrayBuffer>} record
 * @param {string} name
 * @returns {Uint8Array<ArrayBuffer> | undefined | null}
 */
function listed(record, name) {
  const want = new TextEncoder().encode(name);
  let at = 0;
  /** @type {Uint8Array<ArrayBuffer> | undefined} */
  let found;
  /** @type {Uint8Array | null} */
  let previous = null;
  while (at < record.length) {
    const len = record[at];
    if (at + 1 + len + 32 > record.length) return null;
    const entry = record.subarray(at + 1, at + 1 + len);
    if (previous && compare(previous, entry) >= 0) return null;
    if (same(entry, want)) found = record.subarray(at + 1 + len, at + 33 + len);
    previous = entry;
    at += 33 + len;
  }
  return found;
}

/**
 * The records of the level-0 tile on a bucket's path, if the tiles (bottom
 * first, paths.js's tilePaths order) lead to the tree's signed top; null otherwise.
 * Mirrors Rust keyed_tree::check_file; a page checks each path once.
 * @param {TreeHead} head
 * @param {number} bucket
 * @param {(Uint8Array<ArrayBuffer> | null)[]} tiles the tiles' bytes, null where one is missing
 * @returns {Promise<Uint8Array<ArrayBuffer>[] | null>}
 */
export async function verifiedRecords(head, bucket, tiles) {
  if (tiles.length !== head.tiles.length || !tiles.every((t) => t !== null)) return null;
  const h0 = head.tiles[0];
  const recs = records(tiles[0], h0);
  if (!recs) return null;
  let node = await subtreeRoot(await Promise.all(recs.map(leafHash)));
  let position = Math.floor(bucket / 2 ** h0);
  for (let level = 1; level < head.tiles.length; level++) {
    const h = head.tiles[level];
    const tile = tiles[level];
    if (tile.length !== 32 * 2 ** h) return null;
    const hashes = Array.from({ length: 2 ** h }, (_, i) => tile.subarray(32 * i, 32 * i + 32));
    if (!same(hashes[position % 2 ** h], node)) return null;
    node = await subtreeRoot(hashes);
    position = Math.floor(position / 2 ** h);
  }
  const top = head.top[position];
  return top !== undefined && same(fromBase64(top), node) ? recs : null;
}

/**
 * Whether `file` (bytes, or null when absent) is what `recs` list under `name` for `bucket`.
 * @param {Uint8Array<ArrayBuffer>[] | null} recs
 * @param {TreeHead} head
 * @param {number} bucket
 * @param {string} name
 * @param {Uint8Array<ArrayBuffer> | null} file
 * @returns {Promise<boolean>}
 */
export async function listedIn(recs, head, bucket, name, file) {
  if (!recs) return false;
  const hash = listed(recs[bucket % 2 ** head.tiles[0]], name);
  if (hash === null) return false;
  const actual = file === null ? undefined : await sha256(file);
  // Listed and present, with the same bytes; or neither listed nor present.
  if (hash === undefined || actual === undefined) return hash === actual;
  return same(hash, actual);
}

/**
 * Whether proven `recs` list a file `name` for `bucket`.
 * @param {Uint8Array<ArrayBuffer>[]} recs
 * @param {TreeHead} head
 * @param {number} bucket
 * @param {string} name
 */
export function isListed(recs, head, bucket, name) {
  const hash = listed(recs[bucket % 2 ** head.tiles[0]], name);
  return hash !== undefined && hash !== null;
}
