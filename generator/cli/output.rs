//! How commands talk: summaries on standard output, notes, problems and
//! errors on standard error; nothing but errors and problems with
//! `--quiet`; one JSON document instead of words with `--json`. Colour only
//! on a terminal, never with `NO_COLOR` unless `--color always` says so
//! (no-color.org), through `anstream`, which also drops it from pipes.

use std::io::{self, Write};
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};
use clap::ValueEnum;

use super::Exit;
use certsite_core::trust::problem::Problem;

/// The first failure to write standard output (a full disk, a reader
/// gone): a command whose output was lost must not end as if it had not.
static STDOUT_FAILURE: OnceLock<(io::ErrorKind, String)> = OnceLock::new();

/// Writes `text` to standard output, noting the first failure.
pub(super) fn to_stdout(text: &str) {
    let written = (|| {
        let mut stdout = anstream::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()
    })();
    if let Err(e) = written {
        let _ = STDOUT_FAILURE.set((e.kind(), crate::catalogue::os_message(&e)));
    }
}

/// The exit status once the command's output is out: `exit`, unless
/// standard output could not be written, which is said (exit status 2).
/// A reader that closed the pipe early (`| head`) wanted no more: nothing
/// to tell it.
pub(super) fn settled(exit: Exit) -> Exit {
    match STDOUT_FAILURE.get() {
        Some((io::ErrorKind::BrokenPipe, _)) | None => exit,
        Some((_, why)) => {
            let _ = writeln!(
                anstream::stderr(),
                "{ERROR}错误：{ERROR:#}无法写入标准输出：{why}"
            );
            Exit::CouldNotRun
        }
    }
}

/// When to colour.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorWhen {
    /// 在终端上，且未设置 NO_COLOR
    Auto,
    /// 总是
    Always,
    /// 从不
    Never,
}

/// Applies `--color` to everything printed from now on.
pub(super) fn set_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// How errors are marked.
pub(super) const ERROR: Style = AnsiColor::Red.on_default().bold();
const NOTE: Style = AnsiColor::Yellow.on_default().bold();
const PASSED: Style = AnsiColor::Green.on_default().bold();
const PLACE: Style = Style::new().bold();

/// The printing settings of one run.
pub(super) struct Output {
    /// `--quiet`: errors and problems only.
    pub quiet: bool,
    /// `--json`: one JSON document on standard output, no words.
    pub json: bool,
}

impl Output {
    /// Whether words are printed at all.
    fn words(&self) -> bool {
        !self.quiet && !self.json
    }

    /// A line of the summary (standard output).
    pub(super) fn say(&self, line: &str) {
        if self.words() {
            to_stdout(&format!("{line}\n"));
        }
    }

    /// A line that says all is well, in green.
    pub(super) fn passed(&self, line: &str) {
        if self.words() {
            to_stdout(&format!("{PASSED}{line}{PASSED:#}\n"));
        }
    }

    /// Something worth knowing that changes nothing (standard error).
    pub(super) fn note(&self, text: &str) {
        if self.words() {
            let _ = writeln!(anstream::stderr(), "{NOTE}注意：{NOTE:#}{text}");
        }
    }

    /// Located problems, one a line, sorted (standard error; in the JSON
    /// document instead with `--json`).
    pub(super) fn problems(&self, problems: &[Problem]) {
        if self.json {
            return;
        }
        let mut sorted: Vec<&Problem> = problems.iter().collect();
        sorted.sort();
        let mut err = anstream::stderr().lock();
        for p in sorted {
            // The place (file:line: field) in bold, as Problem's Display
            // writes it, then the message.
            let mut place = p.file.display().to_string();
            if let Some(line) = p.line {
                place += &format!(":{line}");
            }
            if let Some(field) = &p.field {
                place += &format!(": {field}");
            }
            let _ = writeln!(err, "{PLACE}{place}:{PLACE:#} {}", p.message);
        }
    }

    /// A line of detail about what went wrong (standard error; even with
    /// `--quiet`).
    pub(super) fn detail(&self, line: &str) {
        if !self.json {
            let _ = writeln!(anstream::stderr(), "{line}");
        }
    }

    /// A line that says what went wrong, in red (standard error; even with
    /// `--quiet`).
    pub(super) fn trouble(&self, line: &str) {
        if !self.json {
            let _ = writeln!(anstream::stderr(), "{ERROR}{line}{ERROR:#}");
        }
    }

    /// The JSON summary, with `--json`.
    pub(super) fn json(&self, value: &serde_json::Value) {
        if self.json {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            to_stdout(&format!("{text}\n"));
        }
    }

    /// Why the command could not run: `错误：…` on standard error, always;
    /// with `--json` also a JSON document, so that a script reading
    /// standard output is never left with nothing.
    pub(super) fn failed(&self, message: &str, exit: Exit) {
        let _ = writeln!(anstream::stderr(), "{ERROR}错误：{ERROR:#}{message}");
        if self.json {
            self.json(&serde_json::json!({
                "ok": false,
                "exit": exit as u8,
                "error": message,
            }));
        }
    }
}

/// A problem as JSON: where (file, line, field), what, and the rule broken.
pub(super) fn problem_json(p: &Problem) -> serde_json::Value {
    serde_json::json!({
        "file": p.file.display().to_string(),
        "line": p.line,
        "field": p.field,
        "message": p.message,
        "rule": p.rule.map(|r| r.id()),
    })
}

/// Problems as a JSON array, sorted as printed.
pub(super) fn problems_json(problems: &[Problem]) -> serde_json::Value {
    let mut sorted: Vec<&Problem> = problems.iter().collect();
    sorted.sort();
    sorted.into_iter().map(problem_json).collect()
}
