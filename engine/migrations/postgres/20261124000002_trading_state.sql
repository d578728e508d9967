-- The kill switch as an operator last set it, so a restart (or a deploy) does
-- not quietly resume trading that was halted. One row at most.
CREATE TABLE trading_state (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    state         TEXT NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
    changed_at_ms BIGINT NOT NULL,
    source        TEXT NOT NULL
);
