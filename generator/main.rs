//! `certsite`: read the arguments, run the command, return its exit status.

fn main() -> std::process::ExitCode {
    certsite::cli::main()
}
