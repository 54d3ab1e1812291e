//! The shapes of transit gateway, VPN, prefix list, elbv2, Direct Connect
//! and RDS outputs (the EC2 network core is in the parent module).

use super::*;

aws_struct! {
    pub struct TransitGatewayOptions {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amazon_side_asn: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_route_table_association: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_route_table_propagation: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association_default_route_table_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub propagation_default_route_table_id: Option<String>,
        /// `enable` | `disable` (DescribeTransitGateways; disabled by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub security_group_referencing_support: Option<String>,
    }
}

aws_struct! {
    pub struct TransitGateway {
        pub transit_gateway_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transit_gateway_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub options: TransitGatewayOptions,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct TgwAssociation {
        #[serde(default)]
        pub transit_gateway_route_table_id: String,
        #[serde(default)]
        pub state: String,
    }
}

aws_struct! {
    pub struct TransitGatewayAttachment {
        pub transit_gateway_attachment_id: String,
        #[serde(default)]
        pub transit_gateway_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transit_gateway_owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_owner_id: Option<String>,
        #[serde(default)]
        pub resource_type: String,
        #[serde(default)]
        pub resource_id: String,
        #[serde(default)]
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association: Option<TgwAssociation>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct TgwVpcAttachmentOptions {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub appliance_mode_support: Option<String>,
        /// `enable` | `disable` (DescribeTransitGatewayVpcAttachments; enabled
        /// by default for a new attachment).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub security_group_referencing_support: Option<String>,
    }
}

aws_struct! {
    pub struct TransitGatewayVpcAttachment {
        pub transit_gateway_attachment_id: String,
        #[serde(default)]
        pub transit_gateway_id: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_owner_id: Option<String>,
        #[serde(default)]
        pub state: String,
        #[serde(default, deserialize_with = "list")]
        pub subnet_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub options: Option<TgwVpcAttachmentOptions>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct TransitGatewayRouteTable {
        pub transit_gateway_route_table_id: String,
        #[serde(default)]
        pub transit_gateway_id: String,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub default_association_route_table: bool,
        #[serde(default)]
        pub default_propagation_route_table: bool,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct TgwRouteTablePropagation {
        #[serde(default)]
        pub transit_gateway_attachment_id: String,
        #[serde(default)]
        pub resource_id: String,
        #[serde(default)]
        pub resource_type: String,
        #[serde(default)]
        pub state: String,
    }
}

aws_struct! {
    /// `get-transit-gateway-route-table-propagations` for one route table.
    pub struct TransitGatewayPropagations {
        #[serde(default)]
        pub transit_gateway_route_table_id: String,
        #[serde(default, deserialize_with = "list")]
        pub transit_gateway_route_table_propagations: Vec<TgwRouteTablePropagation>,
    }
}

aws_struct! {
    pub struct TgwRouteAttachment {
        #[serde(default)]
        pub transit_gateway_attachment_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_type: Option<String>,
    }
}

aws_struct! {
    pub struct TgwRoute {
        #[serde(default)]
        pub destination_cidr_block: String,
        #[serde(default)]
        pub state: String,
        #[serde(default)]
        pub r#type: String,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub transit_gateway_attachments: Vec<TgwRouteAttachment>,
    }
}

aws_struct! {
    /// `search-transit-gateway-routes --filters Name=type,Values=static` for one route table.
    pub struct TransitGatewayStaticRoutes {
        #[serde(default)]
        pub transit_gateway_route_table_id: String,
        #[serde(default, deserialize_with = "list")]
        pub routes: Vec<TgwRoute>,
    }
}

aws_struct! {
    pub struct VpnGateway {
        pub vpn_gateway_id: String,
        #[serde(default)]
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amazon_side_asn: Option<i64>,
        #[serde(default, deserialize_with = "list")]
        pub vpc_attachments: Vec<VpcAttachment>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct CustomerGateway {
        pub customer_gateway_id: String,
        #[serde(default, deserialize_with = "str_or_num")]
        pub bgp_asn: Option<String>,
        #[serde(default)]
        pub ip_address: String,
        #[serde(default)]
        pub state: String,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct VpnOptions {
        #[serde(default, deserialize_with = "loose_bool", skip_serializing_if = "Option::is_none")]
        pub static_routes_only: Option<bool>,
    }
}

aws_struct! {
    pub struct VpnStaticRoute {
        #[serde(default)]
        pub destination_cidr_block: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }
}

aws_struct! {
    pub struct VgwTelemetry {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub outside_ip_address: Option<String>,
        #[serde(default)]
        pub status: String,
    }
}

aws_struct! {
    pub struct VpnConnection {
        pub vpn_connection_id: String,
        #[serde(default)]
        pub customer_gateway_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpn_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub transit_gateway_id: Option<String>,
        #[serde(default)]
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub options: Option<VpnOptions>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub routes: Vec<VpnStaticRoute>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub vgw_telemetry: Vec<VgwTelemetry>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    /// `describe-prefix-lists` (AWS-managed service lists, with their CIDRs).
    pub struct PrefixList {
        #[serde(default)]
        pub prefix_list_id: String,
        #[serde(default)]
        pub prefix_list_name: String,
        #[serde(default, deserialize_with = "list")]
        pub cidrs: Vec<String>,
    }
}

aws_struct! {
    /// `describe-managed-prefix-lists`.
    pub struct ManagedPrefixList {
        #[serde(default)]
        pub prefix_list_id: String,
        #[serde(default)]
        pub prefix_list_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max_entries: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address_family: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct AvailabilityZone {
        #[serde(default)]
        pub zone_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub zone_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub region_name: Option<String>,
    }
}

aws_struct! {
    pub struct LbState {
        #[serde(default)]
        pub code: String,
    }
}

aws_struct! {
    pub struct LbZone {
        #[serde(default)]
        pub zone_name: String,
        #[serde(default)]
        pub subnet_id: String,
    }
}

aws_struct! {
    /// An elbv2 load balancer (`aws elbv2 describe-load-balancers`).
    pub struct LoadBalancer {
        #[serde(default)]
        pub load_balancer_arn: String,
        #[serde(default)]
        pub load_balancer_name: String,
        #[serde(default, rename = "DNSName", skip_serializing_if = "Option::is_none")]
        pub dns_name: Option<String>,
        #[serde(default)]
        pub scheme: String,
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default)]
        pub r#type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<LbState>,
        #[serde(default, deserialize_with = "list")]
        pub availability_zones: Vec<LbZone>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub security_groups: Vec<String>,
    }
}

aws_struct! {
    pub struct TargetGroup {
        #[serde(default)]
        pub target_group_arn: String,
        #[serde(default)]
        pub target_group_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target_type: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub load_balancer_arns: Vec<String>,
    }
}

aws_struct! {
    pub struct ForwardTargetGroup {
        #[serde(default)]
        pub target_group_arn: String,
    }
}

aws_struct! {
    pub struct ForwardConfig {
        #[serde(default, deserialize_with = "list")]
        pub target_groups: Vec<ForwardTargetGroup>,
    }
}

aws_struct! {
    pub struct ListenerAction {
        #[serde(default)]
        pub r#type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target_group_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub forward_config: Option<ForwardConfig>,
    }
}

aws_struct! {
    pub struct Listener {
        #[serde(default)]
        pub listener_arn: String,
        #[serde(default)]
        pub load_balancer_arn: String,
        #[serde(default)]
        pub port: i64,
        #[serde(default)]
        pub protocol: String,
        #[serde(default, deserialize_with = "list")]
        pub default_actions: Vec<ListenerAction>,
    }
}

aws_struct! {
    /// One load balancer's `describe-listeners`, as captured per load balancer.
    pub struct LoadBalancerListeners {
        #[serde(default)]
        pub load_balancer_arn: String,
        #[serde(default, deserialize_with = "list")]
        pub listeners: Vec<Listener>,
    }
}

aws_struct! {
    pub struct TargetDescription {
        #[serde(default)]
        pub id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
    }
}

aws_struct! {
    pub struct TargetHealth {
        #[serde(default)]
        pub state: String,
    }
}

aws_struct! {
    pub struct TargetHealthDescription {
        #[serde(default)]
        pub target: TargetDescription,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target_health: Option<TargetHealth>,
    }
}

aws_struct! {
    /// One attribute of a load balancer (`Key`, `Value`, both strings).
    pub struct LbAttribute {
        #[serde(default)]
        pub key: String,
        #[serde(default)]
        pub value: String,
    }
}

aws_struct! {
    /// One load balancer's `describe-load-balancer-attributes`, as captured per
    /// load balancer (its ARN beside the attributes).
    pub struct LoadBalancerAttributes {
        #[serde(default)]
        pub load_balancer_arn: String,
        #[serde(default, deserialize_with = "list")]
        pub attributes: Vec<LbAttribute>,
    }
}

impl LoadBalancerAttributes {
    /// `load_balancing.cross_zone.enabled`, when the capture holds it.
    pub fn cross_zone(&self) -> Option<bool> {
        self.attributes
            .iter()
            .find(|a| a.key == "load_balancing.cross_zone.enabled")
            .map(|a| a.value == "true")
    }
}

aws_struct! {
    /// One target group's `describe-target-health`, as captured per target group.
    pub struct LoadBalancerTargetHealth {
        #[serde(default)]
        pub target_group_arn: String,
        #[serde(default, deserialize_with = "list")]
        pub target_health_descriptions: Vec<TargetHealthDescription>,
    }
}

aws_struct! {
    pub struct DirectConnectGateway {
        #[serde(default)]
        pub direct_connect_gateway_id: String,
        #[serde(default)]
        pub direct_connect_gateway_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amazon_side_asn: Option<i64>,
        #[serde(default)]
        pub direct_connect_gateway_state: String,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct AssociatedGateway {
        #[serde(default)]
        pub id: String,
        #[serde(default)]
        pub r#type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_account: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub region: Option<String>,
    }
}

aws_struct! {
    pub struct DirectConnectGatewayAssociation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub association_id: Option<String>,
        #[serde(default)]
        pub direct_connect_gateway_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub associated_gateway: Option<AssociatedGateway>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub virtual_gateway_id: Option<String>,
        #[serde(default)]
        pub association_state: String,
    }
}

aws_struct! {
    pub struct BgpPeer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bgp_status: Option<String>,
    }
}

aws_struct! {
    pub struct VirtualInterface {
        #[serde(default)]
        pub virtual_interface_id: String,
        #[serde(default)]
        pub virtual_interface_name: String,
        #[serde(default)]
        pub virtual_interface_type: String,
        #[serde(default)]
        pub connection_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub direct_connect_gateway_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub virtual_gateway_id: Option<String>,
        #[serde(default)]
        pub vlan: i64,
        #[serde(default)]
        pub virtual_interface_state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub location: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub bgp_peers: Vec<BgpPeer>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    /// `aws directconnect describe-connections`.
    pub struct DxConnection {
        #[serde(default)]
        pub connection_id: String,
        #[serde(default)]
        pub connection_name: String,
        #[serde(default)]
        pub connection_state: String,
        #[serde(default)]
        pub location: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bandwidth: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    pub struct DbSubnet {
        #[serde(default)]
        pub subnet_identifier: String,
    }
}

aws_struct! {
    pub struct DbSubnetGroup {
        #[serde(default)]
        pub vpc_id: String,
        #[serde(default, deserialize_with = "list")]
        pub subnets: Vec<DbSubnet>,
    }
}

aws_struct! {
    pub struct DbEndpoint {
        #[serde(default)]
        pub port: i64,
    }
}

aws_struct! {
    /// `aws rds describe-db-instances`: only used to name and describe the
    /// database ENIs of `describe-network-interfaces`.
    pub struct DbInstance {
        #[serde(default, rename = "DBInstanceIdentifier")]
        pub db_instance_identifier: String,
        #[serde(default, rename = "DBSubnetGroup", skip_serializing_if = "Option::is_none")]
        pub db_subnet_group: Option<DbSubnetGroup>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub endpoint: Option<DbEndpoint>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine: Option<String>,
    }
}

aws_struct! {
    /// `{"ServiceType": "Interface"}` in a service configuration.
    pub struct ServiceTypeDetail {
        #[serde(default)]
        pub service_type: String,
    }
}

aws_struct! {
    /// One entry of `ec2 describe-vpc-endpoint-service-configurations`: an
    /// endpoint service this account provides (EC2 API, `ServiceConfiguration`).
    pub struct ServiceConfiguration {
        #[serde(default)]
        pub service_id: String,
        #[serde(default)]
        pub service_name: String,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub service_type: Vec<ServiceTypeDetail>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub service_state: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub acceptance_required: bool,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub network_load_balancer_arns: Vec<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub gateway_load_balancer_arns: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub private_dns_name: Option<String>,
        #[serde(default, deserialize_with = "list", skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<Tag>,
    }
}

aws_struct! {
    /// One entry of `ec2 describe-vpc-endpoint-service-permissions`: a principal
    /// allowed to connect to a service (EC2 API, `AllowedPrincipal`).
    pub struct AllowedPrincipal {
        #[serde(default)]
        pub principal_type: String,
        #[serde(default)]
        pub principal: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub service_id: Option<String>,
    }
}

aws_struct! {
    /// One entry of `ec2 describe-vpc-endpoint-connections`: a consumer's
    /// endpoint as the provider sees it (EC2 API, `VpcEndpointConnection`).
    pub struct VpcEndpointConnection {
        #[serde(default)]
        pub service_id: String,
        #[serde(default)]
        pub vpc_endpoint_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_endpoint_owner: Option<String>,
        #[serde(default)]
        pub vpc_endpoint_state: String,
    }
}
