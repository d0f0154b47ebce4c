-- 004: each board link's version (LinkStore). A link never rotated has no row (version 0);
-- rotating a role's link moves it to the next version, and tokens of older versions stop working.
-- expires_at (seconds since the epoch) is when the current version's link stops working, null
-- when it does not expire; the server signs it into the link again.
CREATE TABLE link_versions (
  board_id TEXT NOT NULL,
  role TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at INTEGER,
  rotated_at INTEGER NOT NULL,
  PRIMARY KEY (board_id, role)
);
