//! The statistics page's charts, drawn by the build as inline SVG: no
//! script, and nothing the pages' CSP forbids (no style attribute or
//! element: colours and type come from the `.chart` rules of `site.css`).
//!
//! Text keeps its size at any width: the outer SVG has no viewBox, its x
//! positions are percentages of the width and its y positions pixels, so a
//! label is as large on a phone as on a desktop and only the bars stretch.
//! The monthly bars sit in a nested SVG of one unit per month, stretched
//! across. Coordinates are rounded to 0.1, so builds agree byte for byte.
//!
//! Each chart is `role="img"`, named by a `<title>` that states its key
//! figures; the page's tables hold every number.

use minijinja::HtmlEscape;
use serde_json::Value;

use crate::site::i18n::Language;
use crate::site::model::{MonthRow, SiteModel};
use certsite_core::domain::code::CITIES;

/// Height of the monthly chart's plot, in pixels.
const PLOT: f64 = 140.0;
/// Room above the plot for the top gridline's value.
const TOP: f64 = 18.0;
/// Where the longest horizontal bar ends, in percent of the width: the
/// rest is for its value.
const BAR_END: f64 = 86.0;
/// Height of a horizontal bar, in pixels.
const BAR: f64 = 16.0;
/// Height of a line of a bar's label, in pixels (13 px type).
const LINE: f64 = 17.0;
/// The narrowest width a chart is drawn for: a 360 px phone's page, less
/// its margins. The labels' column is made wide enough for it.
const NARROWEST: f64 = 330.0;

/// One bar of a horizontal bar chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bar {
    /// Its label, one line or more.
    pub lines: Vec<String>,
    /// Its value.
    pub value: usize,
}

/// The statistics page's charts in one language, as HTML.
#[derive(Clone, Debug)]
pub(crate) struct StatsCharts {
    /// Certificates by month of issue.
    pub months: String,
    /// By the institution's city, all 14, most first.
    pub cities: String,
    /// By level, 五级 first.
    pub levels: String,
}

impl StatsCharts {
    /// The charts of `model`'s valid certificates, in `lang`.
    pub(crate) fn new(model: &SiteModel, lang: &Language) -> StatsCharts {
        let w = Words(&lang.page()["charts"]);
        let sum = &model.by_city.sum;
        let levels: Vec<Bar> = (0..5)
            .map(|column| Bar {
                // `levels` lists 一级 first; the tables' columns 五级 first.
                lines: level_name(lang, column)
                    .split('/')
                    .map(|l| l.trim().to_string())
                    .collect(),
                value: sum.levels[column],
            })
            .collect();
        let level_figures: Vec<String> = (0..5)
            .map(|column| {
                w.fill(
                    "level_count",
                    &[
                        ("level", level_name(lang, column)),
                        ("count", &thousands(sum.levels[column])),
                    ],
                )
            })
            .collect();
        let levels_alt = w.fill(
            "levels_alt",
            &[
                ("total", &thousands(sum.total)),
                ("levels", &level_figures.join(w.get("list_sep"))),
            ],
        );
        let cities = city_bars(model, lang);
        StatsCharts {
            months: months_chart(
                &model.by_month,
                &months_alt(&model.by_month, &w),
                w.get("empty"),
            ),
            cities: bar_chart(
                "chart-cities",
                &cities_alt(&cities, sum.total, &w),
                &cities,
                w.get("empty"),
            ),
            levels: bar_chart("chart-levels", &levels_alt, &levels, w.get("empty")),
        }
    }
}

/// The name of the level in `column` (五级 first) in `lang`.
fn level_name(lang: &Language, column: usize) -> &str {
    lang.table["levels"][4 - column]
        .as_str()
        .unwrap_or_default()
}

/// Every city of the notice, those with certificates first, most first,
/// then in the notice's order; a city the codes do not name (`?`) last.
fn city_bars(model: &SiteModel, lang: &Language) -> Vec<Bar> {
    let count = |name: &str| {
        (model.by_city.rows.iter())
            .find(|r| r.label == name)
            .map_or(0, |r| r.total)
    };
    let named = |name: &str| {
        lang.table["cities"][name]
            .as_str()
            .unwrap_or(name)
            .to_string()
    };
    let mut bars: Vec<Bar> = CITIES
        .iter()
        .map(|c| Bar {
            lines: vec![named(c)],
            value: count(c),
        })
        .collect();
    // A stable sort: ties keep the notice's order.
    bars.sort_by_key(|b| std::cmp::Reverse(b.value));
    let others = (model.by_city.rows.iter()).filter(|r| !CITIES.contains(&r.label.as_str()));
    bars.extend(others.map(|r| Bar {
        lines: vec![r.label.clone()],
        value: r.total,
    }));
    bars
}

/// The cities' chart in words: the total, the three largest, and the cities
/// with none.
fn cities_alt(bars: &[Bar], total: usize, w: &Words) -> String {
    let figure = |b: &Bar| {
        w.fill(
            "city_count",
            &[("city", &b.lines.join(" ")), ("count", &thousands(b.value))],
        )
    };
    let sep = w.get("list_sep");
    let top: Vec<String> = bars
        .iter()
        .filter(|b| b.value > 0)
        .take(3)
        .map(figure)
        .collect();
    let none: Vec<String> = (bars.iter())
        .filter(|b| b.value == 0)
        .map(|b| b.lines.join(" "))
        .collect();
    let none = if none.is_empty() {
        String::new()
    } else {
        w.fill("cities_none", &[("cities", &none.join(sep))])
    };
    w.fill(
        "cities_alt",
        &[
            ("total", &thousands(total)),
            ("top", &top.join(sep)),
            ("none", &none),
        ],
    )
}

/// The monthly chart in words: the months covered, the total, each year's
/// count and the busiest month.
fn months_alt(rows: &[MonthRow], w: &Words) -> String {
    let covered: Vec<(&str, usize, usize)> = (rows.iter())
        .flat_map(|r| {
            let year = r.year.as_str();
            (r.months.iter().enumerate()).filter_map(move |(m, n)| n.map(|n| (year, m, n)))
        })
        .collect();
    let (Some(first), Some(last)) = (covered.first(), covered.last()) else {
        return String::new();
    };
    let month = |&(year, m, _): &(&str, usize, usize)| {
        let name = w.0["month_names"][m].as_str().unwrap_or_default();
        w.fill("month", &[("year", year), ("month", name)])
    };
    let max = covered.iter().map(|c| c.2).max().unwrap_or(0);
    let busiest: Vec<String> = covered.iter().filter(|c| c.2 == max).map(month).collect();
    let sep = w.get("list_sep");
    let years: Vec<String> = (rows.iter())
        .map(|r| {
            let count = thousands(r.total);
            w.fill("year_count", &[("year", &r.year), ("count", &count)])
        })
        .collect();
    w.fill(
        "months_alt",
        &[
            ("from", &month(first)),
            ("to", &month(last)),
            ("total", &thousands(rows.iter().map(|r| r.total).sum())),
            ("years", &years.join(sep)),
            ("busiest", &busiest.join(sep)),
            ("max", &thousands(max)),
        ],
    )
}

/// The words of the charts: `page.charts` of a language's table.
struct Words<'a>(&'a Value);

impl Words<'_> {
    fn get(&self, key: &str) -> &str {
        self.0[key].as_str().unwrap_or_default()
    }

    /// The string `key` with each `{name}` replaced by its value.
    fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        (values.iter()).fold(self.get(key).to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }
}

/// `1234567` as `1,234,567`: the same in both languages, every build.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A coordinate rounded to 0.1, without a trailing `.0`.
fn num(x: f64) -> String {
    let s = format!("{:.1}", (x * 10.0).round() / 10.0);
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_string(),
        Some(whole) => whole.to_string(),
        None => s,
    }
}

/// Text for SVG, escaped as HTML.
fn esc(text: &str) -> String {
    HtmlEscape(text).to_string()
}

/// The top of a value axis and its step: a round step (1, 2 or 5 times a
/// power of ten) giving at most four intervals, and the first multiple of
/// it at or above `max`.
pub(crate) fn axis(max: usize) -> (usize, usize) {
    let mut power = 1;
    loop {
        for step in [power, 2 * power, 5 * power] {
            if step * 4 >= max {
                return (max.div_ceil(step).max(1) * step, step);
            }
        }
        power *= 10;
    }
}

/// What a chart with nothing to show says instead.
fn empty_state(text: &str) -> String {
    format!("<p class=\"chart-empty\">{}</p>", esc(text))
}

/// The outer SVG of a chart of `kind` (a class), named by its text
/// alternative.
fn open(kind: &str, id: &str, alt: &str, height: f64) -> String {
    format!(
        "<svg class=\"chart-svg {kind}\" role=\"img\" aria-labelledby=\"{id}-title\" width=\"100%\" height=\"{}\">\n<title id=\"{id}-title\">{}</title>\n",
        num(height),
        esc(alt),
    )
}

/// Bars by month: a bar a month, gridlines with their values, each year
/// labelled under its twelve months. A month the data does not cover has
/// no bar and no axis under it; one with none issued has a bar of height 0
/// on the axis.
pub(crate) fn months_chart(rows: &[MonthRow], alt: &str, empty: &str) -> String {
    let counts = rows.iter().flat_map(|r| r.months.iter());
    let max = counts.clone().flatten().copied().max().unwrap_or(0);
    if max == 0 {
        return empty_state(empty);
    }
    let (top, step) = axis(max);
    let base = TOP + PLOT;
    let years = rows.len() as f64;
    let mut svg = open("months", "chart-months", alt, base + 24.0);
    for value in (step..=top).step_by(step) {
        let y = num(base - PLOT * value as f64 / top as f64);
        svg += &format!(
            "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"0\" y=\"{y}\" dy=\"-3\">{}</text>\n",
            thousands(value)
        );
    }
    for (j, row) in rows.iter().enumerate() {
        if j > 0 {
            // Between two years: a faint line up the plot, a tick under the axis.
            let x = num(100.0 * j as f64 / years);
            svg += &format!(
                "<line class=\"grid\" x1=\"{x}%\" x2=\"{x}%\" y1=\"{}\" y2=\"{b}\"/><line class=\"axis\" x1=\"{x}%\" x2=\"{x}%\" y1=\"{b}\" y2=\"{}\"/>",
                num(TOP),
                num(base + 8.0),
                b = num(base),
            );
        }
        svg += &format!(
            "<text class=\"year\" x=\"{}%\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            num(100.0 * (j as f64 + 0.5) / years),
            num(base + 18.0),
            esc(&row.year)
        );
    }
    // One unit a month, stretched across; 2 px more for the axis.
    svg += &format!(
        "<svg class=\"bars\" y=\"{}\" width=\"100%\" height=\"{h}\" viewBox=\"0 0 {} {h}\" preserveAspectRatio=\"none\">\n",
        num(TOP),
        rows.len() * 12,
        h = num(PLOT + 2.0),
    );
    let covered: Vec<(usize, usize)> = counts
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (i, n)))
        .collect();
    for &(i, n) in &covered {
        let h = num(PLOT * n as f64 / top as f64);
        let y = num(PLOT - PLOT * n as f64 / top as f64);
        svg += &format!("<rect x=\"{i}.1\" y=\"{y}\" width=\"0.8\" height=\"{h}\"/>");
    }
    if let (Some(first), Some(last)) = (covered.first(), covered.last()) {
        svg += &format!(
            "\n<rect class=\"axis\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"1.5\"/>",
            first.0,
            num(PLOT),
            last.0 + 1 - first.0
        );
    }
    svg += "\n</svg>\n</svg>";
    svg
}

/// The share of the width, in percent, that the labels' column takes: as
/// much as the longest line needs at the narrowest width (13 px type: a
/// Chinese character 13 px, anything else taken as 7.5).
fn label_share(bars: &[Bar]) -> f64 {
    let width = |line: &String| -> f64 {
        let chars = line.chars();
        chars.map(|c| if c > '\u{2e80}' { 13.0 } else { 7.5 }).sum()
    };
    let longest = bars.iter().flat_map(|b| &b.lines).map(width);
    let needed = longest.fold(0.0, f64::max) + 10.0;
    (100.0 * needed / NARROWEST).ceil().clamp(12.0, 50.0)
}

/// Horizontal bars, one row each: the label right-aligned in a column wide
/// enough for it ([`label_share`]), the bar from there, proportional to its
/// value (the largest ends at [`BAR_END`]), the value after it.
pub(crate) fn bar_chart(id: &str, alt: &str, bars: &[Bar], empty: &str) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    if max == 0 {
        return empty_state(empty);
    }
    let label_share = label_share(bars);
    let lines = bars.iter().map(|b| b.lines.len()).max().unwrap_or(1).max(1);
    let row = 12.0 + LINE * lines as f64;
    let height = row * bars.len() as f64;
    let left = num(label_share);
    let mut svg = open("hbars", id, alt, height);
    for (i, bar) in bars.iter().enumerate() {
        let middle = row * (i as f64 + 0.5);
        // Lines centred on the bar; a baseline sits 4.5 px below the
        // middle of a 13 px line.
        let first = middle - LINE / 2.0 * (bar.lines.len() as f64 - 1.0) + 4.5;
        svg += "<text class=\"label\" text-anchor=\"end\">";
        for (k, line) in bar.lines.iter().enumerate() {
            svg += &format!(
                "<tspan x=\"{left}%\" dx=\"-6\" y=\"{}\">{}</tspan>",
                num(first + LINE * k as f64),
                esc(line)
            );
        }
        let share = bar.value as f64 / max as f64 * (BAR_END - label_share);
        svg += &format!(
            "</text><rect class=\"bar\" x=\"{left}%\" y=\"{}\" width=\"{}%\" height=\"{}\"/><text class=\"value\" x=\"{}%\" dx=\"5\" y=\"{}\">{}</text>\n",
            num(middle - BAR / 2.0),
            num(share),
            num(BAR),
            num(label_share + share),
            num(middle + 4.5),
            thousands(bar.value)
        );
    }
    svg += &format!(
        "<line class=\"axis\" x1=\"{left}%\" x2=\"{left}%\" y1=\"0\" y2=\"{}\"/>\n</svg>",
        num(height)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of attribute `name` of each `<tag` in `svg`.
    fn attrs(svg: &str, tag: &str, name: &str) -> Vec<String> {
        svg.split(&format!("<{tag} "))
            .skip(1)
            .map(|el| {
                let el = format!(" {}", &el[..el.find('>').unwrap()]);
                let start = el.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3);
                start.map_or(String::new(), |s| {
                    el[s..s + el[s..].find('"').unwrap()].to_string()
                })
            })
            .collect()
    }

    fn bar(label: &str, value: usize) -> Bar {
        Bar {
            lines: vec![label.to_string()],
            value,
        }
    }

    #[test]
    fn bars_are_proportional_to_their_values() {
        let bars = [bar("葫芦岛市", 40), bar("乙", 10), bar("丙", 20)];
        let svg = bar_chart("c", "alt", &bars, "none");
        // 葫芦岛市 takes 4 × 13 px + 10: 19% of the narrowest width.
        assert_eq!(attrs(&svg, "rect", "x"), ["19%", "19%", "19%"]);
        let widths: Vec<f64> = attrs(&svg, "rect", "width")
            .iter()
            .map(|w| w.trim_end_matches('%').parse().unwrap())
            .collect();
        // The largest ends at BAR_END; the others in proportion.
        assert_eq!(widths, [67.0, 16.8, 33.5]);
        let values: Vec<String> = svg
            .split("class=\"value\"")
            .skip(1)
            .map(|t| t[t.find('>').unwrap() + 1..t.find('<').unwrap()].to_string())
            .collect();
        assert_eq!(values, ["40", "10", "20"]);
    }

    #[test]
    fn a_bar_of_zero_is_drawn_with_its_value() {
        let svg = bar_chart("c", "alt", &[bar("沈阳市", 3), bar("丹东市", 0)], "none");
        assert_eq!(attrs(&svg, "rect", "width"), ["71%", "0%"]);
        assert!(svg.contains(">丹东市</tspan>"), "{svg}");
        assert!(
            svg.contains("x=\"15%\" dx=\"5\" y=\"48\">0</text>"),
            "{svg}"
        );
    }

    #[test]
    fn the_labels_column_fits_the_longest_line_on_a_phone() {
        let levels = [Bar {
            lines: vec!["Level 4".into(), "Intermediate worker".into()],
            value: 1,
        }];
        // 19 × 7.5 px + 10 = 152.5 px of 330.
        assert_eq!(label_share(&levels), 47.0);
        assert_eq!(label_share(&[bar("朝阳市", 1)]), 15.0);
        assert_eq!(label_share(&[bar("?", 1)]), 12.0);
        assert_eq!(label_share(&[bar(&"长".repeat(40), 1)]), 50.0);
    }

    #[test]
    fn the_axis_top_is_a_round_number_at_or_above_the_largest_value() {
        for (max, expected) in [
            (1, (1, 1)),
            (3, (3, 1)),
            (4, (4, 1)),
            (5, (6, 2)),
            (9, (10, 5)),
            (56, (60, 20)),
            (80, (80, 20)),
            (81, (100, 50)),
            (1_048, (1_500, 500)),
            (2_990, (3_000, 1_000)),
        ] {
            let (top, step) = axis(max);
            assert_eq!((top, step), expected, "max {max}");
            assert!(top >= max && top / step <= 4 && top % step == 0);
        }
    }

    fn year(year: &str, months: [Option<usize>; 12]) -> MonthRow {
        MonthRow {
            year: year.to_string(),
            total: months.iter().flatten().sum(),
            months,
        }
    }

    #[test]
    fn every_covered_month_has_a_bar_and_a_quiet_one_has_height_zero() {
        let mut months = [None; 12];
        months[9] = Some(56);
        months[10] = Some(0);
        months[11] = Some(28);
        let svg = months_chart(&[year("2020", months)], "alt", "none");
        // Three bars: October, November (0) and December, in their slots.
        assert_eq!(attrs(&svg, "rect", "x"), ["9.1", "10.1", "11.1", "9"]);
        assert_eq!(attrs(&svg, "rect", "height"), ["130.7", "0", "65.3", "1.5"]);
        // The axis runs under the covered months only; the top gridline is 60.
        assert_eq!(attrs(&svg, "rect", "width")[3], "3");
        assert!(
            svg.contains(">60</text>") && !svg.contains(">80</text>"),
            "{svg}"
        );
        assert!(svg.contains(">2020</text>"));
    }

    #[test]
    fn no_data_gives_a_sentence_not_an_empty_chart() {
        let empty = "还没有可统计的有效证书。";
        for html in [
            months_chart(&[], "alt", empty),
            months_chart(&[year("2020", [Some(0); 12])], "alt", empty),
            bar_chart("c", "alt", &[bar("沈阳市", 0)], empty),
            bar_chart("c", "alt", &[], empty),
        ] {
            assert_eq!(html, format!("<p class=\"chart-empty\">{empty}</p>"));
        }
    }

    #[test]
    fn text_in_a_chart_is_escaped() {
        let svg = bar_chart("c", "a <b> & \"c\"", &[bar("<x>&", 1)], "none");
        assert!(svg.contains("<title id=\"c-title\">a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(svg.contains(">&lt;x&gt;&amp;</tspan>"), "{svg}");
    }

    #[test]
    fn a_chart_is_an_image_named_by_its_title() {
        let svg = bar_chart("chart-levels", "按等级", &[bar("五级", 1)], "none");
        assert!(svg.starts_with(
            "<svg class=\"chart-svg hbars\" role=\"img\" aria-labelledby=\"chart-levels-title\" width=\"100%\" height=\"29\">\n<title id=\"chart-levels-title\">按等级</title>"
        ));
    }

    #[test]
    fn numbers_are_written_the_same_way_every_time() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_048), "1,048");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(num(130.66666), "130.7");
        assert_eq!(num(62.0), "62");
        assert_eq!(num(0.04), "0");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(1.0 / 3.0 * 3.0), "1");
    }

    #[test]
    fn the_text_alternatives_state_the_key_figures_in_each_language() {
        use crate::site::i18n::LANGUAGES;
        let mut months = [None; 12];
        months[10] = Some(1_200);
        months[11] = Some(34);
        let rows = [year("2023", months), year("2024", [Some(2); 12])];
        let bars = [
            bar("沈阳市", 1_048),
            bar("大连市", 677),
            bar("鞍山市", 36),
            bar("葫芦岛市", 0),
        ];
        let [zh, en] = &*LANGUAGES;
        let (zh, en) = (Words(&zh.page()["charts"]), Words(&en.page()["charts"]));
        assert_eq!(
            months_alt(&rows, &zh),
            "每月发出的有效证书：2023年11月至2024年12月共 1,258 份；2023年 1,234 份、2024年 24 份；最多的月份是2023年11月，1,200 份。"
        );
        assert_eq!(
            months_alt(&rows, &en),
            "Valid certificates issued each month, November 2023 to December 2024: 1,258 in all; 1,234 in 2023, 24 in 2024; the most in one month: 1,200, in November 2023."
        );
        assert_eq!(
            cities_alt(&bars, 1_761, &zh),
            "按认定机构所在市的有效证书：共 1,761 份；最多的是沈阳市 1,048 份、大连市 677 份、鞍山市 36 份；葫芦岛市没有。"
        );
        assert_eq!(
            cities_alt(&bars[..3], 1_761, &en),
            "Valid certificates by the institution's city: 1,761 in all; the most from 沈阳市 (1,048), 大连市 (677), 鞍山市 (36)."
        );
    }
}
