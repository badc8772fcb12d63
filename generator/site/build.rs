//! `certsite build`: the data folder in, the public site out, as a flat list
//! of steps: load → verify → render → shard → write. Each step is timed.
//!
//! Nothing is written until everything has verified. The new site is written
//! beside the old one and swapped in only when complete, so a failed build
//! leaves the previously published site exactly as it was. An output that
//! is a mount point is updated in place from there, file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use serde_json::json;

use crate::data::config::Config;
use crate::data::dataset::{self, SourcedLine};
use crate::data::folder::DataFolder;
use crate::domain::occupation::Catalogue;
use crate::error::{FsAction, FsContext, FsError};
use crate::issuer::qr::QrError;
use crate::site::log_step;
use crate::site::manifest::{MANIFEST, manifest};
use crate::site::markdown;
use crate::site::model::{PagePolicy, SiteModel};
use crate::site::render::{Files, MarkdownSource, render_site};
use crate::site::shard::{ShardScheme, prefix32};
use crate::site::snapshot::{FileHashes, SnapshotInput, add_snapshot, hash_files};
use crate::site::write::WriteError;
use crate::staging::{Placed, Shield, interrupted};
use crate::trust::chain::Chain;
use crate::trust::problem::Problem;

/// Folder of certificate shards.
pub(crate) const SHARD_DIR: &str = "c/";
/// Folder of institution statements.
pub(crate) const INSTITUTION_DIR: &str = "i/";
/// Folder of Markdown pages inside the data folder.
pub(crate) const PAGES_DIR: &str = "pages";

/// What to build.
#[derive(Clone, Debug)]
pub(crate) struct BuildOptions {
    /// The data folder.
    pub data: PathBuf,
    /// The site folder to (re)place.
    pub out: PathBuf,
    /// Publish what verifies and report the rest, instead of failing.
    pub skip_invalid: bool,
    /// Today (China time): nothing may be dated later.
    pub today: Date,
    /// Where to write a QR code (SVG) for every certificate, outside the site.
    pub qr_out: Option<PathBuf>,
    /// The publisher's secret log key, instead of the configured one.
    pub log_key: Option<PathBuf>,
}

/// What a build did.
#[derive(Debug)]
pub(crate) struct BuildReport {
    /// Verified chain counts.
    pub institutions: usize,
    /// Certificates published.
    pub certificates: usize,
    /// Revocations published.
    pub revocations: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Shard scheme.
    pub shards: ShardScheme,
    /// Size of the largest shard.
    pub largest_shard: usize,
    /// Log entries before and after this build.
    pub log: (usize, usize),
    /// Time of each step.
    pub steps: Vec<(&'static str, Duration)>,
    /// What was left out (with `skip_invalid`).
    pub skipped: Vec<Problem>,
    /// Where the list of what was left out went.
    pub skipped_report: Option<PathBuf>,
    /// The output is a mount point, so it was updated file by file instead
    /// of swapped whole (see [`crate::staging`]).
    pub in_place: bool,
}

/// Why a build wrote nothing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    /// The configuration, the root key or the folder cannot be used: the
    /// build cannot run (exit status 2), whatever the data holds.
    #[error(transparent)]
    Setup(Problem),
    /// The data has problems (all of them).
    #[error("数据有 {} 个问题", .0.len())]
    Problems(Vec<Problem>),
    /// `--qr-out` points inside the site, which never publishes QR codes.
    #[error("二维码目录 {} 不能在站点目录 {} 之内：站点不发布二维码", qr.display(), out.display())]
    QrInsideSite {
        /// The QR folder asked for.
        qr: PathBuf,
        /// The site folder.
        out: PathBuf,
    },
    /// Ctrl-C while the QR codes were written: the site was not touched.
    #[error("已中断：站点没有更新；二维码目录 {} 中已有 {done}/{total} 个二维码写完（每个都完整），重新构建会补齐其余的。", dir.display())]
    QrInterrupted {
        /// The QR folder.
        dir: PathBuf,
        /// Codes written (or already there).
        done: usize,
        /// Codes in all.
        total: usize,
    },
    /// The data folder is the output folder or inside it.
    #[error("数据目录 {} 在输出目录 {} 之内：替换站点会删除数据和密钥；请把站点生成到数据目录之外，或数据目录之内的子目录，如 --out {}", data.display(), out.display(), data.join("public").display())]
    DataInsideSite {
        /// The data folder.
        data: PathBuf,
        /// The site folder.
        out: PathBuf,
    },
    /// `--qr-out` is the data folder, or holds it or the site.
    #[error("二维码目录 {} 是数据目录或站点目录，或包含它们：请用一个单独的目录，如 --qr-out qr", .0.display())]
    QrAroundData(PathBuf),
    /// A template failed to render.
    #[error("模板错误：{0}")]
    Template(String),
    /// A QR code could not be made.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// The site could not be written; the old one is intact.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A file beside the site could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// No log key is configured.
    #[error(
        "没有发布者的日志密钥：在 certsite.toml 的 [log] 中设置 key = \"路径\"，或用 --log-key 指定（签名快照与日志检查点要用它）"
    )]
    NoLogKey,
    /// The log key could not be read.
    #[error("无法读取日志密钥 {}：{}", .0.display(), .1)]
    LogKey(PathBuf, String),
    /// The build would drop or change published statements.
    #[error("{0}")]
    Removed(String),
    /// The log's state cannot be used.
    #[error("{0}")]
    Log(String),
    /// The snapshot cannot be signed.
    #[error(transparent)]
    Snapshot(#[from] crate::site::snapshot::SnapshotError),
}

/// What the load step reads.
pub(crate) struct Loaded {
    /// Site configuration.
    pub config: Config,
    /// The data folder's trust root and privacy floor.
    pub folder: DataFolder,
    /// Every dataset line.
    pub lines: Vec<SourcedLine>,
    /// Markdown pages.
    pub pages: Vec<MarkdownSource>,
    /// Problems found while reading.
    pub problems: Vec<Problem>,
}

/// Reads the configuration, root key, datasets and pages (sorted walks).
pub(crate) fn load(data: &Path) -> Result<Loaded, BuildError> {
    let config = Config::load(data).map_err(BuildError::Setup)?;
    let folder = DataFolder::with_config(data, &config).map_err(BuildError::Setup)?;
    let files = folder.dataset_files().map_err(BuildError::Setup)?;
    let (lines, mut problems) = dataset::read_lines(&files);
    let mut pages = Vec::new();
    let pages_dir = data.join(PAGES_DIR);
    if pages_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&pages_dir)
            .max_depth(1)
            .sort_by_file_name()
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Problem::file(&pages_dir, e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            match std::fs::read_to_string(path) {
                Ok(text) => pages.push(MarkdownSource {
                    slug: path
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    page: markdown::render(&text),
                }),
                Err(e) => problems.push(Problem::file(
                    path,
                    format!("无法读取：{}", crate::error::os_message(&e)),
                )),
            }
        }
    }
    Ok(Loaded {
        config,
        folder,
        lines,
        pages,
        problems,
    })
}

/// The site in memory, before the log step and the manifest.
pub(crate) struct Rendered {
    /// Every page, shard and institution file.
    pub files: Files,
    /// The shard scheme.
    pub scheme: ShardScheme,
    /// Size of the largest shard.
    pub largest: usize,
    /// The model the pages were rendered from.
    pub model: SiteModel,
}

/// Builds the site in memory: every page, shard and institution file.
pub(crate) fn render(chain: &Chain, loaded: &Loaded) -> Result<Rendered, BuildError> {
    let mut model = SiteModel::new(chain, &loaded.folder.root);
    let mut files = Files::new();
    let (scheme, largest) = shard(chain, &loaded.config, &mut files);
    model.snapshot_hints =
        crate::site::snapshot::hints(scheme, chain.history.len(), &loaded.config.base_url);
    model.policy = PagePolicy {
        min_iterations: loaded.config.privacy.min_iterations,
        access_controlled: Some(Catalogue::builtin().access_controlled()),
    };
    files.extend(
        render_site(&model, &loaded.config, &loaded.pages)
            .map_err(|e| BuildError::Template(format!("{e:#}")))?,
    );
    files.extend(crate::site::search_index::build(&model));
    // Unsigned facts the verify page uses to explain "not found".
    for view in model.institutions() {
        let meta = json!({
            "name": view.name,
            "certificates": view.certificates,
            "newest_issue": view.newest_issue,
            "data_date": model.data_date,
        });
        files.insert(
            format!("{INSTITUTION_DIR}{}.json", view.filing_no),
            format!("{meta}\n").into_bytes(),
        );
    }
    // Every statement of the institution, oldest first: a certificate is
    // judged by the one in force on its issue date.
    for (filing, history) in &chain.history {
        let lines: String = history.iter().map(|v| format!("{}\n", v.raw)).collect();
        files.insert(
            format!("{INSTITUTION_DIR}{filing}.jsonl"),
            lines.into_bytes(),
        );
    }
    Ok(Rendered {
        files,
        scheme,
        largest,
        model,
    })
}

fn shard(chain: &Chain, config: &Config, files: &mut Files) -> (ShardScheme, usize) {
    let record = |code: &str, raw: &str| -> String {
        let mut text = format!("{raw}\n");
        if let Some(r) = chain.revocations.get(code) {
            text.push_str(&r.raw);
            text.push('\n');
        }
        text
    };
    let sizes: Vec<(u32, usize)> = chain
        .certificates
        .iter()
        .map(|(code, c)| (prefix32(code), record(code, &c.raw).len()))
        .collect();
    let scheme = ShardScheme::choose(&sizes, config.shards.target_bytes);
    let mut shards: BTreeMap<u32, String> =
        (0..scheme.count()).map(|i| (i, String::new())).collect();
    for (code, c) in &chain.certificates {
        shards
            .get_mut(&scheme.index(code))
            .unwrap()
            .push_str(&record(code, &c.raw));
    }
    let largest = shards.values().map(String::len).max().unwrap_or(0);
    for (index, text) in shards {
        files.insert(
            format!("{SHARD_DIR}{}", scheme.name(index)),
            text.into_bytes(),
        );
    }
    (scheme, largest)
}

/// Runs the whole pipeline.
pub(crate) fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut steps = Vec::new();
    let mut timed = |name: &'static str, start: Instant| steps.push((name, start.elapsed()));
    // Verifying a province's data takes minutes: an output that cannot be
    // written is found first.
    check_outputs(opts)?;

    let t = Instant::now();
    let mut loaded = load(&opts.data)?;
    // The log's state is written after the site: a data folder that cannot
    // take it (a read-only checkout) is found before anything is written.
    crate::error::check_can_make(&opts.data.join(&loaded.config.log.state))?;
    timed("load", t);

    let t = Instant::now();
    let (chain, mut problems) = loaded
        .folder
        .verifier(opts.today)
        .verify_lines(std::mem::take(&mut loaded.lines));
    problems.extend(loaded.problems.iter().cloned());
    problems.sort();
    timed("verify", t);
    if !problems.is_empty() && !opts.skip_invalid {
        return Err(BuildError::Problems(problems));
    }

    let t = Instant::now();
    let Rendered {
        mut files,
        scheme: shards,
        largest: largest_shard,
        model,
    } = render(&chain, &loaded)?;
    timed("render and shard", t);

    let t = Instant::now();
    let (plan, log_key) = log_step::prepare(&chain, &loaded, opts.log_key.as_deref())?;
    timed("log", t);

    let t = Instant::now();
    let input = SnapshotInput {
        chain: &chain,
        scheme: shards,
        data_date: &model.data_date,
        base_url: &loaded.config.base_url,
        log: plan.head(),
        key: &log_key,
    };
    let hashes = hash_files(&files, FileHashes::new());
    add_snapshot(&mut files, &input, &hashes)?;
    plan.add_checkpoint(&mut files);
    crate::site::offline::add_service_worker(&mut files);
    timed("snapshot", t);

    let t = Instant::now();
    let hashes = hash_files(&files, hashes);
    let manifest = manifest(&chain, &loaded, &model, shards, &files, &hashes);
    files.insert(MANIFEST.to_string(), manifest);
    timed("manifest", t);

    let t = Instant::now();
    // The QR codes first: interrupted, they leave the site as it was.
    if let Some(dir) = &opts.qr_out {
        write_qr_codes(dir, &chain, &loaded.config)?;
    }
    let placed = plan.publish(&opts.out, &files)?;
    let skipped_report = write_skipped_report(&opts.out, &problems)?;
    timed("write", t);

    Ok(BuildReport {
        institutions: chain.history.len(),
        certificates: chain.certificates.len(),
        revocations: chain.revocations.len(),
        files: files.len(),
        bytes: files.values().map(|b| b.len() as u64).sum(),
        shards,
        largest_shard,
        log: plan.sizes(),
        steps,
        skipped: problems,
        skipped_report,
        in_place: placed == Placed::InPlace,
    })
}

/// Refuses a QR folder inside the site or around the data, and outputs
/// that cannot be written, before any slow work.
fn check_outputs(opts: &BuildOptions) -> Result<(), BuildError> {
    let abs = |p: &Path| crate::error::resolved(p);
    // Replacing the site would delete the data (and its keys) inside it.
    if abs(&opts.data).starts_with(abs(&opts.out)) {
        return Err(BuildError::DataInsideSite {
            data: opts.data.clone(),
            out: opts.out.clone(),
        });
    }
    crate::site::write::check_writable(&opts.out)?;
    let skipped = skipped_report_path(&opts.out);
    dataset::refuse_foreign(&skipped, "构建写的跳过报告", &is_skipped_report)
        .map_err(BuildError::Setup)?;
    let Some(dir) = &opts.qr_out else {
        return Ok(());
    };
    if abs(dir).starts_with(abs(&opts.out)) {
        return Err(BuildError::QrInsideSite {
            qr: dir.clone(),
            out: opts.out.clone(),
        });
    }
    // Thousands of SVGs among the data or around the site: a slip.
    if abs(&opts.data).starts_with(abs(dir)) || abs(&opts.out).starts_with(abs(dir)) {
        return Err(BuildError::QrAroundData(dir.clone()));
    }
    Ok(crate::error::check_can_make(dir)?)
}

/// Lists what `--skip-invalid` left out, beside the site; None if nothing.
fn write_skipped_report(out: &Path, problems: &[Problem]) -> Result<Option<PathBuf>, FsError> {
    let path = skipped_report_path(out);
    if problems.is_empty() {
        // An earlier build's list would say records are left out that are not.
        if std::fs::read(&path).is_ok_and(|b| is_skipped_report(&b)) {
            std::fs::remove_file(&path).fs(FsAction::Remove, &path)?;
        }
        return Ok(None);
    }
    let text = format!(
        "以下 {} 个问题涉及的记录未发布（{SKIPPED_MARK}）：\n{}",
        problems.len(),
        crate::trust::problem::report(problems)
    );
    dataset::write_atomic(&path, text.as_bytes())?;
    Ok(Some(path))
}

/// What the first line of a skipped report says it is.
const SKIPPED_MARK: &str = "--skip-invalid";

/// Whether `bytes` are a skipped report a build wrote.
fn is_skipped_report(bytes: &[u8]) -> bool {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    first.starts_with("以下 ".as_bytes()) && String::from_utf8_lossy(first).contains(SKIPPED_MARK)
}

/// `<out>.skipped.txt`, beside the site and never inside it.
pub(crate) fn skipped_report_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".skipped.txt");
    PathBuf::from(s)
}

/// One SVG per certificate, named by its code, for the issuers to print.
/// Never inside the published site: the public site has no use for them.
/// Each file is whole (written beside, then renamed) and one already there
/// with the same bytes is left alone, so an interrupted run leaves valid
/// codes and the next one writes only what is missing.
fn write_qr_codes(dir: &Path, chain: &Chain, config: &Config) -> Result<(), BuildError> {
    let _shield = Shield::raise();
    crate::error::create_dir_all(dir)?;
    let total = chain.certificates.len();
    for (done, code) in chain.certificates.keys().enumerate() {
        if interrupted() {
            return Err(BuildError::QrInterrupted {
                dir: dir.to_path_buf(),
                done,
                total,
            });
        }
        let url = crate::issuer::qr::verify_url(&config.base_url, code, None);
        let svg = crate::issuer::qr::Symbol::new(&url)?.svg();
        let path = dir.join(format!("{code}.svg"));
        if std::fs::read(&path).is_ok_and(|old| old == svg.as_bytes()) {
            continue;
        }
        let tmp = dir.join(format!(".{code}.svg.tmp"));
        std::fs::write(&tmp, &svg).fs(FsAction::Write, &path)?;
        std::fs::rename(&tmp, &path).fs(FsAction::Rename, &path)?;
    }
    Ok(())
}
