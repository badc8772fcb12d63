// @ts-check
// One lookup as the pages make it: once the code is known, the shard, the
// issuer's file, the snapshot and the tiles on both paths are fetched at
// once (no request waits on another), the snapshot is checked from the root,
// both files are checked against it, and only then are the records judged
// (verify.js). A file the snapshot does not commit to is never judged: the
// verdict says the data was altered. Shared by the verify and batch pages.
import { fromBase64 } from './crypto.js';
import { extendsSeen, tilesBackHead } from './log.js';
import { lookupPaths } from './paths.js';
import { isListed, listedIn, readSnapshot, verifiedRecords } from './snapshot.js';
import { todayInChina, verifyCertificate } from './verify.js';

/** @typedef {import('./code.js').ParsedCode} ParsedCode */
/** @typedef {import('./paths.js').Hints} Hints */
/** @typedef {import('./paths.js').TreeShape} TreeShape */
/** @typedef {import('./rules.js').Policy} Policy */
/** @typedef {import('./rules.js').Publisher} Publisher */
/** @typedef {import('./rules.js').Snapshot} Snapshot */
/** @typedef {import('./rules.js').TreeHead} TreeHead */
/** @typedef {import('./verify.js').Verdict} Verdict */
/** @typedef {import('./verify.js').VerdictName} VerdictName */

/**
 * The newest log a browser saw on a site: its origin, size and root.
 * @typedef {import('./log.js').LogHead & { origin: string }} Seen
 */

/**
 * Where a browser keeps the newest log it saw.
 * @typedef {object} Memory
 * @property {() => Seen | null} read
 * @property {(seen: Seen) => void} write
 */

/**
 * The issuer's bucket in the snapshot's tree and the records its tiles prove.
 * @typedef {object} IssuerPath
 * @property {number} bucket
 * @property {Promise<Uint8Array<ArrayBuffer>[] | null>} records
 */

/**
 * A lookup's verdict: verify.js's, with the snapshot's data date, whether
 * the files came from this device's store, and the issuer's path (for
 * `meta`); or one reached before any record was judged.
 * @typedef {Partial<Verdict> & { verdict: VerdictName, dataDate?: string, offline?: boolean, issuerPath?: IssuerPath }} Lookup
 */

/**
 * The snapshot as read from the root: the snapshot, or the rule it breaks
 * (`missing` when the host has none).
 * @typedef {{ snapshot: Snapshot, publisher: Publisher, rule?: undefined, missing?: undefined } | { rule: string, missing?: boolean, snapshot?: undefined }} SnapshotRead
 */

/**
 * The tree parameters a page carries in `data-snapshot` (unsigned hints, checked against the snapshot).
 * @param {string} text
 * @returns {Hints}
 */
export function readHints(text) {
  const h = JSON.parse(text);
  return { origin: h.origin, shards: h.shards, issuers: h.issuers, width: h.width };
}

// ignoreBOM keeps a leading BOM in the text, where Rust sees it too and
// refuses the line: a decoder that dropped it would judge other bytes.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// The snapshot is read as Rust reads it (lossy): bad bytes fail its rules, not the page.
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
/** @type {(hint: TreeShape, head: TreeShape) => boolean} */
const sameHead = (hint, head) => hint.bits === head.bits && hint.tiles.join() === head.tiles.join();
/** @type {(rule?: string) => Lookup} */
const altered = (rule = 'snapshot-files') => ({ verdict: 'invalid-signature', reason: 'data-altered', rule });

/**
 * What a browser remembers of the newest log it saw: nothing, by default.
 * @type {Memory}
 */
const NO_MEMORY = { read: () => null, write: () => {} };

/**
 * @param {any} v parsed JSON
 * @returns {v is Seen}
 */
const isSeen = (v) => {
  try {
    const ok = v !== null && typeof v === 'object' && typeof v.origin === 'string' && Number.isSafeInteger(v.size);
    return ok && v.size >= 0 && fromBase64(v.root).length === 32;
  } catch {
    return false;
  }
};

/**
 * The newest log this browser saw on this site, kept in localStorage across
 * visits (and shared by the pages), one entry per log origin. Unreadable or
 * disabled storage remembers nothing and breaks nothing.
 * @param {string} origin
 * @param {string} [key]
 * @returns {Memory}
 */
export function localMemory(origin, key = `certsite.log:${origin}`) {
  return {
    read() {
      try {
        const v = JSON.parse(window.localStorage.getItem(key) ?? 'null');
        return isSeen(v) && v.origin === origin ? v : null;
      } catch {
        return null;
      }
    },
    write(seen) {
      try {
        window.localStorage.setItem(key, JSON.stringify(seen));
      } catch {
        // Storage disabled: nothing is remembered.
      }
    },
  };
}

/**
 * Whether this browser lets the site store anything (not in some private
 * modes, nor where storage is disabled): without it the page cannot notice a
 * rollback between visits, and says so once.
 * @returns {boolean}
 */
export function canRemember() {
  try {
    const probe = 'certsite.probe';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return true;
  } catch {
    return false;
  }
}

/** Offline, and the file was never stored on this device: the lookup needs the network. */
export class OfflineError extends Error {}

/**
 * A file the lookup needs and the host did not serve (HTTP 404): the
 * snapshot, a tile on a proof's path, a file the snapshot lists, a log tile.
 * The data could not be loaded; it is never a finding about the publisher
 * (Rust: LookupFailure::Missing).
 */
export class MissingFile extends Error {
  /** @param {string} path */
  constructor(path) {
    super(`${path}: HTTP 404`);
    this.path = path;
  }
}

/**
 * Whether one of the snapshot's trees proves `file` (null when not served).
 * When it does not because the host withheld a tile on the path, or the
 * file the proven records list, throws MissingFile (Rust: check_in_tree).
 * @param {Uint8Array<ArrayBuffer>[] | null} recs
 * @param {TreeHead} head
 * @param {number} bucket
 * @param {string} name the file's name in its record
 * @param {Uint8Array<ArrayBuffer> | null} file
 * @param {string} path the file's path
 * @param {string[]} tilePaths
 * @param {(Uint8Array<ArrayBuffer> | null)[]} tiles
 */
async function provenIn(recs, head, bucket, name, file, path, tilePaths, tiles) {
  if (await listedIn(recs, head, bucket, name, file)) return true;
  const gone = tiles.indexOf(null);
  if (gone >= 0) throw new MissingFile(tilePaths[gone]);
  if (file === null && recs && isListed(recs, head, bucket, name)) throw new MissingFile(path);
  return false;
}

/**
 * A request verify-early.js started for `url`, taken over once.
 * @param {string} url
 */
function takeEarly(url) {
  const early = globalThis.certsiteEarly;
  const response = early?.get(url);
  early?.delete(url);
  return response;
}

/** The site as one visitor sees it: fetched files are kept for the page's life. */
export class Site {
  /**
   * @param {object} site
   * @param {string} site.base the site's URL, ending in `/`
   * @param {Uint8Array<ArrayBuffer>} site.rootKey
   * @param {Hints} site.hints
   * @param {Policy} site.policy
   * @param {(url: string, init: RequestInit) => Promise<Response>} [site.fetch]
   * @param {() => string} [site.today]
   * @param {Memory} [site.memory]
   */
  constructor({ base, rootKey, hints, policy, fetch = globalThis.fetch.bind(globalThis), today = todayInChina, memory = NO_MEMORY }) {
    this.base = base;
    this.rootKey = rootKey;
    this.hints = hints;
    this.policy = policy;
    this.fetchImpl = fetch;
    this.today = today;
    this.memory = memory;
    /** @type {Map<string, Promise<Uint8Array<ArrayBuffer> | null>>} */
    this.files = new Map();
    // Files this page got from the service worker's store, not the network.
    /** @type {Set<string>} */
    this.stored = new Set();
    /** @type {Map<string, Promise<Uint8Array<ArrayBuffer>[] | null>>} */
    this.paths = new Map();
    this.fresh = false;
    this.generation = 0;
    /** @type {{ root: string, result: 'ok' | 'rollback' | 'fork' } | null} */
    this.logChecked = null;
    /** Settles once a first-seen log is remembered or found not backed by its tiles. @type {Promise<boolean>} */
    this.remembered = Promise.resolve(false);
    /** @type {{ fetched: Promise<Uint8Array<ArrayBuffer> | null>, result: Promise<SnapshotRead> } | undefined} */
    this.read = undefined;
  }

  /**
   * The records a tile path proves, once per path and snapshot (a batch
   * shares tiles). Only a proof is kept: a failure is checked again.
   * @param {'c' | 'i'} tree
   * @param {TreeHead} head
   * @param {number} bucket
   * @param {string[]} paths
   * @param {(Uint8Array<ArrayBuffer> | null)[]} tiles
   */
  records(tree, head, bucket, paths, tiles) {
    const key = `${tree}\n${head.top.join()}\n${paths.join()}`;
    let proof = this.paths.get(key);
    if (!proof) {
      const checked = verifiedRecords(head, bucket, tiles);
      this.paths.set(key, (proof = checked));
      checked.then((r) => r === null && this.paths.get(key) === checked && this.paths.delete(key));
    }
    return proof;
  }

  /**
   * Whether the snapshot's log extends the newest one this browser saw
   * ('ok', 'rollback' or 'fork'); a newer consistent log is remembered.
   * @param {Snapshot} snapshot
   */
  async checkLog(snapshot) {
    if (this.logChecked?.root === snapshot.log.root) return this.logChecked.result;
    const seen = this.memory.read();
    /** @type {'ok' | 'rollback' | 'fork'} */
    let result = 'ok';
    if (seen) {
      // A tile not served (or not fetched) fails the proof; when it does,
      // the log could not be loaded: a load failure, never a fork.
      /** @type {unknown} */
      let failed;
      /** @param {string} p */
      const getTile = async (p) => {
        const tile = await this.get(`log/${p}`).catch((e) => {
          if (failed === undefined) failed = e;
          return null;
        });
        if (tile === null && failed === undefined) failed = new MissingFile(`log/${p}`);
        return tile;
      };
      result = await extendsSeen(seen, snapshot.log, getTile).catch(() => 'fork');
      if (result !== 'ok' && failed) throw failed;
    }
    const head = { origin: snapshot.origin, size: snapshot.log.size, root: snapshot.log.root };
    if (result === 'ok' && seen && head.size > seen.size) {
      // The consistency proof recomputed the new root from the tiles.
      this.memory.write(head);
    } else if (result === 'ok' && !seen) {
      // A first sight is remembered only once the log's right-edge tiles
      // recompute the signed root, off the verdict's path: a size the
      // publisher signed but cannot back would make the honest site look
      // rolled back in this browser for good.
      this.remembered = tilesBackHead(head.size, head.root, (p) => this.get(`log/${p}`).catch(() => null))
        .then((backed) => {
          if (backed && !this.memory.read()) this.memory.write(head);
          return backed;
        })
        .catch(() => false);
    }
    this.logChecked = { root: snapshot.log.root, result };
    return result;
  }

  /**
   * The bytes of a site file; null on 404; throws on any other failure.
   * @param {string} path
   * @returns {Promise<Uint8Array<ArrayBuffer> | null>}
   */
  get(path) {
    let bytes = this.files.get(path);
    if (!bytes) {
      const url = this.base + path;
      const cache = this.fresh ? 'reload' : 'no-cache';
      const started = this.fresh ? undefined : takeEarly(url);
      bytes = (started ?? this.fetchImpl(url, { cache })).then(async (r) => {
        // Marked by the service worker (sw.js) when the network is gone.
        const offline = r.headers?.get('x-certsite-offline');
        if (offline === 'missing') throw new OfflineError(path);
        if (offline === 'stored') this.stored.add(path);
        else this.stored.delete(path);
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return new Uint8Array(await r.arrayBuffer());
      });
      this.files.set(path, bytes);
      bytes.catch(() => this.files.delete(path));
    }
    return bytes;
  }

  /**
   * Once the service worker (sw.js) first takes control of the page, has
   * it store what the page fetched before: the files come from the HTTP
   * cache through the worker, which keeps them for offline visits.
   */
  keepOffline() {
    const workers = globalThis.navigator?.serviceWorker;
    if (!workers || workers.controller) return;
    const again = () => {
      for (const [path, bytes] of this.files) {
        bytes.then(() => this.fetchImpl(this.base + path, { cache: 'force-cache' })).catch(() => {});
      }
    };
    workers.addEventListener('controllerchange', again, { once: true });
  }

  /** Starts fetching the snapshot before any code is known. */
  prefetch() {
    this.get('snapshot.jsonl').catch(() => {});
  }

  /**
   * The snapshot, read from the root: `{ snapshot }`, `{ rule }`, or `{ missing }` on a 404.
   * @returns {Promise<SnapshotRead>}
   */
  snapshot() {
    // Read once per fetched file: a batch checks its signatures a single time.
    const fetched = this.get('snapshot.jsonl');
    if (this.read?.fetched !== fetched) {
      const result = fetched.then((bytes) =>
        bytes === null ? { missing: true, rule: 'snapshot-files' } : readSnapshot(lenient.decode(bytes), this.rootKey),
      );
      this.read = { fetched, result };
    }
    return this.read.result;
  }

  /**
   * The verdict on a parsed code. A mismatch with the snapshot is retried
   * once with everything fetched afresh (a deploy may have been halfway);
   * a second mismatch is the verdict.
   * @param {ParsedCode} code
   * @returns {Promise<Lookup>}
   */
  async lookup(code) {
    const generation = this.generation;
    const first = await this.attempt(code);
    const retry = first.reason === 'data-altered' || first.verdict === 'log-inconsistent';
    if (!retry) return first;
    // Every lookup retries once; the caches are emptied once per generation
    // (a batch's parallel lookups do not empty them under one another).
    if (this.generation === generation) {
      this.files.clear();
      this.paths.clear();
      this.logChecked = null;
      this.fresh = true;
      this.generation++;
    }
    return this.attempt(code);
  }

  /**
   * @param {ParsedCode} code
   * @returns {Promise<Lookup>}
   */
  async attempt(code) {
    const { shards, issuers } = this.hints;
    const paths = await lookupPaths(code.code, code.filing_no, this.hints);
    const { shardIndex, bucket, shardTiles: shardTilePaths, issuerTiles: issuerTilePaths } = paths;
    const issuerName = `${code.filing_no}.jsonl`;
    /** @param {string[]} list */
    const all = (list) => Promise.all(list.map((p) => this.get(p)));
    const [read, shardBytes, issuerBytes, shardTiles, issuerTiles] = await Promise.all([
      this.snapshot(),
      this.get(paths.shard),
      this.get(paths.issuer),
      all(shardTilePaths),
      all(issuerTilePaths),
    ]);
    if (read.missing) throw new MissingFile('snapshot.jsonl');
    if (!read.snapshot) return { verdict: 'invalid-signature', reason: 'snapshot-invalid', rule: read.rule };
    const { snapshot } = read;
    // The page names its log: a snapshot of another site, even one the root
    // also authorised, is not this site's.
    if (snapshot.origin !== this.hints.origin) {
      return { verdict: 'invalid-signature', reason: 'snapshot-invalid', rule: 'snapshot-signer' };
    }
    if (!sameHead(shards, snapshot.shards) || !sameHead(issuers, snapshot.issuers)) {
      // The page is older or newer than the snapshot: follow the signed trees.
      const width = Math.max(1, Math.ceil(snapshot.shards.bits / 4));
      this.hints = { origin: this.hints.origin, shards: snapshot.shards, issuers: snapshot.issuers, width };
      return altered();
    }
    const shardRecords = this.records('c', snapshot.shards, shardIndex, shardTilePaths, shardTiles);
    const issuerRecords = this.records('i', snapshot.issuers, bucket, issuerTilePaths, issuerTiles);
    // The shard's tree first, then the issuer's, as Rust checks them.
    if (!(await provenIn(await shardRecords, snapshot.shards, shardIndex, '', shardBytes, paths.shard, shardTilePaths, shardTiles))) return altered();
    if (!(await provenIn(await issuerRecords, snapshot.issuers, bucket, issuerName, issuerBytes, paths.issuer, issuerTilePaths, issuerTiles))) return altered();
    const log = await this.checkLog(snapshot);
    if (log !== 'ok') {
      return { verdict: 'log-inconsistent', reason: `log-${log}`, rule: 'log-consistency', dataDate: snapshot.data_date };
    }
    // Every shard exists (generator/core/site_format/shard.rs): one the snapshot lists
    // as missing is a broken site, never "not found".
    if (shardBytes === null) throw new MissingFile(paths.shard);
    const result = await verifyCertificate({
      code: code.code,
      rootKey: this.rootKey,
      institutionText: issuerBytes === null ? null : decoder.decode(issuerBytes),
      shardText: decoder.decode(shardBytes),
      // Today, never before the signed data date: a clock that is behind
      // does not refuse what the snapshot holds, and a publisher who signs
      // an earlier data date cannot hide a later revocation from a device
      // whose clock is right.
      today: this.today() > snapshot.data_date ? this.today() : snapshot.data_date,
      policy: this.policy,
    });
    // Stored data may be older than the site: the page says so, with its date.
    const used = ['snapshot.jsonl', paths.shard, paths.issuer, ...shardTilePaths, ...issuerTilePaths];
    const offline = used.some((p) => this.stored.has(p));
    return { ...result, dataDate: snapshot.data_date, offline, issuerPath: { bucket, records: issuerRecords } };
  }

  /**
   * The unsigned facts of `i/<filing>.json`, only if the snapshot commits to them.
   * @param {string} filingNo
   * @param {IssuerPath} issuerPath
   * @returns {Promise<{ newest_issue?: unknown } | null>}
   */
  async meta(filingNo, issuerPath) {
    const name = `${filingNo}.json`;
    const [read, bytes] = await Promise.all([this.snapshot(), this.get(`i/${name}`)]);
    if (!read.snapshot || bytes === null) return null;
    if (!(await listedIn(await issuerPath.records, read.snapshot.issuers, issuerPath.bucket, name, bytes))) return null;
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch {
      return null;
    }
  }
}
