//! `certsite print`: printable certificates in the layout of 附件6, from the
//! issuer's own roster (full name and ID number, never the public site), for
//! certificates whose signed statements verify.
//!
//! A4 landscape; a 2.25 pt border of 269 mm × 188 mm centred on the sheet;
//! left page: title 30 pt, body 16 pt, the evaluating institution with the
//! date and a marked place for its seal (附件6 注2), query website 14 pt;
//! right page: a 2-inch photo frame, the QR code whose modules fill 30 mm ×
//! 30 mm (the quiet zone is white margin outside), the root key's short
//! fingerprint under it, basic information 16 pt; 华文楷体 with Kai fallbacks.
//!
//! The body sentence names the evaluation method only when the signed record
//! carries one of the notice's four (三（二）); otherwise it says what every
//! certificate is, 本单位职业技能等级认定. A level title (特级技师, 首席技师)
//! is a field of its own, never part of the level.
//!
//! The workflow, [`print`]: verify the data folder, read the rosters, pick
//! the rows asked for, check each against its signed statement (hashes of
//! the name and ID number included), render the pages, and print them to
//! PDF with Chromium when asked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use minijinja::{Value, context};
use rayon::prelude::*;

use crate::catalogue::os_message;
use crate::data::config::Config;
use crate::data::dataset::enclosing_site;
use crate::data::dataset::write_atomic;
use crate::data::folder::DataFolder;
use crate::error::{FsAction, FsContext, FsError};
use crate::input::roster::certificates::CertificateRow;
use crate::issuer::qr::{QrError, Symbol, verify_url};
use crate::issuer::rosters::{RosterError, Rosters, read_rosters};
use certsite_core::domain::code::{CertCode, CodeError, normalize_input};
use certsite_core::domain::method::notice_method;
use certsite_core::trust::chain::Chain;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::verifier::Verified;

/// Where the rosters are when none is named: the demo's.
pub(crate) const DEFAULT_ROSTERS: &str = "demo-rosters/certificates";

/// What to print.
#[derive(Clone, Debug)]
pub(crate) struct PrintOptions {
    /// The data folder (configuration and signed data).
    pub data: PathBuf,
    /// Certificate codes to print (when no institution is given).
    pub codes: Vec<String>,
    /// Print every certificate of this filing number.
    pub institution: Option<String>,
    /// Roster files or folders; [`DEFAULT_ROSTERS`] in the data folder when empty.
    pub rosters: Vec<PathBuf>,
    /// Photos named after the code or the document number.
    pub photos: Option<PathBuf>,
    /// Where the pages go.
    pub out: PathBuf,
    /// Print each page to PDF with Chromium too.
    pub pdf: bool,
    /// Today, for judging dates.
    pub today: Date,
}

/// What a print run did.
#[derive(Debug)]
pub(crate) struct PrintReport {
    /// Certificates printed.
    pub printed: usize,
    /// Rows not printed (or unreadable), and why.
    pub problems: Vec<Problem>,
    /// How many problems the data folder has (its records are not printable).
    pub data_problems: usize,
    /// Files of a roster folder that were not read, each with why
    /// (`跳过 X：不是证书名册（表头是机构目录（附件4））`).
    pub notes: Vec<String>,
}

/// Why nothing could be printed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PrintError {
    /// The data folder or a roster could not be read.
    #[error(transparent)]
    Input(#[from] Problem),
    /// A file could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A code asked for is malformed.
    #[error("证书编号 {raw} 无效：{problem}")]
    BadCode {
        /// As given.
        raw: String,
        /// Where it goes wrong.
        problem: CodeError,
    },
    /// A code asked for is in no roster.
    #[error("名册中没有证书 {0}")]
    NotInRoster(CertCode),
    /// The selection is empty.
    #[error("没有要印制的证书")]
    NothingWanted,
    /// The rosters could not be read.
    #[error(transparent)]
    Rosters(#[from] RosterError),
    /// `--out` is inside a built site.
    #[error("输出目录在站点 {} 之内：证书页面有完整的姓名和证件号码，绝不能发布；请换一个目录", .0.display())]
    IntoSite(PathBuf),
    /// The page template failed.
    #[error("证书页面模板：{0}")]
    Template(#[from] minijinja::Error),
    /// A QR code could not be made.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// Chromium could not be started.
    #[error("无法运行 chromium 生成 PDF：{}", os_message(.0))]
    Chromium(std::io::Error),
    /// Chromium ran but wrote no PDF.
    #[error("chromium 未能生成 {}", .0.display())]
    NoPdf(PathBuf),
}

/// Why a roster row is not printed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// No verified signed statement has its code.
    #[error("{0}：没有通过验证的签名记录，不能印制")]
    NotSigned(String),
    /// The certificate is revoked.
    #[error("{0}：证书已撤销，不能印制")]
    Revoked(String),
    /// The statement's iteration count cannot be used.
    #[error("{0}：迭代次数无效")]
    BadIterations(String),
    /// The row says something else than what was signed.
    #[error(
        "{0}：名册与已签名的证书不一致（姓名、证件号码、职业、等级、等级称号、评价方式或日期）"
    )]
    Disagrees(String),
}

/// Prints the certificates `opts` asks for.
pub(crate) fn print(opts: &PrintOptions) -> Result<PrintReport, PrintError> {
    // Full names and ID numbers never go into a published site.
    if let Some(site) = enclosing_site(&opts.out) {
        return Err(PrintError::IntoSite(site));
    }
    // A mistyped photo folder would print empty frames without a word.
    if let Some(dir) = &opts.photos {
        std::fs::read_dir(dir).fs(FsAction::List, dir)?;
    }
    let config = Config::load(&opts.data)?;
    let folder = DataFolder::with_config(&opts.data, &config)?;
    let verifier = folder.verifier(opts.today);
    let Verified {
        chain,
        problems: data_problems,
        ..
    } = crate::data::dataset::verify_files(&verifier, &folder.dataset_files()?, Vec::new());
    let Rosters {
        rows,
        mut problems,
        notes,
        ..
    } = read_rosters(&roster_paths(opts), &verifier.options)?;
    let wanted = select(&rows, opts)?;
    // The name and ID number printed must hash to the signed statement.
    let checked: Vec<Result<Printable, Refusal>> = wanted
        .par_iter()
        .map(|row| {
            check_row(row, &chain).map(|signed| Printable {
                row,
                signed,
                photo: find_photo(opts.photos.as_deref(), row),
            })
        })
        .collect();
    let mut printable = Vec::new();
    for c in checked {
        match c {
            Ok(p) => printable.push(p),
            Err(refusal) => problems.push(Problem::file(&opts.data, refusal.to_string())),
        }
    }
    if !printable.is_empty() {
        write_pages(&render_all(&printable, &config, &folder.root)?, &opts.out)?;
        copy_photos(&printable, &opts.out)?;
        if opts.pdf {
            for p in &printable {
                print_pdf(&opts.out, &p.row.code)?;
            }
        }
    }
    Ok(PrintReport {
        printed: printable.len(),
        problems,
        data_problems: data_problems.len(),
        notes,
    })
}

/// The rosters named, or [`DEFAULT_ROSTERS`] in the data folder.
fn roster_paths(opts: &PrintOptions) -> Vec<PathBuf> {
    if opts.rosters.is_empty() {
        vec![opts.data.join(DEFAULT_ROSTERS)]
    } else {
        opts.rosters.clone()
    }
}

/// The rows asked for: an institution's, or the listed codes in order.
fn select<'a>(
    rows: &'a [CertificateRow],
    opts: &PrintOptions,
) -> Result<Vec<&'a CertificateRow>, PrintError> {
    let wanted: Vec<&CertificateRow> = match &opts.institution {
        Some(filing) => {
            let filing = normalize_input(filing);
            rows.iter()
                .filter(|r| r.code.filing.as_string() == filing)
                .collect()
        }
        None => opts
            .codes
            .iter()
            .map(|raw| {
                let code = CertCode::parse(raw).map_err(|problem| PrintError::BadCode {
                    raw: raw.clone(),
                    problem,
                })?;
                rows.iter()
                    .find(|r| r.code == code)
                    .ok_or(PrintError::NotInRoster(code))
            })
            .collect::<Result<_, _>>()?,
    };
    if wanted.is_empty() {
        return Err(PrintError::NothingWanted);
    }
    Ok(wanted)
}

/// Writes the pages and the stylesheet into `out`.
fn write_pages(pages: &BTreeMap<String, String>, out: &Path) -> Result<(), FsError> {
    std::fs::create_dir_all(out).fs(FsAction::CreateDir, out)?;
    for (name, text) in pages {
        write_atomic(&out.join(name), text.as_bytes())?;
    }
    Ok(())
}

/// Prints `<code>.html` in `out` to `<code>.pdf` with headless Chromium.
fn print_pdf(out: &Path, code: &CertCode) -> Result<(), PrintError> {
    let html_path = out.join(format!("{code}.html"));
    let html = std::path::absolute(&html_path).fs(FsAction::Read, &html_path)?;
    let pdf = out.join(format!("{code}.pdf"));
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(PrintError::Chromium)?;
    if !status.success() || !pdf.is_file() {
        return Err(PrintError::NoPdf(pdf));
    }
    Ok(())
}

/// The print stylesheet, written beside the pages.
pub(crate) const PRINT_CSS: &str = include_str!("../../site-templates/print/certificate.css");

/// The page template.
const PAGE_TEMPLATE: &str = include_str!("../../site-templates/print/certificate.html");

/// A certificate ready to print: the issuer's row, checked against the chain.
pub(crate) struct Printable<'a> {
    /// The roster row (unmasked).
    pub row: &'a CertificateRow,
    /// What the page prints from the signed statement.
    pub signed: Signed,
    /// The holder's photo, if one was found.
    pub photo: Option<Photo>,
}

/// What a page takes from the signed statement rather than the roster.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Signed {
    /// Institution name as filed (附件6 注2: as the authority published it).
    pub institution: String,
    /// 评价方式, as signed.
    pub method: Option<String>,
    /// 等级称号 (特级技师, 首席技师), as signed.
    pub tier: Option<String>,
}

/// Folder of the photos' copies beside the pages.
const PHOTOS_DIR: &str = "photos";

/// A holder's photo: the file found, and the copy the page links to,
/// `photos/<code>.<ext>` beside the pages, so that the print folder works
/// wherever it is moved or opened (Chromium's PDF included).
#[derive(Debug)]
pub(crate) struct Photo {
    /// The file in the photos folder.
    pub source: PathBuf,
    /// The copy, relative to the pages.
    pub link: String,
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
/// row (code, level, date, occupation, title, method) and its hashes match
/// the name and ID.
pub(crate) fn check_row(row: &CertificateRow, chain: &Chain) -> Result<Signed, Refusal> {
    let code = row.code.as_string();
    let Some(signed) = chain.certificates.get(&code) else {
        return Err(Refusal::NotSigned(code));
    };
    if chain.revocations.contains_key(&code) {
        return Err(Refusal::Revoked(code));
    }
    let s = &signed.statement;
    let Ok(iterations) = u32::try_from(s.iterations) else {
        return Err(Refusal::BadIterations(code));
    };
    let agrees = s.level == i64::from(row.level.digit())
        && s.issued_on == row.issued_on.to_string()
        && s.occupation_code == row.occupation_code
        && s.subtype == row.subtype
        && s.tier == row.tier
        && s.method == row.method
        && certsite_core::trust::privacy::name_hash(&row.name, &code, iterations) == s.name_hash
        && certsite_core::trust::privacy::id_hash(&row.id_number, &code, iterations) == s.id_hash;
    if !agrees {
        return Err(Refusal::Disagrees(code));
    }
    Ok(Signed {
        institution: s.institution.clone(),
        method: s.method.clone(),
        tier: s.tier.clone(),
    })
}

/// The HTML page of one certificate; `root` is the data folder's root key,
/// whose short fingerprint goes under the QR code.
pub(crate) fn page(p: &Printable, config: &Config, root: &PublicKey) -> Result<String, PrintError> {
    let r = p.row;
    let code = r.code.as_string();
    let qr = Symbol::new(&verify_url(&config.base_url, &code, Some(&r.name)))?;
    let level = r.level.name();
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
        level => verbatim_if_plain(level),
        title => &p.signed.tier,
        method => p.signed.method.as_deref().and_then(notice_method),
        date,
        institution => &p.signed.institution,
        site => verbatim_if_plain(&config.base_url),
        photo => p.photo.as_ref().map(|photo| verbatim_if_plain(&photo.link)),
        // Our own SVG: the URL in its title is escaped by `Symbol::svg`.
        qr => Value::from_safe_string(qr.svg()),
        root_fingerprint => root.short_fingerprint(),
    };
    Ok(super::render_page(
        "print/certificate.html",
        PAGE_TEMPLATE,
        ctx,
    )?)
}

/// Finds a photo named after the code or the document number.
pub(crate) fn find_photo(dir: Option<&Path>, row: &CertificateRow) -> Option<Photo> {
    let dir = dir?;
    let code = row.code.as_string();
    // A document number is the issuer's text: only ever a plain file name.
    let plain = |stem: &String| !stem.contains(['/', '\\']) && !stem.starts_with('.');
    let stems = [code.clone(), row.id_number.clone()];
    for stem in stems.iter().filter(|s| plain(s)) {
        for ext in ["jpg", "jpeg", "png"] {
            let source = dir.join(format!("{stem}.{ext}"));
            if source.is_file() {
                let link = format!("{PHOTOS_DIR}/{code}.{ext}");
                return Some(Photo { source, link });
            }
        }
    }
    None
}

/// Copies each photo to where its page links it.
fn copy_photos(printable: &[Printable], out: &Path) -> Result<(), FsError> {
    for photo in printable.iter().filter_map(|p| p.photo.as_ref()) {
        let bytes = std::fs::read(&photo.source).fs(FsAction::Read, &photo.source)?;
        write_atomic(&out.join(&photo.link), &bytes)?;
    }
    Ok(())
}

/// Pages by code, plus the stylesheet, for the selected rows.
pub(crate) fn render_all(
    printables: &[Printable],
    config: &Config,
    root: &PublicKey,
) -> Result<BTreeMap<String, String>, PrintError> {
    let mut out = BTreeMap::new();
    for p in printables {
        out.insert(format!("{}.html", p.row.code), page(p, config, root)?);
    }
    out.insert("certificate.css".to_string(), PRINT_CSS.to_string());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use certsite_core::domain::code::CertCode;
    use certsite_core::domain::id_document::IdType;
    use certsite_core::domain::level::Level;
    use certsite_core::trust::keys::SecretKey;

    fn row(name: &str) -> CertificateRow {
        CertificateRow {
            line: 2,
            code: CertCode::parse("Y000021013002241000001").unwrap(),
            name: name.into(),
            id_type: IdType::ResidentId,
            id_number: "210112198103110613".into(),
            occupation: "铣工".into(),
            subtype: Some("数控<铣>工".into()),
            occupation_code: "6-18-01-02".into(),
            level: Level::parse("一级").unwrap(),
            issued_on: jiff::civil::date(2024, 12, 17),
            tier: Some("首席技师".into()),
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

    fn root() -> PublicKey {
        SecretKey::from_seed([1; 32]).public()
    }

    fn signed(institution: &str, method: Option<&str>, tier: Option<&str>) -> Signed {
        Signed {
            institution: institution.into(),
            method: method.map(str::to_string),
            tier: tier.map(str::to_string),
        }
    }

    #[test]
    fn hostile_roster_text_is_escaped_and_the_qr_code_is_not() {
        let row = row("<script>alert('x')</script>");
        // A photo whose file name would break out of the attribute: the
        // page links its copy, named after the code, never the file.
        let photos = tempfile::tempdir().unwrap();
        let hostile = photos.path().join("x\" onerror=\"alert(1)");
        std::fs::create_dir(&hostile).unwrap();
        std::fs::write(hostile.join("Y000021013002241000001.jpg"), "jpeg").unwrap();
        let p = Printable {
            row: &row,
            signed: signed("A&B \"厂\"", Some("<b>考核测评</b>"), Some("首席\"技师\"")),
            photo: find_photo(Some(&hostile), &row),
        };
        let html = page(&p, &config(), &root()).unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains(
                "<p class=\"body\">经本单位职业技能等级认定，&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt;同志"
            ),
            "{html}"
        );
        assert!(html.contains("<dd>数控&lt;铣&gt;工</dd>"), "{html}");
        assert!(
            html.contains("<dt>等级称号</dt><dd>首席&quot;技师&quot;</dd>"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"issuer\">A&amp;B &quot;厂&quot;<br>2024年12月17日</p>"),
            "{html}"
        );
        assert!(
            html.contains("src=\"photos/Y000021013002241000001.jpg\""),
            "{html}"
        );
        assert!(!html.contains("onerror"), "{html}");
        assert!(
            html.contains("<p class=\"site\">证书查询网址：https://x.example/c/</p>"),
            "{html}"
        );
        // The SVG is ours and goes in as markup.
        assert!(html.contains("<figure class=\"qr\"><svg xmlns="), "{html}");
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn plain_values_read_as_before() {
        let mut row = row("陈诺睿");
        row.subtype = None;
        row.tier = None;
        row.level = Level::parse("二级").unwrap();
        let p = Printable {
            row: &row,
            signed: signed("沈阳鼓风机集团股份有限公司", Some("综合评审"), None),
            photo: None,
        };
        let html = page(&p, &config(), &root()).unwrap();
        assert!(
            html.contains("经综合评审，陈诺睿同志的职业技能达到铣工职业二级/技师水平，特发此证。"),
            "{html}"
        );
        assert!(html.contains("<dt>工种名称</dt><dd>——</dd>"), "{html}");
        assert!(!html.contains("等级称号"), "{html}");
        assert!(
            html.contains(
                "<div class=\"top\"><div class=\"photo empty\">2寸白底<br>彩色照片</div>"
            ),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "<figcaption>根密钥指纹<br><span class=\"fingerprint\">{}</span></figcaption>",
                root().short_fingerprint()
            )),
            "{html}"
        );
    }

    /// A method the notice does not name (an older word, free text) is
    /// not printed as one: the sentence claims no method.
    #[test]
    fn only_the_notices_methods_are_named_in_the_sentence() {
        let row = row("陈诺睿");
        for (method, opening) in [
            (Some("考核测评"), "经考核测评，"),
            (Some("综合评审"), "经综合评审，"),
            (Some("过程考核"), "经过程考核，"),
            (Some("竞赛选拔"), "经竞赛选拔，"),
            (Some("考核评价"), "经本单位职业技能等级认定，"),
            (None, "经本单位职业技能等级认定，"),
        ] {
            let p = Printable {
                row: &row,
                signed: signed("沈阳鼓风机集团股份有限公司", method, Some("首席技师")),
                photo: None,
            };
            let html = page(&p, &config(), &root()).unwrap();
            let sentence = format!(
                "<p class=\"body\">{opening}陈诺睿同志的职业技能达到铣工（数控&lt;铣&gt;工）职业一级/高级技师水平，特发此证。</p>"
            );
            assert!(html.contains(&sentence), "{method:?}: {html}");
            assert!(!html.contains("考核评价"), "{html}");
        }
    }
}
