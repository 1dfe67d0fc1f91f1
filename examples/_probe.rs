fn main() {
    for w in std::env::args().skip(1) {
        match w.parse::<crosscheck::Estimate>() {
            Ok(e) => println!(
                "{w:?} -> {} hard {} plausible {} central {:?} level {:?}",
                e.reading()
                    .map(|r| r.rule().to_string())
                    .unwrap_or_default(),
                e.hard(),
                e.plausible(),
                e.central(),
                e.level()
            ),
            Err(e) => println!("{w:?} -> ERR {e}"),
        }
    }
}
