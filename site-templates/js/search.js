// @ts-check
// Directory search over the index in s/ (see generator/site/search_index.rs):
// any substring of a name (one character or more) or of an occupation or
// work type (two or more), or any part of a filing number. The postings say
// where each character pair occurs, so every match is exact and counted
// before a single institution is downloaded; only the shown page's
// document chunks are fetched.
import { parseFiling } from './code.js';
import { hasOwn } from './compat.js';
import { hashedName } from './paths.js';

/**
 * Fetches JSON under the site; with `optional`, null for a missing file.
 * @typedef {(path: string, options?: { optional?: boolean }) => Promise<unknown>} FetchJson
 */

/**
 * The index's parameters (`s/meta.json`): the bits and hex width of the
 * posting shards' names, and how many institutions a document chunk holds.
 * @typedef {{ gram_bits: number, gram_width: number, chunk: number }} SearchMeta
 */

/**
 * How well a match ranks, compared element by element, smaller first.
 * @typedef {number[]} Rank
 */

/**
 * NFKC, no white space, lower case: as the index was built.
 * @param {string} text
 * @returns {string}
 */
export function normalize(text) {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/**
 * Whether `text` is exactly a filing number, written canonically.
 * @param {unknown} text
 * @returns {text is string}
 */
export function isFilingNo(text) {
  try {
    return typeof text === 'string' && parseFiling(text).filing_no === text;
  } catch {
    return false;
  }
}

/**
 * City number and kind digit of a filing number (附件5 第8-10位).
 * @param {string} filing
 */
export function filingParts(filing) {
  return { city: Number(filing.slice(7, 9)), kind: Number(filing.slice(9, 10)) };
}

// An occurrence: ((id·256 + name length)·256 + field)·256 + offset. Larger
// than 2^32, so decoded with arithmetic, not bit operators.
const B = 256;
/** @param {number} occ */
function decode(occ) {
  const offset = occ % B;
  const field = Math.floor(occ / B) % B;
  const nameLength = Math.floor(occ / (B * B)) % B;
  return { id: Math.floor(occ / (B * B * B)), nameLength, field, offset };
}

/**
 * How well a match ranks, smaller first: the whole name, the start of the
 * name, inside the name (earlier first), then an occupation (earlier listed
 * first); within each, the shorter name.
 * @param {ReturnType<typeof decode>} at
 * @param {number} length
 * @returns {Rank}
 */
function rankOf({ nameLength, field, offset }, length) {
  if (field === 0 && offset === 0 && nameLength === length) return [0, 0, 0];
  if (field === 0 && offset === 0) return [1, 0, nameLength];
  if (field === 0) return [2, offset, nameLength];
  return [3, field, nameLength];
}

/**
 * @param {Rank} a
 * @param {Rank} b
 */
function compareRanks(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Posting list of one gram; a shard that is missing holds no grams.
 * @param {string} gram
 * @param {SearchMeta} meta
 * @param {FetchJson} fetchJson
 * @returns {Promise<number[]>}
 */
async function postingList(gram, meta, fetchJson) {
  const shard = `s/g/${await hashedName(gram, meta.gram_bits, meta.gram_width)}.json`;
  const grams = /** @type {Record<string, unknown> | null} */ (await fetchJson(shard, { optional: true }));
  const list = grams && hasOwn(grams, gram) ? grams[gram] : [];
  return Array.isArray(list) ? list.filter(Number.isSafeInteger) : [];
}

/**
 * Matches of normalised text `q` in names and occupations: id → rank.
 * @param {string} q
 * @param {SearchMeta} meta
 * @param {FetchJson} fetchJson
 * @returns {Promise<Map<number, Rank>>}
 */
async function textMatches(q, meta, fetchJson) {
  const chars = [...q];
  // One character: the names' single characters; longer: every pair, each
  // at its offset from the first.
  const grams = chars.length === 1 ? [q] : chars.slice(1).map((c, i) => chars[i] + c);
  const lists = await Promise.all([...new Set(grams)].map(async (g) => /** @type {const} */ ([g, new Set(await postingList(g, meta, fetchJson))])));
  /** @type {Map<string, Set<number>>} */
  const sets = new Map(lists);
  /** @type {Map<number, Rank>} */
  const best = new Map();
  // Every gram has its set: the lists were fetched for exactly these.
  for (const occ of /** @type {Set<number>} */ (sets.get(grams[0]))) {
    const at = decode(occ);
    if (at.offset + grams.length - 1 >= B) continue;
    if (!grams.every((g, j) => /** @type {Set<number>} */ (sets.get(g)).has(occ + j))) continue;
    const rank = rankOf(at, chars.length);
    const old = best.get(at.id);
    if (!old || compareRanks(rank, old) < 0) best.set(at.id, rank);
  }
  return best;
}

/**
 * Matches of `q` in filing numbers: a prefix first, then any other part.
 * @param {string} q
 * @param {unknown[]} filings
 * @returns {Map<number, Rank>}
 */
function filingMatches(q, filings) {
  /** @type {Map<number, Rank>} */
  const best = new Map();
  filings.forEach((f, id) => {
    const at = typeof f === 'string' ? f.toLowerCase().indexOf(q) : -1;
    if (at >= 0) best.set(id, [-1, at === 0 ? 0 : 1, 0]);
  });
  return best;
}

/**
 * Whether a query can be (part of) a filing number: Y/S and digits, or four digits or more.
 * @param {string} q
 * @returns {boolean}
 */
export function looksLikeFiling(q) {
  return /^[ys][0-9]{0,12}$/.test(q) || /^[0-9]{4,13}$/.test(q);
}

/**
 * Searches the directory.
 * @param {string} query
 * @param {{ fetchJson: FetchJson, city?: number, kind?: number, offset?: number, limit?: number }} options
 *   `fetchJson` resolves to null for a missing file when `optional` is set.
 * @returns {Promise<{total: number, results: {id: number, name: string, filing_no: string, occupations: string, rank: number}[], empty?: boolean}>}
 *   `total` counts every match; `results` are those from `offset`, at most `limit`.
 */
export async function search(query, { fetchJson, city = 0, kind = 0, offset = 0, limit = 20 }) {
  const q = normalize(query);
  if (!q) return { total: 0, results: [], empty: true };
  const meta = /** @type {SearchMeta} */ (await fetchJson('s/meta.json'));
  const filingQuery = looksLikeFiling(q);
  const filtered = city || kind;
  const filings = filingQuery || filtered ? /** @type {unknown[]} */ (await fetchJson('s/f.json')) : [];
  // A letter and digits is a filing number, never a name: no name postings.
  const best = /^[ys][0-9]/.test(q) ? new Map() : await textMatches(q, meta, fetchJson);
  if (filingQuery) {
    for (const [id, rank] of filingMatches(q, filings)) best.set(id, rank);
  }
  /** @param {number} id */
  const passes = (id) => {
    if (!filtered) return true;
    const f = filings[id];
    if (!isFilingNo(f)) return false;
    const p = filingParts(f);
    return (!city || p.city === city) && (!kind || p.kind === kind);
  };
  const ranked = [...best].filter(([id]) => Number.isSafeInteger(id) && id >= 0 && passes(id)).sort((a, b) => compareRanks(a[1], b[1]) || a[0] - b[0]);
  const page = ranked.slice(offset, offset + limit);
  /** @type {Map<number, Promise<unknown>>} */
  const chunks = new Map();
  for (const [id] of page) {
    const n = Math.floor(id / meta.chunk);
    if (!chunks.has(n)) chunks.set(n, fetchJson(`s/d/${n}.json`));
  }
  /** @type {Map<unknown, unknown[]>} */
  const rows = new Map();
  for (const list of await Promise.all(chunks.values())) {
    for (const r of Array.isArray(list) ? list : []) if (Array.isArray(r)) rows.set(r[0], r);
  }
  const results = page.flatMap(([id, rank]) => {
    const [, name, filing_no, occupations] = rows.get(id) ?? [];
    // The index is not signed: a result becomes a link only when its filing
    // number is one (附件5), so a host cannot point a result elsewhere.
    const ok = isFilingNo(filing_no) && typeof name === 'string' && typeof occupations === 'string';
    return ok ? [{ id, name, filing_no, occupations, rank: rank[0] }] : [];
  });
  return { total: ranked.length, results };
}
