//! A talent's record: the facts the policies look at, checked once when they enter yingcai.
//!
//! Field names and codes follow the population format (shared/data/talents.md), so a
//! record, a CSV row and a policy pack all speak the same language.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{CreditCode, Date, Email, FieldError, FieldErrors, Phone, ResidentId};

/// Highest degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    None,
    Bachelor,
    Master,
    Phd,
}

impl Degree {
    pub const ALL: [Degree; 4] = [Degree::None, Degree::Bachelor, Degree::Master, Degree::Phd];

    pub const fn code(self) -> &'static str {
        match self {
            Degree::None => "none",
            Degree::Bachelor => "bachelor",
            Degree::Master => "master",
            Degree::Phd => "phd",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Degree, FieldError> {
        let raw = raw.trim();
        Degree::ALL
            .into_iter()
            .find(|d| d.code() == raw)
            .ok_or(FieldError::new(field, "degree-invalid"))
    }
}

/// Where the talent lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Housing {
    /// No housing arranged yet.
    None,
    Rent,
    TalentApartment,
    /// Owns a home in the city (with the purchase date).
    Owns,
}

impl Housing {
    pub const ALL: [Housing; 4] = [
        Housing::None,
        Housing::Rent,
        Housing::TalentApartment,
        Housing::Owns,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Housing::None => "none",
            Housing::Rent => "rent",
            Housing::TalentApartment => "talent_apartment",
            Housing::Owns => "owns",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<Housing, FieldError> {
        let raw = raw.trim();
        Housing::ALL
            .into_iter()
            .find(|h| h.code() == raw)
            .ok_or(FieldError::new(field, "housing-invalid"))
    }
}

/// A bank account number for payments: 12 to 30 digits. Shown masked; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BankAccount(String);

impl BankAccount {
    pub fn parse(field: &'static str, raw: &str) -> Result<BankAccount, FieldError> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !(12..=30).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(field, "bank-account-invalid"));
        }
        Ok(BankAccount(digits))
    }

    /// `6222 **** **** 0123`: the first and last four digits.
    pub fn masked(&self) -> String {
        format!("{} **** **** {}", &self.0[..4], &self.0[self.0.len() - 4..])
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BankAccount({})", self.masked())
    }
}

/// Who employs the talent: an enterprise registered on the platform, or one named with its
/// unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Employer {
    Enterprise {
        enterprise_id: i64,
    },
    Named {
        name: String,
        credit_code: CreditCode,
    },
}

/// A talent's record, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalentProfile {
    pub name: String,
    pub resident_id: ResidentId,
    pub degree: Degree,
    pub degree_institution: Option<String>,
    pub degree_year: Option<i16>,
    /// A code from the configured honours list (e.g. `academician`).
    pub honors: Option<String>,
    pub employer: Option<Employer>,
    /// Start of employment in the city.
    pub arrival_date: Date,
    pub employed_in_city: bool,
    pub housing: Housing,
    /// Present exactly when `housing` is `owns`.
    pub home_purchase_date: Option<Date>,
    pub social_insurance_months: u16,
    pub bank_account: Option<BankAccount>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

impl TalentProfile {
    pub fn birth_date(&self) -> Date {
        self.resident_id.birth()
    }
}

/// A talent's record as submitted (a form, an API call, an import row), unchecked.
/// `Debug` hides the identity number and the bank account.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TalentInput {
    pub name: String,
    pub resident_id: String,
    /// If given (as in the population CSV), it must agree with the identity number.
    pub birth_date: String,
    pub degree: String,
    pub degree_institution: String,
    pub degree_year: String,
    pub honors: String,
    /// An enterprise on the platform, by id (set by the form's picker)…
    pub employer_enterprise_id: String,
    /// …or an employer named with its credit code.
    pub employer_name: String,
    pub employer_credit_code: String,
    pub arrival_date: String,
    pub employed_in_city: String,
    pub housing: String,
    pub home_purchase_date: String,
    pub social_insurance_months: String,
    pub bank_account: String,
    pub phone: String,
    pub email: String,
}

impl fmt::Debug for TalentInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TalentInput")
            .field("name", &self.name)
            .field("resident_id", &crate::Redacted(&self.resident_id))
            .field("birth_date", &self.birth_date)
            .field("degree", &self.degree)
            .field("degree_institution", &self.degree_institution)
            .field("degree_year", &self.degree_year)
            .field("honors", &self.honors)
            .field("employer_enterprise_id", &self.employer_enterprise_id)
            .field("employer_name", &self.employer_name)
            .field("employer_credit_code", &self.employer_credit_code)
            .field("arrival_date", &self.arrival_date)
            .field("employed_in_city", &self.employed_in_city)
            .field("housing", &self.housing)
            .field("home_purchase_date", &self.home_purchase_date)
            .field("social_insurance_months", &self.social_insurance_months)
            .field("bank_account", &crate::Redacted(&self.bank_account))
            .field("phone", &self.phone)
            .field("email", &self.email)
            .finish()
    }
}

impl From<&TalentProfile> for TalentInput {
    /// The form a verified record pre-fills (its owner or an officer is looking at it).
    fn from(p: &TalentProfile) -> TalentInput {
        let (employer_enterprise_id, employer_name, employer_credit_code) = match &p.employer {
            Some(Employer::Enterprise { enterprise_id }) => {
                (enterprise_id.to_string(), String::new(), String::new())
            }
            Some(Employer::Named { name, credit_code }) => {
                (String::new(), name.clone(), credit_code.as_str().to_owned())
            }
            None => Default::default(),
        };
        TalentInput {
            name: p.name.clone(),
            resident_id: p.resident_id.expose().to_owned(),
            birth_date: String::new(),
            degree: p.degree.code().to_owned(),
            degree_institution: p.degree_institution.clone().unwrap_or_default(),
            degree_year: p.degree_year.map(|y| y.to_string()).unwrap_or_default(),
            honors: p.honors.clone().unwrap_or_default(),
            employer_enterprise_id,
            employer_name,
            employer_credit_code,
            arrival_date: p.arrival_date.to_string(),
            employed_in_city: p.employed_in_city.to_string(),
            housing: p.housing.code().to_owned(),
            home_purchase_date: p
                .home_purchase_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            social_insurance_months: p.social_insurance_months.to_string(),
            bank_account: p
                .bank_account
                .as_ref()
                .map(|b| b.expose().to_owned())
                .unwrap_or_default(),
            phone: p
                .phone
                .as_ref()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            email: p
                .email
                .as_ref()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
        }
    }
}

/// `YYYY-MM-DD`, a real calendar day from 1900 to 2200.
pub fn parse_date(field: &'static str, raw: &str) -> Result<Date, FieldError> {
    Date::parse(field, raw)
}

fn optional_text(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, "too-long"));
    }
    if value
        .chars()
        .any(|c| c.is_control() || c == char::REPLACEMENT_CHARACTER)
    {
        return Err(FieldError::new(field, "text-invalid"));
    }
    Ok(Some(value.to_owned()))
}

fn parse_bool(field: &'static str, raw: &str) -> Result<bool, FieldError> {
    match raw.trim() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        "" => Err(FieldError::new(field, "required")),
        _ => Err(FieldError::new(field, "boolean-invalid")),
    }
}

impl TalentInput {
    /// Checks every field and the rules between them; returns every problem at once.
    /// `honors_list` is the configured list of honour codes; `today` (the clock's date)
    /// bounds dates.
    pub fn parse(
        &self,
        honors_list: &[String],
        today: jiff::civil::Date,
    ) -> Result<TalentProfile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors
            .check(crate::DisplayName::parse("name", &self.name).map(|n| n.as_str().to_owned()));
        let resident_id = errors.check(ResidentId::parse(&self.resident_id));
        let degree = errors.check(Degree::parse("degree", &self.degree));
        let degree_institution = errors.check(optional_text(
            "degree_institution",
            &self.degree_institution,
            200,
        ));
        let degree_year = errors.check(match self.degree_year.trim() {
            "" => Ok(None),
            raw => raw
                .parse::<i16>()
                .ok()
                .filter(|y| (1940..=today.year().min(crate::MAX_YEAR)).contains(y))
                .map(Some)
                .ok_or(FieldError::new("degree_year", "year-invalid")),
        });
        let honors = errors.check(match self.honors.trim() {
            "" => Ok(None),
            code if honors_list.iter().any(|h| h == code) => Ok(Some(code.to_owned())),
            _ => Err(FieldError::new("honors", "honors-invalid")),
        });
        // A credit code typed without the employer's name is still checked: its own error
        // is more use to the person than the missing name alone.
        if self.employer_name.trim().is_empty()
            && !self.employer_credit_code.trim().is_empty()
            && let Err(e) = CreditCode::parse(self.employer_credit_code.trim())
        {
            errors.push(FieldError::new("employer_credit_code", e.code));
        }
        let employer = errors.check(self.employer());
        let arrival_date = errors.check(parse_date("arrival_date", &self.arrival_date));
        let employed_in_city = errors.check(parse_bool("employed_in_city", &self.employed_in_city));
        let housing = errors.check(Housing::parse("housing", &self.housing));
        let home_purchase_date = errors.check(match self.home_purchase_date.trim() {
            "" => Ok(None),
            raw => parse_date("home_purchase_date", raw).map(Some),
        });
        let social_insurance_months = errors.check(
            self.social_insurance_months
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|m| *m <= 600)
                .ok_or(FieldError::new("social_insurance_months", "months-invalid")),
        );
        let bank_account = errors.check(match self.bank_account.trim() {
            "" => Ok(None),
            raw => BankAccount::parse("bank_account", raw).map(Some),
        });
        let phone = errors.check(Phone::parse_optional(&self.phone));
        let email = errors.check(match self.email.trim() {
            "" => Ok(None),
            raw => Email::parse(raw).map(Some),
        });

        // Rules between fields, checked only when the fields themselves are readable.
        if let Some(id) = &resident_id {
            if !self.birth_date.trim().is_empty() {
                match parse_date("birth_date", &self.birth_date) {
                    Ok(date) if date != id.birth() => {
                        errors.push(FieldError::new("birth_date", "birth-date-mismatch"))
                    }
                    Ok(_) => {}
                    Err(error) => errors.push(error),
                }
            }
            if id.birth().jiff() > today {
                errors.push(FieldError::new("resident_id", "resident-id-birth-date"));
            }
            if let Some(arrival) = arrival_date
                && arrival <= id.birth()
            {
                errors.push(FieldError::new("arrival_date", "arrival-before-birth"));
            }
        }
        if let Some(arrival) = arrival_date
            && arrival.jiff() > today
        {
            errors.push(FieldError::new("arrival_date", "date-in-future"));
        }
        if let Some(Some(purchase)) = home_purchase_date
            && purchase.jiff() > today
        {
            errors.push(FieldError::new("home_purchase_date", "date-in-future"));
        }
        match (housing, &home_purchase_date) {
            (Some(Housing::Owns), Some(None)) => errors.push(FieldError::new(
                "home_purchase_date",
                "purchase-date-required",
            )),
            (Some(h), Some(Some(_))) if h != Housing::Owns => {
                errors.push(FieldError::new(
                    "home_purchase_date",
                    "purchase-date-only-when-owning",
                ));
            }
            _ => {}
        }
        if let (Some(Degree::None), Some(Some(_))) = (degree, &degree_year) {
            errors.push(FieldError::new("degree_year", "degree-year-without-degree"));
        }

        let (
            Some(name),
            Some(resident_id),
            Some(degree),
            Some(degree_institution),
            Some(degree_year),
            Some(honors),
            Some(employer),
            Some(arrival_date),
            Some(employed_in_city),
            Some(housing),
            Some(home_purchase_date),
            Some(social_insurance_months),
            Some(bank_account),
            Some(phone),
            Some(email),
        ) = (
            name,
            resident_id,
            degree,
            degree_institution,
            degree_year,
            honors,
            employer,
            arrival_date,
            employed_in_city,
            housing,
            home_purchase_date,
            social_insurance_months,
            bank_account,
            phone,
            email,
        )
        else {
            // Every `None` above recorded its field error.
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TalentProfile {
            name,
            resident_id,
            degree,
            degree_institution,
            degree_year,
            honors,
            employer,
            arrival_date,
            employed_in_city,
            housing,
            home_purchase_date,
            social_insurance_months,
            bank_account,
            phone,
            email,
        })
    }

    fn employer(&self) -> Result<Option<Employer>, FieldError> {
        let picked = self.employer_enterprise_id.trim();
        if !picked.is_empty() {
            // Only the picker sets this field; anything but an id is a crafted request,
            // refused rather than silently dropped.
            return match picked.parse::<i64>() {
                Ok(id) if id > 0 => Ok(Some(Employer::Enterprise { enterprise_id: id })),
                _ => Err(FieldError::new(
                    "employer_enterprise_id",
                    "employer-unknown",
                )),
            };
        }
        let name = optional_text("employer_name", &self.employer_name, 200)?;
        let code = self.employer_credit_code.trim();
        match (name, code.is_empty()) {
            (None, true) => Ok(None),
            (Some(_), true) => Err(FieldError::new("employer_credit_code", "required")),
            (None, false) => Err(FieldError::new("employer_name", "required")),
            (Some(name), false) => Ok(Some(Employer::Named {
                name,
                credit_code: CreditCode::parse(code)
                    .map_err(|e| FieldError::new("employer_credit_code", e.code))?,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn honors() -> Vec<String> {
        ["academician", "national_leading", "provincial_leading"]
            .map(String::from)
            .to_vec()
    }

    fn today() -> jiff::civil::Date {
        jiff::civil::Date::new(2026, 11, 29).unwrap()
    }

    fn valid() -> TalentInput {
        TalentInput {
            name: "李伟".into(),
            resident_id: "11010519491231002X".into(),
            birth_date: "1949-12-31".into(),
            degree: "phd".into(),
            degree_year: "1975".into(),
            arrival_date: "2023-09-08".into(),
            employed_in_city: "true".into(),
            housing: "rent".into(),
            social_insurance_months: "50".into(),
            bank_account: "6222 0212 3456 7890 123".into(),
            employer_name: "雄安智芯科技有限公司".into(),
            employer_credit_code: "91350100M000100Y43".into(),
            ..TalentInput::default()
        }
    }

    #[test]
    fn a_credit_code_without_a_name_is_checked_too() {
        let input = TalentInput {
            employer_name: String::new(),
            employer_credit_code: "12345".into(),
            ..valid()
        };
        let errors = input.parse(&honors(), today()).unwrap_err();
        assert!(
            errors.for_field("employer_credit_code").is_some(),
            "{errors}"
        );
        assert_eq!(errors.for_field("employer_name"), Some("required"));
        let input = TalentInput {
            employer_name: String::new(),
            ..valid()
        };
        let errors = input.parse(&honors(), today()).unwrap_err();
        assert_eq!(errors.for_field("employer_credit_code"), None, "{errors}");
    }

    #[test]
    fn a_record_round_trips_through_its_form() {
        let profile = valid().parse(&honors(), today()).unwrap();
        let again = TalentInput::from(&profile)
            .parse(&honors(), today())
            .unwrap();
        assert_eq!(again, profile);
    }

    #[test]
    fn a_valid_record_parses() {
        let profile = valid().parse(&honors(), today()).unwrap();
        assert_eq!(profile.degree, Degree::Phd);
        assert_eq!(profile.birth_date(), Date::new(1949, 12, 31).unwrap());
        assert_eq!(
            profile.bank_account.as_ref().unwrap().masked(),
            "6222 **** **** 0123"
        );
        assert!(
            !format!("{profile:?}").contains("62220212"),
            "bank account never in Debug"
        );
        assert!(
            !format!("{profile:?}").contains("19491231"),
            "identity number never in Debug"
        );
        assert!(matches!(profile.employer, Some(Employer::Named { .. })));
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let input = TalentInput {
            name: String::new(),
            resident_id: "110105194912310021".into(),
            degree: "doctor".into(),
            honors: "nobel".into(),
            arrival_date: "2023-02-30".into(),
            employed_in_city: "maybe".into(),
            housing: "castle".into(),
            social_insurance_months: "601".into(),
            bank_account: "12ab".into(),
            ..TalentInput::default()
        };
        let errors = input.parse(&honors(), today()).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.code)).collect();
        for expected in [
            ("name", "required"),
            ("resident_id", "resident-id-check"),
            ("degree", "degree-invalid"),
            ("honors", "honors-invalid"),
            ("arrival_date", "date-invalid"),
            ("employed_in_city", "boolean-invalid"),
            ("housing", "housing-invalid"),
            ("social_insurance_months", "months-invalid"),
            ("bank_account", "bank-account-invalid"),
        ] {
            assert!(fields.contains(&expected), "{expected:?} not in {fields:?}");
        }
    }

    #[test]
    fn dates_outside_the_platform_calendar_are_refused_on_their_field() {
        let far = TalentInput {
            birth_date: "0999-01-01".into(),
            arrival_date: "0999-01-01".into(),
            housing: "owns".into(),
            home_purchase_date: "-999-01-01".into(),
            degree_year: "1899".into(),
            ..valid()
        };
        let errors = far.parse(&honors(), today()).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.code)).collect();
        for expected in [
            ("birth_date", "date-out-of-range"),
            ("arrival_date", "date-out-of-range"),
            ("home_purchase_date", "date-invalid"),
            ("degree_year", "year-invalid"),
        ] {
            assert!(fields.contains(&expected), "{expected:?} not in {fields:?}");
        }
        let born_1880 = TalentInput {
            resident_id: "440524188001010014".into(),
            ..valid()
        };
        assert_eq!(
            born_1880
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("resident_id"),
            Some("resident-id-birth-out-of-range")
        );
    }

    #[test]
    fn rules_between_fields() {
        let owns_without_date = TalentInput {
            housing: "owns".into(),
            ..valid()
        };
        assert_eq!(
            owns_without_date
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("home_purchase_date"),
            Some("purchase-date-required")
        );
        let date_without_owning = TalentInput {
            home_purchase_date: "2024-01-01".into(),
            ..valid()
        };
        assert_eq!(
            date_without_owning
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("home_purchase_date"),
            Some("purchase-date-only-when-owning")
        );
        let wrong_birth = TalentInput {
            birth_date: "1950-01-01".into(),
            ..valid()
        };
        assert_eq!(
            wrong_birth
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("birth_date"),
            Some("birth-date-mismatch")
        );
        let future = TalentInput {
            arrival_date: "2027-01-01".into(),
            ..valid()
        };
        assert_eq!(
            future
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("arrival_date"),
            Some("date-in-future")
        );
        let half_employer = TalentInput {
            employer_credit_code: String::new(),
            ..valid()
        };
        assert_eq!(
            half_employer
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("employer_credit_code"),
            Some("required")
        );
        let bad_code = TalentInput {
            employer_credit_code: "91350100M000100Y44".into(),
            ..valid()
        };
        assert_eq!(
            bad_code
                .parse(&honors(), today())
                .unwrap_err()
                .for_field("employer_credit_code"),
            Some("credit-code-check")
        );
        let owns = TalentInput {
            housing: "owns".into(),
            home_purchase_date: "2024-03-12".into(),
            ..valid()
        };
        assert!(owns.parse(&honors(), today()).is_ok());
    }
}
