use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = Instant::now();
    let set = crosscheck::Loader::new().path(&path).unwrap().set;
    let t1 = t.elapsed();
    let r = crosscheck::Reconciler::new().compact().reconcile(&set);
    let t2 = t.elapsed();
    let f = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create("/tmp/ph/o.json").unwrap(),
    );
    r.write_compact_json(f).unwrap();
    let t3 = t.elapsed();
    drop(r);
    drop(set);
    let t4 = t.elapsed();
    eprintln!(
        "load {:?} reconcile {:?} write {:?} drop {:?}",
        t1,
        t2 - t1,
        t3 - t2,
        t4 - t3
    );
}
