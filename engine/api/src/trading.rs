//! `GET /trading-state` (the kill switch in force, who set it and when) and
//! `PUT /trading-state` (its answer, [`Applied`]).

use serde::{Deserialize, Serialize};

/// The kill switch: what the risk engine lets through. Ordered from the least
/// to the most restrictive, so `max` picks the safer of two states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TradingState {
    /// Everything within limits.
    #[default]
    Active,
    /// Only orders that shrink a position.
    Reducing,
    /// No new orders; cancels only.
    Halted,
}

impl TradingState {
    /// The lowercase name used in config, storage and HTTP.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Reducing => "reducing",
            Self::Halted => "halted",
        }
    }

    /// The inverse of [`TradingState::as_str`] (case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Some(Self::Active),
            "reducing" => Some(Self::Reducing),
            "halted" => Some(Self::Halted),
            _ => None,
        }
    }
}

impl std::fmt::Display for TradingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kill switch in force: `GET /trading-state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingStateChange {
    /// The state.
    pub state: TradingState,
    /// When it was set (Unix ms).
    pub changed_at_ms: i64,
    /// Who or what set it (e.g. `PUT /trading-state from 127.0.0.1:50312`,
    /// or `alice@laptop (PUT /trading-state from 127.0.0.1:50312)`).
    pub source: String,
    /// Why, when the one who set it said (`ployctl trading … --reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `PUT /trading-state`'s body in JSON (a bare `halted` works too): the
/// state, and who asks and why, recorded with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingStateRequest {
    /// The state wanted.
    pub state: TradingState,
    /// Who asks (`user@machine`, or a CI run's URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `GET /trading-state`: the kill switch in force, what still rests, and the
/// config's floor (a state below it is refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradingStateView {
    /// The state in force, who set it when, and why.
    #[serde(flatten)]
    pub change: TradingStateChange,
    /// Our orders the engine tracks as resting or on their way (0 once a
    /// halt has taken everything off the book).
    #[serde(default)]
    pub open_orders: Option<u64>,
    /// `risk.trading_state` in the config: the least restrictive state
    /// `PUT` may set.
    #[serde(default)]
    pub floor: Option<TradingState>,
}

/// What a change did: `PUT /trading-state`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The state now in force.
    #[serde(flatten)]
    pub change: TradingStateChange,
    /// Whether it was saved (it is in force either way).
    pub persisted: bool,
    /// Why it was not saved, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_order_from_least_to_most_restrictive_and_parse_back() {
        assert!(TradingState::Halted > TradingState::Reducing);
        assert_eq!(
            TradingState::Active.max(TradingState::Halted),
            TradingState::Halted
        );
        for s in [
            TradingState::Active,
            TradingState::Reducing,
            TradingState::Halted,
        ] {
            assert_eq!(TradingState::parse(&s.to_string().to_uppercase()), Some(s));
        }
        assert_eq!(TradingState::parse("paused"), None);
    }

    #[test]
    fn the_answers_shapes() {
        let applied = Applied {
            change: TradingStateChange {
                state: TradingState::Halted,
                changed_at_ms: 1,
                source: "PUT /trading-state from 127.0.0.1:5000".into(),
                reason: None,
            },
            persisted: true,
            warning: None,
        };
        assert_eq!(
            serde_json::to_value(&applied).unwrap(),
            serde_json::json!({"state": "halted", "changed_at_ms": 1,
                               "source": "PUT /trading-state from 127.0.0.1:5000", "persisted": true})
        );
    }
}
