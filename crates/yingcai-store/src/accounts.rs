//! Accounts and their roles.

use yingcai_domain::{DisplayName, Email, Locale, Phone, Role, RoleSet};

use serde_json::json;

use crate::audit::{self, Actor, Change};
use crate::{Store, StoreError, dialect, now_ms};

/// What the audit log keeps of an account: no password hash, the phone masked.
fn snapshot(
    email: &str,
    display_name: &str,
    phone: Option<&str>,
    roles: &[String],
    locale: &str,
) -> serde_json::Value {
    json!({
        "email": email,
        "display_name": display_name,
        "phone": phone.map(mask_phone),
        "roles": roles,
        "locale": locale,
    })
}

/// `+*********8000`: enough to recognise, not enough to call.
fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let keep = chars.len().min(4);
    let (head, tail) = chars.split_at(chars.len() - keep);
    let prefix: String = head.iter().take_while(|c| **c == '+').collect();
    format!(
        "{prefix}{}{}",
        "*".repeat(head.len() - prefix.len()),
        tail.iter().collect::<String>()
    )
}

/// A new account, every field already checked. `Debug` leaves the hash out.
pub struct NewAccount {
    pub email: Email,
    pub display_name: DisplayName,
    pub phone: Option<Phone>,
    /// An argon2id PHC string: the store never sees a password.
    pub password_hash: String,
    pub roles: RoleSet,
    pub locale: Locale,
    /// An admin-created account gets a one-time password its holder must replace.
    pub must_change_password: bool,
}

/// An account as the rest of yingcai sees it (no password hash).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub locale: Locale,
    pub roles: RoleSet,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: i64,
}

impl Account {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(role)
    }
}

/// An account with its password hash, only for checking a sign-in. `Debug` leaves the
/// hash out.
pub struct AccountCredentials {
    pub account: Account,
    pub password_hash: String,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("phone", &self.phone)
            .field(
                "password_hash",
                &yingcai_domain::Redacted(&self.password_hash),
            )
            .field("roles", &self.roles)
            .field("locale", &self.locale)
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
}

impl std::fmt::Debug for AccountCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountCredentials")
            .field("account", &self.account)
            .field(
                "password_hash",
                &yingcai_domain::Redacted(&self.password_hash),
            )
            .finish()
    }
}

/// Which accounts an admin is looking at.
#[derive(Debug, Default, Clone)]
pub struct AccountFilter {
    pub role: Option<Role>,
    /// Matches e-mail or name, case-insensitively, anywhere.
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

const ACCOUNT_COLUMNS: &str =
    "account_id, email, display_name, phone, locale, disabled, must_change_password, created_at";

impl Store {
    /// Creates the account and its roles in one transaction.
    /// A taken e-mail address is `StoreError::Conflict` naming `email`.
    pub async fn create_account(&self, new: &NewAccount, actor: &Actor) -> Result<i64, StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let account_id: i64 = sqlx::query_scalar(
            "insert into account (email, display_name, phone, password_hash, locale, must_change_password, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $7) returning account_id",
        )
        .bind(new.email.as_str())
        .bind(new.display_name.as_str())
        .bind(new.phone.as_ref().map(Phone::as_str))
        .bind(&new.password_hash)
        .bind(new.locale.tag())
        .bind(i64::from(new.must_change_password))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { constraint: "email".into() },
            other => other,
        })?;
        for role in new.roles.iter() {
            sqlx::query(
                "insert into account_role (account_id, role, granted_at) values ($1, $2, $3)",
            )
            .bind(account_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let roles: Vec<String> = new.roles.iter().map(|r| r.as_str().to_owned()).collect();
        let after = snapshot(
            new.email.as_str(),
            new.display_name.as_str(),
            new.phone.as_ref().map(Phone::as_str),
            &roles,
            new.locale.tag(),
        );
        let change = Change {
            action: "account.create",
            entity: "account",
            entity_id: account_id.to_string(),
            before: None,
            after: Some(after),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(account_id)
    }

    pub async fn account(&self, account_id: i64) -> Result<Account, StoreError> {
        let row = sqlx::query_as::<_, AccountRow>(&format!(
            "select {ACCOUNT_COLUMNS} from account where account_id = $1"
        ))
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        self.account_with_roles(row).await
    }

    pub async fn credentials_by_email(
        &self,
        email: &Email,
    ) -> Result<Option<AccountCredentials>, StoreError> {
        let row = sqlx::query_as::<_, CredentialsRow>(&format!(
            "select {ACCOUNT_COLUMNS}, password_hash from account where email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(AccountCredentials {
                password_hash: row.password_hash,
                account: self.account_with_roles(row.account).await?,
            })),
        }
    }

    /// Accounts matching `filter`, newest first.
    pub async fn list_accounts(&self, filter: &AccountFilter) -> Result<Vec<Account>, StoreError> {
        let pattern = filter.text.as_deref().map(|t| {
            format!(
                "%{}%",
                t.trim()
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let rows = sqlx::query_as::<_, AccountRow>(&format!(
            "select {ACCOUNT_COLUMNS} from account a
             where ($1 is null or exists (select 1 from account_role r where r.account_id = a.account_id and r.role = $1))
               and ($2 is null or lower(email) like $2 escape '\\' or lower(display_name) like $2 escape '\\')
             order by account_id desc limit $3 offset $4"
        ))
        .bind(filter.role.map(Role::as_str))
        .bind(pattern)
        .bind(if filter.limit > 0 { filter.limit } else { 50 })
        .bind(filter.offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let mut accounts = Vec::with_capacity(rows.len());
        for row in rows {
            accounts.push(self.account_with_roles(row).await?);
        }
        Ok(accounts)
    }

    pub async fn count_accounts_with_role(&self, role: Role) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("select count(*) from account_role where role = $1")
                .bind(role.as_str())
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Replaces the password hash and ends every session of the account except `keep`
    /// (the session that made a self-service change), in one transaction.
    pub async fn set_password(
        &self,
        account_id: i64,
        password_hash: &str,
        must_change_password: bool,
        keep: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let updated = sqlx::query(
            "update account set password_hash = $1, must_change_password = $2, updated_at = $3 where account_id = $4",
        )
        .bind(password_hash)
        .bind(i64::from(must_change_password))
        .bind(now_ms())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let ended = sqlx::query("delete from session where account_id = $1 and token_hash <> $2")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let change = Change {
            // A one-time password is always an admin's (or operator's) reset.
            action: if must_change_password {
                "account.password.reset"
            } else {
                "account.password.change"
            },
            entity: "account",
            entity_id: account_id.to_string(),
            before: None,
            after: Some(
                json!({ "must_change_password": must_change_password, "sessions_ended": ended }),
            ),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the roles of an account.
    pub async fn set_roles(
        &self,
        account_id: i64,
        roles: &RoleSet,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("select account_id from account where account_id = $1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut before: Vec<String> =
            sqlx::query_scalar("select role from account_role where account_id = $1")
                .bind(account_id)
                .fetch_all(&mut *tx)
                .await?;
        before.sort();
        sqlx::query("delete from account_role where account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        for role in roles.iter() {
            sqlx::query(
                "insert into account_role (account_id, role, granted_at) values ($1, $2, $3)",
            )
            .bind(account_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("update account set updated_at = $1 where account_id = $2")
            .bind(now)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let mut after: Vec<&str> = roles.iter().map(Role::as_str).collect();
        after.sort_unstable();
        let change = Change {
            action: "account.roles",
            entity: "account",
            entity_id: account_id.to_string(),
            before: Some(json!({ "roles": before })),
            after: Some(json!({ "roles": after })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables (and signs out everywhere) or re-enables an account.
    pub async fn set_disabled(
        &self,
        account_id: i64,
        disabled: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let before: Option<i64> =
            sqlx::query_scalar("select disabled from account where account_id = $1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        let updated =
            sqlx::query("update account set disabled = $1, updated_at = $2 where account_id = $3")
                .bind(i64::from(disabled))
                .bind(now_ms())
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("delete from session where account_id = $1")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        let change = Change {
            action: "account.status",
            entity: "account",
            entity_id: account_id.to_string(),
            before: Some(json!({ "disabled": before.unwrap_or(0) != 0 })),
            after: Some(json!({ "disabled": disabled })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_locale(
        &self,
        account_id: i64,
        locale: Locale,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = dialect::begin_write(self.pool(), self.backend()).await?;
        let before: Option<String> =
            sqlx::query_scalar("select locale from account where account_id = $1")
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound);
        };
        if before == locale.tag() {
            return Ok(());
        }
        sqlx::query("update account set locale = $1, updated_at = $2 where account_id = $3")
            .bind(locale.tag())
            .bind(now_ms())
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            action: "account.locale",
            entity: "account",
            entity_id: account_id.to_string(),
            before: Some(json!({ "locale": before })),
            after: Some(json!({ "locale": locale.tag() })),
        };
        audit::append(&mut tx, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account of `row`, with its roles (read by a second query).
    async fn account_with_roles(&self, row: AccountRow) -> Result<Account, StoreError> {
        let roles: Vec<String> =
            sqlx::query_scalar("select role from account_role where account_id = $1")
                .bind(row.account_id)
                .fetch_all(self.pool())
                .await?;
        row.with_roles(&roles)
    }
}

/// An `account` row ([`ACCOUNT_COLUMNS`]) as stored; [`Account`] is it checked, with its
/// roles ([`AccountRow::with_roles`]).
#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: i64,
    email: String,
    display_name: String,
    phone: Option<String>,
    locale: String,
    /// 0 or 1.
    disabled: i64,
    /// 0 or 1.
    must_change_password: i64,
    created_at: i64,
}

/// [`AccountRow`] with the password hash, for checking a sign-in.
#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    account: AccountRow,
    password_hash: String,
}

impl AccountRow {
    /// The account with `roles` (its `account_role` rows). A role or locale this version
    /// does not know is an error naming the account's row.
    fn with_roles(self, roles: &[String]) -> Result<Account, StoreError> {
        let account_id = self.account_id;
        // A role this version does not know is named, not dropped: dropping it could
        // leave an officer signed in as a talent without anyone noticing.
        let roles = roles
            .iter()
            .map(|r| {
                r.parse::<Role>().map_err(|_| StoreError::Corrupt {
                    table: "account_role",
                    row: account_id,
                    column: "role",
                })
            })
            .collect::<Result<Vec<Role>, StoreError>>()?;
        Ok(Account {
            account_id,
            email: self.email,
            display_name: self.display_name,
            phone: self.phone,
            locale: Locale::from_tag(&self.locale).ok_or(StoreError::Corrupt {
                table: "account",
                row: account_id,
                column: "locale",
            })?,
            // An account whose roles were all removed keeps the least-privileged role so it
            // can still sign in and be seen; admins grant roles, never remove the last one.
            roles: RoleSet::new(roles).unwrap_or_else(|| RoleSet::one(Role::Talent)),
            disabled: self.disabled != 0,
            must_change_password: self.must_change_password != 0,
            created_at: self.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn phones_are_masked_but_recognisable() {
        assert_eq!(super::mask_phone("+8613800138000"), "+*********8000");
        assert_eq!(super::mask_phone("123"), "123");
    }
}
