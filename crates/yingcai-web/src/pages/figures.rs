//! Service teams' figures: month by month over the last twelve months, the first answers
//! and solutions within their targets, the working time to solve, the requesters'
//! satisfaction, reopened requests and the open ones by age — for officers (with an XLSX
//! download) and, anonymised, for everyone (`/service-teams`): only counts and shares,
//! never a case, a requester or an enterprise.
//!
//! A share with nothing to divide by is shown as "—", never as 0%.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use yingcai_casedesk::{Backlog, MonthFigures};
use yingcai_domain::{Locale, Month, Role};
use yingcai_services::service_figures::{self, TeamFigures};
use yingcai_store::TeamRecord;

use super::cases::duration;
use crate::context::Id;
use crate::i18n::translate;
use crate::render::page;
use crate::{AppError, AppState, Ctx};

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month as people write it: `2026年5月`, `May 2026`.
pub(crate) fn month_label(month: Month, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!("{}年{}月", month.year(), month.month()),
        Locale::En => format!(
            "{} {}",
            EN_MONTHS[usize::from(month.month().unsigned_abs()).saturating_sub(1) % 12],
            month.year()
        ),
    }
}

/// A month on a chart's axis, where the twelve months never repeat: `5月`, `May`.
fn month_short(month: Month, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!("{}月", month.month()),
        Locale::En => EN_MONTHS[usize::from(month.month().unsigned_abs()).saturating_sub(1) % 12]
            .chars()
            .take(3)
            .collect(),
    }
}

/// A share for people: `66.7%`, `100%`; `None` (shown as "—") when there is nothing to
/// divide by.
pub(crate) fn percent(share: Option<f64>) -> Option<String> {
    share.map(|p| {
        let tenths = (p * 10.0).round();
        if tenths % 10.0 == 0.0 {
            format!("{}%", tenths / 10.0)
        } else {
            format!("{:.1}%", tenths / 10.0)
        }
    })
}

fn month_value(f: &MonthFigures, label: String) -> Value {
    context! {
        label => label,
        opened => f.opened,
        responded => f.responded,
        responded_on_time => f.responded_on_time,
        response => percent(f.on_time_response_percent()),
        resolved => f.resolved,
        resolved_on_time => f.resolved_on_time,
        resolution => percent(f.on_time_resolution_percent()),
        median => f.median_resolution_minutes.map(|m| duration(i64::try_from(m).unwrap_or(i64::MAX))),
        rated => f.rated,
        mean_rating => f.mean_rating().map(|r| format!("{r:.1}")),
        satisfied => f.satisfied,
        satisfaction => percent(f.satisfaction_percent()),
        rated_share => percent(f.rated_percent()),
        reopened => f.reopened,
        reopen => percent(f.reopen_rate_percent()),
    }
}

/// The age bands of the backlog: the Fluent id of each band's name and its count.
fn backlog_bands(b: &Backlog) -> [(&'static str, u32); 4] {
    [
        ("figures-age-under-2", b.under_2_days),
        ("figures-age-under-5", b.under_5_days),
        ("figures-age-under-10", b.under_10_days),
        ("figures-age-older", b.older),
    ]
}

fn backlog_value(b: &Backlog) -> Value {
    context! {
        bands => backlog_bands(b).iter().map(|(label, n)| context! { label => label, count => n }).collect::<Vec<_>>(),
        total => b.total(),
    }
}

/// A share as a whole percent for a chart; a month with nothing to count has no bar.
fn bar(share: Option<f64>) -> i64 {
    share.map_or(0, |p| p.round().clamp(0.0, 100.0) as i64)
}

/// The two charts of a team's (or every team's) months: the targets met, and the
/// requesters' satisfaction with the share of solutions rated beside it.
fn charts(figures: &TeamFigures, locale: Locale, name: &str) -> (Value, Value) {
    let tr = |key: &str| translate(locale, key, &[]);
    let named = |key: &str| translate(locale, key, &[("name", name.to_owned())]);
    let labels: Vec<String> = figures
        .months
        .iter()
        .map(|f| month_short(f.month, locale))
        .collect();
    let series = |share: fn(&MonthFigures) -> Option<f64>| -> Vec<i64> {
        figures.months.iter().map(|f| bar(share(f))).collect()
    };
    let first = figures.months.first().map(|f| f.month);
    let last = figures.months.last().map(|f| f.month);
    let period = match (first, last) {
        (Some(first), Some(last)) => translate(
            locale,
            "figures-period",
            &[
                ("from", month_label(first, locale)),
                ("to", month_label(last, locale)),
            ],
        ),
        _ => String::new(),
    };
    let percent_tick = |v: i64| format!("{v}%");
    let (response, resolution) = (
        series(MonthFigures::on_time_response_percent),
        series(MonthFigures::on_time_resolution_percent),
    );
    let on_time = yingcai_chart::bar_chart(
        &yingcai_chart::ChartText {
            title: &named("figures-chart-on-time"),
            description: &tr("figures-chart-on-time-desc"),
            x_label: &period,
            y_label: "%",
        },
        &labels,
        &[
            yingcai_chart::Series {
                label: &tr("figures-on-time-response"),
                values: &response,
            },
            yingcai_chart::Series {
                label: &tr("figures-on-time-resolution"),
                values: &resolution,
            },
        ],
        &percent_tick,
    );
    let (satisfaction, rated) = (
        series(MonthFigures::satisfaction_percent),
        series(MonthFigures::rated_percent),
    );
    let satisfied = yingcai_chart::bar_chart(
        &yingcai_chart::ChartText {
            title: &named("figures-chart-satisfaction"),
            description: &tr("figures-chart-satisfaction-desc"),
            x_label: &period,
            y_label: "%",
        },
        &labels,
        &[
            yingcai_chart::Series {
                label: &tr("figures-satisfaction"),
                values: &satisfaction,
            },
            yingcai_chart::Series {
                label: &tr("figures-rated-share"),
                values: &rated,
            },
        ],
        &percent_tick,
    );
    (
        Value::from_safe_string(on_time),
        Value::from_safe_string(satisfied),
    )
}

/// Everything the templates show of one team's (or every team's) figures.
fn figures_value(figures: &TeamFigures, locale: Locale, name: &str, with_charts: bool) -> Value {
    let (first, last) = (
        figures.months.first().map(|f| f.month),
        figures.months.last().map(|f| f.month),
    );
    let (on_time_chart, satisfaction_chart) = if with_charts {
        let (a, b) = charts(figures, locale, name);
        (Some(a), Some(b))
    } else {
        (None, None)
    };
    context! {
        from => first.map(|m| month_label(m, locale)),
        to => last.map(|m| month_label(m, locale)),
        months => figures.months.iter().map(|f| month_value(f, month_label(f.month, locale))).collect::<Vec<_>>(),
        whole => month_value(&figures.whole, translate(locale, "figures-twelve-months", &[])),
        backlog => backlog_value(&figures.backlog),
        on_time_chart => on_time_chart,
        satisfaction_chart => satisfaction_chart,
    }
}

fn team_value(team: &TeamRecord, locale: Locale) -> Value {
    context! {
        team_id => team.team_id,
        name => team.name_in(locale),
        industries => team.industries.iter().map(|i| format!("industry-{i}")).collect::<Vec<_>>(),
    }
}

// ------------------------------------------------------------------ officers

/// `/officer/teams/{id}/figures`: a team's months, charts and backlog, for its officers
/// and the supervising office.
pub(crate) async fn officer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let team = state.store().service_team(id).await?;
    let figures =
        service_figures::team_figures(state.store(), Some(id), yingcai_store::now_ms()).await?;
    page(
        &state,
        &ctx,
        "service_team_figures.html",
        context! {
            team => team_value(&team, ctx.locale),
            figures => figures_value(&figures, ctx.locale, team.name_in(ctx.locale), true),
            officer => true,
        },
    )
}

/// Writes the figures as a workbook: the months (with the twelve months together last)
/// and the backlog, headed in `locale`.
fn workbook(figures: &TeamFigures, locale: Locale) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let tr = |key: &str| translate(locale, key, &[]);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let share = Format::new().set_num_format("0.0%");
    let hours = Format::new().set_num_format("0.00");
    let one_decimal = Format::new().set_num_format("0.0");
    let sheet = book.add_worksheet();
    sheet.set_name(tr("figures-xlsx-months"))?;
    let headings = [
        "figures-month",
        "figures-opened",
        "figures-responded",
        "figures-responded-on-time",
        "figures-on-time-response",
        "figures-resolved",
        "figures-resolved-on-time",
        "figures-on-time-resolution",
        "figures-xlsx-median-hours",
        "figures-rated",
        "figures-mean-rating",
        "figures-satisfied",
        "figures-satisfaction",
        "figures-rated-share",
        "figures-reopened",
        "figures-reopen-rate",
    ];
    for (c, key) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, tr(key), &bold)?;
    }
    let rows = figures
        .months
        .iter()
        .map(|f| (month_label(f.month, locale), f, false))
        .chain([(tr("figures-twelve-months"), &figures.whole, true)]);
    for (r, (label, f, total)) in rows.enumerate() {
        let r = r as u32 + 1;
        if total {
            sheet.write_string_with_format(r, 0, label, &bold)?;
        } else {
            sheet.write_string(r, 0, label)?;
        }
        let counts = [
            (1, f.opened),
            (2, f.responded),
            (3, f.responded_on_time),
            (5, f.resolved),
            (6, f.resolved_on_time),
            (9, f.rated),
            (11, f.satisfied),
            (14, f.reopened),
        ];
        for (c, n) in counts {
            sheet.write_number(r, c, f64::from(n))?;
        }
        // A share with nothing to divide by is "—", never 0%.
        let numbers = [
            (4, f.on_time_response_percent().map(|p| p / 100.0), &share),
            (7, f.on_time_resolution_percent().map(|p| p / 100.0), &share),
            (
                8,
                f.median_resolution_minutes.map(|m| m as f64 / 60.0),
                &hours,
            ),
            (10, f.mean_rating(), &one_decimal),
            (12, f.satisfaction_percent().map(|p| p / 100.0), &share),
            (13, f.rated_percent().map(|p| p / 100.0), &share),
            (15, f.reopen_rate_percent().map(|p| p / 100.0), &share),
        ];
        for (c, value, format) in numbers {
            match value {
                Some(v) => sheet.write_number_with_format(r, c, v, format)?,
                None => sheet.write_string(r, c, "—")?,
            };
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofit();
    let sheet = book.add_worksheet();
    sheet.set_name(tr("figures-xlsx-backlog"))?;
    sheet.write_string_with_format(0, 0, tr("figures-age"), &bold)?;
    sheet.write_string_with_format(0, 1, tr("figures-open-cases"), &bold)?;
    for (r, (label, n)) in backlog_bands(&figures.backlog).iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, tr(label))?;
        sheet.write_number(r, 1, f64::from(*n))?;
    }
    sheet.write_string_with_format(5, 0, tr("figures-open-total"), &bold)?;
    sheet.write_number_with_format(5, 1, f64::from(figures.backlog.total()), &bold)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// `/officer/teams/{id}/figures.xlsx`: the same figures as a workbook.
pub(crate) async fn officer_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    state.store().service_team(id).await?;
    let now = yingcai_store::now_ms();
    let figures = service_figures::team_figures(state.store(), Some(id), now).await?;
    let bytes = workbook(&figures, ctx.locale).map_err(|e| AppError::Internal(e.into()))?;
    let last = figures
        .months
        .last()
        .map_or_else(String::new, |f| format!("-{}", f.month));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"yingcai-team-{id}-figures{last}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ------------------------------------------------------------------ everyone

/// `/service-teams`: every team's figures, anonymised, and the province's together.
pub(crate) async fn public_teams(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let (everyone, records) =
        service_figures::public_overview(state.store(), yingcai_store::now_ms()).await?;
    let teams: Vec<Value> = records
        .iter()
        .map(|(team, figures)| {
            context! {
                ..team_value(team, ctx.locale),
                ..context! { figures => figures_value(figures, ctx.locale, team.name_in(ctx.locale), false) }
            }
        })
        .collect();
    let all = translate(ctx.locale, "figures-all-teams", &[]);
    page(
        &state,
        &ctx,
        "service_teams.html",
        context! {
            everyone => figures_value(&everyone, ctx.locale, &all, true),
            teams => teams,
        },
    )
}

/// `/service-teams/{id}`: one team's figures with its charts, anonymised.
pub(crate) async fn public_team(
    State(state): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
) -> Result<Response, AppError> {
    let team = state.store().service_team(id).await?;
    let figures = service_figures::team_figures(state.store(), Some(id), yingcai_store::now_ms())
        .await?
        .for_public();
    page(
        &state,
        &ctx,
        "service_team_figures.html",
        context! {
            team => team_value(&team, ctx.locale),
            figures => figures_value(&figures, ctx.locale, team.name_in(ctx.locale), true),
            officer => false,
        },
    )
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![
        get(
            "/officer/teams/{id}/figures",
            Access::Role(Role::Officer),
            officer_page,
        ),
        get(
            "/officer/teams/{id}/figures.xlsx",
            Access::Role(Role::Officer),
            officer_xlsx,
        ),
        get("/service-teams", Access::Public, public_teams),
        get("/service-teams/{id}", Access::Public, public_team),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test that cannot unwrap has failed")]
    use super::*;

    #[test]
    fn shares_read_as_people_write_them_and_nothing_is_a_dash_not_zero() {
        assert_eq!(percent(Some(200.0 / 3.0)).as_deref(), Some("66.7%"));
        assert_eq!(percent(Some(100.0)).as_deref(), Some("100%"));
        assert_eq!(percent(Some(0.0)).as_deref(), Some("0%"));
        assert_eq!(percent(Some(99.96)).as_deref(), Some("100%"));
        assert_eq!(percent(None), None);
        assert_eq!(bar(None), 0);
        assert_eq!(bar(Some(66.6)), 67);
    }

    #[test]
    fn months_read_in_each_language() {
        let may: Month = "2026-05".parse().unwrap();
        assert_eq!(month_label(may, Locale::ZhCn), "2026年5月");
        assert_eq!(month_label(may, Locale::En), "May 2026");
        assert_eq!(month_short(may, Locale::En), "May");
        assert_eq!(month_short(may, Locale::ZhCn), "5月");
    }

    /// The keys this module looks up in Rust (the templates' are checked by `i18n.rs`).
    #[test]
    fn every_key_used_here_is_translated() {
        let source = include_str!("figures.rs");
        let mut keys: Vec<&str> = source
            .split('"')
            .filter(|s| s.len() > "figures-".len() && s.starts_with("figures-") && !s.contains(' '))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert!(keys.len() > 20, "{keys:?}");
        for locale in [Locale::ZhCn, Locale::En] {
            for key in &keys {
                let args = [
                    ("name", "x".into()),
                    ("from", "y".into()),
                    ("to", "z".into()),
                ];
                let text = translate(locale, key, &args);
                assert_ne!(&text, key, "{key} has no {locale:?} text");
            }
        }
    }

    #[test]
    fn the_workbook_is_written() {
        let figures = service_figures::figures_of(&[], 1_780_000_000_000).unwrap();
        let bytes = workbook(&figures, Locale::ZhCn).unwrap();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a ZIP archive");
    }
}
