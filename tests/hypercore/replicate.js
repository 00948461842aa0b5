// The hypercore peer baseline for the Commons network benchmarks: how fast hypercore
// replicates a feed of N blocks into an empty core over a real TCP socket on loopback,
// the writer and the reader in separate processes. Driven by `hypercore_rate` in
// tests/src/baseline.rs; runnable by hand:
//
//   node replicate.js serve COUNT SIZE     # prints: SERVING <port> <key hex>, serves
//                                          # until SIGTERM/SIGINT or its stdin pipe closes
//   node replicate.js fetch PORT KEY COUNT # prints: {"blocks":N,"seconds":S,"per_second":R}
//
// Storage goes in fresh directories under the OS temp dir (TMPDIR), removed on exit;
// the Rust side points TMPDIR at a directory it owns, so a killed process leaves
// nothing behind either.

'use strict'

const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const Hypercore = require('hypercore')

// Blocks per append call: one call per block spends the time in per-call overhead,
// and the benchmark is about replication, not about writing.
const APPEND_BATCH = 1000
// A fetch that has not finished by then has failed; better an error than a hang.
const FETCH_DEADLINE_MS = 10 * 60 * 1000

function usage () {
  console.error('usage: node replicate.js serve COUNT SIZE | fetch PORT KEY COUNT')
  process.exit(2)
}

function positive (text, what) {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`${what} must be a positive integer, not ${JSON.stringify(text)}`)
    process.exit(2)
  }
  return n
}

function tempDir (role) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hypercore-baseline-${role}-`))
}

function removeDir (dir) {
  fs.rmSync(dir, { recursive: true, force: true })
}

async function serve (count, size) {
  const dir = tempDir('writer')
  const core = new Hypercore(dir)
  const sockets = new Set()
  let server = null

  // Installed before the slow part, so a server stopped while writing cleans up too.
  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    if (server) server.close()
    for (const socket of sockets) socket.destroy()
    await core.close().catch(() => {})
    removeDir(dir)
    process.exit(0)
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  // Under a parent that holds our stdin as a pipe, the pipe closing means the parent
  // is gone (even if it was killed), so a server is never left behind. Run by hand,
  // stdin is a terminal or /dev/null, whose end means nothing.
  if (fs.fstatSync(0).isFIFO()) {
    process.stdin.on('end', shutdown)
    process.stdin.on('error', shutdown)
    process.stdin.resume()
  }

  await core.ready()
  for (let start = 0; start < count && !closing; start += APPEND_BATCH) {
    const batch = []
    for (let i = start; i < Math.min(start + APPEND_BATCH, count); i++) {
      // Distinct contents, so nothing could be deduplicated along the way.
      const block = Buffer.alloc(size, i & 0xff)
      block.writeUInt32BE(i >>> 0, 0)
      batch.push(block)
    }
    await core.append(batch)
  }
  if (closing) return

  server = net.createServer((socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    const stream = core.replicate(false, { keepAlive: false })
    socket.pipe(stream).pipe(socket)
    // A fetcher that goes away mid-stream is not the server's failure.
    stream.on('error', () => socket.destroy())
    socket.on('error', () => stream.destroy())
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    process.stdout.write(`SERVING ${port} ${core.key.toString('hex')}\n`)
  })
}

async function fetch (port, keyHex, count) {
  const key = Buffer.from(keyHex, 'hex')
  if (key.length !== 32) {
    console.error('KEY must be 64 hex digits')
    process.exit(2)
  }
  const dir = tempDir('reader')
  const core = new Hypercore(dir, key)
  let socket = null
  const deadline = setTimeout(() => {
    console.error(`fetch: not done after ${FETCH_DEADLINE_MS} ms, ${core.contiguousLength} of ${count} blocks`)
    removeDir(dir)
    process.exit(1)
  }, FETCH_DEADLINE_MS)

  try {
    await core.ready()
    socket = net.connect(port, '127.0.0.1')
    socket.setNoDelay(true)
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const started = process.hrtime.bigint()

    const stream = core.replicate(true, { keepAlive: false })
    socket.pipe(stream).pipe(socket)
    stream.on('error', () => {})
    socket.on('error', () => {})
    // Without this, a server that goes away leaves the download waiting for ever.
    const lost = new Promise((resolve, reject) => {
      socket.once('close', () => reject(new Error(`the server closed the connection at ${core.contiguousLength} of ${count} blocks`)))
    })
    lost.catch(() => {})

    await Promise.race([core.download({ start: 0, end: count }).done(), lost])
    const stored = core.contiguousLength >= count && (await core.has(0, count))
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (!stored) {
      throw new Error(`download done but only ${core.contiguousLength} of ${count} blocks stored`)
    }
    process.stdout.write(JSON.stringify({ blocks: count, seconds, per_second: count / seconds }) + '\n')
  } finally {
    clearTimeout(deadline)
    if (socket) socket.destroy()
    await core.close().catch(() => {})
    removeDir(dir)
  }
}

async function main () {
  const [role, ...args] = process.argv.slice(2)
  if (role === 'serve' && args.length === 2) {
    await serve(positive(args[0], 'COUNT'), positive(args[1], 'SIZE'))
  } else if (role === 'fetch' && args.length === 3) {
    await fetch(positive(args[0], 'PORT'), args[1], positive(args[2], 'COUNT'))
  } else {
    usage()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
