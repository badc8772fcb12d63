//! Markdown pages (about, FAQ, the notice) through pulldown-cmark. Raw HTML in
//! the source is shown as text, never passed through, so every page keeps
//! working under the strict Content-Security-Policy.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// A rendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MarkdownPage {
    /// Text of the first level-1 heading.
    pub title: String,
    /// Short label for the navigation bar: from a first line
    /// `<!-- nav: 通知原文 -->`, else the title.
    pub nav: String,
    /// The label on the English pages, from `<!-- nav: 通知原文 | en: The
    /// notice -->`; without one they show `nav`, marked as Chinese.
    pub nav_en: Option<String>,
    /// The HTML body.
    pub html: String,
}

/// Renders Markdown with tables; HTML in the source becomes text.
pub(crate) fn render(source: &str) -> MarkdownPage {
    let (labels, source) = match source
        .strip_prefix("<!-- nav:")
        .and_then(|rest| rest.split_once("-->"))
    {
        Some((labels, rest)) => (Some(labels), rest),
        None => (None, source),
    };
    let (nav, nav_en) = match labels.map(|l| l.split_once("| en:").unwrap_or((l, ""))) {
        Some((zh, en)) => {
            let en = en.trim();
            let zh = zh.trim();
            (
                (!zh.is_empty()).then(|| zh.to_string()),
                (!en.is_empty()).then(|| en.to_string()),
            )
        }
        None => (None, None),
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut title = String::new();
    let mut in_title = false;
    let events: Vec<Event> = Parser::new_ext(source, options)
        .map(|event| match event {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            other => other,
        })
        .inspect(|event| match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if title.is_empty() => in_title = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => in_title = false,
            Event::Text(t) | Event::Code(t) if in_title => title.push_str(t),
            _ => {}
        })
        .collect();
    let mut html_out = String::new();
    html::push_html(&mut html_out, events.into_iter());
    // A table wider than a phone scrolls inside its own focusable region,
    // never the page (raw HTML is text here, so these are the only tables).
    let mut out = String::with_capacity(html_out.len());
    for (n, part) in html_out.split("<table>").enumerate() {
        if n > 0 {
            out.push_str(&format!(
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表 {n}（可横向滚动）\"><table>"
            ));
        }
        out.push_str(&part.replace("</table>", "</table></div>"));
    }
    MarkdownPage {
        nav: nav.unwrap_or_else(|| title.clone()),
        nav_en,
        title,
        html: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_and_takes_the_title() {
        let p = render("# 关于本站\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(p.title, "关于本站");
        assert_eq!(p.nav, "关于本站");
        let n = render("<!-- nav: 通知原文 -->\n# 关于在全省企业开展职业技能等级认定工作的通知\n");
        assert_eq!(n.nav, "通知原文");
        assert_eq!(n.title, "关于在全省企业开展职业技能等级认定工作的通知");
        assert!(!n.html.contains("nav:"));
        assert_eq!(n.nav_en, None);
        let e = render("<!-- nav: 通知原文 | en: The notice -->\n# 通知\n");
        assert_eq!(
            (e.nav.as_str(), e.nav_en.as_deref()),
            ("通知原文", Some("The notice"))
        );
        let t = render("<!-- nav: | en: About -->\n# 关于本站\n");
        assert_eq!(
            (t.nav.as_str(), t.nav_en.as_deref()),
            ("关于本站", Some("About"))
        );
        assert!(p.html.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表 1（可横向滚动）\"><table>"));
        assert!(p.html.contains("</table></div>"));
        assert!(p.html.contains("<td>1</td>"));
    }

    #[test]
    fn raw_html_is_inert_text() {
        let p = render("# T\n\n<script>alert(1)</script>\n\nx <b onclick=\"y\">z</b>\n");
        assert!(!p.html.contains("<script>"), "{}", p.html);
        assert!(p.html.contains("&lt;script&gt;"), "{}", p.html);
        assert!(!p.html.contains("<b onclick"), "{}", p.html);
    }
}
