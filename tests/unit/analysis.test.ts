/**
 * The map analyses on known graphs: centrality ranking by links and by reach along "leads to",
 * loops (elementary cycles, bounded on a hostile board), clusters (Louvain on obvious graphs),
 * unanswered contributions, reciprocity, "how my understanding moved", and reading the map from a
 * board's documents (only linked contribution shapes count; hostile records are skipped).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { leadsToGraph, rankByLinks, reachAlongLeadsTo } from '../../shared/analysis/centrality'
import { findClusters } from '../../shared/analysis/clusters'
import { findLoops } from '../../shared/analysis/loops'
import { analyseMap } from '../../shared/analysis/mapAnalysis'
import { readMapInput, type MapCard, type MapInput, type MapLink } from '../../shared/analysis/mapInput'
import { membersRespondingToAtLeast, reciprocity, unansweredCards } from '../../shared/analysis/responses'
import { understandingOf, wordDiff } from '../../shared/analysis/understanding'
import { addReply, createCard, toggleReaction, type Person } from '../../shared/board/boardModel'
import { contributionShapeRecord } from '../../shared/board/contributionShape'
import { recordRevealedTexts } from '../../shared/board/revealedTexts'
import { MEMBERS_MAP, TLDRAW_RECORDS_MAP } from '../../shared/board/docLayout'
import type { LinkType } from '../../shared/board/vocabulary'

const ada: Person = { id: 'p-ada', name: 'Ada', color: '#e03131' }
const bea: Person = { id: 'p-bea', name: 'Bea', color: '#1971c2' }
const chen: Person = { id: 'p-chen', name: 'Chen', color: '#2f9e44' }

function card(id: string, authorId: string | null = null, extra: Partial<MapCard> = {}): MapCard {
  return {
    id,
    shapeId: `shape:${id}`,
    kind: 'understanding',
    text: `Card ${id}`,
    authorId,
    authorName: authorId ? authorId.replace('p-', '') : null,
    createdAt: Number(id.replace(/\D/g, '')) || 0,
    revealedText: null,
    revealedAt: null,
    ...extra,
  }
}

function link(from: string, to: string, type: LinkType = 'leads-to', by: string | null = null, id = `shape:${from}-${to}-${type}`): MapLink {
  return { id, type, from, to, createdById: by, createdByName: by, createdAt: 0 }
}

function graph(cardIds: string[], links: MapLink[], extra: Partial<MapInput> = {}): MapInput {
  return { cards: cardIds.map((id) => card(id)), links, replies: [], reactions: [], members: [], ...extra }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`)

describe('centrality', () => {
  it('ranks contributions by links in and out, ties oldest first, unlinked cards left out', () => {
    const input = graph(ids(5), [link('c1', 'c2', 'builds-on'), link('c3', 'c2', 'questions'), link('c4', 'c2'), link('c2', 'c1'), link('c3', 'c4')])
    expect(rankByLinks(input)).toEqual([
      { cardId: 'c2', linksIn: 3, linksOut: 1 },
      { cardId: 'c1', linksIn: 1, linksOut: 1 },
      { cardId: 'c3', linksIn: 0, linksOut: 2 },
      { cardId: 'c4', linksIn: 1, linksOut: 1 },
    ])
  })

  it('reach follows "leads to" chains only, counting each card once, through loops too', () => {
    // c1 -> c2 -> c3 -> c4, c2 -> c4 (a shortcut), c4 -> c2 (a loop), c1 builds-on c5 (not a chain)
    const input = graph(ids(5), [link('c1', 'c2'), link('c2', 'c3'), link('c3', 'c4'), link('c2', 'c4'), link('c4', 'c2'), link('c1', 'c5', 'builds-on')])
    const reach = reachAlongLeadsTo(input)
    expect(reach.map((entry) => [entry.cardId, entry.reached.length])).toEqual([
      ['c1', 3],
      ['c2', 2],
      ['c3', 2],
      ['c4', 2],
    ])
    expect(reach[0].reached).toEqual(['c2', 'c3', 'c4'])
    expect(analyseMap(input).reach[0].sentence).toBe('“Card c1” leads to 3 other contributions through chains of “leads to”.')
  })
})

describe('loops', () => {
  it('finds every elementary cycle of "leads to" links once, starting at its oldest card', () => {
    // Two loops sharing c2: c1 -> c2 -> c3 -> c1 and c2 -> c4 -> c2; c4 -> c5 -> c1 closes no loop (builds on).
    const input = graph(ids(5), [
      link('c1', 'c2'),
      link('c2', 'c3'),
      link('c3', 'c1'),
      link('c2', 'c4'),
      link('c4', 'c2'),
      link('c4', 'c5'),
      link('c5', 'c1', 'builds-on'),
    ])
    const search = findLoops(leadsToGraph(input))
    expect(search.complete).toBe(true)
    expect(search.counted).toBe(2)
    expect(search.loops).toEqual([
      ['c2', 'c4'],
      ['c1', 'c2', 'c3'],
    ])
  })

  it('counts the cycles of a complete graph exactly (K4 has 20)', () => {
    const nodes = ids(4)
    const links = nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => link(a, b)))
    const search = findLoops(leadsToGraph(graph(nodes, links)))
    // 6 two-cycles, 8 three-cycles, 6 four-cycles.
    expect(search.counted).toBe(20)
    expect(search.complete).toBe(true)
    expect(new Set(search.loops.map((loop) => loop.join())).size).toBe(20)
  })

  it('has no loops on a chain or a tree, and none from other link types', () => {
    const input = graph(ids(4), [link('c1', 'c2'), link('c2', 'c3'), link('c3', 'c4'), link('c4', 'c1', 'contrasts-with')])
    expect(findLoops(leadsToGraph(input))).toEqual({ loops: [], counted: 0, complete: true })
  })

  it('stops at its caps on a hostile board and says the count is incomplete, quickly', () => {
    // A complete graph of 14 cards has billions of loops.
    const nodes = ids(14)
    const links = nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => link(a, b)))
    const started = performance.now()
    const search = findLoops(leadsToGraph(graph(nodes, links)), { listCap: 5, countCap: 300, stepBudget: 1_000_000 })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(search.complete).toBe(false)
    expect(search.counted).toBe(300)
    expect(search.loops).toHaveLength(5)
    const budgeted = findLoops(leadsToGraph(graph(nodes, links)), { listCap: 5, countCap: 1e9, stepBudget: 10_000 })
    expect(budgeted.complete).toBe(false)
    expect(budgeted.counted).toBeGreaterThan(0)
  })

  it('walks a loop of 5,000 cards without overflowing the stack', () => {
    const nodes = ids(5000)
    const links = nodes.map((a, i) => link(a, nodes[(i + 1) % nodes.length]))
    const search = findLoops(leadsToGraph(graph(nodes, links)), { listCap: 5, countCap: 10, stepBudget: 20_000_000 })
    expect(search).toMatchObject({ counted: 1, complete: true })
    expect(search.loops[0]).toHaveLength(5000)
  })
})

describe('clusters', () => {
  it('splits two triangles joined by one link into the two triangles', () => {
    const input = graph(ids(6), [
      link('c1', 'c2', 'builds-on'),
      link('c2', 'c3', 'questions'),
      link('c3', 'c1'),
      link('c4', 'c5'),
      link('c5', 'c6', 'example-of'),
      link('c6', 'c4'),
      link('c3', 'c4'),
    ])
    const clusters = findClusters(input)
    expect(clusters.map((cluster) => cluster.cardIds)).toEqual([
      ['c1', 'c2', 'c3'],
      ['c4', 'c5', 'c6'],
    ])
    expect(clusters[0]).toMatchObject({ innerLinks: 3, density: 1 })
  })

  it('finds three dense groups of five among loosely joined cards, and no cluster for unlinked or paired cards', () => {
    const groups = [ids(5), ['c6', 'c7', 'c8', 'c9', 'c10'], ['c11', 'c12', 'c13', 'c14', 'c15']]
    const links = groups.flatMap((group) => group.flatMap((a, i) => group.slice(i + 1).map((b) => link(a, b, 'builds-on'))))
    links.push(link('c5', 'c6'), link('c10', 'c11'), link('c16', 'c17'))
    const clusters = findClusters(graph(ids(18), links))
    expect(clusters.map((cluster) => cluster.cardIds)).toEqual(groups)
  })

  it('gives the same clusters every time', () => {
    const nodes = ids(60)
    const links = nodes.map((a, i) => link(a, nodes[(i * 7 + 3) % 60], 'builds-on')).concat(nodes.map((a, i) => link(a, nodes[(i + 1) % 60])))
    const first = findClusters(graph(nodes, links))
    expect(findClusters(graph(nodes, links))).toEqual(first)
    expect(first.length).toBeGreaterThan(1)
  })
})

describe('responses', () => {
  const input: MapInput = {
    cards: [card('c1', 'p-ada'), card('c2', 'p-bea'), card('c3', 'p-chen'), card('c4', null, { authorName: null }), card('c5', 'p-ada'), card('c6', 'p-dara')],
    links: [link('c2', 'c1', 'builds-on', 'p-bea'), link('c1', 'c5', 'leads-to', 'p-ada'), link('c6', 'c4', 'questions', 'p-ada')],
    replies: [
      { id: 'r1', cardId: 'c2', authorId: 'p-ada', authorName: 'Ada', text: 'Yes', createdAt: 1 },
      { id: 'r2', cardId: 'c3', authorId: 'p-chen', authorName: 'Chen', text: 'My own', createdAt: 2 },
    ],
    reactions: [
      { cardId: 'c3', giverId: 'p-chen' },
      { cardId: 'c1', giverId: 'p-chen' },
    ],
    members: [
      { id: 'p-ada', name: 'Ada', color: '' },
      { id: 'p-bea', name: 'Bea', color: '' },
      { id: 'p-chen', name: 'Chen', color: '' },
      { id: 'p-dara', name: 'Dara', color: '' },
      { id: 'p-eve', name: 'Eve', color: '' },
    ],
  }

  it('unanswered: no reply, incoming link or reaction from anyone but the author (own links and replies do not count)', () => {
    // c1: Bea linked to it; c2: Ada replied; c3: only Chen himself; c4 (anonymous): Ada linked to it;
    // c5: only Ada's own link; c6: nothing.
    expect(unansweredCards(input)).toEqual(['c3', 'c5', 'c6'])
  })

  it('reciprocity: who responded to whom, anonymous cards nobody’s, members who never took part left out', () => {
    const table = reciprocity(input)
    expect(table.members.map((member) => member.name)).toEqual(['Ada', 'Bea', 'Chen', 'Dara'])
    expect(table.matrix).toEqual([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
    ])
    expect(table.mutualPairs).toBe(1)
    expect(table.pairs).toBe(6)
    expect(membersRespondingToAtLeast(table, 1)).toBe(3)
    expect(membersRespondingToAtLeast(table, 2)).toBe(0)
    expect(table.cardsRespondedTo.get('p-ada')).toEqual(['c2'])
    const { reciprocity: summary } = analyseMap(input)
    expect(summary.summary).toBe('0 of 4 members responded to at least 2 others.')
    expect(summary.detail).toBe('1 pair of 6 responded to each other.')
  })

  it('a group that responds all round reads as such', () => {
    const people = ['p-a', 'p-b', 'p-c']
    const all: MapInput = {
      cards: people.map((p, i) => card(`c${i + 1}`, p)),
      links: [],
      replies: people.flatMap((p, i) =>
        people
          .filter((q) => q !== p)
          .map((q, j) => ({ id: `r${i}${j}`, cardId: `c${people.indexOf(q) + 1}`, authorId: p, authorName: p, text: '', createdAt: 0 })),
      ),
      reactions: [],
      members: [],
    }
    expect(analyseMap(all).reciprocity.summary).toBe('3 of 3 members responded to at least 2 others.')
    expect(reciprocity(all).mutualPairs).toBe(3)
  })
})

describe('how my understanding moved', () => {
  it('diffs a card’s text at reveal against now, word by word', () => {
    expect(wordDiff('Staff leave because of nights', 'Staff leave because of rotas and nights')).toEqual([
      { text: 'Staff leave because of ', change: 'same' },
      { text: 'rotas and ', change: 'added' },
      { text: 'nights', change: 'same' },
    ])
    expect(wordDiff('same', 'same')).toEqual([{ text: 'same', change: 'same' }])
  })

  it('lists a member’s named cards with their diff, links by others and replies by others; never anonymous cards', () => {
    const input: MapInput = {
      cards: [
        card('c1', 'p-ada', { text: 'Nights are hard', revealedText: 'Nights are hard for new staff' }),
        card('c2', 'p-ada'),
        card('c3', null, { text: 'Anonymous by Ada' }),
        card('c4', 'p-bea'),
      ],
      links: [link('c4', 'c1', 'questions', 'p-bea'), link('c1', 'c2', 'leads-to', 'p-ada'), link('c3', 'c1', 'builds-on', 'p-chen')],
      replies: [
        { id: 'r1', cardId: 'c1', authorId: 'p-bea', authorName: 'Bea', text: 'Why?', createdAt: 5 },
        { id: 'r2', cardId: 'c1', authorId: 'p-ada', authorName: 'Ada', text: 'Because', createdAt: 6 },
        { id: 'r3', cardId: 'c3', authorId: 'p-bea', authorName: 'Bea', text: 'On the anonymous one', createdAt: 7 },
      ],
      reactions: [],
      members: [],
    }
    const moved = understandingOf(input, 'p-ada')
    expect(moved.cards.map((entry) => entry.card.id)).toEqual(['c1', 'c2'])
    expect(moved.revealedCount).toBe(1)
    expect(moved.changedCount).toBe(1)
    expect(moved.cards[0].diff).toEqual([
      { text: 'Nights are hard', change: 'same' },
      { text: ' for new staff', change: 'removed' },
    ])
    expect(moved.cards[0].linksByOthers.map((l) => l.createdById)).toEqual(['p-bea', 'p-chen'])
    expect(moved.cards[0].repliesByOthers.map((r) => r.id)).toEqual(['r1'])
    expect(moved.cards[1]).toMatchObject({ diff: null, linksByOthers: [], repliesByOthers: [] })
  })
})

describe('reading the map from a board’s documents', () => {
  function shape(doc: Y.Doc, shapeId: string, cardId: string) {
    doc
      .getMap(TLDRAW_RECORDS_MAP)
      .set(shapeId, contributionShapeRecord({ id: shapeId, parentId: 'page:page', index: 'a1', x: 0, y: 0, w: 240, h: 160, cardId }))
  }
  function arrow(doc: Y.Doc, id: string, from: string, to: string, meta: unknown) {
    const records = doc.getMap(TLDRAW_RECORDS_MAP)
    records.set(id, { id, typeName: 'shape', type: 'arrow', props: {}, meta })
    for (const [terminal, toId] of [
      ['start', from],
      ['end', to],
    ])
      records.set(`binding:${id}-${terminal}`, { id: `binding:${id}-${terminal}`, typeName: 'binding', type: 'arrow', fromId: id, toId, props: { terminal } })
  }

  it('counts cards shown by contribution shapes and links bound to two of them, and skips hostile records', () => {
    const canvas = new Y.Doc()
    const conversation = new Y.Doc()
    const people = new Y.Doc()
    for (const [id, author, anonymous] of [
      ['card:a', ada, false],
      ['card:b', bea, false],
      ['card:c', chen, true],
      ['card:gone', ada, false],
    ] as const) {
      createCard(canvas, { id, kind: 'idea', text: `Text of ${id}`, author, anonymous, now: 1 })
    }
    // Only the server's record in the people document counts; a card's own revealedText is anyone's to forge.
    recordRevealedTexts(people, [{ cardId: 'card:a', text: 'Text at reveal' }], 1)
    ;(canvas.getMap('cards').get('card:a') as Y.Map<unknown>).set('revealedText', 'Forged at reveal')
    ;(canvas.getMap('cards').get('card:b') as Y.Map<unknown>).set('revealedText', 'Forged too')
    shape(canvas, 'shape:a', 'card:a')
    shape(canvas, 'shape:b', 'card:b')
    shape(canvas, 'shape:c', 'card:c')
    const meta = { linkType: 'leads-to', createdBy: bea, updatedBy: bea, createdAt: 2, updatedAt: 2 }
    arrow(canvas, 'shape:l1', 'shape:a', 'shape:b', meta)
    arrow(canvas, 'shape:l2', 'shape:b', 'shape:c', { ...meta, linkType: 'questions' })
    arrow(canvas, 'shape:plain', 'shape:a', 'shape:c', {})
    arrow(canvas, 'shape:self', 'shape:a', 'shape:a', meta)
    arrow(canvas, 'shape:dangling', 'shape:a', 'shape:nowhere', meta)
    const records = canvas.getMap(TLDRAW_RECORDS_MAP)
    records.set('shape:junk', 'not a record')
    records.set('shape:liar', { id: 'shape:other', typeName: 'shape', type: 'contribution', props: { cardId: 'card:gone' } })
    records.set('binding:junk', { typeName: 'binding', type: 'arrow', fromId: 'shape:l1', toId: 'shape:c', props: { terminal: 'middle' } })
    addReply(conversation, 'card:a', { author: bea, text: 'Tell me more', now: 3 })
    addReply(conversation, 'card:gone', { author: bea, text: 'On a deleted card', now: 3 })
    toggleReaction(conversation, 'card:b', 'resonates', ada, 4)
    toggleReaction(conversation, 'card:b', 'tell-more', ada, 4)
    people.getMap(MEMBERS_MAP).set(ada.id, { ...ada, practice: '', firstSeenAt: 1, lastSeenAt: 1 })

    const input = readMapInput({ canvas, conversation, people })
    expect(input.cards.map((c) => [c.id, c.authorId, c.revealedText])).toEqual([
      ['card:a', 'p-ada', 'Text at reveal'],
      ['card:b', 'p-bea', null],
      ['card:c', null, null],
    ])
    expect(input.links.map((l) => [l.id, l.type, l.from, l.to, l.createdById])).toEqual([
      ['shape:l1', 'leads-to', 'card:a', 'card:b', 'p-bea'],
      ['shape:l2', 'questions', 'card:b', 'card:c', 'p-bea'],
    ])
    expect(input.replies.map((r) => r.cardId)).toEqual(['card:a'])
    expect(input.reactions).toEqual([{ cardId: 'card:b', giverId: 'p-ada' }])
    expect(input.members.map((m) => m.id)).toEqual(['p-ada'])
  })
})
