/**
 * A child process driven over IPC with one answer per command (the load generators, the loader
 * and the peers' memory channel): `request` sends a command and resolves with the next message of
 * the answer type. Every wait is bounded, so a stuck child fails the run instead of hanging it.
 */
import { fork, type ChildProcess } from 'node:child_process'

export class ChildChannel {
  private readonly waiting = new Map<string, Array<(message: unknown) => void>>()

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: { type?: string }) => {
      const queue = this.waiting.get(message?.type ?? '')
      queue?.shift()?.(message)
    })
  }

  /** Forks a TypeScript module (through tsx) as a child with an IPC channel. */
  static fork(modulePath: string, env: Record<string, string> = {}): ChildChannel {
    return new ChildChannel(
      fork(modulePath, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      }),
    )
  }

  get pid(): number {
    return this.child.pid!
  }

  request<T>(command: { type: string; [key: string]: unknown }, answerType: string, timeoutMs = 120_000): Promise<T> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`child ${this.pid} is gone (asked ${command.type})`))
      const timer = setTimeout(() => reject(new Error(`no ${answerType} from child ${this.pid} within ${timeoutMs} ms`)), timeoutMs)
      const queue = this.waiting.get(answerType) ?? []
      queue.push((message) => {
        clearTimeout(timer)
        resolve(message as T)
      })
      this.waiting.set(answerType, queue)
      this.child.send(command)
    })
  }

  /** Ends the child: closing its IPC channel makes it exit; SIGKILL if it has not after 5 s. */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve()
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
      this.child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      if (this.child.connected) this.child.disconnect()
      else this.child.kill('SIGTERM')
    })
  }
}
