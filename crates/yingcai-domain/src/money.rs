//! Money in integer fen (分, 1/100 yuan). Never a float.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in fen. Arithmetic is checked: an overflow is a bug, never a silent wrap.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }
}

/// A non-negative decimal with at most two decimals, in hundredths (`1500.5` → `150050`).
///
/// Read from the text, digit by digit, never through a float: `0.1` yuan is 10 fen exactly,
/// and what the officer typed is what is stored. An XLSX number arrives as the shortest
/// text that reads back as the same float (`1500.5`), which is what was typed; a computed
/// cell like `0.30000000000000004` has more than two decimals and is refused rather than
/// rounded. Thousands separators (`1,500.00`), signs, spaces, exponents and full-width
/// digits are refused: each has a reading that is not obviously the officer's. `12.` is
/// accepted. Callers trim the text first.
pub fn parse_hundredths(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value: i64 = 0;
    // The fraction padded to two digits: `.5` is 50 hundredths.
    let fraction = fraction.bytes().chain(std::iter::repeat(b'0')).take(2);
    for b in whole.bytes().chain(fraction) {
        value = value.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some(value)
}

/// `¥1,234.56` (negative: `-¥1,234.56`).
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_are_read_from_the_text_exactly() {
        assert_eq!(super::parse_hundredths("1500"), Some(150_000));
        assert_eq!(super::parse_hundredths("1500.5"), Some(150_050));
        assert_eq!(super::parse_hundredths("1500.05"), Some(150_005));
        assert_eq!(super::parse_hundredths("0.1"), Some(10));
        assert_eq!(super::parse_hundredths("0"), Some(0));
        assert_eq!(super::parse_hundredths("007.50"), Some(750));
        assert_eq!(super::parse_hundredths("12."), Some(1200));
        assert_eq!(super::parse_hundredths("0.07"), Some(7));
        for bad in [
            "",
            ".",
            ".5",
            "1.234",
            "1,500.00",
            "1,500",
            "+1",
            "-1",
            "1e3",
            "1 500",
            "１５００",
            "0.30000000000000004",
            "NaN",
            "inf",
            "1.5.0",
            "1.234",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(super::parse_hundredths(bad), None, "{bad:?}");
        }
        assert_eq!(
            super::parse_hundredths("92233720368547758.07"),
            Some(i64::MAX)
        );
        assert_eq!(
            super::parse_hundredths("92233720368547758.08"),
            None,
            "overflow"
        );
        assert_eq!(super::parse_hundredths(&"9".repeat(40)), None, "overflow");
    }

    use super::*;

    #[test]
    fn formats_with_grouping_and_sign() {
        assert_eq!(Fen::from_yuan(300_000).to_string(), "¥300,000.00");
        assert_eq!(Fen(-123_456).to_string(), "-¥1,234.56");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(i64::MIN).to_string(), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_sub(Fen(2)), Some(Fen(-1)));
    }
}
