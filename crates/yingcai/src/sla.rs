//! `yingcai sla clock`: service deadlines in working time over a file of cases, on the same
//! calendar as the platform (`yingcai_worktime`). No database.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yingcai_worktime::{BeijingMinute, WorkCalendar};

#[derive(Subcommand)]
pub enum SlaCommand {
    /// For each case, the instant its target of working minutes is reached and the working
    /// minutes from its start to its end: reads `case,start,minutes,end` (instants as
    /// YYYY-MM-DDTHH:MM, Beijing time), writes `case,due,elapsed` in the same order. Any bad
    /// row, or an instant in a year the calendar has no data for, refuses the file (exit
    /// code 2).
    Clock {
        /// The cases (CSV with the header case,start,minutes,end).
        #[arg(long, value_name = "FILE.csv")]
        cases: PathBuf,
        /// Where to write `case,due,elapsed`. Written whole or not at all.
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
        /// A working-time calendar file (the format `sla calendar` prints) [default: the
        /// built-in calendar, 2025 and 2026].
        #[arg(long, value_name = "FILE.toml")]
        calendar: Option<PathBuf>,
    },
    /// Print the built-in working-time calendar file (holidays and make-up days of each
    /// year, working hours): the model for a file that adds a year.
    Calendar,
}

pub fn run(command: SlaCommand) -> ExitCode {
    match command {
        SlaCommand::Clock {
            cases,
            out,
            calendar,
        } => clock_file(&cases, &out, calendar.as_deref()),
        SlaCommand::Calendar => {
            print!("{}", WorkCalendar::builtin_toml());
            ExitCode::SUCCESS
        }
    }
}

fn refuse(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn clock_file(cases: &Path, out: &Path, calendar: Option<&Path>) -> ExitCode {
    let calendar = match calendar {
        None => WorkCalendar::builtin(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => return refuse(format!("{}: {e}", path.display())),
            };
            match WorkCalendar::from_toml(&text) {
                Ok(calendar) => calendar,
                Err(e) => return refuse(format!("{}: {e}", path.display())),
            }
        }
    };
    let input = match std::fs::read(cases) {
        Ok(bytes) => bytes,
        Err(e) => return refuse(format!("{}: {e}", cases.display())),
    };
    let mut refusal = None;
    let mut rows = 0u64;
    let written =
        super::write_atomically(out, |w| match clock_rows(&calendar, &input, w, &mut rows) {
            Ok(()) => Ok(()),
            Err(Row::Bad(message)) => {
                refusal = Some(message);
                Err(io::Error::other("the cases file is refused"))
            }
            Err(Row::Write(e)) => Err(e),
        });
    if let Some(message) = refusal {
        return refuse(format!("{}: {message}", cases.display()));
    }
    match written {
        Ok(()) => {
            eprintln!("{rows} cases clocked; written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => crate::fail(&e),
    }
}

enum Row {
    /// A row (or the header) that is not a case: line, field and why.
    Bad(String),
    Write(io::Error),
}

impl From<io::Error> for Row {
    fn from(e: io::Error) -> Row {
        Row::Write(e)
    }
}

const HEADER: [&str; 4] = ["case", "start", "minutes", "end"];

fn clock_rows(
    calendar: &WorkCalendar,
    input: &[u8],
    w: &mut impl Write,
    rows: &mut u64,
) -> Result<(), Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        Row::Bad(format!("line {line}: not CSV: {e}"))
    };
    let header_ok = reader.read_byte_record(&mut record).map_err(csv_error)?
        && record.len() == HEADER.len()
        && record
            .iter()
            .zip(HEADER)
            .all(|(got, want)| got.trim_ascii() == want.as_bytes());
    if !header_ok {
        return Err(Row::Bad(format!(
            "line 1: expected the header {}",
            HEADER.join(",")
        )));
    }
    w.write_all(b"case,due,elapsed\n")?;
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != HEADER.len() {
            return Err(Row::Bad(format!(
                "line {line}: expected {} fields ({}), found {}",
                HEADER.len(),
                HEADER.join(","),
                record.len()
            )));
        }
        let bad = |field: &str, why: String| Row::Bad(format!("line {line}, field {field}: {why}"));
        let case = &record[0];
        if case.is_empty() {
            return Err(bad("case", "is empty".to_owned()));
        }
        let start = instant(&record[1]).map_err(|why| bad("start", why))?;
        let minutes = minutes(&record[2]).map_err(|why| bad("minutes", why))?;
        let end = instant(&record[3]).map_err(|why| bad("end", why))?;
        // Due in no time: refused only when the start's year has no data.
        if let Err(e) = calendar.due(start, 0) {
            return Err(bad("start", e.to_string()));
        }
        let due = calendar
            .due(start, minutes)
            .map_err(|e| bad("minutes", format!("the due instant cannot be known: {e}")))?;
        let elapsed = calendar
            .elapsed(start, end)
            .map_err(|e| bad("end", e.to_string()))?;
        write_field(w, case)?;
        let mut line = [0u8; 1 + 16 + 1 + 20 + 1];
        line[0] = b',';
        line[1..17].copy_from_slice(&due.to_bytes());
        line[17] = b',';
        let digits = decimal(elapsed, &mut line[18..38]);
        line[18 + digits] = b'\n';
        w.write_all(&line[..19 + digits])?;
        *rows += 1;
    }
    Ok(())
}

fn instant(raw: &[u8]) -> Result<BeijingMinute, String> {
    if let Some(t) = BeijingMinute::parse_bytes(raw) {
        return Ok(t);
    }
    match String::from_utf8_lossy(raw).parse::<BeijingMinute>() {
        Ok(t) => Ok(t),
        Err(e) => Err(e.to_string()),
    }
}

fn minutes(raw: &[u8]) -> Result<u64, String> {
    let refused = || {
        format!(
            "`{}` is not a whole number of working minutes",
            String::from_utf8_lossy(raw)
        )
    };
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return Err(refused());
    }
    raw.iter()
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .ok_or_else(|| format!("`{}` minutes is too many", String::from_utf8_lossy(raw)))
}

/// Writes `n` in decimal at the start of `out`, returning the number of digits.
fn decimal(mut n: u64, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    out[..len].copy_from_slice(&digits[i..]);
    len
}

/// A CSV field as read, quoted only if it has to be.
fn write_field(w: &mut impl Write, field: &[u8]) -> io::Result<()> {
    if !field
        .iter()
        .any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r'))
    {
        return w.write_all(field);
    }
    w.write_all(b"\"")?;
    for part in field.split_inclusive(|&c| c == b'"') {
        w.write_all(part)?;
        if part.last() == Some(&b'"') {
            w.write_all(b"\"")?;
        }
    }
    w.write_all(b"\"")
}
