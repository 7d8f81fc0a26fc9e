//! What every operation shares on the wire: query pairs and flags, and
//! reading a success answer's JSON into a typed value.

use serde::de::DeserializeOwned;

use super::client::ApiResponse;
use super::error::{ClientError, OpContext};

/// A body that says nothing: empty, whitespace, `null` or `{}`.
pub(crate) fn is_empty_body(body: &[u8]) -> bool {
    let trimmed = body.trim_ascii();
    trimmed.is_empty()
        || trimmed == b"null"
        || serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(trimmed)
            .is_ok_and(|m| m.is_empty())
}

pub(crate) fn decode<T: DeserializeOwned>(
    context: &OpContext,
    resp: &ApiResponse,
) -> Result<T, ClientError> {
    if is_empty_body(&resp.body) {
        return Err(ClientError::EmptyBody {
            context: context.clone(),
            status: resp.status,
            request_id: resp.request_id.clone(),
        });
    }
    // serde_json's message gives a position, never the body's content.
    serde_json::from_slice(&resp.body).map_err(|e| ClientError::Decode {
        context: context.clone(),
        status: resp.status,
        request_id: resp.request_id.clone(),
        detail: format!("the body is not the expected JSON ({e})"),
    })
}

/// A success answer that is well-formed JSON but not what was asked for.
pub(crate) fn unexpected(context: &OpContext, resp: &ApiResponse, detail: &str) -> ClientError {
    ClientError::Decode {
        context: context.clone(),
        status: resp.status,
        request_id: resp.request_id.clone(),
        detail: detail.to_owned(),
    }
}

/// A bare query flag (`?accept`), as the Go SDK sends action selectors.
pub(crate) fn flag(name: &str) -> (String, String) {
    (name.to_owned(), String::new())
}

/// A query parameter.
pub(crate) fn pair(name: &str, value: impl Into<String>) -> (String, String) {
    (name.to_owned(), value.into())
}
