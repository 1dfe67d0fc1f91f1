//! Claim files: the JSON claim-set document and the CSV claim table (DESIGN §5).
//!
//! # JSON
//!
//! One document `{"sources": [...], "quantities": [...], "claims": [...]}`. A claim's
//! `value` is wording (`"about 4,000"`), a bare number, or an object: numeric
//! `{"low", "high", "central", "level"}` (hard = plausible = `[low, high]`, closed; an absent
//! or null bound is unbounded, clipped at 0 for a count), wording with options
//! `{"wording", "profile", "level"}`, or the full form `{"hard", "plausible", "central",
//! "level"}` with intervals as `{"low", "low_open", "high", "high_open"}`. Unknown fields are
//! errors, never ignored.
//!
//! # CSV
//!
//! One claim a row, with a header: `quantity`, `sources` (ids separated by `;`), then
//! either `value` (wording or a bare number) or `low`/`high`/`central` (an empty or `inf`
//! bound is unbounded), and optionally `id` (else `row-N`, N counting data rows from 1),
//! `level`, `as_of`, `published`, `url`, `title`, `quote`, `note`, `reported_by`, `stance`,
//! `unit`, `profile`. Sources and quantities not declared in the base set (for example one
//! loaded from an accompanying JSON) are created from their ids with defaults.
//!
//! # Errors
//!
//! A loader reads every record and reports every bad one; in lenient mode it keeps the good
//! records and returns the bad ones with their errors. Nothing is dropped silently.
//!
//! # Cost
//!
//! Linear in the size of the file. A CSV row's claim is built from its cells on every core
//! (feature `parallel`), then checked against the set and indexed in file order on one,
//! one hash lookup per id; a CSV file or text in memory whose body has no `"`, no carriage
//! return and is UTF-8 is split into rows and fields by the builders themselves, any other
//! by the csv crate on the loading thread (the same claims and errors either way).
//! `crosscheck check` on a million numeric rows: 1.36 s, the median of six runs on the
//! project's 2-core machine (BENCHMARKS.md, seventh round).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::claim::{Citation, Claim, PartialDate, Stance};
use crate::claimset::ClaimSet;
use crate::error::{Error, Location, Result};
use crate::estimate::Estimate;
use crate::interval::Interval;
use crate::quantity::{Quantity, QuantityKind, Temporal};
use crate::source::{Reliability, Source, SourceKind};
use crate::wording::{Profile, Reader};

/// The result of a lenient load: the valid records, and every rejected one with its error.
#[derive(Debug)]
pub struct Loaded {
    /// The claim set built from the valid records.
    pub set: ClaimSet,
    /// Every rejected record's error (each names its record), in input order.
    pub rejected: Vec<Error>,
}

/// Loads claim sets from JSON and CSV.
///
/// # Example
///
/// ```
/// use crosscheck::Loader;
///
/// let csv = "quantity,sources,value\nkpa-casualties,ua-gov,about 4000\nkpa-casualties,us-intel,nonsense\n";
/// assert!(Loader::new().csv_str(csv).is_err());
/// let loaded = Loader::new().lenient().csv_str(csv)?;
/// assert_eq!(loaded.set.len(), 1);
/// assert_eq!(loaded.rejected.len(), 1);
/// assert!(loaded.rejected[0].to_string().starts_with("line 3 (claim `row-2`)"));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Loader {
    lenient: bool,
    profile: Profile,
    base: Option<ClaimSet>,
    allow_undeclared: bool,
    default_kind: Option<QuantityKind>,
}

impl Loader {
    /// A strict loader with the default reading profile.
    #[must_use]
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Keeps the valid records and returns the rejected ones instead of failing.
    #[must_use]
    pub fn lenient(mut self) -> Loader {
        self.lenient = true;
        self
    }

    /// The reading profile for wording without a `profile` of its own.
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Loader {
        self.profile = profile;
        self
    }

    /// Declared sources and quantities (and claims) that a CSV table adds to. A CSV row
    /// naming a source or quantity the base does not declare is refused, with the nearest
    /// declared id suggested ("unknown source `mho`; did you mean `moh`?"), unless
    /// [`allow_undeclared`](Loader::allow_undeclared) is set. (Without a base, or a base
    /// that declares no sources, resp. quantities, they are created from their ids.)
    #[must_use]
    pub fn with_base(mut self, base: ClaimSet) -> Loader {
        self.base = Some(base);
        self
    }

    /// Lets a CSV table create sources and quantities its base does not declare (from
    /// their ids, with defaults) instead of refusing them as likely typos.
    #[must_use]
    pub fn allow_undeclared(mut self) -> Loader {
        self.allow_undeclared = true;
        self
    }

    /// The kind of the quantities a CSV table creates from their ids (default
    /// [`QuantityKind::Count`], DESIGN §5): [`QuantityKind::Real`] for ratings, balances or
    /// anything else that may be negative.
    ///
    /// ```
    /// use crosscheck::{Loader, QuantityKind};
    ///
    /// let csv = "quantity,sources,value\nmood,a,-25\nmood,b,30\n";
    /// assert!(Loader::new().csv_str(csv).is_err()); // a count cannot be negative
    /// let l = Loader::new().with_default_kind(QuantityKind::Real).csv_str(csv)?;
    /// assert_eq!(l.set.len(), 2);
    /// Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_default_kind(mut self, kind: QuantityKind) -> Loader {
        self.default_kind = Some(kind);
        self
    }

    fn finish(&self, set: ClaimSet, rejected: Vec<Error>) -> Result<Loaded> {
        if rejected.is_empty() || self.lenient {
            Ok(Loaded { set, rejected })
        } else {
            Err(Error::Invalid { errors: rejected })
        }
    }

    /// Loads a file, JSON or CSV by its extension (`.json`, `.csv`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`], [`Error::Malformed`] for another extension, and as
    /// [`json_str`](Loader::json_str) / [`csv_str`](Loader::csv_str).
    pub fn path(&self, path: impl AsRef<Path>) -> Result<Loaded> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => self.json_str(&std::fs::read_to_string(path).map_err(io)?),
            // A CSV file is read as bytes: a row that is not UTF-8 is one bad record, the
            // others load (as in the claim table).
            Some("csv") => {
                let bytes = std::fs::read(path).map_err(io)?;
                self.csv_bytes(&bytes)
            }
            _ => Err(Error::malformed(
                "path",
                format!("`{}`: expected a .json or .csv file", path.display()),
            )),
        }
    }

    /// Loads a JSON claim-set document.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] when the document is not JSON of the right shape; otherwise
    /// (strict mode) [`Error::Invalid`] listing every bad record.
    pub fn json_str(&self, text: &str) -> Result<Loaded> {
        let doc: Value = serde_json::from_str::<Strict>(text)
            .map_err(|e| Error::malformed("document", e.to_string()))?
            .0;
        let Value::Object(mut doc) = doc else {
            return Err(Error::malformed(
                "document",
                "expected an object with sources, quantities and claims",
            ));
        };
        let mut sections = BTreeMap::new();
        for name in ["sources", "quantities", "claims", "constraints"] {
            match doc.remove(name) {
                None | Some(Value::Null) => sections.insert(name, Vec::new()),
                Some(Value::Array(a)) => sections.insert(name, a),
                Some(_) => return Err(Error::malformed(name, "expected an array")),
            };
        }
        if let Some(k) = doc.keys().next() {
            return Err(Error::malformed(
                k.clone(),
                "unknown field; expected sources, quantities, claims, constraints",
            ));
        }
        let mut set = self.base.clone().unwrap_or_default();
        let mut rejected = Vec::new();
        for (index, v) in sections
            .remove("sources")
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let at = record_at("sources", index, &v);
            let result = crate::limits::oversized_json(&v, "source")
                .and_then(|()| source_from_json(v))
                .and_then(|s| set.add_source(s));
            if let Err(e) = result {
                rejected.push(e.at(at));
            }
        }
        for (index, v) in sections
            .remove("quantities")
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let at = record_at("quantities", index, &v);
            let result = crate::limits::oversized_json(&v, "quantity")
                .and_then(|()| quantity_from_json(v))
                .and_then(|q| set.add_quantity(q));
            if let Err(e) = result {
                rejected.push(e.at(at));
            }
        }
        for (index, v) in sections
            .remove("claims")
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let at = record_at("claims", index, &v);
            let result = crate::limits::oversized_json(&v, "claim")
                .and_then(|()| claim_from_json(v, &set, self.profile))
                .and_then(|c| set.add_claim(c));
            if let Err(e) = result {
                rejected.extend(e.at(at).into_errors());
            }
        }
        for (index, v) in sections
            .remove("constraints")
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let at = record_at("constraints", index, &v);
            let result =
                crate::constraint::Constraint::from_json(v).and_then(|c| set.add_constraint(c));
            if let Err(e) = result {
                rejected.extend(e.at(at).into_errors());
            }
        }
        self.finish(set, rejected)
    }

    /// Loads a JSON claim-set document from a reader.
    ///
    /// # Errors
    ///
    /// As [`json_str`](Loader::json_str), and [`Error::Io`].
    pub fn json_reader(&self, mut reader: impl Read) -> Result<Loaded> {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|source| Error::Io {
                path: "<reader>".into(),
                source,
            })?;
        self.json_str(&text)
    }

    /// Loads a CSV claim table.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] for a bad header (missing `quantity`/`sources`, unknown or
    /// repeated columns); otherwise (strict mode) [`Error::Invalid`] listing every bad row.
    pub fn csv_str(&self, text: &str) -> Result<Loaded> {
        self.csv_bytes(text.as_bytes())
    }

    /// Loads a CSV claim table from a reader.
    ///
    /// # Errors
    ///
    /// As [`csv_str`](Loader::csv_str).
    pub fn csv_reader(&self, reader: impl Read) -> Result<Loaded> {
        self.csv_rows(reader, 0)
    }

    /// [`csv_reader`](Loader::csv_reader), with room made for about `rows` claims.
    fn csv_rows(&self, reader: impl Read, rows: usize) -> Result<Loaded> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let (cols, mut set, declared) = self.csv_start(&mut rdr, rows)?;
        let mut rejected = Vec::new();
        // Reused records: `fill` reads into the first `filled` of them.
        let mut batch: Vec<(csv::StringRecord, u64, u64)> = (0..CSV_BATCH)
            .map(|_| (csv::StringRecord::new(), 0, 0))
            .collect();
        let mut row = 0u64;
        let mut more = true;
        // The batch's rows, and a record error that ends it (and perhaps the file).
        let fill = |batch: &mut Vec<(csv::StringRecord, u64, u64)>| {
            let mut filled = 0;
            let mut bad = None;
            while more && filled < CSV_BATCH {
                let line = rdr.position().line();
                let (record, n, l) = &mut batch[filled];
                match rdr.read_record(record) {
                    Ok(false) => more = false,
                    Ok(true) => {
                        row += 1;
                        *n = row;
                        *l = record.position().map_or(line, csv::Position::line);
                        filled += 1;
                    }
                    Err(e) => {
                        row += 1;
                        let (error, go_on) = csv_record_error(&e, line);
                        bad = Some(error);
                        more = go_on;
                        break;
                    }
                }
            }
            (filled, bad)
        };
        let build = |_: &mut csv::StringRecord, (r, n, l): &(csv::StringRecord, u64, u64)| {
            csv_claim(&cols, r, *n, *l, self.base.as_ref(), self.profile, declared)
        };
        self.csv_pipeline(&mut batch, fill, build, declared, &mut set, &mut rejected);
        self.finish(set, rejected)
    }

    /// A CSV text in memory: by the plain route when its records are plain lines (no `"`
    /// and no carriage return after the header, and UTF-8), else as any reader.
    ///
    /// On the plain route a record is a line that is not empty, its fields the line's
    /// pieces between commas: what the csv crate reads from such a text (a test holds the
    /// two routes to the same claims and errors). The lines are cut on this thread and
    /// split into fields by the claims' builders, on every core: the csv crate's reader,
    /// a state machine a byte at a time (~1,340 instructions a row, a fifth of loading),
    /// ran on the thread that feeds the others.
    fn csv_bytes(&self, bytes: &[u8]) -> Result<Loaded> {
        // Room for a claim a line, made once (a million ids rehashed as the set grew were
        // a twentieth of loading).
        let rows = newlines(bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let plain = match rdr.headers() {
            Ok(_) => {
                let at = rdr.position();
                usize::try_from(at.byte())
                    .ok()
                    .and_then(|b| bytes.get(b..))
                    .filter(|body| memchr::memchr2(b'"', b'\r', body).is_none())
                    .and_then(|body| std::str::from_utf8(body).ok())
                    .map(|body| (body, at.line()))
            }
            Err(_) => None,
        };
        let Some((mut body, first_line)) = plain else {
            return self.csv_rows(bytes, rows);
        };
        // The header already read (`headers` gives it again without reading).
        let (cols, mut set, declared) = self.csv_start(&mut rdr, rows)?;
        let mut rejected = Vec::new();
        let mut batch: Vec<(&str, u64, u64)> = Vec::with_capacity(CSV_BATCH);
        // The csv crate places a record where the previous one ended: a record after
        // empty lines is placed on the first of them (and the first record right after
        // the header).
        let (mut row, mut line, mut placed) = (0u64, first_line, first_line);
        let fill = |batch: &mut Vec<_>| {
            batch.clear();
            while batch.len() < CSV_BATCH && !body.is_empty() {
                let (text, rest) = match memchr::memchr(b'\n', body.as_bytes()) {
                    Some(p) => (&body[..p], &body[p + 1..]),
                    None => (body, ""),
                };
                body = rest;
                line += 1;
                if !text.is_empty() {
                    row += 1;
                    batch.push((text, row, placed));
                    placed = line;
                }
            }
            (batch.len(), None)
        };
        let build = |record: &mut csv::StringRecord, &(text, n, l): &(&str, u64, u64)| {
            record.clear();
            // By bytes: `str::split` searched each comma with a `memchr` call, ~700
            // instructions a row. A comma is ASCII, so every cut is a character boundary.
            let mut start = 0;
            for (i, b) in text.bytes().enumerate() {
                if b == b',' {
                    record.push_field(&text[start..i]);
                    start = i + 1;
                }
            }
            record.push_field(&text[start..]);
            csv_claim(
                &cols,
                record,
                n,
                l,
                self.base.as_ref(),
                self.profile,
                declared,
            )
        };
        self.csv_pipeline(&mut batch, fill, build, declared, &mut set, &mut rejected);
        self.finish(set, rejected)
    }

    /// The header's columns, the set rows are added to (room made for `rows` claims), and
    /// what the base declares.
    fn csv_start<R: Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        rows: usize,
    ) -> Result<(Columns, ClaimSet, Declared)> {
        let header = rdr
            .headers()
            .map_err(|e| Error::malformed("header", e.to_string()))?
            .clone();
        let cols = Columns::new(&header)?;
        let mut set = self.base.clone().unwrap_or_default();
        set.reserve_claims(rows);
        // With a declared base, a CSV may not invent sources or quantities: an id the base
        // does not declare is a typo until proven otherwise (`mho` for `moh`).
        let declared = Declared {
            sources: !self.allow_undeclared
                && self.base.as_ref().is_some_and(|b| !b.sources().is_empty()),
            quantities: !self.allow_undeclared
                && self
                    .base
                    .as_ref()
                    .is_some_and(|b| !b.quantities().is_empty()),
            kind: self.default_kind.unwrap_or(QuantityKind::Count),
        };
        Ok((cols, set, declared))
    }

    /// Rows are read a batch at a time (`fill` puts the next ones in `batch` and says how
    /// many, with the record error that ended them); each row's claim is built from its
    /// cells alone (`build`, given a record to reuse; in parallel with the `parallel`
    /// feature: wording, numbers and ids are most of loading), then added to the set in
    /// file order, where duplicates, undeclared ids and the set's own rules are checked.
    /// Built against the base only: a quantity this file creates has the default kind,
    /// which is what a row reads it as.
    fn csv_pipeline<T: Sync>(
        &self,
        batch: &mut Vec<T>,
        mut fill: impl FnMut(&mut Vec<T>) -> (usize, Option<Error>),
        build: impl Fn(&mut csv::StringRecord, &T) -> (u64, Result<Claim>) + Sync,
        declared: Declared,
        set: &mut ClaimSet,
        rejected: &mut Vec<Error>,
    ) {
        // A batch built and waiting to be added, with the record error that ended it: it is
        // added while the next batch is built (a pipeline of two stages on two cores).
        type Built = (Vec<(u64, Result<Claim>)>, Option<Error>);
        // A checked batch, with the quantity's place of each claim kept: moved into the
        // claim list while the next batches are checked and built.
        type Checked = (Vec<(u64, Result<Claim>)>, Vec<Option<usize>>);
        // What one turn of the pipeline gives: the batch checked (with how many of its
        // claims were kept) and the batch built.
        type Turn = (Option<(Checked, usize)>, Vec<(u64, Result<Claim>)>);
        let mut waiting: Option<Built> = None;
        // The claim list is out of the set while the batches go through: the stage that
        // builds a batch also moves the one checked before into the list, and the stage
        // that checks (on one core, in file order: the pipeline's longer stage) only
        // checks and indexes. Claims are indexed at their places in the list.
        let (mut claims, mut claim_quantities) = set.take_claims();
        let mut next_place = claims.len();
        let mut checked: Option<Checked> = None;
        loop {
            let (filled, bad) = fill(batch);
            let fresh = filled > 0 || bad.is_some();
            let previous = waiting.take();
            if !fresh && previous.is_none() {
                break;
            }
            let rows = &batch[..filled];
            // The claims are checked and indexed in file order where they stand (a claim
            // is about 360 bytes, and every call it was passed to by value copied it),
            // then the kept ones are moved into the list once.
            let add = |(mut built, bad): Built,
                       set: &mut ClaimSet,
                       rejected: &mut Vec<Error>,
                       start: usize|
             -> (Checked, usize) {
                let mut places = Vec::with_capacity(built.len());
                let mut kept = 0;
                for (line, claim) in &mut built {
                    let checked = match claim {
                        Ok(c) => add_csv_claim(c, *line, set, declared, start + kept),
                        // Taken out (the row is skipped below).
                        Err(e) => Err(std::mem::replace(
                            e,
                            Error::Empty {
                                at: Location::Unknown,
                                field: "row",
                            },
                        )),
                    };
                    match checked {
                        Ok(quantity) => {
                            kept += 1;
                            places.push(Some(quantity));
                        }
                        Err(e) => {
                            rejected.extend(e.into_errors());
                            places.push(None);
                        }
                    }
                }
                rejected.extend(bad);
                ((built, places), kept)
            };
            let start = next_place;
            let to_move = checked.take();
            #[cfg(feature = "parallel")]
            let (now_checked, built): Turn = {
                use rayon::prelude::*;
                let (set, rejected) = (&mut *set, &mut *rejected);
                let (claims, claim_quantities) = (&mut claims, &mut claim_quantities);
                rayon::join(
                    || previous.map(|p| add(p, set, rejected, start)),
                    || {
                        let built = rows
                            .par_iter()
                            .map_init(csv::StringRecord::new, &build)
                            .collect();
                        if let Some((built, places)) = to_move {
                            append_kept(claims, claim_quantities, built, places);
                        }
                        built
                    },
                )
            };
            #[cfg(not(feature = "parallel"))]
            let (now_checked, built): Turn = {
                if let Some((built, places)) = to_move {
                    append_kept(&mut claims, &mut claim_quantities, built, places);
                }
                let now = previous.map(|p| add(p, set, rejected, start));
                let mut record = csv::StringRecord::new();
                (now, rows.iter().map(|r| build(&mut record, r)).collect())
            };
            if let Some((c, kept)) = now_checked {
                next_place += kept;
                checked = Some(c);
            }
            waiting = fresh.then_some((built, bad));
        }
        if let Some((built, places)) = checked {
            append_kept(&mut claims, &mut claim_quantities, built, places);
        }
        set.put_claims(claims, claim_quantities);
    }
}

/// How many claims a CSV text may hold: its line ends (a few milliseconds a million).
fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// `row-N`, the id of a CSV row without one (what `format!("row-{row}")` writes, without
/// the formatting machinery: a million rows name themselves), for the Loader and the
/// claim table alike.
pub(crate) fn row_id(row: u64) -> String {
    let mut digits = [0u8; 20];
    let (mut n, mut at) = (row, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(4 + digits.len() - at);
    id.push_str("row-");
    // ASCII digits.
    id.extend(digits[at..].iter().map(|&d| char::from(d)));
    id
}

/// An id as a location names it: in full when it is a valid length, else an excerpt (the
/// record is refused for it anyway).
fn short_id(id: &str) -> String {
    if id.len() <= crate::limits::MAX_ID_BYTES {
        id.to_string()
    } else {
        crate::limits::excerpt(id)
    }
}

fn record_at(section: &'static str, index: usize, v: &Value) -> Location {
    let id = v.get("id").and_then(Value::as_str).map(short_id);
    Location::Record { section, index, id }
}

fn take<T: for<'de> Deserialize<'de>>(
    obj: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<T>> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| Error::malformed(field, e.to_string())),
    }
}

fn object(v: Value, what: &str) -> Result<Map<String, Value>> {
    match v {
        Value::Object(o) => Ok(o),
        _ => Err(Error::malformed(what, "expected an object")),
    }
}

fn no_more(obj: &Map<String, Value>, expected: &'static str) -> Result<()> {
    match obj.keys().next() {
        Some(k) => Err(unknown_field(k, expected)),
        None => Ok(()),
    }
}

fn unknown_field(field: &str, expected: &'static str) -> Error {
    Error::UnknownField {
        at: Location::Unknown,
        field: field.to_string(),
        suggestion: crate::limits::nearest(field, expected.split(", ")),
        expected,
    }
}

/// Names an unknown field before anything else is read, so a typo (`quantitiy`) is
/// reported as itself, not as the missing field it was meant to be.
fn known_fields(obj: &Map<String, Value>, expected: &'static str) -> Result<()> {
    let known: Vec<&str> = expected.split(", ").collect();
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(unknown_field(k, expected)),
        None => Ok(()),
    }
}

const SOURCE_FIELDS: &str = "id, name, side, kind, reliability";
const QUANTITY_FIELDS: &str = "id, description, unit, kind, subject_side, temporal";
const CLAIM_FIELDS: &str = "id, quantity, sources, value, reported_by, as_of, published, citation, note, stance, unit, profile, revises";

fn parsed<T: std::str::FromStr<Err = Error>>(s: Option<String>) -> Result<Option<T>> {
    s.map(|s| s.parse()).transpose()
}

fn date(field: &'static str, s: Option<String>) -> Result<Option<PartialDate>> {
    s.map(|s| {
        s.parse::<PartialDate>().map_err(|e| match e {
            Error::BadDate {
                at, value, reason, ..
            } => Error::BadDate {
                at,
                field,
                value,
                reason,
            },
            e => e,
        })
    })
    .transpose()
}

fn source_from_json(v: Value) -> Result<Source> {
    let mut o = object(v, "source")?;
    known_fields(&o, SOURCE_FIELDS)?;
    let id: String = take(&mut o, "id")?.ok_or(Error::Empty {
        at: Location::Unknown,
        field: "id",
    })?;
    let name: Option<String> = take(&mut o, "name")?;
    let side: Option<String> = take(&mut o, "side")?;
    let kind: Option<SourceKind> = parsed(take(&mut o, "kind")?)?;
    let reliability: Option<Reliability> = parsed(take(&mut o, "reliability")?)?;
    no_more(&o, SOURCE_FIELDS)?;
    let mut s = Source::new(id.clone(), name.unwrap_or(id))?.with_kind(kind.unwrap_or_default());
    if let Some(side) = side {
        s = s.with_side(side);
    }
    if let Some(r) = reliability {
        s = s.with_reliability(r);
    }
    Ok(s)
}

fn quantity_from_json(v: Value) -> Result<Quantity> {
    let mut o = object(v, "quantity")?;
    known_fields(&o, QUANTITY_FIELDS)?;
    let id: String = take(&mut o, "id")?.ok_or(Error::Empty {
        at: Location::Unknown,
        field: "id",
    })?;
    let description: Option<String> = take(&mut o, "description")?;
    let unit: Option<String> = take(&mut o, "unit")?;
    let kind: Option<QuantityKind> = parsed(take(&mut o, "kind")?)?;
    let subject: Option<String> = take(&mut o, "subject_side")?;
    let temporal: Option<Temporal> = parsed(take(&mut o, "temporal")?)?;
    no_more(&o, QUANTITY_FIELDS)?;
    let mut q = Quantity::new(id, description.unwrap_or_default())?
        .with_unit(unit.unwrap_or_default())
        .with_kind(kind.unwrap_or_default())
        .with_temporal(temporal.unwrap_or_default());
    if let Some(s) = subject {
        q = q.with_subject_side(s);
    }
    Ok(q)
}

fn reader_for(set: &ClaimSet, quantity: &str, profile: Profile) -> Reader {
    let domain = set
        .quantity(quantity)
        .map_or(QuantityKind::Real, Quantity::kind);
    Reader::new().with_profile(profile).with_domain(domain)
}

fn number(v: Option<Value>, field: &'static str) -> Result<Option<f64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(Error::malformed(field, "expected a number or null")),
    }
}

fn value_from_json(v: Value, reader: Reader) -> Result<Estimate> {
    match v {
        Value::String(s) => reader.read(&s),
        Value::Number(n) => reader.read(&n.to_string()),
        Value::Object(mut o) => {
            let level = number(o.remove("level"), "level")?;
            let e = if let Some(w) = o.remove("wording") {
                let Value::String(w) = w else {
                    return Err(Error::malformed("value.wording", "expected a string"));
                };
                let profile: Option<Profile> = parsed(take(&mut o, "profile")?)?;
                no_more(&o, "wording, profile, level")?;
                reader
                    .with_profile(profile.unwrap_or(reader.profile()))
                    .read(&w)?
            } else if o.contains_key("hard") || o.contains_key("plausible") {
                let hard: Interval = take(&mut o, "hard")?.unwrap_or_else(Interval::entire);
                let plausible: Option<Interval> = take(&mut o, "plausible")?;
                let central = number(o.remove("central"), "central")?;
                no_more(&o, "hard, plausible, central, level")?;
                Estimate::new(hard, plausible.unwrap_or(hard), central)?
            } else {
                let low = number(o.remove("low"), "low")?;
                let high = number(o.remove("high"), "high")?;
                let central = number(o.remove("central"), "central")?;
                no_more(
                    &o,
                    "low, high, central, level (or wording, or hard/plausible)",
                )?;
                // DESIGN §5: with a level, a statistical interval; without, stated bounds.
                match level {
                    Some(l) => Estimate::statistical(low, high, central, l)?,
                    None => Estimate::from_bounds(low, high, central)?,
                }
            };
            match level {
                Some(l) => e.with_level(l),
                None => Ok(e),
            }
        }
        _ => Err(Error::malformed(
            "value",
            "expected wording, a number or an object",
        )),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

fn claim_from_json(v: Value, set: &ClaimSet, default_profile: Profile) -> Result<Claim> {
    let mut o = object(v, "claim")?;
    let id_for_location = o.get("id").and_then(Value::as_str).map(short_id);
    if let Err(e) = known_fields(&o, CLAIM_FIELDS) {
        return Err(match id_for_location {
            Some(id) => e.at(Location::Claim(id)),
            None => e,
        });
    }
    let id: String = take(&mut o, "id")?.ok_or(Error::Empty {
        at: Location::Unknown,
        field: "id",
    })?;
    let at = Location::Claim(short_id(&id));
    let build = || -> Result<Claim> {
        let quantity: String = take(&mut o, "quantity")?.ok_or(Error::Empty {
            at: Location::Unknown,
            field: "quantity",
        })?;
        let sources = match take::<OneOrMany>(&mut o, "sources")? {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        let profile: Option<Profile> = parsed(take(&mut o, "profile")?)?;
        let value = o.remove("value").ok_or(Error::Empty {
            at: Location::Unknown,
            field: "value",
        })?;
        let estimate = value_from_json(
            value,
            reader_for(set, &quantity, profile.unwrap_or(default_profile)),
        )?;
        let mut c = Claim::new(id, quantity, sources, estimate)?;
        c.reported_by = take::<String>(&mut o, "reported_by")?.map(String::into_boxed_str);
        c.as_of = date("as_of", take(&mut o, "as_of")?)?;
        c.published = date("published", take(&mut o, "published")?)?;
        c.citation = take::<Citation>(&mut o, "citation")?.map(Box::new);
        c.note = take::<String>(&mut o, "note")?.map(String::into_boxed_str);
        c.stance = parsed::<Stance>(take(&mut o, "stance")?)?;
        c.unit = take(&mut o, "unit")?;
        c.revises = take::<String>(&mut o, "revises")?.map(String::into_boxed_str);
        no_more(&o, CLAIM_FIELDS)?;
        Ok(c)
    };
    build().map_err(|e| e.at(at))
}

/// Serialises a claim's value in the most readable form that loads back to the same estimate.
pub(crate) fn value_to_json(e: &Estimate) -> Value {
    if let Some(r) = e.reading() {
        if r.profile() == Profile::Default && e.level().is_none() {
            return Value::String(r.text().to_string());
        }
        let mut o = Map::new();
        o.insert("wording".into(), json!(r.text()));
        o.insert("profile".into(), json!(r.profile()));
        if let Some(l) = e.level() {
            o.insert("level".into(), json!(l));
        }
        return Value::Object(o);
    }
    let simple = e.hard() == e.plausible()
        && !(e.hard().low_value().is_some() && e.hard().low().is_open())
        && !(e.hard().high_value().is_some() && e.hard().high().is_open());
    let mut o = Map::new();
    if simple {
        o.insert("low".into(), json!(e.hard().low_value()));
        o.insert("high".into(), json!(e.hard().high_value()));
    } else {
        o.insert("hard".into(), json!(e.hard()));
        o.insert("plausible".into(), json!(e.plausible()));
    }
    if let Some(c) = e.central() {
        o.insert("central".into(), json!(c));
    }
    if let Some(l) = e.level() {
        o.insert("level".into(), json!(l));
    }
    Value::Object(o)
}

impl ClaimSet {
    /// Loads a JSON claim-set document, strictly.
    ///
    /// # Errors
    ///
    /// As [`Loader::json_str`].
    pub fn from_json_str(text: &str) -> Result<ClaimSet> {
        Loader::new().json_str(text).map(|l| l.set)
    }

    /// Loads a CSV claim table, strictly.
    ///
    /// # Errors
    ///
    /// As [`Loader::csv_str`].
    pub fn from_csv_str(text: &str) -> Result<ClaimSet> {
        Loader::new().csv_str(text).map(|l| l.set)
    }

    /// Loads a `.json` or `.csv` file, strictly.
    ///
    /// # Errors
    ///
    /// As [`Loader::path`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<ClaimSet> {
        Loader::new().path(path).map(|l| l.set)
    }

    /// The set as a JSON claim-set document (DESIGN §5) that loads back to an equal set.
    #[must_use]
    pub fn to_json_value(&self) -> Value {
        let claims: Vec<Value> = self
            .claims()
            .iter()
            .map(|c| {
                let mut o = Map::new();
                o.insert("id".into(), json!(c.id()));
                o.insert("quantity".into(), json!(c.quantity()));
                o.insert("sources".into(), json!(c.sources()));
                o.insert("value".into(), value_to_json(c.estimate()));
                let mut opt = |k: &str, v: Value| {
                    if !v.is_null() {
                        o.insert(k.into(), v);
                    }
                };
                opt("reported_by", json!(c.reported_by()));
                opt("as_of", json!(c.as_of()));
                opt("published", json!(c.published()));
                opt("citation", json!(c.citation()));
                opt("note", json!(c.note()));
                opt("stance", json!(c.explicit_stance()));
                opt("unit", json!(c.unit()));
                opt("revises", json!(c.revises()));
                Value::Object(o)
            })
            .collect();
        let mut doc =
            json!({"sources": self.sources(), "quantities": self.quantities(), "claims": claims});
        if !self.constraints().is_empty() {
            doc["constraints"] = Value::Array(
                self.constraints()
                    .iter()
                    .map(crate::constraint::Constraint::to_json)
                    .collect(),
            );
        }
        doc
    }

    /// The set as pretty-printed JSON.
    #[must_use]
    pub fn to_json_string(&self) -> String {
        // Cannot fail: a `serde_json::Value` (string keys, finite numbers) always serialises.
        serde_json::to_string_pretty(&self.to_json_value()).expect("JSON values serialise")
    }
}

/// The CSV columns, by position.
struct Columns {
    /// The field of each of [`CSV_COLUMNS`] (by position there), if the header has it.
    slots: [Option<usize>; CSV_COLUMNS.len()],
    width: usize,
}

const CSV_COLUMNS: [&str; 19] = [
    "id",
    "quantity",
    "sources",
    "value",
    "low",
    "high",
    "central",
    "level",
    "as_of",
    "published",
    "url",
    "title",
    "quote",
    "note",
    "reported_by",
    "stance",
    "unit",
    "profile",
    "revises",
];

impl Columns {
    fn new(header: &csv::StringRecord) -> Result<Columns> {
        let mut slots = [None; CSV_COLUMNS.len()];
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}');
            // Headers match whatever their case (`Quantity`, `SOURCES`).
            let Some(k) = CSV_COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(h)) else {
                let lower = h.to_ascii_lowercase();
                let hint = crate::limits::nearest(&lower, CSV_COLUMNS)
                    .map_or_else(String::new, |n| format!("; did you mean `{n}`?"));
                return Err(Error::Malformed {
                    at: Location::Line { line: 1, id: None },
                    field: h.to_string(),
                    reason: format!("unknown column{hint} expected {}", CSV_COLUMNS.join(", ")),
                });
            };
            if slots[k].replace(i).is_some() {
                return Err(Error::Malformed {
                    at: Location::Line { line: 1, id: None },
                    field: h.to_string(),
                    reason: "repeated column".into(),
                });
            }
        }
        let has = |name: &str| slots[column(name)].is_some();
        for required in ["quantity", "sources"] {
            if !has(required) {
                return Err(Error::Malformed {
                    at: Location::Line { line: 1, id: None },
                    field: required.into(),
                    reason: "missing required column".into(),
                });
            }
        }
        if !has("value") && !has("low") && !has("high") && !has("central") {
            return Err(Error::Malformed {
                at: Location::Line { line: 1, id: None },
                field: "value".into(),
                reason: "need a `value` column or `low`/`high`/`central` columns".into(),
            });
        }
        Ok(Columns {
            slots,
            width: header.len(),
        })
    }

    /// The columns present, by name and field.
    fn present(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        CSV_COLUMNS
            .iter()
            .zip(&self.slots)
            .filter_map(|(&name, slot)| slot.map(|i| (name, i)))
    }

    /// A cell by column name, trimmed; `None` when the column is absent or the cell blank.
    /// Always inlined with a literal name, so the name's slot is found at compile time
    /// (the lookup by name in a map was a sixth of loading; merely `#[inline]`, the
    /// compiler kept `get` and matched the name at run time: 730 instructions a row).
    #[inline(always)]
    fn get<'r>(&self, r: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.slots[column(name)]
            .and_then(|i| r.get(i))
            .map(crate::limits::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The position of a column name in [`CSV_COLUMNS`] (a name not there is a bug in this
/// module: every caller passes one of those literals).
#[inline(always)]
fn column(name: &str) -> usize {
    match name {
        "id" => 0,
        "quantity" => 1,
        "sources" => 2,
        "value" => 3,
        "low" => 4,
        "high" => 5,
        "central" => 6,
        "level" => 7,
        "as_of" => 8,
        "published" => 9,
        "url" => 10,
        "title" => 11,
        "quote" => 12,
        "note" => 13,
        "reported_by" => 14,
        "stance" => 15,
        "unit" => 16,
        "profile" => 17,
        // "revises"; a test checks every name's position.
        _ => 18,
    }
}

/// Clinger's fast path (Clinger 1990, "How to read floating point numbers accurately"):
/// a plain decimal `digits[.digits]` with at most 15 significant digits is `m / 10^k` with
/// both exactly representable, so one IEEE division gives the correctly rounded value (the
/// same as `str::parse`). Anything else returns `None` for the standard parser. Such a
/// decimal is at most 16 bytes, so longer text is refused first and `m` cannot overflow.
pub(crate) fn plain_decimal(t: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if t.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut i = 0;
    while let Some(d) = t.get(i).filter(|b| b.is_ascii_digit()) {
        m = m * 10 + u64::from(d - b'0');
        i += 1;
    }
    let int_digits = i;
    let mut k = 0;
    if i < t.len() {
        if t[i] != b'.' {
            return None;
        }
        i += 1;
        let first = i;
        while let Some(d) = t.get(i).filter(|b| b.is_ascii_digit()) {
            m = m * 10 + u64::from(d - b'0');
            i += 1;
        }
        if i != t.len() {
            return None;
        }
        k = i - first;
    }
    let digits = int_digits + k;
    if digits == 0 || digits > 15 {
        return None;
    }
    Some(m as f64 / POW10[k])
}

/// Parses a numeric CSV cell: empty or `inf` → unbounded, grouping commas allowed.
pub(crate) fn csv_number(cell: Option<&str>, field: &'static str) -> Result<Option<f64>> {
    let Some(s) = cell else { return Ok(None) };
    if let Some(x) = plain_decimal(s.as_bytes()) {
        return Ok(Some(x));
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "inf" | "+inf" | "-inf" | "infinity" | "+infinity" | "-infinity"
    ) {
        return Ok(None);
    }
    let plain: String;
    let s = if s.contains(',') {
        let (int, frac) = s.split_once('.').map_or((s, None), |(a, b)| (a, Some(b)));
        let digits = int.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = digits.split(',').collect();
        let ok = (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(Error::malformed(
                field,
                format!(
                    "`{}` is not a number (bad digit grouping)",
                    crate::limits::excerpt(s)
                ),
            ));
        }
        plain = format!(
            "{}{}{}",
            int.replace(',', ""),
            if frac.is_some() { "." } else { "" },
            frac.unwrap_or("")
        );
        &plain
    } else {
        s
    };
    s.parse::<f64>().map(Some).map_err(|_| {
        Error::malformed(
            field,
            format!("`{}` is not a number", crate::limits::excerpt(s)),
        )
    })
}

/// A JSON value read with every object's keys unique: `{"value": 1, "value": 2}` is
/// refused with its line and column, not read for its last value.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Strict, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Strict;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::String(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::String(v)))
            }
            fn visit_unit<E>(self) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_none<E>(self) -> std::result::Result<Strict, E> {
                Ok(Strict(Value::Null))
            }
            fn visit_some<D2: serde::Deserializer<'de>>(
                self,
                d: D2,
            ) -> std::result::Result<Strict, D2::Error> {
                Strict::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Strict, A::Error> {
                let mut v = Vec::new();
                while let Some(Strict(x)) = seq.next_element()? {
                    v.push(x);
                }
                Ok(Strict(Value::Array(v)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Strict, A::Error> {
                let mut m = Map::new();
                while let Some(k) = map.next_key::<String>()? {
                    if m.contains_key(&k) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate key `{}` (a repeated key would keep only its last value)",
                            crate::limits::excerpt(&k)
                        )));
                    }
                    let Strict(v) = map.next_value()?;
                    m.insert(k, v);
                }
                Ok(Strict(Value::Object(m)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A record the csv crate could not read, as the bad record it is (at its line, else at
/// `line`), and whether reading can go on after it (a row of the wrong width or not
/// UTF-8 is one bad record; anything else ends the file). The Loader and the
/// [`ClaimTable`](crate::table::ClaimTable) treat unreadable records alike through here.
pub(crate) fn csv_record_error(e: &csv::Error, line: u64) -> (Error, bool) {
    let line = e.position().map_or(line, csv::Position::line);
    let go_on = matches!(
        e.kind(),
        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
    );
    let bad = Error::Malformed {
        at: Location::Line { line, id: None },
        field: "row".into(),
        reason: e.to_string(),
    };
    (bad, go_on)
}

/// What a numeric CSV cell holds a number for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A lower bound: empty, `inf`, `-inf` are unbounded.
    Low,
    /// An upper bound: empty, `inf`, `+inf` are unbounded.
    High,
    /// A central value or a level: never infinite.
    Finite,
}

/// One numeric CSV cell as DESIGN §5 reads it: empty → absent; `inf` or `infinity` (any
/// case) → the unbounded side of a bound, with a sign only on its own side (`-inf` low,
/// `+inf` high); an infinity anywhere else (`+inf` low, `-inf` high, `inf` central) is
/// refused as not finite, never read as its opposite or dropped. The Loader and the
/// [`ClaimTable`](crate::table::ClaimTable) read every cell through here.
pub(crate) fn csv_cell(cell: Option<&str>, field: &'static str, role: Role) -> Result<Option<f64>> {
    let Some(s) = cell.map(crate::limits::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Some(x) = plain_decimal(s.as_bytes()) {
        return Ok(Some(x));
    }
    let lower = s.to_ascii_lowercase();
    let (sign, body) = match lower.as_bytes().first() {
        Some(b'+') => (1.0, &lower[1..]),
        Some(b'-') => (-1.0, &lower[1..]),
        _ => (0.0, lower.as_str()),
    };
    if matches!(body, "inf" | "infinity") {
        let value = if sign < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return match (role, sign) {
            (Role::Low, s) if s <= 0.0 => Ok(None),
            (Role::High, s) if s >= 0.0 => Ok(None),
            _ => Err(Error::NotFinite {
                at: Location::Unknown,
                field,
                value,
            }),
        };
    }
    csv_number(Some(s), field)
}

/// The estimate of a numeric CSV row (`low`/`high`/`central`, optional `level`; DESIGN
/// §5), fitted to a count when `count`: the one rule the Loader and the
/// [`ClaimTable`](crate::table::ClaimTable) share, so both accept the same rows and refuse
/// the same ones with the same error (inverted bounds before negative figures).
pub(crate) fn numeric_estimate(
    low: Option<&str>,
    high: Option<&str>,
    central: Option<&str>,
    level: Option<&str>,
    count: bool,
) -> Result<Estimate> {
    // A row that states nothing is empty; `inf` states an unbounded side.
    let blank = |c: Option<&str>| c.is_none_or(|c| crate::limits::trim(c).is_empty());
    if blank(low) && blank(high) && blank(central) {
        return Err(Error::Empty {
            at: Location::Unknown,
            field: "value",
        });
    }
    let low = csv_cell(low, "low", Role::Low)?;
    let high = csv_cell(high, "high", Role::High)?;
    let central = csv_cell(central, "central", Role::Finite)?;
    let level = csv_cell(level, "level", Role::Finite)?;
    // With a level, a statistical interval; without, stated bounds.
    let e = match level {
        Some(l) => Estimate::statistical(low, high, central, l)?,
        None => Estimate::from_bounds(low, high, central)?,
    };
    if count { e.into_count() } else { Ok(e) }
}

/// Which kinds of record a base claim set declares (and so a CSV may not add).
#[derive(Debug, Clone, Copy)]
struct Declared {
    sources: bool,
    quantities: bool,
    /// The kind of a quantity created from its id.
    kind: QuantityKind,
}

/// Rows read and built at a time by the CSV loader.
const CSV_BATCH: usize = 4096;

/// A CSV row's claim, built from its cells and the base set's declarations alone, with
/// the row's line (its errors name the line and the row's id).
fn csv_claim(
    cols: &Columns,
    r: &csv::StringRecord,
    row: u64,
    line: u64,
    base: Option<&ClaimSet>,
    profile: Profile,
    declared: Declared,
) -> (u64, Result<Claim>) {
    let claim_id = || {
        cols.get(r, "id")
            .map_or_else(|| row_id(row), str::to_string)
    };
    let id = claim_id();
    // Called once: the id moves into the claim.
    let build = move || -> Result<Claim> {
        // `sources` is a list: each of its ids is held to the id limit instead. No field
        // is longer than the record: only a long record is looked at field by field.
        if r.as_slice().len() > crate::limits::MAX_TEXT_BYTES {
            for (name, i) in cols.present().filter(|(n, _)| *n != "sources") {
                if let Some(cell) = r.get(i) {
                    crate::limits::check_len(name, cell, crate::limits::MAX_TEXT_BYTES)?;
                }
            }
        }
        if r.len() != cols.width {
            return Err(Error::malformed(
                "row",
                format!("{} fields, but the header has {}", r.len(), cols.width),
            ));
        }
        let quantity = cols.get(r, "quantity").ok_or(Error::Empty {
            at: Location::Unknown,
            field: "quantity",
        })?;
        let sources: Vec<&str> = cols.get(r, "sources").map_or_else(Vec::new, |s| {
            s.split(';').map(crate::limits::trim).collect()
        });
        if sources.is_empty() || sources.iter().any(|s| s.is_empty()) {
            return Err(Error::Empty {
                at: Location::Unknown,
                field: "sources",
            });
        }
        let profile: Profile =
            parsed(cols.get(r, "profile").map(str::to_string))?.unwrap_or(profile);
        let value = cols.get(r, "value");
        let (low, high, central) = (
            cols.get(r, "low"),
            cols.get(r, "high"),
            cols.get(r, "central"),
        );
        let numeric = low.is_some() || high.is_some() || central.is_some();
        // A quantity not declared yet will be created with the loader's default kind.
        let reader = || match base.filter(|b| b.quantity(quantity).is_some()) {
            Some(base) => reader_for(base, quantity, profile),
            None => Reader::new()
                .with_profile(profile)
                .with_domain(declared.kind),
        };
        let mut estimate = match (value, numeric) {
            (Some(_), true) => {
                return Err(Error::malformed(
                    "value",
                    "give either `value` or `low`/`high`/`central`, not both",
                ));
            }
            (Some(v), false) => reader().read(v)?,
            (None, true) => {
                // Fitted to the quantity's domain by the claim set (a count, unless declared).
                numeric_estimate(low, high, central, cols.get(r, "level"), false)?
            }
            (None, false) => {
                return Err(Error::Empty {
                    at: Location::Unknown,
                    field: "value",
                });
            }
        };
        if !numeric && let Some(l) = csv_cell(cols.get(r, "level"), "level", Role::Finite)? {
            estimate = estimate.with_level(l)?;
        }
        let mut c = Claim::new(id, quantity, sources, estimate)?;
        c.as_of = date("as_of", cols.get(r, "as_of").map(str::to_string))?;
        c.published = date("published", cols.get(r, "published").map(str::to_string))?;
        let (url, title, quote) = (
            cols.get(r, "url"),
            cols.get(r, "title"),
            cols.get(r, "quote"),
        );
        if url.is_some() || title.is_some() || quote.is_some() {
            c.citation = Some(Box::new(Citation {
                url: url.map(str::to_string),
                title: title.map(str::to_string),
                quote: quote.map(str::to_string),
            }));
        }
        c.note = cols.get(r, "note").map(Box::from);
        c.reported_by = cols.get(r, "reported_by").map(Box::from);
        c.stance = parsed(cols.get(r, "stance").map(str::to_string))?;
        c.unit = cols.get(r, "unit").map(str::to_string);
        c.revises = cols.get(r, "revises").map(Box::from);
        Ok(c)
    };
    // The location only for a row refused (its id made again from the record).
    let claim = build().map_err(|e| {
        let at = line_at(line, &claim_id());
        relocate(e.at(at.clone()), &at)
    });
    (line, claim)
}

/// Where a CSV row's errors point: its line, and its claim's id.
fn line_at(line: u64, id: &str) -> Location {
    Location::Line {
        line,
        id: Some(short_id(id)),
    }
}

/// Appends a batch's claims that [`add_csv_claim`] kept (those with a quantity's place in
/// `places`), in order, at the places it indexed them at, to the claim list taken out of
/// the set ([`ClaimSet::take_claims`]).
fn append_kept(
    claims: &mut Vec<Claim>,
    claim_quantities: &mut Vec<usize>,
    built: Vec<(u64, Result<Claim>)>,
    places: Vec<Option<usize>>,
) {
    for ((_, claim), place) in built.into_iter().zip(places) {
        if let (Ok(c), Some(q)) = (claim, place) {
            claims.push(c);
            claim_quantities.push(q);
        }
    }
}

/// Checks a built CSV row's claim against the set and indexes it at `place`, in file
/// order (the caller then appends it there with the quantity's place this returns): a
/// duplicate id, an undeclared id (when the base declares them) or a clash with the set's
/// rules refuses the row.
fn add_csv_claim(
    claim: &mut Claim,
    line: u64,
    set: &mut ClaimSet,
    declared: Declared,
    place: usize,
) -> Result<usize> {
    // Undeclared quantities and sources are created from their ids with defaults, but only
    // for a claim that will be kept: a rejected row leaves nothing behind. Each id is
    // looked up once (this runs on one core, in file order). Duplicates are found in the
    // index, not the list: a batch's claims go into the list once the batch is checked.
    if set.has_claim(claim.id()) {
        return Err(Error::DuplicateId {
            at: line_at(line, claim.id()),
            what: "claim",
            id: claim.id().to_string(),
        });
    }
    let at = || line_at(line, claim.id());
    let quantity = set.quantity_place(claim.quantity());
    let mut unknown = Vec::new();
    if declared.quantities && quantity.is_none() {
        unknown.push(Error::UnknownQuantity {
            at: at(),
            quantity: claim.quantity().to_string(),
            suggestion: set.nearest_quantity(claim.quantity()),
        });
    }
    if declared.sources {
        for s in claim.sources().iter().filter(|s| set.source(s).is_none()) {
            unknown.push(Error::UnknownSource {
                at: at(),
                source_id: s.clone(),
                suggestion: set.nearest_source(s),
            });
        }
    }
    if !unknown.is_empty() {
        return Err(Error::from_many(unknown));
    }
    let quantity = match quantity {
        Some(q) => q,
        None => {
            set.add_quantity(
                Quantity::new(claim.quantity(), "")
                    .map_err(|e| e.at(at()))?
                    .with_kind(declared.kind),
            )
            .map_err(|e| e.at(at()))?;
            // `add_quantity` appends.
            let place = set.quantities().len() - 1;
            debug_assert_eq!(set.quantity_place(claim.quantity()), Some(place));
            place
        }
    };
    for s in claim.sources() {
        if set.source(s).is_none() {
            set.add_source(Source::from_id(s.as_str()).map_err(|e| e.at(at()))?)
                .map_err(|e| e.at(at()))?;
        }
    }
    match set.check_and_index_in(quantity, claim, place) {
        Ok(q) => Ok(q),
        Err(e) => Err(relocate(e, &line_at(line, claim.id()))),
    }
}

/// Errors from `add_claim` name the claim; in a CSV they should name the line too.
fn relocate(e: Error, at: &Location) -> Error {
    let errors = e
        .into_errors()
        .into_iter()
        .map(|e| {
            if let Some(Location::Claim(_)) = e.location() {
                e.relocated(at.clone())
            } else {
                e
            }
        })
        .collect();
    Error::from_many(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_are_what_format_writes() {
        let mut rng = crate::testing::XorShift::new(7);
        for row in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX]
            .into_iter()
            .chain((0..1000).map(|_| rng.next_u64() >> (rng.next_u64() % 64)))
        {
            assert_eq!(row_id(row), format!("row-{row}"));
        }
    }

    /// `plain_decimal` as it was first written (one loop, a byte at a time): the
    /// reference the faster form is held to.
    fn plain_decimal_reference(t: &[u8]) -> Option<f64> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let (mut m, mut digits, mut frac) = (0u64, 0, None::<usize>);
        for &b in t {
            match b {
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
        if digits == 0 || k > 15 {
            return None;
        }
        Some(m as f64 / POW10[k])
    }

    /// The same values, bit for bit, and the same refusals as the reference, and the
    /// values `str::parse` gives (Clinger's fast path is exact): on edge cases and on
    /// 200,000 generated strings of digits, dots, signs, spaces and letters.
    #[test]
    fn plain_decimals_are_read_exactly() {
        let check = |t: &[u8]| {
            let got = plain_decimal(t);
            assert_eq!(
                got.map(f64::to_bits),
                plain_decimal_reference(t).map(f64::to_bits),
                "{:?}",
                String::from_utf8_lossy(t)
            );
            if let Some(x) = got {
                let parsed: f64 = std::str::from_utf8(t).unwrap().parse().unwrap();
                assert_eq!(
                    x.to_bits(),
                    parsed.to_bits(),
                    "{:?}",
                    String::from_utf8_lossy(t)
                );
            }
        };
        for t in [
            "",
            ".",
            "0",
            "00",
            "0.",
            ".0",
            "5.",
            ".5",
            "1.2.3",
            "..",
            "-1",
            "+1",
            "1e3",
            " 1",
            "1 ",
            "999999999999999",
            "9999999999999999",
            "999999999999999.",
            ".999999999999999",
            "0.000000000000001",
            "0.0000000000000001",
            "99999999999999.9",
            "123456789012345.6",
            "18446744073709551616",
            "12345678901234567890123",
            "1,000",
            "inf",
            "nan",
        ] {
            check(t.as_bytes());
        }
        let alphabet = b"0123456789.......-+e ,a";
        let mut rng = crate::testing::XorShift::new(11);
        for _ in 0..200_000 {
            let len = (rng.next_u64() % 20) as usize;
            let t: Vec<u8> = (0..len)
                .map(|_| {
                    // Mostly digits, so that many strings are numbers.
                    if rng.unit() < 0.8 {
                        b'0' + (rng.next_u64() % 10) as u8
                    } else {
                        alphabet[(rng.next_u64() % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            check(&t);
        }
    }

    #[test]
    fn every_column_name_finds_its_own_slot() {
        for (k, name) in CSV_COLUMNS.iter().enumerate() {
            assert_eq!(column(name), k, "{name}");
        }
    }
}
