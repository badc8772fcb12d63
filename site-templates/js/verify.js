// @ts-check
// The verdict on one certificate, from the texts the host served: the
// issuer's institution statements with its city's, and the shard. The same
// judgment as the Rust verifier (generator/core/trust/chain.rs and
// review_rules.rs), rule by rule (rules.js), bound by
// tests/vectors/verdicts.json. Every signature is checked with WebCrypto;
// anything unexpected fails closed, never "verified".
import { parseCode } from './code.js';
import { findLast, last } from './compat.js';
import { canonicalBytes, canonicalize, parseStrict } from './jcs.js';
import { ed25519Backend, fromBase64, keyId, toBase64, verifyEd25519 } from './crypto.js';
import { sha256 } from './hash.js';
import { checkCertificate, checkCity, checkInstitution, checkReview, checkRevocation, schemaOk, scopeRange } from './rules.js';

/** @typedef {import('./code.js').ParsedCode} ParsedCode */
/** @typedef {import('./rules.js').Certificate} Certificate */
/** @typedef {import('./rules.js').City} City */
/** @typedef {import('./rules.js').Institution} Institution */
/** @typedef {import('./rules.js').KeyEntry} KeyEntry */
/** @typedef {import('./rules.js').Policy} Policy */
/** @typedef {import('./rules.js').Review} Review */
/** @typedef {import('./rules.js').Revocation} Revocation */
/** @typedef {import('./rules.js').ScopeEntry} ScopeEntry */

/**
 * A verdict's name, as `data-verdict` carries it.
 * @typedef {'verified' | 'not-reviewed' | 'invalid-signature' | 'unknown-issuer' | 'key-not-valid' | 'revoked' | 'not-found' | 'unsupported' | 'load-error' | 'offline' | 'log-inconsistent'} VerdictName
 */

/**
 * The verdict on one code and what it rests on.
 * @typedef {object} Verdict
 * @property {VerdictName} verdict
 * @property {string} [reason] why, as the page's words name it (`reasons`)
 * @property {string} [rule] the rule broken, as Rust names it; on `not-reviewed`, the one that refused the first review
 * @property {ParsedCode} code
 * @property {string[]} ignored the rules broken by the revocations and reviews set aside
 * @property {Certificate} [certificate]
 * @property {Institution} [institution] the issuer as on the record's date (else its newest statement)
 * @property {Institution} [current] the issuer's newest statement, when its name changed since
 * @property {Revocation} [revocation]
 * @property {'reviewed' | 'before-cut-over'} [review] why a verified record needs nothing more from its city (`data-review`)
 * @property {Review} [reviewed] the review in effect, when `review` is 'reviewed'
 * @property {City} [city] its city's statement: in force on the review's signed_on, or (before the cut-over) the newest
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
 * A record, review or revocation of a shard, with its line (which orders those of a day).
 * @template S
 * @typedef {Envelope<S> & { raw: string }} Line
 */

/**
 * The verdicts, as `data-verdict` carries them.
 * @type {readonly VerdictName[]}
 */
export const VERDICTS = Object.freeze([
  'verified',
  'not-reviewed',
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
  return { minIterations: p.min_iterations, accessControlled: p.access_controlled, earliestIssueYear: p.earliest_issue_year ?? 0 };
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
 * The key of an institution or city statement with this kid, decoded; null if none.
 * @param {{ keys: KeyEntry[] } | undefined} statement
 * @param {string} kid
 */
function keyOf(statement, kid) {
  const entry = statement?.keys.find((k) => k.kid === kid);
  return entry ? { entry, key: fromBase64(entry.public_key) } : null;
}

/**
 * A refused issuer file: the records are judged against nothing.
 * @param {string} reason
 * @param {string} rule
 * @returns {Failure}
 */
const issuerFault = (reason, rule) => ({ verdict: 'invalid-signature', reason, rule });

/**
 * The city code of a filing number or certificate code: its 8th-9th characters.
 * @param {string} code
 */
const cityCodeOf = (code) => code.slice(7, 9);

/**
 * Reads the issuer's file: its institution statements, then those of its
 * city's review authority. Each line must be one of these, of this filing
 * number or its city (the 8th-9th characters), signed by the root and
 * keeping its own rules; each history one statement a day. Returns both
 * histories, oldest first, or a failure.
 * @param {string | null} text
 * @param {string} filingNo
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @returns {Promise<{ history: Institution[], cities: City[], verdict?: undefined } | Failure & { history?: undefined }>}
 */
export async function readIssuer(text, filingNo, rootKey) {
  /** @type {Failure} */
  const unlisted = { verdict: 'unknown-issuer', reason: 'issuer-not-listed', rule: 'unknown-issuer' };
  if (text === null) return unlisted;
  const rootKid = await keyId(rootKey);
  /** @type {Institution[]} */
  const institutions = [];
  /** @type {City[]} */
  const cities = [];
  for (const line of text.split('\n').filter((l) => !blank(l))) {
    const env = parseEnvelope(line);
    if (!env) return issuerFault('institution-malformed', 'envelope');
    const s = env.statement;
    if (!schemaOk(s) || (s.type !== 'institution' && s.type !== 'city')) return issuerFault('institution-malformed', 'schema');
    const fault = await issuerLineFault({ ...env, statement: s }, filingNo, rootKey, rootKid);
    if (fault) return fault;
    if (s.type === 'city') cities.push(s);
    else institutions.push(s);
  }
  // Rust's order: institution-conflict before city-keys, both before unknown-issuer.
  const history = historyOf(institutions);
  if (!history) return issuerFault('institution-invalid', 'institution-conflict');
  const cityHistory = historyOf(cities);
  if (!cityHistory) return issuerFault('city-invalid', 'city-keys');
  return history.length === 0 ? unlisted : { history, cities: cityHistory };
}

/**
 * What refuses one statement of the issuer's file, or null: the root's
 * signature, its own rules, and that it is about this filing number (an
 * institution) or its city (a city).
 * @param {Envelope<Institution | City>} env
 * @param {string} filingNo
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @param {string} rootKid
 * @returns {Promise<Failure | null>}
 */
async function issuerLineFault(env, filingNo, rootKey, rootKid) {
  const s = env.statement;
  const what = s.type;
  if (env.kid !== rootKid) return issuerFault(`${what}-signature`, `${what}-signer`);
  if (!(await envelopeVerifies(env, rootKey))) return issuerFault(`${what}-signature`, 'signature');
  const rule = s.type === 'city' ? await checkCity(s) : await checkInstitution(s);
  if (rule) return issuerFault(`${what}-invalid`, rule);
  if (s.type === 'city' && s.city_code !== cityCodeOf(filingNo)) return issuerFault('institution-malformed', 'city-code');
  if (s.type === 'institution' && s.filing_no !== filingNo) return issuerFault('institution-malformed', 'filing-no');
  return null;
}

/**
 * A history as Rust keeps one: oldest first by `issued_on`, identical
 * statements once; null when two different ones share a day.
 * @template {Institution | City} S
 * @param {S[]} statements
 * @returns {S[] | null}
 */
function historyOf(statements) {
  const sorted = [...statements].sort((a, b) => (a.issued_on < b.issued_on ? -1 : a.issued_on > b.issued_on ? 1 : 0));
  const distinct = sorted.filter((s, i) => i === 0 || canonicalize(s) !== canonicalize(sorted[i - 1]));
  return distinct.some((s, i) => i > 0 && s.issued_on === distinct[i - 1].issued_on) ? null : distinct;
}

/**
 * readIssuer, once per issuer file: a batch of many codes of one issuer
 * checks its statements (keys included) a single time.
 */
/** @type {Map<string, ReturnType<typeof readIssuer>>} */
const issuers = new Map();
/** @type {typeof readIssuer} */
function readIssuerOnce(text, filingNo, rootKey) {
  // One verifier's judgment is not the other's: the tests run both.
  const key = `${ed25519Backend()}\n${toBase64(rootKey)}\n${filingNo}\n${text}`;
  let read = issuers.get(key);
  if (!read) issuers.set(key, (read = readIssuer(text, filingNo, rootKey)));
  return read;
}

/**
 * The statement in force on `date`: the newest signed on or before it, else the first.
 * @template {Institution | City} S
 * @param {S[]} history oldest first, never empty
 * @param {string} date
 * @returns {S}
 */
export function inForce(history, date) {
  return findLast(history, (s) => s.issued_on <= date) ?? history[0];
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
 * Splits the shard into the records, reviews and revocations of `code`,
 * parsed. Any line that is not an envelope damages the shard: a build never
 * publishes one, and its code cannot be trusted to tell whose record it was.
 * @param {string} shardText
 * @param {string} code
 * @returns {{ records: Line<Certificate>[], reviews: Line<Review>[], revocations: Line<Revocation>[], damaged?: undefined } | { damaged: 'envelope' | 'schema' }}
 */
function recordsOf(shardText, code) {
  /** @type {Line<Certificate>[]} */
  const records = [];
  /** @type {Line<Review>[]} */
  const reviews = [];
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
    else if (statement.type === 'review') reviews.push({ kid, sig, statement, raw: line });
    else if (statement.type === 'revocation') revocations.push({ kid, sig, statement, raw: line });
    else return { damaged: 'schema' };
  }
  return { records, reviews, revocations };
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
  const newest = issuer.history && last(issuer.history);
  const shard = recordsOf(shardText, code.code);
  if (shard.damaged) return out('invalid-signature', { reason: 'record-damaged', rule: shard.damaged, institution: newest });
  if (shard.records.length === 0) {
    // Nothing to revoke or review: each is refused by its own rules or its target.
    const ignored = [
      ...shard.revocations.map((r) => checkRevocation(r.statement) ?? 'revocation-target'),
      ...shard.reviews.map((r) => checkReview(r.statement, today) ?? 'review-target'),
    ];
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
  const { cities } = issuer;
  const newestCity = last(cities);
  const revoked = await effectiveRevocation(shard.revocations, c, latest, newestCity, rootKey, today);
  // Rust keeps the first of identical records: a review must name that envelope.
  const { review, kid, refused } = await effectiveReview(shard.reviews, shard.records[0], cities, today);
  const result = { institution, current, certificate: c, ignored: [...revoked.ignored, ...refused] };
  // Revoked, reviewed or not.
  if (revoked.revocation) return out('revoked', { ...result, revocation: revoked.revocation });
  if (review) return out('verified', { ...result, review: 'reviewed', reviewed: review, city: reviewer(cities, review.signed_on, kid) });
  if (newestCity?.reviews_from !== undefined && newestCity.reviews_from > c.issued_on) {
    return out('verified', { ...result, review: 'before-cut-over', city: newestCity });
  }
  // Never valid without its city's review; the first refused review says why.
  return out('not-reviewed', { ...result, rule: refused[0], ignored: [...revoked.ignored, ...refused.slice(1)] });
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
  const key = keyOf(newest, env.kid);
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
 * the root or by a key of the issuer or of its city valid on its date. The
 * others are listed in `ignored` by the rule they break.
 * @param {Line<Revocation>[]} revocations
 * @param {Certificate} certificate
 * @param {Institution} newest
 * @param {City | undefined} city the city's newest statement
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @param {string} today
 */
async function effectiveRevocation(revocations, certificate, newest, city, rootKey, today) {
  const rootKid = await keyId(rootKey);
  /** @type {string[]} */
  const ignored = [];
  /** @type {Line<Revocation> | null} */
  let effective = null;
  for (const r of revocations) {
    const s = r.statement;
    const rule = await revocationRule(r, certificate, { newest, city }, rootKey, rootKid, today);
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
 * @param {{ newest: Institution, city: City | undefined }} signers the newest statements of the issuer and its city
 * @param {Uint8Array<ArrayBuffer>} rootKey
 * @param {string} rootKid
 * @param {string} today
 * @returns {Promise<string | null>}
 */
async function revocationRule(r, certificate, { newest, city }, rootKey, rootKid, today) {
  const s = r.statement;
  const own = checkRevocation(s);
  if (own) return own;
  let signer;
  if (r.kid === rootKid) signer = rootKey;
  else {
    // The city withdraws what it reviewed by revoking it (the issuer's key first, as in Rust).
    const k = keyOf(newest, r.kid) ?? keyOf(city, r.kid);
    if (!k || !within(s.revoked_on, k.entry.valid_from, k.entry.valid_until)) return 'revocation-signer';
    signer = k.key;
  }
  if (!(await envelopeVerifies(r, signer))) return 'signature';
  if (s.revoked_on < certificate.issued_on) return 'revocation-date';
  if (s.revoked_on > today) return 'not-future';
  return null;
}

/**
 * The authority a review is shown with: the city statement in force on its
 * upload date, if that statement lists the key that signed it; else the
 * newest, which does (a key listed only later).
 * @param {City[]} cities oldest first, never empty when a review holds
 * @param {string} date the review's signed_on
 * @param {string | undefined} kid
 * @returns {City}
 */
function reviewer(cities, date, kid) {
  const then = inForce(cities, date);
  return then.keys.some((k) => k.kid === kid) ? then : /** @type {City} */ (last(cities));
}

/**
 * The review in effect: of those that keep every rule, the earliest signed
 * (the same day, the smaller line, as Rust orders them). `refused` holds
 * the rule each other review breaks, in the shard's order.
 * @param {Line<Review>[]} reviews
 * @param {Line<Certificate>} certificate the accepted record's line
 * @param {City[]} cities the city's history, oldest first (may be empty)
 * @param {string} today
 */
async function effectiveReview(reviews, certificate, cities, today) {
  /** @type {string[]} */
  const refused = [];
  if (reviews.length === 0) return { review: undefined, refused };
  /** @type {Line<Review> | null} */
  let effective = null;
  const target = toBase64(await sha256(canonicalBytes({ kid: certificate.kid, sig: certificate.sig, statement: certificate.statement })));
  for (const r of reviews) {
    const rule = await reviewRule(r, certificate.statement, target, last(cities), today);
    if (rule) {
      refused.push(rule);
      continue;
    }
    const s = r.statement;
    const e = effective;
    if (!e || s.signed_on < e.statement.signed_on || (s.signed_on === e.statement.signed_on && r.raw < e.raw)) {
      effective = r;
    }
  }
  return { review: effective?.statement, kid: effective?.kid, refused };
}

/**
 * The rule a review breaks, or null when it holds, in Rust's order: its own
 * rules; its target, the accepted record's exact envelope (`target`, the
 * base64 SHA-256 of its JCS form); a signer the city's newest statement
 * lists; the signature; that key's window on the upload date; and review on
 * or before issue, issue on or before upload.
 * @param {Line<Review>} r
 * @param {Certificate} certificate
 * @param {string} target
 * @param {City | undefined} city the city's newest statement
 * @param {string} today
 * @returns {Promise<string | null>}
 */
async function reviewRule(r, certificate, target, city, today) {
  const s = r.statement;
  const own = checkReview(s, today);
  if (own) return own;
  if (s.code !== certificate.code || s.certificate !== target) return 'review-target';
  const k = keyOf(city, r.kid);
  if (!k) return 'review-signer';
  if (!(await envelopeVerifies(r, k.key))) return 'signature';
  if (!within(s.signed_on, k.entry.valid_from, k.entry.valid_until)) return 'review-window';
  if (s.reviewed_on > certificate.issued_on || s.signed_on < certificate.issued_on) return 'review-dates';
  return null;
}
