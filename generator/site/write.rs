//! The write step: the site goes into a fresh folder beside the output and is
//! swapped in only when complete, so a failed build leaves the published site
//! exactly as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{FsAction, FsContext, FsError};
use crate::site::manifest::MANIFEST;
use crate::site::render::Files;

/// Why the site was not written; the old one is intact either way.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// The output is a folder of something else: never replaced.
    #[error("{} 不是空目录，也不是 certsite 生成的站点（没有 {MANIFEST}）；拒绝覆盖", .0.display())]
    NotASite(PathBuf),
    /// The operating system refused.
    #[error(transparent)]
    Fs(#[from] FsError),
}

/// Writes the site into a fresh folder beside `out`, then swaps it in.
/// `linked` files (site path, source file) are copied in from elsewhere:
/// the log's tiles. Copied, not hard-linked, so that nothing done to the
/// published copy (or to the log's state) can reach the other; the kernel
/// shares the blocks where the file system can (copy_file_range, reflinks).
/// Refuses to replace a non-empty folder that is not a certsite site.
pub(crate) fn write_site(
    out: &Path,
    files: &Files,
    linked: &[(String, PathBuf)],
) -> Result<(), WriteError> {
    if out.exists() {
        let is_site = out.join(MANIFEST).is_file();
        let is_empty = std::fs::read_dir(out)
            .fs(FsAction::List, out)?
            .next()
            .is_none();
        if !is_site && !is_empty {
            return Err(WriteError::NotASite(out.to_path_buf()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).fs(FsAction::CreateDir, &parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| -> Result<(), FsError> {
        // Folders first, in order; then the files, in parallel (a province's
        // site is half a million small files).
        let targets = files.keys().chain(linked.iter().map(|(p, _)| p));
        let dirs: BTreeSet<PathBuf> = targets
            .filter_map(|p| staging.join(p).parent().map(Path::to_path_buf))
            .collect();
        for dir in &dirs {
            std::fs::create_dir_all(dir).fs(FsAction::CreateDir, dir)?;
        }
        files.par_iter().try_for_each(|(path, bytes)| {
            let target = staging.join(path);
            std::fs::write(&target, bytes).fs(FsAction::Write, &target)
        })?;
        linked.par_iter().try_for_each(|(path, source)| {
            let target = staging.join(path);
            std::fs::copy(source, &target)
                .map(drop)
                .fs(FsAction::Write, &target)
        })
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e.into());
    }
    if out.exists() {
        std::fs::rename(out, &old).fs(FsAction::Rename, out)?;
        if let Err(e) = std::fs::rename(&staging, out).fs(FsAction::Rename, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e.into());
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&staging, out).fs(FsAction::Rename, out)?;
    }
    Ok(())
}
