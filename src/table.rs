//! A columnar claim table for reconciling millions of numeric claims.
//!
//! [`ClaimSet`](crate::ClaimSet) keeps every claim's words, dates and citation; a
//! [`ClaimTable`] keeps only what the statistics need, in columns: interned quantity and
//! source ids (`u32`), the plausible interval's bounds and the central value (`f64`), about
//! 40 bytes a claim. It reads the numeric CSV claim format (`quantity`, `sources`, `low`,
//! `high`, `central`, and optional `id`, `level`) line by line, without allocating per
//! field, checks every row as the [`Loader`](crate::Loader) does (NaN, infinities, inverted
//! bounds, a central outside, negative figures of a count, duplicate ids) and reports every
//! bad row. Quantities are counts (as undeclared quantities are in the CSV format).
//!
//! [`ClaimTable::reconcile`] runs the same summary as the [`Reconciler`](crate::Reconciler)
//! (envelope, consensus, best-supported region, verdict, clusters, dissenters) and the
//! DerSimonian–Laird and REML meta-analyses on the log scale for every quantity, with
//! quantities grouped by a counting sort (no hash map per claim) and summarised with reused
//! buffers, in parallel across quantities with the `parallel` feature (identical results).
//!
//! # Cost
//!
//! Loading: linear in the file. Reconciling: O(n log n) per quantity of n claims, O(N) to
//! group N claims.
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

use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Read};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::interval::Interval;
use crate::pool;
use crate::pool::meta::{MetaOptions, Method, Study, fit_core};
use crate::reconcile::{Verdict, Work, core};

/// An interned key: short keys live inline in the hash table, so a lookup compares bytes
/// in the bucket instead of chasing a pointer (interning is the load's hot spot).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Inline(u8, [u8; 23]),
    Heap(Box<[u8]>),
}

impl Key {
    fn new(bytes: &[u8]) -> Key {
        if bytes.len() <= 23 {
            let mut a = [0u8; 23];
            a[..bytes.len()].copy_from_slice(bytes);
            Key::Inline(bytes.len() as u8, a)
        } else {
            Key::Heap(bytes.into())
        }
    }
}

/// Interns strings as dense `u32` ids.
#[derive(Debug, Default, Clone)]
struct Interner {
    ids: FxHashMap<Key, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, bytes: &[u8]) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.ids.entry(Key::new(bytes)).or_insert(next);
        if id == next {
            self.names.push(String::from_utf8_lossy(bytes).into());
        }
        id
    }
}

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
    quantity: u32,
}

/// Numeric claims in columns (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct ClaimTable {
    quantities: Interner,
    sources: Interner,
    /// One record a claim: reconciling visits claims grouped by quantity, in scattered
    /// order, so one cache line per claim beats one per column.
    rows: Vec<Row>,
    /// Offsets into `source_ids`: claim i's sources are `source_ids[start[i]..start[i + 1]]`.
    source_start: Vec<u32>,
    source_ids: Vec<u32>,
    /// Explicit claim ids by row, for the rows that have one.
    explicit_ids: HashMap<u32, Box<str>>,
    /// The CSV line of each row (for messages).
    lines: Vec<u32>,
}

/// The summary of one quantity of a [`ClaimTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Empties a vector of borrowed fields so its allocation can serve the next line
/// (`collect` into the same layout reuses the buffer).
fn recycle<'a>(mut v: Vec<&[u8]>) -> Vec<&'a [u8]> {
    v.clear();
    v.into_iter().map(|_| unreachable!("cleared")).collect()
}

/// Splits a CSV line on commas; `None` if it holds a quote (then the csv crate reads it).
fn split_plain<'a>(line: &'a [u8], out: &mut Vec<&'a [u8]>) -> bool {
    out.clear();
    if line.contains(&b'"') {
        return false;
    }
    out.extend(line.split(|&b| b == b','));
    true
}

fn number(cell: &[u8], field: &'static str) -> Result<Option<f64>> {
    let t = cell.trim_ascii();
    if t.is_empty()
        || t.eq_ignore_ascii_case(b"inf")
        || t.eq_ignore_ascii_case(b"+inf")
        || t.eq_ignore_ascii_case(b"-inf")
    {
        return Ok(None);
    }
    if let Some(x) = plain_decimal(t) {
        return Ok(Some(x));
    }
    let s = std::str::from_utf8(t).map_err(|_| Error::malformed(field, "not UTF-8"))?;
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        Ok(x) => Err(Error::NotFinite {
            at: Location::Unknown,
            field,
            value: x,
        }),
        Err(_) => crate::io::csv_number(Some(s), field),
    }
}

/// Clinger's fast path (Clinger 1990, "How to read floating point numbers accurately"):
/// a plain decimal `digits[.digits]` with at most 15 significant digits is `m / 10^k` with
/// both exactly representable, so one IEEE division gives the correctly rounded value.
/// Anything else returns `None` for the standard parser.
fn plain_decimal(t: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut m: u64 = 0;
    let mut digits = 0;
    let mut frac: Option<usize> = None;
    for &b in t {
        match b {
            // Past 15 digits the fast path does not apply (and 20 would overflow u64).
            b'0'..=b'9' if digits >= 15 => return None,
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => return None,
        }
    }
    let k = frac.unwrap_or(0);
    if digits == 0 || digits > 15 || k > 15 {
        return None;
    }
    Some(m as f64 / POW10[k])
}

#[derive(Default)]
struct Cols {
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
        self.quantities.names.len()
    }

    /// Bytes held per claim by the columns (excluding the interned names).
    #[must_use]
    pub fn bytes_per_claim(&self) -> f64 {
        // A record, a source offset, a line number, and 4 bytes per source id.
        let per = std::mem::size_of::<Row>() + 4 + 4;
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
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad header, [`Error::Io`] for a read failure.
    pub fn load(reader: impl Read) -> Result<(ClaimTable, Vec<Error>)> {
        let mut r = BufReader::with_capacity(1 << 20, reader);
        let io = |source| Error::Io {
            path: "<reader>".into(),
            source,
        };
        let mut line = Vec::with_capacity(256);
        r.read_until(b'\n', &mut line).map_err(io)?;
        let header = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_slice())
            .byte_records()
            .next();
        let header = match header {
            Some(Ok(h)) => h,
            _ => return Err(Error::malformed("header", "empty or unreadable CSV header")),
        };
        let mut cols = Cols {
            width: header.len(),
            ..Cols::default()
        };
        let (mut q, mut s) = (None, None);
        for (i, h) in header.iter().enumerate() {
            // Headers match whatever their case, as for the Loader.
            match h.trim_ascii().to_ascii_lowercase().as_slice() {
                b"quantity" => q = Some(i),
                b"sources" => s = Some(i),
                b"low" => cols.low = Some(i),
                b"high" => cols.high = Some(i),
                b"central" => cols.central = Some(i),
                b"id" => cols.id = Some(i),
                b"level" => cols.level = Some(i),
                other => {
                    return Err(Error::Malformed {
                        at: Location::Line { line: 1, id: None },
                        field: String::from_utf8_lossy(other).into(),
                        reason: "the claim table reads only quantity, sources, low, high, central, id, level; use Loader for other columns".into(),
                    });
                }
            }
        }
        let (Some(q), Some(s)) = (q, s) else {
            return Err(Error::malformed(
                "header",
                "need `quantity` and `sources` columns",
            ));
        };
        cols.quantity = q;
        cols.sources = s;
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
                let read = produce(&mut r, &cols, |batch| tx.send(batch).is_ok());
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
        produce(&mut r, &cols, |batch| {
            t.commit_batch(batch, &mut ids_seen, &mut rejected);
            true
        })?;
        t.source_start.push(t.source_ids.len() as u32);
        Ok((t, rejected))
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
                Ok(p) => {
                    if let Err(e) = self.commit(&arena, &names, &p, ids_seen) {
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
        p: &Pending,
        ids_seen: &mut HashMap<Box<str>, u32>,
    ) -> Result<()> {
        let bytes = |r: &std::ops::Range<u32>| &arena[r.start as usize..r.end as usize];
        if let Some(e) = &p.explicit {
            let id: Box<str> = String::from_utf8_lossy(bytes(e)).into();
            if ids_seen.insert(id.clone(), p.row_no).is_some() {
                return Err(Error::DuplicateId {
                    at: Location::Line {
                        line: p.line.into(),
                        id: Some(id.to_string()),
                    },
                    what: "claim",
                    id: id.to_string(),
                });
            }
            self.explicit_ids.insert(self.rows.len() as u32, id);
        }
        let qid = self.quantities.id(bytes(&p.quantity));
        self.source_start.push(self.source_ids.len() as u32);
        for name in &names[p.names.start as usize..p.names.end as usize] {
            let sid = self.sources.id(bytes(name));
            self.source_ids.push(sid);
        }
        self.rows.push(Row {
            quantity: qid,
            ..p.row
        });
        self.lines.push(p.line);
        Ok(())
    }

    /// Claim indices grouped by quantity (counting sort): `(offsets, order)`, quantity k's
    /// claims are `order[offsets[k]..offsets[k + 1]]`, in row order.
    fn group(&self) -> (Vec<u32>, Vec<u32>) {
        let nq = self.quantity_count();
        let mut offsets = vec![0u32; nq + 1];
        for q in self.rows.iter().map(|r| r.quantity) {
            offsets[q as usize + 1] += 1;
        }
        for k in 0..nq {
            offsets[k + 1] += offsets[k];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; self.len()];
        for (i, q) in self.rows.iter().map(|r| r.quantity).enumerate() {
            order[next[q as usize] as usize] = i as u32;
            next[q as usize] += 1;
        }
        (offsets, order)
    }

    fn interval(&self, i: usize) -> Interval {
        Interval::closed_checked(self.rows[i].low, self.rows[i].high)
    }

    /// Summarises one quantity's claims (by index) with reused buffers.
    fn summarise(&self, k: usize, members: &[u32], pool: bool, b: &mut Buffers) -> TableQuantity {
        b.plausible.clear();
        b.hard.clear();
        b.weights.clear();
        b.plausible
            .extend(members.iter().map(|&i| self.interval(i as usize)));
        // A statistical interval (with a level) entails nothing: its hard interval is the
        // count domain, as in the Loader.
        b.hard.extend(members.iter().map(|&i| {
            if self.rows[i as usize].level.is_nan() {
                self.interval(i as usize)
            } else {
                Interval::closed_checked(0.0, f64::INFINITY)
            }
        }));
        b.weights.resize(members.len(), 1.0);
        let c = core(&b.plausible, &b.hard, &b.weights, false, 0, &mut b.work);
        let best = &b.work.sweep.best;
        if pool {
            // The same entries and effect sizes as the Reconciler's pooling
            // (`pool::table_effects`): figures with a bounded interval, ranges at their
            // midpoint, one-sided claims left as bounds; the log scale unless some figure
            // reaches 0.
            pool::table_effects(
                members.iter().map(|&i| {
                    let r = &self.rows[i as usize];
                    (r.low, r.high, r.central, r.level)
                }),
                &mut b.studies,
            );
        }
        let opts = MetaOptions::default();
        // Only τ² and the estimate are reported here: the lean fit skips p-values and intervals.
        let back = |x: f64, log: bool| if log { x.exp() } else { x };
        let (studies, log) = (&b.studies.0, b.studies.1);
        let enough = studies.len() >= 2;
        let fit = |m| fit_core(studies, m, &opts).ok();
        let dl = enough
            .then(|| fit(Method::DerSimonianLaird))
            .flatten()
            .map(|f| (back(f.estimate, log), f.tau2));
        let reml = enough
            .then(|| fit(Method::Reml))
            .flatten()
            .map(|f| (back(f.estimate, log), f.tau2, f.iterations));
        TableQuantity {
            quantity: self.quantities.names[k].to_string(),
            claims: members.len(),
            envelope: c.envelope,
            consensus: c.consensus,
            best_supported: best[0].0,
            best_supported_ties: best.len(),
            verdict: c.verdict,
            clusters: b.work.sweep.clique_count,
            dissenters: c.dissenters,
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
        let run = |range: std::ops::Range<usize>| {
            let mut b = Buffers::default();
            range
                .map(|k| {
                    self.summarise(
                        k,
                        &order[offsets[k] as usize..offsets[k + 1] as usize],
                        pool,
                        &mut b,
                    )
                })
                .collect::<Vec<_>>()
        };
        #[cfg(feature = "parallel")]
        let quantities: Vec<TableQuantity> = if parallel {
            use rayon::prelude::*;
            let chunk = 4096;
            (0..nq.div_ceil(chunk))
                .into_par_iter()
                .flat_map_iter(|c| run(c * chunk..((c + 1) * chunk).min(nq)))
                .collect()
        } else {
            run(0..nq)
        };
        #[cfg(not(feature = "parallel"))]
        let quantities: Vec<TableQuantity> = {
            let _ = parallel;
            run(0..nq)
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
        self.explicit_ids
            .get(&(i as u32))
            .map_or_else(|| format!("row-{}", i + 1), |s| s.to_string())
    }
}

#[derive(Default)]
struct Buffers {
    plausible: Vec<Interval>,
    hard: Vec<Interval>,
    weights: Vec<f64>,
    /// The effect sizes, and whether they are on the log scale.
    studies: (Vec<Study>, bool),
    work: Work,
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
    explicit: Option<std::ops::Range<u32>>,
    quantity: std::ops::Range<u32>,
    names: std::ops::Range<u32>,
    row: Row,
    line: u32,
    row_no: u32,
}

const BATCH_ROWS: usize = 4096;

/// Reads every data line, checks it, and hands batches of rows to `emit` (which returns
/// false to stop early).
fn produce(r: &mut impl BufRead, cols: &Cols, mut emit: impl FnMut(Batch) -> bool) -> Result<()> {
    let io = |source| Error::Io {
        path: "<reader>".into(),
        source,
    };
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut spare: Vec<&[u8]> = Vec::with_capacity(8);
    let mut quoted = csv::ByteRecord::new();
    let mut batch = Batch::default();
    let mut lineno = 1u32;
    let mut row = 0u32;
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).map_err(io)? == 0 {
            break;
        }
        lineno += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            continue;
        }
        row += 1;
        let mut fields = recycle(std::mem::take(&mut spare));
        if !split_plain(text, &mut fields) {
            // A quoted line: let the csv crate read it.
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text);
            match rdr.read_byte_record(&mut quoted) {
                Ok(true) => {
                    fields.clear();
                    fields.extend(quoted.iter());
                }
                _ => {
                    batch.items.push(Err(Error::Malformed {
                        at: Location::Line {
                            line: lineno.into(),
                            id: None,
                        },
                        field: "row".into(),
                        reason: "unreadable CSV line".into(),
                    }));
                    spare = recycle(fields);
                    continue;
                }
            }
        }
        let checked = check_row(cols, &fields, row, lineno, &mut batch);
        batch.items.push(checked);
        spare = recycle(fields);
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
/// batch.
fn check_row(cols: &Cols, f: &[&[u8]], row: u32, line: u32, batch: &mut Batch) -> Result<Pending> {
    let explicit = cols
        .id
        .and_then(|i| f.get(i))
        .map(|c| c.trim_ascii())
        .filter(|c| !c.is_empty());
    // The id is only spelt out for a message: most rows never need it.
    let id = || {
        explicit.map_or_else(
            || format!("row-{row}"),
            |c| String::from_utf8_lossy(c).into_owned(),
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
    let quantity = f[cols.quantity].trim_ascii();
    if quantity.is_empty() {
        return Err(Error::Empty {
            at: at(),
            field: "quantity",
        });
    }
    let sources = f[cols.sources].trim_ascii();
    if sources.is_empty()
        || sources
            .split(|&b| b == b';')
            .any(|s| s.trim_ascii().is_empty())
    {
        return Err(Error::Empty {
            at: at(),
            field: "sources",
        });
    }
    let get = |c: Option<usize>, field| {
        c.map_or(Ok(None), |i| number(f[i], field))
            .map_err(|e: Error| e.at(at()))
    };
    let low = get(cols.low, "low")?;
    let high = get(cols.high, "high")?;
    let central = get(cols.central, "central")?;
    let level = get(cols.level, "level")?;
    if low.is_none() && high.is_none() && central.is_none() {
        return Err(Error::Empty {
            at: at(),
            field: "value",
        });
    }
    for (field, v) in [("low", low), ("high", high), ("central", central)] {
        if let Some(v) = v.filter(|v| *v < 0.0) {
            return Err(Error::Negative {
                at: at(),
                field,
                value: v,
            });
        }
    }
    let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(f64::INFINITY));
    if lo > hi {
        return Err(Error::Inverted {
            at: at(),
            field: "value",
            low: lo,
            high: hi,
        });
    }
    if let Some(c) = central.filter(|c| *c < lo || *c > hi) {
        let interval =
            Interval::try_from_parts(Some(lo), false, high, false).map_err(|e| e.at(at()))?;
        return Err(Error::CentralOutside {
            at: at(),
            central: c,
            interval,
        });
    }
    if let Some(l) = level.filter(|l| !(*l > 0.0 && *l < 1.0)) {
        return Err(Error::Level { at: at(), level: l });
    }
    // Everything is checked before anything is interned: a rejected row leaves nothing.
    let names: Vec<&[u8]> = sources
        .split(|&b| b == b';')
        .map(<[u8]>::trim_ascii)
        .collect();
    // Few sources: compare pairs; many: sort a copy (a row may name 100,000 sources).
    let duplicate = if names.len() <= 8 {
        (1..names.len()).find_map(|i| names[..i].contains(&names[i]).then_some(names[i]))
    } else {
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    };
    if let Some(name) = duplicate {
        return Err(Error::DuplicateId {
            at: at(),
            what: "source in claim",
            id: String::from_utf8_lossy(name).into(),
        });
    }
    let mut put = |bytes: &[u8]| {
        let start = batch.arena.len() as u32;
        batch.arena.extend_from_slice(bytes);
        start..batch.arena.len() as u32
    };
    let explicit = explicit.map(&mut put);
    let quantity = put(quantity);
    let first = batch.names.len() as u32;
    for name in names {
        let r = put(name);
        batch.names.push(r);
    }
    Ok(Pending {
        explicit,
        quantity,
        names: first..batch.names.len() as u32,
        row: Row {
            low: lo,
            high: hi,
            central: central.unwrap_or(f64::NAN),
            level: level.unwrap_or(f64::NAN),
            quantity: 0,
        },
        line,
        row_no: row,
    })
}
