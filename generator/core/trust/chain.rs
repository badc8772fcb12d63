//! The trust chain: root → institution and city statements → certificate,
//! review and revocation statements. Every signature and every rule that links
//! statements is checked here, for `certsite verify` and for the build.
//!
//! All problems are collected, each naming file, line and field; what passes
//! is returned so that callers can report counts or publish it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::domain::level::Level;
use crate::domain::occupation::Catalogue;
use crate::trust::city::{City, Review};
use crate::trust::dataset::SourcedLine;
use crate::trust::keys::PublicKey;
use crate::trust::options::VerifyOptions;
use crate::trust::problem::{FieldProblem, Problem};
use crate::trust::review_rules::{
    check_cities, check_review, check_reviews, check_unbound_review, newest_city,
};
use crate::trust::rules::Rule;
pub use crate::trust::signed_line::Signed;
use crate::trust::signed_line::{HistoryKind, Parsed, bad_signature, histories, parse, signed};
use crate::trust::statement::{
    Certificate, Institution, Publisher, Revocation, Statement, scope_range,
};

/// Everything that verified.
#[derive(Debug, Default)]
pub struct Chain {
    /// Every valid statement of each filing number, oldest first (never
    /// empty): a certificate is judged by the one in force on its issue date
    /// for name, scope and filing period ([`in_force`]), by the newest
    /// ([`Chain::newest`]) for key windows.
    pub history: BTreeMap<String, Vec<Signed<Institution>>>,
    /// Older statements replaced by a newer one.
    pub superseded: usize,
    /// Valid certificates by code (identical repeats counted once).
    pub certificates: BTreeMap<String, Signed<Certificate>>,
    /// The effective (earliest) revocation of each revoked certificate.
    pub revocations: BTreeMap<String, Signed<Revocation>>,
    /// Every valid statement of each city code, oldest first (never empty);
    /// the newest decides key windows and the cut-over.
    pub cities: BTreeMap<String, Vec<Signed<City>>>,
    /// The review in effect (the earliest signed) of each reviewed certificate.
    pub reviews: BTreeMap<String, Signed<Review>>,
    /// Every valid publisher statement, oldest first: the newest lists the
    /// keys that sign the site's snapshots and log checkpoints.
    pub publisher: Vec<Signed<Publisher>>,
    /// Envelopes read, valid or not.
    pub lines_read: usize,
}

impl Chain {
    /// The newest statement of a filing number: it decides the key windows,
    /// so a key cut-off applies to every certificate.
    pub fn newest(&self, filing: &str) -> Option<&Signed<Institution>> {
        self.history.get(filing).and_then(|h| h.last())
    }

    /// The newest statement of the city a certificate code or filing number names.
    pub fn city_of(&self, code: &str) -> Option<&Signed<City>> {
        newest_city(&self.cities, code)
    }

    /// Whether an accepted certificate was reviewed by its city, needs no
    /// review (issued before the city's cut-over), or still waits for one.
    pub fn review_state(&self, code: &str) -> ReviewState<'_> {
        if let Some(review) = self.reviews.get(code) {
            return ReviewState::Reviewed(review);
        }
        let city = self.city_of(code).map(|c| &c.statement);
        let issued = self.certificates.get(code).map(|c| &c.statement.issued_on);
        match (city, issued) {
            (Some(city), Some(issued)) if !city.requires_review(issued) => {
                ReviewState::BeforeCutOver(city)
            }
            _ => ReviewState::NotReviewed,
        }
    }

    /// Whether an accepted certificate counts in the statistics and in
    /// 附件7: passed by its city's review (or issued before the city's
    /// cut-over) and not revoked. The notice has enterprises file "审核通过的
    /// 认定结果"; the site's statistics page counts the same.
    pub fn counts(&self, code: &str) -> bool {
        !matches!(self.review_state(code), ReviewState::NotReviewed)
            && !self.revocations.contains_key(code)
    }

    /// Judges one review line read apart from the data (a city's output an
    /// issuer holds), by the rules `verify` applies, against this chain's
    /// cities and certificates. When its certificate is in the chain, the
    /// review must name that exact record, as in a dataset. When it is not
    /// (signed and reviewed, not yet published), every other rule holds, with
    /// `issued_on` the issue date the caller has for the certificate (its
    /// roster's): what a review then proves is that the city passed this
    /// code, not which signed record.
    pub fn judge_review(
        &self,
        line: SourcedLine,
        issued_on: &str,
        opts: &VerifyOptions,
    ) -> Result<Signed<Review>, Vec<Problem>> {
        let (statement, p) = parse(line).map_err(|e| vec![e])?;
        let Statement::Review(review) = statement else {
            let problem = Problem::field(
                &p.src.file,
                p.src.line,
                "type",
                "不是审核记录（type 应为 review）",
            )
            .rule(Rule::Schema);
            return Err(vec![problem]);
        };
        if self.certificates.contains_key(&review.code) {
            check_review(&review, &p, &self.certificates, &self.cities, opts)?;
        } else {
            check_unbound_review(&review, &p, issued_on, &self.cities, opts)?;
        }
        Ok(signed(p, review))
    }

    /// The newest statement of every filing number.
    pub fn institutions(&self) -> BTreeMap<&str, &Signed<Institution>> {
        self.history
            .iter()
            .filter_map(|(filing, h)| Some((filing.as_str(), h.last()?)))
            .collect()
    }
}

/// Where a certificate stands with its city's review.
#[derive(Clone, Copy, Debug)]
pub enum ReviewState<'a> {
    /// A valid review of its exact envelope by a key of its city.
    Reviewed(&'a Signed<Review>),
    /// Issued before the city's cut-over (`reviews_from`): published
    /// without a review, and shown as such.
    BeforeCutOver(&'a City),
    /// No valid review yet: never shown as valid.
    NotReviewed,
}

/// Verifies all lines against `root`. Returns what passed and every problem.
pub fn verify(
    root: &PublicKey,
    lines: Vec<SourcedLine>,
    catalogue: &Catalogue,
    opts: &VerifyOptions,
) -> (Chain, Vec<Problem>) {
    let mut chain = Chain {
        lines_read: lines.len(),
        ..Chain::default()
    };
    let parsed: Vec<Result<(Statement, Parsed), Problem>> =
        lines.into_par_iter().map(parse).collect();
    let mut problems = Vec::new();
    let (mut institutions, mut certificates, mut revocations, mut publishers) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut cities, mut reviews) = (Vec::new(), Vec::new());
    for p in parsed {
        match p {
            Err(e) => problems.push(e),
            Ok((statement, p)) => match statement {
                Statement::Institution(s) => institutions.push((s, p)),
                Statement::Certificate(s) => certificates.push((s, p)),
                Statement::Revocation(s) => revocations.push((s, p)),
                Statement::Publisher(s) => publishers.push((s, p)),
                Statement::City(s) => cities.push((s, p)),
                Statement::Review(s) => reviews.push((s, p)),
                Statement::Snapshot(_) => problems.push(
                    Problem::field(
                        &p.src.file,
                        p.src.line,
                        "type",
                        "快照由构建生成，不是数据：请从数据目录中删除这一行",
                    )
                    .rule(Rule::Schema),
                ),
            },
        }
    }
    check_publishers(root, publishers, &mut chain, &mut problems);
    let seen_codes: BTreeSet<String> = certificates.iter().map(|(c, _)| c.code.clone()).collect();
    check_institutions(root, institutions, catalogue, &mut chain, &mut problems);
    chain.cities = check_cities(root, cities, &mut problems);
    check_certificates(certificates, catalogue, opts, &mut chain, &mut problems);
    chain.reviews = check_reviews(
        reviews,
        &chain.certificates,
        &chain.cities,
        opts,
        &mut problems,
    );
    check_revocations(
        root,
        revocations,
        &seen_codes,
        opts,
        &mut chain,
        &mut problems,
    );
    problems.sort();
    (chain, problems)
}

fn check_institutions(
    root: &PublicKey,
    items: Vec<(Institution, Parsed)>,
    catalogue: &Catalogue,
    chain: &mut Chain,
    problems: &mut Vec<Problem>,
) {
    let kind = HistoryKind {
        what: "机构声明",
        signer_rule: Rule::InstitutionSigner,
        check: &|s: &Institution| s.check(catalogue),
        key: &|s: &Institution| s.filing_no.clone(),
        date: &|s: &Institution| s.issued_on.as_str(),
        whose: &|filing| format!("机构 {filing} "),
        conflict_rule: Rule::InstitutionConflict,
    };
    chain.history = histories(root, items, &kind, problems);
    chain.superseded = chain.history.values().map(|h| h.len() - 1).sum();
}

fn check_publishers(
    root: &PublicKey,
    items: Vec<(Publisher, Parsed)>,
    chain: &mut Chain,
    problems: &mut Vec<Problem>,
) {
    // One history: the publisher's.
    let kind = HistoryKind {
        what: "发布者声明",
        signer_rule: Rule::PublisherSigner,
        check: &Publisher::check,
        key: &|_: &Publisher| String::new(),
        date: &|s: &Publisher| s.issued_on.as_str(),
        whose: &|_| "发布者".into(),
        conflict_rule: Rule::PublisherKeys,
    };
    chain.publisher = histories(root, items, &kind, problems)
        .remove("")
        .unwrap_or_default();
}

/// The statement in force on `date`: the newest signed on or before it, or
/// the first one for a certificate older than the directory entry.
pub fn in_force<'a>(history: &'a [Signed<Institution>], date: &str) -> &'a Institution {
    let signed = history
        .iter()
        .rev()
        .find(|v| v.statement.issued_on.as_str() <= date)
        .unwrap_or(&history[0]);
    &signed.statement
}

/// The rules that tie a certificate to its issuer. Returns the problems.
fn check_certificate(
    s: &Certificate,
    p: &Parsed,
    chain: &Chain,
    catalogue: &Catalogue,
    opts: &VerifyOptions,
) -> Vec<Problem> {
    let (file, line) = (&p.src.file, p.src.line);
    let at =
        |rule: Rule, field: &str, msg: String| Problem::field(file, line, field, msg).rule(rule);
    let (Some(newest), Some(history)) = (
        chain.newest(s.filing_no()),
        chain.history.get(s.filing_no()),
    ) else {
        return vec![at(
            Rule::UnknownIssuer,
            "code",
            format!("评价机构 {} 不在已签名的机构目录中", s.filing_no()),
        )];
    };
    let newest = &newest.statement;
    let Some(key) = newest.key(&p.kid) else {
        return vec![at(
            Rule::KeyNotListed,
            "kid",
            format!(
                "密钥 {} 不是机构 {} 登记的签名密钥",
                p.kid, newest.filing_no
            ),
        )];
    };
    let verifies = PublicKey::from_base64(&key.public_key).is_ok_and(|pk| p.verifies_with(&pk));
    if !verifies {
        return vec![bad_signature(p)];
    }
    let mut out: Vec<Problem> = s
        .check(catalogue, opts)
        .into_iter()
        .map(|f| f.at(file, line))
        .collect();
    let issued = s.issued_on.as_str();
    if !key.valid_on(issued) {
        out.push(at(
            Rule::KeyWindow,
            "issued_on",
            format!(
                "发证日期 {issued} 不在签名密钥 {} 的有效期（{} 至 {}）内",
                key.kid,
                key.valid_from,
                key.valid_until.as_deref().unwrap_or("今")
            ),
        ));
    }
    out.extend(
        check_against_filing(s, in_force(history, issued))
            .into_iter()
            .map(|f| f.at(file, line)),
    );
    out
}

/// Name, filing period and scope, as filed on the certificate's issue date.
fn check_against_filing(s: &Certificate, inst: &Institution) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let issued = s.issued_on.as_str();
    if !inst.filing_valid_on(issued) {
        out.push(FieldProblem::new(
            Rule::FilingPeriod,
            "issued_on",
            format!(
                "发证日期 {issued} 不在机构资质有效期（{} 至 {}）内",
                inst.approved_on, inst.valid_until
            ),
        ));
    }
    if s.institution != inst.name {
        out.push(FieldProblem::new(
            Rule::InstitutionName,
            "institution",
            format!("“{}”与机构目录中的名称“{}”不一致", s.institution, inst.name),
        ));
    }
    match inst.scope_for(&s.occupation_code, s.subtype.as_deref()) {
        None => out.push(FieldProblem::new(
            Rule::Scope,
            "occupation_code",
            format!(
                "{} {}{} 不在机构备案的职业（工种）范围内",
                s.occupation_code,
                s.occupation,
                s.subtype
                    .as_deref()
                    .map(|t| format!("（{t}）"))
                    .unwrap_or_default()
            ),
        )),
        Some(scope) => {
            let level = u8::try_from(s.level).ok().and_then(Level::from_digit);
            if let (Some(range), Some(level)) = (scope_range(scope), level)
                && !range.contains(level)
            {
                out.push(FieldProblem::new(
                    Rule::ScopeLevel,
                    "level",
                    format!("{} 超出备案的等级范围 {range}", level.name()),
                ));
            }
        }
    }
    out
}

fn check_certificates(
    items: Vec<(Certificate, Parsed)>,
    catalogue: &Catalogue,
    opts: &VerifyOptions,
    chain: &mut Chain,
    problems: &mut Vec<Problem>,
) {
    let chain_so_far = &*chain;
    // Each parsed line is consumed here: the canonical bytes go once checked.
    let results: Vec<Result<Signed<Certificate>, Vec<Problem>>> = items
        .into_par_iter()
        .map(|(s, p)| {
            let found = check_certificate(&s, &p, chain_so_far, catalogue, opts);
            if found.is_empty() {
                Ok(signed(p, s))
            } else {
                Err(found)
            }
        })
        .collect();
    let mut by_code: BTreeMap<String, Vec<Signed<Certificate>>> = BTreeMap::new();
    for result in results {
        match result {
            Ok(c) => by_code.entry(c.statement.code.clone()).or_default().push(c),
            Err(found) => problems.extend(found),
        }
    }
    for (code, mut records) in by_code {
        records.dedup_by(|a, b| a.statement == b.statement);
        if records.len() > 1 {
            let first = &records[0];
            for other in &records[1..] {
                problems.push(
                    Problem::field(
                        &other.file,
                        other.line,
                        "code",
                        format!(
                            "证书编号 {code} 重复：{}:{} 已有内容不同的记录",
                            first.file.display(),
                            first.line
                        ),
                    )
                    .rule(Rule::DuplicateCode),
                );
            }
            continue;
        }
        chain.certificates.insert(code, records.remove(0));
    }
}

fn check_revocations(
    root: &PublicKey,
    items: Vec<(Revocation, Parsed)>,
    seen_codes: &BTreeSet<String>,
    opts: &VerifyOptions,
    chain: &mut Chain,
    problems: &mut Vec<Problem>,
) {
    for (s, p) in items {
        match check_revocation(root, &s, &p, seen_codes, opts, chain) {
            Err(found) => problems.extend(found),
            Ok(()) => {
                let entry = signed(p, s);
                let keep_new = chain
                    .revocations
                    .get(&entry.statement.code)
                    .is_none_or(|old| {
                        (&entry.statement.revoked_on, &entry.raw)
                            < (&old.statement.revoked_on, &old.raw)
                    });
                if keep_new {
                    chain
                        .revocations
                        .insert(entry.statement.code.clone(), entry);
                }
            }
        }
    }
}

/// The rules a revocation keeps: its own, a verified target, a signer that
/// may revoke it on its date, and a date between issue and today.
fn check_revocation(
    root: &PublicKey,
    s: &Revocation,
    p: &Parsed,
    seen_codes: &BTreeSet<String>,
    opts: &VerifyOptions,
    chain: &Chain,
) -> Result<(), Vec<Problem>> {
    let (file, line) = (&p.src.file, p.src.line);
    let local = s.check();
    if !local.is_empty() {
        return Err(local.into_iter().map(|f| f.at(file, line)).collect());
    }
    let at = |rule: Rule, field: &str, msg: String| {
        Err(vec![Problem::field(file, line, field, msg).rule(rule)])
    };
    let Some(cert) = chain.certificates.get(&s.code) else {
        let why = if seen_codes.contains(&s.code) {
            "未通过验证（见该证书的问题）"
        } else {
            "不存在"
        };
        return at(
            Rule::RevocationTarget,
            "code",
            format!("撤销的证书 {} {why}", s.code),
        );
    };
    let filing = cert.statement.filing_no();
    let signer_ok = if p.kid == root.kid() {
        p.verifies_with(root)
    } else {
        let key = chain
            .newest(filing)
            .and_then(|i| i.statement.key(&p.kid))
            .or_else(|| chain.city_of(filing).and_then(|c| c.statement.key(&p.kid)));
        let Some(key) = key else {
            return at(
                Rule::RevocationSigner,
                "kid",
                format!(
                    "密钥 {} 既不是根密钥，也不是评价机构 {filing} 或其所在市审核机构的签名密钥",
                    p.kid
                ),
            );
        };
        if !key.valid_on(&s.revoked_on) {
            return at(
                Rule::RevocationSigner,
                "revoked_on",
                format!(
                    "撤销日期 {} 不在签名密钥 {} 的有效期内",
                    s.revoked_on, key.kid
                ),
            );
        }
        PublicKey::from_base64(&key.public_key).is_ok_and(|pk| p.verifies_with(&pk))
    };
    if !signer_ok {
        return Err(vec![bad_signature(p)]);
    }
    if s.revoked_on < cert.statement.issued_on {
        return at(
            Rule::RevocationDate,
            "revoked_on",
            format!(
                "撤销日期 {} 早于发证日期 {}",
                s.revoked_on, cert.statement.issued_on
            ),
        );
    }
    if let Some(future) = s.check_not_future(opts.today) {
        return Err(vec![future.at(file, line)]);
    }
    Ok(())
}
