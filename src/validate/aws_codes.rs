//! AWS's error codes: every code vpcd gives as AWS's answer (a finding's
//! `aws_code`, the "(AWS: …)" of a refused edit), with the API reference whose
//! documentation lists it and whether the code is in that published list or
//! only seen in AWS's real answers. The rule catalogue, the not-found codes of
//! references and route targets, the quota codes and the edit-time refusals
//! answer only with codes of this table (the tests below walk them all).

/// Whether AWS's documentation lists a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listing {
    /// In the service's published list of error codes.
    Published,
    /// Not in a published list: the code AWS's real answers carry (the SDKs'
    /// and Terraform's AWS provider's error constants, users' reports).
    Observed,
}

/// One AWS error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AwsCode {
    /// The code exactly as AWS spells it (case-sensitive).
    pub code: &'static str,
    /// The guide and page that list it, or for an observed code the API call that answers it.
    pub source: &'static str,
    pub listing: Listing,
}

/// AWS answers a delete (or a detach) of an object other objects still use
/// with this code (EC2 API reference, "Error codes").
pub const DEPENDENCY_VIOLATION: &str = "DependencyViolation";

const EC2: &str = "EC2 API reference, Error codes";
const EC2_COMMON: &str = "EC2 API reference, Error codes (common client errors)";
const ELB: &str = "Elastic Load Balancing API reference, DescribeLoadBalancers errors";
const FIREWALL: &str = "Network Firewall API reference, DescribeFirewall errors";
const DIRECT_CONNECT: &str = "Direct Connect API reference, DescribeDirectConnectGateways errors";
const RAM: &str = "RAM API reference, AssociateResourceShare errors";

macro_rules! codes {
    ($($code:literal, $source:expr, $listing:ident;)*) => {
        /// Every AWS error code vpcd reports, in alphabetical order.
        pub const AWS_CODES: &[AwsCode] = &[$(AwsCode {
            code: $code,
            source: $source,
            listing: Listing::$listing,
        },)*];
    };
}

codes! {
    "ActiveVpcPeeringConnectionPerVpcLimitExceeded", EC2, Published;
    "AddressLimitExceeded", EC2, Published;
    // CreateVpc and AssociateVpcCidrBlock past the IPv4 blocks per VPC
    // ("has met its maximum number of allowed CIDRs"); the published list has no entry.
    "CidrLimitExceeded", "EC2 API reference, AssociateVpcCidrBlock (not in Error codes)", Observed;
    "DependencyViolation", EC2, Published;
    "DirectConnectClientException", DIRECT_CONNECT, Published;
    // The list gives it for interface endpoints; CreateTransitGatewayVpcAttachment answers it too.
    "DuplicateSubnetsInSameZone", EC2, Published;
    "DuplicateTransitGatewayAttachment", "EC2 API reference, CreateTransitGatewayVpcAttachment (not in Error codes)", Observed;
    "Gateway.NotAttached", EC2, Published;
    "InsufficientFreeAddressesInSubnet", EC2, Published;
    "InternetGatewayLimitExceeded", EC2, Published;
    "InvalidAllocationID.NotFound", EC2, Published;
    "InvalidCustomerGatewayID.NotFound", EC2, Published;
    "InvalidEgressOnlyInternetGatewayId.NotFound", EC2, Published;
    "InvalidFlowLogId.NotFound", EC2, Published;
    "InvalidGatewayID.NotFound", EC2, Published;
    "InvalidGroup.Duplicate", EC2, Published;
    "InvalidGroup.NotFound", EC2, Published;
    "InvalidGroup.Reserved", EC2, Published;
    "InvalidInstanceID.NotFound", EC2, Published;
    "InvalidInternetGatewayID.NotFound", EC2, Published;
    "InvalidIPAddress.InUse", EC2, Published;
    "InvalidNatGatewayID.NotFound", EC2, Published;
    "InvalidNetworkAclID.NotFound", EC2, Published;
    "InvalidNetworkInterfaceID.NotFound", EC2, Published;
    "InvalidParameter", EC2_COMMON, Published;
    "InvalidParameterCombination", EC2_COMMON, Published;
    "InvalidParameterValue", EC2_COMMON, Published;
    "InvalidPermission.Duplicate", EC2, Published;
    "InvalidPrefixListID.NotFound", EC2, Published;
    // Listed for VPC route tables; the transit gateway route table calls answer it too.
    "InvalidRouteTableID.NotFound", EC2, Published;
    "InvalidServiceName", EC2, Published;
    "InvalidSubnet.Conflict", EC2, Published;
    "InvalidSubnet.Range", EC2, Published;
    "InvalidSubnetID.NotFound", EC2, Published;
    "InvalidTransitGatewayAttachmentID.NotFound", "EC2 API reference, transit gateway attachment calls (not in Error codes)", Observed;
    "InvalidTransitGatewayID.NotFound", "EC2 API reference, CreateRoute and the transit gateway calls (not in Error codes)", Observed;
    // The published list spells it `InvalidVpcRange`; CreateVpc and
    // AssociateVpcCidrBlock answer `InvalidVpc.Range`.
    "InvalidVpc.Range", "EC2 API reference, CreateVpc and AssociateVpcCidrBlock (Error codes lists it as InvalidVpcRange)", Observed;
    "InvalidVpcEndpointId.NotFound", EC2, Published;
    "InvalidVpcEndpointServiceId.NotFound", EC2, Published;
    "InvalidVpcID.NotFound", EC2, Published;
    "InvalidVpcPeeringConnectionID.NotFound", EC2, Published;
    "InvalidVpnConnectionID.NotFound", EC2, Published;
    "InvalidVpnGatewayID.NotFound", EC2, Published;
    "LoadBalancerNotFound", ELB, Published;
    "MissingParameter", EC2_COMMON, Published;
    "NatGatewayLimitExceeded", EC2, Published;
    "NetworkAclEntryAlreadyExists", EC2, Published;
    "NetworkAclEntryLimitExceeded", EC2, Published;
    "NetworkAclLimitExceeded", EC2, Published;
    "OperationNotPermittedException", RAM, Published;
    "Resource.AlreadyAssociated", EC2, Published;
    "ResourceLimitExceeded", EC2, Published;
    "ResourceNotFoundException", FIREWALL, Published;
    "RouteAlreadyExists", EC2, Published;
    "RouteLimitExceeded", EC2, Published;
    "RouteTableLimitExceeded", EC2, Published;
    "RulesPerSecurityGroupLimitExceeded", EC2, Published;
    "SecurityGroupLimitExceeded", EC2, Published;
    "SecurityGroupsPerInterfaceLimitExceeded", EC2, Published;
    "SubnetLimitExceeded", EC2, Published;
    "UnauthorizedOperation", EC2_COMMON, Published;
    "UnknownResourceException", RAM, Published;
    "VpcEndpointLimitExceeded", EC2, Published;
    "VpcLimitExceeded", EC2, Published;
}

/// The table's entry for a code.
pub fn lookup(code: &str) -> Option<&'static AwsCode> {
    AWS_CODES.iter().find(|c| c.code == code)
}

/// Whether a string has the shape of an AWS error code: one or more
/// dot-separated words, each an ASCII capital followed by letters and digits
/// (`InvalidSubnet.Conflict`, `VpcLimitExceeded`), which no vpcd rule code
/// (`subnet-overlap`) nor rule id (`VCIDR-6`) has.
pub fn is_well_formed(code: &str) -> bool {
    code.split('.').all(|word| {
        let mut chars = word.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ObjectKind, RefTarget, RouteTarget};

    fn assert_known(code: &str, whose: &str) {
        assert!(is_well_formed(code), "{whose}: `{code}` is not an AWS error code");
        assert!(
            lookup(code).is_some(),
            "{whose}: `{code}` is not in the AWS error code table"
        );
    }

    #[test]
    fn the_table_is_sorted_unique_well_formed_and_sourced() {
        for pair in AWS_CODES.windows(2) {
            assert!(
                pair[0].code.to_ascii_lowercase() < pair[1].code.to_ascii_lowercase(),
                "{} and {} are out of order or repeated",
                pair[0].code,
                pair[1].code
            );
        }
        for c in AWS_CODES {
            assert!(is_well_formed(c.code), "{}", c.code);
            assert!(!c.source.is_empty(), "{} has no source", c.code);
            if c.listing == Listing::Observed {
                assert!(
                    c.source.contains("not in") || c.source.contains("lists it as"),
                    "{}: {}",
                    c.code,
                    c.source
                );
            }
        }
    }

    #[test]
    fn rule_ids_and_rule_codes_are_not_aws_codes() {
        for internal in [
            "VCIDR-6",
            "SUB-1",
            "L-03",
            "subnet-overlap",
            "Q-*",
            "",
            "Invalid..NotFound",
            "vpcLimit",
        ] {
            assert!(!is_well_formed(internal), "{internal}");
        }
        assert!(is_well_formed("InvalidSubnet.Conflict"));
        assert!(is_well_formed("Gateway.NotAttached"));
    }

    #[test]
    fn every_catalogue_aws_code_is_in_the_table() {
        for r in super::super::CATALOGUE {
            if let Some(code) = r.aws_code {
                assert_known(code, r.code);
            }
        }
    }

    /// Every reference target: each object kind, and the parts nested in
    /// objects. The match has no wildcard, so a new variant must be added here.
    fn every_ref_target() -> Vec<RefTarget> {
        let mut all: Vec<RefTarget> = ObjectKind::ALL.iter().map(|k| RefTarget::Object(*k)).collect();
        all.extend([
            RefTarget::TgwRouteTable,
            RefTarget::TgwAttachment,
            RefTarget::InstanceOrInterface,
            RefTarget::PrefixList,
        ]);
        for t in &all {
            match t {
                RefTarget::Object(_)
                | RefTarget::TgwRouteTable
                | RefTarget::TgwAttachment
                | RefTarget::InstanceOrInterface
                | RefTarget::PrefixList => {}
            }
        }
        all
    }

    #[test]
    fn every_reference_not_found_code_is_in_the_table() {
        for t in every_ref_target() {
            match t.not_found_code() {
                Some(code) => assert_known(code, &format!("{t:?}")),
                // Only what is not an AWS resource has no code.
                None => assert_eq!(t, RefTarget::Object(ObjectKind::OnPremNetwork)),
            }
        }
    }

    /// One route target of each kind; the match has no wildcard, so a new
    /// variant must be added here.
    fn every_route_target() -> Vec<RouteTarget> {
        let n = || "x".to_string();
        let all = vec![
            RouteTarget::Local,
            RouteTarget::InternetGateway(n()),
            RouteTarget::EgressOnlyGateway(n()),
            RouteTarget::NatGateway(n()),
            RouteTarget::Instance(n()),
            RouteTarget::NetworkInterface(n()),
            RouteTarget::Peering(n()),
            RouteTarget::TransitGateway(n()),
            RouteTarget::VpnGateway(n()),
            RouteTarget::GatewayEndpoint(n()),
            RouteTarget::FirewallEndpoint(n(), n()),
        ];
        for t in &all {
            match t {
                RouteTarget::Local
                | RouteTarget::InternetGateway(_)
                | RouteTarget::EgressOnlyGateway(_)
                | RouteTarget::NatGateway(_)
                | RouteTarget::Instance(_)
                | RouteTarget::NetworkInterface(_)
                | RouteTarget::Peering(_)
                | RouteTarget::TransitGateway(_)
                | RouteTarget::VpnGateway(_)
                | RouteTarget::GatewayEndpoint(_)
                | RouteTarget::FirewallEndpoint(..) => {}
            }
        }
        all
    }

    #[test]
    fn every_route_target_not_found_code_is_in_the_table() {
        for t in every_route_target() {
            match t.not_found_code() {
                Some(code) => assert_known(code, &format!("{t:?}")),
                None => assert_eq!(t, RouteTarget::Local),
            }
        }
    }

    /// CreateRoute takes an egress-only internet gateway in its own parameter,
    /// `EgressOnlyInternetGatewayId`, not `GatewayId` (EC2 API reference,
    /// CreateRoute), and a missing one is `InvalidEgressOnlyInternetGatewayId.NotFound`
    /// (EC2 API reference, "Error codes").
    #[test]
    fn create_route_to_a_missing_egress_only_gateway_answers_its_own_not_found() {
        let code = RouteTarget::EgressOnlyGateway("eigw".into()).not_found_code();
        assert_eq!(code, Some("InvalidEgressOnlyInternetGatewayId.NotFound"));
        assert_eq!(RefTarget::Object(ObjectKind::EgressOnlyGateway).not_found_code(), code);
        assert_eq!(
            RouteTarget::InternetGateway("igw".into()).not_found_code(),
            Some("InvalidGatewayID.NotFound")
        );
    }

    #[test]
    fn every_quota_code_is_in_the_table() {
        for (what, code) in super::super::quotas::LIMIT_CODES {
            assert_known(code, what);
            assert_eq!(super::super::quotas::limit_code(what), *code, "{what}");
        }
        assert_known(
            super::super::quotas::limit_code("something without a code of its own"),
            "fallback",
        );
    }

    #[test]
    fn the_edit_time_refusal_codes_are_in_the_table() {
        // Refusals the workspace makes itself (a delete while the object is used);
        // the others come from the catalogue and the route targets, checked above.
        assert_known(DEPENDENCY_VIOLATION, "workspace delete");
    }
}
