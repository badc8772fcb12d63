// The downloads as a visitor meets them on the demo site, through
// `certsite serve`: every link of the directory's index, a city's page and
// the statistics page, in Chinese and English, fetches its file (200, the
// type of its extension, a BOM before the CSV, a zip's signature before the
// workbook, as many bytes as the link says), and a click saves it under the
// name the link gives, dated by the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIME, useDemoSite, watchConsole } from './site.mjs';

const demo = useDemoSite();

/** Pages with downloads, inside a language's folder, and how many links each has. */
const PAGES = [
  ['directory/index.html', 2],
  ['directory/city-01.html', 2],
  ['stats/index.html', 6],
];

for (const lang of ['zh', 'en']) {
  test(`every download link fetches its file (${lang === 'zh' ? 'Chinese' : 'English'} pages)`, async () => {
    const page = await demo.browser.newPage();
    const problems = watchConsole(page);
    for (const [path, count] of PAGES) {
      await page.goto(`${demo.site.url}${lang === 'en' ? 'en/' : ''}${path}`);
      const links = await page.$$eval('.downloads a', (as) => as.map((a) => ({ href: a.href, name: a.getAttribute('download'), text: a.textContent, lang: a.getAttribute('hreflang') })));
      assert.equal(links.length, count, path);
      for (const link of links) {
        const ext = link.href.slice(link.href.lastIndexOf('.'));
        assert.ok(['.xlsx', '.csv'].includes(ext), link.href);
        assert.match(link.name, new RegExp(`-\\d{4}-\\d{2}-\\d{2}\\${ext}$`), link.name);
        const got = await page.evaluate(async (href) => {
          const r = await fetch(href);
          const bytes = new Uint8Array(await r.arrayBuffer());
          return { status: r.status, type: r.headers.get('content-type'), head: [...bytes.slice(0, 4)], size: bytes.length };
        }, link.href);
        assert.equal(got.status, 200, link.href);
        assert.equal(got.type, MIME[ext], link.href);
        assert.deepEqual(got.head.slice(0, ext === '.csv' ? 3 : 4), ext === '.csv' ? [0xef, 0xbb, 0xbf] : [0x50, 0x4b, 0x03, 0x04], link.href);
        assert.ok(link.text.includes(`${Math.ceil(got.size / 1024)} KB`), `${link.text}: ${got.size} bytes`);
        // The directory's files are the notice's Chinese form: the English pages say so.
        const chineseFile = link.href.includes('/directory/');
        assert.equal(link.lang, lang === 'en' && chineseFile ? 'zh-CN' : null, link.href);
        if (!chineseFile) assert.equal(link.href.includes('/en/stats/'), lang === 'en', link.href);
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a click saves the city\'s workbook under the name the link gives', async () => {
  const page = await demo.browser.newPage({ acceptDownloads: true });
  await page.goto(`${demo.site.url}directory/city-01.html`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.downloads a[href$=".xlsx"]')]);
  assert.match(download.suggestedFilename(), /^职业技能等级认定企业目录-沈阳市-\d{4}-\d{2}-\d{2}\.xlsx$/);
  assert.equal(await download.failure(), null);
  await page.close();
});
