//! Revocation lists: which certificate, from when, and why.

use jiff::civil::Date;

use super::{Cells, ColumnSpec, Columns, InputKind, column_for};
use crate::input::table::Table;
use certsite_core::constants::STATEMENT_VERSION;
use certsite_core::domain::dates::parse_date;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::Revocation;

/// Columns of a revocation list.
pub(crate) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("证书编号", &["证书编码", "证书号"]),
    ColumnSpec::required("撤销日期", &["注销日期", "撤销时间"]),
    ColumnSpec::required("撤销原因", &["原因", "注销原因"]),
    ColumnSpec::optional("序号", &[]),
];

/// Reads every row into revocation statements, each checked by the rules
/// the chain applies to a signed one ([`Revocation::check`]).
pub(crate) fn read(
    table: &Table,
    columns: &Columns,
    today: Date,
) -> (Vec<(usize, Revocation)>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for row in &table.rows {
        let mut c = Cells::new(table, columns, row);
        let code = c.certificate_code("证书编号");
        let date = c.parsed("撤销日期", parse_date, "日期（如 2025-01-02）");
        let reason = c.required("撤销原因");
        if let (Some(code), Some(date), Some(reason)) = (code, date, reason) {
            let draft = Revocation {
                v: STATEMENT_VERSION,
                code: code.as_string(),
                revoked_on: date.to_string(),
                reason: reason.to_string(),
            };
            for p in draft
                .check()
                .into_iter()
                .chain(draft.check_not_future(today))
            {
                c.problem(column_for(InputKind::Revocations, &p.field), p.message);
            }
            if c.problems.is_empty() {
                out.push((row.line, draft));
            }
        }
        problems.append(&mut c.problems);
    }
    (out, problems)
}
