//! Pages through minijinja. Templates and static assets live in
//! `site-templates/` and are compiled into the binary, so a build depends on
//! nothing but the data folder. Rendering returns files in memory; only the
//! build's write step touches the disk.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use include_dir::{Dir, include_dir};
use minijinja::value::Kwargs;
use minijinja::value::Serde;
use minijinja::{Environment, HtmlEscape, State, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::data::config::Config;
use crate::site::bundle;
use crate::site::charts::StatsCharts;
use crate::site::downloads::Links;
use crate::site::i18n::{LANGUAGES, Language};
use crate::site::markdown::MarkdownPage;
use crate::site::model::{CityView, InstitutionView, SiteModel, Status, city_file, listing};
use certsite_core::site_format::Files;
use certsite_core::trust::keys::hex;

/// Templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../site-templates/base.html")),
    (
        "batch.html",
        include_str!("../../site-templates/batch.html"),
    ),
    (
        "index.html",
        include_str!("../../site-templates/index.html"),
    ),
    (
        "verify.html",
        include_str!("../../site-templates/verify.html"),
    ),
    (
        "directory.html",
        include_str!("../../site-templates/directory.html"),
    ),
    ("city.html", include_str!("../../site-templates/city.html")),
    (
        "institution.html",
        include_str!("../../site-templates/institution.html"),
    ),
    (
        "stats.html",
        include_str!("../../site-templates/stats.html"),
    ),
    (
        "trust.html",
        include_str!("../../site-templates/trust.html"),
    ),
    (
        "markdown.html",
        include_str!("../../site-templates/markdown.html"),
    ),
    ("404.html", include_str!("../../site-templates/404.html")),
    (
        "downloads.html",
        include_str!("../../site-templates/downloads.html"),
    ),
    (
        "counts.html",
        include_str!("../../site-templates/counts.html"),
    ),
    (
        "sitemap.xml",
        include_str!("../../site-templates/sitemap.xml"),
    ),
    (
        "robots.txt",
        include_str!("../../site-templates/robots.txt"),
    ),
];

/// Static assets, by logical name: published under `assets/` with a content
/// hash in the file name, so they can be cached forever.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "css",
        "site.css",
        include_bytes!("../../site-templates/assets/site.css"),
    ),
    (
        "icon",
        "icon.svg",
        include_bytes!("../../site-templates/assets/icon.svg"),
    ),
    (
        "boot",
        "boot.js",
        include_bytes!("../../site-templates/assets/boot.js"),
    ),
];

/// The browser client's folder, compiled in whole: a module added there is
/// published without being listed anywhere. (Stable Rust cannot watch a
/// folder, so a file added since this crate was last compiled is missing
/// until it is recompiled; `every_script_in_the_folder_is_published` fails
/// until then.)
static JS_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/site-templates/js");

/// The browser client: plain ES modules, every `*.js` file of
/// `site-templates/js/` as (file name, source), joined into one script per
/// page ([`bundle`]) and published in one folder named by their hash.
/// Sorted by file stem (`search.js` before `search-boot.js`), the order the
/// folder's hash is computed in.
static SCRIPTS: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let mut scripts: Vec<(&str, &str)> = JS_DIR
        .files()
        .filter_map(|f| {
            let name = f.path().file_name()?.to_str()?;
            name.ends_with(".js").then(|| {
                let source = f.contents_utf8().expect("scripts are UTF-8");
                (name, source)
            })
        })
        .collect();
    scripts.sort_by_key(|(name, _)| name.trim_end_matches(".js"));
    scripts
});

/// The published scripts, joined once per language with its string table:
/// (`<tag>/<file name>`, source).
static PUBLISHED: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .flat_map(|lang| {
            let strings = lang.strings_module();
            bundle::bundles(&SCRIPTS, &[("strings.js", &strings)])
                .expect("the client's modules can be joined")
                .into_iter()
                .map(|(name, source)| (format!("{}/{name}", lang.tag), source))
        })
        .collect()
});

/// The folder the scripts are published in, e.g. `assets/js-1a2b3c4d5e/`:
/// named by what is published, so a change to a script or to the way they
/// are joined gives the folder a new name.
pub(crate) fn script_dir() -> String {
    let mut hasher = Sha256::new();
    for (name, source) in PUBLISHED.iter() {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(source.as_bytes());
        hasher.update([0]);
    }
    format!("assets/js-{}/", &hex(&hasher.finalize())[..10])
}

/// Adds each page's script (see [`bundle`]) to the site under `dir` (from
/// [`script_dir`]).
fn publish_scripts(files: &mut Files, dir: &str) {
    for (name, source) in PUBLISHED.iter() {
        files.insert(format!("{dir}{name}"), source.as_bytes().to_vec());
    }
}

/// A Markdown page to publish at `<slug>/index.html`.
#[derive(Clone, Debug)]
pub(crate) struct MarkdownSource {
    /// File stem, e.g. `about`.
    pub slug: String,
    /// The rendered page.
    pub page: MarkdownPage,
}

/// An entry of the navigation bar.
#[derive(Serialize)]
struct NavItem {
    href: String,
    label: String,
    current: bool,
    /// The label is a page's own, Chinese on an English page.
    own: bool,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("fill", fill);
    env.add_filter("data", data);
    env.add_filter("named", named);
    env.add_filter("levels", levels);
    env.add_filter("adjusted", adjusted);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("templates parse");
    }
    env
}

/// The published path of each asset, by logical name.
pub(crate) fn asset_paths() -> BTreeMap<&'static str, String> {
    let mut paths: BTreeMap<&'static str, String> = ASSETS
        .iter()
        .map(|(key, file, _)| {
            let digest = hex(&Sha256::digest(asset_bytes(key)))[..10].to_string();
            let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
            (*key, format!("assets/{stem}.{digest}.{ext}"))
        })
        .collect();
    paths.insert("js", script_dir());
    paths
}

/// An asset as published: scripts compacted like the pages' (see
/// [`bundle::compact`]), the rest as they are.
fn asset_bytes(key: &str) -> Vec<u8> {
    let (_, file, bytes) = ASSETS
        .iter()
        .find(|(k, _, _)| *k == key)
        .expect("a known asset");
    match (file.ends_with(".js"), std::str::from_utf8(bytes)) {
        (true, Ok(source)) => bundle::compact(source).into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Institutions on one page of a city's directory.
pub(crate) const CITY_PAGE: usize = 100;

/// The pages every site has besides the home page: path, template, title
/// (a key of the string table's `titles`).
const FIXED_PAGES: &[(&str, &str, &str)] = &[
    ("verify/index.html", "verify.html", "verify"),
    ("batch/index.html", "batch.html", "batch"),
    ("directory/index.html", "directory.html", "directory"),
    ("stats/index.html", "stats.html", "stats"),
    ("trust/index.html", "trust.html", "trust"),
];

/// The navigation: the fixed pages (by key of the string table's `nav`),
/// then the Markdown pages (by their own label, which is theirs).
fn nav_targets(pages: &[MarkdownSource]) -> Vec<(String, NavLabel)> {
    [
        ("index.html", "home"),
        ("verify/index.html", "verify"),
        ("batch/index.html", "batch"),
        ("directory/index.html", "directory"),
        ("stats/index.html", "stats"),
        ("trust/index.html", "trust"),
    ]
    .iter()
    .map(|(p, key)| (p.to_string(), NavLabel::Key(key)))
    .chain(pages.iter().map(|p| {
        let label = NavLabel::Own(p.page.nav.clone(), p.page.nav_en.clone());
        (format!("{}/index.html", p.slug), label)
    }))
    .collect()
}

/// A navigation label: the string table's, or a Markdown page's own
/// (Chinese, and English when it has one).
enum NavLabel {
    Key(&'static str),
    Own(String, Option<String>),
}

/// What every page of one language is rendered with.
struct Renderer<'a> {
    env: &'a Environment<'static>,
    config: &'a Config,
    lang: &'a Language,
    /// The pages' words of `lang`.
    t: Value,
    /// Converted once: every page shares it (a conversion per page would
    /// make the build quadratic in the number of institutions).
    model: &'a Value,
    assets: &'a Value,
    nav_targets: &'a [(String, NavLabel)],
    /// The pages' links to the downloads.
    links: &'a Links,
}

/// Institutions of one status on one page of a city's directory.
#[derive(Serialize)]
struct Section<'a> {
    /// The status's key (`valid`, `lapsed`, …).
    status: &'static str,
    /// How many institutions of the city have it (on every page).
    count: usize,
    /// The institutions on this page, with their 序号.
    entries: Vec<Entry<'a>>,
}

/// An institution and its 序号 among those of its status.
#[derive(Serialize)]
struct Entry<'a> {
    serial: usize,
    inst: &'a InstitutionView,
}

impl Renderer<'_> {
    /// A word of the pages' table, by a path of keys (`titles.verify`).
    fn word(&self, path: &str) -> String {
        self.lang.word(path).to_string()
    }

    /// The site's own texts in this language: the `[english]` ones on the
    /// English pages when configured, else the Chinese (`own` says which).
    fn site(&self) -> Value {
        let config = self.config;
        let en = &config.english;
        let pick = |english: &Option<String>, chinese: &String| -> Value {
            match english {
                Some(text) if !self.lang.is_chinese() => context! { text => text, own => false },
                _ => context! { text => chinese, own => !self.lang.is_chinese() },
            }
        };
        context! {
            title => pick(&en.title, &config.title),
            authority => pick(&en.authority, &config.authority),
            contact => pick(&en.contact, &config.contact),
            base_url => &config.base_url,
            demo => config.demo,
        }
    }

    /// Renders `template` as the page at `path` (within the language's
    /// folder).
    fn page(
        &self,
        files: &mut Files,
        path: &str,
        template: &str,
        title: &str,
        extra: Value,
    ) -> Result<(), minijinja::Error> {
        let full = format!("{}{path}", self.lang.prefix);
        // The 404 page is served at any depth: its links start from the
        // site's path on the host ("/" or "/certs/"), never with a scheme
        // and host, which the CSP of a copy on another host would block.
        let root = if path == "404.html" {
            crate::site::headers::site_path(&self.config.base_url)
        } else {
            "../".repeat(full.matches('/').count())
        };
        // Links to pages stay in the language's folder.
        let home = if path == "404.html" {
            format!("{root}{}", self.lang.prefix)
        } else {
            "../".repeat(path.matches('/').count())
        };
        let other = LANGUAGES
            .iter()
            .find(|l| l.tag != self.lang.tag)
            .expect("two languages");
        let nav: Vec<NavItem> = self
            .nav_targets
            .iter()
            .map(|(href, label)| NavItem {
                href: format!("{home}{href}"),
                label: match label {
                    NavLabel::Key(key) => self.word(&format!("nav.{key}")),
                    NavLabel::Own(_, Some(en)) if !self.lang.is_chinese() => en.clone(),
                    NavLabel::Own(zh, _) => zh.clone(),
                },
                current: href == path,
                own: matches!(label, NavLabel::Own(_, None)) && !self.lang.is_chinese(),
            })
            .collect();
        let other_href = format!("{root}{}{path}", other.prefix);
        let ctx = context! {
            root => root,
            home => home,
            path => path,
            title => title,
            t => self.t.clone(),
            lang => context! {
                code => self.lang.code(),
                tag => self.lang.tag,
                chinese => self.lang.is_chinese(),
                other => context! {
                    code => other.code(),
                    href => other_href,
                },
            },
            site => self.site(),
            model => self.model.clone(),
            assets => self.assets.clone(),
            nav => Value::from(Serde(&nav)),
            ..extra
        };
        let html = self.env.get_template(template)?.render(ctx)?;
        files.insert(full, html.into_bytes());
        Ok(())
    }

    /// Every page of this language.
    fn pages(
        &self,
        files: &mut Files,
        model: &SiteModel,
        pages: &[MarkdownSource],
    ) -> Result<(), minijinja::Error> {
        let none = || context! {};
        let title = self.site().get_attr("title")?.get_attr("text")?;
        self.page(
            files,
            "index.html",
            "index.html",
            &title.to_string(),
            none(),
        )?;
        for (path, template, key) in FIXED_PAGES {
            let title = self.word(&format!("titles.{key}"));
            let extra = match *path {
                "directory/index.html" => context! {
                    downloads => Value::from(Serde(&self.links.directory)),
                },
                "stats/index.html" => {
                    let charts = StatsCharts::new(model, self.lang);
                    context! {
                        downloads => Value::from(Serde(&self.links.stats[self.lang.tag])),
                        charts => context! {
                            months => Value::from_safe_string(charts.months),
                            cities => Value::from_safe_string(charts.cities),
                            levels => Value::from_safe_string(charts.levels),
                        },
                    }
                }
                _ => none(),
            };
            self.page(files, path, template, &title, extra)?;
        }
        for city in &model.cities {
            self.city_pages(files, city)?;
        }
        for inst in model.institutions() {
            let path = format!("directory/{}.html", inst.filing_no);
            let extra = context! { inst => Value::from(Serde(inst)) };
            self.page(files, &path, "institution.html", &inst.name, extra)?;
        }
        for p in pages {
            let path = format!("{}/index.html", p.slug);
            let extra = context! { body => Value::from_safe_string(p.page.html.clone()) };
            self.page(files, &path, "markdown.html", &p.page.title, extra)?;
        }
        Ok(())
    }

    /// A city's directory pages: its institutions in 附件4's columns, by
    /// status, [`CITY_PAGE`] to a page.
    fn city_pages(&self, files: &mut Files, city: &CityView) -> Result<(), minijinja::Error> {
        let name = self.lang.table["cities"][&city.name]
            .as_str()
            .unwrap_or(&city.name)
            .to_string();
        let listed = listing(&city.institutions);
        let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
        for entry in &listed {
            *counts.entry(entry.inst.status).or_default() += 1;
        }
        let chunks: Vec<_> = listed.chunks(CITY_PAGE).collect();
        // Links from inside directory/: every page of the city.
        let links: Vec<_> = (1..=chunks.len())
            .map(|p| city_file(city.number, p))
            .collect();
        for (n, chunk) in chunks.iter().enumerate() {
            let mut sections: Vec<Section> = Vec::new();
            for entry in *chunk {
                let status = entry.inst.status;
                if sections.last().is_none_or(|s| s.status != status.key()) {
                    sections.push(Section {
                        status: status.key(),
                        count: counts[&status],
                        entries: Vec::new(),
                    });
                }
                let section = sections.last_mut().expect("pushed above");
                section.entries.push(Entry {
                    serial: entry.serial,
                    inst: entry.inst,
                });
            }
            let extra = context! {
                links => &links,
                city => context! {
                    number => city.number,
                    name => &name,
                    current => city.current,
                    others => city.institutions.len() - city.current,
                },
                sections => Value::from(Serde(&sections)),
                downloads => Value::from(Serde(&self.links.cities[&city.number])),
                page => n + 1,
                pages => chunks.len(),
            };
            let title = if chunks.len() > 1 {
                self.word("titles.city_page")
                    .replace("{city}", &name)
                    .replace("{page}", &(n + 1).to_string())
            } else {
                name.clone()
            };
            let path = format!("directory/{}", links[n]);
            self.page(files, &path, "city.html", &title, extra)?;
        }
        Ok(())
    }
}

/// `{{ text|fill(name=value, ...) }}`: each `{name}` of a string of the
/// table replaced by its value.
fn fill(template: String, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut out = template;
    for key in kwargs.args() {
        let value: Value = kwargs.get(key)?;
        out = out.replace(&format!("{{{key}}}"), &value.to_string());
    }
    Ok(out)
}

/// `{{ value|data }}`: signed data (names, occupations) as signed, marked
/// as Chinese on a page in another language.
fn data(state: &State, value: Value) -> Value {
    let chinese = state
        .lookup("lang")
        .and_then(|l| l.get_attr("chinese").ok())
        .is_none_or(|c| c.is_true());
    let text = HtmlEscape(&value.to_string()).to_string();
    if chinese {
        Value::from_safe_string(text)
    } else {
        Value::from_safe_string(format!("<span lang=\"zh-CN\">{text}</span>"))
    }
}

/// `{{ name|named("cities") }}`: a city or institution kind, which data and
/// codes give in Chinese, in the page's language (`cities` and `kinds` of
/// its string table); as data when the table does not know it.
fn named(state: &State, value: Value, list: &str) -> Value {
    let tag = state
        .lookup("lang")
        .and_then(|l| l.get_attr("tag").ok())
        .map(|t| t.to_string());
    let table = LANGUAGES.iter().find(|l| Some(l.tag) == tag.as_deref());
    let text = value.to_string();
    match table.and_then(|l| l.table[list][&text].as_str()) {
        Some(name) => Value::from(name),
        None => data(state, value),
    }
}

/// `{{ o.levels|levels }}`: a filed level range in the page's language.
fn levels(state: &State, digits: Vec<u8>) -> String {
    page_language(state).level_range(&digits)
}

/// `{{ inst.adjusted|adjusted }}`: the note on an adjusted directory entry,
/// in the page's language.
fn adjusted(state: &State, value: Value) -> Result<String, minijinja::Error> {
    let on = value.get_attr("on")?.to_string();
    let changes: Vec<String> = (value.get_attr("changes")?.try_iter()?)
        .map(|c| c.to_string())
        .collect();
    let changes: Vec<&str> = changes.iter().map(String::as_str).collect();
    Ok(page_language(state).adjustment(&on, &changes))
}

/// The language of the page being rendered.
fn page_language(state: &State) -> &'static Language {
    let tag = state
        .lookup("lang")
        .and_then(|l| l.get_attr("tag").ok())
        .map(|t| t.to_string());
    LANGUAGES
        .iter()
        .find(|l| Some(l.tag) == tag.as_deref())
        .unwrap_or(&LANGUAGES[0])
}

/// Renders every page in every language, the assets, the sitemap and
/// robots.txt; the pages link to `links`.
pub(crate) fn render_site(
    model: &SiteModel,
    config: &Config,
    pages: &[MarkdownSource],
    links: &Links,
) -> Result<Files, minijinja::Error> {
    let assets = asset_paths();
    let mut files = Files::new();
    for (key, _, _) in ASSETS {
        files.insert(assets[key].clone(), asset_bytes(key));
    }
    publish_scripts(&mut files, &assets["js"]);
    let env = environment();
    let model_value = Value::from(Serde(model));
    let assets_value = Value::from(Serde(&assets));
    let nav = nav_targets(pages);
    for lang in LANGUAGES.iter() {
        let r = Renderer {
            env: &env,
            config,
            lang,
            t: Value::from(Serde(lang.page())),
            model: &model_value,
            assets: &assets_value,
            nav_targets: &nav,
            links,
        };
        r.pages(&mut files, model, pages)?;
        if lang.is_chinese() {
            // One 404 page for the whole site, saying it in both languages.
            let en = Value::from(Serde(LANGUAGES[1].page()));
            let title = r.word("titles.not_found");
            r.page(
                &mut files,
                "404.html",
                "404.html",
                &title,
                context! { en => en },
            )?;
        }
    }
    let sitemap: Vec<String> = files
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .cloned()
        .collect();
    let r = Renderer {
        env: &env,
        config,
        lang: &LANGUAGES[0],
        t: Value::from(Serde(LANGUAGES[0].page())),
        model: &model_value,
        assets: &assets_value,
        nav_targets: &nav,
        links,
    };
    let extra = context! { urls => Value::from(Serde(&sitemap)) };
    r.page(&mut files, "sitemap.xml", "sitemap.xml", "", extra)?;
    r.page(&mut files, "robots.txt", "robots.txt", "", context! {})?;
    files.insert(
        "_headers".to_string(),
        crate::site::headers::headers_file(&config.base_url).into_bytes(),
    );
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_in_the_folder_is_published() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("site-templates/js");
        let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "js"))
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap().to_string();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        on_disk.sort();
        let mut compiled: Vec<(String, String)> = SCRIPTS
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        compiled.sort();
        // A stale build (a file added since the last compile) fails here.
        assert_eq!(
            compiled, on_disk,
            "site-templates/js changed since the last compile"
        );
        let dir = script_dir();
        let mut files = Files::new();
        publish_scripts(&mut files, &dir);
        let published: Vec<&str> = files
            .keys()
            .map(|k| k.strip_prefix(&dir).unwrap())
            .collect();
        let pages = [
            "batch-page.js",
            // No page imports it: published on its own, to be loaded only
            // where WebCrypto has no Ed25519.
            "ed25519.js",
            "home.js",
            "search-boot.js",
            "search-page.js",
            "verify-early.js",
            "verify-page.js",
        ];
        let expected: Vec<String> = ["en", "zh"]
            .iter()
            .flat_map(|tag| pages.iter().map(move |p| format!("{tag}/{p}")))
            .collect();
        assert_eq!(published, expected);
        // Each language's scripts carry its own string table.
        let zh = String::from_utf8_lossy(&files[&format!("{dir}zh/verify-page.js")]).into_owned();
        let en = String::from_utf8_lossy(&files[&format!("{dir}en/verify-page.js")]).into_owned();
        assert!(zh.contains("证书有效") && !zh.contains("Certificate verified"));
        assert!(en.contains("Certificate verified") && !en.contains("证书有效"));
        for (name, source) in &on_disk {
            let body = bundle::compact(&bundle::body(source));
            assert!(
                files
                    .values()
                    .any(|f| String::from_utf8_lossy(f).contains(body.trim_end())),
                "{name} is in no published script"
            );
        }
    }

    /// The folder's name hashes the scripts in this order: a different one
    /// would rename it and break every cached page that points at it.
    #[test]
    fn scripts_are_hashed_in_order_of_their_stems() {
        let names: Vec<&str> = SCRIPTS.iter().map(|(name, _)| *name).collect();
        let position = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(
            position("search.js") < position("search-boot.js"),
            "{names:?}"
        );
        assert!(
            position("verify.js") < position("verify-page.js"),
            "{names:?}"
        );
        assert!(position("batch-page.js") < position("code.js"), "{names:?}");
    }
}
