//! Text folding shared by every reader: spreadsheets mix full-width and
//! half-width forms, ideographic spaces and stray line breaks.

use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width letters, digits and punctuation become ASCII; the
/// ideographic space becomes a space), then trimmed.
pub(crate) fn fold(text: &str) -> String {
    text.nfkc().collect::<String>().trim().to_string()
}

/// [`fold`] with all white space removed: for comparing names and headers.
pub(crate) fn fold_compact(text: &str) -> String {
    fold(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a cell means "none": empty, or a dash as 附件6 prints it (——).
pub(crate) fn is_none_marker(text: &str) -> bool {
    let t = fold_compact(text);
    t.is_empty()
        || t.chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '―' | '─' | '/' | '无'))
}

#[cfg(test)]
mod tests {
    use super::*;

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
