//! The forms of what connects a VPC to others: peering, endpoints, prefix
//! lists, VPN, Direct Connect, on-premises networks, transit gateways,
//! firewalls and flow logs.

use super::*;

pub(super) static PEERING: FormDef = FormDef {
    noun: "peering connection",
    fields: &[
        NAME,
        pick("requester VPC", vpcs),
        pick("accepter VPC", other_vpcs).codes(&["peering-self", "peering-duplicate", "peering-overlap"]),
        pick("status", peering_statuses).codes(&["vpc-cidr-pending-peering"]),
        pick("cross-account", yes_no),
        pick("cross-region", yes_no).codes(&["sg-reference-other-vpc"]),
    ],
    read: |_, o, _| {
        let p = get!(o, Peering);
        named(o)
            .with("requester VPC", p.map(|p| p.requester.clone()).unwrap_or_default())
            .with("accepter VPC", p.map(|p| p.accepter.clone()).unwrap_or_default())
            .with("status", p.map(|p| p.status.label()).unwrap_or("active"))
            .with("cross-account", yn(p.is_some_and(|p| p.cross_account)))
            .with("cross-region", yn(p.is_some_and(|p| p.cross_region)))
    },
    build: |v, _, orig| {
        Ok(Object::Peering(Peering {
            name: v.get("name").to_string(),
            description: described(&orig),
            requester: need(v, "requester VPC")?,
            accepter: need(v, "accepter VPC")?,
            status: match v.get("status") {
                "pending-acceptance" => PeeringStatus::PendingAcceptance,
                "rejected" => PeeringStatus::Rejected,
                "failed" => PeeringStatus::Failed,
                "deleted" => PeeringStatus::Deleted,
                _ => PeeringStatus::Active,
            },
            cross_account: yes(v, "cross-account"),
            cross_region: yes(v, "cross-region"),
        }))
    },
    reload_on: &[],
};

const GATEWAY: &[&str] = &["gateway"];
const INTERFACE: &[&str] = &["interface"];
const GWLB: &[&str] = &["gateway-load-balancer"];

pub(super) static ENDPOINT: FormDef = FormDef {
    noun: "VPC endpoint",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        pick("type", endpoint_types),
        pick("service", endpoint_services).codes(&["endpoint-gateway-service"]),
        multi("route tables", vpc_route_tables)
            .when("type", GATEWAY)
            .codes(&["endpoint-route-table-other-vpc", "endpoint-gateway-no-route-table"]),
        // CreateVpcEndpoint IpAddressType: dual-stack adds the service's IPv6 ranges.
        pick("IP address type", endpoint_ip_address_types)
            .when("type", GATEWAY)
            .codes(&["endpoint-ip-address-type"]),
        per_az("subnets", vpc_subnets)
            .when("type", INTERFACE)
            .codes(&["endpoint-subnet-other-vpc", "endpoint-subnets-same-az"]),
        multi("security groups", vpc_sgs)
            .when("type", INTERFACE)
            .codes(&["eni-sg-other-vpc"]),
        pick("private DNS", no_yes)
            .when("type", INTERFACE)
            .codes(&["endpoint-private-dns-without-dns"]),
        // SubnetConfigurations (CreateVpcEndpoint): the interface's IPv4
        // address in a subnet, else the next free one.
        text("addresses", Check::EndpointAddresses)
            .when("type", INTERFACE)
            .codes(&[
                "ip-outside-subnet",
                "ip-reserved",
                "ip-in-use",
                "endpoint-address-unused",
            ]),
        pick("subnet", vpc_subnets)
            .when("type", GWLB)
            .codes(&["endpoint-subnet-other-vpc", "endpoint-service-az"]),
    ],
    read: |_, o, _| {
        let e = get!(o, Endpoint);
        let base = named(o)
            .with("VPC", e.map(|e| e.vpc.clone()).unwrap_or_default())
            .with("service", e.map(|e| e.service.clone()).unwrap_or("s3".into()));
        match e.map(|e| &e.kind) {
            Some(EndpointKind::Interface {
                subnets,
                security_groups,
                private_dns,
            }) => base
                .with("type", "interface")
                .with_list("subnets", subnets.clone())
                .with_list("security groups", security_groups.clone())
                .with("private DNS", yn(*private_dns))
                .with(
                    "addresses",
                    e.map(|e| endpoint_addresses_text(&e.addresses)).unwrap_or_default(),
                ),
            Some(EndpointKind::Gateway {
                route_tables,
                ip_address_type,
                ..
            }) => base
                .with("type", "gateway")
                .with_list("route tables", route_tables.clone())
                .with("IP address type", ip_address_type.aws_name()),
            Some(EndpointKind::GatewayLoadBalancer { subnet }) => base
                .with("type", "gateway-load-balancer")
                .with("subnet", subnet.clone()),
            None => base
                .with("type", "gateway")
                .with("private DNS", "yes")
                .with("IP address type", "ipv4"),
        }
    },
    build: |v, _, orig| {
        let policy = match get!(&orig, Endpoint).map(|e| &e.kind) {
            Some(EndpointKind::Gateway { policy, .. }) => policy.clone(),
            _ => None,
        };
        let interface = v.get("type") == "interface";
        let kind = if v.get("type") == "gateway-load-balancer" {
            EndpointKind::GatewayLoadBalancer {
                subnet: need(v, "subnet")?,
            }
        } else if v.get("type") == "interface" {
            let subnets = v.list("subnets");
            if subnets.is_empty() {
                return Err("an interface endpoint needs a subnet (one per AZ; Space toggles)".into());
            }
            EndpointKind::Interface {
                subnets,
                security_groups: v.list("security groups"),
                private_dns: yes(v, "private DNS"),
            }
        } else {
            EndpointKind::Gateway {
                route_tables: v.list("route tables"),
                policy,
                ip_address_type: EndpointIpAddressType::from_aws(v.get("IP address type")).unwrap_or_default(),
            }
        };
        Ok(Object::Endpoint(Endpoint {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: need(v, "VPC")?,
            service: need(v, "service")?,
            kind,
            // Only an interface endpoint has addresses of its own.
            addresses: if interface {
                parse_endpoint_addresses(v.get("addresses"))?
            } else {
                Vec::new()
            },
        }))
    },
    reload_on: &[],
};

/// `app-a=10.0.10.50, app-b=10.0.11.50`: an interface endpoint's chosen
/// address per subnet.
pub fn endpoint_addresses_text(addresses: &[EndpointAddress]) -> String {
    addresses
        .iter()
        .map(|a| format!("{}={}", a.subnet, a.ipv4))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `SUBNET=IPV4`, comma-separated, possibly none; a subnet appears once.
pub fn parse_endpoint_addresses(s: &str) -> Result<Vec<EndpointAddress>, String> {
    let mut out: Vec<EndpointAddress> = Vec::new();
    for item in split_list(s) {
        let (subnet, ip) = item
            .split_once('=')
            .ok_or_else(|| format!("`{item}`: write SUBNET=IPV4, e.g. app-a=10.0.10.50"))?;
        let subnet = subnet.trim();
        if subnet.is_empty() {
            return Err(format!("`{item}`: name the subnet before `=`"));
        }
        let ipv4 = ip
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not an IPv4 address such as 10.0.10.50", ip.trim()))?;
        if out.iter().any(|a| a.subnet == subnet) {
            return Err(format!("{subnet} is given twice: one address per subnet"));
        }
        out.push(EndpointAddress {
            subnet: subnet.to_string(),
            ipv4,
        });
    }
    Ok(out)
}

pub(super) static PREFIX_LIST: FormDef = FormDef {
    noun: "prefix list",
    fields: &[
        NAME,
        text("entries", Check::CidrList),
        text("max entries", Check::MaxEntries).codes(&["prefix-list-too-many-entries"]),
    ],
    read: |_, o, _| {
        let p = get!(o, PrefixList);
        named(o)
            .with("entries", p.map(|p| join(&p.entries)).unwrap_or_default())
            .with("max entries", p.map(|p| p.max_entries).unwrap_or(10).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::PrefixList(PrefixList {
            name: v.get("name").to_string(),
            description: described(&orig),
            entries: parse_list::<IpNet>(v, "entries")?
                .into_iter()
                .map(|n| n.trunc())
                .collect(),
            max_entries: parse(v, "max entries")?,
        }))
    },
    reload_on: &[],
};

pub(super) static VGW: FormDef = FormDef {
    noun: "virtual private gateway",
    fields: &[
        NAME,
        pick("attached to", vpcs_or_detached).codes(&["vgw-multiple-per-vpc", "vgw-detached"]),
        text("Amazon ASN", Check::AmazonAsn),
    ],
    read: |_, o, _| {
        let g = get!(o, VpnGateway);
        named(o)
            .with(
                "attached to",
                match g {
                    Some(g) => g.vpc.clone().unwrap_or(NONE_DETACHED.into()),
                    None => String::new(),
                },
            )
            .with("Amazon ASN", g.map(|g| g.asn).unwrap_or(64512).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::VpnGateway(VpnGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: opt(v, "attached to", NONE_DETACHED),
            asn: parse(v, "Amazon ASN")?,
        }))
    },
    reload_on: &[],
};

pub(super) static CGW: FormDef = FormDef {
    noun: "customer gateway",
    fields: &[
        NAME,
        text("IP address", Check::Ipv4),
        text("BGP ASN", Check::CustomerAsn).codes(&["vpn-cloudhub-duplicate-asn"]),
    ],
    read: |_, o, _| {
        let c = get!(o, CustomerGateway);
        named(o)
            .with("IP address", c.map(|c| c.ip.to_string()).unwrap_or_default())
            .with("BGP ASN", c.map(|c| c.asn).unwrap_or(65000).to_string())
    },
    build: |v, _, orig| {
        Ok(Object::CustomerGateway(CustomerGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            ip: parse(v, "IP address")?,
            asn: parse(v, "BGP ASN")?,
        }))
    },
    reload_on: &[],
};

const STATIC: &[&str] = &["static"];

pub(super) static VPN: FormDef = FormDef {
    noun: "VPN connection",
    fields: &[
        NAME,
        pick("customer gateway", cgws).codes(&["vpn-cloudhub-duplicate-asn"]),
        pick("terminates on", vpn_terminations).codes(&["vgw-detached"]),
        pick("routing", vpn_routings),
        text("static prefixes", Check::Cidr4List).when("routing", STATIC),
        pick("tunnel 1", up_down),
        pick("tunnel 2", up_down),
    ],
    read: |_, o, _| {
        let c = get!(o, VpnConnection);
        let term = c.map(|c| match &c.termination {
            VpnTermination::VpnGateway(g) => format!("vgw:{g}"),
            VpnTermination::TransitGateway(t) => format!("tgw:{t}"),
            VpnTermination::Instance(i) => format!("instance:{i}"),
        });
        let up = |i: usize| {
            if c.is_none_or(|c| c.tunnels_up[i]) {
                "up"
            } else {
                "down"
            }
        };
        let base = named(o)
            .with(
                "customer gateway",
                c.map(|c| c.customer_gateway.clone()).unwrap_or_default(),
            )
            .with("terminates on", term.unwrap_or_default())
            .with("tunnel 1", up(0))
            .with("tunnel 2", up(1));
        match c.map(|c| &c.routing) {
            Some(VpnRouting::Static(p)) => base.with("routing", "static").with("static prefixes", join(p)),
            _ => base.with("routing", "bgp"),
        }
    },
    build: |v, _, orig| {
        let term = need(v, "terminates on")?;
        let termination = match term.split_once(':') {
            Some(("tgw", t)) => VpnTermination::TransitGateway(t.to_string()),
            Some(("instance", i)) => VpnTermination::Instance(i.to_string()),
            Some((_, g)) => VpnTermination::VpnGateway(g.to_string()),
            None => return Err("choose where the VPN terminates".into()),
        };
        let routing = if v.get("routing") == "static" {
            VpnRouting::Static(parse_list(v, "static prefixes")?)
        } else {
            VpnRouting::Bgp
        };
        Ok(Object::VpnConnection(VpnConnection {
            name: v.get("name").to_string(),
            description: described(&orig),
            customer_gateway: need(v, "customer gateway")?,
            termination,
            routing,
            tunnels_up: [v.get("tunnel 1") == "up", v.get("tunnel 2") == "up"],
        }))
    },
    reload_on: &[],
};

pub(super) static DXGW: FormDef = FormDef {
    noun: "Direct Connect gateway",
    fields: &[
        NAME,
        text("Amazon ASN", Check::AmazonAsn),
        multi("VGWs", vgws).codes(&["vgw-detached"]),
        pick("transit gateway", tgws_or_none),
    ],
    read: |_, o, _| {
        let g = get!(o, DxGateway);
        named(o)
            .with("Amazon ASN", g.map(|g| g.asn).unwrap_or(64512).to_string())
            .with_list("VGWs", g.map(|g| g.vpn_gateways.clone()).unwrap_or_default())
            .with(
                "transit gateway",
                g.and_then(|g| g.transit_gateway.clone()).unwrap_or(NONE.into()),
            )
    },
    build: |v, _, orig| {
        Ok(Object::DxGateway(DxGateway {
            name: v.get("name").to_string(),
            description: described(&orig),
            asn: parse(v, "Amazon ASN")?,
            vpn_gateways: v.list("VGWs"),
            transit_gateway: opt(v, "transit gateway", NONE),
        }))
    },
    reload_on: &[],
};

pub(super) static DX: FormDef = FormDef {
    noun: "Direct Connect connection",
    fields: &[
        NAME,
        text("location", Check::Required),
        pick("bandwidth", dx_bandwidths),
        pick("state", up_down),
    ],
    read: |_, o, _| {
        let c = get!(o, DxConnection);
        named(o)
            .with("location", c.map(|c| c.location.clone()).unwrap_or("EqDC2".into()))
            .with("bandwidth", c.map(|c| c.bandwidth.clone()).unwrap_or("1Gbps".into()))
            .with("state", if c.is_none_or(|c| c.up) { "up" } else { "down" })
    },
    build: |v, _, orig| {
        let mut c = get!(orig, DxConnection).unwrap_or(DxConnection {
            name: String::new(),
            description: None,
            location: String::new(),
            bandwidth: String::new(),
            up: true,
            virtual_interfaces: Vec::new(),
        });
        c.name = v.get("name").to_string();
        c.location = v.get("location").to_string();
        c.bandwidth = need(v, "bandwidth")?;
        c.up = v.get("state") == "up";
        Ok(Object::DxConnection(c))
    },
    reload_on: &[],
};

pub(super) static ONPREM: FormDef = FormDef {
    noun: "on-premises network",
    fields: &[
        NAME,
        text("CIDRs", Check::Cidr4ListRequired).codes(&["onprem-overlap"]),
        pick("customer gateway", cgws_or_none),
        pick("Direct Connect", dx_connections_or_none),
    ],
    read: |_, o, _| {
        let n = get!(o, OnPremNetwork);
        named(o)
            .with("CIDRs", n.map(|n| join(&n.cidrs)).unwrap_or_default())
            .with(
                "customer gateway",
                n.and_then(|n| n.customer_gateway.clone()).unwrap_or(NONE.into()),
            )
            .with(
                "Direct Connect",
                n.and_then(|n| n.dx_connection.clone()).unwrap_or(NONE.into()),
            )
    },
    build: |v, _, orig| {
        Ok(Object::OnPremNetwork(OnPremNetwork {
            name: v.get("name").to_string(),
            description: described(&orig),
            cidrs: parse_list(v, "CIDRs")?,
            customer_gateway: opt(v, "customer gateway", NONE),
            dx_connection: opt(v, "Direct Connect", NONE),
        }))
    },
    reload_on: &[],
};

fn own_tgw_tables(d: &Design, v: &Vals) -> Vec<String> {
    let name = v.get(ORIGINAL);
    with_first(
        NONE,
        d.transit_gateways
            .iter()
            .filter(|t| t.name == name)
            .flat_map(|t| t.route_tables.iter().map(|r| r.name.clone())),
    )
}

pub(super) static TGW: FormDef = FormDef {
    noun: "transit gateway",
    fields: &[
        NAME,
        text("Amazon ASN", Check::AmazonAsn),
        pick("default association", no_yes),
        pick("default propagation", no_yes),
        pick("default route table", own_tgw_tables),
        // SecurityGroupReferencingSupport, off by default (CreateTransitGateway).
        pick("SG referencing", yes_no).codes(&["sg-reference-stale"]),
    ],
    read: |_, o, _| {
        let t = get!(o, TransitGateway);
        named(o)
            .with("Amazon ASN", t.map(|t| t.asn).unwrap_or(64512).to_string())
            .with("default association", yn(t.is_none_or(|t| t.default_association)))
            .with("default propagation", yn(t.is_none_or(|t| t.default_propagation)))
            .with(
                "default route table",
                t.and_then(|t| t.default_route_table.clone()).unwrap_or(NONE.into()),
            )
            .with("SG referencing", yn(t.is_some_and(|t| t.sg_referencing)))
    },
    build: |v, _, orig| {
        let mut t = get!(orig, TransitGateway).unwrap_or(TransitGateway {
            name: String::new(),
            description: None,
            asn: 64512,
            default_association: true,
            default_propagation: true,
            default_route_table: None,
            sg_referencing: false,
            route_tables: Vec::new(),
            attachments: Vec::new(),
        });
        t.name = v.get("name").to_string();
        t.asn = parse(v, "Amazon ASN")?;
        t.default_association = yes(v, "default association");
        t.default_propagation = yes(v, "default propagation");
        t.default_route_table = opt(v, "default route table", NONE);
        t.sg_referencing = yes(v, "SG referencing");
        Ok(Object::TransitGateway(t))
    },
    reload_on: &[],
};

pub(super) static FIREWALL: FormDef = FormDef {
    noun: "network firewall",
    fields: &[
        NAME,
        pick("VPC", vpcs),
        per_az("subnets", vpc_subnets),
        pick("default action", firewall_actions),
        text("rules", Check::FirewallRules),
    ],
    read: |_, o, _| {
        let f = get!(o, Firewall);
        named(o)
            .with("VPC", f.map(|f| f.vpc.clone()).unwrap_or_default())
            .with_list("subnets", f.map(|f| f.subnets.clone()).unwrap_or_default())
            .with(
                "default action",
                match f.map(|f| f.default_action) {
                    Some(FirewallAction::Drop) => "drop",
                    Some(FirewallAction::Alert) => "alert",
                    _ => "pass",
                },
            )
            .with(
                "rules",
                f.map(|f| f.rules.iter().map(firewall_rule_text).collect::<Vec<_>>().join("; "))
                    .unwrap_or_default(),
            )
    },
    build: |v, _, orig| {
        let subnets = v.list("subnets");
        if subnets.is_empty() {
            return Err("a firewall needs a subnet (one per AZ; Space toggles)".into());
        }
        Ok(Object::Firewall(Firewall {
            name: v.get("name").to_string(),
            description: described(&orig),
            vpc: need(v, "VPC")?,
            subnets,
            rules: parse_firewall_rules(v.get("rules"))?,
            default_action: parse_firewall_action(v.get("default action"))?,
        }))
    },
    reload_on: &[],
};

fn parse_firewall_action(s: &str) -> Result<FirewallAction, String> {
    match s {
        "pass" => Ok(FirewallAction::Pass),
        "drop" => Ok(FirewallAction::Drop),
        "alert" => Ok(FirewallAction::Alert),
        other => Err(format!("`{other}` is not a firewall action: pass, drop or alert")),
    }
}

/// A firewall rule as text: `drop tcp from 0.0.0.0/0 to 10.0.0.0/16 port 22`,
/// `drop domain example.com`.
pub fn firewall_rule_text(r: &FirewallRule) -> String {
    let action = match r.action {
        FirewallAction::Pass => "pass",
        FirewallAction::Drop => "drop",
        FirewallAction::Alert => "alert",
    };
    let mut out = vec![action.to_string()];
    if r.proto != Protocol::All {
        out.push(r.proto.to_string());
    }
    if let Some(s) = r.source {
        out.push(format!("from {s}"));
    }
    if let Some(d) = r.destination {
        out.push(format!("to {d}"));
    }
    if let Some(p) = r.ports {
        out.push(format!("port {p}"));
    }
    if let Some(dm) = &r.domain {
        out.push(format!("domain {dm}"));
    }
    out.join(" ")
}

/// Parses `;`-separated firewall rules written as [`firewall_rule_text`] writes them.
pub fn parse_firewall_rules(s: &str) -> Result<Vec<FirewallRule>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|rule| {
            let mut words = rule.split_whitespace();
            let action = parse_firewall_action(words.next().unwrap_or(""))?;
            let mut r = FirewallRule {
                action,
                proto: Protocol::All,
                source: None,
                destination: None,
                ports: None,
                domain: None,
            };
            while let Some(w) = words.next() {
                let mut arg = || words.next().ok_or(format!("`{w}` needs a value in `{rule}`"));
                let cidr = |s: &str| -> Result<IpNet, String> {
                    s.parse::<IpNet>()
                        .map(|n| n.trunc())
                        .map_err(|_| format!("`{s}` is not a CIDR block"))
                };
                match w {
                    "from" => r.source = Some(cidr(arg()?)?),
                    "to" => r.destination = Some(cidr(arg()?)?),
                    "port" | "ports" => r.ports = Some(arg()?.parse()?),
                    "domain" => r.domain = Some(arg()?.to_string()),
                    proto => {
                        r.proto = proto.parse().map_err(|_| {
                            format!("`{proto}` is not a protocol or one of from/to/port/domain (e.g. `drop tcp to 10.0.0.0/16 port 22`)")
                        })?
                    }
                }
            }
            Ok(r)
        })
        .collect()
}

pub(super) static FLOW_LOG: FormDef = FormDef {
    noun: "flow log",
    fields: &[
        NAME,
        pick("scope", flow_scopes),
        pick("resource", flow_resources),
        pick("traffic", flow_traffic),
    ],
    read: |_, o, _| {
        let f = get!(o, FlowLog);
        let (scope, res) = match f.map(|f| &f.scope) {
            Some(FlowLogScope::Subnet(s)) => ("subnet", s.clone()),
            Some(FlowLogScope::Instance(i)) => ("instance", i.clone()),
            Some(FlowLogScope::Vpc(v)) => ("vpc", v.clone()),
            None => ("vpc", String::new()),
        };
        named(o).with("scope", scope).with("resource", res).with(
            "traffic",
            match f.map(|f| f.traffic) {
                Some(FlowLogTraffic::Accept) => "accept",
                Some(FlowLogTraffic::Reject) => "reject",
                _ => "all",
            },
        )
    },
    build: |v, _, orig| {
        let res = need(v, "resource")?;
        Ok(Object::FlowLog(FlowLog {
            name: v.get("name").to_string(),
            description: described(&orig),
            scope: match v.get("scope") {
                "subnet" => FlowLogScope::Subnet(res),
                "instance" => FlowLogScope::Instance(res),
                _ => FlowLogScope::Vpc(res),
            },
            traffic: match v.get("traffic") {
                "accept" => FlowLogTraffic::Accept,
                "reject" => FlowLogTraffic::Reject,
                _ => FlowLogTraffic::All,
            },
        }))
    },
    reload_on: &[],
};
