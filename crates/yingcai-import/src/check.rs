//! Checks data rows, whatever file and kind of table they came from, and gathers every
//! problem.
//!
//! The readers ([`crate::csv_source`], [`crate::xlsx_source`]) know files; a [`Kind`]
//! knows one table's columns and cells; [`Table`] is what joins them, and holds what every
//! kind shares: the row and error limits, reader problems, cells outside the header, and
//! the all-or-nothing rule.

use crate::columns::{Columns, Header, letter};
use crate::{ImportError, RowError, codes, file_error};

/// Longest `RowError::value`, in characters: enough to recognise a cell, not to flood a page.
const MAX_VALUE_CHARS: usize = 100;

/// What a reader feeds, in file order: the header row, then each non-blank data row.
pub(crate) trait Sheet {
    type Output;

    /// The header row (the first row with anything in it): every problem at once.
    fn header(&mut self, number: usize, cells: &[String]) -> Result<(), ImportError>;

    /// One non-blank data row. `Err` only when the file is refused whole (too many rows):
    /// the rest is then not read at all.
    fn row(&mut self, row: Row) -> Result<(), ImportError>;

    /// After the last row: the records, or every problem found.
    fn finish(self) -> Result<Self::Output, ImportError>;
}

/// One data row as read, before checking.
#[derive(Debug, Default)]
pub(crate) struct Row {
    /// The row number as the officer sees it.
    pub number: usize,
    /// The cells by file position, as text.
    pub cells: Vec<String>,
    /// Problems the reader found with single cells (file position, code), e.g. `#N/A`.
    pub problems: Vec<(usize, &'static str)>,
    /// `Some(found)` for a CSV record whose field count differs from the header's.
    pub length_mismatch: Option<usize>,
}

impl Row {
    /// A row with nothing in it is not a record; spreadsheets leave such rows behind.
    pub fn is_blank(&self) -> bool {
        self.problems.is_empty() && self.cells.iter().all(|c| c.trim().is_empty())
    }
}

pub(crate) fn truncate(value: &str) -> String {
    if value.len() <= MAX_VALUE_CHARS {
        return value.to_owned();
    }
    value.chars().take(MAX_VALUE_CHARS).collect()
}

/// One kind of table: its columns, how a row becomes a record, how records become the
/// result.
pub(crate) trait Kind {
    type Record;
    type Output;

    const COLUMNS: &'static Columns;

    /// Checks one row, reporting through `row`, and remembers what cross-row checks need.
    /// The record is kept only if the row (and every row before it) has no problem.
    fn check(&mut self, row: &mut DataRow<'_>) -> Option<Self::Record>;

    /// The result of a file without any problem.
    fn finish(self, records: Vec<Self::Record>) -> Self::Output;
}

/// A data row as a [`Kind`] sees it: cells by column name, and where to report problems.
pub(crate) struct DataRow<'h> {
    /// The row number as the officer sees it.
    pub number: usize,
    header: &'h Header,
    /// By file position, as read: a kind takes them by column name. Left in the reader's
    /// vector: sorting them into a new one per row cost a large roster a tenth of its time.
    cells: Vec<String>,
    /// By column index: the reader already reported this cell. Left empty (all `false`)
    /// for the usual row without reader problems: one allocation less per row.
    flagged: Vec<bool>,
    /// Sort key (0 for the row as a whole, then file position + 1, so the list reads left
    /// to right like the sheet) and the problem.
    found: Vec<(usize, RowError)>,
}

impl DataRow<'_> {
    /// Moves the cell of `column` out (empty if the file has no such column).
    pub fn take(&mut self, column: &str) -> String {
        self.header
            .position_of(column)
            .and_then(|position| self.cells.get_mut(position))
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Moves every known column's cell out, with the column's name (empty for a column the
    /// file lacks). One pass, for a kind that wants every column: [`DataRow::take`] looks
    /// the name up.
    pub fn take_all(&mut self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let header = self.header;
        let cells = &mut self.cells;
        header.columns.all().enumerate().map(move |(index, name)| {
            let cell = header
                .position_at(index)
                .and_then(|position| cells.get_mut(position))
                .map(std::mem::take)
                .unwrap_or_default();
            (name, cell)
        })
    }

    /// The reader already reported this cell (`#N/A`, a number too long, …): a field check
    /// would only add a confusing second error for the same cell.
    pub fn is_flagged(&self, column: &str) -> bool {
        self.header
            .columns
            .index_of(column)
            .is_some_and(|index| self.flagged.get(index) == Some(&true))
    }

    /// What an error may show of a cell.
    pub fn shown(&self, column: &str, raw: &str) -> String {
        if self.header.columns.is_sensitive(column) {
            String::new()
        } else {
            truncate(raw)
        }
    }

    /// Reports a problem with the cell of `column` (a column the file lacks sorts last: it
    /// is still the column to add).
    pub fn report(&mut self, column: &str, code: &'static str, value: String) {
        let key = self
            .header
            .position_of(column)
            .map_or(usize::MAX, |p| p + 1);
        self.push(key, column, code, value);
    }

    fn push(&mut self, key: usize, column: &str, code: &'static str, value: String) {
        self.found.push((
            key,
            RowError {
                row: self.number,
                column: column.to_owned(),
                code,
                value,
            },
        ));
    }
}

/// A [`Sheet`] for one kind of table: checks rows one by one and keeps the records only
/// while no row has a problem.
pub(crate) struct Table<K: Kind> {
    kind: K,
    header: Header,
    max_rows: usize,
    max_errors: usize,
    rows: usize,
    records: Vec<K::Record>,
    errors: Vec<RowError>,
    error_total: usize,
}

impl<K: Kind> Table<K> {
    pub fn new(kind: K, max_rows: usize, max_errors: usize) -> Self {
        Self {
            kind,
            header: Header::empty(K::COLUMNS),
            max_rows,
            max_errors,
            rows: 0,
            records: Vec::new(),
            errors: Vec::new(),
            error_total: 0,
        }
    }

    fn record(&mut self, mut found: Vec<(usize, RowError)>) {
        if self.error_total == 0 {
            // The file is refused: the records checked so far will never be used.
            self.records = Vec::new();
        }
        found.sort_by_key(|(key, _)| *key);
        for (_, error) in found {
            self.error_total += 1;
            if self.errors.len() < self.max_errors {
                self.errors.push(error);
            }
        }
    }
}

impl<K: Kind> Sheet for Table<K> {
    type Output = K::Output;

    fn header(&mut self, number: usize, cells: &[String]) -> Result<(), ImportError> {
        self.header = Header::parse(K::COLUMNS, number, cells)?;
        Ok(())
    }

    fn row(&mut self, row: Row) -> Result<(), ImportError> {
        self.rows += 1;
        if self.rows > self.max_rows {
            return Err(file_error(codes::TOO_MANY_ROWS, self.max_rows.to_string()));
        }
        let columns = K::COLUMNS;
        let mut data = DataRow {
            number: row.number,
            header: &self.header,
            cells: Vec::new(),
            flagged: Vec::new(),
            found: Vec::new(),
        };

        if let Some(fields) = row.length_mismatch {
            // Cells would be matched to the wrong columns: nothing else is worth saying.
            data.push(0, "", codes::ROW_LENGTH, fields.to_string());
            let found = data.found;
            self.record(found);
            return Ok(());
        }

        for &(position, code) in &row.problems {
            match self.header.column_at(position) {
                Some(column) => {
                    if let Some(index) = columns.index_of(column) {
                        data.flagged.resize(columns.count(), false);
                        data.flagged[index] = true;
                    }
                    let raw = row.cells.get(position).map_or("", String::as_str);
                    let value = data.shown(column, raw);
                    data.push(position + 1, column, code, value);
                }
                None => data.push(
                    position + 1,
                    "",
                    codes::CELL_WITHOUT_HEADER,
                    letter(position),
                ),
            }
        }
        for (position, cell) in row.cells.iter().enumerate() {
            let headed = self.header.by_position.get(position).copied().flatten();
            if headed.is_none()
                && !cell.trim().is_empty()
                && !row.problems.iter().any(|p| p.0 == position)
            {
                data.push(
                    position + 1,
                    "",
                    codes::CELL_WITHOUT_HEADER,
                    letter(position),
                );
            }
        }
        data.cells = row.cells;

        let record = self.kind.check(&mut data);
        let found = data.found;
        if found.is_empty() {
            if self.error_total == 0
                && let Some(record) = record
            {
                self.records.push(record);
            }
        } else {
            self.record(found);
        }
        Ok(())
    }

    fn finish(mut self) -> Result<K::Output, ImportError> {
        if self.rows == 0 {
            return Err(file_error(codes::NO_ROWS, String::new()));
        }
        if self.error_total == 0 {
            return Ok(self.kind.finish(self.records));
        }
        if self.error_total > self.errors.len() {
            self.errors.push(RowError {
                row: 0,
                column: String::new(),
                code: codes::TOO_MANY_ERRORS,
                value: self.error_total.to_string(),
            });
        }
        Err(ImportError::Rows(self.errors))
    }
}
