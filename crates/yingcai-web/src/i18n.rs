//! Translations: Fluent catalogues compiled into the binary (`locales/<tag>/*.ftl`: `main.ftl`,
//! and `bids.ftl` for the open competitions' bids).
//!
//! Every user-visible string has a key in both catalogues; a test checks that the two
//! catalogues have the same keys, so no page shows a raw key in one language.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use yingcai_domain::Locale;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // No Unicode isolation marks around arguments: they show up in copied text and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

fn langid(locale: Locale) -> &'static LanguageIdentifier {
    match locale {
        Locale::ZhCn => &ZH_CN,
        Locale::En => &EN,
    }
}

/// The message `key` in `locale`, with `{ $name }` arguments filled in.
/// An unknown key comes back as the key itself, which the catalogue test forbids.
pub fn translate(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let lang = langid(locale);
    if args.is_empty() {
        return LOCALES
            .try_lookup(lang, key)
            .unwrap_or_else(|| key.to_owned());
    }
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(lang, key, &map)
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> std::collections::BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('.'))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh = keys(concat!(
            include_str!("../locales/zh-CN/main.ftl"),
            "\n",
            include_str!("../locales/zh-CN/bids.ftl")
        ));
        let en = keys(concat!(
            include_str!("../locales/en/main.ftl"),
            "\n",
            include_str!("../locales/en/bids.ftl")
        ));
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only zh: {only_zh:?}; only en: {only_en:?}"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let en = keys(concat!(
            include_str!("../locales/en/main.ftl"),
            "\n",
            include_str!("../locales/en/bids.ftl")
        ));
        let mut missing = Vec::new();
        let mut literal = 0;
        for file in crate::render::Templates::iter() {
            let source = crate::render::Templates::get(&file).expect("listed");
            let text = String::from_utf8_lossy(&source.data).into_owned();
            let pieces: Vec<&str> = text.split("t(\"").collect();
            for (before, part) in pieces.iter().zip(pieces.iter().skip(1)) {
                // `select("…")` and other calls ending in `t` are not translations.
                if before
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let (key, rest) = part.split_once('"').unwrap_or(("", ""));
                // `t("role-" ~ role)` builds the key at run time; those families are
                // checked one member at a time in `every_dynamic_key_exists`.
                if rest.trim_start().starts_with('~') {
                    continue;
                }
                literal += 1;
                if !en.contains(key) {
                    missing.push(format!("{file}: {key}"));
                }
            }
        }
        assert!(
            literal > 100,
            "the scan found only {literal} keys: are the templates embedded?"
        );
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:?}"
        );
    }

    /// Keys built at run time: every role, every error code, every field error code that
    /// the domain and the services can produce.
    #[test]
    fn every_dynamic_key_exists() {
        use yingcai_domain::Role;
        let en = keys(concat!(
            include_str!("../locales/en/main.ftl"),
            "\n",
            include_str!("../locales/en/bids.ftl")
        ));
        let mut wanted: Vec<String> = Vec::new();
        for role in Role::ALL {
            wanted.push(format!("role-{role}"));
            if role != Role::Admin {
                wanted.push(format!("workspace-{role}-title"));
                wanted.push(format!("workspace-{role}-lead"));
            }
        }
        for code in [
            "invalid",
            "bad-request",
            "unauthenticated",
            "forbidden",
            "not-found",
            "csrf",
            "throttled",
            "must-change-password",
            "internal",
        ] {
            wanted.push(format!("error-{code}"));
            wanted.push(format!("error-{code}-title"));
        }
        // Every `FieldError::new(field, "code")` / `Error::field(.., "code")` in the sources.
        let sources = [
            include_str!("../../yingcai-domain/src/account.rs"),
            include_str!("../../yingcai-domain/src/identity.rs"),
            include_str!("../../yingcai-domain/src/calendar.rs"),
            include_str!("../../yingcai-services/src/accounts.rs"),
            include_str!("pages/auth.rs"),
            include_str!("pages/policy.rs"),
            include_str!("policy.rs"),
            include_str!("pages/sandbox.rs"),
            include_str!("pages/payments.rs"),
            include_str!("pages/housing.rs"),
            include_str!("pages/apartment.rs"),
            include_str!("pages/cases.rs"),
            include_str!("../../yingcai-services/src/service_desk.rs"),
            include_str!("../../yingcai-domain/src/competition.rs"),
            include_str!("../../yingcai-services/src/competitions.rs"),
            include_str!("pages/competitions.rs"),
            include_str!("../../yingcai-domain/src/bid.rs"),
            include_str!("../../yingcai-services/src/bids.rs"),
            include_str!("pages/bids.rs"),
        ];
        for source in sources {
            for call in source
                .split("FieldError::new(")
                .skip(1)
                // `AppError::field(` and the services' `Error::field(`.
                .chain(source.split("Error::field(").skip(1))
            {
                let args = call.split(')').next().unwrap_or("");
                // The code is the last string literal among the arguments.
                if let Some(code) = args.split('"').collect::<Vec<_>>().iter().rev().nth(1) {
                    wanted.push(format!("err-{code}"));
                }
            }
        }
        // Every refusal enum's codes.
        for codes in [
            yingcai_store::payments::ApproveRunError::CODES,
            yingcai_store::payments::ExportRunError::CODES,
            yingcai_store::payments::SettleRunError::CODES,
            yingcai_store::payments::RepaymentError::CODES,
            yingcai_store::SubmissionError::CODES,
            yingcai_store::InventoryConflict::CODES,
            yingcai_store::CaseChangeError::CODES,
            yingcai_store::NeedChangeError::CODES,
            yingcai_store::BidChangeError::CODES,
            yingcai_services::housing::OfferAnswerError::CODES,
            yingcai_services::payments::RunMonthError::CODES,
            yingcai_services::payments::SettlementImportError::CODES,
            yingcai_services::housing_desk::ComplexError::CODES,
            yingcai_services::housing_desk::UnitStatusError::CODES,
            yingcai_services::housing_desk::BallotError::CODES,
            crate::policy::IssueCardError::CODES,
            crate::pages::talent::DocumentError::CODES,
            yingcai_services::profiles::DocumentRefusal::CODES,
        ] {
            wanted.extend(codes.iter().map(|code| format!("err-{code}")));
        }
        // The calendar's codes come from its error, not from literals at the call sites.
        for error in [
            yingcai_domain::CalendarError::NotADate(String::new()),
            yingcai_domain::CalendarError::OutOfRange(String::new()),
        ] {
            wanted.push(format!("err-{}", error.date_code()));
            wanted.push(format!("err-{}", error.month_code()));
        }
        for code in [
            yingcai_import::codes::FILE_UNREADABLE,
            yingcai_import::codes::ENCODING_NOT_UTF8,
            yingcai_import::codes::HEADER_MISSING_COLUMN,
            yingcai_import::codes::HEADER_UNKNOWN_COLUMN,
            yingcai_import::codes::HEADER_DUPLICATE_COLUMN,
            yingcai_import::codes::NO_ROWS,
            yingcai_import::codes::TOO_MANY_ROWS,
            yingcai_import::codes::TOO_MANY_ERRORS,
            yingcai_import::codes::ROW_LENGTH,
            yingcai_import::codes::CELL_WITHOUT_HEADER,
            yingcai_import::codes::CELL_ERROR,
            yingcai_import::codes::NUMBER_IMPRECISE,
            yingcai_import::codes::ID_INVALID,
            yingcai_import::codes::DUPLICATE_IN_FILE,
            yingcai_import::codes::COMPLEX_CODE_INVALID,
            yingcai_import::codes::DISTRICT_INVALID,
            yingcai_import::codes::AREA_INVALID,
            yingcai_import::codes::BEDROOMS_INVALID,
            yingcai_import::codes::RENT_INVALID,
            yingcai_import::codes::UNIT_NUMBER_INVALID,
            yingcai_import::codes::STATUS_INVALID,
            yingcai_import::codes::COMPLEX_INCONSISTENT,
            yingcai_import::codes::UNIT_TYPE_INCONSISTENT,
            "text-invalid",
            crate::registry::RESIDENT_ID_REGISTERED,
            "document-type",
            "document-too-large",
            "document-submitted",
            "file-too-large",
            "employer-unknown",
            "card-not-eligible",
            "card-already-active",
            "pack-invalid",
            "pack-other",
            "pack-version-taken",
            "pack-effective-taken",
            "date-invalid",
            "run-frozen",
            "run-not-approvable",
            "approval-by-preparer",
            "approval-needs-officer",
            "run-not-approved",
            "run-not-exported",
            "settlement-file-invalid",
            "repayment-amount-invalid",
        ] {
            wanted.push(format!("err-{code}"));
        }
        for dimension in ["benefit", "degree", "tier", "district"] {
            wanted.push(format!("reports-by-{dimension}"));
        }
        // The labels of the stored codes without an enum (payment kinds, offer sources, lease
        // end reasons, notification kinds), and the pages' own label ids.
        for labels in crate::pages::labels::ALL {
            wanted.extend(labels.table.iter().map(|(_, id)| (*id).to_owned()));
        }
        for id in ["unit-to-maintenance", "unit-to-free"] {
            wanted.push(id.to_owned());
        }
        // Open competitions: the terms' labels, the confirmations, the named refusal.
        use yingcai_domain::competition::{Confidentiality, IpTerms};
        wanted.extend(IpTerms::ALL.iter().map(|c| c.label_id().to_owned()));
        wanted.extend(Confidentiality::ALL.iter().map(|c| c.label_id().to_owned()));
        for done in [
            "drafted",
            "saved",
            "submitted",
            "returned",
            "accepted",
            "published",
        ] {
            wanted.push(format!("need-done-{done}"));
        }
        wanted.push(format!(
            "err-{}",
            yingcai_services::competitions::PublishRefusal::TOO_EARLY
        ));
        wanted.push("err-list-deadline-too-early-named".to_owned());
        // Bids: statuses, the formal check's results and reasons, the confirmations.
        use yingcai_domain::status::{BidCheck, BidStatus};
        wanted.extend(BidStatus::ALL.iter().map(|s| s.label_id().to_owned()));
        wanted.extend(BidCheck::ALL.iter().map(|s| s.label_id().to_owned()));
        wanted.extend(
            yingcai_domain::bid::CheckReason::ALL
                .iter()
                .map(|r| r.label_id()),
        );
        for done in ["drafted", "saved", "submitted", "withdrawn", "overridden"] {
            wanted.push(format!("bid-done-{done}"));
        }
        wanted.push(format!("job-{}", "open-bids"));
        for code in yingcai_services::housing::REQUIREMENTS
            .iter()
            .chain(&["not_housed"])
        {
            wanted.push(format!("eligibility-{code}"));
        }
        for code in [
            "unit-number-taken",
            "unit-type-inconsistent",
            "complex-inconsistent",
            "unit-numbers-invalid",
            "unit-numbers-duplicate",
        ] {
            wanted.push(format!("err-{code}"));
        }
        for state in ["valid", "revoked", "expired", "not-yet-valid", "unknown"] {
            wanted.push(format!("verify-state-{state}"));
        }
        let missing: Vec<&String> = wanted.iter().filter(|k| !en.contains(*k)).collect();
        assert!(missing.is_empty(), "missing translations: {missing:?}");
        assert!(wanted.iter().filter(|k| k.starts_with("err-")).count() > 15);
    }

    /// Every status of every status enum has its label in both languages (and the card's
    /// shown-only "expired").
    #[test]
    fn every_status_has_a_label_in_both_languages() {
        let en = keys(concat!(
            include_str!("../locales/en/main.ftl"),
            "\n",
            include_str!("../locales/en/bids.ftl")
        ));
        let zh = keys(concat!(
            include_str!("../locales/zh-CN/main.ftl"),
            "\n",
            include_str!("../locales/zh-CN/bids.ftl")
        ));
        let mut ids = yingcai_domain::status::all_label_ids();
        ids.push("status-card-expired");
        assert!(ids.len() > 30, "{ids:?}");
        for catalogue in [&en, &zh] {
            let missing: Vec<&&str> = ids.iter().filter(|id| !catalogue.contains(**id)).collect();
            assert!(missing.is_empty(), "status labels missing: {missing:?}");
        }
    }

    #[test]
    fn messages_differ_by_language_and_take_arguments() {
        assert_eq!(translate(Locale::En, "nav-home", &[]), "Home");
        assert_eq!(translate(Locale::ZhCn, "nav-home", &[]), "首页");
        let text = translate(Locale::En, "home-welcome", &[("name", "Li".into())]);
        assert!(text.contains("Li"), "{text}");
    }
}
