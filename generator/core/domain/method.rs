//! 评价方式: the four ways of evaluating the notice names (三（二）评价方式:
//! 考核测评, 综合评审, 过程考核, 竞赛选拔). A certificate may carry its method;
//! what a page says of it is built from these words only.

/// The notice's evaluation methods, in its order.
pub const METHODS: [&str; 4] = ["考核测评", "综合评审", "过程考核", "竞赛选拔"];

/// The notice's method a record's 评价方式 names, when it is exactly one of
/// [`METHODS`]. Any other text (an older word such as 考核评价, a free
/// description) names none: a sentence then claims no method at all, never
/// one the record does not carry.
pub fn notice_method(text: &str) -> Option<&'static str> {
    METHODS.iter().copied().find(|m| *m == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_notices_words_name_a_method() {
        for m in METHODS {
            assert_eq!(notice_method(m), Some(m));
        }
        for other in ["考核评价", "考核", " 考核测评", "考核测评、综合评审", ""]
        {
            assert_eq!(notice_method(other), None, "{other}");
        }
    }
}
