// What one lookup fetches: requests and bytes (gzip -9, as a host
// compressing its files sends them), measured on a built site with the
// shipped lookup code, then simulated at 10,000,000 certificates from the
// same site's records and the tree parameters the builder would choose.
//
// Usage: node tests/benches/lookup_budget.mjs [SITE] [CERTIFICATES] [INSTITUTIONS]
//   SITE defaults to a fresh build of data/ (target/debug/certsite).
import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCode } from '../../site-templates/js/code.js';
import { fromBase64 } from '../../site-templates/js/crypto.js';
import { Site, readHints } from '../../site-templates/js/lookup.js';

const [siteArg, certArg, instArg] = process.argv.slice(2);
const certificates = Number(certArg ?? 10_000_000);
const institutions = Number(instArg ?? 5_000);
let site = siteArg;
if (!site) {
  site = join(mkdtempSync(join(tmpdir(), 'certsite-budget-')), 'public');
  const r = spawnSync(process.env.CERTSITE_BIN ?? 'target/debug/certsite', ['build', '--out', site], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const page = readFileSync(join(site, 'verify/index.html'), 'utf8');
const unescape = (t) =>
  t.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const attr = (name) =>
  unescape(page.match(new RegExp(`data-${name}='([^']*)'`))?.[1] ?? page.match(new RegExp(`data-${name}="([^"]*)"`))[1]);
const rootKey = fromBase64(attr('root-key'));
const hints = readHints(attr('snapshot'));
const policy = { minIterations: 1, accessControlled: { codes: [], names: [] } };

/** A Site reading `site` from disk, counting requests and gzip bytes. */
function counted() {
  const seen = [];
  const fetch = async (url) => {
    const path = url.slice('https://site/'.length);
    let bytes;
    try {
      bytes = readFileSync(join(site, path));
    } catch {
      seen.push({ path, gzip: 0 });
      return new Response('', { status: 404 });
    }
    seen.push({ path, gzip: gz(bytes) });
    return new Response(bytes);
  };
  return { s: new Site({ base: 'https://site/', rootKey, hints, policy, fetch }), seen };
}

const codes = readdirSync(join(site, 'c'))
  .flatMap((f) => readFileSync(join(site, 'c', f), 'utf8').split('\n'))
  .filter((l) => l.includes('"type":"certificate"'))
  .map((l) => JSON.parse(l).statement.code);
const sample = codes.filter((_, i) => i % Math.ceil(codes.length / 200) === 0);
const cold = [];
const warm = [];
const confirm = [];
// On a first visit the page fetches the log's right-edge tiles after the
// verdict, to remember the log only if they back it: counted apart.
const ofLog = (f) => f.path.startsWith('log/');
const sum = (fs) => ({ requests: fs.length, gzip: fs.reduce((n, f) => n + f.gzip, 0) });
for (const [i, code] of sample.entries()) {
  const { s, seen } = counted();
  const r = await s.lookup(parseCode(code));
  if (!['verified', 'revoked', 'key-not-valid', 'not-reviewed'].includes(r.verdict)) throw new Error(`${code}: ${r.verdict}`);
  await s.remembered;
  cold.push(sum(seen.filter((f) => !ofLog(f))));
  confirm.push(sum(seen.filter(ofLog)));
  const before = seen.length;
  await s.lookup(parseCode(sample[(i + 1) % sample.length]));
  const again = seen.slice(before);
  warm.push(sum(again));
}
const stat = (xs, k) => {
  const v = xs.map((x) => x[k]).sort((a, b) => a - b);
  return `${v[Math.floor(v.length / 2)]} (max ${v.at(-1)})`;
};
console.log(`Built site ${site}: ${codes.length} certificates, ${sample.length} lookups`);
console.log('| lookup | requests | bytes (gzip) |');
console.log('| --- | --- | --- |');
console.log(`| cold, this site | ${stat(cold, 'requests')} | ${stat(cold, 'gzip')} |`);
console.log(`| second lookup on the page | ${stat(warm, 'requests')} | ${stat(warm, 'gzip')} |`);
console.log(`| after a first verdict: the log's tiles, to remember it | ${stat(confirm, 'requests')} | ${stat(confirm, 'gzip')} |`);

// ---- Simulation at `certificates` certificates, `institutions` institutions.
// Shards as the builder sizes them (generator/core/site_format/shard.rs), filled with
// this site's real certificate lines; tiles as keyed_tree.rs lays them out,
// with random hashes (they do not compress).
const lines = readdirSync(join(site, 'c')).flatMap((f) => readFileSync(join(site, 'c', f), 'utf8').split('\n').filter(Boolean));
// A record: a certificate's line with its review and revocation lines.
const records = [];
for (const l of lines) {
  if (l.includes('"type":"certificate"') || records.length === 0) records.push('');
  records[records.length - 1] += `${l}\n`;
}
const perCert = records.reduce((n, r) => n + Buffer.byteLength(r), 0) / codes.length;
let bits = 0;
while ((certificates * perCert) / 2 ** bits > 4096) bits++;
const perShard = Math.round(certificates / 2 ** bits);
const shardGzip = [];
for (let i = 0; i + perShard <= records.length && shardGzip.length < 100; i += perShard) {
  shardGzip.push(gz(Buffer.from(records.slice(i, i + perShard).join(''))));
}
shardGzip.sort((a, b) => a - b);
const heights = (b, first) => {
  const out = [Math.min(first, b)];
  let used = out[0];
  while (b - used >= 6) {
    out.push(6);
    used += 6;
  }
  return out;
};
const shardTiles = heights(bits, 6);
const ibits = Math.ceil(Math.log2(institutions));
const issuerTiles = heights(ibits, 4);
const hash = () => randomBytes(32);
const entry = (name) => Buffer.concat([Buffer.from([Buffer.byteLength(name)]), Buffer.from(name), hash()]);
const record = (parts) => {
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
};
const shardTile0 = gz(Buffer.concat(Array.from({ length: 64 }, () => record([entry('')]))));
const upper = gz(Buffer.concat(Array.from({ length: 64 }, hash)));
// Institutions land in buckets by the hash of their filing number.
const buckets = new Array(2 ** ibits).fill(0);
for (let i = 0; i < institutions; i++) {
  const d = createHash('sha256').update(`Y0000210${String(i).padStart(5, '0')}`).digest();
  buckets[d.readUInt32BE(0) >>> (32 - ibits)]++;
}
const tile0Sizes = [];
for (let t = 0; t < buckets.length; t += 2 ** issuerTiles[0]) {
  const recs = buckets.slice(t, t + 2 ** issuerTiles[0]).map((n) =>
    record(Array.from({ length: n }, () => [entry('Y000021013002.json'), entry('Y000021013002.jsonl')]).flat()),
  );
  tile0Sizes.push(gz(Buffer.concat(recs)));
}
tile0Sizes.sort((a, b) => a - b);
const issuerFiles = readdirSync(join(site, 'i')).filter((f) => f.endsWith('.jsonl')).map((f) => gz(readFileSync(join(site, 'i', f)))).sort((a, b) => a - b);
const top = (b, hs) => Array.from({ length: 2 ** (b - hs.reduce((x, y) => x + y, 0)) }, () => hash().toString('base64'));
const snapshotText = readFileSync(join(site, 'snapshot.jsonl'), 'utf8').split('\n').filter(Boolean);
const snap = JSON.parse(snapshotText.at(-1));
snap.statement.shards = { bits, tiles: shardTiles, top: top(bits, shardTiles) };
snap.statement.issuers = { bits: ibits, tiles: issuerTiles, top: top(ibits, issuerTiles) };
const snapshotGzip = gz(Buffer.from([...snapshotText.slice(0, -1), JSON.stringify(snap)].join('\n') + '\n'));
const median = (v) => v[Math.floor(v.length / 2)];
const parts = [
  ['snapshot.jsonl', 1, snapshotGzip],
  [`shard (${perShard} certificates)`, 1, median(shardGzip)],
  ['institution file', 1, median(issuerFiles)],
  [`shard tiles (${shardTiles.join('+')} levels)`, shardTiles.length, shardTile0 + upper * (shardTiles.length - 1)],
  [`institution tiles (${issuerTiles.join('+')} levels)`, issuerTiles.length, median(tile0Sizes) + upper * (issuerTiles.length - 1)],
];
console.log(`\nSimulated: ${certificates.toLocaleString('en')} certificates (${bits} shard bits), ${institutions.toLocaleString('en')} institutions (${ibits} bits)`);
console.log('| file | requests | bytes (gzip) |');
console.log('| --- | --- | --- |');
for (const [name, n, b] of parts) console.log(`| ${name} | ${n} | ${b} |`);
const total = parts.reduce((a, [, n, b]) => [a[0] + n, a[1] + b], [0, 0]);
console.log(`| **cold lookup** | **${total[0]}** | **${total[1]}** |`);
