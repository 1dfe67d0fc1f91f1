//! Reconcile any claim file (JSON claim set or CSV claim table) and print the report.
//!
//! ```text
//! cargo run --example reconcile -- FILE [--format text|json] [--lenient]
//! ```
//!
//! Strict by default: a file with bad records is refused with every problem listed. With
//! `--lenient` the valid records are reconciled and the rejected ones listed on stderr.

use std::process::ExitCode;

use crosscheck::{Loader, Reconciler};

fn main() -> ExitCode {
    let mut file = None;
    let mut format = "text".to_string();
    let mut lenient = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--format" => format = args.next().unwrap_or_default(),
            "--lenient" => lenient = true,
            _ if file.is_none() => file = Some(a),
            _ => {
                eprintln!("usage: reconcile FILE [--format text|json] [--lenient]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("usage: reconcile FILE [--format text|json] [--lenient]");
        return ExitCode::from(2);
    };
    let loader = if lenient {
        Loader::new().lenient()
    } else {
        Loader::new()
    };
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
    let r = Reconciler::new().reconcile(&loaded.set);
    match format.as_str() {
        "text" => print!("{r}"),
        "json" => println!("{}", r.to_json_string()),
        other => {
            eprintln!("unknown format `{other}`: expected text or json");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
