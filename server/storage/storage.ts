/**
 * The storage contract every backend fulfils, split by concern: boards, each board document's
 * append-only update log with its compacted snapshot, the versions of each board's links,
 * anonymous cards' claim keys, voting, people, uploaded assets, each readable document's history
 * and the health of the store itself. The relay never sees SQL; it calls these
 * methods. A contract test suite (tests/integration/storage.contract.test.ts) runs against every
 * backend.
 *
 * Storage never lies: a backend answers what it stored or throws. Every failure is a
 * `StorageError`; a document whose stored rows do not check out (a checksum mismatch, a missing
 * row or snapshot) is a `DamagedDocumentError`, never an empty or partial document.
 */

import type { StoredStepNotes } from '../../shared/api/history'

/** Any failure of the store; `code` is the backend's own (e.g. SQLITE_FULL), when it gave one. */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'StorageError'
  }
}

/**
 * A stored document that cannot be read back as it was written. Retrying does not help: the
 * operator has to restore the data from a backup.
 */
export class DamagedDocumentError extends StorageError {
  constructor(
    readonly docName: string,
    /** What was wrong, for the operator's log. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`stored document ${docName} is damaged: ${problem}`, 'DAMAGED_DOCUMENT', options)
    this.name = 'DamagedDocumentError'
  }
}
import type { BoardRole } from '../../shared/board/roles'

export interface BoardRecord {
  id: string
  title: string
  problem: string
  createdAt: number
}

/** What a document is made of on disk: a snapshot (or none) and the updates appended after it. */
export interface StoredDocument {
  snapshot: Uint8Array | null
  updates: Uint8Array[]
  /** Sequence number of the last update in the log (0 when there is none). */
  lastSeq: number
}

export interface InitialDocument {
  docName: string
  update: Uint8Array
}

export interface StoredVoteRound {
  boardId: string
  roundId: string
  number: number
  title: string
  cardIds: string[]
  budget: number
  anonymous: boolean
  status: 'open' | 'closed'
  openedAt: number
  closedAt: number | null
}

export interface StoredBallot {
  personId: string
  /** cardId -> dots */
  dots: Record<string, number>
  /** Who voted, as they named themselves (shown only in named rounds). */
  voter: { id: string; name: string; color: string }
  updatedAt: number
}

export interface StoredAsset {
  mimeType: string
  data: Uint8Array
}

/** A person the server knows on a board, by the personal token it issued them. */
export interface StoredPerson {
  boardId: string
  personId: string
  /** The role of the link the personal token was issued through. */
  role: 'facilitator' | 'member' | 'observer'
  /** Null until the person has named themselves. */
  name: string | null
  color: string
  practice: string
  createdAt: number
  lastSeenAt: number
}

export type PersonUpdate = Partial<Pick<StoredPerson, 'name' | 'color' | 'practice' | 'lastSeenAt'>>

/** Boards: their public facts, created once with the first update of each of their documents. */
export interface BoardStore {
  /** Creates a board and the first update of each of its documents, in one transaction. */
  createBoard(board: BoardRecord, initialDocuments: InitialDocument[]): Promise<void>
  getBoard(id: string): Promise<BoardRecord | null>
  /**
   * Removes every row of a board in one transaction: the board, all its documents (canvas,
   * conversation, control, people, everyone's drafts: updates, snapshots, the registry), anonymous
   * cards' keys, rounds and ballots, people, assets and link versions. Resolves with whether the
   * board was there; deleting a board that is gone removes whatever of it is left and is no error.
   */
  deleteBoard(id: string): Promise<boolean>
}

/** A role's link as it is now: its version (0 for a link never rotated) and when it expires (seconds since the epoch), if it does. */
export interface LinkState {
  version: number
  expiresAt: number | null
}

/** The current state of each role's link on a board. */
export type LinkVersions = Record<BoardRole, LinkState>

/**
 * Each board link's version. A token carries the version of the link it was signed for (a
 * personal token, the version of the link it was minted through); it opens the board only while
 * that is the link's current version.
 */
export interface LinkStore {
  getLinkVersions(boardId: string): Promise<LinkVersions>
  /**
   * Moves a role's link to its next version, expiring at `expiresAt` (or never), atomically (two
   * rotations never share one version); resolves with the version.
   */
  rotateLink(boardId: string, role: BoardRole, expiresAt: number | null): Promise<number>
}

/** Each board document's append-only update log and its compacted snapshot. */
export interface DocumentLog {
  /**
   * Throws when the document cannot be read (StorageError), or when what is stored does not check
   * out (DamagedDocumentError); never answers "empty" or a part for a failed or damaged read.
   */
  loadDocument(docName: string): Promise<StoredDocument>
  /** Appends updates in one durable transaction; resolves with the last sequence number written. */
  appendUpdates(docName: string, updates: Uint8Array[]): Promise<number>
  /**
   * Appends updates to several documents in one durable transaction; resolves with the last
   * sequence number written for each entry, in order. All or nothing.
   */
  appendUpdatesMany(entries: Array<{ docName: string; updates: Uint8Array[] }>): Promise<number[]>
  /** Replaces the snapshot and drops the updates up to and including `throughSeq`, atomically. */
  compactDocument(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void>
  /** Names of stored documents starting with `prefix` (e.g. a board's drafts documents). */
  listDocumentNames(prefix: string): Promise<string[]>
}

/** One recorded moment of a document's history (see server/history/historyRecorder.ts). */
export interface HistoryStep {
  docName: string
  /** When the step was taken, in ms since the epoch. */
  at: number
  /** A keyframe holds the whole document; any other step holds what changed since the one before. */
  keyframe: boolean
  update: Uint8Array
  /** The document's state vector after the step, so the next step holds only what came after. */
  stateVector: Uint8Array
  notes: StoredStepNotes
}

/** A step as the timeline lists it: without its bytes. */
export interface HistoryStepSummary {
  docName: string
  at: number
  keyframe: boolean
  bytes: number
  notes: StoredStepNotes
}

/** The last step of a document: where its next step continues from. */
export interface HistoryTail {
  at: number
  stateVector: Uint8Array
  /** Bytes of the steps after the last keyframe (0 right after one). */
  bytesSinceKeyframe: number
}

/**
 * Each readable document's history: keyframes (the whole document) at intervals and the steps
 * between them, apart from the live update log, so compacting the log never touches it. Rows are
 * checksummed like the log's; a row that does not check out is a DamagedDocumentError.
 */
export interface HistoryStore {
  appendHistoryStep(boardId: string, step: HistoryStep): Promise<void>
  historyTail(docName: string): Promise<HistoryTail | null>
  /** A board's steps from `from` (ms) on, oldest first. */
  listHistory(boardId: string, from: number): Promise<HistoryStepSummary[]>
  /** What shows `docName` at `at`: the last keyframe at or before it and every step after that up to `at`, in order. */
  readHistoryAt(docName: string, at: number): Promise<Uint8Array[]>
  /** Deletes a board's steps that no moment from `before` on is built on; resolves with how many went. */
  pruneHistory(boardId: string, before: number): Promise<number>
}

/** The keys that let an anonymous card's author edit or claim it (only their hashes are kept). */
export interface AnonymousCardStore {
  putAnonymousCard(boardId: string, cardId: string, claimKeyHash: string): Promise<void>
  getAnonymousCardClaimHash(boardId: string, cardId: string): Promise<string | null>
  deleteAnonymousCard(boardId: string, cardId: string): Promise<void>
}

/** Preference rounds and their ballots; ballots never leave the server before a round closes. */
export interface VotingStore {
  createVoteRound(round: StoredVoteRound): Promise<void>
  getVoteRound(boardId: string, roundId: string): Promise<StoredVoteRound | null>
  countVoteRounds(boardId: string): Promise<number>
  /**
   * Closes an open round and returns its ballots as they were at the close, atomically: a ballot
   * is either counted or refused. Null when the round was not open.
   */
  closeVoteRound(boardId: string, roundId: string, closedAt: number): Promise<StoredBallot[] | null>
  /** Stores a ballot if, at that moment, the round is open; false when it is not. */
  putBallot(boardId: string, roundId: string, ballot: StoredBallot): Promise<boolean>
  getBallot(boardId: string, roundId: string, personId: string): Promise<StoredBallot | null>
  listBallots(boardId: string, roundId: string): Promise<StoredBallot[]>
}

/** The people the server issued personal tokens to, with the name each gave themselves. */
export interface PeopleStore {
  createPerson(person: StoredPerson): Promise<void>
  getPerson(boardId: string, personId: string): Promise<StoredPerson | null>
  /** Changes a person's fields; resolves with the person as stored, or null when unknown. */
  updatePerson(boardId: string, personId: string, update: PersonUpdate): Promise<StoredPerson | null>
  listPeople(boardId: string): Promise<StoredPerson[]>
}

/** One uploaded file as pruning sees it: its size, and when it was last uploaded. */
export interface AssetSummary {
  assetId: string
  bytes: number
  uploadedAt: number
}

/**
 * What storing a file came to. `boardBytes` is what all the board's files add up to afterwards
 * (or, when over the quota, as they stand).
 */
export type PutAssetOutcome = { stored: true; boardBytes: number } | { stored: false; reason: 'over-quota'; boardBytes: number }

/** Uploaded images and videos. */
export interface AssetStore {
  /**
   * Stores a file; an id already stored keeps its first bytes and only has its upload time
   * renewed. With `maxBoardBytes`, a new file that would take the board's files past it is
   * refused, atomically with respect to other uploads to the board.
   */
  putAsset(boardId: string, assetId: string, asset: StoredAsset, limits?: { maxBoardBytes: number }): Promise<PutAssetOutcome>
  getAsset(boardId: string, assetId: string): Promise<StoredAsset | null>
  listAssets(boardId: string): Promise<AssetSummary[]>
  /**
   * Removes those of `assetIds` last uploaded before `uploadedBefore` (a file uploaded again
   * since is kept); resolves with the ids removed and their bytes.
   */
  deleteAssets(boardId: string, assetIds: string[], uploadedBefore: number): Promise<{ removed: string[]; bytes: number }>
}

export type StorageHealth = { ok: true } | { ok: false; reason: string }

/** Whether the store can be written and read right now, for the readiness probe (GET /readyz). */
export interface HealthCheck {
  /**
   * Writes and reads back a tiny probe row. Unhealthy when that fails, or while recent
   * operations failed in a way that says the store is in trouble (disk full, I/O errors, a
   * corrupt file).
   */
  checkHealth(): Promise<StorageHealth>
}

/** Everything the server stores, one part per concern; each backend implements all of them. */
export interface Storage extends BoardStore, DocumentLog, HistoryStore, LinkStore, AnonymousCardStore, VotingStore, PeopleStore, AssetStore, HealthCheck {
  close(): Promise<void>
}
