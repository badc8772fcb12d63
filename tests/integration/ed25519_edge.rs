//! Signatures where Ed25519 verifiers part ways, with ed25519-dalek's
//! `verify_strict` deciding each (`tests/vectors/ed25519_edge.json`), after
//! the ed25519-speccheck cases: A or R with a torsion component but not of
//! small order (the cofactored equation accepts what the cofactorless one
//! refuses), S ≥ L, R of small order, R not canonical, A of small order. The browser's
//! pure-JavaScript verifier must reach the same answer on each
//! (`tests/js/ed25519.test.mjs`).
//!
//! Regenerate with `CERTSITE_UPDATE_VECTORS=1 cargo test --test integration ed25519_edge`.

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::support::repo;

const PATH: &str = "tests/vectors/ed25519_edge.json";

/// A secret scalar and nonce from a label (deterministic, not clamped for
/// a real key: these keys sign nothing else).
pub(crate) fn scalar(label: &str) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&Sha512::digest(label.as_bytes()).into())
}

pub(crate) fn challenge(r: &[u8; 32], a: &[u8; 32], message: &[u8]) -> Scalar {
    let digest = Sha512::new()
        .chain_update(r)
        .chain_update(a)
        .chain_update(message)
        .finalize();
    Scalar::from_bytes_mod_order_wide(&digest.into())
}

/// A signature (R, S) of `message` with R = `r_point`, S = r + k·a, where
/// R's and A's torsion parts (if any) are not in the secret scalars.
pub(crate) fn sign(
    r: Scalar,
    r_point: &EdwardsPoint,
    a: Scalar,
    a_point: &EdwardsPoint,
    m: &[u8],
) -> [u8; 64] {
    let (r_bytes, a_bytes) = (r_point.compress().to_bytes(), a_point.compress().to_bytes());
    let s = r + challenge(&r_bytes, &a_bytes, m) * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r_bytes);
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

/// What verify_strict says of a key, signature and message.
fn strict(a: &[u8; 32], sig: &[u8; 64], m: &[u8]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(a).is_ok_and(|k| {
        k.verify_strict(m, &ed25519_dalek::Signature::from_bytes(sig))
            .is_ok()
    })
}

/// Whether the cofactored equation [8]([S]B − [k]A − R) = 0 holds, as
/// lenient verifiers check it.
fn cofactored(a: &[u8; 32], sig: &[u8; 64], m: &[u8]) -> bool {
    let (Some(a_point), Some(r_point)) = (
        CompressedEdwardsY(*a).decompress(),
        CompressedEdwardsY(sig[..32].try_into().unwrap()).decompress(),
    ) else {
        return false;
    };
    let Some(s) =
        Option::<Scalar>::from(Scalar::from_canonical_bytes(sig[32..].try_into().unwrap()))
    else {
        return false;
    };
    let k = challenge(&sig[..32].try_into().unwrap(), a, m);
    (ED25519_BASEPOINT_POINT * s - a_point * k - r_point)
        .mul_by_cofactor()
        .is_identity()
}

fn case(name: &str, a: &EdwardsPoint, sig: [u8; 64], m: &[u8]) -> Value {
    let a = a.compress().to_bytes();
    json!({
        "name": name,
        "public_key": hex(&a),
        "signature": hex(&sig),
        "message": hex(m),
        "verify_strict": strict(&a, &sig, m),
        "cofactored": cofactored(&a, &sig, m),
    })
}

fn hex(bytes: &[u8]) -> String {
    certsite_core::trust::keys::hex(bytes)
}

fn cases() -> Vec<Value> {
    let (a, r) = (scalar("edge key"), scalar("edge nonce"));
    let (a_point, r_point) = (ED25519_BASEPOINT_POINT * a, ED25519_BASEPOINT_POINT * r);
    let t = EIGHT_TORSION[1];
    let mut out = vec![case(
        "a plain signature",
        &a_point,
        sign(r, &r_point, a, &a_point, b"m"),
        b"m",
    )];
    // A with a torsion component: the cofactorless equation holds only when
    // the challenge is a multiple of 8; find a message for each outcome.
    let mixed_a = a_point + t;
    for want_multiple in [false, true] {
        let m = (0u32..)
            .map(|i| format!("mixed A {i}").into_bytes())
            .find(|m| {
                let k = challenge(
                    &r_point.compress().to_bytes(),
                    &mixed_a.compress().to_bytes(),
                    m,
                );
                k.as_bytes()[0].is_multiple_of(8) == want_multiple
            })
            .unwrap();
        let name = if want_multiple {
            "A with a torsion component, challenge a multiple of 8 (both equations hold)"
        } else {
            "A with a torsion component (only the cofactored equation holds)"
        };
        out.push(case(name, &mixed_a, sign(r, &r_point, a, &mixed_a, &m), &m));
    }
    // R with a torsion component.
    let mixed_r = r_point + t;
    out.push(case(
        "R with a torsion component (only the cofactored equation holds)",
        &a_point,
        sign(r, &mixed_r, a, &a_point, b"m"),
        b"m",
    ));
    out.push(case(
        "S + L",
        &a_point,
        plus_l(sign(r, &r_point, a, &a_point, b"m")),
        b"m",
    ));
    // R of small order (order 8), with S = k·a: [S]B − [k]A is the identity, not R.
    let small = EIGHT_TORSION[1].compress().to_bytes();
    let k = challenge(&small, &a_point.compress().to_bytes(), b"m");
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&small);
    sig[32..].copy_from_slice((k * a).as_bytes());
    out.push(case("R of small order", &a_point, sig, b"m"));
    // A of small order (the identity), S = r: [S]B − [k]A = R for any
    // message, so only the check of the key refuses it.
    let identity = EdwardsPoint::default();
    out.push(case(
        "A of small order (the identity): the equation holds for any message",
        &identity,
        sign(r, &r_point, Scalar::ZERO, &identity, b"forged"),
        b"forged",
    ));
    out
}

/// The same signature with L added to S: S no longer reduced.
pub(crate) fn plus_l(mut sig: [u8; 64]) -> [u8; 64] {
    // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    let l: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(sig[32 + i]) + u16::from(l[i]) + carry;
        sig[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    sig
}

#[test]
fn the_edge_vectors_are_current() {
    let text = serde_json::to_string_pretty(&json!({
        "about": "Ed25519 signatures where verifiers differ; verify_strict (ed25519-dalek) decides. Regenerate with CERTSITE_UPDATE_VECTORS=1 cargo test --test integration ed25519_edge.",
        "cases": cases(),
    }))
    .unwrap()
        + "\n";
    let path = repo().join(PATH);
    if std::env::var_os("CERTSITE_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), text);
    // The cases show what they claim: strict and cofactored part ways.
    let all = cases();
    let differ = all
        .iter()
        .filter(|c| c["verify_strict"] != c["cofactored"])
        .count();
    assert!(differ >= 2, "{all:?}");
}
