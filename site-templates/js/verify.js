// @ts-check
// The verdict on one certificate, from the texts the host served: the
// issuer's institution statements and the shard. The same judgment as the
// Rust verifier (generator/core/trust/chain.rs), rule by rule (rules.js), bound by
// tests/vectors/verdicts.json. Every signature is checked with WebCrypto;
// anything unexpected fails closed, never "verified".
import { parseCode } from './code.js';
import { canonicalBytes, canonicalize, parseStrict } from './jcs.js';
import { fromBase64, keyId, toBase64, verifyEd25519 } from './crypto.js';
import { checkCertificate, checkInstitution, checkRevocation, schemaOk, scopeRange } from './rules.js';

/** @typedef {import('./code.js').ParsedCode} ParsedCode */
/** @typedef {import('./rules.js').Certificate} Certificate */
/** @typedef {import('./rules.js').Institution} Institution */
/** @typedef {import('./rules.js').KeyEntry} KeyEntry */
/** @typedef {import('./rules.js').Policy} Policy */
/** @typedef {import('./rules.js').Revocation} Revocation */
/** @typedef {import('./rules.js').ScopeEntry} ScopeEntry */

/**
 * A verdict's name, as `data-verdict` carries it.
 * @typedef {'verified' | 'invalid-signature' | 'unknown-issuer' | 'key-not-valid' | 'revoked' | 'not-found' | 'unsupported' | 'load-error' | 'offline' | 'log-inconsistent'} VerdictName
 */

/**
 * The verdict on one code and what it rests on.
 * @typedef {object} Verdict
 * @property {VerdictName} verdict
 * @property {string} [reason] why, as the page's words name it (`reasons`)
 * @property {string} [rule] the rule broken, as Rust names it
 * @property {ParsedCode} code
 * @property {string[]} ignored the rules broken by the revocations set aside
 * @property {Certificate} [certificate]
 * @property {Institution} [institution] the issuer as on the record's date (else its newest statement)
 * @property {Institution} [current] the issuer's newest statement, when its name changed since
 * @property {Revocation} [revocation]
 * @property {KeyEntry} [key] the signing key, when the record is outside its window
 */

/**
 * A verdict reached before the records are judged (an issuer or a record that fails).
 * @typedef {object} Failure
 * @property {VerdictName} verdict
 * @property {string} [reason]
 * @property {string} rule
 */

/**
 * One line of a statements file: a statement with the id of the key that
 * signed it and the signature of its canonical form. `S` is what the
 * statement is known to be: a JSON object until `schemaOk` has read it.
 * @template [S=Record<string, unknown>]
 * @typedef {object} Envelope
 * @property {string} kid
 * @property {string} sig
 * @property {S} statement
 */

/**
 * A record or revocation of a shard, with its line (which orders revocations of a day).
 * @template S
 * @typedef {Envelope<S> & { raw: string }} Line
 */

/**
 * The verdicts, as `data-verdict` carries them.
 * @type {readonly VerdictName[]}
 */
export const VERDICTS = Object.freeze([
  'verified',
  'invalid-signature',
  'unknown-issuer',
  'key-not-valid',
  'revoked',
  'not-found',
  'unsupported',
  'load-error',
  'offline',
  'log-inconsistent',
]);

/**
 * Today in China (the date every judgment is made on), `YYYY-MM-DD`.
 * @returns {string}
 */
export function todayInChina(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/**
 * The policy a page carries in `data-policy`, as the build writes it.
 * @param {string} text
 * @returns {Policy}
 */
export function readPolicy(text) {
  const p = JSON.parse(text);
  return { minIterations: p.min_iterations, accessControlled: p.access_controlled };
}

/**
 * The page's policy when none is given: the privacy floor only.
 * @type {Readonly<Policy>}
 */
const DEFAULT_POLICY = Object.freeze({ minIterations: 1000000, accessControlled: { codes: [], names: [] } });

/**
 * Parses one envelope line as strictly as Rust: exactly `kid`, `sig` (64
 * bytes in canonical base64) and an object `statement`; null when it is not.
 * @param {string} line
 * @returns {Envelope | null}
 */
export function parseEnvelope(line) {
  try {
    const parsed = parseStrict(line);
    const keys = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed).sort() : [];
    // Exactly these keys, of these kinds; the statement a JSON object.
    const env = /** @type {{ kid: unknown, sig: unknown, statement: unknown }} */ (parsed);
    const ok =
      keys.join() === 'kid,sig,statement' && typeof env.kid === 'string' && typeof env.sig === 'string' &&
      env.statement && typeof env.statement === 'object' && !Array.isArray(env.statement) &&
      fromBase64(env.sig).length === 64;
    return ok ? /** @type {Envelope} */ (env) : null;
  } catch {
    return null;
  }
}

/**
 * Whether `env` is signed by `publicKey` (raw bytes) under its own kid.
 * @param {Envelope<unknown>} env
 * @param {Uint8Array<ArrayBuffer>} publicKey
 * @returns {Promise<boolean>}
 */
export async function envelopeVerifies(env, publicKey) {
  try {
    if ((await keyId(publicKey)) !== env.kid) return false;
    return await verifyEd25519(publicKey, fromBase64(env.sig), canonicalBytes(env.statement));
  } catch {
    return false;
  }
}

/** @type {(date: unknown, from: string, until?: string) => boolean} */
const within = (date, from, until) => typeof date === 'string' && from <= date && (!until || date <= until);

/**
 * The key of an institution statement with this kid, decoded; null if none.
 * @param {Institution} institution
 * @param {string} kid
 */
function institutionKey(institution, kid) {
  const entry = institution.keys.find((k) => k.kid === kid);
  return entry ? { entry, key: fromBase64(entry.public_key) } : null;
}

/**
 * Reads the issuer's statements (oldest first after sorting): each must be
 * an institution statement of this filing number, signed by the root, keeping
 * its own rules; one per day. Returns `{ history }` or a failure.
 * @param {string | null} text
 * @param {string} filingNo
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @returns {Promise<{ history: Institution[], verdict?: undefined } | Failure & { history?: undefined }>}
 */
export async function readIssuer(text, filingNo, rootKey) {
  if (text === null) return { verdict: 'unknown-issuer', reason: 'issuer-not-listed', rule: 'unknown-issuer' };
  /** @type {(reason: string, rule: string) => Failure} */
  const fail = (reason, rule) => ({ verdict: 'invalid-signature', reason, rule });
  const rootKid = await keyId(rootKey);
  /** @type {Institution[]} */
  const history = [];
  for (const line of text.split('\n').filter((l) => !blank(l))) {
    const env = parseEnvelope(line);
    if (!env) return fail('institution-malformed', 'envelope');
    const s = env.statement;
    if (!schemaOk(s) || s.type !== 'institution') return fail('institution-malformed', 'schema');
    if (env.kid !== rootKid) return fail('institution-signature', 'institution-signer');
    if (!(await envelopeVerifies(env, rootKey))) return fail('institution-signature', 'signature');
    const rule = await checkInstitution(s);
    if (rule) return fail('institution-invalid', rule);
    if (s.filing_no !== filingNo) return fail('institution-malformed', 'filing-no');
    history.push(s);
  }
  if (history.length === 0) return { verdict: 'unknown-issuer', reason: 'issuer-not-listed', rule: 'unknown-issuer' };
  history.sort((a, b) => (a.issued_on < b.issued_on ? -1 : a.issued_on > b.issued_on ? 1 : 0));
  const distinct = history.filter((s, i) => i === 0 || canonicalize(s) !== canonicalize(history[i - 1]));
  if (distinct.some((s, i) => i > 0 && s.issued_on === distinct[i - 1].issued_on)) {
    return fail('institution-invalid', 'institution-conflict');
  }
  return { history: distinct };
}

/**
 * readIssuer, once per issuer file: a batch of many codes of one issuer
 * checks its statements (keys included) a single time.
 */
/** @type {Map<string, ReturnType<typeof readIssuer>>} */
const issuers = new Map();
/** @type {typeof readIssuer} */
function readIssuerOnce(text, filingNo, rootKey) {
  const key = `${toBase64(rootKey)}\n${filingNo}\n${text}`;
  let read = issuers.get(key);
  if (!read) issuers.set(key, (read = readIssuer(text, filingNo, rootKey)));
  return read;
}

/**
 * The statement in force on `date`: the newest signed on or before it, else the first.
 * @param {Institution[]} history oldest first, never empty
 * @param {string} date
 * @returns {Institution}
 */
export function inForce(history, date) {
  return history.findLast((s) => s.issued_on <= date) ?? history[0];
}

/**
 * The filed entry of an occupation: the exact 工种 first, then the whole occupation.
 * @param {Institution} institution
 * @param {string} code
 * @param {string | undefined} subtype
 * @returns {ScopeEntry | null}
 */
export function scopeFor(institution, code, subtype) {
  const exact = institution.occupations.find((o) => o.code === code && o.subtype === subtype);
  return exact ?? institution.occupations.find((o) => o.code === code && o.subtype === undefined) ?? null;
}

/** A line Rust skips: ASCII white space only (Rust's `is_ascii_whitespace`). */
/** @param {string} line */
const blank = (line) => /^[ \t\n\f\r]*$/.test(line);

/**
 * Splits the shard into the records and revocations of `code`, parsed. Any
 * line that is not an envelope damages the shard: a build never publishes
 * one, and its code cannot be trusted to tell whose record it was.
 * @param {string} shardText
 * @param {string} code
 * @returns {{ records: Line<Certificate>[], revocations: Line<Revocation>[], damaged?: undefined } | { damaged: 'envelope' | 'schema' }}
 */
function recordsOf(shardText, code) {
  /** @type {Line<Certificate>[]} */
  const records = [];
  /** @type {Line<Revocation>[]} */
  const revocations = [];
  const seen = new Set();
  for (const line of shardText.split('\n')) {
    if (blank(line)) continue;
    const env = parseEnvelope(line);
    if (!env) return { damaged: 'envelope' };
    const { kid, sig, statement } = env;
    if (statement.code !== code) continue;
    if (!schemaOk(statement)) return { damaged: 'schema' };
    // The same envelope twice is one line; the same statement under two
    // signatures is judged twice, as Rust judges every line.
    const key = canonicalize({ kid, sig, statement });
    if (seen.has(key)) continue;
    seen.add(key);
    if (statement.type === 'certificate') records.push({ kid, sig, statement, raw: line });
    else if (statement.type === 'revocation') revocations.push({ kid, sig, statement, raw: line });
    else return { damaged: 'schema' };
  }
  return { records, revocations };
}

/**
 * The verdict on `code` given the served texts. `institutionText` is null
 * when the host has no statement for the issuer (HTTP 404). `today` and
 * `policy` (privacy floor, access-controlled occupations) are the page's.
 * @param {object} served
 * @param {string} served.code
 * @param {Uint8Array<ArrayBuffer>} served.rootKey
 * @param {string | null} served.institutionText
 * @param {string} served.shardText
 * @param {string} [served.today]
 * @param {Policy} [served.policy]
 * @returns {Promise<Verdict>}
 */
export async function verifyCertificate({ code: raw, rootKey, institutionText, shardText, today = todayInChina(), policy = DEFAULT_POLICY }) {
  const code = parseCode(raw);
  /** @type {(verdict: VerdictName, extra?: Partial<Verdict>) => Verdict} */
  const out = (verdict, extra = {}) => ({ verdict, code, ignored: [], ...extra });
  const issuer = await readIssuerOnce(institutionText, code.filing_no, rootKey);
  const newest = issuer.history?.at(-1);
  const shard = recordsOf(shardText, code.code);
  if (shard.damaged) return out('invalid-signature', { reason: 'record-damaged', rule: shard.damaged, institution: newest });
  if (shard.records.length === 0) {
    const ignored = shard.revocations.map((r) => checkRevocation(r.statement) ?? 'revocation-target');
    return out('not-found', { institution: newest, reason: issuer.verdict ? issuer.reason : undefined, ignored });
  }
  if (issuer.verdict) {
    return out(issuer.verdict, { reason: issuer.reason, rule: issuer.rule, certificate: shard.records[0].statement });
  }
  /** @type {Judgement[]} */
  const judged = [];
  for (const env of shard.records) judged.push(await judgeCertificate(env, issuer.history, today, { ...DEFAULT_POLICY, ...policy }));
  for (const j of judged) if (j.verdict) return out(j.verdict, j);
  // Records that verified count once per statement, as in Rust.
  const statements = new Set(judged.map((j) => canonicalize(j.certificate)));
  if (statements.size > 1) return out('invalid-signature', { reason: 'record-duplicated', rule: 'duplicate-code', institution: newest });

  const { certificate: c, institution } = judged[0];
  // Records were judged, so the issuer was read: it has a newest statement.
  const latest = /** @type {Institution} */ (newest);
  // The name as it was on the issue date, and the current one if it changed.
  const current = institution.name === latest.name ? undefined : latest;
  const { revocation, ignored } = await effectiveRevocation(shard.revocations, c, latest, rootKey, today);
  const result = { institution, current, certificate: c, ignored };
  return revocation ? out('revoked', { ...result, revocation }) : out('verified', result);
}

/**
 * A certificate judged against its issuer: the statement in force on its
 * date, and what failed if anything did.
 * @typedef {object} Judgement
 * @property {Certificate} certificate
 * @property {Institution} institution
 * @property {VerdictName} [verdict]
 * @property {string} [reason]
 * @property {string} [rule]
 * @property {KeyEntry} [key]
 */

/**
 * Every rule between a certificate and its issuer, in Rust's order.
 * @param {Line<Certificate>} env
 * @param {Institution[]} history oldest first, never empty
 * @param {string} today
 * @param {Policy} policy
 * @returns {Promise<Judgement>}
 */
async function judgeCertificate(env, history, today, policy) {
  const c = env.statement;
  const newest = history[history.length - 1];
  const institution = inForce(history, c.issued_on);
  const key = institutionKey(newest, env.kid);
  /** @type {(verdict: VerdictName, reason: string | undefined, rule: string) => Judgement} */
  const fail = (verdict, reason, rule) => ({ verdict, reason, rule, certificate: c, institution });
  if (!key) return fail('invalid-signature', 'key-not-listed', 'key-not-listed');
  if (!(await envelopeVerifies(env, key.key))) return fail('invalid-signature', 'certificate-signature', 'signature');
  const filed = institution.occupations.find((o) => o.code === c.occupation_code);
  const rule = checkCertificate(c, { today, ...policy }, filed ? filed.name : null);
  if (rule) return fail('invalid-signature', 'record-invalid', rule);
  if (!within(c.issued_on, key.entry.valid_from, key.entry.valid_until)) {
    return { ...fail('key-not-valid', undefined, 'key-window'), key: key.entry };
  }
  if (!within(c.issued_on, institution.approved_on, institution.valid_until)) {
    return fail('unknown-issuer', 'filing-not-valid', 'filing-period');
  }
  if (c.institution !== institution.name) return fail('invalid-signature', 'record-inconsistent', 'institution-name');
  const scope = scopeFor(institution, c.occupation_code, c.subtype);
  if (!scope) return fail('unknown-issuer', 'out-of-scope', 'scope');
  const range = scopeRange(scope);
  if (range && (c.level > range.lowest_level || c.level < range.highest_level)) {
    return fail('unknown-issuer', 'out-of-scope', 'scope-level');
  }
  return { certificate: c, institution };
}

/**
 * The revocation in effect: the earliest that keeps every rule, signed by
 * the root or by a key of the issuer valid on its date. The others are
 * listed in `ignored` by the rule they break.
 * @param {Line<Revocation>[]} revocations
 * @param {Certificate} certificate
 * @param {Institution} newest
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @param {string} today
 */
async function effectiveRevocation(revocations, certificate, newest, rootKey, today) {
  const rootKid = await keyId(rootKey);
  /** @type {string[]} */
  const ignored = [];
  /** @type {Line<Revocation> | null} */
  let effective = null;
  for (const r of revocations) {
    const s = r.statement;
    const rule = await revocationRule(r, certificate, newest, rootKey, rootKid, today);
    if (rule) {
      ignored.push(rule);
      continue;
    }
    // The earliest counts; the same day, the smaller line (as Rust orders them).
    const e = effective;
    if (!e || s.revoked_on < e.statement.revoked_on || (s.revoked_on === e.statement.revoked_on && r.raw < e.raw)) {
      effective = r;
    }
  }
  return { revocation: effective?.statement, ignored };
}

/**
 * The rule a revocation breaks, or null when it is in effect.
 * @param {Line<Revocation>} r
 * @param {Certificate} certificate
 * @param {Institution} newest
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @param {string} rootKid
 * @param {string} today
 * @returns {Promise<string | null>}
 */
async function revocationRule(r, certificate, newest, rootKey, rootKid, today) {
  const s = r.statement;
  const own = checkRevocation(s);
  if (own) return own;
  let signer;
  if (r.kid === rootKid) signer = rootKey;
  else {
    const k = institutionKey(newest, r.kid);
    if (!k || !within(s.revoked_on, k.entry.valid_from, k.entry.valid_until)) return 'revocation-signer';
    signer = k.key;
  }
  if (!(await envelopeVerifies(r, signer))) return 'signature';
  if (s.revoked_on < certificate.issued_on) return 'revocation-date';
  if (s.revoked_on > today) return 'not-future';
  return null;
}
