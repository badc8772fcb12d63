//! The signature floor of a build: every Ed25519 signature of a data folder
//! verified with `verify_strict` on all cores, nothing else (no JSON, no
//! rules, no files written). `certsite build` cannot be faster; its time
//! divided by this one is what the build's own work costs
//! (`tests/benches/site_scale.sh` prints the ratio).
//!
//! It also measures ed25519-dalek's batch verification on the same
//! signatures, alone and with the checks that would make it agree with
//! `verify_strict` (see docs/performance.md, "Batch verification").
//!
//! Run: `cargo bench --bench signature_floor -- DATA_DIR [ROUNDS]`

use std::collections::BTreeMap;
use std::time::Instant;

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, VerifyingKey};
use rayon::prelude::*;

use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::statement::Statement;

/// One signature to check: key, message (canonical statement), signature, type.
struct Item {
    key: VerifyingKey,
    message: Vec<u8>,
    signature: Signature,
    kind: &'static str,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let data = args
        .first()
        .expect("usage: signature_floor DATA_DIR [ROUNDS]");
    let rounds: usize = args.get(1).map_or(3, |r| r.parse().expect("ROUNDS"));
    let items = read(std::path::Path::new(data));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &items {
        *kinds.entry(i.kind).or_default() += 1;
    }
    println!(
        "{} signatures ({}), {} threads",
        items.len(),
        kinds
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        rayon::current_num_threads()
    );
    let best = |f: &dyn Fn() -> bool| {
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                assert!(f(), "a signature of the data folder did not verify");
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let strict = best(&|| {
        items
            .par_iter()
            .all(|i| i.key.verify_strict(&i.message, &i.signature).is_ok())
    });
    let batch = best(&|| items.par_chunks(64).all(batch_ok));
    let batch_checked = best(&|| {
        items
            .par_chunks(64)
            .all(|chunk| chunk.iter().all(strict_points) && batch_ok(chunk))
    });
    println!("| verification, all cores | seconds (best of {rounds}) | per second |");
    println!("| --- | --- | --- |");
    for (what, s) in [
        ("verify_strict, one by one (the floor)", strict),
        ("verify_batch, 64 a batch", batch),
        (
            "verify_batch with R canonical, torsion-free, not the identity",
            batch_checked,
        ),
    ] {
        println!("| {what} | {s:.3} | {:.0} |", items.len() as f64 / s);
    }
}

fn batch_ok(chunk: &[Item]) -> bool {
    let messages: Vec<&[u8]> = chunk.iter().map(|i| i.message.as_slice()).collect();
    let signatures: Vec<Signature> = chunk.iter().map(|i| i.signature).collect();
    let keys: Vec<VerifyingKey> = chunk.iter().map(|i| i.key).collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// What verify_strict requires of R beyond the batch equation: a canonical
/// encoding of a point in the prime-order subgroup that is not the
/// identity. (Keys are checked once, when their statement is read.)
fn strict_points(i: &Item) -> bool {
    let r_bytes: [u8; 32] = i.signature.r_bytes().to_owned();
    let Some(r) = CompressedEdwardsY(r_bytes).decompress() else {
        return false;
    };
    r.compress().to_bytes() == r_bytes && r.is_torsion_free() && !r.is_small_order()
}

/// Every envelope of the folder's datasets, with the key that signs it:
/// the root for the root's statements, the listed keys for the rest.
fn read(dir: &std::path::Path) -> Vec<Item> {
    let root = PublicKey::from_file_text(
        &std::fs::read_to_string(dir.join("root.pub")).expect("root.pub"),
        None,
    )
    .expect("a root key");
    let mut envelopes = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("a readable folder");
        let path = entry.path();
        let skip = path.components().any(|c| c.as_os_str() == "log");
        if skip || path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("a dataset");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let env = Envelope::parse(line).expect("an envelope");
            let statement = env.typed().expect("a statement");
            envelopes.push((env, statement));
        }
    }
    let mut keys: BTreeMap<String, PublicKey> = BTreeMap::from([(root.kid(), root)]);
    for (_, s) in &envelopes {
        let listed = match s {
            Statement::Institution(i) => &i.keys,
            Statement::City(c) => &c.keys,
            Statement::Publisher(p) => &p.keys,
            _ => continue,
        };
        for k in listed {
            keys.insert(
                k.kid.clone(),
                PublicKey::from_base64(&k.public_key).unwrap(),
            );
        }
    }
    envelopes
        .into_iter()
        .map(|(env, s)| Item {
            key: VerifyingKey::from_bytes(keys[&env.kid].as_bytes()).unwrap(),
            message: env.statement.canonical(),
            signature: Signature::from_bytes(&env.sig),
            kind: match s {
                Statement::Certificate(_) => "certificates",
                Statement::Review(_) => "reviews",
                _ => "other",
            },
        })
        .collect()
}
