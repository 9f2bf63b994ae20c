//! Reading an XLSX table: the first visible worksheet, cell by cell, each cell turned into
//! the text a person would have typed (what [`yingcai_domain::TalentInput`] and the other
//! checks expect).

use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};

use crate::check::{Row, Sheet};
use crate::{ImportError, codes, file_error};

/// Excel keeps 15 significant digits: a longer whole number (an identity or bank account
/// number typed into a cell as a number) has already lost its last digits.
const MAX_EXACT_NUMBER: f64 = 1e15;

pub(crate) fn parse<S: Sheet>(bytes: &[u8], table: S) -> Result<S::Output, ImportError> {
    let unreadable = |_| file_error(codes::FILE_UNREADABLE, String::new());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    // The sheet the officer sees on opening the file: a hidden first sheet (a lookup list,
    // say) is not the table.
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let Some(sheet) = worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
    else {
        return Err(file_error(codes::FILE_UNREADABLE, String::new()));
    };
    let name = sheet.name.clone();
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;

    let mut reader = RowReader {
        sheet: table,
        width: None,
    };
    // The cells of the row being read: (0-based column, text, problem).
    let mut pending: Vec<(usize, String, Option<&'static str>)> = Vec::new();
    let mut pending_row: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        if pending_row != Some(row) {
            if pending_row.is_some_and(|current| row < current) {
                // Excel writes rows in order; anything else is a damaged or hand-made file.
                return Err(file_error(codes::FILE_UNREADABLE, String::new()));
            }
            if let Some(current) = pending_row {
                reader.row(current, &mut pending)?;
            }
            pending_row = Some(row);
        }
        let (text, problem) = cell_text(cell.get_value());
        if !text.is_empty() || problem.is_some() {
            pending.push((column as usize, text, problem));
        }
    }
    if let Some(current) = pending_row {
        reader.row(current, &mut pending)?;
    }
    match reader.width {
        Some(_) => reader.sheet.finish(),
        None => Err(file_error(codes::NO_ROWS, String::new())),
    }
}

struct RowReader<S> {
    sheet: S,
    /// The header's width; `None` until the header row (the first row with anything in
    /// it) is read.
    width: Option<usize>,
}

impl<S: Sheet> RowReader<S> {
    /// Hands one sheet row (0-based index, cells in `pending`, which is emptied) on.
    fn row(
        &mut self,
        index: u32,
        pending: &mut Vec<(usize, String, Option<&'static str>)>,
    ) -> Result<(), ImportError> {
        let number = index as usize + 1;
        let Some(width) = self.width else {
            if pending.iter().all(|(_, text, _)| text.trim().is_empty()) {
                pending.clear();
                return Ok(());
            }
            let width = pending
                .iter()
                .map(|(column, ..)| column + 1)
                .max()
                .unwrap_or(0);
            let mut names = vec![String::new(); width];
            for (column, text, _) in pending.drain(..) {
                names[column] = text;
            }
            self.sheet.header(number, &names)?;
            self.width = Some(width);
            return Ok(());
        };
        let mut row = Row {
            number,
            cells: vec![String::new(); width],
            ..Row::default()
        };
        for (column, text, problem) in pending.drain(..) {
            if column < width {
                row.cells[column] = text;
                if let Some(code) = problem {
                    row.problems.push((column, code));
                }
            } else if problem.is_some() || !text.trim().is_empty() {
                row.problems.push((column, codes::CELL_WITHOUT_HEADER));
            }
        }
        if row.is_blank() {
            Ok(())
        } else {
            self.sheet.row(row)
        }
    }
}

/// The text of a cell, as a person would have typed it, and a problem if the cell cannot
/// stand for what was typed.
fn cell_text(value: &DataRef<'_>) -> (String, Option<&'static str>) {
    match value {
        DataRef::Empty => (String::new(), None),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) if s.is_empty() => {
            (String::new(), None)
        }
        DataRef::String(s) => (s.clone(), None),
        DataRef::SharedString(s) => ((*s).to_owned(), None),
        DataRef::Int(i) => (i.to_string(), None),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => (b.to_string(), None),
        DataRef::DateTime(dt) if dt.is_datetime() => (date_text(dt), None),
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) => (iso_date_text(s), None),
        DataRef::DurationIso(s) => (s.clone(), None),
        DataRef::Error(e) => (e.to_string(), Some(codes::CELL_ERROR)),
    }
}

/// `50.0` → `50`: a count typed into a cell is stored as a float.
fn number_text(value: f64) -> (String, Option<&'static str>) {
    // f64's Display never uses an exponent and drops a zero fraction.
    let text = format!("{value}");
    let problem = (value.abs() >= MAX_EXACT_NUMBER).then_some(codes::NUMBER_IMPRECISE);
    (text, problem)
}

/// A date cell → `YYYY-MM-DD`; with a time of day, the time too (which the date checks
/// then refuse, showing the officer what the cell holds).
fn date_text(value: &ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, milli) = value.to_ymd_hms_milli();
    if (hour, minute, second, milli) == (0, 0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

/// `2023-09-08T00:00:00` (a date cell stored as ISO text) → `2023-09-08`.
fn iso_date_text(value: &str) -> String {
    match (value.get(..10), value.get(10..)) {
        (Some(date), Some(rest))
            if rest
                .trim_start_matches('T')
                .chars()
                .all(|c| matches!(c, '0' | ':' | '.' | 'Z')) =>
        {
            date.to_owned()
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(50.0), ("50".to_owned(), None));
        assert_eq!(number_text(1.5), ("1.5".to_owned(), None));
        assert_eq!(
            number_text(13_800_138_000.0),
            ("13800138000".to_owned(), None)
        );
        assert_eq!(
            number_text(110_105_194_912_310_020.0).1,
            Some(codes::NUMBER_IMPRECISE)
        );
    }

    #[test]
    fn iso_dates_lose_a_midnight_time() {
        assert_eq!(iso_date_text("2023-09-08T00:00:00"), "2023-09-08");
        assert_eq!(iso_date_text("2023-09-08"), "2023-09-08");
        assert_eq!(iso_date_text("2023-09-08T10:30:00"), "2023-09-08T10:30:00");
        assert_eq!(iso_date_text("短"), "短");
    }
}
