//! The log on disk and on the network: its state in a data folder, which
//! builds only extend (`state`), the audit of a mirrored site and the
//! `certsite log` commands (`audit`, `commands`), and the client that
//! asks witnesses to cosign (`witness`). The formats are
//! `certsite_core::log`'s.

pub(crate) mod audit;
pub(crate) mod commands;
pub(crate) mod state;
pub(crate) mod witness;
