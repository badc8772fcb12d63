//! `manifest.json`: the format version, shard parameters, root key, counts,
//! the data date and the SHA-256 of every other file of the site but the
//! log's tiles (`log/tile/`, copied from the log's state and authenticated
//! by `log/checkpoint`).

use std::collections::BTreeMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::site::build::{INSTITUTION_DIR, Loaded, SHARD_DIR};
use crate::site::model::SiteModel;
use crate::site::render::Files;
use crate::site::shard::ShardScheme;
use crate::site::snapshot::FileHashes;
use crate::trust::chain::Chain;
use crate::trust::keys::hex;

/// Version of the published file layout, in `manifest.json`.
pub(crate) const SITE_FORMAT: u32 = 1;
/// The manifest's path in the site.
pub(crate) const MANIFEST: &str = "manifest.json";

/// The built site `path` is in (or is), wherever links lead: the place
/// `print` and `sign` never write to (a site's files are the build's).
pub(crate) fn enclosing_site(path: &std::path::Path) -> Option<std::path::PathBuf> {
    let path = crate::error::resolved(path);
    (path.ancestors())
        .find(|a| a.join(MANIFEST).is_file())
        .map(std::path::Path::to_path_buf)
}

pub(crate) fn manifest(
    chain: &Chain,
    loaded: &Loaded,
    model: &SiteModel,
    scheme: ShardScheme,
    files: &Files,
    hashes: &FileHashes,
) -> Vec<u8> {
    let hashes: BTreeMap<&str, String> = files
        .iter()
        .map(|(path, bytes)| {
            let hash = hashes
                .get(path)
                .copied()
                .unwrap_or_else(|| Sha256::digest(bytes).into());
            (path.as_str(), hex(&hash))
        })
        .collect();
    let value = json!({
        "format": SITE_FORMAT,
        "generator": concat!("certsite ", env!("CARGO_PKG_VERSION")),
        "data_date": model.data_date,
        "root": {
            "public_key": loaded.folder.root.to_base64(),
            "kid": loaded.folder.root.kid(),
            "fingerprint": loaded.folder.root.fingerprint(),
        },
        "shards": {
            "path": SHARD_DIR,
            "hash": "SHA-256",
            "bits": scheme.bits,
            "count": scheme.count(),
            "name_width": scheme.name_width(),
            "extension": ".jsonl",
        },
        "institutions": { "path": INSTITUTION_DIR, "extension": ".jsonl" },
        "counts": {
            "institutions": chain.history.len(),
            "superseded_institution_statements": chain.superseded,
            "certificates": chain.certificates.len(),
            "revocations": chain.revocations.len(),
        },
        "files": hashes,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("manifest serialises");
    text.push('\n');
    text.into_bytes()
}
