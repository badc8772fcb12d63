// The pages in Chromium 80 (tests/browser/old_engine.mjs), the oldest engine
// the verify page promises, whose WebCrypto has no Ed25519: a genuine demo
// certificate verified, a tampered shard refused exactly as today's Chromium
// refuses it, the batch page, the directory search in Chinese, the home
// form, no page errors, nothing scrolling sideways on a phone, and a failed
// download of the fallback fetched again (Chromium 80 keeps a failed
// import() for the page's life). Screenshots
// of the verify and directory pages at 390 and 1280 px go to
// $SCREENSHOT_DIR (default target/screenshots/chromium-80/), for a person
// to look at how the old engine lays them out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyWithTamperedShard, demoStatements, launchBrowser, serveDir, serveSite, watchConsole } from './site.mjs';
import { CHROMIUM_80, launchChromium80 } from './old_engine.mjs';

const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? 'target/screenshots/chromium-80');
mkdirSync(SHOTS, { recursive: true });
console.log(`screenshots: ${SHOTS}`);

const zh = JSON.parse(readFileSync(new URL('../../site-templates/i18n/zh.json', import.meta.url))).script;
// A certificate of 沈阳鼓风机集团股份有限公司, as the other browser tests use.
const CERT = demoStatements('certificates').find((c) => c.code.startsWith('Y000021013002'));
const REVOKED = demoStatements('revocations')[0];
const REVIEWED = new Set(demoStatements('reviews').map((r) => r.code));
const WAITING = demoStatements('certificates').find((c) => !REVIEWED.has(c.code));
const VIEWPORTS = [[390, 'phone'], [1280, 'desktop']];

const ctx = {};
before(async () => {
  ctx.site = await serveSite('data');
  ctx.browser = await launchChromium80();
});
after(async () => {
  await ctx.browser?.close();
  ctx.site?.close();
});

/**
 * A new page at `width`, with its console errors and warnings, page errors
 * and failed requests; `until(fn, ...args)` waits for `fn` in the page, and
 * fails at once when the page throws (a script that never ran would
 * otherwise be a 30-second timeout).
 */
async function newPage(width = 1280) {
  const page = await ctx.browser.newPage();
  await page.setViewport({ width, height: 844 });
  const problems = [];
  let thrown;
  const broken = new Promise((_, reject) => {
    thrown = reject;
  });
  broken.catch(() => {});
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    problems.push(`pageerror: ${err.message}`);
    thrown(new Error(`${page.url()}: ${err.message}`));
  });
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${req.url()}`);
  });
  const until = (fn, ...args) => {
    const waiting = page.waitForFunction(fn, { timeout: 30000 }, ...args);
    waiting.catch(() => {});
    return Promise.race([waiting, broken]);
  };
  return { page, problems, until };
}

/**
 * Opens verify/#CODE on `base` and waits for the verdict; the screenshot
 * `shot` is taken in any case (it shows a page that failed, too).
 */
async function openVerify(base, code, width, shot) {
  const { page, problems, until } = await newPage(width);
  await page.goto(`${base}verify/#${code}`);
  try {
    await until(() => !['pending', undefined].includes(document.getElementById('verdict')?.dataset.verdict));
  } finally {
    if (shot) await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  }
  const said = await page.$eval('#verdict', (v) => ({ verdict: v.dataset.verdict, rule: v.dataset.rule ?? null, reason: v.dataset.reason ?? null, text: v.innerText }));
  return { page, problems, ...said };
}

/** How far the page scrolls sideways (0 when it fits). */
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test(`it is Chromium ${CHROMIUM_80}, whose WebCrypto has no Ed25519 (but BigInt)`, async () => {
  assert.equal(await ctx.browser.version(), `HeadlessChrome/${CHROMIUM_80}`);
  const { page, problems } = await newPage();
  await page.goto(`${ctx.site.url}index.html`);
  const engine = await page.evaluate(async () => {
    let ed25519;
    try {
      await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
      ed25519 = 'imported';
    } catch (e) {
      ed25519 = e.name;
    }
    return { ua: navigator.userAgent, ed25519, bigint: typeof BigInt, sha512: (await crypto.subtle.digest('SHA-512', new Uint8Array(1))).byteLength };
  });
  assert.ok(engine.ua.includes('Chrome/80.'), engine.ua);
  assert.equal(engine.ed25519, 'NotSupportedError', 'this engine must exercise the path without WebCrypto Ed25519');
  assert.equal(engine.bigint, 'function');
  assert.equal(engine.sha512, 64);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a genuine demo certificate is verified, at phone and desktop width', async () => {
  for (const [width, name] of VIEWPORTS) {
    const r = await openVerify(ctx.site.url, CERT.code, width, `verify-${name}.png`);
    assert.equal(await sideways(r.page), 0, `the verify page scrolls sideways at ${width} px`);
    assert.equal(r.verdict, 'verified', r.text);
    assert.match(r.text, /证书有效/);
    const record = await r.page.$eval('#certificate', (c) => c.innerText);
    for (const expected of [CERT.code, CERT.occupation, '沈阳鼓风机集团股份有限公司']) assert.ok(record.includes(expected), `${expected} in ${record}`);
    assert.deepEqual(r.problems, []);
    await r.page.close();
  }
});

test('one changed character in a shard: the same verdict and rule as in today\'s Chromium', async () => {
  const dir = copyWithTamperedShard(ctx.site.out, CERT);
  const tampered = await serveDir(dir);
  const today = await launchBrowser();
  try {
    const page = await today.newPage();
    const problems = watchConsole(page);
    await page.goto(`${tampered.url}verify/#${CERT.code}`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
    const want = await page.$eval('#verdict', (v) => ({ verdict: v.dataset.verdict, rule: v.dataset.rule ?? null, reason: v.dataset.reason ?? null }));
    assert.equal(want.verdict, 'invalid-signature', 'today\'s Chromium refuses the tampered record');
    assert.deepEqual(problems, []);
    const old = await openVerify(tampered.url, CERT.code, 1280, 'verify-tampered-desktop.png');
    assert.deepEqual({ verdict: old.verdict, rule: old.rule, reason: old.reason }, want, old.text);
    assert.equal(await old.page.$eval('#certificate', (c) => c.offsetParent === null), true, 'nothing of the record is shown');
    assert.deepEqual(old.problems, []);
    await old.page.close();
  } finally {
    await today.close();
    tampered.close();
  }
});

test('the batch page gives each of a few codes its verdict', async () => {
  const { page, problems, until } = await newPage(390);
  await page.goto(`${ctx.site.url}batch/index.html`);
  const lines = [CERT.code, REVOKED.code, `${CERT.code.slice(0, 13)}244999999`, 'Y000021013002247000001', WAITING.code];
  await page.type('#batch-input', lines.join('\n'));
  await page.click('#batch-run');
  // Done, or (quickly) the page's own "this browser cannot verify".
  try {
    await until(
      (n, unsupported) => {
        const status = document.getElementById('batch-status');
        return status.dataset.done === n || status.textContent === unsupported;
      },
      String(lines.length),
      zh.verdicts.unsupported[1],
    );
  } finally {
    await page.screenshot({ path: join(SHOTS, 'batch-phone.png'), fullPage: true });
  }
  assert.equal(await page.$eval('#batch-status', (s) => s.dataset.done ?? s.textContent), String(lines.length));
  const verdicts = await page.$$eval('#batch-table tbody tr', (rows) => rows.map((r) => r.dataset.verdict));
  assert.deepEqual(verdicts, ['verified', 'revoked', 'not-found', 'malformed', 'not-reviewed']);
  assert.equal(await sideways(page), 0, 'the batch page scrolls sideways at 390 px');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the directory search finds institutions by a Chinese query, at phone and desktop width', async () => {
  for (const [width, name] of VIEWPORTS) {
    const { page, problems, until } = await newPage(width);
    await page.goto(`${ctx.site.url}directory/index.html`);
    await page.type('#q', '鼓风机');
    await page.click('#search-form button');
    try {
      await until(() => ['done', 'error'].includes(document.getElementById('search-results').dataset.state));
    } finally {
      await page.screenshot({ path: join(SHOTS, `directory-${name}.png`), fullPage: true });
    }
    assert.equal(await page.$eval('#search-results', (r) => r.dataset.state), 'done');
    const found = await page.$$eval('#search-results a', (links) => links.map((a) => a.textContent));
    assert.ok(found.some((t) => t.includes('沈阳鼓风机集团股份有限公司')), found.join(', '));
    assert.equal(await sideways(page), 0, `the directory page scrolls sideways at ${width} px`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the home page runs without errors, and its form leads to the verify page', async () => {
  const { page, problems } = await newPage(390);
  await page.goto(`${ctx.site.url}index.html`, { waitUntil: 'networkidle0' });
  await page.screenshot({ path: join(SHOTS, 'home-phone.png'), fullPage: true });
  assert.equal(await sideways(page), 0, 'the home page scrolls sideways at 390 px');
  assert.deepEqual(problems, []);
  await page.type('#code', ` ${CERT.code.toLowerCase()} `);
  await Promise.all([page.waitForNavigation(), page.click('form.lookup button')]);
  // (puppeteer 2's page.url() leaves the fragment out; the verify page itself is tested above)
  const url = await page.evaluate(() => window.location.href);
  assert.ok(url.endsWith(`verify/index.html#${CERT.code}`), url);
  await page.close();
});

test('in Chromium 80, a fallback that failed to download is fetched again on the next lookup', async () => {
  // Chromium 80 keeps a failed import() for the page's life: the page asks
  // again under another URL. The first request for ed25519.js fails. A
  // browser of its own, in several processes (one process shares its memory
  // cache with the other tests' pages), and a fresh profile.
  const browser = await launchChromium80({ singleProcess: false });
  try {
    const context = await browser.createIncognitoBrowserContext();
    const page = await context.newPage();
    const fetched = [];
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (!new URL(req.url()).pathname.endsWith('/ed25519.js')) return req.continue();
      fetched.push(req.url());
      return fetched.length === 1 ? req.respond({ status: 404, body: '' }) : req.continue();
    });
    const verdict = () => page.evaluate(() => document.getElementById('verdict').dataset.verdict);
    await page.goto(`${ctx.site.url}verify/#${CERT.code}`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', { timeout: 30000 });
    assert.equal(await verdict(), 'load-error', fetched.join(' '));
    await page.click('#lookup button[type=submit]');
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', { timeout: 30000 });
    assert.equal(fetched.length, 2, fetched.join(' '));
    assert.match(fetched[1], /ed25519\.js\?again=1$/);
  } finally {
    await browser.close();
  }
});
