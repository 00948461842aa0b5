//! Checking signatures: the step of a record's path where its author's signature (and
//! any root key's signature in its body) is checked. One rule serves single and batch
//! verification, so the two accept exactly the same signatures by construction
//! (docs/protocol.md §2.3 and §6):
//!
//! 1. the key is an acceptable key: canonical, a point, not of small order (§2.2,
//!    checked when the key is first taken, [`crate::keys`]);
//! 2. R is canonically encoded and is not one of the small-order points (checked here,
//!    on the bytes, before any equation);
//! 3. s is canonical (s < ℓ);
//! 4. the cofactored equation [8][s]B = [8]R + [8][k]A holds (ZIP-215).
//!
//! Steps 3 and 4 are ed25519-zebra's (the Zcash Foundation's ZIP-215 implementation),
//! for one signature and for a batch; steps 1 and 2 are this crate's own checks on the
//! bytes, run identically for both. A batch that fails says only that some signature
//! in it is bad: [`verify_records`](crate::record::verify_records) then checks each on
//! its own.

use core::convert::Infallible;

use ed25519_zebra::batch;
use ed25519_zebra::{VerificationKey, VerificationKeyBytes};
use rand_core::{TryCryptoRng, TryRng};

use crate::keys::{Signature, SignatureError, y_at_least_p};

/// The encodings with y < p of the eight points of small order: the identity, the
/// point of order 2, the two of order 4 and the four of order 8, and the two "negative
/// zero" encodings (x = 0 with the sign bit set) of the identity and of the point of
/// order 2, which decompress to the same points. A signature whose R is one of them is
/// refused (a test derives this list from curve25519-dalek's torsion points).
pub const SMALL_ORDER_ENCODINGS: [[u8; 32]; 10] = [
    hex32("0100000000000000000000000000000000000000000000000000000000000000"),
    hex32("0100000000000000000000000000000000000000000000000000000000000080"),
    hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
    hex32("0000000000000000000000000000000000000000000000000000000000000000"),
    hex32("0000000000000000000000000000000000000000000000000000000000000080"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
];

const fn hex32(text: &str) -> [u8; 32] {
    let text = text.as_bytes();
    let mut out = [0u8; 32];
    let mut index = 0;
    while index < 32 {
        out[index] = nibble(text[2 * index]) << 4 | nibble(text[2 * index + 1]);
        index += 1;
    }
    out
}

const fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => 0,
    }
}

/// A key ready for verification. Made only from bytes already found acceptable.
#[derive(Clone, Copy)]
pub struct CheckedKey(VerificationKey);

impl core::fmt::Debug for CheckedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let bytes: [u8; 32] = self.0.into();
        write!(f, "CheckedKey({})", crate::text::hex(&bytes))
    }
}

impl CheckedKey {
    /// The key of `bytes`, which the caller has found acceptable (§2.2).
    pub(crate) fn new(bytes: &[u8; 32]) -> Result<Self, SignatureError> {
        VerificationKey::try_from(*bytes)
            .map(CheckedKey)
            .map_err(|_| SignatureError::Invalid)
    }

    /// The key's 32 bytes.
    pub fn to_bytes(self) -> [u8; 32] {
        self.0.into()
    }

    /// Checks `signature` over `message` (the signed bytes, domain included).
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let signature = prechecked(signature)?;
        self.0
            .verify(&signature, message)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// Step 2 of the rule, on the bytes: R canonical and not of small order.
fn prechecked(signature: &Signature) -> Result<ed25519_zebra::Signature, SignatureError> {
    let bytes = signature.as_bytes();
    let mut r = [0u8; 32];
    r.copy_from_slice(&bytes[..32]);
    if y_at_least_p(&r) || SMALL_ORDER_ENCODINGS.contains(&r) {
        return Err(SignatureError::Invalid);
    }
    Ok(ed25519_zebra::Signature::from_bytes(bytes))
}

/// Signatures gathered to be checked together.
#[derive(Default)]
pub struct SignatureBatch {
    verifier: batch::Verifier,
    len: usize,
}

impl core::fmt::Debug for SignatureBatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignatureBatch")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl SignatureBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `signature` by `key` over `message` (the signed bytes, domain included).
    /// A signature that fails the checks on its bytes is refused here and not queued.
    pub fn add(
        &mut self,
        key: &CheckedKey,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureError> {
        let signature = prechecked(signature)?;
        let key = VerificationKeyBytes::from(key.to_bytes());
        self.verifier.queue((key, signature, message));
        self.len += 1;
        Ok(())
    }

    /// Whether every queued signature holds. `false` means at least one does not, or
    /// that the operating system could not supply the batch's random coefficients: in
    /// both cases check each signature on its own. An empty batch holds.
    pub fn verify(self) -> bool {
        if self.len == 0 {
            return true;
        }
        // One 128-bit coefficient per signature, all drawn before the equation: a batch
        // is trusted only if every coefficient came from the operating system.
        let mut coefficients = Coefficients {
            bytes: vec![0u8; self.len * 16],
            taken: 0,
            ran_out: false,
        };
        if getrandom::fill(&mut coefficients.bytes).is_err() {
            return false;
        }
        let holds = self.verifier.verify(&mut coefficients).is_ok();
        holds && !coefficients.ran_out
    }
}

/// The batch's random coefficients, drawn from the operating system in advance. Should
/// the verifier ask for more than were drawn, it gets zeros and the batch is not
/// trusted.
struct Coefficients {
    bytes: Vec<u8>,
    taken: usize,
    ran_out: bool,
}

impl TryRng for Coefficients {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let end = self.taken + dst.len();
        match self.bytes.get(self.taken..end) {
            Some(drawn) => {
                dst.copy_from_slice(drawn);
                self.taken = end;
            }
            None => {
                dst.fill(0);
                self.ran_out = true;
            }
        }
        Ok(())
    }
}

impl TryCryptoRng for Coefficients {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use curve25519_dalek::constants::EIGHT_TORSION;

    use super::*;

    #[test]
    fn the_small_order_list_is_every_encoding_of_a_small_order_point() {
        let mut derived: Vec<[u8; 32]> = Vec::new();
        for point in EIGHT_TORSION {
            let bytes = point.compress().to_bytes();
            derived.push(bytes);
            // x = 0 (y = ±1): the sign bit set decompresses to the same point.
            if bytes == SMALL_ORDER_ENCODINGS[0] || bytes == SMALL_ORDER_ENCODINGS[2] {
                let mut negative_zero = bytes;
                negative_zero[31] |= 0x80;
                derived.push(negative_zero);
            }
        }
        derived.sort();
        let mut listed = SMALL_ORDER_ENCODINGS.to_vec();
        listed.sort();
        assert_eq!(derived, listed);
    }
}
