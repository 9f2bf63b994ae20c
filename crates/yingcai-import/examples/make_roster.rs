//! Turns a population CSV (shared/data/gen.py) into a roster the import accepts, as CSV and
//! as XLSX: the population columns plus a plausible Chinese `name` and a valid, unique
//! `resident_id` that agrees with the row's `birth_date`.
//!
//! ```text
//! cargo run --release --example make_roster -- \
//!     /tmp/import-data/talents_100000.csv /tmp/import-data/roster_100000
//! ```
//! writes `roster_100000.csv` and `roster_100000.xlsx`. Deterministic: the same input gives
//! the same files.

use std::collections::HashMap;
use std::error::Error;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "欧阳",
];
const GIVEN: [&str; 40] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "华", "建国", "志强", "晓东", "海燕", "文",
    "斌", "宇", "浩", "欣怡", "子涵", "雨", "婷", "博", "思远", "佳", "晨",
];
/// Districts of Shijiazhuang (长安, 桥西, 新华, 裕华, 藁城, 鹿泉, 栾城, 井陉).
const REGIONS: [&str; 8] = [
    "130102", "130104", "130105", "130108", "130109", "130110", "130111", "130121",
];

/// SplitMix64: a fixed, dependency-free mix so names do not follow row order visibly.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn name(row: u64) -> String {
    let h = mix(row);
    let surname = SURNAMES[(h % SURNAMES.len() as u64) as usize];
    let first = GIVEN[((h >> 16) % GIVEN.len() as u64) as usize];
    // About a third of given names have two parts.
    if (h >> 32).is_multiple_of(3) {
        let second = GIVEN[((h >> 40) % GIVEN.len() as u64) as usize];
        format!("{surname}{first}{second}")
    } else {
        format!("{surname}{first}")
    }
}

/// GB 11643: region, birth date, 3-digit sequence, check character.
fn resident_id(region: &str, birth_yyyymmdd: &str, sequence: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{region}{birth_yyyymmdd}{sequence:03}");
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .unwrap_or_else(|| "/tmp/import-data/talents_100000.csv".to_owned());
    let prefix = args
        .next()
        .unwrap_or_else(|| "/tmp/import-data/roster_100000".to_owned());

    let mut reader = csv::Reader::from_path(&input)?;
    let header = reader.headers()?.clone();
    let expected = "id,birth_date,degree,honors,arrival_date,employed_in_city,housing,home_purchase_date,social_insurance_months";
    if header.iter().collect::<Vec<_>>().join(",") != expected {
        return Err(format!("{input}: not a population CSV (header {header:?})").into());
    }

    let mut csv_out = csv::Writer::from_path(format!("{prefix}.csv"))?;
    let mut out_header: Vec<&str> = header.iter().collect();
    out_header.extend(["name", "resident_id"]);
    csv_out.write_record(&out_header)?;

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (column, title) in out_header.iter().enumerate() {
        sheet.write_string(0, column as u16, *title)?;
    }

    // Next sequence number per (region, birth date): a number is unique by construction.
    let mut sequences: HashMap<(usize, String), u32> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut rows: u32 = 0;
    while reader.read_record(&mut record)? {
        rows += 1;
        let row_id: u64 = record[0].parse()?;
        let birth = record[1].replace('-', "");
        let mut region = (mix(row_id ^ 0xA5A5) % REGIONS.len() as u64) as usize;
        let sequence = loop {
            let next = sequences.entry((region, birth.clone())).or_insert(0);
            if *next < 999 {
                *next += 1;
                break *next;
            }
            region = (region + 1) % REGIONS.len();
        };
        let person = name(row_id);
        let id = resident_id(REGIONS[region], &birth, sequence);
        let mut fields: Vec<&str> = record.iter().collect();
        fields.extend([person.as_str(), id.as_str()]);
        csv_out.write_record(&fields)?;

        // The XLSX as an officer's Excel holds it: numbers, dates, booleans, text.
        for (column, value) in fields.iter().enumerate() {
            let column = column as u16;
            if value.is_empty() {
                continue;
            }
            match out_header[column as usize] {
                "id" | "social_insurance_months" => {
                    sheet.write_number(rows, column, value.parse::<f64>()?)?;
                }
                "birth_date" | "arrival_date" | "home_purchase_date" => {
                    let d: jiff::civil::Date = value.parse()?;
                    let excel =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(rows, column, &excel, &date)?;
                }
                "employed_in_city" => {
                    sheet.write_boolean(rows, column, *value == "true")?;
                }
                _ => {
                    sheet.write_string(rows, column, *value)?;
                }
            }
        }
    }
    csv_out.flush()?;
    workbook.save(format!("{prefix}.xlsx"))?;
    eprintln!("wrote {prefix}.csv and {prefix}.xlsx: {rows} rows");
    Ok(())
}
