//! The command line: arguments (clap) and what each command prints.
//! Exit status: 0 success, 1 the data has problems, 2 the command could not run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::constants::{DEFAULT_ITERATIONS, MIN_ITERATIONS};
use crate::data::dataset;
use crate::data::folder::DataFolder;
use crate::demo::{self, DemoOptions};
use crate::domain::code::{CertCode, FILING_LEN, FilingNo, normalize_input};
use crate::domain::dates::{parse_date, today_in_china};
use crate::error::{FsAction, FsContext};
use crate::input::roster::InputKind;
use crate::input::sign::{SignError, SignOptions, SignReport, sign};
use crate::issuer::print::{PrintOptions, print};
use crate::site::build::{self, BuildError, BuildOptions};
use crate::site::serve;
use crate::trust::keys::{self, PublicKey, SecretKey};
use crate::trust::problem::report;
use crate::trust::verifier::{Verified, Verifier, VerifyOptions};

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "certsite",
    version,
    about = "certsite：职业技能等级证书的签名数据集与静态查询站点（辽人社〔2020〕22号）\n\
             Signed datasets of vocational skill level certificates, verified in the visitor's browser.",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 新建数据目录：根密钥、日志密钥、配置、页面、示例表格和下一步的说明
    #[command(
        after_help = "示例：\n  certsite init mysite --title \"某市职业技能等级证书查询\" --authority \"某市人力资源和社会保障局\" --base-url https://certs.example.gov.cn/\n  certsite build --data mysite"
    )]
    Init(InitArgs),
    /// 证书编号与机构备案号（附件5）
    #[command(subcommand)]
    Code(CodeCommand),
    /// 生成 Ed25519 密钥对：PREFIX.key（私钥，权限 0600）和 PREFIX.pub（公钥）
    Keygen(KeygenArgs),
    /// 把证书名册、机构目录（附件4）或撤销清单（CSV/Excel）签名为数据集（JSON Lines）
    Sign(SignArgs),
    /// 按信任链验证已签名的数据集，打印汇总；有任何问题时退出码为 1
    Verify(VerifyArgs),
    /// 生成演示数据集（58 家试点机构、虚构持证人），同一种子得到相同字节
    Demo(DemoArgs),
    /// 验证数据目录并生成静态查询站点（默认 data/ → public/）；有问题时不写出任何文件
    Build(BuildArgs),
    /// 生成站点并在 127.0.0.1 上预览
    Serve(ServeArgs),
    /// 生成某机构某月的《企业职业技能等级认定结果汇总表》（附件7）
    Report(ReportArgs),
    /// 生成证书二维码（30mm×30mm，打开查验页面），SVG 或 PNG
    Qr(QrArgs),
    /// 按附件6版式生成可打印的证书（HTML，可选 PDF），读取发证机构自己的名册
    Print(PrintArgs),
    /// 只增不减的日志与签名快照：审计站点、比较检查点、登记日志密钥
    #[command(subcommand)]
    Log(LogCommand),
}

#[derive(Debug, Subcommand)]
enum LogCommand {
    /// 审计一个站点（或其镜像）：快照与检查点的签名、日志的每个文件、每条已发布声明都在日志中、每个数据文件与快照一致；有问题时退出码为 1
    Verify {
        /// 站点目录（certsite build 的输出或其镜像）
        #[arg(long, value_name = "DIR")]
        site: PathBuf,
        /// 根公钥（从官方渠道获得，不要取自被审计的站点）
        #[arg(long, value_name = "ROOT.pub", default_value = "data/root.pub")]
        root: PathBuf,
        /// 较早保存的检查点：站点的日志必须是它的延续
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        from: Option<PathBuf>,
        /// 要求其副署的见证人公钥（cosignature/v1 vkey），可重复
        #[arg(long, value_name = "VKEY")]
        witness: Vec<String>,
        /// 至少几个见证人副署（默认：全部 --witness）
        #[arg(long, value_name = "N")]
        quorum: Option<usize>,
    },
    /// 列出两个检查点之间日志新增的声明（OLD、NEW 为站点目录或检查点文件，至少一个是站点目录）
    Diff {
        /// 较早的站点目录或检查点文件
        old: PathBuf,
        /// 较新的站点目录或检查点文件
        new: PathBuf,
        /// 根公钥
        #[arg(long, value_name = "ROOT.pub", default_value = "data/root.pub")]
        root: PathBuf,
    },
    /// 根密钥登记发布者的日志密钥：把一份新的发布者声明追加到 OUT（数据目录中的 .jsonl）
    Authorize {
        /// 根私钥
        #[arg(long, value_name = "ROOT.key")]
        key: PathBuf,
        /// 日志公钥及有效期：`KEY [FROM[~UNTIL]]`，KEY 为 base64 或 .pub 文件；可重复（轮换时列出新旧两把）
        #[arg(long = "log-key", value_name = "KEY [FROM[~UNTIL]]", required = true)]
        log_keys: Vec<String>,
        /// 发布者名称
        #[arg(long)]
        name: String,
        /// 站点的发布地址（与 certsite.toml 的 base_url 相同）；日志来源由它得出
        #[arg(long, value_name = "URL")]
        base_url: String,
        /// 声明日期（默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// 追加到的文件，如 data/publisher/publisher.jsonl
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// The date every command that judges dates takes as today.
#[derive(Debug, Args)]
struct TodayArg {
    /// 以此日期为“今天”检查（默认中国标准时间的今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

impl TodayArg {
    fn date(&self) -> Result<Date, String> {
        match &self.today {
            Some(t) => date_arg(t, "--today "),
            None => Ok(today_in_china()),
        }
    }
}

#[derive(Debug, Args)]
struct PrintArgs {
    /// 数据目录（站点配置与已签名数据，用于核对证书）
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// 要印制的证书编号
    #[arg(long, num_args = 1.., required_unless_present = "institution", conflicts_with = "institution")]
    code: Vec<String>,
    /// 印制该机构的全部证书
    #[arg(long, value_name = "FILING_NO")]
    institution: Option<String>,
    /// 发证机构自己的名册（文件或目录；默认 DATA/demo-rosters/certificates）
    #[arg(long)]
    roster: Vec<PathBuf>,
    /// 照片目录：以证书编号或证件号码命名的 .jpg/.png
    #[arg(long)]
    photos: Option<PathBuf>,
    /// 输出目录
    #[arg(long, default_value = "print")]
    out: PathBuf,
    /// 另用 Chromium 打印为 PDF（需要已安装 chromium）
    #[arg(long)]
    pdf: bool,
    #[command(flatten)]
    today: TodayArg,
}

#[derive(Debug, Args)]
struct QrArgs {
    /// 证书编号
    code: String,
    /// 持证人姓名：放在网址片段中，扫码即显示姓名核对结果（不会发送给服务器）
    #[arg(long)]
    name: Option<String>,
    /// 输出文件（.svg 或 .png）；默认把 SVG 写到标准输出
    #[arg(long)]
    out: Option<PathBuf>,
    /// 数据目录（从 certsite.toml 读取站点网址 base_url）
    #[arg(long, default_value = "data")]
    data: PathBuf,
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// 数据目录（含 certsite.toml、root.pub 与已签名数据集）
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// 站点输出目录；新站点写好后整体替换旧站点
    #[arg(long, default_value = "public")]
    out: PathBuf,
    /// 跳过未通过验证的记录，发布其余记录，并把跳过的记录及原因写入 OUT.skipped.txt
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    today: TodayArg,
    /// 另把每份证书的二维码（SVG）写到此目录，供发证机构印制；不发布
    #[arg(long, value_name = "DIR")]
    qr_out: Option<PathBuf>,
    /// 发布者的日志私钥（签名快照与日志检查点）；默认为 certsite.toml 中 [log] key
    #[arg(long, value_name = "FILE")]
    log_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// 端口（0 表示任选一个空闲端口）
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// 不逐条打印请求
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// CSV（带 BOM 的 UTF-8，Excel 可直接打开）
    Csv,
    /// 可打印的 HTML
    Html,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// 机构备案号
    #[arg(long, value_name = "FILING_NO")]
    institution: String,
    /// 月份
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 输出格式
    #[arg(long, value_enum, default_value = "csv")]
    format: ReportFormat,
    /// 数据目录
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// 输出文件（默认写到标准输出）
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    today: TodayArg,
}

#[derive(Debug, Subcommand)]
enum CodeCommand {
    /// 逐位解释 22 位证书编号或 13 位机构备案号；无效时指出位置与应有的值
    Explain {
        /// 证书编号（22 位）或机构备案号（13 位）
        code: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct InitArgs {
    /// 要新建的数据目录（不存在或为空）
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// 站点标题
    #[arg(long, default_value = "职业技能等级证书查询")]
    title: String,
    /// 根密钥的持有者（发证机关）
    #[arg(long, default_value = "（请在 certsite.toml 中填写根密钥的持有者）")]
    authority: String,
    /// 站点发布的地址，以 / 结尾
    #[arg(long, value_name = "URL", default_value = "https://certsite.example/")]
    base_url: String,
}

#[derive(Debug, Args)]
struct KeygenArgs {
    /// 输出前缀：写出 PREFIX.key 和 PREFIX.pub（已存在则拒绝覆盖）
    #[arg(long, value_name = "PREFIX")]
    out: PathBuf,
    /// 写进密钥文件注释的说明，如机构名称
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    /// 证书名册（机构密钥签名）
    Certificates,
    /// 机构目录，附件4（根密钥签名）
    Directory,
    /// 撤销清单（发证机构或根密钥签名）
    Revocations,
}

impl From<KindArg> for InputKind {
    fn from(k: KindArg) -> InputKind {
        match k {
            KindArg::Certificates => InputKind::Certificates,
            KindArg::Directory => InputKind::Directory,
            KindArg::Revocations => InputKind::Revocations,
        }
    }
}

#[derive(Debug, Args)]
struct HashArgs {
    /// 姓名、证件号码哈希的 PBKDF2 迭代次数
    #[arg(long, default_value_t = DEFAULT_ITERATIONS)]
    iterations: u32,
    /// 允许低于隐私下限的迭代次数（仅供测试与基准，切勿用于真实数据）
    #[arg(long)]
    insecure_low_iterations: bool,
}

impl HashArgs {
    fn checked(&self) -> Result<(u32, u32), String> {
        if self.insecure_low_iterations {
            return Ok((self.iterations.max(1), 1));
        }
        if self.iterations < MIN_ITERATIONS {
            return Err(format!(
                "--iterations {} 低于隐私下限 {MIN_ITERATIONS}（见 README 的隐私一节）",
                self.iterations
            ));
        }
        Ok((self.iterations, MIN_ITERATIONS))
    }
}

#[derive(Debug, Args)]
struct SignArgs {
    /// 签名私钥（.key）
    #[arg(long)]
    key: PathBuf,
    /// 输入表格：CSV（UTF-8、带 BOM 的 UTF-8、GBK）或 Excel 工作簿
    #[arg(long)]
    input: PathBuf,
    /// 输出的数据集（.jsonl）；全部通过才写出，原子替换
    #[arg(long)]
    out: PathBuf,
    /// 输入种类；默认按表头判断
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// 数据目录（含 root.pub 与已签名数据集）：按信任链检查新记录，并从机构目录取机构名称
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// 跳过有问题的行：签名其余各行，问题行写入拒收文件
    #[arg(long)]
    skip_invalid: bool,
    /// 拒收文件路径（默认 OUT.rejects.csv）
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// 机构声明的签发日期（默认今天）
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    #[command(flatten)]
    today: TodayArg,
    #[command(flatten)]
    hash: HashArgs,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// 根公钥（.pub）
    #[arg(long)]
    root: PathBuf,
    /// 数据集文件或目录（目录中所有 *.jsonl）
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// 证书哈希迭代次数的下限
    #[arg(long, default_value_t = MIN_ITERATIONS)]
    min_iterations: u32,
    #[command(flatten)]
    today: TodayArg,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// 输出目录
    #[arg(long)]
    out: PathBuf,
    /// 证书数量
    #[arg(long, default_value_t = 3000)]
    count: usize,
    /// 随机种子
    #[arg(long, default_value_t = 2020)]
    seed: u64,
    /// 数据日期：所有日期不晚于此日
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-11-15")]
    as_of: String,
    /// 替换非空目录中的演示文件
    #[arg(long)]
    force: bool,
    /// 在 58 家试点机构之外再生成的虚构机构数（供目录规模的基准测试）
    #[arg(long, default_value_t = 0)]
    extra_institutions: usize,
    #[command(flatten)]
    hash: HashArgs,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Code(CodeCommand::Explain { code, json }) => explain(&code, json),
        Command::Init(a) => init_cmd(&a),
        Command::Keygen(a) => keygen(&a),
        Command::Sign(a) => sign_cmd(&a),
        Command::Verify(a) => verify_cmd(&a),
        Command::Demo(a) => demo_cmd(&a),
        Command::Build(a) => build_cmd(&a.site).map(|(code, _)| code),
        Command::Serve(a) => serve_cmd(&a),
        Command::Report(a) => report_cmd(&a),
        Command::Qr(a) => qr_cmd(&a),
        Command::Print(a) => print_cmd(&a),
        Command::Log(c) => log_cmd(c),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::from(2)
        }
    }
}

/// A command's exit status, or why it could not run (exit status 2). Any
/// library error converts, so commands use `?` and the message is the
/// error's own, in Chinese with the path.
type CmdResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn date_arg(text: &str, what: &str) -> Result<Date, String> {
    parse_date(text).ok_or_else(|| format!("{what}“{text}”不是有效日期"))
}

fn explain(input: &str, json: bool) -> CmdResult {
    let is_filing = normalize_input(input).chars().count() == FILING_LEN;
    let parsed: Result<(String, serde_json::Value), crate::domain::code::CodeError> = if is_filing {
        FilingNo::parse(input)
            .map(|f| (f.explain_text(), serde_json::to_value(f.explain()).unwrap()))
    } else {
        CertCode::parse(input)
            .map(|c| (c.explain_text(), serde_json::to_value(c.explain()).unwrap()))
    };
    let what = if is_filing {
        "机构备案号"
    } else {
        "证书编号"
    };
    match parsed {
        Ok((text, value)) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&value).unwrap());
            } else {
                print!("{text}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json {
                let v = serde_json::json!({
                    "error": e.to_string(),
                    "field": e.field,
                    "start": e.start,
                    "end": e.end,
                    "found": e.found,
                    "expected": e.expected,
                });
                println!("{}", serde_json::to_string_pretty(&v).unwrap());
            } else {
                eprintln!("{what}无效：{e}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn init_cmd(a: &InitArgs) -> CmdResult {
    let opts = crate::init::InitOptions {
        dir: a.dir.clone(),
        title: a.title.clone(),
        authority: a.authority.clone(),
        base_url: a.base_url.clone(),
    };
    let secrets = crate::init::init(&opts)?;
    let dir = a.dir.display();
    println!("已新建数据目录 {dir}：根密钥、日志密钥、发布者声明、certsite.toml、页面和示例表格。");
    println!();
    println!("！！！私钥（权限 0600）：");
    for path in &secrets {
        println!("    {}", path.display());
    }
    println!(
        "！！！根私钥 keys/root.key 只在签名机构目录和撤销时使用：请立即移到离线保管处，不要留在这台机器上，不要发布。"
    );
    println!();
    println!("下一步见 {dir}/README.md；现在就可以生成一个空站点：certsite build --data {dir}");
    Ok(ExitCode::SUCCESS)
}

fn keygen(a: &KeygenArgs) -> CmdResult {
    // A prefix names the files: `keys/` or an existing folder would give a
    // hidden `keys/.key`.
    let text = a.out.as_os_str().to_string_lossy();
    if a.out.is_dir()
        || text.ends_with('/')
        || text.ends_with(std::path::MAIN_SEPARATOR)
        || a.out.file_name().is_none()
    {
        return Err(format!(
            "--out {}：是目录，不是文件名前缀；请写成如 {}/root（写出 root.key 和 root.pub）",
            a.out.display(),
            text.trim_end_matches(['/', std::path::MAIN_SEPARATOR])
        )
        .into());
    }
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).fs(FsAction::CreateDir, parent)?;
    }
    let key = SecretKey::generate()?;
    let (secret, public) = keys::write_pair(&key, &a.out, &a.label)?;
    let pk = key.public();
    println!("私钥  {}（权限 0600，切勿外传）", secret.display());
    println!("公钥  {}", public.display());
    println!("kid   {}", pk.kid());
    println!("指纹  SHA-256 {}", pk.fingerprint());
    Ok(ExitCode::SUCCESS)
}

fn print_sign_report(r: &SignReport) {
    for note in &r.notes {
        eprintln!("注意：{note}");
    }
}

fn sign_cmd(a: &SignArgs) -> CmdResult {
    let (iterations, min_iterations) = a.hash.checked()?;
    let key = SecretKey::read(&a.key)?;
    let today = a.today.date()?;
    let statement_date = match &a.date {
        Some(d) => date_arg(d, "--date ")?,
        None => today,
    };
    let opts = SignOptions {
        key: &key,
        input: a.input.clone(),
        out: a.out.clone(),
        kind: a.kind.map(Into::into),
        data: a.data.clone(),
        iterations,
        min_iterations,
        skip_invalid: a.skip_invalid,
        rejects: a.rejects.clone(),
        today,
        statement_date,
    };
    match sign(&opts) {
        Ok(r) => {
            print_sign_report(&r);
            if !r.problems.is_empty() {
                eprint!("{}", report(&r.problems));
            }
            println!(
                "已签名 {} 条{}（{}，输入编码 {}）→ {}",
                r.signed,
                r.kind.name(),
                key.public().kid(),
                r.encoding,
                a.out.display()
            );
            if let Some(rejects) = &r.rejects_file {
                println!(
                    "跳过 {} 行有问题的记录，已列入 {}",
                    r.rejected,
                    rejects.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(SignError::Invalid(r)) => {
            print_sign_report(&r);
            eprint!("{}", report(&r.problems));
            eprintln!(
                "发现 {} 个问题（涉及 {} 行），未写出任何文件。修正后重试，或用 --skip-invalid 只签名无问题的行。",
                r.problems.len(),
                r.rejected
            );
            Ok(ExitCode::from(1))
        }
        Err(SignError::Unusable(problems)) => {
            eprint!("{}", report(&problems));
            eprintln!("未写出任何文件。");
            Ok(ExitCode::from(1))
        }
        Err(SignError::Fs(e)) => Err(e.into()),
    }
}

fn verify_cmd(a: &VerifyArgs) -> CmdResult {
    let root = PublicKey::read(&a.root)?;
    let verifier = Verifier {
        root,
        options: VerifyOptions {
            today: a.today.date()?,
            min_iterations: a.min_iterations,
        },
    };
    let files = dataset::find_datasets(&a.paths)?;
    let Verified {
        chain, problems, ..
    } = verifier.verify_files(&files);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "根密钥  kid {}  指纹 SHA-256 {}",
        root.kid(),
        root.fingerprint()
    );
    let _ = writeln!(
        out,
        "检查了 {} 个文件、{} 条签名记录",
        files.len(),
        chain.lines_read
    );
    let _ = writeln!(
        out,
        "  机构声明 {} 份有效{}",
        chain.history.len(),
        if chain.superseded > 0 {
            format!("（另有 {} 份旧版本被取代）", chain.superseded)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "  证书     {} 份有效", chain.certificates.len());
    let _ = writeln!(out, "  撤销     {} 份有效", chain.revocations.len());
    if problems.is_empty() {
        let _ = writeln!(out, "全部通过。");
        return Ok(ExitCode::SUCCESS);
    }
    drop(out);
    eprint!("{}", report(&problems));
    eprintln!("发现 {} 个问题。", problems.len());
    Ok(ExitCode::from(1))
}

fn demo_cmd(a: &DemoArgs) -> CmdResult {
    let (iterations, min_iterations) = a.hash.checked()?;
    let opts = DemoOptions {
        out: a.out.clone(),
        count: a.count,
        seed: a.seed,
        iterations,
        min_iterations,
        as_of: date_arg(&a.as_of, "--as-of ")?,
        force: a.force,
        extra_institutions: a.extra_institutions,
    };
    let s = demo::generate(&opts)?;
    println!(
        "演示数据已写入 {}：{} 家机构、{} 份证书、{} 份撤销",
        a.out.display(),
        s.institutions,
        s.certificates,
        s.revocations
    );
    println!("根密钥指纹 SHA-256 {}", s.root_fingerprint);
    println!(
        "注意：{}/ 中的私钥仅供演示，切勿用于真实数据。",
        demo::KEYS_DIR
    );
    Ok(ExitCode::SUCCESS)
}

fn build_cmd(a: &SiteArgs) -> Result<(ExitCode, bool), Box<dyn std::error::Error>> {
    let today = a.today.date()?;
    // Not a data folder at all: a usage fault (exit 2), not a data problem.
    let config = a.data.join(crate::data::config::CONFIG_FILE);
    if !config.exists() {
        return Err(format!(
            "{} 不是数据目录：没有 {}。新建一个：certsite init {}",
            a.data.display(),
            config.display(),
            a.data.display()
        )
        .into());
    }
    let opts = BuildOptions {
        data: a.data.clone(),
        out: a.out.clone(),
        skip_invalid: a.skip_invalid,
        today,
        qr_out: a.qr_out.clone(),
        log_key: a.log_key.clone(),
    };
    match build::build(&opts) {
        Ok(r) => {
            println!(
                "站点已生成 {}：{} 家机构、{} 份证书、{} 份撤销；{} 个文件，{:.1} MB",
                a.out.display(),
                r.institutions,
                r.certificates,
                r.revocations,
                r.files,
                r.bytes as f64 / 1e6
            );
            println!(
                "分片：{} 个（SHA-256 前 {} 位），最大 {} 字节",
                r.shards.count(),
                r.shards.bits,
                r.largest_shard
            );
            let steps: Vec<String> = r
                .steps
                .iter()
                .map(|(name, d)| format!("{name} {:.2}s", d.as_secs_f64()))
                .collect();
            println!("日志：{} 条（本次新增 {} 条）", r.log.1, r.log.1 - r.log.0);
            println!("用时：{}", steps.join("，"));
            if let Some(path) = &r.skipped_report {
                eprint!("{}", report(&r.skipped));
                eprintln!(
                    "注意：{} 个问题涉及的记录未发布，清单见 {}",
                    r.skipped.len(),
                    path.display()
                );
            }
            Ok((ExitCode::SUCCESS, true))
        }
        Err(BuildError::Problems(problems)) => {
            eprint!("{}", report(&problems));
            // --skip-invalid leaves out records: it cannot help a whole file.
            let records = problems.iter().any(|p| p.line.is_some());
            let hint = if records && !a.skip_invalid {
                "修正数据后重试，或用 --skip-invalid 只发布通过验证的记录。"
            } else {
                "修正后重试。"
            };
            eprintln!(
                "发现 {} 个问题，未生成站点；{}{hint}",
                problems.len(),
                unchanged(&a.out)
            );
            Ok((ExitCode::from(1), false))
        }
        Err(BuildError::Write(crate::site::write::WriteError::Interrupted)) => {
            eprintln!("{}", crate::site::write::WriteError::Interrupted);
            Ok((ExitCode::from(130), false))
        }
        Err(BuildError::Removed(message)) => {
            eprintln!("{message}");
            eprintln!("未生成站点；{}", unchanged(&a.out));
            Ok((ExitCode::from(1), false))
        }
        Err(e) => Err(format!("{e}（{}）", unchanged(&a.out).trim_end_matches('。')).into()),
    }
}

/// What a failed build did to the output folder: nothing, said as it is.
fn unchanged(out: &Path) -> String {
    if out.exists() {
        format!("{} 保持原样。", out.display())
    } else {
        format!("没有写出 {}。", out.display())
    }
}

fn serve_cmd(a: &ServeArgs) -> CmdResult {
    // The port first: a busy one is known before a long build.
    let listener = serve::listen(a.port)?;
    let (code, built) = build_cmd(&a.site)?;
    if !built {
        return Ok(code);
    }
    serve::serve(&a.site.out, listener, a.quiet)?;
    Ok(ExitCode::SUCCESS)
}

fn log_cmd(c: LogCommand) -> CmdResult {
    use crate::log::commands;
    match c {
        LogCommand::Verify {
            site,
            root,
            from,
            witness,
            quorum,
        } => {
            let root = PublicKey::read(&root)?;
            let from = match &from {
                Some(p) => Some(std::fs::read_to_string(p).fs(FsAction::Read, p)?),
                None => None,
            };
            let witnesses = witness
                .iter()
                .map(|v| crate::log::witness::Witness::from_vkey(v))
                .collect::<Result<Vec<_>, _>>()?;
            let policy = crate::log::audit::WitnessPolicy {
                quorum: quorum.unwrap_or(crate::log::witness::distinct(&witnesses)),
                witnesses,
            };
            let audit = crate::log::audit::audit(&site, &root, from.as_deref(), &policy);
            let passed = commands::print_audit(&site, &audit, from.is_some());
            Ok(ExitCode::from(u8::from(!passed)))
        }
        LogCommand::Diff { old, new, root } => {
            let root = PublicKey::read(&root)?;
            match commands::diff(&old, &new, &root) {
                Ok(_) => Ok(ExitCode::SUCCESS),
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        LogCommand::Authorize {
            key,
            log_keys,
            name,
            base_url,
            date,
            out,
        } => {
            let root = SecretKey::read(&key)?;
            let date = match &date {
                Some(d) => date_arg(d, "--date ")?,
                None => today_in_china(),
            };
            let base = out.parent().unwrap_or(Path::new("."));
            let keys = log_keys
                .iter()
                .map(|k| crate::input::roster::directory::parse_key_entry(k, base, Some(date)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("--log-key：{e}"))?;
            let line = commands::Authorize {
                root: &root,
                name,
                origin: crate::site::snapshot::origin(&base_url),
                keys,
                date: date.to_string(),
            }
            .line()?;
            let mut text = std::fs::read_to_string(&out).unwrap_or_default();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&line);
            text.push('\n');
            dataset::write_atomic(&out, text.as_bytes())?;
            println!("已把发布者声明（{date}）追加到 {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report_cmd(a: &ReportArgs) -> CmdResult {
    let folder = DataFolder::open(&a.data)?;
    let Verified {
        chain, problems, ..
    } = folder.verify(a.today.date()?)?;
    if !problems.is_empty() {
        eprintln!(
            "注意：数据目录中有 {} 个问题，未通过验证的记录不计入汇总（用 certsite verify 查看）",
            problems.len()
        );
    }
    let filing = normalize_input(&a.institution);
    let monthly = crate::issuer::report::monthly(&chain, &filing, &a.month)?;
    let bytes = match a.format {
        ReportFormat::Csv => monthly.to_csv(),
        ReportFormat::Html => monthly.to_html().into_bytes(),
    };
    match &a.out {
        Some(path) => {
            dataset::write_atomic(path, &bytes)?;
            eprintln!(
                "已写出 {} {} 的汇总表（{} 份证书）→ {}",
                monthly.institution,
                monthly.month,
                monthly.table.sum.total,
                path.display()
            );
        }
        None => {
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn qr_cmd(a: &QrArgs) -> CmdResult {
    let code = match CertCode::parse(&a.code) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("证书编号无效：{e}");
            return Ok(ExitCode::from(1));
        }
    };
    // The format is the file's: checked before anything is made.
    let is_png = match &a.out {
        None => false,
        Some(path) => match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "png" => true,
            Some(e) if e == "svg" => false,
            _ => {
                return Err(format!(
                    "--out {}：只能写 .svg 或 .png 文件（按扩展名决定格式）",
                    path.display()
                )
                .into());
            }
        },
    };
    let config = crate::data::config::Config::load(&a.data)?;
    let url = crate::issuer::qr::verify_url(&config.base_url, &code.as_string(), a.name.as_deref());
    let symbol = crate::issuer::qr::Symbol::new(&url)?;
    let bytes = if is_png {
        symbol.png(10)?
    } else {
        symbol.svg().into_bytes()
    };
    match &a.out {
        Some(path) => {
            dataset::write_atomic(path, &bytes)?;
            eprintln!(
                "{} → {}（版本 {}，纠错等级 Q，{} 模块含静区，30mm 时每模块 {:.2}mm）",
                url,
                path.display(),
                symbol.version(),
                symbol.side(),
                symbol.module_mm()
            );
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_cmd(a: &PrintArgs) -> CmdResult {
    let opts = PrintOptions {
        data: a.data.clone(),
        codes: a.code.clone(),
        institution: a.institution.clone(),
        rosters: a.roster.clone(),
        photos: a.photos.clone(),
        out: a.out.clone(),
        pdf: a.pdf,
        today: a.today.date()?,
    };
    let r = print(&opts)?;
    if r.data_problems > 0 {
        eprintln!(
            "注意：数据目录中有 {} 个问题，未通过验证的证书不能印制（用 certsite verify 查看）",
            r.data_problems
        );
    }
    if !r.problems.is_empty() {
        eprint!("{}", report(&r.problems));
    }
    if r.printed == 0 {
        eprintln!("没有可以印制的证书。");
        return Ok(ExitCode::from(1));
    }
    println!(
        "已生成 {} 份证书{} → {}",
        r.printed,
        if a.pdf {
            "（HTML 与 PDF）"
        } else {
            "（HTML，可在浏览器中打印）"
        },
        a.out.display()
    );
    Ok(if r.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
