//! Extractors whose rejections are [ApiError]s (JSON `bad_request`), not axum's plain text, and
//! parsers of path parameters with messages that say what was expected.

use crate::error::ApiError;
use aigov_types::{Hash, PublicKey, Slug};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A path parameter, rejected as `400 bad_request`.
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Self(v)),
            Err(e) if e.status().is_server_error() => Err(ApiError::Internal(e.body_text())),
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// A query string, rejected as `400 bad_request`.
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// At most this many characters of a bad value are echoed in an error message.
const ECHO_MAX: usize = 80;

/// `s` for an error message: quoted and shortened.
pub(crate) fn echo(s: &str) -> String {
    if s.chars().count() <= ECHO_MAX {
        format!("{s:?}")
    } else {
        let short: String = s.chars().take(ECHO_MAX).collect();
        format!("{short:?}...")
    }
}

/// A 64-hex-digit hash (transaction or receipt).
pub(crate) fn hash(name: &str, s: &str) -> Result<Hash, ApiError> {
    Hash::from_hex(s).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "{name} must be 64 hex digits (a SHA-256 hash), got {}",
            echo(s)
        ))
    })
}

/// A 64-hex-digit Ed25519 public key.
pub(crate) fn public_key(name: &str, s: &str) -> Result<PublicKey, ApiError> {
    PublicKey::from_hex(s).map_err(|e| ApiError::BadRequest(format!("{name} {}: {e}", echo(s))))
}

/// A member or organisation id.
pub(crate) fn slug(name: &str, s: &str) -> Result<Slug, ApiError> {
    Slug::new(s).map_err(|e| ApiError::BadRequest(format!("{name} {}: {e}", echo(s))))
}

/// A non-negative integer.
pub(crate) fn u64_param(name: &str, s: &str) -> Result<u64, ApiError> {
    s.parse::<u64>().map_err(|_| {
        ApiError::BadRequest(format!(
            "{name} must be a non-negative integer, got {}",
            echo(s)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_shortens_long_values() {
        assert_eq!(echo("ab"), "\"ab\"");
        let long = "x".repeat(500);
        assert!(echo(&long).len() < 100);
        // Multi-byte characters are cut on a character boundary.
        let wide = "é".repeat(200);
        assert!(echo(&wide).ends_with("..."));
    }

    #[test]
    fn parsers_reject_with_bad_request() {
        assert!(hash("hash", "zz").is_err());
        assert!(hash("hash", &"ab".repeat(32)).is_ok());
        assert!(public_key("pubkey", "00").is_err());
        assert!(slug("id", "FR").is_err());
        assert!(u64_param("height", "-1").is_err());
        assert_eq!(u64_param("height", "7"), Ok(7));
    }
}
