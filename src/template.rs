//! Name templates (`session_name`, `federated_name`, `source_identity`) and the mapping of any user
//! name into what AWS accepts.
//!
//! A template is literal text with at most one `{user}` placeholder, e.g. `ci-{user}`. The literal
//! text is the administrator's and is checked when the connector is built; the user's name is
//! mapped at request time by [`map_user_name`], a deterministic function:
//!
//! 1. every character outside `[A-Za-z0-9_+=,.@-]` becomes `-` (one `-` per Unicode scalar);
//! 2. if nothing was replaced and the result fits in the room the literal text leaves, it is used
//!    as is (`alice` stays `alice`);
//! 3. otherwise (a replacement, a truncation, or a rendered name shorter than AWS's 2 characters)
//!    the result is the mapped text cut to fit, then `-` and 8 lowercase hex digits of the
//!    FNV-1a-32 hash of the original UTF-8 bytes, so `José Müller` and `José Muller` stay distinct
//!    (`Jos--M-ller-1a2b3c4d`); when there is no room for both, the hash digits alone, cut to fit.
//!
//! The hash is part of the contract: the same user name always maps to the same session name,
//! across processes and versions.

use std::fmt;

/// Which AWS name a template renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// `RoleSessionName`: 2..=64 of `[A-Za-z0-9_+=,.@-]`.
    SessionName,
    /// GetFederationToken `Name`: 2..=32 of `[A-Za-z0-9_+=,.@-]`.
    FederatedName,
    /// `SourceIdentity`: 2..=64 of `[A-Za-z0-9_+=,.@-]`, not starting with `aws:`.
    SourceIdentity,
}

impl NameKind {
    /// Shortest accepted length.
    pub const fn min_len(self) -> usize {
        2
    }

    /// Longest accepted length.
    pub const fn max_len(self) -> usize {
        match self {
            NameKind::FederatedName => 32,
            NameKind::SessionName | NameKind::SourceIdentity => 64,
        }
    }

    /// The STS parameter name, for messages.
    pub const fn aws_name(self) -> &'static str {
        match self {
            NameKind::SessionName => "RoleSessionName",
            NameKind::FederatedName => "GetFederationToken Name",
            NameKind::SourceIdentity => "SourceIdentity",
        }
    }

    /// Whether AWS accepts `c` in this name.
    pub const fn allows(self, c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
    }
}

/// A parsed name template: literal text with at most one `{user}`.
///
/// ```
/// use aws_connector::{NameKind, NameTemplate};
///
/// let t = NameTemplate::parse("ci-{user}", NameKind::SessionName)?;
/// assert_eq!(t.render("alice"), "ci-alice");
/// assert!(t.depends_on_user());
/// // Spaces and non-ASCII letters are replaced, and a hash keeps distinct users distinct.
/// let odd = t.render("José Müller");
/// assert!(odd.starts_with("ci-Jos--M-ller-"));
/// assert_ne!(odd, t.render("José Muller"));
/// # Ok::<(), aws_connector::TemplateError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NameTemplate {
    kind: NameKind,
    prefix: String,
    suffix: String,
    has_user: bool,
}

/// Why a template was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The literal text holds a character AWS does not accept, or a placeholder other than one `{user}`.
    #[error(
        "{aws_name} allows only [A-Za-z0-9_+=,.@-] and one `{{user}}` placeholder; found {found}"
    )]
    InvalidCharacters {
        /// The STS parameter.
        aws_name: &'static str,
        /// What was found, e.g. `' '` or `{team}`.
        found: String,
    },
    /// The literal text is too long or too short.
    #[error("{aws_name} must be {min}..={max} characters; the literal text has {len}{extra}")]
    InvalidLength {
        /// The STS parameter.
        aws_name: &'static str,
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Length of the literal text.
        len: usize,
        /// Extra explanation.
        extra: &'static str,
    },
}

impl NameTemplate {
    /// Parses and checks a template's literal text.
    ///
    /// # Errors
    /// [`TemplateError`] when the literal text has a character AWS rejects, an unknown or second
    /// placeholder, or a length that cannot fit.
    pub fn parse(text: &str, kind: NameKind) -> Result<Self, TemplateError> {
        let invalid = |found: String| TemplateError::InvalidCharacters {
            aws_name: kind.aws_name(),
            found,
        };
        let (prefix, suffix, has_user) = match text.find("{user}") {
            Some(i) => (&text[..i], &text[i + "{user}".len()..], true),
            None => (text, "", false),
        };
        for part in [prefix, suffix] {
            if let Some(c) = part.chars().find(|c| !kind.allows(*c)) {
                let found = if c == '{' || c == '}' {
                    let start = part.find(c).unwrap_or(0);
                    let end = part[start..]
                        .find('}')
                        .map_or(part.len(), |e| start + e + 1);
                    format!("`{}`", &part[start..end])
                } else {
                    format!("{c:?}")
                };
                return Err(invalid(found));
            }
        }
        let literal = prefix.chars().count() + suffix.chars().count();
        let (min, max) = (kind.min_len(), kind.max_len());
        let bad_len = if has_user {
            literal >= max
        } else {
            literal < min || literal > max
        };
        if bad_len {
            return Err(TemplateError::InvalidLength {
                aws_name: kind.aws_name(),
                min,
                max,
                len: literal,
                extra: if has_user {
                    ", which leaves no room for {user}"
                } else {
                    ""
                },
            });
        }
        Ok(NameTemplate {
            kind,
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
            has_user,
        })
    }

    /// The default template for a kind: `{user}`.
    pub fn user(kind: NameKind) -> Self {
        NameTemplate {
            kind,
            prefix: String::new(),
            suffix: String::new(),
            has_user: true,
        }
    }

    /// Which AWS name this template renders.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// Whether the rendered name depends on the caller's user name.
    pub fn depends_on_user(&self) -> bool {
        self.has_user
    }

    /// Renders the template for a user; the result always satisfies the kind's AWS rule.
    pub fn render(&self, user: &str) -> String {
        if !self.has_user {
            return self.prefix.clone();
        }
        let literal = self.prefix.chars().count() + self.suffix.chars().count();
        let room = self.kind.max_len() - literal;
        let min_user = self.kind.min_len().saturating_sub(literal);
        let mapped = map_user_name_within(user, room, min_user);
        format!("{}{}{}", self.prefix, mapped, self.suffix)
    }
}

impl fmt::Display for NameTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_user {
            write!(f, "{}{{user}}{}", self.prefix, self.suffix)
        } else {
            f.write_str(&self.prefix)
        }
    }
}

impl fmt::Debug for NameTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameTemplate({:?}, \"{self}\")", self.kind)
    }
}

/// Maps a user name into a name of `kind` on its own (as the template `{user}` renders it).
///
/// ```
/// use aws_connector::{map_user_name, NameKind};
///
/// assert_eq!(map_user_name("alice", NameKind::FederatedName), "alice");
/// let long = "x".repeat(200);
/// assert_eq!(map_user_name(&long, NameKind::FederatedName).len(), 32);
/// ```
pub fn map_user_name(user: &str, kind: NameKind) -> String {
    map_user_name_within(user, kind.max_len(), kind.min_len())
}

fn map_user_name_within(user: &str, room: usize, min: usize) -> String {
    let allowed = |c: char| NameKind::SessionName.allows(c);
    let mapped: String = user
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .collect();
    let len = mapped.chars().count();
    if mapped == user && len <= room && len >= min {
        return mapped;
    }
    let hash = format!("{:08x}", fnv1a32(user.as_bytes()));
    if room <= hash.len() + 1 {
        return hash[..room.min(hash.len())].to_owned();
    }
    let keep = room - hash.len() - 1;
    let head: String = mapped.chars().take(keep).collect();
    if head.is_empty() {
        hash
    } else {
        format!("{head}-{hash}")
    }
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn maps_and_keeps_users_apart() {
        assert_eq!(
            map_user_name("alice@example.com", NameKind::SessionName),
            "alice@example.com"
        );
        assert_eq!(map_user_name("a", NameKind::SessionName), "a-e40c292c");
        assert_eq!(map_user_name("", NameKind::SessionName), "811c9dc5");
        let a = map_user_name("ann smith", NameKind::SessionName);
        assert!(a.starts_with("ann-smith-"), "{a}");
        assert_ne!(a, map_user_name("ann-smith", NameKind::SessionName));
        let t = NameTemplate::parse(
            "{user}-deploy-session-for-the-ci-pipeline",
            NameKind::FederatedName,
        );
        assert!(t.is_err());
        let t = NameTemplate::parse(
            "abcdefghijklmnopqrstuvwxyz1234{user}",
            NameKind::FederatedName,
        )
        .unwrap();
        let r = t.render("bob");
        assert_eq!(r.len(), 32, "{r}");
        assert!(r.starts_with("abcdefghijklmnopqrstuvwxyz1234"));
    }

    #[test]
    fn rejects_bad_literals() {
        assert!(matches!(
            NameTemplate::parse("my session", NameKind::SessionName),
            Err(TemplateError::InvalidCharacters { .. })
        ));
        assert!(matches!(
            NameTemplate::parse("{team}-x", NameKind::SessionName),
            Err(TemplateError::InvalidCharacters { found, .. }) if found == "`{team}`"
        ));
        assert!(NameTemplate::parse("{user}{user}", NameKind::SessionName).is_err());
        assert!(NameTemplate::parse(&"a".repeat(65), NameKind::SessionName).is_err());
        assert!(NameTemplate::parse(&"a".repeat(64), NameKind::SessionName).is_ok());
        assert!(NameTemplate::parse("a", NameKind::SessionName).is_err());
        assert!(NameTemplate::parse(
            &format!("{}{{user}}", "a".repeat(63)),
            NameKind::SessionName
        )
        .is_ok());
        assert!(NameTemplate::parse(
            &format!("{}{{user}}", "a".repeat(64)),
            NameKind::SessionName
        )
        .is_err());
    }
}
