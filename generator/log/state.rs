//! The log between builds: the tile folder itself (C2SP tlog-tiles layout,
//! `log/` in the data folder by default), which is also what the site
//! publishes under `log/`. Opening it reads the level-0 tiles of the size
//! its checkpoint names and recomputes the root, so a damaged state is
//! refused rather than extended. Appending checks that every logged
//! statement is still published, byte for byte: a build only adds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rayon::prelude::*;

use crate::error::{FsAction, FsContext, FsError};
use certsite_core::log::merkle::{Hash, leaf_hash, root};
use certsite_core::log::tiles::{TILE_WIDTH, TileError, bundle_entries, tile_path, tiles_since};
use certsite_core::site_format::CHECKPOINT;
use certsite_core::trust::envelope::Envelope;

/// Why the log cannot be extended.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LogError {
    /// The state folder could not be read or written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The state does not hash to its own checkpoint.
    #[error("日志状态 {} 已损坏：{reason}。请从备份或已发布站点的 log/ 恢复", dir.display())]
    Damaged {
        /// The state folder.
        dir: PathBuf,
        /// What does not match.
        reason: String,
    },
    /// Published statements are missing from this build.
    #[error(
        "已发布的 {} 条声明不在本次数据中（已发布的声明不能删除或修改；要撤销证书，请签发撤销声明；要调整机构或审核机构，请以较晚的签发日期（--date）签发新的机构声明或城市审核机构声明，写入新文件）：\n{}",
        .0.len(),
        .0.iter().take(20).map(|m| format!("  {m}")).collect::<Vec<_>>().join("\n")
    )]
    Removed(Vec<String>),
    /// An entry is too long for a bundle.
    #[error(transparent)]
    Tile(#[from] TileError),
}

/// The log as the last build left it.
#[derive(Debug)]
pub(crate) struct LogState {
    /// The tile folder.
    pub dir: PathBuf,
    /// Leaf hashes, in log order.
    pub leaves: Vec<Hash>,
}

/// The log after this build's statements were appended.
#[derive(Debug)]
pub(crate) struct Appended {
    /// Entries before this build.
    pub old_size: usize,
    /// Entries after.
    pub size: usize,
    /// The new root.
    pub root: Hash,
    /// Every leaf hash, in log order (for consistency proofs).
    pub leaves: Vec<Hash>,
    /// Tile and bundle files the state does not have yet: path → bytes.
    pub new_files: Vec<(String, Vec<u8>)>,
}

/// The size and root a checkpoint's body names (its second and third line).
fn checkpoint_head(text: &str) -> Option<(usize, Hash)> {
    let mut lines = text.lines().skip(1);
    let size = lines.next()?.parse().ok()?;
    let root = STANDARD.decode(lines.next()?).ok()?.try_into().ok()?;
    Some((size, root))
}

impl LogState {
    /// Opens the state in `dir`; a folder without a checkpoint is an empty log.
    pub(crate) fn open(dir: &Path) -> Result<LogState, LogError> {
        let path = dir.join(CHECKPOINT);
        if !path.exists() {
            return Ok(LogState {
                dir: dir.to_path_buf(),
                leaves: Vec::new(),
            });
        }
        let damaged = |reason: String| LogError::Damaged {
            dir: dir.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(&path).fs(FsAction::Read, &path)?;
        let (size, want) =
            checkpoint_head(&text).ok_or_else(|| damaged(format!("{CHECKPOINT} 无法读取")))?;
        let mut leaves = Vec::with_capacity(size);
        for n in 0..size.div_ceil(TILE_WIDTH) {
            let width = (size - n * TILE_WIDTH).min(TILE_WIDTH);
            let rel = tile_path(Some(0), n as u64, width);
            let file = dir.join(&rel);
            let bytes = std::fs::read(&file).fs(FsAction::Read, &file)?;
            if bytes.len() != width * 32 {
                return Err(damaged(format!("{rel} 长度不对")));
            }
            leaves.extend(
                bytes
                    .chunks(32)
                    .map(|c| -> Hash { c.try_into().expect("32") }),
            );
        }
        if root(&leaves) != want {
            return Err(damaged(format!("{CHECKPOINT} 的根哈希与瓦片不符")));
        }
        Ok(LogState {
            dir: dir.to_path_buf(),
            leaves,
        })
    }

    /// Appends the statements of `published` (every line the site serves,
    /// in the order new ones should enter the log) that the log lacks.
    /// Fails, naming them, if any logged statement is no longer published.
    pub(crate) fn append(&self, published: &[&str]) -> Result<Appended, LogError> {
        let hashes: Vec<Hash> = published
            .par_iter()
            .map(|l| leaf_hash(l.as_bytes()))
            .collect();
        let by_hash: HashMap<&Hash, &str> = hashes.iter().zip(published.iter().copied()).collect();
        let removed: Vec<usize> = (0..self.leaves.len())
            .filter(|i| !by_hash.contains_key(&self.leaves[*i]))
            .collect();
        if !removed.is_empty() {
            return Err(LogError::Removed(self.describe(&removed)));
        }
        let logged: std::collections::HashSet<&Hash> = self.leaves.iter().collect();
        let mut leaves = self.leaves.clone();
        let mut entries: Vec<&[u8]> = self.leaves.iter().map(|h| by_hash[h].as_bytes()).collect();
        let mut added = std::collections::HashSet::new();
        for (line, hash) in published.iter().zip(&hashes) {
            if !logged.contains(hash) && added.insert(*hash) {
                leaves.push(*hash);
                entries.push(line.as_bytes());
            }
        }
        let old_size = self.leaves.len();
        // A file already there is kept only if it holds these bytes: one a
        // build left behind without committing its checkpoint is replaced.
        let new_files = tiles_since(&entries, &leaves, old_size)?
            .into_iter()
            .filter(|(path, bytes)| std::fs::read(self.dir.join(path)).ok().as_ref() != Some(bytes))
            .collect();
        Ok(Appended {
            old_size,
            size: leaves.len(),
            root: root(&leaves),
            new_files,
            leaves,
        })
    }

    /// What the removed entries were: index, type and code or filing number.
    fn describe(&self, removed: &[usize]) -> Vec<String> {
        let size = self.leaves.len();
        removed
            .iter()
            .map(|&i| {
                let what = self
                    .entry(i, size)
                    .map_or_else(|| "（无法读取）".to_string(), |e| summary(&e));
                format!("日志第 {} 条：{what}", i + 1)
            })
            .collect()
    }

    /// Entry `i` from its bundle at log size `size`.
    fn entry(&self, i: usize, size: usize) -> Option<String> {
        let n = i / TILE_WIDTH;
        let width = (size - n * TILE_WIDTH).min(TILE_WIDTH);
        let bytes = std::fs::read(self.dir.join(tile_path(None, n as u64, width))).ok()?;
        let entry = *bundle_entries(&bytes)?.get(i % TILE_WIDTH)?;
        String::from_utf8(entry.to_vec()).ok()
    }
}

/// A statement line in a few words: its type and what it names.
pub(crate) fn summary(line: &str) -> String {
    match Envelope::parse(line) {
        Ok(env) => statement_summary(&env.statement.to_value()),
        Err(_) => "无法解析的行".into(),
    }
}

/// A statement in a few words, `certificate Y000021013002233000001（2023-05-01）`:
/// two statements with the same summary are versions of one record.
pub(crate) fn statement_summary(statement: &serde_json::Value) -> String {
    let field = |name: &str| {
        statement
            .get(name)
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let kind = field("type").unwrap_or_default();
    let name = field("code")
        .or_else(|| field("filing_no"))
        .or_else(|| field("city_code"))
        .or_else(|| field("origin"))
        .unwrap_or_default();
    let date = field("issued_on")
        .or_else(|| field("revoked_on"))
        .or_else(|| field("signed_on"))
        .or_else(|| field("data_date"))
        .unwrap_or_default();
    format!("{kind} {name}（{date}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(String, Vec<u8>)], size: usize, root: &Hash) {
        for (path, bytes) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let text = format!("test\n{size}\n{}\n", STANDARD.encode(root));
        std::fs::write(dir.join(CHECKPOINT), text).unwrap();
    }

    #[test]
    fn a_log_grows_by_what_is_new_and_refuses_what_was_removed() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..300).map(|i| format!("line {i}")).collect();
        let first: Vec<&str> = lines[..260].iter().map(String::as_str).collect();
        let state = LogState::open(dir.path()).unwrap();
        let a = state.append(&first).unwrap();
        assert_eq!((a.old_size, a.size), (0, 260));
        write(dir.path(), &a.new_files, a.size, &a.root);

        // Reordered, with 40 more: only the 40 are appended, after the rest.
        let mut second: Vec<&str> = lines.iter().map(String::as_str).collect();
        second.reverse();
        let state = LogState::open(dir.path()).unwrap();
        assert_eq!(state.leaves.len(), 260);
        let b = state.append(&second).unwrap();
        assert_eq!((b.old_size, b.size), (260, 300));
        assert!(
            b.new_files
                .iter()
                .all(|(p, _)| !dir.path().join(p).exists())
        );
        write(dir.path(), &b.new_files, b.size, &b.root);
        let state = LogState::open(dir.path()).unwrap();
        assert_eq!(
            state.leaves[..260],
            LogState::open(dir.path()).unwrap().leaves[..260]
        );

        // Nothing new: nothing to write, same root.
        let c = state.append(&second).unwrap();
        assert_eq!((c.size, c.root), (300, b.root));

        // One line gone or edited: refused, naming the entry.
        let mut edited = second.clone();
        edited.retain(|l| *l != "line 7");
        let err = state.append(&edited).unwrap_err().to_string();
        assert!(err.contains("日志第 8 条"), "{err}");
    }

    #[test]
    fn a_damaged_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lines = ["a", "b", "c"];
        let a = LogState::open(dir.path()).unwrap().append(&lines).unwrap();
        write(dir.path(), &a.new_files, a.size, &a.root);
        let tile = dir.path().join("tile/0/000.p/3");
        let mut bytes = std::fs::read(&tile).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&tile, bytes).unwrap();
        assert!(matches!(
            LogState::open(dir.path()),
            Err(LogError::Damaged { .. })
        ));
    }
}
