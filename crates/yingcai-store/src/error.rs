//! Storage errors.

/// What can go wrong with a storage call, as callers need to tell it apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule refused the write (e.g. an e-mail already registered); names the
    /// constraint or column so the caller can put the message next to the right field.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("database URL: {0}")]
    Url(#[from] UrlError),
    /// A stored value that does not read back as its type (written by hand, or by a
    /// version with other rules). Names where it is, never what it holds.
    #[error("{table} row {row}: the stored {column} is unreadable")]
    Corrupt {
        table: &'static str,
        row: i64,
        column: &'static str,
    },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                // PostgreSQL names the constraint; SQLite names the columns in its message.
                constraint: db
                    .constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| db.message().to_owned()),
            },
            other => StoreError::Other(other.into()),
        }
    }
}

/// A database URL yingcai cannot use.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error(
        "unsupported database URL scheme `{scheme}`: use sqlite://path/to/file.sqlite or postgres://user@host:5432/database"
    )]
    UnknownScheme { scheme: String },
    #[error("the database URL is empty")]
    Empty,
}
