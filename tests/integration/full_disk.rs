//! A full disk: each command that writes, run on a small tmpfs (a mount
//! namespace of its own, `unshare -Urm`, so no privileges are needed),
//! stops with a clear message, leaves what was there byte for byte and
//! nothing behind, and succeeds once there is space. Where the kernel
//! allows no user namespaces the tests say SKIPPED and why.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build_site::{fixture, good_certs};
use crate::support::*;

/// Why a disk cannot be filled here, if it cannot.
fn cannot_fill_a_disk(dir: &Path) -> Option<String> {
    let probe = dir.join("probe");
    fs::create_dir_all(&probe).unwrap();
    let out = Command::new("unshare")
        .args([
            "-Urm",
            "sh",
            "-c",
            "mount -t tmpfs -o size=64k tmpfs \"$1\"",
            "sh",
        ])
        .arg(&probe)
        .output();
    match out {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Some(format!("unshare: {e}")),
    }
}

/// Kilobytes `path` takes on a tmpfs (every file at least a 4 KiB page).
fn kib(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let len = e.metadata().unwrap().len();
            if e.file_type().is_dir() {
                4
            } else {
                len.div_ceil(4096).max(1) * 4
            }
        })
        .sum()
}

/// What a run on the small disk saw: the command's exit status and
/// standard error while the disk was full, every file (path and SHA-256)
/// before and after it, and the exit status once the disk was grown.
struct Run {
    full_code: i32,
    full_err: String,
    before: String,
    after: String,
    grown_code: i32,
    grown_err: String,
}

/// Copies `inputs` (name → folder or file) onto a tmpfs mounted at `disk`
/// (with a page of filler: a tmpfs of size 0 would have no limit) and
/// leaves `free_kib` free, runs `args` there (`$D` is the disk's path),
/// then grows the free space to `grown_kib` and runs them again.
fn on_small_disk(
    work: &Path,
    inputs: &[(&str, &Path)],
    free_kib: u64,
    grown_kib: u64,
    args: &str,
) -> Run {
    let disk = work.join("disk");
    fs::create_dir_all(&disk).unwrap();
    let copies: String = (inputs.iter())
        .map(|(name, from)| format!("cp -a '{}' \"$D/{name}\"\n", from.display()))
        .collect();
    let tree = "(cd \"$D\" && find . -type f | LC_ALL=C sort | xargs -r sha256sum)";
    let script = format!(
        "set -e\nD='{d}'\nO='{o}'\nmount -t tmpfs -o size=1g tmpfs \"$D\"\n{copies}\
         head -c 4096 /dev/zero > \"$D/.fill\"\n\
         used=$(df -k \"$D\" | awk 'NR==2{{print $3}}')\n\
         mount -o remount,size=$((used + {free_kib}))k \"$D\"\n\
         {tree} > \"$O/before\"\nset +e\n'{bin}' {args} > \"$O/out1\" 2> \"$O/err1\"\necho $? > \"$O/rc1\"\n\
         {tree} > \"$O/after\"\nmount -o remount,size=$((used + {grown_kib}))k \"$D\"\n\
         '{bin}' {args} > \"$O/out2\" 2> \"$O/err2\"\necho $? > \"$O/rc2\"\n",
        d = disk.display(),
        bin = env!("CARGO_BIN_EXE_certsite"),
        o = work.display(),
    );
    let out = Command::new("unshare")
        .args(["-Urm", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| fs::read_to_string(work.join(name)).unwrap_or_default();
    Run {
        full_code: read("rc1").trim().parse().unwrap(),
        full_err: read("err1"),
        before: read("before"),
        after: read("after"),
        grown_code: read("rc2").trim().parse().unwrap(),
        grown_err: read("err2"),
    }
}

impl Run {
    /// Stopped with the disk's own words, changed nothing and left
    /// nothing, then succeeded with room.
    fn holds(&self, what: &str) {
        assert_ne!(self.full_code, 0, "{what}: succeeded on a full disk");
        assert!(
            self.full_err.contains("磁盘空间不足"),
            "{what}: {}",
            self.full_err
        );
        assert!(
            !self.full_err.contains("panicked"),
            "{what}: {}",
            self.full_err
        );
        let (before, after): (Vec<&str>, Vec<&str>) =
            (self.before.lines().collect(), self.after.lines().collect());
        let changed: Vec<&&str> = (after.iter())
            .filter(|l| !before.contains(l))
            .chain(before.iter().filter(|l| !after.contains(l)))
            .collect();
        assert!(
            changed.is_empty(),
            "{what}: changed a file or left one behind: {changed:?}"
        );
        assert_eq!(self.grown_code, 0, "{what} with room: {}", self.grown_err);
    }
}

/// A built fixture: its data folder and its site, on the real disk.
fn built(dir: &Path) -> (PathBuf, PathBuf) {
    let w = World::new();
    let data = fixture(dir, &w, &good_certs(&w), &[]);
    let site = dir.join("public");
    let (code, out, err) = crate::build_site::build(&data, &site, &[]);
    assert_eq!(code, 0, "{out}{err}");
    (data, site)
}

#[test]
fn a_build_on_a_full_disk_keeps_the_site_and_the_log_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    if let Some(why) = cannot_fill_a_disk(dir.path()) {
        eprintln!("SKIPPED: no mount namespace for a small disk here ({why})");
        return;
    }
    let (data, site) = built(dir.path());
    // Room for part of a second site beside the first, not all of it.
    let run = on_small_disk(
        dir.path(),
        &[("data", &data), ("public", &site)],
        kib(&site) / 2,
        kib(&site) * 4,
        "build --data \"$D/data\" --out \"$D/public\" --today 2026-11-30",
    );
    eprintln!("build on a full disk: {}", run.full_err.trim());
    run.holds("build");
}

/// A command to run on a small disk: its name, the inputs copied onto the
/// disk, the room left (KiB), and its arguments.
type Case<'a> = (&'a str, Vec<(&'a str, &'a Path)>, u64, String);

/// Every other command that writes, each on a disk with no room left for
/// what it writes: the keys of `keygen`, a new deployment of `init`, the
/// QR codes of `build --qr-out` and of `qr`, the workbook of `report`, and
/// the publisher statement `log authorize` appends.
#[test]
fn every_command_that_writes_stops_cleanly_on_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    if let Some(why) = cannot_fill_a_disk(dir.path()) {
        eprintln!("SKIPPED: no mount namespace for a small disk here ({why})");
        return;
    }
    let (data, site) = built(dir.path());
    let w = World::new();
    let publisher = dir.path().join("publisher.jsonl");
    fs::copy(data.join("publisher.jsonl"), &publisher).unwrap();
    let data_arg = data.display().to_string();
    // A directory (附件4) to sign into a dataset that is already there.
    let (root_key, directory) = directory_to_sign(dir.path(), &w);
    let signed = dir.path().join("signed");
    fs::create_dir_all(&signed).unwrap();
    fs::copy(data.join("directory.jsonl"), signed.join("directory.jsonl")).unwrap();
    let cases: Vec<Case> = vec![
        ("keygen", vec![], 0, "keygen --out \"$D/k\"".into()),
        (
            "demo",
            vec![],
            64,
            "demo --out \"$D/demo\" --count 20 --iterations 1000 --insecure-low-iterations".into(),
        ),
        (
            "sign",
            vec![("signed", &signed)],
            0,
            format!(
                "sign --key '{}' --input '{}' --out \"$D/signed/new.jsonl\" --date 2024-01-01",
                root_key.display(),
                directory.display()
            ),
        ),
        (
            "init",
            vec![],
            8,
            "init \"$D/new\" --title t --authority a --base-url https://x.example/".into(),
        ),
        (
            "build --qr-out",
            vec![("data", &data), ("public", &site)],
            0,
            "build --data \"$D/data\" --out \"$D/public\" --today 2026-11-30 --qr-out \"$D/qr\""
                .into(),
        ),
        (
            "qr",
            vec![],
            0,
            format!("qr Y000021013002243000001 --data '{data_arg}' --out \"$D/q.png\""),
        ),
        (
            "report",
            vec![],
            0,
            format!(
                "report --institution Y000021013002 --month 2024-03 --data '{data_arg}' --today 2026-11-30 --out \"$D/r.xlsx\""
            ),
        ),
        (
            "log authorize",
            vec![("publisher.jsonl", &publisher)],
            0,
            format!(
                "log authorize --key '{}' --log-key '{} 2026-11-01' --name x --base-url https://certsite.example/sub/ --date 2026-11-20 --out \"$D/publisher.jsonl\"",
                root_key.display(),
                data.join("keys/log.pub").display()
            ),
        ),
    ];
    for (what, inputs, free, args) in cases {
        let work = dir.path().join(what.replace(' ', "-"));
        fs::create_dir_all(&work).unwrap();
        let run = on_small_disk(&work, &inputs, free, 4096, &args);
        eprintln!("{what} on a full disk: {}", run.full_err.trim());
        run.holds(what);
    }
}
