//! Spreadsheets as people actually have them: CSV in UTF-8 (with or without
//! BOM), GBK/GB18030 as Excel on Chinese Windows writes it, UTF-16 "Unicode
//! text" exports, and Excel/WPS/LibreOffice workbooks. A title row above the
//! header (as on the notice's own forms) is skipped.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use crate::catalogue::{csv_problem, os_message, workbook_problem};
use certsite_core::domain::dates::from_excel_serial;
use certsite_core::domain::text::fold_compact;
use certsite_core::trust::problem::Problem;

/// How many rows may sit above the header row (titles, notes, a blank line).
const MAX_TITLE_ROWS: usize = 10;

/// One data row.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    /// Line (CSV) or row number (workbook), 1-based, as the user sees it.
    pub line: usize,
    /// Cell texts, trimmed but otherwise as written: full-width punctuation
    /// in names stays (names must match the directory exactly); parsers fold
    /// widths where they need to. Shorter rows are padded.
    pub cells: Vec<String>,
    /// Cells whose content could not be read faithfully, with why.
    pub unreadable: Vec<(usize, String)>,
}

/// A table: header row and data rows.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// The file.
    pub path: PathBuf,
    /// How the file was decoded, for messages (`UTF-8`, `GBK`, `xlsx`...).
    pub encoding: &'static str,
    /// Header texts as written.
    pub headers: Vec<String>,
    /// Data rows; empty rows are dropped.
    pub rows: Vec<Row>,
}

/// Normalises a header for matching: NFKC, no white space, no `*` markers of
/// required columns, no parenthesised notes (`发证日期（年-月-日）`).
pub(crate) fn header_key(text: &str) -> String {
    let mut t = fold_compact(text).replace('*', "");
    if let Some(i) = t.find('(') {
        t.truncate(i);
    }
    t
}

impl Table {}

impl Row {
    /// The trimmed text of column `col`, empty when absent.
    pub(crate) fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.cells.get(c))
            .map_or("", String::as_str)
    }

    /// Why column `col` could not be read, if so.
    pub(crate) fn unreadable(&self, col: Option<usize>) -> Option<&str> {
        let col = col?;
        self.unreadable
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, why)| why.as_str())
    }
}

/// Why a file gives no table.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TableError {
    /// The file cannot be opened, or is not a spreadsheet at all: the
    /// command cannot run (exit status 2).
    #[error(transparent)]
    Unreadable(Problem),
    /// The file is a spreadsheet, but not one that can be read as a table:
    /// its text, its CSV or its header row (a data problem).
    #[error(transparent)]
    Invalid(Problem),
}

impl From<TableError> for Problem {
    fn from(e: TableError) -> Problem {
        match e {
            TableError::Unreadable(p) | TableError::Invalid(p) => p,
        }
    }
}

/// Reads a CSV/TSV or workbook. `is_header` recognises the header row among
/// the first rows. Errors name the file (and line when there is one).
pub(crate) fn read_table(
    path: &Path,
    is_header: &dyn Fn(&[String]) -> bool,
) -> Result<Table, TableError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (encoding, rows) = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => (
            "Excel 工作簿",
            read_workbook(path).map_err(TableError::Unreadable)?,
        ),
        _ => {
            let bytes = std::fs::read(path).map_err(|e| {
                let why = format!("无法读取：{}", os_message(&e));
                TableError::Unreadable(Problem::file(path, why))
            })?;
            let (text, encoding) = decode(path, &bytes).map_err(TableError::Invalid)?;
            let rows = read_delimited(path, &text).map_err(TableError::Invalid)?;
            (encoding, rows)
        }
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()));
    let mut skipped = 0;
    let header = loop {
        let Some(row) = rows.next() else {
            let why = "找不到表头行（没有可识别的列名）";
            return Err(TableError::Invalid(Problem::file(path, why)));
        };
        if is_header(&row.cells) {
            break row;
        }
        skipped += 1;
        if skipped >= MAX_TITLE_ROWS {
            let why = format!("前 {MAX_TITLE_ROWS} 行中找不到表头行（没有可识别的列名）");
            return Err(TableError::Invalid(Problem::file(path, why)));
        }
    };
    let width = header.cells.len();
    let rows = rows
        .map(|mut r| {
            r.cells.resize(width.max(r.cells.len()), String::new());
            r
        })
        .collect();
    Ok(Table {
        path: path.to_path_buf(),
        encoding,
        headers: header.cells,
        rows,
    })
}

/// Decodes CSV bytes: BOM first (UTF-8, UTF-16), then strict UTF-8, then GBK.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), Problem> {
    if let Some(rest) = bytes.strip_prefix(crate::workbook::UTF8_BOM) {
        return strict_utf8(path, rest).map(|t| (t, "UTF-8 (BOM)"));
    }
    for (bom, enc, name) in [
        (&b"\xFF\xFE"[..], UTF_16LE, "UTF-16LE"),
        (&b"\xFE\xFF"[..], UTF_16BE, "UTF-16BE"),
    ] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_with_bom_removal(bytes);
            if had_errors {
                return Err(Problem::file(path, format!("不是有效的 {name} 文本")));
            }
            return Ok((text.into_owned(), name));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), "UTF-8"));
    }
    // GB18030 is a superset of GBK and GB2312: what Excel writes as "CSV" on
    // Chinese Windows. Decode line by line to name the line of a bad byte.
    let mut out = String::with_capacity(bytes.len() * 3 / 2);
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let (text, _, had_errors) = GB18030.decode(line);
        if had_errors {
            return Err(Problem::line(
                path,
                i + 1,
                "既不是 UTF-8 也不是 GBK 编码的文本（请另存为 CSV UTF-8）",
            ));
        }
        out.push_str(&text);
    }
    Ok((out, "GBK"))
}

fn strict_utf8(path: &Path, bytes: &[u8]) -> Result<String, Problem> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Problem::line(path, line, "文件声明为 UTF-8（有 BOM），但这一行不是 UTF-8")
    })
}

/// Comma- or tab-separated, whichever the first lines use more.
fn read_delimited(path: &Path, text: &str) -> Result<Vec<Row>, Problem> {
    let head = text.lines().take(MAX_TITLE_ROWS + 1);
    let (tabs, commas) = head.fold((0, 0), |(t, c), l| {
        (t + l.matches('\t').count(), c + l.matches(',').count())
    });
    let delimiter = if tabs > commas { b'\t' } else { b',' };
    // Line numbers from byte offsets: the reader's own count skips blank lines.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // A record's position is where the previous one ended: skip blank lines.
    let bytes = text.as_bytes();
    let line_of = |byte: u64| {
        let mut b = byte as usize;
        while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        line_starts.partition_point(|&s| s <= b)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_of(p.byte()));
            Problem::line(path, line, csv_problem(&e))
        })?;
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        rows.push(Row {
            line,
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
            unreadable: Vec::new(),
        });
    }
    Ok(rows)
}

fn read_workbook(path: &Path) -> Result<Vec<Row>, Problem> {
    let opening = |e: calamine::Error| {
        Problem::file(path, format!("无法打开工作簿：{}", workbook_problem(&e)))
    };
    let mut book = calamine::open_workbook_auto(path).map_err(opening)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Problem::file(path, "工作簿里没有工作表"))?
        .map_err(|e| {
            let why = workbook_problem(&e);
            Problem::file(path, format!("无法读取第一个工作表：{why}"))
        })?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let mut row = Row {
            line: first_row + i + 1,
            ..Row::default()
        };
        for (col, cell) in cells.iter().enumerate() {
            let (text, problem) = cell_text(cell);
            if let Some(why) = problem {
                row.unreadable.push((col, why));
            }
            row.cells.push(text);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A cell as text. Numbers that Excel rounded (long digit strings such as ID
/// numbers typed into a number cell) are flagged, never silently accepted.
fn cell_text(cell: &Data) -> (String, Option<String>) {
    match cell {
        Data::Empty => (String::new(), None),
        Data::String(s) => (s.trim().to_string(), None),
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                (format!("{}", *f as i64), None)
            } else if f.abs() >= 1e15 {
                (
                    format!("{f}"),
                    Some("Excel 把这一格存成了数字，15 位以上的数字已丢失精度；请把该列设为文本格式后重新录入".into()),
                )
            } else {
                (format!("{f}"), None)
            }
        }
        Data::Bool(b) => (b.to_string(), None),
        Data::DateTime(dt) => match from_excel_serial(dt.as_f64()) {
            Some(d) => (d.to_string(), None),
            None => (String::new(), Some("无法识别的日期".into())),
        },
        Data::DateTimeIso(s) => (s.get(..10).unwrap_or(s).to_string(), None),
        Data::DurationIso(s) => (s.clone(), None),
        Data::Error(e) => (String::new(), Some(format!("单元格是公式的错误值 {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_header(cells: &[String]) -> bool {
        cells.iter().any(|c| header_key(c) == "证书编号")
    }

    fn read_bytes(name: &str, bytes: &[u8]) -> Result<Table, Problem> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        read_table(&p, &any_header).map_err(Problem::from)
    }

    #[test]
    fn a_file_that_is_no_spreadsheet_cannot_be_read_and_says_so_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("名册.xlsx");
        std::fs::write(&fake, "证书编号,姓名\n").unwrap();
        let missing = dir.path().join("没有.csv");
        for (path, why) in [
            (&fake, "无法打开工作簿：不是可读的 Excel 或 ODS 工作簿"),
            (&missing, "无法读取：不存在"),
            (&dir.path().to_path_buf(), "无法读取：是目录，不是文件"),
        ] {
            match read_table(path, &any_header) {
                Err(TableError::Unreadable(p)) => {
                    assert!(p.message.starts_with(why), "{}", p.message);
                }
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        let no_header = dir.path().join("空.csv");
        std::fs::write(&no_header, "\n\n").unwrap();
        assert!(matches!(
            read_table(&no_header, &any_header),
            Err(TableError::Invalid(_))
        ));
    }

    const CSV: &str = "职业技能等级证书发放名册\n证书编号,姓名\nY000021013002245000001,张三丰\n\n\"Y000021013002245000002\",\"李 四\"\n";

    #[test]
    fn utf8_with_and_without_bom() {
        for (bytes, enc) in [
            (CSV.as_bytes().to_vec(), "UTF-8"),
            (
                [b"\xEF\xBB\xBF".as_slice(), CSV.as_bytes()].concat(),
                "UTF-8 (BOM)",
            ),
        ] {
            let t = read_bytes("a.csv", &bytes).unwrap();
            assert_eq!(t.encoding, enc);
            assert_eq!(t.headers, ["证书编号", "姓名"]);
            assert_eq!(t.rows.len(), 2);
            assert_eq!(t.rows[0].line, 3);
            assert_eq!(t.rows[1].line, 5);
            let name = t.headers.iter().position(|h| h == "姓名");
            assert_eq!(t.rows[1].get(name), "李 四");
        }
    }

    #[test]
    fn gbk_as_excel_writes_it() {
        let (gbk, _, _) = GB18030.encode(CSV);
        let t = read_bytes("a.csv", &gbk).unwrap();
        assert_eq!(t.encoding, "GBK");
        assert_eq!(t.rows[0].get(Some(1)), "张三丰");
    }

    #[test]
    fn utf16_tab_separated_unicode_text() {
        let tsv = CSV.replace(',', "\t");
        let mut bytes = vec![0xFF, 0xFE];
        for u in tsv.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let t = read_bytes("a.txt", &bytes).unwrap();
        assert_eq!(t.encoding, "UTF-16LE");
        assert_eq!(t.rows[1].get(Some(0)), "Y000021013002245000002");
    }

    #[test]
    fn undecodable_bytes_name_the_line() {
        let mut bytes =
            b"\xEF\xBB\xBF\xE8\xAF\x81\xE4\xB9\xA6\xE7\xBC\x96\xE5\x8F\xB7\nok\n".to_vec();
        bytes.extend_from_slice(b"\xFF\xFE\xFD\n");
        let e = read_bytes("a.csv", &bytes).unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn names_keep_their_full_width_punctuation() {
        let t = read_bytes(
            "a.csv",
            "证书编号,机构\n1,\u{3000}沈阳飞机工业（集团）有限公司 \n".as_bytes(),
        )
        .unwrap();
        assert_eq!(t.rows[0].get(Some(1)), "沈阳飞机工业（集团）有限公司");
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(header_key(" 发证日期（年-月-日）"), "发证日期");
        assert_eq!(header_key("*证件号码"), "证件号码");
        assert_eq!(header_key("等级范围  "), "等级范围");
    }

    #[test]
    fn missing_header_is_reported() {
        let e = read_bytes("a.csv", "a,b\n1,2\n".as_bytes()).unwrap_err();
        assert!(e.message.contains("表头"));
    }
}
