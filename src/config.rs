//! TOML config file → validated [`Connector`]s (`config` feature).
//!
//! The schema is DESIGN.md's: `[settings]`, `[access_keys.NAME]`, `[connectors.NAME]`. Unknown
//! keys are an error, so a typo never silently drops a policy. Loading validates every connector
//! and reports every problem of every connector at once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::connector::{Connector, Scope};
use crate::error::{ErrorCode, ValidationError, ValidationErrors};
use crate::partition::Partition;
use crate::principal::PrincipalType;
use crate::source::{AccessKey, CredentialSource};

/// The `credentials` value naming the machine role instead of an access key.
pub const MACHINE_ROLE: &str = "machine-role";

/// File-wide settings (`[settings]`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Default region of every connector that sets none.
    pub region: Option<String>,
    /// Whether administrators may use every connector (default `true`).
    pub admins_see_all_connectors: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            region: None,
            admins_see_all_connectors: true,
        }
    }
}

/// A loaded, fully validated config file.
///
/// ```
/// use aws_connector::Config;
///
/// let config = Config::from_toml_str_with_env(
///     r#"
///     [access_keys.ci]
///     access_key_id = "AKIAIOSFODNN7EXAMPLE"
///     secret_access_key_env = "CI_SECRET"
///
///     [connectors.deploy]
///     credentials = "ci"
///     principal = "assume-role"
///     role_arn = "arn:aws:iam::123456789012:role/Deploy"
///     groups = ["developers"]
///     "#,
///     |name| (name == "CI_SECRET").then(|| "example-secret".to_owned()),
/// )?;
/// assert_eq!(config.connector("deploy").map(|c| c.groups().len()), Some(1));
/// # Ok::<(), aws_connector::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    settings: Settings,
    connectors: Vec<Connector>,
}

impl Config {
    /// Reads and validates a config file; `*_env` secrets come from the process environment.
    ///
    /// # Errors
    /// [`ConfigError::Io`] when the file cannot be read, otherwise as [`Config::from_toml_str`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Config::from_toml_str(&text)
    }

    /// Parses and validates TOML text; `*_env` secrets come from the process environment.
    ///
    /// # Errors
    /// [`ConfigError::Syntax`] for TOML syntax, type errors and unknown keys (with line, column
    /// and key); [`ConfigError::Invalid`] with every problem of every connector.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml_str_with_env(text, |name| std::env::var(name).ok())
    }

    /// Like [`from_toml_str`](Config::from_toml_str), reading `*_env` secrets through `env`.
    ///
    /// # Errors
    /// As [`Config::from_toml_str`].
    pub fn from_toml_str_with_env(
        text: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let raw = parse(text)?;
        let mut errors = Vec::new();
        let settings = raw.settings(&mut errors);
        let keys = raw.access_keys(&env, &mut errors);
        let mut connectors = Vec::new();
        for (name, rc) in &raw.connectors {
            connectors.extend(rc.to_connector(name, &keys, &settings, &mut errors));
        }
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(ConfigError::Invalid { errors }),
            None => Ok(Config {
                settings,
                connectors,
            }),
        }
    }

    /// The file-wide settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Every connector, in name order.
    pub fn connectors(&self) -> &[Connector] {
        &self.connectors
    }

    /// The connector with this name.
    pub fn connector(&self, name: &str) -> Option<&Connector> {
        self.connectors.iter().find(|c| c.name() == name)
    }

    /// Takes the settings and connectors out.
    pub fn into_parts(self) -> (Settings, Vec<Connector>) {
        (self.settings, self.connectors)
    }
}

/// Why a config file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML, a value has the wrong type, or a key is unknown.
    #[error("config syntax error at line {line}, column {column}{}: {message}", key.as_deref().map(|k| format!(" (key `{k}`)")).unwrap_or_default())]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The dotted key path where the error is, when known (e.g. `connectors.deploy.duration`).
        key: Option<String>,
        /// The parser's message.
        message: String,
    },
    /// The file parsed but describes invalid connectors: every problem is listed.
    #[error("the config has {} problem{}", errors.len(), if errors.len() == 1 { "" } else { "s" })]
    Invalid {
        /// Every problem of every connector.
        #[source]
        errors: ValidationErrors,
    },
}

impl ConfigError {
    /// The problems as validation errors (a syntax error becomes one `syntax_error`); empty for I/O.
    pub fn validation_errors(&self) -> Vec<ValidationError> {
        match self {
            ConfigError::Io { .. } => Vec::new(),
            ConfigError::Syntax {
                line,
                column,
                key,
                message,
            } => vec![ValidationError::new(
                None,
                key.clone().unwrap_or_default(),
                ErrorCode::SyntaxError,
                format!("line {line}, column {column}: {message}"),
            )],
            ConfigError::Invalid { errors } => errors.as_slice().to_vec(),
        }
    }
}

fn parse(text: &str) -> Result<RawConfig, ConfigError> {
    let syntax = |e: toml::de::Error, key: Option<String>| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ConfigError::Syntax {
            line,
            column,
            key: key.filter(|k| !k.is_empty() && k != "."),
            message: e.message().trim().to_owned(),
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| syntax(e, None))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        syntax(e.into_inner(), Some(key))
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    access_keys: BTreeMap<String, RawAccessKey>,
    #[serde(default)]
    connectors: BTreeMap<String, RawConnector>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    region: Option<String>,
    admins_see_all_connectors: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccessKey {
    access_key_id: String,
    secret_access_key: Option<String>,
    secret_access_key_env: Option<String>,
    #[serde(default)]
    account_root: bool,
}

impl fmt::Debug for RawAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAccessKey")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConnector {
    credentials: Option<String>,
    principal: Option<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
    session_name: Option<String>,
    federated_name: Option<String>,
    source_identity: Option<String>,
    policy_arns: Option<Vec<String>>,
    policy: Option<String>,
    duration: Option<i64>,
    mfa_serial: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    transitive_tag_keys: Option<Vec<String>>,
    region: Option<String>,
    sts_endpoint: Option<String>,
    groups: Option<Vec<String>>,
    scope: Option<String>,
}

impl RawConfig {
    fn settings(&self, errors: &mut Vec<ValidationError>) -> Settings {
        let region = self.settings.region.clone().filter(|r| {
            let ok = Partition::from_region(r).is_some();
            if !ok {
                errors.push(ValidationError::new(
                    None,
                    "settings.region",
                    ErrorCode::InvalidRegion,
                    format!("region {r:?} is not a region of a known partition (e.g. us-east-1, cn-north-1, us-gov-west-1)"),
                ));
            }
            ok
        });
        Settings {
            region,
            admins_see_all_connectors: self.settings.admins_see_all_connectors.unwrap_or(true),
        }
    }

    fn access_keys(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        errors: &mut Vec<ValidationError>,
    ) -> BTreeMap<String, Option<AccessKey>> {
        let mut keys = BTreeMap::new();
        for (name, raw) in &self.access_keys {
            let field = |f: &str| format!("access_keys.{name}.{f}");
            let secret = match (&raw.secret_access_key, &raw.secret_access_key_env) {
                (Some(_), Some(_)) => {
                    errors.push(ValidationError::new(
                        None,
                        field("secret_access_key"),
                        ErrorCode::ConflictingFields,
                        "set either secret_access_key or secret_access_key_env, not both",
                    ));
                    None
                }
                (Some(s), None) => Some(s.clone()),
                (None, Some(var)) => {
                    let v = env(var);
                    if v.is_none() {
                        errors.push(ValidationError::new(
                            None,
                            field("secret_access_key_env"),
                            ErrorCode::MissingField,
                            format!("environment variable {var} is not set"),
                        ));
                    }
                    v
                }
                (None, None) => {
                    errors.push(ValidationError::new(
                        None,
                        field("secret_access_key_env"),
                        ErrorCode::MissingField,
                        "set secret_access_key_env (or secret_access_key)",
                    ));
                    None
                }
            };
            let key = secret.map(|s| {
                AccessKey::new(raw.access_key_id.clone(), s).with_account_root(raw.account_root)
            });
            keys.insert(name.clone(), key);
        }
        keys
    }
}

impl RawConnector {
    /// The connector, or `None` with its problems added to `errors` (a broken source key is
    /// reported once, on the key).
    fn to_connector(
        &self,
        name: &str,
        keys: &BTreeMap<String, Option<AccessKey>>,
        settings: &Settings,
        errors: &mut Vec<ValidationError>,
    ) -> Option<Connector> {
        let mut local = Vec::new();
        let err = |local: &mut Vec<ValidationError>, field: &str, code, msg: String| {
            local.push(ValidationError::new(
                Some(name.to_owned()),
                field,
                code,
                msg,
            ));
        };
        let mut b = Connector::builder(name);
        let mut source_broken = false;
        match self.credentials.as_deref() {
            Some(MACHINE_ROLE) => b = b.source(CredentialSource::MachineRole),
            Some(k) => match keys.get(k) {
                Some(Some(key)) => b = b.source(key.clone().into()),
                Some(None) => source_broken = true,
                None => err(
                    &mut local,
                    "credentials",
                    ErrorCode::UnknownReference,
                    format!(
                        "no access key named {k:?} in [access_keys] (or use \"{MACHINE_ROLE}\")"
                    ),
                ),
            },
            None => {}
        }
        match self.principal.as_deref().map(str::parse::<PrincipalType>) {
            Some(Ok(p)) => b = b.principal(p),
            Some(Err(e)) => err(
                &mut local,
                "principal",
                ErrorCode::InvalidValue,
                e.to_string(),
            ),
            None => {}
        }
        match self.scope.as_deref() {
            Some("user") | None => {}
            Some("system") => b = b.scope(Scope::System),
            Some(other) => err(
                &mut local,
                "scope",
                ErrorCode::InvalidValue,
                format!("scope must be user or system, got {other:?}"),
            ),
        }
        if let Some(v) = &self.role_arn {
            b = b.role_arn(v);
        }
        if let Some(v) = &self.external_id {
            b = b.external_id(v);
        }
        if let Some(v) = &self.session_name {
            b = b.session_name(v);
        }
        if let Some(v) = &self.federated_name {
            b = b.federated_name(v);
        }
        if let Some(v) = &self.source_identity {
            b = b.source_identity(v);
        }
        if let Some(v) = &self.policy_arns {
            b = b.policy_arns(v);
        }
        if let Some(v) = &self.policy {
            b = b.policy(v);
        }
        if let Some(v) = self.duration {
            b = b.duration_secs_raw(v);
        }
        if let Some(v) = &self.mfa_serial {
            b = b.mfa_serial(v);
        }
        for (k, v) in self.tags.iter().flatten() {
            b = b.tag(k, v);
        }
        for k in self.transitive_tag_keys.iter().flatten() {
            b = b.transitive_tag_key(k);
        }
        if let Some(r) = self.region.as_ref().or(settings.region.as_ref()) {
            b = b.region(r);
        }
        if let Some(v) = &self.sts_endpoint {
            b = b.sts_endpoint(v);
        }
        if let Some(v) = &self.groups {
            b = b.groups(v);
        }
        let built = b.build();
        // Problems the builder cannot see (unknown names) come first, then the builder's own;
        // a missing source or principal the builder reports is dropped when we already said why.
        let said: Vec<String> = local.iter().map(|e| e.field.clone()).collect();
        let builder_errors = match built {
            Ok(c) if local.is_empty() && !source_broken => return Some(c),
            Ok(_) => Vec::new(),
            Err(e) => e
                .into_iter()
                .filter(|e| {
                    !(e.code == ErrorCode::MissingField
                        && (said.contains(&e.field) || (source_broken && e.field == "credentials")))
                })
                .collect(),
        };
        errors.extend(local);
        errors.extend(builder_errors);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(Option<String>, String, ErrorCode)> {
        let env = |n: &str| (n == "SET").then(|| "secret".to_owned());
        match Config::from_toml_str_with_env(text, env) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .validation_errors()
                .into_iter()
                .map(|e| (e.connector, e.field, e.code))
                .collect(),
        }
    }

    #[test]
    fn syntax_errors_name_line_and_key() {
        let text = "[connectors.a]\nprincipal = \"provided\"\nduration = \"long\"\n";
        let Err(ConfigError::Syntax { line, key, .. }) = Config::from_toml_str(text) else {
            panic!("expected a syntax error");
        };
        assert_eq!(line, 3);
        assert_eq!(key.as_deref(), Some("connectors.a.duration"));

        let text = "[connectors.a]\nprincipal = \"provided\"\npolicy_arn = []\n";
        let Err(ConfigError::Syntax {
            line, key, message, ..
        }) = Config::from_toml_str(text)
        else {
            panic!("expected a syntax error");
        };
        assert_eq!(line, 3, "{message}");
        assert!(message.contains("policy_arn"), "{message}");
        assert!(key.is_some_and(|k| k.starts_with("connectors.a")));

        let Err(ConfigError::Syntax { line, .. }) = Config::from_toml_str("a = 1\n[x\n") else {
            panic!("expected a syntax error");
        };
        assert_eq!(line, 2);
    }

    #[test]
    fn references_and_secrets_are_checked() {
        let got = codes(
            r#"
            [access_keys.k1]
            access_key_id = "AKIAIOSFODNN7EXAMPLE"
            secret_access_key_env = "UNSET"
            [access_keys.k2]
            access_key_id = "AKIAIOSFODNN7EXAMPLE"
            secret_access_key = "x"
            secret_access_key_env = "SET"
            [connectors.a]
            credentials = "nope"
            principal = "assume_role"
            scope = "global"
            [connectors.b]
            credentials = "k1"
            principal = "session-token"
            "#,
        );
        let a = Some("a".to_owned());
        assert!(got.contains(&(
            None,
            "access_keys.k1.secret_access_key_env".into(),
            ErrorCode::MissingField
        )));
        assert!(got.contains(&(
            None,
            "access_keys.k2.secret_access_key".into(),
            ErrorCode::ConflictingFields
        )));
        assert!(got.contains(&(a.clone(), "credentials".into(), ErrorCode::UnknownReference)));
        assert!(got.contains(&(a.clone(), "principal".into(), ErrorCode::InvalidValue)));
        assert!(got.contains(&(a.clone(), "scope".into(), ErrorCode::InvalidValue)));
        // No duplicate "missing" reports for fields already explained.
        assert!(!got.contains(&(a, "credentials".into(), ErrorCode::MissingField)));
        assert!(!got.iter().any(|e| e.0.as_deref() == Some("b")), "{got:?}");
    }

    #[test]
    fn settings_region_is_inherited() {
        let c = Config::from_toml_str_with_env(
            "[settings]\nregion = \"eu-west-1\"\n[connectors.m]\ncredentials = \"machine-role\"\nprincipal = \"provided\"\n",
            |_| None,
        )
        .map_err(|e| e.to_string());
        let c = c
            .as_ref()
            .map(|c| c.connector("m").and_then(|m| m.region()));
        assert_eq!(c, Ok(Some("eu-west-1")));
    }
}
