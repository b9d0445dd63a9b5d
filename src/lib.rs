#![doc = include_str!("../README.md")]
//!
//! # Feature flags
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `sts` | yes | STS backends: AssumeRole, GetSessionToken, GetFederationToken |
//! | `machine-role` | yes | the IMDS / ECS machine-role source (wraps aws-config) |
//! | `config` | yes | [`Config`]: TOML config file loading |
//! | `console` | no | console sign-in URL |
//! | `cli` | no | the `aws-connector` binary |
//! | `test-util` | no | `ManualClock`, `TokioClock` and `FakeProvider` for downstream tests |
//!
//! Without default features the crate still gives validation, the rules table, the cache and
//! static keys.

#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod cache;
mod clock;
mod connector;
#[cfg(feature = "console")]
mod console;
mod credentials;
mod error;
#[cfg(feature = "_aws")]
mod interop;
mod mfa;
pub mod output;
mod partition;
mod principal;
mod provider;
mod registry;
mod source;
mod template;

#[cfg(feature = "config")]
mod config;

pub use cache::{CacheConfig, CacheConfigBuilder, CacheStats, Cached, FULL_WINDOW_LIFETIME};
pub use clock::{Clock, SystemClock, COARSE_MAX_LAG};
#[cfg(any(test, feature = "test-util"))]
pub use clock::{ManualClock, TokioClock};
#[cfg(feature = "config")]
pub use config::{Config, ConfigError, Settings, MACHINE_ROLE};
pub use connector::{Connector, ConnectorBuilder, Scope};
#[cfg(feature = "console")]
pub use console::{
    check_connector as check_console, sign_in_url, ConsoleError, ConsoleOptions, SignInUrl,
};
pub use credentials::{Credentials, CredentialsBuilder};
pub use error::{
    BoxError, CredentialError, ErrorCode, ErrorKind, ValidationError, ValidationErrors,
};
#[cfg(feature = "_aws")]
pub use interop::{SdkProvider, SDK_PROVIDER_NAME};
pub use mfa::{
    mfa_fn, InvalidMfaCode, MfaChallenge, MfaCode, MfaFn, MfaTokenProvider, SharedMfaTokenProvider,
};
pub use partition::Partition;
pub use principal::{
    Applicability, Capabilities, ConsoleSignIn, DurationRange, Field, PrincipalType, Sources,
    UnknownPrincipalType,
};
#[cfg(feature = "test-util")]
pub use provider::FakeProvider;
#[cfg(feature = "_aws")]
pub use provider::HttpClient;
#[cfg(feature = "sts")]
pub use provider::{
    caller_identity, CallerIdentity, IssuedCredentials, StsProvider, DEFAULT_REGION,
};
pub use provider::{
    connector_provider, provide_fn, CredentialProvider, Environment, ProvideFn, ProviderOptions,
    SharedCredentialProvider, StaticKeyProvider, SYSTEM_USER_NAME,
};
#[cfg(feature = "machine-role")]
pub use provider::{MachineRoleKind, MachineRoleProvider};
pub use registry::{AccessError, Caller, IssueError, ProviderFactory, Registry, RegistryBuilder};
pub use source::{AccessKey, CredentialSource};
pub use template::{map_user_name, NameKind, NameTemplate, TemplateError};
