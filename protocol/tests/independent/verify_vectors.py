#!/usr/bin/env python3
"""An independent reader of the Commons golden vectors, written from docs/protocol.md
with Python's hashlib and the `cryptography` package's Ed25519, sharing no code with
the Rust crate. It checks the charter's founder signatures and network id, every
record's id, signature, network and feed chaining, and the root signatures inside
delegations, revocations and rotations; and it opens the sample working group's epoch
key (HPKE, RFC 9180) and its record's content (XChaCha20-Poly1305) from §4.8 alone.

Run: python3 protocol/tests/independent/verify_vectors.py
"""

import hashlib
import hmac
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

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
         13: "revision", 14: "practice-with-attachments", 15: "sealing-key", 16: "group-founding",
         17: "group-vote", 18: "group-keys", 19: "group-record", 20: "group-history",
         21: "redaction-vote"}
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
# Working groups (§4.3, kinds 16 and 17): the vote names the founding, admits the second
# founder (GroupChoice 0 = Admit) with the history (01). Kind 15 is kept for sealing keys.
founding = Reader(records["group-founding"]["body"])
check("group founding: name", founding.text() == "Strategic litigation")
founding.text()                           # purpose
check("group founding: admission 1/2 (Threshold 1 = Fraction)", [founding.varint() for _ in range(3)] == [1, 1, 2])
check("group founding: removal 2/3", [founding.varint() for _ in range(3)] == [1, 2, 3])
founding.done()
group_vote = Reader(records["group-vote"]["body"])
check("group vote names the founding", group_vote.take(32) == records["group-founding"]["id"])
check("group vote: subject is a founder", group_vote.take(32) in founders)
check("group vote: admit with history", group_vote.varint() == 0 and group_vote.take(1) == b"\x01")
group_vote.done()

# Redaction by vote (§4.3 kind 21, §10.7): the vote names the case study and the device
# that signed it, with a reason that is not blank; it is by another founder.
redaction = Reader(records["redaction-vote"]["body"])
check("redaction vote names the case study", redaction.take(32) == records["practice"]["id"])
check("redaction vote names its author device", redaction.take(32) == records["practice"]["author"])
check("redaction vote has a reason", redaction.text().strip() != "")
redaction.done()
check("redaction vote is by another org's device",
      records["redaction-vote"]["author"] != records["practice"]["author"])

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

# Working groups' sealing (§4.8), from RFC 9180 and RFC 8439 with the `cryptography`
# package's X25519, HMAC-SHA256 and ChaCha20-Poly1305; HChaCha20 (for XChaCha20) is
# written out here from draft-irtf-cfrg-xchacha.
def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:length]


def labeled_extract(suite, salt, label, ikm):
    return hkdf_extract(salt, b"HPKE-v1" + suite + label + ikm)


def labeled_expand(suite, prk, label, info, length):
    return hkdf_expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info, length)


KEM_SUITE = b"KEM" + (0x0020).to_bytes(2, "big")
HPKE_SUITE = b"HPKE" + (0x0020).to_bytes(2, "big") + (0x0001).to_bytes(2, "big") + (0x0003).to_bytes(2, "big")


def x25519_derive_secret(ikm):
    prk = labeled_extract(KEM_SUITE, b"", b"dkp_prk", ikm)
    return labeled_expand(KEM_SUITE, prk, b"sk", b"", 32)


def hpke_open_base(secret_bytes, enc, info, aad, ciphertext):
    secret = X25519PrivateKey.from_private_bytes(secret_bytes)
    public = secret.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    dh = secret.exchange(X25519PublicKey.from_public_bytes(enc))
    eae_prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh)
    shared = labeled_expand(KEM_SUITE, eae_prk, b"shared_secret", enc + public, 32)
    context = (b"\x00" + labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"")
               + labeled_extract(HPKE_SUITE, b"", b"info_hash", info))
    key_secret = labeled_extract(HPKE_SUITE, shared, b"secret", b"")
    key = labeled_expand(HPKE_SUITE, key_secret, b"key", context, 32)
    nonce = labeled_expand(HPKE_SUITE, key_secret, b"base_nonce", context, 12)
    return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad)


def hchacha20(key, nonce16):
    def rotl(v, n):
        return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))

    def quarter(s, a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    words = lambda data: [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]
    state = words(b"expand 32-byte k") + words(key) + words(nonce16)
    for _ in range(10):
        quarter(state, 0, 4, 8, 12); quarter(state, 1, 5, 9, 13)
        quarter(state, 2, 6, 10, 14); quarter(state, 3, 7, 11, 15)
        quarter(state, 0, 5, 10, 15); quarter(state, 1, 6, 11, 12)
        quarter(state, 2, 7, 8, 13); quarter(state, 3, 4, 9, 14)
    return b"".join(w.to_bytes(4, "little") for w in state[0:4] + state[12:16])


def xchacha20poly1305_decrypt(key, nonce24, ciphertext, aad):
    subkey = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(subkey).decrypt(b"\x00" * 4 + nonce24[16:], ciphertext, aad)


# HChaCha20's own test vector (draft-irtf-cfrg-xchacha-03 §2.2.1).
check("HChaCha20 test vector", hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927"))
      == bytes.fromhex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"))

founding_id = records["group-founding"]["id"]
sealing_key = Reader(records["sealing-key"]["body"]).take(32)
sealing_secret = x25519_derive_secret(bytes([0x50]) * 32)
check("sealing key: DeriveKeyPair([50; 32])",
      X25519PrivateKey.from_private_bytes(sealing_secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
      == sealing_key)
keys = Reader(records["group-keys"]["body"])
check("group keys: names the group", keys.take(32) == founding_id)
check("group keys: first epoch (follows None)", keys.option(lambda: keys.take(32)) is None)
check("group keys: sealed to one device", keys.varint() == 1)
device, enc, sealed, tag = keys.take(32), keys.take(32), keys.take(32), keys.take(16)
keys.done()
check("group keys: sealed to the author's device", device == records["group-keys"]["author"])
epoch_key = hpke_open_base(sealing_secret, enc, b"commons/group-key/v1\x00" + network + founding_id + device, b"",
                           sealed + tag)
check("group keys: the epoch key opens, [60; 32]", epoch_key == bytes([0x60]) * 32)
sealed_record = Reader(records["group-record"]["body"])
check("group record: names the group", sealed_record.take(32) == founding_id)
check("group record: names the epoch", sealed_record.take(32) == records["group-keys"]["id"])
nonce, ciphertext = sealed_record.take(24), sealed_record.byte_string()
sealed_record.done()
aad = (b"commons/group-record/v1\x00" + network + founding_id + records["group-keys"]["id"]
       + records["group-record"]["author"])
content = Reader(xchacha20poly1305_decrypt(epoch_key, nonce, ciphertext, aad))
check("group record: the content is a case study (kind 5)", content.varint() == 5)
inner = Reader(content.byte_string())
content.done()
check("group record: the case study's title",
      inner.text() == "Preparing a community witness for a land hearing")
history = Reader(records["group-history"]["body"])
check("group history: names the group", history.take(32) == founding_id)
check("group history: one key", history.varint() == 1)
check("group history: for the first epoch", history.take(32) == records["group-keys"]["id"])
h_device, h_enc, h_sealed, h_tag = history.take(32), history.take(32), history.take(32), history.take(16)
history.done()
check("group history: the first epoch's key opens for org 1's sealing key [51; 32]",
      hpke_open_base(x25519_derive_secret(bytes([0x51]) * 32), h_enc,
                     b"commons/group-key/v1\x00" + network + founding_id + h_device, b"", h_sealed + h_tag)
      == bytes([0x60]) * 32)
check("group record: the plaintext is group-content.hex",
      varint_bytes(5) in read_hex("group-content") and read_hex("group-content").endswith(inner.data))

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
