//! Progress bars for work that can take seconds on large inputs (`diff`,
//! `matrix`, `generate`, `bench`, imports and exports). A bar is drawn on
//! stderr, and only when stderr is a terminal, the output is not JSON and
//! `-q` was not given: stdout carries the result alone, so a pipe or a file
//! never sees a bar. Counts and an ETA are shown (indicatif).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{OutputFormat, Ui};

/// Whether a command should draw a progress bar.
pub fn wanted(stderr_is_terminal: bool, quiet: bool, format: OutputFormat) -> bool {
    stderr_is_terminal && !quiet && format != OutputFormat::Json
}

/// A progress bar, or nothing when one is not wanted.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar of `len` steps labelled `what` (e.g. "matrix rows"), if [`wanted`].
    pub fn new(ui: &Ui, format: OutputFormat, len: u64, what: &str) -> Progress {
        if !wanted(ui.stderr_is_terminal, ui.quiet, format) {
            return Progress::none();
        }
        let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({elapsed}, ETA {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(what.to_string());
        // Nothing is drawn for work that ends quickly.
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// No bar (the work reports into nothing).
    pub fn none() -> Progress {
        Progress { bar: None }
    }

    /// Whether a bar is drawn.
    pub fn is_drawn(&self) -> bool {
        self.bar.is_some()
    }

    /// `done` of `total` steps are finished (the total may grow as work is found).
    pub fn update(&self, done: usize, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    }

    /// One step of a command made of a few long steps is done; `next` is the one starting.
    pub fn advance(&self, next: &str) {
        if let Some(b) = &self.bar {
            b.inc(1);
            b.set_message(next.to_string());
        }
    }

    /// Starts the next stage of a command on the same bar.
    pub fn stage(&self, what: &str, total: usize) {
        if let Some(b) = &self.bar {
            b.set_message(what.to_string());
            b.set_length(total as u64);
            b.set_position(0);
        }
    }

    /// Removes the bar from the terminal (the result is printed after it).
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_terminal_in_text_mode_without_quiet_gets_a_bar() {
        assert!(wanted(true, false, OutputFormat::Text));
        assert!(!wanted(false, false, OutputFormat::Text), "a pipe or a file");
        assert!(!wanted(true, true, OutputFormat::Text), "-q");
        assert!(!wanted(true, false, OutputFormat::Json), "--format json");
    }

    #[test]
    fn a_captured_ui_draws_nothing() {
        let (ui, _, err) = Ui::capture(&crate::cli::GlobalArgs::default(), false);
        let p = Progress::new(&ui, OutputFormat::Text, 10, "rows");
        assert!(!p.is_drawn());
        p.update(5, 10);
        p.finish();
        assert_eq!(err.text(), "");
    }
}
