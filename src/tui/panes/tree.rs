//! The VPC tree: region → VPCs → AZs → subnets → instances, plus gateways,
//! tables, groups and the region-level connectivity objects. The flattened
//! tree is cached per workspace revision (an in-place edit of a security group
//! or network ACL patches its row instead of rebuilding); only visible rows are drawn.

use std::collections::{HashMap, HashSet};

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, framed, scroll_to, step, Ctx, Msg, Pane, Region};
use crate::model::index::EniOwner;
use crate::model::{Design, DesignIndex, NetworkAcl, Object, ObjectKind, ObjectRef, SecurityGroup, SubnetKind, Vpc};
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub depth: u16,
    /// Stable identity across revisions (for collapse state and selection).
    pub key: String,
    pub label: String,
    pub detail: String,
    pub kind: Option<SubnetKind>,
    pub obj: Option<ObjectRef>,
    /// Index one past the node's last descendant.
    pub end: usize,
}

/// The full tree in pre-order.
#[derive(Debug, Default, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// (errors, warnings) per object.
    pub counts: HashMap<ObjectRef, (usize, usize)>,
}

struct Builder<'a> {
    nodes: Vec<Node>,
    stack: Vec<usize>,
    idx: &'a DesignIndex,
}

impl Builder<'_> {
    fn open(&mut self, key: String, label: String, detail: String, obj: Option<ObjectRef>) {
        let depth = self.stack.len() as u16;
        self.nodes.push(Node {
            depth,
            key,
            label,
            detail,
            kind: None,
            obj,
            end: 0,
        });
        self.stack.push(self.nodes.len() - 1);
    }
    fn close(&mut self) {
        if let Some(i) = self.stack.pop() {
            self.nodes[i].end = self.nodes.len();
        }
    }
    fn leaf(&mut self, key: String, label: String, detail: String, obj: Option<ObjectRef>) {
        self.open(key, label, detail, obj);
        self.close();
    }
    fn obj_leaf(&mut self, kind: ObjectKind, name: &str, label: String, detail: String) {
        self.leaf(
            format!("{kind:?}:{name}"),
            label,
            detail,
            Some(ObjectRef::new(kind, name)),
        );
    }
}

impl Tree {
    pub fn build(d: &Design, idx: &DesignIndex, diags: &[crate::validate::Diagnostic]) -> Tree {
        let mut b = Builder {
            nodes: Vec::new(),
            stack: Vec::new(),
            idx,
        };
        let mut subnets_by_vpc_az: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, s) in d.subnets.iter().enumerate() {
            subnets_by_vpc_az.entry((&s.vpc, &s.az)).or_default().push(i);
        }
        let mut inst_by_subnet: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, inst) in d.instances.iter().enumerate() {
            inst_by_subnet.entry(&inst.subnet).or_default().push(i);
        }
        let mut nat_by_subnet: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in d.nat_gateways.iter().enumerate() {
            if let Some(s) = n.subnet.as_deref().filter(|_| !n.is_regional()) {
                nat_by_subnet.entry(s).or_default().push(i);
            }
        }
        let subnet_vpc: HashMap<&str, &str> = d.subnets.iter().map(|s| (s.name.as_str(), s.vpc.as_str())).collect();
        // With several accounts, VPCs say their owner, shared subnets that they
        // are shared, and instances and groups a participant owns say so
        // (VPC User Guide, "Share your VPC subnets with other accounts").
        let multi = d.is_multi_account();
        let tag = |detail: String, extra: Option<String>| match extra {
            Some(x) if multi => format!("{detail} · {x}"),
            _ => detail,
        };
        // Owners by name lookup: a scan per instance would make the build
        // quadratic in the design's size.
        let not_vpc_owner = |owner: Option<&str>, vpc: &str| -> Option<String> {
            let o = owner?;
            (Some(o) != idx.vpc_owner(d, vpc)).then(|| o.to_string())
        };

        b.open("region".into(), d.region.clone(), format!("design {}", d.name), None);
        for vpc in &d.vpcs {
            b.open(
                format!("Vpc:{}", vpc.name),
                format!("vpc {}", vpc.name),
                tag(
                    vpc.cidr.to_string(),
                    d.vpc_owner(&vpc.name).map(|o| format!("owner {o}")),
                ),
                Some(ObjectRef::new(ObjectKind::Vpc, &vpc.name)),
            );
            let mut azs: Vec<&str> = d.azs.iter().map(String::as_str).collect();
            for s in d.subnets.iter().filter(|s| s.vpc == vpc.name) {
                if !azs.contains(&s.az.as_str()) {
                    azs.push(&s.az);
                }
            }
            for az in azs {
                b.open(format!("az:{}:{az}", vpc.name), az.to_string(), String::new(), None);
                for &si in subnets_by_vpc_az.get(&(vpc.name.as_str(), az)).into_iter().flatten() {
                    let s = &d.subnets[si];
                    b.open(
                        format!("Subnet:{}", s.name),
                        s.name.clone(),
                        tag(s.cidr.to_string(), shared_with(d, &s.name)),
                        Some(ObjectRef::new(ObjectKind::Subnet, &s.name)),
                    );
                    let last = b.nodes.len() - 1;
                    b.nodes[last].kind = Some(b.idx.subnet_kind(d, s));
                    for &ii in inst_by_subnet.get(s.name.as_str()).into_iter().flatten() {
                        let inst = &d.instances[ii];
                        let ip = b
                            .idx
                            .eni(&EniOwner::Instance(inst.name.clone()))
                            .map(|e| match e.public_ip {
                                Some(p) => format!("{} {p}", e.private_ip),
                                None => e.private_ip.to_string(),
                            })
                            .unwrap_or_default();
                        let owner =
                            not_vpc_owner(idx.owner_in_subnet(d, inst.owner.as_deref(), &inst.subnet), &vpc.name);
                        b.obj_leaf(ObjectKind::Instance, &inst.name, inst.name.clone(), tag(ip, owner));
                    }
                    for &ni in nat_by_subnet.get(s.name.as_str()).into_iter().flatten() {
                        let n = &d.nat_gateways[ni];
                        let ip = b
                            .idx
                            .eni(&EniOwner::NatGateway(n.name.clone()))
                            .map(|e| e.private_ip.to_string())
                            .unwrap_or_default();
                        b.obj_leaf(ObjectKind::NatGateway, &n.name, format!("nat {}", n.name), ip);
                    }
                    b.close();
                }
                b.close();
            }
            for g in d
                .internet_gateways
                .iter()
                .filter(|g| g.vpc.as_deref() == Some(&vpc.name))
            {
                b.obj_leaf(
                    ObjectKind::InternetGateway,
                    &g.name,
                    format!("igw {}", g.name),
                    "attached".into(),
                );
            }
            // A regional NAT gateway belongs to the VPC, not to a subnet: it is
            // listed beside the VPC's gateways with the AZs it serves.
            for n in d
                .nat_gateways
                .iter()
                .filter(|n| n.is_regional() && n.vpc.as_deref() == Some(vpc.name.as_str()))
            {
                let azs = b.idx.regional_nat_addresses.iter().filter(|a| a.nat == n.name).count();
                b.obj_leaf(
                    ObjectKind::NatGateway,
                    &n.name,
                    format!("nat {}", n.name),
                    format!("regional · {azs} AZ{}", if azs == 1 { "" } else { "s" }),
                );
            }
            for g in d.egress_only_gateways.iter().filter(|g| g.vpc == vpc.name) {
                b.obj_leaf(
                    ObjectKind::EgressOnlyGateway,
                    &g.name,
                    format!("eigw {}", g.name),
                    String::new(),
                );
            }
            let group = |b: &mut Builder, key: &str, label: &str, items: Vec<(ObjectKind, String, String)>| {
                if items.is_empty() {
                    return;
                }
                b.open(
                    format!("{key}:{}", vpc.name),
                    label.to_string(),
                    items.len().to_string(),
                    None,
                );
                for (kind, name, detail) in items {
                    b.obj_leaf(kind, &name, name.clone(), detail);
                }
                b.close();
            };
            let rts = d
                .route_tables
                .iter()
                .filter(|t| t.vpc == vpc.name)
                .map(|t| {
                    let main = if t.name == vpc.main_route_table { "main · " } else { "" };
                    (
                        ObjectKind::RouteTable,
                        t.name.clone(),
                        format!("{main}{} routes", t.routes.len()),
                    )
                })
                .collect();
            group(&mut b, "rts", "route tables", rts);
            let sgs = d
                .security_groups
                .iter()
                .filter(|g| g.vpc == vpc.name)
                .map(|g| (ObjectKind::SecurityGroup, g.name.clone(), sg_detail(d, g)))
                .collect();
            group(&mut b, "sgs", "security groups", sgs);
            let acls = d
                .network_acls
                .iter()
                .filter(|a| a.vpc == vpc.name)
                .map(|a| (ObjectKind::NetworkAcl, a.name.clone(), acl_detail(a, vpc)))
                .collect();
            group(&mut b, "acls", "network ACLs", acls);
            let eps = d
                .endpoints
                .iter()
                .filter(|e| e.vpc == vpc.name)
                .map(|e| (ObjectKind::Endpoint, e.name.clone(), e.service.clone()))
                .collect();
            group(&mut b, "eps", "endpoints", eps);
            let lbs = d
                .load_balancers
                .iter()
                .filter(|l| l.subnets.first().and_then(|s| subnet_vpc.get(s.as_str())) == Some(&vpc.name.as_str()))
                .map(|l| {
                    (
                        ObjectKind::LoadBalancer,
                        l.name.clone(),
                        format!("{:?}", l.scheme).to_lowercase(),
                    )
                })
                .collect();
            group(&mut b, "lbs", "load balancers", lbs);
            let fws = d
                .firewalls
                .iter()
                .filter(|f| f.vpc == vpc.name)
                .map(|f| (ObjectKind::Firewall, f.name.clone(), format!("{} rules", f.rules.len())))
                .collect();
            group(&mut b, "fws", "firewalls", fws);
            b.close();
        }
        let region_group = |b: &mut Builder, label: &str, items: Vec<(ObjectKind, String, String)>| {
            if items.is_empty() {
                return;
            }
            b.open(format!("grp:{label}"), label.to_string(), items.len().to_string(), None);
            for (kind, name, detail) in items {
                b.obj_leaf(kind, &name, name.clone(), detail);
            }
            b.close();
        };
        let k = |kind: ObjectKind| kind;
        region_group(
            &mut b,
            "peerings",
            d.peerings
                .iter()
                .map(|p| {
                    (
                        k(ObjectKind::Peering),
                        p.name.clone(),
                        format!("{} ↔ {}", p.requester, p.accepter),
                    )
                })
                .collect(),
        );
        region_group(
            &mut b,
            "transit gateways",
            d.transit_gateways
                .iter()
                .map(|t| {
                    (
                        ObjectKind::TransitGateway,
                        t.name.clone(),
                        format!("{} attachments", t.attachments.len()),
                    )
                })
                .collect(),
        );
        region_group(
            &mut b,
            "VPN gateways",
            d.vpn_gateways
                .iter()
                .map(|g| {
                    (
                        ObjectKind::VpnGateway,
                        g.name.clone(),
                        g.vpc.clone().unwrap_or("detached".into()),
                    )
                })
                .collect(),
        );
        region_group(
            &mut b,
            "customer gateways",
            d.customer_gateways
                .iter()
                .map(|g| (ObjectKind::CustomerGateway, g.name.clone(), g.ip.to_string()))
                .collect(),
        );
        region_group(
            &mut b,
            "VPN connections",
            d.vpn_connections
                .iter()
                .map(|v| (ObjectKind::VpnConnection, v.name.clone(), v.customer_gateway.clone()))
                .collect(),
        );
        region_group(
            &mut b,
            "Direct Connect",
            d.dx_gateways
                .iter()
                .map(|g| (ObjectKind::DxGateway, g.name.clone(), "DX gateway".to_string()))
                .chain(
                    d.dx_connections
                        .iter()
                        .map(|c| (ObjectKind::DxConnection, c.name.clone(), c.bandwidth.clone())),
                )
                .collect(),
        );
        region_group(
            &mut b,
            "on-premises",
            d.onprem_networks
                .iter()
                .map(|o| {
                    let cidrs: Vec<String> = o.cidrs.iter().map(|c| c.to_string()).collect();
                    (ObjectKind::OnPremNetwork, o.name.clone(), cidrs.join(", "))
                })
                .collect(),
        );
        region_group(
            &mut b,
            "elastic IPs",
            d.elastic_ips
                .iter()
                .map(|e| (ObjectKind::ElasticIp, e.name.clone(), e.address.to_string()))
                .collect(),
        );
        region_group(
            &mut b,
            "detached gateways",
            d.internet_gateways
                .iter()
                .filter(|g| g.vpc.as_ref().is_none_or(|v| !d.vpcs.iter().any(|x| &x.name == v)))
                .map(|g| (ObjectKind::InternetGateway, g.name.clone(), "detached".into()))
                .collect(),
        );
        region_group(
            &mut b,
            "prefix lists",
            d.prefix_lists
                .iter()
                .map(|p| {
                    (
                        ObjectKind::PrefixList,
                        p.name.clone(),
                        format!("{} entries", p.entries.len()),
                    )
                })
                .collect(),
        );
        region_group(
            &mut b,
            "flow logs",
            d.flow_logs
                .iter()
                .map(|f| (ObjectKind::FlowLog, f.name.clone(), String::new()))
                .collect(),
        );
        b.close();
        Tree {
            nodes: b.nodes,
            counts: diag_counts(diags),
        }
    }

    /// Follows an in-place edit (`old` replaced by `new`, same name) of a
    /// security group or network ACL that stays in its VPC: only that row's
    /// detail and the finding counts change. Returns `false` (tree unchanged)
    /// for anything else; the caller rebuilds.
    fn patch(&mut self, d: &Design, diags: &[crate::validate::Diagnostic], old: &Object, new: &Object) -> bool {
        let detail = match (old, new) {
            (Object::SecurityGroup(o), Object::SecurityGroup(n)) if o.name == n.name && o.vpc == n.vpc => {
                sg_detail(d, n)
            }
            (Object::NetworkAcl(o), Object::NetworkAcl(n)) if o.name == n.name && o.vpc == n.vpc => {
                match d.vpcs.iter().find(|v| v.name == n.vpc) {
                    Some(vpc) => acl_detail(n, vpc),
                    None => return false,
                }
            }
            _ => return false,
        };
        let target = ObjectRef::new(new.kind(), new.name());
        let mut rows = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.obj.as_ref() == Some(&target));
        // Exactly one row: two objects of one name cannot be told apart.
        let (Some((i, _)), None) = (rows.next(), rows.next()) else {
            return false;
        };
        self.nodes[i].detail = detail;
        self.counts = diag_counts(diags);
        true
    }
}

/// `shared` for a subnet in a resource share (the inspector names with whom:
/// the tree is too narrow for the list).
fn shared_with(d: &Design, subnet: &str) -> Option<String> {
    d.accounts.is_shared(subnet).then(|| "shared".to_string())
}

/// A group's rule counts, and its owner when a participant owns it.
fn sg_detail(d: &Design, g: &SecurityGroup) -> String {
    let counts = format!("{} in / {} out", g.inbound.len(), g.outbound.len());
    match g.owner.as_deref() {
        Some(o) if d.is_multi_account() && Some(o) != d.vpc_owner(&g.vpc) => format!("{counts} · {o}"),
        _ => counts,
    }
}

fn acl_detail(a: &NetworkAcl, vpc: &Vpc) -> String {
    let def = if a.name == vpc.default_network_acl {
        "default · "
    } else {
        ""
    };
    format!("{def}{} in / {} out", a.inbound.len(), a.outbound.len())
}

/// (errors, warnings) per object.
fn diag_counts(diags: &[crate::validate::Diagnostic]) -> HashMap<ObjectRef, (usize, usize)> {
    let mut counts: HashMap<ObjectRef, (usize, usize)> = HashMap::new();
    for diag in diags {
        if let Some(o) = &diag.object {
            let e = counts.entry(o.clone()).or_default();
            match diag.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
                Severity::Info => {}
            }
        }
    }
    counts
}

#[derive(Default)]
pub struct TreePane {
    tree: Tree,
    built_for: Option<u64>,
    collapsed: HashSet<String>,
    /// Indices into `tree.nodes` of the rows shown.
    visible: Vec<usize>,
    visible_dirty: bool,
    cursor: usize,
    offset: usize,
    height: usize,
    /// Key of the selected node, kept across rebuilds.
    selected_key: Option<String>,
}

impl TreePane {
    fn ensure(&mut self, ctx: &Ctx) {
        let rev = ctx.ws.revision();
        if self.built_for != Some(rev) {
            // The revision right after the one built, by an in-place edit: patch.
            let patched = self.built_for.is_some_and(|b| b.wrapping_add(1) == rev)
                && ctx
                    .ws
                    .last_in_place()
                    .is_some_and(|(old, new)| self.tree.patch(ctx.ws.design(), ctx.ws.diagnostics(), old, new));
            if !patched {
                self.tree = Tree::build(ctx.ws.design(), ctx.ws.index(), ctx.ws.diagnostics());
            }
            self.built_for = Some(rev);
            self.visible_dirty = true;
        }
        if self.visible_dirty {
            self.visible.clear();
            let mut i = 0;
            while i < self.tree.nodes.len() {
                self.visible.push(i);
                let n = &self.tree.nodes[i];
                i = if self.collapsed.contains(&n.key) { n.end } else { i + 1 };
            }
            self.visible_dirty = false;
            // Keep the same node selected when possible.
            if let Some(key) = &self.selected_key {
                if let Some(p) = self.visible.iter().position(|&i| &self.tree.nodes[i].key == key) {
                    self.cursor = p;
                }
            }
            self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
        }
    }

    fn current(&self) -> Option<&Node> {
        self.visible.get(self.cursor).map(|&i| &self.tree.nodes[i])
    }

    fn select_msg(&mut self) -> Msg {
        let node = self.current().cloned();
        self.selected_key = node.as_ref().map(|n| n.key.clone());
        match node.and_then(|n| n.obj) {
            Some(o) => Msg::Select(o),
            None => Msg::Consumed,
        }
    }

    /// Reveals and selects an object's node.
    pub fn reveal(&mut self, target: &ObjectRef, ctx: &Ctx) -> bool {
        self.ensure(ctx);
        let Some(pos) = self.tree.nodes.iter().position(|n| n.obj.as_ref() == Some(target)) else {
            return false;
        };
        // Expand every ancestor: nodes before `pos` whose subtree contains it.
        let ancestors: Vec<String> = self.tree.nodes[..pos]
            .iter()
            .filter(|n| n.end > pos)
            .map(|n| n.key.clone())
            .collect();
        for k in ancestors {
            self.collapsed.remove(&k);
        }
        self.selected_key = Some(self.tree.nodes[pos].key.clone());
        self.visible_dirty = true;
        self.ensure(ctx);
        true
    }

    /// The rows currently shown (for tests and jump).
    pub fn visible_labels(&self) -> Vec<String> {
        self.visible.iter().map(|&i| self.tree.nodes[i].label.clone()).collect()
    }

    /// Finds an object by name (exact, then substring), IP or CIDR.
    pub fn find(query: &str, ctx: &Ctx) -> Option<ObjectRef> {
        let q = query.trim();
        if q.is_empty() {
            return None;
        }
        let d = ctx.ws.design();
        let idx = ctx.ws.index();
        // An imported object answers to its AWS id too (`i-0abc…`, `subnet-…`).
        let q = d.resolve_name(q);
        if let Some(r) = idx.lookup(q).first() {
            return Some(r.clone());
        }
        if let Ok(ip) = q.parse::<std::net::Ipv4Addr>() {
            if let Some(e) = idx.enis_with_ip(ip).next() {
                return Some(e.owner.object());
            }
            if let Some(e) = idx.enis.iter().find(|e| e.public_ip == Some(ip)) {
                return Some(e.owner.object());
            }
            if let Some(s) = d.subnets.iter().find(|s| s.cidr.contains(&ip)) {
                return Some(ObjectRef::new(ObjectKind::Subnet, &s.name));
            }
        }
        if let Ok(net) = q.parse::<ipnet::Ipv4Net>() {
            if let Some(s) = d.subnets.iter().find(|s| s.cidr == net) {
                return Some(ObjectRef::new(ObjectKind::Subnet, &s.name));
            }
            if let Some(v) = d.vpcs.iter().find(|v| v.ipv4_cidrs().any(|c| c == net)) {
                return Some(ObjectRef::new(ObjectKind::Vpc, &v.name));
            }
        }
        let lower = q.to_lowercase();
        d.object_refs()
            .into_iter()
            .find(|r| r.name.to_lowercase().contains(&lower))
    }
}

impl Pane for TreePane {
    fn title(&self, ctx: &Ctx) -> String {
        format!("VPC tree · {}", ctx.ws.design().name)
    }
    fn context(&self) -> Context {
        Context::Tree
    }
    fn region(&self) -> Region {
        Region::Left
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx, focused: bool) {
        self.ensure(ctx);
        let t = &ctx.theme;
        let inner = framed(frame, area, self.title(ctx), focused, t);
        self.height = inner.height as usize;
        // After a resize the window may hang past the last row: pull it back so
        // the pane is full, then make sure the selected row is on screen.
        self.offset = self.offset.min(self.visible.len().saturating_sub(self.height));
        self.offset = scroll_to(self.offset, self.cursor, self.height);
        let width = inner.width as usize;
        let mut lines = Vec::with_capacity(self.height);
        for (row, &ni) in self.visible.iter().enumerate().skip(self.offset).take(self.height) {
            let n = &self.tree.nodes[ni];
            let has_children = n.end > ni + 1;
            let marker = if !has_children {
                "  "
            } else if self.collapsed.contains(&n.key) {
                "▸ "
            } else {
                "▾ "
            };
            let indent = " ".repeat(n.depth as usize);
            let mut spans = vec![Span::raw(format!("{indent}{marker}")), Span::raw(n.label.clone())];
            let mut used = indent.len() + 2 + n.label.chars().count();
            if let Some(kind) = n.kind {
                let style = match kind {
                    SubnetKind::Public => t.public(),
                    SubnetKind::Private => t.private(),
                    SubnetKind::VpnOnly => t.vpn(),
                    SubnetKind::Isolated => t.isolated(),
                };
                let badge = format!(" [{}]", kind.label());
                used += badge.chars().count();
                spans.push(Span::styled(badge, style));
            }
            if let Some((e, w)) = n.obj.as_ref().and_then(|o| self.tree.counts.get(o)) {
                if *e > 0 {
                    let s = format!(" ✗{e}");
                    used += s.chars().count();
                    spans.push(Span::styled(s, t.error()));
                }
                if *w > 0 {
                    let s = format!(" ⚠{w}");
                    used += s.chars().count();
                    spans.push(Span::styled(s, t.warning()));
                }
            }
            if !n.detail.is_empty() && used + 2 < width {
                let room = width - used - 1;
                let detail = n.detail.chars().count();
                let text = if detail <= room {
                    format!("{}{}", " ".repeat(room - detail + 1), n.detail)
                } else {
                    format!(" {}", fit(&n.detail, room))
                };
                spans.push(Span::styled(text, t.dim()));
            }
            let mut line = Line::from(spans);
            if row == self.cursor {
                line = line.style(t.selected(focused));
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Msg {
        self.ensure(ctx);
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.cursor = step(self.cursor, self.visible.len(), action, self.height.saturating_sub(1));
                self.select_msg()
            }
            Action::Right => {
                if let Some(n) = self.current().cloned() {
                    if self.collapsed.remove(&n.key) {
                        self.visible_dirty = true;
                    } else if n.end > self.visible[self.cursor] + 1 {
                        self.cursor = (self.cursor + 1).min(self.visible.len().saturating_sub(1));
                        return self.select_msg();
                    }
                }
                Msg::Consumed
            }
            Action::Left => {
                let Some(&ni) = self.visible.get(self.cursor) else {
                    return Msg::Consumed;
                };
                let n = &self.tree.nodes[ni];
                if n.end > ni + 1 && !self.collapsed.contains(&n.key) {
                    self.collapsed.insert(n.key.clone());
                    self.selected_key = Some(n.key.clone());
                    self.visible_dirty = true;
                    return Msg::Consumed;
                }
                // Go to the parent: the nearest earlier node whose subtree holds this one.
                if let Some(parent) = (0..ni).rev().find(|&p| self.tree.nodes[p].end > ni) {
                    if let Some(pos) = self.visible.iter().position(|&v| v == parent) {
                        self.cursor = pos;
                        return self.select_msg();
                    }
                }
                Msg::Consumed
            }
            Action::ExpandAll => {
                self.collapsed.clear();
                self.visible_dirty = true;
                Msg::Consumed
            }
            Action::CollapseAll => {
                for n in &self.tree.nodes {
                    if n.depth >= 1 && n.end > 0 {
                        self.collapsed.insert(n.key.clone());
                    }
                }
                self.collapsed.remove("region");
                self.visible_dirty = true;
                Msg::Consumed
            }
            Action::Enter => match self.current().and_then(|n| n.obj.clone()) {
                Some(o) => Msg::Form(Box::new(crate::tui::forms::Form::edit_object(&o, ctx.ws))),
                None => Msg::Consumed,
            },
            Action::Add => Msg::AddObject(None),
            Action::Delete => match self.current().and_then(|n| n.obj.clone()) {
                Some(o) => Msg::Confirm {
                    prompt: format!("Delete {o}?"),
                    edit: crate::edit::Edit::Delete(o),
                },
                None => Msg::Status("select an object to delete".into()),
            },
            _ => Msg::Ignored,
        }
    }

    fn click(&mut self, row: u16, ctx: &Ctx) -> Msg {
        self.ensure(ctx);
        let pos = self.offset + row as usize;
        if pos < self.visible.len() {
            self.cursor = pos;
            return self.select_msg();
        }
        Msg::Consumed
    }

    fn clamp(&mut self, ctx: &Ctx) {
        self.ensure(ctx);
    }

    fn on_select(&mut self, ctx: &Ctx) {
        if let Some(sel) = ctx.selected {
            if self.current().and_then(|n| n.obj.as_ref()) != Some(sel) {
                self.reveal(sel, ctx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::{NaclRule, PortRange, Protocol, RuleAction, SgPeer, SgRule};
    use crate::tui::theme::Theme;
    use crate::workspace::Workspace;

    fn ensure(pane: &mut TreePane, ws: &Workspace) {
        let trace = std::cell::RefCell::default();
        let ctx = Ctx {
            ws,
            selected: None,
            trace: &trace,
            theme: Theme::plain(),
        };
        pane.ensure(&ctx);
    }

    /// After SG and NACL edits (patched rows), other edits (rebuilt) and
    /// undo/redo, the cached tree equals a fresh build.
    #[test]
    fn patched_tree_equals_a_fresh_build() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let mut ws = Workspace::new(d);
        let mut pane = TreePane::default();
        ensure(&mut pane, &ws);
        let check = |pane: &TreePane, ws: &Workspace| {
            assert_eq!(pane.tree, Tree::build(ws.design(), ws.index(), ws.diagnostics()));
        };
        let mut sg = ws.design().security_groups[1].clone();
        sg.inbound.push(SgRule::new(
            Protocol::Tcp,
            PortRange::single(22),
            SgPeer::Cidr("0.0.0.0/0".parse().unwrap()),
        ));
        ws.apply(Edit::Put(Object::SecurityGroup(sg))).unwrap();
        ensure(&mut pane, &ws);
        check(&pane, &ws);
        let mut acl = ws.design().network_acls[1].clone();
        acl.outbound.clear();
        acl.inbound.push(NaclRule {
            number: 7,
            action: RuleAction::Deny,
            proto: Protocol::All,
            ports: PortRange::ALL,
            cidr: "10.0.0.0/8".parse().unwrap(),
        });
        ws.apply(Edit::Put(Object::NetworkAcl(acl))).unwrap();
        ensure(&mut pane, &ws);
        check(&pane, &ws);
        let mut inst = ws.design().instances[0].clone();
        inst.name = "added".into();
        inst.private_ip = None;
        ws.apply(Edit::Put(Object::Instance(inst))).unwrap();
        ensure(&mut pane, &ws);
        check(&pane, &ws);
        for _ in 0..3 {
            ws.undo();
            ensure(&mut pane, &ws);
            check(&pane, &ws);
        }
        ws.redo();
        ensure(&mut pane, &ws);
        check(&pane, &ws);
    }
}
