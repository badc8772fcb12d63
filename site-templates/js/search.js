// Directory search over the index in s/ (see generator/site/search_index.rs):
// any substring of a name (one character or more) or of an occupation or
// work type (two or more), or any part of a filing number. The postings say
// where each character pair occurs, so every match is exact and counted
// before a single institution is downloaded; only the shown page's
// document chunks are fetched.
import { parseFiling } from './code.js';
import { hashedName } from './paths.js';

/** NFKC, no white space, lower case: as the index was built. */
export function normalize(text) {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/** Whether `text` is exactly a filing number, written canonically. */
export function isFilingNo(text) {
  try {
    return typeof text === 'string' && parseFiling(text).filing_no === text;
  } catch {
    return false;
  }
}

/** City number and kind digit of a filing number (附件5 第8-10位). */
export function filingParts(filing) {
  return { city: Number(filing.slice(7, 9)), kind: Number(filing.slice(9, 10)) };
}

// An occurrence: ((id·256 + name length)·256 + field)·256 + offset. Larger
// than 2^32, so decoded with arithmetic, not bit operators.
const B = 256;
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
 */
function rankOf({ nameLength, field, offset }, length) {
  if (field === 0 && offset === 0 && nameLength === length) return [0, 0, 0];
  if (field === 0 && offset === 0) return [1, 0, nameLength];
  if (field === 0) return [2, offset, nameLength];
  return [3, field, nameLength];
}

function compareRanks(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Posting list of one gram; a shard that is missing holds no grams. */
async function postingList(gram, meta, fetchJson) {
  const shard = `s/g/${await hashedName(gram, meta.gram_bits, meta.gram_width)}.json`;
  const grams = await fetchJson(shard, { optional: true });
  const list = grams && Object.hasOwn(grams, gram) ? grams[gram] : [];
  return Array.isArray(list) ? list.filter(Number.isSafeInteger) : [];
}

/** Matches of normalised text `q` in names and occupations: id → rank. */
async function textMatches(q, meta, fetchJson) {
  const chars = [...q];
  // One character: the names' single characters; longer: every pair, each
  // at its offset from the first.
  const grams = chars.length === 1 ? [q] : chars.slice(1).map((c, i) => chars[i] + c);
  const lists = await Promise.all([...new Set(grams)].map(async (g) => [g, new Set(await postingList(g, meta, fetchJson))]));
  const sets = new Map(lists);
  const best = new Map();
  for (const occ of sets.get(grams[0])) {
    const at = decode(occ);
    if (at.offset + grams.length - 1 >= B) continue;
    if (!grams.every((g, j) => sets.get(g).has(occ + j))) continue;
    const rank = rankOf(at, chars.length);
    const old = best.get(at.id);
    if (!old || compareRanks(rank, old) < 0) best.set(at.id, rank);
  }
  return best;
}

/** Matches of `q` in filing numbers: a prefix first, then any other part. */
function filingMatches(q, filings) {
  const best = new Map();
  filings.forEach((f, id) => {
    const at = typeof f === 'string' ? f.toLowerCase().indexOf(q) : -1;
    if (at >= 0) best.set(id, [-1, at === 0 ? 0 : 1, 0]);
  });
  return best;
}

/** Whether a query can be (part of) a filing number: Y/S and digits, or four digits or more. */
export function looksLikeFiling(q) {
  return /^[ys][0-9]{0,12}$/.test(q) || /^[0-9]{4,13}$/.test(q);
}

/**
 * Searches the directory.
 * @param {string} query
 * @param {{fetchJson: (path: string, options?: {optional?: boolean}) => Promise<any>, city?: number, kind?: number, offset?: number, limit?: number}} options
 *   `fetchJson` resolves to null for a missing file when `optional` is set.
 * @returns {Promise<{total: number, results: {id: number, name: string, filing_no: string, occupations: string, rank: number}[], empty?: boolean}>}
 *   `total` counts every match; `results` are those from `offset`, at most `limit`.
 */
export async function search(query, { fetchJson, city = 0, kind = 0, offset = 0, limit = 20 }) {
  const q = normalize(query);
  if (!q) return { total: 0, results: [], empty: true };
  const meta = await fetchJson('s/meta.json');
  const filingQuery = looksLikeFiling(q);
  const filtered = city || kind;
  const filings = filingQuery || filtered ? await fetchJson('s/f.json') : null;
  // A letter and digits is a filing number, never a name: no name postings.
  const best = /^[ys][0-9]/.test(q) ? new Map() : await textMatches(q, meta, fetchJson);
  if (filingQuery) {
    for (const [id, rank] of filingMatches(q, filings)) best.set(id, rank);
  }
  const passes = (id) => {
    if (!filtered) return true;
    const f = filings[id];
    if (!isFilingNo(f)) return false;
    const p = filingParts(f);
    return (!city || p.city === city) && (!kind || p.kind === kind);
  };
  const ranked = [...best].filter(([id]) => Number.isSafeInteger(id) && id >= 0 && passes(id)).sort((a, b) => compareRanks(a[1], b[1]) || a[0] - b[0]);
  const page = ranked.slice(offset, offset + limit);
  const chunks = new Map();
  for (const [id] of page) {
    const n = Math.floor(id / meta.chunk);
    if (!chunks.has(n)) chunks.set(n, fetchJson(`s/d/${n}.json`));
  }
  const rows = new Map();
  for (const list of await Promise.all(chunks.values())) {
    for (const r of Array.isArray(list) ? list : []) if (Array.isArray(r)) rows.set(r[0], r);
  }
  const results = page
    .map(([id, rank]) => ({ row: rows.get(id), rank: rank[0] }))
    .filter(({ row }) => row)
    .map(({ row, rank }) => ({ id: row[0], name: row[1], filing_no: row[2], occupations: row[3], rank }))
    // The index is not signed: a result becomes a link only when its filing
    // number is one (附件5), so a host cannot point a result elsewhere.
    .filter((r) => isFilingNo(r.filing_no) && typeof r.name === 'string' && typeof r.occupations === 'string');
  return { total: ranked.length, results };
}
