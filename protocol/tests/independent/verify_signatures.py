#!/usr/bin/env python3
"""An independent check of the signature rule (docs/protocol.md §2.3), written from the
text alone with Python's integers and hashlib: no Ed25519 library, because the rule's
last step (the cofactored equation) is not what plain RFC 8032 libraries check. It reads
protocol/tests/vectors/signatures.txt (one case per line: `valid` or `invalid`, key,
message and signature in hex, then a name) and gives every case its verdict.

The curve arithmetic follows RFC 8032 §5.1 and its §6 reference code; the checks before
the equation are the protocol's own (§2.2 for the key, §2.3 steps 2 and 3).

Run: python3 protocol/tests/independent/verify_signatures.py
"""

import hashlib
import pathlib
import sys

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "vectors" / "signatures.txt"

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def add(a, b):
    """Extended coordinates (X, Y, Z, T), RFC 8032 §5.1.4."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def negate(a):
    x, y, z, t = a
    return (-x % P, y, z, -t % P)


def multiply(scalar, point):
    result = IDENTITY
    while scalar:
        if scalar & 1:
            result = add(result, point)
        point = add(point, point)
        scalar >>= 1
    return result


def is_identity(a):
    x, y, z, _ = a
    return x % P == 0 and (y - z) % P == 0


def decode_point(encoding):
    """A point from 32 bytes, or None; y must already be below P (checked by the caller)."""
    value = int.from_bytes(encoding, "little")
    y, sign = value & ((1 << 255) - 1), value >> 255
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        if sign:
            return None
        return (0, y, 1, 0)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def canonical_y(encoding):
    return int.from_bytes(encoding, "little") & ((1 << 255) - 1) < P


BASE_Y = 4 * pow(5, P - 2, P) % P
BASE = decode_point(BASE_Y.to_bytes(32, "little"))


def small_order(point):
    return is_identity(multiply(8, point))


def valid(key, message, signature):
    # §2.2: the key is canonical, a point, and not of small order.
    if not canonical_y(key):
        return False
    a = decode_point(key)
    if a is None or small_order(a):
        return False
    r_bytes, s_bytes = signature[:32], signature[32:]
    # §2.3 step 2: R canonical and not one of the small-order encodings (checked here
    # on the decoded point, which names the same ten encodings once y < P).
    if not canonical_y(r_bytes):
        return False
    r = decode_point(r_bytes)
    if r is None or small_order(r):
        return False
    # Step 3: s < L.
    s = int.from_bytes(s_bytes, "little")
    if s >= L:
        return False
    # Steps 4 and 5: k, then [8]([s]B - [k]A - R) is the identity.
    k = int.from_bytes(hashlib.sha512(r_bytes + key + message).digest(), "little") % L
    difference = add(add(multiply(s, BASE), negate(multiply(k, a))), negate(r))
    return is_identity(multiply(8, difference))


def main():
    failures, count = [], 0
    for line in VECTORS.read_text().splitlines():
        verdict, key, message, signature, name = line.split(" ", 4)
        count += 1
        got = valid(bytes.fromhex(key), bytes.fromhex(message), bytes.fromhex(signature))
        if got != (verdict == "valid"):
            failures.append(f"{name}: expected {verdict}, got {'valid' if got else 'invalid'}")
    for failure in failures:
        print("FAIL", failure)
    print(f"{count - len(failures)} of {count} signature verdicts agree with the Rust crate")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
