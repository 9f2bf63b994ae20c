//! Open competitions (揭榜挂帅): sealed bids. A talent, an enterprise or a reviewer bids on
//! a published need from its public page; the bid is sealed from its first save, edited
//! while a draft, submitted (the author keeps a receipt), withdrawn to a draft before the
//! deadline. After the deadline the opening job opens it: officers and the need's issuer
//! read the need's bids and their formal checks, officers may override a check with a
//! reason, and the bidder reads its own bid and check.
//!
//! The bid form works without JavaScript: its team, milestone and relation tables carry
//! spare blank rows (ignored when saved); "add a row" sends the form back with one more.

use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use yingcai_domain::bid::{
    BidInput, MAX_DOCUMENTS, MemberInput, MilestoneInput, RelationInput, formal_check,
};
use yingcai_domain::status::{BidCheck, BidStatus};
use yingcai_domain::{FieldErrors, Role};
use yingcai_services::bids::{self, Caller, Standing};
use yingcai_services::case_attachments::Upload;
use yingcai_store::{BidContent, BidRecord, NeedRecord};

use super::cases::{DoneQuery, beijing_minute};
use super::competitions::{need_number, today};
use super::errors_value;
use crate::context::{CsrfForm, Id};
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

/// Spare blank rows the form offers below the filled ones.
const SPARE_ROWS: usize = 2;

pub(crate) fn caller(ctx: &Ctx) -> Result<Caller, AppError> {
    let account = ctx.signed_in()?;
    let roles = &account.roles;
    Ok(Caller {
        account_id: account.account_id,
        email: account.email.clone(),
        may_bid: roles.contains(Role::Talent)
            || roles.contains(Role::Enterprise)
            || roles.contains(Role::Reviewer),
        officer: roles.contains(Role::Officer),
    })
}

pub(crate) fn documents_dir(state: &AppState) -> std::path::PathBuf {
    std::path::PathBuf::from(&state.settings().documents_dir)
}

fn done_message(done: &str) -> Option<String> {
    const KNOWN: &[&str] = &["drafted", "saved", "submitted", "withdrawn", "overridden"];
    KNOWN.contains(&done).then(|| format!("bid-done-{done}"))
}

fn badge(status: BidStatus) -> &'static str {
    match status {
        BidStatus::Draft => "draft",
        BidStatus::Submitted => "submitted",
        BidStatus::Opened => "verified",
        BidStatus::Lapsed => "returned",
    }
}

/// A bid's envelope for the templates: what anyone allowed to see the bid sees.
pub(crate) fn envelope_value(record: &BidRecord, need: &NeedRecord) -> Value {
    context! {
        bid_id => record.bid_id,
        number => record.number(),
        need_id => record.need_id,
        need_number => need_number(record.need_id),
        need_title => need.need.title,
        status => record.status.label_id(),
        badge => badge(record.status),
        draft => record.status == BidStatus::Draft,
        submitted => record.status == BidStatus::Submitted,
        opened => record.status == BidStatus::Opened,
        lapsed => record.status == BidStatus::Lapsed,
        digest => record.sealed_digest,
        submitted_at => record.submitted_at.map(beijing_minute),
        opened_at => record.opened_at.map(beijing_minute),
        updated => beijing_minute(record.updated_at),
        check => record.check_result().map(|c| c.label_id()),
        check_passed => record.check_result() == Some(BidCheck::Passed),
        check_reasons => record.check_reasons.iter().map(|r| r.label_id()).collect::<Vec<_>>(),
        overridden => record.override_check.is_some(),
        override_reason => record.override_reason,
        override_at => record.override_at.map(beijing_minute),
        original_check => record.check.map(|c| c.label_id()),
        closes => beijing_minute(bids::open_until(need) - 60_000),
    }
}

/// A bid's content for the templates (only ever built from content the store opened).
fn content_value(record: &BidRecord, content: &BidContent) -> Value {
    let b = &content.bid;
    context! {
        title => b.title,
        plan => b.plan,
        lead_organisation => b.lead_organisation,
        members => Value::from_serialize(&b.members),
        milestones => b.milestones.iter().map(|m| context! {
            title => m.title, deliverable => m.deliverable, month => m.month, amount => m.amount.0,
        }).collect::<Vec<_>>(),
        budget => b.budget.map(|f| f.0),
        relations => Value::from_serialize(&b.relations),
        documents => content.documents.iter().map(|d| context! {
            bid_id => record.bid_id,
            document_id => d.document_id,
            file_name => d.file_name,
            size_kb => (d.size_bytes + 1023) / 1024,
            sha256 => d.sha256,
        }).collect::<Vec<_>>(),
    }
}

/// What the public need page offers about bidding: the caller's own bid, a "Bid" button
/// for an eligible signed-in account while bids are taken, or a sign-in link.
pub(crate) async fn bidding_value(
    state: &AppState,
    ctx: &Ctx,
    need: &NeedRecord,
    now: i64,
) -> Result<Value, AppError> {
    let open = bids::taking_bids(need, now);
    let Some(account) = ctx.account.as_ref() else {
        return Ok(context! { open => open, signed_in => false });
    };
    let caller = caller(ctx)?;
    let own = state
        .store()
        .bid_of_bidder_on(need.need_id, account.account_id)
        .await?;
    Ok(context! {
        open => open,
        signed_in => true,
        may_bid => caller.may_bid,
        own_bid => own.map(|b| b.bid_id),
        // Officers run the competition; the issuer reads the bids once they are opened.
        sees_bids => caller.officer || need.owner_account_id == account.account_id,
    })
}

// ------------------------------------------------------------------ the form

/// `POST /bids` and `/bids/{id}`: a bid as its form sends it; each table column is a
/// repeated field, read row by row.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct BidForm {
    pub need_id: String,
    pub title: String,
    pub plan: String,
    pub lead_organisation: String,
    pub member_name: Vec<String>,
    pub member_role: Vec<String>,
    pub member_organisation: Vec<String>,
    pub member_email: Vec<String>,
    pub milestone_title: Vec<String>,
    pub milestone_deliverable: Vec<String>,
    pub milestone_month: Vec<String>,
    pub milestone_amount: Vec<String>,
    pub budget: String,
    pub relation_party: Vec<String>,
    pub relation_organisation: Vec<String>,
    pub relation_nature: Vec<String>,
    /// Documents to take off the draft.
    pub remove_document: Vec<String>,
    /// `member`, `milestone` or `relation`: add a row and show the form again, saving nothing.
    pub add_row: String,
}

fn column(values: &[String], i: usize) -> String {
    values.get(i).cloned().unwrap_or_default()
}

fn longest(columns: &[&Vec<String>]) -> usize {
    columns.iter().map(|c| c.len()).max().unwrap_or(0)
}

impl BidForm {
    pub(crate) fn input(&self) -> BidInput {
        BidInput {
            title: self.title.clone(),
            plan: self.plan.clone(),
            lead_organisation: self.lead_organisation.clone(),
            members: (0..longest(&[
                &self.member_name,
                &self.member_role,
                &self.member_organisation,
                &self.member_email,
            ]))
                .map(|i| MemberInput {
                    name: column(&self.member_name, i),
                    role: column(&self.member_role, i),
                    organisation: column(&self.member_organisation, i),
                    email: column(&self.member_email, i),
                })
                .collect(),
            milestones: (0..longest(&[
                &self.milestone_title,
                &self.milestone_deliverable,
                &self.milestone_month,
                &self.milestone_amount,
            ]))
                .map(|i| MilestoneInput {
                    title: column(&self.milestone_title, i),
                    deliverable: column(&self.milestone_deliverable, i),
                    month: column(&self.milestone_month, i),
                    amount: column(&self.milestone_amount, i),
                })
                .collect(),
            budget: self.budget.clone(),
            relations: (0..longest(&[
                &self.relation_party,
                &self.relation_organisation,
                &self.relation_nature,
            ]))
                .map(|i| RelationInput {
                    party: column(&self.relation_party, i),
                    organisation: column(&self.relation_organisation, i),
                    nature: column(&self.relation_nature, i),
                })
                .collect(),
        }
    }

    fn removed(&self) -> Vec<i64> {
        self.remove_document
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }

    fn extra_rows(&self) -> Option<(usize, usize, usize)> {
        match self.add_row.as_str() {
            "member" => Some((1, 0, 0)),
            "milestone" => Some((0, 1, 0)),
            "relation" => Some((0, 0, 1)),
            _ => None,
        }
    }
}

fn padded<T: Clone + Default>(rows: &[T], blank: impl Fn(&T) -> bool, extra: usize) -> Vec<T> {
    let mut rows: Vec<T> = rows.iter().filter(|r| !blank(r)).cloned().collect();
    rows.resize(
        (rows.len() + SPARE_ROWS + extra).min(yingcai_domain::bid::MAX_ROWS),
        T::default(),
    );
    rows
}

fn form_value(input: &BidInput, extra: (usize, usize, usize)) -> Value {
    let members = padded(
        &input.members,
        |m| {
            [&m.name, &m.role, &m.organisation, &m.email]
                .iter()
                .all(|v| v.trim().is_empty())
        },
        extra.0,
    );
    let milestones = padded(
        &input.milestones,
        |m| {
            [&m.title, &m.deliverable, &m.month, &m.amount]
                .iter()
                .all(|v| v.trim().is_empty())
        },
        extra.1,
    );
    let relations = padded(
        &input.relations,
        |r| {
            [&r.party, &r.organisation, &r.nature]
                .iter()
                .all(|v| v.trim().is_empty())
        },
        extra.2,
    );
    context! {
        title => input.title,
        plan => input.plan,
        lead_organisation => input.lead_organisation,
        members => Value::from_serialize(&members),
        milestones => Value::from_serialize(&milestones),
        budget => input.budget,
        relations => Value::from_serialize(&relations),
    }
}

/// Everything the bid form page shows.
struct FormPage<'a> {
    need: &'a NeedRecord,
    record: Option<&'a BidRecord>,
    content: Option<&'a BidContent>,
    form: Value,
    errors: Option<&'a FieldErrors>,
    done: Option<String>,
}

fn render_form(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    p: FormPage<'_>,
) -> Result<Response, AppError> {
    let need_value = super::competitions::need_value(p.need, today()?);
    // What the formal check would find today, from the author's own draft.
    let precheck: Vec<String> = match (p.record, p.content) {
        (Some(_), Some(content)) => formal_check(
            &content.bid,
            bids::terms(p.need),
            content.documents.len(),
            true,
        )
        .iter()
        .map(|r| r.label_id())
        .collect(),
        _ => Vec::new(),
    };
    page_with_status(
        state,
        ctx,
        status,
        "bid_form.html",
        context! {
            need => need_value,
            bid => p.record.map(|r| envelope_value(r, p.need)),
            documents => p.record.zip(p.content).map(|(r, c)| content_value(r, c).get_attr("documents").unwrap_or_default()),
            form => p.form,
            errors => p.errors.map(errors_value),
            precheck => precheck,
            max_documents => MAX_DOCUMENTS,
            done => p.done,
        },
    )
}

// ------------------------------------------------------------------ bidders

/// `/bids`: the caller's bids.
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let mut rows = Vec::new();
    for record in state.store().bids_of_bidder(caller.account_id).await? {
        let need = state.store().need(record.need_id).await?;
        rows.push(envelope_value(&record, &need));
    }
    page(
        &state,
        &ctx,
        "bids.html",
        context! { bids => rows, may_bid => caller.may_bid, done => done_message(&q.done) },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NewQuery {
    pub need: String,
}

fn need_id(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// `/bids/new?need=…`: the form for a new bid, or why the caller cannot bid.
pub(crate) async fn new_bid(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let Some(id) = need_id(&q.need) else {
        return Err(AppError::BadRequest("which need: ?need=<id>".into()));
    };
    if let Some(existing) = state
        .store()
        .bid_of_bidder_on(id, caller.account_id)
        .await?
    {
        return Ok(Redirect::to(&format!("/bids/{}", existing.bid_id)).into_response());
    }
    let now = yingcai_store::now_ms();
    match bids::need_to_bid_on(state.store(), &caller, id, now).await {
        Ok(need) => render_form(
            &state,
            &ctx,
            StatusCode::OK,
            FormPage {
                need: &need,
                record: None,
                content: None,
                form: form_value(&BidInput::default(), (0, 0, 0)),
                errors: None,
                done: None,
            },
        ),
        Err(error) => match AppError::from(error) {
            AppError::Invalid(errors) => page_with_status(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bid_refused.html",
                context! { errors => errors_value(&errors), need_id => id },
            ),
            other => Err(other),
        },
    }
}

/// `POST /bids`: starts a draft with its first documents (or adds a row to the form).
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (form, uploads): (BidForm, Vec<Upload>) =
        super::uploads::form_with_files(&ctx, request, &state).await?;
    let now = yingcai_store::now_ms();
    let need = match need_id(&form.need_id) {
        Some(id) => bids::need_to_bid_on(state.store(), &caller, id, now).await,
        None => Err(yingcai_services::Error::field(
            "need_id",
            "bid-need-unknown",
        )),
    };
    let need = match need.map_err(AppError::from) {
        Ok(need) => need,
        Err(AppError::Invalid(errors)) => {
            return page_with_status(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bid_refused.html",
                context! { errors => errors_value(&errors), need_id => need_id(&form.need_id) },
            );
        }
        Err(other) => return Err(other),
    };
    let input = form.input();
    let refuse = |errors: &FieldErrors, extra| {
        render_form(
            &state,
            &ctx,
            if extra == (0, 0, 0) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            },
            FormPage {
                need: &need,
                record: None,
                content: None,
                form: form_value(&input, extra),
                errors: (!errors.is_empty()).then_some(errors),
                done: None,
            },
        )
    };
    if let Some(extra) = form.extra_rows() {
        return refuse(&FieldErrors::new(), extra);
    }
    let bid = match input.parse(bids::terms(&need)) {
        Ok(bid) => bid,
        Err(errors) => return refuse(&errors, (0, 0, 0)),
    };
    match bids::start_bid(
        state.store(),
        &documents_dir(&state),
        &caller,
        need.need_id,
        &bid,
        uploads,
        now,
    )
    .await
    .map_err(AppError::from)
    {
        Ok(id) => Ok(Redirect::to(&format!("/bids/{id}?done=drafted")).into_response()),
        Err(AppError::Invalid(errors)) => refuse(&errors, (0, 0, 0)),
        Err(other) => Err(other),
    }
}

/// `/bids/{id}`: a draft's form, a sealed bid's receipt, or an opened bid.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    render_bid(
        &state,
        &ctx,
        id,
        StatusCode::OK,
        None,
        done_message(&q.done),
    )
    .await
}

async fn render_bid(
    state: &AppState,
    ctx: &Ctx,
    bid_id: i64,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    let (record, need, standing) = bids::bid_for(state.store(), &caller, bid_id).await?;
    let content = bids::content(state.store(), &caller, &record).await?;
    if standing == Standing::Author && record.status == BidStatus::Draft {
        let form = content
            .as_ref()
            .map(|c| BidInput::from(&c.bid))
            .unwrap_or_default();
        return render_form(
            state,
            ctx,
            status,
            FormPage {
                need: &need,
                record: Some(&record),
                content: content.as_ref(),
                form: form_value(&form, (0, 0, 0)),
                errors,
                done,
            },
        );
    }
    page_with_status(
        state,
        ctx,
        status,
        "bid.html",
        context! {
            bid => envelope_value(&record, &need),
            content => content.as_ref().map(|c| content_value(&record, c)),
            author => standing == Standing::Author,
            officer => standing == Standing::Officer,
            withdrawable => standing == Standing::Author && record.status == BidStatus::Submitted && bids::taking_bids(&need, yingcai_store::now_ms()),
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

/// `POST /bids/{id}`: saves the author's draft (more documents, documents taken off).
pub(crate) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    request: Request,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    // The anti-forgery token first, as every form: nothing is looked up without it.
    let (form, uploads): (BidForm, Vec<Upload>) =
        super::uploads::form_with_files(&ctx, request, &state).await?;
    let (record, need, standing) = bids::bid_for(state.store(), &caller, id).await?;
    if standing != Standing::Author {
        return Err(AppError::NotFound);
    }
    let input = form.input();
    let content = bids::content(state.store(), &caller, &record).await?;
    let refuse = |errors: Option<&FieldErrors>, status, extra| {
        render_form(
            &state,
            &ctx,
            status,
            FormPage {
                need: &need,
                record: Some(&record),
                content: content.as_ref(),
                form: form_value(&input, extra),
                errors,
                done: None,
            },
        )
    };
    if let Some(extra) = form.extra_rows() {
        return refuse(None, StatusCode::OK, extra);
    }
    let bid = match input.parse(bids::terms(&need)) {
        Ok(bid) => bid,
        Err(errors) => return refuse(Some(&errors), StatusCode::UNPROCESSABLE_ENTITY, (0, 0, 0)),
    };
    match bids::save_draft(
        state.store(),
        &documents_dir(&state),
        &caller,
        id,
        Some(&bid),
        uploads,
        &form.removed(),
        yingcai_store::now_ms(),
    )
    .await
    .map_err(AppError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!("/bids/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(errors)) => {
            refuse(Some(&errors), StatusCode::UNPROCESSABLE_ENTITY, (0, 0, 0))
        }
        Err(other) => Err(other),
    }
}

async fn act(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    done: &str,
    result: Result<(), yingcai_services::Error>,
) -> Result<Response, AppError> {
    match result.map_err(AppError::from) {
        Ok(()) => Ok(Redirect::to(&format!("/bids/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_bid(
                state,
                ctx,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&errors),
                None,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// `POST /bids/{id}/submit`: seals the draft.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(_): CsrfForm,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let result = bids::submit(state.store(), &caller, id, yingcai_store::now_ms())
        .await
        .map(drop);
    act(&state, &ctx, id, "submitted", result).await
}

/// `POST /bids/{id}/withdraw`: back to a draft, before the deadline.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(_): CsrfForm,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let result = bids::withdraw(state.store(), &caller, id, yingcai_store::now_ms()).await;
    act(&state, &ctx, id, "withdrawn", result).await
}

/// A plan document's place in the path (`/bids/{id}/documents/{document}`): anything but
/// two positive numbers is a 404.
pub(crate) struct DocumentPath {
    pub bid_id: i64,
    pub document_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for DocumentPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<DocumentPath, AppError> {
        let axum::extract::Path((bid, document)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        match (need_id(&bid), need_id(&document)) {
            (Some(bid_id), Some(document_id)) => Ok(DocumentPath {
                bid_id,
                document_id,
            }),
            _ => Err(AppError::NotFound),
        }
    }
}

/// `GET /bids/{id}/documents/{document}`: a plan document, for whoever may read the bid's
/// content now (its author while a draft; officers, the issuer and the author once opened).
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    path: DocumentPath,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (meta, bytes) = bids::document(
        state.store(),
        &documents_dir(&state),
        &caller,
        path.bid_id,
        path.document_id,
    )
    .await?;
    Ok(super::uploads::file_response(
        bytes,
        &meta.media_type,
        &meta.file_name,
        true,
    ))
}

// ------------------------------------------------------------------ officers and issuers

/// `/competitions/needs/{id}/bids`: a need's bids for officers (how many, until opened)
/// and its issuer (nothing before the deadline).
pub(crate) async fn need_bids(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let view = bids::need_bids(state.store(), &caller, id, yingcai_store::now_ms()).await?;
    let mut rows = Vec::new();
    for (record, content) in &view.bids {
        let bidder = state
            .store()
            .account(record.bidder_account_id)
            .await
            .map(|a| a.display_name)
            .ok();
        rows.push(context! {
            bid => envelope_value(record, &view.need),
            content => content.as_ref().map(|c| content_value(record, c)),
            bidder => bidder,
        });
    }
    page(
        &state,
        &ctx,
        "need_bids.html",
        context! {
            need => super::competitions::need_value(&view.need, today()?),
            count => view.count.map(|c| c.received),
            opened => view.count.map(|c| c.opened),
            closed => view.closed,
            bids => rows,
            done => done_message(&q.done),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OverrideForm {
    pub result: String,
    pub reason: String,
}

/// `POST /officer/bids/{id}/check`: an officer's override of the formal check.
pub(crate) async fn override_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<OverrideForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let result = bids::override_check(
        state.store(),
        &caller,
        id,
        &form.result,
        &form.reason,
        yingcai_store::now_ms(),
    )
    .await;
    act(&state, &ctx, id, "overridden", result).await
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role::Officer;
    let body = crate::documents::MAX_BODY;
    vec![
        get("/bids", Access::SignedIn, mine),
        get("/bids/new", Access::SignedIn, new_bid),
        post("/bids", Access::SignedIn, create).body_limit(body),
        get("/bids/{id}", Access::OfficerOrOwner, show),
        post("/bids/{id}", Access::Owner, update).body_limit(body),
        post("/bids/{id}/submit", Access::Owner, submit),
        post("/bids/{id}/withdraw", Access::Owner, withdraw),
        get(
            "/bids/{id}/documents/{document}",
            Access::OfficerOrOwner,
            download,
        ),
        get(
            "/competitions/needs/{id}/bids",
            Access::OfficerOrOwner,
            need_bids,
        ),
        post(
            "/officer/bids/{id}/check",
            Access::Role(Officer),
            override_check,
        ),
    ]
}
