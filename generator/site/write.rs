//! The write step: the site goes into a fresh folder beside the output and is
//! swapped in only when complete, so a failed build leaves the published site
//! exactly as it was ([`crate::staging`]). An output that is a mount point is
//! updated in place instead, each file whole, in an order that never lets a
//! page point to a file not yet written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{FsAction, FsContext, FsError};
use crate::staging::{Placed, Staging, interrupted};
use certsite_core::domain::text::first_few;
use certsite_core::site_format::CHECKPOINT;
use certsite_core::site_format::Files;
use certsite_core::site_format::LOG_DIR;
use certsite_core::site_format::MANIFEST;
use certsite_core::site_format::SERVICE_WORKER;
use certsite_core::site_format::SNAPSHOT_FILE;
use certsite_core::site_format::{META_FILE, SEARCH_DIR};

/// Why the site was not written; the old one is intact either way.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// The output is a folder of something else: never replaced.
    #[error("{} 不是空目录，也不是 certsite 生成的站点（没有 {MANIFEST}）；拒绝覆盖", .0.display())]
    NotASite(PathBuf),
    /// The site holds files no build wrote: replacing it would lose them.
    #[error("{} 中有不是 certsite 生成的文件：{}；替换站点会删除它们，拒绝覆盖。请把它们移出，或换一个输出目录", .0.display(), first_few(.1, "、"))]
    Foreign(PathBuf, Vec<String>),
    /// The operating system refused.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// Ctrl-C while writing: the half-written folder was removed.
    #[error("已中断：站点没有更新，未写完的临时目录已删除。")]
    Interrupted,
}

/// The order of an update in place (see [`Staging::commit`]): the files
/// nothing else depends on first (shards, institution files, tiles,
/// assets, the search index's postings and chunks), then the pages, the
/// service worker and the search index's parameters, which point to them,
/// then the snapshot and the log's checkpoint, which commit to them, and
/// the manifest, which lists them all, last.
fn publish_order(path: &Path) -> u8 {
    let path = path.to_string_lossy();
    if path == MANIFEST {
        3
    } else if path == SNAPSHOT_FILE || path == format!("{LOG_DIR}{CHECKPOINT}") {
        2
    } else if path.ends_with(".html")
        || path == SERVICE_WORKER
        || path == format!("{SEARCH_DIR}{META_FILE}")
    {
        1
    } else {
        0
    }
}

/// Writes the site into a fresh folder beside `out`, then swaps it in, or
/// updates `out` in place when it is a mount point; says which.
/// `linked` files (site path, source file) are copied in from elsewhere:
/// the log's tiles. Copied, not hard-linked, so that nothing done to the
/// published copy (or to the log's state) can reach the other; the kernel
/// shares the blocks where the file system can (copy_file_range, reflinks).
/// Refuses to replace a non-empty folder that is not a certsite site.
pub(crate) fn write_site(
    out: &Path,
    files: &Files,
    linked: &[(String, PathBuf)],
) -> Result<Placed, WriteError> {
    refuse_other_folders(out)?;
    // Dropped on any early return: the staging folder is removed.
    let staging = Staging::begin(out)?;
    write_files(staging.path(), files, linked)?;
    // Every file is written unless Ctrl-C came first: only then is the new
    // site put in place, so an interrupted write is never published.
    if interrupted() {
        return Err(WriteError::Interrupted);
    }
    Ok(staging.commit(&publish_order)?)
}

/// Refuses an output that is a non-empty folder of something else, or not
/// a folder.
fn refuse_other_folders(out: &Path) -> Result<(), WriteError> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        let source = std::io::Error::from(std::io::ErrorKind::NotADirectory);
        return Ok(Err(source).fs(FsAction::Write, out)?);
    }
    let empty = (std::fs::read_dir(out).fs(FsAction::List, out)?)
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    let Some(own) = site_files(out) else {
        return Err(WriteError::NotASite(out.to_path_buf()));
    };
    // Replacing the site replaces all of it: whatever else is in it (a
    // `.git`, a CNAME, a page added by hand, a data folder) would be lost.
    let log = LOG_DIR.trim_end_matches('/');
    let foreign: Vec<String> = walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_string_lossy()
                .into_owned();
            let ours = own.contains(&rel) || rel == MANIFEST || rel.starts_with(&format!("{log}/"));
            (!ours).then_some(rel)
        })
        .collect();
    if !foreign.is_empty() {
        return Err(WriteError::Foreign(out.to_path_buf(), foreign));
    }
    Ok(())
}

/// The files the site in `out` was built with, as its manifest lists them
/// (without the manifest itself and the log's tiles); None when there is
/// no manifest or it cannot be read.
fn site_files(out: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read(out.join(MANIFEST)).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let files = manifest.get("files")?.as_object()?;
    Some(files.keys().cloned().collect())
}

/// Fails, before the slow steps of a build, where [`write_site`] would
/// fail at the end: `out` is something else than a site, or no folder can
/// be made beside it. Makes nothing.
pub(crate) fn check_writable(out: &Path) -> Result<(), WriteError> {
    refuse_other_folders(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok(crate::error::check_can_make(parent)?)
}

/// Writes every file into `staging`; stops early on Ctrl-C.
fn write_files(staging: &Path, files: &Files, linked: &[(String, PathBuf)]) -> Result<(), FsError> {
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
        if interrupted() {
            return Ok(());
        }
        std::fs::write(&target, bytes).fs(FsAction::Write, &target)
    })?;
    linked.par_iter().try_for_each(|(path, source)| {
        let target = staging.join(path);
        if interrupted() {
            return Ok(());
        }
        std::fs::copy(source, &target)
            .map(drop)
            .fs(FsAction::Write, &target)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_something_else_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("thesis.docx"), "years of work").unwrap();
        let files: Files = [(MANIFEST.to_string(), b"{}".to_vec())]
            .into_iter()
            .collect();
        assert!(matches!(
            write_site(&out, &files, &[]),
            Err(WriteError::NotASite(_))
        ));
        assert!(out.join("thesis.docx").is_file() && !out.join(MANIFEST).exists());
        std::fs::remove_file(out.join("thesis.docx")).unwrap();
        assert_eq!(write_site(&out, &files, &[]).unwrap(), Placed::Swapped);
        assert!(out.join(MANIFEST).is_file());
    }

    #[test]
    fn pages_go_after_what_they_point_to_and_the_manifest_last() {
        let order: Vec<u8> = [
            "c/0a1.jsonl",
            "index.html",
            "sw.js",
            "s/meta.json",
            "s/g/0a.json",
            "snapshot.jsonl",
            "log/checkpoint",
            "manifest.json",
        ]
        .iter()
        .map(|p| publish_order(Path::new(p)))
        .collect();
        assert_eq!(order, [0, 1, 1, 1, 0, 2, 2, 3]);
    }
}
