//! What the site offers to download beside its pages: the directory as
//! 附件4, the whole province and each city, and each table of the
//! statistics page, every one as an Excel workbook and as CSV (both
//! written by [`spreadsheet`](crate::site::spreadsheet), from one table).
//!
//! The directory's files are Chinese whichever page links to them: they
//! are the notice's form, and the names, addresses and occupations they
//! hold are Chinese as signed. The English pages link to the same files
//! and say so. The statistics are published in each language, with that
//! page's headers and city names.
//!
//! A file's path stays the same from build to build (`directory/annex4.xlsx`);
//! the name a browser saves it under carries the data date.

use std::collections::BTreeMap;

use serde::Serialize;

use certsite_core::site_format::Files;

use crate::site::i18n::{LANGUAGES, Language};
use crate::site::model::{ANNEX4_COLUMNS, CountTable, InstitutionView, SiteModel, Status, listing};
use crate::site::spreadsheet::{Cell, Column, Sheet, Table};

/// The whole directory, inside the site (`.xlsx` or `.csv` added).
const DIRECTORY_STEM: &str = "directory/annex4";

/// A city's part of the directory, inside the site (`.xlsx` or `.csv` added).
fn city_stem(city: u8) -> String {
    format!("{DIRECTORY_STEM}-city-{city:02}")
}

/// The statistics page's tables: key (of the string tables' `stats_files`),
/// file stem inside the language's `stats/`, and which table of the model.
const STATS_TABLES: [(&str, &str); 3] = [
    ("by_occupation", "by-occupation"),
    ("by_city", "by-city"),
    ("by_year", "by-year"),
];

/// A file to download, as a page links to it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Download {
    /// Its path in the site.
    pub path: String,
    /// The name a browser saves it under (the link's `download`): what it
    /// is and the data date.
    pub name: String,
    /// Its size as the link shows it (`12 KB`).
    pub size: String,
}

/// A table's two files.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Pair {
    /// The workbook.
    pub xlsx: Download,
    /// The CSV.
    pub csv: Download,
}

/// The pages' links to the downloads.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Links {
    /// The whole directory.
    pub directory: Pair,
    /// Each city's part of the directory, by city number.
    pub cities: BTreeMap<u8, Pair>,
    /// The statistics page's tables, by language tag, then by key
    /// (`by_occupation`, `by_city`, `by_year`).
    pub stats: BTreeMap<&'static str, BTreeMap<&'static str, Pair>>,
}

/// A table that Excel cannot hold (a text over 32,767 characters, more
/// than 1,048,576 rows).
#[derive(Debug, thiserror::Error)]
#[error("无法生成下载文件 {path}：{source}")]
pub(crate) struct DownloadError {
    /// The file.
    pub path: String,
    /// What the workbook writer said.
    #[source]
    pub source: rust_xlsxwriter::XlsxError,
}

/// Every download of the site, and the pages' links to them.
pub(crate) fn build(model: &SiteModel) -> Result<(Files, Links), DownloadError> {
    let date = &model.data_date;
    let zh = &LANGUAGES[0];
    let mut files = Files::new();
    let mut publish = |stem: &str, name: &str, table: &Table| -> Result<Pair, DownloadError> {
        let xlsx_path = format!("{stem}.xlsx");
        let xlsx = table.xlsx(date).map_err(|source| DownloadError {
            path: xlsx_path.clone(),
            source,
        })?;
        let csv = table.csv();
        let link = |path: String, bytes: &[u8], ext: &str| Download {
            path,
            name: format!("{name}-{date}.{ext}"),
            size: format!("{} KB", bytes.len().div_ceil(1024)),
        };
        let pair = Pair {
            xlsx: link(xlsx_path.clone(), &xlsx, "xlsx"),
            csv: link(format!("{stem}.csv"), &csv, "csv"),
        };
        files.insert(xlsx_path, xlsx);
        files.insert(pair.csv.path.clone(), csv);
        Ok(pair)
    };
    let title = zh.word("titles.directory");
    let directory = publish(
        DIRECTORY_STEM,
        title,
        &directory_table(model.institutions(), title, date),
    )?;
    let mut cities = BTreeMap::new();
    for city in &model.cities {
        let city_title = format!("{title}（{}）", city.name);
        let table = directory_table(city.institutions.iter(), &city_title, date);
        let name = format!("{title}-{}", city.name);
        cities.insert(
            city.number,
            publish(&city_stem(city.number), &name, &table)?,
        );
    }
    let mut stats = BTreeMap::new();
    for lang in LANGUAGES.iter() {
        let mut tables = BTreeMap::new();
        for (key, stem) in STATS_TABLES {
            let table = stats_table(model, lang, key);
            let stem = format!("{}stats/{stem}", lang.prefix);
            let name = lang.word(&format!("stats_files.{key}"));
            tables.insert(key, publish(&stem, name, &table)?);
        }
        stats.insert(lang.tag, tables);
    }
    let links = Links {
        directory,
        cities,
        stats,
    };
    Ok((files, links))
}

/// 附件4 for `insts`: its ten columns, then the site's (所在市, 资质有效期,
/// 状态, 目录调整); one row per filed occupation, the institution's cells
/// merged down its rows; one sheet per status, current entries first.
fn directory_table<'a>(
    insts: impl IntoIterator<Item = &'a InstitutionView>,
    title: &str,
    date: &str,
) -> Table {
    let zh = &LANGUAGES[0];
    // Widths in characters; the institution's columns are merged.
    let annex4 = [6.0, 22.0, 20.0, 10.0, 14.0, 15.0, 16.0, 12.0, 12.0, 11.0];
    let mut columns: Vec<Column> = (ANNEX4_COLUMNS.iter().zip(annex4))
        .enumerate()
        .map(|(i, (header, width))| Column {
            header: header.to_string(),
            width,
            merged: i < 6,
        })
        .collect();
    for (key, width) in [
        ("city", 8.0),
        ("filing_period", 12.0),
        ("status_column", 11.0),
        ("adjusted_column", 16.0),
    ] {
        columns.push(Column {
            header: zh.word(key).to_string(),
            width,
            merged: true,
        });
    }
    let mut sheets: Vec<Sheet> = Vec::new();
    for entry in listing(insts) {
        let inst = entry.inst;
        let status = zh.word(&format!("status.{}", inst.status.key()));
        if sheets.last().is_none_or(|s| s.name != status) {
            sheets.push(sheet(title, status, inst.status, date));
        }
        let group = (inst.occupations.iter())
            .map(|o| {
                vec![
                    Cell::Count(entry.serial),
                    inst.name.as_str().into(),
                    inst.address.as_str().into(),
                    inst.contact.as_str().into(),
                    inst.phone.as_str().into(),
                    inst.filing_no.as_str().into(),
                    o.name.as_str().into(),
                    o.subtype.as_str().into(),
                    o.code.as_str().into(),
                    zh.level_range(&o.levels).into(),
                    inst.city.as_str().into(),
                    format!(
                        "{} {} {}",
                        inst.approved_on,
                        zh.word("to"),
                        inst.valid_until
                    )
                    .into(),
                    status.into(),
                    inst.adjusted
                        .as_ref()
                        .map(|a| zh.adjustment(&a.on, &a.changes))
                        .unwrap_or_default()
                        .into(),
                ]
            })
            .collect();
        sheets.last_mut().expect("pushed above").groups.push(group);
    }
    if sheets.is_empty() {
        sheets.push(sheet(title, zh.word("status.valid"), Status::Valid, date));
    }
    Table { columns, sheets }
}

/// An empty sheet of the directory for one status.
fn sheet(title: &str, name: &str, status: Status, date: &str) -> Sheet {
    let zh = &LANGUAGES[0];
    let mut note = zh.word("status_as_of").replace("{date}", date);
    note.push_str(zh.word(&format!("section_notes.{}", status.key())));
    Sheet {
        name: name.to_string(),
        title: title.to_string(),
        note,
        groups: Vec::new(),
    }
}

/// A table of the statistics page in `lang`: the page's headers, a row per
/// label, the total row last.
fn stats_table(model: &SiteModel, lang: &Language, key: &str) -> Table {
    let (table, label, sheet_name, caption): (&CountTable, _, _, _) = match key {
        "by_occupation" => (
            &model.by_occupation,
            "occupation_label",
            "by_occupation",
            "by_occupation_caption",
        ),
        "by_city" => (&model.by_city, "city", "by_city_title", "by_city_caption"),
        _ => (
            &model.by_year,
            "issue_year",
            "by_year",
            "by_year_level_caption",
        ),
    };
    let column = |header: &str, width| Column {
        header: header.to_string(),
        width,
        merged: false,
    };
    let mut columns = vec![column(lang.word(label), 26.0)];
    for l in lang.page()["level_columns"]
        .as_array()
        .into_iter()
        .flatten()
    {
        columns.push(column(l.as_str().unwrap_or_default(), 15.0));
    }
    columns.push(column(lang.word("subtotal"), 10.0));
    let row = |label: String, levels: &[usize; 5], total: usize| {
        let mut cells: Vec<Cell> = vec![label.into()];
        cells.extend(levels.iter().map(|n| Cell::Count(*n)));
        cells.push(Cell::Count(total));
        vec![cells]
    };
    let mut groups: Vec<Vec<Vec<Cell>>> = (table.rows.iter())
        .map(|r| {
            // Cities are named in the page's language, like the page does;
            // occupations stay as signed.
            let city = (key == "by_city")
                .then(|| lang.table["cities"][&r.label].as_str())
                .flatten();
            row(city.unwrap_or(&r.label).to_string(), &r.levels, r.total)
        })
        .collect();
    groups.push(row(
        lang.word("total").to_string(),
        &table.sum.levels,
        table.sum.total,
    ));
    let note = (lang.word("stats_note"))
        .replace("{caption}", lang.word(caption))
        .replace("{date}", &model.data_date);
    Table {
        columns,
        sheets: vec![Sheet {
            name: lang.word(sheet_name).to_string(),
            title: lang.word("titles.stats").to_string(),
            note,
            groups,
        }],
    }
}
