// Directory search over the index in s/ (see generator/search_index.rs): any
// substring of two or more characters of a name or an occupation, or a
// filing-number prefix. Fetches only the posting shards of the query's
// bigrams and the document chunks of its hits.
import { parseFiling } from './code.js';
import { hashedName } from './shard.js';

/** NFKC, no white space, lower case: as the index was built. */
export function normalize(text) {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/** Character bigrams of normalised text. */
export function bigrams(text) {
  const chars = [...normalize(text)];
  const out = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return [...new Set(out)];
}

async function gramShard(gram, meta) {
  return `s/g/${await hashedName(gram, meta.gram_bits, meta.gram_width)}.json`;
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

/**
 * Searches the directory.
 * @param {string} query
 * @param {{fetchJson: (path: string) => Promise<any>, city?: number, kind?: number, limit?: number}} options
 * @returns {Promise<{results: {id: number, name: string, filing_no: string, occupations: string, rank: number}[], tooShort?: boolean}>}
 */
export async function search(query, { fetchJson, city = 0, kind = 0, limit = 50 }) {
  const meta = await fetchJson('s/meta.json');
  const q = normalize(query);
  const chunks = new Map();
  const chunk = async (n) => {
    if (!chunks.has(n)) chunks.set(n, fetchJson(`s/d/${n}.json`));
    return chunks.get(n);
  };
  let docs = [];
  const passes = (r) => {
    const p = filingParts(r[2]);
    return (!city || p.city === city) && (!kind || p.kind === kind);
  };
  if (/^[ys][0-9]{0,12}$/.test(q)) {
    // A filing-number prefix: the chunks whose range can hold it.
    const prefix = q.toUpperCase();
    const { filings } = meta;
    const wanted = [];
    for (let n = 0; n < filings.length; n++) {
      const next = filings[n + 1];
      if (filings[n].slice(0, prefix.length) <= prefix && (next === undefined || next.slice(0, prefix.length) >= prefix)) wanted.push(n);
    }
    const rows = (await Promise.all(wanted.map(chunk))).flat();
    docs = rows.filter((r) => r[2].startsWith(prefix)).map((r) => [r, 1]);
  } else {
    const grams = bigrams(q);
    if (grams.length === 0) return { results: [], tooShort: true };
    const shards = await Promise.all(grams.map(async (g) => (await fetchJson(await gramShard(g, meta)))[g] ?? []));
    const sets = shards.map((list) => new Set(list));
    const ids = shards[0].filter((id) => sets.every((s) => s.has(id)));
    // Fetch the hits' chunks a few at a time, and stop once enough real
    // matches are in: a broad query must not download the whole directory.
    const needed = [...new Set(ids.map((id) => Math.floor(id / meta.chunk)))];
    const wantedIds = new Set(ids);
    for (let i = 0; i < needed.length && docs.length < limit; i += 4) {
      const rows = (await Promise.all(needed.slice(i, i + 4).map(chunk))).flat();
      for (const r of rows) {
        if (!wantedIds.has(r[0])) continue;
        const name = normalize(r[1]);
        // Bigrams can match out of order: keep only real substrings.
        const rank = name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 2 : normalize(r[3]).includes(q) ? 3 : -1;
        if (rank >= 0 && passes(r)) docs.push([r, rank]);
      }
    }
  }
  const results = docs
    .filter(([r]) => passes(r))
    .sort((a, b) => a[1] - b[1] || (a[0][2] < b[0][2] ? -1 : 1))
    .slice(0, limit)
    .map(([r, rank]) => ({ id: r[0], name: r[1], filing_no: r[2], occupations: r[3], rank }))
    // The index is not signed: a result becomes a link only when its filing
    // number is one (附件5), so a host cannot point a result elsewhere.
    .filter((r) => isFilingNo(r.filing_no) && typeof r.name === 'string' && typeof r.occupations === 'string');
  return { results };
}
