// Batch checking: hundreds of codes (optionally with names), each verified
// in this browser exactly as a single lookup, shards fetched once each and
// in parallel, results streamed into a table and downloadable as CSV.
import { CodeError, LEVEL_NAMES as LEVELS, parseCode } from './code.js';
import { ed25519Supported, fromBase64 } from './crypto.js';
import { el, fill } from './dom.js';
import { matches } from './holder.js';
import { STRINGS } from './i18n.js';
import { Site, localMemory, readHints } from './lookup.js';
import { readPolicy } from './verify.js';

const app = document.getElementById('batch-app');
const base = app.dataset.base;
const rootKey = fromBase64(app.dataset.rootKey);
const policy = readPolicy(app.dataset.policy);
const hints = readHints(app.dataset.snapshot);
const site = new Site({ base, rootKey, hints, policy, memory: localMemory(hints.origin) });
const status = document.getElementById('batch-status');
const table = document.getElementById('batch-table');
const body = table.querySelector('tbody');
const download = document.getElementById('batch-download');
const t = STRINGS.zh;
const PARALLEL = 6;

/** Lines of `code[,| ]name`; a header row of 证书编号 is skipped. */
export function parseLines(text) {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^证书编号/.test(line))
    .map((line) => {
      const [code, ...rest] = line.split(/[,，\t ]+/);
      return { code, name: rest.join('').replace(/^"|"$/g, '') };
    });
}

async function checkOne(item) {
  let code;
  try {
    code = parseCode(item.code);
  } catch (e) {
    if (e instanceof CodeError) return { item, verdict: 'not-found', text: `${t.codeError}：${e.message}` };
    throw e;
  }
  try {
    const r = await site.lookup(code);
    let nameCheck = '';
    if (item.name && r.certificate && (r.verdict === 'verified' || r.verdict === 'revoked')) {
      nameCheck = (await matches('name', item.name, r.certificate)) ? t.match : t.mismatch;
    }
    const [text] = t.titleFor(r);
    return { item, code: code.code, verdict: r.verdict, result: r, text, nameCheck };
  } catch {
    return { item, code: code.code, verdict: 'load-error', text: t.verdicts['load-error'][0] };
  }
}

/** The record and issuer of a result, only when the record verified. */
function shown(out) {
  const ok = out.verdict === 'verified' || out.verdict === 'revoked';
  return ok ? { c: out.result.certificate, inst: out.result.institution } : { c: undefined, inst: undefined };
}

function rowFor(n, out) {
  const { c, inst } = shown(out);
  const revoked = out.verdict === 'revoked' ? `（${out.result.revocation.revoked_on}：${out.result.revocation.reason}）` : '';
  return el(
    'tr',
    { 'data-verdict': out.verdict },
    el('td', {}, String(n)),
    el('td', {}, el('code', {}, out.code ?? out.item.code)),
    el('td', { class: 'verdict-cell' }, out.text + revoked),
    el('td', {}, inst?.name ?? ''),
    el('td', {}, c ? `${c.occupation}${c.subtype ? `（${c.subtype}）` : ''} ${LEVELS[c.level - 1]}` : ''),
    el('td', {}, c?.issued_on ?? ''),
    el('td', {}, out.nameCheck ?? ''),
  );
}

/**
 * One CSV cell. A cell that a spreadsheet would read as a formula (=, +, -,
 * @, tab, CR first) gets a leading apostrophe, so signed text stays text.
 */
export function csvCell(value) {
  let s = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function run(items) {
  fill(body);
  table.hidden = false;
  download.hidden = true;
  if (!(await ed25519Supported())) {
    status.textContent = t.verdicts.unsupported[1];
    return;
  }
  const results = new Array(items.length);
  let done = 0;
  let next = 0;
  const started = performance.now();
  // A few lookups at a time: the shards load in parallel and the page stays responsive.
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await checkOne(items[i]);
      done++;
      if (done % 20 === 0 || done === items.length) status.textContent = `已查验 ${done} / ${items.length}`;
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  body.append(...results.map((r, i) => rowFor(i + 1, r)));
  const counts = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  const summary = Object.entries(counts).map(([v, n]) => `${t.verdicts[v][0]} ${n}`).join('，');
  const dated = results.find((r) => r.result?.dataDate);
  const asOf = dated ? `${t.dataDate(dated.result.dataDate)}。` : '';
  status.textContent = `完成：${items.length} 份（${summary}），用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒。${asOf}`;
  status.dataset.done = String(items.length);
  const header = ['序号', '证书编号', '查验结果', 'verdict', '发证机构', '职业', '工种', '等级', '发证日期', '撤销日期', '撤销原因', '姓名核对'];
  const lines = results.map((r, i) => {
    const { c, inst } = shown(r);
    return [i + 1, r.code ?? r.item.code, r.text, r.verdict, inst?.name, c?.occupation, c?.subtype, c ? LEVELS[c.level - 1] : '', c?.issued_on, r.result?.revocation?.revoked_on, r.result?.revocation?.reason, r.nameCheck]
      .map(csvCell)
      .join(',');
  });
  const csv = `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`;
  if (download.href.startsWith('blob:')) URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  download.hidden = false;
}

document.getElementById('batch-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(parseLines(document.getElementById('batch-input').value));
});
document.getElementById('batch-file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  // Excel on Chinese Windows saves CSV in GBK: fall back when it is not UTF-8.
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gbk').decode(bytes);
  }
  document.getElementById('batch-input').value = text;
});
