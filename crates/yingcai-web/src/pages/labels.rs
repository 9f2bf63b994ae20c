//! The Fluent ids of codes the store keeps as plain text, with no enum of their own: a
//! payment line's kind, an offer's source, why a lease ends, a notification's kind.
//!
//! The pages put the id in their context (`kind_label`) and the templates say `t(id)`: no
//! template builds a message id from a stored text. A stored code that is in none of these
//! tables is a broken row, shown as an internal error naming the code.

use crate::AppError;

/// The codes of one kind and their Fluent ids.
pub(crate) struct Labels {
    /// What the codes are, in words (`payment kind`).
    kind: &'static str,
    pub(crate) table: &'static [(&'static str, &'static str)],
}

impl Labels {
    /// The Fluent id of `code`.
    pub(crate) fn of(&self, code: &str) -> Result<&'static str, AppError> {
        self.table
            .iter()
            .find(|(known, _)| *known == code)
            .map(|&(_, label)| label)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown {} `{code}`", self.kind)))
    }
}

/// A payment line's kind (`payment_line.kind`).
pub(crate) const PAYMENT_KINDS: Labels = Labels {
    kind: "payment kind",
    table: &[
        ("regular", "payment-kind-regular"),
        ("arrears", "payment-kind-arrears"),
        ("overpayment", "payment-kind-overpayment"),
    ],
};

/// How an apartment offer came (`offer.source`).
pub(crate) const OFFER_SOURCES: Labels = Labels {
    kind: "offer source",
    table: &[
        ("allocation", "offer-source-allocation"),
        ("waiting_list", "offer-source-waiting_list"),
    ],
};

/// Why a lease ends (`lease.end_reason`).
pub(crate) const LEASE_REASONS: Labels = Labels {
    kind: "lease end reason",
    table: &[
        ("bought_home", "lease-reason-bought_home"),
        ("left_employment", "lease-reason-left_employment"),
        ("max_term", "lease-reason-max_term"),
        ("officer", "lease-reason-officer"),
    ],
};

/// What a talent's notification says (`notification.kind`).
pub(crate) const NOTIFICATION_KINDS: Labels = Labels {
    kind: "notification kind",
    table: &[
        ("entitlement-found", "notification-entitlement-found"),
        ("card-issued", "notification-card-issued"),
        ("card-revoked", "notification-card-revoked"),
        ("apartment-offer", "notification-apartment-offer"),
        ("lease-notice", "notification-lease-notice"),
    ],
};

/// Every table, for the translation tests.
#[cfg(test)]
pub(crate) const ALL: &[&Labels] = &[
    &PAYMENT_KINDS,
    &OFFER_SOURCES,
    &LEASE_REASONS,
    &NOTIFICATION_KINDS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_code_has_its_id_and_an_unknown_one_is_an_error() {
        assert_eq!(PAYMENT_KINDS.of("arrears").unwrap(), "payment-kind-arrears");
        let error = OFFER_SOURCES.of("lottery").unwrap_err();
        assert!(
            matches!(&error, AppError::Internal(cause) if cause.to_string() == "unknown offer source `lottery`"),
            "{error:?}"
        );
    }
}
