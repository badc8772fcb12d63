//! `certsite sign` and `certsite verify`: spreadsheets to signed datasets,
//! and signed datasets checked against the chain of trust.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::localize::number;
use super::output::{Output, problems_json};
use super::{CmdResult, Exit, HashArgs, JsonArg, TodayArg, date_arg};
use crate::data::config::{CONFIG_FILE, Config};
use crate::data::dataset;
use crate::input::roster::InputKind;
use crate::input::sign::{SignError, SignOptions, SignReport, sign};
use certsite_core::constants::MIN_ITERATIONS;
use certsite_core::trust::chain::{Chain, ReviewState, Signed};
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::Certificate;
use certsite_core::trust::verifier::{Verified, Verifier};

pub(super) const SIGN_EXAMPLES: &str = "示例：
  certsite sign --key keys/root.key --input examples/directory.csv --out directory/directory.jsonl
  certsite sign --key keys/root.key --input examples/cities.csv --out cities/cities.jsonl --data .
  certsite sign --key keys/Y000021013002.key --input 名册.xlsx --data . \\
      --out certificates/Y000021013002.jsonl
  certsite sign --key keys/Y000021013002.key --input 名册.csv --data . --skip-invalid \\
      --out certificates/Y000021013002.jsonl
  certsite sign --key keys/root.key --input 撤销.csv --out revocations/2026-11.jsonl --data . --json";

pub(super) const VERIFY_EXAMPLES: &str = "示例：
  certsite verify --root data/root.pub data
  certsite verify --root data/root.pub data/directory data/certificates/Y000021013002.jsonl
  certsite verify --root data/root.pub data --json --quiet";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    /// 证书名册（机构密钥签名）
    Certificates,
    /// 机构目录，附件4（根密钥签名）
    Directory,
    /// 撤销清单（评价机构、所在市审核机构或根密钥签名）
    Revocations,
    /// 城市审核机构名单（根密钥签名）
    Cities,
}

impl From<KindArg> for InputKind {
    fn from(k: KindArg) -> InputKind {
        match k {
            KindArg::Certificates => InputKind::Certificates,
            KindArg::Directory => InputKind::Directory,
            KindArg::Revocations => InputKind::Revocations,
            KindArg::Cities => InputKind::Cities,
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct SignArgs {
    /// 签名私钥（.key）
    #[arg(long, value_name = "KEY.key")]
    key: PathBuf,
    /// 输入表格：CSV（UTF-8、带 BOM 的 UTF-8、GBK）或 Excel 工作簿
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// 输出的数据集（.jsonl）；全部通过才写出，原子替换
    #[arg(long, value_name = "FILE.jsonl")]
    out: PathBuf,
    /// 输入种类；默认按表头判断
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// 数据目录：按信任链检查新记录，并从机构目录取机构名称
    ///
    /// 数据目录含 root.pub 与已签名的数据集，新记录按 verify 的规则与它们一起检查。
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// 跳过有问题的行：签名其余各行，问题行写入拒收文件
    #[arg(long)]
    skip_invalid: bool,
    /// 替换已有的 OUT，即使其中有本次输入没有的记录
    ///
    /// 默认拒绝：一批一个文件，较早一批的记录不会因为写错文件名而被覆盖。
    #[arg(long)]
    replace: bool,
    /// 拒收文件路径（默认 OUT.rejects.csv）
    #[arg(long, value_name = "FILE.csv")]
    rejects: Option<PathBuf>,
    /// 机构声明和城市审核机构声明的签发日期（默认今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    #[command(flatten)]
    today: TodayArg,
    #[command(flatten)]
    hash: HashArgs,
    #[command(flatten)]
    pub(super) json: JsonArg,
}

#[derive(Debug, Args)]
pub(super) struct VerifyArgs {
    /// 根公钥（.pub）
    #[arg(long, value_name = "ROOT.pub")]
    root: PathBuf,
    /// 数据集文件或目录（目录中所有 *.jsonl）
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    // The floor in the help is the constant itself.
    #[arg(
        long,
        value_name = "N",
        value_parser = number::<u32>,
        help = format!("证书哈希迭代次数的下限（默认按数据目录的 certsite.toml，否则 {MIN_ITERATIONS}）")
    )]
    min_iterations: Option<u32>,
    #[command(flatten)]
    today: TodayArg,
    #[command(flatten)]
    pub(super) json: JsonArg,
}

/// The JSON summary of a signing, written or not.
fn sign_json(r: &SignReport, a: &SignArgs, kid: &str, written: bool) -> serde_json::Value {
    serde_json::json!({
        "ok": written,
        "written": written.then(|| a.out.display().to_string()),
        "kind": r.kind.name(),
        "kid": kid,
        "encoding": r.encoding,
        "signed": if written { r.signed } else { 0 },
        "rejected": r.rejected,
        "rejects_file": r.rejects_file.as_ref().map(|p| p.display().to_string()),
        "notes": r.notes,
        "problems": problems_json(&r.problems),
    })
}

pub(super) fn sign_cmd(a: &SignArgs, out: &Output) -> CmdResult {
    let (iterations, min_iterations) = a.hash.checked()?;
    let key = crate::key_files::read_secret(&a.key)?;
    let kid = key.public().kid();
    let today = a.today.date()?;
    let statement_date = match &a.date {
        Some(d) => date_arg(d, "--date ")?,
        None => today,
    };
    // A statement dated later would move every page's 数据截至 into the future.
    if statement_date > today {
        return Err(format!("--date {statement_date} 晚于今天 {today}：声明不能签在未来").into());
    }
    let opts = SignOptions {
        key: &key,
        input: a.input.clone(),
        out: a.out.clone(),
        kind: a.kind.map(Into::into),
        data: a.data.clone(),
        iterations,
        min_iterations,
        skip_invalid: a.skip_invalid,
        rejects: a.rejects.clone(),
        today,
        statement_date,
        replace: a.replace,
    };
    match sign(&opts) {
        Ok(r) => {
            r.notes.iter().for_each(|n| out.note(n));
            out.problems(&r.problems);
            out.say(&format!(
                "已签名 {} 条{}（{kid}，输入编码 {}）→ {}",
                r.signed,
                r.kind.name(),
                r.encoding,
                a.out.display()
            ));
            if let Some(rejects) = &r.rejects_file {
                out.say(&format!(
                    "跳过 {} 行有问题的记录，已列入 {}",
                    r.rejected,
                    rejects.display()
                ));
            }
            out.json(&sign_json(&r, a, &kid, true));
            Ok(Exit::Success)
        }
        Err(SignError::Invalid(r)) => {
            r.notes.iter().for_each(|n| out.note(n));
            out.problems(&r.problems);
            let hint = if a.skip_invalid {
                "没有一行可以签名。修正后重试。"
            } else {
                "修正后重试，或用 --skip-invalid 只签名无问题的行。"
            };
            out.trouble(&format!(
                "发现 {} 个问题（涉及 {} 行），未写出任何文件。{hint}",
                r.problems.len(),
                r.rejected
            ));
            out.json(&sign_json(&r, a, &kid, false));
            Ok(Exit::Problems)
        }
        Err(SignError::Unusable(problems)) => {
            out.problems(&problems);
            out.trouble("未写出任何文件。");
            out.json(&serde_json::json!({
                "ok": false,
                "written": null,
                "kid": kid,
                "signed": 0,
                "problems": problems_json(&problems),
            }));
            Ok(Exit::Problems)
        }
        Err(SignError::Cannot(p)) => Err(p.to_string().into()),
        Err(SignError::Fs(e)) => Err(e.into()),
    }
}

/// The privacy floor: asked for, else the one the data folder given
/// configures (as its build judges it), else the default.
fn min_iterations(a: &VerifyArgs) -> Result<u32, Box<dyn std::error::Error>> {
    if let Some(n) = a.min_iterations {
        return Ok(n);
    }
    match a.paths.as_slice() {
        [dir] if dir.join(CONFIG_FILE).is_file() => Ok(Config::load(dir)?.privacy.min_iterations),
        _ => Ok(MIN_ITERATIONS),
    }
}

pub(super) fn verify_cmd(a: &VerifyArgs, out: &Output) -> CmdResult {
    let root = crate::key_files::read_public(&a.root)?;
    let verifier = Verifier {
        root,
        options: VerifyOptions {
            today: a.today.date()?,
            min_iterations: min_iterations(a)?,
        },
    };
    let files = dataset::find_datasets(&a.paths)?;
    // Nothing checked is no pass.
    if files.is_empty() {
        let paths: Vec<String> = a.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "{} 中没有 .jsonl 数据集，没有可验证的内容",
            paths.join("、")
        )
        .into());
    }
    let Verified {
        chain, problems, ..
    } = crate::data::dataset::verify_files(&verifier, &files, Vec::new());
    out.say(&format!(
        "根密钥  kid {}  指纹 SHA-256 {}",
        root.kid(),
        root.fingerprint()
    ));
    out.say(&format!(
        "检查了 {} 个文件、{} 条签名记录",
        files.len(),
        chain.lines_read
    ));
    out.say(&format!(
        "  机构声明 {} 份有效{}",
        chain.history.len(),
        if chain.superseded > 0 {
            format!("（另有 {} 份旧版本被取代）", chain.superseded)
        } else {
            String::new()
        }
    ));
    let waiting = not_reviewed(&chain);
    let before = before_cut_over(&chain, &waiting);
    out.say(&format!("  审核机构 {} 个市", chain.cities.len()));
    out.say(&format!(
        "  证书     {} 份签名有效：{} 份已经所在市审核，{} 份尚未审核{}",
        chain.certificates.len(),
        chain.reviews.len(),
        waiting.len(),
        if before > 0 {
            format!("，{before} 份颁发于审核要求实施之前")
        } else {
            String::new()
        }
    ));
    out.say(&format!("  撤销     {} 份有效", chain.revocations.len()));
    out.json(&verify_json(&root, &files, &chain, &waiting, &problems));
    if !waiting.is_empty() {
        tell_not_reviewed(out, &waiting);
    }
    if problems.is_empty() {
        out.passed(if waiting.is_empty() {
            "全部通过。"
        } else {
            "签名和规则全部通过；尚未审核的证书在查询页显示为“尚未审核”，不显示为有效。"
        });
        return Ok(Exit::Success);
    }
    out.problems(&problems);
    let unknown_issuer = |p: &Problem| p.rule == Some(Rule::UnknownIssuer);
    if chain.history.is_empty() && problems.iter().any(unknown_issuer) {
        out.note("所给的路径里没有机构目录：证书要和机构目录一起验证，如 certsite verify --root data/root.pub data/directory data/certificates/机构.jsonl，或整个数据目录");
    }
    out.trouble(&format!("发现 {} 个问题。", problems.len()));
    Ok(Exit::Problems)
}

/// The JSON summary of a verification.
fn verify_json(
    root: &PublicKey,
    files: &[PathBuf],
    chain: &Chain,
    waiting: &[&Signed<Certificate>],
    problems: &[Problem],
) -> serde_json::Value {
    serde_json::json!({
        "ok": problems.is_empty(),
        "root": { "kid": root.kid(), "fingerprint": root.fingerprint() },
        "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "lines": chain.lines_read,
        "statements": chain.history.len(),
        "superseded": chain.superseded,
        "certificates": chain.certificates.len(),
        "revocations": chain.revocations.len(),
        "cities": chain.cities.len(),
        "reviewed": chain.reviews.len(),
        "before_cut_over": before_cut_over(chain, waiting),
        "not_reviewed": waiting.iter().map(|c| serde_json::json!({
            "code": c.statement.code,
            "file": c.file.display().to_string(),
            "line": c.line,
        })).collect::<Vec<_>>(),
        "problems": problems_json(problems),
    })
}

/// How many accepted certificates need no review: issued before their
/// city's cut-over (neither reviewed nor waiting).
fn before_cut_over(chain: &Chain, waiting: &[&Signed<Certificate>]) -> usize {
    chain.certificates.len() - chain.reviews.len() - waiting.len()
}

/// The accepted certificates that no city review covers (and that issued
/// before a city's cut-over does not excuse), by code.
fn not_reviewed(chain: &Chain) -> Vec<&Signed<Certificate>> {
    chain
        .certificates
        .iter()
        .filter(|(code, _)| matches!(chain.review_state(code), ReviewState::NotReviewed))
        .map(|(_, c)| c)
        .collect()
}

/// Names the certificates waiting for their city's review: the first ten,
/// with file and line, and how many more.
fn tell_not_reviewed(out: &Output, waiting: &[&Signed<Certificate>]) {
    const SHOWN: usize = 10;
    let mut text = format!(
        "{} 份证书尚未经所在市公共就业服务机构主管部门审核（审核通过并上传后方可查询为有效）：",
        waiting.len()
    );
    for c in waiting.iter().take(SHOWN) {
        text.push_str(&format!(
            "\n  {}:{}: {}（{}）",
            c.file.display(),
            c.line,
            c.statement.code,
            c.statement.issued_on
        ));
    }
    if waiting.len() > SHOWN {
        text.push_str(&format!("\n  …另有 {} 份", waiting.len() - SHOWN));
    }
    out.note(&text);
}
