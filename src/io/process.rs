//! Which process owns something (a recovery file, a temporary save file), and
//! whether it still runs.
//!
//! A process id alone is not an identity: the kernel reuses ids. On Linux the
//! owner is the pid plus the process's start time (field 22 of
//! `/proc/PID/stat`, in clock ticks since boot), so a new process that got an
//! old id is not mistaken for the old owner. Elsewhere the start time is
//! unknown and liveness falls back to `kill -0`.

use std::path::Path;

/// A running (or once running) process: its id and, where the system says,
/// when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    pub pid: u32,
    /// Start time in clock ticks since boot (Linux); `None` when unknown.
    pub start: Option<u64>,
}

impl Owner {
    /// This process.
    pub fn current() -> Owner {
        let pid = std::process::id();
        Owner {
            pid,
            start: start_time(pid),
        }
    }

    /// Whether this owner still runs: the pid exists and, when both start
    /// times are known, it is the same process (not a reused id).
    pub fn is_alive(&self) -> bool {
        if self.pid == std::process::id() {
            return self.start.is_none() || self.start == start_time(self.pid);
        }
        if Path::new("/proc/self/stat").exists() {
            return match stat_fields(self.pid) {
                // A zombie has finished; only its exit status is left.
                Some((state, _)) if state == 'Z' || state == 'X' => false,
                Some((_, start)) => self.start.is_none() || self.start == Some(start),
                None => false,
            };
        }
        pid_exists(self.pid)
    }

    /// `PID` or `PID.START`, as written in file headers.
    pub fn to_token(&self) -> String {
        match self.start {
            Some(s) => format!("{}.{s}", self.pid),
            None => self.pid.to_string(),
        }
    }

    /// Reads [`Owner::to_token`]'s form back.
    pub fn from_token(token: &str) -> Option<Owner> {
        let token = token.trim();
        let (pid, start) = match token.split_once('.') {
            Some((p, s)) => (p, Some(s.parse().ok()?)),
            None => (token, None),
        };
        Some(Owner {
            pid: pid.parse().ok()?,
            start,
        })
    }
}

/// Whether a process with this id runs (no start-time check).
pub fn pid_exists(pid: u32) -> bool {
    if Path::new("/proc/self/stat").exists() {
        return stat_fields(pid).is_some_and(|(state, _)| state != 'Z' && state != 'X');
    }
    // No /proc: ask the system. When even that fails, assume it runs, so
    // nothing of a possibly live process is deleted.
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(true)
}

fn start_time(pid: u32) -> Option<u64> {
    stat_fields(pid).map(|(_, start)| start)
}

/// State letter and start time from `/proc/PID/stat`.
fn stat_fields(pid: u32) -> Option<(char, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces or
    // parentheses itself: the fields after it start after the last `)`.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    // Field 3 is the state; the start time is field 22, i.e. 19 after it.
    let start = fields.nth(18)?.parse().ok()?;
    Some((state, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_round_trips_through_its_token() {
        let me = Owner::current();
        assert!(me.is_alive());
        assert_eq!(Owner::from_token(&me.to_token()), Some(me));
    }

    #[test]
    fn a_finished_child_is_not_alive() {
        let mut child = std::process::Command::new("true").spawn().expect("spawn true");
        let owner = Owner {
            pid: child.id(),
            start: start_time(child.id()),
        };
        child.wait().expect("wait");
        assert!(!owner.is_alive());
    }

    #[test]
    fn a_reused_pid_with_another_start_time_is_not_the_owner() {
        let me = Owner::current();
        if let Some(start) = me.start {
            let impostor = Owner {
                pid: me.pid,
                start: Some(start + 1),
            };
            assert!(!impostor.is_alive());
        }
    }

    #[test]
    fn garbage_tokens_are_refused() {
        assert_eq!(Owner::from_token("x"), None);
        assert_eq!(Owner::from_token("12.y"), None);
        assert_eq!(Owner::from_token("12"), Some(Owner { pid: 12, start: None }));
    }
}
