// The client's sources are ECMAScript 2020 (tests/js/syntax.mjs), each
// parsed as its page loads it. tests/browser/es2020.test.mjs checks the
// scripts a build publishes (joined and compacted) the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { newerSyntax, scriptTags } from './syntax.mjs';

const TEMPLATES = new URL('../../site-templates/', import.meta.url);
const read = (path) => readFileSync(new URL(path, TEMPLATES), 'utf8');

/**
 * How the templates load each script, by file name: base.html's
 * `{{ assets.boot }}` is assets/boot.js, the others name their file.
 */
function loadedByTags() {
  const types = new Map();
  for (const page of readdirSync(TEMPLATES).filter((f) => f.endsWith('.html'))) {
    for (const [src, type] of scriptTags(read(page))) {
      types.set(src.endsWith('{{ assets.boot }}') ? 'boot.js' : src.split('/').pop(), type);
    }
  }
  return types;
}

test('every script of the client is ECMAScript 2020', () => {
  const tags = loadedByTags();
  // A module unless a page loads it as a classic script: the others are
  // imported, or loaded with import(), which loads modules only.
  const typeOf = (name) => tags.get(name) ?? 'module';
  const sources = readdirSync(new URL('js/', TEMPLATES))
    .filter((f) => f.endsWith('.js'))
    .map((f) => [`js/${f}`, read(`js/${f}`), typeOf(f)]);
  sources.push(['assets/boot.js', read('assets/boot.js'), typeOf('boot.js')]);
  // The service worker is a template (generator/site/offline.rs fills in
  // JSON), registered as a classic worker (boot.js passes no `type`).
  sources.push(['sw.js', read('sw.js').replace(/\{\{ \w+ \}\}/g, 'null'), 'script']);
  // The classic scripts are those the templates say, and exist.
  const classic = sources.filter(([, , type]) => type === 'script').map(([file]) => file);
  assert.deepEqual(classic.sort(), ['assets/boot.js', 'js/home.js', 'js/search-boot.js', 'sw.js']);
  const problems = sources.map(([file, source, type]) => newerSyntax(source, `site-templates/${file}`, type));
  assert.deepEqual(problems.filter(Boolean), []);
});

test('newer syntax is named with its file, line and column', () => {
  const cases = [
    ['let a;\na ??= 1;\n', 'module', 'x.js:2:5: Unexpected token (not ECMAScript 2020)'],
    ['a ||= b;', 'script', 'x.js:1:5: Unexpected token (not ECMAScript 2020)'],
    ['class A {\n  #z = 1;\n}\n', 'module', "x.js:2:3: Unexpected character '#' (not ECMAScript 2020)"],
    ['const f = (x) => x.y?.#z;', 'module', "x.js:1:23: Unexpected character '#' (not ECMAScript 2020)"],
    ['class A {\n  static {}\n}\n', 'module', 'x.js:2:10: Unexpected token (not ECMAScript 2020)'],
    ['class A {\n  field = 1;\n}\n', 'module', 'x.js:2:9: Unexpected token (not ECMAScript 2020)'],
    ["const r = await fetch('x');", 'module', "x.js:1:11: Cannot use keyword 'await' outside an async function (not ECMAScript 2020)"],
    ['const n = 1_000;', 'module', 'x.js:1:12: Identifier directly after number (not ECMAScript 2020)'],
    ['const m = /a/d;', 'module', 'x.js:1:12: Invalid regular expression flag (not ECMAScript 2020)'],
    ['const m = /[a]/v;', 'module', 'x.js:1:12: Invalid regular expression flag (not ECMAScript 2020)'],
    ["const r = 'ab'.replace(/(?<=a)b/u, 'c');", 'module', 'x.js:1:25: lookbehind in a regular expression (Safari 16.4)'],
    ["import { a } from './a.js';", 'script', "x.js:1:1: 'import' and 'export' may appear only with 'sourceType: module' (not ECMAScript 2020)"],
  ];
  for (const [source, type, message] of cases) assert.equal(newerSyntax(source, 'x.js', type), message, source);
});

test('what ES2020 has is accepted', () => {
  const module = [
    'const a = globalThis.x?.y ?? 0n ** 2n;',
    "if (/^https?:$/.test('http:')) import('./page.js');",
    'try { a(); } catch { a(); }',
    'const { b, ...rest } = { ...a };',
    'async function f(xs) { for await (const x of xs) await x; }',
    "const s = 'x'.replace(/(?<name>a)\\p{L}[(?<=]\\(?<=/gsu, '$<name>');",
    'export class A extends Error {}',
  ].join('\n');
  assert.equal(newerSyntax(module, 'x.js', 'module'), null);
  assert.equal(newerSyntax("(function () { var a = import('./x.js'); })();", 'x.js', 'script'), null);
});
