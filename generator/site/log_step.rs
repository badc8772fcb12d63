//! The log step of a build, between render and write: append what this
//! build publishes to the log kept in the data folder (refusing a build that
//! drops or edits a published statement), sign the checkpoint and the
//! snapshot with the publisher's log key, and publish the log's tiles under
//! `log/`. The state's new tiles are written before the site and its
//! checkpoint after it, so an interrupted build leaves the state as it was
//! (tile names never change content, and the next build writes the same).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::data::dataset::write_atomic;
use crate::error::{FsAction, FsContext, FsError};
use crate::log::state::{Appended, LogError, LogState};
use crate::log::witness::{AddError, add_checkpoint, request_body};
use crate::site::error::BuildError;
use crate::site::load::Loaded;
use crate::site::write::write_site;
use crate::staging::Placed;
use certsite_core::log::cosignature::{Witness, cosigned_by, distinct, split_note};
use certsite_core::log::merkle::{consistency_proof, leaf_hash};
use certsite_core::log::note;
use certsite_core::log::tiles::parse_tile_path;
use certsite_core::site_format::snapshot::origin;
use certsite_core::site_format::{CHECKPOINT, Files, LOG_DIR};
use certsite_core::trust::chain::{Chain, ReviewState};
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::LogHead;

/// Every line the site serves, in the order new statements enter the log:
/// publisher statements, institution statements (by filing number, oldest
/// first), city statements (by city code, oldest first), certificates with
/// their reviews and revocations (by code).
pub(crate) fn published_lines(chain: &Chain) -> Vec<&str> {
    let mut lines: Vec<&str> = chain.publisher.iter().map(|p| p.raw.as_str()).collect();
    for history in chain.history.values() {
        lines.extend(history.iter().map(|s| s.raw.as_str()));
    }
    for history in chain.cities.values() {
        lines.extend(history.iter().map(|s| s.raw.as_str()));
    }
    for (code, c) in &chain.certificates {
        lines.push(&c.raw);
        if let Some(r) = chain.reviews.get(code) {
            lines.push(&r.raw);
        }
        if let Some(r) = chain.revocations.get(code) {
            lines.push(&r.raw);
        }
    }
    lines
}

/// The log after this build, ready to be written.
pub(crate) struct LogPlan {
    state: PathBuf,
    appended: Appended,
    checkpoint: String,
    /// Witnesses have seen the checkpoint: it is history from now on.
    witnessed: bool,
}

/// Where the publisher's secret log key is: `--log-key`, else the config.
fn key_path(loaded: &Loaded, data: &Path, flag: Option<&Path>) -> Result<PathBuf, BuildError> {
    match (flag, &loaded.config.log.key) {
        (Some(p), _) => Ok(p.to_path_buf()),
        (None, Some(p)) => Ok(data.join(p)),
        (None, None) => Err(BuildError::NoLogKey),
    }
}

/// Certificates dated before their city's cut-over (审核要求起始日) that
/// this build would publish for the first time. The cut-over exempts what a
/// province had published before reviews began; a certificate first
/// published after it is dated by its issuer, who could date it back into
/// the exempt days to skip its review. The page cannot tell (it does not
/// read the log's entries); the publisher can, so it refuses. A first build
/// (an empty log) establishes what was published before.
fn backdated(chain: &Chain, log: &LogState) -> Vec<Problem> {
    if log.leaves.is_empty() {
        return Vec::new();
    }
    let logged: HashSet<&[u8; 32]> = log.leaves.iter().collect();
    (chain.certificates.iter())
        .filter(|(code, _)| matches!(chain.review_state(code), ReviewState::BeforeCutOver(_)))
        .filter(|(_, c)| !logged.contains(&leaf_hash(c.raw.as_bytes())))
        .map(|(code, c)| {
            let from = chain
                .city_of(code)
                .and_then(|city| city.statement.reviews_from.clone())
                .unwrap_or_default();
            Problem::field(
                &c.file,
                c.line,
                "issued_on",
                format!(
                    "证书 {code} 的发证日期 {} 早于所在市的审核要求起始日 {from}，却是第一次发布：审核要求实施后新发布的证书都须经所在市审核，请交所在市审核后再发布",
                    c.statement.issued_on
                ),
            )
        })
        .collect()
}

/// The log's state with this build's statements appended and the checkpoint
/// signed by the log key (not yet witnessed); the key, for the snapshot.
fn append_and_sign(
    chain: &Chain,
    loaded: &Loaded,
    key_flag: Option<&Path>,
) -> Result<(LogPlan, SecretKey), BuildError> {
    let data = &loaded.folder.path;
    let path = key_path(loaded, data, key_flag)?;
    let key = crate::key_files::read_secret(&path)
        .map_err(|e| BuildError::LogKey(path.clone(), e.to_string()))?;
    let state = data.join(&loaded.config.log.state);
    let log = LogState::open(&state)?;
    let late = backdated(chain, &log);
    if !late.is_empty() {
        return Err(BuildError::Problems(late));
    }
    let appended = log.append(&published_lines(chain))?;
    let origin = origin(&loaded.config.base_url);
    let body = note::checkpoint_text(&origin, appended.size as u64, &appended.root);
    let plan = LogPlan {
        state,
        checkpoint: note::sign(&body, &origin, &key),
        appended,
        witnessed: false,
    };
    Ok((plan, key))
}

/// Appends to the log and signs its checkpoint, witnessed when witnesses
/// are configured. Nothing is written yet. Returns the key, for the snapshot.
pub(crate) fn prepare(
    chain: &Chain,
    loaded: &Loaded,
    key_flag: Option<&Path>,
) -> Result<(LogPlan, SecretKey), BuildError> {
    let (plan, key) = append_and_sign(chain, loaded, key_flag)?;
    let signed = plan.checkpoint.clone();
    let checkpoint = witnessed(loaded, &plan.state, &plan.appended, signed.clone())?;
    let witnessed = checkpoint != signed;
    Ok((
        LogPlan {
            checkpoint,
            witnessed,
            ..plan
        },
        key,
    ))
}

impl LogPlan {
    /// The log's size and root after this build, as the snapshot names them.
    pub(crate) fn head(&self) -> LogHead {
        LogHead {
            size: self.appended.size as i64,
            root: STANDARD.encode(self.appended.root),
        }
    }

    /// Adds the checkpoint to the site's files.
    pub(crate) fn add_checkpoint(&self, files: &mut Files) {
        files.insert(
            format!("{LOG_DIR}{CHECKPOINT}"),
            self.checkpoint.clone().into_bytes(),
        );
    }
}

/// The checkpoint with the configured witnesses' cosignatures: each is
/// asked (tlog-witness add-checkpoint, from the size it last saw, with the
/// consistency proof); fewer valid cosignatures than the quorum fail the
/// build. An unchanged checkpoint keeps the cosignatures it already has.
fn witnessed(
    loaded: &Loaded,
    state: &Path,
    appended: &Appended,
    checkpoint: String,
) -> Result<String, BuildError> {
    let cfg = &loaded.config.log;
    if cfg.witnesses.is_empty() {
        return Ok(checkpoint);
    }
    let witnesses = cfg
        .witnesses
        .iter()
        .enumerate()
        .map(|(i, w)| {
            Witness::from_vkey(&w.vkey)
                .map(|v| (v, w.url.as_str()))
                .map_err(|e| {
                    let file = loaded.folder.path.join(crate::data::config::CONFIG_FILE);
                    format!(
                        "{}：[[log.witnesses]] 第 {} 项 vkey：{e}",
                        file.display(),
                        i + 1
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(BuildError::Log)?;
    let all: Vec<Witness> = witnesses.iter().map(|(w, _)| w.clone()).collect();
    let quorum = cfg.quorum.unwrap_or(distinct(&all));
    let body = split_note(&checkpoint)
        .map(|(b, _)| b.to_string())
        .unwrap_or_default();
    if let Ok(previous) = std::fs::read_to_string(state.join(CHECKPOINT))
        && split_note(&previous).is_some_and(|(b, _)| b == body)
        && cosigned_by(&previous, &all) >= quorum
    {
        return Ok(previous);
    }
    let mut out = checkpoint.clone();
    let mut failures = Vec::new();
    for (w, url) in &witnesses {
        match ask(url, appended, &checkpoint) {
            Ok(lines) => {
                for l in lines.iter().filter(|l| w.verifies(&body, l)) {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Err(e) => failures.push(format!("{}：{e}", w.name)),
        }
    }
    let got = cosigned_by(&out, &all);
    if got < quorum {
        return Err(BuildError::Log(format!(
            "见证人副署不足：需要 {quorum} 个，得到 {got} 个。{}",
            failures.join("；")
        )));
    }
    Ok(out)
}

/// One witness, from the size this log last published, then (on a 409)
/// from the size the witness says it saw.
fn ask(url: &str, appended: &Appended, checkpoint: &str) -> Result<Vec<String>, String> {
    let mut old = appended.old_size;
    for _ in 0..2 {
        let proof = consistency_proof(old, &appended.leaves);
        match add_checkpoint(url, &request_body(old, &proof, checkpoint)) {
            Ok(lines) => return Ok(lines),
            Err(AddError::Conflict(seen)) if seen != old && seen <= appended.size => old = seen,
            Err(AddError::Conflict(seen)) => {
                return Err(format!("见证人见过 {seen} 条，与本日志不符"));
            }
            Err(AddError::Refused(e)) => return Err(e),
        }
    }
    Err("见证人两次拒绝".into())
}

impl LogPlan {
    /// Entries before and after this build.
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.appended.old_size, self.appended.size)
    }

    /// Writes the state's new tiles; returns what it created, for [`LogPlan::undo`].
    pub(crate) fn write_tiles(&self) -> Result<Vec<PathBuf>, FsError> {
        let mut created = Vec::new();
        for (rel, bytes) in &self.appended.new_files {
            let path = self.state.join(rel);
            if let Err(e) = write_tile(&path, bytes) {
                Self::undo(&created);
                return Err(e);
            }
            created.push(path);
        }
        Ok(created)
    }

    /// Removes tiles a failed build created.
    pub(crate) fn undo(created: &[PathBuf]) {
        for path in created {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Every tile of the state, as `(site path, file)`, for the site to copy:
    /// files named in the tlog-tiles layout only.
    pub(crate) fn linked(&self) -> Result<Vec<(String, PathBuf)>, FsError> {
        let tiles = self.state.join("tile");
        if !tiles.is_dir() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(&tiles).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&tiles).to_path_buf();
                FsError {
                    action: FsAction::List,
                    path,
                    source: e.into(),
                }
            })?;
            let rel = entry.path().strip_prefix(&self.state).expect("inside");
            let rel = rel.to_string_lossy().replace('\\', "/");
            // Only the tiles of the layout: anything else put there (a
            // file manager's litter, a mistyped --qr-out) is not the log's.
            if entry.file_type().is_file() && parse_tile_path(&rel).is_some() {
                out.push((format!("{LOG_DIR}{rel}"), entry.path().to_path_buf()));
            }
        }
        Ok(out)
    }

    /// Writes the site with the log: the state's new tiles first, then the
    /// site (swapped in whole, or updated in place: said by the result),
    /// then the state's checkpoint. A failure removes the tiles it wrote
    /// and leaves the old site and state, unless witnesses have already
    /// cosigned the checkpoint.
    pub(crate) fn publish(&self, out: &Path, files: &Files) -> Result<Placed, BuildError> {
        let created = self.write_tiles()?;
        if self.witnessed {
            // Witnesses have cosigned this checkpoint: the log is this long
            // now, whether or not the site is written, so that no later
            // build signs another history of the same length.
            self.commit()?;
            let linked = self.linked()?;
            return Ok(write_site(out, files, &linked)?);
        }
        let written = self
            .linked()
            .map_err(BuildError::from)
            .and_then(|linked| Ok(write_site(out, files, &linked)?));
        match written {
            Ok(placed) => {
                self.commit()?;
                Ok(placed)
            }
            Err(e) => {
                Self::undo(&created);
                Err(e)
            }
        }
    }

    /// Records the new size in the state: the last step of a build.
    pub(crate) fn commit(&self) -> Result<(), FsError> {
        write_atomic(&self.state.join(CHECKPOINT), self.checkpoint.as_bytes())
    }
}

impl From<LogError> for BuildError {
    fn from(e: LogError) -> BuildError {
        match e {
            LogError::Removed(list) => BuildError::Removed(LogError::Removed(list).to_string()),
            other => BuildError::Log(other.to_string()),
        }
    }
}

/// Starts (or extends) the log of a data folder as a build on `today`
/// would, without building a site: `demo` uses it so that its data folder
/// comes with its log. Returns the log's size.
pub(crate) fn start_log(data: &Path, today: jiff::civil::Date) -> Result<usize, BuildError> {
    let mut loaded = crate::site::load::load(data)?;
    let (chain, problems) = loaded
        .folder
        .verifier(today)
        .verify_lines(std::mem::take(&mut loaded.lines));
    if !problems.is_empty() {
        return Err(BuildError::Problems(problems));
    }
    let (plan, _) = append_and_sign(&chain, &loaded, None)?;
    plan.write_tiles()?;
    plan.commit()?;
    Ok(plan.appended.size)
}

/// Writes one tile under a temporary name and renames it into place, so a
/// tile is whole or absent. Not synced one by one (a first build writes
/// thousands): a crash before the checkpoint is synced leaves a state that
/// [`LogState::open`] recognises as damaged, never a silently wrong one.
fn write_tile(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).fs(FsAction::CreateDir, dir)?;
    let tmp = dir.join(format!(".tile.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).fs(FsAction::Write, path)?;
    std::fs::rename(&tmp, path)
        .fs(FsAction::Rename, path)
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}
