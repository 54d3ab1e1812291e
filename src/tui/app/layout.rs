//! The main screen: the title bar, the panes in their regions and the status
//! and footer lines.

use super::*;

impl App {
    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        let t = self.opts.theme;
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = format!(
                "vpcd needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge it (q quits).",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        let [title, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_title(frame, title);
        self.rects = self.layout(body);
        self.gate_fixes();
        let ctx = Ctx {
            ws: &self.ws,
            selected: self.selected.as_ref(),
            trace: &self.trace,
            theme: t,
        };
        for (i, r) in &self.rects {
            let focused = *i == self.focus && self.modal.is_none();
            self.panes[*i].render(frame, *r, &ctx, focused);
        }
        let (text, style) = match &self.status {
            Status::Info(s) => (s.clone(), t.normal()),
            Status::Error(s) => (s.clone(), t.error()),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(fit(&text, status.width as usize), style)),
            status,
        );
        let hints = keymap::footer(self.context(), usize::from(footer.width));
        let mut spans = Vec::new();
        for (k, name) in hints {
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::raw(format!(" {name}  ")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), footer);
        self.draw_modal(frame, body);
    }

    pub(super) fn draw_title(&self, frame: &mut Frame, area: Rect) {
        let t = self.opts.theme;
        let d = self.ws.design();
        let path = self.ws.path().map(|p| p.display().to_string()).unwrap_or_else(|| {
            if d.aws_ids.is_empty() {
                "(not saved yet)".into()
            } else {
                "imported from AWS (not saved yet: Ctrl-s)".into()
            }
        });
        let dirty = if self.ws.is_dirty() { " ● unsaved" } else { "" };
        let line = Line::from(vec![
            Span::styled(" vpcd ", t.title().add_modifier(ratatui::style::Modifier::REVERSED)),
            Span::raw(format!(" {} · {} · {path}", d.name, d.region)),
            Span::styled(dirty, t.warning()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
    }

    /// Every pane in the order the screen shows them, which Tab follows: the
    /// tree on the left, the middle column top to bottom, the right column
    /// top to bottom, then the bottom strip left to right (each region
    /// stacks its panes in registry order).
    pub(super) fn focus_order(&self) -> Vec<usize> {
        let rank = |r: Region| match r {
            Region::Left => 0,
            Region::Center => 1,
            Region::Right => 2,
            Region::Bottom => 3,
        };
        let mut order: Vec<usize> = (0..self.panes.len()).collect();
        // A stable sort keeps registry order within a region.
        order.sort_by_key(|&i| rank(self.panes[i].region()));
        order
    }

    /// The pane `step` places after (1) or before (-1) the focused one in
    /// screen order.
    pub(super) fn focus_step(&mut self, forward: bool) {
        let order = self.focus_order();
        let n = order.len();
        if n == 0 {
            return;
        }
        let pos = order.iter().position(|&i| i == self.focus).unwrap_or(0);
        let next = if forward { (pos + 1) % n } else { (pos + n - 1) % n };
        self.set_focus(order[next]);
    }

    /// Places every pane: all visible from 110×34 up; below that the tree
    /// plus the focused pane (Tab cycles through the others). The columns and
    /// the bottom strip take fixed shares of the screen, with a floor and no
    /// ceiling, so a large terminal widens the tree and the inspector (whose
    /// rows are cut when narrow) along with the diagram instead of leaving the
    /// room to the middle column alone.
    pub(super) fn layout(&self, body: Rect) -> Vec<(usize, Rect)> {
        let in_region =
            |r: Region| -> Vec<usize> { (0..self.panes.len()).filter(|&i| self.panes[i].region() == r).collect() };
        let left = in_region(Region::Left);
        let full = body.width >= 110 && body.height >= 30;
        let mut out = Vec::new();
        if !full {
            let tree_w = (body.width * 2 / 5).clamp(30, 46);
            let [l, r] = Layout::horizontal([Constraint::Length(tree_w), Constraint::Min(0)]).areas(body);
            if let Some(&t) = left.first() {
                out.push((t, l));
            }
            let shown = if self.panes[self.focus].region() == Region::Left {
                (0..self.panes.len()).find(|&i| self.panes[i].region() != Region::Left)
            } else {
                Some(self.focus)
            };
            if let Some(s) = shown {
                out.push((s, r));
            }
            return out;
        }
        let bottom = in_region(Region::Bottom);
        let center = in_region(Region::Center);
        let right = in_region(Region::Right);
        let bottom_h = if bottom.is_empty() {
            0
        } else if self.panes[self.focus].region() == Region::Bottom {
            // A focused bottom pane (the trace's hop table) gets room to work.
            (body.height * 2 / 5).max(6)
        } else {
            (body.height / 4).max(6)
        };
        let [top, bot] = Layout::vertical([Constraint::Min(0), Constraint::Length(bottom_h)]).areas(body);
        let left_w = (body.width * 2 / 7).max(30);
        let right_w = if right.is_empty() {
            0
        } else if self.panes[self.focus].region() == Region::Right {
            // A focused right-hand pane (the practice checklist, the
            // inspector) widens, as a focused bottom pane grows.
            (body.width * 2 / 5).max(36)
        } else {
            (body.width * 3 / 10).max(30)
        };
        let [l, c, r] = Layout::horizontal([
            Constraint::Length(left_w),
            Constraint::Min(0),
            Constraint::Length(right_w),
        ])
        .areas(top);
        let stack = |ids: &[usize], area: Rect, vertical: bool, out: &mut Vec<(usize, Rect)>| {
            if ids.is_empty() {
                return;
            }
            // In the bottom strip the focused pane gets twice its share of the width.
            let grow = |i: usize| if !vertical && i == self.focus { 2 } else { 1 };
            let constraints: Vec<Constraint> = ids
                .iter()
                .map(|&i| Constraint::Fill(self.panes[i].weight() * grow(i)))
                .collect();
            let areas = if vertical {
                Layout::vertical(constraints).split(area)
            } else {
                Layout::horizontal(constraints).split(area)
            };
            for (&i, a) in ids.iter().zip(areas.iter()) {
                out.push((i, *a));
            }
        };
        stack(&left, l, true, &mut out);
        stack(&center, c, true, &mut out);
        stack(&right, r, true, &mut out);
        stack(&bottom, bot, false, &mut out);
        out
    }
}
