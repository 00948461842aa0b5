# The node page: this node's health in words.
node-title = This node
node-who = Who this node is
node-fact-network = Network
node-fact-org = Organization
node-fact-device = This device
node-fact-uptime = Running for
node-fact-members = Member organizations
node-fact-version = Version
node-device-unnamed = (no label)
node-uptime-just-started = just started
node-uptime-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
node-uptime-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
node-uptime-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
node-uptime-and = { $first } and { $second }

node-summary-ok = { $count ->
    [one] All is well: connected to 1 member's node and up to date.
   *[other] All is well: connected to { $count } members' nodes and up to date.
}
node-summary-catching-up = { $count ->
    [one] Catching up: 1 record still to come from peers. Leave the node running.
   *[other] Catching up: { $count } records still to come from peers. Leave the node running.
}
node-summary-no-peers = No member's node is connected: this node is not exchanging records right now. See “When something is wrong” below.
node-summary-held = Publishing is held after a restore: you can read, but not publish yet. See below.
node-summary-no-network = This node runs without a network: it does not connect to other members' nodes.
node-summary-network-failed = The node's network stopped answering. See “When something is wrong” below.

node-publishing = Publishing and storage
node-open-badge = Publishing: open
node-open = What you write here goes out to the network.
node-held = Publishing is held.
node-held-why = This node was restored from a backup. Before it signs anything new, it waits for member peers to tell it what it published after that backup, so it never signs two different records with the same number. You can read everything meanwhile. It resumes by itself.
node-held-progress = { $reported ->
    [0] No member peer has answered yet
    [one] 1 member peer has answered
   *[other] { $reported } member peers have answered
}; { $waiting ->
    [0] none is still to answer.
    [one] 1 more is connected and still to answer.
   *[other] { $waiting } more are connected and still to answer.
}
node-held-detail = Details for your operator
node-storage = Storage
node-storage-records = Records held
node-storage-retracted = Records retracted
node-storage-feeds = Feeds held
node-storage-size = Size on disk
node-storage-frozen = Frozen feeds
node-decimal-mark = .
node-size-bytes = { $size } bytes
node-size-kb = { $size } KB
node-size-mb = { $size } MB
node-size-gb = { $size } GB
node-size-tb = { $size } TB

node-peers = Peers
node-peer-count = { $count ->
    [0] No peer is connected.
    [one] 1 peer connected, { $members ->
        [one] a member's node.
       *[other] not a member's node.
    }
   *[other] { $count } peers connected, { $members } of them members' nodes.
}
node-reach-public = Other members' nodes can reach this node directly.
node-reach-relayed = This node is behind a router: other members reach it through the relay of { $relays }.
node-reach-relay-unknown = a member
node-reach-behind-nat = This node is behind a router, and no member's relay holds a place for it yet: other members reach it only when it connects to them. Your operator can forward port 7411 to it (see "Behind a router" in the operations guide).
node-reach-unknown = Whether other members can reach this node directly is not known yet: its peers have not tested it.
node-peers-none = The node keeps trying to reach the peers it knows and finds others on the local network.
node-no-network = This node runs without a network, so it has no peers and syncs with no one. Ask your operator to start it with commons node run to connect it to the other members.
node-network-failed = The network did not answer: { $detail }
node-peer-org = Organization
node-peer-device = Device name
node-peer-connected = Connected
node-peer-last-sync = Last exchange
node-peer-received = Records received
node-peer-not-member = Not a member
node-peer-not-member-badge = not a member
node-peer-applicant = { $org }
node-peer-unknown-device = unknown device
node-peer-not-synced = not yet

node-feeds = How far behind this node is
node-feeds-what = Each device of each organization writes its own chain of records, a feed. This compares what this node holds of each feed with the most any member's node has reported.
node-feeds-no-network = Without a network, this node compares its feeds with no one.
node-feeds-all-caught-up = { $count ->
    [0] No feeds held or reported yet.
    [one] The only feed is up to date with what peers reported.
   *[other] All { $count } feeds are up to date with what peers reported.
}
node-feeds-behind = { $records ->
    [one] 1 record behind
   *[other] { $records } records behind
} on { $feeds } of { $total } feeds: catching up.
node-feeds-not-shown = { $count ->
    [one] 1 more feed, up to date, is not listed.
   *[other] { $count } more feeds, up to date, are not listed.
}
node-feed-held-here = Held here
node-feed-state = State
node-feed-held = { $count ->
    [one] 1 record
   *[other] { $count } records
}
node-feed-up-to-date = up to date
node-feed-behind = { $count ->
    [one] 1 record behind, catching up
   *[other] { $count } records behind, catching up
}
node-feed-waiting = waiting for peers
node-feed-not-reported = no peer has reported it yet
node-feed-unknown-org = Unknown organization
node-feed-frozen = frozen

node-wrong = When something is wrong
node-advice-now = Applies now
node-advice-no-network-title = The node runs without a network
node-advice-no-network = It was started without connecting to other members' nodes. Ask your operator to run it with commons node run.
node-advice-no-peers-title = No peers are connected
node-advice-no-peers = Check that this computer is connected to the internet. If it is and no peer appears within a few minutes, ask your operator to check the node's bootstrap addresses (in its config.toml) and that the firewall lets the node's port through. Nothing is lost meanwhile: what you publish waits here and goes out when peers connect.
node-advice-behind-title = The node is far behind
node-advice-behind = A node that was off or offline for a while catches up by itself. Leave it running and connected; the counts above go down as records arrive. In a large network this can take a while.
node-advice-held-title = Publishing is held
node-advice-held = After a restore from a backup, the node waits until member peers tell it what it published after that backup. Reading works meanwhile, and publishing resumes by itself once they have answered. If it stays held for more than a few minutes while peers are connected, ask your operator to check commons peers and the restore section of the operations guide.
node-advice-disk-title = The disk is almost full
node-advice-disk = When the disk fills up, the node stops storing new records, yours and your peers', but keeps everything it has and keeps showing it. Ask your operator to free space or give the node a larger disk; it resumes by itself, and peers send the missing records again. Keep an eye on the size on disk above.
node-advice-outsider-title = A peer is “not a member”
node-advice-outsider = It is the node of an organization that has applied to join, or a device the network does not know. This node takes only its application and profile from it and sends it nothing until members admit it.
node-advice-stopped-title = The network stopped answering
node-advice-stopped = The part of the node that talks to peers stopped. Ask your operator to look at the node's log and restart the node.
