//! The log's tiles and checkpoint, checked by an independent implementation
//! (`tests/log/check_tiles.py`: Python's hashlib and `cryptography`).

use std::process::Command;

use certsite_core::log::merkle::{leaf_hash, root};
use certsite_core::log::note::{checkpoint_text, sign, vkey};
use certsite_core::log::tiles::tiles;
use certsite_core::trust::keys::SecretKey;

use crate::support::*;

fn python_check(dir: &std::path::Path, vkey: &str) -> (bool, String) {
    let out = Command::new("python3")
        .arg(repo().join("tests/log/check_tiles.py"))
        .arg(dir)
        .arg(vkey)
        .output()
        .expect("python3 runs (tests/run installs cryptography)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn an_independent_implementation_agrees_with_the_tiles_and_the_checkpoint() {
    let key = SecretKey::from_seed([5; 32]);
    let origin = "certsite.example/log";
    for size in [0usize, 1, 255, 256, 257, 70_000] {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<Vec<u8>> = (0..size)
            .map(|i| format!("{{\"statement\":{i}}}").into_bytes())
            .collect();
        for (path, bytes) in tiles(&entries).unwrap() {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
        let text = checkpoint_text(origin, size as u64, &root(&leaves));
        std::fs::write(dir.path().join("checkpoint"), sign(&text, origin, &key)).unwrap();
        let (ok, out) = python_check(dir.path(), &vkey(origin, &key.public()));
        assert!(ok, "size {size}: {out}");
        assert!(out.starts_with(&format!("{origin} {size} ")), "{out}");
        // A changed hash in a tile, or a checkpoint signed by another key, fails.
        if size == 257 {
            let tile = dir.path().join("tile/0/000");
            let mut bytes = std::fs::read(&tile).unwrap();
            bytes[5] ^= 1;
            std::fs::write(&tile, bytes).unwrap();
            assert!(!python_check(dir.path(), &vkey(origin, &key.public())).0);
            let other = SecretKey::from_seed([6; 32]);
            assert!(!python_check(dir.path(), &vkey(origin, &other.public())).0);
        }
    }
}

#[test]
fn the_demo_sites_log_checks_independently_and_holds_every_published_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (code, stdout, err) = run(certsite().args([
        "build",
        "--data",
        repo().join("data").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{stdout}{err}");
    let text = std::fs::read_to_string(repo().join("data/demo-keys/log.pub")).unwrap();
    let key =
        certsite_core::trust::keys::PublicKey::from_base64(text.lines().last().unwrap()).unwrap();
    let (ok, report) = python_check(&out.join("log"), &vkey("certsite.example/log", &key));
    assert!(ok, "{report}");
    // 1 publisher statement, 173 institution statements, 14 city statements,
    // 3000 certificates, 2988 reviews, 10 revocations.
    assert!(report.starts_with("certsite.example/log 6186 "), "{report}");
}
