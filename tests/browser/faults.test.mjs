// Page-level faults found by trying the pages as an attacker would, each
// reproduced in headless Chromium: a slow result shown under another code, a
// broken % escape, unverified data beside a failed verdict, spreadsheet
// formulas in the CSV download, links from the unsigned search index, and
// host text inside a verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROUTED, demoStatements, holderOf, useDemoSite, watchConsole } from './site.mjs';

const corpus = JSON.parse(readFileSync(new URL('../vectors/verdicts.json', import.meta.url)));
const CERTS = demoStatements('certificates').filter((c) => c.code.startsWith('Y000021013002'));
const [FIRST, SECOND] = [CERTS[0], CERTS[1]];
const HOLDER = holderOf(FIRST.code);
const VERDICTS = ['verified', 'not-reviewed', 'invalid-signature', 'unknown-issuer', 'key-not-valid', 'revoked', 'not-found', 'load-error'];

const demo = useDemoSite();

const settled = (page) =>
  page.waitForFunction((vs) => vs.includes(document.getElementById('verdict').dataset.verdict), VERDICTS, { timeout: 30000 });

test('a name matched for one certificate is never shown on another', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  // The QR link carries the name: its slow hash runs after the verdict.
  await page.goto(`${demo.site.url}verify/#${FIRST.code}&name=${encodeURIComponent(HOLDER.name)}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified');
  // While the hash runs, the fragment changes (as another window could make it).
  await page.evaluate((code) => {
    window.location.hash = code;
  }, SECOND.code);
  await page.waitForFunction((code) => document.querySelector('#certificate dl')?.textContent.includes(code), SECOND.code);
  await page.waitForTimeout(2500);
  const text = await page.locator('#certificate').innerText();
  assert.ok(text.includes(SECOND.code), text);
  assert.ok(!text.includes(HOLDER.name), `the first holder's name is shown on ${SECOND.code}: ${text}`);
  assert.equal(await page.locator('#holder-name-result').getAttribute('data-match'), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a broken % escape in the link is a clear malformed verdict, never the previous one', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}verify/#${FIRST.code}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified');
  await page.evaluate(() => {
    window.location.hash = 'Y0000%E4%B8';
  });
  await page.waitForFunction(() => document.getElementById('verdict').dataset.reason === 'malformed');
  assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'not-found');
  assert.match(await page.locator('#verdict').innerText(), /无法解码/);
  assert.equal(await page.locator('#certificate').isVisible(), false);
  const fresh = await demo.browser.newPage();
  await fresh.goto(`${demo.site.url}verify/#%zz${FIRST.code}`);
  await fresh.waitForFunction(() => document.getElementById('verdict').dataset.reason === 'malformed');
  assert.deepEqual(problems, []);
  await page.close();
  await fresh.close();
});

test('the matched name is shown as it was matched: normalised', async () => {
  const page = await demo.browser.newPage();
  const spaced = ` ${[...HOLDER.name].join(' ')} `;
  await page.goto(`${demo.site.url}verify/#${FIRST.code}&name=${encodeURIComponent(spaced)}`);
  await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match === 'match', null, { timeout: 30000 });
  assert.ok((await page.locator('#certificate').innerText()).includes(HOLDER.name));
  assert.ok((await page.locator('#holder-name-result').innerText()).endsWith(HOLDER.name));
  await page.close();
});

/** The batch page with the case's host: its root key, issuer file and shard. */
async function batchWithHost(c) {
  const context = await demo.browser.newContext({ ...ROUTED, acceptDownloads: true });
  await context.route(/\/batch\/index\.html$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/data-root-key="[^"]*"/, `data-root-key="${corpus.root_public_key}"`);
    await route.fulfill({ response, body });
  });
  await context.route(/\/c\/[0-9a-f]+\.jsonl$/, (route) => route.fulfill({ body: `${c.shard.join('\n')}\n` }));
  await context.route(/\/i\/[^/]+\.jsonl$/, (route) => route.fulfill({ body: `${c.directory.join('\n')}\n` }));
  return context;
}

test('the batch table and CSV show nothing of a record whose issuer did not verify', async () => {
  const c = corpus.cases.find((x) => x.name === 'a directory entry changed after signing');
  const context = await batchWithHost(c);
  const page = await context.newPage();
  await page.goto(`${demo.site.url}batch/index.html`);
  await page.fill('#batch-input', `${c.code}\n=HYPERLINK("https://evil.example/","点击")`);
  await page.click('#batch-run');
  await page.waitForFunction(() => document.getElementById('batch-status').dataset.done === '2', null, { timeout: 60000 });
  const row = page.locator('#batch-table tbody tr').first();
  assert.equal(await row.getAttribute('data-verdict'), 'invalid-signature');
  const cells = await row.locator('td').allInnerTexts();
  assert.deepEqual(cells.slice(3, 6), ['', '', ''], `unverified record shown: ${cells}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(!csv.includes('车工'), csv);
  // A formula typed into the list stays text in Excel.
  // (The whole line is one malformed entry: its first word has no digit.)
  assert.match(csv, /\n2,"'=HYPERLINK\(""https:\/\/evil\.example\/"",""点击""\)",[^\n]*,malformed,/);
  await context.close();
});

test('a search result from a tampered index is never a link elsewhere', async () => {
  const context = await demo.browser.newContext(ROUTED);
  await context.route(/\/s\/d\/0\.json$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('"Y000021013002"', '"https://evil.example/"');
    await route.fulfill({ response, body });
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}directory/index.html`);
  await page.fill('#q', '鼓风机');
  await page.click('#search-form button');
  await page.waitForFunction(() => document.getElementById('search-results').dataset.state === 'done');
  assert.equal(await page.locator('#search-results a[href*="evil"]').count(), 0);
  assert.equal(await page.locator('#search-results a', { hasText: '沈阳鼓风机集团股份有限公司' }).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('host text from the unsigned institution facts never enters a verdict', async () => {
  const context = await demo.browser.newContext(ROUTED);
  await context.route(/\/i\/Y000021013002\.json$/, (route) =>
    route.fulfill({ body: JSON.stringify({ newest_issue: '请致电 400-000-0000 领取补贴', name: '假机构' }) }),
  );
  const page = await context.newPage();
  await page.goto(`${demo.site.url}verify/#Y000021013002245999999`);
  await settled(page);
  assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'not-found');
  const text = await page.locator('#verdict').innerText();
  assert.ok(!text.includes('400-000-0000') && !text.includes('假机构'), text);
  await context.close();
  // A real date is shown, labelled as unsigned.
  const plain = await demo.browser.newPage();
  await plain.goto(`${demo.site.url}verify/#Y000021013002245999999`);
  await settled(plain);
  assert.match(await plain.locator('#verdict').innerText(), /\d{4}-\d{2}-\d{2}（本站统计，未经签名）/);
  await plain.close();
});
