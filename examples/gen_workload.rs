//! Writes the deterministic benchmark workload as a CSV claim table.
//!
//! ```text
//! cargo run --release --example gen_workload -- OUT.csv [--claims N] [--quantities Q]
//!     [--sources S] [--seed X] [--one-sided SHARE] [--zero-width SHARE] [--worded]
//!
//! `--worded` writes a `value` column of wording (`between 679.4341 and 832.6312`, `more
//! than 679.4341`) for the Loader's wording reader, instead of `low`, `central`, `high`.
//! ```
//!
//! N claims over Q quantities (defaults 1,000,000, 100,000, 1,000 sources, seed 42): every
//! quantity gets one claim, the rest are spread uniformly at random; a source claims a
//! quantity at most once. The true value T_q is log-uniform on [10, 10⁶]; each source has a
//! bias b_s ~ N(0, 0.05) (5 % partisan sources with b_s = ±0.5) and a noise sd_s
//! log-uniform on [0.02, 0.3]; central = T_q·exp(b_s + sd_s·ε), low = central·exp(−u₁),
//! high = central·exp(u₂), u₁, u₂ ~ U(0.01, 0.30). Rows are shuffled and written with 7
//! significant digits under the header `quantity,sources,low,central,high`. A share of
//! one-sided claims leaves `high` empty; a share of zero-width claims has low = central =
//! high.

use std::io::{BufWriter, Write};

#[path = "../benches/workload.rs"]
mod workload;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut p = workload::Params {
        claims: 1_000_000,
        quantities: 100_000,
        sources: 1_000,
        seed: 42,
        one_sided: 0.0,
        zero_width: 0.0,
        worded: false,
    };
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("a value after the flag");
        match a.as_str() {
            "--claims" => p.claims = val().parse().expect("a count"),
            "--quantities" => p.quantities = val().parse().expect("a count"),
            "--sources" => p.sources = val().parse().expect("a count"),
            "--seed" => p.seed = val().parse().expect("a seed"),
            "--one-sided" => p.one_sided = val().parse().expect("a share"),
            "--zero-width" => p.zero_width = val().parse().expect("a share"),
            "--worded" => p.worded = true,
            _ => out = Some(a),
        }
    }
    let out = out.expect("usage: gen_workload OUT.csv [--claims N] [--quantities Q] ...");
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    workload::write(p, &mut w)?;
    w.flush()?;
    eprintln!(
        "wrote {} claims over {} quantities and {} sources to {out}",
        p.claims, p.quantities, p.sources
    );
    Ok(())
}
