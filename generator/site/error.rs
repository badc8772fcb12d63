//! Why a build wrote nothing: one error type for every step of the
//! pipeline, so that the command line tells a data problem (exit 1) from a
//! build that could not run (exit 2) or was interrupted (130).

use std::path::PathBuf;

use certsite_core::site_format::snapshot::SnapshotError;
use certsite_core::trust::problem::Problem;

use crate::error::FsError;
use crate::site::downloads::DownloadError;
use crate::site::write::WriteError;

/// Why a build wrote nothing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    /// The configuration, the root key or the folder cannot be used: the
    /// build cannot run (exit status 2), whatever the data holds.
    #[error(transparent)]
    Setup(Problem),
    /// The data has problems (all of them).
    #[error("数据有 {} 个问题", .0.len())]
    Problems(Vec<Problem>),
    /// The data folder is the output folder or inside it.
    #[error("数据目录 {} 在输出目录 {} 之内：替换站点会删除数据和密钥；请把站点生成到数据目录之外，或数据目录之内的子目录，如 --out {}", data.display(), out.display(), data.join("public").display())]
    DataInsideSite {
        /// The data folder.
        data: PathBuf,
        /// The site folder.
        out: PathBuf,
    },
    /// A template failed to render.
    #[error("模板错误：{0}")]
    Template(String),
    /// A table to download is more than a workbook can hold.
    #[error(transparent)]
    Download(#[from] DownloadError),
    /// The site could not be written; the old one is intact.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The site was put in place, but the list of what was left out could
    /// not be written beside it.
    #[error("站点已更新，但未能写出未发布记录的清单：{0}")]
    PublishedWithoutReport(FsError),
    /// A file beside the site could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// No log key is configured.
    #[error(
        "没有发布者的日志密钥：在 certsite.toml 的 [log] 中设置 key = \"路径\"，或用 --log-key 指定（签名快照与日志检查点要用它）"
    )]
    NoLogKey,
    /// The log key could not be read.
    #[error("无法读取日志密钥 {}：{}", .0.display(), .1)]
    LogKey(PathBuf, String),
    /// The build would drop or change published statements.
    #[error("{0}")]
    Removed(String),
    /// The log's state cannot be used.
    #[error("{0}")]
    Log(String),
    /// The snapshot cannot be signed.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}
