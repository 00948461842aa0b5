#!/usr/bin/env python3
"""An independent reader of the Commons golden vectors, written from docs/protocol.md
with Python's hashlib and the `cryptography` package's Ed25519, sharing no code with
the Rust crate. It checks the charter's founder signatures and network id, every
record's id, signature, network and feed chaining, and the root signatures inside
delegations, revocations and rotations.

Run: python3 protocol/tests/independent/verify_vectors.py
"""

import hashlib
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "vectors"


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        if n > len(self.data) - self.at:
            raise ValueError("length beyond the remaining input")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def varint(self):
        value, shift = 0, 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def byte_string(self):
        return self.take(self.varint())

    def text(self):
        return self.byte_string().decode("utf-8")

    def option(self, read):
        tag = self.take(1)[0]
        if tag not in (0, 1):
            raise ValueError("bad option tag")
        return read() if tag else None

    def done(self):
        if self.at != len(self.data):
            raise ValueError(f"{len(self.data) - self.at} trailing bytes")


def varint_bytes(value):
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def verify(key, domain, message, signature):
    Ed25519PublicKey.from_public_bytes(key).verify(signature, domain + b"\x00" + message)


checks = {"passed": 0, "failed": 0}


def check(name, condition_or_fn):
    try:
        ok = condition_or_fn() if callable(condition_or_fn) else condition_or_fn
        if ok is False:
            raise AssertionError("condition is false")
        checks["passed"] += 1
    except (AssertionError, ValueError, InvalidSignature) as error:
        checks["failed"] += 1
        print(f"FAILED {name}: {error!r}")


def read_hex(name):
    return bytes.fromhex((VECTORS / f"{name}.hex").read_text().strip())


# The charter file: { charter: bytes, signatures: [ { org: [32], signature: [64] } ] }.
charter_file = Reader(read_hex("charter"))
charter_bytes = charter_file.byte_string()
signatures = [(charter_file.take(32), charter_file.take(64)) for _ in range(charter_file.varint())]
charter_file.done()
network = hashlib.sha256(charter_bytes).digest()

charter = Reader(charter_bytes)
check("charter version", charter.take(1) == b"\x01")
charter.text()  # name
founders = []
for _ in range(charter.varint()):
    founders.append(charter.take(32))
    charter.text()
check("founders sorted", founders == sorted(founders))
check("every founder signed", [org for org, _ in signatures] == founders)
for org, signature in signatures:
    check(f"founder {org.hex()[:8]} signature", lambda: verify(org, b"commons/charter/v1", charter_bytes, signature))

KINDS = {1: "delegation", 2: "revocation", 3: "root-rotation", 4: "profile", 5: "practice", 6: "campaign",
         7: "campaign-update", 8: "alert", 9: "alert-response", 10: "retraction", 11: "application", 12: "vote",
         13: "revision", 14: "practice-with-attachments"}
records = {}
for kind_number, name in KINDS.items():
    signed = Reader(read_hex(name))
    payload = signed.byte_string()
    signature = signed.take(64)
    signed.done()
    header = Reader(payload)
    version = header.take(1)[0]
    record_network = header.take(32)
    author = header.take(32)
    seq = header.varint()
    prev = header.option(lambda: header.take(32))
    timestamp = header.varint()
    kind = header.varint()
    body = header.byte_string()
    header.done()
    record_id = hashlib.sha256(payload).digest()
    records[name] = dict(author=author, seq=seq, prev=prev, id=record_id, ts=timestamp, body=body)

    check(f"{name}: version 1", version == 1)
    check(f"{name}: this network", record_network == network)
    check(f"{name}: kind number", kind == kind_number)
    check(f"{name}: prev iff seq > 1", (prev is None) == (seq == 1))
    check(f"{name}: canonical seq varint", varint_bytes(seq) in payload)
    check(f"{name}: device signature", lambda: verify(author, b"commons/record/v1", payload, signature))

    body_reader = Reader(body)
    if name == "delegation":
        org, device, label = body_reader.take(32), body_reader.take(32), body_reader.text()
        root, root_signature = body_reader.take(32), body_reader.take(64)
        statement = network + org + device + varint_bytes(len(label.encode())) + label.encode()
        check("delegation: the author is the delegated device", device == author)
        check("delegation: root signature",
              lambda: verify(root, b"commons/delegation/v1", statement, root_signature))
        check("delegation: a founder's first root", root == org and org in founders)
    elif name == "revocation":
        org, device = body_reader.take(32), body_reader.take(32)
        from_seq = body_reader.varint()
        root, root_signature = body_reader.take(32), body_reader.take(64)
        statement = network + org + device + varint_bytes(from_seq)
        check("revocation: root signature",
              lambda: verify(root, b"commons/revocation/v1", statement, root_signature))
    elif name == "root-rotation":
        org, old_root, new_root = body_reader.take(32), body_reader.take(32), body_reader.take(32)
        old_signature, new_signature = body_reader.take(64), body_reader.take(64)
        statement = network + org + old_root + new_root
        check("rotation: old root signature",
              lambda: verify(old_root, b"commons/root-rotation/v1", statement, old_signature))
        check("rotation: new root signature",
              lambda: verify(new_root, b"commons/root-rotation/v1", statement, new_signature))
    else:
        continue
    body_reader.done()

# The first founder's feed: delegation (1), profile (2), practice (3), campaign (4).
chain = ["delegation", "profile", "practice", "campaign"]
for earlier, later in zip(chain, chain[1:]):
    check(f"{later} follows {earlier}", records[later]["prev"] == records[earlier]["id"]
          and records[later]["seq"] == records[earlier]["seq"] + 1
          and records[later]["ts"] > records[earlier]["ts"])
# References between records are by id.
check("the retraction names the practice", records["retraction"]["body"][:32] == records["practice"]["id"])
check("the update names the campaign", records["campaign-update"]["body"][:32] == records["campaign"]["id"])
check("the response names the alert", records["alert-response"]["body"][:32] == records["alert"]["id"])
check("the revision names the campaign", records["revision"]["body"][:32] == records["campaign"]["id"])
check("the revision is by the campaign's device", records["revision"]["author"] == records["campaign"]["author"])
check("the revision's content is a campaign (Revised index 2)", records["revision"]["body"][32] == 2)

# Attachments (§16): rebuild the sample file, cut it into 262 144-byte chunks, hash.
sample_file = bytes((i * 7) % 251 for i in range(300_000))
CHUNK = 262_144
chunk_hashes = [hashlib.sha256(sample_file[at:at + CHUNK]).digest() for at in range(0, len(sample_file), CHUNK)]
blob_id = hashlib.sha256(b"commons/blob/v1" + len(sample_file).to_bytes(8, "big") + b"".join(chunk_hashes)).digest()
check("blob id of the sample file", read_hex("blob-id") == blob_id)
listing = Reader(read_hex("blob-chunk-list-response"))
check("chunk list response: variant 0", listing.varint() == 0)
check("chunk list response: size", listing.varint() == len(sample_file))
check("chunk list response: hashes", [listing.take(32) for _ in range(listing.varint())] == chunk_hashes)
listing.done()
check("chunk request: variant 1, the id, chunk 1", read_hex("blob-chunk-request") == b"\x01" + blob_id + b"\x01")
check("chunk list request: variant 0, the id", read_hex("blob-chunk-list-request") == b"\x00" + blob_id)
practice = Reader(records["practice-with-attachments"]["body"])
for _ in range(3):
    practice.text()                       # title, summary, body
for _ in range(2):
    [practice.text() for _ in range(practice.varint())]  # themes, regions
practice.text(), practice.text()          # language, licence
[practice.text() for _ in range(practice.varint())]      # links
practice.take(1)                          # visibility
check("the case study carries one file", practice.varint() == 1)
name, media_type, size, named_blob = practice.text(), practice.text(), practice.varint(), practice.take(32)
practice.done()
check("the attachment names the sample file",
      (name, media_type, size, named_blob) == ("survey-form.pdf", "application/pdf", len(sample_file), blob_id))

# The fork proof: { first: bytes, second: bytes }, two records of one feed and seq.
proof = Reader(read_hex("fork-proof"))
first, second = proof.byte_string(), proof.byte_string()
proof.done()
halves = []
for signed_bytes in (first, second):
    signed = Reader(signed_bytes)
    payload, signature = signed.byte_string(), signed.take(64)
    header = Reader(payload)
    header.take(1 + 32)
    author = header.take(32)
    halves.append((author, header.varint(), hashlib.sha256(payload).digest()))
    check("fork proof: signature", lambda: verify(author, b"commons/record/v1", payload, signature))
check("fork proof: one author, one seq, two ids",
      halves[0][:2] == halves[1][:2] and halves[0][2] < halves[1][2])

print(f"vectors: {checks['passed']} passed, {checks['failed']} failed")
sys.exit(1 if checks["failed"] else 0)
