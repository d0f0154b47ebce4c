/**
 * The Dockerfile and the test that performs its steps (production.test.ts) must not drift apart:
 * both take their commands from PRODUCTION_STEPS, and this reads the Dockerfile to check it runs
 * them, in order, in the stages they belong to, and the rest of what the image promises.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PRODUCTION_STEPS } from './production.steps'

const ROOT = resolve(import.meta.dirname, '..', '..')

interface Stage {
  from: string
  instructions: Array<{ keyword: string; args: string }>
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  const stages: Stage[] = []
  for (const line of lines) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? []
    if (keyword.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] })
    else stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') })
  }
  return stages
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => i.args.split('&&').map((c) => c.trim()))

describe('the Dockerfile runs the steps the production test performs', () => {
  const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  const [build, runtime] = stages

  it('has a build stage and a slim runtime stage', () => {
    expect(stages).toHaveLength(2)
    expect(build.from).toMatch(/^node:20(\.\d+)*-slim AS build$/)
    expect(runtime.from).toMatch(/^node:20(\.\d+)*-slim AS runtime$/)
  })

  it('build stage: npm ci with dev dependencies, then npm run build', () => {
    expect(runs(build)).toEqual([PRODUCTION_STEPS.buildInstall, PRODUCTION_STEPS.build])
  })

  it('runtime stage: only package.json, package-lock.json and dist/, npm ci --omit=dev, node dist/server/main.js', () => {
    expect(runs(runtime)[0]).toBe(PRODUCTION_STEPS.runtimeInstall)
    expect(PRODUCTION_STEPS.runtimeInstall).toContain('npm ci --omit=dev')
    const copied = runtime.instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) =>
        i.args
          .replace(/^--from=\S+ /, '')
          .split(' ')
          .slice(0, -1),
      )
    expect(copied.map((path) => path.replace(/^\/app\//, ''))).toEqual([...PRODUCTION_STEPS.runtimeFiles])
    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD')
    expect(cmd).toHaveLength(1)
    expect((JSON.parse(cmd[0].args) as string[]).join(' ')).toBe(PRODUCTION_STEPS.start)
    expect(PRODUCTION_STEPS.start).toBe('node dist/server/main.js')
  })

  it('runtime stage: a non-root user, DATA_DIR=/data as a volume, HOST=0.0.0.0, a port and a health check on /healthz', () => {
    const of = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)
    expect(of('USER')).toEqual(['node'])
    expect(of('VOLUME')).toEqual(['/data'])
    expect(of('EXPOSE')).toEqual(['8080'])
    const env = of('ENV').join(' ')
    expect(env).toContain('HOST=0.0.0.0')
    expect(env).toContain('DATA_DIR=/data')
    expect(env).toContain('PORT=8080')
    expect(of('HEALTHCHECK').join(' ')).toContain('/healthz')
    // The user is set after everything that needs root, and before the command.
    const keywords = runtime.instructions.map((i) => i.keyword)
    expect(keywords.lastIndexOf('RUN')).toBeLessThan(keywords.indexOf('USER'))
  })

  it('keeps node_modules, dist and data out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
    for (const path of ['node_modules/', 'dist/', 'data/', '.git/']) expect(ignored).toContain(path)
  })

  it('compose runs one instance with its data on a volume', () => {
    const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8')
    expect(compose).toMatch(/^\s+- think-together-data:\/data$/m)
    expect(compose).toMatch(/^\s+build: \.$/m)
  })
})
