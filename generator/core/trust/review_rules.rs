//! The rules that tie the city's review into the chain: city statements are
//! the root's, a review names one exact accepted certificate and is signed by
//! a key of that certificate's city, inside the key's window, between the
//! review and the upload (see `docs/formats.md`, judging a dataset).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::trust::city::{City, Review, city_code_of};
use crate::trust::keys::PublicKey;
use crate::trust::options::VerifyOptions;
use crate::trust::problem::{FieldProblem, Problem};
use crate::trust::rules::Rule;
use crate::trust::signed_line::{HistoryKind, Parsed, Signed, bad_signature, histories, signed};
use crate::trust::statement::Certificate;

/// Every valid statement of each city code, oldest first.
pub(crate) type Cities = BTreeMap<String, Vec<Signed<City>>>;

/// The newest statement of the city a certificate code or filing number names.
pub(crate) fn newest_city<'a>(cities: &'a Cities, code: &str) -> Option<&'a Signed<City>> {
    cities.get(city_code_of(code)?).and_then(|h| h.last())
}

/// City statements: the root's, keeping their own rules, one a day per city.
/// Returns each city's history.
pub(crate) fn check_cities(
    root: &PublicKey,
    items: Vec<(City, Parsed)>,
    problems: &mut Vec<Problem>,
) -> Cities {
    let kind = HistoryKind {
        what: "城市审核机构声明",
        signer_rule: Rule::CitySigner,
        check: &City::check,
        key: &|s: &City| s.city_code.clone(),
        date: &|s: &City| s.issued_on.as_str(),
        whose: &|code| format!("市代码 {code} 的审核机构"),
        conflict_rule: Rule::CityKeys,
    };
    histories(root, items, &kind, problems)
}

/// Reviews: each judged against the accepted certificates and the cities;
/// of the valid ones of a code, the earliest signed is in effect. Returns
/// the review in effect of each code.
pub(crate) fn check_reviews(
    items: Vec<(Review, Parsed)>,
    certificates: &BTreeMap<String, Signed<Certificate>>,
    cities: &Cities,
    opts: &VerifyOptions,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Signed<Review>> {
    use rayon::prelude::*;
    let mut reviews: BTreeMap<String, Signed<Review>> = BTreeMap::new();
    let results: Vec<Result<Signed<Review>, Vec<Problem>>> = items
        .into_par_iter()
        .map(
            |(s, p)| match check_review(&s, &p, certificates, cities, opts) {
                Ok(()) => Ok(signed(p, s)),
                Err(found) => Err(found),
            },
        )
        .collect();
    for result in results {
        match result {
            Err(found) => problems.extend(found),
            Ok(review) => {
                let keep_new = reviews.get(&review.statement.code).is_none_or(|old| {
                    (&review.statement.signed_on, &review.raw)
                        < (&old.statement.signed_on, &old.raw)
                });
                if keep_new {
                    reviews.insert(review.statement.code.clone(), review);
                }
            }
        }
    }
    reviews
}

/// The rules a review keeps, in order: its own, its target, its signer, the
/// signature, the key's window, and the order of review, issue and upload.
pub(crate) fn check_review(
    s: &Review,
    p: &Parsed,
    certificates: &BTreeMap<String, Signed<Certificate>>,
    cities: &Cities,
    opts: &VerifyOptions,
) -> Result<(), Vec<Problem>> {
    let (file, line) = (&p.src.file, p.src.line);
    let local = s.check(opts.today);
    if !local.is_empty() {
        return Err(local.into_iter().map(|f| f.at(file, line)).collect());
    }
    let at = |rule: Rule, field: &str, msg: String| {
        Err(vec![Problem::field(file, line, field, msg).rule(rule)])
    };
    let Some(cert) = certificates.get(&s.code) else {
        return at(
            Rule::ReviewTarget,
            "code",
            format!("审核的证书 {} 不存在或未通过验证", s.code),
        );
    };
    if STANDARD.encode(cert.hash) != s.certificate {
        return at(
            Rule::ReviewTarget,
            "certificate",
            format!(
                "审核的不是已发布的证书 {} 这一份记录（哈希不符：记录被改动，或由另一密钥重新签名）",
                s.code
            ),
        );
    }
    check_signer(s, p, &cert.statement.issued_on, cities)
}

/// A review whose certificate is not among the accepted ones (an issuer's
/// roster row, signed and reviewed but not published yet): every rule of
/// [`check_reviews`] but the one that ties it to the exact signed record,
/// with `issued_on` the issue date the caller has for the certificate.
pub(crate) fn check_unbound_review(
    s: &Review,
    p: &Parsed,
    issued_on: &str,
    cities: &Cities,
    opts: &VerifyOptions,
) -> Result<(), Vec<Problem>> {
    let local = s.check(opts.today);
    if !local.is_empty() {
        let (file, line) = (&p.src.file, p.src.line);
        return Err(local.into_iter().map(|f| f.at(file, line)).collect());
    }
    check_signer(s, p, issued_on, cities)
}

/// The signer, the signature, the key's window, and the order of review,
/// issue (`issued_on`) and upload.
fn check_signer(
    s: &Review,
    p: &Parsed,
    issued_on: &str,
    cities: &Cities,
) -> Result<(), Vec<Problem>> {
    let (file, line) = (&p.src.file, p.src.line);
    let at = |rule: Rule, field: &str, msg: String| {
        Err(vec![Problem::field(file, line, field, msg).rule(rule)])
    };
    let city_code = city_code_of(&s.code).unwrap_or_default();
    let Some(city) = newest_city(cities, &s.code) else {
        return at(
            Rule::ReviewSigner,
            "kid",
            format!("根密钥没有列出市代码 {city_code} 的审核机构"),
        );
    };
    let city = &city.statement;
    let Some(key) = city.key(&p.kid) else {
        return at(
            Rule::ReviewSigner,
            "kid",
            format!(
                "密钥 {} 不是{}（市代码 {city_code}）登记的审核密钥",
                p.kid, city.authority
            ),
        );
    };
    if !PublicKey::from_base64(&key.public_key).is_ok_and(|pk| p.verifies_with(&pk)) {
        return Err(vec![bad_signature(p)]);
    }
    if !key.valid_on(&s.signed_on) {
        return at(
            Rule::ReviewWindow,
            "signed_on",
            format!(
                "签名日期 {} 不在审核密钥 {} 的有效期（{} 至 {}）内",
                s.signed_on,
                key.kid,
                key.valid_from,
                key.valid_until.as_deref().unwrap_or("今")
            ),
        );
    }
    check_order(s, issued_on).map_err(|f| vec![f.at(file, line)])
}

/// Review, issue, upload: `reviewed_on` ≤ the certificate's `issued_on` ≤
/// `signed_on` (the notice reviews results before the certificate is issued,
/// and the city uploads what was issued).
fn check_order(s: &Review, issued: &str) -> Result<(), FieldProblem> {
    if s.reviewed_on.as_str() > issued {
        return Err(FieldProblem::new(
            Rule::ReviewDates,
            "reviewed_on",
            format!(
                "审核日期 {} 晚于发证日期 {issued}：应先审核、后发证",
                s.reviewed_on
            ),
        ));
    }
    if s.signed_on.as_str() < issued {
        return Err(FieldProblem::new(
            Rule::ReviewDates,
            "signed_on",
            format!(
                "签名（上传）日期 {} 早于发证日期 {issued}：审核机构上传的是已颁发的证书",
                s.signed_on
            ),
        ));
    }
    Ok(())
}
