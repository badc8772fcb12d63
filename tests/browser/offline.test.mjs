// Offline after one visit, in headless Chromium: the service worker stores
// the shell and what was looked up; with the host gone, the page reopens,
// re-verifies that certificate and says it is offline, with the signed data
// date; a code never looked up needs the network; a new build replaces the
// store instead of mixing with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite, launchBrowser, serveDir, serveSite, tempDir, watchConsole } from './site.mjs';

const first = (file) => JSON.parse(readFileSync(file, 'utf8').split('\n')[0]).statement;
const CERT = first('data/certificates/Y000021013002-2.jsonl');
const OTHER = first('data/certificates/Y000021012001.jsonl');

/** Polls an async check in the page (waitForFunction does not await one). */
async function until(page, check, arg) {
  for (let i = 0; i < 150; i++) {
    if (await page.evaluate(check, arg)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${check}`);
}

/** Waits until the service worker controls the page and has stored `paths` (site paths; the page is verify/). */
async function stored(page, paths) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  const urls = paths.map((p) => new URL(p, new URL('../', page.url())).href);
  await until(page, async (urls) => (await Promise.all(urls.map((u) => caches.match(u)))).every(Boolean), urls);
}

async function verdict(page) {
  await page.waitForFunction(() => !['pending', undefined].includes(document.getElementById('verdict')?.dataset.verdict), null, { timeout: 30000 });
  return page.evaluate(() => {
    const v = document.getElementById('verdict');
    return { verdict: v.dataset.verdict, offline: v.dataset.offline, text: v.innerText };
  });
}

test('a site opened once reopens offline, re-verifies what was checked and says it is offline', async () => {
  const site = await serveSite('data');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    const data = [];
    page.on('request', (r) => /\/(c|i|snap)\//.test(r.url()) && data.push(new URL(r.url()).pathname.slice(1)));
    await page.goto(`${site.url}verify/#${CERT.code}`);
    const online = await verdict(page);
    assert.equal(online.verdict, 'verified');
    assert.equal(online.offline, undefined);
    // What the first lookup fetched before the worker took over is stored too.
    await stored(page, ['verify/index.html', 'snapshot.jsonl', ...data]);
    site.close();
    await page.reload();
    const offline = await verdict(page);
    assert.equal(offline.verdict, 'verified', offline.text);
    assert.equal(offline.offline, 'stored');
    const date = JSON.parse(readFileSync(join(site.out, 'snapshot.jsonl'), 'utf8').trim().split('\n').at(-1)).statement.data_date;
    assert.match(offline.text, new RegExp(`离线.*数据截至 ${date}`));
    // A code this device never looked up: no verdict without the network.
    await page.fill('#code', OTHER.code);
    await page.click('#lookup button[type=submit]');
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'offline', null, { timeout: 30000 });
    assert.match(await page.locator('#verdict').innerText(), /需要联网/);
    // The batch page, stored too, checks the same certificate offline and says so.
    await page.goto(`${site.url}batch/index.html`);
    await page.fill('#batch-input', CERT.code);
    await page.click('#batch-run');
    await page.waitForFunction(() => document.getElementById('batch-status').dataset.done, null, { timeout: 30000 });
    assert.equal(await page.getAttribute('#batch-table tbody tr', 'data-verdict'), 'verified');
    assert.match(await page.locator('#batch-status').innerText(), new RegExp(`离线.*数据截至 ${date}`));
    // Only the stopped host and the code never stored are reported.
    assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to fetch|status of 503/.test(p)), []);
  } finally {
    await browser.close();
    site.close();
  }
});

test('a new build replaces the stored site instead of mixing with it', async () => {
  const data = join(tempDir(), 'data');
  cpSync('data', data, { recursive: true });
  const out = buildSite(data, join(tempDir(), 'public'));
  const server = await serveDir(out);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}verify/#${CERT.code}`);
    assert.equal((await verdict(page)).verdict, 'verified');
    await stored(page, ['snapshot.jsonl']);
    const before = await page.evaluate(() => caches.keys());
    assert.equal(before.length, 1);
    // The next build: another title, so other pages, scripts unchanged.
    const config = join(data, 'certsite.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^title = ".*"$/m, 'title = "新版本的站点"'));
    buildSite(data, out);
    await page.reload();
    await until(page, async (old) => {
      const keys = await caches.keys();
      return keys.length === 1 && keys[0] !== old;
    }, before[0]);
    const home = await page.evaluate(async () => (await (await caches.match(new URL('../index.html', location.href).href)).text()));
    assert.match(home, /新版本的站点/);
    assert.equal((await verdict(page)).verdict, 'verified');
  } finally {
    await browser.close();
    server.close();
  }
});
