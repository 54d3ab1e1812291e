//! End to end: the trace panel in the real binary under tmux — focus it, type
//! a query with Tab completion, run it, step a hop, quit. Skipped (with a
//! notice) only when tmux is not installed.

mod tmux_support;

use tmux_support::{tmux_available, Tmux};

#[test]
fn trace_a_query_in_the_real_designer() {
    if !tmux_available() {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end trace panel test");
        return;
    }
    let tmux = Tmux::start("trace");
    tmux.wait_for("VPC tree · three-tier");
    // Focus the trace panel (two panes back from the tree) and type a query.
    tmux.send(&["BTab", "BTab"]);
    tmux.wait_for("Trace (Enter: query");
    tmux.send(&["Enter"]);
    tmux.type_text("int");
    tmux.send(&["Tab"]);
    tmux.wait_for("from internet");
    tmux.send(&["Down"]);
    tmux.type_text("web-1");
    tmux.send(&["Down", "Down"]);
    tmux.type_text("443");
    tmux.send(&["Enter"]);
    tmux.wait_for("Trace · internet → web-1 tcp/443 · ✓ reachable");
    tmux.send(&["n"]);
    let screen = tmux.wait_for("▶ 2 igw igw-shop");
    println!("{screen}");
    // Not editing any more: q quits (nothing unsaved).
    tmux.send(&["q"]);
    tmux.wait_for_exit();
}
