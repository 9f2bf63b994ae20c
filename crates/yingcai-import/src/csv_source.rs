//! Reading a CSV table: UTF-8 (with or without a BOM), comma-separated, RFC 4180 quoting,
//! any line ending.

use crate::check::{Row, Sheet};
use crate::{ImportError, codes, file_error};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn parse<S: Sheet>(bytes: &[u8], mut sheet: S) -> Result<S::Output, ImportError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    // Checked for the whole file first: a GB18030 file (Excel's plain "CSV" on a Chinese
    // system) would otherwise show up as a garbled name in every row, not one clear answer.
    if let Err(error) = std::str::from_utf8(body) {
        let line = body[..error.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(file_error(codes::ENCODING_NOT_UTF8, format!("row {line}")));
    }

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows of the wrong length are reported per row, not as a failure of the file.
        .flexible(true)
        .from_reader(body);
    let mut record = csv::StringRecord::new();
    // The header's width, once it is read.
    let mut width: Option<usize> = None;
    let mut lines = LineCounter {
        body,
        offset: 0,
        line: 1,
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(file_error(codes::FILE_UNREADABLE, String::new())),
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let number = lines.line_at(start);
        let cells = || record.iter().map(str::to_owned).collect::<Vec<_>>();
        match width {
            None => {
                sheet.header(number, &cells())?;
                width = Some(record.len());
            }
            Some(width) => {
                let row = if record.len() == width {
                    Row {
                        number,
                        cells: cells(),
                        ..Row::default()
                    }
                } else {
                    Row {
                        number,
                        length_mismatch: Some(record.len()),
                        ..Row::default()
                    }
                };
                sheet.row(row)?;
            }
        }
    }
    match width {
        Some(_) => sheet.finish(),
        None => Err(file_error(codes::NO_ROWS, String::new())),
    }
}

/// Line numbers of record starts. The csv crate's own `Position::line` counts a CRLF's `\n`
/// and a blank line as the start of the next record, so lines are counted here.
struct LineCounter<'a> {
    body: &'a [u8],
    /// Where counting has reached, and the 1-based line there.
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    /// The line on which the record read from byte `start` begins: what an editor shows,
    /// and what a spreadsheet shows unless a quoted cell above spans lines. Any line ends
    /// (`\n`, `\r\n`, `\r`) at `start` belong to the previous record or blank lines.
    fn line_at(&mut self, start: usize) -> usize {
        let body = self.body;
        let mut start = start.clamp(self.offset, body.len());
        while start < body.len() && matches!(body[start], b'\r' | b'\n') {
            start += 1;
        }
        for i in self.offset..start {
            let line_end = match body[i] {
                b'\n' => true,
                b'\r' => body.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(line_end);
        }
        self.offset = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_for_every_kind_of_line_end() {
        let body = b"a\r\nb\n\nc\rd\r\n\r\ne";
        let mut lines = LineCounter {
            body,
            offset: 0,
            line: 1,
        };
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2, "from the \\n of a CRLF");
        assert_eq!(lines.line_at(5), 4, "after a blank line");
        assert_eq!(lines.line_at(8), 5, "after a lone CR");
        assert_eq!(lines.line_at(9), 7, "a line end at the start is skipped");
        assert_eq!(lines.line_at(13), 7);
    }
}
