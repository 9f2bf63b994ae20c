//! yingcai's domain types.
//!
//! Everything that enters yingcai is parsed once, at the edge (a form, an API call, an
//! import file), into one of these types; from then on it cannot be invalid. This crate
//! does no I/O: no database, no network, no async runtime, so it is tested fast and alone.
//!
//! ```
//! use yingcai_domain::{Email, ResidentId};
//! let email = Email::parse(" Li.Wei@Example.cn ").unwrap();
//! assert_eq!(email.as_str(), "li.wei@example.cn");
//! let id = ResidentId::parse("11010519491231002X").unwrap();
//! assert_eq!(id.masked(), "1101**********002X");
//! ```

mod account;
pub mod audit;
pub mod bid;
mod calendar;
pub mod competition;
mod enterprise;
mod field;
mod identity;
mod money;
pub mod status;
pub mod talent;

pub use account::{DisplayName, Email, Locale, Password, Phone, Role, RoleSet};
pub use calendar::{CalendarError, Date, MAX_YEAR, MIN_YEAR, Month};
pub use enterprise::{EnterpriseInput, EnterpriseProfile};
pub use field::Redacted;
pub use field::{FieldError, FieldErrors};
pub use identity::{CreditCode, ResidentId};
pub use money::{Fen, parse_hundredths};
pub use status::{
    CardStatus, EntitlementStatus, LeaseStatus, LineStatus, NeedStatus, OfferStatus, PolicyStatus,
    RoundStatus, RunStatus, SubmissionStatus, TransferStatus, UnitStatus, UnknownStatus,
};
pub use talent::{BankAccount, Degree, Employer, Housing, TalentInput, TalentProfile};
