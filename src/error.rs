//! Error types: build-time validation ([`ValidationErrors`]) and run-time ([`CredentialError`]).
//!
//! The two families are separate on purpose: a [`ValidationErrors`] is plain data listing every
//! problem of a connector (or of a whole config file), produced without I/O; a [`CredentialError`]
//! is what a request for credentials can fail with, with a [`kind`](CredentialError::kind) and
//! [`is_retryable`](CredentialError::is_retryable).

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;

/// A stable, machine-readable validation error code (part of the public contract).
///
/// The spelling returned by [`as_str`](ErrorCode::as_str) never changes meaning; codes may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A required field is not set.
    MissingField,
    /// The field is set but the principal type does not take it.
    FieldNotApplicable,
    /// The duration lies outside what AWS accepts for this principal type and source.
    DurationOutOfRange,
    /// The text is shorter or longer than AWS accepts.
    InvalidLength,
    /// The text holds characters AWS does not accept (or a malformed template).
    InvalidCharacters,
    /// Not a well-formed ARN of the expected kind.
    InvalidArn,
    /// An ARN's partition differs from the region's partition (or a partition needs a region).
    PartitionMismatch,
    /// More items than AWS accepts.
    TooMany,
    /// The inline policy is not a JSON object.
    InvalidPolicy,
    /// The inline policy (alone or with the policy ARNs) is over AWS's plaintext limit.
    PolicyTooLarge,
    /// The principal type does not accept this kind of source credentials.
    SourceNotAllowed,
    /// The value starts with a prefix AWS reserves (`aws:`).
    ReservedPrefix,
    /// The same key (or group) appears twice.
    DuplicateKey,
    /// A name refers to something that does not exist.
    UnknownReference,
    /// The region is malformed or in a partition this crate does not know.
    InvalidRegion,
    /// The endpoint is not an absolute `http://` or `https://` URL.
    InvalidEndpoint,
    /// The config file could not be parsed (syntax, type or unknown key).
    SyntaxError,
    /// A value is not one of the accepted words (e.g. `principal`, `scope`).
    InvalidValue,
    /// Two fields that exclude each other are both set.
    ConflictingFields,
    /// Warning only: a federated user without any session policy has no permissions.
    NoSessionPolicy,
    /// Warning only: a long-term key is handed out as it is (Provided).
    LongTermKey,
    /// Warning only: the account root user's key is used (discouraged by AWS).
    RootKey,
}

impl ErrorCode {
    /// The stable snake_case spelling, e.g. `duration_out_of_range`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingField => "missing_field",
            ErrorCode::FieldNotApplicable => "field_not_applicable",
            ErrorCode::DurationOutOfRange => "duration_out_of_range",
            ErrorCode::InvalidLength => "invalid_length",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::InvalidArn => "invalid_arn",
            ErrorCode::PartitionMismatch => "partition_mismatch",
            ErrorCode::TooMany => "too_many",
            ErrorCode::InvalidPolicy => "invalid_policy",
            ErrorCode::PolicyTooLarge => "policy_too_large",
            ErrorCode::SourceNotAllowed => "source_not_allowed",
            ErrorCode::ReservedPrefix => "reserved_prefix",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::UnknownReference => "unknown_reference",
            ErrorCode::InvalidRegion => "invalid_region",
            ErrorCode::InvalidEndpoint => "invalid_endpoint",
            ErrorCode::SyntaxError => "syntax_error",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::ConflictingFields => "conflicting_fields",
            ErrorCode::NoSessionPolicy => "no_session_policy",
            ErrorCode::LongTermKey => "long_term_key",
            ErrorCode::RootKey => "root_key",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// The connector it belongs to (`None` for file-level problems such as settings or syntax).
    pub connector: Option<String>,
    /// The field path, e.g. `duration`, `policy_arns[3]`, `tags.team`, `access_keys.ci.secret_access_key_env`.
    pub field: String,
    /// The stable code.
    pub code: ErrorCode,
    /// A lowercase, human message naming the AWS rule and the allowed range. Never holds a secret.
    pub message: String,
}

impl ValidationError {
    /// A new problem.
    pub fn new(
        connector: Option<String>,
        field: impl Into<String>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        ValidationError {
            connector,
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.connector {
            Some(c) => write!(
                f,
                "connector `{c}`, {}: {} [{}]",
                self.field, self.message, self.code
            ),
            None => write!(f, "{}: {} [{}]", self.field, self.message, self.code),
        }
    }
}

/// Every problem found when validating a connector or a config file (never empty).
///
/// ```
/// use aws_connector::{Connector, ErrorCode, PrincipalType};
///
/// let err = Connector::builder("deploy")
///     .principal(PrincipalType::AssumeRole)
///     .duration_secs(899)
///     .build()
///     .unwrap_err();
/// let codes: Vec<_> = err.iter().map(|e| (e.field.as_str(), e.code)).collect();
/// assert!(codes.contains(&("credentials", ErrorCode::MissingField)));
/// assert!(codes.contains(&("role_arn", ErrorCode::MissingField)));
/// assert!(codes.contains(&("duration", ErrorCode::DurationOutOfRange)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors {
    errors: Vec<ValidationError>,
}

impl ValidationErrors {
    /// Wraps a non-empty list of problems; `None` when the list is empty.
    pub fn from_vec(errors: Vec<ValidationError>) -> Option<Self> {
        (!errors.is_empty()).then_some(ValidationErrors { errors })
    }

    pub(crate) fn single(error: ValidationError) -> Self {
        ValidationErrors {
            errors: vec![error],
        }
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.errors.iter()
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always `false`: a `ValidationErrors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems as a slice.
    pub fn as_slice(&self) -> &[ValidationError] {
        &self.errors
    }

    /// Takes the problems out.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.errors
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(f, "{n} validation problem{}", if n == 1 { "" } else { "s" })?;
        for e in &self.errors {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl StdError for ValidationErrors {}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

/// A shareable error cause (cloneable so one failed refresh can be handed to every waiter).
pub type BoxError = Arc<dyn StdError + Send + Sync + 'static>;

/// What kind of failure a [`CredentialError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// There was nothing to load from (e.g. no machine role on this host).
    NotLoaded,
    /// The request could not be made as configured (region, endpoint, MFA, template, …).
    InvalidConfiguration,
    /// AWS refused: access denied, invalid client token, MFA code wrong, …
    AccessDenied,
    /// AWS throttled the request.
    Throttled,
    /// A failure that may go away on its own: connection refused, HTTP 5xx, I/O error.
    Transient,
    /// The request took too long.
    Timeout,
    /// The credentials (or the ones used to sign) have expired.
    Expired,
    /// The response could not be understood.
    MalformedResponse,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// Lowercase words for the kind, e.g. `access denied`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotLoaded => "not loaded",
            ErrorKind::InvalidConfiguration => "invalid configuration",
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Transient => "transient",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Expired => "expired",
            ErrorKind::MalformedResponse => "malformed response",
            ErrorKind::Other => "other",
        }
    }

    /// Whether trying again later may succeed.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled | ErrorKind::Transient | ErrorKind::Timeout
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why credentials could not be provided.
///
/// Cloneable so that one failed refresh can be shared by every caller that waited on it.
///
/// ```
/// use aws_connector::{CredentialError, ErrorKind};
///
/// let err = CredentialError::service("AssumeRole", "AccessDenied", "not authorized to perform sts:AssumeRole");
/// assert_eq!(err.kind(), ErrorKind::AccessDenied);
/// assert!(!err.is_retryable());
/// assert_eq!(err.to_string(), "sts AssumeRole failed: AccessDenied: not authorized to perform sts:AssumeRole");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// There was nothing to load credentials from.
    #[error("credentials not loaded: {message}")]
    NotLoaded {
        /// What was missing.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// The request could not be made as configured.
    #[error("invalid configuration: {message}")]
    InvalidConfiguration {
        /// What is wrong.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// AWS answered with an error: its code and message are kept verbatim.
    #[error("sts {action} failed: {code}: {message}")]
    Service {
        /// The STS action (or other service operation) that failed.
        action: String,
        /// AWS's error code, e.g. `AccessDenied`.
        code: String,
        /// AWS's error message.
        message: String,
        /// The kind derived from the code and HTTP status.
        kind: ErrorKind,
    },
    /// The request did not reach AWS, or no complete answer came back.
    #[error("{what} failed ({kind})")]
    Transport {
        /// What was being attempted, e.g. `sts AssumeRole request`.
        what: String,
        /// [`ErrorKind::Transient`] or [`ErrorKind::Timeout`] (or another kind for a custom provider).
        kind: ErrorKind,
        /// The underlying failure.
        #[source]
        source: Option<BoxError>,
    },
    /// The response could not be understood.
    #[error("malformed response: {message}")]
    MalformedResponse {
        /// What was wrong with it.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// Credentials past their expiry would have been returned.
    #[error("credentials expired at {expired_at}")]
    Expired {
        /// When they expired.
        expired_at: OffsetDateTime,
    },
    /// A custom provider's failure.
    #[error("{message}")]
    Other {
        /// The kind the provider chose.
        kind: ErrorKind,
        /// What failed.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },
}

impl CredentialError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CredentialError::NotLoaded { .. } => ErrorKind::NotLoaded,
            CredentialError::InvalidConfiguration { .. } => ErrorKind::InvalidConfiguration,
            CredentialError::Service { kind, .. }
            | CredentialError::Transport { kind, .. }
            | CredentialError::Other { kind, .. } => *kind,
            CredentialError::MalformedResponse { .. } => ErrorKind::MalformedResponse,
            CredentialError::Expired { .. } => ErrorKind::Expired,
        }
    }

    /// Whether trying again later may succeed (throttling, transient failures, timeouts).
    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }

    /// AWS's error code, when AWS answered with one.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            CredentialError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Nothing to load from.
    pub fn not_loaded(message: impl Into<String>) -> Self {
        CredentialError::NotLoaded {
            message: message.into(),
            source: None,
        }
    }

    /// Misconfiguration found at request time.
    pub fn invalid_configuration(message: impl Into<String>) -> Self {
        CredentialError::InvalidConfiguration {
            message: message.into(),
            source: None,
        }
    }

    /// An AWS error answer; the kind is derived from the code.
    pub fn service(
        action: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let code = code.into();
        let kind = kind_for_aws_code(&code, None);
        CredentialError::Service {
            action: action.into(),
            code,
            message: message.into(),
            kind,
        }
    }

    /// A failure to reach the service (kind [`ErrorKind::Transient`] or [`ErrorKind::Timeout`]).
    pub fn transport(
        what: impl Into<String>,
        kind: ErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        CredentialError::Transport {
            what: what.into(),
            kind,
            source: Some(Arc::from(source.into())),
        }
    }

    /// An answer that could not be understood.
    pub fn malformed(message: impl Into<String>) -> Self {
        CredentialError::MalformedResponse {
            message: message.into(),
            source: None,
        }
    }

    /// A custom provider's failure of the given kind.
    pub fn other(kind: ErrorKind, message: impl Into<String>) -> Self {
        CredentialError::Other {
            kind,
            message: message.into(),
            source: None,
        }
    }
}

/// Maps an AWS error code (and, when known, the HTTP status) to an [`ErrorKind`].
pub(crate) fn kind_for_aws_code(code: &str, status: Option<u16>) -> ErrorKind {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "UnrecognizedClientException"
        | "MissingAuthenticationToken"
        | "IncompleteSignature"
        | "RegionDisabledException" => ErrorKind::AccessDenied,
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => ErrorKind::Expired,
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "SlowDown"
        | "PriorRequestNotComplete" => ErrorKind::Throttled,
        "IDPCommunicationError"
        | "InternalFailure"
        | "InternalError"
        | "ServiceUnavailable"
        | "ServiceUnavailableException" => ErrorKind::Transient,
        "MalformedPolicyDocument"
        | "PackedPolicyTooLarge"
        | "ValidationError"
        | "InvalidParameterValue"
        | "InvalidParameterCombination"
        | "InvalidAuthorizationMessageException" => ErrorKind::InvalidConfiguration,
        _ => match status {
            Some(429) => ErrorKind::Throttled,
            Some(s) if s >= 500 => ErrorKind::Transient,
            Some(401 | 403) => ErrorKind::AccessDenied,
            _ => ErrorKind::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_codes_and_status() {
        assert_eq!(
            kind_for_aws_code("AccessDenied", Some(403)),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_for_aws_code("Throttling", Some(400)),
            ErrorKind::Throttled
        );
        assert_eq!(
            kind_for_aws_code("ExpiredToken", Some(400)),
            ErrorKind::Expired
        );
        assert_eq!(kind_for_aws_code("Weird", Some(503)), ErrorKind::Transient);
        assert_eq!(kind_for_aws_code("Weird", Some(400)), ErrorKind::Other);
        assert!(kind_for_aws_code("InternalError", None).is_retryable());
    }

    #[test]
    fn cause_is_in_source_not_message() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
        let err = CredentialError::transport("sts AssumeRole request", ErrorKind::Transient, io);
        assert!(err.is_retryable());
        assert!(!err.to_string().contains("refused by peer"));
        assert!(StdError::source(&err)
            .unwrap()
            .to_string()
            .contains("refused by peer"));
    }
}
