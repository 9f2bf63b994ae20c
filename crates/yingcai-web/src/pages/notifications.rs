//! Notifications to accounts: `/notifications` lists the caller's (reading them marks them
//! read), the header shows how many are unread, and the mail job e-mails them in their
//! reader's language ([`notification_mail`]). Also the supervising office's list of cases
//! whose service clocks are breached, `/officer/breaches`.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use yingcai_domain::{Locale, Role};
use yingcai_services::desk_alerts;
use yingcai_services::mail::MailText;
use yingcai_store::{AccountNotification, NoticeKind};

use super::audit::beijing_time;
use super::cases::{case_number, duration};
use crate::render::page;
use crate::{AppError, AppState, Ctx, translate};

/// The Fluent id of what a notification says.
pub(crate) const fn notice_label(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::CaseOpened => "notice-case-opened",
        NoticeKind::CaseReply => "notice-case-reply",
        NoticeKind::CaseWaiting => "notice-case-waiting",
        NoticeKind::CaseResolved => "notice-case-resolved",
        NoticeKind::CaseRequesterReply => "notice-case-requester-reply",
        NoticeKind::CaseReopened => "notice-case-reopened",
        NoticeKind::CaseTransferred => "notice-case-transferred",
        NoticeKind::CaseDueSoon => "notice-case-due-soon",
        NoticeKind::CaseBreached => "notice-case-breached",
        NoticeKind::CaseRatingReminder => "notice-case-rating-reminder",
    }
}

/// The Fluent id of a clock's name (`response`, `resolution`).
fn clock_label(clock: &str) -> Option<&'static str> {
    match clock {
        "response" => Some("clock-response"),
        "resolution" => Some("clock-resolution"),
        _ => None,
    }
}

/// What a notification says, in plain words in `locale`.
pub(crate) fn notice_text(notification: &AccountNotification, locale: Locale) -> String {
    let payload = &notification.payload;
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    };
    let clock = match text("clock") {
        "response" => translate(locale, "notice-clock-response", &[]),
        "resolution" => translate(locale, "notice-clock-resolution", &[]),
        _ => String::new(),
    };
    let due = payload
        .get("due_at")
        .and_then(|v| v.as_i64())
        .map(|ms| beijing_time(ms).chars().take(16).collect())
        .unwrap_or_default();
    translate(
        locale,
        notice_label(notification.kind),
        &[
            (
                "number",
                notification.case_id.map(case_number).unwrap_or_default(),
            ),
            ("title", text("title").to_owned()),
            ("clock", clock),
            ("due", due),
        ],
    )
}

/// The path of the page a notification is about.
fn notice_link(notification: &AccountNotification) -> Option<String> {
    notification.case_id.map(|id| format!("/cases/{id}"))
}

/// A notification as an e-mail to its reader: a subject, what happened, and the address of
/// the page (`public_url` is the site's address).
pub fn notification_mail(
    public_url: &str,
    notification: &AccountNotification,
    locale: Locale,
) -> MailText {
    let what = notice_text(notification, locale);
    let site = translate(locale, "site-name", &[]);
    let mut body = format!("{what}\n");
    if let Some(link) = notice_link(notification) {
        let url = format!("{}{link}", public_url.trim_end_matches('/'));
        body.push_str(&format!(
            "\n{}\n",
            translate(locale, "notice-mail-open", &[("url", url)])
        ));
    }
    body.push_str(&format!(
        "\n-- \n{}\n",
        translate(locale, "notice-mail-footer", &[("site", site.clone())])
    ));
    let subject_line = what.lines().next().unwrap_or_default();
    let subject: String = subject_line.chars().take(120).collect();
    MailText {
        subject: format!("[{site}] {subject}"),
        body,
    }
}

/// `/notifications`: the caller's notifications, newest first; reading them marks them
/// read.
pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let account = ctx.signed_in()?;
    let store = state.store();
    let notifications = store.account_notifications(account.account_id, 200).await?;
    if let Some(newest) = notifications.first() {
        store
            .mark_account_notifications_read(account.account_id, Some(newest.notification_id))
            .await?;
    }
    let rows: Vec<_> = notifications
        .iter()
        .map(|n| {
            context! {
                text => notice_text(n, ctx.locale),
                case_id => n.case_id,
                number => n.case_id.map(case_number),
                at => beijing_time(n.created_at),
                unread => n.read_at.is_none(),
            }
        })
        .collect();
    // The header counts what is unread after this visit.
    let mut shown = ctx.clone();
    shown.unread_notifications = 0;
    page(
        &state,
        &shown,
        "notifications.html",
        context! { notifications => rows },
    )
}

/// `/officer/breaches`: for the supervising office, the cases of every team whose first
/// answer or solution is overdue now, most overdue first, as the case-clocks job recorded
/// them.
pub(crate) async fn breaches(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    ctx.require(Role::Officer)?;
    let store = state.store();
    let rules = state.settings().desk_rules();
    let calendar = yingcai_services::work_calendar::calendar(store, &rules.hours).await?;
    let (breaches, missing) =
        desk_alerts::current_breaches(store, &calendar, &rules, yingcai_store::now_ms()).await?;
    let teams: HashMap<i64, String> = store
        .service_teams()
        .await?
        .into_iter()
        .map(|t| (t.team_id, t.name_in(ctx.locale).to_owned()))
        .collect();
    let rows: Vec<_> = breaches
        .iter()
        .map(|b| {
            context! {
                case_id => b.case.case_id,
                number => case_number(b.case.case_id),
                title => b.case.title,
                team_id => b.case.team_id,
                team => teams.get(&b.case.team_id).cloned().unwrap_or_default(),
                status => b.case.status.label_id(),
                clock => clock_label(b.clock).unwrap_or("clock-resolution"),
                due => beijing_time(b.due_at),
                late => duration(b.late_minutes),
            }
        })
        .collect();
    page(
        &state,
        &ctx,
        "officer_breaches.html",
        context! {
            breaches => rows,
            missing_years => missing.into_iter().collect::<Vec<_>>(),
        },
    )
}

/// This area's routes and who may use each (see [`crate::routes`]).
pub(crate) fn routes() -> Vec<crate::routes::Route> {
    use crate::routes::{Access, get};
    vec![
        get("/notifications", Access::SignedIn, list),
        get("/officer/breaches", Access::Role(Role::Officer), breaches),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(kind: NoticeKind, payload: serde_json::Value) -> AccountNotification {
        AccountNotification {
            notification_id: 1,
            account_id: 2,
            kind,
            case_id: Some(42),
            payload,
            created_at: 0,
            read_at: None,
            emailed_at: None,
        }
    }

    #[test]
    fn every_kind_reads_in_both_languages_with_its_case() {
        let payload = serde_json::json!({
            "title": "School place", "clock": "response", "due_at": 1_772_416_800_000_i64,
        });
        for kind in NoticeKind::ALL {
            for locale in [Locale::En, Locale::ZhCn] {
                let text = notice_text(&notification(kind, payload.clone()), locale);
                assert_ne!(text, notice_label(kind), "{kind:?} has no {locale:?} text");
                assert!(
                    text.contains("FW000042") && text.contains("School place"),
                    "{text}"
                );
            }
        }
        let due = notice_text(&notification(NoticeKind::CaseDueSoon, payload), Locale::En);
        assert!(
            due.contains("first answer") && due.contains("2026-03-02 10:00"),
            "{due}"
        );
    }

    #[test]
    fn an_email_says_what_happened_and_where_to_look() {
        let mail = notification_mail(
            "https://talent.example.gov.cn/",
            &notification(
                NoticeKind::CaseReply,
                serde_json::json!({ "title": "School place" }),
            ),
            Locale::En,
        );
        assert!(mail.subject.contains("FW000042"), "{mail:?}");
        assert!(
            mail.body.contains("https://talent.example.gov.cn/cases/42"),
            "{mail:?}"
        );
        let zh = notification_mail(
            "https://talent.example.gov.cn",
            &notification(
                NoticeKind::CaseReply,
                serde_json::json!({ "title": "入学" }),
            ),
            Locale::ZhCn,
        );
        assert!(
            zh.body.contains("入学") && zh.subject.contains("FW000042"),
            "{zh:?}"
        );
    }
}
