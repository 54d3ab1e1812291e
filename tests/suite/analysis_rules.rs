//! One test per AWS forwarding rule. Each builds a small
//! design and asserts the verdict, the ordered hops and the explanation code.
//! Sources: the AWS guide and page cited per test (Amazon VPC User Guide,
//! Transit Gateways guide, Site-to-Site VPN and Direct Connect user guides,
//! Reachability Analyzer User Guide).

use crate::analysis_support;

use analysis_support::*;
use vpcd::analysis::{Code, HopKind, Leg};
use vpcd::model::{Direction, InstanceRole};

/// One VPC `v` (10.0.0.0/16): `pub` 10.0.0.0/24 (0/0 → igw), `priv` 10.0.1.0/24
/// (0/0 → nat-a in pub), `db` 10.0.2.0/24 (local only); web (EIP 54.1.1.1),
/// app, db; sg-web 80 from anywhere, sg-app 8080 from sg-web, sg-db 5432 from sg-app.
fn three_tier() -> B {
    B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt-pub", "v", &[("0.0.0.0/0", "igw:igw")])
        .rt("rt-priv", "v", &[("0.0.0.0/0", "nat:nat-a")])
        .rt("rt-db", "v", &[])
        .subnet("pub", "v", AZ_A, "10.0.0.0/24", "rt-pub", None)
        .subnet("priv", "v", AZ_A, "10.0.1.0/24", "rt-priv", None)
        .subnet("sdb", "v", AZ_A, "10.0.2.0/24", "rt-db", None)
        .nat("nat-a", "pub")
        .sg("sg-web", "v", &["tcp 80 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .sg("sg-app", "v", &["tcp 8080 sg:sg-web"], &["all 0.0.0.0/0"])
        .sg("sg-db", "v", &["tcp 5432 sg:sg-app"], &["all 0.0.0.0/0"])
        .inst("web", "pub", "10.0.0.10", &["sg-web"])
        .with_eip("54.1.1.1")
        .inst("app", "priv", "10.0.1.10", &["sg-app"])
        .inst("db", "sdb", "10.0.2.10", &["sg-db"])
}

/// VPC User Guide, "Internet gateways" (route + public IP, 1:1 NAT) and the hop order of the
/// Reachability Analyzer User Guide's CLI example 2:
/// igw → nacl(ingress) → sg(ingress) → instance; return instance → sg → nacl(egress) → rt → igw.
#[test]
fn igw_public_web_server_reachable_both_ways() {
    let d = three_tier().build();
    let t = trace(&d, "internet", "web", "tcp", Some(80));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward), ["internet", "igw", "v-default-acl", "sg-web", "web"]);
    assert_eq!(
        ids(&t.return_path),
        ["web", "sg-web", "v-default-acl", "rt-pub", "igw", "internet"]
    );
    let igw = &t.forward[1];
    assert_eq!(igw.packet_in.dst.to_string(), "54.1.1.1");
    assert_eq!(igw.packet_out.dst.to_string(), "10.0.0.10");
    // Outbound from the web server too.
    let t = trace(&d, "web", "internet", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(t.forward[4].kind, HopKind::InternetGateway);
    assert_eq!(t.forward[4].packet_out.src.to_string(), "54.1.1.1");
}

/// VPC User Guide, "NAT gateway basics" (private instances initiate, unsolicited inbound refused)
/// and Batfish `testInstanceToInternet_bidirectional` hop order.
#[test]
fn nat_gateway_private_app_updates_and_internet_cannot_reach_it() {
    let d = three_tier().build();
    let t = trace(&d, "app", "internet", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        [
            "app",
            "sg-app",
            "v-default-acl",
            "rt-priv",
            "v-default-acl",
            "nat-a",
            "v-default-acl",
            "rt-pub",
            "igw",
            "internet"
        ]
    );
    assert_eq!(t.forward[3].detail, "rt-priv: 0.0.0.0/0 → nat-a");
    assert_eq!(t.forward[8].packet_out.src.to_string(), "3.3.3.1", "the NAT's EIP");
    assert!(ids(&t.return_path).contains(&"nat-a"));
    assert_eq!(t.return_path.last().unwrap().id, "app");

    let t = trace(&d, "internet", "app", "tcp", Some(8080));
    assert_blocked(&t, Code::NoPublicIpIngress, "igw");
    // Even aimed at the NAT gateway's EIP, unsolicited inbound is dropped at the NAT.
    let t = trace(&d, "internet", "3.3.3.1", "tcp", Some(8080));
    assert_blocked(&t, Code::UnsolicitedInbound, "nat-a");
}

/// Two AZs, private subnets `priv-a` and `priv-b` both routed to one regional NAT
/// gateway `nat-r` of `v`, no public subnet at all (VPC User Guide, "Regional NAT
/// gateways for automatic multi-AZ expansion": "you don't need to create a
/// public subnet to host it").
fn regional() -> B {
    B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt-priv", "v", &[("0.0.0.0/0", "nat:nat-r")])
        .subnet("priv-a", "v", AZ_A, "10.0.1.0/24", "rt-priv", None)
        .subnet("priv-b", "v", AZ_B, "10.0.2.0/24", "rt-priv", None)
        .regional_nat("nat-r", "v")
        .sg("sg-app", "v", &["tcp 8080 10.0.0.0/16"], &["all 0.0.0.0/0"])
        .inst("app-a", "priv-a", "10.0.1.10", &["sg-app"])
        .inst("app-b", "priv-b", "10.0.2.10", &["sg-app"])
}

/// VPC User Guide, "Regional NAT gateways": one NAT gateway serves every AZ of
/// the VPC, each AZ's traffic translated in that AZ to the gateway's address
/// there, out through the VPC's internet gateway, and the reply back the same way.
#[test]
fn regional_nat_gateway_serves_private_subnets_of_two_azs() {
    let d = regional().build();
    let mut sources = Vec::new();
    for (app, az) in [("app-a", AZ_A), ("app-b", AZ_B)] {
        let t = trace(&d, app, "internet", "tcp", Some(443));
        assert_reachable(&t);
        assert_eq!(
            ids(&t.forward),
            [app, "sg-app", "v-default-acl", "rt-priv", "nat-r", "igw", "internet"]
        );
        let nat = &t.forward[4];
        assert_eq!(nat.kind, HopKind::NatGateway);
        assert!(
            nat.detail.contains("regional") && nat.detail.contains(az),
            "{}",
            nat.detail
        );
        let public = nat.packet_out.src;
        assert!(!public.to_string().starts_with("10."), "translated to a public address");
        assert_eq!(t.forward[5].packet_out.src, public, "the IGW does not translate again");
        sources.push(public);
        assert_eq!(
            ids(&t.return_path),
            ["internet", "igw", "nat-r", "v-default-acl", "sg-app", app]
        );
        assert_eq!(
            t.return_path[2].packet_out.dst.to_string(),
            if app == "app-a" { "10.0.1.10" } else { "10.0.2.10" }
        );
    }
    assert_ne!(sources[0], sources[1], "one address per AZ");
    // Outbound only: the gateway's address admits nothing initiated outside.
    let t = trace(&d, "internet", &sources[0].to_string(), "tcp", Some(8080));
    assert_blocked(&t, Code::UnsolicitedInbound, "nat-r");
    // A zonal NAT gateway in AZ_A's failed AZ would cut app-b; the regional one
    // keeps serving the AZ that is up.
    let idx = vpcd::model::DesignIndex::new(&d);
    let q = vpcd::model::TraceQuery {
        from: "app-b".into(),
        to: "internet".into(),
        proto: "tcp".parse().unwrap(),
        port: Some(443),
        sport: None,
    };
    let t = vpcd::analysis::trace_with_failures(&d, &idx, &q, &[vpcd::analysis::Failure::AzDown(AZ_A.into())]).unwrap();
    assert_reachable(&t);
}

/// The zonal path is unchanged beside a regional NAT gateway: a private subnet
/// routed to a zonal NAT gateway still crosses its subnet's NACL and route table.
#[test]
fn zonal_nat_gateway_path_is_unchanged_beside_a_regional_one() {
    let d = three_tier().regional_nat("nat-r", "v").build();
    let t = trace(&d, "app", "internet", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        [
            "app",
            "sg-app",
            "v-default-acl",
            "rt-priv",
            "v-default-acl",
            "nat-a",
            "v-default-acl",
            "rt-pub",
            "igw",
            "internet"
        ]
    );
}

/// A regional NAT gateway is public only and leaves by the VPC's internet
/// gateway: without one (IGW_NOT_ATTACHED), and for IPv4 private destinations,
/// which the internet gateway drops (RA `IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS`).
#[test]
fn regional_nat_gateway_needs_the_internet_gateway_and_public_destinations() {
    let mut d = regional().build();
    let t = trace(&d, "app-a", "192.168.1.1", "tcp", Some(443));
    assert_blocked(&t, Code::IgwPrivateDestination, "igw");
    d.internet_gateways.clear();
    let t = trace(&d, "app-a", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::IgwNotAttached, "nat-r");
    // UDP is translated, other protocols are not (NAT gateway basics).
    let d = regional().build();
    assert_reachable(&trace(&d, "app-b", "internet", "udp", Some(123)));
}

/// VPC User Guide, "How route priority works" / Reachability Analyzer `NO_ROUTE_TO_DESTINATION`: a
/// table with only the local route.
#[test]
fn route_database_with_no_route_out() {
    let d = three_tier().build();
    let t = trace(&d, "db", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::NoRoute, "rt-db");
    assert_eq!(ids(&t.forward), ["db", "sg-db", "v-default-acl", "rt-db"]);
}

/// VPC User Guide, "Network ACLs" and "Ephemeral ports": NACLs are stateless; the reply to the
/// client's ephemeral port needs its own outbound rule. Arrived but reply dropped = NOT reachable.
#[test]
fn nacl_allows_request_but_not_the_ephemeral_reply() {
    let d = three_tier()
        .nacl(
            "nacl-web",
            "v",
            &["100 allow tcp 80 0.0.0.0/0"],
            &["100 allow tcp 80 0.0.0.0/0"],
        )
        .build();
    let mut d = d;
    set_subnet_nacl(&mut d, "pub", "nacl-web");
    let t = trace(&d, "internet", "web", "tcp", Some(80));
    assert!(!t.reachable);
    let b = t.blocked.as_ref().unwrap();
    assert_eq!(b.leg, Leg::Return);
    assert_eq!(b.code, Code::NaclImplicitDeny);
    assert_eq!(b.component, "nacl-web");
    assert_eq!(b.direction, Some(Direction::Outbound));
    assert!(
        b.message.contains("tcp to the client's ephemeral port 40000"),
        "{}",
        b.message
    );
    // The request itself was delivered.
    assert_eq!(t.forward.last().unwrap().id, "web");
    // Flow logs would show ACCEPT in, REJECT out — but only with a flow log.
    assert!(t.flow_logs.is_empty());
}

/// VPC User Guide, "Network ACL rules": rules are evaluated in ascending number; the first match
/// wins.
#[test]
fn nacl_lower_numbered_deny_wins() {
    let mut d = three_tier()
        .nacl(
            "nacl-web",
            "v",
            &["200 allow tcp 80 0.0.0.0/0", "100 deny tcp 80 198.51.100.0/24"],
            &["100 allow all 0.0.0.0/0"],
        )
        .build();
    set_subnet_nacl(&mut d, "pub", "nacl-web");
    let t = trace(&d, "internet", "web", "tcp", Some(80));
    assert_blocked(&t, Code::NaclRuleDenies, "nacl-web");
    assert!(t.blocked.as_ref().unwrap().message.contains("rule 100 denies"));
    let t = trace(&d, "internet:203.0.113.9", "web", "tcp", Some(80));
    assert_reachable(&t);
    assert!(
        t.forward[2].detail.contains("rule 200 allow"),
        "{}",
        t.forward[2].detail
    );
}

/// VPC User Guide, "Network ACLs" (not evaluated within a subnet) and Batfish
/// `AwsConfigurationSubnetTest.testInstanceToInstance`: NACLs never apply between two hosts of one
/// subnet.
#[test]
fn nacl_intra_subnet_traffic_ignores_nacls() {
    let mut d = three_tier()
        .nacl("deny-all", "v", &[], &[])
        .sg("sg-peer", "v", &["tcp 22 10.0.1.0/24"], &["all 0.0.0.0/0"])
        .inst("app2", "priv", "10.0.1.11", &["sg-peer"])
        .build();
    set_subnet_nacl(&mut d, "priv", "deny-all");
    let t = trace(&d, "app", "app2", "tcp", Some(22));
    assert_reachable(&t);
    assert_eq!(ids(&t.forward), ["app", "sg-app", "sg-peer", "app2"]);
    assert!(t.forward.iter().all(|h| h.kind != HopKind::NetworkAcl));
    // Leaving the subnet, the deny-all NACL applies.
    let t = trace(&d, "app", "db", "tcp", Some(5432));
    assert_blocked(&t, Code::NaclImplicitDeny, "deny-all");
}

/// VPC User Guide, "Security group rules": a rule referencing an SG matches the private IPs of its
/// members only.
#[test]
fn sg_referencing_sg() {
    let d = three_tier().build();
    let t = trace(&d, "web", "app", "tcp", Some(8080));
    assert_reachable(&t);
    assert_eq!(t.forward[5].detail, "sg-app inbound from sg-web tcp 8080");
    let t = trace(&d, "db", "app", "tcp", Some(8080));
    assert_blocked(&t, Code::SgNoMatchingRule, "sg-app");
    assert_eq!(t.blocked.as_ref().unwrap().direction, Some(Direction::Inbound));
}

fn two_vpcs(route_back: bool) -> B {
    let b_routes: Vec<(&str, &str)> = if route_back {
        vec![("10.0.0.0/16", "pcx:pcx-ab")]
    } else {
        vec![]
    };
    B::new()
        .vpc("a", "10.0.0.0/16")
        .vpc("b", "10.1.0.0/16")
        .rt("rt-a", "a", &[("10.1.0.0/16", "pcx:pcx-ab")])
        .rt("rt-b", "b", &b_routes)
        .subnet("sa", "a", AZ_A, "10.0.1.0/24", "rt-a", None)
        .subnet("sb", "b", AZ_A, "10.1.1.0/24", "rt-b", None)
        .peering("pcx-ab", "a", "b")
        .sg("sg-a", "a", &[], &["all 0.0.0.0/0"])
        .sg("sg-b", "b", &["tcp 443 10.0.0.0/16"], &["all 0.0.0.0/0"])
        .inst("ia", "sa", "10.0.1.10", &["sg-a"])
        .inst("ib", "sb", "10.1.1.10", &["sg-b"])
}

/// VPC Peering Guide, "Update your route tables for a VPC peering connection": both sides
/// need routes; entering over a peering shows no route-table hop (as in Reachability
/// Analyzer's published examples of entering a VPC).
#[test]
fn peering_with_routes_on_both_sides_and_one_side_missing() {
    let d = two_vpcs(true).build();
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(
        ids(&t.forward),
        [
            "ia",
            "sg-a",
            "a-default-acl",
            "rt-a",
            "pcx-ab",
            "b-default-acl",
            "sg-b",
            "ib"
        ]
    );
    assert_eq!(
        ids(&t.return_path),
        [
            "ib",
            "sg-b",
            "b-default-acl",
            "rt-b",
            "pcx-ab",
            "a-default-acl",
            "sg-a",
            "ia"
        ]
    );

    let d = two_vpcs(false).build();
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_blocked_on(&t, Code::NoRoute, Leg::Return, "rt-b");
}

/// VPC Peering Guide, "Unsupported VPC peering configurations" (transitive peering) / Reachability
/// Analyzer `PCX_REQUIRES_ADDRESS_IN_VPC_CIDR`: A–B and B–C peered; A cannot reach C via B.
#[test]
fn peering_is_not_transitive() {
    let d = two_vpcs(true)
        .vpc("c", "10.2.0.0/16")
        .rt("rt-c", "c", &[("10.1.0.0/16", "pcx:pcx-bc")])
        .subnet("sc", "c", AZ_A, "10.2.1.0/24", "rt-c", None)
        .peering("pcx-bc", "b", "c")
        .sg("sg-c", "c", &["all 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("ic", "sc", "10.2.1.10", &["sg-c"])
        .build();
    let mut d = d;
    add_route(&mut d, "rt-a", "10.2.0.0/16", "pcx:pcx-ab");
    let t = trace(&d, "ia", "ic", "tcp", Some(443));
    assert_blocked(&t, Code::NotTransitive, "pcx-ab");
    assert_eq!(ids(&t.forward), ["ia", "sg-a", "a-default-acl", "rt-a", "pcx-ab"]);
}

/// VPC Peering Guide, "Unsupported VPC peering configurations": no edge-to-edge routing — A cannot
/// use B's NAT gateway.
#[test]
fn peering_edge_to_edge_through_peers_nat_is_blocked() {
    let mut d = two_vpcs(true)
        .igw("igw-b", "b")
        .rt("rt-b-pub", "b", &[("0.0.0.0/0", "igw:igw-b")])
        .subnet("sb-pub", "b", AZ_A, "10.1.0.0/24", "rt-b-pub", None)
        .nat("nat-b", "sb-pub")
        .build();
    add_route(&mut d, "rt-a", "0.0.0.0/0", "pcx:pcx-ab");
    let t = trace(&d, "ia", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::EdgeToEdge, "pcx-ab");
}

/// VPC User Guide, "How route priority works": longest prefix wins — a /16 peering route beats
/// 0.0.0.0/0 → igw.
#[test]
fn route_more_specific_peering_route_beats_default() {
    let mut d = two_vpcs(true).igw("igw-a", "a").build();
    d.route_tables
        .iter_mut()
        .find(|r| r.name == "rt-a")
        .unwrap()
        .routes
        .insert(
            0,
            vpcd::model::Route::new("0.0.0.0/0".parse().unwrap(), target("igw:igw-a")),
        );
    let t = trace(&d, "ia", "ib", "tcp", Some(443));
    assert_reachable(&t);
    assert_eq!(t.forward[3].detail, "rt-a: 10.1.0.0/16 → pcx-ab");
}

/// VPC User Guide, "Delete a NAT gateway": a deleted NAT gateway leaves its routes in state
/// blackhole.
#[test]
fn route_blackhole_to_deleted_nat() {
    let mut d = three_tier().build();
    d.nat_gateways.clear();
    let t = trace(&d, "app", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::BlackholeRoute, "rt-priv");
    assert!(t.blocked.unwrap().message.contains("nat-a"));
}

/// VPC User Guide, "Internet gateways" (Reachability Analyzer
/// `IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS`): a route to the IGW is not
/// enough; the instance needs a public IP.
#[test]
fn igw_needs_a_public_ip_outbound() {
    let d = three_tier().inst("nopub", "pub", "10.0.0.20", &["sg-web"]).build();
    let t = trace(&d, "nopub", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::NoPublicIp, "igw");
}

/// Reachability Analyzer `IGW_NAT_REFLECTION`: hairpin to an own public address is unsupported.
#[test]
fn igw_hairpin_to_own_public_ip_is_unsupported() {
    let d = three_tier().build();
    let t = trace(&d, "app", "54.1.1.1", "tcp", Some(80));
    assert_blocked(&t, Code::Unsupported, "internet");
}

/// VPC User Guide, "Internet gateways" and "NAT gateway basics": a reply that leaves through a NAT
/// gateway instead of the IGW the request came in by is never seen by the client (asymmetric
/// return).
#[test]
fn reply_through_nat_instead_of_igw_is_asymmetric() {
    let d = three_tier()
        .sg("sg-open", "v", &["tcp 22 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .inst("eip-in-private", "priv", "10.0.1.20", &["sg-open"])
        .with_eip("54.1.1.2")
        .build();
    let t = trace(&d, "internet", "eip-in-private", "tcp", Some(22));
    assert_blocked_on(&t, Code::AsymmetricReturn, Leg::Return, "nat-a");
}

/// Divergence table: a NAT gateway's subnet NACL that admits only part of 1024–65535 →
/// reachable, with a warning.
#[test]
fn nat_partial_ephemeral_range_warns() {
    let mut d = three_tier()
        .nacl(
            "nacl-pub",
            "v",
            &[
                "100 allow tcp 443 0.0.0.0/0",
                "110 allow tcp 32768-65535 0.0.0.0/0",
                "120 allow all 10.0.0.0/16",
            ],
            &["100 allow all 0.0.0.0/0"],
        )
        .build();
    set_subnet_nacl(&mut d, "pub", "nacl-pub");
    let t = trace(&d, "app", "internet", "tcp", Some(443));
    assert_reachable(&t);
    assert!(
        t.notes.iter().any(|n| n.contains("only part of 1024-65535")),
        "{:?}",
        t.notes
    );
}

/// VPC User Guide, "Example routing options" (a middlebox appliance needs source/destination
/// check off) and Reachability Analyzer
/// `ENI_SOURCE_DEST_CHECK_RESTRICTION`; a NAT instance translates the source.
#[test]
fn nat_instance_needs_source_dest_check_off() {
    let build = |sdc_off: bool| {
        let mut b = three_tier()
            .rt("rt-natinst", "v", &[("0.0.0.0/0", "i:natbox")])
            .subnet("priv2", "v", AZ_A, "10.0.3.0/24", "rt-natinst", None)
            .sg("sg-nat", "v", &["all 10.0.0.0/16"], &["all 0.0.0.0/0"])
            .inst("natbox", "pub", "10.0.0.30", &["sg-nat"])
            .with_eip("54.1.1.3");
        if sdc_off {
            b = b.forwarding(InstanceRole::NatInstance);
        }
        b.sg("sg-w", "v", &[], &["all 0.0.0.0/0"])
            .inst("worker", "priv2", "10.0.3.10", &["sg-w"])
            .build()
    };
    let t = trace(&build(false), "worker", "internet", "tcp", Some(443));
    assert_blocked(&t, Code::SourceDestCheck, "natbox");
    let t = trace(&build(true), "worker", "internet", "tcp", Some(443));
    assert_reachable(&t);
    let hop = t.forward.iter().find(|h| h.id == "natbox").unwrap();
    assert_eq!(hop.kind, HopKind::Appliance);
    assert_eq!(hop.packet_out.src.to_string(), "10.0.0.30");
}
