//! VPC flow-log records (version 2, the default format) that the ENIs on a
//! path would write.
//!
//! Which ENIs write records: only ENIs covered by a flow log of the design
//! (scope `Vpc`, `Subnet` or `Instance`), filtered by the flow log's traffic
//! type (`Accept`, `Reject`, `All`). Each ENI writes one record per packet it
//! sends or receives on the path: ACCEPT when its security group and subnet
//! NACL let the packet through, REJECT when one of them drops it (VPC User
//! Guide, flow log records). A request that is accepted but whose reply is
//! dropped shows as ACCEPT inbound plus REJECT outbound at the server's ENI —
//! the classic stateless-NACL signature.

use serde::Serialize;

use super::Packet;
use crate::model::index::{DesignIndex, EniOwner};
use crate::model::{Design, FlowLogScope, FlowLogTraffic};

/// The account id printed in records (the design has no account).
pub const ACCOUNT_ID: &str = "123456789012";

#[derive(Debug, Clone)]
pub(crate) struct FlowEvent {
    pub eni: usize,
    pub pkt: Packet,
    pub accept: bool,
}

/// One flow-log record, version 2 default format:
/// `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowLogRecord {
    /// The flow log that captures it.
    pub flow_log: String,
    pub version: u8,
    pub account_id: String,
    pub interface_id: String,
    pub srcaddr: String,
    pub dstaddr: String,
    pub srcport: u16,
    pub dstport: u16,
    pub protocol: u8,
    pub packets: u32,
    pub bytes: u32,
    pub start: u64,
    pub end: u64,
    /// `ACCEPT` or `REJECT`.
    pub action: String,
    pub log_status: String,
}

impl FlowLogRecord {
    /// The record as one space-separated line.
    pub fn line(&self) -> String {
        format!(
            "{} {} {} {} {} {} {} {} {} {} {} {} {} {}",
            self.version,
            self.account_id,
            self.interface_id,
            self.srcaddr,
            self.dstaddr,
            self.srcport,
            self.dstport,
            self.protocol,
            self.packets,
            self.bytes,
            self.start,
            self.end,
            self.action,
            self.log_status
        )
    }
}

/// The interface id shown for an ENI: `eni-` and its owner's name.
pub fn interface_id(owner: &EniOwner) -> String {
    match owner {
        EniOwner::Instance(n) | EniOwner::NatGateway(n) => format!("eni-{n}"),
        EniOwner::SecondaryInterface(_, n) => format!("eni-{n}"),
        EniOwner::LoadBalancer(n, s) | EniOwner::Endpoint(n, s) | EniOwner::Firewall(n, s) => format!("eni-{n}-{s}"),
        EniOwner::TgwAttachment(_, a, s) => format!("eni-{a}-{s}"),
    }
}

fn covering_log<'d>(d: &'d Design, idx: &DesignIndex, owner: &EniOwner, subnet: &str, accept: bool) -> Option<&'d str> {
    let vpc = idx.subnet(d, subnet).map(|s| s.vpc.as_str());
    let instance = match owner {
        EniOwner::Instance(n) | EniOwner::SecondaryInterface(n, _) => Some(n.as_str()),
        _ => None,
    };
    d.flow_logs
        .iter()
        .find(|f| {
            let scope = match &f.scope {
                FlowLogScope::Vpc(v) => Some(v.as_str()) == vpc,
                FlowLogScope::Subnet(s) => s == subnet,
                FlowLogScope::Instance(i) => Some(i.as_str()) == instance,
            };
            let traffic = match f.traffic {
                FlowLogTraffic::All => true,
                FlowLogTraffic::Accept => accept,
                FlowLogTraffic::Reject => !accept,
            };
            scope && traffic
        })
        .map(|f| f.name.as_str())
}

pub(crate) fn records(d: &Design, idx: &DesignIndex, events: &[FlowEvent]) -> Vec<FlowLogRecord> {
    if d.flow_logs.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<FlowLogRecord> = Vec::new();
    let start = 1_700_000_000u64;
    for (i, ev) in events.iter().enumerate() {
        let Some(eni) = idx.enis.get(ev.eni) else { continue };
        let Some(log) = covering_log(d, idx, &eni.owner, &eni.subnet, ev.accept) else {
            continue;
        };
        let rec = FlowLogRecord {
            flow_log: log.to_string(),
            version: 2,
            account_id: ACCOUNT_ID.to_string(),
            interface_id: interface_id(&eni.owner),
            srcaddr: ev.pkt.src.to_string(),
            dstaddr: ev.pkt.dst.to_string(),
            srcport: ev.pkt.sport,
            dstport: ev.pkt.dport,
            protocol: ev.pkt.proto.number().unwrap_or(0),
            packets: 1,
            bytes: 60,
            start: start + i as u64,
            end: start + 60 + i as u64,
            action: if ev.accept { "ACCEPT" } else { "REJECT" }.to_string(),
            log_status: "OK".to_string(),
        };
        // One record per ENI and direction of the flow.
        if !out.iter().any(|r| {
            r.interface_id == rec.interface_id
                && r.srcaddr == rec.srcaddr
                && r.dstaddr == rec.dstaddr
                && r.srcport == rec.srcport
                && r.dstport == rec.dstport
                && r.action == rec.action
        }) {
            out.push(rec);
        }
    }
    out
}
