#![warn(unreachable_pub, missing_docs, clippy::too_many_lines)]
//! # certsite-core
//!
//! The rules and formats of certsite, for anyone who verifies its files: the
//! `certsite` command itself, an auditor, another province, the national
//! query system. Bytes and lines in, verdicts and problems out: this crate
//! reads no file, opens no connection and knows no command line.
//!
//! ## Modules, lowest first
//!
//! - [`domain`]: the notice's vocabulary (辽人社〔2020〕22号), with no
//!   knowledge of signatures: [`domain::code`] (证书编码 and 机构备案号,
//!   附件5), [`domain::level`], [`domain::occupation`] (the skill
//!   catalogue), [`domain::id_document`] (GB 11643), [`domain::dates`],
//!   [`domain::text`].
//! - [`trust`]: statements and every rule of the trust chain, the Rust twin
//!   of the browser verifier: [`trust::canonical`] (RFC 8785),
//!   [`trust::keys`] (Ed25519, key ids, key file text),
//!   [`trust::statement`], [`trust::envelope`], [`trust::dataset`] (JSON
//!   Lines with their origin), [`trust::chain`] (who may sign what),
//!   [`trust::verifier`] (the one entry point), [`trust::snapshot`] (a
//!   site's signed snapshot, read from the root), [`trust::privacy`] (masks
//!   and slow hashes), [`trust::problem`] (file, line, field),
//!   [`trust::rules`] (every rule by name) and [`trust::messages`] (the
//!   JSON parser's, serde's and the base64 decoder's errors in Chinese).
//! - [`log`]: the append-only log in the C2SP tlog-tiles layout and the
//!   snapshot's keyed trees.
//! - [`site_format`]: a published site's file names, its certificate shards
//!   and its signed snapshot, with the checks a visitor's page makes before
//!   it judges a lookup.
//! - [`constants`]: format magic in one place.
//!
//! The formats are specified in `docs/formats.md` of the repository; the
//! shared test vectors (`tests/vectors/`) bind this crate and the browser.
//!
//! ## Verifying a dataset
//!
//! ```
//! use std::path::Path;
//! use certsite_core::trust::{dataset, keys::SecretKey, envelope::Envelope};
//! use certsite_core::trust::verifier::Verifier;
//! use certsite_core::trust::options::VerifyOptions;
//!
//! // The root key that every chain starts from (published out of band).
//! let root = SecretKey::from_seed([1; 32]);
//! let verifier = Verifier {
//!     root: root.public(),
//!     options: VerifyOptions {
//!         today: jiff::civil::date(2026, 12, 7),
//!         min_iterations: certsite_core::constants::MIN_ITERATIONS,
//!     },
//! };
//! // The bytes of a dataset file, however the caller got them: here one
//! // line that is no envelope.
//! let (lines, problems) = dataset::lines(Path::new("certs.jsonl"), b"{\"kid\":1}\n");
//! let verified = verifier.verify(lines, problems);
//! assert!(verified.chain.certificates.is_empty());
//! assert_eq!(verified.problems.len(), 1);
//! assert!(verified.problems[0].to_string().starts_with("certs.jsonl:1: "));
//! # let _ = Envelope::parse;
//! ```

pub mod constants;
pub mod domain;
pub mod log;
pub mod site_format;
pub mod trust;
