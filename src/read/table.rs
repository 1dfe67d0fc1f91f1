//! A columnar claim table for reconciling millions of numeric claims.
//!
//! [`ClaimSet`](crate::ClaimSet) keeps every claim's words, dates and citation; a
//! [`ClaimTable`] keeps only what the statistics need, in columns: interned quantity and
//! source ids (`u32`), the plausible interval's bounds, the central value and the level
//! (`f64`), 48 bytes a claim with one source. It reads the numeric CSV claim format
//! (`quantity`, `sources`, `low`, `high`, `central`, and optional `id`, `level`) and checks
//! every row through the [`Loader`](crate::Loader)'s own rules — the same cell parsing,
//! the same estimate and count checks, the same id checks, in the same order — so both
//! paths accept the same rows and refuse the same ones with the same kind of error (a
//! differential property test holds them to it), and reports every bad row. Quantities
//! are counts (as undeclared quantities are in the CSV format). A file of plain lines is
//! read in parallel pieces, any other by the csv crate; both routes give the same table
//! ([`ClaimTable::load_bytes`]).
//!
//! [`ClaimTable::reconcile`] runs the same summary as the [`Reconciler`](crate::Reconciler)
//! (envelope, consensus, best-supported region, verdict, clusters, dissenters; with every
//! claim of weight one, from one merge of the sorted ends: `sweep::unit_sweep`) and the
//! DerSimonian–Laird and REML meta-analyses on the log scale for every quantity, with
//! quantities grouped by a counting sort (no hash map per claim) and summarised with reused
//! buffers, in parallel across quantities with the `parallel` feature (identical results).
//!
//! # Cost
//!
//! Loading: linear in the file. Bytes in memory, and a file read whole, are held while they
//! are read (about 38 bytes a claim on the benchmark workload); a plain file of 1 MB or
//! more read by [`ClaimTable::load_file`] (with the `parallel` feature, on Unix) holds only a
//! 512 KB buffer a core. A plain file of 16 MB or more also holds 20 bytes a row while its
//! quantity names are numbered by partitions, plus a sort of its distinct names.
//! Reconciling: O(n log n) per quantity of n claims (a sort into a fixed order, the sweep,
//! the meta-analyses' O(n) passes), O(N) to group N claims (8 bytes a claim more while
//! grouping more than 262,144). The figures do not depend on the order of the rows: each quantity's
//! claims are summed in an order fixed by their figures.
//!
//! # Example
//!
//! ```
//! use crosscheck::table::ClaimTable;
//!
//! let csv = "quantity,sources,low,central,high\nq1,a,900,1000,1100\nq1,b,1900,2000,2100\nq2,a,5,6,7\n";
//! let table = ClaimTable::from_csv_reader(csv.as_bytes())?;
//! let r = table.reconcile();
//! assert_eq!(r.quantities.len(), 2);
//! assert_eq!(r.verdicts.tension + r.verdicts.contradiction, 1);
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::interval::Interval;
use crate::names::{Interner, PieceNames, map_all, number};
use crate::pool;
use crate::pool::meta::{MetaOptions, Method, Study, solve, standardise};
use crate::reconcile::Verdict;
use crate::sweep::{UnitScratch, unit_sweep};

/// One claim's figures.
#[derive(Debug, Clone, Copy)]
struct Row {
    low: f64,
    /// +∞ where unbounded.
    high: f64,
    /// NaN where the claim has no central value.
    central: f64,
    /// The coverage of a statistical interval; NaN for stated bounds (no `level`), which
    /// are hard as well as plausible (DESIGN §5). Kept in full: an f32 would turn
    /// 0.99999999 into 1.0.
    level: f64,
}

/// Numeric claims in columns (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct ClaimTable {
    quantities: Interner,
    sources: Interner,
    /// One record a claim: reconciling visits claims grouped by quantity, in scattered
    /// order, so one cache line per claim beats one per column.
    rows: Vec<Row>,
    /// Each claim's quantity id, apart from its figures: grouping reads only these (4 bytes
    /// a claim, not a whole row), and a row is 32 bytes, so the summary's copy of a
    /// quantity's scattered rows touches one cache line a row.
    quantity_of: Vec<u32>,
    /// Offsets into `source_ids`: claim i's sources are `source_ids[start[i]..start[i + 1]]`.
    source_start: Vec<u32>,
    source_ids: Vec<u32>,
    /// Explicit claim ids by row, for the rows that have one.
    explicit_ids: HashMap<u32, Box<str>>,
    /// The CSV record number of each row (from 1; a row without an id is `row-N`, as in
    /// the Loader, whatever was rejected before it).
    row_nos: Vec<u32>,
    /// Whether the plain route read it (see [`ClaimTable::load_bytes`]).
    plain: bool,
}

/// The summary of one quantity of a [`ClaimTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TableQuantity {
    /// The quantity id.
    pub quantity: String,
    /// Number of claims.
    pub claims: usize,
    /// The hull of the plausible intervals.
    pub envelope: Interval,
    /// Their intersection.
    pub consensus: Option<Interval>,
    /// The first best-supported region (Marzullo), with its weight.
    pub best_supported: Interval,
    /// How many regions tie for the best support.
    pub best_supported_ties: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Number of clusters (maximal cliques).
    pub clusters: usize,
    /// Number of claims outside the largest cluster(s).
    pub dissenters: usize,
    /// DerSimonian–Laird pooled value on the log scale, transformed back, and τ².
    pub dl: Option<(f64, f64)>,
    /// REML pooled value on the log scale, transformed back, τ² and iterations.
    pub reml: Option<(f64, f64, usize)>,
}

/// Counts of verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerdictCounts {
    /// `single`.
    pub single: usize,
    /// `consistent`.
    pub consistent: usize,
    /// `tension`.
    pub tension: usize,
    /// `contradiction`.
    pub contradiction: usize,
}

/// The reconciliation of a [`ClaimTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TableReconciliation {
    /// One summary per quantity, in order of first appearance.
    pub quantities: Vec<TableQuantity>,
    /// Verdict counts.
    pub verdicts: VerdictCounts,
}

impl TableReconciliation {
    fn cells(&self) -> Vec<Vec<String>> {
        let num = |x: Option<f64>| x.map_or_else(String::new, crate::format_number);
        self.quantities
            .iter()
            .map(|q| {
                vec![
                    q.quantity.clone(),
                    q.claims.to_string(),
                    q.verdict.as_str().to_string(),
                    q.envelope.to_string(),
                    q.best_supported.to_string(),
                    q.dissenters.to_string(),
                    num(q.dl.map(|d| d.0)),
                    num(q.reml.map(|d| d.0)),
                ]
            })
            .collect()
    }

    const HEAD: [&'static str; 8] = [
        "quantity",
        "claims",
        "verdict",
        "envelope",
        "best supported",
        "dissenters",
        "dersimonian_laird",
        "reml",
    ];

    /// One line per quantity as CSV: quantity, claims, verdict, envelope, best-supported
    /// region, dissenters, DerSimonian–Laird and REML.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(Self::HEAD);
        for r in self.cells() {
            let _ = w.write_record(&r);
        }
        w.into_inner()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The same as an aligned table, with the verdict counts last; input text escaped for
    /// the terminal.
    #[must_use]
    pub fn to_text(&self) -> String {
        let rows: Vec<Vec<String>> = std::iter::once(Self::HEAD.map(str::to_string).to_vec())
            .chain(self.cells())
            .collect();
        let widths: Vec<usize> = (0..Self::HEAD.len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &rows {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        let v = self.verdicts;
        out.push_str(&format!(
            "{} quantities: {} single, {} consistent, {} tension, {} contradiction\n",
            self.quantities.len(),
            v.single,
            v.consistent,
            v.tension,
            v.contradiction
        ));
        crate::format::terminal_safe_lines(out)
    }
}

#[derive(Default)]
struct Cols {
    /// Each column's name (for messages), in header order.
    names: Vec<&'static str>,
    quantity: usize,
    sources: usize,
    low: Option<usize>,
    high: Option<usize>,
    central: Option<usize>,
    id: Option<usize>,
    level: Option<usize>,
    width: usize,
}

impl ClaimTable {
    /// Number of claims.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no claims.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of distinct quantities.
    #[must_use]
    pub fn quantity_count(&self) -> usize {
        self.quantities.len()
    }

    /// Whether the plain, parallel route read the table (a file of plain lines with no
    /// refused row, see [`load_bytes`](ClaimTable::load_bytes)); otherwise the checked
    /// route did. Both give the same table: this says only how fast it was read.
    #[must_use]
    pub fn read_by_plain_route(&self) -> bool {
        self.plain
    }

    /// Bytes held per claim by the columns (excluding the interned names).
    #[must_use]
    pub fn bytes_per_claim(&self) -> f64 {
        // A record, a quantity id, a source offset and a record number, and 4 bytes per
        // source id.
        let per = std::mem::size_of::<Row>() + 4 + 4 + 4;
        per as f64 + self.source_ids.len() as f64 * 4.0 / self.len().max(1) as f64
    }

    /// Reads a numeric CSV claim table strictly.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad header; [`Error::Invalid`] with every bad row.
    pub fn from_csv_reader(reader: impl Read) -> Result<ClaimTable> {
        let (table, rejected) = ClaimTable::load(reader)?;
        if rejected.is_empty() {
            Ok(table)
        } else {
            Err(Error::Invalid { errors: rejected })
        }
    }

    /// Reads a numeric CSV claim table leniently: the valid rows, and every bad row's error.
    ///
    /// The input is read into memory first (its size in bytes, about 38 a claim on the
    /// benchmark workload, for the time of the load), then read by
    /// [`load_bytes`](ClaimTable::load_bytes).
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad header, [`Error::Io`] for a read failure.
    pub fn load(mut reader: impl Read) -> Result<(ClaimTable, Vec<Error>)> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|source| Error::Io {
            path: "the claim table".into(),
            source,
        })?;
        ClaimTable::load_owned(bytes)
    }

    /// As [`load`](ClaimTable::load), on a whole file (a regular file from its start,
    /// wherever its cursor is; a pipe from where it is). With the `parallel` feature, on
    /// Unix, a regular file of 1 MB or more is read by one part per core at once
    /// (positioned reads): a plain file's parts are parsed a 512 KB buffer at a time as they
    /// are read, without holding the file (on the 1M-claim workload the load took 73–84 ms
    /// this way against 92 ms reading the whole file first); any other file is read
    /// whole, in one part per core, and then by the plain route or the csv crate. The
    /// table and the rejections are those of [`load`](ClaimTable::load). A file that grows
    /// while it is read is read to its end; one that shrinks is an error.
    ///
    /// # Errors
    ///
    /// As [`load`](ClaimTable::load).
    pub fn load_file(file: &std::fs::File) -> Result<(ClaimTable, Vec<Error>)> {
        let io = |source| Error::Io {
            path: "the claim table".into(),
            source,
        };
        #[cfg(all(unix, feature = "parallel"))]
        if let Some(pieces) =
            stream_pieces(file, rayon::current_num_threads(), PARTITION_FROM).map_err(io)?
        {
            return Ok((merge_pieces(pieces), Vec::new()));
        }
        ClaimTable::load_owned(read_whole(file).map_err(io)?)
    }

    /// [`load`](ClaimTable::load) of bytes read: they go as soon as the plain route has
    /// its pieces.
    fn load_owned(bytes: Vec<u8>) -> Result<(ClaimTable, Vec<Error>)> {
        let (cols, body) = ClaimTable::header_of(&bytes)?;
        if let Some(pieces) = plain_pieces(&bytes, &body, &cols, PARTITION_FROM) {
            drop(bytes);
            return Ok((merge_pieces(pieces), Vec::new()));
        }
        ClaimTable::load_checked(&bytes, &cols, &body)
    }

    /// Reads a numeric CSV claim table in memory leniently: the valid rows, and every bad
    /// row's error.
    ///
    /// Two routes give the same table. A file whose records are plain lines — no `"` and
    /// no carriage return after the header, no `id` column — is cut into one piece per
    /// core at line ends; the pieces are checked (each row by the same `check_row` as the
    /// other route) in parallel, their quantity names numbered by partitions of their hash
    /// (each partition's table small enough to stay in cache, the partitions in parallel)
    /// and their sources interned, then merged in file order, so ids are numbered by first
    /// appearance as before. If any row of it is refused, or the file
    /// is not plain, the whole file is read again by the checked route: the csv crate
    /// reads the records (quotes, embedded newlines and CR-only line endings mean what
    /// they mean in the Loader) while another thread interns them, and every bad row is
    /// reported with its line. Tests hold the two routes to the same tables.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad header.
    pub fn load_bytes(bytes: &[u8]) -> Result<(ClaimTable, Vec<Error>)> {
        let (cols, body) = ClaimTable::header_of(bytes)?;
        if let Some(pieces) = plain_pieces(bytes, &body, &cols, PARTITION_FROM) {
            return Ok((merge_pieces(pieces), Vec::new()));
        }
        ClaimTable::load_checked(bytes, &cols, &body)
    }

    /// The columns, and where the first record starts.
    fn header_of(bytes: &[u8]) -> Result<(Cols, csv::Position)> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let cols = read_header(&mut r)?;
        Ok((cols, r.position().clone()))
    }

    /// The checked route of [`load_bytes`](ClaimTable::load_bytes), from the first record
    /// (at `body`).
    fn load_checked(
        bytes: &[u8],
        cols: &Cols,
        body: &csv::Position,
    ) -> Result<(ClaimTable, Vec<Error>)> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(bytes);
        // The header again (already checked), so the reader counts lines and records
        // from it.
        let _ = r.byte_headers();
        debug_assert_eq!(r.position().byte(), body.byte());
        // One thread reads and checks rows; another interns and stores them, in order, so
        // the result is the same as doing both in turn (which is what happens without the
        // `parallel` feature). Batches keep what is in flight small.
        let mut t = ClaimTable::default();
        let mut rejected = Vec::new();
        let mut ids_seen: HashMap<Box<str>, u32> = HashMap::new();
        #[cfg(feature = "parallel")]
        {
            let (t2, rejected2, read) = std::thread::scope(|scope| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
                let consumer = scope.spawn(move || {
                    for batch in rx {
                        t.commit_batch(batch, &mut ids_seen, &mut rejected);
                    }
                    (t, rejected)
                });
                let read = produce(&mut r, cols, |batch| tx.send(batch).is_ok());
                drop(tx);
                let (t, rejected) = consumer
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                (t, rejected, read)
            });
            read?;
            t = t2;
            rejected = rejected2;
        }
        #[cfg(not(feature = "parallel"))]
        produce(&mut r, cols, |batch| {
            t.commit_batch(batch, &mut ids_seen, &mut rejected);
            true
        })?;
        t.source_start.push(t.source_ids.len() as u32);
        Ok((t, rejected))
    }

    /// Interns and stores a checked row (its names in `arena`).
    fn store(&mut self, arena: &[u8], names: &[std::ops::Range<u32>], p: &Pending) {
        let bytes = |r: &std::ops::Range<u32>| &arena[r.start as usize..r.end as usize];
        let sources = names[p.names.start as usize..p.names.end as usize].iter();
        self.push(bytes(&p.quantity), sources.map(bytes), p.row, p.row_no);
    }

    /// Interns a row's quantity and sources and appends it as record `row_no`.
    fn push<'a>(
        &mut self,
        quantity: &[u8],
        sources: impl Iterator<Item = &'a [u8]>,
        row: Row,
        row_no: u32,
    ) {
        let qid = self.quantities.id(quantity);
        self.push_all_but_quantity(sources, row, row_no);
        self.quantity_of.push(qid);
    }

    /// [`push`](ClaimTable::push) but for the quantity, whose id the caller appends.
    fn push_all_but_quantity<'a>(
        &mut self,
        sources: impl Iterator<Item = &'a [u8]>,
        row: Row,
        row_no: u32,
    ) {
        self.source_start.push(self.source_ids.len() as u32);
        for name in sources {
            let sid = self.sources.id(name);
            self.source_ids.push(sid);
        }
        self.rows.push(row);
        self.row_nos.push(row_no);
    }

    /// Interns the quantities of the rows appended without one (`names`, in row order)
    /// and appends their ids; empties `names`.
    fn intern_quantities(&mut self, names: &mut Vec<&[u8]>) {
        for name in names.drain(..) {
            let id = self.quantities.id(name);
            self.quantity_of.push(id);
        }
    }

    /// Commits a batch of checked rows in order: duplicate ids, interning, storage.
    fn commit_batch(
        &mut self,
        batch: Batch,
        ids_seen: &mut HashMap<Box<str>, u32>,
        rejected: &mut Vec<Error>,
    ) {
        let Batch {
            arena,
            names,
            items,
        } = batch;
        for item in items {
            match item {
                Err(e) => rejected.push(e),
                Ok(mut p) => {
                    if let Err(e) = self.commit(&arena, &names, &mut p, ids_seen) {
                        rejected.push(e);
                    }
                }
            }
        }
    }

    fn commit(
        &mut self,
        arena: &[u8],
        names: &[std::ops::Range<u32>],
        p: &mut Pending,
        ids_seen: &mut HashMap<Box<str>, u32>,
    ) -> Result<()> {
        let bytes = |r: &std::ops::Range<u32>| &arena[r.start as usize..r.end as usize];
        let duplicate = |id: &str| Error::DuplicateId {
            at: Location::Line {
                line: p.line.into(),
                id: Some(id.to_string()),
            },
            what: "claim",
            id: id.to_string(),
        };
        if let Some(e) = &p.explicit {
            let id: Box<str> = String::from_utf8_lossy(bytes(e)).into();
            // An explicit `row-K` collides with row K's implicit id, as in the Loader.
            let implicit_k = id
                .strip_prefix("row-")
                .and_then(|k| k.parse::<u32>().ok())
                .filter(|k| k.to_string().len() == id.len() - 4)
                .and_then(|k| self.row_nos.binary_search(&k).ok())
                .is_some_and(|i| !self.explicit_ids.contains_key(&(i as u32)));
            if implicit_k || ids_seen.contains_key(&id) {
                return Err(duplicate(&id));
            }
            if let Some(e) = p.deferred.take() {
                return Err(e);
            }
            ids_seen.insert(id.clone(), p.row_no);
            self.explicit_ids.insert(self.rows.len() as u32, id);
        } else if !ids_seen.is_empty() {
            let id = crate::io::row_id(p.row_no.into());
            if ids_seen.contains_key(id.as_str()) {
                return Err(duplicate(&id));
            }
        }
        if let Some(e) = p.deferred.take() {
            return Err(e);
        }
        self.store(arena, names, p);
        Ok(())
    }

    /// Claim indices grouped by quantity (counting sort): `(offsets, order)`, quantity k's
    /// claims are `order[offsets[k]..offsets[k + 1]]`, in row order (see [`group_by`]).
    fn group(&self) -> (Vec<u32>, Vec<u32>) {
        group_by(&self.quantity_of, self.quantity_count())
    }

    /// Summarises quantity `q`, whose claims (by index) are `order[offsets[q]..offsets[q +
    /// 1]]`, with `at`'s reused buffers and block of rows.
    ///
    /// The claims are copied out of the table a block of quantities at a time (from `q` on,
    /// when `q` is not in the block `at` holds): the rows of a quantity lie scattered over
    /// the table, and a loop that does nothing but copy them keeps many cache misses in
    /// flight at once, where copying one quantity's rows just before summarising it waited
    /// for each quantity's misses in turn (two thirds of the summary's own time at 10⁶
    /// claims). Quantities are asked for in rising order within a thread's run, so each
    /// block is copied once (a run's last block may reach past its end: at most
    /// [`BLOCK`]` − 1` quantities copied twice).
    fn summarise_at(
        &self,
        q: usize,
        offsets: &[u32],
        order: &[u32],
        pool: bool,
        at: &mut Cursor,
    ) -> TableQuantity {
        if !at.quantities.contains(&q) {
            let end = (q + BLOCK).min(self.quantity_count());
            let (from, to) = (offsets[q] as usize, offsets[end] as usize);
            at.block.clear();
            at.block
                .extend(order[from..to].iter().map(|&i| self.rows[i as usize]));
            at.quantities = q..end;
        }
        let base = offsets[at.quantities.start] as usize;
        let members = &mut at.block[offsets[q] as usize - base..offsets[q + 1] as usize - base];
        // Claims in a fixed order — by their figures, not their rows — so every sum is
        // taken in the same order whatever the order of the file: the figures are the same
        // to the last bit under any shuffle of the rows. Claims with the same figures are
        // interchangeable here (every claim of the table weighs 1).
        members.sort_unstable_by(|x, y| {
            x.low
                .total_cmp(&y.low)
                .then_with(|| x.high.total_cmp(&y.high))
                .then_with(|| x.central.total_cmp(&y.central))
                .then_with(|| x.level.total_cmp(&y.level))
        });
        self.summarise_sorted(q, members, pool, &mut at.buffers)
    }

    /// [`summarise`](ClaimTable::summarise) on a quantity's claims in their fixed order.
    fn summarise_sorted(
        &self,
        k: usize,
        members: &[Row],
        pool: bool,
        b: &mut Buffers,
    ) -> TableQuantity {
        let n = members.len();
        // The envelope, the consensus and the verdict from the bounds' extremes, taken as
        // `Interval::hull` and `Interval::intersection` folds take them (the first of equal
        // lows and highs where they keep the first, the last where they keep the last), so
        // a −0 is the one those folds would keep.
        let (mut max_low, mut min_high, mut max_high) = (0, 0, 0);
        // The hard intervals' extremes: a statistical interval (with a level) entails
        // nothing, its hard interval is the count domain [0, ∞), as in the Loader; stated
        // bounds are hard as well as plausible.
        let (mut hard_low, mut hard_high) = (f64::NEG_INFINITY, f64::INFINITY);
        for (i, r) in members.iter().enumerate() {
            if r.low >= members[max_low].low {
                max_low = i;
            }
            if r.high < members[min_high].high {
                min_high = i;
            }
            if r.high >= members[max_high].high {
                max_high = i;
            }
            let (lo, hi) = if r.level.is_nan() {
                (r.low, r.high)
            } else {
                (0.0, f64::INFINITY)
            };
            hard_low = hard_low.max(lo);
            hard_high = hard_high.min(hi);
        }
        // The rows are in ascending order of `low`: the first has the least.
        let envelope = Interval::closed_checked(members[0].low, members[max_high].high);
        // `[a, b]` is non-empty iff a ≤ b (b = +∞ included).
        let (lo, hi) = (members[max_low].low, members[min_high].high);
        let consensus = (lo <= hi).then(|| Interval::closed_checked(lo, hi));
        // By Helly's theorem on the line, intervals share a point iff every pair does: the
        // plausible intervals do iff they have a consensus, the hard ones iff their
        // greatest low is at most their least high.
        let verdict = if n == 1 {
            Verdict::Single
        } else if consensus.is_some() {
            Verdict::Consistent
        } else if hard_low <= hard_high {
            Verdict::Tension
        } else {
            Verdict::Contradiction
        };
        let sw = unit_sweep(n, |i| (members[i].low, members[i].high), &mut b.unit);
        if pool {
            // The same entries and effect sizes as the Reconciler's pooling
            // (`pool::table_effects`): figures with a bounded interval, ranges at their
            // midpoint, one-sided claims left as bounds; the log scale unless some figure
            // reaches 0.
            pool::table_effects(
                members.iter().map(|r| (r.low, r.high, r.central, r.level)),
                &mut b.studies,
            );
        }
        let opts = MetaOptions::default();
        // Only τ² and the estimate are reported here: the lean fit skips p-values and intervals.
        let back = |x: f64, log: bool| if log { x.exp() } else { x };
        let (studies, log) = (&b.studies.0, b.studies.1);
        // Both fits share one standardisation of the studies (into a reused buffer): the
        // same checks and figures as `meta_analysis_with` computes for each.
        let prep = if studies.len() >= 2 {
            standardise(studies, &opts, &mut b.standardised).ok()
        } else {
            None
        };
        let std = &b.standardised;
        let fit = |m| prep.as_ref().and_then(|p| solve(std, p, m, &opts).ok());
        let dl = fit(Method::DerSimonianLaird).map(|f| (back(f.estimate, log), f.tau2));
        let reml = fit(Method::Reml).map(|f| (back(f.estimate, log), f.tau2, f.iterations));
        TableQuantity {
            quantity: self.quantities.name(k).to_string(),
            claims: members.len(),
            envelope,
            consensus,
            best_supported: sw.best,
            best_supported_ties: sw.ties,
            verdict,
            clusters: sw.cliques,
            dissenters: sw.dissenters,
            dl,
            reml,
        }
    }

    /// Reconciles every quantity: the summary and the DL and REML meta-analyses; across
    /// quantities in parallel with the `parallel` feature.
    #[must_use]
    pub fn reconcile(&self) -> TableReconciliation {
        self.reconcile_with(cfg!(feature = "parallel"), true)
    }

    /// The summary alone (no pooled estimates: `dl` and `reml` are `None`), on one thread.
    #[must_use]
    pub fn summary_sequential(&self) -> TableReconciliation {
        self.reconcile_with(false, false)
    }

    /// As [`reconcile`](ClaimTable::reconcile), on one thread. The results are identical.
    #[must_use]
    pub fn reconcile_sequential(&self) -> TableReconciliation {
        self.reconcile_with(false, true)
    }

    fn reconcile_with(&self, parallel: bool, pool: bool) -> TableReconciliation {
        let (offsets, order) = self.group();
        let nq = self.quantity_count();
        let one = |at: &mut Cursor, q| self.summarise_at(q, &offsets, &order, pool, at);
        // Each quantity's summary is written once, in its place in the list: the threads'
        // runs go straight into it (an indexed collect), where gathering each run's list
        // and joining them copied every summary twice more, the last time on one core
        // into fresh pages.
        #[cfg(feature = "parallel")]
        let quantities: Vec<TableQuantity> = if parallel {
            use rayon::prelude::*;
            let mut all = Vec::with_capacity(nq);
            (0..nq)
                .into_par_iter()
                .with_min_len(RUN)
                .with_max_len(RUN)
                .map_init(Cursor::default, one)
                .collect_into_vec(&mut all);
            all
        } else {
            let mut at = Cursor::default();
            (0..nq).map(|q| one(&mut at, q)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let quantities: Vec<TableQuantity> = {
            let _ = parallel;
            let mut at = Cursor::default();
            (0..nq).map(|q| one(&mut at, q)).collect()
        };
        let mut verdicts = VerdictCounts::default();
        for q in &quantities {
            match q.verdict {
                Verdict::Single => verdicts.single += 1,
                Verdict::Consistent => verdicts.consistent += 1,
                Verdict::Tension => verdicts.tension += 1,
                Verdict::Contradiction => verdicts.contradiction += 1,
            }
        }
        TableReconciliation {
            quantities,
            verdicts,
        }
    }

    /// The claim id of a row index: its explicit id, else `row-N`.
    #[must_use]
    pub fn claim_id(&self, i: usize) -> String {
        self.explicit_ids.get(&(i as u32)).map_or_else(
            || crate::io::row_id(self.row_nos[i].into()),
            std::string::ToString::to_string,
        )
    }
}

/// Quantities whose rows [`ClaimTable::summarise_at`] copies out of the table at once.
const BLOCK: usize = 64;

/// The quantities a thread summarises in one run (rayon's `with_min_len` and
/// `with_max_len`): a run starts a block of its own, so runs much shorter than a few
/// blocks would copy rows twice; and a run is no longer either, so the threads finish
/// together: with only a least length, rayon cut the 1M workload's 100,000 quantities into
/// a few long runs, and one core worked alone on the last for about a tenth of the phase
/// (a perf timeline); with both bounds the phase took 105.5 against 109.5 ms (medians of 6
/// alternating runs).
#[cfg(feature = "parallel")]
const RUN: usize = 1024;

/// A thread's place in the summary: its buffers and the rows of a block of quantities.
#[derive(Default)]
struct Cursor {
    buffers: Buffers,
    /// The rows of `quantities`' claims, quantity by quantity, as `order` lists them.
    block: Vec<Row>,
    quantities: std::ops::Range<usize>,
}

#[derive(Default)]
struct Buffers {
    /// The effect sizes, and whether they are on the log scale.
    studies: (Vec<Study>, bool),
    /// The effect sizes standardised for the fits.
    standardised: Vec<Study>,
    unit: UnitScratch,
}

/// Rows read and checked, waiting to be interned and stored.
#[derive(Default)]
struct Batch {
    /// The bytes of the ids, quantity names and source names the rows refer to.
    arena: Vec<u8>,
    names: Vec<std::ops::Range<u32>>,
    items: Vec<std::result::Result<Pending, Error>>,
}

/// A checked row: ranges into its batch's arena.
struct Pending {
    /// An error found by the row alone but reported after the id check.
    deferred: Option<Error>,
    explicit: Option<std::ops::Range<u32>>,
    quantity: std::ops::Range<u32>,
    names: std::ops::Range<u32>,
    row: Row,
    line: u32,
    row_no: u32,
}

const BATCH_ROWS: usize = 4096;

/// Reads every record, checks it, and hands batches of rows to `emit` (which returns
/// false to stop early).
fn produce<R: Read>(
    r: &mut csv::Reader<R>,
    cols: &Cols,
    mut emit: impl FnMut(Batch) -> bool,
) -> Result<()> {
    let mut record = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut row = 0u32;
    loop {
        let line = r.position().line();
        match r.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                row += 1;
                let line = record.position().map_or(line, csv::Position::line) as u32;
                let checked = check_row(cols, &record, row, line, &mut batch);
                batch.items.push(checked);
            }
            Err(e) => {
                row += 1;
                let (bad, go_on) = crate::io::csv_record_error(&e, line);
                batch.items.push(Err(bad));
                if !go_on {
                    break;
                }
            }
        }
        if batch.items.len() >= BATCH_ROWS && !emit(std::mem::take(&mut batch)) {
            return Ok(());
        }
    }
    if !batch.items.is_empty() {
        emit(batch);
    }
    Ok(())
}

/// Checks one row (everything that needs no other row) and copies what it keeps into the
/// batch. Ids and numbers go through the Loader's own rules ([`crate::limits`] and
/// `io::numeric_estimate`), so both paths accept and refuse the same rows.
fn check_row(
    cols: &Cols,
    f: &csv::ByteRecord,
    row: u32,
    line: u32,
    batch: &mut Batch,
) -> Result<Pending> {
    // The whole record is checked once; each field is then a slice of it (fields end at
    // ASCII delimiters, so a valid record's fields are valid too). Only a record that is
    // not valid UTF-8 is checked field by field, to name the field.
    let whole = std::str::from_utf8(f.as_slice()).ok();
    let text = |i: usize, field: &'static str| -> Result<&str> {
        if let Some(s) = whole.and_then(|w| w.get(f.range(i)?)) {
            return Ok(s);
        }
        std::str::from_utf8(&f[i]).map_err(|_| {
            Error::malformed(
                field,
                format!("`{}` is not valid UTF-8", String::from_utf8_lossy(&f[i])),
            )
        })
    };
    let explicit = cols
        .id
        .and_then(|i| f.get(i))
        .map(<[u8]>::trim_ascii)
        .filter(|c| !c.is_empty());
    // The id is only spelt out for a message: most rows never need it.
    let id = || {
        explicit.map_or_else(
            || crate::io::row_id(row.into()),
            |c| crate::limits::excerpt(&String::from_utf8_lossy(c)),
        )
    };
    let at = || Location::Line {
        line: line.into(),
        id: Some(id()),
    };
    if f.len() != cols.width {
        return Err(Error::Malformed {
            at: at(),
            field: "row".into(),
            reason: format!("{} fields, but the header has {}", f.len(), cols.width),
        });
    }
    // The Loader's order of checks: field sizes, quantity and sources present, the value,
    // then the ids (as `Claim::new`), then the count's domain (as `ClaimSet::add_claim`).
    let checked = (|| -> Result<(crate::Estimate, &str, &str)> {
        // No field is longer than the record: only a long record is looked at field by
        // field.
        if f.as_slice().len() > crate::limits::MAX_TEXT_BYTES {
            for (i, c) in f.iter().enumerate() {
                if i != cols.sources && c.len() > crate::limits::MAX_TEXT_BYTES {
                    crate::limits::check_len(
                        cols.names[i],
                        &String::from_utf8_lossy(c),
                        crate::limits::MAX_TEXT_BYTES,
                    )?;
                }
            }
        }
        let quantity = crate::limits::trim(text(cols.quantity, "quantity")?);
        if quantity.is_empty() {
            return Err(Error::Empty {
                at: Location::Unknown,
                field: "quantity",
            });
        }
        let sources = crate::limits::trim(text(cols.sources, "sources")?);
        // The names are split again where needed rather than collected: no allocation for
        // the usual row of one or a few sources.
        let names = || sources.split(';').map(crate::limits::trim);
        if sources.is_empty() || names().any(str::is_empty) {
            return Err(Error::Empty {
                at: Location::Unknown,
                field: "sources",
            });
        }
        let cell = |c: Option<usize>, field| -> Result<Option<&str>> {
            c.map(|i| text(i, field)).transpose()
        };
        let e = crate::io::numeric_estimate(
            cell(cols.low, "low")?,
            cell(cols.high, "high")?,
            cell(cols.central, "central")?,
            cell(cols.level, "level")?,
            false,
        )?;
        if let Some(i) = cols.id.filter(|_| explicit.is_some()) {
            crate::limits::check_id_str("id", crate::limits::trim(text(i, "id")?))?;
        }
        crate::limits::check_id_str("quantity", quantity)?;
        crate::limits::check_source_ids(names())?;
        Ok((e, quantity, sources))
    })();
    let (estimate, quantity, sources) = checked.map_err(|e| e.at(at()))?;
    // The count's domain is checked after the claim id is (in `commit`), as the claim set
    // does: a duplicate id is reported before a negative figure.
    // Fitted in place: on an error the estimate is left as it was.
    let mut estimate = estimate;
    let deferred = estimate.fit_count().err().map(|e| e.at(at()));
    let (lo, hi) = (estimate.plausible().inf(), estimate.plausible().sup());
    let central = estimate.central();
    let level = estimate.level();
    let quantity = quantity.as_bytes();
    // Everything is checked before anything is interned: a rejected row leaves nothing.
    let mut put = |bytes: &[u8]| {
        let start = batch.arena.len() as u32;
        batch.arena.extend_from_slice(bytes);
        start..batch.arena.len() as u32
    };
    let explicit = explicit.map(&mut put);
    let quantity = put(quantity);
    let first = batch.names.len() as u32;
    for name in sources.split(';').map(crate::limits::trim) {
        let r = put(name.as_bytes());
        batch.names.push(r);
    }
    Ok(Pending {
        deferred,
        explicit,
        quantity,
        names: first..batch.names.len() as u32,
        row: Row {
            low: lo,
            high: hi,
            central: central.unwrap_or(f64::NAN),
            level: level.unwrap_or(f64::NAN),
        },
        line,
        row_no: row,
    })
}

/// Reads and checks the header: the columns the claim table reads, each once.
fn read_header(r: &mut csv::Reader<&[u8]>) -> Result<Cols> {
    let header = match r.byte_headers() {
        Ok(h) if !h.is_empty() && (h.len() != 1 || !h[0].is_empty()) => h.clone(),
        Ok(_) => return Err(Error::malformed("header", "empty CSV header")),
        Err(e) => return Err(Error::malformed("header", e.to_string())),
    };
    let mut cols = Cols {
        width: header.len(),
        ..Cols::default()
    };
    let (mut q, mut s) = (None, None);
    for (i, h) in header.iter().enumerate() {
        // Headers match whatever their case, as for the Loader; a repeated column is
        // refused, not read for its last value.
        let name = h.trim_ascii().to_ascii_lowercase();
        let slot = match name.as_slice() {
            b"quantity" => &mut q,
            b"sources" => &mut s,
            b"low" => &mut cols.low,
            b"high" => &mut cols.high,
            b"central" => &mut cols.central,
            b"id" => &mut cols.id,
            b"level" => &mut cols.level,
            other => {
                return Err(Error::Malformed {
                    at: Location::Line { line: 1, id: None },
                    field: String::from_utf8_lossy(other).into(),
                    reason: "the claim table reads only quantity, sources, low, high, central, id, level; use Loader for other columns".into(),
                });
            }
        };
        if slot.is_some() {
            return Err(Error::Malformed {
                at: Location::Line { line: 1, id: None },
                field: String::from_utf8_lossy(&name).into(),
                reason: "repeated column".into(),
            });
        }
        *slot = Some(i);
        cols.names.push(match name.as_slice() {
            b"quantity" => "quantity",
            b"sources" => "sources",
            b"low" => "low",
            b"high" => "high",
            b"central" => "central",
            b"id" => "id",
            _ => "level",
        });
    }
    let (Some(q), Some(s)) = (q, s) else {
        return Err(Error::malformed(
            "header",
            "need `quantity` and `sources` columns",
        ));
    };
    cols.quantity = q;
    cols.sources = s;
    Ok(cols)
}

/// Whether the bytes hold a `"` or a carriage return (one vectorised pass).
fn has_quote_or_cr(bytes: &[u8]) -> bool {
    memchr::memchr2(b'"', b'\r', bytes).is_some()
}

/// The pieces of the plain route of [`ClaimTable::load_bytes`], checked, their sources
/// interned and their quantity names filed for [`number`]:
/// `None` when the file is not plain (see there) or some row is refused, and the checked
/// route must read it. The pieces copy the names they keep: the bytes may go before the
/// merge.
fn plain_pieces(
    bytes: &[u8],
    body: &csv::Position,
    cols: &Cols,
    partition_from: usize,
) -> Option<Vec<Piece>> {
    let start = usize::try_from(body.byte()).ok()?;
    let text = bytes.get(start..)?;
    if cols.id.is_some() || u32::try_from(bytes.len()).is_err() || has_quote_or_cr(text) {
        return None;
    }
    // One piece a core (small files: one), cut after a line end.
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    let n = if text.len() < 1 << 20 {
        1
    } else {
        threads.max(1)
    };
    let mut cuts = vec![0];
    for k in 1..n {
        let at = (text.len() * k / n).max(*cuts.last()?);
        let end = text[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |p| at + p + 1);
        cuts.push(end);
    }
    cuts.push(text.len());
    let ranges: Vec<&[u8]> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let filed = text.len() >= partition_from;
    #[cfg(feature = "parallel")]
    let pieces: Vec<Option<Piece>> = {
        use rayon::prelude::*;
        ranges
            .par_iter()
            .map(|r| plain_piece(r, cols, filed))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let pieces: Vec<Option<Piece>> = ranges.iter().map(|r| plain_piece(r, cols, filed)).collect();
    pieces.into_iter().collect()
}

/// A piece of the plain route: its table, and its quantity names filed for [`number`]
/// (the table's `quantity_of` then empty) or `None` (interned into the table's own).
type Piece = (ClaimTable, Option<PieceNames>);

/// [`ClaimTable::group`] of claims whose quantities (of `nq`) are `quantity_of`.
///
/// Past [`GROUP_IN_CACHE`] claims, by runs of quantities, on every core with the
/// `parallel` feature: the claims are cut into one part a core, and each part deals its
/// claims, with their quantities, to up to 256 runs by their quantity's top bits (in row
/// order, into lists of its own); then each run, on its own, counts its quantities'
/// claims (its stretch of `offsets`) and puts them in their places within its stretch of
/// `order`, the parts' claims in part order, everything it touches small enough to stay in
/// cache. The runs' stretches are disjoint, so they are filled side by side. Scattering a
/// million claims straight to their places in a 4 MB `order` missed the cache at nearly
/// every claim (12–15 ms of the 1M workload's reconcile); at 10M claims of 1M quantities
/// the earlier version of this function, on one core, still counted every quantity's
/// claims in one pass over the table and looked each dealt claim's quantity up again in
/// `quantity_of`, which missed the cache the same way: 36 and 116 ms of the 165–181 ms
/// the grouping took there. Both routes give the lists of placing each claim in turn (a
/// test holds them to it). Memory: the lists, and 8 bytes a claim while grouping.
fn group_by(quantity_of: &[u32], nq: usize) -> (Vec<u32>, Vec<u32>) {
    #[cfg(feature = "parallel")]
    let parts = rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    let parts = 1;
    group_in_parts(quantity_of, nq, parts)
}

/// [`group_by`] with its claims cut into `parts` parts (the same lists for any number).
fn group_in_parts(quantity_of: &[u32], nq: usize, parts: usize) -> (Vec<u32>, Vec<u32>) {
    let n = quantity_of.len();
    let mut offsets = vec![0u32; nq + 1];
    let mut order = vec![0u32; n];
    if n <= GROUP_IN_CACHE {
        for &q in quantity_of {
            offsets[q as usize + 1] += 1;
        }
        for k in 0..nq {
            offsets[k + 1] += offsets[k];
        }
        let mut next = offsets.clone();
        for (i, &q) in quantity_of.iter().enumerate() {
            order[next[q as usize] as usize] = i as u32;
            next[q as usize] += 1;
        }
        return (offsets, order);
    }
    // Run b holds quantities b << shift up to the next run's first.
    let shift = (usize::BITS - nq.leading_zeros()).saturating_sub(8);
    let runs = (nq >> shift) + 1;
    let size = n.div_ceil(parts.max(1));
    let dealt = map_all(
        quantity_of.chunks(size).enumerate().collect(),
        true,
        |(p, qs)| Dealt::new(qs, p * size, shift, runs),
    );
    // Run b's claims take `order[run_start[b]..run_start[b + 1]]`.
    let mut run_start = vec![0usize; runs + 1];
    for b in 0..runs {
        let claims: usize = dealt.iter().map(|d| d.run(b).len()).sum();
        run_start[b + 1] = run_start[b] + claims;
    }
    // Each run its stretch of `order` and of `offsets[1..]` (its quantities' ends).
    let mut jobs = Vec::with_capacity(runs);
    let (mut order_rest, mut ends_rest) = (order.as_mut_slice(), &mut offsets[1..]);
    for b in 0..runs {
        let (first, end) = ((b << shift).min(nq), ((b + 1) << shift).min(nq));
        let (stretch, o) =
            std::mem::take(&mut order_rest).split_at_mut(run_start[b + 1] - run_start[b]);
        let (ends, e) = std::mem::take(&mut ends_rest).split_at_mut(end - first);
        (order_rest, ends_rest) = (o, e);
        jobs.push((b, first, stretch, ends));
    }
    let dealt = &dealt;
    let place = |(b, first, stretch, ends): (usize, usize, &mut [u32], &mut [u32])| {
        let base = run_start[b] as u32;
        for d in dealt {
            for &q in &d.quantity[d.run(b)] {
                ends[q as usize - first] += 1;
            }
        }
        let mut next = Vec::with_capacity(ends.len());
        let mut total = base;
        for e in ends.iter_mut() {
            next.push(total - base);
            total += *e;
            *e = total;
        }
        for d in dealt {
            let r = d.run(b);
            for (&i, &q) in d.claims[r.clone()].iter().zip(&d.quantity[r]) {
                let slot = &mut next[q as usize - first];
                stretch[*slot as usize] = i;
                *slot += 1;
            }
        }
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        jobs.into_par_iter().for_each(place);
    }
    #[cfg(not(feature = "parallel"))]
    jobs.into_iter().for_each(place);
    (offsets, order)
}

/// One part of [`group_by`]'s claims dealt to runs of quantities: its claims (by index in
/// the table) and their quantities, run by run, each run's in row order.
struct Dealt {
    /// Run b's claims are at `starts[b]..starts[b + 1]`.
    starts: Vec<u32>,
    claims: Vec<u32>,
    quantity: Vec<u32>,
}

impl Dealt {
    /// Deals claims `from..` (whose quantities are `quantity_of`) to `runs` runs of
    /// quantities by their quantity's bits above `shift`.
    fn new(quantity_of: &[u32], from: usize, shift: u32, runs: usize) -> Dealt {
        let mut starts = vec![0u32; runs + 1];
        for &q in quantity_of {
            starts[(q >> shift) as usize + 1] += 1;
        }
        for b in 0..runs {
            starts[b + 1] += starts[b];
        }
        let mut at = starts.clone();
        let (mut claims, mut quantity) =
            (vec![0u32; quantity_of.len()], vec![0u32; quantity_of.len()]);
        for (j, &q) in quantity_of.iter().enumerate() {
            let slot = &mut at[(q >> shift) as usize];
            claims[*slot as usize] = (from + j) as u32;
            quantity[*slot as usize] = q;
            *slot += 1;
        }
        Dealt {
            starts,
            claims,
            quantity,
        }
    }

    /// Where run b's claims are in `claims` and `quantity`.
    fn run(&self, b: usize) -> std::ops::Range<usize> {
        self.starts[b] as usize..self.starts[b + 1] as usize
    }
}

/// The plain route straight from a regular file of 1 MB or more (with the `parallel`
/// feature, on Unix), without holding its bytes: each core reads its part of the file a
/// buffer at a time (positioned reads) and checks and interns the buffer's whole lines
/// while they are in its cache. Part k holds the lines that start from `k/n` of the
/// records' bytes up to `(k + 1)/n` (the lines [`plain_pieces`] would give it, cut where a
/// line starts rather than where one ends: the table is the same either way). `None` when
/// the file is not plain or some row is refused (every core stops at its next buffer),
/// and the caller reads the whole file: the same table, the same rejections.
///
/// Reading the whole 38 MB of the 1M-claim workload first faulted in 38 MB of fresh
/// memory (9,400 pages) that the parse then read again.
#[cfg(all(unix, feature = "parallel"))]
fn stream_pieces(
    file: &std::fs::File,
    parts: usize,
    partition_from: usize,
) -> std::io::Result<Option<Vec<Piece>>> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    let meta = file.metadata()?;
    let Ok(len) = u32::try_from(meta.len()) else {
        return Ok(None);
    };
    let len = u64::from(len);
    if !meta.is_file() || len < 1 << 20 {
        return Ok(None);
    }
    // The header: the first line, read alone when it has no quote or carriage return.
    let mut head = vec![0u8; 1 << 16];
    let mut got = 0;
    while got < head.len() {
        match file.read_at(&mut head[got..], got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    let Some(nl) = memchr::memchr(b'\n', &head[..got]) else {
        return Ok(None);
    };
    if has_quote_or_cr(&head[..nl]) {
        return Ok(None);
    }
    let Ok((cols, body)) = ClaimTable::header_of(&head[..=nl]) else {
        return Ok(None);
    };
    let start = nl as u64 + 1;
    if cols.id.is_some() || body.byte() != start {
        return Ok(None);
    }
    let filed = (len - start) as usize >= partition_from;
    let n = parts.max(1) as u64;
    let bounds: Vec<u64> = (0..=n).map(|k| start + (len - start) * k / n).collect();
    let refused = AtomicBool::new(false);
    let pieces: Vec<std::io::Result<Option<Piece>>> = (0..n as usize)
        .into_par_iter()
        .map(|k| {
            let to = (k + 1 < n as usize).then(|| bounds[k + 1]);
            let piece = stream_piece(file, bounds[k], k > 0, to, len, &cols, filed, &refused);
            if !matches!(piece, Ok(Some(_))) {
                refused.store(true, Ordering::Relaxed);
            }
            piece
        })
        .collect();
    pieces
        .into_iter()
        .collect::<std::io::Result<Option<Vec<Piece>>>>()
}

/// One part of [`stream_pieces`]: the lines of `file` that start from `from` (from the
/// first line start after it when `skip`: the line that holds `from − 1` is the part's
/// before) up to `to` (or to the file's end, read until a read returns nothing: a file
/// that grows while it is read is read to its end). `None` when the lines are not plain,
/// a row is refused, or another part was (`refused`). An error when the file ends before
/// `len`, its length when the load began (it shrank), as reading it whole would give.
#[cfg(all(unix, feature = "parallel"))]
#[allow(clippy::too_many_arguments)]
fn stream_piece(
    file: &std::fs::File,
    from: u64,
    skip: bool,
    to: Option<u64>,
    len: u64,
    cols: &Cols,
    filed: bool,
    refused: &std::sync::atomic::AtomicBool,
) -> std::io::Result<Option<Piece>> {
    use std::os::unix::fs::FileExt;
    use std::sync::atomic::Ordering;
    /// Bytes read at a time: well inside a core's 2 MB second-level cache on this
    /// machine; a buffer grows to hold a longer line.
    const BUFFER: usize = 512 << 10;
    let mut buf = vec![0u8; BUFFER];
    let (mut filled, mut pos) = (0usize, if skip { from - 1 } else { from });
    // The file position of `buf[0]`, once the part's first line is found.
    let mut at = pos;
    let mut skipping = skip;
    let mut piece: Option<PieceBuilder> = None;
    loop {
        if refused.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if filled == buf.len() {
            buf.resize(2 * buf.len(), 0);
        }
        let got = file.read_at(&mut buf[filled..], pos)?;
        let end_of_file = got == 0;
        if end_of_file && pos < len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file shrank while it was read",
            ));
        }
        (pos, filled) = (pos + got as u64, filled + got);
        if skipping {
            match memchr::memchr(b'\n', &buf[..filled]) {
                Some(i) => {
                    buf.copy_within(i + 1..filled, 0);
                    (at, filled, skipping) = (at + i as u64 + 1, filled - i - 1, false);
                }
                None if end_of_file => break,
                None => {
                    (at, filled) = (at + filled as u64, 0);
                    continue;
                }
            }
        }
        if to.is_some_and(|to| at >= to) {
            break;
        }
        // The whole lines read (at the file's end, the rest: its last line may have no
        // end), up to the first that starts at `to` or past it.
        let whole = if end_of_file {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[..filled]) {
                Some(i) => i + 1,
                None => continue,
            }
        };
        let (take, last) = match to {
            Some(to) if at + whole as u64 > to => {
                let from_i = (to - 1 - at) as usize;
                match memchr::memchr(b'\n', &buf[from_i..whole]) {
                    Some(j) => (from_i + j + 1, true),
                    None => (whole, end_of_file),
                }
            }
            _ => (whole, end_of_file),
        };
        let text = &buf[..take];
        if has_quote_or_cr(text) {
            return Ok(None);
        }
        let builder = piece.get_or_insert_with(|| {
            // Room for the part's lines as this first stretch has them, and a tenth more:
            // a part rarely outgrows it, so its columns seldom move while they grow. A
            // stretch under 64 KB (a part that starts with very long lines) says too
            // little to extrapolate from, and no guess goes past 2²⁴ rows: an unusual
            // start must not reserve gigabytes; the columns grow as they need to.
            let lines = memchr::memchr_iter(b'\n', text).count();
            let span = to.unwrap_or(len).saturating_sub(at) as f64;
            let room = if take >= 1 << 16 {
                (span / take as f64 * lines as f64 * 1.1) as usize
            } else {
                lines
            };
            PieceBuilder::new(room.min(1 << 24) + 16, filed)
        });
        if builder.lines(text, cols).is_none() {
            return Ok(None);
        }
        if last {
            break;
        }
        buf.copy_within(take..filled, 0);
        (at, filled) = (at + take as u64, filled - take);
    }
    Ok(Some(
        piece
            .unwrap_or_else(|| PieceBuilder::new(0, filed))
            .finish(),
    ))
}

/// A whole file's bytes, from its start: in one part per core at once where that can be
/// done (see [`ClaimTable::load_file`]), else by `read_to_end`.
fn read_whole(file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    let meta = file.metadata()?;
    #[cfg(all(unix, feature = "parallel"))]
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt;
        if let Ok(len) = usize::try_from(meta.len())
            && meta.is_file()
            && len >= 1 << 20
        {
            let mut bytes = vec![0u8; len];
            let part = len.div_ceil(rayon::current_num_threads().max(1));
            bytes
                .par_chunks_mut(part)
                .enumerate()
                .try_for_each(|(k, chunk)| file.read_exact_at(chunk, (k * part) as u64))?;
            // Whatever the file gained since its length was taken.
            let mut more = [0u8; 1 << 16];
            loop {
                let n = file.read_at(&mut more, bytes.len() as u64)?;
                if n == 0 {
                    return Ok(bytes);
                }
                bytes.extend_from_slice(&more[..n]);
            }
        }
    }
    let mut bytes = Vec::new();
    let mut reader = file;
    // A regular file from its start; a pipe or a device from where it is.
    if meta.is_file() {
        std::io::Seek::rewind(&mut reader)?;
    }
    reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Up to this many claims, [`ClaimTable::group`] places each claim straight away: its
/// `order` (4 bytes a claim, 1 MB here) stays in cache.
const GROUP_IN_CACHE: usize = 1 << 18;

/// From this many bytes of records on, the plain route files quantity names by partition
/// and numbers them with [`number`]; below, each piece interns them as they come. About
/// 400,000 rows of the benchmark workload: the partitions' extra passes paid off at a
/// million rows (a hundred thousand names, whose one table outgrew a core's cache) and
/// cost 5–10 % at a hundred thousand.
const PARTITION_FROM: usize = 16 << 20;

/// Merges the plain route's pieces in file order. The first piece is the start of the
/// table: its ids are already numbered by first appearance in the file. Each other piece's
/// names are interned in their order of first appearance in the piece, so the merged ids
/// stay numbered by first appearance in the file, and its rows appended with their ids
/// mapped; each piece is freed once appended. Filed quantity names (all pieces' or none)
/// are numbered by first appearance in the file by [`number`] instead.
fn merge_pieces(pieces: Vec<Piece>) -> ClaimTable {
    let (pieces, names): (Vec<ClaimTable>, Vec<Option<PieceNames>>) = pieces.into_iter().unzip();
    let mut starts = Vec::with_capacity(pieces.len());
    let mut total = 0usize;
    for p in &pieces {
        starts.push(total as u32);
        total += p.len();
    }
    let filed: Option<Vec<PieceNames>> = names.into_iter().collect();
    let numbered = filed
        .filter(|f| !f.is_empty())
        .map(|f| number(f, &starts, total));
    let mut pieces = pieces.into_iter();
    let mut t = pieces.next().unwrap_or_default();
    t.source_start.pop();
    let more = total - t.len();
    t.rows.reserve_exact(more);
    if numbered.is_none() {
        t.quantity_of.reserve_exact(more);
    }
    t.row_nos.reserve_exact(more);
    t.source_start.reserve_exact(more + 1);
    let mut row0 = t.len() as u32;
    for p in pieces {
        if numbered.is_none() {
            let qmap = intern_all(&mut t.quantities, &p.quantities);
            extend_mapped(&mut t.quantity_of, &p.quantity_of, |&q| qmap[q as usize]);
        }
        let smap = intern_all(&mut t.sources, &p.sources);
        // On every core: the copy faults in the rows' fresh pages (16 MB of the 1M
        // workload's second half), which one core did alone.
        extend_mapped(&mut t.rows, &p.rows, |r| *r);
        // Row i's sources start where the table's end, plus where they start in the piece.
        let before = t.source_ids.len() as u32;
        let starts = &p.source_start[..p.rows.len()];
        extend_mapped(&mut t.source_start, starts, |&a| before + a);
        extend_mapped(&mut t.source_ids, &p.source_ids, |&s| smap[s as usize]);
        extend_mapped(&mut t.row_nos, &p.row_nos, |&r| row0 + r);
        row0 += p.rows.len() as u32;
    }
    t.source_start.push(t.source_ids.len() as u32);
    if let Some((quantity_of, quantities)) = numbered {
        t.quantity_of = quantity_of;
        t.quantities = quantities;
    }
    t.plain = true;
    t
}

/// Interns another piece's names (`from`'s, distinct, in their order of first appearance)
/// into `into` and returns their ids there: the ids `id_str` would give them one by one.
/// The names already there (most, in a large file) are looked up first, side by side on
/// every core with the `parallel` feature; only the new ones are then interned, in order.
fn intern_all(into: &mut Interner, from: &Interner) -> Vec<u32> {
    let mut found = Vec::new();
    let ids: Vec<usize> = (0..from.len()).collect();
    extend_mapped(&mut found, &ids, |&i| into.get(from.name(i).as_bytes()));
    from.names()
        .zip(found)
        .map(|(n, id)| id.unwrap_or_else(|| into.id_str(n)))
        .collect()
}

/// `out.extend(items.iter().map(f))`: on every core with the `parallel` feature, with the
/// same result (the items keep their order).
fn extend_mapped<T: Sync, U: Send>(
    out: &mut Vec<U>,
    items: &[T],
    f: impl Fn(&T) -> U + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        out.par_extend(items.par_iter().map(f));
    }
    #[cfg(not(feature = "parallel"))]
    out.extend(items.iter().map(f));
}

/// A plain line in its usual form, read without the general rules.
struct Quick<'a> {
    quantity: &'a [u8],
    source: &'a [u8],
    row: Row,
}

/// The usual row, recognised without the general rules of [`check_row`]: the header
/// has `low` and `high` and no `id` or `level`; the line has exactly the header's fields;
/// the quantity and the one source are 1 to [`MAX_ID_BYTES`](crate::limits::MAX_ID_BYTES)
/// printable ASCII characters other than a space (so trimming keeps them whole and the id
/// rules pass), the source without `;`; `low`, `high` (and `central`, where the header
/// has it) are plain decimals (`io::plain_decimal`, the parser `check_row` tries first:
/// so never negative) with `low ≤ central ≤ high`. Such a row is one `check_row` accepts
/// with these very figures (no count clipping applies to figures ≥ 0); every other line
/// (`None`) goes through `check_row`. A unit test holds the two to the same rows on
/// generated lines.
#[cfg(test)]
fn quick_row<'a>(line: &'a [u8], cols: &Cols) -> Option<Quick<'a>> {
    let cut = cut_line(line);
    debug_assert_eq!(cut.end, line.len(), "a line without its newline");
    quick_cut(line, &cut, cols)
}

/// [`quick_row`] on a line already [`cut_line`] (`cut.end` its length).
fn quick_cut<'a>(line: &'a [u8], cut: &Cut, cols: &Cols) -> Option<Quick<'a>> {
    if cols.id.is_some() || cols.level.is_some() {
        return None;
    }
    let (lo, hi) = (cols.low?, cols.high?);
    // Without `id` and `level` a header has at most five columns.
    if cut.commas + 1 != cols.width || cut.commas >= 5 {
        return None;
    }
    let mut f: [&[u8]; 5] = [&[]; 5];
    let mut start = 0;
    for (field, &at) in f.iter_mut().zip(&cut.at[..cut.commas]) {
        *field = &line[start..at as usize];
        start = at as usize + 1;
    }
    f[cut.commas] = &line[start..];
    let id = |b: &[u8]| {
        !b.is_empty()
            && b.len() <= crate::limits::MAX_ID_BYTES
            && b.iter().all(u8::is_ascii_graphic)
    };
    let (quantity, source) = (f[cols.quantity], f[cols.sources]);
    if !id(quantity) || !id(source) || source.contains(&b';') {
        return None;
    }
    let low = crate::io::plain_decimal(f[lo])?;
    let high = crate::io::plain_decimal(f[hi])?;
    let central = match cols.central {
        Some(c) => crate::io::plain_decimal(f[c])?,
        None => f64::NAN,
    };
    let ordered = low <= high && (cols.central.is_none() || (low <= central && central <= high));
    ordered.then_some(Quick {
        quantity,
        source,
        row: Row {
            low,
            high,
            central,
            level: f64::NAN,
        },
    })
}

/// The line at the start of a text: where it ends (its `\n`, or the text's end) and
/// where its first commas are.
#[derive(Debug, PartialEq)]
struct Cut {
    end: usize,
    /// How many commas the line has, counted up to 6.
    commas: usize,
    /// The first five commas' places.
    at: [u32; 5],
}

/// Cuts the first line of `text` (of at most 4 GiB), eight bytes at a time: the bytes
/// equal to `\n` and to `,` of a word found at once ([`zero_bytes`]), so a row's line end
/// and its fields are found in one pass, where finding the end (a `memchr` call a line)
/// and then the commas (a byte at a time) read the line twice.
fn cut_line(text: &[u8]) -> Cut {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut cut = Cut {
        end: text.len(),
        commas: 0,
        at: [0; 5],
    };
    let comma = |cut: &mut Cut, at: usize| {
        if let Some(slot) = cut.at.get_mut(cut.commas) {
            *slot = at as u32;
        }
        cut.commas = (cut.commas + 1).min(6);
    };
    let mut words = text.chunks_exact(8);
    let mut i = 0;
    for w in words.by_ref() {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let newline = zero_bytes(x ^ (u64::from(b'\n') * ONES));
        let mut commas = zero_bytes(x ^ (u64::from(b',') * ONES));
        if newline != 0 {
            // Only the commas before the first newline (bits below its byte's top bit).
            commas &= (newline & newline.wrapping_neg()) - 1;
        }
        while commas != 0 {
            comma(&mut cut, i + (commas.trailing_zeros() / 8) as usize);
            commas &= commas - 1;
        }
        if newline != 0 {
            cut.end = i + (newline.trailing_zeros() / 8) as usize;
            return cut;
        }
        i += 8;
    }
    for (j, &b) in words.remainder().iter().enumerate() {
        if b == b'\n' {
            cut.end = i + j;
            return cut;
        }
        if b == b',' {
            comma(&mut cut, i + j);
        }
    }
    cut
}

/// The top bit of every zero byte of `t`, exactly (no carry from a byte below: the low
/// seven bits are added apart from the top one).
#[inline(always)]
fn zero_bytes(t: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((t & LOW) + LOW) | t | LOW)
}

/// Checks and interns one piece of plain lines, numbering records from 1 (the merge adds
/// the records before the piece); with `filed`, its quantity names are filed for
/// [`number`] instead of interned. `None` at the first row the checked route would refuse.
fn plain_piece(text: &[u8], cols: &Cols, filed: bool) -> Option<Piece> {
    // At most a record a line: room for all, so the columns never move while they grow.
    let lines = memchr::memchr_iter(b'\n', text).count()
        + usize::from(text.last().is_some_and(|&b| b != b'\n'));
    let mut piece = PieceBuilder::new(lines, filed);
    piece.lines(text, cols)?;
    Some(piece.finish())
}

/// A piece of the plain route in the making: the records of its lines so far, given a
/// stretch of whole lines at a time ([`plain_piece`] gives them all at once, the file
/// route [`stream_piece`] a buffer at a time).
struct PieceBuilder {
    t: ClaimTable,
    names: Option<PieceNames>,
    batch: Batch,
    record: csv::ByteRecord,
    /// Lines and records so far.
    line: u32,
    row: u32,
}

impl PieceBuilder {
    /// A piece with room for about `lines` records (more are taken all the same).
    fn new(lines: usize, filed: bool) -> PieceBuilder {
        let mut t = ClaimTable::default();
        t.rows.reserve_exact(lines);
        if !filed {
            t.quantity_of.reserve_exact(lines);
        }
        t.row_nos.reserve_exact(lines);
        t.source_start.reserve_exact(lines + 1);
        t.source_ids.reserve(lines);
        PieceBuilder {
            t,
            names: filed.then(|| PieceNames::with_room(lines)),
            batch: Batch::default(),
            record: csv::ByteRecord::new(),
            line: 0,
            row: 0,
        }
    }

    /// Adds the records of `text`, whole lines (the piece's last may lack its line end).
    /// `None` at the first row the checked route would refuse.
    fn lines(&mut self, text: &[u8], cols: &Cols) -> Option<()> {
        let PieceBuilder {
            t,
            names,
            batch,
            record,
            line,
            row,
        } = self;
        // Unfiled, the quantities of the last rows are interned a few thousand at a time
        // in a loop that does nothing else: lookups side by side keep several cache misses
        // in flight, where a lookup between two rows' parsing waited for each. Row order,
        // hence numbering by first appearance, is kept: the pending names are interned
        // before any row that interns its own, and before the text goes.
        const PENDING: usize = 4096;
        let filed = names.is_some();
        let mut pending: Vec<&[u8]> = Vec::with_capacity(if filed { 0 } else { PENDING });
        let mut rest = text;
        while !rest.is_empty() {
            let cut = cut_line(rest);
            let l = &rest[..cut.end];
            rest = rest.get(cut.end + 1..).unwrap_or_default();
            // Empty lines are no records, as for the csv crate; they still count as lines.
            if let Some(q) = quick_cut(l, &cut, cols) {
                match names.as_mut() {
                    Some(names) => names.add(q.quantity, *row),
                    None => pending.push(q.quantity),
                }
                *row += 1;
                t.push_all_but_quantity(std::iter::once(q.source), q.row, *row);
                if pending.len() == PENDING {
                    t.intern_quantities(&mut pending);
                }
            } else if !l.is_empty() {
                t.intern_quantities(&mut pending);
                record.clear();
                for field in l.split(|&b| b == b',') {
                    record.push_field(field);
                }
                batch.arena.clear();
                batch.names.clear();
                let p = check_row(cols, record, *row + 1, *line, batch).ok()?;
                if p.deferred.is_some() {
                    return None;
                }
                match names.as_mut() {
                    Some(names) => {
                        let bytes = |r: &std::ops::Range<u32>| {
                            &batch.arena[r.start as usize..r.end as usize]
                        };
                        names.add(bytes(&p.quantity), *row);
                        let sources =
                            batch.names[p.names.start as usize..p.names.end as usize].iter();
                        t.push_all_but_quantity(sources.map(bytes), p.row, p.row_no);
                    }
                    None => t.store(&batch.arena, &batch.names, &p),
                }
                *row += 1;
            }
            *line += 1;
        }
        t.intern_quantities(&mut pending);
        Some(())
    }

    fn finish(mut self) -> Piece {
        self.t.source_start.push(self.t.source_ids.len() as u32);
        (self.t, self.names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    /// `text` written to a file of the temporary directory named after `name` and this
    /// process, and that file opened for reading (the caller removes it by its path).
    fn on_disk(name: &str, text: &str) -> (std::path::PathBuf, std::fs::File) {
        use std::io::Write;
        let path =
            std::env::temp_dir().join(format!("crosscheck-{name}-{}.csv", std::process::id()));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let f = std::fs::File::open(&path).unwrap();
        (path, f)
    }

    /// A quantity's summary is the generic one (`reconcile::core` and `sweep::sweep` on
    /// the same intervals, weight one each) to the bit: its envelope, consensus and best
    /// region are compared by their debug forms, so a −0 kept from the wrong claim shows.
    /// Bounds from a few values (ties, touching and nested claims), −0 and +0 both, some
    /// unbounded, some claims statistical intervals (hard only as [0, ∞)).
    #[test]
    fn the_summary_is_the_generic_core_with_unit_weights() {
        use crate::reconcile::{Work, core};
        let values: [f64; 7] = [-0.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0];
        let mut rng = XorShift::new(23);
        let mut table = ClaimTable::default();
        table.quantities.id(b"q");
        let (mut b, mut work) = (Buffers::default(), Work::default());
        for case in 0..20_000 {
            let n = 1 + (rng.next_u64() % 10) as usize;
            let mut rows: Vec<Row> = (0..n)
                .map(|_| {
                    let (low, high) = rng.tied_bounds(&values, 6);
                    let level = if rng.next_u64().is_multiple_of(4) {
                        0.9
                    } else {
                        f64::NAN
                    };
                    Row {
                        low,
                        high,
                        central: f64::NAN,
                        level,
                    }
                })
                .collect();
            rows.sort_by(|x, y| x.low.total_cmp(&y.low).then(x.high.total_cmp(&y.high)));
            let got = table.summarise_sorted(0, &rows, false, &mut b);
            let plausible: Vec<Interval> = rows
                .iter()
                .map(|r| Interval::closed_checked(r.low, r.high))
                .collect();
            let hard: Vec<Interval> = rows
                .iter()
                .map(|r| {
                    if r.level.is_nan() {
                        Interval::closed_checked(r.low, r.high)
                    } else {
                        Interval::closed_checked(0.0, f64::INFINITY)
                    }
                })
                .collect();
            let c = core(&plausible, &hard, &vec![1.0; n], false, 0, &mut work);
            let sw = &work.sweep;
            let want = (
                format!("{:?} {:?} {:?}", c.envelope, c.consensus, c.verdict),
                format!("{:?}", sw.best[0].0),
                sw.best.len(),
                sw.clique_count,
                sw.in_top.iter().filter(|t| !**t).count(),
            );
            let have = (
                format!("{:?} {:?} {:?}", got.envelope, got.consensus, got.verdict),
                format!("{:?}", got.best_supported),
                got.best_supported_ties,
                got.clusters,
                got.dissenters,
            );
            assert_eq!(have, want, "case {case}: {rows:?}");
        }
    }

    /// Quantity names filed and numbered by partition (as in files of 16 MB and more) give
    /// the table that interning them as they come gives: the same ids, names, rows and
    /// sources; in files of one piece and of several (over a megabyte), with names short,
    /// of 12 to 15 bytes and long, names the general row check trims, and blank lines.
    #[test]
    fn filed_and_interned_quantity_names_give_the_same_table() {
        let mut rng = XorShift::new(57);
        for size in [2_000usize, 60_000] {
            let mut csv = String::from("quantity,sources,low,central,high\n");
            for r in 0..size {
                let k = rng.next_u64() % (size as u64 / 4 + 1);
                let name = match k % 4 {
                    0 => format!("q{k}"),
                    1 => format!("quantity-{k:06}"),
                    2 => format!("a-quantity-named-at-length-{k}"),
                    _ => format!(" trimmed {k} "),
                };
                let low = rng.next_u64() % 1000;
                let high = low + rng.next_u64() % 100;
                csv.push_str(&format!("{name},s{},{low},{low},{high}\n", k % 7));
                if r % 1000 == 999 {
                    csv.push('\n');
                }
            }
            let bytes = csv.as_bytes();
            let (cols, body) = ClaimTable::header_of(bytes).unwrap();
            let load = |from| merge_pieces(plain_pieces(bytes, &body, &cols, from).unwrap());
            let (interned, filed) = (load(usize::MAX), load(0));
            assert_eq!(bytes.len() > 1 << 20, size == 60_000);
            assert!(interned.quantities.names().eq(filed.quantities.names()));
            assert!(interned.sources.names().eq(filed.sources.names()));
            assert_eq!(interned.quantity_of, filed.quantity_of);
            assert_eq!(format!("{:?}", interned.rows), format!("{:?}", filed.rows));
            assert_eq!(interned.source_start, filed.source_start);
            assert_eq!(interned.source_ids, filed.source_ids);
            assert_eq!(interned.row_nos, filed.row_nos);
            assert_eq!(interned.len(), size);
            assert_eq!(interned.reconcile(), filed.reconcile());
        }
    }

    /// On lines of random fields (names short, of 12–15 bytes, long, padded, with NULs and
    /// non-ASCII text; numbers plain and with exponents; now and then a blank line or a
    /// bad row: an empty name or source, a bad or negative number, a field too few, bounds
    /// inverted; no quotes or carriage returns, so the file stays plain),
    /// filing the quantity names refuses the same files as interning them and gives the
    /// same tables.
    #[test]
    fn filed_and_interned_quantity_names_agree_on_random_lines() {
        let names = [
            "q1",
            "q2",
            " q1",
            "q1 ",
            "quantity-00012",
            "quantity-000123",
            "a-long-quantity-name-1",
            "a-long-quantity-name-2",
            "\u{e9}t\u{e9}",
            "q\0",
            "q 3",
        ];
        let sources = ["s1", "s2", "s1;s2", " s3"];
        let numbers = ["1", "2.5", "10", "1e3", "7", "0.0", "12", "300"];
        let bad = [
            "q1,,1,2",
            ",s1,1,2",
            "q1,s1,x,2",
            "q1,s1,-3,2",
            "q1,s1,5",
            "q1,s1,9,1",
        ];
        let mut rng = XorShift::new(91);
        let mut pick = |n: usize| (rng.next_u64() % n as u64) as usize;
        let (mut read, mut refused) = (0, 0);
        for case in 0..3000 {
            let mut text = String::from("quantity,sources,low,high\n");
            for _ in 0..pick(12) {
                match pick(40) {
                    0 => {}
                    1 => text.push_str(bad[pick(bad.len())]),
                    _ => {
                        let (a, b) = (numbers[pick(numbers.len())], numbers[pick(numbers.len())]);
                        let (x, y) = (a.parse::<f64>().unwrap(), b.parse::<f64>().unwrap());
                        let (lo, hi) = if x <= y { (a, b) } else { (b, a) };
                        let line = format!(
                            "{},{},{lo},{hi}",
                            names[pick(names.len())],
                            sources[pick(sources.len())]
                        );
                        text.push_str(&line);
                    }
                }
                text.push('\n');
            }
            let text = text.as_bytes();
            let (cols, body) = ClaimTable::header_of(text).unwrap();
            let load = |from| plain_pieces(text, &body, &cols, from).map(merge_pieces);
            match (load(usize::MAX), load(0)) {
                (None, None) => refused += 1,
                (Some(a), Some(b)) => {
                    read += usize::from(a.len() > 1);
                    assert!(a.quantities.names().eq(b.quantities.names()), "case {case}");
                    assert_eq!(a.quantity_of, b.quantity_of, "case {case}");
                    assert_eq!(format!("{:?}", a.rows), format!("{:?}", b.rows));
                    assert_eq!(a.source_ids, b.source_ids, "case {case}");
                    assert_eq!(a.row_nos, b.row_nos, "case {case}");
                }
                _ => panic!("case {case}: one route refused the file, the other did not"),
            }
        }
        // Many files of several rows were read, and many refused.
        assert!(
            read > 300 && refused > 300,
            "{read} read, {refused} refused"
        );
    }

    /// A file read in parts at once is the file read through: the same table from
    /// `load_file` as from `load` on its bytes, for a file past the 1 MB of parallel
    /// reading and a small one, whatever the file's cursor.
    /// A file read straight into the plain route's parts, a buffer at a time, gives the
    /// table of its bytes (and of the checked route, where that reads it) whatever the
    /// number of parts: lines cut by the buffers and by the parts, empty lines, rows only
    /// the general rules read (several sources, exponents), a last line without its end,
    /// a line longer than a buffer and than a part (a claim of 200,000 sources: some part
    /// then holds no line), filed and
    /// interned quantity names. A quote or a refused row far into the file gives the
    /// whole-file route, with the same rejections.
    #[cfg(all(unix, feature = "parallel"))]
    #[test]
    fn a_file_streamed_in_parts_gives_the_table_of_its_bytes() {
        fn same(a: &ClaimTable, b: &ClaimTable, case: &str) {
            assert_eq!(a.len(), b.len(), "{case}");
            assert!(a.quantities.names().eq(b.quantities.names()), "{case}");
            assert!(a.sources.names().eq(b.sources.names()), "{case}");
            assert_eq!(a.quantity_of, b.quantity_of, "{case}");
            assert_eq!(a.source_start, b.source_start, "{case}");
            assert_eq!(a.source_ids, b.source_ids, "{case}");
            assert_eq!(format!("{:?}", a.rows), format!("{:?}", b.rows), "{case}");
            assert_eq!(a.row_nos, b.row_nos, "{case}");
            assert_eq!(a.reconcile(), b.reconcile(), "{case}");
        }
        let mut rng = XorShift::new(0x0dd_ba11);
        let mut lines = |rows: usize, csv: &mut String| {
            for i in 0..rows {
                let low = rng.next_u64() % 1000;
                let r = rng.unit();
                if r < 0.01 {
                    csv.push('\n');
                } else if r < 0.03 {
                    csv.push_str(&format!(
                        "q{},s{};t{},{low}e0,,{}\n",
                        i % 2003,
                        i % 7,
                        i % 5,
                        low + 9
                    ));
                } else {
                    csv.push_str(&format!(
                        "q{},s{},{low},{},{}\n",
                        i % 2003,
                        i % 53,
                        low + 1,
                        low + 2
                    ));
                }
            }
        };
        let header = "quantity,sources,low,central,high\n";
        let mut plain = String::from(header);
        lines(60_000, &mut plain);
        plain.push_str("q1,s1,1,2,3");
        let mut long = String::from(header);
        lines(30_000, &mut long);
        let many: Vec<String> = (0..200_000).map(|k| format!("m{k}")).collect();
        long.push_str(&format!("q1,{},1,2,3\n", many.join(";")));
        lines(30_000, &mut long);
        let mut quoted = plain.clone();
        quoted.push_str("\n\"q1\",s1,1,2,3\n");
        let mut refused = String::from(header);
        lines(60_000, &mut refused);
        refused.push_str("q7,s1,9,5,2\n");
        lines(1_000, &mut refused);
        for (name, csv) in [
            ("plain", &plain),
            ("long", &long),
            ("quoted", &quoted),
            ("refused", &refused),
        ] {
            assert!(csv.len() > 1 << 20, "{name}: {} bytes", csv.len());
            let (path, f) = on_disk(&format!("stream-{name}"), csv);
            let (bytes, rb) = ClaimTable::load_bytes(csv.as_bytes()).unwrap();
            let (whole, rw) = ClaimTable::load_file(&f).unwrap();
            same(&whole, &bytes, name);
            assert_eq!(
                bytes.read_by_plain_route(),
                rb.is_empty() && name != "quoted"
            );
            assert_eq!(format!("{rw:?}"), format!("{rb:?}"), "{name}");
            for parts in 1..=5 {
                for partition_from in [0, usize::MAX] {
                    let case = format!("{name}, {parts} parts, filed from {partition_from}");
                    let pieces = stream_pieces(&f, parts, partition_from).unwrap();
                    if name == "quoted" || name == "refused" {
                        assert!(pieces.is_none(), "{case}");
                        assert!(!rb.is_empty() || name == "quoted", "{case}");
                        continue;
                    }
                    let pieces = pieces.unwrap_or_else(|| panic!("{case}: not streamed"));
                    assert_eq!(pieces.len(), parts, "{case}");
                    if name == "long" && parts >= 3 {
                        assert!(
                            pieces.iter().any(|p| p.0.is_empty()),
                            "{case}: no empty part"
                        );
                    }
                    same(&merge_pieces(pieces), &bytes, &case);
                }
            }
            std::fs::remove_file(&path).unwrap();
        }
    }

    /// Cut anywhere, a file's two parts hold every line once: the first part the lines
    /// that start before the cut, the second the rest (a line that holds the cut's byte
    /// before is the first part's), for every cut from the first record's start to the
    /// file's end, with lines of every length, empty ones and a last one without its end.
    #[cfg(all(unix, feature = "parallel"))]
    #[test]
    fn a_part_holds_the_lines_that_start_in_it() {
        use std::sync::atomic::AtomicBool;
        let mut csv = String::from("quantity,sources,low,high\n");
        for i in 0..120 {
            let name = "q".repeat(1 + i % 13);
            match i % 17 {
                0 => csv.push('\n'),
                _ => csv.push_str(&format!("{name}{},s{},{i},{}\n", i % 9, i % 4, i + 7)),
            }
        }
        csv.push_str("qlast,s1,1,2");
        let (whole, rejected) = ClaimTable::load_bytes(csv.as_bytes()).unwrap();
        assert!(rejected.is_empty() && whole.read_by_plain_route());
        let (path, f) = on_disk("parts", &csv);
        let (cols, body) = ClaimTable::header_of(csv.as_bytes()).unwrap();
        let (start, len) = (body.byte(), csv.len() as u64);
        let no = AtomicBool::new(false);
        for filed in [false, true] {
            for cut in start + 1..=len {
                let piece = |from, skip, to| {
                    stream_piece(&f, from, skip, to, len, &cols, filed, &no)
                        .unwrap()
                        .unwrap()
                };
                let parts = vec![piece(start, false, Some(cut)), piece(cut, true, None)];
                let merged = merge_pieces(parts);
                let case = format!("cut at {cut}, filed {filed}");
                assert_eq!(merged.len(), whole.len(), "{case}");
                assert_eq!(
                    format!("{:?}", merged.rows),
                    format!("{:?}", whole.rows),
                    "{case}"
                );
                assert!(
                    merged.quantities.names().eq(whole.quantities.names()),
                    "{case}"
                );
                assert_eq!(merged.row_nos, whole.row_nos, "{case}");
            }
        }
        std::fs::remove_file(&path).unwrap();
    }

    /// A part whose first buffer holds one short line and the start of a very long one
    /// does not extrapolate its room from that line: its columns hold about what it read
    /// (they grow as they need to), where the guess from 10 bytes a line was 1.1 rows for
    /// every 10 bytes of the part.
    #[cfg(all(unix, feature = "parallel"))]
    #[test]
    fn a_part_does_not_guess_its_room_from_a_short_start() {
        use std::sync::atomic::AtomicBool;
        let mut csv = String::from("quantity,sources,low,high\nq,s,1,2\n");
        let many: Vec<String> = (0..120_000).map(|k| format!("m{k}")).collect();
        csv.push_str(&format!("q1,{},1,2\n", many.join(";")));
        for i in 0..2_000 {
            csv.push_str(&format!("q{i},s{},{i},{}\n", i % 7, i + 1));
        }
        // Empty lines (no records) make the part long.
        csv.push_str(&"\n".repeat(4 << 20));
        let (path, f) = on_disk("room", &csv);
        let (cols, body) = ClaimTable::header_of(csv.as_bytes()).unwrap();
        let no = AtomicBool::new(false);
        let len = csv.len() as u64;
        let (t, _) = stream_piece(&f, body.byte(), false, None, len, &cols, false, &no)
            .unwrap()
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(t.len(), 2_002);
        assert!(
            t.rows.capacity() < 8 * t.len(),
            "{} rows' room",
            t.rows.capacity()
        );
    }

    #[test]
    fn a_file_read_in_parts_gives_the_table_of_its_bytes() {
        use std::io::{Seek, SeekFrom};
        let mut rng = XorShift::new(0x1f83_d9ab_fb41_bd6b);
        for rows in [20, 60_000] {
            let mut csv = String::from("quantity,sources,low,central,high\n");
            for i in 0..rows {
                let low = rng.next_u64() % 1000;
                csv.push_str(&format!(
                    "q{},s{},{low},{},{}\n",
                    i % 977,
                    i % 31,
                    low + 1,
                    low + 2
                ));
            }
            let (path, mut f) = on_disk(&format!("load-file-{rows}"), &csv);
            f.seek(SeekFrom::Start(7)).unwrap();
            let (a, ra) = ClaimTable::load_file(&f).unwrap();
            let (b, rb) = ClaimTable::load(csv.as_bytes()).unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(csv.len() > 1 << 20 || rows == 20, "{} bytes", csv.len());
            assert_eq!((ra.len(), rb.len()), (0, 0));
            assert_eq!(a.len(), rows);
            assert!(a.quantities.names().eq(b.quantities.names()));
            assert!(a.sources.names().eq(b.sources.names()));
            assert_eq!(a.quantity_of, b.quantity_of);
            assert_eq!(format!("{:?}", a.rows), format!("{:?}", b.rows));
            assert_eq!(a.row_nos, b.row_nos);
            assert_eq!(a.reconcile(), b.reconcile());
        }
    }

    /// Grouping in two passes (past `GROUP_IN_CACHE` claims) gives the lists of placing
    /// each claim straight away: every quantity's claims in row order, for one quantity,
    /// a quantity a claim, quantity counts of every bit length and skewed counts.
    /// A thread's cursor gives each quantity the summary of its own claims in whatever
    /// order the quantities are asked for: in turn (each block copied once), from the
    /// middle of a block, backwards and at random (blocks copied again), as rayon's runs
    /// may ask. Quantities of 1 to 19 claims, so blocks end inside and at their edges.
    #[test]
    fn a_cursor_summarises_quantities_asked_for_in_any_order() {
        let mut rng = XorShift::new(0x5eed_c0de);
        let mut csv = String::from("quantity,sources,low,central,high\n");
        let nq = 3 * BLOCK + 17;
        for q in 0..nq {
            for c in 0..1 + q % 19 {
                let low = rng.next_u64() % 1000;
                let width = 1 + rng.next_u64() % 300;
                csv.push_str(&format!(
                    "q{q},s{c},{low},{},{}\n",
                    low + width / 2,
                    low + width
                ));
            }
        }
        let (table, rejected) = ClaimTable::load_bytes(csv.as_bytes()).unwrap();
        assert!(rejected.is_empty());
        let whole = table.reconcile_sequential().quantities;
        assert_eq!(whole.len(), nq);
        let (offsets, order) = table.group();
        let mut shuffled: Vec<usize> = (0..nq).collect();
        for i in (1..nq).rev() {
            shuffled.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let orders = [
            (0..nq).collect::<Vec<_>>(),
            (BLOCK / 2..nq).chain(0..BLOCK / 2).collect(),
            (0..nq).rev().collect(),
            shuffled,
        ];
        for (o, asked) in orders.iter().enumerate() {
            let mut at = Cursor::default();
            for &q in asked {
                let got = table.summarise_at(q, &offsets, &order, true, &mut at);
                assert_eq!(got, whole[q], "order {o}, quantity {q}");
            }
        }
    }

    #[test]
    fn grouping_in_two_passes_is_grouping_claim_by_claim() {
        // Each quantity's list built in row order, the offsets their running lengths.
        fn straight(quantity_of: &[u32], nq: usize) -> (Vec<u32>, Vec<u32>) {
            let mut lists = vec![Vec::new(); nq];
            for (i, &q) in quantity_of.iter().enumerate() {
                lists[q as usize].push(i as u32);
            }
            let offsets = std::iter::once(0)
                .chain(lists.iter().scan(0, |end, l| {
                    *end += l.len() as u32;
                    Some(*end)
                }))
                .collect();
            (offsets, lists.concat())
        }
        let mut rng = XorShift::new(0x9b05_688c_2b3e_6c1f);
        let n = GROUP_IN_CACHE + 1000;
        for nq in [1, 2, 3, 255, 256, 257, 1000, 65_537, 300_000, n] {
            let quantity_of: Vec<u32> = (0..n)
                .map(|i| match nq {
                    n2 if n2 == n => i as u32,
                    _ if i < nq => i as u32,
                    _ if i % 3 == 0 => 0,
                    _ => (rng.next_u64() % nq as u64) as u32,
                })
                .collect();
            let want = straight(&quantity_of, nq);
            assert_eq!(group_by(&quantity_of, nq), want, "{nq} quantities");
            for parts in [1, 3, 7] {
                assert_eq!(
                    group_in_parts(&quantity_of, nq, parts),
                    want,
                    "{nq} quantities, {parts} parts"
                );
            }
        }
    }

    /// A line cut eight bytes at a time is the line cut a byte at a time: its end (the
    /// first `\n`, or the text's end) and its first five commas, with the count of all up
    /// to 6, on texts of every length to 40 from bytes among `,`, `\n`, `\r`, the
    /// digits, letters and bytes past ASCII (the high bit set, where a carry could
    /// spill), and texts of many commas.
    #[test]
    fn a_line_cut_by_words_is_a_line_cut_by_bytes() {
        fn by_bytes(text: &[u8]) -> Cut {
            let end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
            let commas: Vec<usize> = (0..end).filter(|&i| text[i] == b',').collect();
            let mut at = [0u32; 5];
            for (slot, &c) in at.iter_mut().zip(&commas) {
                *slot = c as u32;
            }
            Cut {
                end,
                commas: commas.len().min(6),
                at,
            }
        }
        let alphabet = b",,,\n\r0123456789.aZ \x80\xff\x2b\x2d\x0a\x8a\xac";
        let mut rng = XorShift::new(0x510e_527f_ade6_82d1);
        for case in 0..40_000 {
            let n = case % 41;
            let text: Vec<u8> = (0..n)
                .map(|_| {
                    if case % 5 == 0 {
                        b','
                    } else {
                        alphabet[(rng.next_u64() % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            assert_eq!(cut_line(&text), by_bytes(&text), "{text:?}");
        }
    }

    /// `quick_row` recognises only rows `check_row` accepts, with the same figures and
    /// names: on generated lines of digits, dots, signs, separators, spaces, letters,
    /// controls and non-ASCII text, under headers with and without `central`, `id` and
    /// `level`, in any column order.
    #[test]
    fn quick_rows_are_rows_check_row_accepts_alike() {
        let headers: [&[u8]; 6] = [
            b"quantity,sources,low,central,high",
            b"high,low,sources,quantity",
            b"sources,central,quantity,high,low",
            b"quantity,sources,low,high,level",
            b"id,quantity,sources,low,central,high",
            b"quantity,sources,low",
        ];
        let pieces: [&str; 24] = [
            "0",
            "7",
            "12",
            "3.5",
            ".5",
            "5.",
            "1.25",
            "999999999999999",
            "1234567890123456",
            "-1",
            "+2",
            "1e3",
            "inf",
            "",
            " ",
            ";",
            "q1",
            "s 2",
            "\t",
            "é",
            "\u{7}",
            "..",
            "nan",
            "0.000000000000001",
        ];
        let (mut quick, mut checked_only) = (0, 0);
        let mut rng = XorShift::new(0x9e37_79b9);
        for header in headers {
            let mut bytes = header.to_vec();
            bytes.push(b'\n');
            let (cols, _) = ClaimTable::header_of(&bytes).expect("header");
            for _ in 0..20_000 {
                // Mostly well-formed rows (ids and ordered figures), some pieces anywhere.
                let fields =
                    cols.width + usize::from(rng.unit() < 0.05) - usize::from(rng.unit() < 0.05);
                let mut line = String::new();
                for k in 0..fields {
                    if k > 0 {
                        line.push(',');
                    }
                    let r = rng.unit();
                    let figure = [cols.low, cols.central, cols.high].contains(&Some(k));
                    let cell = if r < 0.9 && figure {
                        // Ordered more often than not.
                        let at = [cols.low, cols.central, cols.high]
                            .iter()
                            .position(|&c| c == Some(k))
                            .unwrap_or(0);
                        let pick = if rng.unit() < 0.7 {
                            at
                        } else {
                            (rng.next_u64() % 3) as usize
                        };
                        ["2", "3.5", "5."][pick].to_string()
                    } else if r < 0.9 && (k == cols.quantity || k == cols.sources) {
                        format!("x{}", rng.next_u64() % 50)
                    } else {
                        let n = 1 + (rng.next_u64() % 3) as usize;
                        (0..n)
                            .map(|_| pieces[(rng.next_u64() % pieces.len() as u64) as usize])
                            .collect()
                    };
                    line.push_str(&cell);
                }
                let Some(q) = quick_row(line.as_bytes(), &cols) else {
                    checked_only += 1;
                    continue;
                };
                quick += 1;
                let mut record = csv::ByteRecord::new();
                for field in line.as_bytes().split(|&b| b == b',') {
                    record.push_field(field);
                }
                let mut batch = Batch::default();
                let p = check_row(&cols, &record, 1, 1, &mut batch)
                    .unwrap_or_else(|e| panic!("`{line}`: quick, but check_row refuses: {e}"));
                assert!(p.deferred.is_none(), "`{line}`: {:?}", p.deferred);
                let bytes =
                    |r: &std::ops::Range<u32>| &batch.arena[r.start as usize..r.end as usize];
                assert_eq!(bytes(&p.quantity), q.quantity, "`{line}`");
                let names: Vec<&[u8]> = batch.names[p.names.start as usize..p.names.end as usize]
                    .iter()
                    .map(bytes)
                    .collect();
                assert_eq!(names, [q.source], "`{line}`");
                let bits = |r: &Row| [r.low, r.high, r.central, r.level].map(f64::to_bits);
                assert_eq!(bits(&p.row), bits(&q.row), "`{line}`");
            }
        }
        // Both kinds of line were generated, in number.
        assert!(
            quick > 5_000 && checked_only > 5_000,
            "{quick} quick, {checked_only} not"
        );
    }
}
