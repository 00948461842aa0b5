//! Single and batch signature verification give the same verdict on every signature
//! (docs/protocol.md §2.3, §6): crafted ones with torsion components of order 2, 4 and
//! 8 in R and in the key, non-canonical encodings of R and s, small-order R, and
//! 100,000 made from fixed seeds, valid and damaged. Nothing here is random: every
//! scalar comes from SHA-512 of a counter.

#![allow(clippy::unwrap_used)] // Tests unwrap what they build to be valid.

mod common;

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use sha2::{Digest, Sha512};

use commons_protocol::signature::{SMALL_ORDER_ENCODINGS, SignatureBatch};
use commons_protocol::{DeviceKey, Signature};

/// A scalar from a label and a counter.
fn scalar(label: &str, index: u64) -> Scalar {
    let mut hash = Sha512::new();
    hash.update(label.as_bytes());
    hash.update(index.to_le_bytes());
    let wide: [u8; 64] = hash.finalize().into();
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// The order of a torsion point (1, 2, 4 or 8).
fn order(point: &EdwardsPoint) -> u8 {
    [1u8, 2, 4, 8]
        .into_iter()
        .find(|n| (Scalar::from(*n) * point).is_identity())
        .unwrap_or(0)
}

/// One signature to check: a key's bytes, a message and 64 signature bytes.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    key: [u8; 32],
    message: Vec<u8>,
    signature: [u8; 64],
}

/// Signs `message` with secret scalar `a` whose public key is `a_point` (which may
/// carry torsion), using nonce point `r_point` = r·B (+ torsion), and the given byte
/// encodings of R and of the key (canonical unless a case says otherwise).
fn sign_raw(a: Scalar, key: [u8; 32], r: Scalar, r_bytes: [u8; 32], message: &[u8]) -> [u8; 64] {
    let mut hash = Sha512::new();
    hash.update(r_bytes);
    hash.update(key);
    hash.update(message);
    let wide: [u8; 64] = hash.finalize().into();
    let k = Scalar::from_bytes_mod_order_wide(&wide);
    let s = r + k * a;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r_bytes);
    signature[32..].copy_from_slice(s.as_bytes());
    signature
}

fn honest(index: u64, message: &[u8]) -> Case {
    let a = scalar("key", index);
    let key = (a * B).compress().to_bytes();
    let r = scalar("nonce", index);
    let r_bytes = (r * B).compress().to_bytes();
    Case {
        name: format!("honest {index}"),
        key,
        message: message.to_vec(),
        signature: sign_raw(a, key, r, r_bytes, message),
    }
}

/// The verdict of checking one case alone: the key must be acceptable, then the
/// signature must hold.
fn single(case: &Case) -> bool {
    let Ok(key) = DeviceKey::from_bytes(case.key) else {
        return false;
    };
    let key = key.checked().unwrap();
    key.verify(&case.message, &Signature::from_bytes(case.signature))
        .is_ok()
}

/// The verdict of a batch of `cases`: all of them hold.
fn batch(cases: &[Case]) -> bool {
    let mut batch = SignatureBatch::new();
    for case in cases {
        let Ok(key) = DeviceKey::from_bytes(case.key) else {
            return false;
        };
        let key = key.checked().unwrap();
        if batch
            .add(&key, &case.message, &Signature::from_bytes(case.signature))
            .is_err()
        {
            return false;
        }
    }
    batch.verify()
}

fn crafted() -> Vec<Case> {
    let mut cases = Vec::new();
    let message = b"a case study's payload".to_vec();
    for (torsion_index, torsion) in EIGHT_TORSION.iter().enumerate().skip(1) {
        let ord = order(torsion);
        let index = torsion_index as u64;
        let a = scalar("torsion key", index);
        let r = scalar("torsion nonce", index);
        // Torsion in R: R = r·B + T.
        let key = (a * B).compress().to_bytes();
        let r_bytes = (r * B + torsion).compress().to_bytes();
        cases.push(Case {
            name: format!("R with a component of order {ord}"),
            key,
            message: message.clone(),
            signature: sign_raw(a, key, r, r_bytes, &message),
        });
        // Torsion in the key: A = a·B + T.
        let key = (a * B + torsion).compress().to_bytes();
        let r_bytes = (r * B).compress().to_bytes();
        cases.push(Case {
            name: format!("key with a component of order {ord}"),
            key,
            message: message.clone(),
            signature: sign_raw(a, key, r, r_bytes, &message),
        });
        // Both.
        let key = (a * B + torsion).compress().to_bytes();
        let r_bytes = (r * B + torsion).compress().to_bytes();
        cases.push(Case {
            name: format!("key and R with components of order {ord}"),
            key,
            message: message.clone(),
            signature: sign_raw(a, key, r, r_bytes, &message),
        });
        // R of small order: R = T, s = k·a.
        let key = (a * B).compress().to_bytes();
        let r_bytes = torsion.compress().to_bytes();
        cases.push(Case {
            name: format!("R of small order {ord}"),
            key,
            message: message.clone(),
            signature: sign_raw(a, key, Scalar::ZERO, r_bytes, &message),
        });
        // The key of small order itself.
        cases.push(Case {
            name: format!("key of small order {ord}"),
            key: torsion.compress().to_bytes(),
            message: message.clone(),
            signature: sign_raw(
                Scalar::ZERO,
                torsion.compress().to_bytes(),
                r,
                (r * B).compress().to_bytes(),
                &message,
            ),
        });
    }
    // Every small-order encoding as R, including the non-canonical "negative zeros".
    for (index, r_bytes) in SMALL_ORDER_ENCODINGS.iter().enumerate() {
        let a = scalar("small R key", index as u64);
        let key = (a * B).compress().to_bytes();
        cases.push(Case {
            name: format!("small-order R encoding {index}"),
            key,
            message: message.clone(),
            signature: sign_raw(a, key, Scalar::ZERO, *r_bytes, &message),
        });
    }
    // R encoded with y ≥ p: y + p for the points whose y is below 19 and that are on
    // the curve with large order.
    for small_y in 2u8..19 {
        let mut encoding = [0u8; 32];
        encoding[0] = small_y;
        let Some(point) = CompressedEdwardsY(encoding).decompress() else {
            continue;
        };
        if point.is_small_order() {
            continue;
        }
        // y + p = y + 2^255 - 19: byte 0 is y - 19 + 256, bytes 1..31 are ff, top 7f.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = small_y.wrapping_sub(19);
        non_canonical[31] = 0x7f;
        let a = scalar("non-canonical R key", u64::from(small_y));
        let key = (a * B).compress().to_bytes();
        // Its discrete log is unknown, so no s makes it verify under the cofactorless
        // equation; under the cofactored one it still cannot. Either way it must be
        // refused by both paths, before any equation.
        cases.push(Case {
            name: format!("R encoded as y = {small_y} + p"),
            key,
            message: message.clone(),
            signature: sign_raw(
                a,
                key,
                scalar("nc nonce", u64::from(small_y)),
                non_canonical,
                &message,
            ),
        });
    }
    // s not reduced: s + ℓ.
    let mut unreduced = honest(7, &message);
    let s = Scalar::from_canonical_bytes(unreduced.signature[32..].try_into().unwrap()).unwrap();
    let mut wide = [0u8; 33];
    wide[..32].copy_from_slice(s.as_bytes());
    // ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian.
    let ell: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (byte, add) in wide.iter_mut().zip(ell.iter().chain([0u8].iter())) {
        let sum = u16::from(*byte) + u16::from(*add) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    if wide[32] == 0 {
        unreduced.signature[32..].copy_from_slice(&wide[..32]);
        unreduced.name = "s + ℓ".to_owned();
        cases.push(unreduced);
    }
    // A key encoded with y ≥ p.
    let mut non_canonical_key = honest(8, &message);
    non_canonical_key.key = [0xff; 32];
    non_canonical_key.key[0] = 0xee;
    non_canonical_key.key[31] = 0x7f;
    non_canonical_key.name = "key encoded with y ≥ p".to_owned();
    cases.push(non_canonical_key);
    cases
}

#[test]
fn crafted_signatures_get_the_same_verdict_alone_and_in_a_batch() {
    let cases = crafted();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut accepted = 0;
    for case in &cases {
        let alone = single(case);
        assert_eq!(alone, batch(std::slice::from_ref(case)), "{}", case.name);
        // Beside valid signatures, a batch holds exactly when the case does.
        let mut mixed: Vec<Case> = (100..103).map(|i| honest(i, b"beside")).collect();
        mixed.insert(1, case.clone());
        assert_eq!(alone, batch(&mixed), "{} in a batch of four", case.name);
        accepted += usize::from(alone);
    }
    // What the rule says of each kind: torsion in R or in the key is accepted
    // (cofactored equation); small-order R, small-order keys and every non-canonical
    // encoding are refused.
    for case in &cases {
        let expected = case.name.starts_with("R with a component")
            || case.name.starts_with("key with a component")
            || case.name.starts_with("key and R with components");
        assert_eq!(single(case), expected, "{}", case.name);
    }
    assert_eq!(accepted, 21);
}

#[test]
fn a_hundred_thousand_signatures_get_the_same_verdict_alone_and_in_batches() {
    const COUNT: u64 = 100_000;
    const BATCH: usize = 64;
    let mut cases = Vec::with_capacity(BATCH);
    let mut valid = 0u64;
    for index in 0..COUNT {
        let message = index.to_le_bytes().repeat(1 + (index % 5) as usize);
        let mut case = honest(index, &message);
        // One in three is damaged: a flipped bit in R, in s, in the message or in the
        // key, in turn.
        if index % 3 == 0 {
            let bit = (scalar("bit", index).as_bytes()[0] % 8) as usize;
            match (index / 3) % 4 {
                0 => case.signature[(index % 32) as usize] ^= 1 << bit,
                1 => case.signature[32 + (index % 31) as usize] ^= 1 << bit,
                2 => case.message[0] ^= 1 << bit,
                _ => case.key[(index % 32) as usize] ^= 1 << bit,
            }
        }
        let alone = single(&case);
        assert_eq!(alone, batch(std::slice::from_ref(&case)), "case {index}");
        valid += u64::from(alone);
        cases.push((case, alone));
        if cases.len() == BATCH {
            let all: Vec<Case> = cases.iter().map(|(case, _)| case.clone()).collect();
            let every = cases.iter().all(|(_, alone)| *alone);
            assert_eq!(batch(&all), every, "the batch ending at {index}");
            let good: Vec<Case> = cases
                .iter()
                .filter(|(_, alone)| *alone)
                .map(|(case, _)| case.clone())
                .collect();
            assert!(
                batch(&good),
                "the valid ones of the batch ending at {index}"
            );
            cases.clear();
        }
    }
    // Every undamaged one holds; a damaged one almost never does.
    assert!(valid >= COUNT * 2 / 3, "{valid}");
    assert!(valid < COUNT * 2 / 3 + 100, "{valid}");
}

/// `verify_records` (one batch) gives each record exactly the verdict `verify` gives it
/// alone: over every sample record, whole and with each byte of its signature or of a
/// root signature in its body changed in turn.
#[test]
fn a_batch_of_records_gets_the_verdicts_each_gets_alone() {
    use commons_protocol::fixtures::sample_records;
    use commons_protocol::{AuthorKeyCache, decode_record, verify_records};

    let (charter, records) = sample_records();
    let network = charter.charter().network_id();
    let mut all: Vec<Vec<u8>> = Vec::new();
    for (_, record) in &records {
        let bytes = record.signed_bytes().to_vec();
        all.push(bytes.clone());
        // Each of the last 96 bytes (the device signature and, for governance records,
        // the root signatures just before it) changed in turn.
        for back in 1..=96.min(bytes.len()) {
            let mut changed = bytes.clone();
            let at = changed.len() - back;
            changed[at] ^= 0x10;
            all.push(changed);
        }
    }
    let decoded: Vec<_> = all
        .iter()
        .filter_map(|bytes| decode_record(bytes, &network).ok())
        .collect();
    assert!(decoded.len() > records.len() * 60, "{}", decoded.len());
    let alone: Vec<_> = decoded
        .iter()
        .cloned()
        .map(|record| record.verify())
        .collect();
    let batched = verify_records(decoded);
    assert_eq!(batched, alone);
    let accepted = alone.iter().filter(|result| result.is_ok()).count();
    assert_eq!(accepted, records.len(), "only the unchanged records hold");
    // And the cache's batch path gives the same as its single path, bytes in.
    let mut keys = AuthorKeyCache::new();
    let singles: Vec<_> = all
        .iter()
        .map(|bytes| keys.validate_record(bytes, &network))
        .collect();
    assert_eq!(keys.validate_records(&all, &network), singles);
}

/// The crafted cases and a few honest ones as a portable vector,
/// `tests/vectors/signatures.txt`: one line per case, `valid` or `invalid`, then the
/// key, the message and the signature in hex, then the case's name. Another
/// implementation of docs/protocol.md §2.3 must give every line its verdict
/// (`protocol/tests/independent/verify_signatures.py` does, from the text alone).
#[test]
fn golden_vector_of_the_signature_rule() {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/signatures.txt");
    let mut cases: Vec<Case> = (0..3)
        .map(|index| honest(index, b"an honest payload"))
        .collect();
    cases.extend(crafted());
    let lines: String = cases
        .iter()
        .map(|case| {
            format!(
                "{} {} {} {} {}\n",
                if single(case) { "valid" } else { "invalid" },
                common::hex(&case.key),
                common::hex(&case.message),
                common::hex(&case.signature),
                case.name
            )
        })
        .collect();
    if std::env::var_os("COMMONS_BLESS_VECTORS").is_some() {
        std::fs::write(&path, &lines).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap();
    assert_eq!(stored, lines, "the signature rule's verdicts changed");
    assert_eq!(
        lines
            .lines()
            .filter(|line| line.starts_with("valid "))
            .count(),
        3 + 21,
        "the honest cases and the 21 torsion-component cases are valid"
    );
}
