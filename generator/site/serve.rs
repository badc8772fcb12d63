//! `certsite serve`: a preview of the built site on 127.0.0.1, with the same
//! security headers a production host should send.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

use crate::error::{FsAction, FsContext, FsError};
use crate::site::headers::CSP;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The MIME type of a file, by extension. ES modules need `text/javascript`.
pub(crate) fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonl" => "application/jsonl; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Maps a request path to a file under `root`, refusing anything that climbs
/// out. Decoded first, so `%2e%2e` and `%2f` are the `..` and `/` they spell.
pub(crate) fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut out = root.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

/// Answers one connection: one GET or HEAD, then close. Enough for a preview,
/// and a slow or idle connection only ever holds its own thread.
fn handle(root: &Path, stream: TcpStream) -> std::io::Result<Option<String>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut gzip = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            gzip |= name.eq_ignore_ascii_case("accept-encoding") && accepts_gzip(value);
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        out.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(Some(format!("{method} {target} 405")));
    }
    let (status, file) = match resolve(root, target) {
        Some(f) => ("200 OK", f),
        None => ("404 Not Found", root.join("404.html")),
    };
    let mut body = std::fs::read(&file).unwrap_or_default();
    let type_ = mime(&file);
    // Compressed as a production host should (see the deploy recipes): text
    // shrinks to a third, which a slow phone connection feels.
    let compress = gzip && compressible(type_);
    if compress {
        body = gzipped(&body)?;
    }
    let encoding = if compress {
        "Content-Encoding: gzip\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {type_}\r\nContent-Length: {}\r\n{encoding}\
         Vary: Accept-Encoding\r\n\
         Content-Security-Policy: {CSP}\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    out.write_all(head.as_bytes())?;
    if method == "GET" {
        out.write_all(&body)?;
    }
    out.flush()?;
    let code = status.split(' ').next().unwrap_or(status);
    Ok(Some(format!("{method} {target} {code}")))
}

/// Whether an `Accept-Encoding` value allows gzip (`gzip;q=0` refuses it).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or("");
        let refused = it.any(|p| {
            let p = p.replace(' ', "");
            p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
        });
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Text types, which gzip shrinks; images and unknown types go as they are.
fn compressible(mime: &str) -> bool {
    mime.starts_with("text/")
        || mime.starts_with("application/json")
        || mime == "application/xml"
        || mime == "image/svg+xml"
}

fn gzipped(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body)?;
    encoder.finish()
}

/// Takes the port on 127.0.0.1 (0 picks a free one).
pub(crate) fn listen(port: u16) -> Result<TcpListener, FsError> {
    let address = PathBuf::from(format!("127.0.0.1:{port}"));
    TcpListener::bind(("127.0.0.1", port)).fs(FsAction::Listen, &address)
}

/// Serves `root` on `listener` until the process ends. The address is
/// printed first so scripts can read it; then each request (method, path,
/// status) on standard error unless `quiet`.
pub(crate) fn serve(root: &Path, listener: TcpListener, quiet: bool) -> Result<(), FsError> {
    let address = PathBuf::from("127.0.0.1");
    let addr = listener.local_addr().fs(FsAction::Listen, &address)?;
    println!("http://{addr}/");
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            if let Ok(Some(line)) = handle(&root, stream)
                && !quiet
            {
                eprintln!("{line}");
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("verify")).unwrap();
        std::fs::write(dir.path().join("verify/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        assert_eq!(
            resolve(dir.path(), "/"),
            Some(dir.path().join("index.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/verify/?code=1"),
            Some(dir.path().join("verify/index.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/verify%2Findex.html"),
            Some(dir.path().join("verify/index.html"))
        );
        for climbing in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/verify/..%2f..%2fetc/passwd",
            "/verify/%2e%2e/%2e%2e/etc/passwd",
        ] {
            assert_eq!(resolve(dir.path(), climbing), None, "{climbing}");
        }
        assert_eq!(resolve(dir.path(), "/missing.html"), None);
        assert_eq!(resolve(dir.path(), "/%ff"), None, "not UTF-8");
        assert_eq!(mime(Path::new("a.js")), "text/javascript; charset=utf-8");
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts_gzip(" gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip; q=0.0"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip(""));
        assert!(compressible("application/jsonl; charset=utf-8"));
        assert!(!compressible("image/png"));
        let body = "证书".repeat(100);
        let mut out = String::new();
        let zipped = gzipped(body.as_bytes()).unwrap();
        let mut d = flate2::read::GzDecoder::new(&zipped[..]);
        std::io::Read::read_to_string(&mut d, &mut out).unwrap();
        assert_eq!(out, body);
    }
}
