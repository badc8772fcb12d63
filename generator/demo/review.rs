//! The city's review in the demo: the root lists each city's review
//! authority with a demo key (from `cities.csv`, through `sign`), and each
//! city reviews and uploads its institutions' certificates, all but one
//! recent batch that 大连市 has not reviewed yet (the demo site shows both
//! states). The reviews of the years before are signed here, each with its
//! own review and upload dates; 沈阳市's newest batch of 沈阳鼓风机's results
//! goes through `certsite review` with the city's decisions, which return
//! three results that never become certificates.

use std::collections::BTreeMap;

use crate::error::{FsAction, FsContext};

use jiff::ToSpan;
use jiff::civil::Date;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::{
    DemoCert, DemoError, DemoOptions, Draw, KEYS_DIR, Pilot, ROSTERS_DIR, demo_key, run_sign_on,
    utf8_bom, write_file, write_key,
};
use crate::input::roster::InputKind;
use certsite_core::domain::code::City as CityName;
use certsite_core::trust::city::Review;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::statement::Statement;

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
/// signs the directory: from `cities.csv`, through `sign`, as a province would.
pub(crate) fn sign_cities(
    opts: &DemoOptions,
    root: &SecretKey,
    signed_on: Date,
) -> Result<(), DemoError> {
    let (y, m, d) = REVIEW_KEYS_FROM;
    let from = Date::new(y, m, d).expect("a real date");
    let mut csv = String::from("市代码,审核机构名称,签名公钥,有效期自,有效期至\n");
    for n in 1..=14 {
        let city = CityName::from_number(n).expect("cities 1-14");
        let key = demo_key(opts.seed, &city_label(n)).public();
        csv += &format!("{n:02},{},{},{from},\n", authority(city), key.to_base64());
    }
    let src = opts.out.join(ROSTERS_DIR).join("cities.csv");
    write_file(&src, &utf8_bom(&csv))?;
    let out = opts.out.join("directory/cities.jsonl");
    run_sign_on(opts, signed_on, root, &src, &out, InputKind::Cities)?;
    Ok(())
}

/// The institution whose newest batch goes through `certsite review`.
pub(crate) const BATCH_INSTITUTION: &str = super::ROTATED;
/// How many days back from the data date that batch reaches.
const BATCH_DAYS: i64 = 45;
/// Why the city returned the three results it did not pass.
const REFUSALS: [&str; 3] = [
    "理论知识考试成绩不合格",
    "申报条件不符：从事本职业工作年限不足",
    "考核测评材料不完整：缺少实际操作考核记录",
];

/// Whether a certificate belongs to the batch `certsite review` handles.
fn in_batch(opts: &DemoOptions, pilots: &[Pilot], c: &DemoCert) -> bool {
    let from = opts
        .as_of
        .checked_sub(BATCH_DAYS.days())
        .expect("a real date");
    pilots[c.pilot].filing.as_string() == BATCH_INSTITUTION && c.issued >= from
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
        if (city == UNREVIEWED_CITY && c.issued >= waiting_from) || in_batch(opts, pilots, c) {
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

/// 沈阳鼓风机's newest batch, reviewed by 沈阳市 with `certsite review`: the
/// enterprise's results of the last [`BATCH_DAYS`] days, already signed, pass;
/// three more it submitted are refused. Those three are signed into a
/// submission of their own, which is deleted once reviewed: what the city
/// refuses is never published (the notice uploads only 审核通过的 data). The
/// list the enterprise gets back stays in `demo-rosters/reviews/`.
/// Returns how many reviews were signed.
pub(crate) fn review_batch(
    opts: &DemoOptions,
    pilots: &[Pilot],
    certs: &[DemoCert],
) -> Result<usize, DemoError> {
    let pi = pilots
        .iter()
        .position(|p| p.filing.as_string() == BATCH_INSTITUTION)
        .expect("the batch's institution is a pilot");
    let mut draw = Draw(ChaCha20Rng::seed_from_u64(opts.seed ^ 0x0b47_c4e5));
    let refused = refused_results(opts, pilots, certs, pi, &mut draw);
    let dir = opts.out.join(ROSTERS_DIR).join("reviews");
    let key_label = &super::signing_key(&pilots[pi], opts.as_of).0;
    let key = &pilots[pi]
        .keys
        .iter()
        .find(|k| &k.0 == key_label)
        .unwrap()
        .1;
    // The enterprise's submission of the results the city will refuse.
    let roster = dir.join("submission.csv");
    let rows: Vec<&DemoCert> = refused.iter().collect();
    write_file(&roster, &utf8_bom(&super::roster_csv(pilots, &rows, false)))?;
    let submission = dir.join("submission.jsonl");
    super::run_sign(opts, key, &roster, &submission, InputKind::Certificates)?;
    // The city's decisions: the batch passes, the three do not.
    let mut decisions = String::from("证书编号,审核结果,审核日期,原因\n");
    let mut batch: Vec<&DemoCert> = certs.iter().filter(|c| in_batch(opts, pilots, c)).collect();
    batch.sort_by_key(|c| c.code);
    for c in &batch {
        let on = c
            .issued
            .checked_sub((1 + draw.below(10) as i64).days())
            .unwrap();
        decisions += &format!("{},通过,{on},\n", c.code.unwrap());
    }
    for (c, why) in refused.iter().zip(REFUSALS) {
        decisions += &format!("{},不通过,{},{why}\n", c.code.unwrap(), c.issued);
    }
    let decided = dir.join(format!("{}-decisions.csv", city_label(1)));
    write_file(&decided, &utf8_bom(&decisions))?;
    let returned = dir.join(format!("{}-returned.csv", city_label(1)));
    let city_key = demo_key(opts.seed, &city_label(1));
    let report = crate::input::review::review(&crate::input::review::ReviewOptions {
        key: &city_key,
        inputs: [opts.out.join(format!("certificates/{key_label}.jsonl"))]
            .into_iter()
            .filter(|f| f.is_file())
            .chain([submission.clone()])
            .collect(),
        data: opts.out.clone(),
        decisions: Some(decided),
        reviewed_on: None,
        out: opts
            .out
            .join(format!("reviews/{}-{}.jsonl", city_label(1), opts.as_of)),
        rejects: Some(returned.clone()),
        today: opts.as_of,
    })
    .map_err(|e| DemoError::Log(format!("certsite review: {e:?}")))?;
    std::fs::remove_file(&submission).fs(FsAction::Remove, &submission)?;
    // The list names the submission by its path inside the data folder.
    let text = std::fs::read_to_string(&returned).fs(FsAction::Read, &returned)?;
    let prefix = format!("{}/", opts.out.display());
    write_file(&returned, text.replace(&prefix, "").as_bytes())?;
    if report.returned.len() != refused.len() {
        return Err(DemoError::Log(format!(
            "certsite review returned {:?}",
            report.returned
        )));
    }
    Ok(report.signed)
}

/// Three more results of the batch's institution, dated in the batch, with
/// serials after every certificate it issued that year at that level.
fn refused_results(
    opts: &DemoOptions,
    pilots: &[Pilot],
    certs: &[DemoCert],
    pi: usize,
    draw: &mut Draw,
) -> Vec<DemoCert> {
    let p = &pilots[pi];
    (0..REFUSALS.len())
        .map(|n| {
            let issued = opts.as_of.checked_sub((3 + 7 * n as i64).days()).unwrap();
            let scope = draw.index(p.scope.len());
            let level = certsite_core::domain::level::Level::from_digit(p.scope[scope].3).unwrap();
            let taken = certs
                .iter()
                .filter(|c| c.pilot == pi && c.level == level && c.issued.year() == issued.year())
                .count();
            DemoCert {
                pilot: pi,
                scope,
                level,
                issued,
                holder: super::holder(draw, issued),
                tier: None,
                method: "考核测评",
                code: Some(certsite_core::domain::code::CertCode {
                    filing: p.filing,
                    year: issued.year() as u16,
                    level,
                    serial: (taken + 1 + n) as u32,
                }),
            }
        })
        .collect()
}
