//! Other crates' error messages in Chinese, in one place. The libraries
//! certsite stands on speak English, and some name their internals
//! (`Zip error: invalid Zip archive: Could not find EOCD`); a user of this
//! Chinese tool reads neither. Each translation lives here, beside the test
//! that pins it, so that a new version of a library that rewords a message
//! fails a test here instead of reaching a user in English.
//!
//! | whose | what | here |
//! | --- | --- | --- |
//! | the operating system (`std::io::Error`) | `不存在`, `没有权限`, … | [`os_message`] |
//! | the TOML parser (`toml`) and serde's derive | `certsite.toml`: `表头缺少 ]`, `不认识的键 colour` | [`toml_message`] |
//! | the workbook reader (`calamine`) | `工作簿有密码保护` | [`workbook_problem`] |
//! | the CSV reader (`csv`) | `CSV 格式错误：…` | [`csv_problem`] |
//! | the argument parser (`clap`) | `没有参数 '--outt'（是不是 '--out'？）` | [`argument_error`] |
//! | the number parser (`std::num`) | `不在 0 到 65535 之内` | [`whole_number`] |
//! | serde_json and serde's derive, base64 | `此处应为一个值（第 6 列）`, `缺少字段 kdf`, `第 4 个字符“-”不是 base64 字符` | `certsite_core::trust::messages` |
//!
//! The last row is in the core because the core parses statements and keys;
//! the TOML messages here reuse its [`serde_message`]. clap's help is put
//! into Chinese through clap's own hooks, not here (the CLI's `localize`).

use std::io;

use clap::error::{ContextKind, ContextValue, ErrorKind};

pub(crate) use certsite_core::trust::messages::serde_message;

/// The operating system's reason, in Chinese; the original text in brackets
/// for the kinds without a translation.
pub(crate) fn os_message(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已存在",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::StorageFull => "磁盘空间不足",
        K::ResourceBusy => "设备或资源忙",
        K::DirectoryNotEmpty => "目录不为空",
        K::IsADirectory => "是目录，不是文件",
        K::NotADirectory => "不是目录",
        K::InvalidData => "不是有效的 UTF-8 文本",
        K::AddrInUse => "端口已被占用",
        K::AddrNotAvailable => "地址不可用",
        K::CrossesDevices => "不能跨文件系统移动",
        K::Interrupted => "被中断",
        _ => return format!("操作系统错误（{e}）"),
    };
    text.to_string()
}

/// The TOML parser's syntax messages (`unclosed table, expected `]``),
/// by what comes before `, expected`; anything else is `TOML 语法错误`.
const TOML_SYNTAX: &[(&str, &str)] = &[
    ("invalid basic string", "字符串缺少结尾的 \""),
    ("invalid literal string", "字符串缺少结尾的 '"),
    (
        "string values must be quoted",
        "字符串值要加引号，如 contact = \"…\"",
    ),
    ("key with no value", "键后面缺少 = 和值"),
    ("unquoted keys cannot be empty", "缺少键名"),
    ("duplicate key", "键重复"),
    ("unclosed table", "表头缺少 ]"),
    ("unclosed array", "数组缺少 ]"),
    ("unclosed inline table", "内联表缺少 }"),
    ("invalid boolean", "真假值只能是 true 或 false"),
    ("integer number overflowed", "整数太大"),
    ("unexpected leading zero", "数字不能以 0 开头"),
    ("`_` may only go between digits", "_ 只能写在两个数字之间"),
    ("invalid fraction", "小数点后缺少数字"),
    ("invalid float", "无效的数字"),
    (
        "missing escaped value",
        "无效的转义：\\ 后只能是 b、e、f、n、r、t、u、U、x、\\ 或 \"",
    ),
];

/// A `certsite.toml` error (`toml::de::Error::message`) in Chinese:
/// serde's messages about the keys, the parser's about the syntax. The
/// English original is never shown.
pub(crate) fn toml_message(message: &str) -> String {
    // serde's note of the integer type it read into says nothing to a user.
    let message = message
        .trim()
        .replace(" as i128", "")
        .replace(" as i64", "");
    let message = message.as_str();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = rest.split('`').nth(1).unwrap_or("");
        let expected = (rest.split_once("expected one of "))
            .or_else(|| rest.split_once("expected "))
            .map(|(_, l)| {
                let keys = certsite_core::trust::messages::names(l);
                format!("（可用的键：{keys}）")
            })
            .unwrap_or_default();
        return format!("不认识的键 {name}{expected}");
    }
    if let Some(zh) = serde_message(message) {
        return zh.replace("字段", "键");
    }
    let what = message.split(", expected").next().unwrap_or("");
    TOML_SYNTAX
        .iter()
        .find(|(en, _)| *en == what)
        .map_or_else(|| "TOML 语法错误".to_string(), |(_, zh)| zh.to_string())
}

/// calamine's error in the user's words (its own are English and name
/// internals: `Zip error: invalid Zip archive: Could not find EOCD`).
pub(crate) fn workbook_problem(e: &calamine::Error) -> String {
    use calamine::{Error, OdsError, XlsError, XlsxError};
    match e {
        Error::Io(e) | Error::Xlsx(XlsxError::Io(e)) | Error::Xls(XlsError::Io(e)) => {
            os_message(e)
        }
        Error::Xlsx(XlsxError::Password)
        | Error::Xls(XlsError::Password)
        | Error::Ods(OdsError::Password) => {
            "工作簿有密码保护：请去掉密码后另存，再签名".to_string()
        }
        _ => "不是可读的 Excel 或 ODS 工作簿：文件已损坏，或扩展名与内容不符（CSV 文件请用 .csv 扩展名）"
            .to_string(),
    }
}

/// The CSV reader's error in Chinese. The reader is given text already
/// decoded and accepts rows of any length, so these are not expected; they
/// are translated all the same.
pub(crate) fn csv_problem(e: &csv::Error) -> String {
    let why = match e.kind() {
        csv::ErrorKind::Io(e) => os_message(e),
        csv::ErrorKind::Utf8 { .. } => "这一行不是 UTF-8 文本".to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("这一行有 {len} 列，应为 {expected_len} 列")
        }
        _ => "无法读取这一行".to_string(),
    };
    format!("CSV 格式错误：{why}")
}

/// Why a whole number given on the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NumberProblem {
    /// Not digits at all.
    #[error("不是非负整数")]
    NotWhole,
    /// Negative, or above the largest allowed.
    #[error("不在 0 到 {0} 之内")]
    OutOfRange(u64),
}

/// A whole number from 0 to `max` as written on a command line, with why
/// not in Chinese (`std`'s `ParseIntError` and clap's range check say it
/// in English).
pub(crate) fn whole_number(text: &str, max: u64) -> Result<u64, NumberProblem> {
    use std::num::IntErrorKind;
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberProblem::NotWhole);
    }
    if text.starts_with('-') && digits.bytes().any(|b| b != b'0') {
        return Err(NumberProblem::OutOfRange(max));
    }
    match digits.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        Err(e) if *e.kind() != IntErrorKind::PosOverflow => Err(NumberProblem::NotWhole),
        _ => Err(NumberProblem::OutOfRange(max)),
    }
}

/// One context value of a clap error as text: `'--out'`, or several
/// joined by `、`.
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
        _ => None,
    }
}

/// An argument error in a Chinese sentence, from its kind and its parts
/// (argument, value, suggestion): clap's own rendering is English and is
/// never read.
pub(crate) fn argument_error(e: &clap::Error) -> String {
    let get = |kind| context(e, kind).unwrap_or_default();
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let suggestion = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue))
        .map(|s| format!("（是不是 {s}？）"))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => format!("没有参数 {arg}{suggestion}"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "没有命令 {}{suggestion}",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue => {
            let valid = (context(e, ContextKind::ValidValue))
                .filter(|v| !v.is_empty())
                .map(|v| format!("；可选：{v}"))
                .unwrap_or_default();
            // clap gives a missing value as an empty one.
            match value.as_str() {
                "''" | "" => format!("{arg} 需要一个不为空的值{valid}"),
                _ => format!("{arg} 不接受 {value}{valid}{suggestion}"),
            }
        }
        ErrorKind::ValueValidation => format!("{arg} 的值 {value} 无效：{}", reason(e)),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        // clap reports an option given twice as in conflict with itself.
        ErrorKind::ArgumentConflict if arg == get(ContextKind::PriorArg) => {
            format!("{arg} 只能给一次")
        }
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能与 {} 同时使用", get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues => format!("{arg} 的值太多：多出 {value}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("{arg} 的值要用 = 连接"),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    }
}

/// Why a value did not parse. Every number on the command line goes
/// through [`whole_number`], whose reasons are Chinese; any other reason
/// (an English one from a parser of clap's) is not shown.
fn reason(e: &clap::Error) -> String {
    let source = std::error::Error::source(e);
    match source.and_then(|s| s.downcast_ref::<NumberProblem>()) {
        Some(problem) => problem.to_string(),
        None => "格式不对".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use clap::{Arg, ArgAction, Command};

    use super::*;

    #[test]
    fn os_errors() {
        use io::ErrorKind as K;
        for (kind, zh) in [
            (K::NotFound, "不存在"),
            (K::PermissionDenied, "没有权限"),
            (K::AlreadyExists, "已存在"),
            (K::ReadOnlyFilesystem, "文件系统只读"),
            (K::StorageFull, "磁盘空间不足"),
            (K::ResourceBusy, "设备或资源忙"),
            (K::DirectoryNotEmpty, "目录不为空"),
            (K::IsADirectory, "是目录，不是文件"),
            (K::NotADirectory, "不是目录"),
            (K::InvalidData, "不是有效的 UTF-8 文本"),
            (K::AddrInUse, "端口已被占用"),
            (K::AddrNotAvailable, "地址不可用"),
            (K::CrossesDevices, "不能跨文件系统移动"),
            (K::Interrupted, "被中断"),
        ] {
            assert_eq!(os_message(&io::Error::from(kind)), zh);
        }
        // Untranslated kinds keep the system's words, marked as such.
        let e = io::Error::from_raw_os_error(7);
        assert!(os_message(&e).starts_with("操作系统错误（"), "{e}");
    }

    /// A `certsite.toml` in miniature: the same kinds of keys.
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised")]
    struct Toml {
        title: String,
        contact: Option<String>,
        flag: Option<bool>,
        list: Option<Vec<u32>>,
        point: Option<f64>,
        inline: Option<std::collections::BTreeMap<String, u32>>,
        privacy: Option<Privacy>,
        root: Option<std::path::PathBuf>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "only deserialised")]
    struct Privacy {
        min_iterations: u32,
    }

    fn toml(text: &str) -> String {
        let e = toml::from_str::<Toml>(&format!("title = \"t\"\n{text}")).unwrap_err();
        toml_message(e.message())
    }

    #[test]
    fn toml_errors() {
        let cases = [
            ("contact = \"x\n", "字符串缺少结尾的 \""),
            ("contact = 'x\n", "字符串缺少结尾的 '"),
            ("contact = x\n", "字符串值要加引号，如 contact = \"…\""),
            ("contact\n", "键后面缺少 = 和值"),
            ("= 1\n", "缺少键名"),
            ("title = \"u\"\n", "键重复"),
            ("[privacy\n", "表头缺少 ]"),
            ("list = [1, 2\n", "数组缺少 ]"),
            ("inline = { a = 1\n", "内联表缺少 }"),
            ("flag = yes\n", "字符串值要加引号，如 contact = \"…\""),
            ("flag = truth\n", "真假值只能是 true 或 false"),
            (
                "list = [999999999999999999999999999999999999999]\n",
                "整数太大",
            ),
            ("list = [01]\n", "数字不能以 0 开头"),
            ("list = [1__000]\n", "_ 只能写在两个数字之间"),
            ("point = 1.\n", "小数点后缺少数字"),
            ("point = 1.2.3\n", "无效的数字"),
            (
                "contact = \"\\q\"\n",
                "无效的转义：\\ 后只能是 b、e、f、n、r、t、u、U、x、\\ 或 \"",
            ),
            (
                "colour = 1\n",
                "不认识的键 colour（可用的键：title、contact、flag、list、point、inline、privacy、root）",
            ),
            ("[privacy]\n", "缺少键 min_iterations"),
            (
                "[privacy]\nmin_iterations = \"many\"\n",
                "类型不对：是字符串 \"many\"，应为整数",
            ),
            (
                "[privacy]\nmin_iterations = 99999999999999999999\n",
                "类型不对：是整数 `99999999999999999999`，应为整数",
            ),
            ("flag = 1\n", "类型不对：是整数 `1`，应为真假值"),
            ("root = 1\n", "类型不对：是整数 `1`，应为路径"),
        ];
        for (text, zh) in cases {
            assert_eq!(toml(text), zh, "{text:?}");
        }
        for (_, zh) in TOML_SYNTAX {
            assert!(cases.iter().any(|(_, c)| c == zh), "no case for «{zh}»");
        }
    }

    #[test]
    fn workbook_errors() {
        use calamine::{Error, OdsError, XlsError, XlsxError};
        let password = "工作簿有密码保护：请去掉密码后另存，再签名";
        for e in [
            Error::Xlsx(XlsxError::Password),
            Error::Xls(XlsError::Password),
            Error::Ods(OdsError::Password),
        ] {
            assert_eq!(workbook_problem(&e), password);
        }
        let missing = Error::Xlsx(XlsxError::Io(io::Error::from(io::ErrorKind::NotFound)));
        assert_eq!(workbook_problem(&missing), "不存在");
        let text = io::Cursor::new("证书编号,姓名\n".as_bytes().to_vec());
        let Err(not_a_workbook) = calamine::open_workbook_auto_from_rs(text) else {
            panic!("a CSV read as a workbook");
        };
        assert!(
            workbook_problem(&not_a_workbook).starts_with("不是可读的 Excel 或 ODS 工作簿："),
            "{not_a_workbook}"
        );
    }

    #[test]
    fn csv_errors() {
        let read = |bytes: &[u8]| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(bytes);
            let records: Result<Vec<csv::StringRecord>, _> = reader.records().collect();
            csv_problem(&records.unwrap_err())
        };
        assert_eq!(read(b"a,b\nc\n"), "CSV 格式错误：这一行有 1 列，应为 2 列");
        assert_eq!(read(b"a,\xff\n"), "CSV 格式错误：这一行不是 UTF-8 文本");
    }

    #[test]
    fn numbers() {
        assert_eq!(whole_number("8000", 65535), Ok(8000));
        assert_eq!(whole_number("0", 0), Ok(0));
        assert_eq!(whole_number("-0", 9), Ok(0));
        for text in ["many", "", "-", "1.5", "+1", " 1", "１"] {
            assert_eq!(
                whole_number(text, 9),
                Err(NumberProblem::NotWhole),
                "{text:?}"
            );
        }
        for text in ["10", "-1", "99999999999999999999999"] {
            assert_eq!(
                whole_number(text, 9),
                Err(NumberProblem::OutOfRange(9)),
                "{text:?}"
            );
        }
        assert_eq!(NumberProblem::NotWhole.to_string(), "不是非负整数");
        assert_eq!(
            NumberProblem::OutOfRange(65535).to_string(),
            "不在 0 到 65535 之内"
        );
    }

    /// A command line with an argument of every kind clap can refuse.
    fn command() -> Command {
        let port = |s: &str| whole_number(s, 65535);
        Command::new("certsite")
            .subcommand_required(true)
            .subcommand(
                Command::new("build")
                    .arg(
                        Arg::new("out")
                            .long("out")
                            .value_name("DIR")
                            .value_parser(clap::value_parser!(std::path::PathBuf)),
                    )
                    .arg(
                        Arg::new("format")
                            .long("format")
                            .value_parser(["csv", "html"]),
                    )
                    .arg(Arg::new("port").long("port").value_parser(port))
                    .arg(
                        Arg::new("n")
                            .long("n")
                            .value_parser(clap::value_parser!(u8)),
                    )
                    .arg(Arg::new("code").long("code").conflicts_with("institution"))
                    .arg(Arg::new("institution").long("institution"))
                    .arg(Arg::new("pair").long("pair").num_args(2))
                    .arg(Arg::new("eq").long("eq").require_equals(true))
                    .arg(Arg::new("force").long("force").action(ArgAction::SetTrue))
                    .arg(Arg::new("path").action(ArgAction::Set)),
            )
            .subcommand(Command::new("sign").arg(Arg::new("key").long("key").required(true)))
    }

    fn error(args: &[&str]) -> String {
        let e = command().try_get_matches_from(args).unwrap_err();
        argument_error(&e)
    }

    #[test]
    fn argument_errors() {
        for (args, zh) in [
            (
                &["build", "--outt", "x"][..],
                "没有参数 '--outt'（是不是 '--out'？）",
            ),
            (&["buld"], "没有命令 'buld'（是不是 'build'？）"),
            (
                &["build", "--format", "pdf"],
                "'--format <format>' 不接受 'pdf'；可选：'csv'、'html'",
            ),
            (
                &["build", "--format", "htm"],
                "'--format <format>' 不接受 'htm'；可选：'csv'、'html'（是不是 'html'？）",
            ),
            (&["build", "--out", ""], "'--out <DIR>' 需要一个不为空的值"),
            (&["build", "--out"], "'--out <DIR>' 需要一个不为空的值"),
            (
                &["build", "--format"],
                "'--format <format>' 需要一个不为空的值；可选：'csv'、'html'",
            ),
            (
                &["build", "--port", "99999"],
                "'--port <port>' 的值 '99999' 无效：不在 0 到 65535 之内",
            ),
            (
                &["build", "--port", "many"],
                "'--port <port>' 的值 'many' 无效：不是非负整数",
            ),
            // A parser of clap's own says why in English: not shown.
            (
                &["build", "--n", "300"],
                "'--n <n>' 的值 '300' 无效：格式不对",
            ),
            (
                &["build", "--out", "a", "--out", "b"],
                "'--out <DIR>' 只能给一次",
            ),
            (
                &["build", "--code", "a", "--institution", "b"],
                "'--code <code>' 不能与 '--institution <institution>' 同时使用",
            ),
            (
                &["build", "--pair", "a"],
                "'--pair <pair> <pair>' 的值的个数不对",
            ),
            (&["build", "--eq", "a"], "'--eq=<eq>' 的值要用 = 连接"),
            // A flag given a value.
            (&["build", "--force=yes"], "'--force' 的值太多：多出 'yes'"),
            (&["sign"], "缺少必需的参数：'--key <key>'"),
            (&[], "缺少命令"),
        ] {
            let args = [&["certsite"][..], args].concat();
            assert_eq!(error(&args), zh, "{args:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_that_is_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::ffi::OsStr::from_bytes(b"\xff");
        let e = command()
            .try_get_matches_from([
                std::ffi::OsStr::new("certsite"),
                "build".as_ref(),
                "--code".as_ref(),
                bad,
            ])
            .unwrap_err();
        assert_eq!(argument_error(&e), "参数不是有效的 UTF-8 文本");
    }
}
