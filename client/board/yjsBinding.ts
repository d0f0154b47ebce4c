/**
 * Keeps a tldraw store and a board's Yjs document in step: every document-scope record (shapes,
 * bindings, pages, assets, the document record) lives in the `tldraw:records` Y.Map as plain JSON,
 * and the schema those records were written with lives in `tldraw:meta`. Session and presence
 * records never enter the document; presence travels over awareness (see presenceBinding.ts).
 *
 * Bind only after the provider has synced the document with the server: binding an empty local
 * document seeds it with a default page, which is right for a new board and wrong for an existing
 * board that simply has not arrived yet.
 *
 * @example
 * ```ts
 * provider.once('sync', () => {
 *   const binding = bindStoreToDoc(store, doc, { readonly: role === 'viewer', onError: showBanner })
 *   // ... on unmount: binding.dispose()
 * })
 * ```
 */
import {
  DocumentRecordType,
  PageRecordType,
  TLDOCUMENT_ID,
  isEqual,
  type HistoryEntry,
  type IndexKey,
  type SerializedSchema,
  type SerializedSchemaV2,
  type TLRecord,
  type TLStore,
} from 'tldraw'
import type * as Y from 'yjs'
import { TLDRAW_META_MAP, TLDRAW_RECORDS_MAP, TLDRAW_SCHEMA_KEY } from '../../shared/board/docLayout'

export interface StoreBinding {
  dispose(): void
}

export interface StoreBindingOptions {
  /** When true, local changes are never written to the document (viewers, observers). */
  readonly: boolean
  /**
   * Receives problems found while applying remote changes, where there is no caller to throw to:
   * a remote record that fails validation or migration (it is skipped), or a newer client
   * upgrading the board mid-session (a {@link NewerBoardSchemaError}; the binding then stops
   * syncing in both directions so this client cannot corrupt the newer data). Without it, such
   * errors are rethrown outside the Yjs transaction, where they reach the global error handler.
   */
  onError?(error: Error): void
  /**
   * When given, remote changes are gathered and applied to the store in one commit when this
   * calls back (the app: the next animation frame, see nextFrame), instead of one commit per Yjs
   * transaction. Every commit costs tldraw work in proportion to the page (which shapes to render),
   * so on a board of thousands of cards, with twenty people moving theirs, one commit per change
   * falls behind for good; one per frame keeps up. Returns a function that cancels the call.
   */
  scheduleRemote?(apply: () => void): () => void
}

/**
 * Calls `run` at the next animation frame, or after 100 ms in a tab that gets no frames (hidden);
 * returns a function that cancels it. The scheduler the app gives bindStoreToDoc.
 */
export function nextFrame(run: () => void): () => void {
  let done = false
  const fire = () => {
    if (done) return
    done = true
    cancelAnimationFrame(frame)
    clearTimeout(timer)
    run()
  }
  const frame = requestAnimationFrame(fire)
  const timer = setTimeout(fire, 100)
  return () => {
    done = true
    cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
}

/** The board was written by a newer client whose records this version cannot read. */
export class NewerBoardSchemaError extends Error {
  constructor() {
    super('This board was saved by a newer version of Think Together; reload to update.')
    this.name = 'NewerBoardSchemaError'
  }
}

/** The board's records are older than this client, but tldraw could not migrate them. */
export class BoardMigrationError extends Error {
  constructor(reason: string) {
    super(`This board could not be upgraded to the current version of Think Together (${reason}).`)
    this.name = 'BoardMigrationError'
  }
}

type SchemaAge = 'same' | 'older' | 'newer'

/**
 * Loads what the doc holds into the store (migrating from the doc's stored schema if older), then
 * keeps both in sync. readonly: local changes are never written to the doc (observers).
 *
 * @throws {NewerBoardSchemaError} when the doc was written by a newer schema than ours.
 * @throws {BoardMigrationError} when the doc is older but its records cannot be migrated.
 */
export function bindStoreToDoc(store: TLStore, doc: Y.Doc, options: StoreBindingOptions): StoreBinding {
  const docRecords = doc.getMap<unknown>(TLDRAW_RECORDS_MAP)
  const docMeta = doc.getMap<unknown>(TLDRAW_META_MAP)
  const ourSchema = store.schema.serialize()
  // Our own writes come back through the observers; this origin lets them recognise and skip them.
  const localOrigin = { binding: 'tldraw-store', storeId: store.id }
  const { readonly } = options
  const reportError =
    options.onError ??
    ((error: Error) =>
      queueMicrotask(() => {
        throw error
      }))

  const storedSchemaAtLoad = readStoredSchema(docMeta)
  if (storedSchemaAtLoad && ageOf(storedSchemaAtLoad, ourSchema, store) === 'newer') {
    throw new NewerBoardSchemaError()
  }

  const idsRemovedByMigration = docRecords.size > 0 ? loadDocIntoStore(store, docRecords, storedSchemaAtLoad ?? ourSchema, reportError) : []
  seedMissingDocumentRecords(store)
  if (!readonly) {
    doc.transact(() => {
      for (const id of idsRemovedByMigration) docRecords.delete(id)
      for (const record of documentRecordsOf(store)) writeRecord(docRecords, record)
      writeSchemaIfChanged(docMeta, ourSchema)
    }, localOrigin)
  }

  let isBound = true
  const cleanups: Array<() => void> = []
  const stop = () => {
    if (!isBound) return
    isBound = false
    for (const cleanup of cleanups.splice(0)) cleanup()
  }
  const stopBecauseNewerClient = () => {
    stop()
    reportError(new NewerBoardSchemaError())
  }
  const dispose = () => {
    // Edits from the current frame are still waiting for the store's per-frame flush; send them now.
    if (isBound && !readonly) store._flushHistory()
    stop()
  }

  if (!readonly) {
    const writeLocalChanges = ({ changes }: HistoryEntry<TLRecord>) => {
      const touchedIds = new Set([...Object.keys(changes.added), ...Object.keys(changes.updated), ...Object.keys(changes.removed)]) as Set<TLRecord['id']>
      // Listeners run once per animation frame in the browser, so a remote change may have landed
      // on a touched record since the user changed it. Writing the store's current state (rather
      // than the diff) keeps the document equal to what this store shows.
      doc.transact(() => {
        for (const id of touchedIds) {
          const current = store.get(id)
          if (current) writeRecord(docRecords, current)
          else docRecords.delete(id)
        }
        writeSchemaIfChanged(docMeta, ourSchema)
      }, localOrigin)
    }
    cleanups.push(store.listen(writeLocalChanges, { source: 'user', scope: 'document' }))
  }

  /** Record ids changed remotely and not yet applied to the store (see scheduleRemote). */
  const pendingRemote = new Set<string>()
  let cancelRemoteFlush: (() => void) | null = null
  const applyPendingRemote = () => {
    cancelRemoteFlush = null
    if (!isBound || pendingRemote.size === 0) return
    const ids = [...pendingRemote]
    pendingRemote.clear()
    const storedSchema = readStoredSchema(docMeta) ?? ourSchema
    const age = ageOf(storedSchema, ourSchema, store)
    if (age === 'newer') return stopBecauseNewerClient()

    // What the doc holds now: a record changed twice since the last commit is read once, as it is.
    const toPut: TLRecord[] = []
    const toRemove: TLRecord['id'][] = []
    for (const id of ids) {
      const value = docRecords.get(id)
      if (value === undefined) {
        const existing = store.get(id as TLRecord['id'])
        if (existing && isDocumentScoped(store, existing.typeName)) toRemove.push(existing.id)
        continue
      }
      const record = readDocRecord(store, id, value, age === 'older' ? storedSchema : null)
      if (record instanceof Error) reportError(record)
      else toPut.push(record)
    }
    store.mergeRemoteChanges(() => {
      if (toRemove.length > 0) store.remove(toRemove)
      if (toPut.length > 0) store.put(toPut)
    })

    // An older client wrote these records; upgrade them in the doc so every reader sees one schema.
    if (age === 'older' && !readonly) {
      doc.transact(() => {
        for (const record of toPut) writeRecord(docRecords, record)
        writeSchemaIfChanged(docMeta, ourSchema)
      }, localOrigin)
    }
  }
  const applyRemoteChanges = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
    if (transaction.origin === localOrigin || !isBound) return
    for (const id of event.changes.keys.keys()) pendingRemote.add(id)
    if (!options.scheduleRemote) return applyPendingRemote()
    cancelRemoteFlush ??= options.scheduleRemote(applyPendingRemote)
  }
  cleanups.push(() => {
    cancelRemoteFlush?.()
    cancelRemoteFlush = null
    pendingRemote.clear()
  })
  docRecords.observe(applyRemoteChanges)
  cleanups.push(() => docRecords.unobserve(applyRemoteChanges))

  const watchRemoteSchema = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
    if (transaction.origin === localOrigin || !isBound) return
    if (!event.keysChanged.has(TLDRAW_SCHEMA_KEY)) return
    const storedSchema = readStoredSchema(docMeta)
    if (storedSchema && ageOf(storedSchema, ourSchema, store) === 'newer') stopBecauseNewerClient()
  }
  docMeta.observe(watchRemoteSchema)
  cleanups.push(() => docMeta.unobserve(watchRemoteSchema))

  return { dispose }
}

/**
 * Replaces the store's document-scope records with the doc's, migrated to our schema. Records that
 * fail validation are reported and skipped, so one bad record does not make a board unopenable.
 * Returns the ids a migration deleted, which the doc should lose too.
 */
function loadDocIntoStore(store: TLStore, docRecords: Y.Map<unknown>, storedSchema: SerializedSchema, reportError: (error: Error) => void): TLRecord['id'][] {
  const snapshot = Object.fromEntries(docRecords.entries()) as Record<TLRecord['id'], TLRecord>
  const migration = store.schema.migrateStoreSnapshot({ store: snapshot, schema: storedSchema })
  if (migration.type === 'error') throw new BoardMigrationError(migration.reason)
  const migrated = migration.value

  const loaded: TLRecord[] = []
  for (const [id, raw] of Object.entries(migrated)) {
    const record = readDocRecord(store, id, raw, null)
    if (record instanceof Error) reportError(record)
    else loaded.push(record)
  }
  const loadedIds = new Set(loaded.map((record) => record.id))
  const staleIds = documentRecordsOf(store)
    .map((record) => record.id)
    .filter((id) => !loadedIds.has(id))

  // Merged as remote so that loading the board is not an undoable user action.
  store.mergeRemoteChanges(() => {
    if (staleIds.length > 0) store.remove(staleIds)
    store.put(loaded)
  })
  return (Object.keys(snapshot) as TLRecord['id'][]).filter((id) => !(id in migrated))
}

/** A new board gets the same document and first page ids on every client, so concurrent seeds merge. */
function seedMissingDocumentRecords(store: TLStore): void {
  const missing: TLRecord[] = []
  if (!store.has(TLDOCUMENT_ID)) {
    missing.push(DocumentRecordType.create({ id: TLDOCUMENT_ID, name: store.props.defaultName }))
  }
  if (store.query.ids('page').get().size === 0) {
    missing.push(
      PageRecordType.create({
        id: PageRecordType.createId('page'),
        name: 'Page 1',
        index: 'a1' as IndexKey,
      }),
    )
  }
  if (missing.length > 0) store.mergeRemoteChanges(() => store.put(missing))
}

/**
 * Parses one value from the records map into a record this store accepts: it must be an object
 * stored under its own id, of a document-scope type, migrated from `olderSchema` when given, and
 * valid for our schema. Anything else comes back as an Error to report.
 */
function readDocRecord(store: TLStore, key: string, raw: unknown, olderSchema: SerializedSchema | null): TLRecord | Error {
  if (typeof raw !== 'object' || raw === null) {
    return new Error(`Board record ${key} is not an object; skipped it.`)
  }
  let record = raw as TLRecord
  if (record.id !== key || typeof record.typeName !== 'string') {
    return new Error(`Board record ${key} has a missing or mismatched id or type; skipped it.`)
  }
  if (!isDocumentScoped(store, record.typeName)) {
    return new Error(`Board record ${key} is of type ${record.typeName}, which boards do not store; skipped it.`)
  }
  if (olderSchema) {
    const migration = store.schema.migratePersistedRecord(record, olderSchema, 'up')
    if (migration.type === 'error') {
      return new Error(`Board record ${key} could not be migrated (${migration.reason}); skipped it.`)
    }
    record = migration.value
  }
  const before = store.get(record.id) ?? null
  try {
    return shareRichText(store.schema.validateRecord(store, record, before ? 'updateRecord' : 'createRecord', before))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return new Error(`Board record ${key} is invalid (${reason}); skipped it.`)
  }
}

/**
 * Records that carry the same rich text get the very same object for it. tldraw caches the HTML
 * it renders from rich text by object identity, and turning rich text into HTML is costly: a
 * board with 1,500 links labelled with five link types then renders five labels, not 1,500.
 */
const sharedRichTexts = new Map<string, unknown>()
const MAX_SHARED_RICH_TEXTS = 5000
const MAX_SHARED_RICH_TEXT_LENGTH = 2000

function shareRichText(record: TLRecord): TLRecord {
  if (record.typeName !== 'shape') return record
  const richText = (record.props as { richText?: unknown }).richText
  if (!richText || typeof richText !== 'object') return record
  const key = JSON.stringify(richText)
  if (key.length > MAX_SHARED_RICH_TEXT_LENGTH) return record
  let shared = sharedRichTexts.get(key)
  if (shared === undefined) {
    if (sharedRichTexts.size >= MAX_SHARED_RICH_TEXTS) sharedRichTexts.clear()
    sharedRichTexts.set(key, (shared = richText))
  }
  return shared === richText ? record : ({ ...record, props: { ...record.props, richText: shared } } as TLRecord)
}

function isDocumentScoped(store: TLStore, typeName: string): boolean {
  const recordType = Object.hasOwn(store.schema.types, typeName) ? store.schema.types[typeName as TLRecord['typeName']] : undefined
  return recordType?.scope === 'document'
}

function documentRecordsOf(store: TLStore): TLRecord[] {
  return store.allRecords().filter((record) => isDocumentScoped(store, record.typeName))
}

/** Skips unchanged records: every write is a new Yjs item that all peers must receive and store. */
function writeRecord(docRecords: Y.Map<unknown>, record: TLRecord): void {
  if (!isEqual(docRecords.get(record.id), record)) docRecords.set(record.id, record)
}

function writeSchemaIfChanged(docMeta: Y.Map<unknown>, ourSchema: SerializedSchemaV2): void {
  if (!isEqual(docMeta.get(TLDRAW_SCHEMA_KEY), ourSchema)) docMeta.set(TLDRAW_SCHEMA_KEY, ourSchema)
}

function readStoredSchema(docMeta: Y.Map<unknown>): SerializedSchema | undefined {
  const stored = docMeta.get(TLDRAW_SCHEMA_KEY)
  if (typeof stored !== 'object' || stored === null || !('schemaVersion' in stored)) return undefined
  return stored as SerializedSchema
}

/**
 * How the stored schema relates to ours. tldraw's migration lookup cannot tell "ahead of us" from
 * "broken", so a sequence ahead of ours (or a schema format we do not know) is detected here.
 * Sequences we have never heard of are ignored, as tldraw's migrations ignore them; records of
 * unknown types then fail validation and are reported one by one. Anything else we cannot look
 * up counts as older, so the migration itself fails with a clear error.
 */
function ageOf(stored: SerializedSchema, ourSchema: SerializedSchemaV2, store: TLStore): SchemaAge {
  if (stored.schemaVersion > 2) return 'newer'
  if (stored.schemaVersion === 2) {
    for (const [sequenceId, version] of Object.entries(stored.sequences)) {
      const ourVersion = ourSchema.sequences[sequenceId]
      if (ourVersion !== undefined && version > ourVersion) return 'newer'
    }
  }
  const migrations = store.schema.getMigrationsSince(stored)
  return migrations.ok && migrations.value.length === 0 ? 'same' : 'older'
}
