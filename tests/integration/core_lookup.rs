//! An auditor's lookup with `certsite-core` alone, as its crate docs show
//! it: the snapshot, the shard and the issuer's file of a built site,
//! checked and judged without the `certsite` binary's code.

use std::path::Path;

use certsite_core::domain::dates::today_in_china;
use certsite_core::site_format::{lookup, snapshot};
use certsite_core::trust::keys::PublicKey;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::verifier::{Verified, Verifier};

use crate::support::*;

/// What an auditor concludes about `code` from the site in `site`.
fn judge(site: &Path, code: &str) -> Result<Verified, String> {
    let text = std::fs::read_to_string(repo().join("data/root.pub")).unwrap();
    let root = PublicKey::from_file_text(&text, Some("pub")).unwrap();
    let get = |path: &str| std::fs::read(site.join(path)).ok();
    let origin = snapshot::origin("https://certsite.example/");
    let trusted = snapshot::check_lookup(&root, &origin, get, code).map_err(|e| e.to_string())?;
    let files = lookup::files(&trusted.snapshot, code).unwrap();
    let (shard, issuer) = (get(&files.shard).unwrap(), get(&files.issuer).unwrap());
    let lines = lookup::lines(code, &files, &shard, &issuer).map_err(|p| format!("{}", p[0]))?;
    let options = VerifyOptions {
        today: today_in_china(),
        min_iterations: certsite_core::constants::MIN_ITERATIONS,
    };
    Ok(Verifier { root, options }.verify(lines, Vec::new()))
}

#[test]
fn an_auditor_judges_a_lookup_with_the_core_alone() {
    let dir = tempfile::tempdir().unwrap();
    let site = demo_site(dir.path());

    // A valid certificate: judged alone, although its shard holds others.
    let valid = "Y000021012001204000001";
    let verified = judge(&site, valid).unwrap();
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    assert_eq!(verified.chain.certificates.len(), 1);
    assert!(verified.chain.revocations.is_empty());

    // A revoked one.
    let revoked = "Y001121011001224000001";
    let verified = judge(&site, revoked).unwrap();
    assert!(verified.chain.certificates.contains_key(revoked));
    assert!(verified.chain.revocations.contains_key(revoked));

    // A code no shard holds: nothing to judge, nothing wrong.
    let verified = judge(&site, "Y000021012001204999999").unwrap();
    assert!(verified.chain.certificates.is_empty() && verified.problems.is_empty());

    // A code not written canonically is refused before any file is read.
    let e = judge(&site, &valid.to_lowercase()).unwrap_err();
    assert!(e.contains(valid), "{e}");

    // One character changed in the shard: not the file the snapshot signed.
    let text = std::fs::read_to_string(repo().join("data/root.pub")).unwrap();
    let root = PublicKey::from_file_text(&text, Some("pub")).unwrap();
    let get = |path: &str| std::fs::read(site.join(path)).ok();
    let origin = snapshot::origin("https://certsite.example/");
    let trusted = snapshot::check_lookup(&root, &origin, get, valid).unwrap();
    let files = lookup::files(&trusted.snapshot, valid).unwrap();
    let shard = site.join(&files.shard);
    let edited = std::fs::read_to_string(&shard).unwrap().replacen(
        "\"issued_on\":\"20",
        "\"issued_on\":\"19",
        1,
    );
    std::fs::write(&shard, edited).unwrap();
    let get = |path: &str| std::fs::read(site.join(path)).ok();
    let e = snapshot::check_lookup(&root, &origin, get, valid).unwrap_err();
    let snapshot::LookupFailure::Refused(p) = &e else {
        panic!("{e}")
    };
    assert_eq!(p.rule, Rule::SnapshotFiles, "{e}");
}
