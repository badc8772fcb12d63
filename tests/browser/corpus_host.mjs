// The verdict corpus (tests/vectors/verdicts.json) as a browser test serves
// it, whichever driver runs the browser (Playwright for today's Chromium in
// verdicts.test.mjs, puppeteer 2 for Chromium 80 in
// old_engine_verdicts.test.mjs): the files a case's host serves, the verify
// page with the case's root key and snapshot hints pinned in it, and what
// the page must say of the case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const corpus = JSON.parse(readFileSync(new URL('../vectors/verdicts.json', import.meta.url)));

/** Every verdict the page ends on (`pending` is not one). */
export const VERDICTS = ['verified', 'not-reviewed', 'invalid-signature', 'unknown-issuer', 'key-not-valid', 'revoked', 'not-found', 'unsupported', 'load-error', 'log-inconsistent'];

/** The verify page's own URL (the request for its HTML). */
export const VERIFY_PAGE = /\/verify\/(index\.html)?$/;

/** Paths of the data a lookup reads: served from the case, or 404. */
export const DATA = /^(c\/|i\/|snap\/|log\/|snapshot\.jsonl$)/;

const lines = (ls) => Buffer.from(ls.map((l) => `${l}\n`).join(''));

/** Every file the case's host serves, path → bytes. */
export function hostOf(c) {
  const files = new Map(Object.entries(c.host).map(([p, b]) => [p, Buffer.from(b, 'base64')]));
  if (c.shard) files.set('c/0.jsonl', lines(c.shard));
  if (c.directory?.length) files.set(`i/${c.code.slice(0, 13)}.jsonl`, lines(c.directory));
  return files;
}

/** What the case's host answers for a DATA path: its file, or 404. */
export function answer(files, path) {
  return files.has(path) ? { status: 200, body: files.get(path) } : { status: 404, body: Buffer.alloc(0) };
}

/** The verify page's HTML with the corpus's root key and the case's snapshot hints in place of the demo's. */
export function pinCase(html, c) {
  return html
    .replace(/data-root-key="[^"]*"/, `data-root-key="${corpus.root_public_key}"`)
    .replace(/data-snapshot='[^']*'/, `data-snapshot='${JSON.stringify(c.hints)}'`);
}

/** When the page remembers a log from an earlier visit (`c.seen`): its localStorage key and value. */
export function seenEntry(c) {
  return c.seen ? [`certsite.log:${c.seen.origin}`, JSON.stringify(c.seen)] : null;
}

/**
 * The page's `#verdict` attributes (`verdict`, `rule`, `reason`, `review`;
 * null when absent) against the case: the verdict and rule Rust decided,
 * the reason when the case names one, and where a verified record stands
 * with its city's review (as Rust says, but for the cases only the builder
 * decides); no review beside any other verdict.
 */
export function checkSaid(c, said) {
  assert.equal(said.verdict, c.page.verdict);
  assert.equal(said.rule, c.page.rule);
  if (c.page.reason) assert.equal(said.reason, c.page.reason);
  if (c.page.verdict !== 'verified') assert.equal(said.review, null);
  else if ('rust_review' in c && !c.builder_only) assert.equal(said.review, c.rust_review);
}
