//! `certsite serve`: the port is taken before the build, and each request
//! is logged unless `--quiet`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;

use crate::support::*;

/// GETs `path` from `base` (`http://127.0.0.1:PORT/`): the status line.
fn get(base: &str, path: &str) -> String {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_busy_port_is_refused_before_building() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (code, _, err) = run(certsite()
        .args(["serve", "--data"])
        .arg(repo().join("data"))
        .arg("--out")
        .arg(&out)
        .args(["--port", &port]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&port), "{err}");
    assert!(!out.exists(), "nothing was built");
}

#[test]
fn each_request_is_logged_unless_quiet() {
    for quiet in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = certsite();
        cmd.args(["serve", "--port", "0", "--data"])
            .arg(repo().join("data"))
            .arg("--out")
            .arg(dir.path().join("public"));
        if quiet {
            cmd.arg("--quiet");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = lines
            .by_ref()
            .map(Result::unwrap)
            .find(|l| l.starts_with("http://"))
            .unwrap();
        assert!(get(&base, "/verify/").contains("200"));
        assert!(get(&base, "/no/such/page").contains("404"));
        std::thread::sleep(std::time::Duration::from_millis(200));
        // Stopped as a terminal or a service manager stops it.
        signal(&child, if quiet { "-HUP" } else { "-TERM" });
        assert_eq!(child.wait().unwrap().code(), Some(130));
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let logged = err.contains("GET /verify/ 200") && err.contains("GET /no/such/page 404");
        assert_eq!(logged, !quiet, "quiet={quiet}: {err}");
        assert!(err.trim_end().ends_with("已中断。"), "{err}");
    }
}
