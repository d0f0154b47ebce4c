/**
 * /metrics in production: behind a bearer token (METRICS_TOKEN) or on a port of its own
 * (METRICS_PORT, and then not on the main port), with metric names that follow Prometheus's
 * conventions. /healthz and /readyz stay open.
 */
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDataDir, startServerExpectingRefusal, startServerProcess, makeDataDir, type ServerProcess } from '../helpers/serverProcess'

const TOKEN = 'metrics-token-for-the-test-0123456789'

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolvePromise(port))
    })
  })
}

/** Every metric family's name and type, from the # TYPE lines. */
function families(text: string): Array<{ name: string; type: string }> {
  return [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => ({ name: match[1], type: match[2] }))
}

describe('metrics access', () => {
  const servers: ServerProcess[] = []
  afterAll(async () => {
    for (const server of servers) {
      await server.stop()
      removeDataDir(server.dataDir)
    }
  })

  it('with METRICS_TOKEN, /metrics answers 401 without the bearer token or with a wrong one, 200 with it', async () => {
    const server = await startServerProcess({ env: { METRICS_TOKEN: TOKEN } })
    servers.push(server)
    const without = await fetch(`${server.url}/metrics`)
    expect(without.status).toBe(401)
    expect(without.headers.get('www-authenticate')).toContain('Bearer')
    expect(without.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}x` } })).status).toBe(401)
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: TOKEN } })).status).toBe(401)
    expect((await fetch(`${server.url}/metrics?token=${TOKEN}`)).status).toBe(401)
    const allowed = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(allowed.status).toBe(200)
    expect(await allowed.text()).toContain('tt_connections')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })

  it('with METRICS_PORT, /metrics is served there only (and still needs the token when one is set)', async () => {
    const metricsPort = await freePort()
    const server = await startServerProcess({ env: { METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN } })
    servers.push(server)
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404)
    const metricsUrl = `http://127.0.0.1:${metricsPort}`
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401)
    const allowed = await fetch(`${metricsUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    expect(allowed.status).toBe(200)
    expect(await allowed.text()).toContain('tt_connections')
    // Nothing else lives on the metrics port.
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(404)
    expect((await fetch(`${metricsUrl}/api/time`)).status).toBe(404)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('refuses to start with METRICS_PORT equal to PORT, or a METRICS_TOKEN shorter than 16 characters', async () => {
    const dataDir = makeDataDir()
    try {
      const port = await freePort()
      const same = await startServerExpectingRefusal({ dataDir, env: { PORT: String(port), METRICS_PORT: String(port) } })
      expect(same.exitCode).toBe(1)
      expect(JSON.stringify(same.logs)).toContain('METRICS_PORT')
      const short = await startServerExpectingRefusal({ dataDir, env: { METRICS_TOKEN: 'short' } })
      expect(short.exitCode).toBe(1)
      expect(JSON.stringify(short.logs)).toContain('METRICS_TOKEN')
    } finally {
      removeDataDir(dataDir)
    }
  })
})

describe('metric names', () => {
  let server: ServerProcess
  afterAll(async () => {
    await server?.stop()
    if (server) removeDataDir(server.dataDir)
  })

  it('every name is tt_-prefixed snake case without doubled words; only counters end in _total; units are base units', async () => {
    server = await startServerProcess()
    const names = families(await (await fetch(`${server.url}/metrics`)).text())
    expect(names.length).toBeGreaterThan(20)
    for (const { name, type } of names) {
      expect(name, name).toMatch(/^tt_[a-z][a-z0-9]*(_[a-z0-9]+)*$/)
      const words = name.split('_')
      for (let i = 1; i < words.length; i++) expect(words[i], `${name} repeats "${words[i]}"`).not.toBe(words[i - 1])
      expect(name, name).not.toMatch(/^tt_(tt|process_process|nodejs_nodejs)_/)
      if (type === 'counter') expect(name, `${name} is a counter`).toMatch(/_total$/)
      else expect(name, `${name} is a ${type}`).not.toMatch(/_total$/)
      expect(name, name).not.toMatch(/_(milliseconds|ms|kilobytes|megabytes|kb|mb)(_|$)/)
    }
    const all = new Set(names.map((family) => family.name))
    for (const expected of [
      'tt_process_cpu_seconds_total',
      'tt_process_resident_memory_bytes',
      'tt_nodejs_heap_size_used_bytes',
      'tt_nodejs_eventloop_lag_p99_seconds',
      'tt_connections',
      'tt_storage_write_seconds',
    ]) {
      expect(all.has(expected), expected).toBe(true)
    }
  })
})
