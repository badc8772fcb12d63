//! `certsite qr` and `certsite build --qr-out`: QR codes decode back to the
//! verify URL, at 30 mm, never published with the site.

use std::fs;
use std::path::Path;

use crate::support::*;

#[test]
fn every_symbol_decodes_back_to_its_url() {
    for name in [
        None,
        Some("张三丰"),
        Some("买买提·艾力"),
        Some("John Smith"),
    ] {
        let url = certsite::issuer::qr::verify_url(
            "https://certsite.example/",
            "Y000021013002243000001",
            name,
        );
        let symbol = certsite::issuer::qr::Symbol::new(&url).unwrap();
        assert_eq!(decode_png(&symbol.png(4).unwrap()), url);
    }
}

#[test]
fn qr_png_with_a_name_decodes_to_the_verify_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("qr.png");
    let data = repo().join("data");
    let (code, _, err) = run(certsite().args([
        "qr",
        "Y000021013002243000001",
        "--name",
        "张三丰",
        "--out",
        out.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("纠错等级 Q"), "{err}");
    assert_eq!(
        decode_png(&fs::read(&out).unwrap()),
        "https://certsite.example/verify/#Y000021013002243000001&name=%E5%BC%A0%E4%B8%89%E4%B8%B0"
    );
}

#[test]
fn qr_svg_modules_are_30_mm_and_bad_codes_are_refused() {
    let data = repo().join("data");
    let (code, svg, _) = run(certsite().args([
        "qr",
        "Y000021013002243000001",
        "--data",
        data.to_str().unwrap(),
    ]));
    assert_eq!(code, 0);
    // Version 4: 33 modules fill 30 mm, the 4-module quiet zone is white
    // margin outside them: 41 modules of 30/33 mm, 37.273 mm in all.
    assert!(
        svg.starts_with("<svg")
            && svg.contains("width=\"37.273mm\" height=\"37.273mm\" viewBox=\"0 0 41 41\""),
        "{svg}"
    );
    let (code, _, err) = run(certsite().args([
        "qr",
        "Y000021013002247000001",
        "--data",
        data.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("第16位（等级代码）为 7，应为 1-5"), "{err}");
}

#[test]
fn qr_writes_the_format_its_file_name_says_and_refuses_others() {
    let data = repo().join("data");
    let dir = tempfile::tempdir().unwrap();
    let qr = |name: &str| {
        let out = dir.path().join(name);
        let mut cmd = certsite();
        cmd.args(["qr", "Y000021013002243000001", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out);
        (run(&mut cmd), out)
    };
    for name in ["q.gif", "q"] {
        let ((code, _, err), out) = qr(name);
        assert_eq!(code, 2, "{name}");
        assert!(err.contains("只能写 .svg 或 .png"), "{err}");
        assert!(!out.exists(), "{name} written");
    }
    let ((code, _, err), out) = qr("Q.SVG");
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
}

#[test]
fn the_build_writes_one_qr_code_per_certificate_outside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let (out, qr) = (dir.path().join("public"), dir.path().join("qr"));
    let data = repo().join("data");
    let (code, stdout, err) = run(certsite().args([
        "build",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--qr-out",
        qr.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stdout}{err}");
    let files: Vec<_> = fs::read_dir(&qr).unwrap().collect();
    assert_eq!(files.len(), 3000);
    let svg = fs::read_to_string(qr.join("Y000021013002244000001.svg")).unwrap();
    assert!(svg.contains("https://certsite.example/verify/#Y000021013002244000001"));
    assert!(
        !tree(&out)
            .keys()
            .any(|p| p.ends_with(".svg") && p.contains("Y0000")),
        "not published"
    );
    let (code, _, err) = run(certsite().args([
        "build",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--qr-out",
        out.join("qr").to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("不能在站点目录"), "{err}");
}

/// The log's state is published with every site: QR codes written into it
/// would be published, and break the log's audit, at every later build.
#[test]
fn qr_codes_are_never_put_where_the_build_publishes_or_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let out = dir.path().join("public");
    let build_with_qr = |qr: &Path| {
        run(certsite()
            .args(["build", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .arg("--qr-out")
            .arg(qr))
    };
    let (code, _, err) = build_with_qr(&data.join("log/tile/qr"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("在日志目录"), "{err}");
    let (code, _, err) = build_with_qr(&dir.path().join("public.skipped.txt"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("跳过报告的位置"), "{err}");
    assert!(!out.exists() && !data.join("log/tile/qr").exists());
    // A folder where the build lists what it left out is refused before
    // anything is written, not found after the site is in place.
    fs::create_dir(dir.path().join("public.skipped.txt")).unwrap();
    let (code, _, err) = build_with_qr(&dir.path().join("qr"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("是目录"), "{err}");
    assert!(!out.exists() && !dir.path().join("qr").exists());
    fs::remove_dir(dir.path().join("public.skipped.txt")).unwrap();
    // Whatever else is put in the log's folder is not published as the log's.
    fs::write(data.join("log/tile/notes.txt"), "mine").unwrap();
    let (code, stdout, err) = build_with_qr(&dir.path().join("qr"));
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(!out.join("log/tile/notes.txt").exists());
    assert!(out.join("log/tile/entries").is_dir());
}
