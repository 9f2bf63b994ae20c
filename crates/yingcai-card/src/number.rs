//! Card numbers of the form `SJZ-YYYY-NNNNNN-C`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The city prefix every card number starts with.
pub const CARD_PREFIX: &str = "SJZ";

/// Largest serial that fits the six-digit serial field.
pub const MAX_SERIAL: u32 = 999_999;

/// Largest year that fits the four-digit year field.
pub const MAX_YEAR: i16 = 9999;

// "SJZ-" + 4 + "-" + 6 + "-" + 1
const CARD_NUMBER_LEN: usize = 17;

/// A validated green-card number such as `SJZ-2026-000123-6`.
///
/// The final character is an ISO 7064 MOD 11-2 check character (the scheme of
/// the national ID number, GB 11643) over the ten digits `YYYYNNNNNN`, so any
/// single mistyped digit and any swap of two adjacent digits is detected.
///
/// ```
/// use yingcai_card::CardNumber;
///
/// let n = CardNumber::new(2026, 123)?;
/// assert_eq!(n.to_string(), "SJZ-2026-000123-6");
/// assert_eq!("SJZ-2026-000123-6".parse::<CardNumber>()?, n);
/// assert!("SJZ-2026-000124-6".parse::<CardNumber>().is_err());
/// # Ok::<(), yingcai_card::CardNumberError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber {
    year: u16,
    serial: u32,
}

/// Why a card number could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CardNumberError {
    /// The year is outside `0..=9999`.
    #[error("year {year} does not fit in four digits")]
    YearOutOfRange {
        /// The rejected year.
        year: i16,
    },
    /// The serial is larger than [`MAX_SERIAL`].
    #[error("serial {serial} does not fit in six digits")]
    SerialOutOfRange {
        /// The rejected serial.
        serial: u32,
    },
    /// The text does not have the length of `SJZ-YYYY-NNNNNN-C`.
    #[error("card number must be {CARD_NUMBER_LEN} characters (SJZ-YYYY-NNNNNN-C), got {len}")]
    WrongLength {
        /// Length of the rejected text, in characters.
        len: usize,
    },
    /// The text does not start with `SJZ-`.
    #[error("card number must start with \"{CARD_PREFIX}-\"")]
    BadPrefix,
    /// A character that must be `-` is something else.
    #[error("expected '-' at position {position}")]
    MissingSeparator {
        /// Zero-based character position.
        position: usize,
    },
    /// A character that must be a decimal digit is something else.
    #[error("expected a digit at position {position}")]
    NotADigit {
        /// Zero-based character position.
        position: usize,
    },
    /// The check character does not match the digits.
    #[error("check character is '{found}' but the digits require '{expected}'")]
    CheckMismatch {
        /// The check character the digits call for.
        expected: char,
        /// The check character found in the text.
        found: char,
    },
}

impl CardNumber {
    /// Builds the card number for `serial` issued in `year`, computing its
    /// check character.
    pub fn new(year: i16, serial: u32) -> Result<Self, CardNumberError> {
        let year_u16 = u16::try_from(year)
            .ok()
            .filter(|y| *y <= MAX_YEAR as u16)
            .ok_or(CardNumberError::YearOutOfRange { year })?;
        if serial > MAX_SERIAL {
            return Err(CardNumberError::SerialOutOfRange { serial });
        }
        Ok(Self {
            year: year_u16,
            serial,
        })
    }

    /// The year field.
    pub fn year(&self) -> i16 {
        // Constructors cap the year at 9999, so this never truncates.
        self.year as i16
    }

    /// The serial field.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// The check character (`0`-`9` or `X`).
    pub fn check_char(&self) -> char {
        mod11_2_check_char(&self.digits())
    }

    fn digits(&self) -> [u8; 10] {
        let mut out = [0u8; 10];
        let mut y = self.year;
        for d in out[..4].iter_mut().rev() {
            *d = (y % 10) as u8;
            y /= 10;
        }
        let mut s = self.serial;
        for d in out[4..].iter_mut().rev() {
            *d = (s % 10) as u8;
            s /= 10;
        }
        out
    }
}

/// ISO 7064 MOD 11-2 check character for a string of decimal digits.
///
/// Digit `i` (0-based from the left, of `n`) is weighted `2^(n-i) mod 11`,
/// which for `n = 17` gives exactly the GB 11643 weights `7 9 10 5 …`.
pub(crate) fn mod11_2_check_char(digits: &[u8]) -> char {
    const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let mut sum = 0u32;
    let mut weight = 1u32;
    // Walking from the right lets the weight be a running doubling mod 11.
    for &d in digits.iter().rev() {
        weight = (weight * 2) % 11;
        sum += u32::from(d) * weight;
    }
    CHECK_CHARS[(sum % 11) as usize]
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{CARD_PREFIX}-{:04}-{:06}-{}",
            self.year,
            self.serial,
            self.check_char()
        )
    }
}

impl FromStr for CardNumber {
    type Err = CardNumberError;

    /// Parses the canonical form only (upper-case `SJZ` and `X`), so that a
    /// number has exactly one spelling in signed tokens and databases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != CARD_NUMBER_LEN {
            return Err(CardNumberError::WrongLength { len: chars.len() });
        }
        if !s.starts_with(CARD_PREFIX) {
            return Err(CardNumberError::BadPrefix);
        }
        for position in [3, 8, 15] {
            if chars[position] != '-' {
                return Err(CardNumberError::MissingSeparator { position });
            }
        }
        let digit = |position: usize| -> Result<u32, CardNumberError> {
            chars[position]
                .to_digit(10)
                .ok_or(CardNumberError::NotADigit { position })
        };
        let mut year = 0u16;
        for position in 4..8 {
            year = year * 10 + digit(position)? as u16;
        }
        let mut serial = 0u32;
        for position in 9..15 {
            serial = serial * 10 + digit(position)?;
        }
        let number = CardNumber { year, serial };
        let expected = number.check_char();
        let found = chars[16];
        if found != expected {
            return Err(CardNumberError::CheckMismatch { expected, found });
        }
        Ok(number)
    }
}

impl TryFrom<String> for CardNumber {
    type Error = CardNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CardNumber> for String {
    fn from(value: CardNumber) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Independent validity rule from ISO 7064: with the check value counted
    /// at weight 1, the weighted sum of a valid string is 1 mod 11.
    fn iso7064_valid(digits: &[u8], check: char) -> bool {
        let n = digits.len() as u32;
        let mut sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, &d)| u64::from(d) * (2u64.pow(n - i as u32) % 11))
            .sum();
        sum += if check == 'X' {
            10
        } else {
            u64::from(check.to_digit(10).unwrap())
        };
        sum % 11 == 1
    }

    #[test]
    fn hand_computed_examples() {
        // 2026000123: weights 1 6 3 7 9 10 5 8 4 2 -> 2+0+6+42+0+0+0+8+8+6 = 72;
        // 72 mod 11 = 6 -> table "10X98765432"[6] = '6'.
        assert_eq!(
            CardNumber::new(2026, 123).unwrap().to_string(),
            "SJZ-2026-000123-6"
        );
        // 2026000000: 2+0+6+42 = 50; 50 mod 11 = 6 -> '6'.
        assert_eq!(
            CardNumber::new(2026, 0).unwrap().to_string(),
            "SJZ-2026-000000-6"
        );
        // 2025000001: 2+0+6+35+2 = 45; 45 mod 11 = 1 -> '0'.
        assert_eq!(
            CardNumber::new(2025, 1).unwrap().to_string(),
            "SJZ-2025-000001-0"
        );
        // 2024000003: 2+0+6+28+6 = 42; 42 mod 11 = 9 -> '3'.
        assert_eq!(
            CardNumber::new(2024, 3).unwrap().to_string(),
            "SJZ-2024-000003-3"
        );
        // 2024000005: 2+0+6+28+10 = 46; 46 mod 11 = 2 -> 'X'.
        assert_eq!(
            CardNumber::new(2024, 5).unwrap().to_string(),
            "SJZ-2024-000005-X"
        );
    }

    #[test]
    fn algorithm_matches_gb11643_sample_id() {
        // The sample citizen ID number printed in GB 11643-1999.
        let id = b"11010519491231002";
        let digits: Vec<u8> = id.iter().map(|b| b - b'0').collect();
        assert_eq!(mod11_2_check_char(&digits), 'X');
    }

    #[test]
    fn check_char_agrees_with_iso7064_rule() {
        for year in [0, 1999, 2024, 2026, 9999] {
            for serial in (0..=MAX_SERIAL).step_by(7919) {
                let n = CardNumber::new(year, serial).unwrap();
                assert!(iso7064_valid(&n.digits(), n.check_char()), "{n}");
            }
        }
    }

    #[test]
    fn parse_round_trip_and_accessors() {
        let n: CardNumber = "SJZ-2024-000005-X".parse().unwrap();
        assert_eq!((n.year(), n.serial(), n.check_char()), (2024, 5, 'X'));
        assert_eq!(n.to_string(), "SJZ-2024-000005-X");
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let alphabet: Vec<char> = "0123456789XSJZABx- ".chars().collect();
        for (year, serial) in [(2026, 123), (2024, 5), (2030, 999_999), (0, 0)] {
            let good = CardNumber::new(year, serial).unwrap().to_string();
            let chars: Vec<char> = good.chars().collect();
            for pos in 0..chars.len() {
                for &c in &alphabet {
                    if c == chars[pos] {
                        continue;
                    }
                    let mut bad = chars.clone();
                    bad[pos] = c;
                    let bad: String = bad.into_iter().collect();
                    assert!(bad.parse::<CardNumber>().is_err(), "{bad} was accepted");
                }
            }
        }
    }

    #[test]
    fn adjacent_digit_swaps_are_caught() {
        let good = CardNumber::new(2026, 123_456).unwrap().to_string();
        let chars: Vec<char> = good.chars().collect();
        for pos in 4..15 {
            let (a, b) = (chars[pos], chars[pos + 1]);
            if a == b || !a.is_ascii_digit() || !b.is_ascii_digit() {
                continue;
            }
            let mut bad = chars.clone();
            bad.swap(pos, pos + 1);
            let bad: String = bad.into_iter().collect();
            assert!(bad.parse::<CardNumber>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn precise_errors() {
        use CardNumberError::*;
        let p = |s: &str| s.parse::<CardNumber>().unwrap_err();
        assert_eq!(p("SJZ-2026-000123"), WrongLength { len: 15 });
        assert_eq!(p("sjz-2026-000123-6"), BadPrefix);
        assert_eq!(p("SJZ-2026_000123-6"), MissingSeparator { position: 8 });
        assert_eq!(p("SJZ-2026-00a123-6"), NotADigit { position: 11 });
        assert_eq!(
            p("SJZ-2026-000123-7"),
            CheckMismatch {
                expected: '6',
                found: '7'
            }
        );
        assert_eq!(
            p("SJZ-2024-000005-x"),
            CheckMismatch {
                expected: 'X',
                found: 'x'
            }
        );
        // Multi-byte characters must not panic on byte indexing.
        assert_eq!(p("SJZ-2026-00０123-6"), NotADigit { position: 11 });
        assert_eq!(CardNumber::new(-1, 0), Err(YearOutOfRange { year: -1 }));
        assert_eq!(
            CardNumber::new(10_000, 0),
            Err(YearOutOfRange { year: 10_000 })
        );
        assert_eq!(
            CardNumber::new(2026, 1_000_000),
            Err(SerialOutOfRange { serial: 1_000_000 })
        );
    }

    #[test]
    fn serde_as_string() {
        let n = CardNumber::new(2026, 123).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"SJZ-2026-000123-6\"");
        let back: CardNumber = serde_json::from_str("\"SJZ-2026-000123-6\"").unwrap();
        assert_eq!(back, n);
        assert!(serde_json::from_str::<CardNumber>("\"SJZ-2026-000123-5\"").is_err());
    }
}
