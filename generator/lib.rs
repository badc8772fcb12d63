#![warn(unreachable_pub, missing_docs, clippy::too_many_lines)]
//! # certsite
//!
//! The `certsite` command: signed datasets of Liaoning vocational skill
//! level certificates (职业技能等级证书, 辽人社〔2020〕22号) in, a static
//! lookup site out, whose visitors' browsers check every signature
//! themselves. Every rule and format is `certsite_core`'s; this crate reads
//! and writes files, and holds the command line.
//!
//! ## Layers, lowest first
//!
//! A module imports only from lower layers (and from `certsite_core`);
//! `tests/integration/layers.rs` checks it against the table in
//! `ARCHITECTURE.md`.
//!
//! 1. `catalogue`: other crates' error messages in Chinese (the operating
//!    system, TOML, workbooks, CSV, the argument parser), each pinned by a
//!    test.
//! 2. [`error`]: file-system errors with the path and the action (read, write, …).
//! 3. `staging` (a folder replaced whole, undone on Ctrl-C) and
//!    [`key_files`] (key files on disk).
//! 4. [`log`]: the log's state in a data folder, a mirrored site's audit,
//!    and the witness client.
//! 5. [`data`]: a data folder: `certsite.toml`, its signed datasets and
//!    root key; every command verifies a folder through it.
//! 6. `input` (spreadsheets in, signed statements out) and [`site`] (data →
//!    verify → render → shard → log → write, and the preview server), which
//!    do not import each other.
//! 7. [`issuer`]: what an enterprise prints and files: QR codes, 附件6
//!    certificates, 附件7 reports.
//! 8. [`demo`] (the synthetic default dataset in `data/`) and `init` (a new
//!    deployment's data folder).
//! 9. [`cli`]: the command line.
//!
//! Every problem in an input is reported with file, line and field
//! (`certsite_core::trust::problem::Problem`), all of them in one run.

pub(crate) mod catalogue;
pub mod cli;
pub mod data;
pub mod demo;
pub mod error;
pub(crate) mod init;
pub(crate) mod input;
pub mod issuer;
pub mod key_files;
pub mod log;
pub mod site;
pub(crate) mod staging;
pub(crate) mod workbook;
