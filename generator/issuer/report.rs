//! `certsite report`: the monthly summary an enterprise files with its city
//! (附件7 企业职业技能等级认定结果汇总表), from the verified data.

use minijinja::context;
use minijinja::value::{Serde, Value};

use crate::site::model::{CountTable, LEVEL_COLUMNS};
use certsite_core::trust::chain::Chain;

/// The form's title, first in the CSV and the HTML: it also tells a report
/// `--out` may replace from any other file.
pub(crate) const REPORT_TITLE: &str = "企业职业技能等级认定结果汇总表";

/// Why a summary cannot be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReportError {
    /// The month is not `YYYY-MM`.
    #[error("月份“{0}”应写作 YYYY-MM，如 2024-06")]
    BadMonth(String),
    /// No verified directory entry has this filing number.
    #[error("机构 {0} 不在已签名的机构目录中")]
    UnknownInstitution(String),
}

/// The summary of one institution and month.
#[derive(Debug)]
pub(crate) struct MonthlyReport {
    /// 填报单位.
    pub institution: String,
    /// 机构备案号.
    pub filing_no: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Rows by 职业（工种）, with the 合计 row.
    pub table: CountTable,
    /// Of the certificates counted, how many were revoked since.
    pub revoked: usize,
}

/// The page template.
const HTML_TEMPLATE: &str = include_str!("../../site-templates/report/monthly.html");

/// Refuses a month not written `YYYY-MM` (before the data is read).
pub(crate) fn check_month(month: &str) -> Result<(), ReportError> {
    let valid_month = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].parse::<u16>().is_ok()
        && month[5..]
            .parse::<u8>()
            .is_ok_and(|m| (1..=12).contains(&m));
    if !valid_month {
        return Err(ReportError::BadMonth(month.to_string()));
    }
    Ok(())
}

/// Counts the certificates an institution issued in a month (`YYYY-MM`).
pub(crate) fn monthly(
    chain: &Chain,
    filing_no: &str,
    month: &str,
) -> Result<MonthlyReport, ReportError> {
    check_month(month)?;
    let inst = chain
        .newest(filing_no)
        .ok_or_else(|| ReportError::UnknownInstitution(filing_no.to_string()))?;
    let certs: Vec<_> = chain
        .certificates
        .values()
        .map(|c| &c.statement)
        .filter(|c| c.filing_no() == filing_no && c.issued_on.starts_with(month))
        .collect();
    let revoked = certs
        .iter()
        .filter(|c| chain.revocations.contains_key(&c.code))
        .count();
    let table = CountTable::from_items(certs.iter().map(|c| {
        let label = match &c.subtype {
            Some(s) => format!("{}（{s}）", c.occupation),
            None => c.occupation.clone(),
        };
        (
            (c.occupation_code.clone(), c.subtype.clone()),
            label,
            c.level,
        )
    }));
    Ok(MonthlyReport {
        institution: inst.statement.name.clone(),
        filing_no: filing_no.to_string(),
        month: month.to_string(),
        table,
        revoked,
    })
}

impl MonthlyReport {
    fn month_text(&self) -> String {
        format!(
            "{}年{}月",
            &self.month[..4],
            self.month[5..].trim_start_matches('0')
        )
    }

    /// CSV in UTF-8 with BOM (Excel opens it as is), laid out as 附件7.
    pub(crate) fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let row = |w: &mut csv::Writer<Vec<u8>>, cells: Vec<String>| {
            w.write_record(&cells).expect("in-memory CSV")
        };
        row(&mut w, vec![REPORT_TITLE.into()]);
        row(
            &mut w,
            vec![format!(
                "填报单位：{}（机构备案号 {}）",
                self.institution, self.filing_no
            )],
        );
        row(
            &mut w,
            vec![
                format!("统计月份：{}", self.month_text()),
                "单位：人".into(),
            ],
        );
        let mut header = vec!["职业（工种）名称".to_string()];
        header.extend(LEVEL_COLUMNS.iter().map(|s| s.to_string()));
        header.push("小计".into());
        row(&mut w, header);
        for r in self
            .table
            .rows
            .iter()
            .chain(std::iter::once(&self.table.sum))
        {
            let label = if r.label == "合计" {
                "合  计".to_string()
            } else {
                r.label.clone()
            };
            let mut cells = vec![label];
            cells.extend(r.levels.iter().map(usize::to_string));
            cells.push(r.total.to_string());
            row(&mut w, cells);
        }
        if self.revoked > 0 {
            row(
                &mut w,
                vec![format!("注：其中 {} 份证书此后已撤销。", self.revoked)],
            );
        }
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend(w.into_inner().expect("in-memory CSV"));
        out
    }

    /// A printable HTML page, laid out as 附件7.
    pub(crate) fn to_html(&self) -> String {
        let ctx = context! {
            institution => &self.institution,
            filing_no => &self.filing_no,
            month => self.month_text(),
            levels => Value::from(Serde(LEVEL_COLUMNS)),
            table => Value::from(Serde(&self.table)),
            revoked => self.revoked,
        };
        // The template is ours and the values are strings and numbers: a
        // failure here is a bug, not an input problem.
        super::render_page("report/monthly.html", HTML_TEMPLATE, ctx)
            .expect("the report template renders")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_names_and_notes_revocations() {
        let report = MonthlyReport {
            institution: "<b>A&B</b>".into(),
            filing_no: "Y000021013002".into(),
            month: "2024-06".into(),
            table: CountTable::from_items([
                ((1, None::<String>), "车工<i>".to_string(), 3),
                ((2, None), "焊工".to_string(), 5),
            ]),
            revoked: 1,
        };
        let html = report.to_html();
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
        assert!(html.contains("<title>企业职业技能等级认定结果汇总表 2024年6月 &lt;b&gt;A&amp;B&lt;&#x2f;b&gt;</title>"), "{html}");
        assert!(html.contains("<tr><th scope=\"row\">车工&lt;i&gt;</th><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>\n"), "{html}");
        assert!(html.contains("<tfoot><tr><th scope=\"row\">合  计</th><td>1</td><td>0</td><td>1</td><td>0</td><td>0</td><td>2</td></tr></tfoot>"), "{html}");
        assert!(
            html.contains("</table>\n<p>注：其中 1 份证书此后已撤销。</p>\n</body>\n</html>\n"),
            "{html}"
        );
    }
}
