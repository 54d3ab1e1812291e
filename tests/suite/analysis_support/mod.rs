//! A small builder for test designs, shared by the analysis tests.
#![allow(dead_code)]

use std::net::Ipv4Addr;

use vpcd::analysis::{self, Code, Trace};
use vpcd::create::templates::build::Builder;
use vpcd::model::*;

pub const AZ_A: &str = "us-east-1a";
pub const AZ_B: &str = "us-east-1b";

pub struct B {
    pub d: Design,
}

/// `"tcp 80 0.0.0.0/0"`, `"all sg:sg-web"`, `"tcp 1024-65535 pl:s3"`.
pub fn sg_rule(s: &str) -> SgRule {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let proto: Protocol = parts[0].parse().unwrap();
    let (ports, peer) = if parts.len() == 3 {
        (parts[1].parse().unwrap(), parts[2])
    } else {
        (PortRange::ALL, parts[1])
    };
    SgRule::new(proto, ports, peer.parse().unwrap())
}

/// `"100 allow tcp 80 0.0.0.0/0"` or `"100 allow all 0.0.0.0/0"`.
pub fn nacl_rule(s: &str) -> NaclRule {
    let p: Vec<&str> = s.split_whitespace().collect();
    let action = if p[1] == "allow" {
        RuleAction::Allow
    } else {
        RuleAction::Deny
    };
    let proto: Protocol = p[2].parse().unwrap();
    let (ports, cidr) = if p.len() == 5 {
        (p[3].parse().unwrap(), p[4])
    } else {
        (PortRange::ALL, p[3])
    };
    NaclRule {
        number: p[0].parse().unwrap(),
        action,
        proto,
        ports,
        cidr: cidr.parse().unwrap(),
    }
}

/// `"igw:x"`, `"nat:x"`, `"pcx:x"`, `"tgw:x"`, `"vgw:x"`, `"vpce:x"`, `"eigw:x"`, `"i:x"`, `"eni:x"`, `"fw:x@az"`, `"local"`.
pub fn target(s: &str) -> RouteTarget {
    if s == "local" {
        return RouteTarget::Local;
    }
    let (k, n) = s.split_once(':').unwrap();
    let n = n.to_string();
    match k {
        "igw" => RouteTarget::InternetGateway(n),
        "nat" => RouteTarget::NatGateway(n),
        "pcx" => RouteTarget::Peering(n),
        "tgw" => RouteTarget::TransitGateway(n),
        "vgw" => RouteTarget::VpnGateway(n),
        "vpce" => RouteTarget::GatewayEndpoint(n),
        "eigw" => RouteTarget::EgressOnlyGateway(n),
        "i" => RouteTarget::Instance(n),
        "eni" => RouteTarget::NetworkInterface(n),
        "fw" => {
            let (f, az) = n.split_once('@').unwrap();
            RouteTarget::FirewallEndpoint(f.into(), az.into())
        }
        other => panic!("unknown target kind {other}"),
    }
}

impl Default for B {
    fn default() -> Self {
        Self::new()
    }
}

impl B {
    pub fn new() -> B {
        B {
            d: Design::empty("test", "us-east-1", &[AZ_A, AZ_B]),
        }
    }

    /// A VPC with its main route table `<name>-main`, default NACL (allow all) and default SG.
    pub fn vpc(mut self, name: &str, cidr: &str) -> B {
        for o in Design::new_vpc_objects(name, cidr.parse().unwrap()) {
            self.d.put(o);
        }
        self
    }

    /// Turns on a VPC's DNS hostnames (enableDnsHostnames, off by default in a
    /// non-default VPC): an interface endpoint's private DNS needs it and DNS
    /// support both (PrivateLink guide, "Enable private DNS names").
    pub fn dns_hostnames(mut self, vpc: &str) -> B {
        let v = self.d.vpcs.iter_mut().find(|v| v.name == vpc).unwrap();
        v.dns_hostnames = true;
        self
    }

    pub fn vpc6(mut self, name: &str, cidr6: &str) -> B {
        let v = self.d.vpcs.iter_mut().find(|v| v.name == name).unwrap();
        v.ipv6_cidr = Some(cidr6.parse().unwrap());
        self
    }

    pub fn subnet(mut self, name: &str, vpc: &str, az: &str, cidr: &str, rt: &str, nacl: Option<&str>) -> B {
        self.d.subnets.push(Subnet {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            az: az.into(),
            cidr: cidr.parse().unwrap(),
            ipv6_cidr: None,
            map_public_ip: false,
            route_table: Some(rt.into()),
            network_acl: nacl.map(String::from),
            tier: None,
        });
        self
    }

    pub fn subnet6(mut self, name: &str, cidr6: &str) -> B {
        let s = self.d.subnets.iter_mut().find(|s| s.name == name).unwrap();
        s.ipv6_cidr = Some(cidr6.parse().unwrap());
        self
    }

    /// A route table; routes as `(dest, target)` with dest a CIDR or `pl:NAME`.
    pub fn rt(mut self, name: &str, vpc: &str, routes: &[(&str, &str)]) -> B {
        let mut rt = RouteTable::new(name, vpc);
        for (dest, t) in routes {
            rt.routes.push(Route::new(dest.parse().unwrap(), target(t)));
        }
        self.d.route_tables.push(rt);
        self
    }

    pub fn eip(mut self, name: &str, addr: &str) -> B {
        self.d.elastic_ips.push(ElasticIp {
            name: name.into(),
            description: None,
            address: addr.parse().unwrap(),
        });
        self
    }

    /// A public NAT gateway with EIP `eip-<name>` at 3.3.3.<n>.
    pub fn nat(mut self, name: &str, subnet: &str) -> B {
        let n = self.d.nat_gateways.len() as u8 + 1;
        let eip = format!("eip-{name}");
        self = self.eip(&eip, &format!("3.3.3.{n}"));
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
        self
    }

    /// A regional NAT gateway of `vpc`: in no subnet, an address in each AZ of the VPC.
    pub fn regional_nat(mut self, name: &str, vpc: &str) -> B {
        self.d.nat_gateways.push(NatGateway {
            name: name.into(),
            description: None,
            availability_mode: NatAvailability::Regional,
            subnet: None,
            vpc: Some(vpc.into()),
            connectivity: NatConnectivity::Public,
            elastic_ip: None,
            private_ip: None,
        });
        self
    }

    pub fn sg(mut self, name: &str, vpc: &str, inbound: &[&str], outbound: &[&str]) -> B {
        self.d.security_groups.push(SecurityGroup {
            owner: None,
            group_name: None,
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            inbound: inbound.iter().map(|r| sg_rule(r)).collect(),
            outbound: outbound.iter().map(|r| sg_rule(r)).collect(),
        });
        self
    }

    pub fn nacl(mut self, name: &str, vpc: &str, inbound: &[&str], outbound: &[&str]) -> B {
        self.d.network_acls.push(NetworkAcl {
            name: name.into(),
            description: None,
            vpc: vpc.into(),
            inbound: inbound.iter().map(|r| nacl_rule(r)).collect(),
            outbound: outbound.iter().map(|r| nacl_rule(r)).collect(),
        });
        self
    }

    pub fn inst(mut self, name: &str, subnet: &str, ip: &str, sgs: &[&str]) -> B {
        self.d.instances.push(Instance {
            owner: None,
            name: name.into(),
            description: None,
            role: InstanceRole::Other,
            os: OsFamily::Linux,
            subnet: subnet.into(),
            private_ip: Some(ip.parse::<Ipv4Addr>().unwrap()),
            public_ip: Some(false),
            elastic_ip: None,
            ipv6: None,
            security_groups: sgs.iter().map(|s| s.to_string()).collect(),
            source_dest_check: true,
            secondary_interfaces: Vec::new(),
        });
        self
    }

    /// Gives the last instance an Elastic IP.
    pub fn with_eip(mut self, addr: &str) -> B {
        let name = format!("eip-{}", self.d.instances.last().unwrap().name);
        self = self.eip(&name, addr);
        self.d.instances.last_mut().unwrap().elastic_ip = Some(name);
        self
    }

    pub fn with_ipv6(mut self, addr: &str) -> B {
        self.d.instances.last_mut().unwrap().ipv6 = Some(addr.parse().unwrap());
        self
    }

    /// Makes the last instance a NAT instance / appliance.
    pub fn forwarding(mut self, role: InstanceRole) -> B {
        let i = self.d.instances.last_mut().unwrap();
        i.role = role;
        i.source_dest_check = false;
        self
    }

    /// Runs one of the library's builder steps (the constructors the
    /// templates use) on the design under construction.
    fn lib(mut self, step: impl FnOnce(&mut Builder)) -> B {
        let mut b = Builder::on(std::mem::replace(&mut self.d, Design::empty("", "", &[])));
        step(&mut b);
        self.d = b.finish();
        self
    }

    pub fn igw(self, name: &str, vpc: &str) -> B {
        self.lib(|b| b.igw(name, vpc))
    }

    pub fn eigw(self, name: &str, vpc: &str) -> B {
        self.lib(|b| b.eigw(name, vpc))
    }

    pub fn peering(self, name: &str, a: &str, b: &str) -> B {
        self.lib(|bl| bl.peering(name, a, b))
    }

    pub fn gateway_endpoint(self, name: &str, vpc: &str, service: &str, rts: &[&str]) -> B {
        let rts: Vec<String> = rts.iter().map(|s| s.to_string()).collect();
        self.lib(|b| b.gateway_endpoint(name, vpc, service, &rts))
    }

    pub fn interface_endpoint(self, name: &str, vpc: &str, service: &str, subnets: &[&str], sgs: &[&str]) -> B {
        self.lib(|b| b.interface_endpoint(name, vpc, service, subnets, sgs))
    }

    pub fn vgw(self, name: &str, vpc: &str) -> B {
        self.lib(|b| b.vgw(name, vpc))
    }

    pub fn cgw(self, name: &str, ip: &str, asn: u32) -> B {
        self.lib(|b| b.cgw(name, ip, asn))
    }

    /// A VPN connection with both tunnels up.
    pub fn vpn(self, name: &str, cgw: &str, termination: VpnTermination, routing: VpnRouting) -> B {
        self.lib(|b| b.vpn_to(name, cgw, termination, routing))
    }

    /// An on-premises network behind a customer gateway and optionally a Direct Connect connection.
    pub fn onprem(self, name: &str, cidr: &str, cgw: &str, dx: Option<&str>) -> B {
        self.lib(|b| b.onprem(name, name, &[cidr], Some(cgw), dx))
    }

    pub fn build(self) -> Design {
        self.d
    }
}

/// `VpnRouting::Static` with one prefix.
pub fn static_routes(cidr: &str) -> VpnRouting {
    VpnRouting::Static(vec![cidr.parse().unwrap()])
}

/// Adds `dest → target` (see [`target`]) to an existing route table.
pub fn add_route(d: &mut Design, rt: &str, dest: &str, to: &str) {
    let table = d.route_tables.iter_mut().find(|r| r.name == rt).unwrap();
    table.routes.push(Route::new(dest.parse().unwrap(), target(to)));
}

/// Adds an inbound rule (see [`sg_rule`]) to an existing security group.
pub fn add_sg_inbound(d: &mut Design, sg: &str, rule: &str) {
    let group = d.security_groups.iter_mut().find(|g| g.name == sg).unwrap();
    group.inbound.push(sg_rule(rule));
}

/// Associates a subnet with a network ACL.
pub fn set_subnet_nacl(d: &mut Design, subnet: &str, nacl: &str) {
    d.subnets.iter_mut().find(|s| s.name == subnet).unwrap().network_acl = Some(nacl.into());
}

/// Traces and returns the trace (panics on a query error).
pub fn trace(d: &Design, from: &str, to: &str, proto: &str, port: Option<u16>) -> Trace {
    let idx = DesignIndex::new(d);
    let q = TraceQuery {
        from: from.into(),
        to: to.into(),
        proto: proto.parse().unwrap(),
        port,
        sport: None,
    };
    analysis::trace(d, &idx, &q).unwrap_or_else(|e| panic!("query error: {e}"))
}

pub fn ids(h: &[analysis::Hop]) -> Vec<&str> {
    h.iter().map(|h| h.id.as_str()).collect()
}

pub fn assert_reachable(t: &Trace) {
    assert!(t.reachable, "expected reachable:\n{}", t.to_text());
}

pub fn assert_blocked(t: &Trace, code: Code, component: &str) {
    assert!(!t.reachable, "expected blocked:\n{}", t.to_text());
    let b = t.blocked.as_ref().unwrap();
    assert_eq!(b.code, code, "{}", t.to_text());
    assert_eq!(b.component, component, "{}", t.to_text());
}

/// Blocked by `code` at `component` on the given leg (forward or return).
pub fn assert_blocked_on(t: &Trace, code: Code, leg: analysis::Leg, component: &str) {
    assert_blocked(t, code, component);
    assert_eq!(t.blocked.as_ref().map(|b| b.leg), Some(leg), "{}", t.to_text());
}

/// An internet-facing ALB in `pub-a`/`pub-b` forwarding 443 → app-1:8080 in `app-a`.
pub fn lb_design() -> Design {
    let mut d = B::new()
        .vpc("v", "10.0.0.0/16")
        .igw("igw", "v")
        .rt("rt-pub", "v", &[("0.0.0.0/0", "igw:igw")])
        .rt("rt-app", "v", &[])
        .subnet("pub-a", "v", AZ_A, "10.0.0.0/24", "rt-pub", None)
        .subnet("pub-b", "v", AZ_B, "10.0.1.0/24", "rt-pub", None)
        .subnet("app-a", "v", AZ_A, "10.0.10.0/24", "rt-app", None)
        .sg("sg-alb", "v", &["tcp 443 0.0.0.0/0"], &["all 0.0.0.0/0"])
        .sg("sg-app", "v", &["tcp 8080 sg:sg-alb"], &["all 0.0.0.0/0"])
        .inst("app-1", "app-a", "10.0.10.10", &["sg-app"])
        .build();
    d.load_balancers.push(LoadBalancer {
        name: "alb".into(),
        description: None,
        kind: LoadBalancerKind::Application,
        scheme: LoadBalancerScheme::InternetFacing,
        subnets: vec!["pub-a".into(), "pub-b".into()],
        security_groups: vec!["sg-alb".into()],
        listeners: vec![Listener {
            proto: Protocol::Tcp,
            port: 443,
            target_port: 8080,
        }],
        targets: vec!["app-1".into()],
        cross_zone: false,
    });
    d
}
