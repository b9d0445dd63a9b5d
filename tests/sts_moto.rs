//! One connector per principal type against a real STS endpoint: `moto_server`, started by
//! `scripts/moto.sh` (`moto_start` exports `AWS_CONNECTOR_TEST_STS_ENDPOINT`).
//!
//! Each test checks what was sent through what comes back: the assumed-role ARN and session name
//! (from the AssumeRole answer and from GetCallerIdentity called with the new credentials), the
//! federated user's name, and expiry = now + duration. moto returns `expiration = now +
//! DurationSeconds` exactly; the margin below only absorbs the test's own latency.
//!
//! Fields moto ignores (tags, transitive tag keys, source identity, external ID, MFA, policy ARNs)
//! are checked on the wire in `sts_errors.rs` and in `sts.rs`'s unit tests.
//!
//! Without the endpoint these tests print a loud SKIPPED notice, and fail under `CI=true`.
#![cfg(feature = "sts")]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_connector::{
    connector_provider, mfa_fn, Connector, CredentialProvider, CredentialSource, Environment,
    MfaCode, PrincipalType, ProviderOptions, SdkProvider, StsProvider,
};
use common::moto::{sdk_sts_client, MOTO_ACCOUNT};
use common::servers::{assert_near, bounded, now};

const MARGIN: Duration = Duration::from_secs(120);
const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

fn key() -> CredentialSource {
    // moto accepts any key.
    CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "moto-accepts-any-secret")
}

/// Options that read nothing from the process environment.
fn options() -> ProviderOptions {
    ProviderOptions::new().environment(Environment::empty())
}

fn counting_mfa(calls: Arc<AtomicU32>) -> impl aws_connector::MfaTokenProvider {
    mfa_fn(move |_| {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok(MfaCode::new(format!("{:06}", 200_000 + n))?) }
    })
}

#[tokio::test]
async fn session_token_against_moto() {
    let endpoint = moto_or_skip!("session_token_against_moto");
    let connector = Connector::builder("session")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .duration_secs(900)
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .region("us-east-1")
        .sts_endpoint(&endpoint)
        .build()
        .unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let provider =
        connector_provider(&connector, &options().mfa(counting_mfa(calls.clone()))).unwrap();

    let before = now();
    let creds = bounded("GetSessionToken", provider.provide())
        .await
        .unwrap();
    assert!(creds.is_temporary());
    assert_eq!(creds.provider_name(), "sts-get-session-token");
    assert_near(
        creds.expiry().unwrap(),
        before + Duration::from_secs(900),
        MARGIN,
    );

    // connector_provider caches: a second call is a hit and asks for no code.
    let again = bounded("GetSessionToken", provider.provide())
        .await
        .unwrap();
    assert!(again.same_as(&creds));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Every backend call (here: uncached) asks for a fresh code.
    let uncached = connector_provider(
        &connector,
        &options().mfa(counting_mfa(calls.clone())).no_cache(),
    )
    .unwrap();
    for _ in 0..2 {
        bounded("GetSessionToken", uncached.provide())
            .await
            .unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn session_token_default_duration_is_awss() {
    let endpoint = moto_or_skip!("session_token_default_duration_is_awss");
    let connector = Connector::builder("session")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .sts_endpoint(&endpoint)
        .build()
        .unwrap();
    let before = now();
    let creds = bounded(
        "GetSessionToken",
        StsProvider::new(&connector, &options()).unwrap().provide(),
    )
    .await
    .unwrap();
    // Nothing sent: AWS's (and moto's) default of 12 hours, as the rules table says.
    let default = connector.effective_duration_secs().unwrap();
    assert_eq!(default, 43_200);
    assert_near(
        creds.expiry().unwrap(),
        before + Duration::from_secs(default.into()),
        MARGIN,
    );
}

#[tokio::test]
async fn federated_user_against_moto() {
    let endpoint = moto_or_skip!("federated_user_against_moto");
    let connector = Connector::builder("federated")
        .source(key())
        .principal(PrincipalType::FederatedUser)
        .federated_name("fed-{user}")
        .policy(POLICY)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .tag("team", "platform")
        .duration_secs(1800)
        .sts_endpoint(&endpoint)
        .build()
        .unwrap();
    let provider = StsProvider::new(&connector, &options().user("alice")).unwrap();
    assert_eq!(provider.federated_name(), Some("fed-alice"));

    let before = now();
    let issued = bounded("GetFederationToken", provider.issue())
        .await
        .unwrap();
    assert_eq!(
        issued.principal_arn(),
        Some(format!("arn:aws:sts::{MOTO_ACCOUNT}:federated-user/fed-alice").as_str())
    );
    assert_eq!(
        issued.principal_id(),
        Some(format!("{MOTO_ACCOUNT}:fed-alice").as_str())
    );
    let creds = issued.credentials();
    assert!(creds.is_temporary());
    assert_eq!(creds.provider_name(), "sts-get-federation-token");
    assert_near(
        creds.expiry().unwrap(),
        before + Duration::from_secs(1800),
        MARGIN,
    );

    // An SDK client signs with these credentials through `ProvideCredentials`. moto does not
    // track federation tokens, so GetCallerIdentity cannot name the federated user (real STS
    // answers `federated-user/fed-alice`); it does accept the signature and answers.
    let client = sdk_sts_client(&endpoint, provider).await;
    let identity = bounded("GetCallerIdentity", client.get_caller_identity().send())
        .await
        .unwrap();
    assert_eq!(identity.account(), Some(MOTO_ACCOUNT));
}

#[tokio::test]
async fn assume_role_against_moto_and_through_an_sdk_client() {
    let endpoint = moto_or_skip!("assume_role_against_moto_and_through_an_sdk_client");
    let connector = Connector::builder("deploy")
        .source(key())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .session_name("ci-{user}")
        .source_identity("{user}")
        .external_id("shared-external-id")
        .policy(POLICY)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .tag("team", "platform")
        .transitive_tag_key("team")
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .duration_secs(1200)
        .region("eu-west-1")
        .sts_endpoint(&endpoint)
        .build()
        .unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let options = options().user("alice").mfa(counting_mfa(calls.clone()));
    let provider = StsProvider::new(&connector, &options).unwrap();
    assert_eq!(provider.region(), "eu-west-1");

    let before = now();
    let issued = bounded("AssumeRole", provider.issue()).await.unwrap();
    let arn = format!("arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/Deploy/ci-alice");
    assert_eq!(issued.principal_arn(), Some(arn.as_str()));
    assert!(issued.principal_id().unwrap().ends_with(":ci-alice"));
    assert_near(
        issued.credentials().expiry().unwrap(),
        before + Duration::from_secs(1200),
        MARGIN,
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // The SDK, through our `ProvideCredentials`, gets a fresh session and GetCallerIdentity
    // with it names the assumed role and the session name.
    let client = sdk_sts_client(&endpoint, provider).await;
    let identity = bounded("GetCallerIdentity", client.get_caller_identity().send())
        .await
        .unwrap();
    assert_eq!(identity.arn(), Some(arn.as_str()));
    assert!(identity.user_id().unwrap().ends_with(":ci-alice"));
    assert_eq!(identity.account(), Some(MOTO_ACCOUNT));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "mfa asked again for the sdk's load"
    );
}

#[tokio::test]
async fn assume_role_for_the_system_caller_with_defaults() {
    let endpoint = moto_or_skip!("assume_role_for_the_system_caller_with_defaults");
    let connector = Connector::builder("nightly")
        .source(key())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Nightly")
        .session_name("job-{user}")
        .build()
        .unwrap();
    // The endpoint comes from the standard variable, the region from the default.
    let env = Environment::from_vars([("AWS_ENDPOINT_URL_STS", endpoint.clone())]);
    let provider =
        connector_provider(&connector, &ProviderOptions::new().environment(env)).unwrap();

    let before = now();
    let creds = bounded("AssumeRole", provider.provide()).await.unwrap();
    assert_near(
        creds.expiry().unwrap(),
        before + Duration::from_secs(3600),
        MARGIN,
    );

    let client = sdk_sts_client(&endpoint, SdkProvider::new(provider)).await;
    let identity = bounded("GetCallerIdentity", client.get_caller_identity().send())
        .await
        .unwrap();
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/Nightly/job-system").as_str())
    );
}

#[tokio::test]
async fn provided_static_key_signs_sdk_calls_as_is() {
    let endpoint = moto_or_skip!("provided_static_key_signs_sdk_calls_as_is");
    let connector = Connector::builder("ci")
        .source(key())
        .principal(PrincipalType::Provided)
        .build()
        .unwrap();
    let provider = connector_provider(&connector, &options()).unwrap();
    let creds = provider.provide().await.unwrap();
    assert_eq!(creds.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
    assert!(!creds.is_temporary());
    assert_eq!(creds.expiry(), None);

    let client = sdk_sts_client(&endpoint, provider).await;
    let identity = bounded("GetCallerIdentity", client.get_caller_identity().send())
        .await
        .unwrap();
    assert_eq!(identity.account(), Some(MOTO_ACCOUNT));
}

#[cfg(feature = "machine-role")]
#[tokio::test]
async fn assume_role_from_the_machine_role() {
    use aws_connector::MachineRoleKind;

    let endpoint = moto_or_skip!("assume_role_from_the_machine_role");
    let imds = common::servers::imds_server("imds-token", now() + time::Duration::hours(1)).await;
    let connector = Connector::builder("from-machine")
        .source(CredentialSource::machine_role())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Chained")
        .session_name("machine-{user}")
        .duration_secs(900)
        .sts_endpoint(&endpoint)
        .build()
        .unwrap();
    let options = options()
        .user("svc")
        .machine_role(MachineRoleKind::Imds)
        .imds_endpoint(imds.url());
    let issued = bounded(
        "AssumeRole from IMDS",
        StsProvider::new(&connector, &options).unwrap().issue(),
    )
    .await
    .unwrap();
    assert_eq!(
        issued.principal_arn(),
        Some(format!("arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/Chained/machine-svc").as_str())
    );
    // The machine role's credentials signed the call.
    assert!(imds
        .requests()
        .iter()
        .any(|r| r.path.ends_with(common::servers::IMDS_ROLE)));
}
