//! The parts statements share: a signing key with its window, and the
//! checks of single fields (version, dates, visible text, key lists), each
//! failure named by its rule.

use serde::{Deserialize, Serialize};

use crate::constants::STATEMENT_VERSION;
use crate::domain::dates::parse_iso;
use crate::domain::level::Level;
use crate::trust::keys::PublicKey;
use crate::trust::problem::FieldProblem;
use crate::trust::rules::Rule;

/// A signing key with its validity window (inclusive dates).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// Key id derived from the key.
    pub kid: String,
    /// Standard base64 of the 32-byte public key.
    pub public_key: String,
    /// First day certificates may be dated under this key.
    pub valid_from: String,
    /// Last such day; absent while the key is current. Set it to cut off a
    /// retired or compromised key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

impl KeyEntry {
    /// The entry of `key`, named by its own key id, valid from `valid_from`
    /// (and until `valid_until`, if given).
    pub fn new(key: &PublicKey, valid_from: String, valid_until: Option<String>) -> KeyEntry {
        KeyEntry {
            kid: key.kid(),
            public_key: key.to_base64(),
            valid_from,
            valid_until,
        }
    }

    /// Whether the key may sign on `date` (ISO dates compare as strings).
    pub fn valid_on(&self, date: &str) -> bool {
        self.valid_from.as_str() <= date && self.valid_until.as_deref().is_none_or(|u| date <= u)
    }
}

/// Collects field problems of one statement.
#[derive(Default)]
pub(crate) struct Checks(pub(crate) Vec<FieldProblem>);

impl Checks {
    pub(crate) fn add(&mut self, rule: Rule, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem::new(rule, field, message));
    }

    pub(crate) fn version(&mut self, v: i64) {
        if v != STATEMENT_VERSION {
            self.add(
                Rule::Version,
                "v",
                format!("版本为 {v}，本程序只认 {STATEMENT_VERSION}"),
            );
        }
    }

    /// A well-formed certificate code (a revocation or review names one).
    pub(crate) fn code(&mut self, code: &str) {
        if let Err(e) = crate::domain::code::CertCode::parse(code) {
            self.add(Rule::Code, "code", e.to_string());
        }
    }

    pub(crate) fn date(&mut self, field: &str, text: &str) -> Option<jiff::civil::Date> {
        let d = parse_iso(text);
        if d.is_none() {
            self.add(
                Rule::Date,
                field,
                format!("“{text}”不是 YYYY-MM-DD 格式的有效日期"),
            );
        }
        d
    }

    /// Signed text a visitor reads must be what was checked: no control or
    /// format characters.
    pub(crate) fn visible(&mut self, field: &str, text: &str) {
        if let Some(c) = text.chars().find(|c| crate::domain::text::is_hidden(*c)) {
            self.add(
                Rule::TextCharacters,
                field,
                format!(
                    "含有不可见的控制字符或格式字符 U+{:04X}（如换行、零宽字符、双向控制符）",
                    u32::from(c)
                ),
            );
        }
    }

    pub(crate) fn non_empty(&mut self, field: &str, text: &str) {
        if text.trim().is_empty() {
            self.add(Rule::Text, field, "不能为空");
        } else if text.trim() != text {
            self.add(Rule::Text, field, "首尾不能有空白");
        }
    }

    pub(crate) fn level(&mut self, field: &str, digit: i64) -> Option<Level> {
        let l = u8::try_from(digit).ok().and_then(Level::from_digit);
        if l.is_none() {
            self.add(Rule::LevelDigit, field, format!("等级为 {digit}，应为 1-5"));
        }
        l
    }
}

/// A list of signing keys: at least one, each valid (canonical, not of small
/// order), named by its own kid, once, with an ordered window.
pub(crate) fn check_key_list(keys: &[KeyEntry], rule: Rule, c: &mut Checks) {
    if keys.is_empty() {
        c.add(rule, "keys", "至少要有一个签名公钥");
    }
    let mut kids = std::collections::BTreeSet::new();
    for (i, k) in keys.iter().enumerate() {
        let field = format!("keys[{i}]");
        match PublicKey::from_base64(&k.public_key) {
            Err(e) => c.add(rule, &field, format!("public_key: {e}")),
            Ok(pk) if pk.kid() != k.kid => c.add(
                rule,
                &field,
                format!("kid 为 {}，但由公钥导出应为 {}", k.kid, pk.kid()),
            ),
            Ok(_) => {}
        }
        let from = c.date(&format!("{field}.valid_from"), &k.valid_from);
        let to = k
            .valid_until
            .as_deref()
            .and_then(|u| c.date(&format!("{field}.valid_until"), u));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            c.add(rule, &field, format!("有效期止 {t} 早于起 {f}"));
        }
        if !kids.insert(k.kid.clone()) {
            c.add(rule, &field, format!("密钥 {} 重复出现", k.kid));
        }
    }
}

pub(crate) fn is_hash(text: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok_and(|b| b.len() == crate::constants::HASH_LEN)
}
