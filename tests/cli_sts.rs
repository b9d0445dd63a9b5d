//! The CLI against a real STS (moto) and a real, independent AWS client (boto3/botocore):
//! `credential_process` consumed by botocore, env output consumed by a child process, and
//! `whoami`. Needs `AWS_CONNECTOR_TEST_STS_ENDPOINT` and `AWS_CONNECTOR_TEST_PYTHON` (a Python
//! with the pinned boto3), both exported by `./scripts/test`.
#![cfg(feature = "cli")]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

const SECRET: &str = "SENTINEL-BOTO-SECRET";
const PY_WHOAMI: &str = "import json, sys, boto3\n\
session = boto3.Session(profile_name=sys.argv[2]) if len(sys.argv) > 2 else boto3.Session()\n\
sts = session.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1')\n\
print(json.dumps(sts.get_caller_identity()))\n";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aws-connector")
}

fn config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/connectors.toml")
}

/// The Python with boto3, or skip (panics under CI=true, like the moto endpoint).
fn python(test: &str) -> Option<String> {
    match std::env::var("AWS_CONNECTOR_TEST_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: AWS_CONNECTOR_TEST_PYTHON is not set and CI=true; run ./scripts/test")
        }
        _ => {
            eprintln!("SKIPPED {test}: AWS_CONNECTOR_TEST_PYTHON is not set (run ./scripts/test)");
            None
        }
    }
}

/// A command with no ambient AWS settings, only the example's secret.
fn clean(program: &str) -> Command {
    let mut c = Command::new(program);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") && !k.starts_with("AWS_CONNECTOR_TEST") {
            c.env_remove(k);
        }
    }
    c.env("CI_USER_SECRET", SECRET)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// The CLI with the example config and the STS endpoint given on the command line.
fn cli(endpoint: &str) -> Command {
    let mut c = clean(bin());
    c.args([
        "--config",
        &config().display().to_string(),
        "--endpoint-url",
        endpoint,
    ]);
    c
}

fn ok(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(SECRET),
        "secret on stderr"
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn botocore_uses_our_credential_process() {
    let endpoint = moto_or_skip!("botocore_uses_our_credential_process");
    let Some(py) = python("botocore_uses_our_credential_process") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("aws-connector-boto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let aws_config = dir.join("config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile deploy]\nregion = us-east-1\ncredential_process = {} --config {} --endpoint-url {endpoint} credentials deploy --user alice --group developers --format credential-process\n",
            bin(),
            config().display()
        ),
    )
    .expect("write config");
    let out = clean(&py)
        .env("AWS_CONFIG_FILE", &aws_config)
        .args(["-c", PY_WHOAMI, &endpoint, "deploy"])
        .output()
        .expect("python runs");
    let who = ok(&out);
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/Deploy/deploy-alice"
    );
    assert_eq!(who["Account"], "123456789012");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_child_given_the_env_output_calls_sts() {
    let endpoint = moto_or_skip!("a_child_given_the_env_output_calls_sts");
    let Some(py) = python("a_child_given_the_env_output_calls_sts") else {
        return;
    };
    // The shell evaluates our quoted exports, then runs boto3 with only those credentials.
    let script = format!(
        "set -e; eval \"$('{}' --config '{}' --endpoint-url '{endpoint}' credentials partner-federated --user bob --group partners --format env)\"; \
         test -n \"$AWS_SESSION_TOKEN\"; test -n \"$AWS_CREDENTIAL_EXPIRATION\"; exec '{py}' -c \"$0\" '{endpoint}'",
        bin(),
        config().display()
    );
    let out = clean("bash")
        .args(["-c", &script, PY_WHOAMI])
        .output()
        .expect("bash runs");
    let who = ok(&out);
    assert_eq!(who["Account"], "123456789012");
    assert!(
        who["Arn"]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws:")),
        "{who}"
    );
}

#[test]
fn whoami_reports_the_assumed_role() {
    let endpoint = moto_or_skip!("whoami_reports_the_assumed_role");
    let out = cli(&endpoint)
        .args([
            "whoami",
            "deploy",
            "--user",
            "carol",
            "--group",
            "developers",
        ])
        .output()
        .expect("runs");
    let who = ok(&out);
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/Deploy/deploy-carol"
    );
    // the endpoint may also come from the standard AWS setting
    let out = clean(bin())
        .env("AWS_ENDPOINT_URL_STS", &endpoint)
        .args(["--config", &config().display().to_string()])
        .args(["whoami", "ci-session", "--system"])
        .output()
        .expect("runs");
    assert!(ok(&out)["Arn"]
        .as_str()
        .is_some_and(|a| a.contains("123456789012")));
    let denied = cli(&endpoint)
        .args(["whoami", "deploy", "--system"])
        .output()
        .expect("runs");
    assert_eq!(denied.status.code(), Some(3));
}

#[test]
fn console_through_the_cli_refuses_session_token_connectors() {
    let endpoint = moto_or_skip!("console_through_the_cli_refuses_session_token_connectors");
    let out = cli(&endpoint)
        .args(["console", "ci-session", "--system"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("GetSessionToken"), "{err}");
    assert!(out.stdout.is_empty());
}

#[cfg(feature = "console")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_prints_a_login_url() {
    let endpoint = moto_or_skip!("console_prints_a_login_url");
    let (federation, seen) = common::federation::federation_server().await;
    let out = cli(&endpoint)
        .args([
            "console",
            "deploy",
            "--user",
            "alice",
            "--group",
            "developers",
        ])
        .args([
            "--issuer",
            "https://broker.example.com",
            "--destination",
            "https://console.aws.amazon.com/ec2/home",
        ])
        .args(["--federation-endpoint", &federation])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let q = common::federation::query(&url);
    let p = |k| common::federation::param(&q, k).map(str::to_owned);
    assert_eq!(p("Action").as_deref(), Some("login"));
    assert_eq!(p("Issuer").as_deref(), Some("https://broker.example.com"));
    assert_eq!(
        p("Destination").as_deref(),
        Some("https://console.aws.amazon.com/ec2/home")
    );
    assert!(p("SigninToken").is_some());
    let req = seen.lock().expect("seen")[0].clone();
    assert_eq!(
        common::federation::param(&req, "SessionDuration"),
        Some("3600")
    );
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
    let bad = cli(&endpoint)
        .args([
            "console",
            "deploy",
            "--user",
            "alice",
            "--group",
            "developers",
        ])
        .args([
            "--destination",
            "https://evil.example.com/",
            "--federation-endpoint",
            &federation,
        ])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
}
