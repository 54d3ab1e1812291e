//! The syntax checks of text fields, run as they are typed (an invalid CIDR
//! is explained before the form is submitted). The AWS limits come from
//! [`crate::model::limits`], the same numbers validation uses.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use super::kinds::{parse_endpoint_addresses, parse_firewall_rules, parse_listeners, split_list};
use crate::model::limits::hard;
use crate::model::*;

/// How a text field is checked as it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Name,
    /// An IPv4 VPC block: /16 to /28 (VPC User Guide, "VPC CIDR blocks").
    VpcCidr,
    /// An IPv4 subnet block: /16 to /28, no host bits.
    SubnetCidr,
    /// A route destination: a CIDR (v4 or v6) or `pl:NAME`.
    RouteDest,
    Ports,
    /// SG source/destination: CIDR, `sg:NAME`, `pl:NAME`.
    Peer,
    /// NACL rule number 1..=32766 (VPC User Guide, NACL rules).
    RuleNumber,
    /// Any CIDR (v4 or v6).
    Cidr,
    Ipv4,
    Ipv4Opt,
    Free,
    /// A file path.
    Path,
    /// Any non-empty text.
    Required,
    /// An IPv6 block (a VPC's /56, a subnet's /64: the size is the validation's to judge), or empty.
    Ipv6CidrOpt,
    /// Comma-separated VPC blocks (secondary CIDRs), possibly none.
    VpcCidrList,
    /// Comma-separated CIDRs (v4 or v6), possibly none.
    CidrList,
    /// Comma-separated IPv4 CIDRs, possibly none.
    Cidr4List,
    /// Comma-separated IPv4 CIDRs, at least one.
    Cidr4ListRequired,
    /// A prefix list's max entries: 1-1000 (PL-1).
    MaxEntries,
    /// The Amazon side of BGP (VGW, TGW, DX gateway): a private ASN,
    /// 64512-65534 or 4200000000-4294967294 (CreateVpnGateway, CreateTransitGateway).
    AmazonAsn,
    /// A customer gateway's BGP ASN: 1-4294967295 (CreateCustomerGateway
    /// BgpAsn 1-2147483647, BgpAsnExtended above).
    CustomerAsn,
    /// An 802.1Q VLAN for a virtual interface: 1-4094.
    Vlan,
    /// Load-balancer listeners `443:8080, 80`.
    Listeners,
    /// Firewall rules `drop tcp to 10.0.0.0/16 port 22; pass all`.
    FirewallRules,
    /// Interface endpoint addresses `app-a=10.0.10.50, app-b=10.0.11.50`, possibly none.
    EndpointAddresses,
}

impl Check {
    pub fn run(self, s: &str) -> Result<(), String> {
        let s = s.trim();
        match self {
            Check::Name => {
                if crate::edit::valid_name(s) {
                    Ok(())
                } else if s.is_empty() {
                    Err("a name is required".into())
                } else {
                    Err("use letters, digits, `-`, `_` and `.` (1-64 characters)".into())
                }
            }
            Check::VpcCidr | Check::SubnetCidr => {
                let net: Ipv4Net = s
                    .parse()
                    .map_err(|_| format!("`{s}` is not an IPv4 CIDR block such as 10.0.1.0/24"))?;
                if net.trunc() != net {
                    return Err(format!("host bits set: did you mean {}?", net.trunc()));
                }
                if !hard::IPV4_BLOCK_PREFIX_LENS.contains(&net.prefix_len()) {
                    return Err(format!(
                        "/{} is outside the allowed /{} to /{} (AWS: InvalidSubnet.Range / InvalidVpc.Range)",
                        net.prefix_len(),
                        hard::IPV4_BLOCK_PREFIX_LENS.start(),
                        hard::IPV4_BLOCK_PREFIX_LENS.end()
                    ));
                }
                Ok(())
            }
            Check::RouteDest => s.parse::<RouteDestination>().map(|_| ()),
            Check::Ports => s.parse::<PortRange>().map(|_| ()),
            Check::Peer => s.parse::<SgPeer>().map(|_| ()),
            Check::RuleNumber => match s.parse::<u16>() {
                Ok(n) if hard::NACL_RULE_NUMBERS.contains(&n) => Ok(()),
                _ => Err(format!(
                    "a rule number is {}-{}; lower numbers are evaluated first",
                    hard::NACL_RULE_NUMBERS.start(),
                    hard::NACL_RULE_NUMBERS.end()
                )),
            },
            Check::Cidr => s
                .parse::<IpNet>()
                .map(|_| ())
                .map_err(|_| format!("`{s}` is not a CIDR block such as 0.0.0.0/0 or 10.0.0.0/16")),
            Check::Ipv4 => s
                .parse::<Ipv4Addr>()
                .map(|_| ())
                .map_err(|_| format!("`{s}` is not an IPv4 address")),
            Check::Ipv4Opt if s.is_empty() => Ok(()),
            Check::Ipv4Opt => Check::Ipv4
                .run(s)
                .map_err(|e| format!("{e} (leave empty to auto-assign)")),
            Check::Free => Ok(()),
            Check::Path => {
                if s.is_empty() {
                    Err("a file name is required".into())
                } else {
                    Ok(())
                }
            }
            Check::Required if s.is_empty() => Err("a value is required".into()),
            Check::Required => Ok(()),
            Check::Ipv6CidrOpt if s.is_empty() => Ok(()),
            Check::Ipv6CidrOpt => match s.parse::<ipnet::Ipv6Net>() {
                Ok(n) if n.trunc() == n => Ok(()),
                Ok(n) => Err(format!("host bits set: did you mean {}?", n.trunc())),
                Err(_) => Err(format!(
                    "`{s}` is not an IPv6 block such as 2600:1f18:1234:5600::/56 (or leave empty)"
                )),
            },
            Check::VpcCidrList => {
                split_list(s).try_for_each(|c| Check::VpcCidr.run(c).map_err(|e| format!("{c}: {e}")))
            }
            Check::CidrList => split_list(s).try_for_each(|c| Check::Cidr.run(c)),
            Check::Cidr4List => split_list(s).try_for_each(|c| {
                c.parse::<Ipv4Net>()
                    .map(|_| ())
                    .map_err(|_| format!("`{c}` is not an IPv4 CIDR block such as 192.168.0.0/16"))
            }),
            Check::Cidr4ListRequired if s.is_empty() => Err("at least one CIDR block, e.g. 192.168.0.0/16".into()),
            Check::Cidr4ListRequired => Check::Cidr4List.run(s),
            Check::MaxEntries => match s.parse::<usize>() {
                Ok(n) if (1..=hard::PREFIX_LIST_ENTRIES).contains(&n) => Ok(()),
                _ => Err(format!(
                    "max entries is a number from 1 to {}",
                    hard::PREFIX_LIST_ENTRIES
                )),
            },
            Check::AmazonAsn => match s.parse::<u32>() {
                Ok(n) if (64512..=65534).contains(&n) || (4_200_000_000..=4_294_967_294).contains(&n) => Ok(()),
                _ => Err("the Amazon-side ASN must be private: 64512-65534 or 4200000000-4294967294".into()),
            },
            Check::CustomerAsn => match s.parse::<u32>() {
                Ok(n) if n >= 1 => Ok(()),
                _ => Err("a BGP ASN is a number from 1 to 4294967295 (private: 64512-65534)".into()),
            },
            Check::Vlan => match s.parse::<u16>() {
                Ok(n) if (1..=4094).contains(&n) => Ok(()),
                _ => Err("a VLAN is a number from 1 to 4094".into()),
            },
            Check::Listeners => parse_listeners(s).map(|_| ()),
            Check::FirewallRules => parse_firewall_rules(s).map(|_| ()),
            Check::EndpointAddresses => parse_endpoint_addresses(s).map(|_| ()),
        }
    }
}
