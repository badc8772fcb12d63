//! Witness cosignatures on checkpoints (c2sp.org/tlog-cosignature, Ed25519
//! cosignature/v1): a witness that has checked that a checkpoint extends
//! every one it saw before signs `cosignature/v1\ntime <t>\n` followed by
//! the checkpoint body; the line is `— <name> base64(key id ‖ u64 time ‖
//! signature)`, the key id the first 4 bytes of SHA-256(name ‖ `\n` ‖ 0x04 ‖
//! key). A log whose checkpoints carry enough cosignatures cannot show two
//! histories without a witness signing both.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::trust::keys::{PublicKey, SecretKey};

/// The signature type byte of Ed25519 cosignature/v1.
const COSIGNATURE_V1: u8 = 0x04;

/// A witness: its name and public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// The witness's name (as in its vkey).
    pub name: String,
    /// Its Ed25519 key.
    pub key: PublicKey,
}

fn key_id(name: &str, key: &PublicKey) -> [u8; 4] {
    let d = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([COSIGNATURE_V1])
        .chain_update(key.as_bytes())
        .finalize();
    [d[0], d[1], d[2], d[3]]
}

fn message(body: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{body}")
}

impl Witness {
    /// Reads a vkey `<name>+<key id hex>+<base64(0x04 ‖ key)>`.
    pub fn from_vkey(vkey: &str) -> Result<Witness, String> {
        let bad = || format!("“{vkey}”不是 cosignature/v1 见证人公钥（名称+密钥ID+base64）");
        let mut parts = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let bytes = STANDARD.decode(b64).map_err(|_| bad())?;
        let (&kind, raw) = bytes.split_first().ok_or_else(bad)?;
        if kind != COSIGNATURE_V1 || name.is_empty() || name.contains(char::is_whitespace) {
            return Err(bad());
        }
        let key =
            PublicKey::from_base64(&STANDARD.encode(raw)).map_err(|e| format!("{}：{e}", bad()))?;
        let w = Witness {
            name: name.to_string(),
            key,
        };
        if w.vkey().split('+').nth(1) != Some(id) {
            return Err(format!("{}：密钥ID与公钥不符", bad()));
        }
        Ok(w)
    }

    /// The witness's vkey.
    pub fn vkey(&self) -> String {
        let id = key_id(&self.name, &self.key);
        let mut typed = vec![COSIGNATURE_V1];
        typed.extend(self.key.as_bytes());
        format!(
            "{}+{:02x}{:02x}{:02x}{:02x}+{}",
            self.name,
            id[0],
            id[1],
            id[2],
            id[3],
            STANDARD.encode(typed)
        )
    }

    /// Whether `line` is this witness's valid cosignature of `body`.
    pub fn verifies(&self, body: &str, line: &str) -> bool {
        let Some((name, b64)) = line
            .strip_prefix("\u{2014} ")
            .and_then(|r| r.split_once(' '))
        else {
            return false;
        };
        let Ok(bytes) = STANDARD.decode(b64) else {
            return false;
        };
        if name != self.name || bytes.len() != 76 || bytes[..4] != key_id(&self.name, &self.key) {
            return false;
        }
        let time = u64::from_be_bytes(bytes[4..12].try_into().expect("8 bytes"));
        let sig: [u8; 64] = bytes[12..].try_into().expect("64 bytes");
        time < 1 << 63 && self.key.verify(message(body, time).as_bytes(), &sig)
    }
}

/// A witness's cosignature line of `body` at `time` (seconds since the epoch).
pub fn cosign(name: &str, key: &SecretKey, body: &str, time: u64) -> String {
    let mut payload = key_id(name, &key.public()).to_vec();
    payload.extend(time.to_be_bytes());
    payload.extend(key.sign(message(body, time).as_bytes()));
    format!("\u{2014} {name} {}", STANDARD.encode(payload))
}

/// The body of a signed note and its signature lines.
pub fn split_note(note: &str) -> Option<(&str, Vec<&str>)> {
    let at = note.rfind("\n\n")?;
    Some((&note[..=at], note[at + 2..].lines().collect()))
}

/// How many distinct witnesses (by key) of `witnesses` have a valid
/// cosignature in `note`: a witness listed twice counts once.
pub fn cosigned_by(note: &str, witnesses: &[Witness]) -> usize {
    let Some((body, lines)) = split_note(note) else {
        return 0;
    };
    let keys: std::collections::BTreeSet<[u8; 32]> = witnesses
        .iter()
        .filter(|w| lines.iter().any(|l| w.verifies(body, l)))
        .map(|w| *w.key.as_bytes())
        .collect();
    keys.len()
}

/// The number of distinct witnesses (by key) in a list.
pub fn distinct(witnesses: &[Witness]) -> usize {
    witnesses
        .iter()
        .map(|w| *w.key.as_bytes())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cosignature_verifies_for_its_witness_and_body_only() {
        let key = SecretKey::from_seed([7; 32]);
        let w = Witness {
            name: "witness.example/w1".into(),
            key: key.public(),
        };
        assert_eq!(Witness::from_vkey(&w.vkey()), Ok(w.clone()));
        let body = "certsite.example/log\n3\nAAAA\n";
        let line = cosign(&w.name, &key, body, 1_700_000_000);
        assert!(w.verifies(body, &line));
        assert!(!w.verifies("certsite.example/log\n4\nAAAA\n", &line));
        let other = Witness {
            name: "witness.example/w2".into(),
            key: SecretKey::from_seed([8; 32]).public(),
        };
        assert!(!other.verifies(body, &line));
        let note = format!("{body}\n\u{2014} log xyz\n{line}\n");
        assert_eq!(cosigned_by(&note, &[w.clone(), other.clone()]), 1);
        assert_eq!(cosigned_by(&note, &[w.clone(), w.clone()]), 1);
        assert_eq!(distinct(&[w.clone(), w.clone(), other.clone()]), 2);
        assert!(Witness::from_vkey("nope").is_err());
        let wrong_id = w.vkey().replacen('+', "+00", 1);
        assert!(Witness::from_vkey(&wrong_id).is_err());
    }

    #[test]
    fn the_key_id_and_time_are_those_of_the_specification_layout() {
        // The C2SP example decodes to a 4-byte key id and an 8-byte time.
        let key = SecretKey::from_seed([9; 32]);
        let line = cosign("w", &key, "o\n1\nAAAA\n", 1_679_315_147);
        let b64 = line.rsplit(' ').next().unwrap();
        let bytes = STANDARD.decode(b64).unwrap();
        assert_eq!(bytes.len(), 76);
        assert_eq!(
            u64::from_be_bytes(bytes[4..12].try_into().unwrap()),
            1_679_315_147
        );
    }
}
