//! clap in Chinese, through clap's own hooks, as rage does: clap has no
//! translations, and rewriting the English it renders would break silently
//! with any update of clap. So [`command`] takes `Cli`'s definition (its
//! help strings are Chinese doc comments) and sets, on every command:
//!
//! - a help template of our own: `用法：` for clap's `{usage-heading}`, and
//!   the headings `命令：`, `参数：` and `选项：` over clap's `{subcommands}`,
//!   `{positionals}` and `{options}` (clap's own headings are English and
//!   end in an ASCII colon);
//! - a usage line of our own (`[选项]` and `<命令>` for clap's fixed
//!   `[OPTIONS]` and `<COMMAND>`), made from the command's arguments;
//! - each argument's default and possible values written into its help from
//!   the argument itself (`[默认：data]`, `[可选值：csv、html]`), clap's
//!   English ones hidden.
//!
//! `-h`/`--help`, `-V`/`--version` and the `help` command are ordinary
//! arguments and a command of `Cli`, with clap's own turned off. Argument
//! errors are written from their kind and parts
//! ([`crate::catalogue::argument_error`]); numbers are read by [`number`],
//! which says why not in Chinese. Nothing clap writes in English is shown.

use std::ffi::OsString;
use std::io::Write;

use clap::builder::{PossibleValue, Styles};
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, ValueEnum};

use super::output::{ColorWhen, ERROR};
use super::{Cli, Exit};
use crate::catalogue::{NumberProblem, argument_error, whole_number};

/// The heading of a command's subcommands, and their placeholder in usage.
const COMMANDS: &str = "命令";
/// The heading of positional arguments.
const ARGUMENTS: &str = "参数";
/// The heading of options, and their placeholder in usage.
const OPTIONS: &str = "选项";

/// The command line with every hook set to Chinese: what is parsed and
/// what `--help` shows.
pub(super) fn command() -> clap::Command {
    let cmd = Cli::command();
    // Global options (`--quiet`, `--color`, `--help`) reach every command
    // only when clap builds it, after this.
    let globals: Vec<Arg> = (cmd.get_arguments())
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    chinese(cmd, &[], &globals)
}

/// One command and its subcommands in Chinese; `path` is the names above
/// it, `globals` the options it will inherit.
fn chinese(cmd: clap::Command, path: &[&str], globals: &[Arg]) -> clap::Command {
    let styles = cmd.get_styles().clone();
    let mut names = path.to_vec();
    names.push(cmd.get_name());
    let usage = usage(&cmd, &names.join(" "), globals, &styles);
    let template = template(&cmd, globals, &styles);
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    cmd.help_template(template)
        .override_usage(usage)
        .mut_args(argument)
        .mut_subcommands(|sub| {
            let path: Vec<&str> = names.iter().map(String::as_str).collect();
            chinese(sub, &path, globals)
        })
}

/// clap's default help template in Chinese: `用法：` for its
/// `{usage-heading}`, and a Chinese heading over each list that the
/// command has.
fn template(cmd: &clap::Command, globals: &[Arg], styles: &Styles) -> String {
    let (usage, header) = (styles.get_usage(), styles.get_header());
    let options = (cmd.get_arguments().chain(globals)).any(|a| !a.is_positional());
    let sections = [
        (cmd.has_subcommands(), COMMANDS, "{subcommands}"),
        (
            cmd.get_positionals().next().is_some(),
            ARGUMENTS,
            "{positionals}",
        ),
        (options, OPTIONS, "{options}"),
    ];
    let mut template =
        format!("{{before-help}}{{about-with-newline}}\n{usage}用法：{usage:#}{{usage}}");
    for (_, heading, tag) in sections.into_iter().filter(|(has, ..)| *has) {
        template += &format!("\n\n{header}{heading}：{header:#}\n{tag}");
    }
    template + "{after-help}"
}

/// Whether an argument makes a command's usage say `[选项]`: an option
/// that may be left out (help and version go without saying).
fn is_option(a: &Arg) -> bool {
    let builtin = matches!(
        a.get_action(),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
    );
    !a.is_positional() && !a.is_required_set() && !a.is_hide_set() && !builtin
}

/// Whether an argument's usage ends in `...`: a positional one that takes
/// a list, an option that takes several values at once (`--code A B`).
fn is_many(a: &Arg) -> bool {
    let positional_list = a.is_positional() && matches!(a.get_action(), ArgAction::Append);
    positional_list || a.get_num_args().is_some_and(|n| n.max_values() > 1)
}

/// The usage line, as clap makes it but in Chinese: the command, `[选项]`,
/// the required options, the positional arguments, `<命令>`.
fn usage(cmd: &clap::Command, path: &str, globals: &[Arg], styles: &Styles) -> String {
    let (literal, placeholder) = (styles.get_literal(), styles.get_placeholder());
    let mut line = format!("{literal}{path}{literal:#}");
    if cmd.get_arguments().chain(globals).any(is_option) {
        line += &format!(" {placeholder}[{OPTIONS}]{placeholder:#}");
    }
    let value = |a: &Arg| {
        let name = (a.get_value_names())
            .and_then(|names| names.first())
            .map_or_else(|| a.get_id().to_string(), |n| n.to_string());
        let dots = if is_many(a) { "..." } else { "" };
        match (a.is_positional(), a.is_required_set()) {
            (true, false) => format!("{placeholder}[{name}]{dots}{placeholder:#}"),
            _ => format!("{placeholder}<{name}>{dots}{placeholder:#}"),
        }
    };
    let required = cmd.get_arguments().filter(|a| a.is_required_set());
    for a in required.filter(|a| !a.is_positional()) {
        let flag = a.get_long().map_or_else(String::new, |l| format!("--{l}"));
        line += &format!(" {literal}{flag}{literal:#} {}", value(a));
    }
    for a in cmd.get_positionals() {
        line += &format!(" {}", value(a));
    }
    if cmd.has_subcommands() {
        let (open, close) = match cmd.is_subcommand_required_set() {
            true => ('<', '>'),
            false => ('[', ']'),
        };
        line += &format!(" {placeholder}{open}{COMMANDS}{close}{placeholder:#}");
    }
    line
}

/// An argument with its default and possible values in its own help
/// instead of clap's English `[default: …]` and
/// `[possible values: …]`. They are read from the argument itself, so the
/// help cannot drift from what is parsed.
fn argument(a: Arg) -> Arg {
    // A flag has a default (`false`) and values (`true`, `false`) too; clap
    // shows neither.
    if !a.get_action().takes_values() {
        return a;
    }
    let a = a.hide_default_value(true).hide_possible_values(true);
    let defaults: Vec<String> = (a.get_default_values().iter())
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    let values: Vec<PossibleValue> = (a.get_possible_values().into_iter())
        .filter(|v| !v.is_hide_set())
        .collect();
    let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
    let default = (!defaults.is_empty()).then(|| format!("[默认：{}]", defaults.join("、")));
    let inline = (!names.is_empty()).then(|| format!("[可选值：{}]", names.join("、")));
    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let short = joined(&[Some(help.clone()), default.clone(), inline.clone()], " ");
    // As clap does: values that have their own help are listed one a line
    // in the long help, the default after them.
    let long = a.get_long_help().map(ToString::to_string);
    let long = if values.iter().any(|v| v.get_help().is_some()) {
        let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
        let mut list = "可选值：".to_string();
        for v in &values {
            let help = v.get_help().map(ToString::to_string).unwrap_or_default();
            list += &format!("\n- {:width$}  {help}", v.get_name());
        }
        Some(joined(&[long.or(Some(help)), Some(list), default], "\n\n"))
    } else {
        let rest = joined(&[default, inline], " ");
        long.map(|long| joined(&[Some(long), Some(rest)], "\n\n"))
    };
    let a = a.help(short);
    match long {
        Some(long) => a.long_help(long),
        None => a,
    }
}

/// The texts that are there and not empty, joined by `separator`.
fn joined(parts: &[Option<String>], separator: &str) -> String {
    let parts: Vec<&str> = (parts.iter().flatten())
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    parts.join(separator)
}

/// clap's value parser for a whole number of type `T`: clap's own and
/// `std`'s say why not in English.
pub(super) fn number<T: Whole>(text: &str) -> Result<T, NumberProblem> {
    let n = whole_number(text, T::MAX)?;
    T::try_from(n).map_err(|_| NumberProblem::OutOfRange(T::MAX))
}

/// clap's value parser for a whole number from 0 to `MAX`.
pub(super) fn at_most<const MAX: u64>(text: &str) -> Result<u64, NumberProblem> {
    whole_number(text, MAX)
}

/// The whole-number types of the command line, with their largest value.
pub(super) trait Whole: TryFrom<u64> {
    /// The largest value.
    const MAX: u64;
}

impl Whole for u16 {
    const MAX: u64 = u16::MAX as u64;
}

impl Whole for u32 {
    const MAX: u64 = u32::MAX as u64;
}

impl Whole for u64 {
    const MAX: u64 = u64::MAX;
}

impl Whole for usize {
    const MAX: u64 = usize::MAX as u64;
}

/// Parses the arguments. Help and version are printed here (exit 0); an
/// argument error is explained in Chinese (exit 2).
pub(super) fn parse<I, T>(args: I) -> Result<Cli, Exit>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // `--color` applies to help and argument errors too, printed before
    // the command line is parsed whole.
    if let Some(when) = color_arg(&args) {
        super::output::set_color(when);
    }
    let parsed = command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| match e.kind() {
        // The help is our template's, rendered by clap; the version is
        // `certsite 0.1.0`.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            super::output::to_stdout(&e.render().ansi().to_string());
            super::output::settled(Exit::Success)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(anstream::stderr(), "{}", e.render().ansi());
            Exit::CouldNotRun
        }
        _ => {
            argument_failed(&e, &args);
            Exit::CouldNotRun
        }
    })
}

/// Says why the arguments were refused: the reason, then the usage of the
/// command they were for. A script that asked for JSON gets JSON too (the
/// words go to standard error as always).
fn argument_failed(e: &clap::Error, args: &[OsString]) {
    let message = argument_error(e);
    if args.iter().any(|a| a == "--json") {
        let doc = serde_json::json!({
            "ok": false,
            "exit": Exit::CouldNotRun as u8,
            "error": message,
        });
        let doc = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let _ = writeln!(std::io::stdout(), "{doc}");
    }
    let mut text = format!("{ERROR}错误：{ERROR:#}{message}\n");
    let mut cmd = command();
    cmd.build();
    if let Some(usage) = command_of(&cmd, args).get_overridden_usage() {
        let heading = cmd.get_styles().get_usage();
        text += &format!("\n{heading}用法：{heading:#}{}\n", usage.ansi());
    }
    text += "\n加上 --help 查看说明和示例。\n";
    let _ = write!(anstream::stderr(), "{text}");
}

/// The command the arguments name (`certsite log verify …` → `verify` of
/// `log`), read as clap reads them: an option's value is skipped, the
/// first word that is no subcommand ends the walk. `cmd` must be built, so
/// that every command knows the global options.
fn command_of<'a>(cmd: &'a clap::Command, args: &[OsString]) -> &'a clap::Command {
    let mut at = cmd;
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let takes_value = (at.get_arguments())
                .find(|a| a.get_long() == Some(long))
                .is_some_and(|a| a.get_action().takes_values());
            if takes_value {
                words.next();
            }
            continue;
        }
        if word.starts_with('-') {
            continue;
        }
        match at.find_subcommand(word.as_ref()) {
            Some(sub) => at = sub,
            None => break,
        }
    }
    at
}

/// Prints the help of the command that `names` name (`certsite help log
/// verify`), as `--help` would.
pub(super) fn help(names: &[String]) -> Result<Exit, String> {
    let text = help_text(names)?;
    super::output::to_stdout(&text.ansi().to_string());
    Ok(Exit::Success)
}

/// The long help of the command that `names` name; the whole command
/// line's without names.
fn help_text(names: &[String]) -> Result<clap::builder::StyledStr, String> {
    let mut cmd = command();
    cmd.build();
    let mut at = &mut cmd;
    for name in names {
        at = at
            .find_subcommand_mut(name)
            .ok_or_else(|| format!("没有命令 '{name}'"))?;
    }
    Ok(at.render_long_help())
}

/// The `--color` asked for, if any, read before clap parses the rest.
fn color_arg(args: &[OsString]) -> Option<ColorWhen> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    let mut found = None;
    while let Some(word) = words.next() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => continue,
        };
        found = value
            .and_then(|v| ColorWhen::from_str(v, false).ok())
            .or(found);
    }
    found
}

/// Splits an example command line into words, honouring double quotes
/// (the examples' only quoting).
#[cfg(test)]
pub(super) fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut any) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, built, with its path: `("certsite log verify", …)`.
    fn every_command(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.to_string(), cmd.clone()));
        for sub in cmd.get_subcommands() {
            every_command(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    fn commands() -> Vec<(String, clap::Command)> {
        let mut cmd = command();
        cmd.build();
        let mut out = Vec::new();
        every_command(&cmd, "certsite", &mut out);
        out
    }

    /// clap's fixed English, as its sources write it.
    const CLAP_ENGLISH: &[&str] = &[
        "Usage",
        "Commands:",
        "Arguments:",
        "Options:",
        "Possible values",
        "default:",
        "possible values",
        "[OPTIONS]",
        "COMMAND",
        "Print ",
        "subcommand",
    ];

    #[test]
    fn help_has_none_of_clap_s_english() {
        for (path, mut cmd) in commands() {
            for help in [cmd.render_help(), cmd.render_long_help()] {
                let help = help.to_string();
                assert!(help.contains("用法：certsite"), "{path}:\n{help}");
                for english in CLAP_ENGLISH {
                    assert!(!help.contains(english), "«{english}» in {path}:\n{help}");
                }
                // Positional arguments first, as clap orders them.
                if let (Some(arguments), Some(options)) = (help.find("参数："), help.find("选项："))
                {
                    assert!(arguments < options, "{path}:\n{help}");
                }
            }
        }
    }

    /// The usage line has what clap's would: the same arguments in the same
    /// order, with `[选项]` and `<命令>` for clap's English placeholders.
    #[test]
    fn usage_says_what_clap_s_own_would() {
        let mut plain = Cli::command();
        plain.build();
        let mut english = Vec::new();
        every_command(&plain, "certsite", &mut english);
        for ((path, ours), (_, theirs)) in commands().iter().zip(&mut english) {
            let ours = ours.get_overridden_usage().unwrap().to_string();
            let theirs = theirs.render_usage().to_string();
            let theirs = theirs.trim_start_matches("Usage: ");
            let theirs = theirs
                .replace("[OPTIONS]", "[选项]")
                .replace("<COMMAND>", "<命令>")
                .replace("[COMMAND]", "[命令]");
            assert_eq!(ours, theirs, "{path}");
        }
    }

    /// A default or possible value shown in the help is the argument's own.
    #[test]
    fn defaults_and_values_in_the_help_are_the_parser_s() {
        let mut seen = 0;
        for (path, cmd) in commands() {
            for a in cmd
                .get_arguments()
                .filter(|a| a.get_action().takes_values())
            {
                let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                let long = a.get_long_help().map(ToString::to_string);
                let helps = [Some(&help), long.as_ref()];
                for d in a.get_default_values() {
                    let d = format!("[默认：{}]", d.to_string_lossy());
                    if d != "[默认：]" {
                        for text in helps.iter().flatten() {
                            assert!(text.contains(&d), "{path} {}: {text}", a.get_id());
                        }
                        seen += 1;
                    }
                }
                assert!(a.is_hide_default_value_set());
                for v in a.get_possible_values() {
                    assert!(help.contains(v.get_name()), "{path} {}: {help}", a.get_id());
                    if let (Some(long), Some(vhelp)) = (&long, v.get_help()) {
                        assert!(
                            long.contains(&format!("- {}", v.get_name()))
                                && long.contains(&vhelp.to_string()),
                            "{long}"
                        );
                    }
                    assert!(a.is_hide_possible_values_set());
                }
            }
        }
        assert!(seen > 10, "only {seen} defaults");
    }

    /// Whatever a value is refused for, the reason is Chinese: every number
    /// goes through [`number`], no parser of clap's says why in English.
    #[test]
    fn every_value_is_refused_in_chinese() {
        for (path, cmd) in commands() {
            let words: Vec<&str> = path.split(' ').collect();
            for a in cmd
                .get_arguments()
                .filter(|a| a.get_action().takes_values())
            {
                let Some(long) = a.get_long() else { continue };
                for bad in ["x", "-1", "99999999999999999999999"] {
                    let flag = format!("--{long}={bad}");
                    let args = [&words[..], &[flag.as_str()]].concat();
                    let Err(e) = command().try_get_matches_from(&args) else {
                        continue;
                    };
                    if e.kind() == ErrorKind::ValueValidation {
                        let source = std::error::Error::source(&e);
                        assert!(
                            source.is_some_and(|s| s.is::<NumberProblem>()),
                            "{args:?}: {}",
                            argument_error(&e)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_error_s_usage_is_that_of_its_command() {
        let mut cmd = command();
        cmd.build();
        let usage = |args: &[&str]| {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            command_of(&cmd, &args)
                .get_overridden_usage()
                .unwrap()
                .to_string()
        };
        assert_eq!(usage(&["certsite", "buld"]), "certsite [选项] <命令>");
        assert_eq!(
            usage(&[
                "certsite", "--color", "never", "log", "-q", "verify", "--bogus"
            ]),
            "certsite log verify [选项] --site <DIR>"
        );
        assert_eq!(
            usage(&["certsite", "verify", "--root", "log", "x"]),
            "certsite verify [选项] --root <ROOT.pub> <PATH>..."
        );
    }

    #[test]
    fn the_help_command_shows_a_command_s_help() {
        let log_verify = help_text(&["log".into(), "verify".into()]).unwrap();
        assert!(
            log_verify.to_string().starts_with("审计一个站点"),
            "{log_verify}"
        );
        let whole = help_text(&[]).unwrap().to_string();
        assert!(whole.contains("用法：certsite [选项] <命令>"), "{whole}");
        assert_eq!(
            help_text(&["log".into(), "bogus".into()]).unwrap_err(),
            "没有命令 'bogus'"
        );
    }

    #[test]
    fn example_lines_split_like_a_shell() {
        assert_eq!(
            split_words(r#"certsite init x --title "某市 查询"  --y"#),
            ["certsite", "init", "x", "--title", "某市 查询", "--y"]
        );
        assert_eq!(split_words(r#"a "" b"#), ["a", "", "b"]);
    }
}
