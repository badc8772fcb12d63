//! # certsite
//!
//! Turns signed datasets of Liaoning vocational skill level certificates
//! (职业技能等级证书, 辽人社〔2020〕22号) into a static lookup site whose
//! visitors' browsers check every signature themselves.
//!
//! ## The pieces
//!
//! - Domain: [`code`] (证书编码 and 机构备案号, 附件5), [`level`],
//!   [`occupation`] (the skill catalogue), [`id_document`] (GB 11643),
//!   [`dates`], [`text`].
//! - Trust: [`canonical`] (RFC 8785), [`keys`] (Ed25519), [`statement`],
//!   [`envelope`], [`chain`] (who may sign what), [`privacy`] (masks and
//!   slow hashes).
//! - Input: [`table`] (CSV in UTF-8/GBK and Excel files), [`records`]
//!   (rows into statements), [`sign`].
//! - Data: [`dataset`] (JSON Lines on disk), [`demo`] (the synthetic
//!   default dataset).
//!
//! Every problem in an input is reported with file, line and field
//! ([`problem::Problem`]), all of them in one run.

pub mod build;
pub mod canonical;
pub mod chain;
pub mod cli;
pub mod code;
pub mod config;
pub mod constants;
pub mod dataset;
pub mod dates;
pub mod demo;
pub mod envelope;
pub mod id_document;
pub mod keys;
pub mod level;
pub mod markdown;
pub mod occupation;
pub mod print;
pub mod privacy;
pub mod problem;
pub mod qr;
pub mod records;
pub mod render;
pub mod report;
pub mod search_index;
pub mod serve;
pub mod shard;
pub mod sign;
pub mod site;
pub mod statement;
pub mod table;
pub mod text;
