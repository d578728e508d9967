//! Secret values (keys, passphrases, database URLs with passwords) that never print.
//!
//! `Secret` has no `Serialize`, and its `Debug` and `Display` both write
//! `[redacted]`, so a secret can sit inside any config or error type without
//! leaking through `{:?}`, a log field or a panic message. Reading the value
//! takes an explicit [`Secret::expose`].

use std::fmt;

/// A string that is never shown: `Debug` and `Display` both print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value read from the environment.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (signing, connecting).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (an unset-but-present variable).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL whose password is hidden when shown.
///
/// The whole URL is kept secret; [`DatabaseUrl::redacted`] gives a form fit for
/// logs and errors, `postgres://ploy:***@db.internal:5432/ploy`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(Secret);

impl DatabaseUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(Secret::new(url))
    }

    /// The full URL, password included, for the driver only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Whether this is an SQLite URL (`sqlite:` scheme).
    pub fn is_sqlite(&self) -> bool {
        self.expose().starts_with("sqlite:")
    }

    /// Whether this is a PostgreSQL URL.
    pub fn is_postgres(&self) -> bool {
        let url = self.expose();
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// Whether the URL carries a password (`user:password@`).
    pub fn has_password(&self) -> bool {
        url::Url::parse(self.expose()).is_ok_and(|u| u.password().is_some())
            || self.expose().contains("password=")
    }

    /// The URL with any password replaced by `***` and query secrets dropped.
    pub fn redacted(&self) -> String {
        redact_url(self.expose())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Hides the password and any `password=` query parameter of a URL.
///
/// Falls back to the scheme alone when the text does not parse, so even a
/// malformed URL with a password in it is never echoed.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            if url.query().is_some() {
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| {
                        let hidden = k.eq_ignore_ascii_case("password")
                            || k.eq_ignore_ascii_case("sslpassword");
                        let v = if hidden {
                            "***".to_owned()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), v)
                    })
                    .collect();
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        },
        Err(_) => match raw.split_once(':') {
            Some((scheme, _)) if scheme.chars().all(|c| c.is_ascii_alphanumeric()) => {
                format!("{scheme}:(unparsable URL hidden)")
            },
            _ => "(unparsable URL hidden)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_formats_its_value() {
        let s = Secret::new("0xdeadbeef");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
        assert_eq!(s.expose(), "0xdeadbeef");
    }

    #[test]
    fn database_url_hides_password_everywhere() {
        let url = DatabaseUrl::new("postgres://ploy:hunter2@db:5432/ploy?sslmode=require");
        for shown in [format!("{url}"), format!("{url:?}"), url.redacted()] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("ploy:***@db:5432/ploy"), "{shown}");
        }
        assert!(url.has_password());
        assert!(url.is_postgres());
    }

    #[test]
    fn query_password_is_hidden() {
        let shown = redact_url("postgres://db/ploy?user=ploy&password=hunter2");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("password=***") || shown.contains("password=%2A%2A%2A"));
    }

    #[test]
    fn unparsable_url_is_not_echoed() {
        let shown = redact_url("postgres://ploy:hunter2@[bad");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.starts_with("postgres:"));
    }

    #[test]
    fn sqlite_url_is_recognised() {
        let url = DatabaseUrl::new("sqlite://data/ploy.db");
        assert!(url.is_sqlite());
        assert!(!url.has_password());
        assert_eq!(url.redacted(), "sqlite://data/ploy.db");
    }
}
