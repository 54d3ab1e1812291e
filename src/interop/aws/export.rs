//! `vpcd export aws-json`: a design written as the `describe-*` JSON AWS
//! would return for it, one file per API, readable by `vpcd import aws`.
//!
//! Objects keep the AWS ids they were imported with; others get stable fake
//! ids derived from their names (the same design always exports the same
//! ids). Names travel as `Name` tags. What AWS has no API for — on-premises
//! networks — travels as a `vpcd:onprem` tag on the customer gateway or
//! Direct Connect connection that reaches it, so a round trip keeps them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;

use ipnet::IpNet;

use super::json::{self as j, AwsFile, Tag};
use crate::model::index::EniOwner;
use crate::model::*;

/// The account fake ARNs and owner ids use.
pub const ACCOUNT: &str = "123456789012";
/// The peer account of a cross-account peering.
const PEER_ACCOUNT: &str = "210987654321";

/// The tag that carries on-premises networks (`name=cidr,cidr;name2=cidr`).
pub const ONPREM_TAG: &str = "vpcd:onprem";

/// Ids of the design's objects: the imported ones, or fake stable ones.
struct Ids<'d> {
    by_name: HashMap<&'d str, Vec<&'d str>>,
}

impl<'d> Ids<'d> {
    fn new(d: &'d Design) -> Self {
        Ids {
            by_name: d.aws_ids_by_name(),
        }
    }

    /// The id of `name` with AWS's `prefix` (`vpc-`, `subnet-`, …).
    fn id(&self, prefix: &str, name: &str) -> String {
        if let Some(id) = self
            .by_name
            .get(name)
            .and_then(|ids| ids.iter().find(|id| id.starts_with(prefix)))
        {
            return id.to_string();
        }
        format!(
            "{prefix}{:017x}",
            fnv(&format!("{prefix}{name}")) & 0x1_ffff_ffff_ffff_ffff
        )
    }
}

/// FNV-1a: stable across runs and platforms, unlike the std hasher.
fn fnv(s: &str) -> u128 {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in s.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

fn tags(name: &str) -> Vec<Tag> {
    vec![Tag {
        key: "Name".into(),
        value: name.into(),
    }]
}

/// The AWS account id of a design account (`None`: the design's unnamed
/// account): the id it records, else a stable fake one derived from its name,
/// so objects of different accounts export with different `OwnerId`s.
pub(super) fn account_id(d: &Design, account: Option<&str>) -> String {
    match account {
        None => ACCOUNT.into(),
        Some(name) => match d.accounts.account(name).and_then(|a| a.id.clone()) {
            Some(id) => id,
            None => format!("{:012}", fnv(&format!("account:{name}")) % 1_000_000_000_000),
        },
    }
}

fn some(s: impl Into<String>) -> Option<String> {
    Some(s.into())
}

/// An AWS protocol string: `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a number.
fn sg_proto(p: Protocol) -> String {
    match p {
        Protocol::All => "-1".into(),
        Protocol::Tcp => "tcp".into(),
        Protocol::Udp => "udp".into(),
        Protocol::Icmp => "icmp".into(),
        Protocol::Icmpv6 => "icmpv6".into(),
        Protocol::Number(n) => n.to_string(),
    }
}

/// NACL entries print protocols as numbers (`-1`, `6`, `17`, `1`, `58`).
fn nacl_proto(p: Protocol) -> String {
    p.number().map(|n| n.to_string()).unwrap_or_else(|| "-1".into())
}

/// A public address for an instance that has one but no Elastic IP: the
/// index's auto-assigned address.
fn public_of(idx: &DesignIndex, owner: &EniOwner) -> Option<Ipv4Addr> {
    idx.eni(owner).and_then(|e| e.public_ip)
}

/// The files `vpcd export aws-json` writes: (file name, content), and what it left out.
pub fn export(d: &Design) -> (Vec<(String, AwsFile)>, Vec<String>) {
    let idx = DesignIndex::new(d);
    let ids = Ids::new(d);
    let region = d.region.as_str();
    let mut left_out = Vec::new();
    let mut files: BTreeMap<&'static str, AwsFile> = BTreeMap::new();
    let pl_id = |name: &str| -> String {
        if aws_prefix_list(name).is_some() {
            ids.id("pl-", &format!("com.amazonaws.{region}.{name}"))
        } else {
            ids.id("pl-", name)
        }
    };
    // The ENI id of an instance's primary interface, or of a named secondary one.
    let eni_id = |name: &str| -> String {
        if let Some(id) = ids
            .by_name
            .get(name)
            .and_then(|v| v.iter().find(|i| i.starts_with("eni-")))
        {
            return id.to_string();
        }
        ids.id("eni-", &format!("{name}#eni"))
    };

    // VPCs.
    let vpcs: Vec<j::Vpc> = d
        .vpcs
        .iter()
        .map(|v| j::Vpc {
            vpc_id: ids.id("vpc-", &v.name),
            cidr_block: some(v.cidr.to_string()),
            cidr_block_association_set: v
                .ipv4_cidrs()
                .map(|c| j::CidrAssociation {
                    cidr_block: some(c.to_string()),
                    cidr_block_state: Some(j::State {
                        state: some("associated"),
                    }),
                    ..Default::default()
                })
                .collect(),
            ipv6_cidr_block_association_set: v
                .ipv6_cidr
                .iter()
                .map(|c| j::CidrAssociation {
                    ipv6_cidr_block: some(c.to_string()),
                    ipv6_cidr_block_state: Some(j::State {
                        state: some("associated"),
                    }),
                    ..Default::default()
                })
                .collect(),
            instance_tenancy: some(if v.tenancy == Tenancy::Dedicated {
                "dedicated"
            } else {
                "default"
            }),
            owner_id: Some(account_id(d, d.vpc_owner(&v.name))),
            state: some("available"),
            is_default: false,
            tags: tags(&v.name),
        })
        .collect();
    files.insert(
        "Vpcs",
        AwsFile {
            vpcs: Some(vpcs),
            ..Default::default()
        },
    );
    let mut attributes = Vec::new();
    for v in &d.vpcs {
        let vpc_id = ids.id("vpc-", &v.name);
        attributes.push((
            format!("VpcAttribute-{vpc_id}-enableDnsSupport.json"),
            AwsFile {
                vpc_id: Some(vpc_id.clone()),
                enable_dns_support: Some(j::AttributeBool { value: v.dns_support }),
                ..Default::default()
            },
        ));
        attributes.push((
            format!("VpcAttribute-{vpc_id}-enableDnsHostnames.json"),
            AwsFile {
                vpc_id: Some(vpc_id),
                enable_dns_hostnames: Some(j::AttributeBool { value: v.dns_hostnames }),
                ..Default::default()
            },
        ));
    }

    let subnets: Vec<j::Subnet> = d
        .subnets
        .iter()
        .map(|s| j::Subnet {
            subnet_id: ids.id("subnet-", &s.name),
            vpc_id: ids.id("vpc-", &s.vpc),
            cidr_block: s.cidr.to_string(),
            availability_zone: s.az.clone(),
            map_public_ip_on_launch: s.map_public_ip,
            ipv6_cidr_block_association_set: s
                .ipv6_cidr
                .iter()
                .map(|c| j::CidrAssociation {
                    ipv6_cidr_block: some(c.to_string()),
                    ipv6_cidr_block_state: Some(j::State {
                        state: some("associated"),
                    }),
                    ..Default::default()
                })
                .collect(),
            owner_id: Some(account_id(d, d.vpc_owner(&s.vpc))),
            subnet_arn: some(format!(
                "arn:aws:ec2:{region}:{}:subnet/{}",
                account_id(d, d.vpc_owner(&s.vpc)),
                ids.id("subnet-", &s.name)
            )),
            tags: tags(&s.name),
        })
        .collect();
    files.insert(
        "Subnets",
        AwsFile {
            subnets: Some(subnets),
            ..Default::default()
        },
    );

    // Route tables, with the routes AWS shows: local, static, endpoint and propagated.
    let mut rts = Vec::new();
    for rt in &d.route_tables {
        let Some(vpc) = idx.vpc(d, &rt.vpc) else { continue };
        let mut associations = Vec::new();
        if vpc.main_route_table == rt.name {
            associations.push(j::RouteTableAssociation {
                main: true,
                route_table_association_id: some(ids.id("rtbassoc-", &format!("{}#main", rt.name))),
                ..Default::default()
            });
        }
        // A gateway route table's edge association with an internet gateway.
        for g in d
            .internet_gateways
            .iter()
            .filter(|g| g.edge_route_table.as_deref() == Some(rt.name.as_str()))
        {
            associations.push(j::RouteTableAssociation {
                gateway_id: some(ids.id("igw-", &g.name)),
                route_table_association_id: some(ids.id("rtbassoc-", &format!("{}#{}", rt.name, g.name))),
                ..Default::default()
            });
        }
        for s in d
            .subnets
            .iter()
            .filter(|s| s.route_table.as_deref() == Some(rt.name.as_str()))
        {
            associations.push(j::RouteTableAssociation {
                subnet_id: some(ids.id("subnet-", &s.name)),
                route_table_association_id: some(ids.id("rtbassoc-", &s.name)),
                ..Default::default()
            });
        }
        let mut routes = Vec::new();
        for r in idx.effective_routes(d, rt) {
            let mut out = j::Route {
                state: some(if r.state == RouteState::Blackhole {
                    "blackhole"
                } else {
                    "active"
                }),
                origin: some(match r.origin {
                    RouteOrigin::Local => "CreateRouteTable",
                    RouteOrigin::Propagated => "EnableVgwRoutePropagation",
                    RouteOrigin::Static | RouteOrigin::Endpoint => "CreateRoute",
                }),
                ..Default::default()
            };
            match &r.dest {
                RouteDestination::Cidr(IpNet::V4(c)) => out.destination_cidr_block = some(c.to_string()),
                RouteDestination::Cidr(IpNet::V6(c)) => out.destination_ipv6_cidr_block = some(c.to_string()),
                RouteDestination::PrefixList(p) => out.destination_prefix_list_id = Some(pl_id(p)),
            }
            match &r.target {
                RouteTarget::Local => out.gateway_id = some("local"),
                RouteTarget::InternetGateway(n) => out.gateway_id = Some(ids.id("igw-", n)),
                RouteTarget::EgressOnlyGateway(n) => out.egress_only_internet_gateway_id = Some(ids.id("eigw-", n)),
                RouteTarget::NatGateway(n) => out.nat_gateway_id = Some(ids.id("nat-", n)),
                RouteTarget::Instance(n) => {
                    out.instance_id = Some(ids.id("i-", n));
                    out.network_interface_id = Some(eni_id(n));
                }
                RouteTarget::NetworkInterface(n) => out.network_interface_id = Some(eni_id(n)),
                RouteTarget::Peering(n) => out.vpc_peering_connection_id = Some(ids.id("pcx-", n)),
                RouteTarget::TransitGateway(n) => out.transit_gateway_id = Some(ids.id("tgw-", n)),
                RouteTarget::VpnGateway(n) => out.gateway_id = Some(ids.id("vgw-", n)),
                RouteTarget::GatewayEndpoint(n) => out.gateway_id = Some(ids.id("vpce-", n)),
                RouteTarget::FirewallEndpoint(n, az) => {
                    left_out.push(format!("route table {}: route to firewall {n} in {az} (Network Firewall is not an EC2 describe output)", rt.name));
                    continue;
                }
            }
            routes.push(out);
        }
        rts.push(j::RouteTable {
            route_table_id: ids.id("rtb-", &rt.name),
            vpc_id: ids.id("vpc-", &rt.vpc),
            associations,
            routes,
            propagating_vgws: rt
                .propagating_vgws
                .iter()
                .map(|v| j::PropagatingVgw {
                    gateway_id: ids.id("vgw-", v),
                })
                .collect(),
            owner_id: Some(account_id(d, d.vpc_owner(&rt.vpc))),
            tags: tags(&rt.name),
        });
    }
    files.insert(
        "RouteTables",
        AwsFile {
            route_tables: Some(rts),
            ..Default::default()
        },
    );

    // Security groups: one permission per rule.
    let default_sgs: std::collections::HashSet<&str> =
        d.vpcs.iter().map(|v| v.default_security_group.as_str()).collect();
    let perm = |r: &SgRule| -> j::IpPermission {
        let (from, to) = if r.proto.has_ports() {
            (Some(i64::from(r.ports.from)), Some(i64::from(r.ports.to)))
        } else if matches!(r.proto, Protocol::Icmp | Protocol::Icmpv6) {
            (Some(-1), Some(-1))
        } else {
            (None, None)
        };
        let mut p = j::IpPermission {
            ip_protocol: Some(sg_proto(r.proto)),
            from_port: from,
            to_port: to,
            ..Default::default()
        };
        match &r.peer {
            SgPeer::Cidr(IpNet::V4(c)) => p.ip_ranges.push(j::IpRange {
                cidr_ip: some(c.to_string()),
                description: r.description.clone(),
            }),
            SgPeer::Cidr(IpNet::V6(c)) => p.ipv6_ranges.push(j::Ipv6Range {
                cidr_ipv6: some(c.to_string()),
                description: r.description.clone(),
            }),
            SgPeer::PrefixList(n) => p.prefix_list_ids.push(j::PrefixListRef {
                prefix_list_id: pl_id(n),
                description: r.description.clone(),
            }),
            SgPeer::Group(g) => p.user_id_group_pairs.push(j::GroupPair {
                group_id: Some(ids.id("sg-", g)),
                user_id: Some(account_id(d, d.security_group_owner(g))),
                description: r.description.clone(),
                ..Default::default()
            }),
        }
        p
    };
    let sgs: Vec<j::SecurityGroup> = d
        .security_groups
        .iter()
        .map(|g| j::SecurityGroup {
            group_id: ids.id("sg-", &g.name),
            // AWS names every VPC's default group `default`.
            group_name: if default_sgs.contains(g.name.as_str()) {
                "default".into()
            } else {
                g.aws_group_name().into_owned()
            },
            description: Some(g.description.clone().unwrap_or_else(|| g.name.clone())),
            vpc_id: ids.id("vpc-", &g.vpc),
            owner_id: Some(account_id(d, d.security_group_owner(&g.name))),
            ip_permissions: g.inbound.iter().map(perm).collect(),
            ip_permissions_egress: g.outbound.iter().map(perm).collect(),
            tags: tags(&g.name),
        })
        .collect();
    files.insert(
        "SecurityGroups",
        AwsFile {
            security_groups: Some(sgs),
            ..Default::default()
        },
    );

    // Network ACLs, with the rule 32767 deny entries AWS shows.
    let mut acls = Vec::new();
    for acl in &d.network_acls {
        let Some(vpc) = idx.vpc(d, &acl.vpc) else { continue };
        let is_default = vpc.default_network_acl == acl.name;
        let associations = d
            .subnets
            .iter()
            .filter(|s| match &s.network_acl {
                Some(a) => *a == acl.name,
                None => is_default && s.vpc == acl.vpc,
            })
            .map(|s| j::NaclAssociation {
                subnet_id: ids.id("subnet-", &s.name),
                network_acl_association_id: some(ids.id("aclassoc-", &s.name)),
                network_acl_id: Some(ids.id("acl-", &acl.name)),
            })
            .collect();
        let mut entries = Vec::new();
        for (egress, rules) in [(false, &acl.inbound), (true, &acl.outbound)] {
            let mut push = |number: i64, action: RuleAction, proto: Protocol, ports: PortRange, cidr: IpNet| {
                entries.push(j::NaclEntry {
                    rule_number: number,
                    protocol: Some(nacl_proto(proto)),
                    rule_action: action.to_string(),
                    egress: Some(egress),
                    cidr_block: matches!(cidr, IpNet::V4(_)).then(|| cidr.to_string()),
                    ipv6_cidr_block: matches!(cidr, IpNet::V6(_)).then(|| cidr.to_string()),
                    port_range: proto.has_ports().then(|| j::PortRange {
                        from: i64::from(ports.from),
                        to: i64::from(ports.to),
                    }),
                    icmp_type_code: matches!(proto, Protocol::Icmp | Protocol::Icmpv6)
                        .then_some(j::IcmpTypeCode { r#type: -1, code: -1 }),
                });
            };
            for r in rules {
                push(i64::from(r.number), r.action, r.proto, r.ports, r.cidr);
            }
            push(32767, RuleAction::Deny, Protocol::All, PortRange::ALL, any_v4());
            if vpc.ipv6_cidr.is_some() {
                push(32768, RuleAction::Deny, Protocol::All, PortRange::ALL, any_v6());
            }
        }
        acls.push(j::NetworkAcl {
            network_acl_id: ids.id("acl-", &acl.name),
            vpc_id: ids.id("vpc-", &acl.vpc),
            is_default,
            associations,
            entries,
            owner_id: Some(account_id(d, d.vpc_owner(&acl.vpc))),
            tags: tags(&acl.name),
        });
    }
    files.insert(
        "NetworkAcls",
        AwsFile {
            network_acls: Some(acls),
            ..Default::default()
        },
    );

    // Instances and their interfaces.
    let eip_addr: HashMap<&str, Ipv4Addr> = d.elastic_ips.iter().map(|e| (e.name.as_str(), e.address)).collect();
    let subnet_vpc: HashMap<&str, &str> = d.subnets.iter().map(|s| (s.name.as_str(), s.vpc.as_str())).collect();
    let subnet_az: HashMap<&str, &str> = d.subnets.iter().map(|s| (s.name.as_str(), s.az.as_str())).collect();
    let groups = |names: &[String]| -> Vec<j::GroupIdentifier> {
        names
            .iter()
            .map(|g| j::GroupIdentifier {
                group_id: ids.id("sg-", g),
                group_name: Some(g.clone()),
            })
            .collect()
    };
    let mut reservations = Vec::new();
    let mut enis_out = Vec::new();
    let mut addresses = Vec::new();
    for i in &d.instances {
        let iid = ids.id("i-", &i.name);
        let vpc_id = subnet_vpc
            .get(i.subnet.as_str())
            .map(|v| ids.id("vpc-", v))
            .unwrap_or_default();
        let primary = idx.eni(&EniOwner::Instance(i.name.clone()));
        let private = primary.map(|e| e.private_ip).or(i.private_ip);
        let public = match &i.elastic_ip {
            Some(e) => eip_addr.get(e.as_str()).copied(),
            None => public_of(&idx, &EniOwner::Instance(i.name.clone())),
        };
        let mut nics = Vec::new();
        let primary_id = eni_id(&i.name);
        let owner = d.instance_owner(&i.name);
        let instance_account = account_id(d, owner);
        let eni = |id: String,
                   account: String,
                   subnet: &str,
                   ip: Option<Ipv4Addr>,
                   sgs: &[String],
                   sdc: bool,
                   index: i64,
                   public: Option<Ipv4Addr>,
                   ipv6: Option<std::net::Ipv6Addr>,
                   name: &str| j::NetworkInterface {
            network_interface_id: id,
            subnet_id: ids.id("subnet-", subnet),
            vpc_id: subnet_vpc.get(subnet).map(|v| ids.id("vpc-", v)).unwrap_or_default(),
            availability_zone: subnet_az.get(subnet).map(|z| z.to_string()),
            interface_type: some("interface"),
            owner_id: Some(account),
            private_ip_address: ip.map(|a| a.to_string()),
            private_ip_addresses: ip
                .map(|a| j::PrivateIp {
                    private_ip_address: a.to_string(),
                    primary: true,
                    association: public.map(|p| j::IpAssociation {
                        public_ip: some(p.to_string()),
                        ..Default::default()
                    }),
                })
                .into_iter()
                .collect(),
            ipv6_addresses: ipv6
                .iter()
                .map(|a| j::Ipv6Address {
                    ipv6_address: a.to_string(),
                })
                .collect(),
            groups: groups(sgs),
            attachment: Some(j::EniAttachment {
                instance_id: Some(iid.clone()),
                instance_owner_id: Some(instance_account.clone()),
                device_index: Some(index),
                status: some("attached"),
            }),
            association: public.map(|p| j::IpAssociation {
                public_ip: some(p.to_string()),
                ..Default::default()
            }),
            source_dest_check: Some(sdc),
            status: some("in-use"),
            tag_set: if index == 0 { Vec::new() } else { tags(name) },
            ..Default::default()
        };
        nics.push(eni(
            primary_id.clone(),
            instance_account.clone(),
            &i.subnet,
            private,
            &i.security_groups,
            i.source_dest_check,
            0,
            public,
            i.ipv6,
            &i.name,
        ));
        for (n, s) in i.secondary_interfaces.iter().enumerate() {
            let ip = idx
                .eni(&EniOwner::SecondaryInterface(i.name.clone(), s.name.clone()))
                .map(|e| e.private_ip)
                .or(s.private_ip);
            nics.push(eni(
                eni_id(&s.name),
                account_id(d, s.owner.as_deref().or(owner)),
                &s.subnet,
                ip,
                &s.security_groups,
                s.source_dest_check,
                n as i64 + 1,
                None,
                None,
                &s.name,
            ));
        }
        if let Some(e) = &i.elastic_ip {
            if let Some(addr) = eip_addr.get(e.as_str()) {
                addresses.push(j::Address {
                    allocation_id: Some(ids.id("eipalloc-", e)),
                    public_ip: addr.to_string(),
                    instance_id: Some(iid.clone()),
                    network_interface_id: Some(primary_id.clone()),
                    private_ip_address: private.map(|p| p.to_string()),
                    association_id: Some(ids.id("eipassoc-", e)),
                    domain: some("vpc"),
                    tags: tags(e),
                });
            }
        }
        enis_out.extend(nics.iter().cloned());
        reservations.push(j::Reservation {
            owner_id: Some(instance_account.clone()),
            reservation_id: Some(ids.id("r-", &i.name)),
            instances: vec![j::Instance {
                instance_id: iid.clone(),
                state: j::InstanceState { name: "running".into() },
                subnet_id: Some(ids.id("subnet-", &i.subnet)),
                vpc_id: Some(vpc_id),
                private_ip_address: private.map(|p| p.to_string()),
                public_ip_address: public.map(|p| p.to_string()),
                ipv6_address: i.ipv6.map(|a| a.to_string()),
                instance_type: i
                    .description
                    .clone()
                    .filter(|t| t.contains('.') && !t.contains(' '))
                    .or(some("t3.micro")),
                platform: (i.os == OsFamily::Windows).then(|| "windows".to_string()),
                placement: subnet_az.get(i.subnet.as_str()).map(|z| j::Placement {
                    availability_zone: z.to_string(),
                }),
                security_groups: groups(&i.security_groups),
                source_dest_check: Some(i.source_dest_check),
                network_interfaces: nics,
                tags: tags(&i.name),
            }],
        });
    }
    files.insert(
        "Reservations",
        AwsFile {
            reservations: Some(reservations),
            ..Default::default()
        },
    );

    // NAT gateways and their interfaces and addresses.
    let mut nats = Vec::new();
    for n in &d.nat_gateways {
        let nid = ids.id("nat-", &n.name);
        // A regional NAT gateway is in no subnet and has no interface of the
        // account's: describe-nat-gateways shows its VPC, its mode and one
        // address per AZ it serves (EC2 API reference, `NatGateway`).
        if n.is_regional() {
            nats.push(j::NatGateway {
                nat_gateway_id: nid,
                vpc_id: n.vpc.as_deref().map(|v| ids.id("vpc-", v)).unwrap_or_default(),
                state: "available".into(),
                connectivity_type: some("public"),
                availability_mode: some("regional"),
                auto_provision_zones: some("enabled"),
                nat_gateway_addresses: idx
                    .regional_nat_addresses
                    .iter()
                    .filter(|a| a.nat == n.name)
                    .map(|a| j::NatGatewayAddress {
                        public_ip: Some(a.public_ip.to_string()),
                        availability_zone: Some(a.az.clone()),
                        ..Default::default()
                    })
                    .collect(),
                tags: tags(&n.name),
                ..Default::default()
            });
            continue;
        }
        let Some(subnet) = n.subnet.as_deref() else {
            continue;
        };
        let eni = ids.id("eni-", &format!("{}#nat", n.name));
        let private = idx
            .eni(&EniOwner::NatGateway(n.name.clone()))
            .map(|e| e.private_ip)
            .or(n.private_ip);
        let public = n.elastic_ip.as_ref().and_then(|e| eip_addr.get(e.as_str()));
        if let (Some(e), Some(addr)) = (&n.elastic_ip, public) {
            addresses.push(j::Address {
                allocation_id: Some(ids.id("eipalloc-", e)),
                public_ip: addr.to_string(),
                network_interface_id: Some(eni.clone()),
                private_ip_address: private.map(|p| p.to_string()),
                association_id: Some(ids.id("eipassoc-", e)),
                domain: some("vpc"),
                tags: tags(e),
                ..Default::default()
            });
        }
        enis_out.push(j::NetworkInterface {
            network_interface_id: eni.clone(),
            subnet_id: ids.id("subnet-", subnet),
            vpc_id: subnet_vpc.get(subnet).map(|v| ids.id("vpc-", v)).unwrap_or_default(),
            availability_zone: subnet_az.get(subnet).map(|z| z.to_string()),
            description: Some(format!("Interface for NAT Gateway {nid}")),
            interface_type: some("nat_gateway"),
            requester_managed: true,
            private_ip_address: private.map(|p| p.to_string()),
            status: some("in-use"),
            ..Default::default()
        });
        nats.push(j::NatGateway {
            nat_gateway_id: nid,
            subnet_id: ids.id("subnet-", subnet),
            vpc_id: subnet_vpc.get(subnet).map(|v| ids.id("vpc-", v)).unwrap_or_default(),
            state: "available".into(),
            connectivity_type: some(if n.connectivity == NatConnectivity::Private {
                "private"
            } else {
                "public"
            }),
            nat_gateway_addresses: vec![j::NatGatewayAddress {
                allocation_id: n.elastic_ip.as_ref().map(|e| ids.id("eipalloc-", e)),
                network_interface_id: Some(eni),
                private_ip: private.map(|p| p.to_string()),
                public_ip: public.map(|p| p.to_string()),
                is_primary: Some(true),
                ..Default::default()
            }],
            tags: tags(&n.name),
            ..Default::default()
        });
    }
    // Interface endpoints' network interfaces whose address was chosen
    // (SubnetConfigurations): DescribeNetworkInterfaces lists each with type
    // `vpc_endpoint`, which is where an import reads the address back. Those
    // AWS picks are left out, as the design leaves them to AWS.
    for e in &d.endpoints {
        let EndpointKind::Interface { subnets, .. } = &e.kind else {
            continue;
        };
        for s in subnets {
            let Some(ip) = e.address_in(s) else { continue };
            let eid = ids.id("vpce-", &e.name);
            enis_out.push(j::NetworkInterface {
                network_interface_id: ids.id("eni-", &format!("{}#{s}", e.name)),
                subnet_id: ids.id("subnet-", s),
                vpc_id: ids.id("vpc-", &e.vpc),
                availability_zone: subnet_az.get(s.as_str()).map(|z| z.to_string()),
                description: Some(format!("VPC Endpoint Interface {eid}")),
                interface_type: some("vpc_endpoint"),
                requester_managed: true,
                private_ip_address: Some(ip.to_string()),
                status: some("in-use"),
                ..Default::default()
            });
        }
    }
    // Elastic IPs nothing uses.
    for e in &d.elastic_ips {
        if !addresses
            .iter()
            .any(|a| a.tags.first().is_some_and(|t| t.value == e.name))
        {
            addresses.push(j::Address {
                allocation_id: Some(ids.id("eipalloc-", &e.name)),
                public_ip: e.address.to_string(),
                domain: some("vpc"),
                tags: tags(&e.name),
                ..Default::default()
            });
        }
    }
    files.insert(
        "NatGateways",
        AwsFile {
            nat_gateways: Some(nats),
            ..Default::default()
        },
    );
    files.insert(
        "Addresses",
        AwsFile {
            addresses: Some(addresses),
            ..Default::default()
        },
    );
    files.insert(
        "NetworkInterfaces",
        AwsFile {
            network_interfaces: Some(enis_out),
            ..Default::default()
        },
    );

    let igws: Vec<j::InternetGateway> = d
        .internet_gateways
        .iter()
        .map(|g| j::InternetGateway {
            internet_gateway_id: ids.id("igw-", &g.name),
            attachments: g
                .vpc
                .iter()
                .map(|v| j::VpcAttachment {
                    vpc_id: ids.id("vpc-", v),
                    state: "available".into(),
                })
                .collect(),
            owner_id: Some(account_id(
                d,
                g.vpc
                    .as_deref()
                    .and_then(|v| d.vpc_owner(v))
                    .or(d.accounts.home.as_deref()),
            )),
            tags: tags(&g.name),
        })
        .collect();
    files.insert(
        "InternetGateways",
        AwsFile {
            internet_gateways: Some(igws),
            ..Default::default()
        },
    );
    let eigws: Vec<j::EgressOnlyInternetGateway> = d
        .egress_only_gateways
        .iter()
        .map(|g| j::EgressOnlyInternetGateway {
            egress_only_internet_gateway_id: ids.id("eigw-", &g.name),
            attachments: vec![j::VpcAttachment {
                vpc_id: ids.id("vpc-", &g.vpc),
                state: "attached".into(),
            }],
            tags: tags(&g.name),
        })
        .collect();
    files.insert(
        "EgressOnlyInternetGateways",
        AwsFile {
            egress_only_internet_gateways: Some(eigws),
            ..Default::default()
        },
    );

    // Endpoints and the prefix lists they and the routes use.
    let endpoints: Vec<j::VpcEndpoint> = d
        .endpoints
        .iter()
        .map(|e| {
            // An endpoint to one of the design's own endpoint services names it as
            // AWS does (`com.amazonaws.vpce.REGION.vpce-svc-…`) and shows the state of
            // its connection (`pendingAcceptance`, `available`, `rejected`).
            let provided = d.endpoint_services.iter().find(|s| s.name == e.service);
            let (service_name, state) = match provided {
                Some(s) => (
                    format!("com.amazonaws.vpce.{region}.{}", ids.id("vpce-svc-", &s.name)),
                    s.connection_state(&e.name).aws().to_string(),
                ),
                None => (format!("com.amazonaws.{region}.{}", e.service), "available".into()),
            };
            let mut out = j::VpcEndpoint {
                vpc_endpoint_id: ids.id("vpce-", &e.name),
                vpc_id: ids.id("vpc-", &e.vpc),
                service_name,
                state,
                tags: tags(&e.name),
                ..Default::default()
            };
            match &e.kind {
                EndpointKind::Gateway {
                    route_tables,
                    policy,
                    ip_address_type,
                } => {
                    out.vpc_endpoint_type = "Gateway".into();
                    out.route_table_ids = route_tables.iter().map(|r| ids.id("rtb-", r)).collect();
                    out.policy_document = policy.clone();
                    out.ip_address_type = Some(ip_address_type.aws_name().to_string());
                }
                EndpointKind::Interface {
                    subnets,
                    security_groups,
                    private_dns,
                } => {
                    out.vpc_endpoint_type = "Interface".into();
                    out.subnet_ids = subnets.iter().map(|s| ids.id("subnet-", s)).collect();
                    out.groups = groups(security_groups);
                    out.private_dns_enabled = *private_dns;
                    out.network_interface_ids = subnets
                        .iter()
                        .map(|s| ids.id("eni-", &format!("{}#{s}", e.name)))
                        .collect();
                }
                EndpointKind::GatewayLoadBalancer { subnet } => {
                    out.vpc_endpoint_type = "GatewayLoadBalancer".into();
                    out.subnet_ids = vec![ids.id("subnet-", subnet)];
                    out.network_interface_ids = vec![ids.id("eni-", &format!("{}#{subnet}", e.name))];
                }
            }
            out
        })
        .collect();
    files.insert(
        "VpcEndpoints",
        AwsFile {
            vpc_endpoints: Some(endpoints),
            ..Default::default()
        },
    );
    endpoint_services(d, &ids, &mut files);
    let mut pls: Vec<j::PrefixList> = ["s3", "dynamodb"]
        .iter()
        .map(|s| j::PrefixList {
            prefix_list_id: pl_id(s),
            prefix_list_name: format!("com.amazonaws.{region}.{s}"),
            cidrs: aws_prefix_list(s)
                .unwrap_or_default()
                .iter()
                .map(|c| c.to_string())
                .collect(),
        })
        .collect();
    pls.extend(d.prefix_lists.iter().map(|p| j::PrefixList {
        prefix_list_id: pl_id(&p.name),
        prefix_list_name: p.name.clone(),
        cidrs: p.entries.iter().map(|c| c.to_string()).collect(),
    }));
    files.insert(
        "PrefixLists",
        AwsFile {
            prefix_lists: Some(pls),
            ..Default::default()
        },
    );
    let managed: Vec<j::ManagedPrefixList> = d
        .prefix_lists
        .iter()
        .map(|p| j::ManagedPrefixList {
            prefix_list_id: pl_id(&p.name),
            prefix_list_name: p.name.clone(),
            max_entries: Some(i64::from(p.max_entries)),
            owner_id: some(ACCOUNT),
            address_family: some(if p.entries.iter().any(|c| matches!(c, IpNet::V6(_))) {
                "IPv6"
            } else {
                "IPv4"
            }),
            tags: tags(&p.name),
        })
        .collect();
    files.insert(
        "ManagedPrefixLists",
        AwsFile {
            managed_prefix_lists: Some(managed),
            ..Default::default()
        },
    );

    // Peerings.
    let peerings: Vec<j::VpcPeeringConnection> = d
        .peerings
        .iter()
        .map(|p| {
            let requester = account_id(d, d.vpc_owner(&p.requester));
            let accepter = account_id(d, d.vpc_owner(&p.accepter));
            let info = |vpc: &str, owner: &str, region: &str| j::PeeringVpcInfo {
                vpc_id: ids.id("vpc-", vpc),
                owner_id: some(owner),
                region: some(region),
                cidr_block: idx.vpc(d, vpc).map(|v| v.cidr.to_string()),
                ..Default::default()
            };
            j::VpcPeeringConnection {
                vpc_peering_connection_id: ids.id("pcx-", &p.name),
                requester_vpc_info: info(&p.requester, &requester, region),
                accepter_vpc_info: info(
                    &p.accepter,
                    // Another account of the design, or one outside it.
                    if accepter != requester {
                        &accepter
                    } else if p.cross_account {
                        PEER_ACCOUNT
                    } else {
                        &requester
                    },
                    if p.cross_region { "peer-region-1" } else { region },
                ),
                status: j::PeeringStatus {
                    code: p.status.label().into(),
                    message: None,
                },
                tags: tags(&p.name),
            }
        })
        .collect();
    files.insert(
        "VpcPeeringConnections",
        AwsFile {
            vpc_peering_connections: Some(peerings),
            ..Default::default()
        },
    );

    // AWS RAM's resource shares are not EC2 output: an import rebuilds a
    // share from the participant's instances in the shared subnet, so a
    // share nothing is launched into does not come back.
    for share in &d.accounts.shares {
        for subnet in &share.subnets {
            for p in &share.participants {
                let used = d.instances.iter().any(|i| {
                    let owner = d.instance_owner(&i.name);
                    (i.subnet == *subnet && owner == Some(p.as_str()))
                        || i.secondary_interfaces
                            .iter()
                            .any(|e| e.subnet == *subnet && e.owner.as_deref().or(owner) == Some(p.as_str()))
                });
                if !used {
                    left_out.push(format!(
                        "share {}: {subnet} shared with {p}, which launches nothing there (AWS RAM shares are not an EC2 describe output)",
                        share.name
                    ));
                }
            }
        }
    }

    super::export_hybrid::export(d, &ids_fn(&ids), &mut files, &mut left_out);

    for f in &d.firewalls {
        left_out.push(format!("firewall {} (AWS Network Firewall has its own API)", f.name));
    }
    for f in &d.flow_logs {
        left_out.push(format!("flow log {}", f.name));
    }
    let mut files: Vec<(String, AwsFile)> = files.into_iter().map(|(k, v)| (format!("{k}.json"), v)).collect();
    files.extend(attributes);
    (files, left_out)
}

/// The id function the hybrid exporter uses.
fn ids_fn<'a>(ids: &'a Ids<'a>) -> impl Fn(&str, &str) -> String + 'a {
    move |prefix, name| ids.id(prefix, name)
}

/// Writes the files into `dir` (created if needed), each atomically.
pub fn write_dir(d: &Design, dir: &std::path::Path) -> Result<Vec<String>, crate::io::SaveError> {
    let (files, left_out) = export(d);
    for (name, content) in files {
        let text =
            serde_json::to_string_pretty(&content).map_err(|e| crate::io::SaveError::Serialize(e.to_string()))?;
        crate::io::write_atomic(&dir.join(name), text.as_bytes())?;
    }
    Ok(left_out)
}

/// The endpoint services the design provides, as the provider's
/// `describe-vpc-endpoint-service-configurations`, `-service-permissions` and
/// `-connections` print them.
fn endpoint_services(d: &Design, ids: &Ids<'_>, files: &mut BTreeMap<&'static str, AwsFile>) {
    let region = d.region.as_str();
    let id_fn = |prefix: &str, name: &str| ids.id(prefix, name);
    let mut configs = Vec::new();
    let mut principals = Vec::new();
    let mut connections = Vec::new();
    for s in &d.endpoint_services {
        let service_id = ids.id("vpce-svc-", &s.name);
        let lb = d.load_balancers.iter().find(|l| l.name == s.load_balancer);
        let azs: BTreeSet<String> = lb
            .into_iter()
            .flat_map(|l| &l.subnets)
            .filter_map(|n| d.subnets.iter().find(|x| &x.name == n))
            .map(|x| x.az.clone())
            .collect();
        let (mut nlbs, mut gwlbs) = (Vec::new(), Vec::new());
        let mut kind = "Interface";
        if let Some(lb) = lb {
            let (arn, _) = super::export_hybrid::lb_arn(region, lb, &id_fn);
            if lb.kind == LoadBalancerKind::Gateway {
                kind = "GatewayLoadBalancer";
                gwlbs.push(arn);
            } else {
                nlbs.push(arn);
            }
        }
        configs.push(j::ServiceConfiguration {
            service_id: service_id.clone(),
            service_name: format!("com.amazonaws.vpce.{region}.{service_id}"),
            service_type: vec![j::ServiceTypeDetail {
                service_type: kind.into(),
            }],
            service_state: some("Available"),
            availability_zones: azs.into_iter().collect(),
            acceptance_required: s.acceptance_required,
            network_load_balancer_arns: nlbs,
            gateway_load_balancer_arns: gwlbs,
            private_dns_name: s.private_dns_name.clone(),
            tags: tags(&s.name),
        });
        principals.extend(s.allowed_principals.iter().map(|p| j::AllowedPrincipal {
            principal_type: if p == "*" { "All" } else { "Account" }.into(),
            principal: p.clone(),
            service_id: some(service_id.clone()),
        }));
        for e in d.endpoints.iter().filter(|e| e.service == s.name) {
            let c = s.connection(&e.name);
            connections.push(j::VpcEndpointConnection {
                service_id: service_id.clone(),
                vpc_endpoint_id: ids.id("vpce-", &e.name),
                vpc_endpoint_owner: Some(c.and_then(|c| c.owner.clone()).unwrap_or_else(|| ACCOUNT.into())),
                vpc_endpoint_state: s.connection_state(&e.name).aws().into(),
            });
        }
    }
    if configs.is_empty() {
        return;
    }
    files.insert(
        "ServiceConfigurations",
        AwsFile {
            service_configurations: Some(configs),
            ..Default::default()
        },
    );
    files.insert(
        "AllowedPrincipals",
        AwsFile {
            allowed_principals: Some(principals),
            ..Default::default()
        },
    );
    files.insert(
        "VpcEndpointConnections",
        AwsFile {
            vpc_endpoint_connections: Some(connections),
            ..Default::default()
        },
    );
}
