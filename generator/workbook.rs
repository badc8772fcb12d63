//! What every spreadsheet certsite writes has in common: CSV starts with a
//! UTF-8 byte-order mark (so Excel reads it as UTF-8, not as the system's
//! GBK), and a workbook is dated by its data, not the clock (so two runs
//! give the same bytes), its sheets set up to print as a form: A4
//! landscape, one page wide, centred, the header rows repeated, page
//! numbers at the foot. Used by the site's downloads (`site::spreadsheet`)
//! and by `certsite report` (`issuer::report`).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};

/// The UTF-8 byte-order mark that starts every CSV certsite writes.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A4 in Excel's paper sizes.
const A4: u8 = 9;

/// A workbook whose properties carry `properties` and the creation date
/// `created` (the data's date, never the clock's).
pub(crate) fn dated_workbook(properties: DocProperties, created: &ExcelDateTime) -> Workbook {
    let mut book = Workbook::new();
    book.set_properties(&properties.set_creation_datetime(created));
    book
}

/// Sets `ws` up to print as a form: A4 landscape, one page wide, centred,
/// rows `first..=last` repeated on each page, `footer` (Excel's codes:
/// `&P` the page, `&N` the pages) centred at the foot.
pub(crate) fn print_as_form(
    ws: &mut Worksheet,
    (first, last): (u32, u32),
    footer: &str,
) -> Result<(), XlsxError> {
    ws.set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer(format!("&C{footer}"));
    ws.set_repeat_rows(first, last)?;
    Ok(())
}
