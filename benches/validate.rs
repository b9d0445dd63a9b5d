//! Validation cost: one full AssumeRole connector build, and loading + validating a generated
//! 1,000-connector config file. Goal: the 1,000-connector file in under 50 ms (release).

use std::fmt::Write as _;
use std::hint::black_box;

use aws_connector::{Config, Connector, CredentialSource, PrincipalType};
use criterion::{criterion_group, criterion_main, Criterion};

fn full_assume_role() -> Connector {
    Connector::builder("deploy")
        .source(CredentialSource::access_key("AKIAIOSFODNN7EXAMPLE", "bench-secret"))
        .principal(PrincipalType::AssumeRole)
        .role_arn("arn:aws:iam::123456789012:role/path/Deploy")
        .external_id("shared-secret-id")
        .session_name("deploy-{user}")
        .source_identity("{user}")
        .policy_arns([
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::123456789012:policy/Boundary",
        ])
        .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
        .duration_secs(3600)
        .mfa_serial("arn:aws:iam::123456789012:mfa/ci")
        .tag("team", "platform")
        .tag("cost-center", "1234")
        .transitive_tag_key("team")
        .region("eu-west-1")
        .group("developers")
        .build()
        .expect("the bench connector is valid")
}

fn thousand_connectors() -> String {
    let mut s = String::from(
        "[settings]\nregion = \"us-east-1\"\n\n[access_keys.ci]\naccess_key_id = \"AKIAIOSFODNN7EXAMPLE\"\nsecret_access_key = \"bench-secret\"\n",
    );
    for i in 0..1000 {
        let _ = match i % 4 {
            0 => write!(
                s,
                "\n[connectors.role-{i}]\ncredentials = \"ci\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/R{i}\"\nexternal_id = \"ext-{i}\"\nsession_name = \"s{i}-{{user}}\"\npolicy_arns = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]\npolicy = '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}]}}'\nduration = 3600\ntags = {{ team = \"t{i}\" }}\ntransitive_tag_keys = [\"team\"]\ngroups = [\"g{i}\"]\n"
            ),
            1 => write!(
                s,
                "\n[connectors.fed-{i}]\ncredentials = \"ci\"\nprincipal = \"federated-user\"\nfederated_name = \"f-{{user}}\"\npolicy_arns = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]\nduration = 7200\ngroups = [\"g{i}\"]\n"
            ),
            2 => write!(
                s,
                "\n[connectors.session-{i}]\ncredentials = \"ci\"\nprincipal = \"session-token\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/m{i}\"\nduration = 3600\ngroups = [\"g{i}\"]\nscope = \"system\"\n"
            ),
            _ => write!(
                s,
                "\n[connectors.machine-{i}]\ncredentials = \"machine-role\"\nprincipal = \"provided\"\ngroups = [\"g{i}\"]\n"
            ),
        };
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    g.bench_function("assume_role_full_build", |b| {
        b.iter(|| black_box(full_assume_role()))
    });
    let text = thousand_connectors();
    assert_eq!(
        Config::from_toml_str(&text)
            .map(|c| c.connectors().len())
            .ok(),
        Some(1000)
    );
    g.sample_size(20);
    g.bench_function("load_1000_connectors", |b| {
        b.iter(|| black_box(Config::from_toml_str(black_box(&text)).map(|c| c.connectors().len())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
