// The rclone recipe of docs/deploy.md, its three commands run exactly as
// written, against a configured rclone remote that is a local folder (the
// bucket): the first upload copies every file once, the new assets first
// and the four files that name the build last; after a rebuild with one more
// revocation only the files that changed are copied, and a file the build
// no longer has is deleted, after everything else; each time the bucket
// ends up equal to the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashedName } from '../../site-templates/js/paths.js';
import { BIN, buildSite, tempDir } from '../browser/site.mjs';

// The files that name the build, which the recipe uploads last.
const LAST = ['log/checkpoint', 'manifest.json', 'snapshot.jsonl', 'sw.js'];

/** The recipe: the lines of the sh block of docs/deploy.md that runs rclone. */
function recipe() {
  const doc = readFileSync('docs/deploy.md', 'utf8');
  const block = doc.split('```sh\n').slice(1).map((b) => b.split('```')[0]).find((b) => b.includes('rclone '));
  return block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** Every file under `dir`: relative path → SHA-256. */
function files(dir) {
  const out = new Map();
  for (const rel of readdirSync(dir, { recursive: true })) {
    const path = join(dir, rel);
    if (statSync(path).isFile()) out.set(rel, createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

/**
 * Runs the recipe in `work` (where `public/` is the site), `remote:` being
 * the local folder `work`; returns, per command, the files it copied and deleted.
 */
function deploy(work) {
  return recipe().map((command) => {
    const r = spawnSync('bash', ['-c', command], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, RCLONE_CONFIG: join(work, 'rclone.conf'), RCLONE_VERBOSE: '1', RCLONE_USE_JSON_LOG: 'true' },
    });
    if (r.error) throw r.error;
    assert.equal(r.status, 0, `${command}\n${r.stderr}`);
    const log = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const copied = log.filter((e) => e.msg?.startsWith('Copied')).map((e) => e.object);
    const deleted = log.filter((e) => e.msg === 'Deleted').map((e) => e.object);
    // The objects are named from the command's destination: make them site paths.
    const under = command.match(/remote:bucket\/(\S+)/)?.[1];
    const site = (o) => (under ? `${under}/${o}` : o);
    return { copied: copied.map(site).sort(), deleted: deleted.map(site).sort() };
  });
}

const sorted = (iterable) => [...iterable].sort();

test('rclone is installed (tests/run installs it)', () => {
  const r = spawnSync('rclone', ['version'], { encoding: 'utf8' });
  assert.equal(r.error, undefined, 'rclone is not installed: tests/run installs it with apt-get');
  assert.equal(r.status, 0);
});

test('the recipe uploads a site, then only what a revocation changed, the build-naming files last', async () => {
  const work = tempDir();
  try {
    writeFileSync(join(work, 'rclone.conf'), '[remote]\ntype = local\n');
    cpSync('data', join(work, 'data'), { recursive: true });
    const site = join(work, 'public');
    const bucket = join(work, 'bucket');
    buildSite(join(work, 'data'), site);
    const first = files(site);
    const assets = sorted([...first.keys()].filter((p) => p.startsWith('assets/')));

    // The first upload: each file copied once, the assets first, LAST last.
    let [one, two, three] = deploy(work);
    assert.deepEqual(one.copied, assets);
    assert.deepEqual(three.copied, LAST);
    assert.deepEqual(sorted([...one.copied, ...two.copied, ...three.copied]), sorted(first.keys()));
    assert.deepEqual(files(bucket), first);

    // A revocation signed by the root, and the site rebuilt over the old one.
    const code = JSON.parse(readFileSync('data/certificates/Y000021012001.jsonl', 'utf8').split('\n')[0]).statement.code;
    writeFileSync(join(work, 'revocations.csv'), `证书编号,撤销日期,撤销原因\n${code},2026-11-15,部署测试：撤销\n`);
    const sign = spawnSync(BIN, ['sign', '--key', join(work, 'data/demo-keys/root.key'), '--input', join(work, 'revocations.csv'),
      '--out', join(work, 'data/revocations/deploy-test.jsonl'), '--date', '2026-11-15'], { encoding: 'utf8' });
    assert.equal(sign.status, 0, sign.stderr);
    buildSite(join(work, 'data'), site);
    const second = files(site);
    const changed = sorted([...second].filter(([p, h]) => first.get(p) !== h).map(([p]) => p));
    assert.ok(changed.length > 0 && changed.length < first.size / 20, `${changed.length} of ${first.size} files changed`);
    const { bits, name_width: width } = JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8')).shards;
    assert.ok(changed.includes(`c/${await hashedName(code, bits, width)}.jsonl`), 'the revoked certificate\'s shard changed');
    // What an older build left in the bucket (an asset of another version)
    // stays until the last step, for the pages still open that name it.
    const stale = 'assets/site.0000000000.css';
    writeFileSync(join(bucket, stale), 'a stylesheet of an older build\n');

    [one, two, three] = deploy(work);
    assert.deepEqual(one.copied, []);
    assert.deepEqual(sorted([...one.copied, ...two.copied, ...three.copied]), changed);
    assert.deepEqual(three.copied, LAST.filter((p) => changed.includes(p)));
    assert.deepEqual([one.deleted, two.deleted, three.deleted], [[], [], [stale]]);
    assert.deepEqual(files(bucket), second);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
