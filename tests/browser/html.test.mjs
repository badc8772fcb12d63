// Every page of the built demo site is valid HTML, checked by the Nu Html
// Checker (vnu-jar, the W3C validator's engine) on the local machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildSite, tempDir } from './site.mjs';

test('all pages of the demo site are valid HTML', () => {
  const out = buildSite('data', join(tempDir(), 'public'));
  const vnu = createRequire(import.meta.url)('vnu-jar');
  const r = spawnSync('java', ['-jar', vnu, '--errors-only', '--skip-non-html', '--format', 'text', out], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
