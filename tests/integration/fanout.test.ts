/**
 * Several instances as one service, in-process: two relays share one storage (as two server
 * processes share one PostgreSQL) and hear each other through a real Redis of the test's own
 * (tests/helpers/privateRedis.ts), which the test stops and starts again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import pino from 'pino'
import { controlDocName } from '../../shared/board/docNames'
import { FACILITATION_MAP, setBoardLocked } from '../../shared/board/facilitation'
import { RedisFanout } from '../../server/scale/redisFanout'
import { startPrivateRedis, type PrivateRedis } from '../helpers/privateRedis'
import { startRelayHarness, until, type RelayHarness, type TestPeer } from '../helpers/relayHarness'

const log = pino({ level: process.env.HARNESS_LOG ?? 'silent' })
let redis: PrivateRedis
let a: RelayHarness
let b: RelayHarness
const fanouts: RedisFanout[] = []

beforeAll(async () => {
  redis = await startPrivateRedis()
  const fanoutA = await RedisFanout.connect(redis.url, log)
  const fanoutB = await RedisFanout.connect(redis.url, log)
  fanouts.push(fanoutA, fanoutB)
  a = await startRelayHarness({ fanout: fanoutA })
  b = await startRelayHarness({ fanout: fanoutB, shareWith: a })
})

afterAll(async () => {
  await b?.close()
  await a?.close()
  for (const fanout of fanouts) await fanout.close()
  await redis?.stop()
})

const shapes = (peer: TestPeer) => peer.doc.getMap<unknown>('shapes')

describe('two instances act as one', () => {
  test('edits and presence cross instances both ways, and each edit is stored once', async () => {
    const board = await a.createBoard()
    const onA = a.connect(board.id, board.tokens.member)
    const onB = b.connect(board.id, board.tokens.member)
    await until(() => onA.synced && onB.synced, 'sync')
    shapes(onA).set('shape:from-a', { x: 1 })
    shapes(onB).set('shape:from-b', { x: 2 })
    await until(() => shapes(onB).has('shape:from-a') && shapes(onA).has('shape:from-b'), 'edits across instances')
    onA.awareness.setLocalStateField('presence', { cursor: { x: 5, y: 6 } })
    await until(
      () => (onB.awareness.getStates().get(onA.doc.clientID) as { presence?: { cursor?: { x: number } } } | undefined)?.presence?.cursor?.x === 5,
      'presence across instances',
    )
    const stored = await a.storage.loadDocument(board.id)
    expect(stored.updates).toHaveLength(2)
  })

  test('a board created through one opens through the other, and a lock set through one is enforced by the other', async () => {
    const board = await a.createBoard()
    const control = a.connect(controlDocName(board.id), board.tokens.facilitator)
    const facilitator = a.connect(board.id, board.tokens.facilitator)
    const member = b.connect(board.id, board.tokens.member)
    await until(() => control.synced && facilitator.synced && member.synced, 'sync')
    shapes(member).set('shape:before', { x: 0 })
    await until(() => shapes(facilitator).has('shape:before'), 'before the lock')
    setBoardLocked(control.doc, true)
    const readerOnB = b.connect(controlDocName(board.id), board.tokens.observer)
    await until(() => readerOnB.synced && readerOnB.doc.getMap(FACILITATION_MAP).get('locked') === true, 'the lock reaches the other instance')
    shapes(member).set('shape:while-locked', { x: 1 })
    await until(() => member.denials.length === 1, 'refused on the other instance')
    shapes(facilitator).set('shape:sentinel', { x: 2 })
    await until(() => shapes(member).has('shape:sentinel'), 'sentinel')
    expect(shapes(facilitator).has('shape:while-locked')).toBe(false)
    setBoardLocked(control.doc, false)
    await until(() => shapes(facilitator).has('shape:while-locked'), 'held change after unlock')
  })

  test('Redis goes away: each instance keeps serving its own; once it is back, members on both converge', async () => {
    const board = await a.createBoard()
    const onA = a.connect(board.id, board.tokens.member)
    const onB = b.connect(board.id, board.tokens.member)
    await until(() => onA.synced && onB.synced, 'sync')
    await redis.stop()
    await until(() => !fanouts[0].isConnected && !fanouts[1].isConnected, 'both instances notice')
    shapes(onA).set('shape:a-alone', { x: 1 })
    shapes(onB).set('shape:b-alone', { x: 2 })
    // Each instance still serves its own: a second member on A sees A's edit.
    const secondOnA = a.connect(board.id, board.tokens.observer)
    await until(() => secondOnA.synced && shapes(secondOnA).has('shape:a-alone'), 'served alone')
    expect(shapes(onA).has('shape:b-alone')).toBe(false)
    const back = performance.now()
    await redis.start()
    await until(() => shapes(onA).has('shape:b-alone') && shapes(onB).has('shape:a-alone'), 'converged after Redis came back', 20_000)
    console.log(`[fanout] members on two instances converged ${Math.round(performance.now() - back)} ms after Redis came back`)
    // And live traffic flows again.
    shapes(onB).set('shape:after', { x: 3 })
    await until(() => shapes(onA).has('shape:after'), 'live again')
  }, 30_000)
})
