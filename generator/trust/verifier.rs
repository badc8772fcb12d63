//! The one way to verify signed data: a trusted root, the options every
//! judgment depends on (today, the privacy floor), and the dataset files or
//! lines to judge. `verify`, `build`, `sign --data`, `print`, `report` and
//! the demo generator all verify through [`Verifier`]; a data folder supplies
//! one from its configuration (`crate::data::folder::DataFolder::verifier`).

use std::path::PathBuf;

use jiff::civil::Date;

use crate::data::dataset::{self, SourcedLine};
use crate::domain::occupation::Catalogue;
use crate::trust::chain::{self, Chain};
use crate::trust::keys::PublicKey;
use crate::trust::problem::Problem;

/// What a judgment depends on besides the statements themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Today, as a civil date in China: nothing may be dated later.
    pub today: Date,
    /// Privacy floor for the PBKDF2 iteration count of certificates.
    pub min_iterations: u32,
}

/// A trusted root and the options to judge by.
#[derive(Clone, Debug)]
pub struct Verifier {
    /// The root key every chain starts from.
    pub root: PublicKey,
    /// Today and the privacy floor.
    pub options: VerifyOptions,
}

/// The outcome of a verification: what passed, and every problem, sorted.
#[derive(Debug)]
pub struct Verified {
    /// Everything that verified.
    pub chain: Chain,
    /// Every problem found, reading the files included.
    pub problems: Vec<Problem>,
}

impl Verifier {
    /// Reads and verifies dataset files (problems reading them are reported
    /// beside the chain's).
    pub fn verify_files(&self, files: &[PathBuf]) -> Verified {
        self.verify_files_with(files, Vec::new())
    }

    /// Verifies dataset files together with further lines not on disk yet
    /// (statements about to be signed, checked against the signed data).
    pub(crate) fn verify_files_with(&self, files: &[PathBuf], extra: Vec<SourcedLine>) -> Verified {
        let (mut lines, mut problems) = dataset::read_lines(files);
        lines.extend(extra);
        let (chain, more) = self.verify_lines(lines);
        problems.extend(more);
        problems.sort();
        Verified { chain, problems }
    }

    /// Verifies lines already read. Returns what passed and the chain's problems.
    pub(crate) fn verify_lines(&self, lines: Vec<SourcedLine>) -> (Chain, Vec<Problem>) {
        chain::verify(&self.root, lines, Catalogue::builtin(), &self.options)
    }
}
