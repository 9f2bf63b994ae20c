//! The service teams a site starts with: one per industry of the configured catalogue,
//! named in both languages from the catalogue's labels (`industry-<code>`).

use yingcai_domain::Locale;
use yingcai_services::service_desk;
use yingcai_store::{Actor, DefaultTeam, Store};

use crate::{AppError, WebSettings, translate};

/// One team per industry of `settings`' catalogue, named from its labels.
pub(crate) fn catalogue_teams(settings: &WebSettings) -> Vec<DefaultTeam> {
    settings
        .industries
        .iter()
        .map(|code| {
            let name = |locale| {
                let industry = translate(locale, &format!("industry-{code}"), &[]);
                translate(locale, "team-default-name", &[("industry", industry)])
            };
            DefaultTeam {
                industry: code.clone(),
                name: name(Locale::ZhCn),
                name_en: name(Locale::En),
            }
        })
        .collect()
}

/// At a server's start: on a site with no service team at all (a fresh install), creates
/// one per industry of the catalogue, serving every district, with no leader or members
/// yet, and pairs the enterprises; audited as the system. Creates nothing where any team
/// exists (the demo has its own), so every start and every app server may call it.
/// Returns the new teams' ids.
pub async fn create_default_teams(
    store: &Store,
    settings: &WebSettings,
) -> Result<Vec<i64>, AppError> {
    Ok(
        service_desk::create_default_teams(store, &catalogue_teams(settings), true, &Actor::System)
            .await?,
    )
}

/// An administrator's action: a team from the catalogue for every industry no team serves
/// (an industry added to the catalogue since, or teams changed), then pairing. Returns the
/// new teams' ids (none when every industry has a team).
pub(crate) async fn create_missing_teams(
    store: &Store,
    settings: &WebSettings,
    actor: &Actor,
) -> Result<Vec<i64>, AppError> {
    Ok(service_desk::create_default_teams(store, &catalogue_teams(settings), false, actor).await?)
}
