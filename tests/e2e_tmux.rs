//! End to end: the real binary in tmux. Open the sample → add a subnet →
//! save → quit → `vpcd check` the saved file. Skipped (with a notice) only
//! when tmux is not installed.

use std::path::Path;
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
        let status = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }
    fn type_text(&self, text: &str) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }
    fn capture(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
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

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn open_sample_add_subnet_save_quit_and_check() {
    if !tmux_available() {
        eprintln!("NOTICE: tmux is not installed; skipping the end-to-end designer test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_vpcd");
    let tmux = Tmux {
        socket: format!("vpcd-e2e-{}", std::process::id()),
        session: "designer".into(),
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
    let deadline = Instant::now() + Duration::from_secs(30);
    while tmux.alive() {
        assert!(Instant::now() < deadline, "vpcd did not quit:\n{}", tmux.capture());
        std::thread::sleep(Duration::from_millis(100));
    }

    let saved = dir.path().join("saves").join("three-tier.ron");
    assert!(saved.exists(), "no saved file at {}", saved.display());
    let d = vpcd::io::load(&saved).unwrap();
    assert!(d.subnets.iter().any(|s| s.name == "extra"));
    let check = Command::new(bin)
        .arg("check")
        .arg(&saved)
        .current_dir(dir.path())
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
    assert!(!Path::new(&format!("{home}/state/vpcd/recovery.ron")).exists());
}
