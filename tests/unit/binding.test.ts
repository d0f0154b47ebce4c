// @vitest-environment jsdom
/**
 * The tldraw <-> Yjs binding (client/board/yjsBinding.ts): two editors, each on its own store bound
 * to its own Y.Doc, with the docs connected by forwarding updates. Under vitest tldraw flushes
 * store listeners synchronously (its frame throttle is off when NODE_ENV is 'test'), so most
 * assertions follow the change that caused it without waiting; the last block turns the browser's
 * per-frame batching back on and drives the frames by hand.
 */
import {
  AssetRecordType,
  Editor,
  PageRecordType,
  TLDOCUMENT_ID,
  b64Vecs,
  createBindingId,
  createShapeId,
  createTLStore,
  defaultAddFontsFromNode,
  defaultBindingUtils,
  defaultShapeUtils,
  tipTapDefaultExtensions,
  toRichText,
  type SerializedSchemaV2,
  type TLGeoShape,
  type TLImageAsset,
  type TLNoteShape,
  type TLRecord,
  type TLShapeId,
  type TLStore,
} from 'tldraw'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import * as Y from 'yjs'
import { NewerBoardSchemaError, bindStoreToDoc, type StoreBinding } from '../../client/board/yjsBinding'
import { TLDRAW_META_MAP, TLDRAW_RECORDS_MAP, TLDRAW_SCHEMA_KEY } from '../../shared/board/docLayout'

interface Peer {
  doc: Y.Doc
  store: TLStore
  editor: Editor
  binding: StoreBinding
  errors: Error[]
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function createStore(): TLStore {
  return createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
}

function createEditor(store: TLStore): Editor {
  const editor = new Editor({
    store,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [],
    getContainer: () => document.body,
    options: {
      text: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } },
    },
  })
  cleanups.push(() => editor.dispose())
  return editor
}

/** Forwards every update of each doc to the other, as the relay would. */
function connectDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'remote')
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'remote')
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') Y.applyUpdate(b, update, 'remote')
  })
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') Y.applyUpdate(a, update, 'remote')
  })
}

/** A client: its own doc, store and editor, bound with the editor mounted first, as in the app. */
function createPeer(doc = new Y.Doc(), options: { readonly: boolean; scheduleRemote?: (apply: () => void) => () => void } = { readonly: false }): Peer {
  const store = createStore()
  const editor = createEditor(store)
  const errors: Error[] = []
  const binding = bindStoreToDoc(store, doc, { ...options, onError: (error) => errors.push(error) })
  cleanups.push(() => binding.dispose())
  return { doc, store, editor, binding, errors }
}

/** Two connected clients: the first seeds a new board, the second loads it. */
function createConnectedPeers(): [Peer, Peer] {
  const docA = new Y.Doc()
  const docB = new Y.Doc()
  connectDocs(docA, docB)
  const a = createPeer(docA)
  const b = createPeer(docB)
  return [a, b]
}

function documentRecords(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((record) => store.schema.types[record.typeName].scope === 'document')
    .sort((x, y) => x.id.localeCompare(y.id))
}

function docRecordsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(TLDRAW_RECORDS_MAP)
}

function storedSchemaOf(doc: Y.Doc): unknown {
  return doc.getMap(TLDRAW_META_MAP).get(TLDRAW_SCHEMA_KEY)
}

/** What the store shows and what the doc holds must be the same records. */
function expectStoreMatchesDoc(store: TLStore, doc: Y.Doc): void {
  const inDoc = [...docRecordsOf(doc).values()] as TLRecord[]
  expect(documentRecords(store)).toEqual(inDoc.sort((x, y) => x.id.localeCompare(y.id)))
}

function expectInSync(a: Peer, b: Peer): void {
  expect(documentRecords(b.store)).toEqual(documentRecords(a.store))
  expectStoreMatchesDoc(a.store, a.doc)
  expectStoreMatchesDoc(b.store, b.doc)
}

const IMAGE_ASSET_ID = AssetRecordType.createId('whiteboard-photo')
const ids = {
  note: createShapeId('note'),
  geo: createShapeId('geo'),
  text: createShapeId('text'),
  arrow: createShapeId('arrow'),
  frame: createShapeId('frame'),
  childOfFrame: createShapeId('child-of-frame'),
  draw: createShapeId('draw'),
  image: createShapeId('image'),
}

/** One shape of every kind the board uses, an asset, and an arrow bound at both ends. */
function drawEverything(editor: Editor): void {
  editor.createAssets([
    AssetRecordType.create({
      id: IMAGE_ASSET_ID,
      type: 'image',
      props: {
        name: 'photo.png',
        src: 'https://example.test/photo.png',
        w: 640,
        h: 480,
        mimeType: 'image/png',
        isAnimated: false,
      },
    }),
  ])
  editor.createShapes([
    { id: ids.note, type: 'note', x: 0, y: 0, props: { richText: toRichText('An idea') } },
    { id: ids.geo, type: 'geo', x: 400, y: 0, props: { w: 120, h: 80, geo: 'ellipse', richText: toRichText('Goal') } },
    { id: ids.text, type: 'text', x: 0, y: 300, props: { richText: toRichText('Free text') } },
    { id: ids.frame, type: 'frame', x: 800, y: 0, props: { w: 400, h: 300, name: 'Options' } },
    { id: ids.childOfFrame, type: 'geo', parentId: ids.frame, x: 20, y: 20, props: { w: 50, h: 50 } },
    {
      id: ids.draw,
      type: 'draw',
      x: 0,
      y: 600,
      props: {
        segments: [
          {
            type: 'free',
            path: b64Vecs.encodePoints([
              { x: 0, y: 0, z: 0.5 },
              { x: 40, y: 30, z: 0.5 },
            ]),
          },
        ],
        isComplete: true,
      },
    },
    { id: ids.image, type: 'image', x: 400, y: 600, props: { assetId: IMAGE_ASSET_ID, w: 320, h: 240 } },
    { id: ids.arrow, type: 'arrow', x: 100, y: 40, props: { start: { x: 0, y: 0 }, end: { x: 300, y: 0 } } },
  ])
  editor.createBindings([
    {
      id: createBindingId('arrow-start'),
      type: 'arrow',
      fromId: ids.arrow,
      toId: ids.note,
      props: { terminal: 'start', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
    },
    {
      id: createBindingId('arrow-end'),
      type: 'arrow',
      fromId: ids.arrow,
      toId: ids.geo,
      props: { terminal: 'end', normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false },
    },
  ])
}

/** The current schema with one sequence moved to another version, as an older/newer client wrote it. */
function schemaWithSequence(store: TLStore, sequenceId: string, version: number): SerializedSchemaV2 {
  const schema = structuredClone(store.schema.serialize())
  expect(schema.sequences[sequenceId]).toBeTypeOf('number')
  schema.sequences[sequenceId] = version
  return schema
}

describe('a new board', () => {
  test('seeds the empty doc with the document record, the first page and our schema', () => {
    const { doc, store } = createPeer()
    expect(docRecordsOf(doc).get(TLDOCUMENT_ID)).toMatchObject({ typeName: 'document' })
    expect(docRecordsOf(doc).get(PageRecordType.createId('page'))).toMatchObject({ typeName: 'page' })
    expect(storedSchemaOf(doc)).toEqual(store.schema.serialize())
    expectStoreMatchesDoc(store, doc)
  })

  test('seeds the doc even when no editor has been mounted on the store yet', () => {
    const doc = new Y.Doc()
    const store = createStore()
    const binding = bindStoreToDoc(store, doc, { readonly: false })
    cleanups.push(() => binding.dispose())
    expect([...docRecordsOf(doc).keys()].sort()).toEqual([TLDOCUMENT_ID, PageRecordType.createId('page')])
    expectStoreMatchesDoc(store, doc)
  })

  test('never puts session or presence records (instance, camera, pointer) into the doc', () => {
    const { doc, editor } = createPeer()
    editor.setCamera({ x: 10, y: 20, z: 1 })
    editor.updateInstanceState({ isGridMode: true })
    const typeNames = new Set([...docRecordsOf(doc).values()].map((record) => (record as TLRecord).typeName))
    for (const typeName of typeNames) expect(['document', 'page', 'user']).toContain(typeName)
  })
})

describe('every document-scope record type syncs between two clients', () => {
  test('shapes of every default kind, an image asset and arrow bindings are created on the other client', () => {
    const [a, b] = createConnectedPeers()
    drawEverything(a.editor)

    for (const id of Object.values(ids)) expect(b.store.get(id)).toEqual(a.store.get(id))
    expect(b.store.get(IMAGE_ASSET_ID)).toEqual(a.store.get(IMAGE_ASSET_ID))
    expect(b.editor.getBindingsFromShape(ids.arrow, 'arrow')).toHaveLength(2)
    expect(b.store.get(ids.childOfFrame)?.parentId).toBe(ids.frame)
    expect((b.store.get(ids.note) as TLNoteShape).props.richText).toEqual(toRichText('An idea'))
    expectInSync(a, b)
  })

  test('updates travel both ways: note text, geo position, asset and the arrow binding', () => {
    const [a, b] = createConnectedPeers()
    drawEverything(a.editor)

    a.editor.updateShape<TLNoteShape>({ id: ids.note, type: 'note', props: { richText: toRichText('A better idea') } })
    b.editor.updateShape<TLGeoShape>({ id: ids.geo, type: 'geo', x: 450, y: 90 })
    const asset = b.editor.getAsset<TLImageAsset>(IMAGE_ASSET_ID)!
    b.editor.updateAssets([{ ...asset, props: { ...asset.props, name: 'renamed.png' } }])
    a.editor.updateBinding({ id: createBindingId('arrow-end'), type: 'arrow', props: { isPrecise: true } })

    expect((b.store.get(ids.note) as TLNoteShape).props.richText).toEqual(toRichText('A better idea'))
    expect(a.store.get(ids.geo)).toMatchObject({ x: 450, y: 90 })
    expect(a.store.get(IMAGE_ASSET_ID)).toMatchObject({ props: { name: 'renamed.png' } })
    expect(b.store.get(createBindingId('arrow-end'))).toMatchObject({ props: { isPrecise: true } })
    expectInSync(a, b)
  })

  test('deletes reach the other client, including a frame child and the bindings of a deleted shape', () => {
    const [a, b] = createConnectedPeers()
    drawEverything(a.editor)

    b.editor.deleteShapes([ids.frame, ids.note, ids.draw, ids.text, ids.image])
    a.editor.deleteAssets([IMAGE_ASSET_ID])

    for (const id of [ids.frame, ids.childOfFrame, ids.note, ids.draw, ids.text, ids.image]) {
      expect(a.store.has(id)).toBe(false)
    }
    expect(b.store.has(IMAGE_ASSET_ID)).toBe(false)
    expect(a.store.has(createBindingId('arrow-start'))).toBe(false)
    expect(a.store.has(createBindingId('arrow-end'))).toBe(true)
    expectInSync(a, b)
  })

  test('pages are created, renamed and deleted on the other client', () => {
    const [a, b] = createConnectedPeers()
    const secondPage = PageRecordType.createId('second')
    a.editor.createPage({ id: secondPage, name: 'Second thoughts' })
    expect(b.store.get(secondPage)).toMatchObject({ name: 'Second thoughts' })

    b.editor.renamePage(secondPage, 'Decisions')
    expect(a.store.get(secondPage)).toMatchObject({ name: 'Decisions' })

    a.editor.setCurrentPage(secondPage)
    a.editor.createShape({ id: ids.geo, type: 'geo', props: { w: 10, h: 10 } })
    expect(b.store.get(ids.geo)?.parentId).toBe(secondPage)

    b.editor.deletePage(secondPage)
    expect(a.store.has(secondPage)).toBe(false)
    expect(a.store.has(ids.geo)).toBe(false)
    expectInSync(a, b)
  })

  test('the document record (board name) syncs', () => {
    const [a, b] = createConnectedPeers()
    a.editor.updateDocumentSettings({ name: 'Q3 planning', gridSize: 20 })
    expect(b.store.get(TLDOCUMENT_ID)).toMatchObject({ name: 'Q3 planning', gridSize: 20 })
    expectInSync(a, b)
  })
})

describe('loading an existing board', () => {
  test('replaces the fresh store’s document records with exactly the doc’s', () => {
    const [a] = createConnectedPeers()
    drawEverything(a.editor)
    const secondPage = PageRecordType.createId('second')
    a.editor.createPage({ id: secondPage, name: 'Second' })

    const laterDoc = new Y.Doc()
    Y.applyUpdate(laterDoc, Y.encodeStateAsUpdate(a.doc))
    const store = createStore()
    const editor = createEditor(store)
    const strayShape = createShapeId('only-in-the-fresh-store')
    editor.createShape({ id: strayShape, type: 'geo', props: { w: 10, h: 10 } })

    const binding = bindStoreToDoc(store, laterDoc, { readonly: false })
    cleanups.push(() => binding.dispose())

    expect(store.has(strayShape)).toBe(false)
    expect(documentRecords(store)).toEqual(documentRecords(a.store))
    expect(docRecordsOf(laterDoc).has(strayShape)).toBe(false)
  })

  test('loading is not undoable: undo right after binding changes nothing', () => {
    const [a] = createConnectedPeers()
    drawEverything(a.editor)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.doc))
    const late = createPeer(doc)

    late.editor.undo()
    expect(documentRecords(late.store)).toEqual(documentRecords(a.store))
  })
})

describe('readonly clients', () => {
  test('never write to the doc, but still receive remote changes', () => {
    const docA = new Y.Doc()
    const docViewer = new Y.Doc()
    connectDocs(docA, docViewer)
    const a = createPeer(docA)
    const viewer = createPeer(docViewer, { readonly: true })
    let viewerWrites = 0
    docViewer.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') viewerWrites++
    })

    viewer.editor.createShape({ id: ids.geo, type: 'geo', props: { w: 10, h: 10 } })
    viewer.editor.updateDocumentSettings({ name: 'Viewer rename' })
    expect(viewerWrites).toBe(0)
    expect(a.store.has(ids.geo)).toBe(false)
    expect(docRecordsOf(docViewer).has(ids.geo)).toBe(false)

    a.editor.createShape({ id: ids.note, type: 'note' })
    expect(viewer.store.get(ids.note)).toEqual(a.store.get(ids.note))
  })

  test('bound to an empty doc, write nothing at all (not even the seed)', () => {
    const doc = new Y.Doc()
    createPeer(doc, { readonly: true })
    expect(docRecordsOf(doc).size).toBe(0)
    expect(storedSchemaOf(doc)).toBeUndefined()
  })
})

describe('schema and migrations', () => {
  test('every write keeps our serialized schema in tldraw:meta', () => {
    const [a, b] = createConnectedPeers()
    b.doc.getMap(TLDRAW_META_MAP).delete(TLDRAW_SCHEMA_KEY)
    expect(storedSchemaOf(a.doc)).toBeUndefined()

    a.editor.createShape({ id: ids.geo, type: 'geo' })
    expect(storedSchemaOf(a.doc)).toEqual(a.store.schema.serialize())
    expect(storedSchemaOf(b.doc)).toEqual(a.store.schema.serialize())
  })

  /**
   * Builds the doc an older client would have left: the geo shape sequence at version 9, before
   * tldraw moved labels from `props.text` to `props.richText` (geo migration 10, AddRichText).
   */
  function docWrittenBeforeRichText(): { doc: Y.Doc; oldSchema: SerializedSchemaV2 } {
    const [a] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo', props: { w: 100, h: 60, richText: toRichText('unused') } })
    const { richText: _richText, ...propsWithoutRichText } = (a.store.get(ids.geo) as TLGeoShape).props
    const oldGeo = { ...a.store.get(ids.geo), props: { ...propsWithoutRichText, text: 'Ship it' } }
    const oldSchema = schemaWithSequence(a.store, 'com.tldraw.shape.geo', 9)

    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.doc))
    doc.transact(() => {
      docRecordsOf(doc).set(ids.geo, oldGeo)
      doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, oldSchema)
    })
    return { doc, oldSchema }
  }

  test('a doc stored with an older schema is migrated on load, and a writer upgrades the doc', () => {
    const { doc } = docWrittenBeforeRichText()
    const peer = createPeer(doc)

    const geo = peer.store.get(ids.geo) as TLGeoShape
    expect(geo.props.richText).toEqual(toRichText('Ship it'))
    expect('text' in geo.props).toBe(false)
    expect(storedSchemaOf(doc)).toEqual(peer.store.schema.serialize())
    expect(docRecordsOf(doc).get(ids.geo)).toEqual(geo)
    expect(peer.errors).toEqual([])
  })

  test('a readonly client migrates in memory only and leaves the older doc untouched', () => {
    const { doc, oldSchema } = docWrittenBeforeRichText()
    const before = Y.encodeStateVector(doc)
    const viewer = createPeer(doc, { readonly: true })

    expect((viewer.store.get(ids.geo) as TLGeoShape).props.richText).toEqual(toRichText('Ship it'))
    expect(Y.encodeStateVector(doc)).toEqual(before)
    expect(storedSchemaOf(doc)).toEqual(oldSchema)
  })

  test('a record an older client writes mid-session is migrated as it arrives, then upgraded in the doc', () => {
    const [a, b] = createConnectedPeers()
    const { doc: oldClientDoc } = docWrittenBeforeRichText()
    const oldGeo = docRecordsOf(oldClientDoc).get(ids.geo)
    const oldSchema = storedSchemaOf(oldClientDoc)

    b.doc.transact(() => {
      docRecordsOf(b.doc).set(ids.geo, oldGeo)
      b.doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, oldSchema)
    }, 'older client')

    expect((b.store.get(ids.geo) as TLGeoShape).props.richText).toEqual(toRichText('Ship it'))
    expect(storedSchemaOf(a.doc)).toEqual(a.store.schema.serialize())
    expect(a.store.get(ids.geo)).toEqual(b.store.get(ids.geo))
    expectInSync(a, b)
  })

  test('a doc saved by a newer version throws a clear error and is left untouched', () => {
    const [a] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.doc))
    doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, schemaWithSequence(a.store, 'com.tldraw.shape.geo', 99))
    const before = Y.encodeStateVector(doc)

    const store = createStore()
    expect(() => bindStoreToDoc(store, doc, { readonly: false })).toThrow(NewerBoardSchemaError)
    expect(() => bindStoreToDoc(store, doc, { readonly: false })).toThrow('This board was saved by a newer version of Think Together; reload to update.')
    expect(Y.encodeStateVector(doc)).toEqual(before)
    expect(store.has(ids.geo)).toBe(false)
  })

  test('when a newer client upgrades the board mid-session, the binding reports it and stops writing', () => {
    const [a, b] = createConnectedPeers()
    b.doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, schemaWithSequence(a.store, 'com.tldraw.shape.geo', 99))

    expect(a.errors).toHaveLength(1)
    expect(a.errors[0]).toBeInstanceOf(NewerBoardSchemaError)
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    expect(docRecordsOf(a.doc).has(ids.geo)).toBe(false)
  })

  test('records a newer client writes along with its schema are never applied', () => {
    const [a, b] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    const fromTheFuture = { ...a.store.get(ids.geo), id: ids.note, props: { futureProp: true } }
    b.doc.transact(() => {
      docRecordsOf(b.doc).set(ids.note, fromTheFuture)
      b.doc.getMap(TLDRAW_META_MAP).set(TLDRAW_SCHEMA_KEY, schemaWithSequence(a.store, 'com.tldraw.shape.geo', 99))
    }, 'newer client')

    expect(a.store.has(ids.note)).toBe(false)
    expect(a.errors).toEqual([expect.any(NewerBoardSchemaError)])
  })
})

describe('remote input is validated where it enters', () => {
  test('an invalid or foreign record is reported and skipped, the rest of the change still applies', () => {
    const [a, b] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    const validNote = { ...a.store.get(ids.geo), id: ids.note }
    b.doc.transact(() => {
      docRecordsOf(b.doc).set(ids.text, { id: ids.text, typeName: 'shape', type: 'geo', props: 'garbage' })
      docRecordsOf(b.doc).set('instance:instance', { ...a.store.get('instance:instance' as TLRecord['id']) })
      docRecordsOf(b.doc).set(ids.note, validNote)
    }, 'misbehaving client')

    expect(a.store.has(ids.text)).toBe(false)
    expect(a.store.get(ids.note)).toMatchObject({ id: ids.note, type: 'geo' })
    expect(a.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(`Board record ${ids.text} is invalid`),
      expect.stringContaining('Board record instance:instance is of type instance'),
    ])
  })

  test('a remote delete of a session record id cannot remove this client’s session state', () => {
    const [a, b] = createConnectedPeers()
    b.doc.transact(() => {
      docRecordsOf(b.doc).set('instance:instance', {})
    }, 'misbehaving client')
    b.doc.transact(() => {
      docRecordsOf(b.doc).delete('instance:instance')
    }, 'misbehaving client')
    expect(a.store.has('instance:instance' as TLRecord['id'])).toBe(true)
  })
})

describe('undo', () => {
  test('undoing a delete restores the shape on the other client', () => {
    const [a, b] = createConnectedPeers()
    a.editor.markHistoryStoppingPoint('create')
    a.editor.createShape({ id: ids.note, type: 'note', props: { richText: toRichText('Keep me') } })
    a.editor.markHistoryStoppingPoint('delete')
    a.editor.deleteShapes([ids.note])
    expect(b.store.has(ids.note)).toBe(false)

    a.editor.undo()
    expect(b.store.get(ids.note)).toEqual(a.store.get(ids.note))
    expect((b.store.get(ids.note) as TLNoteShape).props.richText).toEqual(toRichText('Keep me'))
    expectInSync(a, b)
  })

  test('remote changes never enter the local undo stack', () => {
    const [a, b] = createConnectedPeers()
    a.editor.markHistoryStoppingPoint('create mine')
    a.editor.createShape({ id: ids.note, type: 'note' })
    b.editor.createShape({ id: ids.geo, type: 'geo', x: 0 })
    b.editor.updateShape({ id: ids.geo, type: 'geo', x: 300 })

    a.editor.undo()
    expect(a.store.has(ids.note)).toBe(false)
    expect(a.store.get(ids.geo)).toMatchObject({ x: 300 })
    expect(b.store.has(ids.note)).toBe(false)
    expect(b.store.get(ids.geo)).toMatchObject({ x: 300 })

    a.editor.undo()
    expect(a.store.get(ids.geo)).toMatchObject({ x: 300 })
    expectInSync(a, b)
  })
})

describe('dispose', () => {
  test('stops syncing in both directions', () => {
    const [a, b] = createConnectedPeers()
    a.binding.dispose()
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    b.editor.createShape({ id: ids.note, type: 'note' })
    expect(b.store.has(ids.geo)).toBe(false)
    expect(a.store.has(ids.note)).toBe(false)
  })
})

/**
 * Concurrent edits with network delay, the way a browser runs them: store listeners batched per
 * animation frame (frames driven by hand here), and each client's updates held and delivered in
 * random batches. So a remote change often lands on a shape between the local edit and the frame
 * that writes it out. Whatever Yjs picks per record, both stores must end equal to each other and
 * to their docs. A failure names its seed; rerun just that seed to replay it.
 */
describe('with listeners batched per animation frame, as in the browser', () => {
  const frameCallbacks = new Map<number, FrameRequestCallback>()
  let lastFrameRequestId = 0
  let clock = 0
  const runFrames = (count: number) => {
    for (let frame = 0; frame < count; frame++) {
      clock += 16
      const due = [...frameCallbacks.values()]
      frameCallbacks.clear()
      for (const callback of due) callback(performance.now())
    }
  }
  beforeEach(() => {
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
      frameCallbacks.set(++lastFrameRequestId, callback)
      return lastFrameRequestId
    })
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frameCallbacks.delete(id))
    // tldraw skips a frame that comes too soon after the last flush, so frames must also move the clock.
    vi.spyOn(Date, 'now').mockImplementation(() => clock)
    Object.assign(globalThis, { __FORCE_RAF_IN_TESTS__: true })
  })
  afterEach(() => {
    // tldraw's frame scheduler is shared by the whole file: let it finish its pending flush, or it
    // waits forever for a frame that a later test will never run.
    runFrames(3)
    Object.assign(globalThis, { __FORCE_RAF_IN_TESTS__: false })
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    frameCallbacks.clear()
  })

  test('when both clients edit one shape within a frame, the remote edit lands before the local write and both end equal', () => {
    const [a, b] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo', x: 0 })
    runFrames(2)
    expect(b.store.get(ids.geo)).toMatchObject({ x: 0 })

    a.editor.updateShape({ id: ids.geo, type: 'geo', x: 100 })
    b.editor.updateShape({ id: ids.geo, type: 'geo', x: 300 })
    runFrames(2)

    expectInSync(a, b)
  })

  test('dispose writes the edits still waiting for the next frame', () => {
    const [a, b] = createConnectedPeers()
    a.editor.createShape({ id: ids.geo, type: 'geo' })
    expect(docRecordsOf(a.doc).has(ids.geo)).toBe(false)

    a.binding.dispose()
    expect(b.store.has(ids.geo)).toBe(true)
  })

  for (const seed of [1, 7, 42, 2024, 31337]) {
    test(`two clients editing the same shapes converge (seed ${seed})`, () => {
      const random = mulberry32(seed)
      const docA = new Y.Doc()
      const docB = new Y.Doc()
      const a = createPeer(docA)
      Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), 'remote')
      const b = createPeer(docB)
      const inFlight: Array<{ to: Y.Doc; update: Uint8Array }> = []
      docA.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'remote') inFlight.push({ to: docB, update })
      })
      docB.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== 'remote') inFlight.push({ to: docA, update })
      })
      const deliver = (count: number) => {
        for (const { to, update } of inFlight.splice(0, count)) Y.applyUpdate(to, update, 'remote')
      }
      const shapeIds: TLShapeId[] = [0, 1, 2, 3].map((index) => createShapeId(`fuzz-${index}`))

      for (let step = 0; step < 300; step++) {
        const peer = random() < 0.5 ? a : b
        const id = shapeIds[Math.floor(random() * shapeIds.length)]
        const roll = random()
        if (!peer.store.has(id)) {
          peer.editor.createShape({ id, type: 'geo', x: Math.round(random() * 500), props: { w: 20, h: 20 } })
        } else if (roll < 0.7) {
          peer.editor.updateShape({ id, type: 'geo', x: Math.round(random() * 500), y: Math.round(random() * 500) })
        } else {
          peer.editor.deleteShapes([id])
        }
        if (random() < 0.3) deliver(Math.floor(random() * (inFlight.length + 1)))
        if (random() < 0.3) runFrames(1)
      }
      for (let round = 0; round < 5; round++) {
        runFrames(3)
        deliver(inFlight.length)
      }
      expectInSync(a, b)
    })
  }
})

function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('remote changes gathered per frame (scheduleRemote, as the app binds)', () => {
  /** A scheduler the test runs by hand, counting how often it was asked. */
  function manualScheduler() {
    const waiting: Array<() => void> = []
    let asked = 0
    return {
      schedule: (apply: () => void) => {
        asked++
        waiting.push(apply)
        return () => {
          const at = waiting.indexOf(apply)
          if (at >= 0) waiting.splice(at, 1)
        }
      },
      run: () => {
        for (const apply of waiting.splice(0)) apply()
      },
      get asked() {
        return asked
      },
    }
  }

  function peersWithScheduler(): [Peer, Peer, ReturnType<typeof manualScheduler>] {
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    connectDocs(docA, docB)
    const a = createPeer(docA)
    const frame = manualScheduler()
    const b = createPeer(docB, { readonly: false, scheduleRemote: frame.schedule })
    return [a, b, frame]
  }

  test('many remote transactions reach the store together, once the frame comes, as the doc holds them then', () => {
    const [a, b, frame] = peersWithScheduler()
    const commits: number[] = []
    b.store.listen(
      (entry) => commits.push(Object.keys(entry.changes.added).length + Object.keys(entry.changes.updated).length + Object.keys(entry.changes.removed).length),
      {
        source: 'remote',
        scope: 'document',
      },
    )
    const writeRemote = (change: (records: Y.Map<unknown>) => void) => a.doc.transact(() => change(docRecordsOf(a.doc)))
    a.editor.createShape({ id: ids.geo, type: 'geo', x: 0 })
    a.editor.createShape({ id: ids.note, type: 'note', x: 0 })
    a.binding.dispose() // its edits are in the doc now; from here the test writes the doc itself
    for (let x = 1; x <= 5; x++) writeRemote((records) => records.set(ids.geo, { ...(records.get(ids.geo) as object), x }))
    writeRemote((records) => records.delete(ids.note))
    expect(b.store.has(ids.geo)).toBe(false)
    expect(frame.asked).toBe(1)

    frame.run()
    b.store._flushHistory()
    expect(b.store.get(ids.geo)).toMatchObject({ x: 5 })
    expect(b.store.has(ids.note)).toBe(false)
    expectStoreMatchesDoc(b.store, b.doc)
    expect(commits).toHaveLength(1)

    // The next remote change asks for the next frame.
    writeRemote((records) => records.set(ids.geo, { ...(records.get(ids.geo) as object), x: 6 }))
    expect(frame.asked).toBe(2)
    frame.run()
    expect(b.store.get(ids.geo)).toMatchObject({ x: 6 })
  })

  test('its own edits still go out at once, and what waits for the frame is dropped with the binding', () => {
    const [a, b, frame] = peersWithScheduler()
    b.editor.createShape({ id: ids.text, type: 'text', x: 0 })
    b.store._flushHistory()
    expect(a.store.has(ids.text)).toBe(true)
    a.editor.createShape({ id: ids.geo, type: 'geo', x: 0 })
    a.store._flushHistory()
    b.binding.dispose()
    frame.run()
    expect(b.store.has(ids.geo)).toBe(false)
  })
})
