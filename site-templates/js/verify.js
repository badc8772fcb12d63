// The verdict on one certificate, from the texts the host served: the
// issuer's institution statement and the shard. Every signature is checked
// here with WebCrypto; anything unexpected fails closed, never "verified".
import { parseCode } from './code.js';
import { canonicalBytes } from './jcs.js';
import { fromBase64, keyId, verifyEd25519 } from './crypto.js';

/** The verdicts, as `data-verdict` carries them. */
export const VERDICTS = Object.freeze([
  'verified',
  'invalid-signature',
  'unknown-issuer',
  'key-not-valid',
  'revoked',
  'not-found',
  'unsupported',
  'load-error',
]);

/** Parses one envelope line; null when it is not one. */
export function parseEnvelope(line) {
  try {
    const env = JSON.parse(line);
    const ok =
      env && typeof env === 'object' && typeof env.kid === 'string' && typeof env.sig === 'string' &&
      env.statement && typeof env.statement === 'object' && !Array.isArray(env.statement);
    return ok ? env : null;
  } catch {
    return null;
  }
}

/** Whether `env` is signed by `publicKey` (raw bytes) under its own kid. */
export async function envelopeVerifies(env, publicKey) {
  try {
    if ((await keyId(publicKey)) !== env.kid) return false;
    const sig = fromBase64(env.sig);
    if (sig.length !== 64) return false;
    return await verifyEd25519(publicKey, sig, canonicalBytes(env.statement));
  } catch {
    return false;
  }
}

const within = (date, from, until) => typeof date === 'string' && from <= date && (!until || date <= until);

/** The key of an institution statement with this kid, decoded; null if none or malformed. */
async function institutionKey(institution, kid) {
  const entry = (institution.keys ?? []).find((k) => k.kid === kid);
  if (!entry) return null;
  try {
    const key = fromBase64(entry.public_key);
    return key.length === 32 && (await keyId(key)) === entry.kid ? { entry, key } : null;
  } catch {
    return null;
  }
}

/** Checks the issuer's statement against the pinned root key. */
export async function checkInstitution(text, filingNo, rootKey) {
  if (text === null) return { verdict: 'unknown-issuer', reason: 'issuer-not-listed' };
  const lines = text.split('\n').filter((l) => l.trim());
  const env = lines.length === 1 ? parseEnvelope(lines[0]) : null;
  const s = env?.statement;
  if (!env || s.type !== 'institution' || s.filing_no !== filingNo || s.v !== 1) {
    return { verdict: 'invalid-signature', reason: 'institution-malformed' };
  }
  if (!(await envelopeVerifies(env, rootKey))) {
    return { verdict: 'invalid-signature', reason: 'institution-signature' };
  }
  return { institution: s };
}

/**
 * The verdict on `code` given the served texts. `institutionText` is null
 * when the host has no statement for the issuer (HTTP 404).
 * @returns {Promise<{verdict: string, reason?: string, code: object, certificate?: object, institution?: object, revocation?: object}>}
 */
export async function verifyCertificate({ code: raw, rootKey, institutionText, shardText }) {
  const code = parseCode(raw);
  const out = (verdict, extra = {}) => ({ verdict, code, ...extra });
  const inst = await checkInstitution(institutionText, code.filing_no, rootKey);
  const institution = inst.institution;

  const records = [];
  const revocations = [];
  for (const line of shardText.split('\n')) {
    if (!line.trim()) continue;
    const env = parseEnvelope(line);
    if (!env) {
      // An unreadable line that mentions the code is a damaged record.
      if (line.includes(code.code)) return out('invalid-signature', { reason: 'record-damaged', institution });
      continue;
    }
    if (env.statement.code !== code.code) continue;
    if (env.statement.type === 'certificate') records.push(env);
    else if (env.statement.type === 'revocation') revocations.push(env);
  }
  if (records.length === 0) return out('not-found', { institution, reason: inst.verdict ? inst.reason : undefined });
  if (inst.verdict) return out(inst.verdict, { reason: inst.reason, certificate: records[0].statement });
  if (records.length > 1) return out('invalid-signature', { reason: 'record-duplicated', institution });

  const env = records[0];
  const c = env.statement;
  const key = await institutionKey(institution, env.kid);
  if (!key || !(await envelopeVerifies(env, key.key))) {
    return out('invalid-signature', { reason: key ? 'certificate-signature' : 'key-not-listed', institution });
  }
  const consistent =
    c.v === 1 && c.institution === institution.name && c.level === code.level &&
    typeof c.issued_on === 'string' && Number(c.issued_on.slice(0, 4)) === code.year;
  if (!consistent) return out('invalid-signature', { reason: 'record-inconsistent', institution, certificate: c });
  if (!within(c.issued_on, key.entry.valid_from, key.entry.valid_until)) {
    return out('key-not-valid', { institution, certificate: c, key: key.entry });
  }
  if (!within(c.issued_on, institution.approved_on, institution.valid_until)) {
    return out('unknown-issuer', { reason: 'filing-not-valid', institution, certificate: c });
  }
  const scope = (institution.occupations ?? []).find(
    (o) => o.code === c.occupation_code && (o.subtype === c.subtype || o.subtype === undefined),
  );
  if (!scope || c.level > scope.lowest_level || c.level < scope.highest_level) {
    return out('unknown-issuer', { reason: 'out-of-scope', institution, certificate: c });
  }

  // A revocation counts only when it verifies: by the root, or by an issuer
  // key valid on the revocation date. The earliest valid one is effective.
  let revocation = null;
  const rootKid = revocations.length ? await keyId(rootKey) : null;
  for (const r of revocations) {
    const s = r.statement;
    let signer = null;
    if (r.kid === rootKid) signer = rootKey;
    else {
      const k = await institutionKey(institution, r.kid);
      if (k && within(s.revoked_on, k.entry.valid_from, k.entry.valid_until)) signer = k.key;
    }
    if (signer && (await envelopeVerifies(r, signer)) && (!revocation || s.revoked_on < revocation.revoked_on)) {
      revocation = s;
    }
  }
  if (revocation) return out('revoked', { institution, certificate: c, revocation });
  return out('verified', { institution, certificate: c });
}
