// Directory search on a directory of 2,058 institutions (the demo with
// fictitious ones added): every count against a brute-force count over the
// whole directory, the ranking, single characters, filing-number parts,
// character pairs no name has, a missing index shard, and paging in the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROUTED, buildSite, launchBrowser, serveDir, tempDir, watchConsole } from './site.mjs';
import { looksLikeFiling, normalize, search } from '../../site-templates/js/search.js';

const ctx = {};

before(async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const r = spawnSync(BIN, ['demo', '--out', data, '--count', '300', '--extra-institutions', '2000', '--iterations', '1', '--insecure-low-iterations'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`demo failed: ${r.stdout}${r.stderr}`);
  ctx.out = buildSite(data, join(dir, 'public'));
  ctx.rows = readdirSync(join(ctx.out, 's/d')).flatMap((f) => JSON.parse(readFileSync(join(ctx.out, 's/d', f), 'utf8')));
  ctx.site = await serveDir(ctx.out);
  ctx.browser = await launchBrowser();
});
after(async () => {
  await ctx.browser?.close();
  ctx.site?.close();
});

/** fetchJson over the built files; a missing file is null when optional. */
function files(fetched = []) {
  return async (path, { optional = false } = {}) => {
    fetched.push(path);
    try {
      return JSON.parse(readFileSync(join(ctx.out, path), 'utf8'));
    } catch (e) {
      if (optional && e.code === 'ENOENT') return null;
      throw e;
    }
  };
}

/** Institutions a query should find, by reading every one. */
function bruteForce(query) {
  const q = normalize(query);
  const fields = (row) => row[3].split('、').flatMap((o) => o.replace('）', '').split('（'));
  return ctx.rows.filter((row) => {
    if (normalize(row[1]).includes(q)) return true;
    if (looksLikeFiling(q) && row[2].toLowerCase().includes(q)) return true;
    return [...q].length >= 2 && fields(row).some((f) => normalize(f).includes(q));
  });
}

test('every query counts exactly what a reading of the whole directory finds', async () => {
  for (const q of ['示例', '有限公司', '沈阳', '鼓风机', '焊工', '数控车工', '化工', '沈', '公', '钢', '北京', '沈鼓', 'Y00002101', '000021013002', '21013002', '0042', '示例0042', 'zz']) {
    const want = bruteForce(q).map((r) => r[0]).sort((a, b) => a - b);
    const { total } = await search(q, { fetchJson: files() });
    assert.equal(total, want.length, q);
    const all = await search(q, { fetchJson: files(), limit: 100000 });
    assert.deepEqual(all.results.map((r) => r.id).sort((a, b) => a - b), want, q);
  }
});

test('a broad query counts every match but downloads only the page it shows', async () => {
  const fetched = [];
  const { total, results } = await search('示例', { fetchJson: files(fetched), limit: 20 });
  assert.ok(total >= 2000, `${total}`);
  assert.equal(results.length, 20);
  assert.ok(fetched.filter((p) => p.startsWith('s/d/')).length <= 20, fetched.join(' '));
  const next = await search('示例', { fetchJson: files(), offset: 20, limit: 20 });
  assert.equal(next.results.length, 20);
  assert.equal(new Set([...results, ...next.results].map((r) => r.id)).size, 40);
});

test('results rank the whole name, then its start, then inside it, then an occupation', async () => {
  const { results } = await search('沈阳鼓风机集团股份有限公司', { fetchJson: files() });
  assert.equal(results[0].name, '沈阳鼓风机集团股份有限公司');
  assert.equal(results[0].rank, 0);
  const shenyang = (await search('沈阳', { fetchJson: files(), limit: 100000 })).results;
  const ranks = shenyang.map((r) => r.rank);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  assert.ok(shenyang.filter((r) => r.rank === 1).every((r) => normalize(r.name).startsWith('沈阳')));
  // Occupation matches come after every name match.
  const weld = (await search('焊工', { fetchJson: files(), limit: 100000 })).results;
  const firstOccupation = weld.findIndex((r) => r.rank === 3);
  assert.ok(firstOccupation === -1 || weld.slice(firstOccupation).every((r) => r.rank === 3));
  // Among names that start with the query, the shorter first.
  const starts = shenyang.filter((r) => r.rank === 1).map((r) => [...normalize(r.name)].length);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
});

test('parts of a filing number find their institution first', async () => {
  for (const q of ['Y000021013002', '000021013002', '21013002', 'y000021013002']) {
    const { results } = await search(q, { fetchJson: files() });
    assert.equal(results[0]?.filing_no, 'Y000021013002', q);
  }
});

test('a missing index shard is no posting, never an error', async () => {
  const fetched = [];
  const fetchJson = files(fetched);
  const { total } = await search('一个没有的名字', { fetchJson: async (path, o) => (path.startsWith('s/g/') ? (o?.optional ? null : fetchJson(path, o)) : fetchJson(path, o)) });
  assert.equal(total, 0);
});

test('in Chromium: a query no name matches says so, a broad one shows the true count and more on request', async () => {
  const page = await ctx.browser.newPage({ ...ROUTED, viewport: { width: 390, height: 844 } });
  const problems = watchConsole(page);
  const results = page.locator('#search-results');
  const done = () => page.waitForFunction(() => document.getElementById('search-results').dataset.state === 'done');
  for (const q of ['数控车工', '北京', '沈鼓']) {
    await page.goto(`${ctx.site.url}directory/index.html?q=${encodeURIComponent(q)}`);
    await done();
    const want = bruteForce(q).length;
    const text = await results.innerText();
    if (want === 0) assert.match(text, /没有找到/, q);
    else assert.match(text, new RegExp(`找到 ${want} 家机构`), q);
  }
  const want = bruteForce('示例').length;
  await page.goto(`${ctx.site.url}directory/index.html?q=${encodeURIComponent('示例')}`);
  await done();
  assert.match(await results.innerText(), new RegExp(`找到 ${want} 家机构，显示前 20 家`));
  assert.equal(await page.locator('#search-results li').count(), 20);
  await page.click('#search-results button');
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 40);
  assert.match(await results.innerText(), new RegExp(`找到 ${want} 家机构，显示前 40 家`));
  // A whole shard of the index gone: still an answer, not an error.
  await page.route(/\/s\/g\//, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.fill('#q', '鼓风机');
  await page.click('#search-form button');
  await done();
  assert.match(await results.innerText(), /没有找到/);
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${width}px wide`);
  await page.close();
});

test('the directory page stays small: cities link to paged lists', async () => {
  const index = readFileSync(join(ctx.out, 'directory/index.html'));
  assert.ok(index.length < 20000, `${index.length} bytes`);
  const pages = readdirSync(join(ctx.out, 'directory')).filter((f) => f.startsWith('city-'));
  // One row header per institution, its cells spanning its occupations' rows.
  const institutions = (f) => readFileSync(join(ctx.out, 'directory', f), 'utf8').match(/<th scope="rowgroup"/g) ?? [];
  for (const f of pages) {
    const rows = institutions(f);
    assert.ok(rows.length <= 100, `${f}: ${rows.length}`);
  }
  const listed = pages.reduce((n, f) => n + institutions(f).length, 0);
  assert.equal(listed, ctx.rows.length);
  const page = await ctx.browser.newPage();
  await page.goto(`${ctx.site.url}directory/index.html`);
  await page.click('.cities a >> nth=0');
  await page.waitForURL(/city-\d\d\.html$/);
  const next = page.locator('.pager a[rel="next"]');
  if (await next.count()) {
    await next.click();
    await page.waitForURL(/city-\d\d-2\.html$/);
  }
  await page.close();
});
