//! Baidu STS `AssumeRole`: temporary credentials of a role in another
//! account, and a [`RoleSession`] that renews them before they expire.
//!
//! The call is `POST /v1/credential?assumeRole&accountId=…&roleName=…&
//! durationSeconds=…[&userId=…]`, with an optional JSON access policy as the
//! body, signed with the caller's own keys (bce-sdk-go `services/sts/api`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::client::{ApiRequest, BaiduClient, CallOptions};
use super::error::{ClientError, OpContext, Operation};
use super::retry::Limits;
use super::wire::{flag, pair, unexpected};
use bce_auth::credentials::{Credentials, SecretString};

/// bce-sdk-go's STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.bj.baidubce.com";
/// bce-sdk-go's default session length for `AssumeRole`: two hours.
pub const DEFAULT_DURATION_SECS: u32 = 7200;
/// Credentials are renewed this long before they expire, or at half their
/// life when that is shorter, so no request is signed with a key about to lapse.
const RENEW_AHEAD: Duration = Duration::from_secs(300);

/// What to ask STS for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    /// The account that owns the role.
    pub account_id: String,
    pub role_name: String,
    /// A sub-user of that account to act as (Baidu's optional `userId`).
    pub user_id: Option<String>,
    /// An access policy (JSON) narrowing what the credentials may do.
    pub acl: Option<String>,
    pub duration_secs: u32,
}

/// Temporary credentials and when they stop working.
#[derive(Debug, Clone)]
pub struct SessionCredentials {
    pub credentials: Credentials,
    pub expiration: OffsetDateTime,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialBody {
    #[serde(alias = "AccessKeyId")]
    access_key_id: String,
    #[serde(alias = "SecretAccessKey")]
    secret_access_key: String,
    #[serde(alias = "SessionToken")]
    session_token: String,
    #[serde(alias = "Expiration")]
    expiration: String,
}

impl BaiduClient {
    /// Asks STS (this client's endpoint) for credentials of `request`'s role,
    /// signed with this client's credentials.
    pub async fn assume_role(
        &self,
        request: &AssumeRoleRequest,
        opts: &CallOptions,
    ) -> Result<SessionCredentials, ClientError> {
        self.assume_role_within(request, &opts.limits).await
    }

    async fn assume_role_within(
        &self,
        request: &AssumeRoleRequest,
        limits: &Limits,
    ) -> Result<SessionCredentials, ClientError> {
        let context = OpContext::new(Operation::AssumeRole, None);
        let mut query = vec![
            flag("assumeRole"),
            pair("durationSeconds", request.duration_secs.to_string()),
            pair("accountId", request.account_id.clone()),
            pair("roleName", request.role_name.clone()),
        ];
        if let Some(user) = &request.user_id {
            query.push(pair("userId", user.clone()));
        }
        let req = ApiRequest {
            context: context.clone(),
            method: Method::POST,
            path: "/v1/credential".to_owned(),
            query,
            body: request.acl.as_ref().map(|acl| acl.as_bytes().to_vec()),
        };
        let resp = self.execute(&req, limits).await?;
        let body: CredentialBody = serde_json::from_slice(&resp.body).map_err(|e| {
            unexpected(
                &context,
                &resp,
                &format!("the answer is not STS credentials: {e}"),
            )
        })?;
        let expiration = OffsetDateTime::parse(&body.expiration, &Rfc3339).map_err(|e| {
            unexpected(
                &context,
                &resp,
                &format!(
                    "the credentials' expiration {:?} is not an RFC 3339 time: {e}",
                    body.expiration
                ),
            )
        })?;
        Ok(SessionCredentials {
            credentials: Credentials::new(
                body.access_key_id,
                SecretString::new(body.secret_access_key),
            )
            .with_session_token(SecretString::new(body.session_token)),
            expiration,
        })
    }
}

/// The credentials of an assumed role, renewed through STS shortly before
/// they expire, so a Terraform run longer than the session keeps working.
pub struct RoleSession {
    sts: BaiduClient,
    request: AssumeRoleRequest,
    current: tokio::sync::Mutex<SessionCredentials>,
}

impl fmt::Debug for RoleSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleSession")
            .field("sts", &self.sts.endpoint().as_str())
            .field("account_id", &self.request.account_id)
            .field("role_name", &self.request.role_name)
            .finish()
    }
}

impl RoleSession {
    /// Assumes the role once through `sts` (a client signed with the
    /// caller's own keys) and keeps what it needs to renew.
    pub async fn start(
        sts: BaiduClient,
        request: AssumeRoleRequest,
        opts: &CallOptions,
    ) -> Result<Self, ClientError> {
        let first = sts.assume_role(&request, opts).await?;
        Ok(Self {
            sts,
            request,
            current: tokio::sync::Mutex::new(first),
        })
    }

    /// The credentials in use now (without renewing them).
    pub async fn current(&self) -> SessionCredentials {
        self.current.lock().await.clone()
    }

    /// Credentials to sign a request made at `now`: the current ones, or new
    /// ones when those are about to expire.
    ///
    /// Boxed: a renewal is an STS call made from inside a request of the
    /// client it renews for, so the future types would nest without end.
    pub(crate) fn credentials_at<'a>(
        &'a self,
        now: OffsetDateTime,
        limits: &'a Limits,
    ) -> Pin<Box<dyn Future<Output = Result<Credentials, ClientError>> + Send + 'a>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            let lifetime = Duration::from_secs(u64::from(self.request.duration_secs));
            let ahead = RENEW_AHEAD.min(lifetime / 2);
            if now + ahead >= current.expiration {
                tracing::debug!(
                    account_id = %self.request.account_id,
                    role_name = %self.request.role_name,
                    expiration = %current.expiration,
                    "renewing the assumed role's credentials"
                );
                *current = self
                    .sts
                    .assume_role_within(&self.request, limits)
                    .await
                    .map_err(|e| ClientError::CredentialRenewal(Box::new(e)))?;
            }
            Ok(current.credentials.clone())
        })
    }
}
