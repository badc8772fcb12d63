// The demo site in a Chromium whose WebCrypto has no Ed25519 (stubbed out
// before any page script, as in Chromium before 137, Safari before 17 and
// Firefox before 129): the page fetches its pure-JavaScript verifier
// (ed25519.js) once and reaches the verdict WebCrypto reaches, for a
// genuine certificate, a tampered one and a batch. And where something is
// missing: no fallback to be had, a module the engine cannot run, no
// localStorage, no service worker. tests/browser/verdicts.test.mjs runs the
// whole corpus on both verifiers; tests/browser/old_engine.test.mjs runs a
// real Chromium 80, and old_engine_verdicts.test.mjs the corpus in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROUTED, demoStatements, useDemoSite, watchConsole, watchFallback, withoutWebCryptoEd25519 } from './site.mjs';

const zh = JSON.parse((await import('node:fs')).readFileSync(new URL('../../site-templates/i18n/zh.json', import.meta.url)));
const REVIEWED = new Set(demoStatements('reviews').map((r) => r.code));
const CERTS = demoStatements('certificates').filter((c) => REVIEWED.has(c.code));
const CERT = CERTS[0];
const demo = useDemoSite();

/**
 * Opens `path` in a fresh context: `fallback` stubs WebCrypto's Ed25519
 * out, `init` runs before the page's scripts, `route` alters what the host serves.
 */
async function open(path, { fallback = false, init, route } = {}) {
  const context = await demo.browser.newContext(ROUTED);
  if (fallback) await withoutWebCryptoEd25519(context);
  if (init) await context.addInitScript(init);
  if (route) await route(context);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const loads = watchFallback(page);
  await page.goto(`${demo.site.url}${path}`);
  return { page, problems, loads, context };
}

/** The verdict of the verify page once it has one. */
async function verdictOf(page) {
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
  const box = page.locator('#verdict');
  const read = (name) => box.getAttribute(name);
  return { verdict: await read('data-verdict'), rule: await read('data-rule'), reason: await read('data-reason'), review: await read('data-review'), title: await box.locator('h2').innerText() };
}

/** The certificate's line in its shard with one field of its statement changed. */
const tamper = (context) =>
  context.route(/\/c\/[0-9a-f]+\.jsonl$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text())
      .split('\n')
      .map((l) => (l.includes(`"code":"${CERT.code}"`) && l.includes('"type":"certificate"') ? l.replace(`"level":${CERT.level}`, `"level":${CERT.level === 1 ? 2 : CERT.level - 1}`) : l))
      .join('\n');
    await route.fulfill({ response, body });
  });

test('without WebCrypto Ed25519, a genuine certificate verifies with the fallback, fetched once', async () => {
  const { page, problems, loads, context } = await open(`verify/#${CERT.code}`, { fallback: true });
  const shown = await verdictOf(page);
  assert.equal(shown.verdict, 'verified');
  assert.equal(shown.review, 'reviewed');
  assert.equal(shown.title, zh.script.verdicts.verified[0]);
  assert.equal(loads.length, 1, loads.join(' '));
  assert.match(loads[0], /\/assets\/js-[^/]+\/zh\/ed25519\.js$/);
  // Another code on the same page: the verifier is not fetched again.
  await page.evaluate((code) => (window.location.hash = code), CERTS[1].code);
  await page.waitForFunction((code) => document.getElementById('code').value === code && document.getElementById('verdict').dataset.verdict === 'verified', CERTS[1].code, { timeout: 30000 });
  assert.equal(loads.length, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('with WebCrypto Ed25519 the fallback is never fetched', async () => {
  const { page, problems, loads, context } = await open(`verify/#${CERT.code}`);
  assert.equal((await verdictOf(page)).verdict, 'verified');
  assert.deepEqual(loads, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a tampered certificate is refused with the same verdict and rule on both verifiers', async () => {
  const shown = [];
  for (const fallback of [false, true]) {
    const { page, loads, context } = await open(`verify/#${CERT.code}`, { fallback, route: tamper });
    shown.push(await verdictOf(page));
    assert.equal(loads.length, fallback ? 1 : 0);
    await context.close();
  }
  assert.equal(shown[0].verdict, 'invalid-signature');
  assert.ok(shown[0].rule, JSON.stringify(shown[0]));
  assert.deepEqual(shown[1], shown[0]);
});

test('the batch page verifies with the fallback', async () => {
  const { page, problems, loads, context } = await open('batch/index.html', { fallback: true });
  const codes = CERTS.slice(0, 20).map((c) => c.code);
  await page.fill('#batch-input', codes.join('\n'));
  await page.click('#batch-run');
  await page.waitForFunction((n) => document.getElementById('batch-status').dataset.done === String(n), codes.length, { timeout: 60000 });
  const verdicts = await page.locator('#batch-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
  assert.deepEqual(verdicts, codes.map(() => 'verified'));
  assert.equal(loads.length, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without WebCrypto Ed25519, a fallback that does not load is a load error, tried again on the next lookup', async () => {
  let served = false;
  const flaky = (context) => context.route(/\/ed25519\.js$/, (route) => (served ? route.continue() : route.fulfill({ status: 404, body: '' })));
  const { page, loads, context } = await open(`verify/#${CERT.code}`, { fallback: true, route: flaky });
  const shown = await verdictOf(page);
  assert.equal(shown.verdict, 'load-error');
  assert.equal(shown.title, zh.script.verdicts['load-error'][0]);
  assert.equal(await page.locator('#certificate').isVisible(), false);
  // The network is back: the next lookup fetches the verifier and verifies.
  served = true;
  await page.click('#lookup button[type=submit]');
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  assert.ok(loads.length >= 2, loads.join(' '));
  await context.close();
});

test('a fallback that fails its known answers is never used: the page says it cannot verify', async () => {
  // As an engine whose BigInt arithmetic or SHA-512 were wrong would: here
  // SHA-512 answers zeros (the fallback's only use of it), after the page
  // has hashed what it needs with SHA-256.
  const wrongSha512 = () => {
    const digest = SubtleCrypto.prototype.digest;
    SubtleCrypto.prototype.digest = function (algorithm, data) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
      return name.toUpperCase() === 'SHA-512' ? Promise.resolve(new ArrayBuffer(64)) : digest.call(this, algorithm, data);
    };
  };
  const { page, loads, context } = await open(`verify/#${CERT.code}`, { fallback: true, init: wrongSha512 });
  const shown = await verdictOf(page);
  assert.equal(shown.verdict, 'unsupported');
  assert.equal(shown.title, zh.script.verdicts.unsupported[0]);
  assert.match(await page.locator('#verdict').innerText(), /Chrome 80、Safari 14（iOS 14）、Firefox 78/);
  assert.equal(await page.locator('#certificate').isVisible(), false);
  assert.equal(loads.length, 1);
  await context.close();
});

test('a page whose module the engine cannot run says so instead of waiting', async () => {
  // What an engine older than ES2020 does with the page's script: a syntax error.
  const unparsable = (context) =>
    context.route(/\/(verify|batch)-page\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: 'const x = a ?. ;\n' }));
  const verify = await open(`verify/#${CERT.code}`, { route: unparsable });
  const shown = await verdictOf(verify.page);
  assert.equal(shown.verdict, 'unsupported');
  assert.equal(shown.title, zh.page.client_failed_title);
  assert.match(await verify.page.locator('#verdict').innerText(), /验证程序没有在此浏览器中运行/);
  await verify.context.close();
  const batch = await open('batch/index.html', { route: unparsable });
  await batch.page.waitForFunction(() => document.getElementById('batch-status').textContent !== '');
  assert.equal(await batch.page.locator('#batch-status').innerText(), zh.page.client_failed);
  await batch.context.close();
});

test('a page whose module runs is never told it did not', async () => {
  const { page, context } = await open('verify/');
  await page.waitForLoadState('load');
  await page.waitForTimeout(200);
  assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'pending');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.client), 'running');
  await context.close();
});

test('without localStorage the page verifies and says once that it cannot remember', async () => {
  const noStorage = () => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  };
  const { page, problems, context } = await open(`verify/#${CERT.code}`, { init: noStorage });
  assert.equal((await verdictOf(page)).verdict, 'verified');
  const notes = page.locator('#memory-note:visible');
  assert.equal(await notes.count(), 1);
  assert.equal(await notes.innerText(), zh.page.no_memory);
  // A second code: still said once.
  await page.evaluate((code) => (window.location.hash = code), CERTS[1].code);
  await page.waitForFunction((code) => document.getElementById('code').value === code && document.getElementById('verdict').dataset.verdict === 'verified', CERTS[1].code, { timeout: 30000 });
  assert.equal(await page.locator('#memory-note:visible').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
  // Where storage works, nothing is said.
  const usual = await open(`verify/#${CERT.code}`);
  await verdictOf(usual.page);
  assert.equal(await usual.page.locator('#memory-note').isVisible(), false);
  await usual.context.close();
});

test('without service workers or WebCrypto Ed25519, everything but offline works', async () => {
  const noWorkers = () => {
    delete Navigator.prototype.serviceWorker;
  };
  const { page, problems, loads, context } = await open(`verify/#${CERT.code}`, { fallback: true, init: noWorkers });
  assert.equal(await page.evaluate(() => 'serviceWorker' in navigator), false);
  assert.equal((await verdictOf(page)).verdict, 'verified');
  assert.equal(loads.length, 1);
  await page.waitForLoadState('load');
  assert.deepEqual(problems, []);
  await context.close();
});

test('opened over plain http (an insecure context, no WebCrypto), the page says why it cannot verify', async () => {
  const insecure = () => {
    Object.defineProperty(window, 'isSecureContext', { value: false });
    Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });
  };
  const { page, problems, context } = await open(`verify/#${CERT.code}`, { init: insecure });
  const shown = await verdictOf(page);
  assert.equal(shown.verdict, 'unsupported');
  assert.equal(shown.reason, 'insecure');
  assert.match(await page.locator('#verdict').innerText(), /请用 https:\/\/ 开头的网址打开本页/);
  assert.deepEqual(problems, []);
  await context.close();
});
