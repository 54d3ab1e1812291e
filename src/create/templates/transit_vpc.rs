//! The `transit-vpc` template: a software VPN appliance on an instance in a
//! transit VPC terminates the spoke VPCs' VPN connections and the data
//! centre's tunnel, and routes between them (Amazon Virtual Private Cloud
//! Connectivity Options whitepaper, "Transit VPC"; the former AWS Transit VPC
//! solution). AWS now recommends a transit gateway for this.

use super::build::*;
use crate::model::*;

/// The software VPN instance; the spokes' customer gateway has its Elastic IP.
const HUB_NAME: &str = "vpn-hub-1";

pub fn transit_vpc() -> Design {
    let mut b = Builder::new(
        "",
        "",
        "us-east-1",
        &["us-east-1a".to_string(), "us-east-1b".to_string()],
    );
    // The transit VPC: the appliance in a public subnet (it needs an Elastic
    // IP for its tunnels), and a shared-services subnet that reaches the
    // spokes and the data centre through it.
    b.vpc("transit", net("10.0.0.0/16"));
    b.igw("igw-transit", "transit");
    b.route_table(
        "rt-transit-public",
        "transit",
        vec![default_route(RouteTarget::InternetGateway("igw-transit".into()))],
    );
    let to_hub = |c: &str| route(ipnet(c), RouteTarget::Instance(HUB_NAME.into()));
    b.route_table(
        "rt-services",
        "transit",
        vec![to_hub("10.1.0.0/16"), to_hub("10.2.0.0/16"), to_hub("172.16.0.0/16")],
    );
    b.subnet(
        "transit-a",
        "transit",
        0,
        net("10.0.0.0/24"),
        "transit",
        Some("rt-transit-public"),
        None,
    );
    b.subnet(
        "services-a",
        "transit",
        0,
        net("10.0.10.0/24"),
        "services",
        Some("rt-services"),
        None,
    );
    let ike = |port: u16| SgRule::new(Protocol::Udp, PortRange::single(port), peer_cidr(ipnet("0.0.0.0/0")));
    b.sg(
        "sg-vpn-hub",
        "transit",
        "IPsec (IKE and NAT traversal) from the tunnels' far ends; everything the spokes, the data centre and the services subnet send through it",
        vec![
            ike(500),
            ike(4500),
            SgRule::new(Protocol::All, PortRange::ALL, peer_cidr(ipnet("10.0.0.0/8"))),
            SgRule::new(Protocol::All, PortRange::ALL, peer_cidr(ipnet("172.16.0.0/16"))),
        ],
    );
    let eip = b.eip("eip-vpn-hub-1");
    let hub = b.instance(HUB_NAME, InstanceRole::Other, "transit-a", &["sg-vpn-hub"]);
    hub.description = Some("Software VPN appliance: terminates every tunnel and routes between them".into());
    hub.elastic_ip = Some(eip);
    // It sends and receives packets that are not its own (EC2 User Guide,
    // "Source/destination checking").
    hub.source_dest_check = false;
    b.sg(
        "sg-dns",
        "transit",
        "DNS for the spokes and the data centre",
        vec![
            sg_tcp(53, peer_cidr(ipnet("10.0.0.0/8"))),
            sg_tcp(53, peer_cidr(ipnet("172.16.0.0/16"))),
        ],
    );
    b.instance("dns-1", InstanceRole::Other, "services-a", &["sg-dns"])
        .description = Some("Shared DNS resolver".into());

    // The spokes: a VGW each, with a BGP VPN connection to the appliance,
    // whose routes they learn by propagation.
    for (n, cidr, subnet) in [("a", "10.1.0.0/16", "10.1.1.0/24"), ("b", "10.2.0.0/16", "10.2.1.0/24")] {
        let vpc = format!("spoke-{n}");
        let vgw = format!("vgw-spoke-{n}");
        b.vpc(&vpc, net(cidr));
        b.vgw(&vgw, &vpc);
        b.route_table(&format!("rt-spoke-{n}"), &vpc, Vec::new())
            .propagating_vgws = vec![vgw.clone()];
        b.subnet(
            &format!("app-{n}"),
            &vpc,
            0,
            net(subnet),
            "app",
            Some(&format!("rt-spoke-{n}")),
            None,
        );
        b.sg(
            &format!("sg-app-{n}"),
            &vpc,
            "HTTPS from the other spokes and the data centre",
            vec![
                sg_tcp(443, peer_cidr(ipnet("10.0.0.0/8"))),
                sg_tcp(443, peer_cidr(ipnet("172.16.0.0/16"))),
            ],
        );
        b.instance(
            &format!("app-{n}1"),
            InstanceRole::App,
            &format!("app-{n}"),
            &[&format!("sg-app-{n}")],
        );
    }
    let hub_ip =
        b.d.elastic_ips
            .iter()
            .find(|e| e.name == "eip-vpn-hub-1")
            .map(|e| e.address.to_string())
            .unwrap_or_default();
    b.cgw("cgw-vpn-hub-1", &hub_ip, 65100);
    b.vpn("vpn-spoke-a", "cgw-vpn-hub-1", "vgw-spoke-a", VpnRouting::Bgp);
    b.vpn("vpn-spoke-b", "cgw-vpn-hub-1", "vgw-spoke-b", VpnRouting::Bgp);

    // The data centre's router keeps one tunnel to the appliance, whatever
    // the number of spokes: IPsec AWS does not manage (no VPN connection charge).
    b.cgw("cgw-datacenter", "198.51.100.10", 65000);
    b.vpn_to(
        "vpn-datacenter",
        "cgw-datacenter",
        VpnTermination::Instance(HUB_NAME.into()),
        VpnRouting::Bgp,
    );
    b.onprem(
        "datacenter",
        "The data centre, behind its own VPN router",
        &["172.16.0.0/16"],
        Some("cgw-datacenter"),
        None,
    );
    b.finish()
}
