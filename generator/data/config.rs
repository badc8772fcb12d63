//! The site configuration, `certsite.toml` in the data folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalogue::{os_message, toml_message};
use certsite_core::constants::MIN_ITERATIONS;
use certsite_core::trust::problem::Problem;

/// File name of the site configuration inside the data folder.
pub(crate) const CONFIG_FILE: &str = "certsite.toml";

/// The site configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// Site title, shown in every page header.
    pub title: String,
    /// Who holds the root key, as shown on the trust page.
    pub authority: String,
    /// Where the site is published, ending in `/`. QR codes, the sitemap and
    /// the 404 page use it; every other link is relative.
    pub base_url: String,
    /// The root public key, relative to the data folder.
    #[serde(default = "default_root_key")]
    pub root_key: PathBuf,
    /// Whom to contact about missing or wrong data (shown on the verify page).
    #[serde(default)]
    pub contact: String,
    /// The earliest year of issue the site publishes. The notice sets none;
    /// with one, the build refuses older certificates and the pages name a
    /// typed code's mistyped year before fetching anything.
    #[serde(default)]
    pub earliest_issue_year: Option<u16>,
    /// Privacy settings.
    #[serde(default)]
    pub privacy: Privacy,
    /// Sharding settings.
    #[serde(default)]
    pub shards: Shards,
    /// The append-only log and the signed snapshots.
    #[serde(default)]
    pub log: LogConfig,
    /// The title, authority and contact as the English pages say them
    /// (each falls back to the Chinese one, shown as Chinese).
    #[serde(default)]
    pub english: English,
    /// The data is a demo's (`certsite demo`): the pages mark what it
    /// invents about real institutions (occupations, counts) as samples.
    /// Off unless set.
    #[serde(default)]
    pub demo: bool,
}

/// The `[english]` table: the site's own words in English.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct English {
    /// Site title.
    pub title: Option<String>,
    /// Who holds the root key.
    pub authority: Option<String>,
    /// Whom to contact about missing or wrong data.
    pub contact: Option<String>,
}

/// Where the log's state and the publisher's log key are.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogConfig {
    /// The log's tile folder, kept between builds, relative to the data
    /// folder (`log` by default). Back it up with the data: a build only
    /// appends to it.
    #[serde(default = "default_log_state")]
    pub state: PathBuf,
    /// The publisher's secret log key, relative to the data folder. Keep it
    /// outside any published folder; `build --log-key` overrides it.
    #[serde(default)]
    pub key: Option<PathBuf>,
    /// Witnesses each build asks to cosign the checkpoint (c2sp.org/tlog-witness).
    #[serde(default)]
    pub witnesses: Vec<WitnessConfig>,
    /// How many witnesses must cosign (default: all of them).
    #[serde(default)]
    pub quorum: Option<usize>,
}

/// One witness: its cosignature/v1 verifier key and submission URL.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WitnessConfig {
    /// `<name>+<key id>+<base64(0x04 ‖ key)>`.
    pub vkey: String,
    /// The witness's submission prefix (`add-checkpoint` is appended).
    pub url: String,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            state: default_log_state(),
            key: None,
            witnesses: Vec::new(),
            quorum: None,
        }
    }
}

fn default_log_state() -> PathBuf {
    PathBuf::from("log")
}

/// Privacy settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Privacy {
    /// Certificates whose hashes use fewer PBKDF2 iterations are refused.
    pub min_iterations: u32,
}

impl Default for Privacy {
    fn default() -> Privacy {
        Privacy {
            min_iterations: MIN_ITERATIONS,
        }
    }
}

/// Sharding settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Shards {
    /// Average shard size to aim for, in bytes: one quick fetch.
    pub target_bytes: usize,
}

impl Default for Shards {
    fn default() -> Shards {
        Shards { target_bytes: 4096 }
    }
}

fn default_root_key() -> PathBuf {
    PathBuf::from("root.pub")
}

impl Config {
    /// Reads `certsite.toml` from the data folder.
    pub(crate) fn load(data: &Path) -> Result<Config, Problem> {
        let path = data.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Problem::file(&path, format!("无法读取站点配置：{}", os_message(&e))))?;
        Config::parse(&path, &text)
    }

    /// Parses the configuration text; errors carry the line.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Config, Problem> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            Problem {
                file: path.to_path_buf(),
                line,
                field: None,
                message: toml_message(e.message()),
                rule: None,
            }
        })?;
        check_base_url(&config.base_url).map_err(|why| Problem::file(path, why))?;
        if config.shards.target_bytes < 512 {
            return Err(Problem::file(path, "shards.target_bytes 至少为 512"));
        }
        // A code's year is 2000 + its two digits (附件5 五).
        if config
            .earliest_issue_year
            .is_some_and(|y| !(2000..=2099).contains(&y))
        {
            return Err(Problem::file(
                path,
                "earliest_issue_year 应为 2000-2099 之间的年份（证书编号第14-15位是年份的后两位）",
            ));
        }
        Ok(config)
    }
}

/// A site's address as QR codes, the sitemap and the snapshot's origin
/// use it: a full URL ending in `/`, of URL characters only (RFC 3986), so
/// that it goes into the SVG's character data as it is.
pub(crate) fn check_base_url(url: &str) -> Result<(), String> {
    let url_chars =
        (url.chars()).all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c));
    let host = (url.strip_prefix("https://")).or_else(|| url.strip_prefix("http://"));
    if url_chars && url.ends_with('/') && host.is_some_and(|h| h.len() > 1) {
        return Ok(());
    }
    Err(format!(
        "base_url “{url}” 应为以 http:// 或 https:// 开头、以 / 结尾、只含网址字符的完整网址，如 https://zs.example.gov.cn/"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_defaults_and_names_the_line_of_an_error() {
        let c = Config::parse(
            Path::new("certsite.toml"),
            "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/c/\"\n",
        )
        .unwrap();
        assert_eq!(c.root_key, PathBuf::from("root.pub"));
        assert_eq!(c.privacy.min_iterations, MIN_ITERATIONS);
        let e = Config::parse(
            Path::new("certsite.toml"),
            "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/\"\ncolour = 1\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("colour"), "{}", e.message);
        let e = Config::parse(
            Path::new("certsite.toml"),
            "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("以 / 结尾"));
        let e = Config::parse(
            Path::new("certsite.toml"),
            "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/]]><script>/\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("只含网址字符"), "{}", e.message);
    }

    #[test]
    fn the_earliest_year_of_issue_is_one_a_code_can_carry() {
        let head = "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/\"\n";
        let year = |tail: &str| Config::parse(Path::new("certsite.toml"), &format!("{head}{tail}"));
        assert_eq!(year("").unwrap().earliest_issue_year, None);
        assert_eq!(
            year("earliest_issue_year = 2020\n")
                .unwrap()
                .earliest_issue_year,
            Some(2020)
        );
        for bad in ["1999", "2100"] {
            let e = year(&format!("earliest_issue_year = {bad}\n")).unwrap_err();
            assert!(
                e.message.starts_with("earliest_issue_year 应为 2000-2099"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn toml_errors_are_in_chinese_with_the_line() {
        let head = "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/\"\n";
        for (tail, line, message) in [
            (
                "colour = 1\n",
                4,
                "不认识的键 colour（可用的键：title、authority",
            ),
            (
                "[privacy]\nmin_iterations = \"many\"\n",
                5,
                "类型不对：是字符串 \"many\"，应为整数",
            ),
            ("[privacy]\n", 4, "缺少键 min_iterations"),
            ("contact = \"x\n", 4, "字符串缺少结尾的 \""),
            ("[log\n", 4, "表头缺少 ]"),
            ("contact = x\n", 4, "字符串值要加引号"),
            ("title = \"u\"\n", 4, "键重复"),
            ("contact\n", 4, "键后面缺少 = 和值"),
            ("[privacy]\nmin_iterations = 1.2.3\n", 5, "无效的数字"),
            (
                "[privacy]\nmin_iterations = 99999999999999999999\n",
                5,
                "类型不对：是整数 `99999999999999999999`，应为整数",
            ),
        ] {
            let e =
                Config::parse(Path::new("certsite.toml"), &format!("{head}{tail}")).unwrap_err();
            assert_eq!(e.line, Some(line), "{tail:?}: {}", e.message);
            assert!(e.message.starts_with(message), "{tail:?}: {}", e.message);
            assert!(!e.message.contains("expected"), "{tail:?}: {}", e.message);
            assert_ne!(e.message, "TOML 语法错误", "{tail:?}");
        }
    }
}
