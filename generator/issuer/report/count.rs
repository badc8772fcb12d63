//! The summary from the published data: the verified chain's certificates
//! of a month, for an enterprise, a city or the province.

use certsite_core::trust::chain::{Chain, ReviewState, Signed};
use certsite_core::trust::city::city_code_of;
use certsite_core::trust::statement::Certificate;

use super::{
    CITY_COLUMN, Counted, ENTERPRISE_COLUMN, Form, LeftOut, Report, ReportError, Tally, city_name,
    in_month, occupation_form, occupation_label,
};

/// Why a verified certificate of the month is not counted, if it is not
/// ([`Chain::counts`], as on the site's statistics page): no review of its
/// city (and issued after the cut-over), or revoked.
fn left_out_reason(chain: &Chain, code: &str) -> Option<String> {
    if matches!(chain.review_state(code), ReviewState::NotReviewed) {
        return Some("未经所在市公共就业服务机构主管部门审核".into());
    }
    let r = &chain.revocations.get(code)?.statement;
    Some(format!("已撤销（{}：{}）", r.revoked_on, r.reason))
}

impl Counted {
    fn of(c: &Certificate) -> Counted {
        Counted {
            filing: c.filing_no().to_string(),
            occupation_code: c.occupation_code.clone(),
            subtype: c.subtype.clone(),
            label: occupation_label(&c.occupation, c.subtype.as_deref()),
            level: c.level,
        }
    }
}

/// The month's verified certificates of the filing numbers `wanted` takes:
/// those that count, and those left out with why.
fn sort_month(
    chain: &Chain,
    month: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> (Vec<Counted>, Vec<LeftOut>) {
    let (mut counted, mut left_out) = (Vec::new(), Vec::new());
    let of_month = (chain.certificates.values())
        .filter(|c| in_month(&c.statement.issued_on, month) && wanted(c.statement.filing_no()));
    for Signed {
        statement: c,
        file,
        line,
        ..
    } in of_month
    {
        match left_out_reason(chain, &c.code) {
            None => counted.push(Counted::of(c)),
            Some(reason) => left_out.push(LeftOut {
                code: c.code.clone(),
                occupation: occupation_label(&c.occupation, c.subtype.as_deref()),
                level: c.level,
                issued_on: c.issued_on.clone(),
                reason,
                source: format!("{}:{line}", file.display()),
            }),
        }
    }
    (counted, left_out)
}

/// An enterprise's summary of `month` from the published data.
pub(crate) fn enterprise(chain: &Chain, filing: &str, month: &str) -> Result<Report, ReportError> {
    super::check_month(month)?;
    let inst = chain
        .newest(filing)
        .ok_or_else(|| ReportError::UnknownInstitution(filing.to_string()))?;
    let (counted, left_out) = sort_month(chain, month, &|f| f == filing);
    let form = occupation_form(
        "汇总表",
        &inst.statement.name,
        &counted,
        format!("机构备案号：{filing}"),
    );
    let mut report = Report {
        month: month.to_string(),
        forms: vec![form],
        left_out,
    };
    report.note_left_out();
    Ok(report)
}

/// A city's summary of `month`: its enterprises' certificates in the
/// enterprise's layout, filed by its review authority (the newest city
/// statement's name), then one row per enterprise of the city whose filing
/// covers the month (at zero when it issued nothing), so that the city
/// sees who filed what.
pub(crate) fn city(chain: &Chain, code: &str, month: &str) -> Result<Report, ReportError> {
    super::check_month(month)?;
    let authority = (chain.cities.get(code))
        .and_then(|h| h.last())
        .map(|c| c.statement.authority.clone())
        .ok_or_else(|| ReportError::UnknownCity(code.to_string()))?;
    let of_city = |filing: &str| city_code_of(filing) == Some(code);
    let (counted, left_out) = sort_month(chain, month, &of_city);
    let note = format!("市代码：{code}（{}）", city_name(code));
    let form = occupation_form("汇总表", &authority, &counted, note);
    let mut by_enterprise = Tally::new();
    for (filing, history) in &chain.history {
        // Any of its periods: an extension is a statement of its own, so
        // the newest one alone would leave out the months before it.
        let covers = history.iter().any(|v| {
            let s = &v.statement;
            s.approved_on.get(..7) <= Some(month) && s.valid_until.get(..7) >= Some(month)
        });
        let newest = history.last().map(|v| v.statement.name.as_str());
        if of_city(filing) && covers {
            by_enterprise.seed(
                filing.to_string(),
                format!("{}（{filing}）", newest.unwrap_or_default()),
            );
        }
    }
    for c in &counted {
        let label = || {
            let name = chain.newest(&c.filing).map(|i| i.statement.name.as_str());
            format!("{}（{}）", name.unwrap_or_default(), c.filing)
        };
        by_enterprise.add(c.filing.clone(), label, c.level);
    }
    let enterprises = Form {
        sheet: "分企业".into(),
        filer: authority,
        first_column: ENTERPRISE_COLUMN,
        table: by_enterprise.table(),
        notes: vec![format!(
            "市代码：{code}。资质有效期覆盖本月的企业都列出，未发证的为 0。"
        )],
    };
    let mut report = Report {
        month: month.to_string(),
        forms: vec![form, enterprises],
        left_out,
    };
    report.note_left_out();
    Ok(report)
}

/// The province's summary of `month`: one row per city (the notice's 14,
/// and any other city the root lists), then each city's own form, as the
/// city files it, for every city with certificates counted.
pub(crate) fn province(chain: &Chain, authority: &str, month: &str) -> Result<Report, ReportError> {
    super::check_month(month)?;
    let (counted, left_out) = sort_month(chain, month, &|_| true);
    let mut by_city = Tally::new();
    let listed = (1..=14).map(|n| format!("{n:02}"));
    for code in listed.chain(chain.cities.keys().cloned()) {
        let name = city_name(&code);
        by_city.seed(code, name);
    }
    for c in &counted {
        let code = city_code_of(&c.filing).unwrap_or_default().to_string();
        by_city.add(code.clone(), || city_name(&code), c.level);
    }
    let mut forms = vec![Form {
        sheet: "汇总表".into(),
        filer: authority.to_string(),
        first_column: CITY_COLUMN,
        table: by_city.table(),
        notes: vec!["各市的分职业（工种）汇总见其后各表，与各市报送的汇总表相同。".into()],
    }];
    let mut cities: Vec<&str> = counted
        .iter()
        .filter_map(|c| city_code_of(&c.filing))
        .collect();
    cities.sort_unstable();
    cities.dedup();
    for code in cities {
        let of_city: Vec<Counted> = (counted.iter())
            .filter(|c| city_code_of(&c.filing) == Some(code))
            .cloned()
            .collect();
        // Counted certificates of a city were reviewed or issued before its
        // cut-over: either way the root lists the city.
        let authority = (chain.cities.get(code))
            .and_then(|h| h.last())
            .map_or_else(|| city_name(code), |c| c.statement.authority.clone());
        let note = format!("市代码：{code}（{}）", city_name(code));
        forms.push(occupation_form(
            &city_name(code),
            &authority,
            &of_city,
            note,
        ));
    }
    let mut report = Report {
        month: month.to_string(),
        forms,
        left_out,
    };
    report.note_left_out();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::data::folder::DataFolder;
    use crate::site::model::SiteModel;

    /// The demo data, verified as its build verifies it.
    fn demo() -> (Chain, certsite_core::trust::keys::PublicKey) {
        let folder = DataFolder::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap();
        let verified = folder.verify(jiff::civil::date(2026, 11, 30)).unwrap();
        assert!(verified.problems.is_empty());
        (verified.chain, folder.root)
    }

    /// Every month of the demo's certificates.
    fn months(chain: &Chain) -> Vec<String> {
        let mut m: Vec<String> = (chain.certificates.values())
            .map(|c| c.statement.issued_on[..7].to_string())
            .collect();
        m.sort();
        m.dedup();
        m
    }

    #[test]
    fn months_of_the_province_add_up_to_the_statistics_page_revoked_left_out_alike() {
        let (chain, root) = demo();
        assert!(!chain.revocations.is_empty(), "the demo revokes some");
        let mut by_year: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        let mut by_city: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        let mut revoked_listed = 0;
        for month in months(&chain) {
            let r = province(&chain, "省", &month).unwrap();
            let year = by_year.entry(month[..4].to_string()).or_default();
            for (i, n) in r.form().table.sum.levels.iter().enumerate() {
                year[i] += n;
            }
            for row in &r.form().table.rows {
                let city = by_city.entry(row.label.clone()).or_default();
                for (i, n) in row.levels.iter().enumerate() {
                    city[i] += n;
                }
            }
            revoked_listed += (r.left_out.iter())
                .filter(|l| l.reason.starts_with("已撤销"))
                .count();
        }
        // Every revoked certificate is listed in its month, once (none of
        // the demo's waits for its review).
        assert_eq!(revoked_listed, chain.revocations.len());
        // The statistics page counts what the report counts: neither what
        // waits for its city's review nor what is revoked.
        assert!(
            (chain.certificates.keys())
                .any(|c| matches!(chain.review_state(c), ReviewState::NotReviewed)),
            "the demo has certificates waiting for review"
        );
        let model = SiteModel::new(&chain, &root);
        let page: BTreeMap<String, [usize; 5]> = (model.by_year.rows.iter())
            .map(|r| (r.label.clone(), r.levels))
            .collect();
        assert_eq!(by_year, page);
        let page: BTreeMap<String, [usize; 5]> = (model.by_city.rows.iter())
            .map(|r| (r.label.clone(), r.levels))
            .collect();
        by_city.retain(|_, levels| levels.iter().sum::<usize>() > 0);
        assert_eq!(by_city, page);
    }

    #[test]
    fn a_city_is_the_sum_of_its_enterprises_and_its_row_of_the_province() {
        let (chain, _) = demo();
        for month in ["2021-09", "2026-08"] {
            let province = province(&chain, "省", month).unwrap();
            let city = city(&chain, "01", month).unwrap();
            let shenyang = &province.form().table.rows[0];
            assert_eq!(shenyang.label, "沈阳市");
            assert_eq!(shenyang.levels, city.form().table.sum.levels);
            assert_eq!(city.forms[1].table.sum, city.form().table.sum);
            for row in &city.forms[1].table.rows {
                let filing = &row.label
                    [row.label.len() - "Y000021013002）".len()..row.label.len() - "）".len()];
                let enterprise = enterprise(&chain, filing, month).unwrap();
                assert_eq!(
                    enterprise.form().table.sum.levels,
                    row.levels,
                    "{}",
                    row.label
                );
            }
        }
    }
}
