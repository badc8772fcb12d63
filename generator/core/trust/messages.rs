//! Other crates' error messages in Chinese, for what the core parses: a
//! line that is not JSON, a statement of the wrong shape (serde_json and
//! serde's derive) and a key that is not base64 (the base64 crate). `verify`,
//! `sign` and `build` report them to an issuer: `缺少字段 kdf`, never
//! `missing field `kdf``; `第 4 个字符“-”不是 base64 字符`, never `Invalid
//! symbol 45, offset 3.`
//!
//! The binary's own catalogue (`certsite::catalogue`) holds the rest (the
//! operating system, the TOML parser, the workbook reader, the command
//! line) and uses [`serde_message`] for `certsite.toml`. Each message is
//! pinned by a test below, so that a new version of serde_json or base64
//! that rewords one fails here instead of reaching a user in English.

use serde_json::error::Category;

/// serde_json's syntax messages; anything else is `语法错误`.
const SYNTAX: &[(&str, &str)] = &[
    ("expected value", "此处应为一个值"),
    ("trailing characters", "末尾有多余的字符"),
    ("trailing comma", "多余的逗号"),
    ("expected `,` or `}`", "此处应为 , 或 }"),
    ("expected `,` or `]`", "此处应为 , 或 ]"),
    ("expected `:`", "此处应为 :"),
    ("expected ident", "无效的字面量"),
    ("key must be a string", "键必须是字符串"),
    ("invalid escape", "无效的转义"),
    ("invalid number", "无效的数字"),
    ("number out of range", "数字超出范围"),
    ("invalid unicode code point", "无效的 Unicode 码位"),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "字符串中有控制字符",
    ),
    (
        "lone leading surrogate in hex escape",
        "\\u 转义中有孤立的代理项",
    ),
    ("unexpected end of hex escape", "\\u 转义不完整"),
    ("recursion limit exceeded", "嵌套太深"),
];

/// Why a line is not JSON (or holds what statements may not): the reason,
/// then the column (a statement is one line).
pub(crate) fn parse_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&at).unwrap_or(&text);
    let reason = match e.classify() {
        // Our own messages (canonical.rs), already in Chinese.
        Category::Data => message.to_string(),
        Category::Eof => "内容不完整".to_string(),
        Category::Syntax | Category::Io => (SYNTAX.iter())
            .find(|(en, _)| *en == message)
            .map_or("语法错误", |(_, zh)| zh)
            .to_string(),
    };
    format!("{reason}（第 {} 列）", e.column())
}

/// serde's words for what it found or expected.
fn kind(words: &str) -> String {
    let words = words.trim();
    let simple = [
        ("a string", "字符串"),
        ("i64", "整数"),
        ("u32", "整数"),
        ("u8", "整数"),
        ("u64", "整数"),
        ("usize", "整数"),
        ("a sequence", "数组"),
        ("a map", "对象"),
        ("map", "对象"),
        ("sequence", "数组"),
        ("boolean", "真假值"),
        ("a boolean", "真假值"),
        ("path string", "路径"),
        ("null", "null"),
    ];
    if let Some((_, zh)) = simple.iter().find(|(en, _)| *en == words) {
        return zh.to_string();
    }
    for (en, zh) in [
        ("string ", "字符串 "),
        ("integer ", "整数 "),
        ("struct ", "对象 "),
    ] {
        if let Some(rest) = words.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    words.to_string()
}

/// The backquoted names in serde's `` `a`, `b` `` (or `` `a` or `b` ``),
/// joined by `、`.
pub fn names(list: &str) -> String {
    (list.split(", "))
        .flat_map(|n| n.split(" or "))
        .map(|n| n.trim().trim_matches('`'))
        .collect::<Vec<_>>()
        .join("、")
}

/// Why a JSON object is not a statement of its type (serde's derive
/// messages: a missing, unknown or duplicate field, a wrong type).
pub(crate) fn shape_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    serde_message(&text).unwrap_or_else(|| format!("结构不对（{text}）"))
}

/// serde's derive messages in Chinese, whatever the format (JSON lines,
/// `certsite.toml`); None for any other text.
pub fn serde_message(text: &str) -> Option<String> {
    let field = |rest: &str| rest.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = text.strip_prefix("missing field ") {
        return Some(format!("缺少字段 {}", field(rest)));
    }
    if let Some(rest) = text.strip_prefix("duplicate field ") {
        return Some(format!("字段 {} 重复", field(rest)));
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        return Some(format!("不应有字段 {}", field(rest)));
    }
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let expected = (rest.split_once("expected one of "))
            .or_else(|| rest.split_once("expected "))
            .map(|(_, l)| format!("，应为 {}", names(l)))
            .unwrap_or_default();
        return Some(format!("未知的取值 {}{expected}", field(rest)));
    }
    if let Some(rest) = text.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return Some(format!(
            "类型不对：是{}，应为{}",
            kind(found),
            kind(expected)
        ));
    }
    if let Some(rest) = text.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return Some(format!(
            "取值不对：{}，应为 {}",
            kind(found),
            kind(expected)
        ));
    }
    None
}

/// A base64 decoding error in words: where, and what.
pub(crate) fn base64_problem(e: &base64::DecodeError) -> String {
    use base64::DecodeError as E;
    match e {
        E::InvalidByte(at, byte) if byte.is_ascii() && !byte.is_ascii_control() => {
            format!(
                "第 {} 个字符“{}”不是 base64 字符",
                at + 1,
                char::from(*byte)
            )
        }
        E::InvalidByte(at, byte) if byte.is_ascii() => {
            format!(
                "第 {} 个字节是控制字符 0x{byte:02X}，不是 base64 字符",
                at + 1
            )
        }
        E::InvalidByte(at, _) => format!(
            "第 {} 个字节起是非 ASCII 字符（全角字母、中文等），不是 base64 字符",
            at + 1
        ),
        E::InvalidLength(len) => format!("长度 {len} 不是有效的 base64 长度"),
        E::InvalidLastSymbol {
            offset: at,
            symbol: byte,
            ..
        } => {
            format!(
                "第 {} 个字符“{}”不能作最后一个字符",
                at + 1,
                char::from(*byte).escape_default()
            )
        }
        E::InvalidPadding => "末尾的 = 填充不对".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::canonical::Json;

    fn parse(text: &str) -> String {
        parse_problem(&Json::parse(text).unwrap_err())
    }

    #[test]
    fn syntax_errors_say_what_and_where() {
        assert_eq!(parse("nope"), "无效的字面量（第 2 列）");
        assert_eq!(parse("{\"a\":}"), "此处应为一个值（第 6 列）");
        assert_eq!(parse("{\"a\":\"x\"} 1"), "末尾有多余的字符（第 11 列）");
        assert_eq!(parse("{\"a\":"), "内容不完整（第 5 列）");
        assert_eq!(
            parse("{\"a\":1.5}"),
            "数字 1.5 不是整数；声明中只能有整数（第 8 列）"
        );
        assert_eq!(parse("{\"a\":true}"), "声明中不允许 `true`（第 9 列）");
        assert_eq!(parse("{\"a\":1,\"a\":2}"), "重复的键 \"a\"（第 10 列）");
    }

    #[test]
    fn shape_errors_name_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code, reason = "only deserialised")]
        struct S {
            code: String,
            v: i64,
        }
        let shape =
            |v: serde_json::Value| shape_problem(&serde_json::from_value::<S>(v).unwrap_err());
        assert_eq!(shape(serde_json::json!({"v": 1})), "缺少字段 code");
        assert_eq!(
            shape(serde_json::json!({"v": 1, "code": "x", "gender": "男"})),
            "不应有字段 gender"
        );
        assert_eq!(
            shape(serde_json::json!({"v": "1", "code": "x"})),
            "类型不对：是字符串 \"1\"，应为整数"
        );
    }

    /// Every entry of [`SYNTAX`], from the text that makes serde_json say it.
    #[test]
    fn every_syntax_message_is_pinned() {
        let deep = "[".repeat(200);
        let cases = [
            ("{\"a\":}", "此处应为一个值（第 6 列）"),
            ("{\"a\":1} 1", "末尾有多余的字符（第 9 列）"),
            ("{\"a\":1,}", "多余的逗号（第 8 列）"),
            ("{\"a\":1 \"b\":2}", "此处应为 , 或 }（第 8 列）"),
            ("{\"a\":[1 2]}", "此处应为 , 或 ]（第 9 列）"),
            ("{\"a\" 1}", "此处应为 :（第 6 列）"),
            ("nope", "无效的字面量（第 2 列）"),
            ("{1:2}", "键必须是字符串（第 2 列）"),
            ("{\"a\":\"\\q\"}", "无效的转义（第 8 列）"),
            ("{\"a\":-x}", "无效的数字（第 7 列）"),
            ("{\"a\":1e999}", "数字超出范围（第 10 列）"),
            (
                "{\"a\":\"\\uDC00\"}",
                "\\u 转义中有孤立的代理项（第 12 列）",
            ),
            ("{\"a\":\"\t\"}", "字符串中有控制字符（第 7 列）"),
            ("{\"a\":\"\\uD800x\"}", "\\u 转义不完整（第 13 列）"),
            ("{\"a\":\"\\u12\"}", "无效的转义（第 12 列）"),
            (deep.as_str(), "嵌套太深（第 128 列）"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), expected, "{text}");
        }
        // Bytes that are not UTF-8 (text read as `&str` never has them).
        let bytes = serde_json::from_slice::<Json>(b"{\"a\":\"\xff\"}").unwrap_err();
        let not_utf8 = parse_problem(&bytes);
        assert_eq!(not_utf8, "无效的 Unicode 码位（第 7 列）");
        for (_, zh) in SYNTAX {
            assert!(
                cases.iter().any(|(_, e)| e.starts_with(zh)) || not_utf8.starts_with(zh),
                "no case for «{zh}»"
            );
        }
    }

    #[test]
    fn every_serde_message_is_pinned() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "only deserialised")]
        enum Kind {
            Certificate,
            Revocation,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code, reason = "only deserialised")]
        struct S {
            #[serde(default)]
            kind: Option<Kind>,
            #[serde(default)]
            list: Vec<u8>,
            #[serde(default)]
            flag: bool,
            #[serde(default)]
            n: u32,
        }
        let message = |text: &str| {
            let e = serde_json::from_str::<S>(text).unwrap_err();
            let text = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            serde_message(text.strip_suffix(&at).unwrap_or(&text))
        };
        for (text, expected) in [
            ("{\"n\":1,\"n\":2}", "字段 n 重复"),
            ("{\"gender\":1}", "不应有字段 gender"),
            (
                "{\"kind\":\"Draft\"}",
                "未知的取值 Draft，应为 Certificate、Revocation",
            ),
            ("{\"list\":{}}", "类型不对：是对象，应为数组"),
            (
                "{\"flag\":\"yes\"}",
                "类型不对：是字符串 \"yes\"，应为真假值",
            ),
            ("{\"n\":[]}", "类型不对：是数组，应为整数"),
            ("{\"n\":-1}", "取值不对：整数 `-1`，应为 整数"),
            ("1", "类型不对：是整数 `1`，应为对象 S"),
        ] {
            assert_eq!(message(text).as_deref(), Some(expected), "{text}");
        }
        assert_eq!(serde_message("something else"), None);
        assert_eq!(names("`a`, `b`, `c`"), "a、b、c");
        assert_eq!(names("`a` or `b`"), "a、b");
    }

    #[test]
    fn every_base64_message_is_pinned() {
        use base64::Engine;
        let problem = |text: &str| {
            let e = base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap_err();
            base64_problem(&e)
        };
        assert_eq!(problem("AB-D"), "第 3 个字符“-”不是 base64 字符");
        assert_eq!(
            problem("AB\tD"),
            "第 3 个字节是控制字符 0x09，不是 base64 字符"
        );
        assert_eq!(
            problem("ABＣD"),
            "第 3 个字节起是非 ASCII 字符（全角字母、中文等），不是 base64 字符"
        );
        assert_eq!(problem("ABCDE"), "长度 5 不是有效的 base64 长度");
        assert_eq!(problem("AB=="), "第 2 个字符“B”不能作最后一个字符");
        assert_eq!(problem("AA"), "末尾的 = 填充不对");
    }
}
