//! `certsite report`: the monthly summary of 附件7
//! (企业职业技能等级认定结果汇总表). The notice (四(四)3): "企业根据审核通过的认定
//! 结果填写……于每月末报至各市公共就业服务机构主管部门，各市……统一汇总后报省人事
//! 考试中心". So one form, three filers:
//!
//! - an enterprise, from its roster of the month and its city's review
//!   ([`from_rosters`]), or from the published data ([`enterprise`]);
//! - a city, summing its enterprises in the same layout ([`city`]);
//! - the province, one row per city ([`province`]).
//!
//! What counts is the same everywhere: a certificate issued in the month
//! (its `issued_on`), reviewed by its city (or issued before the city's
//! cut-over), and not revoked, as the site's statistics page counts it.
//! What does not count is listed beside the form ([`LeftOut`]), with why.
//!
//! A [`Report`] is its forms and that list, in memory; [`text`] writes it as
//! CSV or HTML and [`xlsx`] as an Excel workbook, with the same cells.

mod count;
mod roster;
mod text;
mod xlsx;

use std::collections::BTreeMap;

use crate::site::model::{CountRow, CountTable, LEVEL_COLUMNS, level_column};
use certsite_core::domain::code::City;
use certsite_core::trust::problem::Problem;

pub(crate) use count::{city, enterprise, province};
pub(crate) use roster::{RosterInputs, from_rosters};
pub(crate) use xlsx::is_own_workbook;

/// The form's title, first in every format: it also tells a report
/// `--out` may replace from any other file.
pub(crate) const REPORT_TITLE: &str = "企业职业技能等级认定结果汇总表";

/// The total row's label, spaced as the notice spaces it.
pub(crate) const TOTAL_LABEL: &str = "合  计";

/// The unit, top right of the form.
pub(crate) const UNIT: &str = "单位：人";

/// The first column of an enterprise's (and a city's) form.
pub(crate) const OCCUPATION_COLUMN: &str = "职业（工种）名称";

/// The first column of a city's second table: one row per enterprise.
pub(crate) const ENTERPRISE_COLUMN: &str = "企业名称（机构备案号）";

/// The first column of the province's form: one row per city.
pub(crate) const CITY_COLUMN: &str = "市";

/// The subtotal column, after the five levels.
pub(crate) const SUBTOTAL: &str = "小计";

/// The list beside the form: its title and columns.
pub(crate) const LEFT_OUT_TITLE: &str = "未计入汇总的证书";

/// Columns of [`LEFT_OUT_TITLE`].
pub(crate) const LEFT_OUT_HEADER: [&str; 6] = [
    "证书编号",
    "职业（工种）名称",
    "等级",
    "发证日期",
    "未计入原因",
    "来源",
];

/// Why a summary cannot be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReportError {
    /// The month is not `YYYY-MM`.
    #[error("月份“{0}”应写作 YYYY-MM，如 2024-06")]
    BadMonth(String),
    /// No verified directory entry has this filing number.
    #[error("机构 {0} 不在已签名的机构目录中")]
    UnknownInstitution(String),
    /// `--city` names no city.
    #[error("--city “{0}”不是市代码（两位数字，如 01）或市名（如 沈阳市）")]
    BadCity(String),
    /// No verified city statement lists the city's review authority.
    #[error("根密钥没有列出市代码 {0} 的审核机构（城市审核机构声明），无法以它的名义汇总")]
    UnknownCity(String),
    /// The rosters could not be read.
    #[error(transparent)]
    Rosters(#[from] crate::issuer::rosters::RosterError),
    /// A review file could not be read, or is not the city's review output.
    #[error(transparent)]
    Input(#[from] Problem),
    /// A folder could not be listed.
    #[error(transparent)]
    Fs(#[from] crate::error::FsError),
    /// Rows of the rosters have problems: nothing is counted from them.
    #[error("名册有 {} 个问题，未生成汇总表。修正后重试。", .0.len())]
    Rows(Vec<Problem>),
    /// The rosters hold no certificate.
    #[error("名册中没有证书")]
    EmptyRoster,
    /// The rosters hold several enterprises' rows.
    #[error("名册中有 {} 家机构的证书（{}）：一份汇总表只报一家企业，用 --institution 选择", .0.len(), .0.join("、"))]
    MixedRoster(Vec<String>),
    /// The rosters hold no row of the enterprise asked for.
    #[error("名册中没有机构 {0} 的证书")]
    NotInRoster(String),
    /// The workbook could not be made (a bug rather than an input problem,
    /// but said rather than panicked).
    #[error("无法生成 Excel 工作簿：{0}")]
    Workbook(String),
}

/// One form of 附件7: a sheet of the workbook, a section of the CSV and of
/// the HTML page.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Form {
    /// The workbook's sheet name (at most 31 characters).
    pub sheet: String,
    /// 填报单位, without the （章） that follows it.
    pub filer: String,
    /// The first column's header.
    pub first_column: &'static str,
    /// The rows, with 小计, and the 合计 row.
    pub table: CountTable,
    /// Lines under the table: the filer's number, what was left out.
    pub notes: Vec<String>,
}

/// A certificate of the month that is not counted, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LeftOut {
    /// 证书编号.
    pub code: String,
    /// 职业（工种）, as the row label has it.
    pub occupation: String,
    /// Level digit, 1-5.
    pub level: i64,
    /// 发证日期.
    pub issued_on: String,
    /// Why it is not counted.
    pub reason: String,
    /// Where it is: `file:line`.
    pub source: String,
}

impl LeftOut {
    /// The level as the form's columns name it.
    pub(crate) fn level_name(&self) -> &'static str {
        LEVEL_COLUMNS[level_column(self.level)]
    }

    /// The row's cells, in [`LEFT_OUT_HEADER`]'s order.
    pub(crate) fn cells(&self) -> [&str; 6] {
        [
            &self.code,
            &self.occupation,
            self.level_name(),
            &self.issued_on,
            &self.reason,
            &self.source,
        ]
    }
}

/// A month's summary: the form filed first, then any further forms (a
/// city's enterprises, the province's cities), and the list of what was
/// left out.
#[derive(Clone, Debug)]
pub(crate) struct Report {
    /// `YYYY-MM`.
    pub month: String,
    /// The forms; the first is the one filed.
    pub forms: Vec<Form>,
    /// The month's certificates not counted.
    pub left_out: Vec<LeftOut>,
}

impl Report {
    /// The month as the form prints it: `2024年6月`.
    pub(crate) fn month_text(&self) -> String {
        month_text(&self.month)
    }

    /// The form filed.
    pub(crate) fn form(&self) -> &Form {
        &self.forms[0]
    }

    /// Certificates counted.
    pub(crate) fn total(&self) -> usize {
        self.form().table.sum.total
    }

    /// Serialises the report in `format`.
    pub(crate) fn to_bytes(&self, format: Format) -> Result<Vec<u8>, ReportError> {
        match format {
            Format::Csv => Ok(text::csv(self)),
            Format::Html => Ok(text::html(self).into_bytes()),
            Format::Xlsx => xlsx::workbook(self).map_err(|e| ReportError::Workbook(e.to_string())),
        }
    }

    /// A note on the first form when something was left out.
    fn note_left_out(&mut self) {
        if self.left_out.is_empty() {
            return;
        }
        let note = format!(
            "另有 {} 份本月证书未计入（未经所在市审核、已撤销等），见“{LEFT_OUT_TITLE}”。",
            self.left_out.len()
        );
        self.forms[0].notes.push(note);
    }
}

/// The formats a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// CSV, UTF-8 with BOM.
    Csv,
    /// A printable HTML page.
    Html,
    /// An Excel workbook.
    Xlsx,
}

/// Whether `bytes` are a report this command wrote (in any format): what
/// `--out` may replace.
pub(crate) fn is_own_report(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).contains(REPORT_TITLE)
        || is_own_workbook(bytes)
}

/// Refuses a month not written `YYYY-MM` (before the data is read).
pub(crate) fn check_month(month: &str) -> Result<(), ReportError> {
    let valid_month = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].bytes().all(|b| b.is_ascii_digit())
        && month[5..]
            .parse::<u8>()
            .is_ok_and(|m| (1..=12).contains(&m));
    if !valid_month {
        return Err(ReportError::BadMonth(month.to_string()));
    }
    Ok(())
}

/// `2024-06` as `2024年6月`.
fn month_text(month: &str) -> String {
    format!("{}年{}月", &month[..4], month[5..].trim_start_matches('0'))
}

/// Whether a date `YYYY-MM-DD` is in `month` (`YYYY-MM`).
fn in_month(date: &str, month: &str) -> bool {
    date.get(..7) == Some(month) && date.as_bytes().get(7) == Some(&b'-')
}

/// The city code `--city` names: `01`-`99`, `1`-`9`, or a city's name
/// (`沈阳市`, `沈阳`).
pub(crate) fn city_code(arg: &str) -> Result<String, ReportError> {
    let text = arg.trim();
    if let Some(city) = City::from_name(text) {
        return Ok(format!("{:02}", city.number()));
    }
    match text.parse::<u8>() {
        Ok(n) if text.len() <= 2 && (1..=99).contains(&n) => Ok(format!("{n:02}")),
        _ => Err(ReportError::BadCity(arg.to_string())),
    }
}

/// The name of a city code: the notice's for `01`-`14`.
fn city_name(code: &str) -> String {
    code.parse::<u8>()
        .ok()
        .and_then(City::from_number)
        .map_or_else(|| format!("市代码 {code}"), |c| c.name().to_string())
}

/// A certificate that counts, from a signed statement or a roster row.
#[derive(Clone, Debug)]
struct Counted {
    /// 机构备案号.
    filing: String,
    /// 职业编码.
    occupation_code: String,
    /// 工种.
    subtype: Option<String>,
    /// 职业（工种）, the row's label.
    label: String,
    /// Level digit.
    level: i64,
}

/// 职业（工种）: the occupation with its sub-specialty, as the form's first
/// column names them.
fn occupation_label(occupation: &str, subtype: Option<&str>) -> String {
    match subtype {
        Some(s) => format!("{occupation}（{s}）"),
        None => occupation.to_string(),
    }
}

/// Rows by key, each with its label; those seeded are shown even at zero
/// (a city's enterprises, the province's cities: that one filed nothing is
/// what the reader looks for).
struct Tally<K: Ord> {
    rows: BTreeMap<K, CountRow>,
    sum: CountRow,
}

impl<K: Ord> Tally<K> {
    fn new() -> Tally<K> {
        Tally {
            rows: BTreeMap::new(),
            sum: CountRow {
                label: TOTAL_LABEL.into(),
                ..CountRow::default()
            },
        }
    }

    /// A row shown even when nothing counts in it.
    fn seed(&mut self, key: K, label: String) {
        self.rows.entry(key).or_insert_with(|| CountRow {
            label,
            ..CountRow::default()
        });
    }

    fn add(&mut self, key: K, label: impl FnOnce() -> String, level: i64) {
        let row = self.rows.entry(key).or_insert_with(|| CountRow {
            label: label(),
            ..CountRow::default()
        });
        for r in [row, &mut self.sum] {
            r.levels[level_column(level)] += 1;
            r.total += 1;
        }
    }

    fn table(self) -> CountTable {
        CountTable {
            rows: self.rows.into_values().collect(),
            sum: self.sum,
        }
    }
}

/// 附件7's table: one row per occupation (工种), in the catalogue's order.
fn occupation_table(counted: &[Counted]) -> CountTable {
    let mut t = Tally::new();
    for c in counted {
        let key = (c.occupation_code.clone(), c.subtype.clone());
        t.add(key, || c.label.clone(), c.level);
    }
    t.table()
}

/// The form of one enterprise or city: its occupations.
fn occupation_form(sheet: &str, filer: &str, counted: &[Counted], note: String) -> Form {
    Form {
        sheet: sheet.to_string(),
        filer: filer.to_string(),
        first_column: OCCUPATION_COLUMN,
        table: occupation_table(counted),
        notes: vec![note],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_cities_are_read_as_people_write_them() {
        assert!(check_month("2024-06").is_ok());
        for bad in [
            "2024-13",
            "2024-6",
            "24-06",
            "2024/06",
            "２０２４-06",
            "+024-06",
        ] {
            assert!(check_month(bad).is_err(), "{bad}");
        }
        assert_eq!(month_text("2024-06"), "2024年6月");
        assert!(in_month("2024-06-30", "2024-06") && !in_month("2024-07-01", "2024-06"));
        assert_eq!(city_code("01").unwrap(), "01");
        assert_eq!(city_code("1").unwrap(), "01");
        assert_eq!(city_code("沈阳市").unwrap(), "01");
        assert_eq!(city_code("葫芦岛").unwrap(), "14");
        assert_eq!(city_code("15").unwrap(), "15");
        for bad in ["0", "00", "100", "x", "北京", ""] {
            assert!(city_code(bad).is_err(), "{bad}");
        }
        assert_eq!(city_name("13"), "盘锦市");
        assert_eq!(city_name("15"), "市代码 15");
    }

    #[test]
    fn a_tally_shows_seeded_rows_at_zero_and_sums_the_rest() {
        let mut t = Tally::new();
        t.seed("b", "乙".to_string());
        t.add("a", || "甲".to_string(), 5);
        t.add("a", || "甲".to_string(), 1);
        let table = t.table();
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].levels, [1, 0, 0, 0, 1]);
        assert_eq!(table.rows[1].total, 0);
        assert_eq!(table.sum.label, "合  计");
        assert_eq!(table.sum.total, 2);
    }
}
