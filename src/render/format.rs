//! Number formatting shared by `Display` impls and the renderers.

/// Formats a number for people: thousands separators, six significant digits (the whole
/// part is never cut: 1,234,567.5 shows as 1,234,568), `+∞`/`−∞` for infinities. For
/// display only: reports keep the exact values.
///
/// ```
/// assert_eq!(crosscheck::format_number(14000.0), "14,000");
/// assert_eq!(crosscheck::format_number(-1234.5678), "-1,234.57");
/// assert_eq!(crosscheck::format_number(-1234567.5), "-1,234,568");
/// assert_eq!(crosscheck::format_number(3.333333333), "3.33333");
/// assert_eq!(crosscheck::format_number(f64::INFINITY), "+∞");
/// ```
#[must_use]
pub fn format_number(x: f64) -> String {
    format_significant(x, 6)
}

/// The two ends of an interval, with as many significant digits (from 6 up to 17) as it
/// takes for different values to print differently, so a non-empty interval never looks
/// like a point (`[494,437.6, 494,438.4]`, not `[494,438, 494,438]`).
pub(crate) fn format_pair(a: f64, b: f64) -> (String, String) {
    for sig in 6..=17 {
        let (x, y) = (format_significant(a, sig), format_significant(b, sig));
        if x != y || a == b {
            return (x, y);
        }
    }
    (format!("{a:e}"), format!("{b:e}"))
}

fn format_significant(x: f64, sig: i32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+∞".into()
        } else {
            "−∞".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let abs = x.abs();
    if !(1e-4..1e15).contains(&abs) {
        return if sig <= 6 {
            format!("{x:e}")
        } else {
            format!("{x:.prec$e}", prec = (sig - 1) as usize)
        };
    }
    let text = if x.fract() == 0.0 {
        format!("{abs:.0}")
    } else {
        // `sig` significant digits, trailing zeros trimmed.
        let digits_before = (abs.log10().floor() as i32 + 1).max(1);
        let decimals = (sig - digits_before).clamp(0, 16) as usize;
        let s = format!("{abs:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    let bytes = int.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*b as char);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Text from the input made safe for a terminal: every control character (newlines
/// included) and bidi override is shown as a Rust-style escape (`\u{1b}`), so input can
/// neither move the cursor, colour the screen, forge a report line nor reorder text.
#[must_use]
pub(crate) fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(crate::limits::is_forbidden_in_id) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if crate::limits::is_forbidden_in_id(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A whole rendered text safe for a terminal: as [`terminal_safe`], but the line breaks the
/// renderer wrote itself are kept (input text is escaped line by line before that).
pub(crate) fn terminal_safe_lines(s: String) -> String {
    if !s
        .chars()
        .any(|c| c != '\n' && crate::limits::is_forbidden_in_id(c))
    {
        return s;
    }
    s.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}
