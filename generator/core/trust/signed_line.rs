//! One line of a dataset as the chain judges it: parsed into its envelope's
//! parts and typed statement, and, once it passes, kept with its origin and
//! the hash a review names.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::trust::dataset::SourcedLine;
use crate::trust::envelope::{Envelope, envelope_hash, signature_verifies};
use crate::trust::keys::PublicKey;
use crate::trust::problem::{FieldProblem, Problem};
use crate::trust::rules::Rule;
use crate::trust::statement::Statement;

/// A statement that passed, with its envelope and origin.
#[derive(Clone, Debug)]
pub struct Signed<T> {
    /// The typed statement.
    pub statement: T,
    /// The envelope line exactly as read.
    pub raw: String,
    /// The dataset file.
    pub file: Arc<Path>,
    /// Its line.
    pub line: usize,
    /// SHA-256 of the envelope's JCS form (what a review names).
    pub hash: [u8; 32],
}

/// A parsed line. The JSON tree is dropped as soon as the canonical bytes
/// and the typed statement are taken from it, to keep memory small.
pub(crate) struct Parsed {
    pub(crate) src: SourcedLine,
    pub(crate) kid: String,
    sig: [u8; 64],
    canonical: Vec<u8>,
    hash: [u8; 32],
}

impl Parsed {
    /// Whether `key` is the named key and its signature verifies strictly.
    pub(crate) fn verifies_with(&self, key: &PublicKey) -> bool {
        signature_verifies(key, &self.kid, &self.canonical, &self.sig)
    }
}

pub(crate) fn parse(src: SourcedLine) -> Result<(Statement, Parsed), Problem> {
    let env = Envelope::parse(&src.text)
        .map_err(|e| Problem::line(&src.file, src.line, e.to_string()).rule(Rule::Envelope))?;
    let statement = env.typed().map_err(|e| {
        Problem::field(&src.file, src.line, "statement", e.to_string()).rule(Rule::Schema)
    })?;
    let canonical = env.statement.canonical();
    let parsed = Parsed {
        hash: envelope_hash(&env.kid, &env.sig, &canonical),
        canonical,
        kid: env.kid,
        sig: env.sig,
        src,
    };
    Ok((statement, parsed))
}

pub(crate) fn signed<T>(p: Parsed, statement: T) -> Signed<T> {
    Signed {
        statement,
        raw: p.src.text,
        file: p.src.file,
        line: p.src.line,
        hash: p.hash,
    }
}

pub(crate) fn bad_signature(p: &Parsed) -> Problem {
    Problem::field(
        &p.src.file,
        p.src.line,
        "sig",
        format!("签名无效：内容被改动，或不是密钥 {} 所签", p.kid),
    )
    .rule(Rule::Signature)
}

/// A statement only the root may sign (`what` names it): the root's key
/// id (else `rule`), and a signature that verifies.
fn root_signed(p: &Parsed, root: &PublicKey, what: &str, rule: Rule) -> Result<(), Problem> {
    if p.kid != root.kid() {
        return Err(Problem::field(
            &p.src.file,
            p.src.line,
            "kid",
            format!("{what}须由根密钥 {} 签名，此处为 {}", root.kid(), p.kid),
        )
        .rule(rule));
    }
    if !p.verifies_with(root) {
        return Err(bad_signature(p));
    }
    Ok(())
}

/// What makes a statement one of a history (institutions, cities): who
/// signs it, its own rules, the key it is filed under and its date.
pub(crate) struct HistoryKind<'a, T> {
    /// What the statement is called in a message (机构声明).
    pub what: &'a str,
    /// The rule a signer other than the root breaks.
    pub signer_rule: Rule,
    /// The statement's own rules.
    pub check: &'a dyn Fn(&T) -> Vec<FieldProblem>,
    /// The key its history is filed under (filing number, city code).
    pub key: &'a dyn Fn(&T) -> String,
    /// The date it was signed.
    pub date: &'a dyn Fn(&T) -> &str,
    /// Whose statements they are, from the key (机构 Y000021013002).
    pub whose: &'a dyn Fn(&str) -> String,
    /// The rule two different statements on one day break.
    pub conflict_rule: Rule,
}

/// The histories of root-signed statements a newer one supersedes: each
/// key's valid statements, oldest first, identical ones once; a second,
/// different statement on one day is refused.
pub(crate) fn histories<T: PartialEq>(
    root: &PublicKey,
    items: Vec<(T, Parsed)>,
    kind: &HistoryKind<T>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Vec<Signed<T>>> {
    let mut by_key: BTreeMap<String, Vec<Signed<T>>> = BTreeMap::new();
    for (s, p) in items {
        if let Err(e) = root_signed(&p, root, kind.what, kind.signer_rule) {
            problems.push(e);
            continue;
        }
        let local = (kind.check)(&s);
        if !local.is_empty() {
            problems.extend(local.into_iter().map(|f| f.at(&p.src.file, p.src.line)));
            continue;
        }
        by_key.entry((kind.key)(&s)).or_default().push(signed(p, s));
    }
    let mut out = BTreeMap::new();
    for (key, mut versions) in by_key {
        versions.sort_by(|a, b| (kind.date)(&a.statement).cmp((kind.date)(&b.statement)));
        versions.dedup_by(|a, b| a.statement == b.statement);
        let mut history: Vec<Signed<T>> = Vec::new();
        for version in versions {
            match history.last() {
                Some(kept) if (kind.date)(&kept.statement) == (kind.date)(&version.statement) => {
                    problems.push(
                        Problem::field(
                            &version.file,
                            version.line,
                            "issued_on",
                            format!(
                                "{}在同一签发日期 {} 有两份内容不同的声明（另见 {}:{}）",
                                (kind.whose)(&key),
                                (kind.date)(&version.statement),
                                kept.file.display(),
                                kept.line
                            ),
                        )
                        .rule(kind.conflict_rule),
                    );
                }
                _ => history.push(version),
            }
        }
        out.insert(key, history);
    }
    out
}
