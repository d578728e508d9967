-- The day's P&L accounting per UTC day, for risk.max_daily_loss and
-- risk.max_drawdown: when it began, each position's mark then (its cost for
-- the day, JSON {token: price}), the day's best P&L, the P&L losses are
-- measured from (0, or the P&L at an operator's resume after a loss-limit
-- halt), and the limit that halted trading while that halt stands.
CREATE TABLE risk_days (
    day           INTEGER PRIMARY KEY,
    baseline_ms   INTEGER NOT NULL,
    marks         TEXT NOT NULL,
    peak          TEXT NOT NULL,
    reference     TEXT NOT NULL,
    breached      TEXT,
    updated_at_ms INTEGER NOT NULL
) STRICT;
