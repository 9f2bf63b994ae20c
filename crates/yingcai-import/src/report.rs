//! The error list as a CSV download.

use crate::RowError;

/// The error list as CSV, columns `row,column,code,message,value`, for the officer to
/// download next to the roster being fixed. `message` turns a code into text in the
/// officer's language (the caller owns the translations).
///
/// Made for Excel, where such a file is opened: it starts with a UTF-8 BOM (without it,
/// Excel reads UTF-8 as the local code page and garbles Chinese), lines end in CRLF, the row
/// is left empty for a file-level problem, and a text cell starting with `=`, `+`, `-`, `@`
/// or a tab gets a leading `'`, so a cell copied from the roster cannot run as a formula.
pub fn errors_to_csv(errors: &[RowError], message: impl Fn(&str) -> String) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = |fields: [&str; 5]| {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(fields);
    };
    write(["row", "column", "code", "message", "value"]);
    for error in errors {
        let row = if error.row == 0 {
            String::new()
        } else {
            error.row.to_string()
        };
        let message = defuse(&message(error.code));
        let value = defuse(&error.value);
        write([&row, &defuse(&error.column), error.code, &message, &value]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from("\u{FEFF}");
    // Every field written was a `&str`, so the bytes are UTF-8.
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// Spreadsheet formula injection (CWE-1236): a leading `'` makes Excel show the text as is.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
