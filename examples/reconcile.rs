//! Reconcile any claim file (JSON claim set or CSV claim table) and print the report.
//!
//! ```text
//! cargo run --example reconcile -- FILE [--format text|json|markdown|html|svg|summary]
//!                                       [--lenient] [--as-of DATE] [--compact]
//!                                       [--learn-reliability [crosscheck|crh|catd|gtm]]
//!                                       [--kind count|real]
//! ```
//!
//! Strict by default: a file with bad records is refused with every problem listed (exit
//! 1). With `--lenient` the valid records are reconciled and the rejected ones listed on
//! stderr. `--as-of DATE` judges every quantity as of that date (DESIGN §3.2); `--compact`
//! leaves out influence, support profiles and the pair list. `--learn-reliability` learns
//! each source's reliability (DESIGN §3.5): every quantity gains the pooled line `learned`
//! (`pooled.learned.value`) and every source its `learned_weight` (`sources[]`). `--kind
//! real` makes the quantities a CSV creates from their ids real-valued (figures may be
//! negative); they are counts by default. The JSON report has every field of DESIGN §5. (The `crosscheck` binary does all this and more: `crosscheck --help`.)

use std::process::ExitCode;

use crosscheck::reliability::Learner;
use crosscheck::{Loader, PartialDate, QuantityKind, Reconciler};

const USAGE: &str = "usage: reconcile FILE [--format text|json|markdown|html|svg|summary] [--lenient] [--as-of DATE] [--compact] [--learn-reliability [crosscheck|crh|catd|gtm]] [--kind count|real]";

fn main() -> ExitCode {
    let mut file = None;
    let mut format = "text".to_string();
    let mut lenient = false;
    let mut compact = false;
    let mut as_of: Option<PartialDate> = None;
    let mut learn: Option<Learner> = None;
    let mut kind = QuantityKind::Count;
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--learn-reliability" => {
                // The method is optional: crosscheck's own by default.
                let named = args.peek().and_then(|m| m.parse::<Learner>().ok());
                let m = match named {
                    Some(m) => {
                        args.next();
                        m
                    }
                    None => Learner::Crosscheck,
                };
                learn = Some(m);
            }
            "--kind" => match args.next().as_deref() {
                Some("count") => kind = QuantityKind::Count,
                Some("real") => kind = QuantityKind::Real,
                _ => {
                    eprintln!("--kind: expected count or real\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--format" => format = args.next().unwrap_or_default(),
            "--lenient" => lenient = true,
            "--compact" => compact = true,
            "--as-of" => {
                let Some(d) = args.next() else {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                };
                match d.parse::<PartialDate>() {
                    Ok(d) => as_of = Some(d),
                    Err(e) => {
                        eprintln!("error: --as-of: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            _ if file.is_none() => file = Some(a),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let loader = if lenient {
        Loader::new().lenient()
    } else {
        Loader::new()
    }
    .with_default_kind(kind);
    let loaded = match loader.path(&file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for e in &loaded.rejected {
        eprintln!("rejected: {e}");
    }
    let mut reconciler = Reconciler::new();
    if compact {
        reconciler = reconciler.compact();
    }
    if let Some(d) = as_of {
        reconciler = reconciler.as_of(d);
    }
    if let Some(m) = learn {
        reconciler = reconciler.with_learned_reliability(m);
    }
    let r = reconciler.reconcile(&loaded.set);
    let out = match format.as_str() {
        "text" => r.to_string(),
        "json" => r.to_json_string() + "\n",
        "markdown" => r.to_markdown(),
        "html" => r.to_html(),
        "svg" => crosscheck::chart::Chart::new(&r).to_svg(),
        "summary" => r.to_summary_text(),
        other => {
            eprintln!(
                "unknown format `{other}`: expected text, json, markdown, html, svg or summary"
            );
            return ExitCode::from(2);
        }
    };
    print!("{out}");
    ExitCode::SUCCESS
}
