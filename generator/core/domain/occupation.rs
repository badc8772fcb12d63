//! The occupation catalogue: skill occupations of the 2022 大典 that may be
//! certified, and the access-controlled (准入类) ones that may not. The source
//! is `data/occupations.tsv`, compiled into the binary.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::domain::text::fold_compact;

/// The catalogue file, compiled in.
pub(crate) const CATALOGUE_TSV: &str = include_str!("../../../data/occupations.tsv");

/// One catalogue row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occupation {
    /// `X-XX-XX-XX`.
    pub code: String,
    /// Name in the 2022 大典.
    pub name: String,
    /// Whether it is access-controlled (准入类).
    pub access_controlled: bool,
}

/// The catalogue, indexed by code and by name.
#[derive(Debug)]
pub struct Catalogue {
    by_code: BTreeMap<String, Occupation>,
    by_name: BTreeMap<String, Occupation>,
    /// Names of access-controlled qualifications without a 大典 code.
    controlled_names: Vec<String>,
}

/// Why an occupation cannot be certified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OccupationError {
    /// The code is not `X-XX-XX-XX`.
    BadCodeFormat(String),
    /// The code is well formed but not a skill occupation of the catalogue.
    UnknownCode(String),
    /// The name does not belong to the code.
    NameMismatch {
        /// The code given.
        code: String,
        /// The name given.
        given: String,
        /// The name the catalogue has for the code.
        expected: String,
    },
    /// Access-controlled: enterprises may not certify it.
    AccessControlled(String),
}

impl std::fmt::Display for OccupationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OccupationError::BadCodeFormat(c) => {
                write!(f, "职业编码“{c}”格式不对，应为 X-XX-XX-XX（如 6-18-01-01）")
            }
            OccupationError::UnknownCode(c) => write!(
                f,
                "职业编码 {c} 不是《职业分类大典（2022年版）》中的技能类职业"
            ),
            OccupationError::NameMismatch {
                code,
                given,
                expected,
            } => write!(
                f,
                "职业编码 {code} 对应的职业名称为“{expected}”，不是“{given}”"
            ),
            OccupationError::AccessControlled(n) => {
                write!(f, "“{n}”属于准入类职业（工种），不纳入企业技能等级认定范围")
            }
        }
    }
}

fn is_code_format(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 4
        && parts[0].len() == 1
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// The access-controlled occupations, as the browser receives them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AccessControlled {
    /// Their occupation codes.
    pub codes: Vec<String>,
    /// Their names, folded (NFKC, no white space or hidden characters).
    pub names: Vec<String>,
}

impl Catalogue {
    /// Parses a catalogue in the `data/occupations.tsv` format.
    fn parse(tsv: &str) -> Result<Catalogue, String> {
        let mut by_code = BTreeMap::new();
        let mut by_name = BTreeMap::new();
        let mut controlled_names = Vec::new();
        let mut lines = tsv
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
        lines.next(); // header
        for (i, line) in lines {
            let cols: Vec<&str> = line.split('\t').collect();
            let [code, name, status, ..] = cols.as_slice() else {
                return Err(format!("line {}: expected at least 3 columns", i + 1));
            };
            let access_controlled = match *status {
                "技能" => false,
                "准入类" => true,
                other => return Err(format!("line {}: unknown status {other}", i + 1)),
            };
            if *code == "-" {
                controlled_names.push(fold_compact(name));
                continue;
            }
            if !is_code_format(code) {
                return Err(format!("line {}: bad code {code}", i + 1));
            }
            let occ = Occupation {
                code: code.to_string(),
                name: name.to_string(),
                access_controlled,
            };
            by_name.insert(fold_compact(name), occ.clone());
            if by_code.insert(code.to_string(), occ).is_some() {
                return Err(format!("line {}: duplicate code {code}", i + 1));
            }
        }
        Ok(Catalogue {
            by_code,
            by_name,
            controlled_names,
        })
    }

    /// The catalogue compiled into the binary.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE
            .get_or_init(|| Catalogue::parse(CATALOGUE_TSV).expect("data/occupations.tsv is valid"))
    }

    /// What the browser needs to refuse access-controlled occupations
    /// (准入类): their codes, and every controlled name folded as
    /// `fold_compact` folds it, sorted.
    pub fn access_controlled(&self) -> AccessControlled {
        let mut names: Vec<String> = self
            .by_code
            .values()
            .filter(|o| o.access_controlled)
            .map(|o| fold_compact(&o.name))
            .chain(self.controlled_names.iter().cloned())
            .collect();
        names.sort();
        names.dedup();
        AccessControlled {
            codes: self
                .by_code
                .values()
                .filter(|o| o.access_controlled)
                .map(|o| o.code.clone())
                .collect(),
            names,
        }
    }

    /// The row for a code.
    pub fn get(&self, code: &str) -> Option<&Occupation> {
        self.by_code.get(code)
    }

    /// The catalogue's own spelling of a code and its name, when both match
    /// after folding white space and width. Spelling only: whether the
    /// occupation may be certified is [`Catalogue::check`]'s to say.
    pub fn spelling(&self, code: &str, name: &str) -> Option<&Occupation> {
        self.get(&fold_compact(code))
            .filter(|o| fold_compact(&o.name) == fold_compact(name))
    }

    /// The row for a name, compared after folding white space and width.
    pub fn by_name(&self, name: &str) -> Option<&Occupation> {
        self.by_name.get(&fold_compact(name))
    }

    /// Checks that `code` names a certifiable occupation called `name`, and
    /// that the sub-specialty `subtype` (工种), if any, is not access-controlled.
    /// Returns the catalogue's row.
    pub fn check(
        &self,
        code: &str,
        name: &str,
        subtype: Option<&str>,
    ) -> Result<&Occupation, OccupationError> {
        // Access control first: whatever else is wrong, a 准入类 工种 or
        // code is named as such (the browser checks in the same order).
        if let Some(sub) = subtype {
            let folded = fold_compact(sub);
            let controlled = self.controlled_names.contains(&folded)
                || self.by_name(sub).is_some_and(|o| o.access_controlled);
            if controlled {
                return Err(OccupationError::AccessControlled(sub.trim().to_string()));
            }
        }
        let code = fold_compact(code);
        if !is_code_format(&code) {
            return Err(OccupationError::BadCodeFormat(code));
        }
        let Some(occ) = self.get(&code) else {
            return Err(OccupationError::UnknownCode(code));
        };
        if occ.access_controlled {
            return Err(OccupationError::AccessControlled(occ.name.clone()));
        }
        if fold_compact(&occ.name) != fold_compact(name) {
            return Err(OccupationError::NameMismatch {
                code,
                given: name.trim().to_string(),
                expected: occ.name.clone(),
            });
        }
        Ok(occ)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_holds_the_skill_occupations() {
        let c = Catalogue::builtin();
        // 1,117 occupations of 大类 3-6 in the parse, plus 育婴员; 14 access-controlled.
        assert_eq!(c.by_code.len(), 1118);
        let certifiable = c.by_code.values().filter(|o| !o.access_controlled);
        assert_eq!(certifiable.count(), 1104);
        for (code, name) in [
            ("6-18-01-01", "车工"),
            ("6-18-02-04", "焊工"),
            ("6-31-01-03", "电工"),
            ("6-18-01-05", "镗工"),
            ("4-01-06-02", "互联网营销师"),
            ("4-04-04-06", "密码技术应用员"),
            ("4-10-01-02", "育婴员"),
            ("6-24-01-00", "电机制造工"),
        ] {
            assert_eq!(c.check(code, name, None).unwrap().name, name);
        }
    }

    #[test]
    fn refuses_unknown_codes_and_mismatched_names() {
        let c = Catalogue::builtin();
        assert_eq!(
            c.check("6-18-01-01", "铣工", None).unwrap_err().to_string(),
            "职业编码 6-18-01-01 对应的职业名称为“车工”，不是“铣工”"
        );
        // 2015-edition code of 互联网营销师, changed in 2022.
        assert!(matches!(
            c.check("4-01-02-07", "互联网营销师", None),
            Err(OccupationError::UnknownCode(_))
        ));
        // 专业技术人员 (大类 2) are not skill occupations.
        assert!(matches!(
            c.check("2-02-28-02", "消防工程技术人员", None),
            Err(OccupationError::UnknownCode(_))
        ));
        assert!(matches!(
            c.check("6-18-1-01", "车工", None),
            Err(OccupationError::BadCodeFormat(_))
        ));
        // Width and spaces do not matter.
        assert!(c.check("６-18-01-01", " 车 工 ", None).is_ok());
    }

    #[test]
    fn refuses_access_controlled_occupations_and_subtypes() {
        let c = Catalogue::builtin();
        for (code, name) in [
            ("4-07-05-01", "保安员"),
            ("4-07-05-03", "消防设施操作员"),
            ("3-02-03-01", "消防员"),
            ("5-03-01-01", "家畜繁殖员"),
            ("4-14-05-03", "游泳救生员"),
        ] {
            assert_eq!(
                c.check(code, name, None).unwrap_err(),
                OccupationError::AccessControlled(name.into())
            );
        }
        assert_eq!(
            c.check("6-18-02-04", "焊工", Some("民用核安全设备焊工"))
                .unwrap_err(),
            OccupationError::AccessControlled("民用核安全设备焊工".into())
        );
        assert!(c.check("6-18-02-04", "焊工", Some("电焊工")).is_ok());
    }
}
