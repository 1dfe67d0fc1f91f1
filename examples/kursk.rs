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
        "text" => {
            print!("{reconciliation}");
            // 14,000 sent + 3,000 reinforcements bound the casualties from above.
            let sent = reconciliation.quantity("kpa-sent").map(|q| q.envelope);
            let more = reconciliation
                .quantity("kpa-reinforcements")
                .map(|q| q.envelope);
            if let (Some(a), Some(b)) = (sent, more)
                && let Ok(total) = a.add(&b)
            {
                println!(
                    "== derived: North Korean soldiers deployed in total (sent + reinforcements): {total}"
                );
                if let Some(cas) = reconciliation.quantity("kpa-casualties") {
                    let fits = cas.envelope.sup() <= total.sup();
                    println!(
                        "   casualty claims {} lie {} the deployed total's upper bound {}",
                        cas.envelope,
                        if fits { "within" } else { "beyond" },
                        crosscheck::format_number(total.sup())
                    );
                }
            }
        }
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
