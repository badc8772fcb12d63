//! Witness cosignatures: a build asks the configured witnesses to cosign
//! its checkpoint (c2sp.org/tlog-witness `add-checkpoint`), here a small
//! witness served by the test that checks the log's signature and the
//! consistency proof before it signs; fewer cosignatures than the quorum
//! fail the build; `certsite log verify --witness` requires them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use certsite_core::log::cosignature::{Witness, cosign};
use certsite_core::log::merkle::{Hash, verify_consistency};
use certsite_core::log::note;
use certsite_core::trust::keys::{PublicKey, SecretKey};

use crate::support::*;

const ORIGIN: &str = "certsite.example/log";

/// A witness on 127.0.0.1: the size and root it last cosigned, and how
/// many requests it answered.
struct TestWitness {
    url: String,
    vkey: String,
    seen: Arc<Mutex<(usize, Hash, usize)>>,
}

fn demo_log_key() -> PublicKey {
    let text = std::fs::read_to_string(repo().join("data/demo-keys/log.pub")).unwrap();
    PublicKey::from_base64(text.lines().last().unwrap()).unwrap()
}

/// The witness's answer to one add-checkpoint body.
fn answer(body: &str, key: &SecretKey, seen: &Mutex<(usize, Hash, usize)>) -> (u16, String) {
    let (head, checkpoint) = body.split_once("\n\n").unwrap();
    let mut lines = head.lines();
    let old: usize = lines
        .next()
        .unwrap()
        .strip_prefix("old ")
        .unwrap()
        .parse()
        .unwrap();
    let proof: Vec<Hash> = lines
        .map(|l| STANDARD.decode(l).unwrap().try_into().unwrap())
        .collect();
    let Ok(text) = note::open(checkpoint, ORIGIN, &demo_log_key()) else {
        return (403, "not signed by the log".into());
    };
    let mut t = text.lines().skip(1);
    let size: usize = t.next().unwrap().parse().unwrap();
    let root: Hash = STANDARD
        .decode(t.next().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let mut s = seen.lock().unwrap();
    s.2 += 1;
    if old != s.0 {
        return (409, format!("{}\n", s.0));
    }
    if old > 0 && !verify_consistency(old, size, &s.1, &root, &proof) {
        return (422, "bad proof".into());
    }
    (s.0, s.1) = (size, root);
    (
        200,
        format!(
            "{}\n",
            cosign("witness.example/w1", key, &text, 1_764_460_800)
        ),
    )
}

fn start_witness() -> TestWitness {
    let key = SecretKey::from_seed([42; 32]);
    let vkey = Witness {
        name: "witness.example/w1".into(),
        key: key.public(),
    }
    .vkey();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new((0, [0u8; 32], 0)));
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let (status, text) = answer(&String::from_utf8(body).unwrap(), &key, &shared);
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    TestWitness { url, vkey, seen }
}

fn data_with_witness(dir: &Path, url: &str, vkey: &str) -> std::path::PathBuf {
    let data = dir.join("data");
    copy_dir(&repo().join("data"), &data);
    let mut config = std::fs::read_to_string(data.join("certsite.toml")).unwrap();
    config.push_str(&format!(
        "quorum = 1\n\n[[log.witnesses]]\nvkey = \"{vkey}\"\nurl = \"{url}\"\n"
    ));
    std::fs::write(data.join("certsite.toml"), config).unwrap();
    data
}

fn build(data: &Path, out: &Path) -> (i32, String, String) {
    run(certsite().args([
        "build",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]))
}

#[test]
fn a_build_is_cosigned_by_its_witness_and_an_auditor_requires_it() {
    let w = start_witness();
    let dir = tempfile::tempdir().unwrap();
    let data = data_with_witness(dir.path(), &w.url, &w.vkey);
    let out = dir.path().join("site");
    let (code, stdout, err) = build(&data, &out);
    assert_eq!(code, 0, "{stdout}{err}");
    let checkpoint = std::fs::read_to_string(out.join("log/checkpoint")).unwrap();
    assert_eq!(
        checkpoint
            .lines()
            .filter(|l| l.starts_with('\u{2014}'))
            .count(),
        2,
        "{checkpoint}"
    );
    assert!(
        checkpoint.contains("\u{2014} witness.example/w1 "),
        "{checkpoint}"
    );
    assert_eq!(w.seen.lock().unwrap().0, 6186);
    let root = repo().join("data/root.pub");
    let verify = |vkey: &str| {
        run(certsite().args([
            "log",
            "verify",
            "--site",
            out.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--witness",
            vkey,
        ]))
    };
    let (code, stdout, err) = verify(&w.vkey);
    assert_eq!(code, 0, "{stdout}{err}");
    let stranger = Witness {
        name: "witness.example/w2".into(),
        key: SecretKey::from_seed([43; 32]).public(),
    };
    let (code, _, err) = verify(&stranger.vkey());
    assert_eq!(code, 1);
    assert!(err.contains("见证人副署不足"), "{err}");
    // A rebuild with nothing new keeps the cosigned checkpoint: no request.
    let asked = w.seen.lock().unwrap().2;
    let (code, _, err) = build(&data, &out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.seen.lock().unwrap().2, asked);
    assert_eq!(
        std::fs::read_to_string(out.join("log/checkpoint")).unwrap(),
        checkpoint
    );
}

#[test]
fn without_enough_cosignatures_the_build_writes_nothing() {
    // A witness that does not answer (nothing listens on the port).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = Witness {
        name: "witness.example/w1".into(),
        key: SecretKey::from_seed([42; 32]).public(),
    };
    let dir = tempfile::tempdir().unwrap();
    let data = data_with_witness(dir.path(), &format!("http://127.0.0.1:{port}/"), &w.vkey());
    let out = dir.path().join("site");
    let (code, _, err) = build(&data, &out);
    assert_ne!(code, 0);
    assert!(
        err.contains("见证人副署不足：需要 1 个，得到 0 个"),
        "{err}"
    );
    assert!(!out.exists());
}
