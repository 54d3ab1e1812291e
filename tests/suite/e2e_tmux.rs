//! End to end: the real binary in tmux. Open the sample → add a subnet →
//! save → quit → `vpcd check` the saved file. Skipped (with a notice) only
//! when tmux is not installed.

use crate::tmux_support;

use std::process::Command;

use tmux_support::{tmux_available, Tmux};

#[test]
fn open_sample_add_subnet_save_quit_and_check() {
    if !tmux_available() {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end designer test");
        return;
    }
    let tmux = Tmux::start("designer");
    let dir = tmux.home();
    let bin = env!("CARGO_BIN_EXE_vpcd");

    tmux.wait_for("VPC tree · three-tier");
    tmux.send(&["a"]);
    tmux.wait_for("add what?");
    tmux.type_text("subnet");
    tmux.send(&["Enter"]);
    tmux.wait_for("new subnet");
    tmux.type_text("extra");
    tmux.send(&["Tab", "Tab", "Tab"]);
    tmux.type_text("10.0.50.0/24");
    tmux.send(&["Enter"]);
    tmux.wait_for("added subnet extra 10.0.50.0/24");
    tmux.send(&["C-s"]);
    tmux.wait_for("save as");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("saved saves/three-tier.ron");
    println!("{screen}");
    tmux.send(&["q"]);
    tmux.wait_for_exit();

    let saved = dir.join("saves").join("three-tier.ron");
    assert!(saved.exists(), "no saved file at {}", saved.display());
    let d = vpcd::io::load(&saved).unwrap();
    assert!(d.subnets.iter().any(|s| s.name == "extra"));
    let check = Command::new(bin)
        .arg("check")
        .arg(&saved)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "vpcd check failed: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // A clean quit after saving leaves no recovery file.
    assert_eq!(
        std::fs::read_dir(dir.join("state/vpcd/recovery")).map_or(0, |d| d.count()),
        0
    );
}
