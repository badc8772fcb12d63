// @ts-check
// The verify page (verify/index.html): reads the code from the URL fragment
// (#CODE&name=…, what a QR code opens; the fragment never reaches the host),
// fetches one shard and the issuer's statement in parallel, verifies them in
// this browser and shows the verdict.
import { CodeError, checkIssueYear, parseCode } from './code.js';
import { ed25519Ready, fingerprint, fromBase64 } from './crypto.js';
import { clientStarted, el, fill } from './dom.js';
import { matches, normalizeName } from './holder.js';
import { isDate } from './rules.js';
import { cityName, codeMessage, data, kindName, levelName, say, sayNodes, t, titleFor } from './i18n.js';
import { MissingFile, OfflineError, Site, canRemember, localMemory, readHints } from './lookup.js';
import { normalizeInput } from './typed.js';
import { readPolicy, todayInChina } from './verify.js';

/** @typedef {import('./dom.js').Child} Child */
/** @typedef {import('./lookup.js').IssuerPath} IssuerPath */
/** @typedef {import('./lookup.js').Lookup} Lookup */
/** @typedef {import('./rules.js').Certificate} Certificate */
/** @typedef {import('./rules.js').Institution} Institution */
/** @typedef {import('./rules.js').Revocation} Revocation */

/**
 * What the template writes on #verify-app: every attribute but the contact's is there.
 * @typedef {object} AppData
 * @property {string} base
 * @property {string} home
 * @property {string} rootKey
 * @property {string} snapshot
 * @property {string} policy
 * @property {string} [contact]
 * @property {string} [contactLang]
 */

/**
 * The lookup shown: its verdict (or what is wrong with the code), the
 * issuer's unsigned facts when not found, and the holder's name once it matched.
 * @typedef {object} Shown
 * @property {Lookup | Omit<Lookup, 'verdict'> & { verdict: 'code-error', message: string }} result
 * @property {{ newest_issue: string } | null} [meta]
 * @property {string} [matchedName]
 * @property {number} [lookup]
 */

clientStarted();
const app = /** @type {HTMLElement} */ (document.getElementById('verify-app'));
const appData = /** @type {AppData} */ (app.dataset);
const verdictBox = /** @type {HTMLElement} */ (document.getElementById('verdict'));
const details = /** @type {HTMLElement} */ (document.getElementById('certificate'));
const holder = /** @type {HTMLElement} */ (document.getElementById('holder'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('lookup'));
const codeInput = /** @type {HTMLInputElement} */ (document.getElementById('code'));
const ecert = /** @type {HTMLElement} */ (document.getElementById('ecert'));
const ecertToggle = /** @type {HTMLButtonElement} */ (document.getElementById('ecert-toggle'));
const ecertPrint = /** @type {HTMLButtonElement} */ (document.getElementById('ecert-print'));
const base = appData.base;
// Links to pages stay in the page's language (en/ or the root).
const home = appData.home;
const rootKey = fromBase64(appData.rootKey);
const policy = readPolicy(appData.policy);
const hints = readHints(appData.snapshot);
const site = new Site({ base, rootKey, hints, policy, memory: localMemory(hints.origin) });
site.keepOffline();
site.prefetch();
// Where WebCrypto has no Ed25519, the fallback downloads beside the lookup's
// files (a failure is the lookup's to report).
ed25519Ready().catch(() => {});
/** @type {HTMLElement} */ (document.getElementById('memory-note')).hidden = canRemember();

/** @type {Shown | null} */
let current = null;
/** The root key's fingerprint, once computed (showRoot). */
let rootFingerprint = '';

/**
 * @param {string} key
 * @returns {string | null}
 */
function localStorageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * @param {string} key
 * @param {string} value
 */
function localStorageSet(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage disabled: nothing is remembered, nothing breaks.
  }
}

/**
 * `#CODE&name=…&id=…` → { code, name, id }; `badFragment` when it cannot be decoded.
 * @returns {{ code: string, name?: string, id?: string, badFragment?: boolean }}
 */
function readFragment() {
  const [code, ...rest] = window.location.hash.slice(1).split('&');
  /** @param {string} text */
  const decode = (text) => decodeURIComponent(text.replace(/\+/g, ' '));
  /** @type {{ code: string, [param: string]: string }} */
  const params = { code: '' };
  try {
    params.code = decode(code ?? '');
    for (const part of rest) {
      const i = part.indexOf('=');
      if (i > 0) params[part.slice(0, i)] = decode(part.slice(i + 1));
    }
  } catch {
    // A broken % escape: say so, never keep the previous verdict.
    return { code: code ?? '', badFragment: true };
  }
  if (!params.code) params.code = new URLSearchParams(window.location.search).get('code') ?? '';
  return params;
}

/**
 * @param {string} verdict
 * @param {string} [reason]
 * @param {string} [rule]
 * @param {string} [review] on a verified record: `reviewed` or `before-cut-over`
 */
function setVerdict(verdict, reason, rule, review) {
  verdictBox.dataset.verdict = verdict;
  for (const [name, value] of Object.entries({ reason, rule, review })) {
    if (value) verdictBox.dataset[name] = value;
    else delete verdictBox.dataset[name];
  }
}

/**
 * A date as the page writes one (2024年6月20日).
 * @param {string} iso YYYY-MM-DD
 */
function dayText(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return say(t.ecert.date, { y, m, d });
}

/**
 * What the city's review says of a record: who reviewed it and when (and
 * when it was uploaded), that it was issued before reviews were required,
 * or, for a record not reviewed, why the review published for it was refused.
 * @param {Lookup} result
 * @returns {Child[]}
 */
function reviewLines(result) {
  const authority = result.city ? data(result.city.authority) : '';
  if (result.verdict === 'verified' && result.review === 'reviewed' && result.reviewed) {
    const { reviewed_on: date, signed_on: uploaded } = result.reviewed;
    return [el('p', { class: 'reason' }, sayNodes(t.reviewed, { authority, date: dayText(date), uploaded: dayText(uploaded) }))];
  }
  if (result.verdict === 'verified' && result.review === 'before-cut-over' && result.city?.reviews_from) {
    return [el('p', { class: 'reason' }, sayNodes(t.beforeCutOver, { authority, date: dayText(result.city.reviews_from) }))];
  }
  if (result.verdict === 'not-reviewed') {
    // Whose signature did verify: the visitor knows whom to ask.
    const issuer = result.certificate ? [el('p', { class: 'reason' }, sayNodes(t.notReviewedIssuer, { institution: data(result.certificate.institution) }))] : [];
    const refused = result.rule ? [el('p', { class: 'reason' }, t.reviewRefused[result.rule] ?? t.reviewRefused.default)] : [];
    return [...issuer, ...refused];
  }
  return [];
}

/** @param {Institution} institution */
function scopeText(institution) {
  return (institution.occupations ?? [])
    .map((o) => (o.subtype ? `${o.name}（${o.subtype}）` : o.name))
    .join('、');
}

/**
 * The body sentence of a certificate: it names the evaluation method only
 * when the signed record carries one of the notice's four (三（二）),
 * otherwise it claims none (as `certsite print` does).
 * @param {Certificate} c
 * @param {Child} name
 * @returns {Child[]}
 */
function bodySentence(c, name) {
  const methods = /** @type {Partial<Record<string, string>>} */ (t.ecert.methods);
  const method = c.method !== undefined && Object.prototype.hasOwnProperty.call(methods, c.method) ? methods[c.method] : undefined;
  const opening = method === undefined ? t.ecert.byDefault : say(t.ecert.byMethod, { method });
  const occupation = data(c.subtype ? `${c.occupation}（${c.subtype}）` : c.occupation);
  return sayNodes(t.ecert.body, { opening, name, occupation, level: levelName(c.level) });
}

/**
 * @param {string} label
 * @param {...(Child | Child[])} value
 */
function row(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function render() {
  if (!current) return;
  const { result, meta } = current;
  if (result.verdict === 'code-error') {
    // A malformed code is "not found" before any fetch, with the exact fault.
    setVerdict('not-found', 'malformed');
    fill(verdictBox, el('h2', { class: 'verdict-title' }, t.codeError), el('p', { class: 'reason' }, result.message));
    details.hidden = true;
    holder.hidden = true;
    return;
  }
  // A signed record that breaks a rule is not "altered": say what it is.
  const [title, text] = titleFor(result);
  setVerdict(result.verdict, result.reason, result.rule, result.verdict === 'verified' ? result.review : undefined);
  const lines = [el('h2', { class: 'verdict-title' }, title), el('p', {}, text), ...reviewLines(result)];
  if (result.reason && t.reasons[result.reason]) lines.push(el('p', { class: 'reason' }, t.reasons[result.reason]));
  if (result.rule) lines.push(el('p', { class: 'reason' }, t.rule, el('code', {}, result.rule)));
  if (result.dataDate) lines.push(el('p', { class: 'data-date' }, say(t.dataDate, { date: result.dataDate })));
  if (result.offline) lines.push(el('p', { class: 'offline-note' }, say(t.offlineNote, { date: result.dataDate })));
  // The verdict never depends on the device's clock; a clock behind the data is said.
  const device = todayInChina();
  if (result.dataDate && device < result.dataDate) lines.push(el('p', { class: 'clock-note' }, say(t.clockNote, { device, date: result.dataDate })));
  if (result.offline) verdictBox.dataset.offline = 'stored';
  else delete verdictBox.dataset.offline;
  if (result.verdict === 'revoked') {
    const r = /** @type {Revocation} */ (result.revocation);
    const values = { revoked_on_label: t.fields.revoked_on, date: r.revoked_on, reason_label: t.fields.reason, reason: data(r.reason) };
    lines.push(el('p', { class: 'reason' }, sayNodes(t.revocation, values)));
  }
  if (result.verdict === 'not-found' && result.code) {
    const c = result.code;
    const kind = Number(c.filing_no[9]);
    const decoded = { city: cityName(Number(c.city_code)), kind: kindName(kind), filing_no: c.filing_no, year: c.year, level: levelName(c.level), serial: c.serial };
    lines.push(el('p', {}, say(t.decode, decoded)));
    const inst = result.institution;
    lines.push(el('p', {}, inst ? sayNodes(t.issuerListed, { name: data(inst.name), scope: data(scopeText(inst)) }) : t.issuerMissing));
    if (inst) lines.push(el('p', {}, meta?.newest_issue ? say(t.newest, { date: meta.newest_issue }) : t.noneYet));
    const contact = app.dataset.contact ? el('span', { lang: app.dataset.contactLang }, app.dataset.contact) : '';
    lines.push(el('p', {}, t.uploadNote, contact ? ' ' : '', contact));
    if (inst) lines.push(el('p', {}, el('a', { href: `${home}directory/${inst.filing_no}.html` }, t.institutionPage)));
  }
  fill(verdictBox, lines);
  const c = result.certificate;
  const showRecord = c && (result.verdict === 'verified' || result.verdict === 'revoked');
  details.hidden = !showRecord;
  holder.hidden = !showRecord;
  if (showRecord) {
    // A record that verified or was revoked names its issuer.
    const inst = /** @type {Institution} */ (result.institution);
    const nameText = current.matchedName ? [data(current.matchedName)] : [data(c.name_masked), ` ${t.hidden}`];
    fill(
      /** @type {HTMLDListElement} */ (details.querySelector('dl')),
      row(t.fields.name, ...nameText),
      row(t.fields.id_type, data(c.id_type)),
      row(t.fields.id_number, c.id_masked),
      row(t.fields.occupation, data(c.occupation)),
      row(t.fields.subtype, c.subtype ? data(c.subtype) : '——'),
      row(t.fields.level, levelName(c.level)),
      ...(c.tier ? row(t.ecert.titleLabel, data(c.tier)) : []),
      row(t.fields.code, c.code),
      row(t.fields.issued_on, c.issued_on),
      row(t.fields.institution, el('a', { href: `${home}directory/${inst.filing_no}.html` }, data(inst.name))),
      ...(result.current ? row(t.fields.current_name, data(result.current.name)) : []),
      row(t.fields.filing_no, inst.filing_no),
      row(t.fields.filing, `${inst.approved_on} ${t.to} ${inst.valid_until}`),
    );
  }
  const ecertAllowed = result.verdict === 'verified';
  ecertToggle.hidden = !ecertAllowed;
  ecertPrint.hidden = !ecertAllowed || ecert.hidden;
  renderEcert();
}

/** The verified record in the layout of 附件6, masked unless the name was matched. */
function renderEcert() {
  const c = current?.result.certificate;
  if (ecert.hidden || !current || !c || current.result.verdict !== 'verified') {
    // Nothing of an earlier record stays behind, hidden or not.
    fill(ecert);
    ecert.hidden = true;
    ecertToggle.setAttribute('aria-expanded', 'false');
    document.body.classList.remove('ecert-open');
    return;
  }
  ecertToggle.setAttribute('aria-expanded', 'true');
  const inst = /** @type {Institution} */ (current.result.institution);
  const name = current.matchedName ?? c.name_masked;
  const [y, m, d] = c.issued_on.split('-').map(Number);
  const date = say(t.ecert.date, { y, m, d });
  const values = [data(name), data(c.id_type), c.id_masked, data(c.occupation), c.subtype ? data(c.subtype) : '——', levelName(c.level), c.code, date, data(inst.name)];
  /** @type {Child[]} */
  const info = t.ecert.labels.flatMap((k, i) => [el('dt', {}, k), el('dd', {}, values[i])]);
  // The level title (特级技师, 首席技师) in a row of its own, after the level.
  if (c.tier) info.splice(12, 0, el('dt', {}, t.ecert.titleLabel), el('dd', {}, data(c.tier)));
  // Scales with the page's width on screen, prints at its own size.
  fill(
    ecert,
    el(
      'div',
      { class: 'ecert-border' },
      el('div', { class: 'ecert-left' },
        el('p', { class: 'ecert-title' }, t.ecert.title),
        el('p', { class: 'ecert-kind' }, el('strong', {}, t.ecert.kind), el('br'), t.ecert.kindNote),
        el('p', { class: 'ecert-body' }, bodySentence(c, data(name))),
        el('p', { class: 'ecert-issuer' }, data(inst.name), el('br'), date),
        el('p', { class: 'ecert-site' }, say(t.ecert.site, { url: new URL(home, window.location.href).href }))),
      el('div', { class: 'ecert-right' },
        el('div', { class: 'ecert-top' },
          el('div', { class: 'ecert-photo' }, t.ecert.photo),
          el('div', { class: 'ecert-verified' }, t.ecert.stamp, el('br'), c.code,
            // Its first 16 hex digits, as the printed certificate has them under the QR code.
            rootFingerprint ? el('span', { class: 'ecert-fingerprint' }, t.ecert.fingerprint, el('br'), rootFingerprint.split(' ').slice(0, 4).join(' ')) : '')),
        el('dl', { class: 'ecert-info' }, info)),
    ),
  );
  document.body.classList.add('ecert-open');
  fitEcert();
}

/**
 * The electronic certificate is drawn at its printed size (269 mm wide);
 * on a narrower screen it is scaled down to the width, never scrolled.
 * Printing shows it at full size (site.css).
 */
function fitEcert() {
  const border = /** @type {HTMLElement | null} */ (document.querySelector('#ecert .ecert-border'));
  if (!border) return;
  border.style.zoom = '';
  const scale = ecert.clientWidth / border.offsetWidth;
  if (scale < 1) border.style.zoom = String(scale);
}
window.addEventListener('resize', fitEcert);

let lookups = 0;

/** @param {ReturnType<typeof readFragment>} params */
async function verify(params) {
  // Every slow step below checks that no newer lookup has started since.
  const lookup = ++lookups;
  const stale = () => lookup !== lookups;
  performance.mark('certsite:lookup');
  current = null;
  // Nothing of the previous lookup's holder check stays on the page.
  for (const field of ['name', 'id']) {
    const out = /** @type {HTMLElement} */ (document.getElementById(`holder-${field}-result`));
    out.textContent = '';
    delete out.dataset.match;
    /** @type {HTMLInputElement} */ (document.getElementById(`holder-${field}`)).value = '';
  }
  details.hidden = true;
  holder.hidden = true;
  setVerdict('pending');
  fill(verdictBox, el('p', {}, t.checking));
  if (params.badFragment) {
    current = { result: { verdict: 'code-error', message: t.badFragment } };
    render();
    return;
  }
  let code;
  try {
    code = parseCode(params.code);
    checkIssueYear(code, policy.earliestIssueYear ?? 0);
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    // The code stays in the box, to be corrected where the message says.
    codeInput.value = normalizeInput(params.code);
    current = { result: { verdict: 'code-error', message: codeInput.value ? codeMessage(e) : t.enterCode } };
    render();
    return;
  }
  codeInput.value = code.code;
  /** @type {Lookup} */
  let result;
  /** @type {Shown['meta']} */
  let meta = null;
  try {
    if (!(await ed25519Ready())) {
      // Over plain http (not localhost) WebCrypto is withheld: not the browser's age.
      result = { verdict: 'unsupported', code, reason: window.isSecureContext === false ? 'insecure' : undefined };
    } else {
      result = await site.lookup(code);
      if (result.verdict === 'not-found' && result.institution && result.issuerPath) {
        meta = await fetchMeta(code.filing_no, result.issuerPath);
      }
    }
  } catch (e) {
    // A file not served is said as such (reason 'missing'), never as altered data.
    result = { verdict: e instanceof OfflineError ? 'offline' : 'load-error', code, reason: e instanceof MissingFile ? 'missing' : undefined };
  }
  if (stale()) return;
  current = { result, meta, lookup };
  render();
  performance.mark('certsite:verdict');
  verdictBox.focus();
  if (params.name) await checkHolder('name', params.name);
}

/**
 * The unsigned facts of `i/<filing>.json` the "not found" text uses, as the
 * snapshot commits to them: only a real date survives, and it is labelled
 * as a site statistic where shown.
 * @param {string} filingNo
 * @param {IssuerPath} issuerPath
 */
async function fetchMeta(filingNo, issuerPath) {
  try {
    const meta = await site.meta(filingNo, issuerPath);
    return isDate(meta?.newest_issue) ? { newest_issue: meta.newest_issue } : null;
  } catch {
    return null;
  }
}

/**
 * @param {'name' | 'id'} field
 * @param {string} typed
 */
async function checkHolder(field, typed) {
  // Only a record that verified is matched against. The slow hash belongs
  // to this lookup: a newer one discards its result.
  const lookup = current;
  const c = lookup?.result.certificate;
  if (!lookup || !c || !['verified', 'revoked'].includes(lookup.result.verdict) || !typed.trim()) return;
  const out = /** @type {HTMLElement} */ (document.getElementById(`holder-${field}-result`));
  out.textContent = t.computing;
  const ok = await matches(field, typed, c);
  if (current !== lookup) return;
  out.dataset.match = ok ? 'match' : 'mismatch';
  if (field === 'name') {
    // What matched is the normalised name, and that is what is shown.
    const name = normalizeName(typed);
    fill(out, ok ? sayNodes(t.nameMatch, { name: data(name) }) : t.nameMismatch);
    if (ok) {
      lookup.matchedName = name;
      render();
    }
  } else {
    out.textContent = ok ? t.idMatch : t.idMismatch;
  }
}

/**
 * The root key's fingerprint, computed here from the key this page verifies
 * with (the footer shows it), and an alarm if it is not the one this
 * browser saw first.
 */
async function showRoot() {
  // Without WebCrypto (plain http) the footer keeps the fingerprint the build wrote.
  const fp = await fingerprint(rootKey).catch(() => null);
  const footer = /** @type {HTMLElement} */ (document.getElementById('root-fingerprint'));
  if (fp) {
    footer.textContent = fp;
    rootFingerprint = fp;
    renderEcert();
  }
  const seen = localStorageGet('certsite.root');
  const alarm = /** @type {HTMLElement} */ (document.getElementById('root-warning'));
  if (seen && seen !== appData.rootKey) {
    const before = await fingerprint(fromBase64(seen)).catch(() => seen);
    alarm.textContent = say(t.rootChanged, { before, now: fp ?? footer.textContent ?? '' });
    alarm.hidden = false;
  } else {
    alarm.hidden = true;
    if (!seen) localStorageSet('certsite.root', appData.rootKey);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = normalizeInput(codeInput.value);
  if (window.location.hash.slice(1) === code) verify({ code });
  else window.location.hash = code;
});
window.addEventListener('hashchange', () => verify(readFragment()));
/** @type {HTMLFormElement} */ (document.getElementById('holder-form')).addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = /** @type {HTMLInputElement} */ (document.getElementById('holder-name')).value;
  const id = /** @type {HTMLInputElement} */ (document.getElementById('holder-id')).value;
  await Promise.all([checkHolder('name', name), checkHolder('id', id)]);
});
ecertToggle.addEventListener('click', () => {
  ecert.hidden = !ecert.hidden;
  render();
  if (!ecert.hidden) ecert.scrollIntoView({ block: 'start' });
});
ecertPrint.addEventListener('click', () => window.print());
/** @type {HTMLElement} */ (document.getElementById('holder-hint')).textContent = t.holderHint;
showRoot();
const params = readFragment();
if (params.code) verify(params);
