//! clap in Chinese. clap has no translations: its help is rendered and its
//! few fixed English words replaced ([`translate`]); its errors are
//! rewritten from their parts (kind, argument, value, suggestion), so
//! that no English sentence reaches a Chinese interface.

use std::ffi::OsString;
use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, ValueEnum};

use super::output::{ColorWhen, ERROR};
use super::{Cli, Exit};

/// clap's fixed words, longest first where one contains another.
const WORDS: &[(&str, &str)] = &[
    ("Usage:", "用法："),
    ("Commands:", "命令："),
    ("Arguments:", "参数："),
    ("Options:", "选项："),
    ("Possible values:", "可选值："),
    ("[OPTIONS]", "[选项]"),
    ("<COMMAND>", "<命令>"),
    ("[COMMAND]", "[命令]"),
    (
        "Print this message or the help of the given subcommand(s)",
        "显示本帮助，或某个命令的帮助",
    ),
    (
        "Print help (see a summary with '-h')",
        "显示帮助（-h 只显示摘要）",
    ),
    (
        "Print help (see more with '--help')",
        "显示帮助（--help 显示更多）",
    ),
    ("Print help", "显示帮助"),
    ("Print version", "显示版本"),
    ("[default: ", "[默认："),
    ("[default:", "[默认："),
    ("[possible values: ", "[可选值："),
    ("[possible values:", "[可选值："),
];

/// Rendered help or usage with clap's words in Chinese.
pub(super) fn translate(text: &str) -> String {
    let text = (WORDS.iter()).fold(text.to_string(), |t, (en, zh)| t.replace(en, zh));
    // `Usage: x` had a space for the ASCII colon; the full-width one has
    // its own (before or after the heading's style ends).
    text.replace("用法： ", "用法：")
        .replace("用法：\x1b[0m ", "用法：\x1b[0m")
}

/// Parses the arguments. Help and version are printed here (exit 0); an
/// argument error is explained in Chinese (exit 2).
pub(super) fn parse<I, T>(args: I) -> Result<Cli, Exit>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // A script that asked for JSON gets JSON even when the arguments are
    // wrong (the words go to standard error as always).
    let json = args.iter().any(|a| a == "--json");
    // `--color` applies to help and argument errors too, printed before
    // the command line is parsed whole.
    if let Some(when) = color_arg(&args) {
        super::output::set_color(when);
    }
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| {
        match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let text = translate(&e.render().ansi().to_string());
                let _ = write!(anstream::stdout(), "{text}");
                return Exit::Success;
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let text = translate(&e.render().ansi().to_string());
                let _ = write!(anstream::stderr(), "{text}");
            }
            _ => {
                let message = message(&e);
                if json {
                    let doc = serde_json::json!({
                        "ok": false,
                        "exit": Exit::CouldNotRun as u8,
                        "error": message,
                    });
                    let doc = serde_json::to_string_pretty(&doc).unwrap_or_default();
                    let _ = writeln!(std::io::stdout(), "{doc}");
                }
                let mut text = format!("{ERROR}错误：{ERROR:#}{message}\n");
                if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
                    text += &format!("\n{}\n", translate(&usage.ansi().to_string()));
                }
                text += "\n加上 --help 查看说明和示例。\n";
                let _ = write!(anstream::stderr(), "{text}");
            }
        }
        Exit::CouldNotRun
    })
}

/// The `--color` asked for, if any, read before clap parses the rest.
fn color_arg(args: &[OsString]) -> Option<ColorWhen> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    let mut found = None;
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => continue,
        };
        found = value
            .and_then(|v| ColorWhen::from_str(v, false).ok())
            .or(found);
    }
    found
}

/// One context value as text: `'--out'`, or several joined by `、`.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(format!("'{s}'")),
        ContextValue::Strings(v) => Some(
            v.iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The error in a Chinese sentence.
fn message(e: &clap::Error) -> String {
    let get = |kind| context(e, kind).unwrap_or_default();
    let suggestion = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue))
        .map(|s| format!("（是不是 {s}？）"))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => {
            format!("没有参数 {}{suggestion}", get(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "没有命令 {}{suggestion}",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue => {
            let value = get(ContextKind::InvalidValue);
            let arg = get(ContextKind::InvalidArg);
            match context(e, ContextKind::ValidValue) {
                Some(valid) if !valid.is_empty() => {
                    format!("{arg} 不接受 {value}；可选：{valid}{suggestion}")
                }
                _ if value == "''" => format!("{arg} 不能为空"),
                _ => format!("{arg} 需要一个值"),
            }
        }
        ErrorKind::ValueValidation => format!(
            "{} 的值 {} 无效：{}",
            get(ContextKind::InvalidArg),
            get(ContextKind::InvalidValue),
            reason(e)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", get(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        // clap reports an option given twice as in conflict with itself.
        ErrorKind::ArgumentConflict
            if get(ContextKind::InvalidArg) == get(ContextKind::PriorArg) =>
        {
            format!("{} 只能给一次", get(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => format!(
            "{} 不能与 {} 同时使用",
            get(ContextKind::InvalidArg),
            get(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues => format!(
            "{} 的值太多：多出 {}",
            get(ContextKind::InvalidArg),
            get(ContextKind::InvalidValue)
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{} 的值的个数不对", get(ContextKind::InvalidArg))
        }
        ErrorKind::NoEquals => format!("{} 的值要用 = 连接", get(ContextKind::InvalidArg)),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    }
}

/// Why a value did not parse: the numbers' reasons in Chinese.
fn reason(e: &clap::Error) -> String {
    use std::error::Error;
    let Some(source) = e.source() else {
        return "格式不对".to_string();
    };
    if let Some(int) = source.downcast_ref::<std::num::ParseIntError>() {
        use std::num::IntErrorKind as K;
        return match int.kind() {
            K::PosOverflow | K::NegOverflow => "数字太大",
            K::Empty => "是空的",
            _ => "不是非负整数",
        }
        .to_string();
    }
    // clap's own range check on port numbers: `99999 is not in 0..=65535`.
    let text = source.to_string();
    match text.split_once(" is not in ") {
        Some((_, range)) => format!("不在 {} 之内", range.replace("..=", " 到 ")),
        None => format!("格式不对（{text}）"),
    }
}

/// Splits an example command line into words, honouring double quotes
/// (the examples' only quoting).
#[cfg(test)]
pub(super) fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut any) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(args: &[&str]) -> String {
        let e = Cli::command().try_get_matches_from(args).unwrap_err();
        message(&e)
    }

    #[test]
    fn argument_errors_are_chinese_sentences() {
        assert_eq!(
            error(&["certsite", "build", "--outt", "x"]),
            "没有参数 '--outt'（是不是 '--out'？）"
        );
        assert_eq!(
            error(&["certsite", "buld"]),
            "没有命令 'buld'（是不是 'build'？）"
        );
        assert_eq!(
            error(&[
                "certsite",
                "report",
                "--institution",
                "x",
                "--month",
                "2024-01",
                "--format",
                "pdf"
            ]),
            "'--format <FORMAT>' 不接受 'pdf'；可选：'csv'、'html'"
        );
        assert_eq!(
            error(&["certsite", "demo", "--out", "x", "--count", "many"]),
            "'--count <COUNT>' 的值 'many' 无效：不是非负整数"
        );
        assert_eq!(
            error(&[
                "certsite",
                "demo",
                "--out",
                "x",
                "--count",
                "99999999999999999999999"
            ]),
            "'--count <COUNT>' 的值 '99999999999999999999999' 无效：数字太大"
        );
        assert_eq!(
            error(&["certsite", "serve", "--port", "99999"]),
            "'--port <PORT>' 的值 '99999' 无效：不在 0 到 65535 之内"
        );
        assert_eq!(
            error(&["certsite", "serve", "--port", "-1"]),
            "'--port <PORT>' 的值 '-1' 无效：不在 0 到 65535 之内"
        );
        assert_eq!(
            error(&["certsite", "qr", "X", "--out", "a.svg", "--out", "b.svg"]),
            "'--out <OUT>' 只能给一次"
        );
        assert!(error(&["certsite", "sign"]).starts_with("缺少必需的参数："));
        assert_eq!(
            error(&["certsite", "print", "--code", "A", "--institution", "B"]),
            "'--code <CODE>...' 不能与 '--institution <FILING_NO>' 同时使用"
        );
    }

    #[test]
    fn help_has_none_of_clap_s_english() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut helps = vec![cmd.render_long_help().to_string()];
        for sub in cmd.get_subcommands_mut() {
            helps.push(sub.render_long_help().to_string());
            helps.push(sub.render_help().to_string());
        }
        for help in helps {
            let help = translate(&help);
            for english in [
                "Usage",
                "Options",
                "Arguments",
                "Commands",
                "Print ",
                "default:",
                "possible values",
            ] {
                assert!(!help.contains(english), "«{english}» in\n{help}");
            }
        }
    }

    #[test]
    fn example_lines_split_like_a_shell() {
        assert_eq!(
            split_words(r#"certsite init x --title "某市 查询"  --y"#),
            ["certsite", "init", "x", "--title", "某市 查询", "--y"]
        );
        assert_eq!(split_words(r#"a "" b"#), ["a", "", "b"]);
    }
}
