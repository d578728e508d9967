//! What a manifest records of a database, and the drill's comparisons of a
//! restored copy against it (pure).

use std::collections::BTreeMap;

use ploy_api::backup::{BackupManifest, DatabaseSummary, VerifyCheck};
use rust_decimal::Decimal;

use super::check;

/// What the manifest records of a database (read by either backend).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Facts {
    pub(super) tables: BTreeMap<String, u64>,
    pub(super) fills_by_token: BTreeMap<String, Decimal>,
    pub(super) positions: BTreeMap<String, Decimal>,
    pub(super) newest_order_ms: Option<i64>,
    pub(super) newest_fill_ms: Option<i64>,
    pub(super) schema_version: i64,
}

impl Facts {
    /// Adds a fill's shares to its token's net (bought less sold).
    pub(super) fn add_fill(&mut self, token: String, side: &str, size: Decimal) {
        let signed = if side == "SELL" { -size } else { size };
        *self.fills_by_token.entry(token).or_default() += signed;
    }

    /// The nets normalized (so `1.50` and `1.5` compare equal).
    pub(super) fn normalized(mut self) -> Self {
        for v in self.fills_by_token.values_mut() {
            *v = v.normalize();
        }
        for v in self.positions.values_mut() {
            *v = v.normalize();
        }
        self
    }

    pub(super) fn summary(&self) -> DatabaseSummary {
        DatabaseSummary {
            tables: self.tables.clone(),
            newest_order_ms: self.newest_order_ms,
            newest_fill_ms: self.newest_fill_ms,
            schema_version: self.schema_version,
        }
    }
}

/// The drill's checks of a restored copy (`before` its migrations) against
/// its manifest: row counts, positions equal to the fills, the newest order.
pub(super) fn drill_checks(before: &Facts, manifest: &BackupManifest) -> Vec<VerifyCheck> {
    let mut checks = Vec::new();
    let counts_ok = manifest
        .tables
        .iter()
        .all(|(t, n)| before.tables.get(t) == Some(n));
    checks.push(check(
        "row_counts",
        counts_ok,
        if counts_ok {
            format!(
                "{} tables, {} rows, as recorded",
                manifest.tables.len(),
                manifest.tables.values().sum::<u64>()
            )
        } else {
            let differ: Vec<String> = manifest
                .tables
                .iter()
                .filter(|(t, n)| before.tables.get(*t) != Some(n))
                .map(|(t, n)| {
                    format!(
                        "{t}: restored {}, recorded {n}",
                        before
                            .tables
                            .get(t)
                            .map_or_else(|| "no table".to_owned(), u64::to_string)
                    )
                })
                .collect();
            differ.join(", ")
        },
    ));
    let recorded: BTreeMap<&String, Decimal> = manifest
        .fills_by_token
        .iter()
        .map(|(t, d)| (t, d.normalize()))
        .collect();
    let restored: BTreeMap<&String, Decimal> = before
        .fills_by_token
        .iter()
        .map(|(t, d)| (t, d.normalize()))
        .collect();
    let fills_ok = recorded == restored;
    let mismatched: Vec<String> = before
        .fills_by_token
        .iter()
        .filter(|(token, net)| {
            before
                .positions
                .get(*token)
                .copied()
                .unwrap_or_default()
                .normalize()
                != net.normalize()
        })
        .map(|(token, net)| {
            format!(
                "{}…: fills {net}, position {}",
                &token[..token.len().min(12)],
                before.positions.get(token).copied().unwrap_or_default()
            )
        })
        .collect();
    let positions_ok = fills_ok && mismatched.is_empty();
    checks.push(check(
        "positions",
        positions_ok,
        if positions_ok {
            format!(
                "{} tokens: every position equals its fills",
                before.positions.len()
            )
        } else if !fills_ok {
            "the fills differ from the manifest's".to_owned()
        } else {
            mismatched.join("; ")
        },
    ));
    let newest_ok = before.newest_order_ms == manifest.newest_order_ms;
    checks.push(check(
        "newest_order",
        newest_ok,
        match (before.newest_order_ms, newest_ok) {
            (Some(ms), true) => format!("newest order at {ms} (Unix ms), as recorded"),
            (None, true) => "no orders, as recorded".to_owned(),
            (got, false) => format!(
                "newest order at {got:?}, the manifest says {:?}",
                manifest.newest_order_ms
            ),
        },
    ));
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(facts: &Facts) -> BackupManifest {
        BackupManifest {
            format: 1,
            name: "ploy-x".into(),
            file: "ploy-x.db.gz".into(),
            created_at_ms: 0,
            host: "h".into(),
            release: "1".into(),
            schema_version: facts.schema_version,
            database: "sqlite".into(),
            label: None,
            bytes: 0,
            sha256: String::new(),
            tables: facts.tables.clone(),
            fills_by_token: facts.fills_by_token.clone(),
            newest_order_ms: facts.newest_order_ms,
            newest_fill_ms: facts.newest_fill_ms,
            took_ms: 0,
            verification: None,
            uploaded: None,
        }
    }

    fn facts() -> Facts {
        let mut f = Facts {
            tables: [("orders".to_owned(), 3), ("fills".to_owned(), 2)].into(),
            newest_order_ms: Some(10),
            ..Facts::default()
        };
        f.add_fill("tok".into(), "BUY", Decimal::new(150, 2));
        f.add_fill("tok".into(), "SELL", Decimal::new(5, 1));
        f.positions.insert("tok".into(), Decimal::ONE);
        f
    }

    #[test]
    fn a_faithful_copy_passes_every_check() {
        let f = facts();
        let checks = drill_checks(&f, &manifest(&f));
        assert!(checks.iter().all(|c| c.ok), "{checks:#?}");
        assert_eq!(checks.len(), 3);
    }

    #[test]
    fn each_difference_fails_its_own_check_and_says_what() {
        let f = facts();
        let m = manifest(&f);
        let mut fewer = f.clone();
        fewer.tables.insert("fills".into(), 1);
        let c = drill_checks(&fewer, &m);
        assert!(!c[0].ok && c[0].detail.contains("fills: restored 1, recorded 2"));
        let mut drifted = f.clone();
        drifted.positions.insert("tok".into(), Decimal::TWO);
        let c = drill_checks(&drifted, &m);
        assert!(c[0].ok && !c[1].ok && c[1].detail.contains("position 2"));
        let mut newer = f;
        newer.newest_order_ms = Some(11);
        let c = drill_checks(&newer, &m);
        assert!(!c[2].ok && c[2].detail.contains("Some(10)"));
    }
}
