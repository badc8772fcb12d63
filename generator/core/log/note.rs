//! C2SP checkpoints as signed notes (c2sp.org/tlog-checkpoint,
//! c2sp.org/signed-note): the origin, the tree size, the root in base64,
//! each line ending in `\n`; a blank line; then one signature line per key,
//! `— <name> <base64(key id ‖ Ed25519 signature)>` with an em dash. The key
//! id is the first 4 bytes of SHA-256(name ‖ `\n` ‖ 0x01 ‖ public key).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::log::merkle::Hash;
use crate::trust::keys::{PublicKey, SecretKey};

/// The signature type byte of Ed25519 in signed notes.
const ED25519: u8 = 0x01;

/// Why a note does not open.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Not text, a blank line and signature lines.
    #[error("签名注记格式不对：{0}")]
    Malformed(&'static str),
    /// No signature line of the expected name and key id: signed by
    /// another key, or under another name.
    #[error("签名注记没有 {name} 的密钥 {key_id} 的签名行（由别的密钥或以别的名称签名）")]
    NotSigned {
        /// The name the signature must be under.
        name: String,
        /// The expected key id, hex.
        key_id: String,
    },
    /// A signature line of the expected key that does not verify: the text
    /// or the signature was changed.
    #[error("{name} 的密钥 {key_id} 的签名无效：正文或签名被改动过")]
    BadSignature {
        /// The name it is under.
        name: String,
        /// Its key id, hex.
        key_id: String,
    },
}

/// The key id of an Ed25519 key under `name`.
pub fn key_id(name: &str, key: &PublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519]);
    h.update(key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The verifier key as tools print it: `<name>+<key id hex>+<base64(0x01 ‖ key)>`.
pub fn vkey(name: &str, key: &PublicKey) -> String {
    let mut typed = vec![ED25519];
    typed.extend(key.as_bytes());
    let id = key_id(name, key);
    format!(
        "{name}+{:02x}{:02x}{:02x}{:02x}+{}",
        id[0],
        id[1],
        id[2],
        id[3],
        STANDARD.encode(typed)
    )
}

/// The body of a checkpoint.
pub fn checkpoint_text(origin: &str, size: u64, root: &Hash) -> String {
    format!("{origin}\n{size}\n{}\n", STANDARD.encode(root))
}

/// The note `text` signed by `key` under `name`.
pub fn sign(text: &str, name: &str, key: &SecretKey) -> String {
    let mut payload = key_id(name, &key.public()).to_vec();
    payload.extend(key.sign(text.as_bytes()));
    format!("{text}\n\u{2014} {name} {}\n", STANDARD.encode(payload))
}

/// The text of a note carrying a valid signature by `key` under `name`.
/// Lines of other keys are ignored; a line of this key that fails rejects
/// the note.
pub fn open(note: &str, name: &str, key: &PublicKey) -> Result<String, NoteError> {
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("没有空行分隔正文与签名"))?;
    let (text, sigs) = (&note[..=split], &note[split + 2..]);
    if !sigs.ends_with('\n') || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("换行或控制字符不对"));
    }
    let id = key_id(name, key);
    let id_hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let bad = || NoteError::BadSignature {
        name: name.to_string(),
        key_id: id_hex.clone(),
    };
    let mut verified = false;
    for line in sigs.lines() {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            return Err(NoteError::Malformed("签名行应以“— ”开头"));
        };
        let (line_name, b64) = rest
            .split_once(' ')
            .ok_or(NoteError::Malformed("签名行缺少签名"))?;
        let bytes = STANDARD
            .decode(b64)
            .map_err(|_| NoteError::Malformed("签名不是 base64"))?;
        if line_name != name || bytes.len() < 4 || bytes[..4] != id {
            continue;
        }
        let sig: [u8; 64] = bytes[4..].try_into().map_err(|_| bad())?;
        if !key.verify(text.as_bytes(), &sig) {
            return Err(bad());
        }
        verified = true;
    }
    if verified {
        Ok(text.to_string())
    } else {
        Err(NoteError::NotSigned {
            name: name.to_string(),
            key_id: id_hex,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's golang.org/x/mod/sumdb/note test key (the skey is
    /// `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz`).
    fn peter() -> SecretKey {
        let typed = STANDARD
            .decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
            .unwrap();
        assert_eq!(typed[0], ED25519);
        SecretKey::from_seed(typed[1..].try_into().unwrap())
    }

    #[test]
    fn key_ids_and_vkeys_match_the_go_reference() {
        assert_eq!(
            vkey("PeterNeumann", &peter().public()),
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        );
    }

    #[test]
    fn a_signed_checkpoint_opens_with_its_key_only() {
        let key = peter();
        let text = checkpoint_text("example.com/log", 70_000, &[7; 32]);
        assert_eq!(
            text,
            "example.com/log\n70000\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
        );
        let note = sign(&text, "example.com/log", &key);
        assert!(note.contains("\n\n\u{2014} example.com/log "));
        assert_eq!(
            open(&note, "example.com/log", &key.public()),
            Ok(text.clone())
        );
        // Another name, another key: no line of theirs, said as such.
        let other = SecretKey::from_seed([9; 32]).public();
        let not_signed = |e| matches!(e, Err(NoteError::NotSigned { .. }));
        assert!(not_signed(open(&note, "example.com/log", &other)));
        assert!(not_signed(open(&note, "example.com/other", &key.public())));
        // One changed character: the key's line is there and fails.
        let edited = note.replacen("70000", "70001", 1);
        let e = open(&edited, "example.com/log", &key.public()).unwrap_err();
        assert!(matches!(e, NoteError::BadSignature { .. }), "{e}");
        assert!(e.to_string().contains("签名无效"), "{e}");
        // A changed signature byte, the same.
        let sig_at = note.rfind(' ').unwrap() + 10;
        let mut bytes = note.clone().into_bytes();
        bytes[sig_at] = if bytes[sig_at] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(bytes).unwrap();
        let e = open(&forged, "example.com/log", &key.public()).unwrap_err();
        assert!(matches!(e, NoteError::BadSignature { .. }), "{e}");
    }
}
