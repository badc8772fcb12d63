//! `certsite build`: fixture sites in temp folders, one per rule; the demo
//! data; determinism; atomic output; snapshots of pages and the file tree.

use std::fs;
use std::path::{Path, PathBuf};

use certsite_core::trust::statement::Statement;

use crate::support::*;

const CONFIG: &str = "title = \"测试站点\"\nauthority = \"测试根\"\nbase_url = \"https://certsite.example/sub/\"\n\n[log]\nkey = \"keys/log.key\"\n";
/// The log's origin for the fixture's base URL.
const ORIGIN: &str = "certsite.example/sub/log";

/// A data folder with the small world: directory plus the given certificate lines.
pub(crate) fn fixture(
    dir: &Path,
    w: &World,
    certs: &[String],
    extra: &[(&str, Vec<String>)],
) -> PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(data.join("pages")).unwrap();
    fs::write(data.join("certsite.toml"), CONFIG).unwrap();
    fs::write(
        data.join("root.pub"),
        w.root.public().file_text("test root"),
    )
    .unwrap();
    fs::write(
        data.join("pages/about.md"),
        "# 关于\n\n<script>alert(1)</script> 正文\n",
    )
    .unwrap();
    write_lines(
        &data.join("directory.jsonl"),
        &[
            line(Statement::Institution(w.blower()), &w.root),
            line(Statement::Institution(w.heavy()), &w.root),
        ],
    );
    write_lines(
        &data.join("publisher.jsonl"),
        &[line(Statement::Publisher(w.publisher(ORIGIN)), &w.root)],
    );
    fs::create_dir_all(data.join("keys")).unwrap();
    certsite::key_files::write_pair(&w.log, &data.join("keys/log"), "test log key").unwrap();
    write_lines(&data.join("certs.jsonl"), certs);
    for (name, lines) in extra {
        write_lines(&data.join(name), lines);
    }
    data
}

pub(crate) fn good_certs(w: &World) -> Vec<String> {
    vec![
        line(
            Statement::Certificate(certificate("Y000021013002233000001", "2023-05-01")),
            &w.blower_a,
        ),
        line(
            Statement::Certificate(certificate("Y000021013002243000001", "2024-03-01")),
            &w.blower_b,
        ),
        line(
            Statement::Certificate(certificate("Y000021013002245000001", "2024-03-02")),
            &w.blower_b,
        ),
    ]
}

/// The fixture with [`good_certs`] reviewed by 沈阳市, as the statistics
/// count them (附件7 counts only what passed review).
pub(crate) fn reviewed_fixture(dir: &Path, w: &World) -> PathBuf {
    let certs = good_certs(w);
    let city = line(Statement::City(w.shenyang_city()), &w.root);
    let reviews = (certs.iter())
        .map(|c| {
            line(
                Statement::Review(w.review_of(c, "2023-04-20", "2024-03-05")),
                &w.shenyang,
            )
        })
        .collect();
    fixture(
        dir,
        w,
        &certs,
        &[("cities.jsonl", vec![city]), ("reviews.jsonl", reviews)],
    )
}

/// `certsite build` of `data` into `out` as of `today`.
pub(crate) fn build_command(data: &Path, out: &Path, today: &str) -> std::process::Command {
    let mut cmd = certsite();
    cmd.args(["build", "--data", data.to_str().unwrap()]);
    cmd.args(["--out", out.to_str().unwrap(), "--today", today]);
    cmd
}

pub(crate) fn build(data: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    run(build_command(data, out, "2026-11-30").args(extra))
}

pub(crate) fn text(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap()
}

#[test]
fn a_fixture_site_builds_with_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = reviewed_fixture(dir.path(), &w);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    for page in [
        "index.html",
        "verify/index.html",
        "directory/index.html",
        "directory/Y000021013002.html",
        "directory/Y000021013003.html",
        "stats/index.html",
        "trust/index.html",
        "about/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "manifest.json",
        "i/Y000021013002.jsonl",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    let blower = text(&out, "directory/Y000021013002.html");
    for expected in [
        "沈阳鼓风机集团股份有限公司",
        "Y000021013002",
        "五级-三级",
        "五级-二级",
        "2020-06-01 至 2029-05-31",
    ] {
        assert!(blower.contains(expected), "{expected}");
    }
    // An institution with one entry has no history section.
    assert!(!blower.contains("目录调整记录"), "{blower}");
    // Real data: no note that the facts are samples (the demo's `demo = true`).
    assert!(!blower.contains("id=\"demo-sample\""), "{blower}");
    // Raw HTML in Markdown is shown as text.
    assert!(text(&out, "about/index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The 附件7 table: rows, subtotals and the total row.
    let stats = text(&out, "stats/index.html");
    assert!(stats.contains("<th scope=\"row\">车工</th><td>1</td><td>0</td><td>2</td><td>0</td><td>0</td><td>3</td>"), "{stats}");
    assert!(stats.contains("合  计"));
}

#[test]
fn shards_serve_each_envelope_unchanged_with_its_review_and_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let certs = good_certs(&w);
    let revocation = line(
        Statement::Revocation(revocation("Y000021013002243000001", "2024-06-01")),
        &w.blower_b,
    );
    let city = line(Statement::City(w.shenyang_city()), &w.root);
    let review = line(
        Statement::Review(w.review_of(&certs[1], "2024-02-20", "2024-03-05")),
        &w.shenyang,
    );
    let data = fixture(
        dir.path(),
        &w,
        &certs,
        &[
            ("revocations.jsonl", vec![revocation.clone()]),
            ("cities.jsonl", vec![city.clone()]),
            ("reviews.jsonl", vec![review.clone()]),
        ],
    );
    let out = dir.path().join("public");
    assert_eq!(build(&data, &out, &[]).0, 0);
    let manifest: serde_json::Value = serde_json::from_str(&text(&out, "manifest.json")).unwrap();
    let bits = manifest["shards"]["bits"].as_u64().unwrap() as u8;
    let scheme = certsite_core::site_format::shard::ShardScheme { bits };
    let shard = text(
        &out,
        &format!("c/{}", scheme.name(scheme.index("Y000021013002243000001"))),
    );
    let lines: Vec<&str> = shard.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == certs[1])
        .expect("the envelope, byte for byte");
    assert_eq!(lines[at + 1], review, "its review follows it");
    assert_eq!(lines[at + 2], revocation, "then its revocation");
    // Every shard exists; the manifest hashes every file but the log's
    // tiles (copied from the log's state, and authenticated by its checkpoint).
    assert_eq!(manifest["shards"]["count"].as_u64().unwrap(), 1 << bits);
    for i in 0..scheme.count() {
        assert!(out.join("c").join(scheme.name(i)).is_file());
    }
    let files = manifest["files"].as_object().unwrap();
    for (path, bytes) in tree(&out) {
        if path == "manifest.json" || path.starts_with("log/tile/") {
            continue;
        }
        let hash = certsite_core::trust::keys::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        assert_eq!(files[&path], hash, "{path}");
    }
    assert_eq!(manifest["data_date"], "2024-06-01");
    assert_eq!(
        manifest["root"]["fingerprint"],
        w.root.public().fingerprint()
    );
    // The issuer's file: its statements, then its city's.
    assert_eq!(
        text(&out, "i/Y000021013002.jsonl"),
        format!(
            "{}\n{city}\n",
            line(Statement::Institution(w.blower()), &w.root)
        )
    );
    // Both enter the log: a publisher, two institution and one city
    // statement, three certificates, a review and a revocation.
    let root = data.join("root.pub");
    let (code, log, err) = run(certsite().args([
        "log",
        "verify",
        "--site",
        out.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{log}{err}");
    assert_eq!(text(&out, "log/checkpoint").lines().nth(1), Some("9"));
    let trust = text(&out, "trust/index.html");
    assert!(trust.contains(SHENYANG_AUTHORITY), "{trust}");
    assert!(trust.contains(&w.shenyang.public().kid()), "{trust}");
}

#[test]
fn two_builds_of_the_same_data_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(build(&data, &a, &[]).0, 0);
    // A clock in the output (the workbooks' creation time, by default)
    // shows only between builds a second apart.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(build(&data, &b, &[]).0, 0);
    let (a, b) = (tree(&a), tree(&b));
    assert!(a.contains_key("directory/annex4.xlsx"));
    assert!(a.contains_key("en/stats/by-year.xlsx"));
    assert_eq!(a, b);
}

/// Each broken fixture: the build fails, names file, line and field, and
/// leaves the previously published site exactly as it was.
#[test]
fn every_broken_rule_fails_the_build_and_keeps_the_old_site() {
    let w = World::new();
    let cert = |code: &str, on: &str| Statement::Certificate(certificate(code, on));
    let mut out_of_scope = certificate("Y000021013002243000009", "2024-03-01");
    out_of_scope.occupation = "铣工".into();
    out_of_scope.occupation_code = "6-18-01-02".into();
    let mut expired = certificate("Y000021013003243000001", "2024-03-01");
    expired.institution = HEAVY_NAME.into();
    expired.occupation = "装配钳工".into();
    expired.occupation_code = "6-20-01-01".into();
    let good = line(cert("Y000021013002243000001", "2024-03-01"), &w.blower_b);
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "tampered byte",
            vec![good.replace("2024-03-01", "2024-03-02")],
            "certs.jsonl:4: sig: 签名无效",
        ),
        (
            "another institution's key",
            vec![line(cert("Y000021013002243000002", "2024-03-01"), &w.heavy)],
            "certs.jsonl:4: kid: 密钥",
        ),
        (
            "key outside its window",
            vec![line(
                cert("Y000021013002243000002", "2024-03-01"),
                &w.blower_a,
            )],
            "certs.jsonl:4: issued_on: 发证日期 2024-03-01 不在签名密钥",
        ),
        (
            "expired filing",
            vec![line(Statement::Certificate(expired), &w.heavy)],
            "certs.jsonl:4: issued_on: 发证日期 2024-03-01 不在机构资质有效期",
        ),
        (
            "out-of-scope occupation",
            vec![line(Statement::Certificate(out_of_scope), &w.blower_b)],
            "certs.jsonl:4: occupation_code: 6-18-01-02 铣工 不在机构备案的职业（工种）范围内",
        ),
        (
            "out-of-scope level",
            vec![line(
                cert("Y000021013002241000001", "2024-03-01"),
                &w.blower_b,
            )],
            "certs.jsonl:4: level: 一级/高级技师 超出备案的等级范围 五级-三级",
        ),
        (
            "duplicate code",
            vec![
                good.clone(),
                line(cert("Y000021013002243000001", "2024-03-05"), &w.blower_b),
            ],
            "证书编号 Y000021013002243000001 重复",
        ),
        (
            "revocation of an unknown code",
            vec![line(
                Statement::Revocation(revocation("Y000021013002243000077", "2024-05-01")),
                &w.blower_b,
            )],
            "certs.jsonl:4: code: 撤销的证书 Y000021013002243000077 不存在",
        ),
    ];
    for (name, extra_lines, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
        let out = dir.path().join("public");
        assert_eq!(build(&data, &out, &[]).0, 0, "{name}: the first build");
        let before = tree(&out);
        let mut certs = good_certs(&w);
        certs.extend(extra_lines);
        write_lines(&data.join("certs.jsonl"), &certs);
        let (code, stdout, err) = build(&data, &out, &[]);
        assert_eq!(code, 1, "{name}: {stdout}{err}");
        let err = err.replace(&format!("{}/", data.display()), "");
        assert!(
            err.contains(expected),
            "{name}: expected «{expected}» in\n{err}"
        );
        assert!(err.contains("未生成站点"), "{name}: {err}");
        assert_eq!(tree(&out), before, "{name}: the old site changed");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{name}: staging left behind: {leftovers:?}"
        );
    }
}

#[test]
fn skip_invalid_publishes_what_verifies_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let mut certs = good_certs(&w);
    certs.push(certs[1].replace("2024-03-01", "2024-03-09"));
    let data = fixture(dir.path(), &w, &certs, &[]);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &["--skip-invalid"]);
    assert_eq!(code, 0, "{stdout}{err}");
    let manifest: serde_json::Value = serde_json::from_str(&text(&out, "manifest.json")).unwrap();
    assert_eq!(manifest["counts"]["certificates"], 3);
    let report = fs::read_to_string(dir.path().join("public.skipped.txt")).unwrap();
    assert!(report.contains("certs.jsonl:4: sig: 签名无效"), "{report}");
    assert!(
        !tree(&out).keys().any(|p| p.contains("skipped")),
        "the report is not published"
    );
}

#[test]
fn a_build_is_never_dated_after_the_machines_today() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    let out = dir.path().join("public");
    let (code, stdout, err) = run(&mut build_command(&data, &out, "2099-01-01"));
    assert_eq!(code, 2, "{stdout}{err}");
    assert!(
        err.contains("--today 2099-01-01 晚于本机的今天（中国标准时间 ")
            && err.contains("站点的数据日期不能是尚未到来的日期"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn certificates_issued_before_the_sites_earliest_year_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    fs::write(
        data.join("certsite.toml"),
        format!("earliest_issue_year = 2024\n{CONFIG}"),
    )
    .unwrap();
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_ne!(code, 0, "{stdout}{err}");
    assert!(
        err.contains(
            "certs.jsonl:1: code: 第14-15位（核发年份）为 23，应为 24 及以后（本站收录 2024 年起核发的证书）：certsite.toml 的 earliest_issue_year 为 2024"
        ),
        "{err}"
    );
    assert!(!out.exists());
    let (code, stdout, err) = build(&data, &out, &["--skip-invalid"]);
    assert_eq!(code, 0, "{stdout}{err}");
    let manifest: serde_json::Value = serde_json::from_str(&text(&out, "manifest.json")).unwrap();
    assert_eq!(manifest["counts"]["certificates"], 2);
    // The pages check a typed code against the same year.
    assert!(text(&out, "verify/index.html").contains("\"earliest_issue_year\": 2024}"));
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    let out = dir.path().join("documents");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("thesis.docx"), "precious").unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("拒绝覆盖"), "{err}");
    assert_eq!(
        fs::read_to_string(out.join("thesis.docx")).unwrap(),
        "precious"
    );
}

#[test]
fn hostile_names_are_inert_and_pages_keep_the_strict_csp() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let mut inst = w.heavy();
    inst.name = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>".into();
    let data = fixture(dir.path(), &w, &[], &[]);
    write_lines(
        &data.join("directory.jsonl"),
        &[
            line(Statement::Institution(w.blower()), &w.root),
            line(Statement::Institution(inst), &w.root),
        ],
    );
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains(" style="), "{path}: inline style");
        assert!(!html.contains("<style"), "{path}: style element");
        // Scripts only from files: every <script> has a src and no body.
        for part in html.split("<script").skip(1) {
            let end = part.find('>').unwrap();
            assert!(part[..end].contains(" src=\""), "{path}: inline script");
            assert!(
                part[end + 1..].starts_with("</script>"),
                "{path}: script body"
            );
        }
        assert!(html.contains("Content-Security-Policy"), "{path}");
        assert!(html.contains("<meta charset=\"utf-8\">"), "{path}");
        // Relative links only; the 404 page (served at any depth) links
        // from the site's path on the host, never to a scheme and host.
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let target = part.split('"').next().unwrap().replace("&#x2f;", "/");
                assert!(!target.contains("://"), "{path}: {target}");
                if target.starts_with('#') {
                    continue;
                }
                assert_eq!(
                    target.starts_with('/'),
                    path == "404.html",
                    "{path}: {target}"
                );
            }
        }
    }
    assert!(text(&out, "directory/Y000021013003.html").contains("&lt;script&gt;alert("));
}

#[test]
fn the_embedded_default_builds_and_matches_the_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&repo().join("data"), &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("58 家机构、3000 份证书（2988 份已审核）、10 份撤销"),
        "{stdout}"
    );
    let files = tree(&out);
    // The file tree, with shards and institution files summarised.
    let summarised = ["c/", "i/", "directory/Y", "snap/", "log/tile/"];
    let listing: Vec<String> = files
        .keys()
        .filter(|p| !summarised.iter().any(|s| p.starts_with(s)))
        .cloned()
        .collect();
    let count = |prefix: &str| files.keys().filter(|p| p.starts_with(prefix)).count();
    let shards = files.keys().filter(|p| p.starts_with("c/")).count();
    let institutions = files.keys().filter(|p| p.starts_with("i/")).count();
    let pages = files
        .keys()
        .filter(|p| p.starts_with("directory/Y"))
        .count();
    insta::assert_snapshot!(
        "demo_tree",
        format!(
            "{}\nc/*.jsonl: {shards}\ni/*.jsonl: {institutions}\ndirectory/Y*.html: {pages}\nsnap/: {}\nlog/tile/: {}\n",
            listing.join("\n"),
            count("snap/"),
            count("log/tile/")
        )
    );
    for page in [
        "index.html",
        "directory/Y000021013002.html",
        "stats/index.html",
        "trust/index.html",
    ] {
        insta::assert_snapshot!(page.replace('/', "_"), text(&out, page));
    }
}

#[test]
fn an_adjusted_directory_entry_shows_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&repo().join("data"), &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    // 中海沥青（营口） lapsed in 2023 and was re-approved on 2026-11-15:
    // both entries are listed.
    let page = text(&out, "directory/Y000421081022.html");
    assert!(page.contains("目录调整记录"), "{page}");
    assert!(page.contains("<td>2020-05-13 至 2023-05-12</td>"), "{page}");
    assert!(page.contains("<td>2026-11-15 至 2029-11-14</td>"), "{page}");
    let published = text(&out, "i/Y000421081022.jsonl");
    let types: Vec<&str> = published
        .lines()
        .map(|l| {
            if l.contains("\"type\":\"city\"") {
                "city"
            } else {
                "institution"
            }
        })
        .collect();
    assert_eq!(
        types,
        ["institution", "institution", "city"],
        "both statements published, then its city's (营口市)"
    );
    // Extended in 2023 and 2026 and its key rotated: four entries.
    let blower = text(&out, "directory/Y000021013002.html");
    for period in [
        "<td>2020-01-15 至 2023-01-14</td>",
        "<td>2023-01-15 至 2026-01-14</td>",
        "<td>2026-01-15 至 2029-01-14</td>",
    ] {
        assert!(blower.contains(period), "{period}");
    }
}

#[test]
fn a_rebuild_only_appends_and_one_that_drops_or_edits_a_published_line_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let certs = good_certs(&w);
    let data = fixture(dir.path(), &w, &certs, &[]);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    // 1 publisher, 2 institutions, 3 certificates.
    assert!(stdout.contains("日志：6 条（本次新增 6 条）"), "{stdout}");
    let first_checkpoint = text(&out, "log/checkpoint");

    // A revocation is a new statement: appended.
    let revoked = line(
        Statement::Revocation(revocation("Y000021013002243000001", "2024-06-01")),
        &w.blower_b,
    );
    write_lines(
        &data.join("revocations.jsonl"),
        std::slice::from_ref(&revoked),
    );
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(stdout.contains("日志：7 条（本次新增 1 条）"), "{stdout}");
    assert_ne!(text(&out, "log/checkpoint"), first_checkpoint);
    // The older checkpoint's partial tile is still served.
    assert!(out.join("log/tile/0/000.p/6").is_file());
    assert!(out.join("log/tile/0/000.p/7").is_file());

    // Dropping a published certificate, or editing a published revocation,
    // fails and changes neither the site nor the log's state.
    let site_before = tree(&out);
    let state_before = tree(&data.join("log"));
    write_lines(&data.join("certs.jsonl"), &certs[1..]);
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("已发布的 1 条声明不在本次数据中"), "{err}");
    assert!(err.contains("certificate Y000021013002233000001"), "{err}");
    assert!(tree(&out) == site_before, "the site changed");
    assert!(
        tree(&data.join("log")) == state_before,
        "the log state changed"
    );

    write_lines(&data.join("certs.jsonl"), &certs);
    let mut edited = revocation("Y000021013002243000001", "2024-06-01");
    edited.reason = "另一个原因".into();
    write_lines(
        &data.join("revocations.jsonl"),
        &[line(Statement::Revocation(edited), &w.blower_b)],
    );
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("revocation Y000021013002243000001"), "{err}");
    assert!(tree(&out) == site_before, "the site changed");
    assert!(
        tree(&data.join("log")) == state_before,
        "the log state changed"
    );

    // A damaged state is refused, not extended.
    write_lines(&data.join("revocations.jsonl"), &[revoked]);
    let tile = data.join("log/tile/0/000.p/7");
    let mut bytes = fs::read(&tile).unwrap();
    bytes[0] ^= 1;
    fs::write(&tile, bytes).unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("已损坏"), "{err}");
    assert!(tree(&out) == site_before, "the site changed");
}

#[test]
fn a_build_without_a_log_key_or_publisher_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    let out = dir.path().join("public");
    fs::write(
        data.join("certsite.toml"),
        CONFIG.replace("key = \"keys/log.key\"", ""),
    )
    .unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("没有发布者的日志密钥"), "{err}");
    assert!(!out.exists());
    fs::write(data.join("certsite.toml"), CONFIG).unwrap();
    fs::remove_file(data.join("publisher.jsonl")).unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("数据中没有发布者声明"), "{err}");
    // Another key than the publisher lists is refused too.
    write_lines(
        &data.join("publisher.jsonl"),
        &[line(Statement::Publisher(w.publisher(ORIGIN)), &w.root)],
    );
    let other = dir.path().join("other");
    certsite::key_files::write_pair(&w.heavy, &other, "not the log key").unwrap();
    let (code, _, err) = build(
        &data,
        &out,
        &["--log-key", other.with_extension("key").to_str().unwrap()],
    );
    assert_ne!(code, 0);
    assert!(err.contains("不在最新的发布者声明中"), "{err}");
    assert!(!out.exists());
    assert!(!data.join("log/checkpoint").exists());
}

/// A site folder that is its own mount point (a Docker volume, a web root)
/// cannot be swapped by renaming: the build updates it in place, to the
/// same bytes as a normal build, rewriting nothing that did not change and
/// removing what the new site lacks. Needs `unshare -rm` (root, or user
/// namespaces) for a private tmpfs mount, as CI has.
#[test]
fn a_site_folder_that_is_a_mount_point_is_updated_in_place() {
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "true"])
        .status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "this test needs `unshare -rm` (util-linux, run as root or with user namespaces enabled) to mount a tmpfs"
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let out = dir.path().join("public");
    fs::create_dir(&out).unwrap();
    let (before, after) = (dir.path().join("before.txt"), dir.path().join("after.txt"));
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    // The mount lives as long as the shell: whatever is checked of the
    // mounted folder is recorded or copied out before it ends.
    let script = r#"
        set -eu
        mount -t tmpfs none "$OUT"
        build() { "$CERTSITE" build --data "$DATA" --out "$OUT" --today 2026-11-30; }
        identities() { find "$OUT" -printf '%i %T@ %y %P\n' | sort; }
        build
        identities > "$BEFORE"
        build
        identities > "$AFTER"
        cp -a "$OUT/." "$FIRST"
        rm "$DATA/pages/faq.md"
        build
        cp -a "$OUT/." "$SECOND"
    "#;
    let (code, stdout, err) = run(std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("CERTSITE", env!("CARGO_BIN_EXE_certsite"))
        .env("DATA", &data)
        .env("OUT", &out)
        .env("BEFORE", &before)
        .env("AFTER", &after)
        .env("FIRST", &first)
        .env("SECOND", &second));
    assert_eq!(code, 0, "{stdout}{err}");
    // Once the command line reports it:
    assert!(stdout.contains("输出目录是挂载点，已就地更新"), "{stdout}");
    assert_eq!(
        fs::read_to_string(&before).unwrap(),
        fs::read_to_string(&after).unwrap(),
        "a rebuild of the same data rewrote files (inode or time changed)"
    );
    let left: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Byte for byte what a build into an ordinary folder writes; the page
    // taken out of the data is gone, its folders too.
    let normal = dir.path().join("normal");
    assert_eq!(build(&data, &normal, &[]).0, 0);
    assert_eq!(tree(&second), tree(&normal));
    assert!(first.join("faq/index.html").is_file());
    assert!(!second.join("faq").exists() && !second.join("en/faq").exists());
    fs::copy(repo().join("data/pages/faq.md"), data.join("pages/faq.md")).unwrap();
    assert_eq!(build(&data, &normal, &[]).0, 0);
    assert_eq!(tree(&first), tree(&normal));
}

/// A site folder that also holds what no build wrote (a `.git` of a Pages
/// branch, a data folder): replacing the site would delete it, so the
/// build refuses, naming it; a data folder inside the output likewise.
#[test]
fn a_build_never_deletes_what_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, &good_certs(&w), &[]);
    let out = dir.path().join("public");
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{err}");
    fs::create_dir(out.join(".git")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(out.join("directory/custom.html"), "added by hand").unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("不是 certsite 生成的文件：.git/HEAD、directory/custom.html；"),
        "{err}"
    );
    assert!(out.join(".git/HEAD").is_file() && out.join("directory/custom.html").is_file());
    fs::remove_dir_all(out.join(".git")).unwrap();
    fs::remove_file(out.join("directory/custom.html")).unwrap();
    // A rebuild of the site as it was is fine: every file is the build's.
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{err}");
    // Beside the site: a file of the same name as the skipped-records list
    // is not replaced; an old list of a build is removed by a clean one.
    let skipped = dir.path().join("public.skipped.txt");
    fs::write(&skipped, "my notes\n").unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(fs::read_to_string(&skipped).unwrap(), "my notes\n");
    fs::write(
        &skipped,
        "以下 1 个问题涉及的记录未发布（--skip-invalid）：\n",
    )
    .unwrap();
    let (code, _, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!skipped.exists(), "a clean build removes the stale list");
    // QR codes through a link into the site are refused as into the site.
    let qr_link = dir.path().join("qr-link");
    std::os::unix::fs::symlink(out.join("c"), &qr_link).unwrap();
    let (code, _, err) = build(&data, &out, &["--qr-out", qr_link.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不能在站点目录"), "{err}");

    let inside = out.join("assets/mydata");
    copy_dir(&data, &inside);
    // Named as it is, through a link, or with `..`: where it leads counts.
    let link = dir.path().join("link-to-data");
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    let roundabout = out.join("assets/../../public");
    for (data, out) in [(&inside, &out), (&link, &out), (&inside, &roundabout)] {
        let (code, _, err) = build(data, out, &[]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("在输出目录") && err.contains("之内"), "{err}");
        assert!(inside.join("certsite.toml").is_file());
    }
    assert!(fs::read_dir(dir.path()).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".public.")
    }));
}

#[test]
fn a_certificate_first_published_after_the_cut_over_cannot_be_dated_before_it() {
    // 沈阳市 reviews from 2025-01-01: the site's first build publishes what
    // came before; a certificate dated before the cut-over but published
    // later is refused (its issuer could have dated it back to skip review).
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let mut city = w.shenyang_city();
    city.reviews_from = Some("2025-01-01".into());
    let cities = vec![line(Statement::City(city), &w.root)];
    let data = fixture(dir.path(), &w, &good_certs(&w), &[("cities.jsonl", cities)]);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    let before = tree(&out);
    let late = line(
        Statement::Certificate(certificate("Y000021013002243000009", "2024-12-31")),
        &w.blower_b,
    );
    write_lines(&data.join("late.jsonl"), &[late]);
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(
        err.contains("证书 Y000021013002243000009 的发证日期 2024-12-31 早于所在市的审核要求起始日 2025-01-01，却是第一次发布"),
        "{err}"
    );
    assert!(err.contains("late.jsonl:1"), "{err}");
    assert_eq!(tree(&out), before, "the published site is kept");
}
