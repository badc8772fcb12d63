//! The HTTP headers a host should send with the site, in one place: the
//! Content-Security-Policy (pages also carry it in a meta tag) and the
//! `_headers` file for hosts that read one. The preview server sends the
//! same.

/// Content-Security-Policy sent with every response (pages also carry it in a meta tag).
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The path of the site on its host, from `base_url`: `/` for
/// `https://example.org`, `/certs/` for `https://example.org/certs`.
pub(crate) fn site_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("/{}/", path.trim_matches('/')).replace("//", "/")
}

/// `_headers`, for hosts that read one (Netlify, Cloudflare Pages): the
/// security headers `certsite serve` sends, assets cached for good (their
/// names change with their content), and the files that name the current
/// build (the snapshot, the log's checkpoint, the manifest, the service
/// worker) always revalidated; every JSON Lines file typed as text, so
/// that the host compresses it. Paths start from the site's path on the host.
pub(crate) fn headers_file(base_url: &str) -> String {
    let at = site_path(base_url);
    format!(
        "# certsite: headers for hosts that read _headers (Netlify, Cloudflare Pages).\n\
         {at}*\n  Content-Security-Policy: {CSP}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n\
         {at}assets/*\n  Cache-Control: public, max-age=31536000, immutable\n\
         {at}snapshot.jsonl\n  Cache-Control: no-cache\n  Content-Type: application/jsonl; charset=utf-8\n\
         {at}log/checkpoint\n  Cache-Control: no-cache\n\
         {at}manifest.json\n  Cache-Control: no-cache\n\
         {at}sw.js\n  Cache-Control: no-cache\n\
         {at}c/*\n  Content-Type: application/jsonl; charset=utf-8\n\
         {at}i/*.jsonl\n  Content-Type: application/jsonl; charset=utf-8\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_file_covers_the_site_on_its_path() {
        let h = headers_file("https://example.org/certs/");
        assert!(
            h.contains("/certs/*\n  Content-Security-Policy: default-src 'none';"),
            "{h}"
        );
        assert!(
            h.contains("/certs/assets/*\n  Cache-Control: public, max-age=31536000, immutable")
        );
        for path in [
            "/certs/snapshot.jsonl",
            "/certs/log/checkpoint",
            "/certs/sw.js",
        ] {
            assert!(
                h.contains(&format!("{path}\n  Cache-Control: no-cache")),
                "{path}"
            );
        }
        assert!(headers_file("https://example.org").contains("\n/assets/*\n"));
    }

    #[test]
    fn the_site_path_is_the_base_urls_path() {
        assert_eq!(site_path("https://certsite.example/"), "/");
        assert_eq!(site_path("https://certsite.example"), "/");
        assert_eq!(site_path("https://example.org/certs"), "/certs/");
        assert_eq!(site_path("https://example.org/a/b/"), "/a/b/");
    }
}
