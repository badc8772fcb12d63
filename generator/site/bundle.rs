//! One script per page: each page's module and everything it imports,
//! joined into a single ES module, so a cold page load costs one request for
//! its code instead of one round trip per level of imports.
//!
//! The client's modules keep to a small subset of the module syntax, checked
//! here: single-line `import { a, b as c } from './x.js';` and exports written
//! as `export function|async function|const|let|class NAME`. Each module
//! becomes a function scope that returns its exports, in dependency order, so
//! top-level names never clash and evaluation order is the browser's own
//! (every import evaluated before its importer). JSDoc is only comments
//! here: its `import('./x.js')` types join nothing, and [`compact`] drops it
//! (`site-templates/README.md` says all this for a JS contributor).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Why the client's modules cannot be joined (a programming error in
/// `site-templates/js/`, found by the unit tests before any build).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BundleError(pub String);

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One parsed module: its imports and the names it exports.
struct Module<'a> {
    imports: Vec<Import<'a>>,
    exports: Vec<&'a str>,
}

/// `import { names } from './from';`: names as (exported, local).
struct Import<'a> {
    from: &'a str,
    names: Vec<(&'a str, &'a str)>,
}

fn parse_import(line: &str) -> Option<Import<'_>> {
    let rest = line.strip_prefix("import {")?;
    let (names, rest) = rest.split_once('}')?;
    let from = rest.trim().strip_prefix("from './")?.strip_suffix("';")?;
    let names = names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.split_once(" as ").unwrap_or((n, n)))
        .map(|(a, b)| (a.trim(), b.trim()))
        .collect();
    Some(Import { from, names })
}

fn exported_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("export ")?;
    let rest = ["async function ", "function ", "const ", "let ", "class "]
        .iter()
        .find_map(|kw| rest.strip_prefix(kw))?;
    let rest = rest.strip_prefix('*').unwrap_or(rest).trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn parse<'a>(name: &str, source: &'a str) -> Result<Module<'a>, BundleError> {
    let mut module = Module {
        imports: Vec::new(),
        exports: Vec::new(),
    };
    for (n, line) in source.lines().enumerate() {
        let bad = |what: &str| BundleError(format!("{name}:{}: {what}: {line}", n + 1));
        if line.starts_with("import") && !line.starts_with("import(") {
            module
                .imports
                .push(parse_import(line).ok_or_else(|| bad("unsupported import"))?);
        } else if line.starts_with("export") {
            module
                .exports
                .push(exported_name(line).ok_or_else(|| bad("unsupported export"))?);
        }
    }
    Ok(module)
}

/// A JavaScript identifier for a module's scope: `lookup.js` → `$lookup`.
fn scope_name(file: &str) -> String {
    let stem = file.trim_end_matches(".js");
    format!(
        "${}",
        stem.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
    )
}

/// The module `source` with its import lines replaced by bindings to the
/// imported scopes and `export ` dropped from its declarations.
pub(crate) fn body(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        if let Some(import) = parse_import(line) {
            let names: Vec<String> = import
                .names
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}: {b}")
                    }
                })
                .collect();
            out.push_str(&format!(
                "const {{ {} }} = {};\n",
                names.join(", "),
                scope_name(import.from)
            ));
        } else {
            out.push_str(line.strip_prefix("export ").unwrap_or(line));
            out.push('\n');
        }
    }
    out
}

/// `source` without its comment lines, blank lines and indentation: a third
/// less to send before a cold page can start its lookup. Lines inside a
/// multi-line template literal are kept as they are. Of the comments after
/// code only the JSDoc ones that nothing before them on the line can make
/// text go ([`drop_inline_doc`]: the type casts); the others stay (removing
/// them would need a tokenizer, for little gain).
pub(crate) fn compact(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let (mut in_block, mut in_template) = (false, false);
    let keep = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    for line in source.lines() {
        if in_template {
            keep(&mut out, line);
            in_template ^= line.matches('`').count() % 2 == 1;
            continue;
        }
        let t = line.trim();
        let rest = if in_block {
            match t.find("*/") {
                Some(i) => {
                    in_block = false;
                    t[i + 2..].trim()
                }
                None => continue,
            }
        } else if t.starts_with("//") {
            continue;
        } else if let Some(comment) = t.strip_prefix("/*") {
            match comment.find("*/") {
                Some(i) => comment[i + 2..].trim(),
                None => {
                    in_block = true;
                    continue;
                }
            }
        } else {
            t
        };
        let rest = drop_inline_doc(rest);
        if rest.is_empty() {
            continue;
        }
        keep(&mut out, &rest);
        in_template = rest.matches('`').count() % 2 == 1;
    }
    out
}

/// A line of code (it starts outside any string, template, comment or
/// regular expression) without its one-line JSDoc comments, such as the
/// casts `/** @type {HTMLInputElement} */ (node)`. A comment is dropped only
/// when nothing before it on the line can open a string, template literal,
/// regular expression or comment (no quote, backtick, slash or `<!--`), so
/// it is a comment and not text; it leaves a space where it kept two tokens
/// apart.
fn drop_inline_doc(line: &str) -> Cow<'_, str> {
    let mut line = Cow::Borrowed(line);
    while let Some(start) = line.find("/**") {
        let before = &line[..start];
        if before.contains(['\'', '"', '`', '/']) || before.contains("<!--") {
            break;
        }
        let Some(len) = line[start + 2..].find("*/") else {
            break;
        };
        let after = line[start + 2 + len + 2..].trim_start();
        // Brackets and separators never join a neighbour into one token.
        let apart = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "()[]{},;".contains(c));
        let gap = if apart(before.chars().next_back()) || apart(after.chars().next()) {
            ""
        } else {
            " "
        };
        line = Cow::Owned(format!("{before}{gap}{after}").trim_end().to_string());
    }
    line
}

/// Every script that no other script imports, as (file name, published
/// source): pages' modules joined with their imports, plain scripts
/// compacted. Modules only imported are not published on their own.
/// `generated` are modules the build writes (the string table), importable
/// like the others.
pub(crate) fn bundles(
    scripts: &[(&str, &str)],
    generated: &[(&str, &str)],
) -> Result<Vec<(String, String)>, BundleError> {
    let sources: BTreeMap<&str, &str> = scripts.iter().chain(generated).copied().collect();
    let mut modules = BTreeMap::new();
    for (name, source) in &sources {
        modules.insert(*name, parse(name, source)?);
    }
    let imported: BTreeSet<&str> = modules
        .values()
        .flat_map(|m| m.imports.iter().map(|i| i.from))
        .collect();
    for (name, module) in &modules {
        for import in &module.imports {
            let Some(target) = modules.get(import.from) else {
                return Err(BundleError(format!(
                    "{name} imports {}, which is not in the folder",
                    import.from
                )));
            };
            for (exported, _) in &import.names {
                if !target.exports.contains(exported) {
                    return Err(BundleError(format!(
                        "{name} imports {exported} from {}, which does not export it",
                        import.from
                    )));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (name, source) in scripts {
        if imported.contains(name) {
            continue;
        }
        if modules[name].imports.is_empty() {
            out.push((name.to_string(), compact(source)));
            continue;
        }
        let mut order = Vec::new();
        visit(name, &modules, &mut order, &mut Vec::new())?;
        let mut joined = String::new();
        for dep in &order[..order.len() - 1] {
            let exports = modules[dep].exports.join(", ");
            joined.push_str(&format!(
                "const {} = (() => {{\n{}return {{ {exports} }};\n}})();\n",
                scope_name(dep),
                body(sources[dep])
            ));
        }
        let exports = &modules[name].exports;
        if exports.is_empty() {
            joined.push_str(&format!("{{\n{}}}\n", body(source)));
        } else {
            // A script loaded with `import()` (ed25519.js) keeps its exports.
            let scope = scope_name(name);
            let names = exports.join(", ");
            joined.push_str(&format!(
                "const {scope} = (() => {{\n{}return {{ {names} }};\n}})();\nexport const {{ {names} }} = {scope};\n",
                body(source)
            ));
        }
        let header = format!("// {name} and the modules it imports, joined by certsite.\n");
        out.push((name.to_string(), header + &compact(&joined)));
    }
    Ok(out)
}

/// Depth-first post-order over imports: every module after its imports.
fn visit<'a>(
    name: &'a str,
    modules: &BTreeMap<&'a str, Module<'a>>,
    order: &mut Vec<&'a str>,
    path: &mut Vec<&'a str>,
) -> Result<(), BundleError> {
    if order.contains(&name) {
        return Ok(());
    }
    if path.contains(&name) {
        return Err(BundleError(format!(
            "import cycle: {} → {name}",
            path.join(" → ")
        )));
    }
    path.push(name);
    for import in &modules[name].imports {
        visit(import.from, modules, order, path)?;
    }
    path.pop();
    order.push(name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_joined_with_its_imports_in_dependency_order() {
        let scripts = [
            (
                "a.js",
                "import { b } from './b.js';\nexport const a = () => b + c;\nconst c = 1;\n",
            ),
            (
                "b.js",
                "import { d as dee } from './d.js';\nexport const b = dee;\n",
            ),
            ("d.js", "export function d() {}\n"),
            (
                "page.js",
                "import { a } from './a.js';\nimport { d } from './d.js';\na(d);\n",
            ),
            ("plain.js", "(function () {})();\n"),
        ];
        let out = bundles(&scripts, &[]).unwrap();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["page.js", "plain.js"]);
        let page = &out[0].1;
        let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} in {page}"));
        assert!(at("const $d = ") < at("const $b = ") && at("const $b = ") < at("const $a = "));
        assert_eq!(page.matches("const $d = ").count(), 1, "{page}");
        assert!(page.contains("const { d: dee } = $d;"), "{page}");
        assert!(page.contains("return { a };"), "{page}");
        assert!(
            !page.contains("export ") && !page.contains("import {"),
            "{page}"
        );
        assert_eq!(out[1].1, scripts[4].1);
    }

    #[test]
    fn a_script_loaded_by_import_keeps_its_exports() {
        let scripts = [
            (
                "lazy.js",
                "import { b } from './b.js';\nexport async function check(x) {\n  return b(x);\n}\n",
            ),
            ("b.js", "export const b = (x) => x > 1;\n"),
            (
                "page.js",
                "async function go() {\n  const { check } = await import('./lazy.js');\n  return check(2);\n}\ngo();\n",
            ),
        ];
        let out = bundles(&scripts, &[]).unwrap();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["lazy.js", "page.js"]);
        let lazy = &out[0].1;
        assert!(lazy.contains("const $b = "), "{lazy}");
        assert!(lazy.contains("return { check };"), "{lazy}");
        assert!(
            lazy.ends_with("export const { check } = $lazy;\n"),
            "{lazy}"
        );
        // The page joins nothing for a dynamic import: the browser fetches it.
        assert!(
            out[1].1.contains("await import('./lazy.js');"),
            "{}",
            out[1].1
        );
    }

    #[test]
    fn compacting_drops_comments_and_indentation_only() {
        let source = "// a comment\n/**\n * doc\n */\nfunction f() {\n  /* one */ return g(1); // why\n\n  const t = `a\n  // kept\n    b`;\n}\n";
        assert_eq!(
            compact(source),
            "function f() {\nreturn g(1); // why\nconst t = `a\n  // kept\n    b`;\n}\n"
        );
    }

    #[test]
    fn jsdoc_casts_are_dropped_where_they_cannot_be_text() {
        let casts = [
            (
                "const a = /** @type {HTMLElement} */ (document.getElementById('a'));",
                "const a = (document.getElementById('a'));",
            ),
            (
                "  f(/** @type {A} */ (x), /** @type {B} */ (y)); /** why */",
                "f((x), (y));",
            ),
            ("return/** @type {X} */(x);", "return(x);"),
            ("a+/** c */+b;", "a+ +b;"),
            ("a +/** c */ +b;", "a + +b;"),
            ("x = /**/ 1;", "x = 1;"),
        ];
        for (line, want) in casts {
            assert_eq!(compact(line), format!("{want}\n"), "{line}");
        }
        // After anything that may open text, or without an end, a comment stays.
        for kept in [
            "const s = '/** @type {X} */ (y)';",
            "const s = \"x\" + /** @type {X} */ (y);",
            "const s = `${a}` + /** @type {X} */ (y);",
            "if (/a/.test(s)) f(/** @type {X} */ (y));",
            "const h = a / /** @type {number} */ (b);",
            "x <!-- /** not a comment in a module */",
            "f(); /** a comment that goes on",
        ] {
            assert_eq!(compact(kept), format!("{kept}\n"), "{kept}");
        }
        // Inside a multi-line template literal, nothing is code.
        let template = "const t = `a\n/** @type {X} */ (y)\n`;\n";
        assert_eq!(compact(template), template);
    }

    #[test]
    fn jsdoc_imports_are_no_imports() {
        let scripts = [
            (
                "page.js",
                "// @ts-check\nimport { b } from './b.js';\n\n/** @typedef {import('./types.js').T} T */\n/**\n * @param {import('./c.js').U} u\n * @returns {T}\n */\nexport function f(u) {\n  return /** @type {T} */ (b(u));\n}\n",
            ),
            (
                "b.js",
                "/** @param {number} x */\nexport const b = (x) => x;\n",
            ),
        ];
        let out = bundles(&scripts, &[]).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].1,
            "// page.js and the modules it imports, joined by certsite.\nconst $b = (() => {\nconst b = (x) => x;\nreturn { b };\n})();\nconst $page = (() => {\nconst { b } = $b;\nfunction f(u) {\nreturn (b(u));\n}\nreturn { f };\n})();\nexport const { f } = $page;\n"
        );
    }

    #[test]
    fn a_generated_module_is_joined_but_not_published() {
        let scripts = [("page.js", "import { T } from './strings.js';\nshow(T);\n")];
        let out = bundles(&scripts, &[("strings.js", "export const T = { a: 1 };\n")]).unwrap();
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .1
                .contains("const $strings = (() => {\nconst T = { a: 1 };\nreturn { T };"),
            "{}",
            out[0].1
        );
    }

    #[test]
    fn what_cannot_be_joined_is_refused() {
        let cycle = [
            ("a.js", "import { b } from './b.js';\nexport const a = 1;\n"),
            ("b.js", "import { a } from './a.js';\nexport const b = 1;\n"),
            ("p.js", "import { a } from './a.js';\n"),
        ];
        assert!(bundles(&cycle, &[]).unwrap_err().0.contains("cycle"));
        let missing = [
            ("p.js", "import { x } from './a.js';\n"),
            ("a.js", "export const y = 1;\n"),
        ];
        assert!(
            bundles(&missing, &[])
                .unwrap_err()
                .0
                .contains("imports x from a.js, which does not export it")
        );
        let default = [("p.js", "export default 1;\n")];
        assert!(
            bundles(&default, &[])
                .unwrap_err()
                .0
                .contains("p.js:1: unsupported export")
        );
        let star = [("p.js", "import * as a from './a.js';\n")];
        assert!(
            bundles(&star, &[])
                .unwrap_err()
                .0
                .contains("unsupported import")
        );
    }
}
