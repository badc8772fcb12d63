//! Pages through minijinja. Templates and static assets live in
//! `site-templates/` and are compiled into the binary, so a build depends on
//! nothing but the data folder. Rendering returns files in memory; only the
//! build's write step touches the disk.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use include_dir::{Dir, include_dir};
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::data::config::Config;
use crate::site::bundle;
use crate::site::markdown::MarkdownPage;
use crate::site::model::{LEVEL_COLUMNS, SiteModel, city_file};
use crate::trust::keys::hex;

/// Output files: path relative to the site root → bytes.
pub(crate) type Files = BTreeMap<String, Vec<u8>>;

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

/// The published scripts, joined once: (file name, source).
static PUBLISHED: LazyLock<Vec<(String, String)>> =
    LazyLock::new(|| bundle::bundles(&SCRIPTS).expect("the client's modules can be joined"));

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
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("templates parse");
    }
    env
}

/// The published path of each asset, by logical name.
pub(crate) fn asset_paths() -> BTreeMap<&'static str, String> {
    let mut paths: BTreeMap<&'static str, String> = ASSETS
        .iter()
        .map(|(key, file, bytes)| {
            let digest = hex(&Sha256::digest(bytes))[..10].to_string();
            let (stem, ext) = file.rsplit_once('.').unwrap_or((file, ""));
            (*key, format!("assets/{stem}.{digest}.{ext}"))
        })
        .collect();
    paths.insert("js", script_dir());
    paths
}

/// The path of the site on its host, from `base_url`: `/` for
/// `https://example.org`, `/certs/` for `https://example.org/certs`.
pub(crate) fn site_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("/{}/", path.trim_matches('/')).replace("//", "/")
}

/// Institutions on one page of a city's directory.
pub(crate) const CITY_PAGE: usize = 100;

/// The pages every site has besides the home page: path, template, title.
const FIXED_PAGES: &[(&str, &str, &str)] = &[
    ("verify/index.html", "verify.html", "证书查验"),
    ("batch/index.html", "batch.html", "批量查验"),
    (
        "directory/index.html",
        "directory.html",
        "职业技能等级认定企业目录",
    ),
    ("stats/index.html", "stats.html", "职业技能等级认定结果统计"),
    ("trust/index.html", "trust.html", "信任与密钥"),
    ("404.html", "404.html", "找不到页面"),
];

/// The navigation: the fixed pages, then the Markdown pages.
fn nav_targets(pages: &[MarkdownSource]) -> Vec<(String, String)> {
    [
        ("index.html", "首页"),
        ("verify/index.html", "证书查验"),
        ("batch/index.html", "批量查验"),
        ("directory/index.html", "机构目录"),
        ("stats/index.html", "认定统计"),
        ("trust/index.html", "信任与密钥"),
    ]
    .iter()
    .map(|(p, l)| (p.to_string(), l.to_string()))
    .chain(
        pages
            .iter()
            .map(|p| (format!("{}/index.html", p.slug), p.page.nav.clone())),
    )
    .collect()
}

/// What every page is rendered with.
struct Renderer<'a> {
    env: Environment<'static>,
    config: &'a Config,
    /// Converted once: every page shares it (a conversion per page would
    /// make the build quadratic in the number of institutions).
    model: Value,
    assets: Value,
    nav_targets: Vec<(String, String)>,
}

impl Renderer<'_> {
    /// Renders `template` as the page at `path`.
    fn page(
        &self,
        files: &mut Files,
        path: &str,
        template: &str,
        title: &str,
        extra: Value,
    ) -> Result<(), minijinja::Error> {
        let config = self.config;
        // The 404 page is served at any depth: its links start from the
        // site's path on the host ("/" or "/certs/"), never with a scheme
        // and host, which the CSP of a copy on another host would block.
        let root = if path == "404.html" {
            site_path(&config.base_url)
        } else {
            "../".repeat(path.matches('/').count())
        };
        let nav: Vec<NavItem> = self
            .nav_targets
            .iter()
            .map(|(href, label)| NavItem {
                href: format!("{root}{href}"),
                label: label.clone(),
                current: href == path,
            })
            .collect();
        let ctx = context! {
            root => root,
            path => path,
            title => title,
            site => context! {
                title => &config.title,
                authority => &config.authority,
                base_url => &config.base_url,
                contact => &config.contact,
            },
            model => self.model.clone(),
            assets => self.assets.clone(),
            nav => Value::from(Serde(&nav)),
            levels => Value::from(Serde(LEVEL_COLUMNS)),
            ..extra
        };
        let html = self.env.get_template(template)?.render(ctx)?;
        files.insert(path.to_string(), html.into_bytes());
        Ok(())
    }
}

/// Renders every page, the assets, the sitemap and robots.txt.
pub(crate) fn render_site(
    model: &SiteModel,
    config: &Config,
    pages: &[MarkdownSource],
) -> Result<Files, minijinja::Error> {
    let assets = asset_paths();
    let mut files = Files::new();
    for (key, _, bytes) in ASSETS {
        files.insert(assets[key].clone(), bytes.to_vec());
    }
    publish_scripts(&mut files, &assets["js"]);
    let r = Renderer {
        env: environment(),
        config,
        model: Value::from(Serde(model)),
        assets: Value::from(Serde(&assets)),
        nav_targets: nav_targets(pages),
    };
    let none = || context! {};
    r.page(
        &mut files,
        "index.html",
        "index.html",
        &config.title,
        none(),
    )?;
    for (path, template, title) in FIXED_PAGES {
        r.page(&mut files, path, template, title, none())?;
    }
    for city in &model.cities {
        let pages: Vec<_> = city.institutions.chunks(CITY_PAGE).collect();
        // Links from inside directory/: every page of the city.
        let links: Vec<_> = (1..=pages.len())
            .map(|p| city_file(city.number, p))
            .collect();
        for (n, institutions) in pages.iter().enumerate() {
            let extra = context! {
                links => &links,
                city => context! { number => city.number, name => &city.name, count => city.institutions.len() },
                institutions => Value::from(Serde(institutions)),
                page => n + 1,
                pages => pages.len(),
                first => n * CITY_PAGE + 1,
            };
            let title = if pages.len() > 1 {
                format!("{}（第 {} 页）", city.name, n + 1)
            } else {
                city.name.clone()
            };
            r.page(
                &mut files,
                &format!("directory/{}", links[n]),
                "city.html",
                &title,
                extra,
            )?;
        }
    }
    for inst in model.institutions() {
        let path = format!("directory/{}.html", inst.filing_no);
        let extra = context! { inst => Value::from(Serde(inst)) };
        r.page(&mut files, &path, "institution.html", &inst.name, extra)?;
    }
    for p in pages {
        let path = format!("{}/index.html", p.slug);
        let extra = context! { body => Value::from_safe_string(p.page.html.clone()) };
        r.page(&mut files, &path, "markdown.html", &p.page.title, extra)?;
    }
    let sitemap: Vec<String> = files
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .cloned()
        .collect();
    let extra = context! { urls => Value::from(Serde(&sitemap)) };
    r.page(&mut files, "sitemap.xml", "sitemap.xml", "", extra)?;
    r.page(&mut files, "robots.txt", "robots.txt", "", none())?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_path_is_the_base_urls_path() {
        assert_eq!(site_path("https://certsite.example/"), "/");
        assert_eq!(site_path("https://certsite.example"), "/");
        assert_eq!(site_path("https://example.org/certs"), "/certs/");
        assert_eq!(site_path("https://example.org/a/b/"), "/a/b/");
    }

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
        assert_eq!(
            published,
            [
                "batch-page.js",
                "home.js",
                "search-boot.js",
                "search-page.js",
                "verify-early.js",
                "verify-page.js"
            ]
        );
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
