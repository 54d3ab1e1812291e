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
use crate::model::index::{EniOwner, FxHashMap};
use crate::model::{
    Design, DesignIndex, Instance, KindSet, NatGateway, NetworkAcl, Object, ObjectKind, ObjectRef, SecurityGroup,
    Subnet, SubnetKind, Vpc,
};
use crate::tui::keymap::{Action, Context};
use crate::validate::Severity;
use crate::workspace::{Change, Renamed};

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
    /// The depth of the first row opened (a patch builds a subtree below the root).
    base_depth: u16,
}

impl<'a> Builder<'a> {
    fn new(idx: &'a DesignIndex, base_depth: u16) -> Self {
        Builder {
            nodes: Vec::new(),
            stack: Vec::new(),
            idx,
            base_depth,
        }
    }
    fn open(&mut self, key: String, label: String, detail: String, obj: Option<ObjectRef>) {
        let depth = self.base_depth + self.stack.len() as u16;
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

    /// A subnet's row and its children: its instances, then its NAT gateways
    /// (each in the design's order).
    fn subnet<'d>(
        &mut self,
        d: &'d Design,
        s: &'d Subnet,
        instances: impl Iterator<Item = &'d Instance>,
        nats: impl Iterator<Item = &'d NatGateway>,
    ) {
        let multi = d.is_multi_account();
        self.open(
            format!("Subnet:{}", s.name),
            s.name.clone(),
            tag(multi, s.cidr.to_string(), shared_with(d, &s.name)),
            Some(ObjectRef::new(ObjectKind::Subnet, &s.name)),
        );
        let last = self.nodes.len() - 1;
        self.nodes[last].kind = Some(self.idx.subnet_kind(d, s));
        // An instance's addresses are written when its row is drawn (see
        // `instance_detail`): one inserted or removed renumbers the automatic
        // public addresses of every instance after it.
        for inst in instances {
            self.obj_leaf(ObjectKind::Instance, &inst.name, inst.name.clone(), String::new());
        }
        for n in nats {
            let ip = self
                .idx
                .eni(&EniOwner::NatGateway(n.name.clone()))
                .map(|e| e.private_ip.to_string())
                .unwrap_or_default();
            self.obj_leaf(ObjectKind::NatGateway, &n.name, format!("nat {}", n.name), ip);
        }
        self.close();
    }

    /// A VPC's row and its children: its AZs with their subnets, its
    /// gateways, then its groups.
    fn vpc(&mut self, d: &Design, vpc: &Vpc, placement: &Placement<'_>) {
        let multi = d.is_multi_account();
        self.open(
            format!("Vpc:{}", vpc.name),
            format!("vpc {}", vpc.name),
            tag(
                multi,
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
            self.open(format!("az:{}:{az}", vpc.name), az.to_string(), String::new(), None);
            for &si in placement
                .subnets_by_vpc_az
                .get(&(vpc.name.as_str(), az))
                .into_iter()
                .flatten()
            {
                let s = &d.subnets[si];
                let instances = placement.instances_by_subnet.get(s.name.as_str()).into_iter().flatten();
                let nats = placement.nats_by_subnet.get(s.name.as_str()).into_iter().flatten();
                self.subnet(
                    d,
                    s,
                    instances.map(|&i| &d.instances[i]),
                    nats.map(|&i| &d.nat_gateways[i]),
                );
            }
            self.close();
        }
        for g in d
            .internet_gateways
            .iter()
            .filter(|g| g.vpc.as_deref() == Some(&vpc.name))
        {
            self.obj_leaf(
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
            let azs = self
                .idx
                .regional_nat_addresses
                .iter()
                .filter(|a| a.nat == n.name)
                .count();
            self.obj_leaf(
                ObjectKind::NatGateway,
                &n.name,
                format!("nat {}", n.name),
                format!("regional · {azs} AZ{}", if azs == 1 { "" } else { "s" }),
            );
        }
        for g in d.egress_only_gateways.iter().filter(|g| g.vpc == vpc.name) {
            self.obj_leaf(
                ObjectKind::EgressOnlyGateway,
                &g.name,
                format!("eigw {}", g.name),
                String::new(),
            );
        }
        let subnet_vpc = |s: &str| placement.subnet_vpc.get(s).copied();
        for g in VpcGroup::ALL {
            self.group(g.key(&vpc.name), g.label(), g.items(d, vpc, &subnet_vpc));
        }
        self.close();
    }

    /// A group header with its count and one row per item; nothing when empty.
    fn group(&mut self, key: String, label: &str, items: Vec<(ObjectKind, String, String)>) {
        if items.is_empty() {
            return;
        }
        self.open(key, label.to_string(), items.len().to_string(), None);
        for (kind, name, detail) in items {
            self.obj_leaf(kind, &name, name.clone(), detail);
        }
        self.close();
    }
}

/// With several accounts, VPCs say their owner, shared subnets that they
/// are shared, and instances and groups a participant owns say so
/// (VPC User Guide, "Share your VPC subnets with other accounts").
fn tag(multi: bool, detail: String, extra: Option<String>) -> String {
    match extra {
        Some(x) if multi => format!("{detail} · {x}"),
        _ => detail,
    }
}

/// An instance's row detail, written as the row is drawn: its addresses,
/// and its owner when a participant owns it (owners by name look-up: a scan
/// per instance would make drawing quadratic in the design's size).
fn instance_detail(d: &Design, idx: &DesignIndex, inst: &Instance, vpc: &str) -> String {
    let ip = idx
        .eni(&EniOwner::Instance(inst.name.clone()))
        .map(|e| match e.public_ip {
            Some(p) => format!("{} {p}", e.private_ip),
            None => e.private_ip.to_string(),
        })
        .unwrap_or_default();
    let owner = idx
        .owner_in_subnet(d, inst.owner.as_deref(), &inst.subnet)
        .filter(|o| Some(*o) != idx.vpc_owner(d, vpc))
        .map(str::to_string);
    tag(d.is_multi_account(), ip, owner)
}

/// The groups listed under each VPC, in the tree's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VpcGroup {
    RouteTables,
    SecurityGroups,
    NetworkAcls,
    Endpoints,
    LoadBalancers,
    Firewalls,
}

impl VpcGroup {
    const ALL: [VpcGroup; 6] = [
        VpcGroup::RouteTables,
        VpcGroup::SecurityGroups,
        VpcGroup::NetworkAcls,
        VpcGroup::Endpoints,
        VpcGroup::LoadBalancers,
        VpcGroup::Firewalls,
    ];

    fn key(self, vpc: &str) -> String {
        let k = match self {
            VpcGroup::RouteTables => "rts",
            VpcGroup::SecurityGroups => "sgs",
            VpcGroup::NetworkAcls => "acls",
            VpcGroup::Endpoints => "eps",
            VpcGroup::LoadBalancers => "lbs",
            VpcGroup::Firewalls => "fws",
        };
        format!("{k}:{vpc}")
    }

    fn label(self) -> &'static str {
        match self {
            VpcGroup::RouteTables => "route tables",
            VpcGroup::SecurityGroups => "security groups",
            VpcGroup::NetworkAcls => "network ACLs",
            VpcGroup::Endpoints => "endpoints",
            VpcGroup::LoadBalancers => "load balancers",
            VpcGroup::Firewalls => "firewalls",
        }
    }

    /// The group's rows for one VPC; `subnet_vpc` names a subnet's VPC (a
    /// load balancer is listed under its first subnet's).
    fn items<'d>(
        self,
        d: &'d Design,
        vpc: &Vpc,
        subnet_vpc: &dyn Fn(&str) -> Option<&'d str>,
    ) -> Vec<(ObjectKind, String, String)> {
        match self {
            VpcGroup::RouteTables => d
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
                .collect(),
            VpcGroup::SecurityGroups => d
                .security_groups
                .iter()
                .filter(|g| g.vpc == vpc.name)
                .map(|g| (ObjectKind::SecurityGroup, g.name.clone(), sg_detail(d, g)))
                .collect(),
            VpcGroup::NetworkAcls => d
                .network_acls
                .iter()
                .filter(|a| a.vpc == vpc.name)
                .map(|a| (ObjectKind::NetworkAcl, a.name.clone(), acl_detail(a, vpc)))
                .collect(),
            VpcGroup::Endpoints => d
                .endpoints
                .iter()
                .filter(|e| e.vpc == vpc.name)
                .map(|e| (ObjectKind::Endpoint, e.name.clone(), e.service.clone()))
                .collect(),
            VpcGroup::LoadBalancers => d
                .load_balancers
                .iter()
                .filter(|l| l.subnets.first().and_then(|s| subnet_vpc(s)) == Some(vpc.name.as_str()))
                .map(|l| {
                    (
                        ObjectKind::LoadBalancer,
                        l.name.clone(),
                        format!("{:?}", l.scheme).to_lowercase(),
                    )
                })
                .collect(),
            VpcGroup::Firewalls => d
                .firewalls
                .iter()
                .filter(|f| f.vpc == vpc.name)
                .map(|f| (ObjectKind::Firewall, f.name.clone(), format!("{} rules", f.rules.len())))
                .collect(),
        }
    }
}

/// The region-level groups after the VPCs, in the tree's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegionGroup {
    Peerings,
    TransitGateways,
    VpnGateways,
    CustomerGateways,
    VpnConnections,
    DirectConnect,
    OnPremises,
    ElasticIps,
    DetachedGateways,
    PrefixLists,
    FlowLogs,
}

impl RegionGroup {
    const ALL: [RegionGroup; 11] = [
        RegionGroup::Peerings,
        RegionGroup::TransitGateways,
        RegionGroup::VpnGateways,
        RegionGroup::CustomerGateways,
        RegionGroup::VpnConnections,
        RegionGroup::DirectConnect,
        RegionGroup::OnPremises,
        RegionGroup::ElasticIps,
        RegionGroup::DetachedGateways,
        RegionGroup::PrefixLists,
        RegionGroup::FlowLogs,
    ];

    fn label(self) -> &'static str {
        match self {
            RegionGroup::Peerings => "peerings",
            RegionGroup::TransitGateways => "transit gateways",
            RegionGroup::VpnGateways => "VPN gateways",
            RegionGroup::CustomerGateways => "customer gateways",
            RegionGroup::VpnConnections => "VPN connections",
            RegionGroup::DirectConnect => "Direct Connect",
            RegionGroup::OnPremises => "on-premises",
            RegionGroup::ElasticIps => "elastic IPs",
            RegionGroup::DetachedGateways => "detached gateways",
            RegionGroup::PrefixLists => "prefix lists",
            RegionGroup::FlowLogs => "flow logs",
        }
    }

    fn key(self) -> String {
        format!("grp:{}", self.label())
    }

    fn items(self, d: &Design) -> Vec<(ObjectKind, String, String)> {
        match self {
            RegionGroup::Peerings => d
                .peerings
                .iter()
                .map(|p| {
                    (
                        ObjectKind::Peering,
                        p.name.clone(),
                        format!("{} ↔ {}", p.requester, p.accepter),
                    )
                })
                .collect(),
            RegionGroup::TransitGateways => d
                .transit_gateways
                .iter()
                .map(|t| {
                    (
                        ObjectKind::TransitGateway,
                        t.name.clone(),
                        format!("{} attachments", t.attachments.len()),
                    )
                })
                .collect(),
            RegionGroup::VpnGateways => d
                .vpn_gateways
                .iter()
                .map(|g| {
                    (
                        ObjectKind::VpnGateway,
                        g.name.clone(),
                        g.vpc.clone().unwrap_or("detached".into()),
                    )
                })
                .collect(),
            RegionGroup::CustomerGateways => d
                .customer_gateways
                .iter()
                .map(|g| (ObjectKind::CustomerGateway, g.name.clone(), g.ip.to_string()))
                .collect(),
            RegionGroup::VpnConnections => d
                .vpn_connections
                .iter()
                .map(|v| (ObjectKind::VpnConnection, v.name.clone(), v.customer_gateway.clone()))
                .collect(),
            RegionGroup::DirectConnect => d
                .dx_gateways
                .iter()
                .map(|g| (ObjectKind::DxGateway, g.name.clone(), "DX gateway".to_string()))
                .chain(
                    d.dx_connections
                        .iter()
                        .map(|c| (ObjectKind::DxConnection, c.name.clone(), c.bandwidth.clone())),
                )
                .collect(),
            RegionGroup::OnPremises => d
                .onprem_networks
                .iter()
                .map(|o| {
                    let cidrs: Vec<String> = o.cidrs.iter().map(|c| c.to_string()).collect();
                    (ObjectKind::OnPremNetwork, o.name.clone(), cidrs.join(", "))
                })
                .collect(),
            RegionGroup::ElasticIps => d
                .elastic_ips
                .iter()
                .map(|e| (ObjectKind::ElasticIp, e.name.clone(), e.address.to_string()))
                .collect(),
            RegionGroup::DetachedGateways => d
                .internet_gateways
                .iter()
                .filter(|g| g.vpc.as_ref().is_none_or(|v| !d.vpcs.iter().any(|x| &x.name == v)))
                .map(|g| (ObjectKind::InternetGateway, g.name.clone(), "detached".into()))
                .collect(),
            RegionGroup::PrefixLists => d
                .prefix_lists
                .iter()
                .map(|p| {
                    (
                        ObjectKind::PrefixList,
                        p.name.clone(),
                        format!("{} entries", p.entries.len()),
                    )
                })
                .collect(),
            RegionGroup::FlowLogs => d
                .flow_logs
                .iter()
                .map(|f| (ObjectKind::FlowLog, f.name.clone(), String::new()))
                .collect(),
        }
    }

    /// The group that lists an object of `kind` whose insertion or removal
    /// changes no other row (its addresses, routes and names reach no other
    /// row's text); `None` for every other kind.
    fn patchable(kind: ObjectKind) -> Option<RegionGroup> {
        Some(match kind {
            ObjectKind::Peering => RegionGroup::Peerings,
            ObjectKind::VpnGateway => RegionGroup::VpnGateways,
            ObjectKind::CustomerGateway => RegionGroup::CustomerGateways,
            ObjectKind::VpnConnection => RegionGroup::VpnConnections,
            ObjectKind::DxGateway | ObjectKind::DxConnection => RegionGroup::DirectConnect,
            ObjectKind::OnPremNetwork => RegionGroup::OnPremises,
            ObjectKind::PrefixList => RegionGroup::PrefixLists,
            ObjectKind::FlowLog => RegionGroup::FlowLogs,
            _ => return None,
        })
    }
}

/// Where the build places subnets, instances and NAT gateways: a subnet
/// under its VPC and AZ, an instance and a zonal NAT gateway under its
/// subnet, and a load balancer under its first subnet's VPC.
struct Placement<'d> {
    subnets_by_vpc_az: FxHashMap<(&'d str, &'d str), Vec<usize>>,
    instances_by_subnet: FxHashMap<&'d str, Vec<usize>>,
    nats_by_subnet: FxHashMap<&'d str, Vec<usize>>,
    subnet_vpc: FxHashMap<&'d str, &'d str>,
}

impl<'d> Placement<'d> {
    /// The placement of the whole design, or of one VPC's subnets (and what
    /// is in them) when `only` names it.
    fn of(d: &'d Design, only: Option<&str>) -> Self {
        // The model's fast hasher: a VPC's placement is derived after every
        // subnet edit, one look-up per instance of the design.
        let subnet_vpc: FxHashMap<&str, &str> = d.subnets.iter().map(|s| (s.name.as_str(), s.vpc.as_str())).collect();
        let placed = |subnet: &str| only.is_none() || subnet_vpc.get(subnet).copied() == only;
        let mut subnets_by_vpc_az: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
        for (i, s) in d.subnets.iter().enumerate() {
            if only.is_none() || only == Some(s.vpc.as_str()) {
                subnets_by_vpc_az.entry((&s.vpc, &s.az)).or_default().push(i);
            }
        }
        let mut instances_by_subnet: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (i, inst) in d.instances.iter().enumerate() {
            if placed(&inst.subnet) {
                instances_by_subnet.entry(&inst.subnet).or_default().push(i);
            }
        }
        let mut nats_by_subnet: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (i, n) in d.nat_gateways.iter().enumerate() {
            if let Some(s) = n.subnet.as_deref().filter(|s| !n.is_regional() && placed(s)) {
                nats_by_subnet.entry(s).or_default().push(i);
            }
        }
        Placement {
            subnets_by_vpc_az,
            instances_by_subnet,
            nats_by_subnet,
            subnet_vpc,
        }
    }
}

impl Tree {
    pub fn build(d: &Design, idx: &DesignIndex, diags: &[crate::validate::Diagnostic]) -> Tree {
        let mut b = Builder::new(idx, 0);
        let placement = Placement::of(d, None);
        b.open("region".into(), d.region.clone(), format!("design {}", d.name), None);
        for vpc in &d.vpcs {
            b.vpc(d, vpc, &placement);
        }
        for g in RegionGroup::ALL {
            b.group(g.key(), g.label(), g.items(d));
        }
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

    /// The position of the only row with this key; `None` when there is no
    /// such row or several (two objects of one name cannot be told apart).
    fn unique_row(&self, key: &str) -> Option<usize> {
        let mut rows = self.nodes.iter().enumerate().filter(|(_, n)| n.key == key);
        match (rows.next(), rows.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// Replaces the subtree rooted at row `at` by `rows` (a subtree built at
    /// the same depth, `end`s counted from its first row; possibly empty) and
    /// moves the `end` of every enclosing and following row.
    fn splice(&mut self, at: usize, rows: Vec<Node>) {
        let old_end = self.nodes[at].end;
        let (old_len, new_len) = (old_end - at, rows.len());
        self.nodes.splice(
            at..old_end,
            rows.into_iter().map(|mut n| {
                n.end += at;
                n
            }),
        );
        if old_len != new_len {
            // The range is never empty, so a row that ends at or after its end
            // encloses it or follows it; one that ends before it precedes it.
            for (i, n) in self.nodes.iter_mut().enumerate() {
                if (i < at || i >= at + new_len) && n.end >= old_end {
                    n.end = n.end + new_len - old_len;
                }
            }
        }
    }

    /// Follows an object inserted into or removed from the design (`d` is the
    /// design after the change) by rebuilding only the rows it can change: its
    /// subnet's (or group's) subtree. Returns `false` (tree unchanged)
    /// for kinds whose change reaches further, and the caller rebuilds (the
    /// rows may then be half patched).
    fn patch_structural(
        &mut self,
        d: &Design,
        idx: &DesignIndex,
        diags: &[crate::validate::Diagnostic],
        obj: &Object,
    ) -> bool {
        // Rows are told apart by name: a design holding a name twice is rebuilt.
        if diags.iter().any(|f| f.code == "duplicate-name") {
            return false;
        }
        let patched = match obj {
            Object::Instance(inst) => self.patch_instance(d, idx, inst),
            // A load balancer is listed under its first subnet's VPC.
            Object::Subnet(s) => {
                !d.load_balancers.iter().any(|l| l.subnets.contains(&s.name)) && self.patch_vpc(d, idx, &s.vpc)
            }
            // A new main route table can change the kind of the subnets using it.
            Object::RouteTable(t) => {
                self.patch_vpc_group(d, idx, VpcGroup::RouteTables, &t.vpc) && self.rederive_kinds(d, idx)
            }
            Object::SecurityGroup(g) => self.patch_vpc_group(d, idx, VpcGroup::SecurityGroups, &g.vpc),
            Object::NetworkAcl(a) => self.patch_vpc_group(d, idx, VpcGroup::NetworkAcls, &a.vpc),
            other => match RegionGroup::patchable(other.kind()) {
                Some(g) => self.unique_row(&g.key()).is_some_and(|at| {
                    let mut b = Builder::new(idx, self.nodes[at].depth);
                    b.group(g.key(), g.label(), g.items(d));
                    self.splice(at, b.nodes);
                    true
                }),
                None => false,
            },
        };
        if patched {
            self.counts = diag_counts(diags);
        }
        patched
    }

    /// Follows a renamed instance that nothing but its own interfaces names
    /// (its subnets' subtrees hold its only rows), or a renamed subnet that
    /// only instances and NAT gateways name (its VPC's subtree holds them).
    /// Returns `false` (tree unchanged) for anything else; the caller rebuilds.
    fn patch_renamed(
        &mut self,
        d: &Design,
        idx: &DesignIndex,
        diags: &[crate::validate::Diagnostic],
        renamed: &Renamed,
    ) -> bool {
        // What names an instance, or a subnet beside its instances and NAT
        // gateways, has rows of its own elsewhere.
        let in_subnets = KindSet::of(&[ObjectKind::Instance, ObjectKind::NatGateway]);
        match &renamed.object {
            Object::Instance(_) if renamed.referrers.is_empty() => {
                self.patch_structural(d, idx, diags, &renamed.object)
            }
            Object::Subnet(_) if renamed.referrers.bits() & !in_subnets.bits() == 0 => {
                self.patch_structural(d, idx, diags, &renamed.object)
            }
            _ => false,
        }
    }

    /// Rebuilds one VPC's subtree (its subnets and what is in them, its
    /// gateways and groups); `false` when the VPC has no row.
    fn patch_vpc(&mut self, d: &Design, idx: &DesignIndex, vpc: &str) -> bool {
        let (Some(v), Some(at)) = (
            d.vpcs.iter().find(|v| v.name == vpc),
            self.unique_row(&format!("Vpc:{vpc}")),
        ) else {
            return false;
        };
        let mut b = Builder::new(idx, self.nodes[at].depth);
        b.vpc(d, v, &Placement::of(d, Some(vpc)));
        self.splice(at, b.nodes);
        true
    }

    /// Rebuilds one VPC group's subtree (header with its count, one row per
    /// item); `false` when the group has no row yet (where a new group goes is
    /// the full build's to say).
    fn patch_vpc_group(&mut self, d: &Design, idx: &DesignIndex, g: VpcGroup, vpc: &str) -> bool {
        let (Some(v), Some(at)) = (d.vpcs.iter().find(|v| v.name == vpc), self.unique_row(&g.key(vpc))) else {
            return false;
        };
        // Load balancers, the one group placed by its subnets, are never patched.
        let no_subnets = |_: &str| None;
        let mut b = Builder::new(idx, self.nodes[at].depth);
        b.group(g.key(vpc), g.label(), g.items(d, v, &no_subnets));
        self.splice(at, b.nodes);
        true
    }

    /// Follows an instance inserted or removed: its subnets' subtrees (the
    /// private addresses of the NAT gateways in them can move; instance rows
    /// write their addresses as they are drawn), and the subnets' kinds when a
    /// route names it (a NAT instance makes a subnet private).
    fn patch_instance(&mut self, d: &Design, idx: &DesignIndex, inst: &Instance) -> bool {
        let mut subnets: Vec<&str> = vec![inst.subnet.as_str()];
        for e in &inst.secondary_interfaces {
            if !subnets.contains(&e.subnet.as_str()) {
                subnets.push(&e.subnet);
            }
        }
        for name in subnets {
            let Some(s) = d.subnets.iter().find(|s| s.name == name) else {
                continue;
            };
            // Not shown when its VPC is not: nothing to patch.
            if !d.vpcs.iter().any(|v| v.name == s.vpc) {
                continue;
            }
            let Some(at) = self.unique_row(&format!("Subnet:{name}")) else {
                return false;
            };
            let mut b = Builder::new(idx, self.nodes[at].depth);
            b.subnet(
                d,
                s,
                d.instances.iter().filter(|i| i.subnet == s.name),
                d.nat_gateways
                    .iter()
                    .filter(|n| !n.is_regional() && n.subnet.as_deref() == Some(s.name.as_str())),
            );
            self.splice(at, b.nodes);
        }
        // Only a route to the instance or one of its interfaces can make a
        // subnet private by it (a NAT instance).
        let names: Vec<&str> = std::iter::once(inst.name.as_str())
            .chain(inst.secondary_interfaces.iter().map(|e| e.name.as_str()))
            .collect();
        if !d.routes_to_instance_named(&names) {
            return true;
        }
        self.rederive_kinds(d, idx)
    }

    /// Derives every subnet row's kind again (from its routes).
    fn rederive_kinds(&mut self, d: &Design, idx: &DesignIndex) -> bool {
        for n in &mut self.nodes {
            if n.kind.is_none() {
                continue;
            }
            let Some(s) = n.obj.as_ref().and_then(|o| idx.subnet(d, &o.name)) else {
                return false;
            };
            n.kind = Some(idx.subnet_kind(d, s));
        }
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
    /// How many times the whole tree was built (to see that an edit was
    /// followed by a patch).
    builds: u64,
}

impl TreePane {
    fn ensure(&mut self, ctx: &Ctx) {
        let rev = ctx.ws.revision();
        if self.built_for != Some(rev) {
            // The revision right after the one built, by one object replaced,
            // inserted or removed: patch the rows it changes.
            let (d, idx, diags) = (ctx.ws.design(), ctx.ws.index(), ctx.ws.diagnostics());
            let patched = self.built_for == Some(ctx.ws.previous_revision())
                && match ctx.ws.last_change() {
                    Change::InPlace(old, new) => self.tree.patch(d, diags, old, new),
                    Change::Inserted(o, _) | Change::Removed(o, _) => self.tree.patch_structural(d, idx, diags, o),
                    Change::Renamed(r) => self.tree.patch_renamed(d, idx, diags, r),
                    Change::Other => false,
                };
            if !patched {
                self.tree = Tree::build(d, idx, diags);
                self.builds += 1;
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
                // Only a row with children hides anything when collapsed.
                i = if n.end > i + 1 && self.collapsed.contains(&n.key) {
                    n.end
                } else {
                    i + 1
                };
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

    /// How many times the whole tree was built rather than patched.
    pub fn builds(&self) -> u64 {
        self.builds
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
            let addresses = match &n.obj {
                Some(o) if o.kind == ObjectKind::Instance => {
                    let (d, idx) = (ctx.ws.design(), ctx.ws.index());
                    idx.instance(d, &o.name)
                        .and_then(|i| Some(instance_detail(d, idx, i, &idx.subnet(d, &i.subnet)?.vpc)))
                }
                _ => None,
            };
            let detail = addresses.as_deref().unwrap_or(&n.detail);
            if !detail.is_empty() && used + 2 < width {
                let room = width - used - 1;
                let chars = detail.chars().count();
                let text = if chars <= room {
                    format!("{}{}", " ".repeat(room - chars + 1), detail)
                } else {
                    format!(" {}", fit(detail, room))
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
    use crate::tui::panes::with_ctx;
    use crate::workspace::Workspace;

    fn ensure(pane: &mut TreePane, ws: &Workspace) {
        with_ctx(ws, None, |ctx| pane.ensure(ctx));
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

    /// A design to edit (0: the three-tier sample, 1: three peered VPCs,
    /// 2: a VPC with VPN and Direct Connect).
    fn design(which: u8) -> Design {
        match which % 3 {
            0 => crate::create::templates::sample::three_tier(),
            1 => crate::create::templates::find("peering-triangle").unwrap().design(),
            _ => crate::create::templates::find("hybrid-dx-vpn").unwrap().design(),
        }
    }

    /// One step of a random editing session.
    #[derive(Debug, Clone)]
    enum Step {
        /// A copy of an instance (auto-assigned addresses) appended.
        AddInstance(u8),
        DeleteInstance(u8),
        /// An instance or a subnet renamed (its references follow).
        RenameInstance(u8),
        RenameSubnet(u8),
        /// A subnet added in a free block of a VPC, or deleted (refused while used).
        AddSubnet(u8, u8),
        DeleteSubnet(u8),
        AddGroup(u8),
        DeleteGroup(u8),
        AddTable(u8),
        DeleteTable(u8),
        AddAcl(u8),
        DeleteAcl(u8),
        AddPeering(u8, u8),
        DeletePeering(u8),
        /// An Elastic IP (rebuilt: it can give an instance its public address).
        AddElasticIp,
        Undo,
        Redo,
        /// Collapses or expands a row.
        Toggle(u8),
        /// Moves the cursor.
        Move(u8),
    }

    fn any_step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            3 => any::<u8>().prop_map(Step::AddInstance),
            3 => any::<u8>().prop_map(Step::DeleteInstance),
            2 => any::<u8>().prop_map(Step::RenameInstance),
            1 => any::<u8>().prop_map(Step::RenameSubnet),
            1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::AddSubnet(a, b)),
            2 => any::<u8>().prop_map(Step::DeleteSubnet),
            1 => any::<u8>().prop_map(Step::AddGroup),
            1 => any::<u8>().prop_map(Step::DeleteGroup),
            1 => any::<u8>().prop_map(Step::AddTable),
            1 => any::<u8>().prop_map(Step::DeleteTable),
            1 => any::<u8>().prop_map(Step::AddAcl),
            1 => any::<u8>().prop_map(Step::DeleteAcl),
            1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::AddPeering(a, b)),
            1 => any::<u8>().prop_map(Step::DeletePeering),
            1 => Just(Step::AddElasticIp),
            3 => Just(Step::Undo),
            1 => Just(Step::Redo),
            1 => any::<u8>().prop_map(Step::Toggle),
            1 => any::<u8>().prop_map(Step::Move),
        ]
    }

    fn pick<T>(items: &[T], i: u8) -> Option<&T> {
        (!items.is_empty()).then(|| &items[usize::from(i) % items.len()])
    }

    /// The edit a step makes, if the design has what it needs.
    fn edit_of(step: &Step, d: &Design, n: usize) -> Option<Edit> {
        let name = format!("t{n}");
        let del = |kind, name: &String| Some(Edit::Delete(ObjectRef::new(kind, name)));
        match step {
            Step::AddInstance(i) => {
                let mut copy = pick(&d.instances, *i)?.clone();
                copy.name = name;
                copy.private_ip = None;
                copy.elastic_ip = None;
                copy.secondary_interfaces.clear();
                Some(Edit::Put(Object::Instance(copy)))
            }
            Step::DeleteInstance(i) => del(ObjectKind::Instance, &pick(&d.instances, *i)?.name),
            Step::RenameInstance(i) => Some(Edit::Rename {
                target: ObjectRef::new(ObjectKind::Instance, &pick(&d.instances, *i)?.name),
                to: name,
            }),
            Step::AddSubnet(i, block) => {
                let mut s = pick(&d.subnets, *i)?.clone();
                let vpc = d.vpcs.iter().find(|v| v.name == s.vpc)?;
                // From the end of the VPC's range, which its subnets seldom use.
                let blocks: Vec<ipnet::Ipv4Net> = vpc.cidr.subnets(28).ok()?.collect();
                s.cidr = *pick(&blocks[blocks.len().saturating_sub(64)..], *block)?;
                s.name = name;
                s.route_table = None;
                Some(Edit::Put(Object::Subnet(s)))
            }
            Step::DeleteSubnet(i) => del(ObjectKind::Subnet, &pick(&d.subnets, *i)?.name),
            Step::RenameSubnet(i) => Some(Edit::Rename {
                target: ObjectRef::new(ObjectKind::Subnet, &pick(&d.subnets, *i)?.name),
                to: name,
            }),
            Step::AddGroup(i) => {
                let mut g = pick(&d.security_groups, *i)?.clone();
                g.name = name;
                Some(Edit::Put(Object::SecurityGroup(g)))
            }
            Step::DeleteGroup(i) => del(ObjectKind::SecurityGroup, &pick(&d.security_groups, *i)?.name),
            Step::AddTable(i) => {
                let mut t = pick(&d.route_tables, *i)?.clone();
                t.name = name;
                Some(Edit::Put(Object::RouteTable(t)))
            }
            Step::DeleteTable(i) => del(ObjectKind::RouteTable, &pick(&d.route_tables, *i)?.name),
            Step::AddAcl(i) => {
                let mut a = pick(&d.network_acls, *i)?.clone();
                a.name = name;
                Some(Edit::Put(Object::NetworkAcl(a)))
            }
            Step::DeleteAcl(i) => del(ObjectKind::NetworkAcl, &pick(&d.network_acls, *i)?.name),
            Step::AddPeering(a, b) => {
                let (a, b) = (pick(&d.vpcs, *a)?, pick(&d.vpcs, *b)?);
                let mut p = d.peerings.first()?.clone();
                p.name = name;
                p.requester.clone_from(&a.name);
                p.accepter.clone_from(&b.name);
                Some(Edit::Put(Object::Peering(p)))
            }
            Step::DeletePeering(i) => del(ObjectKind::Peering, &pick(&d.peerings, *i)?.name),
            Step::AddElasticIp => Some(Edit::Put(Object::ElasticIp(crate::model::ElasticIp {
                name,
                description: None,
                address: std::net::Ipv4Addr::new(3, 3, 3, u8::try_from(n % 250).unwrap_or(1)),
            }))),
            Step::Undo | Step::Redo | Step::Toggle(_) | Step::Move(_) => None,
        }
    }

    /// The pane drawn into a test terminal.
    fn drawn(pane: &mut TreePane, ws: &Workspace) -> ratatui::buffer::Buffer {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(48, 24)).unwrap();
        with_ctx(ws, None, |ctx| {
            term.draw(|f| pane.render(f, f.area(), ctx, true)).unwrap()
        });
        term.backend().buffer().clone()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// After any sequence of inserts, removals, renames, undos and redos (patched
        /// where the tree can follow, rebuilt elsewhere), with rows collapsed
        /// and the cursor moved between them, the tree equals a fresh build
        /// and the pane draws what a pane on a fresh build with the same
        /// collapsed rows, cursor and scroll draws.
        #[test]
        fn patched_tree_after_inserts_and_removals_equals_a_fresh_build(
            which in 0u8..3,
            steps in proptest::collection::vec(any_step(), 1..24),
        ) {
            let mut ws = Workspace::new(design(which));
            let mut pane = TreePane::default();
            ensure(&mut pane, &ws);
            drawn(&mut pane, &ws);
            for (n, step) in steps.iter().enumerate() {
                match step {
                    Step::Undo => {
                        ws.undo();
                    }
                    Step::Redo => {
                        ws.redo();
                    }
                    Step::Toggle(i) => {
                        if let Some(k) = pick(&pane.tree.nodes, *i).map(|n| n.key.clone()) {
                            if !pane.collapsed.remove(&k) {
                                pane.collapsed.insert(k);
                            }
                            pane.visible_dirty = true;
                        }
                    }
                    Step::Move(i) => {
                        pane.cursor = usize::from(*i);
                        pane.visible_dirty = true;
                        let key = pane.visible.get(usize::from(*i) % pane.visible.len().max(1)).map(|&v| pane.tree.nodes[v].key.clone());
                        pane.selected_key = key;
                    }
                    other => {
                        if let Some(e) = edit_of(other, ws.design(), n) {
                            let _ = ws.apply(e);
                        }
                    }
                }
                ensure(&mut pane, &ws);
                let fresh = Tree::build(ws.design(), ws.index(), ws.diagnostics());
                proptest::prop_assert_eq!(&pane.tree, &fresh, "after {:?}", step);
                let shown = drawn(&mut pane, &ws);
                let mut rebuilt = TreePane {
                    tree: fresh,
                    built_for: pane.built_for,
                    collapsed: pane.collapsed.clone(),
                    visible: Vec::new(),
                    visible_dirty: true,
                    cursor: pane.cursor,
                    offset: pane.offset,
                    height: pane.height,
                    selected_key: pane.selected_key.clone(),
                    builds: 0,
                };
                proptest::prop_assert_eq!(shown, drawn(&mut rebuilt, &ws), "after {:?}", step);
            }
        }
    }

    /// Adding an instance, deleting it, undoing and redoing both patch the
    /// tree: it is built once, when first drawn.
    #[test]
    fn instance_added_renamed_and_deleted_is_patched_not_rebuilt() {
        let d = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let [add, delete] = crate::perf::add_delete_instance(&d).unwrap();
        let [rename, rename_back] = crate::perf::rename_instance(&d).unwrap();
        let mut ws = Workspace::new(d);
        let mut pane = TreePane::default();
        ensure(&mut pane, &ws);
        assert_eq!(pane.builds(), 1);
        ws.apply(add).unwrap();
        ensure(&mut pane, &ws);
        ws.apply(delete).unwrap();
        ensure(&mut pane, &ws);
        ws.undo();
        ensure(&mut pane, &ws);
        ws.undo();
        ensure(&mut pane, &ws);
        ws.redo();
        ensure(&mut pane, &ws);
        ws.apply(rename).unwrap();
        ensure(&mut pane, &ws);
        assert_eq!(pane.tree, Tree::build(ws.design(), ws.index(), ws.diagnostics()));
        ws.apply(rename_back).unwrap();
        ensure(&mut pane, &ws);
        ws.undo();
        ensure(&mut pane, &ws);
        assert_eq!(pane.tree, Tree::build(ws.design(), ws.index(), ws.diagnostics()));
        assert_eq!(pane.builds(), 1);
    }
}
