// @vitest-environment jsdom
/**
 * Contributions without a browser: the textarea <-> Y.Text binding that lets two people type in
 * the same card, and the rule that every contribution shape has a card of its own (duplicate,
 * paste, cut and paste, remote changes), run on real tldraw Editors bound to Y.Docs in jsdom.
 */
import {
  Editor,
  createShapeId,
  createTLStore,
  defaultAddFontsFromNode,
  defaultBindingUtils,
  defaultShapeTools,
  defaultShapeUtils,
  defaultTools,
  tipTapDefaultExtensions,
  type TLShape,
  type TLShapeId,
} from 'tldraw'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../../client/board/yjsBinding'
import type { BoardContextValue } from '../../client/board/boardContext'
import { contributionShapeUtils, contributionsFeature } from '../../client/contributions'
import { useClaimKeys } from '../../client/contributions/anonymousCards'
import { addCard } from '../../client/contributions/cardCreation'
import { bindTextareaToText, transformPosition } from '../../client/contributions/cardText'
import { createCard, editCardText, getCardText, newCardId, readCard, type Person } from '../../shared/board/boardModel'
import { CONTRIBUTION_SHAPE_TYPE } from '../../shared/board/contributionShape'
import { testBoardContext } from './boardContextForTests'

const ada: Person = { id: 'user-ada', name: 'Ada', color: '#4465e9' }
const bea: Person = { id: 'user-bea', name: 'Bea', color: '#e03131' }

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  useClaimKeys.setState({ keys: {} })
  localStorage.clear()
})

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

interface Peer {
  doc: Y.Doc
  editor: Editor
  board: BoardContextValue
}

function createPeer(doc: Y.Doc, me: Person, role: 'member' | 'observer' = 'member'): Peer {
  const shapeUtils = [...defaultShapeUtils, ...contributionShapeUtils]
  const store = createTLStore({ shapeUtils, bindingUtils: defaultBindingUtils })
  const editor = new Editor({
    store,
    shapeUtils,
    bindingUtils: defaultBindingUtils,
    tools: [...defaultTools, ...defaultShapeTools],
    initialState: 'select',
    getContainer: () => document.body,
    options: { text: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } } },
  })
  const binding = bindStoreToDoc(store, doc, { readonly: role === 'observer' })
  const board = testBoardContext({ me, role, canvasDoc: doc })
  const unregister = contributionsFeature.register!(editor, board)
  cleanups.push(
    () => editor.dispose(),
    () => binding.dispose(),
    unregister,
    board.dispose,
  )
  return { doc, editor, board }
}

function contributionShapes(editor: Editor): Array<TLShape<'contribution'>> {
  return editor
    .getCurrentPageShapes()
    .filter((shape): shape is TLShape<'contribution'> => shape.type === CONTRIBUTION_SHAPE_TYPE)
    .sort((a, b) => a.x - b.x)
}

function placeCard(peer: Peer, text: string, author: Person = ada): { shapeId: TLShapeId; cardId: string } {
  const cardId = newCardId()
  const shapeId = createShapeId()
  createCard(peer.doc, { id: cardId, kind: 'experience', text, author, anonymous: false, now: 1000 })
  peer.editor.createShape({ id: shapeId, type: CONTRIBUTION_SHAPE_TYPE, x: 100, y: 100, props: { w: 240, h: 160, cardId } })
  return { shapeId, cardId }
}

describe('transformPosition moves a caret along with changes made by others', () => {
  test('text inserted before the caret pushes it right; after it, leaves it', () => {
    expect(transformPosition(5, [{ retain: 2 }, { insert: 'abc' }])).toBe(8)
    expect(transformPosition(5, [{ retain: 7 }, { insert: 'abc' }])).toBe(5)
  })

  test('text inserted exactly at the caret goes after it', () => {
    expect(transformPosition(5, [{ retain: 5 }, { insert: 'abc' }])).toBe(5)
  })

  test('deletions before the caret pull it left, deletions around it put it at their start', () => {
    expect(transformPosition(5, [{ delete: 2 }])).toBe(3)
    expect(transformPosition(5, [{ retain: 3 }, { delete: 4 }])).toBe(3)
    expect(transformPosition(5, [{ retain: 5 }, { delete: 4 }])).toBe(5)
  })
})

describe('a textarea bound to a card’s Y.Text', () => {
  function setUp() {
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    connectDocs(docA, docB)
    const cardId = newCardId()
    createCard(docA, { id: cardId, kind: 'idea', text: 'Pair new nurses', author: ada, anonymous: false, now: 1 })
    const textarea = document.createElement('textarea')
    document.body.append(textarea)
    const binding = bindTextareaToText(textarea, getCardText(docA, cardId)!, (next) => editCardText(docA, cardId, next, ada, 2))
    cleanups.push(
      () => binding.dispose(),
      () => textarea.remove(),
    )
    const type = (value: string) => {
      textarea.value = value
      textarea.dispatchEvent(new Event('input'))
    }
    return { docA, docB, cardId, textarea, type }
  }

  test('shows the card text and writes what the person types into the shared text', () => {
    const { docB, cardId, textarea, type } = setUp()
    expect(textarea.value).toBe('Pair new nurses')
    type('Pair new nurses with mentors')
    expect(readCard(docB, cardId)!.text).toBe('Pair new nurses with mentors')
  })

  test('another person’s edit appears in the textarea and the caret stays with the words around it', () => {
    const { docB, cardId, textarea } = setUp()
    textarea.focus()
    textarea.setSelectionRange(5, 5) // after "Pair "
    editCardText(docB, cardId, 'Always pair new nurses', bea, 3)
    expect(textarea.value).toBe('Always pair new nurses')
    expect(textarea.selectionStart).toBe(12)
    expect(readCard(docB, cardId)!.lastEditor).toEqual(bea)
  })

  test('two people typing in the same card at once both keep their words', () => {
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    const cardId = newCardId()
    createCard(docA, { id: cardId, kind: 'idea', text: 'Pair new nurses', author: ada, anonymous: false, now: 1 })
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA))
    const textarea = document.createElement('textarea')
    document.body.append(textarea)
    const binding = bindTextareaToText(textarea, getCardText(docA, cardId)!, (next) => editCardText(docA, cardId, next, ada, 2))
    cleanups.push(
      () => binding.dispose(),
      () => textarea.remove(),
    )
    // Offline from each other: Ada types at the end, Bea at the start.
    textarea.value = 'Pair new nurses with mentors'
    textarea.dispatchEvent(new Event('input'))
    editCardText(docB, cardId, 'Always pair new nurses', bea, 3)
    connectDocs(docA, docB)
    expect(textarea.value).toBe('Always pair new nurses with mentors')
    expect(readCard(docB, cardId)!.text).toBe('Always pair new nurses with mentors')
  })

  test('control characters the model refuses are dropped from the textarea too', () => {
    const { textarea, type } = setUp()
    type('Pair\u0007 new nurses')
    expect(textarea.value).toBe('Pair new nurses')
  })
})

describe('every contribution shape has a card of its own', () => {
  test('adding a card writes the card with its author and puts the new shape into text editing', () => {
    const peer = createPeer(new Y.Doc(), ada)
    const shapeId = addCard(peer.editor, peer.board, 'question')!
    const shape = peer.editor.getShape(shapeId) as TLShape<'contribution'>
    expect(readCard(peer.doc, shape.props.cardId)).toMatchObject({ kind: 'question', author: ada, anonymous: false, text: '' })
    expect(peer.editor.getEditingShapeId()).toBe(shapeId)
  })

  test('a duplicate gets an independent copy of the card, written by whoever duplicated it', () => {
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    connectDocs(docA, docB)
    const adaPeer = createPeer(docA, ada)
    const beaPeer = createPeer(docB, bea)
    const original = placeCard(adaPeer, 'A night shift where nobody knew the new pump')
    beaPeer.editor.duplicateShapes([original.shapeId], { x: 300, y: 0 })

    const [first, copy] = contributionShapes(beaPeer.editor)
    expect(first.props.cardId).toBe(original.cardId)
    expect(copy.props.cardId).not.toBe(original.cardId)
    expect(readCard(docA, copy.props.cardId)).toMatchObject({ kind: 'experience', text: 'A night shift where nobody knew the new pump', author: bea })
    // Ada's editor sees the same copy, and her side effect left the remote shape alone.
    expect(contributionShapes(adaPeer.editor).map((shape) => shape.props.cardId)).toEqual([original.cardId, copy.props.cardId])

    editCardText(docB, copy.props.cardId, 'Bea’s version', bea, 5)
    expect(readCard(docA, original.cardId)!.text).toBe('A night shift where nobody knew the new pump')
  })

  test('undoing a duplicate removes the copy and leaves the original card alone', () => {
    const peer = createPeer(new Y.Doc(), ada)
    const original = placeCard(peer, 'Handover at the bedside')
    peer.editor.markHistoryStoppingPoint('before duplicate')
    peer.editor.duplicateShapes([original.shapeId], { x: 300, y: 0 })
    expect(contributionShapes(peer.editor)).toHaveLength(2)
    peer.editor.undo()
    expect(contributionShapes(peer.editor).map((shape) => shape.props.cardId)).toEqual([original.cardId])
    peer.editor.redo()
    const [, copy] = contributionShapes(peer.editor)
    expect(copy.props.cardId).not.toBe(original.cardId)
  })

  test('copy and paste makes an independent card; cut and paste keeps the same card', () => {
    const peer = createPeer(new Y.Doc(), ada)
    const original = placeCard(peer, 'Checklists help')
    const content = peer.editor.getContentFromCurrentPage([original.shapeId])!
    peer.editor.putContentOntoCurrentPage(content, { point: { x: 600, y: 100 } })
    const cardIds = contributionShapes(peer.editor).map((shape) => shape.props.cardId)
    expect(new Set(cardIds).size).toBe(2)
    expect(readCard(peer.doc, cardIds[1])!.text).toBe('Checklists help')

    const cut = peer.editor.getContentFromCurrentPage([original.shapeId])!
    peer.editor.deleteShapes([original.shapeId])
    peer.editor.putContentOntoCurrentPage(cut, { point: { x: 1200, y: 100 } })
    expect(contributionShapes(peer.editor).map((shape) => shape.props.cardId)).toContain(original.cardId)
  })

  test('a shape pasted from another board, whose card is not here, gets a fresh card by the person who pasted it', () => {
    const elsewhere = createPeer(new Y.Doc(), bea)
    const there = placeCard(elsewhere, 'From another board', bea)
    const content = elsewhere.editor.getContentFromCurrentPage([there.shapeId])!
    const peer = createPeer(new Y.Doc(), ada)
    peer.editor.putContentOntoCurrentPage(content)
    const [pasted] = contributionShapes(peer.editor)
    expect(pasted.props.cardId).not.toBe(there.cardId)
    expect(readCard(peer.doc, pasted.props.cardId)).toMatchObject({ author: ada, text: '' })
  })

  test('the anonymous author of a card cannot edit it in place (their edits go through the server)', () => {
    const peer = createPeer(new Y.Doc(), ada)
    const cardId = newCardId()
    createCard(peer.doc, { id: cardId, kind: 'concern', text: 'We rush handovers', author: null, anonymous: true, now: 1 })
    const shapeId = createShapeId()
    peer.editor.createShape({ id: shapeId, type: CONTRIBUTION_SHAPE_TYPE, x: 0, y: 0, props: { w: 240, h: 160, cardId } })
    expect(peer.editor.canEditShape(peer.editor.getShape(shapeId)!)).toBe(true)
    useClaimKeys.getState().remember(cardId, 'a-claim-key-long-enough-to-pass')
    expect(peer.editor.canEditShape(peer.editor.getShape(shapeId)!)).toBe(false)
  })

  test('keys 1–6 add a card of the matching kind; observers get none', () => {
    const member = createPeer(new Y.Doc(), ada)
    member.editor.updateInstanceState({ isFocused: true })
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true }))
    const [shape] = contributionShapes(member.editor)
    expect(readCard(member.doc, shape.props.cardId)!.kind).toBe('concern')
    member.editor.setEditingShape(null)
    for (const cleanup of cleanups.splice(0).reverse()) cleanup()

    const observer = createPeer(new Y.Doc(), bea, 'observer')
    observer.editor.updateInstanceState({ isFocused: true })
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true }))
    expect(contributionShapes(observer.editor)).toHaveLength(0)
  })
})
