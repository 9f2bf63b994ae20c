//! Open competitions (揭榜挂帅): sealed bids. A bid's content is one JSON document sealed
//! with the field cipher, bound to `competition_bid.content_sealed` of its row; its plan
//! documents are sealed too, each bound to its `competition_bid_document` row, and kept in
//! the file store as sealed bytes.
//!
//! The rule that nobody reads a bid before its need's deadline lives here, in the only
//! functions that decrypt ([`Store::open_bid_content`], [`Store::open_bid_document`]): they
//! open a bid only once the opening job has opened it, or its author's draft. Every other
//! function reads the bid's envelope (who, which need, when, status), never its content;
//! audit entries name bids, statuses and counts, never content.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use yingcai_domain::bid::{Bid, CheckReason};
use yingcai_domain::status::{BidCheck, BidStatus};

use crate::audit::{self, Actor, Change};
use crate::crypto::{SealContext, SealedColumn};
use crate::policy::actor_id;
use crate::{Store, StoreError, dialect};

crate::refusal! {
    /// Why a change to a bid was not made.
    pub enum BidChangeError {
        /// The bid is not where the decision was made: submitted, withdrawn or opened meanwhile.
        Stale => ("status", "bid-stale", "the bid was changed meanwhile"),
        /// The need's deadline has passed.
        Closed => ("status", "bid-closed", "bids on this need are closed"),
        /// The bidder already has a bid on this need.
        Duplicate => ("need_id", "bid-duplicate", "there is already a bid of yours on this need"),
        /// Sealed: nobody reads a bid's content before it is opened (its author reads a draft).
        Sealed => ("status", "bid-sealed", "the bid is sealed until the deadline"),
    }
}

/// A plan document as the sealed content lists it (`Debug` leaves its name out).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidDocumentMeta {
    pub document_id: i64,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the plain bytes, recorded when attached and re-checked by the formal check.
    pub sha256: String,
}

/// What is sealed: the bid and its documents' names and digests. `Debug` shows only its
/// shape.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BidContent {
    pub bid: Bid,
    pub documents: Vec<BidDocumentMeta>,
}

impl std::fmt::Debug for BidDocumentMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BidDocumentMeta")
            .field("document_id", &self.document_id)
            .field("size_bytes", &self.size_bytes)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for BidContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BidContent")
            .field("bid", &self.bid)
            .field("documents", &self.documents.len())
            .finish()
    }
}

impl std::fmt::Debug for SealedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedBytes({} bytes)", self.0.len())
    }
}

/// Sealed bytes, ready for the file store.
pub struct SealedBytes(pub Vec<u8>);

/// A bid's envelope: everything but its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidRecord {
    pub bid_id: i64,
    pub need_id: i64,
    pub bidder_account_id: i64,
    pub status: BidStatus,
    /// SHA-256 (hex) of the sealed content at submission: the receipt's digest.
    pub sealed_digest: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub check: Option<BidCheck>,
    pub check_reasons: Vec<CheckReason>,
    pub checked_at: Option<i64>,
    pub override_check: Option<BidCheck>,
    pub override_reason: Option<String>,
    pub override_by: Option<i64>,
    pub override_at: Option<i64>,
}

impl BidRecord {
    /// The number people quote for a bid.
    pub fn number(&self) -> String {
        format!("TB{:06}", self.bid_id)
    }

    /// The formal check's result as it stands: an officer's override, or the check's own.
    pub fn check_result(&self) -> Option<BidCheck> {
        self.override_check.or(self.check)
    }
}

#[derive(sqlx::FromRow)]
struct BidRow {
    bid_id: i64,
    need_id: i64,
    bidder_account_id: i64,
    status: String,
    sealed_digest: Option<String>,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    opened_at: Option<i64>,
    check_result: Option<String>,
    check_reasons: String,
    checked_at: Option<i64>,
    override_result: Option<String>,
    override_reason: Option<String>,
    override_by: Option<i64>,
    override_at: Option<i64>,
}

const BID_COLUMNS: &str = "bid_id, need_id, bidder_account_id, status, sealed_digest, created_at, updated_at, submitted_at, opened_at, check_result, check_reasons, checked_at, override_result, override_reason, override_by, override_at";

impl TryFrom<BidRow> for BidRecord {
    type Error = StoreError;

    fn try_from(row: BidRow) -> Result<Self, StoreError> {
        let id = row.bid_id;
        let corrupt = |column: &'static str| StoreError::Corrupt {
            table: "competition_bid",
            row: id,
            column,
        };
        let check = |value: Option<String>, column| {
            value
                .map(|v| v.parse::<BidCheck>().map_err(|_| corrupt(column)))
                .transpose()
        };
        let check_reasons = row
            .check_reasons
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| CheckReason::parse(c).ok_or_else(|| corrupt("check_reasons")))
            .collect::<Result<_, _>>()?;
        Ok(BidRecord {
            bid_id: id,
            need_id: row.need_id,
            bidder_account_id: row.bidder_account_id,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            sealed_digest: row.sealed_digest,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            opened_at: row.opened_at,
            check: check(row.check_result, "check_result")?,
            check_reasons,
            checked_at: row.checked_at,
            override_check: check(row.override_result, "override_result")?,
            override_reason: row.override_reason,
            override_by: row.override_by,
            override_at: row.override_at,
        })
    }
}

/// How many bids a need has received (submitted or opened), and how many are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BidCount {
    pub received: i64,
    pub opened: i64,
}

/// What opening a need's bids did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Opened {
    pub opened: u64,
    pub lapsed: u64,
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn content_context(bid_id: i64) -> SealContext {
    SealContext::new(SealedColumn::BidContent, bid_id)
}

fn document_context(document_id: i64) -> SealContext {
    SealContext::new(SealedColumn::BidDocument, document_id)
}

impl Store {
    fn seal_content(&self, bid_id: i64, content: &BidContent) -> Result<Vec<u8>, StoreError> {
        let json = zeroize::Zeroizing::new(
            serde_json::to_string(content).map_err(|e| StoreError::Other(e.into()))?,
        );
        Ok(self.cipher().seal(content_context(bid_id), &json))
    }

    /// Starts a draft bid on `need_id`, sealed from the first save. Refused when the
    /// bidder already has a bid on the need, or when `at` is not before `open_until` (the
    /// need's deadline, the end of its day in Beijing).
    pub async fn create_bid(
        &self,
        need_id: i64,
        bidder_account_id: i64,
        content: &BidContent,
        at: i64,
        open_until: i64,
        actor: &Actor,
    ) -> Result<i64, BidChangeError> {
        if at >= open_until {
            return Err(BidChangeError::Closed);
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        // The id is part of the seal: insert first, seal to the id, in one transaction.
        let inserted = sqlx::query_scalar::<_, i64>(
            "insert into competition_bid (need_id, bidder_account_id, status, content_sealed, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5) returning bid_id",
        )
        .bind(need_id)
        .bind(bidder_account_id)
        .bind(BidStatus::Draft.as_str())
        .bind(Vec::<u8>::new())
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let bid_id = match inserted.map_err(StoreError::from) {
            Ok(id) => id,
            Err(StoreError::Conflict { .. }) => return Err(BidChangeError::Duplicate),
            Err(other) => return Err(other.into()),
        };
        sqlx::query("update competition_bid set content_sealed = $1 where bid_id = $2")
            .bind(self.seal_content(bid_id, content)?)
            .bind(bid_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_bid.draft",
                entity: "competition_bid",
                entity_id: bid_id.to_string(),
                before: None,
                after: Some(json!({ "need_id": need_id, "status": "draft" })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(bid_id)
    }

    /// Replaces a draft's content (its author, before the deadline). `stored` are the
    /// document rows written for it since (id, SHA-256 of the sealed file); `removed`, the
    /// document rows it no longer lists.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_bid_draft(
        &self,
        bid_id: i64,
        bidder_account_id: i64,
        content: &BidContent,
        stored: &[(i64, String)],
        removed: &[i64],
        at: i64,
        open_until: i64,
        actor: &Actor,
    ) -> Result<(), BidChangeError> {
        if at >= open_until {
            return Err(BidChangeError::Closed);
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update competition_bid set content_sealed = $1, updated_at = $2
              where bid_id = $3 and bidder_account_id = $4 and status = 'draft'",
        )
        .bind(self.seal_content(bid_id, content)?)
        .bind(at)
        .bind(bid_id)
        .bind(bidder_account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(BidChangeError::Stale);
        }
        for (document_id, sha) in stored {
            sqlx::query(
                "update competition_bid_document set stored_sha256 = $1 where document_id = $2 and bid_id = $3",
            )
            .bind(sha)
            .bind(document_id)
            .bind(bid_id)
            .execute(&mut *tx)
            .await?;
        }
        for document_id in removed {
            sqlx::query(
                "delete from competition_bid_document where document_id = $1 and bid_id = $2",
            )
            .bind(document_id)
            .bind(bid_id)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_bid.edit",
                entity: "competition_bid",
                entity_id: bid_id.to_string(),
                before: None,
                after: Some(json!({
                    "documents_added": stored.len(), "documents_removed": removed.len(),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A row for a document about to be attached to the bidder's draft: its id is what
    /// the file's seal is bound to. The row lists no file until the draft is saved with it.
    pub async fn reserve_bid_document(
        &self,
        bid_id: i64,
        bidder_account_id: i64,
        at: i64,
    ) -> Result<i64, BidChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let id = sqlx::query_scalar::<_, i64>(
            "insert into competition_bid_document (bid_id, stored_sha256, created_at)
             select bid_id, '', $1 from competition_bid where bid_id = $2 and bidder_account_id = $3 and status = 'draft'
             returning document_id",
        )
        .bind(at)
        .bind(bid_id)
        .bind(bidder_account_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(BidChangeError::Stale)?;
        tx.commit().await?;
        Ok(id)
    }

    /// A document's bytes sealed to its row, for the file store.
    pub fn seal_bid_document(&self, document_id: i64, bytes: &[u8]) -> SealedBytes {
        SealedBytes(
            self.cipher()
                .seal_bytes(document_context(document_id), bytes),
        )
    }

    /// Where the sealed file of a bid's document is kept (SHA-256 of the sealed bytes).
    pub async fn bid_document_file(
        &self,
        bid_id: i64,
        document_id: i64,
    ) -> Result<String, StoreError> {
        sqlx::query_scalar::<_, String>(
            "select stored_sha256 from competition_bid_document where document_id = $1 and bid_id = $2 and stored_sha256 <> ''",
        )
        .bind(document_id)
        .bind(bid_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The bid's status, bidder and sealed content, read together, if `reader` may have
    /// the content decrypted: once the bid is opened, or its author while it is a draft.
    /// Submitted and lapsed bids open for nobody.
    async fn readable(
        &self,
        bid_id: i64,
        reader_account_id: i64,
    ) -> Result<Vec<u8>, BidChangeError> {
        let (status, bidder, sealed): (String, i64, Vec<u8>) = sqlx::query_as(
            "select status, bidder_account_id, content_sealed from competition_bid where bid_id = $1",
        )
        .bind(bid_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        match status.parse::<BidStatus>() {
            Ok(BidStatus::Opened) => Ok(sealed),
            Ok(BidStatus::Draft) if bidder == reader_account_id => Ok(sealed),
            Ok(_) => Err(BidChangeError::Sealed),
            Err(_) => Err(StoreError::Corrupt {
                table: "competition_bid",
                row: bid_id,
                column: "status",
            }
            .into()),
        }
    }

    /// The bid's content, decrypted — only once opened, or for its author while a draft
    /// (`reader_account_id`; the opening job passes 0). Anything else is `Sealed`.
    pub async fn open_bid_content(
        &self,
        bid_id: i64,
        reader_account_id: i64,
    ) -> Result<BidContent, BidChangeError> {
        let sealed = self.readable(bid_id, reader_account_id).await?;
        let json = zeroize::Zeroizing::new(
            self.cipher()
                .open(content_context(bid_id), &sealed)
                .map_err(StoreError::from)?,
        );
        serde_json::from_str(&json).map_err(|_| {
            StoreError::Corrupt {
                table: "competition_bid",
                row: bid_id,
                column: "content_sealed",
            }
            .into()
        })
    }

    /// A document's plain bytes from its sealed file — under the same rule as the content.
    pub async fn open_bid_document(
        &self,
        bid_id: i64,
        document_id: i64,
        reader_account_id: i64,
        sealed: &[u8],
    ) -> Result<Vec<u8>, BidChangeError> {
        self.readable(bid_id, reader_account_id).await?;
        Ok(self
            .cipher()
            .open_bytes(document_context(document_id), sealed)
            .map_err(StoreError::from)?)
    }

    /// Seals a draft (its author, before the deadline): the receipt's digest is the
    /// SHA-256 of the sealed content as it now stands.
    pub async fn submit_bid(
        &self,
        bid_id: i64,
        bidder_account_id: i64,
        at: i64,
        open_until: i64,
        actor: &Actor,
    ) -> Result<String, BidChangeError> {
        if at >= open_until {
            return Err(BidChangeError::Closed);
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let sealed: Vec<u8> = sqlx::query_scalar(
            "select content_sealed from competition_bid where bid_id = $1 and bidder_account_id = $2 and status = 'draft'",
        )
        .bind(bid_id)
        .bind(bidder_account_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(BidChangeError::Stale)?;
        let sealed_digest = digest(&sealed);
        sqlx::query(
            "update competition_bid set status = 'submitted', sealed_digest = $1, submitted_at = $2, updated_at = $2
              where bid_id = $3 and status = 'draft'",
        )
        .bind(&sealed_digest)
        .bind(at)
        .bind(bid_id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_bid.submit",
                entity: "competition_bid",
                entity_id: bid_id.to_string(),
                before: Some(json!({ "status": "draft" })),
                after: Some(json!({ "status": "submitted", "sealed_digest": sealed_digest })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sealed_digest)
    }

    /// Takes a submitted bid back to a draft (its author, before the deadline).
    pub async fn withdraw_bid(
        &self,
        bid_id: i64,
        bidder_account_id: i64,
        at: i64,
        open_until: i64,
        actor: &Actor,
    ) -> Result<(), BidChangeError> {
        if at >= open_until {
            return Err(BidChangeError::Closed);
        }
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update competition_bid set status = 'draft', sealed_digest = null, submitted_at = null, updated_at = $1
              where bid_id = $2 and bidder_account_id = $3 and status = 'submitted'",
        )
        .bind(at)
        .bind(bid_id)
        .bind(bidder_account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(BidChangeError::Stale);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_bid.withdraw",
                entity: "competition_bid",
                entity_id: bid_id.to_string(),
                before: Some(json!({ "status": "submitted" })),
                after: Some(json!({ "status": "draft" })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a need's submitted bids and lapses its drafts, in one transaction with one
    /// audit entry. Nothing left to open: nothing written (so a second run is a no-op).
    pub async fn open_bids(
        &self,
        need_id: i64,
        at: i64,
        actor: &Actor,
    ) -> Result<Opened, StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let opened = sqlx::query(
            "update competition_bid set status = 'opened', opened_at = $1, updated_at = $1
              where need_id = $2 and status = 'submitted'",
        )
        .bind(at)
        .bind(need_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let lapsed = sqlx::query(
            "update competition_bid set status = 'lapsed', updated_at = $1 where need_id = $2 and status = 'draft'",
        )
        .bind(at)
        .bind(need_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if opened + lapsed > 0 {
            audit::append(
                &mut tx,
                actor,
                Change {
                    action: "competition_bid.open",
                    entity: "competition_need",
                    entity_id: need_id.to_string(),
                    before: None,
                    after: Some(json!({ "opened": opened, "lapsed": lapsed })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Opened { opened, lapsed })
    }

    /// Published needs that still have submitted bids or drafts, with their deadlines
    /// (`YYYY-MM-DD`) up to `before` (the caller checks the instant).
    pub async fn needs_with_unopened_bids(
        &self,
        before: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "select distinct n.need_id, n.bid_deadline from competition_need n
               join competition_bid b on b.need_id = n.need_id
              where b.status in ('submitted', 'draft') and n.bid_deadline <= $1
              order by n.need_id",
        )
        .bind(before)
        .fetch_all(self.pool())
        .await?)
    }

    /// Whether the bid's sealed content is still what its receipt's digest was taken of.
    pub async fn bid_matches_receipt(&self, bid_id: i64) -> Result<bool, StoreError> {
        let (sealed, recorded): (Vec<u8>, Option<String>) = sqlx::query_as(
            "select content_sealed, sealed_digest from competition_bid where bid_id = $1",
        )
        .bind(bid_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(recorded.is_some_and(|d| d == digest(&sealed)))
    }

    /// Opened bids not yet formally checked.
    pub async fn bids_to_check(&self) -> Result<Vec<BidRecord>, StoreError> {
        self.bid_rows(
            "where status = 'opened' and check_result is null order by bid_id limit 500",
            &[],
        )
        .await
    }

    /// Records the formal check (once: a bid already checked is left as it is).
    pub async fn record_bid_check(
        &self,
        bid_id: i64,
        result: BidCheck,
        reasons: &[CheckReason],
        at: i64,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let codes: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update competition_bid set check_result = $1, check_reasons = $2, checked_at = $3
              where bid_id = $4 and status = 'opened' and check_result is null",
        )
        .bind(result.as_str())
        .bind(codes.join(","))
        .bind(at)
        .bind(bid_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            audit::append(
                &mut tx,
                actor,
                Change {
                    action: "competition_bid.check",
                    entity: "competition_bid",
                    entity_id: bid_id.to_string(),
                    before: None,
                    after: Some(json!({ "result": result.as_str(), "reasons": codes })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// An officer's override of a checked bid's result, with the reason.
    pub async fn override_bid_check(
        &self,
        bid_id: i64,
        result: BidCheck,
        reason: &str,
        at: i64,
        actor: &Actor,
    ) -> Result<(), BidChangeError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let changed = sqlx::query(
            "update competition_bid set override_result = $1, override_reason = $2, override_by = $3, override_at = $4
              where bid_id = $5 and status = 'opened' and check_result is not null",
        )
        .bind(result.as_str())
        .bind(reason)
        .bind(actor_id(actor))
        .bind(at)
        .bind(bid_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(BidChangeError::Stale);
        }
        audit::append(
            &mut tx,
            actor,
            Change {
                action: "competition_bid.check_override",
                entity: "competition_bid",
                entity_id: bid_id.to_string(),
                before: None,
                after: Some(json!({ "result": result.as_str(), "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn bid_rows(&self, clause: &str, ids: &[i64]) -> Result<Vec<BidRecord>, StoreError> {
        let sql = format!("select {BID_COLUMNS} from competition_bid {clause}");
        let mut query = sqlx::query_as::<_, BidRow>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(BidRecord::try_from)
            .collect()
    }

    /// A bid's envelope (no content).
    pub async fn bid(&self, bid_id: i64) -> Result<BidRecord, StoreError> {
        self.bid_rows("where bid_id = $1", &[bid_id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The bidder's bids, newest first.
    pub async fn bids_of_bidder(&self, account_id: i64) -> Result<Vec<BidRecord>, StoreError> {
        self.bid_rows(
            "where bidder_account_id = $1 order by bid_id desc limit 500",
            &[account_id],
        )
        .await
    }

    /// The bidder's bid on a need, if any.
    pub async fn bid_of_bidder_on(
        &self,
        need_id: i64,
        account_id: i64,
    ) -> Result<Option<BidRecord>, StoreError> {
        Ok(self
            .bid_rows(
                "where need_id = $1 and bidder_account_id = $2",
                &[need_id, account_id],
            )
            .await?
            .pop())
    }

    /// A need's opened bids, in the order they were submitted.
    pub async fn opened_bids_of_need(&self, need_id: i64) -> Result<Vec<BidRecord>, StoreError> {
        self.bid_rows(
            "where need_id = $1 and status = 'opened' order by submitted_at, bid_id limit 500",
            &[need_id],
        )
        .await
    }

    /// How many bids a need has received (submitted or opened) and how many are opened.
    pub async fn bid_count(&self, need_id: i64) -> Result<BidCount, StoreError> {
        let (received, opened): (i64, i64) = sqlx::query_as(
            "select cast(count(*) as bigint), cast(coalesce(sum(case when status = 'opened' then 1 else 0 end), 0) as bigint)
               from competition_bid where need_id = $1 and status in ('submitted', 'opened')",
        )
        .bind(need_id)
        .fetch_one(self.pool())
        .await?;
        Ok(BidCount { received, opened })
    }
}

#[cfg(any(test, feature = "testing"))]
impl Store {
    /// Every byte the database holds for bids, as a reader of the database sees it: each
    /// bid row's columns (the sealed content included) and the audit entries about bids,
    /// for tests that look for plaintext where only ciphertext may be.
    pub async fn raw_bid_bytes(&self) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        let rows: Vec<(i64, Vec<u8>, String, Option<String>)> = sqlx::query_as(
            "select bid_id, content_sealed, status, sealed_digest from competition_bid order by bid_id",
        )
        .fetch_all(self.pool())
        .await?;
        for (id, sealed, status, digest) in rows {
            out.extend_from_slice(id.to_string().as_bytes());
            out.extend_from_slice(&sealed);
            out.extend_from_slice(status.as_bytes());
            out.extend_from_slice(digest.unwrap_or_default().as_bytes());
        }
        let audit: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "select before_json, after_json from audit_entry where action like 'competition_bid.%'",
        )
        .fetch_all(self.pool())
        .await?;
        for (before, after) in audit {
            out.extend_from_slice(before.unwrap_or_default().as_bytes());
            out.extend_from_slice(after.unwrap_or_default().as_bytes());
        }
        Ok(out)
    }

    /// Moves a need's deadline (to make it pass in a test, without waiting).
    pub async fn set_need_deadline(
        &self,
        need_id: i64,
        deadline: yingcai_domain::Date,
    ) -> Result<(), StoreError> {
        sqlx::query("update competition_need set bid_deadline = $1 where need_id = $2")
            .bind(deadline.to_string())
            .bind(need_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How many audit entries have this action.
    pub async fn count_audit_action(&self, action: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("select count(*) from audit_entry where action = $1")
                .bind(action)
                .fetch_one(self.pool())
                .await?,
        )
    }
}
