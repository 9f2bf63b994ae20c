//! Talent-apartment inventories, as CSV and as XLSX: accepted files come out grouped by
//! complex and unit type; every kind of problem is reported where the officer looks.
#![allow(clippy::unwrap_used, reason = "tests: a failure is a test failure")]

use proptest::prelude::*;
use rust_xlsxwriter::{Formula, Workbook, Worksheet};
use yingcai_import::{
    INVENTORY_OPTIONAL_COLUMNS, INVENTORY_REQUIRED_COLUMNS, ImportError, Inventory,
    InventoryComplex, InventoryOptions, InventoryUnit, InventoryUnitType, RowError,
    parse_inventory,
};

const HEADER: [&str; 11] = [
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
    "status",
];

const DISTRICTS: [&str; 3] = ["130102", "130104", "130105"];

fn options() -> InventoryOptions {
    InventoryOptions::new(DISTRICTS.map(String::from).to_vec())
}

fn import(bytes: impl AsRef<[u8]>) -> Result<Inventory, ImportError> {
    parse_inventory(bytes.as_ref(), &options())
}

fn row_errors(bytes: impl AsRef<[u8]>) -> Vec<RowError> {
    match import(bytes) {
        Err(ImportError::Rows(errors)) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn header_errors(bytes: impl AsRef<[u8]>) -> Vec<RowError> {
    match import(bytes) {
        Err(ImportError::Header(errors)) => errors,
        other => panic!("expected header errors, got {other:?}"),
    }
}

fn file_error(bytes: impl AsRef<[u8]>) -> RowError {
    match import(bytes) {
        Err(ImportError::File(error)) => error,
        other => panic!("expected a file error, got {other:?}"),
    }
}

/// (row, column, code, value) of each error.
fn located(errors: &[RowError]) -> Vec<(usize, &str, &str, &str)> {
    errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code, e.value.as_str()))
        .collect()
}

type Line = [String; 11];

/// A CSV of `HEADER` and `lines`, quoted as needed.
fn csv_of(header: &[&str], lines: &[Line]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for line in lines {
        writer.write_record(line).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// Two complexes, three unit types, six units, rows interleaved as a hand-kept sheet is.
fn sample_lines() -> Vec<Line> {
    let ta = [
        "TA-01",
        "英才公寓",
        "130102",
        "长安区建设北大街1号",
        "城投公司",
    ];
    let tb = [
        "TB-02",
        "人才家园",
        "130104",
        "桥西区中山西路8号",
        "安居物业, 有限公司",
    ];
    let one = ["一室一厅", "45.5", "1", "1500"];
    let two = ["两室一厅", "85", "2", "2300.5"];
    let studio = ["开间", "30.25", "0", "980.00"];
    let line = |c: [&str; 5], t: [&str; 4], number: &str, status: &str| -> Line {
        [
            c[0], c[1], c[2], c[3], c[4], t[0], t[1], t[2], t[3], number, status,
        ]
        .map(String::from)
    };
    vec![
        line(ta, one, "1-101", ""),
        line(tb, studio, "101", "free"),
        line(ta, two, "2-201", "maintenance"),
        // The same numbers written differently: still the same unit type.
        line(ta, ["一室一厅", "45.50", "1", "1500.00"], "1-102", ""),
        line(tb, studio, "102", "maintenance"),
        line(ta, two, "2-202", "free"),
    ]
}

fn unit(row: usize, number: &str, maintenance: bool) -> InventoryUnit {
    InventoryUnit {
        row,
        number: number.to_owned(),
        maintenance,
    }
}

fn sample_inventory() -> Inventory {
    Inventory {
        complexes: vec![
            InventoryComplex {
                row: 2,
                code: "TA-01".into(),
                name: "英才公寓".into(),
                district: "130102".into(),
                address: "长安区建设北大街1号".into(),
                operator: "城投公司".into(),
                unit_types: vec![
                    InventoryUnitType {
                        row: 2,
                        name: "一室一厅".into(),
                        area_centi_m2: 4550,
                        bedrooms: 1,
                        rent_fen: 150_000,
                        units: vec![unit(2, "1-101", false), unit(5, "1-102", false)],
                    },
                    InventoryUnitType {
                        row: 4,
                        name: "两室一厅".into(),
                        area_centi_m2: 8500,
                        bedrooms: 2,
                        rent_fen: 230_050,
                        units: vec![unit(4, "2-201", true), unit(7, "2-202", false)],
                    },
                ],
            },
            InventoryComplex {
                row: 3,
                code: "TB-02".into(),
                name: "人才家园".into(),
                district: "130104".into(),
                address: "桥西区中山西路8号".into(),
                operator: "安居物业, 有限公司".into(),
                unit_types: vec![InventoryUnitType {
                    row: 3,
                    name: "开间".into(),
                    area_centi_m2: 3025,
                    bedrooms: 0,
                    rent_fen: 98_000,
                    units: vec![unit(3, "101", false), unit(6, "102", true)],
                }],
            },
        ],
    }
}

/// A valid line of its own complex `code`, with `column` set to `value`.
fn line_with(code: &str, column: &str, value: &str) -> Line {
    let mut line: Line = [
        code,
        "英才公寓",
        "130102",
        "长安区建设北大街1号",
        "城投公司",
        "一室一厅",
        "45.5",
        "1",
        "1500",
        "1-101",
        "",
    ]
    .map(String::from);
    let position = HEADER.iter().position(|c| *c == column).unwrap();
    line[position] = value.to_owned();
    line
}

#[test]
fn the_column_lists_are_public() {
    assert_eq!(INVENTORY_REQUIRED_COLUMNS, &HEADER[..10]);
    assert_eq!(INVENTORY_OPTIONAL_COLUMNS, ["status"]);
    let defaults = options();
    assert_eq!(
        (defaults.max_rows, defaults.max_errors),
        (
            yingcai_import::ImportOptions::DEFAULT_MAX_ROWS,
            yingcai_import::ImportOptions::DEFAULT_MAX_ERRORS
        )
    );
}

#[test]
fn a_csv_inventory_comes_out_grouped_in_first_appearance_order() {
    let text = csv_of(&HEADER, &sample_lines());
    assert_eq!(import(&text).unwrap(), sample_inventory());
    // A BOM and CRLF line ends, as Excel's "CSV UTF-8" writes.
    let excel = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    assert_eq!(import(excel).unwrap(), sample_inventory());
}

#[test]
fn status_is_optional_and_columns_may_come_in_any_order() {
    let mut header = HEADER[..10].to_vec();
    header.reverse();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for line in sample_lines() {
        let mut cells = line[..10].to_vec();
        cells.reverse();
        writer.write_record(&cells).unwrap();
    }
    let text = writer.into_inner().unwrap();
    let inventory = import(text).unwrap();
    let mut expected = sample_inventory();
    for complex in &mut expected.complexes {
        for unit_type in &mut complex.unit_types {
            for unit in &mut unit_type.units {
                unit.maintenance = false;
            }
        }
    }
    assert_eq!(inventory, expected);
}

#[test]
fn a_gbk_csv_is_refused_whole() {
    let mut bytes = csv_of(&HEADER, &[]).into_bytes();
    // "李伟" in GB18030, as Excel's plain "CSV" writes it on a Chinese system.
    bytes.extend_from_slice(b"TA-01,\xC0\xEE\xCE\xB0,130102,addr,op,t,45.5,1,1500,1-101,\n");
    let error = file_error(bytes);
    assert_eq!(
        (
            error.row,
            error.column.as_str(),
            error.code,
            error.value.as_str()
        ),
        (0, "", "encoding-not-utf8", "row 2")
    );
}

#[test]
fn every_bad_cell_gets_its_code() {
    let cases: &[(&str, &str, &str)] = &[
        ("complex_code", "TA_01", "complex-code-invalid"),
        ("complex_code", "", "complex-code-invalid"),
        (
            "complex_code",
            "ABCDEFGHIJ-KLMNOPQRST",
            "complex-code-invalid",
        ),
        ("complex_code", "公寓01", "complex-code-invalid"),
        ("complex_name", "", "required"),
        ("complex_name", &"名".repeat(101), "too-long"),
        ("complex_name", "英才\u{7}公寓", "text-invalid"),
        ("district", "999999", "district-invalid"),
        ("district", "", "district-invalid"),
        ("address", " ", "required"),
        ("operator", &"x".repeat(101), "too-long"),
        ("unit_type", "", "required"),
        ("area_m2", "0", "area-invalid"),
        ("area_m2", "1000.01", "area-invalid"),
        ("area_m2", "45.555", "area-invalid"),
        ("area_m2", "-45", "area-invalid"),
        ("area_m2", "45㎡", "area-invalid"),
        ("area_m2", "", "area-invalid"),
        ("bedrooms", "11", "bedrooms-invalid"),
        ("bedrooms", "1.5", "bedrooms-invalid"),
        ("bedrooms", "-1", "bedrooms-invalid"),
        ("bedrooms", "", "bedrooms-invalid"),
        ("rent_yuan", "1,500.00", "rent-invalid"),
        ("rent_yuan", "1500.001", "rent-invalid"),
        ("rent_yuan", "-1", "rent-invalid"),
        ("rent_yuan", "1000000.01", "rent-invalid"),
        ("rent_yuan", "¥1500", "rent-invalid"),
        ("rent_yuan", "1.5e3", "rent-invalid"),
        ("rent_yuan", "", "rent-invalid"),
        ("unit_number", "", "unit-number-invalid"),
        (
            "unit_number",
            "123456789012345678901",
            "unit-number-invalid",
        ),
        ("unit_number", "1\t101", "unit-number-invalid"),
        ("status", "let", "status-invalid"),
        ("status", "MAINTENANCE", "status-invalid"),
    ];
    // One bad cell per row, each row its own complex so that no row disagrees with another.
    let lines: Vec<Line> = cases
        .iter()
        .enumerate()
        .map(|(i, (column, value, _))| line_with(&format!("C{i}"), column, value))
        .collect();
    let errors = row_errors(csv_of(&HEADER, &lines));
    let expected: Vec<(usize, &str, &str, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (column, value, code))| {
            let shown = if value.chars().count() > 100 {
                value.chars().take(100).collect()
            } else {
                (*value).to_owned()
            };
            (i + 2, *column, *code, shown)
        })
        .collect();
    let found: Vec<(usize, &str, &str, String)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code, e.value.clone()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_limits_still_hold() {
    let lines: Vec<Line> = (0..4)
        .map(|i| line_with("TA-01", "unit_number", &format!("1-10{i}")))
        .collect();
    let options = InventoryOptions {
        max_rows: 3,
        ..options()
    };
    let Err(ImportError::File(error)) =
        parse_inventory(csv_of(&HEADER, &lines).as_bytes(), &options)
    else {
        panic!()
    };
    assert_eq!((error.code, error.value.as_str()), ("too-many-rows", "3"));

    let options = InventoryOptions {
        max_errors: 2,
        ..self::options()
    };
    let bad: Vec<Line> = (0..3)
        .map(|i| line_with(&format!("C{i}"), "bedrooms", "99"))
        .collect();
    let Err(ImportError::Rows(errors)) =
        parse_inventory(csv_of(&HEADER, &bad).as_bytes(), &options)
    else {
        panic!()
    };
    assert_eq!(
        located(&errors),
        [
            (2, "bedrooms", "bedrooms-invalid", "99"),
            (3, "bedrooms", "bedrooms-invalid", "99"),
            (0, "", "too-many-errors", "3"),
        ]
    );

    assert_eq!(file_error(csv_of(&HEADER, &[])).code, "no-rows");
    let short = format!("{}TA-01,英才公寓\n", csv_of(&HEADER, &[]));
    assert_eq!(located(&row_errors(short)), [(2, "", "row-length", "2")]);
}

#[test]
fn a_unit_listed_twice_names_the_first_row() {
    let lines = vec![
        line_with("TA-01", "unit_number", "1-101"),
        line_with("TA-01", "unit_number", "1-102"),
        // Another complex may have a unit of the same number.
        line_with("TB-02", "unit_number", "1-101"),
        line_with("TA-01", "unit_number", " 1-101 "),
        // Still reported with other problems in the row.
        line_with("TA-01", "unit_number", "1-102"),
        line_with("TA-01", "unit_number", "1-101"),
    ];
    let mut lines = lines;
    lines[4][10] = "let".into();
    let errors = row_errors(csv_of(&HEADER, &lines));
    assert_eq!(
        located(&errors),
        [
            (5, "unit_number", "duplicate-in-file", "row 2"),
            (6, "unit_number", "duplicate-in-file", "row 3"),
            (6, "status", "status-invalid", "let"),
            (7, "unit_number", "duplicate-in-file", "row 2"),
        ]
    );
}

#[test]
fn rows_of_one_complex_must_agree() {
    let lines = vec![
        line_with("TA-01", "unit_number", "1"),
        // A bad name is reported as itself, not also as a disagreement.
        line_with("TA-01", "complex_name", ""),
        {
            let mut line = line_with("TA-01", "complex_name", "英才公寓二期");
            line[3] = "长安区建设北大街2号".into();
            line[9] = "3".into();
            line
        },
        {
            let mut line = line_with("TA-01", "district", "130104");
            line[4] = "另一家公司".into();
            line[9] = "4".into();
            line
        },
        // A different complex may have any name.
        line_with("TB-02", "complex_name", "人才家园"),
    ];
    let mut lines = lines;
    lines[1][9] = "2".into();
    let errors = row_errors(csv_of(&HEADER, &lines));
    assert_eq!(
        located(&errors),
        [
            (3, "complex_name", "required", ""),
            (4, "complex_name", "complex-inconsistent", "row 2"),
            (4, "address", "complex-inconsistent", "row 2"),
            (5, "district", "complex-inconsistent", "row 2"),
            (5, "operator", "complex-inconsistent", "row 2"),
        ]
    );
}

#[test]
fn the_first_valid_value_is_the_one_to_agree_with() {
    // Row 2's name is bad: row 3 sets the name the complex has, and row 4 is measured
    // against row 3.
    let mut lines = vec![
        line_with("TA-01", "complex_name", &"名".repeat(101)),
        line_with("TA-01", "complex_name", "英才公寓"),
        line_with("TA-01", "complex_name", "英才公寓二期"),
    ];
    for (i, line) in lines.iter_mut().enumerate() {
        line[9] = format!("1-10{i}");
    }
    let errors = row_errors(csv_of(&HEADER, &lines));
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.row, e.code, e.value.chars().count()))
            .collect::<Vec<_>>(),
        [(2, "too-long", 100), (4, "complex-inconsistent", 5)]
    );
    assert_eq!(errors[1].value, "row 3");
}

#[test]
fn units_of_one_unit_type_must_agree() {
    let mut lines = vec![
        line_with("TA-01", "area_m2", "45.5"),
        // The same values written differently agree.
        line_with("TA-01", "area_m2", "45.50"),
        line_with("TA-01", "bedrooms", "2"),
        line_with("TA-01", "rent_yuan", "1500.01"),
        line_with("TA-01", "area_m2", "46"),
        // Another unit type, or the same name in another complex, may differ.
        line_with("TA-01", "unit_type", "两室一厅"),
        line_with("TB-02", "area_m2", "99"),
    ];
    lines[5][6] = "85".into();
    lines[5][7] = "2".into();
    for (i, line) in lines.iter_mut().enumerate() {
        line[9] = format!("1-10{i}");
    }
    let errors = row_errors(csv_of(&HEADER, &lines));
    assert_eq!(
        located(&errors),
        [
            (4, "bedrooms", "unit-type-inconsistent", "row 2"),
            (5, "rent_yuan", "unit-type-inconsistent", "row 2"),
            (6, "area_m2", "unit-type-inconsistent", "row 2"),
        ]
    );
}

#[test]
fn header_problems_are_all_reported_at_once() {
    let mut header = HEADER.to_vec();
    header[8] = "rent";
    header.push("complex_code");
    let errors = header_errors(csv_of(&header, &[]));
    assert_eq!(
        located(&errors),
        [
            (1, "", "header-unknown-column", "rent"),
            (1, "complex_code", "header-duplicate-column", "complex_code"),
            (1, "rent_yuan", "header-missing-column", ""),
        ]
    );

    // A roster is not an inventory.
    let roster =
        "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months\n";
    let errors = header_errors(roster);
    assert_eq!(errors.len(), 7 + 10);
    assert!(
        errors[..7]
            .iter()
            .all(|e| e.code == "header-unknown-column")
    );
    assert!(
        errors[7..]
            .iter()
            .zip(INVENTORY_REQUIRED_COLUMNS)
            .all(|(e, c)| e.code == "header-missing-column" && e.column == *c)
    );
}

/// A cell as a test writes it into a sheet.
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Blank,
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[Cell<'_>]) {
    for (column, cell) in cells.iter().enumerate() {
        let column = column as u16;
        match cell {
            Cell::Text(text) => {
                sheet.write_string(row, column, *text).unwrap();
            }
            Cell::Number(n) => {
                sheet.write_number(row, column, *n).unwrap();
            }
            Cell::Blank => {}
        }
    }
}

/// The sample as an officer's sheet holds it: numbers as numbers, empty status cells empty.
fn sample_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    for (i, line) in sample_lines().iter().enumerate() {
        let cells: Vec<Cell<'_>> = line
            .iter()
            .enumerate()
            .map(|(column, text)| match column {
                // `101` typed into a cell is a number too.
                6..=8 => Cell::Number(text.parse().unwrap()),
                9 if text.parse::<f64>().is_ok() => Cell::Number(text.parse().unwrap()),
                _ if text.is_empty() => Cell::Blank,
                _ => Cell::Text(text),
            })
            .collect();
        write_row(sheet, i as u32 + 1, &cells);
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_inventory_reads_as_the_csv_does() {
    assert_eq!(import(sample_xlsx()).unwrap(), sample_inventory());
}

#[test]
fn xlsx_amounts_are_read_exactly_and_text_with_separators_is_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    let amounts = [
        Cell::Number(1500.0),
        Cell::Number(1500.5),
        Cell::Number(0.1),
        Cell::Text("1,500.00"),
        Cell::Number(1500.123),
        Cell::Number(0.1 + 0.2),
        Cell::Number(-1.0),
    ];
    for (i, rent) in amounts.into_iter().enumerate() {
        let row = i as u32 + 1;
        let code = format!("C{i}");
        let mut cells = vec![
            Cell::Text(&code),
            Cell::Text("英才公寓"),
            Cell::Number(130_102.0),
            Cell::Text("地址"),
            Cell::Text("城投公司"),
            Cell::Text("一室一厅"),
            Cell::Number(45.5),
            Cell::Number(1.0),
            rent,
            Cell::Number(101.0),
        ];
        cells.push(Cell::Blank);
        write_row(sheet, row, &cells);
    }
    let errors = row_errors(workbook.save_to_buffer().unwrap());
    assert_eq!(
        located(&errors),
        [
            (5, "rent_yuan", "rent-invalid", "1,500.00"),
            (6, "rent_yuan", "rent-invalid", "1500.123"),
            (7, "rent_yuan", "rent-invalid", "0.30000000000000004"),
            (8, "rent_yuan", "rent-invalid", "-1"),
        ]
    );

    // The same rows without the bad ones: each amount to the fen.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    for (i, rent) in [1500.0, 1500.5, 0.1, 999_999.99].into_iter().enumerate() {
        let code = format!("C{i}");
        write_row(
            sheet,
            i as u32 + 1,
            &[
                Cell::Text(&code),
                Cell::Text("英才公寓"),
                Cell::Text("130102"),
                Cell::Text("地址"),
                Cell::Text("城投公司"),
                Cell::Text("一室一厅"),
                Cell::Number(45.5),
                Cell::Number(1.0),
                Cell::Number(rent),
                Cell::Number(101.0),
            ],
        );
    }
    let inventory = import(workbook.save_to_buffer().unwrap()).unwrap();
    let rents: Vec<(i64, i64, &str)> = inventory
        .complexes
        .iter()
        .map(|c| {
            let t = &c.unit_types[0];
            (t.rent_fen, t.area_centi_m2, t.units[0].number.as_str())
        })
        .collect();
    assert_eq!(
        rents,
        [
            (150_000, 4550, "101"),
            (150_050, 4550, "101"),
            (10, 4550, "101"),
            (99_999_999, 4550, "101")
        ]
    );
    assert_eq!(inventory.complexes[0].district, "130102");
}

#[test]
fn xlsx_cell_problems_are_reported_once() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(sheet, 0, &HEADER.map(Cell::Text));
    let cells = [
        Cell::Text("TA-01"),
        Cell::Text("英才公寓"),
        Cell::Text("130102"),
        Cell::Text("地址"),
        Cell::Text("城投公司"),
        Cell::Text("一室一厅"),
        Cell::Blank,
        Cell::Number(1.0),
        Cell::Number(1e16),
        Cell::Text("1-101"),
    ];
    write_row(sheet, 1, &cells);
    sheet
        .write_formula(1, 6, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet.write_string(1, 12, "备注").unwrap();
    let errors = row_errors(workbook.save_to_buffer().unwrap());
    assert_eq!(
        located(&errors),
        [
            (2, "area_m2", "cell-error", "#N/A"),
            (2, "rent_yuan", "number-imprecise", "10000000000000000"),
            (2, "", "cell-without-header", "M"),
        ]
    );
}

/// A generated unit type: name, area (hundredths), bedrooms, rent (fen), units.
type GenUnitType = (String, i64, u8, i64, Vec<(String, bool)>);
/// A generated complex: code, name, district, address, operator, unit types.
type GenComplex = (String, String, String, String, String, Vec<GenUnitType>);

/// One-line text as a person types it: Chinese, Latin, digits and punctuation (a comma or
/// a quote makes the CSV writer quote the field), no spaces at the ends.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[\u{4e00}-\u{9fa5}A-Za-z0-9 ,\"()·#-]{{1,{max}}}"))
        .unwrap()
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not empty once trimmed", |s| !s.is_empty())
}

fn unit_type() -> impl Strategy<Value = (i64, u8, i64, Vec<(String, bool)>)> {
    (
        1..=100_000i64,
        0..=10u8,
        0..=100_000_000i64,
        proptest::collection::btree_map("[0-9A-Z座栋]{1,6}", any::<bool>(), 1..4),
    )
        .prop_map(|(area, bedrooms, rent, units)| {
            (area, bedrooms, rent, units.into_iter().collect())
        })
}

fn complex() -> impl Strategy<Value = (String, String, String, String, Vec<GenUnitType>)> {
    (
        text(30),
        proptest::sample::select(DISTRICTS.to_vec()),
        text(100),
        text(20),
        proptest::collection::btree_map(text(10), unit_type(), 1..4),
    )
        .prop_map(|(name, district, address, operator, types)| {
            let types = types
                .into_iter()
                .enumerate()
                .map(|(t, (type_name, (area, bedrooms, rent, units)))| {
                    // The type's index keeps unit numbers unique within the complex.
                    let units = units
                        .into_iter()
                        .map(|(n, m)| (format!("{t}-{n}"), m))
                        .collect();
                    (type_name, area, bedrooms, rent, units)
                })
                .collect();
            (name, district.to_owned(), address, operator, types)
        })
}

fn inventory() -> impl Strategy<Value = Vec<GenComplex>> {
    proptest::collection::btree_map("[A-Za-z0-9-]{1,20}", complex(), 1..4).prop_map(|map| {
        map.into_iter()
            .map(|(code, (name, district, address, operator, types))| {
                (code, name, district, address, operator, types)
            })
            .collect()
    })
}

/// `amount` hundredths as a person may write them: `45.5`, `45.50`, `45`, `45.00`.
fn decimal(hundredths: i64, full: bool) -> String {
    let (whole, fraction) = (hundredths / 100, hundredths % 100);
    match (full, fraction) {
        (true, _) => format!("{whole}.{fraction:02}"),
        (false, 0) => whole.to_string(),
        (false, f) if f % 10 == 0 => format!("{whole}.{}", f / 10),
        (false, f) => format!("{whole}.{f:02}"),
    }
}

/// The rows of a generated inventory (complex by complex, unit type by unit type) and the
/// inventory they must read as.
fn rows_and_expected(generated: &[GenComplex]) -> (Vec<Line>, Inventory) {
    let mut lines = Vec::new();
    let mut complexes = Vec::new();
    for (code, name, district, address, operator, types) in generated {
        let complex_row = lines.len() + 2;
        let mut unit_types = Vec::new();
        for (type_name, area, bedrooms, rent, units) in types {
            let type_row = lines.len() + 2;
            let mut out = Vec::new();
            for (number, maintenance) in units {
                let row = lines.len() + 2;
                let full = row % 2 == 0;
                let status = match (maintenance, row % 3) {
                    (true, _) => "maintenance",
                    (false, 0) => "free",
                    (false, _) => "",
                };
                lines.push([
                    code.clone(),
                    name.clone(),
                    district.clone(),
                    address.clone(),
                    operator.clone(),
                    type_name.clone(),
                    decimal(*area, full),
                    bedrooms.to_string(),
                    decimal(*rent, !full),
                    number.clone(),
                    status.to_owned(),
                ]);
                out.push(unit(row, number, *maintenance));
            }
            unit_types.push(InventoryUnitType {
                row: type_row,
                name: type_name.clone(),
                area_centi_m2: *area,
                bedrooms: *bedrooms,
                rent_fen: *rent,
                units: out,
            });
        }
        complexes.push(InventoryComplex {
            row: complex_row,
            code: code.clone(),
            name: name.clone(),
            district: district.clone(),
            address: address.clone(),
            operator: operator.clone(),
            unit_types,
        });
    }
    (lines, Inventory { complexes })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_inventory_written_as_csv_reads_back_the_same(generated in inventory()) {
        let (lines, expected) = rows_and_expected(&generated);
        let parsed = import(csv_of(&HEADER, &lines));
        prop_assert_eq!(parsed, Ok(expected.clone()));

        // And as a sheet, with every amount a number cell: still exact to the fen.
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        write_row(sheet, 0, &HEADER.map(Cell::Text));
        for (i, line) in lines.iter().enumerate() {
            let cells: Vec<Cell<'_>> = line
                .iter()
                .enumerate()
                .map(|(column, text)| match column {
                    6..=8 => Cell::Number(text.parse().unwrap()),
                    _ if text.is_empty() => Cell::Blank,
                    _ => Cell::Text(text),
                })
                .collect();
            write_row(sheet, i as u32 + 1, &cells);
        }
        prop_assert_eq!(import(workbook.save_to_buffer().unwrap()), Ok(expected));
    }
}
