//! Per-request context: who is asking, in which language, with which anti-forgery token.
//!
//! Everything comes from the request and the database (sessions are rows), so any app
//! server can answer any request.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;
use yingcai_domain::{Locale, Role};
use yingcai_store::{Account, Actor, SessionKind};

use crate::{AppError, AppState, security};

pub(crate) const SESSION_COOKIE: &str = "yc_session";
pub(crate) const CSRF_COOKIE: &str = "yc_csrf";
pub(crate) const LANG_COOKIE: &str = "yc_lang";
pub(crate) const CSRF_FIELD: &str = "csrf";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// The caller of one request. `Debug` hides the session hash and anti-forgery token.
#[derive(Clone)]
pub struct Ctx {
    pub locale: Locale,
    pub account: Option<Account>,
    /// SHA-256 of the session token, if signed in.
    pub(crate) session_hash: Option<String>,
    pub(crate) session_kind: Option<SessionKind>,
    /// The anti-forgery token to put in forms (from the cookie, or new).
    pub(crate) csrf: String,
    /// The cookie did not exist yet: the response must set it.
    pub(crate) csrf_is_new: bool,
    /// Path and query of this request (for the language switcher and `next=`).
    pub(crate) path: String,
    pub(crate) client_addr: Option<IpAddr>,
    pub(crate) secure: bool,
    /// The account's unread notifications (for the page header; 0 for API tokens).
    pub(crate) unread_notifications: i64,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("locale", &self.locale)
            .field("account", &self.account)
            .field(
                "session_hash",
                &self.session_hash.as_deref().map(yingcai_domain::Redacted),
            )
            .field("session_kind", &self.session_kind)
            .field("csrf", &yingcai_domain::Redacted(&self.csrf))
            .field("path", &self.path)
            .field("client_addr", &self.client_addr)
            .finish()
    }
}

impl Ctx {
    pub(crate) async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
        path: &str,
    ) -> Result<Ctx, AppError> {
        let cookies = cookies(headers);
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let (token, expected_kind) = match bearer {
            Some(token) => (Some(token.to_owned()), SessionKind::Api),
            None => (cookie_value(&cookies, SESSION_COOKIE), SessionKind::Web),
        };
        let mut account = None;
        let mut session_hash = None;
        let mut session_kind = None;
        let mut unread_notifications = 0;
        if let Some(token) = token {
            let hash = security::token_hash(&token);
            if let Some(session) = state.store().session(&hash).await? {
                // A cookie must not be replayed as a bearer token or the reverse: each kind
                // has its own protections (CSRF for cookies).
                if session.kind == expected_kind {
                    let found = state.store().account(session.account_id).await?;
                    if !found.disabled {
                        if session.kind == SessionKind::Web {
                            unread_notifications = state
                                .store()
                                .unread_account_notifications(found.account_id)
                                .await?;
                        }
                        account = Some(found);
                        session_hash = Some(hash);
                        session_kind = Some(session.kind);
                    }
                }
            }
        }
        let (csrf, csrf_is_new) =
            match cookie_value(&cookies, CSRF_COOKIE).filter(|t| t.len() >= 32) {
                Some(token) => (token, false),
                None => (security::new_token(), true),
            };
        let locale = cookie_value(&cookies, LANG_COOKIE)
            .and_then(|tag| Locale::from_tag(&tag))
            .or_else(|| {
                account
                    .as_ref()
                    .filter(|_| !has_accept_language(headers))
                    .map(|a| a.locale)
            })
            .unwrap_or_else(|| negotiate_locale(headers));
        Ok(Ctx {
            locale,
            account,
            session_hash,
            session_kind,
            csrf,
            csrf_is_new,
            path: path.to_owned(),
            client_addr: None,
            secure: state.settings().secure_cookies(),
            unread_notifications,
        })
    }

    /// Who the audit log should name for what this request changes.
    pub fn actor(&self) -> Actor {
        match &self.account {
            Some(a) => Actor::account(a.account_id, a.email.clone()),
            None => Actor::SignUp,
        }
    }

    /// The signed-in account, or `Unauthenticated`. An account whose password was reset
    /// can do nothing else until it sets a new one.
    pub fn signed_in(&self) -> Result<&Account, AppError> {
        let account = self.account.as_ref().ok_or(AppError::Unauthenticated)?;
        if account.must_change_password {
            return Err(AppError::MustChangePassword);
        }
        Ok(account)
    }

    /// The signed-in account if it holds `role`; otherwise 401 (anonymous) or 403.
    pub fn require(&self, role: Role) -> Result<&Account, AppError> {
        let account = self.signed_in()?;
        if account.has_role(role) {
            Ok(account)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub(crate) fn cookie<'c>(
        &self,
        name: &'c str,
        value: String,
        max_age_secs: Option<i64>,
    ) -> Cookie<'c> {
        let mut cookie = Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure);
        if let Some(secs) = max_age_secs {
            cookie = cookie.max_age(cookie::time::Duration::seconds(secs));
        }
        cookie.build()
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Ctx, AppError> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), ToString::to_string);
        let mut ctx = Ctx::from_headers(state, &parts.headers, &path).await?;
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let proxies = &state.settings().trusted_proxies;
        ctx.client_addr = client_addr(peer, &parts.headers, proxies);
        if peer.is_some_and(|p| is_trusted(p, proxies))
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https")
        {
            ctx.secure = true;
        }
        // The API, when authenticated by cookie, needs the anti-forgery token in a header
        // for anything that changes state; bearer tokens are not sent by browsers on their own.
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        // Nested routers see a shortened URI; the original one says whether this is the API.
        let original = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.0.path().to_owned());
        if original.starts_with("/api/")
            && unsafe_method
            && ctx.session_kind == Some(SessionKind::Web)
        {
            let header = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if ctx.csrf_is_new || !tokens_match(header, &ctx.csrf) {
                return Err(AppError::Csrf);
            }
        }
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

fn is_trusted(addr: IpAddr, proxies: &[ipnet::IpNet]) -> bool {
    // An IPv4 peer may arrive as an IPv4-mapped IPv6 address on a dual-stack socket.
    let addr = match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    };
    proxies.iter().any(|net| net.contains(&addr))
}

/// The client's address. `X-Forwarded-For` is a list each proxy appends to, so only its
/// right end is trustworthy: walking from the right, every address our own proxies added
/// is skipped and the first other one is the client. A client can write anything at the
/// left end, which is therefore never read unless every hop is ours.
fn client_addr(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    proxies: &[ipnet::IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    if !is_trusted(peer, proxies) {
        return Some(peer);
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !is_trusted(addr, proxies) {
                    break;
                }
            }
            // Garbage in the chain: the last address we could trust is the answer.
            Err(_) => break,
        }
    }
    Some(client)
}

fn cookies(headers: &HeaderMap) -> Vec<Cookie<'static>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| {
            Cookie::split_parse(v.to_owned())
                .filter_map(Result::ok)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn cookie_value(cookies: &[Cookie<'static>], name: &str) -> Option<String> {
    cookies
        .iter()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

fn has_accept_language(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ACCEPT_LANGUAGE)
}

/// The language from `Accept-Language`; Simplified Chinese when nothing matches.
pub(crate) fn negotiate_locale(headers: &HeaderMap) -> Locale {
    let cookie_choice =
        cookie_value(&cookies(headers), LANG_COOKIE).and_then(|tag| Locale::from_tag(&tag));
    if let Some(locale) = cookie_choice {
        return locale;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(accept_language::parse)
        .and_then(|tags| tags.iter().find_map(|t| Locale::from_tag(t)))
        .unwrap_or_default()
}

pub(crate) fn tokens_match(given: &str, expected: &str) -> bool {
    !given.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// A record's number from the path (`/officer/talents/{id}`): anything but a positive
/// number is this extractor's 404 (such a record cannot exist), so no handler parses ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Id, AppError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or(AppError::NotFound)
    }
}

/// A submitted form whose anti-forgery token has been checked, read into the operation's
/// input struct `T` (`pages::forms`): `CsrfForm(input): CsrfForm<SignInForm>`.
///
/// The token is checked first and then removed, so no input struct declares it; fields
/// the struct does not declare (a submit button's name) are ignored. Input structs take
/// text (`String`, `Vec<String>` for a repeated field) with `#[serde(default)]`, so a field
/// left blank or removed by a crafted request reads as empty, and their `check` turns the
/// text into domain types with every field error at once. A field that takes one value
/// but was sent several times reads as its first value. A field whose text does not fit
/// its declared type is a field error (422) naming it; a body that is not a form is 400.
/// Bytes that are not UTF-8 become U+FFFD, which the domain types refuse with a field
/// error. Nothing here is `Debug`: a form may carry passwords, identity numbers, accounts.
pub struct CsrfForm<T = NoFields>(pub T);

/// The input of a form that is only a button: the anti-forgery token and nothing else.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<CsrfForm<T>, AppError> {
        let (mut parts, body) = request.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest(
                "expected a form (application/x-www-form-urlencoded)".into(),
            ));
        }
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("the form is too large".into()))?;
        let mut pairs: Vec<(String, String)> = form_pairs(&bytes);
        let given = pairs
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map_or("", |(_, v)| v.as_str());
        // A new cookie means the browser sent none: whatever token the form carries is stale.
        if ctx.csrf_is_new || !tokens_match(given, &ctx.csrf) {
            return Err(AppError::Csrf);
        }
        pairs.retain(|(k, _)| k != CSRF_FIELD);
        read_form(pairs).map(CsrfForm)
    }
}

/// Reads a form's fields (the token already removed) into `T`; see [`CsrfForm`].
pub(crate) fn read_form<T: serde::de::DeserializeOwned>(
    mut pairs: Vec<(String, String)>,
) -> Result<T, AppError> {
    use serde_path_to_error::Segment;
    // Each round either succeeds, fails for good, or drops a repeated value: it ends.
    loop {
        let encoded = serde_urlencoded::to_string(&pairs)
            .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
        let deserializer = serde_html_form::Deserializer::from_bytes(encoded.as_bytes());
        let error = match serde_path_to_error::deserialize::<_, T>(deserializer) {
            Ok(input) => return Ok(input),
            Err(error) => error,
        };
        let name = match error.path().iter().next() {
            Some(Segment::Map { key }) => key.clone(),
            _ => String::new(),
        };
        let in_sequence = error
            .path()
            .iter()
            .any(|s| matches!(s, Segment::Seq { .. }));
        // A one-value field sent several times: the first value counts, as a browser
        // never sends such a form and a crafted one gets what `get` always gave.
        if !in_sequence && pairs.iter().filter(|(k, _)| *k == name).count() > 1 {
            let mut seen = false;
            pairs.retain(|(k, _)| *k != name || !std::mem::replace(&mut seen, true));
            continue;
        }
        return Err(match struct_fields::<T>().iter().find(|f| **f == name) {
            Some(field) => AppError::field(field, "value-invalid"),
            None => AppError::BadRequest(format!("the form could not be read: {}", error.inner())),
        });
    }
}

/// The field names a derived `Deserialize` struct declares (empty for anything else):
/// error messages name a field by the struct's own `&'static str`.
fn struct_fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor, value::Error};
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Fields<'_> {
        type Error = Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_else(|_| {
        // serde_urlencoded decodes lossily already; this branch only guards odd inputs.
        String::from_utf8_lossy(bytes)
            .split('&')
            .filter_map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            })
            .collect()
    })
}

/// A JSON request body, read but not yet parsed: handlers check who is asking first and
/// parse after, so a stranger gets 401 and a wrong role 403 whatever the body holds.
pub struct JsonBody {
    bytes: axum::body::Bytes,
    is_json: bool,
}

impl JsonBody {
    /// The body as `T`; malformed input is a 400 in the API's error format.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        if !self.is_json {
            return Err(AppError::BadRequest(
                "expected Content-Type: application/json".into(),
            ));
        }
        serde_json::from_slice(&self.bytes)
            .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))
    }
}

impl FromRequest<AppState> for JsonBody {
    type Rejection = AppError;

    async fn from_request(request: Request, _state: &AppState) -> Result<JsonBody, AppError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = axum::body::to_bytes(request.into_body(), 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("the body is too large".into()))?;
        Ok(JsonBody { bytes, is_json })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "fr-FR,en-US;q=0.8,zh-CN;q=0.5".parse().unwrap(),
        );
        assert_eq!(negotiate_locale(&headers), Locale::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "zh-TW;q=0.9,zh;q=0.8".parse().unwrap(),
        );
        assert_eq!(negotiate_locale(&headers), Locale::ZhCn);
        assert_eq!(negotiate_locale(&HeaderMap::new()), Locale::ZhCn);
        headers.insert(header::COOKIE, "yc_lang=en".parse().unwrap());
        assert_eq!(negotiate_locale(&headers), Locale::En);
    }

    #[test]
    fn the_client_address_is_believed_only_from_trusted_proxies() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/24".parse().unwrap()];
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let with = |xff: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", xff.parse().unwrap());
            headers
        };
        // Straight from the internet: the header is the client's own invention.
        assert_eq!(
            client_addr(Some(ip("203.0.113.9")), &with("1.2.3.4"), &proxies),
            Some(ip("203.0.113.9"))
        );
        // Through our proxy: the address it appended, not what the client wrote before it.
        assert_eq!(
            client_addr(
                Some(ip("10.0.0.5")),
                &with("1.2.3.4, 198.51.100.7"),
                &proxies
            ),
            Some(ip("198.51.100.7"))
        );
        // Two of our proxies in a row.
        assert_eq!(
            client_addr(
                Some(ip("10.0.0.5")),
                &with("1.2.3.4, 198.51.100.7, 10.0.0.9"),
                &proxies
            ),
            Some(ip("198.51.100.7"))
        );
        // No proxies configured: the header is ignored.
        assert_eq!(
            client_addr(Some(ip("10.0.0.5")), &with("1.2.3.4"), &[]),
            Some(ip("10.0.0.5"))
        );
        // Garbage in the chain stops the walk at the last trusted hop.
        assert_eq!(
            client_addr(Some(ip("10.0.0.5")), &with("1.2.3.4, nonsense"), &proxies),
            Some(ip("10.0.0.5"))
        );
        // IPv4-mapped peers count as their IPv4 address.
        assert_eq!(
            client_addr(Some(ip("::ffff:10.0.0.5")), &with("198.51.100.7"), &proxies),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn token_comparison_refuses_empty_and_different_tokens() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("", ""));
        assert!(!tokens_match("abd", "abc"));
    }

    #[test]
    fn debug_shows_no_secret_of_a_request() {
        let ctx = Ctx {
            locale: Locale::En,
            account: None,
            session_hash: Some("5e55104a4a5h".into()),
            session_kind: Some(SessionKind::Web),
            csrf: "csrfTOKENvalue".into(),
            csrf_is_new: false,
            path: "/".into(),
            client_addr: None,
            secure: false,
            unread_notifications: 0,
        };
        let shown = format!("{ctx:?}");
        assert!(
            !shown.contains("5e55104a4a5h") && !shown.contains("csrfTOKENvalue"),
            "{shown}"
        );
    }

    #[test]
    fn non_utf8_form_bytes_become_replacement_characters() {
        let pairs = form_pairs(b"name=%FF%FE&csrf=x");
        assert_eq!(pairs[0].1, "\u{FFFD}\u{FFFD}");
    }
}
