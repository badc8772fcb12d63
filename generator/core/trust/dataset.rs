//! A signed dataset is JSON Lines: one envelope a line, UTF-8, `\n` or
//! `\r\n` line ends, blank lines ignored. Its lines keep where they came
//! from, so every problem names file and line. Reading the file is the
//! caller's; this module only splits its bytes.

use std::path::Path;
use std::sync::Arc;

use crate::trust::problem::Problem;

/// One non-empty line of a dataset, with where it came from.
#[derive(Clone, Debug)]
pub struct SourcedLine {
    /// The dataset file (shared by all its lines).
    pub file: Arc<Path>,
    /// 1-based line number.
    pub line: usize,
    /// The line's text, without the line break.
    pub text: String,
}

/// The non-empty lines of a dataset file's `bytes`, and a problem for each
/// line that is not UTF-8.
pub fn lines(file: &Path, bytes: &[u8]) -> (Vec<SourcedLine>, Vec<Problem>) {
    let shared: Arc<Path> = Arc::from(file);
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match std::str::from_utf8(raw) {
            Ok(text) => lines.push(SourcedLine {
                file: shared.clone(),
                line: i + 1,
                text: text.to_string(),
            }),
            Err(_) => problems.push(Problem::line(file, i + 1, "不是 UTF-8 文本")),
        }
    }
    (lines, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lines_and_skips_blank_ones() {
        let (lines, problems) = lines(Path::new("a.jsonl"), b"one\n\n three\r\n\xff\n");
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(got, [(1, "one"), (3, " three")]);
        assert_eq!(problems[0].to_string(), "a.jsonl:4: 不是 UTF-8 文本");
    }
}
