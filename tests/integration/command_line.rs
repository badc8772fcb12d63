//! The command line's conventions, the same for every command: one table of
//! exit statuses, argument errors in Chinese, `--quiet`, `--json`, and
//! colour only on a terminal and never with `NO_COLOR`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::*;

/// A valid code of the demo data, in 沈阳鼓风机's own roster.
const CODE: &str = "Y000021013002204000001";

fn data() -> PathBuf {
    repo().join("data")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every command, as a path of names: `["log", "verify"]`.
const COMMANDS: &[&[&str]] = &[
    &["init"],
    &["code", "explain"],
    &["keygen"],
    &["sign"],
    &["verify"],
    &["review"],
    &["demo"],
    &["build"],
    &["serve"],
    &["report"],
    &["qr"],
    &["print"],
    &["log", "verify"],
    &["log", "diff"],
    &["log", "authorize"],
];

#[test]
fn an_unknown_argument_is_exit_2_in_chinese_for_every_command() {
    for path in COMMANDS {
        let (code, out, err) = run(certsite().args(*path).arg("--bogus"));
        let name = path.join(" ");
        assert_eq!(code, 2, "certsite {name} --bogus");
        assert!(out.is_empty(), "{name}: {out}");
        assert!(
            err.starts_with("错误：没有参数 '--bogus'") && err.contains("用法：certsite"),
            "{name}: {err}"
        );
        for english in ["error:", "Usage", "tip:", "For more information", "OPTIONS"] {
            assert!(!err.contains(english), "{name}: «{english}» in {err}");
        }
        // --help is exit 0, in Chinese, with examples.
        let (code, help, _) = run(certsite().args(*path).arg("--help"));
        assert_eq!(code, 0, "{name}");
        assert!(
            help.contains("用法：") && help.contains("示例："),
            "{name}: {help}"
        );
        assert!(
            !help.contains("Usage") && !help.contains("Options"),
            "{help}"
        );
    }
}

/// `certsite report` of an institution and month in a data folder.
fn report<'a>(filing: &'a str, month: &'a str, data: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let args = [
        "report",
        "--institution",
        filing,
        "--month",
        month,
        "--data",
        s(data),
    ];
    [&args[..], extra].concat()
}

#[test]
fn the_same_fault_has_the_same_exit_status_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = data();
    let root = d.join("root.pub");
    let missing = dir.path().join("missing");
    let a_file = dir.path().join("a-file");
    fs::write(&a_file, "x").unwrap();
    let bad_jsonl = dir.path().join("bad.jsonl");
    fs::write(&bad_jsonl, "not json\n").unwrap();
    let key = d.join("demo-keys/Y000021013002.key");
    let roster = d.join("demo-rosters/certificates/Y000021013002.csv");
    let (below_a_file, demo_below_a_file) = (a_file.join("x.jsonl"), a_file.join("demo"));
    let directory = d.join("directory");
    let fake_xlsx = dir.path().join("名册.xlsx");
    fs::write(&fake_xlsx, fs::read(&roster).unwrap()).unwrap();
    let bad_config = dir.path().join("bad-config");
    fs::create_dir(&bad_config).unwrap();
    fs::write(bad_config.join("certsite.toml"), "title = \"t\"\n[log\n").unwrap();
    let long_name = "张".repeat(40);
    let new_out = dir.path().join("new.jsonl");
    // Files a mistyped --out or --rejects must never replace.
    let victim_key = dir.path().join("victim.key");
    fs::copy(&key, &victim_key).unwrap();
    let photo = dir.path().join("photo.png");
    fs::write(&photo, b"\x89PNG a photo").unwrap();
    let anchor = dir.path().join("root.pub");
    fs::copy(&root, &anchor).unwrap();
    let fake_site = dir.path().join("site");
    fs::create_dir(&fake_site).unwrap();
    fs::write(fake_site.join("manifest.json"), "{}").unwrap();
    let print_into_site = fake_site.join("print");
    let victims = [&victim_key, &photo, &anchor, &bad_jsonl];
    let victims_before: Vec<Vec<u8>> = victims.iter().map(|v| fs::read(v).unwrap()).collect();
    let sign = |input: &Path, out: &Path| -> Vec<String> {
        let mut v: Vec<String> = [
            "sign",
            "--key",
            s(&key),
            "--input",
            s(input),
            "--out",
            s(out),
        ]
        .map(String::from)
        .to_vec();
        v.extend(["--iterations", "1", "--insecure-low-iterations"].map(String::from));
        v
    };
    let sign_cases = [
        sign(&missing, &new_out),
        sign(dir.path(), &new_out),
        sign(&fake_xlsx, &new_out),
        sign(&roster, &roster),
        sign(&roster, &bad_jsonl),
        sign(&roster, &fake_site.join("c/x.jsonl")),
        [sign(&roster, &victim_key), vec!["--replace".into()]].concat(),
        [
            sign(&roster, &new_out),
            ["--skip-invalid", "--rejects", s(&victim_key)]
                .map(String::from)
                .to_vec(),
        ]
        .concat(),
        [
            sign(&roster, &new_out),
            vec!["--data".into(), s(&missing).into()],
        ]
        .concat(),
    ];
    let mut cases: Vec<(i32, Vec<&str>)> = vec![
        // 0: done.
        (0, vec!["code", "explain", CODE]),
        (0, vec!["qr", CODE, "--data", s(&d)]),
        (0, vec!["verify", "--root", s(&root), s(&directory)]),
        (0, vec!["--version"]),
        // 1: the data has problems, or what was asked about is not valid
        // or not in it.
        (1, vec!["code", "explain", "Y000021013002247000001"]),
        (1, vec!["qr", "Y000021013002247000001", "--data", s(&d)]),
        (
            1,
            vec!["print", "--code", "Y000021013002247000001", "--data", s(&d)],
        ),
        (1, vec!["verify", "--root", s(&root), s(&bad_jsonl)]),
        (1, report("Y000021013999", "2024-03", &d, &[])),
        // 2: the command could not run.
        (2, vec!["verify", "--root", s(&missing), s(&d)]),
        (2, vec!["verify", "--root", s(&root), s(&missing)]),
        // Nothing to verify is no pass; a folder that is no site, no site.
        (
            2,
            vec!["verify", "--root", s(&root), s(roster.parent().unwrap())],
        ),
        (
            2,
            vec!["log", "verify", "--site", s(&d), "--root", s(&root)],
        ),
        (
            2,
            vec!["log", "verify", "--site", s(&missing), "--root", s(&root)],
        ),
        (
            2,
            vec!["log", "diff", s(&missing), s(&missing), "--root", s(&root)],
        ),
        (2, vec!["build", "--data", s(&missing)]),
        (2, report("Y000021013002", "2024-03", &missing, &[])),
        (2, report("Y000021013002", "2024-13", &d, &[])),
        (2, vec!["qr", CODE, "--data", s(&missing)]),
        (2, vec!["qr", CODE, "--data", s(&d), "--out", "q.gif"]),
        (2, vec!["print", "--code", CODE, "--data", s(&missing)]),
        (
            2,
            vec![
                "print",
                "--code",
                CODE,
                "--data",
                s(&d),
                "--photos",
                s(&missing),
            ],
        ),
        (
            2,
            vec![
                "sign",
                "--key",
                s(&missing),
                "--input",
                s(&roster),
                "--out",
                s(&a_file),
            ],
        ),
        (
            2,
            vec![
                "sign",
                "--key",
                s(&key),
                "--input",
                s(&roster),
                "--out",
                s(&below_a_file),
            ],
        ),
        (
            2,
            vec!["init", s(&d), "--base-url", "https://certs.example.gov.cn/"],
        ),
        (2, vec!["demo", "--out", s(&demo_below_a_file)]),
        (2, vec!["sign"]),
        (2, vec![]),
        (2, vec!["build", "--data", s(&bad_config)]),
        (2, vec!["demo", "--out", "big", "--count", "99999999999"]),
        (2, vec!["qr", CODE, "--data", s(&d), "--name", &long_name]),
        (2, vec!["build", "--data", s(&d), "--qr-out", s(&d)]),
        // The data inside the output: replacing the site would delete it.
        (
            2,
            vec!["build", "--data", s(&d), "--out", s(d.parent().unwrap())],
        ),
        (2, vec!["qr", CODE, "--data", s(&d), "--out", s(&photo)]),
        (
            2,
            vec![
                "print",
                "--code",
                CODE,
                "--data",
                s(&d),
                "--out",
                s(&print_into_site),
            ],
        ),
        (
            1,
            vec!["print", "--institution", "Y000021019999", "--data", s(&d)],
        ),
        (
            2,
            report(
                "Y000021013002",
                "2024-03",
                &d,
                &["--format", "csv", "--out", s(&anchor)],
            ),
        ),
        (
            2,
            vec!["keygen", "--out", "k", "--label", "a\n# kid: forged"],
        ),
        (
            2,
            report(
                "Y000021013002",
                "2024-03",
                &d,
                &["--format", "html", "--out", "r.csv"],
            ),
        ),
        (
            2,
            report("Y000021013002", "2024-03", &d, &["--out", "r.txt"]),
        ),
        (
            2,
            vec!["init", "new-site", "--base-url", "zs.example.gov.cn"],
        ),
    ];
    let roster_before = fs::read(&roster).unwrap();
    for args in &sign_cases {
        cases.push((2, args.iter().map(String::as_str).collect()));
    }
    for (expected, args) in cases {
        let (code, _, err) = run(certsite().args(&args).current_dir(dir.path()));
        assert_eq!(code, expected, "certsite {}\n{err}", args.join(" "));
        if expected == 2 {
            assert!(
                err.contains("错误：") || err.contains("用法："),
                "{args:?}: {err}"
            );
        }
        assert!(!err.contains("os error"), "{err}");
        // No English from the libraries underneath (calamine, toml, qrcode).
        for english in [
            "expected", "Zip", "Error", "too long", "overflow", "panicked",
        ] {
            assert!(!err.contains(english), "certsite {}\n{err}", args.join(" "));
        }
    }
    assert_eq!(
        fs::read(&roster).unwrap(),
        roster_before,
        "sign overwrote its input"
    );
    assert!(!new_out.exists());
    for (victim, before) in victims.iter().zip(&victims_before) {
        assert_eq!(
            &fs::read(victim).unwrap(),
            before,
            "{} replaced",
            victim.display()
        );
    }
    for never_made in [
        "big", "new-site", "public", "k.key", "k.pub", "r.csv", "r.txt",
    ] {
        assert!(!dir.path().join(never_made).exists(), "{never_made}");
    }
}

#[test]
fn quiet_prints_only_what_went_wrong() {
    let d = data();
    let (code, out, err) = verify(&["--quiet"], &d);
    assert_eq!(code, 0, "{err}");
    assert_eq!((out.as_str(), err.as_str()), ("", ""));
    // Before the command too.
    let root = d.join("root.pub");
    let (code, out, _) = run(certsite()
        .args(["-q", "verify", "--root"])
        .arg(root)
        .arg(&d));
    assert_eq!((code, out.as_str()), (0, ""));
    // A problem is still reported.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, "not json\n").unwrap();
    let (code, out, err) = verify(&["-q"], &bad);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("bad.jsonl:1:") && err.contains("发现 1 个问题"),
        "{err}"
    );
}

/// `certsite verify FLAGS --root data/root.pub PATH`.
fn verify(flags: &[&str], path: &Path) -> (i32, String, String) {
    let root = data().join("root.pub");
    run(certsite()
        .arg("verify")
        .args(flags)
        .arg("--root")
        .arg(root)
        .arg(path))
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn verify_json_has_the_counts_and_every_problem() {
    let d = data();
    let (code, out, err) = verify(&["--json"], &d);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["certificates"], 3000);
    assert_eq!(v["problems"], serde_json::json!([]));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, "{\"kid\":1}\nnot json\n").unwrap();
    let (code, out, err) = verify(&["--json"], &bad);
    assert_eq!(code, 1);
    assert!(err.is_empty(), "the problems are in the JSON: {err}");
    let v = json(&out);
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{v}");
    assert_eq!(problems[1]["file"], s(&bad));
    assert_eq!(problems[1]["line"], 2);
    assert_eq!(problems[0]["rule"], "envelope");
    // Could not run: still one JSON document on standard output.
    let (code, out, err) = run(certsite().args(["verify", "--json", "--root", "missing.pub", "x"]));
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(
        (v["ok"].clone(), v["exit"].clone()),
        (false.into(), 2.into())
    );
    assert!(v["error"].as_str().unwrap().contains("missing.pub"), "{v}");
    assert!(err.starts_with("错误："), "{err}");
}

#[test]
fn build_report_and_log_verify_json_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    let d = data();
    let (code, out, err) = run(certsite()
        .args(["build", "--json", "--data"])
        .arg(&d)
        .arg("--out")
        .arg(&site));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["out"], s(&site));
    assert_eq!(v["certificates"], 3000);
    assert!(v["shards"]["count"].as_u64().unwrap() > 1, "{v}");
    assert!(v["log"]["size"].as_u64().unwrap() > 3000, "{v}");
    let (code, out, err) = run(certsite()
        .args(["log", "verify", "--json", "--site"])
        .arg(&site)
        .arg("--root")
        .arg(d.join("root.pub")));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(
        (v["ok"].clone(), v["rollback_checked"].clone()),
        (true.into(), false.into())
    );
    assert!(v["files"].as_u64().unwrap() > 1000, "{v}");
    // A file of the site changed: the audit's JSON says where.
    // A shard that holds certificates (emptying an empty one changes nothing).
    let mut shards: Vec<std::path::PathBuf> = fs::read_dir(site.join("c"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| fs::metadata(p).unwrap().len() > 0)
        .collect();
    shards.sort();
    let shard = shards.swap_remove(0);
    fs::write(&shard, "").unwrap();
    let (code, out, _) = run(certsite()
        .args(["log", "verify", "--json", "--site"])
        .arg(&site)
        .arg("--root")
        .arg(d.join("root.pub")));
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["ok"], false);
    let name = shard.file_name().unwrap().to_str().unwrap();
    // Objects, as every command's problems: the file apart from the message.
    let shard_problem = (v["problems"].as_array().unwrap().iter())
        .find(|p| p["file"].as_str().is_some_and(|f| f.ends_with(name)))
        .unwrap_or_else(|| panic!("{v}"));
    assert!(shard_problem["message"].as_str().is_some(), "{v}");
    // An earlier checkpoint that cannot be read: no rollback was checked.
    let not_a_checkpoint = dir.path().join("old-checkpoint");
    fs::write(&not_a_checkpoint, "not a checkpoint\n").unwrap();
    let (code, out, _) = run(certsite()
        .args(["log", "verify", "--json", "--site"])
        .arg(&site)
        .arg("--root")
        .arg(d.join("root.pub"))
        .arg("--from")
        .arg(&not_a_checkpoint));
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["rollback_checked"], false, "{v}");
    assert!(
        v["problems"].to_string().contains("\"file\":\"--from\""),
        "{v}"
    );

    let csv = dir.path().join("report.csv");
    let (code, out, err) = run(certsite()
        .args([
            "report",
            "--json",
            "--institution",
            "Y000021013002",
            "--month",
            "2024-03",
            "--data",
        ])
        .arg(&d)
        .arg("--out")
        .arg(&csv));
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["filing_no"], "Y000021013002");
    assert_eq!(v["institution"], "沈阳鼓风机集团股份有限公司");
    assert!(csv.is_file());
    // The report itself would go to standard output: --json needs --out.
    let (code, _, err) = run(certsite().args([
        "report",
        "--json",
        "--institution",
        "Y000021013002",
        "--month",
        "2024-03",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("缺少必需的参数") && err.contains("--out"),
        "{err}"
    );
}

/// A copy of the demo data whose first certificate's signature is broken:
/// (the temporary folder, the data folder in it).
fn data_with_a_bad_signature() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    copy_dir(&data(), &d);
    let file = d.join("certificates/Y000021013002.jsonl");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replacen("\"sig\":\"", "\"sig\":\"A", 1)).unwrap();
    (dir, d)
}

#[test]
fn a_report_on_data_with_problems_is_written_but_says_it_may_be_incomplete() {
    let (dir, d) = data_with_a_bad_signature();
    let csv = dir.path().join("report.csv");
    let args = |json: bool| {
        let mut cmd = certsite();
        cmd.args([
            "-q",
            "report",
            "--institution",
            "Y000021013002",
            "--month",
            "2024-03",
        ])
        .arg("--data")
        .arg(&d)
        .arg("--out")
        .arg(&csv);
        if json {
            cmd.arg("--json");
        }
        run(&mut cmd)
    };
    let (code, out, err) = args(false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("这份汇总表可能不完整"),
        "shown even with -q: {err}"
    );
    assert!(csv.is_file());
    let (code, out, _) = args(true);
    assert_eq!(code, 1);
    let v = json(&out);
    // The bad line, and its city's review, which now names no published record.
    assert_eq!(
        (v["ok"].clone(), v["data_problems"].clone()),
        (false.into(), 2.into())
    );
    assert_eq!(
        v["problems"][0]["file"]
            .as_str()
            .map(|f| f.ends_with("Y000021013002.jsonl")),
        Some(true),
        "{v}"
    );
}

/// A data folder whose log state cannot be written is found before the
/// data is verified: exit 2 naming the state, not the data's problems.
#[test]
fn the_log_state_is_checked_before_the_data() {
    let (dir, d) = data_with_a_bad_signature();
    fs::remove_dir_all(d.join("log")).unwrap();
    fs::write(d.join("log"), "in the way").unwrap();
    let out = dir.path().join("public");
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&d)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("log：不是目录"), "{err}");
    assert!(
        !err.contains("签名无效"),
        "verified before the check: {err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_failed_build_json_lists_the_problems() {
    let (dir, d) = data_with_a_bad_signature();
    let (code, out, _) = run(certsite()
        .args(["build", "--json", "--data"])
        .arg(&d)
        .arg("--out")
        .arg(dir.path().join("public")));
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["line"], 1, "{v}");
    assert!(!dir.path().join("public").exists());
}

/// Runs `certsite ARGS` on a pseudo-terminal (util-linux `script`), with
/// `env` set; what it printed.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let bin = env!("CARGO_BIN_EXE_certsite");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .output()
        .expect("`script` (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let d = data();
    let args = format!(
        "verify --root {} {}",
        d.join("root.pub").display(),
        d.join("directory").display()
    );
    let escape = "\x1b[";
    assert!(
        on_a_terminal(&args, &[]).contains(escape),
        "a terminal gets colour"
    );
    assert!(!on_a_terminal(&args, &[("NO_COLOR", "1")]).contains(escape));
    assert!(!on_a_terminal(&format!("--color never {args}"), &[]).contains(escape));
    // A pipe gets none, unless asked.
    let (_, out, _) = run(certsite().args(args.split(' ')));
    assert!(!out.contains(escape) && out.contains("全部通过"), "{out}");
    let (_, out, _) = run(certsite().args(["--color", "always"]).args(args.split(' ')));
    assert!(out.contains(escape), "{out}");
    // Help and argument errors too.
    assert!(!on_a_terminal("build --bogus", &[("NO_COLOR", "1")]).contains(escape));
    assert!(on_a_terminal("build --bogus", &[]).contains(escape));
}

#[test]
fn build_checks_its_outputs_before_verifying_and_makes_nothing_when_it_fails() {
    // Data with a problem: found by verifying, it would be exit 1.
    let (dir, d) = data_with_a_bad_signature();
    let a_file = dir.path().join("a-file");
    fs::write(&a_file, "x").unwrap();
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("index.html"), "someone else's").unwrap();
    for (out, reason) in [
        (a_file.join("public"), "不是目录".to_string()),
        (a_file.clone(), "不是目录".to_string()),
        (other.clone(), format!("{} 不是空目录", other.display())),
    ] {
        let (code, _, err) = run(certsite()
            .args(["build", "--data"])
            .arg(&d)
            .arg("--out")
            .arg(&out));
        assert_eq!(code, 2, "{}: {err}", out.display());
        assert!(err.starts_with("错误：") && err.contains(&reason), "{err}");
        assert!(
            !err.contains("Y000021013002.jsonl"),
            "nothing was verified: {err}"
        );
    }
    // A build that fails on its data makes none of its output folders.
    let (out, qr) = (dir.path().join("new/public"), dir.path().join("new-qr/svg"));
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&d)
        .arg("--out")
        .arg(&out)
        .arg("--qr-out")
        .arg(&qr));
    assert_eq!(code, 1, "{err}");
    assert!(!dir.path().join("new").exists() && !dir.path().join("new-qr").exists());
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&d)
        .arg("--out")
        .arg(dir.path().join("p"))
        .arg("--qr-out")
        .arg(a_file.join("qr")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a-file") && err.contains("不是目录"), "{err}");
}

/// `verify` of a data folder judges it as its build does: by the privacy
/// floor its `certsite.toml` sets; certificates given without their
/// directory get a hint.
#[test]
fn verify_takes_the_folder_s_own_floor_and_says_when_the_directory_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("small");
    let (code, _, err) = run(certsite()
        .args([
            "demo",
            "--count",
            "30",
            "--iterations",
            "1",
            "--insecure-low-iterations",
            "--out",
        ])
        .arg(&d));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = verify(&[], &d);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = verify(&["--min-iterations", "1000000"], &d);
    assert_eq!(code, 1, "an explicit floor still applies: {err}");
    let certificates = (fs::read_dir(d.join("certificates")).unwrap())
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let (code, _, err) = verify(&[], &certificates);
    assert_eq!(code, 1);
    assert!(err.contains("所给的路径里没有机构目录"), "{err}");
}

/// Small things a newcomer trips over, each with a plain answer.
#[test]
fn key_names_and_one_line_texts() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(certsite()
        .args(["keygen", "-q", "--out", "keys/a.key"])
        .current_dir(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("keys/a.key").is_file() && dir.path().join("keys/a.pub").is_file());
    let (code, _, err) = run(certsite().args(["keygen", "--out", ""]));
    assert_eq!(code, 2);
    assert!(err.contains("'--out <PREFIX>' 需要一个不为空的值"), "{err}");
    for (flag, value) in [("--authority", "某市\n人社局"), ("--title", " ")] {
        let (code, _, err) = run(certsite()
            .args([
                "init",
                "site",
                "--base-url",
                "https://certs.example.gov.cn/",
                flag,
                value,
            ])
            .current_dir(dir.path()));
        assert_eq!(code, 2);
        assert!(
            err.contains(&format!("{flag} 须是一行不为空的文字")),
            "{err}"
        );
        assert!(!dir.path().join("site").exists());
    }
}

/// Output that cannot be written is a command that could not run (exit 2,
/// said in Chinese), never a panic or a silent success; a reader that
/// closed the pipe early wanted no more, and changes nothing.
#[cfg(target_os = "linux")]
#[test]
fn standard_output_that_cannot_be_written_is_exit_2() {
    use std::process::Stdio;
    for args in [
        &["code", "explain", "Y000021012001204000001"][..],
        &["code", "explain", "Y000021012001204000001", "--json"],
        &["--version"],
        &["sign", "--help"],
        &["help", "verify"],
    ] {
        let full = fs::File::create("/dev/full").unwrap();
        let out = certsite().args(args).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("无法写入标准输出："), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A closed pipe: the reader is gone before anything is written.
    let mut child = certsite()
        .args(["code", "explain", "Y000021012001204000001"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
