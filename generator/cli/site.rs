//! `certsite build`, `certsite serve` and `certsite demo`: the site, its
//! preview, and the demo data it is built from by default.

use std::path::{Path, PathBuf};

use clap::Args;

use super::localize::{at_most, number};
use super::output::{Output, problems_json};
use super::{CmdResult, Exit, HashArgs, JsonArg, TodayArg, date_arg};
use crate::data::config::Config;
use crate::demo::{self, DemoOptions};
use crate::issuer::qr_files::{self, QrFilesError};
use crate::site::build::{self, BuildOptions, BuildReport};
use crate::site::error::BuildError;
use crate::site::serve;
use crate::site::write::WriteError;

pub(super) const DEMO_EXAMPLES: &str = "示例：
  certsite demo --out data --force
  certsite demo --out /tmp/big --count 100000 --seed 7";

pub(super) const BUILD_EXAMPLES: &str = "示例：
  certsite build
  certsite build --data mysite --out /srv/www/certs
  certsite build --data mysite --out public --skip-invalid --qr-out qr
  certsite build --data mysite --quiet --json";

pub(super) const SERVE_EXAMPLES: &str = "示例：
  certsite serve
  certsite serve --data mysite --out public --port 8080 --quiet";

#[derive(Debug, Args)]
pub(super) struct SiteArgs {
    /// 数据目录（含 certsite.toml、root.pub 与已签名数据集）
    #[arg(long, default_value = "data", value_name = "DIR")]
    pub(super) data: PathBuf,
    /// 站点输出目录
    ///
    /// 新站点写好后整体替换旧站点；挂载点则就地逐个更新文件。
    #[arg(long, default_value = "public", value_name = "DIR")]
    pub(super) out: PathBuf,
    /// 跳过未通过验证的记录，发布其余的
    ///
    /// 跳过的记录及原因写入站点旁的 OUT.skipped.txt（不在站点里）。
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    today: TodayArg,
    /// 另把每份证书的二维码（SVG）写到此目录，供评价机构印制；不发布
    #[arg(long, value_name = "DIR")]
    qr_out: Option<PathBuf>,
    /// 发布者的日志私钥（默认为 certsite.toml 中的 [log] key）
    ///
    /// 用它签名快照与日志的检查点。
    #[arg(long, value_name = "FILE")]
    log_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    pub(super) site: SiteArgs,
    #[command(flatten)]
    pub(super) json: JsonArg,
}

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// 端口（0 表示任选一个空闲端口）
    #[arg(
        long,
        default_value_t = 8000,
        value_name = "P",
        allow_negative_numbers = true,
        value_parser = number::<u16>
    )]
    port: u16,
}

/// The largest demo: a province's history for years, and what fits in
/// memory on a small machine; more is a typing mistake.
const MAX_DEMO_COUNT: u64 = 5_000_000;

#[derive(Debug, Args)]
pub(super) struct DemoArgs {
    /// 输出目录
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    // The limit in the help is the constant itself.
    #[arg(
        long,
        default_value_t = 3000,
        value_name = "N",
        value_parser = at_most::<MAX_DEMO_COUNT>,
        help = format!("证书数量（至多 {} 万：全省多年的规模，供基准测试）", MAX_DEMO_COUNT / 10_000)
    )]
    count: u64,
    /// 随机种子
    #[arg(long, default_value_t = 2020, value_name = "S", value_parser = number::<u64>)]
    seed: u64,
    /// 数据日期：所有日期不晚于此日
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-11-15")]
    as_of: String,
    /// 替换非空目录中的演示文件
    #[arg(long)]
    force: bool,
    /// 在 58 家试点机构之外再生成的虚构机构数（供目录规模的基准测试）
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = number::<usize>)]
    extra_institutions: usize,
    #[command(flatten)]
    hash: HashArgs,
}

pub(super) fn demo_cmd(a: &DemoArgs, out: &Output) -> CmdResult {
    let (iterations, min_iterations) = a.hash.checked()?;
    let opts = DemoOptions {
        out: a.out.clone(),
        count: a.count as usize,
        seed: a.seed,
        iterations,
        min_iterations,
        as_of: date_arg(&a.as_of, "--as-of ")?,
        force: a.force,
        extra_institutions: a.extra_institutions,
    };
    let s = match demo::generate(&opts) {
        Ok(s) => s,
        Err(e @ demo::DemoError::Interrupted(_)) => {
            out.trouble(&e.to_string());
            return Ok(Exit::Interrupted);
        }
        Err(e) => return Err(e.into()),
    };
    if s.in_place {
        out.say(&format!("{} 是挂载点，已就地更新", a.out.display()));
    }
    out.say(&format!(
        "演示数据已写入 {}：{} 家机构、{} 份证书（{} 份已经所在市审核）、{} 份撤销",
        a.out.display(),
        s.institutions,
        s.certificates,
        s.reviews,
        s.revocations
    ));
    out.say(&format!("根密钥指纹 SHA-256 {}", s.root_fingerprint));
    out.note(&format!(
        "{}/ 中的私钥仅供演示，切勿用于真实数据。",
        demo::KEYS_DIR
    ));
    Ok(Exit::Success)
}

/// The JSON summary of a build that wrote the site.
fn build_json(r: &BuildReport, out: &Path) -> serde_json::Value {
    serde_json::json!({
        "ok": true,
        "out": out.display().to_string(),
        "in_place": r.in_place,
        "institutions": r.institutions,
        "certificates": r.certificates,
        "reviewed": r.reviewed,
        "revocations": r.revocations,
        "files": r.files,
        "bytes": r.bytes,
        "shards": { "count": r.shards.count(), "bits": r.shards.bits, "largest": r.largest_shard },
        "log": { "size": r.log.1, "added": r.log.1 - r.log.0 },
        "seconds": r.steps.iter().map(|(name, d)| (name.to_string(), d.as_secs_f64().into())).collect::<serde_json::Map<String, serde_json::Value>>(),
        "skipped": problems_json(&r.skipped),
        "skipped_report": r.skipped_report.as_ref().map(|p| p.display().to_string()),
    })
}

/// Prints what a build that wrote the site did.
fn print_built(r: &BuildReport, a: &SiteArgs, out: &Output) {
    if r.in_place {
        // A mount point cannot be swapped by renaming: said, because its
        // files changed one by one.
        out.say("输出目录是挂载点，已就地更新");
    }
    out.say(&format!(
        "站点已生成 {}：{} 家机构、{} 份证书（{} 份已审核）、{} 份撤销；{} 个文件，{:.1} MB",
        a.out.display(),
        r.institutions,
        r.certificates,
        r.reviewed,
        r.revocations,
        r.files,
        r.bytes as f64 / 1e6
    ));
    out.say(&format!(
        "分片：{} 个（SHA-256 前 {} 位），最大 {} 字节",
        r.shards.count(),
        r.shards.bits,
        r.largest_shard
    ));
    let steps: Vec<String> = (r.steps.iter())
        .map(|(name, d)| format!("{} {:.2}s", step_name(name), d.as_secs_f64()))
        .collect();
    out.say(&format!(
        "日志：{} 条（本次新增 {} 条）",
        r.log.1,
        r.log.1 - r.log.0
    ));
    out.say(&format!("用时：{}", steps.join("，")));
    if let Some(path) = &r.skipped_report {
        out.problems(&r.skipped);
        out.note(&format!(
            "{} 个问题涉及的记录未发布，清单见 {}",
            r.skipped.len(),
            path.display()
        ));
    }
    out.json(&build_json(r, &a.out));
}

/// Builds the site; the exit status, and whether a site was written.
pub(super) fn build_cmd(
    a: &SiteArgs,
    out: &Output,
) -> Result<(Exit, bool), Box<dyn std::error::Error>> {
    let today = a.today.date_not_future()?;
    // Not a data folder at all: a usage fault (exit 2), not a data problem.
    let config = a.data.join(crate::data::config::CONFIG_FILE);
    if !config.exists() {
        return Err(format!(
            "{} 不是数据目录：没有 {}。用 --data 指定数据目录，或新建一个：certsite init {}",
            a.data.display(),
            config.display(),
            a.data.display()
        )
        .into());
    }
    let opts = BuildOptions {
        data: a.data.clone(),
        out: a.out.clone(),
        skip_invalid: a.skip_invalid,
        today,
        log_key: a.log_key.clone(),
    };
    let problems = match build_with_qr_codes(&opts, a.qr_out.as_deref()) {
        Ok(r) => {
            print_built(&r, a, out);
            return Ok((Exit::Success, true));
        }
        Err(BuiltNot::Build(BuildError::Problems(problems))) => problems,
        Err(e) if e.interrupted() => {
            out.trouble(&e.to_string());
            return Ok((Exit::Interrupted, false));
        }
        // The site is in place: said as it is, not as "unchanged".
        Err(e @ BuiltNot::Build(BuildError::PublishedWithoutReport(_))) => {
            return Err(e.to_string().into());
        }
        Err(BuiltNot::Build(BuildError::Removed(message))) => {
            // Published statements would go: a data problem, said whole.
            out.trouble(&message);
            out.trouble(&format!("未生成站点；{}", unchanged(&a.out)));
            out.json(
                &serde_json::json!({"ok": false, "out": null, "error": message, "problems": []}),
            );
            return Ok((Exit::Problems, false));
        }
        Err(e) => {
            return Err(format!("{e}（{}）", unchanged(&a.out).trim_end_matches('。')).into());
        }
    };
    out.problems(&problems);
    // --skip-invalid leaves out records: it cannot help a whole file.
    let records = problems.iter().any(|p| p.line.is_some());
    let hint = if records && !a.skip_invalid {
        "修正数据后重试，或用 --skip-invalid 只发布通过验证的记录。"
    } else {
        "修正后重试。"
    };
    out.trouble(&format!(
        "发现 {} 个问题，未生成站点；{}{hint}",
        problems.len(),
        unchanged(&a.out)
    ));
    out.json(&serde_json::json!({
        "ok": false,
        "out": null,
        "problems": problems_json(&problems),
    }));
    Ok((Exit::Problems, false))
}

/// Why `build_with_qr_codes` wrote no site.
#[derive(Debug, thiserror::Error)]
enum BuiltNot {
    #[error(transparent)]
    Build(BuildError),
    #[error(transparent)]
    Qr(QrFilesError),
}

impl BuiltNot {
    /// Ctrl-C stopped it (exit status 130).
    fn interrupted(&self) -> bool {
        matches!(
            self,
            BuiltNot::Build(BuildError::Write(WriteError::Interrupted))
                | BuiltNot::Qr(QrFilesError::Interrupted { .. })
        )
    }
}

/// The build, with `--qr-out`'s QR codes written after everything verified
/// and before the site: interrupted, they leave the site as it was.
fn build_with_qr_codes(
    opts: &BuildOptions,
    qr_out: Option<&Path>,
) -> Result<BuildReport, BuiltNot> {
    let Some(dir) = qr_out else {
        return build::build(opts).map_err(BuiltNot::Build);
    };
    // The QR folder is checked before the slow work, as `prepare` checks
    // the build's own outputs. A configuration that cannot be read is the
    // build's to report.
    let log = Config::load(&opts.data)
        .ok()
        .map(|c| opts.data.join(c.log.state));
    let outputs = qr_files::Outputs {
        data: &opts.data,
        out: &opts.out,
        log: log.as_deref(),
    };
    qr_files::check(dir, &outputs).map_err(BuiltNot::Qr)?;
    let mut prepared = build::prepare(opts).map_err(BuiltNot::Build)?;
    let t = std::time::Instant::now();
    let base_url = prepared.config().base_url.clone();
    qr_files::write_all(dir, prepared.chain(), &base_url).map_err(BuiltNot::Qr)?;
    prepared.timed("qr", t.elapsed());
    prepared.publish().map_err(BuiltNot::Build)
}

/// A build step's name as printed (the JSON summary keeps the English key).
fn step_name(step: &str) -> &str {
    match step {
        "load" => "读取",
        "verify" => "验证",
        "render and shard" => "生成与分片",
        "log" => "日志",
        "snapshot" => "快照",
        "manifest" => "清单",
        "qr" => "二维码",
        "write" => "写出",
        other => other,
    }
}

/// What a failed build did to the output folder: nothing, said as it is.
fn unchanged(out: &Path) -> String {
    if out.exists() {
        format!("{} 保持原样。", out.display())
    } else {
        format!("没有写出 {}。", out.display())
    }
}

pub(super) fn serve_cmd(a: &ServeArgs, out: &Output) -> CmdResult {
    // The port first: a busy one is known before a long build.
    let listener = serve::listen(a.port)?;
    let (exit, built) = build_cmd(&a.site, out)?;
    if !built {
        return Ok(exit);
    }
    serve::serve(&a.site.out, listener, out.quiet)?;
    Ok(Exit::Success)
}
