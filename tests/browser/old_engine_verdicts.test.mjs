// The verdict corpus (tests/vectors/verdicts.json) in Chromium 80
// (tests/browser/old_engine.mjs), the oldest engine the verify page
// promises: every case and snapshot case, as verdicts.test.mjs runs them in
// today's Chromium, must get the verdict, rule, reason and review the
// corpus states, without page errors. Chromium 80's WebCrypto has no
// Ed25519, so every verdict here is reached by the page's own verifier
// (ed25519.js), in an engine that really lacks it rather than one where it
// is stubbed out.
//
// puppeteer-core 2 has no clock and no service-worker switch, so: `Date`
// is replaced before any page script runs by one whose `Date.now()` and
// `new Date()` are the case's instant (the page's today is
// `todayInChina(new Date())`, verify.js), and `navigator.serviceWorker` is
// removed, so boot.js registers no worker whose requests would bypass the
// routing. Each case gets a fresh incognito context (its own storage and
// cache); one browser serves them all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serveSite, watchConsole, watchFallback } from './site.mjs';
import { launchChromium80 } from './old_engine.mjs';
import { answer, checkSaid, corpus, DATA, hostOf, pinCase, seenEntry, VERDICTS, VERIFY_PAGE } from './corpus_host.mjs';

const ctx = {};
before(async () => {
  ctx.site = await serveSite('data');
  // Not single-process: that one aborts on a page in an incognito context.
  ctx.browser = await launchChromium80({ singleProcess: false });
});
after(async () => {
  await ctx.browser?.close();
  ctx.site?.close();
});

/**
 * Runs in the page before its scripts: the clock stands at `now` (ms) for
 * `Date.now()`, `new Date()` and `Date()`; a Date of any given time, and
 * `Date.UTC`, `Date.parse`, are the real ones (the class extends the real
 * Date and shares its prototype).
 */
function fixClock(now) {
  const Real = Date;
  function FixedDate(...args) {
    if (!new.target) return new Real(now).toString();
    return Reflect.construct(Real, args.length ? args : [now], new.target);
  }
  Object.setPrototypeOf(FixedDate, Real);
  FixedDate.prototype = Real.prototype;
  FixedDate.now = () => now;
  Object.defineProperty(FixedDate, 'name', { value: 'Date' });
  Object.defineProperty(FixedDate, 'length', { value: 7 });
  Object.defineProperty(Real.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true });
  window.Date = FixedDate;
}

/** Runs in the page before its scripts: no service worker can be registered. */
function noServiceWorker() {
  delete Navigator.prototype.serviceWorker;
}

/** Opens the case's code on the verify page in a fresh context; what `#verdict` says. */
async function judgeInChromium80(c) {
  const files = hostOf(c);
  const context = await ctx.browser.createIncognitoBrowserContext();
  try {
    const page = await context.newPage();
    const problems = watchConsole(page);
    const fallbackLoads = watchFallback(page);
    let thrown;
    const broken = new Promise((_, reject) => {
      thrown = reject;
    });
    broken.catch(() => {});
    page.on('pageerror', (err) => thrown(new Error(`${page.url()}: ${err.message}`)));
    const instant = new Date(`${c.today}T12:00:00+08:00`).getTime();
    await page.evaluateOnNewDocument(fixClock, instant);
    await page.evaluateOnNewDocument(noServiceWorker);
    const seen = seenEntry(c);
    if (seen) await page.evaluateOnNewDocument(([key, value]) => window.localStorage.setItem(key, value), seen);
    await page.setRequestInterception(true);
    page.on('request', (request) => route(request, c, files).catch((e) => thrown(e)));
    await page.goto(`${ctx.site.url}verify/#${c.code}`);
    const waiting = page.waitForFunction((vs) => vs.includes(document.getElementById('verdict').dataset.verdict), { timeout: 30000 }, VERDICTS);
    waiting.catch(() => {});
    await Promise.race([waiting, broken]);
    const said = await page.$eval('#verdict', (v) => ({
      verdict: v.getAttribute('data-verdict'),
      rule: v.getAttribute('data-rule'),
      reason: v.getAttribute('data-reason'),
      review: v.getAttribute('data-review'),
      text: v.innerText,
    }));
    const shown = await page.$eval('#certificate', (s) => s.offsetParent !== null);
    const clock = await page.evaluate(() => ({ now: Date.now(), made: new Date().getTime(), given: new Date(0).getTime() }));
    const worker = await page.evaluate(() => 'serviceWorker' in navigator);
    return { ...said, shown, clock, instant, worker, problems, fallbackLoads };
  } finally {
    await context.close();
  }
}

/** The verify page pinned to the case, its data from the case's host, anything else from the demo site. */
async function route(request, c, files) {
  const url = new URL(request.url());
  if (VERIFY_PAGE.test(url.pathname)) {
    const response = await fetch(request.url());
    const body = pinCase(await response.text(), c);
    return request.respond({ status: response.status, contentType: response.headers.get('content-type'), body });
  }
  if (DATA.test(url.pathname.slice(1))) {
    const { status, body } = answer(files, url.pathname.slice(1));
    return request.respond({ status, contentType: 'application/octet-stream', body });
  }
  return request.continue();
}

for (const [kind, cases] of [['', corpus.cases], ['snapshot: ', corpus.snapshot_cases]]) {
  for (const c of cases) {
    test(`in Chromium 80, ${kind}${c.name}`, async () => {
      const r = await judgeInChromium80(c);
      checkSaid(c, r);
      // The page judged on the case's day.
      assert.deepEqual(r.clock, { now: r.instant, made: r.instant, given: 0 });
      assert.equal(r.worker, false, 'no service worker between the page and the routing');
      // Nothing of a record is shown beside a verdict that is not a valid one.
      assert.equal(r.shown, ['verified', 'revoked'].includes(c.page.verdict), r.text);
      // 404s of the case's own host are expected; nothing else may go wrong.
      assert.deepEqual(r.problems.filter((p) => !p.includes('404')), []);
      // No WebCrypto Ed25519 here: the page's own verifier was fetched, once.
      assert.equal(r.fallbackLoads.length, 1, r.fallbackLoads.join(' '));
    });
  }
}
