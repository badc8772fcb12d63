// Bytes a directory search downloads for its first page of 20 results,
// against the size of the whole index.
// Usage: node tests/benches/search_bytes.mjs SITE_DIR
// (build one with `certsite demo --extra-institutions 10000` and `certsite build`).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { search } from '../../site-templates/js/search.js';

const site = process.argv[2];
if (!site) throw new Error('usage: node tests/benches/search_bytes.mjs SITE_DIR');

function walk(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}
const indexFiles = walk(join(site, 's'));
const indexRaw = indexFiles.reduce((n, f) => n + statSync(f).size, 0);
const indexGzip = indexFiles.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
const meta = JSON.parse(readFileSync(join(site, 's/meta.json')));

const queries = ['鼓风机', '沈阳鼓风机集团', '机械制造', '焊工', '数控车工', '化工', '沈阳市', '北京', '沈', '示例', 'Y00002101', 'Y000021013002', '21013002', '示例0042', '大连恒通'];
console.log('| query | matches | files | bytes | gzip bytes |');
console.log('| --- | --- | --- | --- | --- |');
for (const q of queries) {
  const fetched = new Map();
  const fetchJson = async (path, { optional = false } = {}) => {
    let bytes;
    try {
      bytes = readFileSync(join(site, path));
    } catch (e) {
      if (optional && e.code === 'ENOENT') return null;
      throw e;
    }
    fetched.set(path, bytes);
    return JSON.parse(bytes);
  };
  // The first page of results, as the directory page shows it.
  const { total } = await search(q, { fetchJson, limit: 20 });
  const raw = [...fetched.values()].reduce((n, b) => n + b.length, 0);
  const gz = [...fetched.values()].reduce((n, b) => n + gzipSync(b).length, 0);
  console.log(`| ${q} | ${total} | ${fetched.size} | ${raw} | ${gz} |`);
}
console.log(`\n${meta.docs} institutions; the whole index: ${indexFiles.length} files, ${indexRaw} bytes (${indexGzip} gzip).`);
