//! What an issuing enterprise prints and files, never published on the
//! site: QR codes for its certificates ([`qr`], and `qr_files` for
//! `build --qr-out`), the certificates themselves in the layout of 附件6
//! ([`print`]) from the issuer's own rosters (`rosters`), and the monthly
//! summary of 附件7 (`report`), from those rosters and the city's review or
//! from the verified data.

pub(crate) mod print;
pub mod qr;
pub(crate) mod qr_files;
pub(crate) mod report;
pub(crate) mod rosters;

/// Renders one of the issuer's pages from its template in `site-templates/`,
/// with minijinja's HTML autoescaping (chosen by the `.html` name), as the
/// site's pages are rendered.
fn render_page(
    name: &str,
    source: &str,
    ctx: minijinja::Value,
) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // The pages end with a newline, as they did before they were templates.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()?;
    env.set_syntax(syntax);
    env.add_template(name, source)?;
    env.get_template(name)?.render(ctx)
}
