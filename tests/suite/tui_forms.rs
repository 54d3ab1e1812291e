//! Field forms for every object kind, driven through the designer with keys:
//! peering, interface endpoint, transit gateway with its parts, VPN, load
//! balancer; live checks before Enter; pickers that offer only what AWS takes.

use crate::tui_support;

use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use tui_support::Harness;
use vpcd::create::templates::sample;
use vpcd::model::*;
use vpcd::tui::theme::Theme;
use vpcd::tui::{App, Options};
use vpcd::workspace::Workspace;

/// Adds an object (or a part) through the "add what?" picker.
fn add(h: &mut Harness, kind_query: &str) {
    h.keys("a").keys(kind_query).keys("<enter>");
}

fn sample(dir: &std::path::Path) -> Harness {
    Harness::new(sample::three_tier(), dir, 120, 40)
}

/// The sample with a second VPC `lab` (10.1.0.0/16) and its subnet `lab-a`.
fn two_vpcs() -> Design {
    let mut d = sample::three_tier();
    for o in Design::new_vpc_objects("lab", "10.1.0.0/16".parse().unwrap()) {
        d.put(o);
    }
    d.put(Object::Subnet(Subnet {
        name: "lab-a".into(),
        description: None,
        vpc: "lab".into(),
        az: "us-east-1a".into(),
        cidr: "10.1.1.0/24".parse().unwrap(),
        ipv6_cidr: None,
        map_public_ip: false,
        route_table: None,
        network_acl: None,
        tier: None,
    }));
    d
}

/// A form field's part of its screen line: its label, then its value (not the
/// panes beside the form, which share the line).
fn field_line(h: &Harness, label: &str) -> String {
    let screen = h.screen();
    let picker = |l: &&str| l.contains(&format!(" {label} ‹")) || l.contains(&format!(" {label} ["));
    let text = |l: &&str| l.contains(&format!(" {label} ")) && l.contains('│');
    let line = screen
        .lines()
        .find(picker)
        .or_else(|| screen.lines().find(text))
        .unwrap_or_else(|| panic!("no field {label}:\n{screen}"));
    let at = line.find(&format!(" {label} ")).unwrap_or(0);
    line[at..].to_string()
}

/// Whether the open form shows a picker or multi-select field.
fn shows_picker(h: &Harness, label: &str) -> bool {
    let screen = h.screen();
    screen
        .lines()
        .any(|l| l.contains(&format!(" {label} ‹")) || l.contains(&format!(" {label} [")))
}

#[test]
fn a_peering_is_created_with_pickers_that_never_offer_the_requester_as_accepter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(two_vpcs(), dir.path(), 120, 40);
    add(&mut h, "peering connection");
    h.assert_shows("new peering connection");
    h.keys("pcx-shop-lab<tab>");
    assert!(field_line(&h, "requester VPC").contains("‹ shop ›  (1/2)"));
    // PCX-3: a VPC cannot peer with itself, so the accepter offers only the other VPC.
    assert!(field_line(&h, "accepter VPC").contains("‹ lab ›  (1/1)"));
    h.keys("<right>"); // requester lab → the accepter becomes shop
    assert!(field_line(&h, "accepter VPC").contains("‹ shop ›  (1/1)"));
    h.keys("<enter>");
    h.assert_shows("added peering connection pcx-shop-lab");
    let d = h.app.ws.design();
    assert_eq!(d.peerings.len(), 1);
    assert_eq!(d.peerings[0].requester, "lab");
    assert_eq!(d.peerings[0].accepter, "shop");
    assert_eq!(d.peerings[0].status, PeeringStatus::Active);
    assert!(h.app.modal_title().is_none());
}

#[test]
fn an_interface_endpoint_is_created_with_subnets_one_per_az_and_security_groups_picked() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "VPC endpoint");
    h.assert_shows("new VPC endpoint");
    h.keys("vpce-ec2<tab><tab>");
    // Gateway endpoints exist only for S3 and DynamoDB (VPCE-1).
    assert!(field_line(&h, "service").contains("‹ s3 ›  (1/2)"));
    assert!(shows_picker(&h, "route tables"));
    assert!(!shows_picker(&h, "private DNS"));
    h.keys("<right>"); // interface
    assert!(field_line(&h, "service").contains(&format!("(1/{})", AWS_SERVICES.len())));
    assert!(!shows_picker(&h, "route tables"));
    assert!(shows_picker(&h, "private DNS"));
    h.keys("<tab>e"); // ec2
    assert!(field_line(&h, "service").contains("‹ ec2 ›"));
    // Subnets of the VPC, one per AZ: app-a then app-b.
    h.keys("<tab><right><right><space><right><space>");
    assert!(field_line(&h, "subnets").contains("[x] app-a (1a)"));
    assert!(field_line(&h, "subnets").contains("[x] app-b (1b)"));
    // Security groups of the VPC: sg-app.
    h.keys("<tab><right><right><right><space>");
    assert!(field_line(&h, "security groups").contains("[x] sg-app"));
    h.keys("<enter>");
    h.assert_shows("added VPC endpoint vpce-ec2");
    let d = h.app.ws.design();
    let e = d.endpoints.iter().find(|e| e.name == "vpce-ec2").unwrap();
    assert_eq!(e.vpc, "shop");
    assert_eq!(e.service, "ec2");
    assert_eq!(
        e.kind,
        EndpointKind::Interface {
            subnets: vec!["app-a".into(), "app-b".into()],
            security_groups: vec!["sg-app".into()],
            private_dns: true,
        }
    );
}

/// An interface endpoint's address per subnet (CreateVpcEndpoint
/// `SubnetConfigurations`) is typed as `SUBNET=IPV4`; the syntax is checked as
/// it is typed, and the address lands on the endpoint.
#[test]
fn an_interface_endpoint_takes_a_chosen_address_per_subnet() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "VPC endpoint");
    h.keys("vpce-ec2<tab><tab><right><tab>e");
    h.keys("<tab><right><right><space><right><space>");
    h.keys("<tab><right><right><right><space>");
    h.keys("<tab><tab>app-a");
    h.assert_shows("write SUBNET=IPV4");
    h.keys("=10.0.10.50<enter>");
    h.assert_shows("added VPC endpoint vpce-ec2");
    let d = h.app.ws.design();
    let e = d.endpoints.iter().find(|e| e.name == "vpce-ec2").unwrap();
    assert_eq!(
        e.addresses,
        vec![EndpointAddress {
            subnet: "app-a".into(),
            ipv4: "10.0.10.50".parse().unwrap(),
        }]
    );
}

#[test]
fn a_transit_gateway_with_a_route_table_a_vpc_attachment_and_a_static_route() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "transit gateway");
    h.assert_shows("new transit gateway");
    h.keys("tgw-hub<enter>");
    h.assert_shows("added transit gateway tgw-hub");

    add(&mut h, "transit gateway route table");
    h.assert_shows("transit gateway route table (new or existing)");
    h.keys("<tab><tab>hub-rt<enter>");
    h.assert_shows("added transit gateway route table hub-rt to tgw-hub");

    add(&mut h, "transit gateway attachment");
    h.assert_shows("transit gateway attachment (new or existing)");
    h.keys("<tab><tab>att-shop<tab><tab><tab>");
    // TGW-2: one subnet per AZ of the attached VPC.
    h.keys("<right><right><space><right><space>");
    h.keys("<tab><right>"); // associated with hub-rt
    h.keys("<tab><space>"); // propagates to hub-rt
    h.keys("<enter>");
    h.assert_shows("added transit gateway attachment att-shop to tgw-hub");

    add(&mut h, "transit gateway route");
    h.assert_shows("transit gateway route (new or existing)");
    assert!(field_line(&h, "target").contains("‹ att-shop ›  (1/2)"));
    h.keys("<tab><tab><tab>192.168.0.0/16<enter>");
    h.assert_shows("added transit gateway route 192.168.0.0/16 to tgw-hub");

    let d = h.app.ws.design();
    let t = &d.transit_gateways[0];
    assert_eq!(t.name, "tgw-hub");
    assert_eq!(t.route_tables.len(), 1);
    assert_eq!(t.route_tables[0].name, "hub-rt");
    assert_eq!(
        t.route_tables[0].routes,
        vec![TgwRoute {
            cidr: "192.168.0.0/16".parse().unwrap(),
            target: TgwRouteTarget::Attachment("att-shop".into()),
        }]
    );
    let a = &t.attachments[0];
    assert_eq!(a.name, "att-shop");
    assert_eq!(
        a.kind,
        TgwAttachmentKind::Vpc {
            vpc: "shop".into(),
            subnets: vec!["app-a".into(), "app-b".into()],
        }
    );
    assert_eq!(a.association.as_deref(), Some("hub-rt"));
    assert_eq!(a.propagations, vec!["hub-rt".to_string()]);

    // The same route form edits an existing route: choose it, change its target.
    add(&mut h, "transit gateway route");
    h.keys("<tab><tab><right>"); // route 192.168.0.0/16
    assert!(field_line(&h, "CIDR").contains("192.168.0.0/16"));
    h.keys("<tab><tab><right><enter>"); // target blackhole
    h.assert_shows("changed transit gateway route 192.168.0.0/16 in tgw-hub");
    let t = &h.app.ws.design().transit_gateways[0];
    assert_eq!(t.route_tables[0].routes[0].target, TgwRouteTarget::Blackhole);
    assert_eq!(t.route_tables[0].routes.len(), 1);
}

/// Security group referencing support: off by default on a new transit
/// gateway, on by default on a new VPC attachment (CreateTransitGateway /
/// CreateTransitGatewayVpcAttachment `SecurityGroupReferencingSupport`); the
/// forms show those defaults and set the option.
#[test]
fn security_group_referencing_is_set_in_the_transit_gateway_and_attachment_forms() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "transit gateway");
    h.keys("tgw-hub");
    assert!(field_line(&h, "SG referencing").contains("‹ no ›"), "{}", h.screen());
    h.keys("<tab><tab><tab><tab><tab><left>");
    assert!(field_line(&h, "SG referencing").contains("‹ yes ›"), "{}", h.screen());
    h.keys("<enter>");
    h.assert_shows("added transit gateway tgw-hub");
    assert!(h.app.ws.design().transit_gateways[0].sg_referencing);

    add(&mut h, "transit gateway attachment");
    assert!(field_line(&h, "SG referencing").contains("‹ yes ›"), "{}", h.screen());
}

#[test]
fn a_vpn_connection_to_a_customer_gateway_through_a_vgw_with_static_routes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "customer gateway");
    h.keys("cgw-office<tab>198.51.100.7<tab>65010<enter>");
    h.assert_shows("added customer gateway cgw-office");
    add(&mut h, "virtual private gateway");
    assert!(field_line(&h, "attached to").contains("‹ shop ›"));
    h.keys("vgw-shop<enter>");
    h.assert_shows("added virtual private gateway vgw-shop");
    add(&mut h, "VPN connection");
    h.assert_shows("new VPN connection");
    // The VGW comes first; instances with an Elastic IP (software VPN) follow.
    assert!(field_line(&h, "terminates on").contains("‹ vgw:vgw-shop ›  (1/"));
    h.assert_not_shows("static prefixes");
    h.keys("<tab><tab><tab><right>"); // static routing
    h.assert_shows("static prefixes");
    h.keys("<left>");
    h.assert_not_shows("static prefixes");
    h.keys("<s-tab><s-tab><s-tab>");
    h.keys("vpn-office<tab><tab><tab><right>"); // static routing
    h.keys("<tab>192.168.0.0/16, 172.16.0.0/12<enter>");
    h.assert_shows("added VPN connection vpn-office");
    let d = h.app.ws.design();
    let c = &d.vpn_connections[0];
    assert_eq!(c.customer_gateway, "cgw-office");
    assert_eq!(c.termination, VpnTermination::VpnGateway("vgw-shop".into()));
    assert_eq!(
        c.routing,
        VpnRouting::Static(vec![
            "192.168.0.0/16".parse().unwrap(),
            "172.16.0.0/12".parse().unwrap()
        ])
    );
    assert_eq!(c.tunnels_up, [true, true]);
    assert_eq!(d.customer_gateways[0].asn, 65010);
    assert_eq!(d.vpn_gateways[0].vpc.as_deref(), Some("shop"));
}

#[test]
fn a_load_balancer_with_subnets_groups_listeners_and_targets() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "load balancer");
    h.assert_shows("new load balancer");
    h.keys("alb-web<tab><tab><tab><tab>");
    h.keys("<space><right><space>"); // pub-a, pub-b
    h.keys("<tab><right><right><space>"); // sg-web
    h.keys("<tab>443:8080, 80"); // listeners
    h.keys("<tab><space><right><space>"); // web-1, web-2
    h.keys("<enter>");
    h.assert_shows("added load balancer alb-web");
    let d = h.app.ws.design();
    let lb = &d.load_balancers[0];
    assert_eq!(lb.kind, LoadBalancerKind::Application);
    assert_eq!(lb.scheme, LoadBalancerScheme::InternetFacing);
    assert_eq!(lb.subnets, vec!["pub-a".to_string(), "pub-b".to_string()]);
    assert_eq!(lb.security_groups, vec!["sg-web".to_string()]);
    assert_eq!(lb.targets, vec!["web-1".to_string(), "web-2".to_string()]);
    assert_eq!(
        lb.listeners,
        vec![
            Listener {
                proto: Protocol::Tcp,
                port: 443,
                target_port: 8080
            },
            Listener {
                proto: Protocol::Tcp,
                port: 80,
                target_port: 80
            },
        ]
    );
}

#[test]
fn a_bad_cidr_turns_red_with_its_reason_before_enter() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::new(sample::three_tier());
    let opts = Options {
        theme: Theme { color: true },
        ..tui_support::options(dir.path())
    };
    let mut h = Harness {
        app: App::new(ws, opts),
        term: Terminal::new(TestBackend::new(120, 40)).unwrap(),
        dir: dir.path().to_path_buf(),
    };
    h.draw();
    add(&mut h, "on-premises network");
    h.keys("<tab>192.168.0.0/33");
    h.assert_shows("✗ `192.168.0.0/33` is not an IPv4 CIDR block");
    // The typed value itself is red.
    let buf = h.term.backend().buffer().clone();
    let red = (0..buf.area.height).any(|y| {
        (0..buf.area.width.saturating_sub(3)).any(|x| {
            buf[(x, y)].symbol() == "1"
                && buf[(x + 1, y)].symbol() == "9"
                && buf[(x + 2, y)].symbol() == "2"
                && buf[(x, y)].fg == Color::Red
        })
    });
    assert!(red, "the CIDR is not drawn in red:\n{}", h.screen());
    let before = h.app.ws.design().clone();
    h.keys("<enter>");
    assert_eq!(h.app.ws.design(), &before, "nothing changes");
    assert!(h.app.modal_title().is_some(), "the form stays open");

    // A syntactically good CIDR outside the VPC: the shared validation says why, before Enter.
    h.keys("<esc>");
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.9.0.0/24");
    h.assert_shows("✗ 10.9.0.0/24 is not inside shop's CIDR blocks");
    // Overlapping a sibling subnet.
    h.keys("<bs><bs><bs><bs><bs><bs><bs><bs><bs><bs><bs>10.0.0.0/25");
    h.assert_shows("overlaps");
    // A name another object already has.
    h.keys("<esc>");
    add(&mut h, "subnet");
    h.keys("web-1<tab><tab><tab>10.0.99.0/24");
    h.assert_shows("instance web-1 already has this name");
    h.keys("<enter>");
    assert_eq!(h.app.ws.design(), &before);
}

/// Ctrl-u empties the focused field, as in a shell, where a run of
/// backspaces was the only way; in an edit form too, where the current
/// value is kept for editing and typing appends to it.
#[test]
fn ctrl_u_clears_the_focused_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    h.draw();
    add(&mut h, "subnet");
    h.keys("extra<tab><tab><tab>10.9.0.0/24");
    h.assert_shows("✗ 10.9.0.0/24 is not inside");
    h.keys("<c-u>10.0.50.0/24");
    h.assert_not_shows("10.9.0.0/24");
    h.keys("<enter>");
    let d = h.app.ws.design();
    let s = d
        .subnets
        .iter()
        .find(|s| s.name == "extra")
        .expect("the subnet is added");
    assert_eq!(s.cidr.to_string(), "10.0.50.0/24");

    h.keys("/extra<enter><enter>");
    h.assert_shows("extra");
    h.keys("<c-u>lab-x<enter>");
    let d = h.app.ws.design();
    assert!(
        d.subnets.iter().any(|s| s.name == "lab-x"),
        "renamed through the cleared field"
    );
    assert!(!d.subnets.iter().any(|s| s.name == "extra"));
}

#[test]
fn pickers_offer_only_valid_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(two_vpcs(), dir.path(), 120, 40);
    add(&mut h, "VPC endpoint");
    h.keys("<tab><right>"); // VPC lab
    assert!(field_line(&h, "VPC").contains("‹ lab ›"));
    h.keys("<tab><right>"); // interface
    let subnets = field_line(&h, "subnets");
    assert!(subnets.contains("lab-a"), "{subnets}");
    for other in ["pub-a", "app-a", "db-b"] {
        assert!(!subnets.contains(other), "{other} is in another VPC: {subnets}");
    }
    let sgs = field_line(&h, "security groups");
    assert!(sgs.contains("lab-default-sg") && !sgs.contains("sg-web"), "{sgs}");
    h.keys("<esc>");

    // One subnet per AZ: choosing app-a drops pub-a (both in us-east-1a).
    add(&mut h, "load balancer");
    h.keys("<tab><tab><tab><tab><space>");
    assert!(field_line(&h, "subnets").contains("[x] pub-a"));
    h.keys("<right><right><space>");
    let line = field_line(&h, "subnets");
    assert!(line.contains("[x] app-a") && line.contains("[ ] pub-a"), "{line}");
    h.keys("<esc>");

    // Route tables of the subnet's VPC only, and an instance's groups of its subnet's VPC.
    add(&mut h, "subnet");
    h.keys("<tab><right>"); // VPC lab
    h.keys("<tab><tab><tab><tab>");
    assert!(field_line(&h, "route table").contains("(1/2)"), "main + lab-main");
    h.keys("<esc>");
    add(&mut h, "instance");
    h.keys("<tab><tab>");
    for _ in 0..6 {
        h.keys("<right>"); // lab-a is the last subnet
    }
    assert!(field_line(&h, "subnet").contains("‹ lab-a ›"));
    let sgs = field_line(&h, "security groups");
    assert!(sgs.contains("lab-default-sg") && !sgs.contains("sg-web"), "{sgs}");
}

#[test]
fn the_text_editor_stays_reachable_from_any_form_as_the_advanced_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "flow log");
    h.keys("fl-app<tab><right>"); // scope: subnet
    h.keys("<c-e>");
    assert_eq!(h.app.modal_title().as_deref(), Some("new flow log (text)"));
    h.assert_shows("name: \"fl-app\"");
    h.assert_shows("scope: Subnet(\"pub-a\")");
    h.keys("<c-s>");
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    let fl = d.flow_logs.iter().find(|f| f.name == "fl-app").unwrap();
    assert_eq!(fl.scope, FlowLogScope::Subnet("pub-a".into()));

    // An existing object's form opens the same way on the object.
    h.keys("/shop<enter>");
    h.keys("<enter>");
    assert_eq!(h.app.modal_title().as_deref(), Some("edit VPC shop"));
    h.keys("<c-e>");
    assert_eq!(h.app.modal_title().as_deref(), Some("edit VPC shop (text)"));
}

#[test]
fn a_part_edit_aws_refuses_shows_the_reason_under_its_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample::three_tier();
    d.put(Object::TransitGateway(TransitGateway {
        name: "tgw-hub".into(),
        description: None,
        asn: 64512,
        default_association: true,
        default_propagation: true,
        default_route_table: None,
        sg_referencing: false,
        route_tables: Vec::new(),
        attachments: vec![TgwAttachment {
            name: "att-shop".into(),
            kind: TgwAttachmentKind::Vpc {
                vpc: "shop".into(),
                subnets: vec!["app-a".into()],
            },
            association: None,
            propagations: Vec::new(),
            appliance_mode: false,
            sg_referencing: true,
        }],
    }));
    let mut h = Harness::new(d, dir.path(), 120, 40);
    let before = h.app.ws.design().clone();
    add(&mut h, "transit gateway attachment");
    // A second attachment of the same VPC (TGW-1), before Enter:
    h.keys("<tab><tab><tab><tab><tab><right><space>");
    let vpc = field_line(&h, "VPC");
    assert!(vpc.contains("‹ shop ›"), "{vpc}");
    h.assert_shows("✗");
    h.assert_shows("shop is already attached to tgw-hub by att-shop");
    h.assert_shows("DuplicateTransitGatewayAttachment");
    h.keys("<enter>");
    h.assert_shows("refused:");
    assert_eq!(h.app.ws.design(), &before);
    assert!(h.app.modal_title().is_some(), "the form stays open to fix it");

    // Choosing the existing attachment loads it into the form instead.
    h.keys("<esc>");
    add(&mut h, "transit gateway attachment");
    h.keys("<tab><right>");
    assert!(field_line(&h, "name").contains("att-shop"));
    assert!(field_line(&h, "subnets").contains("[x] app-a"));
    assert!(shows_picker(&h, "keep or remove"));
}

/// A VPC created in the form with an IPv6 block gets AWS's dual-stack defaults: rule 101
/// `::/0` in the default NACL and outbound `::/0` in the default SG (VPC User Guide,
/// "Default network ACL", "Default security groups").
#[test]
fn a_vpc_created_with_ipv6_gets_ipv6_default_nacl_and_sg_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample(dir.path());
    add(&mut h, "vpc");
    h.keys("lab6<tab>10.9.0.0/16<tab><tab><tab><tab><tab>2600:1f18:1:100::/56<enter>");
    let d = h.app.ws.design();
    let v = d
        .vpcs
        .iter()
        .find(|v| v.name == "lab6")
        .unwrap_or_else(|| panic!("{}", h.screen()));
    assert!(v.ipv6_cidr.is_some(), "{v:#?}");
    let acl = d.network_acls.iter().find(|a| a.name == v.default_network_acl).unwrap();
    assert!(acl.inbound.iter().any(|r| r.number == 101), "{acl:#?}");
    assert!(acl.outbound.iter().any(|r| r.number == 101), "{acl:#?}");
    let sg = d
        .security_groups
        .iter()
        .find(|g| g.name == v.default_security_group)
        .unwrap();
    assert!(sg.outbound.iter().any(|r| r.peer == SgPeer::Cidr(any_v6())), "{sg:#?}");
}
