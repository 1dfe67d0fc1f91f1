//! The disagreement chart: an SVG forest plot of claims, with no JavaScript and no network.
//!
//! One row per claim, grouped by quantity: the hard interval as a thin line (an arrow where
//! it runs off the axis: unbounded, or 0 on a log axis), the plausible interval as a thick
//! bar, the central value as a dot, coloured by stance (the colour-blind-safe Okabe–Ito
//! palette); labels with id, sources and wording; the envelope, consensus and
//! best-supported region shaded behind; pooled estimates as diamonds with their intervals
//! at the bottom, as in a meta-analysis forest plot. Each quantity has its own axis, on a
//! log scale when its figures span more than a factor of 10 (overridable).
//!
//! Text is set in a monospace font, so every label's extent is known when it is placed;
//! labels wrap rather than run into the plot, and [`Chart::text_boxes`] returns every text
//! box drawn so that tests can check that none overlap.
//!
//! # Example
//!
//! ```
//! use crosscheck::{ClaimSet, Reconciler, chart::Chart};
//!
//! let set = ClaimSet::from_json_str(include_str!("../../examples/data/kursk.json"))?;
//! let r = Reconciler::new().reconcile(&set);
//! let svg = Chart::new(&r).to_svg();
//! assert!(svg.starts_with("<svg") && svg.contains("zelensky-casualties"));
//! Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write;

use crate::claim::Stance;
use crate::pool::PoolMethod;
use crate::reconcile::{QuantityReport, Reconciliation};

const FONT: f64 = 12.0;
const CHAR_W: f64 = FONT * 0.6;
const LINE_H: f64 = 15.0;
const WRAP: usize = 52;

/// A text box drawn on the chart: `(x, y, width, height)` of its extent, and its text.
pub type TextBox = (f64, f64, f64, f64, String);

/// The colour of a stance (Okabe & Ito 2008, colour-blind safe).
#[must_use]
pub fn stance_colour(s: Stance) -> &'static str {
    match s {
        Stance::Own => "#0072B2",
        Stance::Adversary => "#D55E00",
        Stance::Third => "#009E73",
        Stance::Unknown => "#6b6b6b",
        Stance::Mixed => "#CC79A7",
    }
}

/// A disagreement chart of one or more quantities.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    quantities: Vec<std::borrow::Cow<'a, QuantityReport>>,
    /// Narrowed plausible ranges by quantity id: (the range, the constraint).
    narrowed: Vec<(String, crate::Interval, String)>,
    log: Option<bool>,
    width: f64,
    legend: bool,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Compact tick labels: 1k, 2.5k, 10k, 1M.
#[must_use]
pub fn compact(x: f64) -> String {
    let (v, suffix) = match x.abs() {
        a if a >= 1e9 => (x / 1e9, "bn"),
        a if a >= 1e6 => (x / 1e6, "M"),
        a if a >= 1e3 => (x / 1e3, "k"),
        _ => (x, ""),
    };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{suffix}")
}

/// Wraps text at spaces into lines of at most `width` characters, cutting longer words.
/// Linear in the text: each character is looked at a bounded number of times.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0usize;
    for word in text.split(' ') {
        let mut chars = word.chars().peekable();
        let mut word_len = word.chars().count();
        // Cut a word longer than a line into whole lines of its own.
        while word_len > width {
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            }
            lines.push(chars.by_ref().take(width).collect());
            word_len -= width;
        }
        if line_len > 0 && line_len + 1 + word_len > width {
            lines.push(std::mem::take(&mut line));
            line_len = 0;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line.extend(chars);
        line_len += word_len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One quantity's axis.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    x0: f64,
    x1: f64,
}

impl Axis {
    /// The x position of a value; values off the axis (or not positive on a log axis) are
    /// pinned to its ends, so no coordinate is ever NaN or infinite.
    fn x(&self, v: f64) -> f64 {
        if v.is_nan() {
            return self.x0;
        }
        let v = v.clamp(self.lo, self.hi);
        let t = if self.log {
            (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        self.x0 + t.clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    fn inside(&self, v: f64) -> bool {
        v.is_finite() && v >= self.lo && v <= self.hi && (!self.log || v > 0.0)
    }

    /// Tick values, at most about a dozen on a linear axis and one per power of ten on a
    /// log axis (at most ~650: f64's range): every loop counts integers, so no axis, however
    /// narrow or wide, can make it run on.
    fn ticks(&self) -> Vec<f64> {
        if !(self.lo.is_finite() && self.hi.is_finite()) || self.hi < self.lo {
            return Vec::new();
        }
        if self.log {
            if self.lo <= 0.0 {
                return Vec::new();
            }
            let mut t = Vec::new();
            let first = self.lo.log10().floor() as i32;
            let last = self.hi.log10().ceil() as i32;
            for e in first..=last {
                for m in [1.0, 2.0, 5.0] {
                    let v = m * 10f64.powi(e);
                    if v.is_finite() && v >= self.lo && v <= self.hi {
                        t.push(v);
                    }
                }
            }
            // Keep the powers of ten when there are plenty.
            if t.iter()
                .filter(|v| (v.log10().round() - v.log10()).abs() < 1e-9)
                .count()
                >= 3
            {
                t.retain(|v| (v.log10().round() - v.log10()).abs() < 1e-9);
            }
            t
        } else {
            let span = self.hi - self.lo;
            let raw = span / 6.0;
            if !(raw.is_finite() && raw > 0.0) {
                return vec![self.lo];
            }
            let mag = 10f64.powf(raw.log10().floor());
            let step = [1.0, 2.0, 5.0, 10.0]
                .iter()
                .map(|m| m * mag)
                .find(|s| *s >= raw)
                .unwrap_or(10.0 * mag);
            let first = (self.lo / step).ceil();
            // Ticks a few ulps apart at a large magnitude would not advance: compute each
            // from its index, and stop at a fixed count.
            let mut t = Vec::new();
            for k in 0..=12 {
                let v = (first + f64::from(k)) * step;
                if v.is_nan() || v > self.hi + step * 1e-9 {
                    break;
                }
                let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                if t.last().is_none_or(|last| v > *last) {
                    t.push(v);
                }
            }
            t
        }
    }
}

/// The quantity with only its judged (current) claims: superseded claims and relays are
/// history, drawn in the [`TimeChart`], not rows of the disagreement chart.
fn judged_only(q: &QuantityReport) -> std::borrow::Cow<'_, QuantityReport> {
    use crate::time::ClaimStatus;
    if q.claims.iter().all(|c| c.status == ClaimStatus::Current) {
        std::borrow::Cow::Borrowed(q)
    } else {
        let mut owned = QuantityReport::clone(q);
        owned.claims.retain(|c| c.status == ClaimStatus::Current);
        std::borrow::Cow::Owned(owned)
    }
}

impl<'a> Chart<'a> {
    /// A chart of every quantity of a reconciliation.
    #[must_use]
    pub fn new(r: &'a Reconciliation) -> Chart<'a> {
        let mut quantities: Vec<std::borrow::Cow<'a, QuantityReport>> =
            r.quantities.iter().map(judged_only).collect();
        // Derived totals get a panel of their own: one bar, labelled as derived.
        quantities.extend(
            r.derived
                .iter()
                .filter_map(crate::reconcile::derived_report)
                .map(std::borrow::Cow::Owned),
        );
        let narrowed = r
            .constraints
            .iter()
            .flat_map(|c| {
                c.narrowed
                    .iter()
                    .map(move |(q, i)| (q.clone(), *i, c.id.clone()))
            })
            .collect();
        Chart {
            quantities,
            narrowed,
            log: None,
            width: 960.0,
            legend: true,
        }
    }

    /// A chart of one quantity.
    #[must_use]
    pub fn quantity(q: &'a QuantityReport) -> Chart<'a> {
        Chart {
            quantities: vec![judged_only(q)],
            narrowed: Vec::new(),
            log: None,
            width: 960.0,
            legend: true,
        }
    }

    /// Forces a log (`true`) or linear (`false`) axis; by default each quantity's axis is
    /// logarithmic exactly when its figures span more than a factor of 10.
    #[must_use]
    pub fn with_log_axis(mut self, log: bool) -> Chart<'a> {
        self.log = Some(log);
        self
    }

    /// Leaves out the legend (for a chart under another that has one).
    #[must_use]
    pub fn without_legend(mut self) -> Chart<'a> {
        self.legend = false;
        self
    }

    /// Sets the width in pixels (default 960; at least 600).
    #[must_use]
    pub fn with_width(mut self, width: f64) -> Chart<'a> {
        self.width = width.max(600.0);
        self
    }

    /// Whether a quantity's figures span more than a factor of 10 (the automatic log axis):
    /// the finite plausible bounds and central values, all positive.
    #[must_use]
    pub fn spans_more_than_tenfold(q: &QuantityReport) -> bool {
        let vals: Vec<f64> = figures(q, false);
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        min > 0.0 && max / min > 10.0
    }

    fn label(q: &QuantityReport, i: usize) -> String {
        let c = &q.claims[i];
        let wording = c
            .wording
            .as_ref()
            .map_or_else(|| c.plausible.to_string(), |w| format!("\"{w}\""));
        format!("{} · {} · {}", c.id, c.sources.join("+"), wording)
    }

    fn pooled_rows(q: &QuantityReport) -> Vec<(String, f64, Option<crate::Interval>)> {
        if q.claims.len() < 2 {
            return Vec::new();
        }
        let names = [
            (
                PoolMethod::Meta(crate::pool::meta::Method::Reml),
                "pooled: REML random effects",
            ),
            (
                PoolMethod::Meta(crate::pool::meta::Method::DerSimonianLaird),
                "pooled: DerSimonian–Laird",
            ),
            (PoolMethod::LinearPool, "pooled: linear opinion pool"),
            (PoolMethod::WeightedMedian, "pooled: weighted median"),
        ];
        names
            .iter()
            .filter_map(|(m, name)| {
                let p = q.pooled.get(m.key())?;
                Some((
                    format!("{name} {}", compact(p.value?)),
                    p.value?,
                    p.interval,
                ))
            })
            .collect()
    }

    /// Renders the SVG and the list of text boxes drawn.
    fn render(&self) -> (String, Vec<TextBox>) {
        let mut boxes: Vec<TextBox> = Vec::new();
        let mut body = String::new();
        let labels: Vec<Vec<Vec<String>>> = self
            .quantities
            .iter()
            .map(|q| {
                (0..q.claims.len())
                    .map(|i| wrap(&Self::label(q, i), WRAP))
                    .collect()
            })
            .collect();
        let longest = labels
            .iter()
            .flatten()
            .flatten()
            .map(|l| l.chars().count())
            .chain(self.quantities.iter().flat_map(|q| {
                Self::pooled_rows(q)
                    .into_iter()
                    .map(|p| p.0.chars().count())
            }))
            .max()
            .unwrap_or(10)
            .min(WRAP);
        let label_w = longest as f64 * CHAR_W + 16.0;
        let (x0, x1) = (label_w + 20.0, self.width - 30.0);
        let mut text =
            |body: &mut String, x: f64, y: f64, s: &str, attrs: &str, anchor_middle: bool| {
                let w = s.chars().count() as f64 * CHAR_W;
                let left = if anchor_middle { x - w / 2.0 } else { x };
                boxes.push((left, y - FONT * 0.8, w, FONT, s.to_string()));
                let anchor = if anchor_middle {
                    " text-anchor=\"middle\""
                } else {
                    ""
                };
                let _ = writeln!(
                    body,
                    "<text x=\"{x:.1}\" y=\"{y:.1}\"{anchor}{attrs}>{}</text>",
                    escape(s)
                );
            };

        // Legend: stances and shadings, laid out by measured widths.
        let mut y = if self.legend { 22.0 } else { 0.0 };
        if self.legend {
            // Two rows of swatches (stances, then shadings), flowing to the width.
            let stances = [
                Stance::Own,
                Stance::Adversary,
                Stance::Third,
                Stance::Unknown,
                Stance::Mixed,
            ]
            .map(|s| {
                (
                    stance_colour(s),
                    format!("{} figures", s.as_str()),
                    8.0,
                    "none",
                )
            });
            let shadings = [
                ("#ececec", "envelope (all claims)"),
                ("#b9e3c6", "consensus (all agree)"),
                ("#c6dbf3", "best supported"),
            ]
            .map(|(fill, name)| (fill, name.to_string(), 10.0, "#999"));
            for row in [stances.to_vec(), shadings.to_vec()] {
                let mut lx = 10.0;
                for (fill, name, h, stroke) in row {
                    if lx + 36.0 + name.len() as f64 * CHAR_W > self.width - 10.0 {
                        lx = 10.0;
                        y += 18.0;
                    }
                    let _ = writeln!(
                        body,
                        "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"14\" height=\"{h}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.5\"/>",
                        y - h + 1.0
                    );
                    text(&mut body, lx + 18.0, y, &name, "", false);
                    lx += 36.0 + name.len() as f64 * CHAR_W;
                }
                y += 20.0;
            }
            let legend = "thin line: what the words entail · bar: plausible reading · dot: central · diamond: pooled";
            for line in wrap(legend, ((self.width - 20.0) / CHAR_W) as usize) {
                text(&mut body, 10.0, y, &line, " fill=\"#555\"", false);
                y += 18.0;
            }
            y += 2.0;
        }
        for (qi, q) in self.quantities.iter().enumerate() {
            y += 14.0;
            let title = format!(
                "{} — {}{}{}",
                q.quantity,
                if q.description.is_empty() {
                    "(no description)"
                } else {
                    &q.description
                },
                if q.unit.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", q.unit)
                },
                if q.is_projection() {
                    " · PROJECTION"
                } else {
                    ""
                }
            );
            for line in wrap(&title, ((self.width - 20.0) / (CHAR_W * 1.1)) as usize) {
                text(&mut body, 10.0, y, &line, " font-weight=\"bold\"", false);
                y += 17.0;
            }
            let mut verdict = format!("verdict: {}", q.verdict.as_str());
            if let Some(sev) = q.severity {
                let _ = write!(verdict, " ({sev})");
            }
            let _ = write!(verdict, " · agreement {:.0}%", q.agreement * 100.0);
            if let Some(sp) = q.spread {
                let _ = write!(verdict, " · spread {sp:.2}×");
            }
            text(&mut body, 10.0, y, &verdict, " fill=\"#333\"", false);
            y += 12.0;

            let log = self.log.unwrap_or_else(|| Self::spans_more_than_tenfold(q));
            let vals = figures(q, true);
            let positive: Vec<f64> = vals.iter().copied().filter(|v| *v > 0.0).collect();
            let (mut lo, mut hi) = if log && !positive.is_empty() {
                (
                    positive.iter().copied().fold(f64::INFINITY, f64::min),
                    positive.iter().copied().fold(0.0, f64::max),
                )
            } else {
                (
                    vals.iter().copied().fold(f64::INFINITY, f64::min),
                    vals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            };
            let log = log && !positive.is_empty();
            if !lo.is_finite() || !hi.is_finite() {
                (lo, hi) = (0.0, 1.0);
            }
            if log {
                lo /= 1.25;
                hi *= 1.25;
            } else {
                let pad = if hi > lo {
                    (hi - lo) * 0.06
                } else {
                    lo.abs().max(1.0) * 0.1
                };
                lo -= pad;
                hi += pad;
            }
            // Padding may not carry an end past the largest finite number.
            (lo, hi) = (lo.max(-f64::MAX), hi.min(f64::MAX));
            let axis = Axis {
                lo,
                hi,
                log,
                x0,
                x1,
            };

            let pooled = Self::pooled_rows(q);
            let row_heights: Vec<f64> = labels[qi]
                .iter()
                .map(|l| (l.len() as f64 * LINE_H + 7.0).max(22.0))
                .collect();
            let rows_h: f64 = row_heights.iter().sum::<f64>() + pooled.len() as f64 * 22.0;
            let top = y;
            // Shading behind the rows.
            let shade = |body: &mut String, iv: &crate::Interval, fill: &str| {
                let a = if iv.inf().is_finite() && axis.inside(iv.inf()) {
                    axis.x(iv.inf())
                } else if iv.inf() > hi {
                    x1
                } else {
                    x0
                };
                let b = if iv.sup().is_finite() && axis.inside(iv.sup()) {
                    axis.x(iv.sup())
                } else if iv.sup() < lo {
                    x0
                } else {
                    x1
                };
                let _ = writeln!(
                    body,
                    "<rect x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{rows_h:.1}\" fill=\"{fill}\"/>",
                    (b - a).max(1.5)
                );
            };
            shade(&mut body, &q.envelope, "#ececec");
            for r in &q.best_supported {
                shade(&mut body, &r.interval, "#c6dbf3");
            }
            if let Some(c) = &q.consensus {
                shade(&mut body, c, "#b9e3c6");
            }
            // A range a constraint narrowed: a dashed outline over the rows.
            let narrowed: Vec<&(String, crate::Interval, String)> = self
                .narrowed
                .iter()
                .filter(|(id, _, _)| *id == q.quantity)
                .collect();
            for (_, iv, _) in &narrowed {
                let (a, b) = (axis.x(iv.inf()), axis.x(iv.sup()));
                let _ = writeln!(
                    body,
                    "<rect class=\"narrowed\" x=\"{a:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{rows_h:.1}\" fill=\"none\" stroke=\"#8a4b00\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
                    (b - a).max(1.5)
                );
            }

            for (i, c) in q.claims.iter().enumerate() {
                let h = row_heights[i];
                let mid = y + h / 2.0;
                let colour = stance_colour(c.stance);
                let _ = writeln!(
                    body,
                    "<g class=\"claim\" data-claim=\"{}\"><title>{}</title>",
                    escape(&c.id),
                    escape(&format!(
                        "{} ({}): plausible {}, hard {}",
                        c.id,
                        c.stance.as_str(),
                        c.plausible,
                        c.hard
                    ))
                );
                let lines = &labels[qi][i];
                let mut ty = mid - (lines.len() as f64 - 1.0) * LINE_H / 2.0 + 4.0;
                for line in lines {
                    text(&mut body, 10.0, ty, line, "", false);
                    ty += LINE_H;
                }
                // Hard interval: thin line, arrows where it leaves the axis.
                let (hl, hh) = (c.hard.inf(), c.hard.sup());
                let a = if axis.inside(hl) { axis.x(hl) } else { x0 };
                let b = if axis.inside(hh) { axis.x(hh) } else { x1 };
                let _ = writeln!(
                    body,
                    "<line x1=\"{a:.1}\" y1=\"{mid:.1}\" x2=\"{b:.1}\" y2=\"{mid:.1}\" stroke=\"{colour}\" stroke-width=\"1.2\"/>"
                );
                if !axis.inside(hl) && hl < lo.max(if log { f64::MIN_POSITIVE } else { lo }) {
                    let _ = writeln!(
                        body,
                        "<polygon class=\"arrow\" points=\"{:.1},{mid:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{colour}\"/>",
                        x0 - 6.0,
                        x0,
                        mid - 4.0,
                        x0,
                        mid + 4.0
                    );
                }
                if !axis.inside(hh) && hh > hi {
                    let _ = writeln!(
                        body,
                        "<polygon class=\"arrow\" points=\"{:.1},{mid:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{colour}\"/>",
                        x1 + 6.0,
                        x1,
                        mid - 4.0,
                        x1,
                        mid + 4.0
                    );
                }
                // Plausible interval: thick bar.
                let (pl, ph) = (c.plausible.inf(), c.plausible.sup());
                let pa = if axis.inside(pl) { axis.x(pl) } else { x0 };
                let pb = if axis.inside(ph) { axis.x(ph) } else { x1 };
                let _ = writeln!(
                    body,
                    "<rect x=\"{pa:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"8\" fill=\"{colour}\" opacity=\"0.85\"/>",
                    mid - 4.0,
                    (pb - pa).max(2.0)
                );
                if let Some(v) = c.central.filter(|v| axis.inside(*v)) {
                    let _ = writeln!(
                        body,
                        "<circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"4.5\" fill=\"white\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                        axis.x(v)
                    );
                }
                let _ = writeln!(body, "</g>");
                y += h;
            }
            for (name, value, interval) in &pooled {
                let mid = y + 11.0;
                text(&mut body, 10.0, mid + 4.0, name, " fill=\"#222\"", false);
                if let Some(iv) = interval {
                    let a = if axis.inside(iv.inf()) {
                        axis.x(iv.inf())
                    } else {
                        x0
                    };
                    let b = if axis.inside(iv.sup()) {
                        axis.x(iv.sup())
                    } else {
                        x1
                    };
                    let _ = writeln!(
                        body,
                        "<line x1=\"{a:.1}\" y1=\"{mid:.1}\" x2=\"{b:.1}\" y2=\"{mid:.1}\" stroke=\"#222\" stroke-width=\"1.2\"/>"
                    );
                }
                // A value off the axis (say, not positive on a forced log axis) gets no
                // diamond: its label still states it.
                if axis.inside(*value) {
                    let x = axis.x(*value);
                    let _ = writeln!(
                        body,
                        "<polygon class=\"pooled\" points=\"{:.1},{mid:.1} {x:.1},{:.1} {:.1},{mid:.1} {x:.1},{:.1}\" fill=\"#222\"/>",
                        x - 6.0,
                        mid - 6.0,
                        x + 6.0,
                        mid + 6.0
                    );
                }
                y += 22.0;
            }
            // The axis, with tick labels that never collide.
            let _ = writeln!(
                body,
                "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{x1:.1}\" y2=\"{y:.1}\" stroke=\"#333\"/>"
            );
            let mut last_right = f64::NEG_INFINITY;
            for t in axis.ticks() {
                let x = axis.x(t);
                let s = compact(t);
                let w = s.len() as f64 * CHAR_W;
                let _ = writeln!(
                    body,
                    "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
                    y + 4.0
                );
                if x - w / 2.0 > last_right + 6.0 && x + w / 2.0 <= self.width {
                    text(&mut body, x, y + 16.0, &s, " fill=\"#333\"", true);
                    last_right = x + w / 2.0;
                }
            }
            let scale = if log { "log scale" } else { "linear scale" };
            text(
                &mut body,
                x1 - scale.len() as f64 * CHAR_W,
                y + 32.0,
                scale,
                " fill=\"#777\"",
                false,
            );
            y += 44.0;
            for (_, iv, c) in &narrowed {
                let line = format!("dashed: narrowed to {iv} by constraint {c}");
                for line in wrap(&line, ((self.width - 20.0) / CHAR_W) as usize) {
                    text(&mut body, 10.0, y, &line, " fill=\"#8a4b00\"", false);
                    y += LINE_H;
                }
            }
            // The pooled lines' warnings, bound checks, exclusions and notes, as in every
            // other format.
            if q.claims.len() > 1 {
                for w in crate::notes::pooled_warnings(q) {
                    for line in wrap(&w, ((self.width - 20.0) / CHAR_W) as usize) {
                        text(&mut body, 10.0, y, &line, " fill=\"#8a4b00\"", false);
                        y += LINE_H;
                    }
                }
                y += 8.0;
            }
        }
        let height = y + 10.0;
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {w:.0} {height:.0}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{FONT}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n",
            w = self.width
        );
        (svg, boxes)
    }

    /// The chart as an SVG document.
    #[must_use]
    pub fn to_svg(&self) -> String {
        self.render().0
    }

    /// Every text box drawn, `(x, y, width, height, text)`, as laid out with the monospace
    /// font's advance of 0.6 em.
    #[must_use]
    pub fn text_boxes(&self) -> Vec<TextBox> {
        self.render().1
    }

    /// Whether each quantity's axis is logarithmic, in chart order.
    #[must_use]
    pub fn log_axes(&self) -> Vec<bool> {
        self.quantities
            .iter()
            .map(|q| self.log.unwrap_or_else(|| Self::spans_more_than_tenfold(q)))
            .collect()
    }
}

/// The finite figures of a quantity: plausible bounds and centrals, and with `all` the
/// hard bounds and pooled values and intervals too.
fn figures(q: &QuantityReport, all: bool) -> Vec<f64> {
    let mut v = Vec::new();
    for c in &q.claims {
        v.extend([c.plausible.inf(), c.plausible.sup()]);
        v.extend(c.central);
        if all {
            v.extend(
                [c.hard.inf(), c.hard.sup()]
                    .into_iter()
                    .filter(|x| *x != 0.0),
            );
        }
    }
    if all {
        for p in q.pooled.values() {
            v.extend(p.value);
            if let Some(i) = p.interval {
                v.extend([i.inf(), i.sup()]);
            }
        }
    }
    v.retain(|x| x.is_finite());
    v
}

/// The time chart of one quantity (DESIGN §3.2): figure against date, one step line per
/// source through its figures (central values, else plausible lower bounds), each claim's
/// plausible range as a vertical bar, the monotone band of a cumulative quantity shaded,
/// superseded claims faded, and a decrease (a correction, or a contradiction between
/// sources) marked. SVG with no JavaScript; [`TimeChart::text_boxes`] lists every text box
/// for overlap checks.
///
/// ```
/// use crosscheck::{ClaimSet, Reconciler, chart::TimeChart};
///
/// let set = ClaimSet::from_csv_str(
///     "id,quantity,sources,value,as_of\na,toll,moh,\"1,500\",2023-10-10\nb,toll,moh,\"at least 5,000\",2023-10-17\nc,toll,un,\"7,000\",2023-10-20\n",
/// )?;
/// let r = Reconciler::new().reconcile(&set);
/// let svg = TimeChart::new(&r.quantities[0]).to_svg();
/// assert!(svg.starts_with("<svg") && svg.contains("moh"));
/// Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TimeChart<'a> {
    quantity: &'a QuantityReport,
    width: f64,
    height: f64,
}

/// Colours of the sources' step lines, in order (Okabe–Ito).
const SERIES: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#6b6b6b",
];

impl<'a> TimeChart<'a> {
    /// The time chart of one quantity's timeline.
    #[must_use]
    pub fn new(quantity: &'a QuantityReport) -> TimeChart<'a> {
        TimeChart {
            quantity,
            width: 960.0,
            height: 420.0,
        }
    }

    /// Whether the quantity has a timeline worth a chart (two dates or more).
    #[must_use]
    pub fn applies(q: &QuantityReport) -> bool {
        let mut dates: Vec<_> = q.timeline.iter().map(|p| p.date).collect();
        dates.dedup();
        dates.len() >= 2
    }

    fn render(&self) -> (String, Vec<TextBox>) {
        use crate::time::{ClaimStatus, day_number};
        let q = self.quantity;
        let mut boxes: Vec<TextBox> = Vec::new();
        let mut body = String::new();
        let (left, right, top, bottom) = (70.0, self.width - 20.0, 48.0, self.height - 70.0);
        let mut text = |body: &mut String, x: f64, y: f64, s: &str, attrs: &str, anchor: &str| {
            let w = s.chars().count() as f64 * CHAR_W;
            let x0 = match anchor {
                "middle" => x - w / 2.0,
                "end" => x - w,
                _ => x,
            };
            boxes.push((x0, y - FONT * 0.8, w, FONT, s.to_string()));
            let _ = writeln!(
                body,
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\"{attrs}>{}</text>",
                escape(s)
            );
        };
        let title = format!("{} over time", q.quantity);
        text(
            &mut body,
            10.0,
            20.0,
            &title,
            " font-weight=\"bold\"",
            "start",
        );
        let points = &q.timeline;
        if points.is_empty() {
            let svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"40\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{FONT}\">\n{body}</svg>\n",
                self.width
            );
            return (svg, boxes);
        }
        let days: Vec<i64> = points.iter().map(|p| day_number(p.date)).collect();
        let (d0, d1) = (
            days.iter().copied().min().unwrap_or(0),
            days.iter().copied().max().unwrap_or(1),
        );
        let span = ((d1 - d0).max(1)) as f64;
        let mut values: Vec<f64> = points
            .iter()
            .flat_map(|p| [p.plausible.low_value(), p.plausible.high_value(), p.central])
            .flatten()
            .chain(
                q.monotone_band
                    .iter()
                    .flat_map(|b| [b.low, b.high])
                    .flatten(),
            )
            .filter(|v| v.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        let (lo, hi) = match (values.first(), values.last()) {
            (Some(a), Some(b)) if b > a => (*a, *b),
            (Some(a), _) => (a - a.abs().max(1.0) * 0.1, a + a.abs().max(1.0) * 0.1),
            _ => (0.0, 1.0),
        };
        let pad = (hi - lo) * 0.05;
        let axis = Axis {
            lo: (lo - pad).max(-f64::MAX),
            hi: (hi + pad).min(f64::MAX),
            log: false,
            x0: bottom,
            x1: top,
        };
        let xd = |d: i64| left + (d - d0) as f64 / span * (right - left);
        let y = |v: f64| axis.x(v);
        // The band, shaded as steps between dates.
        let band = &q.monotone_band;
        if band.len() >= 2 {
            let mut upper = String::new();
            let mut lower = String::new();
            for (k, b) in band.iter().enumerate() {
                let (Some(l), Some(h)) = (b.low, b.high) else {
                    continue;
                };
                let x = xd(day_number(b.date));
                let next = band.get(k + 1).map_or(x, |n| xd(day_number(n.date)));
                let _ = write!(upper, "{x:.1},{:.1} {next:.1},{:.1} ", y(h), y(h));
                lower = format!("{next:.1},{:.1} {x:.1},{:.1} ", y(l), y(l)) + &lower;
            }
            if !upper.is_empty() {
                let _ = writeln!(
                    body,
                    "<polygon class=\"band\" points=\"{upper}{lower}\" fill=\"#c6dbf3\" opacity=\"0.7\"/>"
                );
            }
        }
        // Each claim's plausible range as a bar at its date; superseded ones faded.
        let mut sources: Vec<String> = points.iter().map(|p| p.sources.join("+")).collect();
        sources.sort();
        sources.dedup();
        let colour = |s: &str| {
            let i = sources.iter().position(|x| x == s).unwrap_or(0);
            SERIES[i % SERIES.len()]
        };
        for (p, &d) in points.iter().zip(&days) {
            let src = p.sources.join("+");
            let opacity = if p.status == ClaimStatus::Current {
                0.9
            } else {
                0.35
            };
            // A floor with no ceiling gets a short upward tick, not a bar to the top.
            let (y_a, y_b) = match (p.plausible.low_value(), p.plausible.high_value()) {
                (Some(a), Some(b)) => (y(a), y(b)),
                (Some(a), None) => (y(a), y(a) - 8.0),
                (None, Some(b)) => (y(b) + 8.0, y(b)),
                (None, None) => continue,
            };
            let _ = writeln!(
                body,
                "<line class=\"claim\" x1=\"{x:.1}\" y1=\"{y_a:.1}\" x2=\"{x:.1}\" y2=\"{y_b:.1}\" stroke=\"{}\" stroke-width=\"1.5\" opacity=\"{opacity}\"/>",
                colour(&src),
                x = xd(d)
            );
        }
        // One step line per source.
        for s in &sources {
            let mut pts: Vec<(f64, f64)> = points
                .iter()
                .zip(&days)
                .filter(|(p, _)| p.sources.join("+") == *s && p.status != ClaimStatus::Relay)
                .filter_map(|(p, &d)| Some((xd(d), y(p.central.or(p.plausible.low_value())?))))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            if pts.len() >= 2 {
                let mut path = format!("M{:.1},{:.1}", pts[0].0, pts[0].1);
                for w in pts.windows(2) {
                    let _ = write!(path, " H{:.1} V{:.1}", w[1].0, w[1].1);
                }
                let _ = writeln!(
                    body,
                    "<path class=\"series\" d=\"{path}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                    colour(s)
                );
            }
        }
        // A decrease: both claims circled.
        if let Some(h) = q
            .history
            .as_ref()
            .filter(|h| h.verdict == crate::time::HistoryVerdict::Decrease)
        {
            for id in &h.deciding {
                if let Some((p, &d)) = points.iter().zip(&days).find(|(p, _)| p.claim == *id)
                    && let Some(v) = p.central.or(p.plausible.low_value())
                {
                    let _ = writeln!(
                        body,
                        "<circle class=\"decrease\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"none\" stroke=\"#c00\" stroke-width=\"2\"/>",
                        xd(d),
                        y(v)
                    );
                }
            }
        }
        // Axes: figures on the left, years (or dates) below.
        let _ = writeln!(
            body,
            "<line x1=\"{left:.1}\" y1=\"{bottom:.1}\" x2=\"{right:.1}\" y2=\"{bottom:.1}\" stroke=\"#333\"/>\n<line x1=\"{left:.1}\" y1=\"{top:.1}\" x2=\"{left:.1}\" y2=\"{bottom:.1}\" stroke=\"#333\"/>"
        );
        let mut last_top = f64::INFINITY;
        for t in axis.ticks() {
            let ty = y(t);
            if ty + FONT < last_top {
                text(
                    &mut body,
                    left - 6.0,
                    ty + 4.0,
                    &compact(t),
                    " fill=\"#333\"",
                    "end",
                );
                last_top = ty;
            }
        }
        let first = points.first().map(|p| p.date);
        let last = points.last().map(|p| p.date);
        let mut last_right = f64::NEG_INFINITY;
        let (y0, y1) = (
            first.map_or(1970, |d| d.year()),
            last.map_or(1970, |d| d.year()),
        );
        let year_ticks: Vec<(i64, String)> = if y1 > y0 {
            (y0 + 1..=y1)
                .filter_map(|yr| {
                    let d: crate::PartialDate = format!("{yr:04}").parse().ok()?;
                    Some((day_number(d), yr.to_string()))
                })
                .collect()
        } else {
            [first, last]
                .into_iter()
                .flatten()
                .map(|d| (day_number(d), d.to_string()))
                .collect()
        };
        for (d, label) in year_ticks {
            let x = xd(d);
            let w = label.len() as f64 * CHAR_W;
            if x - w / 2.0 > last_right + 6.0 && x + w / 2.0 <= self.width {
                let _ = writeln!(
                    body,
                    "<line x1=\"{x:.1}\" y1=\"{bottom:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
                    bottom + 4.0
                );
                text(
                    &mut body,
                    x,
                    bottom + 18.0,
                    &label,
                    " fill=\"#333\"",
                    "middle",
                );
                last_right = x + w / 2.0;
            }
        }
        // Legend: one entry per source, then what the marks mean.
        let mut lx = 10.0;
        let ly = self.height - 28.0;
        for s in &sources {
            let label = format!("— {s}");
            let w = label.chars().count() as f64 * CHAR_W;
            if lx + w > self.width - 10.0 {
                break;
            }
            text(
                &mut body,
                lx,
                ly,
                &label,
                &format!(" fill=\"{}\"", colour(s)),
                "start",
            );
            lx += w + 18.0;
        }
        let note = if q.monotone_band.is_empty() {
            "bars: plausible ranges · faded: superseded"
        } else {
            "bars: plausible ranges · faded: superseded · shaded: monotone band"
        };
        text(
            &mut body,
            10.0,
            self.height - 10.0,
            note,
            " fill=\"#777\"",
            "start",
        );
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{FONT}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n",
            w = self.width,
            h = self.height
        );
        (svg, boxes)
    }

    /// The chart as an SVG document.
    #[must_use]
    pub fn to_svg(&self) -> String {
        self.render().0
    }

    /// Every text box drawn, `(x, y, width, height, text)`.
    #[must_use]
    pub fn text_boxes(&self) -> Vec<TextBox> {
        self.render().1
    }
}
