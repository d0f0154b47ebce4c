/**
 * A connection racing a rotation or a deletion does not survive it, with the relay in-process
 * (tests/helpers/relayHarness.ts) so the race can be held open on purpose: the connection's token
 * is checked while the link is still current, its document load is held up, the link is rotated
 * (or the board deleted) meanwhile, and the load then completes. The connection must be closed
 * the moment it opens; a connection on another role's link, admitted the same way, stays open.
 */
import { afterEach, expect, test } from 'vitest'
import { CloseCode } from '../../shared/protocol/messages'
import { startRelayHarness, until, type RelayHarness } from '../helpers/relayHarness'
import type { StoredDocument } from '../../server/storage/storage'

let harness: RelayHarness | null = null
afterEach(async () => {
  await harness?.close()
  harness = null
})

/** Holds up loading `docName` until the returned release() is called. */
function holdLoading(h: RelayHarness, docName: string): { reached: () => boolean; release: () => void } {
  const original = h.storage.loadDocument.bind(h.storage)
  let reached = false
  let release!: () => void
  const gate = new Promise<void>((resolveGate) => (release = resolveGate))
  h.storage.loadDocument = async (name: string): Promise<StoredDocument> => {
    if (name === docName) {
      reached = true
      await gate
    }
    return original(name)
  }
  return { reached: () => reached, release }
}

test('a connection admitted just before its link is rotated is closed with 4403 as it opens; another role’s is not', async () => {
  harness = await startRelayHarness()
  const board = await harness.createBoard()
  const held = holdLoading(harness, board.id)
  const member = harness.connect(board.id, board.tokens.member)
  const observer = harness.connect(board.id, board.tokens.observer)
  await until(held.reached, 'the admission reached the document load')
  await harness.policy.rotateLink(board.id, 'member', null)
  held.release()
  await until(() => member.closed !== null || observer.synced, 'the connections open')
  await until(() => member.closed !== null, 'the raced member connection is closed')
  expect(member.closed).toEqual({ code: CloseCode.linkReplaced, reason: 'This link was replaced; ask the facilitator for the new one.' })
  await until(() => observer.synced, 'the observer syncs')
  expect(observer.closed).toBeNull()
})

test('a connection admitted just before its board is deleted is closed with 4410 and leaves no row behind', async () => {
  harness = await startRelayHarness()
  const board = await harness.createBoard()
  const held = holdLoading(harness, board.id)
  const member = harness.connect(board.id, board.tokens.member)
  await until(held.reached, 'the admission reached the document load')
  const deletion = harness.policy.deleteBoard(board.id)
  held.release()
  await deletion
  await until(() => member.closed !== null, 'the raced connection is closed')
  expect(member.closed?.code).toBe(CloseCode.boardDeleted)
  expect(await harness.storage.getBoard(board.id)).toBeNull()
  expect(await harness.storage.listDocumentNames(board.id)).toEqual([])
})
