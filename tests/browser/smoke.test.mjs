// The built demo site, opened from a local static server in headless
// Chromium like a person would: every page loads and the console stays clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir, useDemoSite, watchConsole } from './site.mjs';

const demo = useDemoSite();

const PAGES = [
  ['index.html', '辽宁省职业技能等级证书查询'],
  ['directory/index.html', '职业技能等级认定企业目录'],
  ['directory/Y000021013002.html', '沈阳鼓风机集团股份有限公司'],
  ['stats/index.html', '职业技能等级认定结果统计'],
  ['trust/index.html', '信任与密钥'],
  ['notice/index.html', '关于在全省企业开展职业技能等级认定工作的通知'],
  ['verify/index.html', '证书查验'],
];

for (const [path, heading] of PAGES) {
  test(`${path} loads with a clean console`, async () => {
    const page = await demo.browser.newPage();
    const problems = watchConsole(page);
    const response = await page.goto(demo.site.url + path);
    assert.equal(response.status(), 200);
    assert.match(await page.locator('h1').first().innerText(), new RegExp(heading));
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a missing page at any depth gets the 404 page, styled, with working links', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  const response = await page.goto(demo.site.url + 'no/such/deep/page.html');
  assert.equal(response.status(), 404);
  assert.match(await page.locator('h1').innerText(), /找不到页面/);
  // The stylesheet loaded under the CSP, from this host (the demo's
  // base_url names another one).
  const header = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(13, 59, 102)');
  await page.click('nav a[href$="verify/index.html"]');
  await page.waitForURL(`${demo.site.url}verify/index.html`);
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await page.close();
});

test('the stylesheet applies under the strict CSP on a phone-sized screen', async () => {
  const page = await demo.browser.newPage({ viewport: { width: 390, height: 844 } });
  const problems = watchConsole(page);
  await page.goto(demo.site.url + 'stats/index.html');
  const header = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(13, 59, 102)');
  // Wide tables scroll inside their wrapper instead of widening the page.
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 390, `page is ${pageWidth}px wide`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the static pages also work from file:// (relative links, no server)', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`file://${demo.site.out}/index.html`);
  await page.getByRole('link', { name: '机构目录', exact: true }).first().click();
  await page.waitForURL(/directory\/index\.html$/);
  await page.getByRole('link', { name: /^沈阳市/ }).click();
  await page.waitForURL(/directory\/city-01\.html$/);
  await page.getByRole('link', { name: '沈阳鼓风机集团股份有限公司' }).click();
  await page.waitForURL(/directory\/Y000021013002\.html$/);
  const header = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(13, 59, 102)', 'the stylesheet loads from file://');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a directory search for 鼓风机 lists 沈阳鼓风机集团股份有限公司, filters narrow it', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}index.html`);
  await page.fill('#q', '鼓风机');
  await page.click('form.search button');
  await page.waitForURL(/directory\/index\.html\?q=/);
  await page.waitForFunction(() => document.getElementById('search-results').dataset.state === 'done');
  const link = page.locator('#search-results a', { hasText: '沈阳鼓风机集团股份有限公司' });
  assert.equal(await link.count(), 1);
  // By occupation, and by filing-number prefix; the city filter removes Shenyang.
  await page.fill('#q', '船体制造');
  await page.click('#search-form button');
  await page.waitForFunction(() => document.getElementById('search-results').textContent.includes('大连船舶重工集团有限公司'));
  await page.fill('#q', 'Y0000210130');
  await page.click('#search-form button');
  await page.waitForFunction(() => document.getElementById('search-results').textContent.includes('北方重工集团有限公司'));
  await page.selectOption('#city', '2');
  await page.waitForFunction(() => !document.getElementById('search-results').textContent.includes('北方重工集团有限公司'));
  await link.count();
  assert.deepEqual(problems, []);
  await page.screenshot({ path: join(process.env.SCREENSHOT_DIR ?? tempDir(), 'directory-search.png'), fullPage: false });
  await link.count();
  await page.close();
});
