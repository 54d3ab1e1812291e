//! The packet walker: a precompiled design snapshot ([`Analyzer`]) and the
//! hop-by-hop evaluation of one packet, forward and back.
//!
//! One [`Analyzer`] answers every query; each query runs a `Walk` whose
//! methods are spread over the files below by what a reader looks for:
//! - `compile`: the tables built once per design (route tables, address maps);
//! - `resolve`: which ENI, network or service a query's endpoints stand for;
//! - `walk`: the walker's state and a query's round trip;
//! - `record`: the hops passed and the stop (builders for both);
//! - `routing`: route tables, delivery in a VPC, forwarding instances;
//! - `filtering`: security groups, network ACLs, Network Firewall;
//! - `gateways`: NAT, internet and egress-only gateways, gateway endpoints;
//! - `transit`: VPC peering and transit gateways;
//! - `hybrid`: VGW, Site-to-Site VPN, Direct Connect, on-premises networks;
//! - `load_balancers`: the load balancer node and its target legs;
//! - `privatelink`: consumer endpoints to the design's endpoint services;
//! - `gwlb`: Gateway Load Balancer endpoints, the GWLB and its appliances;
//! - `failures`: what-if failures applied to a copy of the design.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::endpoint::{is_public, service_address, Endpoint};
use super::fast::{fx_map, FxMap, Lpm};
use super::filters::{CNacl, CPeer, CSg, NaclVerdict};
use super::flowlog::{self, FlowEvent};
use super::{Blocked, Code, Failure, Hop, HopKind, Leg, Packet, Query, QueryError, Trace};
use crate::model::index::{DesignIndex, EniOwner};
use crate::model::{
    Design, Direction, FirewallAction, InstanceRole, LoadBalancerScheme, Object, ObjectKind, ObjectRef, OsFamily,
    PeeringStatus, PortRange, Protocol, RouteDestination, RouteOrigin, RouteState, RouteTarget, TgwAttachment,
    TgwAttachmentKind, TgwRouteTarget, VifKind, VpnRouting, VpnTermination,
};

mod compile;
mod failures;
mod filtering;
mod gateways;
mod gwlb;
mod hybrid;
mod incremental;
mod load_balancers;
mod privatelink;
mod record;
mod resolve;
mod routing;
mod software_vpn;
#[cfg(test)]
mod tests;
mod transit;
mod walk;

pub use compile::Compiled;
use compile::*;
pub(crate) use failures::apply_failures;
pub use failures::FailedDesign;
use hybrid::*;
use record::*;
use resolve::*;
use transit::*;
use walk::*;

/// Guard against routing loops (AWS Route Analyzer stops at 64 hops too).
const MAX_STEPS: u32 = 64;

/// A design snapshot ready for queries: the design, its index and its
/// compiled tables (built here, or borrowed from a workspace's cache with
/// [`Analyzer::with_compiled`]). Every query reuses them.
pub struct Analyzer<'a> {
    d: &'a Design,
    idx: &'a DesignIndex,
    tables: Cow<'a, Compiled>,
    down_azs: HashSet<String>,
    down_instances: HashSet<String>,
}

impl std::ops::Deref for Analyzer<'_> {
    type Target = Compiled;
    fn deref(&self) -> &Compiled {
        &self.tables
    }
}

impl<'a> Analyzer<'a> {
    /// An analyzer over tables compiled earlier for exactly this design and
    /// index (e.g. kept by the workspace per revision).
    pub fn with_compiled(d: &'a Design, idx: &'a DesignIndex, tables: &'a Compiled) -> Analyzer<'a> {
        Analyzer {
            d,
            idx,
            tables: Cow::Borrowed(tables),
            down_azs: HashSet::new(),
            down_instances: HashSet::new(),
        }
    }

    pub fn design(&self) -> &'a Design {
        self.d
    }

    pub fn index(&self) -> &'a DesignIndex {
        self.idx
    }

    /// Parses an endpoint string against this snapshot.
    pub fn endpoint(&self, s: &str) -> Result<Endpoint, QueryError> {
        Endpoint::parse(self.d, self.idx, s)
    }

    /// Full trace with hops, return path, flow-log records and notes.
    pub fn trace(&self, q: &Query) -> Result<Trace, QueryError> {
        let from = self.endpoint(&q.from)?;
        let to = self.endpoint(&q.to)?;
        self.trace_endpoints(q, &from, &to)
    }

    /// Full trace between already parsed endpoints (`q.from`/`q.to` are only echoed).
    pub fn trace_endpoints(&self, q: &Query, from: &Endpoint, to: &Endpoint) -> Result<Trace, QueryError> {
        let mut w = Walk::new(self, Detail::Trace);
        let out = w.run(from, to, q)?;
        let mut flow_logs = Vec::new();
        if !w.events.is_empty() {
            flow_logs = flowlog::records(self.d, self.idx, &w.events);
        }
        Ok(Trace {
            from: q.from.clone(),
            to: q.to.clone(),
            proto: q.proto,
            port: q.port,
            sport: out.sport,
            reachable: out.blocked.is_none(),
            forward: std::mem::take(&mut w.fwd_hops),
            return_path: std::mem::take(&mut w.hops),
            blocked: out.blocked,
            flow_logs,
            notes: std::mem::take(&mut w.notes),
        })
    }

    /// Verdict only (no hops, notes, flow logs or texts): the fast path for
    /// matrices and scope queries.
    pub fn reachable(&self, from: &Endpoint, to: &Endpoint, proto: Protocol, port: Option<u16>) -> bool {
        self.verdict_code(from, to, proto, port).is_none()
    }

    /// The verdict's code only: `None` when reachable, else the code of the
    /// stop, exactly as [`Analyzer::verdict`] and a full trace decide it (the
    /// same walk, told to write nothing down: no hop record and no string is
    /// built). What the diff and the matrix pay per pair. A query the engine
    /// cannot evaluate is `Some(Code::Unsupported)`, as in [`Analyzer::verdict`].
    pub fn verdict_code(&self, from: &Endpoint, to: &Endpoint, proto: Protocol, port: Option<u16>) -> Option<Code> {
        let q = Query {
            from: String::new(),
            to: String::new(),
            proto,
            port,
            sport: None,
        };
        let mut w = Walk::new(self, Detail::Code);
        match w.run(from, to, &q) {
            Ok(o) => o.blocked.map(|b| b.code),
            Err(_) => Some(Code::Unsupported),
        }
    }

    /// Verdict and blocking reason without hops.
    pub fn verdict(&self, from: &Endpoint, to: &Endpoint, proto: Protocol, port: Option<u16>) -> Option<Blocked> {
        let q = Query {
            from: String::new(),
            to: String::new(),
            proto,
            port,
            sport: None,
        };
        let mut w = Walk::new(self, Detail::Stop);
        match w.run(from, to, &q) {
            Ok(o) => o.blocked,
            Err(e) => Some(Blocked {
                component: String::new(),
                kind: HopKind::Internet,
                object: None,
                direction: None,
                leg: Leg::Forward,
                code: Code::Unsupported,
                message: e.to_string(),
                hint: String::new(),
            }),
        }
    }
}
