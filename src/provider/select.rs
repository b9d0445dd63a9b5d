//! [`connector_provider`]: the one entry point that turns a connector into the right provider.

use super::options::ProviderOptions;
use super::{SharedCredentialProvider, StaticKeyProvider};
use crate::cache::Cached;
use crate::connector::Connector;
use crate::error::CredentialError;
use crate::principal::PrincipalType;
use crate::source::CredentialSource;

/// The provider for `connector` and the caller in `options`, chosen by principal type:
///
/// | principal type | source | provider |
/// |---|---|---|
/// | Provided | access key | [`StaticKeyProvider`]: the key as it is |
/// | Provided | machine role | [`MachineRoleProvider`](crate::MachineRoleProvider): the role's credentials as they are |
/// | SessionToken | access key | [`StsProvider`](crate::StsProvider): GetSessionToken |
/// | FederatedUser | access key | [`StsProvider`](crate::StsProvider): GetFederationToken |
/// | AssumeRole | access key or machine role | [`StsProvider`](crate::StsProvider): AssumeRole |
///
/// STS and machine-role providers come wrapped in the refresh engine ([`Cached`]) configured by
/// [`ProviderOptions::cache_config`] (on by default; [`ProviderOptions::no_cache`] turns it off, and
/// then every call makes one backend attempt). A static key needs no cache. No I/O happens here.
///
/// ```
/// use aws_connector::{connector_provider, Connector, CredentialSource, PrincipalType, ProviderOptions};
///
/// let ci = Connector::builder("ci")
///     .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "example-secret"))
///     .principal(PrincipalType::Provided)
///     .build()?;
/// let provider = connector_provider(&ci, &ProviderOptions::new())?;
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// assert_eq!(rt.block_on(provider.provide())?.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`InvalidConfiguration`](crate::ErrorKind::InvalidConfiguration) when the provider cannot be
/// built: see [`StsProvider::new`](crate::StsProvider::new) and
/// [`MachineRoleProvider::new`](crate::MachineRoleProvider::new), or when the backend it needs
/// was left out of the build (features `sts`, `machine-role`).
pub fn connector_provider(
    connector: &Connector,
    options: &ProviderOptions,
) -> Result<SharedCredentialProvider, CredentialError> {
    let raw = uncached(connector, options)?;
    if matches!(
        (connector.principal(), connector.source()),
        (PrincipalType::Provided, CredentialSource::AccessKey(_))
    ) {
        return Ok(raw);
    }
    Ok(match options.cache_config_opt() {
        Some(config) => SharedCredentialProvider::new(Cached::with_config(raw, config)),
        None => raw,
    })
}

fn uncached(
    connector: &Connector,
    #[allow(unused_variables)] options: &ProviderOptions,
) -> Result<SharedCredentialProvider, CredentialError> {
    match (connector.principal(), connector.source()) {
        (PrincipalType::Provided, CredentialSource::AccessKey(key)) => Ok(
            SharedCredentialProvider::new(StaticKeyProvider::from_access_key(key)),
        ),
        (PrincipalType::Provided, CredentialSource::MachineRole) => {
            #[cfg(feature = "machine-role")]
            {
                Ok(SharedCredentialProvider::new(
                    super::machine::MachineRoleProvider::new(options)?,
                ))
            }
            #[cfg(not(feature = "machine-role"))]
            {
                Err(missing_feature(connector, "machine-role"))
            }
        }
        _ => {
            #[cfg(feature = "sts")]
            {
                Ok(SharedCredentialProvider::new(super::sts::StsProvider::new(
                    connector, options,
                )?))
            }
            #[cfg(not(feature = "sts"))]
            {
                Err(missing_feature(connector, "sts"))
            }
        }
    }
}

#[cfg(not(all(feature = "sts", feature = "machine-role")))]
fn missing_feature(connector: &Connector, feature: &str) -> CredentialError {
    CredentialError::invalid_configuration(format!(
        "connector `{}` ({}) needs aws-connector's `{feature}` feature, which this build lacks",
        connector.name(),
        connector.principal()
    ))
}
