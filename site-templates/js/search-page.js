// The search form of the directory page: results as links, by text only.
import { el, fill } from './dom.js';
import { CITIES, KINDS } from './code.js';
import { search } from './search.js';

const form = document.getElementById('search-form');
const input = document.getElementById('q');
const results = document.getElementById('search-results');
const base = form.dataset.base;
const cache = new Map();

async function fetchJson(path) {
  if (!cache.has(path)) {
    cache.set(
      path,
      fetch(base + path).then((r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r.json();
      }),
    );
  }
  return cache.get(path);
}

async function run() {
  const query = input.value.trim();
  const city = Number(document.getElementById('city').value);
  const kind = Number(document.getElementById('kind').value);
  const url = new URL(window.location.href);
  url.searchParams.set('q', query);
  window.history.replaceState(null, '', url);
  if (!query) {
    fill(results);
    return;
  }
  results.dataset.state = 'searching';
  fill(results, el('p', {}, '查找中……'));
  try {
    const { results: found, tooShort } = await search(query, { fetchJson, city, kind });
    results.dataset.state = 'done';
    if (tooShort) {
      fill(results, el('p', {}, '请至少输入两个字，或机构备案号的开头。'));
      return;
    }
    if (found.length === 0) {
      fill(results, el('p', {}, `没有找到与“${query}”相关的机构。`));
      return;
    }
    fill(
      results,
      el('p', {}, `找到 ${found.length} 家机构：`),
      el(
        'ol',
        { class: 'results' },
        found.map((r) =>
          el('li', {}, el('a', { href: `${r.filing_no}.html` }, r.name), ' ', el('code', {}, r.filing_no), el('br'), el('span', { class: 'note' }, r.occupations)),
        ),
      ),
    );
  } catch {
    results.dataset.state = 'error';
    fill(results, el('p', { class: 'warning' }, '无法加载搜索索引，请刷新重试。'));
  }
}

// City and kind filters, filled here so the static page needs no script.
const citySelect = document.getElementById('city');
CITIES.forEach((name, i) => citySelect.append(el('option', { value: i + 1 }, name)));
const kindSelect = document.getElementById('kind');
KINDS.forEach((name, i) => kindSelect.append(el('option', { value: i + 1 }, name)));
document.getElementById('filters').hidden = false;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
citySelect.addEventListener('change', run);
kindSelect.addEventListener('change', run);
const initial = new URLSearchParams(window.location.search).get('q');
if (initial) {
  input.value = initial;
  run();
}
