//! Round trips that must hold for every input, not only the examples:
//! codes parse back to what they were built from, a signature verifies
//! and one changed bit does not, the canonical form is a fixed point, and
//! a log's tiles at one size are kept, byte for byte, at every later size
//! (partial tiles as prefixes of the tiles that replace them).

use certsite_core::domain::code::{CertCode, FilingNo, normalize_input};
use certsite_core::log::tiles::{parse_tile_path, tile_path, tiles};
use certsite_core::trust::canonical::Json;
use certsite_core::trust::keys::SecretKey;
use proptest::prelude::*;

/// A valid filing number: category, route (a central enterprise's branch
/// only with kind 1), province 21, city 01-14, kind 1-6, order 001-999.
fn filing() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just('Y'), Just('S')],
        prop_oneof![Just(0u32), 1u32..=9999],
        1u32..=14,
        1u32..=6,
        1u32..=999,
    )
        .prop_map(|(category, route, city, kind, order)| {
            let kind = if route == 0 { kind } else { 1 };
            format!("{category}{route:04}21{city:02}{kind}{order:03}")
        })
}

/// A valid certificate code: a filing number, a year, a level, a serial.
fn code() -> impl Strategy<Value = String> {
    (filing(), 0u32..=99, 1u32..=5, 1u32..=999_999)
        .prop_map(|(f, year, level, serial)| format!("{f}{year:02}{level}{serial:06}"))
}

/// JSON as statements hold it: integers, strings of any characters, and
/// arrays and objects of them, a few levels deep.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn a_code_parses_back_to_itself(code in code()) {
        let parsed = CertCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_string(), code.clone());
        // Spaces and lower case, as people type it, change nothing.
        let typed = code.to_lowercase().chars().enumerate()
            .map(|(i, c)| if i % 4 == 3 { format!("{c} ") } else { c.to_string() })
            .collect::<String>();
        prop_assert_eq!(normalize_input(&typed), code.clone());
        prop_assert_eq!(CertCode::parse(&typed).unwrap().as_string(), code.clone());
        prop_assert_eq!(FilingNo::parse(&code[..13]).unwrap().as_string(), code[..13].to_string());
    }

    #[test]
    fn a_signature_verifies_and_one_changed_bit_does_not(
        seed in any::<[u8; 32]>(),
        message in prop::collection::vec(any::<u8>(), 0..256),
        bit in 0usize..512,
    ) {
        let key = SecretKey::from_seed(seed);
        let mut sig = key.sign(&message);
        prop_assert!(key.public().verify(&message, &sig));
        sig[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!key.public().verify(&message, &sig));
    }

    #[test]
    fn the_canonical_form_is_a_fixed_point(value in json()) {
        let once = Json::from_value(value).unwrap().canonical_string();
        let twice = Json::parse(&once).unwrap().canonical_string();
        prop_assert_eq!(&once, &twice);
        // And it is what an independent RFC 8785 implementation writes.
        let other = serde_json_canonicalizer::to_string(&serde_json::from_str::<serde_json::Value>(&once).unwrap()).unwrap();
        prop_assert_eq!(once, other);
    }

    #[test]
    fn tiles_of_a_log_are_kept_as_it_grows(n in 0usize..700, k in 1usize..400) {
        let entries: Vec<Vec<u8>> = (0..n + k).map(|i| format!("entry {i}").into_bytes()).collect();
        let before = tiles(&entries[..n]).unwrap();
        let after = tiles(&entries).unwrap();
        for (path, bytes) in &before {
            if let Some(same) = after.get(path) {
                prop_assert_eq!(same, bytes, "{} changed", path);
                continue;
            }
            // A partial tile is replaced by a wider one that begins with it.
            let (level, index, width) = parse_tile_path(path).unwrap();
            let wider = (width + 1..=256)
                .find_map(|w| after.get(&tile_path(level, index, w)))
                .unwrap_or_else(|| panic!("{path} has no successor"));
            prop_assert!(wider.starts_with(bytes), "{} is not a prefix", path);
        }
    }
}
