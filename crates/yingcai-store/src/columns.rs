//! Dates and months read back from text columns. A value that does not parse is an error
//! naming its table, row and column, never a default: a stored month that read as year 0
//! would be paid, compared and shown as if it were real.

use sqlx::Row as _;
use sqlx::any::AnyRow;
use yingcai_domain::{Date, Month};

use crate::StoreError;

fn text(row: &AnyRow, column: &'static str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

fn corrupt(table: &'static str, id: i64, column: &'static str) -> StoreError {
    StoreError::Corrupt {
        table,
        row: id,
        column,
    }
}

/// A `YYYY-MM-DD` column of row `id` of `table`.
pub(crate) fn date(
    row: &AnyRow,
    table: &'static str,
    id: i64,
    column: &'static str,
) -> Result<Date, StoreError> {
    optional_date(row, table, id, column)?.ok_or_else(|| corrupt(table, id, column))
}

/// A nullable `YYYY-MM-DD` column of row `id` of `table`.
pub(crate) fn optional_date(
    row: &AnyRow,
    table: &'static str,
    id: i64,
    column: &'static str,
) -> Result<Option<Date>, StoreError> {
    text(row, column)?
        .map(|t| t.parse().map_err(|_| corrupt(table, id, column)))
        .transpose()
}

/// A `YYYY-MM` column of row `id` of `table`.
pub(crate) fn month(
    row: &AnyRow,
    table: &'static str,
    id: i64,
    column: &'static str,
) -> Result<Month, StoreError> {
    text(row, column)?
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| corrupt(table, id, column))
}

/// A text column of row `id` of `table` read as `T` (a status, a kind): a value that is
/// none of `T`'s is an error naming where it is.
pub(crate) fn parsed<T: std::str::FromStr>(
    row: &AnyRow,
    table: &'static str,
    id: i64,
    column: &'static str,
) -> Result<T, StoreError> {
    text(row, column)?
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| corrupt(table, id, column))
}

/// Row `id` of `table`, for checking the text cells of a row read with `sqlx::FromRow`:
/// each value that does not parse is an error naming table, row and column.
pub(crate) struct Stored {
    pub table: &'static str,
    pub id: i64,
}

impl Stored {
    pub(crate) fn new(table: &'static str, id: i64) -> Stored {
        Stored { table, id }
    }

    /// The text of `column` as `T` (a status, a date, a month).
    pub(crate) fn parse<T: std::str::FromStr>(
        &self,
        column: &'static str,
        text: &str,
    ) -> Result<T, StoreError> {
        text.parse()
            .map_err(|_| corrupt(self.table, self.id, column))
    }

    /// The error naming `column` of this row.
    pub(crate) fn corrupt(&self, column: &'static str) -> StoreError {
        corrupt(self.table, self.id, column)
    }

    /// A nullable text column as `Option<T>`.
    pub(crate) fn parse_optional<T: std::str::FromStr>(
        &self,
        column: &'static str,
        text: Option<&str>,
    ) -> Result<Option<T>, StoreError> {
        text.map(|t| self.parse(column, t)).transpose()
    }
}
