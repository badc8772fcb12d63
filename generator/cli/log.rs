//! `certsite log verify | diff | authorize`: audit a site's log, compare
//! two checkpoints, list the publisher's log keys.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand};

use super::localize::number;
use super::output::Output;
use super::{CmdResult, Exit, date_arg};
use crate::data::dataset;
use crate::error::{FsAction, FsContext, FsError};
use crate::log::audit::{Audit, WitnessPolicy, audit};
use crate::log::commands;
use certsite_core::domain::dates::today_in_china;
use certsite_core::log::cosignature::{self, Witness};
use certsite_core::site_format::MANIFEST;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;

const VERIFY_EXAMPLES: &str = "示例：
  certsite log verify --site public --root data/root.pub
  certsite log verify --site mirror --root root.pub --from saved-checkpoint --json";

const DIFF_EXAMPLES: &str = "示例：
  certsite log diff saved-checkpoint public --root data/root.pub
  certsite log diff old-site public --root data/root.pub";

const AUTHORIZE_EXAMPLES: &str = "示例：
  certsite log authorize --key keys/root.key --log-key keys/log.pub --name 某市人社局 \\
      --base-url https://certs.example.gov.cn/ --out publisher/publisher.jsonl
  # 轮换：新旧两把日志密钥，各有有效期
  certsite log authorize --key keys/root.key --name 某市人社局 \\
      --log-key \"keys/log.pub 2026-01-01~2026-12-31\" --log-key \"keys/log-2027.pub 2026-12-01\" \\
      --base-url https://certs.example.gov.cn/ --out publisher/publisher.jsonl";

#[derive(Debug, Subcommand)]
pub(super) enum LogCommand {
    /// 审计一个站点或其镜像：快照、日志和每个数据文件；有问题时退出码为 1
    ///
    /// 检查快照与检查点的签名、日志的每个文件、每条已发布的声明都在日志中、每个数据文件都与快照一致。
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify {
        /// 站点目录（certsite build 的输出或其镜像）
        #[arg(long, value_name = "DIR")]
        site: PathBuf,
        /// 根公钥（从官方渠道获得，不要取自被审计的站点）
        #[arg(long, value_name = "ROOT.pub", default_value = "data/root.pub")]
        root: PathBuf,
        /// 较早保存的检查点：站点的日志必须是它的延续
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        from: Option<PathBuf>,
        /// 要求其副署的见证人公钥（cosignature/v1 vkey），可重复
        #[arg(long, value_name = "VKEY")]
        witness: Vec<String>,
        /// 至少几个见证人副署（默认：全部 --witness）
        #[arg(long, value_name = "N", value_parser = number::<usize>)]
        quorum: Option<usize>,
        /// 在标准输出打印一个 JSON 汇总（含全部问题），不打印文字
        #[arg(long)]
        json: bool,
    },
    /// 列出两个检查点之间日志新增的声明（OLD、NEW 为站点目录或检查点文件，至少一个是站点目录）
    #[command(after_help = DIFF_EXAMPLES)]
    Diff {
        /// 较早的站点目录或检查点文件
        old: PathBuf,
        /// 较新的站点目录或检查点文件
        new: PathBuf,
        /// 根公钥
        #[arg(long, value_name = "ROOT.pub", default_value = "data/root.pub")]
        root: PathBuf,
    },
    /// 根密钥登记发布者的日志密钥：把一份新的发布者声明追加到 OUT（数据目录中的 .jsonl）
    #[command(after_help = AUTHORIZE_EXAMPLES)]
    Authorize(AuthorizeArgs),
}

/// `certsite log authorize`'s arguments.
#[derive(Debug, Args)]
pub(super) struct AuthorizeArgs {
    /// 根私钥
    #[arg(long, value_name = "ROOT.key")]
    key: PathBuf,
    /// 日志公钥及有效期，KEY 为 base64 或 .pub 文件；可重复
    ///
    /// 有效期自 FROM 起，到 UNTIL 止；轮换时列出新旧两把。
    #[arg(long = "log-key", value_name = "KEY [FROM[~UNTIL]]", required = true)]
    log_keys: Vec<String>,
    /// 发布者名称
    #[arg(long)]
    name: String,
    /// 站点的发布地址（即 certsite.toml 的 base_url）
    ///
    /// 日志的来源由它得出。
    #[arg(long, value_name = "URL")]
    base_url: String,
    /// 声明日期（默认今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// 追加到的文件，如 data/publisher/publisher.jsonl
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

impl LogCommand {
    /// Whether a JSON summary was asked for.
    pub(super) fn json(&self) -> bool {
        matches!(self, LogCommand::Verify { json: true, .. })
    }
}

pub(super) fn log_cmd(c: LogCommand, out: &Output) -> CmdResult {
    match c {
        LogCommand::Verify {
            site,
            root,
            from,
            witness,
            quorum,
            json: _,
        } => {
            let root = crate::key_files::read_public(&root)?;
            must_exist(&site)?;
            // Neither a snapshot nor a manifest: no site at all (exit 2),
            // where a site missing some of its files is a finding (exit 1).
            let marks = [certsite_core::site_format::SNAPSHOT_FILE, MANIFEST];
            if site.is_dir() && marks.iter().all(|m| !site.join(m).exists()) {
                return Err(format!(
                    "{} 不是 certsite 生成的站点（没有 {} 和 {}）",
                    site.display(),
                    marks[0],
                    marks[1]
                )
                .into());
            }
            let from = match &from {
                Some(p) => Some(std::fs::read_to_string(p).fs(FsAction::Read, p)?),
                None => None,
            };
            let witnesses = (witness.iter())
                .map(|v| Witness::from_vkey(v))
                .collect::<Result<Vec<_>, _>>()?;
            let policy = WitnessPolicy {
                quorum: quorum.unwrap_or(cosignature::distinct(&witnesses)),
                witnesses,
            };
            let audit = audit(&site, &root, from.as_deref(), &policy);
            Ok(print_audit(&site, &audit, from.is_some(), out))
        }
        LogCommand::Diff { old, new, root } => {
            let root = crate::key_files::read_public(&root)?;
            must_exist(&old)?;
            must_exist(&new)?;
            match commands::diff(&old, &new, &root) {
                Ok(added) => {
                    out.say(&format!(
                        "{}：{} 条 → {} 条，新增 {} 条",
                        added.origin,
                        added.old_size,
                        added.new_size,
                        added.entries.len()
                    ));
                    for (i, what) in &added.entries {
                        out.say(&format!("  #{:<8} {what}", i + 1));
                    }
                    Ok(Exit::Success)
                }
                Err(e) => {
                    out.trouble(&e);
                    Ok(Exit::Problems)
                }
            }
        }
        LogCommand::Authorize(a) => authorize_cmd(&a, out),
    }
}

/// Appends a root-signed publisher statement listing the log keys.
fn authorize_cmd(a: &AuthorizeArgs, out: &Output) -> CmdResult {
    crate::data::config::check_base_url(&a.base_url).map_err(|why| format!("--base-url：{why}"))?;
    let root = crate::key_files::read_secret(&a.key)?;
    let date = match &a.date {
        Some(d) => super::not_future(date_arg(d, "--date ")?, "--date", "发布者声明的日期")?,
        None => today_in_china(),
    };
    // Paths on the command line are the shell's: from the current folder.
    let base = Path::new("");
    let keys = (a.log_keys.iter())
        .map(|k| crate::input::roster::directory::parse_key_entry(k, base, Some(date)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--log-key：{e}"))?;
    let line = commands::Authorize {
        root: &root,
        name: a.name.clone(),
        origin: certsite_core::site_format::snapshot::origin(&a.base_url),
        keys,
        date: date.to_string(),
    }
    .line()?;
    let mut text = match std::fs::read_to_string(&a.out) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            let action = FsAction::Read;
            let path = a.out.clone();
            return Err(FsError {
                action,
                path,
                source,
            }
            .into());
        }
    };
    check_authorize(a, &root, &date.to_string(), &text)?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&line);
    text.push('\n');
    dataset::write_atomic(&a.out, text.as_bytes())?;
    out.say(&format!(
        "已把发布者声明（{date}）追加到 {}",
        a.out.display()
    ));
    Ok(Exit::Success)
}

/// Refuses a publisher statement the data folder would then refuse: one
/// signed by a key that is not the folder's root (when `--out` is in a
/// data folder), or a second one of the same date in the file.
fn check_authorize(a: &AuthorizeArgs, key: &SecretKey, date: &str, text: &str) -> CmdResult {
    // Appended to a key, a roster or another dataset, it would break it.
    let statements: Option<Vec<serde_json::Value>> = (text.lines())
        .filter(|l| !l.trim().is_empty())
        .map(|l| Envelope::parse(l).ok().map(|env| env.statement.to_value()))
        .collect();
    let publishers = statements.filter(|s| s.iter().all(|v| v["type"] == "publisher"));
    let Some(publishers) = publishers.filter(|_| a.out.extension().is_some_and(|e| e == "jsonl"))
    else {
        return Err(format!(
            "--out {}：只能追加到发布者声明的数据集（.jsonl，如 publisher/publisher.jsonl），这个文件不是",
            a.out.display()
        )
        .into());
    };
    let data =
        (a.out.ancestors().skip(1)).find(|d| d.join(crate::data::config::CONFIG_FILE).is_file());
    if let Some(data) = data {
        let folder = crate::data::folder::DataFolder::open(data)?;
        if folder.root != key.public() {
            return Err(format!(
                "--key {} 不是数据目录 {} 的根密钥（kid {}）：发布者声明须由根密钥签名",
                a.key.display(),
                data.display(),
                folder.root.kid()
            )
            .into());
        }
    }
    if publishers.iter().any(|v| v["issued_on"] == date) {
        return Err(format!(
            "{} 中已有 {date} 的发布者声明：同一天只能有一份；用 --date 指定之后的某一天",
            a.out.display()
        )
        .into());
    }
    Ok(Exit::Success)
}

/// A path named on the command line that is not there cannot be audited
/// at all (exit 2); a site missing some of its files is a finding (exit 1).
fn must_exist(path: &Path) -> Result<(), FsError> {
    std::fs::metadata(path).map(drop).fs(FsAction::Read, path)
}

/// An audit finding as JSON, shaped as the other commands' problems: the
/// file (or `--from`) it begins with, before `：`, its line if it names
/// one (`c/0a1.jsonl:3`), what is wrong, and the check that found it.
fn finding_json(text: &str, rule: &str) -> serde_json::Value {
    let names_file = |head: &str| {
        !head.contains(char::is_whitespace)
            && (head.contains('/') || head.contains('.') || head.starts_with("--"))
    };
    // Indented lines detail the finding before them.
    let text = text.trim_start();
    let (file, message) = match text.split_once('：') {
        Some((head, rest)) if names_file(head) => (Some(head), rest),
        _ => (None, text),
    };
    let (file, line) = match file.and_then(|f| f.rsplit_once(':')) {
        Some((f, n)) if n.parse::<usize>().is_ok() => (Some(f), n.parse().ok()),
        _ => (file, None::<usize>),
    };
    serde_json::json!({
        "file": file,
        "line": line,
        "field": null,
        "message": message,
        "rule": rule,
    })
}

/// Prints an audit (or its JSON); exit 1 when it found anything wrong.
/// Without an earlier checkpoint it says that a rollback cannot be seen.
fn print_audit(site: &Path, a: &Audit, with_from: bool, out: &Output) -> Exit {
    out.say(&format!("站点 {}", site.display()));
    if a.size > 0 || a.problems.is_empty() {
        out.say(&format!(
            "  日志        {} 条，根哈希 {}",
            a.size,
            STANDARD.encode(a.root)
        ));
        out.say(&format!("  数据截至    {}", a.data_date));
        out.say(&format!("  日志文件    {} 个已核对", a.tiles));
        out.say(&format!(
            "  已发布声明  {} 条，已逐条核对是否在日志中",
            a.statements
        ));
        out.say(&format!(
            "  数据文件    {} 个，已逐个核对是否与签名快照一致",
            a.files
        ));
    }
    out.json(&serde_json::json!({
        "ok": a.problems.is_empty(),
        "site": site.display().to_string(),
        "size": a.size,
        "root_hash": STANDARD.encode(a.root),
        "data_date": a.data_date,
        "tiles": a.tiles,
        "statements": a.statements,
        "files": a.files,
        "rollback_checked": a.rollback_checked,
        "problems": a.problems.iter().map(|p| finding_json(&p.text, p.rule)).collect::<Vec<_>>(),
    }));
    if a.problems.is_empty() {
        out.passed("全部通过。");
        if !with_from {
            out.say(
                "（未给出 --from：无法判断站点是否回退到旧版本。保存这次的 log/checkpoint，下次用 --from 核对。）",
            );
        }
        return Exit::Success;
    }
    for p in &a.problems {
        out.detail(&p.text);
    }
    out.trouble(&format!("发现 {} 个问题。", a.problems.len()));
    Exit::Problems
}

#[cfg(test)]
mod tests {
    use super::finding_json;

    #[test]
    fn findings_are_objects_with_their_file_and_line() {
        let f = finding_json("log/tile/0/000：内容与日志条目不符", "log-tiles");
        assert_eq!(f["file"], "log/tile/0/000");
        assert_eq!(f["message"], "内容与日志条目不符");
        assert!(f["line"].is_null());
        let f = finding_json("c/0a1.jsonl:3：这条声明不在日志中", "in-log");
        assert_eq!((&f["file"], &f["line"]), (&"c/0a1.jsonl".into(), &3.into()));
        let f = finding_json("  c/084.jsonl：与签名快照所列不同", "snapshot-files");
        assert_eq!(f["file"], "c/084.jsonl");
        let f = finding_json("--from：不是检查点", "log-consistency");
        assert_eq!(f["file"], "--from");
        let f = finding_json(
            "--from：日志回退：检查点有 9 条，站点只有 5 条",
            "log-consistency",
        );
        assert_eq!(f["file"], "--from");
        assert_eq!(f["message"], "日志回退：检查点有 9 条，站点只有 5 条");
        assert_eq!(f["rule"], "log-consistency");
    }
}
