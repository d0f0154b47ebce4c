/**
 * The board file in memory: documents built from a file read back as the same file (every part:
 * records, cards named and anonymous, session, threads, reactions, tours, rounds, members), and
 * the Markdown and CSV writers on it — links as sentences, syntheses first, movement between
 * rounds, open threads marked, and board text never turned into markup or a formula.
 */
import * as Y from 'yjs'
import { describe, expect, test } from 'vitest'
import { boardCsv } from '../../shared/exchange/boardCsv'
import { boardMarkdown } from '../../shared/exchange/boardMarkdown'
import { readBoardFile } from '../../shared/exchange/boardReader'
import { buildBoardDocuments } from '../../shared/exchange/boardWriter'
import { checkBoardFile } from '../../server/exchange/boardFileCheck'
import { richBoardFile } from '../helpers/boardFileFixture'

function docsOf(file: ReturnType<typeof richBoardFile>) {
  const updates = buildBoardDocuments(file)
  const doc = (update: Uint8Array) => {
    const d = new Y.Doc()
    Y.applyUpdate(d, update)
    return d
  }
  return { canvas: doc(updates.canvas), control: doc(updates.control), conversation: doc(updates.conversation), people: doc(updates.people) }
}

describe('round trip in memory', () => {
  test('a file written into documents reads back equal, for every part', () => {
    const checked = checkBoardFile(JSON.stringify(richBoardFile()))
    if (!checked.ok) throw new Error(checked.message)
    const back = readBoardFile(docsOf(checked.file), checked.file.exportedAt)
    // The reader lists records by id and threads by anchor, whatever order they were written in.
    const records = [...checked.file.canvas.records].sort((a, b) => (a.id < b.id ? -1 : 1))
    const threads = [...checked.file.conversation.threads].sort((a, b) => (a.anchorId < b.anchorId ? -1 : 1))
    expect(back).toEqual({ ...checked.file, canvas: { ...checked.file.canvas, records }, conversation: { ...checked.file.conversation, threads } })
  })

  test('an anonymous card reads back without an author, even when the document carries one', () => {
    const docs = docsOf(richBoardFile())
    const anonymous = readBoardFile(docs, 0).canvas.cards.find((card) => card.anonymous)!
    docs.canvas.getMap<Y.Map<unknown>>('cards').get(anonymous.id)!.set('author', { id: 'x', name: 'Leaky', color: '#000' })
    const again = readBoardFile(docs, 0)
    expect(again.canvas.cards.find((card) => card.id === anonymous.id)!.author).toBeNull()
    expect(JSON.stringify(again)).not.toContain('Leaky')
  })
})

describe('Markdown', () => {
  const markdown = boardMarkdown(richBoardFile())

  test('opens with the problem, then the syntheses, and writes links as sentences', () => {
    expect(markdown.indexOf('## The problem')).toBeLessThan(markdown.indexOf('## Syntheses'))
    expect(markdown.indexOf('Handovers need an owner')).toBeLessThan(markdown.indexOf('## Contributions'))
    expect(markdown).toMatch(/- “Nobody owns the list &lt;script&gt;alert\(1\)&lt;\/script&gt;” leads to “Shifts overlap by 5 minutes only”\./)
  })

  test('marks open threads, leaves deleted replies out, shows movement between rounds, tours and practice lines', () => {
    expect(markdown).toMatch(/\(\*\*open\*\*\)/)
    expect(markdown).toContain('resolved by Ada')
    expect(markdown).toContain('Who would own it?')
    expect(markdown).toMatch(/1\. “Nobody owns the list .*”: 5 dots \(up 1 from 2\)/)
    expect(markdown).toMatch(/2\. “Handovers need an owner”: 1 dot \(down 1 from 1\)/)
    expect(markdown).toContain('### How I see it, by Ada')
    expect(markdown).toContain('- Bea: night shift lead')
  })

  test('an anonymous card is "anonymous" and board text never becomes HTML', () => {
    expect(markdown).toMatch(/by anonymous: Shifts overlap/)
    expect(markdown).not.toContain('<script>')
    expect(markdown).not.toContain('<b>')
  })
})

describe('CSV', () => {
  const csv = boardCsv(richBoardFile())
  const lines = csv.trim().split('\r\n')

  test('one row a card under the named columns, anonymous cards without an author', () => {
    expect(lines[0]).toBe('id,kind,author,text,created,edited,reactions,replies,votes')
    expect(lines).toHaveLength(5)
    const anonymous = lines.find((line) => line.includes('Shifts overlap'))!
    expect(anonymous.split(',')[2]).toBe('anonymous')
    const first = lines.find((line) => line.includes('Nobody owns'))!
    expect(first).toMatch(/,1,1,7$/)
  })

  test('a field a spreadsheet would run as a formula is quoted as text', () => {
    expect(csv).toContain(`"'=cmd|""/c calc""!A1, a formula"`)
  })
})
