//! Signed datasets on disk: JSON Lines files of envelopes, found in files or
//! folders (walked in sorted order so that every run sees the same sequence),
//! read and verified; and the one place that tells a data folder from a
//! built site, which no command reads as data or writes into.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use certsite_core::site_format::MANIFEST;
use certsite_core::trust::dataset::{self, SourcedLine};
use certsite_core::trust::problem::Problem;
use certsite_core::trust::verifier::{Verified, Verifier};

use crate::catalogue::os_message;
use crate::error::{FsAction, FsContext, FsError};

/// File extension of a signed dataset.
pub(crate) const DATASET_EXT: &str = "jsonl";

/// Whether a folder met in a data folder is not data: a site built into
/// it (`certsite build --data . --out public`, which holds `manifest.json`),
/// or a hidden folder (a build's staging folder beside that site).
fn is_output(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir()
        && (entry.file_name().to_string_lossy().starts_with('.')
            || entry.path().join(MANIFEST).is_file())
}

/// The built site `path` is in (or is), wherever links lead: the place
/// `print` and `sign` never write to (a site's files are the build's).
pub(crate) fn enclosing_site(path: &Path) -> Option<PathBuf> {
    let path = crate::error::resolved(path);
    (path.ancestors())
        .find(|a| a.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
}

/// Lists the dataset files under `paths` (files are taken as given; folders
/// are walked, sorted by name, for `*.jsonl`, leaving out built sites and
/// hidden folders).
pub fn find_datasets(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Problem> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(Problem::file(path, "不存在（既不是文件也不是目录）"));
        }
        let walk = WalkDir::new(path).sort_by_file_name().into_iter();
        for entry in walk.filter_entry(|e| e.depth() == 0 || !is_output(e)) {
            let entry = entry.map_err(|e| {
                let p = e.path().unwrap_or(path).to_path_buf();
                let why = e
                    .io_error()
                    .map_or_else(|| "目录结构有环".into(), os_message);
                Problem::file(&p, format!("无法列出目录：{why}"))
            })?;
            let p = entry.path();
            if p.extension().is_none_or(|e| e != DATASET_EXT) {
                continue;
            }
            // A dataset may be a link to the file; a broken link is an error,
            // never a dataset silently left out.
            if entry.path_is_symlink() {
                match std::fs::metadata(p) {
                    Ok(m) if m.is_file() => files.push(p.to_path_buf()),
                    Ok(_) => {}
                    Err(e) => {
                        let why = format!("符号链接指向的文件{}", os_message(&e));
                        return Err(Problem::file(p, why));
                    }
                }
            } else if entry.file_type().is_file() {
                files.push(p.to_path_buf());
            }
        }
    }
    Ok(files)
}

/// Reads every non-empty line of the dataset files. Problems (unreadable
/// file, not UTF-8) are returned beside the lines that could be read.
pub(crate) fn read_lines(files: &[PathBuf]) -> (Vec<SourcedLine>, Vec<Problem>) {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match fs::read(file) {
            Ok(bytes) => {
                let (more, bad) = dataset::lines(file, &bytes);
                lines.extend(more);
                problems.extend(bad);
            }
            Err(e) => problems.push(Problem::file(file, format!("无法读取：{}", os_message(&e)))),
        }
    }
    (lines, problems)
}

/// Reads and verifies dataset files, together with further lines not on
/// disk yet (statements about to be signed, checked against the signed
/// data). Problems reading the files are reported beside the chain's.
pub fn verify_files(verifier: &Verifier, files: &[PathBuf], extra: Vec<SourcedLine>) -> Verified {
    let (mut lines, problems) = read_lines(files);
    lines.extend(extra);
    verifier.verify(lines, problems)
}

/// Writes `bytes` to `path` atomically: into a temporary file beside it,
/// synced, then renamed over it. A reader sees the old file or the new one,
/// never a part; a failure leaves the old file as it was.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::error::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })()
    .fs(FsAction::Write, path)
    .and_then(|()| fs::rename(&tmp, path).fs(FsAction::Rename, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Refuses to replace an existing `path` that is not `what` (a file the
/// same command wrote before, as `ours` tells from its bytes): a mistyped
/// `--out` must not destroy a key, a roster or a photo.
pub(crate) fn refuse_foreign(
    path: &Path,
    what: &str,
    ours: &dyn Fn(&[u8]) -> bool,
) -> Result<(), Problem> {
    if path.is_dir() {
        return Err(Problem::file(
            path,
            format!("是目录，不是{what}：请换一个文件名，或先移走它"),
        ));
    }
    match fs::read(path) {
        Ok(bytes) if !ours(&bytes) => Err(Problem::file(
            path,
            format!("已存在，且不是{what}：拒绝覆盖；请换一个文件名，或先移走它"),
        )),
        _ => Ok(()),
    }
}

/// Fails, before any slow work, where [`write_atomic`] would: the folder
/// cannot be made or written, or `path` is a folder. Makes nothing, so a
/// command that then fails leaves no empty folder behind.
pub(crate) fn check_writable(path: &Path) -> Result<(), FsError> {
    if path.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory)).fs(FsAction::Write, path);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::error::check_can_make(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_folders_sorted_and_reads_lines_with_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("b")).unwrap();
        fs::write(d.join("b/2.jsonl"), "x\n").unwrap();
        fs::write(d.join("a.jsonl"), "one\n\n three\r\n").unwrap();
        fs::write(d.join("notes.txt"), "ignored").unwrap();
        let files = find_datasets(&[d.to_path_buf()]).unwrap();
        assert_eq!(files, [d.join("a.jsonl"), d.join("b/2.jsonl")]);
        let (lines, problems) = read_lines(&files);
        assert!(problems.is_empty());
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(got, [(1, "one"), (3, " three"), (1, "x")]);
        assert!(find_datasets(&[d.join("missing")]).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_dataset_is_read_and_a_broken_link_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("data");
        fs::create_dir(&d).unwrap();
        fs::write(dir.path().join("elsewhere.jsonl"), "x\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere.jsonl"), d.join("a.jsonl")).unwrap();
        assert_eq!(
            find_datasets(std::slice::from_ref(&d)).unwrap(),
            [d.join("a.jsonl")]
        );
        std::os::unix::fs::symlink(dir.path().join("gone.jsonl"), d.join("b.jsonl")).unwrap();
        let e = find_datasets(std::slice::from_ref(&d)).unwrap_err();
        assert_eq!(e.file, d.join("b.jsonl"));
        assert_eq!(e.message, "符号链接指向的文件不存在");
    }

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out/x.jsonl");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path().join("out")).unwrap().count(), 1);
    }
}
