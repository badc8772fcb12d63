//! `certsite init` and the README's "New deployment" walkthrough (it stays
//! in the README, the front door), run as the README writes it: a fresh
//! folder builds a valid empty site, and the walkthrough's commands reach a
//! site with a verified certificate.

use std::path::Path;

use crate::support::*;

/// The walkthrough's code block, from the README.
fn walkthrough() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("## New deployment")
        .nth(1)
        .expect("the section");
    let body = section.split("```sh\n").nth(1).expect("its code block");
    body.split("```").next().unwrap().to_string()
}

/// Runs `script` with bash in `dir`, `certsite` on the PATH.
fn bash(dir: &Path, script: &str) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_certsite"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run(std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path))
}

#[test]
fn the_readme_walkthrough_reaches_a_working_site() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = bash(dir.path(), &walkthrough());
    assert_eq!(code, 0, "{out}\n{err}");
    // init's next steps name the city's review.
    assert!(out.contains("用 certsite review 审核企业的数据集"), "{out}");
    assert!(
        out.contains("已审核并签名 1 份 → reviews/01.jsonl"),
        "{out}"
    );
    let site = dir.path().join("mysite/public");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["counts"]["certificates"], 1, "{manifest}");
    assert_eq!(manifest["counts"]["institutions"], 1, "{manifest}");
    // The site sits inside the data folder: the next build (and the
    // preview the README suggests) reads the data, never the built site.
    let (code, out, err) = bash(
        &dir.path().join("mysite"),
        "certsite build --data . --out public && certsite verify --root keys/root.pub .",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("证书     1 份签名有效：1 份已经所在市审核，0 份尚未审核"),
        "{out}"
    );
    assert!(out.contains("审核机构 1 个市"), "{out}");
    // The city reviewed the one certificate: nothing went back to the enterprise.
    let reviews = std::fs::read_to_string(dir.path().join("mysite/reviews/01.jsonl")).unwrap();
    assert_eq!(reviews.lines().count(), 1);
    assert!(
        !dir.path()
            .join("mysite/reviews/01.jsonl.rejects.csv")
            .exists()
    );
    // The folder's own README lists the same next steps.
    let own = std::fs::read_to_string(dir.path().join("mysite/README.md")).unwrap();
    for step in [
        "certsite keygen --out keys/city-01",
        "certsite sign --key keys/root.key --input examples/directory.csv",
        "certsite sign --key keys/root.key --input examples/cities.csv",
        "certsite review --key keys/city-01.key",
        "certsite build --data .",
    ] {
        assert!(own.contains(step), "{step}");
    }
}

#[test]
fn init_makes_a_folder_that_builds_and_keeps_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new");
    // Where the secret keys are is said even with --quiet.
    let (code, _, err) = run(certsite()
        .args([
            "init",
            "--quiet",
            "--base-url",
            "https://certs.example.gov.cn/",
        ])
        .arg(&data));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("keys/root.key") && err.contains("离线"),
        "{err}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(data.join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("keys"), 0o700);
        assert_eq!(mode("keys/root.key"), 0o600);
        assert_eq!(mode("keys/log.key"), 0o600);
    }
    for file in [
        "certsite.toml",
        "publisher/publisher.jsonl",
        "pages/notice.md",
        "examples/directory.csv",
        "examples/certificates.csv",
        "examples/cities.csv",
        "examples/decisions.csv",
        "examples/revocations.csv",
        "README.md",
    ] {
        assert!(data.join(file).is_file(), "{file}");
    }
    // Right away: a valid, empty site, and the secret keys are not in it.
    let site = dir.path().join("public");
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&site));
    assert_eq!(code, 0, "{err}");
    assert!(site.join("manifest.json").is_file() && site.join("verify/index.html").is_file());
    let published: Vec<_> = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    assert!(
        published
            .iter()
            .all(|e| e.path().extension().is_none_or(|x| x != "key"))
    );
    // Never over anything.
    let (code, _, err) = run(certsite()
        .args(["init", "--base-url", "https://certs.example.gov.cn/"])
        .arg(&data));
    assert_eq!(code, 2);
    assert!(err.contains("不是空目录"), "{err}");
}

#[test]
fn a_build_of_a_folder_that_is_no_data_folder_says_so_and_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("public");
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&empty)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 2, "a usage fault, not a data problem: {err}");
    assert!(
        err.contains("不是数据目录") && err.contains("certsite init"),
        "{err}"
    );
    assert!(
        !err.contains("--skip-invalid") && !err.contains("保持原样"),
        "{err}"
    );
    assert!(!out.exists());
    // A folder with a bad file: no hint that cannot help, and no claim
    // about an output that was never there.
    let (code, _, _) = run(certsite()
        .args(["init", "--base-url", "https://certs.example.gov.cn/"])
        .arg(&empty));
    assert_eq!(code, 0);
    std::fs::write(empty.join("root.pub"), "").unwrap();
    let config = empty.join("certsite.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("keys/root.pub", "root.pub");
    std::fs::write(&config, text).unwrap();
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&empty)
        .arg("--out")
        .arg(&out));
    assert_eq!(
        code, 2,
        "an unreadable root key: the build cannot run: {err}"
    );
    assert!(
        err.contains("没有写出") && !err.contains("--skip-invalid"),
        "{err}"
    );
    assert_eq!(err.matches("root.pub").count(), 1, "{err}");
}

/// Ctrl-C while a build writes the site: the half-written folder is
/// removed, the published site stays whole, and the next build is clean.
#[test]
fn an_interrupted_build_leaves_the_site_whole_and_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Enough certificates that writing the site takes a while.
    let (code, _, err) = run(certsite()
        .args([
            "demo",
            "--count",
            "20000",
            "--iterations",
            "1",
            "--insecure-low-iterations",
            "--out",
        ])
        .arg(&data));
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("public");
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    // Ctrl-C, and the TERM a service manager or `timeout` sends.
    for sig in ["-INT", "-TERM"] {
        let child = certsite()
            .args(["build", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Interrupted the moment its staging folder appears, mid-write.
        let staging = dir.path().join(format!(".public.new-{}", child.id()));
        wait_for(&staging, "the build never started writing");
        signal(&child, sig);
        let output = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{sig}: {err}");
        assert!(err.contains("已中断"), "{err}");
        let left = staging_left(dir.path(), "public");
        assert!(left.is_empty(), "{sig}: {left:?}");
        assert_eq!(
            std::fs::read(out.join("manifest.json")).unwrap(),
            before,
            "the published site is untouched"
        );
        assert!(out.join("verify/index.html").is_file());
    }

    // Interrupted while writing the QR codes: the site is untouched, each
    // code written is whole, and the next build writes the rest.
    let qr = dir.path().join("qr");
    let child = certsite()
        .args(["build", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .arg("--qr-out")
        .arg(&qr)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&qr, "the build never started its QR codes");
    signal(&child, "-INT");
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert!(
        err.contains("站点没有更新") && err.contains("/20000 个二维码写完"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), before);
    let svgs = || -> Vec<std::path::PathBuf> {
        (std::fs::read_dir(&qr).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .collect()
    };
    let written = svgs();
    assert!(written.len() < 20000, "{}", written.len());
    for svg in &written {
        let text = std::fs::read_to_string(svg).unwrap();
        assert!(text.ends_with("</svg>\n"), "{}", svg.display());
    }
    let (code, _, err) = run(certsite()
        .args(["build", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .arg("--qr-out")
        .arg(&qr));
    assert_eq!(code, 0, "{err}");
    assert_eq!(svgs().len(), 20000);
    assert!(std::fs::read_dir(&qr).unwrap().all(|e| {
        let name = e.unwrap().file_name();
        !name.to_string_lossy().starts_with('.')
    }));
}
