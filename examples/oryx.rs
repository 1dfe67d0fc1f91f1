//! Russian tank losses over time: the Ukrainian General Staff's cumulative claims against
//! Oryx's photo-confirmed floors on 617 dates (2022-03-28 to 2025-07-19), reconciled as a
//! cumulative quantity, with the time chart written as SVG.
//!
//! ```text
//! cargo run --example oryx                      # the summary; the chart to target/oryx-tanks.svg
//! cargo run --example oryx -- --svg tanks.svg   # the chart elsewhere
//! ```
//!
//! Data: tests/data/oryx_tanks.csv (General Staff figures: PetroIvaniuk/2022-Ukraine-Russia-
//! War-Dataset, MIT; Oryx counts: scarnecchia/oryx_data, CC BY 4.0, cite Oryx).

use std::process::ExitCode;

use crosscheck::chart::TimeChart;
use crosscheck::{ClaimSet, Loader, Reconciler};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let svg_path = match args.as_slice() {
        [] => "target/oryx-tanks.svg".to_string(),
        [flag, p] if flag == "--svg" => p.clone(),
        _ => {
            eprintln!("usage: oryx [--svg FILE]");
            return ExitCode::from(2);
        }
    };
    let base = match ClaimSet::from_json_str(include_str!("../tests/data/oryx_tanks.json")) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let set = match Loader::new()
        .with_base(base)
        .csv_str(include_str!("../tests/data/oryx_tanks.csv"))
    {
        Ok(l) => l.set,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let r = Reconciler::new().compact().reconcile(&set);
    let Some(q) = r.quantity("russia-tanks") else {
        eprintln!("error: no tank claims");
        return ExitCode::FAILURE;
    };
    println!(
        "Russian tanks lost, as of {}: {} claims on the timeline, {} current",
        q.as_of.map_or("—".into(), |d| d.to_string()),
        q.timeline.len(),
        q.claims
            .iter()
            .filter(|c| c.status == crosscheck::time::ClaimStatus::Current)
            .count()
    );
    println!(
        "  verdict {} (the current figures: the General Staff's latest claim and Oryx's latest floor)",
        q.verdict
    );
    if let Some(h) = &q.history {
        println!(
            "  history: {} ({} to {})",
            h.verdict.as_str(),
            h.deciding[0],
            h.deciding[1]
        );
    }
    let pairs = q.side_by_side("ua-general-staff", "oryx");
    let above = pairs.iter().filter(|p| p.a > p.b).count();
    println!(
        "  on {} of {} shared dates ({:.1}%) the General Staff's figure sits above Oryx's photo-confirmed floor",
        above,
        pairs.len(),
        100.0 * above as f64 / pairs.len().max(1) as f64
    );
    println!("  ratio General Staff / Oryx over time:");
    let mut year = None;
    for p in &pairs {
        if year != Some(p.date.year()) {
            year = Some(p.date.year());
            let in_year: Vec<f64> = pairs
                .iter()
                .filter(|x| x.date.year() == p.date.year() && x.b > 0.0)
                .map(|x| x.a / x.b)
                .collect();
            let mean = in_year.iter().sum::<f64>() / in_year.len().max(1) as f64;
            println!(
                "    {}: mean {:.2}× over {} dates (first {}: {} vs {})",
                p.date.year(),
                mean,
                in_year.len(),
                p.date,
                crosscheck::format_number(p.a),
                crosscheck::format_number(p.b)
            );
        }
    }
    if let Some(last) = pairs.last() {
        println!(
            "    last date {}: {} vs {} ({:.2}×)",
            last.date,
            crosscheck::format_number(last.a),
            crosscheck::format_number(last.b),
            last.a / last.b
        );
    }
    println!("  monotone band: {} dates", q.monotone_band.len());
    let svg = TimeChart::new(q).to_svg();
    if let Some(dir) = std::path::Path::new(&svg_path).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match std::fs::write(&svg_path, svg) {
        Ok(()) => println!("  time chart: {svg_path}"),
        Err(e) => {
            eprintln!("error: cannot write {svg_path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
