// The verdict corpus (tests/vectors/verdicts.json) in the page itself: for
// every case, headless Chromium opens verify/#CODE on the built demo site
// while the host serves the case's issuer statements and shard (and the
// case's root key is the one pinned in the page), on the case's date. The
// page must show the verdict and rule the corpus states, as Rust decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useDemoSite, watchConsole } from './site.mjs';

const corpus = JSON.parse(readFileSync(new URL('../vectors/verdicts.json', import.meta.url)));
const VERDICTS = ['verified', 'invalid-signature', 'unknown-issuer', 'key-not-valid', 'revoked', 'not-found', 'unsupported', 'load-error'];
const demo = useDemoSite();

async function judgeInPage(c) {
  const context = await demo.browser.newContext();
  await context.clock.setFixedTime(new Date(`${c.today}T12:00:00+08:00`));
  await context.route(/\/verify\/(index\.html)?$/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/data-root-key="[^"]*"/, `data-root-key="${corpus.root_public_key}"`);
    await route.fulfill({ response, body });
  });
  await context.route(/\/c\/[0-9a-f]+\.jsonl$/, (route) =>
    route.fulfill({ body: `${c.shard.join('\n')}\n`, contentType: 'application/jsonl; charset=utf-8' }),
  );
  await context.route(/\/i\/[^/]+\.jsonl$/, (route) =>
    c.directory.length
      ? route.fulfill({ body: `${c.directory.join('\n')}\n`, contentType: 'application/jsonl; charset=utf-8' })
      : route.fulfill({ status: 404, body: '' }),
  );
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}verify/#${c.code}`);
  await page.waitForFunction((vs) => vs.includes(document.getElementById('verdict').dataset.verdict), VERDICTS, { timeout: 30000 });
  const box = page.locator('#verdict');
  const out = { verdict: await box.getAttribute('data-verdict'), rule: await box.getAttribute('data-rule'), page, problems, context };
  return out;
}

for (const c of corpus.cases) {
  test(`in Chromium: ${c.name}`, async () => {
    const r = await judgeInPage(c);
    assert.equal(r.verdict, c.page.verdict);
    assert.equal(r.rule, c.page.rule);
    // A signed record that breaks a rule is called invalid, not altered.
    if ((await r.page.locator('#verdict').getAttribute('data-reason')) === 'record-invalid') {
      assert.match(await r.page.locator('#verdict h2').innerText(), /证书记录无效/);
    }
    // Nothing of a record is shown beside a verdict that is not a valid one.
    const shown = await r.page.locator('#certificate').isVisible();
    assert.equal(shown, ['verified', 'revoked'].includes(c.page.verdict));
    // 404s of the case's own host are expected; nothing else may go wrong.
    assert.deepEqual(r.problems.filter((p) => !p.includes('404')), []);
    await r.context.close();
  });
}
