//! The city's review in the demo: the root lists each city's review
//! authority with a demo key, and each city reviews and uploads its
//! institutions' certificates, all but one recent batch that 大连市 has not
//! reviewed yet (the demo site shows both states).

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::{
    DemoCert, DemoError, DemoOptions, Draw, KEYS_DIR, Pilot, demo_key, write_file, write_key,
};
use certsite_core::domain::code::City as CityName;
use certsite_core::trust::city::{City, Review};
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::statement::{KeyEntry, Statement};

/// The city whose newest certificates are not reviewed yet.
pub(crate) const UNREVIEWED_CITY: u8 = 2;
/// How many days back from the data date that city's certificates wait for review.
pub(crate) const UNREVIEWED_DAYS: i64 = 30;
/// First day the cities' review keys may sign.
const REVIEW_KEYS_FROM: (i16, i8, i8) = (2020, 6, 1);

/// The demo key label of a city's review authority.
pub(crate) fn city_label(city: u8) -> String {
    format!("city-{city:02}")
}

/// The authority's name: the notice's words for it, with the city's name.
fn authority(city: CityName) -> String {
    format!("{}公共就业服务机构主管部门", city.name())
}

/// The review key of every city, written among the demo keys.
pub(crate) fn write_city_keys(opts: &DemoOptions) -> Result<(), DemoError> {
    for n in 1..=14 {
        let city = CityName::from_number(n).expect("cities 1-14");
        write_key(
            &opts.out.join(KEYS_DIR),
            &city_label(n),
            &demo_key(opts.seed, &city_label(n)),
            &authority(city),
        )?;
    }
    Ok(())
}

/// The root lists the 14 cities' review authorities, on the day it first
/// signs the directory. Returns the statements' lines.
pub(crate) fn sign_cities(
    opts: &DemoOptions,
    root: &SecretKey,
    signed_on: Date,
) -> Result<(), DemoError> {
    let (y, m, d) = REVIEW_KEYS_FROM;
    let from = Date::new(y, m, d).expect("a real date").to_string();
    let mut text = String::new();
    for n in 1..=14 {
        let city = CityName::from_number(n).expect("cities 1-14");
        let key = demo_key(opts.seed, &city_label(n)).public();
        let statement = Statement::City(City {
            v: certsite_core::constants::STATEMENT_VERSION,
            city_code: format!("{n:02}"),
            authority: authority(city),
            keys: vec![KeyEntry {
                kid: key.kid(),
                public_key: key.to_base64(),
                valid_from: from.clone(),
                valid_until: None,
            }],
            reviews_from: None,
            issued_on: signed_on.to_string(),
        });
        text += &Envelope::sign(&statement, root).to_line();
        text.push('\n');
    }
    write_file(&opts.out.join("directory/cities.jsonl"), text.as_bytes())?;
    Ok(())
}

/// Each city reviews its certificates (a few days to three weeks before
/// issue) and uploads them (the same day to a month after, never after the
/// data date), one file per city; 大连市's certificates of the last
/// [`UNREVIEWED_DAYS`] wait. `lines` are the signed certificate lines by
/// code. Returns how many reviews were signed.
pub(crate) fn sign_reviews(
    opts: &DemoOptions,
    pilots: &[Pilot],
    certs: &[DemoCert],
    lines: &BTreeMap<String, String>,
) -> Result<usize, DemoError> {
    // A stream of its own: the certificates do not change with it.
    let mut draw = Draw(ChaCha20Rng::seed_from_u64(opts.seed ^ 0x0ae5_1e3e));
    let waiting_from = opts
        .as_of
        .checked_sub(UNREVIEWED_DAYS.days())
        .expect("a real date");
    let mut by_city: BTreeMap<u8, String> = BTreeMap::new();
    let mut sorted: Vec<&DemoCert> = certs.iter().collect();
    sorted.sort_by_key(|c| c.code);
    let mut signed = 0;
    for c in sorted {
        let city = pilots[c.pilot].filing.city.number();
        let (before, after) = (1 + draw.below(20) as i64, draw.below(31) as i64);
        if city == UNREVIEWED_CITY && c.issued >= waiting_from {
            continue;
        }
        let code = c.code.expect("codes are assigned").as_string();
        let line = &lines[&code];
        let envelope = Envelope::parse(line).expect("the demo's own lines parse");
        let reviewed_on = c.issued.checked_sub(before.days()).expect("a real date");
        let signed_on = c
            .issued
            .checked_add(after.days())
            .expect("a real date")
            .min(opts.as_of);
        let review = Statement::Review(Review {
            v: certsite_core::constants::STATEMENT_VERSION,
            code,
            certificate: base64_of(&envelope.hash()),
            reviewed_on: reviewed_on.to_string(),
            signed_on: signed_on.to_string(),
        });
        let key = demo_key(opts.seed, &city_label(city));
        let text = by_city.entry(city).or_default();
        text.push_str(&Envelope::sign(&review, &key).to_line());
        text.push('\n');
        signed += 1;
    }
    for (city, text) in by_city {
        write_file(
            &opts.out.join(format!("reviews/{}.jsonl", city_label(city))),
            text.as_bytes(),
        )?;
    }
    Ok(signed)
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
