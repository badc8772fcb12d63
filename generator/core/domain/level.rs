//! Skill levels 1-5 (一级/高级技师 … 五级/初级工), the level ranges of the
//! directory (等级范围) and the tier labels (特级技师, 首席技师) that sit on top
//! of a level without changing its digit.

use std::fmt;

/// A skill level; the digit is the code's 16th character. 1 is the highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u8);

/// Index = digit - 1: (numbered name, traditional name).
const NAMES: [(&str, &str); 5] = [
    ("一级", "高级技师"),
    ("二级", "技师"),
    ("三级", "高级工"),
    ("四级", "中级工"),
    ("五级", "初级工"),
];

/// The full names, e.g. `三级/高级工`, indexed by digit - 1.
const FULL_NAMES: [&str; 5] = [
    "一级/高级技师",
    "二级/技师",
    "三级/高级工",
    "四级/中级工",
    "五级/初级工",
];

/// Tier labels the notice names (设立特级技师、首席技师); they rank above
/// 一级/高级技师, so the level digit of such a certificate is 1.
pub(crate) const TOP_TIERS: [&str; 2] = ["特级技师", "首席技师"];

impl Level {
    /// The level with this digit (1-5).
    pub fn from_digit(d: u8) -> Option<Level> {
        (1..=5).contains(&d).then_some(Level(d))
    }

    /// The digit, 1-5.
    pub fn digit(self) -> u8 {
        self.0
    }

    /// e.g. `三级/高级工`.
    pub fn name(self) -> &'static str {
        FULL_NAMES[usize::from(self.0) - 1]
    }

    /// e.g. `三级`.
    pub fn numbered_name(self) -> &'static str {
        NAMES[usize::from(self.0) - 1].0
    }

    /// Reads a level as people write it: `3`, `三级`, `高级工`, `三级/高级工`,
    /// `高级工（三级）`, `3级`. Returns `None` when it is none of these or when
    /// two spellings in one cell disagree.
    pub fn parse(text: &str) -> Option<Level> {
        let t: String = crate::domain::text::fold(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if t.is_empty() {
            return None;
        }
        // Split "三级/高级工", "高级工(三级)" and friends into parts that must agree.
        let parts: Vec<&str> = t
            .split(['/', '(', ')', '、', '|'])
            .filter(|p| !p.is_empty())
            .collect();
        let mut found: Option<Level> = None;
        for part in parts {
            let level = Self::parse_one(part)?;
            if found.is_some_and(|f| f != level) {
                return None;
            }
            found = Some(level);
        }
        found
    }

    fn parse_one(part: &str) -> Option<Level> {
        let digit_form = part.strip_suffix('级').unwrap_or(part);
        if let Ok(d) = digit_form.parse::<u8>() {
            return Level::from_digit(d);
        }
        for (i, (numbered, traditional)) in NAMES.iter().enumerate() {
            if part == *numbered || part == *traditional {
                return Some(Level(i as u8 + 1));
            }
        }
        // 初级 / 中级 / 高级 without 工 are common shorthand.
        match part {
            "初级" => Some(Level(5)),
            "中级" => Some(Level(4)),
            "高级" => Some(Level(3)),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A filed level range (等级范围), e.g. 五级-三级: from `lowest` (the larger
/// digit) up to `highest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LevelRange {
    /// The entry level, e.g. 五级.
    pub lowest: Level,
    /// The top level, e.g. 三级.
    pub highest: Level,
}

impl LevelRange {
    /// A range from two levels in either order.
    pub fn new(a: Level, b: Level) -> LevelRange {
        LevelRange {
            lowest: a.max(b),
            highest: a.min(b),
        }
    }

    /// Whether `level` lies in the range.
    pub fn contains(&self, level: Level) -> bool {
        self.highest <= level && level <= self.lowest
    }

    /// Reads the forms people write: `五级-三级`, `初级工至高级工`, `5-3`,
    /// `三级～一级`, `高级工到技师`, or one level alone.
    pub fn parse(text: &str) -> Option<LevelRange> {
        let t = crate::domain::text::fold(text);
        let separators = ['-', '~', '至', '到', '—', '–', '－', '―'];
        let parts: Vec<&str> = t
            .split(|c| separators.contains(&c))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [one] => Level::parse(one).map(|l| LevelRange::new(l, l)),
            [a, b] => Some(LevelRange::new(Level::parse(a)?, Level::parse(b)?)),
            _ => None,
        }
    }
}

impl fmt::Display for LevelRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lowest == self.highest {
            f.write_str(self.lowest.numbered_name())
        } else {
            write!(
                f,
                "{}-{}",
                self.lowest.numbered_name(),
                self.highest.numbered_name()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(d: u8) -> Level {
        Level::from_digit(d).unwrap()
    }

    #[test]
    fn every_level_has_both_names() {
        let expect = [
            (1, "一级", "高级技师"),
            (2, "二级", "技师"),
            (3, "三级", "高级工"),
            (4, "四级", "中级工"),
            (5, "五级", "初级工"),
        ];
        for (d, numbered, traditional) in expect {
            assert_eq!(l(d).numbered_name(), numbered);
            assert_eq!(l(d).name(), format!("{numbered}/{traditional}"));
            for text in [
                d.to_string(),
                format!("{d}级"),
                numbered.to_string(),
                traditional.to_string(),
                format!("{numbered}/{traditional}"),
                format!("{traditional}（{numbered}）"),
                format!(" {numbered} "),
            ] {
                assert_eq!(Level::parse(&text), Some(l(d)), "{text}");
            }
        }
        assert_eq!(Level::from_digit(0), None);
        assert_eq!(Level::from_digit(6), None);
    }

    #[test]
    fn contradictory_or_unknown_levels_are_refused() {
        for bad in ["", "6", "三级/技师", "特级", "高级技工", "0级"] {
            assert_eq!(Level::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn level_ranges_in_the_forms_people_write() {
        let five_to_three = LevelRange::new(l(5), l(3));
        for text in [
            "五级-三级",
            "五级—三级",
            "初级工至高级工",
            "5-3",
            "3-5",
            "五级～三级",
            "初级工到高级工",
            "五级/初级工-三级/高级工",
            "５－３",
        ] {
            assert_eq!(LevelRange::parse(text), Some(five_to_three), "{text}");
        }
        assert_eq!(LevelRange::parse("二级"), Some(LevelRange::new(l(2), l(2))));
        assert_eq!(LevelRange::parse("五级-三级-一级"), None);
        assert_eq!(LevelRange::parse("五级-六级"), None);
        assert_eq!(five_to_three.to_string(), "五级-三级");
    }

    #[test]
    fn range_membership() {
        let r = LevelRange::parse("四级-二级").unwrap();
        assert!(!r.contains(l(5)));
        assert!(r.contains(l(4)) && r.contains(l(3)) && r.contains(l(2)));
        assert!(!r.contains(l(1)));
    }
}
