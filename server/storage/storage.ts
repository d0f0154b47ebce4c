/**
 * The one storage contract every backend fulfils: boards, each board document's append-only
 * update log with its compacted snapshot, and uploaded assets. The relay never sees SQL; it calls
 * these methods. A contract test suite (tests/integration/storage.contract.test.ts) runs against
 * every backend.
 */
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

export interface Storage {
  /** Creates a board and the first update of each of its documents, in one transaction. */
  createBoard(board: BoardRecord, initialDocuments: InitialDocument[]): Promise<void>
  getBoard(id: string): Promise<BoardRecord | null>

  /** Throws when the document cannot be read; never answers "empty" for a failed read. */
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

  /** Remembers the hash of the key that lets an anonymous card's author claim or edit it. */
  putAnonymousCard(boardId: string, cardId: string, claimKeyHash: string): Promise<void>
  getAnonymousCardClaimHash(boardId: string, cardId: string): Promise<string | null>
  deleteAnonymousCard(boardId: string, cardId: string): Promise<void>

  /** Names of stored documents starting with `prefix` (e.g. a board's drafts documents). */
  listDocumentNames(prefix: string): Promise<string[]>

  createVoteRound(round: StoredVoteRound): Promise<void>
  getVoteRound(boardId: string, roundId: string): Promise<StoredVoteRound | null>
  countVoteRounds(boardId: string): Promise<number>
  closeVoteRound(boardId: string, roundId: string, closedAt: number): Promise<void>
  putBallot(boardId: string, roundId: string, ballot: StoredBallot): Promise<void>
  getBallot(boardId: string, roundId: string, personId: string): Promise<StoredBallot | null>
  listBallots(boardId: string, roundId: string): Promise<StoredBallot[]>

  putAsset(boardId: string, assetId: string, asset: StoredAsset): Promise<void>
  getAsset(boardId: string, assetId: string): Promise<StoredAsset | null>

  close(): Promise<void>
}
