//! Checks data rows, whatever file they came from, and gathers every problem.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yingcai_domain::{ResidentId, TalentInput};

use crate::columns::{Header, is_sensitive, letter};
use crate::{ImportError, ImportOptions, ImportedTalent, RowError, codes, file_error};

/// Longest `RowError::value`, in characters: enough to recognise a cell, not to flood a page.
const MAX_VALUE_CHARS: usize = 100;

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
    /// A row with nothing in it is not a talent; spreadsheets leave such rows behind.
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

/// What an error may show of a cell.
fn shown(column: &str, raw: &str) -> String {
    if is_sensitive(column) {
        String::new()
    } else {
        truncate(raw)
    }
}

/// The [`TalentInput`] field that a column fills; `None` for `id`, which is the roster's own.
fn input_field<'a>(input: &'a mut TalentInput, column: &str) -> Option<&'a mut String> {
    Some(match column {
        "name" => &mut input.name,
        "resident_id" => &mut input.resident_id,
        "birth_date" => &mut input.birth_date,
        "degree" => &mut input.degree,
        "degree_institution" => &mut input.degree_institution,
        "degree_year" => &mut input.degree_year,
        "honors" => &mut input.honors,
        "employer_name" => &mut input.employer_name,
        "employer_credit_code" => &mut input.employer_credit_code,
        "arrival_date" => &mut input.arrival_date,
        "employed_in_city" => &mut input.employed_in_city,
        "housing" => &mut input.housing,
        "home_purchase_date" => &mut input.home_purchase_date,
        "social_insurance_months" => &mut input.social_insurance_months,
        "bank_account" => &mut input.bank_account,
        "phone" => &mut input.phone,
        "email" => &mut input.email,
        _ => return None,
    })
}

/// Checks rows one by one, remembering what the cross-row checks need.
pub(crate) struct Checker<'o> {
    options: &'o ImportOptions,
    header: Header,
    id_position: Option<usize>,
    resident_id_position: Option<usize>,
    rows: usize,
    imported: Vec<ImportedTalent>,
    errors: Vec<RowError>,
    error_total: usize,
    /// First row of each identity number (the number's 18 ASCII bytes).
    resident_ids: HashMap<[u8; 18], usize>,
    /// First row of each roster id.
    source_ids: HashMap<i64, usize>,
}

impl<'o> Checker<'o> {
    pub fn new(header: Header, options: &'o ImportOptions) -> Self {
        Self {
            options,
            id_position: header.position_of("id"),
            resident_id_position: header.position_of("resident_id"),
            header,
            rows: 0,
            imported: Vec::new(),
            errors: Vec::new(),
            error_total: 0,
            resident_ids: HashMap::new(),
            source_ids: HashMap::new(),
        }
    }

    pub fn header_width(&self) -> usize {
        self.header.width()
    }

    /// Checks one non-blank data row. `Err` only when the file has too many rows: the
    /// rest is then not read at all.
    pub fn row(&mut self, row: Row) -> Result<(), ImportError> {
        self.rows += 1;
        if self.rows > self.options.max_rows {
            return Err(file_error(
                codes::TOO_MANY_ROWS,
                self.options.max_rows.to_string(),
            ));
        }
        let number = row.number;
        // Sort key: 0 for the row as a whole, then file position + 1, so the list reads
        // left to right like the sheet.
        let mut found: Vec<(usize, RowError)> = Vec::new();
        let error = |column: &str, code, value| RowError {
            row: number,
            column: column.to_owned(),
            code,
            value,
        };

        if let Some(fields) = row.length_mismatch {
            // Cells would be matched to the wrong columns: nothing else is worth saying.
            self.record(vec![(0, error("", codes::ROW_LENGTH, fields.to_string()))]);
            return Ok(());
        }

        // Columns whose cell already has a reader problem: the field check would only add
        // a confusing second error for the same cell.
        let mut flagged = vec![false; self.header.width()];
        for &(position, code) in &row.problems {
            match self.header.by_position.get(position).copied().flatten() {
                Some(column) => {
                    flagged[position] = true;
                    let raw = row.cells.get(position).map_or("", String::as_str);
                    found.push((position + 1, error(column, code, shown(column, raw))));
                }
                None => found.push((
                    position + 1,
                    error("", codes::CELL_WITHOUT_HEADER, letter(position)),
                )),
            }
        }
        let mut input = TalentInput::default();
        let mut id_raw = String::new();
        for (position, cell) in row.cells.into_iter().enumerate() {
            match self.header.by_position.get(position).copied().flatten() {
                Some("id") => id_raw = cell,
                Some(column) => {
                    if let Some(field) = input_field(&mut input, column) {
                        *field = cell;
                    }
                }
                None if !cell.trim().is_empty()
                    && !row.problems.iter().any(|p| p.0 == position) =>
                {
                    found.push((
                        position + 1,
                        error("", codes::CELL_WITHOUT_HEADER, letter(position)),
                    ));
                }
                None => {}
            }
        }

        let id_flagged = self.id_position.is_some_and(|p| flagged[p]);
        let source_id = if id_flagged {
            None
        } else {
            self.source_id(number, &id_raw, &mut found)
        };

        let (profile, resident_key) = match input.parse(&self.options.honors, self.options.today) {
            Ok(profile) => {
                let key = profile.resident_id.expose().as_bytes().try_into().ok();
                (Some(profile), key)
            }
            Err(field_errors) => {
                for e in field_errors.iter() {
                    let position = self.header.position_of(e.field);
                    if position.is_some_and(|p| flagged[p]) {
                        continue;
                    }
                    let raw = input_field(&mut input, e.field)
                        .map_or(String::new(), |f| shown(e.field, f));
                    let key = position.map_or(usize::MAX, |p| p + 1);
                    found.push((key, error(e.field, e.code, raw)));
                }
                // The number may be fine while other cells are not; a duplicate is still
                // worth reporting now rather than after the officer's next upload.
                let key = ResidentId::parse(&input.resident_id)
                    .ok()
                    .and_then(|id| id.expose().as_bytes().try_into().ok());
                (None, key)
            }
        };
        if let Some(key) = resident_key {
            match self.resident_ids.entry(key) {
                Entry::Occupied(first) => {
                    let position = self.resident_id_position.map_or(usize::MAX, |p| p + 1);
                    found.push((
                        position,
                        error(
                            "resident_id",
                            codes::DUPLICATE_IN_FILE,
                            format!("row {}", first.get()),
                        ),
                    ));
                }
                Entry::Vacant(slot) => {
                    slot.insert(number);
                }
            }
        }

        if found.is_empty() {
            if self.error_total == 0
                && let Some(profile) = profile
            {
                self.imported.push(ImportedTalent {
                    row: number,
                    source_id,
                    profile,
                });
            }
        } else {
            self.record(found);
        }
        Ok(())
    }

    /// The `id` cell: empty, or a positive integer not used by an earlier row.
    fn source_id(
        &mut self,
        number: usize,
        raw: &str,
        found: &mut Vec<(usize, RowError)>,
    ) -> Option<i64> {
        let position = self.id_position?;
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let error = |code, value| {
            (
                position + 1,
                RowError {
                    row: number,
                    column: "id".to_owned(),
                    code,
                    value,
                },
            )
        };
        let Some(id) = raw.parse::<i64>().ok().filter(|id| *id > 0) else {
            found.push(error(codes::ID_INVALID, truncate(raw)));
            return None;
        };
        match self.source_ids.entry(id) {
            Entry::Occupied(first) => {
                found.push(error(
                    codes::DUPLICATE_IN_FILE,
                    format!("row {}", first.get()),
                ));
                None
            }
            Entry::Vacant(slot) => {
                slot.insert(number);
                Some(id)
            }
        }
    }

    fn record(&mut self, mut found: Vec<(usize, RowError)>) {
        if self.error_total == 0 {
            // The file is refused: the records checked so far will never be used.
            self.imported = Vec::new();
        }
        found.sort_by_key(|(key, _)| *key);
        for (_, error) in found {
            self.error_total += 1;
            if self.errors.len() < self.options.max_errors {
                self.errors.push(error);
            }
        }
    }

    pub fn finish(mut self) -> Result<Vec<ImportedTalent>, ImportError> {
        if self.rows == 0 {
            return Err(file_error(codes::NO_ROWS, String::new()));
        }
        if self.error_total == 0 {
            return Ok(self.imported);
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
