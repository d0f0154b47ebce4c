/**
 * A board file holding one of every kind of thing a board file carries — named and anonymous
 * cards in a frame and outside, a typed link with its bindings, an open and a resolved thread with
 * an edited and a deleted reply, reactions, a tour, a session plan, a closed named round and a
 * later one, members — built from the causal-map template's records so that tldraw accepts every
 * record. Round-trip and hostile-import tests start from it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BoardFile } from '../../shared/exchange/boardFile'

const ADA = { id: 'person-ada', name: 'Ada', color: '#e03131' }
const BEA = { id: 'person-bea', name: 'Bea', color: '#1971c2' }

export function richBoardFile(): BoardFile {
  const template = JSON.parse(readFileSync(join(import.meta.dirname, '../../server/boards/templates/causal-map.json'), 'utf8')) as BoardFile
  const [first, second, third, fourth] = template.canvas.cards
  const link = template.canvas.records.find((record) => record.type === 'arrow')!
  const file: BoardFile = {
    ...template,
    exportedAt: 1_700_000_100_000,
    board: { title: 'Why do <b>handovers</b> fail?', problem: 'Handovers lose information.\nWe want to know why.' },
    canvas: {
      ...template.canvas,
      cards: [
        {
          ...first,
          text: 'Nobody owns the list <script>alert(1)</script>',
          author: ADA,
          createdAt: 1_700_000_000_000,
          updatedAt: 1_700_000_050_000,
          lastEditor: BEA,
        },
        { ...second, text: 'Shifts overlap by 5 minutes only', author: null, anonymous: true, createdAt: 1_700_000_001_000, updatedAt: 1_700_000_001_000 },
        { ...third, kind: 'synthesis', text: 'Handovers need an owner', author: BEA, createdAt: 1_700_000_002_000, updatedAt: 1_700_000_002_000 },
        { ...fourth, text: '=cmd|"/c calc"!A1, a formula', author: ADA, createdAt: 1_700_000_003_000, updatedAt: 1_700_000_003_000 },
      ],
    },
    session: {
      phases: [
        { id: 'phase-1', name: 'Think alone', instructions: 'Write what you see.', durationMs: 300_000, memberActions: ['add-cards'] },
        { id: 'phase-2', name: 'Share', instructions: '', durationMs: 0 },
      ],
      currentPhaseId: 'phase-2',
      locked: true,
    },
    conversation: {
      threads: [
        {
          anchorId: first.id,
          status: 'open',
          statusBy: null,
          statusAt: 0,
          replies: [
            { id: 'reply:1', author: BEA, text: 'Who would own it?', createdAt: 1_700_000_010_000, editedAt: 1_700_000_011_000, deleted: false },
            { id: 'reply:2', author: ADA, text: '', createdAt: 1_700_000_012_000, editedAt: 1_700_000_013_000, deleted: true },
          ],
        },
        {
          anchorId: link.id,
          status: 'resolved',
          statusBy: ADA,
          statusAt: 1_700_000_020_000,
          replies: [{ id: 'reply:3', author: ADA, text: 'Agreed.', createdAt: 1_700_000_019_000, editedAt: null, deleted: false }],
        },
      ],
      reactions: [
        { cardId: first.id, reaction: 'resonates', by: BEA, at: 1_700_000_030_000 },
        { cardId: second.id, reaction: 'tell-more', by: ADA, at: 1_700_000_031_000 },
      ],
      tours: [
        {
          id: 'tour:1',
          title: 'How I see it',
          author: ADA,
          createdAt: 1_700_000_040_000,
          published: true,
          stops: [
            {
              id: 'stop:1',
              note: 'Start here',
              x: 0,
              y: 0,
              w: 1280,
              h: 800,
              pageId: 'page:page',
              shapeIds: [template.canvas.records.find((r) => r.type === 'contribution')!.id],
            },
          ],
        },
      ],
    },
    rounds: [
      {
        roundId: 'round-1',
        number: 1,
        title: 'What matters most?',
        cardIds: [first.id, third.id],
        budget: 3,
        anonymous: false,
        status: 'closed',
        openedAt: 1_700_000_050_000,
        closedAt: 1_700_000_060_000,
        results: [
          {
            cardId: third.id,
            dots: 4,
            voters: [
              { ...ADA, dots: 2 },
              { ...BEA, dots: 2 },
            ],
          },
          {
            cardId: first.id,
            dots: 2,
            voters: [
              { ...ADA, dots: 1 },
              { ...BEA, dots: 1 },
            ],
          },
        ],
        voterCount: 2,
      },
      {
        roundId: 'round-2',
        number: 2,
        title: 'Again',
        cardIds: [first.id, third.id],
        budget: 3,
        anonymous: true,
        status: 'closed',
        openedAt: 1_700_000_070_000,
        closedAt: 1_700_000_080_000,
        results: [
          { cardId: first.id, dots: 5 },
          { cardId: third.id, dots: 1 },
        ],
        voterCount: 2,
      },
    ],
    members: [
      { ...ADA, practice: 'ward nurse, 8 years', firstSeenAt: 1_700_000_000_000, lastSeenAt: 1_700_000_090_000 },
      { ...BEA, practice: 'night shift lead', firstSeenAt: 1_700_000_000_500, lastSeenAt: 1_700_000_090_000 },
    ],
  }
  return file
}
