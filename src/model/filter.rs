//! Protocols, port ranges and the rule types shared by security groups,
//! network ACLs and firewall rule groups.

use std::fmt;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// An IP protocol as security groups and NACLs name it.
///
/// `All` is AWS's protocol `-1`: it matches every protocol and ignores ports
/// (VPC User Guide, security group rules; EC2 API `IpPermission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    All,
    /// Any other IANA protocol number (e.g. 47 for GRE, 50 for ESP).
    Number(u8),
}

impl Protocol {
    /// The IANA protocol number (`None` for `All`).
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Icmp => Some(1),
            Protocol::Icmpv6 => Some(58),
            Protocol::All => None,
            Protocol::Number(n) => Some(n),
        }
    }

    /// Whether rules for this protocol carry a port range (AWS ignores ports otherwise).
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// Whether a rule written for `self` matches a packet of protocol `packet`.
    pub fn matches(self, packet: Protocol) -> bool {
        match (self, packet) {
            (Protocol::All, _) => true,
            (a, b) => a.number() == b.number(),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::All => f.write_str("all"),
            Protocol::Number(n) => write!(f, "{n}"),
        }
    }
}

impl FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tcp" | "6" => Ok(Protocol::Tcp),
            "udp" | "17" => Ok(Protocol::Udp),
            "icmp" | "1" => Ok(Protocol::Icmp),
            "icmpv6" | "58" => Ok(Protocol::Icmpv6),
            "all" | "-1" | "any" => Ok(Protocol::All),
            other => other.parse::<u8>().map(Protocol::Number).map_err(|_| {
                format!("unknown protocol `{s}`: expected tcp, udp, icmp, icmpv6, all or a protocol number 0-255")
            }),
        }
    }
}

/// An inclusive port range. For ICMP rules it holds the ICMP type range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    /// The range AWS tells NACL authors to open for replies (VPC User Guide, NACL ephemeral ports).
    pub const EPHEMERAL: PortRange = PortRange { from: 1024, to: 65535 };

    pub fn single(port: u16) -> Self {
        PortRange { from: port, to: port }
    }
    pub fn new(from: u16, to: u16) -> Result<Self, String> {
        if from > to {
            Err(format!(
                "port range {from}-{to} is reversed: the first port must not exceed the second"
            ))
        } else {
            Ok(PortRange { from, to })
        }
    }
    pub fn contains(self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
    pub fn covers(self, other: PortRange) -> bool {
        self.from <= other.from && other.to <= self.to
    }
    pub fn overlaps(self, other: PortRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }
    pub fn is_all(self) -> bool {
        self == PortRange::ALL
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            f.write_str("all")
        } else if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

impl FromStr for PortRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") || s == "*" {
            return Ok(PortRange::ALL);
        }
        let parse = |p: &str| {
            p.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{p}` is not a port: expected a number 0-65535"))
        };
        match s.split_once('-') {
            Some((a, b)) => PortRange::new(parse(a)?, parse(b)?),
            None => parse(s).map(PortRange::single),
        }
    }
}

impl TryFrom<String> for PortRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PortRange> for String {
    fn from(p: PortRange) -> String {
        p.to_string()
    }
}

/// The other end of a security-group rule: where inbound traffic may come
/// from, or where outbound traffic may go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SgPeer {
    Cidr(IpNet),
    /// A managed prefix list by name (`s3`, `dynamodb` or a customer list).
    PrefixList(String),
    /// Another security group (or the group itself); matches members' private IPs.
    Group(String),
}

impl fmt::Display for SgPeer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SgPeer::Cidr(c) => write!(f, "{c}"),
            SgPeer::PrefixList(p) => write!(f, "pl:{p}"),
            SgPeer::Group(g) => write!(f, "sg:{g}"),
        }
    }
}

impl FromStr for SgPeer {
    type Err = String;
    /// Accepts `10.0.0.0/16`, `::/0`, `pl:s3`, `sg:sg-web` (and a bare group name).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(pl) = s.strip_prefix("pl:") {
            return Ok(SgPeer::PrefixList(pl.to_string()));
        }
        if let Some(sg) = s.strip_prefix("sg:") {
            return Ok(SgPeer::Group(sg.to_string()));
        }
        if s.contains('/') {
            return s
                .parse::<IpNet>()
                .map(|n| SgPeer::Cidr(n.trunc()))
                .map_err(|_| format!("`{s}` is not a valid CIDR block (e.g. 10.0.0.0/16 or ::/0)"));
        }
        if s.is_empty() {
            return Err("a rule needs a source or destination: a CIDR, pl:NAME or sg:NAME".into());
        }
        Ok(SgPeer::Group(s.to_string()))
    }
}

/// One security-group rule. Security groups are allow-only and stateful.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    pub proto: Protocol,
    #[serde(default = "all_ports", skip_serializing_if = "PortRange::is_all_ref")]
    pub ports: PortRange,
    pub peer: SgPeer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl SgRule {
    pub fn new(proto: Protocol, ports: PortRange, peer: SgPeer) -> Self {
        SgRule {
            proto,
            ports,
            peer,
            description: None,
        }
    }
    /// The ports this rule really admits: AWS ignores the range for protocols without ports.
    pub fn effective_ports(&self) -> PortRange {
        if self.proto.has_ports() {
            self.ports
        } else {
            PortRange::ALL
        }
    }
}

impl fmt::Display for SgRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.proto.has_ports() {
            write!(f, "{} {} {}", self.proto, self.ports, self.peer)
        } else {
            write!(f, "{} {}", self.proto, self.peer)
        }
    }
}

fn all_ports() -> PortRange {
    PortRange::ALL
}

impl PortRange {
    fn is_all_ref(p: &PortRange) -> bool {
        p.is_all()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleAction {
    Allow,
    Deny,
}

impl fmt::Display for RuleAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuleAction::Allow => "allow",
            RuleAction::Deny => "deny",
        })
    }
}

/// One numbered network-ACL entry. NACLs are stateless and evaluated in
/// ascending rule number; the first match decides (VPC User Guide, network ACLs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclRule {
    pub number: u16,
    pub action: RuleAction,
    pub proto: Protocol,
    #[serde(default = "all_ports", skip_serializing_if = "PortRange::is_all_ref")]
    pub ports: PortRange,
    /// Source CIDR for inbound entries, destination CIDR for outbound entries.
    pub cidr: IpNet,
}

impl NaclRule {
    pub fn effective_ports(&self) -> PortRange {
        if self.proto.has_ports() {
            self.ports
        } else {
            PortRange::ALL
        }
    }
}

impl fmt::Display for NaclRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.proto.has_ports() {
            write!(
                f,
                "rule {} {} {} {} {}",
                self.number, self.action, self.proto, self.ports, self.cidr
            )
        } else {
            write!(f, "rule {} {} {} {}", self.number, self.action, self.proto, self.cidr)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_parses_and_prints() {
        assert_eq!("443".parse::<PortRange>().unwrap(), PortRange::single(443));
        assert_eq!("1024-65535".parse::<PortRange>().unwrap(), PortRange::EPHEMERAL);
        assert_eq!("all".parse::<PortRange>().unwrap().to_string(), "all");
        assert!("90-80".parse::<PortRange>().is_err());
        assert!("70000".parse::<PortRange>().is_err());
    }

    #[test]
    fn protocol_all_matches_everything_and_ignores_ports() {
        assert!(Protocol::All.matches(Protocol::Udp));
        assert!(!Protocol::Tcp.matches(Protocol::Udp));
        let rule = SgRule::new(
            Protocol::All,
            PortRange::single(22),
            SgPeer::Cidr("0.0.0.0/0".parse().unwrap()),
        );
        assert!(rule.effective_ports().is_all());
    }

    #[test]
    fn sg_peer_parses_every_form() {
        assert_eq!("sg:web".parse::<SgPeer>().unwrap(), SgPeer::Group("web".into()));
        assert_eq!("pl:s3".parse::<SgPeer>().unwrap(), SgPeer::PrefixList("s3".into()));
        assert_eq!(
            "10.0.1.5/24".parse::<SgPeer>().unwrap(),
            SgPeer::Cidr("10.0.1.0/24".parse().unwrap())
        );
        assert!("10.0.0.0/40".parse::<SgPeer>().is_err());
    }
}
