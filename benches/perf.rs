//! The speed budgets, measured on generated designs of three sizes:
//! small (1 VPC), medium (10 VPCs) and large (100 VPCs × 3 AZs × 4 tiers,
//! 10 instances per subnet = 12,000 instances, 500 SGs, TGW to all).
//!
//! `cargo bench` runs everything in about two minutes on 2 cores;
//! `cargo bench -- large/` runs one size. Figures and budgets: perf-notes.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use vpcd::generate::{generate, GenParams};
use vpcd::model::{Design, DesignIndex};
use vpcd::workspace::Workspace;

fn sizes() -> Vec<(&'static str, Design)> {
    [
        ("small", GenParams::small()),
        ("medium", GenParams::medium()),
        ("large", GenParams::large()),
    ]
    .into_iter()
    .map(|(label, p)| (label, generate(&p).expect("preset parameters are in range")))
    .collect()
}

fn budgets(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (label, d) in sizes() {
        let text = vpcd::io::to_ron_string(&d).expect("generated designs serialise");
        let mut g = c.benchmark_group(label);
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(if label == "large" { 3 } else { 1 }))
            .sampling_mode(SamplingMode::Flat);

        g.bench_function("load", |b| {
            b.iter(|| vpcd::io::parse(&text, "bench.ron").expect("round trip"))
        });
        let path = dir.path().join(format!("{label}.ron"));
        g.bench_function("save", |b| b.iter(|| vpcd::io::save(&path, &d).expect("save")));
        g.bench_function("index", |b| b.iter(|| DesignIndex::new(&d)));
        g.bench_function("validate", |b| b.iter(|| vpcd::validate::validate(&d)));

        // One edit end-to-end as the designer commits it: an SG rule added
        // (then removed by the next iteration), through the workspace.
        let edits = vpcd::perf::toggle_edits(&d).expect("generated designs have security groups");
        let mut ws = Workspace::new(d.clone());
        let mut i = 0usize;
        g.bench_function("edit", |b| {
            b.iter_batched(
                || {
                    i += 1;
                    edits[i % 2].clone()
                },
                |e| ws.apply(e).is_ok(),
                BatchSize::SmallInput,
            )
        });
        g.finish();
    }
}

criterion_group!(benches, budgets);
criterion_main!(benches);
