//! Intents: statements a design must satisfy ("web-1 reaches the internet on
//! tcp/443", "no SG opens SSH to the world", "at most 1 NAT gateway").
//!
//! This module holds only the data, written by hand in a design's `intents`
//! list or an exercise's `objectives`; evaluation lives in `crate::practice`.
//! The vocabulary is documented with examples in `docs-intents.md` (README).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::filter::Protocol;
use super::ObjectKind;

fn tcp() -> Protocol {
    Protocol::Tcp
}

/// One intent. Names (`from`, `to`, `through`, tiers, groups, codes) must
/// exist in the design: an unknown name makes the intent an error, never a
/// silent "false".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intent {
    /// A new connection from `from` to `to` succeeds, reply included:
    /// `Reach(from: "web-1", to: "internet", port: 443)`.
    /// `from`/`to` take the trace panel's endpoint syntax: an instance or other
    /// object name, `internet`, `internet:IP`, `internet6`, `onprem:NAME`, an
    /// AWS service (`s3`, `sqs`, …) or an IP. `down` lists what-if failures
    /// (an AZ such as `us-east-1a`, or a component name) evaluated without
    /// changing the design.
    Reach {
        from: String,
        to: String,
        #[serde(default = "tcp")]
        proto: Protocol,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        down: Vec<String>,
    },
    /// The connection fails somewhere (any layer).
    NoReach {
        from: String,
        to: String,
        #[serde(default = "tcp")]
        proto: Protocol,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        down: Vec<String>,
    },
    /// The connection succeeds and its path crosses `through`: a component
    /// name (`vpce-s3`, `nat-a`, `tgw-1`) or `kind:KIND` (see [`PATH_KINDS`]).
    Via {
        from: String,
        to: String,
        #[serde(default = "tcp")]
        proto: Protocol,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        through: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        down: Vec<String>,
    },
    /// The connection succeeds and its path does not cross `through`.
    Avoid {
        from: String,
        to: String,
        #[serde(default = "tcp")]
        proto: Protocol,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        port: Option<u16>,
        through: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        down: Vec<String>,
    },
    /// Nothing from `from` (default `internet`: the default internet host and
    /// every public address named in a rule) reaches any interface in a
    /// subnet of tier `tier`, on any TCP or UDP port or ICMP.
    NothingReaches {
        #[serde(default = "internet")]
        from: String,
        tier: String,
    },
    /// A structural fact about the design.
    Struct(Fact),
    /// Validation reports no error.
    NoErrors,
    /// Validation reports no finding with this rule code.
    NoWarning(String),
    /// The design has at most `count` objects of `kind`: `AtMost(kind: NatGateway, count: 1)`.
    AtMost { kind: ObjectKind, count: usize },
    /// The estimated monthly cost (vpcd's built-in us-east-1 price table, the
    /// same estimate as `vpcd cost`) is at most this many whole US dollars:
    /// `MonthlyCostAtMost(80)`.
    MonthlyCostAtMost(u32),
}

fn internet() -> String {
    "internet".to_string()
}

/// Structural facts, checked on the design's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fact {
    /// Every private subnet (default route to a NAT gateway) sends it to a NAT
    /// gateway in its own AZ, so each AZ with private subnets has its own NAT
    /// and losing one AZ never cuts another AZ's egress (NAT gateways are zonal).
    EachAzWithPrivateSubnetsHasNat,
    /// No subnet of this tier uses a route table with a route to an internet
    /// gateway, egress-only gateway, NAT gateway or NAT instance.
    TierHasNoInternetRoute(String),
    /// No interface in a subnet of this tier has a public IPv4 (EIP or auto-assigned).
    TierHasNoPublicIp(String),
    /// No security group allows inbound from 0.0.0.0/0 or ::/0 on this TCP port.
    NoSgOpenToWorld(u16),
    /// The subnets of this tier span at least `azs` availability zones.
    TierSpansAzs { tier: String, azs: usize },
    /// Every inbound rule of `group` that admits tcp/`port` names the security
    /// group `source` (an SG reference, not a CIDR), and there is at least one.
    SgSourceIsGroup { group: String, port: u16, source: String },
    /// No VPC's main route table has a route to an internet gateway, so new
    /// subnets are private until explicitly associated with a public table.
    MainRouteTablesArePrivate,
    /// The transit gateway attachment has appliance mode on (symmetric flows
    /// through a stateful appliance across AZs).
    ApplianceMode(String),
    /// Least privilege on one instance's port: every inbound rule of the
    /// instance's security groups that admits tcp/`port` names a source inside
    /// one of `sources` (a CIDR the rule's CIDR lies within, or `sg:NAME`; a
    /// customer-managed prefix list counts when every entry lies within), and
    /// at least one rule admits it. Catches sources that are merely narrower
    /// than `0.0.0.0/0` (a /5 is still 134 million addresses):
    /// `OnlyFrom(instance: "bastion-1", port: 22, sources: ["203.0.113.0/24"])`.
    OnlyFrom {
        instance: String,
        port: u16,
        sources: Vec<String>,
    },
    /// No network ACL of the tier's subnets has an allow rule that opens every
    /// port (all protocols, or all TCP or UDP ports) to or from the whole
    /// internet (`0.0.0.0/0` or `::/0`), in either direction: the NACL is a
    /// real second layer, not an allow-all.
    NoAllowAllNaclRule(String),
    /// The instance belongs to `account` (its owner, else its subnet's VPC
    /// owner): in a shared VPC a participant launches its own instances into
    /// the subnets shared with it, and the VPC owner launching them in its
    /// place is a different design (VPC User Guide, "Share your VPC subnets
    /// with other accounts": participants own the resources they create).
    LaunchedBy { instance: String, account: String },
}

/// The component kinds a `Via`/`Avoid` intent may name as `kind:KIND`.
pub const PATH_KINDS: &[&str] = &[
    "internet-gateway",
    "egress-only-gateway",
    "nat-gateway",
    "gateway-endpoint",
    "interface-endpoint",
    "peering",
    "transit-gateway",
    "vpn-gateway",
    "vpn",
    "dx",
    "firewall",
    "load-balancer",
    "privatelink",
    "gwlb-endpoint",
    "appliance",
];

/// The parts shared by the flow intents (`Reach`, `NoReach`, `Via`, `Avoid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow<'i> {
    pub from: &'i str,
    pub to: &'i str,
    pub proto: Protocol,
    pub port: Option<u16>,
    /// The component a `Via` must cross or an `Avoid` must not.
    pub through: Option<&'i str>,
    pub down: &'i [String],
}

impl Intent {
    /// The flow a reachability intent is about; `None` for the other intents.
    pub fn flow(&self) -> Option<Flow<'_>> {
        let (from, to, proto, port, through, down) = match self {
            Intent::Reach {
                from,
                to,
                proto,
                port,
                down,
            }
            | Intent::NoReach {
                from,
                to,
                proto,
                port,
                down,
            } => (from, to, proto, port, None, down),
            Intent::Via {
                from,
                to,
                proto,
                port,
                through,
                down,
            }
            | Intent::Avoid {
                from,
                to,
                proto,
                port,
                through,
                down,
            } => (from, to, proto, port, Some(through.as_str()), down),
            _ => return None,
        };
        Some(Flow {
            from,
            to,
            proto: *proto,
            port: *port,
            through,
            down,
        })
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(flow) = self.flow() {
            write!(f, "{} → {} {}", flow.from, flow.to, flow.proto)?;
            if let Some(p) = flow.port {
                write!(f, "/{p}")?;
            }
            let through = flow.through.unwrap_or_default();
            match self {
                Intent::NoReach { .. } => f.write_str(" unreachable")?,
                Intent::Via { .. } => write!(f, " reachable via {through}")?,
                Intent::Avoid { .. } => write!(f, " reachable avoiding {through}")?,
                _ => f.write_str(" reachable")?,
            }
            if !flow.down.is_empty() {
                write!(f, " (with {} down)", flow.down.join(", "))?;
            }
            return Ok(());
        }
        match self {
            Intent::NothingReaches { from, tier } => {
                write!(f, "nothing from {from} reaches the {tier} tier on any port")
            }
            Intent::Struct(fact) => fact.fmt(f),
            Intent::NoErrors => f.write_str("validation reports no errors"),
            Intent::NoWarning(code) => write!(f, "no `{code}` finding"),
            Intent::AtMost { kind, count } => write!(f, "at most {count} × {}", kind.label()),
            Intent::MonthlyCostAtMost(usd) => {
                write!(f, "estimated monthly cost ≤ {}", super::money::dollars(f64::from(*usd)))
            }
            Intent::Reach { .. } | Intent::NoReach { .. } | Intent::Via { .. } | Intent::Avoid { .. } => Ok(()),
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::EachAzWithPrivateSubnetsHasNat => f.write_str("each AZ with private subnets has its own NAT gateway"),
            Fact::TierHasNoInternetRoute(t) => write!(f, "{t} subnets have no route to an IGW or NAT"),
            Fact::TierHasNoPublicIp(t) => write!(f, "nothing in the {t} tier has a public IPv4"),
            Fact::NoSgOpenToWorld(p) => write!(f, "no SG allows 0.0.0.0/0 or ::/0 on tcp/{p}"),
            Fact::TierSpansAzs { tier, azs } => write!(f, "the {tier} tier spans ≥ {azs} AZs"),
            Fact::SgSourceIsGroup { group, port, source } => {
                write!(f, "{group} admits tcp/{port} only from SG {source}")
            }
            Fact::MainRouteTablesArePrivate => f.write_str("no main route table routes to an internet gateway"),
            Fact::ApplianceMode(a) => write!(f, "TGW attachment {a} has appliance mode on"),
            Fact::OnlyFrom {
                instance,
                port,
                sources,
            } => {
                write!(f, "{instance} admits tcp/{port} only from {}", sources.join(", "))
            }
            Fact::NoAllowAllNaclRule(t) => {
                write!(f, "no NACL of the {t} tier allows all traffic to or from the internet")
            }
            Fact::LaunchedBy { instance, account } => write!(f, "{instance} is launched by account {account}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ron::Options {
        // Design files are read with implicit `Some` (see `io::parse`).
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
    }

    #[test]
    fn intents_read_from_hand_written_ron() {
        let text = r#"[
            Reach(from: "web-1", to: "internet", port: 443),
            NoReach(from: "internet", to: "db-1", proto: Tcp, port: 3306),
            Via(from: "app-1", to: "s3", port: 443, through: "vpce-s3"),
            Reach(from: "app-b", to: "internet", port: 443, down: ["us-east-1a"]),
            NothingReaches(tier: "db"),
            Struct(EachAzWithPrivateSubnetsHasNat),
            Struct(TierSpansAzs(tier: "app", azs: 2)),
            NoErrors,
            NoWarning("subnet-overlap"),
            AtMost(kind: NatGateway, count: 2),
            MonthlyCostAtMost(120),
        ]"#;
        let intents: Vec<Intent> = opts().from_str(text).unwrap();
        assert_eq!(intents.len(), 11);
        assert_eq!(intents[0].to_string(), "web-1 → internet tcp/443 reachable");
        assert_eq!(
            intents[3].to_string(),
            "app-b → internet tcp/443 reachable (with us-east-1a down)"
        );
        assert!(matches!(&intents[4], Intent::NothingReaches { from, .. } if from == "internet"));
        let again: Vec<Intent> = opts().from_str(&ron::to_string(&intents).unwrap()).unwrap();
        assert_eq!(intents, again);
    }

    #[test]
    fn unknown_intent_names_are_parse_errors() {
        assert!(opts().from_str::<Intent>(r#"Reachable(from: "a", to: "b")"#).is_err());
        assert!(opts().from_str::<Intent>("Struct(EveryThingIsFine)").is_err());
    }
}
