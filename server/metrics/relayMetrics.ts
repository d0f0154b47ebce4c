/**
 * The relay's Prometheus metrics, served at GET /metrics. One registry per server, so tests that
 * start several servers in one process do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export class RelayMetrics {
  readonly registry = new Registry()
  readonly connections = new Gauge({ name: 'tt_connections', help: 'Open websocket connections (admitting or open).', registers: [this.registry] })
  readonly documentsLoaded = new Gauge({ name: 'tt_documents_loaded', help: 'Board documents held in memory.', registers: [this.registry] })
  readonly messagesIn = new Counter({
    name: 'tt_messages_received_total',
    help: 'Messages received from clients, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })
  readonly messagesOut = new Counter({ name: 'tt_messages_sent_total', help: 'Messages sent to clients.', registers: [this.registry] })
  readonly bytesIn = new Counter({ name: 'tt_bytes_received_total', help: 'Bytes received in websocket messages.', registers: [this.registry] })
  readonly bytesOut = new Counter({ name: 'tt_bytes_sent_total', help: 'Bytes sent in websocket messages.', registers: [this.registry] })
  readonly updatesStored = new Counter({ name: 'tt_updates_stored_total', help: 'Document updates committed to storage.', registers: [this.registry] })
  readonly closes = new Counter({
    name: 'tt_connections_closed_total',
    help: 'Connections the server closed, by close code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  })
  readonly catchUps = new Counter({
    name: 'tt_connection_catch_ups_total',
    help: 'Connections that fell behind (MAX_BUFFERED_BYTES), read what was queued and were sent one catch-up.',
    registers: [this.registry],
  })
  readonly refusedUpgrades = new Counter({
    name: 'tt_upgrades_refused_total',
    help: 'Websocket upgrades refused before a connection was made, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly storageWriteSeconds = new Histogram({
    name: 'tt_storage_write_seconds',
    help: 'Time to commit one batch of updates.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  })
  readonly storageLoadSeconds = new Histogram({
    name: 'tt_storage_load_seconds',
    help: 'Time to load one document from storage.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  })
  readonly storageFailures = new Counter({ name: 'tt_storage_failures_total', help: 'Failed storage writes.', registers: [this.registry] })
  readonly updatesRejected = new Counter({
    name: 'tt_updates_rejected_total',
    help: 'Client updates not applied, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })

  constructor() {
    // Node's own metrics under our prefix: tt_process_cpu_seconds_total, tt_nodejs_heap_size_used_bytes, …
    collectDefaultMetrics({ register: this.registry, prefix: 'tt_' })
    // prom-client's sums of the per-type gauges are gauges named …_total, which Prometheus keeps
    // for counters; sum(tt_nodejs_active_handles) says the same.
    for (const name of ['tt_nodejs_active_resources_total', 'tt_nodejs_active_handles_total', 'tt_nodejs_active_requests_total']) {
      this.registry.removeSingleMetric(name)
    }
  }
}
