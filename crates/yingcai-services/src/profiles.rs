//! A talent's own record and its verification, as the pages and the API both do them:
//! saving the draft (and submitting it), attaching documents, and an officer's
//! verification. Each rule is stated here once.

use std::path::Path;

use yingcai_domain::{Employer, EnterpriseInput, FieldError, FieldErrors, TalentInput};
use yingcai_store::{Actor, NewDocument, Store, StoreError, SubmissionError, SubmissionStatus};

use crate::Error;
use crate::cards::CardRules;
use crate::policy::Policies;

/// Drafts may be incomplete but not unbounded: every field is cut at this many characters.
const FIELD_MAX_CHARS: usize = 500;

fn bounded(mut input: TalentInput) -> TalentInput {
    for value in [
        &mut input.name,
        &mut input.resident_id,
        &mut input.degree,
        &mut input.degree_institution,
        &mut input.degree_year,
        &mut input.honors,
        &mut input.employer_name,
        &mut input.employer_credit_code,
        &mut input.arrival_date,
        &mut input.housing,
        &mut input.home_purchase_date,
        &mut input.social_insurance_months,
        &mut input.bank_account,
        &mut input.phone,
        &mut input.email,
    ] {
        if value.chars().count() > FIELD_MAX_CHARS {
            *value = value.chars().take(FIELD_MAX_CHARS).collect();
        }
    }
    input
}

/// What the site's settings say a record may hold.
#[derive(Debug, Clone, Copy)]
pub struct RecordRules<'a> {
    /// The honours a talent may claim.
    pub honors: &'a [String],
    /// The districts a record may name.
    pub districts: &'a [String],
    /// Today in China, the bound for dates on records.
    pub today: jiff::civil::Date,
}

/// The talent's record as checked for submission or verification: every field, and an
/// employer on the platform that exists.
async fn checked_talent(
    store: &Store,
    rules: RecordRules<'_>,
    input: &TalentInput,
) -> Result<yingcai_domain::TalentProfile, Error> {
    let profile = input.parse(rules.honors, rules.today)?;
    if let Some(Employer::Enterprise { enterprise_id }) = &profile.employer
        && !store.enterprise_exists(*enterprise_id).await?
    {
        return Err(Error::field("employer_enterprise_id", "employer-unknown"));
    }
    Ok(profile)
}

/// Saves the caller's draft (a district outside the list is left empty); with `submit`,
/// checks every field first — a refused submission changes nothing — and submits it.
/// Answers the submission's id.
pub async fn save_talent_profile(
    store: &Store,
    rules: RecordRules<'_>,
    actor: &Actor,
    input: TalentInput,
    district: &str,
    submit: bool,
) -> Result<i64, Error> {
    let input = bounded(input);
    let district = if rules.districts.iter().any(|d| d == district) {
        district
    } else {
        ""
    };
    if submit {
        checked_talent(store, rules, &input).await?;
    }
    let id = store.save_talent_draft(actor, &input, district).await?;
    if submit {
        store.submit(id, actor).await?;
    }
    Ok(id)
}

/// Saves the enterprise's draft; with `submit`, checks every field first — a refused
/// submission changes nothing — and submits it. Answers the submission's id.
pub async fn save_enterprise_profile(
    store: &Store,
    industries: &[String],
    districts: &[String],
    actor: &Actor,
    input: &EnterpriseInput,
    submit: bool,
) -> Result<i64, Error> {
    if submit {
        input.parse(industries, districts)?;
    }
    let id = store.save_enterprise_draft(actor, input).await?;
    if submit {
        store.submit(id, actor).await?;
    }
    Ok(id)
}

yingcai_store::refusal! {
    /// Why a document was not attached.
    pub enum DocumentRefusal {
        /// No file, or an empty one.
        Missing => ("document", "required", "choose a file"),
        /// Over the size limit.
        TooLarge => ("document", "document-too-large", "the file is over 10 MB"),
        /// Neither PDF, JPEG nor PNG by content.
        UnknownType => ("document", "document-type", "the file is not a PDF, JPEG or PNG"),
        /// The submission awaits a decision: nothing may be added until it is returned.
        Submitted => ("document", "document-submitted", "the record awaits verification"),
    }
}

/// Where an attached document went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attached {
    pub submission_id: i64,
    pub document_id: i64,
}

/// Attaches a document (PDF, JPEG or PNG by content) to the talent's open submission,
/// starting a draft from the verified record if there is none.
pub async fn attach_talent_document(
    store: &Store,
    documents_dir: &Path,
    account_id: i64,
    actor: &Actor,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Attached, Error> {
    let media_type = checked_file(&bytes)?;
    let submission_id = match store.open_talent_submission(account_id).await? {
        Some(open) if open.status != SubmissionStatus::Submitted => open.submission_id,
        Some(_) => return Err(DocumentRefusal::Submitted.into()),
        None => {
            let input = match store.talent_of_owner(account_id).await? {
                Some(record) => TalentInput::from(&record.profile),
                None => TalentInput {
                    employed_in_city: "true".into(),
                    ..TalentInput::default()
                },
            };
            store.save_talent_draft(actor, &input, "").await?
        }
    };
    let document_id = attach(
        store,
        documents_dir,
        actor,
        submission_id,
        file_name,
        bytes,
        media_type,
    )
    .await?;
    Ok(Attached {
        submission_id,
        document_id,
    })
}

/// The same for an enterprise's record.
pub async fn attach_enterprise_document(
    store: &Store,
    documents_dir: &Path,
    account_id: i64,
    actor: &Actor,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<Attached, Error> {
    let media_type = checked_file(&bytes)?;
    let submission_id = match store.open_enterprise_submission(account_id).await? {
        Some(open) if open.status != SubmissionStatus::Submitted => open.submission_id,
        Some(_) => return Err(DocumentRefusal::Submitted.into()),
        None => {
            let input = match store.enterprise_of_owner(account_id).await? {
                Some(record) => EnterpriseInput::from(&record.profile),
                None => EnterpriseInput::default(),
            };
            store.save_enterprise_draft(actor, &input).await?
        }
    };
    let document_id = attach(
        store,
        documents_dir,
        actor,
        submission_id,
        file_name,
        bytes,
        media_type,
    )
    .await?;
    Ok(Attached {
        submission_id,
        document_id,
    })
}

/// A file's media type when it may be a document: not empty, within the limit, a PDF,
/// JPEG or PNG by content.
fn checked_file(bytes: &[u8]) -> Result<&'static str, DocumentRefusal> {
    if bytes.is_empty() {
        return Err(DocumentRefusal::Missing);
    }
    if bytes.len() > crate::documents::MAX_DOCUMENT {
        return Err(DocumentRefusal::TooLarge);
    }
    crate::documents::media_type(bytes).ok_or(DocumentRefusal::UnknownType)
}

/// A document and its bytes, for its owner and for officers; to anyone else it does not
/// exist.
pub async fn readable_document(
    store: &Store,
    documents_dir: &Path,
    account_id: i64,
    officer: bool,
    document_id: i64,
) -> Result<(yingcai_store::DocumentRecord, Vec<u8>), Error> {
    let document = store.document(document_id).await?;
    if document.owner_account_id != account_id && !officer {
        return Err(Error::NotFound);
    }
    let bytes = crate::documents::load(documents_dir, &document.sha256).await?;
    Ok((document, bytes))
}

/// Removes one of the caller's documents from their editable submission; anything else is
/// not found.
pub async fn detach_document(store: &Store, actor: &Actor, document_id: i64) -> Result<(), Error> {
    if store.detach_document(actor, document_id).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Stores a checked file and attaches it to the caller's editable submission.
pub async fn attach(
    store: &Store,
    documents_dir: &Path,
    actor: &Actor,
    submission_id: i64,
    file_name: String,
    bytes: Vec<u8>,
    media_type: &str,
) -> Result<i64, Error> {
    let size_bytes = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let sha256 = crate::documents::store(documents_dir, bytes).await?;
    let document = NewDocument {
        submission_id,
        sha256,
        media_type: media_type.into(),
        size_bytes,
        file_name,
    };
    store
        .attach_document(actor, &document)
        .await?
        .ok_or_else(|| DocumentRefusal::Submitted.into())
}

/// Why an officer's verification did not happen.
#[derive(Debug)]
pub enum VerifyError {
    /// The record's fields do not pass the checks (the owner must correct them).
    Invalid(FieldErrors),
    /// Another record holds its identity number or credit code, or the submission does not
    /// await a decision.
    Conflict(FieldErrors),
    /// Not found, or the storage failed.
    Failed(Error),
}

impl From<Error> for VerifyError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => VerifyError::Invalid(fields),
            other => VerifyError::Failed(other),
        }
    }
}

impl From<StoreError> for VerifyError {
    fn from(error: StoreError) -> Self {
        VerifyError::Failed(error.into())
    }
}

impl From<VerifyError> for Error {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Invalid(fields) | VerifyError::Conflict(fields) => Error::Invalid(fields),
            VerifyError::Failed(error) => error,
        }
    }
}

fn refused(refusal: SubmissionError, taken: FieldError) -> VerifyError {
    match refusal {
        SubmissionError::Store(StoreError::Conflict { .. }) => VerifyError::Conflict(taken.into()),
        other => match yingcai_store::Refusal::into_fields(other) {
            Ok(fields) => VerifyError::Conflict(fields),
            Err(error) => VerifyError::Failed(error.into()),
        },
    }
}

/// The settings a verification works under.
#[derive(Debug, Clone, Copy)]
pub struct VerifyRules<'a> {
    pub record: RecordRules<'a>,
    /// The industries an enterprise may name.
    pub industries: &'a [String],
    pub cards: CardRules,
}

/// What a verification made: the talent's or the enterprise's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Talent(i64),
    Enterprise(i64),
}

/// An officer verifies a submitted record, talent or enterprise, after checking every
/// field again. A verified talent's entitlements and card follow at once.
pub async fn verify_submission(
    store: &Store,
    policies: &Policies,
    rules: VerifyRules<'_>,
    submission_id: i64,
    actor: &Actor,
) -> Result<Verified, VerifyError> {
    if store.submission_kind(submission_id).await? == "enterprise" {
        let submission = store.enterprise_submission(submission_id).await?;
        let profile = submission
            .input
            .parse(rules.industries, rules.record.districts)
            .map_err(VerifyError::Invalid)?;
        return match store
            .verify_enterprise_submission(submission_id, &profile, actor)
            .await
        {
            Ok(enterprise_id) => Ok(Verified::Enterprise(enterprise_id)),
            Err(refusal) => Err(refused(
                refusal,
                FieldError::new("credit_code", "credit-code-taken"),
            )),
        };
    }
    let submission = store.talent_submission(submission_id).await?;
    let profile = checked_talent(store, rules.record, &submission.input).await?;
    match store
        .verify_talent_submission(submission_id, &profile, actor)
        .await
    {
        Ok(talent_id) => {
            crate::cards::after_verification(store, policies, rules.cards, talent_id, actor).await;
            Ok(Verified::Talent(talent_id))
        }
        Err(refusal) => Err(refused(
            refusal,
            FieldError::new("resident_id", "resident-id-taken"),
        )),
    }
}
