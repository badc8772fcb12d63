//! The signed snapshot of a build (`snapshot.jsonl`, tiles under `snap/`):
//! two keyed trees (`log::keyed_tree`), one over the certificate
//! shards (bucket = shard) and one over the institution files (bucket =
//! leading bits of SHA-256 of the filing number, holding `<filing>.jsonl`
//! and `<filing>.json`), and the log's head, signed with the publisher's log
//! key. The file starts with every publisher statement, so a visitor checks
//! the whole chain from the root in one fetch.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::constants::STATEMENT_VERSION;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::log::keyed_tree::{
    FileEntry, ISSUER_TILE_HEIGHT, KeyedTree, Mismatch, TILE_HEIGHT, bucket_of, check_file,
    file_hash, heights, path, record,
};
use crate::log::merkle::Hash;
use crate::site_format::Files;
use crate::site_format::lookup;
use crate::site_format::shard::ShardScheme;
use crate::site_format::{INSTITUTION_DIR, SHARD_DIR};
use crate::trust::chain::Chain;
use crate::trust::envelope::Envelope;
use crate::trust::keys::{PublicKey, SecretKey};
use crate::trust::rules::Rule;
use crate::trust::snapshot::{SnapshotProblem, TrustedSnapshot};
use crate::trust::statement::{LogHead, Snapshot, Statement, TreeHead};

/// The snapshot's path in the site.
pub const SNAPSHOT_FILE: &str = "snapshot.jsonl";
/// Folder of the snapshot's tiles.
pub const TILE_DIR: &str = "snap/";

/// Why no snapshot could be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// No publisher statement in the data.
    #[error(
        "数据中没有发布者声明：根密钥须签署一份列出日志密钥的发布者声明（certsite log authorize）"
    )]
    NoPublisher,
    /// The log key is not the publisher's, or not on the data date.
    #[error("日志密钥 {kid} 不在最新的发布者声明中，或数据日期 {date} 不在其有效期内")]
    KeyNotListed {
        /// The configured key's id.
        kid: String,
        /// The data date.
        date: String,
    },
    /// The publisher's origin is not the site's log.
    #[error(
        "发布者声明的日志来源为 {listed}，本站的日志为 {site}（由 certsite.toml 的 base_url 得出）：把 base_url 改回；若站点地址确实改了，用 certsite log authorize --base-url 新地址 签发一份新的发布者声明"
    )]
    Origin {
        /// The publisher statement's origin.
        listed: String,
        /// The origin of this site's log.
        site: String,
    },
}

/// The log's origin for a site published at `base_url`: its `log/` folder
/// without scheme or trailing slash (C2SP tlog-checkpoint).
pub fn origin(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    format!("{}/log", rest.trim_end_matches('/'))
}

/// The trees' parameters as the pages carry them (`data-snapshot`): the
/// same bits and tile heights the snapshot will sign, and the width of a
/// shard's name.
pub fn hints(scheme: ShardScheme, institutions: usize, base_url: &str) -> serde_json::Value {
    let bits = u32::from(scheme.bits);
    let ibits = issuer_bits(institutions);
    serde_json::json!({
        "origin": origin(base_url),
        "shards": { "bits": bits, "tiles": heights(bits, TILE_HEIGHT) },
        "issuers": { "bits": ibits, "tiles": heights(ibits, ISSUER_TILE_HEIGHT) },
        "width": scheme.name_width(),
    })
}

/// The number of bits for `n` institutions: about one per bucket.
fn issuer_bits(n: usize) -> u32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).min(crate::log::keyed_tree::MAX_BITS)
}

fn head(tree: &KeyedTree) -> TreeHead {
    TreeHead {
        bits: i64::from(tree.bits),
        tiles: tree.heights.iter().map(|h| i64::from(*h)).collect(),
        top: tree.top.iter().map(|h| STANDARD.encode(h)).collect(),
    }
}

fn add_tiles(files: &mut Files, tree: &KeyedTree, name: &str) {
    for (level, index, bytes) in &tree.tiles {
        files.insert(format!("{TILE_DIR}{name}/{level}/{index}"), bytes.clone());
    }
}

/// The shard tree's records, one per shard, from the hash of each shard's
/// file (`hash_of` by site path; a missing file gives an empty record).
/// The build and the auditor (`log::audit`) both build the tree with it.
pub fn shard_records(
    scheme: ShardScheme,
    hash_of: impl Fn(&str) -> Option<Hash> + Sync,
) -> Vec<Vec<u8>> {
    (0..scheme.count())
        .into_par_iter()
        .map(|i| {
            let path = format!("{SHARD_DIR}{}", scheme.name(i));
            hash_of(&path).map_or_else(Vec::new, |hash| {
                record(&[FileEntry {
                    name: String::new(),
                    hash,
                }])
            })
        })
        .collect()
}

/// The institution tree's records over 2^`bits` buckets: `<filing>.jsonl`
/// and `<filing>.json` of each filing number, where `hash_of` finds them.
pub fn issuer_records(
    bits: u32,
    filings: &[String],
    hash_of: impl Fn(&str) -> Option<Hash>,
) -> Vec<Vec<u8>> {
    let mut buckets: Vec<Vec<FileEntry>> = vec![Vec::new(); 1 << bits];
    for filing in filings {
        for ext in ["jsonl", "json"] {
            let name = format!("{filing}.{ext}");
            if let Some(hash) = hash_of(&format!("{INSTITUTION_DIR}{name}")) {
                buckets[bucket_of(filing, bits) as usize].push(FileEntry { name, hash });
            }
        }
    }
    buckets.iter().map(|b| record(b)).collect()
}

/// The tree over the certificate shards, one bucket per shard.
fn shard_tree(hashes: &FileHashes, scheme: ShardScheme) -> KeyedTree {
    let records = shard_records(scheme, |p| hashes.get(p).copied());
    let bits = u32::from(scheme.bits);
    KeyedTree::build(&records, bits, &heights(bits, TILE_HEIGHT))
}

/// The tree over the institution files of `filings`.
fn issuer_tree(hashes: &FileHashes, filings: &[String]) -> KeyedTree {
    let bits = issuer_bits(filings.len());
    let records = issuer_records(bits, filings, |p| hashes.get(p).copied());
    KeyedTree::build(&records, bits, &heights(bits, ISSUER_TILE_HEIGHT))
}

/// SHA-256 of a site's files by path: hashed once, in parallel, for the
/// snapshot's trees and then the manifest.
pub type FileHashes = HashMap<String, Hash>;

/// `known` with the hashes of the files of `files` it lacks.
pub fn hash_files(files: &BTreeMap<String, Vec<u8>>, mut known: FileHashes) -> FileHashes {
    let new: Vec<(String, Hash)> = files
        .par_iter()
        .filter(|(path, _)| !known.contains_key(path.as_str()))
        .map(|(path, bytes)| (path.clone(), file_hash(bytes)))
        .collect();
    known.extend(new);
    known
}

/// What a snapshot is signed with and over.
pub struct SnapshotInput<'a> {
    /// The verified chain (its publisher statements go first in the file).
    pub chain: &'a Chain,
    /// The shard scheme of the build.
    pub scheme: ShardScheme,
    /// The build's data date.
    pub data_date: &'a str,
    /// The site's base URL.
    pub base_url: &'a str,
    /// The log's head after this build.
    pub log: LogHead,
    /// The publisher's log key.
    pub key: &'a SecretKey,
}

/// Adds `snapshot.jsonl` and the tiles to the site's files, which must hold
/// every shard and institution file already.
pub fn add_snapshot(
    files: &mut Files,
    input: &SnapshotInput,
    hashes: &FileHashes,
) -> Result<(), SnapshotError> {
    let newest = input
        .chain
        .publisher
        .last()
        .ok_or(SnapshotError::NoPublisher)?;
    let site = origin(input.base_url);
    if newest.statement.origin != site {
        return Err(SnapshotError::Origin {
            listed: newest.statement.origin.clone(),
            site,
        });
    }
    let kid = input.key.public().kid();
    let date = input.data_date;
    let in_window = newest.statement.key(&kid).is_some_and(|k| {
        k.valid_from.as_str() <= date && k.valid_until.as_deref().is_none_or(|u| date <= u)
    });
    if !in_window {
        return Err(SnapshotError::KeyNotListed {
            kid,
            date: date.to_string(),
        });
    }
    let publisher: Vec<String> = input
        .chain
        .publisher
        .iter()
        .map(|p| p.raw.clone())
        .collect();
    let signed = SignedSnapshot {
        scheme: input.scheme,
        filings: input.chain.history.keys().cloned().collect(),
        publisher,
        origin: site,
        data_date: date.to_string(),
        log: input.log.clone(),
    };
    signed.add_hashed(files, input.key, hashes);
    Ok(())
}

/// A snapshot over a site's files, ready to sign. Public for tests that
/// build sites by hand (the verdict corpus) and for auditors.
#[derive(Clone, Debug)]
pub struct SignedSnapshot {
    /// The shard scheme: every `c/<name>` must be in the files.
    pub scheme: ShardScheme,
    /// The filing numbers whose `i/<filing>.jsonl` (and `.json`) are listed.
    pub filings: Vec<String>,
    /// Publisher statement lines, oldest first (the file's first lines).
    pub publisher: Vec<String>,
    /// The log's origin.
    pub origin: String,
    /// The data date.
    pub data_date: String,
    /// The log's head.
    pub log: LogHead,
}

impl SignedSnapshot {
    /// Adds `snapshot.jsonl` and the tiles to `files`, signed with `key`.
    pub fn add_to(&self, files: &mut BTreeMap<String, Vec<u8>>, key: &SecretKey) {
        let hashes = hash_files(files, FileHashes::new());
        self.add_hashed(files, key, &hashes);
    }

    /// [`SignedSnapshot::add_to`] with the hashes of `files` known.
    pub fn add_hashed(
        &self,
        files: &mut BTreeMap<String, Vec<u8>>,
        key: &SecretKey,
        hashes: &FileHashes,
    ) {
        let shards = shard_tree(hashes, self.scheme);
        let issuers = issuer_tree(hashes, &self.filings);
        let snapshot = Snapshot {
            v: STATEMENT_VERSION,
            origin: self.origin.clone(),
            data_date: self.data_date.clone(),
            shards: head(&shards),
            issuers: head(&issuers),
            log: self.log.clone(),
        };
        add_tiles(files, &shards, "c");
        add_tiles(files, &issuers, "i");
        let mut text: String = self.publisher.iter().map(|p| format!("{p}\n")).collect();
        text.push_str(&Envelope::sign(&Statement::Snapshot(snapshot), key).to_line());
        text.push('\n');
        files.insert(SNAPSHOT_FILE.to_string(), text.into_bytes());
    }
}

/// Why a lookup is not judged: a file is not served, or the files break a
/// rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupFailure {
    /// A file the lookup needs is not served: the snapshot, a tile on a
    /// proof's path, a file the snapshot lists, a log tile. A load failure
    /// (the page says the data could not be loaded), never a finding about
    /// the publisher: a host that withholds a file proves nothing by it.
    #[error("{0} 不存在（未能加载）")]
    Missing(String),
    /// The files break a rule.
    #[error(transparent)]
    Refused(#[from] SnapshotProblem),
}

/// What a visitor's page checks before it judges a lookup of `code`, over
/// the files a host serves (`get` returns None for a missing file): the
/// code is canonical (rule `code`; see [`lookup::canonical_code`]), the
/// snapshot is the root's and of this site's log (`origin`, as the page
/// names it: [`origin`] of the site's base URL), then the shard and the
/// issuer's file ([`lookup::files`]) are the ones it commits to. Their
/// lines are then judged as a dataset ([`lookup::lines`]). A file the check
/// needs and the host does not serve is [`LookupFailure::Missing`].
/// The browser's twin is `site-templates/js/lookup.js`.
pub fn check_lookup(
    root: &PublicKey,
    origin: &str,
    get: impl Fn(&str) -> Option<Vec<u8>>,
    code: &str,
) -> Result<TrustedSnapshot, LookupFailure> {
    let code = &lookup::canonical_code(code).map_err(|p| SnapshotProblem {
        rule: Rule::Code,
        line: 0,
        message: p.message,
    })?;
    let text = get(SNAPSHOT_FILE).ok_or_else(|| LookupFailure::Missing(SNAPSHOT_FILE.into()))?;
    let trusted = crate::trust::snapshot::read(&String::from_utf8_lossy(&text), root)?;
    let s = &trusted.snapshot;
    if s.origin != origin {
        return Err(LookupFailure::Refused(SnapshotProblem {
            rule: Rule::SnapshotSigner,
            line: 0,
            message: format!("快照属于日志 {}，本站的日志是 {origin}", s.origin),
        }));
    }
    let (_, heights) = s.shards.shape().expect("checked by read");
    let files = lookup::files(s, code).expect("checked by read");
    check_in_tree(
        &get,
        "c",
        &s.shards.top_hashes(),
        &heights,
        files.shard_index,
        "",
        &files.shard,
    )?;
    let filing = &code[..crate::domain::code::FILING_LEN];
    let (ibits, iheights) = s.issuers.shape().expect("checked by read");
    let name = format!("{filing}.jsonl");
    check_in_tree(
        &get,
        "i",
        &s.issuers.top_hashes(),
        &iheights,
        bucket_of(filing, ibits),
        &name,
        &files.issuer,
    )?;
    Ok(trusted)
}

/// Whether the snapshot's log extends the newest log a visitor has seen
/// (`seen`: its size and root), read from the site's `log/` tiles: a site
/// that went back, or shows another history, fails; a tile the proof needs
/// and the host does not serve is [`LookupFailure::Missing`], not a fork.
/// The page remembers what it saw and runs the same check
/// (`site-templates/js/log.js`).
pub fn check_log(
    trusted: &TrustedSnapshot,
    seen: Option<(u64, [u8; 32])>,
    get: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<(), LookupFailure> {
    let Some((old, old_root)) = seen else {
        return Ok(());
    };
    let head = &trusted.snapshot.log;
    let new_root: [u8; 32] = STANDARD
        .decode(&head.root)
        .ok()
        .and_then(|b| b.try_into().ok())
        .expect("checked by read");
    let new = head.size as u64;
    let fail = |message: String| SnapshotProblem {
        rule: Rule::LogConsistency,
        line: 0,
        message,
    };
    if new < old {
        return Err(fail(format!("日志回退：曾见 {old} 条，现在只有 {new} 条")).into());
    }
    let missing = std::cell::RefCell::new(None);
    let get_tile = |p: &str| {
        let path = format!("log/{p}");
        let tile = get(&path);
        if tile.is_none() {
            missing.borrow_mut().get_or_insert(path);
        }
        tile
    };
    if !crate::log::consistency::extends(old as usize, &old_root, new as usize, &new_root, get_tile)
    {
        if let Some(path) = missing.into_inner() {
            return Err(LookupFailure::Missing(path));
        }
        return Err(fail(format!(
            "现在的 {new} 条日志不能证明是曾见的 {old} 条的延续：历史被改写或分叉"
        ))
        .into());
    }
    Ok(())
}

/// Checks one file against one tree of the snapshot. When the check fails
/// and a tile on the path, or the listed file itself, was not served, the
/// lookup could not be made: [`LookupFailure::Missing`].
fn check_in_tree(
    get: &impl Fn(&str) -> Option<Vec<u8>>,
    tree: &str,
    top: &[crate::log::merkle::Hash],
    heights: &[u32],
    bucket: u32,
    name: &str,
    file: &str,
) -> Result<(), LookupFailure> {
    let fetched: Vec<(String, Option<Vec<u8>>)> = path(heights, bucket)
        .iter()
        .map(|(level, index)| {
            let p = format!("{TILE_DIR}{tree}/{level}/{index}");
            let tile = get(&p);
            (p, tile)
        })
        .collect();
    let refs: Vec<&[u8]> = (fetched.iter())
        .map(|(_, t)| t.as_deref().unwrap_or_default())
        .collect();
    let content = get(file);
    let Err(e) = check_file(heights, top, bucket, &refs, name, content.as_deref()) else {
        return Ok(());
    };
    if let Some((p, _)) = fetched.iter().find(|(_, t)| t.is_none()) {
        return Err(LookupFailure::Missing(p.clone()));
    }
    // With the tiles proven, a file mismatch with nothing served means the
    // snapshot lists the file.
    if content.is_none() && matches!(e, Mismatch::File(_)) {
        return Err(LookupFailure::Missing(file.to_string()));
    }
    Err(LookupFailure::Refused(SnapshotProblem {
        rule: Rule::SnapshotFiles,
        line: 0,
        message: format!("{file}：{e}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_log_folder_without_scheme() {
        assert_eq!(origin("https://certsite.example/"), "certsite.example/log");
        assert_eq!(origin("https://a.example/sub/"), "a.example/sub/log");
    }

    #[test]
    fn about_one_institution_per_bucket() {
        assert_eq!(issuer_bits(0), 0);
        assert_eq!(issuer_bits(1), 0);
        assert_eq!(issuer_bits(2), 1);
        assert_eq!(issuer_bits(58), 6);
        assert_eq!(issuer_bits(5000), 13);
    }
}
