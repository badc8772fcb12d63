// @ts-check
// Whether the site's log extends the newest one this browser has seen:
// the twin of generator/core/log/consistency.rs. The subtree roots an RFC 6962
// consistency proof needs are read from the log's hash tiles (C2SP
// tlog-tiles) at the newer size, and the proof is verified (RFC 9162
// 2.1.4.2), so tiles that agree with only one of the two roots fail.
import { fromBase64 } from './crypto.js';
import { sha256 } from './hash.js';

const WIDTH = 256;

/**
 * A log's size and root hash (base64), as a snapshot signs it.
 * @typedef {object} LogHead
 * @property {number} size
 * @property {string} root
 */

/**
 * Where hash tiles come from: a tile's path under `log/` → its bytes, or
 * null when there is none.
 * @typedef {(path: string) => Promise<Uint8Array | null>} TileSource
 */

/** @type {(a: Uint8Array, b: Uint8Array) => Promise<Uint8Array>} */
const nodeHash = async (a, b) => {
  const bytes = new Uint8Array(65);
  bytes[0] = 1;
  bytes.set(a, 1);
  bytes.set(b, 33);
  return sha256(bytes);
};
/** @type {(a: Uint8Array, b: Uint8Array) => boolean} */
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * `x001/x234/067` for 1234067.
 * @param {number} n
 * @returns {string}
 */
export function indexPath(n) {
  const groups = [String(n % 1000).padStart(3, '0')];
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    groups.unshift(`x${String(rest % 1000).padStart(3, '0')}`);
  }
  return groups.join('/');
}

/**
 * The path of hash tile `n` at `level`, `width` hashes wide.
 * @param {number} level
 * @param {number} n
 * @param {number} width
 * @returns {string}
 */
export function tilePath(level, n, width) {
  return `tile/${level}/${indexPath(n)}${width < WIDTH ? `.p/${width}` : ''}`;
}

// Integer arithmetic only: Math.log2 rounds, wrongly for large sizes.
/** The largest power of two below `n` (n ≥ 2). @param {number} n */
const largestPowerBelow = (n) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
/** The exponent of `n` if it is a power of two, else -1. @param {number} n */
const exponentOf = (n) => {
  let e = 0;
  while (2 ** e < n) e++;
  return 2 ** e === n ? e : -1;
};

/** Subtree roots of a log of `size` entries, from `getTile(path)` (bytes or null). */
class TileReader {
  /**
   * @param {number} size
   * @param {TileSource} getTile
   */
  constructor(size, getTile) {
    this.size = size;
    this.getTile = getTile;
  }

  /**
   * The root of the perfect subtree of 2^h entries from `start`.
   * @param {number} start
   * @param {number} h
   * @returns {Promise<Uint8Array | null>}
   */
  async perfect(start, h) {
    const level = Math.floor(h / 8);
    const rest = h % 8;
    const first = Math.floor(start / 256 ** level);
    const n = Math.floor(first / WIDTH);
    const width = Math.min(WIDTH, Math.floor(this.size / 256 ** level) - n * WIDTH);
    const tile = await this.getTile(tilePath(level, n, width));
    if (!tile || tile.length !== width * 32) return null;
    const at = first - n * WIDTH;
    if (at + 2 ** rest > width) return null;
    let nodes = Array.from({ length: 2 ** rest }, (_, i) => tile.subarray((at + i) * 32, (at + i + 1) * 32));
    while (nodes.length > 1) {
      const next = [];
      for (let i = 0; i < nodes.length; i += 2) next.push(nodeHash(nodes[i], nodes[i + 1]));
      nodes = await Promise.all(next);
    }
    return nodes[0];
  }

  /**
   * The root of the `n` entries from `start`.
   * @param {number} start
   * @param {number} n
   * @returns {Promise<Uint8Array | null>}
   */
  async root(start, n) {
    const e = exponentOf(n);
    if (e >= 0) return this.perfect(start, e);
    const k = largestPowerBelow(n);
    const [a, b] = await Promise.all([this.root(start, k), this.root(start + k, n - k)]);
    return a && b ? nodeHash(a, b) : null;
  }
}

/**
 * RFC 6962 PROOF(m, D[0:n]) from a source of subtree roots; null if one is missing.
 * @param {number} m
 * @param {number} n
 * @param {(start: number, n: number) => Promise<Uint8Array | null>} root
 * @returns {Promise<Uint8Array[] | null>}
 */
async function proof(m, n, root) {
  /** @type {(Uint8Array | null)[]} */
  const out = [];
  /**
   * @param {number} k
   * @param {number} start
   * @param {number} size
   * @param {boolean} complete
   */
  async function sub(k, start, size, complete) {
    if (k === size) {
      if (!complete) out.push(await root(start, size));
      return;
    }
    const split = largestPowerBelow(size);
    if (k <= split) {
      await sub(k, start, split, complete);
      out.push(await root(start + split, size - split));
    } else {
      await sub(k - split, start + split, size - split, false);
      out.push(await root(start, split));
    }
  }
  await sub(m, 0, n, true);
  return out.every((x) => x !== null) ? out : null;
}

/**
 * RFC 9162 2.1.4.2: whether `path` shows tree (m, oldRoot) is a prefix of (n, newRoot).
 * @param {number} m
 * @param {number} n
 * @param {Uint8Array} oldRoot
 * @param {Uint8Array} newRoot
 * @param {Uint8Array[]} path
 * @returns {Promise<boolean>}
 */
async function verifyConsistency(m, n, oldRoot, newRoot, path) {
  if (m === 0 || m > n) return false;
  if (m === n) return path.length === 0 && same(oldRoot, newRoot);
  const p = exponentOf(m) >= 0 ? [oldRoot, ...path] : path;
  if (p.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = p[0];
  let sr = p[0];
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return same(fr, oldRoot) && same(sr, newRoot) && sn === 0;
}

/**
 * Whether the log's own tiles recompute `root` for `size` entries: a head
 * the publisher signed and its tiles back. A page remembers a log it sees
 * for the first time only then.
 * @param {number} size
 * @param {string} root base64
 * @param {TileSource} getTile
 * @returns {Promise<boolean>}
 */
export async function tilesBackHead(size, root, getTile) {
  if (size === 0) return false;
  const computed = await new TileReader(size, getTile).root(0, size);
  return computed !== null && same(computed, fromBase64(root));
}

/**
 * Whether the log `{ size, root }` (root in base64, from the signed
 * snapshot) extends `seen` (what this browser saw before), reading hash
 * tiles through `getTile`. `'ok'`, `'rollback'` or `'fork'`.
 * @param {LogHead} seen
 * @param {LogHead} log
 * @param {TileSource} getTile
 * @returns {Promise<'ok' | 'rollback' | 'fork'>}
 */
export async function extendsSeen(seen, log, getTile) {
  if (log.size < seen.size) return 'rollback';
  const oldRoot = fromBase64(seen.root);
  const newRoot = fromBase64(log.root);
  if (log.size === seen.size) return same(oldRoot, newRoot) ? 'ok' : 'fork';
  const reader = new TileReader(log.size, getTile);
  const path = await proof(seen.size, log.size, (s, n) => reader.root(s, n));
  return path && (await verifyConsistency(seen.size, log.size, oldRoot, newRoot, path)) ? 'ok' : 'fork';
}
