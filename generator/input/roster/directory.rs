//! The enterprise directory (职业技能等级认定企业目录, 附件4): one row per
//! occupation, institution columns filled on the first row of each
//! institution (merged cells in the notice's form) or repeated on every row.
//!
//! Beyond 附件4's columns the authority adds the filing dates and the
//! institution's signing keys, in these columns:
//! - 备案日期: date of approval (备案回执);
//! - 有效期至: last valid day; empty means 3 years from approval, less a day;
//! - 签名公钥: one or more keys separated by `;` or line breaks, each
//!   `KEY [FROM[~UNTIL]]`, where KEY is the base64 public key or the path of
//!   a `.pub` file (relative to the table), FROM defaults to the approval date
//!   and an absent UNTIL leaves the key open. Keys may sit on any row of the
//!   institution.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use super::{Cells, ColumnSpec, Columns};
use crate::input::table::Table;
use certsite_core::constants::{FILING_VALIDITY_YEARS, STATEMENT_VERSION};
use certsite_core::domain::code::{City, FilingNo};
use certsite_core::domain::dates::{end_of_period, parse_date};
use certsite_core::domain::level::LevelRange;
use certsite_core::domain::occupation::{Catalogue, OccupationError};
use certsite_core::domain::text::is_none_marker;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::{Institution, KeyEntry, ScopeEntry};

/// Columns of the directory table.
pub(crate) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::optional("序号", &[]),
    ColumnSpec::required("企业名称", &["机构名称", "单位名称"]),
    ColumnSpec::optional("详细地址", &["地址"]),
    ColumnSpec::optional("联系人", &[]),
    ColumnSpec::optional("联系方式", &["联系电话", "电话"]),
    ColumnSpec::required("机构备案号", &["备案号"]),
    ColumnSpec::required("职业名称", &["职业"]),
    ColumnSpec::optional("工种名称", &["工种"]),
    ColumnSpec::required("职业编码", &["职业代码"]),
    ColumnSpec::required("等级范围", &["认定等级", "等级"]),
    ColumnSpec::optional("市别", &["所在市", "城市"]),
    ColumnSpec::required("备案日期", &["批准日期", "备案时间"]),
    ColumnSpec::optional("有效期至", &["资质有效期至", "有效期"]),
    ColumnSpec::required("签名公钥", &["公钥"]),
    ColumnSpec::optional("备注", &[]),
];

/// Institution-level columns: written once per institution, or repeated identically.
const INSTITUTION_COLUMNS: [&str; 7] = [
    "企业名称",
    "详细地址",
    "联系人",
    "联系方式",
    "备案日期",
    "有效期至",
    "市别",
];

#[derive(Default)]
struct Draft {
    first_line: usize,
    lines: Vec<usize>,
    fields: BTreeMap<&'static str, (String, usize)>,
    occupations: Vec<ScopeEntry>,
    keys: Vec<(String, usize)>,
}

/// Reads the directory into institution statements dated `issued_on`, each
/// with the lines of all its rows. `.pub` paths resolve against the table's folder.
pub(crate) fn read(
    table: &Table,
    columns: &Columns,
    catalogue: &Catalogue,
    issued_on: Date,
) -> (Vec<(Institution, Vec<usize>)>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for row in &table.rows {
        let mut c = Cells::new(table, columns, row);
        let Some(filing) = row_filing(&mut c, current.as_deref()) else {
            problems.append(&mut c.problems);
            current = None;
            continue;
        };
        current = Some(filing.clone());
        let draft = drafts.entry(filing.clone()).or_insert_with(|| {
            order.push(filing.clone());
            Draft {
                first_line: row.line,
                ..Draft::default()
            }
        });
        draft.lines.push(row.line);
        add_row(&mut c, draft, row.line);
        if let Some(scope) = read_scope(&mut c, catalogue) {
            if draft
                .occupations
                .iter()
                .any(|o| o.code == scope.code && o.subtype == scope.subtype)
            {
                c.problem("职业编码", "同一机构的职业（工种）重复出现");
            } else {
                draft.occupations.push(scope);
            }
        }
        problems.append(&mut c.problems);
    }
    let base = table.path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for filing in order {
        let draft = &drafts[&filing];
        match finish(table, &filing, draft, base, issued_on) {
            Ok(inst) => out.push((inst, draft.lines.clone())),
            Err(mut p) => problems.append(&mut p),
        }
    }
    (out, problems)
}

/// The filing number a row belongs to: its own, or, on a row without
/// filing number and name, the institution's above (merged cells).
fn row_filing(c: &mut Cells, current: Option<&str>) -> Option<String> {
    let filing_text = c.text("机构备案号");
    let name_text = c.text("企业名称");
    if filing_text.is_empty() && name_text.is_empty() {
        if current.is_none() {
            c.problem("机构备案号", "第一条记录缺少机构备案号");
        }
        return current.map(str::to_string);
    }
    match FilingNo::parse(filing_text) {
        Ok(f) => Some(f.as_string()),
        Err(e) => {
            c.problem("机构备案号", e.to_string());
            None
        }
    }
}

/// Adds a row's institution columns (each must agree with the rows above)
/// and its keys to the institution's draft.
fn add_row(c: &mut Cells, draft: &mut Draft, line: usize) {
    for col in INSTITUTION_COLUMNS {
        let value = c.text(col);
        if value.is_empty() {
            continue;
        }
        match draft.fields.get(col) {
            Some((old, line)) if old != value => c.problem(
                col,
                format!("“{value}”与第 {line} 行同一机构的“{old}”不一致"),
            ),
            Some(_) => {}
            None => {
                draft.fields.insert(col, (value.to_string(), line));
            }
        }
    }
    let keys = c.text("签名公钥");
    for part in keys
        .split([';', '；', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        draft.keys.push((part.to_string(), line));
    }
}

fn read_scope(c: &mut Cells, catalogue: &Catalogue) -> Option<ScopeEntry> {
    let name = c.required("职业名称")?;
    let code = c.required("职业编码")?;
    let subtype_text = c.text("工种名称");
    let subtype = (!is_none_marker(subtype_text)).then(|| subtype_text.to_string());
    let range = c.parsed(
        "等级范围",
        LevelRange::parse,
        "如 五级-三级、初级工至高级工 或 5-3",
    );
    let occ = match catalogue.check(code, name, subtype.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            let col = match e {
                OccupationError::NameMismatch { .. } | OccupationError::AccessControlled(_) => {
                    "职业名称"
                }
                _ => "职业编码",
            };
            c.problem(col, e.to_string());
            return None;
        }
    };
    let range = range?;
    Some(ScopeEntry {
        name: occ.name.clone(),
        subtype,
        code: occ.code.clone(),
        lowest_level: i64::from(range.lowest.digit()),
        highest_level: i64::from(range.highest.digit()),
    })
}

fn finish(
    table: &Table,
    filing: &str,
    d: &Draft,
    base: &Path,
    issued_on: Date,
) -> Result<Institution, Vec<Problem>> {
    let mut problems = Vec::new();
    let path = &table.path;
    let field = |col: &str| d.fields.get(col).map(|(v, _)| v.clone());
    let line_of = |col: &str| d.fields.get(col).map_or(d.first_line, |(_, l)| *l);
    let f = FilingNo::parse(filing).expect("parsed before");
    let name = field("企业名称");
    if name.is_none() {
        problems.push(Problem::field(
            path,
            d.first_line,
            "企业名称",
            format!("机构 {filing} 缺少企业名称"),
        ));
    }
    if let Some(city) = field("市别")
        && City::from_name(&city) != Some(f.city)
    {
        problems.push(Problem::field(
            path,
            line_of("市别"),
            "市别",
            format!(
                "为“{city}”，但机构备案号 {filing} 第8-9位表示{}",
                f.city.name()
            ),
        ));
    }
    let (approved, until) = filing_period(path, filing, d, &mut problems);
    if d.occupations.is_empty() {
        problems.push(Problem::line(
            path,
            d.first_line,
            format!("机构 {filing} 没有有效的职业（工种）行"),
        ));
    }
    let mut keys = key_entries(path, filing, d, base, approved, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (approved, until) = (approved.unwrap(), until.unwrap());
    let mut occupations = d.occupations.clone();
    occupations.sort();
    keys.sort_by(|a, b| (&a.valid_from, &a.kid).cmp(&(&b.valid_from, &b.kid)));
    Ok(Institution {
        v: STATEMENT_VERSION,
        filing_no: filing.to_string(),
        name: name.unwrap(),
        city: f.city.name().to_string(),
        kind: f.kind.name().to_string(),
        address: field("详细地址"),
        contact: field("联系人"),
        phone: field("联系方式"),
        approved_on: approved.to_string(),
        valid_until: until.to_string(),
        occupations,
        keys,
        issued_on: issued_on.to_string(),
    })
}

/// 备案日期 and 有效期至 (3 years less a day from approval when not given).
fn filing_period(
    path: &Path,
    filing: &str,
    d: &Draft,
    problems: &mut Vec<Problem>,
) -> (Option<Date>, Option<Date>) {
    let field = |col: &str| d.fields.get(col).map(|(v, _)| v.clone());
    let line_of = |col: &str| d.fields.get(col).map_or(d.first_line, |(_, l)| *l);
    let date = |col: &str, problems: &mut Vec<Problem>| -> Option<Date> {
        let text = field(col)?;
        let d = parse_date(&text);
        if d.is_none() {
            problems.push(Problem::field(
                path,
                line_of(col),
                col,
                format!("“{text}”不是有效日期"),
            ));
        }
        d
    };
    let approved = date("备案日期", problems);
    if approved.is_none() && field("备案日期").is_none() {
        problems.push(Problem::field(
            path,
            d.first_line,
            "备案日期",
            format!("机构 {filing} 缺少备案日期"),
        ));
    }
    let until = match field("有效期至") {
        Some(_) => date("有效期至", problems),
        None => approved.and_then(|a| end_of_period(a, FILING_VALIDITY_YEARS)),
    };
    if let (Some(a), Some(u)) = (approved, until)
        && u < a
    {
        problems.push(Problem::field(
            path,
            line_of("有效期至"),
            "有效期至",
            format!("{u} 早于备案日期 {a}"),
        ));
    }
    (approved, until)
}

/// The 签名公钥 entries of an institution, each checked, none repeated.
fn key_entries(
    path: &Path,
    filing: &str,
    d: &Draft,
    base: &Path,
    approved: Option<Date>,
    problems: &mut Vec<Problem>,
) -> Vec<KeyEntry> {
    let mut keys = Vec::new();
    for (text, line) in &d.keys {
        match parse_key_entry(text, base, approved) {
            Ok(k) if keys.iter().any(|o: &KeyEntry| o.kid == k.kid) => problems.push(
                Problem::field(path, *line, "签名公钥", format!("密钥 {} 重复", k.kid)),
            ),
            Ok(k) => keys.push(k),
            Err(e) => problems.push(Problem::field(path, *line, "签名公钥", e)),
        }
    }
    if d.keys.is_empty() {
        problems.push(Problem::field(
            path,
            d.first_line,
            "签名公钥",
            format!("机构 {filing} 没有签名公钥"),
        ));
    }
    keys
}

/// A public key as a spreadsheet cell gives it: base64, or the path of a
/// `.pub` file relative to the table's folder `base`.
pub(crate) fn parse_public_key(text: &str, base: &Path) -> Result<PublicKey, String> {
    if text.ends_with(".pub") {
        crate::key_files::read_public(&base.join(text)).map_err(|e| e.to_string())
    } else {
        PublicKey::from_base64(text).map_err(|e| format!("“{text}”不是有效的公钥：{e}"))
    }
}

/// Reads `KEY [FROM[~UNTIL]]` (see the module docs).
pub(crate) fn parse_key_entry(
    text: &str,
    base: &Path,
    approved: Option<Date>,
) -> Result<KeyEntry, String> {
    let mut parts = text.splitn(2, char::is_whitespace);
    let key_text = parts.next().unwrap_or("");
    let window = parts.next().unwrap_or("").trim();
    let key = parse_public_key(key_text, base)?;
    let (from_text, until_text) = match window.split_once(['~', '～', '至']) {
        Some((a, b)) => (a.trim(), Some(b.trim())),
        None => (window, None),
    };
    let from = if from_text.is_empty() {
        approved.ok_or("缺少生效日期（备案日期也无效）")?
    } else {
        parse_date(from_text).ok_or_else(|| format!("生效日期“{from_text}”无效"))?
    };
    let until = match until_text.filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(parse_date(t).ok_or_else(|| format!("失效日期“{t}”无效"))?),
    };
    if until.is_some_and(|u| u < from) {
        return Err(format!("失效日期早于生效日期 {from}"));
    }
    Ok(KeyEntry::new(
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

    fn read_csv(body: &str) -> (Vec<Institution>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("dir.csv");
        let header = "序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n";
        std::fs::write(&p, format!("职业技能等级认定企业目录\n{header}{body}")).unwrap();
        let table = read_table(&p, &InputKind::looks_like_header).unwrap();
        let cols = Columns::map(&table, InputKind::Directory).unwrap();
        let (insts, problems) = read(
            &table,
            &cols,
            Catalogue::builtin(),
            Date::new(2024, 1, 1).unwrap(),
        );
        let insts = insts.into_iter().map(|(i, _)| i).collect();
        let problems = problems
            .iter()
            .map(|p| format!("{}:{}", p.line.unwrap_or(0), p.message))
            .collect();
        (insts, problems)
    }

    #[test]
    fn merged_rows_as_in_the_notice_form() {
        let body = format!(
            "1,沈阳鼓风机集团股份有限公司,示例地址,示例联系人,示例电话,Y000021013002,车工,——,6-18-01-01,五级-三级,2020-06-01,,{k1} 2020-06-01~2023-12-31\n\
             ,,,,,,焊工,,6-18-02-04,初级工至技师,,,{k2} 2024-01-01\n\
             ,,,,,,装配钳工,,6-20-01-01,5-3,,,\n",
            k1 = key(1),
            k2 = key(2)
        );
        let (insts, problems) = read_csv(&body);
        assert_eq!(problems, Vec::<String>::new());
        let i = &insts[0];
        assert_eq!(i.filing_no, "Y000021013002");
        assert_eq!(i.city, "沈阳市");
        assert_eq!(i.kind, "市属企业");
        assert_eq!(i.valid_until, "2023-05-31");
        assert_eq!(i.occupations.len(), 3);
        let welder = i.occupations.iter().find(|o| o.name == "焊工").unwrap();
        assert_eq!((welder.lowest_level, welder.highest_level), (5, 2));
        assert_eq!(i.keys.len(), 2);
        assert_eq!(i.keys[0].valid_until.as_deref(), Some("2023-12-31"));
        assert_eq!(i.keys[1].valid_until, None);
        assert_eq!(i.issued_on, "2024-01-01");
        assert_eq!(i.check(Catalogue::builtin()), vec![]);
    }

    #[test]
    fn every_problem_is_named() {
        let body = format!(
            "1,甲公司,,,,Y000021016001,车工,,6-18-01-01,五级-六级,2020-06-01,,{k}\n\
             ,,,,,,保安员,,4-07-05-01,5-3,,,\n\
             2,乙公司,,,,Y000021013003,车工,,6-18-01-01,5-3,2020-06-01,,not-a-key\n\
             ,乙公司二,,,,Y000021013003,铣工,,6-18-01-02,5-3,,,\n",
            k = key(1)
        );
        let (insts, problems) = read_csv(&body);
        assert!(insts.is_empty());
        assert_eq!(
            problems,
            [
                "3:“五级-六级”无法识别，应为如 五级-三级、初级工至高级工 或 5-3",
                "4:“保安员”属于准入类职业（工种），不纳入企业技能等级认定范围",
                "6:“乙公司二”与第 5 行同一机构的“乙公司”不一致",
                "3:机构 Y000021016001 没有有效的职业（工种）行",
                "5:“not-a-key”不是有效的公钥：不是标准 base64 编码：第 4 个字符“-”不是 base64 字符",
            ]
        );
    }
}
