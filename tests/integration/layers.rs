//! The layers of both crates, checked from their sources against the tables
//! in `ARCHITECTURE.md`: a module imports only from its own folder and from
//! lower layers, no two files import each other round a circle, and
//! `certsite-core` touches no file, network, process or environment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::repo;

/// Layer of each top-level module, from the table under `heading`: rows
/// `| 3 | `data` | … |`, the module names in backticks.
fn layers(markdown: &str, heading: &str) -> BTreeMap<String, usize> {
    let section = markdown
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no section “{heading}”"));
    let mut out = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(Ok(layer)) = cells.get(1).map(|c| c.parse::<usize>()) else {
            continue;
        };
        for name in cells[2].split('`').skip(1).step_by(2) {
            out.insert(name.to_string(), layer);
        }
    }
    assert!(!out.is_empty(), "no layers under “{heading}”");
    out
}

/// One source file: its module path (`site::build`) and text.
struct Source {
    path: String,
    module: Vec<String>,
    text: String,
}

/// The module path of a file relative to the crate root.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every `.rs` file under `root`, but the crate roots and `skip` folders.
fn sources(root: &Path, skip: &[&str]) -> Vec<Source> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        let skipped = skip.iter().any(|s| rel.starts_with(&format!("{s}/")));
        if skipped || !rel.ends_with(".rs") || ["lib.rs", "main.rs"].contains(&rel.as_str()) {
            continue;
        }
        out.push(Source {
            module: module_of(&rel),
            text: std::fs::read_to_string(entry.path()).unwrap(),
            path: rel,
        });
    }
    out
}

/// The code lines of a source (whole-line comments and doc comments left
/// out: a link in a doc is no import), with their numbers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
}

/// The modules a source refers to through `crate::…` or `super::…`,
/// resolved to the longest module path that is a file, with the line.
fn references(src: &Source, modules: &BTreeSet<Vec<String>>) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in code_lines(&src.text) {
        for (prefix, base) in [("crate::", Vec::new()), ("super::", parent_of(src))] {
            for (at, _) in line.match_indices(prefix) {
                let before = line[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &line[at + prefix.len()..];
                let path: Vec<String> = rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or_default()
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                let full: Vec<String> = base.iter().cloned().chain(path).collect();
                let target = (1..=full.len())
                    .rev()
                    .map(|k| full[..k].to_vec())
                    .find(|m| modules.contains(m));
                if let Some(target) = target {
                    out.push((n, target));
                }
            }
        }
    }
    out
}

/// The module `super::` names in a source: its parent (a `mod.rs` file's
/// `super` is its folder's parent).
fn parent_of(src: &Source) -> Vec<String> {
    let mut parent = src.module.clone();
    parent.pop();
    parent
}

/// Every break of the layering and every import circle among `sources`,
/// as `file:line: …` messages.
fn check(layer_of: &BTreeMap<String, usize>, sources: &[Source]) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut found = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for src in sources {
        let top = &src.module[0];
        let Some(&own) = layer_of.get(top) else {
            found.push(format!(
                "{}: module {top} is in no layer of ARCHITECTURE.md",
                src.path
            ));
            continue;
        };
        if src.text.contains("crate::{") {
            found.push(format!(
                "{}: `crate::{{…}}` groups several modules: one `use` per module, so the layers can be checked",
                src.path
            ));
        }
        for (line, target) in references(src, &modules) {
            if target != src.module {
                edges
                    .entry(src.module.clone())
                    .or_default()
                    .insert(target.clone());
            }
            let theirs = &target[0];
            let Some(&layer) = layer_of.get(theirs) else {
                continue;
            };
            if theirs != top && layer >= own {
                found.push(format!(
                    "{}:{line}: {top} (layer {own}) imports {} (layer {layer}): a module imports only from lower layers",
                    src.path,
                    target.join("::")
                ));
            }
        }
    }
    found.extend(circles(&edges));
    found
}

/// The import circles of a graph, one message each (strongly connected
/// components of more than one file, by Tarjan's algorithm).
fn circles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    struct Walk<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a [String], (usize, usize)>,
        stack: Vec<&'a [String]>,
        found: Vec<String>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a [String]) {
        let n = w.index.len();
        w.index.insert(v, (n, n));
        w.stack.push(v);
        for t in w.edges.get(v).into_iter().flatten() {
            let t = t.as_slice();
            if !w.index.contains_key(t) {
                visit(w, t);
                let low = w.index[t].1.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            } else if w.stack.contains(&t) {
                let low = w.index[t].0.min(w.index[v].1);
                w.index.get_mut(v).unwrap().1 = low;
            }
        }
        if w.index[v].0 == w.index[v].1 {
            let at = w.stack.iter().rposition(|m| *m == v).unwrap();
            let mut component: Vec<String> = w.stack.drain(at..).map(|m| m.join("::")).collect();
            if component.len() > 1 {
                component.sort();
                w.found
                    .push(format!("import circle among {}", component.join(", ")));
            }
        }
    }
    let mut w = Walk {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !w.index.contains_key(v.as_slice()) {
            visit(&mut w, v);
        }
    }
    w.found
}

fn architecture() -> String {
    std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap()
}

#[test]
fn the_binary_imports_only_from_lower_layers_and_has_no_circle() {
    let layer_of = layers(&architecture(), "Layers of certsite\n");
    let found = check(&layer_of, &sources(&repo().join("generator"), &["core"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_core_imports_only_from_lower_layers_and_has_no_circle() {
    let layer_of = layers(&architecture(), "Layers of certsite-core");
    let found = check(&layer_of, &sources(&repo().join("generator/core"), &[]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_lower_layer_importing_a_higher_one_is_caught() {
    let layer_of = layers(&architecture(), "Layers of certsite\n");
    let source = |path: &str, text: &str| Source {
        path: path.to_string(),
        module: module_of(path),
        text: text.to_string(),
    };
    let tree = [
        source("data/folder.rs", "use crate::site::build::Prepared;\n"),
        source("site/build.rs", "// crate::cli in a comment is no import\n"),
        source("site/render.rs", "use super::build;\n"),
        source("site/mod.rs", ""),
        source("cli/mod.rs", ""),
    ];
    assert_eq!(
        check(&layer_of, &tree),
        [
            "data/folder.rs:1: data (layer 5) imports site::build (layer 6): a module imports only from lower layers"
        ]
    );
    // Two files of one folder that import each other.
    let circle = [
        source("site/build.rs", "use crate::site::render::x;\n"),
        source("site/render.rs", "fn f() { super::build::y() }\n"),
    ];
    assert_eq!(
        check(&layer_of, &circle),
        ["import circle among site::build, site::render"]
    );
    // A module no layer lists.
    let stray = [source("extra/mod.rs", "")];
    assert_eq!(
        check(&layer_of, &stray),
        ["extra/mod.rs: module extra is in no layer of ARCHITECTURE.md"]
    );
}

/// APIs through which a library reaches outside what its caller hands it.
const OUTSIDE: [&str; 4] = ["fs", "net", "process", "env"];

/// The uses of `OUTSIDE` in a source: `std::fs`, and `fs` in `use std::{…}`.
fn outside_uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code_lines(text) {
        for api in OUTSIDE {
            let direct = line.contains(&format!("std::{api}"));
            let grouped = line.contains("std::{")
                && line
                    .split(['{', '}', ',', ' '])
                    .any(|w| w == api || w.starts_with(&format!("{api}::")));
            if direct || grouped {
                out.push((n, format!("std::{api}")));
            }
        }
    }
    out
}

#[test]
fn the_core_reads_no_file_network_process_or_environment() {
    let mut found = Vec::new();
    for src in sources(&repo().join("generator/core"), &[]) {
        for (line, api) in outside_uses(&src.text) {
            found.push(format!("generator/core/{}:{line}: uses {api}", src.path));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    assert_eq!(
        outside_uses(
            "use std::fs;\nuse std::{env, io};\n// std::net\nlet _ = std::process::id();\n"
        ),
        [
            (1, "std::fs".to_string()),
            (2, "std::env".to_string()),
            (4, "std::process".to_string())
        ]
    );
}

#[test]
fn the_core_depends_only_on_what_verification_needs() {
    let manifest = std::fs::read_to_string(repo().join("generator/core/Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let deps: BTreeSet<&str> = manifest["dependencies"]
        .as_table()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let allowed = [
        "base64",
        "ed25519-dalek",
        "jiff",
        "pbkdf2",
        "rayon",
        "serde",
        "serde_json",
        "sha2",
        "thiserror",
        "unicode-normalization",
    ];
    let extra: Vec<&&str> = deps.iter().filter(|d| !allowed.contains(d)).collect();
    assert!(
        extra.is_empty(),
        "certsite-core depends on {extra:?}: a verifier should not need them"
    );
}
