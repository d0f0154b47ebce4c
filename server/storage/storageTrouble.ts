/**
 * Remembers the storage failures that say the store itself is in trouble, for the readiness
 * check: a full disk or I/O errors until a write succeeds again, and a corrupt file until the
 * process restarts, because a corrupt file does not mend itself and a write that succeeds in
 * another part of it says nothing about the damaged part. Backends translate their own error
 * codes into these kinds.
 *
 * @example
 *   trouble.record('full', 'database or disk is full')
 *   trouble.reason // "the disk is full: …"
 *   trouble.writeSucceeded() // a full disk or I/O error is forgotten; a corrupt file is not
 */
export type TroubleKind = 'full' | 'io' | 'corrupt'

interface Failure {
  kind: TroubleKind
  message: string
  at: Date
}

const DESCRIPTIONS: Record<TroubleKind, string> = {
  full: 'the disk is full',
  io: 'the disk reports I/O errors',
  corrupt: 'the database file is corrupt; restore it from a backup',
}

export class StorageTrouble {
  private transient: Failure | null = null
  private corrupt: Failure | null = null

  record(kind: TroubleKind, message: string): void {
    const failure = { kind, message, at: new Date() }
    if (kind === 'corrupt') this.corrupt = failure
    else this.transient = failure
  }

  writeSucceeded(): void {
    this.transient = null
  }

  /** A full disk or I/O errors seen since the last write that succeeded. */
  get hasTransient(): boolean {
    return this.transient !== null
  }

  /** Why the store is in trouble, or null when it is not. */
  get reason(): string | null {
    const failure = this.corrupt ?? this.transient
    if (!failure) return null
    return `${DESCRIPTIONS[failure.kind]} (${failure.message}, at ${failure.at.toISOString()})`
  }
}
