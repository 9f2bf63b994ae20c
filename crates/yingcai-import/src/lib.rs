//! Imports for yingcai: the bytes of an XLSX or CSV table in, checked records (or a
//! complete list of what is wrong with the file) out. Two tables are read: the talent
//! roster ([`parse_roster`]) and the talent-apartment inventory ([`parse_inventory`]).
//!
//! An import is all-or-nothing: one bad cell rejects the whole file, and the officer gets
//! every problem of every row at once, so a file is fixed in one pass rather than one
//! error per upload. This crate only reads and checks; it does no I/O (the caller hands it
//! the uploaded bytes and writes the records afterwards), so it is tested fast and alone.
//!
//! Every roster field is checked by [`yingcai_domain::TalentInput::parse`], the same check
//! a form or an API call goes through; this crate adds only what is about a *file*: the
//! header, the cell types of a spreadsheet, row numbers, and uniqueness across rows.
//!
//! ```
//! use yingcai_import::{parse_roster, ImportError, ImportOptions};
//!
//! let options = ImportOptions::new(vec!["academician".into()], jiff::civil::date(2026, 11, 29));
//! let csv = "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months\n\
//!            李伟,11010519491231002X,phd,2023-09-08,true,rent,50\n";
//! let talents = parse_roster(csv.as_bytes(), &options).unwrap();
//! assert_eq!(talents[0].row, 2);
//! assert_eq!(talents[0].profile.name, "李伟");
//!
//! let bad = "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months\n\
//!            李伟,11010519491231002X,doctor,2023-09-08,true,rent,50\n";
//! let Err(ImportError::Rows(errors)) = parse_roster(bad.as_bytes(), &options) else { panic!() };
//! assert_eq!((errors[0].row, errors[0].column.as_str(), errors[0].code), (2, "degree", "degree-invalid"));
//! ```
//!
//! An inventory has one row per apartment unit; rows of the same complex and unit type
//! must agree, and come out grouped. Money and areas are integers (fen, hundredths of a
//! square metre), read from the cell's text, never through a float:
//!
//! ```
//! use yingcai_import::{parse_inventory, ImportError, InventoryOptions};
//!
//! let options = InventoryOptions::new(vec!["130102".into(), "130104".into()]);
//! let csv = "complex_code,complex_name,district,address,operator,unit_type,area_m2,bedrooms,rent_yuan,unit_number,status\n\
//!            TA-01,英才公寓,130102,长安区建设北大街1号,城投公司,一室一厅,45.5,1,1500,1-101,\n\
//!            TA-01,英才公寓,130102,长安区建设北大街1号,城投公司,一室一厅,45.5,1,1500,1-102,maintenance\n";
//! let inventory = parse_inventory(csv.as_bytes(), &options).unwrap();
//! let unit_type = &inventory.complexes[0].unit_types[0];
//! assert_eq!((unit_type.area_centi_m2, unit_type.rent_fen), (4550, 150_000));
//! assert_eq!(unit_type.units.len(), 2);
//! assert!(unit_type.units[1].maintenance);
//!
//! let bad = csv.replace("1-102", "1-101");
//! let Err(ImportError::Rows(errors)) = parse_inventory(bad.as_bytes(), &options) else { panic!() };
//! assert_eq!((errors[0].row, errors[0].column.as_str(), errors[0].code), (3, "unit_number", "duplicate-in-file"));
//! assert_eq!(errors[0].value, "row 2");
//! ```
//!
//! Row numbers are the ones the officer sees: the header is row 1, the first data row is
//! row 2 (for a CSV, the line on which the record starts; for an XLSX, the sheet's row).

mod check;
mod columns;
mod csv_source;
mod inventory;
mod report;
mod roster;
mod xlsx_source;

use serde::Serialize;
use yingcai_domain::TalentProfile;

use check::{Sheet, Table};
pub use columns::{
    INVENTORY_OPTIONAL_COLUMNS, INVENTORY_REQUIRED_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS,
};
pub use inventory::{
    Inventory, InventoryComplex, InventoryOptions, InventoryUnit, InventoryUnitType,
};
pub use report::errors_to_csv;

/// The inventory's cell checks, for forms that take the same values one at a time: a
/// complex or unit type typed into a page is held to exactly what an imported row is.
pub mod inventory_fields {
    pub use crate::inventory::{
        area_centi_m2, bedroom_count, complex_code, rent_fen, text, unit_number,
    };
}

/// The codes this crate adds to the domain's field codes (`resident-id-check`,
/// `date-invalid`, …). Front ends translate them like any other code.
///
/// An inventory also uses the domain's text codes: `required` for an empty required cell,
/// and, for names, addresses, operators and unit types, `too-long` (over 100 characters)
/// and `text-invalid` (a control character).
pub mod codes {
    /// The bytes are not a readable XLSX (a damaged ZIP, an old binary `.xls`, …).
    pub const FILE_UNREADABLE: &str = "file-unreadable";
    /// A CSV that is not UTF-8 (typically GB18030 from Excel's default "CSV" save).
    pub const ENCODING_NOT_UTF8: &str = "encoding-not-utf8";
    /// A required column is not in the header.
    pub const HEADER_MISSING_COLUMN: &str = "header-missing-column";
    /// A header cell names no known column.
    pub const HEADER_UNKNOWN_COLUMN: &str = "header-unknown-column";
    /// A column is named twice in the header.
    pub const HEADER_DUPLICATE_COLUMN: &str = "header-duplicate-column";
    /// No header, or a header and no data row.
    pub const NO_ROWS: &str = "no-rows";
    /// More data rows than [`ImportOptions::max_rows`](crate::ImportOptions::max_rows).
    pub const TOO_MANY_ROWS: &str = "too-many-rows";
    /// More problems than [`ImportOptions::max_errors`](crate::ImportOptions::max_errors);
    /// the list stops there and this last entry carries the total in `value`.
    pub const TOO_MANY_ERRORS: &str = "too-many-errors";
    /// A CSV row with a different number of fields than the header.
    pub const ROW_LENGTH: &str = "row-length";
    /// A non-empty cell in a column whose header cell is empty (or beyond the header).
    pub const CELL_WITHOUT_HEADER: &str = "cell-without-header";
    /// A spreadsheet error value (`#N/A`, `#REF!`, …) in a cell.
    pub const CELL_ERROR: &str = "cell-error";
    /// A number too large for a spreadsheet to hold exactly (an identity or account number
    /// typed as a number): its last digits are already lost, so it must be stored as text.
    pub const NUMBER_IMPRECISE: &str = "number-imprecise";
    /// The `id` column holds something other than a positive integer.
    pub const ID_INVALID: &str = "id-invalid";
    /// A `resident_id` or `id` already used by an earlier row, or an inventory's
    /// (`complex_code`, `unit_number`) already listed by one (the row is named in `value`).
    pub const DUPLICATE_IN_FILE: &str = "duplicate-in-file";
    /// An inventory `complex_code` that is not 1–20 of `A-Z`, `a-z`, `0-9` and `-`.
    pub const COMPLEX_CODE_INVALID: &str = "complex-code-invalid";
    /// An inventory `district` that is not one of
    /// [`InventoryOptions::districts`](crate::InventoryOptions::districts).
    pub const DISTRICT_INVALID: &str = "district-invalid";
    /// An inventory `area_m2` that is not a decimal above 0 and at most 1000, with at most
    /// two decimals.
    pub const AREA_INVALID: &str = "area-invalid";
    /// An inventory `bedrooms` that is not a whole number from 0 to 10.
    pub const BEDROOMS_INVALID: &str = "bedrooms-invalid";
    /// An inventory `rent_yuan` that is not a decimal from 0 to 1,000,000 with at most two
    /// decimals and no thousands separators.
    pub const RENT_INVALID: &str = "rent-invalid";
    /// An inventory `unit_number` longer than 20 characters or with a control character.
    pub const UNIT_NUMBER_INVALID: &str = "unit-number-invalid";
    /// An inventory `status` other than `free`, `maintenance` or empty.
    pub const STATUS_INVALID: &str = "status-invalid";
    /// An inventory row whose complex name, district, address or operator differs from an
    /// earlier row of the same `complex_code` (named in `value`).
    pub const COMPLEX_INCONSISTENT: &str = "complex-inconsistent";
    /// An inventory row whose area, bedrooms or rent differs from an earlier row of the same
    /// `complex_code` and `unit_type` (named in `value`).
    pub const UNIT_TYPE_INCONSISTENT: &str = "unit-type-inconsistent";
}

/// What the import needs to know besides the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The configured honour codes (a cell in `honors` must be one of them).
    pub honors: Vec<String>,
    /// Bounds the dates (no arrival in the future, …).
    pub today: jiff::civil::Date,
    /// More data rows than this reject the file before the rest is read.
    pub max_rows: usize,
    /// The error list stops after this many entries (plus one `too-many-errors` entry).
    pub max_errors: usize,
}

impl ImportOptions {
    pub const DEFAULT_MAX_ROWS: usize = 1_000_000;
    pub const DEFAULT_MAX_ERRORS: usize = 10_000;

    /// Options with the default row and error limits.
    pub fn new(honors: Vec<String>, today: jiff::civil::Date) -> Self {
        Self {
            honors,
            today,
            max_rows: Self::DEFAULT_MAX_ROWS,
            max_errors: Self::DEFAULT_MAX_ERRORS,
        }
    }
}

/// One checked roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTalent {
    /// The row number as the officer sees it (header = 1).
    pub row: usize,
    /// The roster's own id (the `id` column), when given.
    pub source_id: Option<i64>,
    pub profile: TalentProfile,
}

/// One problem, located as the officer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based row (header = 1); 0 for a problem with the whole file.
    pub row: usize,
    /// The column's header name; empty for a problem with a whole row or the whole file.
    pub column: String,
    /// A stable code: a domain field code or one of [`codes`].
    pub code: &'static str,
    /// The offending cell, at most 100 characters, to help find it. Always empty for
    /// `resident_id` and `bank_account`: the list is shown on a page and downloaded, and
    /// must not spread those numbers.
    pub value: String,
}

/// Why a file was refused. Nothing of a refused file is to be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    // The texts say "roster" for an inventory too: the error does not carry its kind, and
    // the roster's texts are relied on (tests/csv.rs). Officers see the codes, not these.
    /// The file as a whole: unreadable, not UTF-8, no rows, too many rows.
    #[error("roster refused: {}", .0.code)]
    File(RowError),
    /// The header row: every missing, unknown and duplicate column at once.
    #[error("roster refused: {} problem(s) in the header row", .0.len())]
    Header(Vec<RowError>),
    /// Every bad cell of every row, in row order (then column order within a row).
    #[error("roster refused: {} problem(s) in the rows", .0.len())]
    Rows(Vec<RowError>),
}

impl ImportError {
    /// The problems to show or offer as a download, whatever the kind.
    pub fn errors(&self) -> &[RowError] {
        match self {
            ImportError::File(error) => std::slice::from_ref(error),
            ImportError::Header(errors) | ImportError::Rows(errors) => errors,
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The OLE2 compound file header of a binary `.xls` (Excel 97-2003).
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads and checks a whole roster. The format is told from the content, not a file name:
/// a ZIP is read as XLSX (its first visible worksheet), anything else as UTF-8 CSV.
///
/// `Ok` holds every row, in file order, only when no row has any problem.
pub fn parse_roster(
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Vec<ImportedTalent>, ImportError> {
    let roster = roster::Roster::new(options);
    read(
        bytes,
        Table::new(roster, options.max_rows, options.max_errors),
    )
}

/// Reads and checks a whole talent-apartment inventory ([`INVENTORY_REQUIRED_COLUMNS`],
/// [`INVENTORY_OPTIONAL_COLUMNS`]), one row per apartment unit; the format is told as for
/// [`parse_roster`].
///
/// `Ok` holds every unit, grouped by complex and unit type in the order each first
/// appears, only when no row has any problem: not a bad cell, not a unit listed twice, not
/// two rows of a complex or unit type that disagree.
pub fn parse_inventory(bytes: &[u8], options: &InventoryOptions) -> Result<Inventory, ImportError> {
    let inventory = inventory::InventoryCheck::new(options);
    read(
        bytes,
        Table::new(inventory, options.max_rows, options.max_errors),
    )
}

/// Feeds the file's rows to `sheet`, whichever format it is.
fn read<S: Sheet>(bytes: &[u8], sheet: S) -> Result<S::Output, ImportError> {
    if bytes.starts_with(ZIP_MAGIC) {
        xlsx_source::parse(bytes, sheet)
    } else if bytes.starts_with(OLE_MAGIC) {
        // Would otherwise be reported as "not UTF-8", which sends the officer the wrong way.
        Err(file_error(codes::FILE_UNREADABLE, "xls".to_owned()))
    } else {
        csv_source::parse(bytes, sheet)
    }
}

pub(crate) fn file_error(code: &'static str, value: String) -> ImportError {
    ImportError::File(RowError {
        row: 0,
        column: String::new(),
        code,
        value,
    })
}
