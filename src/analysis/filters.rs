//! Compiled network ACLs and security groups, and their evaluation.
//!
//! NACLs: stateless, numbered rules evaluated in ascending order, first match
//! wins, final `*` deny (VPC User Guide, "Network ACL rules").
//! Inbound entries match the source address, outbound entries the destination.
//! SGs: allow-only, the rules of every group on the ENI are unioned; a rule
//! that references a group matches the private addresses of the ENIs in that
//! group (same VPC or a same-Region peered VPC) — VPC User Guide, "Security
//! group rules", and VPC Peering Guide, "Update your security groups to
//! reference peer security groups".

use std::net::IpAddr;

use ipnet::IpNet;

use super::Packet;
use crate::model::{Design, Direction, NaclRule, NetworkAcl, PortRange, Protocol, RuleAction, SecurityGroup, SgPeer};

/// A NACL with its rules sorted by number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CNacl {
    pub name: String,
    pub inbound: Vec<NaclRule>,
    pub outbound: Vec<NaclRule>,
}

/// What a NACL decided for a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NaclVerdict {
    AllowedByRule(u16),
    DeniedByRule(u16),
    ImplicitDeny,
}

impl CNacl {
    pub fn compile(acl: &NetworkAcl) -> CNacl {
        let mut inbound = acl.inbound.clone();
        let mut outbound = acl.outbound.clone();
        inbound.sort_by_key(|r| r.number);
        outbound.sort_by_key(|r| r.number);
        CNacl {
            name: acl.name.clone(),
            inbound,
            outbound,
        }
    }

    pub fn rules(&self, dir: Direction) -> &[NaclRule] {
        match dir {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }

    /// First matching rule in ascending number decides; none → `*` deny.
    pub fn eval(&self, dir: Direction, p: &Packet) -> NaclVerdict {
        let peer = match dir {
            Direction::Inbound => p.src,
            Direction::Outbound => p.dst,
        };
        for r in self.rules(dir) {
            if rule_applies(r.action, r.proto, p.proto)
                && r.cidr.contains(&peer)
                && port_matches(r.effective_ports(), p)
            {
                return match r.action {
                    RuleAction::Allow => NaclVerdict::AllowedByRule(r.number),
                    RuleAction::Deny => NaclVerdict::DeniedByRule(r.number),
                };
            }
        }
        NaclVerdict::ImplicitDeny
    }

    /// The sub-ranges of `range` (destination ports) that the NACL admits for
    /// packets of `proto` whose peer address (source for inbound, destination
    /// for outbound) is `peer`. Used where a translator picks a port from a range.
    pub fn allowed_ports(&self, dir: Direction, proto: Protocol, peer: IpAddr, range: PortRange) -> Vec<PortRange> {
        if !proto.has_ports() {
            let p = Packet {
                src: peer,
                dst: peer,
                proto,
                sport: 0,
                dport: 0,
            };
            return match self.eval(dir, &p) {
                NaclVerdict::AllowedByRule(_) => vec![range],
                _ => Vec::new(),
            };
        }
        let mut undecided = vec![range];
        let mut allowed = Vec::new();
        for r in self.rules(dir) {
            if undecided.is_empty() {
                break;
            }
            if !(r.proto.matches(proto) && r.cidr.contains(&peer)) {
                continue;
            }
            let rp = r.effective_ports();
            let mut rest = Vec::new();
            for u in undecided {
                if !u.overlaps(rp) {
                    rest.push(u);
                    continue;
                }
                let lo = u.from.max(rp.from);
                let hi = u.to.min(rp.to);
                if r.action == RuleAction::Allow {
                    allowed.push(PortRange { from: lo, to: hi });
                }
                if u.from < lo {
                    rest.push(PortRange {
                        from: u.from,
                        to: lo - 1,
                    });
                }
                if hi < u.to {
                    rest.push(PortRange { from: hi + 1, to: u.to });
                }
            }
            undecided = rest;
        }
        allowed.sort();
        allowed
    }

    /// `nacl-web inbound rule 100 allow tcp 80 0.0.0.0/0`
    pub fn describe(&self, dir: Direction, v: NaclVerdict) -> String {
        match v {
            NaclVerdict::AllowedByRule(n) | NaclVerdict::DeniedByRule(n) => {
                match self.rules(dir).iter().find(|r| r.number == n) {
                    Some(r) => format!("{} {dir} {}", self.name, rule_text(r)),
                    None => format!("{} {dir} rule {n}", self.name),
                }
            }
            NaclVerdict::ImplicitDeny => format!("{} {dir} rule * deny all (no rule matches)", self.name),
        }
    }
}

fn rule_text(r: &NaclRule) -> String {
    if r.proto.has_ports() {
        format!("rule {} {} {} {} {}", r.number, r.action, r.proto, r.ports, r.cidr)
    } else {
        format!("rule {} {} {} {}", r.number, r.action, r.proto, r.cidr)
    }
}

/// Whether a rule with `action` written for protocol `rule` applies to a packet of
/// protocol `packet`. A packet of protocol `all` stands for a query about *all*
/// traffic: only an allow for every protocol admits it, while a deny for any one
/// protocol or port already takes part of that traffic away, so it matches too
/// (first match wins — VPC User Guide, "Network ACL rules"). Without
/// this, `--proto all` would report "reachable" past a `deny tcp 22` rule.
pub(crate) fn rule_applies(action: RuleAction, rule: Protocol, packet: Protocol) -> bool {
    rule.matches(packet) || (action == RuleAction::Deny && packet == Protocol::All)
}

fn port_matches(range: PortRange, p: &Packet) -> bool {
    !p.proto.has_ports() || range.contains(p.dport)
}

/// The peer of a compiled SG rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CPeer {
    Nets(Vec<IpNet>),
    Group(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CSgRule {
    pub proto: Protocol,
    pub ports: PortRange,
    pub peer: CPeer,
    /// `from sg-web tcp 8080` / `to 0.0.0.0/0 all`
    pub text: String,
}

/// A security group with prefix lists expanded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CSg {
    pub name: String,
    pub vpc: String,
    pub inbound: Vec<CSgRule>,
    pub outbound: Vec<CSgRule>,
}

impl CSg {
    pub fn compile(d: &Design, sg: &SecurityGroup) -> CSg {
        let conv = |rules: &[crate::model::SgRule], dir: Direction| {
            rules
                .iter()
                .map(|r| {
                    let peer = match &r.peer {
                        SgPeer::Cidr(c) => CPeer::Nets(vec![*c]),
                        SgPeer::PrefixList(p) => CPeer::Nets(crate::model::index::prefix_list_cidrs(d, p)),
                        SgPeer::Group(g) => CPeer::Group(g.clone()),
                    };
                    let peer_text = match &r.peer {
                        SgPeer::Cidr(c) => c.to_string(),
                        SgPeer::PrefixList(p) => format!("pl:{p}"),
                        SgPeer::Group(g) => g.clone(),
                    };
                    let word = if dir == Direction::Inbound { "from" } else { "to" };
                    let ports = r.effective_ports();
                    let what = if r.proto.has_ports() && !ports.is_all() {
                        format!("{} {}", r.proto, ports)
                    } else if r.proto.has_ports() {
                        format!("{} all ports", r.proto)
                    } else {
                        r.proto.to_string()
                    };
                    CSgRule {
                        proto: r.proto,
                        ports,
                        peer,
                        text: format!("{word} {peer_text} {what}"),
                    }
                })
                .collect()
        };
        CSg {
            name: sg.name.clone(),
            vpc: sg.vpc.clone(),
            inbound: conv(&sg.inbound, Direction::Inbound),
            outbound: conv(&sg.outbound, Direction::Outbound),
        }
    }

    pub fn rules(&self, dir: Direction) -> &[CSgRule] {
        match dir {
            Direction::Inbound => &self.inbound,
            Direction::Outbound => &self.outbound,
        }
    }
}

impl CSgRule {
    /// Whether the rule admits the packet; `group_match` answers SG references.
    pub fn matches(&self, dir: Direction, p: &Packet, group_match: &dyn Fn(&str, IpAddr) -> bool) -> bool {
        if !self.proto.matches(p.proto) || !port_matches(self.ports, p) {
            return false;
        }
        let peer = match dir {
            Direction::Inbound => p.src,
            Direction::Outbound => p.dst,
        };
        match &self.peer {
            CPeer::Nets(nets) => nets.iter().any(|n| n.contains(&peer)),
            CPeer::Group(g) => group_match(g, peer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(n: u16, action: RuleAction, proto: Protocol, ports: &str, cidr: &str) -> NaclRule {
        NaclRule {
            number: n,
            action,
            proto,
            ports: ports.parse().unwrap(),
            cidr: cidr.parse().unwrap(),
        }
    }

    fn pkt(dport: u16) -> Packet {
        Packet {
            src: "10.0.0.5".parse().unwrap(),
            dst: "10.0.1.5".parse().unwrap(),
            proto: Protocol::Tcp,
            sport: 40000,
            dport,
        }
    }

    #[test]
    fn nacl_lowest_number_wins_regardless_of_file_order() {
        // VPC User Guide, network ACL rules: evaluated in ascending rule number, first match wins.
        let mut acl = NetworkAcl::custom("acl", "v");
        acl.inbound = vec![
            rule(200, RuleAction::Allow, Protocol::Tcp, "80", "0.0.0.0/0"),
            rule(100, RuleAction::Deny, Protocol::Tcp, "80", "10.0.0.0/24"),
        ];
        let c = CNacl::compile(&acl);
        assert_eq!(c.eval(Direction::Inbound, &pkt(80)), NaclVerdict::DeniedByRule(100));
        assert_eq!(c.eval(Direction::Inbound, &pkt(81)), NaclVerdict::ImplicitDeny);
    }

    #[test]
    fn allowed_ports_subtracts_earlier_denies() {
        let mut acl = NetworkAcl::custom("acl", "v");
        acl.inbound = vec![
            rule(100, RuleAction::Deny, Protocol::Tcp, "2000-3000", "0.0.0.0/0"),
            rule(110, RuleAction::Allow, Protocol::Tcp, "1024-65535", "0.0.0.0/0"),
        ];
        let c = CNacl::compile(&acl);
        let got = c.allowed_ports(
            Direction::Inbound,
            Protocol::Tcp,
            "1.2.3.4".parse().unwrap(),
            PortRange::EPHEMERAL,
        );
        assert_eq!(
            got,
            vec![PortRange { from: 1024, to: 1999 }, PortRange { from: 3001, to: 65535 }]
        );
    }
}
