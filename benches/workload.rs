//! The deterministic benchmark workload (see `examples/gen_workload.rs` for the model),
//! shared by the generator example and the benches.
#![allow(dead_code)]

use std::collections::HashSet;
use std::io::Write;

/// SplitMix64: small, fast and fully determined by its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn normal(&mut self) -> f64 {
        // Box–Muller.
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    pub fn log_uniform(&mut self, a: f64, b: f64) -> f64 {
        (a.ln() + self.uniform() * (b.ln() - a.ln())).exp()
    }
}

pub fn sig7(x: f64) -> String {
    format!("{:.*e}", 6, x)
        .parse::<f64>()
        .map(|v| format!("{v}"))
        .unwrap_or_default()
}

/// The workload's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub claims: usize,
    pub quantities: usize,
    pub sources: usize,
    pub seed: u64,
    pub one_sided: f64,
    pub zero_width: f64,
    /// Write each claim as wording in a `value` column (`between LOW and HIGH`, `more
    /// than LOW`, a bare figure) instead of `low`, `central`, `high`; the central value of
    /// a range is not written, since a range's wording has none.
    pub worded: bool,
}

impl Params {
    /// N claims over N/10 quantities and 1,000 sources, seed 42.
    pub fn with_claims(claims: usize) -> Params {
        Params {
            claims,
            quantities: (claims / 10).max(1),
            sources: 1000,
            seed: 42,
            one_sided: 0.0,
            zero_width: 0.0,
            worded: false,
        }
    }
}

/// Writes the workload as a CSV claim table.
pub fn write(p: Params, w: &mut impl Write) -> std::io::Result<()> {
    let (n, q, s) = (p.claims, p.quantities, p.sources);
    assert!(n >= q && q * s >= n, "need Q <= N <= Q*S");
    let mut rng = Rng(p.seed);
    let truth: Vec<f64> = (0..q).map(|_| rng.log_uniform(10.0, 1e6)).collect();
    let bias: Vec<f64> = (0..s)
        .map(|_| {
            if rng.uniform() < 0.05 {
                if rng.uniform() < 0.5 { 0.5 } else { -0.5 }
            } else {
                0.05 * rng.normal()
            }
        })
        .collect();
    let noise: Vec<f64> = (0..s).map(|_| rng.log_uniform(0.02, 0.3)).collect();
    let mut pairs: HashSet<(u32, u32)> = HashSet::with_capacity(n);
    let mut claims: Vec<(u32, u32)> = Vec::with_capacity(n);
    for i in 0..n {
        let qi = if i < q { i } else { rng.below(q) };
        loop {
            let si = rng.below(s);
            if pairs.insert((qi as u32, si as u32)) {
                claims.push((qi as u32, si as u32));
                break;
            }
        }
    }
    for i in (1..claims.len()).rev() {
        claims.swap(i, rng.below(i + 1));
    }
    if p.worded {
        writeln!(w, "quantity,sources,value")?;
    } else {
        writeln!(w, "quantity,sources,low,central,high")?;
    }
    for (qi, si) in claims {
        let (qi, si) = (qi as usize, si as usize);
        let central = truth[qi] * (bias[si] + noise[si] * rng.normal()).exp();
        let (u1, u2) = (0.01 + 0.29 * rng.uniform(), 0.01 + 0.29 * rng.uniform());
        let kind = rng.uniform();
        let c = sig7(central);
        let (lo, hi) = (sig7(central * (-u1).exp()), sig7(central * u2.exp()));
        match (
            kind < p.zero_width,
            kind < p.zero_width + p.one_sided,
            p.worded,
        ) {
            (true, _, false) => writeln!(w, "q{qi},s{si},{c},{c},{c}")?,
            (true, _, true) => writeln!(w, "q{qi},s{si},{c}")?,
            (false, true, false) => writeln!(w, "q{qi},s{si},{lo},,")?,
            (false, true, true) => writeln!(w, "q{qi},s{si},more than {lo}")?,
            (false, false, false) => writeln!(w, "q{qi},s{si},{lo},{c},{hi}")?,
            (false, false, true) => writeln!(w, "q{qi},s{si},between {lo} and {hi}")?,
        }
    }
    Ok(())
}

/// The workload as one CSV string.
pub fn csv(p: Params) -> String {
    let mut v = Vec::with_capacity(p.claims * 40);
    write(p, &mut v).expect("writing to memory");
    String::from_utf8(v).expect("ASCII")
}
