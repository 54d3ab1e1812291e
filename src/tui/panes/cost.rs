//! Estimated monthly cost of the design's billable parts (library: [`crate::cost`]),
//! free parts marked free, and what-if comparisons. Follows every edit.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, step, Ctx, Msg, Pane, Region};
use crate::cost::{self, dollars, Estimate, PriceTable};
use crate::tui::keymap::{Action, Context};

/// The pane's text lines, each with how it is drawn.
type Lines = Vec<(String, LineStyle)>;

pub struct CostPane {
    prices: PriceTable,
    /// The estimate and the workspace's layout revision it was computed for.
    cached: Option<(u64, Estimate)>,
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
    /// most common edits while designing skip the re-estimate.
    fn estimate(&mut self, ctx: &Ctx) -> &Estimate {
        let rev = ctx.ws.layout_revision();
        if self.cached.as_ref().is_some_and(|(r, _)| *r != rev) {
            self.cached = None;
        }
        let prices = &self.prices;
        &self
            .cached
            .get_or_insert_with(|| (rev, cost::estimate_indexed(ctx.ws.design(), ctx.ws.index(), prices)))
            .1
    }

    /// The pane's text lines (also used by tests).
    pub fn lines(&mut self, ctx: &Ctx, width: usize) -> Lines {
        let est = self.estimate(ctx);
        let mut out = Vec::new();
        for i in &est.items {
            let amount = i.amount();
            let style = if i.free { LineStyle::Free } else { LineStyle::Normal };
            out.push((fit(&format!("{amount:>9} {} {}", i.item, i.object), width), style));
        }
        out.push((
            fit(&format!("{:>9} total per month", dollars(est.total_monthly_usd)), width),
            LineStyle::Total,
        ));
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
        let (rev, width) = (ctx.ws.layout_revision(), inner.width as usize);
        if !matches!(&self.written, Some((r, w, _)) if *r == rev && *w == width) {
            self.written = Some((rev, width, self.lines(ctx, width)));
        }
        let lines = self.written.as_ref().map(|(_, _, l)| l.as_slice()).unwrap_or_default();
        self.offset = self.offset.min(lines.len().saturating_sub(1));
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
    use crate::tui::theme::Theme;
    use crate::workspace::Workspace;

    /// The estimate kept across rule edits (security groups, network ACLs,
    /// flow logs) and recomputed after anything else equals a fresh estimate
    /// after every edit, undo and redo.
    #[test]
    fn kept_estimate_equals_a_fresh_estimate() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let mut ws = Workspace::new(d);
        let mut pane = CostPane::default();
        let trace = std::cell::RefCell::default();
        let check = |pane: &mut CostPane, ws: &Workspace| {
            let ctx = Ctx {
                ws,
                selected: None,
                trace: &trace,
                theme: Theme::plain(),
            };
            let kept = pane.estimate(&ctx).clone();
            assert_eq!(kept, cost::estimate(ws.design(), &PriceTable::builtin()));
        };
        check(&mut pane, &ws);
        let [add_rule, remove_rule] = crate::perf::toggle_edits(ws.design()).unwrap();
        let [add_instance, delete_instance] = crate::perf::add_delete_instance(ws.design()).unwrap();
        let mut acl = ws.design().network_acls[0].clone();
        acl.inbound.clear();
        let mut nat = ws.design().nat_gateways[0].clone();
        nat.description = Some("priced the same".into());
        let edits = [
            add_rule,
            Edit::Put(Object::NetworkAcl(acl)),
            add_instance,
            remove_rule,
            Edit::Put(Object::NatGateway(nat.clone())),
            Edit::Delete(ObjectRef::new(ObjectKind::NatGateway, &nat.name)),
            delete_instance,
        ];
        for e in edits {
            let _ = ws.apply(e);
            check(&mut pane, &ws);
        }
        for _ in 0..4 {
            ws.undo();
            check(&mut pane, &ws);
        }
        for _ in 0..2 {
            ws.redo();
            check(&mut pane, &ws);
        }
    }
}
