//! The load step of a build: the configuration, the root key, every
//! dataset line and the Markdown pages of a data folder, read in sorted
//! order. Nothing is verified here.

use std::path::Path;

use certsite_core::trust::dataset::SourcedLine;
use certsite_core::trust::problem::Problem;

use crate::data::config::Config;
use crate::data::dataset;
use crate::data::folder::DataFolder;
use crate::site::error::BuildError;
use crate::site::markdown;
use crate::site::render::MarkdownSource;

/// Folder of Markdown pages inside the data folder.
pub(crate) const PAGES_DIR: &str = "pages";

/// What the load step reads.
pub(crate) struct Loaded {
    /// Site configuration.
    pub config: Config,
    /// The data folder's trust root and privacy floor.
    pub folder: DataFolder,
    /// Every dataset line.
    pub lines: Vec<SourcedLine>,
    /// Markdown pages.
    pub pages: Vec<MarkdownSource>,
    /// Problems found while reading.
    pub problems: Vec<Problem>,
}

/// Reads the configuration, root key, datasets and pages (sorted walks).
pub(crate) fn load(data: &Path) -> Result<Loaded, BuildError> {
    let config = Config::load(data).map_err(BuildError::Setup)?;
    let folder = DataFolder::with_config(data, &config).map_err(BuildError::Setup)?;
    let files = folder.dataset_files().map_err(BuildError::Setup)?;
    let (lines, mut problems) = dataset::read_lines(&files);
    let mut pages = Vec::new();
    let pages_dir = data.join(PAGES_DIR);
    if pages_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&pages_dir)
            .max_depth(1)
            .sort_by_file_name()
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Problem::file(&pages_dir, e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            match std::fs::read_to_string(path) {
                Ok(text) => pages.push(MarkdownSource {
                    slug: path
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    page: markdown::render(&text),
                }),
                Err(e) => problems.push(Problem::file(
                    path,
                    format!("无法读取：{}", crate::catalogue::os_message(&e)),
                )),
            }
        }
    }
    Ok(Loaded {
        config,
        folder,
        lines,
        pages,
        problems,
    })
}
