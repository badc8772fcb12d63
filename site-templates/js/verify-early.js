// The verify page's first script: when the URL carries a code (a scanned QR
// code), it starts the lookup's downloads while the page's main script is
// still on its way, which on a slow connection saves a whole round trip.
// It only fetches: lookup.js takes the responses over and judges them like
// any others (a response it never takes is simply dropped).
import { parseCode } from './code.js';
import { lookupPaths } from './paths.js';

const app = document.getElementById('verify-app');
const early = new Map();
globalThis.certsiteEarly = early;

function start(path) {
  const url = app.dataset.base + path;
  const response = fetch(url, { cache: 'no-cache' });
  // Handled here, so a failure nobody takes over is not reported as uncaught.
  response.catch(() => {});
  early.set(url, response);
}

start('snapshot.jsonl');
try {
  const code = parseCode(decodeURIComponent(window.location.hash.slice(1).split('&')[0]));
  const paths = await lookupPaths(code.code, code.filing_no, JSON.parse(app.dataset.snapshot));
  for (const path of [paths.shard, paths.issuer, ...paths.shardTiles, ...paths.issuerTiles]) start(path);
} catch {
  // No code, or not a valid one: the main script explains.
}
