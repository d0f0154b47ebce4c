/**
 * The session's phases in the control document: presets, order, editing, and moving through them.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { readThinkAloneRound, markThinkAloneRevealed } from '../../shared/board/drafts'
import { FACILITATION_MAP, readTimer, startTimer } from '../../shared/board/facilitation'
import {
  PHASE_PRESETS,
  addPhase,
  currentPhase,
  goToPhase,
  movePhase,
  nextPhaseId,
  phaseFromPreset,
  previousPhaseId,
  readCurrentPhaseId,
  readPhases,
  removePhase,
  updatePhase,
} from '../../client/facilitation/phases'

describe('phases', () => {
  test('the five presets each have a name, instructions and a duration', () => {
    expect(PHASE_PRESETS.map((preset) => preset.name)).toEqual(['Think alone', 'Share', 'Link and cluster', 'Vote', 'Synthesise'])
    for (const preset of PHASE_PRESETS) {
      expect(preset.instructions.length).toBeGreaterThan(10)
      expect(preset.durationMs).toBeGreaterThanOrEqual(60_000)
    }
  })

  test('phases are added, reordered, edited and removed, and sync to another doc', () => {
    const doc = new Y.Doc()
    addPhase(doc, phaseFromPreset('think-alone', 'a'))
    addPhase(doc, phaseFromPreset('share', 'b'))
    addPhase(doc, phaseFromPreset('vote', 'c'))
    movePhase(doc, 'c', -1)
    expect(readPhases(doc).map((phase) => phase.id)).toEqual(['a', 'c', 'b'])
    movePhase(doc, 'a', -1)
    expect(readPhases(doc).map((phase) => phase.id)).toEqual(['a', 'c', 'b'])
    updatePhase(doc, { id: 'c', name: '  Dot vote  ', instructions: 'Three dots each.', durationMs: 90_400 })
    expect(readPhases(doc)[1]).toEqual({ id: 'c', name: 'Dot vote', instructions: 'Three dots each.', durationMs: 90_000 })
    removePhase(doc, 'a')
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    expect(readPhases(copy).map((phase) => phase.name)).toEqual(['Dot vote', 'Share'])
  })

  test('entering the Think alone phase opens a think-alone round, once; an edited Think alone still does', () => {
    const doc = new Y.Doc()
    addPhase(doc, phaseFromPreset('think-alone', 'a'))
    addPhase(doc, phaseFromPreset('share', 'b'))
    goToPhase(doc, 'b', 1)
    expect(readThinkAloneRound(doc)).toBeNull()
    goToPhase(doc, 'a', 2)
    const round = readThinkAloneRound(doc)
    expect(round).toMatchObject({ status: 'open', openedAt: 2 })
    goToPhase(doc, 'a', 3)
    expect(readThinkAloneRound(doc)).toEqual(round)
    markThinkAloneRevealed(doc, 4)
    updatePhase(doc, { ...readPhases(doc)[0], name: 'Quiet writing' })
    goToPhase(doc, 'a', 5)
    expect(readThinkAloneRound(doc)).toMatchObject({ status: 'open', openedAt: 5 })
    expect(readThinkAloneRound(doc)?.roundId).not.toBe(round?.roundId)
  })

  test('moving through the phases sets the current one and stops the timer', () => {
    const doc = new Y.Doc()
    addPhase(doc, phaseFromPreset('think-alone', 'a'))
    addPhase(doc, phaseFromPreset('share', 'b'))
    const phases = readPhases(doc)
    expect(currentPhase(phases, readCurrentPhaseId(doc))).toBeNull()
    expect(nextPhaseId(phases, null)).toBe('a')
    goToPhase(doc, 'a')
    startTimer(doc, 60_000, 1_000)
    goToPhase(doc, nextPhaseId(phases, readCurrentPhaseId(doc)))
    expect(currentPhase(phases, readCurrentPhaseId(doc))?.name).toBe('Share')
    expect(readTimer(doc).state).toBe('stopped')
    expect(nextPhaseId(phases, 'b')).toBeNull()
    expect(previousPhaseId(phases, 'b')).toBe('a')
    expect(previousPhaseId(phases, 'a')).toBeNull()
    removePhase(doc, 'b')
    expect(readCurrentPhaseId(doc)).toBeNull()
  })

  test('malformed phases (only a buggy client could write them) are skipped, long text is cut', () => {
    const doc = new Y.Doc()
    const raw = new Y.Array<unknown>()
    doc.getMap(FACILITATION_MAP).set('phases', raw)
    raw.push([{ id: 'x' }, 'nonsense', { id: 'ok', name: 'n'.repeat(200), instructions: '', durationMs: 10 }])
    expect(readPhases(doc)).toEqual([{ id: 'ok', name: 'n'.repeat(60), instructions: '', durationMs: 60_000 }])
  })
})
