//! Rows of the issuers' and the authority's spreadsheets, read into
//! statements. Column headers are the notice's Chinese ones, with the
//! variants people write; every problem names file, line and column.

pub(crate) mod certificates;
pub(crate) mod cities;
pub(crate) mod decisions;
pub(crate) mod directory;
pub(crate) mod revocations;

use crate::input::table::{Row, Table, header_key};
use certsite_core::domain::code::CertCode;
use certsite_core::trust::problem::Problem;

/// A column the reader knows: its name in messages and the headers it accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnSpec {
    /// Header as the notice writes it; also the field name in problems.
    pub name: &'static str,
    /// Other headers people use for it.
    pub aliases: &'static [&'static str],
    /// Whether a file without it is refused.
    pub required: bool,
}

impl ColumnSpec {
    pub(crate) const fn required(
        name: &'static str,
        aliases: &'static [&'static str],
    ) -> ColumnSpec {
        ColumnSpec {
            name,
            aliases,
            required: true,
        }
    }

    pub(crate) const fn optional(
        name: &'static str,
        aliases: &'static [&'static str],
    ) -> ColumnSpec {
        ColumnSpec {
            name,
            aliases,
            required: false,
        }
    }

    fn matches(&self, header: &str) -> bool {
        let key = header_key(header);
        header_key(self.name) == key || self.aliases.iter().any(|a| header_key(a) == key)
    }
}

/// What kind of input a table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputKind {
    /// Certificates issued (signed by an institution key).
    Certificates,
    /// The enterprise directory, 附件4 (signed by the root key).
    Directory,
    /// Revocations (signed by the issuer or the root).
    Revocations,
    /// The cities' review authorities and their keys (signed by the root).
    Cities,
}

impl InputKind {
    /// The columns of this kind.
    pub(crate) fn columns(self) -> &'static [ColumnSpec] {
        match self {
            InputKind::Certificates => certificates::COLUMNS,
            InputKind::Directory => directory::COLUMNS,
            InputKind::Revocations => revocations::COLUMNS,
            InputKind::Cities => cities::COLUMNS,
        }
    }

    /// Chinese name for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            InputKind::Certificates => "证书名册",
            InputKind::Directory => "机构目录（附件4）",
            InputKind::Revocations => "撤销清单",
            InputKind::Cities => "城市审核机构名单",
        }
    }

    /// The two columns that tell this kind apart from the others.
    pub(crate) fn key_columns(self) -> [&'static str; 2] {
        match self {
            InputKind::Certificates => ["证书编号", "姓名"],
            InputKind::Directory => ["机构备案号", "等级范围"],
            InputKind::Revocations => ["证书编号", "撤销日期"],
            InputKind::Cities => ["市代码", "审核机构名称"],
        }
    }

    /// Guesses the kind from a header row by its key columns. Missing
    /// required columns are reported later, by [`Columns::map`].
    pub(crate) fn detect(headers: &[String]) -> Option<InputKind> {
        [
            InputKind::Revocations,
            InputKind::Certificates,
            InputKind::Directory,
            InputKind::Cities,
        ]
        .into_iter()
        .find(|kind| {
            kind.key_columns().iter().all(|name| {
                let spec = kind.columns().iter().find(|c| c.name == *name).unwrap();
                headers.iter().any(|h| spec.matches(h))
            })
        })
    }

    /// Whether a row could be this kind's header (two known columns or more).
    pub(crate) fn looks_like_header(cells: &[String]) -> bool {
        [
            InputKind::Certificates,
            InputKind::Directory,
            InputKind::Revocations,
            InputKind::Cities,
        ]
        .iter()
        .any(|k| {
            k.columns()
                .iter()
                .filter(|c| cells.iter().any(|h| c.matches(h)))
                .count()
                >= 2
        })
    }
}

/// The input column a statement field comes from, so that a rule of the
/// statement is reported on the column a person can fix.
pub(crate) fn column_for(kind: InputKind, field: &str) -> &str {
    match (kind, field) {
        (_, "kid" | "sig") => "签名密钥",
        (InputKind::Directory, "filing_no") => "机构备案号",
        (InputKind::Directory, "name") => "企业名称",
        (InputKind::Directory | InputKind::Cities, "issued_on") => "签发日期",
        (InputKind::Cities, "city_code") => "市代码",
        (InputKind::Cities, "authority") => "审核机构名称",
        (InputKind::Cities, "reviews_from") => "审核要求起始日",
        (InputKind::Cities, f) if f.starts_with("keys") => "签名公钥",
        (_, "code") => "证书编号",
        (_, "institution") => "评价机构",
        (_, "id_type") => "证件类型",
        (_, "occupation") => "职业名称",
        (_, "subtype") => "工种名称",
        (_, "occupation_code") => "职业编码",
        (_, "level") => "等级",
        (_, "tier") => "等级称号",
        (_, "method") => "评价方式",
        (_, "issued_on") => "发证日期",
        (_, "revoked_on") => "撤销日期",
        (_, "reason") => "撤销原因",
        (_, other) => other,
    }
}

/// Column positions of a table for one kind.
#[derive(Debug)]
pub(crate) struct Columns {
    specs: &'static [ColumnSpec],
    positions: Vec<Option<usize>>,
    /// Headers no spec matched, to tell the user they are ignored.
    pub unused: Vec<String>,
}

impl Columns {
    /// Maps a table's headers; a missing required column is a problem.
    pub(crate) fn map(table: &Table, kind: InputKind) -> Result<Columns, Problem> {
        Columns::map_specs(table, kind.columns(), kind.name())
    }

    /// Maps a table's headers to `specs`, for a table `sign` does not read
    /// (`name` says what it is in messages).
    pub(crate) fn map_specs(
        table: &Table,
        specs: &'static [ColumnSpec],
        name: &str,
    ) -> Result<Columns, Problem> {
        let positions: Vec<Option<usize>> = specs
            .iter()
            .map(|s| table.headers.iter().position(|h| s.matches(h)))
            .collect();
        let missing: Vec<&str> = specs
            .iter()
            .zip(&positions)
            .filter(|(s, p)| s.required && p.is_none())
            .map(|(s, _)| s.name)
            .collect();
        if !missing.is_empty() {
            return Err(Problem::file(
                &table.path,
                format!("{name}缺少必需的列：{}", missing.join("、")),
            ));
        }
        let unused = table
            .headers
            .iter()
            .filter(|h| !h.is_empty() && !specs.iter().any(|s| s.matches(h)))
            .cloned()
            .collect();
        Ok(Columns {
            specs,
            positions,
            unused,
        })
    }

    /// Position of the column named `name` (a spec name).
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        let i = self
            .specs
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("no column spec named {name}"));
        self.positions[i]
    }
}

/// Reads the cells of one row by column name, collecting problems.
pub(crate) struct Cells<'a> {
    table: &'a Table,
    columns: &'a Columns,
    /// The row.
    pub row: &'a Row,
    /// Problems found so far in this row.
    pub problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    /// Starts reading `row`.
    pub(crate) fn new(table: &'a Table, columns: &'a Columns, row: &'a Row) -> Cells<'a> {
        Cells {
            table,
            columns,
            row,
            problems: Vec::new(),
        }
    }

    /// The text of a column, or a problem when it could not be read.
    pub(crate) fn text(&mut self, name: &str) -> &'a str {
        let col = self.columns.position(name);
        if let Some(why) = self.row.unreadable(col) {
            let why = why.to_string();
            self.problem(name, why);
        }
        self.row.get(col)
    }

    /// The text of a required column; empty records a problem.
    pub(crate) fn required(&mut self, name: &str) -> Option<&'a str> {
        let t = self.text(name);
        if t.is_empty() {
            self.problem(name, "不能为空");
            return None;
        }
        Some(t)
    }

    /// Records a problem with a column of this row.
    pub(crate) fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.problems.push(Problem::field(
            &self.table.path,
            self.row.line,
            column,
            message,
        ));
    }

    /// A required certificate code; a malformed one is reported with the
    /// position and what 附件5 expects there.
    pub(crate) fn certificate_code(&mut self, name: &str) -> Option<CertCode> {
        let text = self.required(name)?;
        match CertCode::parse(text) {
            Ok(code) => Some(code),
            Err(e) => {
                self.problem(name, e.to_string());
                None
            }
        }
    }

    /// Parses a required cell with `parse`; `what` describes the accepted forms.
    pub(crate) fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
    ) -> Option<T> {
        let text = self.required(name)?;
        let value = parse(text);
        if value.is_none() {
            self.problem(name, format!("“{text}”无法识别，应为{what}"));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn kinds_are_recognised_from_their_headers() {
        let certs = h(&[
            "序号",
            "证书编号",
            "姓名",
            "证件类型",
            "证件号码",
            "职业名称",
            "工种名称",
            "职业编码",
            "等级",
            "发证日期",
        ]);
        assert_eq!(InputKind::detect(&certs), Some(InputKind::Certificates));
        let dir = h(&[
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
        ]);
        assert_eq!(InputKind::detect(&dir), Some(InputKind::Directory));
        let rev = h(&["证书编号", "撤销日期", "撤销原因"]);
        assert_eq!(InputKind::detect(&rev), Some(InputKind::Revocations));
        assert_eq!(InputKind::detect(&h(&["a", "b"])), None);
        assert!(InputKind::looks_like_header(&certs));
        assert!(!InputKind::looks_like_header(&h(&[
            "职业技能等级证书发放名册"
        ])));
    }
}
