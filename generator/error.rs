//! Operating-system errors in the user's language, always with the path:
//! `无法写入 public/c/0a1.jsonl：没有权限`, never `Permission denied (os error 13)`.
//! The reasons' words are the catalogue's (`catalogue::os_message`).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::catalogue::os_message;

/// What was being done to a path when the operating system refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsAction {
    /// Reading a file.
    Read,
    /// Writing a file.
    Write,
    /// Creating a folder.
    CreateDir,
    /// Listing a folder.
    List,
    /// Renaming (moving into place).
    Rename,
    /// Removing a file or folder.
    Remove,
    /// Listening on a port.
    Listen,
}

impl fmt::Display for FsAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsAction::Read => "读取",
            FsAction::Write => "写入",
            FsAction::CreateDir => "创建目录",
            FsAction::List => "列出目录",
            FsAction::Rename => "替换",
            FsAction::Remove => "删除",
            FsAction::Listen => "监听",
        })
    }
}

/// An operating-system error on a path.
#[derive(Debug, thiserror::Error)]
#[error("无法{action} {}：{}", path.display(), os_message(source))]
pub struct FsError {
    /// What was being done.
    pub action: FsAction,
    /// On what.
    pub path: PathBuf,
    /// The operating system's error.
    #[source]
    pub source: io::Error,
}

/// Attaches the action and path to an I/O result.
pub(crate) trait FsContext<T> {
    /// The error as an [`FsError`] on `path`.
    fn fs(self, action: FsAction, path: &Path) -> Result<T, FsError>;
}

impl<T> FsContext<T> for io::Result<T> {
    fn fs(self, action: FsAction, path: &Path) -> Result<T, FsError> {
        self.map_err(|source| FsError {
            action,
            path: path.to_path_buf(),
            source,
        })
    }
}

/// `fs::create_dir_all`, saying "不是目录" (not "已存在") when a file is
/// in the way.
pub(crate) fn create_dir_all(dir: &Path) -> Result<(), FsError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => io::Error::from(io::ErrorKind::NotADirectory),
            _ => e,
        })
        .fs(FsAction::CreateDir, dir)
}

/// Where `path` leads: symbolic links followed and `.` and `..` resolved
/// for the part that exists, the rest (what is yet to be made) appended as
/// written. Checks of where an output goes compare these, never the text:
/// `pub/../pub`, `public/` through a link and a link into the site are the
/// places they lead to.
pub(crate) fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(mut real) = std::fs::canonicalize(existing) {
            real.extend(rest.iter().rev());
            return real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Fails where making the folder `dir` and writing in it would fail: it or
/// an ancestor is a file, or the nearest existing ancestor cannot be
/// written. Makes nothing (a probe folder, at once removed), so that a
/// command can check its outputs before slow work and still leave nothing
/// behind if that work fails.
pub(crate) fn check_can_make(dir: &Path) -> Result<(), FsError> {
    let mut at = dir.to_path_buf();
    loop {
        match std::fs::metadata(&at) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                let source = io::Error::from(io::ErrorKind::NotADirectory);
                return Err(source).fs(FsAction::CreateDir, &at);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                at = match at.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
            }
            Err(e) => return Err(e).fs(FsAction::CreateDir, &at),
        }
    }
    let probe = at.join(format!(".certsite-probe-{}", std::process::id()));
    std::fs::create_dir(&probe).fs(FsAction::CreateDir, dir)?;
    let _ = std::fs::remove_dir(&probe);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn resolved_paths_are_where_they_lead() {
        let dir = tempfile::tempdir().unwrap();
        let d = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(d.join("site")).unwrap();
        std::os::unix::fs::symlink(d.join("site"), d.join("link")).unwrap();
        assert_eq!(resolved(&d.join("site/../site")), d.join("site"));
        assert_eq!(resolved(&d.join("link/")), d.join("site"));
        assert_eq!(resolved(&d.join("link/new/x")), d.join("site/new/x"));
    }

    #[test]
    fn os_errors_name_the_path_in_chinese() {
        let e = std::fs::read("/nonexistent/certsite")
            .fs(FsAction::Read, Path::new("/nonexistent/certsite"));
        assert_eq!(
            e.unwrap_err().to_string(),
            "无法读取 /nonexistent/certsite：不存在"
        );
    }
}
