// The site in English, in headless Chromium: every page type and state has
// no Chinese outside data (names, occupations, as signed), which is marked
// lang="zh-CN"; `lang` follows the language; the switch in the header keeps
// the code being verified, and the choice holds across pages and visits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { demoStatements, useDemoSite, watchConsole } from './site.mjs';

const CERT = demoStatements('certificates').find((c) => c.code.startsWith('Y000021013002'));
const REVOKED = demoStatements('revocations')[0];
const FILING = CERT.code.slice(0, 13);
const demo = useDemoSite();

/** Chinese the page shows outside data marked lang="zh-CN": text, labels, titles. */
function chineseOutsideData() {
  const han = /\p{Script=Han}/u;
  const data = (node) => node.closest('[lang^="zh"]') !== null;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (han.test(node.data) && !data(node.parentElement)) found.push(node.data.trim().slice(0, 60));
  }
  for (const e of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = e.getAttribute(attr);
      if (value && han.test(value) && !data(e)) found.push(`${attr}: ${value}`);
    }
  }
  return found;
}

async function english(page, url, ready = () => true) {
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', url);
  assert.deepEqual(await page.evaluate(chineseOutsideData), [], url);
}

const settled = () => !['pending', undefined].includes(document.getElementById('verdict')?.dataset.verdict);

test('every page type and state in English shows no Chinese outside data', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  const base = `${demo.site.url}en/`;
  const page404 = readdirSync('data/pages').map((f) => f.replace(/\.md$/, ''));
  for (const path of ['index.html', 'directory/index.html', 'directory/city-01.html', `directory/${FILING}.html`, 'stats/index.html', 'trust/index.html', ...page404.map((p) => `${p}/index.html`)]) {
    await english(page, base + path);
  }
  for (const code of [CERT.code, REVOKED.code, `${FILING}244999999`, 'Y00002101300224300000X', 'Y0000210130']) {
    await english(page, `${base}verify/#${code}`, settled);
  }
  assert.match(await page.locator('#verdict').innerText(), /length of the code/);
  // A kind that its filing route rules out names the field, then the reason.
  await english(page, `${base}verify/#Y000121013002243000001`, settled);
  assert.match(await page.locator('#verdict').innerText(), /Character 10 \(institution kind\) is 3, expected 1 \(.*because characters 2-5, the filing route, are 0001/);
  // A verified certificate with the electronic certificate open.
  await english(page, `${base}verify/#${CERT.code}`, settled);
  await page.click('#ecert-toggle');
  assert.equal(await page.getAttribute('#ecert-toggle', 'aria-expanded'), 'true');
  assert.deepEqual(await page.evaluate(chineseOutsideData), []);
  // Directory search with results, and with none.
  await english(page, `${base}directory/index.html?q=${encodeURIComponent('沈阳')}`, () => document.getElementById('search-results').dataset.state === 'done');
  assert.match(await page.locator('#search-results').innerText(), /institutions found/);
  // The batch page, done, with a valid, a revoked and a malformed line.
  await english(page, `${base}batch/index.html`);
  await page.fill('#batch-input', `${CERT.code}\n${REVOKED.code}\nhello world`);
  await page.click('#batch-run');
  await page.waitForFunction(() => document.getElementById('batch-status').dataset.done, null, { timeout: 30000 });
  assert.deepEqual(await page.evaluate(chineseOutsideData), []);
  assert.match(await page.locator('#batch-status').innerText(), /^Done: 3/);
  // The revocation's date and reason follow the title as text.
  assert.equal(await page.locator('#batch-table tbody tr >> nth=1 >> td.verdict-cell').innerText(), `Certificate revoked (${REVOKED.revoked_on}: ${REVOKED.reason})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the language switch keeps the code, and the choice holds across pages and visits', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}verify/#${CERT.code}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  assert.match(await page.locator('#verdict').innerText(), /证书有效/);
  await page.click('a[data-lang-switch]');
  await page.waitForURL(/\/en\/verify\//);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  assert.match(await page.locator('#verdict').innerText(), /Certificate verified/);
  assert.ok(page.url().endsWith(`#${CERT.code}`), page.url());
  // A Chinese page opened later (a QR code, a bookmark) opens in English.
  await page.goto(`${demo.site.url}directory/index.html`);
  await page.waitForURL(/\/en\/directory\/index\.html$/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // Links stay in English.
  await page.click(`a[href="../stats/index.html"]`);
  await page.waitForURL(/\/en\/stats\/index\.html$/);
  // And back to Chinese, which holds too.
  await page.click('a[data-lang-switch]');
  await page.waitForURL((url) => url.pathname === '/stats/index.html');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.goto(`${demo.site.url}en/index.html`);
  await page.waitForURL((url) => url.pathname === '/index.html');
  assert.deepEqual(problems, []);
  await page.close();
});
