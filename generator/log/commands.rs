//! The `certsite log` commands: `verify` (audit a mirrored site), `diff`
//! (what a log added between two checkpoints) and `authorize` (the root
//! lists the publisher's log keys).

use std::path::Path;

use crate::log::audit;
use certsite_core::log::merkle::Hash;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::{PublicKey, SecretKey};
use certsite_core::trust::statement::{KeyEntry, Publisher, Statement};

/// A checkpoint to compare: the site folder's own (with its log), or a
/// checkpoint file. Returns (size, root, log folder if a site).
pub(crate) fn checkpoint_of(
    path: &Path,
    root: &PublicKey,
    keys: &mut Vec<PublicKey>,
    origin: &mut Option<String>,
) -> Result<(String, Option<std::path::PathBuf>), String> {
    if path.is_dir() {
        let snapshot =
            std::fs::read_to_string(path.join(certsite_core::site_format::SNAPSHOT_FILE))
                .map_err(|e| format!("{}：{}", path.display(), crate::catalogue::os_message(&e)))?;
        let trusted = certsite_core::trust::snapshot::read(&snapshot, root)
            .map_err(|e| format!("{}：{e}", path.display()))?;
        keys.extend(audit::log_keys(&trusted));
        *origin = Some(trusted.publisher.origin.clone());
        let log = path.join("log");
        let text = std::fs::read_to_string(log.join("checkpoint"))
            .map_err(|e| format!("{}：{}", log.display(), crate::catalogue::os_message(&e)))?;
        return Ok((text, Some(log)));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}：{}", path.display(), crate::catalogue::os_message(&e)))?;
    Ok((text, None))
}

/// What a log added between two checkpoints.
pub(crate) struct Added {
    /// The log's origin.
    pub origin: String,
    /// The older checkpoint's size.
    pub old_size: usize,
    /// The newer checkpoint's size.
    pub new_size: usize,
    /// Each added entry: its index and what it is, in words.
    pub entries: Vec<(usize, String)>,
}

/// `certsite log diff OLD NEW`: what was added; Err explains a refusal.
pub(crate) fn diff(old: &Path, new: &Path, root: &PublicKey) -> Result<Added, String> {
    let (mut keys, mut origin) = (Vec::new(), None);
    let (old_text, old_log) = checkpoint_of(old, root, &mut keys, &mut origin)?;
    let (new_text, new_log) = checkpoint_of(new, root, &mut keys, &mut origin)?;
    let log = new_log
        .or(old_log)
        .ok_or("OLD 与 NEW 至少一个须是站点目录（从中读取日志条目）")?;
    let origin = origin.expect("set with the log");
    let open = |t: &str| audit::open_checkpoint(t, &origin, &keys);
    let (old_head, new_head): ((usize, Hash), (usize, Hash)) = (open(&old_text)?, open(&new_text)?);
    let entries = audit::diff(&log, old_head, new_head)?;
    Ok(Added {
        origin,
        old_size: old_head.0,
        new_size: new_head.0,
        entries,
    })
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
            v: certsite_core::constants::STATEMENT_VERSION,
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
