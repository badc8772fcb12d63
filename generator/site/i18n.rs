//! The site's words: one table per language, `site-templates/i18n/<lang>.json`.
//! The pages' words are under `page`, the scripts' under `script` (joined
//! into each page's script as the module `strings.js`, see `bundle.rs`);
//! `cities`, `kinds` and `levels` name what a code or the directory says in
//! Chinese. Chinese pages are at the site's root, English ones under `en/`.

use std::sync::LazyLock;

use serde_json::{Value, json};

/// One language of the site.
#[derive(Debug)]
pub(crate) struct Language {
    /// Short name: `zh` or `en` (the scripts' folder).
    pub tag: &'static str,
    /// Where its pages are: `""` or `en/`.
    pub prefix: &'static str,
    /// The whole table.
    pub table: Value,
}

impl Language {
    /// The `lang` attribute of its pages (`zh-CN`, `en`).
    pub(crate) fn code(&self) -> &str {
        self.table["lang"]
            .as_str()
            .expect("every table names its lang")
    }

    /// Whether data (names, occupations, as signed) is in this language.
    pub(crate) fn is_chinese(&self) -> bool {
        self.tag == "zh"
    }

    /// The pages' words.
    pub(crate) fn page(&self) -> &Value {
        &self.table["page"]
    }

    /// A string of the pages' table by a path of keys (`status.valid`);
    /// empty when there is none.
    pub(crate) fn word(&self, path: &str) -> &str {
        path.split('.')
            .fold(self.page(), |v, key| &v[key])
            .as_str()
            .unwrap_or_default()
    }

    /// A filed level range as the pages print it (`五级-三级`, `Level 5 –
    /// Level 3`, one level alone), from its digits entry level first.
    pub(crate) fn level_range(&self, digits: &[u8]) -> String {
        let names: Vec<&str> = (digits.iter())
            .map(|d| self.page()["level_names"][usize::from(d.saturating_sub(1))].as_str())
            .map(Option::unwrap_or_default)
            .collect();
        names.join(self.word("range_to"))
    }

    /// The note on a directory entry adjusted after its first filing
    /// (`2026-11-15 调整：资质有效期`): its date and what changed, as keys of
    /// the table's `changes` (see [`Adjustment`](crate::site::model::Adjustment)).
    pub(crate) fn adjustment(&self, on: &str, changes: &[&str]) -> String {
        if changes.is_empty() {
            return self.word("adjusted_unchanged").replace("{date}", on);
        }
        let changes: Vec<&str> = (changes.iter())
            .map(|c| self.word(&format!("changes.{c}")))
            .collect();
        (self.word("adjusted"))
            .replace("{date}", on)
            .replace("{changes}", &changes.join(self.word("list_separator")))
    }

    /// The module `strings.js` of this language's scripts.
    pub(crate) fn strings_module(&self) -> String {
        let t = &self.table;
        let table = json!({
            "lang": t["lang"],
            "cities": t["cities"],
            "kinds": t["kinds"],
            "levels": t.get("levels"),
            "script": t["script"],
        });
        format!(
            "// The string table of the page's language (site-templates/i18n/).\nexport const TABLE = {table};\n"
        )
    }
}

/// Chinese first (the default), then English.
pub(crate) static LANGUAGES: LazyLock<[Language; 2]> = LazyLock::new(|| {
    let parse = |text: &str| serde_json::from_str(text).expect("the string tables are JSON");
    [
        Language {
            tag: "zh",
            prefix: "",
            table: parse(include_str!("../../site-templates/i18n/zh.json")),
        },
        Language {
            tag: "en",
            prefix: "en/",
            table: parse(include_str!("../../site-templates/i18n/en.json")),
        },
    ]
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::model::{ANNEX4_COLUMNS, LEVEL_COLUMNS};

    /// Every key of one table is in the other, with the same kind of value.
    fn same_shape(a: &Value, b: &Value, path: &str) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x {
                    if let Some(w) = y.get(k) {
                        same_shape(v, w, &format!("{path}.{k}"));
                    } else if !matches!(k.as_str(), "cities" | "kinds" | "levels" | "code") {
                        panic!("{path}.{k} is missing in the other table");
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) => assert_eq!(x.len(), y.len(), "{path}"),
            (Value::String(x), Value::String(y)) => {
                let holes = |s: &str| {
                    let mut h: Vec<String> = s
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string()))
                        .collect();
                    h.sort();
                    h
                };
                assert_eq!(holes(x), holes(y), "{path}: the same placeholders");
            }
            _ => assert_eq!(
                std::mem::discriminant(a),
                std::mem::discriminant(b),
                "{path}"
            ),
        }
    }

    #[test]
    fn both_tables_say_the_same_things() {
        let [zh, en] = &*LANGUAGES;
        same_shape(&zh.table["page"], &en.table["page"], "page");
        same_shape(&en.table["page"], &zh.table["page"], "page");
        same_shape(&zh.table["script"], &en.table["script"], "script");
        same_shape(&en.table["script"], &zh.table["script"], "script");
        assert_eq!((zh.code(), en.code()), ("zh-CN", "en"));
    }

    #[test]
    fn the_english_table_names_every_city_kind_and_level() {
        let en = &LANGUAGES[1].table;
        for city in certsite_core::domain::code::CITIES {
            assert!(en["cities"][city].is_string(), "{city}");
        }
        for kind in certsite_core::domain::code::KINDS {
            assert!(en["kinds"][kind].is_string(), "{kind}");
        }
        assert_eq!(en["levels"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn the_chinese_level_columns_are_those_of_the_report() {
        let zh: Vec<&str> = LANGUAGES[0].page()["level_columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(zh, LEVEL_COLUMNS);
    }

    #[test]
    fn the_chinese_directory_columns_are_those_of_attachment_4() {
        let zh = &LANGUAGES[0];
        let keys = [
            "serial",
            "institution",
            "address",
            "contact",
            "phone",
            "filing_no",
            "occupation",
            "subtype",
            "occupation_code",
            "level_range",
        ];
        let words: Vec<&str> = keys.iter().map(|k| zh.word(k)).collect();
        assert_eq!(words, ANNEX4_COLUMNS);
    }

    /// The verify page names a certificate's method only by these keys:
    /// exactly the notice's four, as `certsite print` does.
    #[test]
    fn the_methods_the_verify_page_names_are_the_notices() {
        let methods = certsite_core::domain::method::METHODS;
        for lang in &*LANGUAGES {
            let table = lang.table["script"]["ecert"]["methods"]
                .as_object()
                .unwrap();
            let keys: std::collections::BTreeSet<&str> = table.keys().map(String::as_str).collect();
            assert_eq!(keys, methods.into(), "{}", lang.code());
        }
        for m in methods {
            assert_eq!(LANGUAGES[0].table["script"]["ecert"]["methods"][m], m);
        }
    }

    #[test]
    fn ranges_and_adjustments_read_the_same_in_every_language() {
        let [zh, en] = &*LANGUAGES;
        assert_eq!(zh.level_range(&[5, 3]), "五级-三级");
        assert_eq!(zh.level_range(&[2]), "二级");
        assert_eq!(en.level_range(&[5, 3]), "Level 5 – Level 3");
        let changes = ["scope", "period"];
        assert_eq!(
            zh.adjustment("2026-11-15", &changes),
            "2026-11-15 调整：职业范围、资质有效期"
        );
        assert_eq!(
            en.adjustment("2026-11-15", &changes),
            "Adjusted 2026-11-15: occupations, filing period"
        );
        assert_eq!(zh.adjustment("2026-11-15", &[]), "2026-11-15 重新签发");
    }

    #[test]
    fn no_chinese_in_the_english_table_outside_names() {
        let en = &LANGUAGES[1].table;
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::String(s) => out.push(s),
                Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                Value::Object(o) => o.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        strings(&en["page"], &mut all);
        strings(&en["script"], &mut all);
        // The language switch names Chinese in Chinese, marked so on the page.
        let chinese: Vec<&&str> = all
            .iter()
            .filter(|s| han(s) && !["中文", "用中文阅读本站"].contains(s))
            .collect();
        assert!(chinese.is_empty(), "{chinese:?}");
    }
}
