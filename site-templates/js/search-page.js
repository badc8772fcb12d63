// @ts-check
// The search form of the directory page: results as links, by text only.
import { el, fill } from './dom.js';
import { CITIES, KINDS } from './code.js';
import { cityName, data, kindName, say, sayNodes, t } from './i18n.js';
import { search } from './search.js';

/** @typedef {Awaited<ReturnType<typeof search>>['results'][number]} Result */

const form = /** @type {HTMLFormElement} */ (document.getElementById('search-form'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('q'));
const results = /** @type {HTMLElement} */ (document.getElementById('search-results'));
const citySelect = /** @type {HTMLSelectElement} */ (document.getElementById('city'));
const kindSelect = /** @type {HTMLSelectElement} */ (document.getElementById('kind'));
const base = form.dataset.base;
/** @type {Map<string, Promise<unknown>>} */
const cache = new Map();

/**
 * JSON at `path` under the site, once per page; `optional`: null when missing (404).
 * @type {import('./search.js').FetchJson}
 */
async function fetchJson(path, { optional = false } = {}) {
  let json = cache.get(path);
  if (!json) {
    json = fetch(base + path).then((r) => {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
      return r.json();
    }).catch((e) => {
      cache.delete(path); // a later search tries again
      throw e;
    });
    cache.set(path, json);
  }
  const value = await json;
  if (value === null && !optional) throw new Error(`${path}: HTTP 404`);
  return value;
}

const PAGE = 20;

/** @param {Result} r */
function item(r) {
  return el('li', {}, el('a', { href: `${r.filing_no}.html` }, data(r.name)), ' ', el('code', {}, r.filing_no), el('br'), el('span', { class: 'note' }, data(r.occupations)));
}

async function run() {
  const query = input.value.trim();
  const city = Number(citySelect.value);
  const kind = Number(kindSelect.value);
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
CITIES.forEach((_, i) => citySelect.append(el('option', { value: i + 1 }, cityName(i + 1))));
KINDS.forEach((_, i) => kindSelect.append(el('option', { value: i + 1 }, kindName(i + 1))));
/** @type {HTMLElement} */ (document.getElementById('filters')).hidden = false;

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
