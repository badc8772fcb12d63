// Real builds on a real host: the demo data built twice (before and after a
// root revocation) and once more on a fork, served by a static host that
// can switch between them or alter a file. In headless Chromium: the
// unaltered site verifies; a stripped revocation line, a shard from the
// previous build and an older institution file are caught (数据被改动); a
// site rolled back after a visit to the newer one, and a forked site, warn
// (log-inconsistent); a first-time visitor of the older site cannot tell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { BIN, buildSite, launchBrowser, tempDir, watchConsole } from './site.mjs';

const work = tempDir();
const sites = {};
let server;
let url;
let browser;
/** What the host serves: a site folder, and per-path replacements. */
const host = { site: null, replace: new Map() };

const certs = readdirSync('data/certificates').flatMap((f) =>
  readFileSync(join('data/certificates', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).statement),
);
const revoked = new Set(
  readdirSync('data/revocations').flatMap((f) =>
    readFileSync(join('data/revocations', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).statement.code),
  ),
);
const TARGET = certs.find((c) => c.code.startsWith('Y000021013002') && !revoked.has(c.code)).code;
const LAPSED = 'Y000421081022';
const LAPSED_CODE = certs.find((c) => c.code.startsWith(LAPSED)).code;

function revoke(data, reason) {
  const csv = join(work, `${reason}.csv`);
  writeFileSync(csv, `证书编号,撤销日期,撤销原因\n${TARGET},2026-11-15,${reason}\n`);
  const r = spawnSync(BIN, ['sign', '--key', join(data, 'demo-keys/root.key'), '--input', csv, '--out', join(data, 'revocations/bench.jsonl')], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.jsonl': 'application/jsonl; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml' };

before(async () => {
  const data = join(work, 'data');
  cpSync('data', data, { recursive: true });
  sites.v1 = buildSite(data, join(work, 'v1'));
  const fork = join(work, 'fork-data');
  cpSync(data, fork, { recursive: true });
  revoke(data, '信息有误，撤销');
  sites.v2 = buildSite(data, join(work, 'v2'));
  revoke(fork, '另一段历史');
  sites.fork = buildSite(fork, join(work, 'fork'));
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1) || 'index.html';
    const file = path.endsWith('/') ? `${path}index.html` : path;
    let body = host.replace.get(file);
    try {
      body ??= readFileSync(join(host.site, file));
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function look(page, code) {
  // A fresh page load each time, as a later visit is.
  await page.goto('about:blank');
  await page.goto(`${url}verify/#${code}`);
  await page.waitForFunction(() => !['pending', undefined].includes(document.getElementById('verdict').dataset.verdict), null, { timeout: 30000 });
  // A first sight of the log is remembered after the verdict, once its tiles back it.
  await page.waitForFunction(() => window.localStorage.getItem('certsite.log:certsite.example/log') !== null, null, { timeout: 10000 });
  const box = page.locator('#verdict');
  return { verdict: await box.getAttribute('data-verdict'), reason: await box.getAttribute('data-reason'), text: await box.innerText() };
}

function serve(site, replace = {}) {
  host.site = sites[site];
  host.replace = new Map(Object.entries(replace));
}

/** The shard file of a code in a built site, and its text. */
function shardOf(site, code) {
  for (const f of readdirSync(join(sites[site], 'c'))) {
    const text = readFileSync(join(sites[site], 'c', f), 'utf8');
    if (text.includes(`"code":"${code}"`)) return { path: `c/${f}`, text };
  }
  throw new Error(code);
}

test('the newer site shows the revocation; a stripped line or an older shard is caught', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  serve('v2');
  let r = await look(page, TARGET);
  assert.equal(r.verdict, 'revoked');
  assert.match(r.text, /数据截至 2026-11-15/);
  const shard = shardOf('v2', TARGET);
  const stripped = shard.text.split('\n').filter((l) => !l.includes('"revoked_on"')).join('\n');
  serve('v2', { [shard.path]: stripped });
  r = await look(page, TARGET);
  assert.deepEqual([r.verdict, r.reason], ['invalid-signature', 'data-altered']);
  assert.match(r.text, /数据被改动/);
  serve('v2', { [shard.path]: readFileSync(join(sites.v1, shard.path)) });
  r = await look(page, TARGET);
  assert.deepEqual([r.verdict, r.reason], ['invalid-signature', 'data-altered']);
  assert.equal(await page.locator('#certificate').isVisible(), false);
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await context.close();
});

test('an older institution file is caught', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const file = `i/${LAPSED}.jsonl`;
  const older = readFileSync(join(sites.v2, file), 'utf8').trim().split('\n')[0];
  serve('v2');
  assert.equal((await look(page, LAPSED_CODE)).verdict, 'verified');
  serve('v2', { [file]: `${older}\n` });
  const r = await look(page, LAPSED_CODE);
  assert.deepEqual([r.verdict, r.reason], ['invalid-signature', 'data-altered']);
  await context.close();
});

test('a site rolled back after a visit to the newer one warns; a first-time visitor cannot tell', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  serve('v2');
  assert.equal((await look(page, TARGET)).verdict, 'revoked');
  serve('v1');
  const r = await look(page, TARGET);
  assert.deepEqual([r.verdict, r.reason], ['log-inconsistent', 'log-rollback']);
  assert.match(r.text, /站点数据与您此前看到的不一致/);
  assert.equal(await page.locator('#certificate').isVisible(), false);
  // Every lookup warns, not only the revoked one.
  assert.equal((await look(page, LAPSED_CODE)).verdict, 'log-inconsistent');
  await context.close();
  const fresh = await browser.newContext();
  const first = await fresh.newPage();
  assert.equal((await look(first, TARGET)).verdict, 'verified');
  await fresh.close();
});

test('a forked site warns; the same site grown later does not', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  serve('v2');
  assert.equal((await look(page, TARGET)).verdict, 'revoked');
  // Another history of the same length: the same revocation, another reason.
  serve('fork');
  const r = await look(page, TARGET);
  assert.deepEqual([r.verdict, r.reason], ['log-inconsistent', 'log-fork']);
  await context.close();
  const honest = await browser.newContext();
  const next = await honest.newPage();
  serve('v1');
  assert.equal((await look(next, TARGET)).verdict, 'verified');
  serve('v2');
  assert.equal((await look(next, TARGET)).verdict, 'revoked');
  const seen = JSON.parse(await next.evaluate(() => window.localStorage.getItem('certsite.log:certsite.example/log')));
  const checkpoint = readFileSync(join(sites.v2, 'log/checkpoint'), 'utf8').split('\n');
  assert.deepEqual([seen.size, seen.root], [Number(checkpoint[1]), checkpoint[2]]);
  await honest.close();
});
