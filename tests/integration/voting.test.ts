/**
 * Preference voting through the real server: ballots are held by the server, budgets enforced,
 * nothing visible before close, results published into the control document on close. Every
 * rule is tried by a member token as a modified client would.
 */
import { describe, expect, test } from 'vitest'
import { controlDocName } from '../../shared/board/docNames'
import { listVoteRounds } from '../../shared/board/voting'
import { useBoardServer } from '../helpers/boardServer'
import { waitFor, waitForSync } from '../helpers/boardClient'

const suite = useBoardServer()
const cards = [`card:${'a'.repeat(24)}`, `card:${'b'.repeat(24)}`, `card:${'c'.repeat(24)}`]

async function call(path: string, method: string, token: string, body?: unknown) {
  const response = await fetch(`${suite.server.url}/api/boards/${suite.board.id}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** A personal token, named through the server when `name` is given. */
async function person(linkToken: string, name?: string): Promise<string> {
  const token = (await call('/people', 'POST', linkToken)).body.personToken as string
  if (name) expect((await call('/people/me', 'PUT', token, { name, color: '#39B178', practice: '' })).status).toBe(200)
  return token
}

/** What a modified client might claim about who is voting: the server ignores it. */
const voter = (name: string) => ({ id: `user-${name}`, name, color: '#1971c2' })

describe('preference voting', () => {
  test('only facilitators open and close a round; members and observers are refused', async () => {
    expect((await call('/rounds', 'POST', suite.board.tokens.member, { cardIds: cards, budget: 3, anonymous: true })).status).toBe(403)
    expect((await call('/rounds', 'POST', suite.board.tokens.observer, { cardIds: cards, budget: 3, anonymous: true })).status).toBe(403)
    expect((await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: [], budget: 3, anonymous: true })).status).toBe(400)
    expect((await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: cards, budget: 99, anonymous: true })).status).toBe(400)
  })

  test('ballots stay with the server until close; budgets hold; results are ranked and named when the round is named', async () => {
    const control = suite.client(controlDocName(suite.board.id), suite.board.tokens.observer)
    await waitForSync(control)
    const opened = await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: cards, budget: 3, anonymous: false, title: 'What matters most?' })
    expect(opened.status).toBe(201)
    const roundId = opened.body.roundId as string
    await waitFor(() => listVoteRounds(control.doc).length === 1, 5000, 'round published')
    expect(listVoteRounds(control.doc)[0]).toMatchObject({ status: 'open', budget: 3, results: null, number: 1 })

    const ada = await person(suite.board.tokens.member, 'Ada')
    const bea = await person(suite.board.tokens.member, 'Bea')
    const observer = await person(suite.board.tokens.observer)
    // Without a personal token, and as an observer: refused.
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', suite.board.tokens.member, { dots: {}, voter: voter('X') })).status).toBe(403)
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', observer, { dots: { [cards[0]]: 1 }, voter: voter('O') })).status).toBe(403)
    // Over budget, a card outside the round, negative dots: refused.
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', ada, { dots: { [cards[0]]: 2, [cards[1]]: 2 }, voter: voter('Ada') })).status).toBe(400)
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', ada, { dots: { [`card:${'f'.repeat(24)}`]: 1 }, voter: voter('Ada') })).status).toBe(400)
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', ada, { dots: { [cards[0]]: -1 }, voter: voter('Ada') })).status).toBe(400)

    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', ada, { dots: { [cards[1]]: 2, [cards[2]]: 1 }, voter: voter('Ada') })).status).toBe(200)
    // Bea claims to be the facilitator: her ballot counts under her own name all the same.
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', bea, { dots: { [cards[1]]: 1 }, voter: voter('Facilitator Fiona') })).status).toBe(200)
    // Each person reads only their own ballot; nothing about counts is anywhere before close.
    expect((await call(`/rounds/${roundId}/ballot`, 'GET', bea)).body).toEqual({ dots: { [cards[1]]: 1 } })
    expect(listVoteRounds(control.doc)[0].results).toBeNull()
    expect(JSON.stringify(control.doc.toJSON())).not.toContain('Ada')
    expect(JSON.stringify(control.doc.toJSON())).not.toContain('Fiona')

    expect((await call(`/rounds/${roundId}/close`, 'POST', suite.board.tokens.member)).status).toBe(403)
    const closed = await call(`/rounds/${roundId}/close`, 'POST', suite.board.tokens.facilitator)
    expect(closed.status).toBe(200)
    await waitFor(() => listVoteRounds(control.doc)[0].status === 'closed', 5000, 'results published')
    const round = listVoteRounds(control.doc)[0]
    expect(round.voterCount).toBe(2)
    expect(round.results!.map((r) => [r.cardId, r.dots])).toEqual([
      [cards[1], 3],
      [cards[2], 1],
      [cards[0], 0],
    ])
    expect(round.results![0].voters!.map((v) => [v.name, v.dots]).sort()).toEqual([
      ['Ada', 2],
      ['Bea', 1],
    ])
    // Closed: no more votes.
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', ada, { dots: { [cards[0]]: 1 }, voter: voter('Ada') })).status).toBe(409)

    // A second, anonymous round on the same cards: results carry no names.
    const second = await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: cards, budget: 2, anonymous: true })
    const secondId = second.body.roundId as string
    await call(`/rounds/${secondId}/ballot`, 'PUT', ada, { dots: { [cards[0]]: 2 }, voter: voter('Ada') })
    await call(`/rounds/${secondId}/close`, 'POST', suite.board.tokens.facilitator)
    await waitFor(() => listVoteRounds(control.doc).length === 2 && listVoteRounds(control.doc)[1].status === 'closed', 5000, 'second round')
    const secondRound = listVoteRounds(control.doc)[1]
    expect(secondRound.number).toBe(2)
    expect(secondRound.results![0]).toEqual({ cardId: cards[0], dots: 2 })
    expect(JSON.stringify(secondRound)).not.toContain('Ada')
  })

  test('a ballot racing the close is either counted or refused with 409, never accepted and dropped', async () => {
    const voters = await Promise.all(Array.from({ length: 12 }, (_, i) => person(suite.board.tokens.member, `Voter ${i}`)))
    const opened = await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: cards, budget: 1, anonymous: true })
    const roundId = opened.body.roundId as string
    // Every ballot and the close are sent at once; the server decides each against the close.
    const ballots = voters.map((token) => call(`/rounds/${roundId}/ballot`, 'PUT', token, { dots: { [cards[2]]: 1 } }))
    const close = call(`/rounds/${roundId}/close`, 'POST', suite.board.tokens.facilitator)
    const answers = await Promise.all(ballots)
    const closed = await close
    expect(closed.status).toBe(200)
    for (const answer of answers) expect([200, 409]).toContain(answer.status)
    const accepted = answers.filter((answer) => answer.status === 200).length
    expect(closed.body.voterCount).toBe(accepted)
    const refused = answers.find((answer) => answer.status === 409)
    if (refused) expect(refused.body.error).toMatch(/closed/)
  })

  test('while a vote is open the control document shows how many voted against how many are present, never who', async () => {
    const control = suite.client(controlDocName(suite.board.id), suite.board.tokens.observer)
    await waitForSync(control)
    const cy = await person(suite.board.tokens.member, 'Cy')
    const dee = await person(suite.board.tokens.member, 'Dee')
    const cyOnBoard = suite.client(suite.board.id, cy)
    const deeOnBoard = suite.client(suite.board.id, dee)
    await Promise.all([waitForSync(cyOnBoard), waitForSync(deeOnBoard)])
    const opened = await call('/rounds', 'POST', suite.board.tokens.facilitator, { cardIds: cards, budget: 2, anonymous: false })
    const roundId = opened.body.roundId as string
    const round = () => listVoteRounds(control.doc).find((candidate) => candidate.roundId === roundId)
    await waitFor(() => round()?.present === 2 && round()?.voted === 0, 5000, 'present 2, voted 0')
    expect((await call(`/rounds/${roundId}/ballot`, 'PUT', cy, { dots: { [cards[0]]: 2 } })).status).toBe(200)
    await waitFor(() => round()?.voted === 1, 5000, 'voted 1')
    expect(round()!.present).toBe(2)
    expect(JSON.stringify(round())).not.toContain('Cy')
    deeOnBoard.destroy()
    await waitFor(() => round()?.present === 1, 5000, 'present 1 after Dee left')
  })
})

describe('personal tokens are bounded per address', () => {
  const limited = useBoardServer({ env: { PEOPLE_PER_ADDRESS_PER_HOUR: '3' } })

  test('one link cannot mint people without end: the fourth in an hour gets 429 with Retry-After', async () => {
    const mint = () =>
      fetch(`${limited.server.url}/api/boards/${limited.board.id}/people`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${limited.board.tokens.member}` },
      })
    for (let i = 0; i < 3; i++) expect((await mint()).status).toBe(201)
    const refused = await mint()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await refused.json()) as { error: string }).error).toMatch(/try again/)
  })
})
