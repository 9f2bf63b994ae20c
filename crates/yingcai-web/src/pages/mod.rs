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

/// A decimal with at most two places in hundredths: `1000`, `1000.5`, `1000.50` yuan →
/// fen, or square metres → hundredths; anything else (negative, three decimals, text)
/// is refused rather than rounded.
pub(crate) fn parse_centi(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}
