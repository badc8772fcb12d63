// Helpers for the browser tests: build and serve a site with the certsite
// binary, and launch Debian's headless Chromium through playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { after, before } from 'node:test';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
