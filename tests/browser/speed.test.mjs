// What makes a cold lookup fast on a slow connection, checked in headless
// Chromium: one script per page (no chain of imports), a QR lookup's files
// requested while that script is still on its way and each fetched once,
// and text served compressed. The figures themselves come from
// tests/benches/throttled_verdict.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROUTED, useDemoSite, watchConsole } from './site.mjs';

const CERT = JSON.parse(readFileSync('data/certificates/Y000021013002-2.jsonl', 'utf8').split('\n')[0]).statement;
const demo = useDemoSite();

test('a QR lookup requests its data before the page script has arrived, each file once', async () => {
  const page = await demo.browser.newPage(ROUTED);
  const problems = watchConsole(page);
  const events = [];
  // The page's main script is held back a second: the data must not wait for it.
  await page.route('**/verify-page.js', async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    events.push('main script released');
    await route.continue();
  });
  page.on('request', (r) => events.push(new URL(r.url()).pathname));
  await page.goto(`${demo.site.url}verify/#${CERT.code}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'verified');
  const released = events.indexOf('main script released');
  const data = events.filter((e) => /^\/(c|i|snap)\/|^\/snapshot\.jsonl$/.test(e));
  assert.ok(data.length >= 5, `${events}`);
  assert.equal(new Set(data).size, data.length, `a file fetched twice: ${data}`);
  for (const path of data) assert.ok(events.indexOf(path) < released, `${path} waited for the main script: ${events}`);
  // The page's modules come as two scripts, beside the small classic boot.js.
  const scripts = events.filter((e) => e.endsWith('.js') && !/\/boot\.[0-9a-f]+\.js$/.test(e));
  assert.deepEqual(scripts.map((s) => s.split('/').at(-1)), ['verify-early.js', 'verify-page.js']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('pages, scripts and data are served compressed', async () => {
  const page = await demo.browser.newPage();
  const encodings = new Map();
  // A response still arriving when the page closes (the icon, the service
  // worker's script) has no headers to read: it is not among those checked.
  page.on('response', (r) => {
    r.allHeaders()
      .then((h) => encodings.set(new URL(r.url()).pathname.split('.').at(-1), h['content-encoding']))
      .catch(() => {});
  });
  await page.goto(`${demo.site.url}verify/#${CERT.code}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  for (const kind of ['/verify/', 'css', 'js', 'jsonl']) assert.equal(encodings.get(kind), 'gzip', `${kind}: ${[...encodings]}`);
  await page.close();
});
