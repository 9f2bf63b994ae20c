//! An enterprise's record: who employs talents, checked once at the edge.

use serde::{Deserialize, Serialize};

use crate::{CreditCode, DisplayName, Email, FieldError, FieldErrors, Phone};

/// An employer, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseProfile {
    pub name: String,
    pub credit_code: CreditCode,
    /// A code from the configured industry catalogue.
    pub industry: String,
    /// One of the configured districts.
    pub district: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
    pub contact_email: Option<Email>,
}

/// An enterprise's record as submitted, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub district: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

impl EnterpriseInput {
    /// Checks every field against the configured catalogues; returns every problem at once.
    pub fn parse(
        &self,
        industries: &[String],
        districts: &[String],
    ) -> Result<EnterpriseProfile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name =
            errors.check(DisplayName::parse("name", &self.name).map(|n| n.as_str().to_owned()));
        let credit_code = errors.check(CreditCode::parse(&self.credit_code));
        let industry = errors.check(match self.industry.trim() {
            "" => Err(FieldError::new("industry", "required")),
            code if industries.iter().any(|i| i == code) => Ok(code.to_owned()),
            _ => Err(FieldError::new("industry", "industry-invalid")),
        });
        let district = errors.check(match self.district.trim() {
            "" => Err(FieldError::new("district", "required")),
            d if districts.iter().any(|x| x == d) => Ok(d.to_owned()),
            _ => Err(FieldError::new("district", "district-invalid")),
        });
        let contact_name = errors.check(match self.contact_name.trim() {
            "" => Ok(None),
            raw => DisplayName::parse("contact_name", raw).map(|n| Some(n.as_str().to_owned())),
        });
        let contact_phone = errors.check(
            Phone::parse_optional(&self.contact_phone)
                .map_err(|e| FieldError::new("contact_phone", e.code)),
        );
        let contact_email = errors.check(match self.contact_email.trim() {
            "" => Ok(None),
            raw => Email::parse(raw)
                .map(Some)
                .map_err(|e| FieldError::new("contact_email", e.code)),
        });
        let (
            Some(name),
            Some(credit_code),
            Some(industry),
            Some(district),
            Some(contact_name),
            Some(contact_phone),
            Some(contact_email),
        ) = (
            name,
            credit_code,
            industry,
            district,
            contact_name,
            contact_phone,
            contact_email,
        )
        else {
            // Every `None` above recorded its field error.
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EnterpriseProfile {
            name,
            credit_code,
            industry,
            district,
            contact_name,
            contact_phone,
            contact_email,
        })
    }
}

impl From<&EnterpriseProfile> for EnterpriseInput {
    fn from(p: &EnterpriseProfile) -> EnterpriseInput {
        EnterpriseInput {
            name: p.name.clone(),
            credit_code: p.credit_code.as_str().to_owned(),
            industry: p.industry.clone(),
            district: p.district.clone(),
            contact_name: p.contact_name.clone().unwrap_or_default(),
            contact_phone: p
                .contact_phone
                .as_ref()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            contact_email: p
                .contact_email
                .as_ref()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogues() -> (Vec<String>, Vec<String>) {
        (vec!["new_materials".to_owned()], vec!["长安区".to_owned()])
    }

    #[test]
    fn a_valid_enterprise_parses_and_round_trips() {
        let (industries, districts) = catalogues();
        let input = EnterpriseInput {
            name: "雄安智芯科技有限公司".into(),
            credit_code: "91350100m000100y43".into(),
            industry: "new_materials".into(),
            district: "长安区".into(),
            contact_phone: "0311-8888 6666".into(),
            ..EnterpriseInput::default()
        };
        let profile = input.parse(&industries, &districts).unwrap();
        assert_eq!(profile.credit_code.as_str(), "91350100M000100Y43");
        assert_eq!(
            EnterpriseInput::from(&profile)
                .parse(&industries, &districts)
                .unwrap(),
            profile
        );
    }

    #[test]
    fn every_problem_is_named() {
        let (industries, districts) = catalogues();
        let errors = EnterpriseInput {
            credit_code: "91350100M000100Y44".into(),
            industry: "mining".into(),
            district: "外省".into(),
            contact_email: "x".into(),
            ..EnterpriseInput::default()
        }
        .parse(&industries, &districts)
        .unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("credit_code", "credit-code-check"),
                ("industry", "industry-invalid"),
                ("district", "district-invalid"),
                ("contact_email", "email-invalid")
            ]
        );
    }
}
