//! Compact JSON: the same document without the fields a reader loses nothing by missing.
//!
//! [`write`] serialises any `Serialize` value through serde_json, leaving out every struct
//! field and map entry whose value is `null`, an empty list or an empty map, and the
//! struct fields named in `omit` (by struct name and field name). Nothing else changes:
//! the fields kept, their names, order and numbers are exactly those of the full document,
//! so a compact report is the full one with those entries deleted (a test holds it to
//! that). A reader treats an absent field as `null` or empty.
//!
//! It wraps serde_json's serializer rather than building a `serde_json::Value` tree first:
//! a report of a million claims is written in one pass, in the memory of its text.
//!
//! Cost: one pass; each struct field or map value is probed for emptiness first, which
//! stops at its first serde call (constant time).

use serde::ser::{
    self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct,
    SerializeStructVariant, SerializeTuple, SerializeTupleStruct, SerializeTupleVariant,
    Serializer,
};

/// Struct fields to leave out: `(struct name, field name)`.
pub(crate) type Omit = &'static [(&'static str, &'static str)];

/// Writes `value` as compact JSON (see the module docs).
pub(crate) fn write<T: Serialize + ?Sized, W: std::io::Write>(
    value: &T,
    omit: Omit,
    out: W,
) -> serde_json::Result<()> {
    let mut s = serde_json::Serializer::new(out);
    value.serialize(Compact {
        inner: &mut s,
        omit,
    })
}

/// Whether a value serialises as `null`, `[]` or `{}`.
fn is_empty<T: Serialize + ?Sized>(value: &T) -> bool {
    value.serialize(Probe).unwrap_or(false)
}

struct Compact<S> {
    inner: S,
    omit: Omit,
}

/// A value to be serialised compactly by the wrapped serializer.
struct Wrap<'a, T: ?Sized> {
    value: &'a T,
    omit: Omit,
}

impl<T: Serialize + ?Sized> Serialize for Wrap<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Compact {
            inner: s,
            omit: self.omit,
        })
    }
}

/// A compound being written: the wrapped compound, the omitted fields and the struct name.
struct Compound<C> {
    inner: C,
    omit: Omit,
    name: &'static str,
}

impl<S: Serializer> Serializer for Compact<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<S::SerializeSeq>;
    type SerializeTuple = Compound<S::SerializeTuple>;
    type SerializeTupleStruct = Compound<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<S::SerializeTupleVariant>;
    type SerializeMap = Compound<S::SerializeMap>;
    type SerializeStruct = Compound<S::SerializeStruct>;
    type SerializeStructVariant = Compound<S::SerializeStructVariant>;

    fn serialize_bool(self, v: bool) -> Result<S::Ok, S::Error> {
        self.inner.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_i64(v)
    }
    fn serialize_u8(self, v: u8) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_u64(v)
    }
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.inner.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.inner.serialize_f64(v)
    }
    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        self.inner.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.inner.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Wrap {
            value: v,
            omit: self.omit,
        })
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        let omit = self.omit;
        self.inner
            .serialize_newtype_struct(name, &Wrap { value: v, omit })
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        let omit = self.omit;
        self.inner
            .serialize_newtype_variant(name, index, variant, &Wrap { value: v, omit })
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_seq(len)?,
            omit: self.omit,
            name: "",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_tuple(len)?,
            omit: self.omit,
            name: "",
        })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_tuple_struct(name, len)?,
            omit: self.omit,
            name,
        })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Ok(Compound {
            inner: self
                .inner
                .serialize_tuple_variant(name, index, variant, len)?,
            omit: self.omit,
            name,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        // The length is not known once empty entries are left out; serde_json does not
        // need it.
        let _ = len;
        Ok(Compound {
            inner: self.inner.serialize_map(None)?,
            omit: self.omit,
            name: "",
        })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(Compound {
            inner: self.inner.serialize_struct(name, len)?,
            omit: self.omit,
            name,
        })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Ok(Compound {
            inner: self
                .inner
                .serialize_struct_variant(name, index, variant, len)?,
            omit: self.omit,
            name,
        })
    }
}

impl<C> Compound<C> {
    fn wrap<'a, T: ?Sized>(&self, value: &'a T) -> Wrap<'a, T> {
        Wrap {
            value,
            omit: self.omit,
        }
    }

    /// Whether a struct field is left out.
    fn skips<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> bool {
        self.omit.iter().any(|&(s, f)| s == self.name && f == key) || is_empty(value)
    }
}

/// The list-like compounds: each element or field wrapped, so nested values are compact too.
macro_rules! list_compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl<C: $trait> $trait for Compound<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), C::Error> {
                let w = self.wrap(v);
                self.inner.$method(&w)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
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

impl<C: SerializeMap> SerializeMap for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _key: &T) -> Result<(), C::Error> {
        // Keys are written with their values (`serialize_entry`), once the value is known
        // not to be empty; serde's derived and standard maps always call that.
        Err(ser::Error::custom(
            "compact JSON writes map entries whole (serialize_entry)",
        ))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _v: &T) -> Result<(), C::Error> {
        Err(ser::Error::custom(
            "compact JSON writes map entries whole (serialize_entry)",
        ))
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), C::Error> {
        if is_empty(value) {
            return Ok(());
        }
        let (k, v) = (self.wrap(key), self.wrap(value));
        self.inner.serialize_entry(&k, &v)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// The struct-like compounds: a field whose value is empty, or named in the omit list, is
/// skipped; the others are wrapped.
macro_rules! struct_compound {
    ($($trait:ident),*) => {$(
        impl<C: $trait> $trait for Compound<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), C::Error> {
                if self.skips(key, v) {
                    return self.inner.skip_field(key);
                }
                let w = self.wrap(v);
                self.inner.serialize_field(key, &w)
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    )*};
}

struct_compound!(SerializeStruct, SerializeStructVariant);

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

macro_rules! not_empty {
    ($($f:ident($t:ty)),*) => {
        $(fn $f(self, _v: $t) -> Result<bool, NotEmpty> { Err(NotEmpty) })*
    };
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

    not_empty!(
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
        String::from_utf8(out).unwrap()
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
            compact(&v, &[("Inner", "method")]),
            r#"{"c":{"m":0},"d":[{"keep":0.0}],"f":false,"g":""}"#
        );
        // Without an omit list only the empty go; lists keep their null elements.
        let w = vec![None, Some(1)];
        assert_eq!(compact(&w, &[]), "[null,1]");
    }
}
