//! The demo generator and the embedded default in `data/`.

use std::fs;
use std::path::Path;

use certsite::demo::{DemoOptions, generate};
use jiff::civil::Date;

use crate::support::*;

fn options(out: &Path, count: usize, seed: u64) -> DemoOptions {
    DemoOptions {
        out: out.to_path_buf(),
        count,
        seed,
        iterations: 1,
        min_iterations: 1,
        as_of: Date::new(2026, 11, 15).unwrap(),
        force: false,
        extra_institutions: 0,
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    generate(&options(&a, 120, 7)).unwrap();
    generate(&options(&b, 120, 7)).unwrap();
    generate(&options(&c, 120, 8)).unwrap();
    let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
    assert!(ta.len() > 60);
    assert_eq!(ta, tb);
    assert_ne!(ta, tc);
}

#[test]
fn the_demo_has_what_it_promises() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    // A seed whose data date finds a few of 大连市's certificates waiting.
    let summary = generate(&options(&out, 400, 5)).unwrap();
    assert_eq!(summary.institutions, 58);
    assert_eq!(summary.certificates, 400);
    assert!(summary.revocations >= 5);
    let dirs = statements(&out.join("directory/institutions.jsonl"));
    assert_eq!(dirs.len(), 58);
    let updates = statements(&out.join("directory/updates.jsonl"));
    let newest = |filing: &str| {
        dirs.iter()
            .chain(&updates)
            .filter(|s| s["filing_no"] == filing)
            .max_by_key(|s| s["issued_on"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Signed in 2020, the rotated institution's entry lists its first key
    // alone; the newest lists both, each with its window.
    let first = |filing: &str| dirs.iter().find(|s| s["filing_no"] == filing).unwrap();
    assert_eq!(
        first(certsite::demo::ROTATED)["keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        newest(certsite::demo::ROTATED)["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Lapsed in 2023 and re-approved on the data date.
    assert!(
        first(certsite::demo::LAPSED)["valid_until"]
            .as_str()
            .unwrap()
            < "2024-01-01"
    );
    assert_eq!(newest(certsite::demo::LAPSED)["approved_on"], "2026-11-15");
    // Extended once, then lapsed in 2026.
    let not_extended = newest(certsite::demo::NOT_EXTENDED);
    assert!(
        not_extended["approved_on"]
            .as_str()
            .unwrap()
            .starts_with("2023-")
    );
    assert!(not_extended["valid_until"].as_str().unwrap() < "2026-11-15");
    for s in &dirs {
        assert!(
            s["address"]
                .as_str()
                .unwrap()
                .contains("示例地址，非真实信息")
        );
        assert_eq!(s["contact"], "示例联系人（非真实人员）");
    }
    // A root-signed revocation exists beside the issuers' own.
    assert!(out.join("revocations/root.jsonl").exists());
    // The root lists the 14 cities' review authorities; every certificate
    // is reviewed by its own city, but for one recent batch of 大连市's.
    let cities = statements(&out.join("directory/cities.jsonl"));
    assert_eq!(cities.len(), 14);
    assert_eq!(cities[0]["authority"], "沈阳市公共就业服务机构主管部门");
    assert!(
        summary.reviews < 400 && summary.reviews > 350,
        "{}",
        summary.reviews
    );
    for entry in fs::read_dir(out.join("reviews")).unwrap() {
        let path = entry.unwrap().path();
        let city = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace("city-", "");
        for r in statements(&path) {
            assert_eq!(
                &r["code"].as_str().unwrap()[7..9],
                city,
                "{}",
                path.display()
            );
        }
    }
    let verified = certsite_core::trust::verifier::Verifier {
        root: certsite_core::trust::keys::PublicKey::from_file_text(
            &fs::read_to_string(out.join("root.pub")).unwrap(),
            None,
        )
        .unwrap(),
        options: certsite_core::trust::options::VerifyOptions {
            today: Date::new(2026, 11, 15).unwrap(),
            min_iterations: 1,
        },
    };
    let files = certsite::data::dataset::find_datasets(std::slice::from_ref(&out)).unwrap();
    let chain = certsite::data::dataset::verify_files(&verified, &files, Vec::new());
    assert!(chain.problems.is_empty(), "{:?}", chain.problems);
    let waiting: Vec<&String> = chain
        .chain
        .certificates
        .keys()
        .filter(|c| !chain.chain.reviews.contains_key(*c))
        .collect();
    assert_eq!(waiting.len(), 400 - summary.reviews);
    assert!(waiting.iter().all(|c| &c[7..9] == "02"), "{waiting:?}");
    // The secret keys are private files in the clearly named folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(out.join("demo-keys/root.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(
        fs::read_to_string(out.join("demo-keys/README.md"))
            .unwrap()
            .contains("NOT FOR REAL USE")
    );
    // A non-empty folder is only replaced on request; then a demo of
    // another size and seed replaces the log too, which an old demo's
    // statements would otherwise fail.
    let err = generate(&options(&out, 10, 3)).unwrap_err().to_string();
    assert!(err.contains("--force"), "{err}");
    let smaller = DemoOptions {
        force: true,
        ..options(&out, 10, 4)
    };
    let summary = generate(&smaller).unwrap();
    assert_eq!(summary.certificates, 10);
    // A deployment's folder is never a demo's to replace.
    let real = dir.path().join("real");
    fs::create_dir(&real).unwrap();
    fs::write(real.join("certsite.toml"), "title = \"某市\"\n").unwrap();
    let err = generate(&DemoOptions {
        force: true,
        ..options(&real, 10, 4)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("不是演示数据"), "{err}");
    assert_eq!(fs::read_dir(&real).unwrap().count(), 1);
}

#[test]
fn the_embedded_default_verifies_with_the_production_privacy_floor() {
    let data = repo().join("data");
    let (code, out, err) = run(certsite().args([
        "verify",
        "--root",
        data.join("root.pub").to_str().unwrap(),
        data.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("机构声明 58 份有效"), "{out}");
    assert!(out.contains("证书     3000 份签名有效"), "{out}");
    assert!(out.contains("12 份尚未审核"), "{out}");
    assert!(out.contains("签名和规则全部通过"), "{out}");
}

#[test]
fn the_embedded_default_is_what_the_demo_command_generates() {
    // Regenerating data/ at full cost takes minutes; instead generate it with
    // one PBKDF2 iteration and compare everything but the hashes, then
    // recompute a few hashes at the real cost from the committed rosters.
    let data = repo().join("data");
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("demo");
    generate(&options(&fresh, 3000, 2020)).unwrap();
    let committed = tree(&data);
    for (rel, bytes) in tree(&fresh) {
        let theirs = committed
            .get(&rel)
            .unwrap_or_else(|| panic!("data/{rel} is missing"));
        if rel == "certsite.toml" {
            // Generated here with a privacy floor of 1; otherwise the same.
            let ours = String::from_utf8(bytes).unwrap();
            let theirs = String::from_utf8(theirs.clone()).unwrap();
            assert_eq!(
                theirs.replace("min_iterations = 1000000", "min_iterations = 1"),
                ours
            );
            continue;
        }
        if rel.starts_with("log/") {
            // The log holds the certificate lines, hashes and all: the same
            // files, but not the same bytes at one iteration.
            continue;
        }
        if rel.starts_with("reviews/") {
            // A review names the certificate's envelope by its hash, which
            // covers the holder hashes: all but that field are the same.
            let strip = |path: &Path| {
                let mut all = statements(path);
                for r in &mut all {
                    r.as_object_mut().unwrap().remove("certificate");
                }
                all
            };
            assert_eq!(strip(&fresh.join(&rel)), strip(&data.join(&rel)), "{rel}");
            continue;
        }
        if !rel.starts_with("certificates/") {
            assert!(theirs == &bytes, "data/{rel} differs from a fresh demo");
            continue;
        }
        let ours = statements(&fresh.join(&rel));
        let stored = statements(&data.join(&rel));
        assert_eq!(ours.len(), stored.len(), "{rel}");
        for (mut o, mut s) in ours.into_iter().zip(stored) {
            for field in ["name_hash", "id_hash", "iterations"] {
                o.as_object_mut().unwrap().remove(field);
                s.as_object_mut().unwrap().remove(field);
            }
            assert_eq!(o, s, "{rel}");
        }
    }
    // Holder hashes at the real iteration count, from the issuer's roster.
    let roster =
        fs::read_to_string(data.join("demo-rosters/certificates/Y000021013002.csv")).unwrap();
    let stored = statements(&data.join("certificates/Y000021013002.jsonl"));
    for line in roster
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .take(2)
    {
        let cols: Vec<&str> = line.split(',').collect();
        let (code, name, number) = (cols[1], cols[2], cols[5]);
        let s = stored.iter().find(|s| s["code"] == code).unwrap();
        let iterations = s["iterations"].as_u64().unwrap() as u32;
        assert_eq!(iterations, certsite_core::constants::DEFAULT_ITERATIONS);
        assert_eq!(
            s["name_hash"],
            certsite_core::trust::privacy::name_hash(name, code, iterations)
        );
        assert_eq!(
            s["id_hash"],
            certsite_core::trust::privacy::id_hash(number, code, iterations)
        );
    }
}

/// `certsite demo` at the real iteration count, spawned: slow enough to be
/// interrupted while it hashes.
fn slow_demo(out: &Path, extra: &[&str]) -> std::process::Child {
    certsite()
        .args(["demo", "--count", "40"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Ctrl-C while the demo is generated: its staging folder is removed and
/// the output is as it was, absent or, with `--force`, untouched. A demo
/// killed outright leaves its staging folder, and the next demo removes it.
#[test]
fn an_interrupted_demo_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let interrupt = |extra: &[&str]| {
        let child = slow_demo(&out, extra);
        let staging = dir.path().join(format!(".demo.new-{}", child.id()));
        wait_for(&staging, "the demo never started writing");
        signal(&child, "-INT");
        let output = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(130), "{err}");
        assert!(err.contains("已中断"), "{err}");
        assert!(staging_left(dir.path(), "demo").is_empty());
    };
    interrupt(&[]);
    assert!(!out.exists());
    // An existing folder, whose demo files --force would replace.
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.md"), "mine").unwrap();
    fs::write(out.join("root.pub"), "an older demo's").unwrap();
    let before = tree(&out);
    interrupt(&["--force"]);
    assert_eq!(tree(&out), before);
    // Killed: no time to clean up; the next demo does.
    let child = slow_demo(&out, &["--force"]);
    let staging = dir.path().join(format!(".demo.new-{}", child.id()));
    wait_for(&staging, "the demo never started writing");
    let mut child = child;
    signal(&child, "-KILL");
    child.wait().unwrap();
    assert!(staging.exists());
    assert_eq!(tree(&out), before);
    let (code, _, err) = run(certsite()
        .args([
            "demo",
            "--count",
            "5",
            "--iterations",
            "1",
            "--insecure-low-iterations",
            "--force",
            "--out",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(staging_left(dir.path(), "demo").is_empty());
    assert_eq!(fs::read_to_string(out.join("notes.md")).unwrap(), "mine");
    assert_ne!(fs::read(out.join("root.pub")).unwrap(), b"an older demo's");
}

/// The pilots of the notice (附件8, 附件9): list, filing number.
fn notice_pilots() -> Vec<(String, String)> {
    let csv = fs::read_to_string(repo().join("data/pilot-institutions.csv")).unwrap();
    csv.lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            (cols[0].to_string(), cols[4].to_string())
        })
        .collect()
}

/// Every institution statement of the embedded default, oldest first.
fn embedded_directory() -> Vec<serde_json::Value> {
    let dir = repo().join("data/directory");
    let mut all: Vec<serde_json::Value> = ["institutions.jsonl", "updates.jsonl"]
        .iter()
        .flat_map(|f| statements(&dir.join(f)))
        .collect();
    all.sort_by_key(|s| s["issued_on"].as_str().unwrap().to_string());
    all
}

fn date(value: &serde_json::Value) -> Date {
    value.as_str().unwrap().parse().unwrap()
}

#[test]
fn the_notice_s_pilots_are_approved_by_its_date_in_their_filing_order() {
    // The notice of 2020年5月29日 lists them all as filed (附件8, 附件9), and
    // 附件5 gives the order number (第11-13位, the sequence code's 第4至6位)
    // 按照备案先后顺序.
    let notice = Date::new(2020, 5, 29).unwrap();
    let directory = embedded_directory();
    let approved = |filing: &str| {
        let first = directory
            .iter()
            .find(|s| s["filing_no"] == filing)
            .unwrap_or_else(|| panic!("{filing} is not in the directory"));
        assert_eq!(date(&first["issued_on"]), notice, "{filing}");
        date(&first["approved_on"])
    };
    let mut lists: std::collections::BTreeMap<String, Vec<(u16, String, Date)>> =
        Default::default();
    for (list, filing) in notice_pilots() {
        let day = approved(&filing);
        assert!(
            day <= notice,
            "{filing} approved on {day}, after the notice"
        );
        let order: u16 = filing[10..13].parse().unwrap();
        lists.entry(list).or_default().push((order, filing, day));
    }
    assert_eq!(lists["附件8"].len(), 37);
    assert_eq!(lists["附件9"].len(), 21);
    for (list, mut pilots) in lists {
        pilots.sort();
        for pair in pilots.windows(2) {
            assert!(
                pair[0].2 <= pair[1].2,
                "{list}: {} ({}) approved after {} ({})",
                pair[0].1,
                pair[0].2,
                pair[1].1,
                pair[1].2
            );
        }
    }
}

#[test]
fn every_demo_filing_runs_three_years_and_extensions_follow_without_a_gap() {
    // 资质有效期为3年; 资质期满后……决定是否予以延期: each extension is a
    // statement of its own, dated the day its period starts.
    let directory = embedded_directory();
    let mut periods: std::collections::BTreeMap<String, Vec<(Date, Date, Date)>> =
        Default::default();
    for s in &directory {
        let (approved, until) = (date(&s["approved_on"]), date(&s["valid_until"]));
        assert_eq!(
            Some(until),
            certsite_core::domain::dates::end_of_period(approved, 3),
            "{}: {approved} to {until}",
            s["filing_no"]
        );
        periods
            .entry(s["filing_no"].as_str().unwrap().to_string())
            .or_default()
            .push((date(&s["issued_on"]), approved, until));
    }
    let mut extended = 0;
    for (filing, history) in &periods {
        for pair in history.windows(2) {
            let ((_, before, until), (signed, approved, _)) = (pair[0], pair[1]);
            if approved == before {
                // The key rotation restates the period in force.
                continue;
            }
            // A new period's statement is made when the period starts.
            assert_eq!(signed, approved, "{filing}");
            // Only the lapsed institution resumes after a gap.
            assert!(
                approved == until.tomorrow().unwrap() || filing == certsite::demo::LAPSED,
                "{filing}: {until} then {approved}"
            );
        }
        let years: Vec<i16> = history.iter().skip(1).map(|h| h.1.year()).collect();
        if years.contains(&2023) && years.contains(&2026) {
            extended += 1;
        }
    }
    assert_eq!(extended, 56, "extended in 2023 and 2026");
}

#[test]
fn demo_certificates_name_the_notice_s_evaluation_methods_only() {
    // 三（二）评价方式: 考核测评, 综合评审, 过程考核, 竞赛选拔.
    let methods = ["考核测评", "综合评审", "过程考核", "竞赛选拔"];
    let data = repo().join("data");
    let mut seen = std::collections::BTreeSet::new();
    for entry in fs::read_dir(data.join("certificates")).unwrap() {
        for s in statements(&entry.unwrap().path()) {
            let method = s["method"].as_str().unwrap().to_string();
            assert!(
                methods.contains(&method.as_str()),
                "{}: {method}",
                s["code"]
            );
            seen.insert(method);
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    // Nor anywhere else the demo writes (the rosters, reviews, returned
    // lists); the notice's own text in pages/ quotes 考核评价经验.
    for (rel, bytes) in tree(&data) {
        if rel.starts_with("pages/") || rel.starts_with("log/") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let gbk = encoding_rs::GBK.decode(&bytes).0.into_owned();
        assert!(
            !text.contains("考核评价") && !gbk.contains("考核评价"),
            "data/{rel} says 考核评价"
        );
    }
}

#[test]
fn institution_pages_of_the_demo_mark_its_invented_facts_as_samples() {
    let dir = tempfile::tempdir().unwrap();
    let site = demo_site(dir.path());
    let read = |page: &str| fs::read_to_string(site.join(page)).unwrap();
    for page in [
        "directory/Y000021013002.html",
        "directory/Y001121011001.html",
    ] {
        let html = read(page);
        assert!(
            html.contains(
                "示例：本站是演示站点。本页的备案职业（工种）、等级范围、备案日期、证书数量"
            ),
            "{page}"
        );
    }
    assert!(read("en/directory/Y000021013002.html").contains("are sample data"));
}
