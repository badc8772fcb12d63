//! The summary an enterprise fills "根据审核通过的认定结果" (notice 四(四)3):
//! its roster of the month, with what its city's review returned.
//!
//! The city's review output is what `certsite review` writes: the reviews it
//! signed (`--out`, a `.jsonl` of review statements) and the returned list
//! (`--rejects`, a CSV of 文件, 行号, 证书编号, 原因). A roster row counts
//! when a review of its code verifies (a key the root lists for the code's
//! city, inside its window, dated between review and upload), or its
//! certificate is published with a review, or it was issued before the
//! city's cut-over; and when it is not revoked. Every other row of the month
//! is listed with why: the returned list's reason when it has one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use certsite_core::trust::chain::{Chain, ReviewState};
use certsite_core::trust::dataset::SourcedLine;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::Statement;

use super::{Counted, LeftOut, Report, ReportError, in_month, occupation_form, occupation_label};
use crate::input::roster::certificates::CertificateRow;
use crate::input::roster::{ColumnSpec, Columns};
use crate::input::table::read_table;
use crate::issuer::rosters::{Rosters, files_in, read_rosters};

/// What the summary is made from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RosterInputs<'a> {
    /// Roster files or folders.
    pub rosters: &'a [PathBuf],
    /// The city's review output: files or folders of reviews (`.jsonl`)
    /// and returned lists.
    pub reviews: &'a [PathBuf],
    /// The enterprise, when the rosters hold several (normalised).
    pub institution: Option<&'a str>,
    /// `YYYY-MM`.
    pub month: &'a str,
}

/// The summary, and what the inputs said besides.
#[derive(Debug)]
pub(crate) struct RosterReport {
    /// The form and the rows left out.
    pub report: Report,
    /// 机构备案号.
    pub filing_no: String,
    /// Reviews that do not verify: their rows are not counted.
    pub problems: Vec<Problem>,
    /// Files skipped in folders, rows of other months.
    pub notes: Vec<String>,
}

/// Columns of the returned list `certsite review` writes.
const RETURNED_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("证书编号", &["证书编码", "证书号"]),
    ColumnSpec::required("原因", &["退回原因", "不通过原因"]),
    ColumnSpec::optional("文件", &[]),
    ColumnSpec::optional("行号", &[]),
];

/// The city's review output, read.
#[derive(Default)]
struct ReviewOutput {
    /// Review lines (and anything else the `.jsonl` files hold).
    lines: Vec<SourcedLine>,
    /// Returned certificates: code → (reason, `file:line`).
    returned: BTreeMap<String, (String, String)>,
    /// Lines that are not text.
    problems: Vec<Problem>,
    /// Files of folders that were skipped, and why.
    notes: Vec<String>,
}

/// What a spreadsheet named as review output is.
enum Sheet {
    /// The returned list.
    Returned,
    /// Anything else, and why it is not review output.
    Other(String),
}

/// Tells the returned list from the city's decisions table (unsigned: it
/// proves nothing) and from anything else.
fn sheet_kind(headers: &[String]) -> Sheet {
    let has = |name: &str| headers.iter().any(|h| h.trim() == name);
    if has("审核结果") {
        return Sheet::Other(
            "是审核结果表：它没有签名，不能证明审核通过；请给出审核机构签名的审核记录（certsite review 的 --out）".into(),
        );
    }
    if has("证书编号") && has("原因") {
        return Sheet::Returned;
    }
    Sheet::Other("既不是审核记录（.jsonl）也不是退回清单（证书编号、原因）".into())
}

impl ReviewOutput {
    /// Reads each file named (a review dataset or a returned list; anything
    /// else is an error) and the review output among a folder's files
    /// (anything else is skipped with a note).
    fn read(paths: &[PathBuf]) -> Result<ReviewOutput, ReportError> {
        let mut out = ReviewOutput::default();
        for path in paths {
            if !path.is_dir() {
                if let Err(why) = out.add(path)? {
                    return Err(Problem::file(path, why).into());
                }
                continue;
            }
            for file in files_in(path)? {
                if let Err(why) = out.add(&file)? {
                    out.notes.push(format!("跳过 {}：{why}", file.display()));
                }
            }
        }
        Ok(out)
    }

    /// Adds one file; `Ok(Err(why))` when it is not review output.
    fn add(&mut self, file: &Path) -> Result<Result<(), String>, ReportError> {
        let ext = (file.extension())
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext == "jsonl" {
            let bytes = std::fs::read(file).map_err(|e| {
                let why = format!("无法读取：{}", crate::catalogue::os_message(&e));
                Problem::file(file, why)
            })?;
            let (lines, bad) = certsite_core::trust::dataset::lines(file, &bytes);
            self.lines.extend(lines);
            self.problems.extend(bad);
            return Ok(Ok(()));
        }
        let is_header = |cells: &[String]| cells.iter().any(|c| c.trim() == "证书编号");
        let table = match read_table(file, &is_header) {
            Ok(t) => t,
            Err(e) => return Ok(Err(Problem::from(e).message)),
        };
        if let Sheet::Other(why) = sheet_kind(&table.headers) {
            return Ok(Err(why));
        }
        let columns = Columns::map_specs(&table, RETURNED_COLUMNS, "退回清单")?;
        let (code_col, reason_col) = (columns.position("证书编号"), columns.position("原因"));
        for row in &table.rows {
            let code = certsite_core::domain::code::normalize_input(row.get(code_col));
            let source = format!("{}:{}", file.display(), row.line);
            (self.returned)
                .entry(code)
                .or_insert_with(|| (row.get(reason_col).to_string(), source));
        }
        Ok(Ok(()))
    }
}

/// The roster rows of one enterprise: the one asked for, or the only one
/// the rosters hold.
fn one_enterprise(
    rosters: Rosters,
    institution: Option<&str>,
) -> Result<(String, Vec<(CertificateRow, PathBuf)>), ReportError> {
    let rows: Vec<(CertificateRow, PathBuf)> =
        rosters.rows.into_iter().zip(rosters.files).collect();
    let filings: BTreeSet<String> = rows
        .iter()
        .map(|(r, _)| r.code.filing.as_string())
        .collect();
    let filing = match (institution, filings.len()) {
        (Some(f), _) => f.to_string(),
        (None, 1) => filings.into_iter().next().unwrap_or_default(),
        (None, 0) => return Err(ReportError::EmptyRoster),
        (None, _) => return Err(ReportError::MixedRoster(filings.into_iter().collect())),
    };
    let mine: Vec<_> = rows
        .into_iter()
        .filter(|(r, _)| r.code.filing.as_string() == filing)
        .collect();
    if mine.is_empty() {
        return Err(ReportError::NotInRoster(filing));
    }
    Ok((filing, mine))
}

/// A code twice in the rosters would be counted twice.
fn duplicates(rows: &[(CertificateRow, PathBuf)]) -> Vec<Problem> {
    let mut first: BTreeMap<String, (&Path, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (row, file) in rows {
        let code = row.code.as_string();
        match first.get(&code) {
            Some((f, l)) => problems.push(Problem::field(
                file,
                row.line,
                "证书编号",
                format!("{code} 与 {}:{l} 重复", f.display()),
            )),
            None => {
                first.insert(code, (file, row.line));
            }
        }
    }
    problems
}

/// Judges the review lines of the month's codes, against each row's issue
/// date: the codes with a review that verifies, and the problems of the
/// others (by code; lines no code can be read from under the empty code).
fn judge_reviews(
    chain: &Chain,
    lines: Vec<SourcedLine>,
    issued: &BTreeMap<String, String>,
    opts: &VerifyOptions,
) -> (BTreeSet<String>, BTreeMap<String, Vec<Problem>>) {
    let mut passed = BTreeSet::new();
    let mut failed: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
    for line in lines {
        let code = match Envelope::parse(&line.text)
            .ok()
            .and_then(|e| e.typed().ok())
        {
            Some(Statement::Review(r)) => r.code,
            // Unreadable, or not a review: judged to say why.
            _ => String::new(),
        };
        if !code.is_empty() && !issued.contains_key(&code) {
            continue; // another month's row, or another enterprise's
        }
        let on = issued.get(&code).map_or("", String::as_str);
        match chain.judge_review(line, on, opts) {
            Ok(_) => {
                passed.insert(code);
            }
            Err(found) => failed.entry(code).or_default().extend(found),
        }
    }
    (passed, failed)
}

/// Whether the row says what its published certificate says, where the
/// form reads it: level, date, occupation.
fn agrees(row: &CertificateRow, chain: &Chain) -> Result<(), String> {
    let Some(signed) = chain.certificates.get(&row.code.as_string()) else {
        return Ok(());
    };
    let s = &signed.statement;
    let same = s.level == i64::from(row.level.digit())
        && s.issued_on == row.issued_on.to_string()
        && s.occupation_code == row.occupation_code
        && s.subtype == row.subtype;
    if same {
        return Ok(());
    }
    Err(format!(
        "名册与已发布的证书记录（{}:{}）的等级、发证日期或职业不一致",
        signed.file.display(),
        signed.line
    ))
}

/// Why a row of the month is not counted, if it is not.
fn reason(
    row: &CertificateRow,
    chain: &Chain,
    reviewed: &BTreeSet<String>,
    failed: &BTreeMap<String, Vec<Problem>>,
    returned: &BTreeMap<String, (String, String)>,
) -> Option<String> {
    let code = row.code.as_string();
    if let Err(why) = agrees(row, chain) {
        return Some(why);
    }
    let issued = row.issued_on.to_string();
    let before_cut_over = || {
        let city = chain.city_of(&code).map(|c| &c.statement);
        city.is_some_and(|c| !c.requires_review(&issued))
    };
    let is_reviewed = reviewed.contains(&code)
        || match chain.certificates.get(&code) {
            Some(_) => !matches!(chain.review_state(&code), ReviewState::NotReviewed),
            None => before_cut_over(),
        };
    if !is_reviewed {
        if let Some((why, source)) = returned.get(&code) {
            return Some(format!("市审核退回（{source}）：{why}"));
        }
        if let Some(p) = failed.get(&code).and_then(|p| p.first()) {
            return Some(format!("审核记录无效：{p}"));
        }
        return Some("没有所在市公共就业服务机构主管部门的审核记录".into());
    }
    let r = &chain.revocations.get(&code)?.statement;
    Some(format!("已撤销（{}：{}）", r.revoked_on, r.reason))
}

/// An enterprise's summary of a month from its rosters and its city's
/// review output, judged with the verified data (`chain`: the root, the
/// directory, the cities, what is published).
pub(crate) fn from_rosters(
    chain: &Chain,
    opts: &VerifyOptions,
    inputs: RosterInputs,
) -> Result<RosterReport, ReportError> {
    super::check_month(inputs.month)?;
    let rosters = read_rosters(inputs.rosters, opts)?;
    let mut notes = rosters.notes.clone();
    if !rosters.problems.is_empty() {
        return Err(ReportError::Rows(rosters.problems));
    }
    let (filing, rows) = one_enterprise(rosters, inputs.institution)?;
    let found = duplicates(&rows);
    if !found.is_empty() {
        return Err(ReportError::Rows(found));
    }
    let inst = chain
        .newest(&filing)
        .ok_or_else(|| ReportError::UnknownInstitution(filing.clone()))?;
    let (month_rows, other): (Vec<_>, Vec<_>) =
        (rows.into_iter()).partition(|(r, _)| in_month(&r.issued_on.to_string(), inputs.month));
    if !other.is_empty() {
        notes.push(format!(
            "名册中另有 {} 行不是 {} 发证的，不属于这份汇总表",
            other.len(),
            inputs.month
        ));
    }
    let review = ReviewOutput::read(inputs.reviews)?;
    notes.extend(review.notes);
    let issued: BTreeMap<String, String> = (month_rows.iter())
        .map(|(r, _)| (r.code.as_string(), r.issued_on.to_string()))
        .collect();
    let (reviewed, failed) = judge_reviews(chain, review.lines, &issued, opts);
    let mut problems = review.problems;
    problems.extend(failed.values().flatten().cloned());
    let (mut counted, mut left_out) = (Vec::new(), Vec::new());
    for (row, file) in &month_rows {
        let label = occupation_label(&row.occupation, row.subtype.as_deref());
        let level = i64::from(row.level.digit());
        match reason(row, chain, &reviewed, &failed, &review.returned) {
            None => counted.push(Counted {
                filing: filing.clone(),
                occupation_code: row.occupation_code.clone(),
                subtype: row.subtype.clone(),
                label,
                level,
            }),
            Some(reason) => left_out.push(LeftOut {
                code: row.code.as_string(),
                occupation: label,
                level,
                issued_on: row.issued_on.to_string(),
                reason,
                source: format!("{}:{}", file.display(), row.line),
            }),
        }
    }
    let note = format!("机构备案号：{filing}");
    let form = occupation_form("汇总表", &inst.statement.name, &counted, note);
    let mut report = Report {
        month: inputs.month.to_string(),
        forms: vec![form],
        left_out,
    };
    report.note_left_out();
    problems.sort();
    Ok(RosterReport {
        report,
        filing_no: filing,
        problems,
        notes,
    })
}
