//! One trigger case per rule code of the catalogue: starting from the bundled
//! three-tier sample (which triggers none of them), a small change makes the
//! rule fire. Blocking rules are also checked through `Workspace::apply`: the
//! change is rejected and the design stays byte-for-byte the same.

use serde::de::DeserializeOwned;
use vpcd::create::templates::sample;
use vpcd::edit::{DesignInfo, Edit};
use vpcd::io::to_ron_string;
use vpcd::model::*;
use vpcd::validate::{self, Diagnostic, CATALOGUE};
use vpcd::workspace::Workspace;

fn ron<T: DeserializeOwned>(s: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(s)
        .unwrap_or_else(|e| panic!("bad RON in test: {e}\n{s}"))
}

fn base() -> Design {
    sample::three_tier()
}

fn subnet<'a>(d: &'a mut Design, name: &str) -> &'a mut Subnet {
    d.subnets.iter_mut().find(|s| s.name == name).unwrap()
}
fn table<'a>(d: &'a mut Design, name: &str) -> &'a mut RouteTable {
    d.route_tables.iter_mut().find(|s| s.name == name).unwrap()
}
fn sg<'a>(d: &'a mut Design, name: &str) -> &'a mut SecurityGroup {
    d.security_groups.iter_mut().find(|s| s.name == name).unwrap()
}
fn acl<'a>(d: &'a mut Design, name: &str) -> &'a mut NetworkAcl {
    d.network_acls.iter_mut().find(|s| s.name == name).unwrap()
}
fn inst<'a>(d: &'a mut Design, name: &str) -> &'a mut Instance {
    d.instances.iter_mut().find(|s| s.name == name).unwrap()
}
fn shop(d: &mut Design) -> &mut Vpc {
    d.vpcs.iter_mut().find(|v| v.name == "shop").unwrap()
}
fn nat<'a>(d: &'a mut Design, name: &str) -> &'a mut NatGateway {
    d.nat_gateways.iter_mut().find(|s| s.name == name).unwrap()
}
fn route(d: &mut Design, rt: &str, r: &str) {
    table(d, rt).routes.push(ron(r));
}
/// A second VPC `lab` with its default objects.
fn lab(d: &mut Design, cidr: &str) {
    for o in Design::new_vpc_objects("lab", cidr.parse().unwrap()) {
        d.put(o);
    }
}
fn lab_subnet(d: &mut Design) {
    lab(d, "10.1.0.0/16");
    d.subnets.push(ron(
        r#"(name: "lab-a", vpc: "lab", az: "us-east-1b", cidr: "10.1.0.0/24")"#,
    ));
}
fn instance(d: &mut Design, name: &str, subnet: &str, ip: Option<&str>) {
    let ip = ip.map(|i| format!(r#", private_ip: "{i}""#)).unwrap_or_default();
    d.instances.push(ron(&format!(
        r#"(name: "{name}", subnet: "{subnet}", security_groups: ["sg-db"]{ip})"#
    )));
}
fn ipv6(d: &mut Design) {
    shop(d).ipv6_cidr = Some("2600:1f18:1::/56".parse().unwrap());
    subnet(d, "app-a").ipv6_cidr = Some("2600:1f18:1:1::/64".parse().unwrap());
}
fn tgw(d: &mut Design, name: &str, attachments: &str, tables: &str) {
    d.transit_gateways.push(ron(&format!(
        r#"(name: "{name}", route_tables: [{tables}], attachments: [{attachments}])"#
    )));
}
fn peering(d: &mut Design, name: &str, a: &str, b: &str) {
    d.peerings
        .push(ron(&format!(r#"(name: "{name}", requester: "{a}", accepter: "{b}")"#)));
}

type Mutation = fn(&mut Design);

/// (code, change that triggers it). Codes checked only per edit are in `EDIT_ONLY`.
/// An internal Network Load Balancer in front of app-1 and its endpoint service `svc-app`.
fn provider(d: &mut Design, subnets: &[&str]) {
    let subnets = subnets
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    d.load_balancers.push(ron(&format!(
        r#"(name: "nlb-app", kind: Network, scheme: Internal, subnets: [{subnets}], listeners: [(proto: Tcp, port: 443, target_port: 8443)], targets: ["app-1"])"#
    )));
    d.endpoint_services
        .push(ron(r#"(name: "svc-app", load_balancer: "nlb-app")"#));
}

/// An interface endpoint to `svc-app` in `subnet`.
fn consumer(d: &mut Design, subnet: &str) {
    d.endpoints.push(ron(&format!(
        r#"(name: "vpce-app", vpc: "shop", service: "svc-app", kind: Interface(subnets: ["{subnet}"], security_groups: ["sg-app"], private_dns: false))"#
    )));
}

fn cases() -> Vec<(&'static str, Mutation)> {
    vec![
        ("duplicate-name", |d| {
            d.elastic_ips.push(ron(r#"(name: "web-1", address: "3.3.3.3")"#))
        }),
        ("dangling-reference", |d| {
            inst(d, "web-1").security_groups.push("sg-nope".into())
        }),
        ("az-outside-region", |d| d.azs.push("eu-west-1a".into())),
        ("subnet-az-unknown", |d| subnet(d, "db-b").az = "us-east-1c".into()),
        ("vpc-cidr-size", |d| shop(d).cidr = "10.0.0.0/15".parse().unwrap()),
        ("vpc-cidr-unusable-range", |d| lab(d, "169.254.0.0/16")),
        ("vpc-cidr-overlap", |d| {
            shop(d).secondary_cidrs.push("10.0.128.0/17".parse().unwrap())
        }),
        ("vpc-cidr-restricted", |d| {
            shop(d).secondary_cidrs.push("192.168.0.0/16".parse().unwrap())
        }),
        ("vpc-cidr-covers-route", |d| {
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("10.1.0.0/16"), target: InternetGateway("igw-shop"))"#,
            );
            shop(d).secondary_cidrs.push("10.1.0.0/16".parse().unwrap());
        }),
        ("vpc-ipv6-size", |d| {
            shop(d).ipv6_cidr = Some("2600:1f18::/48".parse().unwrap())
        }),
        ("vpc-cidr-public-range", |d| lab(d, "52.0.0.0/16")),
        ("vpc-cidr-docker-range", |d| lab(d, "172.17.0.0/16")),
        ("host-bits-set", |d| {
            subnet(d, "db-b").cidr = "10.0.21.5/24".parse().unwrap()
        }),
        ("subnet-size", |d| {
            subnet(d, "db-b").cidr = "10.0.21.0/29".parse().unwrap()
        }),
        ("subnet-outside-vpc", |d| {
            subnet(d, "db-b").cidr = "10.1.0.0/24".parse().unwrap()
        }),
        ("subnet-overlap", |d| {
            subnet(d, "db-b").cidr = "10.0.20.128/25".parse().unwrap()
        }),
        ("subnet-ipv6-size", |d| {
            ipv6(d);
            subnet(d, "app-a").ipv6_cidr = Some("2600:1f18:1::/60".parse().unwrap());
        }),
        ("subnet-ipv6-outside-vpc", |d| {
            subnet(d, "db-b").ipv6_cidr = Some("2600:1f18:1::/64".parse().unwrap())
        }),
        ("subnet-ipv6-overlap", |d| {
            ipv6(d);
            subnet(d, "app-b").ipv6_cidr = Some("2600:1f18:1:1::/64".parse().unwrap());
        }),
        ("ip-outside-subnet", |d| {
            inst(d, "db-1").private_ip = Some("10.0.99.10".parse().unwrap())
        }),
        ("ip-reserved", |d| {
            inst(d, "db-1").private_ip = Some("10.0.20.255".parse().unwrap())
        }),
        ("ip-in-use", |d| instance(d, "db-2", "db-a", Some("10.0.20.10"))),
        ("subnet-exhausted", |d| {
            subnet(d, "db-b").cidr = "10.0.21.0/28".parse().unwrap();
            for i in 0..12 {
                instance(d, &format!("db-x{i}"), "db-b", None);
            }
        }),
        ("subnet-address-pressure", |d| {
            subnet(d, "db-b").cidr = "10.0.21.0/28".parse().unwrap();
            for i in 0..10 {
                instance(d, &format!("db-x{i}"), "db-b", None);
            }
        }),
        ("onprem-overlap", |d| {
            d.onprem_networks[0].cidrs.push("10.0.5.0/24".parse().unwrap())
        }),
        ("route-table-other-vpc", |d| {
            lab(d, "10.1.0.0/16");
            subnet(d, "db-b").route_table = Some("lab-main".into());
        }),
        ("nacl-other-vpc", |d| {
            lab(d, "10.1.0.0/16");
            subnet(d, "db-b").network_acl = Some("lab-default-acl".into());
        }),
        ("vpc-default-object-invalid", |d| {
            lab(d, "10.1.0.0/16");
            shop(d).default_security_group = "lab-default-sg".into();
        }),
        ("route-duplicate-destination", |d| {
            route(
                d,
                "rt-public",
                r#"(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-a"))"#,
            )
        }),
        ("route-target-other-vpc", |d| {
            lab_subnet(d);
            d.nat_gateways
                .push(ron(r#"(name: "nat-lab", subnet: "lab-a", connectivity: Private)"#));
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-lab"))"#,
            );
        }),
        ("route-local-target-invalid", |d| {
            route(d, "rt-db", r#"(dest: Cidr("10.5.0.0/16"), target: Local)"#)
        }),
        ("route-local-unsupported-target", |d| {
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("10.0.0.0/16"), target: InternetGateway("igw-shop"))"#,
            )
        }),
        ("route-more-specific-than-local", |d| {
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("10.0.10.0/25"), target: NatGateway("nat-a"))"#,
            )
        }),
        ("route-reserved-destination", |d| {
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("169.254.168.0/24"), target: InternetGateway("igw-shop"))"#,
            )
        }),
        ("route-eigw-ipv4", |d| {
            d.egress_only_gateways.push(ron(r#"(name: "eigw-shop", vpc: "shop")"#));
            route(
                d,
                "rt-db",
                r#"(dest: Cidr("0.0.0.0/0"), target: EgressOnlyGateway("eigw-shop"))"#,
            );
        }),
        // A route to a peering that is not active yet is a blackhole (PCX-5, RTE-10).
        ("route-blackhole", |d| {
            lab(d, "10.1.0.0/16");
            d.peerings.push(ron(
                r#"(name: "pcx-1", requester: "shop", accepter: "lab", status: PendingAcceptance)"#,
            ));
            route(
                d,
                "rt-app-a",
                r#"(dest: Cidr("10.1.0.0/16"), target: Peering("pcx-1"))"#,
            );
        }),
        ("route-target-source-dest-check", |d| {
            route(d, "rt-db", r#"(dest: Cidr("0.0.0.0/0"), target: Instance("bastion"))"#)
        }),
        ("route-propagation-vgw-detached", |d| {
            d.vpn_gateways.push(ron(r#"(name: "vgw-x")"#));
            table(d, "rt-db").propagating_vgws.push("vgw-x".into());
        }),
        ("main-route-table-igw", |d| {
            route(
                d,
                "shop-main",
                r#"(dest: Cidr("0.0.0.0/0"), target: InternetGateway("igw-shop"))"#,
            )
        }),
        ("route-table-unused", |d| {
            d.route_tables.push(RouteTable::new("rt-spare", "shop"))
        }),
        ("igw-multiple-per-vpc", |d| {
            d.internet_gateways.push(ron(r#"(name: "igw-2", vpc: "shop")"#))
        }),
        ("igw-unused", |d| {
            lab(d, "10.1.0.0/16");
            d.internet_gateways.push(ron(r#"(name: "igw-lab", vpc: "lab")"#));
        }),
        ("eigw-multiple-per-vpc", |d| {
            d.egress_only_gateways.push(ron(r#"(name: "eigw-1", vpc: "shop")"#));
            d.egress_only_gateways.push(ron(r#"(name: "eigw-2", vpc: "shop")"#));
        }),
        ("vgw-multiple-per-vpc", |d| {
            d.vpn_gateways.push(ron(r#"(name: "vgw-1", vpc: "shop")"#));
            d.vpn_gateways.push(ron(r#"(name: "vgw-2", vpc: "shop")"#));
        }),
        ("nat-public-without-eip", |d| nat(d, "nat-a").elastic_ip = None),
        ("nat-private-with-eip", |d| {
            nat(d, "nat-a").connectivity = NatConnectivity::Private
        }),
        ("nat-no-igw", |d| {
            lab_subnet(d);
            d.elastic_ips.push(ron(r#"(name: "eip-lab", address: "3.3.3.3")"#));
            d.nat_gateways
                .push(ron(r#"(name: "nat-lab", subnet: "lab-a", elastic_ip: "eip-lab")"#));
        }),
        ("eip-multiple-associations", |d| {
            inst(d, "web-1").elastic_ip = Some("eip-bastion".into())
        }),
        // CreateNatGateway with an address an instance holds: the NAT gateway fails.
        ("nat-eip-in-use", |d| {
            nat(d, "nat-a").elastic_ip = Some("eip-bastion".into())
        }),
        ("eip-unused", |d| {
            d.elastic_ips.push(ron(r#"(name: "eip-spare", address: "3.3.3.3")"#))
        }),
        ("nat-without-igw-route", |d| {
            nat(d, "nat-a").subnet = Some("app-a".into())
        }),
        // CreateNatGateway: a zonal NAT gateway needs SubnetId.
        ("nat-missing-placement", |d| nat(d, "nat-a").subnet = None),
        // VPC User Guide, "Regional NAT gateways": a regional NAT gateway belongs to
        // its VPC; SubnetId and AllocationId are zonal parameters (Terraform
        // `aws_nat_gateway`: "zonal NAT gateways only").
        ("nat-regional-zonal-parameter", |d| {
            let n = nat(d, "nat-a");
            n.availability_mode = NatAvailability::Regional;
            n.vpc = Some("shop".into());
        }),
        // "Regional NAT gateways do not offer private connectivity".
        ("nat-regional-private", |d| {
            d.nat_gateways.push(ron(
                r#"(name: "nat-r", availability_mode: Regional, vpc: "shop", connectivity: Private)"#,
            ))
        }),
        ("single-nat-multi-az", |d| {
            table(d, "rt-app-b").routes[0].target = RouteTarget::NatGateway("nat-a".into())
        }),
        // VPC User Guide, "NAT gateway basics": resources in another AZ lose internet
        // access when the NAT gateway's AZ fails — also when only one AZ uses it.
        ("nat-cross-az", |d| {
            table(d, "rt-app-a").routes[0].target = RouteTarget::NatGateway("nat-b".into());
            table(d, "rt-app-b").routes[0].target = RouteTarget::NatGateway("nat-a".into());
        }),
        // A NAT gateway is billed per hour whether or not a route uses it.
        ("nat-unused", |d| {
            table(d, "rt-app-b").routes[0].target = RouteTarget::NatGateway("nat-a".into())
        }),
        // Changing a subnet's auto-assign setting leaves running instances as they
        // are (ModifySubnetAttribute applies to instances launched later), so the
        // case launches pub-b's instances without a public IP as well.
        ("public-subnet-no-public-ip", |d| {
            subnet(d, "pub-b").map_public_ip = false;
            for i in d.instances.iter_mut().filter(|i| i.subnet == "pub-b") {
                i.public_ip = Some(false);
            }
        }),
        ("private-subnet-maps-public-ip", |d| {
            subnet(d, "db-b").map_public_ip = true
        }),
        ("alb-single-az", |d| {
            d.load_balancers.push(ron(r#"(name: "alb", subnets: ["pub-a"])"#))
        }),
        ("lb-single-az", |d| {
            d.load_balancers
                .push(ron(r#"(name: "nlb", kind: Network, subnets: ["pub-a"])"#))
        }),
        ("lb-subnets-same-az", |d| {
            d.load_balancers
                .push(ron(r#"(name: "alb", subnets: ["pub-a", "app-a", "pub-b"])"#))
        }),
        ("lb-subnet-other-vpc", |d| {
            lab_subnet(d);
            d.load_balancers
                .push(ron(r#"(name: "alb", subnets: ["pub-a", "lab-a"])"#));
        }),
        // SG-1: AWS's GroupName rules, on the group's AWS name.
        ("sg-group-name-invalid", |d| {
            sg(d, "sg-web").group_name = Some("sg-web".into())
        }),
        ("sg-group-name-reserved", |d| {
            sg(d, "sg-web").group_name = Some("Default".into())
        }),
        ("sg-group-name-duplicate", |d| {
            let web = sg(d, "sg-web").clone();
            let mut twin = SecurityGroup::custom("web-twin", web.vpc.clone());
            twin.group_name = Some(web.aws_group_name().to_uppercase());
            d.security_groups.push(twin);
        }),
        ("sg-duplicate-rule", |d| {
            sg(d, "sg-web")
                .inbound
                .push(ron(r#"(proto: Tcp, ports: "80", peer: Cidr("0.0.0.0/0"))"#))
        }),
        // In a saved design such a rule is a stale rule (its peering or group was deleted).
        ("sg-reference-stale", |d| {
            lab(d, "10.1.0.0/16");
            sg(d, "sg-web")
                .inbound
                .push(ron(r#"(proto: Tcp, ports: "22", peer: Group("lab-default-sg"))"#));
        }),
        ("eni-sg-other-vpc", |d| {
            lab(d, "10.1.0.0/16");
            inst(d, "web-1").security_groups = vec!["lab-default-sg".into()];
        }),
        ("sg-ports-ignored", |d| {
            sg(d, "sg-db")
                .inbound
                .push(ron(r#"(proto: Number(47), ports: "22", peer: Cidr("10.0.0.0/16"))"#))
        }),
        ("sg-world-open-admin-port", |d| {
            sg(d, "sg-bastion")
                .inbound
                .push(ron(r#"(proto: Tcp, ports: "22", peer: Cidr("0.0.0.0/0"))"#))
        }),
        ("sg-redundant-rule", |d| {
            sg(d, "sg-web")
                .inbound
                .push(ron(r#"(proto: Tcp, ports: "80-443", peer: Cidr("0.0.0.0/0"))"#))
        }),
        ("sg-unused", |d| {
            d.security_groups.push(SecurityGroup::custom("sg-spare", "shop"))
        }),
        ("default-sg-in-use", |d| {
            inst(d, "web-1").security_groups.push("shop-default-sg".into())
        }),
        ("nacl-rule-number-range", |d| {
            acl(d, "acl-db")
                .inbound
                .push(ron(r#"(number: 32767, action: Deny, proto: Udp, cidr: "10.9.0.0/16")"#))
        }),
        ("nacl-duplicate-rule-number", |d| {
            acl(d, "acl-db")
                .inbound
                .push(ron(r#"(number: 100, action: Deny, proto: Udp, cidr: "10.9.0.0/16")"#))
        }),
        ("nacl-missing-ephemeral-return", |d| acl(d, "acl-db").outbound.clear()),
        ("nacl-shadowed-rule", |d| {
            acl(d, "acl-db").inbound.push(ron(
                r#"(number: 150, action: Deny, proto: Tcp, ports: "5432", cidr: "10.0.10.0/24")"#,
            ))
        }),
        ("nacl-unused", |d| {
            d.network_acls.push(NetworkAcl::custom("acl-spare", "shop"))
        }),
        ("peering-self", |d| peering(d, "pcx-self", "shop", "shop")),
        ("peering-duplicate", |d| {
            lab(d, "10.1.0.0/16");
            peering(d, "pcx-1", "shop", "lab");
            peering(d, "pcx-2", "lab", "shop");
        }),
        ("peering-overlap", |d| {
            lab(d, "10.0.0.0/16");
            peering(d, "pcx-1", "shop", "lab");
        }),
        ("peering-one-sided-route", |d| {
            lab(d, "10.1.0.0/16");
            peering(d, "pcx-1", "shop", "lab");
            route(
                d,
                "rt-app-a",
                r#"(dest: Cidr("10.1.0.0/16"), target: Peering("pcx-1"))"#,
            );
        }),
        ("peering-route-outside-peer", |d| {
            lab(d, "10.1.0.0/16");
            peering(d, "pcx-1", "shop", "lab");
            route(
                d,
                "rt-app-a",
                r#"(dest: Cidr("10.1.0.0/15"), target: Peering("pcx-1"))"#,
            );
            route(
                d,
                "lab-main",
                r#"(dest: Cidr("10.0.0.0/16"), target: Peering("pcx-1"))"#,
            );
        }),
        ("peering-unused", |d| {
            lab(d, "10.1.0.0/16");
            peering(d, "pcx-1", "shop", "lab");
        }),
        ("endpoint-gateway-service", |d| {
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "sqs", kind: Gateway(route_tables: ["rt-db"]))"#,
            ))
        }),
        // DynamoDB's gateway endpoints support only IPv4 (PrivateLink Guide).
        ("endpoint-ip-address-type", |d| {
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "dynamodb", kind: Gateway(route_tables: ["rt-db"], ip_address_type: Dualstack))"#,
            ))
        }),
        ("endpoint-route-table-other-vpc", |d| {
            lab(d, "10.1.0.0/16");
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "s3", kind: Gateway(route_tables: ["lab-main"]))"#,
            ));
        }),
        ("endpoint-subnet-other-vpc", |d| {
            lab_subnet(d);
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "sqs", kind: Interface(subnets: ["lab-a"]))"#,
            ));
        }),
        ("endpoint-subnets-same-az", |d| {
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "sqs", kind: Interface(subnets: ["app-a", "db-a"]))"#,
            ))
        }),
        ("endpoint-address-unused", |d| {
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "sqs", kind: Interface(subnets: ["app-a"]), addresses: [(subnet: "app-b", ipv4: "10.0.11.50")])"#,
            ))
        }),
        ("endpoint-gateway-no-route-table", |d| {
            d.endpoints
                .push(ron(r#"(name: "vpce", vpc: "shop", service: "s3", kind: Gateway())"#))
        }),
        ("endpoint-private-dns-without-dns", |d| {
            shop(d).dns_hostnames = false;
            d.endpoints.push(ron(
                r#"(name: "vpce", vpc: "shop", service: "sqs", kind: Interface(subnets: ["app-a"]))"#,
            ));
        }),
        ("tgw-duplicate-vpc-attachment", |d| {
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "app-b"])), (name: "att-2", kind: Vpc(vpc: "shop", subnets: ["db-a", "db-b"]))"#,
                "",
            )
        }),
        ("tgw-attachment-no-subnet", |d| {
            tgw(d, "tgw", r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: []))"#, "")
        }),
        ("tgw-attachment-subnet-other-vpc", |d| {
            lab_subnet(d);
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "lab-a"]))"#,
                "",
            );
        }),
        ("tgw-attachment-subnets-same-az", |d| {
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "db-a", "app-b"]))"#,
                "",
            )
        }),
        ("tgw-route-table-other-tgw", |d| {
            tgw(d, "tgw-1", "", r#"(name: "tgw-1-rt")"#);
            tgw(
                d,
                "tgw-2",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "app-b"]), association: "tgw-1-rt")"#,
                "",
            );
        }),
        ("tgw-duplicate-static-route", |d| {
            tgw(
                d,
                "tgw",
                "",
                r#"(name: "rt", routes: [(cidr: "10.9.0.0/16", target: Blackhole), (cidr: "10.9.0.0/16", target: Blackhole)])"#,
            )
        }),
        ("tgw-route-target-other-tgw", |d| {
            tgw(
                d,
                "tgw-1",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "app-b"]))"#,
                "",
            );
            tgw(
                d,
                "tgw-2",
                "",
                r#"(name: "rt", routes: [(cidr: "10.9.0.0/16", target: Attachment("att-1"))])"#,
            );
        }),
        ("tgw-overlapping-vpcs", |d| {
            lab(d, "10.0.0.0/16");
            d.subnets.push(ron(
                r#"(name: "lab-a", vpc: "lab", az: "us-east-1a", cidr: "10.0.0.0/24")"#,
            ));
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "app-b"])), (name: "att-2", kind: Vpc(vpc: "lab", subnets: ["lab-a"]))"#,
                "",
            );
        }),
        ("tgw-az-coverage", |d| {
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a"]))"#,
                "",
            )
        }),
        ("tgw-appliance-mode-off", |d| {
            // Both attachment subnets route through an appliance (app-1, source/dest check off).
            let app = d.instances.iter_mut().find(|i| i.name == "app-1").unwrap();
            app.source_dest_check = false;
            for rt in d
                .route_tables
                .iter_mut()
                .filter(|r| r.name == "rt-app-a" || r.name == "rt-app-b")
            {
                rt.routes[0].target = RouteTarget::Instance("app-1".into());
            }
            tgw(
                d,
                "tgw",
                r#"(name: "att-1", kind: Vpc(vpc: "shop", subnets: ["app-a", "app-b"]))"#,
                "",
            )
        }),
        ("vpn-cloudhub-duplicate-asn", |d| {
            d.vpn_gateways.push(ron(r#"(name: "vgw", vpc: "shop")"#));
            d.customer_gateways
                .push(ron(r#"(name: "cgw-1", ip: "198.51.100.1", asn: 65000)"#));
            d.customer_gateways
                .push(ron(r#"(name: "cgw-2", ip: "198.51.100.2", asn: 65000)"#));
            d.vpn_connections.push(ron(
                r#"(name: "vpn-1", customer_gateway: "cgw-1", termination: VpnGateway("vgw"), routing: Bgp)"#,
            ));
            d.vpn_connections.push(ron(
                r#"(name: "vpn-2", customer_gateway: "cgw-2", termination: VpnGateway("vgw"), routing: Bgp)"#,
            ));
        }),
        ("software-vpn-source-dest-check", |d| {
            // app-1 terminates a tunnel from the data centre's router, check on.
            d.customer_gateways
                .push(ron(r#"(name: "cgw-dc", ip: "198.51.100.1", asn: 65000)"#));
            d.vpn_connections.push(ron(r#"(name: "vpn-dc", customer_gateway: "cgw-dc", termination: Instance("app-1"), routing: Static(["192.168.0.0/16"]))"#));
        }),
        ("software-vpn-no-elastic-ip", |d| {
            d.instances
                .iter_mut()
                .find(|i| i.name == "app-1")
                .unwrap()
                .source_dest_check = false;
            d.customer_gateways
                .push(ron(r#"(name: "cgw-dc", ip: "198.51.100.1", asn: 65000)"#));
            d.vpn_connections.push(ron(r#"(name: "vpn-dc", customer_gateway: "cgw-dc", termination: Instance("app-1"), routing: Static(["192.168.0.0/16"]))"#));
        }),
        ("vgw-detached", |d| {
            d.vpn_gateways.push(ron(r#"(name: "vgw")"#));
            d.customer_gateways
                .push(ron(r#"(name: "cgw-1", ip: "198.51.100.1", asn: 65000)"#));
            d.vpn_connections.push(ron(r#"(name: "vpn-1", customer_gateway: "cgw-1", termination: VpnGateway("vgw"), routing: Static(["192.168.0.0/16"]))"#));
        }),
        ("dx-vif-target-invalid", |d| {
            d.dx_connections.push(ron(
                r#"(name: "dx", location: "EqDC2", virtual_interfaces: [(name: "vif", kind: Private, vlan: 100)])"#,
            ))
        }),
        ("dx-vif-duplicate-vlan", |d| {
            d.dx_connections.push(ron(r#"(name: "dx", location: "EqDC2", virtual_interfaces: [(name: "vif-1", kind: Public, vlan: 100), (name: "vif-2", kind: Public, vlan: 100)])"#))
        }),
        ("prefix-list-too-many-entries", |d| {
            d.prefix_lists.push(ron(
                r#"(name: "pl-office", entries: ["192.0.2.0/24", "198.51.100.0/24"], max_entries: 1)"#,
            ))
        }),
        ("ipv6-exposure", |d| {
            ipv6(d);
            route(
                d,
                "rt-app-a",
                r#"(dest: Cidr("::/0"), target: InternetGateway("igw-shop"))"#,
            );
        }),
        ("dual-stack-default-route-mismatch", ipv6),
        ("quota-exceeded", |d| {
            for i in 0..3 {
                d.elastic_ips
                    .push(ron(&format!(r#"(name: "eip-{i}", address: "3.3.3.{i}")"#)));
            }
        }),
        ("hard-limit-exceeded", |d| {
            let rules = &mut acl(d, "acl-db").inbound;
            for i in 0..40u16 {
                rules.push(ron(&format!(
                    r#"(number: {}, action: Deny, proto: Udp, cidr: "10.{i}.0.0/16")"#,
                    1000 + i
                )));
            }
        }),
        // Accounts and VPC sharing: `shop` owned by `net`, `app` a second
        // account (same organisation unless the case says otherwise).
        ("account-unknown", |d| inst(d, "web-1").owner = Some("nobody".into())),
        ("share-subnet-missing", |d| {
            two_accounts(d, "o-1");
            d.accounts.shares.push(share("pub-nope", "app"));
        }),
        ("share-outside-organization", |d| {
            two_accounts(d, "o-2");
            d.accounts.shares.push(share("pub-a", "app"));
        }),
        ("launch-subnet-not-shared", |d| {
            two_accounts(d, "o-1");
            inst(d, "web-1").owner = Some("app".into());
        }),
        ("foreign-security-group", |d| {
            two_accounts(d, "o-1");
            d.accounts.shares.push(share("pub-a", "app"));
            inst(d, "web-1").owner = Some("app".into());
        }),
        ("sg-vpc-not-shared", |d| {
            two_accounts(d, "o-1");
            if let Some(g) = d.security_groups.iter_mut().find(|g| g.name == "sg-web") {
                g.owner = Some("app".into());
            }
        }),
        // PrivateLink endpoint services and gateway route tables.
        ("endpoint-service-load-balancer", |d| {
            provider(d, &["app-a", "app-b"]);
            d.endpoint_services
                .push(ron(r#"(name: "svc-twin", load_balancer: "nlb-app")"#));
        }),
        ("endpoint-service-type", |d| {
            provider(d, &["app-a", "app-b"]);
            d.endpoints.push(ron(
                r#"(name: "gwlbe-app", vpc: "shop", service: "svc-app", kind: GatewayLoadBalancer(subnet: "app-a"))"#,
            ));
        }),
        ("endpoint-service-az", |d| {
            provider(d, &["app-a"]);
            consumer(d, "app-b");
        }),
        ("endpoint-service-principal", |d| {
            provider(d, &["app-a", "app-b"]);
            consumer(d, "app-a");
            d.endpoint_services[0].connections = vec![ron(
                r#"(endpoint: "vpce-app", owner: "222233334444", state: Available)"#,
            )];
        }),
        ("endpoint-service-not-accepted", |d| {
            provider(d, &["app-a", "app-b"]);
            consumer(d, "app-a");
        }),
        ("endpoint-service-connection-unknown", |d| {
            provider(d, &["app-a", "app-b"]);
            d.endpoint_services[0].connections = vec![ron(r#"(endpoint: "vpce-gone", state: Available)"#)];
        }),
        ("igw-edge-route-table", |d| {
            let igw = d.internet_gateways.iter_mut().find(|g| g.name == "igw-shop").unwrap();
            igw.edge_route_table = Some("rt-public".into());
        }),
    ]
}

/// Codes that depend on the edit, not only on the state (see `validate::EditCheck`):
/// (code, edits applied first, which must succeed, then the edit that is refused).
fn edit_only() -> Vec<(&'static str, Vec<Edit>, Edit)> {
    let d = base();
    let mut rt = d.route_tables.iter().find(|t| t.name == "rt-db").unwrap().clone();
    rt.routes
        .push(ron(r#"(dest: Cidr("0.0.0.0/0"), target: NatGateway("nat-zz"))"#));
    let mut igw = d.internet_gateways[0].clone();
    igw.vpc = None;
    let mut lab_objects: Vec<Edit> = Design::new_vpc_objects("lab", "10.1.0.0/16".parse().unwrap())
        .into_iter()
        .map(Edit::Put)
        .collect();
    lab_objects.push(Edit::Put(Object::InternetGateway(ron(
        r#"(name: "igw-lab", vpc: "lab")"#,
    ))));
    let mut lab_pending = Design::new_vpc_objects("lab", "10.1.0.0/16".parse().unwrap())
        .into_iter()
        .map(Edit::Put)
        .collect::<Vec<_>>();
    lab_pending.push(Edit::Put(Object::Peering(ron(
        r#"(name: "pcx-1", requester: "shop", accepter: "lab", status: PendingAcceptance)"#,
    ))));
    let mut shop = d.vpcs[0].clone();
    shop.secondary_cidrs.push("10.2.0.0/16".parse().unwrap());
    let lab_vpc: Vec<Edit> = Design::new_vpc_objects("lab", "10.1.0.0/16".parse().unwrap())
        .into_iter()
        .map(Edit::Put)
        .collect();
    let mut web = d.security_groups.iter().find(|g| g.name == "sg-web").unwrap().clone();
    web.inbound
        .push(ron(r#"(proto: Tcp, ports: "22", peer: Group("lab-default-sg"))"#));
    vec![
        // Creating a rule that references a group of an unpeered VPC: InvalidGroup.NotFound.
        (
            "sg-reference-other-vpc",
            vec![Edit::batch("lab", lab_vpc)],
            Edit::Put(Object::SecurityGroup(web)),
        ),
        ("route-target-missing", vec![], Edit::Put(Object::RouteTable(rt))),
        (
            "vpc-cidr-pending-peering",
            vec![Edit::batch("lab", lab_pending)],
            Edit::Put(Object::Vpc(shop)),
        ),
        // The sample's bastion has an Elastic IP and the web servers public IPs.
        (
            "igw-detach-with-public-ips",
            vec![],
            Edit::Put(Object::InternetGateway(igw)),
        ),
        // A participant acting as itself cannot change the owner's route table.
        (
            "edit-other-account",
            vec![Edit::SetAccounts({
                let mut a = base();
                two_accounts(&mut a, "o-1");
                a.accounts.acting_as = Some("app".into());
                a.accounts
            })],
            Edit::Put(Object::RouteTable({
                let mut t = d.route_tables.iter().find(|t| t.name == "rt-db").unwrap().clone();
                t.description = Some("changed by a participant".into());
                t
            })),
        ),
        (
            "igw-delete-attached",
            vec![Edit::batch("lab", lab_objects)],
            Edit::Delete(ObjectRef::new(ObjectKind::InternetGateway, "igw-lab")),
        ),
    ]
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

/// Two accounts: `net` (organisation o-1) owns the sample's VPC; `app` is in `app_org`.
fn two_accounts(d: &mut Design, app_org: &str) {
    d.accounts.accounts = vec![
        ron(r#"(name: "net", organization: "o-1")"#),
        Account {
            name: "app".into(),
            description: None,
            id: None,
            organization: Some(app_org.into()),
        },
    ];
    d.accounts.home = Some("net".into());
}

fn share(subnet: &str, participant: &str) -> SubnetShare {
    SubnetShare {
        name: format!("share-{subnet}"),
        subnets: vec![subnet.into()],
        participants: vec![participant.into()],
    }
}

/// The edit that turns `from` into `to`, object by object.
fn diff_edit(from: &Design, to: &Design) -> Edit {
    let mut edits = Vec::new();
    if from.accounts != to.accounts {
        edits.push(Edit::SetAccounts(to.accounts.clone()));
    }
    if from.azs != to.azs || from.region != to.region {
        edits.push(Edit::SetInfo(DesignInfo::of(to)));
    }
    for r in to.object_refs() {
        let new = to.get(&r);
        if from.get(&r) != new {
            if let Some(o) = new {
                edits.push(Edit::Put(o));
            }
        }
    }
    for r in from.object_refs() {
        if to.get(&r).is_none() {
            edits.push(Edit::Delete(r));
        }
    }
    Edit::batch("test change", edits)
}

#[test]
fn the_sample_triggers_no_error_and_no_catalogued_rule_of_the_cases() {
    let diags = validate::validate(&base());
    assert!(diags.is_empty(), "the bundled sample should be clean: {diags:#?}");
}

#[test]
fn every_catalogue_code_has_a_trigger_case_that_fires() {
    let cases = cases();
    let edit_cases = edit_only();
    let base_codes = codes(&validate::validate(&base()));
    for rule in CATALOGUE {
        let case = cases.iter().find(|(c, _)| *c == rule.code);
        let edit_case = edit_cases.iter().find(|(c, _, _)| *c == rule.code);
        assert!(
            case.is_some() || edit_case.is_some(),
            "rule {} has no trigger case in tests/validate_rules.rs",
            rule.code
        );
        assert!(
            !base_codes.contains(&rule.code),
            "the base design already triggers {}",
            rule.code
        );
        if let Some((_, mutate)) = case {
            let mut d = base();
            mutate(&mut d);
            let diags = validate::validate(&d);
            let hits: Vec<&Diagnostic> = diags.iter().filter(|x| x.code == rule.code).collect();
            if std::env::var_os("VPCD_SHOW_CASES").is_some() {
                for h in &hits {
                    println!("{h}\n    hint: {}", h.hint);
                }
            }
            assert!(
                !hits.is_empty(),
                "case for {} does not trigger it; got {:?}",
                rule.code,
                codes(&diags)
            );
            for h in hits {
                assert_eq!(h.severity, rule.severity, "{}", rule.code);
                assert_eq!(h.blocks_edit, rule.blocking, "{}", rule.code);
                assert!(
                    !h.message.is_empty() && !h.hint.is_empty(),
                    "{} needs a message and a hint",
                    rule.code
                );
            }
        }
    }
}

#[test]
fn blocking_rules_reject_the_edit_and_leave_the_design_byte_for_byte_unchanged() {
    let base_design = base();
    let mut cases: Vec<(&str, Vec<Edit>, Edit)> = cases()
        .into_iter()
        .filter(|(code, _)| validate::rule(code).is_some_and(|r| r.blocking))
        .map(|(code, mutate)| {
            let mut d = base();
            mutate(&mut d);
            (code, Vec::new(), diff_edit(&base_design, &d))
        })
        .collect();
    cases.extend(edit_only());
    for (code, setup, edit) in cases {
        let mut ws = Workspace::new(base());
        for e in setup {
            ws.apply(e)
                .unwrap_or_else(|e| panic!("{code}: setup refused: {}", e.message));
        }
        let before = to_ron_string(ws.design()).unwrap();
        let rev = ws.revision();
        let err = ws.apply(edit).expect_err(code);
        assert!(
            err.reasons.iter().any(|r| r.code == code),
            "{code}: rejected for other reasons: {}",
            err.message
        );
        assert!(
            err.message.contains(" — "),
            "{code}: the message says what would be valid: {}",
            err.message
        );
        assert_eq!(to_ron_string(ws.design()).unwrap(), before, "{code}: design changed");
        assert_eq!(ws.revision(), rev, "{code}");
    }
}

#[test]
fn non_blocking_findings_are_accepted_as_edits() {
    let base_design = base();
    for (code, mutate) in cases() {
        let Some(rule) = validate::rule(code) else { continue };
        // A stale rule arises only when a peering or a peer's group is deleted after
        // the rule was made; adding one directly is refused on the edit
        // (sg-reference-other-vpc). tests/aws_correctness.rs deletes its way there.
        if rule.blocking || code == "sg-reference-stale" {
            continue;
        }
        let mut d = base();
        mutate(&mut d);
        // Only when the case introduces no blocking finding of another rule.
        if validate::validate(&d).iter().any(|x| x.blocks_edit) {
            continue;
        }
        let mut ws = Workspace::new(base());
        let applied = ws
            .apply(diff_edit(&base_design, &d))
            .unwrap_or_else(|e| panic!("{code}: {}", e.message));
        assert!(applied.new_findings.iter().any(|f| f.code == code), "{code}");
    }
}

/// A regional NAT gateway routed from both AZs of the sample: the one-NAT-per-AZ
/// lints do not apply, since it serves each AZ in that AZ (VPC User Guide,
/// "Regional NAT gateways for automatic multi-AZ expansion").
fn regional_sample() -> Design {
    let mut d = base();
    d.nat_gateways
        .push(ron(r#"(name: "nat-r", availability_mode: Regional, vpc: "shop")"#));
    for rt in ["rt-app-a", "rt-app-b"] {
        table(&mut d, rt).routes[0].target = RouteTarget::NatGateway("nat-r".into());
    }
    d.nat_gateways.retain(|n| n.name == "nat-r");
    d.elastic_ips.retain(|e| !e.name.starts_with("eip-nat"));
    d
}

#[test]
fn a_regional_nat_gateway_serving_two_azs_is_clean_no_single_nat_or_cross_az_warning() {
    let d = regional_sample();
    let diags = validate::validate(&d);
    assert!(diags.is_empty(), "{diags:#?}");
    // The same routes to one zonal NAT gateway do warn.
    let mut z = base();
    table(&mut z, "rt-app-b").routes[0].target = RouteTarget::NatGateway("nat-a".into());
    let found = codes(&validate::validate(&z));
    assert!(
        found.contains(&"single-nat-multi-az") && found.contains(&"nat-cross-az"),
        "{found:?}"
    );
}

#[test]
fn a_regional_nat_gateway_in_a_vpc_without_an_internet_gateway_fails() {
    // Its route table's default route is the VPC's internet gateway; a public
    // NAT gateway without one fails with Gateway.NotAttached (EC2 API
    // reference, NatGateway.FailureCode), accepted first, so not blocking.
    let mut d = regional_sample();
    d.internet_gateways.clear();
    for rt in &mut d.route_tables {
        rt.routes
            .retain(|r| !matches!(r.target, RouteTarget::InternetGateway(_)));
    }
    for s in &mut d.subnets {
        s.map_public_ip = false;
    }
    for i in &mut d.instances {
        i.public_ip = Some(false);
        i.elastic_ip = None;
    }
    d.elastic_ips.clear();
    let diags = validate::validate(&d);
    let hit = diags
        .iter()
        .find(|x| x.code == "nat-no-igw")
        .unwrap_or_else(|| panic!("{:?}", codes(&diags)));
    assert!(hit.message.contains("regional NAT gateway nat-r"), "{}", hit.message);
    assert!(!hit.blocks_edit);
}

#[test]
fn a_regional_nat_gateway_without_a_vpc_or_with_a_private_ip_is_refused() {
    let mut d = regional_sample();
    nat(&mut d, "nat-r").vpc = None;
    assert!(codes(&validate::validate(&d)).contains(&"nat-missing-placement"));
    let mut d = regional_sample();
    nat(&mut d, "nat-r").private_ip = Some("10.0.0.9".parse().unwrap());
    let diags = validate::validate(&d);
    let hit = diags.iter().find(|x| x.code == "nat-regional-zonal-parameter").unwrap();
    assert!(
        hit.message.contains("private IP 10.0.0.9") && hit.blocks_edit,
        "{}",
        hit.message
    );
    // A zonal NAT gateway naming a VPC is refused the same way.
    let mut d = base();
    nat(&mut d, "nat-a").vpc = Some("shop".into());
    assert!(codes(&validate::validate(&d)).contains(&"nat-regional-zonal-parameter"));
}
