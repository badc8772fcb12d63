//! The public site, built as a flat pipeline ([`build`]): load the data
//! folder, verify it, derive the view [`model`], [`render`] the pages and
//! [`markdown`], [`shard`] the certificates, build the [`search_index`], and
//! write everything atomically. [`serve`] previews the result.

pub mod build;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod render;
pub mod search_index;
pub mod serve;
pub mod shard;
pub mod write;
