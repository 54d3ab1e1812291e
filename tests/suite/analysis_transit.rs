//! Transit gateway, VPN/Direct Connect, endpoints, Network Firewall, IPv6,
//! load balancers and what-if failures: one test per rule.
//! Sources: the AWS guide and page cited per test (Amazon VPC User Guide,
//! Transit Gateways guide, Site-to-Site VPN and Direct Connect user guides,
//! Reachability Analyzer User Guide).

use crate::analysis_support;

use analysis_support::*;
use vpcd::analysis::{self, Code, Failure, HopKind, Leg};
use vpcd::model::*;

fn att(name: &str, vpc: &str, subnets: &[&str], assoc: &str, props: &[&str]) -> TgwAttachment {
    TgwAttachment {
        name: name.into(),
        kind: TgwAttachmentKind::Vpc {
            vpc: vpc.into(),
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
        },
        association: Some(assoc.into()),
        propagations: props.iter().map(|s| s.to_string()).collect(),
        appliance_mode: false,
        sg_referencing: true,
    }
}

fn tgw(name: &str, tables: Vec<TgwRouteTable>, attachments: Vec<TgwAttachment>) -> TransitGateway {
    TransitGateway {
        name: name.into(),
        description: None,
        asn: 64512,
        default_association: false,
        default_propagation: false,
        default_route_table: None,
        sg_referencing: false,
        route_tables: tables,
        attachments,
    }
}

fn table(name: &str, routes: &[(&str, Option<&str>)]) -> TgwRouteTable {
    TgwRouteTable {
        name: name.into(),
        routes: routes
            .iter()
            .map(|(c, t)| TgwRoute {
                cidr: c.parse().unwrap(),
                target: match t {
                    Some(a) => TgwRouteTarget::Attachment(a.to_string()),
                    None => TgwRouteTarget::Blackhole,
                },
            })
            .collect(),
    }
}

/// Two spokes `a` (10.0.0.0/16) and `b` (10.1.0.0/16), each routing 10.0.0.0/8 to `tgw`.
fn spokes() -> B {
    B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .rt("rt-a", "a", &[("10.0.0.0/8", "tgw:tgw")])
        .rt("rt-b", "b", &[("10.0.0.0/8", "tgw:tgw")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .sg("sg-a", "a", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .sg("sg-b", "b", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .inst("ia", "sa", "10.0.1.10", &["sg-a"])
        .inst("ib", "sb", "10.1.1.10", &["sg-b"])
}

/// Transit Gateway Guide, "How transit gateways work" — route tables: the source attachment's
/// associated table routes;
/// propagation installs VPC CIDRs. Hub-and-spoke with propagation works both ways.
#[test]
fn tgw_hub_and_spoke_with_propagation() {
    let mut d = spokes().build();
    d.transit_gateways.push(tgw(
        "tgw",
        vec![table("tgw-rt", &[])],
        vec![
            att("att-a", "a", &["sa"], "tgw-rt", &["tgw-rt"]),
            att("att-b", "b", &["sb"], "tgw-rt", &["tgw-rt"]),
        ],
    ));
    let t = trace(&d, "ia", "ib", "tcp", Some(22));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        [
            "ia",
            "sg-a",
            "a-default-acl",
            "rt-a",
            "a-default-acl",
            "att-a",
            "tgw-rt",
            "att-b",
            "sg-b",
            "ib"
        ]
    );
    assert_eq!(t.forward[6].detail, "tgw-rt: 10.1.0.0/16 → att-b (propagated)");
    assert_eq!(t.forward[6].kind, HopKind::TgwRouteTable);
}

/// Transit Gateway Guide, "How transit gateways work" — route propagation: without propagation
/// (and no static route) the TGW table has no route.
#[test]
fn tgw_without_propagation_has_no_route() {
    let mut d = spokes().build();
    d.transit_gateways.push(tgw(
        "tgw",
        vec![table("tgw-rt", &[])],
        vec![
            att("att-a", "a", &["sa"], "tgw-rt", &["tgw-rt"]),
            att("att-b", "b", &["sb"], "tgw-rt", &[]),
        ],
    ));
    let t = trace(&d, "ia", "ib", "tcp", Some(22));
    assert_blocked(&t, Code::TgwNoRoute, "tgw-rt");
    assert_eq!(t.blocked.unwrap().leg, Leg::Forward);
    // A static route restores it.
    d.transit_gateways[0].route_tables[0].routes.push(TgwRoute {
        cidr: "10.1.0.0/16".parse().unwrap(),
        target: TgwRouteTarget::Attachment("att-b".into()),
    });
    assert_reachable(&trace(&d, "ia", "ib", "tcp", Some(22)));
}

/// Transit Gateway Guide, "Transit gateway route tables" (static blackhole routes): a static
/// blackhole route drops matching traffic (more specific wins first).
#[test]
fn tgw_blackhole_route_drops() {
    let mut d = spokes().build();
    d.transit_gateways.push(tgw(
        "tgw",
        vec![table("tgw-rt", &[("10.1.1.0/24", None)])],
        vec![
            att("att-a", "a", &["sa"], "tgw-rt", &["tgw-rt"]),
            att("att-b", "b", &["sb"], "tgw-rt", &["tgw-rt"]),
        ],
    ));
    let t = trace(&d, "ia", "ib", "tcp", Some(22));
    assert_blocked(&t, Code::TgwBlackhole, "tgw-rt");
}

/// Transit Gateway Guide, "How transit gateways work" — Availability Zones; Reachability
/// Analyzer `TGW_ROUTE_AZ_RESTRICTION`: a subnet can use the TGW only if the
/// attachment has a subnet in its AZ.
#[test]
fn tgw_attachment_needs_a_subnet_in_the_source_az() {
    let mut d = spokes()
        .subnet("sa-b", "a", AZ_B, "10.0.2.0/24", "rt-a", None)
        .inst("ia2", "sa-b", "10.0.2.10", &["sg-a"])
        .build();
    d.transit_gateways.push(tgw(
        "tgw",
        vec![table("tgw-rt", &[])],
        vec![
            att("att-a", "a", &["sa"], "tgw-rt", &["tgw-rt"]),
            att("att-b", "b", &["sb"], "tgw-rt", &["tgw-rt"]),
        ],
    ));
    let t = trace(&d, "ia2", "ib", "tcp", Some(22));
    assert_blocked(&t, Code::TgwNoAttachmentInAz, "att-a");
}

/// A private subnet `priv` in `v` with an S3 gateway endpoint on its route table, and a
/// peered VPC `p` that routes the S3 prefix list to the peering.
fn s3_design(associate: bool) -> Design {
    let rts: Vec<&str> = if associate { vec!["rt-priv"] } else { vec![] };
    B::new()
        .vpc("v", "10.0.0.0/16")
        .vpc("p", "10.9.0.0/16")
        .rt("rt-priv", "v", &[("10.9.0.0/16", "pcx:pcx")])
        .rt("rt-p", "p", &[("10.0.0.0/16", "pcx:pcx"), ("pl:s3", "pcx:pcx")])
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt-priv", None)
        .subnet("ps", "p", AZ_A, "10.9.1.0/24", "rt-p", None)
        .peering("pcx", "v", "p")
        .gateway_endpoint("vpce-s3", "v", "s3", &rts)
        .sg("sg-app", "v", &[], &["all 0.0.0.0/0"])
        .sg("sg-p", "p", &[], &["all 0.0.0.0/0"])
        .inst("app", "priv", "10.0.1.10", &["sg-app"])
        .inst("peer", "ps", "10.9.1.10", &["sg-p"])
        .build()
}

/// PrivateLink Guide, "Gateway endpoints" (routing): selected route tables get `pl-s3 → vpce`;
/// traffic to S3 uses it.
#[test]
fn gateway_endpoint_s3_from_private_subnet() {
    let d = s3_design(true);
    let t = trace(&d, "app", "s3", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        ["app", "sg-app", "v-default-acl", "rt-priv", "vpce-s3", "s3"]
    );
    assert!(
        t.forward[3].detail.starts_with("rt-priv: pl:s3 → vpce-s3"),
        "{}",
        t.forward[3].detail
    );
    assert_eq!(ids(&t.return_path), ["s3", "vpce-s3", "v-default-acl", "sg-app", "app"]);
}

/// PrivateLink Guide, "Gateway endpoints": a subnet whose route table lacks the endpoint route does
/// not use it.
#[test]
fn gateway_endpoint_not_on_route_table() {
    let d = s3_design(false);
    let t = trace(&d, "app", "s3", "tcp", Some(443));
    assert_blocked(&t, Code::EndpointNotOnRouteTable, "rt-priv");
}

/// PrivateLink Guide, "Gateway endpoints": "endpoint connections cannot be extended out of a
/// VPC" — a peered
/// VPC cannot use the gateway endpoint (no edge-to-edge).
#[test]
fn gateway_endpoint_not_usable_from_peered_vpc() {
    let d = s3_design(true);
    let t = trace(&d, "peer", "s3", "tcp", Some(443));
    assert_blocked(&t, Code::EdgeToEdge, "pcx");
}

/// PrivateLink Guide, "Access an AWS service using an interface VPC endpoint": interface
/// endpoints are ENIs with their own security groups.
#[test]
fn interface_endpoint_sg_blocks() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .dns_hostnames("v")
        .rt("rt", "v", &[])
        .subnet("app-s", "v", AZ_A, "10.0.1.0/24", "rt", None)
        .subnet("ep-s", "v", AZ_A, "10.0.9.0/24", "rt", None)
        .sg("sg-ep", "v", &["tcp 443 10.0.2.0/24"], &["all 0.0.0.0/0"])
        .sg("sg-app", "v", &[], &["all 0.0.0.0/0"])
        .interface_endpoint("vpce-sqs", "v", "sqs", &["ep-s"], &["sg-ep"])
        .inst("app", "app-s", "10.0.1.10", &["sg-app"])
        .build();
    let t = trace(&d, "app", "sqs", "tcp", Some(443));
    assert_blocked(&t, Code::SgNoMatchingRule, "sg-ep");
    assert!(t.notes.iter().any(|n| n.contains("interface endpoint vpce-sqs")));
    let mut d = d;
    d.security_groups
        .iter_mut()
        .find(|g| g.name == "sg-ep")
        .unwrap()
        .inbound[0] = sg_rule("tcp 443 10.0.0.0/16");
    let t = trace(&d, "app", "sqs", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(t.forward.last().unwrap().kind, HopKind::InterfaceEndpoint);
}

/// A VPN-only subnet: `priv` routes 0.0.0.0/0 to `vgw`; on-prem `hq` 192.168.0.0/16 behind
/// `cgw` over `vpn` (static route), optionally also over Direct Connect `dx`.
fn vpn_design(with_dx: bool) -> Design {
    let vgw = VpnTermination::VpnGateway("vgw".into());
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .rt("rt-vpn", "v", &[("0.0.0.0/0", "vgw:vgw")])
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt-vpn", None)
        .sg("sg-app", "v", &["tcp 22 192.168.0.0/16"], &["all 0.0.0.0/0"])
        .inst("app", "priv", "10.0.1.10", &["sg-app"])
        .vgw("vgw", "v")
        .cgw("cgw", "198.51.100.1", 65000)
        .vpn("vpn", "cgw", vgw, static_routes("192.168.0.0/16"))
        .onprem("hq", "192.168.0.0/16", "cgw", with_dx.then_some("dx"))
        .build();
    if with_dx {
        d.dx_connections.push(DxConnection {
            name: "dx".into(),
            description: None,
            location: "EqDC2".into(),
            bandwidth: "1Gbps".into(),
            up: true,
            virtual_interfaces: vec![VirtualInterface {
                name: "vif".into(),
                kind: VifKind::Private,
                vlan: 101,
                dx_gateway: None,
                vpn_gateway: Some("vgw".into()),
            }],
        });
    }
    d
}

/// Site-to-Site VPN User Guide (a VPC with a virtual private gateway) and Batfish
/// `AwsConfigurationVpnGatewayTest`: a VPN-only
/// subnet reaches on-prem through the VGW and back; entering from the VGW shows no route table.
#[test]
fn vpn_only_subnet_to_onprem() {
    let d = vpn_design(false);
    let t = trace(&d, "app", "onprem:hq", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        ["app", "sg-app", "v-default-acl", "rt-vpn", "vgw", "vpn", "hq"]
    );
    let t = trace(&d, "onprem:hq", "app", "tcp", Some(22));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward), ["hq", "vpn", "vgw", "v-default-acl", "sg-app", "app"]);
    // What-if: the VPN is down.
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "app".into(),
        to: "onprem:hq".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    let t = analysis::trace_with_failures(&d, &idx, &q, &[Failure::Component("vpn".into())]).unwrap();
    assert_blocked(&t, Code::VpnDown, "vpn");
    // One tunnel down is not enough to cut it.
    let t = analysis::trace_with_failures(&d, &idx, &q, &[Failure::Component("vpn:1".into())]).unwrap();
    assert_reachable(&t);
}

/// VPC User Guide, "How route priority works" (propagated routes: Direct Connect BGP routes
/// before VPN routes for the same prefix).
#[test]
fn direct_connect_preferred_over_vpn_for_same_prefix() {
    let d = vpn_design(true);
    let t = trace(&d, "app", "onprem:hq", "tcp", Some(443));
    assert_reachable(&t);
    assert!(ids(&t.forward).contains(&"dx"), "{}", t.to_text());
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "app".into(),
        to: "onprem:hq".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    let t = analysis::trace_with_failures(&d, &idx, &q, &[Failure::Component("dx".into())]).unwrap();
    assert_reachable(&t);
    assert!(
        ids(&t.forward).contains(&"vpn"),
        "falls back to the VPN:\n{}",
        t.to_text()
    );
}

/// Inspection VPC (Transit Gateway Guide, appliance scenario): spokes route everything to the TGW;
/// the spoke table sends 0.0.0.0/0 to the inspection attachment, whose subnet routes to the
/// firewall endpoint; the firewall subnet routes back to the TGW.
fn inspection(drop_ssh: bool) -> Design {
    let mut d = spokes()
        .vpc("insp", "100.64.0.0/16")
        .rt("rt-insp-tgw", "insp", &[("0.0.0.0/0", "fw:fw@us-east-1a")])
        .rt("rt-insp-fw", "insp", &[("0.0.0.0/0", "tgw:tgw")])
        .subnet("insp-tgw", "insp", AZ_A, "100.64.0.0/24", "rt-insp-tgw", None)
        .subnet("insp-fw", "insp", AZ_A, "100.64.1.0/24", "rt-insp-fw", None)
        .build();
    d.firewalls.push(Firewall {
        name: "fw".into(),
        description: None,
        vpc: "insp".into(),
        subnets: vec!["insp-fw".into()],
        rules: if drop_ssh {
            vec![FirewallRule {
                action: FirewallAction::Drop,
                proto: Protocol::Tcp,
                source: None,
                destination: None,
                ports: Some(PortRange::single(22)),
                domain: None,
            }]
        } else {
            Vec::new()
        },
        default_action: FirewallAction::Pass,
    });
    d.transit_gateways.push(tgw(
        "tgw",
        vec![
            table("rt-spokes", &[("0.0.0.0/0", Some("att-insp"))]),
            table("rt-fw", &[]),
        ],
        vec![
            att("att-a", "a", &["sa"], "rt-spokes", &["rt-fw"]),
            att("att-b", "b", &["sb"], "rt-spokes", &["rt-fw"]),
            att("att-insp", "insp", &["insp-tgw"], "rt-fw", &[]),
        ],
    ));
    d
}

/// Reachability Analyzer User Guide, "How Reachability Analyzer works" (Network Firewall as an
/// intermediate component) and the Transit Gateway Guide's appliance
/// scenario: traffic between spokes passes the firewall; its stateful rules decide.
#[test]
fn inspection_vpc_with_firewall_endpoint() {
    let d = inspection(true);
    let t = trace(&d, "ia", "ib", "tcp", Some(80));
    assert_reachable(&t);
    let f = ids(&t.forward);
    let pos = |x: &str| f.iter().position(|h| *h == x).unwrap_or_else(|| panic!("{x} in {f:?}"));
    assert!(pos("att-insp") < pos("rt-insp-tgw"));
    assert!(pos("rt-insp-tgw") < pos("fw"));
    assert!(pos("fw") < pos("rt-insp-fw"));
    assert!(pos("rt-insp-fw") < pos("rt-fw"));
    assert!(
        ids(&t.return_path).contains(&"fw"),
        "symmetric return through the firewall"
    );
    let t = trace(&d, "ia", "ib", "tcp", Some(22));
    assert_blocked(&t, Code::FirewallDrop, "fw");
}

/// VPC User Guide, "Egress-only internet gateways": the egress-only IGW lets IPv6 out and replies
/// back, and drops connections initiated from the internet.
#[test]
fn ipv6_out_through_egress_only_gateway_and_blocked_inbound() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .vpc6("v", "2600:1f18:1:100::/56")
        .eigw("eigw", "v")
        .rt("rt6", "v", &[("::/0", "eigw:eigw")])
        .nacl("nacl6", "v", &["100 allow all ::/0"], &["100 allow all ::/0"])
        .subnet("s6", "v", AZ_A, "10.0.1.0/24", "rt6", Some("nacl6"))
        .subnet6("s6", "2600:1f18:1:101::/64")
        .sg("sg6", "v", &["tcp 22 ::/0"], &["all ::/0"])
        .inst("h6", "s6", "10.0.1.10", &["sg6"])
        .with_ipv6("2600:1f18:1:101::10")
        .build();
    let t = trace(&d, "h6", "internet6", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward), ["h6", "sg6", "nacl6", "rt6", "eigw", "internet"]);
    assert_eq!(ids(&t.return_path), ["internet", "eigw", "nacl6", "sg6", "h6"]);
    let t = trace(&d, "internet6", "h6", "tcp", Some(22));
    assert_blocked(&t, Code::UnsolicitedInbound, "eigw");
    // 0.0.0.0/0 does not cover IPv6 (VPC User Guide, "How route priority works"): an IPv4-only
    // route table has no IPv6 route.
    let mut d2 = d.clone();
    d2.route_tables.iter_mut().find(|r| r.name == "rt6").unwrap().routes[0] =
        Route::new("0.0.0.0/0".parse().unwrap(), target("eigw:eigw"));
    let t = trace(&d2, "h6", "internet6", "tcp", Some(443));
    assert_blocked(&t, Code::NoRoute, "rt6");
}

/// VPC Peering Guide, "Update your security groups to reference peer security groups": peer-SG
/// references only work for same-Region peering.
#[test]
fn sg_reference_across_peering_same_region_only() {
    let build = |cross_region: bool| {
        let mut d = B::new()
            .vpc("a", "10.0.0.0/16")
            .vpc("b", "10.1.0.0/16")
            .rt("rt-a", "a", &[("10.1.0.0/16", "pcx:pcx")])
            .rt("rt-b", "b", &[("10.0.0.0/16", "pcx:pcx")])
            .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
            .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
            .peering("pcx", "a", "b")
            .sg("sg-client", "a", &[], &["all 0.0.0.0/0"])
            .sg("sg-server", "b", &["tcp 5432 sg:sg-client"], &["all 0.0.0.0/0"])
            .inst("client", "sa", "10.0.1.10", &["sg-client"])
            .inst("server", "sb", "10.1.1.10", &["sg-server"])
            .build();
        d.peerings[0].cross_region = cross_region;
        d
    };
    assert_reachable(&trace(&build(false), "client", "server", "tcp", Some(5432)));
    let t = trace(&build(true), "client", "server", "tcp", Some(5432));
    assert_blocked(&t, Code::SgNoMatchingRule, "sg-server");
}

/// Elastic Load Balancing, "Listeners" and "Target security groups": a load balancer accepts on
/// its listeners and opens new connections to
/// its targets (the target's SG sees the LB's SG, not the client).
#[test]
fn load_balancer_accepts_on_listener_and_connects_to_target() {
    let d = lb_design();
    let t = trace(&d, "internet", "alb", "tcp", Some(443));
    assert_reachable(&t);
    let f = ids(&t.forward);
    assert_eq!(f[..5], ["internet", "igw", "v-default-acl", "sg-alb", "alb"]);
    assert!(f.contains(&"alb") && f.ends_with(&["sg-app", "app-1"]), "{f:?}");
    let lb = t.forward.iter().find(|h| h.id == "alb").unwrap();
    assert_eq!(lb.detail, "alb: listener tcp 443 → target app-1:8080");
    assert_eq!(t.return_path.last().unwrap().id, "internet");
    let t = trace(&d, "internet", "alb", "tcp", Some(80));
    assert_blocked(&t, Code::SgNoMatchingRule, "sg-alb");
    let mut d = d;
    add_sg_inbound(&mut d, "sg-alb", "tcp 80 0.0.0.0/0");
    let t = trace(&d, "internet", "alb", "tcp", Some(80));
    assert_blocked(&t, Code::LbNoListener, "alb");
}

/// What-if (VPC User Guide, "NAT gateway basics": a NAT gateway lives in one Availability Zone):
/// an AZ down takes its NAT gateway with it.
#[test]
fn what_if_az_down_removes_the_nat_gateway() {
    let d = B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt-pub", "v", &[("0.0.0.0/0", "igw:igw")])
        .rt("rt-priv-b", "v", &[("0.0.0.0/0", "nat:nat-a")])
        .subnet("pub-a", "v", AZ_A, "10.0.0.0/24", "rt-pub", None)
        .subnet("priv-b", "v", AZ_B, "10.0.11.0/24", "rt-priv-b", None)
        .nat("nat-a", "pub-a")
        .sg("sg", "v", &[], &["all 0.0.0.0/0"])
        .inst("app-b", "priv-b", "10.0.11.10", &["sg"])
        .build();
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "app-b".into(),
        to: "internet".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    assert!(analysis::trace(&d, &idx, &q).unwrap().reachable);
    let t = analysis::trace_with_failures(&d, &idx, &q, &[Failure::AzDown(AZ_A.into())]).unwrap();
    assert_blocked(&t, Code::BlackholeRoute, "rt-priv-b");
    assert!(t.notes[0].contains("us-east-1a"));
    let e = analysis::trace_with_failures(&d, &idx, &q, &[Failure::Component("nat-z".into())]).unwrap_err();
    assert!(e.to_string().contains("nat-a"), "{e}");
}

/// Transit Gateway Guide, "How transit gateways work" — route propagation: a VPN attached to the
/// TGW propagates its prefixes; spokes reach on-prem
/// through the TGW and on-prem reaches the spoke back (TGW VPN attachment association).
#[test]
fn tgw_vpn_attachment_to_onprem_both_ways() {
    let mut d = spokes()
        .cgw("cgw", "198.51.100.1", 65000)
        .vpn(
            "vpn",
            "cgw",
            VpnTermination::TransitGateway("tgw".into()),
            VpnRouting::Bgp,
        )
        .onprem("hq", "192.168.0.0/16", "cgw", None)
        .build();
    add_route(&mut d, "rt-a", "192.168.0.0/16", "tgw:tgw");
    add_sg_inbound(&mut d, "sg-a", "tcp 22 192.168.0.0/16");
    d.transit_gateways.push(tgw(
        "tgw",
        vec![table("tgw-rt", &[])],
        vec![
            att("att-a", "a", &["sa"], "tgw-rt", &["tgw-rt"]),
            TgwAttachment {
                name: "att-vpn".into(),
                kind: TgwAttachmentKind::Vpn {
                    connection: "vpn".into(),
                },
                association: Some("tgw-rt".into()),
                propagations: vec!["tgw-rt".into()],
                appliance_mode: false,
                sg_referencing: true,
            },
        ],
    ));
    let t = trace(&d, "ia", "onprem:hq", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(t.forward[6].detail, "tgw-rt: 192.168.0.0/16 → att-vpn (propagated)");
    assert_eq!(t.forward.last().unwrap().id, "hq");
    let t = trace(&d, "onprem:hq", "ia", "tcp", Some(22));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward)[..3], ["hq", "vpn", "tgw-rt"]);
}

/// VPN CloudHub (VPC User Guide, VPN CloudHub): two sites on one VGW reach each other.
#[test]
fn vpn_cloudhub_between_sites() {
    let d = B { d: vpn_design(false) }
        .cgw("cgw2", "198.51.100.2", 65001)
        .vpn(
            "vpn2",
            "cgw2",
            VpnTermination::VpnGateway("vgw".into()),
            static_routes("172.20.0.0/16"),
        )
        .onprem("branch", "172.20.0.0/16", "cgw2", None)
        .build();
    let t = trace(&d, "onprem:hq", "onprem:branch", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward), ["hq", "vpn", "vgw", "vpn2", "branch"]);
}

/// Network Firewall `fw` in `vpc` with an endpoint in each of `subnets`, passing everything
/// (so only its flow state can drop a packet).
fn pass_all_firewall(vpc: &str, subnets: &[&str]) -> Firewall {
    Firewall {
        name: "fw".into(),
        description: None,
        vpc: vpc.into(),
        subnets: subnets.iter().map(|s| s.to_string()).collect(),
        rules: Vec::new(),
        default_action: FirewallAction::Pass,
    }
}

/// The inspection VPC of the `inspection-routing` exercise in two AZs: spoke `a` (workload `ia` in
/// AZ a), spoke `b` (workload `ib` in AZ b, `ib2` in AZ a; spoke `a` also has `ia2` in AZ b), both
/// attached in both AZs; the inspection VPC has a TGW-attachment subnet and a firewall endpoint per
/// AZ, each attachment subnet routing to its own AZ's endpoint (Transit Gateway Guide, "Example:
/// Appliance in a shared services VPC").
fn inspection_two_azs(appliance_mode: bool) -> Design {
    let mut d = B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .vpc("insp", "100.64.0.0/16")
        .rt("rt-a", "a", &[("10.0.0.0/8", "tgw:tgw")])
        .rt("rt-b", "b", &[("10.0.0.0/8", "tgw:tgw")])
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sa-b", "a", AZ_B, "10.0.2.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_B, "10.1.1.0/24", "rt-b", None)
        .subnet("sb-a", "b", AZ_A, "10.1.2.0/24", "rt-b", None)
        .rt("rt-insp-tgw-a", "insp", &[("0.0.0.0/0", "fw:fw@us-east-1a")])
        .rt("rt-insp-tgw-b", "insp", &[("0.0.0.0/0", "fw:fw@us-east-1b")])
        .rt("rt-insp-fw", "insp", &[("0.0.0.0/0", "tgw:tgw")])
        .subnet("insp-tgw-a", "insp", AZ_A, "100.64.0.0/24", "rt-insp-tgw-a", None)
        .subnet("insp-tgw-b", "insp", AZ_B, "100.64.2.0/24", "rt-insp-tgw-b", None)
        .subnet("insp-fw-a", "insp", AZ_A, "100.64.1.0/24", "rt-insp-fw", None)
        .subnet("insp-fw-b", "insp", AZ_B, "100.64.3.0/24", "rt-insp-fw", None)
        .sg("sg-a", "a", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .sg("sg-b", "b", &["all 10.0.0.0/8"], &["all 0.0.0.0/0"])
        .inst("ia", "sa", "10.0.1.10", &["sg-a"])
        .inst("ib", "sb", "10.1.1.10", &["sg-b"])
        .inst("ib2", "sb-a", "10.1.2.10", &["sg-b"])
        .inst("ia2", "sa-b", "10.0.2.10", &["sg-a"])
        .build();
    d.firewalls.push(pass_all_firewall("insp", &["insp-fw-a", "insp-fw-b"]));
    let mut insp = att("att-insp", "insp", &["insp-tgw-a", "insp-tgw-b"], "rt-fw", &[]);
    insp.appliance_mode = appliance_mode;
    d.transit_gateways.push(tgw(
        "tgw",
        vec![
            table("rt-spokes", &[("0.0.0.0/0", Some("att-insp"))]),
            table("rt-fw", &[]),
        ],
        vec![
            att("att-a", "a", &["sa", "sa-b"], "rt-spokes", &["rt-fw"]),
            att("att-b", "b", &["sb-a", "sb"], "rt-spokes", &["rt-fw"]),
            insp,
        ],
    ));
    d
}

/// The detail of the hop for attachment `att` (the first one on the path).
fn att_detail<'t>(hops: &'t [vpcd::analysis::Hop], att: &str) -> Vec<&'t str> {
    hops.iter()
        .filter(|h| h.kind == HopKind::TgwAttachment && h.id == att)
        .map(|h| h.detail.as_str())
        .collect()
}

/// Transit Gateway Guide, "How transit gateways work" (Availability Zones, appliance mode): without
/// appliance mode the TGW keeps traffic in the AZ it entered from when the destination
/// attachment has a subnet there, and crosses AZs only when it has none.
#[test]
fn tgw_keeps_traffic_in_the_az_it_entered_from() {
    let mut d = inspection_two_azs(true);
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_reachable(&t);
    // ia is in AZ a: into the inspection VPC and into spoke b through the AZ-a subnets,
    // although ib itself lives in AZ b.
    assert_eq!(
        att_detail(&t.forward, "att-insp")[0],
        "att-insp: tgw → insp (via insp-tgw-a)"
    );
    assert_eq!(att_detail(&t.forward, "att-b"), ["att-b: tgw → b (via sb-a)"]);
    // Spoke b attached only in AZ b: the TGW has to cross to AZ b.
    let b = d.transit_gateways[0]
        .attachments
        .iter_mut()
        .find(|a| a.name == "att-b")
        .unwrap();
    b.kind = TgwAttachmentKind::Vpc {
        vpc: "b".into(),
        subnets: vec!["sb".into()],
    };
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(att_detail(&t.forward, "att-b"), ["att-b: tgw → b (via sb)"]);
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("crosses from us-east-1a to us-east-1b")));
}

/// Transit Gateway Guide, "Example: Appliance in a shared services VPC": with appliance mode off, a
/// flow from AZ a to AZ b is inspected by the AZ-a endpoint and its reply, which the TGW keeps in
/// AZ b, reaches the AZ-b endpoint, which has no state for it: the stateful firewall drops the
/// reply. Reported on the return leg (RA: TGW_ATTACH_VPC_AZ_RESTRICTION, with the additional detail
/// TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED).
#[test]
fn appliance_mode_off_cross_az_reply_is_dropped_by_the_other_firewall_endpoint() {
    let d = inspection_two_azs(false);
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_blocked(&t, Code::FirewallAsymmetric, "fw");
    let b = t.blocked.as_ref().unwrap();
    assert_eq!(b.leg, Leg::Return);
    assert_eq!(b.kind, HopKind::Firewall);
    assert!(
        b.message.contains("us-east-1b") && b.message.contains("us-east-1a"),
        "{}",
        b.message
    );
    assert!(
        b.hint
            .contains("enable appliance mode on the inspection VPC attachment att-insp"),
        "{}",
        b.hint
    );
    assert_eq!(b.code.aws_code(), "TGW_ATTACH_VPC_AZ_RESTRICTION");
    assert_eq!(
        att_detail(&t.return_path, "att-insp"),
        ["att-insp: tgw → insp (via insp-tgw-b)"]
    );
    // The forward path alone is fine, and the trace says appliance mode is advised.
    assert!(ids(&t.forward).contains(&"fw"));
    assert!(
        t.notes.iter().any(|n| n.contains("without appliance mode")),
        "{:?}",
        t.notes
    );
    // Either direction of the cross-AZ pair fails the same way.
    let t = trace(&d, "ib", "ia", "tcp", Some(443));
    assert_blocked(&t, Code::FirewallAsymmetric, "fw");
}

/// Transit Gateway Guide, "Example: Appliance in a shared services VPC": with appliance mode on,
/// the TGW uses one ENI of the appliance VPC attachment for the life of the flow, both directions,
/// so the reply crosses the endpoint that holds the flow's state.
#[test]
fn appliance_mode_on_keeps_both_directions_on_one_firewall_endpoint() {
    let d = inspection_two_azs(true);
    for (from, to) in [("ia", "ib"), ("ib", "ia")] {
        let t = trace(&d, from, to, "tcp", Some(443));
        assert_reachable(&t);
        let fwd = att_detail(&t.forward, "att-insp")[0].to_string();
        let back = att_detail(&t.return_path, "att-insp")[0].to_string();
        assert_eq!(fwd, back, "{}", t.to_text());
        assert!(ids(&t.return_path).contains(&"fw"), "{}", t.to_text());
        assert!(
            t.notes.iter().any(|n| n.starts_with("appliance mode on att-insp")),
            "{:?}",
            t.notes
        );
    }
}

/// Transit Gateway Guide, "How transit gateways work": a flow that stays in one AZ goes out and
/// back through that AZ's endpoint, so it works without appliance mode.
#[test]
fn appliance_mode_off_same_az_flow_is_unaffected() {
    let d = inspection_two_azs(false);
    let t = trace(&d, "ia", "ib2", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        att_detail(&t.return_path, "att-insp")[0],
        "att-insp: tgw → insp (via insp-tgw-a)"
    );
    assert!(ids(&t.return_path).contains(&"fw"), "{}", t.to_text());
}

/// One VPC, no TGW: egress goes app → firewall endpoint in AZ a → NAT → IGW, but the NAT
/// subnet sends the replies to the AZ-b endpoint. Each Network Firewall endpoint is its
/// own stateful engine (Network Firewall guide, vpc-config-tgw-multi-az: "a Network
/// Firewall endpoint is a stateful network appliance"), so the AZ-b endpoint drops the
/// reply; the hint names the endpoint the request used, not appliance mode.
#[test]
fn firewall_reply_through_another_endpoint_of_the_same_firewall_is_dropped() {
    let build = |reply_az: &str| {
        let reply = format!("fw:fw@{reply_az}");
        let mut d = B::new()
            .vpc("shop", "10.0.0.0/16")
            .igw("igw", "shop")
            .rt("rt-app", "shop", &[("0.0.0.0/0", "fw:fw@us-east-1a")])
            .rt("rt-fw", "shop", &[("0.0.0.0/0", "nat:nat-a")])
            .rt(
                "rt-pub",
                "shop",
                &[("0.0.0.0/0", "igw:igw"), ("10.0.10.0/24", reply.as_str())],
            )
            .subnet("app-a", "shop", AZ_A, "10.0.10.0/24", "rt-app", None)
            .subnet("fw-a", "shop", AZ_A, "10.0.1.0/28", "rt-fw", None)
            .subnet("fw-b", "shop", AZ_B, "10.0.1.16/28", "rt-fw", None)
            .subnet("pub-a", "shop", AZ_A, "10.0.0.0/24", "rt-pub", None)
            .nat("nat-a", "pub-a")
            .sg("sg-app", "shop", &[], &["all 0.0.0.0/0"])
            .inst("app-1", "app-a", "10.0.10.10", &["sg-app"])
            .build();
        d.firewalls.push(pass_all_firewall("shop", &["fw-a", "fw-b"]));
        d
    };
    let t = trace(&build(AZ_B), "app-1", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::FirewallAsymmetric, "fw");
    let b = t.blocked.as_ref().unwrap();
    assert_eq!(b.leg, Leg::Return);
    assert!(
        b.hint.contains("the fw endpoint the request used (us-east-1a)"),
        "{}",
        b.hint
    );
    assert!(!b.hint.contains("appliance mode"), "{}", b.hint);
    assert_reachable(&trace(&build(AZ_A), "app-1", "internet", "tcp", Some(443)));
}

/// The whole truth table of the inspection VPC (Transit Gateway Guide, "How transit gateways work"
/// and "Example: Appliance in a shared services VPC"): every spoke-to-spoke flow, both directions,
/// same AZ and cross AZ. With appliance mode everything passes; without it exactly the cross-AZ
/// flows lose their reply at the other AZ's firewall endpoint.
#[test]
fn appliance_mode_truth_table_over_azs_and_directions() {
    let az = |i: &str| match i {
        "ia" | "ib2" => AZ_A,
        _ => AZ_B,
    };
    for appliance_mode in [true, false] {
        let d = inspection_two_azs(appliance_mode);
        for a in ["ia", "ia2"] {
            for b in ["ib", "ib2"] {
                for (from, to) in [(a, b), (b, a)] {
                    let t = trace(&d, from, to, "tcp", Some(443));
                    let same_az = az(from) == az(to);
                    if appliance_mode || same_az {
                        assert_reachable(&t);
                    } else {
                        assert_blocked(&t, Code::FirewallAsymmetric, "fw");
                        assert_eq!(t.blocked.as_ref().unwrap().leg, Leg::Return);
                    }
                }
            }
        }
    }
}

/// Appliance mode pins a flow to the AZ AWS's flow hash picks (Transit Gateway Guide,
/// "Example: Appliance in a shared services VPC"), which a design cannot choose: a flow is only
/// reachable if it works in every AZ of the appliance attachment. Here AZ b's
/// attachment subnet has no route, so a flow from AZ a fails when hashed to AZ b.
#[test]
fn appliance_mode_flow_must_work_in_every_az_the_hash_can_pick() {
    let mut d = inspection_two_azs(true);
    d.route_tables
        .iter_mut()
        .find(|r| r.name == "rt-insp-tgw-b")
        .unwrap()
        .routes
        .clear();
    let t = trace(&d, "ia", "ib2", "tcp", Some(443));
    assert_blocked(&t, Code::NoRoute, "rt-insp-tgw-b");
    assert!(
        t.notes.iter().any(|n| n.contains("hashed to insp-tgw-b (us-east-1b)")),
        "{:?}",
        t.notes
    );
    // Without appliance mode the same-AZ flow never leaves AZ a.
    d.transit_gateways[0].attachments[2].appliance_mode = false;
    assert_reachable(&trace(&d, "ia", "ib2", "tcp", Some(443)));
}

// ---------------------------------------------------------------------------
// Transit VPC: a software VPN appliance on an instance (Amazon Virtual Private
// Cloud Connectivity Options whitepaper, "Transit VPC" and "Software
// VPN-to-AWS Managed VPN").
// ---------------------------------------------------------------------------

fn transit() -> Design {
    vpcd::create::templates::find("transit-vpc").unwrap().design()
}

fn set_vpn(d: &mut Design, name: &str, f: impl FnOnce(&mut VpnConnection)) {
    f(d.vpn_connections.iter_mut().find(|v| v.name == name).unwrap());
}

/// Spoke to spoke: the spoke's VGW sends the packet over its VPN connection to
/// the appliance (the customer gateway is the appliance's Elastic IP), which
/// decrypts it and re-encrypts it into the other spoke's connection.
#[test]
fn transit_vpc_spoke_to_spoke_crosses_the_software_vpn() {
    let d = transit();
    let t = trace(&d, "app-a1", "app-b1", "tcp", Some(443));
    assert_reachable(&t);
    let hops: Vec<(HopKind, &str)> = t.forward.iter().map(|h| (h.kind, h.id.as_str())).collect();
    for want in [
        (HopKind::VpnGateway, "vgw-spoke-a"),
        (HopKind::VpnConnection, "vpn-spoke-a"),
        (HopKind::Appliance, "vpn-hub-1"),
        (HopKind::VpnConnection, "vpn-spoke-b"),
        (HopKind::VpnGateway, "vgw-spoke-b"),
    ] {
        assert!(hops.contains(&want), "{want:?} missing:\n{}", t.to_text());
    }
    // The spoke learned the other spoke's prefix from its VGW, over BGP.
    let rt = t.forward.iter().find(|h| h.kind == HopKind::RouteTable).unwrap();
    assert!(rt.detail.contains("10.2.0.0/16 → vgw-spoke-a"), "{}", rt.detail);
    // And back the same way.
    assert!(t.return_path.iter().any(|h| h.id == "vpn-hub-1"), "{}", t.to_text());
}

/// The data centre's router keeps one tunnel to the appliance, which routes it
/// to every spoke, and the spokes reach the data centre through it.
#[test]
fn transit_vpc_onprem_reaches_spokes_through_the_appliance() {
    let d = transit();
    for (from, to) in [("onprem:datacenter", "app-b1"), ("app-a1", "onprem:datacenter")] {
        let t = trace(&d, from, to, "tcp", Some(443));
        assert_reachable(&t);
        assert!(
            t.forward
                .iter()
                .any(|h| h.id == "vpn-datacenter" && h.kind == HopKind::VpnConnection),
            "{}",
            t.to_text()
        );
        assert!(t.forward.iter().any(|h| h.id == "vpn-hub-1"), "{}", t.to_text());
    }
}

/// Tunnel to tunnel the decrypted packet never enters the VPC, but between a
/// tunnel and the appliance's own VPC it does: with the source/destination
/// check on, EC2 drops it (EC2 User Guide, "Source/destination checking").
#[test]
fn transit_vpc_source_dest_check_stops_what_enters_the_transit_vpc() {
    let mut d = transit();
    d.instances
        .iter_mut()
        .find(|i| i.name == "vpn-hub-1")
        .unwrap()
        .source_dest_check = true;
    let t = trace(&d, "app-a1", "dns-1", "tcp", Some(53));
    assert_blocked(&t, Code::SourceDestCheck, "vpn-hub-1");
    let t = trace(&d, "dns-1", "app-a1", "tcp", Some(53));
    assert_blocked(&t, Code::SourceDestCheck, "vpn-hub-1");
    let t = trace(&d, "app-a1", "app-b1", "tcp", Some(443));
    assert_reachable(&t);
}

/// A spoke that sends everything in 10.0.0.0/8 to its VGW (static routes)
/// while the appliance has no tunnel to the destination spoke: the appliance
/// is where it stops, with the tunnel routes it has.
#[test]
fn transit_vpc_missing_tunnel_stops_at_the_appliance() {
    let mut d = transit();
    set_vpn(&mut d, "vpn-spoke-a", |v| v.routing = static_routes("10.0.0.0/8"));
    let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-spoke-a").unwrap();
    rt.propagating_vgws.clear();
    add_route(&mut d, "rt-spoke-a", "10.0.0.0/8", "vgw:vgw-spoke-a");
    d.vpn_connections.retain(|v| v.name != "vpn-spoke-b");
    let t = trace(&d, "app-a1", "app-b1", "tcp", Some(443));
    assert_blocked(&t, Code::SoftwareVpnNoRoute, "vpn-hub-1");
    let b = t.blocked.as_ref().unwrap();
    assert!(b.message.contains("10.1.0.0/16 → vpn-spoke-a"), "{}", b.message);
    // A tunnel that exists but is down says so instead.
    let mut d = transit();
    set_vpn(&mut d, "vpn-spoke-a", |v| v.routing = static_routes("10.0.0.0/8"));
    add_route(&mut d, "rt-spoke-a", "10.0.0.0/8", "vgw:vgw-spoke-a");
    set_vpn(&mut d, "vpn-spoke-b", |v| v.tunnels_up = [false, false]);
    let t = trace(&d, "app-a1", "app-b1", "tcp", Some(443));
    assert_blocked(&t, Code::VpnDown, "vpn-spoke-b");
}

/// What-if: the appliance fails, and with it every path through the hub
/// (the reason AWS's Transit VPC solution ran two appliances in two AZs).
#[test]
fn transit_vpc_appliance_failure_cuts_every_spoke_path() {
    let d = transit();
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "app-a1".into(),
        to: "app-b1".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    let t = analysis::trace_with_failures(&d, &idx, &q, &[Failure::Component("vpn-hub-1".into())]).unwrap();
    assert!(!t.reachable, "{}", t.to_text());
    assert!(
        t.forward.iter().any(|h| h.id == "vpn-hub-1" && !h.passed),
        "{}",
        t.to_text()
    );
}
