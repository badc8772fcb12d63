//! One line of a dataset as the chain judges it: parsed into its envelope's
//! parts and typed statement, and, once it passes, kept with its origin and
//! the hash a review names.

use std::path::Path;
use std::sync::Arc;

use crate::trust::dataset::SourcedLine;
use crate::trust::envelope::{Envelope, envelope_hash, signature_verifies};
use crate::trust::keys::PublicKey;
use crate::trust::problem::Problem;
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
pub(crate) fn root_signed(
    p: &Parsed,
    root: &PublicKey,
    what: &str,
    rule: Rule,
) -> Result<(), Problem> {
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
