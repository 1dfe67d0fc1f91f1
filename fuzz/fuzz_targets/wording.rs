//! Any text given to the wording reader reads or fails with an error; it never panics, and
//! what it reads keeps central ∈ plausible ⊆ hard, with finite numbers (an infinite end is
//! only ever an unbounded side), a level strictly between 0 and 1, and an error message of
//! bounded size.
#![no_main]

use crosscheck::wording::{Profile, Reader};
use crosscheck::QuantityKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for profile in [Profile::Default, Profile::Relative, Profile::Strict] {
        for domain in [QuantityKind::Count, QuantityKind::Real] {
            match Reader::new().with_profile(profile).with_domain(domain).read(text) {
                Ok(e) => {
                    assert!(e.hard().contains(e.plausible()));
                    if let Some(c) = e.central() {
                        assert!(c.is_finite());
                        assert!(e.plausible().contains_value(c));
                    }
                    for i in [e.hard(), e.plausible()] {
                        assert!(i.low_value().is_none_or(f64::is_finite));
                        assert!(i.high_value().is_none_or(f64::is_finite));
                    }
                    if let Some(l) = e.level() {
                        assert!(l > 0.0 && l < 1.0);
                    }
                    if domain == QuantityKind::Count {
                        assert!(e.hard().inf() >= 0.0);
                    }
                    let r = e.reading().expect("a read wording keeps its reading");
                    assert!(r.numbers().iter().all(|x| x.is_finite()));
                }
                Err(err) => assert!(err.to_string().len() < 4 * text.len() + 400),
            }
        }
    }
});
