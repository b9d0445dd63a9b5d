//! The machine role: the EC2 instance profile (IMDSv2) or the ECS/EKS container credentials,
//! through aws-config's own providers ([`ImdsCredentialsProvider`], [`EcsCredentialsProvider`]).
//!
//! This module does not implement either protocol; it chooses the service, hands aws-config this
//! crate's HTTPS client and timeouts, and turns aws-config's errors into [`CredentialError`]s.
//!
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::imds::client::error::ImdsError;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use super::http::HttpClient;
use super::options::{Environment, ProviderOptions};
use super::CredentialProvider;
use crate::connector::is_http_url;
use crate::credentials::Credentials;
use crate::error::{kind_for_aws_code, CredentialError, ErrorKind};
use crate::interop::{from_sdk_credentials, transport_kind_in_chain};

/// Which service holds the machine's role credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MachineRoleKind {
    /// The EC2 instance metadata service, version 2 (session token first).
    Imds,
    /// The ECS/EKS container credentials endpoint.
    Ecs,
}

impl MachineRoleKind {
    /// `imds` or `ecs`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MachineRoleKind::Imds => "imds",
            MachineRoleKind::Ecs => "ecs",
        }
    }

    /// The container endpoint when `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set in `env`, else IMDS.
    ///
    /// ```
    /// use aws_connector::{Environment, MachineRoleKind};
    ///
    /// let ecs = Environment::from_vars([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")]);
    /// assert_eq!(MachineRoleKind::detect(&ecs), MachineRoleKind::Ecs);
    /// assert_eq!(MachineRoleKind::detect(&Environment::empty()), MachineRoleKind::Imds);
    /// ```
    pub fn detect(env: &Environment) -> Self {
        if env.get(ENV_RELATIVE_URI).is_some() || env.get(ENV_FULL_URI).is_some() {
            MachineRoleKind::Ecs
        } else {
            MachineRoleKind::Imds
        }
    }

    const fn provider_name(self) -> &'static str {
        match self {
            MachineRoleKind::Imds => "machine-role-imds",
            MachineRoleKind::Ecs => "machine-role-ecs",
        }
    }

    const fn what(self) -> &'static str {
        match self {
            MachineRoleKind::Imds => "machine role (IMDS) credentials request",
            MachineRoleKind::Ecs => "machine role (container endpoint) credentials request",
        }
    }
}

impl fmt::Display for MachineRoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const ENV_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const ENV_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

/// The machine's role credentials, from IMDSv2 or the container endpoint, through aws-config's
/// own providers.
///
/// What aws-config decides (and this crate documents rather than changes):
/// - The container provider reads **only the process environment**
///   (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`,
///   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, `AWS_CONTAINER_AUTHORIZATION_TOKEN`), rejects a
///   token with a trailing newline, accepts a plain-HTTP full URI only on a loopback or container
///   address, and uses fixed timeouts (2 s connect, 5 s read).
/// - aws-config's retry policies apply inside one call: IMDS retries 5xx and 401 answers (up to 4
///   attempts, not timeouts), the container provider retries transient failures (3 attempts).
/// - IMDS honours `AWS_EC2_METADATA_DISABLED` and, without an explicit endpoint,
///   `AWS_EC2_METADATA_SERVICE_ENDPOINT` from the process environment. When IMDS fails after it
///   once answered, aws-config returns the last credentials it got (extending an expired expiry by
///   a few minutes) rather than an error: EC2's "static stability".
///
/// ```no_run
/// use aws_connector::{CredentialProvider, MachineRoleProvider, ProviderOptions};
///
/// # async fn demo() -> Result<(), aws_connector::CredentialError> {
/// let provider = MachineRoleProvider::new(&ProviderOptions::new())?;
/// let creds = provider.provide().await?;
/// println!("{} via {}", creds.access_key_id(), provider.kind());
/// # Ok(()) }
/// ```
pub struct MachineRoleProvider {
    kind: MachineRoleKind,
    inner: Inner,
}

enum Inner {
    Imds(ImdsCredentialsProvider),
    Ecs(Box<EcsCredentialsProvider>),
}

impl MachineRoleProvider {
    /// A provider for the service chosen by [`ProviderOptions::machine_role`], else detected with
    /// [`MachineRoleKind::detect`] in [`ProviderOptions::environment`]. Uses the options' HTTP
    /// client, IMDS endpoint, and connect/read timeouts (IMDS only).
    ///
    /// No I/O happens here.
    ///
    /// # Errors
    /// [`InvalidConfiguration`](ErrorKind::InvalidConfiguration) when the IMDS endpoint override is
    /// not an absolute `http(s)://` URL.
    pub fn new(options: &ProviderOptions) -> Result<Self, CredentialError> {
        let kind = options
            .machine_role_kind()
            .unwrap_or_else(|| MachineRoleKind::detect(options.env()));
        let http = options.http_client_opt().cloned().unwrap_or_default();
        let inner = match kind {
            MachineRoleKind::Imds => Inner::Imds(imds_provider(options, &http)?),
            MachineRoleKind::Ecs => {
                let config = ProviderConfig::without_region().with_http_client(http.shared());
                Inner::Ecs(Box::new(
                    EcsCredentialsProvider::builder().configure(&config).build(),
                ))
            }
        };
        tracing::debug!(kind = kind.as_str(), "machine role provider created");
        Ok(MachineRoleProvider { kind, inner })
    }

    /// Which service this provider asks.
    pub fn kind(&self) -> MachineRoleKind {
        self.kind
    }
}

fn imds_provider(
    options: &ProviderOptions,
    http: &HttpClient,
) -> Result<ImdsCredentialsProvider, CredentialError> {
    let config = ProviderConfig::without_region().with_http_client(http.shared());
    let mut client = aws_config::imds::Client::builder().configure(&config);
    if let Some(endpoint) = options.imds_endpoint_override() {
        let invalid = || {
            CredentialError::invalid_configuration(format!(
                "imds endpoint `{endpoint}` is not an absolute http:// or https:// url"
            ))
        };
        if !is_http_url(endpoint) {
            return Err(invalid());
        }
        client = client.endpoint(endpoint).map_err(|_| invalid())?;
    }
    if let Some(t) = options.connect_timeout_opt() {
        client = client.connect_timeout(t);
    }
    if let Some(t) = options.read_timeout_opt() {
        client = client.read_timeout(t);
    }
    if let Some(t) = options.attempt_timeout_opt() {
        client = client.operation_attempt_timeout(t);
    }
    Ok(ImdsCredentialsProvider::builder()
        .configure(&config)
        .imds_client(client.build())
        .build())
}

impl fmt::Debug for MachineRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineRoleProvider")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl CredentialProvider for MachineRoleProvider {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        let result = match &self.inner {
            Inner::Imds(p) => p.provide_credentials().await,
            Inner::Ecs(p) => p.provide_credentials().await,
        };
        match result {
            Ok(c) => {
                let creds = from_sdk_credentials(&c, self.kind.provider_name());
                tracing::debug!(
                    kind = self.kind.as_str(),
                    access_key_id = creds.access_key_id(),
                    expiry = ?creds.expiry(),
                    "machine role credentials loaded"
                );
                Ok(creds)
            }
            Err(err) => {
                let err = map_error(self.kind, err);
                tracing::debug!(kind = self.kind.as_str(), error = %err, "machine role credentials failed");
                Err(err)
            }
        }
    }
}

/// aws-config's error → ours: transport failures by the connector error in the chain, HTTP
/// answers by their status, the rest by aws-config's variant.
fn map_error(kind: MachineRoleKind, err: CredentialsError) -> CredentialError {
    let what = kind.what();
    let error_kind = classify(&err);
    let source = Some(Arc::new(err) as crate::error::BoxError);
    match error_kind {
        ErrorKind::Transient | ErrorKind::Timeout => CredentialError::Transport {
            what: what.to_owned(),
            kind: error_kind,
            source,
        },
        ErrorKind::NotLoaded => CredentialError::NotLoaded {
            message: format!("{what} found no credentials"),
            source,
        },
        ErrorKind::InvalidConfiguration => CredentialError::InvalidConfiguration {
            message: format!("{what} is misconfigured"),
            source,
        },
        ErrorKind::MalformedResponse => CredentialError::MalformedResponse {
            message: format!("{what} got an answer it could not read"),
            source,
        },
        kind => CredentialError::Other {
            kind,
            message: format!("{what} failed ({kind})"),
            source,
        },
    }
}

fn classify(err: &CredentialsError) -> ErrorKind {
    if let Some(kind) = transport_kind_in_chain(err) {
        return kind;
    }
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(sdk) = e.downcast_ref::<SdkError<CredentialsError, HttpResponse>>() {
            match sdk {
                SdkError::TimeoutError(_) => return ErrorKind::Timeout,
                SdkError::ResponseError(_) => return ErrorKind::MalformedResponse,
                _ => {}
            }
        }
        if let Some(imds) = e.downcast_ref::<ImdsError>() {
            match imds {
                ImdsError::ErrorResponse(r) => {
                    return kind_for_status(r.response().status().as_u16());
                }
                ImdsError::IoError(_) => return ErrorKind::Transient,
                _ => {}
            }
        }
        if let Some(status) = status_in_message(&e.to_string()) {
            return kind_for_status(status);
        }
        next = e.source();
    }
    match err {
        CredentialsError::CredentialsNotLoaded(_) => ErrorKind::NotLoaded,
        CredentialsError::ProviderTimedOut(_) => ErrorKind::Timeout,
        CredentialsError::InvalidConfiguration(_) => ErrorKind::InvalidConfiguration,
        // aws-config reserves `Unhandled` for answers it cannot read (not UTF-8, not the JSON
        // credentials format, missing fields).
        CredentialsError::Unhandled(_) => ErrorKind::MalformedResponse,
        _ => ErrorKind::Other,
    }
}

/// A 404 from IMDS means "no role attached to this instance".
fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        404 => ErrorKind::NotLoaded,
        s => kind_for_aws_code("", Some(s)),
    }
}

/// The status in aws-config's container-provider message
/// `Non-success status from HTTP credential provider: StatusCode(401)` (the only place it keeps
/// it; the status is printed with `Debug`, so a bare `401` is accepted too).
fn status_in_message(message: &str) -> Option<u16> {
    const PREFIX: &str = "Non-success status from HTTP credential provider: ";
    let rest = &message[message.find(PREFIX)? + PREFIX.len()..];
    let rest = rest.strip_prefix("StatusCode(").unwrap_or(rest);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            status_in_message("Non-success status from HTTP credential provider: 401"),
            Some(401)
        );
        assert_eq!(
            status_in_message("Non-success status from HTTP credential provider: StatusCode(503)"),
            Some(503)
        );
        assert_eq!(status_in_message("something else: 401"), None);
        assert_eq!(kind_for_status(401), ErrorKind::AccessDenied);
        assert_eq!(kind_for_status(403), ErrorKind::AccessDenied);
        assert_eq!(kind_for_status(404), ErrorKind::NotLoaded);
        assert_eq!(kind_for_status(429), ErrorKind::Throttled);
        assert_eq!(kind_for_status(503), ErrorKind::Transient);
        assert_eq!(kind_for_status(400), ErrorKind::Other);
    }

    #[test]
    fn variants() {
        assert_eq!(
            classify(&CredentialsError::not_loaded("no")),
            ErrorKind::NotLoaded
        );
        assert_eq!(
            classify(&CredentialsError::unhandled("bad json")),
            ErrorKind::MalformedResponse
        );
        assert_eq!(
            classify(&CredentialsError::provider_error(
                "Non-success status from HTTP credential provider: 403"
            )),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            classify(&CredentialsError::invalid_configuration("x")),
            ErrorKind::InvalidConfiguration
        );
    }

    #[test]
    fn bad_imds_endpoint_is_a_configuration_error() {
        let options = ProviderOptions::new()
            .machine_role(MachineRoleKind::Imds)
            .imds_endpoint("169.254.169.254");
        let err = MachineRoleProvider::new(&options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    }
}
