//! HTML pages, one module per area. Each handler: take `Ctx`, check the role, parse the
//! form into domain types, call `crate::accounts`, render a template.
//!
//! A status reaches a template as its message id (`status_label`, the enum's `label_id()`)
//! and the decisions taken on it as named booleans computed from the enum (`in_force`,
//! `awaiting_decision`); stored codes without an enum go through [`labels`]. Templates
//! neither compare nor spell status texts, nor build message ids from them (checked by a
//! test in `render.rs`).

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod apartment;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod bids;
pub(crate) mod cases;
pub(crate) mod competitions;
pub(crate) mod enterprise;
pub(crate) mod figures;
pub(crate) mod forms;
pub(crate) mod health;
pub(crate) mod home;
pub(crate) mod housing;
pub(crate) mod import;
pub(crate) mod jobs;
pub(crate) mod labels;
pub(crate) mod notifications;
pub(crate) mod payments;
pub(crate) mod policy;
pub(crate) mod review;
pub(crate) mod sandbox;
pub(crate) mod talent;
pub(crate) mod uploads;
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

/// One choice of a status filter: the status's text (the form's value), its label's Fluent
/// id, and whether it is the one chosen.
#[derive(serde::Serialize)]
pub(crate) struct StatusOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// A status filter's choices, one per value of the status enum, in the enum's order;
/// `text` gives a value's stored text and label id (`|s| (s.as_str(), s.label_id())`).
pub(crate) fn status_options<S: Copy + PartialEq>(
    all: &[S],
    chosen: Option<S>,
    text: impl Fn(S) -> (&'static str, &'static str),
) -> Vec<StatusOption> {
    all.iter()
        .map(|&status| {
            let (value, label) = text(status);
            StatusOption {
                value,
                label,
                selected: chosen == Some(status),
            }
        })
        .collect()
}

/// Only a plain path on this site may be a redirect target: `/` followed by letters, digits
/// and the few punctuation marks our own URLs use. Anything else — `//host`, a backslash
/// (which browsers read as `/`), a scheme, a control or space character, non-ASCII —
/// becomes `/`, because browsers "repair" such strings in ways that leave the site.
pub(crate) fn safe_next(next: &str) -> &str {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"/-._~?=&%+,:@".contains(&b);
    let bytes = next.as_bytes();
    let local = bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && bytes.len() <= 2000
        && bytes.iter().all(|&b| plain(b));
    if local { next } else { "/" }
}

/// A form's decimal amount (yuan → fen), surrounding spaces allowed: see
/// [`yingcai_domain::parse_hundredths`].
pub(crate) fn parse_centi(raw: &str) -> Option<i64> {
    yingcai_domain::parse_hundredths(raw.trim())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_the_site() {
        for kept in [
            "/",
            "/account",
            "/officer/submissions?status=submitted&page=2",
            "/a%20b",
        ] {
            assert_eq!(safe_next(kept), kept);
        }
        for refused in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r\n/x",
            "/ /x",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\u{3000}x",
            "/é",
            "\\\\evil.example",
        ] {
            assert_eq!(safe_next(refused), "/", "{refused:?}");
        }
    }
}
