//! `certsite build`: the data folder in, the public site out, as a flat list
//! of steps: load → verify → render → shard → log → snapshot → manifest →
//! write. Each step is timed. [`prepare`] runs every step but the write and
//! [`Prepared::publish`] writes, so that a caller may put its own step
//! between them (the command line writes `--qr-out`'s QR codes there,
//! before the site).
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

use certsite_core::domain::occupation::Catalogue;
use certsite_core::site_format::shard::{ShardScheme, prefix32};
use certsite_core::site_format::snapshot::{FileHashes, SnapshotInput, add_snapshot, hash_files};
use certsite_core::site_format::{Files, INSTITUTION_DIR, MANIFEST, SHARD_DIR};
use certsite_core::trust::chain::Chain;
use certsite_core::trust::city::city_code_of;
use certsite_core::trust::problem::Problem;

use crate::data::config::Config;
use crate::data::dataset;
use crate::error::{FsAction, FsContext, FsError};
use crate::site::error::BuildError;
use crate::site::load::{Loaded, load};
use crate::site::log_step::{self, LogPlan};
use crate::site::manifest::manifest;
use crate::site::model::{PagePolicy, SiteModel};
use crate::site::render::render_site;
use crate::staging::Placed;

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
    /// Certificates with a city review in effect.
    pub reviewed: usize,
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
    model.snapshot_hints = certsite_core::site_format::snapshot::hints(
        scheme,
        chain.history.len(),
        &loaded.config.base_url,
    );
    model.policy = PagePolicy {
        min_iterations: loaded.config.privacy.min_iterations,
        access_controlled: Some(Catalogue::builtin().access_controlled()),
        earliest_issue_year: loaded.config.earliest_issue_year.unwrap_or(0),
    };
    let (downloads, links) = crate::site::downloads::build(&model)?;
    files.extend(downloads);
    files.extend(
        render_site(&model, &loaded.config, &loaded.pages, &links)
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
    // Every statement of the institution, oldest first (a certificate is
    // judged by the one in force on its issue date), then every statement of
    // its city's review authority: one file tells the page whose keys sign.
    for (filing, history) in &chain.history {
        let city = city_code_of(filing).and_then(|c| chain.cities.get(c));
        let lines: String = history
            .iter()
            .map(|v| format!("{}\n", v.raw))
            .chain(city.into_iter().flatten().map(|v| format!("{}\n", v.raw)))
            .collect();
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
        if let Some(r) = chain.reviews.get(code) {
            text.push_str(&r.raw);
            text.push('\n');
        }
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

/// A site verified, rendered, logged and signed in memory, not yet written.
pub(crate) struct Prepared {
    opts: BuildOptions,
    chain: Chain,
    config: Config,
    files: Files,
    plan: LogPlan,
    shards: ShardScheme,
    largest_shard: usize,
    skipped: Vec<Problem>,
    steps: Vec<(&'static str, Duration)>,
}

/// Takes out the certificates issued before the site's earliest year of
/// issue (`earliest_issue_year`): the pages refuse such a code before any
/// lookup, so publishing one would hide it. Each is a problem at its line.
fn issued_before(chain: &mut Chain, first: u16) -> Vec<Problem> {
    let mut problems = Vec::new();
    chain.certificates.retain(|_, c| {
        let refused = certsite_core::domain::code::CertCode::parse(&c.statement.code)
            .and_then(|code| code.check_issue_year(first));
        match refused {
            Ok(()) => true,
            Err(e) => {
                problems.push(Problem::field(
                    &c.file,
                    c.line,
                    "code",
                    format!("{e}：certsite.toml 的 earliest_issue_year 为 {first}"),
                ));
                false
            }
        }
    });
    problems
}

/// Runs every step but the write: nothing is written, the log's state
/// included, and a failure leaves everything as it was.
pub(crate) fn prepare(opts: &BuildOptions) -> Result<Prepared, BuildError> {
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
    let (mut chain, mut problems) = loaded
        .folder
        .verifier(opts.today)
        .verify_lines(std::mem::take(&mut loaded.lines));
    problems.extend(loaded.problems.iter().cloned());
    if let Some(first) = loaded.config.earliest_issue_year {
        problems.extend(issued_before(&mut chain, first));
    }
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

    Ok(Prepared {
        opts: opts.clone(),
        chain,
        config: loaded.config,
        files,
        plan,
        shards,
        largest_shard,
        skipped: problems,
        steps,
    })
}

impl Prepared {
    /// Everything that verified and will be published.
    pub(crate) fn chain(&self) -> &Chain {
        &self.chain
    }

    /// The data folder's configuration.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Adds the time of a step a caller ran between prepare and publish.
    pub(crate) fn timed(&mut self, name: &'static str, took: Duration) {
        self.steps.push((name, took));
    }

    /// The write step: the site put in place whole, then the log's state.
    pub(crate) fn publish(mut self) -> Result<BuildReport, BuildError> {
        let t = Instant::now();
        let placed = self.plan.publish(&self.opts.out, &self.files)?;
        // The site is in place: a list that cannot be written now must not
        // be reported as a build that wrote nothing.
        let skipped_report = write_skipped_report(&self.opts.out, &self.skipped)
            .map_err(BuildError::PublishedWithoutReport)?;
        self.steps.push(("write", t.elapsed()));
        Ok(BuildReport {
            institutions: self.chain.history.len(),
            certificates: self.chain.certificates.len(),
            reviewed: self.chain.reviews.len(),
            revocations: self.chain.revocations.len(),
            files: self.files.len(),
            bytes: self.files.values().map(|b| b.len() as u64).sum(),
            shards: self.shards,
            largest_shard: self.largest_shard,
            log: self.plan.sizes(),
            steps: self.steps,
            skipped: self.skipped,
            skipped_report,
            in_place: placed == Placed::InPlace,
        })
    }
}

/// Runs the whole pipeline.
pub(crate) fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    prepare(opts)?.publish()
}

/// Refuses outputs that cannot be written, or would destroy the data,
/// before any slow work.
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
        .map_err(BuildError::Setup)
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
        certsite_core::trust::problem::report(problems)
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
