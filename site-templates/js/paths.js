// @ts-check
// Where a lookup's files are. A key's file is named by the leading `bits`
// bits of SHA-256(key) as zero-padded hex: certificate shards (key = code)
// and search posting shards (key = bigram) alike (generator/core/site_format/shard.rs); an
// institution's bucket in the snapshot's tree is the same prefix of its
// filing number's hash (generator/core/log/keyed_tree.rs). Small on purpose: the
// verify page's early script (verify-early.js) needs only this.
import { sha256 } from './hash.js';

/**
 * The tree parameters a page carries in `data-snapshot`: unsigned hints,
 * checked against the signed snapshot before a file they led to counts.
 * @typedef {object} Hints
 * @property {string} origin the log the page names
 * @property {TreeShape} shards the certificate shards' tree
 * @property {TreeShape} issuers the issuer files' tree
 * @property {number} width hex digits in a shard's file name
 */

/**
 * A keyed tree's shape: `bits` of the key's hash pick its bucket, and the
 * tiles on a bucket's path are `tiles[i]` levels high, bottom first.
 * @typedef {object} TreeShape
 * @property {number} bits
 * @property {number[]} tiles
 */

/**
 * @param {string} key
 * @param {number} bits
 * @returns {Promise<number>}
 */
async function prefix(key, bits) {
  const d = await sha256(key);
  const top = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  return bits === 0 ? 0 : top >>> (32 - bits);
}

/**
 * The hex name (without extension) of the file holding `key`.
 * @param {string} key
 * @param {number} bits
 * @param {number} width
 * @returns {Promise<string>}
 */
export async function hashedName(key, bits, width) {
  return (await prefix(key, bits)).toString(16).padStart(Math.max(width, 1), '0');
}

/** The bucket of `key` in a keyed tree of `bits` bits. */
export const bucketOf = prefix;

/**
 * The tiles on a bucket's path, bottom first, as site paths.
 * @param {'c' | 'i'} tree
 * @param {number[]} tiles
 * @param {number} bucket
 * @returns {string[]}
 */
export function tilePaths(tree, tiles, bucket) {
  let reach = 0;
  return tiles.map((h, level) => {
    reach += h;
    return `snap/${tree}/${level}/${Math.floor(bucket / 2 ** reach)}`;
  });
}

/**
 * Every file one lookup reads besides the snapshot, as site paths: the
 * shard of `code`, the file of its issuer `filingNo`, and the tiles on both
 * paths, under the tree parameters `hints` (the page's `data-snapshot`).
 * @param {string} code
 * @param {string} filingNo
 * @param {Hints} hints
 */
export async function lookupPaths(code, filingNo, hints) {
  const { shards, issuers, width } = hints;
  const shard = await hashedName(code, shards.bits, width);
  const shardIndex = parseInt(shard, 16);
  const bucket = await bucketOf(filingNo, issuers.bits);
  return {
    shard: `c/${shard}.jsonl`,
    shardIndex,
    issuer: `i/${filingNo}.jsonl`,
    bucket,
    shardTiles: tilePaths('c', shards.tiles, shardIndex),
    issuerTiles: tilePaths('i', issuers.tiles, bucket),
  };
}
