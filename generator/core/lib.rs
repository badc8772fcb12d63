#![warn(unreachable_pub, missing_docs, clippy::too_many_lines)]
//! # certsite-core
//!
//! The rules and formats of certsite, for anyone who verifies its files: the
//! `certsite` command itself, an auditor, another province, the national
//! query system. Bytes and lines in, verdicts and problems out: this crate
//! reads no file, opens no connection and knows no command line.
//!
//! ## Modules, lowest first
//!
//! - [`domain`]: the notice's vocabulary (辽人社〔2020〕22号), with no
//!   knowledge of signatures: [`domain::code`] (证书编码 and 机构备案号,
//!   附件5), [`domain::level`], [`domain::occupation`] (the skill
//!   catalogue), [`domain::id_document`] (GB 11643), [`domain::dates`],
//!   [`domain::text`].
//! - [`trust`]: statements and every rule of the trust chain, the Rust twin
//!   of the browser verifier: [`trust::canonical`] (RFC 8785),
//!   [`trust::keys`] (Ed25519, key ids, key file text),
//!   [`trust::statement`], [`trust::envelope`], [`trust::dataset`] (JSON
//!   Lines with their origin), [`trust::chain`] (who may sign what),
//!   [`trust::verifier`] (the one entry point), [`trust::snapshot`] (a
//!   site's signed snapshot, read from the root), [`trust::privacy`] (masks
//!   and slow hashes), [`trust::problem`] (file, line, field),
//!   [`trust::rules`] (every rule by name) and [`trust::messages`] (the
//!   JSON parser's, serde's and the base64 decoder's errors in Chinese).
//! - [`log`]: the append-only log in the C2SP tlog-tiles layout and the
//!   snapshot's keyed trees.
//! - [`site_format`]: a published site's file names, its certificate shards
//!   and its signed snapshot, with the checks a visitor's page makes before
//!   it judges a lookup.
//! - [`constants`]: format magic in one place.
//!
//! The formats are specified in `docs/formats.md` of the repository; the
//! shared test vectors (`tests/vectors/`) bind this crate and the browser,
//! whose client (`site-templates/js/`) implements the same rules.
//!
//! ## Verifying a dataset
//!
//! The caller reads the files; the core splits their bytes into lines that
//! remember file and line, and judges them against a root key. Here, the
//! embedded demo's root key, directory and one certificate:
//!
//! ```
//! use std::path::Path;
//! use certsite_core::constants::MIN_ITERATIONS;
//! use certsite_core::trust::dataset;
//! use certsite_core::trust::keys::PublicKey;
//! use certsite_core::trust::options::VerifyOptions;
//! use certsite_core::trust::verifier::Verifier;
//!
//! // The root key, pinned out of band (its fingerprint is printed on the
//! // certificates and published by the authority).
//! let root = PublicKey::from_file_text(include_str!("../../data/root.pub"), Some("pub"))?;
//! let verifier = Verifier {
//!     root,
//!     options: VerifyOptions { today: jiff::civil::date(2026, 12, 7), min_iterations: MIN_ITERATIONS },
//! };
//! let directory = include_bytes!("../../data/directory/institutions.jsonl");
//! let roster = include_str!("../../data/certificates/Y000021012001.jsonl");
//! let (mut lines, mut problems) = dataset::lines(Path::new("institutions.jsonl"), directory);
//! let first = roster.lines().next().unwrap();
//! let (more, bad) = dataset::lines(Path::new("Y000021012001.jsonl"), first.as_bytes());
//! lines.extend(more);
//! problems.extend(bad);
//!
//! let verified = verifier.verify(lines, problems);
//! assert!(verified.problems.is_empty());
//! let certificate = &verified.chain.certificates["Y000021012001205000001"];
//! assert_eq!(certificate.statement.institution, "华晨汽车集团控股有限公司");
//!
//! // A line altered by one character no longer verifies, and says where.
//! let forged = first.replace("华晨", "华辰");
//! let (lines, problems) = dataset::lines(Path::new("forged.jsonl"), forged.as_bytes());
//! let verified = verifier.verify(lines, problems);
//! assert!(verified.chain.certificates.is_empty());
//! assert!(verified.problems.iter().all(|p| p.to_string().starts_with("forged.jsonl:1: ")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Checking a lookup as a visitor's page does
//!
//! A site commits to every file a verdict reads with a snapshot signed by
//! the publisher's log key, which the root lists.
//! [`site_format::snapshot::check_lookup`] checks, over whatever the host
//! serves, that the code is canonical, that the snapshot is the root's and
//! this site's (its log's origin: [`site_format::snapshot::origin`] of the
//! site's base URL), and that the certificate's shard and its issuer's file
//! are the ones the snapshot commits to. [`site_format::lookup::lines`]
//! then keeps the issuer's statements and the shard's lines of this code
//! (a shard holds other certificates too), which are judged as above. The
//! files may come from disk, a mirror or the network: the caller hands
//! them in (`tests/integration/core_lookup.rs` runs this on the demo site).
//!
//! ```no_run
//! use certsite_core::domain::dates::today_in_china;
//! use certsite_core::site_format::{lookup, snapshot};
//! use certsite_core::trust::keys::PublicKey;
//! use certsite_core::trust::options::VerifyOptions;
//! use certsite_core::trust::verifier::Verifier;
//!
//! let root = PublicKey::from_file_text(&std::fs::read_to_string("root.pub")?, Some("pub"))?;
//! let site = std::path::Path::new("public");
//! let get = |path: &str| std::fs::read(site.join(path)).ok();
//! let code = "Y000021012001204000001";
//!
//! let origin = snapshot::origin("https://certsite.example/");
//! let trusted = snapshot::check_lookup(&root, &origin, &get, code)?;
//! let files = lookup::files(&trusted.snapshot, code).expect("a snapshot that was read");
//! let (shard, issuer) = (get(&files.shard).unwrap(), get(&files.issuer).unwrap());
//! let lines = lookup::lines(code, &files, &shard, &issuer).expect("an undamaged shard");
//!
//! let options = VerifyOptions { today: today_in_china(), min_iterations: 1_000_000 };
//! let verified = Verifier { root, options }.verify(lines, Vec::new());
//! match (verified.chain.certificates.get(code), verified.chain.revocations.get(code)) {
//!     (Some(_), None) => println!("{code}: 证书有效（数据截至 {}）", trusted.snapshot.data_date),
//!     (Some(_), Some(r)) => println!("{code}: 已撤销 {}", r.statement.revoked_on),
//!     (None, _) if verified.problems.is_empty() => println!("{code}: 未找到"),
//!     (None, _) => println!("{code}: {}", verified.problems[0]),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod constants;
pub mod domain;
pub mod log;
pub mod site_format;
pub mod trust;
