//! The main job: reconcile the seed report's claims (North Korean troops in Russia's Kursk
//! campaign, April 2025) and print the report.
//!
//! ```text
//! cargo run --example kursk                  # the text report
//! cargo run --example kursk -- --format json # the JSON report (DESIGN §5)
//! cargo run --example kursk -- --format markdown|html|svg > report.md|.html|.svg
//! ```

use std::process::ExitCode;

use crosscheck::{ClaimSet, Reconciler};

const KURSK: &str = include_str!("data/kursk.json");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format = match args.as_slice() {
        [] => "text",
        [flag, f] if flag == "--format" => f.as_str(),
        _ => {
            eprintln!("usage: kursk [--format text|json|markdown|html|svg]");
            return ExitCode::from(2);
        }
    };
    let set = match ClaimSet::from_json_str(KURSK) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let reconciliation = Reconciler::new().reconcile(&set);
    match format {
        // The constraints declared in kursk.json (14,000 sent + 3,000 reinforcements make
        // the deployed total, which bounds the casualties) are part of the report.
        "text" => print!("{reconciliation}"),
        "json" => println!("{}", reconciliation.to_json_string()),
        "markdown" => print!("{}", reconciliation.to_markdown()),
        "html" => print!("{}", reconciliation.to_html()),
        "svg" => print!(
            "{}",
            crosscheck::chart::Chart::new(&reconciliation).to_svg()
        ),
        other => {
            eprintln!("unknown format `{other}`: expected text, json, markdown, html or svg");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
