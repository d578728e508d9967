-- Every change of the kill switch (the trading_state row keeps the last one),
-- and the last mark per token (the book's midpoint, written every few
-- seconds while trading), for `ploy report` and `ploy positions`.
CREATE TABLE trading_state_changes (
    id            BIGSERIAL PRIMARY KEY,
    state         TEXT NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
    changed_at_ms BIGINT NOT NULL,
    source        TEXT NOT NULL
);
CREATE INDEX trading_state_changes_at_idx ON trading_state_changes (changed_at_ms);

CREATE TABLE marks (
    token_id TEXT PRIMARY KEY,
    price    NUMERIC NOT NULL,
    ts_ms    BIGINT NOT NULL
);
