//! The city's review (审核, notice 四(四)1-2): the enterprise evaluates, the
//! city's public employment service authority reviews the results, the
//! enterprise issues the certificates that passed, and the city uploads them.
//! Two statements carry it: the root lists each city's review authority and
//! its keys ([`City`]), and a city key attests one exact signed certificate
//! ([`Review`]). The rules that tie a review to its certificate and its city
//! live in [`crate::trust::chain`].

use serde::{Deserialize, Serialize};

use crate::domain::code::FILING_LEN;
use crate::trust::fields::{Checks, KeyEntry, check_key_list, is_hash};
use crate::trust::problem::FieldProblem;
use crate::trust::rules::Rule;

/// A city's review authority, as the root lists it: the city's code (the
/// filing number's 8th-9th characters), the authority's name and its keys.
/// Like an institution statement, a newer one supersedes it (the newest
/// decides key windows and the cut-over) and every one stays published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// Schema version.
    pub v: i64,
    /// 市代码: two digits, `01`-`99`, as filing numbers encode the city.
    pub city_code: String,
    /// 审核机构名称, e.g. `沈阳市公共就业服务机构主管部门`.
    pub authority: String,
    /// The keys that sign this city's reviews, each with a window for the
    /// date a review is signed (uploaded).
    pub keys: Vec<KeyEntry>,
    /// The cut-over (审核要求起始日): a certificate of this city issued
    /// before this date needs no review (it was published before reviews
    /// were signed); absent, every certificate needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews_from: Option<String>,
    /// Date the root signed this statement.
    pub issued_on: String,
}

/// A city's review of one signed certificate: the SHA-256 of the JCS form of
/// the certificate's whole envelope (`kid`, `sig`, `statement`), so the
/// review cannot be moved to an altered record, nor to the same statement
/// signed again by another key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Schema version.
    pub v: i64,
    /// 证书编号 reviewed.
    pub code: String,
    /// Standard base64 of SHA-256 over the JCS form of the certificate's envelope.
    pub certificate: String,
    /// 审核日期: the city reviewed the result on this day, on or before the
    /// certificate's issue date.
    pub reviewed_on: String,
    /// The day the city signed and uploaded the review: on or after the
    /// issue date, inside the key's window, not after today.
    pub signed_on: String,
}

/// The city code of a certificate code or filing number: its 8th-9th characters.
pub fn city_code_of(code: &str) -> Option<&str> {
    code.get(7..9)
        .filter(|c| code.len() >= FILING_LEN && c.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `code` is a city code: two ASCII digits, not `00`.
fn is_city_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) && code != "00"
}

impl City {
    /// The rules a city statement keeps on its own.
    pub fn check(&self) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        if !is_city_code(&self.city_code) {
            c.add(
                Rule::CityCode,
                "city_code",
                format!("“{}”不是市代码：应为两位数字 01-99", self.city_code),
            );
        }
        c.non_empty("authority", &self.authority);
        c.visible("authority", &self.authority);
        if let Some(from) = &self.reviews_from {
            c.date("reviews_from", from);
        }
        c.date("issued_on", &self.issued_on);
        check_key_list(&self.keys, Rule::CityKeys, &mut c);
        c.0
    }

    /// The key with this id, if listed.
    pub fn key(&self, kid: &str) -> Option<&KeyEntry> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    /// Whether a certificate issued on `date` needs a review (ISO dates
    /// compare as strings).
    pub fn requires_review(&self, issued_on: &str) -> bool {
        self.reviews_from
            .as_deref()
            .is_none_or(|from| from <= issued_on)
    }
}

impl Review {
    /// The rules a review keeps on its own, judged on `today`.
    pub fn check(&self, today: jiff::civil::Date) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        c.code(&self.code);
        if !is_hash(&self.certificate) {
            c.add(
                Rule::HashFormat,
                "certificate",
                "应为 32 字节哈希（SHA-256）的标准 base64",
            );
        }
        let reviewed = c.date("reviewed_on", &self.reviewed_on);
        let signed = c.date("signed_on", &self.signed_on);
        if let (Some(r), Some(s)) = (reviewed, signed)
            && r > s
        {
            c.add(
                Rule::ReviewDates,
                "reviewed_on",
                format!("审核日期 {r} 晚于签名（上传）日期 {s}"),
            );
        }
        if let Some(s) = signed
            && s > today
        {
            c.add(
                Rule::NotFuture,
                "signed_on",
                format!("签名（上传）日期 {s} 晚于今天 {today}"),
            );
        }
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_codes_are_the_filing_numbers_digits() {
        assert_eq!(city_code_of("Y000021013002"), Some("01"));
        assert_eq!(city_code_of("Y000021143002243000001"), Some("14"));
        assert_eq!(city_code_of("Y0000"), None);
        assert!(is_city_code("14") && !is_city_code("00") && !is_city_code("1"));
    }

    #[test]
    fn a_review_is_signed_after_it_is_made_and_not_in_the_future() {
        let r = Review {
            v: 1,
            code: "Y000021013002243000001".into(),
            certificate: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
            reviewed_on: "2024-07-01".into(),
            signed_on: "2024-06-30".into(),
        };
        let rules: Vec<Rule> = r
            .check(jiff::civil::date(2024, 6, 29))
            .into_iter()
            .map(|p| p.rule)
            .collect();
        assert_eq!(rules, [Rule::ReviewDates, Rule::NotFuture]);
    }
}
