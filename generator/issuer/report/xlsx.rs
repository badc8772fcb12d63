//! A report as an Excel workbook, laid out as 附件7: one sheet per form,
//! then the list of what was left out (`未计入`), each ready to print on A4
//! landscape, one page wide.
//!
//! A form's sheet, rows from 1:
//!
//! | row | cells |
//! | --- | --- |
//! | 1 | the title, merged over A-G |
//! | 2 | 填报单位：…（章） merged over A-D; 统计月份 over E-F; 单位：人 in G |
//! | 3 | 职业（工种）名称 (or 企业, 市), the five levels, 小计 |
//! | 4… | one row per occupation; 小计 is a formula over its levels |
//! | then | 合  计: formulas over the rows above |
//! | then | the notes, each merged over A-G |
//!
//! Formulas carry their values, so a reader that does not recalculate
//! (calamine, a preview) sees the numbers; the CSV has the same cells.

use std::io::Cursor;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError,
};

use crate::workbook::{dated_workbook, print_as_form};

use super::text::FORM_COLUMNS;
use super::{Form, LEFT_OUT_HEADER, REPORT_TITLE, Report, UNIT};

/// The sheet of the list of what was left out.
pub(crate) const LEFT_OUT_SHEET: &str = "未计入";

/// Widths of the list's columns, in characters.
const LEFT_OUT_WIDTHS: [usize; 6] = [24, 22, 16, 12, 40, 30];

/// Width of a level column: 高级技师（一级） is 8 wide characters.
const LEVEL_WIDTH: f64 = 18.0;

/// Width of the 小计 column.
const SUBTOTAL_WIDTH: f64 = 10.0;

/// The formats of a sheet, all in 宋体 (what a Chinese form is printed in).
struct Formats {
    title: Format,
    left: Format,
    center: Format,
    right: Format,
    header: Format,
    label: Format,
    number: Format,
    total_label: Format,
    note: Format,
    list: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("宋体").set_font_size(11);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            left: base.clone().set_align(FormatAlign::VerticalCenter),
            center: base
                .clone()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            right: base
                .clone()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            label: cell.clone().set_text_wrap(),
            number: cell.clone().set_align(FormatAlign::Center),
            total_label: cell.clone().set_bold().set_align(FormatAlign::Center),
            note: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            list: cell.set_text_wrap(),
        }
    }
}

/// How wide a text is in Excel's character widths: a Chinese character
/// takes two.
fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The column letter of a form's column (A-G).
fn letter(col: u16) -> char {
    char::from(b'A' + col as u8)
}

/// The print setup every sheet has: A4 landscape, one page wide, centred,
/// the header row repeated on each page, page numbers at the foot.
fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_margins(0.6, 0.6, 0.7, 0.7, 0.3, 0.3);
    print_as_form(ws, (header_row, header_row), "第 &P 页，共 &N 页")
}

/// Writes one form on its sheet.
fn write_form(
    ws: &mut Worksheet,
    report: &Report,
    form: &Form,
    f: &Formats,
) -> Result<(), XlsxError> {
    let last = (FORM_COLUMNS - 1) as u16;
    ws.set_name(&form.sheet)?;
    ws.merge_range(0, 0, 0, last, REPORT_TITLE, &f.title)?;
    ws.set_row_height(0, 36)?;
    ws.merge_range(1, 0, 1, 3, &form.filer_cell(), &f.left)?;
    ws.merge_range(1, 4, 1, 5, &report.month_cell(), &f.center)?;
    ws.write_string_with_format(1, 6, UNIT, &f.right)?;
    ws.set_row_height(1, 24)?;
    for (col, name) in (0u16..).zip(form.header()) {
        ws.write_string_with_format(2, col, name, &f.header)?;
    }
    ws.set_row_height(2, 32)?;
    let first = 3u32;
    let rows = form.table.rows.len() as u32;
    for (row, r) in (first..).zip(&form.table.rows) {
        ws.write_string_with_format(row, 0, &r.label, &f.label)?;
        for (col, n) in (1u16..).zip(r.levels) {
            ws.write_number_with_format(row, col, n as f64, &f.number)?;
        }
        // Excel rows count from 1.
        let sum = format!("=SUM(B{0}:F{0})", row + 1);
        let formula = Formula::new(sum).set_result(r.total.to_string());
        ws.write_formula_with_format(row, last, formula, &f.number)?;
        ws.set_row_height(row, 22)?;
    }
    let total_row = first + rows;
    ws.write_string_with_format(total_row, 0, super::TOTAL_LABEL, &f.total_label)?;
    let sums = form.table.sum.levels.iter().chain([&form.table.sum.total]);
    for (col, n) in (1u16..).zip(sums) {
        let column = letter(col);
        let formula = if rows == 0 {
            Formula::new("=0")
        } else {
            Formula::new(format!("=SUM({column}{}:{column}{})", first + 1, total_row))
        };
        ws.write_formula_with_format(total_row, col, formula.set_result(n.to_string()), &f.number)?;
    }
    ws.set_row_height(total_row, 22)?;
    for (row, note) in (total_row + 1..).zip(&form.notes) {
        ws.merge_range(row, 0, row, last, note, &f.note)?;
        ws.set_row_height(row, 20)?;
    }
    // Column A holds the longest label, and with B-D the 填报单位.
    let labels = form.rows().map(|r| text_width(&r.label));
    let widest = labels
        .chain([text_width(form.first_column)])
        .max()
        .unwrap_or(0);
    let filer = text_width(&form.filer_cell()).saturating_sub(3 * LEVEL_WIDTH as usize);
    let width = (widest.max(filer) + 2).clamp(24, 60);
    ws.set_column_width(0, width as f64)?;
    for col in 1..last {
        ws.set_column_width(col, LEVEL_WIDTH)?;
    }
    ws.set_column_width(last, SUBTOTAL_WIDTH)?;
    print_setup(ws, 2)
}

/// Writes the list of what was left out on its sheet.
fn write_left_out(ws: &mut Worksheet, report: &Report, f: &Formats) -> Result<(), XlsxError> {
    let last = (LEFT_OUT_HEADER.len() - 1) as u16;
    ws.set_name(LEFT_OUT_SHEET)?;
    let title = f.title.clone().set_font_size(14);
    ws.merge_range(0, 0, 0, last, &report.left_out_title(), &title)?;
    ws.set_row_height(0, 28)?;
    for (col, name) in (0u16..).zip(LEFT_OUT_HEADER) {
        ws.write_string_with_format(1, col, name, &f.header)?;
    }
    ws.set_row_height(1, 24)?;
    for (row, l) in (2u32..).zip(&report.left_out) {
        let cells = l.cells();
        for (col, cell) in (0u16..).zip(cells) {
            ws.write_string_with_format(row, col, cell, &f.list)?;
        }
        // Tall enough for the longest wrapped cell: not every program
        // fits a row to its text when it opens the file.
        let lines = (cells.iter().zip(LEFT_OUT_WIDTHS))
            .map(|(cell, width)| text_width(cell).div_ceil(width - 1))
            .max()
            .unwrap_or(1)
            .max(1);
        ws.set_row_height(row, 15 * lines as u32 + 6)?;
    }
    for (col, width) in (0u16..).zip(LEFT_OUT_WIDTHS) {
        ws.set_column_width(col, width as f64)?;
    }
    print_setup(ws, 1)
}

/// The report as an `.xlsx` workbook. Its bytes depend on the report only:
/// the creation date in its properties is the month's first day, not the
/// clock's.
pub(super) fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let year = report.month[..4].parse().unwrap_or(2000);
    let month = report.month[5..].parse().unwrap_or(1);
    let properties = DocProperties::new()
        .set_title(format!("{REPORT_TITLE} {}", report.month_text()))
        .set_author(&report.form().filer)
        .set_comment("certsite report");
    let mut wb = dated_workbook(properties, &ExcelDateTime::from_ymd(year, month, 1)?);
    let f = Formats::new();
    for form in &report.forms {
        write_form(wb.add_worksheet(), report, form, &f)?;
    }
    if !report.left_out.is_empty() {
        write_left_out(wb.add_worksheet(), report, &f)?;
    }
    wb.save_to_buffer()
}

/// Whether `bytes` are a workbook whose first sheet starts with the
/// report's title: a report `--out` may replace.
pub(crate) fn is_own_workbook(bytes: &[u8]) -> bool {
    use calamine::{Data, Reader, Xlsx};
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let Ok(mut book) = Xlsx::new(Cursor::new(bytes)) else {
        return false;
    };
    let Some(Ok(range)) = book.worksheet_range_at(0) else {
        return false;
    };
    matches!(range.get_value((0, 0)), Some(Data::String(s)) if s == REPORT_TITLE)
}
