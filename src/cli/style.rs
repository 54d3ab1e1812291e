//! How every headless command prints, so they all behave the same way:
//!
//! - **Colour** (`--color auto|always|never`): `auto` colours a stream only
//!   when it is a terminal, never when `NO_COLOR` is set to anything
//!   (<https://no-color.org>), always when `CLICOLOR_FORCE` is set and not `0`
//!   (<https://bixense.com/clicolors/>), and never on `TERM=dumb`. The colours
//!   are the designer's (`tui::theme`): errors and blocked verdicts red and
//!   bold, warnings yellow, infos dim, reachable green; in a diff, opened
//!   flows yellow and closed ones cyan.
//! - **Quiet and verbose** (`-q`, `-v`): [`Ui::line`] is the result and is
//!   always printed; [`Ui::note`] (headers, hints, summaries, "wrote FILE") is
//!   dropped by `-q`; `-v` adds the timings of each phase on stderr.
//! - **Machine output**: [`Ui::json`] prints one pretty JSON document with a
//!   `schema_version` field ([`SCHEMA_VERSION`]).
//! - **A closed pipe** (`vpcd matrix big.ron | head`): the first write that
//!   finds stdout's reader gone ends the process quietly with status 141
//!   (128 + SIGPIPE, as a shell reports a writer killed by SIGPIPE): never a
//!   panic, never "Broken pipe" on stderr.
//! - **Errors** go to stderr as `error: …` (red on a terminal), with an
//!   optional `hint: …` line.

use std::cell::{Cell, RefCell};
use std::ffi::OsString;
use std::fmt::Display;
use std::io::{self, IsTerminal, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::validate::Severity;

/// The version of every `--format json` shape. It changes only when a key is
/// removed or changes meaning; adding keys keeps it.
pub const SCHEMA_VERSION: u32 = 1;

/// The exit status after stdout's reader went away (`vpcd matrix BIG | head`):
/// 141 = 128 + SIGPIPE, what a shell shows for a writer killed by SIGPIPE.
pub const CLOSED_PIPE: u8 = 141;

/// `--color`: when to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour a terminal, unless NO_COLOR is set (CLICOLOR_FORCE colours a pipe too).
    #[default]
    Auto,
    /// Always colour, even a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether a stream gets colour. `env` reads an environment variable
    /// (given so tests need not change the process environment).
    ///
    /// In `auto`, `NO_COLOR` wins over `CLICOLOR_FORCE` (as in anstream, the
    /// colour crate clap itself uses): a user who asked for no colour gets none.
    pub fn enabled(self, is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |key: &str| env(key).is_some_and(|v| !v.is_empty());
                if set("NO_COLOR") {
                    false
                } else if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                    true
                } else if env("CLICOLOR").is_some_and(|v| v == "0") {
                    false
                } else {
                    is_terminal && env("TERM").is_none_or(|t| t != "dumb")
                }
            }
        }
    }
}

/// clap's own colour (for usage errors and help) follows `--color` when it
/// appears before clap parses it; `auto` leaves clap's detection, which
/// honours NO_COLOR and CLICOLOR_FORCE the same way.
pub fn clap_color(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = if a == "--color" {
            it.next().map(|v| v.into_owned())
        } else {
            a.strip_prefix("--color=").map(str::to_string)
        };
        if let Some(v) = value {
            choice = <ColorChoice as clap::ValueEnum>::from_str(&v, true).ok();
        }
    }
    match choice {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        _ if process_env("NO_COLOR").is_some_and(|v| !v.is_empty()) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

/// Reads an environment variable of this process.
pub fn process_env(key: &str) -> Option<String> {
    std::env::var_os(key).map(|v| v.to_string_lossy().into_owned())
}

/// The designer's colours as ANSI SGR sequences (only the 8 basic colours, so
/// the terminal's palette keeps them legible on dark and light backgrounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    pub const PLAIN: Palette = Palette { color: false };

    fn paint(self, sgr: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{sgr}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    /// Errors and blocked verdicts (the designer's `error`: red, bold).
    pub fn error(self, s: &str) -> String {
        self.paint("1;31", s)
    }
    /// Warnings (yellow).
    pub fn warning(self, s: &str) -> String {
        self.paint("33", s)
    }
    /// Infos and secondary text (dim).
    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Success and reachable verdicts (green).
    pub fn ok(self, s: &str) -> String {
        self.paint("32", s)
    }
    /// A reachable verdict line (green, bold, as the trace panel draws it).
    pub fn ok_strong(self, s: &str) -> String {
        self.paint("1;32", s)
    }
    /// Names and emphasis (cyan).
    pub fn accent(self, s: &str) -> String {
        self.paint("36", s)
    }
    /// Titles (bold).
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    /// A flow a change opened (the trace panel's note draws it as a warning).
    pub fn opened(self, s: &str) -> String {
        self.warning(s)
    }
    /// A flow a change closed (accent, as in the trace panel's note).
    pub fn closed(self, s: &str) -> String {
        self.accent(s)
    }
    /// Text in the colour of a finding's severity.
    pub fn severity(self, severity: Severity, s: &str) -> String {
        match severity {
            Severity::Error => self.error(s),
            Severity::Warning => self.warning(s),
            Severity::Info => self.dim(s),
        }
    }
}

/// A writer that stops quietly once its reader has gone (closed pipe).
struct Sink {
    w: RefCell<Box<dyn Write>>,
    closed: Cell<bool>,
    /// stdout: a closed pipe ends the process with [`CLOSED_PIPE`].
    exit_on_closed_pipe: bool,
}

impl Sink {
    fn new(w: Box<dyn Write>, exit_on_closed_pipe: bool) -> Self {
        Sink {
            w: RefCell::new(w),
            closed: Cell::new(false),
            exit_on_closed_pipe,
        }
    }
    fn write(&self, s: &str) {
        if self.closed.get() {
            return;
        }
        let mut w = self.w.borrow_mut();
        match w.write_all(s.as_bytes()).and_then(|()| w.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && self.exit_on_closed_pipe => {
                std::process::exit(CLOSED_PIPE.into());
            }
            // Any other failure (a full disk, a closed terminal, stderr's
            // reader gone) ends this stream's output; nothing else can be
            // done about it.
            Err(_) => self.closed.set(true),
        }
    }
}

/// A shared buffer standing in for stdout or stderr in tests.
#[derive(Clone, Default)]
pub struct Captured(Rc<RefCell<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The global flags every command takes.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct GlobalArgs {
    /// When to colour the output: auto (a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t, global = true, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only errors and the result: no headers, hints, summaries or progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long each phase took (on stderr).
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// One command's output: stdout and stderr, their colours, `-q`/`-v`, timings.
pub struct Ui {
    /// The `--color` choice (the designer applies it to its theme).
    pub color: ColorChoice,
    /// Colours for stdout.
    pub out: Palette,
    /// Colours for stderr.
    pub err: Palette,
    pub quiet: bool,
    pub verbose: bool,
    /// Whether stderr is a terminal (progress bars are drawn only there).
    pub stderr_is_terminal: bool,
    stdout: Sink,
    stderr: Sink,
    started: Instant,
    timings: RefCell<Vec<(&'static str, Duration)>>,
}

impl Ui {
    /// The real stdout and stderr, coloured as the flags and environment say.
    pub fn from_args(args: &GlobalArgs) -> Ui {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        Ui {
            color: args.color,
            out: Palette {
                color: args.color.enabled(stdout_tty, process_env),
            },
            err: Palette {
                color: args.color.enabled(stderr_tty, process_env),
            },
            quiet: args.quiet,
            verbose: args.verbose,
            stderr_is_terminal: stderr_tty,
            stdout: Sink::new(Box::new(io::stdout()), true),
            stderr: Sink::new(Box::new(io::stderr()), false),
            started: Instant::now(),
            timings: RefCell::new(Vec::new()),
        }
    }

    /// A `Ui` writing into buffers (for tests): returns it with its stdout and stderr.
    pub fn capture(args: &GlobalArgs, color: bool) -> (Ui, Captured, Captured) {
        let (out, err) = (Captured::default(), Captured::default());
        let ui = Ui {
            color: args.color,
            out: Palette { color },
            err: Palette { color },
            quiet: args.quiet,
            verbose: args.verbose,
            stderr_is_terminal: false,
            stdout: Sink::new(Box::new(out.clone()), false),
            stderr: Sink::new(Box::new(err.clone()), false),
            started: Instant::now(),
            timings: RefCell::new(Vec::new()),
        };
        (ui, out, err)
    }

    /// Text exactly as given (no newline added): part of the result.
    pub fn print(&self, s: &str) {
        self.stdout.write(s);
    }
    /// One line of the result: printed even with `-q`.
    pub fn line(&self, s: impl Display) {
        self.stdout.write(&format!("{s}\n"));
    }
    /// One line around the result (a header, a hint, a summary, "wrote FILE"): dropped by `-q`.
    pub fn note(&self, s: impl Display) {
        if !self.quiet {
            self.line(s);
        }
    }
    /// Prints a JSON document (pretty), with `schema_version` added to an object.
    pub fn json(&self, mut doc: serde_json::Value) {
        if let Some(map) = doc.as_object_mut() {
            map.insert("schema_version".into(), SCHEMA_VERSION.into());
        }
        match serde_json::to_string_pretty(&doc) {
            Ok(s) => self.line(s),
            Err(e) => self.error(format!("cannot write JSON: {e}")),
        }
    }
    /// Serializes a value and prints it as [`Ui::json`] does.
    pub fn json_of(&self, value: &impl serde::Serialize) {
        match serde_json::to_value(value) {
            Ok(doc) => self.json(doc),
            Err(e) => self.error(format!("cannot write JSON: {e}")),
        }
    }
    /// `error: …` on stderr.
    pub fn error(&self, msg: impl Display) {
        self.stderr.write(&format!("{} {msg}\n", self.err.error("error:")));
    }
    /// `warning: …` on stderr (dropped by `-q`).
    pub fn warn(&self, msg: impl Display) {
        if !self.quiet {
            self.stderr.write(&format!("{} {msg}\n", self.err.warning("warning:")));
        }
    }
    /// `hint: …` on stderr, after an error.
    pub fn hint(&self, msg: impl Display) {
        self.stderr.write(&format!("{} {msg}\n", self.err.accent("hint:")));
    }
    /// A line on stderr that is not an error (e.g. progress summaries), dropped by `-q`.
    pub fn status(&self, msg: impl Display) {
        if !self.quiet {
            self.stderr.write(&format!("{msg}\n"));
        }
    }

    /// Runs one phase of the command, remembering how long it took for `-v`.
    pub fn time<T>(&self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let v = f();
        self.timings.borrow_mut().push((phase, start.elapsed()));
        v
    }
    /// With `-v`, prints the phases' timings and the total on stderr.
    pub fn finish(&self) {
        if !self.verbose {
            return;
        }
        let mut parts: Vec<String> = self
            .timings
            .borrow()
            .iter()
            .map(|(phase, d)| format!("{phase} {}", fmt_duration(*d)))
            .collect();
        parts.push(format!("total {}", fmt_duration(self.started.elapsed())));
        self.stderr
            .write(&format!("{} {}\n", self.err.dim("timings:"), parts.join(", ")));
    }
}

/// `0.42 ms`, `12.3 ms`, `1.20 s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1e3)
    }
}

/// `1 error`, `2 errors`.
pub fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn auto_colours_only_a_terminal() {
        assert!(ColorChoice::Auto.enabled(true, env(&[])));
        assert!(!ColorChoice::Auto.enabled(false, env(&[])));
        assert!(!ColorChoice::Auto.enabled(true, env(&[("TERM", "dumb")])));
    }

    #[test]
    fn no_color_set_to_anything_disables_auto_but_not_always() {
        // no-color.org: "when present and not an empty string (regardless of its value)".
        assert!(!ColorChoice::Auto.enabled(true, env(&[("NO_COLOR", "1")])));
        assert!(!ColorChoice::Auto.enabled(true, env(&[("NO_COLOR", "0")])));
        assert!(ColorChoice::Auto.enabled(true, env(&[("NO_COLOR", "")])));
        assert!(ColorChoice::Always.enabled(false, env(&[("NO_COLOR", "1")])));
        assert!(!ColorChoice::Never.enabled(true, env(&[])));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_unless_no_color() {
        assert!(ColorChoice::Auto.enabled(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!ColorChoice::Auto.enabled(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!ColorChoice::Auto.enabled(false, env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])));
        assert!(!ColorChoice::Auto.enabled(true, env(&[("CLICOLOR", "0")])));
    }

    #[test]
    fn palette_paints_only_when_enabled() {
        let on = Palette { color: true };
        assert_eq!(on.error("x"), "\x1b[1;31mx\x1b[0m");
        assert_eq!(on.severity(Severity::Warning, "w"), "\x1b[33mw\x1b[0m");
        assert_eq!(Palette::PLAIN.error("x"), "x");
        assert_eq!(on.ok(""), "", "nothing to paint, no escape codes");
    }

    #[test]
    fn quiet_drops_notes_but_keeps_the_result_and_errors() {
        let args = GlobalArgs {
            quiet: true,
            ..GlobalArgs::default()
        };
        let (ui, out, err) = Ui::capture(&args, false);
        ui.note("header");
        ui.line("result");
        ui.warn("careful");
        ui.error("broken");
        assert_eq!(out.text(), "result\n");
        assert_eq!(err.text(), "error: broken\n");
    }

    #[test]
    fn json_carries_the_schema_version() {
        let (ui, out, _) = Ui::capture(&GlobalArgs::default(), false);
        ui.json(serde_json::json!({"a": 1}));
        let v: serde_json::Value = serde_json::from_str(&out.text()).unwrap();
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn verbose_prints_timings_on_stderr_only() {
        let args = GlobalArgs {
            verbose: true,
            ..GlobalArgs::default()
        };
        let (ui, out, err) = Ui::capture(&args, false);
        let n = ui.time("load", || 41 + 1);
        assert_eq!(n, 42);
        ui.finish();
        assert_eq!(out.text(), "");
        let e = err.text();
        assert!(e.starts_with("timings: load ") && e.contains(", total "), "{e}");
    }

    /// A reader that went away: every write fails with EPIPE.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stream_stops_its_output_quietly() {
        let sink = Sink::new(Box::new(ClosedPipe), false);
        sink.write("first");
        assert!(sink.closed.get());
        sink.write("second"); // no panic, nothing attempted
    }

    #[test]
    fn clap_colour_follows_the_flag() {
        let args = |words: &[&str]| -> Vec<OsString> {
            std::iter::once("vpcd")
                .chain(words.iter().copied())
                .map(OsString::from)
                .collect()
        };
        assert_eq!(clap_color(&args(&["--color", "never"])), clap::ColorChoice::Never);
        assert_eq!(clap_color(&args(&["--color=always", "x"])), clap::ColorChoice::Always);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_duration(Duration::from_micros(420)), "0.42 ms");
        assert_eq!(fmt_duration(Duration::from_millis(123)), "123.0 ms");
        assert_eq!(fmt_duration(Duration::from_millis(1200)), "1.20 s");
    }
}
