-- 001: the schema as it was before schema versions were recorded. Written with IF NOT EXISTS so
-- that a database made by an earlier release (its tables exist, its user_version is 0) passes
-- through this step unchanged, gaining only the tables it lacks (`people`), and is then upgraded.
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  problem TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS document_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS document_updates_by_doc ON document_updates (doc, seq);
CREATE TABLE IF NOT EXISTS document_snapshots (
  doc TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS anonymous_cards (
  board_id TEXT NOT NULL,
  card_id TEXT NOT NULL,
  claim_key_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, card_id)
);
CREATE TABLE IF NOT EXISTS vote_rounds (
  board_id TEXT NOT NULL,
  round_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  title TEXT NOT NULL,
  card_ids TEXT NOT NULL,
  budget INTEGER NOT NULL,
  anonymous INTEGER NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  PRIMARY KEY (board_id, round_id)
);
CREATE TABLE IF NOT EXISTS ballots (
  board_id TEXT NOT NULL,
  round_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  dots TEXT NOT NULL,
  voter TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, round_id, person_id)
);
CREATE TABLE IF NOT EXISTS people (
  board_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT,
  color TEXT NOT NULL,
  practice TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, person_id)
);
CREATE TABLE IF NOT EXISTS assets (
  board_id TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, asset_id)
);
