//! The speed budgets, measured on generated designs of three sizes:
//! small (1 VPC), medium (10 VPCs) and large (100 VPCs × 3 AZs × 4 tiers,
//! 10 instances per subnet = 12,000 instances, 500 SGs, TGW to all).
//!
//! `cargo bench` runs everything in a few minutes on 2 cores;
//! `cargo bench -- large/` runs one size, `-- queries_large/` the query side
//! (verdict-only walks per pair, `vpcd diff` of a one-rule change), `-- imports_`
//! `vpcd import aws` of the design's own describe-* JSON.
//! Figures and budgets: README.md, "Performance".

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use vpcd::analysis::{Analyzer, Query};
use vpcd::create::synthetic::{generate, GenParams};
use vpcd::model::{Design, DesignIndex, ObjectKind, Protocol};
use vpcd::tui::forms::Form;
use vpcd::tui::theme::Theme;
use vpcd::tui::{App, Options};
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

        // The current trace of the trace panel: the design's last remembered
        // trace (cross-VPC through the TGW when there are several VPCs).
        let query = Query::from(d.traces.last().expect("generated designs remember traces"));
        let idx = DesignIndex::new(&d);
        g.bench_function("analyzer", |b| b.iter(|| Analyzer::new(&d, &idx)));
        let an = Analyzer::new(&d, &idx);
        g.bench_function("trace", |b| b.iter(|| an.trace(&query).expect("trace runs")));

        // The 1,000 × 1,000 matrix on TCP 443 (first 1,000 instances × last
        // 1,000), computed as `vpcd matrix` does: one walk per pair of
        // endpoint classes (`analysis::verdicts`, proven equal to pair-by-pair).
        let n = d.instances.len().min(1000);
        let srcs: Vec<_> = d.instances[..n]
            .iter()
            .map(|i| an.endpoint(&i.name).expect("instance endpoint"))
            .collect();
        let dsts: Vec<_> = d.instances[d.instances.len() - n..]
            .iter()
            .map(|i| an.endpoint(&i.name).expect("instance endpoint"))
            .collect();
        g.bench_function("matrix", |b| {
            b.iter(|| vpcd::analysis::verdicts(&an, &srcs, &dsts, Protocol::Tcp, Some(443)))
        });
        // One row walked pair by pair, for comparison (1 × 1,000, no grouping).
        let src = &srcs[0];
        g.bench_function("matrix_row_pairwise", |b| {
            b.iter(|| {
                dsts.iter()
                    .filter(|x| an.reachable(src, x, Protocol::Tcp, Some(443)))
                    .count()
            })
        });
        drop(an);

        // One edit end-to-end as the designer commits it: an SG rule added
        // (then removed by the next iteration) through the app — index,
        // scoped validation, the workspace's analysis tables patched — and
        // the current trace re-run on the new revision.
        let edits = vpcd::perf::toggle_edits(&d).expect("generated designs have security groups");
        let opts = Options {
            saves_dir: dir.path().join("saves"),
            recovery: None,
            theme: Theme::plain(),
        };
        let mut app = App::new(Workspace::new(d.clone()), opts);
        let mut i = 0usize;
        g.bench_function("edit", |b| {
            b.iter_batched(
                || {
                    i += 1;
                    edits[i % 2].clone()
                },
                |e| {
                    let ok = app.apply_edit(e).is_ok();
                    (ok, app.ws.trace(&query).map(|t| t.reachable).ok())
                },
                BatchSize::SmallInput,
            )
        });
        g.bench_function("edit_workspace_only", |b| {
            b.iter_batched(
                || {
                    i += 1;
                    edits[i % 2].clone()
                },
                |e| app.ws.apply(e).is_ok(),
                BatchSize::SmallInput,
            )
        });

        // One full frame of the main screen into a 200×60 test terminal.
        let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
        g.bench_function("render", |b| {
            b.iter(|| {
                term.draw(|f| app.draw(f)).expect("draw");
            })
        });

        // As the user feels it, at 160×50 with every pane visible (the
        // figures of `vpcd bench`): an SG edit plus the next full frame
        // (`edit_frame_ms`), adding then deleting an instance, each with its
        // frame (`structural_edit_ms`), renaming an instance and back, each
        // with its frame (`rename_edit_ms`), the same two for a subnet
        // (`subnet_edit_ms`, `subnet_rename_ms`), and one key in the
        // new-instance form with its live check (`form_key_ms`).
        let mut term = Terminal::new(TestBackend::new(160, 50)).expect("test backend");
        term.draw(|f| app.draw(f)).expect("draw");
        g.bench_function("edit_frame", |b| {
            b.iter_batched(
                || {
                    i += 1;
                    edits[i % 2].clone()
                },
                |e| {
                    let ok = app.apply_edit(e).is_ok();
                    term.draw(|f| app.draw(f)).expect("draw");
                    ok
                },
                BatchSize::SmallInput,
            )
        });
        let pairs = [
            ("structural_edit", vpcd::perf::add_delete_instance(&d)),
            ("rename_edit", vpcd::perf::rename_instance(&d)),
            ("subnet_edit", vpcd::perf::add_delete_subnet(&d)),
            ("subnet_rename", vpcd::perf::rename_subnet(&d)),
        ];
        for (name, edits) in pairs {
            let edits = edits.expect("generated designs have instances and subnets with free blocks");
            g.bench_function(name, |b| {
                b.iter(|| {
                    edits
                        .iter()
                        .map(|e| {
                            let ok = app.apply_edit(e.clone()).is_ok();
                            term.draw(|f| app.draw(f)).expect("draw");
                            ok
                        })
                        .filter(|ok| *ok)
                        .count()
                })
            });
        }
        let mut form = Form::create_for(ObjectKind::Instance, &app.ws);
        let keys = [
            KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
        ];
        g.bench_function("form_key", |b| {
            b.iter(|| {
                i += 1;
                form.input(keys[i % 2]);
            })
        });
        g.finish();
    }
}

/// The query side at 1,200 and 12,000 instances: one verdict-only walk per
/// pair (what `vpcd diff` and `vpcd matrix` pay per pair; criterion reports
/// the time per pair through the throughput) and `vpcd diff` of a one-rule
/// change (`perf::one_rule_change`, the change `vpcd bench` times as `diff_ms`).
fn queries(c: &mut Criterion) {
    for (label, p) in [("medium", GenParams::medium()), ("large", GenParams::large())] {
        let d = generate(&p).expect("preset parameters are in range");
        let mut g = c.benchmark_group(format!("queries_{label}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(3))
            .sampling_mode(SamplingMode::Flat);

        // 1,000 pairs of instances spread over the design (a fixed stride, so
        // same-subnet, cross-subnet and cross-VPC pairs all occur).
        let idx = DesignIndex::new(&d);
        let an = Analyzer::new(&d, &idx);
        let eps: Vec<_> = d
            .instances
            .iter()
            .map(|i| an.endpoint(&i.name).expect("instance endpoint"))
            .collect();
        let n = eps.len();
        let pairs: Vec<(usize, usize)> = (0..1000).map(|k| ((k * 7919) % n, (k * 104_729 + 13) % n)).collect();
        g.throughput(Throughput::Elements(pairs.len() as u64));
        for port in [443u16, 22] {
            g.bench_function(format!("verdict_only_tcp{port}"), |b| {
                b.iter(|| {
                    pairs
                        .iter()
                        .filter(|&&(i, j)| an.verdict_code(&eps[i], &eps[j], Protocol::Tcp, Some(port)).is_none())
                        .count()
                })
            });
        }
        // The same pairs with the stop's texts (what a closed flow of a diff reports).
        g.bench_function("verdict_with_stop_tcp22", |b| {
            b.iter(|| {
                pairs
                    .iter()
                    .filter(|&&(i, j)| an.verdict(&eps[i], &eps[j], Protocol::Tcp, Some(22)).is_none())
                    .count()
            })
        });
        drop(an);

        g.throughput(Throughput::Elements(1));
        let changed = vpcd::perf::one_rule_change(&d).expect("generated designs have security groups");
        g.bench_function("diff_one_rule", |b| {
            b.iter(|| vpcd::analysis::diff_designs(&d, &changed))
        });
        g.finish();
    }
}

/// `vpcd import aws` of a design's own describe-* JSON (what `vpcd export
/// aws-json` writes): reading the folder, building the design, validating it.
fn imports(c: &mut Criterion) {
    for (label, p) in [("medium", GenParams::medium()), ("large", GenParams::large())] {
        let d = generate(&p).expect("preset parameters are in range");
        let dir = tempfile::tempdir().expect("a temporary folder");
        vpcd::interop::aws::export::write_dir(&d, dir.path()).expect("export aws-json");
        let paths = vec![dir.path().to_path_buf()];
        let mut g = c.benchmark_group(format!("imports_{label}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(3))
            .sampling_mode(SamplingMode::Flat);
        g.bench_function("import_aws", |b| {
            b.iter(|| vpcd::interop::aws::import_paths(&paths, &Default::default()).expect("import aws"))
        });
        g.finish();
    }
}

criterion_group!(benches, budgets, queries, imports);
criterion_main!(benches);
