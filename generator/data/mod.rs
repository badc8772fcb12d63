//! A data folder on disk: its configuration (`certsite.toml`) and its signed
//! datasets (JSON Lines), read in a sorted, deterministic order.

pub(crate) mod config;
pub mod dataset;
pub(crate) mod folder;
