//! A problem found in an input, located by file, line and field, so that one
//! run can report all of them: `certs.csv:13: 证件号码: 校验码为 4，按 GB 11643 应为 3`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::trust::rules::Rule;

/// One located problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The input file.
    pub file: PathBuf,
    /// 1-based line (CSV/JSONL) or row (spreadsheet); `None` for the whole file.
    pub line: Option<usize>,
    /// The column header or statement field; `None` for the whole line.
    pub field: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The rule of the trust chain that was broken, when one was.
    pub rule: Option<Rule>,
}

impl Problem {
    fn new(file: &Path, line: Option<usize>, field: Option<&str>, message: String) -> Problem {
        Problem {
            file: file.to_path_buf(),
            line,
            field: field.map(str::to_string),
            message,
            rule: None,
        }
    }

    /// A problem with a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Problem {
        Problem::new(file, None, None, message.into())
    }

    /// A problem with a line.
    pub fn line(file: &Path, line: usize, message: impl Into<String>) -> Problem {
        Problem::new(file, Some(line), None, message.into())
    }

    /// A problem with one field of a line.
    pub fn field(file: &Path, line: usize, field: &str, message: impl Into<String>) -> Problem {
        Problem::new(file, Some(line), Some(field), message.into())
    }

    /// The same problem, as a break of `rule`.
    pub fn rule(self, rule: Rule) -> Problem {
        Problem {
            rule: Some(rule),
            ..self
        }
    }
}

impl std::error::Error for Problem {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A field-level problem before its file and line are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The rule broken.
    pub rule: Rule,
    /// The field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(rule: Rule, field: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            rule,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Locates it.
    pub fn at(self, file: &Path, line: usize) -> Problem {
        Problem::field(file, line, &self.field, self.message).rule(self.rule)
    }
}

/// Prints problems, sorted, with a count, as the commands report them.
pub fn report(problems: &[Problem]) -> String {
    let mut sorted: Vec<&Problem> = problems.iter().collect();
    sorted.sort();
    let mut out = String::new();
    for p in sorted {
        out += &format!("{p}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_and_field() {
        let p = Problem::field(
            Path::new("certs.csv"),
            13,
            "证件号码",
            "校验码为 4，按 GB 11643 应为 3",
        );
        assert_eq!(
            p.to_string(),
            "certs.csv:13: 证件号码: 校验码为 4，按 GB 11643 应为 3"
        );
        assert_eq!(
            Problem::file(Path::new("a.jsonl"), "empty").to_string(),
            "a.jsonl: empty"
        );
        // Sorted by file, then line numerically.
        let ps = [
            Problem::line(Path::new("a"), 10, "x"),
            Problem::line(Path::new("a"), 9, "y"),
        ];
        assert_eq!(report(&ps), "a:9: y\na:10: x\n");
    }
}
