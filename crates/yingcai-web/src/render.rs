//! Server-rendered pages: minijinja templates compiled into the binary, with `t(key, ..)`
//! for every user-visible string and the layout's menu built from the caller's roles.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Kwargs;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value, context};
use yingcai_domain::{Locale, Role};

use crate::context::{CSRF_COOKIE, Ctx};
use crate::i18n::translate;
use crate::{AppError, AppState};

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
pub(crate) struct Templates;

pub(crate) fn environment() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    // Undefined values may be tested (`{% if error %}`) but printing one is a bug.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    for name in Templates::iter() {
        let file =
            Templates::get(&name).ok_or_else(|| anyhow::anyhow!("template {name} vanished"))?;
        let source = String::from_utf8(file.data.into_owned())?;
        env.add_template_owned(name.to_string(), source)?;
    }
    env.add_function("t", t);
    env.add_filter("loc", localized);
    env.add_filter("yuan", yuan);
    Ok(env)
}

/// `{{ label|loc }}`: the page's language of a `{zh, en}` pair (policy packs carry both).
fn localized(state: &State, text: Value) -> Result<String, Error> {
    let key = match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("en") => "en",
        _ => "zh",
    };
    Ok(text.get_attr(key)?.as_str().unwrap_or_default().to_owned())
}

/// `{{ fen|yuan }}`: integer fen as yuan with thousands separators, e.g. `¥3,000.00`.
fn yuan(fen: i64) -> String {
    yingcai_domain::Fen(fen).yuan_grouped()
}

/// `{{ t("key", name=value) }}`: the message in the page's language.
fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, Error> {
    let locale = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Locale::from_tag))
        .unwrap_or_default();
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        args.push((name, value.to_string()));
    }
    kwargs.assert_all_used()?;
    let text = translate(locale, key, &args);
    if text == key {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!("no translation for {key}"),
        ));
    }
    Ok(text)
}

#[derive(serde::Serialize)]
struct MenuItem {
    /// Built here from constants, so marked safe: escaping would turn `/` into `&#x2f;`.
    href: Value,
    label: &'static str,
    current: bool,
}

fn menu(ctx: Option<&Ctx>) -> Vec<MenuItem> {
    let path = ctx.map_or("", |c| c.path.as_str());
    let mut items = vec![
        ("/".to_owned(), "nav-home"),
        ("/calculator".to_owned(), "nav-calculator"),
    ];
    if let Some(account) = ctx.and_then(|c| c.account.as_ref()) {
        for role in account.roles.iter() {
            match role {
                Role::Admin => {
                    items.push(("/admin/users".into(), "nav-admin-users"));
                    items.push(("/admin/audit".into(), "nav-admin-audit"));
                    items.push(("/admin/jobs".into(), "nav-admin-jobs"));
                    items.push(("/admin/policy".into(), "nav-admin-policy"));
                    items.push(("/admin/teams".into(), "nav-admin-teams"));
                }
                Role::Talent => {
                    items.push(("/workspace/talent".into(), role_nav_key(role)));
                    items.push(("/talent/profile".into(), "nav-talent-profile"));
                    items.push(("/talent/benefits".into(), "nav-talent-benefits"));
                    items.push(("/talent/payments".into(), "nav-talent-payments"));
                    items.push(("/talent/housing".into(), "nav-talent-housing"));
                    items.push(("/cases".into(), "nav-cases"));
                }
                Role::Enterprise => {
                    items.push(("/workspace/enterprise".into(), role_nav_key(role)));
                    items.push(("/enterprise/profile".into(), "nav-enterprise-profile"));
                    items.push(("/cases".into(), "nav-cases"));
                }
                Role::Officer => {
                    items.push(("/workspace/officer".into(), role_nav_key(role)));
                    items.push(("/officer/submissions".into(), "nav-officer-queue"));
                    items.push(("/officer/import".into(), "nav-officer-import"));
                    items.push(("/officer/entitlements".into(), "nav-officer-entitlements"));
                    items.push(("/officer/payments".into(), "nav-officer-payments"));
                    items.push(("/officer/housing".into(), "nav-officer-housing"));
                    items.push(("/officer/reports".into(), "nav-officer-reports"));
                    items.push(("/officer/cases".into(), "nav-officer-cases"));
                }
                other => items.push((
                    format!("/workspace/{}", other.as_str()),
                    role_nav_key(other),
                )),
            }
        }
        items.push(("/account".into(), "nav-account"));
    }
    // An account with two requester roles reaches some pages from both.
    let mut seen = std::collections::HashSet::new();
    items.retain(|(href, _)| seen.insert(href.clone()));
    items
        .into_iter()
        .map(|(href, label)| MenuItem {
            current: if href == "/" {
                path == "/"
            } else {
                path.starts_with(&href)
            },
            href: Value::from_safe_string(href),
            label,
        })
        .collect()
}

fn role_nav_key(role: Role) -> &'static str {
    match role {
        Role::Talent => "nav-workspace-talent",
        Role::Enterprise => "nav-workspace-enterprise",
        Role::Officer => "nav-workspace-officer",
        Role::Reviewer => "nav-workspace-reviewer",
        Role::Admin => "nav-admin-users",
    }
}

fn base_context(ctx: Option<&Ctx>, locale: Locale) -> Value {
    let user = ctx.and_then(|c| c.account.as_ref()).map(|a| {
        context! {
            name => a.display_name,
            email => a.email,
            roles => a.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        }
    });
    let here = ctx.map_or("/", |c| c.path.as_str());
    context! {
        lang => locale.tag(),
        user => user,
        csrf => ctx.map(|c| c.csrf.clone()),
        menu => menu(ctx),
        here => here,
    }
}

/// Renders `template` for the caller with `status`.
pub(crate) fn page_with_status(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    template: &str,
    extra: Value,
) -> Result<Response, AppError> {
    let value = context! { ..extra, ..base_context(Some(ctx), ctx.locale) };
    let html = state
        .templates()
        .get_template(template)
        .and_then(|t| t.render(value))
        .map_err(|e| {
            AppError::Internal(anyhow::Error::new(e).context(format!("rendering {template}")))
        })?;
    let mut response = (status, Html(html)).into_response();
    if ctx.csrf_is_new {
        let cookie = ctx.cookie(CSRF_COOKIE, ctx.csrf.clone(), None);
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

pub(crate) fn page(
    state: &AppState,
    ctx: &Ctx,
    template: &str,
    extra: Value,
) -> Result<Response, AppError> {
    page_with_status(state, ctx, StatusCode::OK, template, extra)
}

/// The error page; falls back to plain text if even that cannot render.
pub(crate) fn error_page(
    state: &AppState,
    ctx: Option<&Ctx>,
    locale: Locale,
    status: StatusCode,
    code: &str,
    fields: Option<&yingcai_domain::FieldErrors>,
) -> Html<String> {
    // Fields refused before a handler could show its own page (a form that could not be
    // read into its input struct): named here, each with its message.
    let fields: Vec<minijinja::Value> = fields
        .map(|f| {
            f.iter()
                .map(|e| context! { field => e.field, code => e.code })
                .collect()
        })
        .unwrap_or_default();
    let value = context! {
        status => status.as_u16(),
        code => code,
        fields => fields,
        ..base_context(ctx, locale)
    };
    let html = state
        .templates()
        .get_template("error.html")
        .and_then(|t| t.render(value))
        .unwrap_or_else(|_| translate(locale, &format!("error-{code}"), &[]));
    Html(html)
}
