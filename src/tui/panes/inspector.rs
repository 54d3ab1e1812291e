//! The inspector: the current object's fields, what it uses and what uses
//! it, and its findings. Enter opens its form; `e` edits it as text.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{framed, Ctx, Msg, Pane, Region};
use crate::model::index::EniOwner;
use crate::model::{Accounts, Design, Object, ObjectKind};
use crate::tui::forms::Form;
use crate::tui::keymap::{Action, Context};

#[derive(Default)]
pub struct InspectorPane {
    scroll: u16,
    cache: Option<(u64, String, Vec<String>)>,
}

fn describe(ctx: &Ctx) -> Vec<String> {
    let Some(sel) = ctx.selected else {
        return vec![
            "Nothing selected.".into(),
            String::new(),
            "Move in the VPC tree (↑/↓ or j/k), press `a` to add an".into(),
            "object, `/` to jump, `?` for help.".into(),
        ];
    };
    let d = ctx.ws.design();
    let idx = ctx.ws.index();
    let Some(obj) = d.get(sel) else {
        return vec![format!("{sel} no longer exists")];
    };
    let mut out = vec![format!("{} {}", sel.kind.label(), sel.name)];
    if let Some(desc) = obj.description() {
        out.push(desc.to_string());
    }
    out.push(String::new());
    let text = crate::forms::to_ron(&obj);
    // Skip the enum wrapper line and the name field: the header says them.
    for line in text.lines().skip(1) {
        let l = line.trim_end();
        if l.trim_start().starts_with("name:") || l == "))" || l == ")" {
            continue;
        }
        out.push(l.strip_prefix("  ").unwrap_or(l).to_string());
    }
    if d.is_multi_account() {
        out.push(String::new());
        out.extend(ownership(d, &obj));
    }
    match sel.kind {
        ObjectKind::Subnet => {
            if let Some(s) = idx.subnet(d, &sel.name) {
                out.push(String::new());
                out.push(format!("kind: {} (derived from its routes)", idx.subnet_kind(d, s)));
                if let Some(rt) = idx.subnet_route_table(d, s) {
                    out.push(format!("uses route table {}", rt.name));
                }
                if let Some(acl) = idx.subnet_network_acl(d, s) {
                    out.push(format!("uses network ACL {}", acl.name));
                }
                out.push(format!(
                    "{} usable addresses, {} interfaces",
                    crate::model::cidr::usable_addresses(s.cidr),
                    idx.enis_in_subnet(&s.name).count()
                ));
            }
        }
        ObjectKind::Instance => {
            if let Some(e) = idx.eni(&EniOwner::Instance(sel.name.clone())) {
                out.push(String::new());
                out.push(format!(
                    "private IP {}{}",
                    e.private_ip,
                    if e.fixed { "" } else { " (auto-assigned)" }
                ));
                if let Some(p) = e.public_ip {
                    out.push(format!("public IP {p}"));
                }
            }
        }
        _ => {}
    }
    // Parts have forms of their own, reached through `a` (they offer the existing ones too).
    let parts: Vec<&str> = crate::forms::kinds::Part::ALL
        .iter()
        .filter(|p| p.parent().0 == sel.kind)
        .map(|p| p.label())
        .collect();
    if !parts.is_empty() {
        out.push(String::new());
        out.push(format!("edit its parts with `a`: {}", parts.join(", ")));
    }
    let users: Vec<String> = d.referrers(sel).into_iter().map(|r| r.from.to_string()).collect();
    if !users.is_empty() {
        out.push(String::new());
        out.push(format!("used by: {}", users.join(", ")));
    }
    let findings: Vec<String> = ctx
        .ws
        .diagnostics()
        .iter()
        .filter(|f| f.object.as_ref() == Some(sel))
        .map(|f| format!("{}: {}", f.severity, f.message))
        .collect();
    if !findings.is_empty() {
        out.push(String::new());
        out.extend(findings);
    }
    out
}

/// Who owns the object, and for a subnet who it is shared with (VPC User
/// Guide, "Share your VPC subnets with other accounts": the owner keeps the
/// subnets, routes and NACLs; participants own what they launch).
fn ownership(d: &Design, obj: &Object) -> Vec<String> {
    let account = |name: Option<&str>| match name.and_then(|n| d.accounts.account(n)) {
        Some(a) => match &a.id {
            Some(id) => format!("{} ({id})", a.name),
            None => a.name.clone(),
        },
        None => Accounts::label(name).to_string(),
    };
    let owner = d.object_owner(obj);
    let mut out = vec![format!("owner account: {}", account(owner))];
    match obj {
        Object::Subnet(s) => {
            let shares: Vec<String> = d
                .accounts
                .shares
                .iter()
                .filter(|sh| sh.subnets.contains(&s.name))
                .map(|sh| format!("{} (share {})", sh.participants.join(", "), sh.name))
                .collect();
            if !shares.is_empty() {
                out.push(format!("shared with: {}", shares.join("; ")));
            }
        }
        Object::Instance(i) => {
            let vpc_owner = d.subnet_owner(&i.subnet);
            if owner != vpc_owner {
                out.push(format!(
                    "launched by a participant into {}, a subnet of {}",
                    i.subnet,
                    account(vpc_owner)
                ));
            }
        }
        _ => {}
    }
    out
}

impl Pane for InspectorPane {
    fn title(&self, ctx: &Ctx) -> String {
        match ctx.selected {
            Some(s) => format!("Inspector · {}", s.name),
            None => "Inspector".into(),
        }
    }
    fn context(&self) -> Context {
        Context::Inspector
    }
    fn region(&self) -> Region {
        Region::Right
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        let key = ctx.selected.map(|s| s.to_string()).unwrap_or_default();
        let rev = ctx.ws.revision();
        if !matches!(&self.cache, Some((r, k, _)) if *r == rev && *k == key) {
            self.cache = Some((rev, key, describe(ctx)));
        }
        let lines: Vec<Line> = self
            .cache
            .as_ref()
            .map(|(_, _, l)| l.as_slice())
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    Line::styled(l.clone(), t.title())
                } else if l.starts_with("error:") {
                    Line::styled(l.clone(), t.error())
                } else if l.starts_with("warning:") {
                    Line::styled(l.clone(), t.warning())
                } else {
                    Line::from(Span::raw(l.clone()))
                }
            })
            .collect();
        let max = (lines.len() as u16).saturating_sub(inner.height);
        self.scroll = self.scroll.min(max);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .scroll((self.scroll, 0)),
            inner,
        );
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        match action {
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Msg::Consumed
            }
            Action::Down => {
                self.scroll = self.scroll.saturating_add(1);
                Msg::Consumed
            }
            Action::Enter => match ctx.selected {
                Some(o) => Msg::Form(Box::new(Form::edit_object(o, ctx.ws))),
                None => Msg::Status("nothing selected".into()),
            },
            Action::Add => Msg::AddObject(None),
            Action::Delete => match ctx.selected {
                Some(o) => Msg::Confirm {
                    prompt: format!("Delete {o}?"),
                    edit: crate::edit::Edit::Delete(o.clone()),
                },
                None => Msg::Status("nothing selected".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn on_select(&mut self, _ctx: &Ctx) {
        self.scroll = 0;
    }
}
