//! The synthetic default dataset: the 58 real pilot institutions of 附件8 and
//! 附件9 with plausible occupations and demo keys, fictitious certificate
//! holders, a few revocations, one key rotation, filings of three years
//! extended by new directory statements, and two that lapsed.
//!
//! Everything follows from the seed (same seed, same bytes), and the data goes
//! through the same spreadsheets and `sign` as an issuer's would: the demo
//! writes the rosters an issuer keeps, then signs them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::Date;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use crate::data::config::CONFIG_FILE;
use crate::data::folder::DEFAULT_ROOT_KEY;
use crate::error::{FsAction, FsContext, FsError};
use crate::input::roster::InputKind;
use crate::input::sign::{SignError, SignOptions, sign};
use crate::key_files::{KeyError, write_secret_file};
use crate::staging::{Placed, Staging, copy_tree, interrupted};
use certsite_core::constants::FILING_VALIDITY_YEARS;
use certsite_core::domain::code::{CertCode, FilingNo};
use certsite_core::domain::dates::end_of_period;
use certsite_core::domain::id_document::{IdType, gb11643_check_char};
use certsite_core::domain::level::Level;
use certsite_core::domain::occupation::Catalogue;
use certsite_core::domain::occupation::OccupationError;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::{PublicKey, SecretKey};
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::{Problem, report};
use certsite_core::trust::statement::{KeyEntry, Publisher, Statement};
use certsite_core::trust::verifier::Verifier;

mod review;
mod tables;
use tables::{
    ADDRESS_CODES, EXTRA_TRADES, EXTRA_WORDS, GIVEN, INDUSTRIES, INDUSTRY_OF, METHODS, Occ,
    REVOCATION_REASONS, SURNAMES,
};

/// The pilot institutions as transcribed from the notice (附件8, 附件9).
pub(crate) const PILOTS_CSV: &str = include_str!("../../data/pilot-institutions.csv");

/// Folder of the demo secret keys inside the output.
pub(crate) const KEYS_DIR: &str = "demo-keys";
/// Folder of the unsigned spreadsheets (the issuers' own records).
pub(crate) const ROSTERS_DIR: &str = "demo-rosters";

/// The institution whose key is rotated on `ROTATION_DAY`.
pub const ROTATED: &str = "Y000021013002";
/// First day of the rotated institution's second key.
pub(crate) const ROTATION_DAY: (i16, i8, i8) = (2024, 1, 1);
/// The day the root signs the rotation: a directory statement that lists
/// the new key a month ahead and ends the old one's window. Statements
/// signed before it list the first key alone, open-ended.
pub(crate) const ROTATION_SIGNED: (i16, i8, i8) = (2023, 12, 1);
/// The institution whose filing lapsed after its first three years, not
/// extended then, and re-approved on the data date (`directory/updates.jsonl`).
pub const LAPSED: &str = "Y000421081022";
/// The institution extended once, in 2023, that did not seek a second
/// extension: its filing lapsed in 2026 and stays lapsed on the data date.
pub const NOT_EXTENDED: &str = "Y000021112020";

/// The notice's date (2020年5月29日). It lists every pilot as filed, so each
/// was approved on or before it, and the root signs the directory as the
/// notice publishes it (附件8, 附件9) on that day.
pub(crate) const NOTICE_DATE: (i16, i8, i8) = (2020, 5, 29);

/// When the province approved the pilots' filings (备案回执), in batches:
/// (list, highest order number 第11-13位 of the batch, day). The days are
/// invented; what is real is that each is on or before the notice's date and
/// that, within a list, a higher order number (备案先后顺序) is never
/// approved earlier.
pub(crate) const APPROVAL_BATCHES: &[(&str, u16, (i16, i8, i8))] = &[
    ("附件9", 7, (2020, 1, 15)),
    ("附件9", 14, (2020, 3, 18)),
    ("附件9", 21, (2020, 4, 22)),
    ("附件8", 10, (2020, 2, 26)),
    ("附件8", 20, (2020, 4, 8)),
    ("附件8", 30, (2020, 5, 13)),
    ("附件8", 37, (2020, 5, 27)),
];

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Number of certificates.
    pub count: usize,
    /// Seed of everything random.
    pub seed: u64,
    /// PBKDF2 iterations of the holder hashes.
    pub iterations: u32,
    /// The privacy floor to check against (lower only for benchmarks).
    pub min_iterations: u32,
    /// The data date: nothing is dated later.
    pub as_of: Date,
    /// Overwrite the generated files in a non-empty folder.
    pub force: bool,
    /// Fictitious institutions to add beyond the 58 pilots (for directory-scale benchmarks).
    pub extra_institutions: usize,
}

/// Why the demo could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file or folder could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A key file could not be written.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The output folder holds other files and `--force` was not given.
    #[error("{} 不是空目录；要替换其中的演示文件，加上 --force", .0.display())]
    NotEmpty(PathBuf),
    /// `--force` on a data folder that is not a demo's.
    #[error("{} 是一个数据目录，不是演示数据（有 certsite.toml，没有 {KEYS_DIR}/）：demo 不会替换它", .0.display())]
    NotADemo(PathBuf),
    /// More extra institutions than filing numbers allow.
    #[error("--extra-institutions 最多为 {0}")]
    TooManyInstitutions(usize),
    /// A demo scope names an occupation the catalogue refuses.
    #[error("演示机构 {filing} 的备案范围：{problem}")]
    Scope {
        /// The institution.
        filing: FilingNo,
        /// What the catalogue says.
        problem: OccupationError,
    },
    /// A roster name has a character GBK cannot encode.
    #[error("演示名册中有 GBK 无法表示的字符")]
    NotGbk,
    /// The generated data failed its own checks or the chain.
    #[error("演示数据未通过验证：\n{}", report(.0))]
    Invalid(Vec<Problem>),
    /// The log could not be started.
    #[error("演示数据的日志：{0}")]
    Log(String),
    /// Ctrl-C: the staging folder was removed, the output left as it was.
    #[error("已中断：没有写出演示数据，{} 保持原样，未写完的临时目录已删除。", .0.display())]
    Interrupted(PathBuf),
}

/// What was generated.
#[derive(Debug, Default)]
pub struct DemoSummary {
    /// Institutions in the directory.
    pub institutions: usize,
    /// Certificates signed.
    pub certificates: usize,
    /// Revocations signed.
    pub revocations: usize,
    /// Reviews signed by the cities.
    pub reviews: usize,
    /// The root key's fingerprint.
    pub root_fingerprint: String,
    /// The output is a mount point, so it was updated file by file instead
    /// of swapped whole.
    pub in_place: bool,
}

/// A deterministic random source with the few draws the demo needs.
struct Draw(ChaCha20Rng);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        // Rejection sampling keeps the draw uniform.
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.0.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        unreachable!("weights sum to total")
    }

    fn date_between(&mut self, from: Date, to: Date) -> Date {
        let days = (to - from).get_days().max(0);
        from.checked_add((self.below(days as u64 + 1) as i64).days())
            .unwrap()
    }
}

/// A demo key: derived from the seed and a label, so reruns give the same keys.
pub(crate) fn demo_key(seed: u64, label: &str) -> SecretKey {
    let digest = Sha256::new()
        .chain_update(b"certsite demo key\0")
        .chain_update(seed.to_be_bytes())
        .chain_update(label.as_bytes())
        .finalize();
    SecretKey::from_seed(digest.into())
}

struct Pilot {
    name: String,
    filing: FilingNo,
    /// The filing periods, oldest first: the approval's, then each
    /// extension's, `(approved_on, valid_until)`, 3 years each and one after
    /// the other (资质有效期为3年; 资质期满后…决定是否予以延期).
    periods: Vec<(Date, Date)>,
    scope: Vec<(&'static str, &'static str, &'static str, u8, u8)>,
    /// (label, key, valid from, valid until)
    keys: Vec<(String, SecretKey, Date, Option<Date>)>,
    weight: u32,
}

impl Pilot {
    /// The day the filing was first approved (备案回执).
    fn approved(&self) -> Date {
        self.periods[0].0
    }

    /// The last day of the last period: no certificate is issued later.
    fn filed_until(&self) -> Date {
        self.periods.last().expect("at least one period").1
    }
}

/// The filing periods from `approved`: 3 years each, every one extended the
/// day after it ends, while that day is on or before the data date and the
/// institution has fewer than `most` periods.
fn filing_periods(approved: Date, as_of: Date, most: usize) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut start = approved;
    while out.len() < most && (out.is_empty() || start <= as_of) {
        let until = end_of_period(start, FILING_VALIDITY_YEARS).expect("a real date");
        out.push((start, until));
        start = until.tomorrow().expect("a real date");
    }
    out
}

/// How many filing periods an institution has in all: the lapsed ones were
/// not extended, every other one is, as often as the data date allows.
fn most_periods(filing: &str) -> usize {
    match filing {
        LAPSED => 1,
        NOT_EXTENDED => 2,
        _ => usize::MAX,
    }
}

/// The day a pilot's filing was approved: the day of its batch (see
/// [`APPROVAL_BATCHES`]), by its list and its order number (第11-13位).
fn approval_day(list: &str, order: u16) -> Date {
    let (_, _, day) = APPROVAL_BATCHES
        .iter()
        .find(|(l, last, _)| *l == list && order <= *last)
        .unwrap_or_else(|| panic!("{list} order {order} has an approval batch"));
    ymd(*day)
}

fn pilots(seed: u64, as_of: Date, draw: &mut Draw) -> Vec<Pilot> {
    let industry_of: BTreeMap<&str, &str> = INDUSTRY_OF.iter().copied().collect();
    let industries: BTreeMap<&str, &[Occ]> = INDUSTRIES.iter().copied().collect();
    let mut out = Vec::new();
    for line in PILOTS_CSV.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let filing = FilingNo::parse(cols[4]).expect("pilot filing numbers are valid");
        let fs = filing.as_string();
        let approved = approval_day(cols[0], filing.order);
        let periods = filing_periods(approved, as_of, most_periods(&fs));
        let occupations = industries[industry_of[fs.as_str()]];
        let scope = occupations
            .iter()
            .map(|(code, name, sub)| {
                let lowest = if draw.chance(80) { 5 } else { 4 };
                let highest = [3, 2, 2, 1, 1][draw.index(5)];
                (*code, *name, *sub, lowest, highest)
            })
            .collect();
        let mut keys = Vec::new();
        if fs == ROTATED {
            let day = ymd(ROTATION_DAY);
            keys.push((
                fs.clone(),
                demo_key(seed, &fs),
                approved,
                Some(day.yesterday().unwrap()),
            ));
            keys.push((
                format!("{fs}-2"),
                demo_key(seed, &format!("{fs}-2")),
                day,
                None,
            ));
        } else {
            keys.push((fs.clone(), demo_key(seed, &fs), approved, None));
        }
        out.push(Pilot {
            name: cols[3].to_string(),
            filing,
            periods,
            scope,
            keys,
            weight: 1 + draw.below(10) as u32,
        });
    }
    out
}

/// A date of the constants below.
fn ymd((y, m, d): (i16, i8, i8)) -> Date {
    Date::new(y, m, d).expect("a real date")
}

struct Holder {
    name: String,
    id_type: IdType,
    id_number: String,
    male: bool,
}

fn holder(draw: &mut Draw, issued: Date) -> Holder {
    let surname = draw.weighted(SURNAMES);
    let given: Vec<char> = GIVEN.chars().collect();
    let len = if draw.chance(18) { 1 } else { 2 };
    let name: String = std::iter::once(surname.to_string())
        .chain((0..len).map(|_| given[draw.index(given.len())].to_string()))
        .collect();
    let male = draw.chance(70);
    let age = 20 + draw.below(36) as i16;
    let birth_year = issued.year() - age;
    let birth = Date::new(birth_year, 1, 1)
        .unwrap()
        .checked_add((draw.below(365) as i64).days())
        .unwrap();
    let seq = draw.below(500) as u32 * 2 + u32::from(male);
    let kind = draw.below(100);
    if kind < 2 {
        // A few holders from Hong Kong or Macao, or with a passport.
        let (id_type, number) = if kind == 0 {
            (
                IdType::HkMacaoPermit,
                format!("H{:08}", draw.below(100_000_000)),
            )
        } else {
            (IdType::Passport, format!("E{:08}", draw.below(100_000_000)))
        };
        return Holder {
            name,
            id_type,
            id_number: number,
            male,
        };
    }
    let first17 = format!(
        "{}{}{seq:03}",
        ADDRESS_CODES[draw.index(ADDRESS_CODES.len())],
        birth.strftime("%Y%m%d")
    );
    let check = gb11643_check_char(&first17).unwrap();
    Holder {
        name,
        id_type: IdType::ResidentId,
        id_number: format!("{first17}{check}"),
        male,
    }
}

struct DemoCert {
    pilot: usize,
    scope: usize,
    level: Level,
    issued: Date,
    holder: Holder,
    tier: Option<&'static str>,
    method: &'static str,
    code: Option<CertCode>,
}

/// Writes the demo dataset into `opts.out` and signs it. Everything is
/// written into a staging folder beside `opts.out` and put in place only
/// when complete and verified: a failure, Ctrl-C (then
/// [`DemoError::Interrupted`]) or a kill leaves `opts.out` as it was.
pub fn generate(opts: &DemoOptions) -> Result<DemoSummary, DemoError> {
    let staging = stage_out(&opts.out, opts.force)?;
    let staged = DemoOptions {
        out: staging.path().to_path_buf(),
        ..opts.clone()
    };
    // After Ctrl-C a step may fail for it (an unfinished file): the
    // interruption is the cause to report.
    let interrupted_here = |e| {
        if interrupted() {
            DemoError::Interrupted(opts.out.clone())
        } else {
            e
        }
    };
    let mut summary = generate_into(&staged).map_err(interrupted_here)?;
    stop_if_interrupted(opts)?;
    summary.in_place = staging.commit(&|_| 0)? == Placed::InPlace;
    Ok(summary)
}

/// Gives up once Ctrl-C was pressed; the staging folder is then removed.
fn stop_if_interrupted(opts: &DemoOptions) -> Result<(), DemoError> {
    if interrupted() {
        return Err(DemoError::Interrupted(opts.out.clone()));
    }
    Ok(())
}

/// Generates the demo into `opts.out`, a fresh staging folder.
fn generate_into(opts: &DemoOptions) -> Result<DemoSummary, DemoError> {
    let mut draw = Draw(ChaCha20Rng::seed_from_u64(opts.seed));
    let mut pilots = pilots(opts.seed, opts.as_of, &mut draw);
    if opts.extra_institutions > 0 {
        // A separate stream, so the pilots' data does not change with it.
        let mut extra_draw = Draw(ChaCha20Rng::seed_from_u64(opts.seed ^ 0x005e_ed0f_e47a));
        pilots.extend(extra_institutions(opts, &mut extra_draw)?);
    }
    check_scopes(&pilots)?;
    let root = demo_key(opts.seed, "root");
    write_keys_and_config(opts, &pilots, &root)?;
    sign_publisher(opts, &root)?;
    sign_directory(opts, &pilots, &root)?;
    let mut certs = certificates(&pilots, opts, &mut draw);
    assign_codes(&pilots, &mut certs);
    let certificates = sign_certificates(opts, &pilots, &certs)?;
    let lines = signed_lines(&opts.out.join("certificates"))?;
    let reviews = review::sign_reviews(opts, &pilots, &certs, &lines)?
        + review::review_batch(opts, &pilots, &certs)?;
    let revoked = revocations(&certs, &pilots, opts, &mut draw);
    let revocations = sign_revocations(opts, &pilots, &root, revoked)?;
    stop_if_interrupted(opts)?;
    verify_output(opts, &root.public())?;
    stop_if_interrupted(opts)?;
    crate::site::log_step::start_log(&opts.out, opts.as_of)
        .map_err(|e| DemoError::Log(e.to_string()))?;
    Ok(DemoSummary {
        institutions: pilots.len(),
        certificates,
        revocations,
        reviews,
        root_fingerprint: root.public().fingerprint(),
        in_place: false,
    })
}

/// The root's public key, every demo secret key, and `certsite.toml`.
fn write_keys_and_config(
    opts: &DemoOptions,
    pilots: &[Pilot],
    root: &SecretKey,
) -> Result<(), DemoError> {
    let keys_dir = opts.out.join(KEYS_DIR);
    write_file(
        &opts.out.join(DEFAULT_ROOT_KEY),
        root.public()
            .file_text("demo root (辽宁省人力资源和社会保障厅 stand-in)")
            .as_bytes(),
    )?;
    write_key(&keys_dir, "root", root, "demo root")?;
    write_key(
        &keys_dir,
        LOG_KEY,
        &demo_key(opts.seed, LOG_KEY),
        "demo publisher log key",
    )?;
    for p in pilots {
        for (label, key, _, _) in &p.keys {
            write_key(&keys_dir, label, key, &p.name)?;
        }
    }
    review::write_city_keys(opts)?;
    write_file(&keys_dir.join("README.md"), DEMO_KEYS_README.as_bytes())?;
    write_file(
        &opts.out.join(crate::data::config::CONFIG_FILE),
        site_config(opts.min_iterations).as_bytes(),
    )?;
    Ok(())
}

/// The publisher, as the notice names it: the province's 人事考试中心 runs
/// the query system and publishes what the cities upload (四(四)2).
const PUBLISHER: &str = "辽宁省人事考试中心（演示）";

/// The label of the publisher's log key among the demo keys.
const LOG_KEY: &str = "log";

/// The publisher statement: the root lists the demo log key, from the day
/// the directory was first signed, for the site the demo configuration names.
fn sign_publisher(opts: &DemoOptions, root: &SecretKey) -> Result<(), DemoError> {
    let log = demo_key(opts.seed, LOG_KEY).public();
    let first = opts
        .as_of
        .checked_sub(DIRECTORY_AGE_DAYS.days())
        .expect("a real date")
        .to_string();
    let config = crate::data::config::Config::parse(
        Path::new(crate::data::config::CONFIG_FILE),
        &site_config(opts.min_iterations),
    )
    .map_err(|p| DemoError::Invalid(vec![p]))?;
    let statement = Statement::Publisher(Publisher {
        v: certsite_core::constants::STATEMENT_VERSION,
        name: PUBLISHER.to_string(),
        origin: certsite_core::site_format::snapshot::origin(&config.base_url),
        keys: vec![KeyEntry::new(&log, first.clone(), None)],
        issued_on: first,
    });
    let line = Envelope::sign(&statement, root).to_line();
    write_file(
        &opts.out.join("publisher/publisher.jsonl"),
        format!("{line}\n").as_bytes(),
    )?;
    Ok(())
}

/// The directory (附件4 with dates and keys) as the root signs it over the
/// years, each statement dated the day it was made: the pilots as the
/// notice publishes them, on its date (`directory/institutions.jsonl`);
/// then every later statement (`directory/updates.jsonl`): each extension
/// on the first day of its new period, the key rotation, and the lapsed
/// institution's re-approval on the data date. A certificate is judged by
/// the statement in force on its issue date (the newest signed on or before
/// it), so an extension dated the data date would leave every certificate
/// of its period judged by the lapsed one before it. The cities are listed
/// when the site starts, two weeks before the data date.
fn sign_directory(opts: &DemoOptions, pilots: &[Pilot], root: &SecretKey) -> Result<(), DemoError> {
    let first = opts
        .as_of
        .checked_sub(DIRECTORY_AGE_DAYS.days())
        .expect("a real date");
    let notice = ymd(NOTICE_DATE);
    let mut originals = String::new();
    let mut updates = String::new();
    for (day, rows) in directory_statements(opts, pilots) {
        let (roster, text) = if day == notice {
            (
                opts.out.join(ROSTERS_DIR).join("directory.csv"),
                &mut originals,
            )
        } else {
            let name = format!("directory-updates/{day}.csv");
            (opts.out.join(ROSTERS_DIR).join(name), &mut updates)
        };
        write_file(&roster, &utf8_bom(&directory_csv(&rows, day)))?;
        let part = opts.out.join(format!("directory/{day}.jsonl"));
        run_sign_on(opts, day, root, &roster, &part, InputKind::Directory)?;
        text.push_str(&fs::read_to_string(&part).fs(FsAction::Read, &part)?);
        fs::remove_file(&part).fs(FsAction::Remove, &part)?;
    }
    write_file(
        &opts.out.join("directory/institutions.jsonl"),
        originals.as_bytes(),
    )?;
    if !updates.is_empty() {
        write_file(
            &opts.out.join("directory/updates.jsonl"),
            updates.as_bytes(),
        )?;
    }
    review::sign_cities(opts, root, first)?;
    Ok(())
}

/// A directory row: the institution and the filing period it states.
type DirectoryRow<'a> = (&'a Pilot, (Date, Date));

/// Every directory statement, by the day the root signs it.
fn directory_statements<'a>(
    opts: &DemoOptions,
    pilots: &'a [Pilot],
) -> BTreeMap<Date, Vec<DirectoryRow<'a>>> {
    let mut by_day: BTreeMap<Date, Vec<DirectoryRow<'a>>> = BTreeMap::new();
    let notice = ymd(NOTICE_DATE);
    for p in pilots {
        for (n, &period) in p.periods.iter().enumerate() {
            let day = if n == 0 {
                period.0.max(notice)
            } else {
                period.0
            };
            by_day.entry(day).or_default().push((p, period));
        }
        let rotation = ymd(ROTATION_SIGNED);
        if p.keys.len() > 1 && rotation <= opts.as_of {
            let in_force = p.periods.iter().rev().find(|(from, _)| *from <= rotation);
            if let Some(&period) = in_force {
                by_day.entry(rotation).or_default().push((p, period));
            }
        }
        if p.filing.as_string() == LAPSED {
            let until = end_of_period(opts.as_of, FILING_VALIDITY_YEARS).expect("a real date");
            by_day
                .entry(opts.as_of)
                .or_default()
                .push((p, (opts.as_of, until)));
        }
    }
    by_day
}

/// The keys a statement signed on `day` lists: before the rotation is
/// signed, the first key alone and open-ended; from then on every key with
/// its window.
fn keys_listed_on(p: &Pilot, day: Date) -> Vec<(&SecretKey, Date, Option<Date>)> {
    let rotation_known = day >= ymd(ROTATION_SIGNED);
    p.keys
        .iter()
        .filter(|(_, _, from, _)| *from <= day || rotation_known)
        .map(|(_, key, from, until)| (key, *from, until.filter(|_| rotation_known)))
        .collect()
}

/// How long before the data date the directory was first signed.
const DIRECTORY_AGE_DAYS: i64 = 14;

/// Certificates, one roster per institution key. Returns how many were signed.
fn sign_certificates(
    opts: &DemoOptions,
    pilots: &[Pilot],
    certs: &[DemoCert],
) -> Result<usize, DemoError> {
    let mut by_file: BTreeMap<String, Vec<&DemoCert>> = BTreeMap::new();
    for c in certs {
        let p = &pilots[c.pilot];
        let (label, _, _, _) = signing_key(p, c.issued);
        by_file.entry(label.clone()).or_default().push(c);
    }
    let mut signed = 0;
    for (n, (label, rows)) in by_file.iter().enumerate() {
        let p = &pilots[rows[0].pilot];
        let key = &p.keys.iter().find(|k| &k.0 == label).unwrap().1;
        let csv = roster_csv(pilots, rows, n % 3 == 2);
        // Every third roster is GBK with Chinese dates, as Excel on Chinese
        // Windows saves it; the rest UTF-8 with BOM.
        let bytes = if n % 3 == 2 {
            gbk(&csv)?
        } else {
            utf8_bom(&csv)
        };
        let src = opts
            .out
            .join(ROSTERS_DIR)
            .join(format!("certificates/{label}.csv"));
        write_file(&src, &bytes)?;
        signed += run_sign(
            opts,
            key,
            &src,
            &opts.out.join(format!("certificates/{label}.jsonl")),
            InputKind::Certificates,
        )?;
    }
    Ok(signed)
}

/// The signed certificate lines of a folder of datasets, by code.
fn signed_lines(dir: &Path) -> Result<BTreeMap<String, String>, DemoError> {
    let mut out = BTreeMap::new();
    let files = crate::data::dataset::find_datasets(&[dir.to_path_buf()])
        .map_err(|p| DemoError::Invalid(vec![p]))?;
    for file in files {
        let text = fs::read_to_string(&file).fs(FsAction::Read, &file)?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let typed = Envelope::parse(line).ok().and_then(|e| e.typed().ok());
            if let Some(Statement::Certificate(c)) = typed {
                out.insert(c.code, line.to_string());
            }
        }
    }
    Ok(out)
}

/// A few revocations: most by the issuer, one by the root. Returns how many.
fn sign_revocations(
    opts: &DemoOptions,
    pilots: &[Pilot],
    root: &SecretKey,
    revoked: BTreeMap<String, Vec<(String, Date, &'static str)>>,
) -> Result<usize, DemoError> {
    let mut signed = 0;
    for (signer, rows) in revoked {
        let src = opts
            .out
            .join(ROSTERS_DIR)
            .join(format!("revocations/{signer}.csv"));
        let mut csv = String::from("证书编号,撤销日期,撤销原因\n");
        for (code, date, reason) in &rows {
            csv += &format!("{code},{date},{reason}\n");
        }
        write_file(&src, &utf8_bom(&csv))?;
        let key = if signer == "root" {
            root
        } else {
            &pilots
                .iter()
                .flat_map(|p| &p.keys)
                .find(|k| k.0 == signer)
                .unwrap()
                .1
        };
        signed += run_sign(
            opts,
            key,
            &src,
            &opts.out.join(format!("revocations/{signer}.jsonl")),
            InputKind::Revocations,
        )?;
    }
    Ok(signed)
}

/// The whole output must pass the chain as `certsite verify` checks it.
fn verify_output(opts: &DemoOptions, root: &PublicKey) -> Result<(), DemoError> {
    let files = crate::data::dataset::find_datasets(std::slice::from_ref(&opts.out))
        .map_err(|p| DemoError::Invalid(vec![p]))?;
    let verifier = Verifier {
        root: *root,
        options: VerifyOptions {
            today: opts.as_of,
            min_iterations: opts.min_iterations,
        },
    };
    let problems = crate::data::dataset::verify_files(&verifier, &files, Vec::new()).problems;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DemoError::Invalid(problems))
    }
}

/// The site configuration of the demo: `data/certsite.toml`, with the privacy
/// floor the demo was generated for (lower only for benchmark data).
fn site_config(min_iterations: u32) -> String {
    include_str!("../../data/certsite.toml")
        .lines()
        .map(|l| {
            if l.starts_with("min_iterations") {
                format!("min_iterations = {min_iterations}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Fictitious institutions, named as such (示例), with filing numbers that
/// cannot collide with the pilots' (order 101 and up).
fn extra_institutions(opts: &DemoOptions, draw: &mut Draw) -> Result<Vec<Pilot>, DemoError> {
    let industries: BTreeMap<&str, &[Occ]> = INDUSTRIES.iter().copied().collect();
    let capacity = 14 * 5 * 899;
    if opts.extra_institutions > capacity {
        return Err(DemoError::TooManyInstitutions(capacity));
    }
    let mut out = Vec::new();
    for n in 0..opts.extra_institutions {
        let city = (n % 14) as u8 + 1;
        let kind = ((n / 14) % 5) as u8 + 2;
        let order = (n / 70) as u16 + 101;
        let filing = FilingNo::parse(&format!("Y000021{city:02}{kind}{order:03}"))
            .expect("city 1-14, kind 2-6 and order 101-999 make a valid filing number");
        let (trade, industry) = EXTRA_TRADES[draw.index(EXTRA_TRADES.len())];
        let city_name = filing.city.name().trim_end_matches('市');
        let name = format!(
            "{city_name}{}{trade}有限公司（示例{:04}）",
            EXTRA_WORDS[draw.index(EXTRA_WORDS.len())],
            n + 1
        );
        // Approved in monthly batches, so that their statements are signed
        // on a few dozen days.
        let approved = Date::new(2021, 1, 4)
            .unwrap()
            .checked_add((draw.below(33) as i64).months())
            .unwrap();
        let scope = industries[industry]
            .iter()
            .map(|(code, occ, sub)| (*code, *occ, *sub, 5, [3, 2, 1][draw.index(3)]))
            .collect();
        let label = filing.as_string();
        out.push(Pilot {
            name,
            filing,
            periods: filing_periods(approved, opts.as_of, usize::MAX),
            scope,
            keys: vec![(label.clone(), demo_key(opts.seed, &label), approved, None)],
            weight: 1,
        });
    }
    Ok(out)
}

fn check_scopes(pilots: &[Pilot]) -> Result<(), DemoError> {
    let cat = Catalogue::builtin();
    for p in pilots {
        for (code, name, sub, _, _) in &p.scope {
            cat.check(code, name, (!sub.is_empty()).then_some(*sub))
                .map_err(|problem| DemoError::Scope {
                    filing: p.filing,
                    problem,
                })?;
        }
    }
    Ok(())
}

fn signing_key(p: &Pilot, day: Date) -> &(String, SecretKey, Date, Option<Date>) {
    p.keys
        .iter()
        .find(|(_, _, from, until)| *from <= day && until.is_none_or(|u| day <= u))
        .expect("demo keys cover the filing period")
}

fn certificates(pilots: &[Pilot], opts: &DemoOptions, draw: &mut Draw) -> Vec<DemoCert> {
    let weights: Vec<(usize, u32)> = pilots
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.weight))
        .collect();
    let first_day = Date::new(2020, 7, 1).unwrap();
    (0..opts.count)
        .map(|_| {
            let pi = *draw.weighted(&weights);
            let p = &pilots[pi];
            let from = p.approved().max(first_day);
            let to = p.filed_until().min(opts.as_of);
            let issued = draw.date_between(from, to);
            let si = draw.index(p.scope.len());
            let (_, _, _, lowest, highest) = p.scope[si];
            // More certificates at the entry levels than at the top.
            let span = u64::from(lowest - highest) + 1;
            let step = draw.below(span).min(draw.below(span));
            let level = Level::from_digit(lowest - step as u8).unwrap();
            let tier = if level.digit() == 1 && draw.chance(15) {
                Some(if draw.chance(50) {
                    "首席技师"
                } else {
                    "特级技师"
                })
            } else {
                None
            };
            DemoCert {
                pilot: pi,
                scope: si,
                level,
                issued,
                holder: holder(draw, issued),
                tier,
                method: METHODS[draw.index(METHODS.len())],
                code: None,
            }
        })
        .collect()
}

/// Serials run per institution, year and level in issue order (附件5 第17-22位).
fn assign_codes(pilots: &[Pilot], certs: &mut [DemoCert]) {
    let mut order: Vec<usize> = (0..certs.len()).collect();
    order.sort_by_key(|&i| {
        (
            certs[i].pilot,
            certs[i].issued.year(),
            certs[i].level,
            certs[i].issued,
            i,
        )
    });
    let mut serials: BTreeMap<(usize, i16, Level), u32> = BTreeMap::new();
    for i in order {
        let c = &mut certs[i];
        let serial = serials
            .entry((c.pilot, c.issued.year(), c.level))
            .or_insert(0);
        *serial += 1;
        c.code = Some(CertCode {
            filing: pilots[c.pilot].filing,
            year: c.issued.year() as u16,
            level: c.level,
            serial: *serial,
        });
    }
}

fn revocations(
    certs: &[DemoCert],
    pilots: &[Pilot],
    opts: &DemoOptions,
    draw: &mut Draw,
) -> BTreeMap<String, Vec<(String, Date, &'static str)>> {
    let mut out: BTreeMap<String, Vec<(String, Date, &'static str)>> = BTreeMap::new();
    let wanted = (certs.len() / 500).clamp(1, 50) + 4;
    let mut picked = std::collections::BTreeSet::new();
    while picked.len() < wanted.min(certs.len()) {
        picked.insert(draw.index(certs.len()));
    }
    for (n, i) in picked.into_iter().enumerate() {
        let c = &certs[i];
        let p = &pilots[c.pilot];
        let latest = opts.as_of.min(p.filed_until());
        let date = draw.date_between(c.issued, latest.max(c.issued));
        let reason = REVOCATION_REASONS[draw.index(REVOCATION_REASONS.len())];
        let signer = if n == 0 {
            "root".to_string()
        } else {
            signing_key(p, date).0.clone()
        };
        out.entry(signer)
            .or_default()
            .push((c.code.unwrap().as_string(), date, reason));
    }
    out
}

/// The directory (附件4 with dates and keys) of a statement signed on `day`.
fn directory_csv(rows: &[DirectoryRow], day: Date) -> String {
    let mut csv = String::from(
        "序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n",
    );
    for (n, (p, (approved, valid_until))) in rows.iter().enumerate() {
        let city = p.filing.city.name();
        for (i, (code, name, sub, lowest, highest)) in p.scope.iter().enumerate() {
            let range = format!(
                "{}-{}",
                Level::from_digit(*lowest).unwrap().numbered_name(),
                Level::from_digit(*highest).unwrap().numbered_name()
            );
            let sub = if sub.is_empty() { "——" } else { sub };
            if i == 0 {
                let keys: Vec<String> = keys_listed_on(p, day)
                    .into_iter()
                    .map(|(k, from, until)| match until {
                        Some(u) => format!("{} {from}~{u}", k.public().to_base64()),
                        None => format!("{} {from}", k.public().to_base64()),
                    })
                    .collect();
                csv += &format!(
                    "{},{},{city}（示例地址，非真实信息）,示例联系人（非真实人员）,示例电话（非真实号码）,{},{name},{sub},{code},{range},{},{},{}\n",
                    n + 1,
                    p.name,
                    p.filing,
                    approved,
                    valid_until,
                    keys.join(";")
                );
            } else {
                csv += &format!(",,,,,,{name},{sub},{code},{range},,,\n");
            }
        }
    }
    csv
}

fn roster_csv(pilots: &[Pilot], rows: &[&DemoCert], chinese_dates: bool) -> String {
    let mut csv = String::from(
        "序号,证书编号,姓名,性别,证件类型,证件号码,职业名称,工种名称,职业编码,等级,等级称号,评价方式,发证日期,评价机构\n",
    );
    let mut sorted: Vec<&&DemoCert> = rows.iter().collect();
    sorted.sort_by_key(|c| (c.issued, c.code));
    for (n, c) in sorted.iter().enumerate() {
        let p = &pilots[c.pilot];
        let (code, name, sub, _, _) = p.scope[c.scope];
        let date = if chinese_dates {
            c.issued.strftime("%Y年%-m月%-d日").to_string()
        } else {
            c.issued.to_string()
        };
        csv += &format!(
            "{},{},{},{},{},{},{name},{},{code},{},{},{},{date},{}\n",
            n + 1,
            c.code.unwrap(),
            c.holder.name,
            if c.holder.male { "男" } else { "女" },
            c.holder.id_type.name(),
            c.holder.id_number,
            if sub.is_empty() { "——" } else { sub },
            c.level.name(),
            c.tier.unwrap_or(""),
            c.method,
            p.name
        );
    }
    csv
}

fn run_sign(
    opts: &DemoOptions,
    key: &SecretKey,
    input: &Path,
    out: &Path,
    kind: InputKind,
) -> Result<usize, DemoError> {
    run_sign_on(opts, opts.as_of, key, input, out, kind)
}

/// Signs a roster or directory whose statements are dated `date`.
fn run_sign_on(
    opts: &DemoOptions,
    date: Date,
    key: &SecretKey,
    input: &Path,
    out: &Path,
    kind: InputKind,
) -> Result<usize, DemoError> {
    let options = SignOptions {
        key,
        input: input.to_path_buf(),
        out: out.to_path_buf(),
        kind: Some(kind),
        data: None,
        iterations: opts.iterations,
        min_iterations: opts.min_iterations,
        skip_invalid: false,
        rejects: None,
        today: opts.as_of,
        statement_date: date,
        replace: false,
    };
    // Between rosters: each is seconds of hashing at the real iteration count.
    stop_if_interrupted(opts)?;
    match sign(&options) {
        Ok(report) => Ok(report.signed),
        Err(SignError::Invalid(report)) => Err(DemoError::Invalid(report.problems)),
        Err(SignError::Unusable(p)) => Err(DemoError::Invalid(p)),
        Err(SignError::Cannot(p)) => Err(DemoError::Invalid(vec![p])),
        Err(SignError::Fs(e)) => Err(DemoError::Fs(e)),
    }
}

const DEMO_KEYS_README: &str = "# DEMO KEYS — NOT FOR REAL USE\n\n\
These secret keys sign the synthetic demo dataset. They are public, in a public\n\
repository, so anything they sign proves nothing. A real deployment generates its\n\
own keys with `certsite keygen` and keeps the secret halves off this repository.\n\n\
The rosters in `../demo-rosters/` hold fictitious people only.\n";

/// What the demo writes at the top of its output folder besides
/// `certsite.toml` and `publisher/`, which it overwrites. The log starts
/// afresh: a demo of another size or seed drops statements an old log
/// holds, and a demo's history is worth nothing.
const GENERATED: [&str; 8] = [
    DEFAULT_ROOT_KEY,
    "log",
    KEYS_DIR,
    ROSTERS_DIR,
    "directory",
    "certificates",
    "reviews",
    "revocations",
];

/// The staging folder the demo is written into. A non-empty `out` is
/// refused unless `force`; then the staging folder starts as a copy of
/// `out` without the [`GENERATED`] files, so what the demo does not write
/// (a data folder's pages and occupations, say) is kept.
fn stage_out(out: &Path, force: bool) -> Result<Staging, DemoError> {
    let non_empty = out.exists() && fs::read_dir(out).fs(FsAction::List, out)?.next().is_some();
    if non_empty && !force {
        return Err(DemoError::NotEmpty(out.to_path_buf()));
    }
    // A deployment's own folder: its configuration, publisher statement
    // and log are not the demo's to replace.
    if non_empty && out.join(CONFIG_FILE).is_file() && !out.join(KEYS_DIR).is_dir() {
        return Err(DemoError::NotADemo(out.to_path_buf()));
    }
    let staging = Staging::begin(out)?;
    if non_empty {
        copy_tree(out, staging.path(), &|rel| {
            GENERATED.iter().any(|g| rel == Path::new(g))
        })?;
    }
    Ok(staging)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).fs(FsAction::CreateDir, dir)?;
    }
    fs::write(path, bytes).fs(FsAction::Write, path)
}

fn write_key(dir: &Path, label: &str, key: &SecretKey, name: &str) -> Result<(), DemoError> {
    fs::create_dir_all(dir).fs(FsAction::CreateDir, dir)?;
    let secret = dir.join(format!("{label}.key"));
    write_secret_file(&secret, &key.file_text(&format!("DEMO ONLY — {name}")))?;
    let public: PublicKey = key.public();
    write_file(
        &dir.join(format!("{label}.pub")),
        public.file_text(&format!("DEMO ONLY — {name}")).as_bytes(),
    )?;
    Ok(())
}

fn utf8_bom(text: &str) -> Vec<u8> {
    let mut b = crate::workbook::UTF8_BOM.to_vec();
    b.extend_from_slice(text.as_bytes());
    b
}

fn gbk(text: &str) -> Result<Vec<u8>, DemoError> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    if unmappable {
        return Err(DemoError::NotGbk);
    }
    Ok(bytes.into_owned())
}
