//! Templates of the provider-side patterns: a PrivateLink endpoint service
//! consumed from a VPC whose CIDR overlaps the provider's, and "bump in the
//! wire" inspection through a Gateway Load Balancer. Their intents live
//! with every other template's in `intents.rs`.

use super::build::*;
use super::us_east_1;
use crate::model::*;

fn nlb(name: &str, subnets: &[&str], listeners: Vec<Listener>, targets: &[&str]) -> LoadBalancer {
    LoadBalancer {
        name: name.into(),
        description: None,
        kind: LoadBalancerKind::Network,
        scheme: LoadBalancerScheme::Internal,
        subnets: subnets.iter().map(|s| s.to_string()).collect(),
        security_groups: Vec::new(),
        listeners,
        targets: targets.iter().map(|s| s.to_string()).collect(),
        cross_zone: false,
    }
}

/// A provider VPC offers its orders API through an internal NLB and an
/// endpoint service; a partner VPC with the very same CIDR reaches it through
/// an interface endpoint. Nothing is routed between the VPCs: the provider
/// cannot reach the partner, and the partner reaches only the service port.
pub fn privatelink_service() -> Design {
    let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
    // Both VPCs use 10.0.0.0/16: peering or a transit gateway could not join them.
    for (vpc, rt) in [("provider", "rt-provider"), ("partner", "rt-partner")] {
        b.vpc(vpc, net("10.0.0.0/16"));
        b.route_table(rt, vpc, Vec::new());
    }
    b.subnet(
        "provider-a",
        "provider",
        0,
        net("10.0.1.0/24"),
        "app",
        Some("rt-provider"),
        None,
    );
    b.subnet(
        "provider-b",
        "provider",
        1,
        net("10.0.2.0/24"),
        "app",
        Some("rt-provider"),
        None,
    );
    b.subnet(
        "partner-a",
        "partner",
        0,
        net("10.0.1.0/24"),
        "app",
        Some("rt-partner"),
        None,
    );
    b.subnet(
        "partner-b",
        "partner",
        1,
        net("10.0.2.0/24"),
        "app",
        Some("rt-partner"),
        None,
    );
    // Targets see the NLB's private address as the source of PrivateLink traffic
    // (client IP preservation does not apply to it), so admit the NLB's subnets.
    b.sg(
        "sg-orders",
        "provider",
        "Orders API from the NLB's subnets (PrivateLink traffic arrives from the NLB's address)",
        vec![
            sg_tcp_desc(8443, peer_cidr(ipnet("10.0.1.0/24")), "NLB node in provider-a"),
            sg_tcp_desc(8443, peer_cidr(ipnet("10.0.2.0/24")), "NLB node in provider-b"),
        ],
    );
    b.sg(
        "sg-provider-ops",
        "provider",
        "Provider's own hosts; no inbound",
        Vec::new(),
    );
    b.sg(
        "sg-vpce-orders",
        "partner",
        "HTTPS to the orders endpoint from the partner's app tier",
        vec![sg_tcp(443, peer_sg("sg-partner-app"))],
    );
    b.sg(
        "sg-partner-app",
        "partner",
        "Partner's app tier; no inbound",
        Vec::new(),
    );
    b.instance("orders-1", InstanceRole::App, "provider-a", &["sg-orders"]);
    b.instance("orders-2", InstanceRole::App, "provider-b", &["sg-orders"]);
    b.instance("provider-ops", InstanceRole::Other, "provider-a", &["sg-provider-ops"]);
    b.instance("partner-app", InstanceRole::App, "partner-a", &["sg-partner-app"]);
    b.d.load_balancers.push(nlb(
        "nlb-orders",
        &["provider-a", "provider-b"],
        vec![Listener {
            proto: Protocol::Tcp,
            port: 443,
            target_port: 8443,
        }],
        &["orders-1", "orders-2"],
    ));
    let mut svc = EndpointService::new("svc-orders", "nlb-orders");
    svc.description = Some("The orders API, offered to the partner account".into());
    svc.allowed_principals = vec!["arn:aws:iam::222233334444:root".into()];
    svc.connections = vec![EndpointConnection {
        endpoint: "vpce-orders".into(),
        owner: Some("222233334444".into()),
        state: EndpointConnectionState::Available,
    }];
    b.d.endpoint_services.push(svc);
    b.interface_endpoint(
        "vpce-orders",
        "partner",
        "svc-orders",
        &["partner-a", "partner-b"],
        &["sg-vpce-orders"],
    );
    if let Some(ep) = b.d.endpoints.last_mut() {
        if let EndpointKind::Interface { private_dns, .. } = &mut ep.kind {
            *private_dns = false;
        }
    }
    b.finish()
}

/// Internet ingress to a web tier inspected by third-party appliances behind a
/// Gateway Load Balancer in a security VPC: the internet gateway's edge route
/// table sends traffic for the web subnets to the Gateway Load Balancer
/// endpoint of their AZ, and the web subnets send their replies back through
/// the same endpoint, so both directions cross the same appliance.
pub fn gwlb_inspection() -> Design {
    let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
    // The security VPC: one appliance per AZ behind the GWLB.
    b.vpc("security", net("10.100.0.0/16"));
    b.route_table("rt-appliances", "security", Vec::new());
    b.subnet(
        "appliance-a",
        "security",
        0,
        net("10.100.1.0/24"),
        "appliance",
        Some("rt-appliances"),
        None,
    );
    b.subnet(
        "appliance-b",
        "security",
        1,
        net("10.100.2.0/24"),
        "appliance",
        Some("rt-appliances"),
        None,
    );
    b.sg(
        "sg-appliance",
        "security",
        "GENEVE (UDP 6081) from the Gateway Load Balancer",
        vec![SgRule::new(
            Protocol::Udp,
            PortRange::single(6081),
            peer_cidr(ipnet("10.100.0.0/16")),
        )],
    );
    for (name, subnet) in [("appliance-1", "appliance-a"), ("appliance-2", "appliance-b")] {
        let i = b.instance(name, InstanceRole::Other, subnet, &["sg-appliance"]);
        i.description = Some("Third-party firewall appliance".into());
    }
    b.d.load_balancers.push(LoadBalancer {
        name: "gwlb-inspect".into(),
        description: Some("Gateway Load Balancer in front of the appliance fleet".into()),
        kind: LoadBalancerKind::Gateway,
        scheme: LoadBalancerScheme::Internal,
        subnets: vec!["appliance-a".into(), "appliance-b".into()],
        security_groups: Vec::new(),
        listeners: Vec::new(),
        targets: vec!["appliance-1".into(), "appliance-2".into()],
        cross_zone: false,
    });
    let mut svc = EndpointService::new("svc-inspect", "gwlb-inspect");
    svc.description = Some("The inspection service the application VPC's endpoints connect to".into());
    svc.acceptance_required = false;
    b.d.endpoint_services.push(svc);

    // The application VPC: per AZ a GWLB endpoint subnet and a web subnet.
    b.vpc("app", net("10.0.0.0/16"));
    b.igw("igw-app", "app");
    b.route_table("rt-edge", "app", Vec::new());
    b.route_table(
        "rt-gwlbe",
        "app",
        vec![default_route(RouteTarget::InternetGateway("igw-app".into()))],
    );
    for (i, az) in ["a", "b"].into_iter().enumerate() {
        let ep = format!("gwlbe-{az}");
        let web_rt = format!("rt-web-{az}");
        let web_cidr = format!("10.0.{}.0/24", 10 + i);
        b.subnet(
            &format!("gwlbe-{az}-subnet"),
            "app",
            i,
            net(&format!("10.0.{}.0/28", i)),
            "inspection",
            Some("rt-gwlbe"),
            None,
        );
        b.subnet(
            &format!("web-{az}"),
            "app",
            i,
            net(&web_cidr),
            "web",
            Some(&web_rt),
            None,
        );
        b.route_table(
            &web_rt,
            "app",
            vec![default_route(RouteTarget::GatewayEndpoint(ep.clone()))],
        );
        if let Some(edge) = b.d.route_tables.iter_mut().find(|r| r.name == "rt-edge") {
            edge.routes
                .push(route(ipnet(&web_cidr), RouteTarget::GatewayEndpoint(ep.clone())));
        }
        b.d.endpoints.push(Endpoint {
            name: ep,
            description: None,
            vpc: "app".into(),
            service: "svc-inspect".into(),
            kind: EndpointKind::GatewayLoadBalancer {
                subnet: format!("gwlbe-{az}-subnet"),
            },
            addresses: Vec::new(),
        });
    }
    if let Some(g) = b.d.internet_gateways.iter_mut().find(|g| g.name == "igw-app") {
        g.edge_route_table = Some("rt-edge".into());
    }
    b.sg(
        "sg-web",
        "app",
        "HTTPS from anywhere (inspected on the way in)",
        vec![sg_tcp(443, peer_cidr(any_v4()))],
    );
    for (name, subnet) in [("web-1", "web-a"), ("web-2", "web-b")] {
        let i = b.instance(name, InstanceRole::Web, subnet, &["sg-web"]);
        i.public_ip = Some(true);
    }
    b.finish()
}
