//! The API's errors: each variant has an HTTP status and a stable code, and renders as an
//! [ErrorBody] `{code, message}`.

use crate::backend::BackendError;
use aigov_state::StoreError;
use aigov_types::api::ErrorBody;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a request failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// A malformed path parameter, query string or body (HTTP 400, `bad_request`).
    #[error("{0}")]
    BadRequest(String),
    /// Nothing there: an unknown route, transaction or block (HTTP 404, `not_found`).
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not for this method (HTTP 405, `method_not_allowed`).
    #[error("method {method} is not allowed on {path}")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The request path.
        path: String,
    },
    /// The body exceeds [crate::MAX_BODY_BYTES] (HTTP 413, `payload_too_large`).
    #[error("request body is larger than {max} bytes")]
    PayloadTooLarge {
        /// The limit.
        max: usize,
    },
    /// A body in a format the route does not take (HTTP 415, `unsupported_media_type`).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The node refused a transaction; `code` is the admission code (`bad_signature`,
    /// `stale_nonce`, ...). HTTP 400, 409 for `duplicate_tx`, 503 for `mempool_full`.
    #[error("{message}")]
    Rejected {
        /// Stable admission code.
        code: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The node is starting or catching up (HTTP 503, `unavailable`).
    #[error("{0}")]
    Unavailable(String),
    /// Storage or another internal failure (HTTP 500, `internal`).
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Rejected { code, .. } => match *code {
                "duplicate_tx" => StatusCode::CONFLICT,
                "mempool_full" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            },
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Rejected { code, .. } => code,
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The response body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

impl From<BackendError> for ApiError {
    fn from(e: BackendError) -> Self {
        match e {
            BackendError::Rejected { code, message } => ApiError::Rejected { code, message },
            BackendError::NotFound(m) => ApiError::NotFound(m),
            BackendError::Unavailable(m) => ApiError::Unavailable(m),
            BackendError::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(code = self.code(), "api error: {self}");
        }
        (status, Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_keep_their_code_and_get_their_status() {
        for (code, status) in [
            ("bad_signature", 400),
            ("tx_undecodable", 400),
            ("tx_oversized", 400),
            ("wrong_chain_id", 400),
            ("stale_nonce", 400),
            ("nonce_gap", 400),
            ("unknown_account", 400),
            ("insufficient_gas", 400),
            ("duplicate_tx", 409),
            ("mempool_full", 503),
        ] {
            let e: ApiError = BackendError::Rejected {
                code,
                message: "m".into(),
            }
            .into();
            assert_eq!(e.status().as_u16(), status, "{code}");
            assert_eq!(e.body().code, code);
            assert_eq!(e.body().message, "m");
        }
    }

    #[test]
    fn backend_errors_map_to_statuses() {
        let cases = [
            (BackendError::NotFound("x".into()), 404, "not_found"),
            (BackendError::Unavailable("x".into()), 503, "unavailable"),
            (BackendError::Internal("x".into()), 500, "internal"),
        ];
        for (e, status, code) in cases {
            let e = ApiError::from(e);
            assert_eq!((e.status().as_u16(), e.code()), (status, code));
        }
        let e = ApiError::from(StoreError::Read("disk".into()));
        assert_eq!((e.status().as_u16(), e.code()), (500, "internal"));
    }
}
