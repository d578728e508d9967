-- Orders, fills, positions and deployments (PostgreSQL).
-- Prices and sizes are exact NUMERIC; times are Unix milliseconds.

CREATE TABLE orders (
    client_id     TEXT PRIMARY KEY,
    order_hash    TEXT UNIQUE,
    token_id      TEXT NOT NULL,
    side          TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price         NUMERIC NOT NULL CHECK (price > 0 AND price < 1),
    size          NUMERIC NOT NULL CHECK (size > 0),
    filled_size   NUMERIC NOT NULL DEFAULT 0 CHECK (filled_size >= 0),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'open', 'filled', 'cancelled', 'failed')),
    mode          TEXT NOT NULL CHECK (mode IN ('paper', 'live')),
    signed_order  TEXT,
    error         TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_token_idx ON orders (token_id);

CREATE TABLE fills (
    trade_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES orders (client_id),
    token_id   TEXT NOT NULL,
    side       TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price      NUMERIC NOT NULL,
    size       NUMERIC NOT NULL CHECK (size > 0),
    fee        NUMERIC NOT NULL DEFAULT 0,
    ts_ms      BIGINT NOT NULL,
    PRIMARY KEY (trade_id, client_id)
);
CREATE INDEX fills_ts_idx ON fills (ts_ms);

CREATE TABLE positions (
    token_id      TEXT PRIMARY KEY,
    size          NUMERIC NOT NULL,
    avg_price     NUMERIC NOT NULL,
    realized_pnl  NUMERIC NOT NULL,
    fees_paid     NUMERIC NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE deployments (
    id            BIGSERIAL PRIMARY KEY,
    version       TEXT NOT NULL,
    git_sha       TEXT NOT NULL,
    profile       TEXT NOT NULL,
    hostname      TEXT NOT NULL,
    started_at_ms BIGINT NOT NULL
);
