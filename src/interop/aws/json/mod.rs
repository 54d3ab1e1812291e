//! The shapes of the AWS CLI's `describe-*` output that vpcd reads and writes.
//!
//! Field names follow the EC2, ELBv2 and Direct Connect API references
//! (PascalCase, as the CLI prints them). Unknown fields are ignored; `null`
//! lists read as empty. The same types serialise the exporter's output, so
//! what `vpcd export aws-json` writes is exactly what the importer reads.

use serde::{Deserialize, Deserializer, Serialize};

/// A list that may be `null` or absent in the CLI's output.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A value AWS prints as a string in some APIs and as a number in others
/// (NACL protocols, BGP ASNs).
fn str_or_num<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(Option::<V>::deserialize(d)?.map(|v| match v {
        V::S(s) => s,
        V::I(i) => i.to_string(),
        V::F(f) => f.to_string(),
    }))
}

/// A boolean AWS sometimes prints as `"true"`.
fn loose_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        B(bool),
        S(String),
    }
    Ok(Option::<V>::deserialize(d)?.map(|v| match v {
        V::B(b) => b,
        V::S(s) => s.eq_ignore_ascii_case("true"),
    }))
}

fn is_false(b: &bool) -> bool {
    !*b
}

macro_rules! aws_struct {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name { $($body)* }
    };
}

mod services;
pub use services::*;

aws_struct! {
    pub struct Tag {
        #[serde(default)]
        pub key: String,
        #[serde(default)]
        pub value: String,
    }
}

/// The `Name` tag, if any.
pub fn name_tag(tags: &[Tag]) -> Option<&str> {
    tags.iter().find(|t| t.key == "Name").map(|t| t.value.as_str())
}

aws_struct! {
    pub struct State {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }
}

aws_struct! {
    pub struct CidrAssociation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ipv6_cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block_state: Option<State>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ipv6_cidr_block_state: Option<State>,
    }
}

impl CidrAssociation {
    /// Disassociated blocks stay listed for a while with state `disassociated`.
    pub fn is_associated(&self) -> bool {
        let st = self
            .cidr_block_state
            .as_ref()
            .or(self.ipv6_cidr_block_state.as_ref())
            .and_then(|s| s.state.as_deref());
        matches!(st, None | Some("associated") | Some("associating"))
    }
}

aws_struct! {
    pub struct Vpc {
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub cidr_block_association_set: Vec<CidrAssociation>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub ipv6_cidr_block_association_set: Vec<CidrAssociation>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_tenancy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        pub is_default: bool,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct Subnet {
        pub subnet_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub cidr_block: String,
        #[serde(default)]
        pub availability_zone: String,
        #[serde(default, skip_serializing_if = "is_false")]
        pub map_public_ip_on_launch: bool,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub ipv6_cidr_block_association_set: Vec<CidrAssociation>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subnet_arn: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct RouteTableAssociation {
        #[serde(default, skip_serializing_if = "is_false")]
        pub main: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subnet_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub route_table_association_id: Option<String>,
    }
}

aws_struct! {
    pub struct Route {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_ipv6_cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_prefix_list_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nat_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_interface_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_peering_connection_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transit_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub egress_only_internet_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub local_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub carrier_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub core_network_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub origin: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }
}

impl Route {
    /// The destination as AWS prints it.
    pub fn destination(&self) -> String {
        self.destination_cidr_block
            .clone()
            .or_else(|| self.destination_ipv6_cidr_block.clone())
            .or_else(|| self.destination_prefix_list_id.clone())
            .unwrap_or_else(|| "?".into())
    }
}

aws_struct! {
    pub struct PropagatingVgw {
        #[serde(default)]
        pub gateway_id: String,
    }
}

aws_struct! {
    pub struct RouteTable {
        pub route_table_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, deserialize_with = "list")]
        pub associations: Vec<RouteTableAssociation>,
        #[serde(default, deserialize_with = "list")]
        pub routes: Vec<Route>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub propagating_vgws: Vec<PropagatingVgw>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct IpRange {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_ip: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
}

aws_struct! {
    pub struct Ipv6Range {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_ipv6: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
}

aws_struct! {
    pub struct PrefixListRef {
        #[serde(default)]
        pub prefix_list_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
}

aws_struct! {
    pub struct GroupPair {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub group_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub group_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_peering_connection_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub peering_status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
}

aws_struct! {
    pub struct IpPermission {
        #[serde(default, deserialize_with = "str_or_num")]
        pub ip_protocol: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub from_port: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub to_port: Option<i64>,
        #[serde(default, deserialize_with = "list")]
        pub ip_ranges: Vec<IpRange>,
        #[serde(default, deserialize_with = "list")]
        pub ipv6_ranges: Vec<Ipv6Range>,
        #[serde(default, deserialize_with = "list")]
        pub prefix_list_ids: Vec<PrefixListRef>,
        #[serde(default, deserialize_with = "list")]
        pub user_id_group_pairs: Vec<GroupPair>,
    }
}

aws_struct! {
    pub struct SecurityGroup {
        pub group_id: String,
        #[serde(default)]
        pub group_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, deserialize_with = "list")]
        pub ip_permissions: Vec<IpPermission>,
        #[serde(default, deserialize_with = "list")]
        pub ip_permissions_egress: Vec<IpPermission>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct PortRange {
        #[serde(default)]
        pub from: i64,
        #[serde(default)]
        pub to: i64,
    }
}

aws_struct! {
    pub struct IcmpTypeCode {
        #[serde(default)]
        pub r#type: i64,
        #[serde(default)]
        pub code: i64,
    }
}

aws_struct! {
    pub struct NaclEntry {
        #[serde(default)]
        pub rule_number: i64,
        #[serde(default, deserialize_with = "str_or_num")]
        pub protocol: Option<String>,
        #[serde(default)]
        pub rule_action: String,
        #[serde(default, deserialize_with = "loose_bool")]
        pub egress: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ipv6_cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub port_range: Option<PortRange>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub icmp_type_code: Option<IcmpTypeCode>,
    }
}

aws_struct! {
    pub struct NaclAssociation {
        #[serde(default)]
        pub subnet_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_acl_association_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_acl_id: Option<String>,
    }
}

aws_struct! {
    pub struct NetworkAcl {
        pub network_acl_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub is_default: bool,
        #[serde(default, deserialize_with = "list")]
        pub associations: Vec<NaclAssociation>,
        #[serde(default, deserialize_with = "list")]
        pub entries: Vec<NaclEntry>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct InstanceState {
        #[serde(default)]
        pub name: String,
    }
}

aws_struct! {
    pub struct GroupIdentifier {
        #[serde(default)]
        pub group_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub group_name: Option<String>,
    }
}

aws_struct! {
    pub struct IpAssociation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_ip: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allocation_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_owner_id: Option<String>,
    }
}

aws_struct! {
    pub struct PrivateIp {
        #[serde(default)]
        pub private_ip_address: String,
        #[serde(default)]
        pub primary: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association: Option<IpAssociation>,
    }
}

aws_struct! {
    pub struct Ipv6Address {
        #[serde(default)]
        pub ipv6_address: String,
    }
}

aws_struct! {
    pub struct EniAttachment {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub device_index: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
    }
}

aws_struct! {
    /// An ENI as `describe-network-interfaces` prints it (and, with fewer
    /// fields, inside an instance of `describe-instances`).
    pub struct NetworkInterface {
        #[serde(default)]
        pub network_interface_id: String,
        #[serde(default)]
        pub subnet_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub interface_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub requester_id: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        pub requester_managed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_ip_address: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub private_ip_addresses: Vec<PrivateIp>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub ipv6_addresses: Vec<Ipv6Address>,
        #[serde(default, deserialize_with = "list")]
        pub groups: Vec<GroupIdentifier>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attachment: Option<EniAttachment>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association: Option<IpAssociation>,
        #[serde(default, deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
        pub source_dest_check: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tag_set: Vec<Tag>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct Placement {
        #[serde(default)]
        pub availability_zone: String,
    }
}

aws_struct! {
    pub struct Instance {
        pub instance_id: String,
        #[serde(default)]
        pub state: InstanceState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subnet_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_ip_address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_ip_address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ipv6_address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub platform: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub placement: Option<Placement>,
        #[serde(default, deserialize_with = "list")]
        pub security_groups: Vec<GroupIdentifier>,
        #[serde(default, deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
        pub source_dest_check: Option<bool>,
        #[serde(default, deserialize_with = "list")]
        pub network_interfaces: Vec<NetworkInterface>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct Reservation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reservation_id: Option<String>,
        #[serde(default, deserialize_with = "list")]
        pub instances: Vec<Instance>,
    }
}

aws_struct! {
    pub struct VpcAttachment {
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub state: String,
    }
}

aws_struct! {
    pub struct InternetGateway {
        pub internet_gateway_id: String,
        #[serde(default, deserialize_with = "list")]
        pub attachments: Vec<VpcAttachment>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct EgressOnlyInternetGateway {
        pub egress_only_internet_gateway_id: String,
        #[serde(default, deserialize_with = "list")]
        pub attachments: Vec<VpcAttachment>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct NatGatewayAddress {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allocation_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_interface_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_ip: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub public_ip: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub is_primary: Option<bool>,
        /// Regional NAT gateways only: the AZ this address serves.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
    }
}

aws_struct! {
    pub struct NatGateway {
        pub nat_gateway_id: String,
        /// Empty for a regional NAT gateway, which is in no subnet.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub subnet_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub connectivity_type: Option<String>,
        /// `zonal` | `regional` (EC2 API reference, `NatGateway.AvailabilityMode`);
        /// absent means zonal, as in output from before regional NAT gateways.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_mode: Option<String>,
        /// Regional NAT gateways only: `enabled` when AWS manages the AZs it
        /// serves (automatic mode), `disabled` in manual mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub auto_provision_zones: Option<String>,
        #[serde(default, deserialize_with = "list")]
        pub nat_gateway_addresses: Vec<NatGatewayAddress>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct Address {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allocation_id: Option<String>,
        #[serde(default)]
        pub public_ip: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub network_interface_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_ip_address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub domain: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct VpcEndpoint {
        pub vpc_endpoint_id: String,
        #[serde(default)]
        pub vpc_endpoint_type: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub service_name: String,
        #[serde(default)]
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub policy_document: Option<String>,
        #[serde(default, deserialize_with = "list")]
        pub route_table_ids: Vec<String>,
        #[serde(default, deserialize_with = "list")]
        pub subnet_ids: Vec<String>,
        #[serde(default, deserialize_with = "list")]
        pub groups: Vec<GroupIdentifier>,
        #[serde(default)]
        pub private_dns_enabled: bool,
        /// `ipv4` | `dualstack` | `ipv6` (DescribeVpcEndpoints).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_address_type: Option<String>,
        #[serde(default, deserialize_with = "list")]
        pub network_interface_ids: Vec<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct CidrBlockItem {
        #[serde(default)]
        pub cidr_block: String,
    }
}

aws_struct! {
    pub struct PeeringVpcInfo {
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub region: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub cidr_block_set: Vec<CidrBlockItem>,
    }
}

aws_struct! {
    pub struct PeeringStatus {
        #[serde(default)]
        pub code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
    }
}

aws_struct! {
    pub struct VpcPeeringConnection {
        pub vpc_peering_connection_id: String,
        #[serde(default)]
        pub accepter_vpc_info: PeeringVpcInfo,
        #[serde(default)]
        pub requester_vpc_info: PeeringVpcInfo,
        #[serde(default)]
        pub status: PeeringStatus,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    /// `{"Value": true}` of `describe-vpc-attribute`.
    pub struct AttributeBool {
        #[serde(default)]
        pub value: bool,
    }
}

/// The top-level keys of one CLI output file. A file holds the output of one
/// call, so usually exactly one is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcs: Option<Vec<Vpc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<Subnet>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_tables: Option<Vec<RouteTable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<SecurityGroup>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<Vec<NetworkAcl>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Vec<Reservation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interfaces: Option<Vec<NetworkInterface>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateways: Option<Vec<InternetGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_only_internet_gateways: Option<Vec<EgressOnlyInternetGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_gateways: Option<Vec<NatGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoints: Option<Vec<VpcEndpoint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connections: Option<Vec<VpcPeeringConnection>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateways: Option<Vec<TransitGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_attachments: Option<Vec<TransitGatewayAttachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_vpc_attachments: Option<Vec<TransitGatewayVpcAttachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_route_tables: Option<Vec<TransitGatewayRouteTable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_propagations: Option<Vec<TransitGatewayPropagations>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_static_routes: Option<Vec<TransitGatewayStaticRoutes>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_gateways: Option<Vec<VpnGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_gateways: Option<Vec<CustomerGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpn_connections: Option<Vec<VpnConnection>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_lists: Option<Vec<PrefixList>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_prefix_lists: Option<Vec<ManagedPrefixList>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<Vec<AvailabilityZone>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancers: Option<Vec<LoadBalancer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_groups: Option<Vec<TargetGroup>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Listener>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_listeners: Option<Vec<LoadBalancerListeners>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_target_health: Option<Vec<LoadBalancerTargetHealth>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_attributes: Option<Vec<LoadBalancerAttributes>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_connect_gateways: Option<Vec<DirectConnectGateway>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_connect_gateway_associations: Option<Vec<DirectConnectGatewayAssociation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_interfaces: Option<Vec<VirtualInterface>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<Vec<DxConnection>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_configurations: Option<Vec<ServiceConfiguration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_principals: Option<Vec<AllowedPrincipal>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_connections: Option<Vec<VpcEndpointConnection>>,
    #[serde(default, rename = "DBInstances", skip_serializing_if = "Option::is_none")]
    pub db_instances: Option<Vec<DbInstance>>,
    /// `describe-vpc-attribute` prints the VPC's id beside the attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<AttributeBool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<AttributeBool>,
}

/// Top-level keys of AWS outputs vpcd knows but does not model, with why.
pub const KNOWN_UNMODELLED: &[(&str, &str)] = &[
    (
        "DomainStatusList",
        "OpenSearch domains are not modelled; their network interfaces are imported from describe-network-interfaces",
    ),
    ("LoadBalancerDescriptions", "Classic Load Balancers are not modelled"),
    (
        "ServiceDetails",
        "endpoint service details are not needed: endpoints name their service",
    ),
    (
        "ServiceNames",
        "endpoint service names are not needed: endpoints name their service",
    ),
    ("DhcpOptions", "DHCP options do not change reachability"),
    ("FlowLogs", "flow logs are not imported"),
    ("PlacementGroups", "placement groups do not change reachability"),
    ("InstanceStatuses", "instance status checks do not change reachability"),
    ("Hosts", "dedicated hosts do not change reachability"),
    (
        "MovingAddressStatuses",
        "EC2-Classic address moves do not apply to VPCs",
    ),
    ("Tags", "tags are read from each resource's own output"),
    ("KeyPairs", "key pairs do not change reachability"),
];

impl AwsFile {
    /// The recognised top-level keys this file holds.
    pub fn keys(&self) -> Vec<&'static str> {
        let mut k = Vec::new();
        macro_rules! key {
            ($($field:ident => $name:literal),* $(,)?) => {
                $(if self.$field.is_some() { k.push($name); })*
            };
        }
        key!(
            vpcs => "Vpcs", subnets => "Subnets", route_tables => "RouteTables",
            security_groups => "SecurityGroups", network_acls => "NetworkAcls",
            reservations => "Reservations", network_interfaces => "NetworkInterfaces",
            internet_gateways => "InternetGateways",
            egress_only_internet_gateways => "EgressOnlyInternetGateways",
            nat_gateways => "NatGateways", addresses => "Addresses", vpc_endpoints => "VpcEndpoints",
            vpc_peering_connections => "VpcPeeringConnections", transit_gateways => "TransitGateways",
            transit_gateway_attachments => "TransitGatewayAttachments",
            transit_gateway_vpc_attachments => "TransitGatewayVpcAttachments",
            transit_gateway_route_tables => "TransitGatewayRouteTables",
            transit_gateway_propagations => "TransitGatewayPropagations",
            transit_gateway_static_routes => "TransitGatewayStaticRoutes",
            vpn_gateways => "VpnGateways", customer_gateways => "CustomerGateways",
            vpn_connections => "VpnConnections", prefix_lists => "PrefixLists",
            managed_prefix_lists => "ManagedPrefixLists", availability_zones => "AvailabilityZones",
            load_balancers => "LoadBalancers", target_groups => "TargetGroups", listeners => "Listeners",
            load_balancer_listeners => "LoadBalancerListeners",
            load_balancer_target_health => "LoadBalancerTargetHealth",
            load_balancer_attributes => "LoadBalancerAttributes",
            direct_connect_gateways => "DirectConnectGateways",
            direct_connect_gateway_associations => "DirectConnectGatewayAssociations",
            virtual_interfaces => "VirtualInterfaces", connections => "Connections",
            service_configurations => "ServiceConfigurations",
            allowed_principals => "AllowedPrincipals",
            vpc_endpoint_connections => "VpcEndpointConnections",
            db_instances => "DBInstances", enable_dns_support => "EnableDnsSupport",
            enable_dns_hostnames => "EnableDnsHostnames",
        );
        k
    }
}
