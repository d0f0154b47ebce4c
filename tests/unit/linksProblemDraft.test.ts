/**
 * The facilitator's draft of the title and problem (client/board/useBoardText.ts): nothing
 * reaches the control document until saved, and a save merges with what others changed meanwhile.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { startBoardTextDraft } from '../../client/board/useBoardText'
import { BOARD_MAP, BOARD_PROBLEM_KEY, BOARD_TITLE_KEY } from '../../shared/board/docLayout'

function controlDoc(title: string, problem: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getMap(BOARD_MAP).set(BOARD_TITLE_KEY, new Y.Text(title))
  doc.getMap(BOARD_MAP).set(BOARD_PROBLEM_KEY, new Y.Text(problem))
  return doc
}

const text = (doc: Y.Doc, key: string) => (doc.getMap(BOARD_MAP).get(key) as Y.Text).toString()

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

describe('a facilitator’s draft of the problem', () => {
  test('nothing reaches the document until it is saved; a draft never saved leaves no trace', () => {
    const doc = controlDoc('Handovers', 'Handovers lose information.')
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    const draft = startBoardTextDraft(doc)
    draft.write(BOARD_TITLE_KEY, 'Safer handovers')
    draft.write(BOARD_PROBLEM_KEY, 'Handovers lose information at night.')
    expect(draft.read(BOARD_TITLE_KEY)).toBe('Safer handovers')
    expect(updates).toEqual([])
    expect(text(doc, BOARD_TITLE_KEY)).toBe('Handovers')
    draft.save()
    expect(text(doc, BOARD_TITLE_KEY)).toBe('Safer handovers')
    expect(text(doc, BOARD_PROBLEM_KEY)).toBe('Handovers lose information at night.')
  })

  test('two facilitators editing different parts at once both keep their work', () => {
    const mine = controlDoc('Handovers', 'Handovers lose information.')
    const theirs = new Y.Doc()
    sync(mine, theirs)
    const draft = startBoardTextDraft(mine)
    // While I draft, the other facilitator's edit arrives.
    const theirProblem = theirs.getMap(BOARD_MAP).get(BOARD_PROBLEM_KEY) as Y.Text
    theirProblem.insert(theirProblem.length, ' Especially at night.')
    sync(mine, theirs)
    draft.write(BOARD_PROBLEM_KEY, 'Shift handovers lose information.')
    draft.save()
    sync(mine, theirs)
    for (const doc of [mine, theirs]) {
      expect(text(doc, BOARD_PROBLEM_KEY)).toBe('Shift handovers lose information. Especially at night.')
    }
  })

  test('a draft can be saved again after more writing, sending only what is new', () => {
    const doc = controlDoc('Handovers', '')
    const draft = startBoardTextDraft(doc)
    draft.write(BOARD_PROBLEM_KEY, 'First')
    draft.save()
    draft.write(BOARD_PROBLEM_KEY, 'First, then second')
    draft.save()
    expect(text(doc, BOARD_PROBLEM_KEY)).toBe('First, then second')
  })
})
