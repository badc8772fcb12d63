// The README's screenshots: the verify page of a genuine demo certificate,
// verified, at phone width (390 px) and desktop width (1280 px), in headless
// Chromium, written to docs/images/. Not a test (node --test does not pick
// it up); run it after a debug build, then look at the two files:
//
//   npm ci && cargo build && node tests/browser/readme_screenshots.mjs
//
// It writes a screenshot only if the page says 证书有效 with a clean console,
// and fails otherwise.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoStatements, launchBrowser, serveSite, watchConsole } from './site.mjs';

const OUT = process.env.SCREENSHOT_DIR ?? 'docs/images';
// A certificate of 沈阳鼓风机集团股份有限公司, as the browser tests use.
const CERT = demoStatements('certificates').find((c) => c.code.startsWith('Y000021013002'));

const SHOTS = [
  { file: 'verify-phone.png', viewport: { width: 390, height: 780 }, deviceScaleFactor: 2 },
  { file: 'verify-desktop.png', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
];

const site = await serveSite('data');
const browser = await launchBrowser();
try {
  mkdirSync(OUT, { recursive: true });
  for (const { file, viewport, deviceScaleFactor } of SHOTS) {
    const page = await browser.newPage({ viewport, deviceScaleFactor, locale: 'zh-CN' });
    const problems = watchConsole(page);
    await page.goto(`${site.url}verify/#${CERT.code}`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
    const verdict = await page.locator('#verdict').getAttribute('data-verdict');
    const text = await page.locator('#verdict').innerText();
    if (verdict !== 'verified' || !text.includes('证书有效')) throw new Error(`${file}: verdict ${verdict}: ${text}`);
    if (problems.length > 0) throw new Error(`${file}: ${problems.join('\n')}`);
    // The focus ring the page puts on the verdict is for keyboards, not for a picture.
    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({ path: join(OUT, file) });
    console.log(`${join(OUT, file)}: ${CERT.code} ${verdict}`);
    await page.close();
  }
} finally {
  await browser.close();
  site.close();
}
