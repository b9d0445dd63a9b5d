//! Console sign-in URL for a custom identity broker (`console` feature), aws-rules.md §4.
//!
//! 1. Temporary credentials from AssumeRole or GetFederationToken (or Provided machine-role
//!    credentials); Session Token credentials and long-term keys are refused before any HTTP call.
//! 2. `GET {federation}?Action=getSigninToken[&SessionDuration=S]&Session={json}`; the
//!    `SessionDuration` is sent only for AssumeRole credentials from an access key (never
//!    role-chained), never for GetFederationToken.
//! 3. `{federation}?Action=login&Issuer=..&Destination=..&SigninToken=..`: a bearer secret valid
//!    for 15 minutes, returned as a [`SignInUrl`] whose `Debug` is redacted.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::connector::Connector;
use crate::credentials::Credentials;
use crate::error::{BoxError, CredentialError, ErrorKind};
use crate::principal::{ConsoleSignIn, PrincipalType};
use crate::registry::AccessError;
use crate::source::CredentialSource;

/// Options for [`sign_in_url`].
///
/// ```
/// use aws_connector::ConsoleOptions;
///
/// let opts = ConsoleOptions::new()
///     .issuer("https://broker.example.com")
///     .destination("https://console.aws.amazon.com/s3/home");
/// # let _ = opts;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ConsoleOptions {
    issuer: String,
    destination: Option<String>,
    federation_endpoint: Option<String>,
    session_duration_secs: Option<u32>,
    timeout: Duration,
}

impl Default for ConsoleOptions {
    fn default() -> Self {
        ConsoleOptions {
            issuer: "aws-connector".to_owned(),
            destination: None,
            federation_endpoint: None,
            session_duration_secs: None,
            timeout: Duration::from_secs(10),
        }
    }
}

impl ConsoleOptions {
    /// Defaults: issuer `aws-connector`, the partition's console home, a 10 s timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The broker's URL, where the console sends users whose session ended.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into();
        self
    }

    /// The console page to open; must be on the partition's console host.
    pub fn destination(mut self, url: impl Into<String>) -> Self {
        self.destination = Some(url.into());
        self
    }

    /// Overrides the partition's federation endpoint (tests, proxies).
    pub fn federation_endpoint(mut self, url: impl Into<String>) -> Self {
        self.federation_endpoint = Some(url.into());
        self
    }

    /// The console session length for AssumeRole credentials (900..=43200; default: the
    /// connector's duration).
    pub fn session_duration_secs(mut self, secs: u32) -> Self {
        self.session_duration_secs = Some(secs);
        self
    }

    /// How long to wait for the federation endpoint.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// A console login URL: a bearer secret for 15 minutes. `Debug` is redacted; there is no `Display`.
#[derive(Clone)]
pub struct SignInUrl(SecretString);

impl SignInUrl {
    /// The URL itself; treat it like a password.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SignInUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignInUrl(** redacted **)")
    }
}

/// Why no sign-in URL was produced.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// The caller may not use the connector.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// These credentials cannot sign in to the console (refused before any HTTP call).
    #[error("connector `{connector}` ({principal}) cannot sign in to the console: {reason}")]
    NotSupported {
        /// The connector.
        connector: String,
        /// Its principal type.
        principal: PrincipalType,
        /// The AWS rule.
        reason: &'static str,
    },
    /// The destination is not a console URL of the connector's partition.
    #[error("destination {destination:?} is not on {expected} (the partition's console)")]
    InvalidDestination {
        /// The destination asked for.
        destination: String,
        /// The partition's console URL.
        expected: &'static str,
    },
    /// The session duration cannot be sent for these credentials or is out of range.
    #[error("console SessionDuration {secs} is not allowed here: {reason}")]
    InvalidSessionDuration {
        /// The duration asked for.
        secs: u32,
        /// The AWS rule.
        reason: String,
    },
    /// Getting credentials for the connector failed.
    #[error("could not get credentials for the console")]
    Credentials(#[source] CredentialError),
    /// The federation endpoint answered with an error status.
    #[error("federation endpoint answered HTTP {status}: {body}")]
    Federation {
        /// The HTTP status.
        status: u16,
        /// The start of the body (never holds our secrets).
        body: String,
    },
    /// The federation endpoint could not be reached in time.
    #[error("federation request failed ({kind})")]
    Transport {
        /// [`ErrorKind::Transient`] or [`ErrorKind::Timeout`].
        kind: ErrorKind,
        /// The cause.
        #[source]
        source: Option<BoxError>,
    },
    /// The federation endpoint's answer had no `SigninToken`.
    #[error("malformed federation response: {message}")]
    MalformedResponse {
        /// What was wrong.
        message: String,
    },
}

impl ConsoleError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ConsoleError::Transport { .. } => true,
            ConsoleError::Federation { status, .. } => *status >= 500 || *status == 429,
            ConsoleError::Credentials(e) => e.is_retryable(),
            _ => false,
        }
    }
}

/// Checks, without any I/O, whether a connector's principal type and source can sign in to the
/// console at all.
///
/// # Errors
/// [`ConsoleError::NotSupported`] for Session Token connectors and long-term keys.
pub fn check_connector(connector: &Connector) -> Result<(), ConsoleError> {
    let refuse = |reason| {
        Err(ConsoleError::NotSupported {
            connector: connector.name().to_owned(),
            principal: connector.principal(),
            reason,
        })
    };
    match connector.capabilities().console {
        ConsoleSignIn::Never => refuse("AWS rejects GetSessionToken credentials at the federation endpoint"),
        ConsoleSignIn::IfSourceIsTemporary if !connector.source().is_machine_role() => {
            refuse("a long-term access key cannot sign in to the console; use assume-role or federated-user")
        }
        _ => Ok(()),
    }
}

/// The `SessionDuration` to send, if any (aws-rules.md §4).
fn session_duration(
    connector: &Connector,
    opts: &ConsoleOptions,
) -> Result<Option<u32>, ConsoleError> {
    let asked = opts.session_duration_secs;
    let bad = |secs, reason: String| Err(ConsoleError::InvalidSessionDuration { secs, reason });
    match connector.capabilities().console {
        ConsoleSignIn::WithSessionDuration(range) => {
            // Role-chained credentials must not send it; an access-key source is never chained,
            // the machine role may be (ECS task roles), so it is omitted there.
            let chained_risk = matches!(connector.source(), CredentialSource::MachineRole);
            match asked {
                Some(s) if chained_risk => bad(s, "the source may be a role session (role chaining), where AWS rejects SessionDuration".to_owned()),
                Some(s) if !range.contains(s) => bad(s, format!("it must be {}..={} seconds", range.min_secs, range.max_secs)),
                Some(s) => Ok(Some(s)),
                None if chained_risk => Ok(None),
                None => Ok(connector
                    .effective_duration_secs()
                    .map(|d| d.clamp(range.min_secs, range.max_secs))),
            }
        }
        _ => match asked {
            Some(s) => bad(
                s,
                format!(
                    "{} console sessions last as long as the credentials",
                    connector.principal()
                ),
            ),
            None => Ok(None),
        },
    }
}

fn check_destination(connector: &Connector, opts: &ConsoleOptions) -> Result<String, ConsoleError> {
    let console = connector.partition().console_url();
    let Some(dest) = &opts.destination else {
        return Ok(format!("{console}/"));
    };
    let host = console.trim_start_matches("https://");
    let ok = dest.strip_prefix("https://").is_some_and(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        authority == host
            || authority
                .strip_suffix(host)
                .is_some_and(|sub| sub.ends_with('.') && !sub.contains('@'))
    });
    if ok {
        Ok(dest.clone())
    } else {
        Err(ConsoleError::InvalidDestination {
            destination: dest.clone(),
            expected: console,
        })
    }
}

/// Exchanges a connector's temporary credentials for a console login URL.
///
/// # Errors
/// [`ConsoleError::NotSupported`] (no HTTP call) for Session Token connectors, long-term keys and
/// credentials without a session token; [`ConsoleError::InvalidDestination`] /
/// [`ConsoleError::InvalidSessionDuration`] before any HTTP call; otherwise the federation
/// endpoint's failure.
pub async fn sign_in_url(
    connector: &Connector,
    credentials: &Credentials,
    opts: &ConsoleOptions,
) -> Result<SignInUrl, ConsoleError> {
    check_connector(connector)?;
    let Some(token) = credentials.session_token() else {
        return Err(ConsoleError::NotSupported {
            connector: connector.name().to_owned(),
            principal: connector.principal(),
            reason: "long-term credentials (no session token) cannot sign in to the console",
        });
    };
    let destination = check_destination(connector, opts)?;
    let duration = session_duration(connector, opts)?;
    let federation = opts
        .federation_endpoint
        .clone()
        .unwrap_or_else(|| connector.partition().federation_endpoint().to_owned());
    let session = serde_json::json!({
        "sessionId": credentials.access_key_id(),
        "sessionKey": credentials.secret_access_key().expose_secret(),
        "sessionToken": token.expose_secret(),
    })
    .to_string();
    let mut query = String::from("Action=getSigninToken");
    if let Some(d) = duration {
        query.push_str(&format!("&SessionDuration={d}"));
    }
    query.push_str("&Session=");
    query.push_str(&encode(&session));
    let request_url = SecretString::from(format!("{federation}?{query}"));
    let body = get(request_url, opts.timeout).await?;
    let signin_token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("SigninToken")
                .and_then(|t| t.as_str())
                .map(str::to_owned)
        })
        .ok_or_else(|| ConsoleError::MalformedResponse {
            message: "expected a JSON object with SigninToken".to_owned(),
        })?;
    Ok(SignInUrl(SecretString::from(format!(
        "{federation}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode(&opts.issuer),
        encode(&destination),
        encode(&signin_token)
    ))))
}

type HttpsClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Empty<hyper::body::Bytes>,
>;

fn client() -> Result<&'static HttpsClient, ConsoleError> {
    static CLIENT: OnceLock<HttpsClient> = OnceLock::new();
    if let Some(c) = CLIENT.get() {
        return Ok(c);
    }
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| ConsoleError::Transport {
            kind: ErrorKind::InvalidConfiguration,
            source: Some(std::sync::Arc::new(e)),
        })?
        .https_or_http()
        .enable_http1()
        .build();
    let c = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(https);
    Ok(CLIENT.get_or_init(|| c))
}

async fn get(url: SecretString, timeout: Duration) -> Result<Vec<u8>, ConsoleError> {
    use http_body_util::BodyExt;
    let transport = |kind, e: Option<BoxError>| ConsoleError::Transport { kind, source: e };
    let uri: http::Uri =
        url.expose_secret()
            .parse()
            .map_err(|_| ConsoleError::MalformedResponse {
                message: "the federation endpoint is not a valid URL".to_owned(),
            })?;
    let req = http::Request::get(uri)
        .body(http_body_util::Empty::new())
        .map_err(|e| {
            transport(
                ErrorKind::InvalidConfiguration,
                Some(std::sync::Arc::new(e)),
            )
        })?;
    let client = client()?;
    let fut = async {
        let resp = client
            .request(req)
            .await
            .map_err(|e| transport(ErrorKind::Transient, Some(std::sync::Arc::new(e))))?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| transport(ErrorKind::Transient, Some(std::sync::Arc::new(e))))?
            .to_bytes()
            .to_vec();
        if status != 200 {
            let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
            return Err(ConsoleError::Federation { status, body: text });
        }
        Ok(body)
    };
    tokio::time::timeout(timeout, fut)
        .await
        .map_err(|_| transport(ErrorKind::Timeout, None))?
}

/// Everything but RFC 3986 unreserved characters is percent-encoded in a query component.
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::CredentialSource;

    fn role(source: CredentialSource, region: &str) -> Connector {
        Connector::builder("r")
            .source(source)
            .principal(PrincipalType::AssumeRole)
            .role_arn(if region.starts_with("cn-") {
                "arn:aws-cn:iam::123456789012:role/R"
            } else {
                "arn:aws:iam::123456789012:role/R"
            })
            .duration_secs(7200)
            .region(region)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn destinations_must_be_the_partitions_console() {
        let c = role(
            CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"),
            "us-east-1",
        );
        let ok = |d: &str| check_destination(&c, &ConsoleOptions::new().destination(d)).is_ok();
        assert!(ok("https://console.aws.amazon.com/s3/home"));
        assert!(ok("https://eu-west-1.console.aws.amazon.com/ec2"));
        assert!(!ok("https://console.aws.amazon.com.evil.example/"));
        assert!(!ok("https://evil.example/?https://console.aws.amazon.com"));
        assert!(!ok("http://console.aws.amazon.com/"));
        assert!(!ok("https://x@console.aws.amazon.com/"));
        assert!(!ok("https://console.amazonaws.cn/"));
        let cn = role(
            CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"),
            "cn-north-1",
        );
        assert_eq!(
            check_destination(&cn, &ConsoleOptions::new())
                .ok()
                .as_deref(),
            Some("https://console.amazonaws.cn/")
        );
    }

    #[test]
    fn session_duration_only_where_aws_allows_it() {
        let key = role(
            CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "s"),
            "us-east-1",
        );
        assert_eq!(
            session_duration(&key, &ConsoleOptions::new()).ok(),
            Some(Some(7200))
        );
        assert!(session_duration(&key, &ConsoleOptions::new().session_duration_secs(899)).is_err());
        let machine = role(CredentialSource::machine_role(), "us-east-1");
        assert_eq!(
            session_duration(&machine, &ConsoleOptions::new()).ok(),
            Some(None)
        );
        assert!(
            session_duration(&machine, &ConsoleOptions::new().session_duration_secs(3600)).is_err()
        );
    }

    #[test]
    fn encodes_like_a_query_component() {
        assert_eq!(encode("a b/{\"c\":1}~"), "a%20b%2F%7B%22c%22%3A1%7D~");
    }
}
