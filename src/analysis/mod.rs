//! The reachability engine: "can A reach B on this protocol and port — and if
//! not, exactly where and why is it stopped?".
//!
//! A trace follows one concrete packet hop by hop through the design, as AWS
//! forwards it (Reachability Analyzer User Guide, "How Reachability Analyzer works";
//! Amazon VPC User Guide, "Security groups", "Network ACLs" and "Route tables"):
//! source SG outbound → source subnet NACL outbound → route table (longest
//! prefix match) → gateway / peering / TGW / endpoint / appliance → destination
//! subnet NACL inbound → destination SG inbound. For a delivered request the
//! reply is traced back the same way: NACLs are stateless and checked again on
//! the client's ephemeral port, route tables are consulted again, SGs and NAT
//! / IGW translation are stateful.
//!
//! The engine stops at the first blocking component (as Batfish does; Reachability
//! Analyzer can list every blocker) and names it with a stable explanation [`Code`].
//!
//! Entry points: [`trace`], [`trace_with_failures`], and [`Analyzer`], a
//! precompiled form of a design snapshot that answers many queries fast
//! (matrix, scope queries, benchmarks).
//!
//! For many queries on one snapshot (the TUI after each edit, matrices,
//! benchmarks) build one [`Analyzer`] and reuse it: [`trace`] compiles a new
//! one per call.
//!
//! ## Modelling choices (where Reachability Analyzer and Batfish differ or say nothing)
//! * No route-table hop when a packet enters a VPC from an IGW, peering, VGW or
//!   TGW; the TGW attachment subnet's route table is consulted only when the
//!   destination is outside the VPC or its local route is overridden
//!   (inspection / egress VPCs).
//! * TGW attachment subnets' NACLs follow the TGW guide: instance → TGW checks the
//!   attachment subnet's NACL inbound; TGW → instance its NACL outbound unless
//!   the instance shares the subnet.
//! * Both directions are checked across a TGW (RA checks only the forward path;
//!   a note says so).
//! * Hairpin to a public IP of the same VPC is `UNSUPPORTED` (no verdict).
//! * A NAT gateway picks its port in 1024–65535 among those its subnet's NACL
//!   admits for the reply; when only part of the range is admitted the trace is
//!   reachable with a warning note. A load balancer node does the same toward a
//!   target (ELB 1024–65535): it takes a port the target subnet's NACL outbound and
//!   its own subnet's NACL inbound both admit, preferring 40000.
//! * A regional NAT gateway (VPC User Guide, "Regional NAT gateways for
//!   automatic multi-AZ expansion") translates a flow in the AZ of the subnet
//!   whose route table sent it, to its address in that AZ, and leaves by the
//!   route table AWS creates for it (local and 0.0.0.0/0 → the VPC's internet
//!   gateway, taken as unedited): it has no interface in the design's subnets,
//!   so no NACL of the design applies to it, and it keeps the client's port
//!   (1024 when that is below 1024–65535).
//!   Automatic mode only: it serves every AZ where its VPC has subnets, so RA's
//!   `REGIONAL_NGW_ROUTE_AZ_RESTRICTION` (manual mode) never arises.
//! * The client's source port defaults to 40000 (Linux 32768–61000, internet,
//!   NAT, ELB 1024–65535) or 50000 (Windows 49152–65535); a note warns when a
//!   NACL admits only part of the client's range on the reply.
//! * TGW AZ affinity (TGW guide, "How transit gateways work"; the appliance
//!   scenario): without appliance mode the TGW keeps a packet in the AZ it
//!   entered from when the destination attachment has a subnet there, else it
//!   uses another AZ. With appliance mode on the destination attachment a flow
//!   is pinned to one attachment subnet for both directions. AWS picks it by a
//!   flow hash, so vpcd runs the flow in the AZ it entered from and then in every
//!   other AZ of the attachment; the first failure is the verdict. Each Network Firewall
//!   endpoint keeps its own flow state: a reply reaching another endpoint of the
//!   firewall than its request is dropped (`FIREWALL_ASYMMETRIC`). Sources: TGW
//!   guide `how-transit-gateways-work.html` (Availability Zones, appliance mode),
//!   `transit-gateway-appliance-scenario.html`; Network Firewall guide
//!   `vpc-config-tgw-multi-az.html` ("a Network Firewall endpoint is a stateful
//!   network appliance … you must enable appliance mode"); the `ApplianceModeSupport`
//!   option ("the same Availability Zone for the VPC attachment for the lifetime of
//!   that flow", default false). A reply through a firewall its
//!   request never crossed is still passed (not judged).
//! * Gateway route tables (ingress routing on the internet gateway's edge
//!   association) and Gateway Load Balancers are modelled, with cross-zone
//!   load balancing as the load balancer sets it (off by default). Endpoint policies and
//!   Network Firewall domain rules are not modelled.
//!
//! ## Explanation codes
//!
//! | Code | Meaning | Closest AWS Reachability Analyzer code |
//! |---|---|---|
//! | `NO_ROUTE` | the route table has no route for the destination | `NO_ROUTE_TO_DESTINATION` |
//! | `BLACKHOLE_ROUTE` | the matching route's target is gone or not usable (blackhole) | `BAD_STATE_ROUTE` |
//! | `SG_NO_MATCHING_RULE` | no rule of the ENI's security groups allows the packet | `ENI_SG_RULES_MISMATCH` |
//! | `NACL_RULE_DENIES` | a numbered network ACL deny rule matches first | `SUBNET_ACL_RESTRICTION` |
//! | `NACL_IMPLICIT_DENY` | no numbered network ACL rule matches: the final * rule denies | `SUBNET_ACL_RESTRICTION` |
//! | `NO_PUBLIC_IP` | traffic through the internet gateway needs a public IPv4 or Elastic IP on the ENI | `IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS` |
//! | `NO_PUBLIC_IP_INGRESS` | the internet gateway only translates to an ENI's public IPv4 or Elastic IP: an ENI with only a private address cannot be reached from the internet | `IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS` |
//! | `IGW_NOT_ATTACHED` | the VPC has no attached internet gateway | `NO_PATH` |
//! | `IGW_PRIVATE_DESTINATION` | an internet gateway never forwards to private (RFC 1918/6598) addresses | `IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS` |
//! | `PEERING_NOT_ACTIVE` | the peering connection is not active | `BAD_STATE` |
//! | `NOT_TRANSITIVE` | peering is not transitive: a peering carries only packets for the peer VPC's own CIDRs | `PCX_REQUIRES_ADDRESS_IN_VPC_CIDR` |
//! | `EDGE_TO_EDGE` | no edge-to-edge routing: traffic that arrived over a peering, TGW, VPN or DX cannot leave through this VPC's IGW, NAT, VGW, endpoint or peering | `PCX_REQUIRES_ADDRESS_IN_VPC_CIDR` |
//! | `TGW_NO_ATTACHMENT_IN_AZ` | the TGW attachment has no subnet in the source subnet's AZ | `TGW_ROUTE_AZ_RESTRICTION` |
//! | `TGW_NO_ASSOCIATION` | the TGW attachment is associated with no TGW route table | `TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION` |
//! | `TGW_NO_ROUTE` | the TGW route table has no route for the destination | `TGW_RTB_CANNOT_ROUTE` |
//! | `TGW_BLACKHOLE` | a TGW blackhole route matches the destination | `TGW_RTB_BAD_STATE_ROUTE` |
//! | `ENDPOINT_NOT_ON_ROUTE_TABLE` | the VPC has a gateway endpoint for the service but the subnet's route table is not associated with it | `NO_ROUTE_TO_DESTINATION` |
//! | `ENDPOINT_NOT_USABLE_FROM_OUTSIDE` | gateway endpoints cannot be used from peered VPCs, TGW, VPN or Direct Connect | `VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION` |
//! | `ENDPOINT_PROTOCOL` | a gateway endpoint carries only TCP and ICMP | `VPCE_GATEWAY_PROTOCOL_RESTRICTION` |
//! | `NAT_CANNOT_BE_USED` | a NAT gateway serves only traffic from its own VPC (not peering, VPN, DX) and only TCP/UDP/ICMP | `NGW_REQUIRES_SOURCE_IN_VPC` |
//! | `NAT_FAILED` | the NAT gateway is in the failed state (its Elastic IP is already associated with another resource) and forwards nothing | `BAD_STATE` |
//! | `UNSOLICITED_INBOUND` | NAT gateways and egress-only IGWs drop connections initiated from outside | — |
//! | `SOURCE_DEST_CHECK` | the instance forwards traffic not addressed to it but its source/destination check is on | `ENI_SOURCE_DEST_CHECK_RESTRICTION` |
//! | `FIREWALL_DROP` | a Network Firewall stateful rule (or its default action) drops the packet | `FIREWALL_RULES_RESTRICTION` |
//! | `VPN_DOWN` | the VPN connection or Direct Connect link is down | `BAD_STATE_VPN` |
//! | `NO_ONPREM_ROUTE` | no VPN or Direct Connect path carries the destination prefix | `NO_ROUTE_TO_DESTINATION` |
//! | `SOFTWARE_VPN_NO_ROUTE` | a software VPN instance (transit VPC) has no tunnel whose routes hold the destination, and the destination is not in its own VPC | `NO_ROUTE_TO_DESTINATION` |
//! | `NO_HOST` | no network interface or subnet holds the destination address | `NO_POSSIBLE_DESTINATION` |
//! | `ASYMMETRIC_RETURN` | the reply leaves through a different stateful translator than the request came in, so the client never sees it | — |
//! | `FIREWALL_ASYMMETRIC` | the reply reaches another endpoint (AZ) of a stateful Network Firewall than the request crossed; it has no state for the flow and drops it (across a TGW: appliance mode is off on the inspection VPC attachment) | `TGW_ATTACH_VPC_AZ_RESTRICTION` |
//! | `LB_NO_LISTENER` | the load balancer has no listener for this protocol and port | `ELB_LISTENER_PORT_RESTRICTION` |
//! | `LB_NO_TARGET` | the load balancer has no target it can reach | `TARGET_ADDRESS_RESTRICTION` |
//! | `PRIVATELINK_AZ_NOT_SERVED` | the endpoint service's load balancer has no node in the endpoint's Availability Zone: an endpoint works only in AZs both sides share | `ELB_INSTALLED_AZ_RESTRICTION` |
//! | `PRIVATELINK_NOT_ACCEPTED` | the endpoint service requires acceptance and the provider has not accepted (or has rejected) this endpoint's connection | `BAD_STATE` |
//! | `PRIVATELINK_PRINCIPAL_NOT_ALLOWED` | the endpoint's account is not among the endpoint service's allowed principals | — |
//! | `PRIVATELINK_ONE_WAY` | PrivateLink carries connections from the consumer to the provider only; the provider cannot open connections to the consumer | `NO_PATH` |
//! | `GWLB_NO_APPLIANCE` | the Gateway Load Balancer has no healthy appliance it may send the flow to (in the endpoint's AZ when cross-zone load balancing is off) | `ELB_NOT_CROSSZONE` |
//! | `COMPONENT_FAILED` | the component is down in this what-if (failure injected) | `BAD_STATE` |
//! | `UNSUPPORTED` | the engine does not model this path; no verdict | `IGW_NAT_REFLECTION` |
//! | `LOOP` | the packet loops between route tables | — |

mod classes;
mod diff;
mod endpoint;
mod engine;
mod fast;
mod filters;
mod flowlog;
pub mod query;
mod scope;

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::model::{Design, DesignIndex, ObjectRef, Protocol, TraceQuery};

pub use classes::{for_each_row, verdicts, verdicts_with_progress, ClassCell};
pub use endpoint::{closest_names, Endpoint};
pub use engine::{Analyzer, Compiled};
pub use flowlog::FlowLogRecord;
pub use scope::{
    diff_analyzers, diff_cost, diff_designs, diff_designs_with_egress, diff_designs_with_progress, diff_under_failures,
    exposed_to_internet, for_each_class_row, listening_ports, matrix, matrix_by_class, matrix_with_progress,
    named_endpoints, what_can_reach, who_can_reach, ClassMatrix, FlowChange, FlowKey, Matrix, MatrixCell, ScopePath,
};

/// The default internet host (TEST-NET-2, RFC 5737) used for `internet`.
pub const DEFAULT_INTERNET_V4: &str = "198.51.100.7";
/// The default IPv6 internet host (documentation range, RFC 3849) used for `internet6`.
pub const DEFAULT_INTERNET_V6: &str = "2001:db8:ffff::7";

/// A query: from, to, protocol, destination port and optional client source port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
    pub port: Option<u16>,
    pub sport: Option<u16>,
}

impl From<&TraceQuery> for Query {
    fn from(q: &TraceQuery) -> Self {
        Query {
            from: q.from.clone(),
            to: q.to.clone(),
            proto: q.proto,
            port: q.port,
            sport: q.sport,
        }
    }
}

impl From<TraceQuery> for Query {
    fn from(q: TraceQuery) -> Self {
        Query::from(&q)
    }
}

impl From<&Query> for TraceQuery {
    fn from(q: &Query) -> Self {
        TraceQuery {
            from: q.from.clone(),
            to: q.to.clone(),
            proto: q.proto,
            port: q.port,
            sport: q.sport,
        }
    }
}

impl Query {
    pub fn new(from: impl Into<String>, to: impl Into<String>, proto: Protocol, port: Option<u16>) -> Self {
        Query {
            from: from.into(),
            to: to.into(),
            proto,
            port,
            sport: None,
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {} {}", self.from, self.to, self.proto)?;
        if let Some(p) = self.port {
            write!(f, "/{p}")?;
        }
        Ok(())
    }
}

/// A failure injected for a what-if question, without changing the design.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Failure {
    /// Every resource in an availability zone is down.
    AzDown(String),
    /// A named component is removed: NAT gateway, VPN connection, one VPN
    /// tunnel (`vpn-1:1`/`vpn-1:2`), Direct Connect connection, peering,
    /// internet gateway, VGW, transit gateway attachment, instance, firewall.
    Component(String),
}

impl Failure {
    /// Parses a `--fail` argument: `az:us-east-1a`, an AZ name, or a component name.
    pub fn parse(d: &Design, s: &str) -> Failure {
        let s = s.trim();
        if let Some(az) = s.strip_prefix("az:") {
            return Failure::AzDown(az.to_string());
        }
        if d.azs.iter().any(|a| a == s) {
            return Failure::AzDown(s.to_string());
        }
        Failure::Component(s.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::AzDown(az) => write!(f, "AZ {az} down"),
            Failure::Component(c) => write!(f, "{c} removed"),
        }
    }
}

/// Why a query could not be evaluated at all (bad input, not a verdict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown endpoint `{name}`{}", did_you_mean(.suggestions))]
    UnknownName { name: String, suggestions: Vec<String> },
    #[error("`{name}` is a {kind} and cannot be a {role}: {why}")]
    NotAnEndpoint {
        name: String,
        kind: String,
        role: &'static str,
        why: String,
    },
    #[error("invalid endpoint `{0}`: {1}")]
    Invalid(String, String),
    #[error("unknown component `{name}` for --fail{}", did_you_mean(.suggestions))]
    UnknownFailure { name: String, suggestions: Vec<String> },
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

/// An IP packet as it is seen at one point of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: Protocol,
    /// Source port (0 for protocols without ports).
    pub sport: u16,
    /// Destination port (0 for protocols without ports).
    pub dport: u16,
}

impl Packet {
    /// The reply to this packet: addresses and ports swapped.
    pub fn reply(&self) -> Packet {
        Packet {
            src: self.dst,
            dst: self.src,
            proto: self.proto,
            sport: self.dport,
            dport: self.sport,
        }
    }
    pub fn is_v6(&self) -> bool {
        self.dst.is_ipv6()
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.proto.has_ports() {
            let (s, d) = (self.src, self.dst);
            let fmt_ep = |ip: IpAddr, p: u16| match ip {
                IpAddr::V4(a) => format!("{a}:{p}"),
                IpAddr::V6(a) => format!("[{a}]:{p}"),
            };
            write!(
                f,
                "{} {} → {}",
                self.proto,
                fmt_ep(s, self.sport),
                fmt_ep(d, self.dport)
            )
        } else {
            write!(f, "{} {} → {}", self.proto, self.src, self.dst)
        }
    }
}

/// Which way the packet travels in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Leg {
    /// The request, from the client to the server.
    Forward,
    /// The reply, from the server back to the client.
    Return,
}

impl fmt::Display for Leg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Leg::Forward => "forward",
            Leg::Return => "return",
        })
    }
}

/// The kind of component a hop passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopKind {
    Instance,
    NetworkInterface,
    /// A hypothetical host in a subnet (a subnet or bare IP endpoint).
    SubnetHost,
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    InternetGateway,
    EgressOnlyGateway,
    NatGateway,
    /// An instance that forwards traffic (NAT instance or appliance).
    Appliance,
    Peering,
    TransitGateway,
    TgwRouteTable,
    TgwAttachment,
    VpnGateway,
    VpnConnection,
    DxConnection,
    GatewayEndpoint,
    InterfaceEndpoint,
    /// The PrivateLink hop from a consumer's endpoint to the provider's load balancer.
    PrivateLink,
    /// A Gateway Load Balancer endpoint.
    GwlbEndpoint,
    Firewall,
    LoadBalancer,
    Internet,
    OnPrem,
    Service,
}

impl HopKind {
    pub fn label(self) -> &'static str {
        match self {
            HopKind::Instance => "instance",
            HopKind::NetworkInterface => "eni",
            HopKind::SubnetHost => "host",
            HopKind::SecurityGroup => "sg",
            HopKind::NetworkAcl => "nacl",
            HopKind::RouteTable => "route table",
            HopKind::InternetGateway => "igw",
            HopKind::EgressOnlyGateway => "eigw",
            HopKind::NatGateway => "nat",
            HopKind::Appliance => "appliance",
            HopKind::Peering => "peering",
            HopKind::TransitGateway => "tgw",
            HopKind::TgwRouteTable => "tgw route table",
            HopKind::TgwAttachment => "tgw attachment",
            HopKind::VpnGateway => "vgw",
            HopKind::VpnConnection => "vpn",
            HopKind::DxConnection => "dx",
            HopKind::GatewayEndpoint => "gateway endpoint",
            HopKind::InterfaceEndpoint => "interface endpoint",
            HopKind::PrivateLink => "privatelink",
            HopKind::GwlbEndpoint => "gwlb endpoint",
            HopKind::Firewall => "firewall",
            HopKind::LoadBalancer => "load balancer",
            HopKind::Internet => "internet",
            HopKind::OnPrem => "on-prem",
            HopKind::Service => "service",
        }
    }
}

impl fmt::Display for HopKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One step of a path: a component, the rule or route that decided, and the
/// packet before and after the component (they differ where it translates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub kind: HopKind,
    /// The component's name (`sg-web`, `rt-public`, `nat-a`, `internet`).
    pub id: String,
    /// The deciding rule or route, e.g. `rtb-private: 0.0.0.0/0 → nat-a`.
    pub detail: String,
    /// The design object this hop belongs to (for highlighting), if any.
    pub object: Option<ObjectRef>,
    /// `inbound` / `outbound` for SG and NACL hops.
    #[serde(serialize_with = "ser_direction")]
    pub direction: Option<crate::model::Direction>,
    /// Whether the packet passed this component (false only on the blocking hop).
    pub passed: bool,
    pub packet_in: Packet,
    pub packet_out: Packet,
}

fn ser_direction<S: serde::Serializer>(d: &Option<crate::model::Direction>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// Stable explanation codes, in the spirit of AWS Reachability Analyzer's.
/// The table with each code's meaning is [`Code::meaning`] (and `vpcd trace --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    NoRoute,
    BlackholeRoute,
    SgNoMatchingRule,
    NaclRuleDenies,
    NaclImplicitDeny,
    NoPublicIp,
    NoPublicIpIngress,
    IgwNotAttached,
    IgwPrivateDestination,
    PeeringNotActive,
    NotTransitive,
    EdgeToEdge,
    TgwNoAttachmentInAz,
    TgwNoAssociation,
    TgwNoRoute,
    TgwBlackhole,
    EndpointNotOnRouteTable,
    EndpointNotUsableFromOutside,
    EndpointProtocol,
    NatCannotBeUsed,
    NatFailed,
    UnsolicitedInbound,
    SourceDestCheck,
    FirewallDrop,
    VpnDown,
    #[serde(rename = "NO_ONPREM_ROUTE")]
    NoOnPremRoute,
    SoftwareVpnNoRoute,
    NoHost,
    AsymmetricReturn,
    FirewallAsymmetric,
    LbNoListener,
    LbNoTarget,
    #[serde(rename = "PRIVATELINK_AZ_NOT_SERVED")]
    PrivateLinkAzNotServed,
    #[serde(rename = "PRIVATELINK_NOT_ACCEPTED")]
    PrivateLinkNotAccepted,
    #[serde(rename = "PRIVATELINK_PRINCIPAL_NOT_ALLOWED")]
    PrivateLinkPrincipalNotAllowed,
    #[serde(rename = "PRIVATELINK_ONE_WAY")]
    PrivateLinkOneWay,
    GwlbNoAppliance,
    ComponentFailed,
    Unsupported,
    Loop,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::NoRoute,
        Code::BlackholeRoute,
        Code::SgNoMatchingRule,
        Code::NaclRuleDenies,
        Code::NaclImplicitDeny,
        Code::NoPublicIp,
        Code::NoPublicIpIngress,
        Code::IgwNotAttached,
        Code::IgwPrivateDestination,
        Code::PeeringNotActive,
        Code::NotTransitive,
        Code::EdgeToEdge,
        Code::TgwNoAttachmentInAz,
        Code::TgwNoAssociation,
        Code::TgwNoRoute,
        Code::TgwBlackhole,
        Code::EndpointNotOnRouteTable,
        Code::EndpointNotUsableFromOutside,
        Code::EndpointProtocol,
        Code::NatCannotBeUsed,
        Code::NatFailed,
        Code::UnsolicitedInbound,
        Code::SourceDestCheck,
        Code::FirewallDrop,
        Code::VpnDown,
        Code::NoOnPremRoute,
        Code::SoftwareVpnNoRoute,
        Code::NoHost,
        Code::AsymmetricReturn,
        Code::FirewallAsymmetric,
        Code::LbNoListener,
        Code::LbNoTarget,
        Code::PrivateLinkAzNotServed,
        Code::PrivateLinkNotAccepted,
        Code::PrivateLinkPrincipalNotAllowed,
        Code::PrivateLinkOneWay,
        Code::GwlbNoAppliance,
        Code::ComponentFailed,
        Code::Unsupported,
        Code::Loop,
    ];

    /// The code as printed and serialized (`NO_ROUTE`).
    pub fn as_str(self) -> &'static str {
        self.info().0
    }

    /// What the code means, and the closest AWS Reachability Analyzer code.
    pub fn meaning(self) -> &'static str {
        self.info().1
    }

    /// The AWS Reachability Analyzer explanation code this corresponds to
    /// (`-` where RA has none, e.g. IPv6-only cases).
    pub fn aws_code(self) -> &'static str {
        self.info().2
    }

    fn info(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Code::NoRoute => ("NO_ROUTE", "the route table has no route for the destination", "NO_ROUTE_TO_DESTINATION"),
            Code::BlackholeRoute => ("BLACKHOLE_ROUTE", "the matching route's target is gone or not usable (blackhole)", "BAD_STATE_ROUTE"),
            Code::SgNoMatchingRule => ("SG_NO_MATCHING_RULE", "no rule of the ENI's security groups allows the packet", "ENI_SG_RULES_MISMATCH"),
            Code::NaclRuleDenies => ("NACL_RULE_DENIES", "a numbered network ACL deny rule matches first", "SUBNET_ACL_RESTRICTION"),
            Code::NaclImplicitDeny => ("NACL_IMPLICIT_DENY", "no numbered network ACL rule matches: the final * rule denies", "SUBNET_ACL_RESTRICTION"),
            Code::NoPublicIp => ("NO_PUBLIC_IP", "traffic through the internet gateway needs a public IPv4 or Elastic IP on the ENI", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"),
            Code::NoPublicIpIngress => ("NO_PUBLIC_IP_INGRESS", "the internet gateway only translates to an ENI's public IPv4 or Elastic IP: an ENI with only a private address cannot be reached from the internet", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"),
            Code::IgwNotAttached => ("IGW_NOT_ATTACHED", "the VPC has no attached internet gateway", "NO_PATH"),
            Code::IgwPrivateDestination => ("IGW_PRIVATE_DESTINATION", "an internet gateway never forwards to private (RFC 1918/6598) addresses", "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"),
            Code::PeeringNotActive => ("PEERING_NOT_ACTIVE", "the peering connection is not active", "BAD_STATE"),
            Code::NotTransitive => ("NOT_TRANSITIVE", "peering is not transitive: a peering carries only packets for the peer VPC's own CIDRs", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"),
            Code::EdgeToEdge => ("EDGE_TO_EDGE", "no edge-to-edge routing: traffic that arrived over a peering, TGW, VPN or DX cannot leave through this VPC's IGW, NAT, VGW, endpoint or peering", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"),
            Code::TgwNoAttachmentInAz => ("TGW_NO_ATTACHMENT_IN_AZ", "the TGW attachment has no subnet in the source subnet's AZ", "TGW_ROUTE_AZ_RESTRICTION"),
            Code::TgwNoAssociation => ("TGW_NO_ASSOCIATION", "the TGW attachment is associated with no TGW route table", "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"),
            Code::TgwNoRoute => ("TGW_NO_ROUTE", "the TGW route table has no route for the destination", "TGW_RTB_CANNOT_ROUTE"),
            Code::TgwBlackhole => ("TGW_BLACKHOLE", "a TGW blackhole route matches the destination", "TGW_RTB_BAD_STATE_ROUTE"),
            Code::EndpointNotOnRouteTable => ("ENDPOINT_NOT_ON_ROUTE_TABLE", "the VPC has a gateway endpoint for the service but the subnet's route table is not associated with it", "NO_ROUTE_TO_DESTINATION"),
            Code::EndpointNotUsableFromOutside => ("ENDPOINT_NOT_USABLE_FROM_OUTSIDE", "gateway endpoints cannot be used from peered VPCs, TGW, VPN or Direct Connect", "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"),
            Code::EndpointProtocol => ("ENDPOINT_PROTOCOL", "a gateway endpoint carries only TCP and ICMP", "VPCE_GATEWAY_PROTOCOL_RESTRICTION"),
            Code::NatCannotBeUsed => ("NAT_CANNOT_BE_USED", "a NAT gateway serves only traffic from its own VPC (not peering, VPN, DX) and only TCP/UDP/ICMP", "NGW_REQUIRES_SOURCE_IN_VPC"),
            Code::NatFailed => ("NAT_FAILED", "the NAT gateway is in the failed state (its Elastic IP is already associated with another resource) and forwards nothing", "BAD_STATE"),
            Code::UnsolicitedInbound => ("UNSOLICITED_INBOUND", "NAT gateways and egress-only IGWs drop connections initiated from outside", "-"),
            Code::SourceDestCheck => ("SOURCE_DEST_CHECK", "the instance forwards traffic not addressed to it but its source/destination check is on", "ENI_SOURCE_DEST_CHECK_RESTRICTION"),
            Code::FirewallDrop => ("FIREWALL_DROP", "a Network Firewall stateful rule (or its default action) drops the packet", "FIREWALL_RULES_RESTRICTION"),
            Code::VpnDown => ("VPN_DOWN", "the VPN connection or Direct Connect link is down", "BAD_STATE_VPN"),
            Code::NoOnPremRoute => ("NO_ONPREM_ROUTE", "no VPN or Direct Connect path carries the destination prefix", "NO_ROUTE_TO_DESTINATION"),
            Code::SoftwareVpnNoRoute => ("SOFTWARE_VPN_NO_ROUTE", "a software VPN instance (transit VPC) has no tunnel whose routes hold the destination, and the destination is not in its own VPC", "NO_ROUTE_TO_DESTINATION"),
            Code::NoHost => ("NO_HOST", "no network interface or subnet holds the destination address", "NO_POSSIBLE_DESTINATION"),
            Code::AsymmetricReturn => ("ASYMMETRIC_RETURN", "the reply leaves through a different stateful translator than the request came in, so the client never sees it", "-"),
            Code::FirewallAsymmetric => ("FIREWALL_ASYMMETRIC", "the reply reaches another endpoint (AZ) of a stateful Network Firewall than the request crossed; it has no state for the flow and drops it (across a TGW: appliance mode is off on the inspection VPC attachment)", "TGW_ATTACH_VPC_AZ_RESTRICTION"),
            Code::LbNoListener => ("LB_NO_LISTENER", "the load balancer has no listener for this protocol and port", "ELB_LISTENER_PORT_RESTRICTION"),
            Code::LbNoTarget => ("LB_NO_TARGET", "the load balancer has no target it can reach", "TARGET_ADDRESS_RESTRICTION"),
            Code::PrivateLinkAzNotServed => ("PRIVATELINK_AZ_NOT_SERVED", "the endpoint service's load balancer has no node in the endpoint's Availability Zone: an endpoint works only in AZs both sides share", "ELB_INSTALLED_AZ_RESTRICTION"),
            Code::PrivateLinkNotAccepted => ("PRIVATELINK_NOT_ACCEPTED", "the endpoint service requires acceptance and the provider has not accepted (or has rejected) this endpoint's connection", "BAD_STATE"),
            Code::PrivateLinkPrincipalNotAllowed => ("PRIVATELINK_PRINCIPAL_NOT_ALLOWED", "the endpoint's account is not among the endpoint service's allowed principals", "-"),
            Code::PrivateLinkOneWay => ("PRIVATELINK_ONE_WAY", "PrivateLink carries connections from the consumer to the provider only; the provider cannot open connections to the consumer", "NO_PATH"),
            Code::GwlbNoAppliance => ("GWLB_NO_APPLIANCE", "the Gateway Load Balancer has no healthy appliance it may send the flow to (in the endpoint's AZ when cross-zone load balancing is off)", "ELB_NOT_CROSSZONE"),
            Code::ComponentFailed => ("COMPONENT_FAILED", "the component is down in this what-if (failure injected)", "BAD_STATE"),
            Code::Unsupported => ("UNSUPPORTED", "the engine does not model this path; no verdict", "IGW_NAT_REFLECTION"),
            Code::Loop => ("LOOP", "the packet loops between route tables", "-"),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and why a path is stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocked {
    /// The blocking component's name.
    pub component: String,
    pub kind: HopKind,
    pub object: Option<ObjectRef>,
    /// `inbound` / `outbound` where the component filters by direction.
    #[serde(serialize_with = "ser_direction")]
    pub direction: Option<crate::model::Direction>,
    pub leg: Leg,
    pub code: Code,
    pub message: String,
    /// A one-line fix.
    pub hint: String,
}

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
    pub port: Option<u16>,
    pub sport: u16,
    pub reachable: bool,
    pub forward: Vec<Hop>,
    #[serde(rename = "return")]
    pub return_path: Vec<Hop>,
    pub blocked: Option<Blocked>,
    pub flow_logs: Vec<FlowLogRecord>,
    /// Warnings and explanations (AZ crossed, partial ephemeral range, …).
    pub notes: Vec<String>,
}

impl Trace {
    /// Every design object on the path (forward then return), for highlighting.
    pub fn objects(&self) -> Vec<ObjectRef> {
        let mut out: Vec<ObjectRef> = Vec::new();
        for h in self.forward.iter().chain(&self.return_path) {
            if let Some(o) = &h.object {
                if !out.contains(o) {
                    out.push(o.clone());
                }
            }
        }
        out
    }

    /// One line: `reachable` or `blocked at nacl-db inbound (NACL_IMPLICIT_DENY)`.
    pub fn summary(&self) -> String {
        match &self.blocked {
            None if self.reachable => "reachable".to_string(),
            None => "not reachable".to_string(),
            Some(b) => {
                let dir = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
                let leg = if b.leg == Leg::Return { "reply " } else { "" };
                format!(
                    "not reachable: {leg}blocked at {}{dir} ({}): {}",
                    b.component, b.code, b.message
                )
            }
        }
    }

    /// A multi-line, human-readable rendering (used by `vpcd trace`).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let port = self.port.map(|p| format!("/{p}")).unwrap_or_default();
        s.push_str(&format!("{} → {} {}{}\n", self.from, self.to, self.proto, port));
        let mut section = |title: &str, hops: &[Hop]| {
            if hops.is_empty() {
                return;
            }
            s.push_str(title);
            s.push('\n');
            for (i, h) in hops.iter().enumerate() {
                let mark = if h.passed { " " } else { "✗" };
                s.push_str(&format!(
                    "{mark}{:>3}. {:<16} {:<18} {}\n",
                    i + 1,
                    h.kind.label(),
                    h.id,
                    h.detail
                ));
                if h.packet_in != h.packet_out {
                    s.push_str(&format!("        {} ⇒ {}\n", h.packet_in, h.packet_out));
                }
            }
        };
        section("forward:", &self.forward);
        section("return:", &self.return_path);
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        s.push_str(&self.summary());
        s.push('\n');
        if let Some(b) = &self.blocked {
            if !b.hint.is_empty() {
                s.push_str(&format!("hint: {}\n", b.hint));
            }
        }
        if !self.flow_logs.is_empty() {
            s.push_str("flow logs (version 2):\n");
            for r in &self.flow_logs {
                s.push_str(&format!("  {}\n", r.line()));
            }
        }
        s
    }
}

/// Traces a query on a design snapshot.
pub fn trace(d: &Design, idx: &DesignIndex, q: &TraceQuery) -> Result<Trace, QueryError> {
    Analyzer::new(d, idx).trace(&Query::from(q))
}

/// A copy of a design with failures applied, for running many what-if queries
/// (build an [`Analyzer`] on `.design` and call [`Analyzer::with_failures`]).
pub use engine::FailedDesign;

/// Applies what-if failures to a copy of the design (AZ down, components removed).
pub fn design_with_failures(d: &Design, failures: &[Failure]) -> Result<FailedDesign, QueryError> {
    let idx = DesignIndex::new(d);
    engine::apply_failures(d, &idx, failures)
}

/// Traces a query with failures injected (what-if), without changing the design.
pub fn trace_with_failures(
    d: &Design,
    idx: &DesignIndex,
    q: &TraceQuery,
    failures: &[Failure],
) -> Result<Trace, QueryError> {
    if failures.is_empty() {
        return trace(d, idx, q);
    }
    let failed = engine::apply_failures(d, idx, failures)?;
    let idx2 = DesignIndex::new(&failed.design);
    let an = Analyzer::new(&failed.design, &idx2).with_failures(&failed);
    let mut t = an.trace(&Query::from(q))?;
    for f in failures.iter().rev() {
        t.notes.insert(0, format!("what-if: {f}"));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code table in the module documentation lists every code.
    #[test]
    fn every_code_is_documented_in_the_module_table() {
        let doc = include_str!("mod.rs");
        for c in Code::ALL {
            assert!(
                doc.contains(&format!("| `{}` |", c.as_str())),
                "{c} missing from the table"
            );
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()), "serde name of {c:?}");
        }
    }
}
