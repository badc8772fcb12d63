//! What the command line prints, case by case, from files: each
//! `tests/cmd/NAME.toml` gives the arguments and the exit status, and
//! `NAME.stdout` and `NAME.stderr` beside it the exact output (trycmd, as
//! rage tests its command line). Help, argument errors, `code explain` and
//! `verify` of the small fixture in `tests/cmd/verify.in/` live there;
//! tests that make keys or folders, or check every command, stay in
//! `cli_basics` and `command_line`.
//!
//! After a change that is meant to change the output, look at it, then
//! rewrite the files with
//! `TRYCMD=overwrite cargo test --test integration cli_output`.

use crate::support::repo;

#[test]
fn command_line_output_is_as_in_tests_cmd() {
    trycmd::TestCases::new()
        .register_bin(
            "certsite",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_certsite")),
        )
        // The help is laid out for the terminal's width, and coloured on
        // one: these are the pipe's, at 100 columns.
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .case(repo().join("tests/cmd/*.toml"));
}
