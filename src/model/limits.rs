//! AWS's VPC limits as data: the adjustable quotas of an account (a
//! [`QuotaProfile`], AWS's defaults unless the design says otherwise) and the
//! limits AWS never raises ([`hard`]). The model owns them so that validation,
//! the planner and the forms all read the same numbers (Amazon VPC User Guide,
//! "Amazon VPC quotas"; Transit Gateway Guide, "Quotas for your transit
//! gateways").

use serde::{Deserialize, Serialize};

/// An account's VPC quotas. `Default` is AWS's defaults for a new account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaProfile {
    pub vpcs_per_region: usize,
    /// IPv4 CIDR blocks per VPC, the primary included.
    pub ipv4_blocks_per_vpc: usize,
    pub subnets_per_vpc: usize,
    /// Route tables per VPC, the main table included.
    pub route_tables_per_vpc: usize,
    /// Static routes per table, per address family (a prefix list counts its max entries).
    pub routes_per_table: usize,
    pub internet_gateways_per_region: usize,
    pub egress_only_gateways_per_region: usize,
    pub nat_gateways_per_az: usize,
    pub elastic_ips_per_region: usize,
    pub nacls_per_vpc: usize,
    /// NACL entries per direction per address family, the `*` rule included.
    pub nacl_entries: usize,
    pub security_groups_per_region: usize,
    /// SG rules per direction per address family (a prefix list counts its max entries).
    pub sg_rules_per_direction: usize,
    pub sgs_per_interface: usize,
    pub active_peerings_per_vpc: usize,
    pub gateway_endpoints_per_region: usize,
    pub interface_endpoints_per_vpc: usize,
    pub transit_gateways_per_account: usize,
    pub tgw_route_tables: usize,
    pub prefix_lists_per_region: usize,
    /// Resources of one type (route tables, security groups) that may reference
    /// one prefix list.
    pub prefix_list_references_per_type: usize,
}

impl Default for QuotaProfile {
    fn default() -> Self {
        QuotaProfile {
            vpcs_per_region: 5,
            ipv4_blocks_per_vpc: 5,
            subnets_per_vpc: 200,
            route_tables_per_vpc: 200,
            // Amazon VPC User Guide, "Amazon VPC quotas": routes per route table,
            // 500 by default, adjustable to 1,000.
            routes_per_table: 500,
            internet_gateways_per_region: 5,
            egress_only_gateways_per_region: 5,
            nat_gateways_per_az: 5,
            elastic_ips_per_region: 5,
            nacls_per_vpc: 200,
            nacl_entries: 20,
            security_groups_per_region: 2500,
            sg_rules_per_direction: 60,
            sgs_per_interface: 5,
            active_peerings_per_vpc: 50,
            gateway_endpoints_per_region: 20,
            interface_endpoints_per_vpc: 50,
            transit_gateways_per_account: 5,
            tgw_route_tables: 20,
            prefix_lists_per_region: 100,
            // "References to a prefix list per resource type": 10,000 (VPC quotas page).
            prefix_list_references_per_type: 10_000,
        }
    }
}

/// Limits AWS does not raise (or raises no further than this).
pub mod hard {
    use std::ops::RangeInclusive;

    /// Prefix lengths of a VPC's IPv4 blocks and of an IPv4 subnet: /16 to
    /// /28 (VPC User Guide, "VPC CIDR blocks" and "Subnet CIDR blocks";
    /// AWS answers InvalidVpc.Range / InvalidSubnet.Range).
    pub const IPV4_BLOCK_PREFIX_LENS: RangeInclusive<u8> = 16..=28;
    /// NACL rule numbers a user may set: 1 to 32766; 32767 and above are
    /// AWS's `*` rules (VPC User Guide, "Network ACL rules").
    pub const NACL_RULE_NUMBERS: RangeInclusive<u16> = 1..=32766;
    /// IPv4 CIDR blocks per VPC at the maximum quota.
    pub const IPV4_BLOCKS_PER_VPC: usize = 50;
    /// Propagated (BGP) routes per route table.
    pub const PROPAGATED_ROUTES_PER_TABLE: usize = 100;
    /// NACL entries per direction per family at the maximum quota, `*` included.
    pub const NACL_ENTRIES: usize = 40;
    /// Security groups per network interface at the maximum quota.
    pub const SGS_PER_INTERFACE: usize = 16;
    /// Rules per SG × SGs per interface (VUG-QUOTAS).
    pub const RULES_TIMES_SGS: usize = 1000;
    /// Transit gateways one VPC can attach to.
    pub const TGWS_PER_VPC: usize = 5;
    /// Routes per route table at the maximum quota (VPC quotas page: 500 by
    /// default, adjustable to 1,000).
    pub const ROUTES_PER_TABLE: usize = 1000;
    /// Entries of a customer-managed prefix list.
    pub const PREFIX_LIST_ENTRIES: usize = 1000;
}

impl QuotaProfile {
    /// Whether the profile itself is one AWS could grant (rules per SG ×
    /// SGs per interface ≤ 1,000; nothing above the hard maxima).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.sg_rules_per_direction * self.sgs_per_interface > hard::RULES_TIMES_SGS {
            out.push(format!(
                "rules per security group ({}) × security groups per interface ({}) exceeds {}",
                self.sg_rules_per_direction,
                self.sgs_per_interface,
                hard::RULES_TIMES_SGS
            ));
        }
        if self.sgs_per_interface > hard::SGS_PER_INTERFACE {
            out.push(format!(
                "at most {} security groups per interface",
                hard::SGS_PER_INTERFACE
            ));
        }
        if self.routes_per_table > hard::ROUTES_PER_TABLE {
            out.push(format!("at most {} routes per route table", hard::ROUTES_PER_TABLE));
        }
        if self.nacl_entries > hard::NACL_ENTRIES {
            out.push(format!("at most {} NACL entries per direction", hard::NACL_ENTRIES));
        }
        if self.ipv4_blocks_per_vpc > hard::IPV4_BLOCKS_PER_VPC {
            out.push(format!("at most {} IPv4 blocks per VPC", hard::IPV4_BLOCKS_PER_VPC));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_is_one_aws_grants() {
        assert!(QuotaProfile::default().problems().is_empty());
        let bad = QuotaProfile {
            sg_rules_per_direction: 250,
            sgs_per_interface: 5,
            ..QuotaProfile::default()
        };
        assert_eq!(bad.problems().len(), 1);
        // VPC quotas page: routes per route table default 500, adjustable to 1,000.
        assert_eq!(QuotaProfile::default().routes_per_table, 500);
        let too_many = QuotaProfile {
            routes_per_table: 1001,
            ..QuotaProfile::default()
        };
        assert_eq!(too_many.problems().len(), 1);
    }
}
