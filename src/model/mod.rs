//! The design: plain data describing one region's VPC networks.
//!
//! Objects refer to each other by stable, human-readable names (`web-1`,
//! `rtb-private-a`). Names are unique across the whole design so that a name
//! alone identifies an object in the CLI, the trace panel and intents.
//! Nothing here knows about terminals; derived facts live in [`index`].

pub mod account;
pub mod attempt;
pub mod cidr;
pub mod compute;
pub mod connect;
pub mod endpoint_service;
pub mod filter;
pub mod gateways;
pub mod hybrid;
pub mod index;
pub mod intent;
pub mod limits;
pub mod money;
pub mod routing;
pub mod security;
pub mod software_vpn;
pub mod transit;
pub mod vpc;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use account::{Account, Accounts, SubnetShare};
pub use compute::*;
pub use connect::*;
pub use endpoint_service::*;
pub use filter::*;
pub use gateways::*;
pub use hybrid::*;
pub use index::DesignIndex;
pub use routing::*;
pub use security::*;
pub use software_vpn::{Tunnel, TunnelPeer};
pub use transit::*;
pub use vpc::*;

/// The version of the `.ron` format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Where VPC flow logs are captured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlowLogScope {
    Vpc(String),
    Subnet(String),
    Instance(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum FlowLogTraffic {
    Accept,
    Reject,
    #[default]
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub scope: FlowLogScope,
    #[serde(default)]
    pub traffic: FlowLogTraffic,
}

/// A remembered trace query ("can A reach B on proto/port?"), kept in the design file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceQuery {
    /// Source: an object name, `internet`, `internet:IP`, `onprem:NAME`, `s3`, an IP, …
    pub from: String,
    pub to: String,
    #[serde(default = "tcp")]
    pub proto: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sport: Option<u16>,
}

fn tcp() -> Protocol {
    Protocol::Tcp
}

/// A whole design. Field order is the order of sections in the `.ron` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// Format version of the file (see [`FORMAT_VERSION`]).
    pub format: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub region: String,
    /// Availability zones the design uses, e.g. `["us-east-1a", "us-east-1b"]`.
    pub azs: Vec<String>,
    /// The account's VPC quotas where they differ from AWS's defaults
    /// (validation warns above them; see [`limits::QuotaProfile`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<limits::QuotaProfile>,
    /// The accounts owning the design's objects and the subnets they share
    /// (absent: one account owns everything).
    #[serde(default, skip_serializing_if = "Accounts::is_empty")]
    pub accounts: Accounts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<Vpc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<Subnet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_only_gateways: Vec<EgressOnlyGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elastic_ips: Vec<ElasticIp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peerings: Vec<Peering>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
    /// PrivateLink endpoint services this design provides (`endpoint_service.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint_services: Vec<EndpointService>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<PrefixList>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_gateways: Vec<VpnGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_gateways: Vec<CustomerGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_connections: Vec<VpnConnection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dx_gateways: Vec<DxGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dx_connections: Vec<DxConnection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onprem_networks: Vec<OnPremNetwork>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateways: Vec<TransitGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub firewalls: Vec<Firewall>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow_logs: Vec<FlowLog>,
    /// Remembered trace queries of the trace panel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traces: Vec<TraceQuery>,
    /// Statements the design must satisfy, checked after every edit and by
    /// `vpcd check` (vocabulary: [`intent::Intent`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intents: Vec<intent::Intent>,
    /// For a design imported from AWS: each object's AWS id (`i-0abc…`,
    /// `subnet-…`) and the name it has here, so an AWS id is accepted wherever
    /// a name is and an export gives the objects their ids back.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub aws_ids: std::collections::BTreeMap<String, String>,
    /// For a practice attempt saved from practice mode: the exercise and how
    /// far the student got (`intents` then hold the exercise's objectives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<attempt::PracticeAttempt>,
}

impl Default for Design {
    fn default() -> Self {
        Design::empty("untitled", "us-east-1", &["us-east-1a", "us-east-1b"])
    }
}

impl Design {
    pub fn empty(name: &str, region: &str, azs: &[&str]) -> Self {
        Design {
            format: FORMAT_VERSION,
            name: name.to_string(),
            description: None,
            region: region.to_string(),
            azs: azs.iter().map(|s| s.to_string()).collect(),
            quotas: None,
            accounts: Accounts::default(),
            vpcs: Vec::new(),
            subnets: Vec::new(),
            route_tables: Vec::new(),
            internet_gateways: Vec::new(),
            egress_only_gateways: Vec::new(),
            nat_gateways: Vec::new(),
            elastic_ips: Vec::new(),
            security_groups: Vec::new(),
            network_acls: Vec::new(),
            instances: Vec::new(),
            load_balancers: Vec::new(),
            peerings: Vec::new(),
            endpoints: Vec::new(),
            endpoint_services: Vec::new(),
            prefix_lists: Vec::new(),
            vpn_gateways: Vec::new(),
            customer_gateways: Vec::new(),
            vpn_connections: Vec::new(),
            dx_gateways: Vec::new(),
            dx_connections: Vec::new(),
            onprem_networks: Vec::new(),
            transit_gateways: Vec::new(),
            firewalls: Vec::new(),
            flow_logs: Vec::new(),
            traces: Vec::new(),
            intents: Vec::new(),
            aws_ids: std::collections::BTreeMap::new(),
            practice: None,
        }
    }

    /// The design name an AWS id stands for (`i-0abc…` → `web-1`), if the
    /// design was imported and the object still exists under that name.
    pub fn name_for_aws_id(&self, id: &str) -> Option<&str> {
        self.aws_ids.get(id).map(String::as_str)
    }

    /// Each design name's AWS ids, in id order (an imported instance has its
    /// own `i-…` and its primary interface's `eni-…`).
    pub fn aws_ids_by_name(&self) -> std::collections::HashMap<&str, Vec<&str>> {
        let mut out: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
        for (id, name) in &self.aws_ids {
            out.entry(name.as_str()).or_default().push(id.as_str());
        }
        out
    }

    /// Resolves what a user typed: a name stays as it is; an AWS id of an
    /// imported object becomes that object's name.
    pub fn resolve_name<'a>(&'a self, s: &'a str) -> &'a str {
        self.name_for_aws_id(s).unwrap_or(s)
    }

    /// The objects that come with a new VPC: the VPC, its main route table,
    /// default NACL and default security group (named `<vpc>-main`, `<vpc>-default-acl`,
    /// `<vpc>-default-sg`).
    pub fn new_vpc_objects(name: &str, cidr: ipnet::Ipv4Net) -> Vec<Object> {
        Design::new_vpc_objects_with_ipv6(name, cidr, None)
    }

    /// [`Design::new_vpc_objects`] for a VPC created with an IPv6 block: AWS then gives
    /// the default NACL rules 101 allowing `::/0` in and out (VPC User Guide, "Default
    /// network ACL": the IPv6 rules are added when you create a VPC with an IPv6 CIDR
    /// block) and the default SG an outbound `::/0` rule (VPC User Guide, "Default
    /// security groups for your VPCs").
    pub fn new_vpc_objects_with_ipv6(
        name: &str,
        cidr: ipnet::Ipv4Net,
        ipv6_cidr: Option<ipnet::Ipv6Net>,
    ) -> Vec<Object> {
        let rt = format!("{name}-main");
        let acl = format!("{name}-default-acl");
        let sg = format!("{name}-default-sg");
        let ipv6 = ipv6_cidr.is_some();
        let mut default_sg = SecurityGroup::default_for(sg.clone(), name);
        if ipv6 {
            default_sg
                .outbound
                .push(SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(any_v6())));
        }
        vec![
            Object::RouteTable(RouteTable::new(rt.clone(), name)),
            Object::NetworkAcl(NetworkAcl::default_for(acl.clone(), name, ipv6)),
            Object::SecurityGroup(default_sg),
            Object::Vpc(Vpc {
                owner: None,
                name: name.to_string(),
                description: None,
                cidr,
                secondary_cidrs: Vec::new(),
                ipv6_cidr,
                tenancy: Tenancy::Default,
                dns_support: true,
                dns_hostnames: false,
                main_route_table: rt,
                default_network_acl: acl,
                default_security_group: sg,
            }),
        ]
    }

    /// What AWS does to the default NACL of VPC `vpc` when an IPv6 block is associated
    /// with it later: rule 101 allowing `::/0` is added to the inbound rules and to the
    /// outbound rules — each only if that direction was not modified (VPC User Guide,
    /// "Default network ACL": "if you've modified the inbound rules of your default
    /// network ACL, the rule that allows all inbound IPv6 traffic is not added", same
    /// for outbound). "Not modified" is read as: still exactly rule 100 allow all
    /// `0.0.0.0/0`. Returns the updated NACL (its `vpc` set to `vpc_name_after`), or
    /// `None` when nothing would change. The default security group is left alone: the
    /// guide documents its `::/0` outbound rule only for a VPC created with IPv6.
    pub fn default_nacl_after_ipv6_association(&self, vpc: &str, vpc_name_after: &str) -> Option<NetworkAcl> {
        let v = self.vpcs.iter().find(|v| v.name == vpc)?;
        if v.ipv6_cidr.is_some() {
            return None;
        }
        let acl = self.network_acls.iter().find(|a| a.name == v.default_network_acl)?;
        let v4 = NetworkAcl::default_for(acl.name.clone(), acl.vpc.clone(), false);
        let v6 = NetworkAcl::default_for(acl.name.clone(), vpc_name_after, true);
        let mut out = acl.clone();
        out.vpc = vpc_name_after.to_string();
        let mut changed = false;
        if acl.inbound == v4.inbound {
            out.inbound = v6.inbound;
            changed = true;
        }
        if acl.outbound == v4.outbound {
            out.outbound = v6.outbound;
            changed = true;
        }
        changed.then_some(out)
    }

    /// AWS's default VPC: 172.31.0.0/16, a public /20 per AZ with public IPs
    /// on launch, an IGW, main route 0.0.0.0/0 → IGW, default SG and NACL
    /// (VPC User Guide, "default VPCs").
    pub fn default_vpc(region: &str, azs: &[&str]) -> Design {
        let mut d = Design::empty("default-vpc", region, azs);
        d.description = Some("The default VPC AWS creates in every Region".into());
        let cidr: ipnet::Ipv4Net = "172.31.0.0/16".parse().expect("literal CIDR");
        for obj in Design::new_vpc_objects("default", cidr) {
            d.put(obj);
        }
        if let Some(vpc) = d.vpcs.first_mut() {
            vpc.dns_hostnames = true;
        }
        d.internet_gateways.push(InternetGateway {
            name: "default-igw".into(),
            description: None,
            vpc: Some("default".into()),
            edge_route_table: None,
        });
        if let Some(rt) = d.route_tables.first_mut() {
            rt.routes.push(Route::new(
                RouteDestination::Cidr(security::any_v4()),
                RouteTarget::InternetGateway("default-igw".into()),
            ));
        }
        let subnets = cidr.subnets(20).expect("/20 inside /16");
        for (az, block) in azs.iter().zip(subnets) {
            let suffix = az.chars().last().unwrap_or('a');
            d.subnets.push(Subnet {
                name: format!("default-{suffix}"),
                description: None,
                vpc: "default".into(),
                az: az.to_string(),
                cidr: block,
                ipv6_cidr: None,
                map_public_ip: true,
                route_table: None,
                network_acl: None,
                tier: Some("public".into()),
            });
        }
        d
    }
}

/// Generates the object-kind machinery (`ObjectKind`, `Object`, generic
/// access on `Design`) from one table, so a new kind is added in one place.
macro_rules! object_kinds {
    ($( $variant:ident, $field:ident, $label:literal; )*) => {
        /// Every kind of named object a design holds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ObjectKind { $($variant,)* }

        impl ObjectKind {
            pub const ALL: &'static [ObjectKind] = &[$(ObjectKind::$variant,)*];
            /// A human label: "subnet", "NAT gateway", …
            pub fn label(self) -> &'static str {
                match self { $(ObjectKind::$variant => $label,)* }
            }
        }

        /// One named object of any kind: the unit of generic edits.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub enum Object { $($variant($variant),)* }

        impl Object {
            pub fn kind(&self) -> ObjectKind {
                match self { $(Object::$variant(_) => ObjectKind::$variant,)* }
            }
            pub fn name(&self) -> &str {
                match self { $(Object::$variant(o) => &o.name,)* }
            }
            pub fn set_name(&mut self, name: String) {
                match self { $(Object::$variant(o) => o.name = name,)* }
            }
            pub fn description(&self) -> Option<&str> {
                match self { $(Object::$variant(o) => o.description.as_deref(),)* }
            }
        }

        impl Design {
            /// Number of objects of a kind.
            pub fn count(&self, kind: ObjectKind) -> usize {
                match kind { $(ObjectKind::$variant => self.$field.len(),)* }
            }
            /// A design holding only the objects `keep` accepts by kind and
            /// name, in their order (everything else, its name and Region
            /// included, left empty).
            pub fn only_objects(&self, keep: impl Fn(ObjectKind, &str) -> bool) -> Design {
                let mut out = Design::default();
                $( out.$field = self.$field.iter().filter(|o| keep(ObjectKind::$variant, &o.name)).cloned().collect(); )*
                out
            }
            /// The name of the object at a position of its kind's list.
            pub fn name_at(&self, kind: ObjectKind, index: usize) -> Option<&str> {
                match kind { $(ObjectKind::$variant => self.$field.get(index).map(|o| o.name.as_str()),)* }
            }
            /// Position of a named object in its kind's list.
            pub fn position(&self, kind: ObjectKind, name: &str) -> Option<usize> {
                match kind { $(ObjectKind::$variant => self.$field.iter().position(|o| o.name == name),)* }
            }
            /// A copy of the named object.
            pub fn get(&self, r: &ObjectRef) -> Option<Object> {
                match r.kind { $(ObjectKind::$variant => self.$field.iter().find(|o| o.name == r.name).cloned().map(Object::$variant),)* }
            }
            /// Inserts or replaces (by kind and name) an object; a replaced
            /// object keeps its position. Returns the previous object.
            pub fn put(&mut self, obj: Object) -> Option<Object> {
                match obj {
                    $(Object::$variant(o) => {
                        match self.$field.iter().position(|x| x.name == o.name) {
                            Some(i) => Some(Object::$variant(std::mem::replace(&mut self.$field[i], o))),
                            None => { self.$field.push(o); None }
                        }
                    })*
                }
            }
            /// Inserts an object at a position of its list (clamped to the list's length).
            pub fn insert_at(&mut self, index: usize, obj: Object) {
                match obj {
                    $(Object::$variant(o) => { let i = index.min(self.$field.len()); self.$field.insert(i, o); })*
                }
            }
            /// Removes an object, returning its position and value.
            pub fn remove(&mut self, r: &ObjectRef) -> Option<(usize, Object)> {
                match r.kind {
                    $(ObjectKind::$variant => {
                        let i = self.$field.iter().position(|o| o.name == r.name)?;
                        Some((i, Object::$variant(self.$field.remove(i))))
                    })*
                }
            }
            /// Calls `f(kind, name)` for every object, in file order, without
            /// copying a name.
            pub fn for_each_name<'a>(&'a self, mut f: impl FnMut(ObjectKind, &'a str)) {
                $( self.$field.iter().for_each(|o| f(ObjectKind::$variant, &o.name)); )*
            }
            /// Renames the object at a position of its kind's list (its
            /// references are left as they are); `false` when there is none.
            pub fn set_name_at(&mut self, kind: ObjectKind, index: usize, to: String) -> bool {
                match kind {
                    $(ObjectKind::$variant => match self.$field.get_mut(index) {
                        Some(o) => { o.name = to; true }
                        None => false,
                    },)*
                }
            }
            /// Every object's reference, in file order.
            pub fn object_refs(&self) -> Vec<ObjectRef> {
                let mut out = Vec::new();
                $( out.extend(self.$field.iter().map(|o| ObjectRef::new(ObjectKind::$variant, o.name.clone()))); )*
                out
            }
        }
    };
}

object_kinds! {
    Vpc, vpcs, "VPC";
    Subnet, subnets, "subnet";
    RouteTable, route_tables, "route table";
    InternetGateway, internet_gateways, "internet gateway";
    EgressOnlyGateway, egress_only_gateways, "egress-only internet gateway";
    NatGateway, nat_gateways, "NAT gateway";
    ElasticIp, elastic_ips, "Elastic IP";
    SecurityGroup, security_groups, "security group";
    NetworkAcl, network_acls, "network ACL";
    Instance, instances, "instance";
    LoadBalancer, load_balancers, "load balancer";
    Peering, peerings, "peering connection";
    Endpoint, endpoints, "VPC endpoint";
    EndpointService, endpoint_services, "endpoint service";
    PrefixList, prefix_lists, "prefix list";
    VpnGateway, vpn_gateways, "virtual private gateway";
    CustomerGateway, customer_gateways, "customer gateway";
    VpnConnection, vpn_connections, "VPN connection";
    DxGateway, dx_gateways, "Direct Connect gateway";
    DxConnection, dx_connections, "Direct Connect connection";
    OnPremNetwork, onprem_networks, "on-premises network";
    TransitGateway, transit_gateways, "transit gateway";
    Firewall, firewalls, "network firewall";
    FlowLog, flow_logs, "flow log";
}

/// A typed reference to a named object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: ObjectKind,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: ObjectKind, name: impl Into<String>) -> Self {
        ObjectRef {
            kind,
            name: name.into(),
        }
    }
}

impl Object {
    /// The names of the object's parts, which share the design's one name
    /// space: an instance's secondary interfaces, a transit gateway's route
    /// tables and attachments.
    pub fn part_names(&self) -> Vec<&str> {
        match self {
            Object::Instance(i) => i.secondary_interfaces.iter().map(|e| e.name.as_str()).collect(),
            Object::TransitGateway(t) => t
                .route_tables
                .iter()
                .map(|r| r.name.as_str())
                .chain(t.attachments.iter().map(|a| a.name.as_str()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A set of object kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u32);

impl KindSet {
    pub const fn of(kinds: &[ObjectKind]) -> KindSet {
        let mut bits = 0;
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << kinds[i] as u32;
            i += 1;
        }
        KindSet(bits)
    }
    pub fn insert(&mut self, kind: ObjectKind) {
        self.0 |= 1 << kind as u32;
    }
    pub const fn contains(self, kind: ObjectKind) -> bool {
        self.0 & (1 << kind as u32) != 0
    }
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// One bit per kind, `1 << kind as u32`.
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.label(), self.name)
    }
}

/// What a reference points at: an object kind, or a part nested in a transit
/// gateway (its route tables and attachments have design-wide unique names too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefTarget {
    Object(ObjectKind),
    TgwRouteTable,
    TgwAttachment,
    /// An instance or one of its named secondary interfaces.
    InstanceOrInterface,
    /// A prefix list: customer-managed, or an AWS-managed one (`s3`, `dynamodb`).
    PrefixList,
}

impl RefTarget {
    /// The error code AWS answers when a call names an object of this kind that
    /// does not exist (EC2 API reference, "Error codes": `Invalid<Resource>ID.NotFound`;
    /// ELB `LoadBalancerNotFound`, Network Firewall and Direct Connect their own).
    /// Every code is one of `validate::aws_codes`, with where AWS lists it.
    /// `None` for what is not an AWS resource (an on-premises network).
    pub fn not_found_code(self) -> Option<&'static str> {
        use ObjectKind as K;
        Some(match self {
            RefTarget::Object(k) => match k {
                K::Vpc => "InvalidVpcID.NotFound",
                K::Subnet => "InvalidSubnetID.NotFound",
                K::RouteTable => "InvalidRouteTableID.NotFound",
                K::InternetGateway => "InvalidInternetGatewayID.NotFound",
                // Its own code, not `GatewayId`'s (EC2 API reference, "Error codes").
                K::EgressOnlyGateway => "InvalidEgressOnlyInternetGatewayId.NotFound",
                K::NatGateway => "InvalidNatGatewayID.NotFound",
                K::ElasticIp => "InvalidAllocationID.NotFound",
                K::SecurityGroup => "InvalidGroup.NotFound",
                K::NetworkAcl => "InvalidNetworkAclID.NotFound",
                K::Instance => "InvalidInstanceID.NotFound",
                K::LoadBalancer => "LoadBalancerNotFound",
                K::Peering => "InvalidVpcPeeringConnectionID.NotFound",
                K::Endpoint => "InvalidVpcEndpointId.NotFound",
                K::EndpointService => "InvalidVpcEndpointServiceId.NotFound",
                K::PrefixList => "InvalidPrefixListID.NotFound",
                K::VpnGateway => "InvalidVpnGatewayID.NotFound",
                K::CustomerGateway => "InvalidCustomerGatewayID.NotFound",
                K::VpnConnection => "InvalidVpnConnectionID.NotFound",
                K::DxGateway | K::DxConnection => "DirectConnectClientException",
                K::TransitGateway => "InvalidTransitGatewayID.NotFound",
                K::Firewall => "ResourceNotFoundException",
                K::FlowLog => "InvalidFlowLogId.NotFound",
                K::OnPremNetwork => return None,
            },
            RefTarget::InstanceOrInterface => "InvalidNetworkInterfaceID.NotFound",
            RefTarget::PrefixList => "InvalidPrefixListID.NotFound",
            RefTarget::TgwRouteTable => "InvalidRouteTableID.NotFound",
            RefTarget::TgwAttachment => "InvalidTransitGatewayAttachmentID.NotFound",
        })
    }
}

/// The object a reference is made from, borrowed from the design (a walk
/// over every reference of a large design makes no copy of the names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Referrer<'a> {
    pub kind: ObjectKind,
    pub name: &'a str,
}

impl Referrer<'_> {
    pub fn to_ref(self) -> ObjectRef {
        ObjectRef::new(self.kind, self.name)
    }

    /// Whether it is the object `r`.
    pub fn is(self, r: &ObjectRef) -> bool {
        self.kind == r.kind && self.name == r.name
    }
}

/// One reference from an object's field to a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub from: ObjectRef,
    pub field: &'static str,
    pub target: RefTarget,
    pub name: &'a str,
}

/// Walks every name reference of a design, immutably or mutably, with one body.
macro_rules! walk_references {
    ($d:expr, $f:expr, $($m:tt)*) => {{
        use RefTarget as T;
        use ObjectKind as K;
        let d = $d;
        let f = $f;
        for o in & $($m)* d.vpcs {
            let from = Referrer { kind: K::Vpc, name: &o.name };
            f(from, "main_route_table", T::Object(K::RouteTable), & $($m)* o.main_route_table);
            f(from, "default_network_acl", T::Object(K::NetworkAcl), & $($m)* o.default_network_acl);
            f(from, "default_security_group", T::Object(K::SecurityGroup), & $($m)* o.default_security_group);
        }
        for o in & $($m)* d.subnets {
            let from = Referrer { kind: K::Subnet, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
            if let Some(rt) = & $($m)* o.route_table { f(from, "route_table", T::Object(K::RouteTable), rt); }
            if let Some(acl) = & $($m)* o.network_acl { f(from, "network_acl", T::Object(K::NetworkAcl), acl); }
        }
        for o in & $($m)* d.route_tables {
            let from = Referrer { kind: K::RouteTable, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
            for r in & $($m)* o.routes {
                if let RouteDestination::PrefixList(p) = & $($m)* r.dest { f(from, "routes.dest", T::PrefixList, p); }
                match & $($m)* r.target {
                    RouteTarget::Local => {}
                    RouteTarget::InternetGateway(n) => f(from, "routes.target", T::Object(K::InternetGateway), n),
                    RouteTarget::EgressOnlyGateway(n) => f(from, "routes.target", T::Object(K::EgressOnlyGateway), n),
                    RouteTarget::NatGateway(n) => f(from, "routes.target", T::Object(K::NatGateway), n),
                    RouteTarget::Instance(n) => f(from, "routes.target", T::Object(K::Instance), n),
                    RouteTarget::NetworkInterface(n) => f(from, "routes.target", T::InstanceOrInterface, n),
                    RouteTarget::Peering(n) => f(from, "routes.target", T::Object(K::Peering), n),
                    RouteTarget::TransitGateway(n) => f(from, "routes.target", T::Object(K::TransitGateway), n),
                    RouteTarget::VpnGateway(n) => f(from, "routes.target", T::Object(K::VpnGateway), n),
                    RouteTarget::GatewayEndpoint(n) => f(from, "routes.target", T::Object(K::Endpoint), n),
                    RouteTarget::FirewallEndpoint(n, _) => f(from, "routes.target", T::Object(K::Firewall), n),
                }
            }
            for v in & $($m)* o.propagating_vgws { f(from, "propagating_vgws", T::Object(K::VpnGateway), v); }
        }
        for o in & $($m)* d.internet_gateways {
            let from = Referrer { kind: K::InternetGateway, name: &o.name };
            if let Some(v) = & $($m)* o.vpc { f(from, "vpc", T::Object(K::Vpc), v); }
            if let Some(rt) = & $($m)* o.edge_route_table { f(from, "edge_route_table", T::Object(K::RouteTable), rt); }
        }
        for o in & $($m)* d.egress_only_gateways {
            let from = Referrer { kind: K::EgressOnlyGateway, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
        }
        for o in & $($m)* d.nat_gateways {
            let from = Referrer { kind: K::NatGateway, name: &o.name };
            if let Some(s) = & $($m)* o.subnet { f(from, "subnet", T::Object(K::Subnet), s); }
            if let Some(v) = & $($m)* o.vpc { f(from, "vpc", T::Object(K::Vpc), v); }
            if let Some(e) = & $($m)* o.elastic_ip { f(from, "elastic_ip", T::Object(K::ElasticIp), e); }
        }
        for o in & $($m)* d.security_groups {
            let from = Referrer { kind: K::SecurityGroup, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
            for r in (& $($m)* o.inbound).into_iter().chain(& $($m)* o.outbound) {
                match & $($m)* r.peer {
                    SgPeer::Group(g) => f(from, "rules.peer", T::Object(K::SecurityGroup), g),
                    SgPeer::PrefixList(p) => f(from, "rules.peer", T::PrefixList, p),
                    SgPeer::Cidr(_) => {}
                }
            }
        }
        for o in & $($m)* d.network_acls {
            let from = Referrer { kind: K::NetworkAcl, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
        }
        for o in & $($m)* d.instances {
            let from = Referrer { kind: K::Instance, name: &o.name };
            f(from, "subnet", T::Object(K::Subnet), & $($m)* o.subnet);
            if let Some(e) = & $($m)* o.elastic_ip { f(from, "elastic_ip", T::Object(K::ElasticIp), e); }
            for g in & $($m)* o.security_groups { f(from, "security_groups", T::Object(K::SecurityGroup), g); }
            for eni in & $($m)* o.secondary_interfaces {
                f(from, "secondary_interfaces.subnet", T::Object(K::Subnet), & $($m)* eni.subnet);
                for g in & $($m)* eni.security_groups { f(from, "secondary_interfaces.security_groups", T::Object(K::SecurityGroup), g); }
            }
        }
        for o in & $($m)* d.load_balancers {
            let from = Referrer { kind: K::LoadBalancer, name: &o.name };
            for s in & $($m)* o.subnets { f(from, "subnets", T::Object(K::Subnet), s); }
            for g in & $($m)* o.security_groups { f(from, "security_groups", T::Object(K::SecurityGroup), g); }
            for t in & $($m)* o.targets { f(from, "targets", T::Object(K::Instance), t); }
        }
        for o in & $($m)* d.peerings {
            let from = Referrer { kind: K::Peering, name: &o.name };
            f(from, "requester", T::Object(K::Vpc), & $($m)* o.requester);
            f(from, "accepter", T::Object(K::Vpc), & $($m)* o.accepter);
        }
        for o in & $($m)* d.endpoints {
            let from = Referrer { kind: K::Endpoint, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
            match & $($m)* o.kind {
                EndpointKind::Gateway { route_tables, .. } => {
                    for rt in route_tables { f(from, "route_tables", T::Object(K::RouteTable), rt); }
                }
                EndpointKind::Interface { subnets, security_groups, .. } => {
                    for s in subnets { f(from, "subnets", T::Object(K::Subnet), s); }
                    for g in security_groups { f(from, "security_groups", T::Object(K::SecurityGroup), g); }
                }
                EndpointKind::GatewayLoadBalancer { subnet } => f(from, "subnet", T::Object(K::Subnet), subnet),
            }
            for a in & $($m)* o.addresses { f(from, "addresses.subnet", T::Object(K::Subnet), & $($m)* a.subnet); }
        }
        for o in & $($m)* d.endpoint_services {
            let from = Referrer { kind: K::EndpointService, name: &o.name };
            f(from, "load_balancer", T::Object(K::LoadBalancer), & $($m)* o.load_balancer);
        }
        for o in & $($m)* d.vpn_gateways {
            let from = Referrer { kind: K::VpnGateway, name: &o.name };
            if let Some(v) = & $($m)* o.vpc { f(from, "vpc", T::Object(K::Vpc), v); }
        }
        for o in & $($m)* d.vpn_connections {
            let from = Referrer { kind: K::VpnConnection, name: &o.name };
            f(from, "customer_gateway", T::Object(K::CustomerGateway), & $($m)* o.customer_gateway);
            match & $($m)* o.termination {
                VpnTermination::VpnGateway(v) => f(from, "termination", T::Object(K::VpnGateway), v),
                VpnTermination::TransitGateway(t) => f(from, "termination", T::Object(K::TransitGateway), t),
                VpnTermination::Instance(i) => f(from, "termination", T::Object(K::Instance), i),
            }
        }
        for o in & $($m)* d.dx_gateways {
            let from = Referrer { kind: K::DxGateway, name: &o.name };
            for v in & $($m)* o.vpn_gateways { f(from, "vpn_gateways", T::Object(K::VpnGateway), v); }
            if let Some(t) = & $($m)* o.transit_gateway { f(from, "transit_gateway", T::Object(K::TransitGateway), t); }
        }
        for o in & $($m)* d.dx_connections {
            let from = Referrer { kind: K::DxConnection, name: &o.name };
            for vif in & $($m)* o.virtual_interfaces {
                if let Some(g) = & $($m)* vif.dx_gateway { f(from, "virtual_interfaces.dx_gateway", T::Object(K::DxGateway), g); }
                if let Some(v) = & $($m)* vif.vpn_gateway { f(from, "virtual_interfaces.vpn_gateway", T::Object(K::VpnGateway), v); }
            }
        }
        for o in & $($m)* d.onprem_networks {
            let from = Referrer { kind: K::OnPremNetwork, name: &o.name };
            if let Some(c) = & $($m)* o.customer_gateway { f(from, "customer_gateway", T::Object(K::CustomerGateway), c); }
            if let Some(x) = & $($m)* o.dx_connection { f(from, "dx_connection", T::Object(K::DxConnection), x); }
        }
        for o in & $($m)* d.transit_gateways {
            let from = Referrer { kind: K::TransitGateway, name: &o.name };
            if let Some(t) = & $($m)* o.default_route_table { f(from, "default_route_table", T::TgwRouteTable, t); }
            for t in & $($m)* o.route_tables {
                for r in & $($m)* t.routes {
                    if let TgwRouteTarget::Attachment(a) = & $($m)* r.target { f(from, "route_tables.routes.target", T::TgwAttachment, a); }
                }
            }
            for a in & $($m)* o.attachments {
                match & $($m)* a.kind {
                    TgwAttachmentKind::Vpc { vpc, subnets } => {
                        f(from, "attachments.vpc", T::Object(K::Vpc), vpc);
                        for s in subnets { f(from, "attachments.subnets", T::Object(K::Subnet), s); }
                    }
                    TgwAttachmentKind::Vpn { connection } => f(from, "attachments.connection", T::Object(K::VpnConnection), connection),
                    TgwAttachmentKind::DxGateway { dx_gateway } => f(from, "attachments.dx_gateway", T::Object(K::DxGateway), dx_gateway),
                    TgwAttachmentKind::Peering { transit_gateway } => f(from, "attachments.transit_gateway", T::Object(K::TransitGateway), transit_gateway),
                }
                if let Some(t) = & $($m)* a.association { f(from, "attachments.association", T::TgwRouteTable, t); }
                for t in & $($m)* a.propagations { f(from, "attachments.propagations", T::TgwRouteTable, t); }
            }
        }
        for o in & $($m)* d.firewalls {
            let from = Referrer { kind: K::Firewall, name: &o.name };
            f(from, "vpc", T::Object(K::Vpc), & $($m)* o.vpc);
            for s in & $($m)* o.subnets { f(from, "subnets", T::Object(K::Subnet), s); }
        }
        for o in & $($m)* d.flow_logs {
            let from = Referrer { kind: K::FlowLog, name: &o.name };
            match & $($m)* o.scope {
                FlowLogScope::Vpc(v) => f(from, "scope", T::Object(K::Vpc), v),
                FlowLogScope::Subnet(s) => f(from, "scope", T::Object(K::Subnet), s),
                FlowLogScope::Instance(i) => f(from, "scope", T::Object(K::Instance), i),
            }
        }
    }};
}

impl Design {
    /// Every name reference in the design, for dangling-reference checks and
    /// "what uses this?" questions (AWS's DependencyViolation).
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut out = Vec::new();
        visit_references(self, |from, field, target, name| {
            out.push(Reference {
                from: from.to_ref(),
                field,
                target,
                name: name.as_str(),
            });
        });
        out
    }

    /// Objects that refer to `target` (excluding the object itself).
    pub fn referrers(&self, target: &ObjectRef) -> Vec<Reference<'_>> {
        let mut out = Vec::new();
        self.visit_referrers(target, |from, field, t, name| {
            out.push(Reference {
                from: from.to_ref(),
                field,
                target: t,
                name: name.as_str(),
            });
        });
        out
    }

    /// The kinds of the objects (other than `target` itself) whose
    /// references name `target`, as [`Design::referrers`] finds them.
    pub fn referrer_kinds(&self, target: &ObjectRef) -> KindSet {
        let mut kinds = KindSet::default();
        self.visit_referrers(target, |from, _, _, _| kinds.insert(from.kind));
        kinds
    }

    /// Calls `f` for every reference that names `target`, from any object
    /// but `target` itself.
    fn visit_referrers<'a>(
        &'a self,
        target: &ObjectRef,
        mut f: impl FnMut(Referrer<'a>, &'static str, RefTarget, &'a String),
    ) {
        visit_references(self, |from, field, t, name| {
            if *name == target.name && ref_matches(t, target.kind) && !from.is(target) {
                f(from, field, t, name);
            }
        });
    }

    /// Calls `f(from, field, target, name)` for every reference, without
    /// collecting them (validation walks every reference on every edit).
    pub fn for_each_reference<'a>(&'a self, f: impl FnMut(Referrer<'a>, &'static str, RefTarget, &'a String)) {
        visit_references(self, f);
    }

    /// Renames every reference to an object of `kind` from `from` to `to`.
    /// The object itself is renamed by the caller.
    /// Returns the kinds of the objects whose references followed (the
    /// object itself, already named `to`, aside).
    pub fn rename_references(&mut self, kind: ObjectKind, from: &str, to: &str) -> KindSet {
        let mut kinds = KindSet::default();
        // An endpoint's `service` names an AWS service or one of the design's endpoint
        // services; only the latter follows a rename.
        if kind == ObjectKind::EndpointService {
            for ep in &mut self.endpoints {
                if ep.service == from {
                    ep.service = to.to_string();
                    kinds.insert(ObjectKind::Endpoint);
                }
            }
        }
        // Names are unique design-wide, so the AWS id that named `from` now names `to`.
        for name in self.aws_ids.values_mut() {
            if name == from {
                *name = to.to_string();
            }
        }
        if kind == ObjectKind::Subnet {
            for name in self.accounts.shares.iter_mut().flat_map(|s| s.subnets.iter_mut()) {
                if name == from {
                    *name = to.to_string();
                }
            }
        }
        walk_references!(
            self,
            &mut |r: Referrer<'_>, _: &'static str, target: RefTarget, name: &mut String| {
                if name == from && ref_matches(target, kind) {
                    *name = to.to_string();
                    if !(r.kind == kind && r.name == to) {
                        kinds.insert(r.kind);
                    }
                }
            },
            mut
        );
        kinds
    }
}

fn visit_references<'a>(d: &'a Design, mut f: impl FnMut(Referrer<'a>, &'static str, RefTarget, &'a String)) {
    walk_references!(d, &mut f,);
    // A consumer endpoint of one of the design's endpoint services refers to it;
    // any other `service` is an AWS service name, never a dangling reference.
    for o in &d.endpoints {
        if d.endpoint_services.iter().any(|s| s.name == o.service) {
            let from = Referrer {
                kind: ObjectKind::Endpoint,
                name: &o.name,
            };
            f(
                from,
                "service",
                RefTarget::Object(ObjectKind::EndpointService),
                &o.service,
            );
        }
    }
}

/// Whether a reference of target type `t` can point at an object of `kind`.
pub fn ref_matches(t: RefTarget, kind: ObjectKind) -> bool {
    match t {
        RefTarget::Object(k) => k == kind,
        RefTarget::InstanceOrInterface => kind == ObjectKind::Instance,
        RefTarget::PrefixList => kind == ObjectKind::PrefixList,
        RefTarget::TgwRouteTable | RefTarget::TgwAttachment => false,
    }
}

/// The AWS-managed prefix lists for gateway-endpoint services, per Region.
/// Representative public ranges (the real lists change over time); the
/// `s3`/`dynamodb` names resolve to these in routes and SG rules.
pub fn aws_prefix_list(service: &str) -> Option<&'static [&'static str]> {
    match service {
        "s3" => Some(&["52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19", "16.182.0.0/16"]),
        "dynamodb" => Some(&["3.218.180.0/22", "52.94.0.0/22", "52.119.224.0/20"]),
        _ => None,
    }
}

/// The IPv6 ranges of an AWS-managed prefix list, for the services whose
/// gateway endpoints can be dual-stack: S3 (PrivateLink Guide, "Gateway
/// endpoints", IP address type). Representative ranges of S3's published
/// IPv6 space (AWS General Reference, "AWS IP address ranges"), as the IPv4
/// lists above are; a dual-stack gateway endpoint's route covers them.
pub fn aws_prefix_list_v6(service: &str) -> Option<&'static [&'static str]> {
    match service {
        "s3" => Some(&["2600:1ff0:8000::/39", "2600:1f68:8000::/39", "2600:1fa0:8000::/39"]),
        _ => None,
    }
}

/// AWS services a design may name as trace endpoints (gateway-endpoint
/// services first, then common interface-endpoint services).
pub const AWS_SERVICES: &[&str] = &[
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "ec2",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "secretsmanager",
    "kms",
    "logs",
    "monitoring",
    "sts",
    "ecr.api",
    "ecr.dkr",
    "execute-api",
    "lambda",
];
