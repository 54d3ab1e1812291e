//! The topology diagram, laid out by the library and drawn on a character grid.
//!
//! Ranks come from the domain: the internet and on-premises networks outside
//! (above each VPC), internet, egress-only and virtual private gateways and
//! gateway endpoints on the VPC border, one column per AZ inside each VPC,
//! subnets (public first) holding their instances, NAT gateways, endpoints and
//! other interfaces. Peerings and transit gateways are lanes in a channel right
//! of the VPC boxes. Every cell remembers the object it shows, so the TUI can
//! colour the selection, markers and a trace path without knowing the layout.
//!
//! A layout is computed once per design revision ([`DiagramCache`]); the TUI
//! only paints the visible window of the finished [`Canvas`].

mod dot;
mod grid;
mod path;
mod topology;
mod view;

use std::cell::RefCell;
use std::collections::HashMap;

pub use dot::to_dot;
pub use grid::{Canvas, Charset, Marker, Rect, RouteMark};
pub use topology::{RouteArrow, RouteHop, Topology, VpcNode};
pub use view::Viewport;

use crate::model::{Design, DesignIndex, ObjectKind, ObjectRef, SubnetKind};
use crate::validate::{Diagnostic, Severity};
use grid::Grid;
use topology::{onprem_label, row_key, GatewayKind, HybridLink, SubnetNode};

/// How much the diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Zoom {
    /// Subnets and everything in them.
    #[default]
    Detail,
    /// One box per VPC with counts: for large designs.
    Summary,
}

/// How to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiagramOptions {
    /// Width of the drawing in columns (at least [`MIN_WIDTH`]).
    pub width: u16,
    pub charset: Charset,
    pub zoom: Zoom,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        DiagramOptions {
            width: 120,
            charset: Charset::Unicode,
            zoom: Zoom::Detail,
        }
    }
}

/// The narrowest drawing the layout produces; narrower requests are widened.
pub const MIN_WIDTH: u16 = 40;

/// Designs with more subnets than this open zoomed out in the TUI.
pub const SUMMARY_THRESHOLD_SUBNETS: usize = 60;

/// A laid-out, drawn diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub canvas: Canvas,
    pub options: DiagramOptions,
    rects: HashMap<ObjectRef, Rect>,
}

impl Diagram {
    /// Lays out and draws a design. `diagnostics` put markers on objects with
    /// errors or warnings.
    pub fn build(d: &Design, idx: &DesignIndex, diagnostics: &[Diagnostic], options: DiagramOptions) -> Diagram {
        Self::build_with_markers(d, idx, &MarkerLookup::new(&markers_of(diagnostics)), options)
    }

    fn build_with_markers(
        d: &Design,
        idx: &DesignIndex,
        markers: &MarkerLookup<'_>,
        options: DiagramOptions,
    ) -> Diagram {
        let topo = Topology::new(d, idx);
        Painter::new(d, &topo, markers, options).paint()
    }

    /// The area an object occupies, if it is drawn.
    pub fn rect_of(&self, obj: &ObjectRef) -> Option<Rect> {
        self.rects.get(obj).copied()
    }

    /// The area to show for an object: its own, or that of the drawn object
    /// that contains or stands for it (a route table → its first subnet, an
    /// instance in summary zoom → its VPC, …).
    pub fn locate(&self, d: &Design, idx: &DesignIndex, obj: &ObjectRef) -> Option<Rect> {
        let mut cur = obj.clone();
        for _ in 0..4 {
            if let Some(r) = self.rect_of(&cur) {
                return Some(r);
            }
            cur = container(d, idx, &cur)?;
        }
        None
    }

    /// The object drawn at a cell.
    pub fn object_at(&self, x: u16, y: u16) -> Option<&ObjectRef> {
        self.canvas.object_at(x, y)
    }

    /// The drawing as text.
    pub fn to_text(&self) -> String {
        self.canvas.to_text()
    }
}

/// The marker each object gets: the most severe of its errors and warnings.
fn markers_of(diagnostics: &[Diagnostic]) -> HashMap<ObjectRef, Severity> {
    let mut markers: HashMap<ObjectRef, Severity> = HashMap::new();
    for diag in diagnostics.iter().filter(|g| g.severity != Severity::Info) {
        if let Some(obj) = &diag.object {
            let e = markers.entry(obj.clone()).or_insert(diag.severity);
            *e = (*e).min(diag.severity);
        }
    }
    markers
}

/// The markers as a drawing reads them: every question it asks is recorded
/// with its answer. A drawing is a function of the topology and of these
/// answers alone, so a later revision with the same layout and the same
/// answers draws the same picture (markers of objects the drawing never asked
/// about, e.g. the security groups, cannot change it).
struct MarkerLookup<'a> {
    markers: &'a HashMap<ObjectRef, Severity>,
    asked: RefCell<HashMap<ObjectRef, Option<Severity>>>,
}

impl<'a> MarkerLookup<'a> {
    fn new(markers: &'a HashMap<ObjectRef, Severity>) -> Self {
        MarkerLookup {
            markers,
            asked: RefCell::default(),
        }
    }

    fn get(&self, obj: &ObjectRef) -> Option<Severity> {
        let answer = self.markers.get(obj).copied();
        self.asked.borrow_mut().entry(obj.clone()).or_insert(answer);
        answer
    }

    fn contains_key(&self, obj: &ObjectRef) -> bool {
        self.get(obj).is_some()
    }

    fn into_answers(self) -> Vec<(ObjectRef, Option<Severity>)> {
        self.asked.into_inner().into_iter().collect()
    }
}

/// The object that contains or stands for `obj` on the diagram.
pub fn container(d: &Design, idx: &DesignIndex, obj: &ObjectRef) -> Option<ObjectRef> {
    use crate::model::FlowLogScope;
    let sub = |n: &str| Some(ObjectRef::new(ObjectKind::Subnet, n));
    let vpc = |n: &str| Some(ObjectRef::new(ObjectKind::Vpc, n));
    match obj.kind {
        ObjectKind::Instance => idx.instance(d, &obj.name).and_then(|i| sub(&i.subnet)),
        // A regional NAT gateway belongs to its VPC, not to a subnet.
        ObjectKind::NatGateway => idx.nat_gateway(d, &obj.name).and_then(|n| match (&n.subnet, &n.vpc) {
            (Some(s), _) => sub(s),
            (None, Some(v)) => vpc(v),
            (None, None) => None,
        }),
        ObjectKind::Subnet => idx.subnet(d, &obj.name).and_then(|s| vpc(&s.vpc)),
        ObjectKind::RouteTable => {
            let first = idx
                .subnets_using_route_table(d, &obj.name)
                .first()
                .map(|s| s.name.clone());
            match first {
                Some(s) => sub(&s),
                None => idx.route_table(d, &obj.name).and_then(|r| vpc(&r.vpc)),
            }
        }
        ObjectKind::NetworkAcl => {
            let acl = idx.network_acl(d, &obj.name)?;
            let first = d
                .subnets
                .iter()
                .find(|s| idx.subnet_network_acl(d, s).is_some_and(|a| a.name == obj.name));
            match first {
                Some(s) => sub(&s.name),
                None => vpc(&acl.vpc),
            }
        }
        ObjectKind::SecurityGroup => match idx.enis_with_sg(&obj.name).next() {
            Some(e) => Some(e.owner.object()),
            None => idx.security_group(d, &obj.name).and_then(|g| vpc(&g.vpc)),
        },
        ObjectKind::ElasticIp => d
            .instances
            .iter()
            .find(|i| i.elastic_ip.as_deref() == Some(obj.name.as_str()))
            .map(|i| ObjectRef::new(ObjectKind::Instance, i.name.clone()))
            .or_else(|| {
                d.nat_gateways
                    .iter()
                    .find(|n| n.elastic_ip.as_deref() == Some(obj.name.as_str()))
                    .map(|n| ObjectRef::new(ObjectKind::NatGateway, n.name.clone()))
            }),
        ObjectKind::LoadBalancer => idx
            .load_balancer(d, &obj.name)
            .and_then(|l| l.subnets.first().and_then(|s| sub(s))),
        ObjectKind::Endpoint => idx.endpoint(d, &obj.name).and_then(|e| vpc(&e.vpc)),
        ObjectKind::Firewall => idx.firewall(d, &obj.name).and_then(|f| vpc(&f.vpc)),
        ObjectKind::InternetGateway => idx
            .internet_gateway(d, &obj.name)
            .and_then(|g| g.vpc.clone())
            .and_then(|v| vpc(&v)),
        ObjectKind::VpnGateway => idx
            .vpn_gateway(d, &obj.name)
            .and_then(|g| g.vpc.clone())
            .and_then(|v| vpc(&v)),
        ObjectKind::EgressOnlyGateway => d
            .egress_only_gateways
            .iter()
            .find(|g| g.name == obj.name)
            .and_then(|g| vpc(&g.vpc)),
        ObjectKind::FlowLog => d.flow_logs.iter().find(|f| f.name == obj.name).map(|f| match &f.scope {
            FlowLogScope::Vpc(v) => ObjectRef::new(ObjectKind::Vpc, v.clone()),
            FlowLogScope::Subnet(s) => ObjectRef::new(ObjectKind::Subnet, s.clone()),
            FlowLogScope::Instance(i) => ObjectRef::new(ObjectKind::Instance, i.clone()),
        }),
        ObjectKind::CustomerGateway => d
            .vpn_connections
            .iter()
            .find(|v| v.customer_gateway == obj.name)
            .map(|v| ObjectRef::new(ObjectKind::VpnConnection, v.name.clone())),
        _ => None,
    }
}

/// Keeps the last diagram and lays it out again only when something it
/// shows can have changed: a design can hold thousands of instances, too many
/// to lay out on every frame, and most edits (security-group and network ACL
/// rules) change nothing drawn. A new design revision with the same layout
/// revision (see `Workspace::layout_revision`) and options keeps the drawing
/// when the markers of the objects it draws are unchanged; anything else
/// relays out.
#[derive(Debug, Default)]
pub struct DiagramCache {
    /// (design revision, layout revision, options) of the drawing kept.
    key: Option<(u64, u64, DiagramOptions)>,
    /// The markers the kept drawing asked about, with the answers it got.
    asked: Vec<(ObjectRef, Option<Severity>)>,
    diagram: Option<Diagram>,
    /// How many layouts this cache has computed.
    layouts: u64,
}

impl DiagramCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The diagram for this revision and options, laid out if needed.
    /// `layout_revision` must change whenever anything the layout reads
    /// (everything but security groups, network ACLs and flow logs) changes.
    pub fn get(
        &mut self,
        revision: u64,
        layout_revision: u64,
        d: &Design,
        idx: &DesignIndex,
        diagnostics: &[Diagnostic],
        options: DiagramOptions,
    ) -> &Diagram {
        if !self.is_current(revision, layout_revision, diagnostics, options) {
            self.diagram = None;
        }
        self.key = Some((revision, layout_revision, options));
        let (asked, layouts) = (&mut self.asked, &mut self.layouts);
        self.diagram.get_or_insert_with(|| {
            let markers = markers_of(diagnostics);
            let lookup = MarkerLookup::new(&markers);
            let diagram = Diagram::build_with_markers(d, idx, &lookup, options);
            *asked = lookup.into_answers();
            *layouts += 1;
            diagram
        })
    }

    /// Whether [`DiagramCache::get`] with these arguments would keep the
    /// drawing (same options, same layout revision and the same markers on
    /// what it draws); when it would, the drawing is taken for `revision`.
    pub fn is_current(
        &mut self,
        revision: u64,
        layout_revision: u64,
        diagnostics: &[Diagnostic],
        options: DiagramOptions,
    ) -> bool {
        match self.key {
            Some((rev, layout, opts)) if self.diagram.is_some() && opts == options && layout == layout_revision => {
                if rev != revision {
                    // Same topology: only the markers it shows can differ.
                    let markers = markers_of(diagnostics);
                    if self.asked.iter().any(|(o, sev)| markers.get(o) != sev.as_ref()) {
                        return false;
                    }
                    self.key = Some((revision, layout_revision, options));
                }
                true
            }
            _ => false,
        }
    }

    /// The drawing kept if it was drawn with these options, whatever revision
    /// it was laid out for: a view may show it while the next layout waits.
    pub fn kept(&self, options: DiagramOptions) -> Option<&Diagram> {
        match self.key {
            Some((_, _, opts)) if opts == options => self.diagram.as_ref(),
            _ => None,
        }
    }

    /// How many times this cache has laid a diagram out (to see that an
    /// edit was drawn without a relayout).
    pub fn layouts(&self) -> u64 {
        self.layouts
    }

    /// Forgets the cached drawing (e.g. after the design was replaced).
    pub fn invalidate(&mut self) {
        self.key = None;
        self.diagram = None;
    }
}

/// Where the VPC boxes end and the link channel begins.
struct Channel {
    /// Width of the VPC boxes.
    vpc_w: u16,
    /// Width of the label area at the start of the channel.
    label_w: u16,
}

impl Channel {
    fn lane_x(&self, lane: usize) -> u16 {
        self.vpc_w
            .saturating_add(self.label_w)
            .saturating_add(u16::try_from(lane * 2).unwrap_or(u16::MAX))
    }
}

struct Painter<'a> {
    d: &'a Design,
    topo: &'a Topology,
    markers: &'a MarkerLookup<'a>,
    opts: DiagramOptions,
    g: Grid,
    rects: HashMap<ObjectRef, Rect>,
    y: u16,
}

fn len16(s: &str) -> u16 {
    u16::try_from(s.chars().count()).unwrap_or(u16::MAX)
}

impl<'a> Painter<'a> {
    fn new(d: &'a Design, topo: &'a Topology, markers: &'a MarkerLookup<'a>, opts: DiagramOptions) -> Self {
        let width = opts.width.max(MIN_WIDTH);
        Painter {
            d,
            topo,
            markers,
            opts: DiagramOptions { width, ..opts },
            g: Grid::new(width),
            rects: HashMap::new(),
            y: 0,
        }
    }

    fn cs(&self) -> Charset {
        self.opts.charset
    }

    fn note(&mut self, obj: &ObjectRef, r: Rect) {
        self.rects
            .entry(obj.clone())
            .and_modify(|old| *old = old.union(&r))
            .or_insert(r);
    }

    fn id(&mut self, obj: &ObjectRef) -> u32 {
        self.g.owner_id(obj)
    }

    /// Writes `text` preceded by the object's marker (if any). Returns cells written.
    fn label(&mut self, x: u16, y: u16, obj: &ObjectRef, text: &str, max: u16) -> u16 {
        let id = self.id(obj);
        let cs = self.cs();
        let mut x1 = x;
        let mut budget = max;
        if let Some(sev) = self.markers.get(obj) {
            if budget >= 2 {
                self.g.marker(x1, y, sev, obj, cs);
                x1 += 1;
                budget -= 1;
            }
        }
        let n = self.g.text(x1, y, text, budget, id, cs);
        let written = (x1 - x) + n;
        self.note(obj, Rect::new(x, y, written.max(1), 1));
        written
    }

    fn channel(&self) -> Channel {
        let w = self.opts.width;
        let lanes = self.topo.links.len();
        if lanes == 0 {
            return Channel { vpc_w: w, label_w: 0 };
        }
        let longest = self.topo.links.iter().map(|l| len16(&l.label)).max().unwrap_or(0);
        let lanes_w = u16::try_from(lanes * 2).unwrap_or(u16::MAX);
        let mut label_w = longest.saturating_add(5).min(28).min((w / 5).max(12));
        // Keep at least half the width for the VPC boxes.
        let max_channel = w / 2;
        if label_w.saturating_add(lanes_w) > max_channel {
            label_w = max_channel.saturating_sub(lanes_w).max(6);
        }
        let vpc_w = w.saturating_sub(label_w.saturating_add(lanes_w)).max(MIN_WIDTH / 2);
        Channel { vpc_w, label_w }
    }

    fn paint(mut self) -> Diagram {
        let ch = self.channel();
        if self.topo.vpcs.is_empty() {
            self.g
                .text(0, 0, "(this design has no VPCs)", self.opts.width, 0, self.cs());
            self.y = 1;
        }
        let first_with_internet = self
            .topo
            .vpcs
            .iter()
            .position(|v| v.gateways.iter().any(|g| is_internet(g.kind)));
        if first_with_internet.is_none() && !self.topo.internet_onprem.is_empty() {
            self.internet_onprem_band();
        }
        let mut stub_rows: Vec<Vec<u16>> = Vec::with_capacity(self.topo.vpcs.len());
        for (i, v) in self.topo.vpcs.iter().enumerate() {
            let links_here = self.topo.links.iter().filter(|l| l.vpcs.contains(&i)).count();
            let top = self.vpc(v, ch.vpc_w, links_here, first_with_internet == Some(i));
            let rows = (0..links_here)
                .map(|k| top + 1 + u16::try_from(k).unwrap_or(u16::MAX))
                .collect();
            stub_rows.push(rows);
            self.y += 1;
        }
        self.links(&ch, &stub_rows);
        let canvas = self.g.finish(self.opts.charset);
        Diagram {
            canvas,
            options: self.opts,
            rects: self.rects,
        }
    }

    /// A small box with lines of text; returns its rectangle.
    fn text_box(&mut self, x: u16, y: u16, lines: &[(Option<ObjectRef>, String)], min_w: u16) -> Rect {
        let w = lines
            .iter()
            .map(|(_, s)| len16(s))
            .max()
            .unwrap_or(0)
            .saturating_add(4)
            .max(min_w)
            .min(self.opts.width.saturating_sub(x));
        let h = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
        let r = Rect::new(x, y, w, h);
        let owner = lines.first().and_then(|(o, _)| o.clone());
        let id = owner.as_ref().map_or(0, |o| self.id(o));
        self.g.frame(r, id);
        for (k, (obj, s)) in lines.iter().enumerate() {
            let ly = y + 1 + u16::try_from(k).unwrap_or(u16::MAX);
            match obj {
                Some(o) => {
                    self.label(x + 2, ly, o, s, w.saturating_sub(3));
                }
                None => {
                    self.g.text(x + 2, ly, s, w.saturating_sub(3), id, self.opts.charset);
                }
            }
        }
        if let Some(o) = owner {
            self.note(&o, r);
        }
        r
    }

    fn onprem_lines(&self, refs: &[ObjectRef], title: &str) -> Vec<(Option<ObjectRef>, String)> {
        let mut lines = vec![(None, title.to_string())];
        for r in refs {
            lines.push((Some(r.clone()), onprem_label(self.d, r)));
        }
        lines
    }

    /// A band of on-prem networks reached over the internet when no VPC has an internet box to hang them on.
    fn internet_onprem_band(&mut self) {
        let refs = self.topo.internet_onprem.clone();
        let lines = self.onprem_lines(&refs, "on-premises (over the internet)");
        let r = self.text_box(0, self.y, &lines, 0);
        self.y = r.bottom() + 1;
    }

    /// Draws one VPC (its outside band, border gateways, AZ columns and
    /// subnets, or a summary). Returns the row of its top border.
    fn vpc(&mut self, v: &VpcNode, vpc_w: u16, links_here: usize, with_internet_onprem: bool) -> u16 {
        let cs = self.cs();
        let vid = self.id(&v.object);
        // Border labels: title, then each gateway with its junction column.
        let title = format!(" VPC {} {} ", v.object.name, v.cidr);
        let mut gx = 2 + len16(&title) + u16::from(self.markers.contains_key(&v.object)) + 2;
        let mut gw_pos: Vec<(usize, u16)> = Vec::new();
        for (k, g) in v.gateways.iter().enumerate() {
            gw_pos.push((k, gx));
            let text = gateway_text(g);
            gx = gx.saturating_add(len16(&text) + 4);
        }

        // The band above the VPC: internet box and on-prem boxes.
        let internet_x: Vec<u16> = gw_pos
            .iter()
            .filter(|(k, _)| is_internet(v.gateways[*k].kind))
            .map(|(_, x)| *x)
            .collect();
        let vgws: Vec<(usize, u16)> = gw_pos
            .iter()
            .copied()
            .filter(|(k, _)| v.gateways[*k].kind == GatewayKind::Vpn && !v.gateways[*k].hybrid.is_empty())
            .collect();
        let band_top = self.y;
        // Zoomed out, the outside is summarised inside the box instead of drawn above it.
        let summary = self.opts.zoom == Zoom::Summary;
        let (internet_x, vgws) = if summary {
            (Vec::new(), Vec::new())
        } else {
            (internet_x, vgws)
        };
        let mut band_h = 0u16;
        let mut next_x = 0u16;
        let mut connectors: Vec<(u16, u16, u16, u32)> = Vec::new(); // (junction x, box x, box bottom, owner)
        if let (Some(&x0), Some(&x1)) = (internet_x.first(), internet_x.last()) {
            let bx = x0.saturating_sub(4);
            let bw = (x1 + 5 - bx).max(12);
            let r = Rect::new(bx, band_top, bw, 3);
            self.g.frame(r, 0);
            self.g.text(bx + (bw - 8) / 2, band_top + 1, "internet", 8, 0, cs);
            band_h = 3;
            for (k, x) in gw_pos.iter().filter(|(k, _)| is_internet(v.gateways[*k].kind)) {
                let owner = self.id(&v.gateways[*k].object);
                connectors.push((*x, *x, r.bottom() - 1, owner));
            }
            next_x = r.right() + 1;
            if with_internet_onprem && !self.topo.internet_onprem.is_empty() {
                let refs = self.topo.internet_onprem.clone();
                let lines = self.onprem_lines(&refs, "on-premises, over the internet");
                let ox = next_x + 4;
                let or = self.text_box(ox, band_top, &lines, 0);
                self.g.hline(r.right() - 1, ox, band_top + 1, 0);
                band_h = band_h.max(or.height);
                next_x = or.right() + 1;
            }
        }
        for (k, jx) in vgws {
            let g = &v.gateways[k];
            let mut lines: Vec<(Option<ObjectRef>, String)> = vec![(None, "on-premises".to_string())];
            for h in &g.hybrid {
                for r in &h.onprem {
                    if !lines.iter().any(|(o, _)| o.as_ref() == Some(r)) {
                        lines.push((Some(r.clone()), onprem_label(self.d, r)));
                    }
                }
            }
            for h in &g.hybrid {
                lines.push((Some(h.object.clone()), format!("via {}", h.label)));
            }
            let bx = next_x.max(jx.saturating_sub(2));
            let r = self.text_box(bx, band_top, &lines, 0);
            let owner = self.id(&g.object);
            connectors.push((jx, r.x + 2, r.bottom() - 1, owner));
            band_h = band_h.max(r.height);
            next_x = r.right() + 1;
        }
        let top = if band_h > 0 { band_top + band_h + 1 } else { band_top };
        let mid = top.saturating_sub(1);

        // The VPC box.
        let body_h = match self.opts.zoom {
            Zoom::Detail => self.detail_height(v),
            Zoom::Summary => summary_lines(self.d, v).len() as u16,
        };
        let links_h = u16::try_from(links_here).unwrap_or(u16::MAX);
        let height = (body_h + 2).max(links_h + 2).max(3);
        let rect = Rect::new(0, top, vpc_w, height);
        self.g.claim(rect, vid);
        self.g.frame(rect, vid);
        self.note(&v.object, rect);
        for (jx, bx, box_bottom, owner) in connectors {
            if jx == bx {
                self.g.vline(jx, box_bottom, top, owner);
            } else {
                self.g.vline(jx, mid, top, owner);
                self.g.hline(jx.min(bx), jx.max(bx), mid, owner);
                self.g.vline(bx, box_bottom, mid, owner);
            }
        }
        self.label(2, top, &v.object, &title, vpc_w.saturating_sub(4));
        for (k, x) in gw_pos {
            let g = &v.gateways[k];
            if x + 3 >= vpc_w {
                break;
            }
            let text = gateway_text(g);
            self.label(x + 1, top, &g.object, &text, vpc_w.saturating_sub(x + 3));
        }
        match self.opts.zoom {
            Zoom::Detail => self.detail_body(v, rect),
            Zoom::Summary => {
                for (k, line) in summary_lines(self.d, v).iter().enumerate() {
                    self.g
                        .text(2, top + 1 + k as u16, line, vpc_w.saturating_sub(4), vid, self.cs());
                }
            }
        }
        self.y = rect.bottom();
        top
    }

    fn detail_height(&self, v: &VpcNode) -> u16 {
        if v.azs.is_empty() {
            return 1;
        }
        1 + row_bands(v).iter().map(|(_, h)| *h).sum::<u16>()
    }

    fn detail_body(&mut self, v: &VpcNode, rect: Rect) {
        let cs = self.cs();
        let vid = self.id(&v.object);
        if v.azs.is_empty() {
            self.g
                .text(2, rect.y + 1, "(no subnets)", rect.width.saturating_sub(4), vid, cs);
            return;
        }
        let n = u16::try_from(v.azs.len()).unwrap_or(u16::MAX).max(1);
        let inner = rect.width.saturating_sub(2);
        let col_w = (inner.saturating_sub(n - 1) / n).max(4);
        let bottom = rect.bottom() - 1;
        for k in 1..n {
            let x = 1 + k * col_w + (k - 1);
            if x < rect.right() - 1 {
                self.g.vline(x, rect.y, bottom, vid);
            }
        }
        let bands = row_bands(v);
        for (c, col) in v.azs.iter().enumerate() {
            let cx = 1 + (c as u16) * (col_w + 1);
            // The last column takes what the division left over.
            let col_w = if c + 1 == v.azs.len() {
                rect.right().saturating_sub(1).saturating_sub(cx).max(4)
            } else {
                col_w
            };
            self.g
                .text(cx + 1, rect.y + 1, &col.az, col_w.saturating_sub(2), vid, cs);
            let mut band_y = rect.y + 2;
            for (key, band_h) in &bands {
                let mut y = band_y;
                for s in col.subnets.iter().filter(|s| &row_key(s) == key) {
                    let h = subnet_height(s);
                    self.subnet(s, Rect::new(cx + 1, y, col_w.saturating_sub(2), h));
                    y += h;
                }
                band_y += band_h;
            }
        }
    }

    fn subnet(&mut self, s: &SubnetNode, r: Rect) {
        let cs = self.cs();
        if r.width < 6 {
            return;
        }
        let sid = self.id(&s.object);
        self.g.claim(r, sid);
        self.g.frame(r, sid);
        self.note(&s.object, r);
        // Name and CIDR matter most; the badge shortens, then goes, when the
        // box is narrow. A subnet shared with other accounts says so before
        // saying its kind: who may launch there is the point of a shared VPC.
        let title = format!(" {} {} ", s.object.name, s.cidr);
        let title_w = len16(&title) + u16::from(self.markers.contains_key(&s.object));
        let room = r.width.saturating_sub(3);
        let badges = if s.shared {
            vec![
                format!(" {} · shared ", s.kind.label()),
                format!(" {} · shared ", short_kind(s.kind)),
                " shared ".to_string(),
            ]
        } else {
            vec![format!(" {} ", s.kind.label()), format!(" {} ", short_kind(s.kind))]
        };
        let badge = badges.into_iter().find(|b| title_w + len16(b) + 2 <= room);
        match badge {
            Some(badge) => {
                let badge_w = len16(&badge);
                self.g.text(r.right() - 2 - badge_w, r.y, &badge, badge_w, sid, cs);
                self.label(r.x + 2, r.y, &s.object, &title, room - badge_w - 2);
            }
            None => {
                self.label(r.x + 2, r.y, &s.object, &title, room);
            }
        }
        let name_w = s.members.iter().map(|m| len16(&member_name(m))).max().unwrap_or(0);
        let ip_w = s
            .members
            .iter()
            .map(|m| len16(&m.private_ip.to_string()))
            .max()
            .unwrap_or(0);
        for (k, m) in s.members.iter().enumerate() {
            let y = r.y + 1 + k as u16;
            let mut row = format!(
                "{:<nw$}  {:<iw$}",
                member_name(m),
                m.private_ip,
                nw = name_w as usize,
                iw = ip_w as usize
            );
            if let Some(p) = m.public_ip {
                row.push_str(&format!("  {p}"));
            }
            let row = row.trim_end().to_string();
            let room = r.width.saturating_sub(3);
            let id = self.id(&m.object);
            match self.markers.get(&m.object) {
                Some(sev) => self.g.marker(r.x + 1, y, sev, &m.object, cs),
                None => {
                    self.g.text(r.x + 1, y, " ", 1, id, cs);
                }
            }
            let n = self.g.text(r.x + 2, y, &row, room.saturating_sub(1), id, cs);
            self.note(&m.object, Rect::new(r.x + 1, y, n + 1, 1));
        }
        // The subnet's routes out, under its interfaces: one arrow per target.
        let first = r.y + 1 + u16::try_from(s.members.len()).unwrap_or(u16::MAX);
        let room = r.width.saturating_sub(4);
        for (k, a) in s.routes.iter().enumerate() {
            let y = first.saturating_add(u16::try_from(k).unwrap_or(u16::MAX));
            let text = route_text(a, cs, room);
            let n = self.g.text(r.x + 2, y, &text, room, sid, cs);
            let mut targets = vec![a.to.object.clone()];
            targets.extend(a.then.iter().map(|t| t.object.clone()));
            self.g.routes.push(grid::RouteMark {
                x: r.x + 2,
                y,
                width: n,
                subnet: s.object.clone(),
                targets,
            });
        }
    }

    /// Peering and transit gateway lanes in the channel right of the VPC boxes.
    fn links(&mut self, ch: &Channel, stub_rows: &[Vec<u16>]) {
        let cs = self.cs();
        let mut used: Vec<usize> = vec![0; stub_rows.len()];
        // Each link's stub rows, in the order the VPCs list them.
        let mut link_rows: Vec<Vec<u16>> = Vec::new();
        for l in &self.topo.links {
            let mut rows = Vec::new();
            for &vi in &l.vpcs {
                if let Some(r) = stub_rows.get(vi).and_then(|rs| rs.get(used[vi])) {
                    rows.push(*r);
                    used[vi] += 1;
                }
            }
            link_rows.push(rows);
        }
        // Lanes first, so that stubs can pass under the lanes they do not join.
        let mut tails: Vec<(usize, u16)> = Vec::new();
        for (i, l) in self.topo.links.iter().enumerate() {
            let lx = ch.lane_x(i);
            let id = self.id(&l.object);
            let (Some(&y0), Some(&y1)) = (link_rows[i].iter().min(), link_rows[i].iter().max()) else {
                continue;
            };
            if y0 != y1 {
                self.g.vline(lx, y0, y1, id);
            }
            if !l.hybrid.is_empty() {
                tails.push((i, y1));
            }
        }
        // Transit gateway VPN / DX attachments: on-prem boxes under the VPCs.
        for (i, from_y) in tails {
            let l = &self.topo.links[i];
            let lx = ch.lane_x(i);
            let mut lines: Vec<(Option<ObjectRef>, String)> =
                vec![(None, format!("on-premises via {}", l.object.name))];
            let hybrid: Vec<HybridLink> = l.hybrid.clone();
            for h in &hybrid {
                for r in &h.onprem {
                    if !lines.iter().any(|(o, _)| o.as_ref() == Some(r)) {
                        lines.push((Some(r.clone()), onprem_label(self.d, r)));
                    }
                }
            }
            for h in &hybrid {
                lines.push((Some(h.object.clone()), format!("via {}", h.label)));
            }
            let top = self.y;
            let r = self.text_box(2, top, &lines, 0);
            let owner = hybrid.first().map_or(0, |h| self.id(&h.object));
            let my = top + 1;
            self.g.vline(lx, from_y, my, owner);
            self.g.hline_bridged(r.right() - 1, lx, my, owner);
            let _ = cs;
            self.y = r.bottom() + 1;
        }
        // Stubs last: where a stub meets its lane, the junction belongs to the link.
        for (i, l) in self.topo.links.iter().enumerate() {
            let lx = ch.lane_x(i);
            let id = self.id(&l.object);
            for &y in &link_rows[i] {
                self.g.hline_bridged(ch.vpc_w - 1, lx, y, id);
                let label = format!(" {} ", l.label);
                let room = ch.label_w.saturating_sub(2);
                self.label(ch.vpc_w + 1, y, &l.object, &label, room);
            }
            if let (Some(&y0), Some(&y1)) = (link_rows[i].iter().min(), link_rows[i].iter().max()) {
                self.note(&l.object, Rect::new(ch.vpc_w, y0, lx + 1 - ch.vpc_w, y1 + 1 - y0));
            }
        }
    }
}

fn short_kind(k: SubnetKind) -> &'static str {
    match k {
        SubnetKind::Public => "pub",
        SubnetKind::Private => "priv",
        SubnetKind::VpnOnly => "vpn",
        SubnetKind::Isolated => "iso",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn is_internet(k: GatewayKind) -> bool {
    matches!(k, GatewayKind::Internet | GatewayKind::EgressOnly)
}

fn gateway_text(g: &topology::Gateway) -> String {
    match &g.service {
        Some(svc) => format!(" {} {} {} ", g.object.name, g.kind.tag(), svc),
        None => format!(" {} {} ", g.object.name, g.kind.tag()),
    }
}

fn member_name(m: &topology::Member) -> String {
    if m.tag.is_empty() {
        m.label.clone()
    } else {
        format!("{} {}", m.label, m.tag)
    }
}

fn subnet_height(s: &SubnetNode) -> u16 {
    u16::try_from(s.members.len() + s.routes.len())
        .unwrap_or(u16::MAX - 2)
        .saturating_add(2)
}

/// A route arrow's text, the longest that fits in `room` cells: every
/// destination, the target and (for a NAT gateway) where it sends traffic on,
/// with kind tags (`0.0.0.0/0 ─► nat-a NAT ─► igw-shop IGW`); then one
/// destination and a count of the others, then no tags, then no next hop,
/// then the target alone (`─► nat-a`), then its kind (`─► NAT`).
fn route_text(a: &topology::RouteArrow, cs: Charset, room: u16) -> String {
    let arrow = cs.route_arrow();
    let hop = |h: &topology::RouteHop, tag: bool| {
        if tag && !h.tag.is_empty() {
            format!("{} {}", h.name, h.tag)
        } else {
            h.name.clone()
        }
    };
    let all = a.dests.join(", ");
    let first = a.dests.first().cloned().unwrap_or_default();
    let short = if a.dests.len() > 1 {
        format!("{first} +{}", a.dests.len() - 1)
    } else {
        first
    };
    let state = if a.blackhole { " blackhole" } else { "" };
    let mut candidates = Vec::new();
    for (dests, tags, onward) in [
        (&all, true, true),
        (&short, true, true),
        (&short, false, true),
        (&short, false, false),
    ] {
        let mut t = format!("{dests} {arrow} {}", hop(&a.to, tags));
        if let Some(then) = a.then.as_ref().filter(|_| onward) {
            t.push_str(&format!(" {arrow} {}", hop(then, tags)));
        }
        t.push_str(state);
        candidates.push(t);
    }
    candidates.push(format!("{arrow} {}{state}", a.to.name));
    candidates.push(format!("{arrow} {}", a.to.name));
    // Narrower still, the target's kind says more than a cut name.
    if !a.to.tag.is_empty() {
        candidates.push(format!("{arrow} {}", a.to.tag));
    }
    let last = format!("{arrow} {}", a.to.name);
    candidates.into_iter().find(|t| len16(t) <= room).unwrap_or(last)
}

/// The subnet rows of a VPC: each row key and its height (the tallest AZ stack).
fn row_bands(v: &VpcNode) -> Vec<((u8, String), u16)> {
    let mut keys: Vec<(u8, String)> = v.subnets().map(row_key).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let h = v
                .azs
                .iter()
                .map(|col| {
                    col.subnets
                        .iter()
                        .filter(|s| row_key(s) == k)
                        .map(subnet_height)
                        .fold(0u16, u16::saturating_add)
                })
                .max()
                .unwrap_or(0);
            (k, h)
        })
        .collect()
}

/// The lines inside a VPC box when zoomed out.
fn summary_lines(d: &Design, v: &VpcNode) -> Vec<String> {
    let count = |k: SubnetKind| v.subnets().filter(|s| s.kind == k).count();
    let mut kinds = Vec::new();
    for k in [
        SubnetKind::Public,
        SubnetKind::Private,
        SubnetKind::VpnOnly,
        SubnetKind::Isolated,
    ] {
        let n = count(k);
        if n > 0 {
            kinds.push(format!("{n} {}", k.label()));
        }
    }
    let mut line1 = format!(
        "{} in {}",
        plural(v.subnet_count(), "subnet", "subnets"),
        plural(v.azs.len(), "AZ", "AZs")
    );
    if !kinds.is_empty() {
        line1.push_str(&format!(": {}", kinds.join(", ")));
    }
    let mut tags: Vec<(&str, usize)> = Vec::new();
    for m in v.subnets().flat_map(|s| s.members.iter()) {
        let tag = if m.tag.is_empty() { "instance" } else { m.tag };
        match tags.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, n)) => *n += 1,
            None => tags.push((tag, 1)),
        }
    }
    let line2 = if tags.is_empty() {
        "no interfaces".to_string()
    } else {
        let interfaces: usize = tags.iter().map(|(_, n)| n).sum();
        let parts: Vec<String> = tags.iter().map(|(t, n)| format!("{n} {t}")).collect();
        format!(
            "{}: {}",
            plural(interfaces, "interface", "interfaces"),
            parts.join(", ")
        )
    };
    let mut lines = vec![line1, line2];
    for g in v.gateways.iter().filter(|g| g.kind == GatewayKind::Vpn) {
        for h in &g.hybrid {
            let nets: Vec<String> = h.onprem.iter().map(|r| onprem_label(d, r)).collect();
            lines.push(format!(
                "on-premises {} via {} ({})",
                nets.join(", "),
                h.label,
                g.object.name
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests;
