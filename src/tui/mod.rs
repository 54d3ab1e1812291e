//! The interactive designer (ratatui + crossterm, tui-textarea inputs).
//!
//! Elm style: [`app::App`] holds the workspace and view state; events become
//! actions through the keymap table ([`keymap`]); panes ([`panes`]) render
//! from the snapshot and answer with messages. The terminal is restored on
//! every exit path — normal quit, error, panic (hook), Ctrl-c, signals and
//! a lost terminal — mouse capture included ([`session`]).

pub mod app;
pub mod forms;
pub mod keymap;
pub mod panes;
pub mod preview;
pub mod session;
pub mod theme;
pub mod trace_session;
pub mod wizard_form;

use std::io::{self, stdout};

use ratatui::crossterm::event::DisableMouseCapture;
use ratatui::crossterm::execute;

pub use app::{App, Options};
pub use session::{run_app, Ending};

use crate::workspace::Workspace;

/// Undoes everything the designer enabled. Runs on drop (normal return and
/// error) and from the panic hook.
struct TerminalGuard;

fn restore_terminal() {
    let _ = execute!(stdout(), DisableMouseCapture, ratatui::crossterm::cursor::Show);
    // Quietly: with the terminal gone there is nothing to restore, and
    // ratatui's `restore` would print its failure to stderr.
    let _ = ratatui::try_restore();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the designer until the session ends.
pub fn run(ws: Workspace, opts: Options) -> io::Result<Ending> {
    run_app(App::new(ws, opts))
}
