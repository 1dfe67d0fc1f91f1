//! Limits on the size of input fields, so that no file can make crosscheck hold or echo
//! gigabytes: a field over its limit is refused with [`Error::TooLong`]
//! naming the record and field (and never quoting the whole field back).
//!
//! | field | limit |
//! |---|---|
//! | ids (claims, sources, quantities, and the source ids a claim names) | [`MAX_ID_BYTES`] |
//! | wording read by the [`Reader`](crate::wording::Reader) | [`MAX_WORDING_BYTES`] |
//! | free text (names, descriptions, units, sides, quotes, notes, URLs, titles, outlets) | [`MAX_TEXT_BYTES`] |
//!
//! Ids also refuse control characters and Unicode bidirectional overrides, which would
//! let an id rewrite the terminal or reorder the text around it in a report.
//!
//! ```
//! use crosscheck::{Error, Source, limits::MAX_ID_BYTES};
//!
//! let long = "x".repeat(MAX_ID_BYTES + 1);
//! assert!(matches!(Source::new(long, "X"), Err(Error::TooLong { .. })));
//! assert!(Source::new("moh\u{202E}", "MoH").is_err()); // a bidi override
//! assert!(Source::new("moh, un", "MoH and UN").is_err()); // two sources in one id
//! assert!(Source::new("x-the-nerd", "X, the Nerd").is_ok()); // a comma in the name
//! ```

use crate::error::{Error, Location, Result};

/// The longest id, in bytes (UTF-8).
pub const MAX_ID_BYTES: usize = 512;
/// The longest wording, in bytes: the longest real figure wording seen is under 100.
pub const MAX_WORDING_BYTES: usize = 1_000;
/// The longest free-text field, in bytes.
pub const MAX_TEXT_BYTES: usize = 100_000;

/// Whether a character may not appear in an id: controls (C0, C1, DEL) and the bidi
/// embedding, override and isolate marks.
pub(crate) fn is_forbidden_in_id(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks a source id: an id ([`check_id`]) without `;`, which separates the sources of a
/// claim, and without `,`, the usual slip for two sources (`moh,un`, `moh, un`). A source
/// whose name has a comma (an editor called `X, the Nerd`) keeps it in its name, not its id.
pub(crate) fn check_source_id(field: &'static str, s: String) -> Result<String> {
    check_source_id_str(field, &s)?;
    Ok(s)
}

/// [`check_source_id`] on a borrowed id (no allocation when it passes).
pub(crate) fn check_source_id_str(field: &'static str, s: &str) -> Result<()> {
    check_id_str(field, s)?;
    // `;` and `,` are ASCII: a byte test finds them (a UTF-8 continuation byte never
    // equals an ASCII byte).
    if s.bytes().any(|b| b == b';' || b == b',') {
        let c = if s.contains(';') { ';' } else { ',' };
        return Err(Error::Malformed {
            at: Location::Unknown,
            field: field.into(),
            reason: format!(
                "`{}` contains `{c}`: a source id cannot, since `;` separates the sources of a claim (write `a;b` for two sources, not one id `a,b`)",
                excerpt(s)
            ),
        });
    }
    Ok(())
}

/// Checks a claim's source ids in order, each as a source id
/// ([`check_source_id_str`]) and then against the ones before it
/// ([`Error::DuplicateId`]), and returns the first problem. Few sources (the usual claim
/// names one) are compared with the ones before; many go through a set, since a claim may
/// name 100,000.
pub(crate) fn check_source_ids<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Result<()> {
    let few = names.clone().nth(8).is_none();
    let mut seen = std::collections::HashSet::new();
    for (k, n) in names.clone().enumerate() {
        check_source_id_str("sources", n)?;
        let repeated = if few {
            names.clone().take(k).any(|m| m == n)
        } else {
            !seen.insert(n)
        };
        if repeated {
            return Err(Error::DuplicateId {
                at: Location::Unknown,
                what: "source in claim",
                id: n.to_string(),
            });
        }
    }
    Ok(())
}

/// Checks an id: not blank, not too long, no control or bidi characters. Commas are
/// allowed (`cleveland, ohio`); source ids are checked further by [`check_source_id`].
pub(crate) fn check_id(field: &'static str, s: String) -> Result<String> {
    check_id_str(field, &s)?;
    Ok(s)
}

/// [`check_id`] on a borrowed id (no allocation when it passes).
pub(crate) fn check_id_str(field: &'static str, s: &str) -> Result<()> {
    if trim(s).is_empty() {
        return Err(Error::Empty {
            at: Location::Unknown,
            field,
        });
    }
    check_len(field, s, MAX_ID_BYTES)?;
    // Printable ASCII (the usual id) has no forbidden character: only other ids are
    // decoded and looked at character by character.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(());
    }
    if let Some(c) = s.chars().find(|c| is_forbidden_in_id(*c)) {
        return Err(Error::Malformed {
            at: Location::Unknown,
            field: field.into(),
            reason: format!(
                "`{}` contains the control character U+{:04X}; ids must be printable",
                excerpt(s),
                u32::from(c)
            ),
        });
    }
    Ok(())
}

/// [`str::trim`], returning at once when the text starts and ends with a printable ASCII
/// character other than a space (the usual cell), which `trim` would keep.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Checks a field's length in bytes.
pub(crate) fn check_len(field: &str, s: &str, max: usize) -> Result<()> {
    if s.len() > max {
        Err(Error::TooLong {
            at: Location::Unknown,
            field: field.into(),
            len: s.len(),
            max,
        })
    } else {
        Ok(())
    }
}

/// A short, printable excerpt of input for an error message: at most 60 characters,
/// control characters escaped, `…` where it was cut.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if is_forbidden_in_id(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first string in a JSON value longer than [`MAX_TEXT_BYTES`], as an error naming its
/// field (the object key above it).
pub(crate) fn oversized_json(v: &serde_json::Value, field: &str) -> Result<()> {
    match v {
        serde_json::Value::String(s) => check_len(field, s, MAX_TEXT_BYTES),
        serde_json::Value::Array(a) => a.iter().try_for_each(|x| oversized_json(x, field)),
        serde_json::Value::Object(o) => o.iter().try_for_each(|(k, x)| oversized_json(x, k)),
        _ => Ok(()),
    }
}

/// The id among `known` closest to `unknown`, for "did you mean" messages: the fewest
/// edits (Damerau–Levenshtein, so `mho` is one swap from `moh`), at most one for ids of up
/// to four characters and two beyond; ties go to the higher Jaro–Winkler similarity, then
/// to the first id in order.
pub(crate) fn nearest<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = if unknown.chars().count() <= 4 { 1 } else { 2 };
    known
        .into_iter()
        .map(|k| {
            (
                k,
                strsim::damerau_levenshtein(unknown, k),
                strsim::jaro_winkler(unknown, k),
            )
        })
        .filter(|(k, dist, _)| *dist <= limit && *k != unknown)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(b.0)))
        .map(|(k, _, _)| k.to_string())
}
