//! `certsite log verify`, `log diff` and `log authorize` on copies of the
//! demo data: an auditor's view of an honest and of a tampered mirror.

use std::fs;
use std::path::Path;

use crate::support::*;

fn certsite_in(args: &[&str]) -> (i32, String, String) {
    run(certsite().args(args))
}

fn build(data: &Path, out: &Path) -> String {
    let (code, stdout, err) = certsite_in(&[
        "build",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    stdout
}

fn verify(site: &Path, from: Option<&Path>) -> (i32, String, String) {
    match from {
        Some(f) => verify_with(site, &["--from", f.to_str().unwrap()]),
        None => verify_with(site, &[]),
    }
}

/// `log verify --site SITE --root` the demo root, with `extra` arguments.
fn verify_with(site: &Path, extra: &[&str]) -> (i32, String, String) {
    let root = repo().join("data/root.pub");
    let mut args = vec!["log", "verify", "--site", site.to_str().unwrap()];
    args.extend(["--root", root.to_str().unwrap()]);
    args.extend(extra);
    certsite_in(&args)
}

/// A copy of the demo data and its site, built, in a folder of their own.
fn demo_site() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let site = dir.path().join("site");
    build(&data, &site);
    (dir, data, site)
}

#[test]
fn an_auditor_passes_an_honest_mirror_and_names_what_a_host_changed() {
    let (dir, _, site) = demo_site();
    let (code, out, err) = verify(&site, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("日志        6186 条"), "{out}");
    assert!(out.contains("全部通过"), "{out}");

    // A mirror that strips a revocation line, adds an unlogged line and
    // edits a tile is caught on each count.
    let mirror = dir.path().join("mirror");
    copy_dir(&site, &mirror);
    let shard = fs::read_dir(mirror.join("c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| fs::read_to_string(p).unwrap().contains("revoked_on"))
        .unwrap();
    let kept: String = fs::read_to_string(&shard)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("revoked_on"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&shard, kept).unwrap();
    let issuer = mirror.join("i/Y000021013002.jsonl");
    let mut text = fs::read_to_string(&issuer).unwrap();
    text.push_str("{\"kid\":\"x\"}\n");
    fs::write(&issuer, text).unwrap();
    let (code, _, err) = verify(&mirror, None);
    assert_eq!(code, 1);
    let name = shard.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        err.contains(&format!("c/{name}：与签名快照所列不同")),
        "{err}"
    );
    assert!(err.contains("Y000021013002.jsonl:"), "{err}");
    assert!(err.contains("这条声明不在日志中"), "{err}");
    let tile = mirror.join("log/tile/0/000");
    let mut bytes = fs::read(&tile).unwrap();
    bytes[3] ^= 1;
    fs::write(&tile, bytes).unwrap();
    let (_, _, err) = verify(&mirror, None);
    assert!(err.contains("log/tile/0/000：内容与日志条目不符"), "{err}");

    // A checkpoint whose root was changed, and one signed by another key,
    // each said as what it is.
    let checkpoint = site.join("log/checkpoint");
    let honest = fs::read_to_string(&checkpoint).unwrap();
    let body = &honest[..honest.find("\n\n").unwrap() + 1];
    let root_line = body.lines().nth(2).unwrap();
    let flipped = format!(
        "{}{}",
        if root_line.starts_with('A') { "B" } else { "A" },
        &root_line[1..]
    );
    fs::write(&checkpoint, honest.replacen(root_line, &flipped, 1)).unwrap();
    let (code, _, err) = verify(&site, None);
    assert_eq!(code, 1);
    assert!(err.contains("签名无效：正文或签名被改动过"), "{err}");
    let origin = body.lines().next().unwrap();
    let other = certsite_core::trust::keys::SecretKey::from_seed([42; 32]);
    fs::write(
        &checkpoint,
        certsite_core::log::note::sign(body, origin, &other),
    )
    .unwrap();
    let (code, _, err) = verify(&site, None);
    assert_eq!(code, 1);
    assert!(
        err.contains("的签名行（由别的密钥或以别的名称签名）"),
        "{err}"
    );
    fs::write(&checkpoint, honest).unwrap();
}

/// A damaged entry bundle is named, not the intact hash tiles above it;
/// every JSON finding names its file and the check that found it.
#[test]
fn a_damaged_entry_bundle_is_blamed_and_findings_carry_file_and_rule() {
    let (_dir, _, site) = demo_site();
    let bundle = site.join("log/tile/entries/000");
    let mut bytes = fs::read(&bundle).unwrap();
    // The first entry's text (after its 2-byte length): one byte changed.
    bytes[10] ^= 1;
    fs::write(&bundle, bytes).unwrap();
    let (code, _, err) = verify(&site, None);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "log/tile/entries/000：条目与签名的日志不符（这一包被改动过；哈希证明块完好）"
        ),
        "{err}"
    );
    assert!(
        !err.contains("log/tile/0/"),
        "intact hash tiles blamed: {err}"
    );
    let (code, out, _) = verify_with(&site, &["--json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let problems = json["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    for p in problems {
        assert!(p["file"].is_string() && p["rule"].is_string(), "{p}");
    }
    assert!(
        problems
            .iter()
            .any(|p| p["rule"] == "log-entries" && p["file"] == "log/tile/entries/000")
    );
}

/// A publisher holding the log key stops serving a revocation the log
/// holds and re-signs the snapshot over what is left: every file agrees
/// with the snapshot and every served line is logged, so only the check
/// that each logged statement is still served where it belongs catches it.
#[test]
fn an_auditor_catches_a_publisher_who_stops_serving_a_logged_statement() {
    use certsite_core::site_format::shard::ShardScheme;
    use certsite_core::site_format::snapshot::SignedSnapshot;

    let (_dir, data, site) = demo_site();
    let mut files = std::collections::BTreeMap::new();
    for tree in ["c", "i"] {
        for entry in fs::read_dir(site.join(tree)).unwrap() {
            let path = entry.unwrap().path();
            let name = format!("{tree}/{}", path.file_name().unwrap().to_string_lossy());
            files.insert(name, fs::read(&path).unwrap());
        }
    }
    let (shard, bytes) = (files.iter())
        .find(|(p, b)| p.starts_with("c/") && String::from_utf8_lossy(b).contains("revoked_on"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .unwrap();
    let kept: String = (String::from_utf8(bytes).unwrap().lines())
        .filter(|l| !l.contains("revoked_on"))
        .map(|l| format!("{l}\n"))
        .collect();
    files.insert(shard.clone(), kept.into_bytes());
    let text = fs::read_to_string(site.join("snapshot.jsonl")).unwrap();
    let root = certsite_core::trust::keys::PublicKey::from_file_text(
        &fs::read_to_string(repo().join("data/root.pub")).unwrap(),
        Some("pub"),
    )
    .unwrap();
    let trusted = certsite_core::trust::snapshot::read(&text, &root).unwrap();
    let s = &trusted.snapshot;
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let filings = (files.keys())
        .filter_map(|p| p.strip_prefix("i/")?.strip_suffix(".jsonl"))
        .map(str::to_string)
        .collect();
    let log_key = certsite::key_files::read_secret(&data.join("demo-keys/log.key")).unwrap();
    SignedSnapshot {
        scheme: ShardScheme {
            bits: s.shards.bits as u8,
        },
        filings,
        publisher: lines[..lines.len() - 1].to_vec(),
        origin: s.origin.clone(),
        data_date: s.data_date.clone(),
        log: s.log.clone(),
    }
    .add_to(&mut files, &log_key);
    for (path, bytes) in &files {
        if path == &shard || path == "snapshot.jsonl" || path.starts_with("snap/") {
            fs::write(site.join(path), bytes).unwrap();
        }
    }
    let (code, out, err) = verify(&site, None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("（revocation Y")
            && err.contains(&format!("不再由 {shard} 提供：已记入日志的声明被删去了")),
        "{err}"
    );
    // Nothing else is wrong with it: the files agree with the re-signed snapshot.
    assert!(!err.contains("与签名快照"), "{err}");
    assert!(!err.contains("不在日志中"), "{err}");
}

#[test]
fn a_new_log_key_is_authorised_and_the_diff_and_the_older_checkpoint_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let old = dir.path().join("old");
    build(&data, &old);
    let key = dir.path().join("log2");
    let (code, _, err) = certsite_in(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let publisher = data.join("publisher/publisher.jsonl");
    // A key path is the shell's: from the current folder (here the data
    // folder), not from the publisher file's.
    let old_key = "demo-keys/log.pub 2026-11-01~2026-11-20";
    let new_key = format!("{}.pub 2026-11-21", key.display());
    let authorize = |signer: &str| {
        run(certsite().current_dir(&data).args([
            "log",
            "authorize",
            "--key",
            data.join(signer).to_str().unwrap(),
            "--log-key",
            old_key,
            "--log-key",
            &new_key,
            "--name",
            "辽宁省职业技能等级证书查询（演示）",
            "--base-url",
            "https://certsite.example/",
            "--date",
            "2026-11-20",
            "--out",
            publisher.to_str().unwrap(),
        ]))
    };
    // The root listing only the old key, dated `date`, appended to `out`.
    let authorize_old = |date: &str, out: &str| {
        run(certsite().current_dir(&data).args([
            "log",
            "authorize",
            "--key",
            "demo-keys/root.key",
            "--log-key",
            old_key,
            "--name",
            "x",
            "--base-url",
            "https://certsite.example/",
            "--date",
            date,
            "--out",
            out,
        ]))
    };
    // Appended only to a file of publisher statements, never to a key.
    let root_key = fs::read(data.join("demo-keys/root.key")).unwrap();
    let (code, _, err) = authorize_old("2026-11-20", "demo-keys/root.key");
    assert_eq!(code, 2);
    assert!(err.contains("只能追加到发布者声明的数据集"), "{err}");
    assert_eq!(fs::read(data.join("demo-keys/root.key")).unwrap(), root_key);
    // Never dated after this machine's today (China time): a site would
    // show a data date yet to come.
    let (code, _, err) = authorize_old("2099-01-01", publisher.to_str().unwrap());
    assert_eq!(code, 2);
    assert!(
        err.contains("--date 2099-01-01 晚于本机的今天（中国标准时间 "),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&publisher).unwrap().lines().count(), 1);
    // Only the data folder's root may list log keys.
    let (code, _, err) = authorize("demo-keys/log.key");
    assert_eq!(code, 2);
    assert!(
        err.contains("不是数据目录") && err.contains("的根密钥"),
        "{err}"
    );
    let (code, out, err) = authorize("demo-keys/root.key");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(fs::read_to_string(&publisher).unwrap().lines().count(), 2);
    // A second statement of the same day would fail every build.
    let (code, _, err) = authorize("demo-keys/root.key");
    assert_eq!(code, 2);
    assert!(err.contains("同一天只能有一份"), "{err}");
    assert_eq!(fs::read_to_string(&publisher).unwrap().lines().count(), 2);
    let new = dir.path().join("new");
    assert!(build(&data, &new).contains("日志：6187 条（本次新增 1 条）"));
    let root = repo().join("data/root.pub");
    let (code, out, err) = certsite_in(&[
        "log",
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("6186 条 → 6187 条，新增 1 条"), "{out}");
    assert!(
        out.contains("publisher certsite.example/log（2026-11-20）"),
        "{out}"
    );
    // The new site extends the old checkpoint; the old site does not extend the new one.
    let (code, out, err) = verify(&new, Some(&old.join("log/checkpoint")));
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = verify(&old, Some(&new.join("log/checkpoint")));
    assert_eq!(code, 1);
    assert!(err.contains("日志回退"), "{err}");
    // Swapped, the diff refuses.
    let (code, _, err) = certsite_in(&[
        "log",
        "diff",
        new.to_str().unwrap(),
        old.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("日志回退了"), "{err}");
}
