// The verdict corpus (tests/vectors/verdicts.json) in the page itself: for
// every case, headless Chromium opens verify/#CODE on the built demo site
// while the host serves exactly the case's files (issuer statements, shard,
// snapshot, tiles, log), the case's root key is the one pinned in the page,
// and the clock is the case's date. The page must show the verdict and rule
// the corpus states, as Rust decided, and say where the record stands with
// its city's review. Every case runs twice: with WebCrypto's Ed25519, and
// in a browser without it (stubbed out), where the page loads its pure
// JavaScript verifier (ed25519.js) and must reach the same verdict and rule.
// The snapshot cases are the host's and
// mirror's attacks: stripped or edited lines, older files, forged
// snapshots, and, after a remembered visit, a rolled-back or forked log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTED, useDemoSite, watchConsole, watchFallback, withoutWebCryptoEd25519 } from './site.mjs';
import { answer, checkSaid, corpus, DATA, hostOf, pinCase, seenEntry, VERDICTS, VERIFY_PAGE } from './corpus_host.mjs';

const zh = JSON.parse(readFileSync(new URL('../../site-templates/i18n/zh.json', import.meta.url))).script;
const demo = useDemoSite();

/** The two ways the page verifies Ed25519. */
const BACKENDS = ['webcrypto', 'fallback'];

async function judgeInPage(c, backend) {
  const files = hostOf(c);
  const context = await demo.browser.newContext(ROUTED);
  if (backend === 'fallback') await withoutWebCryptoEd25519(context);
  await context.clock.setFixedTime(new Date(`${c.today}T12:00:00+08:00`));
  const seen = seenEntry(c);
  if (seen) await context.addInitScript(([key, value]) => window.localStorage.setItem(key, value), seen);
  await context.route(VERIFY_PAGE, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: pinCase(await response.text(), c) });
  });
  await context.route(
    (url) => DATA.test(url.pathname.slice(1)),
    (route) => route.fulfill(answer(files, new URL(route.request().url()).pathname.slice(1))),
  );
  const page = await context.newPage();
  const problems = watchConsole(page);
  const fallbackLoads = watchFallback(page);
  await page.goto(`${demo.site.url}verify/#${c.code}`);
  await page.waitForFunction((vs) => vs.includes(document.getElementById('verdict').dataset.verdict), VERDICTS, { timeout: 30000 });
  const box = page.locator('#verdict');
  const read = async (name) => box.getAttribute(name);
  return { verdict: await read('data-verdict'), rule: await read('data-rule'), reason: await read('data-reason'), review: await read('data-review'), page, problems, context, fallbackLoads };
}

async function checkCommon(c, r) {
  // Nothing of a record is shown beside a verdict that is not a valid one.
  const shown = await r.page.locator('#certificate').isVisible();
  assert.equal(shown, ['verified', 'revoked'].includes(c.page.verdict));
  // 404s of the case's own host are expected; nothing else may go wrong.
  assert.deepEqual(r.problems.filter((p) => !p.includes('404')), []);
  // The fallback is fetched only where WebCrypto cannot verify, and once.
  assert.equal(r.fallbackLoads.length, r.backend === 'fallback' ? 1 : 0, r.fallbackLoads.join(' '));
}

/**
 * What the page says of the city's review: a verified record names its
 * reviewer and dates, or that it was issued before reviews were required; a
 * record not reviewed is never called valid, and says why a review was refused.
 */
async function checkReview(c, r) {
  const title = await r.page.locator('#verdict h2').innerText();
  const text = await r.page.locator('#verdict').innerText();
  if (c.page.verdict === 'verified') {
    assert.match(title, /证书有效/);
    if (r.review === 'reviewed') assert.match(text, /于\d{4}年\d{1,2}月\d{1,2}日经沈阳市公共就业服务机构主管部门审核通过，\d{4}年\d{1,2}月\d{1,2}日上传。/);
    else assert.match(text, /审核要求实施（\d{4}年\d{1,2}月\d{1,2}日）之前，因此没有审核记录/);
  }
  if (c.page.verdict === 'not-reviewed') {
    assert.equal(title, zh.verdicts['not-reviewed'][0]);
    assert.ok(text.includes(zh.verdicts['not-reviewed'][1]), text);
    assert.doesNotMatch(text, /证书有效|伪造/);
    if (c.page.rule) assert.ok(text.includes(zh.reviewRefused[c.page.rule] ?? zh.reviewRefused.default), text);
  }
}

/** A screenshot of each state of the review, for people to look at ($SCREENSHOT_DIR). */
const SHOTS = {
  'reviewed by its city before issue, uploaded after': 'verify-reviewed',
  "issued before the city's cut-over: published without a review": 'verify-before-cut-over',
  'issued, not yet reviewed': 'verify-not-reviewed',
  "reviewed by another city's key": 'verify-review-refused',
};

for (const c of corpus.cases) {
  for (const backend of BACKENDS) test(`in Chromium (${backend}): ${c.name}`, async () => {
    const r = { ...(await judgeInPage(c, backend)), backend };
    checkSaid(c, r);
    await checkReview(c, r);
    if (SHOTS[c.name] && backend === 'webcrypto' && process.env.SCREENSHOT_DIR) {
      await r.page.screenshot({ path: join(process.env.SCREENSHOT_DIR, `${SHOTS[c.name]}.png`), fullPage: true });
    }
    // A signed record that breaks a rule is called invalid, not altered.
    if (r.reason === 'record-invalid') {
      assert.match(await r.page.locator('#verdict h2').innerText(), /证书记录无效/);
    }
    // The data date of the signed snapshot is beside every verdict.
    assert.match(await r.page.locator('#verdict').innerText(), new RegExp(`数据截至 ${c.today}`));
    await checkCommon(c, r);
    await r.context.close();
  });
}

const TITLES = {
  'data-altered': /数据被改动/,
  'snapshot-invalid': /数据被改动/,
  'log-rollback': /站点数据与您此前看到的不一致/,
  'log-fork': /站点数据与您此前看到的不一致/,
  missing: /无法加载本站数据/,
};

for (const c of corpus.snapshot_cases) {
  for (const backend of BACKENDS) test(`in Chromium (${backend}), snapshot: ${c.name}`, async () => {
    const r = { ...(await judgeInPage(c, backend)), backend };
    checkSaid(c, r);
    if (c.page.reason) {
      assert.match(await r.page.locator('#verdict h2').innerText(), TITLES[c.page.reason]);
    }
    await checkCommon(c, r);
    // An inconsistent log is never remembered as the newest one seen.
    const seen = await r.page.evaluate(() => window.localStorage.getItem('certsite.log:certsite.example/log'));
    if (c.page.verdict === 'log-inconsistent') assert.deepEqual(JSON.parse(seen), c.seen);
    await r.context.close();
  });
}
