//! The talent-apartment inventory: one row per apartment unit, grouped on the way out into
//! complexes and their unit types.
//!
//! A complex and a unit type are repeated on every row of their units, as a spreadsheet
//! holds them; the rows must then agree, or one of them is a typing mistake that would
//! otherwise decide silently which address or rent is stored.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yingcai_domain::DisplayName;

use crate::check::{DataRow, Kind};
use crate::columns::{Columns, INVENTORY};
use crate::{ImportOptions, codes};

/// What an inventory import needs to know besides the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryOptions {
    /// The configured district codes (a cell in `district` must be one of them).
    pub districts: Vec<String>,
    /// More data rows than this reject the file before the rest is read.
    pub max_rows: usize,
    /// The error list stops after this many entries (plus one `too-many-errors` entry).
    pub max_errors: usize,
}

impl InventoryOptions {
    /// Options with the default row and error limits (those of [`ImportOptions`]).
    pub fn new(districts: Vec<String>) -> Self {
        Self {
            districts,
            max_rows: ImportOptions::DEFAULT_MAX_ROWS,
            max_errors: ImportOptions::DEFAULT_MAX_ERRORS,
        }
    }
}

/// A checked inventory: every complex in the order it first appears in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub complexes: Vec<InventoryComplex>,
}

/// A complex (小区 / 公寓楼) and its apartments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryComplex {
    /// The first row of the complex, as the officer sees it (header = 1).
    pub row: usize,
    /// `complex_code`: 1–20 of `A-Z`, `a-z`, `0-9`, `-`, as written (case is kept).
    pub code: String,
    /// `complex_name`.
    pub name: String,
    /// `district`: one of [`InventoryOptions::districts`].
    pub district: String,
    pub address: String,
    /// `operator`: who runs the complex.
    pub operator: String,
    /// In the order each first appears among the complex's rows.
    pub unit_types: Vec<InventoryUnitType>,
}

/// A unit type (户型) of one complex: its units share area, bedrooms and rent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryUnitType {
    /// The first row of this unit type.
    pub row: usize,
    /// `unit_type`, unique within the complex.
    pub name: String,
    /// `area_m2` in hundredths of a square metre (`85.5` → `8550`).
    pub area_centi_m2: i64,
    pub bedrooms: u8,
    /// `rent_yuan` per month in fen (`1500.5` → `150050`).
    pub rent_fen: i64,
    /// In file order.
    pub units: Vec<InventoryUnit>,
}

/// One apartment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryUnit {
    /// The unit's row.
    pub row: usize,
    /// `unit_number`, unique within the complex.
    pub number: String,
    /// `status` is `maintenance`: not to be allocated for now.
    pub maintenance: bool,
}

/// Largest `area_m2`, in hundredths: 1000 m².
const MAX_AREA_CENTI_M2: i64 = 100_000;
/// Largest `rent_yuan`, in fen: ¥1,000,000.
const MAX_RENT_FEN: i64 = 100_000_000;
const MAX_BEDROOMS: u8 = 10;
const MAX_CODE_CHARS: usize = 20;
const MAX_UNIT_NUMBER_CHARS: usize = 20;
/// The cross-row checks' "value": the row the later one disagrees with.
fn earlier(row: usize) -> String {
    format!("row {row}")
}

/// One checked row, before grouping.
#[derive(Debug)]
pub(crate) struct UnitRow {
    row: usize,
    code: String,
    name: String,
    district: String,
    address: String,
    operator: String,
    unit_type: String,
    area_centi_m2: i64,
    bedrooms: u8,
    rent_fen: i64,
    number: String,
    maintenance: bool,
}

/// The first valid value of one column within a group (a complex, a unit type), and its
/// row. Only valid values count: a bad cell is reported once, as itself, not again as a
/// disagreement in every later row.
type First<T> = Option<(T, usize)>;

/// `Some(first row)` when `value` disagrees with the group's first value.
fn disagrees<T: PartialEq + Clone>(first: &mut First<T>, value: &T, row: usize) -> Option<usize> {
    match first {
        Some((seen, seen_row)) => (seen != value).then_some(*seen_row),
        None => {
            *first = Some((value.clone(), row));
            None
        }
    }
}

#[derive(Default)]
struct ComplexSeen {
    name: First<String>,
    district: First<String>,
    address: First<String>,
    operator: First<String>,
}

#[derive(Default)]
struct UnitTypeSeen {
    area: First<i64>,
    bedrooms: First<u8>,
    rent: First<i64>,
}

/// Checks inventory rows, remembering what the cross-row checks need.
pub(crate) struct InventoryCheck<'o> {
    options: &'o InventoryOptions,
    complexes: HashMap<String, ComplexSeen>,
    /// By (complex code, unit type).
    unit_types: HashMap<(String, String), UnitTypeSeen>,
    /// First row of each (complex code, unit number).
    units: HashMap<(String, String), usize>,
}

impl<'o> InventoryCheck<'o> {
    pub fn new(options: &'o InventoryOptions) -> Self {
        Self {
            options,
            complexes: HashMap::new(),
            unit_types: HashMap::new(),
            units: HashMap::new(),
        }
    }
}

/// The cell of `column`, parsed; `None` (reported, unless the reader already did) if bad.
fn cell<T>(
    row: &mut DataRow<'_>,
    column: &'static str,
    parse: impl FnOnce(&str) -> Result<T, &'static str>,
) -> Option<T> {
    let raw = row.take(column);
    if row.is_flagged(column) {
        return None;
    }
    match parse(&raw) {
        Ok(value) => Some(value),
        Err(code) => {
            let shown = row.shown(column, &raw);
            row.report(column, code, shown);
            None
        }
    }
}

impl Kind for InventoryCheck<'_> {
    type Record = UnitRow;
    type Output = Inventory;

    const COLUMNS: &'static Columns = &INVENTORY;

    fn check(&mut self, row: &mut DataRow<'_>) -> Option<UnitRow> {
        let number = row.number;
        let code = cell(row, "complex_code", complex_code);
        let name = cell(row, "complex_name", text("complex_name"));
        let district = cell(row, "district", |raw| {
            let raw = raw.trim();
            match self.options.districts.iter().find(|d| *d == raw) {
                Some(district) => Ok(district.clone()),
                None => Err(codes::DISTRICT_INVALID),
            }
        });
        let address = cell(row, "address", text("address"));
        let operator = cell(row, "operator", text("operator"));
        let unit_type = cell(row, "unit_type", text("unit_type"));
        let area = cell(row, "area_m2", area_centi_m2);
        let bedrooms = cell(row, "bedrooms", bedroom_count);
        let rent = cell(row, "rent_yuan", rent_fen);
        let unit_number = cell(row, "unit_number", unit_number);
        let maintenance = cell(row, "status", maintenance);

        if let Some(code) = &code {
            let seen = self.complexes.entry(code.clone()).or_default();
            for (column, first, value) in [
                ("complex_name", &mut seen.name, &name),
                ("district", &mut seen.district, &district),
                ("address", &mut seen.address, &address),
                ("operator", &mut seen.operator, &operator),
            ] {
                if let Some(value) = value
                    && let Some(first_row) = disagrees(first, value, number)
                {
                    row.report(column, codes::COMPLEX_INCONSISTENT, earlier(first_row));
                }
            }

            if let Some(unit_type) = &unit_type {
                let seen = self
                    .unit_types
                    .entry((code.clone(), unit_type.clone()))
                    .or_default();
                let inconsistent = [
                    (
                        "area_m2",
                        area.and_then(|v| disagrees(&mut seen.area, &v, number)),
                    ),
                    (
                        "bedrooms",
                        bedrooms.and_then(|v| disagrees(&mut seen.bedrooms, &v, number)),
                    ),
                    (
                        "rent_yuan",
                        rent.and_then(|v| disagrees(&mut seen.rent, &v, number)),
                    ),
                ];
                for (column, first_row) in inconsistent {
                    if let Some(first_row) = first_row {
                        row.report(column, codes::UNIT_TYPE_INCONSISTENT, earlier(first_row));
                    }
                }
            }

            if let Some(unit_number) = &unit_number {
                match self.units.entry((code.clone(), unit_number.clone())) {
                    Entry::Occupied(first) => {
                        row.report(
                            "unit_number",
                            codes::DUPLICATE_IN_FILE,
                            earlier(*first.get()),
                        );
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(number);
                    }
                }
            }
        }

        Some(UnitRow {
            row: number,
            code: code?,
            name: name?,
            district: district?,
            address: address?,
            operator: operator?,
            unit_type: unit_type?,
            area_centi_m2: area?,
            bedrooms: bedrooms?,
            rent_fen: rent?,
            number: unit_number?,
            maintenance: maintenance?,
        })
    }

    fn finish(self, records: Vec<UnitRow>) -> Inventory {
        let mut complexes: Vec<InventoryComplex> = Vec::new();
        let mut complex_at: HashMap<String, usize> = HashMap::new();
        // (complex index, unit type) → index in that complex's `unit_types`.
        let mut unit_type_at: HashMap<(usize, String), usize> = HashMap::new();
        for record in records {
            // Every row agreed with the first of its complex and unit type, so the first
            // row's values stand for all.
            let c = match complex_at.entry(record.code) {
                Entry::Occupied(at) => *at.get(),
                Entry::Vacant(slot) => {
                    complexes.push(InventoryComplex {
                        row: record.row,
                        code: slot.key().clone(),
                        name: record.name,
                        district: record.district,
                        address: record.address,
                        operator: record.operator,
                        unit_types: Vec::new(),
                    });
                    *slot.insert(complexes.len() - 1)
                }
            };
            let unit_types = &mut complexes[c].unit_types;
            let t = match unit_type_at.entry((c, record.unit_type)) {
                Entry::Occupied(at) => *at.get(),
                Entry::Vacant(slot) => {
                    unit_types.push(InventoryUnitType {
                        row: record.row,
                        name: slot.key().1.clone(),
                        area_centi_m2: record.area_centi_m2,
                        bedrooms: record.bedrooms,
                        rent_fen: record.rent_fen,
                        units: Vec::new(),
                    });
                    *slot.insert(unit_types.len() - 1)
                }
            };
            unit_types[t].units.push(InventoryUnit {
                row: record.row,
                number: record.number,
                maintenance: record.maintenance,
            });
        }
        Inventory { complexes }
    }
}

/// `complex_code`: the key that ties a complex's rows together (and that ballots name), so
/// kept to characters that cannot look alike or hide (no spaces, no full-width forms).
/// Empty is refused with the same code, as the complex form does.
pub fn complex_code(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim();
    if value.is_empty()
        || value.len() > MAX_CODE_CHARS
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(codes::COMPLEX_CODE_INVALID);
    }
    Ok(value.to_owned())
}

/// A name, an address, an operator, a unit type: the domain's display-name rule
/// (`required`, `too-long` over 100 characters, `text-invalid` for a control character
/// such as a line break typed into a spreadsheet cell).
pub fn text(column: &'static str) -> impl Fn(&str) -> Result<String, &'static str> {
    move |raw| {
        DisplayName::parse(column, raw)
            .map(|name| name.as_str().to_owned())
            .map_err(|e| e.code)
    }
}

/// `area_m2` → hundredths of a square metre, `0 < area ≤ 1000`.
pub fn area_centi_m2(raw: &str) -> Result<i64, &'static str> {
    yingcai_domain::parse_hundredths(raw.trim())
        .filter(|area| (1..=MAX_AREA_CENTI_M2).contains(area))
        .ok_or(codes::AREA_INVALID)
}

/// `rent_yuan` → fen, `0 ≤ rent ≤ 1,000,000`.
pub fn rent_fen(raw: &str) -> Result<i64, &'static str> {
    yingcai_domain::parse_hundredths(raw.trim())
        .filter(|rent| *rent <= MAX_RENT_FEN)
        .ok_or(codes::RENT_INVALID)
}

/// `bedrooms`: a whole number 0–10 (`2`, as an XLSX number cell arrives too).
pub fn bedroom_count(raw: &str) -> Result<u8, &'static str> {
    let value = raw.trim();
    // All digits first: `str::parse` would take a leading `+`.
    if value.is_empty() || value.len() > 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(codes::BEDROOMS_INVALID);
    }
    match value.parse::<u8>() {
        Ok(n) if n <= MAX_BEDROOMS => Ok(n),
        _ => Err(codes::BEDROOMS_INVALID),
    }
}

/// `unit_number`: free text (`3-1201`, `A座1201`), but one line and short: it is printed on
/// lease documents and matched across uploads.
pub fn unit_number(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim();
    if value.is_empty()
        || value.chars().count() > MAX_UNIT_NUMBER_CHARS
        || value.chars().any(char::is_control)
    {
        return Err(codes::UNIT_NUMBER_INVALID);
    }
    Ok(value.to_owned())
}

/// `status`: `free` (or empty) or `maintenance`. Only a free unit is ever offered; the
/// other states (`offered`, `let`) come from allocation, never from a file.
fn maintenance(raw: &str) -> Result<bool, &'static str> {
    match raw.trim() {
        "" | "free" => Ok(false),
        "maintenance" => Ok(true),
        _ => Err(codes::STATUS_INVALID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(area_centi_m2("0"), Err(codes::AREA_INVALID));
        assert_eq!(area_centi_m2("0.01"), Ok(1));
        assert_eq!(area_centi_m2("1000"), Ok(100_000));
        assert_eq!(area_centi_m2("1000.01"), Err(codes::AREA_INVALID));
        assert_eq!(area_centi_m2(" "), Err(codes::AREA_INVALID));
        assert_eq!(rent_fen("0"), Ok(0));
        assert_eq!(rent_fen(" 1000000.00 "), Ok(MAX_RENT_FEN));
        assert_eq!(rent_fen("1000000.01"), Err(codes::RENT_INVALID));
        assert_eq!(rent_fen(""), Err(codes::RENT_INVALID));
        assert_eq!(bedroom_count("0"), Ok(0));
        assert_eq!(bedroom_count("10"), Ok(10));
        for bad in ["", "11", "+2", "2.0", "-1", "255", "256", "二"] {
            assert_eq!(bedroom_count(bad), Err(codes::BEDROOMS_INVALID), "{bad:?}");
        }
    }

    #[test]
    fn codes_unit_numbers_and_status() {
        assert_eq!(complex_code(" TA-001 "), Ok("TA-001".to_owned()));
        assert_eq!(complex_code(&"A".repeat(20)).map(|c| c.len()), Ok(20));
        for bad in [
            "A".repeat(21),
            String::new(),
            "TA 001".into(),
            "TA_001".into(),
            "公寓1".into(),
        ] {
            assert_eq!(
                complex_code(&bad),
                Err(codes::COMPLEX_CODE_INVALID),
                "{bad:?}"
            );
        }
        assert_eq!(unit_number("A座1201"), Ok("A座1201".to_owned()));
        assert_eq!(unit_number(&"号".repeat(20)), Ok("号".repeat(20)));
        for bad in [
            "号".repeat(21),
            "12\u{0}01".into(),
            "12\n01".into(),
            " ".into(),
        ] {
            assert_eq!(
                unit_number(&bad),
                Err(codes::UNIT_NUMBER_INVALID),
                "{bad:?}"
            );
        }
        assert_eq!(maintenance(""), Ok(false));
        assert_eq!(maintenance("free"), Ok(false));
        assert_eq!(maintenance("maintenance"), Ok(true));
        assert_eq!(maintenance("Maintenance"), Err(codes::STATUS_INVALID));
        assert_eq!(maintenance("let"), Err(codes::STATUS_INVALID));
    }
}
