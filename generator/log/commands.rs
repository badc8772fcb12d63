//! The `certsite log` commands: `verify` (audit a mirrored site), `diff`
//! (what a log added between two checkpoints) and `authorize` (the root
//! lists the publisher's log keys).

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::log::audit::{self, Audit};
use crate::log::merkle::Hash;
use crate::trust::envelope::Envelope;
use crate::trust::keys::{PublicKey, SecretKey};
use crate::trust::statement::{KeyEntry, Publisher, Statement};

/// Prints an audit; true when it found nothing wrong. Without an earlier
/// checkpoint it says that a rollback cannot be seen.
pub(crate) fn print_audit(site: &Path, a: &Audit, with_from: bool) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "站点 {}", site.display());
    if a.size > 0 || a.problems.is_empty() {
        let _ = writeln!(
            out,
            "  日志        {} 条，根哈希 {}",
            a.size,
            STANDARD.encode(a.root)
        );
        let _ = writeln!(out, "  数据截至    {}", a.data_date);
        let _ = writeln!(out, "  日志文件    {} 个已核对", a.tiles);
        let _ = writeln!(
            out,
            "  已发布声明  {} 条，已逐条核对是否在日志中",
            a.statements
        );
        let _ = writeln!(
            out,
            "  数据文件    {} 个，已逐个核对是否与签名快照一致",
            a.files
        );
    }
    if a.problems.is_empty() {
        let _ = writeln!(out, "全部通过。");
        if !with_from {
            let _ = writeln!(
                out,
                "（未给出 --from：无法判断站点是否回退到旧版本。保存这次的 log/checkpoint，下次用 --from 核对。）"
            );
        }
        return true;
    }
    drop(out);
    for p in &a.problems {
        eprintln!("{p}");
    }
    eprintln!("发现 {} 个问题。", a.problems.len());
    false
}

/// A checkpoint to compare: the site folder's own (with its log), or a
/// checkpoint file. Returns (size, root, log folder if a site).
pub(crate) fn checkpoint_of(
    path: &Path,
    root: &PublicKey,
    keys: &mut Vec<PublicKey>,
    origin: &mut Option<String>,
) -> Result<(String, Option<std::path::PathBuf>), String> {
    if path.is_dir() {
        let snapshot = std::fs::read_to_string(path.join(crate::site::snapshot::SNAPSHOT_FILE))
            .map_err(|e| format!("{}：{}", path.display(), crate::error::os_message(&e)))?;
        let trusted = crate::trust::snapshot::read(&snapshot, root)
            .map_err(|e| format!("{}：{e}", path.display()))?;
        keys.extend(audit::log_keys(&trusted));
        *origin = Some(trusted.publisher.origin.clone());
        let log = path.join("log");
        let text = std::fs::read_to_string(log.join("checkpoint"))
            .map_err(|e| format!("{}：{}", log.display(), crate::error::os_message(&e)))?;
        return Ok((text, Some(log)));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}：{}", path.display(), crate::error::os_message(&e)))?;
    Ok((text, None))
}

/// `certsite log diff OLD NEW`: prints what was added; Err explains a refusal.
pub(crate) fn diff(old: &Path, new: &Path, root: &PublicKey) -> Result<usize, String> {
    let (mut keys, mut origin) = (Vec::new(), None);
    let (old_text, old_log) = checkpoint_of(old, root, &mut keys, &mut origin)?;
    let (new_text, new_log) = checkpoint_of(new, root, &mut keys, &mut origin)?;
    let log = new_log
        .or(old_log)
        .ok_or("OLD 与 NEW 至少一个须是站点目录（从中读取日志条目）")?;
    let origin = origin.expect("set with the log");
    let open = |t: &str| audit::open_checkpoint(t, &origin, &keys);
    let (old_head, new_head): ((usize, Hash), (usize, Hash)) = (open(&old_text)?, open(&new_text)?);
    let added = audit::diff(&log, old_head, new_head)?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{origin}：{} 条 → {} 条，新增 {} 条",
        old_head.0,
        new_head.0,
        added.len()
    );
    for (i, what) in &added {
        let _ = writeln!(out, "  #{:<8} {what}", i + 1);
    }
    Ok(added.len())
}

/// `certsite log authorize`: a publisher statement signed by the root.
pub(crate) struct Authorize<'a> {
    /// The root's secret key.
    pub root: &'a SecretKey,
    /// Who publishes.
    pub name: String,
    /// The log's origin.
    pub origin: String,
    /// The log keys with their windows.
    pub keys: Vec<KeyEntry>,
    /// The statement date.
    pub date: String,
}

impl Authorize<'_> {
    /// The signed line.
    pub(crate) fn line(&self) -> Result<String, String> {
        let p = Publisher {
            v: crate::constants::STATEMENT_VERSION,
            name: self.name.clone(),
            origin: self.origin.clone(),
            keys: self.keys.clone(),
            issued_on: self.date.clone(),
        };
        if let Some(first) = p.check().first() {
            return Err(format!("{}：{}", first.field, first.message));
        }
        Ok(Envelope::sign(&Statement::Publisher(p), self.root).to_line())
    }
}
