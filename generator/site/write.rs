//! The write step: the site goes into a fresh folder beside the output and is
//! swapped in only when complete, so a failed build leaves the published site
//! exactly as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

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
    /// Ctrl-C while writing: the half-written folder was removed.
    #[error("已中断：站点没有更新，未写完的临时目录已删除。")]
    Interrupted,
}

/// Cleans up after builds that were interrupted (Ctrl-C, a crash, a full
/// disk): their half-written `.<name>.new-<pid>` folders are removed, and a
/// `.<name>.old-<pid>` folder, the previous site moved aside just before
/// the swap, is put back if the site is missing, else removed. Only folders
/// of processes that are gone are touched; where that cannot be known (no
/// `/proc`), nothing is.
fn recover(parent: &Path, name: &str, out: &Path) -> Result<(), FsError> {
    if !Path::new("/proc/self").exists() {
        return Ok(());
    }
    let entries = std::fs::read_dir(parent).fs(FsAction::List, parent)?;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        let gone = pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
        });
        if !gone {
            continue;
        }
        let path = entry.path();
        match kind {
            "new" => std::fs::remove_dir_all(&path).fs(FsAction::Write, &path)?,
            "old" if !out.exists() => std::fs::rename(&path, out).fs(FsAction::Rename, &path)?,
            "old" => std::fs::remove_dir_all(&path).fs(FsAction::Write, &path)?,
            _ => {}
        }
    }
    Ok(())
}

/// The folders of the write in progress: (staging, old, out).
static IN_PROGRESS: Mutex<Option<(PathBuf, PathBuf, PathBuf)>> = Mutex::new(None);

/// Set by Ctrl-C: the writers stop creating files.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// What an interrupted or failed write leaves: nothing half-written. The
/// staging folder is removed (again while a writer still finishing a file
/// makes it non-empty) and, if the swap was cut between its two renames,
/// the previous site is put back.
fn undo(staging: &Path, old: &Path, out: &Path) {
    for _ in 0..100 {
        if std::fs::remove_dir_all(staging).is_ok() || !staging.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if !out.exists() && old.exists() {
        let _ = std::fs::rename(old, out);
    }
}

/// Registers (once) a Ctrl-C handler, and records `folders` as the write
/// in progress: Ctrl-C during it stops the writers (the write then undoes
/// itself and reports [`WriteError::Interrupted`]); at any other time the
/// process exits with status 130 at once.
fn undo_on_interrupt(folders: Option<(PathBuf, PathBuf, PathBuf)>) {
    static HANDLER: OnceLock<()> = OnceLock::new();
    HANDLER.get_or_init(|| {
        // Without a handler (one already set by an embedding program), the
        // next build's `recover` cleans up instead.
        let _ = ctrlc::set_handler(|| {
            // While writing, the writer stops, cleans up and reports it;
            // otherwise there is nothing to undo.
            let writing = IN_PROGRESS.lock().map(|g| g.is_some()).unwrap_or(false);
            INTERRUPTED.store(true, Ordering::SeqCst);
            if !writing {
                std::process::exit(130);
            }
        });
    });
    if let Ok(mut guard) = IN_PROGRESS.lock() {
        *guard = folders;
    }
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
    recover(&parent, &name, out)?;
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    undo_on_interrupt(Some((staging.clone(), old.clone(), out.to_path_buf())));
    let result = write_and_swap(out, files, linked, &staging, &old);
    undo_on_interrupt(None);
    result
}

/// Writes every file into `staging`, then swaps it in for `out` (moving the
/// old site to `old` for the moment of the swap).
fn write_and_swap(
    out: &Path,
    files: &Files,
    linked: &[(String, PathBuf)],
    staging: &Path,
    old: &Path,
) -> Result<(), WriteError> {
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
        let stopped = || INTERRUPTED.load(Ordering::SeqCst);
        files.par_iter().try_for_each(|(path, bytes)| {
            let target = staging.join(path);
            if stopped() {
                return Ok(());
            }
            std::fs::write(&target, bytes).fs(FsAction::Write, &target)
        })?;
        linked.par_iter().try_for_each(|(path, source)| {
            let target = staging.join(path);
            if stopped() {
                return Ok(());
            }
            std::fs::copy(source, &target)
                .map(drop)
                .fs(FsAction::Write, &target)
        })
    })();
    // Every file is written unless Ctrl-C came first: only then is the swap
    // made, so an interrupted write is never published.
    if written.is_err() || INTERRUPTED.load(Ordering::SeqCst) {
        undo(staging, old, out);
        return Err(written
            .err()
            .map_or(WriteError::Interrupted, WriteError::from));
    }
    if out.exists() {
        std::fs::rename(out, old).fs(FsAction::Rename, out)?;
        if let Err(e) = std::fs::rename(staging, out).fs(FsAction::Rename, out) {
            undo(staging, old, out);
            return Err(e.into());
        }
        let _ = std::fs::remove_dir_all(old);
    } else {
        std::fs::rename(staging, out).fs(FsAction::Rename, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pid of a process that has ended.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn site(path: &str) -> Files {
        [
            (MANIFEST.to_string(), b"{}".to_vec()),
            (path.to_string(), b"x".to_vec()),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn an_interrupted_swap_puts_the_previous_site_back() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, old, out) = (
            dir.path().join(".p.new-1"),
            dir.path().join(".p.old-1"),
            dir.path().join("p"),
        );
        std::fs::create_dir(&staging).unwrap();
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        undo(&staging, &old, &out);
        assert!(!staging.exists() && !old.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        // Interrupted while writing: only the staging folder goes.
        std::fs::create_dir(&staging).unwrap();
        undo(&staging, &old, &out);
        assert!(!staging.exists() && out.join("index.html").is_file());
    }

    #[test]
    fn leftovers_of_interrupted_builds_are_cleaned_up_and_a_moved_site_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let pid = dead_pid();
        // A build that died while writing, and one that died mid-swap.
        let half = dir.path().join(format!(".public.new-{pid}"));
        std::fs::create_dir_all(half.join("c")).unwrap();
        let moved = dir.path().join(format!(".public.old-{pid}"));
        std::fs::create_dir_all(&moved).unwrap();
        std::fs::write(moved.join(MANIFEST), "{}").unwrap();
        std::fs::write(moved.join("old.html"), "the published site").unwrap();
        // Someone else's folder, and a build still running (this process).
        std::fs::create_dir(dir.path().join(".public.new-notapid")).unwrap();
        let live = dir
            .path()
            .join(format!(".public.new-{}", std::process::id()));
        std::fs::create_dir(&live).unwrap();
        recover(dir.path(), "public", &out).unwrap();
        assert!(!half.exists(), "a dead build's staging folder is removed");
        assert!(!moved.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("old.html")).unwrap(),
            "the published site"
        );
        assert!(dir.path().join(".public.new-notapid").exists());
        assert!(live.exists(), "a running build's folder is left alone");
        // With the site in place, a leftover old copy is removed.
        let again = dir.path().join(format!(".public.old-{pid}"));
        std::fs::create_dir(&again).unwrap();
        write_site(&out, &site("new.html"), &[]).unwrap();
        assert!(!again.exists());
        assert!(out.join("new.html").is_file() && !out.join("old.html").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public.") && n != ".public.new-notapid")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
