fn main() {
    for w in std::env::args().skip(1) {
        match w.parse::<crosscheck::Estimate>() {
            Ok(e) => println!(
                "{w:?} -> hard {} plausible {} central {:?}",
                e.hard(),
                e.plausible(),
                e.central()
            ),
            Err(e) => println!("{w:?} -> ERR {e}"),
        }
    }
}
