//! Every page route and its JSON API twin: the operation under `/api/v1` that does the
//! same thing through the same service function, or the reason a route is for pages only.
//! The test below fails when a page route is missing here, when a named twin does not
//! exist or differs in who may use it: a new page operation comes with its API twin, or a
//! reason it has none.

/// What a page route has in the JSON API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Twin {
    /// This API operation (method, path) does the same.
    Api(&'static str, &'static str),
    /// Only a page has a use for it, and why.
    PageOnly(&'static str),
}

const FORM: Twin =
    Twin::PageOnly("an empty form for a browser; what it submits has its own row and twin");
const DOWNLOAD: Twin =
    Twin::PageOnly("a file for people to open; the same data is in the API as JSON");

/// One row per page route: method, path, twin.
pub fn page_twins() -> Vec<(&'static str, &'static str, Twin)> {
    use Twin::{Api, PageOnly};
    vec![
        (
            "GET",
            "/",
            PageOnly("the home page: links to the site's services"),
        ),
        (
            "GET",
            "/lang/{tag}",
            PageOnly("a browser's language choice; the API follows Accept-Language"),
        ),
        (
            "POST",
            "/lang/{tag}",
            PageOnly("a browser's language choice; the API follows Accept-Language"),
        ),
        (
            "GET",
            "/static/{*path}",
            PageOnly("the pages' style sheet, scripts and images"),
        ),
        (
            "GET",
            "/healthz",
            PageOnly("a probe for load balancers, already plain text"),
        ),
        (
            "GET",
            "/readyz",
            PageOnly("a probe for load balancers, already plain text"),
        ),
        // Accounts and sessions.
        ("GET", "/register", FORM),
        ("POST", "/register", Api("POST", "/api/v1/accounts")),
        ("GET", "/login", FORM),
        ("POST", "/login", Api("POST", "/api/v1/session")),
        ("POST", "/logout", Api("DELETE", "/api/v1/session")),
        ("GET", "/account", Api("GET", "/api/v1/me")),
        ("GET", "/account/password", FORM),
        (
            "POST",
            "/account/password",
            Api("PUT", "/api/v1/me/password"),
        ),
        (
            "POST",
            "/account/sign-out-everywhere",
            Api("POST", "/api/v1/session/revoke-all"),
        ),
        ("GET", "/admin/users", Api("GET", "/api/v1/admin/accounts")),
        ("GET", "/admin/users/new", FORM),
        (
            "POST",
            "/admin/users/new",
            Api("POST", "/api/v1/admin/accounts"),
        ),
        (
            "GET",
            "/admin/users/{id}",
            Api("GET", "/api/v1/admin/accounts/{id}"),
        ),
        (
            "POST",
            "/admin/users/{id}/roles",
            Api("PUT", "/api/v1/admin/accounts/{id}/roles"),
        ),
        (
            "POST",
            "/admin/users/{id}/password",
            Api("POST", "/api/v1/admin/accounts/{id}/password-reset"),
        ),
        (
            "POST",
            "/admin/users/{id}/status",
            Api("PUT", "/api/v1/admin/accounts/{id}/status"),
        ),
        (
            "GET",
            "/workspace/talent",
            PageOnly("a start page gathering links and counts of other operations"),
        ),
        (
            "GET",
            "/workspace/enterprise",
            PageOnly("a start page gathering links and counts of other operations"),
        ),
        (
            "GET",
            "/workspace/officer",
            PageOnly("a start page gathering links and counts of other operations"),
        ),
        (
            "GET",
            "/workspace/reviewer",
            PageOnly("a start page gathering links and counts of other operations"),
        ),
        ("GET", "/notifications", Api("GET", "/api/v1/notifications")),
        // Registry.
        ("GET", "/talent/profile", Api("GET", "/api/v1/me/profile")),
        ("POST", "/talent/profile", Api("PUT", "/api/v1/me/profile")),
        (
            "GET",
            "/talent/profile/history",
            Api("GET", "/api/v1/me/profile/history"),
        ),
        (
            "POST",
            "/talent/profile/documents",
            Api("POST", "/api/v1/me/profile/documents"),
        ),
        (
            "POST",
            "/documents/{id}/delete",
            Api("DELETE", "/api/v1/documents/{id}"),
        ),
        (
            "GET",
            "/documents/{id}",
            Api("GET", "/api/v1/documents/{id}"),
        ),
        (
            "GET",
            "/enterprise/profile",
            Api("GET", "/api/v1/me/enterprise"),
        ),
        (
            "POST",
            "/enterprise/profile",
            Api("PUT", "/api/v1/me/enterprise"),
        ),
        (
            "POST",
            "/enterprise/profile/documents",
            Api("POST", "/api/v1/me/enterprise/documents"),
        ),
        (
            "GET",
            "/officer/import",
            PageOnly(
                "the upload form; the API takes the file itself at POST /api/v1/imports/talents",
            ),
        ),
        (
            "POST",
            "/officer/import",
            Api("POST", "/api/v1/imports/talents"),
        ),
        (
            "GET",
            "/officer/import/reports/{id}",
            Api("GET", "/api/v1/imports/reports/{id}"),
        ),
        // Verification.
        (
            "GET",
            "/officer/submissions",
            Api("GET", "/api/v1/submissions"),
        ),
        (
            "GET",
            "/officer/submissions/{id}",
            Api("GET", "/api/v1/submissions/{id}"),
        ),
        (
            "POST",
            "/officer/submissions/{id}/verify",
            Api("POST", "/api/v1/submissions/{id}/verify"),
        ),
        (
            "POST",
            "/officer/submissions/{id}/return",
            Api("POST", "/api/v1/submissions/{id}/return"),
        ),
        // Cards, entitlements, the calculator.
        ("GET", "/talent/benefits", Api("GET", "/api/v1/me/benefits")),
        (
            "POST",
            "/talent/entitlements/{id}/confirm",
            Api("POST", "/api/v1/me/entitlements/{id}/confirm"),
        ),
        ("GET", "/talent/card", Api("GET", "/api/v1/me/card")),
        (
            "GET",
            "/officer/talents/{id}",
            Api("GET", "/api/v1/talents/{id}/benefits"),
        ),
        (
            "POST",
            "/officer/talents/{id}/card",
            Api("POST", "/api/v1/talents/{id}/card"),
        ),
        (
            "POST",
            "/officer/cards/{id}/revoke",
            Api("POST", "/api/v1/cards/{id}/revoke"),
        ),
        (
            "GET",
            "/officer/entitlements",
            Api("GET", "/api/v1/entitlements"),
        ),
        (
            "POST",
            "/officer/entitlements/{id}/hold",
            Api("POST", "/api/v1/entitlements/{id}/hold"),
        ),
        ("GET", "/calculator", Api("GET", "/api/v1/calculator")),
        ("GET", "/verify", Api("GET", "/api/v1/cards/verify")),
        (
            "GET",
            "/verify/public-key.pem",
            PageOnly("already a machine-readable file for verifiers"),
        ),
        (
            "GET",
            "/verify/revoked.txt",
            PageOnly("already a machine-readable file for verifiers"),
        ),
        // Policy.
        ("GET", "/admin/policy", Api("GET", "/api/v1/policy")),
        ("POST", "/admin/policy", Api("POST", "/api/v1/policy")),
        (
            "POST",
            "/admin/policy/upload",
            Api("POST", "/api/v1/policy/upload"),
        ),
        (
            "GET",
            "/admin/policy/{id}",
            Api("GET", "/api/v1/policy/{id}"),
        ),
        (
            "POST",
            "/admin/policy/{id}",
            Api("PUT", "/api/v1/policy/{id}"),
        ),
        (
            "POST",
            "/admin/policy/{id}/publish",
            Api("POST", "/api/v1/policy/{id}/publish"),
        ),
        // Payments.
        ("GET", "/talent/payments", Api("GET", "/api/v1/me/payments")),
        (
            "GET",
            "/officer/payments",
            Api("GET", "/api/v1/payment-runs"),
        ),
        (
            "POST",
            "/officer/payments",
            Api("POST", "/api/v1/payment-runs"),
        ),
        (
            "GET",
            "/officer/payments/{month}",
            Api("GET", "/api/v1/payment-runs/{month}"),
        ),
        (
            "GET",
            "/officer/payments/lines/{id}",
            Api("GET", "/api/v1/payment-lines/{id}"),
        ),
        (
            "POST",
            "/officer/payments/{month}/approve",
            Api("POST", "/api/v1/payment-runs/{month}/approve"),
        ),
        (
            "POST",
            "/officer/payments/{month}/export",
            Api("POST", "/api/v1/payment-runs/{month}/export"),
        ),
        (
            "POST",
            "/officer/payments/{month}/settlement",
            Api("POST", "/api/v1/payment-runs/{month}/settlement"),
        ),
        (
            "GET",
            "/officer/payments/{month}/{file}",
            Api("GET", "/api/v1/payment-runs/{month}/bank-files/{file}"),
        ),
        (
            "GET",
            "/officer/reports",
            Api("GET", "/api/v1/spending-reports"),
        ),
        (
            "GET",
            "/officer/reports/{month}",
            Api("GET", "/api/v1/spending-reports/{month}"),
        ),
        (
            "GET",
            "/officer/receivables",
            Api("GET", "/api/v1/receivables"),
        ),
        (
            "POST",
            "/officer/receivables/{talent}/repayment",
            Api("POST", "/api/v1/receivables/{talent}/repayments"),
        ),
        // Housing.
        ("GET", "/talent/housing", Api("GET", "/api/v1/me/housing")),
        (
            "POST",
            "/talent/housing/rounds/{id}/ballot",
            Api("PUT", "/api/v1/housing-rounds/{id}/ballot"),
        ),
        (
            "POST",
            "/talent/housing/rounds/{id}/withdraw",
            Api("DELETE", "/api/v1/housing-rounds/{id}/ballot"),
        ),
        (
            "POST",
            "/talent/housing/offers/{id}/accept",
            Api("POST", "/api/v1/housing-offers/{id}/accept"),
        ),
        (
            "POST",
            "/talent/housing/offers/{id}/decline",
            Api("POST", "/api/v1/housing-offers/{id}/decline"),
        ),
        (
            "GET",
            "/officer/housing",
            Api("GET", "/api/v1/housing/complexes"),
        ),
        (
            "POST",
            "/officer/housing/complexes",
            Api("POST", "/api/v1/housing/complexes"),
        ),
        (
            "GET",
            "/officer/housing/complexes/{id}",
            Api("GET", "/api/v1/housing/complexes/{id}"),
        ),
        (
            "POST",
            "/officer/housing/complexes/{id}/unit-types",
            Api("POST", "/api/v1/housing/complexes/{id}/unit-types"),
        ),
        (
            "POST",
            "/officer/housing/units/{id}/status",
            Api("PUT", "/api/v1/housing/units/{id}/status"),
        ),
        ("GET", "/officer/housing/import", FORM),
        (
            "POST",
            "/officer/housing/import",
            Api("POST", "/api/v1/housing/inventory-imports"),
        ),
        (
            "GET",
            "/officer/housing/rounds",
            Api("GET", "/api/v1/housing/rounds"),
        ),
        (
            "POST",
            "/officer/housing/rounds",
            Api("POST", "/api/v1/housing/rounds"),
        ),
        (
            "GET",
            "/officer/housing/rounds/{id}",
            Api("GET", "/api/v1/housing/rounds/{id}"),
        ),
        (
            "POST",
            "/officer/housing/rounds/{id}/run",
            Api("POST", "/api/v1/housing/rounds/{id}/run"),
        ),
        (
            "GET",
            "/officer/housing/occupancy",
            Api("GET", "/api/v1/housing/occupancy"),
        ),
        (
            "POST",
            "/officer/housing/leases/{id}/notice",
            Api("POST", "/api/v1/housing/leases/{id}/notice"),
        ),
        (
            "GET",
            "/housing/rounds/{id}",
            Api("GET", "/api/v1/housing-rounds/{id}"),
        ),
        (
            "GET",
            "/housing/rounds/{id}/{file}",
            PageOnly("the round's published instance and result files, already machine-readable"),
        ),
        // Audit and jobs.
        ("GET", "/admin/audit", Api("GET", "/api/v1/admin/audit")),
        (
            "GET",
            "/admin/audit/checkpoints",
            PageOnly("already the machine-readable checkpoint file, kept away from the servers"),
        ),
        ("GET", "/admin/jobs", Api("GET", "/api/v1/admin/jobs")),
        // Open competitions.
        ("GET", "/competitions", Api("GET", "/api/v1/competitions")),
        (
            "GET",
            "/competitions/needs/{id}",
            Api("GET", "/api/v1/competitions/needs/{id}"),
        ),
        ("GET", "/needs", Api("GET", "/api/v1/needs")),
        ("GET", "/needs/new", FORM),
        ("POST", "/needs", Api("POST", "/api/v1/needs")),
        ("GET", "/needs/{id}", Api("GET", "/api/v1/needs/{id}")),
        ("GET", "/needs/{id}/edit", Api("GET", "/api/v1/needs/{id}")),
        ("POST", "/needs/{id}", Api("PUT", "/api/v1/needs/{id}")),
        (
            "POST",
            "/needs/{id}/submit",
            Api("POST", "/api/v1/needs/{id}/submit"),
        ),
        ("GET", "/officer/needs", Api("GET", "/api/v1/officer/needs")),
        (
            "GET",
            "/officer/needs/{id}",
            Api("GET", "/api/v1/needs/{id}"),
        ),
        (
            "POST",
            "/officer/needs/{id}/return",
            Api("POST", "/api/v1/needs/{id}/return"),
        ),
        (
            "POST",
            "/officer/needs/{id}/accept",
            Api("POST", "/api/v1/needs/{id}/accept"),
        ),
        (
            "GET",
            "/officer/lists/new",
            Api("GET", "/api/v1/officer/needs"),
        ),
        (
            "POST",
            "/officer/lists",
            Api("POST", "/api/v1/competition-lists"),
        ),
        // Sealed bids.
        ("GET", "/bids", Api("GET", "/api/v1/bids")),
        ("GET", "/bids/new", FORM),
        ("POST", "/bids", Api("POST", "/api/v1/bids")),
        ("GET", "/bids/{id}", Api("GET", "/api/v1/bids/{id}")),
        ("POST", "/bids/{id}", Api("PUT", "/api/v1/bids/{id}")),
        (
            "POST",
            "/bids/{id}/submit",
            Api("POST", "/api/v1/bids/{id}/submit"),
        ),
        (
            "POST",
            "/bids/{id}/withdraw",
            Api("POST", "/api/v1/bids/{id}/withdraw"),
        ),
        (
            "GET",
            "/bids/{id}/documents/{document}",
            Api("GET", "/api/v1/bids/{id}/documents/{document}"),
        ),
        (
            "GET",
            "/competitions/needs/{id}/bids",
            Api("GET", "/api/v1/needs/{id}/bids"),
        ),
        (
            "POST",
            "/officer/bids/{id}/check",
            Api("POST", "/api/v1/bids/{id}/check-override"),
        ),
        // Industry service teams.
        ("GET", "/cases", Api("GET", "/api/v1/cases")),
        ("GET", "/cases/new", FORM),
        ("POST", "/cases", Api("POST", "/api/v1/cases")),
        ("GET", "/cases/{id}", Api("GET", "/api/v1/cases/{id}")),
        (
            "POST",
            "/cases/{id}/act",
            Api("POST", "/api/v1/cases/{id}/actions"),
        ),
        (
            "POST",
            "/cases/{id}/rate",
            Api("POST", "/api/v1/cases/{id}/rating"),
        ),
        (
            "POST",
            "/cases/{id}/transfer",
            Api("POST", "/api/v1/cases/{id}/transfer"),
        ),
        (
            "POST",
            "/cases/{id}/targets",
            Api("PUT", "/api/v1/cases/{id}/targets"),
        ),
        (
            "POST",
            "/cases/{id}/items",
            Api("POST", "/api/v1/cases/{id}/items"),
        ),
        (
            "POST",
            "/cases/{id}/items/done",
            Api("POST", "/api/v1/cases/{id}/items/done"),
        ),
        (
            "GET",
            "/cases/{id}/attachments/{attachment}",
            Api("GET", "/api/v1/cases/{id}/attachments/{attachment}"),
        ),
        (
            "POST",
            "/admin/teams/defaults",
            Api("POST", "/api/v1/admin/service-teams/defaults"),
        ),
        ("GET", "/officer/cases", Api("GET", "/api/v1/cases")),
        ("GET", "/officer/teams/{id}", Api("GET", "/api/v1/cases")),
        (
            "POST",
            "/officer/enterprises/{id}/team",
            Api("PUT", "/api/v1/enterprises/{id}/team"),
        ),
        (
            "GET",
            "/officer/teams/{id}/figures",
            Api("GET", "/api/v1/service-teams/{id}/figures"),
        ),
        ("GET", "/officer/teams/{id}/figures.xlsx", DOWNLOAD),
        ("GET", "/officer/breaches", Api("GET", "/api/v1/breaches")),
        (
            "GET",
            "/service-teams",
            Api("GET", "/api/v1/service-figures"),
        ),
        (
            "GET",
            "/service-teams/{id}",
            Api("GET", "/api/v1/service-teams/{id}/figures"),
        ),
        ("GET", "/admin/teams", Api("GET", "/api/v1/service-teams")),
        ("GET", "/admin/teams/new", FORM),
        (
            "POST",
            "/admin/teams",
            Api("POST", "/api/v1/admin/service-teams"),
        ),
        (
            "GET",
            "/admin/teams/{id}",
            Api("GET", "/api/v1/service-teams/{id}"),
        ),
        (
            "POST",
            "/admin/teams/{id}",
            Api("PUT", "/api/v1/admin/service-teams/{id}"),
        ),
        (
            "POST",
            "/admin/service-categories",
            Api("PUT", "/api/v1/admin/service-categories"),
        ),
        (
            "GET",
            "/admin/calendar",
            Api("GET", "/api/v1/admin/calendar-years"),
        ),
        (
            "POST",
            "/admin/calendar",
            Api("POST", "/api/v1/admin/calendar-years"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{Twin, page_twins};
    use crate::routes::{Access, route_table};
    use yingcai_domain::Role;

    #[test]
    fn every_page_route_has_its_twin_or_a_reason() {
        let table = route_table();
        let access: BTreeMap<(&str, &str), Access> = table
            .iter()
            .map(|r| ((r.method, r.path), r.access))
            .collect();
        let pages: BTreeSet<(&str, &str)> = table
            .iter()
            .filter(|r| !r.path.starts_with("/api/"))
            .map(|r| (r.method, r.path))
            .collect();
        let twins = page_twins();
        let listed: BTreeSet<(&str, &str)> = twins.iter().map(|(m, p, _)| (*m, *p)).collect();
        assert_eq!(listed.len(), twins.len(), "a page route listed twice");
        let unlisted: Vec<_> = pages.difference(&listed).collect();
        assert!(
            unlisted.is_empty(),
            "page routes without a row in twins.rs (give each its API twin): {unlisted:?}"
        );
        let gone: Vec<_> = listed.difference(&pages).collect();
        assert!(
            gone.is_empty(),
            "rows for routes that do not exist: {gone:?}"
        );

        for (method, path, twin) in &twins {
            if let Twin::Api(api_method, api_path) = twin {
                assert!(api_path.starts_with("/api/v1/"), "{api_path}");
                let api = access.get(&(*api_method, *api_path));
                let Some(api) = api else {
                    panic!("{method} {path}: its twin {api_method} {api_path} does not exist");
                };
                let page = access[&(*method, *path)];
                // The same rule, or a page anyone may open (sign-in, sign-out), or an API
                // operation open to every signed-in caller whose handler then answers by
                // role (one list of cases for a requester and for a team's officers), or one
                // operation for a thing's owner and for officers where the pages have two.
                let compatible = *api == page
                    || page == Access::Public
                    || matches!(api, Access::SignedIn | Access::Public)
                    || (*api == Access::OfficerOrOwner
                        && matches!(page, Access::Owner | Access::Role(Role::Officer)));
                assert!(
                    compatible,
                    "{method} {path} ({page:?}) and its twin {api_method} {api_path} ({api:?}) differ in who may use them"
                );
            }
        }
    }
}
