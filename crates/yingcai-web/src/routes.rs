//! The route table: every route of the site (pages and the JSON API), its method, and who
//! may use it.
//!
//! Each area of the site lists its routes (`pages::housing::routes()`, `api::routes()`, …);
//! [`router`] builds the router from those lists and puts each route's access rule in front
//! of its handler as a route layer, so a handler is never reached by someone its rule
//! refuses.
//! [`route_table`] publishes the same list: the authorisation test calls every protected
//! route in it as every role and as a stranger, so a new route cannot be left untested.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use yingcai_domain::Role;

use crate::{AppState, Ctx};

/// Who may use a route. Handlers still check ownership (which needs the record); the
/// rule here is what can be decided from the caller alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Only accounts holding this role.
    Role(Role),
    /// Officers, and the account the thing belongs to; to anyone else it does not exist
    /// (404).
    OfficerOrOwner,
    /// Only the account the thing belongs to (a talent or an enterprise); to anyone else
    /// it does not exist (404).
    Owner,
    /// Only the talent it belongs to: another talent gets 404, anyone else 403.
    OwnTalent,
    /// Only the officer who made it: another officer gets 404, anyone else 403.
    OwnOfficer,
}

/// One row of the route table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path, with `{name}` for each parameter; JSON API operations start with
    /// `/api/v1/`.
    pub path: &'static str,
    pub access: Access,
}

/// A route with its handler, as an area declares it.
pub(crate) struct Route {
    info: RouteInfo,
    handler: MethodRouter<AppState>,
}

pub(crate) fn get<H, T>(path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    route("GET", axum::routing::get(handler), path, access)
}

pub(crate) fn post<H, T>(path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    route("POST", axum::routing::post(handler), path, access)
}

pub(crate) fn put<H, T>(path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    route("PUT", axum::routing::put(handler), path, access)
}

pub(crate) fn delete<H, T>(path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    route("DELETE", axum::routing::delete(handler), path, access)
}

fn route(
    method: &'static str,
    handler: MethodRouter<AppState>,
    path: &'static str,
    access: Access,
) -> Route {
    Route {
        info: RouteInfo {
            method,
            path,
            access,
        },
        handler,
    }
}

impl Route {
    /// An upload route: bodies up to `bytes` (the site's default is 1 MiB).
    pub(crate) fn body_limit(mut self, bytes: usize) -> Route {
        self.handler = self.handler.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

fn all_routes() -> Vec<Route> {
    use crate::pages::*;
    [
        home::routes(),
        auth::routes(),
        account::routes(),
        workspace::routes(),
        talent::routes(),
        enterprise::routes(),
        import::routes(),
        review::routes(),
        admin::routes(),
        audit::routes(),
        jobs::routes(),
        policy::routes(),
        sandbox::routes(),
        payments::routes(),
        housing::routes(),
        apartment::routes(),
        cases::routes(),
        figures::routes(),
        notifications::routes(),
        competitions::routes(),
        bids::routes(),
        health::routes(),
        crate::assets::routes(),
        crate::api::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every route, pages and JSON API, with its access rule.
pub fn route_table() -> Vec<RouteInfo> {
    all_routes().into_iter().map(|r| r.info).collect()
}

/// The site's router (pages and API), each route behind its access rule.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for route in all_routes() {
        let access = route.info.access;
        let handler = match access {
            Access::Public => route.handler,
            _ => route
                .handler
                .route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    move |ctx: Ctx, request: Request, next: Next| guard(access, ctx, request, next),
                )),
        };
        router = router.route(route.info.path, handler);
    }
    router
}

async fn guard(access: Access, ctx: Ctx, request: Request, next: Next) -> Response {
    let checked = match access {
        Access::Public => Ok(()),
        // Any account, even one that must replace a reset password: the password page is
        // such a route, and the handlers of the others refuse that account themselves.
        Access::SignedIn | Access::OfficerOrOwner | Access::Owner => ctx
            .account
            .as_ref()
            .map(drop)
            .ok_or(crate::AppError::Unauthenticated),
        Access::Role(role) => ctx.require(role).map(drop),
        Access::OwnTalent => ctx.require(Role::Talent).map(drop),
        Access::OwnOfficer => ctx.require(Role::Officer).map(drop),
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}
