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
use crate::issuer::report::{self, Format, Report, ReportError, RosterInputs};
use certsite_core::domain::code::{CertCode, CodeError, FILING_LEN, FilingNo, normalize_input};
use certsite_core::trust::chain::Chain;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::verifier::Verified;

pub(super) const REPORT_EXAMPLES: &str = "示例：
  certsite report --institution Y000021013002 --month 2024-03 --out 汇总表.xlsx
  certsite report --roster 名册/2026-10.xlsx --review 审核结果/ --month 2026-10 --out 汇总表.xlsx
  certsite report --city 01 --month 2024-03 --out 沈阳市-2024-03.xlsx
  certsite report --province --month 2024-03 --format html --out 全省-2024-03.html
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
    /// Excel 工作簿（.xlsx）：附件7 版式，合并单元格，A4 横向打印
    Xlsx,
    /// CSV（带 BOM 的 UTF-8，Excel 可直接打开）
    Csv,
    /// 可打印的 HTML
    Html,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }

    fn format(self) -> Format {
        match self {
            ReportFormat::Xlsx => Format::Xlsx,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Html => Format::Html,
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// 企业的汇总表：机构备案号（用 --roster 时可省略，取名册中的机构）
    #[arg(
        long,
        value_name = "FILING_NO",
        required_unless_present_any = ["city", "province", "roster"],
        conflicts_with_all = ["city", "province"]
    )]
    institution: Option<String>,
    /// 市的汇总表：汇总该市各企业，填报单位为该市审核机构（市代码如 01，或市名如 沈阳市）
    #[arg(long, value_name = "CITY", conflicts_with_all = ["province", "roster"])]
    city: Option<String>,
    /// 全省的汇总表：每市一行，其后为各市的汇总表
    #[arg(long, conflicts_with = "roster")]
    province: bool,
    /// 月份：按证书的发证日期计入
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 企业本月的证书名册（CSV/Excel，文件或目录，可多次给出）：按名册填报，而不按已发布的数据
    #[arg(long, value_name = "PATH")]
    roster: Vec<PathBuf>,
    /// 所在市的审核结果：certsite review 写出的审核记录（.jsonl）和退回清单（.csv），文件或目录，可多次给出
    #[arg(long, value_name = "PATH", requires = "roster")]
    review: Vec<PathBuf>,
    /// 输出格式（默认按 --out 的扩展名；写到标准输出时为 csv）
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// 数据目录
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// 输出文件，.xlsx、.csv 或 .html（默认写到标准输出；用 --json 或 xlsx 时必须给出）
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
    /// 评价机构自己的名册，文件或目录（默认 DATA/demo-rosters/certificates）
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

/// A made report and what its run found besides.
struct Made {
    report: Report,
    /// `enterprise`, `city` or `province`.
    scope: &'static str,
    /// The enterprise's filing number, or the city's code.
    id: Option<String>,
    /// Problems of the inputs (reviews that do not verify).
    problems: Vec<Problem>,
}

/// Makes the report `a` asks for from the verified data (and the rosters).
fn make_report(
    a: &ReportArgs,
    chain: &Chain,
    opts: &VerifyOptions,
) -> Result<(Made, Vec<String>), ReportError> {
    let made = |report, scope, id: Option<&str>| Made {
        report,
        scope,
        id: id.map(str::to_string),
        problems: Vec::new(),
    };
    let filing = a.institution.as_deref().map(normalize_input);
    if !a.roster.is_empty() {
        let inputs = RosterInputs {
            rosters: &a.roster,
            reviews: &a.review,
            institution: filing.as_deref(),
            month: &a.month,
        };
        let r = report::from_rosters(chain, opts, inputs)?;
        let mut m = made(r.report, "enterprise", Some(&r.filing_no));
        m.problems = r.problems;
        return Ok((m, r.notes));
    }
    if let Some(city) = &a.city {
        let code = report::city_code(city)?;
        let r = report::city(chain, &code, &a.month)?;
        return Ok((made(r, "city", Some(&code)), Vec::new()));
    }
    if a.province {
        // 填报单位: the authority holding the root, as certsite.toml names it.
        let authority = crate::data::config::Config::load(&a.data)
            .map_or_else(|_| "省人事考试中心".to_string(), |c| c.authority);
        let r = report::province(chain, &authority, &a.month)?;
        return Ok((made(r, "province", None), Vec::new()));
    }
    let filing = filing.unwrap_or_default();
    let r = report::enterprise(chain, &filing, &a.month)?;
    Ok((made(r, "enterprise", Some(&filing)), Vec::new()))
}

pub(super) fn report_cmd(a: &ReportArgs, out: &Output) -> CmdResult {
    report::check_month(&a.month)?;
    if let Some(city) = &a.city {
        report::city_code(city)?;
    }
    let format = report_format(a)?;
    if let Some(path) = &a.out {
        dataset::check_writable(path)?;
        dataset::refuse_foreign(path, "汇总表", &report::is_own_report)?;
    }
    let folder = DataFolder::open(&a.data)?;
    let today = a.today.date()?;
    let Verified {
        chain, problems, ..
    } = folder.verify(today)?;
    let (made, notes) = match make_report(a, &chain, &folder.verifier(today).options) {
        Ok(m) => m,
        // Not in the data, or not in the rosters: the data's answer (exit
        // 1), as for a code.
        Err(
            e @ (ReportError::UnknownInstitution(_)
            | ReportError::UnknownCity(_)
            | ReportError::NotInRoster(_)
            | ReportError::EmptyRoster),
        ) => {
            out.trouble(&e.to_string());
            out.json(&serde_json::json!({"ok": false, "exit": Exit::Problems as u8, "error": e.to_string()}));
            return Ok(Exit::Problems);
        }
        Err(ReportError::Rows(rows)) => {
            out.problems(&rows);
            let e = ReportError::Rows(Vec::new());
            out.trouble(&format!(
                "名册有 {} 个问题，未生成汇总表。修正后重试。",
                rows.len()
            ));
            out.json(&serde_json::json!({
                "ok": false,
                "out": null,
                "error": e.to_string(),
                "problems": problems_json(&rows),
            }));
            return Ok(Exit::Problems);
        }
        Err(e) => return Err(e.into()),
    };
    notes.iter().for_each(|n| out.note(n));
    let bytes = made.report.to_bytes(format.format())?;
    let path = emit(a.out.as_ref(), &bytes)?;
    tell_left_out(out, &made.report);
    out.problems(&made.problems);
    // The report is written either way, but one that may miss certificates
    // is a data problem (exit 1): said even with --quiet.
    let mut exit = Exit::Success;
    if !problems.is_empty() {
        out.trouble(&format!(
            "数据目录中有 {} 个问题：未通过验证的记录不计入汇总，这份汇总表可能不完整（用 certsite verify 查看）",
            problems.len()
        ));
        exit = Exit::Problems;
    }
    if !made.problems.is_empty() {
        out.trouble(&format!(
            "审核结果中有 {} 个问题：这些审核记录无效，其证书不计入汇总",
            made.problems.len()
        ));
        exit = Exit::Problems;
    }
    let Some(path) = path else {
        return Ok(exit);
    };
    let form = made.report.form();
    // On standard error: the report itself may be what standard output is for.
    out.note(&format!(
        "已写出 {} {} 的汇总表（{} 份证书）→ {}",
        form.filer,
        made.report.month,
        made.report.total(),
        path.display()
    ));
    let mut all = problems;
    all.extend(made.problems.iter().cloned());
    out.json(&report_json(&made, path, &all));
    Ok(exit)
}

/// The JSON summary of a report written.
fn report_json(made: &Made, path: &Path, problems: &[Problem]) -> serde_json::Value {
    let r = &made.report;
    let enterprise = made.scope == "enterprise";
    serde_json::json!({
        "ok": problems.is_empty(),
        "out": path.display().to_string(),
        "scope": made.scope,
        "filer": r.form().filer,
        "institution": enterprise.then(|| &r.form().filer),
        "filing_no": made.id.as_ref().filter(|_| enterprise),
        "city_code": made.id.as_ref().filter(|_| made.scope == "city"),
        "month": r.month,
        "certificates": r.total(),
        "left_out": r.left_out.iter().map(|l| serde_json::json!({
            "code": l.code,
            "reason": l.reason,
            "source": l.source,
        })).collect::<Vec<_>>(),
        "data_problems": problems.len() - made.problems.len(),
        "problems": problems_json(problems),
    })
}

/// Names the certificates of the month left out of the form: the first
/// ten, with why, and how many more (the report lists them all).
fn tell_left_out(out: &Output, report: &Report) {
    const SHOWN: usize = 10;
    if report.left_out.is_empty() {
        return;
    }
    let mut text = format!(
        "{} 份本月证书未计入汇总（已列入汇总表的“{}”）：",
        report.left_out.len(),
        report::LEFT_OUT_TITLE
    );
    for l in report.left_out.iter().take(SHOWN) {
        text.push_str(&format!("\n  {}: {}：{}", l.source, l.code, l.reason));
    }
    if report.left_out.len() > SHOWN {
        text.push_str(&format!("\n  …另有 {} 份", report.left_out.len() - SHOWN));
    }
    out.note(&text);
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
/// file's extension, else the extension's, else CSV. A workbook goes to a
/// file only.
fn report_format(a: &ReportArgs) -> Result<ReportFormat, String> {
    let ext = (a.out.as_ref())
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_name = match ext.as_deref() {
        Some("xlsx") => Some(ReportFormat::Xlsx),
        Some("csv") => Some(ReportFormat::Csv),
        Some("html" | "htm") => Some(ReportFormat::Html),
        _ => None,
    };
    let format = match (a.format, by_name, &a.out) {
        (Some(asked), Some(named), Some(path)) if asked != named => Err(format!(
            "--format {} 与 --out {} 的扩展名不符",
            asked.name(),
            path.display()
        )),
        (Some(asked), _, _) => Ok(asked),
        (None, Some(named), _) => Ok(named),
        (None, None, None) => Ok(ReportFormat::Csv),
        (None, None, Some(path)) => Err(format!(
            "--out {}：无法从扩展名判断格式；用 .xlsx、.csv 或 .html，或加上 --format",
            path.display()
        )),
    }?;
    if format == ReportFormat::Xlsx && a.out.is_none() {
        return Err("Excel 工作簿不写到标准输出：用 --out 给出 .xlsx 文件".into());
    }
    Ok(format)
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
        "{} → {}（版本 {}，纠错等级 Q，{} 模块占满 30mm，每模块 {:.2}mm；四周另有 4 模块白边（静区），全图 {:.1}mm）",
        url,
        path.display(),
        symbol.version(),
        symbol.modules(),
        symbol.module_mm(),
        symbol.outer_mm()
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
