//! CSV rosters: accepted files, every kind of problem, and what an error may show.
#![allow(clippy::unwrap_used, reason = "tests: a failure is a test failure")]

mod common;

use common::*;
use yingcai_domain::{Degree, Employer, Housing};
use yingcai_import::{ImportError, ImportOptions, RowError, errors_to_csv, parse_roster};

const HEADER: &str =
    "name,resident_id,degree,arrival_date,employed_in_city,housing,social_insurance_months";

fn li_wei_id() -> String {
    resident_id("110105", "19491231", 2)
}

/// A minimal valid file with the given data lines (joined with `\n`).
fn minimal(lines: &[String]) -> String {
    let mut out = format!("{HEADER}\n");
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn valid_line(seq: u32) -> String {
    format!(
        "李伟,{},phd,2023-09-08,true,rent,50",
        resident_id("110105", "19491231", seq)
    )
}

#[test]
fn the_population_format_with_name_and_resident_id_imports() {
    let talents = import(population_csv()).unwrap();
    assert_eq!(talents.len(), 5);
    let rows = population_rows();
    for (i, (talent, raw)) in talents.iter().zip(&rows).enumerate() {
        assert_eq!(talent.row, i + 2, "header is row 1");
        assert_eq!(talent.source_id, Some(i as i64 + 1));
        assert_eq!(talent.profile.name, raw[9]);
        assert_eq!(talent.profile.resident_id.expose(), raw[10]);
        assert_eq!(talent.profile.birth_date().to_string(), raw[1]);
    }
    let second = &talents[1].profile;
    assert_eq!(second.degree, Degree::Master);
    assert_eq!(second.housing, Housing::Owns);
    assert_eq!(
        second.home_purchase_date,
        Some(yingcai_domain::Date::new(2024, 3, 12).unwrap())
    );
    assert_eq!(second.social_insurance_months, 43);
    assert!(second.employed_in_city);
    assert_eq!(talents[2].profile.honors.as_deref(), Some("academician"));
    assert_eq!(talents[2].profile.housing, Housing::TalentApartment);
    assert!(!talents[3].profile.employed_in_city);
}

#[test]
fn columns_may_come_in_any_order_and_optional_ones_are_read() {
    let header = "email,phone,bank_account,employer_credit_code,employer_name,degree_year,degree_institution,\
                  social_insurance_months,housing,employed_in_city,arrival_date,degree,resident_id,name";
    let line = format!(
        "li.wei@example.cn,138 0013 8000,6222 0212 3456 7890 123,91350100M000100Y43,雄安智芯科技有限公司,1975,\"清华大学, 北京\",\
         50,rent,true,2023-09-08,phd,{},李伟",
        li_wei_id()
    );
    let talents = import(format!("{header}\n{line}\n")).unwrap();
    let p = &talents[0].profile;
    assert_eq!(talents[0].source_id, None);
    assert_eq!(p.email.as_ref().unwrap().as_str(), "li.wei@example.cn");
    assert_eq!(p.phone.as_ref().unwrap().as_str(), "13800138000");
    assert_eq!(
        p.bank_account.as_ref().unwrap().expose(),
        "6222021234567890123"
    );
    assert_eq!(p.degree_year, Some(1975));
    assert_eq!(p.degree_institution.as_deref(), Some("清华大学, 北京"));
    assert!(
        matches!(&p.employer, Some(Employer::Named { name, .. }) if name == "雄安智芯科技有限公司")
    );
}

#[test]
fn a_bom_and_crlf_line_ends_are_accepted() {
    let crlf = format!("\u{FEFF}{}", population_csv().replace('\n', "\r\n"));
    assert!(crlf.as_bytes().starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(import(&crlf).unwrap(), import(population_csv()).unwrap());
    // Without a final line end too.
    let trimmed = crlf.trim_end();
    assert_eq!(import(trimmed).unwrap().len(), 5);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_whole() {
    // "李伟" in GB18030, as Excel's plain "CSV" writes it on a Chinese system.
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"\xC0\xEE\xCE\xB0,");
    bytes.extend_from_slice(format!("{},phd,2023-09-08,true,rent,50\n", li_wei_id()).as_bytes());
    let error = file_error(&bytes);
    assert_eq!(
        (error.row, error.column.as_str(), error.code),
        (0, "", "encoding-not-utf8")
    );
    assert_eq!(error.value, "row 2");
}

#[test]
fn row_numbers_are_the_lines_the_officer_sees() {
    // A blank line (row 3) is skipped but still counted; a quoted cell spanning two lines
    // (rows 4-5) makes the next record start on row 6.
    let text = format!(
        "{HEADER}\n{}\n\n\"多行\n名字\",{},phd,2023-09-08,true,rent,50\n李伟,{},phd,2023-09-08,true,castle,50\n",
        valid_line(1),
        resident_id("110105", "19491231", 2),
        resident_id("110105", "19491231", 3),
    );
    let errors = row_errors(text);
    assert_eq!(
        located(&errors),
        [
            (4, "name", "text-invalid"),
            (6, "housing", "housing-invalid")
        ]
    );
}

#[test]
fn every_bad_cell_of_every_row_is_reported_in_row_then_column_order() {
    let text = minimal(&[
        valid_line(1),
        format!(
            "李伟,{},doctor,2023-02-30,maybe,castle,601",
            resident_id("110105", "19491231", 2)
        ),
        valid_line(3),
        format!(
            ",{},phd,2027-01-01,true,owns,50",
            resident_id("110105", "19491231", 4)
        ),
    ]);
    let errors = row_errors(text);
    assert_eq!(
        located(&errors),
        [
            (3, "degree", "degree-invalid"),
            (3, "arrival_date", "date-invalid"),
            (3, "employed_in_city", "boolean-invalid"),
            (3, "housing", "housing-invalid"),
            (3, "social_insurance_months", "months-invalid"),
            (5, "name", "required"),
            (5, "arrival_date", "date-in-future"),
            // Not a column of this file, but still the column to add.
            (5, "home_purchase_date", "purchase-date-required"),
        ]
    );
    let degree = &errors[0];
    assert_eq!(degree.value, "doctor");
    assert_eq!(errors[1].value, "2023-02-30");
}

#[test]
fn birth_date_must_agree_with_the_identity_number() {
    let text = format!("{HEADER},birth_date\n{},1950-01-01\n", valid_line(1));
    let errors = row_errors(text);
    assert_eq!(located(&errors), [(2, "birth_date", "birth-date-mismatch")]);
    assert_eq!(errors[0].value, "1950-01-01");
}

#[test]
fn the_domain_checks_every_optional_column() {
    let header = format!(
        "{HEADER},honors,degree_year,employer_name,employer_credit_code,phone,email,home_purchase_date"
    );
    let line = format!(
        "{},nobel,1930,某公司,91350100M000100Y44,12ab,not-an-email,2024-01-01",
        valid_line(1)
    );
    let errors = row_errors(format!("{header}\n{line}\n"));
    assert_eq!(
        located(&errors),
        [
            (2, "honors", "honors-invalid"),
            (2, "degree_year", "year-invalid"),
            (2, "employer_credit_code", "credit-code-check"),
            (2, "phone", "phone-invalid"),
            (2, "email", "email-invalid"),
            (2, "home_purchase_date", "purchase-date-only-when-owning"),
        ]
    );
}

#[test]
fn identity_and_account_numbers_are_never_echoed() {
    let bad_id = "110105194912310021"; // wrong check digit
    let bad_account = "6222-0212-ABCD";
    let text = format!(
        "{HEADER},bank_account\n李伟,{bad_id},phd,2023-09-08,true,rent,50,{bad_account}\n{},6222021234567890123\n{},6222021234567890123\n",
        valid_line(7),
        valid_line(7)
    );
    let errors = row_errors(&text);
    assert_eq!(
        located(&errors),
        [
            (2, "resident_id", "resident-id-check"),
            (2, "bank_account", "bank-account-invalid"),
            (4, "resident_id", "duplicate-in-file"),
        ]
    );
    assert_eq!(errors[0].value, "");
    assert_eq!(errors[1].value, "");
    assert_eq!(
        errors[2].value, "row 3",
        "the earlier row, which is not sensitive"
    );

    // A file without its header row: the "header" is data, and its numbers stay unshown.
    let headerless = format!("{}\n{}\n", valid_line(1), valid_line(2));
    let errors = header_errors(headerless);
    let valid = resident_id("110105", "19491231", 1);
    for error in &errors {
        assert!(
            !error.value.contains(&valid[..12]) && !error.column.contains(&valid[..12]),
            "{error:?}"
        );
    }
    assert!(
        errors
            .iter()
            .any(|e| e.code == "header-unknown-column" && e.value == "李伟")
    );
    assert!(
        errors
            .iter()
            .any(|e| e.code == "header-unknown-column" && e.value.is_empty())
    );
    let rendered = errors_to_csv(&errors, |c| c.to_owned());
    assert!(!rendered.contains(&valid[..12]));
}

#[test]
fn duplicate_identity_numbers_name_the_first_row() {
    let same = resident_id("130102", "19820709", 1);
    let lower_x = resident_id("110105", "19491231", 2);
    assert!(lower_x.ends_with('X'));
    let text = minimal(&[
        format!("甲,{same},phd,2023-09-08,true,rent,50"),
        format!("乙,{lower_x},phd,2023-09-08,true,rent,50"),
        format!("丙,{same},phd,2023-09-08,true,rent,50"),
        // Same number written with a lower-case x and spaces: still the same person.
        format!(
            "丁, {} ,phd,2023-09-08,true,rent,50",
            lower_x.to_lowercase()
        ),
        // A duplicate in a row that has other problems is reported too.
        format!("戊,{same},phd,2023-09-08,true,castle,50"),
    ]);
    let errors = row_errors(text);
    assert_eq!(
        located(&errors),
        [
            (4, "resident_id", "duplicate-in-file"),
            (5, "resident_id", "duplicate-in-file"),
            (6, "resident_id", "duplicate-in-file"),
            (6, "housing", "housing-invalid"),
        ]
    );
    let values: Vec<&str> = errors.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(values, ["row 2", "row 3", "row 2", "castle"]);
}

#[test]
fn roster_ids_are_positive_integers_unique_in_the_file() {
    let text = format!(
        "id,{HEADER}\n7,{}\n,{}\n7,{}\n-1,{}\nabc,{}\n8,{}\n",
        valid_line(1),
        valid_line(2),
        valid_line(3),
        valid_line(4),
        valid_line(5),
        valid_line(6)
    );
    let errors = row_errors(text);
    assert_eq!(
        located(&errors),
        [
            (4, "id", "duplicate-in-file"),
            (5, "id", "id-invalid"),
            (6, "id", "id-invalid")
        ]
    );
    assert_eq!(errors[0].value, "row 2");
    assert_eq!(errors[1].value, "-1");

    let ok = format!("id,{HEADER}\n7,{}\n,{}\n", valid_line(1), valid_line(2));
    let talents = import(ok).unwrap();
    assert_eq!(
        talents.iter().map(|t| t.source_id).collect::<Vec<_>>(),
        [Some(7), None]
    );
}

#[test]
fn a_row_of_the_wrong_length_is_reported_and_others_still_checked() {
    let text = minimal(&[
        format!("{},extra", valid_line(1)),
        "李伟,only,three".to_owned(),
        format!(
            "李伟,{},phd,2023-09-08,true,castle,50",
            resident_id("110105", "19491231", 3)
        ),
        // Rows that are empty but for separators are leftovers of a spreadsheet: skipped.
        ",,,,,,".to_owned(),
        ",,".to_owned(),
    ]);
    let errors = row_errors(text);
    assert_eq!(
        located(&errors),
        [
            (2, "", "row-length"),
            (3, "", "row-length"),
            (4, "housing", "housing-invalid")
        ]
    );
    assert_eq!(errors[0].value, "8");
    assert_eq!(errors[1].value, "3");
}

#[test]
fn a_cell_under_an_empty_header_cell_is_refused() {
    let text = format!("{HEADER},\n{},\n{},stray\n", valid_line(1), valid_line(2));
    let errors = row_errors(text);
    assert_eq!(located(&errors), [(3, "", "cell-without-header")]);
    assert_eq!(errors[0].value, "H");
}

#[test]
fn header_problems_are_all_reported_at_once() {
    let text = format!(
        "name,resident_id,degree,Degree,arrival_date,arrival_date,housing,employer_enterprise_id\n李伟,{}\n",
        li_wei_id()
    );
    let errors = header_errors(text);
    assert_eq!(
        located(&errors),
        [
            (1, "", "header-unknown-column"),
            (1, "arrival_date", "header-duplicate-column"),
            (1, "", "header-unknown-column"),
            (1, "employed_in_city", "header-missing-column"),
            (1, "social_insurance_months", "header-missing-column"),
        ]
    );
    assert_eq!(errors[0].value, "Degree", "names are case-sensitive");
    assert_eq!(
        errors[2].value, "employer_enterprise_id",
        "set by the form, not a roster column"
    );
}

#[test]
fn empty_files_and_header_only_files_have_no_rows() {
    for text in [
        "",
        "\n\n",
        "\u{FEFF}",
        HEADER,
        &format!("{HEADER}\r\n,,,,,,\r\n\r\n"),
    ] {
        let error = file_error(text);
        assert_eq!((error.row, error.code), (0, "no-rows"), "{text:?}");
    }
}

#[test]
fn too_many_rows_stops_the_import() {
    let lines: Vec<String> = (1..=4).map(valid_line).collect();
    let options = ImportOptions {
        max_rows: 3,
        ..options()
    };
    let Err(ImportError::File(error)) = parse_roster(minimal(&lines).as_bytes(), &options) else {
        panic!()
    };
    assert_eq!((error.code, error.value.as_str()), ("too-many-rows", "3"));
    assert!(parse_roster(minimal(&lines[..3]).as_bytes(), &options).is_ok());
}

#[test]
fn the_error_list_is_capped_with_a_final_count() {
    let lines: Vec<String> = (1..=5)
        .map(|_| "李伟,x,doctor,2023-09-08,true,rent,50".to_owned())
        .collect();
    let options = ImportOptions {
        max_errors: 4,
        ..options()
    };
    let Err(ImportError::Rows(errors)) = parse_roster(minimal(&lines).as_bytes(), &options) else {
        panic!()
    };
    assert_eq!(errors.len(), 5);
    assert_eq!(
        located(&errors[..4]),
        [
            (2, "resident_id", "resident-id-format"),
            (2, "degree", "degree-invalid"),
            (3, "resident_id", "resident-id-format"),
            (3, "degree", "degree-invalid")
        ]
    );
    assert_eq!(
        (errors[4].row, errors[4].code, errors[4].value.as_str()),
        (0, "too-many-errors", "10")
    );
}

#[test]
fn long_values_are_cut_to_100_characters() {
    let long_name = "名".repeat(150);
    let errors = row_errors(minimal(&[format!(
        "{long_name},{},phd,2023-09-08,true,rent,50",
        li_wei_id()
    )]));
    assert_eq!(located(&errors), [(2, "name", "too-long")]);
    assert_eq!(errors[0].value, "名".repeat(100));
}

#[test]
fn old_binary_xls_and_broken_zips_are_unreadable() {
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    assert_eq!(file_error(xls).code, "file-unreadable");
    assert_eq!(
        file_error(b"PK\x03\x04not really a zip").code,
        "file-unreadable"
    );
}

#[test]
fn the_error_download_is_csv_for_excel() {
    let errors = vec![
        RowError {
            row: 0,
            column: String::new(),
            code: "too-many-errors",
            value: "12345".into(),
        },
        RowError {
            row: 3,
            column: "name".into(),
            code: "too-long",
            value: "a \"quoted\", text".into(),
        },
        RowError {
            row: 4,
            column: "employer_name".into(),
            code: "text-invalid",
            value: "=HYPERLINK(\"x\")".into(),
        },
        RowError {
            row: 5,
            column: "resident_id".into(),
            code: "resident-id-check",
            value: String::new(),
        },
    ];
    let csv = errors_to_csv(&errors, |code| format!("消息:{code}"));
    assert_eq!(
        csv,
        "\u{FEFF}row,column,code,message,value\r\n\
         ,,too-many-errors,消息:too-many-errors,12345\r\n\
         3,name,too-long,消息:too-long,\"a \"\"quoted\"\", text\"\r\n\
         4,employer_name,text-invalid,消息:text-invalid,\"'=HYPERLINK(\"\"x\"\")\"\r\n\
         5,resident_id,resident-id-check,消息:resident-id-check,\r\n"
    );
    // And it reads back as the same list.
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[1][4], "a \"quoted\", text");
}

#[test]
fn the_error_kinds_display() {
    let error = import("").unwrap_err();
    assert_eq!(error.to_string(), "roster refused: no-rows");
    assert_eq!(error.errors().len(), 1);
}
