//! The talent roster: one row per talent, every field checked by the domain.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yingcai_domain::{ResidentId, TalentInput};

use crate::check::{DataRow, Kind};
use crate::columns::{Columns, ROSTER};
use crate::{ImportOptions, ImportedTalent, codes};

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

/// Checks roster rows, remembering what the cross-row checks need.
pub(crate) struct Roster<'o> {
    options: &'o ImportOptions,
    /// First row of each identity number (the number's 18 ASCII bytes).
    resident_ids: HashMap<[u8; 18], usize>,
    /// First row of each roster id.
    source_ids: HashMap<i64, usize>,
}

impl<'o> Roster<'o> {
    pub fn new(options: &'o ImportOptions) -> Self {
        Self {
            options,
            resident_ids: HashMap::new(),
            source_ids: HashMap::new(),
        }
    }

    /// The `id` cell: empty, or a positive integer not used by an earlier row.
    fn source_id(&mut self, row: &mut DataRow<'_>, raw: &str) -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let Some(id) = raw.parse::<i64>().ok().filter(|id| *id > 0) else {
            row.report("id", codes::ID_INVALID, crate::check::truncate(raw));
            return None;
        };
        match self.source_ids.entry(id) {
            Entry::Occupied(first) => {
                row.report(
                    "id",
                    codes::DUPLICATE_IN_FILE,
                    format!("row {}", first.get()),
                );
                None
            }
            Entry::Vacant(slot) => {
                slot.insert(row.number);
                Some(id)
            }
        }
    }
}

impl Kind for Roster<'_> {
    type Record = ImportedTalent;
    type Output = Vec<ImportedTalent>;

    const COLUMNS: &'static Columns = &ROSTER;

    fn check(&mut self, row: &mut DataRow<'_>) -> Option<ImportedTalent> {
        let mut input = TalentInput::default();
        let mut id_raw = String::new();
        for (column, cell) in row.take_all() {
            if column == "id" {
                id_raw = cell;
            } else if let Some(field) = input_field(&mut input, column) {
                *field = cell;
            }
        }

        let source_id = if row.is_flagged("id") {
            None
        } else {
            self.source_id(row, &id_raw)
        };

        let (profile, resident_key) = match input.parse(&self.options.honors, self.options.today) {
            Ok(profile) => {
                let key = profile.resident_id.expose().as_bytes().try_into().ok();
                (Some(profile), key)
            }
            Err(field_errors) => {
                for e in field_errors.iter() {
                    if row.is_flagged(e.field) {
                        continue;
                    }
                    let raw = input_field(&mut input, e.field)
                        .map_or(String::new(), |f| row.shown(e.field, f));
                    row.report(e.field, e.code, raw);
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
                    row.report(
                        "resident_id",
                        codes::DUPLICATE_IN_FILE,
                        format!("row {}", first.get()),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(row.number);
                }
            }
        }

        Some(ImportedTalent {
            row: row.number,
            source_id,
            profile: profile?,
        })
    }

    fn finish(self, records: Vec<ImportedTalent>) -> Vec<ImportedTalent> {
        records
    }
}
