//! The service worker (`sw.js`, at the site's root so that its scope is the
//! whole site): what keeps a site opened once working offline. It is this
//! build's: it names the shell it stores and the hash of each file, and its
//! own bytes change whenever any of them does, which is how browsers learn
//! of a new build.

use sha2::{Digest, Sha256};

use certsite_core::site_format::Files;
use certsite_core::site_format::{SERVICE_WORKER, SNAPSHOT_FILE};
use certsite_core::trust::keys::hex;

const SOURCE: &str = include_str!("../../site-templates/sw.js");

/// Pages stored at install, in each language's folder (`""` and `en/`).
const SHELL_PAGES: &[&str] = &[
    "index.html",
    "verify/index.html",
    "batch/index.html",
    "directory/index.html",
];

/// The files a visitor needs offline before looking anything up: the
/// lookup pages, every asset (content-hashed, small) and the snapshot.
fn shell(files: &Files) -> Vec<(&str, String)> {
    files
        .iter()
        .filter(|(path, _)| {
            path.starts_with("assets/")
                || *path == SNAPSHOT_FILE
                || SHELL_PAGES.contains(&path.strip_prefix("en/").unwrap_or(path))
        })
        .map(|(path, bytes)| (path.as_str(), hex(&Sha256::digest(bytes))))
        .collect()
}

/// Adds `sw.js` for the site in `files` (pages, assets and snapshot made).
pub(crate) fn add_service_worker(files: &mut Files) {
    let shell = shell(files);
    let mut hasher = Sha256::new();
    for (path, sha256) in &shell {
        hasher.update(format!("{path}\0{sha256}\0"));
    }
    let version = hex(&hasher.finalize())[..16].to_string();
    let list = serde_json::to_string(&shell).expect("strings serialise");
    let script = SOURCE
        .replace("{{ version }}", &format!("\"{version}\""))
        .replace("{{ shell }}", &list);
    files.insert(SERVICE_WORKER.to_string(), script.into_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(snapshot: &str) -> Files {
        [
            ("index.html", "home"),
            ("verify/index.html", "verify"),
            ("en/verify/index.html", "verify in English"),
            ("assets/js-1/verify-page.js", "code"),
            ("snapshot.jsonl", snapshot),
            ("c/00.jsonl", "shard"),
            ("directory/Y000021013002.html", "institution"),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect()
    }

    fn worker(files: &mut Files) -> String {
        add_service_worker(files);
        String::from_utf8(files[SERVICE_WORKER].clone()).unwrap()
    }

    #[test]
    fn the_worker_names_this_builds_shell_and_changes_with_it() {
        let a = worker(&mut site("one"));
        assert!(!a.contains("{{"), "{a}");
        for path in [
            "\"index.html\"",
            "\"verify/index.html\"",
            "\"en/verify/index.html\"",
            "\"assets/js-1/verify-page.js\"",
            "\"snapshot.jsonl\"",
        ] {
            assert!(a.contains(path), "{path} in the shell");
        }
        assert!(
            !a.contains("c/00.jsonl") && !a.contains("Y000021013002"),
            "data is stored as fetched, not at install"
        );
        let sha = hex(&Sha256::digest(b"one"));
        assert!(
            a.contains(&format!("[\"snapshot.jsonl\",\"{sha}\"]")),
            "{a}"
        );
        let b = worker(&mut site("two"));
        assert_ne!(a, b, "a new snapshot is a new worker");
        assert_eq!(a, worker(&mut site("one")), "deterministic");
    }
}
