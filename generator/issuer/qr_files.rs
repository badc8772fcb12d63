//! `certsite build --qr-out DIR`: one SVG per certificate, named by its
//! code, for the issuers to print. Never inside the published site, which
//! has no use for them, and written before the site, so that Ctrl-C while
//! they are written leaves the site as it was.

use std::path::{Path, PathBuf};

use certsite_core::trust::chain::Chain;

use crate::error::{FsError, check_can_make, resolved};
use crate::issuer::qr::{QrError, Symbol, verify_url};
use crate::site::build::skipped_report_path;
use crate::staging::{Shield, interrupted};

/// Why the QR codes were not all written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum QrFilesError {
    /// `--qr-out` points inside the site, which never publishes QR codes.
    #[error("二维码目录 {} 不能在站点目录 {} 之内：站点不发布二维码", qr.display(), out.display())]
    InsideSite {
        /// The QR folder asked for.
        qr: PathBuf,
        /// The site folder.
        out: PathBuf,
    },
    /// `--qr-out` is the data folder, or holds it or the site.
    #[error("二维码目录 {} 是数据目录或站点目录，或包含它们：请用一个单独的目录，如 --qr-out qr", .0.display())]
    AroundData(PathBuf),
    /// `--qr-out` is inside the log's state, which every build publishes.
    #[error("二维码目录 {} 在日志目录 {} 之内：日志目录随站点发布，二维码不发布；请用一个单独的目录，如 --qr-out qr", qr.display(), log.display())]
    InsideLog {
        /// The QR folder asked for.
        qr: PathBuf,
        /// The log's state in the data folder.
        log: PathBuf,
    },
    /// `--qr-out` is where the build lists what it left out.
    #[error("二维码目录 {} 是构建写跳过报告的位置：请用一个单独的目录，如 --qr-out qr", .0.display())]
    SkippedReport(PathBuf),
    /// Ctrl-C while the QR codes were written: the site was not touched.
    #[error("已中断：站点没有更新；二维码目录 {} 中已有 {done}/{total} 个二维码写完（每个都完整），重新构建会补齐其余的。", dir.display())]
    Interrupted {
        /// The QR folder.
        dir: PathBuf,
        /// Codes written (or already there).
        done: usize,
        /// Codes in all.
        total: usize,
    },
    /// A QR code could not be made.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A file could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
}

/// Where a build writes, which the QR codes must stay out of: the data
/// folder, the site, the log's state (published with the site) and the
/// list of what `--skip-invalid` left out.
pub(crate) struct Outputs<'a> {
    /// The data folder.
    pub data: &'a Path,
    /// The site folder.
    pub out: &'a Path,
    /// The log's state, as `certsite.toml` places it (when it could be read).
    pub log: Option<&'a Path>,
}

/// Refuses a QR folder inside the site or the log's state, around the data
/// folder, at the skipped report's path, and one that cannot be made,
/// before any slow work.
pub(crate) fn check(dir: &Path, outputs: &Outputs) -> Result<(), QrFilesError> {
    let qr = resolved(dir);
    let (data, out) = (resolved(outputs.data), resolved(outputs.out));
    if qr.starts_with(&out) {
        return Err(QrFilesError::InsideSite {
            qr: dir.to_path_buf(),
            out: outputs.out.to_path_buf(),
        });
    }
    // Thousands of SVGs among the data or around the site: a slip.
    if data.starts_with(&qr) || out.starts_with(&qr) {
        return Err(QrFilesError::AroundData(dir.to_path_buf()));
    }
    if let Some(log) = outputs.log
        && qr.starts_with(resolved(log))
    {
        return Err(QrFilesError::InsideLog {
            qr: dir.to_path_buf(),
            log: log.to_path_buf(),
        });
    }
    if qr == resolved(&skipped_report_path(outputs.out)) {
        return Err(QrFilesError::SkippedReport(dir.to_path_buf()));
    }
    Ok(check_can_make(dir)?)
}

/// Writes the QR code of every certificate of `chain` into `dir`. Each
/// file is whole (written beside, then renamed) and one already there with
/// the same bytes is left alone, so an interrupted run leaves valid codes
/// and the next one writes only what is missing.
pub(crate) fn write_all(dir: &Path, chain: &Chain, base_url: &str) -> Result<(), QrFilesError> {
    let _shield = Shield::raise();
    crate::error::create_dir_all(dir)?;
    let total = chain.certificates.len();
    for (done, code) in chain.certificates.keys().enumerate() {
        if interrupted() {
            return Err(QrFilesError::Interrupted {
                dir: dir.to_path_buf(),
                done,
                total,
            });
        }
        let svg = Symbol::new(&verify_url(base_url, code, None))?.svg();
        let path = dir.join(format!("{code}.svg"));
        if std::fs::read(&path).is_ok_and(|old| old == svg.as_bytes()) {
            continue;
        }
        // Whole or not at all; a full disk leaves no temporary file.
        crate::data::dataset::write_atomic(&path, svg.as_bytes())?;
    }
    Ok(())
}
