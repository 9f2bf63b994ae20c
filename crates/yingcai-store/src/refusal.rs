//! Refusals: why an operation did not happen, one enum per operation.
//!
//! A refusal is either a reason a person can act on — a field and a stable code, shown as
//! the Fluent message `err-<code>` — or the storage failure that stopped the operation.
//! [`refusal!`](crate::refusal) writes the common shape (unit variants, each with its field,
//! code and plain-words message, plus `Store(StoreError)`); refusals that carry data
//! implement [`Refusal`] by hand.

use yingcai_domain::FieldErrors;

use crate::StoreError;

/// What every refusal enum answers, so services and the web convert any of them the same way.
pub trait Refusal: std::error::Error + Send + Sync + Sized + 'static {
    /// The fields and codes to show the person, `None` when the failure is ours.
    fn field_errors(&self) -> Option<FieldErrors>;
    /// The refusal as the person's to fix (`Ok`) or as the failure behind it (`Err`).
    fn into_fields(self) -> Result<FieldErrors, StoreError>;
}

/// Declares a refusal enum with unit variants `Name => (field, code, "message")` and a
/// `Store(StoreError)` variant, its `Display`, `Error`, `From<StoreError>`,
/// `From<anyhow::Error>`, [`Refusal`], `field_error()` and `CODES` (every code it answers,
/// for the translations test).
#[macro_export]
macro_rules! refusal {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident => ($field:literal, $code:literal, $message:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )+
            /// The storage failed: nothing here is the person's to fix.
            Store($crate::StoreError),
        }

        impl $name {
            /// Every code this refusal answers.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The field and code a person can act on (`None` for `Store`).
            pub fn field_error(&self) -> Option<$crate::__domain::FieldError> {
                match self {
                    $( $name::$variant => Some($crate::__domain::FieldError::new($field, $code)), )+
                    $name::Store(_) => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( $name::$variant => f.write_str($message), )+
                    $name::Store(error) => std::fmt::Display::fmt(error, f),
                }
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    $name::Store(error) => Some(error),
                    _ => None,
                }
            }
        }

        impl From<$crate::StoreError> for $name {
            fn from(error: $crate::StoreError) -> Self {
                $name::Store(error)
            }
        }

        impl From<$crate::__sqlx::Error> for $name {
            fn from(error: $crate::__sqlx::Error) -> Self {
                $name::Store(error.into())
            }
        }

        impl From<$crate::__anyhow::Error> for $name {
            fn from(error: $crate::__anyhow::Error) -> Self {
                $name::Store($crate::StoreError::Other(error))
            }
        }

        impl $crate::Refusal for $name {
            fn field_errors(&self) -> Option<$crate::__domain::FieldErrors> {
                self.field_error().map(Into::into)
            }

            fn into_fields(self) -> Result<$crate::__domain::FieldErrors, $crate::StoreError> {
                match self {
                    $( $name::$variant => Ok($crate::__domain::FieldError::new($field, $code).into()), )+
                    $name::Store(error) => Err(error),
                }
            }
        }
    };
}
