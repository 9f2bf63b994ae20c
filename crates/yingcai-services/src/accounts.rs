//! Account operations shared by the pages, the JSON API and the CLI. Each one checks its
//! input completely before writing anything, and writes in one transaction.

use std::net::IpAddr;

use yingcai_domain::{
    DisplayName, Email, FieldError, FieldErrors, Locale, Password, Phone, Redacted, Role, RoleSet,
};
use yingcai_store::{Account, Actor, NewAccount, SessionKind, Store, StoreError, now_ms};

use crate::{Error, security};

/// What a sign-up form or API call submits, unchecked. `Debug` hides the passwords.
#[derive(Default, serde::Deserialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    /// `talent` or `enterprise`.
    pub role: String,
    pub display_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    pub password: String,
    /// Must equal `password` (the API may omit it).
    #[serde(default)]
    pub password_confirm: Option<String>,
}

impl std::fmt::Debug for RegistrationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationInput")
            .field("role", &self.role)
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .field("phone", &self.phone)
            .field("password", &Redacted(&self.password))
            .field(
                "password_confirm",
                &self.password_confirm.as_deref().map(Redacted),
            )
            .finish()
    }
}

pub async fn register(
    store: &Store,
    input: &RegistrationInput,
    locale: Locale,
) -> Result<Account, Error> {
    let mut errors = FieldErrors::new();
    // Whatever was sent, a sign-up can only be a talent or an enterprise, and says so.
    let role = errors.check(
        Role::parse("role", &input.role)
            .ok()
            .filter(|r| r.is_self_service())
            .ok_or_else(|| FieldError::new("role", "role-invalid")),
    );
    let display_name = errors.check(DisplayName::parse("display_name", &input.display_name));
    let email = errors.check(Email::parse(&input.email));
    let phone = errors.check(Phone::parse_optional(&input.phone));
    let password = errors.check(Password::parse("password", &input.password));
    if let Some(confirm) = &input.password_confirm
        && password.is_some()
        && confirm != &input.password
    {
        errors.push(FieldError::new("password_confirm", "password-mismatch"));
    }
    let (Some(role), Some(display_name), Some(email), Some(phone), Some(password)) =
        (role, display_name, email, phone, password)
    else {
        // Every `None` above recorded its field error.
        return Err(errors.into());
    };
    errors.into_result()?;
    let new = NewAccount {
        email,
        display_name,
        phone,
        password_hash: security::hash_password(password.expose().to_owned()).await?,
        roles: RoleSet::one(role),
        locale,
        must_change_password: false,
    };
    create(store, &new, &Actor::SignUp).await
}

async fn create(store: &Store, new: &NewAccount, actor: &Actor) -> Result<Account, Error> {
    match store.create_account(new, actor).await {
        Ok(id) => Ok(store.account(id).await?),
        Err(StoreError::Conflict { .. }) => Err(Error::field("email", "email-taken")),
        Err(other) => Err(other.into()),
    }
}

/// A successful sign-in: the account and the token to hand to the client.
pub struct SignedIn {
    pub account: Account,
    pub token: String,
    pub expires_at: i64,
}

/// `Debug` hides the session token.
impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("account", &self.account)
            .field("token", &Redacted(&self.token))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// How long a sign-in lasts and when failed attempts pause further ones (from the site's
/// settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInRules {
    /// Hours a sign-in lasts.
    pub session_hours: u32,
    /// Failed sign-ins per account from one address within the window before that address
    /// is paused for that account.
    pub max_failures_per_account: u32,
    /// Failed sign-ins per client address within the window before it is paused.
    pub max_failures_per_address: u32,
    /// The throttling window, in minutes.
    pub throttle_minutes: u32,
}

/// Checks the password, with throttling per account *and address* and per address: after
/// too many failures within the window, even the right password is refused from there until
/// the window passes. Counting an account's failures per address means a stranger guessing
/// at someone's password pauses only their own attempts, never the owner's sign-in from
/// anywhere else; guessing from many addresses is still slowed at every one of them.
pub async fn sign_in(
    store: &Store,
    settings: &SignInRules,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
    kind: SessionKind,
) -> Result<SignedIn, Error> {
    let mut errors = FieldErrors::new();
    let email = errors.check(Email::parse(email));
    if password.is_empty() {
        errors.push(FieldError::new("password", "required"));
    }
    let email = match (errors.into_result(), email) {
        (Ok(()), Some(email)) => email,
        (Err(errors), _) => return Err(errors.into()),
        (Ok(()), None) => return Err(Error::field("email", "required")),
    };
    // Anything longer than the policy allows cannot be a password of ours; don't hash it.
    if password.chars().count() > Password::MAX_CHARS {
        return Err(Error::field("password", "credentials-invalid"));
    }

    let since = now_ms() - i64::from(settings.throttle_minutes) * 60_000;
    let account_key = match client {
        Some(ip) => format!("account:{email}@{ip}"),
        None => format!("account:{email}@unknown"),
    };
    let address_key = client.map(|ip| format!("address:{ip}"));
    if store.count_login_failures(&account_key, since).await?
        >= i64::from(settings.max_failures_per_account)
    {
        return Err(Error::Throttled);
    }
    if let Some(key) = &address_key
        && store.count_login_failures(key, since).await?
            >= i64::from(settings.max_failures_per_address)
    {
        return Err(Error::Throttled);
    }

    let credentials = store.credentials_by_email(&email).await?;
    let verified = match &credentials {
        Some(c) => security::verify_password(password.to_owned(), c.password_hash.clone()).await?,
        None => {
            security::burn_time(password.to_owned()).await;
            false
        }
    };
    let account = match credentials {
        Some(c) if verified && !c.account.disabled => c.account,
        _ => {
            let mut keys = vec![account_key.as_str()];
            keys.extend(address_key.as_deref());
            store.record_login_failure(&keys).await?;
            return Err(Error::field("password", "credentials-invalid"));
        }
    };
    store.clear_login_failures(&account_key).await?;
    let token = security::new_token();
    let expires_at = now_ms() + i64::from(settings.session_hours) * 3_600_000;
    store
        .create_session(
            &security::token_hash(&token),
            account.account_id,
            kind,
            expires_at,
            &Actor::account(account.account_id, account.email.clone()),
        )
        .await?;
    Ok(SignedIn {
        account,
        token,
        expires_at,
    })
}

/// Changes the caller's own password; other sessions end, the current one (if any) stays.
pub async fn change_password(
    store: &Store,
    account_id: i64,
    current: &str,
    new: &str,
    confirm: Option<&str>,
    keep_session_hash: Option<&str>,
) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    let password = errors.check(Password::parse("new_password", new));
    if let (Some(_), Some(confirm)) = (&password, confirm)
        && confirm != new
    {
        errors.push(FieldError::new("new_password_confirm", "password-mismatch"));
    }
    if current.is_empty() {
        errors.push(FieldError::new("current_password", "required"));
    }
    if password.is_some() && current == new {
        errors.push(FieldError::new("new_password", "password-unchanged"));
    }
    errors.into_result()?;
    let account = store.account(account_id).await?;
    let credentials = store
        .credentials_by_email(
            &Email::parse(&account.email)
                .map_err(|e| anyhow::anyhow!("stored e-mail invalid: {e}"))?,
        )
        .await?
        .ok_or(Error::NotFound)?;
    if current.chars().count() > Password::MAX_CHARS
        || !security::verify_password(current.to_owned(), credentials.password_hash).await?
    {
        return Err(Error::field("current_password", "credentials-invalid"));
    }
    let hash = security::hash_password(new.to_owned()).await?;
    store
        .set_password(
            account_id,
            &hash,
            false,
            keep_session_hash,
            &Actor::account(account_id, account.email.clone()),
        )
        .await?;
    Ok(())
}

/// What an admin submits to create a staff account (officer, reviewer, admin…), unchecked.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffInput {
    pub display_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Role names: `talent`, `enterprise`, `officer`, `reviewer`, `admin`.
    pub roles: Vec<String>,
}

/// Parses role names; an empty or unknown one is a field error on `roles`.
pub fn parse_roles<S: AsRef<str>>(names: &[S]) -> Result<RoleSet, FieldError> {
    let roles: Result<Vec<Role>, FieldError> = names
        .iter()
        .map(|n| Role::parse("roles", n.as_ref()))
        .collect();
    RoleSet::new(roles?).ok_or(FieldError::new("roles", "roles-required"))
}

/// Creates an account with a one-time password that must be changed at first sign-in.
/// Returns the account and that password, to be shown to the admin once.
pub async fn create_staff(
    store: &Store,
    input: &StaffInput,
    locale: Locale,
    actor: &Actor,
) -> Result<(Account, String), Error> {
    let mut errors = FieldErrors::new();
    let display_name = errors.check(DisplayName::parse("display_name", &input.display_name));
    let email = errors.check(Email::parse(&input.email));
    let phone = errors.check(Phone::parse_optional(&input.phone));
    let roles = errors.check(parse_roles(&input.roles));
    let (Some(display_name), Some(email), Some(phone), Some(roles)) =
        (display_name, email, phone, roles)
    else {
        // Every `None` above recorded its field error.
        return Err(errors.into());
    };
    errors.into_result()?;
    let temporary = security::temporary_password();
    let new = NewAccount {
        email,
        display_name,
        phone,
        password_hash: security::hash_password(temporary.clone()).await?,
        roles,
        locale,
        must_change_password: true,
    };
    Ok((create(store, &new, actor).await?, temporary))
}

/// Gives the account a new one-time password and signs it out everywhere.
pub async fn reset_password(
    store: &Store,
    account_id: i64,
    actor: &Actor,
) -> Result<String, Error> {
    store.account(account_id).await?;
    let temporary = security::temporary_password();
    let hash = security::hash_password(temporary.clone()).await?;
    store
        .set_password(account_id, &hash, true, None, actor)
        .await?;
    Ok(temporary)
}

/// Changes an account's roles. An admin cannot take the admin role from themselves, so
/// the platform never loses its last way in by a slip of the mouse.
pub async fn set_roles(
    store: &Store,
    actor: &Account,
    account_id: i64,
    roles: &RoleSet,
) -> Result<Account, Error> {
    if actor.account_id == account_id {
        if !roles.contains(Role::Admin) {
            return Err(Error::field("roles", "cannot-demote-self"));
        }
        // Separation of duties: an administrator who could make itself an officer could
        // read every talent's record unseen by anyone else; another administrator must.
        if roles.iter().any(|role| !actor.roles.contains(role)) {
            return Err(Error::field("roles", "cannot-grant-self"));
        }
    }
    store
        .set_roles(
            account_id,
            roles,
            &Actor::account(actor.account_id, actor.email.clone()),
        )
        .await?;
    Ok(store.account(account_id).await?)
}

pub async fn set_disabled(
    store: &Store,
    actor: &Account,
    account_id: i64,
    disabled: bool,
) -> Result<Account, Error> {
    if actor.account_id == account_id && disabled {
        return Err(Error::field("status", "cannot-disable-self"));
    }
    store
        .set_disabled(
            account_id,
            disabled,
            &Actor::account(actor.account_id, actor.email.clone()),
        )
        .await?;
    Ok(store.account(account_id).await?)
}

/// `yingcai admin create`: an admin account with a password chosen by the operator.
pub async fn create_admin(
    store: &Store,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<Account, Error> {
    let mut errors = FieldErrors::new();
    let email = errors.check(Email::parse(email));
    let display_name = errors.check(DisplayName::parse("display_name", display_name));
    let password = errors.check(Password::parse("password", password));
    let (Some(email), Some(display_name), Some(password)) = (email, display_name, password) else {
        // Every `None` above recorded its field error.
        return Err(errors.into());
    };
    errors.into_result()?;
    let new = NewAccount {
        email,
        display_name,
        phone: None,
        password_hash: security::hash_password(password.expose().to_owned()).await?,
        roles: RoleSet::one(Role::Admin),
        locale: Locale::ZhCn,
        must_change_password: false,
    };
    create(store, &new, &Actor::Cli).await
}

/// One demo login, printed by `serve --demo`.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: &'static str,
    pub password: &'static str,
}

/// The demo password is public on purpose: demo data is for trying the platform out.
pub const DEMO_PASSWORD: &str = "yingcai-demo-2026";

/// Creates (once) a demo account for every role. Safe to run at every start.
pub async fn seed_demo(store: &Store) -> Result<Vec<DemoLogin>, Error> {
    let demo = [
        (Role::Talent, "talent@demo.yingcai.cn", "王博士 Dr. Wang"),
        (
            Role::Enterprise,
            "enterprise@demo.yingcai.cn",
            "雄安智芯科技有限公司",
        ),
        (
            Role::Officer,
            "officer@demo.yingcai.cn",
            "李科员 Officer Li",
        ),
        // The industry service teams' other officers (the demo's teams: yingcai-web's demo).
        (
            Role::Officer,
            "officer2@demo.yingcai.cn",
            "王处长 Director Wang",
        ),
        (
            Role::Officer,
            "officer3@demo.yingcai.cn",
            "赵科长 Chief Zhao",
        ),
        (
            Role::Officer,
            "officer4@demo.yingcai.cn",
            "陈科员 Officer Chen",
        ),
        (
            Role::Officer,
            "officer5@demo.yingcai.cn",
            "刘科员 Officer Liu",
        ),
        (
            Role::Officer,
            "officer6@demo.yingcai.cn",
            "孙科长 Chief Sun",
        ),
        (
            Role::Reviewer,
            "reviewer@demo.yingcai.cn",
            "张教授 Prof. Zhang",
        ),
        (Role::Admin, "admin@demo.yingcai.cn", "系统管理员 Admin"),
    ];
    let hash = security::hash_password(DEMO_PASSWORD.to_owned()).await?;
    let mut logins = Vec::new();
    for (role, email, name) in demo {
        let parsed = Email::parse(email).map_err(|e| anyhow::anyhow!("demo e-mail: {e}"))?;
        if store.credentials_by_email(&parsed).await?.is_none() {
            let new = NewAccount {
                email: parsed,
                display_name: DisplayName::parse("display_name", name)
                    .map_err(|e| anyhow::anyhow!("demo name: {e}"))?,
                phone: None,
                password_hash: hash.clone(),
                roles: RoleSet::one(role),
                locale: Locale::ZhCn,
                must_change_password: false,
            };
            match store.create_account(&new, &Actor::System).await {
                // Another server seeding at the same moment got there first: fine.
                Ok(_) | Err(StoreError::Conflict { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        logins.push(DemoLogin {
            role,
            email,
            password: DEMO_PASSWORD,
        });
    }
    Ok(logins)
}
