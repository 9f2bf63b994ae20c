//! Notifications by e-mail: optional (a site without SMTP settings only shows them on the
//! site), sent by the `notification-mail` job through the site's mail server.
//!
//! Each notification is e-mailed at most once: a run takes it (in the store, so that
//! several servers never send it twice) before sending, gives it back if the server could
//! not be reached or answered "try later" (the next run tries again), and keeps the reason
//! if the server refused it for good. The password never reaches a log or `Debug`.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use yingcai_domain::Locale;
use yingcai_store::{AccountNotification, Store};

use crate::Error;

/// How the site reaches its mail server (`[web.smtp]` in the settings).
#[derive(Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// The mail server, e.g. `smtp.example.gov.cn`.
    pub host: String,
    /// 587 (submission, with STARTTLS) unless told otherwise.
    #[serde(default = "submission_port")]
    pub port: u16,
    /// The sender, e.g. `英才 <noreply@talent.example.gov.cn>`.
    pub from: String,
    /// Signs in to the server when given (with `password`).
    #[serde(default)]
    pub username: Option<String>,
    /// Never printed: left out of `Debug` and of printed settings.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Upgrade the connection with STARTTLS before anything is sent (required, not
    /// opportunistic). Only a server on the same machine or network should go without.
    #[serde(default = "yes")]
    pub starttls: bool,
}

fn submission_port() -> u16 {
    587
}

fn yes() -> bool {
    true
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .field("starttls", &self.starttls)
            .finish()
    }
}

/// An e-mail's words, in its reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    /// Plain text.
    pub body: String,
}

/// Words a notification for its reader: the web's catalogues know them.
pub type RenderMail = Arc<dyn Fn(&AccountNotification, Locale) -> MailText + Send + Sync>;

/// Why one e-mail did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server refused it for good (a bad address): not tried again.
    Refused(String),
    /// The server could not be reached, or asked to try later.
    Failed(String),
}

/// The site's mail server, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Checks the settings and builds the transport (nothing is connected yet).
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Mailer> {
        anyhow::ensure!(!settings.host.trim().is_empty(), "smtp.host is empty");
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("smtp.from {:?}: {e}", settings.from))?;
        let mut builder = if settings.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|e| anyhow::anyhow!("smtp.host {:?}: {e}", settings.host))?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
        }
        .port(settings.port)
        .timeout(Some(Duration::from_secs(30)));
        match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
            (None, None) => {}
            _ => anyhow::bail!("smtp.username and smtp.password go together"),
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text e-mail.
    pub async fn send(&self, to: &str, text: &MailText) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::Refused(format!("address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text.body.clone())
            .map_err(|e| SendError::Refused(format!("message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(SendError::Refused(error.to_string())),
            Err(error) => Err(SendError::Failed(error.to_string())),
        }
    }
}

/// Notifications older than this are not e-mailed any more (after a long outage, or when
/// e-mail is switched on): the site still shows them.
pub const MAIL_WITHIN_MS: i64 = 3 * 24 * 3_600_000;

/// What one mail run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailReport {
    pub sent: usize,
    /// Refused for good by the server (or the account is disabled): not tried again.
    pub refused: usize,
    /// Why the run stopped early: the server could not take mail now. The rest waits
    /// for the next run.
    pub failed: Option<String>,
}

/// E-mails the notifications not yet e-mailed (created within [`MAIL_WITHIN_MS`] of
/// `now`), each in its reader's language, at most `limit` of them.
pub async fn send_notifications(
    store: &Store,
    mailer: &Mailer,
    render: &RenderMail,
    now: i64,
    limit: i64,
) -> Result<MailReport, Error> {
    let mut report = MailReport::default();
    for notification in store
        .notifications_to_email(now - MAIL_WITHIN_MS, limit)
        .await?
    {
        let id = notification.notification_id;
        if !store.claim_notification_email(id, now).await? {
            continue;
        }
        let account = store.account(notification.account_id).await?;
        if account.disabled {
            store
                .release_notification_email(id, Some("the account is disabled"))
                .await?;
            report.refused += 1;
            continue;
        }
        let text = render(&notification, account.locale);
        match mailer.send(&account.email, &text).await {
            Ok(()) => report.sent += 1,
            Err(SendError::Refused(why)) => {
                store.release_notification_email(id, Some(&why)).await?;
                report.refused += 1;
            }
            Err(SendError::Failed(why)) => {
                store.release_notification_email(id, None).await?;
                report.failed = Some(why);
                break;
            }
        }
    }
    Ok(report)
}
