// Which shard holds a code: the leading `bits` bits of SHA-256(code), in hex.
import { sha256 } from './crypto.js';

/** The shard's file name for `code` under the site's scheme. */
export async function shardName(code, bits, width) {
  const d = await sha256(code);
  const top = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  const index = bits === 0 ? 0 : top >>> (32 - bits);
  return `${index.toString(16).padStart(Math.max(width, 1), '0')}.jsonl`;
}
