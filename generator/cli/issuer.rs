//! What the parties of the notice file and print: `certsite code explain`
//! (附件5), `report` (附件7), `qr` and `print` (附件6).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use super::output::{Output, problems_json};
use super::{CmdResult, Exit, JsonArg, TodayArg};
use crate::data::dataset;
use crate::data::folder::DataFolder;
use crate::error::{FsAction, FsContext, FsError};
use crate::issuer::print::{PrintError, PrintOptions, print};
use crate::issuer::report::ReportError;
use certsite_core::domain::code::{CertCode, CodeError, FILING_LEN, FilingNo, normalize_input};
use certsite_core::trust::verifier::Verified;

pub(super) const REPORT_EXAMPLES: &str = "示例：
  certsite report --institution Y000021013002 --month 2024-03
  certsite report --institution Y000021013002 --month 2024-03 --format html --out 汇总表.html
  certsite report --institution Y000021013002 --month 2024-03 --out 汇总表.csv --json";

pub(super) const QR_EXAMPLES: &str = "示例：
  certsite qr Y000021013002243000042 --out Y000021013002243000042.svg
  certsite qr Y000021013002243000042 --name 张三 --out 张三.png";

pub(super) const PRINT_EXAMPLES: &str = "示例：
  certsite print --code Y000021013002204000001
  certsite print --institution Y000021013002 --roster 名册/ --photos 照片/ --pdf";

const EXPLAIN_EXAMPLES: &str = "示例：
  certsite code explain Y000021013002243000042
  certsite code explain Y000021013002 --json";

#[derive(Debug, Subcommand)]
pub(super) enum CodeCommand {
    /// 逐位解释 22 位证书编号或 13 位机构备案号；无效时指出位置与应有的值（退出码 1）
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain {
        /// 证书编号（22 位）或机构备案号（13 位）
        code: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// CSV（带 BOM 的 UTF-8，Excel 可直接打开）
    Csv,
    /// 可打印的 HTML
    Html,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// 机构备案号
    #[arg(long, value_name = "FILING_NO")]
    institution: String,
    /// 月份
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 输出格式（默认按 --out 的扩展名；写到标准输出时为 csv）
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// 数据目录
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// 输出文件，.csv 或 .html（默认写到标准输出；用 --json 时必须给出）
    #[arg(long, value_name = "FILE", required_if_eq("json", "true"))]
    out: Option<PathBuf>,
    #[command(flatten)]
    today: TodayArg,
    #[command(flatten)]
    pub(super) json: JsonArg,
}

#[derive(Debug, Args)]
pub(super) struct QrArgs {
    /// 证书编号
    code: String,
    /// 持证人姓名：放在网址片段中，扫码即显示姓名核对结果（不会发送给服务器）
    #[arg(long)]
    name: Option<String>,
    /// 输出文件（.svg 或 .png）；默认把 SVG 写到标准输出
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 数据目录（从 certsite.toml 读取站点网址 base_url）
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
}

#[derive(Debug, Args)]
pub(super) struct PrintArgs {
    /// 数据目录（站点配置与已签名数据，用于核对证书）
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// 要印制的证书编号
    #[arg(long, num_args = 1.., required_unless_present = "institution", conflicts_with = "institution")]
    code: Vec<String>,
    /// 印制该机构的全部证书
    #[arg(long, value_name = "FILING_NO")]
    institution: Option<String>,
    /// 发证机构自己的名册，文件或目录（默认 DATA/demo-rosters/certificates）
    #[arg(long, value_name = "PATH")]
    roster: Vec<PathBuf>,
    /// 照片目录：以证书编号或证件号码命名的 .jpg/.png
    #[arg(long, value_name = "DIR")]
    photos: Option<PathBuf>,
    /// 输出目录
    #[arg(long, default_value = "print", value_name = "DIR")]
    out: PathBuf,
    /// 另用 Chromium 打印为 PDF（需要已安装 chromium）
    #[arg(long)]
    pdf: bool,
    #[command(flatten)]
    today: TodayArg,
}

pub(super) fn code_cmd(c: &CodeCommand, out: &Output) -> CmdResult {
    let CodeCommand::Explain { code, json } = c;
    let is_filing = normalize_input(code).chars().count() == FILING_LEN;
    let parsed: Result<(String, serde_json::Value), CodeError> = if is_filing {
        FilingNo::parse(code)
            .map(|f| (f.explain_text(), serde_json::to_value(f.explain()).unwrap()))
    } else {
        CertCode::parse(code)
            .map(|c| (c.explain_text(), serde_json::to_value(c.explain()).unwrap()))
    };
    let what = if is_filing {
        "机构备案号"
    } else {
        "证书编号"
    };
    match parsed {
        // The explanation is what was asked for: printed even with --quiet.
        Ok((text, value)) => {
            if *json {
                out.json(&value);
            } else {
                super::output::to_stdout(&text);
            }
            Ok(Exit::Success)
        }
        Err(e) => {
            out.trouble(&format!("{what}无效：{e}"));
            out.json(&serde_json::json!({
                "error": e.to_string(),
                "field": e.field,
                "start": e.start,
                "end": e.end,
                "found": e.found,
                "expected": e.expected,
            }));
            Ok(Exit::Problems)
        }
    }
}

pub(super) fn report_cmd(a: &ReportArgs, out: &Output) -> CmdResult {
    crate::issuer::report::check_month(&a.month)?;
    let format = report_format(a)?;
    let folder = DataFolder::open(&a.data)?;
    if let Some(path) = &a.out {
        dataset::check_writable(path)?;
        dataset::refuse_foreign(path, "汇总表", &|bytes| {
            String::from_utf8_lossy(&bytes[..bytes.len().min(2048)])
                .contains(crate::issuer::report::REPORT_TITLE)
        })?;
    }
    let Verified {
        chain, problems, ..
    } = folder.verify(a.today.date()?)?;
    let filing = normalize_input(&a.institution);
    let monthly = match crate::issuer::report::monthly(&chain, &filing, &a.month) {
        Ok(m) => m,
        // Not in the data: the data's answer (exit 1), as for a code.
        Err(e @ ReportError::UnknownInstitution(_)) => {
            out.trouble(&e.to_string());
            out.json(&serde_json::json!({"ok": false, "exit": Exit::Problems as u8, "error": e.to_string()}));
            return Ok(Exit::Problems);
        }
        Err(e) => return Err(e.into()),
    };
    let bytes = match format {
        ReportFormat::Csv => monthly.to_csv(),
        ReportFormat::Html => monthly.to_html().into_bytes(),
    };
    let path = emit(a.out.as_ref(), &bytes)?;
    // The report is written either way, but one that may miss certificates
    // is a data problem (exit 1): said even with --quiet.
    let exit = if problems.is_empty() {
        Exit::Success
    } else {
        out.trouble(&format!(
            "数据目录中有 {} 个问题：未通过验证的记录不计入汇总，这份汇总表可能不完整（用 certsite verify 查看）",
            problems.len()
        ));
        Exit::Problems
    };
    let Some(path) = path else {
        return Ok(exit);
    };
    // On standard error: the report itself may be what standard output is for.
    out.note(&format!(
        "已写出 {} {} 的汇总表（{} 份证书）→ {}",
        monthly.institution,
        monthly.month,
        monthly.table.sum.total,
        path.display()
    ));
    out.json(&serde_json::json!({
        "ok": problems.is_empty(),
        "out": path.display().to_string(),
        "institution": monthly.institution,
        "filing_no": filing,
        "month": monthly.month,
        "certificates": monthly.table.sum.total,
        "data_problems": problems.len(),
        "problems": problems_json(&problems),
    }));
    Ok(exit)
}

/// Writes what a command made to its `--out` file (atomically), or to
/// standard output without one; the file written, if any.
fn emit<'a>(out: Option<&'a PathBuf>, bytes: &[u8]) -> Result<Option<&'a PathBuf>, FsError> {
    match out {
        Some(path) => dataset::write_atomic(path, bytes).map(|()| Some(path)),
        None => (std::io::stdout().write_all(bytes))
            .map(|()| None)
            .fs(FsAction::Write, Path::new("标准输出")),
    }
}

/// The report's format: the one asked for, which must agree with the output
/// file's extension, else the extension's, else CSV.
fn report_format(a: &ReportArgs) -> Result<ReportFormat, String> {
    let ext = (a.out.as_ref())
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_name = match ext.as_deref() {
        Some("csv") => Some(ReportFormat::Csv),
        Some("html" | "htm") => Some(ReportFormat::Html),
        _ => None,
    };
    match (a.format, by_name, &a.out) {
        (Some(asked), Some(named), Some(path)) if asked != named => Err(format!(
            "--format {} 与 --out {} 的扩展名不符",
            asked.name(),
            path.display()
        )),
        (Some(asked), _, _) => Ok(asked),
        (None, Some(named), _) => Ok(named),
        (None, None, None) => Ok(ReportFormat::Csv),
        (None, None, Some(path)) => Err(format!(
            "--out {}：无法从扩展名判断格式；用 .csv 或 .html，或加上 --format",
            path.display()
        )),
    }
}

/// The QR code's format, from the output file's extension: PNG or SVG.
fn qr_is_png(out: Option<&PathBuf>) -> Result<bool, String> {
    let Some(path) = out else {
        return Ok(false);
    };
    let ext = (path.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => Ok(true),
        Some("svg") => Ok(false),
        _ => Err(format!(
            "--out {}：只能写 .svg 或 .png 文件（按扩展名决定格式）",
            path.display()
        )),
    }
}

pub(super) fn qr_cmd(a: &QrArgs, out: &Output) -> CmdResult {
    let code = match CertCode::parse(&a.code) {
        Ok(c) => c,
        Err(e) => {
            out.trouble(&format!("证书编号无效：{e}"));
            return Ok(Exit::Problems);
        }
    };
    // The format is the file's: checked before anything is made.
    let is_png = qr_is_png(a.out.as_ref())?;
    if let Some(path) = &a.out {
        dataset::refuse_foreign(
            path,
            "certsite 生成的二维码",
            &crate::issuer::qr::is_own_file,
        )?;
    }
    let config = crate::data::config::Config::load(&a.data)?;
    let url = crate::issuer::qr::verify_url(&config.base_url, &code.as_string(), a.name.as_deref());
    let symbol = crate::issuer::qr::Symbol::new(&url)?;
    let bytes = if is_png {
        symbol.png(10)?
    } else {
        symbol.svg().into_bytes()
    };
    let Some(path) = emit(a.out.as_ref(), &bytes)? else {
        return Ok(Exit::Success);
    };
    out.note(&format!(
        "{} → {}（版本 {}，纠错等级 Q，{} 模块含静区，30mm 时每模块 {:.2}mm）",
        url,
        path.display(),
        symbol.version(),
        symbol.side(),
        symbol.module_mm()
    ));
    Ok(Exit::Success)
}

pub(super) fn print_cmd(a: &PrintArgs, out: &Output) -> CmdResult {
    let opts = PrintOptions {
        data: a.data.clone(),
        codes: a.code.clone(),
        institution: a.institution.clone(),
        rosters: a.roster.clone(),
        photos: a.photos.clone(),
        out: a.out.clone(),
        pdf: a.pdf,
        today: a.today.date()?,
    };
    let r = match print(&opts) {
        Ok(r) => r,
        // What was asked for is not there or not valid: the data's fault,
        // as everywhere else (exit 1).
        Err(
            e @ (PrintError::BadCode { .. }
            | PrintError::NotInRoster(_)
            | PrintError::NothingWanted),
        ) => {
            out.trouble(&e.to_string());
            return Ok(Exit::Problems);
        }
        Err(e) => return Err(e.into()),
    };
    r.notes.iter().for_each(|n| out.note(n));
    if r.data_problems > 0 {
        out.note(&format!(
            "数据目录中有 {} 个问题，未通过验证的证书不能印制（用 certsite verify 查看）",
            r.data_problems
        ));
    }
    out.problems(&r.problems);
    if r.printed == 0 {
        out.trouble("没有可以印制的证书。");
        return Ok(Exit::Problems);
    }
    out.say(&format!(
        "已生成 {} 份证书{} → {}",
        r.printed,
        if a.pdf {
            "（HTML 与 PDF）"
        } else {
            "（HTML，可在浏览器中打印）"
        },
        a.out.display()
    ));
    Ok(if r.problems.is_empty() {
        Exit::Success
    } else {
        Exit::Problems
    })
}
