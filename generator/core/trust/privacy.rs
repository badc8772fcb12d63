//! What a certificate statement may say about its holder: masks that show
//! almost nothing, and salted, deliberately slow hashes (PBKDF2-HMAC-SHA256,
//! which every browser's WebCrypto has) that let a verifier who types the full
//! name or ID number learn only "matches" or "does not match".
//!
//! The normalisation here is part of the format: the browser applies the same
//! steps before hashing what the visitor typed. See `docs/privacy.md`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::Sha256;

use crate::constants::{HASH_LEN, ID_SALT_PREFIX, NAME_SALT_PREFIX};
use crate::domain::id_document::normalize_number;
use crate::domain::text::fold_compact;

/// Middle dots people use inside transliterated names (买买提·艾力); all
/// become U+00B7. NFKC already turns the full-width full stop into `.`.
const NAME_DOTS: [char; 7] = ['•', '・', '‧', '⋅', '.', '∙', '･'];

/// Normalises a holder name for hashing: NFKC, every white space removed,
/// middle-dot variants unified to `·`, Latin letters upper-cased.
pub fn normalize_name(raw: &str) -> String {
    fold_compact(raw)
        .chars()
        .map(|c| if NAME_DOTS.contains(&c) { '·' } else { c })
        .flat_map(char::to_uppercase)
        .collect()
}

/// The public form of a name: nothing of it. `docs/privacy.md` shows
/// why even the surname would make names cheap to recover.
pub fn mask_name(_name: &str) -> String {
    "**".to_string()
}

/// How many trailing characters of a document number stay visible.
pub(crate) const ID_VISIBLE_TAIL: usize = 2;

/// The public form of a (normalised) document number: every character but
/// the last `ID_VISIBLE_TAIL` replaced by `*`.
pub fn mask_id(number: &str) -> String {
    let n = number.chars().count();
    number
        .chars()
        .enumerate()
        .map(|(i, c)| if i + ID_VISIBLE_TAIL < n { '*' } else { c })
        .collect()
}

/// PBKDF2-HMAC-SHA256 of `secret` with `salt`, standard base64.
fn slow_hash(secret: &str, salt: &str, iterations: u32) -> String {
    let mut out = [0u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), salt.as_bytes(), iterations, &mut out);
    STANDARD.encode(out)
}

/// The salt of the name hash of certificate `code`.
pub fn name_salt(code: &str) -> String {
    format!("{NAME_SALT_PREFIX}{code}")
}

/// The salt of the ID-number hash of certificate `code`.
pub fn id_salt(code: &str) -> String {
    format!("{ID_SALT_PREFIX}{code}")
}

/// The hash of a holder's name as a certificate statement carries it.
pub fn name_hash(name: &str, code: &str, iterations: u32) -> String {
    slow_hash(&normalize_name(name), &name_salt(code), iterations)
}

/// The hash of a document number as a certificate statement carries it.
pub fn id_hash(number: &str, code: &str, iterations: u32) -> String {
    slow_hash(&normalize_number(number), &id_salt(code), iterations)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "Y000021013002245000001";

    #[test]
    fn names_normalise_the_way_people_type_them() {
        assert_eq!(normalize_name(" 张 三丰 "), "张三丰");
        assert_eq!(normalize_name("张\u{3000}三丰"), "张三丰");
        assert_eq!(normalize_name("买买提•艾力"), "买买提·艾力");
        assert_eq!(normalize_name("买买提．艾力"), "买买提·艾力");
        assert_eq!(normalize_name("买买提・艾力"), "买买提·艾力");
        assert_eq!(normalize_name("John  Smith"), "JOHNSMITH");
        assert_eq!(normalize_name("ＪＯＨＮ ＳＭＩＴＨ"), "JOHNSMITH");
    }

    #[test]
    fn masks_hide_the_name_and_all_but_the_tail_of_the_number() {
        assert_eq!(mask_name("张三丰"), "**");
        assert_eq!(mask_name("李娜"), "**");
        assert_eq!(mask_id("11010519491231002X"), "****************2X");
        assert_eq!(mask_id("E12345678"), "*******78");
    }

    #[test]
    fn pbkdf2_known_answers() {
        // RFC 7914 section 11 gives PBKDF2-HMAC-SHA256 test vectors.
        let mut out = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
             49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
        // The same function as statements use it, with our salt layout.
        assert_eq!(
            name_hash("张三丰", CODE, 1000),
            slow_hash("张三丰", "certsite:name:Y000021013002245000001", 1000)
        );
    }

    #[test]
    fn hashes_match_after_normalisation_and_differ_per_code_and_field() {
        let a = name_hash("张三丰", CODE, 1000);
        assert_eq!(a, name_hash(" 张 三丰\u{3000}", CODE, 1000));
        assert_ne!(a, name_hash("张三峰", CODE, 1000));
        assert_ne!(a, name_hash("张三丰", "Y000021013002245000002", 1000));
        assert_ne!(a, name_hash("张三丰", CODE, 1001));
        let id = id_hash("11010519491231002X", CODE, 1000);
        assert_eq!(id, id_hash("11010519491231002x", CODE, 1000));
        assert_eq!(
            id,
            id_hash("１１０１０５１９４９１２３１００２Ｘ", CODE, 1000)
        );
        // The same text as name and as number hashes differently (salt prefix).
        assert_ne!(
            name_hash("11010519491231002X", CODE, 1000),
            id_hash("11010519491231002X", CODE, 1000)
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }
}
