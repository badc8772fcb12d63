//! The command line: arguments (clap, in Chinese), the commands, and what
//! they print.
//!
//! Exit status, the same for every command:
//!
//! | status | meaning |
//! | --- | --- |
//! | 0 | done, nothing wrong |
//! | 1 | the data has problems: records, files or codes that fail the rules |
//! | 2 | the command could not run: arguments, configuration, a missing or unreadable file, an output that cannot be written, a busy port |
//! | 130 | interrupted (Ctrl-C); nothing half-written is left |

mod datasets;
mod issuer;
mod localize;
mod log;
mod output;
mod review;
mod setup;
mod site;

use std::process::ExitCode;

use clap::{ArgAction, Args, Parser, Subcommand};
use jiff::civil::Date;

use certsite_core::constants::{DEFAULT_ITERATIONS, MIN_ITERATIONS};
use certsite_core::domain::dates::{parse_date, today_in_china};
pub use output::ColorWhen;
use output::Output;

/// The exit statuses (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: done, nothing wrong.
    Success = 0,
    /// 1: the data has problems.
    Problems = 1,
    /// 2: the command could not run.
    CouldNotRun = 2,
    /// 130: interrupted.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "certsite",
    version,
    about = "certsite：职业技能等级证书的签名数据集与静态查询站点（辽人社〔2020〕22号）",
    after_help = "退出码：0 成功；1 数据有问题；2 无法执行（参数、配置、文件、端口）；130 被中断。\n每个命令的示例见 certsite 命令 --help。",
    max_term_width = 100,
    // clap's own are in English; ours are below and the `help` command.
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 只打印错误和问题
    #[arg(long, short, global = true)]
    quiet: bool,
    /// 何时使用颜色
    #[arg(
        long,
        value_enum,
        global = true,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: ColorWhen,
    /// 显示帮助（--help 显示更多）
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Help,
        long_help = "显示帮助（-h 只显示摘要）"
    )]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 新建数据目录：根密钥、日志密钥、配置、页面、示例表格和下一步的说明
    #[command(after_help = setup::INIT_EXAMPLES)]
    Init(setup::InitArgs),
    /// 证书编号与机构备案号（附件5）
    #[command(subcommand)]
    Code(issuer::CodeCommand),
    /// 生成 Ed25519 密钥对：PREFIX.key（私钥，权限 0600）和 PREFIX.pub（公钥）
    #[command(after_help = setup::KEYGEN_EXAMPLES)]
    Keygen(setup::KeygenArgs),
    /// 把证书名册、机构目录（附件4）、审核机构名单或撤销清单（CSV/Excel）签名为 .jsonl 数据集
    #[command(after_help = datasets::SIGN_EXAMPLES)]
    Sign(datasets::SignArgs),
    /// 按信任链验证已签名的数据集，打印汇总；有任何问题时退出码为 1
    #[command(after_help = datasets::VERIFY_EXAMPLES)]
    Verify(datasets::VerifyArgs),
    /// 市审核机构审核企业签名的证书：签名审核通过的，列出退回企业的
    #[command(after_help = review::REVIEW_EXAMPLES)]
    Review(review::ReviewArgs),
    /// 生成演示数据集（58 家试点机构、虚构持证人），同一种子得到相同字节
    #[command(after_help = site::DEMO_EXAMPLES)]
    Demo(site::DemoArgs),
    /// 验证数据目录并生成静态查询站点（默认 data/ → public/）；有问题时不写出任何文件
    #[command(after_help = site::BUILD_EXAMPLES)]
    Build(site::BuildArgs),
    /// 生成站点并在 127.0.0.1 上预览
    #[command(after_help = site::SERVE_EXAMPLES)]
    Serve(site::ServeArgs),
    /// 生成某月的《企业职业技能等级认定结果汇总表》（附件7）：企业、市或全省，Excel、CSV 或 HTML
    #[command(after_help = issuer::REPORT_EXAMPLES)]
    Report(issuer::ReportArgs),
    /// 生成证书二维码（30mm×30mm，打开查验页面），SVG 或 PNG
    #[command(after_help = issuer::QR_EXAMPLES)]
    Qr(issuer::QrArgs),
    /// 按附件6版式生成可打印的证书（HTML，可选 PDF），读取评价机构自己的名册
    #[command(after_help = issuer::PRINT_EXAMPLES)]
    Print(issuer::PrintArgs),
    /// 只增不减的日志与签名快照：审计站点、比较检查点、登记日志密钥
    #[command(subcommand)]
    Log(log::LogCommand),
    /// 显示某个命令的说明和示例，同 certsite 命令 --help
    #[command(after_help = HELP_EXAMPLES)]
    Help(HelpArgs),
}

const HELP_EXAMPLES: &str = "示例：
  certsite help sign
  certsite help log verify";

/// `certsite help`'s arguments.
#[derive(Debug, Args)]
struct HelpArgs {
    /// 命令，如 sign 或 log verify；不给则显示全部命令
    #[arg(value_name = "命令")]
    command: Vec<String>,
}

impl Command {
    /// Whether the command was asked for a JSON summary: its failures are
    /// then JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Code(issuer::CodeCommand::Explain { json, .. }) => *json,
            Command::Sign(a) => a.json.json,
            Command::Verify(a) => a.json.json,
            Command::Review(a) => a.json.json,
            Command::Build(a) => a.json.json,
            Command::Report(a) => a.json.json,
            Command::Log(c) => c.json(),
            _ => false,
        }
    }
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

    /// The date a site is built as of: never after this machine's today in
    /// China, so that no site carries a data date yet to come.
    fn date_not_future(&self) -> Result<Date, String> {
        not_future(self.date()?, "--today", "站点的数据日期")
    }
}

/// `date`, unless it is after this machine's today in China (`what` is
/// what would carry it).
fn not_future(date: Date, option: &str, what: &str) -> Result<Date, String> {
    let now = today_in_china();
    if date > now {
        return Err(format!(
            "{option} {date} 晚于本机的今天（中国标准时间 {now}）：{what}不能是尚未到来的日期"
        ));
    }
    Ok(date)
}

/// `--json`, for the commands that have a machine-readable summary.
#[derive(Debug, Args)]
struct JsonArg {
    /// 在标准输出打印一个 JSON 汇总（含全部问题），不打印文字
    #[arg(long)]
    json: bool,
}

/// The privacy hash's cost, for the commands that hash names and numbers.
#[derive(Debug, Args)]
struct HashArgs {
    /// 姓名、证件号码哈希的 PBKDF2 迭代次数
    #[arg(
        long,
        default_value_t = DEFAULT_ITERATIONS,
        value_name = "N",
        value_parser = localize::number::<u32>
    )]
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
                "--iterations {} 低于隐私下限 {MIN_ITERATIONS}（见 docs/privacy.md）",
                self.iterations
            ));
        }
        Ok((self.iterations, MIN_ITERATIONS))
    }
}

/// A command's exit status, or why it could not run (exit status 2). Any
/// library error converts, so commands use `?` and the message is the
/// error's own, in Chinese with the path.
type CmdResult = Result<Exit, Box<dyn std::error::Error>>;

fn date_arg(text: &str, what: &str) -> Result<Date, String> {
    parse_date(text).ok_or_else(|| format!("{what}“{text}”不是有效日期"))
}

/// `certsite` itself: reads the arguments (errors and help in Chinese),
/// runs the command, returns its exit status.
pub fn main() -> ExitCode {
    match localize::parse(std::env::args_os()) {
        Ok(cli) => run(cli),
        Err(exit) => exit.into(),
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    output::set_color(cli.color);
    crate::staging::watch_interrupts();
    let json = cli.command.json();
    let out = Output {
        quiet: cli.quiet,
        json,
    };
    let result = match cli.command {
        Command::Code(c) => issuer::code_cmd(&c, &out),
        Command::Init(a) => setup::init_cmd(&a, &out),
        Command::Keygen(a) => setup::keygen_cmd(&a, &out),
        Command::Sign(a) => datasets::sign_cmd(&a, &out),
        Command::Verify(a) => datasets::verify_cmd(&a, &out),
        Command::Review(a) => review::review_cmd(&a, &out),
        Command::Demo(a) => site::demo_cmd(&a, &out),
        Command::Build(a) => site::build_cmd(&a.site, &out).map(|(exit, _)| exit),
        Command::Serve(a) => site::serve_cmd(&a, &out),
        Command::Report(a) => issuer::report_cmd(&a, &out),
        Command::Qr(a) => issuer::qr_cmd(&a, &out),
        Command::Print(a) => issuer::print_cmd(&a, &out),
        Command::Log(c) => log::log_cmd(c, &out),
        Command::Help(a) => localize::help(&a.command).map_err(Into::into),
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(e) => {
            out.failed(&e.to_string(), Exit::CouldNotRun);
            Exit::CouldNotRun
        }
    };
    output::settled(exit).into()
}

#[cfg(test)]
mod tests {
    use clap::FromArgMatches;

    use super::*;

    /// Every subcommand's (and sub-subcommand's) path, e.g. `["log", "verify"]`.
    fn commands() -> Vec<Vec<String>> {
        fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
            for sub in cmd.get_subcommands() {
                let mut p = path.to_vec();
                p.push(sub.get_name().to_string());
                if sub.has_subcommands() {
                    walk(sub, &p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&localize::command(), &[], &mut out);
        out
    }

    #[test]
    fn every_command_has_examples_and_they_parse() {
        localize::command().debug_assert();
        for path in commands() {
            let mut cmd = localize::command();
            let mut sub = &mut cmd;
            for name in &path {
                sub = sub.find_subcommand_mut(name).unwrap();
            }
            let examples = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            let help = sub.render_long_help().to_string();
            // A line ending in ` \` goes on, as in a shell.
            let examples = examples.replace(" \\\n", " ");
            let examples: Vec<&str> = (examples.lines())
                .map(str::trim_start)
                .filter(|l| l.starts_with("certsite "))
                .collect();
            let name = path.join(" ");
            assert!(
                examples
                    .iter()
                    .any(|e| e.starts_with(&format!("certsite {name} "))),
                "certsite {name} --help has no example of the command itself"
            );
            let raw = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            for line in raw.lines() {
                // Shown as written, never wrapped, so that it can be copied.
                assert!(help.contains(line), "wrapped in the help: {line}");
            }
            for example in examples {
                let words = localize::split_words(example);
                let parsed = (localize::command().try_get_matches_from(&words))
                    .and_then(|m| Cli::from_arg_matches(&m));
                if let Err(e) = parsed {
                    panic!("{example}\n{}", crate::catalogue::argument_error(&e));
                }
            }
        }
    }
}
