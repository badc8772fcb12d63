//! The JSON that statements are made of, and its RFC 8785 (JCS) canonical form.
//!
//! Statements hold only strings, integers, arrays and objects. No floats,
//! booleans or nulls: with integers limited to ±(2^53-1), every value has
//! exactly one canonical form in every language (JavaScript's numbers
//! included), and the JCS number rules reduce to plain decimal integers.
//! Parsing is strict: a duplicate key, a float or a literal is an error, so a
//! signed statement cannot mean two things to two parsers.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Largest integer a statement may hold: 2^53 - 1 (JavaScript's safe range).
pub(crate) const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// A statement value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// A string.
    Str(String),
    /// An integer within ±`MAX_SAFE_INTEGER`.
    Int(i64),
    /// An array.
    Arr(Vec<Json>),
    /// An object; keys are unique. Stored sorted by UTF-8 bytes, which is not
    /// the JCS order: `Json::canonical` sorts by UTF-16 code units.
    Obj(BTreeMap<String, Json>),
}

/// What statements may not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// A float, or an integer beyond ±(2^53-1).
    #[error("数字 {0} 不是 ±(2^53-1) 之内的整数")]
    Number(String),
    /// `true`, `false` or `null`.
    #[error("声明中不允许 {0}")]
    Literal(String),
}

impl Json {
    /// Parses one JSON text strictly (see the module docs).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The RFC 8785 canonical form, as UTF-8 bytes.
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write_canonical(&mut out);
        out.into_bytes()
    }

    /// The canonical form as a string.
    pub fn canonical_string(&self) -> String {
        let mut out = String::new();
        self.write_canonical(&mut out);
        out
    }

    fn write_canonical(&self, out: &mut String) {
        match self {
            Json::Str(s) => write_string(s, out),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_canonical(out);
                }
                out.push(']');
            }
            Json::Obj(map) => {
                // RFC 8785 section 3.2.3: keys sorted by their UTF-16 code units.
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    map[key].write_canonical(out);
                }
                out.push('}');
            }
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Json>> {
        match self {
            Json::Obj(m) => Some(m),
            _ => None,
        }
    }

    /// Converts a `serde_json` value, refusing what statements may not hold.
    pub fn from_value(v: serde_json::Value) -> Result<Json, JsonError> {
        use serde_json::Value;
        match v {
            Value::String(s) => Ok(Json::Str(s)),
            Value::Number(n) => match n.as_i64() {
                Some(i) if i.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs() => Ok(Json::Int(i)),
                _ => Err(JsonError::Number(n.to_string())),
            },
            Value::Array(a) => a
                .into_iter()
                .map(Json::from_value)
                .collect::<Result<_, _>>()
                .map(Json::Arr),
            Value::Object(o) => o
                .into_iter()
                .map(|(k, v)| Ok((k, Json::from_value(v)?)))
                .collect::<Result<_, _>>()
                .map(Json::Obj),
            Value::Null | Value::Bool(_) => Err(JsonError::Literal(v.to_string())),
        }
    }

    /// Converts into a `serde_json` value (for typed deserialisation).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Str(s) => Value::String(s.clone()),
            Json::Int(i) => Value::from(*i),
            Json::Arr(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Obj(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), v.to_value())).collect())
            }
        }
    }
}

/// RFC 8785 section 3.2.2.2: escape `"`, `\` and control characters, using the
/// short forms where JSON has them and `\u00xx` (lower-case hex) otherwise;
/// every other character, non-ASCII included, is written as itself.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical_string())
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, an integer, an array or an object")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER.unsigned_abs() {
            return Err(E::custom(format!("整数 {v} 超出 ±(2^53-1)")));
        }
        Ok(Json::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        if v > MAX_SAFE_INTEGER as u64 {
            return Err(E::custom(format!("整数 {v} 超出 ±(2^53-1)")));
        }
        Ok(Json::Int(v as i64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Err(E::custom(format!("数字 {v} 不是整数；声明中只能有整数")))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Err(E::custom(format!("声明中不允许 `{v}`")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Err(E::custom("声明中不允许 `null`"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("重复的键 \"{key}\"")));
            }
            let value = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Json::Obj(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        Json::parse(text).unwrap().canonical_string()
    }

    #[test]
    fn rfc8785_sorting_example() {
        // RFC 8785 section 3.2.3: keys ordered by UTF-16 code units, so the
        // emoji (a surrogate pair starting 0xD83D) comes before U+FB33.
        let input = r#"{
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\ud83d\ude00": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let expected = concat!(
            "{\"\\r\":\"Carriage Return\",",
            "\"1\":\"One\",",
            "\"\u{80}\":\"Control\",",
            "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",",
            "\"\u{20ac}\":\"Euro Sign\",",
            "\"\u{1f600}\":\"Emoji: Grinning Face\",",
            "\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(canon(input), expected);
    }

    #[test]
    fn rfc8785_string_escaping() {
        // The "string" member of RFC 8785 section 3.2.2's example, and its output.
        let input = r#"{"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}"#;
        assert_eq!(canon(input), r#"{"string":"€$\u000f\nA'B\"\\\\\"/"}"#);
    }

    #[test]
    fn rfc8785_integers_and_structure() {
        // RFC 8785 appendix-style values within our domain: integers print
        // as plain decimals, arrays keep order, white space disappears.
        assert_eq!(
            canon(r#"[56, {"d": 1, "10": [], "1": []}]"#),
            r#"[56,{"1":[],"10":[],"d":1}]"#
        );
        assert_eq!(canon("9007199254740991"), "9007199254740991");
        assert_eq!(canon(r#"{"b":"\u00e9","a":"é"}"#), r#"{"a":"é","b":"é"}"#);
    }

    #[test]
    fn strict_parsing_refuses_ambiguity() {
        for bad in [
            r#"{"a":1,"a":1}"#,
            r#"{"a":1.5}"#,
            r#"{"a":1e2}"#,
            r#"{"a":true}"#,
            r#"{"a":null}"#,
            "9007199254740992",
            "-0",
            "-9007199254740992",
            // The extremes of i64 and u64, whose absolute value overflows.
            "-9223372036854775808",
            "9223372036854775807",
            "18446744073709551615",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad}");
        }
        assert!(Json::from_value(serde_json::json!(i64::MIN)).is_err());
        let dup = Json::parse(r#"{"a":1,"a":2}"#).unwrap_err().to_string();
        assert!(dup.contains("重复的键 \"a\""), "{dup}");
    }

    #[test]
    fn agrees_with_an_independent_jcs_implementation() {
        // Cross-check against the serde_json_canonicalizer crate on varied
        // statements: control characters, astral planes, nested objects.
        let samples = [
            r#"{"type":"certificate","v":1,"code":"Y000021013002245000001","name":"张三\u0007\t","x":[1,-2,{"é":"e","e":"\ud83d\ude00"}]}"#,
            r#"{"\u007f":"del","\u001f":"us","~":"tilde","":"empty"}"#,
            r#"{"z":{"b":[],"a":{}},"a":"\"quoted\" \\ /"}"#,
        ];
        for s in samples {
            let ours = canon(s);
            let v: serde_json::Value = serde_json::from_str(s).unwrap();
            let theirs = serde_json_canonicalizer::to_string(&v).unwrap();
            assert_eq!(ours, theirs, "{s}");
        }
    }
}
