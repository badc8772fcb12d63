//! The directory (附件4) and the statistics as files to download: every
//! workbook opened back with calamine (sheets, title, note, header, merged
//! cells) and its rows compared with its CSV's; the status of each entry as
//! of the data date; the city page's table in 附件4's columns.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use certsite_core::trust::statement::Statement;

use crate::build_site::{build, fixture, good_certs, reviewed_fixture};
use crate::support::*;

/// 附件4's columns, then the site's.
const DIRECTORY_HEADER: [&str; 14] = [
    "序号",
    "企业名称",
    "详细地址",
    "联系人",
    "联系方式",
    "机构备案号",
    "职业名称",
    "工种名称",
    "职业编码",
    "等级范围",
    "所在市",
    "资质有效期",
    "状态",
    "目录调整",
];

/// A page, its attributes' `/` as written (minijinja escapes them as `&#x2f;`).
fn text(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel))
        .unwrap()
        .replace("&#x2f;", "/")
}

/// A sheet read back from a workbook, each cell of a merged region
/// holding the region's value.
struct Filled {
    name: String,
    rows: Vec<Vec<String>>,
    merged: BTreeSet<((u32, u32), (u32, u32))>,
}

/// Every sheet of a workbook, in order.
fn workbook(bytes: &[u8]) -> Vec<Filled> {
    workbook_back(bytes)
        .into_iter()
        .map(|s| Filled {
            rows: s.filled(),
            merged: s.merged.iter().copied().collect(),
            name: s.name,
        })
        .collect()
}

/// A CSV the site publishes: UTF-8 with a BOM, every record.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a BOM, so that Excel reads UTF-8");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Checks one published table: its workbook's sheets each have the title,
/// a note starting with `note`, the CSV's header, and their data rows,
/// one after the other, are the CSV's. Returns the sheets.
fn same_rows(out: &Path, stem: &str, title: &str, note: &str) -> Vec<Filled> {
    let sheets = workbook(&fs::read(out.join(format!("{stem}.xlsx"))).unwrap());
    let csv = csv_rows(&fs::read(out.join(format!("{stem}.csv"))).unwrap());
    let mut data = Vec::new();
    for s in &sheets {
        assert_eq!(s.rows[0][0], title, "{stem}: {}", s.name);
        assert!(s.rows[1][0].starts_with(note), "{stem}: {:?}", s.rows[1]);
        assert_eq!(s.rows[2], csv[0], "{stem}: the header");
        let last = (s.rows[0].len() - 1) as u32;
        for row in [0, 1] {
            assert!(
                s.merged.contains(&((row, 0), (row, last))),
                "{stem}: row {row} across"
            );
        }
        data.extend(s.rows[3..].iter().cloned());
    }
    assert_eq!(data, csv[1..], "{stem}: the workbook's rows are the CSV's");
    sheets
}

/// The fixture, with 沈阳鼓风机's entry adjusted on 2024-02-01 (电工 added):
/// its data date is 2024-03-02, when 北方重工's filing (to 2023-06-30) has
/// lapsed.
fn adjusted_fixture(dir: &Path, w: &World) -> std::path::PathBuf {
    let mut blower = w.blower();
    blower.issued_on = "2024-02-01".into();
    blower.occupations.push(scope("6-31-01-03", "电工", 5, 3));
    let update = line(Statement::Institution(blower), &w.root);
    fixture(dir, w, &good_certs(w), &[("updates.jsonl", vec![update])])
}

#[test]
fn the_directory_is_published_as_attachment_4_with_each_entrys_status() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = adjusted_fixture(dir.path(), &w);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");

    let title = "职业技能等级认定企业目录";
    let whole = same_rows(&out, "directory/annex4", title, "状态截至 2024-03-02");
    let city = same_rows(
        &out,
        "directory/annex4-city-01",
        "职业技能等级认定企业目录（沈阳市）",
        "状态截至 2024-03-02",
    );
    for sheets in [&whole, &city] {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["有效", "资质已到期"],
            "current entries first, lapsed apart"
        );
        assert_eq!(sheets[0].rows[2], DIRECTORY_HEADER);
        let blower = |occupation: &'static str, code: &'static str, levels: &'static str| {
            [
                "1",
                BLOWER_NAME,
                "沈阳市（示例地址）",
                "",
                "",
                BLOWER,
                occupation,
                "——",
                code,
                levels,
                "沈阳市",
                "2020-06-01 至 2029-05-31",
                "有效",
                "2024-02-01 调整：职业范围",
            ]
        };
        assert_eq!(
            sheets[0].rows[3..],
            [
                blower("车工", "6-18-01-01", "五级-三级"),
                blower("焊工", "6-18-02-04", "五级-二级"),
                blower("电工", "6-31-01-03", "五级-三级"),
            ]
        );
        // The institution's cells are merged down its three rows, the
        // occupation's are not.
        let institution_columns = (0..6).chain(10..14);
        let expected: BTreeSet<_> = [((0, 0), (0, 13)), ((1, 0), (1, 13))]
            .into_iter()
            .chain(institution_columns.map(|c| ((3, c), (5, c))))
            .collect();
        assert_eq!(sheets[0].merged, expected);
        assert_eq!(
            sheets[1].rows[3..],
            [[
                "1",
                HEAVY_NAME,
                "",
                "",
                "",
                HEAVY,
                "装配钳工",
                "——",
                "6-20-01-01",
                "五级-一级",
                "沈阳市",
                "2020-07-01 至 2023-06-30",
                "资质已到期",
                "",
            ]]
        );
        assert!(
            sheets[1].rows[1][0].contains("不在目录之内"),
            "{:?}",
            sheets[1].rows[1]
        );
    }

    // The city's page: 附件4's columns, the institution's cells spanning its
    // rows, the lapsed entry apart and not counted, the adjustment noted.
    let page = text(&out, "directory/city-01.html");
    let headers: Vec<&str> = page
        .split("<th scope=\"col\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .take(11)
        .collect();
    assert_eq!(headers[..10], DIRECTORY_HEADER[..10]);
    assert_eq!(headers[10], "状态");
    for expected in [
        "有效 1 家，按机构备案号排列。另有 1 家资质已到期或尚未生效",
        "状态截至 2024-03-02",
        "<h2 id=\"valid\">有效（1 家）</h2>",
        "<h2 id=\"lapsed\">资质已到期（1 家）</h2>",
        "<td rowspan=\"3\">1</td><th scope=\"rowgroup\" rowspan=\"3\"><a href=\"Y000021013002.html\">沈阳鼓风机集团股份有限公司</a></th>",
        "<td class=\"occ\">电工</td>",
        "<a href=\"Y000021013002.html#history\">2024-02-01 调整：职业范围</a>",
        "<span class=\"tag\">资质已到期</span>",
        "href=\"../directory/annex4-city-01.xlsx\" download=\"职业技能等级认定企业目录-沈阳市-2024-03-02.xlsx\"",
        "href=\"../directory/annex4-city-01.csv\" download=\"职业技能等级认定企业目录-沈阳市-2024-03-02.csv\"",
    ] {
        assert!(page.contains(expected), "{expected}\n{page}");
    }
    // The lapsed institution comes after the current one.
    assert!(page.find(BLOWER_NAME) < page.find(HEAVY_NAME));
    let index = text(&out, "directory/index.html");
    for expected in [
        "共 1 家。",
        "另有 1 家资质已到期或尚未生效",
        "沈阳市（1 家）",
        "href=\"../directory/annex4.xlsx\" download=\"职业技能等级认定企业目录-2024-03-02.xlsx\"",
    ] {
        assert!(index.contains(expected), "{expected}\n{index}");
    }
    // The English page links to the same Chinese files and says so.
    let en = text(&out, "en/directory/city-01.html");
    for expected in [
        "<h2 id=\"lapsed\">Filing lapsed (1)</h2>",
        "Adjusted 2024-02-01: occupations",
        "(in Chinese, the layout of Annex 4)",
        "href=\"../../directory/annex4-city-01.xlsx\"",
        "hreflang=\"zh-CN\"",
    ] {
        assert!(en.contains(expected), "{expected}\n{en}");
    }
    // The institution's page has the history the note links to.
    assert!(text(&out, "directory/Y000021013002.html").contains("<h2 id=\"history\">"));
}

#[test]
fn every_statistics_table_downloads_in_both_languages_with_the_pages_rows() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = reviewed_fixture(dir.path(), &w);
    let out = dir.path().join("public");
    let (code, stdout, err) = build(&data, &out, &[]);
    assert_eq!(code, 0, "{stdout}{err}");
    let cases = [
        (
            "",
            "../",
            "职业技能等级认定结果统计",
            "按职业（工种）和等级",
            "合  计",
        ),
        (
            "en/",
            "../../",
            "Certification statistics",
            "By occupation and level",
            "All",
        ),
    ];
    for (prefix, root, title, note, total) in cases {
        let page = text(&out, &format!("{prefix}stats/index.html"));
        for stem in ["by-occupation", "by-city", "by-year"] {
            let path = format!("{prefix}stats/{stem}");
            for ext in ["xlsx", "csv"] {
                let href = format!("href=\"{root}{path}.{ext}\"");
                assert!(page.contains(&href), "{href}\n{page}");
            }
            let sheets = same_rows(
                &out,
                &path,
                title,
                if stem == "by-occupation" { note } else { "" },
            );
            assert_eq!(sheets.len(), 1);
            let rows = &sheets[0].rows;
            assert_eq!(rows.last().unwrap()[0], total, "{path}");
            assert_eq!(rows[2].len(), 7, "{path}: label, five levels, subtotal");
        }
    }
    let zh = workbook(&fs::read(out.join("stats/by-occupation.xlsx")).unwrap());
    assert_eq!(zh[0].rows[2], ANNEX7_HEADER);
    assert_eq!(zh[0].rows[3], ["车工", "1", "0", "2", "0", "0", "3"]);
    let en = csv_rows(&fs::read(out.join("en/stats/by-city.csv")).unwrap());
    assert_eq!(en[1], ["Shenyang", "1", "0", "2", "0", "0", "3"]);
}
