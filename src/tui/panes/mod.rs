//! The panes of the main screen, one file each. A pane renders from the
//! workspace snapshot plus its own view state, and turns actions into
//! messages ([`Msg`]) that the app applies; panes never mutate the design.
//!
//! Registering a pane is one line in [`registry`]; its [`Region`] and weight
//! decide where the layout puts it.

pub mod cost;
pub mod diagnostics;
pub mod diagram;
pub mod inspector;
pub mod planner;
pub mod practice;
pub mod routes;
pub mod rules;
pub mod trace;
pub mod tree;

use std::cell::RefCell;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::forms::Form;
use super::keymap::{Action, Context};
use super::theme::Theme;
use super::trace_session::TraceSession;
use crate::edit::Edit;
use crate::model::ObjectRef;
use crate::workspace::Workspace;

/// What a pane sees: the workspace snapshot, the current object, the trace
/// being looked at and the theme.
pub struct Ctx<'a> {
    pub ws: &'a Workspace,
    /// The object selected in the tree (or jumped to), which other panes follow.
    pub selected: Option<&'a ObjectRef>,
    /// The trace session: the trace panel runs and steps it, the diagram draws it.
    pub trace: &'a RefCell<TraceSession>,
    pub theme: Theme,
}

/// Runs `f` with a context of `ws`, `selected` and no trace, in the plain
/// theme (for the panes' tests).
#[cfg(test)]
pub(crate) fn with_ctx<T>(ws: &Workspace, selected: Option<&ObjectRef>, f: impl FnOnce(&Ctx) -> T) -> T {
    let trace = RefCell::default();
    f(&Ctx {
        ws,
        selected,
        trace: &trace,
        theme: Theme::plain(),
    })
}

/// What a pane asks the app to do.
#[derive(Debug)]
pub enum Msg {
    /// Not handled: the key falls through to the global keymap.
    Ignored,
    /// Handled, nothing else to do.
    Consumed,
    /// Make this the current object (panes follow it).
    Select(ObjectRef),
    /// Focus the tree on this object.
    Jump(ObjectRef),
    /// Apply an edit through the workspace.
    Apply(Edit),
    /// Ask first, then apply.
    Confirm { prompt: String, edit: Edit },
    /// Open a form.
    Form(Box<Form>),
    /// Open the "add what?" picker of every kind; a pane with a kind of its
    /// own (routes, rules) puts that kind first, and choosing it sends the
    /// pane [`Action::AddHere`].
    AddObject(Option<OwnKind>),
    /// Show a message in the status line.
    Status(String),
    /// Open a query in the trace session and focus the trace panel, with
    /// what-if failures (`az:NAME` or a component name).
    OpenTrace {
        query: crate::model::TraceQuery,
        failures: Vec<String>,
    },
}

/// The first entry of the "add what?" picker when a pane has a kind of its
/// own: "route in rt-web", "inbound rule in sg-web".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnKind {
    pub label: String,
    pub description: String,
}

/// Where a pane goes on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The left column (the VPC tree).
    Left,
    /// The middle column, panes stacked top to bottom.
    Center,
    /// The right column, stacked.
    Right,
    /// The bottom strip, side by side.
    Bottom,
}

pub trait Pane {
    fn title(&self, ctx: &Ctx) -> String;
    fn context(&self) -> Context;
    fn region(&self) -> Region;
    /// Relative size within its region.
    fn weight(&self) -> u16 {
        1
    }
    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool);
    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg;
    /// A click on a row (relative to the pane's inner area).
    fn click(&mut self, _row: u16, _ctx: &Ctx) -> Msg {
        Msg::Consumed
    }
    /// Called after every edit, undo or redo so selections stay in range.
    fn clamp(&mut self, _ctx: &Ctx) {}
    /// Whether this is the practice pane (a new practice problem replaces it).
    fn is_practice(&self) -> bool {
        false
    }
    /// The practice session behind the practice pane (saved with the design as an attempt).
    fn practice(&self) -> Option<&crate::practice::session::Session> {
        None
    }
    /// The current object changed.
    fn on_select(&mut self, _ctx: &Ctx) {}
    /// Raw keys first, for a pane with a text input being edited (typing `q`
    /// types a q). `Msg::Ignored` lets the keymap handle the key.
    fn key_input(&mut self, _ev: &ratatui::crossterm::event::KeyEvent, _ctx: &Ctx) -> Msg {
        Msg::Ignored
    }
    /// A mouse drag by (dx, dy) cells over the pane.
    fn drag(&mut self, _dx: i32, _dy: i32, _ctx: &Ctx) -> Msg {
        Msg::Consumed
    }
    /// Regular wake-up from the event loop (idle work, animation).
    fn tick(&mut self, _now: std::time::Instant, _ctx: &Ctx) {}
    /// Work put off while the user types, done once input pauses (the idle
    /// tick, [`crate::tui::App::idle`]): the diagram's relayout after an edit.
    fn idle(&mut self, _ctx: &Ctx) {}
    /// Whether work waits for the idle tick (the event loop then wakes sooner).
    fn deferred(&self) -> bool {
        false
    }
}

/// Every pane of the main screen, in focus order.
pub fn registry() -> Vec<Box<dyn Pane>> {
    vec![
        Box::new(tree::TreePane::default()),
        Box::new(routes::RoutesPane::default()),
        Box::new(rules::RulesPane::default()),
        Box::new(inspector::InspectorPane::default()),
        Box::new(diagnostics::DiagnosticsPane::default()),
        Box::new(cost::CostPane::default()),
        Box::new(planner::PlannerPane::default()),
        Box::new(trace::TracePane::default()),
        Box::new(diagram::DiagramPane::default()),
    ]
}

/// Moves a cursor within `len` rows.
pub fn step(cursor: usize, len: usize, action: Action, page: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page.max(1)),
        Action::PageDown => (cursor + page.max(1)).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => cursor.min(last),
    }
}

/// The cursor and scroll window of a list pane: keys move the cursor,
/// drawing keeps it on a row and in view, a click picks a row.
#[derive(Debug, Default, Clone, Copy)]
pub struct ListView {
    pub cursor: usize,
    /// The first row shown.
    pub offset: usize,
    /// Rows shown at the last frame (a page for PgUp/PgDn).
    pub height: usize,
}

impl ListView {
    /// Before drawing `len` rows in `height`: clamps the cursor and scrolls it into view.
    pub fn fit(&mut self, len: usize, height: usize) {
        self.height = height;
        self.clamp(len);
        self.offset = scroll_to(self.offset, self.cursor, height);
    }
    /// Keeps the cursor on one of `len` rows (after an edit removed some).
    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
    }
    /// Moves the cursor for a movement action; `false` for any other action.
    pub fn step(&mut self, action: Action, len: usize) -> bool {
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.cursor = step(self.cursor, len, action, self.height);
                true
            }
            _ => false,
        }
    }
    /// A click on a row of the window.
    pub fn click(&mut self, row: u16) {
        self.cursor = self.offset + row as usize;
    }
}

/// Keeps `cursor` visible in a window of `height` rows starting at `offset`.
pub fn scroll_to(offset: usize, cursor: usize, height: usize) -> usize {
    if height == 0 {
        return cursor;
    }
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

/// A bordered block titled for a pane.
pub fn block<'a>(title: String, focused: bool, theme: &Theme) -> ratatui::widgets::Block<'a> {
    use ratatui::widgets::{Block, Borders};
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(ratatui::text::Span::styled(format!(" {title} "), theme.title()))
}

/// Draws a pane's titled border over `area` and returns the area inside it.
pub fn framed(frame: &mut Frame, area: Rect, title: String, focused: bool, theme: &Theme) -> Rect {
    let blk = block(title, focused, theme);
    let inner = blk.inner(area);
    frame.render_widget(blk, area);
    inner
}

/// Cuts or pads a string to exactly `width` display columns (chars).
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        let mut out = s.to_string();
        out.extend(std::iter::repeat_n(' ', width - n));
        out
    } else if width == 0 {
        String::new()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// Word-wraps `text` to lines of at most `width` columns (chars): the first
/// line starts with `first`, the others with `rest` (an indent), so an
/// explanation or a fix is shown whole instead of cut with "…". A word longer
/// than a line is broken where the line ends.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let width = width.max(1);
    // An indent as wide as the line would leave no room on any later line.
    let rest = if rest.chars().count() < width { rest } else { "" };
    let indent = rest.chars().count();
    let mut out = Vec::new();
    let mut line = first.to_string();
    let mut len = first.chars().count();
    let mut has_word = false;
    let fresh = |line: &mut String, len: &mut usize, has_word: &mut bool, out: &mut Vec<String>| {
        out.push(std::mem::replace(line, rest.to_string()));
        *len = indent;
        *has_word = false;
    };
    for word in text.split_whitespace() {
        let mut w: Vec<char> = word.chars().collect();
        while !w.is_empty() {
            let sep = usize::from(has_word);
            if len + sep + w.len() <= width {
                if has_word {
                    line.push(' ');
                }
                line.extend(w.drain(..));
                len = line.chars().count();
                has_word = true;
            } else if has_word || len >= width || (len > indent && indent + w.len() <= width) {
                // The word starts a new line (where it fits, or is broken).
                fresh(&mut line, &mut len, &mut has_word, &mut out);
            } else {
                // Longer than a whole line: break it where the line ends.
                let room = width - len;
                line.extend(w.drain(..room));
                fresh(&mut line, &mut len, &mut has_word, &mut out);
            }
        }
    }
    if has_word || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_word_and_no_line_is_wider_than_asked() {
        let text =
            "add an outbound allow rule to acl-public for tcp 1024-65535 to 0.0.0.0/0 (the replies' ephemeral ports)";
        for width in [10, 17, 30, 80] {
            let lines = wrap(text, width, "fix: ", "     ");
            for l in &lines {
                assert!(l.chars().count() <= width, "{l:?} is wider than {width}");
            }
            let joined: Vec<String> = lines.iter().map(|l| l.trim().to_string()).collect();
            let joined = joined.join(" ");
            assert_eq!(
                joined.trim_start_matches("fix:").split_whitespace().collect::<String>(),
                text.split_whitespace().collect::<String>(),
                "width {width}"
            );
            assert!(lines[0].starts_with("fix: "));
        }
        assert_eq!(wrap("short", 40, "", "  "), vec!["short".to_string()]);
        // Degenerate widths terminate.
        assert!(!wrap("abcdef", 0, "", "").is_empty());
        assert!(!wrap("abcdef", 3, "prefix ", "  ").is_empty());
    }
}
