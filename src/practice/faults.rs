//! The fault catalogue behind generated troubleshooting exercises: each fault
//! kind breaks a healthy design the way real VPCs break, one component at a
//! time, and says (for the hints) what the lesson is and how the break is fixed.
//!
//! A fault lists every place it could be injected in a design ([`Injection`]);
//! the generator ([`super::generate`]) keeps the ones that break a flow the
//! healthy design carries, picks one by seed and derives the objectives with
//! the trace engine. Nothing here decides a verdict.

use crate::model::*;

/// One injected fault: the design before (`healthy`, the reference solution;
/// usually the input design, sometimes enriched, e.g. with the NACL deny the
/// fault then misorders) and after (`broken`, the student's start).
#[derive(Debug, Clone)]
pub struct Injection {
    pub healthy: Design,
    pub broken: Design,
    /// The concrete fix, for the last hint: "add 0.0.0.0/0 → igw-1 back to rt-public".
    pub fix: String,
    /// Flows the fault is about that the generic flow candidates may miss
    /// (e.g. the attacker address of a NACL deny), as (from, to, port).
    pub focus: Vec<(String, String, u16)>,
}

/// A kind of fault.
pub struct FaultKind {
    pub id: &'static str,
    /// The exam the fault is typical of (`SAA-C03`, `ANS-C01`).
    pub exam: &'static str,
    pub topic: &'static str,
    pub description: &'static str,
    /// The lesson, for the second hint.
    pub lesson: &'static str,
    inject: fn(&Design) -> Vec<Injection>,
}

impl FaultKind {
    /// Every place this fault could be injected into `d`.
    pub fn injections(&self, d: &Design) -> Vec<Injection> {
        (self.inject)(d)
    }
}

impl std::fmt::Debug for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultKind").field("id", &self.id).finish()
    }
}

/// The fault kinds, in the order `vpcd exercise --faults` lists them.
pub const FAULTS: &[FaultKind] = &[
    FaultKind {
        id: "igw-route-missing",
        exam: "SAA-C03",
        topic: "public-subnets",
        description: "a public subnet's route table lost its 0.0.0.0/0 route to the internet gateway",
        lesson: "A subnet is public only while its route table has a direct route to an internet gateway (VPC User Guide, subnet route tables).",
        inject: igw_route_missing,
    },
    FaultKind {
        id: "igw-detached",
        exam: "SAA-C03",
        topic: "public-subnets",
        description: "the internet gateway was detached from the VPC; routes to it are blackholes",
        lesson: "An internet gateway carries traffic only while attached to the VPC; routes to a detached one are blackholes (VPC User Guide, internet gateways).",
        inject: igw_detached,
    },
    FaultKind {
        id: "instance-no-public-ip",
        exam: "SAA-C03",
        topic: "public-subnets",
        description: "an instance in a public subnet lost its public IPv4 (Elastic IP disassociated)",
        lesson: "The internet gateway translates only for instances with a public IPv4 or Elastic IP; a route to the IGW is not enough (VPC User Guide, internet gateways).",
        inject: instance_no_public_ip,
    },
    FaultKind {
        id: "subnet-wrong-route-table",
        exam: "SAA-C03",
        topic: "routing",
        description: "a public subnet was associated with the VPC's main route table, which has no internet route",
        lesson: "A subnet without an explicit association uses the main route table; which table a subnet uses decides whether it is public (VPC User Guide, route tables).",
        inject: subnet_wrong_route_table,
    },
    FaultKind {
        id: "nat-in-private-subnet",
        exam: "SAA-C03",
        topic: "nat",
        description: "a zonal public NAT gateway was created in a private subnet, whose default route leads back to a NAT",
        lesson: "A zonal public NAT gateway forwards using its own subnet's route table, so it must sit in a public subnet (VPC User Guide, NAT gateways).",
        inject: nat_in_private_subnet,
    },
    FaultKind {
        id: "nat-route-missing",
        exam: "SAA-C03",
        topic: "nat",
        description: "a private subnet's route table lost its 0.0.0.0/0 route to the NAT gateway",
        lesson: "Private subnets reach the internet only through a default route to a NAT gateway (VPC User Guide, NAT gateway basics).",
        inject: nat_route_missing,
    },
    FaultKind {
        id: "nat-deleted-blackhole",
        exam: "SAA-C03",
        topic: "nat",
        description: "the NAT gateway was deleted; the route to it is now a blackhole",
        lesson: "Deleting a NAT gateway leaves routes that name it in the blackhole state; a recreated NAT gateway has a new id, so the routes must be pointed at it (VPC User Guide, NAT gateways).",
        inject: nat_deleted,
    },
    FaultKind {
        id: "more-specific-route",
        exam: "ANS-C01",
        topic: "routing",
        description: "a more specific route sends part of the internet to the IGW from a private subnet, shadowing the NAT default route",
        lesson: "The most specific matching route wins (longest prefix match); a narrower route can shadow the default route (VPC User Guide, route priority).",
        inject: more_specific_route,
    },
    FaultKind {
        id: "nacl-ephemeral-missing",
        exam: "SAA-C03",
        topic: "nacl",
        description: "a network ACL lost the rule that admits replies on the clients' ephemeral ports",
        lesson: "Network ACLs are stateless: replies need their own rule for the client's ephemeral ports (1024-65535; Linux 32768-61000) (VPC User Guide, network ACLs, ephemeral ports).",
        inject: nacl_ephemeral_missing,
    },
    FaultKind {
        id: "nacl-service-rule-missing",
        exam: "SAA-C03",
        topic: "nacl",
        description: "a network ACL lost the inbound rule for a service port",
        lesson: "A custom network ACL denies everything its numbered rules do not allow (the final * rule) (VPC User Guide, network ACLs).",
        inject: nacl_service_rule_missing,
    },
    FaultKind {
        id: "sg-rule-missing",
        exam: "SAA-C03",
        topic: "security-groups",
        description: "a security group lost the inbound rule a tier depends on",
        lesson: "Security groups deny by default: only inbound rules admit new connections (VPC User Guide, security group rules).",
        inject: sg_rule_missing,
    },
    FaultKind {
        id: "sg-wrong-reference",
        exam: "SAA-C03",
        topic: "security-groups",
        description: "a security-group rule references the wrong source group",
        lesson: "A rule whose source is a security group admits exactly that group's members, nothing else (VPC User Guide, security group references).",
        inject: sg_wrong_reference,
    },
    FaultKind {
        id: "sg-outbound-missing",
        exam: "SAA-C03",
        topic: "security-groups",
        description: "a security group lost its outbound rules, so its members cannot start connections",
        lesson: "Security groups are stateful for replies, but new outbound connections need an outbound rule (VPC User Guide, security group rules).",
        inject: sg_outbound_missing,
    },
    FaultKind {
        id: "peering-route-missing",
        exam: "SAA-C03",
        topic: "peering",
        description: "one side of a VPC peering connection lost its route to the other VPC",
        lesson: "A peering connection carries traffic only where both VPCs' route tables point the other's CIDR at it; replies need the return route (VPC Peering Guide, routing).",
        inject: peering_route_missing,
    },
    FaultKind {
        id: "transitive-peering",
        exam: "SAA-C03",
        topic: "peering",
        description: "a direct peering was replaced by routes through a third VPC, expecting peering to be transitive",
        lesson: "VPC peering is not transitive: traffic never crosses a third VPC; connect the two VPCs directly or through a transit gateway (VPC Peering Guide, unsupported configurations).",
        inject: transitive_peering,
    },
    FaultKind {
        id: "tgw-association-missing",
        exam: "ANS-C01",
        topic: "transit-gateway",
        description: "a transit gateway attachment is associated with no TGW route table",
        lesson: "A transit gateway looks a packet up in the route table its ingress attachment is associated with; without an association it is dropped (TGW guide, route tables).",
        inject: tgw_association_missing,
    },
    FaultKind {
        id: "tgw-propagation-missing",
        exam: "ANS-C01",
        topic: "transit-gateway",
        description: "a transit gateway attachment no longer propagates its CIDR into a TGW route table",
        lesson: "Propagation decides which TGW route tables learn an attachment's CIDRs; a missing propagation leaves other attachments without a route back (TGW guide, route propagation).",
        inject: tgw_propagation_missing,
    },
    FaultKind {
        id: "vpc-route-to-tgw-missing",
        exam: "ANS-C01",
        topic: "transit-gateway",
        description: "a VPC route table lost its route to the transit gateway",
        lesson: "Attaching a VPC to a transit gateway adds no VPC routes: each subnet's route table needs a route to the TGW (TGW guide, VPC attachments).",
        inject: vpc_route_to_tgw_missing,
    },
    FaultKind {
        id: "tgw-attachment-az-missing",
        exam: "ANS-C01",
        topic: "transit-gateway",
        description: "a transit gateway VPC attachment has no subnet in one of the AZs where workloads run",
        lesson: "A VPC attachment serves only the AZs it has a subnet in: add one subnet per AZ with workloads (TGW guide, VPC attachments, AZ considerations).",
        inject: tgw_attachment_az_missing,
    },
    FaultKind {
        id: "gateway-endpoint-not-associated",
        exam: "SAA-C03",
        topic: "endpoints",
        description: "a gateway endpoint is no longer associated with a private subnet's route table; S3 traffic falls back to the NAT",
        lesson: "A gateway endpoint works through route tables: only subnets whose table it is associated with send the service's prefix list to it (PrivateLink guide, gateway endpoints).",
        inject: gateway_endpoint_not_associated,
    },
    FaultKind {
        id: "interface-endpoint-sg",
        exam: "SAA-C03",
        topic: "endpoints",
        description: "an interface endpoint's security group no longer admits its clients",
        lesson: "An interface endpoint is an ENI per subnet with a security group, which must admit the clients on the service port (PrivateLink guide, interface endpoints).",
        inject: interface_endpoint_sg,
    },
    FaultKind {
        id: "endpoint-private-dns-attributes",
        exam: "ANS-C01",
        topic: "endpoints",
        description: "the VPC's DNS hostnames attribute was turned off, so endpoint private DNS stops answering",
        lesson: "Private DNS for interface endpoints needs the VPC's enableDnsSupport and enableDnsHostnames both on; otherwise service names resolve to public addresses (EC2 API, CreateVpcEndpoint PrivateDnsEnabled).",
        inject: endpoint_private_dns_attributes,
    },
    FaultKind {
        id: "vpn-propagation-off",
        exam: "SAA-C03",
        topic: "hybrid",
        description: "route propagation from the virtual private gateway was turned off on a route table",
        lesson: "Routes to on-premises networks learned by a virtual private gateway reach a route table only with route propagation on (or static routes) (Site-to-Site VPN guide, route tables).",
        inject: vpn_propagation_off,
    },
    FaultKind {
        id: "ipv6-default-route-missing",
        exam: "SAA-C03",
        topic: "ipv6",
        description: "a dual-stack route table lost its ::/0 route",
        lesson: "IPv4 and IPv6 are routed separately: IPv6 egress needs its own ::/0 route (VPC User Guide, IPv6 routing).",
        inject: ipv6_default_route_missing,
    },
    FaultKind {
        id: "eigw-replaced-by-igw",
        exam: "SAA-C03",
        topic: "ipv6",
        description: "a private subnet's ::/0 route points at the internet gateway instead of the egress-only internet gateway",
        lesson: "There is no IPv6-to-IPv6 NAT; an egress-only internet gateway lets IPv6 out and nothing in, while a route to the IGW exposes the subnet (VPC User Guide, egress-only internet gateways).",
        inject: eigw_replaced_by_igw,
    },
];

/// The fault kind with this id.
pub fn find(id: &str) -> Option<&'static FaultKind> {
    FAULTS.iter().find(|f| f.id == id)
}

/// The topics faults are grouped under, in catalogue order, without repeats.
pub fn topics() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in FAULTS {
        if !out.contains(&f.topic) {
            out.push(f.topic);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn injection(d: &Design, broken: Design, fix: String) -> Injection {
    Injection {
        healthy: d.clone(),
        broken,
        fix,
        focus: Vec::new(),
    }
}

/// For every route of every table matching `pick`, the design without that route.
fn without_routes(
    d: &Design,
    pick: impl Fn(&Route) -> bool,
    fix: impl Fn(&RouteTable, &Route) -> String,
) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, rt) in d.route_tables.iter().enumerate() {
        for (ri, r) in rt.routes.iter().enumerate() {
            if !pick(r) {
                continue;
            }
            let mut b = d.clone();
            b.route_tables[ti].routes.remove(ri);
            out.push(injection(d, b, fix(rt, r)));
        }
    }
    out
}

fn is_v4_default(r: &Route) -> bool {
    r.dest == RouteDestination::Cidr(any_v4())
}

fn is_v6_default(r: &Route) -> bool {
    r.dest == RouteDestination::Cidr(any_v6())
}

/// The route table a subnet uses (its own or its VPC's main table).
fn subnet_table<'d>(d: &'d Design, s: &Subnet) -> Option<&'d RouteTable> {
    let name = match &s.route_table {
        Some(t) => t.clone(),
        None => d.vpcs.iter().find(|v| v.name == s.vpc)?.main_route_table.clone(),
    };
    d.route_tables.iter().find(|t| t.name == name)
}

fn has_default_to(rt: &RouteTable, f: impl Fn(&RouteTarget) -> bool) -> bool {
    rt.routes.iter().any(|r| is_v4_default(r) && f(&r.target))
}

// ---------------------------------------------------------------------------
// Injections, one function per fault kind
// ---------------------------------------------------------------------------

fn igw_route_missing(d: &Design) -> Vec<Injection> {
    without_routes(
        d,
        |r| is_v4_default(r) && matches!(r.target, RouteTarget::InternetGateway(_)),
        |rt, r| format!("add {r} back to {}", rt.name),
    )
}

fn igw_detached(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (i, igw) in d.internet_gateways.iter().enumerate() {
        let Some(vpc) = &igw.vpc else { continue };
        let mut b = d.clone();
        b.internet_gateways[i].vpc = None;
        out.push(injection(d, b, format!("attach {} to {vpc} again", igw.name)));
    }
    out
}

fn instance_no_public_ip(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (i, inst) in d.instances.iter().enumerate() {
        let auto = inst.public_ip.unwrap_or_else(|| {
            d.subnets
                .iter()
                .find(|s| s.name == inst.subnet)
                .is_some_and(|s| s.map_public_ip)
        });
        if inst.elastic_ip.is_none() && !auto {
            continue;
        }
        let mut b = d.clone();
        b.instances[i].elastic_ip = None;
        b.instances[i].public_ip = Some(false);
        let what = match &inst.elastic_ip {
            Some(e) => format!("associate Elastic IP {e} with {} again", inst.name),
            None => format!("give {} a public IPv4 again", inst.name),
        };
        out.push(injection(d, b, what));
    }
    out
}

fn subnet_wrong_route_table(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (i, s) in d.subnets.iter().enumerate() {
        let Some(own) = &s.route_table else { continue };
        let Some(vpc) = d.vpcs.iter().find(|v| v.name == s.vpc) else {
            continue;
        };
        let Some(main) = d.route_tables.iter().find(|t| t.name == vpc.main_route_table) else {
            continue;
        };
        let public =
            subnet_table(d, s).is_some_and(|rt| has_default_to(rt, |t| matches!(t, RouteTarget::InternetGateway(_))));
        if !public || own == &main.name || has_default_to(main, |t| matches!(t, RouteTarget::InternetGateway(_))) {
            continue;
        }
        let mut b = d.clone();
        b.subnets[i].route_table = None;
        out.push(injection(
            d,
            b,
            format!(
                "associate {} with {own} again instead of the main table {}",
                s.name, main.name
            ),
        ));
    }
    out
}

fn nat_in_private_subnet(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    // Only a zonal NAT gateway has a subnet to be misplaced in.
    for (i, nat) in d.nat_gateways.iter().enumerate() {
        let Some(home) = nat
            .subnet
            .as_deref()
            .and_then(|n| d.subnets.iter().find(|s| s.name == n))
        else {
            continue;
        };
        // A private subnet of the same AZ whose default route goes to a NAT gateway.
        let target = d.subnets.iter().find(|s| {
            s.vpc == home.vpc
                && s.az == home.az
                && s.name != home.name
                && subnet_table(d, s).is_some_and(|rt| has_default_to(rt, |t| matches!(t, RouteTarget::NatGateway(_))))
        });
        let Some(target) = target else { continue };
        let mut b = d.clone();
        b.nat_gateways[i].subnet = Some(target.name.clone());
        b.nat_gateways[i].private_ip = None;
        out.push(injection(
            d,
            b,
            format!(
                "recreate {} in the public subnet {} (and point the private routes at the new NAT gateway)",
                nat.name, home.name
            ),
        ));
    }
    out
}

fn nat_route_missing(d: &Design) -> Vec<Injection> {
    without_routes(
        d,
        |r| is_v4_default(r) && matches!(r.target, RouteTarget::NatGateway(_)),
        |rt, r| format!("add {r} back to {}", rt.name),
    )
}

fn nat_deleted(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (i, nat) in d.nat_gateways.iter().enumerate() {
        let mut b = d.clone();
        b.nat_gateways.remove(i);
        let users: Vec<&str> = d
            .route_tables
            .iter()
            .filter(|t| {
                t.routes
                    .iter()
                    .any(|r| r.target == RouteTarget::NatGateway(nat.name.clone()))
            })
            .map(|t| t.name.as_str())
            .collect();
        out.push(injection(
            d,
            b,
            format!(
                "create {} again and make sure {} route 0.0.0.0/0 to it",
                match (&nat.subnet, &nat.vpc) {
                    (Some(s), _) => format!("a NAT gateway in {s} (with an Elastic IP)"),
                    (None, Some(v)) => format!("a regional NAT gateway in {v}"),
                    (None, None) => "the NAT gateway".to_string(),
                },
                if users.is_empty() {
                    "the private tables".to_string()
                } else {
                    users.join(", ")
                }
            ),
        ));
    }
    out
}

fn more_specific_route(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, rt) in d.route_tables.iter().enumerate() {
        if !has_default_to(rt, |t| matches!(t, RouteTarget::NatGateway(_))) {
            continue;
        }
        let Some(igw) = d
            .internet_gateways
            .iter()
            .find(|g| g.vpc.as_deref() == Some(rt.vpc.as_str()))
        else {
            continue;
        };
        // 198.51.100.0/24 holds the default internet host (analysis: `internet`).
        let dest: ipnet::IpNet = "198.51.100.0/24".parse().unwrap_or_else(|_| any_v4());
        let mut b = d.clone();
        b.route_tables[ti].routes.push(Route::new(
            RouteDestination::Cidr(dest),
            RouteTarget::InternetGateway(igw.name.clone()),
        ));
        out.push(injection(
            d,
            b,
            format!(
                "delete {dest} → {} from {}: it is more specific than 0.0.0.0/0 and sends that range to the IGW, which cannot translate private addresses",
                igw.name, rt.name
            ),
        ));
    }
    out
}

/// An allow rule for the replies' ephemeral ports (covers Linux 32768-61000).
fn is_ephemeral_allow(r: &NaclRule) -> bool {
    let p = r.effective_ports();
    r.action == RuleAction::Allow
        && r.proto.has_ports()
        && p.from >= 1024
        && p.from <= 32768
        && p.to >= 61000
        && !p.is_all()
}

fn nacl_ephemeral_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ai, acl) in d.network_acls.iter().enumerate() {
        for inbound in [true, false] {
            let rules = if inbound { &acl.inbound } else { &acl.outbound };
            for (ri, r) in rules.iter().enumerate().filter(|(_, r)| is_ephemeral_allow(r)) {
                let mut b = d.clone();
                let list = if inbound {
                    &mut b.network_acls[ai].inbound
                } else {
                    &mut b.network_acls[ai].outbound
                };
                list.remove(ri);
                out.push(injection(
                    d,
                    b,
                    format!(
                        "add back {} {} rule {}: allow {} {} {} (the replies' ephemeral ports)",
                        acl.name,
                        if inbound { "inbound" } else { "outbound" },
                        r.number,
                        r.proto,
                        r.ports,
                        r.cidr
                    ),
                ));
            }
        }
    }
    out
}

fn nacl_service_rule_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ai, acl) in d.network_acls.iter().enumerate() {
        for (ri, r) in acl.inbound.iter().enumerate() {
            let p = r.effective_ports();
            if r.action != RuleAction::Allow || !r.proto.has_ports() || p.from != p.to {
                continue;
            }
            let mut b = d.clone();
            b.network_acls[ai].inbound.remove(ri);
            out.push(injection(
                d,
                b,
                format!(
                    "add back {} inbound rule {}: allow {} {} from {}",
                    acl.name, r.number, r.proto, r.ports, r.cidr
                ),
            ));
        }
    }
    out
}

fn sg_rule_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (si, sg) in d.security_groups.iter().enumerate() {
        for (ri, r) in sg.inbound.iter().enumerate() {
            if r.proto == Protocol::All || matches!(&r.peer, SgPeer::Group(g) if *g == sg.name) {
                continue;
            }
            let mut b = d.clone();
            b.security_groups[si].inbound.remove(ri);
            out.push(injection(d, b, format!("add back {}'s inbound rule {r}", sg.name)));
        }
    }
    out
}

fn sg_wrong_reference(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (si, sg) in d.security_groups.iter().enumerate() {
        for (ri, r) in sg.inbound.iter().enumerate() {
            let SgPeer::Group(g) = &r.peer else { continue };
            if *g == sg.name {
                continue;
            }
            let Some(wrong) = d
                .security_groups
                .iter()
                .find(|x| x.vpc == sg.vpc && x.name != *g && x.name != sg.name && !x.name.ends_with("default-sg"))
            else {
                continue;
            };
            let mut b = d.clone();
            b.security_groups[si].inbound[ri].peer = SgPeer::Group(wrong.name.clone());
            out.push(injection(
                d,
                b,
                format!(
                    "{}'s rule admits sg:{} but the clients are in sg:{g}; reference sg:{g}",
                    sg.name, wrong.name
                ),
            ));
        }
    }
    out
}

fn sg_outbound_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (si, sg) in d.security_groups.iter().enumerate() {
        if sg.outbound.is_empty() {
            continue;
        }
        let mut b = d.clone();
        b.security_groups[si].outbound.clear();
        let rules: Vec<String> = sg.outbound.iter().map(ToString::to_string).collect();
        out.push(injection(
            d,
            b,
            format!("give {} its outbound rules back ({})", sg.name, rules.join("; ")),
        ));
    }
    out
}

fn peering_route_missing(d: &Design) -> Vec<Injection> {
    without_routes(
        d,
        |r| matches!(r.target, RouteTarget::Peering(_)),
        |rt, r| format!("add {r} back to {}", rt.name),
    )
}

fn transitive_peering(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    let active: Vec<&Peering> = d
        .peerings
        .iter()
        .filter(|p| p.status == PeeringStatus::Active)
        .collect();
    for (pi, p) in d.peerings.iter().enumerate() {
        if p.status != PeeringStatus::Active {
            continue;
        }
        let (a, c) = (&p.requester, &p.accepter);
        let touches = |x: &Peering, v: &str| x.requester == v || x.accepter == v;
        let other = |x: &Peering, v: &str| {
            if x.requester == v {
                x.accepter.clone()
            } else {
                x.requester.clone()
            }
        };
        // A third VPC b peered with both a and c.
        let via = active.iter().find_map(|ab| {
            if ab.name == p.name || !touches(ab, a) {
                return None;
            }
            let b = other(ab, a);
            if b == *c {
                return None;
            }
            active
                .iter()
                .find(|bc| bc.name != p.name && touches(bc, &b) && other(bc, &b) == *c)
                .map(|bc| (ab.name.clone(), bc.name.clone(), b))
        });
        let Some((ab, bc, b_vpc)) = via else { continue };
        let mut broken = d.clone();
        broken.peerings.remove(pi);
        for rt in &mut broken.route_tables {
            let towards = if rt.vpc == *a {
                ab.clone()
            } else if rt.vpc == *c {
                bc.clone()
            } else {
                continue;
            };
            for r in &mut rt.routes {
                if r.target == RouteTarget::Peering(p.name.clone()) {
                    r.target = RouteTarget::Peering(towards.clone());
                }
            }
        }
        out.push(injection(
            d,
            broken,
            format!(
                "peering is not transitive: {b_vpc} will not forward between {a} and {c}; peer {a} and {c} directly again ({}) and route each other's CIDR to it",
                p.name
            ),
        ));
    }
    out
}

fn tgw_association_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, t) in d.transit_gateways.iter().enumerate() {
        for (ai, a) in t.attachments.iter().enumerate() {
            let Some(assoc) = &a.association else { continue };
            let mut b = d.clone();
            b.transit_gateways[ti].attachments[ai].association = None;
            out.push(injection(
                d,
                b,
                format!("associate {} with the TGW route table {assoc} again", a.name),
            ));
        }
    }
    out
}

fn tgw_propagation_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, t) in d.transit_gateways.iter().enumerate() {
        for (ai, a) in t.attachments.iter().enumerate() {
            for (pi, table) in a.propagations.iter().enumerate() {
                let mut b = d.clone();
                b.transit_gateways[ti].attachments[ai].propagations.remove(pi);
                out.push(injection(
                    d,
                    b,
                    format!("propagate {} into the TGW route table {table} again", a.name),
                ));
            }
        }
    }
    out
}

fn vpc_route_to_tgw_missing(d: &Design) -> Vec<Injection> {
    without_routes(
        d,
        |r| matches!(r.target, RouteTarget::TransitGateway(_)),
        |rt, r| format!("add {r} back to {}", rt.name),
    )
}

fn tgw_attachment_az_missing(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, t) in d.transit_gateways.iter().enumerate() {
        for (ai, a) in t.attachments.iter().enumerate() {
            let TgwAttachmentKind::Vpc { subnets, .. } = &a.kind else {
                continue;
            };
            if subnets.len() < 2 {
                continue;
            }
            for (si, s) in subnets.iter().enumerate() {
                let mut b = d.clone();
                if let TgwAttachmentKind::Vpc { subnets, .. } = &mut b.transit_gateways[ti].attachments[ai].kind {
                    subnets.remove(si);
                }
                out.push(injection(
                    d,
                    b,
                    format!("add subnet {s} back to {} so its AZ is served", a.name),
                ));
            }
        }
    }
    out
}

fn gateway_endpoint_not_associated(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ei, ep) in d.endpoints.iter().enumerate() {
        let EndpointKind::Gateway { route_tables, .. } = &ep.kind else {
            continue;
        };
        for (ri, t) in route_tables.iter().enumerate() {
            let mut b = d.clone();
            if let EndpointKind::Gateway { route_tables, .. } = &mut b.endpoints[ei].kind {
                route_tables.remove(ri);
            }
            out.push(injection(
                d,
                b,
                format!("associate {} with route table {t} again", ep.name),
            ));
        }
    }
    out
}

fn interface_endpoint_sg(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for ep in &d.endpoints {
        let EndpointKind::Interface { security_groups, .. } = &ep.kind else {
            continue;
        };
        for g in security_groups {
            let Some(si) = d.security_groups.iter().position(|s| s.name == *g) else {
                continue;
            };
            if d.security_groups[si].inbound.is_empty() {
                continue;
            }
            let mut b = d.clone();
            // A typo'd source: a range no client is in.
            let typo: ipnet::IpNet = "10.254.0.0/16".parse().unwrap_or_else(|_| any_v4());
            b.security_groups[si].inbound =
                vec![SgRule::new(Protocol::Tcp, PortRange::single(443), SgPeer::Cidr(typo))];
            let rules: Vec<String> = d.security_groups[si].inbound.iter().map(ToString::to_string).collect();
            out.push(injection(
                d,
                b,
                format!(
                    "let {g} (the security group of {}) admit its clients again: {}",
                    ep.name,
                    rules.join("; ")
                ),
            ));
        }
    }
    out
}

fn endpoint_private_dns_attributes(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (vi, v) in d.vpcs.iter().enumerate() {
        let uses = d
            .endpoints
            .iter()
            .any(|e| e.vpc == v.name && matches!(e.kind, EndpointKind::Interface { private_dns: true, .. }));
        if !uses || !v.dns_hostnames || !v.dns_support {
            continue;
        }
        let mut b = d.clone();
        b.vpcs[vi].dns_hostnames = false;
        out.push(injection(
            d,
            b,
            format!(
                "turn DNS hostnames on again for {}: endpoint private DNS needs it",
                v.name
            ),
        ));
    }
    out
}

fn vpn_propagation_off(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, rt) in d.route_tables.iter().enumerate() {
        if rt.propagating_vgws.is_empty() {
            continue;
        }
        let mut b = d.clone();
        b.route_tables[ti].propagating_vgws.clear();
        out.push(injection(
            d,
            b,
            format!(
                "turn route propagation from {} on again in {}",
                rt.propagating_vgws.join(", "),
                rt.name
            ),
        ));
    }
    out
}

fn ipv6_default_route_missing(d: &Design) -> Vec<Injection> {
    without_routes(d, is_v6_default, |rt, r| format!("add {r} back to {}", rt.name))
}

fn eigw_replaced_by_igw(d: &Design) -> Vec<Injection> {
    let mut out = Vec::new();
    for (ti, rt) in d.route_tables.iter().enumerate() {
        for (ri, r) in rt.routes.iter().enumerate() {
            let RouteTarget::EgressOnlyGateway(eigw) = &r.target else {
                continue;
            };
            let Some(igw) = d
                .internet_gateways
                .iter()
                .find(|g| g.vpc.as_deref() == Some(rt.vpc.as_str()))
            else {
                continue;
            };
            let mut b = d.clone();
            b.route_tables[ti].routes[ri].target = RouteTarget::InternetGateway(igw.name.clone());
            out.push(injection(
                d,
                b,
                format!(
                    "route {} in {} to the egress-only internet gateway {eigw} again, not to {}",
                    r.dest, rt.name, igw.name
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_at_least_twenty_distinct_faults() {
        assert!(FAULTS.len() >= 20);
        let mut ids: Vec<&str> = FAULTS.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FAULTS.len(), "fault ids are unique");
        for f in FAULTS {
            assert!(!f.description.is_empty() && !f.lesson.is_empty(), "{}", f.id);
        }
    }

    #[test]
    fn every_injection_changes_the_design() {
        for t in crate::create::templates::TEMPLATES {
            let d = t.design();
            for f in FAULTS {
                for inj in f.injections(&d) {
                    assert_ne!(inj.healthy, inj.broken, "{} on {}", f.id, t.name);
                }
            }
        }
    }
}
