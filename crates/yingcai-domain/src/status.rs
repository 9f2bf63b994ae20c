//! Where a stored thing stands: one enum per kind of thing (card, entitlement, payment run,
//! payment line, bank transfer, apartment unit, round, offer, lease, policy version,
//! submission).
//!
//! Each is stored as the same lower-case text it always was, and read back through the one
//! mapping the [`statuses!`] macro generates: `as_str`, `ALL`, `FromStr` / `TryFrom<String>`
//! (an unknown text is an [`UnknownStatus`] naming the kind and the text, never a default),
//! `Display`, serde as the string, and `label_id()`, the Fluent message that says it to a
//! person (`status-run-draft`).
//!
//! ```
//! use yingcai_domain::status::RunStatus;
//! assert_eq!("approved".parse::<RunStatus>(), Ok(RunStatus::Approved));
//! assert_eq!(RunStatus::Draft.label_id(), "status-run-draft");
//! assert!("paid".parse::<RunStatus>().unwrap_err().to_string().contains("payment run"));
//! ```

/// A stored status text that is none of its kind's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {kind} status")]
pub struct UnknownStatus {
    /// The kind of status, in words (`payment run`).
    pub kind: &'static str,
    pub text: String,
}

/// Generates a status enum with its one text mapping (see the module documentation).
macro_rules! statuses {
    ($(
        $(#[$meta:meta])*
        $name:ident ($kind:literal, $label:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of its life.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What this kind is called in messages.
            pub const KIND: &'static str = $kind;

            /// The stored (and API) text.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The Fluent message that names this status to a person.
            pub const fn label_id(self) -> &'static str {
                match self {
                    $($name::$variant => concat!("status-", $label, "-", $text),)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownStatus;

            fn from_str(text: &str) -> Result<Self, UnknownStatus> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownStatus { kind: $kind, text: text.to_owned() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownStatus;

            fn try_from(text: String) -> Result<Self, UnknownStatus> {
                text.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )+

        /// Every status enum's label ids, for the translation tests.
        pub fn all_label_ids() -> Vec<&'static str> {
            let mut ids = Vec::new();
            $( ids.extend($name::ALL.iter().map(|s| s.label_id())); )+
            ids
        }
    };
}

statuses! {
    /// A green card: in force or revoked (expiry is read from its dates).
    CardStatus("card", "card") {
        Active = "active",
        Revoked = "revoked",
    }

    /// An entitlement the engine found: awaiting the talent, confirmed (paid), or ended.
    EntitlementStatus("entitlement", "entitlement") {
        Proposed = "proposed",
        Confirmed = "confirmed",
        Ended = "ended",
    }

    /// A month's payment run.
    RunStatus("payment run", "run") {
        Draft = "draft",
        Approved = "approved",
        Exported = "exported",
        Settled = "settled",
    }

    /// One payment line of a run.
    LineStatus("payment line", "line") {
        Pending = "pending",
        Exported = "exported",
        Paid = "paid",
        Failed = "failed",
    }

    /// One payee of a bank file.
    TransferStatus("bank transfer", "transfer") {
        Exported = "exported",
        Paid = "paid",
        Failed = "failed",
    }

    /// An apartment unit.
    UnitStatus("unit", "unit") {
        Free = "free",
        Offered = "offered",
        Let = "let",
        Maintenance = "maintenance",
    }

    /// An apartment application round.
    RoundStatus("housing round", "round") {
        Open = "open",
        Allocated = "allocated",
    }

    /// An apartment offer.
    OfferStatus("offer", "offer") {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Expired = "expired",
    }

    /// An apartment lease: in force, under notice, or ended.
    LeaseStatus("lease", "lease") {
        Active = "active",
        Ending = "ending",
        Ended = "ended",
    }

    /// A policy pack version.
    PolicyStatus("policy version", "policy") {
        Draft = "draft",
        Published = "published",
    }

    /// A submission (a change to a registry record).
    SubmissionStatus("submission", "submission") {
        Draft = "draft",
        Submitted = "submitted",
        Returned = "returned",
        Verified = "verified",
    }

    /// A service case raised with an industry service team (see `yingcai-casedesk`).
    CaseStatus("service case", "case") {
        New = "new",
        Accepted = "accepted",
        InProgress = "in_progress",
        /// Waiting on the requester: the clocks are paused.
        WaitingRequester = "waiting_requester",
        /// Waiting on another bureau: the clocks are paused.
        WaitingBureau = "waiting_bureau",
        Resolved = "resolved",
        Closed = "closed",
    }

    /// An open competition's need (揭榜挂帅): drafted by an enterprise or for a government
    /// unit, reviewed by an officer, published on a numbered list. The bidding, review and
    /// award states follow in the slices that build them.
    NeedStatus("competition need", "need") {
        Draft = "draft",
        Submitted = "submitted",
        /// Sent back to the issuer with a reason; edited and submitted again.
        Returned = "returned",
        Accepted = "accepted",
        /// On a published list: anyone may read it and, later, bid.
        Published = "published",
    }

    /// A bid on a published need. Its content is sealed from the moment it is saved and
    /// read by nobody but its author (while a draft) until the opening job opens it after
    /// the need's deadline; a draft left at the deadline lapses, unopened.
    BidStatus("bid", "bid") {
        Draft = "draft",
        /// Sealed until the deadline; the author holds a receipt and may withdraw it.
        Submitted = "submitted",
        /// Opened after the deadline and formally checked.
        Opened = "opened",
        /// Still a draft at the deadline: never opened.
        Lapsed = "lapsed",
    }

    /// The formal check of an opened bid (complete, within budget, documents intact).
    BidCheck("formal check", "bid-check") {
        Passed = "passed",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_as_itself() {
        fn round_trip<T>(all: &[T])
        where
            T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
            <T as std::str::FromStr>::Err: std::fmt::Debug,
        {
            for s in all {
                assert_eq!(s.to_string().parse::<T>().unwrap(), *s);
            }
        }
        round_trip(CardStatus::ALL);
        round_trip(EntitlementStatus::ALL);
        round_trip(RunStatus::ALL);
        round_trip(LineStatus::ALL);
        round_trip(TransferStatus::ALL);
        round_trip(UnitStatus::ALL);
        round_trip(RoundStatus::ALL);
        round_trip(OfferStatus::ALL);
        round_trip(LeaseStatus::ALL);
        round_trip(PolicyStatus::ALL);
        round_trip(SubmissionStatus::ALL);
        round_trip(CaseStatus::ALL);
        round_trip(NeedStatus::ALL);
        round_trip(BidStatus::ALL);
        round_trip(BidCheck::ALL);
    }

    #[test]
    fn unknown_text_names_kind_and_text() {
        let error = LeaseStatus::try_from("gone".to_owned()).unwrap_err();
        assert_eq!(error.to_string(), "`gone` is not a lease status");
        assert_eq!(
            serde_json::to_string(&OfferStatus::Declined).unwrap(),
            "\"declined\""
        );
        assert_eq!(
            serde_json::from_str::<OfferStatus>("\"expired\"").unwrap(),
            OfferStatus::Expired
        );
        assert!(serde_json::from_str::<OfferStatus>("\"x\"").is_err());
        let ids = all_label_ids();
        assert!(ids.contains(&"status-submission-verified"));
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
