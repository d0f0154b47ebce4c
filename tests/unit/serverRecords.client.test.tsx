// @vitest-environment jsdom
/**
 * The server checks its records with the client's own definitions: the `contribution` props it
 * validates with are the very object the client's ContributionShapeUtil registers, its schema is
 * the one the client's store is built with (same tldraw packages, same versions), and a card the
 * client creates — through the real editor and the real Yjs binding — passes the server's check
 * and is exactly what the server builds for the same card; and what a reveal writes, the client's
 * binding loads without refusing a record.
 */
import { Editor, createTLStore, defaultBindingUtils, defaultShapeUtils, type TLShapeId } from 'tldraw'
import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../../client/board/yjsBinding'
import { contributionShapeUtils } from '../../client/contributions'
import { addCard } from '../../client/contributions/cardCreation'
import { ContributionShapeUtil } from '../../client/contributions/ContributionShapeUtil'
import { CONTRIBUTION_SHAPE_TYPE, contributionShapeProps, contributionShapeRecord } from '../../shared/board/contributionShape'
import { TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import { checkServerRecord, serverSchema, serverShapeSchemas } from '../../server/board/serverRecords'
import { planReveal, writePlannedCards, type DraftToReveal } from '../../server/board/revealPlan'
import { testBoardContext } from './boardContextForTests'

const ada = { id: 'user-ada', name: 'Ada', color: '#4465e9' }
const shapeUtils = [...defaultShapeUtils, ...contributionShapeUtils]

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

/** A board as the client opens it (client/board/boardConnection.ts): store, binding, editor. */
function clientBoard() {
  const doc = new Y.Doc()
  const store = createTLStore({ shapeUtils })
  const binding = bindStoreToDoc(store, doc, { readonly: false })
  const editor = new Editor({ store, shapeUtils, bindingUtils: defaultBindingUtils, tools: [], getContainer: () => document.body })
  const board = testBoardContext({ me: ada, canvasDoc: doc })
  cleanups.push(() => {
    binding.dispose()
    editor.dispose()
    board.dispose()
  })
  return { doc, store, editor, board }
}

describe('the server validates with the client’s definitions', () => {
  test('the server schema’s contribution props are the very object the client’s ShapeUtil registers', () => {
    expect(ContributionShapeUtil.props).toBe(contributionShapeProps)
    expect(serverShapeSchemas[CONTRIBUTION_SHAPE_TYPE].props).toBe(ContributionShapeUtil.props)
  })

  test('the server schema is the client store’s: same record types from the same tldraw packages, same versions', () => {
    const { store } = clientBoard()
    expect(serverSchema.serialize()).toEqual(store.schema.serialize())
    expect(Object.keys(serverSchema.types).sort()).toEqual(Object.keys(store.schema.types).sort())
    expect(Object.getPrototypeOf(serverSchema)).toBe(Object.getPrototypeOf(store.schema))
    expect(Object.getPrototypeOf(serverSchema.types.shape)).toBe(Object.getPrototypeOf(store.schema.types.shape))
  })

  test('a card the client creates passes the server’s check and is what the server builds for it', () => {
    const { doc, store, editor, board } = clientBoard()
    const shapeId = addCard(editor, board, 'question') as TLShapeId
    expect(shapeId).not.toBeNull()
    store._flushHistory()
    const written = doc.getMap<ReturnType<typeof contributionShapeRecord>>(TLDRAW_RECORDS_MAP).get(shapeId)!
    expect(written.type).toBe(CONTRIBUTION_SHAPE_TYPE)
    expect(checkServerRecord(doc, written)).toEqual({ ok: true, record: written })
    const { id, parentId, index, x, y } = written
    expect(contributionShapeRecord({ id, parentId, index, x, y, ...written.props })).toEqual(written)
  })

  test('what a reveal writes, the client’s binding loads: every revealed card reaches the store, none is refused', () => {
    const doc = new Y.Doc()
    const draft = (id: string, anonymous: boolean): DraftToReveal => ({
      docName: 'board.drafts.person',
      draft: {
        id,
        roundId: 'r',
        kind: 'idea',
        text: id,
        anonymous,
        author: ada,
        createdAt: 1,
        parentId: 'page:page',
        x: 0,
        y: 0,
        w: 240,
        h: 160,
        revealedCardId: null,
        revealedAt: null,
      },
    })
    const plan = planReveal(doc, { groups: [[draft('named', false), draft('named too', false)]], anonymous: [draft('secret', true)] })
    writePlannedCards(doc, plan.named, Date.now())
    writePlannedCards(doc, plan.anonymous, Date.now())
    const store = createTLStore({ shapeUtils })
    const refused: Error[] = []
    const binding = bindStoreToDoc(store, doc, { readonly: true, onError: (error) => refused.push(error) })
    cleanups.push(() => binding.dispose())
    expect(refused).toEqual([])
    const shapeIds = [...plan.named, ...plan.anonymous].map((card) => card.shape!.id)
    expect(shapeIds).toHaveLength(3)
    for (const id of shapeIds) expect(store.get(id as TLShapeId)).toMatchObject({ type: CONTRIBUTION_SHAPE_TYPE, parentId: 'page:page' })
  })
})
