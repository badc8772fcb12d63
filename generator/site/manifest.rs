//! `manifest.json`: the format version, shard parameters, root key, counts,
//! the data date and the SHA-256 of every other file of the site but the
//! log's tiles (`log/tile/`, copied from the log's state and authenticated
//! by `log/checkpoint`).

use std::collections::BTreeMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::site::load::Loaded;
use crate::site::model::SiteModel;
use certsite_core::site_format::shard::ShardScheme;
use certsite_core::site_format::snapshot::FileHashes;
use certsite_core::site_format::{Files, INSTITUTION_DIR, SHARD_DIR, SITE_FORMAT};
use certsite_core::trust::chain::Chain;
use certsite_core::trust::keys::hex;

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
