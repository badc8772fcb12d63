// Which file holds a key: the leading `bits` bits of SHA-256(key) as
// zero-padded hex. Certificate shards (key = code) and search posting
// shards (key = bigram) are named the same way (generator/shard.rs).
import { sha256 } from './crypto.js';

/** The hex name (without extension) of the file holding `key`. */
export async function hashedName(key, bits, width) {
  const d = await sha256(key);
  const top = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  const index = bits === 0 ? 0 : top >>> (32 - bits);
  return index.toString(16).padStart(Math.max(width, 1), '0');
}

/** The shard's file name for `code` under the site's scheme. */
export async function shardName(code, bits, width) {
  return `${await hashedName(code, bits, width)}.jsonl`;
}
