//! The README's `console` examples are run and their output compared, so the
//! README cannot drift from what the binary prints.

use crate::support::*;

#[test]
fn readme_console_examples_print_what_the_readme_says() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut blocks = 0;
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body.find("```").expect("closed block");
        let block = &body[..end];
        rest = &body[end + 3..];
        let mut lines = block.lines();
        let command = lines.next().unwrap();
        let args: Vec<&str> = command
            .strip_prefix("$ certsite ")
            .expect("console blocks start with `$ certsite`")
            .split_whitespace()
            .collect();
        let expected: String = lines.map(|l| format!("{l}\n")).collect();
        let (code, out, err) = run(certsite().args(&args));
        assert_eq!(code, 0, "{command}: {err}");
        assert_eq!(out, expected, "{command}");
        blocks += 1;
    }
    assert!(blocks >= 1);
}
