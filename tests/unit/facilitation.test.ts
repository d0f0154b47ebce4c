/**
 * The facilitation data model: the shared timer on the server's clock, the lock, spotlight and
 * summons.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { documentWrite, readBoardState } from '../../shared/board/boardRules'
import {
  FACILITATION_MAP,
  membersMay,
  readCurrentPhase,
  addTimerTime,
  isBoardLocked,
  pauseTimer,
  readSpotlight,
  readSummon,
  readTimer,
  resumeTimer,
  setBoardLocked,
  setSpotlight,
  startTimer,
  stopTimer,
  summonEveryone,
  timerRemaining,
} from '../../shared/board/facilitation'

describe('shared timer', () => {
  test('start, pause, add a minute, resume and stop, all on the server clock', () => {
    const doc = new Y.Doc()
    expect(readTimer(doc)).toEqual({ state: 'stopped', durationMs: 0 })
    startTimer(doc, 300_000, 1_000_000)
    expect(timerRemaining(readTimer(doc), 1_060_000)).toBe(240_000)
    pauseTimer(doc, 1_060_000)
    expect(readTimer(doc)).toEqual({ state: 'paused', remainingMs: 240_000, durationMs: 300_000 })
    expect(timerRemaining(readTimer(doc), 9_999_999)).toBe(240_000)
    addTimerTime(doc, 60_000, 1_070_000)
    resumeTimer(doc, 2_000_000)
    expect(timerRemaining(readTimer(doc), 2_000_000)).toBe(300_000)
    addTimerTime(doc, 60_000, 2_000_000)
    expect(timerRemaining(readTimer(doc), 2_000_000)).toBe(360_000)
    expect(timerRemaining(readTimer(doc), 5_000_000)).toBe(0)
    stopTimer(doc)
    expect(readTimer(doc).state).toBe('stopped')
  })
})

describe('lock, spotlight, summon', () => {
  test('the lock, the spotlight and summons are read back as written', () => {
    const doc = new Y.Doc()
    expect(isBoardLocked(doc)).toBe(false)
    setBoardLocked(doc, true)
    expect(isBoardLocked(doc)).toBe(true)
    expect(readSpotlight(doc)).toBeNull()
    setSpotlight(doc, { userId: 'fac', name: 'Fay' })
    expect(readSpotlight(doc)).toEqual({ userId: 'fac', name: 'Fay' })
    setSpotlight(doc, null)
    expect(readSpotlight(doc)).toBeNull()
    expect(readSummon(doc)).toBeNull()
    summonEveryone(doc, { userId: 'fac', pageId: 'page:page', x: 1, y: 2, w: 3, h: 4 })
    summonEveryone(doc, { userId: 'fac', pageId: 'page:page', x: 5, y: 6, w: 7, h: 8 })
    expect(readSummon(doc)).toEqual({ seq: 2, userId: 'fac', pageId: 'page:page', x: 5, y: 6, w: 7, h: 8 })
  })
})

describe('what members may do in the current phase', () => {
  test('everything outside phases or in phases that do not say; only what the phase lists otherwise', () => {
    const doc = new Y.Doc()
    expect(membersMay(doc, 'add-cards')).toBe(true)
    expect(documentWrite('member', 'canvas', readBoardState(doc)).allowed).toBe(true)
    const phases = new Y.Array<unknown>()
    doc.getMap(FACILITATION_MAP).set('phases', phases)
    phases.push([
      { id: 'free', name: 'Open', instructions: '', durationMs: 60_000 },
      { id: 'vote', name: 'Vote', instructions: '', durationMs: 60_000, memberActions: ['vote', 'nonsense'] },
      { id: 'share', name: 'Share', instructions: '', durationMs: 60_000, memberActions: ['reply', 'react'] },
    ])
    doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'free')
    expect(readCurrentPhase(doc)?.memberActions).toBeUndefined()
    expect(membersMay(doc, 'link')).toBe(true)
    doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'vote')
    expect(readCurrentPhase(doc)?.memberActions).toEqual(['vote'])
    expect(membersMay(doc, 'add-cards')).toBe(false)
    expect(documentWrite('member', 'canvas', readBoardState(doc)).allowed).toBe(false)
    doc.getMap(FACILITATION_MAP).set('currentPhaseId', 'share')
    expect(membersMay(doc, 'reply')).toBe(true)
    expect(membersMay(doc, 'add-cards')).toBe(false)
    // Share: replies and reactions, but the canvas is read-only for members.
    expect(documentWrite('member', 'canvas', readBoardState(doc)).allowed).toBe(false)
    expect(documentWrite('member', 'conversation', readBoardState(doc)).allowed).toBe(true)
  })
})
