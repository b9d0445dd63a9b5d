//! The machine role against real HTTP peers on 127.0.0.1: an IMDSv2 server and a container
//! credentials endpoint written in `common`, driven through aws-config's own providers.
#![cfg(feature = "machine-role")]

mod common;

use std::time::Duration;

use aws_connector::{
    connector_provider, Connector, CredentialProvider, CredentialSource, Environment, ErrorKind,
    MachineRoleKind, MachineRoleProvider, PrincipalType, ProviderOptions,
};
use common::servers::{
    bounded, closed_port_url, ecs_server, imds_server, now, BlackHole, Request, Response,
    TestServer, ECS_PATH, IMDS_ROLE, MACHINE_KEY_ID, MACHINE_SECRET, MACHINE_TOKEN,
};
use secrecy::ExposeSecret;

fn imds_options(endpoint: &str) -> ProviderOptions {
    ProviderOptions::new()
        .machine_role(MachineRoleKind::Imds)
        .imds_endpoint(endpoint)
}

#[tokio::test]
async fn imds_v2_flow() {
    let expiry = now().replace_nanosecond(0).unwrap() + time::Duration::hours(1);
    let server = imds_server("imds-session-token", expiry).await;
    let provider = MachineRoleProvider::new(&imds_options(&server.url())).unwrap();
    assert_eq!(provider.kind(), MachineRoleKind::Imds);

    let creds = bounded("imds", provider.provide()).await.unwrap();
    assert_eq!(creds.access_key_id(), MACHINE_KEY_ID);
    assert_eq!(creds.secret_access_key().expose_secret(), MACHINE_SECRET);
    assert_eq!(
        creds.session_token().map(|t| t.expose_secret()),
        Some(MACHINE_TOKEN)
    );
    assert_eq!(creds.expiry(), Some(expiry));
    assert_eq!(creds.provider_name(), "machine-role-imds");

    let requests = server.requests();
    let seen: Vec<_> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let role_path = format!("/latest/meta-data/iam/security-credentials/{IMDS_ROLE}");
    assert_eq!(
        seen,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/iam/security-credentials/"),
            ("GET", role_path.as_str()),
        ]
    );
    assert!(requests[0]
        .header("x-aws-ec2-metadata-token-ttl-seconds")
        .is_some());
    for r in &requests[1..] {
        assert_eq!(
            r.header("x-aws-ec2-metadata-token"),
            Some("imds-session-token")
        );
    }
}

#[tokio::test]
async fn provided_connector_hands_out_the_machine_role_as_is() {
    let expiry = now().replace_nanosecond(0).unwrap() + time::Duration::minutes(30);
    let server = imds_server("t", expiry).await;
    let connector = Connector::builder("machine")
        .source(CredentialSource::machine_role())
        .principal(PrincipalType::Provided)
        .build()
        .unwrap();
    let provider = connector_provider(&connector, &imds_options(&server.url())).unwrap();
    let creds = bounded("provided", provider.provide()).await.unwrap();
    assert_eq!(creds.access_key_id(), MACHINE_KEY_ID);
    assert_eq!(creds.expiry(), Some(expiry));
}

#[tokio::test]
async fn imds_without_a_role_is_not_loaded() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => {
            Response::new(200, "tok").header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        }
        _ => Response::new(404, "no role"),
    })
    .await;
    let provider = MachineRoleProvider::new(&imds_options(&server.url())).unwrap();
    let err = bounded("imds 404", provider.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotLoaded, "{err}");
}

#[tokio::test]
async fn imds_garbage_is_a_malformed_response() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/latest/api/token" => {
            Response::new(200, "tok").header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        }
        "/latest/meta-data/iam/security-credentials/" => Response::new(200, IMDS_ROLE),
        _ => Response::new(200, "this is not json"),
    })
    .await;
    let provider = MachineRoleProvider::new(&imds_options(&server.url())).unwrap();
    let err = bounded("imds garbage", provider.provide())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{err}");
}

#[tokio::test]
async fn imds_down_is_transient() {
    let provider = MachineRoleProvider::new(&imds_options(&closed_port_url())).unwrap();
    let err = bounded("imds down", provider.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transient, "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn imds_that_never_answers_times_out() {
    let hole = BlackHole::start().await;
    // The bound comes from the configured timeouts, not from this test's clock.
    let options = imds_options(&hole.url())
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_millis(300));
    let provider = MachineRoleProvider::new(&options).unwrap();
    let err = bounded("imds black hole", provider.provide())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_retryable());
}

#[test]
fn detection_reads_the_given_environment() {
    let ecs = Environment::from_vars([(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:1/creds",
    )]);
    let p = MachineRoleProvider::new(&ProviderOptions::new().environment(ecs)).unwrap();
    assert_eq!(p.kind(), MachineRoleKind::Ecs);
    let none = Environment::empty();
    let p = MachineRoleProvider::new(&ProviderOptions::new().environment(none)).unwrap();
    assert_eq!(p.kind(), MachineRoleKind::Imds);
}

// ---- Container endpoint ----------------------------------------------------------------------
//
// aws-config's container provider reads only the process environment, so these tests set it.
// They hold ENV_LOCK so that no two of them change it at once; the other tests in this file name
// their service and endpoint explicitly and read nothing from the process environment.

static ENV_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const CONTAINER_VARS: [&str; 4] = [
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Sets the container variables for the life of the guard, then removes them.
struct ContainerEnv;

impl ContainerEnv {
    fn set(full_uri: &str, token: Option<&str>) -> Self {
        for var in CONTAINER_VARS {
            std::env::remove_var(var);
        }
        std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri);
        if let Some(token) = token {
            std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        }
        ContainerEnv
    }
}

impl Drop for ContainerEnv {
    fn drop(&mut self) {
        for var in CONTAINER_VARS {
            std::env::remove_var(var);
        }
    }
}

#[tokio::test]
async fn ecs_with_token_then_wrong_token() {
    let _lock = ENV_LOCK.lock().await;
    let expiry = now().replace_nanosecond(0).unwrap() + time::Duration::hours(6);
    let server = ecs_server("container-sentinel-auth", expiry).await;
    let _env = ContainerEnv::set(
        &format!("{}{ECS_PATH}", server.url()),
        Some("container-sentinel-auth"),
    );

    // Chosen from the process environment: the container endpoint wins over IMDS.
    let provider = MachineRoleProvider::new(&ProviderOptions::new()).unwrap();
    assert_eq!(provider.kind(), MachineRoleKind::Ecs);
    let creds = bounded("ecs", provider.provide()).await.unwrap();
    assert_eq!(creds.access_key_id(), MACHINE_KEY_ID);
    assert_eq!(creds.expiry(), Some(expiry));
    assert_eq!(creds.provider_name(), "machine-role-ecs");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("authorization"),
        Some("container-sentinel-auth")
    );

    // aws-config reads the token again at every call: a wrong one is refused.
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token");
    let err = bounded("ecs wrong token", provider.provide())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err:?}");
    assert!(!err.is_retryable());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("wrong-token") && !shown.contains("container-sentinel-auth"));
}

#[tokio::test]
async fn ecs_token_with_trailing_newline_is_a_configuration_error() {
    let _lock = ENV_LOCK.lock().await;
    let expiry = now() + time::Duration::hours(1);
    let server = ecs_server("tok", expiry).await;
    let _env = ContainerEnv::set(&format!("{}{ECS_PATH}", server.url()), Some("tok\n"));
    let provider =
        MachineRoleProvider::new(&ProviderOptions::new().machine_role(MachineRoleKind::Ecs))
            .unwrap();
    let err = bounded("ecs newline", provider.provide())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfiguration, "{err:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn ecs_down_is_transient() {
    let _lock = ENV_LOCK.lock().await;
    let _env = ContainerEnv::set(&format!("{}{ECS_PATH}", closed_port_url()), None);
    let provider =
        MachineRoleProvider::new(&ProviderOptions::new().machine_role(MachineRoleKind::Ecs))
            .unwrap();
    let err = bounded("ecs down", provider.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transient, "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn ecs_not_configured_is_not_loaded() {
    let _lock = ENV_LOCK.lock().await;
    for var in CONTAINER_VARS {
        std::env::remove_var(var);
    }
    let provider =
        MachineRoleProvider::new(&ProviderOptions::new().machine_role(MachineRoleKind::Ecs))
            .unwrap();
    let err = bounded("ecs unset", provider.provide()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotLoaded, "{err:?}");
}
