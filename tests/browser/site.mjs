// Helpers for the browser tests: build and serve a site with the certsite
// binary, and launch Debian's headless Chromium through playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { after, before } from 'node:test';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const BIN = process.env.CERTSITE_BIN ?? 'target/debug/certsite';
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Temporary folders of this test file, removed when it ends. */
const made = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'certsite-'));
  made.push(dir);
  return dir;
}

/** Builds `data` into `out`; throws with the output when the build fails. */
export function buildSite(data, out) {
  const r = spawnSync(BIN, ['build', '--data', data, '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  return out;
}

/**
 * Builds and serves `data` on 127.0.0.1 with `certsite serve --port 0`.
 * @returns {Promise<{url: string, out: string, close: () => void}>}
 */
export async function serveSite(data = 'data') {
  const out = join(tempDir(), 'public');
  const child = spawn(BIN, ['serve', '--quiet', '--data', data, '--out', out, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`certsite serve exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('http://')) resolve(line.trim());
    });
  });
  return { url, out, close: () => child.kill() };
}

/**
 * Options for a page or context whose requests a test routes: requests the
 * service worker makes are not routed, so it is blocked there.
 */
export const ROUTED = Object.freeze({ serviceWorkers: 'block' });

/** Launches headless Chromium with the flags this machine needs, and `args`. */
export async function launchBrowser(args = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/**
 * Makes the browser of `context` one whose WebCrypto has no Ed25519, as
 * Chromium before 137 (and Safari before 17, Firefox before 129): importing,
 * generating or using an Ed25519 key fails with NotSupportedError, before
 * any page script runs. SHA-256/512 and PBKDF2 stay.
 */
export async function withoutWebCryptoEd25519(context) {
  await context.addInitScript(() => {
    const named = (a) => (typeof a === 'string' ? a : a?.name)?.toLowerCase() === 'ed25519';
    const proto = SubtleCrypto.prototype;
    for (const method of ['importKey', 'generateKey', 'verify', 'sign', 'exportKey']) {
      const real = proto[method];
      proto[method] = function (...args) {
        if (args.some(named)) return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
        return real.apply(this, args);
      };
    }
  });
}

/**
 * A copy of the built site `out` in a fresh folder, with one character of
 * `cert`'s issue date changed in its shard; returns the folder.
 */
export function copyWithTamperedShard(out, cert) {
  const dir = join(tempDir(), 'site');
  cpSync(out, dir, { recursive: true });
  const shards = join(dir, 'c');
  const shard = readdirSync(shards).map((f) => join(shards, f)).find((f) => readFileSync(f, 'utf8').includes(cert.code));
  const text = readFileSync(shard, 'utf8');
  const at = text.indexOf(`"issued_on":"${cert.issued_on}"`) + 15;
  writeFileSync(shard, text.slice(0, at) + (text[at] === '1' ? '2' : '1') + text.slice(at + 1));
  return dir;
}

/**
 * A page in a fresh context of `browser` (service workers blocked) that
 * verifies Ed25519 by `mode`: 'webcrypto', or 'fallback' with WebCrypto's
 * stubbed out; `loads` are its requests for ed25519.js.
 */
export async function pageVerifyingBy(browser, mode) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  if (mode === 'fallback') await withoutWebCryptoEd25519(context);
  const page = await context.newPage();
  return { context, page, loads: watchFallback(page) };
}

/** The requests `page` makes for the Ed25519 fallback (ed25519.js). */
export function watchFallback(page) {
  const loads = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.endsWith('/ed25519.js')) loads.push(req.url());
  });
  return loads;
}

/** Records console errors and warnings, page errors and failed requests. */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => {
    // ROUTED pages: the harness's own notice, not the page's.
    if (msg.text() === 'Service Worker registration blocked by Playwright') return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // A request cut short by the page navigating away is not a failure.
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${req.url()}`);
  });
  return problems;
}

/** The types `certsite serve` sends, by extension (anything else is application/octet-stream). */
export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Serves a folder as it is (for sites the tests alter after the build).
 * @returns {Promise<{url: string, close: () => void}>}
 */
export async function serveDir(dir) {
  const http = await import('node:http');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) file = path.join(dir, '404.html');
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const found = fs.existsSync(file);
    if (!found) file = path.join(dir, '404.html');
    res.writeHead(found ? 200 : 404, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/**
 * Serves the demo site and launches the browser for a test file.
 * @returns {{site: {url: string, out: string, close: () => void}, browser: any}}
 */
export function useDemoSite() {
  const demo = {};
  before(async () => {
    demo.site = await serveSite('data');
    demo.browser = await launchBrowser();
  });
  after(async () => {
    await demo.browser?.close();
    demo.site?.close();
  });
  return demo;
}

/** The statements of every dataset in `data/<folder>/`. */
export function demoStatements(folder) {
  return readdirSync(join('data', folder)).flatMap((f) =>
    readFileSync(join('data', folder, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).statement),
  );
}

/** A certificate's holder from the issuers' rosters (UTF-8 with BOM or GBK, as the demo writes them). */
export function holderOf(code) {
  const dir = 'data/demo-rosters/certificates';
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f));
    const text = new TextDecoder(bytes[0] === 0xef ? 'utf-8' : 'gbk').decode(bytes);
    for (const line of text.split(/\r?\n/)) {
      const cols = line.split(',');
      if (cols[1] === code) return { name: cols[2], id: cols[5] };
    }
  }
  throw new Error(`no roster row for ${code}`);
}

/**
 * A new deployment (`certsite init`) with one enterprise, 示例企业有限公司
 * (Y000021013999, 沈阳), whose certificates are `rows` (code, name,
 * 评价方式, 等级称号; empty when none), all signed with low iterations and
 * reviewed by its city: a data folder to serve, for certificates the demo
 * has none of (no method, a method of any wording).
 * @param {Array<[string, string, string, string]>} rows
 * @returns {string} the data folder
 */
export function deploymentWith(rows) {
  const dir = tempDir();
  const data = join(dir, 'site');
  const run = (...args) => {
    const r = spawnSync(BIN, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`certsite ${args[0]} failed: ${r.stdout}${r.stderr}`);
  };
  run('init', data, '--title', 't', '--authority', '辽宁省人力资源和社会保障厅', '--base-url', 'https://certs.example.gov.cn/');
  const config = join(data, 'certsite.toml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('\nmin_iterations = 1000000\n', '\nmin_iterations = 1000\n'));
  run('keygen', '--out', join(data, 'keys/Y000021013999'), '--label', '示例企业有限公司');
  run('keygen', '--out', join(data, 'keys/city-01'), '--label', '沈阳市公共就业服务机构主管部门');
  const input = join(data, 'in');
  mkdirSync(input);
  const csv = (name, lines) => writeFileSync(join(input, name), `\ufeff${lines.join('\n')}\n`);
  csv('directory.csv', [
    '序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥',
    '1,示例企业有限公司,沈阳市示例路1号,示例联系人,024-00000000,Y000021013999,焊工,——,6-18-02-04,五级-一级,2024-01-05,2027-01-04,../keys/Y000021013999.pub',
  ]);
  csv('cities.csv', ['市代码,审核机构名称,签名公钥,有效期自,有效期至,审核要求起始日', '01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2024-01-05,,']);
  csv('roster.csv', [
    '序号,证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期,评价机构,评价方式,等级称号',
    ...rows.map(([code, name, method, title], i) =>
      `${i + 1},${code},${name},居民身份证,11010519491231002X,焊工,——,6-18-02-04,${code[15]},2024-06-01,示例企业有限公司,${method},${title}`),
  ]);
  csv('decisions.csv', ['证书编号,审核结果,审核日期,原因', ...rows.map(([code]) => `${code},通过,2024-05-20,`)]);
  const sign = (key, file, out) =>
    run('sign', '--key', join(data, key), '--input', join(input, file), '--out', join(data, out), '--data', data, '--iterations', '1000', '--insecure-low-iterations');
  sign('keys/root.key', 'directory.csv', 'directory/directory.jsonl');
  sign('keys/root.key', 'cities.csv', 'cities/cities.jsonl');
  sign('keys/Y000021013999.key', 'roster.csv', 'certificates/Y000021013999.jsonl');
  run('review', '--key', join(data, 'keys/city-01.key'), '--input', join(data, 'certificates/Y000021013999.jsonl'),
    '--decisions', join(input, 'decisions.csv'), '--data', data, '--out', join(data, 'reviews/01.jsonl'));
  return data;
}
