//! The three statements of the trust chain and the rules each one must keep
//! on its own. Rules that need other statements (signer, scope, duplicates)
//! live in [`crate::trust::chain`].
//!
//! A statement is a JSON object of strings and integers with a `type` field;
//! its field names are those of the structs below (specified in
//! `docs/formats.md`). Unknown fields are refused: a verifier must understand all it signs.

use serde::{Deserialize, Serialize};

use crate::constants::KDF_NAME;
use crate::domain::code::{CertCode, FilingNo};
use crate::domain::dates::parse_iso;
use crate::domain::id_document::IdType;
use crate::domain::level::{Level, LevelRange, TOP_TIERS};
use crate::domain::occupation::{Catalogue, OccupationError};
use crate::trust::canonical::Json;
use crate::trust::city::{City, Review};
pub use crate::trust::fields::KeyEntry;
use crate::trust::fields::{Checks, check_key_list, is_hash};
use crate::trust::options::VerifyOptions;
use crate::trust::privacy::ID_VISIBLE_TAIL;
use crate::trust::problem::FieldProblem;
use crate::trust::rules::Rule;

/// Why a JSON object is not a statement: an unknown `type`, an unknown or
/// missing field, a value of the wrong kind (serde's words, in English).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StatementError(String);

/// Any statement, tagged by its `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Statement {
    /// Directory entry, signed by the root.
    Institution(Institution),
    /// Certificate, signed by an institution key.
    Certificate(Certificate),
    /// Revocation, signed by the issuer, its city or the root.
    Revocation(Revocation),
    /// A city's review authority and its keys, signed by the root.
    City(City),
    /// A city's review (审核) of one signed certificate, signed by a key of
    /// the city its filing number names.
    Review(Review),
    /// The publisher's log keys, signed by the root.
    Publisher(Publisher),
    /// One build of the site, signed by a publisher's log key. Never data:
    /// a snapshot in a data folder is refused.
    Snapshot(Snapshot),
}

/// The publisher of the site, as the root names it: the keys that sign the
/// site's snapshots and the log's checkpoints, each with a window. Like an
/// institution statement, a newer one supersedes it, and every one stays
/// published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Schema version.
    pub v: i64,
    /// Who publishes the site.
    pub name: String,
    /// The log's origin (C2SP checkpoint): the log's URL without scheme or
    /// trailing slash, e.g. `certsite.example/log`.
    pub origin: String,
    /// The log keys, each with an inclusive window for the data date of
    /// what it signs.
    pub keys: Vec<KeyEntry>,
    /// Date the root signed this statement.
    pub issued_on: String,
}

/// What one build published: the roots of the trees over its certificate
/// shards and its institution files, and the log's size and root hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Schema version.
    pub v: i64,
    /// The log's origin, as the publisher statement names it.
    pub origin: String,
    /// The newest date of the published data (数据截至).
    pub data_date: String,
    /// The tree over the certificate shards.
    pub shards: TreeHead,
    /// The tree over the institution files.
    pub issuers: TreeHead,
    /// The append-only log of every statement ever published.
    pub log: LogHead,
}

/// A keyed tree of a snapshot (see `site::snapshot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeHead {
    /// The tree has 2^bits buckets.
    pub bits: i64,
    /// Tile heights, bottom first.
    pub tiles: Vec<i64>,
    /// Base64 of the nodes above the last tile, left to right.
    pub top: Vec<String>,
}

/// The log's size and RFC 6962 root hash at this build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogHead {
    /// Number of entries.
    pub size: i64,
    /// Base64 of the root hash.
    pub root: String,
}

/// An institution's directory entry (附件4) and signing keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// Schema version.
    pub v: i64,
    /// 机构备案号, 13 characters.
    pub filing_no: String,
    /// 企业名称, exactly as filed; certificates must repeat it.
    pub name: String,
    /// City, as the filing number encodes it (e.g. `沈阳市`).
    pub city: String,
    /// Kind, as the filing number encodes it (e.g. `市属企业`).
    pub kind: String,
    /// 详细地址.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// 联系人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// 联系方式.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Date the filing was approved.
    pub approved_on: String,
    /// Last day the filing is valid (3 years from approval unless extended).
    pub valid_until: String,
    /// Filed scope, one entry per 附件4 row.
    pub occupations: Vec<ScopeEntry>,
    /// Keys that sign this institution's certificates.
    pub keys: Vec<KeyEntry>,
    /// Date the root signed this statement; the newest statement of a filing
    /// number supersedes older ones.
    pub issued_on: String,
}

/// Where an institution's filing (资质) stands on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilingState {
    /// Within its filing period (`approved_on` to `valid_until`, both included).
    Valid,
    /// Approved from a later date.
    NotYetValid,
    /// Past `valid_until` (资质已到期) and not extended.
    Lapsed,
}

/// One occupation an institution may certify.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeEntry {
    /// 职业名称.
    pub name: String,
    /// 工种名称, absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// 职业编码.
    pub code: String,
    /// Entry level digit (5 for 五级).
    pub lowest_level: i64,
    /// Top level digit (3 for 三级).
    pub highest_level: i64,
}

/// What a certificate says, minus personal data in the clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Schema version.
    pub v: i64,
    /// 证书编号, 22 characters.
    pub code: String,
    /// Issuing institution's name as filed.
    pub institution: String,
    /// Holder name as shown publicly (masked).
    pub name_masked: String,
    /// PBKDF2 hash of the normalised full name, base64.
    pub name_hash: String,
    /// 证件类型.
    pub id_type: String,
    /// Document number as shown publicly (masked).
    pub id_masked: String,
    /// PBKDF2 hash of the normalised document number, base64.
    pub id_hash: String,
    /// Always `PBKDF2-SHA256`.
    pub kdf: String,
    /// PBKDF2 iteration count of both hashes.
    pub iterations: i64,
    /// 职业名称.
    pub occupation: String,
    /// 工种名称, absent when none (printed ——).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// 职业编码.
    pub occupation_code: String,
    /// Level digit, equal to the code's 16th character.
    pub level: i64,
    /// Optional tier label (特级技师, 首席技师, or an in-level tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Optional 评价方式.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// 发证日期.
    pub issued_on: String,
}

/// A revocation of one certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Schema version.
    pub v: i64,
    /// 证书编号 revoked.
    pub code: String,
    /// Effective date.
    pub revoked_on: String,
    /// Why, in a sentence.
    pub reason: String,
}

impl Statement {
    /// Reads a statement from its JSON; the error names the problem (unknown
    /// field, missing field, wrong type).
    pub(crate) fn from_json(json: &Json) -> Result<Statement, StatementError> {
        objects_where_objects_belong(json)?;
        serde_json::from_value(json.to_value())
            .map_err(|e| StatementError(crate::trust::messages::shape_problem(&e)))
    }

    /// The statement as JSON, ready for canonicalisation.
    pub fn to_json(&self) -> Json {
        let value = serde_json::to_value(self).expect("statements serialise");
        Json::from_value(value).expect("statements hold strings and integers only")
    }
}

/// The nested entries of a statement (key entries, scope entries, tree and
/// log heads) are JSON objects, as the formats and the page require; serde
/// alone would also take a struct written as an array of its fields.
fn objects_where_objects_belong(json: &Json) -> Result<(), StatementError> {
    let Some(fields) = json.as_object() else {
        return Ok(());
    };
    let is_object = |v: &Json| v.as_object().is_some();
    for (name, value) in fields {
        let ok = match (name.as_str(), value) {
            ("keys" | "occupations", Json::Arr(items)) => items.iter().all(is_object),
            ("shards" | "issuers" | "log", v) => is_object(v),
            _ => true,
        };
        if !ok {
            return Err(StatementError(format!(
                "字段 {name} 的内容应为 JSON 对象（每一项都是）"
            )));
        }
    }
    Ok(())
}

/// A level range from a scope entry's two digits.
pub fn scope_range(entry: &ScopeEntry) -> Option<LevelRange> {
    let low = Level::from_digit(u8::try_from(entry.lowest_level).ok()?)?;
    let high = Level::from_digit(u8::try_from(entry.highest_level).ok()?)?;
    (low >= high).then(|| LevelRange::new(low, high))
}

impl Publisher {
    /// The rules a publisher statement keeps on its own.
    pub fn check(&self) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        for (field, text) in [("name", &self.name), ("origin", &self.origin)] {
            c.non_empty(field, text);
            c.visible(field, text);
        }
        c.date("issued_on", &self.issued_on);
        check_key_list(&self.keys, Rule::PublisherKeys, &mut c);
        c.0
    }

    /// The key with this id, if listed.
    pub fn key(&self, kid: &str) -> Option<&KeyEntry> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

impl Snapshot {
    /// The rules a snapshot keeps on its own: a real data date, and tree
    /// heads a visitor can follow (see `log::keyed_tree`).
    pub fn check(&self) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        c.non_empty("origin", &self.origin);
        c.visible("origin", &self.origin);
        c.date("data_date", &self.data_date);
        for (field, head) in [("shards", &self.shards), ("issuers", &self.issuers)] {
            if let Err(e) = head.shape() {
                c.add(Rule::Schema, field, e);
            }
        }
        if self.log.size < 0 || !is_hash(&self.log.root) {
            c.add(
                Rule::Schema,
                "log",
                "日志大小应为非负整数，根为 32 字节哈希的 base64",
            );
        } else if self.log.size > crate::constants::MAX_LOG_SIZE {
            c.add(
                Rule::LogSize,
                "log",
                format!("日志大小 {} 超过上限 2^40", self.log.size),
            );
        }
        c.0
    }
}

impl TreeHead {
    /// The bits and tile heights as numbers, if the head is one a visitor
    /// can follow: at most 24 bits, tiles of height 1-16 (the first may be
    /// 0), no higher than the tree, and one 32-byte top node for each
    /// subtree above the tiles, fewer than 64.
    pub fn shape(&self) -> Result<(u32, Vec<u32>), String> {
        let bits = u32::try_from(self.bits).ok().filter(|b| *b <= 24);
        let heights: Option<Vec<u32>> = self
            .tiles
            .iter()
            .enumerate()
            .map(|(i, h)| {
                u32::try_from(*h)
                    .ok()
                    .filter(|h| *h <= 16 && (i == 0 || *h > 0))
            })
            .collect();
        let (Some(bits), Some(heights)) = (bits, heights) else {
            return Err("bits 应为 0-24，tiles 应为 1-16 的高度".into());
        };
        let reach: u32 = heights.iter().sum();
        if heights.is_empty() || reach > bits || bits - reach >= 6 {
            return Err(format!("tiles {heights:?} 与 bits {bits} 不符"));
        }
        if self.top.len() != 1 << (bits - reach) || !self.top.iter().all(|t| is_hash(t)) {
            return Err(format!("top 应为 {} 个 32 字节哈希", 1 << (bits - reach)));
        }
        Ok((bits, heights))
    }

    /// The top nodes, decoded (call after [`TreeHead::shape`]).
    pub fn top_hashes(&self) -> Vec<[u8; 32]> {
        use base64::Engine;
        self.top
            .iter()
            .filter_map(|t| base64::engine::general_purpose::STANDARD.decode(t).ok())
            .filter_map(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .collect()
    }
}

impl Institution {
    /// The rules an institution statement keeps on its own.
    pub fn check(&self, catalogue: &Catalogue) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        match FilingNo::parse(&self.filing_no) {
            Err(e) => c.add(Rule::FilingNo, "filing_no", e.to_string()),
            Ok(f) if f.as_string() != self.filing_no => c.add(
                Rule::FilingNo,
                "filing_no",
                format!("应写作 {}", f.as_string()),
            ),
            Ok(f) => {
                if self.city != f.city.name() {
                    c.add(
                        Rule::CityKind,
                        "city",
                        format!("为“{}”，但备案号第8-9位表示“{}”", self.city, f.city.name()),
                    );
                }
                if self.kind != f.kind.name() {
                    c.add(
                        Rule::CityKind,
                        "kind",
                        format!("为“{}”，但备案号第10位表示“{}”", self.kind, f.kind.name()),
                    );
                }
            }
        }
        c.non_empty("name", &self.name);
        c.visible("name", &self.name);
        for (field, text) in [
            ("address", &self.address),
            ("contact", &self.contact),
            ("phone", &self.phone),
        ] {
            c.visible(field, text.as_deref().unwrap_or_default());
        }
        let approved = c.date("approved_on", &self.approved_on);
        let until = c.date("valid_until", &self.valid_until);
        if let (Some(a), Some(u)) = (approved, until)
            && u < a
        {
            c.add(
                Rule::FilingDates,
                "valid_until",
                format!("{u} 早于批准日期 {a}"),
            );
        }
        c.date("issued_on", &self.issued_on);
        self.check_scope(&mut c, catalogue);
        self.check_keys(&mut c);
        c.0
    }

    /// The filed occupations: certifiable, each once, with a valid range.
    fn check_scope(&self, c: &mut Checks, catalogue: &Catalogue) {
        if self.occupations.is_empty() {
            c.add(
                Rule::ScopeEntries,
                "occupations",
                "至少要有一个职业（工种）",
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, o) in self.occupations.iter().enumerate() {
            let field = format!("occupations[{i}]");
            c.visible(&field, &o.name);
            c.visible(&field, o.subtype.as_deref().unwrap_or_default());
            if let Err(e) = catalogue.check(&o.code, &o.name, o.subtype.as_deref()) {
                c.add(Rule::ScopeCatalogue, &field, e.to_string());
            }
            if o.subtype
                .as_deref()
                .is_some_and(crate::domain::text::is_none_marker)
            {
                c.add(
                    Rule::NoneMarker,
                    &field,
                    "无工种时应省略 subtype，而不是写“——”",
                );
            }
            if scope_range(o).is_none() {
                c.add(
                    Rule::ScopeRange,
                    &field,
                    format!(
                        "等级范围 {}-{} 无效：两端应为 1-5，且最低等级数字不小于最高等级数字",
                        o.lowest_level, o.highest_level
                    ),
                );
            }
            if !seen.insert((o.code.clone(), o.subtype.clone())) {
                c.add(Rule::ScopeEntries, &field, "同一职业（工种）重复出现");
            }
        }
    }

    /// The signing keys: valid, named by their own kid, each once, with a window.
    fn check_keys(&self, c: &mut Checks) {
        check_key_list(&self.keys, Rule::InstitutionKeys, c);
    }
    /// The key with this id, if listed.
    pub fn key(&self, kid: &str) -> Option<&KeyEntry> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    /// Whether the filing is valid on `date` (an ISO date string).
    pub fn filing_valid_on(&self, date: &str) -> bool {
        self.filing_state_on(date) == FilingState::Valid
    }

    /// Where the filing stands on `date` (an ISO date string): the one rule
    /// for both a certificate's issue date and the directory's data date.
    pub fn filing_state_on(&self, date: &str) -> FilingState {
        if date < self.approved_on.as_str() {
            FilingState::NotYetValid
        } else if date <= self.valid_until.as_str() {
            FilingState::Valid
        } else {
            FilingState::Lapsed
        }
    }

    /// The scope entry that covers an occupation code and sub-specialty. An
    /// entry without a sub-specialty covers all of the occupation's.
    pub(crate) fn scope_for(&self, code: &str, subtype: Option<&str>) -> Option<&ScopeEntry> {
        let exact = self
            .occupations
            .iter()
            .find(|o| o.code == code && o.subtype.as_deref() == subtype);
        exact.or_else(|| {
            self.occupations
                .iter()
                .find(|o| o.code == code && o.subtype.is_none())
        })
    }
}

/// Whether a masked document number shows no more than the allowed tail.
fn id_mask_ok(masked: &str) -> bool {
    let n = masked.chars().count();
    n > ID_VISIBLE_TAIL && masked.chars().take(n - ID_VISIBLE_TAIL).all(|c| c == '*')
}

/// The rule and field a catalogue error is about: the name that does not
/// match the code, the 工种 or occupation that is access-controlled, or the code.
fn catalogue_rule(e: &OccupationError, subtype: Option<&str>) -> (Rule, &'static str) {
    match e {
        OccupationError::NameMismatch { .. } => (Rule::OccupationName, "occupation"),
        OccupationError::AccessControlled(n) if subtype == Some(n.as_str()) => {
            (Rule::AccessControlled, "subtype")
        }
        OccupationError::AccessControlled(_) => (Rule::AccessControlled, "occupation_code"),
        _ => (Rule::OccupationName, "occupation_code"),
    }
}

impl Certificate {
    /// The rules a certificate statement keeps on its own, judged with the
    /// verifier's options (today and the privacy floor). A roster row is
    /// checked by this same function, as a draft statement.
    pub fn check(&self, catalogue: &Catalogue, opts: &VerifyOptions) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        let code = match CertCode::parse(&self.code) {
            Err(e) => {
                c.add(Rule::Code, "code", e.to_string());
                None
            }
            Ok(code) if code.as_string() != self.code => {
                c.add(Rule::Code, "code", format!("应写作 {code}"));
                None
            }
            Ok(code) => Some(code),
        };
        c.non_empty("institution", &self.institution);
        for (field, text) in [
            ("institution", Some(&self.institution)),
            ("occupation", Some(&self.occupation)),
            ("occupation_code", Some(&self.occupation_code)),
            ("subtype", self.subtype.as_ref()),
            ("tier", self.tier.as_ref()),
            ("method", self.method.as_ref()),
        ] {
            c.visible(field, text.map_or("", String::as_str));
        }
        self.check_privacy(&mut c, opts.min_iterations);
        self.check_occupation(&mut c, catalogue);
        let level = c.level("level", self.level);
        let issued = c.date("issued_on", &self.issued_on);
        if let Some(issued) = issued
            && issued > opts.today
        {
            c.add(
                Rule::NotFuture,
                "issued_on",
                format!("发证日期 {issued} 晚于今天 {}", opts.today),
            );
        }
        if let Some(code) = code {
            check_agrees_with_code(&mut c, code, level, issued);
        }
        if let Some(tier) = &self.tier {
            if !TOP_TIERS.contains(&tier.as_str()) {
                c.add(
                    Rule::Tier,
                    "tier",
                    format!("“{tier}”不是可用的等级称号（{}）", TOP_TIERS.join("、")),
                );
            } else if level.is_some_and(|l| l.digit() != 1) {
                c.add(
                    Rule::Tier,
                    "tier",
                    format!("{tier}设在一级/高级技师之上，等级应为 1，不能改变等级代码"),
                );
            }
        }
        c.0
    }

    /// Nothing of the holder in the clear: masks, slow hashes, the floor.
    fn check_privacy(&self, c: &mut Checks, min_iterations: u32) {
        if !self.name_masked.chars().all(|ch| ch == '*') || self.name_masked.is_empty() {
            c.add(
                Rule::NameMasked,
                "name_masked",
                "公开的姓名只能是 *，不得显示姓名的任何部分",
            );
        }
        if !id_mask_ok(&self.id_masked) {
            c.add(
                Rule::IdMasked,
                "id_masked",
                format!("公开的证件号码只能显示最后 {ID_VISIBLE_TAIL} 位，其余为 *"),
            );
        }
        for (field, hash) in [("name_hash", &self.name_hash), ("id_hash", &self.id_hash)] {
            if !is_hash(hash) {
                c.add(Rule::HashFormat, field, "应为 32 字节哈希的标准 base64");
            }
        }
        if self.kdf != KDF_NAME {
            c.add(Rule::Kdf, "kdf", format!("应为 {KDF_NAME}"));
        }
        if self.iterations < i64::from(min_iterations) {
            c.add(
                Rule::Iterations,
                "iterations",
                format!(
                    "迭代次数 {} 低于隐私保护要求的 {min_iterations}",
                    self.iterations
                ),
            );
        }
        if IdType::parse(&self.id_type).map(IdType::name) != Some(self.id_type.as_str()) {
            c.add(Rule::IdType, "id_type", IdType::unknown(&self.id_type));
        }
    }

    /// A certifiable occupation of the catalogue, named as the catalogue names it.
    fn check_occupation(&self, c: &mut Checks, catalogue: &Catalogue) {
        if let Err(e) = catalogue.check(
            &self.occupation_code,
            &self.occupation,
            self.subtype.as_deref(),
        ) {
            let (rule, field) = catalogue_rule(&e, self.subtype.as_deref());
            c.add(rule, field, e.to_string());
        }
        if self
            .subtype
            .as_deref()
            .is_some_and(crate::domain::text::is_none_marker)
        {
            c.add(
                Rule::NoneMarker,
                "subtype",
                "无工种时应省略 subtype，而不是写“——”",
            );
        }
    }

    /// The code's filing number (its first 13 characters).
    pub fn filing_no(&self) -> &str {
        self.code
            .get(..crate::domain::code::FILING_LEN)
            .unwrap_or(&self.code)
    }
}

/// The code names the level (第16位) and the year (第14-15位) of the certificate.
fn check_agrees_with_code(
    c: &mut Checks,
    code: CertCode,
    level: Option<Level>,
    issued: Option<jiff::civil::Date>,
) {
    if let Some(level) = level
        && level != code.level
    {
        c.add(
            Rule::CodeLevel,
            "level",
            format!(
                "为 {}（{}），但证书编号第16位为 {}（{}）",
                level.digit(),
                level.name(),
                code.level.digit(),
                code.level.name()
            ),
        );
    }
    if let Some(issued) = issued
        && issued.year() as u16 != code.year
    {
        c.add(
            Rule::CodeYear,
            "issued_on",
            format!("为 {issued}，但证书编号第14-15位表示 {} 年", code.year),
        );
    }
}

impl Revocation {
    /// The revocation's date must not be after `today`.
    pub fn check_not_future(&self, today: jiff::civil::Date) -> Option<FieldProblem> {
        (parse_iso(&self.revoked_on)? > today).then(|| {
            FieldProblem::new(
                Rule::NotFuture,
                "revoked_on",
                format!("撤销日期 {} 晚于今天 {today}", self.revoked_on),
            )
        })
    }

    /// The rules a revocation keeps on its own.
    pub fn check(&self) -> Vec<FieldProblem> {
        let mut c = Checks::default();
        c.version(self.v);
        c.code(&self.code);
        c.date("revoked_on", &self.revoked_on);
        c.non_empty("reason", &self.reason);
        c.visible("reason", &self.reason);
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample_certificate() -> Certificate {
        Certificate {
            v: 1,
            code: "Y000021013002245000001".into(),
            institution: "沈阳鼓风机集团股份有限公司".into(),
            name_masked: "**".into(),
            name_hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
            id_type: "居民身份证".into(),
            id_masked: "****************2X".into(),
            id_hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
            kdf: KDF_NAME.into(),
            iterations: 2_000_000,
            occupation: "车工".into(),
            subtype: None,
            occupation_code: "6-18-01-01".into(),
            level: 5,
            tier: None,
            method: None,
            issued_on: "2024-06-30".into(),
        }
    }

    fn opts(min_iterations: u32) -> VerifyOptions {
        VerifyOptions {
            today: jiff::civil::date(2026, 11, 30),
            min_iterations,
        }
    }

    fn fields(problems: Vec<FieldProblem>) -> Vec<String> {
        problems.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_filing_is_valid_from_approval_to_its_last_day_inclusive() {
        let inst = Institution {
            v: 1,
            filing_no: "Y000021013002".into(),
            name: "沈阳鼓风机集团股份有限公司".into(),
            city: "沈阳市".into(),
            kind: "市属企业".into(),
            address: None,
            contact: None,
            phone: None,
            approved_on: "2020-06-01".into(),
            valid_until: "2023-05-31".into(),
            occupations: Vec::new(),
            keys: Vec::new(),
            issued_on: "2020-06-01".into(),
        };
        for (date, state) in [
            ("2020-05-31", FilingState::NotYetValid),
            ("2020-06-01", FilingState::Valid),
            ("2023-05-31", FilingState::Valid),
            ("2023-06-01", FilingState::Lapsed),
        ] {
            assert_eq!(inst.filing_state_on(date), state, "{date}");
            assert_eq!(inst.filing_valid_on(date), state == FilingState::Valid);
        }
    }

    #[test]
    fn a_good_certificate_passes() {
        let cat = Catalogue::builtin();
        assert_eq!(sample_certificate().check(cat, &opts(1_000_000)), vec![]);
    }

    #[test]
    fn certificate_must_agree_with_its_code() {
        let cat = Catalogue::builtin();
        let mut c = sample_certificate();
        c.level = 3;
        c.issued_on = "2023-06-30".into();
        let p = c.check(cat, &opts(1));
        assert_eq!(fields(p.clone()), ["level", "issued_on"]);
        assert_eq!(
            p[0].message,
            "为 3（三级/高级工），但证书编号第16位为 5（五级/初级工）"
        );
    }

    #[test]
    fn privacy_rules_hold_for_every_certificate() {
        let cat = Catalogue::builtin();
        let mut c = sample_certificate();
        c.name_masked = "张**".into();
        c.id_masked = "2101************2X".into();
        c.iterations = 1000;
        c.name_hash = "short".into();
        assert_eq!(
            fields(c.check(cat, &opts(1_000_000))),
            ["name_masked", "id_masked", "name_hash", "iterations"]
        );
    }

    #[test]
    fn top_tiers_keep_level_one() {
        let cat = Catalogue::builtin();
        let mut c = sample_certificate();
        c.tier = Some("首席技师".into());
        assert_eq!(fields(c.check(cat, &opts(1))), ["tier"]);
        c.code = "Y000021013002241000001".into();
        c.level = 1;
        assert_eq!(c.check(cat, &opts(1)), vec![]);
    }

    #[test]
    fn statements_round_trip_and_refuse_unknown_fields() {
        let s = Statement::Certificate(sample_certificate());
        let json = s.to_json();
        assert_eq!(
            json.as_object().unwrap()["type"],
            Json::Str("certificate".into())
        );
        assert!(!json.canonical_string().contains("subtype"));
        assert_eq!(Statement::from_json(&json).unwrap(), s);
        let mut extra = json.as_object().unwrap().clone();
        extra.insert("gender".into(), Json::Str("男".into()));
        let err = Statement::from_json(&Json::Obj(extra))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "不应有字段 gender");
        let mut wrong = json.as_object().unwrap().clone();
        wrong.insert("type".into(), Json::Str("diploma".into()));
        assert!(Statement::from_json(&Json::Obj(wrong)).is_err());
    }

    #[test]
    fn key_windows_are_inclusive() {
        let k = KeyEntry {
            kid: "x".into(),
            public_key: "x".into(),
            valid_from: "2020-06-01".into(),
            valid_until: Some("2023-12-31".into()),
        };
        assert!(!k.valid_on("2020-05-31"));
        assert!(k.valid_on("2020-06-01"));
        assert!(k.valid_on("2023-12-31"));
        assert!(!k.valid_on("2024-01-01"));
        let open = KeyEntry {
            valid_until: None,
            ..k
        };
        assert!(open.valid_on("2099-01-01"));
    }
}
