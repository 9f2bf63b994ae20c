//! Money in integer fen (分, 1/100 yuan). Never a float.
//!
//! An amount is printed in one of three named forms, each with a reader that is its exact
//! inverse, so what a page, a report or a bank file shows reads back as the same fen:
//!
//! | form | where | `Fen(123_456)` | `Fen(-250)` | reader |
//! |---|---|---|---|---|
//! | [`Fen::yuan_grouped`] | pages, explanations, the command line | `¥1,234.56` | `-¥2.50` | [`Fen::parse_yuan_grouped`] |
//! | [`Fen::bank_plain`] | bank files (CSV `amount_yuan`) | `1234.56` | `-2.50` | [`Fen::parse_bank_plain`] |
//! | [`Fen::wan_yuan`] | reports and charts of large sums | `0.12万元` | `0.00万元` | [`Fen::parse_wan_yuan`] |
//!
//! A negative amount carries its minus sign before everything else (`-¥2.50`), as Chinese
//! financial statements print it. `万元` is rounded to 0.01 万元 (100 yuan), so it reads back
//! as the amount rounded, not the amount: see [`Fen::wan_yuan`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in fen. Arithmetic is checked: an overflow is a bug, never a silent wrap.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Fen in one 万元 (10,000 yuan).
const FEN_PER_WAN: u64 = 1_000_000;
/// Fen in 0.01 万元, the step [`Fen::wan_yuan`] rounds to.
const FEN_PER_WAN_HUNDREDTH: u64 = FEN_PER_WAN / 100;

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

    /// `¥1,234.56`, `-¥2.50`, `¥0.00`: yuan with thousands separators and always two
    /// decimals. What people read, on pages, in explanations and on the command line.
    pub fn yuan_grouped(self) -> String {
        let abs = self.0.unsigned_abs();
        let mut out = String::with_capacity(32);
        if self.0 < 0 {
            out.push('-');
        }
        out.push('¥');
        push_grouped(&mut out, abs / 100);
        push_hundredths(&mut out, abs % 100);
        out
    }

    /// Reads exactly what [`Fen::yuan_grouped`] prints and nothing else: `¥`, separators
    /// every three digits, two decimals, no leading zeros, no minus on zero.
    pub fn parse_yuan_grouped(text: &str) -> Option<Fen> {
        let (negative, rest) = split_sign(text);
        let (whole, cents) = rest.strip_prefix('¥')?.split_once('.')?;
        let magnitude = read_grouped(whole)?
            .checked_mul(100)?
            .checked_add(read_two_digits(cents)?)?;
        signed(negative, magnitude)
    }

    /// `1234.56`, `-2.50`, `0.00`: yuan with two decimals and nothing else, as the bank
    /// file's `amount_yuan` column carries it (the bank reads it as a number).
    pub fn bank_plain(self) -> String {
        let abs = self.0.unsigned_abs();
        let mut out = String::with_capacity(24);
        if self.0 < 0 {
            out.push('-');
        }
        out.push_str(&(abs / 100).to_string());
        push_hundredths(&mut out, abs % 100);
        out
    }

    /// Reads a plain decimal: an optional `-` then what [`parse_hundredths`] reads (so
    /// `1500.5` and `12.` are read too, as forms and imports accept them). Every text
    /// [`Fen::bank_plain`] prints reads back as the same amount; a minus on zero is refused.
    pub fn parse_bank_plain(text: &str) -> Option<Fen> {
        let (negative, rest) = split_sign(text);
        signed(negative, read_hundredths(rest)?)
    }

    /// `12.35万元`, `-1,234.50万元`, `0.00万元`: 万元 (10,000 yuan) with thousands separators
    /// and two decimals, for reports and charts of large sums.
    ///
    /// Rounded to the nearest 0.01 万元 (100 yuan), halves away from zero (四舍五入 on the
    /// amount's size, so `-¥50.00` and `¥50.00` both print as 0.01万元 with their sign).
    /// An amount that rounds to zero prints as `0.00万元`, never with a minus.
    pub fn wan_yuan(self) -> String {
        // |i64::MIN| + 5,000 still fits in a u64.
        let hundredths =
            (self.0.unsigned_abs() + FEN_PER_WAN_HUNDREDTH / 2) / FEN_PER_WAN_HUNDREDTH;
        let mut out = String::with_capacity(32);
        if self.0 < 0 && hundredths != 0 {
            out.push('-');
        }
        push_grouped(&mut out, hundredths / 100);
        push_hundredths(&mut out, hundredths % 100);
        out.push_str("万元");
        out
    }

    /// Reads exactly what [`Fen::wan_yuan`] prints, as the fen it says (`1.25万元` is
    /// `Fen(1_250_000)`): the amount that was printed, rounded to 100 yuan. The two
    /// roundings of the extremes (beyond ±92,233,720,368,547,750 yuan) name amounts
    /// no `Fen` holds and are refused.
    pub fn parse_wan_yuan(text: &str) -> Option<Fen> {
        let (negative, rest) = split_sign(text);
        let (whole, hundredths) = rest.strip_suffix("万元")?.split_once('.')?;
        let magnitude = read_grouped(whole)?
            .checked_mul(100)?
            .checked_add(read_two_digits(hundredths)?)?
            .checked_mul(FEN_PER_WAN_HUNDREDTH)?;
        signed(negative, magnitude)
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
    i64::try_from(read_hundredths(text)?).ok()
}

/// [`parse_hundredths`] up to `u64::MAX`, so that `-92233720368547758.08` (`i64::MIN`) can
/// be read as a minus and a size.
fn read_hundredths(text: &str) -> Option<u64> {
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
    let mut value: u64 = 0;
    // The fraction padded to two digits: `.5` is 50 hundredths.
    let fraction = fraction.bytes().chain(std::iter::repeat(b'0')).take(2);
    for b in whole.bytes().chain(fraction) {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(value)
}

/// `1234567` → `1,234,567`.
fn push_grouped(out: &mut String, n: u64) {
    let digits = n.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// `.05`: `n` is below 100.
fn push_hundredths(out: &mut String, n: u64) {
    out.push('.');
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// A size and a sign as fen; `None` when it does not fit or is a negative zero.
fn signed(negative: bool, magnitude: u64) -> Option<Fen> {
    match (negative, magnitude) {
        (true, 0) => None,
        (true, m) => 0i64.checked_sub_unsigned(m).map(Fen),
        (false, m) => i64::try_from(m).ok().map(Fen),
    }
}

/// Digits grouped by `,` in threes, as [`push_grouped`] writes them: `0`, `12`, `1,234`;
/// not `01`, `1234`, `1,23` or `,123`.
fn read_grouped(text: &str) -> Option<u64> {
    let mut groups = text.split(',');
    let first = groups.next()?;
    if first.is_empty()
        || first.len() > 3
        || (first.len() > 1 && first.starts_with('0'))
        || (first == "0" && text.len() > 1)
    {
        return None;
    }
    let mut value = read_digits(first)?;
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        value = value.checked_mul(1000)?.checked_add(read_digits(group)?)?;
    }
    Some(value)
}

/// Exactly two ASCII digits.
fn read_two_digits(text: &str) -> Option<u64> {
    (text.len() == 2).then(|| read_digits(text))?
}

/// One or more ASCII digits (at most 3 here, so no overflow).
fn read_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.bytes().try_fold(0u64, |v, b| {
        v.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// `¥1,234.56` (negative: `-¥1,234.56`): [`Fen::yuan_grouped`].
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan_grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals_are_read_from_the_text_exactly() {
        assert_eq!(parse_hundredths("1500"), Some(150_000));
        assert_eq!(parse_hundredths("1500.5"), Some(150_050));
        assert_eq!(parse_hundredths("1500.05"), Some(150_005));
        assert_eq!(parse_hundredths("0.1"), Some(10));
        assert_eq!(parse_hundredths("0"), Some(0));
        assert_eq!(parse_hundredths("007.50"), Some(750));
        assert_eq!(parse_hundredths("12."), Some(1200));
        assert_eq!(parse_hundredths("0.07"), Some(7));
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
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(parse_hundredths(bad), None, "{bad:?}");
        }
        assert_eq!(parse_hundredths("92233720368547758.07"), Some(i64::MAX));
        assert_eq!(parse_hundredths("92233720368547758.08"), None, "overflow");
        assert_eq!(parse_hundredths(&"9".repeat(40)), None, "overflow");
    }

    /// Fixed examples of each form: (fen, grouped yuan, bank plain, 万元).
    const EXAMPLES: [(i64, &str, &str, &str); 13] = [
        (0, "¥0.00", "0.00", "0.00万元"),
        (1, "¥0.01", "0.01", "0.00万元"),
        (99, "¥0.99", "0.99", "0.00万元"),
        (100, "¥1.00", "1.00", "0.00万元"),
        (-1, "-¥0.01", "-0.01", "0.00万元"),
        (-250, "-¥2.50", "-2.50", "0.00万元"),
        (123_456, "¥1,234.56", "1234.56", "0.12万元"),
        (-123_456, "-¥1,234.56", "-1234.56", "-0.12万元"),
        (30_000_000, "¥300,000.00", "300000.00", "30.00万元"),
        (1_234_567, "¥12,345.67", "12345.67", "1.23万元"),
        (
            10_000_000_000,
            "¥100,000,000.00",
            "100000000.00",
            "10,000.00万元",
        ),
        (
            i64::MAX,
            "¥92,233,720,368,547,758.07",
            "92233720368547758.07",
            "9,223,372,036,854.78万元",
        ),
        (
            i64::MIN,
            "-¥92,233,720,368,547,758.08",
            "-92233720368547758.08",
            "-9,223,372,036,854.78万元",
        ),
    ];

    #[test]
    fn each_form_prints_and_reads_the_examples() {
        for (fen, grouped, plain, wan) in EXAMPLES {
            let fen = Fen(fen);
            assert_eq!(fen.yuan_grouped(), grouped);
            assert_eq!(fen.to_string(), grouped, "Display is the grouped form");
            assert_eq!(fen.bank_plain(), plain);
            assert_eq!(fen.wan_yuan(), wan);
            assert_eq!(Fen::parse_yuan_grouped(grouped), Some(fen), "{grouped}");
            assert_eq!(Fen::parse_bank_plain(plain), Some(fen), "{plain}");
        }
    }

    #[test]
    fn wan_yuan_rounds_half_away_from_zero_to_100_yuan() {
        for (fen, wan) in [
            (4_999, "0.00万元"),
            (5_000, "0.01万元"),
            (-4_999, "0.00万元"),
            (-5_000, "-0.01万元"),
            (1_245_000, "1.25万元"),
            (1_244_999, "1.24万元"),
            (-1_245_000, "-1.25万元"),
            (150_000_000, "150.00万元"),
            (12_345_000_000, "12,345.00万元"),
        ] {
            assert_eq!(Fen(fen).wan_yuan(), wan, "{fen}");
        }
        assert_eq!(Fen::parse_wan_yuan("1.25万元"), Some(Fen(1_250_000)));
        assert_eq!(Fen::parse_wan_yuan("-0.01万元"), Some(Fen(-10_000)));
        assert_eq!(Fen::parse_wan_yuan("0.00万元"), Some(Fen(0)));
        // The rounded extremes name amounts beyond i64.
        assert_eq!(Fen::parse_wan_yuan(&Fen(i64::MAX).wan_yuan()), None);
        assert_eq!(Fen::parse_wan_yuan(&Fen(i64::MIN).wan_yuan()), None);
    }

    #[test]
    fn only_the_printed_forms_are_read() {
        for bad in [
            "",
            "¥",
            "¥.00",
            "¥1",
            "¥1.0",
            "¥1.000",
            "1.00",
            "¥1234.00",
            "¥1,23.00",
            "¥,123.00",
            "¥1,234,.00",
            "¥01.00",
            "¥0,123.00",
            "-¥0.00",
            "¥-1.00",
            "+¥1.00",
            "--¥1.00",
            "¥ 1.00",
            "¥1.00 ",
            "￥1.00",
            "¥１.00",
            "¥92,233,720,368,547,758.08",
            "-¥92,233,720,368,547,758.09",
            "¥999,999,999,999,999,999,999.00",
        ] {
            assert_eq!(Fen::parse_yuan_grouped(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "-",
            "-0",
            "-0.00",
            "+1.00",
            "--1",
            "1,234.00",
            "¥1.00",
            "1.234",
            " 1",
            "-.5",
            "92233720368547758.08",
            "-92233720368547758.09",
        ] {
            assert_eq!(Fen::parse_bank_plain(bad), None, "{bad:?}");
        }
        for bad in [
            "",
            "1.00",
            "1.00万",
            "1万元",
            "1.0万元",
            "1.000万元",
            "1234.00万元",
            "01.00万元",
            "-0.00万元",
            "¥1.00万元",
            "1.00 万元",
            "1.00元",
        ] {
            assert_eq!(Fen::parse_wan_yuan(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bank_plain_reads_what_forms_read_plus_a_sign() {
        assert_eq!(Fen::parse_bank_plain("1500.5"), Some(Fen(150_050)));
        assert_eq!(Fen::parse_bank_plain("-12."), Some(Fen(-1_200)));
        assert_eq!(Fen::parse_bank_plain("-0.01"), Some(Fen(-1)));
    }

    #[test]
    fn overflow_is_reported() {
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_sub(Fen(2)), Some(Fen(-1)));
    }

    /// Every i64 is reachable: the extremes, near them, small amounts and anything.
    fn any_fen() -> impl Strategy<Value = i64> {
        prop_oneof![
            any::<i64>(),
            -1_000_000_000i64..1_000_000_000,
            -1_000i64..1_000,
            (0i64..20_000).prop_map(|d| i64::MIN + d),
            (0i64..20_000).prop_map(|d| i64::MAX - d),
        ]
    }

    /// The same amount rounded half away from zero to 10,000 fen, computed apart from
    /// the formatter (in i128, where nothing overflows).
    fn rounded_to_wan_hundredth(fen: i64) -> i128 {
        let size = (i128::from(fen).abs() + 5_000) / 10_000 * 10_000;
        if fen < 0 { -size } else { size }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn yuan_grouped_reads_back(fen in any_fen()) {
            let text = Fen(fen).yuan_grouped();
            prop_assert_eq!(Fen::parse_yuan_grouped(&text), Some(Fen(fen)));
        }

        #[test]
        fn bank_plain_reads_back(fen in any_fen()) {
            let text = Fen(fen).bank_plain();
            prop_assert_eq!(Fen::parse_bank_plain(&text), Some(Fen(fen)));
            if fen >= 0 {
                prop_assert_eq!(parse_hundredths(&text), Some(fen));
            }
        }

        #[test]
        fn wan_yuan_reads_back_as_the_rounded_amount(fen in any_fen()) {
            let text = Fen(fen).wan_yuan();
            let read = Fen::parse_wan_yuan(&text);
            prop_assert_eq!(read, i64::try_from(rounded_to_wan_hundredth(fen)).ok().map(Fen));
            if let Some(read) = read {
                prop_assert_eq!(read.wan_yuan(), text);
            }
        }

        /// format ∘ parse is the identity: whatever a reader accepts is exactly what its
        /// formatter prints for that amount (the strict readers), or that amount's
        /// printed form (bank_plain also reads `1500.5`, as forms do).
        #[test]
        fn a_text_that_reads_prints_back_the_same(
            text in prop_oneof![
                // Anything near the forms...
                r"-?¥?[0-9,]{0,10}(\.[0-9]{0,3})?(万元)?",
                // ...and nearly-printed forms (leading zeros, short groups, `-0`).
                r"-?¥?[0-9]{1,4}(,[0-9]{2,4}){0,3}\.[0-9]{2}(万元)?",
            ],
        ) {
            if let Some(fen) = Fen::parse_yuan_grouped(&text) {
                prop_assert_eq!(fen.yuan_grouped(), text.clone());
            }
            if let Some(fen) = Fen::parse_wan_yuan(&text) {
                prop_assert_eq!(fen.wan_yuan(), text.clone());
            }
            if let Some(fen) = Fen::parse_bank_plain(&text) {
                prop_assert_eq!(Fen::parse_bank_plain(&fen.bank_plain()), Some(fen));
            }
        }

        #[test]
        fn the_grouped_forms_reread_random_grouped_numbers(
            negative in any::<bool>(),
            yuan in 0u64..100_000_000_000,
            cents in 0u64..100,
        ) {
            // Printed independently of the formatter.
            let digits = yuan.to_string();
            let mut grouped = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            let sign = if negative && (yuan, cents) != (0, 0) { "-" } else { "" };
            let fen = i64::try_from(yuan * 100 + cents).unwrap();
            let fen = if sign.is_empty() { fen } else { -fen };
            let text = format!("{sign}¥{grouped}.{cents:02}");
            prop_assert_eq!(Fen::parse_yuan_grouped(&text), Some(Fen(fen)));
            prop_assert_eq!(Fen(fen).yuan_grouped(), text);
            let wan = format!("{sign}{grouped}.{cents:02}万元");
            prop_assert_eq!(Fen::parse_wan_yuan(&wan), Some(Fen(fen * 10_000)));
            prop_assert_eq!(Fen(fen * 10_000).wan_yuan(), wan);
        }
    }
}
