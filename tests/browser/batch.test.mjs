// Batch checking in headless Chromium: mixed verdicts, names, a CSV
// download, and 1,000 real demo codes in one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoStatements, holderOf, tempDir, useDemoSite, watchConsole } from './site.mjs';

const CERTS = demoStatements('certificates');
const REVOCATIONS = demoStatements('revocations');
const REVOKED = new Set(REVOCATIONS.map((r) => r.code));
const CODE = demoStatements('certificates').find((c) => c.code.startsWith('Y000021013002')).code;
// 大连市 has not reviewed its newest certificates yet.
const REVIEWED = new Set(demoStatements('reviews').map((r) => r.code));
const WAITING = CERTS.find((c) => !REVIEWED.has(c.code)).code;
const NAME = holderOf(CODE).name;

const demo = useDemoSite();

test('mixed codes get a verdict each, names are checked, results download as CSV', async () => {
  const page = await demo.browser.newPage({ acceptDownloads: true });
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}batch/index.html`);
  const revoked = [...REVOKED][0];
  // Nothing to download before a run.
  assert.equal(await page.locator('#batch-download').isVisible(), false);
  const lines = [`${CODE},${NAME}`, `${CODE} ${NAME}甲`, revoked, 'Y000021013002245999999', 'Y000021013002247000001', 'hello world', 'Y00002101300224500001 张三', WAITING];
  await page.fill('#batch-input', lines.join('\n'));
  await page.click('#batch-run');
  await page.waitForFunction(() => document.getElementById('batch-status').dataset.done === '8', null, { timeout: 60000 });
  const verdicts = await page.locator('#batch-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
  // 247000001: level 7 does not exist, so that code is malformed too.
  assert.deepEqual(verdicts, ['verified', 'verified', 'revoked', 'not-found', 'malformed', 'malformed', 'malformed', 'not-reviewed']);
  // `hello world` is one malformed line, not a code and a name.
  assert.match(await page.locator('#batch-table tbody tr >> nth=5').innerText(), /hello world[\s\S]*证书编号有误/);
  // The revocation's date and reason are text beside the title, not a list
  // turned into a string (`,` between the parts, or [object HTMLSpanElement]).
  const { revoked_on: on, reason } = REVOCATIONS.find((r) => r.code === revoked);
  assert.equal(await page.locator('#batch-table tbody tr >> nth=2 >> td.verdict-cell').innerText(), `证书已撤销（${on}：${reason}）`);
  const status = await page.locator('#batch-status').innerText();
  assert.match(status, /查无此证 1/);
  assert.match(status, /证书编号有误 3/);
  assert.match(status, /尚未经所在市审核 1/);
  assert.equal(await page.locator('#batch-download').isVisible(), true);
  const names = await page.locator('#batch-table tbody tr td:last-child').allInnerTexts();
  assert.deepEqual(names.slice(0, 2), ['一致', '不一致']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-download')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFF序号,证书编号,查验结果,结果代码'), csv.slice(0, 80));
  assert.equal(csv.trim().split('\r\n').length, 9);
  assert.match(csv.split('\r\n')[0], /,审核,审核机构,审核日期/);
  assert.match(csv, new RegExp(`${CODE},证书有效,verified,.*沈阳市公共就业服务机构主管部门`));
  assert.match(csv, new RegExp(`${revoked},证书已撤销,revoked`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('1,000 codes are all verified in one run, each shard fetched once', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}batch/index.html`);
  await page.evaluate(() => {
    window.longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const codes = CERTS.filter((c) => REVIEWED.has(c.code)).slice(0, 1000).map((c) => c.code);
  const shardRequests = [];
  page.on('request', (r) => r.url().includes('/c/') && shardRequests.push(r.url()));
  await page.fill('#batch-input', codes.join('\n'));
  const started = Date.now();
  await page.click('#batch-run');
  // While it runs: rows are drawn as they are verified, the bar moves, the
  // button waits and there is nothing to download yet.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#batch-table tbody tr')];
    return rows.some((r) => r.dataset.verdict === 'verified') && rows.some((r) => r.dataset.verdict === 'pending');
  });
  const during = await page.evaluate(() => ({
    disabled: document.getElementById('batch-run').disabled,
    value: document.getElementById('batch-progress').value,
    max: document.getElementById('batch-progress').max,
    bar: !document.getElementById('batch-progress').hidden,
    download: document.getElementById('batch-download').checkVisibility(),
  }));
  assert.deepEqual({ ...during, value: during.value > 0 && during.value < 1000 }, { disabled: true, value: true, max: 1000, bar: true, download: false });
  await page.waitForFunction(() => document.getElementById('batch-status').dataset.done === '1000', null, { timeout: 180000 });
  assert.equal(await page.locator('#batch-run').isDisabled(), false);
  assert.equal(await page.locator('#batch-progress').isVisible(), false);
  const seconds = (Date.now() - started) / 1000;
  const verdicts = await page.locator('#batch-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
  const expected = codes.map((c) => (REVOKED.has(c) ? 'revoked' : 'verified'));
  assert.deepEqual(verdicts, expected);
  assert.equal(new Set(shardRequests).size, shardRequests.length, 'no shard fetched twice');
  const longest = await page.evaluate(() => window.longest);
  console.log(`batch of 1000: ${seconds.toFixed(1)} s, ${shardRequests.length} shards, longest main-thread task ${Math.round(longest)} ms`);
  await page.screenshot({ path: join(process.env.SCREENSHOT_DIR ?? tempDir(), 'batch.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
