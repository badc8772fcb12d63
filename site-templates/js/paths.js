// Where a lookup's files are. A key's file is named by the leading `bits`
// bits of SHA-256(key) as zero-padded hex: certificate shards (key = code)
// and search posting shards (key = bigram) alike (generator/shard.rs); an
// institution's bucket in the snapshot's tree is the same prefix of its
// filing number's hash (generator/log/keyed_tree.rs). Small on purpose: the
// verify page's early script (verify-early.js) needs only this.
import { sha256 } from './hash.js';

async function prefix(key, bits) {
  const d = await sha256(key);
  const top = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  return bits === 0 ? 0 : top >>> (32 - bits);
}

/** The hex name (without extension) of the file holding `key`. */
export async function hashedName(key, bits, width) {
  return (await prefix(key, bits)).toString(16).padStart(Math.max(width, 1), '0');
}

/** The bucket of `key` in a keyed tree of `bits` bits. */
export const bucketOf = prefix;

/** The tiles on a bucket's path, bottom first, as site paths. */
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
