//! The snapshot half of the verdict corpus: what a host serves for one
//! lookup beside the records (`snapshot.jsonl` and the tiles), honest for
//! every verdict case, and altered in the snapshot cases the way a hostile
//! host or mirror would alter it: a stripped revocation line, an edited
//! line, an older institution statement, a shard from the previous build, a
//! forged or foreign snapshot. Rust decides each case with
//! `site_format::snapshot::check_lookup`; the page must reach the same rule
//! (`tests/js/verdicts.test.mjs`, `tests/browser/verdicts.test.mjs`).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use certsite_core::log::merkle::{leaf_hash, root as merkle_root};
use certsite_core::log::tiles::tiles;
use certsite_core::site_format::shard::ShardScheme;
use certsite_core::site_format::snapshot::{
    LookupFailure, SignedSnapshot, check_log, check_lookup,
};
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::{LogHead, Statement};

use crate::support::*;

/// The origin of the corpus site's log.
pub const ORIGIN: &str = "certsite.example/log";
const CODE: &str = "Y000021013002243000001";
const TODAY: &str = "2026-11-30";

/// A host's files: path → bytes.
pub type Host = BTreeMap<String, Vec<u8>>;

/// The hints a page carries for a corpus site: one shard, one issuer bucket.
pub fn hints() -> Value {
    json!({ "origin": ORIGIN, "shards": { "bits": 0, "tiles": [0] }, "issuers": { "bits": 0, "tiles": [0] }, "width": 1 })
}

/// What a snapshot is made of, before it is signed.
struct Build {
    filing: String,
    shard: Vec<String>,
    directory: Vec<String>,
    publisher: Vec<String>,
    origin: String,
    data_date: String,
    /// The log's entries.
    log: Vec<Vec<u8>>,
}

impl Build {
    fn new(w: &World, shard: &[String], directory: &[String], today: &str) -> Build {
        Build {
            filing: BLOWER.into(),
            shard: shard.to_vec(),
            directory: directory.to_vec(),
            publisher: vec![line(Statement::Publisher(w.publisher(ORIGIN)), &w.root)],
            origin: ORIGIN.into(),
            data_date: today.into(),
            log: Vec::new(),
        }
    }

    /// Every file the honest host serves, signed with `key`.
    fn host(&self, key: &SecretKey) -> Host {
        let text = |lines: &[String]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        let mut files = Host::new();
        files.insert("c/0.jsonl".into(), text(&self.shard).into_bytes());
        let mut filings = Vec::new();
        if !self.directory.is_empty() {
            files.insert(
                format!("i/{}.jsonl", self.filing),
                text(&self.directory).into_bytes(),
            );
            filings.push(self.filing.clone());
        }
        SignedSnapshot {
            scheme: ShardScheme { bits: 0 },
            filings,
            publisher: self.publisher.clone(),
            origin: self.origin.clone(),
            data_date: self.data_date.clone(),
            log: LogHead {
                size: self.log.len() as i64,
                root: STANDARD.encode(log_root(&self.log)),
            },
        }
        .add_to(&mut files, key);
        for (path, bytes) in tiles(&self.log).unwrap() {
            files.insert(format!("log/{path}"), bytes);
        }
        files
    }
}

/// The snapshot and tiles an honest host serves beside a verdict case's
/// shard and directory (which the case itself lists).
pub fn honest(w: &World, code: &str, shard: &[String], directory: &[String], today: &str) -> Value {
    let build = Build {
        filing: code[..13].to_string(),
        ..Build::new(w, shard, directory, today)
    };
    let host = build.host(&w.log);
    encode(&host, |p| p == "snapshot.jsonl" || p.starts_with("snap/"))
}

fn encode(host: &Host, keep: impl Fn(&str) -> bool) -> Value {
    host.iter()
        .filter(|(p, _)| keep(p))
        .map(|(p, b)| (p.clone(), Value::String(STANDARD.encode(b))))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The snapshot line of a host, as JSON, to edit.
fn snapshot_statement(host: &Host) -> Value {
    let text = String::from_utf8(host["snapshot.jsonl"].clone()).unwrap();
    let last = text.lines().last().unwrap();
    serde_json::from_str::<Value>(last).unwrap()["statement"].clone()
}

/// Replaces the host's snapshot line by `statement`, signed with `key`.
fn resign(host: &mut Host, statement: &Value, key: &SecretKey) {
    let text = String::from_utf8(host["snapshot.jsonl"].clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let s: Statement = serde_json::from_value(statement.clone()).unwrap();
    *lines.last_mut().unwrap() = Envelope::sign(&s, key).to_line();
    host.insert(
        "snapshot.jsonl".into(),
        format!("{}\n", lines.join("\n")).into_bytes(),
    );
}

struct SnapCase {
    name: &'static str,
    host: Host,
    /// The verdict of the records when the snapshot holds.
    records: &'static str,
    /// The log the visitor's browser saw before (size, root).
    seen: Option<(u64, [u8; 32])>,
}

fn log_root(entries: &[Vec<u8>]) -> [u8; 32] {
    let leaves: Vec<[u8; 32]> = entries.iter().map(|e| leaf_hash(e)).collect();
    merkle_root(&leaves)
}

fn entries(n: usize, tag: &str) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{tag} {i}").into_bytes()).collect()
}

/// Later visits: the browser remembers the log it saw.
fn log_cases(w: &World, revoked: &Build) -> Vec<SnapCase> {
    let grown = entries(300, "entry");
    let build = |log: Vec<Vec<u8>>| {
        Build {
            log,
            ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
        }
        .host(&w.log)
    };
    let seen = |log: &[Vec<u8>]| Some((log.len() as u64, log_root(log)));
    let current = build(grown.clone());
    let mut lost = current.clone();
    lost.retain(|p, _| !p.starts_with("log/tile/0/"));
    let mut edited = current.clone();
    for (p, tile) in edited.iter_mut() {
        if p.starts_with("log/tile/0/") {
            tile[0] ^= 1;
        }
    }
    vec![
        SnapCase {
            name: "a later visit after the log grew",
            host: current.clone(),
            records: "revoked",
            seen: seen(&grown[..260]),
        },
        SnapCase {
            name: "a later visit, the log unchanged",
            host: current.clone(),
            records: "revoked",
            seen: seen(&grown),
        },
        SnapCase {
            name: "a site rolled back after a visit to the newer one",
            host: build(grown[..260].to_vec()),
            records: "revoked",
            seen: seen(&grown),
        },
        SnapCase {
            name: "a forked site of the same size",
            host: current.clone(),
            records: "revoked",
            seen: seen(&entries(300, "other")),
        },
        SnapCase {
            name: "a forked site that grew",
            host: current.clone(),
            records: "revoked",
            seen: seen(&entries(260, "other")),
        },
        // Withheld tiles are a load failure; edited ones fail the proof.
        SnapCase {
            name: "a later visit to a site whose log tiles are gone",
            host: lost,
            records: "revoked",
            seen: seen(&grown[..260]),
        },
        SnapCase {
            name: "a later visit to a site whose log tiles are edited",
            host: edited,
            records: "revoked",
            seen: seen(&grown[..260]),
        },
    ]
}

fn lines(ls: &[&String]) -> String {
    ls.iter().map(|l| format!("{l}\n")).collect()
}

/// Every snapshot case.
fn snap_cases(w: &World) -> Vec<SnapCase> {
    // The issuer's file lists its city's review authority, and the record
    // is followed by its city's review: both travel as one text of two lines.
    let blower = format!(
        "{}\n{}",
        line(Statement::Institution(w.blower()), &w.root),
        line(Statement::City(w.shenyang_city()), &w.root)
    );
    let record = line(
        Statement::Certificate(certificate(CODE, "2024-06-30")),
        &w.blower_b,
    );
    let review = w.review_of(&record, "2024-06-20", "2024-07-05");
    let good = format!("{record}\n{}", line(Statement::Review(review), &w.shenyang));
    let by_issuer = line(
        Statement::Revocation(revocation(CODE, "2025-01-01")),
        &w.blower_b,
    );
    let by_root = line(
        Statement::Revocation(revocation(CODE, "2025-02-01")),
        &w.root,
    );
    let revoked = Build::new(
        w,
        &[good.clone(), by_issuer.clone()],
        std::slice::from_ref(&blower),
        TODAY,
    );
    let honest = revoked.host(&w.log);
    let with = |f: &dyn Fn(&mut Host)| {
        let mut h = honest.clone();
        f(&mut h);
        h
    };
    let mut out = vec![
        SnapCase {
            name: "an unaltered site with a revoked certificate",
            host: honest.clone(),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "the issuer's revocation line stripped from the shard",
            host: with(&|h| {
                h.insert("c/0.jsonl".into(), lines(&[&good]).into_bytes());
            }),
            records: "verified",
            seen: None,
        },
        SnapCase {
            name: "an edited record line",
            host: with(&|h| {
                let edited = good.replace("\"2024-06-30\"", "\"2024-06-29\"");
                h.insert(
                    "c/0.jsonl".into(),
                    lines(&[&edited, &by_issuer]).into_bytes(),
                );
            }),
            records: "invalid-signature",
            seen: None,
        },
        // Rust refuses the line; a page whose TextDecoder dropped the BOM
        // would read another snapshot than the one judged here.
        SnapCase {
            name: "a BOM before the snapshot's first line",
            host: with(&|h| {
                let snapshot = h.get_mut("snapshot.jsonl").unwrap();
                snapshot.splice(0..0, "\u{feff}".bytes());
            }),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "a tile edited",
            host: with(&|h| {
                h.get_mut("snap/c/0/0").unwrap()[5] ^= 1;
            }),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "the issuer tile missing",
            host: with(&|h| {
                h.remove("snap/i/0/0");
            }),
            records: "revoked",
            seen: None,
        },
        // A file withheld is a load failure, never a finding about the
        // publisher: the page says the data could not be loaded.
        SnapCase {
            name: "the shard's tile withheld",
            host: with(&|h| {
                h.remove("snap/c/0/0");
            }),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "the shard withheld",
            host: with(&|h| {
                h.remove("c/0.jsonl");
            }),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "the issuer file withheld",
            host: with(&|h| {
                h.remove(&format!("i/{BLOWER}.jsonl"));
            }),
            records: "revoked",
            seen: None,
        },
        SnapCase {
            name: "no snapshot",
            host: with(&|h| {
                h.remove("snapshot.jsonl");
            }),
            records: "revoked",
            seen: None,
        },
    ];
    // A root revocation stripped.
    let root_revoked = Build::new(
        w,
        &[good.clone(), by_root.clone()],
        std::slice::from_ref(&blower),
        TODAY,
    )
    .host(&w.log);
    let mut stripped = root_revoked.clone();
    stripped.insert("c/0.jsonl".into(), lines(&[&good]).into_bytes());
    out.push(SnapCase {
        name: "the root's revocation line stripped from the shard",
        host: stripped,
        records: "verified",
        seen: None,
    });
    // The previous build's shard under the new build's snapshot.
    let previous = Build::new(
        w,
        std::slice::from_ref(&good),
        std::slice::from_ref(&blower),
        "2024-12-31",
    )
    .host(&w.log);
    let mut mixed = honest.clone();
    mixed.insert("c/0.jsonl".into(), previous["c/0.jsonl"].clone());
    out.push(SnapCase {
        name: "a shard from the previous build",
        host: mixed,
        records: "verified",
        seen: None,
    });
    // A key cut off by a newer institution statement, hidden by serving the older one.
    let mut cut = w.blower();
    cut.keys[1].valid_until = Some("2024-05-31".into());
    cut.issued_on = "2025-06-01".into();
    let cut = line(Statement::Institution(cut), &w.root);
    let with_cut = Build::new(
        w,
        std::slice::from_ref(&good),
        &[blower.clone(), cut.clone()],
        TODAY,
    )
    .host(&w.log);
    out.push(SnapCase {
        name: "an unaltered site with a key cut off",
        host: with_cut.clone(),
        records: "key-not-valid",
        seen: None,
    });
    let mut older = with_cut.clone();
    older.insert(format!("i/{BLOWER}.jsonl"), lines(&[&blower]).into_bytes());
    out.push(SnapCase {
        name: "the older institution statement served instead of both",
        host: older,
        records: "verified",
        seen: None,
    });
    // An issuer file the snapshot does not list.
    let mut invented = Build::new(w, std::slice::from_ref(&good), &[], TODAY).host(&w.log);
    invented.insert(format!("i/{BLOWER}.jsonl"), lines(&[&blower]).into_bytes());
    out.push(SnapCase {
        name: "an issuer file the snapshot does not list",
        host: invented,
        records: "verified",
        seen: None,
    });
    out.push(SnapCase {
        name: "a lookup of a code with no record",
        host: Build::new(w, &[], std::slice::from_ref(&blower), TODAY).host(&w.log),
        records: "not-found",
        seen: None,
    });
    out.extend(signer_cases(w, &revoked, &honest));
    out.extend(log_cases(w, &revoked));
    out
}

/// Snapshots that are not the publisher's, or not of this log.
fn signer_cases(w: &World, revoked: &Build, honest: &Host) -> Vec<SnapCase> {
    let other = SecretKey::from_seed([99; 32]);
    let mut out = vec![SnapCase {
        name: "a snapshot signed by a key the publisher does not list",
        host: revoked.host(&other),
        records: "revoked",
        seen: None,
    }];
    let foreign = Build {
        origin: "other.example/log".into(),
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    // Another site the same root authorised: its own publisher, its own log.
    let mirror = "mirror.example/log";
    let elsewhere = Build {
        origin: mirror.into(),
        publisher: vec![line(Statement::Publisher(w.publisher(mirror)), &w.root)],
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    out.push(SnapCase {
        name: "the snapshot of another site the root also authorised",
        host: elsewhere.host(&w.log),
        records: "revoked",
        seen: None,
    });
    out.push(SnapCase {
        name: "a snapshot of another log",
        host: foreign.host(&w.log),
        records: "revoked",
        seen: None,
    });
    let by_log_key = Build {
        publisher: vec![line(Statement::Publisher(w.publisher(ORIGIN)), &w.log)],
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    out.push(SnapCase {
        name: "a publisher statement not signed by the root",
        host: by_log_key.host(&w.log),
        records: "revoked",
        seen: None,
    });
    let mut bad_window = w.publisher(ORIGIN);
    bad_window.keys[0].valid_until = Some("2019-12-31".into());
    let bad = Build {
        publisher: vec![line(Statement::Publisher(bad_window), &w.root)],
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    out.push(SnapCase {
        name: "a publisher key whose window ends before it starts",
        host: bad.host(&w.log),
        records: "revoked",
        seen: None,
    });
    let mut retired = w.publisher(ORIGIN);
    retired.keys[0].valid_until = Some("2025-12-31".into());
    let late = Build {
        publisher: vec![line(Statement::Publisher(retired), &w.root)],
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    out.push(SnapCase {
        name: "a snapshot dated after its log key was retired",
        host: late.host(&w.log),
        records: "revoked",
        seen: None,
    });
    // A rotation: the newest publisher statement lists a second key.
    let second = SecretKey::from_seed([98; 32]);
    let mut rotated = w.publisher(ORIGIN);
    rotated.keys[0].valid_until = Some("2026-06-30".into());
    rotated
        .keys
        .push(World::key_entry(&second, "2026-07-01", None));
    rotated.issued_on = "2026-06-15".into();
    let rotation = Build {
        publisher: vec![
            line(Statement::Publisher(w.publisher(ORIGIN)), &w.root),
            line(Statement::Publisher(rotated), &w.root),
        ],
        ..Build::new(w, &revoked.shard, &revoked.directory, TODAY)
    };
    out.push(SnapCase {
        name: "a snapshot signed by the publisher's rotated key",
        host: rotation.host(&second),
        records: "revoked",
        seen: None,
    });
    out.push(SnapCase {
        name: "a snapshot still signed by the key the rotation retired",
        host: rotation.host(&w.log),
        records: "revoked",
        seen: None,
    });
    let mut unsigned = honest.clone();
    let text = String::from_utf8(unsigned["snapshot.jsonl"].clone())
        .unwrap()
        .replace(TODAY, "2026-11-29");
    unsigned.insert("snapshot.jsonl".into(), text.into_bytes());
    out.push(SnapCase {
        name: "a snapshot edited after signing",
        host: unsigned,
        records: "revoked",
        seen: None,
    });
    let mut malformed = honest.clone();
    let mut s = snapshot_statement(&malformed);
    s["shards"]["top"] = json!([]);
    resign(&mut malformed, &s, &w.log);
    out.push(SnapCase {
        name: "a snapshot whose tree head has no top",
        host: malformed,
        records: "revoked",
        seen: None,
    });
    // A size a browser would remember and then count wrongly (2^53 - 1 is
    // a safe integer; its log2 rounds up): refused by a rule of its own.
    for (name, size) in [
        (
            "a snapshot claiming a log of 2^40 + 1 entries",
            (1_i64 << 40) + 1,
        ),
        (
            "a snapshot claiming a log of 2^53 - 1 entries",
            (1_i64 << 53) - 1,
        ),
    ] {
        let mut huge = honest.clone();
        let mut s = snapshot_statement(&huge);
        s["log"]["size"] = json!(size);
        resign(&mut huge, &s, &w.log);
        out.push(SnapCase {
            name,
            host: huge,
            records: "revoked",
            seen: None,
        });
    }
    out
}

/// The log size a snapshot file signs.
fn snapshot_log_size(text: &str) -> u64 {
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    last["statement"]["log"]["size"].as_u64().unwrap()
}

/// The snapshot cases as the corpus holds them, each decided by Rust.
pub fn corpus_cases(w: &World) -> Vec<Value> {
    snap_cases(w)
        .into_iter()
        .map(|c| {
            let get = |p: &str| c.host.get(p).cloned();
            let rust = check_lookup(&w.root.public(), ORIGIN, get, CODE)
                .and_then(|t| check_log(&t, c.seen, get).map(|()| t));
            let rolled_back = |t: &str| c.seen.is_some_and(|(size, _)| size > snapshot_log_size(t));
            let (verdict, reason, rule) = match &rust {
                // The records' own rule, as the verdict corpus decides it.
                Ok(_) => (c.records, Value::Null, json!((c.records == "key-not-valid").then_some("key-window"))),
                // Not served: the page cannot load the data, and says so.
                Err(LookupFailure::Missing(_)) => ("load-error", json!("missing"), Value::Null),
                Err(LookupFailure::Refused(p)) if p.rule == Rule::SnapshotFiles => ("invalid-signature", json!("data-altered"), json!(p.rule.id())),
                Err(LookupFailure::Refused(p)) if p.rule == Rule::LogConsistency => {
                    let text = String::from_utf8(c.host["snapshot.jsonl"].clone()).unwrap();
                    let kind = if rolled_back(&text) { "log-rollback" } else { "log-fork" };
                    ("log-inconsistent", json!(kind), json!(p.rule.id()))
                }
                Err(LookupFailure::Refused(p)) => ("invalid-signature", json!("snapshot-invalid"), json!(p.rule.id())),
            };
            json!({
                "name": c.name,
                "today": TODAY,
                "code": CODE,
                "hints": hints(),
                "host": encode(&c.host, |_| true),
                "rust": rust.as_ref().err().map(|e| match e {
                    LookupFailure::Missing(path) => json!({ "rule": null, "message": e.to_string(), "missing": path }),
                    LookupFailure::Refused(p) => json!({ "rule": p.rule.id(), "message": p.message }),
                }),
                "seen": c.seen.map(|(size, root)| json!({ "origin": ORIGIN, "size": size, "root": STANDARD.encode(root) })),
                "page": { "verdict": verdict, "reason": reason, "rule": rule },
            })
        })
        .collect()
}
