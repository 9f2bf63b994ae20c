//! Sealed bids over the API: the same operations as the pages (`pages::bids`), through the
//! same service functions, authorization and field errors. Money is integer fen; instants
//! are Unix milliseconds. A bid's content appears in an answer only where the store opens
//! it: the author's draft, or a bid opened after its need's deadline.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yingcai_domain::Fen;
use yingcai_domain::bid::{BidInput, MemberInput, MilestoneInput, RelationInput};
use yingcai_domain::status::BidStatus;
use yingcai_services::bids::{self, Standing};
use yingcai_store::{BidContent, BidRecord, NeedRecord};

use crate::context::{Id, JsonBody};
use crate::pages::bids::{DocumentPath, caller, documents_dir};
use crate::pages::uploads::{chosen, read_multipart};
use crate::{AppError, AppState, Ctx};

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct MemberBody {
    pub name: String,
    /// The member's role in this team.
    pub role: String,
    /// Free text: any organisation, on the platform or not.
    pub organisation: String,
    pub email: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct MilestoneBody {
    pub title: String,
    pub deliverable: String,
    /// Months after the start: 1 to the need's duration.
    pub month: Option<i64>,
    /// Positive, in fen.
    pub amount_fen: Option<i64>,
}

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct RelationBody {
    /// With whom.
    pub party: String,
    pub organisation: String,
    pub nature: String,
}

/// A bid's content as its author sends it (the checks are the form's). A draft may be
/// incomplete; the formal check after the deadline says what is missing.
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct BidRequest {
    /// The published need (creating only; ignored when replacing a draft).
    pub need_id: Option<i64>,
    #[schema(max_length = 120)]
    pub title: String,
    /// The technical plan in plain text.
    pub plan: String,
    pub lead_organisation: String,
    pub members: Vec<MemberBody>,
    pub milestones: Vec<MilestoneBody>,
    /// In fen, at most the need's budget; null while undecided.
    pub budget_fen: Option<i64>,
    pub relations: Vec<RelationBody>,
}

fn fen_text(value: Option<i64>) -> String {
    match value {
        None => String::new(),
        // A negative amount reads as invalid to the one parser.
        Some(f) if f < 0 => "-".to_owned(),
        Some(f) => Fen(f).bank_plain(),
    }
}

impl BidRequest {
    fn input(&self) -> BidInput {
        BidInput {
            title: self.title.clone(),
            plan: self.plan.clone(),
            lead_organisation: self.lead_organisation.clone(),
            members: self
                .members
                .iter()
                .map(|m| MemberInput {
                    name: m.name.clone(),
                    role: m.role.clone(),
                    organisation: m.organisation.clone(),
                    email: m.email.clone().unwrap_or_default(),
                })
                .collect(),
            milestones: self
                .milestones
                .iter()
                .map(|m| MilestoneInput {
                    title: m.title.clone(),
                    deliverable: m.deliverable.clone(),
                    month: m.month.map(|v| v.to_string()).unwrap_or_default(),
                    amount: fen_text(m.amount_fen),
                })
                .collect(),
            budget: fen_text(self.budget_fen),
            relations: self
                .relations
                .iter()
                .map(|r| RelationInput {
                    party: r.party.clone(),
                    organisation: r.organisation.clone(),
                    nature: r.nature.clone(),
                })
                .collect(),
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub document_id: i64,
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, by content.
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the file, recorded when it was attached. Download it at
    /// `GET /api/v1/bids/{bid_id}/documents/{document_id}`.
    pub sha256: String,
}

/// A bid's content: only for its author's draft and for opened bids.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BidContentView {
    pub title: String,
    pub plan: String,
    pub lead_organisation: String,
    pub members: Vec<MemberBody>,
    pub milestones: Vec<MilestoneBody>,
    pub budget_fen: Option<i64>,
    pub relations: Vec<RelationBody>,
    pub documents: Vec<DocumentView>,
}

fn content_view(c: &BidContent) -> BidContentView {
    let b = &c.bid;
    BidContentView {
        title: b.title.clone(),
        plan: b.plan.clone(),
        lead_organisation: b.lead_organisation.clone(),
        members: b
            .members
            .iter()
            .map(|m| MemberBody {
                name: m.name.clone(),
                role: m.role.clone(),
                organisation: m.organisation.clone(),
                email: m.email.clone(),
            })
            .collect(),
        milestones: b
            .milestones
            .iter()
            .map(|m| MilestoneBody {
                title: m.title.clone(),
                deliverable: m.deliverable.clone(),
                month: Some(i64::from(m.month)),
                amount_fen: Some(m.amount.0),
            })
            .collect(),
        budget_fen: b.budget.map(|f| f.0),
        relations: b
            .relations
            .iter()
            .map(|r| RelationBody {
                party: r.party.clone(),
                organisation: r.organisation.clone(),
                nature: r.nature.clone(),
            })
            .collect(),
        documents: c
            .documents
            .iter()
            .map(|d| DocumentView {
                document_id: d.document_id,
                file_name: d.file_name.clone(),
                media_type: d.media_type.clone(),
                size_bytes: d.size_bytes,
                sha256: d.sha256.clone(),
            })
            .collect(),
    }
}

/// A bid as the caller may see it: its envelope always; its content only when it is the
/// caller's draft or it has been opened (a submitted bid's content is null for everyone,
/// its author included, who has the receipt: number, time, digest).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BidView {
    pub bid_id: i64,
    /// `TB000012`.
    pub number: String,
    pub need_id: i64,
    pub need_title: String,
    /// `draft`, `submitted`, `opened` or `lapsed`.
    pub status: String,
    /// `author`, `officer` or `issuer`.
    pub standing: String,
    /// SHA-256 (hex) of the sealed content at submission.
    pub sealed_digest: Option<String>,
    /// When bids on the need close.
    pub closes_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub opened_at: Option<i64>,
    /// The formal check's result as it stands (`passed`, `failed`), an override included.
    pub check: Option<String>,
    /// The check's reasons (`plan-missing`, `documents-missing`, `milestones-missing`,
    /// `budget-missing`, `budget-over`, `milestones-sum`, `milestone-late`, `document-altered`,
    /// `content-altered`).
    pub check_reasons: Vec<String>,
    /// The check's own result when an officer overrode it.
    pub original_check: Option<String>,
    pub override_reason: Option<String>,
    pub content: Option<BidContentView>,
}

fn bid_view(
    record: &BidRecord,
    need: &NeedRecord,
    standing: Standing,
    content: Option<&BidContent>,
) -> BidView {
    BidView {
        bid_id: record.bid_id,
        number: record.number(),
        need_id: record.need_id,
        need_title: need.need.title.clone(),
        status: record.status.as_str().to_owned(),
        standing: match standing {
            Standing::Author => "author",
            Standing::Officer => "officer",
            Standing::Issuer => "issuer",
        }
        .to_owned(),
        sealed_digest: record.sealed_digest.clone(),
        closes_at: bids::open_until(need),
        created_at: record.created_at,
        updated_at: record.updated_at,
        submitted_at: record.submitted_at,
        opened_at: record.opened_at,
        check: record.check_result().map(|c| c.as_str().to_owned()),
        check_reasons: record
            .check_reasons
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        original_check: record
            .override_check
            .and(record.check)
            .map(|c| c.as_str().to_owned()),
        override_reason: record.override_reason.clone(),
        content: content.map(content_view),
    }
}

async fn view(state: &AppState, ctx: &Ctx, bid_id: i64) -> Result<BidView, AppError> {
    let caller = caller(ctx)?;
    let (record, need, standing) = bids::bid_for(state.store(), &caller, bid_id).await?;
    let content = bids::content(state.store(), &caller, &record).await?;
    Ok(bid_view(&record, &need, standing, content.as_ref()))
}

/// The caller's bids, newest first (content only for drafts and opened bids).
#[utoipa::path(get, path = "/api/v1/bids", tag = "competitions", security(("bearer" = [])),
    responses((status = 200, body = Vec<BidView>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<BidView>>, AppError> {
    let caller = caller(&ctx)?;
    let mut out = Vec::new();
    for record in state.store().bids_of_bidder(caller.account_id).await? {
        out.push(view(&state, &ctx, record.bid_id).await?);
    }
    Ok(Json(out))
}

/// Starts a bid on a published need as a sealed draft (talents, enterprises and reviewers,
/// before the deadline; one bid per need). Documents: `POST /api/v1/bids/{id}/documents`.
#[utoipa::path(post, path = "/api/v1/bids", tag = "competitions", security(("bearer" = [])),
    request_body = BidRequest,
    responses((status = 201, body = BidView), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let request: BidRequest = body.parse()?;
    let now = yingcai_store::now_ms();
    let need_id = request
        .need_id
        .filter(|id| *id > 0)
        .ok_or(AppError::field("need_id", "bid-need-unknown"))?;
    let need = bids::need_to_bid_on(state.store(), &caller, need_id, now).await?;
    let bid = request
        .input()
        .parse(bids::terms(&need))
        .map_err(AppError::Invalid)?;
    let id = bids::start_bid(
        state.store(),
        &documents_dir(&state),
        &caller,
        need_id,
        &bid,
        Vec::new(),
        now,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &ctx, id).await?)).into_response())
}

/// One bid: its author; officers and the need's issuer once it is opened. Anyone else —
/// and they before the opening — gets 404.
#[utoipa::path(get, path = "/api/v1/bids/{id}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")),
    responses((status = 200, body = BidView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<BidView>, AppError> {
    Ok(Json(view(&state, &ctx, id).await?))
}

async fn own(state: &AppState, ctx: &Ctx, id: i64) -> Result<(BidRecord, NeedRecord), AppError> {
    let caller = caller(ctx)?;
    match bids::bid_for(state.store(), &caller, id).await? {
        (record, need, Standing::Author) => Ok((record, need)),
        _ => Err(AppError::NotFound),
    }
}

/// Replaces a draft's content (its author, before the deadline); documents stay.
#[utoipa::path(put, path = "/api/v1/bids/{id}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")), request_body = BidRequest,
    responses((status = 200, body = BidView), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<BidView>, AppError> {
    // Someone else's bid does not exist for the caller, whatever the body says.
    let (_, need) = own(&state, &ctx, id).await?;
    let request: BidRequest = body.parse()?;
    let bid = request
        .input()
        .parse(bids::terms(&need))
        .map_err(AppError::Invalid)?;
    bids::save_draft(
        state.store(),
        &documents_dir(&state),
        &caller(&ctx)?,
        id,
        Some(&bid),
        Vec::new(),
        &[],
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(view(&state, &ctx, id).await?))
}

/// The multipart form of a document upload (documentation only).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// One or more files (PDF, JPEG or PNG by content, 10 MB each, 10 per bid).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Attaches plan documents to a draft (its author, before the deadline). Each file is
/// encrypted, bound to its own row, before it is stored.
#[utoipa::path(post, path = "/api/v1/bids/{id}/documents", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = BidView), (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    request: Request,
) -> Result<Json<BidView>, AppError> {
    own(&state, &ctx, id).await?;
    let form = read_multipart(
        &ctx,
        request,
        &state,
        bids::FIELD,
        crate::documents::MAX_DOCUMENT,
        false,
    )
    .await
    .map_err(|error| match error {
        AppError::Invalid(_) => AppError::field(bids::FIELD, "file-too-large"),
        other => other,
    })?;
    let files = chosen(form.files);
    if files.is_empty() {
        return Err(AppError::field(bids::FIELD, "required"));
    }
    bids::save_draft(
        state.store(),
        &documents_dir(&state),
        &caller(&ctx)?,
        id,
        None,
        files,
        &[],
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(view(&state, &ctx, id).await?))
}

/// Takes a document off a draft (its author, before the deadline).
#[utoipa::path(delete, path = "/api/v1/bids/{id}/documents/{document}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id"), ("document" = i64, Path, description = "Document id")),
    responses((status = 200, body = BidView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn remove_document(
    State(state): State<AppState>,
    ctx: Ctx,
    path: DocumentPath,
) -> Result<Json<BidView>, AppError> {
    let (record, _) = own(&state, &ctx, path.bid_id).await?;
    let caller = caller(&ctx)?;
    // Only a document the draft lists can be taken off; any other id names nothing.
    let listed = bids::content(state.store(), &caller, &record)
        .await?
        .is_some_and(|c| {
            c.documents
                .iter()
                .any(|d| d.document_id == path.document_id)
        });
    if record.status == BidStatus::Draft && !listed {
        return Err(AppError::NotFound);
    }
    bids::save_draft(
        state.store(),
        &documents_dir(&state),
        &caller,
        path.bid_id,
        None,
        Vec::new(),
        &[path.document_id],
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(view(&state, &ctx, path.bid_id).await?))
}

/// A plan document, as a download: its author while the bid is a draft; officers, the
/// need's issuer and the author once it is opened. Nobody while it is sealed.
#[utoipa::path(get, path = "/api/v1/bids/{id}/documents/{document}", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id"), ("document" = i64, Path, description = "Document id")),
    responses((status = 200, description = "The file, as it was attached: a PDF, JPEG or PNG", content((String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"))), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    path: DocumentPath,
) -> Result<Response, AppError> {
    crate::pages::bids::download(State(state), ctx, path).await
}

/// Seals the draft (its author, before the deadline). The answer carries the receipt.
#[utoipa::path(post, path = "/api/v1/bids/{id}/submit", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")),
    responses((status = 200, body = BidView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<BidView>, AppError> {
    own(&state, &ctx, id).await?;
    bids::submit(state.store(), &caller(&ctx)?, id, yingcai_store::now_ms()).await?;
    Ok(Json(view(&state, &ctx, id).await?))
}

/// Takes a submitted bid back to a draft (its author, before the deadline).
#[utoipa::path(post, path = "/api/v1/bids/{id}/withdraw", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")),
    responses((status = 200, body = BidView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<BidView>, AppError> {
    own(&state, &ctx, id).await?;
    bids::withdraw(state.store(), &caller(&ctx)?, id, yingcai_store::now_ms()).await?;
    Ok(Json(view(&state, &ctx, id).await?))
}

/// A need's bids: for officers and the need's issuer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NeedBidsView {
    pub need_id: i64,
    /// Whether the deadline has passed.
    pub closed: bool,
    /// Bids received (submitted or opened): officers always, the issuer after the deadline.
    pub received: Option<i64>,
    pub opened: Option<i64>,
    /// The opened bids with their content and check (none before the opening).
    pub bids: Vec<BidView>,
}

/// A need's bids: officers see how many until the opening, then the opened bids; the
/// need's issuer sees them once opened and nothing before.
#[utoipa::path(get, path = "/api/v1/needs/{id}/bids", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = NeedBidsView), (status = 401, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn need_bids(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Json<NeedBidsView>, AppError> {
    let caller = caller(&ctx)?;
    let found = bids::need_bids(state.store(), &caller, id, yingcai_store::now_ms()).await?;
    let standing = if caller.officer {
        Standing::Officer
    } else {
        Standing::Issuer
    };
    Ok(Json(NeedBidsView {
        need_id: id,
        closed: found.closed,
        received: found.count.map(|c| c.received),
        opened: found.count.map(|c| c.opened),
        bids: found
            .bids
            .iter()
            .map(|(record, content)| bid_view(record, &found.need, standing, content.as_ref()))
            .collect(),
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
#[serde(default)]
pub struct OverrideRequest {
    /// `passed` or `failed`.
    pub result: String,
    /// Required: why (recorded in the audit log).
    pub reason: String,
}

/// An officer's override of an opened bid's formal check, with a reason.
#[utoipa::path(post, path = "/api/v1/bids/{id}/check-override", tag = "competitions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Bid id")), request_body = OverrideRequest,
    responses((status = 200, body = BidView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn override_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<BidView>, AppError> {
    let caller = caller(&ctx)?;
    bids::bid_for(state.store(), &caller, id).await?;
    let request: OverrideRequest = body.parse()?;
    bids::override_check(
        state.store(),
        &caller,
        id,
        &request.result,
        &request.reason,
        yingcai_store::now_ms(),
    )
    .await?;
    Ok(Json(view(&state, &ctx, id).await?))
}

/// How many bids a published need received, for anyone.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BidCountView {
    pub need_id: i64,
    /// Null until the deadline has passed.
    pub received: Option<i64>,
}

/// How many bids a published need received: shown once its deadline has passed. No
/// sign-in needed; an unpublished need does not exist here.
#[utoipa::path(get, path = "/api/v1/competitions/needs/{id}/bid-count", tag = "competitions",
    params(("id" = i64, Path, description = "Need id")),
    responses((status = 200, body = BidCountView), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn public_count(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<BidCountView>, AppError> {
    let need = yingcai_services::competitions::public_need(state.store(), id).await?;
    let received = bids::public_count(state.store(), &need, yingcai_store::now_ms()).await?;
    Ok(Json(BidCountView {
        need_id: id,
        received,
    }))
}

/// This area's API routes.
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, delete, get, post, put};
    use yingcai_domain::Role::Officer;
    vec![
        get("/api/v1/bids", Access::SignedIn, mine),
        post("/api/v1/bids", Access::SignedIn, create),
        get("/api/v1/bids/{id}", Access::OfficerOrOwner, get_one),
        put("/api/v1/bids/{id}", Access::Owner, edit),
        post("/api/v1/bids/{id}/documents", Access::Owner, upload)
            .body_limit(crate::documents::MAX_BODY),
        get(
            "/api/v1/bids/{id}/documents/{document}",
            Access::OfficerOrOwner,
            download,
        ),
        delete(
            "/api/v1/bids/{id}/documents/{document}",
            Access::Owner,
            remove_document,
        ),
        post("/api/v1/bids/{id}/submit", Access::Owner, submit),
        post("/api/v1/bids/{id}/withdraw", Access::Owner, withdraw),
        get("/api/v1/needs/{id}/bids", Access::OfficerOrOwner, need_bids),
        post(
            "/api/v1/bids/{id}/check-override",
            Access::Role(Officer),
            override_check,
        ),
        get(
            "/api/v1/competitions/needs/{id}/bid-count",
            Access::Public,
            public_count,
        ),
    ]
}
