//! The rule catalogue: every code the engine can emit, with its severity,
//! whether AWS refuses the state synchronously (so the workspace rejects an
//! edit that introduces it), the AWS error code, and a one-line summary.
//! Rule ids in summaries (SUB-1, IGW-1, L-03, …) are vpcd's short names for
//! one AWS rule (a constraint of the VPC User Guide or the EC2 API Reference, a
//! VPC quota) or, for `L-*`, one design lint.

use super::Severity;

/// A rule of the catalogue, for documentation and exhaustive tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// AWS refuses the API call that would create this state: an edit that
    /// introduces it is rejected. Errors AWS accepts but fails later (NAT-3)
    /// and every warning/info are not blocking.
    pub blocking: bool,
    /// The AWS API error code, where AWS answers with one: a code of
    /// [`super::aws_codes::AWS_CODES`], which says where AWS lists it.
    pub aws_code: Option<&'static str>,
    pub summary: &'static str,
}

macro_rules! catalogue {
    ($($code:literal, $sev:ident, $block:literal, $aws:expr, $summary:literal;)*) => {
        /// Every rule code the engine can emit.
        pub const CATALOGUE: &[RuleInfo] = &[$(RuleInfo {
            code: $code,
            severity: Severity::$sev,
            blocking: $block,
            aws_code: $aws,
            summary: $summary,
        },)*];
    };
}

const NONE: Option<&str> = None;
const IPV: Option<&str> = Some("InvalidParameterValue");

catalogue! {
    // Integrity of the design itself.
    "duplicate-name", Error, true, NONE, "two objects share a name; names identify objects design-wide";
    "dangling-reference", Error, true, Some("InvalidParameterValue"), "a field names an object that does not exist; AWS answers the kind's own *.NotFound (InvalidSubnetID.NotFound, …), or DependencyViolation for a delete while it is used";
    "az-outside-region", Error, true, IPV, "a design AZ does not belong to the design's Region (SUB-4)";
    "subnet-az-unknown", Error, true, IPV, "a subnet's AZ is not one of the design's AZs (SUB-4)";
    // Addressing: VPC and subnet CIDRs, reserved and used addresses.
    "vpc-cidr-size", Error, true, Some("InvalidVpc.Range"), "VPC IPv4 blocks must be /16 to /28 (VPC-1, VCIDR-1)";
    "vpc-cidr-unusable-range", Error, true, Some("InvalidVpc.Range"), "link-local, loopback, multicast, 0/8 and 240/4 cannot be VPC blocks (VPC-3, VPC-4)";
    "vpc-cidr-overlap", Error, true, Some("InvalidVpc.Range"), "a secondary block overlaps another block of the same VPC (VCIDR-2)";
    "vpc-cidr-restricted", Error, true, Some("InvalidVpc.Range"), "a secondary block breaks the range-restriction table (VCIDR-3)";
    "vpc-cidr-covers-route", Error, true, IPV, "a secondary block equals or contains a route destination of the VPC (VCIDR-5)";
    "vpc-cidr-pending-peering", Error, true, NONE, "a VPC that requested a peering still pending acceptance cannot add blocks (VCIDR-6)";
    "vpc-ipv6-size", Error, true, IPV, "an Amazon-provided VPC IPv6 block is a /56 (SUB-6)";
    "vpc-cidr-public-range", Info, false, NONE, "a VPC uses publicly routable space privately (VPC-2)";
    "vpc-cidr-docker-range", Warning, false, NONE, "172.17.0.0/16 collides with Docker, Cloud9 and SageMaker (VPC-5, L-12)";
    "host-bits-set", Warning, false, NONE, "a CIDR has host bits set; AWS stores the network address (CIDR-2, L-24)";
    "subnet-size", Error, true, Some("InvalidSubnet.Range"), "a subnet must be /16 to /28 (SUB-2)";
    "subnet-outside-vpc", Error, true, Some("InvalidSubnet.Range"), "a subnet's CIDR is not inside one of its VPC's CIDR blocks (SUB-1)";
    "subnet-overlap", Error, true, Some("InvalidSubnet.Conflict"), "two subnets of one VPC overlap (SUB-3)";
    "subnet-ipv6-size", Error, true, Some("InvalidSubnet.Range"), "a subnet IPv6 block is a /64 (SUB-6)";
    "subnet-ipv6-outside-vpc", Error, true, Some("InvalidSubnet.Range"), "a subnet IPv6 block is not inside its VPC's IPv6 block (SUB-6)";
    "subnet-ipv6-overlap", Error, true, Some("InvalidSubnet.Conflict"), "two subnets of one VPC have overlapping IPv6 blocks (SUB-6)";
    "ip-outside-subnet", Error, true, IPV, "a fixed address is not inside its subnet (IP-3)";
    "ip-reserved", Error, true, IPV, "a fixed address is one of the five AWS reserves in its subnet (IP-1)";
    "ip-in-use", Error, true, Some("InvalidIPAddress.InUse"), "two interfaces of one VPC hold the same private address (IP-4)";
    "subnet-exhausted", Error, true, Some("InsufficientFreeAddressesInSubnet"), "a subnet holds more interfaces than usable addresses (IP-5)";
    "subnet-address-pressure", Warning, false, NONE, "more than 80 % of a subnet's usable addresses are used (L-13)";
    "onprem-overlap", Warning, false, NONE, "a VPC block overlaps a declared on-premises network (L-08)";
    // Associations and defaults.
    "route-table-other-vpc", Error, true, IPV, "a subnet is associated with a route table of another VPC (RT-3)";
    "nacl-other-vpc", Error, true, IPV, "a subnet is associated with a network ACL of another VPC (NACL-6)";
    "vpc-default-object-invalid", Error, true, IPV, "a VPC's main route table, default NACL or default SG belongs to another VPC (RT-4, NACL-5, SG-12)";
    // Routes.
    "route-duplicate-destination", Error, true, Some("RouteAlreadyExists"), "two routes of one table have the same destination (RTE-1, VPCE-2)";
    "route-target-missing", Error, true, Some("InvalidGatewayID.NotFound"), "a route targets an object that does not exist; AWS answers the target's own code (InvalidNatGatewayID.NotFound, InvalidVpcPeeringConnectionID.NotFound, …) (RTE-3)";
    "route-target-other-vpc", Error, true, IPV, "a route targets a gateway, interface or connection that is not usable from the table's VPC (RTE-3)";
    "route-local-target-invalid", Error, true, IPV, "`local` can only be the target of a destination equal to a VPC block (RTE-4)";
    "route-local-unsupported-target", Error, true, IPV, "a route on a VPC block may only target local, a NAT gateway, an ENI or a firewall endpoint (RTE-5)";
    "route-more-specific-than-local", Error, true, IPV, "a route inside a VPC block must equal a subnet's CIDR and target a NAT gateway, ENI or firewall endpoint (RTE-6)";
    "route-reserved-destination", Error, true, IPV, "169.254.168.0/22 and fd00:ec2::/32 cannot be route destinations (RTE-7)";
    "route-eigw-ipv4", Error, true, IPV, "an egress-only internet gateway only takes IPv6 destinations (RTE-8, EIGW-1)";
    "route-blackhole", Warning, false, NONE, "a route's target is detached, not active or gone: traffic is dropped (L-05, RTE-10)";
    "route-target-source-dest-check", Warning, false, NONE, "a route targets an instance or ENI that has source/destination check on (NAT instance)";
    "route-propagation-vgw-detached", Warning, false, Some("Gateway.NotAttached"), "a table propagates routes from a VGW not attached to its VPC";
    "main-route-table-igw", Warning, false, NONE, "the main route table routes to an internet gateway: every new subnet is public (L-20)";
    "route-table-unused", Info, false, NONE, "a custom route table is associated with nothing (L-04)";
    // Gateways.
    "igw-multiple-per-vpc", Error, true, IPV, "a VPC has at most one internet gateway (IGW-1)";
    "igw-detach-with-public-ips", Error, true, Some("DependencyViolation"), "an internet gateway cannot be detached while its VPC has public or Elastic IPs (IGW-4)";
    "igw-delete-attached", Error, true, Some("DependencyViolation"), "an attached internet gateway cannot be deleted; detach it first (IGW-5)";
    "igw-unused", Info, false, NONE, "an attached internet gateway is the target of no route (L-04)";
    "eigw-multiple-per-vpc", Error, true, IPV, "a VPC has at most one egress-only internet gateway (EIGW-1)";
    "vgw-multiple-per-vpc", Error, true, IPV, "a VPC has at most one virtual private gateway attached";
    "nat-public-without-eip", Error, true, Some("MissingParameter"), "a public NAT gateway needs an Elastic IP (NAT-1)";
    "nat-private-with-eip", Error, true, IPV, "a private NAT gateway cannot have an Elastic IP (NAT-2)";
    "nat-no-igw", Error, false, NONE, "a public NAT gateway (zonal or regional) in a VPC without an internet gateway fails (NAT-3)";
    "nat-missing-placement", Error, true, Some("MissingParameter"), "a zonal NAT gateway needs a subnet, a regional one a VPC (CreateNatGateway SubnetId / VpcId)";
    "nat-regional-zonal-parameter", Error, true, Some("InvalidParameterCombination"), "a regional NAT gateway takes no subnet, Elastic IP or private IP (those are zonal NAT gateway parameters), and a zonal one no VPC";
    "nat-regional-private", Error, true, Some("InvalidParameterCombination"), "a regional NAT gateway is public only: private connectivity needs a zonal NAT gateway";
    "eip-multiple-associations", Error, true, Some("Resource.AlreadyAssociated"), "an Elastic IP is associated with more than one instance (NAT-4)";
    "nat-eip-in-use", Error, false, Some("Resource.AlreadyAssociated"), "a NAT gateway's Elastic IP is already associated with another resource: AWS creates the NAT gateway, then it fails (NAT-4)";
    "eip-unused", Info, false, NONE, "an Elastic IP is associated with nothing and is billed (L-04)";
    "nat-without-igw-route", Warning, false, NONE, "a public NAT gateway's subnet has no route to an internet gateway (L-01)";
    "single-nat-multi-az", Warning, false, NONE, "one NAT gateway serves subnets in several AZs (L-02)";
    "nat-cross-az", Warning, false, NONE, "a subnet's internet-bound route goes to a NAT gateway in another AZ: that AZ's failure cuts it, and the traffic is billed across AZs (L-02)";
    "nat-unused", Warning, false, NONE, "a NAT gateway no route uses, billed by the hour (and a public one for its IPv4 address) (L-04)";
    // Compute and load balancers.
    "public-subnet-no-public-ip", Warning, false, NONE, "instances in a public subnet have no public IP (L-09)";
    "private-subnet-maps-public-ip", Warning, false, NONE, "a subnet without an IGW route auto-assigns public IPs (L-09)";
    "alb-single-az", Error, true, IPV, "an Application Load Balancer needs subnets in at least two AZs";
    "lb-single-az", Warning, false, NONE, "a load balancer in one AZ does not survive an AZ failure";
    "lb-subnets-same-az", Error, true, IPV, "a load balancer takes at most one subnet per AZ";
    "lb-subnet-other-vpc", Error, true, IPV, "a load balancer's subnets are in different VPCs";
    // Security groups.
    "sg-group-name-invalid", Error, true, IPV, "a security group's AWS name starts with sg-, is longer than 255 characters or uses a character AWS refuses (SG-1)";
    "sg-group-name-reserved", Error, true, Some("InvalidGroup.Reserved"), "a custom security group is named default, the name of every VPC's default group (SG-1)";
    "sg-group-name-duplicate", Error, true, Some("InvalidGroup.Duplicate"), "two security groups of one VPC have the same AWS name, compared without regard to case (SG-1)";
    "sg-duplicate-rule", Error, true, Some("InvalidPermission.Duplicate"), "a security group holds the same rule twice (SG-5)";
    "sg-reference-other-vpc", Error, true, Some("InvalidGroup.NotFound"), "a new rule references a group that does not exist or is in a VPC that is neither its own nor an active same-Region peer nor, for an inbound rule, attached with it to a transit gateway with security-group referencing on (SG-7)";
    "sg-reference-stale", Warning, false, NONE, "a rule references a group that was deleted, whose peering was deleted or whose transit gateway lost security-group referencing: a stale rule that matches nothing (SG-7, DescribeStaleSecurityGroups)";
    "eni-sg-other-vpc", Error, true, Some("InvalidParameter"), "a network interface uses a security group of another VPC (SG-8)";
    "sg-ports-ignored", Warning, false, NONE, "ports given on a protocol that has none: AWS allows every port (SG-3, L-30)";
    "sg-world-open-admin-port", Warning, false, NONE, "SSH, RDP or a database port is open to 0.0.0.0/0 or ::/0 (L-03)";
    "sg-redundant-rule", Info, false, NONE, "a rule is covered by another rule of the same group (L-18)";
    "sg-unused", Info, false, NONE, "a custom security group is attached to nothing (L-04)";
    "default-sg-in-use", Warning, false, NONE, "interfaces use the VPC's default group, which allows traffic (L-19)";
    // Network ACLs.
    "nacl-rule-number-range", Error, true, IPV, "NACL rule numbers are 1 to 32766 (NACL-1)";
    "nacl-duplicate-rule-number", Error, true, Some("NetworkAclEntryAlreadyExists"), "two entries of one direction share a rule number (NACL-2)";
    "nacl-missing-ephemeral-return", Warning, false, NONE, "a NACL allows a request but not its reply on ephemeral ports (L-16)";
    "nacl-shadowed-rule", Info, false, NONE, "a NACL entry is fully covered by a lower-numbered entry (L-17)";
    "nacl-unused", Info, false, NONE, "a custom network ACL is associated with no subnet (L-07)";
    // Peering, endpoints, transit gateways, hybrid.
    "peering-self", Error, true, IPV, "a VPC cannot be peered with itself (PCX-3)";
    "peering-duplicate", Error, true, IPV, "at most one peering connection between two VPCs (PCX-2)";
    "peering-overlap", Error, true, NONE, "peered VPCs must not have overlapping blocks; AWS fails the request (PCX-1)";
    "peering-one-sided-route", Warning, false, NONE, "only one side of a peering routes to the other (L-06, PCX-5)";
    "peering-route-outside-peer", Warning, false, NONE, "a route via a peering covers addresses the peer does not have (L-14)";
    "peering-unused", Info, false, NONE, "an active peering is the target of no route (L-04)";
    "endpoint-gateway-service", Error, true, Some("InvalidServiceName"), "gateway endpoints exist only for s3 and dynamodb (VPCE-1)";
    "endpoint-ip-address-type", Error, true, Some("InvalidParameter"), "a dual-stack gateway endpoint exists for s3 only; DynamoDB's gateway endpoints support only IPv4 (PrivateLink Guide)";
    "endpoint-route-table-other-vpc", Error, true, IPV, "a gateway endpoint's route table belongs to another VPC (VPCE-3)";
    "endpoint-subnet-other-vpc", Error, true, IPV, "an interface endpoint's subnet belongs to another VPC";
    "endpoint-address-unused", Warning, false, NONE, "an endpoint's chosen address (SubnetConfigurations) names a subnet it has no interface in, so nothing uses it";
    "endpoint-subnets-same-az", Error, true, Some("DuplicateSubnetsInSameZone"), "an interface endpoint takes at most one subnet per AZ (VPCE-4)";
    "endpoint-gateway-no-route-table", Warning, false, NONE, "a gateway endpoint is on no route table, so nothing uses it";
    "endpoint-private-dns-without-dns", Warning, false, NONE, "private DNS needs the VPC's DNS support and DNS hostnames (L-22, VPCE-4)";
    "endpoint-service-load-balancer", Error, true, Some("InvalidParameter"), "an endpoint service needs its own Network or Gateway Load Balancer";
    "endpoint-service-type", Error, true, Some("InvalidParameter"), "an interface endpoint needs an NLB-backed service, a Gateway Load Balancer endpoint a GWLB-backed one";
    "endpoint-service-az", Error, true, Some("InvalidParameter"), "an endpoint to a service works only in the AZs of the service's load balancer";
    "endpoint-service-principal", Error, false, Some("InvalidServiceName"), "the consumer's account is not an allowed principal of the endpoint service";
    "endpoint-service-not-accepted", Warning, false, NONE, "the provider has not accepted the endpoint's connection: no traffic flows";
    "endpoint-service-connection-unknown", Warning, false, NONE, "an endpoint service records a connection from an endpoint that is not its consumer";
    "igw-edge-route-table", Error, true, IPV, "an internet gateway's edge route table is of its VPC and targets local, a GWLB endpoint or an ENI";
    "tgw-duplicate-vpc-attachment", Error, true, Some("DuplicateTransitGatewayAttachment"), "one VPC attachment per VPC per transit gateway (TGW-1)";
    "tgw-attachment-no-subnet", Error, true, Some("MissingParameter"), "a VPC attachment needs at least one subnet (TGW-2)";
    "tgw-attachment-subnet-other-vpc", Error, true, IPV, "a VPC attachment's subnet belongs to another VPC (TGW-2)";
    "tgw-attachment-subnets-same-az", Error, true, Some("DuplicateSubnetsInSameZone"), "a VPC attachment takes at most one subnet per AZ (TGW-2)";
    "tgw-route-table-other-tgw", Error, true, IPV, "an attachment is associated with or propagates to a table of another transit gateway (TGW-3)";
    "tgw-duplicate-static-route", Error, true, Some("RouteAlreadyExists"), "two static routes of a TGW route table share a prefix (TGW-4)";
    "tgw-route-target-other-tgw", Error, true, IPV, "a TGW static route targets an attachment of another transit gateway";
    "tgw-overlapping-vpcs", Warning, false, NONE, "VPCs attached to one transit gateway overlap; the later CIDR is not propagated (TGW-5, L-25)";
    "tgw-az-coverage", Warning, false, NONE, "workloads in an AZ where the TGW attachment has no subnet cannot use the TGW (L-26)";
    "tgw-appliance-mode-off", Warning, false, NONE, "a multi-AZ TGW VPC attachment routes to a firewall endpoint or appliance without appliance mode, so cross-AZ replies miss the flow's state (RA TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED)";
    "vpn-cloudhub-duplicate-asn", Warning, false, NONE, "BGP customer gateways on one VGW share an ASN; CloudHub needs unique ASNs";
    "vgw-detached", Warning, false, NONE, "a VPN or Direct Connect interface lands on a VGW attached to no VPC";
    "software-vpn-source-dest-check", Warning, false, NONE, "an instance terminates VPN tunnels (software VPN, transit VPC) but its source/destination check is on: what it forwards between a tunnel and its VPC is dropped";
    "software-vpn-no-elastic-ip", Warning, false, NONE, "an instance terminates VPN tunnels but has no Elastic IP: the far ends need a static public address to reach it";
    "dx-vif-target-invalid", Error, true, IPV, "a virtual interface lands on the wrong kind of gateway, or on none";
    "dx-vif-duplicate-vlan", Error, true, IPV, "two virtual interfaces of one connection use the same VLAN";
    "prefix-list-too-many-entries", Error, true, IPV, "a prefix list holds more entries than its max entries (PL-1)";
    // Accounts and VPC sharing.
    "account-unknown", Error, true, NONE, "an owner, share participant, home or acting account is not one of the design's accounts";
    "share-subnet-missing", Error, true, Some("UnknownResourceException"), "a resource share names a subnet that does not exist";
    "share-outside-organization", Error, true, Some("OperationNotPermittedException"), "subnets are shared only with accounts of the VPC owner's organisation (RAM, shareable resources)";
    "launch-subnet-not-shared", Error, true, Some("InvalidSubnetID.NotFound"), "an instance or interface of one account is in another account's subnet that is not shared with it (VPC sharing)";
    "foreign-security-group", Error, true, Some("InvalidGroup.NotFound"), "an instance or interface uses a security group another account owns; participants launch with their own groups (VPC sharing)";
    "sg-vpc-not-shared", Error, true, Some("InvalidVpcID.NotFound"), "a security group of one account is in a VPC of another account that shares no subnet with it (VPC sharing)";
    "edit-other-account", Error, true, Some("UnauthorizedOperation"), "the acting account changes an object another account owns: participants cannot change the owner's subnets, route tables or NACLs (VPC sharing)";
    // IPv6 and dual-stack lints.
    "ipv6-exposure", Warning, false, NONE, "a private dual-stack subnet routes ::/0 to an internet gateway (L-23)";
    "dual-stack-default-route-mismatch", Info, false, NONE, "a dual-stack subnet has a default route for one family only (L-31)";
    // Quotas.
    "quota-exceeded", Warning, false, Some("ResourceLimitExceeded"), "an adjustable AWS quota of the quota profile is exceeded: request an increase; AWS answers the quota's *LimitExceeded (VpcLimitExceeded, …) (Q-*)";
    "hard-limit-exceeded", Error, true, Some("ResourceLimitExceeded"), "a limit AWS does not raise is exceeded; AWS answers the limit's *LimitExceeded (Q-*)";
}

/// The catalogue entry of a code.
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    CATALOGUE.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_blocking_only_for_errors() {
        let mut seen = std::collections::HashSet::new();
        for r in CATALOGUE {
            assert!(seen.insert(r.code), "duplicate code {}", r.code);
            assert!(
                r.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                r.code
            );
            assert!(
                !r.blocking || r.severity == Severity::Error,
                "{} blocks but is not an error",
                r.code
            );
            assert!(!r.summary.is_empty());
        }
    }
}
