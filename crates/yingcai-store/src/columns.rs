//! Dates, months and statuses read back from the text cells of rows read with
//! `sqlx::FromRow`. A value that does not parse is an error naming its table, row and
//! column, never a default: a stored month that read as year 0 would be paid, compared and
//! shown as if it were real.

use crate::StoreError;

fn corrupt(table: &'static str, id: i64, column: &'static str) -> StoreError {
    StoreError::Corrupt {
        table,
        row: id,
        column,
    }
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
