// @ts-check
// Batch checking: hundreds of codes (optionally with names), each verified
// in this browser exactly as a single lookup, shards fetched once each and
// in parallel, results streamed into a table and downloadable as CSV.
import { CodeError, checkIssueYear, parseCode } from './code.js';
import { ed25519Ready, fromBase64 } from './crypto.js';
import { clientStarted, el, fill } from './dom.js';
import { matches } from './holder.js';
import { codeMessage, data, levelName, say, sayNodes, t, titleFor } from './i18n.js';
import { OfflineError, Site, canRemember, localMemory, readHints } from './lookup.js';
import { readPolicy, todayInChina } from './verify.js';

/** @typedef {import('./lookup.js').Lookup} Lookup */
/** @typedef {import('./verify.js').VerdictName} VerdictName */

/**
 * One line to check: a code as typed, and the holder's name if given.
 * @typedef {{ code: string, name: string }} Item
 */

/**
 * A line checked: its verdict (or `malformed`), the title shown, the
 * lookup's result and whether the name matched.
 * @typedef {object} Checked
 * @property {Item} item
 * @property {string} [code] the code, canonical
 * @property {VerdictName | 'malformed'} verdict
 * @property {string} text
 * @property {Lookup} [result]
 * @property {string} [nameCheck]
 */

clientStarted();
const app = /** @type {HTMLElement} */ (document.getElementById('batch-app'));
// The template writes each of these.
const appData = /** @type {{ base: string, rootKey: string, policy: string, snapshot: string }} */ (app.dataset);
const base = appData.base;
const rootKey = fromBase64(appData.rootKey);
const policy = readPolicy(appData.policy);
const hints = readHints(appData.snapshot);
const site = new Site({ base, rootKey, hints, policy, memory: localMemory(hints.origin) });
/** @type {HTMLElement} */ (document.getElementById('memory-note')).hidden = canRemember();
site.keepOffline();
const status = /** @type {HTMLElement} */ (document.getElementById('batch-status'));
const table = /** @type {HTMLTableElement} */ (document.getElementById('batch-table'));
const body = /** @type {HTMLTableSectionElement} */ (table.querySelector('tbody'));
const download = /** @type {HTMLAnchorElement} */ (document.getElementById('batch-download'));
const runButton = /** @type {HTMLButtonElement} */ (document.getElementById('batch-run'));
const progress = /** @type {HTMLProgressElement} */ (document.getElementById('batch-progress'));
const input = /** @type {HTMLTextAreaElement} */ (document.getElementById('batch-input'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('batch-file'));
const PARALLEL = 6;

/**
 * Lines of `code[,| ]name`; a header row of 证书编号 is skipped. A line whose
 * first word has no digit is no code (`hello world`): it is kept whole, to
 * be reported as malformed rather than read as a code and a name.
 * @param {string} text
 * @returns {Item[]}
 */
export function parseLines(text) {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^证书编号/.test(line))
    .map((line) => {
      const [code, ...rest] = line.split(/[,，\t ]+/);
      if (!/[0-9０-９]/.test(code)) return { code: line, name: '' };
      return { code, name: rest.join('').replace(/^"|"$/g, '') };
    });
}

/**
 * A lookup's verdict in a few words: its title, or for a record waiting for
 * its city's review a shorter one, which a table cell and the summary hold.
 * @param {{ verdict: VerdictName, reason?: string }} result
 */
const label = (result) => (result.verdict === 'not-reviewed' ? t.notReviewedShort : titleFor(result)[0]);

/**
 * @param {Item} item
 * @returns {Promise<Checked>}
 */
async function checkOne(item) {
  let code;
  try {
    code = parseCode(item.code);
    checkIssueYear(code, policy.earliestIssueYear ?? 0);
  } catch (e) {
    if (e instanceof CodeError) return { item, verdict: 'malformed', text: say(t.titled, { title: t.codeError, message: codeMessage(e) }) };
    throw e;
  }
  try {
    const r = await site.lookup(code);
    let nameCheck = '';
    if (item.name && r.certificate && (r.verdict === 'verified' || r.verdict === 'revoked')) {
      nameCheck = (await matches('name', item.name, r.certificate)) ? t.match : t.mismatch;
    }
    return { item, code: code.code, verdict: r.verdict, result: r, text: label(r), nameCheck };
  } catch (e) {
    const verdict = e instanceof OfflineError ? 'offline' : 'load-error';
    return { item, code: code.code, verdict, text: t.verdicts[verdict][0] };
  }
}

/**
 * The record and issuer of a result, only when the record verified.
 * @param {Checked} out
 */
function shown(out) {
  const ok = out.verdict === 'verified' || out.verdict === 'revoked';
  return ok ? { c: out.result?.certificate, inst: out.result?.institution } : { c: undefined, inst: undefined };
}

/**
 * The CSV's review columns of a verified record: reviewed or issued before
 * the cut-over, the city's authority, and the review date.
 * @param {Checked} out
 * @returns {string[]}
 */
function reviewCells(out) {
  const r = out.result;
  if (out.verdict !== 'verified' || !r?.review) return ['', '', ''];
  return [t.reviewStates[r.review], r.city?.authority ?? '', r.reviewed?.reviewed_on ?? ''];
}

// The column names, for the stacked rows a narrow screen shows.
const LABELS = [...table.querySelectorAll('thead th')].map((th) => th.textContent);

/**
 * @param {number} n
 * @param {Checked} out
 */
function rowFor(n, out) {
  const { c, inst } = shown(out);
  const r = out.verdict === 'revoked' ? out.result?.revocation : null;
  const cells = [
    String(n),
    el('code', {}, out.code ?? out.item.code),
    r ? [out.text, ...sayNodes(t.revokedNote, { date: r.revoked_on, reason: data(r.reason) })] : out.text,
    inst ? data(inst.name) : '',
    c ? [data(`${c.occupation}${c.subtype ? `（${c.subtype}）` : ''}`), ` ${levelName(c.level)}`] : '',
    c?.issued_on ?? '',
    out.nameCheck ?? '',
  ];
  return el(
    'tr',
    { 'data-verdict': out.verdict },
    cells.map((cell, i) => el('td', { 'data-label': LABELS[i], class: i === 2 ? 'verdict-cell' : undefined }, cell)),
  );
}

/**
 * One CSV cell. A cell that a spreadsheet would read as a formula (=, +, -,
 * @, tab, CR first) gets a leading apostrophe, so signed text stays text.
 * @param {unknown} value
 * @returns {string}
 */
export function csvCell(value) {
  let s = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A row waiting for its verdict.
 * @param {number} n
 * @param {Item} item
 */
function pendingRow(n, item) {
  return el('tr', { 'data-verdict': 'pending' }, el('td', {}, String(n)), el('td', {}, el('code', {}, item.code)), el('td', { colspan: '5', class: 'note' }, t.waiting));
}

/** @param {Item[]} items */
async function run(items) {
  fill(body);
  download.hidden = true;
  delete status.dataset.done;
  if (items.length === 0) {
    table.hidden = true;
    status.textContent = t.batchEmpty;
    return;
  }
  table.hidden = false;
  const canVerify = await ed25519Ready().catch(() => null);
  if (!canVerify) {
    // No verifier fetched (null) is the network's fault, not the browser's.
    status.textContent = canVerify === null ? t.verdicts['load-error'][1] : t.verdicts.unsupported[1];
    return;
  }
  runButton.disabled = true;
  progress.max = items.length;
  progress.value = 0;
  progress.hidden = false;
  status.textContent = say(t.batchProgress, { done: 0, all: items.length });
  const rows = items.map((item, i) => pendingRow(i + 1, item));
  body.append(...rows);
  /** @type {Checked[]} */
  const results = new Array(items.length);
  let done = 0;
  let next = 0;
  const started = performance.now();
  // Rows verified since the last frame, drawn together once per frame.
  /** @type {number[]} */
  const ready = [];
  let scheduled = false;
  const draw = () => {
    scheduled = false;
    for (const i of ready.splice(0)) {
      const row = rowFor(i + 1, results[i]);
      rows[i].replaceWith(row);
      rows[i] = row;
    }
    progress.value = done;
    progress.textContent = say(t.batchProgress, { done, all: items.length });
  };
  // A few lookups at a time: the shards load in parallel and the page stays
  // responsive; each row is drawn in the frame after its verdict is known.
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await checkOne(items[i]);
      done++;
      ready.push(i);
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(draw);
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  draw();
  progress.hidden = true;
  runButton.disabled = false;
  /** @type {Map<Checked['verdict'], number>} */
  const counts = new Map();
  for (const r of results) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  const summary = [...counts].map(([v, n]) => `${v === 'malformed' ? t.codeError : label({ verdict: v })} ${n}`).join(t.listSeparator);
  const dated = results.find((r) => r.result?.dataDate);
  const dataDate = dated?.result?.dataDate;
  const asOf = dataDate ? say(t.dataDate, { date: dataDate }) : '';
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // Stored data (offline) may be older than the site: said so, with its date.
  const stored = dataDate && results.some((r) => r.result?.offline);
  const offline = stored ? ` ${say(t.offlineNote, { date: dataDate })}` : '';
  const device = todayInChina();
  const clock = dataDate && device < dataDate ? ` ${say(t.clockNote, { device, date: dataDate })}` : '';
  status.textContent = `${say(t.batchDone, { all: items.length, summary, seconds })}${asOf}${offline}${clock}`;
  status.dataset.done = String(items.length);
  const header = t.batchHeader;
  const lines = results.map((r, i) => {
    const { c, inst } = shown(r);
    const review = reviewCells(r);
    return [i + 1, r.code ?? r.item.code, r.text, r.verdict, inst?.name, c?.occupation, c?.subtype, c ? levelName(c.level) : '', c?.issued_on, r.result?.revocation?.revoked_on, r.result?.revocation?.reason, ...review, r.nameCheck]
      .map(csvCell)
      .join(',');
  });
  const csv = `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
  if (download.href.startsWith('blob:')) URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  download.hidden = false;
}

/** @type {HTMLFormElement} */ (document.getElementById('batch-form')).addEventListener('submit', (event) => {
  event.preventDefault();
  run(parseLines(input.value));
});
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  // Excel on Chinese Windows saves CSV in GBK: fall back when it is not UTF-8.
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gbk').decode(bytes);
  }
  input.value = text;
});
