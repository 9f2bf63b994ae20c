//! XLSX rosters, written here with rust_xlsxwriter the way Excel stores them: numbers as
//! numbers, dates as date-formatted serials, booleans as booleans.
#![allow(clippy::unwrap_used, reason = "tests: a failure is a test failure")]

mod common;

use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

/// A cell as a test writes it.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Date(&'a str),
    Bool(bool),
    Blank,
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[Cell<'_>]) {
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (column, cell) in cells.iter().enumerate() {
        let column = column as u16;
        match cell {
            Cell::Text(text) => {
                sheet.write_string(row, column, *text).unwrap();
            }
            Cell::Number(n) => {
                sheet.write_number(row, column, *n).unwrap();
            }
            Cell::Date(date) => {
                let d = jiff::civil::Date::strptime("%Y-%m-%d", date).unwrap();
                let value =
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                        .unwrap();
                sheet
                    .write_datetime_with_format(row, column, &value, &date_format)
                    .unwrap();
            }
            Cell::Bool(b) => {
                sheet.write_boolean(row, column, *b).unwrap();
            }
            Cell::Blank => {}
        }
    }
}

/// The population rows as an officer's spreadsheet holds them.
fn population_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let header: Vec<Cell<'_>> = POPULATION_HEADER.split(',').map(Cell::Text).collect();
    write_row(sheet, 0, &header);
    let rows = population_rows();
    for (i, r) in rows.iter().enumerate() {
        let cells = [
            Cell::Number(r[0].parse().unwrap()),
            Cell::Date(&r[1]),
            Cell::Text(&r[2]),
            if r[3].is_empty() {
                Cell::Blank
            } else {
                Cell::Text(&r[3])
            },
            Cell::Date(&r[4]),
            Cell::Bool(r[5] == "true"),
            Cell::Text(&r[6]),
            if r[7].is_empty() {
                Cell::Blank
            } else {
                Cell::Date(&r[7])
            },
            Cell::Number(r[8].parse().unwrap()),
            Cell::Text(&r[9]),
            Cell::Text(&r[10]),
        ];
        write_row(sheet, i as u32 + 1, &cells);
    }
    // Formatting left on empty rows below the data: rows Excel stores but that hold nothing.
    let bold = Format::new().set_bold();
    for row in 10..15 {
        sheet.write_blank(row, 0, &bold).unwrap();
        sheet.write_string(row, 3, "").unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

const HEADER: [&str; 7] = [
    "name",
    "resident_id",
    "degree",
    "arrival_date",
    "employed_in_city",
    "housing",
    "social_insurance_months",
];

fn sheet_with(rows: &[Vec<Cell<'_>>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    for (i, row) in rows.iter().enumerate() {
        write_row(sheet, i as u32 + 1, row);
    }
    workbook.save_to_buffer().unwrap()
}

fn valid_cells(id: &str) -> Vec<Cell<'_>> {
    vec![
        Cell::Text("李伟"),
        Cell::Text(id),
        Cell::Text("phd"),
        Cell::Date("2023-09-08"),
        Cell::Bool(true),
        Cell::Text("rent"),
        Cell::Number(50.0),
    ]
}

#[test]
fn xlsx_gives_the_same_profiles_as_csv() {
    let bytes = population_xlsx();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let from_xlsx = import(&bytes).unwrap();
    let from_csv = import(population_csv()).unwrap();
    assert_eq!(from_xlsx.len(), 5);
    assert_eq!(from_xlsx, from_csv, "same rows, source ids and profiles");
}

#[test]
fn the_first_visible_worksheet_is_read() {
    let mut workbook = Workbook::new();
    let lookup = workbook.add_worksheet().set_name("codes").unwrap();
    lookup.write_string(0, 0, "degree").unwrap();
    lookup.set_hidden(true);
    let roster = workbook.add_worksheet().set_name("花名册").unwrap();
    write_row(roster, 0, &HEADER.map(Cell::Text));
    let id = resident_id("110105", "19491231", 2);
    write_row(roster, 1, &valid_cells(&id));
    roster.set_active(true);
    let talents = import(workbook.save_to_buffer().unwrap()).unwrap();
    assert_eq!(talents.len(), 1);
    assert_eq!(talents[0].profile.resident_id.expose(), id);
}

#[test]
fn an_identity_number_typed_as_a_number_is_refused_without_echo() {
    let id = resident_id("110105", "19491231", 1);
    let mut cells = valid_cells("");
    cells[1] = Cell::Number(id.parse().unwrap());
    let errors = row_errors(sheet_with(&[cells]));
    assert_eq!(located(&errors), [(2, "resident_id", "number-imprecise")]);
    assert_eq!(errors[0].value, "");
}

#[test]
fn spreadsheet_cell_errors_and_times_are_reported() {
    let ok = resident_id("110105", "19491231", 1);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    write_row(sheet, 1, &valid_cells(&ok));
    sheet
        .write_formula(1, 2, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    let with_time = ExcelDateTime::from_ymd(2023, 9, 8)
        .unwrap()
        .and_hms(10, 30, 0)
        .unwrap();
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    sheet
        .write_datetime_with_format(1, 3, &with_time, &datetime)
        .unwrap();
    let errors = row_errors(workbook.save_to_buffer().unwrap());
    assert_eq!(
        located(&errors),
        [
            (2, "degree", "cell-error"),
            (2, "arrival_date", "date-invalid")
        ]
    );
    assert_eq!(errors[0].value, "#N/A");
    assert_eq!(errors[1].value, "2023-09-08 10:30:00");
}

#[test]
fn rows_are_numbered_as_in_the_sheet_and_a_cell_beyond_the_header_is_refused() {
    let first = resident_id("110105", "19491231", 1);
    let second = resident_id("110105", "19491231", 2);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // A title row and an empty row above the header: the header is the first row with
    // anything in it, and every number stays the sheet's own.
    sheet.write_string(0, 0, "").unwrap();
    write_row(sheet, 2, &HEADER.map(Cell::Text));
    write_row(sheet, 3, &valid_cells(&first));
    write_row(sheet, 6, &valid_cells(&second));
    sheet.write_string(6, 9, "备注").unwrap();
    sheet.write_string(6, 5, "castle").unwrap();
    let errors = row_errors(workbook.save_to_buffer().unwrap());
    assert_eq!(
        located(&errors),
        [
            (7, "housing", "housing-invalid"),
            (7, "", "cell-without-header")
        ]
    );
    assert_eq!(errors[1].value, "J");
}

#[test]
fn a_sheet_with_only_a_header_has_no_rows() {
    let error = file_error(sheet_with(&[]));
    assert_eq!(error.code, "no-rows");
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    assert_eq!(
        file_error(workbook.save_to_buffer().unwrap()).code,
        "no-rows"
    );
}

#[test]
fn xlsx_header_problems_are_reported() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(
        sheet,
        0,
        &[Cell::Text("name"), Cell::Text("name"), Cell::Number(42.0)],
    );
    let errors = header_errors(workbook.save_to_buffer().unwrap());
    let located = located(&errors);
    assert_eq!(located[0], (1, "name", "header-duplicate-column"));
    assert_eq!(located[1], (1, "", "header-unknown-column"));
    assert_eq!(errors[1].value, "42");
    assert!(located.contains(&(1, "resident_id", "header-missing-column")));
}
