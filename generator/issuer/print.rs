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

use crate::data::config::Config;
use crate::input::roster::certificates::CertificateRow;
use crate::issuer::qr::{Symbol, verify_url};
use crate::trust::chain::Chain;

/// The print stylesheet, written beside the pages.
pub const PRINT_CSS: &str = include_str!("../../site-templates/print/certificate.css");

/// A certificate ready to print: the issuer's row, checked against the chain.
pub struct Printable<'a> {
    /// The roster row (unmasked).
    pub row: &'a CertificateRow,
    /// Institution name as filed.
    pub institution: String,
    /// A photo file, if one was found.
    pub photo: Option<PathBuf>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
    let photo = match &p.photo {
        Some(path) => format!(
            "<img class=\"photo\" src=\"{}\" alt=\"持证人照片\">",
            esc(&path.to_string_lossy())
        ),
        None => "<div class=\"photo empty\">照片<br>（2寸）</div>".to_string(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("姓　　名", r.name.clone()),
        ("证件类型", r.id_type.name().to_string()),
        ("证件号码", r.id_number.clone()),
        ("职业名称", r.occupation.clone()),
        ("工种名称", subtype.clone()),
        ("职业技能等级", level.clone()),
        ("证书编号", code.clone()),
        (
            "发证日期",
            format!(
                "{}年{}月{}日",
                r.issued_on.year(),
                r.issued_on.month(),
                r.issued_on.day()
            ),
        ),
        ("评价机构", p.institution.clone()),
    ];
    let info: String = rows
        .iter()
        .map(|(k, v)| format!("<dt>{k}</dt><dd>{}</dd>", esc(v)))
        .collect();
    let occupation = if r.subtype.is_some() {
        format!("{}（{}）", r.occupation, subtype)
    } else {
        r.occupation.clone()
    };
    Ok(format!(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>职业技能等级证书 {code}</title>\n\
         <link rel=\"stylesheet\" href=\"certificate.css\">\n</head>\n<body>\n<main class=\"sheet\">\n<div class=\"border\">\n\
         <section class=\"left\">\n<h1>职业技能等级证书</h1>\n\
         <p class=\"body\">{name}：</p>\n<p class=\"body\">经考核评价，你已达到{occupation}职业{level}水平，特发此证。</p>\n\
         <p class=\"issuer\">{institution}<br>{date}</p>\n\
         <p class=\"site\">证书查询网址：{site}</p>\n</section>\n\
         <section class=\"right\">\n<div class=\"top\">{photo}\n<div class=\"qr\">{svg}</div></div>\n<dl class=\"info\">{info}</dl>\n</section>\n\
         </div>\n</main>\n</body>\n</html>\n",
        name = esc(&r.name),
        occupation = esc(&occupation),
        level = esc(&level),
        institution = esc(&p.institution),
        date = rows[7].1,
        site = esc(&config.base_url),
        svg = qr.svg(),
    ))
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
