//! The findings of a design kept per rule group, and what each group reads,
//! so that an edit re-runs only the groups it can affect.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Design, DesignIndex, Instance, KindSet, Object, ObjectKind, ObjectRef, RouteTable, Subnet};

use super::context::{self, ValidationPass};
use super::{
    addressing, compute, connectivity, filtering, finish, gateways, integrity, lints, privatelink, quotas, routing,
    sharing, Diagnostic,
};

/// What a rule group reads of the *content* of security groups, network
/// ACLs and route tables (beyond their names, which every group may look up).
/// An edit that changes one such object in place re-runs only the groups
/// that read its kind; any other in-place edit re-runs everything.
const SG: u8 = 1;
const NACL: u8 = 2;
const RT: u8 = 4;
/// Dangling references: re-checked for the edited object only (an in-place
/// edit keeps every name, so references *to* it still resolve as before).
const REFS: u8 = 8;
/// The rules of security groups (inbound and outbound), apart from what
/// [`SG`] stands for: the group's VPC, owner, names and description. Typing a
/// rule, the most common edit, re-runs only the groups that read rules.
const SG_RULES: u8 = 16;

/// A set of object kinds, one bit each.
type Kinds = u32;

const fn kinds(list: &[ObjectKind]) -> Kinds {
    KindSet::of(list).bits()
}

const fn has(set: Kinds, k: ObjectKind) -> bool {
    set & (1 << k as u32) != 0
}

use ObjectKind as K;

const ALL: Kinds = Kinds::MAX;
/// What the index's interfaces are derived from: their owners, the subnets
/// that number them, the Elastic IPs that give them public addresses, the
/// groups they carry (by position) and the VPCs regional NAT gateways serve.
const ENIS: Kinds = kinds(&[
    K::Instance,
    K::NatGateway,
    K::LoadBalancer,
    K::Endpoint,
    K::Firewall,
    K::TransitGateway,
    K::Subnet,
    K::ElasticIp,
    K::SecurityGroup,
    K::Vpc,
]);

/// Findings of a group kept by a key (a VPC, a subnet, an instance), so an
/// inserted or removed instance re-derives only the keys it touches.
pub(super) type Keyed = BTreeMap<String, Vec<Diagnostic>>;

/// How a group is run.
enum Run {
    Plain(fn(&ValidationPass<'_>)),
    Keyed {
        /// Every key's findings.
        all: fn(&ValidationPass<'_>, &mut Keyed),
        /// The keys an instance (inserted when the flag is set, else removed;
        /// its name held by no other instance) can change, with their
        /// findings on the design as it is now.
        around_instance: fn(&ValidationPass<'_>, &Instance, bool, &mut Keyed) -> Vec<String>,
    },
}

/// How an inserted or removed object of a kind the group reads reaches its
/// findings, where the group can tell more than "re-run me".
#[derive(Clone, Copy, PartialEq, Eq)]
enum Structural {
    /// Re-run (or re-derive the instance's keys, for a keyed group).
    Rerun,
    /// Duplicate names: unchanged when every name the object brings is unique.
    Names,
    /// Dangling references: re-checked for the object and the kinds that can refer to it.
    References,
    /// Reads instances only through route targets naming them or their interfaces.
    RouteTargets,
    /// Reads instances only through the Elastic IPs they hold.
    ElasticIps,
    /// Reads instances only through the VPN connections they terminate
    /// (software VPNs): by Elastic IP (a customer gateway's address) or by name.
    VpnConnections,
    /// Reads instances only through which subnets hold at least one.
    Workloads,
}

struct Group {
    run: Run,
    /// What the group reads of SG/NACL/RT content ([`Findings::after_in_place`]).
    reads: u8,
    /// The kinds whose objects coming or going can change its findings
    /// (their existence, content or names, directly or through the index).
    kinds: Kinds,
    structural: Structural,
    /// Reads subnets only through the interfaces in them (numbering,
    /// capacity, the groups they carry): a subnet that no interface names
    /// coming, going or renamed leaves its findings as they were.
    subnets_through_interfaces: bool,
    /// Reads subnets per VPC: a subnet coming, going or renamed (with the
    /// instances and NAT gateways naming it) changes only its findings about
    /// objects of the subnet's VPC, which are the same on the VPC's
    /// [`VpcSlice`] as on the whole design.
    per_vpc: bool,
}

impl Group {
    const fn subnets_through_interfaces(mut self) -> Group {
        self.subnets_through_interfaces = true;
        self
    }

    const fn per_vpc(mut self) -> Group {
        self.per_vpc = true;
        self
    }
}

const fn plain(run: fn(&ValidationPass<'_>), reads: u8, kinds: Kinds) -> Group {
    Group {
        run: Run::Plain(run),
        reads,
        kinds,
        structural: Structural::Rerun,
        subnets_through_interfaces: false,
        per_vpc: false,
    }
}

const fn special(run: fn(&ValidationPass<'_>), reads: u8, kinds: Kinds, structural: Structural) -> Group {
    Group {
        run: Run::Plain(run),
        reads,
        kinds,
        structural,
        subnets_through_interfaces: false,
        per_vpc: false,
    }
}

const fn keyed(
    all: fn(&ValidationPass<'_>, &mut Keyed),
    around_instance: fn(&ValidationPass<'_>, &Instance, bool, &mut Keyed) -> Vec<String>,
    reads: u8,
    kinds: Kinds,
) -> Group {
    Group {
        run: Run::Keyed { all, around_instance },
        reads,
        kinds,
        structural: Structural::Rerun,
        subnets_through_interfaces: false,
        per_vpc: false,
    }
}

/// Every rule group, in the order a full validation runs them.
const GROUPS: &[Group] = &[
    special(integrity::names, 0, ALL, Structural::Names),
    special(integrity::references, REFS, ALL, Structural::References),
    plain(integrity::zones, 0, kinds(&[K::Subnet])).per_vpc(),
    plain(addressing::vpc_blocks, RT, kinds(&[K::Vpc, K::RouteTable])),
    plain(addressing::subnet_blocks, 0, kinds(&[K::Subnet, K::Vpc])).per_vpc(),
    plain(addressing::subnet_overlaps, 0, kinds(&[K::Subnet])).per_vpc(),
    keyed(addressing::fixed_addresses, addressing::fixed_addresses_around, 0, ENIS)
        .subnets_through_interfaces()
        .per_vpc(),
    plain(addressing::instance_ipv6, 0, kinds(&[K::Instance, K::Subnet])).per_vpc(),
    keyed(addressing::capacity, addressing::capacity_around, 0, ENIS)
        .subnets_through_interfaces()
        .per_vpc(),
    plain(addressing::onprem_overlap, 0, kinds(&[K::Vpc, K::OnPremNetwork])),
    plain(
        routing::associations,
        RT | NACL,
        kinds(&[K::Subnet, K::RouteTable, K::NetworkAcl]),
    )
    .per_vpc(),
    plain(
        routing::vpc_defaults,
        SG | NACL | RT,
        kinds(&[K::Vpc, K::RouteTable, K::NetworkAcl, K::SecurityGroup]),
    ),
    // Route targets of every kind, the VPCs, subnets and tables around them.
    special(
        routing::routes,
        RT,
        ALL & !kinds(&[
            K::SecurityGroup,
            K::NetworkAcl,
            K::FlowLog,
            K::ElasticIp,
            K::LoadBalancer,
            K::CustomerGateway,
            K::DxConnection,
            K::DxGateway,
            K::OnPremNetwork,
            K::VpnConnection,
            K::EndpointService,
        ]),
        Structural::RouteTargets,
    ),
    plain(
        gateways::one_per_vpc,
        0,
        kinds(&[K::InternetGateway, K::EgressOnlyGateway, K::VpnGateway]),
    ),
    plain(
        gateways::nat_gateways,
        RT,
        kinds(&[K::NatGateway, K::Subnet, K::RouteTable, K::Vpc, K::InternetGateway]),
    )
    .per_vpc(),
    special(
        gateways::elastic_ips,
        0,
        kinds(&[K::Instance, K::NatGateway, K::ElasticIp]),
        Structural::ElasticIps,
    ),
    plain(gateways::unused_igws, RT, kinds(&[K::RouteTable, K::InternetGateway])),
    keyed(
        compute::public_subnets,
        compute::public_subnets_around,
        RT,
        ENIS | kinds(&[K::Subnet, K::RouteTable, K::Vpc]),
    )
    .per_vpc(),
    plain(compute::load_balancers, RT, kinds(&[K::LoadBalancer, K::Subnet])),
    plain(
        filtering::security_groups,
        SG | SG_RULES,
        kinds(&[K::SecurityGroup, K::Vpc, K::Peering, K::TransitGateway]),
    ),
    keyed(
        filtering::security_group_usage,
        filtering::security_group_usage_around,
        SG | SG_RULES,
        ENIS | kinds(&[K::SecurityGroup, K::Vpc]),
    )
    .subnets_through_interfaces(),
    keyed(
        filtering::interface_groups,
        filtering::interface_groups_around,
        SG,
        ENIS | kinds(&[K::Subnet, K::SecurityGroup]),
    )
    .per_vpc()
    .subnets_through_interfaces(),
    plain(filtering::network_acls, NACL, kinds(&[K::NetworkAcl])),
    plain(
        filtering::unused_network_acls,
        0,
        kinds(&[K::NetworkAcl, K::Vpc, K::Subnet]),
    )
    .per_vpc(),
    plain(connectivity::peerings, 0, kinds(&[K::Peering, K::Vpc])),
    plain(
        connectivity::peering_routes,
        RT,
        kinds(&[K::RouteTable, K::Peering, K::Vpc]),
    ),
    plain(
        connectivity::endpoints,
        RT,
        kinds(&[K::Endpoint, K::RouteTable, K::Subnet, K::Vpc]),
    ),
    plain(
        privatelink::endpoint_services,
        0,
        kinds(&[K::EndpointService, K::LoadBalancer, K::Endpoint, K::Subnet]),
    ),
    plain(
        privatelink::edge_route_tables,
        RT,
        kinds(&[K::InternetGateway, K::RouteTable, K::Endpoint]),
    ),
    special(
        connectivity::transit_gateways,
        RT,
        ENIS | kinds(&[K::TransitGateway, K::Subnet, K::Vpc, K::RouteTable]),
        Structural::Workloads,
    ),
    // Software VPN appliances (an instance, its Elastic IP, the customer
    // gateways at that address), VPN connections, virtual private and Direct
    // Connect gateways and connections: no subnet.
    special(
        connectivity::hybrid,
        0,
        kinds(&[
            K::Instance,
            K::ElasticIp,
            K::CustomerGateway,
            K::VpnConnection,
            K::VpnGateway,
            K::DxConnection,
            K::DxGateway,
        ]),
        Structural::VpnConnections,
    ),
    plain(connectivity::prefix_lists, 0, kinds(&[K::PrefixList])),
    plain(sharing::accounts, SG, kinds(&[K::Vpc, K::SecurityGroup, K::Subnet])).per_vpc(),
    keyed(
        sharing::instances,
        sharing::instances_around,
        SG,
        kinds(&[K::Instance, K::Subnet, K::Vpc, K::SecurityGroup]),
    )
    .per_vpc(),
    plain(
        lints::check,
        RT,
        kinds(&[K::Subnet, K::RouteTable, K::Vpc, K::NatGateway]),
    )
    .per_vpc(),
    // Reads every kind but subnets (counted per VPC and per AZ below).
    special(
        quotas::check,
        SG | SG_RULES | NACL | RT,
        ALL & !kinds(&[K::Subnet]),
        Structural::VpnConnections,
    ),
    // Counts route tables and network ACLs by their VPC, which an in-place edit can change.
    plain(
        quotas::per_vpc,
        NACL | RT,
        kinds(&[
            K::Vpc,
            K::Subnet,
            K::RouteTable,
            K::NetworkAcl,
            K::Endpoint,
            K::Peering,
            K::TransitGateway,
        ]),
    )
    .per_vpc(),
    plain(quotas::nat_gateways_per_az, 0, kinds(&[K::NatGateway, K::Subnet])),
    keyed(quotas::interfaces, quotas::interfaces_around, SG, ENIS)
        .subnets_through_interfaces()
        .per_vpc(),
];

/// Runs every group into the pass (a plain validation).
pub(super) fn run_all(cx: &ValidationPass<'_>) {
    for g in GROUPS {
        match &g.run {
            Run::Plain(run) => run(cx),
            Run::Keyed { all, .. } => {
                let mut keyed = Keyed::new();
                all(cx, &mut keyed);
                cx.extend(keyed.into_values().flatten());
            }
        }
    }
}

/// The kinds of objects whose references can name an object of `kind`
/// (route targets and security-group rule peers aside: the routing and
/// security-group rules check those, not the dangling-reference rule).
fn referrers(kind: ObjectKind) -> Kinds {
    match kind {
        K::Vpc => kinds(&[
            K::Subnet,
            K::RouteTable,
            K::InternetGateway,
            K::EgressOnlyGateway,
            K::NatGateway,
            K::SecurityGroup,
            K::NetworkAcl,
            K::Peering,
            K::Endpoint,
            K::VpnGateway,
            K::TransitGateway,
            K::Firewall,
            K::FlowLog,
        ]),
        K::RouteTable => kinds(&[K::Vpc, K::Subnet, K::InternetGateway, K::Endpoint]),
        K::NetworkAcl => kinds(&[K::Vpc, K::Subnet]),
        K::SecurityGroup => kinds(&[K::Vpc, K::Instance, K::LoadBalancer, K::Endpoint]),
        K::Subnet => kinds(&[
            K::NatGateway,
            K::Instance,
            K::LoadBalancer,
            K::Endpoint,
            K::TransitGateway,
            K::Firewall,
            K::FlowLog,
        ]),
        K::ElasticIp => kinds(&[K::NatGateway, K::Instance]),
        K::Instance => kinds(&[K::LoadBalancer, K::VpnConnection, K::FlowLog]),
        K::LoadBalancer => kinds(&[K::EndpointService]),
        K::EndpointService => kinds(&[K::Endpoint]),
        K::PrefixList => kinds(&[K::RouteTable, K::SecurityGroup]),
        K::VpnGateway => kinds(&[K::RouteTable, K::VpnConnection, K::DxGateway, K::DxConnection]),
        K::CustomerGateway => kinds(&[K::VpnConnection, K::OnPremNetwork]),
        K::VpnConnection => kinds(&[K::TransitGateway]),
        K::DxGateway => kinds(&[K::DxConnection, K::TransitGateway]),
        K::DxConnection => kinds(&[K::OnPremNetwork]),
        // Its route tables and attachments are named by other gateways' parts too.
        K::TransitGateway => kinds(&[K::VpnConnection, K::DxGateway, K::TransitGateway]),
        K::InternetGateway
        | K::EgressOnlyGateway
        | K::NatGateway
        | K::Peering
        | K::Endpoint
        | K::OnPremNetwork
        | K::Firewall
        | K::FlowLog => 0,
    }
}

/// Every name an object brings into the design's one name space: its own and
/// those of its parts (a transit gateway's route tables and attachments, an
/// instance's secondary interfaces).
fn names_of(o: &Object) -> Vec<&str> {
    let mut names = vec![o.name()];
    names.extend(o.part_names());
    names
}

/// Total order on findings, so a group's list does not depend on the order
/// its rules happened to find them in.
fn canonical(v: &mut [Diagnostic]) {
    v.sort_by(|a, b| {
        (
            a.severity,
            &a.path,
            a.code,
            &a.message,
            &a.object,
            &a.hint,
            a.aws_code,
            a.blocks_edit,
        )
            .cmp(&(
                b.severity,
                &b.path,
                b.code,
                &b.message,
                &b.object,
                &b.hint,
                b.aws_code,
                b.blocks_edit,
            ))
    });
}

fn flatten(keyed: &Keyed) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = keyed.values().flatten().cloned().collect();
    canonical(&mut out);
    out
}

/// The findings of a design kept per rule group, so that an edit re-runs
/// only the groups it can affect ([`Findings::after_in_place`],
/// [`Findings::after_insert`], [`Findings::after_remove`]). It always equals
/// [`Findings::full`] on the same design: every group's list (in a canonical
/// order) and [`Findings::all`], which equals [`super::validate_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    groups: Vec<Vec<Diagnostic>>,
    /// The keyed groups' findings by key (empty for the other groups).
    keyed: Vec<Keyed>,
    all: Vec<Diagnostic>,
}

/// Runs one group whole.
fn run_group(cx: &ValidationPass<'_>, g: &Group) -> (Vec<Diagnostic>, Keyed) {
    match &g.run {
        Run::Plain(run) => {
            let mut found = cx.run_with(run);
            canonical(&mut found);
            (found, Keyed::new())
        }
        Run::Keyed { all, .. } => {
            let mut keyed = Keyed::new();
            all(cx, &mut keyed);
            // Each key in canonical order, as a followed key is.
            for v in keyed.values_mut() {
                canonical(v);
            }
            (flatten(&keyed), keyed)
        }
    }
}

impl Findings {
    /// Runs every rule (the design's quota profile, else AWS's defaults).
    pub fn full(d: &Design, idx: &DesignIndex) -> Findings {
        let quotas = d.quotas.unwrap_or_default();
        let cx = context::ValidationPass::new(d, idx, &quotas);
        let (groups, keyed) = GROUPS.iter().map(|g| run_group(&cx, g)).unzip();
        Findings::of(groups, keyed)
    }

    fn of(groups: Vec<Vec<Diagnostic>>, keyed: Vec<Keyed>) -> Findings {
        Findings {
            all: finish(groups.concat()),
            groups,
            keyed,
        }
    }

    /// The findings after a change, group by group: `each` gives a group's
    /// findings now from its findings before (its list and its keys), on a
    /// pass over the design after the change.
    fn regroup(
        &self,
        d: &Design,
        idx: &DesignIndex,
        each: impl Fn(&ValidationPass<'_>, &Group, &Vec<Diagnostic>, &Keyed) -> (Vec<Diagnostic>, Keyed),
    ) -> Findings {
        let quotas = d.quotas.unwrap_or_default();
        let cx = context::ValidationPass::new(d, idx, &quotas);
        let (groups, keyed) = GROUPS
            .iter()
            .zip(self.groups.iter().zip(&self.keyed))
            .map(|(g, (before, before_keyed))| each(&cx, g, before, before_keyed))
            .unzip();
        Findings::of(groups, keyed)
    }

    /// Every finding, sorted as [`super::validate`] sorts them.
    pub fn all(&self) -> &[Diagnostic] {
        &self.all
    }

    /// The findings after `old` was replaced by `new` in place (same kind,
    /// name and position; `d` and `idx` are the design after the edit).
    /// Re-runs the groups that read the edited kind; falls back to
    /// [`Findings::full`] for kinds other than security groups, network
    /// ACLs and route tables.
    pub fn after_in_place(&self, d: &Design, idx: &DesignIndex, old: &Object, new: &Object) -> Findings {
        let mask = match (old, new) {
            (Object::SecurityGroup(o), Object::SecurityGroup(n)) => {
                let same_but_rules = o.name == n.name
                    && o.vpc == n.vpc
                    && o.owner == n.owner
                    && o.group_name == n.group_name
                    && o.description == n.description;
                if same_but_rules {
                    SG_RULES
                } else {
                    SG | SG_RULES
                }
            }
            (Object::NetworkAcl(_), Object::NetworkAcl(_)) => NACL,
            (Object::RouteTable(_), Object::RouteTable(_)) => RT,
            _ => 0,
        };
        // Two objects of one name share an `ObjectRef`: their reference findings
        // cannot be told apart, so such a design is validated whole.
        if mask == 0
            || old.name() != new.name()
            || self.groups.len() != GROUPS.len()
            || idx.lookup(new.name()).len() != 1
        {
            return Findings::full(d, idx);
        }
        let edited = Some(ObjectRef::new(new.kind(), new.name()));
        self.regroup(d, idx, |cx, g, before, before_keyed| {
            if g.reads & mask != 0 {
                run_group(cx, g)
            } else if g.reads & REFS != 0 {
                let mut kept: Vec<Diagnostic> = before.iter().filter(|x| x.object != edited).cloned().collect();
                let mut one = Design::default();
                one.put(new.clone());
                kept.extend(cx.run_with(|cx| integrity::references_in(cx, &one)));
                canonical(&mut kept);
                (kept, Keyed::new())
            } else {
                (before.clone(), before_keyed.clone())
            }
        })
    }

    /// The findings after `inserted` was added to the design (`d` and `idx`
    /// are the design after the edit): the groups that read its kind re-run,
    /// or re-derive only what it can change; equal to [`Findings::full`].
    pub fn after_insert(&self, d: &Design, idx: &DesignIndex, inserted: &Object) -> Findings {
        self.after_structural(d, idx, inserted, true)
    }

    /// The findings after `removed` was taken out of the design (`d` and
    /// `idx` are the design after the edit), as [`Findings::after_insert`]
    /// follows an insertion; equal to [`Findings::full`].
    pub fn after_remove(&self, d: &Design, idx: &DesignIndex, removed: &Object) -> Findings {
        self.after_structural(d, idx, removed, false)
    }

    fn after_structural(&self, d: &Design, idx: &DesignIndex, object: &Object, inserted: bool) -> Findings {
        if self.groups.len() != GROUPS.len() {
            return Findings::full(d, idx);
        }
        let kind = object.kind();
        let me = ObjectRef::new(kind, object.name());
        // Whether the object's `ObjectRef` stands for it alone: after an
        // insertion it is the one object of its kind and name, after a
        // removal none is left. Otherwise findings about it and about a
        // namesake cannot be told apart, and its groups re-run whole.
        let alone = idx.lookup(object.name()).iter().filter(|r| **r == me).count() == usize::from(inserted);
        let instance = match object {
            Object::Instance(i) => Some(i),
            _ => None,
        };
        let unnumbered = is_subnet_no_interface_names(idx, object);
        // The kinds naming a subnet (walking every reference), asked once.
        let referring = std::cell::OnceCell::new();
        let subnet_referrers = || *referring.get_or_init(|| d.referrer_kinds(&me));
        // A subnet that nothing names (no interface in it, no route target,
        // endpoint or share naming it).
        let unnamed_subnet = || unnumbered && alone && subnet_referrers().is_empty();
        let subnet = match object {
            Object::Subnet(_) if alone => {
                let was = (!inserted).then(|| me.clone());
                SubnetChange::of(self, d, idx, object, was, subnet_referrers(), inserted)
            }
            _ => None,
        };
        self.regroup(d, idx, |cx, g, before, before_keyed| {
            let keep = || (before.clone(), before_keyed.clone());
            if !has(g.kinds, kind) || (unnumbered && g.subnets_through_interfaces) {
                return keep();
            }
            if let Some(subnet) = subnet.as_ref().filter(|_| g.per_vpc) {
                return subnet.regroup(cx, g, before, before_keyed);
            }
            match (g.structural, instance) {
                (Structural::Names, _) => {
                    if names_stay_unique(idx, object, inserted) {
                        keep()
                    } else {
                        run_group(cx, g)
                    }
                }
                (Structural::References, _) if alone => {
                    (references_after(cx, before, object, &me, inserted), Keyed::new())
                }
                (Structural::RouteTargets, Some(_)) if !d.routes_to_instance_named(&names_of(object)) => keep(),
                (Structural::RouteTargets, None) if unnamed_subnet() => match object {
                    Object::Subnet(s) => (routes_around_subnet(cx, before, s), Keyed::new()),
                    _ => run_group(cx, g),
                },
                (Structural::ElasticIps, Some(i)) if i.elastic_ip.is_none() => keep(),
                (Structural::VpnConnections, Some(i)) if alone && !terminates_vpn(d, i) => keep(),
                (Structural::Workloads, Some(i)) if !workloads_change(idx, i, inserted) => keep(),
                (Structural::Rerun, Some(i)) if alone => match &g.run {
                    Run::Keyed { around_instance, .. } => {
                        let mut fresh = Keyed::new();
                        let touched = around_instance(cx, i, inserted, &mut fresh);
                        rekeyed(before_keyed, &touched, fresh)
                    }
                    Run::Plain(_) => run_group(cx, g),
                },
                _ => run_group(cx, g),
            }
        })
    }
}

impl Findings {
    /// The findings after the object now `object` was renamed from `from`,
    /// every reference to it renamed with it (`referrers` are the kinds of
    /// the objects holding those references; `resolves` whether one of them
    /// named the new name already; `d` and `idx` are the design after the
    /// edit). The groups that read none of those kinds keep their findings;
    /// an instance that nothing else names is followed as a removal of its
    /// old name and an insertion of its new one. Equal to [`Findings::full`].
    pub fn after_rename(
        &self,
        d: &Design,
        idx: &DesignIndex,
        object: &Object,
        from: &str,
        referrers: KindSet,
        resolves: bool,
    ) -> Findings {
        let kind = object.kind();
        let me = ObjectRef::new(kind, object.name());
        // Findings about the object are told apart from a namesake's only
        // when its new name stands for it alone and its old one for nothing.
        let alone = idx.lookup(object.name()) == std::slice::from_ref(&me) && idx.lookup(from).is_empty();
        if self.groups.len() != GROUPS.len() || !alone {
            return Findings::full(d, idx);
        }
        let touched = referrers.bits() | kinds(&[kind]);
        // An instance only its own interfaces name: its old name goes, its new one comes.
        let instance = match object {
            Object::Instance(i) if touched == kinds(&[K::Instance]) => Some(i),
            _ => None,
        };
        let unnumbered = is_subnet_no_interface_names(idx, object);
        // A subnet whose new name a reference held already is placed where
        // that reference's object looks: followed whole.
        let subnet = (!resolves)
            .then(|| SubnetChange::of(self, d, idx, object, Some(ObjectRef::new(kind, from)), referrers, true))
            .flatten();
        self.regroup(d, idx, |cx, g, before, before_keyed| {
            let keep = || (before.clone(), before_keyed.clone());
            // A subnet renamed with the instances and NAT gateways naming it
            // changed only their `subnet`: a group that reads no subnet is
            // blind to it.
            let blind = subnet.is_some() && !has(g.kinds, K::Subnet);
            if g.kinds & touched == 0 || blind || (unnumbered && g.subnets_through_interfaces) {
                return keep();
            }
            if let Some(subnet) = subnet.as_ref().filter(|_| g.per_vpc) {
                return subnet.regroup(cx, g, before, before_keyed);
            }
            match (g.structural, instance) {
                (Structural::Names, _) if names_stay_unique(idx, object, true) => keep(),
                (Structural::References, _) => {
                    let old = ObjectRef::new(kind, from);
                    let kept: Vec<Diagnostic> = before
                        .iter()
                        .filter(|x| x.object.as_ref() != Some(&old))
                        .cloned()
                        .collect();
                    (references_after(cx, &kept, object, &me, true), Keyed::new())
                }
                (Structural::RouteTargets, Some(_)) if !d.routes_to_instance_named(&names_of(object)) => keep(),
                // The route checks find a subnet by name only to learn its VPC
                // and CIDR (through the instances and NAT gateways it holds,
                // which followed it) and name no subnet in their findings; the
                // transit-gateway checks read a subnet as an attachment's (which
                // would name it) or by its AZ.
                (Structural::RouteTargets | Structural::Workloads, None) if subnet.is_some() => keep(),
                (Structural::RouteTargets, None) if unnumbered && referrers.is_empty() => match object {
                    Object::Subnet(s) => (routes_around_subnet(cx, before, s), Keyed::new()),
                    _ => run_group(cx, g),
                },
                (Structural::ElasticIps, Some(i)) if i.elastic_ip.is_none() => keep(),
                (Structural::VpnConnections, Some(i)) if !terminates_vpn(d, i) => keep(),
                // Which subnets hold an instance stays as it was.
                (Structural::Workloads, Some(_)) => keep(),
                (Structural::Rerun, Some(i)) => match &g.run {
                    Run::Keyed { around_instance, .. } => {
                        let mut was = i.clone();
                        was.name = from.to_string();
                        let (mut gone, mut came) = (Keyed::new(), Keyed::new());
                        let mut touched = around_instance(cx, &was, false, &mut gone);
                        touched.extend(around_instance(cx, i, true, &mut came));
                        // A key both touch was derived twice from the same design.
                        gone.extend(came);
                        rekeyed(before_keyed, &touched, gone)
                    }
                    Run::Plain(_) => run_group(cx, g),
                },
                _ => run_group(cx, g),
            }
        })
    }
}

/// The kinds whose objects are in one VPC ([`home_vpc`]).
const HOMED: [ObjectKind; 13] = [
    K::Vpc,
    K::Subnet,
    K::RouteTable,
    K::NetworkAcl,
    K::SecurityGroup,
    K::Endpoint,
    K::Firewall,
    K::InternetGateway,
    K::VpnGateway,
    K::EgressOnlyGateway,
    K::NatGateway,
    K::Instance,
    K::LoadBalancer,
];

/// The VPC an object is in, by its own fields (a subnet's, a route table's,
/// a security group's VPC; an instance's or NAT gateway's through its
/// subnet; an internet or virtual private gateway's attachment; a load
/// balancer's through its first subnet); `None` for what is in no one VPC
/// (peerings, transit gateways, Elastic IPs, on-premises parts, …) or does
/// not resolve.
fn home_vpc<'d>(d: &'d Design, idx: &DesignIndex, r: &ObjectRef) -> Option<&'d str> {
    let n = r.name.as_str();
    let of_subnet = |s: &str| idx.subnet(d, s).map(|s| s.vpc.as_str());
    match r.kind {
        K::Vpc => idx.vpc(d, n).map(|v| v.name.as_str()),
        K::Subnet => of_subnet(n),
        K::RouteTable => idx.route_table(d, n).map(|t| t.vpc.as_str()),
        K::NetworkAcl => idx.network_acl(d, n).map(|a| a.vpc.as_str()),
        K::SecurityGroup => idx.security_group(d, n).map(|g| g.vpc.as_str()),
        K::Endpoint => idx.endpoint(d, n).map(|e| e.vpc.as_str()),
        K::Firewall => idx.firewall(d, n).map(|f| f.vpc.as_str()),
        K::InternetGateway => idx.internet_gateway(d, n).and_then(|g| g.vpc.as_deref()),
        K::VpnGateway => idx.vpn_gateway(d, n).and_then(|g| g.vpc.as_deref()),
        K::EgressOnlyGateway => d
            .egress_only_gateways
            .iter()
            .find(|g| g.name == n)
            .map(|g| g.vpc.as_str()),
        K::NatGateway => idx
            .nat_gateway(d, n)
            .and_then(|g| g.subnet.as_deref().map_or(g.vpc.as_deref(), of_subnet)),
        K::Instance => idx.instance(d, n).and_then(|i| of_subnet(&i.subnet)),
        K::LoadBalancer => idx
            .load_balancer(d, n)
            .and_then(|lb| lb.subnets.first())
            .and_then(|s| of_subnet(s)),
        _ => None,
    }
}

/// The part of a design that a subnet coming, going or renamed in one VPC
/// can reach, for the groups that read subnets per VPC ([`Group::per_vpc`]):
/// the VPC and every object in it ([`home_vpc`]), what those objects name
/// elsewhere (a security group or route table of another VPC, a peer VPC),
/// and every object in no one VPC (peerings only when they join this one).
/// Such a group's findings about the VPC's objects are the same on the
/// slice as on the whole design; the slice is a few hundred objects where
/// the design can hold a hundred thousand.
struct VpcSlice {
    design: Design,
    index: DesignIndex,
}

impl VpcSlice {
    fn of(d: &Design, idx: &DesignIndex, vpc: &str) -> VpcSlice {
        let subnets: context::FxHashSet<&str> = d
            .subnets
            .iter()
            .filter(|s| s.vpc == vpc)
            .map(|s| s.name.as_str())
            .collect();
        // In the VPC, or in none (a subnet that does not resolve).
        let by_subnet = |s: &str| subnets.contains(s) || idx.subnet(d, s).is_none();
        // Load balancers, endpoints and firewalls of any VPC with a node in
        // this one (their interfaces number its subnets).
        let placed: context::FxHashSet<(ObjectKind, &str)> = subnets
            .iter()
            .flat_map(|s| idx.enis_in_subnet(s))
            .filter(|e| e.owner.subnet().is_some())
            .map(|e| (e.owner.kind(), e.owner.name()))
            .collect();
        let placed_here = |k: ObjectKind, n: &str| placed.contains(&(k, n));
        fn only<T: Clone>(list: &[T], keep: impl Fn(&T) -> bool) -> Vec<T> {
            list.iter().filter(|o| keep(o)).cloned().collect()
        }
        let here = |v: &String| v == vpc;
        let mut design = Design {
            format: d.format,
            region: d.region.clone(),
            azs: d.azs.clone(),
            quotas: d.quotas,
            accounts: d.accounts.clone(),
            vpcs: only(&d.vpcs, |v| here(&v.name)),
            subnets: only(&d.subnets, |s| here(&s.vpc)),
            route_tables: only(&d.route_tables, |t| here(&t.vpc)),
            internet_gateways: only(&d.internet_gateways, |g| g.vpc.as_ref().is_none_or(here)),
            egress_only_gateways: only(&d.egress_only_gateways, |g| here(&g.vpc)),
            nat_gateways: only(&d.nat_gateways, |g| match (&g.subnet, &g.vpc) {
                (Some(s), _) => by_subnet(s),
                (None, v) => v.as_ref().is_none_or(here),
            }),
            elastic_ips: d.elastic_ips.clone(),
            security_groups: only(&d.security_groups, |g| here(&g.vpc)),
            network_acls: only(&d.network_acls, |a| here(&a.vpc)),
            // Those with an interface in the VPC, found through its subnets'
            // interfaces, in the design's order. An instance with no subnet
            // that resolves has no interface, so nothing of the VPC reads it.
            instances: {
                let mut at: Vec<usize> = subnets
                    .iter()
                    .flat_map(|s| idx.enis_in_subnet(s))
                    .filter(|e| e.owner.kind() == K::Instance)
                    .filter_map(|e| idx.position(K::Instance, e.owner.name()))
                    .collect();
                at.sort_unstable();
                at.dedup();
                at.into_iter().map(|i| d.instances[i].clone()).collect()
            },
            load_balancers: only(&d.load_balancers, |lb| {
                lb.subnets.first().is_none_or(|s| by_subnet(s)) || placed_here(K::LoadBalancer, &lb.name)
            }),
            peerings: only(&d.peerings, |p| here(&p.requester) || here(&p.accepter)),
            endpoints: only(&d.endpoints, |e| here(&e.vpc) || placed_here(K::Endpoint, &e.name)),
            endpoint_services: d.endpoint_services.clone(),
            prefix_lists: d.prefix_lists.clone(),
            vpn_gateways: only(&d.vpn_gateways, |g| g.vpc.as_ref().is_none_or(here)),
            customer_gateways: d.customer_gateways.clone(),
            vpn_connections: d.vpn_connections.clone(),
            dx_gateways: d.dx_gateways.clone(),
            dx_connections: d.dx_connections.clone(),
            onprem_networks: d.onprem_networks.clone(),
            transit_gateways: d.transit_gateways.clone(),
            firewalls: only(&d.firewalls, |f| here(&f.vpc) || placed_here(K::Firewall, &f.name)),
            flow_logs: d.flow_logs.clone(),
            ..Design::default()
        };
        // The subnets and route tables of other VPCs that name the VPC's
        // objects (a table or ACL, a route's target): whether those are used
        // reads them.
        let names: context::FxHashSet<&str> = design
            .subnets
            .iter()
            .map(|s| s.name.as_str())
            .chain(design.route_tables.iter().map(|t| t.name.as_str()))
            .chain(design.network_acls.iter().map(|a| a.name.as_str()))
            .chain(design.nat_gateways.iter().map(|g| g.name.as_str()))
            .chain(design.instances.iter().flat_map(|i| {
                std::iter::once(i.name.as_str()).chain(i.secondary_interfaces.iter().map(|e| e.name.as_str()))
            }))
            .chain(design.endpoints.iter().map(|e| e.name.as_str()))
            .chain(design.firewalls.iter().map(|f| f.name.as_str()))
            .collect();
        let names_here = |n: Option<&String>| n.is_some_and(|n| names.contains(n.as_str()));
        let subnets_naming: Vec<Subnet> = only(&d.subnets, |s| {
            !here(&s.vpc) && (names_here(s.route_table.as_ref()) || names_here(s.network_acl.as_ref()))
        });
        let tables_naming: Vec<RouteTable> = only(&d.route_tables, |t| {
            !here(&t.vpc)
                && t.routes
                    .iter()
                    .any(|r| r.target.object_name().is_some_and(|n| names.contains(n)))
        });
        drop(names);
        design.subnets.extend(subnets_naming);
        design.route_tables.extend(tables_naming);
        // What the VPC's objects name in other VPCs (instances aside: a
        // route to one reads only its subnet, a load balancer's targets
        // only their names). Not what objects in no one VPC name: a transit
        // gateway's attachments name subnets of every VPC it joins.
        let mut named: Vec<ObjectRef> = Vec::new();
        design.for_each_reference(|from, _, _, name| {
            if !KindSet::of(&HOMED).contains(from.kind) {
                return;
            }
            named.extend(
                idx.lookup(name)
                    .iter()
                    .filter(|r| r.kind != K::Instance && home_vpc(d, idx, r).is_some_and(|h| h != vpc))
                    .cloned(),
            );
        });
        named.sort();
        named.dedup();
        named.retain(|r| design.position(r.kind, &r.name).is_none());
        for r in &named {
            let o = match r.kind {
                K::Vpc => idx.vpc(d, &r.name).cloned().map(Object::Vpc),
                K::Subnet => idx.subnet(d, &r.name).cloned().map(Object::Subnet),
                K::RouteTable => idx.route_table(d, &r.name).cloned().map(Object::RouteTable),
                K::NetworkAcl => idx.network_acl(d, &r.name).cloned().map(Object::NetworkAcl),
                K::SecurityGroup => idx.security_group(d, &r.name).cloned().map(Object::SecurityGroup),
                _ => d.get(r),
            };
            if let Some(o) = o {
                design.insert_at(usize::MAX, o);
            }
        }
        let index = DesignIndex::new(&design);
        VpcSlice { design, index }
    }
}

/// A subnet change the groups that read subnets per VPC follow on the
/// subnet's [`VpcSlice`]: the subnet's VPC, and its name before the change
/// (gone after a removal or rename), whose findings are the VPC's too.
struct SubnetChange<'a> {
    vpc: &'a str,
    was: Option<ObjectRef>,
    slice: std::cell::OnceCell<VpcSlice>,
}

impl<'a> SubnetChange<'a> {
    /// `object` came, went or was renamed from `was`, every reference
    /// following it; `referrers` are the kinds naming it now (after a
    /// removal, those that named it: none may, or their objects would leave
    /// the VPC). Followed per VPC when its VPC exists, no account share
    /// names it and no name in the design is held twice (findings are told
    /// apart by kind and name).
    fn of(
        findings: &Findings,
        d: &'a Design,
        idx: &DesignIndex,
        object: &'a Object,
        was: Option<ObjectRef>,
        referrers: KindSet,
        inserted: bool,
    ) -> Option<SubnetChange<'a>> {
        let Object::Subnet(s) = object else { return None };
        let followed = if inserted {
            KindSet::of(&[K::Instance, K::NatGateway])
        } else {
            KindSet::default()
        };
        // A share naming it is no object: its findings are the design's.
        let shared = d
            .accounts
            .shares
            .iter()
            .flat_map(|x| &x.subnets)
            .any(|n| *n == s.name || was.as_ref().is_some_and(|w| w.name == *n));
        let ok = !shared
            && idx.vpc(d, &s.vpc).is_some()
            && referrers.bits() & !followed.bits() == 0
            && idx.lookup(&s.name).len() == usize::from(inserted)
            && !findings.all.iter().any(|x| x.code == "duplicate-name");
        ok.then(|| SubnetChange {
            vpc: s.vpc.as_str(),
            was,
            slice: std::cell::OnceCell::new(),
        })
    }

    /// Whether a finding is about an object of the VPC.
    fn here(&self, d: &Design, idx: &DesignIndex, x: &Diagnostic) -> bool {
        x.object
            .as_ref()
            .is_some_and(|r| self.was.as_ref() == Some(r) || home_vpc(d, idx, r) == Some(self.vpc))
    }

    /// Group `g`'s findings now: those about objects elsewhere kept, those
    /// about the VPC's objects derived again on the slice.
    fn regroup(
        &self,
        cx: &ValidationPass<'_>,
        g: &Group,
        before: &[Diagnostic],
        before_keyed: &Keyed,
    ) -> (Vec<Diagnostic>, Keyed) {
        let slice = self.slice.get_or_init(|| VpcSlice::of(cx.d, cx.idx, self.vpc));
        let quotas = cx.d.quotas.unwrap_or_default();
        let sliced = ValidationPass::new(&slice.design, &slice.index, &quotas);
        let (fresh, fresh_keyed) = run_group(&sliced, g);
        let here = |x: &Diagnostic| self.here(cx.d, cx.idx, x);
        if let Run::Keyed { .. } = g.run {
            let mut now = Keyed::new();
            for (k, v) in before_keyed {
                let kept: Vec<Diagnostic> = v.iter().filter(|x| !here(x)).cloned().collect();
                if !kept.is_empty() {
                    now.insert(k.clone(), kept);
                }
            }
            for (k, v) in fresh_keyed {
                let mut found: Vec<Diagnostic> = v.into_iter().filter(|x| here(x)).collect();
                if !found.is_empty() {
                    let list = now.entry(k).or_default();
                    list.append(&mut found);
                    canonical(list);
                }
            }
            (flatten(&now), now)
        } else {
            let mut now: Vec<Diagnostic> = before.iter().filter(|x| !here(x)).cloned().collect();
            now.extend(fresh.into_iter().filter(|x| here(x)));
            canonical(&mut now);
            (now, Keyed::new())
        }
    }
}

/// A keyed group's findings with the `touched` keys derived again
/// (`fresh`, the touched keys' findings now), and the group's list.
fn rekeyed(before: &Keyed, touched: &[String], fresh: Keyed) -> (Vec<Diagnostic>, Keyed) {
    debug_assert!(fresh.keys().all(|k| touched.contains(k)));
    let mut now = before.clone();
    for k in touched {
        now.remove(k);
    }
    for (k, mut v) in fresh {
        if !v.is_empty() {
            canonical(&mut v);
            now.insert(k, v);
        }
    }
    (flatten(&now), now)
}

/// The route findings after subnet `s`, which nothing names, came, went or
/// was renamed:
/// it can change only the tables of its VPC (a route to a middlebox must
/// equal one of the VPC's subnets) and the table it is associated with
/// (whether a table is used); those are checked again, every other table's
/// findings kept.
fn routes_around_subnet(cx: &ValidationPass<'_>, before: &[Diagnostic], s: &crate::model::Subnet) -> Vec<Diagnostic> {
    let tables: HashSet<&str> =
        cx.d.route_tables
            .iter()
            .filter(|t| t.vpc == s.vpc || s.route_table.as_deref() == Some(t.name.as_str()))
            .map(|t| t.name.as_str())
            .collect();
    let mut kept: Vec<Diagnostic> = before
        .iter()
        .filter(|x| {
            !x.object
                .as_ref()
                .is_some_and(|r| r.kind == K::RouteTable && tables.contains(r.name.as_str()))
        })
        .cloned()
        .collect();
    kept.extend(cx.run_with(|cx| routing::routes_of(cx, |t| tables.contains(t.name.as_str()))));
    canonical(&mut kept);
    kept
}

/// Whether `object` is a subnet that no interface names (as its subnet, or
/// as where its owner placed it), in the index after the change: none was
/// numbered in it, is now, or was and is left without one.
fn is_subnet_no_interface_names(idx: &DesignIndex, object: &Object) -> bool {
    let Object::Subnet(s) = object else {
        return false;
    };
    !idx.interface_names_subnet(&s.name)
}

/// Whether every name `object` brings (or took away) is held by nothing
/// else: then no duplicate-name finding changes. After an insertion each of
/// its names is held once (by it); after a removal by nothing.
fn names_stay_unique(idx: &DesignIndex, object: &Object, inserted: bool) -> bool {
    let mut names = names_of(object);
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    names.len() == count && names.iter().all(|n| idx.lookup(n).len() == usize::from(inserted))
}

/// Whether an instance can terminate VPN connections: it holds an Elastic
/// IP (a customer gateway's address may be it) or a connection names it.
fn terminates_vpn(d: &Design, i: &Instance) -> bool {
    i.elastic_ip.is_some()
        || d.vpn_connections
            .iter()
            .any(|c| matches!(&c.termination, crate::model::VpnTermination::Instance(n) if *n == i.name))
}

/// Whether the instance's subnet went from holding no instance to holding
/// one, or back (its secondary interfaces are not instances' own).
fn workloads_change(idx: &DesignIndex, i: &Instance, inserted: bool) -> bool {
    let held = idx
        .enis_in_subnet(&i.subnet)
        .filter(|e| matches!(e.owner, crate::model::index::EniOwner::Instance(_)))
        .take(2)
        .count();
    held == usize::from(inserted)
}

/// The dangling-reference findings after `object` (named by `me`, which
/// stands for it alone) came or went: its own references are checked (when
/// inserted) or dropped (when removed), and those of the objects that name
/// one of its names re-checked (no other reference can resolve or dangle
/// anew). An insertion only makes names resolve, so when none of the kinds
/// that can refer to it had a dangling reference, none has one now.
fn references_after(
    cx: &ValidationPass<'_>,
    before: &[Diagnostic],
    object: &Object,
    me: &ObjectRef,
    inserted: bool,
) -> Vec<Diagnostic> {
    let referring = referrers(me.kind);
    let from_referrer = |x: &Diagnostic| x.object.as_ref().is_some_and(|r| has(referring, r.kind));
    let recheck = referring != 0 && (!inserted || before.iter().any(from_referrer));
    let mut naming: HashSet<(ObjectKind, &str)> = HashSet::new();
    if recheck {
        let names = names_of(object);
        cx.d.for_each_reference(|from, _, _, name| {
            if has(referring, from.kind) && names.contains(&name.as_str()) {
                naming.insert((from.kind, from.name));
            }
        });
    }
    let rechecked = |x: &Diagnostic| {
        x.object
            .as_ref()
            .is_some_and(|r| naming.contains(&(r.kind, r.name.as_str())))
    };
    let mut kept: Vec<Diagnostic> = before
        .iter()
        .filter(|x| x.object.as_ref() != Some(me) && !rechecked(x))
        .cloned()
        .collect();
    let mut from = if naming.is_empty() {
        Design::default()
    } else {
        cx.d.only_objects(|k, n| naming.contains(&(k, n)))
    };
    if inserted && !naming.contains(&(me.kind, me.name.as_str())) {
        from.put(object.clone());
    }
    kept.extend(cx.run_with(|cx| integrity::references_in(cx, &from)));
    canonical(&mut kept);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RefTarget;

    /// The kinds whose objects a reference of `target` can name.
    fn named_kinds(target: RefTarget) -> Vec<ObjectKind> {
        match target {
            RefTarget::Object(k) => vec![k],
            RefTarget::InstanceOrInterface => vec![K::Instance],
            RefTarget::PrefixList => vec![K::PrefixList],
            RefTarget::TgwRouteTable | RefTarget::TgwAttachment => vec![K::TransitGateway],
        }
    }

    /// The referrer table covers every reference the dangling-reference rule
    /// checks, in designs of every shape the generator and the templates make.
    #[test]
    fn referrers_cover_every_checked_reference() {
        let mut designs: Vec<Design> = (0..40u64)
            .map(|seed| crate::model::index::tests::messy_design(seed, &[2, 6, 7, 8, 9, 12, 16, 17, 18, 19]))
            .collect();
        designs.extend(crate::create::templates::TEMPLATES.iter().map(|t| t.design()));
        for d in &designs {
            d.for_each_reference(|from, field, target, _| {
                if field == "routes.target"
                    || (field == "rules.peer" && target == RefTarget::Object(ObjectKind::SecurityGroup))
                {
                    return;
                }
                for k in named_kinds(target) {
                    assert!(
                        has(referrers(k), from.kind),
                        "{:?} refers to {k:?} through `{field}`",
                        from.kind
                    );
                }
            });
        }
    }

    fn full(d: &Design) -> Findings {
        Findings::full(d, &DesignIndex::new(d))
    }

    /// The groups (by position in [`GROUPS`]) whose findings differ, with
    /// the findings only one side has: what a failed comparison prints.
    fn differences(followed: &Findings, full: &Findings) -> String {
        let mut out = String::new();
        for (i, (a, b)) in followed.groups.iter().zip(&full.groups).enumerate() {
            let only = |x: &[Diagnostic], y: &[Diagnostic]| -> Vec<String> {
                x.iter()
                    .filter(|d| !y.contains(d))
                    .map(|d| format!("{} {}", d.code, d.path))
                    .collect()
            };
            if a != b || followed.keyed[i] != full.keyed[i] {
                let keys = |x: &Keyed, y: &Keyed| -> Vec<String> {
                    x.iter()
                        .filter(|(k, v)| y.get(*k) != Some(v))
                        .map(|(k, _)| k.clone())
                        .collect()
                };
                out.push_str(&format!(
                    "\n group {i}: followed only {:?}; full only {:?}; keys differing {:?} / {:?}",
                    only(a, b),
                    only(b, a),
                    keys(&followed.keyed[i], &full.keyed[i]),
                    keys(&full.keyed[i], &followed.keyed[i])
                ));
            }
        }
        out
    }

    /// Removing each object of a design, putting it back where it was, and
    /// adding a copy of it under a new name (same addresses, groups and
    /// parts: colliding addresses and part names) each give the findings a
    /// full validation gives, group by group.
    fn check_every_structural_edit(d: &Design) {
        let before = full(d);
        assert_eq!(before.all(), super::super::validate(d).as_slice());
        for r in d.object_refs() {
            let mut without = d.clone();
            let (at, object) = without.remove(&r).expect("listed");
            let idx = DesignIndex::new(&without);
            let removed = before.after_remove(&without, &idx, &object);
            let fresh = Findings::full(&without, &idx);
            assert!(removed == fresh, "removing {r}{}", differences(&removed, &fresh));
            let mut back = without.clone();
            back.insert_at(at, object.clone());
            let idx = DesignIndex::new(&back);
            let restored = removed.after_insert(&back, &idx, &object);
            let fresh = Findings::full(&back, &idx);
            assert!(restored == fresh, "putting {r} back{}", differences(&restored, &fresh));
            let mut copy = object.clone();
            copy.set_name(format!("{}-copy", r.name));
            let mut with = d.clone();
            with.put(copy.clone());
            let idx = DesignIndex::new(&with);
            let added = before.after_insert(&with, &idx, &copy);
            let fresh = Findings::full(&with, &idx);
            assert!(added == fresh, "adding a copy of {r}{}", differences(&added, &fresh));
            for to in crate::model::index::tests::rename_targets(d, &r) {
                let Some((renamed, object, renaming)) = crate::model::index::tests::renamed(d, &r, &to) else {
                    continue;
                };
                let now = ObjectRef::new(r.kind, &to);
                let idx = DesignIndex::new(&renamed);
                let (referrers, resolves) = (renaming.referrers, renaming.resolves);
                // The second name is one a dangling reference holds.
                assert_eq!(resolves, to != format!("{}-renamed", r.name), "{r} renamed to {to}");
                assert_eq!(
                    referrers,
                    renamed.referrer_kinds(&now),
                    "referrers of {r} renamed to {to}"
                );
                let followed = before.after_rename(&renamed, &idx, &object, &r.name, referrers, resolves);
                let fresh = Findings::full(&renamed, &idx);
                assert!(
                    followed == fresh,
                    "renaming {r} to {to}{}",
                    differences(&followed, &fresh)
                );
            }
        }
    }

    /// A security group edited in place (rules only, or its VPC, owner or
    /// AWS name too — changes AWS may refuse, which the workspace decides from
    /// these very findings) gives the findings a full validation gives.
    /// A route table or network ACL moved to another VPC in place moves the
    /// per-VPC counts (here against quotas of one each, so that they find).
    #[test]
    fn tables_and_acls_moved_in_place_give_full_findings() {
        for seed in 0..12u64 {
            let mut d = crate::model::index::tests::messy_design(seed, &[5, 8, 9]);
            let mut quotas = d.quotas.unwrap_or_default();
            quotas.route_tables_per_vpc = 1;
            quotas.nacls_per_vpc = 1;
            d.quotas = Some(quotas);
            let before = full(&d);
            let other_vpc = d.vpcs.last().map(|v| v.name.clone()).unwrap_or_default();
            let edits = d
                .route_tables
                .iter()
                .map(|t| {
                    let mut moved = t.clone();
                    moved.vpc.clone_from(&other_vpc);
                    (Object::RouteTable(t.clone()), Object::RouteTable(moved))
                })
                .chain(d.network_acls.iter().map(|a| {
                    let mut moved = a.clone();
                    moved.vpc.clone_from(&other_vpc);
                    (Object::NetworkAcl(a.clone()), Object::NetworkAcl(moved))
                }));
            for (old, new) in edits {
                let mut after = d.clone();
                after.put(new.clone());
                let idx = DesignIndex::new(&after);
                let followed = before.after_in_place(&after, &idx, &old, &new);
                let fresh = Findings::full(&after, &idx);
                assert!(
                    followed == fresh,
                    "moving {} (seed {seed}){}",
                    old.name(),
                    differences(&followed, &fresh)
                );
            }
        }
    }

    #[test]
    fn security_group_edits_in_place_give_full_findings() {
        for seed in 0..12u64 {
            let d = crate::model::index::tests::messy_design(seed, &[5, 8, 9]);
            let before = full(&d);
            let other_vpc = d.vpcs.last().map(|v| v.name.clone()).unwrap_or_default();
            for (i, g) in d.security_groups.iter().enumerate() {
                let mut variants = Vec::new();
                let mut rules = g.clone();
                rules.inbound.push(crate::model::SgRule::new(
                    crate::model::Protocol::Tcp,
                    crate::model::PortRange::single(22),
                    crate::model::SgPeer::Cidr("0.0.0.0/0".parse().expect("literal")),
                ));
                variants.push(rules);
                let mut moved = g.clone();
                moved.vpc.clone_from(&other_vpc);
                variants.push(moved);
                let mut owned = g.clone();
                owned.owner = Some("222222222222".into());
                variants.push(owned);
                let mut named = g.clone();
                named.group_name = Some("web".into());
                variants.push(named);
                for new in variants {
                    let mut after = d.clone();
                    after.security_groups[i] = new.clone();
                    let idx = DesignIndex::new(&after);
                    let followed = before.after_in_place(
                        &after,
                        &idx,
                        &Object::SecurityGroup(g.clone()),
                        &Object::SecurityGroup(new),
                    );
                    assert!(
                        followed == Findings::full(&after, &idx),
                        "editing {} (seed {seed})",
                        g.name
                    );
                }
            }
        }
    }

    #[test]
    fn structural_edits_of_messy_designs_give_full_findings() {
        for seed in 0..12u64 {
            let tweaks: Vec<u8> = (0..8)
                .map(|n| (seed as u8).wrapping_mul(7).wrapping_add(n * 13))
                .collect();
            check_every_structural_edit(&crate::model::index::tests::messy_design(seed, &tweaks));
        }
    }

    #[test]
    fn structural_edits_of_the_templates_give_full_findings() {
        for t in crate::create::templates::TEMPLATES {
            check_every_structural_edit(&t.design());
        }
    }

    /// The templates with findings about their subnets (each auto-assigning
    /// public addresses or not the other way round, every other one in an
    /// AZ the design does not have, the last overlapping the first), so
    /// that the groups following a subnet per VPC have findings to follow.
    #[test]
    fn structural_edits_of_templates_with_subnet_findings_give_full_findings() {
        for t in crate::create::templates::TEMPLATES {
            let mut d = t.design();
            let first = d.subnets.first().map(|s| s.cidr);
            for (n, s) in d.subnets.iter_mut().enumerate() {
                s.map_public_ip = !s.map_public_ip;
                if n % 2 == 1 {
                    s.az = format!("{}z", d.region);
                }
            }
            if let (Some(last), Some(first)) = (d.subnets.last_mut(), first) {
                last.cidr = first;
            }
            check_every_structural_edit(&d);
        }
    }

    /// The templates with a stray instance whose subnet does not exist, in a
    /// security group of the last VPC and the target of a route of the first
    /// table: renaming a subnet to the stray's subnet makes it resolve (the
    /// instance lands in a VPC, its group may be another VPC's, the route's
    /// target is placed), which every group must follow.
    #[test]
    fn a_subnet_renamed_to_a_name_an_instance_already_holds_gives_full_findings() {
        for t in crate::create::templates::TEMPLATES {
            let mut d = t.design();
            let Some(mut stray) = crate::model::index::tests::stray_instance(&d) else {
                continue;
            };
            stray.security_groups = d.security_groups.last().map(|g| g.name.clone()).into_iter().collect();
            if let Some(t) = d.route_tables.first_mut() {
                t.routes.push(crate::model::Route::new(
                    crate::model::RouteDestination::Cidr("198.51.100.0/24".parse().expect("cidr")),
                    crate::model::RouteTarget::Instance("stray".into()),
                ));
            }
            d.instances.push(stray);
            check_every_structural_edit(&d);
        }
    }

    /// A VPC's slice holds every object in the VPC (by [`home_vpc`]), of
    /// every kind, each as it is in the design.
    #[test]
    fn a_vpc_slice_holds_every_object_of_its_vpc() {
        let messy = (0..12u64).map(|seed| {
            let tweaks: Vec<u8> = (0..8)
                .map(|n| (seed as u8).wrapping_mul(7).wrapping_add(n * 13))
                .collect();
            crate::model::index::tests::messy_design(seed, &tweaks)
        });
        let templates = crate::create::templates::TEMPLATES.iter().map(|t| t.design());
        let mut seen = KindSet::default();
        for d in messy.chain(templates) {
            let idx = DesignIndex::new(&d);
            for v in &d.vpcs {
                let slice = VpcSlice::of(&d, &idx, &v.name);
                for r in d.object_refs() {
                    if home_vpc(&d, &idx, &r) == Some(v.name.as_str()) {
                        seen.insert(r.kind);
                        assert_eq!(slice.design.get(&r), d.get(&r), "{r} in the slice of {}", v.name);
                    }
                }
            }
        }
        // Every kind that is in one VPC was seen in one.
        for k in HOMED {
            assert!(seen.contains(k), "no {k:?} in any VPC of the samples");
        }
    }

    /// Addresses are unique per VPC: a copy of an instance with a fixed
    /// address collides with it (`ip-in-use` names the first holder), and
    /// removing the first holder moves the finding to the next one.
    /// The sample with its first instance's address fixed (so that automatic
    /// numbering does not step around it) and `copies` copies of the
    /// instance (`NAME-1`, `NAME-2`, …) holding the same address; and that
    /// first instance.
    fn sample_with_address_held_again(copies: usize) -> (Design, Instance) {
        let mut d = crate::create::templates::sample::three_tier();
        let first = d.instances[0].clone();
        let ip = DesignIndex::new(&d)
            .eni(&crate::model::index::EniOwner::Instance(first.name.clone()))
            .expect("primary interface")
            .private_ip;
        d.instances[0].private_ip = Some(ip);
        for n in 1..=copies {
            let mut copy = first.clone();
            copy.name = format!("{}-{n}", first.name);
            copy.private_ip = Some(ip);
            d.instances.push(copy);
        }
        (d, first)
    }

    #[test]
    fn a_removed_first_holder_moves_ip_in_use_to_the_next_holder() {
        let (d, first) = sample_with_address_held_again(2);
        let before = full(&d);
        let in_use = |f: &Findings| -> Vec<String> {
            f.all()
                .iter()
                .filter(|x| x.code == "ip-in-use")
                .map(|x| x.path.clone())
                .collect()
        };
        assert_eq!(in_use(&before).len(), 2, "{:#?}", before.all());
        let mut without = d.clone();
        let (_, object) = without
            .remove(&ObjectRef::new(K::Instance, first.name.clone()))
            .expect("present");
        let idx = DesignIndex::new(&without);
        let after = before.after_remove(&without, &idx, &object);
        assert_eq!(after, Findings::full(&without, &idx));
        assert_eq!(in_use(&after), vec![format!("instance {}-2", first.name)]);
    }

    /// A subnet that interfaces name re-derives what is read through them
    /// (here two interfaces holding one fixed address) when it is removed,
    /// put back, and renamed.
    #[test]
    fn subnets_that_interfaces_name_re_derive_their_address_findings() {
        let (d, first) = sample_with_address_held_again(1);
        let before = full(&d);
        let in_use = |f: &Findings| f.all().iter().filter(|x| x.code == "ip-in-use").count();
        assert_eq!(in_use(&before), 1, "{:#?}", before.all());
        let subnet = ObjectRef::new(K::Subnet, first.subnet.clone());
        let mut without = d.clone();
        let (at, object) = without.remove(&subnet).expect("present");
        let idx = DesignIndex::new(&without);
        let removed = before.after_remove(&without, &idx, &object);
        assert_eq!(removed, Findings::full(&without, &idx));
        assert_eq!(in_use(&removed), 0);
        let mut back = without.clone();
        back.insert_at(at, object.clone());
        let idx = DesignIndex::new(&back);
        let restored = removed.after_insert(&back, &idx, &object);
        assert_eq!(restored, Findings::full(&back, &idx));
        assert_eq!(in_use(&restored), 1);
        let mut renamed = d.clone();
        let rename = crate::edit::Edit::Rename {
            target: subnet.clone(),
            to: "renamed".into(),
        };
        rename.apply(&mut renamed).expect("renamed");
        let now = ObjectRef::new(K::Subnet, "renamed");
        let object = renamed.get(&now).expect("renamed");
        let idx = DesignIndex::new(&renamed);
        let followed = before.after_rename(
            &renamed,
            &idx,
            &object,
            &subnet.name,
            renamed.referrer_kinds(&now),
            false,
        );
        assert_eq!(followed, Findings::full(&renamed, &idx));
    }

    /// A subnet that nothing names re-checks only its VPC's route tables and
    /// the one it is associated with: removing the only subnet of a custom
    /// table leaves that table unused, and putting it back uses it again.
    #[test]
    fn a_subnet_nothing_names_re_checks_its_tables() {
        let mut d = crate::create::templates::sample::three_tier();
        let base = d.subnets[0].clone();
        let mut table = d
            .route_tables
            .iter()
            .find(|t| t.vpc == base.vpc)
            .expect("a table in the subnet's VPC")
            .clone();
        table.name = "spare-rt".into();
        d.route_tables.push(table);
        let vpc = d.vpcs.iter().find(|v| v.name == base.vpc).expect("its VPC");
        let blocks: Vec<ipnet::Ipv4Net> = vpc.cidr.subnets(28).expect("a /28 fits").collect();
        let mut spare = base.clone();
        spare.name = "spare".into();
        spare.cidr = *blocks.last().expect("blocks");
        spare.route_table = Some("spare-rt".into());
        d.subnets.push(spare);
        let before = full(&d);
        let unused = |f: &Findings| {
            f.all()
                .iter()
                .any(|x| x.code == "route-table-unused" && x.path.contains("spare-rt"))
        };
        assert!(!unused(&before), "{:#?}", before.all());
        let mut without = d.clone();
        let (at, object) = without.remove(&ObjectRef::new(K::Subnet, "spare")).expect("present");
        let idx = DesignIndex::new(&without);
        let removed = before.after_remove(&without, &idx, &object);
        assert_eq!(removed, Findings::full(&without, &idx));
        assert!(unused(&removed));
        let mut back = without.clone();
        back.insert_at(at, object.clone());
        let idx = DesignIndex::new(&back);
        let restored = removed.after_insert(&back, &idx, &object);
        assert_eq!(restored, Findings::full(&back, &idx));
        assert!(!unused(&restored));
    }

    /// A new instance's name can be a duplicate (of an instance, or of another
    /// object's part), and an inserted object can resolve a reference that
    /// dangled: both re-run what they must.
    #[test]
    fn duplicate_names_and_resolved_references_follow_an_insertion() {
        let mut d = crate::create::templates::sample::three_tier();
        let subnet = d.subnets[0].clone();
        d.subnets.remove(0);
        let before = full(&d);
        assert!(before.all().iter().any(|x| x.code == "dangling-reference"));
        let idx = DesignIndex::new(&{
            let mut back = d.clone();
            back.insert_at(0, Object::Subnet(subnet.clone()));
            back
        });
        let mut back = d.clone();
        back.insert_at(0, Object::Subnet(subnet.clone()));
        assert_eq!(
            before.after_insert(&back, &idx, &Object::Subnet(subnet)),
            Findings::full(&back, &idx)
        );

        let d = crate::create::templates::sample::three_tier();
        let before = full(&d);
        let mut twin = d.instances[0].clone();
        twin.private_ip = None;
        let mut with = d.clone();
        with.instances.push(twin.clone());
        let idx = DesignIndex::new(&with);
        let after = before.after_insert(&with, &idx, &Object::Instance(twin));
        assert_eq!(after, Findings::full(&with, &idx));
        assert!(after.all().iter().any(|x| x.code == "duplicate-name"));
    }
}
