//! The columns of each kind of table, and the header row that places them in a file.

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

/// Columns a talent-apartment inventory must have (one row per apartment unit).
pub const INVENTORY_REQUIRED_COLUMNS: &[&str] = &[
    "complex_code",
    "complex_name",
    "district",
    "address",
    "operator",
    "unit_type",
    "area_m2",
    "bedrooms",
    "rent_yuan",
    "unit_number",
];

/// Columns a talent-apartment inventory may have.
pub const INVENTORY_OPTIONAL_COLUMNS: &[&str] = &["status"];

/// The columns of one kind of table.
#[derive(Debug)]
pub(crate) struct Columns {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// Columns whose cells must never be echoed in an error list: it is shown on a page
    /// and downloaded.
    pub sensitive: &'static [&'static str],
}

pub(crate) const ROSTER: Columns = Columns {
    required: REQUIRED_COLUMNS,
    optional: OPTIONAL_COLUMNS,
    sensitive: &["resident_id", "bank_account"],
};

pub(crate) const INVENTORY: Columns = Columns {
    required: INVENTORY_REQUIRED_COLUMNS,
    optional: INVENTORY_OPTIONAL_COLUMNS,
    sensitive: &[],
};

impl Columns {
    /// Every known column, by index: required ones first, then optional ones.
    pub fn all(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.required.iter().chain(self.optional).copied()
    }

    pub fn count(&self) -> usize {
        self.required.len() + self.optional.len()
    }

    pub fn index_of(&self, column: &str) -> Option<usize> {
        self.all().position(|name| name == column)
    }

    pub fn is_sensitive(&self, column: &str) -> bool {
        self.sensitive.contains(&column)
    }
}

/// Where each column is in the file.
#[derive(Debug)]
pub(crate) struct Header {
    pub columns: &'static Columns,
    /// Per file position: the index (in [`Columns::all`]) of the known column there, or
    /// `None` for an empty header cell.
    pub by_position: Vec<Option<usize>>,
    /// The other way round: per column index, its file position, if the file has it.
    position_by_index: Vec<Option<usize>>,
}

impl Header {
    /// A header with no cells, until the file's own is read: every cell is then outside it.
    pub fn empty(columns: &'static Columns) -> Header {
        Header {
            columns,
            by_position: Vec::new(),
            position_by_index: vec![None; columns.count()],
        }
    }

    /// Reads a header row (`row` is its number as the officer sees it). Every problem is
    /// reported at once: a missing column is often a misspelt one, seen side by side.
    pub fn parse(
        columns: &'static Columns,
        row: usize,
        cells: &[String],
    ) -> Result<Header, ImportError> {
        let mut errors = Vec::new();
        let mut by_position = Vec::with_capacity(cells.len());
        let mut seen = vec![false; columns.count()];
        for cell in cells {
            // Exact names only: a near miss is reported, never guessed at.
            if cell.is_empty() {
                by_position.push(None);
                continue;
            }
            match columns.index_of(cell) {
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
                    by_position.push(Some(index));
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
        for (index, name) in columns.required.iter().enumerate() {
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
            let mut position_by_index = vec![None; columns.count()];
            for (position, index) in by_position.iter().enumerate() {
                if let Some(index) = *index {
                    position_by_index[index] = Some(position);
                }
            }
            Ok(Header {
                columns,
                by_position,
                position_by_index,
            })
        } else {
            Err(ImportError::Header(errors))
        }
    }

    /// The name of the column at file position `position`, if a known one.
    pub fn column_at(&self, position: usize) -> Option<&'static str> {
        let index = self.by_position.get(position).copied().flatten()?;
        self.columns.all().nth(index)
    }

    pub fn position_of(&self, column: &str) -> Option<usize> {
        self.position_at(self.columns.index_of(column)?)
    }

    /// The file position of the column of index `index`.
    pub fn position_at(&self, index: usize) -> Option<usize> {
        self.position_by_index.get(index).copied().flatten()
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

    #[test]
    fn the_column_lists_have_no_name_twice() {
        for columns in [&ROSTER, &INVENTORY] {
            let mut names: Vec<&str> = columns.all().collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), columns.count());
            assert!(columns.sensitive.iter().all(|c| names.contains(c)));
        }
    }
}
