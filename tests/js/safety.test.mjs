// The client never turns data into markup or code: no innerHTML and friends,
// no eval, no inline handlers. With the strict CSP this keeps hostile names inert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

test('no module writes HTML from strings or evaluates code', () => {
  const dir = new URL('../../site-templates/js/', import.meta.url);
  for (const file of readdirSync(dir)) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const banned of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'on']) {
      assert.ok(!source.includes(banned), `${file} uses ${banned}`);
    }
  }
});
