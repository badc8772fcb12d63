//! The one way to verify signed data: a trusted root, the options every
//! judgment depends on (today, the privacy floor), and the dataset lines to
//! judge. Every command of the `certsite` binary (`verify`, `build`,
//! `sign --data`, `print`, `report`, the demo generator) verifies through
//! [`Verifier`]; reading the files is the caller's.

use crate::domain::occupation::Catalogue;
use crate::trust::chain::{self, Chain};
use crate::trust::dataset::SourcedLine;
use crate::trust::keys::PublicKey;
use crate::trust::options::VerifyOptions;
use crate::trust::problem::Problem;

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
    /// Verifies dataset lines. `problems` are those found reading them (a
    /// file that could not be read, a line that is not UTF-8), reported
    /// beside the chain's, all sorted.
    pub fn verify(&self, lines: Vec<SourcedLine>, mut problems: Vec<Problem>) -> Verified {
        let (chain, more) = self.verify_lines(lines);
        problems.extend(more);
        problems.sort();
        Verified { chain, problems }
    }

    /// Verifies lines already read. Returns what passed and the chain's problems.
    pub fn verify_lines(&self, lines: Vec<SourcedLine>) -> (Chain, Vec<Problem>) {
        chain::verify(&self.root, lines, Catalogue::builtin(), &self.options)
    }
}
