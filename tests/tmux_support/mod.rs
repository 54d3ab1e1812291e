//! The real `vpcd` binary in a private tmux server, driven with send-keys and
//! read back with capture-pane. Shared by the end-to-end tests.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    session: String,
    _home: tempfile::TempDir,
}

/// Whether tmux can run here (`.ci/run` installs it when missing).
pub fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Tmux {
    /// Starts `vpcd` at 120×40 in a fresh temporary home (its working
    /// directory, so `saves/` and the recovery file land there).
    pub fn start(name: &str) -> Tmux {
        let home = tempfile::tempdir().unwrap();
        let tmux = Tmux {
            socket: format!("vpcd-e2e-{name}-{}", std::process::id()),
            session: name.to_string(),
            _home: home,
        };
        let bin = env!("CARGO_BIN_EXE_vpcd");
        let h = tmux.home().display().to_string();
        let script = format!("cd '{h}' && HOME='{h}' XDG_STATE_HOME='{h}/state' TERM=xterm-256color exec '{bin}'");
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
        tmux
    }

    pub fn home(&self) -> &std::path::Path {
        self._home.path()
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// Sends tmux key names (`Enter`, `C-s`, `BTab`, …).
    pub fn send(&self, keys: &[&str]) {
        let ok = self.cmd().args(["send-keys", "-t", &self.session]).args(keys).status();
        assert!(ok.is_ok_and(|s| s.success()));
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        let ok = self.cmd().args(["send-keys", "-t", &self.session, "-l", text]).status();
        assert!(ok.is_ok_and(|s| s.success()));
    }

    pub fn capture(&self) -> String {
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
    pub fn wait_for(&self, needle: &str) -> String {
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

    /// Waits until the program has exited (its tmux session is gone).
    pub fn wait_for_exit(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.alive() {
            assert!(Instant::now() < deadline, "vpcd did not quit:\n{}", self.capture());
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
