//! The registry against a real STS (moto): providers are cached by default, one per user for a
//! `{user}` connector, and an AWS SDK client sees the real expiry through `ProvideCredentials`.
#![cfg(feature = "sts")]

mod common;

use aws_connector::{
    Caller, Connector, CredentialSource, PrincipalType, ProviderOptions, Registry,
};
use aws_credential_types::provider::ProvideCredentials;

fn registry(endpoint: &str) -> Registry {
    let deploy = Connector::builder("deploy")
        .source(CredentialSource::access_key(
            "AKIAIOSFODNN7EXAMPLE",
            "test-secret",
        ))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .session_name("ci-{user}")
        .duration_secs(3600)
        .group("dev")
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    Registry::builder()
        .connector(deploy)
        .provider_options(ProviderOptions::new().sts_endpoint(endpoint))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn registry_credentials_are_cached_per_user() {
    let endpoint = moto_or_skip!("registry_credentials_are_cached_per_user");
    let reg = registry(&endpoint);
    let alice = Caller::user("alice").with_group("dev");
    let bob = Caller::user("bob").with_group("dev");
    let a1 = reg
        .credentials(&alice, "deploy")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let a2 = reg
        .credentials(&alice, "deploy")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(a1.same_as(&a2), "the second call is a cache hit");
    let b1 = reg
        .credentials(&bob, "deploy")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(
        a1.access_key_id(),
        b1.access_key_id(),
        "bob has his own session"
    );

    let who_a = reg
        .caller_identity(&alice, "deploy")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let who_b = reg
        .caller_identity(&bob, "deploy")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        who_a.arn,
        "arn:aws:sts::123456789012:assumed-role/Deploy/ci-alice"
    );
    assert_eq!(
        who_b.arn,
        "arn:aws:sts::123456789012:assumed-role/Deploy/ci-bob"
    );
}

#[tokio::test]
async fn the_sdk_sees_the_real_expiry() {
    let endpoint = moto_or_skip!("the_sdk_sees_the_real_expiry");
    let reg = registry(&endpoint);
    let alice = Caller::user("alice").with_group("dev");
    let provider = reg
        .provider(&alice, "deploy")
        .unwrap_or_else(|e| panic!("{e}"));
    let ours = provider.provide().await.unwrap_or_else(|e| panic!("{e}"));
    let sdk = provider
        .provide_credentials()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sdk.access_key_id(),
        ours.access_key_id(),
        "same cached issuance"
    );
    let expiry = ours.expiry().expect("temporary");
    let sdk_expiry = sdk.expiry().expect("the SDK sees an expiry");
    let secs = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    assert_eq!(secs(sdk_expiry), expiry.unix_timestamp().unsigned_abs());
    // An SDK client using the registry's provider signs as the assumed role.
    let client = common::moto::sdk_sts_client(&endpoint, provider).await;
    let who = client
        .get_caller_identity()
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::123456789012:assumed-role/Deploy/ci-alice")
    );
}
