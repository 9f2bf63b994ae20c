//! HTML pages, one module per area. Each handler: take `Ctx`, check the role, parse the
//! form into domain types, call `crate::accounts`, render a template.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod apartment;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod enterprise;
pub(crate) mod health;
pub(crate) mod home;
pub(crate) mod housing;
pub(crate) mod import;
pub(crate) mod jobs;
pub(crate) mod payments;
pub(crate) mod policy;
pub(crate) mod review;
pub(crate) mod sandbox;
pub(crate) mod talent;
pub(crate) mod workspace;

use minijinja::Value;
use yingcai_domain::FieldErrors;

/// Field errors as `{field: code}` for the templates, which show each next to its field.
pub(crate) fn errors_value(errors: &FieldErrors) -> Value {
    let mut map = std::collections::BTreeMap::new();
    for error in errors.iter() {
        map.entry(error.field).or_insert(error.code);
    }
    Value::from_serialize(&map)
}

/// Only a local path may be a redirect target (no `//evil.example`).
pub(crate) fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

/// A form's decimal amount (yuan → fen), surrounding spaces allowed: see
/// [`yingcai_domain::parse_hundredths`].
pub(crate) fn parse_centi(raw: &str) -> Option<i64> {
    yingcai_domain::parse_hundredths(raw.trim())
}
