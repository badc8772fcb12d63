//! The certificate roster an issuer keeps (证书名册): one row per certificate
//! with the holder's full name and ID number. These stay with the issuer;
//! only the statement built by [`CertificateRow::statement`] is published.

use jiff::civil::Date;

use super::{Cells, ColumnSpec, Columns, InputKind, column_for};
use crate::input::table::Table;
use certsite_core::constants::{KDF_NAME, STATEMENT_VERSION};
use certsite_core::domain::code::CertCode;
use certsite_core::domain::dates::parse_date;
use certsite_core::domain::id_document::{self, IdType};
use certsite_core::domain::level::Level;
use certsite_core::domain::occupation::Catalogue;
use certsite_core::domain::text::is_none_marker;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::privacy;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::Certificate;

/// Columns of a certificate roster.
pub(crate) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("证书编号", &["证书编码", "证书号", "证书号码"]),
    ColumnSpec::required("姓名", &["持证人姓名", "持证人"]),
    ColumnSpec::optional("证件类型", &["证件种类"]),
    ColumnSpec::required(
        "证件号码",
        &[
            "身份证号",
            "身份证号码",
            "证件号",
            "身份证件号码",
            "公民身份号码",
        ],
    ),
    ColumnSpec::required("职业名称", &["职业"]),
    ColumnSpec::optional("工种名称", &["工种", "工种/职业方向", "职业方向"]),
    ColumnSpec::required("职业编码", &["职业代码"]),
    ColumnSpec::required("等级", &["职业技能等级", "技能等级", "等级名称", "级别"]),
    ColumnSpec::required("发证日期", &["发证时间", "核发日期", "颁证日期"]),
    ColumnSpec::optional("性别", &[]),
    ColumnSpec::optional("等级称号", &["称号", "层级", "等级层次"]),
    ColumnSpec::optional("评价方式", &["评价方法"]),
    ColumnSpec::optional("理论知识成绩", &["理论知识考试成绩", "理论成绩"]),
    ColumnSpec::optional(
        "操作技能成绩",
        &["技能操作考核成绩", "操作成绩", "技能成绩"],
    ),
    ColumnSpec::optional("综合评审成绩", &["综合评审", "业绩评审成绩"]),
    ColumnSpec::optional(
        "评价机构",
        &["发证机构", "评价机构名称", "发证单位", "认定机构"],
    ),
    ColumnSpec::optional("序号", &[]),
];

/// Score columns: checked (0-100) but never published; they stay with the issuer.
const SCORE_COLUMNS: [&str; 3] = ["理论知识成绩", "操作技能成绩", "综合评审成绩"];

/// Longest holder name accepted (transliterated names can be long).
const MAX_NAME_CHARS: usize = 64;

/// A valid roster row, in the clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CertificateRow {
    /// Line or row number in the input.
    pub line: usize,
    /// 证书编号.
    pub code: CertCode,
    /// 姓名, as written (trimmed).
    pub name: String,
    /// 证件类型.
    pub id_type: IdType,
    /// 证件号码, normalised.
    pub id_number: String,
    /// 职业名称, as the catalogue spells it.
    pub occupation: String,
    /// 工种名称, if any.
    pub subtype: Option<String>,
    /// 职业编码.
    pub occupation_code: String,
    /// 等级.
    pub level: Level,
    /// 发证日期.
    pub issued_on: Date,
    /// 等级称号.
    pub tier: Option<String>,
    /// 评价方式.
    pub method: Option<String>,
    /// 评价机构, when the roster names it.
    pub institution: Option<String>,
}

/// Base64 of 32 zero bytes: stands in for a hash while rules are checked,
/// so that the slow hashes are computed only for rows that will be signed.
const PLACEHOLDER_HASH: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/// What a draft statement is made of: each field as read, or as written
/// when it could not be read, so that the draft's check still reports the
/// other rules of a row with an unreadable cell.
struct DraftFields<'a> {
    code: String,
    institution: &'a str,
    name: &'a str,
    id_type: &'a str,
    id_number: &'a str,
    occupation: &'a str,
    subtype: Option<&'a str>,
    occupation_code: &'a str,
    level: i64,
    tier: Option<&'a str>,
    method: Option<&'a str>,
    issued_on: String,
}

impl DraftFields<'_> {
    /// The statement with placeholder hashes, for checking rules cheaply.
    fn statement(self, iterations: u32) -> Certificate {
        Certificate {
            v: STATEMENT_VERSION,
            code: self.code,
            institution: self.institution.to_string(),
            name_masked: privacy::mask_name(self.name),
            name_hash: PLACEHOLDER_HASH.to_string(),
            id_type: self.id_type.to_string(),
            id_masked: privacy::mask_id(self.id_number),
            id_hash: PLACEHOLDER_HASH.to_string(),
            kdf: KDF_NAME.to_string(),
            iterations: i64::from(iterations),
            occupation: self.occupation.to_string(),
            subtype: self.subtype.map(str::to_string),
            occupation_code: self.occupation_code.to_string(),
            level: self.level,
            tier: self.tier.map(str::to_string),
            method: self.method.map(str::to_string),
            issued_on: self.issued_on,
        }
    }
}

impl CertificateRow {
    /// The statement with placeholder hashes, for checking rules cheaply.
    pub(crate) fn draft(&self, institution: &str, iterations: u32) -> Certificate {
        DraftFields {
            code: self.code.as_string(),
            institution,
            name: &self.name,
            id_type: self.id_type.name(),
            id_number: &self.id_number,
            occupation: &self.occupation,
            subtype: self.subtype.as_deref(),
            occupation_code: &self.occupation_code,
            level: i64::from(self.level.digit()),
            tier: self.tier.as_deref(),
            method: self.method.as_deref(),
            issued_on: self.issued_on.to_string(),
        }
        .statement(iterations)
    }

    /// The statement to sign, with both slow hashes computed.
    pub(crate) fn statement(&self, institution: &str, iterations: u32) -> Certificate {
        let code = self.code.as_string();
        Certificate {
            name_hash: privacy::name_hash(&self.name, &code, iterations),
            id_hash: privacy::id_hash(&self.id_number, &code, iterations),
            ..self.draft(institution, iterations)
        }
    }
}

fn optional_text(text: &str) -> Option<String> {
    (!is_none_marker(text)).then(|| text.to_string())
}

/// Reads every row; returns the valid ones and a problem for each fault.
///
/// What only a roster has is checked here: cells that must be readable (a
/// code, a level, a date), the ID number's check character, 性别 and the
/// scores. Everything else is a rule of the certificate statement: each row
/// becomes a draft statement checked by [`Certificate::check`], the code
/// `verify` and `build` run, so a rule has one home and one message.
pub(crate) fn read(
    table: &Table,
    columns: &Columns,
    catalogue: &Catalogue,
    opts: &VerifyOptions,
) -> (Vec<CertificateRow>, Vec<Problem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: std::collections::BTreeMap<CertCode, usize> = Default::default();
    for row in &table.rows {
        let mut cells = Cells::new(table, columns, row);
        let parsed = read_row(&mut cells, catalogue, opts);
        if let Some(r) = &parsed {
            if let Some(first) = first_line_of.get(&r.code) {
                cells.problem("证书编号", format!("{} 与第 {first} 行重复", r.code));
            } else {
                first_line_of.insert(r.code, r.line);
            }
        }
        match parsed {
            Some(r) if cells.problems.is_empty() => rows.push(r),
            _ => problems.append(&mut cells.problems),
        }
    }
    (rows, problems)
}

/// Stands in for the institution's name in a draft when the roster does not
/// name it: the name is checked against the directory by the chain, and its
/// absence by `sign`.
const UNNAMED_INSTITUTION: &str = "（名册未写评价机构）";

/// Statement fields certsite computes itself (masks, hashes, parameters):
/// a row cannot get them wrong, so their rules are not a row's problems.
const COMPUTED_FIELDS: [&str; 7] = [
    "v",
    "name_masked",
    "id_masked",
    "name_hash",
    "id_hash",
    "kdf",
    "iterations",
];

/// Checks a row as the statement it will become. A column that could not be
/// read is not judged again.
fn check_draft(c: &mut Cells, draft: &Certificate, catalogue: &Catalogue, opts: &VerifyOptions) {
    let unread: Vec<String> = c.problems.iter().filter_map(|q| q.field.clone()).collect();
    for p in draft.check(catalogue, opts) {
        let column = column_for(InputKind::Certificates, &p.field);
        if !COMPUTED_FIELDS.contains(&p.field.as_str()) && !unread.iter().any(|u| u == column) {
            c.problem(column, p.message);
        }
    }
}

fn read_row<'a>(
    c: &mut Cells<'a>,
    catalogue: &'a Catalogue,
    opts: &VerifyOptions,
) -> Option<CertificateRow> {
    let code_text = c.text("证书编号");
    let code = c.certificate_code("证书编号");
    let name = c.required("姓名");
    if let Some(n) = name {
        if n.chars().count() > MAX_NAME_CHARS {
            c.problem("姓名", format!("超过 {MAX_NAME_CHARS} 个字"));
        }
        if n.chars().any(char::is_control) {
            c.problem("姓名", "含有控制字符");
        }
    }
    let id_type_text = c.text("证件类型");
    let id_type = IdType::parse(id_type_text);
    if id_type.is_none() {
        c.problem("证件类型", IdType::unknown(id_type_text));
    }
    let id_number = c.required("证件号码").map(id_document::normalize_number);
    if let (Some(ty), Some(n)) = (id_type, &id_number)
        && let Err(e) = id_document::validate(ty, n, opts.today)
    {
        c.problem("证件号码", e.to_string());
    }
    let occupation_text = c.required("职业名称").unwrap_or_default();
    let occupation_code_text = c.required("职业编码").unwrap_or_default();
    // The catalogue's spelling when the cells match it; otherwise the cells
    // as written, for the draft's check to report.
    let (occupation, occupation_code) = catalogue
        .spelling(occupation_code_text, occupation_text)
        .map_or_else(
            || (occupation_text.trim(), occupation_code_text.trim()),
            |o| (o.name.as_str(), o.code.as_str()),
        );
    let subtype = optional_text(c.text("工种名称"));
    let level = c.parsed("等级", Level::parse, " 1-5、五级…一级 或 初级工…高级技师");
    let issued_text = c.text("发证日期");
    let issued_on = c.parsed(
        "发证日期",
        parse_date,
        "日期（如 2024-06-30 或 2024年6月30日）",
    );
    let tier = optional_text(c.text("等级称号"));
    let method = optional_text(c.text("评价方式"));
    let institution = optional_text(c.text("评价机构"));
    check_gender(c, id_type, id_number.as_deref());
    check_scores(c);
    let draft = DraftFields {
        code: code.map_or_else(|| code_text.to_string(), |c| c.as_string()),
        institution: institution.as_deref().unwrap_or(UNNAMED_INSTITUTION),
        name: name.unwrap_or_default(),
        id_type: id_type.map_or(id_type_text, |t| t.name()),
        id_number: id_number.as_deref().unwrap_or_default(),
        occupation,
        subtype: subtype.as_deref(),
        occupation_code,
        level: level.map_or(0, |l| i64::from(l.digit())),
        tier: tier.as_deref(),
        method: method.as_deref(),
        issued_on: issued_on.map_or_else(|| issued_text.to_string(), |d| d.to_string()),
    }
    .statement(opts.min_iterations);
    check_draft(c, &draft, catalogue, opts);
    Some(CertificateRow {
        line: c.row.line,
        code: code?,
        name: name?.to_string(),
        id_type: id_type?,
        id_number: id_number?,
        occupation: draft.occupation,
        subtype: draft.subtype,
        occupation_code: draft.occupation_code,
        level: level?,
        issued_on: issued_on?,
        tier,
        method,
        institution,
    })
}

/// Scores are checked (0-100) but never published.
fn check_scores(c: &mut Cells) {
    for col in SCORE_COLUMNS {
        let t = c.text(col);
        if !t.is_empty()
            && !certsite_core::domain::text::fold(t)
                .parse::<f64>()
                .is_ok_and(|s| (0.0..=100.0).contains(&s))
        {
            c.problem(col, format!("“{t}”应为 0-100 的分数"));
        }
    }
}

/// 性别, when given, must agree with the 17th digit of a GB 11643 number
/// (odd for men, even for women). It is checked, never published.
fn check_gender(c: &mut Cells, id_type: Option<IdType>, number: Option<&str>) {
    let text = c.text("性别");
    if text.is_empty() {
        return;
    }
    let male = match text {
        "男" | "M" | "m" | "男性" => true,
        "女" | "F" | "f" | "女性" => false,
        _ => {
            c.problem("性别", format!("“{text}”应为 男 或 女"));
            return;
        }
    };
    let gb11643 = matches!(
        id_type,
        Some(IdType::ResidentId | IdType::HkMacaoTaiwanResidence)
    );
    let digit17 = number
        .and_then(|n| n.chars().nth(16))
        .and_then(|ch| ch.to_digit(10));
    if gb11643
        && let Some(d) = digit17
        && (d % 2 == 1) != male
    {
        c.problem(
            "性别",
            format!(
                "为{text}，但证件号码第17位 {d} 表示{}",
                if d % 2 == 1 { "男" } else { "女" }
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::roster::InputKind;
    use crate::input::table::read_table;

    const HEADER: &str = "证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期,性别,等级称号,理论知识成绩\n";

    fn read_csv(body: &str) -> (Vec<CertificateRow>, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("certs.csv");
        std::fs::write(&p, format!("{HEADER}{body}")).unwrap();
        let table = read_table(&p, &InputKind::looks_like_header).unwrap();
        let cols = Columns::map(&table, InputKind::Certificates).unwrap();
        let opts = VerifyOptions {
            today: Date::new(2026, 11, 30).unwrap(),
            min_iterations: 1_000_000,
        };
        let (rows, problems) = read(&table, &cols, Catalogue::builtin(), &opts);
        let problems = problems
            .into_iter()
            .map(|mut p| {
                p.file = "certs.csv".into();
                p
            })
            .collect();
        (rows, problems)
    }

    #[test]
    fn a_good_row_reads_in_full() {
        let (rows, problems) = read_csv(
            "Y000021013002243000007,张三丰,身份证,210102199003071233,车工,数控车工,6-18-01-01,三级/高级工,2024年6月30日,男,,88.5\n",
        );
        assert_eq!(problems, vec![]);
        let r = &rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.id_type, IdType::ResidentId);
        assert_eq!(r.subtype.as_deref(), Some("数控车工"));
        assert_eq!(r.level.digit(), 3);
        assert_eq!(r.issued_on.to_string(), "2024-06-30");
        let s = r.draft("沈阳鼓风机集团股份有限公司", 1000);
        assert_eq!(s.id_masked, "****************33");
        assert_eq!(s.name_masked, "**");
    }

    #[test]
    fn every_problem_of_every_row_is_reported_with_line_and_column() {
        let (rows, problems) = read_csv(concat!(
            "Y000021013002247000001,张三,,210102199003071234,车工,——,6-18-01-01,3,2024-06-30,,,\n",
            "Y000021013002243000002,李四,,210102199003071233,铣工,,6-18-01-01,4,2023-06-30,女,首席技师,120\n",
            "Y000021013002243000003,王五,驾驶证,X,保安员,,4-07-05-01,3,2027-01-01,,,\n",
        ));
        assert!(rows.is_empty());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "certs.csv:2: 证书编号: 第16位（等级代码）为 7，应为 1-5",
                "certs.csv:2: 证件号码: 校验码为 4，按 GB 11643 应为 3",
                "certs.csv:3: 性别: 为女，但证件号码第17位 3 表示男",
                "certs.csv:3: 理论知识成绩: “120”应为 0-100 的分数",
                "certs.csv:3: 职业名称: 职业编码 6-18-01-01 对应的职业名称为“车工”，不是“铣工”",
                "certs.csv:3: 等级: 为 4（四级/中级工），但证书编号第16位为 3（三级/高级工）",
                "certs.csv:3: 发证日期: 为 2023-06-30，但证书编号第14-15位表示 2024 年",
                "certs.csv:3: 等级称号: 首席技师设在一级/高级技师之上，等级应为 1，不能改变等级代码",
                "certs.csv:4: 证件类型: “驾驶证”不是可用的证件类型（居民身份证、港澳台居民居住证、外国人永久居留身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证）",
                "certs.csv:4: 职业编码: “保安员”属于准入类职业（工种），不纳入企业技能等级认定范围",
                "certs.csv:4: 发证日期: 发证日期 2027-01-01 晚于今天 2026-11-30",
                "certs.csv:4: 发证日期: 为 2027-01-01，但证书编号第14-15位表示 2024 年",
            ]
        );
    }

    #[test]
    fn duplicate_codes_in_one_file() {
        let row =
            "Y000021013002243000007,张三丰,,210102199003071233,车工,,6-18-01-01,3,2024-06-30,,,\n";
        let (rows, problems) = read_csv(&format!("{row}{row}"));
        assert_eq!(rows.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "certs.csv:3: 证书编号: Y000021013002243000007 与第 2 行重复"
        );
    }
}
