//! Open competitions (揭榜挂帅): enterprises (and officers for government units) draft
//! needs and submit them; officers return or accept them and publish accepted ones as a
//! numbered list; anyone reads the published lists and needs without signing in.
//!
//! The need form works without JavaScript: its indicator and rubric tables carry spare
//! blank rows (ignored when saved), and "add a row" buttons send the form back with one
//! more, saving nothing.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use yingcai_domain::competition::{
    Confidentiality, CriterionInput, IndicatorInput, IpTerms, NeedInput, bids_close_at_ms,
};
use yingcai_domain::status::NeedStatus;
use yingcai_domain::{Date, FieldError, FieldErrors, Locale, Role};
use yingcai_services::competitions::{
    self, Caller, CompetitionRules, Decision, PublishRefusal, Standing,
};
use yingcai_store::{ListRecord, NeedEvent, NeedFilter, NeedRecord};

use super::audit::beijing_time;
use super::cases::{DoneQuery, beijing_minute};
use super::errors_value;
use crate::context::{CsrfForm, Id};
use crate::i18n::translate;
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

/// Spare blank rows the form offers below the filled ones.
const SPARE_ROWS: usize = 2;

pub(crate) fn caller(ctx: &Ctx) -> Result<Caller, AppError> {
    let account = ctx.signed_in()?;
    Ok(Caller {
        account_id: account.account_id,
        email: account.email.clone(),
        enterprise: account.roles.contains(Role::Enterprise),
        officer: account.roles.contains(Role::Officer),
    })
}

/// Today in Beijing, the day deadlines and bid windows are counted in.
pub(crate) fn today() -> Result<Date, AppError> {
    Date::try_from(yingcai_services::policy::today())
        .map_err(|_| AppError::Internal(anyhow::anyhow!("today is outside the calendar")))
}

pub(crate) fn rules(state: &AppState) -> CompetitionRules {
    CompetitionRules {
        min_bid_window_days: state.settings().competition_min_bid_days,
    }
}

/// The number people quote for a need.
pub(crate) fn need_number(need_id: i64) -> String {
    format!("JB{need_id:05}")
}

/// The fields (industry codes) whose name, in either language, holds `text`: a search
/// for "材料" or "materials" finds the new-materials needs.
pub(crate) fn fields_named(state: &AppState, text: &str) -> Vec<String> {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return Vec::new();
    }
    state
        .settings()
        .industries
        .iter()
        .filter(|code| {
            [Locale::ZhCn, Locale::En].iter().any(|&locale| {
                translate(locale, &format!("industry-{code}"), &[])
                    .to_lowercase()
                    .contains(&text)
            })
        })
        .cloned()
        .collect()
}

fn badge(status: NeedStatus) -> &'static str {
    match status {
        NeedStatus::Accepted | NeedStatus::Published => "verified",
        NeedStatus::Returned => "returned",
        NeedStatus::Draft => "draft",
        NeedStatus::Submitted => "submitted",
    }
}

/// A need for the templates: everything a bidder reads, and where it stands.
pub(crate) fn need_value(record: &NeedRecord, today: Date) -> Value {
    let n = &record.need;
    let days_left = n
        .bid_deadline
        .jiff()
        .since(today.jiff())
        .map_or(0, |s| s.get_days());
    context! {
        need_id => record.need_id,
        number => need_number(record.need_id),
        issuer => record.issuer,
        government => record.enterprise_id.is_none(),
        title => n.title,
        field => format!("industry-{}", n.field),
        description => n.description,
        indicators => Value::from_serialize(&n.indicators),
        budget => n.budget.0,
        duration_months => n.duration_months,
        deadline => n.bid_deadline.to_string(),
        closes => beijing_minute(bids_close_at_ms(n.bid_deadline) - 60_000),
        days_left => days_left.max(0),
        closed => days_left < 0,
        ip_terms => n.ip_terms.label_id(),
        ip_note => n.ip_note,
        confidentiality => n.confidentiality.label_id(),
        confidentiality_note => n.confidentiality_note,
        criteria => Value::from_serialize(&n.criteria),
        stages => n.stages,
        two_stages => n.stages == 2,
        winners => n.winners,
        horse_race => n.is_horse_race(),
        status => record.status.label_id(),
        badge => badge(record.status),
        return_reason => record.return_reason,
        returned => record.status == NeedStatus::Returned,
        editable => competitions::editable(record.status),
        decidable => record.status == NeedStatus::Submitted,
        published => record.status == NeedStatus::Published,
        updated => beijing_minute(record.updated_at),
        published_at => record.published_at.map(beijing_minute),
    }
}

async fn history_value(state: &AppState, events: &[NeedEvent]) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let who = match e.actor_account_id {
            Some(id) => state.store().account(id).await.ok().map(|a| a.display_name),
            None => None,
        };
        out.push(context! {
            at => beijing_time(e.at),
            status => e.status.label_id(),
            who => who,
            note => e.note,
            returned => e.status == NeedStatus::Returned,
        });
    }
    Ok(out)
}

fn list_value(list: &ListRecord) -> Value {
    context! {
        list_id => list.list_id,
        number => list.number,
        title => list.title,
        published_at => beijing_minute(list.published_at),
        min_window_days => list.min_window_days,
    }
}

/// The confirmation a page shows after an action (`?done=`), as a Fluent id.
fn done_message(done: &str) -> Option<String> {
    const KNOWN: &[&str] = &[
        "drafted",
        "saved",
        "submitted",
        "returned",
        "accepted",
        "published",
    ];
    KNOWN.contains(&done).then(|| format!("need-done-{done}"))
}

// ------------------------------------------------------------------ the need form

/// `POST /needs` and `/needs/{id}`: a need as its form sends it. Each table column is a
/// repeated field, read row by row.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct NeedForm {
    pub issuer: String,
    pub title: String,
    pub field: String,
    pub description: String,
    pub indicator_name: Vec<String>,
    pub indicator_target: Vec<String>,
    pub indicator_unit: Vec<String>,
    pub budget: String,
    pub duration_months: String,
    pub bid_deadline: String,
    pub ip_terms: String,
    pub ip_note: String,
    pub confidentiality: String,
    pub confidentiality_note: String,
    pub criterion_name: Vec<String>,
    pub criterion_weight: Vec<String>,
    pub stages: String,
    pub winners: String,
    /// `indicator` or `criterion`: add a row and show the form again, saving nothing.
    pub add_row: String,
}

fn column(values: &[String], i: usize) -> String {
    values.get(i).cloned().unwrap_or_default()
}

impl NeedForm {
    pub(crate) fn input(&self) -> NeedInput {
        let indicators = (0..self.indicator_name.len().max(self.indicator_target.len()))
            .map(|i| IndicatorInput {
                name: column(&self.indicator_name, i),
                target: column(&self.indicator_target, i),
                unit: column(&self.indicator_unit, i),
            })
            .collect();
        let criteria = (0..self.criterion_name.len().max(self.criterion_weight.len()))
            .map(|i| CriterionInput {
                name: column(&self.criterion_name, i),
                weight: column(&self.criterion_weight, i),
            })
            .collect();
        NeedInput {
            title: self.title.clone(),
            field: self.field.clone(),
            description: self.description.clone(),
            indicators,
            budget: self.budget.clone(),
            duration_months: self.duration_months.clone(),
            bid_deadline: self.bid_deadline.clone(),
            ip_terms: self.ip_terms.clone(),
            ip_note: self.ip_note.clone(),
            confidentiality: self.confidentiality.clone(),
            confidentiality_note: self.confidentiality_note.clone(),
            criteria,
            stages: self.stages.clone(),
            winners: self.winners.clone(),
        }
    }
}

/// What the form shows: the input's values, its rows plus spare blank ones.
fn form_value(
    input: &NeedInput,
    issuer: &str,
    extra_indicators: usize,
    extra_criteria: usize,
) -> Value {
    let mut indicators: Vec<IndicatorInput> = input
        .indicators
        .iter()
        .filter(|r| {
            !(r.name.trim().is_empty() && r.target.trim().is_empty() && r.unit.trim().is_empty())
        })
        .cloned()
        .collect();
    indicators.resize(
        (indicators.len() + SPARE_ROWS + extra_indicators)
            .min(yingcai_domain::competition::MAX_ROWS),
        IndicatorInput::default(),
    );
    let mut criteria: Vec<CriterionInput> = input
        .criteria
        .iter()
        .filter(|r| !(r.name.trim().is_empty() && r.weight.trim().is_empty()))
        .cloned()
        .collect();
    criteria.resize(
        (criteria.len() + SPARE_ROWS + extra_criteria).min(yingcai_domain::competition::MAX_ROWS),
        CriterionInput::default(),
    );
    context! {
        issuer => issuer,
        title => input.title,
        field => input.field,
        description => input.description,
        indicators => Value::from_serialize(&indicators),
        budget => input.budget,
        duration_months => input.duration_months,
        bid_deadline => input.bid_deadline,
        ip_terms => input.ip_terms,
        ip_note => input.ip_note,
        confidentiality => input.confidentiality,
        confidentiality_note => input.confidentiality_note,
        criteria => Value::from_serialize(&criteria),
        stages => input.stages,
        winners => input.winners,
    }
}

struct FormPage<'a> {
    /// `None` for a new need.
    need_id: Option<i64>,
    form: Value,
    errors: Option<&'a FieldErrors>,
}

fn render_form(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    caller: &Caller,
    p: FormPage<'_>,
) -> Result<Response, AppError> {
    page_with_status(
        state,
        ctx,
        status,
        "need_form.html",
        context! {
            need_id => p.need_id,
            number => p.need_id.map(need_number),
            form => p.form,
            errors => p.errors.map(errors_value),
            fields => state.settings().industries,
            ip_choices => IpTerms::ALL.iter().map(|c| context! { value => c.as_str(), label => c.label_id() }).collect::<Vec<_>>(),
            confidentiality_choices => Confidentiality::ALL.iter().map(|c| context! { value => c.as_str(), label => c.label_id() }).collect::<Vec<_>>(),
            may_draft => caller.may_draft(),
            // Officers name the government unit; an enterprise's need carries its own name.
            names_unit => caller.officer && !caller.enterprise,
            min_days => state.settings().competition_min_bid_days,
        },
    )
}

/// A row added on request: the form again, nothing saved.
fn added_row(form: &NeedForm) -> Option<(usize, usize)> {
    match form.add_row.as_str() {
        "indicator" => Some((1, 0)),
        "criterion" => Some((0, 1)),
        _ => None,
    }
}

// ------------------------------------------------------------------ drafters

/// `/needs`: the caller's own needs.
pub(crate) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let today = today()?;
    let needs = state
        .store()
        .needs(&NeedFilter {
            owner_account_id: Some(caller.account_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    page(
        &state,
        &ctx,
        "needs.html",
        context! {
            needs => needs.iter().map(|n| need_value(n, today)).collect::<Vec<_>>(),
            may_draft => caller.may_draft(),
            done => done_message(&q.done),
        },
    )
}

/// `/needs/new`.
pub(crate) async fn new_need(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let input = NeedInput {
        stages: "1".into(),
        winners: "1".into(),
        ..NeedInput::default()
    };
    render_form(
        &state,
        &ctx,
        StatusCode::OK,
        &caller,
        FormPage {
            need_id: None,
            form: form_value(&input, "", 0, 0),
            errors: None,
        },
    )
}

/// `POST /needs`: saves a new draft (or adds a row to the form).
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<NeedForm>,
) -> Result<Response, AppError> {
    save(&state, &ctx, None, form).await
}

/// `POST /needs/{id}`: saves a draft's or a returned need's changes.
pub(crate) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<NeedForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (_, standing) = competitions::need_for(state.store(), &caller, id).await?;
    if standing != Standing::Drafter {
        return Err(AppError::NotFound);
    }
    save(&state, &ctx, Some(id), form).await
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    need_id: Option<i64>,
    form: NeedForm,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    let input = form.input();
    if let Some((indicators, criteria)) = added_row(&form) {
        return render_form(
            state,
            ctx,
            StatusCode::OK,
            &caller,
            FormPage {
                need_id,
                form: form_value(&input, &form.issuer, indicators, criteria),
                errors: None,
            },
        );
    }
    let refuse = |errors: FieldErrors| {
        render_form(
            state,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &caller,
            FormPage {
                need_id,
                form: form_value(&input, &form.issuer, 0, 0),
                errors: Some(&errors),
            },
        )
    };
    if !caller.may_draft() {
        return refuse(FieldError::new("issuer", "need-drafter-only").into());
    }
    let need = match input.parse(&state.settings().industries, today()?) {
        Ok(need) => need,
        Err(errors) => return refuse(errors),
    };
    let now = yingcai_store::now_ms();
    let saved = match need_id {
        None => competitions::draft_need(state.store(), &caller, &form.issuer, &need, now).await,
        Some(id) => competitions::edit_need(state.store(), &caller, id, &form.issuer, &need, now)
            .await
            .map(|()| id),
    };
    match saved.map_err(AppError::from) {
        Ok(id) => Ok(Redirect::to(&format!(
            "/needs/{id}?done={}",
            if need_id.is_some() {
                "saved"
            } else {
                "drafted"
            }
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => refuse(errors),
        Err(other) => Err(other),
    }
}

/// `/needs/{id}`: the drafter's view of their need.
pub(crate) async fn show_own(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    render_own(
        &state,
        &ctx,
        id,
        StatusCode::OK,
        None,
        done_message(&q.done),
    )
    .await
}

async fn render_own(
    state: &AppState,
    ctx: &Ctx,
    need_id: i64,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    let (record, standing) = competitions::need_for(state.store(), &caller, need_id).await?;
    if standing != Standing::Drafter {
        return Err(AppError::NotFound);
    }
    let events = state.store().need_events(need_id).await?;
    let list = match record.list_id {
        Some(id) => Some(list_value(&state.store().competition_list(id).await?)),
        None => None,
    };
    page_with_status(
        state,
        ctx,
        status,
        "need.html",
        context! {
            need => need_value(&record, today()?),
            history => history_value(state, &events).await?,
            list => list,
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

/// `/needs/{id}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (record, standing) = competitions::need_for(state.store(), &caller, id).await?;
    if standing != Standing::Drafter {
        return Err(AppError::NotFound);
    }
    if !competitions::editable(record.status) {
        return Ok(Redirect::to(&format!("/needs/{id}")).into_response());
    }
    let issuer = if record.enterprise_id.is_none() {
        record.issuer.clone()
    } else {
        String::new()
    };
    render_form(
        &state,
        &ctx,
        StatusCode::OK,
        &caller,
        FormPage {
            need_id: Some(id),
            form: form_value(&NeedInput::from(&record.need), &issuer, 0, 0),
            errors: None,
        },
    )
}

/// `POST /needs/{id}/submit`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(_): CsrfForm,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (_, standing) = competitions::need_for(state.store(), &caller, id).await?;
    if standing != Standing::Drafter {
        return Err(AppError::NotFound);
    }
    match competitions::submit_need(
        state.store(),
        &caller,
        id,
        today()?,
        yingcai_store::now_ms(),
    )
    .await
    .map_err(AppError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!("/needs/{id}?done=submitted")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_own(
                &state,
                &ctx,
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

// ------------------------------------------------------------------ officers

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct QueueQuery {
    pub status: String,
    pub done: String,
}

/// `/officer/needs`: the review queue (submitted first, then accepted awaiting a list,
/// then returned), or one status.
pub(crate) async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let status = q.status.trim().parse::<NeedStatus>().ok();
    let needs = competitions::review_queue(state.store(), status).await?;
    let today = today()?;
    page(
        &state,
        &ctx,
        "officer_needs.html",
        context! {
            needs => needs.iter().map(|n| need_value(n, today)).collect::<Vec<_>>(),
            statuses => super::status_options(&NeedStatus::ALL[1..], status, |s| (s.as_str(), s.label_id())),
            any_accepted => needs.iter().any(|n| n.status == NeedStatus::Accepted),
            lists => state.store().competition_lists().await?.iter().map(list_value).collect::<Vec<_>>(),
            done => done_message(&q.done),
        },
    )
}

/// `/officer/needs/{id}`: the review page.
pub(crate) async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    render_review(
        &state,
        &ctx,
        id,
        StatusCode::OK,
        None,
        done_message(&q.done),
    )
    .await
}

async fn render_review(
    state: &AppState,
    ctx: &Ctx,
    need_id: i64,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    let (record, _) = competitions::need_for(state.store(), &caller, need_id).await?;
    let events = state.store().need_events(need_id).await?;
    let list = match record.list_id {
        Some(id) => Some(list_value(&state.store().competition_list(id).await?)),
        None => None,
    };
    page_with_status(
        state,
        ctx,
        status,
        "officer_need.html",
        context! {
            need => need_value(&record, today()?),
            history => history_value(state, &events).await?,
            list => list,
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReturnForm {
    pub reason: String,
}

/// `POST /officer/needs/{id}/return`.
pub(crate) async fn return_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> Result<Response, AppError> {
    decide(
        &state,
        &ctx,
        id,
        Decision::Return {
            reason: form.reason,
        },
        "returned",
    )
    .await
}

/// `POST /officer/needs/{id}/accept`.
pub(crate) async fn accept_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(_): CsrfForm,
) -> Result<Response, AppError> {
    decide(&state, &ctx, id, Decision::Accept, "accepted").await
}

async fn decide(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    decision: Decision,
    done: &str,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    match competitions::decide_need(
        state.store(),
        &caller,
        id,
        &decision,
        yingcai_store::now_ms(),
    )
    .await
    .map_err(AppError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!("/officer/needs/{id}?done={done}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_review(
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

/// `POST /officer/lists`: a list's title and the accepted needs on it.
#[derive(Deserialize, Default, Serialize)]
#[serde(default)]
pub(crate) struct ListForm {
    pub title: String,
    pub needs: Vec<String>,
}

/// `/officer/lists/new`: publish accepted needs as a list.
pub(crate) async fn new_list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    render_new_list(
        &state,
        &ctx,
        StatusCode::OK,
        &ListForm::default(),
        None,
        None,
    )
    .await
}

async fn render_new_list(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: &ListForm,
    errors: Option<&FieldErrors>,
    too_early: Option<(Vec<i64>, String)>,
) -> Result<Response, AppError> {
    let today = today()?;
    let rules = rules(state);
    let earliest = today
        .plus_days(i32::try_from(rules.min_bid_window_days).unwrap_or(i32::MAX))
        .map(|d| d.to_string());
    let accepted = competitions::review_queue(state.store(), Some(NeedStatus::Accepted)).await?;
    let (late_ids, late_message) = too_early.unwrap_or_default();
    let needs: Vec<Value> = accepted
        .iter()
        .map(|n| {
            context! {
                need => need_value(n, today),
                checked => form.needs.iter().any(|id| id.trim() == n.need_id.to_string()),
                too_early => late_ids.contains(&n.need_id),
                // Would be refused today: the deadline is inside the window.
                inside_window => earliest.as_deref().is_some_and(|e| n.need.bid_deadline.to_string().as_str() < e),
            }
        })
        .collect();
    page_with_status(
        state,
        ctx,
        status,
        "officer_list_new.html",
        context! {
            needs => needs,
            form => Value::from_serialize(form),
            errors => errors.map(errors_value),
            too_early_message => (!late_message.is_empty()).then_some(late_message),
            min_days => rules.min_bid_window_days,
            earliest => earliest,
            lists => state.store().competition_lists().await?.iter().map(list_value).collect::<Vec<_>>(),
        },
    )
}

/// The refusal of a list whose needs close too soon, in the caller's words: which needs,
/// the earliest deadline allowed.
pub(crate) fn too_early_message(
    locale: Locale,
    needs: &[competitions::TooEarly],
    earliest: Date,
    days: u32,
) -> String {
    let names: Vec<String> = needs
        .iter()
        .map(|n| {
            format!(
                "{} {}（{}）",
                need_number(n.need_id),
                n.title,
                n.bid_deadline
            )
        })
        .collect();
    translate(
        locale,
        "err-list-deadline-too-early-named",
        &[
            ("needs", names.join("；")),
            ("earliest", earliest.to_string()),
            ("days", days.to_string()),
        ],
    )
}

/// `POST /officer/lists`.
pub(crate) async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ListForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let mut ids = Vec::new();
    for raw in &form.needs {
        match raw.trim().parse::<i64>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => {
                let errors = FieldError::new("needs", "list-need-not-accepted").into();
                return render_new_list(
                    &state,
                    &ctx,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    Some(&errors),
                    None,
                )
                .await;
            }
        }
    }
    match competitions::publish_list(
        state.store(),
        &caller,
        &form.title,
        &ids,
        rules(&state),
        today()?,
        yingcai_store::now_ms(),
    )
    .await
    {
        Ok(list) => Ok(Redirect::to(&format!(
            "/competitions?list={}&done=published",
            list.list_id
        ))
        .into_response()),
        Err(PublishRefusal::TooEarly {
            needs,
            earliest,
            days,
        }) => {
            let errors = FieldError {
                field: "needs",
                code: PublishRefusal::TOO_EARLY,
            }
            .into();
            let message = too_early_message(ctx.locale, &needs, earliest, days);
            let ids = needs.iter().map(|n| n.need_id).collect();
            render_new_list(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(&errors),
                Some((ids, message)),
            )
            .await
        }
        Err(PublishRefusal::Other(error)) => match AppError::from(error) {
            AppError::Invalid(errors) => {
                render_new_list(
                    &state,
                    &ctx,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    Some(&errors),
                    None,
                )
                .await
            }
            other => Err(other),
        },
    }
}

// ------------------------------------------------------------------ the public

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SearchQuery {
    pub q: String,
    pub field: String,
    pub list: String,
    pub done: String,
}

/// The published needs a search finds: words (in the title, description, issuer or a
/// field's name in either language), a field, a list.
pub(crate) async fn search(
    state: &AppState,
    text: &str,
    field: &str,
    list: Option<i64>,
) -> Result<Vec<NeedRecord>, AppError> {
    let field = field.trim();
    let field = state
        .settings()
        .industries
        .iter()
        .find(|f| *f == field)
        .cloned();
    Ok(state
        .store()
        .needs(&NeedFilter {
            statuses: vec![NeedStatus::Published],
            list_id: list,
            field,
            text: Some(text.to_owned()),
            text_fields: fields_named(state, text),
            limit: 500,
            ..Default::default()
        })
        .await?)
}

/// `/competitions`: the published lists and their needs, searchable.
pub(crate) async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let today = today()?;
    let list = q.list.trim().parse::<i64>().ok();
    let needs = search(&state, &q.q, &q.field, list).await?;
    let lists = state.store().competition_lists().await?;
    let searching = !q.q.trim().is_empty() || !q.field.trim().is_empty() || list.is_some();
    let grouped: Vec<Value> = lists
        .iter()
        .filter_map(|l| {
            let own: Vec<Value> = needs
                .iter()
                .filter(|n| n.list_id == Some(l.list_id))
                .map(|n| need_value(n, today))
                .collect();
            (!own.is_empty()).then(|| context! { list => list_value(l), needs => own })
        })
        .collect();
    page(
        &state,
        &ctx,
        "competitions.html",
        context! {
            lists => grouped,
            found => needs.len(),
            searching => searching,
            q => q.q,
            field => q.field,
            fields => state.settings().industries,
            done => done_message(&q.done),
        },
    )
}

/// `/competitions/needs/{id}`: a published need, everything a bidder needs to know.
pub(crate) async fn public_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let record = competitions::public_need(state.store(), id).await?;
    let list = match record.list_id {
        Some(id) => Some(list_value(&state.store().competition_list(id).await?)),
        None => None,
    };
    let now = yingcai_store::now_ms();
    let bidding = super::bids::bidding_value(&state, &ctx, &record, now).await?;
    page(
        &state,
        &ctx,
        "competition_need.html",
        context! {
            need => need_value(&record, today()?),
            list => list,
            bidding => bidding,
            bids_received => yingcai_services::bids::public_count(state.store(), &record, now).await?,
        },
    )
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    use yingcai_domain::Role::Officer;
    vec![
        get("/competitions", Access::Public, index),
        get("/competitions/needs/{id}", Access::Public, public_show),
        get("/needs", Access::SignedIn, mine),
        get("/needs/new", Access::SignedIn, new_need),
        post("/needs", Access::SignedIn, create),
        get("/needs/{id}", Access::Owner, show_own),
        post("/needs/{id}", Access::Owner, update),
        get("/needs/{id}/edit", Access::Owner, edit),
        post("/needs/{id}/submit", Access::Owner, submit),
        get("/officer/needs", Access::Role(Officer), queue),
        get("/officer/needs/{id}", Access::Role(Officer), review),
        post(
            "/officer/needs/{id}/return",
            Access::Role(Officer),
            return_need,
        ),
        post(
            "/officer/needs/{id}/accept",
            Access::Role(Officer),
            accept_need,
        ),
        get("/officer/lists/new", Access::Role(Officer), new_list),
        post("/officer/lists", Access::Role(Officer), publish),
    ]
}
