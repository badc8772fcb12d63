//! Calendar dates as spreadsheets hold them, and "today" in Liaoning.
//! Statements always carry ISO 8601 dates (`2024-06-30`).

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

use crate::domain::text::fold_compact;

/// Today's date in China Standard Time (UTC+8, no daylight saving).
pub fn today_in_china() -> Date {
    let cst = TimeZone::fixed(Offset::constant(8));
    jiff::Timestamp::now().to_zoned(cst).date()
}

/// Reads the forms people write: `2024-06-30`, `2024/6/30`, `2024.6.30`,
/// `2024年6月30日`, `20240630`. Full-width digits are accepted.
pub fn parse_date(text: &str) -> Option<Date> {
    let t = fold_compact(text);
    let t = t.strip_suffix('日').unwrap_or(&t);
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[0..4], &t[4..6], &t[6..8]]
    } else {
        t.split(['-', '/', '.', '年', '月']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || d.is_empty() || m.len() > 2 || d.len() > 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// Reads an ISO date exactly as statements carry it (`YYYY-MM-DD`, nothing else).
pub(crate) fn parse_iso(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::new(
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    )
    .ok()
}

/// The date an Excel cell holds as a serial number (days since 1899-12-30,
/// the 1900 leap-year bug included).
pub fn from_excel_serial(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = Date::new(1899, 12, 30).ok()?;
    base.checked_add(jiff::Span::new().days(serial.floor() as i64))
        .ok()
}

/// `years` years after `from`, less one day: the last day of a filing period
/// that starts on `from` (2020-06-01 + 3 years → 2023-05-31).
pub fn end_of_period(from: Date, years: i16) -> Option<Date> {
    let next_start = from.checked_add(jiff::Span::new().years(years)).ok()?;
    if next_start.day() != from.day() {
        // From 02-29 into a common year: the period ends on 02-28.
        return Some(next_start);
    }
    next_start.yesterday().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn the_forms_people_write() {
        for t in [
            "2024-06-30",
            "2024/6/30",
            "2024.06.30",
            "2024年6月30日",
            "2024年06月30日",
            "20240630",
            "２０２４－０６－３０",
            " 2024-6-30 ",
        ] {
            assert_eq!(parse_date(t), Some(d(2024, 6, 30)), "{t}");
        }
        for bad in [
            "2024-02-30",
            "24-06-30",
            "2024-06",
            "30/06/2024",
            "",
            "明天",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn iso_only_for_statements() {
        assert_eq!(parse_iso("2024-06-30"), Some(d(2024, 6, 30)));
        assert_eq!(parse_iso("2024-6-30"), None);
        assert_eq!(parse_iso("2024/06/30"), None);
        assert_eq!(parse_iso("2024-02-30"), None);
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(from_excel_serial(45473.0), Some(d(2024, 6, 30)));
        assert_eq!(from_excel_serial(43831.0), Some(d(2020, 1, 1)));
        assert_eq!(from_excel_serial(-1.0), None);
    }

    #[test]
    fn filing_periods_end_the_day_before() {
        assert_eq!(end_of_period(d(2020, 6, 1), 3), Some(d(2023, 5, 31)));
        assert_eq!(end_of_period(d(2020, 2, 29), 3), Some(d(2023, 2, 28)));
        assert_eq!(end_of_period(d(2021, 3, 1), 3), Some(d(2024, 2, 29)));
    }
}
