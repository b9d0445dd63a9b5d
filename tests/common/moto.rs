//! The moto STS endpoint (`AWS_CONNECTOR_TEST_STS_ENDPOINT`, exported by `scripts/moto.sh`'s
//! `moto_start`) and SDK clients for it.

#![allow(unreachable_pub)]

/// The variable `scripts/moto.sh` (`moto_start`) exports.
pub const MOTO_ENV: &str = "AWS_CONNECTOR_TEST_STS_ENDPOINT";

/// The account moto answers for.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// The moto endpoint from `AWS_CONNECTOR_TEST_STS_ENDPOINT`.
///
/// Unset: panics under `CI=true` (a test that needs moto must never pass by skipping in CI);
/// elsewhere prints a loud notice and returns `None` so the caller can return early.
pub fn moto_endpoint(test: &str) -> Option<String> {
    match std::env::var(MOTO_ENV) {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().trim_end_matches('/').to_owned()),
        _ => {
            let how = "start moto first: `source scripts/moto.sh && moto_install && moto_start` \
                       (exports AWS_CONNECTOR_TEST_STS_ENDPOINT), or run ./scripts/test";
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!("{test}: {MOTO_ENV} is not set and CI=true: {how}");
            }
            eprintln!(
                "\n**********************************************************************\n\
                 SKIPPED {test}: {MOTO_ENV} is not set.\n{how}\n\
                 **********************************************************************\n"
            );
            None
        }
    }
}

/// `let endpoint = moto_or_skip!("name");` returns from the test when moto is not available
/// outside CI (see [`moto_endpoint`]).
#[macro_export]
macro_rules! moto_or_skip {
    ($test:expr) => {
        match $crate::common::moto::moto_endpoint($test) {
            Some(endpoint) => endpoint,
            None => return,
        }
    };
}

/// An HTTPS client for SDK clients built by tests (rustls with ring, as the crate's own).
#[cfg(feature = "_aws")]
pub fn sdk_http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// An `aws_sdk_sts::Client` built by `aws_config` with `provider` as its credentials provider.
#[cfg(feature = "sts")]
pub async fn sdk_sts_client(
    endpoint: &str,
    provider: impl aws_credential_types::provider::ProvideCredentials + 'static,
) -> aws_sdk_sts::Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(sdk_http_client())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(provider)
        .load()
        .await;
    aws_sdk_sts::Client::new(&config)
}
