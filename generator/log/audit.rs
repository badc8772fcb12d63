//! `certsite log verify`: an auditor's check of a mirrored site, from the
//! root key alone. The snapshot and its publisher statements verify from
//! the root; the checkpoint is signed by the snapshot's log key and names
//! the snapshot's log; every entry bundle and hash tile (older partial
//! tiles included) is what the entries imply; every statement the site
//! serves is in the log, and every statement of the log is still served
//! where it belongs; every shard and institution file is the one the
//! snapshot commits to; and an earlier checkpoint, if given, is a prefix.
//! `certsite log diff` lists what a log added between two checkpoints.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use certsite_core::log::keyed_tree::KeyedTree;
use certsite_core::log::keyed_tree::file_hash;
use certsite_core::log::merkle::{Hash, leaf_hash, root};
use certsite_core::log::note;
use certsite_core::log::tiles::{TILE_WIDTH, bundle_entries, parse_tile_path, tile_path};
use certsite_core::site_format::shard::ShardScheme;
use certsite_core::site_format::snapshot::{issuer_records, shard_records};
use certsite_core::trust::city::city_code_of;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::snapshot::TrustedSnapshot;
use certsite_core::trust::statement::{Snapshot, TreeHead};

/// What an audit found.
#[derive(Debug, Default)]
pub(crate) struct Audit {
    /// The log's size and root, as the checkpoint signs them.
    pub size: usize,
    /// Root hash.
    pub root: Hash,
    /// The snapshot's data date.
    pub data_date: String,
    /// Tile and bundle files checked.
    pub tiles: usize,
    /// Statement lines the site serves, all checked against the log.
    pub statements: usize,
    /// Shard and institution files checked against the snapshot.
    pub files: usize,
    /// Every problem, in words, each `file：what`.
    pub problems: Vec<Finding>,
    /// Whether the log was compared with the `--from` checkpoint (false
    /// without one, or when it could not be read).
    pub rollback_checked: bool,
}

/// One problem an audit found: which check found it (a rule id of the
/// trust rules where one applies, else the audit's own check) and what,
/// as `file：what`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// `snapshot-files`, `log-consistency`, a snapshot's own rule, or one
    /// of the audit's checks: `log-entries`, `log-tiles`, `checkpoint`,
    /// `witness`, `in-log`, `still-served`, `pages`, `snapshot`.
    pub rule: &'static str,
    /// `file：what` (a file, `--from`, or a folder such as `c/`).
    pub text: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Audit {
    fn add(&mut self, rule: &'static str, text: impl Into<String>) {
        self.problems.push(Finding {
            rule,
            text: text.into(),
        });
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path)
        .map_err(|e| format!("{}：{}", path.display(), crate::catalogue::os_message(&e)))
}

/// A checkpoint's size and root, if `text` is one signed by one of `keys`
/// under `origin`.
pub(crate) fn open_checkpoint(
    text: &str,
    origin: &str,
    keys: &[PublicKey],
) -> Result<(usize, Hash), String> {
    // The most telling reason when no key opens it: a line of one of the
    // keys that fails (text or signature changed) before a missing line.
    let mut why: Option<note::NoteError> = None;
    let mut body = None;
    for k in keys {
        match note::open(text, origin, k) {
            Ok(b) => {
                body = Some(b);
                break;
            }
            Err(e @ note::NoteError::BadSignature { .. }) => why = Some(e),
            Err(e) => {
                why.get_or_insert(e);
            }
        }
    }
    let body = body.ok_or_else(|| match why {
        Some(e) => e.to_string(),
        None => format!("发布者没有列出日志密钥，无法核对以 {origin} 签名的检查点"),
    })?;
    let mut lines = body.lines();
    let (o, size, root) = (lines.next(), lines.next(), lines.next());
    let size = size.and_then(|s| s.parse().ok());
    let root = root
        .and_then(|r| STANDARD.decode(r).ok())
        .and_then(|b| b.try_into().ok());
    match (o, size, root) {
        (Some(o), Some(s), Some(r)) if o == origin => Ok((s, r)),
        _ => Err("检查点的正文不是 来源/大小/根哈希".into()),
    }
}

/// The log keys the newest publisher statement lists.
pub(crate) fn log_keys(trusted: &TrustedSnapshot) -> Vec<PublicKey> {
    trusted
        .publisher
        .keys
        .iter()
        .filter_map(|k| PublicKey::from_base64(&k.public_key).ok())
        .collect()
}

/// The entries of a log of `size` from its bundles under `dir` (`log/`).
pub(crate) fn entries(dir: &Path, size: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::with_capacity(size);
    for n in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - n * TILE_WIDTH).min(TILE_WIDTH);
        let rel = tile_path(None, n as u64, width);
        let bytes = read(&dir.join(&rel))?;
        let bundle = bundle_entries(&bytes).ok_or_else(|| format!("{rel} 被截断"))?;
        out.extend(bundle.iter().map(|e| e.to_vec()));
        if out.len() != n * TILE_WIDTH + width {
            return Err(format!("{rel} 的条目数不对"));
        }
    }
    Ok(out)
}

/// The leaf hashes of the signed log (root `want`): the entries' when they
/// give it, else the level-0 hash tiles' when those do, naming the damaged
/// bundles. The hash tiles are then judged against these, so a damaged
/// bundle is blamed, never the intact tiles above it.
fn signed_leaves(log: &Path, want: Hash, leaves: &[Hash], audit: &mut Audit) -> Vec<Hash> {
    if root(leaves) == want {
        return leaves.to_vec();
    }
    match tile_leaves(log, leaves.len()) {
        Some(from_tiles) if root(&from_tiles) == want => {
            blame_bundles(leaves, &from_tiles, audit);
            from_tiles
        }
        _ => {
            audit.add(
                "log-entries",
                "log/checkpoint：日志条目的根哈希与检查点不符，哈希证明块也重建不出签名的根",
            );
            leaves.to_vec()
        }
    }
}

/// Every line the site serves is an entry of the log.
fn check_in_log(leaves: &[Hash], served: &[(PathBuf, usize, String)], audit: &mut Audit) {
    let logged: HashSet<&Hash> = leaves.iter().collect();
    for (file, line, text) in served {
        audit.statements += 1;
        if !logged.contains(&leaf_hash(text.as_bytes())) {
            audit.add(
                "in-log",
                format!("{}:{line}：这条声明不在日志中", file.display()),
            );
        }
    }
}

/// The leaf hashes of a log of `size` as its level-0 hash tiles give them,
/// if every one is there and whole.
fn tile_leaves(dir: &Path, size: usize) -> Option<Vec<Hash>> {
    let mut out = Vec::with_capacity(size);
    for n in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - n * TILE_WIDTH).min(TILE_WIDTH);
        let bytes = std::fs::read(dir.join(tile_path(Some(0), n as u64, width))).ok()?;
        if bytes.len() != 32 * width {
            return None;
        }
        out.extend(bytes.chunks_exact(32).map(|h| <Hash>::try_from(h).unwrap()));
    }
    Some(out)
}

/// Names each entry bundle whose entries are not the ones the signed log
/// holds (`signed`: the leaf hashes of tiles that recompute its root).
fn blame_bundles(leaves: &[Hash], signed: &[Hash], audit: &mut Audit) {
    for (n, (got, want)) in leaves
        .chunks(TILE_WIDTH)
        .zip(signed.chunks(TILE_WIDTH))
        .enumerate()
    {
        if got != want {
            let rel = tile_path(None, n as u64, want.len());
            audit.add(
                "log-entries",
                format!("log/{rel}：条目与签名的日志不符（这一包被改动过；哈希证明块完好）"),
            );
        }
    }
}

/// Every hash tile and bundle file under `dir/tile` is what `entries` imply.
fn check_tiles(dir: &Path, entries: &[Vec<u8>], leaves: &[Hash], audit: &mut Audit) {
    let mut levels = vec![leaves.to_vec()];
    while levels.last().is_some_and(|l| l.len() >= TILE_WIDTH) {
        let next = levels
            .last()
            .unwrap()
            .chunks_exact(TILE_WIDTH)
            .map(root)
            .collect();
        levels.push(next);
    }
    let mut needed: HashSet<String> = certsite_core::log::tiles::tiles(entries)
        .map(|t| t.into_keys().collect())
        .unwrap_or_default();
    let tiles = dir.join("tile");
    for entry in walkdir::WalkDir::new(&tiles)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        audit.tiles += 1;
        needed.remove(&rel);
        let Some((level, n, width)) = parse_tile_path(&rel) else {
            audit.add("log-tiles", format!("log/{rel}：不是 tlog-tiles 的文件名"));
            continue;
        };
        let start = n as usize * TILE_WIDTH;
        let expected: Option<Vec<u8>> = match level {
            None => entries.get(start..start + width).map(|es| {
                es.iter()
                    .flat_map(|e| {
                        (e.len() as u16)
                            .to_be_bytes()
                            .into_iter()
                            .chain(e.iter().copied())
                    })
                    .collect()
            }),
            Some(l) => levels
                .get(usize::from(l))
                .and_then(|hs| hs.get(start..start + width))
                .map(|hs| hs.concat()),
        };
        match (expected, std::fs::read(entry.path())) {
            (Some(want), Ok(got)) if want == got => {}
            (None, _) => audit.add(
                "log-tiles",
                format!("log/{rel}：超出日志的大小 {}", entries.len()),
            ),
            _ => audit.add("log-tiles", format!("log/{rel}：内容与日志条目不符")),
        }
    }
    for rel in needed {
        audit.add("log-tiles", format!("log/{rel}：缺失"));
    }
}

/// The tree the snapshot signs for `head`, rebuilt from the site's files.
fn rebuilt(head: &TreeHead, records: &[Vec<u8>]) -> Option<KeyedTree> {
    let (bits, hs) = head.shape().ok()?;
    (records.len() == 1 << bits).then(|| KeyedTree::build(records, bits, &hs))
}

/// Every shard and institution file is the one the snapshot commits to,
/// and every snapshot tile is the one the files imply.
fn check_files(site: &Path, trusted: &TrustedSnapshot, audit: &mut Audit) {
    let s = &trusted.snapshot;
    let found = std::sync::atomic::AtomicUsize::new(0);
    let hash_of = |p: &str| {
        let bytes = std::fs::read(site.join(p)).ok()?;
        found.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(file_hash(&bytes))
    };
    // Trees as the build makes them, over the bits the snapshot signs: a
    // missing, extra or changed file changes the top.
    let shard_records = shard_records(
        ShardScheme {
            bits: s.shards.bits as u8,
        },
        hash_of,
    );
    let mut filings: Vec<String> = list(&site.join("i"))
        .into_iter()
        .filter_map(|n| n.strip_suffix(".jsonl").map(str::to_string))
        .collect();
    filings.sort();
    let issuer_records = issuer_records((s.issuers.bits as u32).min(24), &filings, hash_of);
    audit.files += found.into_inner();
    for (tree, head, records) in [
        ("c", &s.shards, shard_records),
        ("i", &s.issuers, issuer_records),
    ] {
        let Some(t) = rebuilt(head, &records) else {
            audit.add(
                "snapshot-files",
                format!("snapshot.jsonl：{tree} 树头无法重建"),
            );
            continue;
        };
        if t.top.iter().map(|h| STANDARD.encode(h)).collect::<Vec<_>>() != head.top {
            audit.add(
                "snapshot-files",
                format!("{tree}/：文件与签名快照不符：有文件被删改、缺失、多出或来自另一次构建"),
            );
            name_culprits(site, tree, head, &records, &t, audit);
        }
        for (level, index, bytes) in &t.tiles {
            let rel = format!("snap/{tree}/{level}/{index}");
            if std::fs::read(site.join(&rel)).ok().as_ref() != Some(bytes) {
                audit.add("snapshot-files", format!("{rel}：与文件不符或缺失"));
            }
        }
    }
}

/// Names the buckets whose records differ from the tiles the site serves,
/// where those tiles still lead to the signed top (run only on a mismatch).
fn name_culprits(
    site: &Path,
    tree: &str,
    head: &TreeHead,
    records: &[Vec<u8>],
    rebuilt: &KeyedTree,
    audit: &mut Audit,
) {
    let Ok((_, hs)) = head.shape() else { return };
    let top = head.top_hashes();
    let served: std::collections::HashMap<(usize, u32), Vec<u8>> = rebuilt
        .tiles
        .iter()
        .filter_map(|(l, i, _)| {
            Some((
                (*l, *i),
                std::fs::read(site.join(format!("snap/{tree}/{l}/{i}"))).ok()?,
            ))
        })
        .collect();
    let mut named = 0;
    for (bucket, own) in records.iter().enumerate() {
        let tiles: Vec<&[u8]> = certsite_core::log::keyed_tree::path(&hs, bucket as u32)
            .iter()
            .map(|k| served.get(k).map_or(&[][..], Vec::as_slice))
            .collect();
        let listed = certsite_core::log::keyed_tree::record_in_tile(
            tiles.first().copied().unwrap_or(&[]),
            hs[0],
            bucket as u32,
        );
        if listed.as_deref() != Some(own.as_slice())
            && certsite_core::log::keyed_tree::leads_to_top(&hs, &top, bucket as u32, &tiles)
        {
            named += 1;
            if named <= 20 {
                let names = if tree == "c" {
                    vec![
                        ShardScheme {
                            bits: head.bits as u8,
                        }
                        .name(bucket as u32),
                    ]
                } else {
                    certsite_core::log::keyed_tree::names(own)
                };
                audit.add(
                    "snapshot-files",
                    format!("  {tree}/{}：与签名快照所列不同", names.join("、")),
                );
            }
        }
    }
}

fn list(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Every statement line the site serves, with where it is.
fn served_lines(site: &Path) -> Vec<(PathBuf, usize, String)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = ["c", "i"]
        .iter()
        .flat_map(|d| {
            list(&site.join(d))
                .into_iter()
                .filter(|n| n.ends_with(".jsonl"))
                .map(move |n| site.join(d).join(n))
        })
        .collect();
    files.sort();
    let snapshot = site.join(certsite_core::site_format::SNAPSHOT_FILE);
    for file in files.iter().chain(std::iter::once(&snapshot)) {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        if file == &snapshot {
            lines.pop(); // the snapshot itself is not a statement of the log
        }
        out.extend(
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| (file.clone(), i + 1, (*l).to_string())),
        );
    }
    out
}

/// Where a logged statement must be served: a publisher statement in
/// `snapshot.jsonl`; an institution's in its `i/` file; a city's in the
/// `i/` file of every institution of the city (none when it has none); a
/// certificate, review or revocation in the shard of its code.
fn homes(entry: &str, snapshot: &Snapshot, issuer_files: &[String]) -> Result<Vec<String>, String> {
    let env = Envelope::parse(entry).map_err(|e| format!("无法解析：{e}"))?;
    let statement = env.statement.to_value();
    let field = |name: &str| statement.get(name).and_then(serde_json::Value::as_str);
    let homes = match field("type") {
        Some("publisher") => vec![certsite_core::site_format::SNAPSHOT_FILE.to_string()],
        Some("institution") => vec![format!(
            "i/{}.jsonl",
            field("filing_no").unwrap_or_default()
        )],
        Some("city") => {
            let city = field("city_code").unwrap_or_default();
            (issuer_files.iter())
                .filter(|f| {
                    let filing = f.strip_prefix("i/").and_then(|n| n.strip_suffix(".jsonl"));
                    filing.and_then(city_code_of) == Some(city)
                })
                .cloned()
                .collect()
        }
        Some("certificate" | "review" | "revocation") => {
            let code = field("code").unwrap_or_default();
            let files = certsite_core::site_format::lookup::files(snapshot, code)
                .ok_or_else(|| format!("证书编号 {code} 无法定位分片"))?;
            vec![files.shard]
        }
        other => return Err(format!("不应出现在日志中的声明类型 {other:?}")),
    };
    Ok(homes)
}

/// Every statement of the log is still served, byte for byte, where it
/// belongs ([`homes`]). Each line a site serves must be in the log, and
/// each logged line must still be served: a publisher holding the log key
/// who stops serving a revocation (or an institution statement, or a
/// certificate) and re-signs the snapshot is caught here, since no
/// statement is ever superseded by leaving it out.
fn check_still_served(
    site: &Path,
    trusted: &TrustedSnapshot,
    entries: &[Vec<u8>],
    served: &[(PathBuf, usize, String)],
    audit: &mut Audit,
) {
    let relative = |f: &PathBuf| {
        (f.strip_prefix(site).unwrap_or(f))
            .to_string_lossy()
            .replace('\\', "/")
    };
    let at: HashSet<(String, &str)> = (served.iter())
        .map(|(f, _, text)| (relative(f), text.as_str()))
        .collect();
    let mut issuer_files: Vec<String> = (list(&site.join("i")).into_iter())
        .filter(|n| n.ends_with(".jsonl"))
        .map(|n| format!("i/{n}"))
        .collect();
    issuer_files.sort();
    // The entry bundle holding entry n, as the finding's file.
    let bundle = |n: usize| {
        let start = n / TILE_WIDTH * TILE_WIDTH;
        let width = (entries.len() - start).min(TILE_WIDTH);
        format!("log/{}", tile_path(None, (n / TILE_WIDTH) as u64, width))
    };
    let mut named = 0;
    for (n, entry) in entries.iter().enumerate() {
        let text = String::from_utf8_lossy(entry);
        let missing: Vec<String> = match homes(&text, &trusted.snapshot, &issuer_files) {
            Ok(homes) => (homes.into_iter())
                .filter(|h| !at.contains(&(h.clone(), text.as_ref())))
                .collect(),
            Err(e) => {
                audit.add(
                    "still-served",
                    format!("{}：日志第 {} 条：{e}", bundle(n), n + 1),
                );
                continue;
            }
        };
        if !missing.is_empty() {
            named += 1;
            if named <= 20 {
                audit.add(
                    "still-served",
                    format!(
                        "{}：日志第 {} 条（{}）不再由 {} 提供：已记入日志的声明被删去了",
                        bundle(n),
                        n + 1,
                        crate::log::state::summary(&text),
                        missing.join("、")
                    ),
                );
            }
        }
    }
    if named > 20 {
        audit.add(
            "still-served",
            format!("log/：共 {named} 条已记入日志的声明不再提供"),
        );
    }
}

/// An attribute of the page's app element, unescaped (minijinja escapes
/// `&`, `<`, `>`, quotes and `/`).
fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("data-{name}="))? + name.len() + 6;
    let quote = html[start..].chars().next()?;
    let rest = &html[start + 1..];
    let value = &rest[..rest.find(quote)?];
    let mut out = value.to_string();
    for (entity, ch) in [
        ("&quot;", "\""),
        ("&#x27;", "'"),
        ("&#x2f;", "/"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ] {
        out = out.replace(entity, ch);
    }
    Some(out)
}

/// The verify and batch pages pin this root and name this snapshot's trees
/// and log: a mirror that rewrites them points visitors elsewhere.
fn check_pages(site: &Path, root_key: &PublicKey, trusted: &TrustedSnapshot, audit: &mut Audit) {
    let s = &trusted.snapshot;
    for page in ["verify/index.html", "batch/index.html"] {
        let Ok(html) = std::fs::read_to_string(site.join(page)) else {
            audit.add("pages", format!("{page}：缺失"));
            continue;
        };
        if attribute(&html, "root-key").as_deref() != Some(root_key.to_base64().as_str()) {
            audit.add("pages", format!("{page}：页面固定的根公钥不是所给的根公钥"));
        }
        let hints: Option<serde_json::Value> =
            attribute(&html, "snapshot").and_then(|t| serde_json::from_str(&t).ok());
        let head = |h: &TreeHead| serde_json::json!({ "bits": h.bits, "tiles": h.tiles });
        let ok = hints.is_some_and(|h| {
            h["origin"] == s.origin.as_str()
                && h["shards"] == head(&s.shards)
                && h["issuers"] == head(&s.issuers)
        });
        if !ok {
            audit.add(
                "pages",
                format!("{page}：页面的 data-snapshot 与签名快照不符（日志来源或树参数）"),
            );
        }
    }
}

/// An earlier checkpoint is a prefix of the log (`--from`).
fn check_from(
    old: &str,
    origin: &str,
    trusted: &TrustedSnapshot,
    leaves: &[Hash],
    audit: &mut Audit,
) {
    let size = leaves.len();
    let (old_size, old_root) = match open_checkpoint(old, origin, &log_keys(trusted)) {
        Ok(checkpoint) => checkpoint,
        Err(e) => return audit.add("log-consistency", format!("--from：{e}")),
    };
    audit.rollback_checked = true;
    if old_size > size {
        audit.add(
            "log-consistency",
            format!("--from：日志回退：检查点有 {old_size} 条，站点只有 {size} 条"),
        );
    } else if root(&leaves[..old_size]) != old_root {
        audit.add(
            "log-consistency",
            format!("--from：日志分叉：站点日志的前 {old_size} 条与检查点不同"),
        );
    }
}

/// The witnesses an auditor requires: at least `quorum` of them must have
/// cosigned the site's checkpoint.
#[derive(Debug, Default)]
pub(crate) struct WitnessPolicy {
    /// The witnesses.
    pub witnesses: Vec<certsite_core::log::cosignature::Witness>,
    /// How many must cosign.
    pub quorum: usize,
}

/// Audits the site in `site` against `root`, against an earlier
/// checkpoint `from` if given, and against a witness policy.
pub(crate) fn audit(
    site: &Path,
    root_key: &PublicKey,
    from: Option<&str>,
    policy: &WitnessPolicy,
) -> Audit {
    let mut audit = Audit::default();
    let snapshot_text = match read(&site.join(certsite_core::site_format::SNAPSHOT_FILE)) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            audit.add("snapshot", e);
            return audit;
        }
    };
    let trusted = match certsite_core::trust::snapshot::read(&snapshot_text, root_key) {
        Ok(t) => t,
        Err(e) => {
            audit.add(
                e.rule.id(),
                format!("snapshot.jsonl：{e}（{}）", e.rule.id()),
            );
            return audit;
        }
    };
    audit.data_date = trusted.snapshot.data_date.clone();
    let log = site.join("log");
    let origin = trusted.publisher.origin.clone();
    let checkpoint =
        match read(&log.join("checkpoint")).map(|b| String::from_utf8_lossy(&b).into_owned()) {
            Ok(t) => t,
            Err(e) => {
                audit.add("checkpoint", e);
                return audit;
            }
        };
    let (size, want) = match open_checkpoint(&checkpoint, &origin, &[trusted.key]) {
        Ok(h) => h,
        Err(e) => {
            audit.add("checkpoint", format!("log/checkpoint：{e}"));
            return audit;
        }
    };
    (audit.size, audit.root) = (size, want);
    let cosigned = certsite_core::log::cosignature::cosigned_by(&checkpoint, &policy.witnesses);
    if cosigned < policy.quorum {
        audit.add(
            "witness",
            format!(
                "log/checkpoint：见证人副署不足，需要 {} 个，有效的 {cosigned} 个",
                policy.quorum
            ),
        );
    }
    if size as i64 != trusted.snapshot.log.size
        || STANDARD.encode(want) != trusted.snapshot.log.root
    {
        audit.add(
            "checkpoint",
            "log/checkpoint：与快照签名的日志大小或根哈希不同",
        );
    }
    let entries = match entries(&log, size) {
        Ok(e) => e,
        Err(e) => {
            audit.add("log-entries", format!("log/{e}"));
            return audit;
        }
    };
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let signed = signed_leaves(&log, want, &leaves, &mut audit);
    check_tiles(&log, &entries, &signed, &mut audit);
    let served = served_lines(site);
    check_in_log(&leaves, &served, &mut audit);
    check_still_served(site, &trusted, &entries, &served, &mut audit);
    check_files(site, &trusted, &mut audit);
    check_pages(site, root_key, &trusted, &mut audit);
    if let Some(old) = from {
        check_from(old, &origin, &trusted, &leaves, &mut audit);
    }
    audit
}

/// What a log added between two of its checkpoints: (index, summary) of
/// every entry after `old`, read from the log in `dir` at size `new`, after
/// checking that both checkpoints are prefixes of those entries.
pub(crate) fn diff(
    dir: &Path,
    old: (usize, Hash),
    new: (usize, Hash),
) -> Result<Vec<(usize, String)>, String> {
    if old.0 > new.0 {
        return Err(format!(
            "较旧的检查点有 {} 条，比较新的 {} 条还多：日志回退了",
            old.0, new.0
        ));
    }
    let entries = entries(dir, new.0)?;
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    if root(&leaves) != new.1 {
        return Err("日志条目与较新的检查点不符".into());
    }
    if root(&leaves[..old.0]) != old.1 {
        return Err(format!("日志分叉：前 {} 条与较旧的检查点不同", old.0));
    }
    Ok(entries[old.0..]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                old.0 + i,
                crate::log::state::summary(&String::from_utf8_lossy(e)),
            )
        })
        .collect())
}
