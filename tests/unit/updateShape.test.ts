/**
 * The relay's fast path (server/relay/updateShape.ts): everyday edits of every shared type are
 * `plain`; hostile shapes (huge counts and lengths, truncation, trailing bytes, deep nesting,
 * subdocuments) are `unsure` and go to the screening worker; and no mutation of a real update
 * that the walk calls plain makes Yjs loop or allocate beyond its size (seeded, replayable).
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { FAST_PATH_MAX_BYTES, updateShape } from '../../server/relay/updateShape'

function updatesOf(change: (doc: Y.Doc) => void, setup?: (doc: Y.Doc) => void): Uint8Array[] {
  const doc = new Y.Doc()
  setup?.(doc)
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  change(doc)
  return updates
}

const everyday: Array<[string, Uint8Array[]]> = [
  [
    'a tldraw record set in a map',
    updatesOf((doc) =>
      doc
        .getMap('tldraw:records')
        .set('shape:abc', { id: 'shape:abc', x: 10.5, y: -3, props: { w: 240, h: 160, cardId: 'card:1' }, meta: {}, isLocked: false }),
    ),
  ],
  [
    'text typed and deleted',
    updatesOf((doc) => {
      const text = doc.getText('t')
      text.insert(0, 'héllo wörld 🌍')
      text.delete(2, 3)
    }),
  ],
  [
    'formatted text',
    updatesOf((doc) => {
      const text = doc.getText('t')
      text.insert(0, 'bold')
      text.format(0, 4, { bold: true })
      text.insertEmbed(4, { image: 'x' })
    }),
  ],
  [
    'nested shared types',
    updatesOf((doc) => {
      const card = new Y.Map()
      doc.getMap('cards').set('card:1', card)
      card.set('text', new Y.Text('hi'))
      card.set('list', Y.Array.from<string | number | null | object>([1, 'two', null, { flag: true }, 3.25, { deep: [1, { deeper: 'x' }] }]))
    }),
  ],
  [
    'xml',
    updatesOf((doc) => {
      const fragment = doc.getXmlFragment('x')
      const el = new Y.XmlElement('p')
      fragment.push([el])
      el.setAttribute('class', 'a')
      el.push([new Y.XmlText('t')])
    }),
  ],
  [
    'a deletion',
    updatesOf(
      (doc) => doc.getMap('m').delete('k'),
      (doc) => doc.getMap('m').set('k', 1),
    ),
  ],
  ['binary', updatesOf((doc) => doc.getMap('m').set('bytes', new Uint8Array([1, 2, 3])))],
]

describe('updateShape', () => {
  test.each(everyday)('%s is plain', (_name, updates) => {
    expect(updates.length).toBeGreaterThan(0)
    for (const update of updates) expect(updateShape(update)).toBe('plain')
  })

  test('a whole document’s state is plain while small, unsure once large', () => {
    const doc = new Y.Doc()
    for (let i = 0; i < 20; i++) doc.getMap('records').set(`shape:${i}`, { x: i })
    expect(updateShape(Y.encodeStateAsUpdate(doc))).toBe('plain')
    for (let i = 0; i < 500; i++) doc.getMap('records').set(`shape:${i}`, { x: i, text: 'x'.repeat(40) })
    const large = Y.encodeStateAsUpdate(doc)
    expect(large.length).toBeGreaterThan(FAST_PATH_MAX_BYTES)
    expect(updateShape(large)).toBe('unsure')
  })

  test('hostile shapes are unsure', () => {
    const bytes = (...parts: Array<(e: encoding.Encoder) => void>) => {
      const e = encoding.createEncoder()
      for (const part of parts) part(e)
      return encoding.toUint8Array(e)
    }
    const valid = everyday[0][1][0]
    const cases: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array()],
      [
        '2^32 clients',
        bytes(
          (e) => encoding.writeVarUint(e, 2 ** 32),
          (e) => encoding.writeVarUint(e, 0),
        ),
      ],
      [
        '2^32 structs',
        bytes(
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 2 ** 32),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 0),
        ),
      ],
      [
        'a skip of 2^53-1',
        bytes(
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 0),
          (e) => encoding.writeUint8(e, 10),
          (e) => encoding.writeVarUint(e, 2 ** 53 - 1),
          (e) => encoding.writeVarUint(e, 0),
        ),
      ],
      [
        'a 2^32-byte string claim',
        bytes(
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 0),
          (e) => encoding.writeUint8(e, 4),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarString(e, 'm'),
          (e) => encoding.writeVarUint(e, 2 ** 32),
        ),
      ],
      ['a varint that never ends', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      ['truncated', valid.subarray(0, valid.length - 3)],
      ['trailing bytes', new Uint8Array([...valid, 0])],
      [
        'a delete set of 2^32 clients',
        bytes(
          (e) => encoding.writeVarUint(e, 0),
          (e) => encoding.writeVarUint(e, 2 ** 32),
        ),
      ],
      [
        'nesting 100 deep',
        bytes(
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarUint(e, 0),
          (e) => encoding.writeUint8(e, 8 | 32),
          (e) => encoding.writeVarUint(e, 1),
          (e) => encoding.writeVarString(e, 'm'),
          (e) => encoding.writeVarString(e, 'k'),
          (e) => encoding.writeVarUint(e, 1),
          (e) => {
            for (let i = 0; i < 100; i++) {
              encoding.writeUint8(e, 117)
              encoding.writeVarUint(e, 1)
            }
            encoding.writeUint8(e, 126)
          },
          (e) => encoding.writeVarUint(e, 0),
        ),
      ],
      ['a subdocument', updatesOf((doc) => doc.getMap('m').set('sub', new Y.Doc()))[0]],
    ]
    for (const [name, update] of cases) expect(updateShape(update), name).toBe('unsure')
  })

  test('no mutation the walk calls plain makes Yjs loop or allocate beyond its size', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
    const gen = prng.create(seed)
    const sources = everyday.flatMap(([, updates]) => updates)
    let plain = 0
    for (let i = 0; i < 5000; i++) {
      const update = sources[prng.int32(gen, 0, sources.length - 1)].slice()
      const flips = prng.int32(gen, 1, 4)
      for (let f = 0; f < flips; f++) update[prng.int32(gen, 0, update.length - 1)] = prng.int32(gen, 0, 255)
      if (updateShape(update) !== 'plain') continue
      plain++
      const started = performance.now()
      const doc = new Y.Doc()
      try {
        Y.applyUpdate(doc, update)
      } catch {
        // Refused as malformed: fine, as long as it was quick.
      }
      const elapsed = performance.now() - started
      expect(elapsed, `seed ${seed}, mutation ${i}`).toBeLessThan(200)
      doc.destroy()
    }
    console.log(`[updateShape] fuzz seed ${seed} (FUZZ_SEED replays): ${plain} of 5000 mutations still plain, each applied quickly`)
    expect(plain).toBeGreaterThan(0)
  })
})
