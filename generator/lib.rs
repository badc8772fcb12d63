#![warn(unreachable_pub, missing_docs, clippy::too_many_lines)]
//! # certsite
//!
//! Turns signed datasets of Liaoning vocational skill level certificates
//! (职业技能等级证书, 辽人社〔2020〕22号) into a static lookup site whose
//! visitors' browsers check every signature themselves.
//!
//! ## The pipeline, folder by folder
//!
//! - `domain`: the notice's vocabulary, with no knowledge of signatures:
//!   `domain::code` (证书编码 and 机构备案号, 附件5), `domain::level`,
//!   `domain::occupation` (the skill catalogue), `domain::id_document`
//!   (GB 11643), `domain::dates`, `domain::text`.
//! - `input`: spreadsheets in (`input::table`: CSV in UTF-8/GBK/UTF-16
//!   and Excel), rows read into statements (`input::roster`), signed
//!   (`input::sign`).
//! - `trust`: the trust chain, the Rust twin of the browser verifier:
//!   `trust::canonical` (RFC 8785), `trust::keys` (Ed25519),
//!   `trust::statement` (the rules each statement keeps on its own; roster
//!   rows are checked by them as drafts), `trust::envelope`,
//!   `trust::chain` (who may sign what), `trust::verifier` (the one
//!   entry point: root, today, privacy floor), `trust::snapshot` (a site's
//!   signed snapshot, read from the root), `trust::privacy` (masks and
//!   slow hashes), `trust::problem` (file, line, field).
//! - `data`: a data folder on disk: `data::config` (`certsite.toml`),
//!   `data::dataset` (JSON Lines files) and `data::folder` (its
//!   configured root key; every command verifies a folder through it).
//! - `site`: data → verify → render → shard → log → write: `site::build`
//!   (the pipeline), `site::model` (what the pages show), `site::render`
//!   (every page in both languages), `site::i18n` (the string tables),
//!   `site::bundle` (one script per page), `site::offline` (the service
//!   worker), `site::markdown`, `site::shard`, `site::search_index`,
//!   `site::snapshot` (the signed snapshot, and the page's checks in Rust),
//!   `site::log_step` (appending to the log), `site::serve` (the preview
//!   server).
//! - [`log`]: the append-only log in the C2SP tlog-tiles layout and the
//!   snapshot's trees: [`log::merkle`] (RFC 6962 hashing, inclusion and
//!   consistency proofs), [`log::tiles`] (hash tiles and entry bundles),
//!   [`log::note`] (the checkpoint as a signed note), [`log::witness`]
//!   (cosignatures), and the crate-internal state (builds only append),
//!   consistency (proofs from tiles), keyed_tree, audit and commands.
//! - `issuer`: what an enterprise prints and files: `issuer::qr`,
//!   `issuer::print` (附件6), `issuer::report` (附件7).
//! - `demo`: the synthetic default dataset in `data/`.
//! - `constants` (format magic in one place), `error` (operating-system
//!   errors in Chinese, with the path), `staging` (a folder replaced whole:
//!   written beside the target, put in place when complete, undone on
//!   Ctrl-C; updated in place where the target is a mount point) and `cli`
//!   (the command line).
//!
//! Every problem in an input is reported with file, line and field
//! ([[`trust::problem::Problem`]]), all of them in one run.

pub mod cli;
pub mod constants;
pub mod data;
pub mod demo;
pub mod domain;
pub mod error;
pub(crate) mod init;
pub(crate) mod input;
pub mod issuer;
pub mod log;
pub mod site;
pub(crate) mod staging;
pub mod trust;
