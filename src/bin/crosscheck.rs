//! `crosscheck`: reconcile conflicting numeric claims from the shell.
//!
//! Exit codes: 0 success, 1 bad input (every problem listed on stderr), 2 usage.

// mimalloc (built without transparent huge pages, whose zeroing tripled the system time
// here) for the tool: a report of a million claims allocates tens of millions of small
// strings and vectors on every core, and glibc's malloc and free were 15-19 % of the
// samples; 23 % less wall time on the 1M numeric workload (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use crosscheck::chart::Chart;
use crosscheck::reliability::Learner;
use crosscheck::table::ClaimTable;
use crosscheck::wording::{Profile, Reader};
use crosscheck::{ClaimSet, Error, Loader, PartialDate, QuantityKind, Reconciler};

const EXAMPLES: &str = "\
Examples:
  crosscheck reconcile examples/data/kursk.json
  crosscheck reconcile claims.json more.csv --format json -o report.json
  crosscheck reconcile big.csv --format summary -o summary.csv
  crosscheck reconcile claims.csv --lenient --as-of 2024-06-30
  crosscheck read \"more than 76,000\"
  crosscheck read \"about 100k\" --kind real --profile relative
  crosscheck check claims.json claims.csv
  crosscheck table million.csv -o quantities.csv

Exit codes: 0 success, 1 bad input (every problem is listed), 2 usage.";

#[derive(Parser)]
#[command(
    name = "crosscheck",
    version,
    about = "Reconcile conflicting numeric claims: sourced interval claims, agreement, disagreement and pooled estimates.",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Reconcile claim files (JSON claim sets and CSV claim tables) and print the report.
    ///
    /// JSON files are read first and declare the sources and quantities that CSV files
    /// add claims to; a CSV id they do not declare is refused with the nearest declared id
    /// suggested (`--allow-undeclared` creates it instead).
    #[command(after_help = EXAMPLES)]
    Reconcile {
        /// Claim files: `.json` or `.csv`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format; default: `summary` for files of more than 20 quantities, else `text`.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write to this file instead of standard output (`summary` to a `.csv` file
        /// writes CSV).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Keep the valid records and list the rejected ones on stderr (exit 0).
        #[arg(long)]
        lenient: bool,
        /// Judge as of this date (YYYY, YYYY-MM or YYYY-MM-DD): claims dated after it
        /// (by `as_of`, else `published`) are left out, each source's latest claim on or
        /// before it is current and earlier ones superseded (DESIGN §3.2).
        #[arg(long)]
        as_of: Option<String>,
        /// The reading profile for wording without one of its own.
        #[arg(long, value_enum, default_value = "default")]
        profile: ProfileArg,
        /// Influence maps, support profiles and every pair's relation in the report
        /// (larger; by default the report holds what a reader needs).
        #[arg(long)]
        detail: bool,
        /// Let CSV files create sources and quantities the JSON files do not declare.
        #[arg(long)]
        allow_undeclared: bool,
        /// The kind of the quantities CSV files create from their ids (`real` for
        /// figures that may be negative).
        #[arg(long, value_enum, default_value = "count")]
        kind: KindArg,
        /// Learn each source's reliability from the data and add the pooled line
        /// `learned` (method: crosscheck, crh, catd or gtm; default crosscheck).
        #[arg(long, value_name = "METHOD", num_args = 0..=1, default_missing_value = "crosscheck")]
        learn_reliability: Option<String>,
    },
    /// Read one wording and show the reading: intervals, central value, rule and reach.
    Read {
        /// The wording, e.g. "about 4,000" or "4,645 (95% CI 793–8,498)".
        wording: String,
        /// The reading profile.
        #[arg(long, value_enum, default_value = "default")]
        profile: ProfileArg,
        /// The quantity's domain: a count clips at 0 and refuses negative figures.
        #[arg(long, value_enum, default_value = "count")]
        kind: KindArg,
    },
    /// Validate claim files without reconciling: every problem is listed.
    Check {
        /// Claim files: `.json` or `.csv`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Let CSV files create sources and quantities the JSON files do not declare.
        #[arg(long)]
        allow_undeclared: bool,
        /// The kind of the quantities CSV files create from their ids.
        #[arg(long, value_enum, default_value = "count")]
        kind: KindArg,
    },
    /// Reconcile a large numeric CSV claim table on the columnar fast path (quantity,
    /// sources, low, high, central, id, level), one line per quantity.
    Table {
        /// The CSV file.
        file: PathBuf,
        /// Write CSV to this file instead of a table to standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Keep the valid rows and list the rejected ones on stderr.
        #[arg(long)]
        lenient: bool,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Markdown,
    Html,
    Svg,
    Summary,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Default,
    Relative,
    Strict,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Default => Profile::Default,
            ProfileArg::Relative => Profile::Relative,
            ProfileArg::Strict => Profile::Strict,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Count,
    Real,
}

impl From<KindArg> for QuantityKind {
    fn from(k: KindArg) -> QuantityKind {
        match k {
            KindArg::Count => QuantityKind::Count,
            KindArg::Real => QuantityKind::Real,
        }
    }
}

/// Bad input: every problem, printed one a line; exit code 1.
struct Bad(Vec<String>);

impl From<Error> for Bad {
    fn from(e: Error) -> Bad {
        Bad(e.errors().iter().map(|e| e.to_string()).collect())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Reconcile {
            files,
            format,
            output,
            lenient,
            as_of,
            profile,
            detail,
            allow_undeclared,
            kind,
            learn_reliability,
        } => reconcile(
            &files,
            format,
            output.as_deref(),
            as_of.as_deref(),
            detail,
            learn_reliability.as_deref(),
            &LoadOptions {
                lenient,
                allow_undeclared,
                profile: profile.into(),
                kind: kind.into(),
            },
        ),
        Command::Read {
            wording,
            profile,
            kind,
        } => read(&wording, profile.into(), kind),
        Command::Check {
            files,
            allow_undeclared,
            kind,
        } => check(
            &files,
            &LoadOptions {
                lenient: false,
                allow_undeclared,
                profile: Profile::Default,
                kind: kind.into(),
            },
        ),
        Command::Table {
            file,
            output,
            lenient,
        } => table(&file, output.as_deref(), lenient),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Bad(problems)) => {
            let mut err = std::io::stderr().lock();
            for p in &problems {
                let _ = writeln!(err, "error: {p}");
            }
            let _ = writeln!(
                err,
                "{} problem{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

/// How files are loaded.
struct LoadOptions {
    lenient: bool,
    allow_undeclared: bool,
    profile: Profile,
    kind: QuantityKind,
}

/// Loads the files: JSON first (each adding to the last), then CSV on that base. Strict
/// unless `lenient`; returns the set and the rejected records.
fn load(files: &[PathBuf], opts: &LoadOptions) -> Result<(ClaimSet, Vec<Error>), Bad> {
    let ext = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    for f in files {
        if !matches!(ext(f).as_str(), "json" | "csv") {
            problems.push(format!("`{}`: expected a .json or .csv file", f.display()));
        }
    }
    if !problems.is_empty() {
        return Err(Bad(problems));
    }
    let mut set = ClaimSet::new();
    let mut rejected = Vec::new();
    let loader = |set: &ClaimSet| {
        let mut l = Loader::new()
            .lenient()
            .with_profile(opts.profile)
            .with_default_kind(opts.kind)
            .with_base(set.clone());
        if opts.allow_undeclared {
            l = l.allow_undeclared();
        }
        l
    };
    for f in files
        .iter()
        .filter(|f| ext(f) == "json")
        .chain(files.iter().filter(|f| ext(f) == "csv"))
    {
        let loaded = loader(&set).path(f)?;
        set = loaded.set;
        rejected.extend(loaded.rejected);
    }
    if !opts.lenient && !rejected.is_empty() {
        return Err(Bad(rejected.iter().map(ToString::to_string).collect()));
    }
    Ok((set, rejected))
}

fn reconcile(
    files: &[PathBuf],
    format: Option<Format>,
    output: Option<&Path>,
    as_of: Option<&str>,
    detail: bool,
    learn: Option<&str>,
    opts: &LoadOptions,
) -> Result<(), Bad> {
    let as_of = match as_of {
        Some(d) => Some(
            d.parse::<PartialDate>()
                .map_err(|e| Bad(vec![format!("--as-of: {e}")]))?,
        ),
        None => None,
    };
    let learn = match learn {
        Some(m) => Some(
            m.parse::<Learner>()
                .map_err(|e| Bad(vec![format!("--learn-reliability: {e}")]))?,
        ),
        None => None,
    };
    let (set, rejected) = load(files, opts)?;
    for e in &rejected {
        eprintln!("rejected: {e}");
    }
    let mut reconciler = if detail {
        Reconciler::new()
    } else {
        Reconciler::new().compact()
    };
    if let Some(m) = learn {
        reconciler = reconciler.with_learned_reliability(m);
    }
    if let Some(d) = as_of {
        let later = set
            .claims()
            .iter()
            .filter(|c| {
                c.date()
                    .is_some_and(|x| x > d && !crosscheck::time::same_period(x, d))
            })
            .count();
        if later > 0 {
            eprintln!("as of {d}: {later} claim(s) dated later left out");
        }
        reconciler = reconciler.as_of(d);
    }
    if format == Some(Format::Json) && !detail {
        // Each quantity's report is written as it is made and dropped: the reports of a
        // large file are never all held, nor the text.
        let written = write_with(output, |w| reconciler.reconcile_to_compact_json(&set, w));
        // The process ends here: freeing millions of strings one by one would take a
        // second at a million claims, and the system frees them at exit at once.
        std::mem::forget(set);
        return written;
    }
    let r = reconciler.reconcile(&set);
    let format = format.unwrap_or(if r.quantities.len() > 20 {
        Format::Summary
    } else {
        Format::Text
    });
    let csv_out =
        output.is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    let text = match format {
        Format::Text => r.to_string(),
        // Compact JSON was written above, as it was reconciled: here it is `--detail`.
        Format::Json => r.to_json_string(),
        Format::Markdown => r.to_markdown(),
        Format::Html => r.to_html(),
        Format::Svg => Chart::new(&r).to_svg(),
        Format::Summary if csv_out => r.to_summary_csv(),
        Format::Summary => r.to_summary_text(),
    };
    let written = write_out(output, &text);
    // As above: the system frees the report and the claims at exit.
    std::mem::forget(r);
    std::mem::forget(set);
    written
}

/// Writes to the output file, or to standard output, through a buffer.
fn write_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Bad> {
    match output {
        Some(p) => {
            let fail =
                |e: std::io::Error| Bad(vec![format!("cannot write `{}`: {e}", p.display())]);
            let file = open_output(p).map_err(fail)?;
            let mut w = Output::new(file, p);
            let written = write(&mut w);
            // Even after a failed write, the file is cut at what was written: no part of an
            // earlier report is left behind a partial one.
            written.and(w.finish()).map_err(fail)
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error of the input.
            let _ = write(&mut out).and_then(|()| out.flush());
            Ok(())
        }
    }
}

fn write_out(output: Option<&Path>, text: &str) -> Result<(), Bad> {
    match output {
        Some(p) => write_with(Some(p), |w| w.write_all(text.as_bytes())),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the input.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

/// Opens the output file for writing from its start without truncating it first;
/// [`cut_output`] cuts it at the end of what was written. An existing report is so
/// written over in place: on ext4, a file truncated to nothing and written again is
/// flushed to disk when closed (its `auto_da_alloc` safeguard), and truncating the 813 MB
/// report of a million claims and flushing the new one took 0.15–0.22 s and 0.31–0.34 s
/// of a 4.1 s run (BENCHMARKS.md, eleventh round).
fn open_output(p: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(p)
}

/// Cuts a regular output file at `end`: what is past it is left from an earlier, longer
/// file. (A device or a pipe is left as it is.)
fn cut_output(file: &std::fs::File, end: u64) -> std::io::Result<()> {
    if file.metadata()?.is_file() {
        file.set_len(end)?;
    }
    Ok(())
}

/// The bytes an output file takes through the page cache before [`Output`] writes the
/// rest past it with direct I/O (where the system has it).
const DIRECT_FROM: u64 = 256 << 20;

/// The size of each of [`Output`]'s buffers, hence of each direct write: a multiple of
/// [`ALIGN`].
const BLOCK: usize = 8 << 20;

/// The alignment direct I/O asks of a write's address, length and place in the file: a
/// multiple of every logical block size of Linux's file systems (512 bytes to 4 KB).
const ALIGN: usize = 4096;

/// An output file written through a buffer: its first [`DIRECT_FROM`] bytes through the
/// page cache as any file, the rest of a large report (the compact JSON of a million
/// claims is 813 MB, of ten million 8.2 GB) with direct I/O on Linux, in aligned
/// [`BLOCK`]s written by a thread of its own while the report goes on; the last block is
/// padded to [`ALIGN`] and the file then cut at the report's end.
///
/// Why: a report of gigabytes is larger than the share of memory the kernel lets wait for
/// the disk, and here each page of the page cache is fresh memory the machine must
/// provide: `dd` of 8 GB through the page cache took 20.4 s, 19.6 s of it system time on
/// one core, and with direct I/O 5.1 s, 0.8 s of it system time (BENCHMARKS.md,
/// thirteenth round). A file system that refuses direct I/O (tmpfs, some network file
/// systems) gets the rest through the page cache as well: the bytes are the same either
/// way.
struct Output<'a> {
    file: std::fs::File,
    path: &'a Path,
    /// Bytes handed to the file (or to the writing thread) so far.
    written: u64,
    /// The buffer being filled, and how many bytes it holds.
    buf: Aligned,
    filled: usize,
    /// The thread writing full blocks directly, once the page cache's share is written,
    /// and where its first block starts (the one written before it started ends there).
    direct: Option<Direct>,
    direct_at: u64,
    /// Whether direct I/O was refused (or is not tried): everything goes through the
    /// page cache.
    refused: bool,
    /// Whether a write failed: nothing more is written.
    failed: bool,
    /// [`BLOCK`] and [`DIRECT_FROM`], smaller in tests.
    block: usize,
    direct_from: u64,
}

/// A buffer of `block` bytes at an address aligned to [`ALIGN`], in safe code: a vector
/// [`ALIGN`] bytes longer, and the offset of its first aligned byte.
struct Aligned {
    bytes: Vec<u8>,
    start: usize,
}

impl Aligned {
    fn new(block: usize) -> Aligned {
        let bytes = vec![0u8; block + ALIGN];
        // An offset past ALIGN (never, for bytes) would leave the buffer unaligned, and
        // direct I/O refused: the output then goes through the page cache.
        let start = bytes.as_ptr().align_offset(ALIGN).min(ALIGN);
        Aligned { bytes, start }
    }

    /// No buffer (in place of one handed to the writing thread).
    fn none() -> Aligned {
        Aligned {
            bytes: Vec::new(),
            start: 0,
        }
    }

    fn get(&mut self, n: usize) -> &mut [u8] {
        &mut self.bytes[self.start..self.start + n]
    }
}

/// The thread that writes full blocks directly: blocks go to it with their length and
/// come back emptied for reuse; it stops at its first error, and says how many bytes it
/// wrote.
struct Direct {
    send: std::sync::mpsc::SyncSender<(Aligned, usize)>,
    back: std::sync::mpsc::Receiver<Aligned>,
    /// Buffers made so far: three at most (one filled here, one queued, one being
    /// written).
    made: usize,
    thread: std::thread::JoinHandle<(u64, std::io::Result<()>)>,
}

impl Direct {
    fn start(mut file: std::fs::File) -> Direct {
        let (send, queue) = std::sync::mpsc::sync_channel::<(Aligned, usize)>(1);
        let (give, back) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut wrote = 0u64;
            for (mut buf, n) in queue {
                if let Err(e) = file.write_all(buf.get(n)) {
                    return (wrote, Err(e));
                }
                wrote += n as u64;
                // The other end gone: the report ended (with an error of its own).
                let _ = give.send(buf);
            }
            (wrote, Ok(()))
        });
        Direct {
            send,
            back,
            made: 1,
            thread,
        }
    }

    /// Hands a buffer's first `n` bytes to the thread and returns an empty buffer: one
    /// the thread gave back, else a new one while fewer than three are made, else the
    /// next the thread gives back (waiting for the disk).
    fn write(&mut self, buf: Aligned, n: usize, block: usize) -> std::io::Result<Aligned> {
        let stopped = || std::io::Error::other("the writing thread stopped");
        self.send.send((buf, n)).map_err(|_| stopped())?;
        if let Ok(b) = self.back.try_recv() {
            return Ok(b);
        }
        if self.made < 3 {
            self.made += 1;
            return Ok(Aligned::new(block));
        }
        self.back.recv().map_err(|_| stopped())
    }

    /// Waits for every block handed over to be written: the bytes the thread wrote, and
    /// its error.
    fn end(self) -> (u64, std::io::Result<()>) {
        drop(self.send);
        self.thread
            .join()
            .unwrap_or_else(|_| (0, Err(std::io::Error::other("the writing thread panicked"))))
    }
}

impl<'a> Output<'a> {
    fn new(file: std::fs::File, path: &'a Path) -> Output<'a> {
        Output::with_sizes(file, path, BLOCK, DIRECT_FROM)
    }

    /// With blocks of `block` bytes (a multiple of [`ALIGN`]), direct from `direct_from`
    /// bytes on (a multiple of `block`).
    fn with_sizes(
        file: std::fs::File,
        path: &'a Path,
        block: usize,
        direct_from: u64,
    ) -> Output<'a> {
        debug_assert!(block.is_multiple_of(ALIGN) && direct_from.is_multiple_of(block as u64));
        // Direct I/O for regular files only: on a pipe (`-o /dev/stdout | …`) `O_DIRECT`
        // means packets, whose excess a short read discards.
        let regular = file.metadata().is_ok_and(|m| m.is_file());
        Output {
            file,
            path,
            written: 0,
            buf: Aligned::new(block),
            filled: 0,
            direct: None,
            direct_at: 0,
            refused: !cfg!(target_os = "linux") || !regular,
            failed: false,
            block,
            direct_from,
        }
    }

    /// Writes the buffer's first `n` bytes after those written: to the thread once
    /// direct, else through the page cache, trying direct I/O first once past
    /// `direct_from` (that block is then written here, and the thread started for the
    /// next ones).
    fn drain(&mut self, n: usize) -> std::io::Result<()> {
        self.drain_or_fail(n).map_err(|e| self.stopped(e))
    }

    /// After a failed write: nothing more is written (a later write or
    /// [`finish`](Output::finish) says so), and `written` is what surely reached the
    /// file. The error is the writing thread's own where it stopped (the disk's, such as
    /// no space left), rather than that it stopped.
    fn stopped(&mut self, e: std::io::Error) -> std::io::Error {
        self.failed = true;
        match self.direct.take() {
            Some(d) => {
                let (wrote, ended) = d.end();
                self.written = self.written.min(self.direct_at + wrote);
                ended.err().unwrap_or(e)
            }
            None => e,
        }
    }

    fn drain_or_fail(&mut self, n: usize) -> std::io::Result<()> {
        if self.direct.is_none() && !self.refused && self.written >= self.direct_from {
            match open_direct(self.path, self.written) {
                Ok(mut f) => match f.write_all(self.buf.get(n)) {
                    Ok(()) => {
                        self.direct = Some(Direct::start(f));
                        self.written += n as u64;
                        self.direct_at = self.written;
                        return Ok(());
                    }
                    // An alignment this file system does not take: through the page
                    // cache, from where the direct write began (the plain handle is
                    // still there).
                    Err(e) if e.raw_os_error() == Some(EINVAL) => self.refused = true,
                    Err(e) => return Err(e),
                },
                Err(_) => self.refused = true,
            }
        }
        match &mut self.direct {
            Some(d) => {
                let full = std::mem::replace(&mut self.buf, Aligned::none());
                self.buf = d.write(full, n, self.block)?;
            }
            None => self.file.write_all(self.buf.get(n))?,
        }
        self.written += n as u64;
        Ok(())
    }

    /// Writes what the buffer holds (directly: padded to [`ALIGN`]), waits for the
    /// writing thread, and cuts the file at the report's end; after an error, at the end
    /// of what was surely written.
    fn finish(mut self) -> std::io::Result<()> {
        if self.failed {
            let cut = cut_output(&self.file, self.written);
            return cut.and(Err(earlier_failure()));
        }
        let n = self.filled;
        let end = self.written + n as u64;
        let mut result = Ok(());
        if n > 0 {
            if self.direct.is_some() {
                let padded = n.next_multiple_of(ALIGN);
                self.buf.get(padded)[n..].fill(0);
                result = self.drain(padded);
            } else {
                result = self.file.write_all(self.buf.get(n));
            }
        }
        let mut surely = if result.is_ok() { end } else { self.written };
        if let Some(d) = self.direct.take() {
            let (wrote, ended) = d.end();
            if ended.is_err() {
                surely = surely.min(self.direct_at + wrote);
            }
            result = result.and(ended);
        }
        let cut = cut_output(&self.file, surely.min(end));
        result.and(cut)
    }
}

impl Write for Output<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Err(earlier_failure());
        }
        let n = data.len().min(self.block - self.filled);
        let at = self.filled;
        self.buf.get(self.block)[at..at + n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == self.block {
            self.filled = 0;
            self.drain(self.block)?;
        }
        Ok(n)
    }

    /// Nothing: the buffer is written a whole block at a time, and the rest by
    /// [`finish`](Output::finish).
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What [`Output`] answers once a write of it failed.
fn earlier_failure() -> std::io::Error {
    std::io::Error::other("an earlier write of this file failed")
}

/// `EINVAL`: what Linux answers a direct write it cannot align, and an open with
/// `O_DIRECT` on a file system without direct I/O.
const EINVAL: i32 = 22;

/// The output file opened again with `O_DIRECT`, at `at` (a multiple of [`ALIGN`]).
#[cfg(target_os = "linux")]
fn open_direct(path: &Path, at: u64) -> std::io::Result<std::fs::File> {
    use std::io::Seek;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)?;
    f.seek(std::io::SeekFrom::Start(at))?;
    Ok(f)
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_: &Path, _: u64) -> std::io::Result<std::fs::File> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

fn read(wording: &str, profile: Profile, kind: KindArg) -> Result<(), Bad> {
    let domain = QuantityKind::from(kind);
    let e = Reader::new()
        .with_profile(profile)
        .with_domain(domain)
        .read(wording)?;
    let r = e.reading();
    let opt = |x: Option<f64>| x.map_or_else(|| "—".to_string(), crosscheck::format_number);
    let mut s = format!("wording:   \"{wording}\"\n");
    s += &format!(
        "rule:      {} (profile {})\n",
        r.map_or("—", |r| r.rule()),
        profile.as_str()
    );
    s += &format!("hard:      {}  (what the words entail)\n", e.hard());
    s += &format!("plausible: {}  (the pragmatic reading)\n", e.plausible());
    s += &format!("central:   {}\n", opt(e.central()));
    s += &format!(
        "u:         {}  (the unit of the last significant digit)\n",
        opt(r.and_then(|r| r.granularity()))
    );
    s += &format!(
        "reach:     {}  (how far the plausible reading reaches from the figure)\n",
        opt(r.and_then(|r| r.reach()))
    );
    if let Some(l) = e.level() {
        s += &format!("level:     {l}\n");
    }
    if let Some(u) = r.and_then(|r| r.unit_word()) {
        s += &format!("unit:      {u}\n");
    }
    write_out(None, &s)
}

fn check(files: &[PathBuf], opts: &LoadOptions) -> Result<(), Bad> {
    let (set, _) = load(files, opts)?;
    write_out(
        None,
        &format!(
            "ok: {} claims about {} quantities from {} sources\n",
            set.len(),
            set.quantities().len(),
            set.sources().len()
        ),
    )
}

/// A reader that advances a progress bar by the bytes read.
struct Progress<R> {
    inner: R,
    bar: indicatif::ProgressBar,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn table(file: &Path, output: Option<&Path>, lenient: bool) -> Result<(), Bad> {
    let f = std::fs::File::open(file)
        .map_err(|e| Bad(vec![format!("cannot read `{}`: {e}", file.display())]))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    // A bar on stderr for files of 10 MB or more, when stderr is a terminal.
    let bar = if size >= 10 << 20 && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Without a bar, the file is read in one part per core at once.
    let (t, rejected) = if bar.is_hidden() {
        ClaimTable::load_file(&f)?
    } else {
        ClaimTable::load(Progress {
            inner: f,
            bar: bar.clone(),
        })?
    };
    bar.finish_and_clear();
    if !rejected.is_empty() {
        if !lenient {
            return Err(Bad(rejected.iter().map(ToString::to_string).collect()));
        }
        for e in &rejected {
            eprintln!("rejected: {e}");
        }
    }
    let r = t.reconcile();
    let text = match output {
        Some(_) => r.to_csv(),
        None => r.to_text(),
    };
    write_out(output, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes from a fixed generator (xorshift), so a failure is repeatable.
    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    /// What `Output` leaves in a file at `path`, written in pieces of 1 to 7,000 bytes,
    /// over an earlier file of `before` bytes; and whether it wrote directly.
    fn written(path: &Path, data: &[u8], before: usize, refuse: bool) -> (Vec<u8>, bool) {
        std::fs::write(path, vec![b'x'; before]).unwrap();
        let mut out = Output::with_sizes(
            open_output(path).unwrap(),
            path,
            2 * ALIGN,
            4 * ALIGN as u64,
        );
        out.refused |= refuse;
        let mut rest = data;
        let mut k = 0usize;
        let mut direct = false;
        while !rest.is_empty() {
            k += 1;
            let n = (k * 2_654_435_761 % 7_000 + 1).min(rest.len());
            out.write_all(&rest[..n]).unwrap();
            rest = &rest[n..];
            direct |= out.direct.is_some();
        }
        out.finish().unwrap();
        (std::fs::read(path).unwrap(), direct)
    }

    /// After a failed write nothing more is written and nothing panics: later writes and
    /// `finish` fail too (here the file is open for reading only, so every write fails).
    #[test]
    fn a_failed_write_ends_the_output() {
        let path =
            std::env::temp_dir().join(format!("crosscheck-failed-{}.json", std::process::id()));
        std::fs::write(&path, b"an earlier report").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut out = Output::with_sizes(file, &path, 2 * ALIGN, 4 * ALIGN as u64);
        let data = bytes(3 * ALIGN, 3);
        assert!(out.write_all(&data).is_err());
        assert!(out.failed);
        let again = out.write(&data).unwrap_err();
        assert_eq!(again.to_string(), earlier_failure().to_string());
        assert!(out.finish().is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"an earlier report");
        std::fs::remove_file(&path).unwrap();
    }

    /// Into a pipe (`-o /dev/stdout | …`) the bytes go through the page cache's route,
    /// never direct: on a pipe, `O_DIRECT` makes each write a packet whose excess a short
    /// read discards. Read here 1,000 bytes at a time, past the direct threshold.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipe_gets_every_byte_and_no_direct_io() {
        use std::io::Read;
        use std::os::fd::{AsRawFd, OwnedFd};
        let (mut reader, writer) = std::io::pipe().unwrap();
        let file = std::fs::File::from(OwnedFd::from(writer));
        let path = std::path::PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        let data = bytes(20 * ALIGN + 123, 7);
        let got = std::thread::scope(|s| {
            let read = s.spawn(move || {
                let (mut got, mut piece) = (Vec::new(), [0u8; 1000]);
                loop {
                    match reader.read(&mut piece).unwrap() {
                        0 => return got,
                        n => got.extend_from_slice(&piece[..n]),
                    }
                }
            });
            let mut out = Output::with_sizes(file, &path, 2 * ALIGN, 4 * ALIGN as u64);
            assert!(out.refused, "direct I/O must not be tried on a pipe");
            out.write_all(&data).unwrap();
            assert!(out.direct.is_none());
            out.finish().unwrap();
            read.join().unwrap()
        });
        assert!(got == data, "{} bytes of {}", got.len(), data.len());
    }

    /// A report written through `Output` is its bytes exactly, at every length around
    /// the block and alignment edges, with and without direct I/O, over a longer and a
    /// shorter earlier file: the page cache's share, the direct blocks (the first
    /// written before the thread starts, the rest by it), the padded last block and the
    /// cut. Run in the temporary directory and under `target/` (direct I/O where the file
    /// system has it; tmpfs refuses it, and the bytes must be the same).
    #[test]
    fn an_output_file_holds_the_bytes_written_and_nothing_more() {
        let dirs = [
            std::env::temp_dir(),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        ];
        let block = 2 * ALIGN;
        let mut lengths = vec![0, 1, ALIGN - 1, ALIGN, ALIGN + 1, 100_000];
        for edge in [
            block,
            4 * ALIGN,
            5 * ALIGN,
            6 * ALIGN,
            8 * ALIGN,
            11 * block,
        ] {
            lengths.extend([edge - 1, edge, edge + 1]);
        }
        let mut direct_seen = false;
        for dir in &dirs {
            // `target/` is there unless the build's output went elsewhere.
            std::fs::create_dir_all(dir).unwrap();
            let path = dir.join(format!("crosscheck-output-{}.json", std::process::id()));
            for (i, &n) in lengths.iter().enumerate() {
                let data = bytes(n, i as u64 + 1);
                for before in [0, n / 2, n + 5_000] {
                    for refuse in [false, true] {
                        let (got, direct) = written(&path, &data, before, refuse);
                        assert!(
                            got == data,
                            "{}: {n} bytes over {before}, refuse {refuse}",
                            dir.display()
                        );
                        assert!(!(refuse && direct));
                        direct_seen |= direct;
                    }
                }
            }
            std::fs::remove_file(&path).unwrap();
        }
        // Where no file system here takes direct I/O, only the page cache's route ran.
        if !direct_seen {
            eprintln!("no direct I/O here: only the page cache's route was tested");
        }
    }
}
