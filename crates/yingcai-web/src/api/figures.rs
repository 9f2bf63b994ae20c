//! A service team's published figures over the API: the twin of `/service-teams/{id}`
//! (`pages::figures`), aggregates only.

use axum::Json;
use axum::extract::State;
use yingcai_casedesk::{Backlog, MonthFigures};
use yingcai_services::service_figures;

use crate::context::Id;
use crate::{AppError, AppState};

/// A team's figures for the last twelve months (Beijing calendar months, the current one
/// last) and its open cases by age now. Counts only: no case, requester or enterprise.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TeamFiguresView {
    pub team_id: i64,
    pub name: String,
    /// Industry codes of the registry's catalogue.
    pub industries: Vec<String>,
    /// Twelve entries, oldest first.
    pub months: Vec<MonthFiguresView>,
    pub backlog: BacklogView,
}

/// One month. Response counts are by the month a case was raised; resolution counts,
/// times and ratings by the month of its latest resolution. Shares are percentages, `null`
/// when there is nothing to divide by (which is not 0).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MonthFiguresView {
    /// `YYYY-MM`.
    #[schema(example = "2026-05")]
    pub month: String,
    /// Cases raised in the month.
    pub opened: u32,
    /// Of those, answered so far.
    pub responded: u32,
    /// Of those, answered within the first-response target.
    pub responded_on_time: u32,
    /// `responded_on_time / responded`.
    pub on_time_response_percent: Option<f64>,
    /// Cases whose latest resolution is in the month.
    pub resolved: u32,
    /// Of those, resolved within the resolution target.
    pub resolved_on_time: u32,
    /// `resolved_on_time / resolved`.
    pub on_time_resolution_percent: Option<f64>,
    /// The median working minutes to resolve (of the month's resolutions).
    pub median_resolution_minutes: Option<u64>,
    /// Resolutions of the month that the requester rated (1 to 5).
    pub rated: u32,
    /// `rating sum / rated`.
    pub mean_rating: Option<f64>,
    /// Of the rated, rated 4 or 5.
    pub satisfied: u32,
    /// `satisfied / rated`: an unrated resolution is not counted as satisfied.
    pub satisfaction_percent: Option<f64>,
    /// `rated / resolved`.
    pub rated_percent: Option<f64>,
    /// Cases raised in the month that were reopened at least once.
    pub reopened: u32,
    /// `reopened / opened`.
    pub reopen_rate_percent: Option<f64>,
}

impl From<&MonthFigures> for MonthFiguresView {
    fn from(f: &MonthFigures) -> Self {
        MonthFiguresView {
            month: f.month.to_string(),
            opened: f.opened,
            responded: f.responded,
            responded_on_time: f.responded_on_time,
            on_time_response_percent: f.on_time_response_percent(),
            resolved: f.resolved,
            resolved_on_time: f.resolved_on_time,
            on_time_resolution_percent: f.on_time_resolution_percent(),
            median_resolution_minutes: f.median_resolution_minutes,
            rated: f.rated,
            mean_rating: f.mean_rating(),
            satisfied: f.satisfied,
            satisfaction_percent: f.satisfaction_percent(),
            rated_percent: f.rated_percent(),
            reopened: f.reopened,
            reopen_rate_percent: f.reopen_rate_percent(),
        }
    }
}

/// Cases open now by calendar days since raised (Beijing dates).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BacklogView {
    /// Raised today or yesterday.
    pub under_2_days: u32,
    /// 2 to 4 days.
    pub under_5_days: u32,
    /// 5 to 9 days.
    pub under_10_days: u32,
    /// 10 days or more.
    pub older: u32,
    pub total: u32,
}

impl From<&Backlog> for BacklogView {
    fn from(b: &Backlog) -> Self {
        BacklogView {
            under_2_days: b.under_2_days,
            under_5_days: b.under_5_days,
            under_10_days: b.under_10_days,
            older: b.older,
            total: b.total(),
        }
    }
}

/// A service team's published figures (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/service-teams/{id}/figures", tag = "service-desk",
    params(("id" = i64, Path, description = "Service team id")),
    responses((status = 200, body = TeamFiguresView), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn team(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<TeamFiguresView>, AppError> {
    let team = state.store().service_team(id).await?;
    let figures = service_figures::team_figures(state.store(), Some(id), yingcai_store::now_ms())
        .await?
        .for_public();
    Ok(Json(TeamFiguresView {
        team_id: team.team_id,
        name: team.name,
        industries: team.industries,
        months: figures.months.iter().map(MonthFiguresView::from).collect(),
        backlog: BacklogView::from(&figures.backlog),
    }))
}

/// Every team's published figures and all teams together, as `/service-teams` shows them.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PublicFiguresView {
    /// All teams together, month by month.
    pub months: Vec<MonthFiguresView>,
    pub backlog: BacklogView,
    pub teams: Vec<TeamFiguresView>,
}

/// The service teams' published figures, every team and all together (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/service-figures", tag = "service-desk",
    responses((status = 200, body = PublicFiguresView)))]
pub(crate) async fn overview(
    State(state): State<AppState>,
) -> Result<Json<PublicFiguresView>, AppError> {
    let (everyone, teams) =
        service_figures::public_overview(state.store(), yingcai_store::now_ms()).await?;
    let teams = teams
        .into_iter()
        .map(|(team, figures)| TeamFiguresView {
            team_id: team.team_id,
            name: team.name,
            industries: team.industries,
            months: figures.months.iter().map(MonthFiguresView::from).collect(),
            backlog: BacklogView::from(&figures.backlog),
        })
        .collect();
    Ok(Json(PublicFiguresView {
        months: everyone.months.iter().map(MonthFiguresView::from).collect(),
        backlog: BacklogView::from(&everyone.backlog),
        teams,
    }))
}
