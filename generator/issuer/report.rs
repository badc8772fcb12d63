//! `certsite report`: the monthly summary an enterprise files with its city
//! (附件7 企业职业技能等级认定结果汇总表), from the verified data.

use crate::site::model::{CountTable, LEVEL_COLUMNS};
use crate::trust::chain::Chain;

/// The summary of one institution and month.
#[derive(Debug)]
pub struct MonthlyReport {
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

/// Counts the certificates an institution issued in a month (`YYYY-MM`).
pub fn monthly(chain: &Chain, filing_no: &str, month: &str) -> Result<MonthlyReport, String> {
    let valid_month = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].parse::<u16>().is_ok()
        && month[5..]
            .parse::<u8>()
            .is_ok_and(|m| (1..=12).contains(&m));
    if !valid_month {
        return Err(format!("月份“{month}”应写作 YYYY-MM，如 2024-06"));
    }
    let inst = chain
        .institutions
        .get(filing_no)
        .ok_or_else(|| format!("机构 {filing_no} 不在已签名的机构目录中"))?;
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
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let row = |w: &mut csv::Writer<Vec<u8>>, cells: Vec<String>| {
            w.write_record(&cells).expect("in-memory CSV")
        };
        row(&mut w, vec!["企业职业技能等级认定结果汇总表".into()]);
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
    pub fn to_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut rows = String::new();
        for r in &self.table.rows {
            rows += &format!("<tr><th scope=\"row\">{}</th>", esc(&r.label));
            for n in r.levels {
                rows += &format!("<td>{n}</td>");
            }
            rows += &format!("<td>{}</td></tr>\n", r.total);
        }
        let mut sum = String::from("<tr><th scope=\"row\">合  计</th>");
        for n in self.table.sum.levels {
            sum += &format!("<td>{n}</td>");
        }
        sum += &format!("<td>{}</td></tr>", self.table.sum.total);
        let head: String = LEVEL_COLUMNS
            .iter()
            .map(|c| format!("<th scope=\"col\">{c}</th>"))
            .collect();
        let note = if self.revoked > 0 {
            format!("<p>注：其中 {} 份证书此后已撤销。</p>", self.revoked)
        } else {
            String::new()
        };
        format!(
            "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>企业职业技能等级认定结果汇总表 {month} {name}</title>\n\
             <style>body{{font-family:\"STKaiti\",\"KaiTi\",\"AR PL UKai CN\",serif;margin:2cm}}h1{{text-align:center;font-size:18pt}}\
             table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #000;padding:4pt 6pt}}td{{text-align:right}}\
             .meta{{display:flex;justify-content:space-between}}</style>\n</head>\n<body>\n\
             <h1>企业职业技能等级认定结果汇总表</h1>\n<p class=\"meta\"><span>填报单位：{name}（章）</span><span>机构备案号：{filing}</span></p>\n\
             <p class=\"meta\"><span>统计月份：{month}</span><span>单位：人</span></p>\n\
             <table>\n<thead><tr><th scope=\"col\">职业（工种）名称</th>{head}<th scope=\"col\">小计</th></tr></thead>\n<tbody>\n{rows}</tbody>\n<tfoot>{sum}</tfoot>\n</table>\n{note}\n</body>\n</html>\n",
            month = self.month_text(),
            name = esc(&self.institution),
            filing = self.filing_no,
        )
    }
}
