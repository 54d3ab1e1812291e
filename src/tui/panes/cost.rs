//! Estimated monthly cost of the design's billable parts (library: [`crate::cost`]),
//! free parts marked free, and what-if comparisons. Follows every edit.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, step, Ctx, Msg, Pane, Region};
use crate::cost::{self, dollars, Estimate, ItemChange, PriceTable};
use crate::model::Object;
use crate::tui::keymap::{Action, Context};
use crate::workspace::{Change, Renamed};

/// The pane's text lines, each with how it is drawn.
type Lines = Vec<(String, LineStyle)>;

pub struct CostPane {
    prices: PriceTable,
    /// The estimate and the workspace's layout revision it was computed for.
    cached: Option<(u64, Estimate)>,
    /// The workspace's revision when `cached` was last brought up to date.
    cached_at: u64,
    /// How the last instance change moved the items, for the lines to follow
    /// (with the layout revision it led to).
    moved: Option<(u64, ItemChange)>,
    /// The lines written from it, for (layout revision, width): a design can
    /// have thousands of priced items, and a frame shows a few.
    written: Option<(u64, usize, Lines)>,
    offset: usize,
    height: usize,
}

impl Default for CostPane {
    fn default() -> Self {
        CostPane {
            prices: PriceTable::builtin(),
            cached: None,
            cached_at: 0,
            moved: None,
            written: None,
            offset: 0,
            height: 0,
        }
    }
}

impl CostPane {
    /// The estimate for the current revision, recomputed only after a change
    /// that can move a price (with the workspace's index of the design, not a
    /// fresh one). It is keyed on the layout revision, which stays put while
    /// only security groups, network ACLs and flow logs are replaced in place:
    /// none of them is priced here (security groups and network ACLs cost
    /// nothing, Amazon VPC pricing; flow-log delivery is billed by the
    /// destination's log ingestion, which the design does not size), so the
    /// most common edits while designing skip the re-estimate. An instance
    /// added, removed, replaced or renamed right after the estimate moves only its
    /// public IPv4 line ([`Estimate::after_instance_change`]); a subnet
    /// nothing is priced through moves nothing ([`cost::subnet_prices_nothing`]).
    fn estimate(&mut self, ctx: &Ctx) -> &Estimate {
        let (rev, layout) = (ctx.ws.revision(), ctx.ws.layout_revision());
        let follows_instance = self.cached_at == ctx.ws.previous_revision()
            && matches!(
                ctx.ws.last_change(),
                Change::InPlace(Object::Instance(_), Object::Instance(_))
                    | Change::Inserted(Object::Instance(_), _)
                    | Change::Removed(Object::Instance(_), _)
                    | Change::Renamed(Renamed {
                        object: Object::Instance(_),
                        ..
                    })
            );
        // A subnet nothing is priced through, added or deleted; or any subnet
        // renamed, every reference following it and none resolving anew (no
        // item names a subnet, and a rename keeps what prices read of it).
        let follows_subnet = self.cached_at == ctx.ws.previous_revision()
            && match ctx.ws.last_change() {
                Change::Renamed(Renamed {
                    object: Object::Subnet(_),
                    ..
                }) => true,
                Change::Inserted(Object::Subnet(s), _) | Change::Removed(Object::Subnet(s), _) => {
                    cost::subnet_prices_nothing(ctx.ws.design(), ctx.ws.index(), s)
                }
                _ => false,
            };
        let kept = match self.cached.take() {
            Some((r, est)) if r == layout => est,
            Some((r, est)) if follows_subnet => {
                // The lines written for it stay as they are.
                self.moved = Some((r, ItemChange::Unchanged));
                est
            }
            Some((r, mut est)) if follows_instance => {
                let moved = est.after_instance_change(ctx.ws.design(), ctx.ws.index(), &self.prices);
                // The lines follow when they were written for the estimate just changed.
                self.moved = Some((r, moved));
                est
            }
            _ => {
                self.moved = None;
                cost::estimate_indexed(ctx.ws.design(), ctx.ws.index(), &self.prices)
            }
        };
        self.cached_at = rev;
        &self.cached.insert((layout, kept)).1
    }

    /// The lines for `width`, written again only for a new estimate: after an
    /// instance change the one line it moved and the total are.
    fn written(&mut self, ctx: &Ctx, width: usize) -> &Lines {
        self.estimate(ctx);
        let layout = ctx.ws.layout_revision();
        let moved = self.moved.take();
        let lines = match (self.written.take(), moved, self.cached.as_ref()) {
            (Some((r, w, lines)), _, _) if r == layout && w == width => lines,
            // Written for the estimate the last instance change moved.
            (Some((r, w, mut lines)), Some((from, moved)), Some((_, est))) if r == from && w == width => {
                match moved {
                    ItemChange::Replaced(at) => lines[at] = item_line(&est.items[at], width),
                    ItemChange::Inserted(at) => lines.insert(at, item_line(&est.items[at], width)),
                    ItemChange::Removed(at) => {
                        lines.remove(at);
                    }
                    ItemChange::Unchanged => {}
                }
                lines[est.items.len()] = total_line(est, width);
                lines
            }
            _ => self.lines(ctx, width),
        };
        &self.written.insert((layout, width, lines)).2
    }

    /// The pane's text lines (also used by tests).
    pub fn lines(&mut self, ctx: &Ctx, width: usize) -> Lines {
        let est = self.estimate(ctx);
        let mut out: Lines = est.items.iter().map(|i| item_line(i, width)).collect();
        out.push(total_line(est, width));
        for w in &est.what_if {
            out.push((
                fit(
                    &format!("what if {}: {}/month, {}", w.change, w.delta(), w.tradeoff),
                    width,
                ),
                LineStyle::WhatIf,
            ));
        }
        for n in &est.notes {
            out.push((fit(&format!("note: {n}"), width), LineStyle::Free));
        }
        out
    }
}

fn item_line(i: &cost::LineItem, width: usize) -> (String, LineStyle) {
    let style = if i.free { LineStyle::Free } else { LineStyle::Normal };
    (fit(&format!("{:>9} {} {}", i.amount(), i.item, i.object), width), style)
}

fn total_line(est: &Estimate, width: usize) -> (String, LineStyle) {
    (
        fit(&format!("{:>9} total per month", dollars(est.total_monthly_usd)), width),
        LineStyle::Total,
    )
}

/// How a cost line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Normal,
    Free,
    Total,
    WhatIf,
}

impl Pane for CostPane {
    fn title(&self, _ctx: &Ctx) -> String {
        match &self.cached {
            Some((_, e)) => format!(
                "Cost · {}/month ({}, {})",
                dollars(e.total_monthly_usd),
                e.price_region,
                e.prices_as_of
            ),
            None => "Cost".into(),
        }
    }
    fn context(&self) -> Context {
        Context::Cost
    }
    fn region(&self) -> Region {
        Region::Right
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        let t = ctx.theme;
        // Compute first so the title shows the current total.
        self.estimate(ctx);
        let inner = framed(frame, area, self.title(ctx), focused, &t);
        self.height = inner.height as usize;
        let len = self.written(ctx, inner.width as usize).len();
        self.offset = self.offset.min(len.saturating_sub(1));
        let lines = self.written.as_ref().map(|(_, _, l)| l.as_slice()).unwrap_or_default();
        let shown: Vec<Line> = lines
            .iter()
            .skip(self.offset)
            .take(self.height)
            .map(|(s, style)| {
                let st = match style {
                    LineStyle::Normal => t.normal(),
                    LineStyle::Free => t.dim(),
                    LineStyle::Total => t.title(),
                    LineStyle::WhatIf => t.warning(),
                };
                Line::from(Span::styled(s.clone(), st))
            })
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                let len = self.lines(ctx, 200).len();
                self.offset = step(self.offset, len, action, self.height);
                Msg::Consumed
            }
            _ => Msg::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::{Object, ObjectKind, ObjectRef};
    use crate::tui::panes::with_ctx;
    use crate::workspace::Workspace;

    /// Asserts that the pane's kept estimate and lines (at `width`) equal
    /// fresh ones for the workspace's design; returns the estimate.
    fn kept_equals_fresh(pane: &mut CostPane, ws: &Workspace, width: usize) -> Estimate {
        with_ctx(ws, None, |ctx| {
            let kept = pane.estimate(ctx).clone();
            assert_eq!(kept, cost::estimate(ws.design(), &PriceTable::builtin()));
            let written = pane.written(ctx, width).clone();
            assert_eq!(written, CostPane::default().written(ctx, width).clone());
            kept
        })
    }

    /// The estimate kept across rule edits (security groups, network ACLs,
    /// flow logs) and recomputed after anything else equals a fresh estimate
    /// after every edit, undo and redo.
    #[test]
    fn kept_estimate_equals_a_fresh_estimate() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let mut ws = Workspace::new(d);
        let mut pane = CostPane::default();
        let check = |pane: &mut CostPane, ws: &Workspace| {
            kept_equals_fresh(pane, ws, 72);
        };
        check(&mut pane, &ws);
        let [add_rule, remove_rule] = crate::perf::toggle_edits(ws.design()).unwrap();
        let [add_instance, delete_instance] = crate::perf::add_delete_instance(ws.design()).unwrap();
        let [rename_instance, _] = crate::perf::rename_instance(ws.design()).unwrap();
        let [add_subnet, delete_subnet] = crate::perf::add_delete_subnet(ws.design()).unwrap();
        let [rename_subnet, rename_back] = crate::perf::rename_subnet(ws.design()).unwrap();
        let mut acl = ws.design().network_acls[0].clone();
        acl.inbound.clear();
        let mut nat = ws.design().nat_gateways[0].clone();
        nat.description = Some("priced the same".into());
        let edits = [
            add_rule,
            Edit::Put(Object::NetworkAcl(acl)),
            add_instance,
            rename_instance,
            add_subnet,
            rename_subnet,
            rename_back,
            delete_subnet,
            remove_rule,
            Edit::Put(Object::NatGateway(nat.clone())),
            Edit::Delete(ObjectRef::new(ObjectKind::NatGateway, &nat.name)),
            delete_instance,
        ];
        for e in edits {
            let _ = ws.apply(e);
            check(&mut pane, &ws);
        }
        for _ in 0..5 {
            ws.undo();
            check(&mut pane, &ws);
        }
        for _ in 0..3 {
            ws.redo();
            check(&mut pane, &ws);
        }
    }

    /// A subnet renamed to the name a stray instance's subnet already held
    /// places that instance (and prices the public address the subnet
    /// assigns it): the pane estimates again instead of keeping the estimate
    /// a plain rename keeps.
    #[test]
    fn a_subnet_renamed_to_a_name_an_instance_holds_is_priced_again() {
        let mut d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let stray = crate::model::index::tests::stray_instance(&d).unwrap();
        d.instances.push(stray);
        let subnet = d
            .subnets
            .iter()
            .find(|s| s.map_public_ip)
            .expect("a public subnet")
            .name
            .clone();
        let mut ws = Workspace::new(d);
        let mut pane = CostPane::default();
        let before = kept_equals_fresh(&mut pane, &ws, 72);
        let rename = |from: &str, to: &str| Edit::Rename {
            target: ObjectRef::new(ObjectKind::Subnet, from),
            to: to.into(),
        };
        ws.apply(rename(&subnet, "ghost")).expect("renamed");
        let placed = kept_equals_fresh(&mut pane, &ws, 72);
        assert_ne!(
            placed, before,
            "the stray instance's address is priced once it is placed"
        );
        ws.apply(rename("ghost", "plain")).expect("renamed");
        assert_eq!(kept_equals_fresh(&mut pane, &ws, 72), placed);
    }

    /// An instance that brings the design's first public IPv4 address adds
    /// the line, and removing it takes the line away again; toggling an
    /// instance's public address replaces it. Kept lines equal fresh ones.
    #[test]
    fn instance_changes_follow_the_public_ipv4_line() {
        let mut d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        d.nat_gateways.clear();
        d.elastic_ips.clear();
        for i in &mut d.instances {
            i.public_ip = Some(false);
            i.elastic_ip = None;
        }
        let mut ws = Workspace::new(d);
        let mut pane = CostPane::default();
        let mut check = |ws: &Workspace, public: bool| {
            let kept = kept_equals_fresh(&mut pane, ws, 60);
            assert_eq!(kept.items.iter().any(|i| i.item == "public IPv4 addresses"), public);
        };
        check(&ws, false);
        let mut public = ws.design().instances[1].clone();
        public.name = "public-one".into();
        public.private_ip = None;
        public.public_ip = Some(true);
        ws.apply(Edit::Put(Object::Instance(public.clone()))).unwrap();
        check(&ws, true);
        let mut other = ws.design().instances[0].clone();
        other.public_ip = Some(true);
        ws.apply(Edit::Put(Object::Instance(other))).unwrap();
        check(&ws, true);
        ws.undo();
        check(&ws, true);
        ws.apply(Edit::Delete(ObjectRef::new(ObjectKind::Instance, &public.name)))
            .unwrap();
        check(&ws, false);
        ws.undo();
        check(&ws, true);
        ws.redo();
        check(&ws, false);
    }
}
