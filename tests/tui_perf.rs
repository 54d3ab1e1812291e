//! Frame rendering on the 12,000-instance design (issue 8 budget: ≤ 8 ms a
//! frame). No timing assertion here (the suite must not be timing-flaky):
//! the ignored test prints the measurement; run it with
//! `cargo test --release --test tui_perf -- --ignored --nocapture`.

mod tui_support;

use std::time::Instant;

use tui_support::Harness;

#[test]
#[ignore = "measurement; prints frame times"]
fn frame_render_time_on_the_large_design() {
    let design = vpcd::generate::generate(&vpcd::generate::GenParams::large()).unwrap();
    let t = Instant::now();
    let ws = vpcd::workspace::Workspace::new(design);
    println!("workspace built in {:?}", t.elapsed());
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut h = Harness::with_workspace(ws, dir.path(), 120, 40);
    println!("first frame (builds the tree cache) {:?}", t.elapsed());
    let mut samples = Vec::new();
    for i in 0..200 {
        // Move through the tree so panes follow a changing selection.
        if i % 2 == 0 {
            h.app.handle_key(ratatui::crossterm::event::KeyEvent::from(
                ratatui::crossterm::event::KeyCode::Down,
            ));
        }
        let t = Instant::now();
        h.draw();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "frame render at 120x40: median {:?}, p95 {:?}, max {:?}",
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
        samples[samples.len() - 1]
    );
    let mut steady = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        h.draw();
        steady.push(t.elapsed());
    }
    steady.sort();
    println!(
        "steady frame (no change): median {:?}, p95 {:?}",
        steady[steady.len() / 2],
        steady[steady.len() * 95 / 100]
    );
    println!("diagnostics: {}", h.app.ws.diagnostics().len());
    // Page far down and measure again (render only visible rows).
    for _ in 0..50 {
        h.app.handle_key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::PageDown,
        ));
    }
    let t = Instant::now();
    h.draw();
    println!("frame deep in the tree {:?}", t.elapsed());
}
