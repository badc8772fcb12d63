//! The public site, built as a flat pipeline (`build`): load the data
//! folder, verify it, derive the view `model`, make the `downloads` (the
//! directory and the statistics as `spreadsheet`s), `render` the pages (the
//! statistics page's `charts` drawn as SVG) and `markdown`, `shard` the
//! certificates, build the `search_index`, and write everything atomically.
//! `serve` previews the result.

pub(crate) mod build;
pub(crate) mod bundle;
pub(crate) mod charts;
pub(crate) mod downloads;
pub(crate) mod error;
pub(crate) mod headers;
pub(crate) mod i18n;
pub(crate) mod load;
pub(crate) mod log_step;
pub(crate) mod manifest;
pub(crate) mod markdown;
pub(crate) mod model;
pub(crate) mod offline;
pub(crate) mod render;
pub(crate) mod search_index;
pub(crate) mod serve;
pub(crate) mod spreadsheet;
pub(crate) mod write;
