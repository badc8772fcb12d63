//! serde's error messages in Chinese. A line that is not JSON, or a
//! statement of the wrong shape, is reported to an issuer by `verify`,
//! `sign` and `build`: `缺少字段 kdf`, never `missing field `kdf``.

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

/// The backquoted names in serde's `` `a`, `b` ``, joined by `、`.
pub fn names(list: &str) -> String {
    (list.split(", "))
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
}
