//! [`HttpClient`]: the one HTTPS client (hyper 1 + rustls with the ring crypto provider) used for
//! STS, IMDS and the container endpoint.
//!
//! The crate deliberately does not enable aws-config's `default-https-client` (which would pull in
//! aws-lc); it builds this client explicitly and hands it to every AWS client and provider it
//! creates.

use std::fmt;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// A cloneable handle on an HTTPS client and its connection pool.
///
/// Share one between providers with [`ProviderOptions::http_client`](crate::ProviderOptions::http_client);
/// by default every provider gets its own. Timeouts are not a property of the client: they come
/// from the [`ProviderOptions`](crate::ProviderOptions) of each provider.
///
/// A client keeps its pooled connections on the Tokio runtime that opened them: share a client
/// only between providers used on the same runtime.
///
/// ```
/// use aws_connector::{HttpClient, ProviderOptions};
///
/// let client = HttpClient::new();
/// let a = ProviderOptions::new().http_client(client.clone());
/// let b = ProviderOptions::new().user("alice").http_client(client);
/// # let _ = (a, b);
/// ```
#[derive(Clone)]
pub struct HttpClient {
    inner: SharedHttpClient,
}

impl HttpClient {
    /// A new HTTPS client (rustls with ring, the platform's root certificates; plain `http://` is
    /// accepted too, for local endpoints).
    pub fn new() -> Self {
        let inner = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        HttpClient { inner }
    }

    pub(crate) fn shared(&self) -> SharedHttpClient {
        self.inner.clone()
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient::new()
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("tls", &"rustls (ring)")
            .finish_non_exhaustive()
    }
}
