//! A report as CSV and as a printable HTML page, with the workbook's cells
//! ([`super::xlsx`]): the same rows, the same text, in the same columns.

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::{Form, LEFT_OUT_HEADER, LEFT_OUT_TITLE, REPORT_TITLE, Report, SUBTOTAL, UNIT};
use crate::site::model::{CountRow, LEVEL_COLUMNS};

/// The page template.
const HTML_TEMPLATE: &str = include_str!("../../../site-templates/report/monthly.html");

/// Columns of a form: the first, five levels, 小计.
pub(super) const FORM_COLUMNS: usize = 7;

impl Form {
    /// 填报单位：…（章）.
    pub(super) fn filer_cell(&self) -> String {
        format!("填报单位：{}（章）", self.filer)
    }

    /// The header row.
    pub(super) fn header(&self) -> Vec<&str> {
        let mut h = vec![self.first_column];
        h.extend(LEVEL_COLUMNS);
        h.push(SUBTOTAL);
        h
    }

    /// Every row with its counts, the 合  计 row last.
    pub(super) fn rows(&self) -> impl Iterator<Item = &CountRow> {
        self.table.rows.iter().chain([&self.table.sum])
    }
}

impl Report {
    /// 统计月份：2024年6月.
    pub(super) fn month_cell(&self) -> String {
        format!("统计月份：{}", self.month_text())
    }

    /// The list's title: 未计入汇总的证书（2024年6月）.
    pub(super) fn left_out_title(&self) -> String {
        format!("{LEFT_OUT_TITLE}（{}）", self.month_text())
    }
}

/// The second line of a form, at the columns the workbook merges: 填报单位
/// over A-D, the month over E-F, the unit in G.
fn second_line(report: &Report, form: &Form) -> Vec<String> {
    let mut line = vec![String::new(); FORM_COLUMNS];
    line[0] = form.filer_cell();
    line[4] = report.month_cell();
    line[6] = UNIT.to_string();
    line
}

/// CSV in UTF-8 with BOM (Excel opens it as is): each form as the workbook
/// lays it out, a blank line between, then the list of what was left out.
pub(super) fn csv(report: &Report) -> Vec<u8> {
    let mut blocks: Vec<Vec<Vec<String>>> = Vec::new();
    for form in &report.forms {
        let mut b = vec![vec![REPORT_TITLE.to_string()], second_line(report, form)];
        b.push(form.header().iter().map(|s| s.to_string()).collect());
        for r in form.rows() {
            let mut cells = vec![r.label.clone()];
            cells.extend(r.levels.iter().map(usize::to_string));
            cells.push(r.total.to_string());
            b.push(cells);
        }
        b.extend(form.notes.iter().map(|n| vec![n.clone()]));
        blocks.push(b);
    }
    if !report.left_out.is_empty() {
        let mut b = vec![vec![report.left_out_title()]];
        b.push(LEFT_OUT_HEADER.iter().map(|s| s.to_string()).collect());
        for l in &report.left_out {
            b.push(l.cells().iter().map(|s| s.to_string()).collect());
        }
        blocks.push(b);
    }
    let mut out = crate::workbook::UTF8_BOM.to_vec();
    for (i, block) in blocks.iter().enumerate() {
        // A blank line between blocks (the csv crate writes an empty
        // record as `""`).
        if i > 0 {
            out.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for cells in block {
            // Writing to memory cannot fail.
            let _ = w.write_record(cells);
        }
        out.extend(w.into_inner().unwrap_or_default());
    }
    out
}

/// A printable HTML page, laid out as 附件7: each form on its own A4
/// landscape page, then the list of what was left out.
pub(super) fn html(report: &Report) -> String {
    let left_out: Vec<[&str; 6]> = report.left_out.iter().map(|l| l.cells()).collect();
    let ctx = context! {
        month => report.month_text(),
        filer => &report.form().filer,
        levels => Value::from(Serde(LEVEL_COLUMNS)),
        forms => Value::from(Serde(&report.forms)),
        left_out_title => report.left_out_title(),
        left_out_header => Value::from(Serde(LEFT_OUT_HEADER)),
        left_out => Value::from(Serde(&left_out)),
    };
    // The template is ours and the values are strings and numbers: a
    // failure here is a bug, not an input problem.
    crate::issuer::render_page("report/monthly.html", HTML_TEMPLATE, ctx)
        .expect("the report template renders")
}

#[cfg(test)]
mod tests {
    use super::super::{LeftOut, OCCUPATION_COLUMN};
    use super::*;
    use crate::site::model::CountTable;

    fn report() -> Report {
        let mut table = CountTable::from_items([
            ((1, None::<String>), "车工<i>".to_string(), 3),
            ((2, None), "焊工".to_string(), 5),
        ]);
        table.sum.label = "合  计".into();
        Report {
            month: "2024-06".into(),
            forms: vec![Form {
                sheet: "汇总表".into(),
                filer: "<b>A&B</b>".into(),
                first_column: OCCUPATION_COLUMN,
                table,
                notes: vec!["机构备案号：Y000021013002".into()],
            }],
            left_out: vec![LeftOut {
                code: "Y000021013002243000001".into(),
                occupation: "车工".into(),
                level: 3,
                issued_on: "2024-06-02".into(),
                reason: "已撤销（2024-07-01：<script>）".into(),
                source: "certs.jsonl:2".into(),
            }],
        }
    }

    #[test]
    fn html_escapes_names_and_lists_what_was_left_out() {
        let html = html(&report());
        assert!(
            !html.contains("<b>") && !html.contains("<i>") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("<title>企业职业技能等级认定结果汇总表 2024年6月 &lt;b&gt;A&amp;B&lt;&#x2f;b&gt;</title>"), "{html}");
        assert!(html.contains("<span>填报单位：&lt;b&gt;A&amp;B&lt;&#x2f;b&gt;（章）</span><span>统计月份：2024年6月</span><span>单位：人</span>"), "{html}");
        assert!(html.contains("<tr><th scope=\"row\">车工&lt;i&gt;</th><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>\n"), "{html}");
        assert!(html.contains("<tfoot><tr><th scope=\"row\">合  计</th><td>1</td><td>0</td><td>1</td><td>0</td><td>0</td><td>2</td></tr></tfoot>"), "{html}");
        assert!(
            html.contains("<h2>未计入汇总的证书（2024年6月）</h2>"),
            "{html}"
        );
        assert!(html.contains("<tr><td>Y000021013002243000001</td><td>车工</td><td>高级工（三级）</td><td>2024-06-02</td><td>已撤销（2024-07-01：&lt;script&gt;）</td><td>certs.jsonl:2</td></tr>"), "{html}");
    }

    #[test]
    fn csv_puts_each_cell_where_the_workbook_does() {
        let csv = String::from_utf8(csv(&report())).unwrap();
        assert_eq!(
            csv,
            "\u{feff}企业职业技能等级认定结果汇总表\n\
             填报单位：<b>A&B</b>（章）,,,,统计月份：2024年6月,,单位：人\n\
             职业（工种）名称,初级工（五级）,中级工（四级）,高级工（三级）,技师（二级）,高级技师（一级）,小计\n\
             车工<i>,0,0,1,0,0,1\n\
             焊工,1,0,0,0,0,1\n\
             合  计,1,0,1,0,0,2\n\
             机构备案号：Y000021013002\n\
             \n\
             未计入汇总的证书（2024年6月）\n\
             证书编号,职业（工种）名称,等级,发证日期,未计入原因,来源\n\
             Y000021013002243000001,车工,高级工（三级）,2024-06-02,已撤销（2024-07-01：<script>）,certs.jsonl:2\n"
        );
    }
}
