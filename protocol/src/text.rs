//! Textual forms of keys and ids: how every key, id and hash is shown to a person and
//! parsed back, in the CLI, the API, logs and documents.
//!
//! One form everywhere: a short prefix naming what the value is, an underscore, then
//! the 32 bytes as 64 lowercase hex digits (`org_3f2a…`). The prefix stops an org id
//! being pasted where a device key is expected; the hex part of a record id is exactly
//! what `sha256sum` prints for the record's payload.

use thiserror::Error;

/// Why a textual key or id was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TextError {
    /// The text does not start with the expected prefix.
    #[error("expected a value starting with `{expected}_`, found `{found}`")]
    WrongPrefix {
        /// The prefix that was expected, such as `org`.
        expected: &'static str,
        /// The start of the text that was given (at most 16 characters).
        found: String,
    },
    /// The part after the prefix is not 64 lowercase hex digits.
    #[error("`{prefix}_` must be followed by 64 lowercase hex digits (32 bytes)")]
    BadHex {
        /// The prefix of the value.
        prefix: &'static str,
    },
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// Parses exactly 64 lowercase hex digits into 32 bytes.
pub fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(out)
}

/// `prefix_hex`.
pub(crate) fn format_prefixed(prefix: &str, bytes: &[u8; 32]) -> String {
    format!("{prefix}_{}", hex(bytes))
}

/// Parses `prefix_hex` into 32 bytes.
pub(crate) fn parse_prefixed(prefix: &'static str, text: &str) -> Result<[u8; 32], TextError> {
    let rest = text
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .ok_or_else(|| TextError::WrongPrefix {
            expected: prefix,
            found: text.chars().take(16).collect(),
        })?;
    parse_hex32(rest).ok_or(TextError::BadHex { prefix })
}

/// Implements `Display`, `Debug` and `FromStr` for a 32-byte newtype through its prefix.
macro_rules! prefixed_text {
    ($type:ty, $prefix:literal) => {
        impl $type {
            /// The prefix of this value's textual form.
            pub const TEXT_PREFIX: &'static str = $prefix;
        }
        impl core::fmt::Display for $type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&$crate::text::format_prefixed($prefix, &self.0))
            }
        }
        impl core::fmt::Debug for $type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(self, f)
            }
        }
    };
}
pub(crate) use prefixed_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        let text = format_prefixed("rec", &bytes);
        assert_eq!(text.len(), 4 + 64);
        assert_eq!(parse_prefixed("rec", &text), Ok(bytes));
    }

    #[test]
    fn refuses_other_prefix_uppercase_and_short() {
        let text = format_prefixed("org", &[0xab; 32]);
        assert!(matches!(
            parse_prefixed("dev", &text),
            Err(TextError::WrongPrefix { .. })
        ));
        assert_eq!(
            parse_prefixed("org", &text.to_uppercase().replace("ORG", "org")),
            Err(TextError::BadHex { prefix: "org" })
        );
        assert_eq!(
            parse_prefixed("org", &text[..text.len() - 1]),
            Err(TextError::BadHex { prefix: "org" })
        );
    }
}
