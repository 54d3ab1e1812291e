//! Small builders shared by the templates and the "VPC and more" generator,
//! so that every design is assembled from the same few well-formed pieces.
//!
//! The CIDR and address literals passed in by the templates are constants of
//! this crate; user input (the generator's options) is parsed and checked by
//! the caller before it reaches these helpers.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::model::*;

/// Parses a CIDR literal of the code base (templates). Panics only on a typo in
/// a constant, which the template tests catch.
pub fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap_or_else(|_| panic!("bad CIDR literal {s}"))
}

/// IPv4 or IPv6 CIDR literal.
pub fn ipnet(s: &str) -> IpNet {
    s.parse().unwrap_or_else(|_| panic!("bad CIDR literal {s}"))
}

pub fn net6(s: &str) -> Ipv6Net {
    s.parse().unwrap_or_else(|_| panic!("bad IPv6 CIDR literal {s}"))
}

pub fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap_or_else(|_| panic!("bad address literal {s}"))
}

pub fn route(dest: IpNet, target: RouteTarget) -> Route {
    Route::new(RouteDestination::Cidr(dest), target)
}

/// `0.0.0.0/0 → target`.
pub fn default_route(target: RouteTarget) -> Route {
    route(any_v4(), target)
}

/// `::/0 → target`.
pub fn default_route_v6(target: RouteTarget) -> Route {
    route(any_v6(), target)
}

pub fn sg_tcp(port: u16, peer: SgPeer) -> SgRule {
    SgRule::new(Protocol::Tcp, PortRange::single(port), peer)
}

pub fn sg_tcp_desc(port: u16, peer: SgPeer, description: &str) -> SgRule {
    let mut r = sg_tcp(port, peer);
    r.description = Some(description.to_string());
    r
}

pub fn peer_cidr(c: IpNet) -> SgPeer {
    SgPeer::Cidr(c)
}

pub fn peer_sg(name: &str) -> SgPeer {
    SgPeer::Group(name.to_string())
}

pub fn nacl_allow(number: u16, proto: Protocol, ports: PortRange, cidr: IpNet) -> NaclRule {
    NaclRule {
        number,
        action: RuleAction::Allow,
        proto,
        ports,
        cidr,
    }
}

pub fn nacl_tcp(number: u16, ports: PortRange, cidr: IpNet) -> NaclRule {
    nacl_allow(number, Protocol::Tcp, ports, cidr)
}

pub fn nacl_all(number: u16, cidr: IpNet) -> NaclRule {
    nacl_allow(number, Protocol::All, PortRange::ALL, cidr)
}

/// A design under construction.
pub struct Builder {
    pub d: Design,
    next_eip: u32,
}

impl Builder {
    pub fn new(name: &str, description: &str, region: &str, azs: &[String]) -> Self {
        let az_refs: Vec<&str> = azs.iter().map(String::as_str).collect();
        let mut d = Design::empty(name, region, &az_refs);
        d.description = Some(description.to_string());
        Builder { d, next_eip: 0 }
    }

    /// Continues building an existing design (test fixtures reuse these constructors).
    pub fn on(d: Design) -> Self {
        Builder { d, next_eip: 0 }
    }

    /// The `i`-th availability zone of the design (`us-east-1a` …).
    pub fn az(&self, i: usize) -> String {
        self.d
            .azs
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("{}a", self.d.region))
    }

    /// A VPC with its main route table, default NACL and default SG; DNS
    /// support and hostnames on (what the console's "VPC and more" does).
    pub fn vpc(&mut self, name: &str, cidr: Ipv4Net) -> &mut Vpc {
        for obj in Design::new_vpc_objects(name, cidr) {
            self.d.put(obj);
        }
        let i = self.d.vpcs.len() - 1;
        let vpc = &mut self.d.vpcs[i];
        vpc.dns_hostnames = true;
        vpc
    }

    /// Gives a VPC an Amazon-provided IPv6 /56. AWS adds rule 101 (allow all
    /// `::/0`) to the default NACL and an outbound `::/0` rule to the default
    /// security group when a VPC gets IPv6 (VPC User Guide, default NACL and SG).
    pub fn vpc_ipv6(&mut self, vpc: &str, block: Ipv6Net) {
        let mut defaults = None;
        if let Some(v) = self.d.vpcs.iter_mut().find(|v| v.name == vpc) {
            v.ipv6_cidr = Some(block);
            defaults = Some((v.default_network_acl.clone(), v.default_security_group.clone()));
        }
        let Some((acl_name, sg_name)) = defaults else { return };
        if let Some(acl) = self.d.network_acls.iter_mut().find(|a| a.name == acl_name) {
            *acl = NetworkAcl::default_for(acl.name.clone(), vpc, true);
        }
        if let Some(sg) = self.d.security_groups.iter_mut().find(|g| g.name == sg_name) {
            sg.outbound
                .push(SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(any_v6())));
        }
    }

    fn vpc_has_ipv6(&self, vpc: &str) -> bool {
        self.d.vpcs.iter().any(|v| v.name == vpc && v.ipv6_cidr.is_some())
    }

    pub fn igw(&mut self, name: &str, vpc: &str) {
        self.d.internet_gateways.push(InternetGateway {
            name: name.into(),
            description: None,
            vpc: Some(vpc.into()),
            edge_route_table: None,
        });
    }

    pub fn eigw(&mut self, name: &str, vpc: &str) {
        self.d.egress_only_gateways.push(EgressOnlyGateway {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn subnet(
        &mut self,
        name: &str,
        vpc: &str,
        az: usize,
        cidr: Ipv4Net,
        tier: &str,
        route_table: Option<&str>,
        network_acl: Option<&str>,
    ) -> &mut Subnet {
        let az = self.az(az);
        self.d.subnets.push(Subnet {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            az,
            cidr,
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: route_table.map(String::from),
            network_acl: network_acl.map(String::from),
            tier: Some(tier.into()),
        });
        let i = self.d.subnets.len() - 1;
        &mut self.d.subnets[i]
    }

    pub fn route_table(&mut self, name: &str, vpc: &str, routes: Vec<Route>) -> &mut RouteTable {
        let mut rt = RouteTable::new(name, vpc);
        rt.routes = routes;
        self.d.route_tables.push(rt);
        let i = self.d.route_tables.len() - 1;
        &mut self.d.route_tables[i]
    }

    /// An Elastic IP with the next address of a fixed illustrative pool.
    pub fn eip(&mut self, name: &str) -> String {
        self.next_eip += 1;
        let address = Ipv4Addr::from(u32::from(Ipv4Addr::new(3, 210, 0, 0)) + self.next_eip);
        self.d.elastic_ips.push(ElasticIp {
            name: name.into(),
            description: None,
            address,
        });
        name.to_string()
    }

    /// A public NAT gateway in `subnet` with its own Elastic IP `eip-<name>` (NAT-1).
    pub fn nat(&mut self, name: &str, subnet: &str) {
        let eip = self.eip(&format!("eip-{name}"));
        self.d.nat_gateways.push(NatGateway {
            name: name.into(),
            description: None,
            availability_mode: NatAvailability::Zonal,
            subnet: Some(subnet.into()),
            vpc: None,
            connectivity: NatConnectivity::Public,
            elastic_ip: Some(eip),
            private_ip: None,
        });
    }

    /// A regional public NAT gateway of `vpc` (automatic mode: AWS places it in
    /// the AZs with workloads and allocates its addresses).
    pub fn regional_nat(&mut self, name: &str, vpc: &str) {
        self.d.nat_gateways.push(NatGateway::regional(name, vpc));
    }

    /// A custom security group with inbound rules and AWS's default outbound
    /// rules: all IPv4, plus all IPv6 in a VPC with an IPv6 block.
    pub fn sg(&mut self, name: &str, vpc: &str, description: &str, inbound: Vec<SgRule>) -> &mut SecurityGroup {
        let mut sg = SecurityGroup::custom(name, vpc);
        if self.vpc_has_ipv6(vpc) {
            sg.outbound
                .push(SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(any_v6())));
        }
        sg.description = Some(description.into());
        sg.inbound = inbound;
        self.d.security_groups.push(sg);
        let i = self.d.security_groups.len() - 1;
        &mut self.d.security_groups[i]
    }

    pub fn acl(&mut self, name: &str, vpc: &str, description: &str, inbound: Vec<NaclRule>, outbound: Vec<NaclRule>) {
        let mut acl = NetworkAcl::custom(name, vpc);
        acl.description = Some(description.into());
        acl.inbound = inbound;
        acl.outbound = outbound;
        self.d.network_acls.push(acl);
    }

    pub fn instance(&mut self, name: &str, role: InstanceRole, subnet: &str, sgs: &[&str]) -> &mut Instance {
        self.d.instances.push(Instance {
            owner: None,
            name: name.into(),
            description: None,
            role,
            os: OsFamily::Linux,
            subnet: subnet.into(),
            private_ip: None,
            public_ip: None,
            elastic_ip: None,
            ipv6: None,
            security_groups: sgs.iter().map(|s| s.to_string()).collect(),
            source_dest_check: true,
            secondary_interfaces: Vec::new(),
        });
        let i = self.d.instances.len() - 1;
        &mut self.d.instances[i]
    }

    pub fn onprem(&mut self, name: &str, description: &str, cidrs: &[&str], cgw: Option<&str>, dx: Option<&str>) {
        self.d.onprem_networks.push(OnPremNetwork {
            name: name.into(),
            description: Some(description.into()),
            cidrs: cidrs.iter().map(|c| net(c)).collect(),
            customer_gateway: cgw.map(String::from),
            dx_connection: dx.map(String::from),
        });
    }

    pub fn vgw(&mut self, name: &str, vpc: &str) {
        self.d.vpn_gateways.push(VpnGateway {
            name: name.into(),
            description: None,
            vpc: Some(vpc.into()),
            asn: 64512,
        });
    }

    pub fn cgw(&mut self, name: &str, ip_addr: &str, asn: u32) {
        self.d.customer_gateways.push(CustomerGateway {
            name: name.into(),
            description: None,
            ip: ip(ip_addr),
            asn,
        });
    }

    /// A site-to-site VPN on a virtual private gateway, both tunnels up.
    pub fn vpn(&mut self, name: &str, cgw: &str, vgw: &str, routing: VpnRouting) {
        self.vpn_to(name, cgw, VpnTermination::VpnGateway(vgw.into()), routing);
    }

    /// A site-to-site VPN ending on a VGW or a transit gateway, both tunnels up.
    pub fn vpn_to(&mut self, name: &str, cgw: &str, termination: VpnTermination, routing: VpnRouting) {
        self.d.vpn_connections.push(VpnConnection {
            name: name.into(),
            description: None,
            customer_gateway: cgw.into(),
            termination,
            routing,
            tunnels_up: [true, true],
        });
    }

    pub fn peering(&mut self, name: &str, requester: &str, accepter: &str) {
        self.d.peerings.push(Peering {
            name: name.into(),
            description: None,
            requester: requester.into(),
            accepter: accepter.into(),
            status: PeeringStatus::Active,
            cross_account: false,
            cross_region: false,
        });
    }

    pub fn gateway_endpoint(&mut self, name: &str, vpc: &str, service: &str, route_tables: &[String]) {
        self.d.endpoints.push(Endpoint {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            service: service.into(),
            kind: EndpointKind::Gateway {
                route_tables: route_tables.to_vec(),
                policy: None,
                ip_address_type: Default::default(),
            },
            addresses: Vec::new(),
        });
    }

    pub fn interface_endpoint(&mut self, name: &str, vpc: &str, service: &str, subnets: &[&str], sgs: &[&str]) {
        self.d.endpoints.push(Endpoint {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            service: service.into(),
            kind: EndpointKind::Interface {
                subnets: subnets.iter().map(|s| s.to_string()).collect(),
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                private_dns: true,
            },
            addresses: Vec::new(),
        });
    }

    pub fn finish(self) -> Design {
        self.d
    }
}
