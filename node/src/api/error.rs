//! The API's one error shape, `{"error": message, "reason": label}`, and the extractors
//! that turn axum's own rejections (bad JSON, bad query strings, bad paths) into it.

use super::contract::ErrorAnswer;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tracing::warn;

use crate::data_dir::API_TOKEN_FILE;
use crate::ingest::IngestError;
use crate::publish::PublishError;
use crate::store::StoreError;

/// An answer other than success: a status, a short stable label and a message that
/// says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A short, stable label for scripts (`bad_json`, `not_found`, `bad_signature`…).
    pub reason: &'static str,
    /// A message for the operator.
    pub message: String,
}

impl ApiError {
    /// An error with `status`, `reason` and `message`.
    pub fn new(status: StatusCode, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            reason,
            message: message.into(),
        }
    }

    /// 400: the request is malformed.
    pub fn bad_request(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason, message)
    }

    /// 401: no token, or the wrong one.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!(
                "missing or wrong API token: send `Authorization: Bearer <token>` with the token \
                 in the data dir's `{API_TOKEN_FILE}` file"
            ),
        )
    }

    /// 404: no such record (or endpoint).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// A store failure: 507 when the disk is full, 500 otherwise.
    pub fn store(error: &StoreError) -> Self {
        match error {
            StoreError::DiskFull => Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                error.to_string(),
            ),
            other => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "storage",
                other.to_string(),
            ),
        }
    }

    /// A task that died (a panic in a blocking read): 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        let reason = error.reason();
        match &error {
            IngestError::Invalid(_)
            | IngestError::Refused(_)
            | IngestError::ConflictsWithRetracted { .. }
            | IngestError::RevisionOfRevision { .. }
            | IngestError::RevisionOfAnotherKind { .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, reason, error.to_string())
            }
            IngestError::RevisionOfRetracted { .. } => {
                Self::new(StatusCode::CONFLICT, reason, error.to_string())
            }
            IngestError::TooMany => Self::new(StatusCode::BAD_REQUEST, reason, error.to_string()),
            IngestError::Storage(store) => Self::store(store),
            IngestError::Shutdown => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, reason, error.to_string())
            }
        }
    }
}

impl From<PublishError> for ApiError {
    fn from(error: PublishError) -> Self {
        let reason = error.reason();
        match error {
            PublishError::Ingest(error) => error.into(),
            PublishError::Invalid(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, reason, error.to_string())
            }
            // Both answer "try again": once caught up, or once the publisher has
            // started again from the store.
            PublishError::Held(_) | PublishError::FeedMoved { .. } | PublishError::Shutdown => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, reason, error.to_string())
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::store(&error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = rejection.body_text();
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_type",
                format!("{message}: send `Content-Type: application/json`"),
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
            }
            _ => Self::bad_request("bad_json", message),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::bad_request("bad_query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::bad_request("bad_path", rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            warn!(status = %self.status, reason = self.reason, error = %self.message, "API request failed");
        }
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = (
            self.status,
            Json(ErrorAnswer {
                error: self.message,
                reason: self.reason.to_owned(),
            }),
        )
            .into_response();
        if unauthorized {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A JSON request body; every rejection answers in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(request, state).await?;
        Ok(ApiJson(value))
    }
}

/// Query parameters; every rejection answers in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// Path parameters; every rejection answers in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(value) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(ApiPath(value))
    }
}
