// The pure-JavaScript Ed25519 verifier's speed against WebCrypto's, in the
// same run: RFC 8032 TEST 2 verified 200 times by each.
// Usage: node tests/benches/ed25519_speed.mjs
import { readFileSync } from 'node:fs';
import { verifyEd25519 } from '../../site-templates/js/crypto.js';
import { verifyStrict } from '../../site-templates/js/ed25519.js';

const v = JSON.parse(readFileSync(new URL('../vectors/rfc8032.json', import.meta.url))).vectors[1];
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const [key, sig, msg] = [unhex(v.public), unhex(v.signature), unhex(v.message)];
const ROUNDS = 200;

/** Milliseconds per verification. */
async function time(verify) {
  await verify(key, sig, msg);
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) if (!(await verify(key, sig, msg))) throw new Error('did not verify');
  return (performance.now() - start) / ROUNDS;
}

const web = await time(verifyEd25519);
const js = await time(verifyStrict);
console.log('| verifier | ms per signature |');
console.log('| --- | --- |');
console.log(`| WebCrypto (with the page's R check) | ${web.toFixed(2)} |`);
console.log(`| ed25519.js (BigInt) | ${js.toFixed(2)} (${(js / web).toFixed(1)} × WebCrypto) |`);
