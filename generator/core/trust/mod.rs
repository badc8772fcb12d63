//! The trust chain: what a statement is, how it is signed, and every rule a
//! verifier applies. This is the Rust twin of the browser verifier in
//! `site-templates/js/` (`jcs.js` ↔ [`canonical`], `crypto.js` ↔ [`keys`],
//! `verify.js` ↔ [`statement`] and [`chain`], `holder.js` ↔ [`privacy`]);
//! both are bound by the shared vectors in `tests/vectors/`.

pub mod canonical;
pub mod chain;
pub mod city;
pub mod dataset;
pub mod envelope;
pub mod fields;
pub mod keys;
pub mod messages;
pub mod options;
pub mod privacy;
pub mod problem;
mod review_rules;
pub mod rules;
mod signed_line;
pub mod snapshot;
pub mod statement;
pub mod verifier;
