//! The calendar the rules are written in: yingcai's one [`Date`] and [`Month`]
//! (1900-01-01 to 2200-12-31). Evaluation works on [`Month::index`] integers, so
//! `m - arrival_month` is a subtraction, not a calendar computation.

pub use yingcai_domain::{CalendarError, Date, Month};
