//! The cities' review authorities (各市公共就业服务机构主管部门, notice
//! 四(四)1-2), as the root lists them: one row per signing key.
//!
//! - 市代码: the city as filing numbers and certificate codes encode it in
//!   their 8th-9th characters, two digits (`01` 沈阳市 … `14` 葫芦岛市);
//! - 审核机构名称: the authority, e.g. `沈阳市公共就业服务机构主管部门`;
//! - 签名公钥: one key, the base64 public key or the path of a `.pub` file
//!   (relative to the table);
//! - 有效期自, 有效期至: the key's window (the days its reviews may be
//!   signed); an empty 有效期至 leaves the key open;
//! - 审核要求起始日 (optional): the cut-over, before which a certificate of
//!   the city needs no review.
//!
//! Several rows of one 市代码 are several keys of one city (a rotation); a
//! row without 市代码 and 审核机构名称 is another key of the city above
//! (merged cells). The statement's date is `--date`, as for the directory.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use super::{Cells, ColumnSpec, Columns, directory};
use crate::input::table::Table;
use certsite_core::constants::STATEMENT_VERSION;
use certsite_core::domain::dates::parse_date;
use certsite_core::domain::text::fold_compact;
use certsite_core::trust::city::City;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::KeyEntry;

/// Columns of the cities table.
pub(crate) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::optional("序号", &[]),
    ColumnSpec::required("市代码", &["城市代码"]),
    ColumnSpec::required("审核机构名称", &["审核机构", "审核部门"]),
    ColumnSpec::required("签名公钥", &["公钥"]),
    ColumnSpec::required("有效期自", &["生效日期", "密钥生效日期"]),
    ColumnSpec::optional("有效期至", &["失效日期", "密钥失效日期"]),
    ColumnSpec::optional("审核要求起始日", &["审核起始日", "审核要求起始日期"]),
    ColumnSpec::optional("备注", &[]),
];

/// What the rows of one city say, with the line each value came from.
#[derive(Default)]
struct Draft {
    first_line: usize,
    lines: Vec<usize>,
    authority: Option<(String, usize)>,
    reviews_from: Option<(Date, usize)>,
    keys: Vec<KeyEntry>,
}

/// Reads the table into city statements dated `issued_on`, each with the
/// lines of its rows.
pub(crate) fn read(
    table: &Table,
    columns: &Columns,
    issued_on: Date,
) -> (Vec<(City, Vec<usize>)>, Vec<Problem>) {
    let base = table.path.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    // Which city holds each key: one key belongs to one city.
    let mut owners: BTreeMap<String, (String, usize)> = BTreeMap::new();
    // The city of the row above, for a row that continues it; `Err` after
    // a row whose 市代码 is wrong (its continuation rows are not read).
    let mut current: Result<Option<String>, ()> = Ok(None);
    for row in &table.rows {
        let mut c = Cells::new(table, columns, row);
        let code_text = c.text("市代码");
        let authority = c.text("审核机构名称");
        let code = if code_text.is_empty() && authority.is_empty() {
            match &current {
                Ok(Some(code)) => code.clone(),
                Ok(None) => {
                    c.problem("市代码", "第一条记录缺少市代码");
                    problems.append(&mut c.problems);
                    continue;
                }
                Err(()) => continue,
            }
        } else {
            match city_code(code_text) {
                Ok(code) => code,
                Err(why) => {
                    c.problem("市代码", why);
                    problems.append(&mut c.problems);
                    current = Err(());
                    continue;
                }
            }
        };
        current = Ok(Some(code.clone()));
        let draft = drafts.entry(code.clone()).or_insert_with(|| Draft {
            first_line: row.line,
            ..Draft::default()
        });
        draft.lines.push(row.line);
        add_city_columns(&mut c, draft, authority);
        if let Some(key) = read_key(&mut c, base) {
            match owners.get(&key.kid) {
                Some((owner, line)) if *owner == code => c.problem(
                    "签名公钥",
                    format!("密钥 {} 重复（第 {line} 行已列出）", key.kid),
                ),
                Some((owner, line)) => c.problem(
                    "签名公钥",
                    format!(
                        "密钥 {} 已是市代码 {owner} 的审核密钥（第 {line} 行）：一把密钥只属于一个市",
                        key.kid
                    ),
                ),
                None => {
                    owners.insert(key.kid.clone(), (code.clone(), row.line));
                    draft.keys.push(key);
                }
            }
        }
        problems.append(&mut c.problems);
    }
    let out = finish(table, drafts, issued_on, &mut problems);
    (out, problems)
}

/// The statement of each city whose rows gave a key and an authority.
fn finish(
    table: &Table,
    drafts: BTreeMap<String, Draft>,
    issued_on: Date,
    problems: &mut Vec<Problem>,
) -> Vec<(City, Vec<usize>)> {
    let mut out = Vec::new();
    for (code, draft) in drafts {
        // Every key of the city was refused, each with its problem.
        if draft.keys.is_empty() {
            continue;
        }
        let Some((authority, _)) = draft.authority else {
            problems.push(Problem::field(
                &table.path,
                draft.first_line,
                "审核机构名称",
                format!("市代码 {code} 缺少审核机构名称"),
            ));
            continue;
        };
        let mut keys = draft.keys;
        keys.sort_by(|a, b| (&a.valid_from, &a.kid).cmp(&(&b.valid_from, &b.kid)));
        let city = City {
            v: STATEMENT_VERSION,
            city_code: code,
            authority,
            keys,
            reviews_from: draft.reviews_from.map(|(d, _)| d.to_string()),
            issued_on: issued_on.to_string(),
        };
        out.push((city, draft.lines));
    }
    out
}

/// A 市代码 cell: two digits, `01`-`99` (full-width digits read as ASCII).
fn city_code(text: &str) -> Result<String, String> {
    let code = fold_compact(text);
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) && code != "00" {
        return Ok(code);
    }
    let mut why = format!("“{text}”不是市代码：应为两位数字 01-99（证书编码第8-9位，如沈阳市 01）");
    if code.len() == 1 && code.bytes().all(|b| b.is_ascii_digit()) {
        why.push_str("；Excel 会把 01 存成数字 1：请把这一列设为文本");
    }
    Err(why)
}

/// 审核机构名称 and 审核要求起始日: given once for the city, or repeated
/// identically on its rows.
fn add_city_columns(c: &mut Cells, draft: &mut Draft, authority: &str) {
    let line = c.row.line;
    if !authority.is_empty() {
        match &draft.authority {
            Some((old, at)) if old != authority => c.problem(
                "审核机构名称",
                format!("“{authority}”与第 {at} 行同一市的“{old}”不一致"),
            ),
            Some(_) => {}
            None => draft.authority = Some((authority.to_string(), line)),
        }
    }
    let from_text = c.text("审核要求起始日");
    if from_text.is_empty() {
        return;
    }
    let Some(from) = parse_date(from_text) else {
        c.problem("审核要求起始日", format!("“{from_text}”不是有效日期"));
        return;
    };
    match draft.reviews_from {
        Some((old, at)) if old != from => c.problem(
            "审核要求起始日",
            format!("{from} 与第 {at} 行同一市的 {old} 不一致"),
        ),
        Some(_) => {}
        None => draft.reviews_from = Some((from, line)),
    }
}

/// The row's key: 签名公钥 with its window 有效期自 … 有效期至.
fn read_key(c: &mut Cells, base: &Path) -> Option<KeyEntry> {
    let key_text = c.required("签名公钥");
    let from = c.parsed("有效期自", parse_date, "日期（如 2026-01-01）");
    let until_text = c.text("有效期至");
    let until = if until_text.is_empty() {
        None
    } else {
        let until = parse_date(until_text);
        if until.is_none() {
            c.problem("有效期至", format!("“{until_text}”不是有效日期"));
            return None;
        }
        until
    };
    let key = match directory::parse_public_key(key_text?, base) {
        Ok(key) => key,
        Err(why) => {
            c.problem("签名公钥", why);
            return None;
        }
    };
    let from = from?;
    if let Some(until) = until
        && until < from
    {
        c.problem(
            "有效期至",
            format!("{until} 早于有效期自 {from}：密钥的有效期不能在开始之前结束"),
        );
        return None;
    }
    Some(KeyEntry::new(
        &key,
        from.to_string(),
        until.map(|u| u.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::roster::InputKind;
    use crate::input::table::read_table;
    use certsite_core::trust::keys::SecretKey;

    fn key(n: u8) -> String {
        SecretKey::from_seed([n; 32]).public().to_base64()
    }

    fn read_csv(body: &str) -> (Vec<City>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cities.csv");
        let header = "市代码,审核机构名称,签名公钥,有效期自,有效期至,审核要求起始日\n";
        std::fs::write(&p, format!("{header}{body}")).unwrap();
        let table = read_table(&p, &InputKind::looks_like_header).unwrap();
        assert_eq!(InputKind::detect(&table.headers), Some(InputKind::Cities));
        let cols = Columns::map(&table, InputKind::Cities).unwrap();
        let (cities, problems) = read(&table, &cols, Date::new(2026, 1, 5).unwrap());
        let cities = cities.into_iter().map(|(c, _)| c).collect();
        let problems = problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}",
                    p.line.unwrap_or(0),
                    p.field.as_deref().unwrap_or(""),
                    p.message
                )
            })
            .collect();
        (cities, problems)
    }

    #[test]
    fn repeated_and_merged_rows_are_keys_of_one_city() {
        let body = format!(
            "01,沈阳市公共就业服务机构主管部门,{k1},2020-01-01,2025-12-31,2026-01-01\n\
             ,,{k2},2026-01-01,,\n\
             ０２,大连市公共就业服务机构主管部门,{k3},2026年1月1日,,\n\
             01,沈阳市公共就业服务机构主管部门,{k4},2026-06-01,,2026-01-01\n",
            k1 = key(1),
            k2 = key(2),
            k3 = key(3),
            k4 = key(4)
        );
        let (cities, problems) = read_csv(&body);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(cities.len(), 2);
        let shenyang = &cities[0];
        assert_eq!(shenyang.city_code, "01");
        assert_eq!(shenyang.keys.len(), 3);
        assert_eq!(shenyang.keys[0].valid_until.as_deref(), Some("2025-12-31"));
        assert_eq!(shenyang.reviews_from.as_deref(), Some("2026-01-01"));
        assert_eq!(shenyang.issued_on, "2026-01-05");
        assert_eq!(shenyang.check(), vec![]);
        assert_eq!(cities[1].city_code, "02");
        assert_eq!(cities[1].reviews_from, None);
    }

    #[test]
    fn every_problem_is_named_by_line_and_column() {
        let body = format!(
            "1,沈阳市公共就业服务机构主管部门,{k1},2026-01-01,,\n\
             00,某市,{k2},2026-01-01,,\n\
             03,,{k3},2026-01-01,,\n\
             04,本溪市审核机构,not-a-key,2026-01-01,,\n\
             05,丹东市审核机构,{k4},2026-02-01,2026-01-31,\n\
             06,锦州市审核机构,{k1},2026-01-01,,\n\
             06,锦州市另一机构,{k5},2026-01-01,,\n\
             07,营口市审核机构,{k4},,,\n",
            k1 = key(1),
            k2 = key(2),
            k3 = key(3),
            k4 = key(4),
            k5 = key(5)
        );
        let (cities, problems) = read_csv(&body);
        assert_eq!(
            cities
                .iter()
                .map(|c| c.city_code.as_str())
                .collect::<Vec<_>>(),
            ["06"]
        );
        assert_eq!(
            problems,
            [
                "2:市代码:“1”不是市代码：应为两位数字 01-99（证书编码第8-9位，如沈阳市 01）；Excel 会把 01 存成数字 1：请把这一列设为文本",
                "3:市代码:“00”不是市代码：应为两位数字 01-99（证书编码第8-9位，如沈阳市 01）",
                "5:签名公钥:“not-a-key”不是有效的公钥：不是标准 base64 编码：第 4 个字符“-”不是 base64 字符",
                "6:有效期至:2026-01-31 早于有效期自 2026-02-01：密钥的有效期不能在开始之前结束",
                "8:审核机构名称:“锦州市另一机构”与第 7 行同一市的“锦州市审核机构”不一致",
                "9:有效期自:不能为空",
                "4:审核机构名称:市代码 03 缺少审核机构名称",
            ]
        );
    }
}
