// The search form of the directory page: results as links, by text only.
import { el, fill } from './dom.js';
import { CITIES, KINDS } from './code.js';
import { cityName, data, kindName, say, sayNodes, t } from './i18n.js';
import { search } from './search.js';

const form = document.getElementById('search-form');
const input = document.getElementById('q');
const results = document.getElementById('search-results');
const base = form.dataset.base;
const cache = new Map();

/** JSON at `path` under the site, once per page; `optional`: null when missing (404). */
async function fetchJson(path, { optional = false } = {}) {
  if (!cache.has(path)) {
    cache.set(
      path,
      fetch(base + path).then((r) => {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r.json();
      }).catch((e) => {
        cache.delete(path); // a later search tries again
        throw e;
      }),
    );
  }
  const value = await cache.get(path);
  if (value === null && !optional) throw new Error(`${path}: HTTP 404`);
  return value;
}

const PAGE = 20;

function item(r) {
  return el('li', {}, el('a', { href: `${r.filing_no}.html` }, data(r.name)), ' ', el('code', {}, r.filing_no), el('br'), el('span', { class: 'note' }, data(r.occupations)));
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
  fill(results, el('p', {}, t.search.searching));
  const options = { fetchJson, city, kind, limit: PAGE };
  try {
    const { total, results: found } = await search(query, options);
    results.dataset.state = 'done';
    if (total === 0) {
      fill(results, el('p', {}, sayNodes(t.search.none, { query: data(query) })));
      return;
    }
    const list = el('ol', { class: 'results' }, found.map(item));
    const summary = el('p', {}, '');
    const more = el('button', { type: 'button', class: 'secondary' }, '');
    let shown = Math.min(PAGE, total);
    const update = () => {
      summary.textContent = say(shown < total ? t.search.foundSome : t.search.foundAll, { total, shown });
      more.textContent = say(t.search.more, { n: Math.min(PAGE, total - shown) });
      more.hidden = shown >= total;
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const next = await search(query, { ...options, offset: shown });
        next.results.forEach((r) => list.append(item(r)));
        shown = Math.min(shown + PAGE, total);
      } catch {
        results.append(el('p', { class: 'warning' }, t.search.moreError));
      }
      more.disabled = false;
      update();
    });
    update();
    fill(results, summary, list, more);
  } catch {
    results.dataset.state = 'error';
    fill(results, el('p', { class: 'warning' }, t.search.error));
  }
}

// City and kind filters, filled here so the static page needs no script.
const citySelect = document.getElementById('city');
CITIES.forEach((_, i) => citySelect.append(el('option', { value: i + 1 }, cityName(i + 1))));
const kindSelect = document.getElementById('kind');
KINDS.forEach((_, i) => kindSelect.append(el('option', { value: i + 1 }, kindName(i + 1))));
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
