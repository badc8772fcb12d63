//! Signed envelopes, one per line of a dataset (JSON Lines):
//! `{"kid":"…","sig":"…","statement":{…}}`. The signature is pure Ed25519
//! over the statement's RFC 8785 canonical bytes; `kid` names the signing key.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::trust::canonical::Json;
use crate::trust::keys::{PublicKey, SecretKey};
use crate::trust::messages::parse_problem;
use crate::trust::statement::{Statement, StatementError};

/// A parsed envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The statement exactly as received.
    pub statement: Json,
    /// Id of the signing key.
    pub kid: String,
    /// The 64-byte signature.
    pub sig: [u8; 64],
}

impl Envelope {
    /// Signs a statement.
    pub fn sign(statement: &Statement, key: &SecretKey) -> Envelope {
        let statement = statement.to_json();
        let sig = key.sign(&statement.canonical());
        Envelope {
            statement,
            kid: key.public().kid(),
            sig,
        }
    }

    /// Parses one line. Exactly the three members, the statement an object,
    /// the signature standard base64 of 64 bytes.
    pub fn parse(line: &str) -> Result<Envelope, EnvelopeError> {
        let json = Json::parse(line).map_err(|e| EnvelopeError::Json(parse_problem(&e)))?;
        let Json::Obj(mut map) = json else {
            return Err(EnvelopeError::NotAnObject);
        };
        let statement = map.remove("statement").ok_or(EnvelopeError::NoStatement)?;
        let Some(Json::Str(kid)) = map.remove("kid") else {
            return Err(EnvelopeError::NoKid);
        };
        let Some(Json::Str(sig_text)) = map.remove("sig") else {
            return Err(EnvelopeError::NoSig);
        };
        if let Some(extra) = map.keys().next() {
            return Err(EnvelopeError::ExtraMember(extra.clone()));
        }
        if statement.as_object().is_none() {
            return Err(EnvelopeError::StatementNotAnObject);
        }
        let sig = STANDARD
            .decode(&sig_text)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
            .ok_or(EnvelopeError::BadSig)?;
        Ok(Envelope {
            statement,
            kid,
            sig,
        })
    }

    /// The line as written: the envelope's own canonical form, so that the
    /// same statement always produces the same bytes.
    pub fn to_line(&self) -> String {
        let mut map = BTreeMap::new();
        map.insert("kid".to_string(), Json::Str(self.kid.clone()));
        map.insert("sig".to_string(), Json::Str(STANDARD.encode(self.sig)));
        map.insert("statement".to_string(), self.statement.clone());
        Json::Obj(map).canonical_string()
    }

    /// Whether `key` is the named key and its signature over the canonical
    /// statement verifies strictly.
    pub fn verifies_with(&self, key: &PublicKey) -> bool {
        signature_verifies(key, &self.kid, &self.statement.canonical(), &self.sig)
    }

    /// SHA-256 of the envelope's JCS form: what a review names.
    pub fn hash(&self) -> [u8; 32] {
        envelope_hash(&self.kid, &self.sig, &self.statement.canonical())
    }

    /// The typed statement.
    pub fn typed(&self) -> Result<Statement, StatementError> {
        Statement::from_json(&self.statement)
    }
}

/// Why a line is not an envelope.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not JSON, or JSON that statements may not hold.
    #[error("不是合法的 JSON：{0}")]
    Json(String),
    /// JSON, but not an object.
    #[error("每行应为一个 JSON 对象")]
    NotAnObject,
    /// No `statement` member.
    #[error("缺少 statement")]
    NoStatement,
    /// No string `kid`.
    #[error("缺少字符串 kid")]
    NoKid,
    /// No string `sig`.
    #[error("缺少字符串 sig")]
    NoSig,
    /// A member beyond the three.
    #[error("多余的成员 {0}")]
    ExtraMember(String),
    /// The statement is not an object.
    #[error("statement 应为 JSON 对象")]
    StatementNotAnObject,
    /// The signature is not base64 of 64 bytes.
    #[error("sig 应为 64 字节签名的标准 base64")]
    BadSig,
}

/// SHA-256 over the JCS form of an envelope, `{"kid":…,"sig":…,"statement":…}`
/// (members in that order, the statement's canonical bytes), as a review
/// names the certificate it attests. The envelope parser accepts only
/// canonical base64, so the signature is written back as it was served.
pub fn envelope_hash(kid: &str, sig: &[u8; 64], canonical_statement: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::new()
        .chain_update(b"{\"kid\":")
        .chain_update(Json::Str(kid.to_string()).canonical())
        .chain_update(b",\"sig\":\"")
        .chain_update(STANDARD.encode(sig))
        .chain_update(b"\",\"statement\":")
        .chain_update(canonical_statement)
        .chain_update(b"}")
        .finalize()
        .into()
}

/// The signature rule of every envelope: the key is the one the envelope
/// names, and the signature over the canonical statement verifies strictly.
pub fn signature_verifies(key: &PublicKey, kid: &str, canonical: &[u8], sig: &[u8; 64]) -> bool {
    key.kid() == kid && key.verify(canonical, sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::statement::Revocation;

    fn revocation() -> Statement {
        Statement::Revocation(Revocation {
            v: 1,
            code: "Y000021013002245000001".into(),
            revoked_on: "2025-01-02".into(),
            reason: "证书信息有误".into(),
        })
    }

    #[test]
    fn sign_write_parse_verify() {
        let key = SecretKey::from_seed([1; 32]);
        let env = Envelope::sign(&revocation(), &key);
        let line = env.to_line();
        assert!(line.starts_with("{\"kid\":\""));
        let back = Envelope::parse(&line).unwrap();
        assert_eq!(back, env);
        assert!(back.verifies_with(&key.public()));
        assert!(!back.verifies_with(&SecretKey::from_seed([2; 32]).public()));
        assert_eq!(back.typed().unwrap(), revocation());
    }

    #[test]
    fn member_order_and_whitespace_do_not_matter_but_content_does() {
        let key = SecretKey::from_seed([1; 32]);
        let env = Envelope::sign(&revocation(), &key);
        let sig = STANDARD.encode(env.sig);
        let reordered = format!(
            "{{ \"sig\": \"{sig}\", \"statement\": {{\"reason\":\"证书信息有误\",\"code\":\"Y000021013002245000001\",\"v\":1,\"type\":\"revocation\",\"revoked_on\":\"2025-01-02\"}}, \"kid\": \"{}\" }}",
            env.kid
        );
        assert!(
            Envelope::parse(&reordered)
                .unwrap()
                .verifies_with(&key.public())
        );
        let tampered = reordered.replace("2025-01-02", "2025-01-03");
        assert!(
            !Envelope::parse(&tampered)
                .unwrap()
                .verifies_with(&key.public())
        );
    }

    #[test]
    fn the_hash_is_of_the_envelopes_canonical_form() {
        use sha2::Digest;
        let env = Envelope::sign(&revocation(), &SecretKey::from_seed([1; 32]));
        let spaced = format!(
            "{{ \"statement\": {}, \"sig\": \"{}\", \"kid\": \"{}\" }}",
            env.statement.canonical_string(),
            STANDARD.encode(env.sig),
            env.kid
        );
        let parsed = Envelope::parse(&spaced).unwrap();
        let expected: [u8; 32] = sha2::Sha256::digest(env.to_line().as_bytes()).into();
        assert_eq!(parsed.hash(), expected);
    }

    #[test]
    fn malformed_envelopes_are_named() {
        let parse_err = |line: &str| Envelope::parse(line).unwrap_err().to_string();
        assert!(parse_err("[]").contains("JSON 对象"));
        assert!(parse_err("{\"kid\":\"a\",\"sig\":\"\"}").contains("statement"));
        let e = parse_err("{\"kid\":\"a\",\"sig\":\"AAAA\",\"statement\":{}}");
        assert!(e.contains("64 字节"), "{e}");
        let e = parse_err("{\"kid\":\"a\",\"sig\":\"AAAA\",\"statement\":{},\"x\":1}");
        assert!(e.contains("多余的成员 x"), "{e}");
    }
}
