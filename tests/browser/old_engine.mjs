// The oldest engine the verify page promises to work in: Chromium 80
// (HeadlessChrome/80.0.3987.0), as chrome-aws-lambda 2.1.1 ships it, driven
// by puppeteer-core 2.1.1 (installed as `puppeteer-core-2`; Playwright's
// protocol is too new for it). WeChat's in-app browser and old Android
// WebViews trail Chrome by years; this is what they look like.
//
// The binary and the libraries it needs (libnss3 and a few more, from
// aws.tar.br) are unpacked once into node_modules/.cache/chromium-80/. Two
// test processes may do it at the same time: each unpacks into a folder of
// its own and renames it into place; the loser throws its copy away.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

/** The version chrome-aws-lambda 2.1.1 ships. */
export const CHROMIUM_80 = '80.0.3987.0';

const require = createRequire(import.meta.url);
const PACKAGE = dirname(require.resolve('chrome-aws-lambda/package.json'));
const CACHE_ROOT = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
/** Where the browser is unpacked: `chromium` and `aws/lib/`. */
export const CACHE = join(CACHE_ROOT, `chromium-${CHROMIUM_80}`);

/** Unpacks the browser and its libraries into CACHE unless already there; returns CACHE. */
export function unpackChromium80() {
  if (existsSync(join(CACHE, 'chromium'))) return CACHE;
  mkdirSync(CACHE_ROOT, { recursive: true });
  // On the same file system as CACHE, so the rename below is atomic.
  const staging = mkdtempSync(join(CACHE_ROOT, `.chromium-${CHROMIUM_80}-`));
  try {
    const tar = join(staging, 'aws.tar');
    writeFileSync(tar, brotliDecompressSync(readFileSync(join(PACKAGE, 'bin', 'aws.tar.br'))));
    mkdirSync(join(staging, 'aws'));
    // Only lib/: its fonts (Roboto) and fonts.conf are left out, the system's fonts are used.
    const r = spawnSync('tar', ['-xf', tar, '--no-same-owner', '-C', join(staging, 'aws'), 'lib'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`unpacking ${tar}: ${r.stderr || r.error}`);
    rmSync(tar);
    if (!existsSync(join(staging, 'aws', 'lib', 'libnss3.so'))) throw new Error(`no aws/lib/libnss3.so in ${PACKAGE}/bin/aws.tar.br`);
    const binary = join(staging, 'chromium');
    writeFileSync(binary, brotliDecompressSync(readFileSync(join(PACKAGE, 'bin', 'chromium.br'))));
    chmodSync(binary, 0o755);
    chmodSync(staging, 0o755);
    // Complete: into place in one step (`chromium` in it is what the check above looks for).
    renameSync(staging, CACHE);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    // Another process put its copy in place first: use that one.
    if (existsSync(join(CACHE, 'chromium'))) return CACHE;
    throw e;
  }
  return CACHE;
}

/**
 * Launches headless Chromium 80 with puppeteer-core 2 (its API, not
 * Playwright's: `page.setViewport`, `page.on('pageerror')`, ...).
 * Fonts come from the system's fontconfig (Noto Sans CJK, as tests/run
 * installs it), not from chrome-aws-lambda's fonts.conf, which names
 * /tmp/aws/.fonts.
 * `singleProcess: false` drops chrome-aws-lambda's --single-process: a
 * single-process Chromium 80 aborts (a failed CHECK in
 * render_process_host_impl.cc) as soon as a page opens in a second browser
 * context, such as an incognito one.
 */
export async function launchChromium80({ singleProcess = true } = {}) {
  const dir = unpackChromium80();
  const { default: puppeteer } = await import('puppeteer-core-2');
  const env = { ...process.env, LD_LIBRARY_PATH: [join(dir, 'aws', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  delete env.FONTCONFIG_PATH;
  return puppeteer.launch({
    executablePath: join(dir, 'chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--no-zygote', ...(singleProcess ? ['--single-process'] : []), '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    env,
  });
}
