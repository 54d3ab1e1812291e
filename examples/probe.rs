use std::time::Instant;
use vpcd::analysis::{Analyzer, Query};
use vpcd::generate::{generate, GenParams};
use vpcd::model::{DesignIndex, Protocol};
fn main() {
    let d = generate(&GenParams::large()).unwrap();
    let idx = DesignIndex::new(&d);
    for _ in 0..3 {
        let t = Instant::now();
        let an = Analyzer::new(&d, &idx);
        let a = t.elapsed();
        let q = Query::from(d.traces.last().unwrap());
        let t = Instant::now();
        let tr = an.trace(&q).unwrap();
        let b = t.elapsed();
        let srcs: Vec<_> = d.instances[..1000]
            .iter()
            .map(|i| an.endpoint(&i.name).unwrap())
            .collect();
        let dsts: Vec<_> = d.instances[d.instances.len() - 1000..]
            .iter()
            .map(|i| an.endpoint(&i.name).unwrap())
            .collect();
        let t = Instant::now();
        let mut n = 0;
        for s in &srcs[..100] {
            for x in &dsts {
                if an.reachable(s, x, Protocol::Tcp, Some(443)) {
                    n += 1;
                }
            }
        }
        let c = t.elapsed();
        let t = Instant::now();
        let v = vpcd::validate::validate_with(&d, &idx);
        let e = t.elapsed();
        println!(
            "analyzer {:?} trace {:?} reachable={} 100x1000 {:?} ({} ok) validate {:?} ({} diags)",
            a,
            b,
            tr.reachable,
            c,
            n,
            e,
            v.len()
        );
    }
}
