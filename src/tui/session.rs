//! The event loop around the app, and every way it can end.
//!
//! Terminal input is read on a thread of its own and arrives with caught
//! signals on one channel, so the loop never blocks where it cannot notice
//! the end: SIGTERM, SIGINT, SIGHUP and SIGQUIT, the terminal going away
//! (tmux killed, ssh dropped: the tty reads EOF/EIO, which crossterm would
//! otherwise retry forever at full CPU) and panics all end the session the
//! same way: unsaved work is written to the design's recovery file, the
//! terminal is restored (raw mode, alternate screen, mouse capture, cursor)
//! and vpcd exits with the conventional status (128 + the signal; 129, as for
//! SIGHUP, when the terminal is gone; 101 after a panic). A second signal
//! during that shutdown exits at once.

use std::io::{self, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, EnableMouseCapture, Event, KeyCode, KeyEventKind};
use ratatui::crossterm::execute;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use super::{restore_terminal, App, TerminalGuard};

/// The signals that end a session (with SIGKILL, which nothing can catch,
/// the autosave after a few idle seconds is what is left).
const ENDING_SIGNALS: [i32; 4] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT];

/// How often the loop wakes without input (the idle autosave and pane timers run then).
const TICK: Duration = Duration::from_millis(500);

/// An environment variable naming a key that makes the designer panic: the
/// end-to-end test of the panic path uses it. Unset, it does nothing.
pub const PANIC_KEY_VAR: &str = "VPCD_DEBUG_PANIC_ON_KEY";

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The user quit.
    Quit,
    /// A signal (its number) ended it.
    Signal(i32),
    /// The terminal went away.
    TerminalLost,
    /// The designer panicked.
    Panic,
}

impl Ending {
    /// The process exit status: 0, 128 + signal, 129 (as SIGHUP) or 101 (Rust's panic status).
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Quit => 0,
            Ending::Signal(n) => u8::try_from(128 + n).unwrap_or(u8::MAX),
            Ending::TerminalLost => 128 + 1,
            Ending::Panic => 101,
        }
    }
}

enum Input {
    Event(Event),
    Signal(i32),
    /// Reading the terminal failed.
    Lost,
}

/// Runs the designer until it ends; see the module comment.
pub fn run_app(mut app: App) -> io::Result<Ending> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let (tx, rx) = mpsc::channel::<Input>();
    // A second ending signal while the first is handled exits at once.
    let shutting_down = Arc::new(AtomicBool::new(false));
    let mut ids = Vec::new();
    for sig in ENDING_SIGNALS {
        ids.push(signal_hook::flag::register_conditional_shutdown(
            sig,
            128 + sig,
            Arc::clone(&shutting_down),
        )?);
        ids.push(signal_hook::flag::register(sig, Arc::clone(&shutting_down))?);
    }
    let mut signals = signal_hook::iterator::Signals::new(ENDING_SIGNALS)?;
    let signal_handle = signals.handle();
    let signal_tx = tx.clone();
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if signal_tx.send(Input::Signal(sig)).is_err() {
                break;
            }
        }
    });

    let mut terminal = ratatui::try_init()?;
    let guard = TerminalGuard;
    execute!(io::stdout(), EnableMouseCapture)?;
    std::thread::spawn(move || loop {
        let input = match event::read() {
            Ok(ev) => Input::Event(ev),
            Err(_) => Input::Lost,
        };
        let lost = matches!(input, Input::Lost);
        if tx.send(input).is_err() || lost {
            break;
        }
    });
    let watch_tty = io::stdin().is_terminal() || io::stdout().is_terminal();
    let panic_key = std::env::var(PANIC_KEY_VAR).ok().and_then(|v| v.chars().next());

    let outcome = catch_unwind(AssertUnwindSafe(|| -> Ending {
        loop {
            if app.quit {
                return Ending::Quit;
            }
            // A hung-up tty stops being a terminal (its ioctls fail).
            if watch_tty && !io::stdin().is_terminal() && !io::stdout().is_terminal() {
                return Ending::TerminalLost;
            }
            if terminal.draw(|f| app.draw(f)).is_err() {
                return Ending::TerminalLost;
            }
            // Work put off while typing (the diagram's relayout) is done once
            // input pauses: wake up for it sooner than the regular tick.
            let wait = if app.has_deferred_work() {
                super::app::IDLE
            } else {
                TICK
            };
            let mut next = rx.recv_timeout(wait);
            // Drain what is queued before the next redraw (resize included).
            loop {
                match next {
                    Ok(Input::Signal(sig)) => return Ending::Signal(sig),
                    Ok(Input::Lost) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ending::TerminalLost,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Ok(Input::Event(ev)) => {
                        if let (Some(c), Event::Key(k)) = (panic_key, &ev) {
                            if k.kind == KeyEventKind::Press && k.code == KeyCode::Char(c) {
                                panic!("{PANIC_KEY_VAR}: a deliberate panic to test the panic path");
                            }
                        }
                        app.handle_event(ev);
                    }
                }
                if app.quit {
                    break;
                }
                next = rx.try_recv().map_err(|e| match e {
                    mpsc::TryRecvError::Empty => mpsc::RecvTimeoutError::Timeout,
                    mpsc::TryRecvError::Disconnected => mpsc::RecvTimeoutError::Disconnected,
                });
            }
            app.tick(Instant::now());
        }
    }));
    let ending = outcome.unwrap_or(Ending::Panic);
    // Unsaved work first (the terminal may be gone), then the terminal.
    let mut messages = app.farewell().to_vec();
    if ending != Ending::Quit {
        messages.extend(app.emergency_save());
    }
    if ending == Ending::TerminalLost {
        // Its drop would try to show the cursor on a terminal that is gone
        // and print that failure; the process is ending, so nothing leaks.
        std::mem::forget(terminal);
    } else {
        drop(terminal);
    }
    drop(guard);
    restore_terminal();
    signal_handle.close();
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    let mut err = io::stderr();
    match ending {
        Ending::Signal(sig) => {
            let _ = writeln!(err, "vpcd: ended by signal {sig}");
        }
        Ending::TerminalLost => {
            let _ = writeln!(err, "vpcd: the terminal went away");
        }
        Ending::Quit | Ending::Panic => {}
    }
    for m in messages {
        // The terminal may be gone: a failed write is not an error here.
        let _ = writeln!(err, "vpcd: {m}");
    }
    Ok(ending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses_follow_the_shell_convention() {
        assert_eq!(Ending::Quit.exit_code(), 0);
        assert_eq!(Ending::Signal(SIGTERM).exit_code(), 143);
        assert_eq!(Ending::Signal(SIGINT).exit_code(), 130);
        assert_eq!(Ending::Signal(SIGHUP).exit_code(), 129);
        assert_eq!(Ending::Signal(SIGQUIT).exit_code(), 131);
        assert_eq!(Ending::TerminalLost.exit_code(), 129);
        assert_eq!(Ending::Panic.exit_code(), 101);
    }
}
