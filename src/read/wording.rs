//! Reading hedged wording ("about 4,000", "more than 76,000", "between 60,000 to 100,000")
//! into [`Estimate`]s.
//!
//! # The rules
//!
//! Let `x` be the number and `u` the unit of its last significant digit. Trailing zeros of a
//! whole number are **not** significant (14,000 → u = 1,000; 1,200 → u = 100; 2.5 million →
//! u = 100,000); zeros after a decimal point are (2.50 → u = 0.01). The default profile
//! follows the significant-digit reading of hedged numbers of Ferson et al., "Natural
//! language of uncertainty: numeric hedge words", *Int. J. Approximate Reasoning* 57 (2015),
//! and the granularity reading of "more than n" of Cummins, Sauerland & Solt, "Granularity
//! and scalar implicature in numerical expressions", *Linguistics and Philosophy* 35 (2012):
//!
//! | rule | wordings | hard | plausible | central |
//! |---|---|---|---|---|
//! | `bare` | `x`, `an additional x`, `a total of x`, `9,444 killed` | [x−u/2, x+u/2] | same | x |
//! | `exactly` | `exactly x`, `precisely x` | [x−u/10, x+u/10] | same | x |
//! | `approximator` | `about`, `approximately`, `approx.`, `around`, `roughly`, `some`, `an estimated`, `circa`, `c.`, `ca.`, `~`, `≈`, `x or so`, `a couple of hundred` | domain | [x−r, x+r], r = min(2u, x/2) | x |
//! | `closer-to` | `closer to x`, `close to x` | domain | [x−r, x+r], r = min(u, x/10) | x |
//! | `more-than` | `more than`, `over`, `above`, `well over`, `exceeding`, `in excess of`, `upwards of`, `greater than`, `>`, `x+`, `x-plus` | (x, ∞) | (x, x+r], r = min(u, x/2) | — |
//! | `just-over` | `just over`, `just above`, `slightly more than` | (x, ∞) | (x, x+r], r = min(u, x/10) | — |
//! | `at-least` | `at least`, `no fewer than`, `no less than`, `a minimum (estimate) of`, `≥`, `>=`, `x or more` | [x, ∞) | [x, x+r], r = min(u, x/2) | — |
//! | `precise-floor` | a `more-than` or `at-least` hedge on a figure of three or more significant digits (`at least 46,006`) | (x, ∞) or [x, ∞) | same | — |
//! | `less-than` | `less than`, `under`, `below`, `fewer than`, `<` | [min, x) | [x−r, x), r = min(u, x/2) | — |
//! | `at-most` | `at most`, `no more than`, `up to`, `as many as`, `as high as`, `a maximum of`, `≤`, `<=`, `x or less` | [min, x] | [x−r, x], r = min(u, x/2) | — |
//! | `nearly` | `nearly`, `almost`, `just under`, `just below`, `just shy of` | [min, x] | [x−r, x], r = min(u, x/10) | — |
//! | `range` | `between x and y`, `somewhere between`, `from x to y`, `ranged from x to y`, `x to y`, `x–y` | [x, y] | same | — |
//! | `hedged-range` | an approximator before a range: `about 30,000 to 60,000`, `roughly 1,500–2,000` | domain | [x, y] | — |
//! | `open-range` | `between x and over y` | [x, ∞) | [x, y+r], r = `min(u_y`, y/2) | — |
//! | `stated-interval` | `x (95% CI a–b)`, `x (95% UI a to b)`, `x (a–b)`, `x (range a to b)`, `an estimated x (95% CI, a to b)`; the level (0.95 for `95%`) is recorded | domain | [a, b] | x |
//! | `plus-minus` | `x ± d`, `x +/- d`, `x ± p%` | domain | [x−d, x+d] | x |
//! | `odd` | `300-odd` | [x, x+u) | same | — |
//! | `magnitude` | `dozens` (s = 12), `scores` (20), `hundreds`, `in the hundreds`, `thousands`, `tens of thousands`, `hundreds of thousands`, `millions`, `lakhs`, `crores` … | [2s, 10s) | same | — |
//! | `band` | `the low thousands` ([s, 4s)), `the mid hundreds` ([4s, 7s)), `the high thousands` ([7s, 10s)) | [s, 10s) | the band | — |
//! | `several` | `several thousand`, `several hundred`, `several dozen` … | [2s, 10s) | [3s, 7s] | — |
//! | `a-few` | `a few hundred`, `a few thousand` … | [2s, 10s) | [2s, 5s] | — |
//!
//! Version 2 of the rules (DESIGN §4): no reading reaches past half the figure (the caps
//! above: "about 100k" is [50,000, 150,000], not [−100,000, 300,000]); a precise floor is a
//! floor; stated uncertainty is uncertainty, not logic (the domain is hard, so two stated
//! intervals that miss each other are in tension, never a contradiction). The rule, u
//! ([`Reading::granularity`](crate::estimate::Reading::granularity)) and the reach used
//! ([`Reading::reach`](crate::estimate::Reading::reach)) are recorded in the reading.
//!
//! `min` is the domain's lower end: −∞ for a real quantity, 0 for a count (whose intervals
//! are clipped to `[0, +∞)`). The `a-few` row is crosscheck's own reading (a few = 2 to 5).
//!
//! The other profiles:
//! - [`Profile::Relative`]: approximators read as x ± 5 %, and one-sided bounds reach 5 %
//!   beyond x (`more than x` → plausible (x, 1.05x]); the relative reading used in the
//!   Wikimpacts impact database (Li et al. 2024) and its example wordings (`~4234`, `>= 200`,
//!   `200,000+`, `27,00,000`); where x = 0 the width falls back to u. Other rules as default.
//! - [`Profile::Strict`]: no pragmatic narrowing: plausible = hard. Approximators, which
//!   entail nothing literally, take their default plausible range as hard; `several` and
//!   `a few` take [2s, 10s).
//!
//! # Numbers
//!
//! Digits with `,`, `_`, thin-space or space grouping (`14,000`, `14 000`, `14_000`), Indian
//! grouping (`27,00,000`), decimals, suffixes `k`, `m`, `mn`, `bn`, `tn` and words
//! `hundred`, `thousand`, `million`, `billion`, `trillion`, `lakh`, `crore`, `dozen`
//! (`1.2k`, `1.5 million`, `2 lakh`), spelled numbers read whole (`twenty one thousand`,
//! `twenty-five`, `nine hundred ninety nine`, `two million five hundred thousand`), `a`/`an`
//! before a multiplier (`a thousand`, `a dozen`, `twelve hundred`) and fractions of round
//! words (`half a million`, `½ million`, `a quarter of a million`).
//! In a range, a multiplier after the second number carries to a bare first one
//! (`between 5 and 10 million`). A sign (`-5`) is read for real quantities; a count
//! rejects it.
//!
//! After the figure the reader skips a unit phrase of plain words (`76,000 personnel`,
//! `7,700 units`, `hundreds of people`) and returns it in
//! [`Reading::unit_word`](crate::estimate::Reading::unit_word).
//!
//! # What is refused
//!
//! Anything else is an [`Error::Wording`] with the byte span it could not read and what it
//! expected there: a hedge with no number (`more than`), a doubled hedge
//! (`about about 4,000`), a half range (`between 5 and`), bad grouping (`12,34,5`),
//! exponents (`1e999`), a bound hedge before a range (`more than 60-100`), number words
//! out of order (`five six`, `a dozen dozen`), numbers that underflow or overflow, and empty
//! input; and wording over [`MAX_WORDING_BYTES`](crate::limits::MAX_WORDING_BYTES).
//!
//! # Cost
//!
//! Linear in the length of the wording.

use std::borrow::Cow;
use std::ops::Range;
use std::str::FromStr;

use crate::error::{Error, Location, Result};
use crate::estimate::{Estimate, Reading};
use crate::interval::{Bound, Interval};
use crate::quantity::QuantityKind;
use ordered_float::NotNan;

pub use crate::estimate::Profile;

/// Reads wording into an [`Estimate`] with a chosen profile and domain.
///
/// # Example
///
/// ```
/// use crosscheck::{QuantityKind, wording::{Profile, Reader}};
///
/// let e = Reader::new().read("more than 76,000 personnel")?;
/// assert_eq!(e.hard().to_string(), "(76,000, +∞)");
/// assert_eq!(e.plausible().to_string(), "(76,000, 77,000]");
/// assert_eq!(e.reading().unwrap().rule(), "more-than");
/// assert_eq!(e.reading().unwrap().unit_word(), Some("personnel"));
///
/// let r = Reader::new().with_profile(Profile::Relative).with_domain(QuantityKind::Count);
/// assert_eq!(r.read("about 4,000")?.plausible().to_string(), "[3,800, 4,200]");
/// assert!(Reader::new().read("about about 4,000").is_err());
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    profile: Profile,
    domain: QuantityKind,
}

impl Default for Reader {
    /// As [`Reader::new`].
    fn default() -> Reader {
        Reader {
            profile: Profile::Default,
            domain: QuantityKind::Real,
        }
    }
}

impl Reader {
    /// The default profile on the **real** domain — the same reading as
    /// `str::parse::<Estimate>()`, so one wording has one reading whichever way it is read.
    /// A [`ClaimSet`](crate::ClaimSet) fits a claim to its quantity's domain (a count clips
    /// at 0 and refuses negative figures); [`Reader::with_domain`] does so here.
    #[must_use]
    pub fn new() -> Reader {
        Reader::default()
    }

    /// Sets the profile.
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Reader {
        self.profile = profile;
        self
    }

    /// Sets the domain: a count clips intervals at 0 and rejects negative numbers.
    #[must_use]
    pub fn with_domain(mut self, domain: QuantityKind) -> Reader {
        self.domain = domain;
        self
    }

    /// The profile.
    #[must_use]
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Reads one wording.
    ///
    /// # Errors
    ///
    /// [`Error::Wording`] pointing at the span it could not read;
    /// [`Error::Negative`] for a negative number on a count domain; [`Error::TooLong`] for
    /// wording over [`MAX_WORDING_BYTES`](crate::limits::MAX_WORDING_BYTES).
    pub fn read(&self, text: &str) -> Result<Estimate> {
        crate::limits::check_len("value", text, crate::limits::MAX_WORDING_BYTES)?;
        let tokens = lex(text)?;
        let mut p = Parser {
            text,
            tokens: &tokens,
            pos: 0,
        };
        let phrase = p.phrase()?;
        let unit_word = p.unit_phrase()?;
        let estimate = self.apply(text, phrase, unit_word)?;
        if self.domain == QuantityKind::Count {
            estimate.into_count()
        } else {
            Ok(estimate)
        }
    }

    fn apply(&self, text: &str, phrase: Phrase, unit_word: Option<String>) -> Result<Estimate> {
        let profile = self.profile;
        let c = |v: f64| NotNan::new(v).map_err(|_| werr(text, 0..text.len(), "finite numbers"));
        let closed = |a: f64, b: f64| -> Result<Interval> {
            Interval::new(Bound::Closed(c(a)?), Bound::Closed(c(b)?))
                .map_err(|_| werr(text, 0..text.len(), "a non-empty range"))
        };
        let mk = |lo: Bound, hi: Bound| -> Result<Interval> {
            Interval::new(lo, hi).map_err(|_| werr(text, 0..text.len(), "a non-empty range"))
        };
        let (rule, hard, plausible, central, granularity, reach, numbers, level) = match phrase {
            Phrase::Single { hedge, x, u, sig } => {
                let xv = x;
                let strict = profile == Profile::Strict;
                // DESIGN §4 v2: no reading reaches past half the figure; `nearly`-like
                // hedges at most a tenth. The relative profile reaches 5 % throughout.
                let cap = |r: f64, limit: f64| if xv != 0.0 { r.min(limit) } else { r };
                let (one_sided, approx, near) = match profile {
                    Profile::Relative if xv != 0.0 => {
                        let r = 0.05 * xv.abs();
                        (r, r, r)
                    }
                    _ => (
                        cap(u, xv.abs() / 2.0),
                        cap(2.0 * u, xv.abs() / 2.0),
                        cap(u, xv.abs() / 10.0),
                    ),
                };
                // A precise floor (three or more significant digits) is a documented floor.
                let precise = sig >= 3;
                let entire_unless_strict =
                    |p: Interval| if strict { p } else { Interval::entire() };
                let (rule, hard, plausible, central, reach) = match hedge {
                    Hedge::Bare => {
                        let i = closed(xv - u / 2.0, xv + u / 2.0)?;
                        (hedge.rule(), i, i, Some(xv), Some(u / 2.0))
                    }
                    Hedge::Exactly => {
                        let i = closed(xv - u / 10.0, xv + u / 10.0)?;
                        (hedge.rule(), i, i, Some(xv), Some(u / 10.0))
                    }
                    Hedge::Approximately | Hedge::CloserTo => {
                        let r = if hedge == Hedge::CloserTo {
                            near
                        } else {
                            approx
                        };
                        let p = closed(xv - r, xv + r)?;
                        (hedge.rule(), entire_unless_strict(p), p, Some(xv), Some(r))
                    }
                    Hedge::MoreThan | Hedge::JustOver => {
                        let h = mk(Bound::Open(c(xv)?), Bound::Unbounded)?;
                        if precise && hedge == Hedge::MoreThan {
                            ("precise-floor", h, h, None, None)
                        } else {
                            let r = if hedge == Hedge::JustOver {
                                near
                            } else {
                                one_sided
                            };
                            let p = mk(Bound::Open(c(xv)?), Bound::Closed(c(xv + r)?))?;
                            (hedge.rule(), h, if strict { h } else { p }, None, Some(r))
                        }
                    }
                    Hedge::AtLeast => {
                        let h = mk(Bound::Closed(c(xv)?), Bound::Unbounded)?;
                        if precise {
                            ("precise-floor", h, h, None, None)
                        } else {
                            let p = closed(xv, xv + one_sided)?;
                            (
                                hedge.rule(),
                                h,
                                if strict { h } else { p },
                                None,
                                Some(one_sided),
                            )
                        }
                    }
                    Hedge::LessThan => {
                        let h = mk(Bound::Unbounded, Bound::Open(c(xv)?))?;
                        let p = mk(Bound::Closed(c(xv - one_sided)?), Bound::Open(c(xv)?))?;
                        (
                            hedge.rule(),
                            h,
                            if strict { h } else { p },
                            None,
                            Some(one_sided),
                        )
                    }
                    Hedge::AtMost | Hedge::Nearly => {
                        let r = if hedge == Hedge::Nearly {
                            near
                        } else {
                            one_sided
                        };
                        let h = mk(Bound::Unbounded, Bound::Closed(c(xv)?))?;
                        let p = closed(xv - r, xv)?;
                        (hedge.rule(), h, if strict { h } else { p }, None, Some(r))
                    }
                };
                (
                    rule,
                    hard,
                    plausible,
                    central,
                    Some(u),
                    reach,
                    vec![xv],
                    None,
                )
            }
            Phrase::Range { x, y } => {
                let i = closed(x, y)?;
                ("range", i, i, None, None, None, vec![x, y], None)
            }
            Phrase::HedgedRange { x, y } => {
                let p = closed(x, y)?;
                let h = if profile == Profile::Strict {
                    p
                } else {
                    Interval::entire()
                };
                ("hedged-range", h, p, None, None, None, vec![x, y], None)
            }
            Phrase::OpenRange { x, y, u } => {
                let r = if y != 0.0 { u.min(y.abs() / 2.0) } else { u };
                let h = mk(Bound::Closed(c(x)?), Bound::Unbounded)?;
                let p = closed(x, y + r)?;
                let p = if profile == Profile::Strict { h } else { p };
                ("open-range", h, p, None, Some(u), Some(r), vec![x, y], None)
            }
            Phrase::PlusMinus { x, d } => {
                let p = closed(x - d, x + d)?;
                let h = if profile == Profile::Strict {
                    p
                } else {
                    Interval::entire()
                };
                ("plus-minus", h, p, Some(x), None, Some(d), vec![x, d], None)
            }
            Phrase::Stated { x, lo, hi, level } => {
                let p = closed(lo, hi)?;
                let h = if profile == Profile::Strict {
                    p
                } else {
                    Interval::entire()
                };
                (
                    "stated-interval",
                    h,
                    p,
                    Some(x),
                    None,
                    None,
                    vec![x, lo, hi],
                    level,
                )
            }
            Phrase::Odd { x, u } => {
                let i = mk(Bound::Closed(c(x)?), Bound::Open(c(x + u)?))?;
                ("odd", i, i, None, Some(u), Some(u), vec![x], None)
            }
            Phrase::Band { part, s } => {
                let h = mk(Bound::Closed(c(s)?), Bound::Open(c(10.0 * s)?))?;
                let (a, b) = match part {
                    Band::Low => (1.0, 4.0),
                    Band::Mid => (4.0, 7.0),
                    Band::High => (7.0, 10.0),
                };
                let p = mk(Bound::Closed(c(a * s)?), Bound::Open(c(b * s)?))?;
                let p = if profile == Profile::Strict { h } else { p };
                ("band", h, p, None, Some(s), None, vec![s], None)
            }
            Phrase::Magnitude { kind, s } => {
                let h = mk(Bound::Closed(c(2.0 * s)?), Bound::Open(c(10.0 * s)?))?;
                let p = match (kind, profile) {
                    (_, Profile::Strict) | (MagKind::Plural, _) => h,
                    (MagKind::Several, _) => closed(3.0 * s, 7.0 * s)?,
                    (MagKind::AFew, _) => closed(2.0 * s, 5.0 * s)?,
                };
                let rule = match kind {
                    MagKind::Plural => "magnitude",
                    MagKind::Several => "several",
                    MagKind::AFew => "a-few",
                };
                (rule, h, p, None, Some(s), None, vec![s], None)
            }
        };
        let mut e = Estimate::new(hard, plausible, central)?;
        if let Some(l) = level {
            e = e.with_level(l)?;
        }
        Ok(e.with_reading(Reading {
            text: text.to_string(),
            profile,
            rule: rule.to_string(),
            granularity,
            reach,
            numbers,
            unit_word,
        }))
    }
}

impl FromStr for Estimate {
    type Err = Error;

    /// Reads wording with the default profile on a real domain (no clipping); a
    /// [`ClaimSet`](crate::ClaimSet) re-applies the quantity's domain.
    fn from_str(s: &str) -> Result<Estimate> {
        Reader::new().with_domain(QuantityKind::Real).read(s)
    }
}

fn werr(text: &str, span: Range<usize>, expected: &str) -> Error {
    Error::Wording {
        at: Location::Unknown,
        text: text.to_string(),
        span,
        expected: expected.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hedge {
    Bare,
    Exactly,
    Approximately,
    CloserTo,
    MoreThan,
    JustOver,
    AtLeast,
    LessThan,
    AtMost,
    Nearly,
}

impl Hedge {
    fn rule(self) -> &'static str {
        match self {
            Hedge::Bare => "bare",
            Hedge::Exactly => "exactly",
            Hedge::Approximately => "approximator",
            Hedge::CloserTo => "closer-to",
            Hedge::MoreThan => "more-than",
            Hedge::JustOver => "just-over",
            Hedge::AtLeast => "at-least",
            Hedge::LessThan => "less-than",
            Hedge::AtMost => "at-most",
            Hedge::Nearly => "nearly",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum MagKind {
    Plural,
    Several,
    AFew,
}

#[derive(Debug)]
enum Phrase {
    Single {
        hedge: Hedge,
        x: f64,
        u: f64,
        sig: u32,
    },
    Range {
        x: f64,
        y: f64,
    },
    /// A range after an approximator: `about 30,000 to 60,000`.
    HedgedRange {
        x: f64,
        y: f64,
    },
    /// `between x and over y`: at least x, the upper end open.
    OpenRange {
        x: f64,
        y: f64,
        u: f64,
    },
    /// `x ± d`, `x ± p%`.
    PlusMinus {
        x: f64,
        d: f64,
    },
    /// `x (95% CI a–b)`, `x (a–b)`, `x (range a to b)`: stated uncertainty.
    Stated {
        x: f64,
        lo: f64,
        hi: f64,
        level: Option<f64>,
    },
    /// `300-odd`: x and a little more, less than x + u.
    Odd {
        x: f64,
        u: f64,
    },
    Magnitude {
        kind: MagKind,
        s: f64,
    },
    /// `the low thousands`, `the mid hundreds`, `the high thousands`.
    Band {
        part: Band,
        s: f64,
    },
}

#[derive(Debug, Clone, Copy)]
enum Band {
    Low,
    Mid,
    High,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Digits as written: integer digits, fraction digits, power of ten from an attached
    /// suffix (`k`, `m`, `bn`).
    Num {
        int: String,
        frac: String,
        exp: i32,
    },
    Word(String),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    span: Range<usize>,
}

const SEPARATORS: [char; 5] = [',', '_', '\u{2009}', '\u{202F}', '\u{00A0}'];

fn suffix_exp(s: &str) -> Option<i32> {
    Some(match s {
        "k" | "thousand" => 3,
        "m" | "mn" | "mln" | "million" => 6,
        "bn" | "billion" => 9,
        "tn" | "trillion" => 12,
        "hundred" => 2,
        "lakh" | "lakhs" | "lac" => 5,
        "crore" | "crores" => 7,
        _ => return None,
    })
}

fn lex(text: &str) -> Result<Vec<Tok>> {
    let lower = text.to_ascii_lowercase();
    // Room for every character at once (collecting grows the list several times).
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(lower.len());
    chars.extend(lower.char_indices());
    let end_of = |i: usize| chars.get(i).map_or(lower.len(), |c| c.0);
    let mut toks = Vec::with_capacity(8);
    let mut i = 0;
    while i < chars.len() {
        let (start, ch) = chars[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if ch.is_ascii_digit() {
            // The digits, and the lengths of their groups: the closed ones in `lens`, the
            // open one in `cur` (no list at all for a number without separators).
            let mut int = String::with_capacity(16);
            let mut lens: Vec<usize> = Vec::new();
            let mut cur = 0usize;
            let mut j = i;
            loop {
                match chars.get(j) {
                    Some((_, d)) if d.is_ascii_digit() => {
                        int.push(*d);
                        cur += 1;
                        j += 1;
                    }
                    Some((_, s)) if SEPARATORS.contains(s) => {
                        if chars.get(j + 1).is_some_and(|c| c.1.is_ascii_digit()) {
                            lens.push(std::mem::take(&mut cur));
                            j += 1;
                        } else {
                            break;
                        }
                    }
                    // A plain space groups only before exactly three digits (`14 000`).
                    Some((_, ' ')) => {
                        let three =
                            (1..=3).all(|k| chars.get(j + k).is_some_and(|c| c.1.is_ascii_digit()));
                        let fourth = chars.get(j + 4).is_some_and(|c| c.1.is_ascii_digit());
                        let first = lens.first().copied().unwrap_or(cur);
                        let later_threes =
                            lens.iter().skip(1).all(|l| *l == 3) && (lens.is_empty() || cur == 3);
                        if three && !fourth && later_threes && first <= 3 {
                            lens.push(std::mem::take(&mut cur));
                            j += 1;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            let mut frac = String::new();
            if chars.get(j).is_some_and(|c| c.1 == '.')
                && chars.get(j + 1).is_some_and(|c| c.1.is_ascii_digit())
            {
                frac.reserve(chars.len() - j);
                j += 1;
                while let Some((_, d)) = chars.get(j).filter(|c| c.1.is_ascii_digit()) {
                    frac.push(*d);
                    j += 1;
                }
            }
            let span = start..end_of(j);
            if !lens.is_empty() {
                lens.push(cur);
                let western = (1..=3).contains(&lens[0]) && lens[1..].iter().all(|l| *l == 3);
                let n = lens.len();
                let indian = n >= 3
                    && (1..=2).contains(&lens[0])
                    && lens[1..n - 1].iter().all(|l| *l == 2)
                    && lens[n - 1] == 3;
                if !western && !indian {
                    return Err(werr(
                        text,
                        span,
                        "digit groups of three after each separator (or Indian grouping such as 27,00,000)",
                    ));
                }
            }
            // An attached suffix: `1.2k`, `3m`, `2bn`.
            let mut exp = 0;
            let mut k = j;
            if chars.get(k).is_some_and(|c| c.1.is_ascii_alphabetic()) {
                while chars.get(k).is_some_and(|c| c.1.is_ascii_alphanumeric()) {
                    k += 1;
                }
            }
            let mut end = j;
            if k > j {
                let word = &lower[chars[j].0..end_of(k)];
                match suffix_exp(word) {
                    Some(e) => {
                        exp = e;
                        end = k;
                    }
                    None => {
                        return Err(werr(
                            text,
                            chars[j].0..end_of(k),
                            "a space after the number, or a multiplier suffix (k, m, bn)",
                        ));
                    }
                }
            }
            toks.push(Tok {
                kind: Kind::Num { int, frac, exp },
                span: start..end_of(end),
            });
            i = end;
            continue;
        }
        if ch == '½' || ch == '¼' {
            toks.push(Tok {
                kind: Kind::Word(if ch == '½' { "half" } else { "quarter" }.to_string()),
                span: start..end_of(i + 1),
            });
            i += 1;
            continue;
        }
        if ch.is_alphabetic() {
            let mut j = i;
            while chars
                .get(j)
                .is_some_and(|c| c.1.is_alphabetic() || c.1 == '\'')
            {
                j += 1;
            }
            let mut word = lower[start..end_of(j)].to_string();
            // Abbreviations keep their full stop: `approx.`, `c.`, `ca.`, `est.`.
            if chars.get(j).is_some_and(|c| c.1 == '.')
                && matches!(word.as_str(), "approx" | "c" | "ca" | "est")
            {
                j += 1;
                word.push('.');
            }
            toks.push(Tok {
                kind: Kind::Word(word),
                span: start..end_of(j),
            });
            i = j;
            continue;
        }
        let next = |k: usize| chars.get(i + k).map(|c| c.1);
        let (sym, len) = if ch == '>' && next(1) == Some('=') {
            (">=", 2)
        } else if ch == '<' && next(1) == Some('=') {
            ("<=", 2)
        } else if ch == '+' && next(1) == Some('/') && next(2) == Some('-') {
            ("±", 3)
        } else {
            let s = match ch {
                '~' => "~",
                '≈' => "≈",
                '≥' => ">=",
                '≤' => "<=",
                '>' => ">",
                '<' => "<",
                '+' => "+",
                '±' => "±",
                '-' | '−' | '‐' => "-",
                '–' | '—' => "–",
                '(' | '[' => "(",
                ')' | ']' => ")",
                '%' => "%",
                ',' => ",",
                ';' => ";",
                ':' => ":",
                _ => return Err(werr(text, start..end_of(i + 1), "a number or a hedge word")),
            };
            (s, 1)
        };
        toks.push(Tok {
            kind: Kind::Sym(sym),
            span: start..end_of(i + len),
        });
        i += len;
    }
    Ok(toks)
}

/// Prefix hedges, longest first within each first word.
const PREFIXES: &[(&[&str], Hedge)] = &[
    (&["as", "high", "as"], Hedge::AtMost),
    (&["as", "much", "as"], Hedge::AtMost),
    (&["well", "over"], Hedge::MoreThan),
    (&["well", "above"], Hedge::MoreThan),
    (&["well", "in", "excess", "of"], Hedge::MoreThan),
    (&["far", "more", "than"], Hedge::MoreThan),
    (&["exceeding"], Hedge::MoreThan),
    (&["exceeds"], Hedge::MoreThan),
    (&["a", "minimum", "estimate", "of"], Hedge::AtLeast),
    (&["minimum", "estimate", "of"], Hedge::AtLeast),
    (&["minimum", "of"], Hedge::AtLeast),
    (&["just", "more", "than"], Hedge::JustOver),
    (&["slightly", "more", "than"], Hedge::JustOver),
    (&["slightly", "over"], Hedge::JustOver),
    (&["slightly", "above"], Hedge::JustOver),
    (&["slightly", "less", "than"], Hedge::Nearly),
    (&["slightly", "under"], Hedge::Nearly),
    (&["exactly"], Hedge::Exactly),
    (&["precisely"], Hedge::Exactly),
    (&["an", "estimated"], Hedge::Approximately),
    (&["approximately"], Hedge::Approximately),
    (&["approx."], Hedge::Approximately),
    (&["approx"], Hedge::Approximately),
    (&["about"], Hedge::Approximately),
    (&["around"], Hedge::Approximately),
    (&["roughly"], Hedge::Approximately),
    (&["some"], Hedge::Approximately),
    (&["estimated"], Hedge::Approximately),
    (&["est."], Hedge::Approximately),
    (&["circa"], Hedge::Approximately),
    (&["c."], Hedge::Approximately),
    (&["ca."], Hedge::Approximately),
    (&["~"], Hedge::Approximately),
    (&["≈"], Hedge::Approximately),
    (&["closer", "to"], Hedge::CloserTo),
    (&["close", "to"], Hedge::CloserTo),
    (&["more", "than"], Hedge::MoreThan),
    (&["greater", "than"], Hedge::MoreThan),
    (&["just", "over"], Hedge::JustOver),
    (&["just", "above"], Hedge::JustOver),
    (&["over"], Hedge::MoreThan),
    (&["above"], Hedge::MoreThan),
    (&["in", "excess", "of"], Hedge::MoreThan),
    (&["upwards", "of"], Hedge::MoreThan),
    (&["upward", "of"], Hedge::MoreThan),
    (&[">"], Hedge::MoreThan),
    (&["at", "least"], Hedge::AtLeast),
    (&["no", "fewer", "than"], Hedge::AtLeast),
    (&["no", "less", "than"], Hedge::AtLeast),
    (&["not", "less", "than"], Hedge::AtLeast),
    (&["a", "minimum", "of"], Hedge::AtLeast),
    (&[">="], Hedge::AtLeast),
    (&["less", "than"], Hedge::LessThan),
    (&["fewer", "than"], Hedge::LessThan),
    (&["under"], Hedge::LessThan),
    (&["below"], Hedge::LessThan),
    (&["<"], Hedge::LessThan),
    (&["at", "most"], Hedge::AtMost),
    (&["no", "more", "than"], Hedge::AtMost),
    (&["not", "more", "than"], Hedge::AtMost),
    (&["up", "to"], Hedge::AtMost),
    (&["as", "many", "as"], Hedge::AtMost),
    (&["a", "maximum", "of"], Hedge::AtMost),
    (&["<="], Hedge::AtMost),
    (&["nearly"], Hedge::Nearly),
    (&["almost"], Hedge::Nearly),
    (&["just", "under"], Hedge::Nearly),
    (&["just", "below"], Hedge::Nearly),
    (&["just", "shy", "of"], Hedge::Nearly),
    (&["an", "additional"], Hedge::Bare),
    (&["additional"], Hedge::Bare),
    (&["a", "further"], Hedge::Bare),
    (&["another"], Hedge::Bare),
    (&["a", "total", "of"], Hedge::Bare),
    (&["a", "reported"], Hedge::Bare),
    (&["just"], Hedge::Bare),
    (&["only"], Hedge::Bare),
];

const SPELLED: &[(&str, u64)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// The largest magnitude word chain read (`millions of billions` is 1e15; a chain of
/// fifty `of millions` is refused rather than read as infinity).
const MAX_MAGNITUDE: f64 = 1e300;

/// Whether a number token has a non-zero digit (so that reading it as 0 would be an
/// underflow, not a zero).
fn tok_digits_nonzero(kind: &Kind) -> bool {
    match kind {
        Kind::Num { int, frac, .. } => int
            .bytes()
            .chain(frac.bytes())
            .any(|b| (b'1'..=b'9').contains(&b)),
        _ => false,
    }
}

/// Words that open a range, and whether they take `and` (`between`) or only `to`.
const RANGE_OPENERS: &[(&[&str], bool)] = &[
    (&["somewhere", "between"], true),
    (&["anywhere", "between"], true),
    (&["between"], true),
    (&["ranged", "from"], false),
    (&["ranging", "from"], false),
    (&["ranges", "from"], false),
    (&["anywhere", "from"], false),
    (&["from"], false),
];

/// Plural magnitude words and their scale.
fn plural_scale(w: &str) -> Option<f64> {
    Some(match w {
        "dozens" => 12.0,
        "scores" => 20.0,
        "tens" => 10.0,
        "hundreds" => 100.0,
        "thousands" => 1e3,
        "lakhs" => 1e5,
        "millions" => 1e6,
        "crores" => 1e7,
        "billions" => 1e9,
        _ => return None,
    })
}

/// Whether a word is part of a number (a spelled number, a multiplier or a magnitude):
/// such a word after the figure would change the reading, so it is never a unit word
/// (`a dozen dozen` is refused, not read as 12 "dozen").
fn is_number_word(w: &str) -> bool {
    SPELLED.iter().any(|(s, _)| *s == w)
        || suffix_exp(w).is_some()
        || plural_scale(w).is_some()
        || matches!(w, "dozen" | "score" | "half" | "quarter" | "hundreds")
}

/// Words that may not appear in a trailing unit phrase: they would change the reading.
const RESERVED: &[&str] = &[
    "more",
    "less",
    "fewer",
    "than",
    "about",
    "approximately",
    "around",
    "roughly",
    "over",
    "under",
    "above",
    "below",
    "between",
    "to",
    "and",
    "or",
    "least",
    "most",
    "nearly",
    "almost",
    "exactly",
    "plus",
    "minus",
    "up",
    "some",
    "several",
    "few",
];

/// A number read from tokens: value, granularity, whether a word multiplier followed it.
#[derive(Debug, Clone, Copy)]
struct Number {
    x: f64,
    u: f64,
    multiplied: bool,
    exp: i32,
    end: usize,
    /// Significant digits as written (trailing zeros of a whole number not counted).
    sig: u32,
    /// `a couple of hundred`: an approximate figure by its words.
    approximate: bool,
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Tok],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + k)
    }

    fn word(&self, k: usize) -> Option<&str> {
        match self.peek(k) {
            Some(Tok {
                kind: Kind::Word(w),
                ..
            }) => Some(w),
            Some(Tok {
                kind: Kind::Sym(s), ..
            }) => Some(s),
            _ => None,
        }
    }

    fn end_span(&self) -> Range<usize> {
        self.text.len()..self.text.len()
    }

    fn here(&self) -> Range<usize> {
        self.peek(0)
            .map_or_else(|| self.end_span(), |t| t.span.clone())
    }

    fn err(&self, expected: &str) -> Error {
        werr(self.text, self.here(), expected)
    }

    fn phrase(&mut self) -> Result<Phrase> {
        if self.tokens.is_empty() {
            return Err(werr(
                self.text,
                0..0,
                "a number, a hedged number or a range",
            ));
        }
        if let Some(p) = self.band()? {
            return Ok(p);
        }
        if let Some(p) = self.magnitude()? {
            return Ok(p);
        }
        let mut hedge = None;
        let mut between = false;
        let mut from = false;
        for (words, h) in PREFIXES {
            if words
                .iter()
                .enumerate()
                .all(|(k, w)| self.word(k) == Some(*w))
            {
                // `some` is an approximator only before a number.
                hedge = Some(*h);
                self.pos += words.len();
                break;
            }
        }
        if hedge.is_none() {
            for (words, is_between) in RANGE_OPENERS {
                if words
                    .iter()
                    .enumerate()
                    .all(|(k, w)| self.word(k) == Some(*w))
                {
                    between = *is_between;
                    from = !*is_between;
                    self.pos += words.len();
                    break;
                }
            }
        }
        let after = |p: &Parser<'_>| match p.pos.checked_sub(1).and_then(|i| p.tokens.get(i)) {
            Some(t) => format!("a number after `{}`", &p.text[t.span.clone()]),
            None => "a number".to_string(),
        };
        // The message is spelt out only when it is needed: `number` leaves the position
        // where it was when it finds no number.
        let Some(first) = self.number()? else {
            return Err(self.err(&after(self)));
        };
        if between || from {
            let sep_ok = match self.word(0) {
                Some("and") => between,
                Some("to" | "-" | "–") => true,
                _ => false,
            };
            if !sep_ok {
                return Err(self.err(if between {
                    "`and`, `to` or a dash"
                } else {
                    "`to` or a dash"
                }));
            }
            self.pos += 1;
            // `between 30,000 and over 40,000`: the upper end is itself a floor.
            let open_top = [&["over"][..], &["more", "than"], &["above"]]
                .iter()
                .find(|ws| ws.iter().enumerate().all(|(k, w)| self.word(k) == Some(*w)))
                .map(|ws| ws.len());
            if let Some(n) = open_top {
                self.pos += n;
            }
            let Some(second) = self.number()? else {
                return Err(self.err(&after(self)));
            };
            if open_top.is_some() {
                let Phrase::Range { x, y } = self.range(first, second)? else {
                    // Unreachable: `range` returns `Phrase::Range` or an error, never another phrase.
                    unreachable!("range() returns a Range")
                };
                return Ok(Phrase::OpenRange { x, y, u: second.u });
            }
            return self.range(first, second);
        }
        let hedge_given = hedge.is_some();
        let mut hedge = hedge.unwrap_or(if first.approximate {
            Hedge::Approximately
        } else {
            Hedge::Bare
        });
        // Ranges without `between`: `x to y`, `x-y`, `x–y`; after an approximator, a hedged
        // range (`about 30,000 to 60,000`).
        if matches!(self.word(0), Some("to" | "-" | "–"))
            && matches!(
                self.peek(1).map(|t| &t.kind),
                Some(Kind::Num { .. } | Kind::Word(_))
            )
        {
            let save = self.pos;
            let sep = self.here();
            self.pos += 1;
            if let Some(second) = self.number()? {
                return match hedge {
                    Hedge::Bare if !first.approximate => self.range(first, second),
                    Hedge::Approximately => match self.range(first, second)? {
                        Phrase::Range { x, y } => Ok(Phrase::HedgedRange { x, y }),
                        other => Ok(other),
                    },
                    _ => Err(werr(
                        self.text,
                        sep,
                        "no bound hedge before a range (write the range alone, or `about x to y`)",
                    )),
                };
            }
            self.pos = save;
        }
        // `x ± d`, `x ± p%`.
        if self.word(0) == Some("±") {
            self.pos += 1;
            let Some(d) = self.number()? else {
                return Err(self.err("a number after `±`"));
            };
            let d = if self.word(0) == Some("%") {
                self.pos += 1;
                first.x.abs() * d.x.abs() / 100.0
            } else {
                d.x.abs()
            };
            if hedge_given && hedge != Hedge::Bare {
                return Err(werr(
                    self.text,
                    self.tokens[self.pos - 1].span.clone(),
                    "no hedge before `±`",
                ));
            }
            return Ok(Phrase::PlusMinus { x: first.x, d });
        }
        // Stated uncertainty: `x (95% CI a–b)`, `x (a to b)`, `x (range a–b)`.
        if self.word(0) == Some("(") {
            if !matches!(hedge, Hedge::Bare | Hedge::Approximately) {
                return Err(self.err("a stated interval only after a plain or estimated figure"));
            }
            return self.stated(first);
        }
        // `300-odd`, `300 odd`.
        let odd = match (self.word(0), self.word(1)) {
            (Some("-"), Some("odd")) => Some(2),
            (Some("odd"), _) => Some(1),
            _ => None,
        };
        if let Some(n) = odd {
            if hedge_given && hedge != Hedge::Bare {
                return Err(self.err("no hedge before `-odd`"));
            }
            self.pos += n;
            return Ok(Phrase::Odd {
                x: first.x,
                u: first.u,
            });
        }
        // Suffix hedges: `x+`, `x-plus`, `x plus`, `x or more`, `x or less`, `x or so`.
        let suffix = match (self.word(0), self.word(1)) {
            (Some("+"), _) => Some((Hedge::MoreThan, 1)),
            (Some("-"), Some("plus")) => Some((Hedge::MoreThan, 2)),
            (Some("plus"), _) => Some((Hedge::MoreThan, 1)),
            (Some("or"), Some("more")) => Some((Hedge::AtLeast, 2)),
            (Some("or"), Some("less" | "fewer")) => Some((Hedge::AtMost, 2)),
            (Some("or"), Some("so")) => Some((Hedge::Approximately, 2)),
            _ => None,
        };
        if let Some((h, n)) = suffix {
            if hedge_given && hedge != Hedge::Bare {
                return Err(self.err("one hedge only (a prefix or a suffix, not both)"));
            }
            hedge = h;
            self.pos += n;
        }
        Ok(Phrase::Single {
            hedge,
            x: first.x,
            u: first.u,
            sig: first.sig,
        })
    }

    /// The parenthesis after a figure: `(95% CI 793–8,498)`, `(95% UI, 13.3 to 16.6
    /// million)`, `(1,000–5,000)`, `(range 300 to 400)`.
    fn stated(&mut self, first: Number) -> Result<Phrase> {
        self.pos += 1; // `(`
        let mut level = None;
        if let (
            Some(Tok {
                kind: Kind::Num { .. },
                ..
            }),
            Some("%"),
        ) = (self.peek(0), self.word(1))
        {
            let Some(l) = self.number()? else {
                return Err(self.err("a coverage level such as `95%`"));
            };
            self.pos += 1; // `%`
            if !(l.x > 0.0 && l.x < 100.0) {
                return Err(werr(
                    self.text,
                    self.tokens[self.pos - 2].span.clone(),
                    "a coverage level between 0 and 100 %",
                ));
            }
            level = Some(l.x / 100.0);
        }
        let labels: [&[&str]; 8] = [
            &["ci"],
            &["ui"],
            &["cri"],
            &["confidence", "interval"],
            &["uncertainty", "interval"],
            &["credible", "interval"],
            &["range"],
            &["range", "of"],
        ];
        if let Some(ws) = labels
            .iter()
            .rev()
            .find(|ws| ws.iter().enumerate().all(|(k, w)| self.word(k) == Some(*w)))
        {
            self.pos += ws.len();
        } else if level.is_some() {
            return Err(self.err("`CI`, `UI` or `range` after the level"));
        }
        while matches!(self.word(0), Some("," | ":" | ";")) {
            self.pos += 1;
        }
        let Some(lo) = self.number()? else {
            return Err(self.err("the lower end of the stated interval"));
        };
        if !matches!(self.word(0), Some("to" | "-" | "–")) {
            return Err(self.err("`to` or a dash between the ends of the stated interval"));
        }
        self.pos += 1;
        let Some(hi) = self.number()? else {
            return Err(self.err("the upper end of the stated interval"));
        };
        if self.word(0) != Some(")") {
            return Err(self.err("`)` closing the stated interval"));
        }
        self.pos += 1;
        let Phrase::Range { x: lo, y: hi } = self.range(lo, hi)? else {
            // Unreachable: `range` returns `Phrase::Range` or an error, never another phrase.
            unreachable!("range() returns a Range")
        };
        if !(lo <= first.x && first.x <= hi) {
            return Err(werr(
                self.text,
                0..self.tokens[self.pos - 1].span.end,
                "a figure inside its stated interval",
            ));
        }
        Ok(Phrase::Stated {
            x: first.x,
            lo,
            hi,
            level,
        })
    }

    /// `the low thousands`, `in the mid hundreds`, `the high thousands`.
    fn band(&mut self) -> Result<Option<Phrase>> {
        let start = self.pos;
        if self.word(0) == Some("in") && self.word(1) == Some("the") {
            self.pos += 2;
        } else if self.word(0) == Some("the") {
            self.pos += 1;
        }
        let part = match self.word(0) {
            Some("low") => Band::Low,
            Some("mid" | "middle") => Band::Mid,
            Some("high") => Band::High,
            _ => {
                // `in the hundreds` is the plain magnitude.
                if self.pos > start && self.word(0).and_then(plural_scale).is_some() {
                    return self.magnitude();
                }
                self.pos = start;
                return Ok(None);
            }
        };
        self.pos += 1;
        let Some(s) = self.word(0).and_then(plural_scale) else {
            return Err(self.err("`hundreds`, `thousands` or `millions` after the band"));
        };
        self.pos += 1;
        Ok(Some(Phrase::Band { part, s }))
    }

    fn range(&self, mut first: Number, second: Number) -> Result<Phrase> {
        // `between 5 and 10 million`: the multiplier carries to a bare first number.
        if second.multiplied && !first.multiplied && first.exp == 0 {
            let scale = 10f64.powi(second.exp);
            first.x *= scale;
        }
        if first.x > second.x {
            return Err(werr(self.text, 0..second.end, "the lower number first"));
        }
        Ok(Phrase::Range {
            x: first.x,
            y: second.x,
        })
    }

    fn magnitude(&mut self) -> Result<Option<Phrase>> {
        let start = self.pos;
        let kind = match (self.word(0), self.word(1)) {
            (Some("several"), _) => {
                self.pos += 1;
                MagKind::Several
            }
            (Some("a"), Some("few")) => {
                self.pos += 2;
                MagKind::AFew
            }
            _ => MagKind::Plural,
        };
        if matches!(kind, MagKind::Plural) {
            let Some(mut s) = self.word(0).and_then(plural_scale) else {
                return Ok(None);
            };
            self.pos += 1;
            while self.word(0) == Some("of") {
                match self.word(1).and_then(plural_scale) {
                    Some(t) => {
                        s *= t;
                        self.pos += 2;
                    }
                    None => break,
                }
                if s > MAX_MAGNITUDE {
                    return Err(werr(
                        self.text,
                        self.tokens[start].span.start..self.tokens[self.pos - 1].span.end,
                        "a magnitude small enough to represent",
                    ));
                }
            }
            return Ok(Some(Phrase::Magnitude { kind, s }));
        }
        let mut s = 1.0;
        let mut any = false;
        while let Some(w) = self.word(0) {
            let f = match w {
                "dozen" | "dozens" => 12.0,
                "score" => 20.0,
                w => match suffix_exp(w) {
                    Some(e) => 10f64.powi(e),
                    None => break,
                },
            };
            s *= f;
            any = true;
            self.pos += 1;
            if s > MAX_MAGNITUDE {
                return Err(werr(
                    self.text,
                    self.tokens[start].span.start..self.tokens[self.pos - 1].span.end,
                    "a magnitude small enough to represent",
                ));
            }
        }
        if !any {
            let what =
                &self.text[self.tokens[start].span.start..self.tokens[self.pos - 1].span.end];
            return Err(self.err(&format!(
                "a multiplier (dozen, hundred, thousand, million) after `{what}`"
            )));
        }
        Ok(Some(Phrase::Magnitude { kind, s }))
    }

    /// Reads a number (digits or spelled), with an optional sign and word multipliers.
    fn number(&mut self) -> Result<Option<Number>> {
        let start = self.pos;
        let mut negative = false;
        if let (
            Some(Tok {
                kind: Kind::Sym("-"),
                span: s,
            }),
            Some(Tok {
                kind: Kind::Num { .. },
                span: n,
            }),
        ) = (self.peek(0), self.peek(1))
            && s.end == n.start
        {
            negative = true;
            self.pos += 1;
        }
        let tokens = self.tokens;
        let Some(tok) = tokens.get(self.pos) else {
            self.pos = start;
            return Ok(None);
        };
        let mut approximate = false;
        let is_multiplier = |m: &str| m == "dozen" || suffix_exp(m).is_some();
        let (int, frac, mut exp, mut multiplied, spelled) = match &tok.kind {
            Kind::Num { int, frac, exp } => (
                Cow::Borrowed(int.as_str()),
                Cow::Borrowed(frac.as_str()),
                *exp,
                *exp != 0,
                false,
            ),
            Kind::Word(w) => {
                // Fractions of a round word: `half a million`, `½ million`, `a quarter of a
                // million`; written as digits of the fraction times the multiplier.
                let fraction = match (w.as_str(), self.word(1), self.word(2), self.word(3)) {
                    ("half", Some("a" | "an"), Some(m), _) if is_multiplier(m) => Some(("5", 2)),
                    ("half", Some(m), _, _) if is_multiplier(m) => Some(("5", 1)),
                    ("a", Some("quarter"), Some("of"), Some("a" | "an")) => {
                        self.word(4).filter(|m| is_multiplier(m)).map(|_| ("25", 4))
                    }
                    ("quarter", Some(m), _, _) if is_multiplier(m) => Some(("25", 1)),
                    _ => None,
                };
                // `a couple of hundred`, `a couple hundred`: two, approximately.
                let couple = match (w.as_str(), self.word(1), self.word(2), self.word(3)) {
                    ("a", Some("couple"), Some("of"), Some(m)) if is_multiplier(m) => Some(3),
                    ("a", Some("couple"), Some(m), _) if is_multiplier(m) => Some(2),
                    _ => None,
                };
                if let Some((digits, words)) = fraction {
                    // One digit of `5` or two of `25` below the multiplier that follows.
                    self.pos += words - 1;
                    let shift = -(digits.len() as i32);
                    (Cow::Borrowed(digits), Cow::Borrowed(""), shift, true, true)
                } else if let Some(words) = couple {
                    approximate = true;
                    self.pos += words - 1;
                    (Cow::Borrowed("2"), Cow::Borrowed(""), 0, false, true)
                } else if SPELLED.iter().any(|(s, _)| s == w) {
                    let (value, exp) = self.spelled()?;
                    // `spelled` consumed the words; the shared `pos += 1` below must not
                    // skip one more.
                    self.pos -= 1;
                    (
                        Cow::Owned(value.to_string()),
                        Cow::Borrowed(""),
                        exp,
                        exp != 0,
                        true,
                    )
                } else if (w == "a" || w == "an")
                    && self
                        .word(1)
                        .is_some_and(|m| m == "dozen" || suffix_exp(m).is_some())
                {
                    (Cow::Borrowed("1"), Cow::Borrowed(""), 0, false, true)
                } else {
                    self.pos = start;
                    return Ok(None);
                }
            }
            Kind::Sym(_) => {
                self.pos = start;
                return Ok(None);
            }
        };
        self.pos += 1;
        let mut dozen = false;
        while let Some(w) = self.word(0) {
            if w == "dozen" && !dozen {
                dozen = true;
            } else if let Some(e) = suffix_exp(w) {
                exp += e;
            } else {
                break;
            }
            multiplied = true;
            self.pos += 1;
        }
        let end = self.tokens[self.pos - 1].span.end;
        if int.len() > 30 {
            return Err(werr(
                self.text,
                tok.span.clone(),
                "a number of at most 30 digits",
            ));
        }
        // Whole numbers: trailing zeros are not significant.
        let (u_exp, x) = {
            if frac.is_empty() {
                let tz = int.trim_start_matches('0').len()
                    - int.trim_start_matches('0').trim_end_matches('0').len();
                let tz = if int.trim_start_matches('0').is_empty() {
                    0
                } else {
                    tz as i32
                };
                (exp + tz, decimal(&int, "", exp))
            } else {
                (exp - frac.len() as i32, decimal(&int, &frac, exp))
            }
        };
        // Significant digits: leading zeros never count; a whole number's trailing zeros
        // do not either (46,006 has five, 76,000 two).
        let sig = significant_digits(&int, &frac) as u32;
        let mut x: f64 = x.ok_or_else(|| werr(self.text, tok.span.clone(), "a number"))?;
        let mut u: f64 = match power_of_ten(u_exp) {
            Some(u) => u,
            None => format!("1e{u_exp}")
                .parse()
                .map_err(|_| werr(self.text, tok.span.clone(), "a number"))?,
        };
        if dozen {
            x *= 12.0;
            if !spelled || u_exp > 0 {
                u *= 12.0;
            }
        }
        let nonzero_digits = tok_digits_nonzero(&tok.kind);
        if !x.is_finite()
            || !u.is_finite()
            || x.abs() > 1e300
            || u == 0.0
            || (x == 0.0 && nonzero_digits)
        {
            return Err(werr(
                self.text,
                tok.span.clone(),
                "a number neither too large nor too small to represent (at most 1e300, at least 1e-300)",
            ));
        }
        if negative {
            x = -x;
        }
        Ok(Some(Number {
            x,
            u,
            multiplied,
            exp,
            end,
            sig,
            approximate,
        }))
    }

    /// Reads a whole spelled number from the current word: units, teens and tens
    /// (`twenty one`, `twenty-one`), `hundred` (`nine hundred ninety nine`, `one hundred
    /// and five`) and the scale words (`two million five hundred thousand`). Returns the
    /// value as `m · 10^e`, with e the power of the last word when it is a multiplier
    /// (`ten million` = 10 · 10⁶), so that `between five and ten million` carries the
    /// multiplier to the first number as it does for digits. A word that cannot continue the number
    /// ends it; a number word that breaks the grammar (`five six`, `thousand thousand`) is
    /// an error at that word, never a reading of the prefix.
    fn spelled(&mut self) -> Result<(u128, i32)> {
        let value_of = |w: &str| SPELLED.iter().find(|(s, _)| *s == w).map(|(_, v)| *v);
        let (mut total, mut current): (u128, u128) = (0, 0);
        // What the last word allows next: a unit after a bare tens word.
        let mut last_scale = u128::MAX;
        let mut any_in_group = false;
        let mut last_exp = 0;
        loop {
            let here = self.here();
            let Some(w) = self.word(0).map(str::to_string) else {
                break;
            };
            if let Some(v) = value_of(&w) {
                let v = u128::from(v);
                let fits =
                    current % 100 == 0 || (current % 100 >= 20 && current % 10 == 0 && v < 10);
                if any_in_group && !fits {
                    return Err(werr(
                        self.text,
                        here,
                        "a spelled number in order (`twenty one`, not `five six`)",
                    ));
                }
                current += v;
                any_in_group = true;
                last_exp = 0;
                self.pos += 1;
                // `twenty-one`: a hyphen joining a tens word to a unit, with no spaces.
                if (20..100).contains(&v)
                    && v % 10 == 0
                    && let (
                        Some(Tok {
                            kind: Kind::Sym("-"),
                            span: dash,
                        }),
                        Some(Tok {
                            kind: Kind::Word(unit),
                            span: next,
                        }),
                    ) = (self.peek(0), self.peek(1))
                    && self.tokens[self.pos - 1].span.end == dash.start
                    && dash.end == next.start
                    && let Some(u) = value_of(unit).filter(|u| (1..10).contains(u))
                {
                    current += u128::from(u);
                    self.pos += 2;
                }
                continue;
            }
            if w == "and" && any_in_group && current >= 100 && current % 100 == 0 {
                // `one hundred and five`: `and` only inside a hundred group, before a number.
                if self.word(1).is_some_and(|n| value_of(n).is_some()) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            if w == "hundred" {
                if !any_in_group || current == 0 || current >= 100 {
                    return Err(werr(
                        self.text,
                        here,
                        "a number from one to ninety-nine before `hundred`",
                    ));
                }
                current *= 100;
                last_exp = 2;
                self.pos += 1;
                continue;
            }
            let (scale, exp): (u128, i32) = match w.as_str() {
                "thousand" => (1_000, 3),
                "million" => (1_000_000, 6),
                "billion" => (1_000_000_000, 9),
                "trillion" => (1_000_000_000_000, 12),
                _ => break,
            };
            if !any_in_group || current == 0 {
                return Err(werr(self.text, here, "a number before the scale word"));
            }
            if scale >= last_scale {
                return Err(werr(
                    self.text,
                    here,
                    "scale words from the largest down (`two million five hundred thousand`)",
                ));
            }
            total += current * scale;
            current = 0;
            any_in_group = false;
            last_scale = scale;
            last_exp = exp;
            self.pos += 1;
        }
        let value = total + current;
        Ok((value / 10u128.pow(last_exp.unsigned_abs()), last_exp))
    }

    /// The unit phrase after the figure: plain words only.
    fn unit_phrase(&mut self) -> Result<Option<String>> {
        let start = self.pos;
        while let Some(t) = self.peek(0) {
            match &t.kind {
                Kind::Word(w) if !RESERVED.contains(&w.as_str()) && !is_number_word(w) => {
                    self.pos += 1;
                }
                Kind::Word(_) => {
                    return Err(
                        self.err("a unit word, or the end (this word would change the reading)")
                    );
                }
                _ => return Err(self.err("the end, or a unit word")),
            }
        }
        if self.pos == start {
            return Ok(None);
        }
        let span = self.tokens[start].span.start..self.tokens[self.pos - 1].span.end;
        Ok(Some(self.text[span].to_string()))
    }
}

/// The significant digits of a number written `int.frac`: leading zeros never count, and
/// a whole number's trailing zeros do not either (46,006 has five, 76,000 two, 0.050 two).
fn significant_digits(int: &str, frac: &str) -> usize {
    let t = int.trim_start_matches('0');
    if frac.is_empty() {
        t.trim_end_matches('0').len()
    } else if t.is_empty() {
        // The leading zeros run on into the fraction.
        frac.trim_start_matches('0').len()
    } else {
        t.len() + frac.len()
    }
}

/// 10^e as `"1e{e}".parse::<f64>()` reads it, for |e| ≤ 22 without the text: 10^0 … 10^22
/// are exact in `f64`, so 10^e is exact and 10^−e = 1 / 10^e is the correctly rounded
/// quotient of exact numbers, as the parser rounds (a test holds every e to the parser).
fn power_of_ten(e: i32) -> Option<f64> {
    let p = *EXACT_POWERS.get(e.unsigned_abs() as usize)?;
    Some(if e < 0 { 1.0 / p } else { p })
}

/// The powers of ten a double holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `int.frac × 10^exp` (ASCII digits) as `str::parse` reads the text `{int}.{frac}e{exp}`,
/// correctly rounded; `None` where that text does not parse. With at most 15 digits
/// (below 2⁵³) and a power of ten a double holds exactly (10^±22 at most), the digits
/// and the power are exact and one multiplication or division rounds correctly (Clinger's
/// fast path: W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990),
/// with no text formatted; otherwise the text is formatted and parsed.
fn decimal(int: &str, frac: &str, exp: i32) -> Option<f64> {
    let shift = i32::try_from(frac.len()).ok()?;
    if let Some(e) = exp.checked_sub(shift)
        && int.len() + frac.len() <= 15
        && let Some(&p) = EXACT_POWERS.get(e.unsigned_abs() as usize)
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        let m = int
            .bytes()
            .chain(frac.bytes())
            .fold(0u64, |m, b| m * 10 + u64::from(b - b'0')) as f64;
        return Some(if e < 0 { m / p } else { m * p });
    }
    let text = if frac.is_empty() {
        format!("{int}e{exp}")
    } else {
        format!("{int}.{frac}e{exp}")
    };
    text.parse().ok()
}

#[cfg(test)]
mod tests {

    /// The fast path gives `str::parse`'s bits: digit strings of 1 to 17 digits (past
    /// the fast path's 15), with and without a fraction, every exponent from −30 to 30.
    #[test]
    fn decimal_is_parse_bit_for_bit() {
        let mut rng = crate::testing::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for case in 0..20_000u32 {
            let n = 1 + (next() % 17) as usize;
            let digits: String = (0..n)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let cut = (next() % (n as u64 + 1)) as usize;
            let (int, frac) = if case % 2 == 0 {
                (&digits[..], "")
            } else {
                digits.split_at(cut)
            };
            let int = if int.is_empty() { "0" } else { int };
            let exp = (next() % 61) as i32 - 30;
            let text = if frac.is_empty() {
                format!("{int}e{exp}")
            } else {
                format!("{int}.{frac}e{exp}")
            };
            let parsed: f64 = text.parse().unwrap();
            assert_eq!(
                super::decimal(int, frac, exp).map(f64::to_bits),
                Some(parsed.to_bits()),
                "{text}"
            );
        }
    }

    #[test]
    fn significant_digits_count_as_the_joined_digits_do() {
        let parts = ["", "0", "00", "1", "10", "012", "100", "0050", "123"];
        for int in parts {
            for frac in parts {
                let joined = if frac.is_empty() {
                    int.trim_start_matches('0').trim_end_matches('0').len()
                } else {
                    format!("{int}{frac}").trim_start_matches('0').len()
                };
                assert_eq!(significant_digits(int, frac), joined, "{int}.{frac}");
            }
        }
        assert_eq!(significant_digits("46006", ""), 5);
        assert_eq!(significant_digits("76000", ""), 2);
        assert_eq!(significant_digits("0", "050"), 2);
    }

    #[test]
    fn powers_of_ten_are_read_as_the_parser_reads_them() {
        for e in -400..=400 {
            let parsed: f64 = format!("1e{e}").parse().unwrap();
            if let Some(p) = power_of_ten(e) {
                assert_eq!(p.to_bits(), parsed.to_bits(), "1e{e}");
            } else {
                assert!(e.abs() > 22);
            }
        }
    }
    use super::*;

    fn read(s: &str) -> Estimate {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn seed_report_wordings() {
        let e = read("approximately 14,000");
        assert_eq!(e.plausible().to_string(), "[12,000, 16,000]");
        assert_eq!(e.central(), Some(14_000.0));
        let e = read("more than 76,000");
        assert_eq!(e.hard().to_string(), "(76,000, +∞)");
        assert_eq!(e.plausible().to_string(), "(76,000, 77,000]");
        let e = read("between 60,000 to 100,000");
        assert_eq!(e.plausible().to_string(), "[60,000, 100,000]");
        assert_eq!(
            read("an additional 3,000").plausible().to_string(),
            "[2,500, 3,500]"
        );
        assert_eq!(
            read("closer to 1,200").plausible().to_string(),
            "[1,100, 1,300]"
        );
        assert_eq!(
            read("7,700 units").reading().unwrap().unit_word(),
            Some("units")
        );
        assert_eq!(read("over 7,000").plausible().to_string(), "(7,000, 8,000]");
    }

    #[test]
    fn numbers_as_written() {
        for (s, x) in [
            ("14 000", 14_000.0),
            ("14_000", 14_000.0),
            ("1.2k", 1_200.0),
            ("1.5 million", 1.5e6),
            ("3m", 3e6),
            ("2 bn", 2e9),
            ("27,00,000", 2.7e6),
            ("2 lakh", 2e5),
            ("3 crore", 3e7),
            ("twelve hundred", 1_200.0),
            ("a dozen", 12.0),
            ("a thousand", 1_000.0),
            ("twenty", 20.0),
        ] {
            assert_eq!(read(s).reading().unwrap().numbers()[0], x, "{s}");
        }
        assert_eq!(
            read("2.5 million").reading().unwrap().granularity(),
            Some(100_000.0)
        );
    }

    #[test]
    fn errors_point_at_the_span() {
        let span = |s: &str| match s.parse::<Estimate>() {
            Err(Error::Wording { span, .. }) => span,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(span("about about 4,000"), 6..11);
        assert_eq!(span("between 5 and"), 13..13);
        assert_eq!(span("more than"), 9..9);
        assert_eq!(span("12,34,5"), 0..7);
        assert_eq!(span("1e999"), 1..5);
        assert_eq!(span(""), 0..0);
    }
}
