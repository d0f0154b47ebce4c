-- 004: each board link's version (LinkStore), as in SQLite's 004. A link never rotated has no
-- row (version 0); rotating a role's link moves it to the next version, and tokens of older
-- versions stop working. expires_at (seconds since the epoch) is when the current version's
-- link stops working, null when it does not expire; the server signs it into the link again.
CREATE TABLE link_versions (
  board_id text NOT NULL,
  role text NOT NULL,
  version integer NOT NULL,
  expires_at bigint,
  rotated_at bigint NOT NULL,
  PRIMARY KEY (board_id, role)
);
