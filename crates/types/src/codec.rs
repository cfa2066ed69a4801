//! Codec building blocks: bounded containers, 32-byte hashes, slugs, and the two macros that
//! derive the canonical encoding of structs and tagged enums.
//!
//! Every container carries its maximum in its type, so `Read` needs no runtime configuration and
//! a decoder can never be asked to allocate more than the type allows.

pub use bytes::BufMut;
pub use commonware_codec::Buf;
use commonware_codec::RangeCfg;
pub use commonware_codec::{
    Decode, DecodeExt, Encode, EncodeSize, Error as CodecError, Read, ReadExt, Write,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Decodes a whole byte slice as `T`, failing on trailing bytes.
pub fn decode_slice<T: Read<Cfg = ()>>(bytes: &[u8]) -> Result<T, CodecError> {
    T::decode(bytes::Bytes::copy_from_slice(bytes))
}

/// Derives `Write`, `EncodeSize` and `Read` (with `Cfg = ()`) for a struct whose fields all
/// decode without configuration. Fields are encoded in the listed order, which must be the
/// declaration order: the encoding is canonical and consensus-critical.
#[macro_export]
macro_rules! codec_struct {
    ($name:ident { $($field:ident),* $(,)? }) => {
        impl $crate::codec::Write for $name {
            fn write(&self, _buf: &mut impl $crate::codec::BufMut) {
                $( $crate::codec::Write::write(&self.$field, _buf); )*
            }
        }
        impl $crate::codec::EncodeSize for $name {
            fn encode_size(&self) -> usize {
                0 $( + $crate::codec::EncodeSize::encode_size(&self.$field) )*
            }
        }
        impl $crate::codec::Read for $name {
            type Cfg = ();
            fn read_cfg(
                _buf: &mut impl $crate::codec::Buf,
                _: &(),
            ) -> Result<Self, $crate::codec::CodecError> {
                Ok(Self { $( $field: $crate::codec::ReadExt::read(_buf)?, )* })
            }
        }
    };
}

/// Derives the canonical encoding of an enum whose variants each wrap one payload type, tagged
/// by a one-byte discriminant. Unknown tags fail with `InvalidEnum`.
#[macro_export]
macro_rules! codec_enum {
    ($name:ident { $($tag:literal => $variant:ident($ty:ty)),* $(,)? }) => {
        impl $crate::codec::Write for $name {
            fn write(&self, buf: &mut impl $crate::codec::BufMut) {
                match self {
                    $( Self::$variant(v) => {
                        $crate::codec::Write::write(&($tag as u8), buf);
                        $crate::codec::Write::write(v, buf);
                    } )*
                }
            }
        }
        impl $crate::codec::EncodeSize for $name {
            fn encode_size(&self) -> usize {
                1 + match self {
                    $( Self::$variant(v) => $crate::codec::EncodeSize::encode_size(v), )*
                }
            }
        }
        impl $crate::codec::Read for $name {
            type Cfg = ();
            fn read_cfg(
                buf: &mut impl $crate::codec::Buf,
                _: &(),
            ) -> Result<Self, $crate::codec::CodecError> {
                let tag = <u8 as $crate::codec::ReadExt>::read(buf)?;
                match tag {
                    $( $tag => Ok(Self::$variant(<$ty as $crate::codec::ReadExt>::read(buf)?)), )*
                    other => Err($crate::codec::CodecError::InvalidEnum(other)),
                }
            }
        }
    };
}

/// Derives the canonical one-byte encoding of a field-less enum.
#[macro_export]
macro_rules! codec_unit_enum {
    ($name:ident { $($tag:literal => $variant:ident),* $(,)? }) => {
        impl $crate::codec::Write for $name {
            fn write(&self, buf: &mut impl $crate::codec::BufMut) {
                let tag: u8 = match self { $( Self::$variant => $tag, )* };
                $crate::codec::Write::write(&tag, buf);
            }
        }
        impl $crate::codec::EncodeSize for $name {
            fn encode_size(&self) -> usize { 1 }
        }
        impl $crate::codec::Read for $name {
            type Cfg = ();
            fn read_cfg(
                buf: &mut impl $crate::codec::Buf,
                _: &(),
            ) -> Result<Self, $crate::codec::CodecError> {
                match <u8 as $crate::codec::ReadExt>::read(buf)? {
                    $( $tag => Ok(Self::$variant), )*
                    other => Err($crate::codec::CodecError::InvalidEnum(other)),
                }
            }
        }
    };
}

/// A byte string of at most `MAX` bytes; hex in JSON.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BoundedBytes<const MAX: usize>(Vec<u8>);

impl<const MAX: usize> BoundedBytes<MAX> {
    /// Wraps `bytes`, or returns `None` if they exceed `MAX`.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() <= MAX).then_some(Self(bytes))
    }
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
    /// Unwraps the bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const MAX: usize> fmt::Debug for BoundedBytes<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

impl<const MAX: usize> Write for BoundedBytes<MAX> {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}
impl<const MAX: usize> EncodeSize for BoundedBytes<MAX> {
    fn encode_size(&self) -> usize {
        self.0.encode_size()
    }
}
impl<const MAX: usize> Read for BoundedBytes<MAX> {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let cfg: RangeCfg<usize> = (..=MAX).into();
        Ok(Self(Vec::<u8>::read_cfg(buf, &(cfg, ()))?))
    }
}
impl<const MAX: usize> Serialize for BoundedBytes<MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}
impl<'de, const MAX: usize> Deserialize<'de> for BoundedBytes<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let bytes = hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom)?;
        Self::new(bytes).ok_or_else(|| serde::de::Error::custom(format!("longer than {MAX} bytes")))
    }
}

/// A UTF-8 string of at most `MAX` bytes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct BoundedString<const MAX: usize>(String);

impl<const MAX: usize> BoundedString<MAX> {
    /// Wraps `s`, or returns `None` if it exceeds `MAX` bytes.
    pub fn new(s: impl Into<String>) -> Option<Self> {
        let s = s.into();
        (s.len() <= MAX).then_some(Self(s))
    }
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl<const MAX: usize> fmt::Debug for BoundedString<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
impl<const MAX: usize> fmt::Display for BoundedString<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl<const MAX: usize> Write for BoundedString<MAX> {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.as_bytes().to_vec().write(buf);
    }
}
impl<const MAX: usize> EncodeSize for BoundedString<MAX> {
    fn encode_size(&self) -> usize {
        self.0.len().encode_size() + self.0.len()
    }
}
impl<const MAX: usize> Read for BoundedString<MAX> {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let bytes = BoundedBytes::<MAX>::read(buf)?.into_inner();
        String::from_utf8(bytes)
            .map(Self)
            .map_err(|_| CodecError::Invalid("BoundedString", "not utf-8"))
    }
}
impl<'de, const MAX: usize> Deserialize<'de> for BoundedString<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(s).ok_or_else(|| serde::de::Error::custom(format!("longer than {MAX} bytes")))
    }
}

/// A list of at most `MAX` items.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoundedVec<T, const MAX: usize>(Vec<T>);

// By hand: the derive would require `T: Default`, which an empty list does not need.
impl<T, const MAX: usize> Default for BoundedVec<T, MAX> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T, const MAX: usize> BoundedVec<T, MAX> {
    /// Wraps `items`, or returns `None` if there are more than `MAX`.
    pub fn new(items: Vec<T>) -> Option<Self> {
        (items.len() <= MAX).then_some(Self(items))
    }
    /// Wraps `items`, dropping any beyond `MAX`.
    pub fn truncating(mut items: Vec<T>) -> Self {
        items.truncate(MAX);
        Self(items)
    }
    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
    /// Number of items.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}
impl<T: Write, const MAX: usize> Write for BoundedVec<T, MAX> {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}
impl<T: EncodeSize, const MAX: usize> EncodeSize for BoundedVec<T, MAX> {
    fn encode_size(&self) -> usize {
        self.0.encode_size()
    }
}
impl<T: Read<Cfg = ()>, const MAX: usize> Read for BoundedVec<T, MAX> {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let cfg: RangeCfg<usize> = (..=MAX).into();
        Ok(Self(Vec::<T>::read_cfg(buf, &(cfg, ()))?))
    }
}

/// A SHA-256 digest; hex in JSON and in `Display`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// SHA-256 of the concatenation of `parts`.
    pub fn digest(parts: &[&[u8]]) -> Self {
        use commonware_cryptography::Hasher as _;
        let d = commonware_cryptography::Sha256::hash(parts);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }
    /// Parses 64 hex digits (an optional `0x` prefix is accepted).
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim_start_matches("0x")).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
    /// The commonware digest with the same bytes.
    pub fn to_digest(self) -> commonware_cryptography::sha256::Digest {
        commonware_cryptography::sha256::Digest::from(self.0)
    }
    /// The hash with the same bytes as a commonware digest.
    pub fn from_digest(d: &commonware_cryptography::sha256::Digest) -> Self {
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Self(out)
    }
}
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}
impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", hex::encode(self.0))
    }
}
impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
impl Write for Hash {
    fn write(&self, buf: &mut impl BufMut) {
        buf.put_slice(&self.0);
    }
}
impl EncodeSize for Hash {
    fn encode_size(&self) -> usize {
        32
    }
}
impl Read for Hash {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        Ok(Self(<[u8; 32]>::read(buf)?))
    }
}
impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}
impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

/// A short human-readable identifier (members, organisations, chain ids): 1 to 32 characters of
/// `a-z`, `0-9`, `-` and `_`. Checked on every decode, so no hostile id reaches state.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Longest accepted slug.
    pub const MAX: usize = 32;

    /// Validates `s` as a slug.
    pub fn new(s: impl Into<String>) -> Result<Self, SlugError> {
        let s = s.into();
        if s.is_empty() || s.len() > Self::MAX {
            return Err(SlugError::Length(s.len()));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
        {
            return Err(SlugError::Char(c));
        }
        Ok(Self(s))
    }
    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a string is not a [Slug].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlugError {
    /// Empty or longer than [Slug::MAX].
    #[error("an id must be 1 to 32 characters long, got {0}")]
    Length(usize),
    /// A character outside `a-z0-9-_`.
    #[error("an id may contain only a-z, 0-9, '-' and '_', found {0:?}")]
    Char(char),
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
impl std::str::FromStr for Slug {
    type Err = SlugError;
    fn from_str(s: &str) -> Result<Self, SlugError> {
        Self::new(s)
    }
}
impl Write for Slug {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.as_bytes().to_vec().write(buf);
    }
}
impl EncodeSize for Slug {
    fn encode_size(&self) -> usize {
        self.0.len().encode_size() + self.0.len()
    }
}
impl Read for Slug {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let s = BoundedString::<{ Slug::MAX }>::read(buf)?;
        Slug::new(s.as_str()).map_err(|_| CodecError::Invalid("Slug", "invalid id"))
    }
}
impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Slug::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_bytes_rejects_oversized_on_decode() {
        let long = vec![7u8; 9].encode();
        assert!(decode_slice::<BoundedBytes::<8>>(&long).is_err());
        let ok = vec![7u8; 8].encode();
        assert_eq!(decode_slice::<BoundedBytes::<8>>(&ok).unwrap().len(), 8);
    }

    #[test]
    fn slug_rules() {
        assert!(Slug::new("fr").is_ok());
        assert!(Slug::new("eu-council_2").is_ok());
        assert_eq!(Slug::new(""), Err(SlugError::Length(0)));
        assert_eq!(Slug::new("FR"), Err(SlugError::Char('F')));
        let bad = BoundedString::<32>::new("a b").unwrap().encode();
        assert!(decode_slice::<Slug>(&bad).is_err());
    }

    #[test]
    fn strings_must_be_utf8() {
        let bytes = vec![0xffu8, 0xfe].encode();
        assert!(decode_slice::<BoundedString::<8>>(&bytes).is_err());
    }
}
