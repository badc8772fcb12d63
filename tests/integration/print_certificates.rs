//! `certsite print`: 附件6 certificates from the issuer's own roster, only for
//! certificates whose signed statements verify and agree with the roster:
//! the sentence names only the signed method, the seal has its marked place,
//! a level title stands apart from the level, and the QR code's modules fill
//! 30 mm with the root key's short fingerprint under them.

use std::fs;
use std::path::PathBuf;

use crate::support::*;

/// The first roster row of 沈阳鼓风机's second key: (code, name, ID number).
fn roster_row() -> (String, String, String) {
    let bytes =
        fs::read(repo().join("data/demo-rosters/certificates/Y000021013002-2.csv")).unwrap();
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => String::from_utf8(utf8.to_vec()).unwrap(),
        None => encoding_rs::GBK.decode(&bytes).0.into_owned(),
    };
    let cols: Vec<String> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    (cols[1].clone(), cols[2].clone(), cols[5].clone())
}

#[test]
fn prints_the_layout_of_attachment_6_with_the_full_name_and_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (code, name, id) = roster_row();
    let out = dir.path().join("print");
    let (status, stdout, err) = run(certsite().args([
        "print",
        "--data",
        repo().join("data").to_str().unwrap(),
        "--code",
        &code,
        "--out",
        out.to_str().unwrap(),
        "--pdf",
    ]));
    assert_eq!(status, 0, "{stdout}{err}");
    let html = fs::read_to_string(out.join(format!("{code}.html"))).unwrap();
    for expected in [
        "<h1>职业技能等级证书</h1>",
        name.as_str(),
        id.as_str(),
        code.as_str(),
        "沈阳鼓风机集团股份有限公司",
        "<figure class=\"qr\"><svg xmlns=",
        "证书查询网址：https://certsite.example/",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    let css = fs::read_to_string(out.join("certificate.css")).unwrap();
    for rule in [
        "size: A4 landscape",
        "width: 269mm; height: 188mm; border: 2.25pt solid",
        "font-size: 30pt",
        "font-size: 14pt",
        "STKaiti",
    ] {
        assert!(css.contains(rule), "missing {rule}");
    }
    let pdf = fs::read(out.join(format!("{code}.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // A4 landscape: 841.92 × 594.96 points.
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("/MediaBox [0 0 841.91998 594.95996]"),
        "not one A4 landscape page"
    );
}

#[test]
fn refuses_rows_that_disagree_with_the_signed_certificate_or_are_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let (code, name, _) = roster_row();
    let bytes =
        fs::read(repo().join("data/demo-rosters/certificates/Y000021013002-2.csv")).unwrap();
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => String::from_utf8(utf8.to_vec()).unwrap(),
        None => encoding_rs::GBK.decode(&bytes).0.into_owned(),
    };
    // Someone edits the roster: another name on a signed certificate.
    let forged = dir.path().join("roster.csv");
    write_utf8_bom(&forged, &text.replacen(&name, "王冒名", 1));
    let (status, _, err) = run(certsite().args([
        "print",
        "--data",
        repo().join("data").to_str().unwrap(),
        "--roster",
        forged.to_str().unwrap(),
        "--code",
        &code,
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]));
    assert_eq!(status, 1);
    assert!(err.contains("名册与已签名的证书不一致"), "{err}");
    assert!(!dir.path().join("out").join(format!("{code}.html")).exists());
}

#[test]
fn print_judges_dates_by_its_today_argument_and_says_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    // 沈阳鼓风机's first roster ends on 2023-12-12; the rest of the demo data
    // is dated later, so on 2023-12-31 it fails as dated in the future.
    let (status, stdout, err) = run(certsite().args([
        "print",
        "--data",
        repo().join("data").to_str().unwrap(),
        "--roster",
        repo()
            .join("data/demo-rosters/certificates/Y000021013002.csv")
            .to_str()
            .unwrap(),
        "--code",
        "Y000021013002233000001",
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--today",
        "2023-12-31",
    ]));
    assert_eq!(status, 0, "{err}");
    assert!(stdout.contains("已生成 1 份证书"), "{stdout}");
    assert!(
        err.contains("数据目录中有") && err.contains("未通过验证的证书不能印制"),
        "{err}"
    );
}

/// An issuer's roster folder holds more than rosters (the directory, a
/// revocation list, a note): those are skipped, with a note each. The
/// pages link a copy of the photo beside them, never an absolute path, so
/// the print folder can be moved or opened on another machine.
#[test]
fn a_roster_folder_with_other_files_prints_and_the_pages_link_their_own_photos() {
    let dir = tempfile::tempdir().unwrap();
    let (code, name, _) = roster_row();
    let demo = repo().join("data/demo-rosters");
    let rosters = dir.path().join("rosters");
    fs::create_dir(&rosters).unwrap();
    for (from, to) in [
        ("certificates/Y000021013002-2.csv", "Y000021013002-2.csv"),
        ("directory.csv", "附件4 机构目录.csv"),
        ("revocations/Y001121011001.csv", "撤销.csv"),
    ] {
        fs::copy(demo.join(from), rosters.join(to)).unwrap();
    }
    fs::write(rosters.join("README.txt"), "每月的名册放在这里。\n").unwrap();
    let photos = dir.path().join("photos");
    fs::create_dir(&photos).unwrap();
    let jpeg = b"\xff\xd8\xff\xe0 not really a photo".to_vec();
    fs::write(photos.join(format!("{code}.jpg")), &jpeg).unwrap();
    let out = dir.path().join("print");
    let (status, stdout, err) = run(certsite()
        .args(["print", "--data"])
        .arg(repo().join("data"))
        .arg("--roster")
        .arg(&rosters)
        .arg("--photos")
        .arg(&photos)
        .args(["--code", &code, "--out"])
        .arg(&out));
    assert_eq!(status, 0, "{stdout}{err}");
    // Once the command line prints the notes:
    assert!(
        err.contains("注意：跳过") && err.contains("表头是机构目录（附件4）"),
        "{err}"
    );
    // Moved elsewhere, the print folder keeps everything its page links.
    let moved = dir.path().join("moved");
    fs::rename(&out, &moved).unwrap();
    fs::remove_dir_all(&photos).unwrap();
    let html = fs::read_to_string(moved.join(format!("{code}.html"))).unwrap();
    assert!(html.contains(&name));
    let link = format!("photos/{code}.jpg");
    assert!(html.contains(&format!("src=\"{link}\"")), "{html}");
    assert_eq!(fs::read(moved.join(&link)).unwrap(), jpeg);
    let root = dir.path().to_string_lossy();
    assert!(
        !html.contains(root.as_ref()) && !html.contains("file:"),
        "{html}"
    );
}

/// A new deployment (`certsite init`) with one enterprise whose roster has a
/// certificate for each of the notice's four methods, one with an older word
/// (考核评价), one with none and one 首席技师, all signed and reviewed.
struct Deployment {
    dir: tempfile::TempDir,
}

/// (code, name, 评价方式, 等级称号) of the fixture's roster.
const ROWS: [(&str, &str, &str, &str); 7] = [
    ("Y000021013999244000001", "赵一", "考核测评", ""),
    ("Y000021013999244000002", "钱二", "综合评审", ""),
    ("Y000021013999244000003", "孙三", "过程考核", ""),
    ("Y000021013999244000004", "李四", "竞赛选拔", ""),
    ("Y000021013999244000005", "周五", "考核评价", ""),
    ("Y000021013999244000006", "吴六", "", ""),
    ("Y000021013999241000001", "郑七", "综合评审", "首席技师"),
];

impl Deployment {
    fn new() -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let ok = |(code, out, err): (i32, String, String)| assert_eq!(code, 0, "{out}{err}");
        ok(run(certsite()
            .arg("init")
            .arg(&site)
            .args(["--title", "t", "--authority", "辽宁省人力资源和社会保障厅"])
            .args(["--base-url", "https://certs.example.gov.cn/"])));
        let config = site.join("certsite.toml");
        let text = fs::read_to_string(&config).unwrap();
        assert!(text.contains("\nmin_iterations = 1000000\n"), "{text}");
        fs::write(
            &config,
            text.replace("\nmin_iterations = 1000000\n", "\nmin_iterations = 1000\n"),
        )
        .unwrap();
        let d = Deployment { dir };
        fs::create_dir(d.site().join("in")).unwrap();
        for (out, label) in [
            ("keys/Y000021013999", "示例企业有限公司"),
            ("keys/city-01", "沈阳市公共就业服务机构主管部门"),
        ] {
            ok(run(certsite()
                .args(["keygen", "--out"])
                .arg(d.site().join(out))
                .args(["--label", label])));
        }
        write_utf8_bom(
            &d.site().join("in/directory.csv"),
            "序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n\
             1,示例企业有限公司,沈阳市示例路1号,示例联系人,024-00000000,Y000021013999,焊工,——,6-18-02-04,五级-一级,2024-01-05,2027-01-04,../keys/Y000021013999.pub\n",
        );
        write_utf8_bom(
            &d.site().join("in/cities.csv"),
            "市代码,审核机构名称,签名公钥,有效期自,有效期至,审核要求起始日\n\
             01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2024-01-05,,\n",
        );
        let mut roster = String::from(
            "序号,证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期,评价机构,评价方式,等级称号\n",
        );
        let mut decisions = String::from("证书编号,审核结果,审核日期,原因\n");
        for (i, (code, name, method, title)) in ROWS.iter().enumerate() {
            let level = if title.is_empty() {
                "四级/中级工"
            } else {
                "一级/高级技师"
            };
            roster.push_str(&format!(
                "{},{code},{name},居民身份证,11010519491231002X,焊工,——,6-18-02-04,{level},2024-06-01,示例企业有限公司,{method},{title}\n",
                i + 1
            ));
            decisions.push_str(&format!("{code},通过,2024-05-20,\n"));
        }
        write_utf8_bom(&d.roster(), &roster);
        write_utf8_bom(&d.site().join("in/decisions.csv"), &decisions);
        let site_arg = d.site();
        let sign = |key: &str, input: &str, out: &str| {
            ok(run(certsite()
                .args(["sign", "--key"])
                .arg(d.site().join(key))
                .arg("--input")
                .arg(d.site().join(input))
                .arg("--out")
                .arg(d.site().join(out))
                .arg("--data")
                .arg(&site_arg)
                .args([
                    "--iterations",
                    "1000",
                    "--insecure-low-iterations",
                ])));
        };
        sign(
            "keys/root.key",
            "in/directory.csv",
            "directory/directory.jsonl",
        );
        sign("keys/root.key", "in/cities.csv", "cities/cities.jsonl");
        sign(
            "keys/Y000021013999.key",
            "in/roster.csv",
            "certificates/Y000021013999.jsonl",
        );
        ok(run(certsite()
            .args(["review", "--key"])
            .arg(d.site().join("keys/city-01.key"))
            .arg("--input")
            .arg(d.site().join("certificates/Y000021013999.jsonl"))
            .arg("--decisions")
            .arg(d.site().join("in/decisions.csv"))
            .arg("--data")
            .arg(d.site())
            .arg("--out")
            .arg(d.site().join("reviews/01.jsonl"))));
        d
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn roster(&self) -> PathBuf {
        self.site().join("in/roster.csv")
    }

    /// Prints every certificate of the enterprise; the pages by code.
    fn print(&self) -> (PathBuf, std::collections::BTreeMap<String, String>) {
        let out = self.dir.path().join("print");
        let (status, stdout, err) = run(certsite()
            .args(["print", "--data"])
            .arg(self.site())
            .arg("--roster")
            .arg(self.roster())
            .args([
                "--institution",
                "Y000021013999",
                "--today",
                "2024-12-31",
                "--out",
            ])
            .arg(&out));
        assert_eq!(status, 0, "{stdout}{err}");
        assert!(
            stdout.contains(&format!("已生成 {} 份证书", ROWS.len())),
            "{stdout}"
        );
        let pages = ROWS
            .iter()
            .map(|(code, ..)| {
                let html = fs::read_to_string(out.join(format!("{code}.html"))).unwrap();
                (code.to_string(), html)
            })
            .collect();
        (out, pages)
    }
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

#[test]
fn the_sentence_names_only_a_method_of_the_notice_that_the_record_signs() {
    let d = Deployment::new();
    let (_, pages) = d.print();
    let opening = |method: &str| match method {
        "考核测评" | "综合评审" | "过程考核" | "竞赛选拔" => {
            format!("经{method}，")
        }
        // An older word, or none: the sentence claims no method.
        _ => "经本单位职业技能等级认定，".to_string(),
    };
    for (code, name, method, title) in ROWS {
        let html = &pages[code];
        let level = if title.is_empty() {
            "四级/中级工"
        } else {
            "一级/高级技师"
        };
        let sentence = format!(
            "{}{name}同志的职业技能达到焊工职业{level}水平，特发此证。",
            opening(method)
        );
        assert_eq!(
            between(html, "<p class=\"body\">", "</p>"),
            sentence,
            "{code}"
        );
        assert!(
            !html.contains("考核评价"),
            "{code}: the older word is never printed"
        );
        assert!(!html.contains("你已达到"), "{code}");
    }
}

#[test]
fn a_level_title_has_its_own_field_apart_from_the_level() {
    let d = Deployment::new();
    let (_, pages) = d.print();
    let chief = &pages["Y000021013999241000001"];
    assert!(
        chief.contains(
            "<dt>职业技能等级</dt><dd>一级/高级技师</dd><dt>等级称号</dt><dd>首席技师</dd>"
        ),
        "{chief}"
    );
    assert!(!chief.contains("高级技师（首席技师）"), "{chief}");
    assert!(
        between(chief, "<p class=\"body\">", "</p>").contains("职业一级/高级技师水平"),
        "{chief}"
    );
    // Without a title, no such field.
    assert!(!pages["Y000021013999244000001"].contains("等级称号"));
}

#[test]
fn the_seal_has_a_marked_place_and_the_empty_frame_names_the_photo() {
    let d = Deployment::new();
    let (out, pages) = d.print();
    let html = &pages["Y000021013999244000001"];
    // 附件6 注2: the institution's seal, or its HR department's in its place,
    // beside the institution's name and the date; a place, not a seal.
    assert!(
        html.contains(
            "<div class=\"signed\"><div class=\"seal\"><span class=\"seal-label\">评价机构印章</span><span class=\"seal-note\">（可使用本企业<br>人事劳动保障<br>工作机构代章）</span></div>\n<p class=\"issuer\">示例企业有限公司<br>2024年6月1日</p></div>"
        ),
        "{html}"
    );
    let text = html.replace("<br>", "");
    assert!(
        text.contains("（可使用本企业人事劳动保障工作机构代章）"),
        "{html}"
    );
    assert!(
        text.contains("<div class=\"photo empty\">2寸白底彩色照片</div>"),
        "{html}"
    );
    // 附件6 注3: no 工种, printed ——.
    assert!(html.contains("<dt>工种名称</dt><dd>——</dd>"), "{html}");
    let css = fs::read_to_string(out.join("certificate.css")).unwrap();
    assert!(
        css.contains(".seal { flex: none; width: 38mm; height: 38mm; border: 0.75pt dashed"),
        "{css}"
    );
}

#[test]
fn the_fingerprint_under_the_qr_code_is_the_start_of_the_trust_pages() {
    let d = Deployment::new();
    let (_, pages) = d.print();
    let site = d.dir.path().join("public");
    let (status, stdout, err) = run(certsite()
        .args(["build", "--data"])
        .arg(d.site())
        .arg("--out")
        .arg(&site));
    assert_eq!(status, 0, "{stdout}{err}");
    let trust = fs::read_to_string(site.join("trust/index.html")).unwrap();
    let whole = between(&trust, "<code class=\"fingerprint\">", "</code>");
    assert_eq!(whole.len(), 64 + 15, "{whole}");
    let printed = between(
        &pages["Y000021013999244000001"],
        "<figcaption>根密钥指纹<br><span class=\"fingerprint\">",
        "</span>",
    );
    // The first 16 hex digits, in groups of four.
    assert_eq!(printed, &whole[..19]);
    assert!(printed.split(' ').all(|g| g.len() == 4), "{printed}");
}

/// The printed SVG read back: its width in mm, its side in modules (quiet
/// zone included) and its dark modules.
fn read_svg(svg: &str) -> (f64, usize, Vec<(usize, usize)>) {
    let width: f64 = between(svg, " width=\"", "mm\"").parse().unwrap();
    assert_eq!(
        between(svg, " height=\"", "mm\""),
        between(svg, " width=\"", "mm\"")
    );
    let view = between(svg, "viewBox=\"0 0 ", "\"");
    let side: usize = view.split(' ').next().unwrap().parse().unwrap();
    let dark = between(svg, "<path fill=\"#000\" d=\"", "\"")
        .split('M')
        .filter(|m| !m.is_empty())
        .map(|m| {
            let xy = m.strip_suffix("h1v1h-1z").unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    (width, side, dark)
}

#[test]
fn the_qr_codes_modules_fill_30_mm_with_the_quiet_zone_outside_and_decode() {
    let d = Deployment::new();
    let (_, pages) = d.print();
    for (code, name, ..) in ROWS {
        let svg = between(&pages[code], "<figure class=\"qr\">", "<figcaption>");
        let (width_mm, side, dark) = read_svg(svg);
        let min = dark.iter().map(|&(x, y)| x.min(y)).min().unwrap();
        let max = dark.iter().map(|&(x, y)| x.max(y)).max().unwrap();
        // The finder patterns sit in the corners: the modules span min..=max.
        let modules = max - min + 1;
        assert_eq!(
            (min, side - 1 - max),
            (4, 4),
            "{code}: a 4-module quiet zone each side"
        );
        let module_area = width_mm * modules as f64 / side as f64;
        assert!(
            (module_area - 30.0).abs() < 0.01,
            "{code}: modules span {module_area} mm"
        );
        // Drawn 4 pixels a module, as printed, it decodes to the verify URL.
        let scale = 4;
        let px = side * scale;
        let mut grey = vec![255u8; px * px];
        for &(x, y) in &dark {
            for dy in 0..scale {
                let row = (y * scale + dy) * px;
                grey[row + x * scale..row + (x + 1) * scale].fill(0);
            }
        }
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| grey[y * px + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "{code}");
        let url = grids[0].decode().unwrap().1;
        assert_eq!(
            url,
            certsite::issuer::qr::verify_url("https://certs.example.gov.cn/", code, Some(name))
        );
    }
}
