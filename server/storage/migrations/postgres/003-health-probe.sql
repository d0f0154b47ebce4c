-- 003: the one row the readiness check writes and reads back (Storage.checkHealth).
CREATE TABLE health_probe (
  id integer PRIMARY KEY CHECK (id = 1),
  nonce text NOT NULL,
  written_at bigint NOT NULL
);
