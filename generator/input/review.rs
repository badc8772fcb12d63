//! `certsite review`: the city's review (审核, notice 四(四)1-2). The
//! enterprise evaluates and signs its certificates; the city's public
//! employment service authority (公共就业服务机构主管部门) reviews the
//! results and signs a review of each certificate it passed, naming the
//! exact signed record (the SHA-256 of its envelope); every certificate it
//! did not review goes back to the enterprise in a list, with why.
//!
//! The enterprise's datasets are verified exactly as `verify` and the build
//! verify them, with the data folder's root, directory and city statements;
//! the new reviews are verified with them before anything is written, so
//! `review` never signs what `verify` would refuse. The output holds
//! reviews only: an existing one keeps every line it has (a review once
//! published stays in the log) and gains the new ones.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;

use crate::catalogue::os_message;
use crate::data::dataset::{self, check_writable};
use crate::data::folder::DataFolder;
use crate::error::FsError;
use crate::input::roster::{Columns, decisions};
use crate::input::sign::{
    OwnList, check_distinct, check_own_outputs, default_rejects_path, real_path, write_csv_with_bom,
};
use crate::input::table::{TableError, read_table};
use certsite_core::constants::STATEMENT_VERSION;
use certsite_core::domain::code::CITIES;
use certsite_core::trust::chain::Chain;
use certsite_core::trust::city::{City, Review, city_code_of};
use certsite_core::trust::dataset::{SourcedLine, lines};
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::problem::Problem;
use certsite_core::trust::rules::Rule;
use certsite_core::trust::statement::Statement;

/// The returned list's columns.
pub(crate) const RETURNED_HEADER: [&str; 4] = ["文件", "行号", "证书编号", "原因"];

/// What to review and how.
pub(crate) struct ReviewOptions<'a> {
    /// The city authority's signing key.
    pub key: &'a SecretKey,
    /// The enterprise's signed certificate datasets.
    pub inputs: Vec<PathBuf>,
    /// The data folder: root, directory, city statements, earlier reviews.
    pub data: PathBuf,
    /// The city's decisions (审核结果表); without it, every certificate
    /// that verifies is passed.
    pub decisions: Option<PathBuf>,
    /// 审核日期 of every certificate, or of decision rows without one.
    pub reviewed_on: Option<Date>,
    /// The reviews dataset to write (or add to).
    pub out: PathBuf,
    /// The returned list; default `<out>.rejects.csv`.
    pub rejects: Option<PathBuf>,
    /// Today (China time): the reviews' `signed_on`.
    pub today: Date,
}

/// One certificate line and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// The enterprise's dataset.
    pub file: PathBuf,
    /// Its line.
    pub line: usize,
    /// The certificate code (empty when the line has none).
    pub code: String,
    /// Why it was not reviewed now, or where its review is.
    pub reason: String,
}

/// What a review run found and did.
#[derive(Debug)]
pub(crate) struct ReviewReport {
    /// The city the key reviews for (its newest statement).
    pub city: City,
    /// The key's id.
    pub kid: String,
    /// Certificate lines read from the inputs.
    pub lines: usize,
    /// Reviews signed now.
    pub signed: usize,
    /// Reviews the output held already, kept as they were.
    pub kept: usize,
    /// Certificates reviewed before (in the data folder or the output): skipped.
    pub already: Vec<Outcome>,
    /// Certificates not reviewed, with why: the list the enterprise gets back.
    pub returned: Vec<Outcome>,
    /// The problems of the inputs' lines, as `verify` reports them.
    pub problems: Vec<Problem>,
    /// Notes that change nothing.
    pub notes: Vec<String>,
    /// The output, when written.
    pub written: Option<PathBuf>,
    /// The returned list, when written.
    pub rejects_file: Option<PathBuf>,
}

/// Why nothing was written.
#[derive(Debug)]
pub(crate) enum ReviewError {
    /// The arguments do not fit together.
    Usage(String),
    /// The command cannot run: an input or the data folder cannot be read,
    /// the key is no city's, or writing would destroy a file.
    Cannot(Problem),
    /// The decisions table has problems: fix it first.
    Invalid(Vec<Problem>),
    /// Writing failed.
    Fs(FsError),
}

/// What a certificate line comes to.
enum Verdict {
    Sign(Box<Review>),
    Already(String),
    Returned(String),
}

/// The verified data and the city's decisions, to judge each line by.
struct Judge<'a> {
    opts: &'a ReviewOptions<'a>,
    chain: &'a Chain,
    /// The problems of the inputs' lines.
    problems: &'a [Problem],
    city: &'a City,
    decisions: Option<&'a BTreeMap<String, decisions::Decision>>,
}

/// Reviews `opts.inputs` into `opts.out`.
pub(crate) fn review(opts: &ReviewOptions) -> Result<ReviewReport, ReviewError> {
    let rejects = (opts.rejects.clone()).unwrap_or_else(|| default_rejects_path(&opts.out));
    check_arguments(opts)?;
    check_outputs(opts, &rejects).map_err(ReviewError::Cannot)?;
    check_writable(&opts.out).map_err(ReviewError::Fs)?;
    check_writable(&rejects).map_err(ReviewError::Fs)?;
    let existing = existing_reviews(&opts.out).map_err(ReviewError::Cannot)?;
    let (input_lines, read_problems) = read_inputs(&opts.inputs).map_err(ReviewError::Cannot)?;
    let decided = read_decisions(opts)?;
    let folder = DataFolder::open(&opts.data).map_err(ReviewError::Cannot)?;
    let verifier = folder.verifier(opts.today);
    let files = data_files(&folder, opts).map_err(ReviewError::Cannot)?;
    let (mut all, mut problems) = dataset::read_lines(&files);
    all.extend(input_lines.iter().cloned());
    problems.extend(read_problems);
    let verified = verifier.verify(all, problems);
    let city = key_city(&verified.chain, opts).map_err(ReviewError::Cannot)?;
    let is_input = |p: &Problem| opts.inputs.contains(&p.file);
    let (mine, others): (Vec<Problem>, Vec<Problem>) =
        verified.problems.into_iter().partition(is_input);
    let mut report = ReviewReport {
        city: city.clone(),
        kid: opts.key.public().kid(),
        lines: input_lines.len(),
        signed: 0,
        kept: existing.lines().filter(|l| !l.trim().is_empty()).count(),
        already: Vec::new(),
        returned: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        written: None,
        rejects_file: None,
    };
    let (in_out, others): (Vec<Problem>, Vec<Problem>) =
        others.into_iter().partition(|p| p.file == opts.out);
    if !others.is_empty() {
        report.notes.push(format!(
            "数据目录 {} 中已有 {} 个问题（不影响本次审核；用 certsite verify 查看）",
            opts.data.display(),
            others.len()
        ));
    }
    if !in_out.is_empty() {
        report.notes.push(format!(
            "{} 中已有的审核记录有 {} 个问题（如所审核的证书不在数据目录和本次输入中），原样保留",
            opts.out.display(),
            in_out.len()
        ));
    }
    let judge = Judge {
        opts,
        chain: &verified.chain,
        problems: &mine,
        city,
        decisions: decided.as_ref().map(|(d, _)| d),
    };
    let reviews = judge.all(&input_lines, &mut report);
    if let Some((decided, path)) = &decided {
        report
            .notes
            .extend(undecided_note(decided, path, &input_lines));
    }
    let lines = sign_checked(
        &verifier,
        &files,
        &input_lines,
        &existing,
        reviews,
        opts,
        &mut report,
    );
    report.problems = mine;
    write(opts, &rejects, &existing, &lines, &mut report).map_err(ReviewError::Fs)?;
    Ok(report)
}

/// `--reviewed-on` is needed without a decisions table, and no review is
/// dated after today.
fn check_arguments(opts: &ReviewOptions) -> Result<(), ReviewError> {
    if opts.decisions.is_none() && opts.reviewed_on.is_none() {
        return Err(ReviewError::Usage(
            "没有 --decisions 审核结果表时，须用 --reviewed-on 给出审核日期".into(),
        ));
    }
    if let Some(date) = opts.reviewed_on
        && date > opts.today
    {
        return Err(ReviewError::Usage(format!(
            "--reviewed-on {date} 晚于今天 {}",
            opts.today
        )));
    }
    Ok(())
}

/// The inputs are files, and no output is an input, the other output or
/// not its own kind of file.
fn check_outputs(opts: &ReviewOptions, rejects: &Path) -> Result<(), Problem> {
    for input in &opts.inputs {
        if input.is_dir() {
            let why = "是目录：--input 给出企业签名的证书数据集文件（.jsonl）";
            return Err(Problem::file(input, why));
        }
    }
    let mut inputs: Vec<(&str, &Path)> = opts.inputs.iter().map(|i| ("--input", &**i)).collect();
    inputs.extend(opts.decisions.as_deref().map(|d| ("--decisions", d)));
    let outputs = [("--out", opts.out.as_path()), ("--rejects", rejects)];
    check_distinct(&inputs, &outputs)?;
    let header = RETURNED_HEADER.join(",");
    let list = OwnList {
        path: rejects,
        header: &header,
        what: "退回清单",
    };
    check_own_outputs(&opts.out, Some(list))
}

/// The output's text as it is (empty when there is none): only a dataset
/// of reviews is added to, never a certificate dataset, a key or a roster.
fn existing_reviews(out: &Path) -> Result<String, Problem> {
    let text = match std::fs::read_to_string(out) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => return Err(Problem::file(out, format!("无法读取：{}", os_message(&e)))),
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let typed = Envelope::parse(line).ok().and_then(|e| e.typed().ok());
        if !matches!(typed, Some(Statement::Review(_))) {
            let why = format!(
                "已存在，且不是审核记录数据集（第 {} 行不是审核记录）：拒绝覆盖；请换一个文件名",
                i + 1
            );
            return Err(Problem::file(out, why));
        }
    }
    Ok(text)
}

/// Every line of the inputs (each read once, however often named), and the
/// lines that are not text.
fn read_inputs(inputs: &[PathBuf]) -> Result<(Vec<SourcedLine>, Vec<Problem>), Problem> {
    let mut seen = BTreeSet::new();
    let (mut all, mut problems) = (Vec::new(), Vec::new());
    for input in inputs {
        if !seen.insert(real_path(input)) {
            continue;
        }
        let bytes = std::fs::read(input)
            .map_err(|e| Problem::file(input, format!("无法读取：{}", os_message(&e))))?;
        let (more, bad) = lines(input, &bytes);
        all.extend(more);
        problems.extend(bad);
    }
    Ok((all, problems))
}

/// The decisions table, by code, and its path.
type Decided = (BTreeMap<String, decisions::Decision>, PathBuf);

fn read_decisions(opts: &ReviewOptions) -> Result<Option<Decided>, ReviewError> {
    let Some(path) = &opts.decisions else {
        return Ok(None);
    };
    let table = read_table(path, &decisions::looks_like_header).map_err(|e| match e {
        TableError::Unreadable(p) => ReviewError::Cannot(p),
        TableError::Invalid(p) => ReviewError::Invalid(vec![p]),
    })?;
    let columns = Columns::map_specs(&table, decisions::COLUMNS, decisions::NAME)
        .map_err(|p| ReviewError::Invalid(vec![p]))?;
    let (decided, problems) = decisions::read(&table, &columns, opts.reviewed_on, opts.today);
    if !problems.is_empty() {
        return Err(ReviewError::Invalid(problems));
    }
    Ok(Some((decided, path.clone())))
}

/// The data folder's datasets but the inputs (read as inputs) and the
/// output, which is read whether it is in the folder or not.
fn data_files(folder: &DataFolder, opts: &ReviewOptions) -> Result<Vec<PathBuf>, Problem> {
    let own: BTreeSet<Option<PathBuf>> = (opts.inputs.iter())
        .chain([&opts.out])
        .map(|p| real_path(p))
        .collect();
    let mut files: Vec<PathBuf> = (folder.dataset_files()?.into_iter())
        .filter(|f| !own.contains(&real_path(f)))
        .collect();
    if opts.out.is_file() {
        files.push(opts.out.clone());
    }
    Ok(files)
}

/// The city whose newest statement lists the key, the key valid today.
fn key_city<'a>(chain: &'a Chain, opts: &ReviewOptions) -> Result<&'a City, Problem> {
    let public = opts.key.public();
    let kid = public.kid();
    let lists = |c: &City| {
        c.key(&kid)
            .is_some_and(|k| k.public_key == public.to_base64())
    };
    let newest = chain.cities.values().filter_map(|h| h.last());
    let Some(city) = newest.map(|c| &c.statement).find(|c| lists(c)) else {
        let retired = (chain.cities.values().flatten()).find(|c| lists(&c.statement));
        let why = match retired {
            _ if chain.cities.is_empty() => "数据目录中没有根密钥签名的城市审核机构名单：请先由根密钥签名 cities.csv（certsite sign --key keys/root.key --input examples/cities.csv --out cities/cities.jsonl），放进数据目录".to_string(),
            Some(old) => format!(
                "签名密钥 {kid} 已不在市代码 {} 最新的审核机构声明中（已被更换）：请用现在登记的审核密钥",
                old.statement.city_code
            ),
            None => format!(
                "签名密钥 {kid} 不是任何市登记的审核密钥（数据目录的城市审核机构名单列出 {} 个市）：请用本市审核机构的私钥，或先由根密钥把它签入 cities.csv",
                chain.cities.len()
            ),
        };
        return Err(Problem::file(&opts.data, why));
    };
    let entry = city.key(&kid).expect("listed");
    let today = opts.today.to_string();
    if !entry.valid_on(&today) {
        return Err(Problem::file(
            &opts.data,
            format!(
                "审核密钥 {kid} 的有效期（{} 至 {}）不含今天 {today}：审核记录的签名（上传）日期须在密钥有效期内",
                entry.valid_from,
                entry.valid_until.as_deref().unwrap_or("今")
            ),
        ));
    }
    Ok(city)
}

impl Judge<'_> {
    /// Judges every line; returns the reviews to sign, each with the line
    /// of its certificate.
    fn all(
        &self,
        input_lines: &[SourcedLine],
        report: &mut ReviewReport,
    ) -> Vec<(Outcome, Review)> {
        let mut reviews: Vec<(Outcome, Review)> = Vec::new();
        let mut planned: BTreeMap<String, String> = BTreeMap::new();
        for src in input_lines {
            let (code, verdict) = self.line(src);
            let mut outcome = Outcome {
                file: src.file.to_path_buf(),
                line: src.line,
                code: code.unwrap_or_default(),
                reason: String::new(),
            };
            match verdict {
                Verdict::Sign(review) => {
                    if let Some(first) = planned.get(&outcome.code) {
                        outcome.reason = format!("与 {first} 是同一份记录，一并审核");
                        report.already.push(outcome);
                        continue;
                    }
                    let at = format!("{}:{}", src.file.display(), src.line);
                    planned.insert(outcome.code.clone(), at);
                    reviews.push((outcome, *review));
                }
                Verdict::Already(why) => report.already.push(Outcome {
                    reason: why,
                    ..outcome
                }),
                Verdict::Returned(why) => report.returned.push(Outcome {
                    reason: why,
                    ..outcome
                }),
            }
        }
        // Lines that are not text never reached the chain.
        for p in self.problems.iter().filter(|p| p.rule.is_none()) {
            if let Some(line) = p.line
                && !input_lines
                    .iter()
                    .any(|l| *l.file == *p.file && l.line == line)
            {
                report.returned.push(Outcome {
                    file: p.file.clone(),
                    line,
                    code: String::new(),
                    reason: format!("未通过验证：{}", p.message),
                });
            }
        }
        reviews
    }

    /// One line of an input: its code, if it has one, and its verdict.
    fn line(&self, src: &SourcedLine) -> (Option<String>, Verdict) {
        let typed = Envelope::parse(&src.text)
            .ok()
            .and_then(|env| Some((env.hash(), env.typed().ok()?)));
        let (hash, certificate) = match typed {
            Some((hash, Statement::Certificate(c))) => (hash, c),
            Some((_, _)) => {
                let why = "不是证书记录：企业的数据集只含证书，审核的是证书";
                return (None, Verdict::Returned(why.into()));
            }
            None => return (None, Verdict::Returned(self.failed(src, None))),
        };
        let code = certificate.code.clone();
        let accepted = (self.chain.certificates.get(&code)).filter(|c| c.hash == hash);
        let Some(accepted) = accepted else {
            return (
                Some(code.clone()),
                Verdict::Returned(self.failed(src, Some(&code))),
            );
        };
        (
            Some(code.clone()),
            self.accepted(&code, hash, &accepted.statement.issued_on),
        )
    }

    /// A certificate that verifies: the city's, not reviewed before, passed.
    fn accepted(&self, code: &str, hash: [u8; 32], issued_on: &str) -> Verdict {
        let city_code = city_code_of(code).unwrap_or_default();
        if city_code != self.city.city_code {
            return Verdict::Returned(self.other_city(city_code));
        }
        if let Some(r) = self.chain.reviews.get(code) {
            return Verdict::Already(format!(
                "已于 {} 审核（{}:{}），不再重复签名",
                r.statement.reviewed_on,
                r.file.display(),
                r.line
            ));
        }
        let reviewed_on = match self.decision(code) {
            Ok(date) => date,
            Err(why) => return Verdict::Returned(why),
        };
        if reviewed_on.to_string().as_str() > issued_on {
            return Verdict::Returned(format!(
                "审核日期 {reviewed_on} 晚于发证日期 {issued_on}：按通知（辽人社〔2020〕22号 四(四)1），企业对审核通过的职工才颁发证书，应先审核、后发证"
            ));
        }
        Verdict::Sign(Box::new(Review {
            v: STATEMENT_VERSION,
            code: code.to_string(),
            certificate: STANDARD.encode(hash),
            reviewed_on: reviewed_on.to_string(),
            signed_on: self.opts.today.to_string(),
        }))
    }

    /// The day the city passed the certificate, or why it did not.
    fn decision(&self, code: &str) -> Result<Date, String> {
        let Some(decided) = self.decisions else {
            return Ok(self.opts.reviewed_on.expect("checked with the arguments"));
        };
        let path = self.opts.decisions.as_deref().unwrap_or(Path::new(""));
        match decided.get(code) {
            None => Err(format!("不在审核结果表 {} 中：未审核", path.display())),
            Some(d) => match &d.refused {
                Some(reason) => Err(format!(
                    "审核不通过（{}:{}）：{reason}",
                    path.display(),
                    d.line
                )),
                None => Ok(d.reviewed_on),
            },
        }
    }

    /// Why a line did not verify, as `verify` says it.
    fn failed(&self, src: &SourcedLine, code: Option<&str>) -> String {
        let here: Vec<String> = (self.problems.iter())
            .filter(|p| *p.file == *src.file && p.line == Some(src.line))
            .map(|p| match &p.field {
                Some(f) => format!("{f}：{}", p.message),
                None => p.message.clone(),
            })
            .collect();
        if !here.is_empty() {
            return format!("未通过验证：{}", here.join("；"));
        }
        // A duplicate code is reported on the other records of the code.
        let duplicate = (self.problems.iter()).find(|p| {
            p.rule == Some(Rule::DuplicateCode) && code.is_some_and(|c| p.message.contains(c))
        });
        match duplicate {
            Some(p) => format!(
                "未通过验证：同一证书编号另有内容不同的记录（见 {}:{}）",
                p.file.display(),
                p.line.unwrap_or_default()
            ),
            None => "未通过验证".to_string(),
        }
    }

    /// A certificate of another city: that city reviews it.
    fn other_city(&self, city_code: &str) -> String {
        let name = city_code
            .parse::<usize>()
            .ok()
            .and_then(|n| CITIES.get(n.wrapping_sub(1)))
            .map_or_else(
                || format!("市代码 {city_code}"),
                |n| format!("{n}（市代码 {city_code}）"),
            );
        format!(
            "是{name}的机构颁发的证书，应由该市审核，不由{}审核",
            self.city.authority
        )
    }
}

/// The decision rows of codes no input holds: said, since a mistyped code
/// leaves its certificate unreviewed.
fn undecided_note(
    decided: &BTreeMap<String, decisions::Decision>,
    path: &Path,
    input_lines: &[SourcedLine],
) -> Option<String> {
    let codes: BTreeSet<String> = input_lines
        .iter()
        .filter_map(|l| Envelope::parse(&l.text).ok())
        .filter_map(|e| match e.typed() {
            Ok(Statement::Certificate(c)) => Some(c.code),
            _ => None,
        })
        .collect();
    let missing: Vec<String> = decided
        .iter()
        .filter(|(code, _)| !codes.contains(*code))
        .map(|(code, d)| format!("第 {} 行 {code}", d.line))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} 中有 {} 个证书编号不在所给的数据集中：{}",
            path.display(),
            missing.len(),
            certsite_core::domain::text::first_few(&missing, "、")
        )
    })
}

/// Signs the reviews and verifies them with everything else, as `verify`
/// will; a review that does not pass (never expected) returns its
/// certificate instead. Returns the lines to write.
fn sign_checked(
    verifier: &certsite_core::trust::verifier::Verifier,
    files: &[PathBuf],
    input_lines: &[SourcedLine],
    existing: &str,
    reviews: Vec<(Outcome, Review)>,
    opts: &ReviewOptions,
    report: &mut ReviewReport,
) -> Vec<String> {
    if reviews.is_empty() {
        return Vec::new();
    }
    let first_line = existing.lines().count() + 1;
    let out: Arc<Path> = Arc::from(opts.out.as_path());
    let signed: Vec<(Outcome, SourcedLine)> = (reviews.into_iter().enumerate())
        .map(|(i, (outcome, review))| {
            let text = Envelope::sign(&Statement::Review(review), opts.key).to_line();
            let line = first_line + i;
            let file = out.clone();
            (outcome, SourcedLine { file, line, text })
        })
        .collect();
    let extra: Vec<SourcedLine> = (input_lines.iter().cloned())
        .chain(signed.iter().map(|(_, l)| l.clone()))
        .collect();
    let verified = dataset::verify_files(verifier, files, extra);
    let mut lines = Vec::new();
    for (mut outcome, src) in signed {
        let here: Vec<String> = (verified.problems.iter())
            .filter(|p| p.file == opts.out && p.line == Some(src.line))
            .map(|p| p.message.clone())
            .collect();
        if here.is_empty() {
            lines.push(src.text);
        } else {
            outcome.reason = format!("审核记录未通过验证：{}", here.join("；"));
            report.returned.push(outcome);
        }
    }
    report.signed = lines.len();
    lines
}

/// Writes the reviews after the output's own lines, and the returned list.
fn write(
    opts: &ReviewOptions,
    rejects: &Path,
    existing: &str,
    lines: &[String],
    report: &mut ReviewReport,
) -> Result<(), FsError> {
    report
        .returned
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    if !lines.is_empty() {
        let mut text = existing.to_string();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        dataset::write_atomic(&opts.out, text.as_bytes())?;
        report.written = Some(opts.out.clone());
    }
    if !report.returned.is_empty() {
        let mut records = vec![RETURNED_HEADER.map(str::to_string).to_vec()];
        records.extend(report.returned.iter().map(|o| {
            vec![
                inert(o.file.display().to_string()),
                o.line.to_string(),
                inert(o.code.clone()),
                inert(o.reason.clone()),
            ]
        }));
        write_csv_with_bom(rejects, &records)?;
        report.rejects_file = Some(rejects.to_path_buf());
    }
    Ok(())
}

/// A cell a spreadsheet will not run: the returned list carries text from
/// the enterprise's data (a code, a field quoted in a reason), and a cell
/// that starts like a formula (`=`, `+`, `-`, `@`, tab, return) is taken as
/// text with a leading `'`, as spreadsheets themselves do.
fn inert(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}
