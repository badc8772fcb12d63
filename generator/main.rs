//! `certsite`: parse the arguments, run the command, return its exit status.

use clap::Parser;

fn main() -> std::process::ExitCode {
    certsite::cli::run(certsite::cli::Cli::parse())
}
