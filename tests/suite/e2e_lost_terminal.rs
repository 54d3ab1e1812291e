//! End to end, on a pseudo-terminal of the test's own: the terminal going
//! away with no signal at all. When an ssh connection drops or a terminal
//! emulator is closed, the tty is hung up; a process that is not that
//! terminal's controlling process gets no SIGHUP, only reads and writes that
//! fail (EIO, or end of file). vpcd must notice, write the unsaved work to
//! the design's recovery file and exit 129 (as for SIGHUP), instead of
//! retrying the read forever.
//!
//! vpcd runs in a session of its own (`setsid`), so the pseudo-terminal is
//! nobody's controlling terminal and closing its master side sends no
//! signal: only the lost-terminal path can end the session.

use crate::pty_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use pty_support::{wait_exit, Pty};

fn recovery_files(home: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(home.join("state/vpcd/recovery"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_hung_up_terminal_without_a_signal_writes_recovery_and_exits_129() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    vpcd::io::save(&h.join("lab.ron"), &vpcd::create::templates::sample::three_tier()).unwrap();
    let mut pty = Pty::open(40, 120);
    // `setsid -w`: a new session with no controlling terminal; setsid execs
    // vpcd in place (a spawned child is not a process-group leader, so it
    // does not fork) and, with -w, would return its status if it did.
    let mut vpcd = Command::new("setsid")
        .arg("-w")
        .arg(env!("CARGO_BIN_EXE_vpcd"))
        .arg("lab.ron")
        .current_dir(h)
        .env("HOME", h)
        .env("XDG_STATE_HOME", h.join("state"))
        .env("TERM", "xterm-256color")
        .stdin(pty.terminal())
        .stdout(pty.terminal())
        .stderr(std::fs::File::create(h.join("err.txt")).unwrap())
        .spawn()
        .expect("setsid (util-linux) starts vpcd in a session of its own");
    pty.release_terminal();

    // An unsaved change, through the subnet form.
    pty.wait_for(&mut vpcd, "VPC tree · three-tier");
    pty.send("a");
    pty.wait_for(&mut vpcd, "add what?");
    pty.send("subnet\r");
    pty.wait_for(&mut vpcd, "new subnet");
    pty.send("extra\t\t\t10.0.50.0/24\r");
    pty.wait_for(&mut vpcd, "added subnet extra 10.0.50.0/24");

    pty.hang_up();
    let status = wait_exit(&mut vpcd);
    let err = std::fs::read_to_string(h.join("err.txt")).unwrap();
    assert_eq!(status, 129, "the lost terminal's status, as for SIGHUP:\n{err}");
    assert!(err.contains("the terminal went away"), "{err}");
    assert!(!err.contains("ended by signal"), "no signal was sent:\n{err}");
    assert!(
        !err.contains("Failed to"),
        "no noise about a terminal that is gone:\n{err}"
    );
    let files = recovery_files(h);
    assert_eq!(files.len(), 1, "{files:?}\n{err}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("\"extra\""), "the recovery holds the edit");
    let saved = std::fs::read_to_string(h.join("lab.ron")).unwrap();
    assert!(!saved.contains("\"extra\""), "the design file itself is untouched");
}
