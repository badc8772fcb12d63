//! The certificate code (证书编码, 附件5) and the institution filing number
//! (机构备案号, its first 13 characters): parse, validate, explain.
//!
//! Every rule of 附件5 is checked; an error names the position, the field and
//! what was expected, e.g. `第16位（等级代码）为 7，应为 1-5`.

use std::fmt;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::constants::{PROVINCE_CODE, PROVINCE_NAME};
use crate::domain::level::Level;

/// Length of a certificate code: 1 letter + 21 digits.
pub const CODE_LEN: usize = 22;
/// Length of a filing number: the code's first 13 characters.
pub const FILING_LEN: usize = 13;

/// 第1位: who evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    /// `Y` 企业用人单位
    Enterprise,
    /// `S` 第三方评价机构
    ThirdParty,
}

impl Category {
    /// The letter in the code.
    pub(crate) fn letter(self) -> char {
        match self {
            Category::Enterprise => 'Y',
            Category::ThirdParty => 'S',
        }
    }

    /// The Chinese name used in 附件5.
    pub fn name(self) -> &'static str {
        match self {
            Category::Enterprise => "企业用人单位",
            Category::ThirdParty => "第三方评价机构",
        }
    }
}

/// The 14 cities in the notice's own order (01 沈阳 … 14 葫芦岛). Not GB/T 2260:
/// the notice puts 铁岭 at 11, 朝阳 at 12 and 盘锦 at 13.
pub const CITIES: [&str; 14] = [
    "沈阳市",
    "大连市",
    "鞍山市",
    "抚顺市",
    "本溪市",
    "丹东市",
    "锦州市",
    "营口市",
    "阜新市",
    "辽阳市",
    "铁岭市",
    "朝阳市",
    "盘锦市",
    "葫芦岛市",
];

/// 第10位 of the code: the institution kind, 1-6.
pub const KINDS: [&str; 6] = [
    "央企辽宁分公司",
    "省属企业",
    "市属企业",
    "技工院校",
    "行业协会",
    "其他",
];

/// A city as numbered by the notice (1-14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct City(u8);

impl City {
    /// The city with the notice's number `n` (1-14).
    pub fn from_number(n: u8) -> Option<City> {
        (1..=14).contains(&n).then_some(City(n))
    }

    /// Looks a city up by its Chinese name, with or without the trailing 市.
    pub fn from_name(name: &str) -> Option<City> {
        let name = name.trim();
        let bare = name.strip_suffix('市').unwrap_or(name);
        CITIES
            .iter()
            .position(|c| c.strip_suffix('市') == Some(bare))
            .map(|i| City(i as u8 + 1))
    }

    /// The notice's number, 1-14.
    pub fn number(self) -> u8 {
        self.0
    }

    /// Chinese name, e.g. `沈阳市`.
    pub fn name(self) -> &'static str {
        CITIES[usize::from(self.0) - 1]
    }
}

/// The institution kind (第10位, 1-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kind(u8);

impl Kind {
    /// The kind numbered `n` (1-6).
    pub(crate) fn from_number(n: u8) -> Option<Kind> {
        (1..=6).contains(&n).then_some(Kind(n))
    }

    /// The digit, 1-6.
    pub fn number(self) -> u8 {
        self.0
    }

    /// Chinese name, e.g. `市属企业`.
    pub fn name(self) -> &'static str {
        KINDS[usize::from(self.0) - 1]
    }
}

/// A parsed, valid institution filing number (机构备案号), e.g. `Y000021013002`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FilingNo {
    /// 第1位
    pub category: Category,
    /// 第2-5位: 0 for institutions filed with the province, else the HQ code.
    pub route: u16,
    /// 第8-9位
    pub city: City,
    /// 第10位
    pub kind: Kind,
    /// 第11-13位: order of filing, 1-999.
    pub order: u16,
}

/// A parsed, valid certificate code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CertCode {
    /// 第1-13位
    pub filing: FilingNo,
    /// 第14-15位, as a four-digit year.
    pub year: u16,
    /// 第16位
    pub level: Level,
    /// 第17-22位: 1-999999.
    pub serial: u32,
}

/// What is wrong with a code, and where (1-based character positions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeError {
    /// First position of the offending field (1-based), 0 for the whole input.
    pub start: usize,
    /// Last position of the offending field (1-based).
    pub end: usize,
    /// Chinese name of the field, e.g. `等级代码`.
    pub field: &'static str,
    /// What the input has there.
    pub found: String,
    /// What 附件5 allows there.
    pub expected: String,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == 0 {
            return write!(f, "{}为 {}，应为 {}", self.field, self.found, self.expected);
        }
        let pos = if self.start == self.end {
            format!("第{}位", self.start)
        } else {
            format!("第{}-{}位", self.start, self.end)
        };
        write!(
            f,
            "{pos}（{}）为 {}，应为 {}",
            self.field, self.found, self.expected
        )
    }
}

impl std::error::Error for CodeError {}

/// Normalises what a person typed or a spreadsheet holds: full-width letters
/// and digits become ASCII (NFKC), white space anywhere is dropped, letters
/// are upper-cased. Validation happens afterwards, on the result.
pub fn normalize_input(raw: &str) -> String {
    raw.nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

fn err(start: usize, end: usize, field: &'static str, found: &str, expected: String) -> CodeError {
    CodeError {
        start,
        end,
        field,
        found: found.to_string(),
        expected,
    }
}

/// Parses the digits at 1-based positions `start..=end`, or names the first
/// character that is not a digit.
fn digits(s: &[char], start: usize, end: usize, field: &'static str) -> Result<u32, CodeError> {
    let mut value = 0u32;
    for pos in start..=end {
        let c = s[pos - 1];
        let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) else {
            return Err(err(pos, pos, field, &format!("“{c}”"), "数字 0-9".into()));
        };
        value = value * 10 + d;
    }
    Ok(value)
}

fn field_text(s: &[char], start: usize, end: usize) -> String {
    s[start - 1..end].iter().collect()
}

/// Checks characters 1-13 of `s` (already known to be at least 13 long).
fn parse_filing_chars(s: &[char]) -> Result<FilingNo, CodeError> {
    let category = match s[0] {
        'Y' => Category::Enterprise,
        'S' => Category::ThirdParty,
        c => {
            return Err(err(
                1,
                1,
                "机构类别代码",
                &format!("“{c}”"),
                "Y（企业用人单位）或 S（第三方评价机构）".into(),
            ));
        }
    };
    let route = digits(s, 2, 5, "备案途径代码")? as u16;
    let province = digits(s, 6, 7, "省级代码")? as u8;
    if province != PROVINCE_CODE {
        return Err(err(
            6,
            7,
            "省级代码",
            &field_text(s, 6, 7),
            format!("{PROVINCE_CODE}（{PROVINCE_NAME}）"),
        ));
    }
    let city_no = digits(s, 8, 9, "机构所在市代码")? as u8;
    let city = City::from_number(city_no).ok_or_else(|| {
        err(
            8,
            9,
            "机构所在市代码",
            &field_text(s, 8, 9),
            "01-14（01 沈阳 … 11 铁岭、12 朝阳、13 盘锦、14 葫芦岛）".into(),
        )
    })?;
    let kind_no = digits(s, 10, 10, "机构类型")? as u8;
    let kind = Kind::from_number(kind_no).ok_or_else(|| {
        err(
            10,
            10,
            "机构类型",
            &field_text(s, 10, 10),
            "1-6（1 央企辽宁分公司、2 省属企业、3 市属企业、4 技工院校、5 行业协会、6 其他）"
                .into(),
        )
    })?;
    let order = digits(s, 11, 13, "机构备案顺序号")? as u16;
    if order == 0 {
        return Err(err(
            11,
            13,
            "机构备案顺序号",
            "000",
            "001-999（按备案先后顺序赋码）".into(),
        ));
    }
    // A non-zero route is the HQ code of a central-enterprise branch
    // (央企驻辽分支机构), which is by definition of kind 1.
    if route != 0 && kind.number() != 1 {
        return Err(err(
            10,
            10,
            "机构类型",
            &format!("{}（{}）", kind.number(), kind.name()),
            format!("1（央企辽宁分公司），因第2-5位备案途径代码为 {route:04}（央企驻辽分支机构）"),
        ));
    }
    Ok(FilingNo {
        category,
        route,
        city,
        kind,
        order,
    })
}

fn check_length(s: &[char], want: usize, what: &'static str, shape: &str) -> Result<(), CodeError> {
    if s.len() == want {
        return Ok(());
    }
    Err(err(
        0,
        0,
        what,
        &format!("{} 位", s.len()),
        format!("{want} 位（{shape}）"),
    ))
}

impl FilingNo {
    /// Parses a 13-character filing number, after [`normalize_input`].
    pub fn parse(raw: &str) -> Result<FilingNo, CodeError> {
        let s: Vec<char> = normalize_input(raw).chars().collect();
        check_length(&s, FILING_LEN, "机构备案号长度", "1位字母+12位数字")?;
        parse_filing_chars(&s)
    }

    /// The 13-character form, e.g. `Y000021013002`.
    pub fn as_string(&self) -> String {
        format!(
            "{}{:04}{:02}{:02}{}{:03}",
            self.category.letter(),
            self.route,
            PROVINCE_CODE,
            self.city.number(),
            self.kind.number(),
            self.order
        )
    }

    /// The 6-digit institution serial (机构序列码, 第8-13位).
    pub(crate) fn serial_code(&self) -> String {
        format!(
            "{:02}{}{:03}",
            self.city.number(),
            self.kind.number(),
            self.order
        )
    }

    /// Chinese description of the filing route.
    pub(crate) fn route_name(&self) -> String {
        if self.route == 0 {
            "0000（非央企驻辽分支机构）".to_string()
        } else {
            format!("{:04}（央企总部经人社部备案赋码）", self.route)
        }
    }
}

impl fmt::Display for FilingNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl CertCode {
    /// Parses a 22-character certificate code, after [`normalize_input`].
    pub fn parse(raw: &str) -> Result<CertCode, CodeError> {
        let s: Vec<char> = normalize_input(raw).chars().collect();
        check_length(&s, CODE_LEN, "证书编号长度", "1位字母+21位数字")?;
        let filing = parse_filing_chars(&s)?;
        let yy = digits(&s, 14, 15, "核发年份")? as u16;
        // 附件5 gives the last two digits of the year and no earliest year:
        // a site's own limit is [`CertCode::check_issue_year`].
        let year = 2000 + yy;
        let level_digit = digits(&s, 16, 16, "等级代码")? as u8;
        let level = Level::from_digit(level_digit)
            .ok_or_else(|| err(16, 16, "等级代码", &field_text(&s, 16, 16), "1-5".into()))?;
        let serial = digits(&s, 17, 22, "证书序列码")?;
        if serial == 0 {
            return Err(err(17, 22, "证书序列码", "000000", "000001-999999".into()));
        }
        Ok(CertCode {
            filing,
            year,
            level,
            serial,
        })
    }

    /// Refuses a code issued before `first`, the earliest year of issue a
    /// site publishes (`earliest_issue_year` in its `certsite.toml`). The
    /// notice sets no such year; a site sets one so that a mistyped year is
    /// named before anything is fetched.
    pub fn check_issue_year(&self, first: u16) -> Result<(), CodeError> {
        if self.year >= first {
            return Ok(());
        }
        Err(err(
            14,
            15,
            "核发年份",
            &format!("{:02}", self.year % 100),
            format!(
                "{:02} 及以后（本站收录 {first} 年起核发的证书）",
                first % 100
            ),
        ))
    }

    /// The 22-character form.
    pub fn as_string(&self) -> String {
        format!(
            "{}{:02}{}{:06}",
            self.filing,
            self.year % 100,
            self.level.digit(),
            self.serial
        )
    }
}

impl fmt::Display for CertCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// What `certsite code explain --json` prints for a certificate code.
#[derive(Debug, Serialize)]
pub struct CodeExplanation {
    /// The normalised code.
    pub code: String,
    /// `"Y"` or `"S"`.
    pub category: String,
    /// Chinese name of the category.
    pub category_name: &'static str,
    /// 第2-5位 as written, e.g. `"0000"`.
    pub route: String,
    /// `"21"`.
    pub province: String,
    /// Chinese name of the province.
    pub province_name: &'static str,
    /// Chinese city name.
    pub city: &'static str,
    /// The notice's two-digit city number.
    pub city_code: String,
    /// Chinese institution kind.
    pub institution_kind: &'static str,
    /// 第8-13位.
    pub institution_serial: String,
    /// 第1-13位.
    pub filing_no: String,
    /// Four-digit year.
    pub year: u16,
    /// 1-5.
    pub level: u8,
    /// e.g. `"三级/高级工"`.
    pub level_name: &'static str,
    /// 第17-22位 as an integer.
    pub serial: u32,
}

/// What `certsite code explain --json` prints for a filing number.
#[derive(Debug, Serialize)]
pub struct FilingExplanation {
    /// The normalised filing number.
    pub filing_no: String,
    /// `"Y"` or `"S"`.
    pub category: String,
    /// Chinese name of the category.
    pub category_name: &'static str,
    /// 第2-5位 as written.
    pub route: String,
    /// `"21"`.
    pub province: String,
    /// Chinese name of the province.
    pub province_name: &'static str,
    /// Chinese city name.
    pub city: &'static str,
    /// The notice's two-digit city number.
    pub city_code: String,
    /// Chinese institution kind.
    pub institution_kind: &'static str,
    /// 第8-13位.
    pub institution_serial: String,
    /// 第11-13位 as an integer.
    pub order: u16,
}

impl FilingNo {
    /// The fields, named for JSON output.
    pub fn explain(&self) -> FilingExplanation {
        FilingExplanation {
            filing_no: self.as_string(),
            category: self.category.letter().to_string(),
            category_name: self.category.name(),
            route: format!("{:04}", self.route),
            province: PROVINCE_CODE.to_string(),
            province_name: PROVINCE_NAME,
            city: self.city.name(),
            city_code: format!("{:02}", self.city.number()),
            institution_kind: self.kind.name(),
            institution_serial: self.serial_code(),
            order: self.order,
        }
    }

    /// One line per field, in Chinese.
    pub fn explain_text(&self) -> String {
        let mut out = String::new();
        out += &format!("机构备案号      {}\n", self.as_string());
        out += &format!(
            "第1位     机构类别代码  {}（{}）\n",
            self.category.letter(),
            self.category.name()
        );
        out += &format!("第2-5位   备案途径代码  {}\n", self.route_name());
        out += &format!("第6-7位   省级代码      {PROVINCE_CODE}（{PROVINCE_NAME}）\n");
        out += &format!(
            "第8-9位   所在市        {:02}（{}）\n",
            self.city.number(),
            self.city.name()
        );
        out += &format!(
            "第10位    机构类型      {}（{}）\n",
            self.kind.number(),
            self.kind.name()
        );
        out += &format!("第11-13位 备案顺序号    {:03}\n", self.order);
        out
    }
}

impl CertCode {
    /// The fields, named for JSON output.
    pub fn explain(&self) -> CodeExplanation {
        let f = self.filing.explain();
        CodeExplanation {
            code: self.as_string(),
            category: f.category,
            category_name: f.category_name,
            route: f.route,
            province: f.province,
            province_name: f.province_name,
            city: f.city,
            city_code: f.city_code,
            institution_kind: f.institution_kind,
            institution_serial: f.institution_serial,
            filing_no: f.filing_no,
            year: self.year,
            level: self.level.digit(),
            level_name: self.level.name(),
            serial: self.serial,
        }
    }

    /// One line per field, in Chinese.
    pub fn explain_text(&self) -> String {
        let mut out = format!("证书编号        {}\n", self.as_string());
        out += &self
            .filing
            .explain_text()
            .lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        out += &format!("第14-15位 核发年份      {}\n", self.year);
        out += &format!(
            "第16位    等级代码      {}（{}）\n",
            self.level.digit(),
            self.level.name()
        );
        out += &format!("第17-22位 证书序列码    {:06}\n", self.serial);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "Y000021013002245000001";

    fn code_err(s: &str) -> String {
        CertCode::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn parses_every_field_of_a_valid_code() {
        let c = CertCode::parse(GOOD).unwrap();
        assert_eq!(c.filing.category, Category::Enterprise);
        assert_eq!(c.filing.route, 0);
        assert_eq!(c.filing.city.name(), "沈阳市");
        assert_eq!(c.filing.kind.name(), "市属企业");
        assert_eq!(c.filing.order, 2);
        assert_eq!(c.year, 2024);
        assert_eq!(c.level, Level::from_digit(5).unwrap());
        assert_eq!(c.serial, 1);
        assert_eq!(c.as_string(), GOOD);
        assert_eq!(c.filing.as_string(), "Y000021013002");
    }

    #[test]
    fn position_1_category() {
        assert!(CertCode::parse("S000021013002245000001").is_ok());
        assert_eq!(
            code_err("X000021013002245000001"),
            "第1位（机构类别代码）为 “X”，应为 Y（企业用人单位）或 S（第三方评价机构）"
        );
        assert!(code_err("1000021013002245000001").starts_with("第1位"));
    }

    #[test]
    fn positions_2_to_5_route() {
        assert!(CertCode::parse("Y999921011001245000001").is_ok());
        assert_eq!(
            code_err("Y00A021013002245000001"),
            "第4位（备案途径代码）为 “A”，应为 数字 0-9"
        );
        // A non-zero route marks a central-enterprise branch: kind must be 1.
        assert_eq!(
            code_err("Y000121013002245000001"),
            "第10位（机构类型）为 3（市属企业），应为 1（央企辽宁分公司），因第2-5位备案途径代码为 0001（央企驻辽分支机构）"
        );
    }

    #[test]
    fn positions_6_7_province() {
        assert_eq!(
            code_err("Y000023013002245000001"),
            "第6-7位（省级代码）为 23，应为 21（辽宁省）"
        );
    }

    #[test]
    fn positions_8_9_every_city_in_the_notice_order() {
        let names = [
            "沈阳市",
            "大连市",
            "鞍山市",
            "抚顺市",
            "本溪市",
            "丹东市",
            "锦州市",
            "营口市",
            "阜新市",
            "辽阳市",
            "铁岭市",
            "朝阳市",
            "盘锦市",
            "葫芦岛市",
        ];
        for (i, name) in names.iter().enumerate() {
            let code = format!("Y000021{:02}6001245000001", i + 1);
            assert_eq!(CertCode::parse(&code).unwrap().filing.city.name(), *name);
            assert_eq!(City::from_name(name).unwrap().number() as usize, i + 1);
        }
        for bad in ["00", "15", "99"] {
            let code = format!("Y000021{bad}6001245000001");
            assert!(
                code_err(&code)
                    .starts_with(&format!("第8-9位（机构所在市代码）为 {bad}，应为 01-14")),
                "{code}"
            );
        }
    }

    #[test]
    fn position_10_every_kind() {
        let names = [
            "央企辽宁分公司",
            "省属企业",
            "市属企业",
            "技工院校",
            "行业协会",
            "其他",
        ];
        for (i, name) in names.iter().enumerate() {
            let code = format!("Y00002101{}001245000001", i + 1);
            let c = CertCode::parse(&code).unwrap();
            assert_eq!(c.filing.kind.name(), *name);
        }
        for bad in ['0', '7', '9'] {
            let code = format!("Y00002101{bad}001245000001");
            assert!(code_err(&code).starts_with(&format!("第10位（机构类型）为 {bad}，应为 1-6")));
        }
    }

    #[test]
    fn positions_11_13_filing_order() {
        assert!(CertCode::parse("Y000021013999245000001").is_ok());
        assert_eq!(
            code_err("Y000021013000245000001"),
            "第11-13位（机构备案顺序号）为 000，应为 001-999（按备案先后顺序赋码）"
        );
    }

    #[test]
    fn positions_14_15_year() {
        // Any two digits: the notice sets no earliest year.
        for yy in 0..=99 {
            let code = format!("Y000021013002{yy:02}5000001");
            assert_eq!(CertCode::parse(&code).unwrap().year, 2000 + yy);
        }
        let old = CertCode::parse("Y000021013002185000001").unwrap();
        assert_eq!(
            old.check_issue_year(2020).unwrap_err().to_string(),
            "第14-15位（核发年份）为 18，应为 20 及以后（本站收录 2020 年起核发的证书）"
        );
        assert!(old.check_issue_year(2018).is_ok());
        assert!(code_err("Y0000210130022x5000001").starts_with("第15位（核发年份）"));
    }

    #[test]
    fn position_16_every_level() {
        let names = [
            (1, "一级/高级技师"),
            (2, "二级/技师"),
            (3, "三级/高级工"),
            (4, "四级/中级工"),
            (5, "五级/初级工"),
        ];
        for (digit, name) in names {
            let code = format!("Y00002101300224{digit}000001");
            let c = CertCode::parse(&code).unwrap();
            assert_eq!(c.level.digit(), digit);
            assert_eq!(c.level.name(), name);
        }
        assert_eq!(
            code_err("Y000021013002247000001"),
            "第16位（等级代码）为 7，应为 1-5"
        );
        assert_eq!(
            code_err("Y000021013002240000001"),
            "第16位（等级代码）为 0，应为 1-5"
        );
    }

    #[test]
    fn positions_17_22_serial() {
        assert_eq!(
            CertCode::parse("Y000021013002245999999").unwrap().serial,
            999_999
        );
        assert_eq!(
            code_err("Y000021013002245000000"),
            "第17-22位（证书序列码）为 000000，应为 000001-999999"
        );
        assert_eq!(
            code_err("Y00002101300224500000A"),
            "第22位（证书序列码）为 “A”，应为 数字 0-9"
        );
    }

    #[test]
    fn length_is_checked_first() {
        assert_eq!(
            code_err("Y00002101300224500000"),
            "证书编号长度为 21 位，应为 22 位（1位字母+21位数字）"
        );
        assert_eq!(
            FilingNo::parse("Y0000210130021").unwrap_err().to_string(),
            "机构备案号长度为 14 位，应为 13 位（1位字母+12位数字）"
        );
    }

    #[test]
    fn typed_input_is_normalised() {
        // Full-width letters and digits, spaces, lower case: what people type.
        let typed = "ｙ0000 2101 3002 2450 0000１";
        assert_eq!(CertCode::parse(typed).unwrap().as_string(), GOOD);
    }

    #[test]
    fn every_pilot_filing_number_parses_to_its_listed_city() {
        let csv = include_str!("../../../data/pilot-institutions.csv");
        let mut count = 0;
        for line in csv.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let (city, filing) = (cols[1], cols[4]);
            let f = FilingNo::parse(filing).unwrap_or_else(|e| panic!("{filing}: {e}"));
            assert_eq!(f.city.name().trim_end_matches('市'), city, "{filing}");
            assert_eq!(f.as_string(), filing);
            count += 1;
        }
        assert_eq!(count, 58);
    }

    #[test]
    fn explain_json_has_the_promised_fields() {
        let v = serde_json::to_value(CertCode::parse("Y001121011001243000042").unwrap().explain())
            .unwrap();
        assert_eq!(v["code"], "Y001121011001243000042");
        assert_eq!(v["category"], "Y");
        assert_eq!(v["route"], "0011");
        assert_eq!(v["province"], "21");
        assert_eq!(v["city"], "沈阳市");
        assert_eq!(v["institution_kind"], "央企辽宁分公司");
        assert_eq!(v["filing_no"], "Y001121011001");
        assert_eq!(v["year"], 2024);
        assert_eq!(v["level"], 3);
        assert_eq!(v["level_name"], "三级/高级工");
        assert_eq!(v["serial"], 42);
    }
}
