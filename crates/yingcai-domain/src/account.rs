//! Accounts: who may sign in, as what, and in which language.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A role a person holds on the platform. One person can hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person: applies for cards, benefits, apartments.
    Talent,
    /// An employer account.
    Enterprise,
    /// Talent-bureau staff; may belong to a service team.
    Officer,
    /// An expert reviewer.
    Reviewer,
    /// Accounts, settings, policies.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Talent,
        Role::Enterprise,
        Role::Officer,
        Role::Reviewer,
        Role::Admin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Talent => "talent",
            Role::Enterprise => "enterprise",
            Role::Officer => "officer",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// Roles anyone may give themselves by signing up; the others are granted by an admin.
    pub const fn is_self_service(self) -> bool {
        matches!(self, Role::Talent | Role::Enterprise)
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Role, FieldError> {
        raw.trim()
            .parse()
            .map_err(|()| FieldError::new(field, "role-unknown"))
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles one account holds; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    /// `None` for an empty set: an account without a role could do nothing.
    pub fn new(mut roles: Vec<Role>) -> Option<RoleSet> {
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            None
        } else {
            Some(RoleSet(roles))
        }
    }

    pub fn one(role: Role) -> RoleSet {
        RoleSet(vec![role])
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn as_slice(&self) -> &[Role] {
        &self.0
    }
}

/// A normalised (trimmed, lower-case) e-mail address: the sign-in name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new("email", "required"));
        }
        if value.chars().count() > Self::MAX_LEN {
            return Err(FieldError::new("email", "too-long"));
        }
        // The crate follows RFC 5322 closely; we also refuse a domain without a dot,
        // which is valid in theory but always a typo in a sign-up form.
        let domain_has_dot = value.rsplit_once('@').is_some_and(|(_, d)| d.contains('.'));
        if !email_address::EmailAddress::is_valid(&value) || !domain_has_dot {
            return Err(FieldError::new("email", "email-invalid"));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// Argon2 hashes any length, but an unbounded field is a cheap denial of service.
    pub const MAX_CHARS: usize = 128;

    pub fn parse(field: &'static str, raw: &str) -> Result<Password, FieldError> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err(FieldError::new(field, "required"));
        }
        if chars < Self::MIN_CHARS {
            return Err(FieldError::new(field, "password-too-short"));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(field, "too-long"));
        }
        if raw.trim().is_empty()
            || raw
                .chars()
                .any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER)
        {
            return Err(FieldError::new(field, "password-invalid"));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(****)")
    }
}

/// A person's or organisation's display name. HTML in it is harmless: templates escape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &'static str, raw: &str) -> Result<DisplayName, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(field, "too-long"));
        }
        if value
            .chars()
            .any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER)
        {
            return Err(FieldError::new(field, "text-invalid"));
        }
        Ok(DisplayName(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact phone number: digits with an optional leading `+`, separators removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone(String);

impl Phone {
    /// `Ok(None)` for an empty field: the phone is optional.
    pub fn parse_optional(raw: &str) -> Result<Option<Phone>, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' => {}
                _ => return Err(FieldError::new("phone", "phone-invalid")),
            }
        }
        // A number someone can be called on: international with its country code (E.164:
        // at most 15 digits), a mainland mobile (11 digits, 13x–19x), a landline with its
        // area code (0 and 9 to 11 more digits), or a 400/800 service line.
        let n = digits.len();
        let plausible = if plus == "+" {
            (8..=15).contains(&n)
        } else {
            match digits.as_bytes() {
                [b'1', b'3'..=b'9', ..] => n == 11,
                [b'0', b'1'..=b'9', ..] => (10..=12).contains(&n),
                [b'4' | b'8', b'0', b'0', ..] => n == 10,
                _ => false,
            }
        };
        if !plausible {
            return Err(FieldError::new("phone", "phone-invalid"));
        }
        Ok(Some(Phone(format!("{plus}{digits}"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The languages every page exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    /// Simplified Chinese, the default for a Chinese public service.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub const fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Accepts the tags we emit and their common spellings (`zh`, `zh-Hans`, `en-GB`).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "zh"
            || lower.starts_with("zh-cn")
            || lower.starts_with("zh-hans")
            || lower == "zh-sg"
        {
            Some(Locale::ZhCn)
        } else if lower == "en" || lower.starts_with("en-") {
            Some(Locale::En)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(Email::parse("  A@B.CN ").unwrap().as_str(), "a@b.cn");
    }

    #[test]
    fn bad_emails_are_refused_with_a_code() {
        assert_eq!(Email::parse("").unwrap_err().code, "required");
        assert_eq!(
            Email::parse("not-an-email").unwrap_err().code,
            "email-invalid"
        );
        assert_eq!(
            Email::parse("a@localhost").unwrap_err().code,
            "email-invalid"
        );
        assert_eq!(
            Email::parse("<script>@x.cn").unwrap_err().code,
            "email-invalid"
        );
        let long = format!("{}@example.cn", "a".repeat(300));
        assert_eq!(Email::parse(&long).unwrap_err().code, "too-long");
    }

    #[test]
    fn password_policy_bounds() {
        assert_eq!(
            Password::parse("password", "short").unwrap_err().code,
            "password-too-short"
        );
        assert_eq!(
            Password::parse("password", &"x".repeat(129))
                .unwrap_err()
                .code,
            "too-long"
        );
        assert_eq!(
            Password::parse("password", "          ").unwrap_err().code,
            "password-invalid"
        );
        assert!(Password::parse("password", "correct horse").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("p", "correct horse").unwrap()),
            "Password(****)"
        );
    }

    #[test]
    fn display_name_keeps_markup_as_text_but_refuses_control_characters() {
        let name = DisplayName::parse("name", " <b>李</b> ").unwrap();
        assert_eq!(name.as_str(), "<b>李</b>");
        assert_eq!(
            DisplayName::parse("name", "a\u{0}b").unwrap_err().code,
            "text-invalid"
        );
        assert_eq!(
            DisplayName::parse("name", &"名".repeat(101))
                .unwrap_err()
                .code,
            "too-long"
        );
        assert_eq!(
            DisplayName::parse("name", "   ").unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn phone_is_optional_and_normalised() {
        assert_eq!(Phone::parse_optional("").unwrap(), None);
        assert_eq!(
            Phone::parse_optional("+86 138-0013-8000")
                .unwrap()
                .unwrap()
                .as_str(),
            "+8613800138000"
        );
        assert!(Phone::parse_optional("call me").is_err());
    }

    #[test]
    fn only_numbers_one_could_call_are_phones() {
        for good in [
            "13800138000",
            "138 0013 8000",
            "0311 8888 6666",
            "0311-8888666",
            "010 6512 3456",
            "400 810 8888",
            "+86 138 0013 8000",
            "+1 (415) 555-0100",
        ] {
            assert!(Phone::parse_optional(good).is_ok(), "{good}");
        }
        for bad in [
            "12345",
            "1380013800",
            "138001380001",
            "12800138000",
            "031188",
            "5555 5555",
            "+8612",
            "+1234567890123456",
        ] {
            assert!(Phone::parse_optional(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_round_trip_and_only_two_are_self_service() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        let self_service: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.is_self_service())
            .collect();
        assert_eq!(self_service, vec![Role::Talent, Role::Enterprise]);
        assert!(RoleSet::new(vec![]).is_none());
        assert_eq!(
            RoleSet::new(vec![Role::Admin, Role::Talent, Role::Admin])
                .unwrap()
                .as_slice(),
            &[Role::Talent, Role::Admin]
        );
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::from_tag("zh-Hans-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("fr"), None);
    }
}
