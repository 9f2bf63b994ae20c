//! Industry service teams' case desk: enterprises and talents raise cases, the team that
//! serves them answers, waits, resolves; the requester reopens or rates. Every deadline is
//! counted in working time on the official calendar (`yingcai-worktime`); the life cycle's
//! rules and the clocks are `yingcai-casedesk`'s, this module reads the facts and stores
//! the decisions.

use jiff::Timestamp;
use serde::Serialize;
use yingcai_casedesk::{Action, Actor as Side, Clocks, Timeline};
use yingcai_domain::status::CaseStatus;
use yingcai_domain::{Date, Employer, FieldError, FieldErrors};
use yingcai_store::{
    Actor, CaseFilter, CaseRecord, CaseTransition, DefaultTeam, EventKind, NewCase, Store,
    TeamInput, TeamRecord, now_ms,
};
use yingcai_worktime::{WorkCalendar, WorkingHours};

use crate::Error;
use crate::case_attachments::{self, Files};

/// The case desk's settings.
#[derive(Debug, Clone)]
pub struct DeskRules {
    /// Working hours (e.g. `09:00-12:00`, `13:00-17:00`).
    pub hours: WorkingHours,
    /// Calendar days after a resolution in which the requester may reopen.
    pub reopen_days: u32,
    /// Warn the owner and the leader when this share of a target is spent.
    pub warn_percent: u8,
}

pub use crate::work_calendar::Counted;
pub(crate) use crate::work_calendar::minute;

/// A case's clocks as of `now` (ms), or why the calendar cannot count them.
pub async fn clocks_of(
    store: &Store,
    calendar: &WorkCalendar,
    rules: &DeskRules,
    case: &CaseRecord,
    now: i64,
) -> Result<Counted<Clocks>, Error> {
    let pauses = store.case_pauses(case.case_id).await?;
    let timeline = Timeline {
        opened: minute(case.opened_at)?,
        first_response: case.first_response_at.map(minute).transpose()?,
        resolved: case.resolved_at.map(minute).transpose()?,
        pauses: pauses
            .iter()
            .map(|p| Ok((minute(p.from_at)?, p.until_at.map(minute).transpose()?)))
            .collect::<Result<_, Error>>()?,
        response_target: u64::try_from(case.response_target).unwrap_or(0),
        resolution_target: u64::try_from(case.resolution_target).unwrap_or(0),
    };
    Ok(yingcai_casedesk::read(&timeline, calendar, minute(now)?, rules.warn_percent).into())
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub email: String,
    /// Holds the officer role.
    pub officer: bool,
}

impl Caller {
    fn actor(&self) -> Actor {
        Actor::account(self.account_id, self.email.clone())
    }
}

/// How the caller stands to a case: its requester, an officer of its team, another officer
/// (who may read it: the supervising office), or nobody (it does not exist for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Requester,
    TeamOfficer,
    Supervisor,
}

/// The case if the caller may see it, and how they stand to it.
pub async fn case_for(
    store: &Store,
    caller: &Caller,
    case_id: i64,
) -> Result<(CaseRecord, Standing), Error> {
    let case = store.case(case_id).await?;
    if case.requester_account_id == caller.account_id {
        return Ok((case, Standing::Requester));
    }
    if !caller.officer {
        return Err(Error::NotFound);
    }
    let team = store.service_team(case.team_id).await?;
    let member = team.leader_account_id == Some(caller.account_id)
        || team.members.contains(&caller.account_id);
    Ok((
        case,
        if member {
            Standing::TeamOfficer
        } else {
            Standing::Supervisor
        },
    ))
}

/// A case as its requester writes it, checked.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub category: String,
    pub title: String,
    pub description: String,
    /// The requester saw the possible duplicates and raises it anyway.
    pub despite_duplicates: bool,
}

/// What raising a case did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Raised {
    Opened {
        case_id: i64,
        team_id: i64,
    },
    /// Nothing was written: these open cases of the requester look the same. Raise it
    /// again with `despite_duplicates` to go ahead.
    PossibleDuplicates {
        cases: Vec<Duplicate>,
    },
}

/// An open case that looks like the one being raised.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub case_id: i64,
    pub title: String,
    pub similarity: f64,
}

fn check_text(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    max: usize,
) -> Option<String> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars == 0 {
        errors.push(FieldError::new(field, "required"));
        None
    } else if chars > max {
        errors.push(FieldError::new(field, "too-long"));
        None
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError::new(field, "text-invalid"));
        None
    } else {
        Some(text.to_owned())
    }
}

/// The longest title and message.
pub const TITLE_MAX: usize = 120;
pub const TEXT_MAX: usize = 4000;

/// The team that serves a requester: the enterprise's paired team (pairing it now by
/// industry and district if it is not yet), a talent's employer's team, or else the first
/// team (by name) that serves every district.
async fn team_for(
    store: &Store,
    requester: i64,
    enterprise_id: Option<i64>,
) -> Result<Option<i64>, Error> {
    let mut employer = enterprise_id;
    if employer.is_none()
        && let Some(talent) = store.talent_of_owner(requester).await?
        && let Some(Employer::Enterprise { enterprise_id }) = talent.profile.employer
    {
        employer = Some(enterprise_id);
    }
    if let Some(enterprise_id) = employer {
        if let Some(team) = store.team_of_enterprise(enterprise_id).await? {
            return Ok(Some(team));
        }
        pair_unpaired(store).await?;
        if let Some(team) = store.team_of_enterprise(enterprise_id).await? {
            return Ok(Some(team));
        }
    }
    let teams = store.service_teams().await?;
    Ok(teams
        .iter()
        .find(|t| t.districts.is_empty())
        .or(teams.first())
        .map(|t| t.team_id))
}

/// Pairs every verified enterprise that has no team with the first team (by name) that
/// serves its industry and district. Officers' choices are never replaced. Returns how
/// many were paired.
pub async fn pair_unpaired(store: &Store) -> Result<usize, Error> {
    let teams = store.service_teams().await?;
    let mut paired = 0;
    for (enterprise_id, industry, district) in store.unpaired_enterprises().await? {
        if let Some(team) = teams.iter().find(|t| t.serves(&industry, &district))
            && store
                .pair_enterprise(enterprise_id, team.team_id, false, &Actor::System)
                .await?
        {
            paired += 1;
        }
    }
    Ok(paired)
}

/// Raises a case for the caller (an enterprise's account, or a talent).
pub async fn raise_case(
    store: &Store,
    caller: &Caller,
    input: &CaseInput,
    opened_at: i64,
) -> Result<Raised, Error> {
    raise_case_with_files(store, caller, input, Files::none(), opened_at).await
}

/// [`raise_case`] with files (zero or more) that come with the request. A refusal of any
/// field, and a hint of duplicates, write nothing: no row and no file.
pub async fn raise_case_with_files(
    store: &Store,
    caller: &Caller,
    input: &CaseInput,
    files: Files<'_>,
    opened_at: i64,
) -> Result<Raised, Error> {
    let mut errors = FieldErrors::default();
    let checked = case_attachments::check(files.uploads, 0, &mut errors);
    let categories = store.service_categories().await?;
    let category = categories.iter().find(|c| c.code == input.category.trim());
    if category.is_none() {
        errors.push(FieldError::new("category", "case-category-invalid"));
    }
    let title = check_text(&mut errors, "title", &input.title, TITLE_MAX);
    let description = check_text(&mut errors, "description", &input.description, TEXT_MAX);
    let (Some(category), Some(title), Some(description), true) =
        (category, title, description, errors.is_empty())
    else {
        return Err(Error::Invalid(errors));
    };
    if !input.despite_duplicates {
        let open = store.open_case_texts(caller.account_id).await?;
        let text = format!("{title} {description}");
        let similar = yingcai_casedesk::likely_duplicates(
            &text,
            &open,
            yingcai_casedesk::DUPLICATE_THRESHOLD,
        );
        if !similar.is_empty() {
            let mut cases = Vec::new();
            for (case_id, similarity) in similar.into_iter().take(5) {
                let case = store.case(case_id).await?;
                cases.push(Duplicate {
                    case_id,
                    title: case.title,
                    similarity,
                });
            }
            return Ok(Raised::PossibleDuplicates { cases });
        }
    }
    let enterprise_id = store
        .enterprise_of_owner(caller.account_id)
        .await?
        .filter(|e| e.verified_at.is_some())
        .map(|e| e.enterprise_id);
    let Some(team_id) = team_for(store, caller.account_id, enterprise_id).await? else {
        return Err(Error::field("category", "case-no-team"));
    };
    let attachments = case_attachments::store_files(files.dir, checked).await?;
    let case_id = store
        .open_case_with_files(
            &NewCase {
                team_id,
                requester_account_id: caller.account_id,
                enterprise_id,
                category: &category.code,
                title: &title,
                description: &description,
                response_target: category.response_minutes,
                resolution_target: category.resolution_minutes,
                opened_at,
            },
            &attachments,
            &caller.actor(),
        )
        .await?;
    Ok(Raised::Opened { case_id, team_id })
}

/// Parses an action as pages and the API name it (`wait_requester`, `reply`, …).
pub fn parse_action(text: &str) -> Option<Action> {
    text.parse().ok()
}

/// The name of an action in pages and the API (the inverse of [`parse_action`]).
pub fn action_name(action: Action) -> &'static str {
    action.as_str()
}

/// The actions the caller may take on a case now.
pub fn actions_for(case: &CaseRecord, standing: Standing, rules: &DeskRules) -> Vec<Action> {
    let side = match standing {
        Standing::Requester => Side::Requester,
        Standing::TeamOfficer => Side::Officer,
        Standing::Supervisor => return Vec::new(),
    };
    yingcai_casedesk::allowed_actions(case.status, side)
        .into_iter()
        .filter(|a| *a != Action::Reopen || may_reopen(case, rules, now_ms()))
        .collect()
}

fn may_reopen(case: &CaseRecord, rules: &DeskRules, now: i64) -> bool {
    let (Some(resolved), Ok(now)) = (
        case.resolved_at
            .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
        Timestamp::from_millisecond(now),
    ) else {
        return false;
    };
    yingcai_casedesk::may_reopen(resolved, now, rules.reopen_days)
}

/// Takes `action` on a case, with an optional message (a reply the requester reads, or an
/// internal note for [`Action::Note`]). `seen` is the status the caller's page showed: if
/// the case has moved on, nothing changes.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    store: &Store,
    calendar: &WorkCalendar,
    rules: &DeskRules,
    caller: &Caller,
    case_id: i64,
    action: Action,
    message: &str,
    now: i64,
) -> Result<CaseStatus, Error> {
    act_with_files(
        store,
        calendar,
        rules,
        caller,
        case_id,
        action,
        message,
        Files::none(),
        now,
    )
    .await
}

/// [`act`] with files that come with the message: seen by the requester with a reply (or
/// any other action's message), only by officers with an internal note. Files alone make
/// a reply or a note without text.
#[allow(clippy::too_many_arguments)]
pub async fn act_with_files(
    store: &Store,
    calendar: &WorkCalendar,
    rules: &DeskRules,
    caller: &Caller,
    case_id: i64,
    action: Action,
    message: &str,
    files: Files<'_>,
    now: i64,
) -> Result<CaseStatus, Error> {
    let (case, standing) = case_for(store, caller, case_id).await?;
    let side = match standing {
        Standing::Requester => Side::Requester,
        Standing::TeamOfficer => Side::Officer,
        Standing::Supervisor => return Err(Error::field("action", "case-not-your-team")),
    };
    let mut errors = FieldErrors::default();
    let with_files = !files.uploads.is_empty();
    let checked = if with_files {
        let present = store.case_attachment_count(case_id).await?;
        case_attachments::check(files.uploads, present, &mut errors)
    } else {
        Vec::new()
    };
    let message = match message.trim() {
        "" if with_files => None,
        "" if matches!(action, Action::Reply | Action::Note) => {
            errors.push(FieldError::new("message", "required"));
            None
        }
        "" => None,
        text => check_text(&mut errors, "message", text, TEXT_MAX),
    };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let to = yingcai_casedesk::next_status(case.status, action, side)
        .map_err(|_| Error::field("action", "case-action-not-allowed"))?;
    if action == Action::Reopen && !may_reopen(&case, rules, now) {
        return Err(Error::field("action", "case-reopen-window-passed"));
    }
    let kind = match action {
        Action::Note => EventKind::Note,
        _ => EventKind::Reply,
    };
    // Files without words still make an entry, which they belong to.
    let message = message.or_else(|| with_files.then(String::new));
    // The team's first message the requester can read stops the response clock.
    let first_response = side == Side::Officer
        && case.first_response_at.is_none()
        && message.is_some()
        && kind == EventKind::Reply;
    let clocks = if first_response || to == CaseStatus::Resolved {
        clocks_of(store, calendar, rules, &case, now).await?.known()
    } else {
        None
    };
    let spent = |pick: fn(&Clocks) -> u64| clocks.as_ref().map(|c| pick(c) as i64);
    let attachments = case_attachments::store_files(files.dir, checked).await?;
    store
        .change_case_with_files(
            case_id,
            &CaseTransition {
                from: case.status,
                to,
                at: now,
                message: message.as_deref().map(|m| (kind, m)),
                first_response,
                response_spent: if first_response {
                    spent(|c| c.response.spent)
                } else {
                    None
                },
                resolution_spent: if to == CaseStatus::Resolved {
                    spent(|c| c.resolution.spent)
                } else {
                    None
                },
            },
            &attachments,
            &caller.actor(),
        )
        .await?;
    Ok(to)
}

/// Moves a case to another team (officers of its team only).
pub async fn transfer(
    store: &Store,
    caller: &Caller,
    case_id: i64,
    to_team: i64,
    reason: &str,
) -> Result<(), Error> {
    let (case, standing) = case_for(store, caller, case_id).await?;
    let mut errors = FieldErrors::default();
    if standing != Standing::TeamOfficer {
        errors.push(FieldError::new("team", "case-not-your-team"));
    }
    if case.team_id == to_team {
        errors.push(FieldError::new("team", "case-same-team"));
    }
    if case.status == CaseStatus::Closed {
        errors.push(FieldError::new("team", "case-action-not-allowed"));
    }
    let reason = check_text(&mut errors, "reason", reason, TEXT_MAX);
    match reason {
        Some(reason) if errors.is_empty() => Ok(store
            .transfer_case(case_id, to_team, &reason, &caller.actor())
            .await?),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Changes a case's targets (officers of its team); time already spent stays counted.
pub async fn change_targets(
    store: &Store,
    caller: &Caller,
    case_id: i64,
    response_minutes: i64,
    resolution_minutes: i64,
    reason: &str,
) -> Result<(), Error> {
    let (_, standing) = case_for(store, caller, case_id).await?;
    let mut errors = FieldErrors::default();
    if standing != Standing::TeamOfficer {
        errors.push(FieldError::new("reason", "case-not-your-team"));
    }
    for (field, value) in [
        ("response_minutes", response_minutes),
        ("resolution_minutes", resolution_minutes),
    ] {
        if !(1..=1_000_000).contains(&value) {
            errors.push(FieldError::new(field, "minutes-invalid"));
        }
    }
    let reason = check_text(&mut errors, "reason", reason, TEXT_MAX);
    match reason {
        Some(reason) if errors.is_empty() => Ok(store
            .set_case_targets(
                case_id,
                response_minutes,
                resolution_minutes,
                &reason,
                &caller.actor(),
            )
            .await?),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Adds a checklist item (officers of the case's team).
pub async fn add_item(
    store: &Store,
    caller: &Caller,
    case_id: i64,
    text: &str,
    owner: Option<i64>,
    due: Option<Date>,
) -> Result<i64, Error> {
    let (case, standing) = case_for(store, caller, case_id).await?;
    let mut errors = FieldErrors::default();
    if standing != Standing::TeamOfficer {
        errors.push(FieldError::new("text", "case-not-your-team"));
    }
    let text = check_text(&mut errors, "text", text, 500);
    if let Some(owner) = owner {
        let team = store.service_team(case.team_id).await?;
        if !team.members.contains(&owner) && team.leader_account_id != Some(owner) {
            errors.push(FieldError::new("owner", "case-owner-not-member"));
        }
    }
    match text {
        Some(text) if errors.is_empty() => Ok(store
            .add_checklist_item(case_id, &text, owner, due, &caller.actor())
            .await?),
        _ => Err(Error::Invalid(errors)),
    }
}

/// Marks a checklist item done.
pub async fn complete_item(
    store: &Store,
    caller: &Caller,
    case_id: i64,
    item_id: i64,
) -> Result<(), Error> {
    let (_, standing) = case_for(store, caller, case_id).await?;
    if standing != Standing::TeamOfficer {
        return Err(Error::field("item", "case-not-your-team"));
    }
    Ok(store
        .complete_checklist_item(case_id, item_id, &caller.actor())
        .await?)
}

/// The requester rates a resolved case 1–5.
pub async fn rate(
    store: &Store,
    caller: &Caller,
    case_id: i64,
    rating: &str,
    comment: &str,
) -> Result<(), Error> {
    let (case, standing) = case_for(store, caller, case_id).await?;
    let mut errors = FieldErrors::default();
    if standing != Standing::Requester {
        errors.push(FieldError::new("rating", "case-not-yours"));
    }
    if !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
        errors.push(FieldError::new("rating", "case-not-resolved"));
    }
    let rating = match rating.trim().parse::<u8>() {
        Ok(r @ 1..=5) => Some(r),
        _ => {
            errors.push(FieldError::new("rating", "rating-invalid"));
            None
        }
    };
    let comment = comment.trim();
    if comment.chars().count() > TEXT_MAX {
        errors.push(FieldError::new("comment", "too-long"));
    }
    match rating {
        Some(rating) if errors.is_empty() => Ok(store
            .rate_case(case_id, rating, comment, &caller.actor())
            .await?),
        _ => Err(Error::Invalid(errors)),
    }
}

/// A team as an administrator writes it, checked against the catalogues and accounts.
pub async fn save_team(
    store: &Store,
    team_id: Option<i64>,
    input: &TeamInput,
    industries: &[String],
    districts: &[String],
    actor: &Actor,
) -> Result<i64, Error> {
    let mut errors = FieldErrors::default();
    let name = check_text(&mut errors, "name", &input.name, 100);
    if input.industries.is_empty() {
        errors.push(FieldError::new("industries", "required"));
    }
    if input.industries.iter().any(|i| !industries.contains(i)) {
        errors.push(FieldError::new("industries", "industry-invalid"));
    }
    if input.districts.iter().any(|d| !districts.contains(d)) {
        errors.push(FieldError::new("districts", "district-invalid"));
    }
    let mut people: Vec<i64> = input.members.clone();
    people.extend(input.leader_account_id);
    for account_id in people {
        let officer = store
            .account(account_id)
            .await
            .ok()
            .is_some_and(|a| a.roles.contains(yingcai_domain::Role::Officer));
        if !officer {
            errors.push(FieldError::new("members", "team-member-not-officer"));
            break;
        }
    }
    if let Some(name) = name.filter(|_| errors.is_empty()) {
        let clash = store
            .service_teams()
            .await?
            .into_iter()
            .any(|t| t.name == name && Some(t.team_id) != team_id);
        if clash {
            return Err(Error::field("name", "team-name-taken"));
        }
        let team = TeamInput {
            name,
            ..input.clone()
        };
        let id = store.save_service_team(team_id, &team, actor).await?;
        pair_unpaired(store).await?;
        return Ok(id);
    }
    Err(Error::Invalid(errors))
}

/// Creates a team for each industry of the catalogue (`teams`, named by the caller from the
/// catalogue's labels), serving every district, with no leader or members yet; then pairs
/// the enterprises. `only_when_none`: at a server's start, only on a site with no team at
/// all (a fresh install; the demo brings its own). Otherwise (an administrator's action):
/// for the industries no team serves. Audited as `actor`. Returns the new teams' ids.
pub async fn create_default_teams(
    store: &Store,
    teams: &[DefaultTeam],
    only_when_none: bool,
    actor: &Actor,
) -> Result<Vec<i64>, Error> {
    let created = store
        .create_default_teams(teams, only_when_none, actor)
        .await?;
    if !created.is_empty() {
        pair_unpaired(store).await?;
    }
    Ok(created)
}

/// An officer pairs an enterprise with another team (audited; kept by automatic pairing).
pub async fn repair(
    store: &Store,
    enterprise_id: i64,
    team_id: i64,
    actor: &Actor,
) -> Result<(), Error> {
    store.enterprise(enterprise_id).await?;
    store
        .pair_enterprise(enterprise_id, team_id, true, actor)
        .await?;
    Ok(())
}

/// The cases a caller may list: their own, or (officers) a team's ledger.
pub async fn list(store: &Store, filter: &CaseFilter) -> Result<Vec<CaseRecord>, Error> {
    Ok(store.cases(filter).await?)
}

/// The teams, for pages that name them.
pub async fn teams(store: &Store) -> Result<Vec<TeamRecord>, Error> {
    Ok(store.service_teams().await?)
}
