/**
 * Feedback loops among "leads to" links: the elementary cycles of the "leads to" graph (each card
 * at most once per loop), found with Johnson's algorithm inside each strongly connected component
 * (Tarjan's), both written without recursion so a chain of thousands of cards cannot overflow the
 * stack. A hostile board can hold more loops than anyone could read (they grow exponentially with
 * the links), so the search is bounded: it lists the first `listCap` loops (shortest first), counts
 * on up to `countCap`, and stops after `stepBudget` steps; the result says whether the count is
 * complete.
 *
 * @example
 *   const { loops, counted, complete } = findLoops(leadsToGraph(input))
 */

export interface LoopSearchLimits {
  /** Loops returned, at most. */
  listCap: number
  /** Loops counted, at most. */
  countCap: number
  /** Edges followed, at most, over the whole search. */
  stepBudget: number
}

export const DEFAULT_LOOP_LIMITS: LoopSearchLimits = { listCap: 50, countCap: 1000, stepBudget: 2_000_000 }

export interface LoopSearch {
  /** Each loop as the card ids along it, starting at its oldest card; shortest loops first. */
  loops: string[][]
  /** Loops found (at least loops.length). */
  counted: number
  /** False when a limit stopped the search: there are more loops than counted. */
  complete: boolean
}

/** Tarjan's strongly connected components, iteratively: node index -> component number. */
function components(adjacency: number[][]): number[] {
  const n = adjacency.length
  const index = new Array<number>(n).fill(-1)
  const low = new Array<number>(n).fill(0)
  const onStack = new Array<boolean>(n).fill(false)
  const component = new Array<number>(n).fill(-1)
  const stack: number[] = []
  let nextIndex = 0
  let nextComponent = 0
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue
    const frames: Array<{ v: number; edge: number }> = [{ v: root, edge: 0 }]
    index[root] = low[root] = nextIndex++
    stack.push(root)
    onStack[root] = true
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]
      const { v } = frame
      if (frame.edge < adjacency[v].length) {
        const w = adjacency[v][frame.edge++]
        if (index[w] === -1) {
          index[w] = low[w] = nextIndex++
          stack.push(w)
          onStack[w] = true
          frames.push({ v: w, edge: 0 })
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w])
        }
        continue
      }
      frames.pop()
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].v
        low[parent] = Math.min(low[parent], low[v])
      }
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack.pop()!
          onStack[w] = false
          component[w] = nextComponent
        } while (w !== v)
        nextComponent++
      }
    }
  }
  return component
}

/**
 * The loops of a directed graph given as adjacency lists (node -> successors, in a stable order;
 * the map's key order is the node order).
 */
export function findLoops(graph: ReadonlyMap<string, readonly string[]>, limits: LoopSearchLimits = DEFAULT_LOOP_LIMITS): LoopSearch {
  const ids = [...graph.keys()]
  const position = new Map(ids.map((id, i) => [id, i]))
  const adjacency = ids.map((id) => [
    ...new Set((graph.get(id) ?? []).map((next) => position.get(next)).filter((w): w is number => w !== undefined && w !== position.get(id))),
  ])
  const component = components(adjacency)

  const found: number[][] = []
  let counted = 0
  let steps = 0
  let stopped = false
  const blocked = new Array<boolean>(ids.length).fill(false)
  const blockedBy: Array<Set<number>> = ids.map(() => new Set())

  const unblock = (start: number) => {
    const pending = [start]
    while (pending.length > 0) {
      const u = pending.pop()!
      if (!blocked[u]) continue
      blocked[u] = false
      for (const w of blockedBy[u]) pending.push(w)
      blockedBy[u].clear()
    }
  }

  for (let s = 0; s < ids.length && !stopped; s++) {
    const allowed = (w: number) => w >= s && component[w] === component[s]
    if (!adjacency[s].some(allowed)) continue
    for (let v = s; v < ids.length; v++) {
      if (component[v] !== component[s]) continue
      blocked[v] = false
      blockedBy[v].clear()
    }
    const path = [s]
    blocked[s] = true
    const frames: Array<{ v: number; edge: number; closed: boolean }> = [{ v: s, edge: 0, closed: false }]
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]
      if (frame.edge < adjacency[frame.v].length) {
        const w = adjacency[frame.v][frame.edge++]
        if (!allowed(w)) continue
        if (++steps > limits.stepBudget) {
          stopped = true
          break
        }
        if (w === s) {
          counted++
          if (found.length < limits.listCap) found.push([...path])
          frame.closed = true
          if (counted >= limits.countCap) {
            stopped = true
            break
          }
        } else if (!blocked[w]) {
          path.push(w)
          blocked[w] = true
          frames.push({ v: w, edge: 0, closed: false })
        }
        continue
      }
      frames.pop()
      path.pop()
      if (frame.closed) unblock(frame.v)
      else for (const w of adjacency[frame.v]) if (allowed(w)) blockedBy[w].add(frame.v)
      if (frames.length > 0 && frame.closed) frames[frames.length - 1].closed = true
    }
  }

  const loops = found.map((loop) => loop.map((i) => ids[i])).sort((a, b) => a.length - b.length)
  return { loops, counted, complete: !stopped }
}
