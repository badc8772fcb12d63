//! `certsite keygen`, operating-system errors and keys given the wrong way
//! round, through the binary. What `code explain`, `--help` and argument
//! errors print is compared whole in `tests/cmd/` (`cli_output`).

use std::fs;

use crate::support::*;

#[test]
fn keygen_writes_a_private_key_and_a_public_key_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("inst");
    let (code, out, _) = run(certsite().args([
        "keygen",
        "--out",
        prefix.to_str().unwrap(),
        "--label",
        "测试机构",
    ]));
    assert_eq!(code, 0);
    let secret = fs::read_to_string(dir.path().join("inst.key")).unwrap();
    let public = fs::read_to_string(dir.path().join("inst.pub")).unwrap();
    let secret_line = secret.lines().last().unwrap();
    assert!(!out.contains(secret_line), "the secret is never printed");
    let pk =
        certsite_core::trust::keys::PublicKey::from_base64(public.lines().last().unwrap()).unwrap();
    assert!(out.contains(&pk.kid()));
    assert!(out.contains(&pk.fingerprint()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("inst.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, _, err) = run(certsite().args(["keygen", "--out", prefix.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("已存在，拒绝覆盖密钥文件"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("inst.key")).unwrap(),
        secret
    );
}

#[test]
fn keygen_takes_a_prefix_not_a_folder_and_makes_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    fs::create_dir(&keys).unwrap();
    for out in [format!("{}/", keys.display()), keys.display().to_string()] {
        let (code, _, err) = run(certsite().args(["keygen", "--out", &out]));
        assert_eq!(code, 2, "{out}");
        assert!(err.contains("是目录，不是文件名前缀"), "{err}");
    }
    assert_eq!(
        fs::read_dir(&keys).unwrap().count(),
        0,
        "no hidden .key written"
    );
    let prefix = dir.path().join("new/folder/inst");
    let (code, _, err) = run(certsite().args(["keygen", "--out", prefix.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("new/folder/inst.key").is_file());
}

#[test]
fn operating_system_errors_are_in_chinese_and_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("没有这个.pub");
    let (code, _, err) = run(certsite().args([
        "verify",
        "--root",
        missing.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        format!("错误：无法读取 {}：不存在", missing.display())
    );
    assert!(!err.contains("os error"), "{err}");
    // An output below a file: the write step names the folder it needed.
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let (code, _, err) = run(certsite().args([
        "qr",
        "Y000021013002243000001",
        "--out",
        file.join("q.svg").to_str().unwrap(),
        "--data",
        repo().join("data").to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!("错误：无法创建目录 {}：", file.display())),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn library_errors_can_be_matched_by_kind() {
    use certsite::demo::{DemoError, DemoOptions, generate};
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("other.txt"), "not a demo").unwrap();
    let opts = DemoOptions {
        out: dir.path().to_path_buf(),
        count: 1,
        seed: 1,
        iterations: 1,
        min_iterations: 1,
        as_of: jiff::civil::date(2026, 11, 15),
        force: false,
        extra_institutions: 0,
    };
    assert!(matches!(generate(&opts), Err(DemoError::NotEmpty(p)) if p == dir.path()));
}

#[test]
fn keys_given_the_wrong_way_round_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("inst");
    let (code, _, err) = run(certsite().args(["keygen", "--out", prefix.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    let (public, secret) = (dir.path().join("inst.pub"), dir.path().join("inst.key"));
    fs::write(dir.path().join("roster.csv"), "证书编号,姓名\n").unwrap();
    // Signing with the public key.
    let (code, _, err) = run(certsite().args([
        "sign",
        "--key",
        public.to_str().unwrap(),
        "--input",
        dir.path().join("roster.csv").to_str().unwrap(),
        "--out",
        dir.path().join("out.jsonl").to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("这是公钥文件（.pub），签名需要私钥文件（.key）"),
        "{err}"
    );
    // Verifying against the secret key.
    let (code, _, err) = run(certsite().args([
        "verify",
        "--root",
        secret.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("这是私钥文件（文件头写着 SECRET key），此处需要公钥文件（.pub）"),
        "{err}"
    );
    // The header decides, whatever the file is called.
    let renamed = dir.path().join("looks-public.pub");
    fs::copy(&secret, &renamed).unwrap();
    let (code, _, err) = run(certsite().args([
        "verify",
        "--root",
        renamed.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("这是私钥文件"), "{err}");
}
