//! The documentation is checked like code: the `console` examples of the
//! README and of every `docs/*.md` are run and their output compared, so
//! the docs cannot drift from what the binary prints; every relative link
//! leads to a file (and a heading) that exists; and the README stays a
//! front door, at most 12 KB.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::support::*;

/// The README stays a front door: long-form docs go into `docs/`.
const README_MAX_BYTES: usize = 12 * 1024;

/// The Markdown files of the documentation, relative to the repository:
/// README.md, ARCHITECTURE.md, site-templates/README.md and every `docs/*.md`.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![
        PathBuf::from("README.md"),
        PathBuf::from("ARCHITECTURE.md"),
        PathBuf::from("site-templates/README.md"),
    ];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("a docs/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| Path::new("docs").join(p.file_name().unwrap()))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn read(rel: &Path) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel.display()))
}

/// The bodies of the fenced blocks of `text` opened with "```console".
fn console_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body.find("```").expect("closed block");
        blocks.push(&body[..end]);
        rest = &body[end + 3..];
    }
    blocks
}

#[test]
fn console_examples_in_the_docs_print_what_the_docs_say() {
    let mut blocks = 0;
    for file in markdown_files() {
        for block in console_blocks(&read(&file)) {
            let mut lines = block.lines();
            let command = lines.next().unwrap();
            let args: Vec<&str> = command
                .strip_prefix("$ certsite ")
                .unwrap_or_else(|| {
                    panic!("{}: console blocks start with `$ certsite`", file.display())
                })
                .split_whitespace()
                .collect();
            let expected: String = lines.map(|l| format!("{l}\n")).collect();
            let (code, out, err) = run(certsite().args(&args));
            assert_eq!(code, 0, "{}: {command}: {err}", file.display());
            assert_eq!(out, expected, "{}: {command}", file.display());
            blocks += 1;
        }
    }
    // The command reference's example (`code explain`) among them.
    assert!(blocks >= 1);
    assert!(!console_blocks(&read(Path::new("docs/cli.md"))).is_empty());
}

#[test]
fn the_readme_is_a_front_door_of_at_most_12_kb() {
    let size = std::fs::metadata(repo().join("README.md")).unwrap().len() as usize;
    assert!(
        size <= README_MAX_BYTES,
        "README.md is {size} bytes, more than {README_MAX_BYTES}: move the detail into docs/"
    );
}

/// The lines of `text` outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push(line);
        }
    }
    out
}

/// `paragraph` without its inline code spans (a `[x](y)` inside backticks
/// is not a link). A span may run over a line break, never over a blank
/// line; a backtick without a partner is kept as text.
fn without_code_spans(paragraph: &str) -> String {
    let mut out = String::new();
    let mut rest = paragraph;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`').map(|i| open + 1 + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The text GitHub renders for a heading's Markdown: code spans and
/// emphasis marks dropped, links reduced to their text.
fn heading_text(markdown: &str) -> String {
    let mut text = markdown.replace(['`', '*'], "");
    while let (Some(open), Some(mid)) = (text.find('['), text.find("](")) {
        let Some(close) = text[mid..].find(')').map(|i| mid + i) else {
            break;
        };
        if open > mid {
            break;
        }
        text = format!(
            "{}{}{}",
            &text[..open],
            &text[open + 1..mid],
            &text[close + 1..]
        );
    }
    text
}

/// GitHub's anchor for a heading (github-slugger): lower case, every
/// character but letters, digits (Chinese included), `-`, `_` and spaces
/// removed, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading_text(heading)
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor of a Markdown file: its headings' slugs, a repeated one
/// numbered `-1`, `-2`, … as GitHub numbers them.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for line in prose_lines(text) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim().trim_end_matches('#'));
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// The targets of the links and images of a Markdown file: `[text](target)`,
/// `![alt](target)` and HTML `src="…"` / `href="…"`, outside code.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let prose = prose_lines(text).join("\n");
    for paragraph in prose.split("\n\n") {
        let paragraph = without_code_spans(paragraph);
        let mut rest = paragraph.as_str();
        while let Some(at) = rest.find("](") {
            let tail = &rest[at + 2..];
            let end = tail.find(')').unwrap_or(tail.len());
            targets.push(tail[..end].trim().to_string());
            rest = &tail[end..];
        }
        for attr in ["src=\"", "href=\""] {
            let mut rest = paragraph.as_str();
            while let Some(at) = rest.find(attr) {
                let tail = &rest[at + attr.len()..];
                let end = tail.find('"').unwrap_or(tail.len());
                targets.push(tail[..end].to_string());
                rest = &tail[end..];
            }
        }
    }
    targets
}

/// `base/target` with `.` and `..` resolved, relative to the repository;
/// None if it leaves the repository.
fn resolve(base: &Path, target: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in base.join(target).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[test]
fn every_relative_link_in_the_docs_leads_to_a_file_and_heading_that_exist() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let text = read(&file);
        let dir = file.parent().unwrap_or(Path::new(""));
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                Some(file.clone())
            } else {
                resolve(dir, path)
            };
            let Some(dest) = dest else {
                broken.push(format!(
                    "{}: {target}: outside the repository",
                    file.display()
                ));
                continue;
            };
            if !repo().join(&dest).exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && dest.extension().is_some_and(|e| e == "md")
                && !anchors(&read(&dest)).contains(anchor)
            {
                broken.push(format!(
                    "{}: {target}: no heading with this anchor in {}",
                    file.display(),
                    dest.display()
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn links_are_found_outside_code_only() {
    let text = "A `[not](a.md) over\na line` and [one](b.md#x).\n\n```\n[nor](c.md)\n```\n<img src=\"d.png\">\n";
    assert_eq!(link_targets(text), ["b.md#x", "d.png"]);
}

#[test]
fn heading_anchors_follow_githubs_rules() {
    assert_eq!(slug("The log's state"), "the-logs-state");
    assert_eq!(
        slug("Netlify, Cloudflare Pages"),
        "netlify-cloudflare-pages"
    );
    assert_eq!(
        slug("The embedded default in `data/`"),
        "the-embedded-default-in-data"
    );
    assert_eq!(
        slug("One judgment, two implementations"),
        "one-judgment-two-implementations"
    );
    assert_eq!(slug("证书编号（附件5）与 QR 码"), "证书编号附件5与-qr-码");
    assert_eq!(slug("[Deploy](docs/deploy.md) now"), "deploy-now");
    let numbered = anchors("# A\n```\n# not a heading\n```\n## A\n### A\n");
    assert_eq!(
        numbered,
        ["a", "a-1", "a-2"].map(String::from).into_iter().collect()
    );
}
