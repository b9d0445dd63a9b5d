//! STS requests and errors against local HTTP servers on 127.0.0.1 that answer like STS: what
//! goes on the wire, and how every kind of failure surfaces.
#![cfg(feature = "sts")]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_connector::{
    connector_provider, mfa_fn, Connector, CredentialError, CredentialProvider, CredentialSource,
    Environment, ErrorKind, MfaChallenge, MfaCode, PrincipalType, ProviderOptions, StsProvider,
};
use aws_credential_types::provider::ProvideCredentials;
use common::servers::{
    bounded, closed_port_url, now, sts_error, sts_like, BlackHole, Request, Response, TestServer,
};
use secrecy::ExposeSecret;

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SENTINEL_SECRET: &str = "sentinel-long-term-secret";

fn key() -> CredentialSource {
    CredentialSource::access_key(KEY_ID, SENTINEL_SECRET)
}

fn assume_role(endpoint: &str) -> Connector {
    Connector::builder("deploy")
        .source(key())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .sts_endpoint(endpoint)
        .build()
        .unwrap()
}

/// No `AWS_*` from the process environment.
fn options() -> ProviderOptions {
    ProviderOptions::new().environment(Environment::empty())
}

/// An MFA token provider that hands out 100001, 100002, … and counts calls.
fn counting_mfa(calls: Arc<AtomicU32>) -> impl aws_connector::MfaTokenProvider {
    mfa_fn(move |challenge: MfaChallenge| {
        let calls = calls.clone();
        async move {
            assert!(challenge
                .serial()
                .starts_with("arn:aws:iam::123456789012:mfa/"));
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(MfaCode::new(format!("{:06}", 100_000 + n))?)
        }
    })
}

async fn provide_err(connector: &Connector) -> CredentialError {
    let p = StsProvider::new(connector, &options()).unwrap();
    bounded("sts call", p.provide()).await.unwrap_err()
}

#[tokio::test]
async fn access_denied_keeps_aws_code_and_message() {
    let message = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                   sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Deploy";
    let server =
        TestServer::start(move |_: &Request| sts_error(403, "AccessDenied", message)).await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert_eq!(err.aws_code(), Some("AccessDenied"));
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        format!("sts AssumeRole failed: AccessDenied: {message}")
    );
    match &err {
        CredentialError::Service {
            action,
            code,
            message: m,
            ..
        } => {
            assert_eq!(action, "AssumeRole");
            assert_eq!(code, "AccessDenied");
            assert_eq!(m, message);
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn throttling_and_expired_tokens_are_typed() {
    let server =
        TestServer::start(|_: &Request| sts_error(400, "Throttling", "Rate exceeded")).await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert!(err.is_retryable());
    assert!(
        err.to_string().ends_with("Throttling: Rate exceeded"),
        "{err}"
    );

    let server = TestServer::start(|_: &Request| {
        sts_error(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        )
    })
    .await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::Expired);
    assert_eq!(err.aws_code(), Some("ExpiredToken"));
}

#[tokio::test]
async fn connection_refused_is_transient_and_retryable() {
    let err = provide_err(&assume_role(&closed_port_url())).await;
    assert_eq!(err.kind(), ErrorKind::Transient, "{err:?}");
    assert!(err.is_retryable());
    assert!(matches!(err, CredentialError::Transport { .. }));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn malformed_body_is_a_malformed_response() {
    let server = TestServer::start(|_: &Request| {
        Response::xml(200, "<html><body>definitely not STS</body></html>")
    })
    .await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err:?}");
    assert_eq!(err.kind().as_str(), "malformed response");
    assert!(!err.is_retryable());

    // Well-formed XML of the right shape but without the required credentials fields.
    let server = TestServer::start(|_: &Request| {
        Response::xml(
            200,
            "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>x</AccessKeyId>\
             </Credentials></AssumeRoleResult></AssumeRoleResponse>",
        )
    })
    .await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err:?}");
}

#[tokio::test]
async fn server_error_without_a_code_is_transient() {
    let server =
        TestServer::start(|_: &Request| Response::new(503, "<html>upstream unavailable</html>"))
            .await;
    let err = provide_err(&assume_role(&server.url())).await;
    assert_eq!(err.kind(), ErrorKind::Transient, "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn sts_that_never_answers_times_out() {
    let hole = BlackHole::start().await;
    // Bounded by the configured read timeout, not by this test's clock.
    let options = options().read_timeout(Duration::from_millis(300));
    let p = StsProvider::new(&assume_role(&hole.url()), &options).unwrap();
    let err = bounded("black hole", p.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_retryable());

    let options = self::options()
        .read_timeout(Duration::from_secs(30))
        .attempt_timeout(Duration::from_millis(300));
    let p = StsProvider::new(&assume_role(&hole.url()), &options).unwrap();
    let err = bounded("black hole", p.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
}

#[tokio::test]
async fn every_assume_role_field_reaches_the_wire() {
    let expiry = now().replace_nanosecond(0).unwrap() + time::Duration::minutes(20);
    let server = TestServer::start(sts_like("ASIARECORDED", "recorded-secret", expiry)).await;
    let connector = Connector::builder("deploy")
        .source(key())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .session_name("ci-{user}")
        .source_identity("{user}")
        .external_id("shared-external-id")
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .policy_arn("arn:aws:iam::123456789012:policy/Extra")
        .duration_secs(1200)
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .tag("team", "platform")
        .tag("cost center", "42")
        .transitive_tag_key("team")
        .region("eu-west-1")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let options = options().user("alice").mfa(counting_mfa(calls.clone()));
    let p = StsProvider::new(&connector, &options).unwrap();
    let issued = bounded("assume role", p.issue()).await.unwrap();

    let creds = issued.credentials();
    assert_eq!(creds.access_key_id(), "ASIARECORDED");
    assert_eq!(creds.secret_access_key().expose_secret(), "recorded-secret");
    assert_eq!(creds.expiry(), Some(expiry));
    assert_eq!(creds.provider_name(), "sts-assume-role");
    assert_eq!(
        issued.principal_arn(),
        Some("arn:aws:sts::123456789012:assumed-role/Deploy/ci-alice")
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method, "POST");
    let form = req.form();
    let expect = [
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/Deploy"),
        ("RoleSessionName", "ci-alice"),
        ("SourceIdentity", "alice"),
        ("ExternalId", "shared-external-id"),
        (
            "PolicyArns.member.1.arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ),
        (
            "PolicyArns.member.2.arn",
            "arn:aws:iam::123456789012:policy/Extra",
        ),
        ("DurationSeconds", "1200"),
        ("SerialNumber", "arn:aws:iam::123456789012:mfa/ci"),
        ("TokenCode", "100001"),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "platform"),
        ("Tags.member.2.Key", "cost center"),
        ("Tags.member.2.Value", "42"),
        ("TransitiveTagKeys.member.1", "team"),
    ];
    for (k, v) in expect {
        assert_eq!(form.get(k).map(String::as_str), Some(v), "{k} in {form:?}");
    }
    assert!(form["Policy"].contains("s3:GetObject"), "{form:?}");
    // Signed with the long-term key for the connector's region.
    let auth = req.header("authorization").unwrap();
    assert!(
        auth.contains(&format!("Credential={KEY_ID}/"))
            && auth.contains("/eu-west-1/sts/aws4_request"),
        "{auth}"
    );
    assert!(!auth.contains(SENTINEL_SECRET));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn mfa_is_asked_again_at_every_call() {
    let server =
        TestServer::start(sts_like("ASIAMFA", "s", now() + time::Duration::hours(1))).await;
    let connector = Connector::builder("st")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .duration_secs(900)
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let calls = Arc::new(AtomicU32::new(0));
    let p = StsProvider::new(&connector, &options().mfa(counting_mfa(calls.clone()))).unwrap();
    for _ in 0..3 {
        bounded("session token", p.provide()).await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let codes: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.form()["TokenCode"].clone())
        .collect();
    assert_eq!(codes, ["100001", "100002", "100003"]);
    let form = server.requests()[0].form();
    assert_eq!(form["Action"], "GetSessionToken");
    assert_eq!(form["DurationSeconds"], "900");
    assert_eq!(form["SerialNumber"], "arn:aws:iam::123456789012:mfa/ci");
}

#[tokio::test]
async fn mfa_failure_fails_the_call_before_sts() {
    let server = TestServer::start(sts_like("ASIAX", "s", now() + time::Duration::hours(1))).await;
    let connector = Connector::builder("st")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let options = options().mfa(mfa_fn(|_| async {
        Err(CredentialError::not_loaded("nobody typed a code"))
    }));
    let err = StsProvider::new(&connector, &options)
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotLoaded);
    assert!(server.requests().is_empty());

    let err = StsProvider::new(&connector, &self::options()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfiguration);
}

#[tokio::test]
async fn federation_fields_reach_the_wire_and_unset_ones_do_not() {
    let server =
        TestServer::start(sts_like("ASIAFED", "s", now() + time::Duration::hours(1))).await;
    let connector = Connector::builder("fed")
        .source(key())
        .principal(PrincipalType::FederatedUser)
        .federated_name("fed-{user}")
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#)
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .tag("team", "platform")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let issued = StsProvider::new(&connector, &options().user("José Müller"))
        .unwrap()
        .issue()
        .await
        .unwrap();
    let form = server.requests()[0].form();
    assert_eq!(form["Action"], "GetFederationToken");
    let name = &form["Name"];
    assert!(
        name.starts_with("fed-Jos--M-ller-") && name.len() <= 32,
        "{name}"
    );
    assert!(form["Policy"].contains("s3:ListBucket"));
    assert_eq!(
        form["PolicyArns.member.1.arn"],
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(form["Tags.member.1.Key"], "team");
    assert_eq!(form["Tags.member.1.Value"], "platform");
    // No duration configured: AWS's default applies, nothing is sent.
    assert!(!form.contains_key("DurationSeconds"), "{form:?}");
    assert!(!form.contains_key("SerialNumber") && !form.contains_key("TokenCode"));
    assert_eq!(
        issued.principal_arn(),
        Some(format!("arn:aws:sts::123456789012:federated-user/{name}").as_str())
    );
}

#[tokio::test]
async fn region_and_endpoint_come_from_the_environment() {
    let server =
        TestServer::start(sts_like("ASIAENV", "s", now() + time::Duration::hours(1))).await;
    let connector = Connector::builder("st")
        .source(key())
        .principal(PrincipalType::SessionToken)
        .build()
        .unwrap();

    let env = Environment::from_vars([
        ("AWS_REGION", "ap-southeast-2".to_owned()),
        ("AWS_ENDPOINT_URL_STS", server.url()),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:1".to_owned()),
    ]);
    let p = StsProvider::new(&connector, &ProviderOptions::new().environment(env)).unwrap();
    assert_eq!(p.region(), "ap-southeast-2");
    assert_eq!(p.endpoint(), server.url());
    p.provide().await.unwrap();

    let env = Environment::from_vars([("AWS_ENDPOINT_URL", server.url())]);
    let p = StsProvider::new(&connector, &ProviderOptions::new().environment(env)).unwrap();
    assert_eq!(p.region(), "us-east-1");
    p.provide().await.unwrap();

    // The explicit override beats everything.
    let env = Environment::from_vars([("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")]);
    let options = ProviderOptions::new()
        .environment(env)
        .sts_endpoint(server.url());
    connector_provider(&connector, &options)
        .unwrap()
        .provide()
        .await
        .unwrap();

    let scopes: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert!(
        scopes[0].contains("/ap-southeast-2/sts/aws4_request"),
        "{}",
        scopes[0]
    );
    assert!(
        scopes[1].contains("/us-east-1/sts/aws4_request"),
        "{}",
        scopes[1]
    );
    assert_eq!(scopes.len(), 3);
}

#[tokio::test]
async fn sdk_callers_see_our_error_as_the_source() {
    let server =
        TestServer::start(|_: &Request| sts_error(403, "AccessDenied", "not authorized")).await;
    let p = StsProvider::new(&assume_role(&server.url()), &options()).unwrap();
    let err = p.provide_credentials().await.unwrap_err();
    let ours = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<CredentialError>())
        .expect("our error is the source");
    assert_eq!(ours.aws_code(), Some("AccessDenied"));
}

#[tokio::test]
async fn secrets_never_show_in_debug_display_or_errors() {
    let server =
        TestServer::start(|_: &Request| sts_error(403, "AccessDenied", "not authorized")).await;
    let mfa = mfa_fn(|_| async { Ok(MfaCode::new("987654")?) });
    let connector = Connector::builder("deploy")
        .source(key())
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/Deploy")
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .sts_endpoint(server.url())
        .build()
        .unwrap();
    let options = options().mfa(mfa).environment(Environment::from_vars([(
        "AWS_SECRET_ACCESS_KEY",
        SENTINEL_SECRET,
    )]));
    let p = StsProvider::new(&connector, &options).unwrap();
    let shared = connector_provider(&connector, &options).unwrap();
    let err = p.provide().await.unwrap_err();
    let shown = format!(
        "{p:?} {shared:?} {options:?} {err} {err:?} {:?}",
        MfaCode::new("987654").unwrap()
    );
    assert!(shown.contains(KEY_ID), "{shown}");
    for secret in [SENTINEL_SECRET, "987654"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}
