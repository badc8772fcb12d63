//! `certsite print`: printable certificates in the layout of 附件6, from the
//! issuer's own roster (full name and ID number, never the public site), for
//! certificates whose signed statements verify.
//!
//! A4 landscape; a 2.25 pt border of 269 mm × 188 mm centred on the sheet;
//! left page: title 30 pt, body 16 pt, query website 14 pt; right page: a
//! 2-inch photo frame, the QR code at 30 mm × 30 mm, basic information 16 pt;
//! 华文楷体 with Kai fallbacks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::{Value, context};

use crate::data::config::Config;
use crate::input::roster::certificates::CertificateRow;
use crate::issuer::qr::{Symbol, verify_url};
use crate::trust::chain::Chain;

/// The print stylesheet, written beside the pages.
pub const PRINT_CSS: &str = include_str!("../../site-templates/print/certificate.css");

/// The page template.
const PAGE_TEMPLATE: &str = include_str!("../../site-templates/print/certificate.html");

/// A certificate ready to print: the issuer's row, checked against the chain.
pub struct Printable<'a> {
    /// The roster row (unmasked).
    pub row: &'a CertificateRow,
    /// Institution name as filed.
    pub institution: String,
    /// A photo file, if one was found.
    pub photo: Option<PathBuf>,
}

/// A value for the template that reads as it did before the page was a
/// template. minijinja's autoescaping also escapes `/` (as `&#x2f;`): harmless,
/// but the site URL, a photo path or a level like `二级/技师` would then read
/// differently in the page source. A value with none of the characters that
/// mean something in HTML text or a quoted attribute has nothing to escape
/// and is written as it is; any other is left to the autoescaping.
fn verbatim_if_plain(s: &str) -> Value {
    if s.contains(['&', '<', '>', '"', '\'']) {
        Value::from(s)
    } else {
        Value::from_safe_string(s.to_string())
    }
}

/// Checks roster rows against the verified chain: a certificate is printed
/// only if its signed statement exists, is not revoked, and agrees with the
/// row (code, level, date, occupation) and its hashes match the name and ID.
pub fn check_row(row: &CertificateRow, chain: &Chain) -> Result<String, String> {
    let code = row.code.as_string();
    let signed = chain
        .certificates
        .get(&code)
        .ok_or_else(|| format!("{code}：没有通过验证的签名记录，不能印制"))?;
    if chain.revocations.contains_key(&code) {
        return Err(format!("{code}：证书已撤销，不能印制"));
    }
    let s = &signed.statement;
    let iterations = u32::try_from(s.iterations).map_err(|_| format!("{code}：迭代次数无效"))?;
    let agrees = s.level == i64::from(row.level.digit())
        && s.issued_on == row.issued_on.to_string()
        && s.occupation_code == row.occupation_code
        && s.subtype == row.subtype
        && crate::trust::privacy::name_hash(&row.name, &code, iterations) == s.name_hash
        && crate::trust::privacy::id_hash(&row.id_number, &code, iterations) == s.id_hash;
    if !agrees {
        return Err(format!(
            "{code}：名册与已签名的证书不一致（姓名、证件号码、职业、等级或日期）"
        ));
    }
    Ok(s.institution.clone())
}

/// The HTML page of one certificate.
pub fn page(p: &Printable, config: &Config) -> Result<String, String> {
    let r = p.row;
    let code = r.code.as_string();
    let qr = Symbol::new(&verify_url(&config.base_url, &code, Some(&r.name)))?;
    let level = match &r.tier {
        Some(t) => format!("{}（{t}）", r.level.name()),
        None => r.level.name().to_string(),
    };
    let subtype = r.subtype.clone().unwrap_or_else(|| "——".into());
    let occupation_text = if r.subtype.is_some() {
        format!("{}（{}）", r.occupation, subtype)
    } else {
        r.occupation.clone()
    };
    let date = format!(
        "{}年{}月{}日",
        r.issued_on.year(),
        r.issued_on.month(),
        r.issued_on.day()
    );
    let ctx = context! {
        code,
        name => &r.name,
        id_type => r.id_type.name(),
        id_number => &r.id_number,
        occupation => &r.occupation,
        occupation_text,
        subtype,
        level => verbatim_if_plain(&level),
        date,
        institution => &p.institution,
        site => verbatim_if_plain(&config.base_url),
        photo => p.photo.as_ref().map(|path| verbatim_if_plain(&path.to_string_lossy())),
        // Our own SVG: the URL in its title is escaped by `Symbol::svg`.
        qr => Value::from_safe_string(qr.svg()),
    };
    super::render_page("print/certificate.html", PAGE_TEMPLATE, ctx)
        .map_err(|e| format!("证书页面模板：{e}"))
}

/// Finds a photo named after the code or the document number.
pub fn find_photo(dir: Option<&Path>, row: &CertificateRow) -> Option<PathBuf> {
    let dir = dir?;
    let stems = [row.code.as_string(), row.id_number.clone()];
    for stem in stems {
        for ext in ["jpg", "jpeg", "png"] {
            let p = dir.join(format!("{stem}.{ext}"));
            if p.is_file() {
                return std::path::absolute(&p).ok();
            }
        }
    }
    None
}

/// Pages by code, plus the stylesheet, for the selected rows.
pub fn render_all(
    printables: &[Printable],
    config: &Config,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for p in printables {
        out.insert(format!("{}.html", p.row.code), page(p, config)?);
    }
    out.insert("certificate.css".to_string(), PRINT_CSS.to_string());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code::CertCode;
    use crate::domain::id_document::IdType;
    use crate::domain::level::Level;

    fn row(name: &str) -> CertificateRow {
        CertificateRow {
            line: 2,
            code: CertCode::parse("Y000021013002242000001").unwrap(),
            name: name.into(),
            id_type: IdType::ResidentId,
            id_number: "210112198103110613".into(),
            occupation: "铣工".into(),
            subtype: Some("数控<铣>工".into()),
            occupation_code: "6-18-01-02".into(),
            level: Level::parse("二级").unwrap(),
            issued_on: jiff::civil::date(2024, 12, 17),
            tier: Some("首席\"技师\"".into()),
            method: None,
            institution: None,
        }
    }

    fn config() -> Config {
        Config::parse(
            Path::new("certsite.toml"),
            "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/c/\"\n",
        )
        .unwrap()
    }

    #[test]
    fn hostile_roster_text_is_escaped_and_the_qr_code_is_not() {
        let row = row("<script>alert('x')</script>");
        let p = Printable {
            row: &row,
            institution: "A&B \"厂\"".into(),
            photo: Some(PathBuf::from("/photos/x\" onerror=\"alert(1).jpg")),
        };
        let html = page(&p, &config()).unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains(
                "<p class=\"body\">&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt;：</p>"
            ),
            "{html}"
        );
        assert!(html.contains("<dd>数控&lt;铣&gt;工</dd>"), "{html}");
        assert!(
            html.contains("二级&#x2f;技师（首席&quot;技师&quot;）"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"issuer\">A&amp;B &quot;厂&quot;<br>2024年12月17日</p>"),
            "{html}"
        );
        assert!(
            html.contains("src=\"&#x2f;photos&#x2f;x&quot; onerror=&quot;alert(1).jpg\""),
            "{html}"
        );
        assert!(!html.contains("onerror=\"alert"), "{html}");
        assert!(
            html.contains("<p class=\"site\">证书查询网址：https://x.example/c/</p>"),
            "{html}"
        );
        // The SVG is ours and goes in as markup.
        assert!(html.contains("<div class=\"qr\"><svg xmlns="), "{html}");
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn plain_values_read_as_before() {
        let mut row = row("陈诺睿");
        row.subtype = None;
        row.tier = None;
        let p = Printable {
            row: &row,
            institution: "沈阳鼓风机集团股份有限公司".into(),
            photo: None,
        };
        let html = page(&p, &config()).unwrap();
        assert!(html.contains("你已达到铣工职业二级/技师水平"), "{html}");
        assert!(html.contains("<dt>工种名称</dt><dd>——</dd>"), "{html}");
        assert!(html.contains("<div class=\"top\"><div class=\"photo empty\">照片<br>（2寸）</div>\n<div class=\"qr\">"), "{html}");
    }
}
