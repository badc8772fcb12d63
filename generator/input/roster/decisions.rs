//! The city's decisions on an enterprise's results (审核结果, notice
//! 四(四)1): one row per certificate, 通过 or 不通过, the day of the review,
//! and why not. `certsite review` reads it; `sign` does not.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::{Cells, ColumnSpec, Columns};
use crate::input::table::Table;
use certsite_core::domain::dates::parse_date;
use certsite_core::domain::text::fold_compact;
use certsite_core::trust::problem::Problem;

/// What the table is called in messages.
pub(crate) const NAME: &str = "审核结果表";

/// Columns of the decisions table.
pub(crate) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::optional("序号", &[]),
    ColumnSpec::required("证书编号", &["证书编码", "证书号"]),
    ColumnSpec::required("审核结果", &["审核意见", "审核结论"]),
    ColumnSpec::optional("审核日期", &["审核时间"]),
    ColumnSpec::optional("原因", &["不通过原因", "退回原因", "审核说明"]),
];

/// One row: the city passed the result or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    /// The row's line.
    pub line: usize,
    /// 审核日期: the row's, or the default given for rows without one.
    pub reviewed_on: Date,
    /// `None`: 通过; `Some(reason)`: 不通过, and why.
    pub refused: Option<String>,
}

/// Whether a row could be the header (two known columns or more).
pub(crate) fn looks_like_header(cells: &[String]) -> bool {
    COLUMNS
        .iter()
        .filter(|c| cells.iter().any(|h| c.matches(h)))
        .count()
        >= 2
}

/// 通过 (`Some(true)`), 不通过 (`Some(false)`), or neither.
fn passed(text: &str) -> Option<bool> {
    match fold_compact(text).as_str() {
        "通过" | "审核通过" | "合格" | "同意" => Some(true),
        "不通过" | "未通过" | "审核不通过" | "不合格" | "不同意" | "退回" => {
            Some(false)
        }
        _ => None,
    }
}

/// Reads every row by certificate code. A row without 审核日期 takes
/// `default_date` (`--reviewed-on`); no date is after `today`.
pub(crate) fn read(
    table: &Table,
    columns: &Columns,
    default_date: Option<Date>,
    today: Date,
) -> (BTreeMap<String, Decision>, Vec<Problem>) {
    let mut out: BTreeMap<String, Decision> = BTreeMap::new();
    let mut problems = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, columns, row);
        let code = c.certificate_code("证书编号");
        let verdict = c.parsed("审核结果", passed, "“通过”或“不通过”");
        let date = review_date(&mut c, default_date, today);
        let reason = c.text("原因");
        if verdict == Some(false) && reason.is_empty() {
            c.problem("原因", "审核不通过须写明原因：退回企业时告诉它为什么");
        }
        if let Some(code) = &code
            && let Some(first) = out.get(&code.as_string())
        {
            c.problem(
                "证书编号",
                format!(
                    "{} 重复：第 {} 行已有它的审核结果",
                    code.as_string(),
                    first.line
                ),
            );
        }
        if let (true, Some(code), Some(verdict), Some(date)) =
            (c.problems.is_empty(), code, verdict, date)
        {
            let decision = Decision {
                line: row.line,
                reviewed_on: date,
                refused: (!verdict).then(|| reason.to_string()),
            };
            out.insert(code.as_string(), decision);
        }
        problems.append(&mut c.problems);
    }
    (out, problems)
}

/// 审核日期: the row's or the default, not after today.
fn review_date(c: &mut Cells, default_date: Option<Date>, today: Date) -> Option<Date> {
    let text = c.text("审核日期");
    let date = if text.is_empty() {
        let Some(date) = default_date else {
            c.problem(
                "审核日期",
                "不能为空（或用 --reviewed-on 给出没有填写的行的审核日期）",
            );
            return None;
        };
        date
    } else {
        let Some(date) = parse_date(text) else {
            c.problem("审核日期", format!("“{text}”不是有效日期"));
            return None;
        };
        date
    };
    if date > today {
        c.problem("审核日期", format!("{date} 晚于今天 {today}"));
        return None;
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::table::read_table;

    #[test]
    fn passed_refused_and_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("decisions.csv");
        std::fs::write(
            &p,
            "沈阳市审核结果\n证书编号,审核结果,审核日期,原因\n\
             Y000021013002243000001,通过,2024-06-20,\n\
             Y000021013002243000002,不通过,2024/6/20,操作技能成绩不合格\n\
             Y000021013002243000003,通过,,\n\
             Y000021013002243000004,不通过,2024-06-20,\n\
             Y000021013002243000005,待定,2024-06-20,\n\
             Y000021013002243000001,通过,2024-06-21,\n\
             Y000021013002243000006,通过,2099-01-01,\n",
        )
        .unwrap();
        let table = read_table(&p, &looks_like_header).unwrap();
        let columns = Columns::map_specs(&table, COLUMNS, NAME).unwrap();
        let today = Date::new(2024, 7, 1).unwrap();
        let default = Some(Date::new(2024, 6, 25).unwrap());
        let (decisions, problems) = read(&table, &columns, default, today);
        assert_eq!(decisions.len(), 3);
        let d = &decisions["Y000021013002243000002"];
        assert_eq!(d.refused.as_deref(), Some("操作技能成绩不合格"));
        assert_eq!(d.reviewed_on.to_string(), "2024-06-20");
        let d = &decisions["Y000021013002243000003"];
        assert_eq!(
            (d.refused.clone(), d.reviewed_on.to_string()),
            (None, "2024-06-25".into())
        );
        let problems: Vec<String> = problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}",
                    p.line.unwrap(),
                    p.field.as_deref().unwrap(),
                    p.message
                )
            })
            .collect();
        assert_eq!(
            problems,
            [
                "6:原因:审核不通过须写明原因：退回企业时告诉它为什么",
                "7:审核结果:“待定”无法识别，应为“通过”或“不通过”",
                "8:证书编号:Y000021013002243000001 重复：第 3 行已有它的审核结果",
                "9:审核日期:2099-01-01 晚于今天 2024-07-01",
            ]
        );
        let (_, problems) = read(&table, &columns, None, today);
        assert!(problems.iter().any(|p| p.line == Some(5)
            && p.message.starts_with("不能为空（或用 --reviewed-on")));
    }
}
