//! Open competitions (揭榜挂帅), second step: sealed bids on published needs.
//!
//! Any account holding the talent, enterprise or reviewer role may bid on a published need
//! until its deadline (the end of its day in Beijing), one bid per need. A bid is sealed
//! from its first save: its author reads and edits it while it is a draft; once submitted
//! nobody reads it — the author holds a receipt (number, time, digest of the sealed
//! content) and may withdraw it to a draft before the deadline. Officers see how many bids
//! a need has; the issuer, reviewers, admins and the public see nothing of a bid until the
//! opening job ([`open_due`]) opens the need's submitted bids after the deadline (drafts
//! lapse unopened) and runs the formal check on each. Then officers and the need's issuer
//! read the bids, and each bidder reads its own bid and its check.
//!
//! The store decrypts only opened bids and authors' drafts, whatever a caller here asks.

use std::path::Path;

use sha2::{Digest, Sha256};
use yingcai_domain::bid::{Bid, CheckReason, MAX_DOCUMENTS, NeedTerms, formal_check};
use yingcai_domain::competition::bids_close_at_ms;
use yingcai_domain::status::{BidCheck, BidStatus, NeedStatus};
use yingcai_domain::{FieldError, FieldErrors};
use yingcai_store::{
    Actor, BidContent, BidCount, BidDocumentMeta, BidRecord, NeedRecord, Store, StoreError,
};

use crate::Error;
use crate::case_attachments::{Upload, safe_name};
use crate::documents;

/// The form field (and API part) that carries plan documents, and names their refusals.
pub const FIELD: &str = "files";

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub email: String,
    /// Holds the talent, enterprise or reviewer role: may bid.
    pub may_bid: bool,
    pub officer: bool,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor::account(self.account_id, self.email.clone())
    }
}

/// How the caller stands to a bid it may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Wrote it.
    Author,
    /// An officer, once the bid is opened.
    Officer,
    /// The issuer of the need, once the bid is opened.
    Issuer,
}

/// What a bid is measured against.
pub fn terms(need: &NeedRecord) -> NeedTerms {
    NeedTerms {
        budget: need.need.budget,
        duration_months: need.need.duration_months,
    }
}

/// The instant bids on `need` close: the end of its deadline's day, Beijing time.
pub fn open_until(need: &NeedRecord) -> i64 {
    bids_close_at_ms(need.need.bid_deadline)
}

/// Whether `need` takes bids at `now`: published, deadline ahead.
pub fn taking_bids(need: &NeedRecord, now: i64) -> bool {
    need.status == NeedStatus::Published && now < open_until(need)
}

/// The bid's envelope if the caller may see it: its author always; officers and the
/// need's issuer once it is opened. To anyone else — and to them before — it does not exist.
pub async fn bid_for(
    store: &Store,
    caller: &Caller,
    bid_id: i64,
) -> Result<(BidRecord, NeedRecord, Standing), Error> {
    let record = store.bid(bid_id).await?;
    let need = store.need(record.need_id).await?;
    if record.bidder_account_id == caller.account_id {
        return Ok((record, need, Standing::Author));
    }
    if record.status == BidStatus::Opened {
        if caller.officer {
            return Ok((record, need, Standing::Officer));
        }
        if need.owner_account_id == caller.account_id {
            return Ok((record, need, Standing::Issuer));
        }
    }
    Err(Error::NotFound)
}

/// The bid's content for a caller `bid_for` admitted: the author's draft, or an opened bid.
/// A submitted bid has none to show (`None`), its author included.
pub async fn content(
    store: &Store,
    caller: &Caller,
    record: &BidRecord,
) -> Result<Option<BidContent>, Error> {
    let readable = match record.status {
        BidStatus::Opened => true,
        BidStatus::Draft => record.bidder_account_id == caller.account_id,
        BidStatus::Submitted | BidStatus::Lapsed => false,
    };
    if !readable {
        return Ok(None);
    }
    Ok(Some(
        store
            .open_bid_content(record.bid_id, caller.account_id)
            .await?,
    ))
}

/// A published need the caller may bid on at `now`, or why not.
pub async fn need_to_bid_on(
    store: &Store,
    caller: &Caller,
    need_id: i64,
    now: i64,
) -> Result<NeedRecord, Error> {
    let need = match store.need(need_id).await {
        Ok(need) if need.status == NeedStatus::Published => need,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(Error::field("need_id", "bid-need-unknown"));
        }
        Err(other) => return Err(other.into()),
    };
    if !caller.may_bid {
        return Err(Error::field("need_id", "bid-role"));
    }
    if now >= open_until(&need) {
        return Err(Error::field("need_id", "bid-closed"));
    }
    Ok(need)
}

/// Starts the caller's bid on `need_id` as a sealed draft, with its first documents.
pub async fn start_bid(
    store: &Store,
    dir: &Path,
    caller: &Caller,
    need_id: i64,
    bid: &Bid,
    uploads: Vec<Upload>,
    now: i64,
) -> Result<i64, Error> {
    let need = need_to_bid_on(store, caller, need_id, now).await?;
    if store
        .bid_of_bidder_on(need_id, caller.account_id)
        .await?
        .is_some()
    {
        return Err(Error::field("need_id", "bid-duplicate"));
    }
    let mut errors = FieldErrors::new();
    let files = check_files(uploads, 0, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let content = BidContent {
        bid: bid.clone(),
        documents: Vec::new(),
    };
    let bid_id = store
        .create_bid(
            need_id,
            caller.account_id,
            &content,
            now,
            open_until(&need),
            &caller.actor(),
        )
        .await?;
    if !files.is_empty() {
        save_draft(store, dir, caller, bid_id, None, files, &[], now).await?;
    }
    Ok(bid_id)
}

/// A file that passed the checks.
struct CheckedFile {
    file_name: String,
    media_type: &'static str,
    bytes: Vec<u8>,
}

fn check_files(uploads: Vec<Upload>, present: usize, errors: &mut FieldErrors) -> Vec<Upload> {
    if present + uploads.len() > MAX_DOCUMENTS {
        errors.push(FieldError::new(FIELD, "bid-documents-too-many"));
        return Vec::new();
    }
    if uploads
        .iter()
        .any(|u| u.too_large || u.bytes.len() > documents::MAX_DOCUMENT)
    {
        errors.push(FieldError::new(FIELD, "document-too-large"));
        return Vec::new();
    }
    if uploads
        .iter()
        .any(|u| documents::media_type(&u.bytes).is_none())
    {
        errors.push(FieldError::new(FIELD, "document-type"));
        return Vec::new();
    }
    uploads
}

fn checked(upload: Upload) -> Option<CheckedFile> {
    let media_type = documents::media_type(&upload.bytes)?;
    Some(CheckedFile {
        file_name: safe_name(&upload.file_name, media_type),
        media_type,
        bytes: upload.bytes,
    })
}

/// Saves the author's draft: new content (`bid`, or the content as it was), more documents
/// (`uploads`), documents taken off (`remove`). Each document is sealed to its own row
/// before it reaches the file store.
#[allow(clippy::too_many_arguments)]
pub async fn save_draft(
    store: &Store,
    dir: &Path,
    caller: &Caller,
    bid_id: i64,
    bid: Option<&Bid>,
    uploads: Vec<Upload>,
    remove: &[i64],
    now: i64,
) -> Result<(), Error> {
    let (record, need, standing) = bid_for(store, caller, bid_id).await?;
    if standing != Standing::Author {
        return Err(Error::NotFound);
    }
    if record.status != BidStatus::Draft {
        return Err(Error::field("status", "bid-not-draft"));
    }
    if now >= open_until(&need) {
        return Err(Error::field("status", "bid-closed"));
    }
    let mut content = store.open_bid_content(bid_id, caller.account_id).await?;
    content
        .documents
        .retain(|d| !remove.contains(&d.document_id));
    let removed: Vec<i64> = remove
        .iter()
        .copied()
        .filter(|id| !content.documents.iter().any(|d| d.document_id == *id))
        .collect();
    let mut errors = FieldErrors::new();
    let uploads = check_files(uploads, content.documents.len(), &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut stored = Vec::new();
    for file in uploads.into_iter().filter_map(checked) {
        let document_id = store
            .reserve_bid_document(bid_id, caller.account_id, now)
            .await?;
        let sha256 = hex::encode(Sha256::digest(&file.bytes));
        let size_bytes = file.bytes.len() as i64;
        let sealed = store.seal_bid_document(document_id, &file.bytes);
        let stored_sha = documents::store(dir, sealed.0).await?;
        stored.push((document_id, stored_sha));
        content.documents.push(BidDocumentMeta {
            document_id,
            file_name: file.file_name,
            media_type: file.media_type.to_owned(),
            size_bytes,
            sha256,
        });
    }
    if let Some(bid) = bid {
        content.bid = bid.clone();
    }
    store
        .save_bid_draft(
            bid_id,
            caller.account_id,
            &content,
            &stored,
            &removed,
            now,
            open_until(&need),
            &caller.actor(),
        )
        .await?;
    Ok(())
}

/// Seals the author's draft; returns the receipt's digest.
pub async fn submit(
    store: &Store,
    caller: &Caller,
    bid_id: i64,
    now: i64,
) -> Result<String, Error> {
    let (record, need, standing) = bid_for(store, caller, bid_id).await?;
    if standing != Standing::Author {
        return Err(Error::NotFound);
    }
    if now >= open_until(&need) {
        return Err(Error::field("status", "bid-closed"));
    }
    if record.status != BidStatus::Draft {
        return Err(Error::field("status", "bid-not-draft"));
    }
    Ok(store
        .submit_bid(
            bid_id,
            caller.account_id,
            now,
            open_until(&need),
            &caller.actor(),
        )
        .await?)
}

/// Takes the author's submitted bid back to a draft, before the deadline.
pub async fn withdraw(store: &Store, caller: &Caller, bid_id: i64, now: i64) -> Result<(), Error> {
    let (record, need, standing) = bid_for(store, caller, bid_id).await?;
    if standing != Standing::Author {
        return Err(Error::NotFound);
    }
    if now >= open_until(&need) {
        return Err(Error::field("status", "bid-closed"));
    }
    if record.status != BidStatus::Submitted {
        return Err(Error::field("status", "bid-not-submitted"));
    }
    store
        .withdraw_bid(
            bid_id,
            caller.account_id,
            now,
            open_until(&need),
            &caller.actor(),
        )
        .await?;
    Ok(())
}

/// One plan document with its plain bytes, for whoever may read the bid's content now.
pub async fn document(
    store: &Store,
    dir: &Path,
    caller: &Caller,
    bid_id: i64,
    document_id: i64,
) -> Result<(BidDocumentMeta, Vec<u8>), Error> {
    let (record, _, _) = bid_for(store, caller, bid_id).await?;
    let Some(content) = content(store, caller, &record).await? else {
        return Err(Error::NotFound);
    };
    let meta = content
        .documents
        .into_iter()
        .find(|d| d.document_id == document_id)
        .ok_or(Error::NotFound)?;
    let stored = store.bid_document_file(bid_id, document_id).await?;
    let sealed = documents::load(dir, &stored).await?;
    let bytes = store
        .open_bid_document(bid_id, document_id, caller.account_id, &sealed)
        .await?;
    Ok((meta, bytes))
}

/// A need's bids as the caller may see them.
#[derive(Debug, Clone)]
pub struct NeedBids {
    pub need: NeedRecord,
    /// Officers always; the issuer once the deadline has passed.
    pub count: Option<BidCount>,
    /// Once opened: each bid with its content (`None` for one that no longer opens: its
    /// formal check says so).
    pub bids: Vec<(BidRecord, Option<BidContent>)>,
    pub closed: bool,
}

/// A need's bids: officers see how many until they are opened, then every opened bid
/// with its content and check; the issuer sees them once opened and nothing before.
pub async fn need_bids(
    store: &Store,
    caller: &Caller,
    need_id: i64,
    now: i64,
) -> Result<NeedBids, Error> {
    let need = store.need(need_id).await?;
    let issuer = need.owner_account_id == caller.account_id;
    if !caller.officer && !issuer {
        return Err(Error::NotFound);
    }
    let closed = now >= open_until(&need);
    let count = store.bid_count(need_id).await?;
    let mut bids = Vec::new();
    for record in store.opened_bids_of_need(need_id).await? {
        let content = match store
            .open_bid_content(record.bid_id, caller.account_id)
            .await
        {
            Ok(content) => Some(content),
            // Altered behind the platform's back: listed without content, not a failed page.
            Err(yingcai_store::BidChangeError::Store(error)) => {
                tracing::warn!(bid = record.bid_id, %error, "an opened bid does not open");
                None
            }
            Err(other) => return Err(other.into()),
        };
        bids.push((record, content));
    }
    Ok(NeedBids {
        count: (caller.officer || closed).then_some(count),
        need,
        bids,
        closed,
    })
}

/// How many bids a published need has received, for the public: only once its deadline
/// has passed (before, the number is the officers' alone).
pub async fn public_count(
    store: &Store,
    need: &NeedRecord,
    now: i64,
) -> Result<Option<i64>, Error> {
    if need.status != NeedStatus::Published || now < open_until(need) {
        return Ok(None);
    }
    Ok(Some(store.bid_count(need.need_id).await?.received))
}

/// An officer's override of an opened bid's formal check, with a reason (audited).
pub async fn override_check(
    store: &Store,
    caller: &Caller,
    bid_id: i64,
    result: &str,
    reason: &str,
    now: i64,
) -> Result<(), Error> {
    if !caller.officer {
        return Err(Error::NotFound);
    }
    let (record, _, _) = bid_for(store, caller, bid_id).await?;
    let mut errors = FieldErrors::new();
    let result = match result.trim() {
        "" => {
            errors.push(FieldError::new("result", "required"));
            None
        }
        raw => match raw.parse::<BidCheck>() {
            Ok(r) => Some(r),
            Err(_) => {
                errors.push(FieldError::new("result", "value-invalid"));
                None
            }
        },
    };
    let reason = reason.trim();
    if reason.is_empty() {
        errors.push(FieldError::new("reason", "required"));
    } else if reason.chars().count() > 2000
        || reason
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.push(FieldError::new("reason", "bid-text-too-long"));
    }
    if record.check.is_none() {
        errors.push(FieldError::new("result", "bid-not-checked"));
    }
    let (Some(result), true) = (result, errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    store
        .override_bid_check(bid_id, result, reason, now, &caller.actor())
        .await?;
    Ok(())
}

/// What one run of the opening job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenReport {
    pub needs: u64,
    pub opened: u64,
    pub lapsed: u64,
    pub checked: u64,
}

/// The opening job: for every need whose deadline has passed at `now`, opens its
/// submitted bids and lapses its drafts (one transaction and one audit entry per need),
/// then runs the formal check on every opened bid not yet checked. Idempotent: what is
/// opened or checked is not done again, so it is safe to kill and to run on two servers.
pub async fn open_due(store: &Store, dir: &Path, now: i64) -> Result<OpenReport, Error> {
    let mut report = OpenReport::default();
    let today = jiff::Timestamp::from_millisecond(now)
        .map_err(|e| Error::Internal(e.into()))?
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
        .to_string();
    for (need_id, _) in store.needs_with_unopened_bids(&today).await? {
        let need = store.need(need_id).await?;
        if now < open_until(&need) {
            continue;
        }
        let opened = store.open_bids(need_id, now, &Actor::System).await?;
        if opened.opened + opened.lapsed > 0 {
            report.needs += 1;
        }
        report.opened += opened.opened;
        report.lapsed += opened.lapsed;
    }
    for record in store.bids_to_check().await? {
        let need = store.need(record.need_id).await?;
        let reasons = match store.open_bid_content(record.bid_id, 0).await {
            Ok(content) if store.bid_matches_receipt(record.bid_id).await? => {
                let intact = documents_intact(store, dir, &record, &content).await?;
                formal_check(&content.bid, terms(&need), content.documents.len(), intact)
            }
            Ok(_) => vec![CheckReason::ContentAltered],
            // A bid that no longer opens fails its check; the others are still checked.
            Err(yingcai_store::BidChangeError::Store(error)) => {
                tracing::warn!(bid = record.bid_id, %error, "an opened bid does not open: it fails its formal check");
                vec![CheckReason::ContentAltered]
            }
            Err(other) => return Err(other.into()),
        };
        let result = if reasons.is_empty() {
            BidCheck::Passed
        } else {
            BidCheck::Failed
        };
        if store
            .record_bid_check(record.bid_id, result, &reasons, now, &Actor::System)
            .await?
        {
            report.checked += 1;
        }
    }
    Ok(report)
}

/// Whether every document of an opened bid is in the file store, opens under its seal
/// and still has the digest recorded when it was attached.
async fn documents_intact(
    store: &Store,
    dir: &Path,
    record: &BidRecord,
    content: &BidContent,
) -> Result<bool, Error> {
    for meta in &content.documents {
        let stored = match store
            .bid_document_file(record.bid_id, meta.document_id)
            .await
        {
            Ok(stored) => stored,
            Err(StoreError::NotFound) => return Ok(false),
            Err(other) => return Err(other.into()),
        };
        // A file missing or altered on disk is the bid's failure to report, not the job's.
        let Ok(sealed) = documents::load(dir, &stored).await else {
            return Ok(false);
        };
        let Ok(bytes) = store
            .open_bid_document(record.bid_id, meta.document_id, 0, &sealed)
            .await
        else {
            return Ok(false);
        };
        if hex::encode(Sha256::digest(&bytes)) != meta.sha256 {
            return Ok(false);
        }
    }
    Ok(true)
}
