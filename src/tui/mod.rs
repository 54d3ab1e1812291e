//! The interactive designer (ratatui + crossterm, tui-textarea inputs).
//!
//! Elm style: [`app::App`] holds the workspace and view state; events become
//! actions through the keymap table ([`keymap`]); panes ([`panes`]) render
//! from the snapshot and answer with messages. The terminal is restored on
//! every exit path — normal quit, error, panic (hook) and Ctrl-c — mouse
//! capture included.

pub mod app;
pub mod forms;
pub mod keymap;
pub mod panes;
pub mod preview;
pub mod recovery;
pub mod theme;
pub mod trace_session;
pub mod wizard_form;

use std::io::{self, stdout};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

pub use app::{App, Options};

use crate::workspace::Workspace;

/// Undoes everything the designer enabled. Runs on drop (normal return and
/// error) and from the panic hook.
struct TerminalGuard;

fn restore_terminal() {
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the designer until the user quits.
pub fn run(ws: Workspace, opts: Options) -> io::Result<()> {
    run_app(App::new(ws, opts))
}

/// Runs the designer on an app already set up (practice mode opens an exercise first).
pub fn run_app(mut app: App) -> io::Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    let _guard = TerminalGuard;
    execute!(stdout(), EnableMouseCapture)?;
    while !app.quit {
        terminal.draw(|f| app.draw(f))?;
        // Wake up regularly so the idle autosave can run.
        if event::poll(Duration::from_millis(500))? {
            // Drain what is queued before the next redraw (resize included).
            loop {
                let ev = event::read()?;
                app.handle_event(ev);
                if app.quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        app.tick(Instant::now());
    }
    Ok(())
}
