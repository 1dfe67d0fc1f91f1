//! Names as dense `u32` ids, numbered by first appearance: the [`Interner`] the claim
//! table interns sources (and, on its checked route, quantities) with one row at a time,
//! and the plain route's numbering of quantity names by partitions ([`PieceNames`],
//! [`number`]), which gives the same ids with tables that stay in cache.

use std::hash::Hash;

use rustc_hash::FxHashMap;

/// Interns strings as dense `u32` ids. A name of at most 11 bytes (the usual id) is its
/// own key, packed with its length into three 32-bit words, so a lookup hashes and
/// compares them in a 16-byte bucket instead of chasing a pointer (a table of many names
/// must stay small to stay in cache); a name
/// of 12 to 15 bytes is packed into two 64-bit words (24-byte buckets); longer names are
/// keyed by their bytes. The names themselves are kept one after another in one string
/// (no allocation a name: a million quantities were a million small allocations).
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    short: FxHashMap<[u32; 3], u32>,
    mid: FxHashMap<[u64; 2], u32>,
    long: FxHashMap<Box<[u8]>, u32>,
    /// The names in id order, one after another; name i ends at `ends[i]`.
    text: String,
    ends: Vec<usize>,
}

/// A name as its [`Interner`] key: its bytes, then zeros, its length in the last byte (so
/// `a` and `a\0` differ), in the smallest words that hold them; `Long` past 15 bytes.
enum Packed {
    Short([u32; 3]),
    Mid([u64; 2]),
    Long,
}

#[inline]
fn pack(bytes: &[u8]) -> Packed {
    match key(bytes) {
        None => Packed::Long,
        Some([lo, hi]) if bytes.len() <= 11 => {
            Packed::Short([lo as u32, (lo >> 32) as u32, hi as u32])
        }
        Some(k) => Packed::Mid(k),
    }
}

/// A name of at most 15 bytes as the 128 bits [`Packed`] slices (little-endian: its bytes,
/// zeros, its length in byte 11, or in byte 15 past 11 bytes), low word first; `None` past
/// 15 bytes. Distinct names have distinct keys, and [`unkey`] gives the name back.
///
/// The words are read from the name's bytes whole (two loads that may overlap, whose
/// common bytes agree), not assembled in a byte array: copying a name of any length into
/// an array and reading it back as words stalled on every name (the store of the copy
/// could not be forwarded to the wider load), most of the time of interning a source.
#[inline]
fn key(bytes: &[u8]) -> Option<[u64; 2]> {
    let n = bytes.len();
    if n > 15 {
        return None;
    }
    let (lo, hi) = if n >= 8 {
        let (head, tail) = bytes.split_at(8);
        (word(head), word(tail))
    } else {
        (word(bytes), 0)
    };
    // The length in byte 11 (the high word's byte 3), or in byte 15 past 11 bytes.
    let at = if n <= 11 { 24 } else { 56 };
    Some([lo, hi | (n as u64) << at])
}

/// Up to 8 bytes as a little-endian word, zeros above them: two loads of 4, 2 or 1 bytes
/// at the start and at the end (overlapping for odd lengths: the same bytes).
#[inline(always)]
fn word(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 8 {
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    } else if n >= 4 {
        let first = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let last = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        u64::from(first) | u64::from(last) << (8 * (n - 4))
    } else if n >= 2 {
        let first = u16::from_le_bytes([b[0], b[1]]);
        let last = u16::from_le_bytes([b[n - 2], b[n - 1]]);
        u64::from(first) | u64::from(last) << (8 * (n - 2))
    } else if n == 1 {
        u64::from(b[0])
    } else {
        0
    }
}

/// The name of a [`key`], as bytes and length.
fn unkey(k: [u64; 2]) -> ([u8; 16], usize) {
    let a = (u128::from(k[0]) | (u128::from(k[1]) << 64)).to_le_bytes();
    let n = if a[15] != 0 { a[15] } else { a[11] };
    (a, usize::from(n))
}

impl Interner {
    /// How many names there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The name of id `i`.
    pub(crate) fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The names in id order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.name(i))
    }

    pub(crate) fn push_name(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len());
    }

    /// [`id`](Interner::id) of a name known to be UTF-8.
    pub(crate) fn id_str(&mut self, name: &str) -> u32 {
        let next = self.len() as u32;
        let id = match pack(name.as_bytes()) {
            Packed::Short(k) => *self.short.entry(k).or_insert(next),
            Packed::Mid(k) => *self.mid.entry(k).or_insert(next),
            Packed::Long => *self.long.entry(name.as_bytes().into()).or_insert(next),
        };
        if id == next {
            self.push_name(name);
        }
        id
    }

    /// The id of a name already interned.
    pub(crate) fn get(&self, bytes: &[u8]) -> Option<u32> {
        match pack(bytes) {
            Packed::Short(k) => self.short.get(&k).copied(),
            Packed::Mid(k) => self.mid.get(&k).copied(),
            Packed::Long => self.long.get(bytes).copied(),
        }
    }

    pub(crate) fn id(&mut self, bytes: &[u8]) -> u32 {
        let next = self.len() as u32;
        let id = match pack(bytes) {
            Packed::Short(k) => *self.short.entry(k).or_insert(next),
            Packed::Mid(k) => *self.mid.entry(k).or_insert(next),
            Packed::Long => match self.long.get(bytes) {
                Some(&id) => id,
                None => *self.long.entry(bytes.into()).or_insert(next),
            },
        };
        if id == next {
            self.push_name(&String::from_utf8_lossy(bytes));
        }
        id
    }
}

/// How many partitions the plain route's quantity names are split into, by a hash of their
/// key. Each partition's table holds about 1/64 of the distinct names: 16,000 at a
/// million quantities, a table of a few hundred kilobytes that stays in a core's cache,
/// where one table of them all (tens of megabytes) missed it at nearly every row.
const PARTS: usize = 64;

/// The partition of names over 15 bytes, keyed by their bytes (kept in the piece's
/// `long` text; the key is their `[start, end]` there).
const LONG: usize = PARTS;

/// The partition of a key: the top bits of a multiplicative hash of both words.
#[inline]
fn part_of(k: [u64; 2]) -> usize {
    let h = (k[0] ^ k[1].rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - PARTS.trailing_zeros())) as usize
}

/// One piece's quantity names as its rows give them, each filed under its partition with
/// the row's index in the piece, in row order. Kept: 20 bytes a row (the key and the row),
/// until [`number`] has numbered them.
#[derive(Debug)]
pub(crate) struct PieceNames {
    /// By partition (the last is [`LONG`]): the rows' keys.
    keys: Vec<Vec<[u64; 2]>>,
    /// By partition: the rows' indices in the piece, rising.
    rows: Vec<Vec<u32>>,
    /// The names over 15 bytes, one after another.
    long: Vec<u8>,
}

impl PieceNames {
    /// Room for about `rows` rows, spread evenly over the partitions (an eighth more, for
    /// the unevenness of hashing), so that the lists rarely grow.
    pub(crate) fn with_room(rows: usize) -> PieceNames {
        let each = rows / PARTS + rows / PARTS / 8 + 16;
        PieceNames {
            keys: (0..=PARTS).map(|_| Vec::with_capacity(each)).collect(),
            rows: (0..=PARTS).map(|_| Vec::with_capacity(each)).collect(),
            long: Vec::new(),
        }
    }

    /// Files the name of the piece's row `row` (rows come in rising order).
    #[inline]
    pub(crate) fn add(&mut self, name: &[u8], row: u32) {
        let (p, k) = match key(name) {
            Some(k) => (part_of(k), k),
            None => {
                let start = self.long.len() as u64;
                self.long.extend_from_slice(name);
                (LONG, [start, self.long.len() as u64])
            }
        };
        self.keys[p].push(k);
        self.rows[p].push(row);
    }
}

/// One piece's rows of one partition: their keys and their indices in the piece.
type Filed = (Vec<[u64; 2]>, Vec<u32>);

/// One partition's names, numbered within it by first appearance in the file.
struct Part {
    /// Its names in their order: keys (for [`LONG`], `[start, end]` in the joined text).
    names: Vec<[u64; 2]>,
    /// The row (in the file) of each name's first appearance: rising.
    firsts: Vec<u32>,
    /// By piece: its rows in the partition, and each one's name (an index in `names`).
    rows: Vec<Vec<u32>>,
    locals: Vec<Vec<u32>>,
}

/// Numbers one partition's names (`part`: each piece's keys and rows, pieces in file
/// order, piece k's rows counted from `starts[k]`) by first appearance, comparing them as
/// `key` gives them.
fn number_part<K: Hash + Eq>(
    part: Vec<Filed>,
    starts: &[u32],
    key: impl Fn(&[u64; 2]) -> K,
) -> Part {
    let mut seen: FxHashMap<K, u32> = FxHashMap::default();
    let mut out = Part {
        names: Vec::new(),
        firsts: Vec::new(),
        rows: Vec::with_capacity(part.len()),
        locals: Vec::with_capacity(part.len()),
    };
    for ((keys, rows), &start) in part.into_iter().zip(starts) {
        let mut locals = Vec::with_capacity(keys.len());
        for (k, &row) in keys.iter().zip(&rows) {
            let next = out.names.len() as u32;
            let id = *seen.entry(key(k)).or_insert(next);
            if id == next {
                out.names.push(*k);
                out.firsts.push(start + row);
            }
            locals.push(id);
        }
        out.rows.push(rows);
        out.locals.push(locals);
    }
    out
}

/// `items.map(f)` collected: on every core with the `parallel` feature when `parallel`.
pub(crate) fn map_all<T: Send, U: Send>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T) -> U + Sync + Send,
) -> Vec<U> {
    #[cfg(feature = "parallel")]
    if parallel {
        use rayon::prelude::*;
        return items.into_par_iter().map(f).collect();
    }
    let _ = parallel;
    items.into_iter().map(f).collect()
}

/// Below this many rows [`number`] runs on one thread: waking the others costs more than
/// they would do.
const PARALLEL_ROWS: usize = 1 << 16;

/// Numbers the quantity names of a file's pieces (in file order; piece k's rows are the
/// file's rows from `starts[k]`, `total` rows in all) by first appearance in the file:
/// each row's id, and the names in id order. These are the ids interning the names one
/// by one in file order would give ([`Interner::id`]); a unit test holds the two alike.
/// The interner returned holds the names only, its lookup maps empty: it is for reading
/// names (the loaded table never interns another), not for interning more.
///
/// Each partition numbers its own names, on every core with the `parallel` feature, in a
/// table that stays in cache; the names are then put in order of their first rows (a sort
/// of the distinct names) and every row is given its name's place in that order (a pass
/// over each piece's rows, the pieces side by side). Time linear in the rows plus the
/// sort of the distinct names; memory: the rows' keys until their partition is numbered,
/// and 8 bytes a row.
pub(crate) fn number(
    pieces: Vec<PieceNames>,
    starts: &[u32],
    total: usize,
) -> (Vec<u32>, Interner) {
    // The long names of every piece in one text: the long keys are moved to it.
    let mut long = Vec::new();
    let mut parts: Vec<Vec<Filed>> = (0..=PARTS)
        .map(|_| Vec::with_capacity(pieces.len()))
        .collect();
    for piece in pieces {
        let shift = long.len() as u64;
        long.extend_from_slice(&piece.long);
        for (p, (mut keys, rows)) in piece.keys.into_iter().zip(piece.rows).enumerate() {
            if p == LONG {
                for k in &mut keys {
                    *k = [k[0] + shift, k[1] + shift];
                }
            }
            parts[p].push((keys, rows));
        }
    }
    let bytes = |k: &[u64; 2]| &long[k[0] as usize..k[1] as usize];
    let parallel = total >= PARALLEL_ROWS;
    let parts: Vec<Part> = map_all(
        parts.into_iter().enumerate().collect(),
        parallel,
        |(p, part)| {
            if p == LONG {
                number_part(part, starts, bytes)
            } else {
                number_part(part, starts, |k| *k)
            }
        },
    );
    // Each distinct name's place in the file order: by its first row.
    let mut base = Vec::with_capacity(parts.len() + 1);
    base.push(0usize);
    for part in &parts {
        base.push(base[base.len() - 1] + part.names.len());
    }
    let distinct = base[parts.len()];
    let mut order: Vec<u64> = Vec::with_capacity(distinct);
    for (part, &b) in parts.iter().zip(&base) {
        order.extend(
            part.firsts
                .iter()
                .enumerate()
                .map(|(l, &f)| (u64::from(f) << 32) | (b + l) as u64),
        );
    }
    #[cfg(feature = "parallel")]
    if parallel {
        use rayon::slice::ParallelSliceMut;
        order.par_sort_unstable();
    } else {
        order.sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    order.sort_unstable();
    let mut id_of = vec![0u32; distinct];
    let mut names = Interner::default();
    for (id, &o) in order.iter().enumerate() {
        let flat = o as u32 as usize;
        id_of[flat] = id as u32;
        let p = base.partition_point(|&b| b <= flat) - 1;
        let k = &parts[p].names[flat - base[p]];
        if p == LONG {
            names.push_name(&String::from_utf8_lossy(bytes(k)));
        } else {
            let (a, n) = unkey(*k);
            names.push_name(&String::from_utf8_lossy(&a[..n]));
        }
    }
    // Every row its name's id, each piece's rows on their own core.
    let mut ids = vec![0u32; total];
    let mut slices = Vec::with_capacity(starts.len());
    let mut rest = ids.as_mut_slice();
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(total, |&e| e as usize);
        let (piece, tail) = rest.split_at_mut(end - s as usize);
        slices.push((k, piece));
        rest = tail;
    }
    map_all(slices, parallel, |(k, piece)| {
        for (part, &b) in parts.iter().zip(&base) {
            for (&row, &l) in part.rows[k].iter().zip(&part.locals[k]) {
                piece[row as usize] = id_of[b + l as usize];
            }
        }
    });
    (ids, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    /// Names of every length about the key limits (11 and 15 bytes), with trailing NULs and shared
    /// prefixes, get one id each, numbered by first appearance, whether interned as bytes
    /// or as text, and are kept in id order.
    #[test]
    fn interner_gives_one_id_a_name() {
        let mut names: Vec<String> = Vec::new();
        for len in 0..=20 {
            let base: String = "abcdefghijklmnopqrstu"[..len].to_string();
            names.push(base.clone());
            names.push(format!("{base}\0"));
            names.push(format!("{base}é"));
        }
        let (mut by_ref, mut owned) = (Interner::default(), Interner::default());
        for round in 0..2 {
            for (k, n) in names.iter().enumerate() {
                assert_eq!(by_ref.id(n.as_bytes()), k as u32, "{n:?} in round {round}");
                assert_eq!(owned.id_str(n), k as u32, "{n:?}");
            }
        }
        assert_eq!(by_ref.len(), names.len());
        for (k, n) in names.iter().enumerate() {
            assert_eq!(by_ref.get(n.as_bytes()), Some(k as u32), "{n:?}");
        }
        assert_eq!(by_ref.get(b"abcdefghijklmnopqrstuv"), None);
        assert_eq!(by_ref.get(b"b"), None);
        assert!(by_ref.names().eq(names.iter().map(String::as_str)));
        assert!(owned.names().eq(names.iter().map(String::as_str)));
    }

    /// A name's key read as words is the key assembled byte by byte (its bytes, zeros, its
    /// length in byte 11, or 15 past 11 bytes), for every length to 16 and random bytes
    /// (zeros and 0xff among them), and `unkey` gives the name back.
    #[test]
    fn a_key_read_as_words_is_the_key_assembled_byte_by_byte() {
        fn assembled(bytes: &[u8]) -> Option<[u64; 2]> {
            let n = bytes.len();
            if n > 15 {
                return None;
            }
            let mut a = [0u8; 16];
            a[..n].copy_from_slice(bytes);
            a[if n <= 11 { 11 } else { 15 }] = n as u8;
            let x = u128::from_le_bytes(a);
            Some([x as u64, (x >> 64) as u64])
        }
        let mut rng = XorShift::new(0x5be0_cd19_137e_2179);
        for case in 0..20_000 {
            let n = case % 17;
            let bytes: Vec<u8> = (0..n)
                .map(|_| match rng.next_u64() % 4 {
                    0 => 0,
                    1 => 0xff,
                    _ => rng.next_u64() as u8,
                })
                .collect();
            let k = key(&bytes);
            assert_eq!(k, assembled(&bytes), "{bytes:?}");
            if let Some(k) = k {
                let (a, len) = unkey(k);
                assert_eq!(&a[..len], &bytes[..], "{bytes:?}");
            }
        }
    }

    /// [`number`] gives every row the id [`Interner::id`] gives its name one row at a time
    /// in file order, and the same names in id order: names short, 11 to 15 bytes and
    /// long, with NULs and non-ASCII text, repeated across pieces of every size (none
    /// empty, and one piece alone).
    #[test]
    fn numbering_by_partitions_is_interning_row_by_row() {
        let mut rng = XorShift::new(41);
        let mut pool: Vec<Vec<u8>> = Vec::new();
        for len in 0..=20usize {
            for v in 0..6u8 {
                let mut n: Vec<u8> = (0..len).map(|i| b'a' + ((i as u8 + v) % 7)).collect();
                if v == 4 && len > 0 {
                    n[len - 1] = 0;
                }
                if v == 5 {
                    n.extend_from_slice("é".as_bytes());
                }
                pool.push(n);
            }
        }
        for case in 0..200 {
            let rows = 1 + (rng.next_u64() % 3000) as usize;
            let distinct = 1 + (rng.next_u64() % pool.len() as u64) as usize;
            let file: Vec<&[u8]> = (0..rows)
                .map(|_| pool[(rng.next_u64() % distinct as u64) as usize].as_slice())
                .collect();
            let mut expected = Interner::default();
            let ids: Vec<u32> = file.iter().map(|n| expected.id(n)).collect();
            let cuts = 1 + (rng.next_u64() % 4) as usize;
            let mut starts: Vec<u32> = (0..cuts)
                .map(|k| {
                    if k == 0 {
                        0
                    } else {
                        (rng.next_u64() % rows as u64) as u32
                    }
                })
                .collect();
            starts.sort_unstable();
            starts.dedup();
            let pieces: Vec<PieceNames> = starts
                .iter()
                .enumerate()
                .map(|(k, &s)| {
                    let end = starts.get(k + 1).map_or(rows, |&e| e as usize);
                    let mut p = PieceNames::with_room(end - s as usize);
                    for (i, n) in file[s as usize..end].iter().enumerate() {
                        p.add(n, i as u32);
                    }
                    p
                })
                .collect();
            let (got, names) = number(pieces, &starts, rows);
            assert_eq!(got, ids, "case {case}");
            assert!(names.names().eq(expected.names()), "case {case}");
        }
    }
}
