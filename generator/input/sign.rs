//! `certsite sign`: a spreadsheet in, a signed dataset out.
//!
//! Every row is checked (and, with a data folder, checked against the signed
//! directory exactly as `verify` and the build will check it) before the slow
//! hashes are computed. Any problem and nothing is written, unless the caller
//! asks to skip bad rows: then the good rows are signed and the bad ones are
//! listed, with what is wrong, in a reject file that can be fixed and signed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::data::dataset::{self, check_writable};
use crate::data::folder::DataFolder;
use crate::error::{FsAction, FsError};
use crate::input::roster::certificates::CertificateRow;
use crate::input::roster::{
    Columns, InputKind, certificates, cities, column_for, directory, revocations,
};
use crate::input::table::{Row, Table, TableError, read_table};
use crate::log::state::statement_summary;
use crate::staging::interrupted;
use certsite_core::domain::occupation::Catalogue;
use certsite_core::domain::text::first_few;
use certsite_core::trust::chain::Chain;
use certsite_core::trust::dataset::SourcedLine;
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::statement::Statement;
use certsite_core::trust::verifier::Verifier;

/// What to sign and how.
pub(crate) struct SignOptions<'a> {
    /// The signing key.
    pub key: &'a SecretKey,
    /// The spreadsheet.
    pub input: PathBuf,
    /// The dataset to write.
    pub out: PathBuf,
    /// The kind of input; detected from the headers when `None`.
    pub kind: Option<InputKind>,
    /// A data folder to check the new statements against (its configured root
    /// key, `root.pub` by default).
    pub data: Option<PathBuf>,
    /// PBKDF2 iterations of the holder hashes.
    pub iterations: u32,
    /// Privacy floor the chain check applies.
    pub min_iterations: u32,
    /// Sign the good rows and list the bad ones instead of failing.
    pub skip_invalid: bool,
    /// Where the reject list goes; default `<out>.rejects.csv`.
    pub rejects: Option<PathBuf>,
    /// Today (China time); nothing may be dated later.
    pub today: Date,
    /// The date institution statements carry (`issued_on`).
    pub statement_date: Date,
    /// Replace `out` even when it holds statements the input does not.
    pub replace: bool,
}

/// What a signing run found and did.
#[derive(Debug)]
pub(crate) struct SignReport {
    /// The kind of input.
    pub kind: InputKind,
    /// How the input was decoded.
    pub encoding: &'static str,
    /// Statements written.
    pub signed: usize,
    /// Rows left out.
    pub rejected: usize,
    /// Every problem found, sorted.
    pub problems: Vec<Problem>,
    /// Notes that do not stop signing (ignored columns, problems in the data folder).
    pub notes: Vec<String>,
    /// The reject file, when one was written.
    pub rejects_file: Option<PathBuf>,
}

/// Why nothing was written.
#[derive(Debug)]
pub(crate) enum SignError {
    /// The command cannot run: the input cannot be opened, the data folder
    /// or the key does not fit, or writing would destroy a file.
    Cannot(Problem),
    /// The input cannot be read as a table of its kind.
    Unusable(Vec<Problem>),
    /// Some rows are invalid and skipping was not asked for.
    Invalid(SignReport),
    /// Writing failed.
    Fs(FsError),
}

/// One statement to be, with the input lines it comes from.
struct Item {
    /// The line problems about the whole statement are reported on.
    line: usize,
    /// Every input line that went into it.
    lines: Vec<usize>,
    content: Content,
}

enum Content {
    /// Ready to sign as it is.
    Ready(Box<Statement>),
    /// A certificate whose slow hashes are computed only once all checks pass.
    Certificate(Box<CertificateRow>, String),
}

impl Item {
    /// The statement as checked: certificates carry placeholder hashes,
    /// unless `exact` asks for the real ones (to compare with a statement
    /// already signed for the same code).
    fn draft(&self, iterations: u32, exact: bool) -> Statement {
        match &self.content {
            Content::Ready(s) => (**s).clone(),
            Content::Certificate(row, inst) if exact => {
                Statement::Certificate(row.statement(inst, iterations))
            }
            Content::Certificate(row, inst) => Statement::Certificate(row.draft(inst, iterations)),
        }
    }

    fn certificate_code(&self) -> Option<String> {
        match &self.content {
            Content::Certificate(row, _) => Some(row.code.as_string()),
            Content::Ready(_) => None,
        }
    }

    /// The statement as signed.
    fn finish(self, iterations: u32) -> Statement {
        match self.content {
            Content::Ready(s) => *s,
            Content::Certificate(row, inst) => {
                Statement::Certificate(row.statement(&inst, iterations))
            }
        }
    }
}

/// Signs `opts.input` into `opts.out`.
pub(crate) fn sign(opts: &SignOptions) -> Result<SignReport, SignError> {
    let unusable = |p: Problem| SignError::Unusable(vec![p]);
    check_outputs(opts)?;
    let (table, kind, columns) = read_input(opts)?;
    let mut notes = Vec::new();
    if !columns.unused.is_empty() {
        notes.push(format!("未使用的列：{}", columns.unused.join("、")));
    }
    let context = match &opts.data {
        Some(dir) => {
            Some(DataContext::load(dir, &opts.out, opts, &mut notes).map_err(SignError::Cannot)?)
        }
        None => None,
    };
    let (mut items, mut problems) = match kind {
        InputKind::Certificates => certificate_items(&table, &columns, opts, context.as_ref()),
        InputKind::Directory => directory_items(&table, &columns, opts),
        InputKind::Revocations => revocation_items(&table, &columns, opts),
        InputKind::Cities => city_items(&table, &columns, opts),
    };
    if let Some(ctx) = &context {
        problems.extend(ctx.check(&items, kind, opts).map_err(SignError::Cannot)?);
    }
    problems.sort();
    problems.dedup();
    let bad_lines: BTreeSet<usize> = problems.iter().filter_map(|p| p.line).collect();
    items.retain(|i| !i.lines.iter().any(|l| bad_lines.contains(l)));
    let kept: BTreeSet<usize> = items.iter().flat_map(|i| i.lines.iter().copied()).collect();
    let rejected_rows: Vec<&Row> = table
        .rows
        .iter()
        .filter(|r| !kept.contains(&r.line))
        .collect();
    let mut report = SignReport {
        kind,
        encoding: table.encoding,
        signed: 0,
        rejected: rejected_rows.len(),
        problems,
        notes,
        rejects_file: None,
    };
    // Skipping every row would sign an empty dataset: nothing to skip to.
    if !report.problems.is_empty() && (!opts.skip_invalid || items.is_empty()) {
        return Err(SignError::Invalid(report));
    }
    if let Some(note) = check_replaced(opts, &items).map_err(SignError::Cannot)? {
        report.notes.push(note);
    }
    // The slow hashes stop at Ctrl-C while the demo writes into its staging
    // folder (`crate::staging`), which is then removed: nothing is written.
    // Alone, `certsite sign` is ended by Ctrl-C at once and never sees it.
    let lines: Option<Vec<String>> = items
        .into_par_iter()
        .map(|item| {
            (!interrupted())
                .then(|| Envelope::sign(&item.finish(opts.iterations), opts.key).to_line())
        })
        .collect();
    let Some(lines) = lines else {
        return Err(unusable(Problem::file(&opts.out, "已中断，没有写出")));
    };
    report.signed = lines.len();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    dataset::write_atomic(&opts.out, text.as_bytes()).map_err(SignError::Fs)?;
    if !rejected_rows.is_empty() {
        let path = opts
            .rejects
            .clone()
            .unwrap_or_else(|| default_rejects_path(&opts.out));
        write_rejects(&path, &table, &rejected_rows, &report.problems).map_err(SignError::Fs)?;
        report.rejects_file = Some(path);
    }
    Ok(report)
}

/// The outputs, before any row is read: hashing every row takes long, so a
/// place that cannot be written, or a file that must not be replaced, is
/// found first.
fn check_outputs(opts: &SignOptions) -> Result<(), SignError> {
    let rejects_path = (opts.rejects.clone()).unwrap_or_else(|| default_rejects_path(&opts.out));
    // The reject list is written only when rows are skipped.
    let rejects = opts.skip_invalid.then_some(rejects_path.as_path());
    let mut outputs = vec![("--out", opts.out.as_path())];
    outputs.extend(rejects.map(|r| ("--rejects", r)));
    check_distinct(&[("--input", &opts.input)], &outputs).map_err(SignError::Cannot)?;
    check_writable(&opts.out).map_err(SignError::Fs)?;
    if let Some(path) = rejects {
        check_writable(path).map_err(SignError::Fs)?;
    }
    let rejects_list = rejects.map(|path| OwnList {
        path,
        header: REJECTS_HEADER,
        what: "拒收文件",
    });
    check_own_outputs(&opts.out, rejects_list).map_err(SignError::Cannot)
}

/// The input as a table of its kind (given, or told by the headers).
fn read_input(opts: &SignOptions) -> Result<(Table, InputKind, Columns), SignError> {
    let unusable = |p: Problem| SignError::Unusable(vec![p]);
    let table = read_table(&opts.input, &InputKind::looks_like_header).map_err(|e| match e {
        TableError::Unreadable(p) => SignError::Cannot(p),
        TableError::Invalid(p) => unusable(p),
    })?;
    let kind = match opts.kind {
        Some(k) => k,
        None => InputKind::detect(&table.headers).ok_or_else(|| {
            unusable(Problem::file(
                &opts.input,
                "无法从表头判断是证书名册、机构目录、撤销清单还是城市审核机构名单；请用 --kind 指定",
            ))
        })?,
    };
    let columns = Columns::map(&table, kind).map_err(unusable)?;
    Ok((table, kind, columns))
}

/// Where a path leads: the same file under two names is one file.
pub(crate) fn real_path(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .ok()
}

/// Refuses to write an output over an input, or two outputs over one file
/// (each path named by its option): a mistyped path must not destroy the
/// roster.
pub(crate) fn check_distinct(
    inputs: &[(&str, &Path)],
    outputs: &[(&str, &Path)],
) -> Result<(), Problem> {
    let real = real_path;
    let named: Vec<&(&str, &Path)> = inputs.iter().chain(outputs).collect();
    for (i, (a, pa)) in named.iter().enumerate() {
        // Two inputs may be one file: only what is written is compared.
        for (b, pb) in &named[(i + 1).max(inputs.len())..] {
            if real(pa).is_some() && real(pa) == real(pb) {
                let why = format!("{a} 和 {b} 是同一个文件：写出会覆盖它；请给 {b} 另一个路径");
                return Err(Problem::file(pb, why));
            }
        }
    }
    Ok(())
}

/// A list a command writes beside its dataset (the reject list): replaced
/// only if it is one, as its CSV header tells.
pub(crate) struct OwnList<'a> {
    /// Where it goes.
    pub path: &'a Path,
    /// Its first columns, comma-separated.
    pub header: &'a str,
    /// What it is called in messages.
    pub what: &'a str,
}

/// Refuses outputs that `verify` and `build` would never read (not
/// `.jsonl`) or that are inside a site, and a list over a file that is not
/// one. An existing dataset is judged by the caller ([`check_replaced`]).
pub(crate) fn check_own_outputs(out: &Path, rejects: Option<OwnList>) -> Result<(), Problem> {
    if out.extension().is_none_or(|e| e != dataset::DATASET_EXT) {
        let why = "数据集的文件名须以 .jsonl 结尾：build 和 verify 只读取 .jsonl 文件";
        return Err(Problem::file(out, why));
    }
    for path in std::iter::once(out).chain(rejects.as_ref().map(|r| r.path)) {
        if let Some(site) = crate::data::dataset::enclosing_site(path) {
            let why = format!(
                "在站点 {} 之内：站点的文件由 build 生成，数据集写在数据目录里",
                site.display()
            );
            return Err(Problem::file(path, why));
        }
    }
    if let Some(list) = rejects {
        let is_rejects = |bytes: &[u8]| {
            let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
            text.starts_with(list.header.as_bytes())
        };
        dataset::refuse_foreign(list.path, list.what, &is_rejects)?;
    }
    Ok(())
}

/// Whether writing `out` would drop statements it already holds (an earlier
/// batch signed into the same file): refused unless `replace`. A note when
/// an existing file is replaced.
fn check_replaced(opts: &SignOptions, items: &[Item]) -> Result<Option<String>, Problem> {
    let old = match std::fs::read_to_string(&opts.out) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            let why = format!("无法读取：{}", crate::catalogue::os_message(&e));
            return Err(Problem::file(&opts.out, why));
        }
    };
    let new: BTreeSet<String> = items
        .iter()
        .map(|i| statement_summary(&i.draft(opts.iterations, false).to_json().to_value()))
        .collect();
    let mut dropped = Vec::new();
    for (i, line) in old
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        // Not a signed dataset (a key, a roster): never replaced, even asked.
        let Ok(env) = Envelope::parse(line) else {
            let why = format!(
                "已存在，且不是签名数据集（第 {} 行不是签名记录）：拒绝覆盖；请换一个文件名",
                i + 1
            );
            return Err(Problem::file(&opts.out, why));
        };
        let old = statement_summary(&env.statement.to_value());
        if !new.contains(&old) {
            dropped.push(old);
        }
    }
    let out = opts.out.display();
    if dropped.is_empty() {
        return Ok(Some(format!("替换 {out}：其中的记录都在本次输入中")));
    }
    let list = format!("\n  {}", first_few(&dropped, "\n  "));
    if opts.replace {
        return Ok(Some(format!(
            "替换 {out}（--replace）：删除了其中 {} 条不在本次输入中的记录{list}",
            dropped.len()
        )));
    }
    Err(Problem::file(
        &opts.out,
        format!(
            "已存在，其中 {} 条记录不在本次输入中，写出会删除它们（一批一个文件：新的一批请写入新文件，如 certificates/机构-2026-12.jsonl；确要替换，加上 --replace）{list}",
            dropped.len()
        ),
    ))
}

/// The reject list's own first columns (the input's follow).
const REJECTS_HEADER: &str = "原行号,问题";

/// `<out>.rejects.csv`.
pub(crate) fn default_rejects_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".rejects.csv");
    PathBuf::from(s)
}

fn certificate_items(
    table: &Table,
    columns: &Columns,
    opts: &SignOptions,
    ctx: Option<&DataContext>,
) -> (Vec<Item>, Vec<Problem>) {
    let rules = VerifyOptions {
        today: opts.today,
        min_iterations: opts.min_iterations,
    };
    let (rows, mut problems) = certificates::read(table, columns, Catalogue::builtin(), &rules);
    let first_filing = rows.first().map(|r| r.code.filing);
    let mut items = Vec::new();
    for row in rows {
        let mut bad = |field: &str, msg: String| {
            problems.push(Problem::field(&table.path, row.line, field, msg))
        };
        if Some(row.code.filing) != first_filing {
            bad(
                "证书编号",
                format!(
                    "一个文件只能包含一个机构的证书：第一条属于 {}，这一条属于 {}",
                    first_filing.unwrap(),
                    row.code.filing
                ),
            );
            continue;
        }
        let listed = ctx.and_then(|c| c.institution_name(&row.code.filing.as_string()));
        let institution = match (&row.institution, listed) {
            (Some(n), _) => n.clone(),
            (None, Some(n)) => n.to_string(),
            (None, None) => {
                bad(
                    "评价机构",
                    "缺少评价机构名称：请在表中加「评价机构」列，或用 --data 指定含已签名机构目录的数据目录"
                        .into(),
                );
                continue;
            }
        };
        items.push(Item {
            line: row.line,
            lines: vec![row.line],
            content: Content::Certificate(Box::new(row), institution),
        });
    }
    (items, problems)
}

fn directory_items(
    table: &Table,
    columns: &Columns,
    opts: &SignOptions,
) -> (Vec<Item>, Vec<Problem>) {
    let catalogue = Catalogue::builtin();
    let (institutions, mut problems) =
        directory::read(table, columns, catalogue, opts.statement_date);
    let mut items = Vec::new();
    for (inst, lines) in institutions {
        let first = lines[0];
        let local = inst.check(catalogue);
        if !local.is_empty() {
            problems.extend(local.into_iter().map(|f| f.at(&table.path, first)));
            continue;
        }
        items.push(Item {
            line: first,
            lines,
            content: Content::Ready(Box::new(Statement::Institution(inst))),
        });
    }
    (items, problems)
}

fn revocation_items(
    table: &Table,
    columns: &Columns,
    opts: &SignOptions,
) -> (Vec<Item>, Vec<Problem>) {
    let (revs, problems) = revocations::read(table, columns, opts.today);
    let items = revs
        .into_iter()
        .map(|(line, r)| Item {
            line,
            lines: vec![line],
            content: Content::Ready(Box::new(Statement::Revocation(r))),
        })
        .collect();
    (items, problems)
}

fn city_items(table: &Table, columns: &Columns, opts: &SignOptions) -> (Vec<Item>, Vec<Problem>) {
    let (cities, mut problems) = cities::read(table, columns, opts.statement_date);
    let mut items = Vec::new();
    for (city, lines) in cities {
        let first = lines[0];
        let local = city.check();
        if !local.is_empty() {
            problems.extend(local.into_iter().map(|f| {
                let column = column_for(InputKind::Cities, &f.field).to_string();
                Problem::field(&table.path, first, &column, f.message).rule(f.rule)
            }));
            continue;
        }
        items.push(Item {
            line: first,
            lines,
            content: Content::Ready(Box::new(Statement::City(city))),
        });
    }
    (items, problems)
}

/// A data folder the new statements are checked against.
struct DataContext {
    verifier: Verifier,
    files: Vec<PathBuf>,
    chain: Chain,
}

impl DataContext {
    /// Opens the folder (its configured root key) and verifies what it holds,
    /// leaving out the output file, which this run replaces.
    fn load(
        dir: &Path,
        out: &Path,
        opts: &SignOptions,
        notes: &mut Vec<String>,
    ) -> Result<DataContext, Problem> {
        let folder = DataFolder::open(dir)?;
        let mut verifier = folder.verifier(opts.today);
        // The floor of this run: what the signer was allowed to use.
        verifier.options.min_iterations = opts.min_iterations;
        let out_abs = std::path::absolute(out).ok();
        let files: Vec<PathBuf> = folder
            .dataset_files()?
            .into_iter()
            .filter(|f| std::path::absolute(f).ok() != out_abs)
            .collect();
        let verified = crate::data::dataset::verify_files(&verifier, &files, Vec::new());
        // Without the file this run replaces, statements that rest on it
        // (reviews on a city list, certificates on a directory) fail: the
        // folder is judged as it is now before anything is said of it.
        let as_it_is = || {
            let all = folder.dataset_files().unwrap_or_default();
            crate::data::dataset::verify_files(&verifier, &all, Vec::new()).problems
        };
        let problems = if verified.problems.is_empty() {
            Vec::new()
        } else {
            as_it_is()
        };
        if !problems.is_empty() {
            notes.push(format!(
                "数据目录 {} 中已有 {} 个问题（不影响本次签名；用 certsite verify 查看）",
                dir.display(),
                problems.len()
            ));
        }
        Ok(DataContext {
            verifier,
            files,
            chain: verified.chain,
        })
    }

    fn institution_name(&self, filing: &str) -> Option<&str> {
        self.chain.newest(filing).map(|i| i.statement.name.as_str())
    }

    /// Runs the whole chain over the data folder plus the new statements and
    /// keeps the problems that concern the input.
    fn check(
        &self,
        items: &[Item],
        kind: InputKind,
        opts: &SignOptions,
    ) -> Result<Vec<Problem>, Problem> {
        let root = self.verifier.root;
        let root_only = match kind {
            InputKind::Directory => Some("机构目录"),
            InputKind::Cities => Some("城市审核机构名单"),
            InputKind::Certificates | InputKind::Revocations => None,
        };
        if let Some(what) = root_only
            && opts.key.public() != root
        {
            return Err(Problem::file(
                &opts.input,
                format!(
                    "{what}须由根密钥签名，而签名密钥 {} 不是数据目录配置的根密钥 {}",
                    opts.key.public().kid(),
                    root.kid()
                ),
            ));
        }
        let input: std::sync::Arc<Path> = std::sync::Arc::from(opts.input.as_path());
        let new_lines = items
            .iter()
            .map(|item| {
                // A code signed before must come out identical: compare real hashes.
                let exact = item
                    .certificate_code()
                    .is_some_and(|c| self.chain.certificates.contains_key(&c));
                SourcedLine {
                    file: input.clone(),
                    line: item.line,
                    text: Envelope::sign(&item.draft(opts.iterations, exact), opts.key).to_line(),
                }
            })
            .collect();
        let verified = crate::data::dataset::verify_files(&self.verifier, &self.files, new_lines);
        Ok(verified
            .problems
            .into_iter()
            .filter(|p| p.file == opts.input)
            .map(|mut p| {
                p.field = p.field.map(|f| column_for(kind, &f).to_string());
                p
            })
            .collect())
    }
}

/// The rejected rows as they were, with the line they came from and what is
/// wrong, in UTF-8 with BOM so Excel opens it correctly; fix it and sign it.
fn write_rejects(
    path: &Path,
    table: &Table,
    rows: &[&Row],
    problems: &[Problem],
) -> Result<(), FsError> {
    let mut header: Vec<String> = REJECTS_HEADER.split(',').map(str::to_string).collect();
    header.extend(table.headers.iter().cloned());
    let mut records = vec![header];
    for row in rows {
        let why: Vec<String> = problems
            .iter()
            .filter(|p| p.line == Some(row.line))
            .map(|p| match &p.field {
                Some(f) => format!("{f}：{}", p.message),
                None => p.message.clone(),
            })
            .collect();
        let why = if why.is_empty() {
            "同一机构的其他行有问题".to_string()
        } else {
            why.join("；")
        };
        let mut record = vec![row.line.to_string(), why];
        record.extend(row.cells.iter().cloned());
        records.push(record);
    }
    write_csv_with_bom(path, &records)
}

/// Writes `records` (the header first) as CSV in UTF-8 with BOM, so Excel
/// opens it correctly, atomically.
pub(crate) fn write_csv_with_bom(path: &Path, records: &[Vec<String>]) -> Result<(), FsError> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let in_memory = |e: csv::Error| FsError {
        action: FsAction::Write,
        path: path.to_path_buf(),
        source: e.into(),
    };
    for record in records {
        w.write_record(record).map_err(in_memory)?;
    }
    let mut bytes = crate::workbook::UTF8_BOM.to_vec();
    bytes.extend(
        w.into_inner()
            .map_err(|e| in_memory(e.into_error().into()))?,
    );
    dataset::write_atomic(path, &bytes)
}
