/**
 * Clusters of densely linked contributions: communities of the undirected link graph (every link
 * type, each link one unit of weight between its two cards) found with the Louvain method —
 * cards move to the neighbouring community that raises modularity most, then each community
 * becomes one node and it repeats — visiting nodes in card order, so the same map always gives
 * the same clusters. Cards without links belong to no cluster.
 *
 * @example
 *   const clusters = findClusters(input) // largest first, each with its cards and inner links
 */
import type { MapInput } from './mapInput'

export interface Cluster {
  /** In card order (oldest first). */
  cardIds: string[]
  /** Links with both ends in the cluster. */
  innerLinks: number
  /** Inner links over the pairs of cards in the cluster, 0..1 (parallel links can push it past 1; capped). */
  density: number
}

/** Below this many cards a community is not reported as a cluster. */
export const MIN_CLUSTER_SIZE = 3
/**
 * Passes of local moves per level, at most, and the modularity gain below which a pass ends the
 * level (as in Blondel et al.'s implementation). On lattice-like maps moves otherwise creep on for
 * dozens of passes; the next level goes on from where this one stopped.
 */
const MAX_PASSES = 12
const MIN_PASS_GAIN = 1e-6
const MAX_LEVELS = 50

interface WeightedGraph {
  /** node -> neighbour -> weight; a node's own entry is its self-loop weight (counted once). */
  edges: Array<Map<number, number>>
}

/** One level of Louvain: local moves until none helps. Returns each node's community (0..k-1). */
function localMoves(graph: WeightedGraph): { community: number[]; moved: boolean } {
  const n = graph.edges.length
  const strength = graph.edges.map((edges, i) => {
    let sum = 0
    for (const [j, w] of edges) sum += j === i ? 2 * w : w
    return sum
  })
  const total = strength.reduce((a, b) => a + b, 0)
  const community = Array.from({ length: n }, (_, i) => i)
  const communityStrength = [...strength]
  let moved = false
  if (total === 0) return { community, moved }
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let movedThisPass = false
    let passGain = 0
    for (let i = 0; i < n; i++) {
      const own = community[i]
      const toCommunity = new Map<number, number>()
      for (const [j, w] of graph.edges[i]) {
        if (j === i) continue
        toCommunity.set(community[j], (toCommunity.get(community[j]) ?? 0) + w)
      }
      communityStrength[own] -= strength[i]
      const gain = (c: number) => (toCommunity.get(c) ?? 0) - (communityStrength[c] * strength[i]) / total
      let best = own
      const ownGain = gain(own)
      let bestGain = ownGain
      for (const c of [...toCommunity.keys()].sort((a, b) => a - b)) {
        const g = gain(c)
        if (g > bestGain + 1e-12) {
          best = c
          bestGain = g
        }
      }
      communityStrength[best] += strength[i]
      if (best !== own) {
        passGain += (2 * (bestGain - ownGain)) / total
        community[i] = best
        movedThisPass = true
        moved = true
      }
    }
    if (!movedThisPass || passGain < MIN_PASS_GAIN) break
  }
  const renumber = new Map<number, number>()
  return { community: community.map((c) => renumber.get(c) ?? renumber.set(c, renumber.size).get(c)!), moved }
}

function aggregate(graph: WeightedGraph, community: number[]): WeightedGraph {
  const k = Math.max(-1, ...community) + 1
  const edges = Array.from({ length: k }, () => new Map<number, number>())
  graph.edges.forEach((neighbours, i) => {
    for (const [j, w] of neighbours) {
      if (j < i) continue
      const a = community[i]
      const b = community[j]
      edges[a].set(b, (edges[a].get(b) ?? 0) + w)
      if (a !== b) edges[b].set(a, (edges[b].get(a) ?? 0) + w)
    }
  })
  return { edges }
}

export function findClusters(input: MapInput): Cluster[] {
  const position = new Map(input.cards.map((card, i) => [card.id, i]))
  const edges = input.cards.map(() => new Map<number, number>())
  const linked = new Set<number>()
  for (const link of input.links) {
    const a = position.get(link.from)
    const b = position.get(link.to)
    if (a === undefined || b === undefined || a === b) continue
    edges[a].set(b, (edges[a].get(b) ?? 0) + 1)
    edges[b].set(a, (edges[b].get(a) ?? 0) + 1)
    linked.add(a).add(b)
  }

  let graph: WeightedGraph = { edges }
  let membership = input.cards.map((_, i) => i)
  for (let level = 0; level < MAX_LEVELS; level++) {
    const { community, moved } = localMoves(graph)
    if (!moved) break
    membership = membership.map((node) => community[node])
    graph = aggregate(graph, community)
  }

  const groups = new Map<number, number[]>()
  for (const i of [...linked].sort((a, b) => a - b)) {
    const group = groups.get(membership[i]) ?? []
    group.push(i)
    groups.set(membership[i], group)
  }
  const clusters: Cluster[] = []
  for (const members of groups.values()) {
    if (members.length < MIN_CLUSTER_SIZE) continue
    const inside = new Set(members.map((i) => input.cards[i].id))
    const innerLinks = input.links.filter((link) => inside.has(link.from) && inside.has(link.to) && link.from !== link.to).length
    const pairs = (members.length * (members.length - 1)) / 2
    clusters.push({ cardIds: members.map((i) => input.cards[i].id), innerLinks, density: Math.min(1, innerLinks / pairs) })
  }
  return clusters.sort((a, b) => b.cardIds.length - a.cardIds.length || b.density - a.density)
}
