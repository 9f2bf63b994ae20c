//! The roster's columns and the header row that places them.

use crate::{ImportError, RowError, codes};

/// Columns a roster must have, named as in the population CSV (shared/data/talents.md) and
/// [`yingcai_domain::TalentInput`].
pub const REQUIRED_COLUMNS: &[&str] = &[
    "name",
    "resident_id",
    "degree",
    "arrival_date",
    "employed_in_city",
    "housing",
    "social_insurance_months",
];

/// Columns a roster may have.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "id",
    "birth_date",
    "honors",
    "home_purchase_date",
    "degree_institution",
    "degree_year",
    "employer_name",
    "employer_credit_code",
    "bank_account",
    "phone",
    "email",
];

/// Every known column, by index: required ones first, then optional ones.
pub(crate) fn all_columns() -> impl Iterator<Item = &'static str> {
    REQUIRED_COLUMNS.iter().chain(OPTIONAL_COLUMNS).copied()
}

pub(crate) const COLUMN_COUNT: usize = REQUIRED_COLUMNS.len() + OPTIONAL_COLUMNS.len();

/// Numbers that must never be echoed back in an error list.
pub(crate) fn is_sensitive(column: &str) -> bool {
    matches!(column, "resident_id" | "bank_account")
}

/// Where each column is in the file.
#[derive(Debug)]
pub(crate) struct Header {
    /// Per file position: the known column there, or `None` for an empty header cell.
    pub by_position: Vec<Option<&'static str>>,
}

impl Header {
    /// Reads a header row (`row` is its number as the officer sees it). Every problem is
    /// reported at once: a missing column is often a misspelt one, seen side by side.
    pub fn parse(row: usize, cells: &[String]) -> Result<Header, ImportError> {
        let mut errors = Vec::new();
        let mut by_position = Vec::with_capacity(cells.len());
        let mut seen = [false; COLUMN_COUNT];
        for cell in cells {
            // Exact names only: a near miss is reported, never guessed at.
            if cell.is_empty() {
                by_position.push(None);
                continue;
            }
            match all_columns().position(|name| name == cell) {
                Some(index) if seen[index] => {
                    errors.push(header_error(
                        row,
                        cell,
                        codes::HEADER_DUPLICATE_COLUMN,
                        cell.clone(),
                    ));
                    by_position.push(None);
                }
                Some(index) => {
                    seen[index] = true;
                    by_position.push(all_columns().nth(index));
                }
                None => {
                    // A file without a header row has data here, possibly an identity or
                    // account number: those are not echoed.
                    let value = if cell.bytes().filter(u8::is_ascii_digit).count() >= 12 {
                        String::new()
                    } else {
                        crate::check::truncate(cell)
                    };
                    errors.push(header_error(row, "", codes::HEADER_UNKNOWN_COLUMN, value));
                    by_position.push(None);
                }
            }
        }
        for (index, name) in REQUIRED_COLUMNS.iter().enumerate() {
            if !seen[index] {
                errors.push(header_error(
                    row,
                    name,
                    codes::HEADER_MISSING_COLUMN,
                    String::new(),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Header { by_position })
        } else {
            Err(ImportError::Header(errors))
        }
    }

    pub fn width(&self) -> usize {
        self.by_position.len()
    }

    pub fn position_of(&self, column: &str) -> Option<usize> {
        self.by_position.iter().position(|c| *c == Some(column))
    }
}

fn header_error(row: usize, column: &str, code: &'static str, value: String) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        code,
        value,
    }
}

/// `A`, `B`, … `Z`, `AA`, …: how a spreadsheet names the column at 0-based `position`.
pub(crate) fn letter(position: usize) -> String {
    let mut n = position + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }
}
