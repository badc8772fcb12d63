//! The verdict corpus's cases of the city's review (审核): a certificate
//! shows as valid only when a key of its city has reviewed its exact
//! envelope, or when it was issued before the city's cut-over. Every way a
//! review can be wrong has a case; each case writes its own directory and
//! reviews (see `verdicts::with_reviews` for the others').

use certsite_core::trust::city::City;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::Statement;

use crate::support::*;
use crate::verdicts::{CODE, Case, Fixture, Page, page, raw_line, unreviewed};

impl Fixture {
    fn city(&self, f: impl FnOnce(&mut City)) -> String {
        let mut c = self.w.shenyang_city();
        f(&mut c);
        line(Statement::City(c), &self.w.root)
    }

    /// 沈阳鼓风机's statement and 沈阳市's review authority, as served.
    fn listed(&self) -> Vec<String> {
        vec![self.blower(), self.city(|_| {})]
    }

    /// A review of `certificate` by `key`, reviewed and uploaded on those dates.
    fn review_by(
        &self,
        certificate: &str,
        reviewed_on: &str,
        signed_on: &str,
        key: &certsite_core::trust::keys::SecretKey,
    ) -> String {
        let review = self.w.review_of(certificate, reviewed_on, signed_on);
        line(Statement::Review(review), key)
    }

    /// 沈阳市's review of the good certificate (issued 2024-06-30), made on
    /// 2024-06-20 and uploaded on 2024-07-05.
    fn review(&self) -> String {
        self.review_by(&self.good(), "2024-06-20", "2024-07-05", &self.w.shenyang)
    }
}

pub(crate) fn cases(f: &Fixture) -> Vec<Case> {
    let mut out = review_cases(f);
    out.extend(city_cases(f));
    out
}

fn not_reviewed(rule: Option<Rule>) -> Page {
    page("not-reviewed", rule)
}

fn review_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let good = f.good();
    let fail = |rule| not_reviewed(Some(rule));
    let altered = f.cert(|c| c.method = Some("考核测评".into()));
    let resigned = f.cert_with(CODE, "2024-06-30", &w.blower_a, |_| {});
    vec![
        unreviewed(
            "reviewed by its city before issue, uploaded after",
            f.listed(),
            vec![good.clone(), f.review()],
            page("verified", None),
        ),
        unreviewed(
            "reviewed, uploaded and issued on one day",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-30", "2024-06-30", &w.shenyang),
            ],
            page("verified", None),
        ),
        unreviewed(
            "issued, not yet reviewed",
            f.listed(),
            vec![good.clone()],
            not_reviewed(None),
        ),
        unreviewed(
            "no review authority listed for the city",
            vec![f.blower()],
            vec![good.clone(), f.review()],
            fail(Rule::ReviewSigner),
        ),
        unreviewed(
            "reviewed by another city's key",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2024-07-05", &w.dalian),
            ],
            fail(Rule::ReviewSigner),
        ),
        unreviewed(
            "reviewed by the issuer's own key",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2024-07-05", &w.blower_b),
            ],
            fail(Rule::ReviewSigner),
        ),
        unreviewed(
            "reviewed by the root",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2024-07-05", &w.root),
            ],
            fail(Rule::ReviewSigner),
        ),
        unreviewed(
            "a review of another version of the record",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&altered, "2024-06-20", "2024-07-05", &w.shenyang),
            ],
            fail(Rule::ReviewTarget),
        ),
        unreviewed(
            "a review of the same statement signed by another key",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&resigned, "2024-06-20", "2024-07-05", &w.shenyang),
            ],
            fail(Rule::ReviewTarget),
        ),
        unreviewed(
            "a review changed after signing",
            f.listed(),
            vec![
                good.clone(),
                f.review().replacen("2024-06-20", "2024-06-21", 1),
            ],
            fail(Rule::Signature),
        ),
        unreviewed(
            "a review uploaded outside its key's window",
            vec![
                f.blower(),
                f.city(|c| c.keys[0].valid_until = Some("2024-06-30".into())),
            ],
            vec![good.clone(), f.review()],
            fail(Rule::ReviewWindow),
        ),
        unreviewed(
            "a review key cut off later: the newest city statement decides",
            vec![
                f.blower(),
                f.city(|_| {}),
                f.city(|c| {
                    c.keys[0].valid_until = Some("2024-06-30".into());
                    c.issued_on = "2025-01-01".into();
                }),
            ],
            vec![good.clone(), f.review()],
            fail(Rule::ReviewWindow),
        ),
        unreviewed(
            "reviewed after the certificate was issued",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-07-01", "2024-07-05", &w.shenyang),
            ],
            fail(Rule::ReviewDates),
        ),
        unreviewed(
            "uploaded before the certificate was issued",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2024-06-29", &w.shenyang),
            ],
            fail(Rule::ReviewDates),
        ),
        unreviewed(
            "uploaded after today",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2026-12-01", &w.shenyang),
            ],
            fail(Rule::NotFuture),
        ),
        unreviewed(
            "a review whose certificate hash is not one",
            f.listed(),
            vec![good.clone(), {
                let mut r = w.review_of(&good, "2024-06-20", "2024-07-05");
                r.certificate = "AAAA".into();
                line(Statement::Review(r), &w.shenyang)
            }],
            fail(Rule::HashFormat),
        ),
        unreviewed(
            "a review with a field too many",
            f.listed(),
            vec![good.clone(), {
                let r = w.review_of(&good, "2024-06-20", "2024-07-05");
                let mut v = serde_json::to_value(Statement::Review(r)).unwrap();
                v["passed"] = serde_json::json!(1);
                raw_line(&v.to_string(), &w.shenyang)
            }],
            page("invalid-signature", Some(Rule::Schema)),
        ),
        unreviewed(
            "one review refused, another valid",
            f.listed(),
            vec![
                good.clone(),
                f.review_by(&good, "2024-06-20", "2024-07-05", &w.dalian),
                f.review(),
            ],
            Page {
                verdict: "verified",
                rule: None,
                ignored: vec![Rule::ReviewSigner],
            },
        ),
        unreviewed(
            "a review of a certificate that does not exist",
            f.listed(),
            vec![f.review()],
            Page {
                verdict: "not-found",
                rule: None,
                ignored: vec![Rule::ReviewTarget],
            },
        ),
        unreviewed(
            "withdrawn: the city revokes the certificate",
            f.listed(),
            vec![
                good.clone(),
                f.review(),
                f.revoke("2025-01-02", &w.shenyang),
            ],
            page("revoked", None),
        ),
        unreviewed(
            "not reviewed, and revoked by its issuer",
            f.listed(),
            vec![good.clone(), f.revoke("2025-01-02", &w.blower_b)],
            page("revoked", None),
        ),
        unreviewed(
            "a revocation by another city's key",
            f.listed(),
            vec![good.clone(), f.review(), f.revoke("2025-01-02", &w.dalian)],
            Page {
                verdict: "verified",
                rule: None,
                ignored: vec![Rule::RevocationSigner],
            },
        ),
        unreviewed(
            "issued before the city's cut-over: published without a review",
            vec![
                f.blower(),
                f.city(|c| c.reviews_from = Some("2024-07-01".into())),
            ],
            vec![good.clone()],
            page("verified", None),
        ),
        unreviewed(
            "issued on the city's cut-over: a review is needed",
            vec![
                f.blower(),
                f.city(|c| c.reviews_from = Some("2024-06-30".into())),
            ],
            vec![good.clone()],
            not_reviewed(None),
        ),
    ]
}

fn city_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let good = f.good();
    let fail = |rule| page("invalid-signature", Some(rule));
    let with_city = |name, city: String, rule| {
        unreviewed(
            name,
            vec![f.blower(), city],
            vec![good.clone(), f.review()],
            fail(rule),
        )
    };
    vec![
        with_city(
            "a city statement not signed by the root",
            line(Statement::City(w.shenyang_city()), &w.shenyang),
            Rule::CitySigner,
        ),
        with_city(
            "a city statement changed after signing",
            f.city(|_| {}).replacen("2020-01-01", "2019-01-01", 1),
            Rule::Signature,
        ),
        with_city(
            "a city code that is not one",
            f.city(|c| c.city_code = "1".into()),
            Rule::CityCode,
        ),
        with_city(
            "a city key listed under another key's id",
            f.city(|c| c.keys[0].kid = "0000000000000000".into()),
            Rule::CityKeys,
        ),
        with_city(
            "a city without keys",
            f.city(|c| c.keys.clear()),
            Rule::CityKeys,
        ),
        with_city(
            "an empty authority name",
            f.city(|c| c.authority = " ".into()),
            Rule::Text,
        ),
        with_city(
            "a cut-over that is no date",
            f.city(|c| c.reviews_from = Some("2024-13-01".into())),
            Rule::Date,
        ),
        with_city(
            "a city key written as an array of its fields",
            {
                let mut v = serde_json::to_value(Statement::City(w.shenyang_city())).unwrap();
                let k = v["keys"][0].clone();
                v["keys"][0] = serde_json::json!([k["kid"], k["public_key"], k["valid_from"]]);
                raw_line(&v.to_string(), &w.root)
            },
            Rule::Schema,
        ),
        unreviewed(
            "two different city statements on one day",
            vec![
                f.blower(),
                f.city(|_| {}),
                f.city(|c| c.authority = "沈阳市人力资源和社会保障局".into()),
            ],
            vec![good.clone(), f.review()],
            fail(Rule::CityKeys),
        ),
        unreviewed(
            "the city renamed later: the review stands",
            vec![
                f.blower(),
                f.city(|_| {}),
                f.city(|c| {
                    c.authority = "沈阳市人力资源和社会保障局".into();
                    c.issued_on = "2025-01-01".into();
                }),
            ],
            vec![good.clone(), f.review()],
            page("verified", None),
        ),
    ]
}
