//! [`ProviderOptions`]: what turning a connector into a provider needs besides the connector (the
//! caller's user name, an MFA token provider, an endpoint override, timeouts, the environment), and
//! [`Environment`], the injectable source of the standard `AWS_*` settings.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::cache::CacheConfig;

use crate::mfa::{MfaTokenProvider, SharedMfaTokenProvider};

#[cfg(feature = "_aws")]
use super::http::HttpClient;
#[cfg(feature = "machine-role")]
use super::machine::MachineRoleKind;

/// The user name that stands for the **system caller** (code running without a user session)
/// when a name template (`session_name`, `federated_name`, `source_identity`) contains `{user}`.
///
/// With [`ProviderOptions::user`] unset, `ci-{user}` renders as `ci-system`.
pub const SYSTEM_USER_NAME: &str = "system";

/// Where the standard `AWS_*` settings are read from: the process environment (the default) or a
/// fixed set of variables (tests, or a caller that resolved them itself).
///
/// A variable that is set but empty (or only whitespace) counts as unset, as in the AWS SDKs.
///
/// ```
/// use aws_connector::Environment;
///
/// let env = Environment::from_vars([("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "")]);
/// assert_eq!(env.get("AWS_REGION").as_deref(), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_ENDPOINT_URL"), None);
/// assert_eq!(env.get("AWS_DEFAULT_REGION"), None);
/// ```
#[derive(Clone, Default)]
pub struct Environment {
    /// `None`: the process environment.
    fixed: Option<Arc<BTreeMap<String, String>>>,
}

impl Environment {
    /// The process environment, read at the moment a setting is needed.
    pub fn process() -> Self {
        Environment { fixed: None }
    }

    /// No variables at all (nothing is read from the process).
    pub fn empty() -> Self {
        Environment {
            fixed: Some(Arc::new(BTreeMap::new())),
        }
    }

    /// Exactly these variables, and no others.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Environment {
            fixed: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The value of `name`, or `None` when it is unset, empty or only whitespace (or not UTF-8).
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(vars) => vars.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// Whether this is the process environment.
    pub fn is_process(&self) -> bool {
        self.fixed.is_none()
    }
}

impl fmt::Debug for Environment {
    /// Shows variable names only: a value may be a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fixed {
            None => f.write_str("Environment::Process"),
            Some(vars) => f
                .debug_tuple("Environment::Fixed")
                .field(&vars.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

/// Options for turning a [`Connector`](crate::Connector) into a credential provider (see
/// [`connector_provider`](crate::connector_provider)).
///
/// Every option has a default: the system caller, no MFA token provider, endpoints and region from
/// the connector and the process environment, a private HTTPS client, and bounded timeouts.
///
/// ```
/// use std::time::Duration;
/// use aws_connector::{Environment, ProviderOptions};
///
/// let options = ProviderOptions::new()
///     .user("alice")
///     .sts_endpoint("http://127.0.0.1:5000")
///     .environment(Environment::from_vars([("AWS_REGION", "eu-west-1")]))
///     .connect_timeout(Duration::from_secs(2));
/// assert_eq!(options.user_name(), Some("alice"));
/// assert_eq!(options.rendered_user(), "alice");
/// assert_eq!(ProviderOptions::new().rendered_user(), "system");
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
#[must_use]
pub struct ProviderOptions {
    user: Option<String>,
    mfa: Option<SharedMfaTokenProvider>,
    sts_endpoint: Option<String>,
    env: Environment,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    #[cfg(feature = "_aws")]
    http_client: Option<HttpClient>,
    #[cfg(feature = "machine-role")]
    machine_role: Option<MachineRoleKind>,
    #[cfg(feature = "machine-role")]
    imds_endpoint: Option<String>,
    cache: CachePolicy,
}

/// Whether [`connector_provider`](crate::connector_provider) wraps its provider in the cache.
#[derive(Clone, Debug, Default)]
enum CachePolicy {
    /// Cached with [`CacheConfig::default`].
    #[default]
    Default,
    /// Cached with this configuration.
    With(CacheConfig),
    /// Not cached: every call makes one backend attempt.
    Off,
}

impl ProviderOptions {
    /// Default STS connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Default STS read timeout: the longest wait for the first byte of an answer.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default bound on one STS call as a whole (connect, send, answer).
    pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

    /// Default options (see the type's documentation).
    pub fn new() -> Self {
        ProviderOptions::default()
    }

    /// The caller's user name, rendered into `{user}` of the connector's name templates (mapped
    /// into what AWS accepts by [`map_user_name`](crate::map_user_name)'s rules).
    ///
    /// Unset (the default) means the **system caller**: `{user}` renders as [`SYSTEM_USER_NAME`]
    /// (`system`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets or clears the caller's user name (`None`: the system caller).
    pub fn user_opt(mut self, user: Option<String>) -> Self {
        self.user = user;
        self
    }

    /// The provider asked for a fresh MFA code at every call of a connector with an `mfa_serial`.
    /// Required for such connectors.
    pub fn mfa(mut self, provider: impl MfaTokenProvider + 'static) -> Self {
        self.mfa = Some(SharedMfaTokenProvider::new(provider));
        self
    }

    /// An STS endpoint that overrides every other setting (the connector's `sts_endpoint`,
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` and the regional endpoint), like the CLI's
    /// `--endpoint-url`.
    pub fn sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Where `AWS_REGION`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` and
    /// the container-credential variables used to choose a machine role are read from (default:
    /// the process environment).
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// How long to wait for a TCP (and TLS) connection. Default:
    /// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT) for STS, aws-config's 1 s for
    /// IMDS.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long to wait for an answer once the request is sent. Default:
    /// [`DEFAULT_READ_TIMEOUT`](Self::DEFAULT_READ_TIMEOUT) for STS, aws-config's 1 s for IMDS.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Bound on one STS call as a whole. Default:
    /// [`DEFAULT_ATTEMPT_TIMEOUT`](Self::DEFAULT_ATTEMPT_TIMEOUT).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The HTTPS client to use, so that several providers share one connection pool. Default: a
    /// new client per provider.
    #[cfg(feature = "_aws")]
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Which machine-role service to use. Default: the container endpoint (ECS/EKS) when
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set in
    /// the [environment](Self::environment), else IMDSv2.
    #[cfg(feature = "machine-role")]
    pub fn machine_role(mut self, kind: MachineRoleKind) -> Self {
        self.machine_role = Some(kind);
        self
    }

    /// The IMDS endpoint, e.g. `http://127.0.0.1:8080` (default: aws-config's choice:
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile, else `http://169.254.169.254`).
    #[cfg(feature = "machine-role")]
    pub fn imds_endpoint(mut self, url: impl Into<String>) -> Self {
        self.imds_endpoint = Some(url.into());
        self
    }

    /// The caller's user name (`None`: the system caller).
    pub fn user_name(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The name rendered into `{user}`: the caller's user name, or [`SYSTEM_USER_NAME`].
    pub fn rendered_user(&self) -> &str {
        self.user.as_deref().unwrap_or(SYSTEM_USER_NAME)
    }

    /// The MFA token provider, if any.
    pub fn mfa_provider(&self) -> Option<&SharedMfaTokenProvider> {
        self.mfa.as_ref()
    }

    /// The STS endpoint override, if any.
    pub fn sts_endpoint_override(&self) -> Option<&str> {
        self.sts_endpoint.as_deref()
    }

    /// The environment settings are read from.
    pub fn env(&self) -> &Environment {
        &self.env
    }

    /// The connect timeout, if set.
    pub fn connect_timeout_opt(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The read timeout, if set.
    pub fn read_timeout_opt(&self) -> Option<Duration> {
        self.read_timeout
    }

    /// The refresh-engine configuration for the providers
    /// [`connector_provider`](crate::connector_provider) makes (they are cached by default).
    pub fn cache_config(mut self, config: CacheConfig) -> Self {
        self.cache = CachePolicy::With(config);
        self
    }

    /// Makes [`connector_provider`](crate::connector_provider) return uncached providers: every
    /// call then makes one backend attempt (for callers with their own cache).
    pub fn no_cache(mut self) -> Self {
        self.cache = CachePolicy::Off;
        self
    }

    /// The cache configuration providers are made with; `None` when caching is off.
    pub fn cache_config_opt(&self) -> Option<CacheConfig> {
        match &self.cache {
            CachePolicy::Default => Some(CacheConfig::default()),
            CachePolicy::With(c) => Some(c.clone()),
            CachePolicy::Off => None,
        }
    }

    /// The attempt timeout, if set.
    pub fn attempt_timeout_opt(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The shared HTTPS client, if set.
    #[cfg(feature = "_aws")]
    pub fn http_client_opt(&self) -> Option<&HttpClient> {
        self.http_client.as_ref()
    }

    /// The machine-role service chosen explicitly, if any.
    #[cfg(feature = "machine-role")]
    pub fn machine_role_kind(&self) -> Option<MachineRoleKind> {
        self.machine_role
    }

    /// The IMDS endpoint override, if any.
    #[cfg(feature = "machine-role")]
    pub fn imds_endpoint_override(&self) -> Option<&str> {
        self.imds_endpoint.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_unset() {
        let env = Environment::from_vars([("A", " "), ("B", "x")]);
        assert_eq!(Environment::empty().get("PATH"), None);
        assert_eq!(env.get("A"), None);
        assert_eq!(env.get("B").as_deref(), Some("x"));
        assert!(!env.is_process());
        assert!(Environment::process().is_process());
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Environment::from_vars([("AWS_SECRET_ACCESS_KEY", "sentinel-secret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!shown.contains("sentinel-secret"));
        let options = ProviderOptions::new().environment(env);
        assert!(!format!("{options:?}").contains("sentinel-secret"));
    }
}
