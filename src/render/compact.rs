//! Compact JSON: the same document without the fields a reader loses nothing by missing.
//!
//! [`write`] serialises any `Serialize` value as JSON, leaving out every struct field and
//! map entry whose value is `null`, an empty list or an empty map, and the struct fields
//! named in `omit` (by struct name and field name). Nothing else changes: the fields kept,
//! their names, order and numbers are exactly those serde_json writes for the full
//! document, so a compact report is the full one with those entries deleted (tests hold
//! it to that, byte for byte).
//!
//! It writes the text itself rather than through serde_json's serializer (a report of a
//! million claims is about 8 KB of text a quantity, and the wrapped serializer spent a
//! quarter of the command-line tool's time on it): numbers through serde_json's own
//! formatter, strings that need no escape as they are and the others through serde_json,
//! map keys that are not strings through serde_json. It never builds a
//! `serde_json::Value` tree: the text goes out in pieces of 64 KB.
//!
//! Cost: one pass, linear in the text; each struct field or map value is probed for
//! emptiness first, which stops at its first serde call (constant time).

use serde::ser::{
    self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct,
    SerializeStructVariant, SerializeTuple, SerializeTupleStruct, SerializeTupleVariant,
    Serializer,
};
use serde_json::ser::{CompactFormatter, Formatter};

/// Struct fields to leave out: `(struct name, its fields' names)`.
pub(crate) type Omit = &'static [(&'static str, &'static [&'static str])];

type Json<T> = serde_json::Result<T>;

/// Writes `value` as compact JSON (see the module docs) to `out`, in pieces of about
/// 64 KB.
pub(crate) fn write<T: Serialize + ?Sized, W: std::io::Write>(
    value: &T,
    omit: Omit,
    out: W,
) -> Json<()> {
    let mut w = Writer {
        buf: Vec::with_capacity(8 * 1024),
        out: Some(out),
        omit,
    };
    value.serialize(&mut w)?;
    w.flush()
}

/// As [`write`], appending to `out` itself (no piece is copied).
pub(crate) fn write_vec<T: Serialize + ?Sized>(
    value: &T,
    omit: Omit,
    out: &mut Vec<u8>,
) -> Json<()> {
    let mut w = Writer::<std::io::Sink> {
        buf: std::mem::take(out),
        out: None,
        omit,
    };
    let written = value.serialize(&mut w);
    *out = w.buf;
    written
}

/// Whether a value serialises as `null`, `[]` or `{}`.
fn is_empty<T: Serialize + ?Sized>(value: &T) -> bool {
    value.serialize(Probe).unwrap_or(false)
}

/// The text being written: a piece in memory, handed to `out` (if any) when it reaches
/// [`PIECE`](Writer::PIECE) bytes at the end of a list element, field or entry.
struct Writer<W> {
    buf: Vec<u8>,
    out: Option<W>,
    omit: Omit,
}

impl<W: std::io::Write> Writer<W> {
    const PIECE: usize = 1 << 16;

    fn flush(&mut self) -> Json<()> {
        if let Some(out) = &mut self.out {
            out.write_all(&self.buf).map_err(serde_json::Error::io)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn piece_done(&mut self) -> Json<()> {
        if self.buf.len() >= Self::PIECE {
            self.flush()
        } else {
            Ok(())
        }
    }
}

/// A JSON string, escaped exactly as serde_json escapes it: text without a quote, a
/// backslash or a control character is written as it is, the rest by serde_json.
#[inline]
fn string(buf: &mut Vec<u8>, s: &str) -> Json<()> {
    string_then(buf, s, b"")
}

/// A struct field's name as an object key, `"name":`.
#[inline(always)]
fn key_colon(buf: &mut Vec<u8>, name: &str) -> Json<()> {
    string_then(buf, name, b":")
}

/// [`string`], then `tail`, with room for both made at once.
#[inline(always)]
fn string_then(buf: &mut Vec<u8>, s: &str, tail: &[u8]) -> Json<()> {
    if needs_escape(s.as_bytes()) {
        escaped(buf, s)?;
        buf.extend_from_slice(tail);
        return Ok(());
    }
    buf.reserve(s.len() + 2 + tail.len());
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
    buf.extend_from_slice(tail);
    Ok(())
}

/// A string with something to escape, by serde_json (rare: kept out of the hot path).
#[cold]
#[inline(never)]
fn escaped(buf: &mut Vec<u8>, s: &str) -> Json<()> {
    serde_json::to_writer(buf, s)
}

/// Whether some byte is below 0x20, `"` or `\`: eight bytes at a time, by the
/// "has a byte less than n" and "has a zero byte" word tests (Anderson, *Bit Twiddling
/// Hacks*, "Determine if a word has a byte less than n"), which are exact as a yes/no.
#[inline(always)]
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let hit = |w: u64| {
        let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
        below(w, 0x20) | below(w ^ (ONES * 0x22), 1) | below(w ^ (ONES * 0x5c), 1) != 0
    };
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let n = bytes.len();
    if n < 8 {
        // Byte by byte: a short string's tail copied into a word cost a `memcpy` call.
        return bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    // Whole words, then the last eight bytes (overlapping the words already read: the
    // answer is a yes/no over all bytes).
    bytes.chunks_exact(8).any(|c| hit(word(c))) || hit(word(&bytes[n - 8..]))
}

/// A list, object or variant being written. `close` ends it: `]`, `}`, or with the
/// variant's own object `]}` or `}}`.
struct Compound<'a, W> {
    w: &'a mut Writer<W>,
    first: bool,
    close: &'static [u8],
    /// The names of this struct's fields to leave out (looked up once a struct).
    omitted: &'static [&'static str],
}

impl<W: std::io::Write> Compound<'_, W> {
    #[inline(always)]
    fn comma(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.w.buf.push(b',');
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Json<()> {
        self.comma();
        v.serialize(&mut *self.w)?;
        self.w.piece_done()
    }

    /// Always inlined into the derived `serialize`, where `key` is a literal: its escape
    /// test and its copy then fold to constants, and its comparisons with the omitted
    /// names to a few loads.
    #[inline(always)]
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Json<()> {
        if self.omitted.contains(&key) || is_empty(v) {
            return Ok(());
        }
        self.comma();
        key_colon(&mut self.w.buf, key)?;
        v.serialize(&mut *self.w)?;
        self.w.piece_done()
    }

    fn end(self) -> Json<()> {
        self.w.buf.extend_from_slice(self.close);
        Ok(())
    }
}

impl<'a, W: std::io::Write> Writer<W> {
    fn compound(
        &'a mut self,
        open: &[u8],
        close: &'static [u8],
        name: &'static str,
    ) -> Compound<'a, W> {
        self.buf.extend_from_slice(open);
        let omitted = match name {
            "" => &[][..],
            _ => self
                .omit
                .iter()
                .find(|&&(s, _)| s == name)
                .map_or(&[][..], |&(_, fields)| fields),
        };
        Compound {
            w: self,
            first: true,
            close,
            omitted,
        }
    }

    /// `{"variant":` then `open`, for the variants that are objects of one entry.
    fn variant(
        &'a mut self,
        variant: &str,
        open: &[u8],
        close: &'static [u8],
        name: &'static str,
    ) -> Json<Compound<'a, W>> {
        self.buf.push(b'{');
        string(&mut self.buf, variant)?;
        self.buf.push(b':');
        Ok(self.compound(open, close, name))
    }
}

/// Numbers through serde_json's own formatter (`itoa`, and its shortest round-trip
/// floats), so they are the digits serde_json writes.
macro_rules! number {
    ($($f:ident($t:ty) => $write:ident),*) => {$(
        fn $f(self, v: $t) -> Json<()> {
            CompactFormatter.$write(&mut self.buf, v).map_err(serde_json::Error::io)
        }
    )*};
}

impl<'a, W: std::io::Write> Serializer for &'a mut Writer<W> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    number!(
        serialize_i8(i8) => write_i8,
        serialize_i16(i16) => write_i16,
        serialize_i32(i32) => write_i32,
        serialize_i64(i64) => write_i64,
        serialize_i128(i128) => write_i128,
        serialize_u8(u8) => write_u8,
        serialize_u16(u16) => write_u16,
        serialize_u32(u32) => write_u32,
        serialize_u64(u64) => write_u64,
        serialize_u128(u128) => write_u128
    );

    fn serialize_bool(self, v: bool) -> Json<()> {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    // As serde_json: a NaN or an infinity is `null`.
    fn serialize_f32(self, v: f32) -> Json<()> {
        if v.is_finite() {
            CompactFormatter
                .write_f32(&mut self.buf, v)
                .map_err(serde_json::Error::io)
        } else {
            self.serialize_unit()
        }
    }
    fn serialize_f64(self, v: f64) -> Json<()> {
        if v.is_finite() {
            CompactFormatter
                .write_f64(&mut self.buf, v)
                .map_err(serde_json::Error::io)
        } else {
            self.serialize_unit()
        }
    }
    fn serialize_char(self, v: char) -> Json<()> {
        string(&mut self.buf, v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Json<()> {
        string(&mut self.buf, v)
    }
    // As serde_json: bytes are a list of numbers.
    fn serialize_bytes(self, v: &[u8]) -> Json<()> {
        let mut list = self.compound(b"[", b"]", "");
        for b in v {
            list.element(b)?;
        }
        list.end()
    }
    fn serialize_none(self) -> Json<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Json<()> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Json<()> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Json<()> {
        self.serialize_unit()
    }
    // Inlined where the derived code names the variant: its escape test folds away.
    #[inline(always)]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Json<()> {
        string(&mut self.buf, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Json<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> Json<()> {
        self.buf.push(b'{');
        string(&mut self.buf, variant)?;
        self.buf.push(b':');
        v.serialize(&mut *self)?;
        self.buf.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Json<Compound<'a, W>> {
        Ok(self.compound(b"[", b"]", ""))
    }
    fn serialize_tuple(self, _len: usize) -> Json<Compound<'a, W>> {
        Ok(self.compound(b"[", b"]", ""))
    }
    fn serialize_tuple_struct(self, name: &'static str, _len: usize) -> Json<Compound<'a, W>> {
        Ok(self.compound(b"[", b"]", name))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Json<Compound<'a, W>> {
        self.variant(variant, b"[", b"]}", name)
    }
    fn serialize_map(self, _len: Option<usize>) -> Json<Compound<'a, W>> {
        Ok(self.compound(b"{", b"}", ""))
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Json<Compound<'a, W>> {
        Ok(self.compound(b"{", b"}", name))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Json<Compound<'a, W>> {
        self.variant(variant, b"{", b"}}", name)
    }
}

/// The list-like compounds: each element written in turn.
macro_rules! list_compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl<W: std::io::Write> $trait for Compound<'_, W> {
            type Ok = ();
            type Error = serde_json::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Json<()> {
                self.element(v)
            }
            fn end(self) -> Json<()> {
                Compound::end(self)
            }
        }
    )*};
}

list_compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<W: std::io::Write> SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _key: &T) -> Json<()> {
        // Keys are written with their values (`serialize_entry`), once the value is known
        // not to be empty; serde's derived and standard maps always call that.
        Err(ser::Error::custom(
            "compact JSON writes map entries whole (serialize_entry)",
        ))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _v: &T) -> Json<()> {
        Err(ser::Error::custom(
            "compact JSON writes map entries whole (serialize_entry)",
        ))
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Json<()> {
        if is_empty(value) {
            return Ok(());
        }
        self.comma();
        let mark = self.w.buf.len();
        if key.serialize(StrKey(&mut self.w.buf)).is_err() {
            // Not a string: serde_json's own rules for keys (numbers and booleans quoted,
            // others refused), taken from the text of a one-entry map.
            self.w.buf.truncate(mark);
            let mut one = Vec::new();
            let mut s = serde_json::Serializer::new(&mut one);
            let mut m = Serializer::serialize_map(&mut s, Some(1))?;
            m.serialize_entry(key, &())?;
            SerializeMap::end(m)?;
            // `{KEY:null}`
            let key_text = one.get(1..one.len().saturating_sub(6)).unwrap_or_default();
            self.w.buf.extend_from_slice(key_text);
        }
        self.w.buf.push(b':');
        value.serialize(&mut *self.w)?;
        self.w.piece_done()
    }
    fn end(self) -> Json<()> {
        Compound::end(self)
    }
}

/// The struct-like compounds: a field whose value is empty, or named in the omit list, is
/// left out.
macro_rules! struct_compound {
    ($($trait:ident),*) => {$(
        impl<W: std::io::Write> $trait for Compound<'_, W> {
            type Ok = ();
            type Error = serde_json::Error;
            #[inline(always)]
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Json<()> {
                self.field(key, v)
            }
            fn end(self) -> Json<()> {
                Compound::end(self)
            }
        }
    )*};
}

struct_compound!(SerializeStruct, SerializeStructVariant);

/// Serializer methods that answer `NotEmpty` for a value of the given types: the probe's
/// "not empty" and the string key's "not a string".
macro_rules! refuse {
    ($ok:ty; $($f:ident($t:ty)),*) => {
        $(fn $f(self, _v: $t) -> std::result::Result<$ok, NotEmpty> { Err(NotEmpty) })*
    };
}

/// Writes a map key that is a string (a `str`, a `char`, a unit variant, or a newtype of
/// one) as serde_json does; any other key is an error, and serde_json writes it instead.
struct StrKey<'a>(&'a mut Vec<u8>);

impl Serializer for StrKey<'_> {
    type Ok = ();
    type Error = NotEmpty;
    type SerializeSeq = Impossible<(), NotEmpty>;
    type SerializeTuple = Impossible<(), NotEmpty>;
    type SerializeTupleStruct = Impossible<(), NotEmpty>;
    type SerializeTupleVariant = Impossible<(), NotEmpty>;
    type SerializeMap = Impossible<(), NotEmpty>;
    type SerializeStruct = Impossible<(), NotEmpty>;
    type SerializeStructVariant = Impossible<(), NotEmpty>;

    refuse!(
        ();
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str)
    );

    fn serialize_str(self, v: &str) -> std::result::Result<(), NotEmpty> {
        string(self.0, v).map_err(|_| NotEmpty)
    }
    fn serialize_char(self, v: char) -> std::result::Result<(), NotEmpty> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_none(self) -> std::result::Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _v: &T) -> std::result::Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_unit(self) -> std::result::Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> std::result::Result<(), NotEmpty> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        v: &T,
    ) -> std::result::Result<(), NotEmpty> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _var: &'static str,
        _v: &T,
    ) -> std::result::Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_seq(
        self,
        _len: Option<usize>,
    ) -> std::result::Result<Self::SerializeSeq, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple(self, _len: usize) -> std::result::Result<Self::SerializeTuple, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_map(
        self,
        _len: Option<usize>,
    ) -> std::result::Result<Self::SerializeMap, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, NotEmpty> {
        Err(NotEmpty)
    }
}

/// Answers "is this value null, `[]` or `{}`?" from the first serde call: `Ok(true)` for
/// those, `Err` (meaning no) for anything else, without serialising further.
struct Probe;

#[derive(Debug)]
struct NotEmpty;

impl std::fmt::Display for NotEmpty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not empty")
    }
}

impl std::error::Error for NotEmpty {}

impl ser::Error for NotEmpty {
    fn custom<T: std::fmt::Display>(_msg: T) -> NotEmpty {
        NotEmpty
    }
}

/// An empty list or map, closed without elements.
struct EmptyCompound;

impl SerializeSeq for EmptyCompound {
    type Ok = bool;
    type Error = NotEmpty;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, _v: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn end(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
}

impl SerializeMap for EmptyCompound {
    type Ok = bool;
    type Error = NotEmpty;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _k: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _v: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn end(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
}

impl Serializer for Probe {
    type Ok = bool;
    type Error = NotEmpty;
    type SerializeSeq = EmptyCompound;
    type SerializeTuple = Impossible<bool, NotEmpty>;
    type SerializeTupleStruct = Impossible<bool, NotEmpty>;
    type SerializeTupleVariant = Impossible<bool, NotEmpty>;
    type SerializeMap = EmptyCompound;
    type SerializeStruct = Impossible<bool, NotEmpty>;
    type SerializeStructVariant = Impossible<bool, NotEmpty>;

    refuse!(
        bool;
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str)
    );

    fn serialize_none(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<bool, NotEmpty> {
        // `Some([])` writes `[]`: as empty as `None`.
        v.serialize(Probe)
    }
    fn serialize_unit(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
    ) -> Result<bool, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        v: &T,
    ) -> Result<bool, NotEmpty> {
        v.serialize(Probe)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _var: &'static str,
        _v: &T,
    ) -> Result<bool, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<EmptyCompound, NotEmpty> {
        // An unknown length counts as not empty: only a list known to be empty is left out.
        if len == Some(0) {
            Ok(EmptyCompound)
        } else {
            Err(NotEmpty)
        }
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<EmptyCompound, NotEmpty> {
        if len == Some(0) {
            Ok(EmptyCompound)
        } else {
            Err(NotEmpty)
        }
    }
    fn serialize_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, NotEmpty> {
        Err(NotEmpty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Inner {
        method: &'static str,
        x: Option<f64>,
        keep: f64,
    }

    #[derive(serde::Serialize)]
    struct Outer {
        a: Option<u32>,
        b: Vec<u32>,
        c: BTreeMap<String, Option<u32>>,
        d: Vec<Inner>,
        e: Option<Vec<u32>>,
        f: bool,
        g: String,
    }

    fn compact<T: Serialize>(v: &T, omit: Omit) -> String {
        let mut out = Vec::new();
        write(v, omit, &mut out).unwrap();
        let mut appended = b"before".to_vec();
        write_vec(v, omit, &mut appended).unwrap();
        assert_eq!(
            appended[6..],
            out[..],
            "write_vec appends what write writes"
        );
        String::from_utf8(out).unwrap()
    }

    /// The word test finds exactly the bytes serde_json escapes, at every position.
    #[test]
    fn needs_escape_is_serde_jsons_rule() {
        for len in 0..20 {
            for at in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut v = vec![b'x'; len];
                    if len > 0 {
                        v[at] = b;
                    }
                    let escaped = len > 0 && (b < 0x20 || b == b'"' || b == b'\\');
                    assert_eq!(needs_escape(&v), escaped, "byte {b} at {at} of {len}");
                }
            }
        }
        for s in [
            "",
            "plain",
            "tab\there",
            "quote\"",
            "back\\slash",
            "\u{7f}",
            "é中\u{1}",
        ] {
            let mut ours = Vec::new();
            string(&mut ours, s).unwrap();
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn leaves_out_null_empty_and_named_fields_only() {
        let v = Outer {
            a: None,
            b: vec![],
            c: [("k".to_string(), None), ("m".to_string(), Some(0))]
                .into_iter()
                .collect(),
            d: vec![Inner {
                method: "long words",
                x: None,
                keep: 0.0,
            }],
            e: Some(vec![]),
            f: false,
            g: String::new(),
        };
        assert_eq!(
            compact(&v, &[("Inner", &["method"])]),
            r#"{"c":{"m":0},"d":[{"keep":0.0}],"f":false,"g":""}"#
        );
        // Without an omit list only the empty go; lists keep their null elements.
        let w = vec![None, Some(1)];
        assert_eq!(compact(&w, &[]), "[null,1]");
    }

    #[derive(serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        North,
    }

    #[derive(serde::Serialize)]
    struct Wrapper(u8);

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(f64),
        Tuple(i8, u16),
        Struct { a: i128, b: u128 },
    }

    #[derive(serde::Serialize)]
    struct Everything {
        t: bool,
        f: bool,
        small: (i8, i16, i32, i64, u8, u16, u32, u64),
        floats: (f32, f64, f64, f64, f64),
        not_finite: (f64, f32),
        text: &'static str,
        escapes: String,
        ch: char,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
        wrapped: Wrapper,
        shapes: Vec<Shape>,
        int_keys: BTreeMap<i64, u8>,
        enum_keys: BTreeMap<Key, u8>,
        char_keys: BTreeMap<char, u8>,
        bool_keys: BTreeMap<bool, u8>,
        unit: (),
    }

    /// Serialises a byte list through `serialize_bytes`, as `serde_bytes` would.
    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    /// Where nothing is empty and nothing omitted, the writer gives serde_json's bytes for
    /// every kind of serde value: numbers of each width, floats (shortest round trip, NaN
    /// and infinities as `null`), strings that need escaping, chars, bytes, newtypes, every
    /// kind of enum variant, and map keys that are numbers, unit variants, chars and
    /// booleans. (`unit` is `null`: empty, so it is left out of the compact text; the
    /// expected text is serde_json's without it.)
    #[test]
    fn writes_what_serde_json_writes() {
        let v = Everything {
            t: true,
            f: false,
            small: (-8, -16, -32, i64::MIN, 8, 16, 32, u64::MAX),
            floats: (1.5, 0.1, -2.5e-300, 1e21, 123456.789),
            not_finite: (f64::NAN, f32::INFINITY),
            text: "plain",
            escapes: "quote \" back \\ tab \t nul \u{0} del \u{7f} é 中".to_string(),
            ch: '\n',
            bytes: vec![0, 7, 255],
            wrapped: Wrapper(3),
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(2.0),
                Shape::Tuple(-1, 2),
                Shape::Struct {
                    a: -(1i128 << 100),
                    b: 1u128 << 100,
                },
            ],
            int_keys: [(-3, 1), (40, 2)].into_iter().collect(),
            enum_keys: [(Key::North, 1)].into_iter().collect(),
            char_keys: [('x', 1)].into_iter().collect(),
            bool_keys: [(true, 1)].into_iter().collect(),
            unit: (),
        };
        let full = serde_json::to_string(&v).unwrap();
        let expected = full.replace(",\"unit\":null", "");
        assert_ne!(full, expected, "the unit field was in the full text");
        assert_eq!(compact(&v, &[]), expected);
    }
}
