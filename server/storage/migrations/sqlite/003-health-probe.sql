-- 003: the one row the readiness check writes and reads back (Storage.checkHealth).
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  nonce TEXT NOT NULL,
  written_at INTEGER NOT NULL
);
