// @vitest-environment jsdom
/**
 * Typed links on a real tldraw Editor (client/links/): an arrow this person binds between two
 * shapes becomes a link with LinkMeta, a label and a style; its type can be changed; arrows that
 * arrive from other members are never rewritten here; observers write nothing. Two clients are
 * connected through their Yjs docs, as the relay would connect them.
 */
import {
  Editor,
  createBindingId,
  createShapeId,
  createTLStore,
  defaultAddFontsFromNode,
  defaultBindingUtils,
  defaultShapeUtils,
  getArrowBindings,
  renderPlaintextFromRichText,
  tipTapDefaultExtensions,
  type TLArrowShape,
  type TLPointerEventInfo,
  type TLShapeId,
} from 'tldraw'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../../client/board/yjsBinding'
import { linkSelectedShapes, setLinkType } from '../../client/links/linkRecords'
import { LINK_TYPE_STYLE } from '../../client/links/linkStyle'
import { registerLinkSideEffects } from '../../client/links/registerLinks'
import type { Person } from '../../shared/board/boardModel'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { readLinkMeta } from '../../shared/board/links'

const ada: Person = { id: 'user-ada', name: 'Ada', color: '#e03131' }
const bea: Person = { id: 'user-bea', name: 'Bea', color: '#1971c2' }

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

interface Client {
  doc: Y.Doc
  editor: Editor
  /** Updates this client wrote itself (not ones it received). */
  ownUpdates: Uint8Array[]
}

function createClient(options: { me?: Person; canEdit?: boolean; withLinks?: boolean } = {}): Client {
  const { me = ada, canEdit = true, withLinks = true } = options
  const doc = new Y.Doc()
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  const editor = new Editor({
    store,
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [],
    getContainer: () => document.body,
    options: { text: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } } },
  })
  const binding = bindStoreToDoc(store, doc, { readonly: !canEdit })
  const stopLinks = withLinks ? registerLinkSideEffects(editor, { canEdit, getMe: () => me }) : () => {}
  const ownUpdates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') ownUpdates.push(update)
  })
  cleanups.push(() => {
    stopLinks()
    binding.dispose()
    editor.dispose()
  })
  return { doc, editor, ownUpdates }
}

/** Forwards every update of each doc to the other, as the relay would. */
function connect(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'remote')
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'remote')
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') Y.applyUpdate(b, update, 'remote')
  })
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') Y.applyUpdate(a, update, 'remote')
  })
}

const cardA = createShapeId('card-a')
const cardB = createShapeId('card-b')
const arrowId = createShapeId('arrow')

function drawCards(editor: Editor): void {
  editor.createShapes([
    { id: cardA, type: 'geo', x: 0, y: 0, props: { w: 200, h: 120 } },
    { id: cardB, type: 'geo', x: 500, y: 0, props: { w: 200, h: 120 } },
  ])
}

function drawArrow(editor: Editor, ends: { start?: TLShapeId; end?: TLShapeId }): void {
  editor.createShape({ id: arrowId, type: 'arrow', x: 100, y: 60, props: { start: { x: 0, y: 0 }, end: { x: 500, y: 0 } } })
  const props = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
  editor.createBindings([
    ...(ends.start
      ? [{ id: createBindingId(), type: 'arrow' as const, fromId: arrowId, toId: ends.start, props: { ...props, terminal: 'start' as const } }]
      : []),
    ...(ends.end ? [{ id: createBindingId(), type: 'arrow' as const, fromId: arrowId, toId: ends.end, props: { ...props, terminal: 'end' as const } }] : []),
  ])
}

function arrowOf(editor: Editor, id: TLShapeId = arrowId): TLArrowShape {
  return editor.getShape<TLArrowShape>(id)!
}

function labelOf(editor: Editor, id: TLShapeId = arrowId): string {
  return renderPlaintextFromRichText(editor, arrowOf(editor, id).props.richText)
}

function pointer(editor: Editor, name: 'pointer_down' | 'pointer_up'): void {
  const info: TLPointerEventInfo = {
    type: 'pointer',
    target: 'canvas',
    name,
    point: { x: 300, y: 60 },
    pointerId: 1,
    button: 0,
    isPen: false,
    shiftKey: false,
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    accelKey: false,
  }
  editor.dispatch(info)
}

describe('an arrow becomes a link', () => {
  test('an arrow the member binds at both ends gets LinkMeta, the default type’s label and style', () => {
    const { editor, doc } = createClient()
    drawCards(editor)
    drawArrow(editor, { start: cardA, end: cardB })
    const arrow = arrowOf(editor)
    const meta = readLinkMeta(arrow.meta)
    expect(meta).toMatchObject({ linkType: 'builds-on', createdBy: ada, updatedBy: ada })
    expect(meta!.createdAt).toBeGreaterThan(0)
    expect(labelOf(editor)).toBe('builds on')
    expect(arrow.props).toMatchObject(LINK_TYPE_STYLE['builds-on'])
    // ...and that is what the shared document holds.
    expect((doc.getMap(TLDRAW_RECORDS_MAP).get(arrowId) as TLArrowShape).meta).toMatchObject({ linkType: 'builds-on' })
  })

  test('an arrow bound at one end only, or from a shape to itself, stays a plain arrow', () => {
    const { editor } = createClient()
    drawCards(editor)
    drawArrow(editor, { start: cardA })
    expect(readLinkMeta(arrowOf(editor).meta)).toBeNull()
    editor.deleteShape(arrowId)
    drawArrow(editor, { start: cardA, end: cardA })
    expect(readLinkMeta(arrowOf(editor).meta)).toBeNull()
    expect(labelOf(editor)).toBe('')
  })

  test('while the arrow is still being dragged nothing changes; it becomes a link when the pointer is released', () => {
    const { editor } = createClient()
    drawCards(editor)
    pointer(editor, 'pointer_down')
    expect(editor.inputs.getIsPointing()).toBe(true)
    drawArrow(editor, { start: cardA, end: cardB })
    expect(readLinkMeta(arrowOf(editor).meta)).toBeNull()
    pointer(editor, 'pointer_up')
    expect(readLinkMeta(arrowOf(editor).meta)?.linkType).toBe('builds-on')
    expect(labelOf(editor)).toBe('builds on')
  })

  test('two selected shapes are linked without the mouse, and the new link is selected', () => {
    const { editor } = createClient()
    drawCards(editor)
    editor.select(cardA, cardB)
    const id = linkSelectedShapes(editor, ada, 1000)!
    const arrow = arrowOf(editor, id)
    const { start, end } = getArrowBindings(editor, arrow)
    expect([start?.toId, end?.toId]).toEqual([cardA, cardB])
    expect(readLinkMeta(arrow.meta)).toMatchObject({ linkType: 'builds-on', createdBy: ada, createdAt: 1000 })
    expect(labelOf(editor, id)).toBe('builds on')
    expect(editor.getSelectedShapeIds()).toEqual([id])
  })
})

describe('a link’s type', () => {
  test('changing it updates the type, who changed it and when, the label and the style, for the other member too', () => {
    const a = createClient({ me: ada })
    const b = createClient({ me: bea })
    connect(a.doc, b.doc)
    drawCards(a.editor)
    drawArrow(a.editor, { start: cardA, end: cardB })
    expect(labelOf(b.editor)).toBe('builds on')

    expect(setLinkType(b.editor, arrowId, 'questions', bea, 5000)).toBe(true)
    for (const { editor } of [a, b]) {
      const arrow = arrowOf(editor)
      expect(readLinkMeta(arrow.meta)).toMatchObject({ linkType: 'questions', createdBy: ada, updatedBy: bea, updatedAt: 5000 })
      expect(labelOf(editor)).toBe('questions')
      expect(arrow.props).toMatchObject({ color: 'orange', dash: 'dashed' })
    }
  })

  test('setting the type it already has writes nothing', () => {
    const { editor, ownUpdates } = createClient()
    drawCards(editor)
    drawArrow(editor, { start: cardA, end: cardB })
    const before = ownUpdates.length
    expect(setLinkType(editor, arrowId, 'builds-on', ada, 1)).toBe(false)
    expect(ownUpdates.length).toBe(before)
  })

  test('the link stays bound, and keeps its type, when either card moves', () => {
    const { editor } = createClient()
    drawCards(editor)
    drawArrow(editor, { start: cardA, end: cardB })
    setLinkType(editor, arrowId, 'leads-to', ada, 1)
    editor.updateShape({ id: cardB, type: 'geo', x: 500, y: 400 })
    editor.updateShape({ id: cardA, type: 'geo', x: -300, y: 0 })
    const { start, end } = getArrowBindings(editor, arrowOf(editor))
    expect([start?.toId, end?.toId]).toEqual([cardA, cardB])
    expect(readLinkMeta(arrowOf(editor).meta)?.linkType).toBe('leads-to')
    // The arrow's drawn ends followed the cards.
    const arrowBounds = editor.getShapePageBounds(arrowId)!
    expect(arrowBounds.maxY).toBeGreaterThan(400)
    expect(arrowBounds.minX).toBeLessThan(0)
  })
})

describe('changes from other members', () => {
  test('a link made by another member is never rewritten here', () => {
    const a = createClient({ me: ada })
    const b = createClient({ me: bea })
    connect(a.doc, b.doc)
    drawCards(a.editor)
    const bWritesBefore = b.ownUpdates.length
    drawArrow(a.editor, { start: cardA, end: cardB })
    setLinkType(a.editor, arrowId, 'contrasts-with', ada, 2)
    a.editor.updateShape({ id: cardB, type: 'geo', x: 600, y: 300 })
    expect(readLinkMeta(arrowOf(b.editor).meta)).toMatchObject({ linkType: 'contrasts-with', createdBy: ada })
    expect(b.ownUpdates.length).toBe(bWritesBefore)
  })

  test('a plain arrow bound at both ends by another client is left as it is', () => {
    const plain = createClient({ withLinks: false })
    const b = createClient({ me: bea })
    connect(plain.doc, b.doc)
    drawCards(plain.editor)
    const bWritesBefore = b.ownUpdates.length
    drawArrow(plain.editor, { start: cardA, end: cardB })
    expect(getArrowBindings(b.editor, arrowOf(b.editor)).end?.toId).toBe(cardB)
    expect(readLinkMeta(arrowOf(b.editor).meta)).toBeNull()
    expect(b.ownUpdates.length).toBe(bWritesBefore)
  })
})

describe('observers', () => {
  test('an observer’s client registers nothing and writes nothing', () => {
    const member = createClient({ me: ada })
    const observer = createClient({ me: bea, canEdit: false })
    connect(member.doc, observer.doc)
    drawCards(member.editor)
    drawArrow(member.editor, { start: cardA, end: cardB })
    expect(labelOf(observer.editor)).toBe('builds on')
    expect(observer.ownUpdates).toEqual([])
  })
})
