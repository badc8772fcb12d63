// The batch page's time for 1,000 demo codes (pasted, then run: the click to
// the last verdict), in headless Chromium without throttling, with
// WebCrypto's Ed25519 and without it (stubbed out: the page's pure-JavaScript
// verifier, ed25519.js), alternating run by run; the median of RUNS each and
// the ratio between them.
//
// Usage: node tests/benches/batch_speed.mjs [RUNS]   (default 3)
//   CERTSITE_BIN names the binary (default target/debug/certsite).
import assert from 'node:assert/strict';
import { demoStatements, launchBrowser, pageVerifyingBy, serveSite } from '../browser/site.mjs';

const runs = Number(process.argv[2] ?? 3);
const reviewed = new Set(demoStatements('reviews').map((r) => r.code));
const revoked = new Set(demoStatements('revocations').map((r) => r.code));
const codes = demoStatements('certificates')
  .map((c) => c.code)
  .filter((c) => reviewed.has(c) && !revoked.has(c))
  .slice(0, 1000);
assert.equal(codes.length, 1000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const site = await serveSite('data');
const browser = await launchBrowser();
const MODES = ['webcrypto', 'fallback'];
const seconds = { webcrypto: [], fallback: [] };
try {
  for (let i = 0; i < runs * MODES.length; i++) {
    const mode = MODES[i % MODES.length];
    const { context, page, loads } = await pageVerifyingBy(browser, mode);
    await page.goto(`${site.url}batch/index.html`);
    await page.fill('#batch-input', codes.join('\n'));
    const started = Date.now();
    await page.click('#batch-run');
    // Polled ten times a second: watching every frame slows the page.
    await page.waitForFunction(() => document.getElementById('batch-status').dataset.done === '1000', null, { timeout: 600_000, polling: 100 });
    seconds[mode].push((Date.now() - started) / 1000);
    const verdicts = await page.locator('#batch-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
    assert.deepEqual(new Set(verdicts), new Set(['verified']));
    assert.equal(loads.length, mode === 'fallback' ? 1 : 0);
    await context.close();
  }
} finally {
  await browser.close();
  site.close();
}
const s = (x) => `${x.toFixed(1)} s`;
console.log(`1,000 codes in the batch page, headless Chromium; median of ${runs}.`);
console.log('| Ed25519 by | median | runs |');
console.log('| --- | --- | --- |');
for (const mode of MODES) console.log(`| ${mode} | ${s(median(seconds[mode]))} | ${seconds[mode].map(s).join(', ')} |`);
console.log(`fallback ÷ WebCrypto: ${(median(seconds.fallback) / median(seconds.webcrypto)).toFixed(2)}`);
