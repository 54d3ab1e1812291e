//! A generator of realistic, valid designs of any size, for benchmarks, demos
//! and load tests: tiered subnets in every AZ, a NAT gateway per AZ, security
//! groups that reference each other, NACLs with ephemeral return rules, an
//! optional transit-gateway hub with every VPC attached, optional peering, and
//! an on-premises network reached through a site-to-site VPN.
//!
//! The output is a pure function of [`GenParams`] (seed included): the same
//! parameters always give the same design, byte for byte.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use crate::model::*;

/// How the generated VPCs are peered with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeeringMode {
    #[default]
    None,
    /// Each VPC peers with the next one (and the last with the first).
    Ring,
    /// Every pair of VPCs is peered (n·(n−1)/2 connections).
    Mesh,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenParams {
    /// Number of VPCs, 1..=256 (each gets its own 10.x.0.0/16).
    pub vpcs: usize,
    /// Availability zones used, 1..=6.
    pub azs: usize,
    /// Subnet tiers per AZ, 1..=8; the first tier is public, the others private.
    pub tiers: usize,
    /// Instances per subnet, 0..=240.
    pub instances: usize,
    /// A transit gateway hub with every VPC (and the VPN) attached.
    pub tgw: bool,
    pub peering: PeeringMode,
    pub seed: u64,
}

impl Default for GenParams {
    fn default() -> Self {
        GenParams {
            vpcs: 1,
            azs: 2,
            tiers: 3,
            instances: 2,
            tgw: false,
            peering: PeeringMode::None,
            seed: 1,
        }
    }
}

impl GenParams {
    /// The "large" benchmark design: 100 VPCs × 3 AZs × 4 tiers, 10 instances
    /// per subnet (12,000 instances), a TGW hub to all VPCs.
    pub fn large() -> Self {
        GenParams {
            vpcs: 100,
            azs: 3,
            tiers: 4,
            instances: 10,
            tgw: true,
            peering: PeeringMode::None,
            seed: 1,
        }
    }
    /// The "medium" benchmark design: 10 VPCs, same shape as [`GenParams::large`].
    pub fn medium() -> Self {
        GenParams {
            vpcs: 10,
            ..GenParams::large()
        }
    }
    /// The "small" benchmark design: one VPC, same shape as [`GenParams::large`].
    pub fn small() -> Self {
        GenParams {
            vpcs: 1,
            ..GenParams::large()
        }
    }
}

/// Why parameters cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GenError(pub String);

/// Largest values the address plan supports.
pub const MAX_VPCS: usize = 256;
pub const MAX_AZS: usize = 6;
pub const MAX_TIERS: usize = 8;
pub const MAX_INSTANCES: usize = 240;

const REGION: &str = "us-east-1";
const AZ_LETTERS: [char; MAX_AZS] = ['a', 'b', 'c', 'd', 'e', 'f'];
const TIER_NAMES: [&str; MAX_TIERS] = ["web", "app", "db", "cache", "batch", "search", "queue", "mgmt"];
/// Candidate service ports per tier; the seed picks one per VPC and tier.
const TIER_PORTS: [&[u16]; MAX_TIERS] = [
    &[443],
    &[8080, 8000, 9000],
    &[5432, 3306, 1433],
    &[6379, 11211],
    &[9001, 9090],
    &[9200, 9300],
    &[5672, 9092],
    &[8440, 8441],
];
/// The on-premises data centre, reached through the VPN.
const ONPREM: &str = "192.168.0.0/16";

/// A small deterministic PRNG (SplitMix64): enough for varied but
/// reproducible designs, no dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn net(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    // Prefix lengths used below are all ≤ 32; fall back to a /32 if not.
    Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len).unwrap_or_else(|_| Ipv4Net::from(Ipv4Addr::new(a, b, c, d)))
}

fn anywhere() -> IpNet {
    any_v4()
}

fn tcp(port: u16) -> (Protocol, PortRange) {
    (Protocol::Tcp, PortRange::single(port))
}

fn sg_rule((proto, ports): (Protocol, PortRange), peer: SgPeer) -> SgRule {
    SgRule::new(proto, ports, peer)
}

fn nacl(number: u16, (proto, ports): (Protocol, PortRange), cidr: IpNet) -> NaclRule {
    NaclRule {
        number,
        action: RuleAction::Allow,
        proto,
        ports,
        cidr,
    }
}

/// Names of the objects of VPC `v` (shared by generation and tests).
pub struct VpcNames {
    pub vpc: String,
}

impl VpcNames {
    pub fn new(v: usize) -> Self {
        VpcNames {
            vpc: format!("v{v:03}"),
        }
    }
    pub fn subnet(&self, tier: usize, az: usize) -> String {
        format!("{}-{}-{}", self.vpc, TIER_NAMES[tier], AZ_LETTERS[az])
    }
    pub fn instance(&self, tier: usize, az: usize, k: usize) -> String {
        format!("{}-{}-{}-{k:02}", self.vpc, TIER_NAMES[tier], AZ_LETTERS[az])
    }
    pub fn sg(&self, tier: usize) -> String {
        format!("{}-sg-{}", self.vpc, TIER_NAMES[tier])
    }
}

/// Generates a design, or says which parameter is out of range.
// Indexes (VPC, AZ, tier) number several parallel tables and the address plan.
#[allow(clippy::needless_range_loop)]
pub fn generate(p: &GenParams) -> Result<Design, GenError> {
    let check = |what: &str, v: usize, lo: usize, hi: usize| {
        if v < lo || v > hi {
            Err(GenError(format!("--{what} must be between {lo} and {hi} (got {v})")))
        } else {
            Ok(())
        }
    };
    check("vpcs", p.vpcs, 1, MAX_VPCS)?;
    check("azs", p.azs, 1, MAX_AZS)?;
    check("tiers", p.tiers, 1, MAX_TIERS)?;
    check("instances", p.instances, 0, MAX_INSTANCES)?;

    let mut rng = SplitMix64::new(p.seed);
    let azs: Vec<String> = AZ_LETTERS[..p.azs].iter().map(|c| format!("{REGION}{c}")).collect();
    let az_refs: Vec<&str> = azs.iter().map(String::as_str).collect();
    let mut d = Design::empty(
        &format!("generated-{}vpc-{}az-{}tier", p.vpcs, p.azs, p.tiers),
        REGION,
        &az_refs,
    );
    d.description = Some(format!(
        "Generated by `vpcd generate --vpcs {} --azs {} --tiers {} --instances {}{} --peering {} --seed {}`",
        p.vpcs,
        p.azs,
        p.tiers,
        p.instances,
        if p.tgw { " --tgw" } else { "" },
        match p.peering {
            PeeringMode::None => "none",
            PeeringMode::Ring => "ring",
            PeeringMode::Mesh => "mesh",
        },
        p.seed
    ));

    let onprem: Ipv4Net = ONPREM.parse().unwrap_or_else(|_| net(192, 168, 0, 0, 16));
    let ten: IpNet = IpNet::V4(net(10, 0, 0, 0, 8));
    let vpc_cidr = |v: usize| net(10, v as u8, 0, 0, 16);
    let has_private = p.tiers > 1;
    let mut eip_counter: u32 = 0;

    // Peerings first: every VPC's route tables get routes to its peers.
    let mut peer_pairs: Vec<(usize, usize)> = Vec::new();
    match p.peering {
        PeeringMode::None => {}
        PeeringMode::Ring => {
            if p.vpcs == 2 {
                peer_pairs.push((0, 1));
            } else if p.vpcs > 2 {
                peer_pairs.extend((0..p.vpcs).map(|i| (i, (i + 1) % p.vpcs)));
            }
        }
        PeeringMode::Mesh => {
            for i in 0..p.vpcs {
                for j in i + 1..p.vpcs {
                    peer_pairs.push((i, j));
                }
            }
        }
    }
    let pcx_name = |a: usize, b: usize| format!("pcx-v{:03}-v{:03}", a.min(b), a.max(b));
    let mut peers_of: Vec<Vec<usize>> = vec![Vec::new(); p.vpcs];
    for &(a, b) in &peer_pairs {
        peers_of[a].push(b);
        peers_of[b].push(a);
        d.peerings.push(Peering {
            name: pcx_name(a, b),
            description: None,
            requester: VpcNames::new(a).vpc,
            accepter: VpcNames::new(b).vpc,
            status: PeeringStatus::Active,
            cross_account: false,
            cross_region: false,
        });
    }

    // Hybrid side: one on-prem data centre behind a customer gateway. With a
    // TGW the VPN terminates on the hub; without one, on a VGW of the first VPC.
    d.customer_gateways.push(CustomerGateway {
        name: "cgw-dc".into(),
        description: Some("Data-centre VPN router".into()),
        ip: Ipv4Addr::new(198, 51, 100, 10),
        asn: 65000,
    });
    d.onprem_networks.push(OnPremNetwork {
        name: "dc".into(),
        description: Some("On-premises data centre".into()),
        cidrs: vec![onprem],
        customer_gateway: Some("cgw-dc".into()),
        dx_connection: None,
    });
    let vgw_name = "vgw-v000".to_string();
    d.vpn_connections.push(VpnConnection {
        name: "vpn-dc".into(),
        description: None,
        customer_gateway: "cgw-dc".into(),
        termination: if p.tgw {
            VpnTermination::TransitGateway("tgw-hub".into())
        } else {
            VpnTermination::VpnGateway(vgw_name.clone())
        },
        routing: VpnRouting::Static(vec![onprem]),
        tunnels_up: [true, true],
    });
    if !p.tgw {
        d.vpn_gateways.push(VpnGateway {
            name: vgw_name.clone(),
            description: None,
            vpc: Some(VpcNames::new(0).vpc),
            asn: 64512,
        });
    }

    let mut tgw = TransitGateway {
        name: "tgw-hub".into(),
        description: Some("Hub joining every VPC and the data centre".into()),
        asn: 64512,
        default_association: true,
        default_propagation: true,
        default_route_table: Some("tgw-rt-main".into()),
        sg_referencing: false,
        route_tables: vec![TgwRouteTable {
            name: "tgw-rt-main".into(),
            routes: vec![TgwRoute {
                cidr: IpNet::V4(onprem),
                target: TgwRouteTarget::Attachment("tgw-att-vpn-dc".into()),
            }],
        }],
        attachments: Vec::new(),
    };

    for v in 0..p.vpcs {
        let n = VpcNames::new(v);
        let cidr = vpc_cidr(v);
        let vnet = IpNet::V4(cidr);
        let o3 = v as u8;
        for obj in Design::new_vpc_objects(&n.vpc, cidr) {
            d.put(obj);
        }
        if let Some(vpc) = d.vpcs.last_mut() {
            vpc.dns_hostnames = true;
            vpc.description = Some(format!("Workload VPC {v}"));
        }
        let igw = format!("igw-{}", n.vpc);
        d.internet_gateways.push(InternetGateway {
            name: igw.clone(),
            description: None,
            vpc: Some(n.vpc.clone()),
            edge_route_table: None,
        });

        // Routes every table of the VPC shares: peers, other VPCs and on-prem.
        let mut shared_routes: Vec<Route> = Vec::new();
        for &peer in &peers_of[v] {
            shared_routes.push(Route::new(
                RouteDestination::Cidr(IpNet::V4(vpc_cidr(peer))),
                RouteTarget::Peering(pcx_name(v, peer)),
            ));
        }
        if p.tgw {
            shared_routes.push(Route::new(
                RouteDestination::Cidr(ten),
                RouteTarget::TransitGateway("tgw-hub".into()),
            ));
            shared_routes.push(Route::new(
                RouteDestination::Cidr(IpNet::V4(onprem)),
                RouteTarget::TransitGateway("tgw-hub".into()),
            ));
        }
        let propagating = if !p.tgw && v == 0 {
            vec![vgw_name.clone()]
        } else {
            Vec::new()
        };

        let rt_public = format!("rt-{}-public", n.vpc);
        let mut routes = vec![Route::new(
            RouteDestination::Cidr(anywhere()),
            RouteTarget::InternetGateway(igw.clone()),
        )];
        routes.extend(shared_routes.iter().cloned());
        d.route_tables.push(RouteTable {
            name: rt_public.clone(),
            description: Some("Public tier: default route to the internet gateway".into()),
            vpc: n.vpc.clone(),
            routes,
            propagating_vgws: propagating.clone(),
        });

        // Per-VPC service ports, chosen by the seed.
        let ports: Vec<u16> = (0..p.tiers).map(|t| rng.pick(TIER_PORTS[t])).collect();
        let prev_vpc = IpNet::V4(vpc_cidr((v + p.vpcs - 1) % p.vpcs));

        for t in 0..p.tiers {
            let acl = format!("acl-{}-{}", n.vpc, TIER_NAMES[t]);
            let port = ports[t];
            let mut inbound = if t == 0 {
                vec![nacl(100, tcp(443), anywhere()), nacl(105, tcp(80), anywhere())]
            } else {
                vec![nacl(100, tcp(port), ten)]
            };
            inbound.extend([
                nacl(110, tcp(22), IpNet::V4(onprem)),
                nacl(120, tcp(9100), IpNet::V4(onprem)),
                nacl(125, tcp(8443), vnet),
                nacl(130, (Protocol::Icmp, PortRange::ALL), ten),
                nacl(140, (Protocol::Tcp, PortRange::EPHEMERAL), anywhere()),
            ]);
            // Tiers behind the public one also let their clients' subnets
            // reach the public tier's NAT gateways (outbound web via NAT).
            d.network_acls.push(NetworkAcl {
                name: acl,
                description: Some(format!(
                    "{} tier: service port in, ephemeral replies both ways",
                    TIER_NAMES[t]
                )),
                vpc: n.vpc.clone(),
                inbound,
                outbound: vec![
                    nacl(100, (Protocol::Tcp, PortRange::EPHEMERAL), anywhere()),
                    nacl(110, tcp(443), anywhere()),
                    nacl(120, tcp(80), anywhere()),
                    nacl(130, (Protocol::All, PortRange::ALL), ten),
                    nacl(140, (Protocol::All, PortRange::ALL), IpNet::V4(onprem)),
                ],
            });

            let mut inbound = if t == 0 {
                vec![
                    sg_rule(tcp(443), SgPeer::Cidr(anywhere())),
                    sg_rule(tcp(80), SgPeer::Cidr(anywhere())),
                ]
            } else {
                vec![
                    sg_rule(tcp(port), SgPeer::Group(n.sg(t - 1))),
                    sg_rule(tcp(port), SgPeer::Group(n.sg(t))),
                ]
            };
            inbound.extend([
                sg_rule(tcp(22), SgPeer::Cidr(IpNet::V4(onprem))),
                sg_rule(tcp(9100), SgPeer::Cidr(IpNet::V4(onprem))),
                sg_rule((Protocol::Icmp, PortRange::ALL), SgPeer::Cidr(ten)),
                sg_rule(tcp(8443), SgPeer::Cidr(vnet)),
            ]);
            if p.vpcs > 1 {
                // Consumers in the previous VPC reach this tier's service (via TGW or peering).
                inbound.push(sg_rule(tcp(port), SgPeer::Cidr(prev_vpc)));
            }
            d.security_groups.push(SecurityGroup {
                owner: None,
                group_name: None,
                name: n.sg(t),
                description: Some(format!("{} tier", TIER_NAMES[t])),
                vpc: n.vpc.clone(),
                inbound,
                outbound: vec![
                    sg_rule(tcp(443), SgPeer::Cidr(anywhere())),
                    sg_rule(tcp(80), SgPeer::Cidr(anywhere())),
                    sg_rule((Protocol::All, PortRange::ALL), SgPeer::Cidr(ten)),
                    sg_rule((Protocol::All, PortRange::ALL), SgPeer::Cidr(IpNet::V4(onprem))),
                ],
            });
        }

        for az in 0..p.azs {
            let letter = AZ_LETTERS[az];
            let nat = format!("nat-{}-{letter}", n.vpc);
            let rt_private = format!("rt-{}-private-{letter}", n.vpc);
            if has_private {
                eip_counter += 1;
                let eip = format!("eip-{nat}");
                d.elastic_ips.push(ElasticIp {
                    name: eip.clone(),
                    description: None,
                    address: Ipv4Addr::from(u32::from(Ipv4Addr::new(3, 80, 0, 0)) + eip_counter),
                });
                d.nat_gateways.push(NatGateway {
                    name: nat.clone(),
                    description: None,
                    subnet: n.subnet(0, az),
                    connectivity: NatConnectivity::Public,
                    elastic_ip: Some(eip),
                    private_ip: None,
                });
                let mut routes = vec![Route::new(
                    RouteDestination::Cidr(anywhere()),
                    RouteTarget::NatGateway(nat.clone()),
                )];
                routes.extend(shared_routes.iter().cloned());
                d.route_tables.push(RouteTable {
                    name: rt_private.clone(),
                    description: Some(format!("Private tiers in {}: default route via NAT", azs[az])),
                    vpc: n.vpc.clone(),
                    routes,
                    propagating_vgws: propagating.clone(),
                });
            }
            for t in 0..p.tiers {
                let subnet = n.subnet(t, az);
                let block = net(10, o3, (t * 8 + az) as u8, 0, 24);
                d.subnets.push(Subnet {
                    name: subnet.clone(),
                    description: None,
                    vpc: n.vpc.clone(),
                    az: azs[az].clone(),
                    cidr: block,
                    ipv6_cidr: None,
                    map_public_ip: t == 0,
                    route_table: Some(if t == 0 { rt_public.clone() } else { rt_private.clone() }),
                    network_acl: Some(format!("acl-{}-{}", n.vpc, TIER_NAMES[t])),
                    tier: Some(TIER_NAMES[t].into()),
                });
                for k in 0..p.instances {
                    // One fixed address per data-tier subnet, like a database pinned by DNS.
                    let fixed = (t == 2 && k == 0).then(|| Ipv4Addr::new(10, o3, (t * 8 + az) as u8, 250));
                    d.instances.push(Instance {
                        owner: None,
                        name: n.instance(t, az, k),
                        description: None,
                        role: match t {
                            0 => InstanceRole::Web,
                            1 => InstanceRole::App,
                            2 => InstanceRole::Db,
                            _ => InstanceRole::Other,
                        },
                        os: if rng.below(10) == 0 {
                            OsFamily::Windows
                        } else {
                            OsFamily::Linux
                        },
                        subnet: subnet.clone(),
                        private_ip: fixed,
                        public_ip: None,
                        elastic_ip: None,
                        ipv6: None,
                        security_groups: vec![n.sg(t)],
                        source_dest_check: true,
                        secondary_interfaces: Vec::new(),
                    });
                }
            }
            if p.tgw {
                // A small attachment subnet per AZ (TGW-2), on the main route table.
                d.subnets.push(Subnet {
                    name: format!("{}-tgw-{letter}", n.vpc),
                    description: Some("Transit gateway attachment".into()),
                    vpc: n.vpc.clone(),
                    az: azs[az].clone(),
                    cidr: net(10, o3, 255, (az * 16) as u8, 28),
                    ipv6_cidr: None,
                    map_public_ip: false,
                    route_table: None,
                    network_acl: None,
                    tier: Some("tgw".into()),
                });
            }
        }
        if p.tgw {
            tgw.attachments.push(TgwAttachment {
                name: format!("tgw-att-{}", n.vpc),
                kind: TgwAttachmentKind::Vpc {
                    vpc: n.vpc.clone(),
                    subnets: (0..p.azs)
                        .map(|az| format!("{}-tgw-{}", n.vpc, AZ_LETTERS[az]))
                        .collect(),
                },
                association: Some("tgw-rt-main".into()),
                propagations: vec!["tgw-rt-main".into()],
                appliance_mode: false,
                sg_referencing: true,
            });
        }
    }
    if p.tgw {
        tgw.attachments.push(TgwAttachment {
            name: "tgw-att-vpn-dc".into(),
            kind: TgwAttachmentKind::Vpn {
                connection: "vpn-dc".into(),
            },
            association: Some("tgw-rt-main".into()),
            propagations: vec!["tgw-rt-main".into()],
            appliance_mode: false,
            sg_referencing: true,
        });
        d.transit_gateways.push(tgw);
    }

    // Remembered traces: within a VPC, out to the internet and, when VPCs
    // are connected, across them.
    if p.instances > 0 {
        let first = VpcNames::new(0);
        if p.tiers > 1 {
            d.traces.push(TraceQuery {
                from: first.instance(0, 0, 0),
                to: first.instance(1, 0, 0),
                proto: Protocol::Tcp,
                port: Some(ports_of(&d, &first.sg(1))),
                sport: None,
            });
            d.traces.push(TraceQuery {
                from: first.instance(1, 0, 0),
                to: "internet".into(),
                proto: Protocol::Tcp,
                port: Some(443),
                sport: None,
            });
        } else {
            d.traces.push(TraceQuery {
                from: "internet".into(),
                to: first.instance(0, 0, 0),
                proto: Protocol::Tcp,
                port: Some(443),
                sport: None,
            });
        }
        if p.vpcs > 1 && (p.tgw || p.peering != PeeringMode::None) {
            let second = VpcNames::new(1);
            let t = p.tiers.min(3) - 1;
            d.traces.push(TraceQuery {
                from: first.instance(0, 0, 0),
                to: second.instance(t, p.azs - 1, 0),
                proto: Protocol::Tcp,
                port: Some(ports_of(&d, &second.sg(t))),
                sport: None,
            });
        }
    }
    Ok(d)
}

/// The service port of a generated tier security group (its first inbound rule).
fn ports_of(d: &Design, sg: &str) -> u16 {
    d.security_groups
        .iter()
        .find(|g| g.name == sg)
        .and_then(|g| g.inbound.first())
        .map(|r| r.ports.from)
        .unwrap_or(443)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{self, Severity};
    use proptest::prelude::*;

    fn errors(d: &Design) -> Vec<String> {
        validate::validate(d)
            .into_iter()
            .filter(|x| x.severity == Severity::Error)
            .map(|x| x.to_string())
            .collect()
    }

    #[test]
    fn large_preset_has_the_promised_size() {
        let d = generate(&GenParams::large()).unwrap();
        assert_eq!(d.vpcs.len(), 100);
        assert_eq!(d.instances.len(), 12_000);
        // 4 tier groups + the default group per VPC.
        assert_eq!(d.security_groups.len(), 500);
        let custom: Vec<_> = d
            .security_groups
            .iter()
            .filter(|g| !g.name.ends_with("-default-sg"))
            .collect();
        let rules: usize = custom.iter().map(|g| g.inbound.len() + g.outbound.len()).sum();
        assert!(
            (9..=12).contains(&(rules / custom.len())),
            "{} rules per SG",
            rules / custom.len()
        );
        assert_eq!(d.transit_gateways[0].attachments.len(), 101);
        assert!(errors(&d).is_empty(), "{:?}", &errors(&d)[..errors(&d).len().min(5)]);
    }

    #[test]
    fn same_seed_same_design_other_seed_differs() {
        let p = GenParams {
            vpcs: 3,
            instances: 5,
            ..GenParams::default()
        };
        assert_eq!(generate(&p).unwrap(), generate(&p).unwrap());
        let other = generate(&GenParams { seed: 99, ..p.clone() }).unwrap();
        assert_ne!(generate(&p).unwrap(), other);
    }

    #[test]
    fn out_of_range_parameters_are_refused_with_the_range() {
        let err = generate(&GenParams {
            vpcs: 300,
            ..GenParams::default()
        })
        .unwrap_err();
        assert!(err.0.contains("--vpcs must be between 1 and 256"), "{err}");
        assert!(generate(&GenParams {
            tiers: 0,
            ..GenParams::default()
        })
        .is_err());
    }

    #[test]
    fn vpc_cidrs_never_overlap_so_peering_is_legal() {
        let d = generate(&GenParams {
            vpcs: 6,
            peering: PeeringMode::Mesh,
            ..GenParams::default()
        })
        .unwrap();
        assert_eq!(d.peerings.len(), 15);
        for (i, a) in d.vpcs.iter().enumerate() {
            for b in &d.vpcs[i + 1..] {
                assert!(!cidr::overlaps(a.cidr, b.cidr), "{} {}", a.cidr, b.cidr);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Every small generated design is valid (no errors) and survives a .ron round trip.
        #[test]
        fn small_generated_designs_are_valid(
            vpcs in 1usize..5, azs in 1usize..4, tiers in 1usize..6, instances in 0usize..4,
            tgw in proptest::bool::ANY, peering in 0u8..3, seed in proptest::num::u64::ANY,
        ) {
            let p = GenParams {
                vpcs, azs, tiers, instances, tgw,
                peering: [PeeringMode::None, PeeringMode::Ring, PeeringMode::Mesh][peering as usize],
                seed,
            };
            let d = generate(&p).unwrap();
            let errs = errors(&d);
            prop_assert!(errs.is_empty(), "{:?}: {:?}", p, errs);
            let text = crate::io::to_ron_string(&d).unwrap();
            let back = crate::io::parse(&text, "generated").unwrap();
            prop_assert_eq!(back, d);
        }
    }
}
