// The site behind a real Nginx, configured by site-templates/deploy/nginx/certsite.conf as
// shipped, only its CHANGE lines substituted (a free port on 127.0.0.1, a
// self-signed certificate, a freshly built demo site): `nginx -t` accepts it
// without a warning; every rule of the build's _headers holds, the types are
// certsite serve's, text is compressed, assets are cached for good and
// everything else revalidated, a missing path gets the 404 page; and
// Chromium verifies a certificate through it, its service worker installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer } from 'node:net';
import { extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MIME, buildSite, launchBrowser, tempDir, watchConsole } from './site.mjs';

const CONF = 'site-templates/deploy/nginx/certsite.conf';
// A certificate of 沈阳鼓风机, signed with its second key.
const CERT = JSON.parse(readFileSync('data/certificates/Y000021013002-2.jsonl', 'utf8').split('\n')[0]).statement;

const nginx = {};

/** A port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `text` with each `[from, to]` replaced, each `from` found exactly once. */
function substitute(text, pairs) {
  for (const [from, to] of pairs) {
    assert.equal(text.split(from).length, 2, `${CONF}: "${from}" once`);
    text = text.replace(from, to);
  }
  return text;
}

/** Nginx's main configuration for the test: everything in `dir`, the server block included. */
function mainConf(dir) {
  // Workers run as the user who started Nginx; as root they would be
  // `nobody`, who cannot read a private temporary folder.
  const user = process.getuid() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t};\n`).join('');
  return `${user}worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\nevents {\n    worker_connections 64;\n}\n`
    + `http {\n    access_log off;\n${temp}    include ${dir}/certsite.conf;\n}\n`;
}

/** Resolves once something accepts connections on `port`; rejects if `child` exits first. */
async function listening(port, child, stderr) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr.join('')}`);
    const up = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.end(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${stderr.join('')}`);
}

before(async () => {
  const version = spawnSync('nginx', ['-v']);
  if (version.error) throw new Error('nginx is not installed: tests/run installs it with apt-get');
  const dir = tempDir();
  nginx.dir = dir;
  nginx.site = buildSite('data', join(dir, 'public'));
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  assert.equal(openssl.status, 0, openssl.stderr);
  nginx.ca = readFileSync(join(dir, 'cert.pem'));
  nginx.port = await freePort();
  writeFileSync(join(dir, 'certsite.conf'), substitute(readFileSync(CONF, 'utf8'), [
    ['listen 443 ssl http2;', `listen 127.0.0.1:${nginx.port} ssl http2;`],
    ['listen [::]:443 ssl http2;', ''],
    ['/etc/ssl/certs/certs.example.gov.cn.pem', join(dir, 'cert.pem')],
    ['/etc/ssl/private/certs.example.gov.cn.key', join(dir, 'key.pem')],
    ['root /srv/certsite/public;', `root ${nginx.site};`],
  ]));
  writeFileSync(join(dir, 'nginx.conf'), mainConf(dir));
  const args = ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf')];
  nginx.check = spawnSync('nginx', [...args, '-t'], { encoding: 'utf8' });
  if (nginx.check.status !== 0) throw new Error(`nginx -t: ${nginx.check.stderr}`);
  const stderr = [];
  nginx.child = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  nginx.child.stderr.on('data', (d) => stderr.push(d));
  nginx.exited = new Promise((resolve) => nginx.child.on('exit', resolve));
  await listening(nginx.port, nginx.child, stderr);
  nginx.url = `https://127.0.0.1:${nginx.port}/`;
});

after(async () => {
  if (nginx.child && nginx.child.exitCode === null) {
    nginx.child.kill('SIGTERM');
    await nginx.exited;
  }
  if (nginx.dir) rmSync(nginx.dir, { recursive: true, force: true });
});

/** A GET through Nginx: status, headers and the body as sent (not decompressed). */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: nginx.port, path: `/${path}`, ca: nginx.ca, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every file of the built site, as site paths, sorted. */
function siteFiles() {
  return readdirSync(nginx.site, { recursive: true })
    .filter((p) => statSync(join(nginx.site, p)).isFile())
    .sort();
}

/** About `n` of `paths`, spread evenly, the first and last included. */
function spread(paths, n = 12) {
  const step = Math.max(1, Math.ceil(paths.length / n));
  return [...new Set([...paths.filter((_, i) => i % step === 0), paths.at(-1)])];
}

/** The rules of the build's _headers: `{ path, headers }`, header names in lower case. */
function headerRules() {
  const rules = [];
  for (const line of readFileSync(join(nginx.site, '_headers'), 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      rules.push({ path: line, headers: {} });
    } else {
      const at = line.indexOf(': ');
      rules.at(-1).headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 2);
    }
  }
  return rules;
}

test('nginx -t accepts the configuration, without a warning', () => {
  assert.equal(nginx.check.status, 0);
  assert.match(nginx.check.stderr, /test is successful/);
  assert.doesNotMatch(nginx.check.stderr, /\[(warn|emerg|alert|crit|error)\]/);
});

test('every rule of _headers holds: security headers, cached assets, revalidated build files, typed shards', async () => {
  const files = siteFiles();
  const rules = headerRules();
  assert.ok(rules.length >= 6, 'the build writes its rules');
  // A `*` matches any run of characters, slashes included, wherever it is.
  const pattern = (path) => new RegExp(`^${path.split('*').map((s) => s.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*')}$`);
  const matches = (rule, p) => pattern(rule.path).test(`/${p}`);
  // Files named by a rule, and a spread of those under each prefix; each
  // gets the headers of every rule that matches it, as with _headers.
  const samples = new Set(rules.flatMap((r) => (r.path.includes('*') ? spread(files.filter((f) => matches(r, f))) : [r.path.slice(1)])));
  for (const rule of rules) assert.ok([...samples].some((p) => matches(rule, p)), `${rule.path} matches files of the site`);
  for (const p of samples) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    for (const rule of rules.filter((r) => matches(r, p))) {
      for (const [name, value] of Object.entries(rule.headers)) assert.equal(res.headers[name], value, `${p}: ${name}`);
    }
  }
  // The security headers on errors too: the 404 page is a page.
  const missing = await get('no/such/page.html');
  for (const [name, value] of Object.entries(rules.find((r) => r.path === '/*').headers)) assert.equal(missing.headers[name], value, `404: ${name}`);
});

test('each kind of file has the type certsite serve gives it', async () => {
  const byExtension = new Map();
  for (const f of siteFiles()) if (!byExtension.has(extname(f)) && f !== '_headers') byExtension.set(extname(f), f);
  assert.deepEqual([...byExtension.keys()].sort(), ['', '.css', '.csv', '.html', '.js', '.json', '.jsonl', '.svg', '.txt', '.xlsx', '.xml']);
  for (const [ext, f] of byExtension) {
    const res = await get(f);
    assert.equal(res.headers['content-type'], MIME[ext] ?? 'application/octet-stream', f);
  }
  assert.equal((await get('log/checkpoint')).headers['content-type'], 'application/octet-stream');
  assert.equal((await get('i/Y000021013002.jsonl')).headers['content-type'], MIME['.jsonl']);
});

test('text is gzip-compressed when the browser accepts it, and the tiles are not', async () => {
  const files = siteFiles();
  const text = ['.html', '.css', '.js', '.json', '.jsonl', '.svg', '.xml', '.txt', '.csv'].map((ext) => files.find((f) => f.endsWith(ext)));
  for (const f of [...text, 'snapshot.jsonl', 'verify/index.html']) {
    const bytes = readFileSync(join(nginx.site, f));
    const zipped = await get(f, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip', f);
    assert.match(zipped.headers.vary, /Accept-Encoding/, f);
    assert.ok(gunzipSync(zipped.body).equals(bytes), f);
    const plain = await get(f);
    assert.equal(plain.headers['content-encoding'], undefined, f);
    assert.ok(plain.body.equals(bytes), f);
  }
  const tile = files.find((f) => f.startsWith('snap/c/'));
  assert.equal((await get(tile, { 'Accept-Encoding': 'gzip' })).headers['content-encoding'], undefined, tile);
});

test('hashed assets are kept for a year; the pages, snapshot, checkpoint, manifest, service worker and data are revalidated', async () => {
  const files = siteFiles();
  for (const f of files.filter((f) => f.startsWith('assets/'))) {
    assert.equal((await get(f)).headers['cache-control'], 'public, max-age=31536000, immutable', f);
  }
  const others = ['snapshot.jsonl', 'log/checkpoint', 'manifest.json', 'sw.js', 'index.html', '', 'verify/', 'en/verify/index.html', '404.html'];
  for (const f of [...others, ...spread(files.filter((f) => !f.startsWith('assets/')))]) {
    assert.equal((await get(f)).headers['cache-control'], 'no-cache', f || '/');
  }
  // Revalidating costs a 304, not the file.
  for (const f of ['snapshot.jsonl', 'log/checkpoint', 'sw.js']) {
    const first = await get(f);
    const again = await get(f, { 'If-None-Match': first.headers.etag });
    assert.equal(again.status, 304, f);
    assert.equal(again.body.length, 0, f);
  }
});

test('a missing path at any depth gets the 404 page with status 404; a folder redirects to its slash', async () => {
  const page = readFileSync(join(nginx.site, '404.html'));
  for (const p of ['no/such/deep/page.html', 'c/zzz.jsonl', 'assets/site.0000000000.css']) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.equal(res.headers['content-type'], MIME['.html'], p);
    assert.equal(res.headers['cache-control'], 'no-cache', p);
    assert.ok(res.body.equals(page), p);
  }
  const folder = await get('verify');
  assert.equal(folder.status, 301);
  assert.equal(folder.headers.location, '/verify/');
});

test('Chromium verifies a demo certificate through Nginx, and its service worker installs', async () => {
  // Chromium trusts the test's certificate by its key, as it would a real one.
  const spki = new X509Certificate(nginx.ca).publicKey.export({ type: 'spki', format: 'der' });
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`]);
  try {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${nginx.url}verify/#${CERT.code}`);
    await page.waitForFunction(() => document.getElementById('verdict').dataset.verdict !== 'pending', null, { timeout: 30000 });
    assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'verified');
    assert.ok((await page.locator('#certificate').innerText()).includes(CERT.code));
    // The worker installs only if every shell file matches the hash the
    // build wrote into sw.js, as served (and decompressed) through Nginx.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
