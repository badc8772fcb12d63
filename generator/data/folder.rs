//! A data folder as a whole: where its root key is (from `certsite.toml`,
//! `root.pub` by default), the privacy floor it is judged by, and its signed
//! datasets. Every command that judges a data folder opens it here and
//! verifies it through [`DataFolder::verify`].

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::catalogue::os_message;
use crate::data::config::{CONFIG_FILE, Config};
use crate::data::dataset;
use crate::key_files::KeyError;
use certsite_core::constants::MIN_ITERATIONS;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::verifier::{Verified, Verifier};

/// Name of the trust root's public key in a data folder without a
/// `certsite.toml` saying otherwise.
pub(crate) const DEFAULT_ROOT_KEY: &str = "root.pub";

/// An opened data folder: its root key and privacy floor.
#[derive(Clone, Debug)]
pub(crate) struct DataFolder {
    /// The folder.
    pub path: PathBuf,
    /// The trust root, as configured.
    pub root: PublicKey,
    /// The configured privacy floor for certificate hashes.
    pub min_iterations: u32,
}

impl DataFolder {
    /// Opens a folder of signed data. Its `certsite.toml` is read when there
    /// is one (a site's data folder); without one, the root key is
    /// `root.pub` and the privacy floor the default.
    pub(crate) fn open(path: &Path) -> Result<DataFolder, Problem> {
        if path.join(CONFIG_FILE).exists() {
            let config = Config::load(path)?;
            return DataFolder::with_config(path, &config);
        }
        DataFolder::with_root(path, &path.join(DEFAULT_ROOT_KEY), MIN_ITERATIONS)
    }

    /// Opens a site's data folder whose configuration is already read.
    pub(crate) fn with_config(path: &Path, config: &Config) -> Result<DataFolder, Problem> {
        DataFolder::with_root(
            path,
            &path.join(&config.root_key),
            config.privacy.min_iterations,
        )
    }

    fn with_root(path: &Path, root: &Path, min_iterations: u32) -> Result<DataFolder, Problem> {
        let root = crate::key_files::read_public(root).map_err(|e| {
            // The key's errors name the file themselves: said once.
            let text = match &e {
                KeyError::Fs(fs) => format!("无法读取：{}", os_message(&fs.source)),
                other => other.to_string(),
            };
            let own = format!("{}: ", root.display());
            Problem::file(root, text.strip_prefix(&own).unwrap_or(&text))
        })?;
        Ok(DataFolder {
            path: path.to_path_buf(),
            root,
            min_iterations,
        })
    }

    /// The verifier of this folder on `today`.
    pub(crate) fn verifier(&self, today: Date) -> Verifier {
        Verifier {
            root: self.root,
            options: VerifyOptions {
                today,
                min_iterations: self.min_iterations,
            },
        }
    }

    /// Every dataset file of the folder, in sorted order.
    pub(crate) fn dataset_files(&self) -> Result<Vec<PathBuf>, Problem> {
        dataset::find_datasets(std::slice::from_ref(&self.path))
    }

    /// Reads and verifies every dataset of the folder as of `today`.
    pub(crate) fn verify(&self, today: Date) -> Result<Verified, Problem> {
        let verifier = self.verifier(today);
        Ok(dataset::verify_files(
            &verifier,
            &self.dataset_files()?,
            Vec::new(),
        ))
    }
}
