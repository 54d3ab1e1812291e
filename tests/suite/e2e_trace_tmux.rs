//! End to end: the trace panel in the real binary under tmux — focus it, type
//! a query with `t`, complete a name with Ctrl-n, run it, step a hop, quit. Skipped (with a
//! notice) only when tmux is not installed.

use crate::tmux_support;

use tmux_support::{tmux_available, Tmux};

#[test]
fn trace_a_query_in_the_real_designer() {
    if !tmux_available() {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end trace panel test");
        return;
    }
    let tmux = Tmux::start("trace");
    tmux.wait_for("VPC tree · three-tier");
    // `t` opens the trace query at its from field; Ctrl-n completes, Tab moves on.
    tmux.send(&["t"]);
    tmux.wait_for("Ctrl-n complete");
    tmux.type_text("int");
    tmux.send(&["C-n"]);
    tmux.wait_for("from internet");
    tmux.send(&["Tab"]);
    tmux.type_text("web-1");
    tmux.send(&["Tab", "Tab"]);
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
