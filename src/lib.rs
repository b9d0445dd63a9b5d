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
//! | `test-util` | no | manual clock and fake provider for downstream tests |
//!
//! Without default features the crate still gives validation, the rules table, the cache and
//! static keys.

#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod cache;
mod clock;
mod connector;
mod credentials;
mod error;
mod partition;
mod principal;
mod provider;
mod source;
mod template;

#[cfg(feature = "config")]
mod config;

pub use cache::{CacheConfig, CacheConfigBuilder, CacheStats, Cached, FULL_WINDOW_LIFETIME};
pub use clock::{Clock, SystemClock, COARSE_MAX_LAG};
#[cfg(any(test, feature = "test-util"))]
pub use clock::{ManualClock, TokioClock};
pub use connector::{Connector, ConnectorBuilder, Scope};
pub use credentials::{Credentials, CredentialsBuilder};
pub use error::{
    BoxError, CredentialError, ErrorCode, ErrorKind, ValidationError, ValidationErrors,
};
pub use partition::Partition;
pub use principal::{
    Applicability, Capabilities, ConsoleSignIn, DurationRange, Field, PrincipalType, Sources,
    UnknownPrincipalType,
};
pub use provider::{
    provide_fn, CredentialProvider, ProvideFn, SharedCredentialProvider, StaticKeyProvider,
};
pub use source::{AccessKey, CredentialSource};
pub use template::{map_user_name, NameKind, NameTemplate, TemplateError};
