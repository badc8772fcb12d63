//! `certsite serve`: a preview of the built site on 127.0.0.1, with the same
//! security headers a production host should send.
//!
//! HTTP itself (parsing requests, keep-alive, HEAD without a body) is
//! hyper's, on a one-thread tokio runtime; types are `mime_guess`'s. What is
//! ours is what a host of this site must do: which file a path names (never
//! one outside the site), the site's own types, the headers, gzip and the
//! 404 page.

use std::convert::Infallible;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use tokio::sync::Semaphore;

use crate::error::{FsAction, FsContext, FsError};
use crate::site::headers::CSP;

/// The type a file is sent with, by extension: `mime_guess`'s, except where
/// the site needs another (the types of the deploy recipes, e.g.
/// `site-templates/deploy/nginx/certsite.conf`), and UTF-8 named for text.
pub(crate) fn mime(path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let essence = match ext.to_ascii_lowercase().as_str() {
        // ES modules run only with a JavaScript type; mime_guess gives
        // `.mjs` the obsolete `application/javascript`.
        "mjs" => "text/javascript",
        // Shards and institution files; mime_guess knows no type for them.
        "jsonl" => "application/jsonl",
        // The sitemap, as the recipes type it (mime_guess: `text/xml`).
        "xml" => "application/xml",
        // The tiles and `log/checkpoint` have no extension: bytes.
        ext => mime_guess::from_ext(ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    if essence.starts_with("text/") || essence == "application/jsonl" {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// Maps a request path to a file under `root`, refusing anything that climbs
/// out. Decoded first, so `%2e%2e` and `%2f` are the `..` and `/` they spell;
/// a link that leads outside the site is refused too (a build writes none).
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
    let inside = out
        .canonicalize()
        .ok()
        .zip(root.canonicalize().ok())
        .is_some_and(|(file, root)| file.starts_with(root));
    (inside && out.is_file()).then_some(out)
}

/// Whether an `Accept-Encoding` value allows gzip: named with a weight above
/// zero, or `*` above zero when gzip is not named (RFC 9110 12.5.3).
fn accepts_gzip(value: &str) -> bool {
    let mut star = None;
    for part in value.split(',') {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or("");
        let weight = it
            .filter_map(|p| {
                let (name, q) = p.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| q.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        if coding.eq_ignore_ascii_case("gzip") {
            return weight > 0.0;
        }
        if coding == "*" {
            star = Some(weight > 0.0);
        }
    }
    star.unwrap_or(false)
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

/// What a GET or HEAD gets.
struct Reply {
    status: StatusCode,
    mime: String,
    body: Vec<u8>,
    gzipped: bool,
}

/// The file `path` names, or the site's 404 page with status 404 (an empty
/// body if the site has none).
fn reply(root: &Path, path: &str, gzip: bool) -> std::io::Result<Reply> {
    let (status, file) = match resolve(root, path) {
        Some(f) => (StatusCode::OK, f),
        None => (StatusCode::NOT_FOUND, root.join("404.html")),
    };
    let mut body = std::fs::read(&file).unwrap_or_default();
    let mime = mime(&file);
    // Compressed as a production host should (see the deploy recipes): text
    // shrinks to a third, which a slow phone connection feels.
    let gzip = gzip && compressible(&mime);
    if gzip {
        body = gzipped(&body)?;
    }
    Ok(Reply {
        status,
        mime,
        body,
        gzipped: gzip,
    })
}

/// A response with `status` and `body`, without headers yet.
fn response(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
}

/// A response with `status` and `body` and the security headers every
/// reply of a host of the site carries, whatever its status (as the Nginx
/// recipe's `always`).
fn secured(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = response(status, body);
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    for (name, value) in fixed {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The reply with the headers a host of the site sends. hyper adds
/// `Content-Length` (and `Date`), and sends HEAD's head only.
fn with_headers(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = secured(reply.status, reply.body);
    let headers = response.headers_mut();
    let mime = HeaderValue::from_str(&reply.mime)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, mime);
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if reply.gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// Answers one request and logs it (method, path, status) unless `quiet`.
async fn answer(
    root: Arc<Path>,
    request: Request<Incoming>,
    quiet: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    let response = if method == Method::GET || method == Method::HEAD {
        let gzip = request
            .headers()
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .any(|v| v.to_str().is_ok_and(accepts_gzip));
        let path = request.uri().path().to_string();
        // Reading and compressing a file blocks: off the thread that serves
        // the connections.
        match tokio::task::spawn_blocking(move || reply(&root, &path, gzip)).await {
            Ok(Ok(reply)) => with_headers(reply),
            _ => secured(StatusCode::INTERNAL_SERVER_ERROR, Vec::new()),
        }
    } else {
        let mut response = secured(StatusCode::METHOD_NOT_ALLOWED, Vec::new());
        let allow = HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        response
    };
    if !quiet {
        eprintln!("{method} {} {}", request.uri(), response.status().as_u16());
    }
    Ok(response)
}

/// Takes the port on 127.0.0.1 (0 picks a free one).
pub(crate) fn listen(port: u16) -> Result<TcpListener, FsError> {
    let address = PathBuf::from(format!("127.0.0.1:{port}"));
    TcpListener::bind(("127.0.0.1", port)).fs(FsAction::Listen, &address)
}

/// Serves `root` on `listener` until the process ends (Ctrl-C: see
/// `staging::watch_interrupts`). The address is printed first so scripts
/// can read it; then each request (method, path, status) on standard error
/// unless `quiet`.
pub(crate) fn serve(root: &Path, listener: TcpListener, quiet: bool) -> Result<(), FsError> {
    let address = PathBuf::from("127.0.0.1");
    let addr = listener.local_addr().fs(FsAction::Listen, &address)?;
    // tokio takes the socket as it is: it must not block.
    listener
        .set_nonblocking(true)
        .fs(FsAction::Listen, &address)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .fs(FsAction::Listen, &address)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "http://{addr}/")
        .and_then(|()| stdout.flush())
        .fs(FsAction::Write, Path::new("stdout"))?;
    let connections = accept(listener, Arc::from(root), quiet);
    runtime.block_on(connections).fs(FsAction::Listen, &address)
}

/// Connections served at once: a browser opens a few; more wait their turn
/// in the queue, so that no client can take every file descriptor.
const MAX_CONNECTIONS: usize = 256;

/// How long a client may take to send a request's head.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Takes connections until the process ends.
async fn accept(listener: TcpListener, root: Arc<Path>, quiet: bool) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let slot = Arc::clone(&slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A client gone before its turn ends nothing; out of file
            // descriptors, waiting beats spinning on the same error.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let root = Arc::clone(&root);
        let service = service_fn(move |request| answer(Arc::clone(&root), request, quiet));
        // Each connection is a task: an idle or slow one holds no thread,
        // and its errors (a client gone mid-response) are its own. One that
        // sends no request head in time is closed.
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
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
        // A link out of the site is refused; one inside it is served.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret"), "x").unwrap();
            let link = dir.path().join("leak");
            std::os::unix::fs::symlink(outside.path().join("secret"), &link).unwrap();
            assert_eq!(resolve(dir.path(), "/leak"), None);
            std::os::unix::fs::symlink(dir.path().join("index.html"), dir.path().join("in"))
                .unwrap();
            assert_eq!(resolve(dir.path(), "/in"), Some(dir.path().join("in")));
        }
        assert_eq!(resolve(dir.path(), "/%ff"), None, "not UTF-8");
    }

    #[test]
    fn types_are_the_ones_the_deploy_recipes_set() {
        for (file, mime_type) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.jsonl", "application/jsonl; charset=utf-8"),
            ("sitemap.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("directory/annex4.csv", "text/csv; charset=utf-8"),
            (
                "directory/annex4.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("log/checkpoint", "application/octet-stream"),
            ("log/tile/0/000", "application/octet-stream"),
            ("_headers", "application/octet-stream"),
        ] {
            assert_eq!(mime(Path::new(file)), mime_type, "{file}");
        }
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts_gzip(" gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip; q=0.0"));
        assert!(!accepts_gzip("gzip;Q=0"));
        // A coding named outright wins over `*`, in either order.
        assert!(!accepts_gzip("gzip;q=0, *"));
        assert!(!accepts_gzip("*, gzip;q=0"));
        assert!(!accepts_gzip("*;q=0"));
        assert!(accepts_gzip("br, *;q=0.1"));
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
