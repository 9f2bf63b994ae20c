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
    env.add_filter("filesize", filesize);
    env.add_filter("filekind", filekind);
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

/// `{{ d.size_bytes|filesize }}`: 420 B, 12.3 KB, 4.5 MB — never "0 KB" for a small file.
fn filesize(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// `{{ d.media_type|filekind }}`: the kind of file a person recognises (PDF, JPEG, PNG).
fn filekind(media_type: &str) -> String {
    match media_type {
        "application/pdf" => "PDF".into(),
        "image/jpeg" => "JPEG".into(),
        "image/png" => "PNG".into(),
        other => other
            .rsplit('/')
            .next()
            .unwrap_or(other)
            .to_ascii_uppercase(),
    }
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
    /// Unread notifications (shown beside the item; 0: none).
    count: i64,
}

fn menu(ctx: Option<&Ctx>) -> Vec<MenuItem> {
    let path = ctx.map_or("", |c| c.path.as_str());
    let unread = ctx.map_or(0, |c| c.unread_notifications);
    let mut items = vec![
        ("/".to_owned(), "nav-home"),
        ("/calculator".to_owned(), "nav-calculator"),
        ("/competitions".to_owned(), "nav-competitions"),
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
                    items.push(("/needs".into(), "nav-needs"));
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
                    items.push(("/officer/breaches".into(), "nav-officer-breaches"));
                    items.push(("/officer/needs".into(), "nav-officer-needs"));
                }
                other => items.push((
                    format!("/workspace/{}", other.as_str()),
                    role_nav_key(other),
                )),
            }
        }
        items.push(("/notifications".into(), "nav-notifications"));
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
            count: if href == "/notifications" { unread } else { 0 },
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

#[cfg(test)]
mod tests {
    use yingcai_domain::status::{
        CardStatus, EntitlementStatus, LeaseStatus, LineStatus, OfferStatus, PolicyStatus,
        RoundStatus, RunStatus, SubmissionStatus, TransferStatus, UnitStatus,
    };

    use super::Templates;

    /// The Jinja tags of a template (`{{ … }}` and `{% … %}`, not comments), each with the
    /// byte offset of its text in the file.
    fn tags(source: &str) -> Vec<(usize, &str)> {
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(open) = source[at..].find('{') {
            let start = at + open;
            let close = match source.as_bytes().get(start + 1) {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                Some(b'#') => "#}",
                _ => {
                    at = start + 1;
                    continue;
                }
            };
            let body = start + 2;
            let end = source[body..]
                .find(close)
                .map_or(source.len(), |e| body + e);
            if close != "#}" {
                found.push((body, &source[body..end]));
            }
            at = (end + 2).min(source.len());
        }
        found
    }

    /// The string literals of a tag's text, each with its offset (of the opening quote) and
    /// its end (after the closing quote); and the text with every literal blanked out.
    fn literals(tag: &str) -> (Vec<(usize, usize, &str)>, String) {
        let mut found = Vec::new();
        let mut code = String::with_capacity(tag.len());
        let mut chars = tag.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '"' && c != '\'' {
                code.push(c);
                continue;
            }
            let mut end = tag.len();
            let mut escaped = false;
            for (j, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    end = j + 1;
                    break;
                }
            }
            found.push((i, end, &tag[i + 1..end.saturating_sub(1).max(i + 1)]));
            code.extend(std::iter::repeat_n(' ', tag[i..end].chars().count()));
        }
        (found, code)
    }

    /// Every stored status text of every status enum.
    fn status_texts() -> Vec<&'static str> {
        let mut texts = Vec::new();
        texts.extend(CardStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(EntitlementStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(RunStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(LineStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(TransferStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(UnitStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(RoundStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(OfferStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(LeaseStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(PolicyStatus::ALL.iter().map(|s| s.as_str()));
        texts.extend(SubmissionStatus::ALL.iter().map(|s| s.as_str()));
        texts
    }

    /// Where `source` decides on a status's text or builds a status's message id: a
    /// comparison with something called `…status`, a string literal that is a status's
    /// text, and `"status-…" ~`. Each as `file:line: what`.
    fn status_misuse(file: &str, source: &str) -> Vec<String> {
        let texts = status_texts();
        let line = |offset: usize| source[..offset].matches('\n').count() + 1;
        let mut found = Vec::new();
        for (offset, tag) in tags(source) {
            let (strings, code) = literals(tag);
            for &(at, end, text) in &strings {
                let here = line(offset + at);
                if text.starts_with("status-") && tag[end..].trim_start().starts_with('~') {
                    found.push(format!(
                        "{file}:{here}: builds a status label id from `{text}`; put the enum's label_id() in the page's context"
                    ));
                } else if texts.contains(&text) {
                    found.push(format!(
                        "{file}:{here}: names the status text `{text}`; decide with a boolean computed from the enum in Rust"
                    ));
                }
            }
            let operand = |s: &str, from_end: bool| -> String {
                let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
                if from_end {
                    let s = s.trim_end();
                    let start = s.trim_end_matches(word).len();
                    s[start..].to_owned()
                } else {
                    s.trim_start().chars().take_while(|&c| word(c)).collect()
                }
            };
            for op in ["==", "!="] {
                for (at, _) in code.match_indices(op) {
                    let before = operand(&code[..at], true);
                    let after = operand(&code[at + 2..], false);
                    let about_status = |w: &str| {
                        w.rsplit('.')
                            .next()
                            .is_some_and(|last| last.ends_with("status"))
                    };
                    if about_status(&before) || about_status(&after) {
                        found.push(format!(
                            "{file}:{}: compares a status (`{}`); decide with a boolean computed from the enum in Rust",
                            line(offset + at),
                            tag.trim()
                        ));
                    }
                }
            }
        }
        found
    }

    /// No template compares a status with a text, names a status's text, or builds a
    /// status's message id: the pages' contexts carry the label id (`status_label`, from
    /// the enum's `label_id()`) and named booleans (`in_force`, `awaiting_decision`).
    #[test]
    fn templates_neither_compare_statuses_nor_build_status_labels() {
        let mut found = Vec::new();
        let mut scanned = 0;
        for file in Templates::iter() {
            let source = Templates::get(&file).expect("listed");
            found.extend(status_misuse(&file, &String::from_utf8_lossy(&source.data)));
            scanned += 1;
        }
        assert!(scanned > 30, "only {scanned} templates: are they embedded?");
        assert!(
            found.is_empty(),
            "status texts in templates:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_status_rule_finds_what_it_forbids() {
        let source = "<p>{{ t(\"status-card-\" ~ c.status) }}</p>\n\
                      {% if c.status == \"active\" %}x{% endif %}\n\
                      {% if 'draft' != run.status %}{% endif %}{# c.status == 'x' #}\n\
                      {% for s in [\"proposed\", \"ended\"] %}{% if s==status %}{% endif %}{% endfor %}\n\
                      <p class=\"status active\">{{ t(\"status-submission-verified\") }} {{ t(c.status_label) }}</p>\n\
                      {% if c.statuses == 1 %}{{ 'it''s' }}{% endif %}";
        let found = status_misuse("t.html", source);
        let lines: Vec<&str> = found.iter().map(|f| &f[..8]).collect();
        assert_eq!(
            lines,
            [
                "t.html:1", "t.html:2", "t.html:2", "t.html:3", "t.html:3", "t.html:4", "t.html:4",
                "t.html:4",
            ],
            "{found:#?}"
        );
    }
}
