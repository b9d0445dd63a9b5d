//! The STS backends: GetSessionToken, GetFederationToken and AssumeRole through `aws-sdk-sts`,
//! with every connector field mapped into the request.
//!
//! The field mapping, region and endpoint rules are documented on [`StsProvider`].

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_sts::operation::assume_role::builders::AssumeRoleFluentBuilder;
use aws_sdk_sts::operation::get_federation_token::builders::GetFederationTokenFluentBuilder;
use aws_sdk_sts::operation::get_session_token::builders::GetSessionTokenFluentBuilder;
use aws_sdk_sts::types::{PolicyDescriptorType, Tag};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use time::OffsetDateTime;

use super::http::HttpClient;
use super::options::ProviderOptions;
use super::{CredentialProvider, SharedCredentialProvider, StaticKeyProvider};
use crate::connector::is_http_url;
use crate::connector::Connector;
use crate::credentials::Credentials;
use crate::error::{kind_for_aws_code, BoxError, CredentialError, ErrorKind};
use crate::mfa::{MfaChallenge, MfaCode, MfaTokenProvider, SharedMfaTokenProvider};
use crate::partition::Partition;
use crate::principal::PrincipalType;
use crate::source::CredentialSource;
use crate::template::{map_user_name, NameKind};

/// The region used when neither the connector nor the environment names one.
pub const DEFAULT_REGION: &str = "us-east-1";

const ENV_REGION: &str = "AWS_REGION";
const ENV_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
const ENV_ENDPOINT_STS: &str = "AWS_ENDPOINT_URL_STS";
const ENV_ENDPOINT: &str = "AWS_ENDPOINT_URL";
const ENV_IGNORE_ENDPOINTS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

/// Temporary credentials from STS for one connector and one caller: GetSessionToken,
/// GetFederationToken or AssumeRole according to the connector's principal type.
///
/// Every connector field goes into the request:
///
/// | connector field | GetSessionToken | GetFederationToken | AssumeRole |
/// |---|---|---|---|
/// | `role_arn` | | | `RoleArn` |
/// | `session_name` (template) | | | `RoleSessionName` |
/// | `federated_name` (template) | | `Name` | |
/// | `source_identity` (template) | | | `SourceIdentity` |
/// | `external_id` | | | `ExternalId` |
/// | `policy` | | `Policy` | `Policy` |
/// | `policy_arns` | | `PolicyArns` | `PolicyArns` |
/// | `tags` | | `Tags` | `Tags` |
/// | `transitive_tag_keys` | | | `TransitiveTagKeys` |
/// | `duration` (only when set) | `DurationSeconds` | `DurationSeconds` | `DurationSeconds` |
/// | `mfa_serial` + a fresh code | `SerialNumber`, `TokenCode` | | `SerialNumber`, `TokenCode` |
///
/// Templates are rendered with the caller's user name ([`ProviderOptions::user`]); the system
/// caller renders `{user}` as [`SYSTEM_USER_NAME`](crate::SYSTEM_USER_NAME).
///
/// **Region**: the connector's `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else
/// `us-east-1`. A region taken from the environment must be in the partition of the connector's
/// ARNs.
///
/// **Endpoint**, first found wins: [`ProviderOptions::sts_endpoint`], the connector's
/// `sts_endpoint`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` (both skipped when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the partition's regional endpoint
/// ([`Partition::sts_endpoint`]). Environment variables come from
/// [`ProviderOptions::environment`].
///
/// Each call makes exactly one attempt (no SDK retries: retrying is the cache's job) bounded by the
/// options' connect, read and attempt timeouts.
///
/// ```no_run
/// use aws_connector::{Connector, CredentialProvider, CredentialSource, PrincipalType, ProviderOptions, StsProvider};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let deploy = Connector::builder("deploy")
///     .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "example-secret"))
///     .principal(PrincipalType::AssumeRole)
///     .role_arn("arn:aws:iam::123456789012:role/Deploy")
///     .session_name("ci-{user}")
///     .build()?;
/// let provider = StsProvider::new(&deploy, &ProviderOptions::new().user("alice"))?;
/// assert_eq!(provider.session_name(), Some("ci-alice"));
/// let issued = provider.issue().await?;
/// println!("{:?} until {:?}", issued.principal_arn(), issued.credentials().expiry());
/// # Ok(()) }
/// ```
pub struct StsProvider {
    connector: Connector,
    names: Names,
    source: SharedCredentialProvider,
    mfa: Option<SharedMfaTokenProvider>,
    client: aws_sdk_sts::Client,
    region: String,
    endpoint: String,
}

/// Names rendered for the caller, once, at construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Names {
    session_name: Option<String>,
    federated_name: Option<String>,
    source_identity: Option<String>,
}

/// What STS returned besides the credentials.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IssuedCredentials {
    credentials: Credentials,
    principal_arn: Option<String>,
    principal_id: Option<String>,
    session_token_utilization: Option<i32>,
    source_identity: Option<String>,
}

impl IssuedCredentials {
    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Takes the credentials out.
    pub fn into_credentials(self) -> Credentials {
        self.credentials
    }

    /// The ARN of the session: `arn:aws:sts::123456789012:assumed-role/Deploy/ci-alice` or
    /// `arn:aws:sts::123456789012:federated-user/alice` (GetSessionToken returns none).
    pub fn principal_arn(&self) -> Option<&str> {
        self.principal_arn.as_deref()
    }

    /// The assumed-role id (`AROA…:session`) or federated user id (`123456789012:alice`).
    pub fn principal_id(&self) -> Option<&str> {
        self.principal_id.as_deref()
    }

    /// How much of the maximum session token size the returned token uses, in percent
    /// (AWS's `SessionTokenUtilization`; session policies and tags count towards it).
    pub fn session_token_utilization(&self) -> Option<i32> {
        self.session_token_utilization
    }

    /// The source identity AWS recorded (AssumeRole).
    pub fn source_identity(&self) -> Option<&str> {
        self.source_identity.as_deref()
    }
}

impl StsProvider {
    /// A provider for `connector` (principal type SessionToken, FederatedUser or AssumeRole) and
    /// the caller in `options`.
    ///
    /// Resolves the region and endpoint and renders the names now; no I/O happens here.
    ///
    /// # Errors
    /// [`InvalidConfiguration`](ErrorKind::InvalidConfiguration) when the connector is Provided
    /// (no STS call; use [`connector_provider`](crate::connector_provider)), has an `mfa_serial` but
    /// the options carry no [MFA token provider](ProviderOptions::mfa), has its source on the
    /// machine role without the `machine-role` feature, or when a region or endpoint taken from
    /// the options or the environment is malformed or in another partition.
    pub fn new(connector: &Connector, options: &ProviderOptions) -> Result<Self, CredentialError> {
        let principal = connector.principal();
        if principal == PrincipalType::Provided {
            return Err(CredentialError::invalid_configuration(format!(
                "connector `{}` is provided: it makes no sts call",
                connector.name()
            )));
        }
        let mfa = match (connector.mfa_serial(), options.mfa_provider()) {
            (Some(_), None) => {
                return Err(CredentialError::invalid_configuration(format!(
                    "connector `{}` has an mfa_serial but no mfa token provider was given",
                    connector.name()
                )))
            }
            (Some(_), Some(p)) => Some(p.clone()),
            (None, _) => None,
        };
        let http = options.http_client_opt().cloned().unwrap_or_default();
        let source = source_provider(connector, options)?;
        let target = resolve_target(connector, options)?;
        let client = sts_client(&target, options, &http);
        let names = render_names(connector, options.rendered_user());
        tracing::debug!(
            connector = connector.name(),
            principal = %principal,
            region = %target.region,
            endpoint = %target.endpoint,
            "sts provider created"
        );
        Ok(StsProvider {
            connector: connector.clone(),
            names,
            source,
            mfa,
            client,
            region: target.region,
            endpoint: target.endpoint,
        })
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The STS endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The connector's principal type.
    pub fn principal(&self) -> PrincipalType {
        self.connector.principal()
    }

    /// The `RoleSessionName` sent (AssumeRole).
    pub fn session_name(&self) -> Option<&str> {
        self.names.session_name.as_deref()
    }

    /// The federated user `Name` sent (FederatedUser).
    pub fn federated_name(&self) -> Option<&str> {
        self.names.federated_name.as_deref()
    }

    /// The `SourceIdentity` sent (AssumeRole, when the connector has one).
    pub fn source_identity(&self) -> Option<&str> {
        self.names.source_identity.as_deref()
    }

    /// Calls STS once: fetches the source credentials, asks the MFA token provider for a fresh
    /// code when the connector has an `mfa_serial`, and sends the request.
    ///
    /// # Errors
    /// The source's or the MFA token provider's error as it is; AWS's error answer as
    /// [`CredentialError::Service`] with AWS's code and message; a failure to reach STS as
    /// [`Transient`](ErrorKind::Transient) or [`Timeout`](ErrorKind::Timeout); an answer that is
    /// not an STS response as [`MalformedResponse`](ErrorKind::MalformedResponse).
    pub async fn issue(&self) -> Result<IssuedCredentials, CredentialError> {
        let result = self.issue_once().await;
        match &result {
            Ok(issued) => tracing::debug!(
                connector = self.connector.name(),
                principal = %self.principal(),
                access_key_id = issued.credentials.access_key_id(),
                expiry = ?issued.credentials.expiry(),
                principal_arn = issued.principal_arn.as_deref(),
                "sts credentials issued"
            ),
            Err(err) => tracing::debug!(
                connector = self.connector.name(),
                principal = %self.principal(),
                error = %err,
                "sts request failed"
            ),
        }
        result
    }

    async fn issue_once(&self) -> Result<IssuedCredentials, CredentialError> {
        let source = self.source.provide().await?;
        let code = match (&self.mfa, self.connector.mfa_serial()) {
            (Some(mfa), Some(serial)) => Some(
                mfa.mfa_code(&MfaChallenge::new(self.connector.name(), serial))
                    .await?,
            ),
            _ => None,
        };
        let source = aws_credential_types::Credentials::from(&source);
        let override_creds = || aws_sdk_sts::Config::builder().credentials_provider(source.clone());
        match self.principal() {
            PrincipalType::SessionToken => {
                const ACTION: &str = "GetSessionToken";
                let out = self
                    .session_token_request(code.as_ref())?
                    .customize()
                    .config_override(override_creds())
                    .send()
                    .await
                    .map_err(|e| map_sdk_error(ACTION, e))?;
                Ok(IssuedCredentials {
                    credentials: convert(ACTION, out.credentials(), "sts-get-session-token")?,
                    principal_arn: None,
                    principal_id: None,
                    session_token_utilization: out.session_token_utilization(),
                    source_identity: None,
                })
            }
            PrincipalType::FederatedUser => {
                const ACTION: &str = "GetFederationToken";
                let out = self
                    .federation_token_request()?
                    .customize()
                    .config_override(override_creds())
                    .send()
                    .await
                    .map_err(|e| map_sdk_error(ACTION, e))?;
                Ok(IssuedCredentials {
                    credentials: convert(ACTION, out.credentials(), "sts-get-federation-token")?,
                    principal_arn: out.federated_user().map(|u| u.arn().to_owned()),
                    principal_id: out
                        .federated_user()
                        .map(|u| u.federated_user_id().to_owned()),
                    session_token_utilization: out.session_token_utilization(),
                    source_identity: None,
                })
            }
            PrincipalType::AssumeRole => {
                const ACTION: &str = "AssumeRole";
                let out = self
                    .assume_role_request(code.as_ref())?
                    .customize()
                    .config_override(override_creds())
                    .send()
                    .await
                    .map_err(|e| map_sdk_error(ACTION, e))?;
                Ok(IssuedCredentials {
                    credentials: convert(ACTION, out.credentials(), "sts-assume-role")?,
                    principal_arn: out.assumed_role_user().map(|u| u.arn().to_owned()),
                    principal_id: out
                        .assumed_role_user()
                        .map(|u| u.assumed_role_id().to_owned()),
                    session_token_utilization: out.session_token_utilization(),
                    source_identity: out.source_identity().map(str::to_owned),
                })
            }
            PrincipalType::Provided => Err(CredentialError::invalid_configuration(
                "provided connectors make no sts call",
            )),
        }
    }

    fn session_token_request(
        &self,
        code: Option<&MfaCode>,
    ) -> Result<GetSessionTokenFluentBuilder, CredentialError> {
        let c = &self.connector;
        let (serial, token) = mfa_params(c, code);
        Ok(self
            .client
            .get_session_token()
            .set_duration_seconds(duration(c)?)
            .set_serial_number(serial)
            .set_token_code(token))
    }

    fn federation_token_request(&self) -> Result<GetFederationTokenFluentBuilder, CredentialError> {
        let c = &self.connector;
        let name = self
            .names
            .federated_name
            .clone()
            .unwrap_or_else(|| map_user_name(crate::SYSTEM_USER_NAME, NameKind::FederatedName));
        Ok(self
            .client
            .get_federation_token()
            .name(name)
            .set_policy(c.policy().map(str::to_owned))
            .set_policy_arns(policy_arns(c))
            .set_tags(tags(c)?)
            .set_duration_seconds(duration(c)?))
    }

    fn assume_role_request(
        &self,
        code: Option<&MfaCode>,
    ) -> Result<AssumeRoleFluentBuilder, CredentialError> {
        let c = &self.connector;
        let role_arn = c.role_arn().ok_or_else(|| {
            CredentialError::invalid_configuration(format!(
                "connector `{}` has no role_arn",
                c.name()
            ))
        })?;
        let session_name = self
            .names
            .session_name
            .clone()
            .unwrap_or_else(|| map_user_name(crate::SYSTEM_USER_NAME, NameKind::SessionName));
        let (serial, token) = mfa_params(c, code);
        Ok(self
            .client
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .set_source_identity(self.names.source_identity.clone())
            .set_external_id(c.external_id().map(str::to_owned))
            .set_policy(c.policy().map(str::to_owned))
            .set_policy_arns(policy_arns(c))
            .set_tags(tags(c)?)
            .set_transitive_tag_keys(non_empty(c.transitive_tag_keys()))
            .set_duration_seconds(duration(c)?)
            .set_serial_number(serial)
            .set_token_code(token))
    }
}

impl fmt::Debug for StsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsProvider")
            .field("connector", &self.connector.name())
            .field("principal", &self.connector.principal())
            .field("source", &self.connector.source().describe())
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("session_name", &self.names.session_name)
            .field("federated_name", &self.names.federated_name)
            .field("source_identity", &self.names.source_identity)
            .field("mfa", &self.mfa.is_some())
            .finish()
    }
}

#[async_trait]
impl CredentialProvider for StsProvider {
    async fn provide(&self) -> Result<Credentials, CredentialError> {
        self.issue().await.map(IssuedCredentials::into_credentials)
    }
}

fn render_names(connector: &Connector, user: &str) -> Names {
    Names {
        session_name: connector.session_name().map(|t| t.render(user)),
        federated_name: connector.federated_name().map(|t| t.render(user)),
        source_identity: connector.source_identity().map(|t| t.render(user)),
    }
}

/// The long-term credentials the STS call is signed with.
fn source_provider(
    connector: &Connector,
    #[allow(unused_variables)] options: &ProviderOptions,
) -> Result<SharedCredentialProvider, CredentialError> {
    match connector.source() {
        CredentialSource::AccessKey(key) => Ok(SharedCredentialProvider::new(
            StaticKeyProvider::from_access_key(key),
        )),
        CredentialSource::MachineRole => {
            #[cfg(feature = "machine-role")]
            {
                Ok(SharedCredentialProvider::new(
                    super::machine::MachineRoleProvider::new(options)?,
                ))
            }
            #[cfg(not(feature = "machine-role"))]
            {
                Err(CredentialError::invalid_configuration(format!(
                    "connector `{}` uses the machine role, but aws-connector was built without the `machine-role` feature",
                    connector.name()
                )))
            }
        }
    }
}

/// Where requests go and which region they are signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    region: String,
    endpoint: String,
}

fn resolve_target(
    connector: &Connector,
    options: &ProviderOptions,
) -> Result<Target, CredentialError> {
    let env = options.env();
    let (region, region_var) = match connector.region() {
        Some(r) => (r.to_owned(), None),
        None => match env
            .get(ENV_REGION)
            .map(|r| (r, ENV_REGION))
            .or_else(|| env.get(ENV_DEFAULT_REGION).map(|r| (r, ENV_DEFAULT_REGION)))
        {
            Some((r, var)) => (r.trim().to_owned(), Some(var)),
            None => (DEFAULT_REGION.to_owned(), None),
        },
    };
    let partition = match (Partition::from_region(&region), region_var) {
        (Some(p), _) => p,
        (None, Some(var)) => {
            return Err(CredentialError::invalid_configuration(format!(
                "{var} `{region}` is not a region of a known partition"
            )))
        }
        (None, None) => connector.partition(),
    };
    if let Some(var) = region_var {
        if partition != connector.partition() && has_arns(connector) {
            return Err(CredentialError::invalid_configuration(format!(
                "{var} `{region}` is in partition {partition}, but connector `{}` has ARNs in partition {}",
                connector.name(),
                connector.partition()
            )));
        }
    }
    let ignore_env = env
        .get(ENV_IGNORE_ENDPOINTS)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let from_env = |var: &'static str| {
        (!ignore_env)
            .then(|| env.get(var))
            .flatten()
            .map(|v| (v.trim().to_owned(), var))
    };
    let chosen = options
        .sts_endpoint_override()
        .map(|e| (e.to_owned(), "the sts endpoint override"))
        .or_else(|| {
            connector
                .sts_endpoint()
                .map(|e| (e.to_owned(), "the connector's sts_endpoint"))
        })
        .or_else(|| from_env(ENV_ENDPOINT_STS))
        .or_else(|| from_env(ENV_ENDPOINT));
    let endpoint = match chosen {
        Some((url, _)) if is_http_url(&url) => url,
        Some((url, from)) => {
            return Err(CredentialError::invalid_configuration(format!(
                "{from} `{url}` is not an absolute http:// or https:// url"
            )))
        }
        None => partition.sts_endpoint(&region),
    };
    Ok(Target { region, endpoint })
}

/// Who a set of credentials belongs to, as STS `GetCallerIdentity` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIdentity {
    /// The 12-digit account.
    pub account: String,
    /// The principal's ARN, e.g. `arn:aws:sts::123456789012:assumed-role/Deploy/ci-alice`.
    pub arn: String,
    /// The principal's unique id.
    pub user_id: String,
}

/// Calls STS `GetCallerIdentity` with `credentials`, at the connector's region and endpoint
/// (resolved as for its provider: options override, connector `sts_endpoint`,
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the regional endpoint).
///
/// ```no_run
/// # async fn demo(registry: aws_connector::Registry) -> Result<(), Box<dyn std::error::Error>> {
/// use aws_connector::{caller_identity, Caller, ProviderOptions};
///
/// let caller = Caller::user("alice").with_group("developers");
/// let creds = registry.credentials(&caller, "deploy").await?;
/// let connector = registry.connector("deploy").ok_or("no connector")?;
/// let who = caller_identity(connector, &creds, &ProviderOptions::new()).await?;
/// println!("{}", who.arn);
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// As the STS providers: AWS's code and message kept verbatim, transport failures typed.
pub async fn caller_identity(
    connector: &Connector,
    credentials: &Credentials,
    options: &ProviderOptions,
) -> Result<CallerIdentity, CredentialError> {
    const ACTION: &str = "GetCallerIdentity";
    let http = options.http_client_opt().cloned().unwrap_or_default();
    let target = resolve_target(connector, options)?;
    let client = sts_client(&target, options, &http);
    let creds = aws_credential_types::Credentials::from(credentials);
    let out = client
        .get_caller_identity()
        .customize()
        .config_override(aws_sdk_sts::Config::builder().credentials_provider(creds))
        .send()
        .await
        .map_err(|e| map_sdk_error(ACTION, e))?;
    match (out.account(), out.arn(), out.user_id()) {
        (Some(account), Some(arn), Some(user_id)) => Ok(CallerIdentity {
            account: account.to_owned(),
            arn: arn.to_owned(),
            user_id: user_id.to_owned(),
        }),
        _ => Err(CredentialError::malformed(
            "sts GetCallerIdentity answer lacks Account, Arn or UserId",
        )),
    }
}

fn has_arns(connector: &Connector) -> bool {
    connector.role_arn().is_some()
        || !connector.policy_arns().is_empty()
        || connector
            .mfa_serial()
            .is_some_and(|s| s.starts_with("arn:"))
}

fn sts_client(
    target: &Target,
    options: &ProviderOptions,
    http: &HttpClient,
) -> aws_sdk_sts::Client {
    let attempt = options
        .attempt_timeout_opt()
        .unwrap_or(ProviderOptions::DEFAULT_ATTEMPT_TIMEOUT);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(
            options
                .connect_timeout_opt()
                .unwrap_or(ProviderOptions::DEFAULT_CONNECT_TIMEOUT),
        )
        .read_timeout(
            options
                .read_timeout_opt()
                .unwrap_or(ProviderOptions::DEFAULT_READ_TIMEOUT),
        )
        .operation_attempt_timeout(attempt)
        .operation_timeout(attempt)
        .build();
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(target.region.clone()))
        .endpoint_url(target.endpoint.clone())
        .http_client(http.shared())
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

fn duration(c: &Connector) -> Result<Option<i32>, CredentialError> {
    c.duration_secs()
        .map(|d| {
            i32::try_from(d).map_err(|_| {
                CredentialError::invalid_configuration(format!(
                    "connector `{}` duration {d} does not fit DurationSeconds",
                    c.name()
                ))
            })
        })
        .transpose()
}

fn policy_arns(c: &Connector) -> Option<Vec<PolicyDescriptorType>> {
    (!c.policy_arns().is_empty()).then(|| {
        c.policy_arns()
            .iter()
            .map(|arn| PolicyDescriptorType::builder().arn(arn).build())
            .collect()
    })
}

fn tags(c: &Connector) -> Result<Option<Vec<Tag>>, CredentialError> {
    if c.tags().is_empty() {
        return Ok(None);
    }
    c.tags()
        .iter()
        .map(|(k, v)| {
            Tag::builder().key(k).value(v).build().map_err(|e| {
                CredentialError::InvalidConfiguration {
                    message: format!("connector `{}` tag `{k}` could not be sent", c.name()),
                    source: Some(Arc::new(e)),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn non_empty(items: &[String]) -> Option<Vec<String>> {
    (!items.is_empty()).then(|| items.to_vec())
}

fn mfa_params(c: &Connector, code: Option<&MfaCode>) -> (Option<String>, Option<String>) {
    match (c.mfa_serial(), code) {
        (Some(serial), Some(code)) => (
            Some(serial.to_owned()),
            Some(code.expose_secret().to_owned()),
        ),
        _ => (None, None),
    }
}

fn convert(
    action: &str,
    creds: Option<&aws_sdk_sts::types::Credentials>,
    provider_name: &'static str,
) -> Result<Credentials, CredentialError> {
    let c = creds.ok_or_else(|| {
        CredentialError::malformed(format!("sts {action} answer carries no credentials"))
    })?;
    // The SDK fills required members that are missing from the XML with defaults ("" and the
    // epoch) rather than failing, so an incomplete answer is caught here.
    let exp = c.expiration();
    let missing = [
        ("AccessKeyId", c.access_key_id().is_empty()),
        ("SecretAccessKey", c.secret_access_key().is_empty()),
        ("SessionToken", c.session_token().is_empty()),
        ("Expiration", exp.secs() <= 0),
    ];
    if let Some((field, _)) = missing.iter().find(|(_, m)| *m) {
        return Err(CredentialError::malformed(format!(
            "sts {action} answer lacks Credentials.{field}"
        )));
    }
    let expiry = OffsetDateTime::from_unix_timestamp_nanos(exp.as_nanos()).map_err(|e| {
        CredentialError::MalformedResponse {
            message: format!("sts {action} answer has an expiration out of range"),
            source: Some(Arc::new(e)),
        }
    })?;
    Ok(
        Credentials::builder(c.access_key_id(), c.secret_access_key())
            .session_token(c.session_token())
            .expiry(expiry)
            .provider_name(provider_name)
            .build(),
    )
}

/// The SDK's error → ours, keeping AWS's code and message verbatim.
fn map_sdk_error<E>(action: &'static str, err: SdkError<E, HttpResponse>) -> CredentialError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let what = format!("sts {action} request");
    if let SdkError::ServiceError(ctx) = &err {
        let status = ctx.raw().status().as_u16();
        if let Some(code) = ctx.err().code() {
            return CredentialError::Service {
                action: action.to_owned(),
                code: code.to_owned(),
                message: ctx.err().message().unwrap_or_default().to_owned(),
                kind: kind_for_aws_code(code, Some(status)),
            };
        }
        let kind = if (200..300).contains(&status) {
            ErrorKind::MalformedResponse
        } else {
            kind_for_aws_code("", Some(status))
        };
        let source: Option<BoxError> = Some(Arc::new(err));
        return match kind {
            ErrorKind::MalformedResponse | ErrorKind::Other => CredentialError::MalformedResponse {
                message: format!(
                    "sts {action} answered http {status} with a body that is not an sts response"
                ),
                source,
            },
            kind => CredentialError::Other {
                kind,
                message: format!("sts {action} answered http {status} without an aws error code"),
                source,
            },
        };
    }
    let kind = match &err {
        SdkError::TimeoutError(_) => ErrorKind::Timeout,
        SdkError::DispatchFailure(d) if d.is_timeout() => ErrorKind::Timeout,
        SdkError::DispatchFailure(d) if d.is_user() => ErrorKind::InvalidConfiguration,
        SdkError::DispatchFailure(_) => ErrorKind::Transient,
        SdkError::ResponseError(_) => ErrorKind::MalformedResponse,
        SdkError::ConstructionFailure(_) => ErrorKind::InvalidConfiguration,
        _ => ErrorKind::Other,
    };
    let source: Option<BoxError> = Some(Arc::new(err));
    match kind {
        ErrorKind::Timeout | ErrorKind::Transient => {
            CredentialError::Transport { what, kind, source }
        }
        ErrorKind::MalformedResponse => CredentialError::MalformedResponse {
            message: format!("sts {action} answer could not be read"),
            source,
        },
        ErrorKind::InvalidConfiguration => CredentialError::InvalidConfiguration {
            message: format!("{what} could not be built or sent"),
            source,
        },
        kind => CredentialError::Other {
            kind,
            message: format!("{what} failed"),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mfa::mfa_fn;
    use crate::provider::options::Environment;

    fn key() -> CredentialSource {
        CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "sentinel-secret-key")
    }

    fn assume_role_connector() -> Connector {
        Connector::builder("deploy")
            .source(key())
            .principal(PrincipalType::AssumeRole)
            .role_arn("arn:aws:iam::123456789012:role/Deploy")
            .session_name("ci-{user}")
            .source_identity("{user}")
            .external_id("ext-id-1")
            .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
            .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .policy_arn("arn:aws:iam::123456789012:policy/Extra")
            .duration_secs(1800)
            .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
            .tag("team", "platform")
            .tag("env", "prod")
            .transitive_tag_key("team")
            .region("eu-west-1")
            .build()
            .expect("valid connector")
    }

    fn mfa_options() -> ProviderOptions {
        ProviderOptions::new()
            .environment(Environment::empty())
            .mfa(mfa_fn(|_| async { Ok(MfaCode::new("123456")?) }))
    }

    #[test]
    fn assume_role_request_carries_every_field() {
        let p = StsProvider::new(&assume_role_connector(), &mfa_options().user("alice")).unwrap();
        let code = MfaCode::new("654321").unwrap();
        let req = p.assume_role_request(Some(&code)).unwrap();
        let input = req.as_input();
        assert_eq!(
            input.get_role_arn().as_deref(),
            Some("arn:aws:iam::123456789012:role/Deploy")
        );
        assert_eq!(input.get_role_session_name().as_deref(), Some("ci-alice"));
        assert_eq!(input.get_source_identity().as_deref(), Some("alice"));
        assert_eq!(input.get_external_id().as_deref(), Some("ext-id-1"));
        assert!(input.get_policy().as_deref().unwrap().contains("s3:*"));
        let arns: Vec<_> = input
            .get_policy_arns()
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.arn().unwrap().to_owned())
            .collect();
        assert_eq!(
            arns,
            [
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::123456789012:policy/Extra"
            ]
        );
        let tags: Vec<_> = input
            .get_tags()
            .as_ref()
            .unwrap()
            .iter()
            .map(|t| (t.key(), t.value()))
            .collect();
        assert_eq!(tags, [("team", "platform"), ("env", "prod")]);
        assert_eq!(
            input.get_transitive_tag_keys().as_deref(),
            Some(&["team".to_owned()][..])
        );
        assert_eq!(input.get_duration_seconds(), &Some(1800));
        assert_eq!(
            input.get_serial_number().as_deref(),
            Some("arn:aws:iam::123456789012:mfa/ci")
        );
        assert_eq!(input.get_token_code().as_deref(), Some("654321"));
        assert_eq!(p.region(), "eu-west-1");
        assert_eq!(p.endpoint(), "https://sts.eu-west-1.amazonaws.com");
    }

    #[test]
    fn unset_fields_are_not_sent() {
        let c = Connector::builder("plain")
            .source(key())
            .principal(PrincipalType::AssumeRole)
            .role_arn("arn:aws:iam::123456789012:role/Deploy")
            .build()
            .unwrap();
        let p = StsProvider::new(&c, &ProviderOptions::new()).unwrap();
        let input = p.assume_role_request(None).unwrap();
        let input = input.as_input();
        assert_eq!(input.get_role_session_name().as_deref(), Some("system"));
        assert_eq!(input.get_duration_seconds(), &None);
        assert_eq!(input.get_policy(), &None);
        assert_eq!(input.get_policy_arns(), &None);
        assert_eq!(input.get_tags(), &None);
        assert_eq!(input.get_transitive_tag_keys(), &None);
        assert_eq!(input.get_external_id(), &None);
        assert_eq!(input.get_source_identity(), &None);
        assert_eq!(input.get_serial_number(), &None);
        assert_eq!(input.get_token_code(), &None);
    }

    #[test]
    fn federation_and_session_token_requests() {
        let fed = Connector::builder("fed")
            .source(key())
            .principal(PrincipalType::FederatedUser)
            .federated_name("fed-{user}")
            .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
            .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .tag("team", "platform")
            .duration_secs(900)
            .build()
            .unwrap();
        let p = StsProvider::new(&fed, &ProviderOptions::new().user("bob")).unwrap();
        let req = p.federation_token_request().unwrap();
        let input = req.as_input();
        assert_eq!(input.get_name().as_deref(), Some("fed-bob"));
        assert!(input.get_policy().is_some());
        assert_eq!(input.get_policy_arns().as_ref().map(Vec::len), Some(1));
        assert_eq!(input.get_tags().as_ref().map(Vec::len), Some(1));
        assert_eq!(input.get_duration_seconds(), &Some(900));

        let st = Connector::builder("st")
            .source(key())
            .principal(PrincipalType::SessionToken)
            .duration_secs(3600)
            .mfa_serial("GAHT12345678")
            .build()
            .unwrap();
        let p = StsProvider::new(&st, &mfa_options()).unwrap();
        let code = MfaCode::new("000111").unwrap();
        let req = p.session_token_request(Some(&code)).unwrap();
        let input = req.as_input();
        assert_eq!(input.get_duration_seconds(), &Some(3600));
        assert_eq!(input.get_serial_number().as_deref(), Some("GAHT12345678"));
        assert_eq!(input.get_token_code().as_deref(), Some("000111"));
    }

    #[test]
    fn mfa_serial_needs_a_token_provider() {
        let err = StsProvider::new(&assume_role_connector(), &ProviderOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
        assert!(err.to_string().contains("mfa"), "{err}");
    }

    fn target(c: &Connector, options: &ProviderOptions) -> Result<Target, CredentialError> {
        resolve_target(c, options)
    }

    #[test]
    fn region_precedence() {
        let c = Connector::builder("st")
            .source(key())
            .principal(PrincipalType::SessionToken)
            .build()
            .unwrap();
        let env = |vars: &[(&str, &str)]| {
            ProviderOptions::new().environment(Environment::from_vars(vars.iter().copied()))
        };
        let t = target(&c, &env(&[])).unwrap();
        assert_eq!(t.region, "us-east-1");
        assert_eq!(t.endpoint, "https://sts.us-east-1.amazonaws.com");
        let t = target(&c, &env(&[("AWS_DEFAULT_REGION", "eu-central-1")])).unwrap();
        assert_eq!(t.region, "eu-central-1");
        let t = target(
            &c,
            &env(&[
                ("AWS_DEFAULT_REGION", "eu-central-1"),
                ("AWS_REGION", "cn-north-1"),
            ]),
        )
        .unwrap();
        assert_eq!(t.region, "cn-north-1");
        assert_eq!(t.endpoint, "https://sts.cn-north-1.amazonaws.com.cn");
        let err = target(&c, &env(&[("AWS_REGION", "nowhere")])).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);

        let with_region = Connector::builder("st")
            .source(key())
            .principal(PrincipalType::SessionToken)
            .region("us-gov-west-1")
            .build()
            .unwrap();
        let t = target(&with_region, &env(&[("AWS_REGION", "eu-west-1")])).unwrap();
        assert_eq!(t.region, "us-gov-west-1");
        assert_eq!(t.endpoint, "https://sts.us-gov-west-1.amazonaws.com");

        // An environment region in another partition than the connector's ARNs.
        let err = target(
            &assume_role_connector_without_region(),
            &env(&[("AWS_REGION", "cn-north-1")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("partition"), "{err}");
    }

    fn assume_role_connector_without_region() -> Connector {
        Connector::builder("deploy")
            .source(key())
            .principal(PrincipalType::AssumeRole)
            .role_arn("arn:aws:iam::123456789012:role/Deploy")
            .build()
            .unwrap()
    }

    #[test]
    fn endpoint_precedence() {
        let with_endpoint = Connector::builder("st")
            .source(key())
            .principal(PrincipalType::SessionToken)
            .sts_endpoint("http://connector.example:1")
            .build()
            .unwrap();
        let plain = Connector::builder("st")
            .source(key())
            .principal(PrincipalType::SessionToken)
            .region("eu-west-1")
            .build()
            .unwrap();
        let all = Environment::from_vars([
            ("AWS_ENDPOINT_URL_STS", "http://sts-env.example:2"),
            ("AWS_ENDPOINT_URL", "http://env.example:3"),
        ]);
        let opts = |env: &Environment| ProviderOptions::new().environment(env.clone());
        let ep = |c: &Connector, o: &ProviderOptions| target(c, o).unwrap().endpoint;

        assert_eq!(
            ep(
                &with_endpoint,
                &opts(&all).sts_endpoint("http://override.example:0")
            ),
            "http://override.example:0"
        );
        assert_eq!(
            ep(&with_endpoint, &opts(&all)),
            "http://connector.example:1"
        );
        assert_eq!(ep(&plain, &opts(&all)), "http://sts-env.example:2");
        let generic = Environment::from_vars([("AWS_ENDPOINT_URL", "http://env.example:3")]);
        assert_eq!(ep(&plain, &opts(&generic)), "http://env.example:3");
        let ignored = Environment::from_vars([
            ("AWS_ENDPOINT_URL", "http://env.example:3"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"),
        ]);
        assert_eq!(
            ep(&plain, &opts(&ignored)),
            "https://sts.eu-west-1.amazonaws.com"
        );
        let none = Environment::empty();
        assert_eq!(
            ep(&plain, &opts(&none)),
            "https://sts.eu-west-1.amazonaws.com"
        );

        let bad = Environment::from_vars([("AWS_ENDPOINT_URL_STS", "localhost:4566")]);
        let err = target(&plain, &opts(&bad)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
        assert!(err.to_string().contains("AWS_ENDPOINT_URL_STS"), "{err}");
    }

    #[test]
    fn system_caller_and_debug_without_secrets() {
        let p = StsProvider::new(&assume_role_connector(), &mfa_options()).unwrap();
        assert_eq!(p.session_name(), Some("ci-system"));
        assert_eq!(p.source_identity(), Some("system"));
        let shown = format!("{p:?}");
        assert!(shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
        assert!(!shown.contains("sentinel-secret-key"), "{shown}");
    }

    #[test]
    fn provided_is_not_an_sts_connector() {
        let c = Connector::builder("p")
            .source(key())
            .principal(PrincipalType::Provided)
            .build()
            .unwrap();
        let err = StsProvider::new(&c, &ProviderOptions::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
    }
}
