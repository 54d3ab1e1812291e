//! A pseudo-terminal of the test's own, for what tmux cannot show: a
//! terminal that goes away without a signal, and output that must (or must
//! not) appear only on a terminal. The test holds the master side; what the
//! program writes is read back through a VT100 parser, as a terminal would
//! show it, and kept raw as well.
#![allow(dead_code)]

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;
use rustix::termios::Winsize;

pub struct Pty {
    master: File,
    slave: Option<File>,
    screen: vt100::Parser,
    raw: Vec<u8>,
}

impl Pty {
    /// A terminal of `rows` × `cols`.
    pub fn open(rows: u16, cols: u16) -> Pty {
        let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        rustix::pty::grantpt(&master).unwrap();
        rustix::pty::unlockpt(&master).unwrap();
        let name = rustix::pty::ptsname(&master, Vec::new()).unwrap();
        let size = Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        rustix::termios::tcsetwinsize(&master, size).unwrap();
        // NOCTTY: opening it here makes it nobody's controlling terminal. CLOEXEC (both
        // sides): a child holds only the descriptors it is given, or the
        // terminal could never go away while it runs.
        let slave = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        rustix::fs::fcntl_setfl(&master, OFlags::NONBLOCK).unwrap();
        Pty {
            master: File::from(master),
            slave: Some(File::from(slave)),
            screen: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
        }
    }

    /// The terminal side, for a child's stdin, stdout or stderr.
    pub fn terminal(&self) -> Stdio {
        Stdio::from(
            self.slave
                .as_ref()
                .expect("the terminal side is open")
                .try_clone()
                .unwrap(),
        )
    }

    /// Closes the test's own copy of the terminal side (once the child has
    /// its copies), so that the child's end is the terminal's end.
    pub fn release_terminal(&mut self) {
        self.slave = None;
    }

    /// Reads what has been written so far.
    pub fn pump(&mut self) {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.master.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    self.screen.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // WouldBlock: nothing yet; EIO: every terminal-side descriptor is closed.
                Err(_) => return,
            }
        }
    }

    /// The screen as a terminal shows it now.
    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Everything written to the terminal, escapes included, as text.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// Waits (up to a minute) until the screen shows `text`; panics with the
    /// screen if `child` ends first or the time runs out.
    pub fn wait_for(&mut self, child: &mut Child, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            self.pump();
            if self.contents().contains(text) {
                return;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the program ended ({status}) before showing {text:?}:\n{}",
                    self.contents()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never appeared; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text` (keys as the terminal sends them: "\r" is Enter, "\t" Tab).
    pub fn send(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Hangs the terminal up: its master side closes, as when an ssh
    /// connection drops or a terminal emulator's window is closed.
    pub fn hang_up(self) {
        drop(self);
    }
}

/// Waits (up to 30 s) for `child` to end and returns its exit status; kills
/// it and panics if it does not.
pub fn wait_exit(child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the program kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
