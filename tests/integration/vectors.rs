//! The shared test vectors in `tests/vectors/statements.json`: statement →
//! canonical bytes → signature → key, hashes of typed names and numbers, and
//! code explanations. The browser client is tested against the same file, so
//! both sides agree byte for byte. This test recomputes every vector; run it
//! with `CERTSITE_UPDATE_VECTORS=1` to rewrite the file after a deliberate change.

use serde_json::{Value, json};

use certsite_core::constants::DEFAULT_ITERATIONS;
use certsite_core::domain::code::{CertCode, FilingNo};
use certsite_core::trust::canonical::Json;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::{SecretKey, hex};
use certsite_core::trust::privacy;
use certsite_core::trust::statement::Statement;

use crate::support::*;

const PATH: &str = "tests/vectors/statements.json";

fn signature_vectors() -> Vec<Value> {
    let w = World::new();
    let mut tier = certificate("Y000021013002241000001", "2024-06-30");
    tier.tier = Some("首席技师".into());
    tier.subtype = Some("数控车工".into());
    tier.method = Some("综合评审".into());
    // A hostile name in a statement stays inert text; escapes are exercised too.
    let mut hostile = w.heavy();
    hostile.name = "<script>alert(\"x\")</script>\u{7}\t\\ 北方重工".into();
    let cases: Vec<(&str, Statement, &SecretKey)> = vec![
        ("institution", Statement::Institution(w.blower()), &w.root),
        (
            "certificate",
            Statement::Certificate(certificate("Y000021013002243000001", "2024-06-30")),
            &w.blower_b,
        ),
        (
            "certificate with optional fields",
            Statement::Certificate(tier),
            &w.blower_b,
        ),
        (
            "revocation",
            Statement::Revocation(revocation("Y000021013002243000001", "2025-01-02")),
            &w.blower_b,
        ),
        (
            "institution with hostile text",
            Statement::Institution(hostile),
            &w.root,
        ),
        ("city", Statement::City(w.shenyang_city()), &w.root),
        (
            "review",
            Statement::Review(w.review_of(
                &line(
                    Statement::Certificate(certificate("Y000021013002243000001", "2024-06-30")),
                    &w.blower_b,
                ),
                "2024-06-20",
                "2024-07-05",
            )),
            &w.shenyang,
        ),
    ];
    cases
        .into_iter()
        .map(|(name, statement, key)| {
            let env = Envelope::sign(&statement, key);
            let canonical = statement.to_json().canonical_string();
            json!({
                "name": name,
                "secret_seed_hex": hex(&seed_of(key)),
                "public_key": key.public().to_base64(),
                "kid": key.public().kid(),
                "fingerprint": key.public().fingerprint(),
                "statement": serde_json::from_str::<Value>(&canonical).unwrap(),
                "canonical": canonical,
                "canonical_utf8_hex": hex(canonical.as_bytes()),
                "signature": env.to_line().split("\"sig\":\"").nth(1).unwrap().split('"').next().unwrap(),
                "envelope": env.to_line(),
                // What a review of this envelope names (SHA-256 of its JCS form).
                "envelope_sha256": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, env.hash()),
            })
        })
        .collect()
}

/// The fixtures' seeds are fixed; recover them by trying the known ones.
fn seed_of(key: &SecretKey) -> [u8; 32] {
    (1..=7)
        .map(|n| [n; 32])
        .find(|s| SecretKey::from_seed(*s).public() == key.public())
        .unwrap()
}

fn canonical_vectors() -> Vec<Value> {
    [
        // RFC 8785 section 3.2.3 (sorting by UTF-16 code units).
        r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        // RFC 8785 section 3.2.2's string member.
        r#"{"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}"#,
        r#"{ "b": [3, 2, 1], "a": { "y": -7, "x": "" }, "ä": 9007199254740991 }"#,
    ]
    .iter()
    .map(|input| json!({"input": input, "canonical": Json::parse(input).unwrap().canonical_string()}))
    .collect()
}

fn hash_vectors() -> Vec<Value> {
    let code = "Y000021013002243000001";
    let mut out = Vec::new();
    for (typed, iterations) in [
        ("张三丰", 1000),
        (" 张 三丰\u{3000}", 1000),
        ("买买提•艾力", 1000),
        ("ｊｏｈｎ smith", 1000),
        // Pasted text: a zero-width space, a left-to-right mark, a tab and
        // a soft hyphen are hidden characters, removed as white space is.
        ("张\u{200B}三\u{200E}丰\t\u{AD}", 1000),
        ("张三丰", DEFAULT_ITERATIONS),
    ] {
        out.push(json!({
            "field": "name",
            "typed": typed,
            "normalized": privacy::normalize_name(typed),
            "code": code,
            "salt": privacy::name_salt(code),
            "iterations": iterations,
            "hash": privacy::name_hash(typed, code, iterations),
        }));
    }
    for typed in [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 110105 19491231 002X ",
        "\u{FEFF}110105\u{2060}19491231002X\u{200B}",
    ] {
        out.push(json!({
            "field": "id",
            "typed": typed,
            "normalized": certsite_core::domain::id_document::normalize_number(typed),
            "code": code,
            "salt": privacy::id_salt(code),
            "iterations": 1000,
            "hash": privacy::id_hash(typed, code, 1000),
        }));
    }
    out
}

fn code_vectors() -> Vec<Value> {
    let inputs = [
        "Y000021013002243000042",
        "y0000 2101 3002 2430 0004 2",
        "Y001121131003201000007",
        "S000021146001265999999",
        "Y000021112020",
        "X000021013002243000001",
        "Y00A021013002243000001",
        "Y000023013002243000001",
        "Y000021153002243000001",
        "Y000021017002243000001",
        "Y000021013000243000001",
        "Y000121013002243000001",
        "Y000021013002183000001",
        "Y000021013002247000001",
        "Y000021013002243000000",
        "Y00002101300224300001",
        "Y0000210130021",
    ];
    // The site's earliest year of issue (certsite.toml), checked after
    // parsing: the year 2018 parses, and is refused by a site from 2020.
    let with_first = [
        ("Y000021013002183000001", 2020),
        ("Y000021013002203000001", 2020),
        ("Y000021013002193000001", 2019),
    ];
    let limited = with_first.iter().map(|(input, first)| {
        match CertCode::parse(input).and_then(|c| c.check_issue_year(*first).map(|()| c)) {
            Ok(c) => json!({"input": input, "kind": "code", "earliest_issue_year": first, "explain": c.explain()}),
            Err(e) => json!({
                "input": input,
                "kind": "code",
                "earliest_issue_year": first,
                "error": e.to_string(),
                "start": e.start,
                "end": e.end,
            }),
        }
    });
    inputs
        .iter()
        .map(|input| {
            let filing = certsite_core::domain::code::normalize_input(input).chars().count() == 13;
            let result = if filing {
                FilingNo::parse(input).map(|f| serde_json::to_value(f.explain()).unwrap())
            } else {
                CertCode::parse(input).map(|c| serde_json::to_value(c.explain()).unwrap())
            };
            match result {
                Ok(v) => json!({"input": input, "kind": if filing {"filing"} else {"code"}, "explain": v}),
                Err(e) => json!({
                    "input": input,
                    "kind": if filing {"filing"} else {"code"},
                    "error": e.to_string(),
                    "start": e.start,
                    "end": e.end,
                }),
            }
        })
        .chain(limited)
        .collect()
}

fn mask_vectors() -> Vec<Value> {
    ["11010519491231002X", "E12345678", "H1234567890"]
        .iter()
        .map(|n| json!({"number": n, "masked": privacy::mask_id(n)}))
        .collect()
}

fn all_vectors() -> Value {
    json!({
        "about": "Shared test vectors of certsite (Rust generator and browser client). Regenerate with CERTSITE_UPDATE_VECTORS=1 cargo test --test integration vectors.",
        "signatures": signature_vectors(),
        "canonical": canonical_vectors(),
        "hashes": hash_vectors(),
        "masks": mask_vectors(),
        "codes": code_vectors(),
    })
}

#[test]
fn shared_vectors_match_the_implementation() {
    let path = repo().join(PATH);
    let current = all_vectors();
    let text = serde_json::to_string_pretty(&current).unwrap() + "\n";
    if std::env::var_os("CERTSITE_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let stored = std::fs::read_to_string(&path).expect("tests/vectors/statements.json exists");
    assert_eq!(
        stored, text,
        "vectors changed: rerun with CERTSITE_UPDATE_VECTORS=1 if deliberate"
    );
}

#[test]
fn stored_signatures_verify_independently_of_the_signer() {
    // Read the file as a third party would: parse the envelope, canonicalise
    // the statement, verify with the public key alone.
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join(PATH)).unwrap()).unwrap();
    for v in stored["signatures"].as_array().unwrap() {
        let env = Envelope::parse(v["envelope"].as_str().unwrap()).unwrap();
        let key =
            certsite_core::trust::keys::PublicKey::from_base64(v["public_key"].as_str().unwrap())
                .unwrap();
        assert!(env.verifies_with(&key), "{}", v["name"]);
        assert_eq!(
            env.statement.canonical_string(),
            v["canonical"].as_str().unwrap()
        );
        assert_eq!(key.kid(), v["kid"].as_str().unwrap());
    }
}
