//! What a card asserts, name masking and validity on a given day.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::number::CardNumber;

/// The signed content of a green card.
///
/// Field names are one letter on the wire because the whole token has to fit
/// a QR code that still scans reliably off a phone screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardClaims {
    /// Card number.
    #[serde(rename = "n")]
    pub number: CardNumber,
    /// Talent tier, e.g. `"A"` or `"B"`.
    #[serde(rename = "t")]
    pub tier: String,
    /// Holder's name, already masked (see [`mask_name`]); the token is public
    /// so it must never carry the full name.
    #[serde(rename = "h")]
    pub holder: String,
    /// First day the card is valid.
    #[serde(rename = "f", with = "iso_date")]
    pub valid_from: Date,
    /// Last day the card is valid (inclusive).
    #[serde(rename = "u", with = "iso_date")]
    pub valid_until: Date,
    /// Day the card was issued.
    #[serde(rename = "i", with = "iso_date")]
    pub issued: Date,
    /// Id of the key that signs the card (see [`crate::CardPublicKey::key_id`]).
    #[serde(rename = "k")]
    pub key_id: String,
    /// Ids of the services the holder is entitled to, e.g. `"medical"`.
    #[serde(rename = "s")]
    pub services: Vec<String>,
}

impl CardClaims {
    /// Where `today` falls relative to the card's validity window.
    pub fn status_on(&self, today: Date) -> ValidityStatus {
        status_on(self, today)
    }
}

/// Whether a card is usable on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityStatus {
    /// `today` is before `valid_from`.
    NotYetValid,
    /// `valid_from <= today <= valid_until`.
    Valid,
    /// `today` is after `valid_until`.
    Expired,
}

impl ValidityStatus {
    /// The label shown on the public verification page.
    pub fn label_zh(self) -> &'static str {
        match self {
            ValidityStatus::NotYetValid => "尚未生效",
            ValidityStatus::Valid => "有效",
            ValidityStatus::Expired => "已过期",
        }
    }
}

impl fmt::Display for ValidityStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValidityStatus::NotYetValid => "not yet valid",
            ValidityStatus::Valid => "valid",
            ValidityStatus::Expired => "expired",
        })
    }
}

/// Where `today` falls relative to the validity window of `claims`; both ends
/// of the window are inclusive.
///
/// "Today" is a civil date chosen by the caller (Shijiazhuang local time in
/// practice) because the crate must not read the clock itself.
pub fn status_on(claims: &CardClaims, today: Date) -> ValidityStatus {
    if today < claims.valid_from {
        ValidityStatus::NotYetValid
    } else if today > claims.valid_until {
        ValidityStatus::Expired
    } else {
        ValidityStatus::Valid
    }
}

/// Masks a holder's name for display on a public card.
///
/// Chinese (and other CJK) names keep their first character: `"张三丰"` →
/// `"张**"`. Names in alphabetic scripts keep the first letter of each
/// whitespace-separated word: `"Li Wei"` → `"L* W**"`. Surrounding and
/// repeated whitespace is dropped.
///
/// ```
/// use yingcai_card::mask_name;
/// assert_eq!(mask_name("张三"), "张*");
/// assert_eq!(mask_name("Li Wei"), "L* W**");
/// ```
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    // A stray space inside a CJK name ("张 三") must not turn every character
    // into a visible "initial", so per-word masking is for alphabetic names only.
    let per_word = !name.chars().any(is_cjk);
    let mask_word = |word: &str| -> String {
        word.chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c } else { '*' })
            .collect()
    };
    if per_word {
        words
            .iter()
            .map(|w| mask_word(w))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        mask_word(&words.concat())
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF     // Hangul Jamo
        | 0x2E80..=0x2FDF   // CJK radicals
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3100..=0x312F   // Bopomofo
        | 0x3130..=0x318F   // Hangul compatibility Jamo
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3FFFF // CJK Extensions B and later
    )
}

/// Dates travel as plain `YYYY-MM-DD` strings so that the JSON stays readable
/// and does not depend on jiff's serde feature.
mod iso_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use jiff::civil::date;

    #[test]
    fn masks_chinese_names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("张"), "张");
        assert_eq!(mask_name(" 张 三 "), "张*");
        assert_eq!(mask_name("阿依古丽·买买提"), "阿*******");
        assert_eq!(mask_name("김민준"), "김**");
    }

    #[test]
    fn masks_latin_names_per_word() {
        assert_eq!(mask_name("Li Wei"), "L* W**");
        assert_eq!(mask_name("  Li   Wei "), "L* W**");
        assert_eq!(mask_name("José García"), "J*** G*****");
        assert_eq!(mask_name("Anne-Marie Smith"), "A********* S****");
        assert_eq!(mask_name("Cher"), "C***");
    }

    #[test]
    fn masks_degenerate_input() {
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name("   "), "");
    }

    fn claims(from: Date, until: Date) -> CardClaims {
        CardClaims {
            number: CardNumber::new(2026, 1).unwrap(),
            tier: "A".into(),
            holder: "张*".into(),
            valid_from: from,
            valid_until: until,
            issued: from,
            key_id: "00000000".into(),
            services: vec![],
        }
    }

    #[test]
    fn validity_window_is_inclusive() {
        let c = claims(date(2026, 1, 1), date(2028, 12, 31));
        assert_eq!(c.status_on(date(2025, 12, 31)), ValidityStatus::NotYetValid);
        assert_eq!(c.status_on(date(2026, 1, 1)), ValidityStatus::Valid);
        assert_eq!(c.status_on(date(2027, 6, 15)), ValidityStatus::Valid);
        assert_eq!(c.status_on(date(2028, 12, 31)), ValidityStatus::Valid);
        assert_eq!(c.status_on(date(2029, 1, 1)), ValidityStatus::Expired);
        assert_eq!(ValidityStatus::Expired.label_zh(), "已过期");
        assert_eq!(ValidityStatus::NotYetValid.to_string(), "not yet valid");
    }

    #[test]
    fn json_uses_short_names_and_iso_dates() {
        let c = claims(date(2026, 1, 1), date(2028, 12, 31));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"n":"SJZ-2026-000001-4","t":"A","h":"张*","f":"2026-01-01","u":"2028-12-31","i":"2026-01-01","k":"00000000","s":[]}"#
        );
        assert_eq!(serde_json::from_str::<CardClaims>(&json).unwrap(), c);
    }

    #[test]
    fn json_rejects_unknown_and_duplicate_fields() {
        let base = r#""n":"SJZ-2026-000001-4","t":"A","h":"张*","f":"2026-01-01","u":"2028-12-31","i":"2026-01-01","k":"00000000","s":[]"#;
        assert!(serde_json::from_str::<CardClaims>(&format!("{{{base},\"x\":1}}")).is_err());
        assert!(serde_json::from_str::<CardClaims>(&format!("{{{base},\"t\":\"B\"}}")).is_err());
    }
}
