//! `certsite print`: 附件6 certificates from the issuer's own roster, only for
//! certificates whose signed statements verify and agree with the roster.

use std::fs;

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
        "width=\"30mm\" height=\"30mm\"",
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
