//! A folder replaced whole or not at all. The new content is written into a
//! staging folder beside the target (`.<name>.new-<pid>`) and put in place
//! only when complete, so a run that fails, is interrupted or is killed
//! leaves the target as it was. The site build and the demo generator
//! write this way.
//!
//! Putting it in place is two renames: the old folder aside
//! (`.<name>.old-<pid>`), the new one in. A target that is its own mount
//! point (a Docker volume, a web root) cannot be renamed; it is then updated
//! in place, file by file ([`Staging::commit`]).
//!
//! While a staging folder exists, Ctrl-C sets a flag ([`interrupted`])
//! instead of ending the process: the writer stops, and dropping its
//! [`Staging`] removes the half-written folder. The leftovers of a process
//! killed outright are removed by the next run ([`recover`]).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{FsAction, FsContext, FsError};

/// Set by Ctrl-C while a staging folder exists: writers stop.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How many staging folders this process has open.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Whether Ctrl-C was pressed while a staging folder existed. Long steps
/// look at it between units of work and give up; the caller then drops its
/// [`Staging`] and reports the interruption.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// While one lives, Ctrl-C (or SIGTERM, SIGHUP) sets [`interrupted`]
/// instead of ending the process: the step that holds it stops at the next
/// whole unit of work and says what it left.
#[derive(Debug)]
pub(crate) struct Shield(());

impl Shield {
    /// Catches interrupts from now until the shield is dropped.
    pub(crate) fn raise() -> Shield {
        watch_interrupts();
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        Shield(())
    }
}

impl Drop for Shield {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How the new content was put in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placed {
    /// The folder was swapped for the new one (or the new one moved in).
    Swapped,
    /// The target is a mount point: its files were updated in place.
    InPlace,
}

/// A staging folder for `out`, removed on drop unless committed.
#[derive(Debug)]
pub(crate) struct Staging {
    out: PathBuf,
    parent: PathBuf,
    path: PathBuf,
    old: PathBuf,
    committed: bool,
    _shield: Shield,
}

impl Staging {
    /// Starts replacing `out`: cleans up after runs that died, then makes a
    /// fresh, empty staging folder beside it. From now until the staging is
    /// dropped, Ctrl-C sets [`interrupted`] instead of ending the process.
    pub(crate) fn begin(out: &Path) -> Result<Staging, FsError> {
        // Where the path leads: a link (`public -> /srv/www/site`) stays a
        // link and what it points to is replaced, where the host serves
        // from; `public/../public` is `public`, not a rename of its parent.
        let resolved = crate::error::resolved(out);
        let out = resolved.as_path();
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).fs(FsAction::CreateDir, &parent)?;
        let name = out
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        recover(&parent, &name, out)?;
        let pid = std::process::id();
        let path = parent.join(format!(".{name}.new-{pid}"));
        let _ = fs::remove_dir_all(&path);
        // The handler first: a Ctrl-C once the folder exists must not end
        // the process before the folder is removed.
        let staging = Staging {
            _shield: Shield::raise(),
            out: out.to_path_buf(),
            old: parent.join(format!(".{name}.old-{pid}")),
            parent,
            path,
            committed: false,
        };
        fs::create_dir(&staging.path).fs(FsAction::CreateDir, &staging.path)?;
        Ok(staging)
    }

    /// The staging folder, to write the new content into.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Puts the staged content in place of `out`: a swap of folders, or an
    /// update in place when `out` is a mount point, in `order`'s groups
    /// (see [`update_in_place`]). On failure the target is as it was,
    /// except when an update in place failed half way.
    pub(crate) fn commit(
        mut self,
        order: &(dyn Fn(&Path) -> u8 + Sync),
    ) -> Result<Placed, FsError> {
        let placed = if fs::symlink_metadata(&self.out).is_err() {
            fs::rename(&self.path, &self.out).fs(FsAction::Rename, &self.out)?;
            Placed::Swapped
        } else if is_mount_point(&self.out, &self.parent) {
            update_in_place(&self.path, &self.out, order)?;
            Placed::InPlace
        } else {
            match fs::rename(&self.out, &self.old) {
                Ok(()) => {
                    // On failure, dropping `self` puts the old folder back.
                    fs::rename(&self.path, &self.out).fs(FsAction::Rename, &self.out)?;
                    let _ = fs::remove_dir_all(&self.old);
                    Placed::Swapped
                }
                // A mount point that `is_mount_point` could not tell.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
                    ) =>
                {
                    update_in_place(&self.path, &self.out, order)?;
                    Placed::InPlace
                }
                Err(e) => return Err(e).fs(FsAction::Rename, &self.out),
            }
        };
        self.committed = true;
        if placed == Placed::InPlace {
            let _ = fs::remove_dir_all(&self.path);
        }
        Ok(placed)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            undo(&self.path, &self.old, &self.out);
        }
    }
}

/// Whether `out` is a mount point: on another device than its parent. The
/// link itself when `out` is a symbolic link, which a swap replaces.
#[cfg(unix)]
fn is_mount_point(out: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::symlink_metadata(out), fs::metadata(parent)) {
        (Ok(o), Ok(p)) => o.dev() != p.dev(),
        _ => false,
    }
}

/// Elsewhere the failed rename says so instead.
#[cfg(not(unix))]
fn is_mount_point(_out: &Path, _parent: &Path) -> bool {
    false
}

/// Registers (once) the handler of Ctrl-C, SIGTERM and SIGHUP: while a
/// staging folder or a [`Shield`] exists it sets [`interrupted`]; at any
/// other time there is nothing to undo and the process says so and exits
/// with status 130 at once. The command line registers it first thing, so
/// that every signal ends every command the same way.
pub(crate) fn watch_interrupts() {
    static HANDLER: OnceLock<()> = OnceLock::new();
    HANDLER.get_or_init(|| {
        // Without a handler (one already set by an embedding program), the
        // next run's `recover` cleans up instead.
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            if ACTIVE.load(Ordering::SeqCst) == 0 {
                // The handler runs on its own thread, not in the signal.
                let _ = writeln!(std::io::stderr(), "已中断。");
                std::process::exit(130);
            }
        });
    });
}

/// Cleans up after runs that were interrupted (Ctrl-C, a crash, a full
/// disk): their half-written `.<name>.new-<pid>` folders are removed, and a
/// `.<name>.old-<pid>` folder, the previous content moved aside just before
/// the swap, is put back if `out` is missing, else removed. Only folders
/// of processes that are gone are touched; where that cannot be known (no
/// `/proc`), nothing is.
fn recover(parent: &Path, name: &str, out: &Path) -> Result<(), FsError> {
    if !Path::new("/proc/self").exists() {
        return Ok(());
    }
    let entries = fs::read_dir(parent).fs(FsAction::List, parent)?;
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        let gone = pid
            .parse::<u32>()
            .is_ok_and(|pid| pid != std::process::id() && !running(pid));
        if !gone {
            continue;
        }
        let path = entry.path();
        match kind {
            "new" => fs::remove_dir_all(&path).fs(FsAction::Remove, &path)?,
            "old" if !out.exists() => fs::rename(&path, out).fs(FsAction::Rename, &path)?,
            "old" => fs::remove_dir_all(&path).fs(FsAction::Remove, &path)?,
            _ => {}
        }
    }
    Ok(())
}

/// Whether process `pid` still runs: a killed one that its parent has not
/// yet reaped (a zombie, as under a container's init) does not.
fn running(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (name) S …`: the state follows the last parenthesis.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X'))
}

/// What an interrupted or failed run leaves: nothing half-written. The
/// staging folder is removed (again while a writer still finishing a file
/// makes it non-empty) and, if the swap was cut between its two renames,
/// the previous content is put back.
fn undo(staging: &Path, old: &Path, out: &Path) {
    for _ in 0..100 {
        if fs::remove_dir_all(staging).is_ok() || !staging.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if !out.exists() && old.exists() {
        let _ = fs::rename(old, out);
    }
}

/// What a path in a tree is (symbolic links are not followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    Link,
}

/// Every entry under `root` by its path relative to `root`, sorted, so that
/// a folder comes before what it holds. Other kinds (sockets, pipes) are
/// left out: nothing certsite writes is one.
fn entries(root: &Path) -> Result<BTreeMap<PathBuf, Kind>, FsError> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            let source = e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("symbolic link loop"));
            FsError {
                action: FsAction::List,
                path,
                source,
            }
        })?;
        let t = entry.file_type();
        let kind = if t.is_dir() {
            Kind::Dir
        } else if t.is_symlink() {
            Kind::Link
        } else if t.is_file() {
            Kind::File
        } else {
            continue;
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        out.insert(rel.to_path_buf(), kind);
    }
    Ok(out)
}

/// Copies the tree `from` into the folder `to`, leaving out the entries
/// `skip` names (by relative path) and everything under them. Files keep
/// their permissions; links are copied as links.
pub(crate) fn copy_tree(
    from: &Path,
    to: &Path,
    skip: &dyn Fn(&Path) -> bool,
) -> Result<(), FsError> {
    let all = entries(from)?;
    let mut skipped: Vec<&Path> = Vec::new();
    for (rel, kind) in &all {
        if skipped.iter().any(|s| rel.starts_with(s)) {
            continue;
        }
        if skip(rel) {
            skipped.push(rel);
            continue;
        }
        let (src, dst) = (from.join(rel), to.join(rel));
        match kind {
            Kind::Dir => fs::create_dir(&dst).fs(FsAction::CreateDir, &dst)?,
            Kind::File => fs::copy(&src, &dst).map(drop).fs(FsAction::Write, &dst)?,
            Kind::Link => copy_link(&src, &dst)?,
        }
    }
    Ok(())
}

/// Recreates the symbolic link `from` at `to`.
fn copy_link(from: &Path, to: &Path) -> Result<(), FsError> {
    let target = fs::read_link(from).fs(FsAction::Read, from)?;
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(&target, to);
    #[cfg(not(unix))]
    let made = Err(io::Error::from(io::ErrorKind::Unsupported));
    made.fs(FsAction::Write, to)
}

/// Updates `out` in place to hold exactly what `staging` holds, for a
/// target that cannot be swapped. Files whose bytes (and permissions) are
/// unchanged are left alone, times and all, which is what rsync and
/// rclone go by. A new or changed file is written beside its old self and
/// renamed over it, so each file is whole at every moment. Files go in
/// groups by `order` (lowest first): a group may point to files of earlier
/// groups, which are then already there. What the new content lacks is
/// removed last, folders after their files.
///
/// Ctrl-C is not looked at here: stopping half way would leave a mix of
/// old and new files, and finishing takes less time than the writing that
/// came before, where it is looked at.
fn update_in_place(
    staging: &Path,
    out: &Path,
    order: &(dyn Fn(&Path) -> u8 + Sync),
) -> Result<(), FsError> {
    let new = entries(staging)?;
    let old = entries(out)?;
    for (rel, kind) in &new {
        let dir = out.join(rel);
        match (kind, old.get(rel)) {
            (Kind::Dir, Some(Kind::Dir)) | (Kind::File | Kind::Link, _) => {}
            (Kind::Dir, found) => {
                if found.is_some() {
                    fs::remove_file(&dir).fs(FsAction::Remove, &dir)?;
                }
                fs::create_dir(&dir).fs(FsAction::CreateDir, &dir)?;
            }
        }
    }
    let mut files: Vec<(u8, &PathBuf, Kind)> = new
        .iter()
        .filter(|(_, k)| **k != Kind::Dir)
        .map(|(rel, k)| (order(rel), rel, *k))
        .collect();
    files.sort_by_key(|(group, rel, _)| (*group, *rel));
    for group in files.chunk_by(|a, b| a.0 == b.0) {
        group
            .par_iter()
            .try_for_each(|(_, rel, kind)| place(&staging.join(rel), &out.join(rel), *kind))?;
    }
    // Children before their folders: the reverse of the sorted order.
    for (rel, kind) in old.iter().rev() {
        // Gone already with a folder that a file of the new content replaced.
        let replaced = rel
            .ancestors()
            .skip(1)
            .any(|a| new.get(a).is_some_and(|k| *k != Kind::Dir));
        if new.contains_key(rel) || replaced {
            continue;
        }
        let path = out.join(rel);
        match kind {
            Kind::Dir => fs::remove_dir(&path),
            Kind::File | Kind::Link => fs::remove_file(&path),
        }
        .fs(FsAction::Remove, &path)?;
    }
    Ok(())
}

/// Puts the file or link `from` at `to`, unless `to` already is the same.
fn place(from: &Path, to: &Path, kind: Kind) -> Result<(), FsError> {
    let current = fs::symlink_metadata(to).ok();
    if current.as_ref().is_some_and(fs::Metadata::is_dir) {
        fs::remove_dir_all(to).fs(FsAction::Remove, to)?;
    }
    let tmp = temporary_beside(to);
    let written = match kind {
        Kind::Link => {
            let target = fs::read_link(from).fs(FsAction::Read, from)?;
            if fs::read_link(to).is_ok_and(|t| t == target) {
                return Ok(());
            }
            copy_link(from, &tmp)
        }
        _ => {
            if let Some(meta) = current.filter(fs::Metadata::is_file)
                && same_file(from, to, &meta)?
            {
                return Ok(());
            }
            // `fs::copy` copies the permissions too (secret keys stay 0600).
            fs::copy(from, &tmp).map(drop).fs(FsAction::Write, to)
        }
    };
    let placed = written.and_then(|()| fs::rename(&tmp, to).fs(FsAction::Rename, to));
    if placed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    placed
}

/// Whether the file `to` (its metadata `meta`) has the bytes and the
/// permissions of `from`.
fn same_file(from: &Path, to: &Path, meta: &fs::Metadata) -> Result<bool, FsError> {
    let source = fs::metadata(from).fs(FsAction::Read, from)?;
    if source.len() != meta.len() || source.permissions() != meta.permissions() {
        return Ok(false);
    }
    let ours = fs::read(from).fs(FsAction::Read, from)?;
    Ok(fs::read(to).is_ok_and(|theirs| theirs == ours))
}

/// A name beside `path` for writing its next version, hidden and marked
/// with this process: a run killed before the rename leaves it, and the
/// next update in place removes it with everything else the new content
/// lacks.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
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

    fn hidden_beside(dir: &Path, name: &str) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!(".{name}.")))
            .collect()
    }

    #[test]
    fn an_interrupted_swap_puts_the_previous_content_back() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, old, out) = (
            dir.path().join(".p.new-1"),
            dir.path().join(".p.old-1"),
            dir.path().join("p"),
        );
        fs::create_dir(&staging).unwrap();
        fs::create_dir(&old).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        undo(&staging, &old, &out);
        assert!(!staging.exists() && !old.exists());
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        // Interrupted while writing: only the staging folder goes.
        fs::create_dir(&staging).unwrap();
        undo(&staging, &old, &out);
        assert!(!staging.exists() && out.join("index.html").is_file());
    }

    #[test]
    fn a_process_that_exited_but_is_not_reaped_is_not_running() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Exited, not yet waited for: a zombie, as a killed build is under
        // a container's init until reaped.
        let zombie =
            || fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z"));
        for _ in 0..500 {
            if zombie() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(zombie());
        assert!(!running(pid));
        assert!(running(std::process::id()));
        child.wait().unwrap();
        assert!(!running(pid));
    }

    #[test]
    fn leftovers_of_dead_runs_are_cleaned_up_and_a_moved_folder_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let pid = dead_pid();
        // A run that died while writing, and one that died mid-swap.
        let half = dir.path().join(format!(".public.new-{pid}"));
        fs::create_dir_all(half.join("c")).unwrap();
        let moved = dir.path().join(format!(".public.old-{pid}"));
        fs::create_dir_all(&moved).unwrap();
        fs::write(moved.join("old.html"), "the published site").unwrap();
        // Someone else's folder, and a run still going (this process).
        fs::create_dir(dir.path().join(".public.new-notapid")).unwrap();
        let live = dir
            .path()
            .join(format!(".public.new-{}", std::process::id()));
        fs::create_dir(&live).unwrap();
        recover(dir.path(), "public", &out).unwrap();
        assert!(!half.exists(), "a dead run's staging folder is removed");
        assert!(!moved.exists());
        assert_eq!(
            fs::read_to_string(out.join("old.html")).unwrap(),
            "the published site"
        );
        assert!(dir.path().join(".public.new-notapid").exists());
        assert!(live.exists(), "a running run's folder is left alone");
        fs::remove_dir(&live).unwrap();
        // With the folder in place, a leftover old copy is removed.
        let again = dir.path().join(format!(".public.old-{pid}"));
        fs::create_dir(&again).unwrap();
        let staging = Staging::begin(&out).unwrap();
        fs::write(staging.path().join("new.html"), "x").unwrap();
        assert_eq!(staging.commit(&|_| 0).unwrap(), Placed::Swapped);
        assert!(!again.exists());
        assert!(out.join("new.html").is_file() && !out.join("old.html").exists());
        assert_eq!(hidden_beside(dir.path(), "public"), [".public.new-notapid"]);
    }

    #[test]
    fn a_dropped_staging_leaves_nothing_and_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("data");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("kept"), "as it was").unwrap();
        let staging = Staging::begin(&out).unwrap();
        fs::write(staging.path().join("half"), "x").unwrap();
        drop(staging);
        assert!(hidden_beside(dir.path(), "data").is_empty());
        assert_eq!(fs::read_to_string(out.join("kept")).unwrap(), "as it was");
        assert!(!out.join("half").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_target_is_replaced_where_the_link_points() {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("www");
        fs::create_dir(&served).unwrap();
        fs::write(served.join("old"), "old").unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&served, &link).unwrap();
        let staging = Staging::begin(&link).unwrap();
        fs::write(staging.path().join("new"), "new").unwrap();
        staging.commit(&|_| 0).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(served.join("new")).unwrap(), "new");
        assert!(!served.join("old").exists());
    }

    /// (inode, modification time) of a file, to tell whether it was rewritten.
    #[cfg(unix)]
    fn identity(path: &Path) -> (u64, std::time::SystemTime) {
        use std::os::unix::fs::MetadataExt;
        let m = fs::metadata(path).unwrap();
        (m.ino(), m.modified().unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn an_update_in_place_rewrites_only_what_changed_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, out) = (dir.path().join("new"), dir.path().join("out"));
        for (rel, text) in [
            ("same.txt", "same"),
            ("changed.txt", "old"),
            ("gone/deep/file.txt", "old"),
            ("was-a-dir/inner.txt", "old"),
            ("was-a-file", "old"),
        ] {
            fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
            fs::write(out.join(rel), text).unwrap();
        }
        for (rel, text) in [
            ("same.txt", "same"),
            ("changed.txt", "new"),
            ("added/file.txt", "new"),
            ("was-a-dir", "now a file"),
            ("was-a-file/inner.txt", "now in a folder"),
        ] {
            fs::create_dir_all(staging.join(rel).parent().unwrap()).unwrap();
            fs::write(staging.join(rel), text).unwrap();
        }
        let same = identity(&out.join("same.txt"));
        let changed = identity(&out.join("changed.txt"));
        update_in_place(&staging, &out, &|_| 0).unwrap();
        assert_eq!(entries(&out).unwrap(), entries(&staging).unwrap());
        for (rel, kind) in entries(&staging).unwrap() {
            if kind == Kind::File {
                assert_eq!(
                    fs::read(out.join(&rel)).unwrap(),
                    fs::read(staging.join(&rel)).unwrap()
                );
            }
        }
        assert_eq!(
            identity(&out.join("same.txt")),
            same,
            "unchanged: untouched"
        );
        assert_ne!(
            identity(&out.join("changed.txt")).0,
            changed.0,
            "replaced by a rename"
        );
    }
}
