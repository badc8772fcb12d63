//! Reading a site's `snapshot.jsonl` as a visitor does: every publisher
//! statement (signed by the root, keeping its rules), then the snapshot,
//! signed by a log key the newest publisher statement lists, with its data
//! date inside that key's window. The browser's twin is
//! `site-templates/js/snapshot.js`; the verdict corpus binds the two.

use crate::trust::envelope::Envelope;
use crate::trust::keys::PublicKey;
use crate::trust::rules::Rule;
use crate::trust::statement::{Publisher, Snapshot, Statement};

/// Why a snapshot file is not one to trust, by rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("快照文件第 {line} 行：{message}")]
pub struct SnapshotProblem {
    /// The rule broken.
    pub rule: Rule,
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A snapshot that verified, with the publisher statement that vouches for it.
#[derive(Clone, Debug)]
pub struct TrustedSnapshot {
    /// The newest publisher statement.
    pub publisher: Publisher,
    /// The log key that signed the snapshot.
    pub key: PublicKey,
    /// The snapshot.
    pub snapshot: Snapshot,
}

fn problem(rule: Rule, line: usize, message: impl Into<String>) -> SnapshotProblem {
    SnapshotProblem {
        rule,
        line,
        message: message.into(),
    }
}

/// Parses one line into an envelope and its typed statement.
fn statement(text: &str, line: usize) -> Result<(Envelope, Statement), SnapshotProblem> {
    let env = Envelope::parse(text).map_err(|e| problem(Rule::Envelope, line, e.to_string()))?;
    let s = env
        .typed()
        .map_err(|e| problem(Rule::Schema, line, e.to_string()))?;
    Ok((env, s))
}

/// The newest valid publisher statement of the lines before the snapshot.
fn newest_publisher(lines: &[&str], root: &PublicKey) -> Result<Publisher, SnapshotProblem> {
    let mut newest: Option<Publisher> = None;
    for (i, text) in lines.iter().enumerate() {
        let line = i + 1;
        let (env, s) = statement(text, line)?;
        let Statement::Publisher(p) = s else {
            return Err(problem(Rule::Schema, line, "快照之前只能是发布者声明"));
        };
        if env.kid != root.kid() {
            return Err(problem(
                Rule::PublisherSigner,
                line,
                "发布者声明不是根密钥所签",
            ));
        }
        if !env.verifies_with(root) {
            return Err(problem(Rule::Signature, line, "发布者声明的签名无效"));
        }
        if let Some(first) = p.check().first() {
            return Err(problem(
                first.rule,
                line,
                format!("{}：{}", first.field, first.message),
            ));
        }
        match &newest {
            Some(n) if n.issued_on == p.issued_on && *n != p => {
                return Err(problem(
                    Rule::PublisherKeys,
                    line,
                    "同一天有两份不同的发布者声明",
                ));
            }
            Some(n) if n.issued_on >= p.issued_on => {}
            _ => newest = Some(p),
        }
    }
    newest.ok_or_else(|| problem(Rule::PublisherSigner, 1, "没有发布者声明"))
}

/// Reads and verifies a snapshot file against the root key.
pub fn read(text: &str, root: &PublicKey) -> Result<TrustedSnapshot, SnapshotProblem> {
    let lines: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
    let Some((last, publishers)) = lines.split_last() else {
        return Err(problem(Rule::Schema, 1, "快照文件为空"));
    };
    let publisher = newest_publisher(publishers, root)?;
    let line = lines.len();
    let (env, s) = statement(last, line)?;
    let Statement::Snapshot(snapshot) = s else {
        return Err(problem(Rule::Schema, line, "最后一行应为快照"));
    };
    let Some(entry) = publisher.key(&env.kid) else {
        return Err(problem(
            Rule::SnapshotSigner,
            line,
            format!("快照由 {} 签名，发布者未列出此日志密钥", env.kid),
        ));
    };
    let key = PublicKey::from_base64(&entry.public_key)
        .map_err(|e| problem(Rule::PublisherKeys, line, e.to_string()))?;
    if !env.verifies_with(&key) {
        return Err(problem(Rule::Signature, line, "快照的签名无效"));
    }
    if let Some(first) = snapshot.check().first() {
        return Err(problem(
            first.rule,
            line,
            format!("{}：{}", first.field, first.message),
        ));
    }
    let d = snapshot.data_date.as_str();
    let inside =
        entry.valid_from.as_str() <= d && entry.valid_until.as_deref().is_none_or(|u| d <= u);
    if !inside {
        return Err(problem(
            Rule::SnapshotSigner,
            line,
            format!("快照的数据日期 {d} 不在日志密钥 {} 的有效期内", env.kid),
        ));
    }
    if snapshot.origin != publisher.origin {
        return Err(problem(
            Rule::SnapshotSigner,
            line,
            format!(
                "快照的日志来源 {} 不是发布者的 {}",
                snapshot.origin, publisher.origin
            ),
        ));
    }
    Ok(TrustedSnapshot {
        publisher,
        key,
        snapshot,
    })
}
