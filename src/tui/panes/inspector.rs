//! The inspector: the current object's fields, what it uses and what uses
//! it, and its findings. Enter opens its form; `e` edits it as text.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{framed, Ctx, Msg, Pane, Region};
use crate::model::index::EniOwner;
use crate::model::{Accounts, Design, Object, ObjectKind, ObjectRef};
use crate::tui::forms::Form;
use crate::tui::keymap::{Action, Context};
use crate::workspace::Change;

#[derive(Default)]
pub struct InspectorPane {
    scroll: u16,
    cache: Option<(u64, String, Vec<String>)>,
    /// The objects that refer to the selection, for (revision, selection):
    /// finding them walks every reference of the design, so they are kept
    /// across edits that cannot change them.
    users: Option<(u64, String, Vec<String>)>,
}

/// The objects that refer to `sel`, in the design's order.
fn users_of(d: &Design, sel: &ObjectRef) -> Vec<String> {
    d.referrers(sel).into_iter().map(|r| r.from.to_string()).collect()
}

/// The fields of `o` that name `sel`, as the design's references list them
/// (the object alone in a design); `None` when that depends on the rest of the
/// design (an endpoint names an endpoint service only if the design has it).
fn fields_naming(o: &Object, sel: &ObjectRef) -> Option<Vec<&'static str>> {
    if o.kind() == ObjectKind::Endpoint && sel.kind == ObjectKind::EndpointService {
        return None;
    }
    let mut alone = Design::default();
    crate::edit::Edit::Put(o.clone()).apply(&mut alone).ok()?;
    Some(alone.referrers(sel).into_iter().map(|r| r.field).collect())
}

/// Whether `change` can change the list of objects that refer to `sel`: an
/// object replaced in place whose references to it are the same, or an object
/// inserted or removed that has none, leaves the list as it was.
fn can_change_users(change: &Change, sel: &ObjectRef) -> bool {
    match change {
        Change::InPlace(old, new) => {
            let before = fields_naming(old, sel);
            before.is_none() || before != fields_naming(new, sel)
        }
        Change::Inserted(o, _) | Change::Removed(o, _) => fields_naming(o, sel).is_none_or(|f| !f.is_empty()),
        Change::Renamed(_) | Change::Other => true,
    }
}

fn describe(ctx: &Ctx, users: &[String]) -> Vec<String> {
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

impl InspectorPane {
    /// The selection's description for the current revision (kept per
    /// revision and selection; the objects referring to it are kept across
    /// changes that cannot change them).
    fn describe(&mut self, ctx: &Ctx) -> &[String] {
        let key = ctx.selected.map(|s| s.to_string()).unwrap_or_default();
        let rev = ctx.ws.revision();
        if !matches!(&self.cache, Some((r, k, _)) if *r == rev && *k == key) {
            let users = match (&self.users, ctx.selected) {
                (_, None) => Vec::new(),
                // Found for this selection on this revision, or on the one the
                // last change was made to when that change keeps them.
                (Some((r, k, users)), Some(sel))
                    if *k == key
                        && (*r == rev
                            || *r == ctx.ws.previous_revision() && !can_change_users(ctx.ws.last_change(), sel)) =>
                {
                    users.clone()
                }
                (_, Some(sel)) => users_of(ctx.ws.design(), sel),
            };
            self.cache = Some((rev, key.clone(), describe(ctx, &users)));
            self.users = Some((rev, key, users));
        }
        self.cache.as_ref().map(|(_, _, l)| l.as_slice()).unwrap_or_default()
    }
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
        self.describe(ctx);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::tui::panes::with_ctx;
    use crate::workspace::Workspace;

    /// With the objects that refer to the selection kept across edits that
    /// cannot change them, the description equals a fresh one after rule
    /// edits, instances added and deleted, undo and redo, for a VPC and a
    /// security group the instances use.
    #[test]
    fn kept_description_equals_a_fresh_one() {
        let d = crate::create::templates::sample::three_tier();
        let web = d.instances.iter().find(|i| i.name == "web-1").unwrap().clone();
        let sg = web.security_groups[0].clone();
        let [add_rule, remove_rule] = crate::perf::toggle_edits(&d).unwrap();
        let mut copy = web.clone();
        copy.name = "web-9".into();
        copy.private_ip = None;
        copy.elastic_ip = None;
        let mut plain = copy.clone();
        plain.name = "web-10".into();
        plain.security_groups.clear();
        let edits = [
            add_rule,
            Edit::Put(Object::Instance(copy)),
            Edit::Put(Object::Instance(plain)),
            remove_rule,
            Edit::Delete(ObjectRef::new(ObjectKind::Instance, "web-9")),
        ];
        for sel in [
            ObjectRef::new(ObjectKind::Vpc, &d.vpcs[0].name),
            ObjectRef::new(ObjectKind::SecurityGroup, &sg),
        ] {
            let mut ws = Workspace::new(d.clone());
            let mut pane = InspectorPane::default();
            let check = |pane: &mut InspectorPane, ws: &Workspace| {
                with_ctx(ws, Some(&sel), |ctx| {
                    let fresh = describe(ctx, &users_of(ws.design(), &sel));
                    assert_eq!(pane.describe(ctx), fresh.as_slice());
                });
            };
            check(&mut pane, &ws);
            for e in edits.clone() {
                ws.apply(e).unwrap();
                check(&mut pane, &ws);
            }
            for _ in 0..4 {
                ws.undo();
                check(&mut pane, &ws);
            }
            ws.redo();
            check(&mut pane, &ws);
        }
    }
}
