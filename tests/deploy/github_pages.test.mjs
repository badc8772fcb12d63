// site-templates/deploy/github-pages.yml, the example workflow: YAML (parsed by PyYAML) that
// builds on a push to main and publishes public/ with GitHub's Pages
// actions; its steps after the Rust toolchain's, run as written in a fresh
// repository of the demo data with the built binary at
// target/release/certsite, build the site, and stop the deployment when the
// build added to a log that is not committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, tempDir } from '../browser/site.mjs';

const WORKFLOW = 'site-templates/deploy/github-pages.yml';

/** The workflow as GitHub reads it (YAML 1.1: the key `on` reads as true). */
function workflow() {
  const r = spawnSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: readFileSync(WORKFLOW),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${WORKFLOW} is not YAML: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function run(cwd, command, ...args) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

/** Runs the build job's steps after the toolchain's, as GitHub's bash runs them; the first failure's step name, or null. */
function buildJob(repo, steps) {
  for (const step of steps) {
    const r = run(repo, 'bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run);
    if (r.status !== 0) return step.name;
  }
  return null;
}

const git = (repo, ...args) => {
  const r = run(repo, 'git', '-c', 'user.name=certsite test', '-c', 'user.email=test@example.invalid', ...args);
  assert.equal(r.status, 0, r.stderr);
};

test('the workflow builds on a push to main and publishes public/ with the Pages actions', () => {
  const wf = workflow();
  assert.deepEqual((wf.on ?? wf.true).push.branches, ['main']);
  assert.equal(wf.permissions.pages, 'write');
  assert.equal(wf.permissions['id-token'], 'write');
  const uses = (job) => wf.jobs[job].steps.map((s) => s.uses?.split('@')[0]).filter(Boolean);
  assert.deepEqual(uses('build'), ['actions/checkout', 'actions/upload-pages-artifact']);
  assert.equal(wf.jobs.build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact')).with.path, 'public');
  assert.deepEqual(uses('deploy'), ['actions/deploy-pages']);
  assert.equal(wf.jobs.deploy.needs, 'build');
  assert.equal(wf.jobs.deploy.environment.name, 'github-pages');
});

test('its steps build the demo site, and refuse a log the build added to but nobody committed', () => {
  const steps = workflow().jobs.build.steps.filter((s) => s.run && !/\b(rustup|cargo)\b/.test(s.run));
  assert.ok(steps.some((s) => s.run.includes('target/release/certsite build')), 'a step builds the site');
  const repo = tempDir();
  try {
    cpSync('data', join(repo, 'data'), { recursive: true });
    mkdirSync(join(repo, 'target/release'), { recursive: true });
    symlinkSync(resolve(BIN), join(repo, 'target/release/certsite'));
    git(repo, 'init', '--quiet');
    git(repo, 'add', 'data');
    git(repo, 'commit', '--quiet', '-m', 'the demo data');
    assert.equal(buildJob(repo, steps), null);
    assert.ok(existsSync(join(repo, 'public/manifest.json')));
    assert.ok(existsSync(join(repo, 'public/_headers')));

    // A revocation signed and committed, the log not: the build appends to
    // the log, and the workflow stops before publishing.
    const code = JSON.parse(readFileSync('data/certificates/Y000021012001.jsonl', 'utf8').split('\n')[0]).statement.code;
    writeFileSync(join(repo, 'revocations.csv'), `证书编号,撤销日期,撤销原因\n${code},2026-11-15,部署测试：撤销\n`);
    const sign = run(repo, resolve(BIN), 'sign', '--key', 'data/demo-keys/root.key', '--input', 'revocations.csv',
      '--out', 'data/revocations/deploy-test.jsonl', '--date', '2026-11-15');
    assert.equal(sign.status, 0, sign.stderr);
    git(repo, 'add', 'data/revocations');
    git(repo, 'commit', '--quiet', '-m', 'a revocation');
    assert.equal(buildJob(repo, steps), 'The log is committed');
    // Committed, the same log is published.
    git(repo, 'add', 'data/log');
    git(repo, 'commit', '--quiet', '-m', 'the log');
    assert.equal(buildJob(repo, steps), null);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
