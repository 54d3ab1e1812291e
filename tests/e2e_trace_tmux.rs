//! End to end: the trace panel in the real binary under tmux — focus it, type
//! a query with Tab completion, run it, step a hop, quit. Skipped (with a
//! notice) only when tmux is not installed.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }
    fn send(&self, keys: &[&str]) {
        let ok = self.cmd().args(["send-keys", "-t", &self.session]).args(keys).status();
        assert!(ok.is_ok_and(|s| s.success()));
    }
    fn type_text(&self, text: &str) {
        let ok = self.cmd().args(["send-keys", "-t", &self.session, "-l", text]).status();
        assert!(ok.is_ok_and(|s| s.success()));
    }
    fn capture(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-t", &self.session]).output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }
    fn alive(&self) -> bool {
        self.cmd()
            .args(["has-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
    /// Waits (generously) until the screen shows `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for `{needle}`; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Our own server on our own socket only.
        let _ = self
            .cmd()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn trace_a_query_in_the_real_designer() {
    if !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end trace panel test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_vpcd");
    let tmux = Tmux {
        socket: format!("vpcd-e2e-trace-{}", std::process::id()),
        session: "trace".into(),
    };
    let home = dir.path().display().to_string();
    let script = format!("cd '{home}' && HOME='{home}' XDG_STATE_HOME='{home}/state' TERM=xterm-256color exec '{bin}'");
    let status = tmux
        .cmd()
        .args([
            "new-session",
            "-d",
            "-s",
            &tmux.session,
            "-x",
            "120",
            "-y",
            "40",
            &script,
        ])
        .status()
        .unwrap();
    assert!(status.success(), "tmux new-session failed");
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
    let deadline = Instant::now() + Duration::from_secs(30);
    while tmux.alive() {
        assert!(Instant::now() < deadline, "vpcd did not quit:\n{}", tmux.capture());
        std::thread::sleep(Duration::from_millis(100));
    }
}
