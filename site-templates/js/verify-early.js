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
// Where WebCrypto has no Ed25519 (Chromium before 137, Safari before 17),
// the page's own verifier is fetched now too, beside the data: the main
// script's import of the same URL gets this module (a page loads a URL
// once). crypto.js still decides, by its known answers, which one verifies.
const subtle = globalThis.crypto && globalThis.crypto.subtle;
if (subtle) {
  // RFC 8032 section 7.1, TEST 2's public key.
  const key = Uint8Array.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'.match(/../g) || [], (b) => parseInt(b, 16));
  subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']).catch(() => import('./ed25519.js').catch(() => {}));
}
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
