// Every page type, in every state with results, at phone width (390 px)
// and desktop width (1280 px), in Chinese and English, in headless
// Chromium: nothing scrolls sideways at 390 px except a focusable region
// that says so, axe-core finds no violation, and a screenshot of each goes
// to $SCREENSHOT_DIR for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { demoStatements, tempDir, useDemoSite, watchConsole } from './site.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tempDir(), 'screenshots');
mkdirSync(SHOTS, { recursive: true });

const CERT = demoStatements('certificates').find((c) => c.code.startsWith('Y000021013002'));
const REVOKED = demoStatements('revocations')[0];
const FILING = CERT.code.slice(0, 13);
const demo = useDemoSite();

const settled = (page) => page.waitForFunction(() => !['pending', undefined].includes(document.getElementById('verdict')?.dataset.verdict), null, { timeout: 30000 });

/** Page states: name, path inside the language's folder, what to do once there. */
const STATES = [
  ['home', 'index.html'],
  ['verify-verified', `verify/#${CERT.code}`, settled],
  ['verify-certificate', `verify/#${CERT.code}`, async (page) => {
    await settled(page);
    await page.click('#ecert-toggle');
  }],
  ['verify-revoked', `verify/#${REVOKED.code}`, settled],
  ['verify-not-found', `verify/#${FILING}244999999`, settled],
  ['verify-malformed', 'verify/#Y00002101300224300000X', settled],
  ['batch-done', 'batch/index.html', async (page) => {
    await page.fill('#batch-input', `${CERT.code} 某某某\n${REVOKED.code}\nhello world\n${FILING}244999999`);
    await page.click('#batch-run');
    await page.waitForFunction(() => document.getElementById('batch-status').dataset.done, null, { timeout: 30000 });
  }],
  ['directory-search', `directory/index.html?q=${encodeURIComponent('沈阳')}`, (page) => page.waitForFunction(() => document.getElementById('search-results').dataset.state === 'done')],
  ['city', 'directory/city-01.html'],
  ['institution', `directory/${FILING}.html`],
  ['stats', 'stats/index.html'],
  ['trust', 'trust/index.html'],
  ['notice', 'notice/index.html'],
];

async function check(lang, width) {
  const page = await demo.browser.newPage({ viewport: { width, height: 844 } });
  const problems = watchConsole(page);
  const states = lang === 'zh' ? [...STATES, ['not-found-page', 'no/such/page.html']] : STATES;
  for (const [name, path, ready] of states) {
    await page.goto(`${demo.site.url}${lang === 'en' ? 'en/' : ''}${path}`);
    await page.waitForLoadState('load');
    if (ready) await ready(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
    if (width <= 400) {
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sideways <= 0, `${name} (${lang}) scrolls sideways by ${sideways} px at ${width} px`);
    }
    // The root key's fingerprint appears once on every page (and its start
    // once more in the printable verification result, as on the printed certificate).
    const fingerprints = await page.evaluate(() => {
      const count = (el) => (el?.innerText ?? '').split('812b e93e 463f 95be').length - 1;
      const result = document.getElementById('ecert');
      return count(document.body) - (result && !result.hidden ? count(result) : 0);
    });
    assert.equal(fingerprints, 1, `${name} (${lang}): the root fingerprint ${fingerprints} times`);
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
    assert.deepEqual(violations, [], `${name} (${lang}, ${width} px)`);
  }
  assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
  await page.close();
}

for (const lang of ['zh', 'en']) {
  for (const width of [390, 1280]) {
    test(`every page at ${width} px in ${lang === 'zh' ? 'Chinese' : 'English'}: no sideways scrolling, no axe violation`, () => check(lang, width));
  }
}
