//! A table as files to download: CSV (UTF-8 with a BOM, which Excel opens
//! as UTF-8) and an Excel workbook (xlsx). The directory (附件4) and the
//! statistics (附件7) are both published through this one writer, so the two
//! files of a table always hold the same rows.
//!
//! A table is one or more sheets with the same columns. A sheet's rows come
//! in groups (an institution and its occupations); a column marked
//! [`Column::merged`] holds one value per group, which the workbook merges
//! down the group, as 附件4 draws it, and the CSV repeats on every row, so
//! that each CSV row stands on its own when sorted or filtered.
//!
//! The workbook is laid out for reading and printing: the title across the
//! columns, a note under it (the date the table is as of), the header row
//! frozen and repeated on every printed page, column widths, A4 landscape
//! one page wide. Its bytes depend on the table and the date given only:
//! the document's creation date is that date, never the clock, so two
//! builds of the same data publish identical files.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};

use crate::workbook::{UTF8_BOM, dated_workbook, print_as_form};

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    /// Text, written as text in the workbook too (a filing number or phone
    /// number must not become a number).
    Text(String),
    /// A count or serial number, a number in the workbook.
    Count(usize),
}

impl Cell {
    /// The cell as CSV writes it.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// A column of a table.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    /// Its header.
    pub header: String,
    /// Its width in the workbook, in characters of the default font (a
    /// Chinese character takes about two).
    pub width: f64,
    /// One value per group, merged down the group in the workbook.
    pub merged: bool,
}

/// A sheet of a table.
#[derive(Clone, Debug)]
pub(crate) struct Sheet {
    /// The tab's name: at most 31 characters, none of `[]:*?/\`.
    pub name: String,
    /// The first row, across every column.
    pub title: String,
    /// The second row: what the table is as of, its unit.
    pub note: String,
    /// The rows, in groups: the cells of the merged columns are equal
    /// within a group.
    pub groups: Vec<Vec<Vec<Cell>>>,
}

/// A table to publish as CSV and xlsx.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The columns of every sheet.
    pub columns: Vec<Column>,
    /// The sheets, in order; the CSV holds their rows one after the other.
    pub sheets: Vec<Sheet>,
}

/// Rows above the data in a sheet of the workbook: title, note, header.
pub(crate) const HEAD_ROWS: u32 = 3;

impl Table {
    /// The header row, then every row of every sheet: UTF-8 with a BOM.
    pub(crate) fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(UTF8_BOM.to_vec());
        let record = |w: &mut csv::Writer<Vec<u8>>, cells: Vec<String>| {
            w.write_record(cells).expect("CSV in memory")
        };
        record(
            &mut w,
            self.columns.iter().map(|c| c.header.clone()).collect(),
        );
        for row in self.sheets.iter().flat_map(|s| s.groups.iter().flatten()) {
            record(&mut w, row.iter().map(Cell::text).collect());
        }
        w.into_inner().expect("CSV in memory")
    }

    /// The workbook, created on `date` (an ISO date: the data date).
    /// Fails only on what Excel cannot hold (a text over 32,767
    /// characters, more than 1,048,576 rows).
    pub(crate) fn xlsx(&self, date: &str) -> Result<Vec<u8>, XlsxError> {
        let title = self.sheets.first().map_or("", |s| s.title.as_str());
        let mut book = dated_workbook(
            DocProperties::new().set_title(title),
            &ExcelDateTime::parse_from_str(date)?,
        );
        let formats = Formats::new();
        for sheet in &self.sheets {
            let ws = book.add_worksheet();
            self.write_sheet(ws, sheet, &formats)?;
        }
        book.save_to_buffer()
    }

    fn write_sheet(&self, ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
        ws.set_name(&sheet.name)?;
        let last_col = u16::try_from(self.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
        ws.merge_range(0, 0, 0, last_col, &sheet.title, &f.title)?;
        ws.set_row_height(0, 30)?;
        ws.merge_range(1, 0, 1, last_col, &sheet.note, &f.note)?;
        for (col, c) in (0u16..).zip(&self.columns) {
            ws.set_column_width(col, c.width)?;
            ws.write_string_with_format(2, col, &c.header, &f.header)?;
        }
        let mut row = HEAD_ROWS;
        for group in &sheet.groups {
            let height = u32::try_from(group.len()).unwrap_or(u32::MAX);
            for (offset, cells) in (0u32..).zip(group) {
                for ((col, cell), column) in (0u16..).zip(cells).zip(&self.columns) {
                    if column.merged && height > 1 {
                        if offset == 0 {
                            let last = row + height - 1;
                            ws.merge_range(row, col, last, col, "", f.of(cell))?;
                            write(ws, row, col, cell, f)?;
                        }
                    } else {
                        write(ws, row + offset, col, cell, f)?;
                    }
                }
            }
            row += height;
        }
        ws.set_freeze_panes(HEAD_ROWS, 0)?;
        print_as_form(ws, (0, HEAD_ROWS - 1), "&P / &N")
    }
}

/// Writes one cell with its format.
fn write(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => ws.write_string_with_format(row, col, s, &f.text),
        Cell::Count(n) => ws.write_number_with_format(row, col, *n as f64, &f.count),
    }
    .map(|_| ())
}

/// The workbook's cell formats.
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    count: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new().set_align(FormatAlign::Left),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#EEEEEE"),
            text: cell.clone().set_align(FormatAlign::Left),
            count: cell.set_align(FormatAlign::Right),
        }
    }

    fn of(&self, cell: &Cell) -> &Format {
        match cell {
            Cell::Text(_) => &self.text,
            Cell::Count(_) => &self.count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let col = |header: &str, merged| Column {
            header: header.into(),
            width: 10.0,
            merged,
        };
        let row =
            |n, name: &str, occupation: &str| vec![Cell::Count(n), name.into(), occupation.into()];
        Table {
            columns: vec![
                col("序号", true),
                col("企业名称", true),
                col("职业名称", false),
            ],
            sheets: vec![Sheet {
                name: "目录".into(),
                title: "职业技能等级认定企业目录".into(),
                note: "状态截至 2024-03-02".into(),
                groups: vec![
                    vec![
                        row(1, "甲, \"公司\"", "车工"),
                        row(1, "甲, \"公司\"", "焊工"),
                    ],
                    vec![row(2, "乙", "电工")],
                ],
            }],
        }
    }

    #[test]
    fn the_csv_repeats_merged_cells_and_quotes_what_needs_it() {
        let csv = String::from_utf8(table().csv()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}序号,企业名称,职业名称\n1,\"甲, \"\"公司\"\"\",车工\n1,\"甲, \"\"公司\"\"\",焊工\n2,乙,电工\n"
        );
    }

    #[test]
    fn the_workbook_is_dated_by_the_data_not_the_clock() {
        let a = table().xlsx("2024-03-02").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(a, table().xlsx("2024-03-02").unwrap());
        assert_ne!(a, table().xlsx("2024-03-03").unwrap());
    }
}
