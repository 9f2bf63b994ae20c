//! The population CSV row format (talents.md), parsed at byte level.
//!
//! The format is fixed and simple (no quoting, fixed-width dates), so a hand-written
//! splitter is both exact about what it accepts and close to the speed of a plain byte
//! scan: `benches/csv.rs` measures it at 3× the `csv` crate's record reader with the
//! same field checks (README, "Performance"). Every field is validated; errors name
//! the line and the column.

use crate::person::{Degree, Housing, Person};
use crate::time::Date;

/// The required header line.
pub const HEADER: &str = "id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months";

/// Column names, in order.
pub const COLUMNS: [&str; 9] = [
    "id",
    "birth_date",
    "degree",
    "honors",
    "arrival_date",
    "employed_in_city",
    "housing",
    "home_purchase_date",
    "social_insurance_months",
];

/// A row problem: which column and what (the caller adds the line number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowFault {
    pub column: &'static str,
    pub message: String,
}

fn fault(col: usize, message: String) -> RowFault {
    RowFault {
        column: COLUMNS[col],
        message,
    }
}

fn shown(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(40)]);
    format!("`{s}`")
}

/// Parses one line (without its `\n`; a trailing `\r` is accepted).
#[inline]
pub(crate) fn parse_row(line: &[u8], honors: &[String]) -> Result<Person, RowFault> {
    person_from_fields(&split_row(line)?, honors)
}

/// The 9 fields of a line (without its `\n`; a trailing `\r` is accepted).
#[inline]
fn split_row(line: &[u8]) -> Result<[&[u8]; 9], RowFault> {
    let line = match line.last() {
        Some(b'\r') => &line[..line.len() - 1],
        _ => line,
    };
    let mut fields: [&[u8]; 9] = [&[]; 9];
    let mut start = 0;
    let mut n = 0;
    for (i, &c) in line.iter().enumerate() {
        if c == b',' {
            if n == 8 {
                return Err(fault(8, "too many columns (expected 9)".into()));
            }
            fields[n] = &line[start..i];
            n += 1;
            start = i + 1;
        }
    }
    if n != 8 {
        return Err(fault(
            n + 1,
            format!("missing column (found {} of 9)", n + 1),
        ));
    }
    fields[8] = &line[start..];
    Ok(fields)
}

/// Checks every field of a row, in column order, and builds the person.
#[inline]
pub(crate) fn person_from_fields(
    fields: &[&[u8]; 9],
    honors: &[String],
) -> Result<Person, RowFault> {
    let id = parse_uint(fields[0])
        .filter(|&v| v > 0)
        .ok_or_else(|| fault(0, format!("{} is not a positive integer", shown(fields[0]))))?;
    let date = |i: usize| {
        Date::parse_bytes(fields[i]).ok_or_else(|| {
            fault(
                i,
                format!(
                    "{} is not a date YYYY-MM-DD from 1900-01-01 to 2200-12-31",
                    shown(fields[i])
                ),
            )
        })
    };
    let birth_date = date(1)?;
    let degree = Degree::parse(fields[2]).ok_or_else(|| {
        fault(
            2,
            format!(
                "{} is not one of none, bachelor, master, phd",
                shown(fields[2])
            ),
        )
    })?;
    let honors_idx = if fields[3].is_empty() {
        0
    } else {
        match honors.iter().position(|h| h.as_bytes() == fields[3]) {
            Some(i) => i as u8 + 1,
            None => {
                return Err(fault(
                    3,
                    format!(
                        "{} is not empty or one of {}",
                        shown(fields[3]),
                        honors.join(", ")
                    ),
                ));
            }
        }
    };
    let arrival_date = date(4)?;
    let employed_in_city = match fields[5] {
        b"true" => true,
        b"false" => false,
        other => return Err(fault(5, format!("{} is not true or false", shown(other)))),
    };
    let housing = Housing::parse(fields[6]).ok_or_else(|| {
        fault(
            6,
            format!(
                "{} is not one of none, rent, talent_apartment, owns",
                shown(fields[6])
            ),
        )
    })?;
    let home_purchase_date = if fields[7].is_empty() {
        None
    } else {
        Some(date(7)?)
    };
    let si = parse_uint(fields[8]).filter(|&v| v <= 600).ok_or_else(|| {
        fault(
            8,
            format!("{} is not an integer in 0..=600", shown(fields[8])),
        )
    })?;
    Ok(Person {
        id,
        birth_date,
        degree,
        honors: honors_idx,
        arrival_date,
        employed_in_city,
        housing,
        home_purchase_date,
        social_insurance_months: si as u16,
    })
}

/// One pass over a row starting at `buf[pos]`: fixed-width fields (dates) are taken by
/// position, variable ones by their first byte, and the line end is found while
/// reading the last field, so each byte is looked at about once. Returns the person and
/// the start of the next line, or `None` on anything unusual — the caller then takes
/// the line with [`parse_row`], which says precisely what is wrong.
#[inline]
pub(crate) fn parse_row_fast(buf: &[u8], pos: usize, honors: &[String]) -> Option<(Person, usize)> {
    let b = buf.get(pos..)?;
    let mut i = 0;
    // id
    let mut id = 0u64;
    let start = i;
    while let Some(&c) = b.get(i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        id = id.checked_mul(10)?.checked_add(d as u64)?;
        i += 1;
    }
    if i == start || i - start > 19 || id == 0 || *b.get(i)? != b',' {
        return None;
    }
    i += 1;
    let birth_date = Date::parse_bytes(b.get(i..i + 10)?)?;
    i += 10;
    if *b.get(i)? != b',' {
        return None;
    }
    i += 1;
    let (degree, len) = match *b.get(i)? {
        b'n' => (Degree::None, 4),
        b'b' => (Degree::Bachelor, 8),
        b'm' => (Degree::Master, 6),
        b'p' => (Degree::Phd, 3),
        _ => return None,
    };
    if b.get(i..i + len)? != degree.as_str().as_bytes() || *b.get(i + len)? != b',' {
        return None;
    }
    i += len + 1;
    let honors_idx = if *b.get(i)? == b',' {
        0
    } else {
        let end = i + b[i..].iter().position(|&c| c == b',' || c == b'\n')?;
        if b[end] != b',' {
            return None;
        }
        let h = honors.iter().position(|h| h.as_bytes() == &b[i..end])? as u8 + 1;
        i = end;
        h
    };
    i += 1;
    let arrival_date = Date::parse_bytes(b.get(i..i + 10)?)?;
    i += 10;
    if *b.get(i)? != b',' {
        return None;
    }
    i += 1;
    let employed_in_city = match b.get(i..i + 5)? {
        b"true," => {
            i += 5;
            true
        }
        b"false" if *b.get(i + 5)? == b',' => {
            i += 6;
            false
        }
        _ => return None,
    };
    let (housing, len) = match *b.get(i)? {
        b'n' => (Housing::None, 4),
        b'r' => (Housing::Rent, 4),
        b't' => (Housing::TalentApartment, 16),
        b'o' => (Housing::Owns, 4),
        _ => return None,
    };
    if b.get(i..i + len)? != housing.as_str().as_bytes() || *b.get(i + len)? != b',' {
        return None;
    }
    i += len + 1;
    let home_purchase_date = if *b.get(i)? == b',' {
        None
    } else {
        let d = Date::parse_bytes(b.get(i..i + 10)?)?;
        i += 10;
        if *b.get(i)? != b',' {
            return None;
        }
        Some(d)
    };
    i += 1;
    let mut si = 0u32;
    let start = i;
    while let Some(&c) = b.get(i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        si = si * 10 + d as u32;
        i += 1;
        if i - start > 3 {
            return None;
        }
    }
    if i == start || si > 600 {
        return None;
    }
    // line end: "\n", "\r\n", or the end of the buffer
    let next = match b.get(i) {
        None => i,
        Some(b'\n') => i + 1,
        Some(b'\r') if b.get(i + 1) == Some(&b'\n') => i + 2,
        _ => return None,
    };
    Some((
        Person {
            id,
            birth_date,
            degree,
            honors: honors_idx,
            arrival_date,
            employed_in_city,
            housing,
            home_purchase_date,
            social_insurance_months: si as u16,
        },
        pos + next,
    ))
}

/// Parses a block of whole lines (no header) as a population worker does: each row by
/// [`parse_row_fast`], and any row it does not take by [`parse_row`], which either
/// accepts it or names the column at fault. Blank lines carry no talent but count as
/// lines. Returns the number of lines, or the 0-based line of the first fault in the
/// block with the fault.
#[inline]
pub(crate) fn parse_block(
    data: &[u8],
    honors: &[String],
    mut each: impl FnMut(&Person),
) -> Result<u64, (u64, RowFault)> {
    let mut lines = 0u64;
    let mut pos = 0;
    while pos < data.len() {
        if let Some((p, next)) = parse_row_fast(data, pos, honors) {
            each(&p);
            lines += 1;
            pos = next;
            continue;
        }
        let end = data[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |e| pos + e);
        let line = &data[pos..end];
        pos = end + 1;
        if !(line.is_empty() || line == b"\r") {
            each(&parse_row(line, honors).map_err(|f| (lines, f))?);
        }
        lines += 1;
    }
    Ok(lines)
}

#[inline]
fn parse_uint(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    Some(v)
}

/// Appends a decimal integer (no allocation).
#[inline]
pub(crate) fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let neg = v < 0;
    let mut u = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Vec<String> {
        crate::person::DEFAULT_HONORS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn parses_the_documented_rows() {
        let p = parse_row(b"1,1982-07-09,bachelor,,2023-09-08,true,rent,,50", &h()).unwrap();
        assert_eq!(p.id, 1);
        assert_eq!(p.degree, Degree::Bachelor);
        assert_eq!(p.home_purchase_date, None);
        let q = parse_row(
            b"2,2001-10-26,master,academician,2024-06-28,true,owns,2024-03-12,43\r",
            &h(),
        )
        .unwrap();
        assert_eq!(q.honors, 1);
        assert_eq!(q.home_purchase_date.unwrap().to_string(), "2024-03-12");
        assert_eq!(q.social_insurance_months, 43);
    }

    #[test]
    fn every_field_is_validated() {
        let bad = |s: &str| parse_row(s.as_bytes(), &h()).unwrap_err().column;
        assert_eq!(bad("0,1982-07-09,bachelor,,2023-09-08,true,rent,,50"), "id");
        assert_eq!(bad("x,1982-07-09,bachelor,,2023-09-08,true,rent,,50"), "id");
        assert_eq!(
            bad("1,1982-02-30,bachelor,,2023-09-08,true,rent,,50"),
            "birth_date"
        );
        assert_eq!(
            bad("1,1982-07-09,doctor,,2023-09-08,true,rent,,50"),
            "degree"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,nobel,2023-09-08,true,rent,,50"),
            "honors"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-9-08,true,rent,,50"),
            "arrival_date"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,yes,rent,,50"),
            "employed_in_city"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,true,hotel,,50"),
            "housing"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,true,owns,2023,50"),
            "home_purchase_date"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,true,owns,,601"),
            "social_insurance_months"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,true,owns,,-1"),
            "social_insurance_months"
        );
        assert_eq!(
            bad("1,1982-07-09,phd,,2023-09-08,true,owns,,1,"),
            "social_insurance_months"
        );
        assert_eq!(bad("1,1982-07-09,phd,,2023-09-08,true"), "housing");
    }

    fn fast_agrees(line: &[u8]) {
        // the fast path reads one line: compare with the checked parse of that line
        let end = line.iter().position(|&c| c == b'\n');
        let first = &line[..end.unwrap_or(line.len())];
        let slow = parse_row(first, &h());
        if let Some((p, next)) = parse_row_fast(line, 0, &h()) {
            assert_eq!(Ok(p), slow, "{}", String::from_utf8_lossy(line));
            assert_eq!(next, end.map_or(line.len(), |e| e + 1));
        }
    }

    #[test]
    fn the_fast_path_accepts_only_what_the_checked_path_accepts() {
        let good = b"12,1982-07-09,master,provincial_leading,2023-09-08,false,talent_apartment,2024-02-29,600\n";
        assert!(parse_row_fast(good, 0, &h()).is_some());
        fast_agrees(good);
        // every single-byte change (deletion, replacement by a field-relevant byte)
        let alphabet = b"0129-,\r\nabnmptfor_x";
        for i in 0..good.len() {
            let mut del = good.to_vec();
            del.remove(i);
            fast_agrees(&del);
            for &c in alphabet {
                let mut rep = good.to_vec();
                rep[i] = c;
                fast_agrees(&rep);
                let mut ins = good.to_vec();
                ins.insert(i, c);
                fast_agrees(&ins);
            }
        }
        for l in [
            &b"1,1982-07-09,bachelor,,2023-09-08,true,rent,,50"[..],
            b"1,1982-07-09,bachelor,,2023-09-08,true,rent,,50\r\n",
            b"1,1982-07-09,none,academician,2023-09-08,true,owns,2023-01-31,0\n",
        ] {
            assert!(parse_row_fast(l, 0, &h()).is_some());
            fast_agrees(l);
        }
    }

    #[test]
    fn ints_format() {
        let mut v = Vec::new();
        push_int(&mut v, -120);
        v.push(b',');
        push_int(&mut v, 0);
        v.push(b',');
        push_int(&mut v, 30000000);
        assert_eq!(v, b"-120,0,30000000");
    }
}
