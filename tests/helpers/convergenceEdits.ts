/**
 * Random edits to a Y.Doc driven by a seeded generator (lib0/prng), in the style of Yjs's own
 * randomized tests: map set/delete (with nested types), array insert/delete, text
 * insert/delete/format. The same seed gives the same sequence of choices.
 *
 * @example
 *   const gen = prng.create(seed)
 *   randomEdit(doc, gen)
 */
import * as Y from 'yjs'
import * as prng from 'lib0/prng'

/** The root types the edits touch, for comparing documents. */
export const EDITED_TYPES = { maps: ['map'], arrays: ['array'], texts: ['text'] }

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

function randomValue(gen: prng.PRNG): unknown {
  switch (prng.int32(gen, 0, 4)) {
    case 0:
      return prng.int32(gen, -1000, 1000)
    case 1:
      return prng.word(gen, 0, 12)
    case 2:
      return { x: prng.int32(gen, 0, 100), label: prng.word(gen, 1, 6) }
    case 3:
      return [prng.bool(gen), null, prng.word(gen, 0, 4)]
    default:
      return prng.bool(gen)
  }
}

function editMap(map: Y.Map<unknown>, gen: prng.PRNG): void {
  const key = prng.oneOf(gen, KEYS)
  const roll = prng.int32(gen, 0, 9)
  if (roll < 2 && map.has(key)) {
    map.delete(key)
  } else if (roll < 3) {
    const nested = new Y.Map<unknown>()
    map.set(key, nested)
    nested.set(prng.oneOf(gen, KEYS), randomValue(gen))
  } else {
    const current = map.get(key)
    if (current instanceof Y.Map && prng.bool(gen)) current.set(prng.oneOf(gen, KEYS), randomValue(gen))
    else map.set(key, randomValue(gen))
  }
}

function editArray(array: Y.Array<unknown>, gen: prng.PRNG): void {
  if (array.length > 0 && prng.int32(gen, 0, 2) === 0) {
    const index = prng.int32(gen, 0, array.length - 1)
    array.delete(index, prng.int32(gen, 1, Math.min(3, array.length - index)))
    return
  }
  const index = prng.int32(gen, 0, array.length)
  const count = prng.int32(gen, 1, 3)
  array.insert(
    index,
    Array.from({ length: count }, () => randomValue(gen)),
  )
}

function editText(text: Y.Text, gen: prng.PRNG): void {
  const roll = prng.int32(gen, 0, 5)
  if (text.length > 0 && roll < 2) {
    const index = prng.int32(gen, 0, text.length - 1)
    text.delete(index, prng.int32(gen, 1, Math.min(5, text.length - index)))
  } else if (text.length > 0 && roll === 2) {
    const index = prng.int32(gen, 0, text.length - 1)
    text.format(index, prng.int32(gen, 1, Math.min(4, text.length - index)), { bold: prng.bool(gen) ? true : null })
  } else {
    text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 8))
  }
}

/** One random edit, in one transaction, to one of the edited root types. */
export function randomEdit(doc: Y.Doc, gen: prng.PRNG): void {
  switch (prng.int32(gen, 0, 2)) {
    case 0:
      editMap(doc.getMap('map'), gen)
      return
    case 1:
      editArray(doc.getArray('array'), gen)
      return
    default:
      editText(doc.getText('text'), gen)
  }
}
