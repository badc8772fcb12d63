//! The layout of a published site, as the page and an auditor read it:
//! the file names, the certificate shards ([`shard`]), the signed
//! snapshot that commits to every file ([`snapshot`]) and what one lookup
//! reads ([`lookup`]).

use std::collections::BTreeMap;

pub mod lookup;
pub mod shard;
pub mod snapshot;

/// A site in memory: file contents by path relative to the site's root
/// (`c/0a1`, `i/Y000021013002.jsonl`, `index.html`).
pub type Files = BTreeMap<String, Vec<u8>>;

/// Version of the published file layout, in `manifest.json`.
pub const SITE_FORMAT: u32 = 1;
/// The manifest: format version, shard parameters, root key, counts, the
/// data date and the SHA-256 of every other file but the log's tiles.
pub const MANIFEST: &str = "manifest.json";
/// Folder of certificate shards.
pub const SHARD_DIR: &str = "c/";
/// Folder of institution statements (`<filing>.jsonl`) and their unsigned
/// facts (`<filing>.json`).
pub const INSTITUTION_DIR: &str = "i/";
/// The signed snapshot.
pub const SNAPSHOT_FILE: &str = "snapshot.jsonl";
/// Folder of the snapshot's tiles.
pub const TILE_DIR: &str = "snap/";
/// Folder of the log (C2SP tlog-tiles) in the site.
pub const LOG_DIR: &str = "log/";
/// The log's checkpoint, inside the log's folder.
pub const CHECKPOINT: &str = "checkpoint";
/// The service worker that keeps pages for offline use.
pub const SERVICE_WORKER: &str = "sw.js";
/// Folder of the directory's search index.
pub const SEARCH_DIR: &str = "s/";
/// The search index's description, inside its folder.
pub const META_FILE: &str = "meta.json";
