//! The pages' forms: one input struct per operation, read by [`crate::context::CsrfForm`]
//! (`CsrfForm(form): CsrfForm<SignInForm>`).
//!
//! Every field is text (`String`, or `Vec<String>` for a field a form repeats) and
//! `#[serde(default)]`, so a field left blank, or removed by a crafted request, reads as
//! empty and is refused by the same check as a blank one, never as an unreadable body.
//! Turning the text into domain types is each struct's `check` (or the service input it
//! converts into), which reports every field error at once. None of them is `Debug`:
//! they carry passwords, identity numbers and bank accounts.

use serde::{Deserialize, Serialize};
use yingcai_domain::{EnterpriseInput, FieldError, FieldErrors, Month, RoleSet, TalentInput};

use crate::AppError;
use crate::accounts::{self, RegistrationInput, StaffInput};

// ------------------------------------------------------------------ accounts

/// `POST /register`. The API's sign-up reads [`RegistrationInput`] as JSON; a form always
/// sends the confirmation, so an empty one is compared (and refused) like any other.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignUpForm {
    pub role: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    pub password_confirm: String,
}

impl From<SignUpForm> for RegistrationInput {
    fn from(form: SignUpForm) -> RegistrationInput {
        RegistrationInput {
            role: form.role,
            display_name: form.display_name,
            email: form.email,
            phone: form.phone,
            password: form.password,
            password_confirm: Some(form.password_confirm),
        }
    }
}

/// `POST /login`: the credentials and where to go after.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct SignInForm {
    pub email: String,
    pub password: String,
    pub next: String,
}

/// `POST /account/password`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// `POST /admin/users/new`: the API's twin reads [`StaffInput`] itself.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct CreateStaffForm {
    pub display_name: String,
    pub email: String,
    pub phone: String,
    /// One checkbox per role; none ticked sends none.
    pub roles: Vec<String>,
}

impl From<CreateStaffForm> for StaffInput {
    fn from(form: CreateStaffForm) -> StaffInput {
        StaffInput {
            display_name: form.display_name,
            email: form.email,
            phone: form.phone,
            roles: form.roles,
        }
    }
}

/// `POST /admin/users/{id}/roles`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct RolesForm {
    pub roles: Vec<String>,
}

impl RolesForm {
    pub(crate) fn check(&self) -> Result<RoleSet, FieldErrors> {
        accounts::parse_roles(&self.roles).map_err(FieldErrors::from)
    }
}

/// `POST /admin/users/{id}/status`: `active` or `disabled`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct AccountStatusForm {
    pub status: String,
}

impl AccountStatusForm {
    /// Whether the account is to be disabled; the form's two buttons send nothing else.
    pub(crate) fn disabled(&self) -> Result<bool, AppError> {
        match self.status.as_str() {
            "disabled" => Ok(true),
            "active" => Ok(false),
            _ => Err(AppError::BadRequest(
                "status must be `active` or `disabled`".into(),
            )),
        }
    }
}

// ------------------------------------------------------------------ records

/// `POST /talent/profile`: the record's fields, the district, and which button.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct TalentProfileForm {
    pub name: String,
    pub resident_id: String,
    pub degree: String,
    pub degree_institution: String,
    pub degree_year: String,
    pub honors: String,
    pub employer_enterprise_id: String,
    pub employer_name: String,
    pub employer_credit_code: String,
    pub arrival_date: String,
    /// A checkbox: ticked sends a value, unticked sends nothing.
    pub employed_in_city: String,
    pub housing: String,
    pub home_purchase_date: String,
    pub social_insurance_months: String,
    pub bank_account: String,
    pub phone: String,
    pub email: String,
    pub district: String,
    /// `submit` submits; anything else saves the draft.
    pub action: String,
}

impl TalentProfileForm {
    /// The record as submitted (the birth date comes from the identity number).
    pub(crate) fn input(&self) -> TalentInput {
        TalentInput {
            name: self.name.clone(),
            resident_id: self.resident_id.clone(),
            birth_date: String::new(),
            degree: self.degree.clone(),
            degree_institution: self.degree_institution.clone(),
            degree_year: self.degree_year.clone(),
            honors: self.honors.clone(),
            employer_enterprise_id: self.employer_enterprise_id.clone(),
            employer_name: self.employer_name.clone(),
            employer_credit_code: self.employer_credit_code.clone(),
            arrival_date: self.arrival_date.clone(),
            // An unticked checkbox sends nothing: that is "no".
            employed_in_city: if self.employed_in_city.is_empty() {
                "false".into()
            } else {
                "true".into()
            },
            housing: self.housing.clone(),
            home_purchase_date: self.home_purchase_date.clone(),
            social_insurance_months: self.social_insurance_months.clone(),
            bank_account: self.bank_account.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }

    pub(crate) fn submitting(&self) -> bool {
        self.action == "submit"
    }
}

/// `POST /enterprise/profile`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct EnterpriseProfileForm {
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub district: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// `submit` submits; anything else saves the draft.
    pub action: String,
}

impl EnterpriseProfileForm {
    /// The record as submitted. Drafts may be incomplete but not unbounded.
    pub(crate) fn input(&self) -> EnterpriseInput {
        let field = |value: &str| value.chars().take(500).collect::<String>();
        EnterpriseInput {
            name: field(&self.name),
            credit_code: field(&self.credit_code),
            industry: field(&self.industry),
            district: field(&self.district),
            contact_name: field(&self.contact_name),
            contact_phone: field(&self.contact_phone),
            contact_email: field(&self.contact_email),
        }
    }

    pub(crate) fn submitting(&self) -> bool {
        self.action == "submit"
    }
}

/// `POST /documents/{id}/delete`: which profile page to go back to.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct DetachForm {
    pub back: String,
}

/// An officer's or a reviewer's reason: returning a submission, revoking a card.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReasonForm {
    pub reason: String,
}

impl ReasonForm {
    pub(crate) fn reason(&self) -> &str {
        self.reason.trim()
    }
}

// ------------------------------------------------------------------ benefits and payments

/// `POST /talent/entitlements/{id}/confirm`: the bank account box.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ConfirmEntitlementForm {
    pub bank_confirmed: String,
}

impl ConfirmEntitlementForm {
    /// The box saying the account on the record is right was ticked.
    pub(crate) fn confirmed(&self) -> bool {
        !self.bank_confirmed.is_empty()
    }
}

/// Holding an entitlement (with a reason) or resuming it (`action=resume`).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct HoldForm {
    pub reason: String,
    pub action: String,
}

impl HoldForm {
    pub(crate) fn reason(&self) -> &str {
        self.reason.trim()
    }

    pub(crate) fn hold(&self) -> bool {
        self.action != "resume"
    }
}

/// `POST /officer/payments`: the month to compute.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct RunMonthForm {
    pub month: String,
}

impl RunMonthForm {
    pub(crate) fn check(&self) -> Result<Month, FieldError> {
        Month::parse("month", self.month.trim())
    }
}

/// A repayment received, in yuan (`1000.50`).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct RepaymentForm {
    pub amount: String,
}

impl RepaymentForm {
    /// The amount in fen.
    pub(crate) fn check(&self) -> Result<i64, FieldError> {
        super::parse_centi(&self.amount)
            .ok_or(FieldError::new("amount", "repayment-amount-invalid"))
    }
}

// ------------------------------------------------------------------ policy sandbox

/// A policy pack's text, new or edited.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct PackSourceForm {
    pub source: String,
}

/// `POST /admin/policy/{id}/publish`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct PublishForm {
    pub effective_date: String,
}

// ------------------------------------------------------------------ apartments

/// `POST /officer/housing/complexes`. Echoed back into the page when refused.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ComplexForm {
    pub code: String,
    pub name: String,
    pub district: String,
    pub address: String,
    pub operator: String,
}

impl ComplexForm {
    pub(crate) fn input(&self) -> yingcai_services::housing_desk::ComplexInput {
        yingcai_services::housing_desk::ComplexInput {
            code: self.code.clone(),
            name: self.name.clone(),
            district: self.district.clone(),
            address: self.address.clone(),
            operator: self.operator.clone(),
        }
    }
}

/// `POST /officer/housing/complexes/{id}/unit-types`. Echoed back into the page when refused.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct UnitTypeForm {
    pub unit_type: String,
    pub area_m2: String,
    pub bedrooms: String,
    pub rent_yuan: String,
    pub unit_numbers: String,
}

impl UnitTypeForm {
    pub(crate) fn input(&self) -> yingcai_services::housing_desk::UnitTypeInput {
        yingcai_services::housing_desk::UnitTypeInput {
            unit_type: self.unit_type.clone(),
            area_m2: self.area_m2.clone(),
            bedrooms: self.bedrooms.clone(),
            rent_yuan: self.rent_yuan.clone(),
            unit_numbers: self.unit_numbers.clone(),
        }
    }
}

/// `POST /officer/housing/units/{id}/status`: `maintenance` or `free`, and the complex
/// page to go back to.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct UnitStatusForm {
    pub status: String,
    pub complex: String,
}

impl UnitStatusForm {
    /// The complex page to go back to; 0 if the form named none.
    pub(crate) fn complex_id(&self) -> i64 {
        self.complex.parse::<i64>().unwrap_or(0)
    }
}

/// `POST /officer/housing/rounds`: a new round. Unit types and requirements are checkboxes.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct OpenRoundForm {
    pub name: String,
    pub deadline: String,
    pub unit_type: Vec<String>,
    pub requirement: Vec<String>,
    pub priority_rules: String,
    pub offer_rules: String,
    pub lease_rules: String,
}

impl OpenRoundForm {
    /// The unit type ids ticked (anything else the form carries is no unit type).
    pub(crate) fn unit_types(&self) -> Vec<i64> {
        self.unit_type
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect()
    }

    /// The requirements ticked that the platform knows.
    pub(crate) fn requirements(&self) -> Vec<String> {
        self.requirement
            .iter()
            .filter(|r| yingcai_services::housing::REQUIREMENTS.contains(&r.as_str()))
            .cloned()
            .collect()
    }
}

/// `POST /officer/housing/leases/{id}/notice`: the day the lease ends.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct LeaseNoticeForm {
    pub ends_on: String,
}

/// `POST /talent/housing/rounds/{id}/ballot`: up to ten complexes in order of preference,
/// `rank1` first; blanks are skipped.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct BallotForm {
    pub rank1: String,
    pub rank2: String,
    pub rank3: String,
    pub rank4: String,
    pub rank5: String,
    pub rank6: String,
    pub rank7: String,
    pub rank8: String,
    pub rank9: String,
    pub rank10: String,
}

// The form has a field per place a talent may rank.
const _: () = assert!(yingcai_housing::MAX_RANKED == 10);

impl BallotForm {
    /// The choices in order, `rank1` first, each trimmed (blank where none was chosen).
    pub(crate) fn choices(&self) -> [&str; yingcai_housing::MAX_RANKED] {
        [
            &self.rank1,
            &self.rank2,
            &self.rank3,
            &self.rank4,
            &self.rank5,
            &self.rank6,
            &self.rank7,
            &self.rank8,
            &self.rank9,
            &self.rank10,
        ]
        .map(|choice| choice.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::read_form;

    fn read<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, AppError> {
        read_form(serde_urlencoded::from_str::<Vec<(String, String)>>(body).unwrap())
    }

    #[test]
    fn a_repeated_field_reads_every_value_and_a_single_one_its_first() {
        let form: CreateStaffForm =
            read("display_name=A&display_name=B&roles=officer&email=a%40x.cn&roles=admin").unwrap();
        assert_eq!(form.roles, ["officer", "admin"]);
        assert_eq!(form.display_name, "A");
        assert_eq!(form.email, "a@x.cn");
        let form: OpenRoundForm = read("unit_type=3&unit_type=x&unit_type=5&name=R").unwrap();
        assert_eq!(form.unit_types(), [3, 5]);
    }

    #[test]
    fn missing_and_unknown_fields_read_as_empty_and_are_ignored() {
        let form: CreateStaffForm = read("submit=Create&other=1").unwrap();
        assert!(form.roles.is_empty() && form.display_name.is_empty());
        let form: BallotForm = read("rank1=+A+&rank3=B&rank11=C").unwrap();
        assert_eq!(form.choices()[..4], ["A", "", "B", ""]);
        assert_eq!(form.choices()[9], "");
    }

    #[test]
    fn text_where_a_number_belongs_is_an_error_on_that_field() {
        #[derive(Debug, Deserialize)]
        struct Numbers {
            #[serde(default)]
            count: i64,
            #[serde(default)]
            ids: Vec<i64>,
        }
        for body in ["count=abc", "count=x&ids=2"] {
            match read::<Numbers>(body) {
                Err(AppError::Invalid(errors)) => {
                    assert_eq!(errors.for_field("count"), Some("value-invalid"), "{body}");
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        // The first of a repeated one-value field counts, as for text.
        let numbers = read::<Numbers>("count=1&count=x&ids=2").unwrap();
        assert_eq!((numbers.count, numbers.ids), (1, vec![2]));
        match read::<Numbers>("ids=1&ids=two") {
            Err(AppError::Invalid(errors)) => {
                assert_eq!(errors.for_field("ids"), Some("value-invalid"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_body_that_is_no_struct_is_a_bad_request_not_a_panic() {
        #[derive(Debug, Deserialize)]
        struct Required {
            #[allow(dead_code)]
            needed: String,
        }
        assert!(matches!(
            read::<Required>("other=1"),
            Err(AppError::BadRequest(_))
        ));
    }
}

// ------------------------------------------------------------------ service desk

/// `POST /cases`: a case as its requester raises it.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct CaseForm {
    pub category: String,
    pub title: String,
    pub description: String,
    /// Present (any value) when the requester saw the possible duplicates.
    pub despite_duplicates: String,
}

impl From<&CaseForm> for yingcai_services::service_desk::CaseInput {
    fn from(form: &CaseForm) -> Self {
        yingcai_services::service_desk::CaseInput {
            category: form.category.clone(),
            title: form.title.clone(),
            description: form.description.clone(),
            despite_duplicates: !form.despite_duplicates.is_empty(),
        }
    }
}

/// `POST /cases/{id}/act`: an action on a case with its message.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct CaseActionForm {
    pub action: String,
    pub message: String,
}

/// `POST /cases/{id}/rate`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct RatingForm {
    pub rating: String,
    pub comment: String,
}

/// `POST /cases/{id}/transfer`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct TransferForm {
    pub team: String,
    pub reason: String,
}

/// `POST /cases/{id}/targets`: targets in working hours (decimals allowed).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct TargetsForm {
    pub response_hours: String,
    pub resolution_hours: String,
    pub reason: String,
}

/// `POST /cases/{id}/items` and `/cases/{id}/items/done`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct ChecklistForm {
    pub item: String,
    pub text: String,
    pub owner: String,
    pub due_date: String,
}

/// `POST /admin/teams` and `/admin/teams/{id}`.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct TeamForm {
    pub name: String,
    pub leader: String,
    pub industries: Vec<String>,
    pub districts: Vec<String>,
    pub members: Vec<String>,
}

/// `POST /admin/service-categories`: one category's targets in working hours.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct CategoryTargetsForm {
    pub code: String,
    pub response_hours: String,
    pub resolution_hours: String,
}

/// `POST /admin/calendar`: one year of the official calendar.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct CalendarYearForm {
    pub data: String,
}

/// `POST /officer/enterprises/{id}/team`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct PairingForm {
    pub team: String,
    /// The team page the form was on, which shows the outcome.
    pub from: String,
}
