//! National identifiers with their published check characters.

use std::fmt;

use serde::Serialize;

use crate::{CalendarError, Date, FieldError};

/// A resident identity number (居民身份证号码), GB 11643-1999: 17 digits and a check
/// character (`0`-`9` or `X`), with the holder's birth date at positions 7-14.
///
/// `Debug` and `Display` show the masked form, so the number cannot reach a log by accident;
/// [`ResidentId::expose`] is the one way to get the full number (for encryption at rest).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String, Date);

/// The province-level divisions of GB/T 2260 (the first two digits of every resident
/// identity number), plus 83, which the residence permits of Taiwan residents use
/// (81 and 82 are Hong Kong's and Macao's).
const PROVINCE_CODES: [&str; 35] = [
    "11", "12", "13", "14", "15", // 北京 天津 河北 山西 内蒙古
    "21", "22", "23", // 辽宁 吉林 黑龙江
    "31", "32", "33", "34", "35", "36",
    "37", // 上海 江苏 浙江 安徽 福建 江西 山东
    "41", "42", "43", "44", "45", "46", // 河南 湖北 湖南 广东 广西 海南
    "50", "51", "52", "53", "54", // 重庆 四川 贵州 云南 西藏
    "61", "62", "63", "64", "65", // 陕西 甘肃 青海 宁夏 新疆
    "71", "81", "82", "83", // 台湾 香港 澳门, Taiwan residents' permits
];

const GB11643_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK: &[u8; 11] = b"10X98765432";

impl ResidentId {
    pub fn parse(raw: &str) -> Result<ResidentId, FieldError> {
        const FIELD: &str = "resident_id";
        let value = raw.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(FieldError::new(FIELD, "required"));
        }
        let bytes = value.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(FieldError::new(FIELD, "resident-id-format"));
        }
        let sum: u32 = bytes[..17]
            .iter()
            .zip(GB11643_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if GB11643_CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(FieldError::new(FIELD, "resident-id-check"));
        }
        if !PROVINCE_CODES.contains(&&value[..2]) {
            return Err(FieldError::new(FIELD, "resident-id-region"));
        }
        // Positions 7-14 are YYYYMMDD; a holder born outside the platform's calendar
        // (before 1900) cannot be dated by it, so the number is refused here.
        let d = &value[6..14];
        let birth = match format!("{}-{}-{}", &d[0..4], &d[4..6], &d[6..8]).parse::<Date>() {
            Ok(birth) => birth,
            Err(CalendarError::OutOfRange(_)) => {
                return Err(FieldError::new(FIELD, "resident-id-birth-out-of-range"));
            }
            Err(_) => return Err(FieldError::new(FIELD, "resident-id-birth-date")),
        };
        Ok(ResidentId(value, birth))
    }

    /// The holder's date of birth.
    pub fn birth(&self) -> Date {
        self.1
    }

    /// `1101**********002X`: the region and the last four, as shown to anyone but the owner.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for ResidentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

/// A unified social credit code (统一社会信用代码), GB 32100-2015: 17 characters and a
/// check character over the 31-symbol alphabet that leaves out I, O, Z, S and V.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CreditCode(String);

const GB32100_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const GB32100_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    pub fn parse(raw: &str) -> Result<CreditCode, FieldError> {
        const FIELD: &str = "credit_code";
        let value = raw.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(FieldError::new(FIELD, "required"));
        }
        let bytes = value.as_bytes();
        let codes: Option<Vec<u32>> = bytes
            .iter()
            .map(|b| {
                GB32100_ALPHABET
                    .iter()
                    .position(|a| a == b)
                    .map(|p| p as u32)
            })
            .collect();
        let Some(codes) = codes.filter(|c| c.len() == 18) else {
            return Err(FieldError::new(FIELD, "credit-code-format"));
        };
        let sum: u32 = codes[..17]
            .iter()
            .zip(GB32100_WEIGHTS)
            .map(|(c, w)| c * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if codes[17] != check {
            return Err(FieldError::new(FIELD, "credit-code-check"));
        }
        Ok(CreditCode(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked examples printed in GB 11643-1999 itself.
    #[test]
    fn published_resident_ids_are_valid() {
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        // Valid by GB 11643, but born in 1880: before the platform's calendar.
        assert_eq!(
            ResidentId::parse("440524188001010014"),
            Err(FieldError::new(
                "resident_id",
                "resident-id-birth-out-of-range"
            ))
        );
        let id = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(id.birth(), Date::new(1949, 12, 31).unwrap());
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "ResidentId(1101**********002X)");
    }

    fn with_check_char(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .zip(GB11643_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{body}{}", GB11643_CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn the_region_must_be_a_province_level_division() {
        for region in [
            "00", "10", "19", "20", "30", "38", "47", "55", "60", "66", "70", "80", "84", "90",
            "99",
        ] {
            let id = with_check_char(&format!("{region}010519491231002"));
            assert_eq!(
                ResidentId::parse(&id).unwrap_err().code,
                "resident-id-region",
                "{id}"
            );
        }
        for region in ["11", "13", "46", "54", "65", "71", "81", "82", "83"] {
            let id = with_check_char(&format!("{region}010519491231002"));
            assert!(ResidentId::parse(&id).is_ok(), "{id}");
        }
    }

    #[test]
    fn resident_id_errors_are_specific() {
        assert_eq!(
            ResidentId::parse("110105194912310021").unwrap_err().code,
            "resident-id-check"
        );
        assert_eq!(
            ResidentId::parse("1101051949123100").unwrap_err().code,
            "resident-id-format"
        );
        assert_eq!(
            ResidentId::parse("11010519491231002Y").unwrap_err().code,
            "resident-id-format"
        );
        // 1949-02-30 does not exist; the check digit below is correct for these 17 digits.
        let body = "11010519490230002";
        let sum: u32 = body
            .bytes()
            .zip(GB11643_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let id = format!("{body}{}", GB11643_CHECK[(sum % 11) as usize] as char);
        assert_eq!(
            ResidentId::parse(&id).unwrap_err().code,
            "resident-id-birth-date"
        );
    }

    // Published examples of valid codes (business licences reproduced in GB 32100 guides).
    #[test]
    fn published_credit_codes_are_valid() {
        for code in ["91350100M000100Y43", "91110000802100433B"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn credit_code_errors_are_specific() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44").unwrap_err().code,
            "credit-code-check"
        );
        // I, O, Z, S, V are not in the alphabet.
        assert_eq!(
            CreditCode::parse("91350100M000100YI3").unwrap_err().code,
            "credit-code-format"
        );
        assert_eq!(
            CreditCode::parse("913501").unwrap_err().code,
            "credit-code-format"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_single_digit_change_breaks_a_resident_id(pos in 0usize..17, delta in 1u8..10) {
            let mut bytes = b"11010519491231002X".to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(ResidentId::parse(&changed).is_err());
        }
    }
}
