//! The route table of the selected subnet (or the selected table): every
//! effective route — local, static, propagated, endpoint — with target,
//! state and origin; main/custom flag and associated subnets.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, scroll_to, step, Ctx, Msg, Pane, Region};
use crate::edit::Edit;
use crate::model::index::EffectiveRoute;
use crate::model::{Object, ObjectKind, RouteOrigin, RouteState, RouteTable};
use crate::tui::forms::Form;
use crate::tui::keymap::{Action, Context};

#[derive(Default)]
pub struct RoutesPane {
    cursor: usize,
    offset: usize,
    height: usize,
    cache: Option<(u64, String, Vec<EffectiveRoute>)>,
}

/// The table the pane shows for the current object.
pub fn table_for<'a>(ctx: &Ctx<'a>) -> Option<&'a RouteTable> {
    let d = ctx.ws.design();
    let idx = ctx.ws.index();
    let sel = ctx.selected?;
    match sel.kind {
        ObjectKind::RouteTable => idx.route_table(d, &sel.name),
        ObjectKind::Subnet => idx.subnet(d, &sel.name).and_then(|s| idx.subnet_route_table(d, s)),
        ObjectKind::Vpc => idx
            .vpc(d, &sel.name)
            .and_then(|v| idx.route_table(d, &v.main_route_table)),
        ObjectKind::Instance => idx
            .instance(d, &sel.name)
            .and_then(|i| idx.subnet(d, &i.subnet))
            .and_then(|s| idx.subnet_route_table(d, s)),
        ObjectKind::NatGateway => idx
            .nat_gateway(d, &sel.name)
            // A regional NAT gateway's own route table is AWS's, not the design's.
            .and_then(|n| n.subnet.as_deref().filter(|_| !n.is_regional()))
            .and_then(|n| idx.subnet(d, n))
            .and_then(|s| idx.subnet_route_table(d, s)),
        _ => None,
    }
}

impl RoutesPane {
    fn effective<'a>(&'a mut self, ctx: &Ctx, rt: &RouteTable) -> &'a [EffectiveRoute] {
        let rev = ctx.ws.revision();
        let fresh = matches!(&self.cache, Some((r, n, _)) if *r == rev && n == &rt.name);
        if !fresh {
            let routes = ctx.ws.index().effective_routes(ctx.ws.design(), rt);
            self.cache = Some((rev, rt.name.clone(), routes));
        }
        self.cache.as_ref().map(|(_, _, r)| r.as_slice()).unwrap_or(&[])
    }

    /// The stored route index behind the selected row (static routes only).
    fn static_index(&mut self, ctx: &Ctx, rt: &RouteTable) -> Option<usize> {
        let cursor = self.cursor;
        let row = self.effective(ctx, rt).get(cursor)?.clone();
        if row.origin != RouteOrigin::Static {
            return None;
        }
        rt.routes.iter().position(|r| r.dest == row.dest)
    }
}

impl Pane for RoutesPane {
    fn title(&self, ctx: &Ctx) -> String {
        match table_for(ctx) {
            Some(rt) => format!("Routes · {}", rt.name),
            None => "Routes".into(),
        }
    }
    fn context(&self) -> Context {
        Context::Routes
    }
    fn region(&self) -> Region {
        Region::Center
    }
    fn weight(&self) -> u16 {
        2
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        let Some(rt) = table_for(ctx) else {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    "Select a subnet, VPC or route table in the tree to see its routes.",
                    t.dim(),
                )),
                inner,
            );
            return;
        };
        let d = ctx.ws.design();
        let idx = ctx.ws.index();
        let main = idx.vpc(d, &rt.vpc).is_some_and(|v| v.main_route_table == rt.name);
        let subnets: Vec<String> = idx
            .subnets_using_route_table(d, &rt.name)
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let w = inner.width as usize;
        let mut lines = vec![Line::from(vec![
            Span::styled(if main { "main" } else { "custom" }, t.accent()),
            Span::raw(format!(" · vpc {} · subnets: ", rt.vpc)),
            Span::raw(if subnets.is_empty() {
                "none".to_string()
            } else {
                subnets.join(", ")
            }),
        ])];
        let dest_w = 20.min(w / 3);
        let target_w = 22.min(w / 3);
        lines.push(Line::styled(
            fit(
                &format!(
                    "{}{}{:<10}{}",
                    fit("destination", dest_w),
                    fit("target", target_w),
                    "state",
                    "origin"
                ),
                w,
            ),
            t.title(),
        ));
        let height = (inner.height as usize).saturating_sub(2);
        self.height = height;
        let cursor = self.cursor;
        let routes = self.effective(ctx, rt).to_vec();
        self.cursor = cursor.min(routes.len().saturating_sub(1));
        self.offset = scroll_to(self.offset, self.cursor, height);
        for (i, r) in routes.iter().enumerate().skip(self.offset).take(height) {
            let origin = match r.origin {
                RouteOrigin::Local => "local",
                RouteOrigin::Static => "static",
                RouteOrigin::Propagated => "propagated",
                RouteOrigin::Endpoint => "endpoint",
            };
            let state_style = match r.state {
                RouteState::Active => t.ok(),
                RouteState::Blackhole => t.error(),
            };
            let mut line = Line::from(vec![
                Span::raw(fit(&r.dest.to_string(), dest_w)),
                Span::raw(fit(&crate::forms::target_label(&r.target), target_w)),
                Span::styled(fit(&r.state.to_string(), 10), state_style),
                Span::styled(origin.to_string(), t.dim()),
            ]);
            if let Some(reason) = &r.blackhole_reason {
                line.spans.push(Span::styled(format!(" ({reason})"), t.error()));
            }
            if i == self.cursor {
                line = line.style(t.selected(focused));
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        let Some(rt) = table_for(ctx) else {
            return match action {
                Action::Add => Msg::AddObject(None),
                Action::AddHere | Action::Enter | Action::Delete | Action::Associate | Action::MakeMain => {
                    Msg::Status("select a subnet, VPC or route table first".into())
                }
                _ => Msg::Ignored,
            };
        };
        let d = ctx.ws.design();
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                let len = self.effective(ctx, rt).len();
                self.cursor = step(self.cursor, len, action, self.height);
                Msg::Consumed
            }
            // `a` offers a route first in the full picker rather than adding
            // one silently: a student in this pane may mean a route table.
            Action::Add => Msg::AddObject(Some(super::OwnKind {
                label: format!("route in {}", rt.name),
                description: "a static route of the table shown in this pane".into(),
            })),
            Action::AddHere => Msg::Form(Box::new(Form::route(rt, None, d))),
            Action::Enter => match self.static_index(ctx, rt) {
                Some(i) => Msg::Form(Box::new(Form::route(rt, Some(i), d))),
                None => Msg::Status(
                    "only static routes are edited here (local and learned routes follow the design)".into(),
                ),
            },
            Action::Delete => match self.static_index(ctx, rt) {
                Some(i) => {
                    let mut t2 = rt.clone();
                    let removed = t2.routes.remove(i);
                    Msg::Confirm {
                        prompt: format!("Delete route {removed} from {}?", rt.name),
                        edit: Edit::Put(Object::RouteTable(t2)),
                    }
                }
                None => Msg::Status("only static routes can be deleted".into()),
            },
            Action::Associate => Msg::Form(Box::new(Form::associate(rt, d, ctx.ws.index()))),
            Action::Disassociate => Msg::Form(Box::new(Form::disassociate(rt, d))),
            Action::MakeMain => match ctx.ws.index().vpc(d, &rt.vpc) {
                Some(v) if v.main_route_table != rt.name => {
                    let mut v2 = v.clone();
                    v2.main_route_table = rt.name.clone();
                    Msg::Apply(Edit::batch(
                        format!("made {} the main route table of {}", rt.name, v.name),
                        vec![Edit::Put(Object::Vpc(v2))],
                    ))
                }
                Some(_) => Msg::Status(format!("{} is already the main route table", rt.name)),
                None => Msg::Status(format!("{} belongs to no known VPC", rt.name)),
            },
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        if row >= 2 {
            self.cursor = self.offset + row as usize - 2;
        }
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        if let Some(rt) = table_for(ctx) {
            let len = self.effective(ctx, rt).len();
            self.cursor = self.cursor.min(len.saturating_sub(1));
        } else {
            self.cursor = 0;
        }
    }

    fn on_select(&mut self, _ctx: &Ctx) {
        self.cursor = 0;
        self.offset = 0;
    }
}
