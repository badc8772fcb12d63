//! Ed25519 keys: the text of `.key` and `.pub` files, key ids and
//! fingerprints. Reading, generating and writing key files is the caller's
//! (the `certsite` binary's `key_files`).
//!
//! Both files are text: optional `#` comment lines, then one line holding the
//! standard base64 of 32 bytes (the secret seed or the public key). The key id
//! is the first 16 hex digits of SHA-256 of the public key, so it can never be
//! chosen freely; the fingerprint people compare is the whole SHA-256.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::constants::{KID_HEX_LEN, PUBLIC_KEY_SUFFIX, SECRET_KEY_SUFFIX};
use crate::trust::messages::base64_problem;

/// A public key with its derived id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.kid())
    }
}

/// A secret signing key. Never printed: `Debug` shows the key id only.
pub struct SecretKey(SigningKey);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(kid {})", self.public().kid())
    }
}

/// Why the text of a key file is not the key asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyTextError {
    /// The file's key line is not base64 of 32 bytes, or not a valid point.
    #[error(transparent)]
    Format(#[from] KeyFormatError),
    /// A public key file where a secret key is needed, or the reverse.
    #[error("{}", .0.mismatch())]
    WrongRole(KeyRole),
}

/// Which half of a key pair a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRole {
    /// `PREFIX.pub`: the public key, to verify with.
    Public,
    /// `PREFIX.key`: the secret seed, to sign with.
    Secret,
}

impl KeyRole {
    /// The message when a file of the other role was given.
    pub fn mismatch(self) -> &'static str {
        match self {
            KeyRole::Public => {
                "这是私钥文件（文件头写着 SECRET key），此处需要公钥文件（.pub）；私钥切勿外传，也不要发布"
            }
            KeyRole::Secret => "这是公钥文件（.pub），签名需要私钥文件（.key）",
        }
    }

    /// The role a key file's suffix (`key`, `pub`) names.
    pub fn of_suffix(suffix: &str) -> Option<KeyRole> {
        match suffix {
            SECRET_KEY_SUFFIX => Some(KeyRole::Secret),
            PUBLIC_KEY_SUFFIX => Some(KeyRole::Public),
            _ => None,
        }
    }

    /// What a key file says it is: its header comment (written by
    /// `keygen`), else its suffix; `None` when it says neither.
    fn of_file(suffix: Option<&str>, text: &str) -> Option<KeyRole> {
        let header = text.lines().filter(|l| l.trim_start().starts_with('#'));
        for line in header {
            if line.contains("SECRET key") {
                return Some(KeyRole::Secret);
            }
            if line.contains("public key") {
                return Some(KeyRole::Public);
            }
        }
        suffix.and_then(KeyRole::of_suffix)
    }
}

/// The key line of a key file that must hold `role` (`suffix`: the file
/// name's extension, which tells the role of a file without a header).
fn key_line<'a>(
    text: &'a str,
    suffix: Option<&str>,
    role: KeyRole,
) -> Result<&'a str, KeyTextError> {
    if KeyRole::of_file(suffix, text).is_some_and(|found| found != role) {
        return Err(KeyTextError::WrongRole(role));
    }
    last_line(text).ok_or(KeyTextError::Format(KeyFormatError::Empty))
}

/// Why text is not a key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    /// The file has no key line.
    #[error("密钥文件是空的")]
    Empty,
    /// Not standard base64.
    #[error("不是标准 base64 编码：{0}")]
    Base64(String),
    /// Not 32 bytes.
    #[error("应为 32 字节，实为 {0} 字节")]
    Length(usize),
    /// 32 bytes that are no point of the curve.
    #[error("不是有效的 Ed25519 公钥")]
    NotAPoint,
    /// Not the canonical encoding of its point.
    #[error("不是 Ed25519 公钥的规范编码")]
    NonCanonical,
    /// A point of small order, which would let anyone forge signatures.
    #[error("是小阶（弱）Ed25519 公钥，不能使用")]
    SmallOrder,
}

/// Decodes standard base64 that must hold exactly 32 bytes.
fn decode32(text: &str) -> Result<[u8; 32], KeyFormatError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| KeyFormatError::Base64(base64_problem(&e)))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyFormatError::Length(bytes.len()))
}

impl PublicKey {
    /// Decodes the standard base64 of a 32-byte public key.
    pub fn from_base64(text: &str) -> Result<PublicKey, KeyFormatError> {
        let bytes = decode32(text)?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyFormatError::NotAPoint)?;
        // Another encoding of a point (y ≥ p, or x = 0 with the sign bit
        // set) would give the same point two key ids.
        if key.to_edwards().compress().to_bytes() != bytes {
            return Err(KeyFormatError::NonCanonical);
        }
        if key.is_weak() {
            return Err(KeyFormatError::SmallOrder);
        }
        Ok(PublicKey(key))
    }

    /// The standard base64 of the 32 bytes.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// SHA-256 of the 32 bytes, lower-case hex.
    pub(crate) fn fingerprint_hex(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// The fingerprint as people read it aloud: hex in groups of four.
    pub fn fingerprint(&self) -> String {
        group4(&self.fingerprint_hex())
    }

    /// The fingerprint's first 16 hex digits in groups of four
    /// (`1a2b 3c4d 5e6f 7a8b`), as a printed certificate shows the root's
    /// under its QR code: the start of [`PublicKey::fingerprint`], read
    /// against the whole one the authority publishes.
    pub fn short_fingerprint(&self) -> String {
        group4(&self.kid())
    }

    /// The key id: the fingerprint's first 16 hex digits.
    pub fn kid(&self) -> String {
        self.fingerprint_hex()[..KID_HEX_LEN].to_string()
    }

    /// Verifies an Ed25519 signature strictly (RFC 8032 with canonical `S`,
    /// no small-order `R` or key), as `verify_strict` does.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = Signature::from_bytes(signature);
        self.0.verify_strict(message, &sig).is_ok()
    }

    /// The key of a `.pub` file's text: its last non-empty line (`suffix`:
    /// the file name's extension).
    pub fn from_file_text(text: &str, suffix: Option<&str>) -> Result<PublicKey, KeyTextError> {
        let line = key_line(text, suffix, KeyRole::Public)?;
        Ok(PublicKey::from_base64(line)?)
    }

    /// The text of a `.pub` file.
    pub fn file_text(&self, label: &str) -> String {
        format!(
            "# certsite public key (Ed25519): {label}\n# kid: {}\n# fingerprint (SHA-256): {}\n{}\n",
            self.kid(),
            self.fingerprint(),
            self.to_base64()
        )
    }
}

impl SecretKey {
    /// The key with this 32-byte seed (RFC 8032's secret key).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// Its public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (pure Ed25519: the message itself, no pre-hash).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.0.sign(message).to_bytes()
    }

    /// The key of a `.key` file's text (`suffix`: the file name's extension).
    pub fn from_file_text(text: &str, suffix: Option<&str>) -> Result<SecretKey, KeyTextError> {
        let line = key_line(text, suffix, KeyRole::Secret)?;
        Ok(SecretKey::from_seed(decode32(line)?))
    }

    /// The text of a `.key` file.
    pub fn file_text(&self, label: &str) -> String {
        format!(
            "# certsite SECRET key (Ed25519 seed): {label}\n# kid: {}\n# Keep this file private. Anyone holding it can sign in your name.\n{}\n",
            self.public().kid(),
            STANDARD.encode(self.0.to_bytes())
        )
    }
}

fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn group4(hex: &str) -> String {
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// (secret, public, message, signature) from `tests/vectors/rfc8032.json`,
    /// the RFC 8032 section 7.1 vectors the browser client is tested against too.
    fn rfc8032() -> Vec<(String, String, String, String)> {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/rfc8032.json")).unwrap();
        v["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let f = |k: &str| t[k].as_str().unwrap().to_string();
                (f("secret"), f("public"), f("message"), f("signature"))
            })
            .collect()
    }

    #[test]
    fn rfc8032_test_vectors() {
        let vectors = rfc8032();
        assert_eq!(vectors.len(), 4);
        for (secret, public, message, signature) in vectors {
            let key = SecretKey::from_seed(unhex(&secret).try_into().unwrap());
            assert_eq!(hex(key.public().as_bytes()), public);
            let msg = unhex(&message);
            let sig = key.sign(&msg);
            assert_eq!(hex(&sig), signature);
            assert!(key.public().verify(&msg, &sig));
            let mut bad = sig;
            bad[0] ^= 1;
            assert!(!key.public().verify(&msg, &bad));
            assert!(!key.public().verify(b"other", &sig));
        }
    }

    #[test]
    fn strict_verification_refuses_a_non_canonical_s() {
        // S + L (the group order) verifies under lax rules but not strictly.
        let (secret, _, message, signature) = rfc8032().remove(0);
        let key = SecretKey::from_seed(unhex(&secret).try_into().unwrap());
        let mut sig: [u8; 64] = unhex(&signature).try_into().unwrap();
        let l: [u8; 32] = unhex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
            .try_into()
            .unwrap();
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(sig[32 + i]) + u16::from(l[i]) + carry;
            sig[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        assert!(
            key.public()
                .verify(&unhex(&message), &unhex(&signature).try_into().unwrap())
        );
        assert!(!key.public().verify(&unhex(&message), &sig));
    }

    #[test]
    fn key_ids_and_fingerprints_derive_from_the_public_key() {
        let key = SecretKey::from_seed([7; 32]);
        let public = key.public();
        assert_eq!(public.kid().len(), 16);
        assert!(public.fingerprint_hex().starts_with(&public.kid()));
        assert_eq!(public.fingerprint().split(' ').count(), 16);
        assert!(
            public
                .fingerprint()
                .starts_with(&public.short_fingerprint())
        );
        assert_eq!(public.short_fingerprint().len(), 19);
        assert_ne!(SecretKey::from_seed([8; 32]).public().kid(), public.kid());
    }

    #[test]
    fn weak_and_malformed_public_keys_are_refused() {
        // The identity point (small order) and a wrong length.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(PublicKey::from_base64(&STANDARD.encode(identity)).is_err());
        assert!(PublicKey::from_base64(&STANDARD.encode([1u8; 31])).is_err());
        assert!(PublicKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn key_file_text_round_trips_and_names_its_role() {
        let key = SecretKey::from_seed([7; 32]);
        let secret = key.file_text("test");
        let public = key.public().file_text("test");
        let read = SecretKey::from_file_text(&secret, Some("key")).unwrap();
        assert_eq!(read.public(), key.public());
        assert_eq!(
            PublicKey::from_file_text(&public, Some("pub")),
            Ok(key.public())
        );
        // The .pub file's last line is the bare base64 key.
        assert_eq!(public.lines().last().unwrap(), key.public().to_base64());
        // The header names the role, whatever the suffix.
        assert_eq!(
            PublicKey::from_file_text(&secret, Some("pub")),
            Err(KeyTextError::WrongRole(KeyRole::Public))
        );
        assert!(matches!(
            SecretKey::from_file_text(&public, None),
            Err(KeyTextError::WrongRole(KeyRole::Secret))
        ));
        // A bare key line takes its role from the suffix.
        let bare = format!("{}\n", key.public().to_base64());
        assert!(SecretKey::from_file_text(&bare, Some("pub")).is_err());
        assert_eq!(
            PublicKey::from_file_text(&bare, Some("txt")),
            Ok(key.public())
        );
        assert_eq!(
            PublicKey::from_file_text("\n  \n", None),
            Err(KeyTextError::Format(KeyFormatError::Empty))
        );
    }
}
