//! The real `vpcd` binary in a private tmux server, driven with send-keys and
//! read back with capture-pane. Shared by the end-to-end tests. Each test
//! gets its own server (`-L` socket named after the test and this process);
//! dropping the handle kills the vpcd it started and that server, also when
//! the test fails.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    session: String,
    _home: tempfile::TempDir,
}

/// How to run vpcd in [`Tmux::start_watched`].
#[derive(Default)]
pub struct Run<'a> {
    /// Arguments to vpcd.
    pub args: &'a [&'a str],
    /// Extra environment, `NAME=value`.
    pub env: &'a [&'a str],
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
        let tmux = Tmux::new(name);
        let bin = env!("CARGO_BIN_EXE_vpcd");
        let h = tmux.home().display().to_string();
        let script = format!("cd '{h}' && HOME='{h}' XDG_STATE_HOME='{h}/state' TERM=xterm-256color exec '{bin}'");
        tmux.launch(&script);
        tmux
    }

    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("vpcd-e2e-{name}-{}", std::process::id()),
            session: name.to_string(),
            _home: tempfile::tempdir().unwrap(),
        }
    }

    /// A server with no session yet; `prepare` may write files into its
    /// home before [`Tmux::launch_watched`] starts vpcd there.
    pub fn prepared(name: &str, prepare: impl FnOnce(&std::path::Path)) -> Tmux {
        let tmux = Tmux::new(name);
        prepare(tmux.home());
        tmux
    }

    /// Starts vpcd under a shell that outlives it: vpcd's pid goes to
    /// `vpcd.pid`, its stderr to `err.txt`, its exit status to `status`, and
    /// the terminal's settings afterwards (`stty -a`) to `stty.txt`.
    pub fn start_watched(name: &str, run: Run) -> Tmux {
        let tmux = Tmux::new(name);
        tmux.launch_watched(run);
        tmux
    }

    pub fn launch_watched(&self, run: Run) {
        let bin = env!("CARGO_BIN_EXE_vpcd");
        let h = self.home().display().to_string();
        let args: Vec<String> = run.args.iter().map(|a| format!("'{a}'")).collect();
        let env: Vec<String> = run.env.iter().map(|e| format!("export '{e}';")).collect();
        let script = format!(
            "cd '{h}' && export HOME='{h}' XDG_STATE_HOME='{h}/state' TERM=xterm-256color; {} \
             sh -c 'echo $$ > vpcd.pid; exec \"$0\" \"$@\"' '{bin}' {} 2> err.txt; \
             echo $? > status.tmp; stty -a > stty.txt; mv status.tmp status; exec sleep 600",
            env.join(" "),
            args.join(" ")
        );
        self.launch(&script);
    }

    fn launch(&self, script: &str) {
        let status = self
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                &self.session,
                "-x",
                "120",
                "-y",
                "40",
                script,
            ])
            .status()
            .unwrap();
        assert!(status.success(), "tmux new-session failed");
    }

    /// The pid of the vpcd started by [`Tmux::start_watched`].
    pub fn vpcd_pid(&self) -> u32 {
        let file = self.home().join("vpcd.pid");
        let text = self.wait_for_file(&file);
        text.trim().parse().expect("a pid")
    }

    /// Waits (generously) for a file to exist and returns its text.
    pub fn wait_for_file(&self, path: &std::path::Path) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(text) = std::fs::read_to_string(path) {
                if !text.is_empty() {
                    return text;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {}; screen:\n{}",
                path.display(),
                self.capture()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// vpcd's exit status, once it has exited ([`Tmux::start_watched`]).
    pub fn exit_status(&self) -> i32 {
        let text = self.wait_for_file(&self.home().join("status"));
        text.trim().parse().expect("an exit status")
    }

    /// A tmux format variable of the pane, e.g. `#{alternate_on}`.
    pub fn pane_format(&self, format: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Sends a signal to a process by id.
    pub fn signal(&self, pid: u32, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &pid.to_string()])
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "kill -{sig} {pid} failed");
    }

    /// Kills this test's tmux server (its terminals disappear).
    pub fn kill_server(&self) {
        let _ = self
            .cmd()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
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

/// Whether a process runs (a zombie does not count).
pub fn process_alive(pid: u32) -> bool {
    vpcd::io::process::pid_exists(pid)
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // The vpcd this test started, by its pid, if it still runs.
        if let Some(pid) = std::fs::read_to_string(self.home().join("vpcd.pid"))
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
        {
            // Still running, and still vpcd (not a reused id).
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if process_alive(pid) && comm.trim() == "vpcd" {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        }
        // Our own server on our own socket only.
        self.kill_server();
    }
}
