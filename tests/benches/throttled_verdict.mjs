// How long a visitor on a cheap phone with a bad connection waits for a
// verdict: the demo site served by `certsite serve` (gzip, as a host should),
// opened cold in headless Chromium with the network at 400 kbps both ways and
// a 400 ms round trip, the CPU slowed 4×. Prints the median of RUNS cold
// loads of a QR URL (navigation start to the verdict on screen) and of a
// second lookup typed on the same page (its start to its verdict), with the requests
// and bytes each made: once as a current browser does (WebCrypto's Ed25519),
// once as one without it (stubbed out), where the page fetches and runs its
// pure-JavaScript verifier (ed25519.js), alternating run by run.
//
// Usage: node tests/benches/throttled_verdict.mjs [RUNS]   (default 5)
//   CERTSITE_BIN names the binary (default target/debug/certsite).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { launchBrowser, pageVerifyingBy, serveSite } from '../browser/site.mjs';

const runs = Number(process.argv[2] ?? 5);
const PROFILE = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const CPU_SLOWDOWN = 4;

// Two valid demo certificates of different institutions (so different shards and issuer files).
const codes = readdirSync('data/certificates')
  .sort()
  .map((f) => JSON.parse(readFileSync(`data/certificates/${f}`, 'utf8').split('\n')[0]).statement.code);
const [first, second] = [codes[0], codes.find((c) => c.slice(1, 13) !== codes[0].slice(1, 13))];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const site = await serveSite('data');
const browser = await launchBrowser();
const MODES = ['webcrypto', 'fallback'];
const cold = { webcrypto: [], fallback: [] };
const again = { webcrypto: [], fallback: [] };
const traffic = {};
try {
  for (let i = 0; i < runs * MODES.length; i++) {
    const mode = MODES[i % MODES.length];
    // Service workers blocked: Chromium's throttling does not reach a worker's
    // own requests, so with one a second lookup would be measured unthrottled.
    // On a real first visit the worker registers only after the page's load
    // event and its first request is its own script, a round trip later, so
    // storing the site does not compete with the first lookup.
    const { context, page, loads } = await pageVerifyingBy(browser, mode);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await cdp.send('Network.emulateNetworkConditions', PROFILE);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const transfer = { requests: 0, bytes: 0 };
    cdp.on('Network.loadingFinished', (e) => {
      transfer.requests++;
      transfer.bytes += e.encodedDataLength;
    });
    await page.goto(`${site.url}verify/#${first}`, { waitUntil: 'commit' });
    // The page marks each lookup's start and verdict (performance.mark), so
    // the figures do not depend on how often this script looks.
    const verdicts = async (n) => {
      await page.waitForFunction((n) => performance.getEntriesByName('certsite:verdict').length >= n, n, { timeout: 60_000 });
      assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'verified');
      return page.evaluate(() => {
        const last = (name) => performance.getEntriesByName(name).slice(-1)[0].startTime;
        return { start: last('certsite:lookup'), end: last('certsite:verdict') };
      });
    };
    cold[mode].push((await verdicts(1)).end);
    const coldTransfer = { ...transfer };
    await page.fill('#code', second);
    await page.click('#lookup button[type=submit]');
    const { start, end } = await verdicts(2);
    again[mode].push(end - start);
    assert.equal(loads.length, mode === 'fallback' ? 1 : 0, `${mode}: ed25519.js fetched ${loads.length} times`);
    if (!traffic[mode]) traffic[mode] = { cold: coldTransfer, second: { requests: transfer.requests - coldTransfer.requests, bytes: transfer.bytes - coldTransfer.bytes } };
    await context.close();
  }
} finally {
  await browser.close();
  site.close();
}
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`Throttled profile: 400 kbps both ways, 400 ms round trip, CPU ÷${CPU_SLOWDOWN}; median of ${runs}.`);
console.log('| Ed25519 by | lookup | median | runs | requests | transferred |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const mode of MODES) {
  const t = traffic[mode];
  console.log(`| ${mode} | cold, from a QR URL | ${s(median(cold[mode]))} | ${cold[mode].map(s).join(', ')} | ${t.cold.requests} | ${kb(t.cold.bytes)} |`);
  console.log(`| ${mode} | second code, same page | ${s(median(again[mode]))} | ${again[mode].map(s).join(', ')} | ${t.second.requests} | ${kb(t.second.bytes)} |`);
}
console.log(`cold lookup, fallback ÷ WebCrypto: ${(median(cold.fallback) / median(cold.webcrypto)).toFixed(2)}`);
