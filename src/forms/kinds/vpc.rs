//! The forms of a VPC and what lives in it: subnets, route tables, gateways,
//! Elastic IPs, security groups, NACLs, instances and load balancers.

use super::*;

pub(super) static VPC: FormDef = FormDef {
    noun: "VPC",
    fields: &[
        NAME,
        text("IPv4 CIDR", Check::VpcCidr).codes(&[
            "vpc-cidr-size",
            "vpc-cidr-unusable-range",
            "vpc-cidr-public-range",
            "vpc-cidr-docker-range",
            "onprem-overlap",
        ]),
        text("secondary CIDRs", Check::VpcCidrList).codes(&[
            "vpc-cidr-overlap",
            "vpc-cidr-restricted",
            "vpc-cidr-covers-route",
            "vpc-cidr-pending-peering",
        ]),
        pick("tenancy", tenancies),
        pick("DNS support", no_yes),
        pick("DNS hostnames", yes_no).codes(&["endpoint-private-dns-without-dns"]),
        text("IPv6 CIDR", Check::Ipv6CidrOpt).codes(&["vpc-ipv6-size"]),
    ],
    read: |d, o, _| {
        let v = get!(o, Vpc);
        named(o)
            .with(
                "IPv4 CIDR",
                v.map(|v| v.cidr.to_string()).unwrap_or_else(|| free_vpc_block(d)),
            )
            .with(
                "secondary CIDRs",
                v.map(|v| join(&v.secondary_cidrs)).unwrap_or_default(),
            )
            .with(
                "tenancy",
                if v.is_some_and(|v| v.tenancy == Tenancy::Dedicated) {
                    "dedicated"
                } else {
                    "default"
                },
            )
            .with("DNS support", yn(v.is_none_or(|v| v.dns_support)))
            .with("DNS hostnames", yn(v.is_some_and(|v| v.dns_hostnames)))
            .with(
                "IPv6 CIDR",
                v.and_then(|v| v.ipv6_cidr).map(|c| c.to_string()).unwrap_or_default(),
            )
    },
    build: |v, _, orig| {
        let name = v.get("name").to_string();
        let cidr: Ipv4Net = parse(v, "IPv4 CIDR")?;
        let mut vpc = match orig {
            Some(Object::Vpc(x)) => x,
            _ => match Design::new_vpc_objects(&name, cidr).pop() {
                Some(Object::Vpc(x)) => x,
                _ => return Err("internal: no VPC object".into()),
            },
        };
        vpc.name = name;
        vpc.cidr = cidr;
        vpc.secondary_cidrs = parse_list(v, "secondary CIDRs")?;
        vpc.tenancy = if v.get("tenancy") == "dedicated" {
            Tenancy::Dedicated
        } else {
            Tenancy::Default
        };
        vpc.dns_support = yes(v, "DNS support");
        vpc.dns_hostnames = yes(v, "DNS hostnames");
        vpc.ipv6_cidr = parse_opt(v, "IPv6 CIDR")?;
        Ok(Object::Vpc(vpc))
    },
    reload_on: &[],
};

/// 10.N.0.0/16 not used by any VPC yet (the form's default for a new VPC).
fn free_vpc_block(d: &Design) -> String {
    (0u8..=255)
        .map(|n| Ipv4Net::new(Ipv4Addr::new(10, n, 0, 0), 16).unwrap_or_default())
        .find(|b| {
            !d.vpcs
                .iter()
                .any(|v| v.ipv4_cidrs().any(|c| c.contains(b) || b.contains(&c)))
        })
        .map(|b| b.to_string())
        .unwrap_or_else(|| "10.0.0.0/16".into())
}

pub(super) static SUBNET: FormDef = FormDef {
    noun: "subnet",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        pick("AZ", azs).codes(&["subnet-az-unknown"]),
        text("IPv4 CIDR", Check::SubnetCidr).codes(&[
            "subnet-size",
            "subnet-outside-vpc",
            "subnet-overlap",
            "host-bits-set",
        ]),
        pick("auto public IP", yes_no).codes(&["private-subnet-maps-public-ip"]),
        pick("route table", vpc_route_tables_or_main).codes(&["route-table-other-vpc"]),
        pick("network ACL", vpc_acls_or_default).codes(&["nacl-other-vpc"]),
        text("IPv6 CIDR", Check::Ipv6CidrOpt).codes(&[
            "subnet-ipv6-size",
            "subnet-ipv6-outside-vpc",
            "subnet-ipv6-overlap",
        ]),
    ],
    read: |_, o, _| {
        let s = get!(o, Subnet);
        named(o)
            .with("VPC", s.map(|s| s.vpc.clone()).unwrap_or_default())
            .with("AZ", s.map(|s| s.az.clone()).unwrap_or_default())
            .with("IPv4 CIDR", s.map(|s| s.cidr.to_string()).unwrap_or_default())
            .with("auto public IP", yn(s.is_some_and(|s| s.map_public_ip)))
            .with("route table", s.and_then(|s| s.route_table.clone()).unwrap_or_default())
            .with("network ACL", s.and_then(|s| s.network_acl.clone()).unwrap_or_default())
            .with(
                "IPv6 CIDR",
                s.and_then(|s| s.ipv6_cidr).map(|c| c.to_string()).unwrap_or_default(),
            )
    },
    build: |v, _, orig| {
        let cidr: Ipv4Net = parse(v, "IPv4 CIDR")?;
        let mut s = get!(orig, Subnet).unwrap_or(Subnet {
            name: String::new(),
            description: None,
            vpc: String::new(),
            az: String::new(),
            cidr,
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: None,
            network_acl: None,
            tier: None,
        });
        s.name = v.get("name").to_string();
        s.vpc = need(v, "VPC")?;
        s.az = need(v, "AZ")?;
        s.cidr = cidr;
        s.map_public_ip = yes(v, "auto public IP");
        s.route_table = opt(v, "route table", NONE_MAIN);
        s.network_acl = opt(v, "network ACL", NONE_DEFAULT);
        s.ipv6_cidr = parse_opt(v, "IPv6 CIDR")?;
        Ok(Object::Subnet(s))
    },
    reload_on: &[],
};

pub(super) static ROUTE_TABLE: FormDef = FormDef {
    noun: "route table",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        multi("propagating VGWs", vpc_vgws).codes(&["route-propagation-vgw-detached"]),
        // The subnets explicitly associated with the table; the others of the
        // VPC use the main table (VPC User Guide, "Subnet route tables").
        multi(SUBNETS, vpc_subnets),
    ],
    read: |d, o, _| {
        let t = get!(o, RouteTable);
        named(o)
            .with("VPC", t.map(|t| t.vpc.clone()).unwrap_or_default())
            .with_list(
                "propagating VGWs",
                t.map(|t| t.propagating_vgws.clone()).unwrap_or_default(),
            )
            .with_list(
                SUBNETS,
                names(&d.subnets, |s| {
                    t.is_some_and(|t| s.route_table.as_ref() == Some(&t.name))
                }),
            )
    },
    build: |v, _, orig| {
        let mut t = get!(orig, RouteTable).unwrap_or_else(|| RouteTable::new("", ""));
        t.name = v.get("name").to_string();
        t.vpc = need(v, "VPC")?;
        t.propagating_vgws = v.list("propagating VGWs");
        Ok(Object::RouteTable(t))
    },
    reload_on: &[],
};

pub(super) static NACL: FormDef = FormDef {
    noun: "network ACL",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        // The subnets explicitly associated with the NACL; the others of the
        // VPC use its default NACL (VPC User Guide, "Control subnet traffic
        // with network access control lists": a subnet is associated with
        // exactly one NACL).
        multi(SUBNETS, vpc_subnets),
    ],
    read: |d, o, _| {
        let a = get!(o, NetworkAcl);
        named(o)
            .with("VPC", a.map(|a| a.vpc.clone()).unwrap_or_default())
            .with_list(
                SUBNETS,
                names(&d.subnets, |s| {
                    a.is_some_and(|a| s.network_acl.as_ref() == Some(&a.name))
                }),
            )
    },
    build: |v, _, orig| {
        let mut a = get!(orig, NetworkAcl).unwrap_or_else(|| NetworkAcl::custom("", ""));
        a.name = v.get("name").to_string();
        a.vpc = need(v, "VPC")?;
        Ok(Object::NetworkAcl(a))
    },
    reload_on: &[],
};

pub(super) static IGW: FormDef = FormDef {
    noun: "internet gateway",
    fields: &[
        NAME,
        pick("attached to", vpcs_or_detached).codes(&["igw-multiple-per-vpc", "igw-detach-with-public-ips"]),
        pick("edge route table", igw_edge_tables).codes(&["igw-edge-route-table"]),
    ],
    read: |_, o, _| {
        let g = get!(o, InternetGateway);
        named(o)
            .with(
                "attached to",
                match g {
                    Some(g) => g.vpc.clone().unwrap_or(NONE_DETACHED.into()),
                    None => String::new(),
                },
            )
            .with(
                "edge route table",
                g.and_then(|g| g.edge_route_table.clone()).unwrap_or(NONE_EDGE.into()),
            )
    },
    build: |v, _, orig| {
        Ok(Object::InternetGateway(InternetGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: opt(v, "attached to", NONE_DETACHED),
            edge_route_table: opt(v, "edge route table", NONE_EDGE),
        }))
    },
    reload_on: &[],
};

pub(super) static NAT: FormDef = FormDef {
    noun: "NAT gateway",
    fields: &[
        NAME,
        // Zonal: in a subnet; regional: in its VPC, serving every AZ (VPC User
        // Guide, "Regional NAT gateways for automatic multi-AZ expansion").
        pick("availability mode", nat_availability).codes(&["nat-regional-private"]),
        pick("subnet", subnets_or_regional).codes(&[
            "nat-no-igw",
            "nat-without-igw-route",
            "nat-missing-placement",
            "nat-regional-zonal-parameter",
        ]),
        pick("VPC", vpcs).codes(&["nat-missing-placement"]),
        pick("connectivity", nat_connectivity),
        pick("Elastic IP", eips_for_nat).codes(&[
            "nat-public-without-eip",
            "nat-private-with-eip",
            "eip-multiple-associations",
        ]),
    ],
    read: |d, o, _| {
        let n = get!(o, NatGateway);
        named(o)
            .with(
                "availability mode",
                n.map_or(NatAvailability::Zonal, |n| n.availability_mode).aws_name(),
            )
            .with(
                "subnet",
                match n {
                    Some(n) => n.subnet.clone().unwrap_or(NONE_REGIONAL.into()),
                    None => String::new(),
                },
            )
            .with("VPC", n.and_then(|n| n.vpc_name(d)).unwrap_or_default())
            .with(
                "connectivity",
                match n.map(|n| n.connectivity) {
                    Some(NatConnectivity::Private) => "private",
                    _ => "public",
                },
            )
            .with(
                "Elastic IP",
                match n {
                    Some(n) => n.elastic_ip.clone().unwrap_or(NONE.into()),
                    None => NEW_EIP.into(),
                },
            )
    },
    build: |v, _, orig| {
        let name = v.get("name").to_string();
        let mut n = get!(orig, NatGateway).unwrap_or(NatGateway {
            name: String::new(),
            description: None,
            availability_mode: NatAvailability::Zonal,
            subnet: None,
            vpc: None,
            connectivity: NatConnectivity::Public,
            elastic_ip: None,
            private_ip: None,
        });
        n.availability_mode = NatAvailability::from_aws(v.get("availability mode")).unwrap_or_default();
        n.connectivity = if v.get("connectivity") == "private" {
            NatConnectivity::Private
        } else {
            NatConnectivity::Public
        };
        match n.availability_mode {
            // A zonal NAT gateway is in its subnet's VPC (the VPC field shows it).
            NatAvailability::Zonal => {
                n.subnet = opt(v, "subnet", NONE_REGIONAL);
                n.vpc = None;
                // A new Elastic IP is created beside the NAT gateway by the form (see `Form::edit`).
                n.elastic_ip = match v.get("Elastic IP") {
                    NEW_EIP => Some(format!("{name}-eip")),
                    e if e == NONE || e.is_empty() => None,
                    e => Some(e.to_string()),
                };
            }
            // A regional one belongs to the VPC, and AWS provides its addresses
            // in each AZ: the subnet and address fields are the zonal ones'.
            NatAvailability::Regional => {
                n.subnet = None;
                n.vpc = opt(v, "VPC", "");
                n.elastic_ip = None;
                n.private_ip = None;
            }
        }
        n.name = name;
        Ok(Object::NatGateway(n))
    },
    reload_on: &[],
};

pub(super) static EIP: FormDef = FormDef {
    noun: "Elastic IP",
    fields: &[NAME, text("address", Check::Ipv4)],
    read: |d, o, _| {
        let e = get!(o, ElasticIp);
        named(o).with(
            "address",
            e.map(|e| e.address).unwrap_or_else(|| free_eip_address(d)).to_string(),
        )
    },
    build: |v, _, orig| {
        Ok(Object::ElasticIp(ElasticIp {
            name: v.get("name").to_string(),
            description: described(&orig),
            address: parse(v, "address")?,
        }))
    },
    reload_on: &[],
};

/// Kinds whose form is a name and a VPC (rules and the rest are edited elsewhere).
macro_rules! name_and_vpc_form {
    ($static:ident, $variant:ident, $noun:literal, $codes:expr, $new:expr) => {
        pub(super) static $static: FormDef = FormDef {
            noun: $noun,
            fields: &[NAME, pick("VPC", vpcs).codes($codes)],
            read: |_, o, _| {
                named(o).with(
                    "VPC",
                    get!(o, $variant).map(|x| x.vpc.clone()).unwrap_or_default(),
                )
            },
            build: |v, _, orig| {
                let mut x = get!(orig, $variant).unwrap_or_else($new);
                x.name = v.get("name").to_string();
                x.vpc = need(v, "VPC")?;
                Ok(Object::$variant(x))
            },
            reload_on: &[],
        };
    };
}

pub(super) static SG: FormDef = FormDef {
    noun: "security group",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        // AWS's GroupName, when it should differ from the design name (empty:
        // derived from it, less an `sg-` prefix AWS refuses).
        text("group name", Check::Free).codes(&[
            "sg-group-name-invalid",
            "sg-group-name-reserved",
            "sg-group-name-duplicate",
        ]),
    ],
    read: |_, o, _| {
        let sg = get!(o, SecurityGroup);
        named(o)
            .with("VPC", sg.as_ref().map(|x| x.vpc.clone()).unwrap_or_default())
            .with("group name", sg.and_then(|x| x.group_name.clone()).unwrap_or_default())
    },
    build: |v, _, orig| {
        let mut x = get!(orig, SecurityGroup).unwrap_or_else(|| SecurityGroup::custom("", ""));
        x.name = v.get("name").to_string();
        x.vpc = need(v, "VPC")?;
        let group = v.get("group name").trim();
        x.group_name = (!group.is_empty()).then(|| group.to_string());
        Ok(Object::SecurityGroup(x))
    },
    reload_on: &[],
};
name_and_vpc_form!(
    EIGW,
    EgressOnlyGateway,
    "egress-only internet gateway",
    &["eigw-multiple-per-vpc"],
    || EgressOnlyGateway {
        name: String::new(),
        description: None,
        vpc: String::new(),
    }
);

pub(super) static INSTANCE: FormDef = FormDef {
    noun: "instance",
    fields: &[
        NAME,
        pick("role", roles),
        pick("subnet", all_subnets).codes(&["subnet-exhausted"]),
        text("private IP", Check::Ipv4Opt).codes(&["ip-outside-subnet", "ip-reserved", "ip-in-use"]),
        multi("security groups", subnet_vpc_sgs).codes(&["eni-sg-other-vpc", "default-sg-in-use"]),
        pick("public IP", public_ip_choices).codes(&["public-subnet-no-public-ip"]),
        pick("Elastic IP", eips_or_none).codes(&["eip-multiple-associations"]),
        pick("source/dest check", no_yes).codes(&["route-target-source-dest-check"]),
    ],
    read: |_, o, _| {
        let i = get!(o, Instance);
        named(o)
            .with("role", i.map(|i| i.role.to_string()).unwrap_or("other".into()))
            .with("subnet", i.map(|i| i.subnet.clone()).unwrap_or_default())
            .with(
                "private IP",
                i.and_then(|i| i.private_ip)
                    .map(|ip| ip.to_string())
                    .unwrap_or_default(),
            )
            .with_list(
                "security groups",
                i.map(|i| i.security_groups.clone()).unwrap_or_default(),
            )
            .with(
                "public IP",
                match i.and_then(|i| i.public_ip) {
                    None => "subnet default",
                    Some(true) => "yes",
                    Some(false) => "no",
                },
            )
            .with(
                "Elastic IP",
                i.and_then(|i| i.elastic_ip.clone()).unwrap_or(NONE.into()),
            )
            .with("source/dest check", yn(i.is_none_or(|i| i.source_dest_check)))
    },
    build: |v, _, orig| {
        let mut i = get!(orig, Instance).unwrap_or(Instance {
            owner: None,
            name: String::new(),
            description: None,
            role: InstanceRole::Other,
            os: OsFamily::Linux,
            subnet: String::new(),
            private_ip: None,
            public_ip: None,
            elastic_ip: None,
            ipv6: None,
            security_groups: Vec::new(),
            source_dest_check: true,
            secondary_interfaces: Vec::new(),
        });
        i.name = v.get("name").to_string();
        i.role = match v.get("role") {
            "web" => InstanceRole::Web,
            "app" => InstanceRole::App,
            "db" => InstanceRole::Db,
            "bastion" => InstanceRole::Bastion,
            "nat-instance" => InstanceRole::NatInstance,
            _ => InstanceRole::Other,
        };
        i.subnet = need(v, "subnet")?;
        i.private_ip = match v.get("private IP") {
            "" => None,
            _ => Some(parse(v, "private IP")?),
        };
        i.security_groups = v.list("security groups");
        i.public_ip = match v.get("public IP") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        i.elastic_ip = opt(v, "Elastic IP", NONE);
        i.source_dest_check = yes(v, "source/dest check");
        Ok(Object::Instance(i))
    },
    reload_on: &[],
};

pub(super) static LB: FormDef = FormDef {
    noun: "load balancer",
    fields: &[
        NAME,
        pick("type", lb_types),
        pick("scheme", lb_schemes),
        pick("VPC", vpcs),
        per_az("subnets", vpc_subnets).codes(&[
            "alb-single-az",
            "lb-single-az",
            "lb-subnets-same-az",
            "lb-subnet-other-vpc",
        ]),
        multi("security groups", vpc_sgs).codes(&["eni-sg-other-vpc"]),
        text("listeners", Check::Listeners),
        multi("targets", vpc_instances),
        // load_balancing.cross_zone.enabled: off by default for network and
        // gateway load balancers, always on for an application one.
        pick("cross-zone", no_yes),
    ],
    read: |d, o, _| {
        let lb = get!(o, LoadBalancer);
        // A load balancer's VPC is its subnets' VPC.
        let vpc = lb
            .and_then(|l| l.subnets.first())
            .and_then(|s| d.subnets.iter().find(|x| &x.name == s))
            .map(|s| s.vpc.clone())
            .unwrap_or_default();
        Vals::default()
            .with(
                "name",
                lb.map(|l| l.name.clone()).unwrap_or_else(|| fresh_name(d, "lb")),
            )
            .with(
                "type",
                match lb.map(|l| l.kind) {
                    Some(LoadBalancerKind::Network) => "network",
                    Some(LoadBalancerKind::Gateway) => "gateway",
                    _ => "application",
                },
            )
            .with(
                "scheme",
                if lb.is_some_and(|l| l.scheme == LoadBalancerScheme::Internal) {
                    "internal"
                } else {
                    "internet-facing"
                },
            )
            .with("VPC", vpc)
            .with_list("subnets", lb.map(|l| l.subnets.clone()).unwrap_or_default())
            .with_list(
                "security groups",
                lb.map(|l| l.security_groups.clone()).unwrap_or_default(),
            )
            .with(
                "listeners",
                lb.map(|l| l.listeners.iter().map(listener_text).collect::<Vec<_>>().join(", "))
                    .unwrap_or_else(|| "443:8080".into()),
            )
            .with_list("targets", lb.map(|l| l.targets.clone()).unwrap_or_default())
            .with("cross-zone", yn(lb.is_some_and(|l| l.cross_zone)))
    },
    build: |v, _, orig| {
        let mut lb = get!(orig, LoadBalancer).unwrap_or(LoadBalancer {
            name: String::new(),
            description: None,
            kind: LoadBalancerKind::Application,
            scheme: LoadBalancerScheme::InternetFacing,
            subnets: Vec::new(),
            security_groups: Vec::new(),
            listeners: Vec::new(),
            targets: Vec::new(),
            cross_zone: false,
        });
        lb.name = v.get("name").to_string();
        lb.kind = if v.get("type") == "network" {
            LoadBalancerKind::Network
        } else if v.get("type") == "gateway" {
            LoadBalancerKind::Gateway
        } else {
            LoadBalancerKind::Application
        };
        lb.scheme = if v.get("scheme") == "internal" {
            LoadBalancerScheme::Internal
        } else {
            LoadBalancerScheme::InternetFacing
        };
        lb.subnets = v.list("subnets");
        if lb.subnets.is_empty() {
            return Err("choose the load balancer's subnets (Space toggles)".into());
        }
        lb.security_groups = v.list("security groups");
        lb.listeners = parse_listeners(v.get("listeners"))?;
        lb.targets = v.list("targets");
        // An application load balancer balances across zones whatever is set.
        lb.cross_zone = lb.kind != LoadBalancerKind::Application && yes(v, "cross-zone");
        Ok(Object::LoadBalancer(lb))
    },
    reload_on: &[],
};

/// `443:8080/tcp` (port, target port, protocol); the protocol defaults to tcp.
pub fn listener_text(l: &Listener) -> String {
    let base = if l.port == l.target_port {
        l.port.to_string()
    } else {
        format!("{}:{}", l.port, l.target_port)
    };
    if l.proto == Protocol::Tcp {
        base
    } else {
        format!("{base}/{}", l.proto)
    }
}

/// Parses listeners `PORT[:TARGET_PORT][/PROTO]`, comma-separated.
pub fn parse_listeners(s: &str) -> Result<Vec<Listener>, String> {
    let port = |p: &str| -> Result<u16, String> {
        match p.trim().parse::<u16>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!(
                "`{p}` is not a port 1-65535 (listeners look like 443:8080, 80)"
            )),
        }
    };
    split_list(s)
        .map(|item| {
            let (ports, proto) = match item.split_once('/') {
                Some((a, p)) => (a, p.parse::<Protocol>()?),
                None => (item, Protocol::Tcp),
            };
            if !matches!(proto, Protocol::Tcp | Protocol::Udp) {
                return Err(format!("a listener is tcp or udp, not {proto}"));
            }
            let (port, target_port) = match ports.split_once(':') {
                Some((a, b)) => (port(a)?, port(b)?),
                None => (port(ports)?, port(ports)?),
            };
            Ok(Listener {
                proto,
                port,
                target_port,
            })
        })
        .collect()
}
