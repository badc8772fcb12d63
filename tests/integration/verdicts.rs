//! The verdict corpus, `tests/vectors/verdicts.json`: one judgment, two
//! implementations. Each case is what a host serves for one lookup (the
//! issuer's statements, the shard's lines), the date, and what must come of
//! it: the problems `certsite verify` finds (rule, file, line, field) and the
//! browser's verdict and rule (`tests/js/verdicts.test.mjs` runs the same
//! file against the shipped modules). Every rule of `trust::rules` has a
//! case; a rule is added by adding its cases first.
//!
//! Regenerate with `CERTSITE_UPDATE_VECTORS=1 cargo test --test integration verdicts`.

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use certsite_core::domain::occupation::Catalogue;
use certsite_core::domain::text::FORMAT_CHARACTERS;
use certsite_core::trust::canonical::Json;
use certsite_core::trust::chain::ReviewState;
use certsite_core::trust::dataset;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::{Certificate, Institution, Statement};
use certsite_core::trust::verifier::Verifier;

use crate::support::*;
use crate::verdicts_snapshot;

const PATH: &str = "tests/vectors/verdicts.json";
pub(crate) const TODAY: &str = "2026-11-30";
const MIN_ITERATIONS: u32 = 1_000_000;
/// A valid 沈阳鼓风机 certificate: 车工, level 3, 2024.
pub(crate) const CODE: &str = "Y000021013002243000001";

/// What the page must conclude.
pub(crate) struct Page {
    pub(crate) verdict: &'static str,
    pub(crate) rule: Option<Rule>,
    /// Revocation and review lines the page must set aside, by the rule that refuses them.
    pub(crate) ignored: Vec<Rule>,
}

pub(crate) fn page(verdict: &'static str, rule: Option<Rule>) -> Page {
    Page {
        verdict,
        rule,
        ignored: Vec::new(),
    }
}

pub(crate) struct Case {
    name: &'static str,
    today: &'static str,
    code: &'static str,
    /// The issuer's statements as served (`i/<filing>.jsonl`); empty is 404.
    directory: Vec<String>,
    /// The shard's lines.
    shard: Vec<String>,
    page: Page,
    /// Decided by a rule only the builder checks (see docs/trust-model.md).
    builder_only: bool,
    /// The directory lists 沈阳市's review authority and every certificate
    /// line of the code gets its city's review ([`with_reviews`]); the
    /// review cases set this false and write their own.
    reviewed: bool,
}

pub(crate) fn case(
    name: &'static str,
    directory: Vec<String>,
    shard: Vec<String>,
    page: Page,
) -> Case {
    Case {
        name,
        today: TODAY,
        code: CODE,
        directory,
        shard,
        page,
        builder_only: false,
        reviewed: true,
    }
}

/// A case whose directory and reviews are its own.
pub(crate) fn unreviewed(
    name: &'static str,
    directory: Vec<String>,
    shard: Vec<String>,
    page: Page,
) -> Case {
    Case {
        reviewed: false,
        ..case(name, directory, shard, page)
    }
}

impl Case {
    /// The same case, looking up another code.
    pub(crate) fn at(self, code: &'static str) -> Case {
        Case { code, ..self }
    }
}

/// The city's review, as every case has it unless it says otherwise: the
/// issuer file lists 沈阳市's review authority, and each certificate line of
/// the code that can be reviewed at all (a statement with a real issue date
/// not after today) gets a review of its exact envelope, made and uploaded
/// on its issue date.
fn with_reviews(mut c: Case, w: &World) -> Case {
    if !c.reviewed {
        return c;
    }
    if !c.directory.is_empty() {
        c.directory
            .push(line(Statement::City(w.shenyang_city()), &w.root));
    }
    let mut reviews: Vec<String> = Vec::new();
    for l in &c.shard {
        let Ok(env) = certsite_core::trust::envelope::Envelope::parse(l) else {
            continue;
        };
        let Ok(Statement::Certificate(cert)) = env.typed() else {
            continue;
        };
        let today: jiff::civil::Date = c.today.parse().unwrap();
        let dated = cert
            .issued_on
            .parse::<jiff::civil::Date>()
            .is_ok_and(|d| d <= today && cert.issued_on.len() == 10);
        if cert.code == c.code && dated {
            let review = w.review_of(l, &cert.issued_on, &cert.issued_on);
            let review = line(Statement::Review(review), &w.shenyang);
            if !reviews.contains(&review) {
                reviews.push(review);
            }
        }
    }
    // Each review right after the certificate lines, before any revocation.
    let at = c
        .shard
        .iter()
        .position(|l| l.contains("\"revoked_on\""))
        .unwrap_or(c.shard.len());
    c.shard.splice(at..at, reviews);
    c
}

/// An envelope around any statement text, signed over its canonical form.
pub(crate) fn raw_line(statement: &str, key: &SecretKey) -> String {
    let canonical = Json::parse(statement).unwrap().canonical_string();
    let sig = STANDARD.encode(key.sign(canonical.as_bytes()));
    format!(
        "{{\"kid\":\"{}\",\"sig\":\"{sig}\",\"statement\":{statement}}}",
        key.public().kid()
    )
}

/// A statement's JSON with one field changed (or removed with `Null`).
fn edited(statement: Statement, field: &str, value: Value) -> String {
    let mut v: Value = serde_json::from_str(&statement.to_json().canonical_string()).unwrap();
    if value.is_null() {
        v.as_object_mut().unwrap().remove(field);
    } else {
        v[field] = value;
    }
    v.to_string()
}

pub(crate) struct Fixture {
    pub(crate) w: World,
}

impl Fixture {
    pub(crate) fn dir(&self, f: impl FnOnce(&mut Institution)) -> String {
        let mut i = self.w.blower();
        f(&mut i);
        line(Statement::Institution(i), &self.w.root)
    }

    pub(crate) fn blower(&self) -> String {
        self.dir(|_| {})
    }

    pub(crate) fn cert_with(
        &self,
        code: &str,
        issued: &str,
        key: &SecretKey,
        f: impl FnOnce(&mut Certificate),
    ) -> String {
        let mut c = certificate(code, issued);
        f(&mut c);
        line(Statement::Certificate(c), key)
    }

    pub(crate) fn cert(&self, f: impl FnOnce(&mut Certificate)) -> String {
        self.cert_with(CODE, "2024-06-30", &self.w.blower_b, f)
    }

    pub(crate) fn good(&self) -> String {
        self.cert(|_| {})
    }

    pub(crate) fn revoke(&self, on: &str, key: &SecretKey) -> String {
        line(Statement::Revocation(revocation(CODE, on)), key)
    }
}

fn cases() -> Vec<Case> {
    let f = Fixture { w: World::new() };
    let w = &f.w;
    let mut out = vec![
        case(
            "a valid certificate",
            vec![f.blower()],
            vec![f.good()],
            page("verified", None),
        ),
        case(
            "no record of the code",
            vec![f.blower()],
            vec![],
            page("not-found", None),
        ),
    ];
    out.extend(envelope_cases(&f));
    out.extend(certificate_rule_cases(&f));
    out.extend(chain_cases(&f));
    out.extend(institution_cases(&f));
    out.extend(history_cases(&f));
    out.extend(revocation_cases(&f));
    out.extend(crate::verdicts_review::cases(&f));
    out.extend(crate::verdicts_signature::cases(&f));
    out.into_iter().map(|c| with_reviews(c, w)).collect()
}

fn envelope_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let good = f.good();
    let statement = || Statement::Certificate(certificate(CODE, "2024-06-30"));
    let fail = |rule| page("invalid-signature", Some(rule));
    let sig = good
        .split("\"sig\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The last base64 character before `==` carries 4 unused bits: set one.
    let mut loose = sig.clone().into_bytes();
    let at = loose.len() - 3;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let idx = alphabet.iter().position(|c| *c == loose[at]).unwrap();
    loose[at] = alphabet[idx | 1];
    let loose = String::from_utf8(loose).unwrap();
    vec![
        case(
            "members reordered and spaced: the signature covers the canonical form",
            vec![f.blower()],
            vec![{
                let v: Value = serde_json::from_str(&good).unwrap();
                format!(
                    "{{ \"statement\" : {} , \"sig\" : \"{}\", \"kid\" : \"{}\" }}",
                    serde_json::to_string_pretty(&v["statement"])
                        .unwrap()
                        .replace('\n', " "),
                    sig,
                    v["kid"].as_str().unwrap()
                )
            }],
            page("verified", None),
        ),
        case(
            "the same line twice counts once",
            vec![f.blower()],
            vec![good.clone(), good.clone()],
            page("verified", None),
        ),
        case(
            "an envelope member too many",
            vec![f.blower()],
            vec![good.replacen('{', "{\"x\":1,", 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a duplicate key in the statement",
            vec![f.blower()],
            vec![good.replacen("\"code\":", &format!("\"code\":\"{CODE}\",\"code\":"), 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a float for an integer",
            vec![f.blower()],
            vec![good.replacen("\"level\":3", "\"level\":3.0", 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a literal in a statement",
            vec![f.blower()],
            vec![good.replacen("\"kdf\":", "\"tier\":true,\"kdf\":", 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a lone surrogate",
            vec![f.blower()],
            vec![good.replacen(
                "\"kdf\":\"PBKDF2-SHA256\"",
                "\"kdf\":\"PBKDF2-SHA256\\ud800\"",
                1,
            )],
            fail(Rule::Envelope),
        ),
        case(
            "a signature in non-canonical base64",
            vec![f.blower()],
            vec![good.replacen(&sig, &loose, 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a signature of 63 bytes",
            vec![f.blower()],
            vec![good.replacen(&sig, &STANDARD.encode([7u8; 63]), 1)],
            fail(Rule::Envelope),
        ),
        case(
            "an integer beyond ±(2^53-1) whose absolute value overflows 64 bits",
            vec![f.blower()],
            vec![good.replacen(
                "\"iterations\":",
                "\"iterations\":-9223372036854775808,\"x\":",
                1,
            )],
            fail(Rule::Envelope),
        ),
        case(
            "-0 for an integer",
            vec![f.blower()],
            vec![good.replacen("\"level\":3", "\"level\":-0", 1)],
            fail(Rule::Envelope),
        ),
        case(
            "a damaged line whose code is written with an escape",
            vec![f.blower()],
            vec![
                good.clone(),
                good.replacen('{', "{\"x\":1,", 1).replacen(
                    "\"code\":\"Y",
                    "\"code\":\"\\u0059",
                    1,
                ),
            ],
            fail(Rule::Envelope),
        ),
        // A BOM is no part of a JSON line: Rust refuses the line, and so must
        // a page whose TextDecoder would drop a BOM at the start of a file.
        case(
            "a BOM before the shard's first line",
            vec![f.blower()],
            vec![format!("\u{feff}{good}")],
            fail(Rule::Envelope),
        ),
        case(
            "a BOM before the issuer file's first line",
            vec![format!("\u{feff}{}", f.blower())],
            vec![good.clone()],
            fail(Rule::Envelope),
        ),
        case(
            "a line of other white space in the issuer file",
            vec![f.blower(), "\u{a0}".into()],
            vec![good.clone()],
            fail(Rule::Envelope),
        ),
        case(
            "an unknown field",
            vec![f.blower()],
            vec![raw_line(
                &edited(statement(), "gender", json!("男")),
                &w.blower_b,
            )],
            fail(Rule::Schema),
        ),
        case(
            "a missing field",
            vec![f.blower()],
            vec![raw_line(
                &edited(statement(), "kdf", Value::Null),
                &w.blower_b,
            )],
            fail(Rule::Schema),
        ),
        case(
            "a string for an integer",
            vec![f.blower()],
            vec![raw_line(
                &edited(statement(), "level", json!("3")),
                &w.blower_b,
            )],
            fail(Rule::Schema),
        ),
        case(
            "an unknown statement type",
            vec![f.blower()],
            vec![raw_line(
                &edited(statement(), "type", json!("diploma")),
                &w.blower_b,
            )],
            fail(Rule::Schema),
        ),
        case(
            "another schema version",
            vec![f.blower()],
            vec![f.cert(|c| c.v = 2)],
            fail(Rule::Version),
        ),
        case(
            "content changed after signing",
            vec![f.blower()],
            vec![good.replacen("\"level\":3", "\"level\":4", 1)],
            fail(Rule::Signature),
        ),
        case(
            "signed by a key the issuer does not list",
            vec![f.blower()],
            vec![f.cert_with(CODE, "2024-06-30", &w.heavy, |_| {})],
            fail(Rule::KeyNotListed),
        ),
    ]
}

fn certificate_rule_cases(f: &Fixture) -> Vec<Case> {
    let fail = |rule| page("invalid-signature", Some(rule));
    let c = |name, edit: Box<dyn FnOnce(&mut Certificate)>, rule| {
        case(name, vec![f.blower()], vec![f.cert(edit)], fail(rule))
    };
    let mut out = vec![
        c(
            "an issue date that does not exist",
            Box::new(|c| c.issued_on = "2024-02-30".into()),
            Rule::Date,
        ),
        c(
            "the name published in part",
            Box::new(|c| c.name_masked = "张**".into()),
            Rule::NameMasked,
        ),
        c(
            "the ID number published",
            Box::new(|c| c.id_masked = "210102199003071233".into()),
            Rule::IdMasked,
        ),
        c(
            "a hash that is not 32 bytes",
            Box::new(|c| c.name_hash = "AAAA".into()),
            Rule::HashFormat,
        ),
        c(
            "another key derivation",
            Box::new(|c| c.kdf = "MD5".into()),
            Rule::Kdf,
        ),
        c(
            "one iteration",
            Box::new(|c| c.iterations = 1),
            Rule::Iterations,
        ),
        c(
            "an invented document type",
            Box::new(|c| c.id_type = "驾驶证".into()),
            Rule::IdType,
        ),
        c(
            "a 焊工 code shown as 电工",
            Box::new(|c| {
                c.occupation_code = "6-18-02-04".into();
                c.occupation = "电工".into();
            }),
            Rule::OccupationName,
        ),
        c(
            "a 焊工 code shown as 临床医师",
            Box::new(|c| {
                c.occupation_code = "6-18-02-04".into();
                c.occupation = "临床医师".into();
            }),
            Rule::OccupationName,
        ),
        c(
            "an access-controlled 工种",
            Box::new(|c| c.subtype = Some("保安员".into())),
            Rule::AccessControlled,
        ),
        c(
            "an access-controlled 工种 behind a zero-width space",
            Box::new(|c| c.subtype = Some("保\u{200b}安员".into())),
            Rule::TextCharacters,
        ),
        c(
            "an access-controlled code under another name",
            Box::new(|c| c.occupation_code = "4-02-01-01".into()),
            Rule::AccessControlled,
        ),
        c(
            "a zero-width space in the occupation code",
            Box::new(|c| c.occupation_code = "6-18-01-01\u{200b}".into()),
            Rule::TextCharacters,
        ),
        c(
            "a bidi override in the occupation",
            Box::new(|c| c.occupation = "车工\u{202e}".into()),
            Rule::TextCharacters,
        ),
        c(
            "an empty institution name",
            Box::new(|c| c.institution = String::new()),
            Rule::Text,
        ),
        c(
            "—— for no 工种",
            Box::new(|c| c.subtype = Some("——".into())),
            Rule::NoneMarker,
        ),
        c(
            "a level that is no level",
            Box::new(|c| c.level = 7),
            Rule::LevelDigit,
        ),
        c(
            "a level other than the code's",
            Box::new(|c| c.level = 4),
            Rule::CodeLevel,
        ),
        c(
            "a year other than the code's",
            Box::new(|c| c.issued_on = "2025-06-30".into()),
            Rule::CodeYear,
        ),
        c(
            "a title that is not one",
            Box::new(|c| c.tier = Some("三级/高级工".into())),
            Rule::Tier,
        ),
    ];
    let w = &f.w;
    out.push(
        case(
            "首席技师 on level 4",
            vec![f.blower()],
            vec![
                f.cert_with("Y000021013002244000001", "2024-06-30", &w.blower_b, |c| {
                    c.tier = Some("首席技师".into())
                }),
            ],
            fail(Rule::Tier),
        )
        .at("Y000021013002244000001"),
    );
    out.push(case(
        "a code that is not one",
        vec![f.blower()],
        vec![f.cert(|c| c.code = "Y000021013002243000001 ".into())],
        page("not-found", None),
    ));
    out.push(Case {
        today: "2024-06-29",
        ..case(
            "an issue date after today",
            vec![f.blower()],
            vec![f.good()],
            fail(Rule::NotFuture),
        )
    });
    out
}

fn chain_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let heavy = line(Statement::Institution(w.heavy()), &w.root);
    vec![
        case(
            "an issuer not in the directory",
            vec![],
            vec![f.good()],
            page("unknown-issuer", Some(Rule::UnknownIssuer)),
        ),
        case(
            "issued before the key's window",
            vec![f.blower()],
            vec![f.cert_with("Y000021013002233000001", "2023-06-30", &w.blower_b, |_| {})],
            page("key-not-valid", Some(Rule::KeyWindow)),
        )
        .at("Y000021013002233000001"),
        case(
            "issued after the filing lapsed",
            vec![heavy],
            vec![
                f.cert_with("Y000021013003245000001", "2024-03-01", &w.heavy, |c| {
                    c.institution = HEAVY_NAME.into();
                    c.occupation = "装配钳工".into();
                    c.occupation_code = "6-20-01-01".into();
                }),
            ],
            page("unknown-issuer", Some(Rule::FilingPeriod)),
        )
        .at("Y000021013003245000001"),
        case(
            "a name other than the filed one",
            vec![f.blower()],
            vec![f.cert(|c| c.institution = "沈阳鼓风机集团".into())],
            page("invalid-signature", Some(Rule::InstitutionName)),
        ),
        case(
            "an occupation not filed",
            vec![f.blower()],
            vec![f.cert(|c| {
                c.occupation = "铣工".into();
                c.occupation_code = "6-18-01-02".into();
            })],
            page("unknown-issuer", Some(Rule::Scope)),
        ),
        case(
            "a level above the filed range",
            vec![f.blower()],
            vec![f.cert_with("Y000021013002242000001", "2024-06-30", &w.blower_b, |_| {})],
            page("unknown-issuer", Some(Rule::ScopeLevel)),
        )
        .at("Y000021013002242000001"),
        case(
            "the exact 工种 entry decides, not a wider one",
            vec![f.dir(|i| {
                let mut gas = scope("6-18-02-04", "焊工", 5, 4);
                gas.subtype = Some("气焊工".into());
                i.occupations.push(gas);
            })],
            vec![f.cert(|c| {
                c.occupation = "焊工".into();
                c.occupation_code = "6-18-02-04".into();
                c.subtype = Some("气焊工".into());
            })],
            page("unknown-issuer", Some(Rule::ScopeLevel)),
        ),
        case(
            "a second copy of the record, signed by a key outside its window",
            vec![f.blower()],
            vec![
                f.good(),
                f.cert_with(CODE, "2024-06-30", &w.blower_a, |_| {}),
            ],
            page("key-not-valid", Some(Rule::KeyWindow)),
        ),
        case(
            "two different records for one code",
            vec![f.blower()],
            vec![f.good(), f.cert(|c| c.method = Some("综合评审".into()))],
            page("invalid-signature", Some(Rule::DuplicateCode)),
        ),
    ]
}

fn institution_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let fail = |rule| page("invalid-signature", Some(rule));
    let d = |name, edit: Box<dyn FnOnce(&mut Institution)>, rule| {
        case(name, vec![f.dir(edit)], vec![f.good()], fail(rule))
    };
    // The point (0, 1) of order 1, and y = p (non-canonical encoding of y = 0).
    let identity = STANDARD.encode({
        let mut b = [0u8; 32];
        b[0] = 1;
        b
    });
    let not_canonical = STANDARD.encode({
        let mut b = [0xffu8; 32];
        b[0] = 0xed;
        b[31] = 0x7f;
        b
    });
    let mut out = vec![
        case(
            "a directory entry not signed by the root",
            vec![line(Statement::Institution(w.blower()), &w.heavy)],
            vec![f.good()],
            fail(Rule::InstitutionSigner),
        ),
        case(
            "a directory entry changed after signing",
            vec![f.blower().replacen("2029-05-31", "2030-05-31", 1)],
            vec![f.good()],
            fail(Rule::Signature),
        ),
        d(
            "a filing number not written canonically",
            Box::new(|i| i.filing_no = "y000021013002".into()),
            Rule::FilingNo,
        ),
        d(
            "a city other than the filing number's",
            Box::new(|i| i.city = "大连市".into()),
            Rule::CityKind,
        ),
        d(
            "a filing that ends before it starts",
            Box::new(|i| i.valid_until = "2019-01-01".into()),
            Rule::FilingDates,
        ),
        d(
            "no occupation filed",
            Box::new(|i| i.occupations.clear()),
            Rule::ScopeEntries,
        ),
        d(
            "an inverted level range",
            Box::new(|i| {
                i.occupations[1].lowest_level = 2;
                i.occupations[1].highest_level = 5;
            }),
            Rule::ScopeRange,
        ),
        d(
            "a key listed under another key's id",
            Box::new(|i| i.keys[0].kid = "0000000000000000".into()),
            Rule::InstitutionKeys,
        ),
        d(
            "a key written with surrounding white space",
            Box::new(|i| i.keys[1].public_key = format!(" {}", i.keys[1].public_key)),
            Rule::InstitutionKeys,
        ),
        d(
            "a zero-width space in the name",
            Box::new(|i| i.name = "沈阳鼓风机\u{200b}集团股份有限公司".into()),
            Rule::TextCharacters,
        ),
        d(
            "another schema version",
            Box::new(|i| i.v = 2),
            Rule::Version,
        ),
        case(
            "a key entry written as an array of its fields",
            vec![{
                let mut v = serde_json::to_value(Statement::Institution(w.blower())).unwrap();
                let k = v["keys"][1].clone();
                v["keys"][1] = json!([k["kid"], k["public_key"], k["valid_from"]]);
                raw_line(&v.to_string(), &w.root)
            }],
            vec![f.good()],
            fail(Rule::Schema),
        ),
        case(
            "two different entries on one day",
            vec![f.blower(), f.dir(|i| i.address = Some("另一个地址".into()))],
            vec![f.good()],
            fail(Rule::InstitutionConflict),
        ),
    ];
    for (name, public_key) in [
        ("a key of small order", identity),
        ("a key in non-canonical encoding", not_canonical),
    ] {
        let mut entry = World::key_entry(&w.blower_a, "2020-06-01", Some("2023-12-31"));
        let pk = certsite_core::trust::keys::PublicKey::from_base64(&public_key);
        entry.kid = pk.map(|k| k.kid()).unwrap_or_else(|_| {
            // The kid is derived from the bytes, whatever they are.
            let bytes = STANDARD.decode(&public_key).unwrap();
            certsite_core::trust::keys::hex(&sha2_256(&bytes))[..16].to_string()
        });
        entry.public_key = public_key;
        out.push(case(
            name,
            vec![f.dir(|i| i.keys[0] = entry)],
            vec![f.good()],
            fail(Rule::InstitutionKeys),
        ));
    }
    out.push(Case {
        builder_only: true,
        ..case(
            "a filed occupation named otherwise than the catalogue",
            vec![f.dir(|i| i.occupations[1].name = "电工".into())],
            vec![f.good()],
            page("verified", None),
        )
    });
    out
}

fn sha2_256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// The directory is adjusted over time (动态调整): a certificate is judged by
/// the entry in force on its issue date, the key windows by the newest.
fn history_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let renamed = f.dir(|i| {
        i.name = "沈阳鼓风机集团有限公司".into();
        i.issued_on = "2025-06-01".into();
    });
    let narrowed = f.dir(|i| {
        i.occupations.truncate(1);
        i.issued_on = "2025-06-01".into();
    });
    let welder = |code: &'static str, issued: &'static str| {
        f.cert_with(code, issued, &w.blower_b, |c| {
            c.occupation = "焊工".into();
            c.occupation_code = "6-18-02-04".into();
        })
    };
    let first = f.dir(|i| {
        i.valid_until = "2023-05-31".into();
        i.keys = vec![World::key_entry(&w.blower_a, "2020-06-01", None)];
        i.issued_on = "2020-06-01".into();
    });
    let extended = f.dir(|i| {
        i.valid_until = "2026-05-31".into();
        i.keys = vec![World::key_entry(&w.blower_a, "2020-06-01", None)];
        i.issued_on = "2023-05-01".into();
    });
    let reapproved = f.dir(|i| {
        i.approved_on = "2024-01-01".into();
        i.valid_until = "2026-12-31".into();
        i.issued_on = "2024-01-01".into();
    });
    let cut_off = f.dir(|i| {
        i.keys[0].valid_until = Some("2022-12-31".into());
        i.issued_on = "2025-06-01".into();
    });
    let old =
        |code: &'static str, issued: &'static str| f.cert_with(code, issued, &w.blower_a, |_| {});
    vec![
        case(
            "renamed later: an older certificate keeps the old name",
            vec![f.blower(), renamed.clone()],
            vec![f.good()],
            page("verified", None),
        ),
        case(
            "renamed: a newer certificate with the old name",
            vec![f.blower(), renamed],
            vec![f.cert_with("Y000021013002253000001", "2025-07-01", &w.blower_b, |_| {})],
            page("invalid-signature", Some(Rule::InstitutionName)),
        )
        .at("Y000021013002253000001"),
        case(
            "scope narrowed later: an older 焊工 certificate stays",
            vec![f.blower(), narrowed.clone()],
            vec![welder("Y000021013002242000001", "2024-06-30")],
            page("verified", None),
        )
        .at("Y000021013002242000001"),
        case(
            "scope narrowed: a newer 焊工 certificate is outside it",
            vec![f.blower(), narrowed],
            vec![welder("Y000021013002252000001", "2025-07-01")],
            page("unknown-issuer", Some(Rule::Scope)),
        )
        .at("Y000021013002252000001"),
        case(
            "re-approved later: a certificate of the first approval stays",
            vec![first.clone(), reapproved],
            vec![old("Y000021013002223000001", "2022-06-30")],
            page("verified", None),
        )
        .at("Y000021013002223000001"),
        case(
            "extended before it lapsed: a certificate after the first period",
            vec![first, extended],
            vec![f.cert_with(CODE, "2024-06-30", &w.blower_a, |_| {})],
            page("verified", None),
        ),
        case(
            "a key cut off later: the newest entry decides key windows",
            vec![f.blower(), cut_off],
            vec![old("Y000021013002233000001", "2023-06-30")],
            page("key-not-valid", Some(Rule::KeyWindow)),
        )
        .at("Y000021013002233000001"),
    ]
}

fn revocation_cases(f: &Fixture) -> Vec<Case> {
    let w = &f.w;
    let ignored = |rule| Page {
        verdict: "verified",
        rule: None,
        ignored: vec![rule],
    };
    vec![
        case(
            "revoked by its issuer",
            vec![f.blower()],
            vec![f.good(), f.revoke("2025-01-02", &w.blower_b)],
            page("revoked", None),
        ),
        case(
            "revoked by the root",
            vec![f.blower()],
            vec![f.good(), f.revoke("2025-01-02", &w.root)],
            page("revoked", None),
        ),
        case(
            "a revocation by a key of another institution",
            vec![f.blower()],
            vec![f.good(), f.revoke("2025-01-02", &w.heavy)],
            ignored(Rule::RevocationSigner),
        ),
        case(
            "a revocation by an issuer key outside its window",
            vec![f.blower()],
            vec![f.good(), f.revoke("2025-01-02", &w.blower_a)],
            ignored(Rule::RevocationSigner),
        ),
        case(
            "a revocation dated before the issue",
            vec![f.blower()],
            vec![f.good(), f.revoke("2024-06-29", &w.blower_b)],
            ignored(Rule::RevocationDate),
        ),
        case(
            "a revocation dated after today",
            vec![f.blower()],
            vec![f.good(), f.revoke("2026-12-01", &w.blower_b)],
            ignored(Rule::NotFuture),
        ),
        case(
            "a revocation changed after signing",
            vec![f.blower()],
            vec![
                f.good(),
                f.revoke("2025-01-02", &w.blower_b)
                    .replacen("2025-01-02", "2025-01-03", 1),
            ],
            ignored(Rule::Signature),
        ),
        case(
            "a revocation without a reason",
            vec![f.blower()],
            vec![
                f.good(),
                line(
                    Statement::Revocation(certsite_core::trust::statement::Revocation {
                        reason: " ".into(),
                        ..revocation(CODE, "2025-01-02")
                    }),
                    &w.blower_b,
                ),
            ],
            ignored(Rule::Text),
        ),
        case(
            "a revocation of a certificate that does not exist",
            vec![f.blower()],
            vec![f.revoke("2025-01-02", &w.blower_b)],
            Page {
                verdict: "not-found",
                rule: None,
                ignored: vec![Rule::RevocationTarget],
            },
        ),
    ]
}

/// Runs the Rust verifier on a case, bytes in memory (as `certsite-core`
/// takes them): the problems as (rule, file, line, field), and where the
/// code stands with its city's review (`null` when no certificate of it
/// was accepted).
fn rust_judgment(case: &Case) -> (Vec<Value>, Value) {
    let files = [("directory", &case.directory), ("shard", &case.shard)];
    let (mut lines, mut problems) = (Vec::new(), Vec::new());
    for (name, statements) in files {
        let text: String = statements.iter().map(|l| format!("{l}\n")).collect();
        let (more, bad) = dataset::lines(Path::new(&format!("{name}.jsonl")), text.as_bytes());
        lines.extend(more);
        problems.extend(bad);
    }
    let verifier = Verifier {
        root: World::new().root.public(),
        options: VerifyOptions {
            today: case.today.parse().unwrap(),
            min_iterations: MIN_ITERATIONS,
        },
    };
    let verified = verifier.verify(lines, problems);
    let review = if verified.chain.certificates.contains_key(case.code) {
        json!(match verified.chain.review_state(case.code) {
            ReviewState::Reviewed(_) => "reviewed",
            ReviewState::BeforeCutOver(_) => "before-cut-over",
            ReviewState::NotReviewed => "not-reviewed",
        })
    } else {
        Value::Null
    };
    let problems = verified
        .problems
        .iter()
        .map(|p| {
            let file = p.file.file_stem().unwrap().to_string_lossy().into_owned();
            json!({
                "rule": p.rule.map(Rule::id),
                "file": file,
                "line": p.line,
                "field": p.field,
                "message": p.message,
            })
        })
        .collect();
    (problems, review)
}

/// The problems bind the two sides: a page that shows a record as valid
/// finds nothing the builder refuses about it, and a page that refuses one
/// names a rule the builder broke too. Revocations and reviews are lines
/// beside the record: the page sets aside those the builder refuses. A
/// verified record is one Rust finds reviewed (or before its city's
/// cut-over); a record the page shows as not reviewed is one Rust accepted
/// without a review.
fn check_parity(case: &Case, problems: &[Value], review: &Value) {
    let rule_of = |p: &Value| p["rule"].as_str().map(str::to_string);
    let shard_line = |p: &Value| {
        (p["file"] == "shard")
            .then(|| case.shard[p["line"].as_u64().unwrap() as usize - 1].as_str())
    };
    let of_code = |text: &str| text.contains(&format!("\"code\":\"{}\"", case.code));
    let beside = |l: &str| l.contains("\"revoked_on\"") || l.contains("\"reviewed_on\"");
    let side = |p: &Value| shard_line(p).is_some_and(|l| of_code(l) && beside(l));
    let about_record = |p: &Value| match shard_line(p) {
        None => true,
        Some(l) => of_code(l) && !beside(l),
    };
    match case.page.verdict {
        "verified" => assert!(
            case.builder_only || review == "reviewed" || review == "before-cut-over",
            "{}: the page shows a record Rust finds {review}",
            case.name
        ),
        "not-reviewed" => assert_eq!(review, "not-reviewed", "{}", case.name),
        _ => {}
    }
    if matches!(
        case.page.verdict,
        "verified" | "revoked" | "not-found" | "not-reviewed"
    ) && !case.builder_only
    {
        let record: Vec<&Value> = problems.iter().filter(|p| about_record(p)).collect();
        assert!(
            record.is_empty(),
            "{}: the page accepts what the builder refuses: {record:?}",
            case.name
        );
        let mut refused: BTreeSet<String> = problems
            .iter()
            .filter(|p| side(p))
            .filter_map(rule_of)
            .collect();
        // A not-reviewed verdict names the rule that refused the review.
        if let Some(rule) = case
            .page
            .rule
            .filter(|_| case.page.verdict == "not-reviewed")
        {
            assert!(refused.remove(rule.id()), "{}: {rule:?}", case.name);
        }
        let ignored: BTreeSet<String> = case.page.ignored.iter().map(|r| r.id().into()).collect();
        assert_eq!(
            refused, ignored,
            "{}: revocations and reviews refused",
            case.name
        );
    } else if let Some(rule) = case.page.rule {
        assert!(
            problems
                .iter()
                .any(|p| rule_of(p).as_deref() == Some(rule.id())),
            "{}: the page refuses by {} but the builder does not: {problems:?}",
            case.name,
            rule.id()
        );
    }
}

fn corpus() -> Value {
    let catalogue = Catalogue::builtin();
    let w = World::new();
    let cases: Vec<Value> = cases()
        .iter()
        .map(|c| {
            let (problems, review) = rust_judgment(c);
            check_parity(c, &problems, &review);
            json!({
                "name": c.name,
                "today": c.today,
                "code": c.code,
                "directory": c.directory,
                "shard": c.shard,
                "host": verdicts_snapshot::honest(&w, c.code, &c.shard, &c.directory, c.today),
                "hints": verdicts_snapshot::hints(),
                "rust": problems,
                "rust_review": review,
                "page": {
                    "verdict": c.page.verdict,
                    "rule": c.page.rule.map(Rule::id),
                    "ignored": c.page.ignored.iter().map(|r| r.id()).collect::<Vec<_>>(),
                },
                "builder_only": c.builder_only,
            })
        })
        .collect();
    json!({
        "about": "The verdict corpus of certsite: Rust (tests/integration/verdicts.rs) and the browser's modules (tests/js/verdicts.test.mjs, with WebCrypto's Ed25519 and with the page's own verifier), the page in today's Chromium (tests/browser/verdicts.test.mjs, both ways) and in Chromium 80 (tests/browser/old_engine_verdicts.test.mjs) judge every case alike. Regenerate with CERTSITE_UPDATE_VECTORS=1 cargo test --test integration verdicts.",
        "root_public_key": World::new().root.public().to_base64(),
        "min_iterations": MIN_ITERATIONS,
        "rules": Rule::ALL.iter().map(|r| r.id()).collect::<Vec<_>>(),
        "builder_only_rules": [Rule::ScopeCatalogue.id()],
        "access_controlled": catalogue.access_controlled(),
        "format_characters": FORMAT_CHARACTERS,
        "small_order_keys": small_order_keys(),
        "cases": cases,
        "snapshot_cases": verdicts_snapshot::corpus_cases(&w),
    })
}

/// The eight points of small order, as canonical encodings.
fn small_order_keys() -> Vec<String> {
    curve25519_dalek::constants::EIGHT_TORSION
        .iter()
        .map(|p| STANDARD.encode(p.compress().to_bytes()))
        .collect()
}

#[test]
fn the_verdict_corpus_is_current() {
    let path = repo().join(PATH);
    let text = serde_json::to_string_pretty(&corpus()).unwrap() + "\n";
    if std::env::var_os("CERTSITE_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let stored = std::fs::read_to_string(&path).expect("tests/vectors/verdicts.json exists");
    assert!(
        stored == text,
        "the verdict corpus changed: rerun with CERTSITE_UPDATE_VECTORS=1 if deliberate"
    );
}

#[test]
fn every_rule_has_a_case() {
    let corpus = corpus();
    let mut seen: BTreeSet<&str> = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rust"].as_array().unwrap())
        .filter_map(|p| p["rule"].as_str())
        .collect();
    seen.extend(
        corpus["snapshot_cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["rust"]["rule"].as_str()),
    );
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

#[test]
fn small_order_keys_are_refused() {
    for key in small_order_keys() {
        assert!(
            certsite_core::trust::keys::PublicKey::from_base64(&key).is_err(),
            "{key}"
        );
    }
}
