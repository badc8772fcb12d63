//! What the pages show, derived from the verified chain: the directory by
//! city, each institution with its counts, and the 附件7 statistics.
//! Everything here is sorted, so the pages come out the same every time.

use std::collections::BTreeMap;

use serde::Serialize;

use certsite_core::domain::code::{City, FilingNo};
use certsite_core::domain::occupation::AccessControlled;
use certsite_core::log::note;
use certsite_core::trust::chain::Chain;
use certsite_core::trust::chain::Signed;
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::statement::{Certificate, FilingState, Institution, scope_range};

/// Column headers of 附件7, lowest level first.
pub(crate) const LEVEL_COLUMNS: [&str; 5] = [
    "初级工（五级）",
    "中级工（四级）",
    "高级工（三级）",
    "技师（二级）",
    "高级技师（一级）",
];

/// Column of a level in [`LEVEL_COLUMNS`].
pub(crate) fn level_column(level: i64) -> usize {
    (5 - level.clamp(1, 5)) as usize
}

/// Column headers of 附件4 (职业技能等级认定企业目录), in its order.
pub(crate) const ANNEX4_COLUMNS: [&str; 10] = [
    "序号",
    "企业名称",
    "详细地址",
    "联系人",
    "联系方式",
    "机构备案号",
    "职业名称",
    "工种名称",
    "职业编码",
    "等级范围",
];

/// Where an institution stands in the directory on the data date: the
/// 状态 column of the published 附件4. Derived from the filing's period by
/// [`Institution::filing_state_on`], the rule certificates are judged by
/// too. The directory lists the states apart, in this order; only
/// [`Status::Valid`] counts as a current entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// 有效: within its filing period.
    Valid,
    /// 尚未生效: approved from a later date.
    NotYetValid,
    /// 资质已到期: past its filing period and not extended.
    Lapsed,
}

impl Status {
    /// The directory status of an entry on `date`.
    pub(crate) fn of(entry: &Institution, date: &str) -> Status {
        match entry.filing_state_on(date) {
            FilingState::Valid => Status::Valid,
            FilingState::NotYetValid => Status::NotYetValid,
            FilingState::Lapsed => Status::Lapsed,
        }
    }

    /// Its key in the string tables' `status`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::NotYetValid => "not_yet_valid",
            Status::Lapsed => "lapsed",
        }
    }
}

/// What an institution's newest directory entry changed from the one
/// before it (动态调整), as the directory notes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Adjustment {
    /// When the root signed the newest entry.
    pub on: String,
    /// What changed, as keys of the string tables' `changes`: `name`,
    /// `contact` (address, contact person, phone), `scope`, `period`,
    /// `keys`; empty when the entry was signed again unchanged.
    pub changes: Vec<&'static str>,
}

impl Adjustment {
    /// The newest entry of a history against the one before it; None for
    /// an institution filed once.
    fn of(history: &[Signed<Institution>]) -> Option<Adjustment> {
        let [.., before, newest] = history else {
            return None;
        };
        let (a, b) = (&before.statement, &newest.statement);
        let sorted = |i: &Institution| {
            let mut o = i.occupations.clone();
            o.sort();
            o
        };
        let changes = [
            ("name", a.name != b.name),
            (
                "contact",
                (&a.address, &a.contact, &a.phone) != (&b.address, &b.contact, &b.phone),
            ),
            ("scope", sorted(a) != sorted(b)),
            (
                "period",
                (&a.approved_on, &a.valid_until) != (&b.approved_on, &b.valid_until),
            ),
            ("keys", a.keys != b.keys),
        ];
        Some(Adjustment {
            on: b.issued_on.clone(),
            changes: changes
                .into_iter()
                .filter_map(|(key, changed)| changed.then_some(key))
                .collect(),
        })
    }
}

/// One row group of the published directory: an institution and its
/// number (序号) among those of its status.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Listed<'a> {
    /// 序号, from 1 within its status.
    pub serial: usize,
    /// The institution.
    pub inst: &'a InstitutionView,
}

/// Institutions in the order the directory publishes them: by status
/// (current ones first), then in the order given (city, filing number);
/// numbered from 1 within each status.
pub(crate) fn listing<'a>(insts: impl IntoIterator<Item = &'a InstitutionView>) -> Vec<Listed<'a>> {
    let mut sorted: Vec<&InstitutionView> = insts.into_iter().collect();
    sorted.sort_by_key(|i| i.status);
    let mut out: Vec<Listed<'a>> = Vec::with_capacity(sorted.len());
    for inst in sorted {
        let serial = match out.last() {
            Some(prev) if prev.inst.status == inst.status => prev.serial + 1,
            _ => 1,
        };
        out.push(Listed { serial, inst });
    }
    out
}

/// One row of a 附件7-style table.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub(crate) struct CountRow {
    /// Row label (occupation, city, year).
    pub label: String,
    /// Counts per level, lowest level first.
    pub levels: [usize; 5],
    /// 小计.
    pub total: usize,
}

impl CountRow {
    fn add(&mut self, level: i64) {
        self.levels[level_column(level)] += 1;
        self.total += 1;
    }
}

/// A table with its 合计 row.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub(crate) struct CountTable {
    /// Rows in display order.
    pub rows: Vec<CountRow>,
    /// 合计.
    pub sum: CountRow,
}

impl CountTable {
    /// Builds a table from (sort key, label, level) triples.
    pub(crate) fn from_items<K: Ord>(
        items: impl IntoIterator<Item = (K, String, i64)>,
    ) -> CountTable {
        let mut rows: BTreeMap<K, CountRow> = BTreeMap::new();
        let mut sum = CountRow {
            label: "合计".into(),
            ..CountRow::default()
        };
        for (key, label, level) in items {
            rows.entry(key)
                .or_insert_with(|| CountRow {
                    label,
                    ..CountRow::default()
                })
                .add(level);
            sum.add(level);
        }
        CountTable {
            rows: rows.into_values().collect(),
            sum,
        }
    }
}

/// One year of certificates by month of issue.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub(crate) struct MonthRow {
    /// The year, e.g. `2024`.
    pub year: String,
    /// Counts for January to December; `None` for a month before the first
    /// certificate or after the last one, which the data does not cover
    /// (a month between them with none issued is `Some(0)`).
    pub months: [Option<usize>; 12],
    /// The year's count.
    pub total: usize,
}

/// Counts by month of issue (`YYYY-MM-DD` dates), every year from the first
/// to the last in whole, oldest first; empty when there are no dates.
pub(crate) fn month_rows<'a>(dates: impl Iterator<Item = &'a str>) -> Vec<MonthRow> {
    let mut counts: BTreeMap<(u16, usize), usize> = BTreeMap::new();
    for date in dates {
        let year = date.get(..4).and_then(|y| y.parse().ok());
        let month = date.get(5..7).and_then(|m| m.parse::<usize>().ok());
        if let (Some(year), Some(month @ 1..=12)) = (year, month) {
            *counts.entry((year, month - 1)).or_default() += 1;
        }
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    (first.0..=last.0)
        .map(|year| {
            let months = std::array::from_fn(|m| {
                let covered = (first..=last).contains(&(year, m));
                covered.then(|| counts.get(&(year, m)).copied().unwrap_or(0))
            });
            MonthRow {
                year: year.to_string(),
                months,
                total: months.iter().flatten().sum(),
            }
        })
        .collect()
}

/// An occupation of an institution's filed scope, ready to print.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ScopeView {
    /// 职业名称.
    pub name: String,
    /// 工种名称 or ——.
    pub subtype: String,
    /// 职业编码.
    pub code: String,
    /// The filed levels' digits, entry level first (5 then 3 for 五级-三级;
    /// one digit for a single level, none when unreadable): the pages name
    /// them in their language.
    pub levels: Vec<u8>,
}

/// A signing key and its window.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct KeyView {
    /// Key id.
    pub kid: String,
    /// Full fingerprint.
    pub fingerprint: String,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day, or empty while open.
    pub valid_until: String,
}

/// One institution as its directory page shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct InstitutionView {
    /// 机构备案号.
    pub filing_no: String,
    /// 企业名称.
    pub name: String,
    /// City name.
    pub city: String,
    /// Its city's directory page (inside `directory/`), filled in when the
    /// directory is grouped by city.
    pub city_page: String,
    /// Institution kind.
    pub kind: String,
    /// 详细地址, 联系人, 联系方式 (may be empty).
    pub address: String,
    /// 联系人.
    pub contact: String,
    /// 联系方式.
    pub phone: String,
    /// 备案日期.
    pub approved_on: String,
    /// 有效期至.
    pub valid_until: String,
    /// Its status in the directory on the data date.
    pub status: Status,
    /// What its newest entry changed, when it has more than one.
    pub adjusted: Option<Adjustment>,
    /// When the root signed the current statement.
    pub statement_date: String,
    /// Filed occupations.
    pub occupations: Vec<ScopeView>,
    /// Signing keys.
    pub keys: Vec<KeyView>,
    /// Certificates published (revoked ones included).
    pub certificates: usize,
    /// Of which revoked.
    pub revoked: usize,
    /// Valid certificates by year (rows) and level.
    pub by_year: CountTable,
    /// Newest issue date published, if any.
    pub newest_issue: String,
    /// Every directory entry of the institution, oldest first, when it was
    /// adjusted (动态调整); empty while there is only one.
    pub history: Vec<EntryView>,
}

/// One directory entry of an institution, as the history lists it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct EntryView {
    /// When the root signed it.
    pub issued_on: String,
    /// The name it files.
    pub name: String,
    /// Its filing period.
    pub approved_on: String,
    /// Its end.
    pub valid_until: String,
    /// How many occupations it files.
    pub occupations: usize,
}

/// Page `page` (from 1) of a city's directory, inside `directory/`.
pub(crate) fn city_file(city: u8, page: usize) -> String {
    if page == 1 {
        format!("city-{city:02}.html")
    } else {
        format!("city-{city:02}-{page}.html")
    }
}

/// A city of the directory.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CityView {
    /// City number (附件5 第8-9位; 99 when unknown), which names its pages.
    pub number: u8,
    /// Its first directory page (inside `directory/`).
    pub page: String,
    /// City name.
    pub name: String,
    /// Its institutions, by filing number.
    pub institutions: Vec<InstitutionView>,
    /// How many of them are current ([`Status::Valid`]).
    pub current: usize,
}

/// The verifier's settings the browser needs: the privacy floor and the
/// access-controlled occupations, from the same sources as the builder's.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct PagePolicy {
    /// Fewest PBKDF2 iterations a certificate may use.
    pub min_iterations: u32,
    /// The access-controlled (准入类) occupations.
    pub access_controlled: Option<AccessControlled>,
    /// The earliest year of issue the site publishes (0: none), which the
    /// pages check a typed code against before fetching anything.
    pub earliest_issue_year: u16,
}

/// The publisher on the trust page.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PublisherView {
    /// Who publishes the site.
    pub name: String,
    /// The log's origin.
    pub origin: String,
    /// When the root signed the statement.
    pub issued_on: String,
    /// The log keys: kid, fingerprint, signed-note verifier key and window.
    pub keys: Vec<serde_json::Value>,
}

impl PublisherView {
    fn new(p: &certsite_core::trust::statement::Publisher) -> PublisherView {
        let keys = p
            .keys
            .iter()
            .map(|k| {
                let key = PublicKey::from_base64(&k.public_key).ok();
                let fingerprint = key.map(|pk| pk.fingerprint()).unwrap_or_default();
                // The checkpoint's verifier key as transparency-log tools
                // take it (C2SP signed-note: origin+id+base64).
                let vkey = key.map(|pk| note::vkey(&p.origin, &pk)).unwrap_or_default();
                serde_json::json!({
                    "kid": k.kid,
                    "fingerprint": fingerprint,
                    "vkey": vkey,
                    "valid_from": k.valid_from,
                    "valid_until": k.valid_until,
                })
            })
            .collect();
        PublisherView {
            name: p.name.clone(),
            origin: p.origin.clone(),
            issued_on: p.issued_on.clone(),
            keys,
        }
    }
}

/// A city's review authority on the trust page, as its newest statement lists it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ReviewerView {
    /// 市代码.
    pub city_code: String,
    /// 审核机构名称.
    pub authority: String,
    /// The cut-over: certificates issued before it carry no review.
    pub reviews_from: Option<String>,
    /// When the root signed the newest statement.
    pub issued_on: String,
    /// The review keys: kid, fingerprint and window.
    pub keys: Vec<serde_json::Value>,
}

impl ReviewerView {
    /// Every city's review authority, as its newest statement lists it.
    fn all(chain: &Chain) -> Vec<ReviewerView> {
        (chain.cities.values())
            .filter_map(|h| h.last())
            .map(|c| ReviewerView::new(&c.statement))
            .collect()
    }

    fn new(c: &certsite_core::trust::city::City) -> ReviewerView {
        let keys = c
            .keys
            .iter()
            .map(|k| {
                let key = PublicKey::from_base64(&k.public_key).ok();
                serde_json::json!({
                    "kid": k.kid,
                    "fingerprint": key.map(|pk| pk.fingerprint()).unwrap_or_default(),
                    "valid_from": k.valid_from,
                    "valid_until": k.valid_until,
                })
            })
            .collect();
        ReviewerView {
            city_code: c.city_code.clone(),
            authority: c.authority.clone(),
            reviews_from: c.reviews_from.clone(),
            issued_on: c.issued_on.clone(),
            keys,
        }
    }
}

/// Everything the pages need.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SiteModel {
    /// The newest date in the data: the build's "as of" date.
    pub data_date: String,
    /// Root key id.
    pub root_kid: String,
    /// Root fingerprint, grouped.
    pub root_fingerprint: String,
    /// Root public key, base64.
    pub root_public_key: String,
    /// The publisher and its log keys, as the newest publisher statement lists them.
    pub publisher: Option<PublisherView>,
    /// The cities' review authorities, by city code, as their newest statements list them.
    pub reviewers: Vec<ReviewerView>,
    /// Cities in the notice's order, those with institutions only.
    pub cities: Vec<CityView>,
    /// Institutions.
    pub institution_count: usize,
    /// Of which current ([`Status::Valid`] on the data date).
    pub current_count: usize,
    /// Certificates published.
    pub certificate_count: usize,
    /// Revocations published.
    pub revocation_count: usize,
    /// 附件7 by occupation (工种), valid certificates only.
    pub by_occupation: CountTable,
    /// By city.
    pub by_city: CountTable,
    /// By year of issue.
    pub by_year: CountTable,
    /// By month of issue.
    pub by_month: Vec<MonthRow>,
    /// The snapshot's tree parameters (set by the build): the pages fetch
    /// every file of a lookup at once with them, then check them against
    /// the signed snapshot.
    pub snapshot_hints: serde_json::Value,
    /// What the browser judges by besides signatures (set by the build).
    pub policy: PagePolicy,
}

fn occupation_label(c: &Certificate) -> String {
    match &c.subtype {
        Some(s) => format!("{}（{s}）", c.occupation),
        None => c.occupation.clone(),
    }
}

/// The newest date anywhere in the chain; the build's data date.
pub(crate) fn data_date(chain: &Chain) -> String {
    let certs = chain.certificates.values().map(|c| &c.statement.issued_on);
    let revs = chain.revocations.values().map(|r| &r.statement.revoked_on);
    let insts = chain
        .institutions()
        .into_values()
        .map(|i| &i.statement.issued_on);
    let publisher = chain.publisher.iter().map(|p| &p.statement.issued_on);
    let reviews = chain.reviews.values().map(|r| &r.statement.signed_on);
    let cities = chain
        .cities
        .values()
        .flatten()
        .map(|c| &c.statement.issued_on);
    certs
        .chain(revs)
        .chain(reviews)
        .chain(cities)
        .chain(insts)
        .chain(publisher)
        .max()
        .cloned()
        .unwrap_or_default()
}

/// 附件7 counts by year of issue.
fn year_table<'a>(certs: impl Iterator<Item = &'a Certificate>) -> CountTable {
    CountTable::from_items(certs.map(|c| {
        (
            c.issued_on[..4].to_string(),
            c.issued_on[..4].to_string(),
            c.level,
        )
    }))
}

impl InstitutionView {
    /// An institution's page: its statement, its certificates' counts.
    fn new(
        s: &Institution,
        certs: &[&Certificate],
        chain: &Chain,
        data_date: &str,
    ) -> InstitutionView {
        let revoked = certs
            .iter()
            .filter(|c| chain.revocations.contains_key(&c.code))
            .count();
        let by_year = year_table(certs.iter().copied().filter(|c| chain.counts(&c.code)));
        InstitutionView {
            filing_no: s.filing_no.clone(),
            name: s.name.clone(),
            city: s.city.clone(),
            city_page: String::new(),
            kind: s.kind.clone(),
            address: s.address.clone().unwrap_or_default(),
            contact: s.contact.clone().unwrap_or_default(),
            phone: s.phone.clone().unwrap_or_default(),
            approved_on: s.approved_on.clone(),
            valid_until: s.valid_until.clone(),
            status: Status::of(s, data_date),
            adjusted: None,
            statement_date: s.issued_on.clone(),
            occupations: s
                .occupations
                .iter()
                .map(|o| ScopeView {
                    name: o.name.clone(),
                    subtype: o.subtype.clone().unwrap_or_else(|| "——".into()),
                    code: o.code.clone(),
                    levels: scope_range(o).map_or_else(Vec::new, |r| {
                        let (low, high) = (r.lowest.digit(), r.highest.digit());
                        if low == high {
                            vec![low]
                        } else {
                            vec![low, high]
                        }
                    }),
                })
                .collect(),
            keys: s
                .keys
                .iter()
                .map(|k| KeyView {
                    kid: k.kid.clone(),
                    fingerprint: PublicKey::from_base64(&k.public_key)
                        .map(|p| p.fingerprint())
                        .unwrap_or_default(),
                    valid_from: k.valid_from.clone(),
                    valid_until: k.valid_until.clone().unwrap_or_default(),
                })
                .collect(),
            certificates: certs.len(),
            revoked,
            by_year,
            newest_issue: certs
                .iter()
                .map(|c| c.issued_on.clone())
                .max()
                .unwrap_or_default(),
            history: Vec::new(),
        }
    }
}

/// The directory by city, in the notice's order of cities, each city's
/// institutions by filing number with their newest entry, status and
/// history, and how many of them are current.
fn directory(chain: &Chain, data_date: &str) -> Vec<CityView> {
    let mut per_inst: BTreeMap<&str, Vec<&Certificate>> = BTreeMap::new();
    for c in chain.certificates.values() {
        per_inst
            .entry(c.statement.filing_no())
            .or_default()
            .push(&c.statement);
    }
    let mut cities: BTreeMap<u8, CityView> = BTreeMap::new();
    for (filing, signed) in chain.institutions() {
        let s = &signed.statement;
        let certs = per_inst.get(filing).cloned().unwrap_or_default();
        let mut view = InstitutionView::new(s, &certs, chain, data_date);
        let history = chain.history.get(filing).map_or(&[][..], Vec::as_slice);
        view.adjusted = Adjustment::of(history);
        if history.len() > 1 {
            view.history = history
                .iter()
                .map(|v| EntryView {
                    issued_on: v.statement.issued_on.clone(),
                    name: v.statement.name.clone(),
                    approved_on: v.statement.approved_on.clone(),
                    valid_until: v.statement.valid_until.clone(),
                    occupations: v.statement.occupations.len(),
                })
                .collect();
        }
        let city = FilingNo::parse(filing).map(|f| f.city).ok();
        let number = city.map_or(99, City::number);
        view.city_page = city_file(number, 1);
        cities
            .entry(number)
            .or_insert_with(|| CityView {
                number,
                page: city_file(number, 1),
                name: s.city.clone(),
                institutions: Vec::new(),
                current: 0,
            })
            .institutions
            .push(view);
    }
    for city in cities.values_mut() {
        city.current = (city.institutions.iter())
            .filter(|i| i.status == Status::Valid)
            .count();
    }
    cities.into_values().collect()
}

impl SiteModel {
    /// Derives the model from a verified chain.
    pub(crate) fn new(chain: &Chain, root: &PublicKey) -> SiteModel {
        let data_date = data_date(chain);
        let valid = || {
            chain
                .certificates
                .values()
                .filter(|c| chain.counts(&c.statement.code))
                .map(|c| &c.statement)
        };
        let cities = directory(chain, &data_date);
        let by_occupation = CountTable::from_items(valid().map(|c| {
            (
                (c.occupation_code.clone(), c.subtype.clone()),
                occupation_label(c),
                c.level,
            )
        }));
        let by_city = CountTable::from_items(valid().map(|c| {
            let city = FilingNo::parse(c.filing_no()).ok().map(|f| f.city);
            let number = city.map_or(99, City::number);
            (number, city.map_or("?", City::name).to_string(), c.level)
        }));
        let current_count = cities.iter().map(|c| c.current).sum();
        SiteModel {
            data_date,
            root_kid: root.kid(),
            root_fingerprint: root.fingerprint(),
            root_public_key: root.to_base64(),
            publisher: chain
                .publisher
                .last()
                .map(|p| PublisherView::new(&p.statement)),
            reviewers: ReviewerView::all(chain),
            institution_count: chain.history.len(),
            current_count,
            certificate_count: chain.certificates.len(),
            revocation_count: chain.revocations.len(),
            cities,
            by_occupation,
            by_city,
            by_year: year_table(valid()),
            by_month: month_rows(valid().map(|c| c.issued_on.as_str())),
            snapshot_hints: serde_json::Value::Null,
            policy: PagePolicy::default(),
        }
    }

    /// Every institution, in directory order.
    pub(crate) fn institutions(&self) -> impl Iterator<Item = &InstitutionView> {
        self.cities.iter().flat_map(|c| c.institutions.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(filing: &str, valid_until: &str, issued_on: &str) -> Institution {
        Institution {
            v: 1,
            filing_no: filing.into(),
            name: "沈阳鼓风机集团股份有限公司".into(),
            city: "沈阳市".into(),
            kind: "市属企业".into(),
            address: None,
            contact: None,
            phone: None,
            approved_on: "2020-06-01".into(),
            valid_until: valid_until.into(),
            occupations: Vec::new(),
            keys: Vec::new(),
            issued_on: issued_on.into(),
        }
    }

    fn view(filing: &str, status: Status) -> InstitutionView {
        let s = entry(filing, "2029-05-31", "2020-06-01");
        let chain = Chain::default();
        let mut v = InstitutionView::new(&s, &[], &chain, "2024-01-01");
        v.status = status;
        v
    }

    #[test]
    fn the_status_is_the_filings_state_on_the_data_date() {
        let s = entry("Y000021013002", "2023-05-31", "2020-06-01");
        assert_eq!(Status::of(&s, "2023-05-31"), Status::Valid);
        assert_eq!(Status::of(&s, "2023-06-01"), Status::Lapsed);
        assert_eq!(Status::of(&s, "2020-05-31"), Status::NotYetValid);
    }

    #[test]
    fn the_listing_puts_current_entries_first_and_numbers_each_status_from_one() {
        let views = [
            view("Y000021011001", Status::Lapsed),
            view("Y000021011002", Status::Valid),
            view("Y000021011003", Status::NotYetValid),
            view("Y000021011004", Status::Valid),
            view("Y000021011005", Status::Lapsed),
        ];
        let listed: Vec<(usize, &str)> = listing(&views)
            .iter()
            .map(|l| (l.serial, &l.inst.filing_no[10..]))
            .collect();
        assert_eq!(
            listed,
            [(1, "002"), (2, "004"), (1, "003"), (1, "001"), (2, "005")]
        );
    }

    #[test]
    fn an_adjustment_names_what_the_newest_entry_changed() {
        let signed = |s: Institution| Signed {
            statement: s,
            raw: String::new(),
            file: std::sync::Arc::from(std::path::Path::new("directory.jsonl")),
            line: 1,
            hash: [0; 32],
        };
        let first = entry("Y000021013002", "2023-05-31", "2020-06-01");
        assert_eq!(Adjustment::of(&[signed(first.clone())]), None);
        let mut renewed = entry("Y000021013002", "2026-05-31", "2023-05-20");
        renewed.address = Some("沈阳市".into());
        let adjusted = Adjustment::of(&[signed(first.clone()), signed(renewed)]).unwrap();
        assert_eq!(adjusted.on, "2023-05-20");
        assert_eq!(adjusted.changes, ["contact", "period"]);
        let mut again = first.clone();
        again.issued_on = "2021-01-01".into();
        let unchanged = Adjustment::of(&[signed(first), signed(again)]).unwrap();
        assert!(unchanged.changes.is_empty());
    }

    #[test]
    fn count_tables_have_subtotals_and_a_total_row() {
        let t = CountTable::from_items([
            ("b", "焊工".to_string(), 5),
            ("a", "车工".to_string(), 3),
            ("a", "车工".to_string(), 3),
            ("a", "车工".to_string(), 1),
        ]);
        assert_eq!(t.rows[0].label, "车工");
        assert_eq!(t.rows[0].levels, [0, 0, 2, 0, 1]);
        assert_eq!(t.rows[0].total, 3);
        assert_eq!(t.rows[1].levels, [1, 0, 0, 0, 0]);
        assert_eq!(t.sum.label, "合计");
        assert_eq!(t.sum.levels, [1, 0, 2, 0, 1]);
        assert_eq!(t.sum.total, 4);
    }

    #[test]
    fn month_rows_cover_whole_years_and_tell_a_quiet_month_from_no_data() {
        let rows = month_rows(["2021-02-10", "2020-11-03", "2020-11-30", "2021-02-01"].into_iter());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].year, "2020");
        // Before the first certificate: not covered; November: 2; December: none issued.
        assert_eq!(rows[0].months[9], None);
        assert_eq!(rows[0].months[10], Some(2));
        assert_eq!(rows[0].months[11], Some(0));
        assert_eq!(rows[0].total, 2);
        assert_eq!(rows[1].months[0], Some(0));
        assert_eq!(rows[1].months[1], Some(2));
        assert_eq!(rows[1].months[2], None);
        assert!(month_rows(std::iter::empty()).is_empty());
    }
}
