/**
 * The gentle signal when the shared timer ends: a soft two-note chime (Web Audio, quiet, short),
 * played only when the person turned it on. The visual pulse is the overlay's.
 */
export function playSoftChime(): void {
  const AudioContextClass = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  if (!AudioContextClass) return
  const context = new AudioContextClass()
  const start = context.currentTime
  for (const [index, frequency] of [660, 880].entries()) {
    const oscillator = context.createOscillator()
    const gain = context.createGain()
    oscillator.type = 'sine'
    oscillator.frequency.value = frequency
    const at = start + index * 0.28
    gain.gain.setValueAtTime(0, at)
    gain.gain.linearRampToValueAtTime(0.06, at + 0.04)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.1)
    oscillator.connect(gain).connect(context.destination)
    oscillator.start(at)
    oscillator.stop(at + 1.2)
  }
  setTimeout(() => void context.close(), 2_000)
}

/** A countdown as m:ss, rounded up (it shows 0:00 only once time is up). */
export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.max(0, Math.ceil(remainingMs / 1000))
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  return `${minutes}:${seconds.toString().padStart(2, '0')}`
}
