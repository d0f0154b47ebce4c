/**
 * The side-by-side benchmark's board loader, a process of its own (never a server's), driven over
 * IPC: fills boards with records through raw members (./member.ts), checks that boards still hold
 * them later, and times a cold load with the stock y-websocket client.
 *
 * Commands in (see LoaderCommand), one answer out for each:
 *   fill     → filled    each board gets one member that sends `records` records in one update and
 *                         waits until the server's state holds them; members stay connected and renew
 *                         their presence (`leave` closes them)
 *   leave    → left
 *   verify   → verified  a fresh member per board syncs; its sync step 2 must hold every record
 *   coldLoad → coldLoaded  a stock WebsocketProvider joins a board that is not in the server's memory:
 *                         time from creating it to its `sync` event, against this process's own
 *                         Y.applyUpdate of the same state (warmed up, median of 5)
 */
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { RawMember } from './member'
import { RECORDS_MAP, recordKey, shapeRecord } from './records'

export type LoaderCommand =
  | { type: 'fill'; urls: string[]; records: number }
  | { type: 'leave' }
  | { type: 'verify'; urls: string[]; records: number }
  | { type: 'coldLoad'; serverUrl: string; room: string; params: Record<string, string>; records: number }

export interface ColdLoadReport {
  type: 'coldLoaded'
  syncMs: number
  applyMs: number
  stateBytes: number
  records: number
}

const CONCURRENCY = 16
const AWARENESS_RENEW_MS = 15_000
const kept: RawMember[] = []
const presence = { user: { name: 'loader', color: '#2f9e44' } }
// Members that stay connected renew their presence as y-websocket does, so no server takes them
// for dead connections (Hocuspocus closes a socket that sent nothing for 60 s).
setInterval(() => {
  for (const member of kept) member.sendAwareness(presence)
}, AWARENESS_RENEW_MS).unref()

function reply(message: unknown): void {
  process.send!(message)
}

const templates = new Map<number, Uint8Array>()

/** A board of `count` shapes, as one update (the same for every board: names differ, not content). */
function boardContent(count: number): Uint8Array {
  let update = templates.get(count)
  if (!update) {
    const doc = new Y.Doc()
    const records = doc.getMap(RECORDS_MAP)
    doc.transact(() => {
      for (let i = 0; i < count; i++) records.set(recordKey(i, 0), shapeRecord(i, 0, [i, 0, -1, 0]))
    })
    update = Y.encodeStateAsUpdate(doc)
    templates.set(count, update)
  }
  return update
}

async function eachWithConcurrency(urls: string[], job: (url: string) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < urls.length) await job(urls[next++])
    }),
  )
}

async function fill(urls: string[], count: number): Promise<void> {
  const started = performance.now()
  const content = boardContent(count)
  let failures = 0
  await eachWithConcurrency(urls, async (url) => {
    const member = new RawMember({ url, index: 0 })
    try {
      await member.synced
      member.sendAwareness(presence)
      member.sendUpdate(content)
      await member.untilServerHolds(content)
      kept.push(member)
    } catch {
      failures++
      await member.close()
    }
  })
  reply({ type: 'filled', ms: performance.now() - started, failures, updateBytes: content.length })
}

async function verify(urls: string[], count: number): Promise<void> {
  const started = performance.now()
  let verified = 0
  const failures: string[] = []
  await eachWithConcurrency(urls, async (url) => {
    const member = new RawMember({ url, index: 0 })
    try {
      await member.synced
      const doc = new Y.Doc()
      for (const answer of member.step2s) Y.applyUpdate(doc, answer)
      const size = doc.getMap(RECORDS_MAP).size
      if (size === count) verified++
      else failures.push(`${size} records`)
      doc.destroy()
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error))
    } finally {
      await member.close()
    }
  })
  reply({ type: 'verified', verified, failures: failures.slice(0, 5), failed: failures.length, ms: performance.now() - started })
}

function applyMs(state: Uint8Array): number {
  const doc = new Y.Doc()
  const started = performance.now()
  Y.applyUpdate(doc, state)
  const ms = performance.now() - started
  doc.destroy()
  return ms
}

async function coldLoad(command: Extract<LoaderCommand, { type: 'coldLoad' }>): Promise<void> {
  // Warm this process's Yjs up first, so the provider's apply is not charged for a cold JIT.
  for (let i = 0; i < 3; i++) applyMs(boardContent(command.records))
  const doc = new Y.Doc()
  const started = performance.now()
  const provider = new WebsocketProvider(command.serverUrl, command.room, doc, {
    params: command.params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return
      provider.off('sync', onSync)
      resolve()
    }
    provider.on('sync', onSync)
  })
  const syncMs = performance.now() - started
  const records = doc.getMap(RECORDS_MAP).size
  provider.destroy()
  const state = Y.encodeStateAsUpdate(doc)
  const runs = Array.from({ length: 5 }, () => applyMs(state)).sort((a, b) => a - b)
  doc.destroy()
  const report: ColdLoadReport = { type: 'coldLoaded', syncMs, applyMs: runs[2], stateBytes: state.length, records }
  reply(report)
}

process.on('message', (command: LoaderCommand) => {
  switch (command.type) {
    case 'fill':
      void fill(command.urls, command.records)
      return
    case 'leave':
      void Promise.all(kept.splice(0).map((member) => member.close())).then(() => reply({ type: 'left' }))
      return
    case 'verify':
      void verify(command.urls, command.records)
      return
    case 'coldLoad':
      void coldLoad(command)
      return
    default: {
      const unreachable: never = command
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`)
    }
  }
})

process.on('disconnect', () => process.exit(0))
