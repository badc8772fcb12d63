// @ts-check
// The rules each statement keeps on its own, as the Rust verifier states them
// (generator/core/trust/statement.rs, city.rs), named as generator/core/trust/rules.rs names
// them. tests/vectors/verdicts.json binds the two: every case is judged alike
// on both sides, and every rule has a case.
import { parseFiling, parseCode } from './code.js';
import { hasOwn } from './compat.js';
import { fromBase64, keyId } from './crypto.js';
import { publicKeyProblem } from './edwards.js';

/** The rules the page applies (all of Rust's but the catalogue of 大典 names). */
export const RULES = Object.freeze([
  'envelope', 'schema', 'version', 'signature', 'date', 'not-future', 'text', 'text-characters',
  'none-marker', 'institution-signer', 'filing-no', 'city-kind', 'filing-dates', 'scope-entries',
  'scope-range', 'institution-keys', 'institution-conflict', 'city-signer', 'city-code', 'city-keys', 'name-masked', 'id-masked', 'hash-format',
  'kdf', 'iterations', 'id-type', 'occupation-name', 'access-controlled', 'level-digit', 'code-level',
  'code-year', 'tier', 'unknown-issuer', 'key-not-listed', 'key-window', 'filing-period',
  'institution-name', 'scope', 'scope-level', 'duplicate-code', 'revocation-target', 'revocation-signer',
  'revocation-date', 'review-target', 'review-signer', 'review-window', 'review-dates', 'publisher-signer', 'publisher-keys', 'snapshot-signer', 'log-size', 'snapshot-files', 'log-consistency',
]);

export const ID_TYPES = Object.freeze(['居民身份证', '港澳台居民居住证', '外国人永久居留身份证', '护照', '港澳居民来往内地通行证', '台湾居民来往大陆通行证']);
/** Titles above 一级/高级技师 (the only tiers a record may carry), on level 1. */
export const TOP_TIERS = Object.freeze(['特级技师', '首席技师']);
export const KDF = 'PBKDF2-SHA256';
/** The most entries a snapshot's log may hold (rule log-size): exact in this arithmetic. */
export const MAX_LOG_SIZE = 2 ** 40;
const ID_VISIBLE_TAIL = 2;

/**
 * What a page requires of a certificate beyond the format (its
 * `data-policy`): the privacy floor, and the occupations that may not be
 * certified (codes, and names as foldCompact folds them).
 * @typedef {object} Policy
 * @property {number} minIterations
 * @property {{ codes: string[], names: string[] }} accessControlled
 * @property {number} [earliestIssueYear] the site's earliest year of issue
 *   (checkIssueYear in code.js), for codes typed into its pages
 */

/**
 * The Unicode format characters (Cf) Rust refuses, as ranges
 * (generator/core/domain/text.rs FORMAT_CHARACTERS, compared in the tests).
 */
export const FORMAT_CHARACTERS = Object.freeze([
  [0x00ad, 0x00ad], [0x0600, 0x0605], [0x061c, 0x061c], [0x06dd, 0x06dd], [0x070f, 0x070f],
  [0x0890, 0x0891], [0x08e2, 0x08e2], [0x180e, 0x180e], [0x200b, 0x200f], [0x202a, 0x202e],
  [0x2060, 0x2064], [0x2066, 0x206f], [0xfeff, 0xfeff], [0xfff9, 0xfffb], [0x110bd, 0x110bd],
  [0x110cd, 0x110cd], [0x13430, 0x1343f], [0x1bca0, 0x1bca3], [0x1d173, 0x1d17a], [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
]);

/**
 * A control character (Cc) or a format character.
 * @param {string} ch one character
 * @returns {boolean}
 */
export function isHidden(ch) {
  const n = ch.codePointAt(0) ?? 0;
  return n < 0x20 || (n >= 0x7f && n <= 0x9f) || FORMAT_CHARACTERS.some(([a, b]) => n >= a && n <= b);
}

/**
 * NFKC, trimmed, white space and hidden characters removed (Rust fold_compact).
 * @param {string} text
 * @returns {string}
 */
export function foldCompact(text) {
  return [...text.normalize('NFKC').trim()].filter((c) => !/\s/u.test(c) && !isHidden(c)).join('');
}

/**
 * Rust is_none_marker: empty, or only dashes, slashes and 无.
 * @param {string} text
 * @returns {boolean}
 */
export function isNoneMarker(text) {
  return /^[-—–―─/无]*$/u.test(foldCompact(text));
}

/**
 * A real YYYY-MM-DD date.
 * @param {unknown} text
 * @returns {text is string}
 */
export function isDate(text) {
  const m = typeof text === 'string' && /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days;
}

/**
 * The statements, as the schema below has them once `schemaOk` has passed
 * (each field of its kind; the rules of their values are checked apart).
 * @typedef {Institution | Certificate | Revocation | City | Review | Publisher | Snapshot} Statement
 */

/**
 * An institution's filing, signed by the root (附件4).
 * @typedef {object} Institution
 * @property {'institution'} type
 * @property {number} v
 * @property {string} filing_no
 * @property {string} name
 * @property {string} city
 * @property {string} kind
 * @property {string} approved_on
 * @property {string} valid_until
 * @property {ScopeEntry[]} occupations
 * @property {KeyEntry[]} keys
 * @property {string} issued_on
 * @property {string} [address]
 * @property {string} [contact]
 * @property {string} [phone]
 */

/**
 * An occupation an institution may certify, and its levels (digits, 5 the lowest).
 * @typedef {object} ScopeEntry
 * @property {string} name
 * @property {string} code
 * @property {string} [subtype]
 * @property {number} lowest_level
 * @property {number} highest_level
 */

/**
 * A signing key and the dates it may sign for (inclusive).
 * @typedef {object} KeyEntry
 * @property {string} kid
 * @property {string} public_key
 * @property {string} valid_from
 * @property {string} [valid_until]
 */

/**
 * A certificate record, signed by a key of its issuer.
 * @typedef {object} Certificate
 * @property {'certificate'} type
 * @property {number} v
 * @property {string} code
 * @property {string} institution
 * @property {string} name_masked
 * @property {string} name_hash
 * @property {string} id_type
 * @property {string} id_masked
 * @property {string} id_hash
 * @property {string} kdf
 * @property {number} iterations
 * @property {string} occupation
 * @property {string} occupation_code
 * @property {number} level
 * @property {string} issued_on
 * @property {string} [subtype]
 * @property {string} [tier]
 * @property {string} [method]
 */

/**
 * A city's review authority (审核机构) and the keys that sign its reviews,
 * signed by the root (generator/core/trust/city.rs).
 * @typedef {object} City
 * @property {'city'} type
 * @property {number} v
 * @property {string} city_code the filing numbers' 8th-9th characters
 * @property {string} authority
 * @property {KeyEntry[]} keys
 * @property {string} [reviews_from] the cut-over: certificates issued before it need no review
 * @property {string} issued_on
 */

/**
 * A city's review of one signed certificate, signed by a key of that city.
 * @typedef {object} Review
 * @property {'review'} type
 * @property {number} v
 * @property {string} code
 * @property {string} certificate base64 SHA-256 of the JCS form of the certificate's whole envelope
 * @property {string} reviewed_on 审核日期
 * @property {string} signed_on the day the city signed and uploaded it
 */

/**
 * A revocation, signed by the root, by a key of the issuer or of its city.
 * @typedef {object} Revocation
 * @property {'revocation'} type
 * @property {number} v
 * @property {string} code
 * @property {string} revoked_on
 * @property {string} reason
 */

/**
 * The publisher's log keys, signed by the root.
 * @typedef {object} Publisher
 * @property {'publisher'} type
 * @property {number} v
 * @property {string} name
 * @property {string} origin
 * @property {KeyEntry[]} keys
 * @property {string} issued_on
 */

/**
 * A build's snapshot, signed by a log key of the publisher.
 * @typedef {object} Snapshot
 * @property {'snapshot'} type
 * @property {number} v
 * @property {string} origin
 * @property {string} data_date
 * @property {TreeHead} shards
 * @property {TreeHead} issuers
 * @property {{ size: number, root: string }} log
 */

/**
 * A keyed tree's shape and its top nodes (base64), one per subtree above the tiles.
 * @typedef {import('./paths.js').TreeShape & { top: string[] }} TreeHead
 */

/** @type {Record<string, { required: Record<string, string>, optional: Record<string, string> }>} */
const FIELDS = {
  institution: {
    required: { type: 's', v: 'i', filing_no: 's', name: 's', city: 's', kind: 's', approved_on: 's', valid_until: 's', occupations: 'a', keys: 'a', issued_on: 's' },
    optional: { address: 's', contact: 's', phone: 's' },
  },
  certificate: {
    required: {
      type: 's', v: 'i', code: 's', institution: 's', name_masked: 's', name_hash: 's', id_type: 's', id_masked: 's',
      id_hash: 's', kdf: 's', iterations: 'i', occupation: 's', occupation_code: 's', level: 'i', issued_on: 's',
    },
    optional: { subtype: 's', tier: 's', method: 's' },
  },
  revocation: { required: { type: 's', v: 'i', code: 's', revoked_on: 's', reason: 's' }, optional: {} },
  city: {
    required: { type: 's', v: 'i', city_code: 's', authority: 's', keys: 'a', issued_on: 's' },
    optional: { reviews_from: 's' },
  },
  review: {
    required: { type: 's', v: 'i', code: 's', certificate: 's', reviewed_on: 's', signed_on: 's' },
    optional: {},
  },
  scope: {
    required: { name: 's', code: 's', lowest_level: 'i', highest_level: 'i' },
    optional: { subtype: 's' },
  },
  key: { required: { kid: 's', public_key: 's', valid_from: 's' }, optional: { valid_until: 's' } },
  publisher: { required: { type: 's', v: 'i', name: 's', origin: 's', keys: 'a', issued_on: 's' }, optional: {} },
  snapshot: {
    required: { type: 's', v: 'i', origin: 's', data_date: 's', shards: 'o', issuers: 'o', log: 'o' },
    optional: {},
  },
  tree: { required: { bits: 'i', tiles: 'a', top: 'a' }, optional: {} },
  log: { required: { size: 'i', root: 's' }, optional: {} },
};

/** @type {Record<string, (value: unknown) => boolean>} */
const KIND_OF = {
  s: (v) => typeof v === 'string',
  i: Number.isSafeInteger,
  a: Array.isArray,
  o: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};
const NESTED = ['scope', 'key', 'tree', 'log'];

/**
 * Exactly the fields of `shape`, each of its kind (Rust: serde, deny_unknown_fields).
 * @param {unknown} obj
 * @param {string} shape
 * @returns {boolean}
 */
function hasShape(obj, shape) {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return false;
  const { required, optional } = FIELDS[shape];
  const known = { ...required, ...optional };
  return (
    Object.entries(obj).every(([k, v]) => hasOwn(known, k) && KIND_OF[known[k]](v)) &&
    Object.keys(required).every((k) => hasOwn(obj, k))
  );
}

/**
 * Whether a statement has the schema of its `type`, nested entries included.
 * @param {Record<string, unknown>} obj a JSON object
 * @returns {obj is Statement}
 */
export function schemaOk(obj) {
  if (!obj || typeof obj.type !== 'string' || !hasOwn(FIELDS, obj.type) || NESTED.includes(obj.type) || !hasShape(obj, obj.type)) return false;
  // Its own fields are of their kinds: only the nested ones are left.
  const s = /** @type {Statement} */ (obj);
  if (s.type === 'institution') {
    return s.occupations.every((o) => hasShape(o, 'scope')) && s.keys.every((k) => hasShape(k, 'key'));
  }
  if (s.type === 'publisher' || s.type === 'city') return s.keys.every((k) => hasShape(k, 'key'));
  if (s.type === 'snapshot') {
    /** @param {TreeHead} t */
    const tree = (t) => hasShape(t, 'tree') && t.tiles.every(Number.isSafeInteger) && t.top.every((x) => typeof x === 'string');
    return tree(s.shards) && tree(s.issuers) && hasShape(s.log, 'log');
  }
  return true;
}

/** Collects the first rule broken, in the order Rust checks them. */
class Checks {
  constructor() {
    /** @type {string | null} The first rule broken. */
    this.rule = null;
  }

  /** @param {string} rule */
  fail(rule) {
    if (this.rule === null) this.rule = rule;
  }

  /** @param {number} v */
  version(v) {
    if (v !== 1) this.fail('version');
  }

  /**
   * @param {unknown} text
   * @returns {string | null} the date, or null when it is none
   */
  date(text) {
    if (!isDate(text)) {
      this.fail('date');
      return null;
    }
    return text;
  }

  /**
   * A well-formed certificate code (a revocation or review names one).
   * @param {string} text
   */
  code(text) {
    try {
      parseCode(text);
    } catch {
      this.fail('code');
    }
  }

  /** @param {string} text */
  nonEmpty(text) {
    // Rust's trim: White_Space only (JS trim also takes U+FEFF).
    const trimmed = text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
    if (trimmed === '' || trimmed !== text) this.fail('text');
  }

  /** @param {string | undefined} text */
  visible(text) {
    if (text !== undefined && [...text].some(isHidden)) this.fail('text-characters');
  }

  /**
   * @param {number} digit
   * @returns {number | null}
   */
  level(digit) {
    const ok = Number.isInteger(digit) && digit >= 1 && digit <= 5;
    if (!ok) this.fail('level-digit');
    return ok ? digit : null;
  }
}

/** @param {string} text */
const isHash = (text) => {
  try {
    return fromBase64(text).length === 32;
  } catch {
    return false;
  }
};

/** @param {string} masked */
const idMaskOk = (masked) => {
  const chars = [...masked];
  return chars.length > ID_VISIBLE_TAIL && chars.slice(0, chars.length - ID_VISIBLE_TAIL).every((c) => c === '*');
};

/**
 * The level range of a scope entry, or null when it is no range.
 * @param {ScopeEntry} o
 * @returns {ScopeEntry | null}
 */
export function scopeRange(o) {
  /** @param {number} d */
  const ok = (d) => Number.isInteger(d) && d >= 1 && d <= 5;
  return ok(o.lowest_level) && ok(o.highest_level) && o.lowest_level >= o.highest_level ? o : null;
}

/**
 * The rules an institution statement keeps on its own; the first rule broken
 * or null. Whether each filed occupation is named as the catalogue names it
 * is checked by the builder only (scope-catalogue).
 * @param {Institution} s
 * @returns {Promise<string | null>}
 */
export async function checkInstitution(s) {
  const c = new Checks();
  c.version(s.v);
  let filing = null;
  try {
    filing = parseFiling(s.filing_no);
  } catch {
    c.fail('filing-no');
  }
  if (filing && filing.filing_no !== s.filing_no) c.fail('filing-no');
  if (filing && filing.filing_no === s.filing_no) {
    if (s.city !== filing.city || s.kind !== filing.institution_kind) c.fail('city-kind');
  }
  c.nonEmpty(s.name);
  c.visible(s.name);
  for (const text of [s.address, s.contact, s.phone]) c.visible(text);
  const approved = c.date(s.approved_on);
  const until = c.date(s.valid_until);
  if (approved && until && until < approved) c.fail('filing-dates');
  c.date(s.issued_on);
  if (s.occupations.length === 0) c.fail('scope-entries');
  const seen = new Set();
  for (const o of s.occupations) {
    c.visible(o.name);
    c.visible(o.subtype);
    if (o.subtype !== undefined && isNoneMarker(o.subtype)) c.fail('none-marker');
    if (!scopeRange(o)) c.fail('scope-range');
    const key = JSON.stringify([o.code, o.subtype ?? null]);
    if (seen.has(key)) c.fail('scope-entries');
    seen.add(key);
  }
  await checkKeyList(s.keys, 'institution-keys', c);
  return c.rule;
}

/**
 * A list of signing keys: at least one, valid, named by its own kid, once, with an ordered window.
 * @param {KeyEntry[]} keys
 * @param {string} rule the rule a fault breaks
 * @param {Checks} c
 */
async function checkKeyList(keys, rule, c) {
  if (keys.length === 0) c.fail(rule);
  const kids = new Set();
  for (const k of keys) {
    let bytes = null;
    try {
      bytes = fromBase64(k.public_key);
    } catch {
      c.fail(rule);
    }
    if (bytes && (publicKeyProblem(bytes) || (await keyId(bytes)) !== k.kid)) c.fail(rule);
    const from = c.date(k.valid_from);
    const to = k.valid_until === undefined ? null : c.date(k.valid_until);
    if (from && to && to < from) c.fail(rule);
    if (kids.has(k.kid)) c.fail(rule);
    kids.add(k.kid);
  }
}

/**
 * The rules a publisher statement keeps on its own; the first rule broken or null.
 * @param {Publisher} s
 * @returns {Promise<string | null>}
 */
export async function checkPublisher(s) {
  const c = new Checks();
  c.version(s.v);
  for (const text of [s.name, s.origin]) {
    c.nonEmpty(text);
    c.visible(text);
  }
  c.date(s.issued_on);
  await checkKeyList(s.keys, 'publisher-keys', c);
  return c.rule;
}

/**
 * A tree head a visitor can follow (Rust TreeHead::shape): at most 24 bits,
 * tiles of height 1-16 (the first may be 0) reaching no higher than the tree
 * and leaving fewer than 6 levels, one 32-byte top node per subtree above.
 * @param {TreeHead} t
 * @returns {boolean}
 */
export function treeShapeOk(t) {
  if (t.bits < 0 || t.bits > 24 || t.tiles.length === 0) return false;
  if (!t.tiles.every((h, i) => h >= 0 && h <= 16 && (i === 0 || h > 0))) return false;
  const reach = t.tiles.reduce((a, b) => a + b, 0);
  if (reach > t.bits || t.bits - reach >= 6) return false;
  return t.top.length === 2 ** (t.bits - reach) && t.top.every(isHash);
}

/**
 * The rules a snapshot keeps on its own; the first rule broken or null.
 * @param {Snapshot} s
 * @returns {string | null}
 */
export function checkSnapshot(s) {
  const c = new Checks();
  c.version(s.v);
  c.nonEmpty(s.origin);
  c.visible(s.origin);
  c.date(s.data_date);
  if (!treeShapeOk(s.shards) || !treeShapeOk(s.issuers)) c.fail('schema');
  if (s.log.size < 0 || !isHash(s.log.root)) c.fail('schema');
  else if (s.log.size > MAX_LOG_SIZE) c.fail('log-size');
  return c.rule;
}

/**
 * The rules a certificate statement keeps on its own, with the page's policy
 * (`today`, `minIterations`, the access-controlled codes and folded names)
 * and the filed scope entry of its occupation code (for its name, as filed).
 * Returns the first rule broken, or null.
 * @param {Certificate} s
 * @param {Policy & { today: string }} policy
 * @param {string | null} filedName
 * @returns {string | null}
 */
export function checkCertificate(s, { today, minIterations, accessControlled }, filedName) {
  const c = new Checks();
  c.version(s.v);
  let code = null;
  try {
    code = parseCode(s.code);
  } catch {
    c.fail('code');
  }
  if (code && code.code !== s.code) {
    c.fail('code');
    code = null;
  }
  c.nonEmpty(s.institution);
  for (const text of [s.institution, s.occupation, s.occupation_code, s.subtype, s.tier, s.method]) c.visible(text);
  // Nothing of the holder in the clear.
  if (s.name_masked === '' || ![...s.name_masked].every((ch) => ch === '*')) c.fail('name-masked');
  if (!idMaskOk(s.id_masked)) c.fail('id-masked');
  if (!isHash(s.name_hash) || !isHash(s.id_hash)) c.fail('hash-format');
  if (s.kdf !== KDF) c.fail('kdf');
  if (s.iterations < minIterations) c.fail('iterations');
  if (!ID_TYPES.includes(s.id_type)) c.fail('id-type');
  // Nothing access-controlled (checked first, as Rust's catalogue does), and
  // the occupation named as filed for its code.
  if (s.subtype !== undefined && accessControlled.names.includes(foldCompact(s.subtype))) c.fail('access-controlled');
  if (accessControlled.codes.includes(s.occupation_code)) c.fail('access-controlled');
  if (filedName !== null && foldCompact(filedName) !== foldCompact(s.occupation)) c.fail('occupation-name');
  if (s.subtype !== undefined && isNoneMarker(s.subtype)) c.fail('none-marker');
  const level = c.level(s.level);
  const issued = c.date(s.issued_on);
  if (issued && issued > today) c.fail('not-future');
  if (code && level !== null && level !== code.level) c.fail('code-level');
  if (code && issued && Number(issued.slice(0, 4)) !== code.year) c.fail('code-year');
  if (s.tier !== undefined && (!TOP_TIERS.includes(s.tier) || (level !== null && level !== 1))) c.fail('tier');
  return c.rule;
}

/**
 * The rules a revocation keeps on its own; the first broken or null.
 * @param {Revocation} s
 * @returns {string | null}
 */
export function checkRevocation(s) {
  const c = new Checks();
  c.version(s.v);
  c.code(s.code);
  c.date(s.revoked_on);
  c.nonEmpty(s.reason);
  c.visible(s.reason);
  return c.rule;
}


/**
 * The rules a city statement keeps on its own; the first broken or null.
 * @param {City} s
 * @returns {Promise<string | null>}
 */
export async function checkCity(s) {
  const c = new Checks();
  c.version(s.v);
  if (!/^[0-9]{2}$/.test(s.city_code) || s.city_code === '00') c.fail('city-code');
  c.nonEmpty(s.authority);
  c.visible(s.authority);
  if (s.reviews_from !== undefined) c.date(s.reviews_from);
  c.date(s.issued_on);
  await checkKeyList(s.keys, 'city-keys', c);
  return c.rule;
}

/**
 * The rules a review keeps on its own, judged on `today`; the first broken
 * or null. What ties it to its certificate and city is verify.js's.
 * @param {Review} s
 * @param {string} today
 * @returns {string | null}
 */
export function checkReview(s, today) {
  const c = new Checks();
  c.version(s.v);
  c.code(s.code);
  if (!isHash(s.certificate)) c.fail('hash-format');
  const reviewed = c.date(s.reviewed_on);
  const signed = c.date(s.signed_on);
  if (reviewed && signed && reviewed > signed) c.fail('review-dates');
  if (signed && signed > today) c.fail('not-future');
  return c.rule;
}
