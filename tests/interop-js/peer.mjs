// An independent implementation facing a Commons node: a js-libp2p peer (TCP, Noise,
// Yamux, identify, ping, gossipsub) that dials the node, pings it and gossips on its
// records topic. Driven by tests/tests/interop_js.rs; runnable by hand:
//
//   node peer.mjs --seed HEX --dial MULTIADDR --topic TOPIC [--deadline-secs N]
//
// --seed is the 32-byte ed25519 seed of the peer's key in hex (a Commons device key is
// the node's libp2p identity, so a member device's `device.key` makes this peer that
// device). The peer prints one JSON object per line on stdout:
//
//   {"event":"started","peer_id":…}                 once, before dialing
//   {"event":"connected","peer_id":…}               the dial succeeded
//   {"event":"subscribed","peer_id":…,"topic":…}    a peer subscribed to TOPIC
//   {"event":"message","id":HEX,"data":HEX,"from":…} a gossip message on TOPIC
//   {"event":"ping","rtt_ms":[…],"elapsed_ms":[…]}  answer to "ping"
//   {"event":"published","id":HEX,"recipients":N}   answer to "publish"
//   {"event":"stats","messages":N}                  answer to "stats"
//   {"event":"error","command":…,"error":…}         a command failed
//
// and reads commands, one JSON object per line, on stdin:
//
//   {"command":"ping","count":N}        N pings of the dialed peer
//   {"command":"publish","data":HEX}    gossip these bytes on TOPIC
//   {"command":"stats"}                 how many messages arrived so far
//
// It exits when stdin closes (the test that started it is gone), on SIGTERM, or at the
// deadline, whichever comes first: never a process left behind.

import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { StrictNoSign } from '@libp2p/interface'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

// The largest gossip frame a Commons node sends or takes: a 64 KiB signed record and
// 4 KiB of framing (node/src/network/behaviour.rs, GOSSIP_MAX_TRANSMIT_BYTES).
const MAX_TRANSMIT_BYTES = 64 * 1024 + 4 * 1024
// A process left running this long has been forgotten by its test.
const DEFAULT_DEADLINE_SECS = 300

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function fail (message) {
  process.stderr.write(`peer.mjs: ${message}\n`)
  process.exit(2)
}

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string' },
    dial: { type: 'string' },
    topic: { type: 'string' },
    'deadline-secs': { type: 'string', default: String(DEFAULT_DEADLINE_SECS) }
  }
})
if (args.seed === undefined || !/^[0-9a-f]{64}$/.test(args.seed)) {
  fail('--seed must be 64 lowercase hex digits (an ed25519 seed)')
}
if (args.dial === undefined || args.topic === undefined) {
  fail('usage: node peer.mjs --seed HEX --dial MULTIADDR --topic TOPIC [--deadline-secs N]')
}
const deadlineSecs = Number(args['deadline-secs'])
if (!Number.isInteger(deadlineSecs) || deadlineSecs <= 0) {
  fail('--deadline-secs must be a positive whole number')
}

// Commons names a gossip message by the SHA-256 of its bytes (the signed record), as
// rust-libp2p's gossipsub does there with `message_id_fn`; messages carry no author,
// sequence number or signature of their own (StrictNoSign here, Anonymous there).
function messageId (message) {
  return createHash('sha256').update(message.data).digest()
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')

const privateKey = await generateKeyPairFromSeed('Ed25519', Buffer.from(args.seed, 'hex'))
const node = await createLibp2p({
  privateKey,
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      globalSignaturePolicy: StrictNoSign,
      msgIdFn: messageId,
      maxInboundDataLength: MAX_TRANSMIT_BYTES,
      emitSelf: false
    })
  }
})

let stopping = false
async function stop (code) {
  if (stopping) return
  stopping = true
  clearTimeout(deadline)
  try {
    await node.stop()
  } finally {
    process.exit(code)
  }
}
const deadline = setTimeout(() => {
  process.stderr.write(`peer.mjs: deadline of ${deadlineSecs} s reached, exiting\n`)
  stop(1)
}, deadlineSecs * 1000)
process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))

const pubsub = node.services.pubsub
let messages = 0
pubsub.addEventListener('gossipsub:message', ({ detail }) => {
  if (detail.msg.topic !== args.topic) return
  messages += 1
  emit({
    event: 'message',
    id: hex(detail.msgId instanceof Uint8Array ? detail.msgId : Buffer.from(detail.msgId, 'base64')),
    data: hex(detail.msg.data),
    from: detail.propagationSource.toString()
  })
})
pubsub.addEventListener('subscription-change', ({ detail }) => {
  for (const { topic, subscribe } of detail.subscriptions) {
    if (topic === args.topic && subscribe) {
      emit({ event: 'subscribed', peer_id: detail.peerId.toString(), topic })
    }
  }
})
pubsub.subscribe(args.topic)

emit({ event: 'started', peer_id: node.peerId.toString() })
let connection
try {
  connection = await node.dial(multiaddr(args.dial))
} catch (error) {
  emit({ event: 'error', command: 'dial', error: String(error?.message ?? error) })
  await stop(1)
}
emit({ event: 'connected', peer_id: connection.remotePeer.toString() })

async function run (command) {
  switch (command.command) {
    case 'ping': {
      // libp2p's own figure is in whole milliseconds (Date.now()); the same span is
      // also timed here with the monotonic clock, to a fraction of one. Each ping opens
      // a stream and negotiates /ipfs/ping/1.0.0 on it before the 32-byte echo.
      const rtts = []
      const elapsed = []
      for (let i = 0; i < (command.count ?? 1); i++) {
        const start = performance.now()
        rtts.push(await node.services.ping.ping(connection.remotePeer))
        elapsed.push(performance.now() - start)
      }
      return { event: 'ping', rtt_ms: rtts, elapsed_ms: elapsed }
    }
    case 'publish': {
      const data = Buffer.from(command.data, 'hex')
      const { recipients } = await pubsub.publish(args.topic, data)
      return {
        event: 'published',
        id: hex(messageId({ data })),
        recipients: recipients.length
      }
    }
    case 'stats':
      return { event: 'stats', messages }
    default:
      throw new Error(`unknown command ${JSON.stringify(command.command)}`)
  }
}

// Commands run one at a time, in the order received, so their answers come in order.
let queue = Promise.resolve()
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line.trim() === '') return
  queue = queue.then(async () => {
    let command
    try {
      command = JSON.parse(line)
      emit(await run(command))
    } catch (error) {
      emit({ event: 'error', command: command?.command ?? null, error: String(error?.message ?? error) })
    }
  })
})
lines.on('close', () => { queue.then(() => stop(0)) })
