//! Building a design from parsed AWS output, one concept per file: the
//! network (VPCs, subnets, routes, gateways, endpoints, peerings, prefix
//! lists), filtering (security groups, network ACLs), compute (instances,
//! service interfaces, load balancers) and hybrid (transit gateways, VPN,
//! Direct Connect). Every object keeps its AWS id in [`Design::aws_ids`].

mod compute;
mod filtering;
mod hybrid;
mod network;
mod owners;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::json::{self, name_tag, Tag};
use super::read::SourceFile;
use super::report::Report;
use crate::edit::valid_name;
use crate::model::{Design, ObjectKind};

/// The raw objects of every file, merged across files and accounts (the same
/// object seen from two accounts, e.g. a shared transit gateway or both ends
/// of a peering, is kept once: the first file wins).
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub vpcs: Vec<json::Vpc>,
    pub subnets: Vec<json::Subnet>,
    pub route_tables: Vec<json::RouteTable>,
    pub security_groups: Vec<json::SecurityGroup>,
    pub network_acls: Vec<json::NetworkAcl>,
    pub instances: Vec<json::Instance>,
    pub network_interfaces: Vec<json::NetworkInterface>,
    pub internet_gateways: Vec<json::InternetGateway>,
    pub egress_only_gateways: Vec<json::EgressOnlyInternetGateway>,
    pub nat_gateways: Vec<json::NatGateway>,
    pub addresses: Vec<json::Address>,
    pub vpc_endpoints: Vec<json::VpcEndpoint>,
    pub peerings: Vec<json::VpcPeeringConnection>,
    pub transit_gateways: Vec<json::TransitGateway>,
    pub tgw_attachments: Vec<json::TransitGatewayAttachment>,
    pub tgw_vpc_attachments: Vec<json::TransitGatewayVpcAttachment>,
    pub tgw_route_tables: Vec<json::TransitGatewayRouteTable>,
    pub tgw_propagations: Vec<json::TransitGatewayPropagations>,
    pub tgw_static_routes: Vec<json::TransitGatewayStaticRoutes>,
    pub vpn_gateways: Vec<json::VpnGateway>,
    pub customer_gateways: Vec<json::CustomerGateway>,
    pub vpn_connections: Vec<json::VpnConnection>,
    pub prefix_lists: Vec<json::PrefixList>,
    pub managed_prefix_lists: Vec<json::ManagedPrefixList>,
    pub availability_zones: Vec<json::AvailabilityZone>,
    pub load_balancers: Vec<json::LoadBalancer>,
    pub target_groups: Vec<json::TargetGroup>,
    pub listeners: Vec<json::Listener>,
    pub target_health: Vec<json::LoadBalancerTargetHealth>,
    pub lb_attributes: Vec<json::LoadBalancerAttributes>,
    pub dx_gateways: Vec<json::DirectConnectGateway>,
    pub dx_associations: Vec<json::DirectConnectGatewayAssociation>,
    pub virtual_interfaces: Vec<json::VirtualInterface>,
    pub dx_connections: Vec<json::DxConnection>,
    pub db_instances: Vec<json::DbInstance>,
    pub service_configurations: Vec<json::ServiceConfiguration>,
    pub allowed_principals: Vec<json::AllowedPrincipal>,
    pub endpoint_connections: Vec<json::VpcEndpointConnection>,
    /// DNS attributes per VPC id (`describe-vpc-attribute`): support, hostnames.
    pub dns: HashMap<String, (Option<bool>, Option<bool>)>,
    /// The top-level keys seen in any file.
    pub keys: HashSet<&'static str>,
    /// Owner account of each object id, where known.
    pub owner: HashMap<String, String>,
    /// The accounts whose output lists each subnet id: the owner's, and each
    /// participant's a subnet is shared with.
    pub subnet_seen_by: HashMap<String, BTreeSet<String>>,
}

impl Merged {
    pub fn from_files<'a>(files: impl IntoIterator<Item = &'a SourceFile>) -> Merged {
        let mut m = Merged::default();
        let mut seen: HashSet<String> = HashSet::new();
        macro_rules! take {
            ($f:expr, $field:ident, $into:ident, |$o:ident| $id:expr) => {
                for $o in $f.content.$field.iter().flatten() {
                    let id: String = $id;
                    if seen.insert(format!("{}/{}", stringify!($into), id)) {
                        if let Some(acct) = &$f.account {
                            m.owner.entry(id).or_insert_with(|| acct.clone());
                        }
                        m.$into.push($o.clone());
                    }
                }
            };
        }
        for f in files {
            m.keys.extend(f.content.keys());
            take!(f, vpcs, vpcs, |o| o.vpc_id.clone());
            take!(f, subnets, subnets, |o| o.subnet_id.clone());
            // Only a file known to be one account's output says what that
            // account sees; a flat dump's account is a guess.
            if let Some(acct) = f.account.as_ref().filter(|_| f.account_from_layout) {
                for s in f.content.subnets.iter().flatten() {
                    m.subnet_seen_by
                        .entry(s.subnet_id.clone())
                        .or_default()
                        .insert(acct.clone());
                }
            }
            take!(f, route_tables, route_tables, |o| o.route_table_id.clone());
            take!(f, security_groups, security_groups, |o| o.group_id.clone());
            take!(f, network_acls, network_acls, |o| o.network_acl_id.clone());
            for r in f.content.reservations.iter().flatten() {
                for i in &r.instances {
                    if seen.insert(format!("instances/{}", i.instance_id)) {
                        if let Some(acct) = r.owner_id.as_ref().or(f.account.as_ref()) {
                            m.owner.insert(i.instance_id.clone(), acct.clone());
                        }
                        m.instances.push(i.clone());
                    }
                }
            }
            take!(f, network_interfaces, network_interfaces, |o| o
                .network_interface_id
                .clone());
            take!(f, internet_gateways, internet_gateways, |o| o
                .internet_gateway_id
                .clone());
            take!(f, egress_only_internet_gateways, egress_only_gateways, |o| o
                .egress_only_internet_gateway_id
                .clone());
            take!(f, nat_gateways, nat_gateways, |o| o.nat_gateway_id.clone());
            take!(f, addresses, addresses, |o| o
                .allocation_id
                .clone()
                .unwrap_or_else(|| o.public_ip.clone()));
            take!(f, vpc_endpoints, vpc_endpoints, |o| o.vpc_endpoint_id.clone());
            take!(f, vpc_peering_connections, peerings, |o| o
                .vpc_peering_connection_id
                .clone());
            take!(f, transit_gateways, transit_gateways, |o| o.transit_gateway_id.clone());
            take!(f, transit_gateway_attachments, tgw_attachments, |o| o
                .transit_gateway_attachment_id
                .clone());
            take!(f, transit_gateway_vpc_attachments, tgw_vpc_attachments, |o| o
                .transit_gateway_attachment_id
                .clone());
            take!(f, transit_gateway_route_tables, tgw_route_tables, |o| o
                .transit_gateway_route_table_id
                .clone());
            take!(f, transit_gateway_propagations, tgw_propagations, |o| o
                .transit_gateway_route_table_id
                .clone());
            take!(f, transit_gateway_static_routes, tgw_static_routes, |o| o
                .transit_gateway_route_table_id
                .clone());
            take!(f, vpn_gateways, vpn_gateways, |o| o.vpn_gateway_id.clone());
            take!(f, customer_gateways, customer_gateways, |o| o
                .customer_gateway_id
                .clone());
            take!(f, vpn_connections, vpn_connections, |o| o.vpn_connection_id.clone());
            take!(f, prefix_lists, prefix_lists, |o| o.prefix_list_id.clone());
            take!(f, managed_prefix_lists, managed_prefix_lists, |o| o
                .prefix_list_id
                .clone());
            take!(f, availability_zones, availability_zones, |o| o.zone_name.clone());
            take!(f, load_balancers, load_balancers, |o| o.load_balancer_arn.clone());
            take!(f, target_groups, target_groups, |o| o.target_group_arn.clone());
            take!(f, listeners, listeners, |o| o.listener_arn.clone());
            for group in f.content.load_balancer_listeners.iter().flatten() {
                for l in &group.listeners {
                    if seen.insert(format!("listeners/{}", l.listener_arn)) {
                        let mut l = l.clone();
                        if l.load_balancer_arn.is_empty() {
                            l.load_balancer_arn = group.load_balancer_arn.clone();
                        }
                        m.listeners.push(l);
                    }
                }
            }
            take!(f, load_balancer_target_health, target_health, |o| o
                .target_group_arn
                .clone());
            take!(f, load_balancer_attributes, lb_attributes, |o| o
                .load_balancer_arn
                .clone());
            take!(f, direct_connect_gateways, dx_gateways, |o| o
                .direct_connect_gateway_id
                .clone());
            take!(f, direct_connect_gateway_associations, dx_associations, |o| o
                .association_id
                .clone()
                .unwrap_or_else(|| format!(
                    "{}>{:?}",
                    o.direct_connect_gateway_id, o.associated_gateway
                )));
            take!(f, virtual_interfaces, virtual_interfaces, |o| o
                .virtual_interface_id
                .clone());
            take!(f, connections, dx_connections, |o| o.connection_id.clone());
            take!(f, db_instances, db_instances, |o| o.db_instance_identifier.clone());
            take!(f, service_configurations, service_configurations, |o| o
                .service_id
                .clone());
            take!(f, allowed_principals, allowed_principals, |o| format!(
                "{}>{}",
                o.service_id.as_deref().unwrap_or(""),
                o.principal
            ));
            take!(f, vpc_endpoint_connections, endpoint_connections, |o| format!(
                "{}>{}",
                o.service_id, o.vpc_endpoint_id
            ));
            if let Some(vpc) = &f.content.vpc_id {
                let e = m.dns.entry(vpc.clone()).or_default();
                if let Some(a) = &f.content.enable_dns_support {
                    e.0 = Some(a.value);
                }
                if let Some(a) = &f.content.enable_dns_hostnames {
                    e.1 = Some(a.value);
                }
            }
        }
        m
    }
}

/// What the builder needs besides the dump.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub name: String,
    pub region: String,
}

/// Builds the design; the report lists what was imported, skipped and approximated.
pub(crate) struct Builder<'m> {
    pub m: &'m Merged,
    pub d: Design,
    pub report: Report,
    /// AWS id → design name, for every object that gets a name.
    pub names: HashMap<String, String>,
    /// Names given so far (design-wide unique).
    taken: HashSet<String>,
    /// Endpoint services provided in the dump, by their service name
    /// (`com.amazonaws.vpce.REGION.vpce-svc-…`) → service id: an endpoint
    /// naming one connects to the design's own service.
    pub provided: HashMap<&'m str, &'m str>,
}

impl<'m> Builder<'m> {
    fn new(m: &'m Merged, opts: &BuildOptions) -> Self {
        let mut d = Design::empty(&opts.name, &opts.region, &[]);
        d.description = Some("imported from AWS CLI describe-* output".into());
        Builder {
            m,
            d,
            report: Report::default(),
            names: HashMap::new(),
            taken: HashSet::new(),
            provided: m
                .service_configurations
                .iter()
                .filter(|s| service_usable(s))
                .map(|s| (s.service_name.as_str(), s.service_id.as_str()))
                .collect(),
        }
    }

    /// Whether endpoint `e` goes into the design: one that exists, or a
    /// rejected connection to a service of the dump — the provider's side
    /// records it, and the trace explains why it carries nothing.
    pub fn endpoint_kept(&self, e: &json::VpcEndpoint) -> bool {
        let rejected_here =
            self.provided.contains_key(e.service_name.as_str()) && e.state.eq_ignore_ascii_case("rejected");
        endpoint_usable(e) || rejected_here
    }

    /// The design name of an AWS id; an id vpcd has not seen stays as it is,
    /// so a reference to an object missing from the dump becomes a finding.
    pub fn name(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    /// Whether an AWS id names an object of the design.
    pub fn known(&self, id: &str) -> bool {
        self.names.contains_key(id)
    }

    /// Registers an object: its `Name` tag when valid and unique in the whole
    /// dump, else its AWS id (`preferred` counts tag names seen).
    pub fn assign(&mut self, id: &str, tag: Option<&str>, preferred: &HashMap<String, usize>) -> String {
        if let Some(n) = self.names.get(id) {
            return n.clone();
        }
        let candidate = tag
            .map(str::trim)
            .filter(|t| valid_name(t) && preferred.get(*t) == Some(&1) && !self.taken.contains(*t));
        let name = match candidate {
            Some(t) => t.to_string(),
            None => self.fresh(&sanitize(id)),
        };
        self.taken.insert(name.clone());
        self.names.insert(id.to_string(), name.clone());
        self.d.aws_ids.insert(id.to_string(), name.clone());
        name
    }

    /// A name not used yet, derived from `base`.
    pub fn fresh(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "object" } else { base };
        let mut name = base.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// An id that is not a valid vpcd name (an ARN) becomes one.
fn sanitize(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.len() > 64 {
        s[s.len() - 64..].trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Counts the `Name` tags of every object that will be named, so a tag used
/// twice names neither object.
fn tag_counts(m: &Merged) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut add = |tags: &[Tag]| {
        if let Some(n) = name_tag(tags) {
            *counts.entry(n.trim().to_string()).or_default() += 1;
        }
    };
    m.vpcs.iter().for_each(|o| add(&o.tags));
    m.subnets.iter().for_each(|o| add(&o.tags));
    m.route_tables.iter().for_each(|o| add(&o.tags));
    m.security_groups.iter().for_each(|o| add(&o.tags));
    m.network_acls.iter().for_each(|o| add(&o.tags));
    m.instances.iter().for_each(|o| add(&o.tags));
    m.network_interfaces.iter().for_each(|o| {
        add(&o.tag_set);
        add(&o.tags)
    });
    m.internet_gateways.iter().for_each(|o| add(&o.tags));
    m.egress_only_gateways.iter().for_each(|o| add(&o.tags));
    m.nat_gateways.iter().for_each(|o| add(&o.tags));
    m.addresses.iter().for_each(|o| add(&o.tags));
    m.vpc_endpoints.iter().for_each(|o| add(&o.tags));
    m.peerings.iter().for_each(|o| add(&o.tags));
    m.transit_gateways.iter().for_each(|o| add(&o.tags));
    m.tgw_attachments.iter().for_each(|o| add(&o.tags));
    m.tgw_route_tables.iter().for_each(|o| add(&o.tags));
    m.vpn_gateways.iter().for_each(|o| add(&o.tags));
    m.customer_gateways.iter().for_each(|o| add(&o.tags));
    m.vpn_connections.iter().for_each(|o| add(&o.tags));
    m.managed_prefix_lists.iter().for_each(|o| add(&o.tags));
    m.dx_connections.iter().for_each(|o| add(&o.tags));
    m.service_configurations.iter().for_each(|o| add(&o.tags));
    for g in &m.dx_gateways {
        let n = name_tag(&g.tags).unwrap_or(&g.direct_connect_gateway_name);
        *counts.entry(n.trim().to_string()).or_default() += 1;
    }
    for lb in &m.load_balancers {
        *counts.entry(lb.load_balancer_name.clone()).or_default() += 1;
    }
    counts
}

/// Builds the design from merged output.
pub(crate) fn build(m: &Merged, opts: &BuildOptions) -> (Design, Report) {
    let mut b = Builder::new(m, opts);
    let tags = tag_counts(m);
    b.name_everything(&tags);
    network::build(&mut b);
    filtering::build(&mut b);
    compute::build(&mut b);
    hybrid::build(&mut b);
    owners::build(&mut b);
    network::finish(&mut b);
    let Builder { d, report, .. } = b;
    (d, report)
}

impl Builder<'_> {
    /// Names are given before any object is built, so references resolve
    /// whatever order the objects are built in.
    fn name_everything(&mut self, tags: &HashMap<String, usize>) {
        let m = self.m;
        for o in &m.vpcs {
            self.assign(&o.vpc_id, name_tag(&o.tags), tags);
        }
        for o in &m.subnets {
            self.assign(&o.subnet_id, name_tag(&o.tags), tags);
        }
        for o in &m.route_tables {
            self.assign(&o.route_table_id, name_tag(&o.tags), tags);
        }
        for o in &m.security_groups {
            self.assign(&o.group_id, name_tag(&o.tags), tags);
        }
        for o in &m.network_acls {
            self.assign(&o.network_acl_id, name_tag(&o.tags), tags);
        }
        for o in &m.internet_gateways {
            self.assign(&o.internet_gateway_id, name_tag(&o.tags), tags);
        }
        for o in &m.egress_only_gateways {
            self.assign(&o.egress_only_internet_gateway_id, name_tag(&o.tags), tags);
        }
        for o in &m.nat_gateways {
            if o.state == "available" {
                self.assign(&o.nat_gateway_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.addresses {
            if let Some(id) = &o.allocation_id {
                self.assign(id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.vpc_endpoints {
            if self.endpoint_kept(o) {
                self.assign(&o.vpc_endpoint_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.peerings {
            if network::peering_kept(&o.status.code) {
                self.assign(&o.vpc_peering_connection_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.instances {
            if compute::instance_runs(o) {
                self.assign(&o.instance_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.transit_gateways {
            if o.state != "deleted" && o.state != "deleting" {
                self.assign(&o.transit_gateway_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.tgw_route_tables {
            if o.state != "deleted" && o.state != "deleting" {
                self.assign(&o.transit_gateway_route_table_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.tgw_attachments {
            if hybrid::attachment_usable(&o.state) {
                self.assign(&o.transit_gateway_attachment_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.tgw_vpc_attachments {
            if hybrid::attachment_usable(&o.state) {
                self.assign(&o.transit_gateway_attachment_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.vpn_gateways {
            if o.state != "deleted" && o.state != "deleting" {
                self.assign(&o.vpn_gateway_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.customer_gateways {
            if o.state != "deleted" && o.state != "deleting" {
                self.assign(&o.customer_gateway_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.vpn_connections {
            if o.state != "deleted" && o.state != "deleting" {
                self.assign(&o.vpn_connection_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.managed_prefix_lists {
            if !network::is_aws_managed_list(&o.prefix_list_name) {
                self.assign(&o.prefix_list_id, name_tag(&o.tags), tags);
            }
        }
        for o in &m.dx_gateways {
            if o.direct_connect_gateway_state != "deleted" && o.direct_connect_gateway_state != "deleting" {
                let n = name_tag(&o.tags).or(Some(o.direct_connect_gateway_name.as_str()));
                self.assign(&o.direct_connect_gateway_id, n, tags);
            }
        }
        for o in &m.load_balancers {
            self.assign(&o.load_balancer_arn, Some(&o.load_balancer_name), tags);
        }
        for o in &m.service_configurations {
            if service_usable(o) {
                self.assign(&o.service_id, name_tag(&o.tags), tags);
            }
        }
    }
}

/// Gateway, interface and Gateway Load Balancer endpoints that exist; pending ones already carry
/// traffic once available, failed/deleted/rejected ones never do.
fn endpoint_usable(e: &json::VpcEndpoint) -> bool {
    matches!(
        e.state.to_ascii_lowercase().as_str(),
        "available" | "pending" | "pendingacceptance" | ""
    ) && matches!(
        e.vpc_endpoint_type.as_str(),
        "Gateway" | "Interface" | "GatewayLoadBalancer" | ""
    )
}

/// Endpoint services that exist (EC2 `ServiceState`: Pending, Available,
/// Deleting, Deleted, Failed).
pub(crate) fn service_usable(s: &json::ServiceConfiguration) -> bool {
    matches!(
        s.service_state.as_deref().map(str::to_ascii_lowercase).as_deref(),
        None | Some("available") | Some("pending")
    )
}

/// Counts of the objects the design holds, per kind label.
pub(crate) fn counts(d: &Design) -> BTreeMap<&'static str, usize> {
    ObjectKind::ALL
        .iter()
        .filter(|k| d.count(**k) > 0)
        .map(|k| (k.label(), d.count(*k)))
        .collect()
}
