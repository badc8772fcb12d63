//! Corpus cases of signatures where Ed25519 verifiers part ways, signed by
//! hand with the fixtures' keys (the helpers of `ed25519_edge.rs`): R the
//! identity, R or the key with a torsion component (the cofactored equation
//! holds, the cofactorless one of verify_strict does not, unless the
//! challenge is a multiple of 8), S not reduced. The page must reach Rust's
//! verdict on each with WebCrypto and with its fallback (ed25519.js).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use sha2::{Digest, Sha512};

use certsite_core::trust::fields::KeyEntry;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::Statement;

use crate::ed25519_edge::{challenge, plus_l, scalar, sign};
use crate::support::*;
use crate::verdicts::{CODE, Case, Fixture, case, page};

/// The secret scalar of `SecretKey::from_seed(seed)` (RFC 8032, 5.1.5).
fn secret_scalar(seed: [u8; 32]) -> Scalar {
    let mut a = [0u8; 32];
    a.copy_from_slice(&Sha512::digest(seed)[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    Scalar::from_bytes_mod_order(a)
}

/// A key (scalar and point) whose point may carry a torsion component.
struct HandKey {
    a: Scalar,
    point: EdwardsPoint,
}

impl HandKey {
    fn of_seed(seed: [u8; 32]) -> HandKey {
        let a = secret_scalar(seed);
        HandKey {
            a,
            point: ED25519_BASEPOINT_POINT * a,
        }
    }

    fn public(&self) -> PublicKey {
        PublicKey::from_base64(&STANDARD.encode(self.point.compress().to_bytes()))
            .expect("not of small order")
    }

    /// The certificate's line with R = `r_point` (S = r + k·a), `edit`ed.
    fn line(
        &self,
        statement: &str,
        r: Scalar,
        r_point: &EdwardsPoint,
        edit: fn([u8; 64]) -> [u8; 64],
    ) -> String {
        let sig = edit(sign(r, r_point, self.a, &self.point, statement.as_bytes()));
        format!(
            "{{\"kid\":\"{}\",\"sig\":\"{}\",\"statement\":{statement}}}",
            self.public().kid(),
            STANDARD.encode(sig)
        )
    }

    /// The first nonce whose challenge is (or is not) a multiple of 8, and its point.
    fn nonce(&self, statement: &str, multiple_of_8: bool) -> (Scalar, EdwardsPoint) {
        let a = self.point.compress().to_bytes();
        (0u32..)
            .map(|i| scalar(&format!("corpus nonce {i}")))
            .map(|r| (r, ED25519_BASEPOINT_POINT * r))
            .find(|(_, p)| {
                let k = challenge(&p.compress().to_bytes(), &a, statement.as_bytes());
                k.as_bytes()[0].is_multiple_of(8) == multiple_of_8
            })
            .expect("one in eight nonces")
    }
}

pub(crate) fn cases(f: &Fixture) -> Vec<Case> {
    let statement = Statement::Certificate(certificate(CODE, "2024-06-30"))
        .to_json()
        .canonical_string();
    let fail = || page("invalid-signature", Some(Rule::Signature));
    let same = |sig| sig;
    let key = HandKey::of_seed([3; 32]);
    assert_eq!(key.public().kid(), f.w.blower_b.public().kid());
    let r = scalar("corpus nonce");
    let r_point = ED25519_BASEPOINT_POINT * r;
    // A key the root lists with a torsion component: not of small order,
    // so it passes the key checks, and only verify_strict's equation tells.
    let mixed = HandKey {
        a: key.a,
        point: key.point + EIGHT_TORSION[1],
    };
    let listed = f.dir(|i| {
        i.keys
            .push(KeyEntry::new(&mixed.public(), "2024-01-01".into(), None))
    });
    let (r_off, point_off) = mixed.nonce(&statement, false);
    let (r_on, point_on) = mixed.nonce(&statement, true);
    vec![
        case(
            "a signature whose R is the identity point",
            vec![f.blower()],
            vec![key.line(&statement, Scalar::ZERO, &EdwardsPoint::identity(), same)],
            fail(),
        ),
        case(
            "a signature whose R has a torsion component (only the cofactored equation holds)",
            vec![f.blower()],
            vec![key.line(&statement, r, &(r_point + EIGHT_TORSION[1]), same)],
            fail(),
        ),
        case(
            "a signature whose S is not reduced (S + L)",
            vec![f.blower()],
            vec![key.line(&statement, r, &r_point, plus_l)],
            fail(),
        ),
        case(
            "a listed key with a torsion component, challenge not a multiple of 8 (only the cofactored equation holds)",
            vec![listed.clone()],
            vec![mixed.line(&statement, r_off, &point_off, same)],
            fail(),
        ),
        case(
            "a listed key with a torsion component, challenge a multiple of 8 (verify_strict accepts)",
            vec![listed],
            vec![mixed.line(&statement, r_on, &point_on, same)],
            page("verified", None),
        ),
    ]
}
