// The verify page in headless Chromium, driven like a person: QR URLs for
// real demo codes, a tampered shard, an altered institution statement,
// holder checks, the console kept clean. Screenshots go to $SCREENSHOT_DIR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTED, copyWithTamperedShard, demoStatements, deploymentWith, holderOf, serveDir, serveSite, tempDir, useDemoSite, watchConsole } from './site.mjs';

const statements = (file) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).statement);

const SHOTS = process.env.SCREENSHOT_DIR ?? join(tempDir(), 'screenshots');
mkdirSync(SHOTS, { recursive: true });

// A certificate of 沈阳鼓风机 signed with its second key, and its holder.
const CERT = statements('data/certificates/Y000021013002-2.jsonl')[0];
const REVOKED = demoStatements('revocations')[0];
const HOLDER = holderOf(CERT.code);
// The cities' reviews: every certificate is reviewed but 大连市's newest.
const REVIEWS = demoStatements('reviews');
const REVIEW = REVIEWS.find((r) => r.code === CERT.code);
const reviewed = new Set(REVIEWS.map((r) => r.code));
const WAITING = demoStatements('certificates').find((c) => !reviewed.has(c.code));
/** 2024-06-20 as the page writes it: 2024年6月20日. */
const chineseDate = (d) => d.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日');

const demo = useDemoSite();

async function open(url, { viewport } = {}) {
  const page = await demo.browser.newPage(viewport ? { viewport } : {});
  const problems = watchConsole(page);
  await page.goto(url);
  const verdict = page.locator('#verdict');
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
  return { page, problems, verdict: await verdict.getAttribute('data-verdict') };
}

test('a real demo code from a QR URL is verified, with the fields of 附件6 and its city\'s review', async () => {
  const { page, problems, verdict } = await open(`${demo.site.url}verify/#${CERT.code}`);
  assert.equal(verdict, 'verified');
  assert.equal(await page.locator('#verdict').getAttribute('data-review'), 'reviewed');
  const said = await page.locator('#verdict').innerText();
  assert.ok(said.includes(`于${chineseDate(REVIEW.reviewed_on)}经沈阳市公共就业服务机构主管部门审核通过`), said);
  assert.ok(said.includes(chineseDate(REVIEW.signed_on)), said);
  const text = await page.locator('#certificate').innerText();
  for (const expected of [CERT.code, CERT.occupation, CERT.issued_on, '沈阳鼓风机集团股份有限公司', CERT.id_masked]) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
  assert.ok(!text.includes(HOLDER.name), 'the name stays hidden until matched');
  // Once per page, in the footer: computed by the page from the key it verifies with.
  assert.match(await page.locator('#root-fingerprint').innerText(), /812b e93e 463f 95be/);
  assert.equal(await page.getByText('812b e93e 463f 95be', { exact: false }).count(), 1);
  // Announced once: focus moves to the verdict, which is not also a live region.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'verdict');
  assert.equal(await page.evaluate(() => document.getElementById('verdict').closest('[aria-live], [role="status"], [role="alert"]')), null);
  await page.screenshot({ path: join(SHOTS, 'verify-verified-desktop.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the holder check: name and ID number match, and a wrong one does not', async () => {
  const { page, problems } = await open(`${demo.site.url}verify/#${CERT.code}`);
  await page.fill('#holder-name', HOLDER.name);
  await page.fill('#holder-id', HOLDER.id.toLowerCase());
  await page.click('#holder-check');
  await page.waitForFunction(() => document.getElementById('holder-id-result').dataset.match, null, { timeout: 30000 });
  await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match, null, { timeout: 30000 });
  assert.equal(await page.locator('#holder-name-result').getAttribute('data-match'), 'match');
  assert.equal(await page.locator('#holder-id-result').getAttribute('data-match'), 'match');
  assert.ok((await page.locator('#certificate').innerText()).includes(HOLDER.name), 'on a match the typed name is shown');
  await page.fill('#holder-name', `${HOLDER.name}甲`);
  await page.fill('#holder-id', '');
  await page.click('#holder-check');
  await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match === 'mismatch', null, { timeout: 30000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a QR URL carrying the name shows it matched in one scan, on a phone', async () => {
  const url = `${demo.site.url}verify/#${CERT.code}&name=${encodeURIComponent(HOLDER.name)}`;
  const { page, problems } = await open(url, { viewport: { width: 390, height: 844 } });
  await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match, null, { timeout: 30000 });
  assert.equal(await page.locator('#holder-name-result').getAttribute('data-match'), 'match');
  assert.ok((await page.locator('#certificate').innerText()).includes(HOLDER.name));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page is ${width}px wide`);
  await page.screenshot({ path: join(SHOTS, 'verify-verified-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a revoked certificate is revoked, with date and reason', async () => {
  const { page, problems, verdict } = await open(`${demo.site.url}verify/#${REVOKED.code}`);
  assert.equal(verdict, 'revoked');
  const text = await page.locator('#verdict').innerText();
  assert.ok(text.includes(REVOKED.revoked_on) && text.includes(REVOKED.reason), text);
  await page.screenshot({ path: join(SHOTS, 'verify-revoked-desktop.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a certificate its city has not reviewed yet is never shown as valid', async () => {
  assert.equal(WAITING.code.slice(7, 9), '02', 'the demo leaves 大连市\'s newest unreviewed');
  for (const [width, name] of [[390, 'phone'], [1280, 'desktop']]) {
    const { page, problems, verdict } = await open(`${demo.site.url}verify/#${WAITING.code}`, { viewport: { width, height: 900 } });
    assert.equal(verdict, 'not-reviewed');
    assert.equal(await page.locator('#verdict').getAttribute('data-rule'), null);
    const text = await page.locator('#verdict').innerText();
    assert.ok(text.includes('该证书尚未经所在市公共就业服务机构主管部门审核'), text);
    assert.ok(text.includes(`评价机构${WAITING.institution}的签名有效`), text);
    assert.ok(!text.includes('证书有效'), text);
    assert.ok(!(await page.locator('#certificate').isVisible()), 'no record shown as if valid');
    await page.screenshot({ path: join(SHOTS, `verify-not-reviewed-${name}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('an unknown code is not found, and explained', async () => {
  const code = 'Y000021013002245999999';
  const { page, problems, verdict } = await open(`${demo.site.url}verify/#${code}`);
  assert.equal(verdict, 'not-found');
  const text = await page.locator('#verdict').innerText();
  assert.ok(text.includes('沈阳鼓风机集团股份有限公司'), text);
  assert.ok(text.includes('2024 年发证') && text.includes('五级/初级工'), text);
  assert.match(text, /最新发证日期为 \d{4}-\d{2}-\d{2}/);
  await page.screenshot({ path: join(SHOTS, 'verify-not-found-desktop.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a malformed code gets the precise message without waiting for any data', async () => {
  const page = await demo.browser.newPage(ROUTED);
  const problems = watchConsole(page);
  // The data never arrives: the verdict must not need it.
  await page.route(/\/(c|i|snap)\/|snapshot\.jsonl$/, () => {});
  await page.goto(`${demo.site.url}verify/#Y000021013002247000001`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.reason === 'malformed');
  assert.match(await page.locator('#verdict').innerText(), /第16位（等级代码）为 7，应为 1-5/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a code issued before the site\'s earliest year (certsite.toml) is named without any data, in both languages', async () => {
  const page = await demo.browser.newPage(ROUTED);
  const problems = watchConsole(page);
  await page.route(/\/(c|i|snap)\/|snapshot\.jsonl$/, () => {});
  await page.goto(`${demo.site.url}verify/#Y000021013002193000001`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.reason === 'malformed');
  assert.match(await page.locator('#verdict').innerText(), /第14-15位（核发年份）为 19，应为 20 及以后（本站收录 2020 年起核发的证书）/);
  await page.goto(`${demo.site.url}en/verify/#Y000021013002193000001`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.reason === 'malformed');
  assert.match(await page.locator('#verdict').innerText(), /19.*20 or later \(this site publishes certificates issued from 2020\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the verdict never depends on the device clock; a clock behind the data is said', async () => {
  for (const [device, note] of [['2020-01-01', true], ['2031-06-01', false]]) {
    const page = await demo.browser.newPage();
    const problems = watchConsole(page);
    await page.clock.setFixedTime(new Date(`${device}T12:00:00+08:00`));
    await page.goto(`${demo.site.url}verify/#${CERT.code}`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
    assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'verified', device);
    const said = await page.locator('#verdict').innerText();
    assert.equal(said.includes(`您设备上的日期（${device}）早于本站的数据日期`), note, said);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('one changed character in a shard is an invalid signature; an altered issuer is not verified', async () => {
  const dir = copyWithTamperedShard(demo.site.out, CERT);
  const inst = join(dir, 'i', 'Y000021013003.jsonl');
  writeFileSync(inst, readFileSync(inst, 'utf8').replace('北方重工集团有限公司', '北方重工集团股份公司'));
  const other = statements('data/certificates/Y000021013003.jsonl')[0];
  const tampered = await serveDir(dir);
  try {
    const a = await open(`${tampered.url}verify/#${CERT.code}`);
    assert.equal(a.verdict, 'invalid-signature');
    await a.page.screenshot({ path: join(SHOTS, 'verify-invalid-desktop.png'), fullPage: true });
    assert.deepEqual(a.problems, []);
    const b = await open(`${tampered.url}verify/#${other.code}`);
    assert.notEqual(b.verdict, 'verified');
    assert.equal(b.verdict, 'invalid-signature');
    assert.deepEqual(b.problems, []);
  } finally {
    tampered.close();
  }
});

test('the home form leads to the verify page with the code in the fragment', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}index.html`);
  await page.fill('#code', ` ${CERT.code.toLowerCase()} `);
  await page.click('form.lookup button');
  await page.waitForURL(/verify\/index\.html#/);
  assert.ok(page.url().endsWith(`#${CERT.code}`), page.url());
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a changed root key raises a loud warning; the verdict appears right after the shard', async () => {
  const page = await demo.browser.newPage();
  const problems = watchConsole(page);
  await page.goto(`${demo.site.url}index.html`);
  await page.waitForLoadState('networkidle');
  // This browser "saw" another root key before.
  await page.evaluate(() => localStorage.setItem('certsite.root', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
  await page.goto(`${demo.site.url}verify/#${CERT.code}`);
  await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict === 'verified', null, { timeout: 30000 });
  const alarm = page.locator('#root-warning');
  assert.equal(await alarm.isVisible(), true);
  assert.match(await alarm.innerText(), /根密钥与您上次在此浏览器中看到的不同/);
  const gap = await page.evaluate(() => {
    const shard = performance.getEntriesByType('resource').find((e) => e.name.includes('/c/'));
    const mark = performance.getEntriesByName('certsite:verdict')[0];
    return mark.startTime - shard.responseEnd;
  });
  console.log(`verdict shown ${gap.toFixed(1)} ms after the shard arrived`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the printable verification result follows 附件6, shows the matched name and prints on one A4 landscape page', async () => {
  const url = `${demo.site.url}verify/#${CERT.code}&name=${encodeURIComponent(HOLDER.name)}`;
  const { page, problems } = await open(url);
  await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match === 'match', null, { timeout: 30000 });
  // Labelled as what it is: a result that can be printed, not the holder's 电子证书.
  assert.equal(await page.locator('#ecert-toggle').innerText(), '查验结果（可打印）');
  await page.click('#ecert-toggle');
  const ecert = page.locator('#ecert');
  assert.equal(await ecert.isVisible(), true);
  assert.equal(await ecert.getAttribute('aria-label'), '查验结果（可打印）');
  const text = await ecert.innerText();
  for (const expected of ['职业技能等级证书', '查验结果（可打印）', '不是证书本身', HOLDER.name, CERT.code, CERT.id_masked, '沈阳鼓风机集团股份有限公司']) {
    assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
  assert.ok(!text.includes('电子证书'), text);
  assert.ok(!text.includes(HOLDER.id), 'the full ID number is never shown');
  // The root key's short fingerprint, as the printed certificate has it under its QR code.
  const footer = await page.locator('#root-fingerprint').innerText();
  assert.equal(await page.locator('#ecert .ecert-fingerprint').innerText(), `根密钥指纹\n${footer.slice(0, 19)}`);
  await ecert.screenshot({ path: join(SHOTS, 'verify-ecert.png') });
  await page.emulateMedia({ media: 'print' });
  const pdf = Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  assert.equal((pdf.match(/\/Type\s*\/Page\b/g) ?? []).length, 1, 'one page');
  assert.match(pdf, /\/MediaBox \[0 0 841\.91998 594\.95996\]/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a directory update (re-approval) leaves older certificates verified, judged by the entry of their day', async () => {
  const lines = readFileSync(join(demo.site.out, 'i/Y000421081022.jsonl'), 'utf8').trim().split('\n');
  const types = lines.map((l) => JSON.parse(l).statement.type);
  assert.deepEqual(types, ['institution', 'institution', 'city'], 'both statements of the re-approved institution are published, then its city\'s');
  const [old] = statements('data/certificates/Y000421081022.jsonl');
  const { page, problems, verdict } = await open(`${demo.site.url}verify/#${old.code}`);
  assert.equal(verdict, 'verified');
  const text = await page.locator('#certificate').innerText();
  // The filing period in force on the issue date, not the re-approval's.
  assert.ok(!text.includes('2026-11-15'), text);
  assert.match(text, /2020-\d\d-\d\d .* 2023-\d\d-\d\d/);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Certificates the demo has none of: each method of the notice, an older word, none, a 首席技师. */
const ROWS = [
  ['Y000021013999244000001', '赵一', '考核测评', ''],
  ['Y000021013999244000002', '钱二', '综合评审', ''],
  ['Y000021013999244000003', '孙三', '过程考核', ''],
  ['Y000021013999244000004', '李四', '竞赛选拔', ''],
  ['Y000021013999244000005', '周五', '考核评价', ''],
  ['Y000021013999244000006', '吴六', '', ''],
  ['Y000021013999241000001', '郑七', '综合评审', '首席技师'],
];

test('the result\'s sentence names only a method of the notice that the record signs, and a level title stands apart, in both languages', async () => {
  const site = await serveSite(deploymentWith(ROWS));
  try {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchConsole(page);
    const english = {
      考核测评: 'By examination and assessment, ',
      综合评审: 'By comprehensive review, ',
      过程考核: 'By on-the-job assessment, ',
      竞赛选拔: 'By selection through skills competition, ',
    };
    for (const [code, name, method, title] of ROWS) {
      const level = title ? '一级/高级技师' : '四级/中级工';
      const named = ['考核测评', '综合评审', '过程考核', '竞赛选拔'].includes(method);
      for (const lang of ['zh', 'en']) {
        await page.goto(`${site.url}${lang === 'en' ? 'en/' : ''}verify/#${code}&name=${encodeURIComponent(name)}`);
        await page.waitForFunction(() => document.getElementById('holder-name-result').dataset.match === 'match', null, { timeout: 30000 });
        await page.click('#ecert-toggle');
        const body = await page.locator('#ecert .ecert-body').innerText();
        if (lang === 'zh') {
          const opening = named ? `经${method}，` : '经本单位职业技能等级认定，';
          assert.equal(body, `${opening}${name}同志的职业技能达到焊工职业${level}水平，特发此证。`, code);
        } else {
          const opening = named ? english[method] : "By this institution's vocational skill level recognition, ";
          const levelEn = title ? 'Level 1 / Senior technician' : 'Level 4 / Intermediate worker';
          assert.equal(body, `${opening}${name} has reached the vocational skills of ${levelEn} in the occupation 焊工; this certificate is awarded.`, code);
          assert.equal(await page.locator('#ecert-toggle').innerText(), 'Verification result (printable)');
        }
        assert.ok(!body.includes('考核评价'), body);
        // The title, if any, in a row of its own after the level, in the result and in the facts above it.
        for (const list of ['#ecert .ecert-info', '#certificate dl']) {
          const terms = await page.locator(`${list} dt`).allInnerTexts();
          const values = await page.locator(`${list} dd`).allInnerTexts();
          const at = terms.indexOf(lang === 'zh' ? '等级称号' : 'Level title');
          if (title) {
            assert.equal(values[at], title, `${code} ${list}`);
            assert.ok(!values[at - 1].includes(title), `${code}: ${values[at - 1]}`);
          } else {
            assert.equal(at, -1, `${code} ${list}`);
          }
        }
        if (code === ROWS[6][0]) await page.locator('#ecert').screenshot({ path: join(SHOTS, `verify-result-title-${lang}.png`) });
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    site.close();
  }
});
