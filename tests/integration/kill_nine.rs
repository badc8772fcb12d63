//! `kill -9` at evenly spaced moments of a build that appends to the log,
//! and of `sign`: the site, the log's state and the dataset are each the
//! old one or the new one, never partial, and the next run completes.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use certsite_core::trust::statement::Statement;

use crate::build_site::{build_command, fixture, good_certs};
use crate::support::*;

/// How many moments of a run are tried.
const MOMENTS: u32 = 24;

/// Runs `cmd` and kills it (SIGKILL) after `after`, if it is still running.
fn run_and_kill(mut cmd: Command, after: Duration) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// How long one whole run of `make()` takes.
fn duration(make: &dyn Fn() -> Command) -> Duration {
    let start = Instant::now();
    let out = make().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// The bytes of every file under `dir`, by relative path, skipping the
/// temporary files a killed run may leave (`.*.tmp`, `.*.new-*`).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    if !dir.exists() {
        return Vec::new();
    }
    let temporary = |rel: &str| {
        rel.split('/').any(|part| {
            part.starts_with('.')
                && (part.ends_with(".tmp") || part.contains(".new-") || part.contains(".old-"))
        })
    };
    tree(dir)
        .into_iter()
        .filter(|(rel, _)| !temporary(rel))
        .collect()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_site_and_log() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let certs = good_certs(&w);
    // Before: two certificates published; the build adds the third.
    let data = fixture(dir.path(), &w, &certs[..2], &[]);
    let site = dir.path().join("public");
    let build = |data: &Path, site: &Path| build_command(data, site, "2026-11-30");
    let (code, _, err) = run(&mut build(&data, &site));
    assert_eq!(code, 0, "{err}");
    let old_log = files(&data.join("log"));
    let old_site = files(&site);
    write_lines(&data.join("certs.jsonl"), &certs);
    // The new state, from a copy.
    let reference = dir.path().join("reference");
    copy_dir(dir.path().join("data").as_path(), &reference.join("data"));
    copy_dir(&site, &reference.join("public"));
    let took = duration(&|| build(&reference.join("data"), &reference.join("public")));
    let new_log = files(&reference.join("data/log"));
    let new_site = files(&reference.join("public"));
    assert_ne!(old_log, new_log);

    let (mut old_seen, mut new_seen) = (0, 0);
    for i in 0..MOMENTS {
        let work = dir.path().join(format!("run{i}"));
        copy_dir(&data, &work.join("data"));
        for (rel, bytes) in &old_log {
            let p = work.join("data/log").join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        copy_dir(&site, &work.join("public"));
        run_and_kill(
            build(&work.join("data"), &work.join("public")),
            took * i / MOMENTS,
        );
        // The log's state is committed by its checkpoint: with the old one,
        // tiles the new run wrote ahead of it are only ever extra files.
        let log = files(&work.join("data/log"));
        let checkpoint =
            |t: &[(String, Vec<u8>)]| t.iter().find(|(p, _)| p == "checkpoint").cloned();
        if checkpoint(&log) == checkpoint(&new_log) {
            assert!(
                new_log.iter().all(|f| log.contains(f)),
                "moment {i}: new checkpoint, tiles missing"
            );
            new_seen += 1;
        } else {
            assert_eq!(
                checkpoint(&log),
                checkpoint(&old_log),
                "moment {i}: a third checkpoint"
            );
            assert!(
                old_log.iter().all(|f| log.contains(f)),
                "moment {i}: an old tile changed"
            );
            old_seen += 1;
        }
        let public = files(&work.join("public"));
        assert!(
            public == old_site || public == new_site,
            "moment {i}: a mixed site"
        );
        // And the next build completes, to the new state.
        let (code, _, err) = run(&mut build(&work.join("data"), &work.join("public")));
        assert_eq!(code, 0, "moment {i}: {err}");
        assert_eq!(files(&work.join("data/log")), new_log, "moment {i}");
        assert_eq!(files(&work.join("public")), new_site, "moment {i}");
        // Nothing of the killed run is left beside the site.
        let beside: Vec<String> = (fs::read_dir(&work).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public."))
            .collect();
        assert!(beside.is_empty(), "moment {i}: {beside:?}");
        fs::remove_dir_all(&work).unwrap();
    }
    eprintln!("killed {MOMENTS} builds: {old_seen} left the old log, {new_seen} the new");
    assert!(old_seen > 0, "no kill landed before the commit");
}

#[test]
fn sign_killed_at_any_moment_leaves_the_old_or_the_new_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let (root_key, input) = directory_to_sign(dir.path(), &w);
    let out = dir.path().join("directory.jsonl");
    let old = line(Statement::Institution(w.blower()), &w.root);
    fs::write(&out, format!("{old}\n")).unwrap();
    let sign = || {
        let mut cmd = certsite();
        cmd.args(["sign", "--key", root_key.to_str().unwrap()]);
        cmd.args([
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        cmd.args(["--date", "2024-01-01", "--replace"]);
        cmd
    };
    let took = duration(&sign);
    let new = fs::read(&out).unwrap();
    assert_ne!(new, format!("{old}\n").into_bytes());
    for i in 0..MOMENTS {
        fs::write(&out, format!("{old}\n")).unwrap();
        run_and_kill(sign(), took * i / MOMENTS);
        let now = fs::read(&out).unwrap();
        assert!(
            now == new || now == format!("{old}\n").into_bytes(),
            "moment {i}: partial dataset"
        );
    }
}
