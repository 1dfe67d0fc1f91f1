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
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let written = write(&mut w).and_then(|()| w.flush());
            // Even after a failed write, the file is cut at what was written: no part of an
            // earlier report is left behind a partial one.
            let cut = match w.into_inner() {
                Ok(mut file) => cut_output(&mut file),
                Err(e) => Err(e.into_error()),
            };
            written.and(cut).map_err(fail)
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

/// Cuts a regular output file at the writing position: what is past it is left from an
/// earlier, longer file. (A device or a pipe is left as it is.)
fn cut_output(file: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::Seek;
    if file.metadata()?.is_file() {
        let end = file.stream_position()?;
        file.set_len(end)?;
    }
    Ok(())
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
