//! The industry service teams' case desk: requesters raise and follow their cases; team
//! officers work their team's ledger (reply, note, wait, resolve, transfer, checklist,
//! targets); administrators keep the teams, the category targets and the calendar years.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use yingcai_casedesk::{Clocks, Reading};
use yingcai_domain::status::CaseStatus;
use yingcai_domain::{FieldError, FieldErrors, Locale, Role};
use yingcai_services::case_attachments::{self, Files, Upload};
use yingcai_services::service_desk::{self, Caller, Raised, Standing};
use yingcai_store::{CaseFilter, CaseRecord, TeamRecord};

use super::audit::beijing_time;
use super::errors_value;
use super::forms::{
    CalendarYearForm, CaseActionForm, CaseForm, CategoryTargetsForm, ChecklistForm, PairingForm,
    RatingForm, TargetsForm, TeamForm, TransferForm,
};
use crate::context::{CsrfForm, Id};
use crate::render::{page, page_with_status};
use crate::{AppError, AppState, Ctx};

pub(crate) fn caller(ctx: &Ctx) -> Result<Caller, AppError> {
    let account = ctx.signed_in()?;
    Ok(Caller {
        account_id: account.account_id,
        email: account.email.clone(),
        officer: account.roles.contains(Role::Officer),
    })
}

/// An instant to the minute, Beijing time (`2026-12-07 13:14`): what a case's history and
/// deadlines need.
pub(crate) fn beijing_minute(ms: i64) -> String {
    beijing_time(ms)
}

/// Working minutes as hours and minutes for people (`2 小时 05 分`).
pub(crate) fn duration(minutes: i64) -> Value {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    context! { sign => sign, h => m / 60, m => format!("{:02}", m % 60) }
}

fn reading(r: &Reading) -> Value {
    context! {
        spent => duration(r.spent as i64),
        target => duration(r.target as i64),
        remaining => duration(r.remaining),
        due => r.due.map(|d| beijing_minute(d.to_timestamp().as_millisecond())),
        standing => format!("clock-{}", serde_json::to_value(r.standing).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
        paused => matches!(r.state, yingcai_casedesk::ClockState::Paused),
        late => matches!(r.standing, yingcai_casedesk::Standing::Breached | yingcai_casedesk::Standing::MetLate),
        warn => matches!(r.standing, yingcai_casedesk::Standing::DueSoon),
    }
}

fn clocks_value(clocks: &service_desk::Counted<Clocks>) -> Value {
    match clocks {
        service_desk::Counted::Known(c) => {
            context! { response => reading(&c.response), resolution => reading(&c.resolution) }
        }
        service_desk::Counted::YearMissing(year) => context! { missing_year => year },
    }
}

/// A case's summary line for lists.
fn case_value(case: &CaseRecord, teams: &HashMap<i64, String>) -> Value {
    context! {
        case_id => case.case_id,
        number => case_number(case.case_id),
        title => case.title,
        category => format!("case-category-{}", case.category),
        status => case.status.label_id(),
        open => !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed),
        waiting => matches!(case.status, CaseStatus::WaitingRequester | CaseStatus::WaitingBureau),
        // The badge's colour: done, waiting, or being worked.
        badge => match case.status {
            CaseStatus::Resolved | CaseStatus::Closed => "verified",
            CaseStatus::WaitingRequester | CaseStatus::WaitingBureau => "returned",
            _ => "submitted",
        },
        team => teams.get(&case.team_id).cloned().unwrap_or_default(),
        opened => beijing_minute(case.opened_at),
        updated => beijing_minute(case.updated_at),
        rating => case.rating,
    }
}

/// The number people quote for a case.
pub(crate) fn case_number(case_id: i64) -> String {
    format!("FW{case_id:06}")
}

async fn team_names(state: &AppState, locale: Locale) -> Result<HashMap<i64, String>, AppError> {
    Ok(state
        .store()
        .service_teams()
        .await?
        .into_iter()
        .map(|t| (t.team_id, t.name_in(locale).to_owned()))
        .collect())
}

fn is_requester_role(ctx: &Ctx) -> bool {
    ctx.account
        .as_ref()
        .is_some_and(|a| a.roles.contains(Role::Talent) || a.roles.contains(Role::Enterprise))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DoneQuery {
    pub done: String,
}

/// The feedback line a page shows after an action (`?done=`), as a Fluent id.
fn done_message(done: &str) -> Option<String> {
    const KNOWN: &[&str] = &[
        "opened",
        "accept",
        "start",
        "wait_requester",
        "wait_bureau",
        "resume",
        "resolve",
        "close",
        "reopen",
        "reply",
        "note",
        "rated",
        "transferred",
        "targets",
        "item",
        "item_done",
        "saved",
        "paired",
        "calendar",
        "defaults",
        "defaults_none",
    ];
    KNOWN.contains(&done).then(|| format!("case-done-{done}"))
}

// ------------------------------------------------------------------ requesters

/// `/cases`: the caller's own cases.
pub(crate) async fn my_cases(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let teams = team_names(&state, ctx.locale).await?;
    let cases = state
        .store()
        .cases(&CaseFilter {
            requester_account_id: Some(caller.account_id),
            limit: 200,
            ..Default::default()
        })
        .await?;
    page(
        &state,
        &ctx,
        "cases.html",
        context! {
            cases => cases.iter().map(|c| case_value(c, &teams)).collect::<Vec<_>>(),
            may_raise => is_requester_role(&ctx),
            done => done_message(&q.done),
        },
    )
}

/// `/cases/new`.
pub(crate) async fn new_case(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    render_new(
        &state,
        &ctx,
        StatusCode::OK,
        &CaseForm::default(),
        None,
        Vec::new(),
    )
    .await
}

async fn render_new(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: &CaseForm,
    errors: Option<&FieldErrors>,
    duplicates: Vec<Value>,
) -> Result<Response, AppError> {
    let categories = state.store().service_categories().await?;
    page_with_status(
        state,
        ctx,
        status,
        "case_new.html",
        context! {
            categories => categories.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
            form => Value::from_serialize(form),
            errors => errors.map(errors_value),
            duplicates => duplicates,
            may_raise => is_requester_role(ctx),
        },
    )
}

/// What a form that may carry files gave.
enum FormRead<T> {
    Read(T, Vec<Upload>),
    /// The body was too large to read: the form's text is lost with it, so the page is
    /// shown again with this error on the files field.
    TooLarge(FieldErrors),
}

async fn read_with_files<T: serde::de::DeserializeOwned>(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<FormRead<T>, AppError> {
    match super::uploads::form_with_files::<T>(ctx, request, state).await {
        Ok((form, uploads)) => Ok(FormRead::Read(form, uploads)),
        Err(AppError::Invalid(errors)) if errors.for_field("file").is_some() => Ok(
            FormRead::TooLarge(FieldError::new(case_attachments::FIELD, "file-too-large").into()),
        ),
        Err(other) => Err(other),
    }
}

fn files_in(state: &AppState, uploads: Vec<Upload>) -> Files<'_> {
    Files {
        dir: std::path::Path::new(&state.settings().documents_dir),
        uploads,
    }
}

/// `POST /cases` (a form, or a multipart form with files).
pub(crate) async fn raise(
    State(state): State<AppState>,
    ctx: Ctx,
    request: Request,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (form, uploads) = match read_with_files::<CaseForm>(&state, &ctx, request).await? {
        FormRead::Read(form, uploads) => (form, uploads),
        FormRead::TooLarge(errors) => {
            return render_new(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &CaseForm::default(),
                Some(&errors),
                Vec::new(),
            )
            .await;
        }
    };
    if !is_requester_role(&ctx) {
        let errors: FieldErrors = FieldError::new("category", "case-requester-only").into();
        return render_new(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            Some(&errors),
            Vec::new(),
        )
        .await;
    }
    match service_desk::raise_case_with_files(
        state.store(),
        &caller,
        &(&form).into(),
        files_in(&state, uploads),
        yingcai_store::now_ms(),
    )
    .await
    {
        Ok(Raised::Opened { case_id, .. }) => {
            Ok(Redirect::to(&format!("/cases/{case_id}?done=opened")).into_response())
        }
        Ok(Raised::PossibleDuplicates { cases }) => {
            let duplicates = cases
                .iter()
                .map(|d| context! { case_id => d.case_id, number => case_number(d.case_id), title => d.title })
                .collect();
            render_new(&state, &ctx, StatusCode::OK, &form, None, duplicates).await
        }
        Err(error) => match AppError::from(error) {
            AppError::Invalid(errors) => {
                render_new(
                    &state,
                    &ctx,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    Some(&errors),
                    Vec::new(),
                )
                .await
            }
            other => Err(other),
        },
    }
}

// ------------------------------------------------------------------ one case

/// `/cases/{id}`: the requester's or the team's view of a case.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    render_case(
        &state,
        &ctx,
        id,
        StatusCode::OK,
        None,
        done_message(&q.done),
    )
    .await
}

async fn render_case(
    state: &AppState,
    ctx: &Ctx,
    case_id: i64,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let caller = caller(ctx)?;
    let store = state.store();
    let (case, standing) = service_desk::case_for(store, &caller, case_id).await?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let now = yingcai_store::now_ms();
    let clocks = service_desk::clocks_of(store, &calendar, &rules, &case, now).await?;
    let team_view = standing != Standing::Requester;
    let events = store.case_events(case_id, team_view).await?;
    let files = case_attachments::list(store, standing, case_id).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for id in events
        .iter()
        .filter_map(|e| e.actor_account_id)
        .chain([case.requester_account_id])
    {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id)
            && let Ok(account) = store.account(id).await
        {
            slot.insert(account.display_name);
        }
    }
    let teams = store.service_teams().await?;
    let team_names: HashMap<i64, String> = teams
        .iter()
        .map(|t| (t.team_id, t.name_in(ctx.locale).to_owned()))
        .collect();
    let team = teams.iter().find(|t| t.team_id == case.team_id);
    let mut members: Vec<Value> = Vec::new();
    if let Some(team) = team {
        for id in team.members.iter().chain(team.leader_account_id.iter()) {
            if let Ok(account) = store.account(*id).await
                && !members
                    .iter()
                    .any(|m| m.get_attr("id").ok().and_then(|v| v.as_i64()) == Some(*id))
            {
                members.push(context! { id => id, name => account.display_name });
            }
        }
    }
    let checklist = if team_view {
        store.case_checklist(case_id).await?
    } else {
        Vec::new()
    };
    let actions = service_desk::actions_for(&case, standing, &rules);
    let enterprise = match case.enterprise_id {
        Some(id) => store.enterprise(id).await.ok().map(|e| e.profile.name),
        None => None,
    };
    page_with_status(
        state,
        ctx,
        status,
        "case.html",
        context! {
            case => case_value(&case, &team_names),
            description => case.description,
            requester => names.get(&case.requester_account_id).cloned().unwrap_or_default(),
            enterprise => enterprise,
            team_view => team_view,
            team_officer => standing == Standing::TeamOfficer,
            requester_view => standing == Standing::Requester,
            clocks => clocks_value(&clocks),
            response_target => duration(case.response_target),
            resolution_target => duration(case.resolution_target),
            response_hours => format!("{}", case.response_target as f64 / 60.0),
            resolution_hours => format!("{}", case.resolution_target as f64 / 60.0),
            reopen_count => case.reopen_count,
            events => events.iter().map(|e| context! {
                at => beijing_minute(e.at),
                who => e.actor_account_id.and_then(|id| names.get(&id).cloned()),
                from_requester => e.actor_account_id == Some(case.requester_account_id),
                kind => format!("case-event-{}", e.kind.as_str()),
                internal => !e.visible_to_requester,
                body => e.body,
                status => (e.kind == yingcai_store::EventKind::Status)
                    .then(|| e.body.parse::<CaseStatus>().ok().map(|s| s.label_id())).flatten(),
                team => e.team_id.and_then(|t| team_names.get(&t).cloned()),
                files => files.iter().filter(|f| f.event_id == e.event_id).map(|f| context! {
                    name => f.file_name,
                    size => file_size(f.size_bytes),
                    id => f.attachment_id,
                }).collect::<Vec<_>>(),
            }).collect::<Vec<_>>(),
            file_count => files.len(),
            files_left => (case_attachments::MAX_PER_CASE - store.case_attachment_count(case_id).await?).max(0),
            actions => actions.iter().map(|a| service_desk::action_name(*a)).collect::<Vec<_>>(),
            checklist => checklist.iter().map(|i| context! {
                item_id => i.item_id, text => i.text, due => i.due_date.map(|d| d.to_string()),
                owner => i.owner_account_id.and_then(|id| members.iter().find(|m| m.get_attr("id").ok().and_then(|v| v.as_i64()) == Some(id)).and_then(|m| m.get_attr("name").ok())),
                done => i.done_at.map(beijing_minute),
            }).collect::<Vec<_>>(),
            members => members,
            other_teams => teams.iter().filter(|t| t.team_id != case.team_id).map(|t| context! { id => t.team_id, name => t.name_in(ctx.locale) }).collect::<Vec<_>>(),
            may_rate => standing == Standing::Requester && case.rating.is_none() && matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed),
            rating => case.rating,
            rating_comment => case.rating_comment,
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

/// Re-shows the case with the refusal, or passes the failure on.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    case_id: i64,
    error: yingcai_services::Error,
) -> Result<Response, AppError> {
    match AppError::from(error) {
        AppError::Invalid(errors) => {
            render_case(
                state,
                ctx,
                case_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&errors),
                None,
            )
            .await
        }
        other => Err(other),
    }
}

fn back(case_id: i64, done: &str) -> Response {
    Redirect::to(&format!("/cases/{case_id}?done={done}")).into_response()
}

/// `POST /cases/{id}/act` (a form, or a multipart form with files).
pub(crate) async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    request: Request,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (form, uploads) = match read_with_files::<CaseActionForm>(&state, &ctx, request).await? {
        FormRead::Read(form, uploads) => (form, uploads),
        FormRead::TooLarge(errors) => {
            service_desk::case_for(state.store(), &caller, id).await?;
            return refused(&state, &ctx, id, yingcai_services::Error::Invalid(errors)).await;
        }
    };
    let Some(action) = service_desk::parse_action(form.action.trim()) else {
        service_desk::case_for(state.store(), &caller, id).await?;
        return refused(
            &state,
            &ctx,
            id,
            yingcai_services::Error::field("action", "case-action-not-allowed"),
        )
        .await;
    };
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(state.store(), &rules.hours).await?;
    match service_desk::act_with_files(
        state.store(),
        &calendar,
        &rules,
        &caller,
        id,
        action,
        &form.message,
        files_in(&state, uploads),
        yingcai_store::now_ms(),
    )
    .await
    {
        Ok(_) => Ok(back(id, service_desk::action_name(action))),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

/// `POST /cases/{id}/rate`.
pub(crate) async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<RatingForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    match service_desk::rate(state.store(), &caller, id, &form.rating, &form.comment).await {
        Ok(()) => Ok(back(id, "rated")),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

/// `POST /cases/{id}/transfer`.
pub(crate) async fn transfer(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<TransferForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let Ok(team) = form.team.trim().parse::<i64>() else {
        service_desk::case_for(state.store(), &caller, id).await?;
        return refused(
            &state,
            &ctx,
            id,
            yingcai_services::Error::field("team", "team-unknown"),
        )
        .await;
    };
    match service_desk::transfer(state.store(), &caller, id, team, &form.reason).await {
        Ok(()) => Ok(back(id, "transferred")),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

/// Hours as typed (`7`, `1.5`) in whole minutes.
fn hours_to_minutes(raw: &str) -> Option<i64> {
    super::parse_centi(raw).map(|centi| centi * 60 / 100)
}

/// `POST /cases/{id}/targets`.
pub(crate) async fn targets(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<TargetsForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let response = hours_to_minutes(&form.response_hours).unwrap_or(0);
    let resolution = hours_to_minutes(&form.resolution_hours).unwrap_or(0);
    match service_desk::change_targets(
        state.store(),
        &caller,
        id,
        response,
        resolution,
        &form.reason,
    )
    .await
    {
        Ok(()) => Ok(back(id, "targets")),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

/// `POST /cases/{id}/items`: a new checklist item.
pub(crate) async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ChecklistForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let mut errors = FieldErrors::default();
    let owner = match form.owner.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(owner) => Some(owner),
            Err(_) => {
                errors.push(FieldError::new("owner", "case-owner-not-member"));
                None
            }
        },
    };
    let due = match form.due_date.trim() {
        "" => None,
        raw => match raw.parse::<yingcai_domain::Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new("due_date", "date-invalid"));
                None
            }
        },
    };
    if !errors.is_empty() {
        service_desk::case_for(state.store(), &caller, id).await?;
        return refused(&state, &ctx, id, yingcai_services::Error::Invalid(errors)).await;
    }
    match service_desk::add_item(state.store(), &caller, id, &form.text, owner, due).await {
        Ok(_) => Ok(back(id, "item")),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

/// `POST /cases/{id}/items/done`.
pub(crate) async fn item_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<ChecklistForm>,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let item = form.item.trim().parse::<i64>().unwrap_or(0);
    match service_desk::complete_item(state.store(), &caller, id, item).await {
        Ok(()) => Ok(back(id, "item_done")),
        Err(error) => refused(&state, &ctx, id, error).await,
    }
}

// ------------------------------------------------------------------ officers

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LedgerQuery {
    pub status: String,
    pub q: String,
    pub before: String,
    /// `paired` after a pairing, with the team it went to (`to`).
    pub done: String,
    pub to: String,
}

/// `/officer/cases`: the teams the officer is in (and every other team, read-only), each
/// with its open cases by status.
pub(crate) async fn teams_page(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let account = ctx.require(Role::Officer)?;
    let store = state.store();
    let mine = store.teams_of_officer(account.account_id).await?;
    let mut rows = Vec::new();
    for team in store.service_teams().await? {
        let counts = store.team_case_counts(team.team_id).await?;
        let count = |s: CaseStatus| counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
        rows.push(context! {
            team_id => team.team_id,
            name => team.name_in(ctx.locale),
            unstaffed => team.unstaffed(),
            mine => mine.contains(&team.team_id),
            industries => team.industries.iter().map(|i| format!("industry-{i}")).collect::<Vec<_>>(),
            new => count(CaseStatus::New),
            working => count(CaseStatus::Accepted) + count(CaseStatus::InProgress),
            waiting => count(CaseStatus::WaitingRequester) + count(CaseStatus::WaitingBureau),
            resolved => count(CaseStatus::Resolved) + count(CaseStatus::Closed),
        });
    }
    page(
        &state,
        &ctx,
        "officer_teams.html",
        context! { teams => rows },
    )
}

/// `/officer/teams/{id}`: a team's ledger, newest first, with each open case's clocks, and
/// the enterprises it serves with a form to pair each with another team.
pub(crate) async fn ledger(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let done = match q.done.as_str() {
        "paired" => {
            let to = q.to.trim().parse::<i64>().ok();
            let team = match to {
                Some(to) => state.store().service_team(to).await.ok(),
                None => None,
            };
            team.map(|t| {
                crate::i18n::translate(
                    ctx.locale,
                    "pairing-done",
                    &[("team", t.name_in(ctx.locale).to_owned())],
                )
            })
        }
        _ => None,
    };
    render_ledger(&state, &ctx, id, &q, StatusCode::OK, None, done).await
}

/// The ledger page; `refused`: the pairing form that was refused, with why.
async fn render_ledger(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    q: &LedgerQuery,
    http_status: StatusCode,
    refused: Option<(i64, &FieldErrors)>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let store = state.store();
    let team = store.service_team(id).await?;
    let status: Option<CaseStatus> = q.status.trim().parse().ok();
    let filter = CaseFilter {
        team_id: Some(id),
        statuses: status.into_iter().collect(),
        text: Some(q.q.clone()),
        before_id: q.before.trim().parse().ok(),
        limit: 50,
        ..Default::default()
    };
    let cases = store.cases(&filter).await?;
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let now = yingcai_store::now_ms();
    let names: HashMap<i64, String> = [(team.team_id, team.name_in(ctx.locale).to_owned())].into();
    let mut rows = Vec::new();
    for case in &cases {
        let clocks = service_desk::clocks_of(store, &calendar, &rules, case, now).await?;
        rows.push(
            context! { ..case_value(case, &names), ..context! { clocks => clocks_value(&clocks) } },
        );
    }
    let (enterprises, enterprise_count) = store.team_enterprises(id, ENTERPRISES_SHOWN).await?;
    let other_teams: Vec<Value> = store
        .service_teams()
        .await?
        .iter()
        .filter(|t| t.team_id != id)
        .map(|t| context! { id => t.team_id, name => t.name_in(ctx.locale) })
        .collect();
    page_with_status(
        state,
        ctx,
        http_status,
        "officer_ledger.html",
        context! {
            team => team_value(&team, ctx.locale),
            cases => rows,
            statuses => CaseStatus::ALL.iter().map(|s| context! { value => s.as_str(), label => s.label_id(), selected => Some(*s) == status }).collect::<Vec<_>>(),
            q => q.q,
            next_before => (cases.len() as i64 == filter.limit).then(|| cases.last().map(|c| c.case_id)).flatten(),
            status_value => status.map(|s| s.as_str()),
            enterprises => enterprises.iter().map(|e| context! {
                enterprise_id => e.enterprise_id,
                name => e.name,
                industry => format!("industry-{}", e.industry),
                district => e.district,
                by_officer => e.paired_by.is_some(),
                paired_at => beijing_minute(e.paired_at),
                error => refused.filter(|(at, _)| *at == e.enterprise_id).and_then(|(_, errors)| errors.iter().next().map(|f| f.code)),
            }).collect::<Vec<_>>(),
            enterprise_count => enterprise_count,
            enterprises_more => enterprise_count > enterprises.len() as i64,
            other_teams => other_teams,
            errors => refused.map(|(_, errors)| errors_value(errors)),
            done => done,
        },
    )
}

/// How many of a team's enterprises its page lists (the count says how many it serves).
const ENTERPRISES_SHOWN: i64 = 200;

fn team_value(team: &TeamRecord, locale: Locale) -> Value {
    context! {
        team_id => team.team_id,
        name => team.name_in(locale),
        industries => team.industries.iter().map(|i| format!("industry-{i}")).collect::<Vec<_>>(),
        districts => team.districts,
        member_count => team.members.len(),
        has_leader => team.leader_account_id.is_some(),
        unstaffed => team.unstaffed(),
    }
}

/// `POST /officer/enterprises/{id}/team`: an officer pairs an enterprise with a team, from
/// the page of the team that served it (`from`), which shows the outcome.
pub(crate) async fn pair(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    CsrfForm(form): CsrfForm<PairingForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let store = state.store();
    let current = store.team_of_enterprise(id).await?;
    let from = match form.from.trim().parse::<i64>().ok() {
        Some(from) if store.service_team(from).await.is_ok() => Some(from),
        _ => current,
    };
    let team = form.team.trim().parse::<i64>().unwrap_or(0);
    match service_desk::repair(store, id, team, &ctx.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/officer/teams/{}?done=paired&to={team}#enterprises",
            from.unwrap_or(team)
        ))
        .into_response()),
        Err(error) => match (AppError::from(error), from) {
            (AppError::Invalid(errors), Some(from)) => {
                render_ledger(
                    &state,
                    &ctx,
                    from,
                    &LedgerQuery::default(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some((id, &errors)),
                    None,
                )
                .await
            }
            (other, _) => Err(other),
        },
    }
}

// ------------------------------------------------------------------ administrators

/// `/admin/teams`: the teams, the category targets and which team serves which enterprise.
pub(crate) async fn admin_teams(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    render_admin_teams(&state, &ctx, StatusCode::OK, None, done_message(&q.done)).await
}

async fn render_admin_teams(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let store = state.store();
    let teams = store.service_teams().await?;
    let pairings = store.service_pairings().await?;
    let categories = store.service_categories().await?;
    let mut rows = Vec::new();
    for t in &teams {
        let leader = match t.leader_account_id {
            Some(id) => store.account(id).await.ok().map(|a| a.display_name),
            None => None,
        };
        rows.push(context! {
            ..team_value(t, ctx.locale),
            ..context! {
                leader => leader,
                enterprises => pairings.iter().filter(|(_, team, _)| *team == t.team_id).count(),
            }
        });
    }
    let unserved: Vec<String> = state
        .settings()
        .industries
        .iter()
        .filter(|i| !teams.iter().any(|t| t.industries.contains(i)))
        .map(|i| format!("industry-{i}"))
        .collect();
    page_with_status(
        state,
        ctx,
        status,
        "admin_teams.html",
        context! {
            unstaffed => teams.iter().filter(|t| t.unstaffed()).count(),
            unserved => unserved,
            teams => rows,
            categories => categories.iter().map(|c| context! {
                code => c.code, label => format!("case-category-{}", c.code),
                response_hours => format!("{}", c.response_minutes as f64 / 60.0),
                resolution_hours => format!("{}", c.resolution_minutes as f64 / 60.0),
            }).collect::<Vec<_>>(),
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

/// `POST /admin/teams/defaults`: a team from the industry catalogue for every industry no
/// team serves (an industry added to the catalogue, or teams an administrator changed).
pub(crate) async fn default_teams(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let created =
        crate::default_teams::create_missing_teams(state.store(), state.settings(), &ctx.actor())
            .await?;
    let done = if created.is_empty() {
        "defaults_none"
    } else {
        "defaults"
    };
    Ok(Redirect::to(&format!("/admin/teams?done={done}")).into_response())
}

/// `/admin/teams/new` and `/admin/teams/{id}`: the team form.
async fn team_form(
    State(state): State<AppState>,
    ctx: Ctx,
    id: Option<Id>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let form = match id {
        Some(Id(id)) => {
            let team = state.store().service_team(id).await?;
            TeamForm {
                name: team.name,
                leader: team
                    .leader_account_id
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                industries: team.industries,
                districts: team.districts,
                members: team.members.iter().map(i64::to_string).collect(),
            }
        }
        None => TeamForm::default(),
    };
    render_team_form(&state, &ctx, StatusCode::OK, id.map(|Id(i)| i), &form, None).await
}

async fn render_team_form(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    team_id: Option<i64>,
    form: &TeamForm,
    errors: Option<&FieldErrors>,
) -> Result<Response, AppError> {
    let officers = state
        .store()
        .list_accounts(&yingcai_store::AccountFilter {
            role: Some(Role::Officer),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let settings = state.settings();
    page_with_status(
        state,
        ctx,
        status,
        "admin_team.html",
        context! {
            team_id => team_id,
            form => Value::from_serialize(form),
            officers => officers.iter().map(|a| context! { id => a.account_id.to_string(), name => a.display_name, email => a.email }).collect::<Vec<_>>(),
            industries => settings.industries,
            districts => settings.districts,
            errors => errors.map(errors_value),
        },
    )
}

/// `POST /admin/teams` and `POST /admin/teams/{id}`.
async fn save_team(
    State(state): State<AppState>,
    ctx: Ctx,
    id: Option<Id>,
    CsrfForm(form): CsrfForm<TeamForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let team_id = id.map(|Id(i)| i);
    if let Some(id) = team_id {
        state.store().service_team(id).await?;
    }
    let parse_id = |raw: &str| raw.trim().parse::<i64>().ok();
    let mut errors = FieldErrors::default();
    let leader = match form.leader.trim() {
        "" => None,
        raw => parse_id(raw).or_else(|| {
            errors.push(FieldError::new("leader", "team-member-not-officer"));
            None
        }),
    };
    let members: Vec<i64> = form.members.iter().filter_map(|m| parse_id(m)).collect();
    if members.len() != form.members.iter().filter(|m| !m.trim().is_empty()).count() {
        errors.push(FieldError::new("members", "team-member-not-officer"));
    }
    let input = yingcai_store::TeamInput {
        name: form.name.clone(),
        leader_account_id: leader,
        industries: form
            .industries
            .iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect(),
        districts: form
            .districts
            .iter()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .collect(),
        members,
    };
    let settings = state.settings();
    let result = if errors.is_empty() {
        service_desk::save_team(
            state.store(),
            team_id,
            &input,
            &settings.industries,
            &settings.districts,
            &ctx.actor(),
        )
        .await
        .map_err(AppError::from)
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/teams?done=saved").into_response()),
        Err(AppError::Invalid(errors)) => {
            render_team_form(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                team_id,
                &form,
                Some(&errors),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// `POST /admin/service-categories`: a category's targets for cases raised from now on.
pub(crate) async fn category_targets(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CategoryTargetsForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let mut errors = FieldErrors::default();
    let valid = |m: Option<i64>| m.filter(|m| (1..=1_000_000).contains(m));
    let response = valid(hours_to_minutes(&form.response_hours));
    let resolution = valid(hours_to_minutes(&form.resolution_hours));
    if response.is_none() {
        errors.push(FieldError::new("response_hours", "minutes-invalid"));
    }
    if resolution.is_none() {
        errors.push(FieldError::new("resolution_hours", "minutes-invalid"));
    }
    let known = state
        .store()
        .service_categories()
        .await?
        .iter()
        .any(|c| c.code == form.code);
    if !known {
        errors.push(FieldError::new("code", "case-category-invalid"));
    }
    match (response, resolution) {
        (Some(response), Some(resolution)) if errors.is_empty() => {
            state
                .store()
                .set_category_targets(&form.code, response, resolution, &ctx.actor())
                .await?;
            Ok(Redirect::to("/admin/teams?done=saved").into_response())
        }
        _ => {
            render_admin_teams(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&errors),
                None,
            )
            .await
        }
    }
}

/// `/admin/calendar`: the working-time calendar's years and the form to add one.
pub(crate) async fn calendar_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    render_calendar(
        &state,
        &ctx,
        StatusCode::OK,
        &CalendarYearForm::default(),
        None,
        done_message(&q.done),
    )
    .await
}

async fn render_calendar(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: &CalendarYearForm,
    errors: Option<&FieldErrors>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(state.store(), &rules.hours).await?;
    let added: Vec<i64> = state
        .store()
        .calendar_years()
        .await?
        .iter()
        .map(|y| y.year)
        .collect();
    let zh = ctx.locale == yingcai_domain::Locale::ZhCn;
    let years = calendar
        .years()
        .iter()
        .map(|y| {
            context! {
                year => y.year,
                added => added.contains(&i64::from(y.year)),
                holidays => y.holidays.iter().map(|h| context! {
                    name => if zh { h.name_zh.clone() } else { h.name_en.clone() },
                    from => h.first.to_string(), to => h.last.to_string(),
                    makeup => h.makeup.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect::<Vec<_>>();
    let last = calendar.years().last().map(|y| y.year);
    page_with_status(
        state,
        ctx,
        status,
        "admin_calendar.html",
        context! {
            years => years,
            next_year => last.map(|y| y + 1),
            hours => rules.hours.periods().iter().map(|p| format!("{:02}:{:02}–{:02}:{:02}", p.start() / 60, p.start() % 60, p.end() / 60, p.end() % 60)).collect::<Vec<_>>(),
            example => yingcai_worktime::WorkCalendar::builtin_toml().split("[[year]]").nth(2).map(|y| format!("[[year]]{y}")),
            form => Value::from_serialize(form),
            errors => errors.map(errors_value),
            done => done,
        },
    )
}

/// `POST /admin/calendar`.
pub(crate) async fn add_calendar_year(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<CalendarYearForm>,
) -> Result<Response, AppError> {
    ctx.require(Role::Admin)?;
    let rules = state.settings().desk_rules();
    match yingcai_services::work_calendar::add_calendar_year(
        state.store(),
        &rules.hours,
        &form.data,
        &ctx.actor(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/calendar?done=calendar").into_response()),
        Err(error) => match AppError::from(error) {
            AppError::Invalid(errors) => {
                render_calendar(
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

async fn new_team(state: State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    team_form(state, ctx, None).await
}

async fn edit_team(state: State<AppState>, ctx: Ctx, id: Id) -> Result<Response, AppError> {
    team_form(state, ctx, Some(id)).await
}

async fn create_team(
    state: State<AppState>,
    ctx: Ctx,
    form: CsrfForm<TeamForm>,
) -> Result<Response, AppError> {
    save_team(state, ctx, None, form).await
}

async fn update_team(
    state: State<AppState>,
    ctx: Ctx,
    id: Id,
    form: CsrfForm<TeamForm>,
) -> Result<Response, AppError> {
    save_team(state, ctx, Some(id), form).await
}

/// A file's size for people (`850 KB`, `2.4 MB`).
fn file_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// A case file's place in the path (`/cases/{id}/attachments/{attachment}`): anything but
/// two positive numbers is a 404 (no such file can exist).
pub(crate) struct AttachmentPath {
    case_id: i64,
    attachment_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for AttachmentPath {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<AttachmentPath, AppError> {
        let axum::extract::Path((case, attachment)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        let number = |raw: &str| raw.parse::<i64>().ok().filter(|id| *id > 0);
        match (number(&case), number(&attachment)) {
            (Some(case_id), Some(attachment_id)) => Ok(AttachmentPath {
                case_id,
                attachment_id,
            }),
            _ => Err(AppError::NotFound),
        }
    }
}

/// `GET /cases/{id}/attachments/{attachment}`: a case's file, saved rather than shown, for
/// whoever may see the case and the entry the file came with; for anyone else it does not
/// exist.
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    path: AttachmentPath,
) -> Result<Response, AppError> {
    let caller = caller(&ctx)?;
    let (file, bytes) = case_attachments::download(
        state.store(),
        std::path::Path::new(&state.settings().documents_dir),
        &caller,
        path.case_id,
        path.attachment_id,
    )
    .await?;
    Ok(super::uploads::file_response(
        bytes,
        &file.media_type,
        &file.file_name,
        true,
    ))
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get, post};
    vec![
        get("/cases", Access::SignedIn, my_cases),
        get("/cases/new", Access::SignedIn, new_case),
        post("/cases", Access::SignedIn, raise).body_limit(crate::documents::MAX_BODY),
        get("/cases/{id}", Access::OfficerOrOwner, show),
        post("/cases/{id}/act", Access::OfficerOrOwner, act).body_limit(crate::documents::MAX_BODY),
        get(
            "/cases/{id}/attachments/{attachment}",
            Access::OfficerOrOwner,
            download,
        ),
        post("/cases/{id}/rate", Access::OfficerOrOwner, rate),
        post("/cases/{id}/transfer", Access::OfficerOrOwner, transfer),
        post("/cases/{id}/targets", Access::OfficerOrOwner, targets),
        post("/cases/{id}/items", Access::OfficerOrOwner, add_item),
        post("/cases/{id}/items/done", Access::OfficerOrOwner, item_done),
        get("/officer/cases", Access::Role(Role::Officer), teams_page),
        get("/officer/teams/{id}", Access::Role(Role::Officer), ledger),
        post(
            "/officer/enterprises/{id}/team",
            Access::Role(Role::Officer),
            pair,
        ),
        get("/admin/teams", Access::Role(Role::Admin), admin_teams),
        get("/admin/teams/new", Access::Role(Role::Admin), new_team),
        post("/admin/teams", Access::Role(Role::Admin), create_team),
        post(
            "/admin/teams/defaults",
            Access::Role(Role::Admin),
            default_teams,
        ),
        get("/admin/teams/{id}", Access::Role(Role::Admin), edit_team),
        post("/admin/teams/{id}", Access::Role(Role::Admin), update_team),
        post(
            "/admin/service-categories",
            Access::Role(Role::Admin),
            category_targets,
        ),
        get("/admin/calendar", Access::Role(Role::Admin), calendar_page),
        post(
            "/admin/calendar",
            Access::Role(Role::Admin),
            add_calendar_year,
        ),
    ]
}
