//! Any text given to the wording reader reads or fails with an error; it never panics, and
//! what it reads keeps central ∈ plausible ⊆ hard.
#![no_main]

use crosscheck::wording::{Profile, Reader};
use crosscheck::QuantityKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for profile in [Profile::Default, Profile::Relative, Profile::Strict] {
        for domain in [QuantityKind::Count, QuantityKind::Real] {
            if let Ok(e) = Reader::new().with_profile(profile).with_domain(domain).read(text) {
                assert!(e.hard().contains(e.plausible()));
                if let Some(c) = e.central() {
                    assert!(e.plausible().contains_value(c));
                }
            }
        }
    }
});
