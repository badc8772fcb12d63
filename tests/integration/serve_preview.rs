//! `certsite serve`: the port is taken before the build, each request is
//! logged unless `--quiet`, and over the wire it answers as a host of the
//! site should (headers, gzip, HEAD, the 404 page, nothing outside the site).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};

use crate::support::*;

/// Sends `method path` with `headers` to `base` (`http://127.0.0.1:PORT/`)
/// as written, so a path is not cleaned up on the way: the response's head
/// and body.
fn request(base: &str, method: &str, path: &str, headers: &str) -> (String, Vec<u8>) {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(response[..end].to_vec()).unwrap();
    (head.to_ascii_lowercase(), response[end + 4..].to_vec())
}

/// GETs `path` from `base`: the status line.
fn get(base: &str, path: &str) -> String {
    let (head, _) = request(base, "GET", path, "");
    head.lines().next().unwrap_or_default().to_string()
}

/// Starts `certsite serve --port 0` on the demo data, building into `dir`:
/// the process and the address it printed.
fn serve(dir: &Path, quiet: bool) -> (Child, String) {
    let mut cmd = certsite();
    cmd.args(["serve", "--port", "0", "--data"])
        .arg(repo().join("data"))
        .arg("--out")
        .arg(dir.join("public"));
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
    (child, base)
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
        let (mut child, base) = serve(dir.path(), quiet);
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

#[test]
fn the_preview_answers_as_a_host_of_the_site_should() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = serve(dir.path(), true);
    let site = dir.path().join("public");
    let file = |path: &str| std::fs::read(site.join(path)).unwrap();

    // The security headers, and text gzipped when the client takes it.
    let (head, body) = request(&base, "GET", "/verify/", "Accept-Encoding: gzip\r\n");
    for line in [
        "http/1.1 200 ok",
        "content-type: text/html; charset=utf-8",
        "content-encoding: gzip",
        "vary: accept-encoding",
        "content-security-policy: default-src 'none';",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "cache-control: no-cache",
    ] {
        assert!(head.contains(line), "{line}: {head}");
    }
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, file("verify/index.html"));

    // HEAD: GET's length, no body. Tiles are hashes: never gzipped.
    let (head, body) = request(&base, "HEAD", "/snapshot.jsonl", "");
    let length = file("snapshot.jsonl").len();
    assert!(
        head.contains(&format!("content-length: {length}")),
        "{head}"
    );
    assert!(head.contains("content-type: application/jsonl; charset=utf-8"));
    assert!(body.is_empty());
    let (head, body) = request(&base, "GET", "/log/tile/0/000", "Accept-Encoding: gzip\r\n");
    assert!(
        head.contains("content-type: application/octet-stream"),
        "{head}"
    );
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(body, file("log/tile/0/000"));

    // Nothing outside the site, however the climb is spelled: the 404 page.
    std::fs::write(dir.path().join("secret.txt"), "beside the site").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/verify/..%2f..%2fsecret.txt",
        "/verify/%2e%2e/%2e%2e/secret.txt",
        "/no/such/page",
    ] {
        let (head, body) = request(&base, "GET", path, "");
        assert!(head.starts_with("http/1.1 404"), "{path}: {head}");
        assert!(head.contains("content-security-policy"), "{path}");
        assert_eq!(body, file("404.html"), "{path}");
    }
    let (head, _) = request(&base, "POST", "/", "Content-Length: 0\r\n");
    assert!(head.starts_with("http/1.1 405"), "{head}");
    assert!(head.contains("allow: get, head"), "{head}");
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    signal(&child, "-TERM");
    assert_eq!(child.wait().unwrap().code(), Some(130));
}
