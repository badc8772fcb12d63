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
    let root = repo().join("data/root.pub");
    let mut args = vec![
        "log",
        "verify",
        "--site",
        site.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ];
    if let Some(f) = from {
        args.extend(["--from", f.to_str().unwrap()]);
    }
    certsite_in(&args)
}

#[test]
fn an_auditor_passes_an_honest_mirror_and_names_what_a_host_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let site = dir.path().join("site");
    build(&data, &site);
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
    // Appended only to a file of publisher statements, never to a key.
    let root_key = fs::read(data.join("demo-keys/root.key")).unwrap();
    let (code, _, err) = run(certsite().current_dir(&data).args([
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
        "--out",
        "demo-keys/root.key",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("只能追加到发布者声明的数据集"), "{err}");
    assert_eq!(fs::read(data.join("demo-keys/root.key")).unwrap(), root_key);
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
