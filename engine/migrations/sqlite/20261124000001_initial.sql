-- Orders, fills, positions and deployments (SQLite).
-- Prices and sizes are exact decimal TEXT; times are Unix milliseconds.

CREATE TABLE orders (
    client_id     TEXT PRIMARY KEY,
    order_hash    TEXT UNIQUE,
    token_id      TEXT NOT NULL,
    side          TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price         TEXT NOT NULL,
    size          TEXT NOT NULL,
    filled_size   TEXT NOT NULL DEFAULT '0',
    status        TEXT NOT NULL CHECK (status IN ('pending', 'open', 'filled', 'cancelled', 'failed')),
    mode          TEXT NOT NULL CHECK (mode IN ('paper', 'live')),
    signed_order  TEXT,
    error         TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_token_idx ON orders (token_id);

CREATE TABLE fills (
    trade_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES orders (client_id),
    token_id   TEXT NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price      TEXT NOT NULL,
    size       TEXT NOT NULL,
    fee        TEXT NOT NULL DEFAULT '0',
    ts_ms      INTEGER NOT NULL,
    PRIMARY KEY (trade_id, client_id)
) STRICT;
CREATE INDEX fills_ts_idx ON fills (ts_ms);

CREATE TABLE positions (
    token_id      TEXT PRIMARY KEY,
    size          TEXT NOT NULL,
    avg_price     TEXT NOT NULL,
    realized_pnl  TEXT NOT NULL,
    fees_paid     TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE deployments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       TEXT NOT NULL,
    git_sha       TEXT NOT NULL,
    profile       TEXT NOT NULL,
    hostname      TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL
) STRICT;
