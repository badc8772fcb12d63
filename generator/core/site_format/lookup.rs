//! One lookup over the files a site serves, as an auditor, a mirror or
//! another verifier makes it: which files a code's lookup reads, checked
//! against the snapshot with [`check_lookup`](super::snapshot::check_lookup),
//! and which of their lines to judge. The lines are then judged by a
//! [`Verifier`](crate::trust::verifier::Verifier) like any dataset. The
//! page's twin is `site-templates/js/lookup.js` (`docs/formats.md`,
//! "Judging one lookup").

use std::path::Path;

use crate::domain::code::CertCode;
use crate::site_format::shard::ShardScheme;
use crate::site_format::{INSTITUTION_DIR, SHARD_DIR};
use crate::trust::canonical::Json;
use crate::trust::dataset::{self, SourcedLine};
use crate::trust::envelope::Envelope;
use crate::trust::problem::Problem;
use crate::trust::rules::Rule;
use crate::trust::statement::Snapshot;

/// The files a lookup of one code reads besides `snapshot.jsonl`, as paths
/// in the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupFiles {
    /// The code's shard, `c/<hex>.jsonl`.
    pub shard: String,
    /// Its index: the bucket of the snapshot's shard tree that holds it.
    pub shard_index: u32,
    /// The issuer's statements, `i/<filing number>.jsonl`.
    pub issuer: String,
}

/// A certificate code as lookups take it: canonical, or refused with why
/// (a malformed code is "not found" without reading any file).
pub fn canonical_code(code: &str) -> Result<String, Problem> {
    let parsed = CertCode::parse(code)
        .map_err(|e| Problem::file(Path::new(code), e.to_string()).rule(Rule::Code))?;
    let canonical = parsed.as_string();
    if canonical != code {
        return Err(
            Problem::file(Path::new(code), format!("证书编号应写作 {canonical}")).rule(Rule::Code),
        );
    }
    Ok(canonical)
}

/// The files a lookup of `code` (canonical) reads, by the snapshot's
/// shard bits. `None` when the snapshot's shape is impossible (a snapshot
/// read by `trust::snapshot::read` never is).
pub fn files(snapshot: &Snapshot, code: &str) -> Option<LookupFiles> {
    let (bits, _) = snapshot.shards.shape().ok()?;
    let scheme = ShardScheme {
        bits: u8::try_from(bits).ok()?,
    };
    let filing = code.get(..crate::domain::code::FILING_LEN)?;
    let shard_index = scheme.index(code);
    Some(LookupFiles {
        shard: format!("{SHARD_DIR}{}", scheme.name(shard_index)),
        shard_index,
        issuer: format!("{INSTITUTION_DIR}{filing}.jsonl"),
    })
}

/// The lines to judge for `code`: every line of the issuer's file, then
/// the lines of its shard whose statement's `code` is `code` (its
/// certificate and revocation; the shard's other certificates are not this
/// lookup's). A shard line that is not an envelope makes the whole shard
/// damaged: the problems are returned instead. Each line keeps its file
/// (`files`' paths) and line number, so that problems name them.
pub fn lines(
    code: &str,
    files: &LookupFiles,
    shard: &[u8],
    issuer: &[u8],
) -> Result<Vec<SourcedLine>, Vec<Problem>> {
    let (mut out, mut problems) = dataset::lines(Path::new(&files.issuer), issuer);
    let (shard_lines, bad) = dataset::lines(Path::new(&files.shard), shard);
    problems.extend(bad);
    for line in shard_lines {
        match Envelope::parse(&line.text) {
            Ok(env) => {
                if let Json::Obj(fields) = &env.statement
                    && matches!(fields.get("code"), Some(Json::Str(c)) if c == code)
                {
                    out.push(line);
                }
            }
            Err(e) => problems
                .push(Problem::line(&line.file, line.line, e.to_string()).rule(Rule::Envelope)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_taken_only_in_its_canonical_form() {
        let code = "Y000021013002243000042";
        assert_eq!(canonical_code(code).unwrap(), code);
        let lower = canonical_code("y000021013002243000042").unwrap_err();
        assert_eq!(lower.rule, Some(Rule::Code));
        assert!(lower.message.contains(code), "{}", lower.message);
        assert!(canonical_code("Y0000").is_err());
    }

    #[test]
    fn only_the_codes_own_lines_of_the_shard_are_judged() {
        let files = LookupFiles {
            shard: "c/0a.jsonl".into(),
            shard_index: 10,
            issuer: "i/Y000021013002.jsonl".into(),
        };
        let line = |code: &str| {
            format!(
                "{{\"kid\":\"00\",\"sig\":\"{}\",\"statement\":{{\"code\":\"{code}\",\"type\":\"certificate\"}}}}\n",
                "A".repeat(86) + "=="
            )
        };
        let ours = "Y000021013002243000042";
        let shard = line("Y000021023004243000001") + &line(ours) + &line(ours);
        let got = lines(ours, &files, shard.as_bytes(), b"{\"issuer\":1}\n").unwrap();
        let at: Vec<(String, usize)> = got
            .iter()
            .map(|l| (l.file.display().to_string(), l.line))
            .collect();
        assert_eq!(
            at,
            [
                ("i/Y000021013002.jsonl".to_string(), 1),
                ("c/0a.jsonl".to_string(), 2),
                ("c/0a.jsonl".to_string(), 3)
            ]
        );
        // A damaged line anywhere in the shard: the shard is damaged.
        let damaged = shard + "not json\n";
        let problems = lines(ours, &files, damaged.as_bytes(), b"").unwrap_err();
        assert_eq!(
            problems[0].to_string(),
            format!("c/0a.jsonl:4: {}", problems[0].message)
        );
        assert_eq!(problems[0].rule, Some(Rule::Envelope));
    }
}
