//! Helpers shared by the unit tests.

/// Marsaglia's xorshift64 generator (shifts 13, 7, 17; G. Marsaglia, "Xorshift RNGs",
/// *Journal of Statistical Software* 8(14), 2003): deterministic test inputs without a
/// dependency. The seed must not be 0.
pub(crate) struct XorShift(u64);

impl XorShift {
    pub(crate) fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    /// The next state.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Bounds from a few values, so that intervals tie, touch and nest: two draws from
    /// `values` in `total_cmp` order (so −0 before +0), the high made +∞ one time in
    /// `unbounded_one_in`.
    pub(crate) fn tied_bounds(&mut self, values: &[f64], unbounded_one_in: u64) -> (f64, f64) {
        let n = values.len() as u64;
        let a = values[(self.next_u64() % n) as usize];
        let b = values[(self.next_u64() % n) as usize];
        let (low, high) = if b.total_cmp(&a).is_lt() {
            (b, a)
        } else {
            (a, b)
        };
        if self.next_u64().is_multiple_of(unbounded_one_in) {
            (low, f64::INFINITY)
        } else {
            (low, high)
        }
    }

    /// A uniform draw on [0, 1) from the state's top 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
