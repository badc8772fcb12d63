//! An issuer's own rosters (证书名册), read for what it prints (`print`) and
//! files (`report --roster`): files named, and the rosters among the files
//! of a folder, each row checked as `sign` checks it.

use std::path::{Path, PathBuf};

use crate::error::{FsAction, FsContext, FsError};
use crate::input::roster::certificates::{self, CertificateRow};
use crate::input::roster::{Columns, InputKind};
use crate::input::table::{Table, read_table};
use certsite_core::domain::occupation::Catalogue;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;

/// What the rosters hold.
#[derive(Debug)]
pub(crate) struct Rosters {
    /// Every valid row.
    pub rows: Vec<CertificateRow>,
    /// The file of each row, in the same order.
    pub files: Vec<PathBuf>,
    /// The problems of the other rows.
    pub problems: Vec<Problem>,
    /// Files of folders that were not rosters, and why.
    pub notes: Vec<String>,
}

/// Why the rosters could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RosterError {
    /// A roster could not be read, or a file named is no roster.
    #[error(transparent)]
    Input(#[from] Problem),
    /// A folder could not be listed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A roster folder holds no certificate roster.
    #[error("{} 中没有证书名册{}", folder.display(), skipped.iter().map(|n| format!("\n  {n}")).collect::<String>())]
    NoRoster {
        /// The folder.
        folder: PathBuf,
        /// Each file in it, and why it is not a roster.
        skipped: Vec<String>,
    },
}

/// Reads the rosters: each file named, and the certificate rosters among
/// the files of each folder named. An issuer's folder holds other
/// spreadsheets too (the directory, revocations, notes): those are skipped
/// with a note saying why, and a folder without any roster is an error. A
/// file named on its own must be a roster.
pub(crate) fn read_rosters(
    paths: &[PathBuf],
    rules: &VerifyOptions,
) -> Result<Rosters, RosterError> {
    let mut rosters = Rosters {
        rows: Vec::new(),
        files: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    for path in paths {
        if !path.is_dir() {
            let table = read_table(path, &InputKind::looks_like_header).map_err(Problem::from)?;
            // Headers of no known kind are read as a roster: a roster
            // missing a column is then refused for that, by name.
            match InputKind::detect(&table.headers) {
                Some(other) if other != InputKind::Certificates => {
                    let why = format!("不是证书名册（表头是{}）", other.name());
                    return Err(Problem::file(path, why).into());
                }
                _ => rosters.add(&table, rules)?,
            }
            continue;
        }
        let mut skipped = Vec::new();
        let mut found = false;
        for file in files_in(path)? {
            let why = match read_table(&file, &InputKind::looks_like_header) {
                Ok(table) => match InputKind::detect(&table.headers) {
                    Some(InputKind::Certificates) => {
                        rosters.add(&table, rules)?;
                        found = true;
                        continue;
                    }
                    Some(other) => format!("表头是{}", other.name()),
                    None => format!(
                        "表头中没有{}",
                        InputKind::Certificates.key_columns().join("和")
                    ),
                },
                Err(unreadable) => Problem::from(unreadable).message,
            };
            skipped.push(format!("跳过 {}：不是证书名册（{why}）", file.display()));
        }
        if !found {
            return Err(RosterError::NoRoster {
                folder: path.clone(),
                skipped,
            });
        }
        rosters.notes.extend(skipped);
    }
    Ok(rosters)
}

impl Rosters {
    /// Adds the rows of a certificate roster.
    fn add(&mut self, table: &Table, rules: &VerifyOptions) -> Result<(), Problem> {
        let columns = Columns::map(table, InputKind::Certificates)?;
        let (read, found) = certificates::read(table, &columns, Catalogue::builtin(), rules);
        self.files.extend(read.iter().map(|_| table.path.clone()));
        self.rows.extend(read);
        self.problems.extend(found);
        Ok(())
    }
}

/// The files of a folder, in sorted order.
pub(crate) fn files_in(dir: &Path) -> Result<Vec<PathBuf>, FsError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .fs(FsAction::List, dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| f.is_file())
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> VerifyOptions {
        VerifyOptions {
            today: jiff::civil::date(2026, 11, 15),
            min_iterations: 1,
        }
    }

    #[test]
    fn a_roster_folder_is_read_for_its_rosters_and_says_what_else_it_skipped() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo-rosters");
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path();
        for (from, to) in [
            ("certificates/Y000021013002-2.csv", "名册.csv"),
            ("directory.csv", "附件4.csv"),
            ("revocations/Y001121011001.csv", "撤销.csv"),
        ] {
            std::fs::copy(demo.join(from), folder.join(to)).unwrap();
        }
        std::fs::write(folder.join("README.txt"), "名册放在这里。\n").unwrap();
        std::fs::write(
            folder.join("photo.jpg"),
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\xff",
        )
        .unwrap();
        let read = read_rosters(&[folder.to_path_buf()], &rules()).unwrap();
        assert!(!read.rows.is_empty() && read.problems.is_empty());
        let skipped = |name: &str, why: &str| {
            format!(
                "跳过 {}：不是证书名册（{why}）",
                folder.join(name).display()
            )
        };
        assert_eq!(
            read.notes,
            [
                skipped("README.txt", "找不到表头行（没有可识别的列名）"),
                skipped(
                    "photo.jpg",
                    "既不是 UTF-8 也不是 GBK 编码的文本（请另存为 CSV UTF-8）"
                ),
                skipped("撤销.csv", "表头是撤销清单"),
                skipped("附件4.csv", "表头是机构目录（附件4）"),
            ]
        );
        // Named on its own, a file that is no roster is an error.
        let named = folder.join("附件4.csv");
        let err = read_rosters(std::slice::from_ref(&named), &rules()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: 不是证书名册（表头是机构目录（附件4））",
                named.display()
            )
        );
        // A folder without any roster is an error that lists what it holds.
        std::fs::remove_file(folder.join("名册.csv")).unwrap();
        let err = read_rosters(&[folder.to_path_buf()], &rules()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{} 中没有证书名册\n  跳过 ", folder.display())),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5, "{text}");
    }
}
