//! Rule editors: security-group and network-ACL rules, inbound or outbound.
//! NACL rules are listed in evaluation order with the implicit final `*`
//! deny, and rules that can never match (an earlier rule already decides
//! every packet they cover) are marked shadowed.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, scroll_to, step, Ctx, Msg, Pane, Region};
use crate::edit::Edit;
use crate::model::{Direction, NaclRule, NetworkAcl, Object, ObjectKind, SecurityGroup};
use crate::tui::forms::Form;
use crate::tui::keymap::{Action, Context};

pub struct RulesPane {
    dir: Direction,
    cursor: usize,
    offset: usize,
    height: usize,
}

impl Default for RulesPane {
    fn default() -> Self {
        RulesPane {
            dir: Direction::Inbound,
            cursor: 0,
            offset: 0,
            height: 0,
        }
    }
}

enum Target<'a> {
    Sg(&'a SecurityGroup),
    Acl(&'a NetworkAcl),
}

fn target<'a>(ctx: &Ctx<'a>) -> Option<Target<'a>> {
    let d = ctx.ws.design();
    let idx = ctx.ws.index();
    let sel = ctx.selected?;
    match sel.kind {
        ObjectKind::SecurityGroup => idx.security_group(d, &sel.name).map(Target::Sg),
        ObjectKind::NetworkAcl => idx.network_acl(d, &sel.name).map(Target::Acl),
        ObjectKind::Subnet => idx
            .subnet(d, &sel.name)
            .and_then(|s| idx.subnet_network_acl(d, s))
            .map(Target::Acl),
        ObjectKind::Instance => idx
            .instance(d, &sel.name)
            .and_then(|i| i.security_groups.first())
            .and_then(|g| idx.security_group(d, g))
            .map(Target::Sg),
        ObjectKind::Vpc => idx
            .vpc(d, &sel.name)
            .and_then(|v| idx.security_group(d, &v.default_security_group))
            .map(Target::Sg),
        _ => None,
    }
}

/// For each rule (in evaluation order), the number of an earlier rule that
/// matches every packet it matches — so it can never decide anything.
/// (VPC User Guide, NACLs: "rules are evaluated starting with the lowest
/// numbered rule … as soon as a rule matches traffic, it's applied".)
pub fn shadowed_by(rules: &[NaclRule]) -> Vec<Option<u16>> {
    let mut sorted: Vec<&NaclRule> = rules.iter().collect();
    sorted.sort_by_key(|r| r.number);
    sorted
        .iter()
        .enumerate()
        .map(|(i, r)| {
            sorted[..i]
                .iter()
                .find(|e| {
                    (e.proto == crate::model::Protocol::All || e.proto == r.proto)
                        && e.effective_ports().covers(r.effective_ports())
                        && e.cidr.contains(&r.cidr)
                })
                .map(|e| e.number)
        })
        .collect()
}

impl RulesPane {
    fn len(&self, ctx: &Ctx) -> usize {
        match target(ctx) {
            Some(Target::Sg(g)) => match self.dir {
                Direction::Inbound => g.inbound.len(),
                Direction::Outbound => g.outbound.len(),
            },
            Some(Target::Acl(a)) => a.rules(self.dir).len(),
            None => 0,
        }
    }

    /// The stored index of the selected NACL row (rows are in number order).
    fn acl_index(&self, a: &NetworkAcl) -> Option<usize> {
        let rules = a.rules(self.dir);
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by_key(|&i| rules[i].number);
        order.get(self.cursor).copied()
    }
}

impl Pane for RulesPane {
    fn title(&self, ctx: &Ctx) -> String {
        match target(ctx) {
            Some(Target::Sg(g)) => format!("SG {} · {}", g.name, self.dir),
            Some(Target::Acl(a)) => format!("NACL {} · {}", a.name, self.dir),
            None => "Rules".into(),
        }
    }
    fn context(&self) -> Context {
        Context::Rules
    }
    fn region(&self) -> Region {
        Region::Center
    }
    fn weight(&self) -> u16 {
        3
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        let w = inner.width as usize;
        let height = (inner.height as usize).saturating_sub(1);
        self.height = height;
        let len = self.len(ctx);
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.offset = scroll_to(self.offset, self.cursor, height);
        let mut lines = Vec::new();
        let other = match self.dir {
            Direction::Inbound => "outbound",
            Direction::Outbound => "inbound",
        };
        match target(ctx) {
            None => {
                lines.push(Line::styled(
                    "Select a security group, NACL, subnet or instance to edit its rules.",
                    t.dim(),
                ));
            }
            Some(Target::Sg(g)) => {
                let rules = match self.dir {
                    Direction::Inbound => &g.inbound,
                    Direction::Outbound => &g.outbound,
                };
                let peer = if self.dir == Direction::Inbound {
                    "source"
                } else {
                    "destination"
                };
                lines.push(Line::styled(
                    fit(
                        &format!(
                            "{:<8}{:<13}{peer:<22}(t: {other}; allow-only, stateful)",
                            "proto", "ports"
                        ),
                        w,
                    ),
                    t.title(),
                ));
                if rules.is_empty() {
                    lines.push(Line::styled("no rules: nothing is allowed this way", t.warning()));
                }
                for (i, r) in rules.iter().enumerate().skip(self.offset).take(height) {
                    let ports = if r.proto.has_ports() {
                        r.ports.to_string()
                    } else {
                        "all".into()
                    };
                    let mut line = Line::from(vec![
                        Span::raw(fit(&r.proto.to_string(), 8)),
                        Span::raw(fit(&ports, 13)),
                        Span::raw(fit(&r.peer.to_string(), 22)),
                        Span::styled(r.description.clone().unwrap_or_default(), t.dim()),
                    ]);
                    if i == self.cursor {
                        line = line.style(t.selected(focused));
                    }
                    lines.push(line);
                }
            }
            Some(Target::Acl(a)) => {
                lines.push(Line::styled(
                    fit(
                        &format!(
                            "{:<7}{:<7}{:<7}{:<12}{:<19}(⊘ shadowed: never matches; t: {other})",
                            "rule", "action", "proto", "ports", "cidr"
                        ),
                        w,
                    ),
                    t.title(),
                ));
                let mut sorted: Vec<&NaclRule> = a.rules(self.dir).iter().collect();
                sorted.sort_by_key(|r| r.number);
                let shadow = shadowed_by(a.rules(self.dir));
                for (i, r) in sorted.iter().enumerate().skip(self.offset).take(height) {
                    let ports = if r.proto.has_ports() {
                        r.ports.to_string()
                    } else {
                        "all".into()
                    };
                    let action_style = match r.action {
                        crate::model::RuleAction::Allow => t.ok(),
                        crate::model::RuleAction::Deny => t.error(),
                    };
                    let shadow_by = shadow.get(i).copied().flatten();
                    let number = match shadow_by {
                        Some(_) => format!("⊘{}", r.number),
                        None => r.number.to_string(),
                    };
                    let mut spans = vec![
                        Span::styled(
                            fit(&number, 7),
                            if shadow_by.is_some() { t.warning() } else { t.normal() },
                        ),
                        Span::styled(fit(&r.action.to_string(), 7), action_style),
                        Span::raw(fit(&r.proto.to_string(), 7)),
                        Span::raw(fit(&ports, 12)),
                        Span::raw(fit(&r.cidr.to_string(), 19)),
                    ];
                    if let Some(by) = shadow_by {
                        spans.push(Span::styled(format!("shadowed by {by}: never matches"), t.warning()));
                    }
                    let mut line = Line::from(spans);
                    if i == self.cursor {
                        line = line.style(t.selected(focused));
                    }
                    lines.push(line);
                }
                if lines.len() <= height {
                    lines.push(Line::from(vec![
                        Span::raw(fit("*", 7)),
                        Span::styled(fit("deny", 7), t.error()),
                        Span::raw(fit("all", 7)),
                        Span::raw(fit("all", 12)),
                        Span::raw(fit("0.0.0.0/0", 19)),
                        Span::styled("implicit: everything else", t.dim()),
                    ]));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        if action == Action::ToggleDirection {
            self.dir = match self.dir {
                Direction::Inbound => Direction::Outbound,
                Direction::Outbound => Direction::Inbound,
            };
            self.cursor = 0;
            self.offset = 0;
            return Msg::Consumed;
        }
        let Some(tg) = target(ctx) else {
            return match action {
                Action::Add => Msg::AddObject(None),
                Action::AddHere | Action::Enter | Action::Delete => {
                    Msg::Status("select a security group, NACL, subnet or instance first".into())
                }
                _ => Msg::Ignored,
            };
        };
        let d = ctx.ws.design();
        let len = self.len(ctx);
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.cursor = step(self.cursor, len, action, self.height);
                Msg::Consumed
            }
            // `a` offers a rule of the group or NACL shown first in the full
            // picker rather than opening the rule form silently.
            Action::Add => {
                let owner = match tg {
                    Target::Sg(g) => &g.name,
                    Target::Acl(a) => &a.name,
                };
                Msg::AddObject(Some(super::OwnKind {
                    label: format!("{} rule in {owner}", self.dir),
                    description: "a rule of the group or NACL shown in this pane".into(),
                }))
            }
            Action::AddHere => match tg {
                Target::Sg(g) => Msg::Form(Box::new(Form::sg_rule(g, self.dir, None, d))),
                Target::Acl(a) => Msg::Form(Box::new(Form::nacl_rule(a, self.dir, None))),
            },
            Action::Enter if len > 0 => match tg {
                Target::Sg(g) => Msg::Form(Box::new(Form::sg_rule(g, self.dir, Some(self.cursor), d))),
                Target::Acl(a) => Msg::Form(Box::new(Form::nacl_rule(a, self.dir, self.acl_index(a)))),
            },
            Action::Delete if len > 0 => match tg {
                Target::Sg(g) => {
                    let mut g2 = g.clone();
                    let rules = match self.dir {
                        Direction::Inbound => &mut g2.inbound,
                        Direction::Outbound => &mut g2.outbound,
                    };
                    if self.cursor >= rules.len() {
                        return Msg::Consumed;
                    }
                    let removed = rules.remove(self.cursor);
                    Msg::Confirm {
                        prompt: format!("Delete {} rule {removed} from {}?", self.dir, g.name),
                        edit: Edit::Put(Object::SecurityGroup(g2)),
                    }
                }
                Target::Acl(a) => {
                    let Some(i) = self.acl_index(a) else {
                        return Msg::Consumed;
                    };
                    let mut a2 = a.clone();
                    let removed = match self.dir {
                        Direction::Inbound => a2.inbound.remove(i),
                        Direction::Outbound => a2.outbound.remove(i),
                    };
                    Msg::Confirm {
                        prompt: format!("Delete {} {removed} from {}?", self.dir, a.name),
                        edit: Edit::Put(Object::NetworkAcl(a2)),
                    }
                }
            },
            Action::Enter | Action::Delete => Msg::Status("no rule selected".into()),
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, _ctx: &Ctx) -> Msg {
        if row >= 1 {
            self.cursor = self.offset + row as usize - 1;
        }
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.cursor = self.cursor.min(self.len(ctx).saturating_sub(1));
    }

    fn on_select(&mut self, _ctx: &Ctx) {
        self.cursor = 0;
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PortRange, Protocol, RuleAction};

    fn rule(n: u16, proto: Protocol, ports: &str, cidr: &str) -> NaclRule {
        NaclRule {
            number: n,
            action: RuleAction::Allow,
            proto,
            ports: ports.parse::<PortRange>().unwrap(),
            cidr: cidr.parse().unwrap(),
        }
    }

    #[test]
    fn a_rule_covered_by_an_earlier_one_is_shadowed_regardless_of_action() {
        let rules = vec![
            rule(200, Protocol::Tcp, "443", "10.0.0.0/24"),
            rule(100, Protocol::All, "all", "10.0.0.0/16"),
            rule(300, Protocol::Tcp, "22", "192.168.0.0/24"),
        ];
        assert_eq!(shadowed_by(&rules), vec![None, Some(100), None]);
    }

    #[test]
    fn a_narrower_earlier_rule_does_not_shadow() {
        let rules = vec![
            rule(100, Protocol::Tcp, "443", "10.0.0.0/24"),
            rule(110, Protocol::Tcp, "0-1000", "10.0.0.0/16"),
        ];
        assert_eq!(shadowed_by(&rules), vec![None, None]);
    }
}
