-- 001: the schema SQLite's 001 creates, in PostgreSQL types (text, bigint, bytea). Sequence
-- numbers come from one sequence shared by all documents, so they only grow, across documents too.
CREATE TABLE boards (
  id text PRIMARY KEY,
  title text NOT NULL,
  problem text NOT NULL,
  created_at bigint NOT NULL
);
CREATE SEQUENCE document_updates_seq;
CREATE TABLE document_updates (
  seq bigint PRIMARY KEY DEFAULT nextval('document_updates_seq'),
  doc text NOT NULL,
  data bytea NOT NULL
);
ALTER SEQUENCE document_updates_seq OWNED BY document_updates.seq;
CREATE INDEX document_updates_by_doc ON document_updates (doc, seq);
CREATE TABLE document_snapshots (
  doc text PRIMARY KEY,
  data bytea NOT NULL,
  through_seq bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE anonymous_cards (
  board_id text NOT NULL,
  card_id text NOT NULL,
  claim_key_hash text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (board_id, card_id)
);
CREATE TABLE vote_rounds (
  board_id text NOT NULL,
  round_id text NOT NULL,
  number integer NOT NULL,
  title text NOT NULL,
  card_ids text NOT NULL,
  budget integer NOT NULL,
  anonymous boolean NOT NULL,
  status text NOT NULL,
  opened_at bigint NOT NULL,
  closed_at bigint,
  PRIMARY KEY (board_id, round_id)
);
CREATE TABLE ballots (
  board_id text NOT NULL,
  round_id text NOT NULL,
  person_id text NOT NULL,
  dots text NOT NULL,
  voter text NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (board_id, round_id, person_id)
);
CREATE TABLE people (
  board_id text NOT NULL,
  person_id text NOT NULL,
  role text NOT NULL,
  name text,
  color text NOT NULL,
  practice text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  PRIMARY KEY (board_id, person_id)
);
CREATE TABLE assets (
  board_id text NOT NULL,
  asset_id text NOT NULL,
  mime_type text NOT NULL,
  data bytea NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (board_id, asset_id)
);
