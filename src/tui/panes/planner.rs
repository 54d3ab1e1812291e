//! The subnet planner: the address space of the current VPC (the selected VPC,
//! or the VPC of the selected object) as used and free blocks, from
//! [`crate::create::planner`]. Enter on a free block opens the new-subnet form with the
//! block filled in (Enter on a used block selects its subnet); `s` on a free
//! block halves it, so a /22 becomes two /23s to pick from (the split is a view:
//! nothing changes until a subnet is created).

use ipnet::Ipv4Net;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, Ctx, ListView, Msg, Pane, Region};
use crate::create::planner;
use crate::model::{cidr, Design, Object, ObjectKind, ObjectRef};
use crate::tui::forms::Form;
use crate::tui::keymap::{Action, Context};

/// One row of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cidr: Ipv4Net,
    pub subnet: Option<String>,
}

#[derive(Default)]
pub struct PlannerPane {
    view: ListView,
    /// Free blocks the user split in the view, replaced by their halves.
    splits: Vec<Ipv4Net>,
}

/// The VPC the planner shows: the selected VPC, the VPC of the selected object, or the first VPC.
pub fn current_vpc(d: &Design, selected: Option<&ObjectRef>) -> Option<String> {
    let from_selection = selected.and_then(|r| match d.get(r)? {
        Object::Vpc(v) => Some(v.name),
        Object::Subnet(s) => Some(s.vpc),
        Object::RouteTable(t) => Some(t.vpc),
        Object::SecurityGroup(g) => Some(g.vpc),
        Object::NetworkAcl(a) => Some(a.vpc),
        Object::Endpoint(e) => Some(e.vpc),
        Object::Firewall(f) => Some(f.vpc),
        Object::EgressOnlyGateway(g) => Some(g.vpc),
        Object::InternetGateway(g) => g.vpc,
        Object::VpnGateway(g) => g.vpc,
        Object::Instance(i) => d.subnets.iter().find(|s| s.name == i.subnet).map(|s| s.vpc.clone()),
        Object::NatGateway(n) => n.vpc_name(d).map(str::to_string),
        _ => None,
    });
    from_selection.or_else(|| d.vpcs.first().map(|v| v.name.clone()))
}

impl PlannerPane {
    /// The rows of the map for the current VPC.
    pub fn rows(&self, ctx: &Ctx) -> (Option<String>, Vec<Row>) {
        let d = ctx.ws.design();
        let Some(name) = current_vpc(d, ctx.selected) else {
            return (None, Vec::new());
        };
        let Some(vpc) = d.vpcs.iter().find(|v| v.name == name) else {
            return (None, Vec::new());
        };
        let map = planner::address_map(d, vpc);
        let mut rows = Vec::new();
        for space in &map.spaces {
            for b in &space.blocks {
                if b.subnet.is_none() && self.splits.contains(&b.cidr) {
                    if let Ok(halves) = planner::halves(b.cidr) {
                        rows.extend(halves.into_iter().map(|h| Row { cidr: h, subnet: None }));
                        continue;
                    }
                }
                rows.push(Row {
                    cidr: b.cidr,
                    subnet: b.subnet.clone(),
                });
            }
        }
        (Some(name), rows)
    }
}

impl Pane for PlannerPane {
    fn title(&self, ctx: &Ctx) -> String {
        let d = ctx.ws.design();
        match current_vpc(d, ctx.selected).and_then(|n| d.vpcs.iter().find(|v| v.name == n).cloned()) {
            Some(vpc) => {
                let map = planner::address_map(d, &vpc);
                let free: u64 = map.spaces.iter().map(|s| s.free_addresses).sum();
                let total: u64 = map.spaces.iter().map(|s| cidr::size(s.cidr)).sum();
                format!("Planner · {} · {free} of {total} addresses free", vpc.name)
            }
            None => "Planner".into(),
        }
    }
    fn context(&self) -> Context {
        Context::Planner
    }
    fn region(&self) -> Region {
        Region::Bottom
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        let (vpc, rows) = self.rows(ctx);
        if vpc.is_none() {
            frame.render_widget(
                Paragraph::new(Span::styled("no VPC yet: add one with `a`", t.dim())),
                inner,
            );
            return;
        }
        self.view.fit(rows.len(), inner.height as usize);
        let width = inner.width as usize;
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(self.view.offset)
            .take(self.view.height)
            .map(|(i, r)| {
                let (text, style) = match &r.subnet {
                    Some(s) => (
                        format!(
                            "{:<16} {s} · {} usable",
                            r.cidr.to_string(),
                            cidr::usable_addresses(r.cidr)
                        ),
                        t.normal(),
                    ),
                    None if crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.contains(&r.cidr.prefix_len()) => (
                        format!(
                            "{:<16} free · {} usable",
                            r.cidr.to_string(),
                            cidr::usable_addresses(r.cidr)
                        ),
                        t.ok(),
                    ),
                    None => (format!("{:<16} free · split to use", r.cidr.to_string()), t.ok()),
                };
                let mut line = Line::from(Span::styled(fit(&text, width), style));
                if i == self.view.cursor {
                    line = line.style(t.selected(focused));
                }
                line
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        let (vpc, rows) = self.rows(ctx);
        if self.view.step(action, rows.len()) {
            return Msg::Consumed;
        }
        match action {
            Action::Enter => match (vpc, rows.get(self.view.cursor)) {
                (_, Some(Row { subnet: Some(s), .. })) => Msg::Select(ObjectRef::new(ObjectKind::Subnet, s.clone())),
                (
                    Some(vpc),
                    Some(Row {
                        cidr: block,
                        subnet: None,
                    }),
                ) => {
                    if !crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.contains(&block.prefix_len()) {
                        return Msg::Status(format!(
                            "{block} is larger than a /16 subnet: press s to split it first"
                        ));
                    }
                    let mut form = Form::create(ObjectKind::Subnet, ctx.ws.design());
                    form.preselect("VPC", &vpc);
                    form.set_text("IPv4 CIDR", &block.to_string());
                    Msg::Form(Box::new(form))
                }
                _ => Msg::Consumed,
            },
            Action::Add => self.split_at_cursor(&rows),
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        self.view.click(row);
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        let len = self.rows(ctx).1.len();
        self.view.clamp(len);
    }

    fn on_select(&mut self, _ctx: &Ctx) {
        self.view = ListView {
            height: self.view.height,
            ..ListView::default()
        };
        self.splits.clear();
    }
}

impl PlannerPane {
    fn split_at_cursor(&mut self, rows: &[Row]) -> Msg {
        match rows.get(self.view.cursor) {
            Some(Row {
                cidr: block,
                subnet: None,
            }) => {
                if block.prefix_len() >= crate::create::planner::MAX_PREFIX {
                    return Msg::Status(format!("{block} is a /28, the smallest subnet AWS allows"));
                }
                self.splits.push(*block);
                Msg::Status(format!("{block} split into two /{} halves", block.prefix_len() + 1))
            }
            Some(Row { subnet: Some(s), .. }) => Msg::Status(format!("{s} is in use: only free blocks split")),
            None => Msg::Consumed,
        }
    }
}
