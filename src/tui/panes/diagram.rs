//! The topology diagram: the library lays it out once per design revision
//! ([`DiagramCache`]); this pane only scrolls the window, follows the selected
//! object and colours cells by the object they show (selection, error and
//! warning markers, the current trace path from the trace session). After an
//! edit of one object the frames show the previous layout, titled as being
//! updated, until input pauses: the relayout is the idle tick's work.

use std::collections::HashSet;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{block, framed, Ctx, Msg, Pane, Region};
use crate::diagram::{
    Charset, Diagram, DiagramCache, DiagramOptions, RouteMark, Viewport, Zoom, SUMMARY_THRESHOLD_SUBNETS,
};
use crate::model::ObjectRef;
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;
use crate::workspace::{Change, Workspace};

pub struct DiagramPane {
    cache: DiagramCache,
    view: Viewport,
    /// `None` until the user toggles: zoomed out automatically for large designs.
    zoom: Option<Zoom>,
    charset: Charset,
    /// The selection the window last scrolled to, so a manual pan is not undone every frame.
    followed: Option<ObjectRef>,
    /// Objects of the current trace path, and the current hop's object.
    path: Vec<ObjectRef>,
    current_hop: Option<ObjectRef>,
    /// Whether the path shown comes from the trace session (cleared when the session has no trace).
    shown: bool,
    /// The current hop the window last scrolled to.
    followed_hop: Option<ObjectRef>,
    /// The canvas row pinned to the window's first row: the top border of the
    /// VPC box scrolled into (its name, CIDR and border gateways).
    pinned: Option<u16>,
    /// The design revision for which the previous drawing is shown while its
    /// relayout waits for the idle tick.
    stale_for: Option<u64>,
}

impl Default for DiagramPane {
    fn default() -> Self {
        DiagramPane {
            cache: DiagramCache::new(),
            view: Viewport::default(),
            zoom: None,
            charset: Charset::detect(),
            followed: None,
            path: Vec::new(),
            current_hop: None,
            shown: false,
            followed_hop: None,
            pinned: None,
            stale_for: None,
        }
    }
}

impl DiagramPane {
    /// Draws a trace path (and its current hop) on the diagram.
    pub fn set_path(&mut self, path: Vec<ObjectRef>, current: Option<ObjectRef>) {
        self.path = path;
        self.current_hop = current;
    }

    fn zoom(&self, ctx: &Ctx) -> Zoom {
        self.zoom
            .unwrap_or(if ctx.ws.design().subnets.len() > SUMMARY_THRESHOLD_SUBNETS {
                Zoom::Summary
            } else {
                Zoom::Detail
            })
    }

    /// Scrolls `r` into view; when that puts its first row under the pinned
    /// VPC header, one row further up.
    fn follow(view: &mut Viewport, r: crate::diagram::Rect, dg: &Diagram, ctx: &Ctx) {
        view.follow(r, &dg.canvas);
        if view.y == r.y && Self::pinned_row(view, dg, ctx).is_some() {
            view.y -= 1;
        }
    }

    /// The top border of the VPC box the window has scrolled into: the box
    /// holding the window's second row whose own top row is above the window.
    fn pinned_row(view: &Viewport, dg: &Diagram, ctx: &Ctx) -> Option<u16> {
        if view.height < 3 || view.y == 0 {
            return None;
        }
        let row = view.y + 1;
        ctx.ws
            .design()
            .vpcs
            .iter()
            .filter_map(|v| dg.rect_of(&ObjectRef::new(crate::model::ObjectKind::Vpc, v.name.clone())))
            .find(|r| r.y < view.y && row < r.bottom().saturating_sub(1))
            .map(|r| r.y)
    }

    /// Whether this frame shows the previous drawing. Right after an edit of
    /// one object that moves the layout (or the markers it draws), the
    /// drawing of the same options is shown and the relayout waits for the
    /// idle tick ([`Pane::idle`]); a first drawing, other options, a new
    /// design, a rename or a batch are laid out at once. Decided once per revision.
    fn defer(&mut self, ws: &Workspace, opts: DiagramOptions) -> bool {
        if self.stale_for != Some(ws.revision()) {
            let one_object = !matches!(ws.last_change(), Change::Other);
            let defer = one_object
                && self.cache.kept(opts).is_some()
                && !self
                    .cache
                    .is_current(ws.revision(), ws.layout_revision(), ws.diagnostics(), opts);
            self.stale_for = defer.then(|| ws.revision());
        }
        self.stale_for.is_some() && self.cache.kept(opts).is_some()
    }

    fn options(&self, ctx: &Ctx, width: u16) -> DiagramOptions {
        DiagramOptions {
            width,
            charset: self.charset,
            zoom: self.zoom(ctx),
        }
    }
}

/// The drawing on screen, which keys and clicks act on: the previous one while
/// its relayout waits for the idle tick, else the current one (laid out if
/// needed). `None` never happens: a drawing of these options is kept.
fn shown<'a>(
    cache: &'a mut DiagramCache,
    stale_for: &mut Option<u64>,
    ws: &Workspace,
    opts: DiagramOptions,
) -> Option<&'a Diagram> {
    if stale_for.is_none() || cache.kept(opts).is_none() {
        *stale_for = None;
        cache.get(
            ws.revision(),
            ws.layout_revision(),
            ws.design(),
            ws.index(),
            ws.diagnostics(),
            opts,
        );
    }
    cache.kept(opts)
}

/// Per-owner styles for one frame.
struct Styles {
    selected: HashSet<u32>,
    path: HashSet<u32>,
    current: HashSet<u32>,
}

fn owner_set(dg: &Diagram, objs: impl IntoIterator<Item = ObjectRef>) -> HashSet<u32> {
    objs.into_iter()
        .map(|o| dg.canvas.owner_id_of(&o))
        .filter(|id| *id != 0)
        .collect()
}

impl Pane for DiagramPane {
    fn title(&self, ctx: &Ctx) -> String {
        let zoom = match self.zoom(ctx) {
            Zoom::Detail => "detail",
            Zoom::Summary => "VPC summary",
        };
        format!("Diagram · {zoom} (Enter zooms)")
    }
    fn context(&self) -> Context {
        Context::Diagram
    }
    fn region(&self) -> Region {
        Region::Center
    }
    fn weight(&self) -> u16 {
        2
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let ws = ctx.ws;
        let opts = self.options(ctx, block(String::new(), focused, &t).inner(area).width);
        let stale = self.defer(ws, opts);
        let title = if stale {
            format!("{} · updating", self.title(ctx))
        } else {
            self.title(ctx)
        };
        let inner = framed(frame, area, title, focused, &t);
        let Some(dg) = shown(&mut self.cache, &mut self.stale_for, ws, opts) else {
            return;
        };
        self.view.width = inner.width;
        self.view.height = inner.height;
        // The previous drawing may not show the selection or the hop yet:
        // following them waits for the current one.
        if !stale && ctx.selected != self.followed.as_ref() {
            self.followed = ctx.selected.cloned();
            if let Some(r) = ctx.selected.and_then(|s| dg.locate(ws.design(), ws.index(), s)) {
                Self::follow(&mut self.view, r, dg, ctx);
            }
        }
        self.view.clamp(&dg.canvas);
        // The trace session's path, mapped to drawn objects each frame.
        let session = ctx.trace.borrow();
        if let Some(trace) = &session.trace {
            self.shown = true;
            self.path = dg.trace_path(ws.design(), ws.index(), trace);
            self.current_hop = session
                .current_hop()
                .and_then(|h| dg.hop_object(ws.design(), ws.index(), h));
            // Stepping through the hops keeps the current one in view.
            if !stale && self.current_hop != self.followed_hop {
                self.followed_hop = self.current_hop.clone();
                if let Some(r) = self.current_hop.as_ref().and_then(|o| dg.rect_of(o)) {
                    Self::follow(&mut self.view, r, dg, ctx);
                }
            }
        } else if self.shown {
            self.shown = false;
            self.path.clear();
            self.current_hop = None;
        }
        drop(session);
        let styles = Styles {
            selected: owner_set(dg, ctx.selected.cloned()),
            path: owner_set(dg, self.path.iter().cloned()),
            current: owner_set(dg, self.current_hop.iter().cloned()),
        };
        let markers: std::collections::HashMap<(u16, u16), Severity> =
            dg.canvas.markers().iter().map(|m| ((m.x, m.y), m.severity)).collect();
        // The route arrows in the window, and whether the trace follows each:
        // the path runs through its subnet and its target.
        let (top, bottom) = (self.view.y, self.view.y.saturating_add(inner.height));
        let arrows: Vec<(&RouteMark, bool)> = dg
            .canvas
            .routes()
            .iter()
            .filter(|m| m.y >= top && m.y < bottom)
            .map(|m| {
                let on = |o: &ObjectRef| styles.path.contains(&dg.canvas.owner_id_of(o));
                (m, on(&m.subnet) && m.targets.first().is_some_and(on))
            })
            .collect();
        let style_of = |x: u16, y: u16| -> Style {
            if let Some(sev) = markers.get(&(x, y)) {
                return match sev {
                    Severity::Error => t.error(),
                    _ => t.warning(),
                };
            }
            let id = dg.canvas.owner_id_at(x, y);
            // A route arrow is drawn dim; the trace path, where it runs along
            // the arrow, takes precedence.
            if let Some((_, on_path)) = arrows
                .iter()
                .find(|(m, _)| m.y == y && x >= m.x && x < m.x.saturating_add(m.width))
            {
                return if *on_path {
                    t.accent().add_modifier(Modifier::BOLD)
                } else if styles.selected.contains(&id) {
                    t.selected(focused)
                } else {
                    t.dim()
                };
            }
            if id == 0 {
                return t.normal();
            }
            if styles.current.contains(&id) {
                t.accent().add_modifier(Modifier::BOLD | Modifier::REVERSED)
            } else if styles.selected.contains(&id) {
                t.selected(focused)
            } else if styles.path.contains(&id) {
                t.accent().add_modifier(Modifier::BOLD)
            } else {
                t.normal()
            }
        };
        // Scrolled into a VPC, its header row stays on top: which VPC, and its
        // internet gateway and other border gateways, remain in sight.
        self.pinned = Self::pinned_row(&self.view, dg, ctx);
        let pinned = self.pinned;
        let rows = (self.view.y..self.view.y.saturating_add(inner.height))
            .enumerate()
            .map(|(k, y)| if k == 0 { pinned.unwrap_or(y) } else { y });
        let mut lines = Vec::with_capacity(usize::from(inner.height));
        for y in rows {
            let mut spans: Vec<Span> = Vec::new();
            let mut run = String::new();
            let mut run_style = Style::default();
            for x in self.view.x..self.view.x.saturating_add(inner.width) {
                let s = style_of(x, y);
                if s != run_style && !run.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut run), run_style));
                }
                run_style = s;
                run.push(dg.canvas.char_at(x, y));
            }
            if !run.is_empty() {
                spans.push(Span::styled(run, run_style));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        let ws = ctx.ws;
        let opts = self.options(ctx, self.view.width.max(1));
        let Some(dg) = shown(&mut self.cache, &mut self.stale_for, ws, opts) else {
            return Msg::Consumed;
        };
        let page = i32::from(self.view.height.max(2) - 1);
        match action {
            Action::Up => self.view.pan(0, -1, &dg.canvas),
            Action::Down => self.view.pan(0, 1, &dg.canvas),
            Action::Left => self.view.pan(-4, 0, &dg.canvas),
            Action::Right => self.view.pan(4, 0, &dg.canvas),
            Action::PageUp => self.view.pan(0, -page, &dg.canvas),
            Action::PageDown => self.view.pan(0, page, &dg.canvas),
            Action::Home => self.view.pan(-10_000, -10_000, &dg.canvas),
            Action::End => self.view.pan(0, 100_000, &dg.canvas),
            Action::Enter => {
                self.zoom = Some(match self.zoom(ctx) {
                    Zoom::Detail => Zoom::Summary,
                    Zoom::Summary => Zoom::Detail,
                });
                // Re-follow the selection in the new drawing.
                self.followed = None;
            }
            _ => return Msg::Ignored,
        }
        Msg::Consumed
    }

    fn idle(&mut self, ctx: &Ctx) {
        if self.stale_for.take().is_some() {
            let opts = self.options(ctx, self.view.width.max(1));
            shown(&mut self.cache, &mut self.stale_for, ctx.ws, opts);
        }
    }

    fn deferred(&self) -> bool {
        self.stale_for.is_some()
    }

    fn drag(&mut self, dx: i32, dy: i32, ctx: &Ctx) -> Msg {
        // The drawing follows the pointer: dragging right shows what is to the left.
        let ws = ctx.ws;
        let opts = self.options(ctx, self.view.width.max(1));
        let Some(dg) = shown(&mut self.cache, &mut self.stale_for, ws, opts) else {
            return Msg::Consumed;
        };
        self.view.pan(-dx, -dy, &dg.canvas);
        Msg::Consumed
    }

    fn click(&mut self, row: u16, ctx: &Ctx) -> Msg {
        // Selects the innermost named object on the clicked row at the window's left edge
        // onwards: the first cell with an owner other than the VPC background.
        let ws = ctx.ws;
        let opts = self.options(ctx, self.view.width.max(1));
        let Some(dg) = shown(&mut self.cache, &mut self.stale_for, ws, opts) else {
            return Msg::Consumed;
        };
        let y = match self.pinned {
            Some(p) if row == 0 => p,
            _ => self.view.y.saturating_add(row),
        };
        let hit = (self.view.x..self.view.x.saturating_add(self.view.width))
            .filter_map(|x| dg.object_at(x, y))
            .find(|o| o.kind != crate::model::ObjectKind::Vpc)
            .or_else(|| dg.object_at(self.view.x, y))
            .cloned();
        match hit {
            Some(o) => {
                // It is on screen already: selecting it must not scroll (a press
                // that starts a drag would otherwise jump the view).
                self.followed = Some(o.clone());
                Msg::Select(o)
            }
            None => Msg::Consumed,
        }
    }
}
