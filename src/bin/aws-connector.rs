//! `aws-connector`: validate connector configs and vend credentials from the command line.
//!
//! Exit codes: 0 success, 1 other failure, 2 invalid or malformed config, 3 access denied.
//! Secrets are written to stdout only; stderr carries one-line reasons without secrets.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aws_connector::{
    output, AccessError, Caller, Config, ConfigError, ConsoleError, ConsoleOptions, IssueError,
    ProviderOptions, Registry, ValidationError,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use secrecy::ExposeSecret;

/// Validated, short-lived AWS credentials through named connectors.
#[derive(Debug, Parser)]
#[command(name = "aws-connector", version, about)]
struct Cli {
    /// The connectors config file (TOML).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    /// STS endpoint for every connector (overrides AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL and the
    /// connectors' sts_endpoint).
    #[arg(long, global = true, value_name = "URL")]
    endpoint_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every connector of the config file and list every problem.
    Validate {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
        format: ValidateFormat,
    },
    /// List the connectors the caller may use.
    List {
        #[command(flatten)]
        caller: CallerArgs,
    },
    /// Print credentials from a connector.
    Credentials {
        /// The connector.
        name: String,
        #[command(flatten)]
        caller: CallerArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CredentialsFormat::CredentialProcess)]
        format: CredentialsFormat,
    },
    /// Show who the connector's credentials are (STS GetCallerIdentity).
    Whoami {
        /// The connector.
        name: String,
        #[command(flatten)]
        caller: CallerArgs,
    },
    /// Print (or open) a console sign-in URL for a connector.
    Console {
        /// The connector.
        name: String,
        #[command(flatten)]
        caller: CallerArgs,
        /// The console page to open (on the partition's console host).
        #[arg(long, value_name = "URL")]
        destination: Option<String>,
        /// The broker URL the console returns to when the session ends.
        #[arg(long, value_name = "URL")]
        issuer: Option<String>,
        /// Open the URL in a browser instead of printing it.
        #[arg(long)]
        open: bool,
        /// Federation endpoint override.
        #[arg(long, value_name = "URL", hide = true)]
        federation_endpoint: Option<String>,
    },
}

/// CALLER: `--user NAME [--group G]... [--admin]` or `--system` (the default).
#[derive(Debug, Args)]
struct CallerArgs {
    /// Act as this user.
    #[arg(long, value_name = "NAME", conflicts_with = "system")]
    user: Option<String>,
    /// A group of the user (repeatable).
    #[arg(long = "group", value_name = "G", requires = "user")]
    groups: Vec<String>,
    /// The user is an administrator.
    #[arg(long, requires = "user")]
    admin: bool,
    /// Act as the system caller (no user session); the default.
    #[arg(long)]
    system: bool,
}

impl CallerArgs {
    fn caller(&self) -> Caller {
        match &self.user {
            Some(name) => self
                .groups
                .iter()
                .fold(Caller::user(name), |c, g| c.with_group(g))
                .with_admin(self.admin),
            None => Caller::system(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ValidateFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CredentialsFormat {
    CredentialProcess,
    Env,
    Ini,
    Json,
}

const EXIT_FAILURE: u8 = 1;
const EXIT_INVALID: u8 = 2;
const EXIT_DENIED: u8 = 3;

/// A failure: exit code and a one-line reason (never a secret).
struct Fail(u8, String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(path) = cli.config else {
        eprintln!("error: --config FILE is required");
        return ExitCode::from(EXIT_FAILURE);
    };
    let mut options = ProviderOptions::new();
    if let Some(url) = cli.endpoint_url {
        options = options.sts_endpoint(url);
    }
    let load = |path: &Path| load(path, options.clone());
    let result = match cli.command {
        Command::Validate { format } => return validate(&path, format),
        Command::List { caller } => load(&path).map(|r| list(&r, &caller.caller())),
        Command::Whoami { name, caller } => run_async(async {
            let r = load(&path)?;
            let who = r
                .caller_identity(&caller.caller(), &name)
                .await
                .map_err(|e| issue_fail(&e))?;
            let v = serde_json::json!({ "UserId": who.user_id, "Account": who.account, "Arn": who.arn });
            println!("{v:#}");
            Ok(())
        }),
        Command::Credentials {
            name,
            caller,
            format,
        } => run_async(async {
            let r = load(&path)?;
            credentials(&r, &caller.caller(), &name, format).await
        }),
        Command::Console {
            name,
            caller,
            destination,
            issuer,
            open,
            federation_endpoint,
        } => run_async(async {
            let r = load(&path)?;
            let mut opts = ConsoleOptions::new();
            if let Some(d) = destination {
                opts = opts.destination(d);
            }
            if let Some(i) = issuer {
                opts = opts.issuer(i);
            }
            if let Some(f) = federation_endpoint {
                opts = opts.federation_endpoint(f);
            }
            console(&r, &caller.caller(), &name, &opts, open).await
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(code, reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(code)
        }
    }
}

fn run_async<F: std::future::Future<Output = Result<(), Fail>>>(f: F) -> Result<(), Fail> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fail(EXIT_FAILURE, format!("cannot start the async runtime: {e}")))?
        .block_on(f)
}

fn load(path: &Path, options: ProviderOptions) -> Result<Registry, Fail> {
    match Config::from_path(path) {
        Ok(c) => Registry::builder()
            .config(c)
            .provider_options(options)
            .build()
            .map_err(|e| Fail(EXIT_INVALID, e.to_string())),
        Err(e @ ConfigError::Io { .. }) => Err(Fail(EXIT_FAILURE, error_chain(&e))),
        Err(e) => {
            let first = e.validation_errors().into_iter().next();
            let detail = first.map(|p| format!("; first: {p}")).unwrap_or_default();
            Err(Fail(
                EXIT_INVALID,
                format!("{e}{detail} (run `validate` for the full report)"),
            ))
        }
    }
}

fn denied(e: &AccessError) -> Fail {
    Fail(EXIT_DENIED, format!("access denied: {e}"))
}

fn issue_fail(e: &IssueError) -> Fail {
    match e {
        IssueError::Access(a) => denied(a),
        other => Fail(EXIT_FAILURE, error_chain(other)),
    }
}

fn list(registry: &Registry, caller: &Caller) {
    for c in registry.visible(caller) {
        println!(
            "{}\t{}\t{}\t{}",
            c.name(),
            c.principal(),
            c.scope(),
            c.groups().join(",")
        );
    }
}

async fn credentials(
    registry: &Registry,
    caller: &Caller,
    name: &str,
    format: CredentialsFormat,
) -> Result<(), Fail> {
    let creds = registry
        .credentials(caller, name)
        .await
        .map_err(|e| issue_fail(&e))?;
    let text = match format {
        CredentialsFormat::CredentialProcess => {
            let mut s = output::credential_process_json(&creds)
                .expose_secret()
                .to_owned();
            s.push('\n');
            s
        }
        CredentialsFormat::Env => output::env_exports(&creds).expose_secret().to_owned(),
        CredentialsFormat::Ini => output::credentials_file_section(&creds, name)
            .expose_secret()
            .to_owned(),
        CredentialsFormat::Json => {
            let principal = registry.connector(name).map(|c| c.principal().as_str());
            let v = serde_json::json!({
                "connector": name,
                "principal": principal,
                "access_key_id": creds.access_key_id(),
                "secret_access_key": creds.secret_access_key().expose_secret(),
                "session_token": creds.session_token().map(|t| t.expose_secret().to_owned()),
                "expiration": creds.expiry().and_then(|e| e.format(&time::format_description::well_known::Rfc3339).ok()),
            });
            format!("{v:#}\n")
        }
    };
    print!("{text}");
    Ok(())
}

async fn console(
    registry: &Registry,
    caller: &Caller,
    name: &str,
    opts: &ConsoleOptions,
    open: bool,
) -> Result<(), Fail> {
    let url = registry
        .console_url(caller, name, opts)
        .await
        .map_err(|e| match &e {
            ConsoleError::Access(a) => denied(a),
            other => Fail(EXIT_FAILURE, error_chain(other)),
        })?;
    if open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let status = std::process::Command::new(opener)
            .arg(url.expose_secret())
            .status()
            .map_err(|e| Fail(EXIT_FAILURE, format!("cannot run {opener}: {e}")))?;
        if !status.success() {
            return Err(Fail(EXIT_FAILURE, format!("{opener} failed ({status})")));
        }
    } else {
        println!("{}", url.expose_secret());
    }
    Ok(())
}

fn validate(path: &Path, format: ValidateFormat) -> ExitCode {
    let loaded = Config::from_path(path);
    let (errors, warnings, code) = match &loaded {
        Ok(config) => {
            let warnings: Vec<ValidationError> = config
                .connectors()
                .iter()
                .flat_map(|c| c.warnings().iter().cloned())
                .collect();
            (Vec::new(), warnings, 0)
        }
        Err(e @ ConfigError::Io { .. }) => {
            eprintln!("error: {}", error_chain(e));
            return ExitCode::from(EXIT_FAILURE);
        }
        Err(e) => (e.validation_errors(), Vec::new(), EXIT_INVALID),
    };
    match format {
        ValidateFormat::Json => {
            let list: Vec<_> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "connector": e.connector,
                        "field": e.field,
                        "code": e.code.as_str(),
                        "message": e.message,
                    })
                })
                .collect();
            let out = serde_json::json!({ "valid": errors.is_empty(), "errors": list });
            println!("{out:#}");
        }
        ValidateFormat::Text => match &loaded {
            Ok(config) => {
                println!(
                    "{}: valid, {} connector{}",
                    path.display(),
                    config.connectors().len(),
                    if config.connectors().len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
                for w in &warnings {
                    println!("warning: {w}");
                }
            }
            Err(e) => {
                println!("{}: {e}", path.display());
                for p in &errors {
                    println!("  - {p}");
                }
            }
        },
    }
    ExitCode::from(code)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
