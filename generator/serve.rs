//! `certsite serve`: a preview of the built site on 127.0.0.1, with the same
//! security headers a production host should send.

use std::path::{Component, Path, PathBuf};

use tiny_http::{Header, Response, Server};

/// Content-Security-Policy sent with every response (pages also carry it in a meta tag).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The MIME type of a file, by extension. ES modules need `text/javascript`.
pub fn mime(path: &Path) -> &'static str {
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

/// Maps a request path to a file under `root`, refusing anything that climbs out.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
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

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Serves `root` until the process ends. `port` 0 picks a free port; the
/// address is printed first so scripts can read it.
pub fn serve(root: &Path, port: u16) -> Result<(), String> {
    let server =
        Server::http(("127.0.0.1", port)).map_err(|e| format!("无法监听 127.0.0.1:{port}：{e}"))?;
    let addr = server.server_addr().to_ip().ok_or("无法取得监听地址")?;
    println!("http://{addr}/");
    for request in server.incoming_requests() {
        let (status, file) = match resolve(root, request.url()) {
            Some(f) => (200, f),
            None => (404, root.join("404.html")),
        };
        let body = std::fs::read(&file).unwrap_or_default();
        let response = Response::from_data(body)
            .with_status_code(status)
            .with_header(header("Content-Type", mime(&file)))
            .with_header(header("Content-Security-Policy", CSP))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Referrer-Policy", "no-referrer"))
            .with_header(header("Cache-Control", "no-cache"));
        let _ = request.respond(response);
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
        assert_eq!(resolve(dir.path(), "/../etc/passwd"), None);
        assert_eq!(resolve(dir.path(), "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(dir.path(), "/missing.html"), None);
        assert_eq!(mime(Path::new("a.js")), "text/javascript; charset=utf-8");
    }
}
