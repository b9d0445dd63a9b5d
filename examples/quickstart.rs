//! Loads `examples/connectors.toml`, prints each connector with what its principal type allows,
//! fetches credentials from every connector from a local STS endpoint (when one is configured),
//! and shows the full report for a config with mistakes (`examples/invalid.toml`).
//!
//! Run it with `./scripts/demo`, which starts a local STS (moto) and sets `AWS_ENDPOINT_URL_STS`.
//! Without an STS endpoint in the environment the credentials step is skipped: the example never
//! contacts AWS itself.

use aws_connector::{Caller, Config, ConfigError, Connector, Registry};

const CONFIG: &str = include_str!("connectors.toml");
const INVALID: &str = include_str!("invalid.toml");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The example's access key secret comes from CI_USER_SECRET; a placeholder keeps the demo
    // self-contained when it is not set.
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .or_else(|| (name == "CI_USER_SECRET").then(|| "demo-secret-not-real".to_owned()))
    };
    let config = Config::from_toml_str_with_env(CONFIG, env)?;
    println!(
        "== examples/connectors.toml: {} connectors\n",
        config.connectors().len()
    );
    for c in config.connectors() {
        describe(c);
    }

    let endpoint = std::env::var("AWS_ENDPOINT_URL_STS")
        .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
        .ok();
    match endpoint {
        Some(endpoint) => {
            println!("== credentials from the STS endpoint {endpoint}\n");
            let registry = Registry::builder().config(config).build()?;
            // An administrator may use every connector (admins_see_all_connectors = true).
            let admin = Caller::user("José Müller").with_admin(true);
            for c in registry.visible(&admin) {
                match registry.credentials(&admin, c.name()).await {
                    Ok(creds) => println!(
                        "{:<18} {:<15} access key {}  secret ** redacted **  token {}  expires {}",
                        c.name(),
                        c.principal().as_str(),
                        creds.access_key_id(),
                        if creds.session_token().is_some() { "** redacted **" } else { "none (long-term)" },
                        creds.expiry().map_or_else(|| "never".to_owned(), |e| e.to_string()),
                    ),
                    Err(e) => return Err(format!("{}: {}", c.name(), error_chain(&e)).into()),
                }
            }
            println!();
        }
        None => println!("== credentials: skipped (no AWS_ENDPOINT_URL_STS; ./scripts/demo starts a local STS)\n"),
    }

    println!("== examples/invalid.toml: every problem, at once\n");
    match Config::from_toml_str_with_env(INVALID, env) {
        Ok(_) => return Err("examples/invalid.toml was accepted".into()),
        Err(e @ ConfigError::Invalid { .. }) => {
            println!("{e}");
            for p in e.validation_errors() {
                println!(
                    "  [{}] {}.{}: {}",
                    p.code,
                    p.connector.as_deref().unwrap_or("-"),
                    p.field,
                    p.message
                );
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s = format!("{s}: {c}");
        cur = c.source();
    }
    s
}

fn describe(c: &Connector) {
    let caps = c.capabilities();
    println!("connector {:<18} principal {}", c.name(), c.principal());
    println!("  source        {}", c.source().describe());
    println!(
        "  sts action    {}",
        caps.sts_action.unwrap_or("none (source used as is)")
    );
    match c.effective_duration_secs() {
        Some(d) => println!("  duration      {d} s"),
        None => println!("  duration      the source's"),
    }
    if let Some(r) = caps.duration_for(c.source().is_account_root()) {
        println!(
            "  allowed       {}..={} s (default {})",
            r.min_secs, r.max_secs, r.default_secs
        );
    }
    println!(
        "  mfa / policies / tags / transitive: {} / {} / {} / {}",
        caps.mfa, caps.session_policies, caps.tags, caps.transitive_tags
    );
    println!("  console       {:?}", caps.console);
    println!("  may call      {}", caps.restrictions);
    for t in [c.session_name(), c.federated_name(), c.source_identity()]
        .into_iter()
        .flatten()
    {
        println!(
            "  {:<13} {t} -> for user \"José Müller\": {}",
            format!("{:?}", t.kind()),
            t.render("José Müller")
        );
    }
    println!(
        "  region        {} ({})",
        c.region().unwrap_or("environment / us-east-1"),
        c.partition()
    );
    println!("  groups        {:?}, scope {}", c.groups(), c.scope());
    for w in c.warnings() {
        println!("  warning       {w}");
    }
    println!();
}
