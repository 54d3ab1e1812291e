//! Test harness for the designer: drive key macros ("a<enter>", "<c-s>") into
//! the app and read the rendered TestBackend buffer as text.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use vpcd::model::Design;
use vpcd::tui::theme::Theme;
use vpcd::tui::{App, Options};
use vpcd::workspace::Workspace;

pub struct Harness {
    pub app: App,
    pub term: Terminal<TestBackend>,
    pub dir: PathBuf,
}

pub fn options(dir: &Path) -> Options {
    Options {
        saves_dir: dir.join("saves"),
        recovery: Some(dir.join("state").join("recovery")),
        theme: Theme::plain(),
    }
}

impl Harness {
    pub fn new(design: Design, dir: &Path, w: u16, h: u16) -> Harness {
        Harness::with_workspace(Workspace::new(design), dir, w, h)
    }

    pub fn with_workspace(ws: Workspace, dir: &Path, w: u16, h: u16) -> Harness {
        let app = App::new(ws, options(dir));
        let term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        let mut h = Harness {
            app,
            term,
            dir: dir.to_path_buf(),
        };
        h.draw();
        h
    }

    /// Draws the screen as it is once the user pauses: when the frame put
    /// work off (the diagram's relayout after an edit), the idle tick does it
    /// and the screen is drawn again, so every frame is exact. `draw_busy`
    /// draws only the frame that comes before the pause.
    pub fn draw(&mut self) {
        self.draw_busy();
        if self.app.has_deferred_work() {
            self.app.idle();
            self.draw_busy();
        }
    }

    /// Draws the screen right after the last event, before the idle tick.
    pub fn draw_busy(&mut self) {
        let app = &mut self.app;
        self.term.draw(|f| app.draw(f)).expect("draw");
    }

    /// Plays a key macro: plain characters, and `<enter>`, `<esc>`, `<tab>`,
    /// `<s-tab>`, `<up>`, `<down>`, `<left>`, `<right>`, `<bs>`, `<space>`,
    /// `<c-X>` for Ctrl-X. The screen is redrawn after every key, as in the real loop.
    pub fn keys(&mut self, keys: &str) -> &mut Self {
        let mut chars = keys.chars().peekable();
        while let Some(c) = chars.next() {
            let ev = if c == '<' {
                let mut name = String::new();
                for n in chars.by_ref() {
                    if n == '>' {
                        break;
                    }
                    name.push(n);
                }
                named_key(&name)
            } else {
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
            };
            self.app.handle_key(ev);
            self.draw();
        }
        self
    }

    /// Types text into the focused input (clearing it first with Ctrl-u... not bound: select all + delete).
    pub fn clear_and_type(&mut self, text: &str) -> &mut Self {
        // tui-textarea: Ctrl-a / Ctrl-e move; delete the line with Ctrl-u? Use End then many backspaces.
        self.app.handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE));
        for _ in 0..80 {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        }
        for c in text.chars() {
            self.app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self.draw();
        self
    }

    /// Makes an unsaved change (adds the Elastic IP `eip-extra`), so that the
    /// unsaved-changes guards ask before replacing the design.
    pub fn make_unsaved_change(&mut self) -> &mut Self {
        let eip = vpcd::model::ElasticIp {
            name: "eip-extra".into(),
            description: None,
            address: "3.210.9.9".parse().expect("address"),
        };
        self.app
            .apply_edit(vpcd::edit::Edit::Put(vpcd::model::Object::ElasticIp(eip)))
            .expect("adding an Elastic IP");
        assert!(self.app.ws.is_dirty());
        self.draw();
        self
    }

    pub fn screen(&self) -> String {
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    pub fn assert_shows(&self, needle: &str) {
        let s = self.screen();
        assert!(s.contains(needle), "screen does not show `{needle}`:\n{s}");
    }

    pub fn assert_not_shows(&self, needle: &str) {
        let s = self.screen();
        assert!(!s.contains(needle), "screen unexpectedly shows `{needle}`:\n{s}");
    }
}

fn named_key(name: &str) -> KeyEvent {
    let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
    match name {
        "enter" => plain(KeyCode::Enter),
        "esc" => plain(KeyCode::Esc),
        "tab" => plain(KeyCode::Tab),
        "s-tab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        "up" => plain(KeyCode::Up),
        "down" => plain(KeyCode::Down),
        "left" => plain(KeyCode::Left),
        "right" => plain(KeyCode::Right),
        "bs" => plain(KeyCode::Backspace),
        "space" => plain(KeyCode::Char(' ')),
        "lt" => plain(KeyCode::Char('<')),
        other => match other.strip_prefix("c-") {
            Some(c) => KeyEvent::new(KeyCode::Char(c.chars().next().unwrap_or(' ')), KeyModifiers::CONTROL),
            None => panic!("unknown key <{other}>"),
        },
    }
}
