//! Text folding shared by every reader: spreadsheets mix full-width and
//! half-width forms, ideographic spaces and stray line breaks.

use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width letters, digits and punctuation become ASCII; the
/// ideographic space becomes a space), then trimmed.
pub fn fold(text: &str) -> String {
    text.nfkc().collect::<String>().trim().to_string()
}

/// [`fold`] with all white space and hidden characters removed: for
/// comparing names and headers (a zero-width space must not hide 保安员).
pub fn fold_compact(text: &str) -> String {
    fold(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !is_hidden(*c))
        .collect()
}

/// The format characters of Unicode 15.1 (general category Cf): invisible
/// characters that change how text reads (bidi overrides, zero-width
/// characters, the byte order mark). The browser refuses the same ranges
/// (`site-templates/js/rules.js`, checked against the verdict corpus).
pub const FORMAT_CHARACTERS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// A control character (Cc) or a format character ([`FORMAT_CHARACTERS`]).
pub fn is_hidden(c: char) -> bool {
    let n = u32::from(c);
    c.is_control()
        || FORMAT_CHARACTERS
            .iter()
            .any(|(a, b)| (*a..=*b).contains(&n))
}

/// The first five of a long list joined by `sep`, then how many there
/// are: messages name what they are about without burying the reader.
pub fn first_few(items: &[String], sep: &str) -> String {
    const SHOWN: usize = 5;
    let count = (items.len() > SHOWN).then(|| format!("……共 {} 个", items.len()));
    (items.iter().take(SHOWN).cloned().chain(count))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Whether a cell means "none": empty, or a dash as 附件6 prints it (——).
pub fn is_none_marker(text: &str) -> bool {
    let t = fold_compact(text);
    t.is_empty()
        || t.chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '―' | '─' | '/' | '无'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_to_five_and_counted() {
        let names: Vec<String> = (1..=7).map(|i| i.to_string()).collect();
        assert_eq!(first_few(&names[..2], "、"), "1、2");
        assert_eq!(first_few(&names, "、"), "1、2、3、4、5、……共 7 个");
    }

    #[test]
    fn folds_full_width_and_spaces() {
        assert_eq!(fold("　ＡＢ１２　"), "AB12");
        assert_eq!(fold_compact("车 工\u{3000}"), "车工");
    }

    #[test]
    fn none_markers() {
        for t in ["", "  ", "——", "—", "-", "--", "无", "／"] {
            assert!(is_none_marker(t), "{t:?}");
        }
        assert!(!is_none_marker("数控车工"));
    }
}
