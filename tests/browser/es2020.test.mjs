// Every script the build publishes is ECMAScript 2020 (tests/js/syntax.mjs),
// as its pages load it: the pages' joined and compacted modules, the
// classic scripts, boot.js and the service worker, with the values the
// build wrote into it. tests/js/es2020.test.mjs checks the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { newerSyntax, scriptTags } from '../js/syntax.mjs';
import { buildSite, tempDir } from './site.mjs';

test('every script the build publishes is ECMAScript 2020, named by file, line and column', () => {
  const out = buildSite('data', join(tempDir(), 'public'));
  const files = readdirSync(out, { recursive: true }).map((f) => join(out, f));
  // How the pages load each script: a tag's `src`, resolved against its
  // page as served from the root (404.html names the root's own path).
  const types = new Map();
  for (const page of files.filter((f) => f.endsWith('.html'))) {
    for (const [src, type] of scriptTags(readFileSync(page, 'utf8'))) {
      const url = new URL(src, new URL(relative(out, page), 'http://site.example/'));
      const file = join(out, decodeURIComponent(url.pathname));
      assert.ok(files.includes(file), `${relative(out, page)} loads ${src}, which the build did not write`);
      assert.notEqual(types.get(file), type === 'module' ? 'script' : 'module', `${src} is loaded both ways`);
      types.set(file, type);
    }
  }
  const worker = join(out, 'sw.js');
  const scripts = files.filter((f) => f.endsWith('.js'));
  // The service worker is a classic worker (boot.js registers it without
  // `type`); a script no tag loads is loaded with import(), as a module.
  const typeOf = (file) => types.get(file) ?? (file === worker ? 'script' : 'module');
  // The classic scripts are those the templates say (names without their hashes).
  const classic = scripts
    .filter((f) => typeOf(f) === 'script')
    .map((f) => relative(out, f).replace(/^assets\/js-[0-9a-f]+\//, '').replace(/\.[0-9a-f]+\.js$/, '.js'));
  assert.deepEqual(classic.sort(), ['assets/boot.js', 'en/home.js', 'en/search-boot.js', 'sw.js', 'zh/home.js', 'zh/search-boot.js']);
  const problems = scripts.map((f) => newerSyntax(readFileSync(f, 'utf8'), relative(out, f), typeOf(f)));
  assert.deepEqual(problems.filter(Boolean), []);
});
