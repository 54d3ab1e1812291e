//! Each template teaches what its description claims: the reachability engine
//! (the same one `vpcd trace` uses) gives the verdicts AWS would, and the
//! interesting paths go through the components the pattern is about.

use vpcd::analysis::{self, Failure, HopKind};
use vpcd::create::templates;
use vpcd::model::{DesignIndex, Protocol, TraceQuery};

struct Case {
    template: &'static str,
    from: &'static str,
    to: &'static str,
    port: u16,
    reachable: bool,
    /// A hop kind and id the forward path must contain.
    via: Option<(HopKind, &'static str)>,
    fail: Option<&'static str>,
}

const fn case(template: &'static str, from: &'static str, to: &'static str, port: u16, reachable: bool) -> Case {
    Case {
        template,
        from,
        to,
        port,
        reachable,
        via: None,
        fail: None,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("single-public-subnet", "internet", "web-1", 443, true),
        case("single-public-subnet", "web-1", "internet", 443, true),
        // Wizard scenario 2: the private subnet gets out through NAT but is not reachable from outside.
        Case {
            via: Some((HopKind::NatGateway, "nat-a")),
            ..case("public-private-nat", "db-1", "internet", 443, true)
        },
        case("public-private-nat", "internet", "db-1", 5432, false),
        case("public-private-nat", "web-1", "db-1", 5432, true),
        // Wizard scenarios 3 and 4: the VPN-only subnet talks to the data centre over the VPN.
        Case {
            via: Some((HopKind::VpnConnection, "vpn-dc")),
            ..case("public-private-vpn", "app-1", "onprem:datacenter", 443, true)
        },
        case("public-private-vpn", "onprem:datacenter", "app-1", 443, true),
        case("private-vpn-only", "onprem:datacenter", "app-1", 22, true),
        case("private-vpn-only", "app-1", "internet", 443, false),
        // Three tiers: internet → ALB → app → db; the database has no way out.
        case("three-tier-alb", "internet", "alb-web", 443, true),
        case("three-tier-alb", "alb-web", "app-1", 8080, true),
        case("three-tier-alb", "app-1", "db-1", 5432, true),
        case("three-tier-alb", "internet", "app-1", 8080, false),
        case("three-tier-alb", "db-1", "internet", 443, false),
        Case {
            via: Some((HopKind::NatGateway, "nat-b")),
            ..case("three-tier-alb", "app-2", "internet", 443, true)
        },
        // Bastion: SSH only from the office, and from the bastion to the private hosts.
        case("bastion-host", "onprem:office", "bastion", 22, true),
        case("bastion-host", "internet", "bastion", 22, false),
        case("bastion-host", "bastion", "app-2", 22, true),
        // Hub and spoke: spokes reach shared services but not each other.
        case("transit-hub-spoke", "prod-app", "shared-api", 443, true),
        case("transit-hub-spoke", "shared-api", "dev-app", 443, true),
        case("transit-hub-spoke", "prod-app", "dev-app", 443, false),
        // Inspection: spoke-to-spoke and egress pass the firewall; the firewall drops SSH; no inbound.
        Case {
            via: Some((HopKind::Firewall, "nfw")),
            ..case("inspection-firewall", "spoke-a-1", "spoke-b-1", 443, true)
        },
        Case {
            via: Some((HopKind::Firewall, "nfw")),
            ..case("inspection-firewall", "spoke-a-1", "internet", 443, true)
        },
        // The other direction starts in us-east-1b: appliance mode keeps its reply on the same endpoint.
        Case {
            via: Some((HopKind::Firewall, "nfw")),
            ..case("inspection-firewall", "spoke-b-1", "spoke-a-1", 443, true)
        },
        case("inspection-firewall", "spoke-a-1", "internet", 22, false),
        case("inspection-firewall", "internet", "spoke-a-1", 443, false),
        // Peering triangle: A reaches C over its own peering, not through B.
        Case {
            via: Some((HopKind::Peering, "pcx-a-c")),
            ..case("peering-triangle", "app-a", "app-c", 443, true)
        },
        case("peering-triangle", "app-b", "app-c", 443, true),
        // Without pcx-a-c, A cannot reach C through B (not transitive).
        Case {
            fail: Some("pcx-a-c"),
            ..case("peering-triangle", "app-a", "app-c", 443, false)
        },
        Case {
            via: Some((HopKind::GatewayEndpoint, "vpce-s3")),
            ..case("gateway-endpoints", "app-1", "s3", 443, true)
        },
        case("gateway-endpoints", "app-2", "dynamodb", 443, true),
        case("gateway-endpoints", "app-1", "internet", 443, false),
        case("interface-endpoints", "worker-1", "sqs", 443, true),
        case("interface-endpoints", "worker-2", "ec2", 443, true),
        // Hybrid: Direct Connect first, the VPN when DX fails.
        Case {
            via: Some((HopKind::DxConnection, "dx-primary")),
            ..case("hybrid-dx-vpn", "app-1", "onprem:datacenter", 443, true)
        },
        Case {
            via: Some((HopKind::VpnConnection, "vpn-backup")),
            fail: Some("dx-primary"),
            ..case("hybrid-dx-vpn", "app-1", "onprem:datacenter", 443, true)
        },
        // CloudHub: branches reach the VPC and each other through the VGW.
        case("vpn-cloudhub", "onprem:branch-1", "hq-app", 443, true),
        Case {
            via: Some((HopKind::VpnGateway, "vgw-hub")),
            ..case("vpn-cloudhub", "onprem:branch-1", "onprem:branch-3", 445, true)
        },
        // Dual stack: IPv6 out through the egress-only IGW, nothing in.
        Case {
            via: Some((HopKind::EgressOnlyGateway, "eigw-dual")),
            ..case("dual-stack-eigw", "app-1", "internet6", 443, true)
        },
        case("dual-stack-eigw", "internet6", "app-1", 8080, false),
        case("dual-stack-eigw", "internet6", "web-1", 443, true),
        // VPC sharing: participants' instances in the owner's subnets use the
        // owner's routes (its NAT gateway), and a participant's group admits
        // another participant's group of the same VPC (VPC User Guide, "Share
        // your VPC subnets with other accounts").
        case("shared-vpc", "app-1", "db-1", 5432, true),
        Case {
            via: Some((HopKind::NatGateway, "nat-a")),
            ..case("shared-vpc", "app-2", "internet", 443, true)
        },
        case("shared-vpc", "db-1", "app-1", 22, false),
        case("shared-vpc", "internet", "app-1", 443, false),
        // Transit VPC: spokes and the data centre meet at the software VPN.
        Case {
            via: Some((HopKind::Appliance, "vpn-hub-1")),
            ..case("transit-vpc", "app-a1", "app-b1", 443, true)
        },
        Case {
            via: Some((HopKind::VpnConnection, "vpn-datacenter")),
            ..case("transit-vpc", "onprem:datacenter", "app-a1", 443, true)
        },
        case("transit-vpc", "internet", "app-b1", 443, false),
    ]
}

#[test]
fn templates_behave_as_their_descriptions_say() {
    let mut failures = Vec::new();
    for c in cases() {
        let d = templates::find(c.template).unwrap().design();
        let idx = DesignIndex::new(&d);
        let q = TraceQuery {
            from: c.from.into(),
            to: c.to.into(),
            proto: Protocol::Tcp,
            port: Some(c.port),
            sport: None,
        };
        let fails: Vec<Failure> = c.fail.iter().map(|f| Failure::parse(&d, f)).collect();
        let t = analysis::trace_with_failures(&d, &idx, &q, &fails)
            .unwrap_or_else(|e| panic!("{} {} → {}: {e}", c.template, c.from, c.to));
        if t.reachable != c.reachable {
            failures.push(format!(
                "{}: {} → {} tcp/{} reachable={} (expected {})\n{}",
                c.template,
                c.from,
                c.to,
                c.port,
                t.reachable,
                c.reachable,
                t.to_text()
            ));
            continue;
        }
        if let Some((kind, id)) = c.via {
            if !t.forward.iter().any(|h| h.kind == kind && h.id == id) {
                failures.push(format!(
                    "{}: {} → {} does not pass {kind:?} {id}\n{}",
                    c.template,
                    c.from,
                    c.to,
                    t.to_text()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The inspection template turns appliance mode on for a reason: without it the reply of a
/// cross-AZ spoke-to-spoke flow reaches the other AZ's firewall endpoint, which drops it
/// (TGW guide, transit-gateway-appliance-scenario; Network Firewall guide, vpc-config-tgw-multi-az).
#[test]
fn inspection_template_needs_its_appliance_mode() {
    let mut d = templates::find("inspection-firewall").unwrap().design();
    let att = d.transit_gateways[0]
        .attachments
        .iter_mut()
        .find(|a| a.name == "att-inspection")
        .unwrap();
    assert!(att.appliance_mode);
    att.appliance_mode = false;
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "spoke-a-1".into(),
        to: "spoke-b-1".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    let t = analysis::trace(&d, &idx, &q).unwrap();
    let b = t.blocked.as_ref().expect("blocked without appliance mode");
    assert_eq!(b.code, analysis::Code::FirewallAsymmetric, "{}", t.to_text());
    assert_eq!(b.leg, analysis::Leg::Return);
}
