//! The policy sandbox as the pages and the API both use it: drafts of a new pack version
//! (from edited text or an uploaded file), the impact of a draft on the registered
//! population against the version in force, and publication with an effective date.

use yingcai_domain::{FieldError, FieldErrors, Month};
use yingcai_rules::{Comparison, CompiledPack, CostScope};
use yingcai_store::{Actor, PolicyDraft, PolicyVersionRecord, Store, StoreError};

use crate::Error;
use crate::policy::{PolicySet, clock_month, draft_of, person_of, today};

/// A pack text larger than this is not a policy but a mistake.
pub const MAX_PACK_BYTES: usize = 512 * 1024;

/// The longest file name kept for an uploaded pack.
const MAX_FILE_NAME: usize = 200;

/// What a draft's text says of itself; empty identity while it does not compile (then the
/// error says where and why).
pub fn describe(file: &str, source: &str) -> (PolicyDraft, Result<CompiledPack, String>) {
    match CompiledPack::load(file, source) {
        Ok(pack) => (draft_of(&pack, file, source), Ok(pack)),
        Err(error) => (
            PolicyDraft {
                file_name: file.to_owned(),
                source: source.to_owned(),
                ..PolicyDraft::default()
            },
            Err(error.to_string()),
        ),
    }
}

/// A pack text as typed: not empty, not huge, with the author's line ends kept as `\n`
/// (browsers send CRLF from a text box).
pub fn checked_source(field: &'static str, raw: &str) -> Result<String, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if raw.len() > MAX_PACK_BYTES {
        return Err(FieldError::new(field, "too-long"));
    }
    Ok(raw.replace("\r\n", "\n"))
}

/// A new draft from a pack text (usually the text in force, edited). A draft that does not
/// compile is kept, so the author can read its problem and mend it.
pub async fn create_draft(store: &Store, source: &str, actor: &Actor) -> Result<i64, Error> {
    let source = checked_source("source", source).map_err(|e| Error::Invalid(e.into()))?;
    let (draft, _) = describe("draft.toml", &source);
    Ok(store.save_policy_draft(None, &draft, actor).await?)
}

/// A new draft from an uploaded pack file: UTF-8 text; its name is kept when it is a
/// reasonable `.toml` name.
pub async fn upload_draft(
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    actor: &Actor,
) -> Result<i64, Error> {
    let text = String::from_utf8(bytes).map_err(|_| Error::field("file", "encoding-not-utf8"))?;
    let source = checked_source("file", &text).map_err(|_| Error::field("file", "required"))?;
    let name = if name.ends_with(".toml") && name.len() <= MAX_FILE_NAME {
        name.to_owned()
    } else {
        "upload.toml".to_owned()
    };
    let (draft, _) = describe(&name, &source);
    Ok(store.save_policy_draft(None, &draft, actor).await?)
}

/// A draft, which may still change; a published version never changes (not found).
pub async fn draft(store: &Store, id: i64) -> Result<PolicyVersionRecord, Error> {
    let record = store.policy_version(id).await?;
    if record.is_published() {
        return Err(Error::NotFound);
    }
    Ok(record)
}

/// Saves the edited text of a draft.
pub async fn save_draft(store: &Store, id: i64, source: &str, actor: &Actor) -> Result<(), Error> {
    let record = draft(store, id).await?;
    let source = checked_source("source", source).map_err(|e| Error::Invalid(e.into()))?;
    let (draft, _) = describe(&record.file_name, &source);
    store.save_policy_draft(Some(id), &draft, actor).await?;
    Ok(())
}

/// The months an impact is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    pub from: Month,
    /// 1 to 120.
    pub months: u32,
}

impl Horizon {
    /// Horizons start next month by default: this month has begun.
    pub fn default_from() -> Month {
        clock_month(today()).next().unwrap_or(Month::MAX)
    }

    /// `from` (`YYYY-MM`, next month when empty) and `months` (1–120, 12 when empty) as
    /// typed, each with its own field error.
    pub fn parse(from: &str, months: &str) -> Result<Horizon, FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = match from.trim() {
            "" => Some(Horizon::default_from()),
            raw => errors.check(Month::parse("from", raw)),
        };
        let months = match months.trim() {
            "" => Some(12),
            raw => {
                let months = raw.parse::<u32>().ok().filter(|m| (1..=120).contains(m));
                if months.is_none() {
                    errors.push(FieldError::new("months", "horizon-invalid"));
                }
                months
            }
        };
        match (from, months) {
            (Some(from), Some(months)) => Ok(Horizon { from, months }),
            _ => Err(errors),
        }
    }
}

/// What a draft would change, against the version in force at the horizon's start.
#[derive(Debug)]
pub enum Impact {
    Compared(Comparison),
    /// The two packs cannot be compared (say, different benefits' shapes); why, in words.
    Incompatible(String),
}

/// Baseline versus draft on every verified talent over the horizon: cost per month,
/// totals, how many gain, lose or change.
pub async fn impact(
    store: &Store,
    baseline: &CompiledPack,
    draft: &CompiledPack,
    horizon: Horizon,
) -> Result<Impact, Error> {
    let mut persons = Vec::new();
    let mut after = 0;
    loop {
        let batch = store.talents_after(after, 2_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.talent_id;
        persons.extend(
            batch
                .iter()
                .map(|t| person_of(t.talent_id, &t.profile, baseline)),
        );
    }
    Ok(
        match yingcai_rules::compare_population(
            baseline,
            draft,
            &persons,
            horizon.from,
            horizon.months,
            CostScope::AllBenefits,
        ) {
            Ok(comparison) => Impact::Compared(comparison),
            Err(error) => Impact::Incompatible(error.to_string()),
        },
    )
}

yingcai_store::refusal! {
    /// Why a draft was not published.
    pub enum PublishError {
        /// The effective date is not a date of the calendar.
        DateInvalid => ("effective_date", "date-invalid", "the effective date is not a valid date"),
        /// The draft does not compile (or has no `[pack]` table to date).
        PackInvalid => ("effective_date", "pack-invalid", "the draft has problems to mend first"),
        /// The draft is a version of another pack than the one in force.
        PackOther => ("effective_date", "pack-other", "the draft belongs to another pack"),
        /// A published version already has this version number.
        VersionTaken => ("effective_date", "pack-version-taken", "a published version has this version number"),
        /// A published version already takes effect on this date.
        EffectiveTaken => ("effective_date", "pack-effective-taken", "a published version takes effect on this date"),
    }
}

/// Publishes a draft from the given date (`YYYY-MM-DD`) on. The date is written into the
/// pack's own `[pack] effective`, so the stored text says everything about the version.
/// Entitlements are to be recomputed afterwards ([`crate::policy::sweep`]): schedules cover
/// future months.
pub async fn publish(
    store: &Store,
    set: &PolicySet,
    id: i64,
    effective_date: &str,
    actor: &Actor,
) -> Result<(), Error> {
    let record = draft(store, id).await?;
    Ok(publish_draft(store, set, &record, effective_date, actor).await?)
}

async fn publish_draft(
    store: &Store,
    set: &PolicySet,
    record: &PolicyVersionRecord,
    effective_date: &str,
    actor: &Actor,
) -> Result<(), PublishError> {
    let effective = yingcai_domain::talent::parse_date("effective_date", effective_date)
        .map_err(|_| PublishError::DateInvalid)?;
    let mut document = record
        .source
        .parse::<toml_edit::DocumentMut>()
        .map_err(|_| PublishError::PackInvalid)?;
    let pack = document
        .get_mut("pack")
        .and_then(|p| p.as_table_like_mut())
        .ok_or(PublishError::PackInvalid)?;
    pack.insert("effective", toml_edit::value(effective.to_string()));
    let source = document.to_string();
    let pack =
        CompiledPack::load(&record.file_name, &source).map_err(|_| PublishError::PackInvalid)?;
    let current = &set.in_force(today()).pack;
    if pack.info().id != current.info().id {
        return Err(PublishError::PackOther);
    }
    if set
        .versions()
        .iter()
        .any(|v| v.record.version == pack.info().version)
    {
        return Err(PublishError::VersionTaken);
    }
    if set
        .versions()
        .iter()
        .any(|v| v.record.effective_date == effective.to_string())
    {
        return Err(PublishError::EffectiveTaken);
    }
    let draft = draft_of(&pack, &record.file_name, &source);
    match store
        .publish_policy_version(record.policy_version_id, &draft, actor)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict { .. }) => Err(PublishError::VersionTaken),
        Err(other) => Err(PublishError::Store(other)),
    }
}
