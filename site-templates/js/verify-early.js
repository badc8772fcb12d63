// @ts-check
// The verify page's first script: when the URL carries a code (a scanned QR
// code), it starts the lookup's downloads while the page's main script is
// still on its way, which on a slow connection saves a whole round trip.
// It only fetches: lookup.js takes the responses over and judges them like
// any others (a response it never takes is simply dropped).
import { lookupPaths } from './paths.js';
import { normalizeInput } from './typed.js';

const app = /** @type {HTMLElement} */ (document.getElementById('verify-app'));
/** @type {Map<string, Promise<Response>>} */
const early = new Map();
globalThis.certsiteEarly = early;

/** @param {string} path */
function start(path) {
  const url = app.dataset.base + path;
  const response = fetch(url, { cache: 'no-cache' });
  // Handled here, so a failure nobody takes over is not reported as uncaught.
  response.catch(() => {});
  early.set(url, response);
}

start('snapshot.jsonl');
// An async function, not top-level await (ES2022: Chromium 89, Safari 15).
(async () => {
  try {
    const code = normalizeInput(decodeURIComponent(window.location.hash.slice(1).split('&')[0]));
    // Only the code's shape (a letter, 21 digits, the filing number first):
    // a wrong guess costs a download, the main script parses it in full.
    if (!/^[YS][0-9]{21}$/.test(code)) throw new Error('not a code');
    const paths = await lookupPaths(code, code.slice(0, 13), JSON.parse(/** @type {string} */ (app.dataset.snapshot)));
    for (const path of [paths.shard, paths.issuer, ...paths.shardTiles, ...paths.issuerTiles]) start(path);
  } catch {
    // No code, or not a valid one: the main script explains.
  }
})();
