//! PrivateLink: a consumer's interface endpoint to one of the design's
//! endpoint services, carried to the provider's Network Load Balancer and on
//! to its targets (PrivateLink guide, "Share your services through AWS
//! PrivateLink"). The consumer's and provider's VPCs may overlap: nothing is
//! routed between them, the endpoint ENI hands the connection over.

use super::load_balancers::front_near_client;
use super::*;
use crate::model::{EndpointConnectionState, EndpointKind, EndpointService, LoadBalancerKind};

impl<'w, 'a> Walk<'w, 'a> {
    /// The design's endpoint service behind interface endpoint `ep`, if it has one
    /// (an endpoint to an AWS service such as `sqs` has none).
    pub(super) fn privatelink_service(&self, ep: &str) -> Option<&'a EndpointService> {
        let an = self.an;
        let e = an.idx.endpoint(an.d, ep)?;
        if !matches!(e.kind, EndpointKind::Interface { .. }) {
            return None;
        }
        an.d.endpoint_services.iter().find(|s| s.name == e.service)
    }

    /// Why `svc` refuses consumer endpoint `ep` before any packet moves: the
    /// endpoint's account is not an allowed principal, or its connection is not
    /// accepted. `kind` is the hop kind the stop is shown at.
    pub(super) fn service_refusal(
        &self,
        svc: &EndpointService,
        ep: &str,
        kind: HopKind,
    ) -> Option<(Code, String, String, HopKind)> {
        let account = svc.consumer_account(ep);
        if !svc.principal_allowed(account) {
            let who = account.unwrap_or("the design's account");
            return Some((
                Code::PrivateLinkPrincipalNotAllowed,
                format!(
                    "{ep} belongs to account {who}, which is not an allowed principal of endpoint service {}",
                    svc.name
                ),
                format!("add arn:aws:iam::{who}:root to the allowed principals of {}", svc.name),
                kind,
            ));
        }
        match svc.connection_state(ep) {
            EndpointConnectionState::Available => None,
            state => Some((
                Code::PrivateLinkNotAccepted,
                format!(
                    "the connection of {ep} to endpoint service {} is {} (the service requires acceptance)",
                    svc.name,
                    state.aws()
                ),
                format!(
                    "accept the endpoint connection of {ep} on {}, or turn off acceptance required",
                    svc.name
                ),
                kind,
            )),
        }
    }

    /// A stop at an endpoint service.
    pub(super) fn service_stop(&mut self, pkt: Packet, svc: &str, why: (Code, String, String, HopKind)) -> Box<Stop> {
        let (code, message, hint, kind) = why;
        self.stop(
            pkt,
            self.stop_at(code, kind, svc)
                .on(ObjectKind::EndpointService, svc)
                .message(|| message)
                .hint(|| hint),
        )
    }

    /// The node of load balancer `lb` in Availability Zone `az`, if it has one that is up.
    pub(super) fn lb_node_in_az(&self, lb: &crate::model::LoadBalancer, az: &str) -> Option<usize> {
        let an = self.an;
        lb.subnets.iter().find_map(|s| {
            let si = *an.subnet_by_name.get(s)?;
            if an.subnets[si].az != az {
                return None;
            }
            an.eni_index(&EniOwner::LoadBalancer(lb.name.clone(), s.clone()))
                .filter(|&e| !an.eni_down(e))
        })
    }

    /// Consumer → interface endpoint `ep` → PrivateLink → the service's NLB → a target.
    pub(super) fn run_privatelink(
        &mut self,
        src: &Source,
        ep: &str,
        svc: &'a EndpointService,
        q: &Query,
        (sport, dport): (u16, u16),
    ) -> Result<RunOut, QueryError> {
        let an = self.an;
        let Some(model_ep) = an.idx.endpoint(an.d, ep) else {
            return Err(QueryError::Invalid(ep.into(), "endpoint not found".into()));
        };
        let EndpointKind::Interface { subnets, .. } = &model_ep.kind else {
            return Err(QueryError::Invalid(ep.into(), "not an interface endpoint".into()));
        };
        // The endpoint's ENI in the client's AZ (its zonal DNS name answers there), else the first.
        let enis: Vec<usize> = subnets
            .iter()
            .filter_map(|s| an.eni_index(&EniOwner::Endpoint(ep.into(), s.clone())))
            .collect();
        let Some(eni) = front_near_client(an, src, &enis) else {
            return Err(QueryError::Invalid(
                ep.into(),
                "the endpoint has no network interface".into(),
            ));
        };
        let pkt = Packet {
            src: src.addr,
            dst: IpAddr::V4(an.idx.enis[eni].private_ip),
            proto: q.proto,
            sport,
            dport,
        };
        // Leg 1: client → the endpoint's ENI, through the endpoint's security groups.
        let arrival = match self.leg_to_front(src, pkt, eni, sport, |w| {
            w.stop_at(Code::NoHost, HopKind::InterfaceEndpoint, &an.eni_name(eni))
                .on(ObjectKind::Endpoint, ep)
                .message(|| format!("the packet for {ep} was delivered elsewhere"))
                .hint(|| "check for overlapping addresses in the consumer VPC".into())
        }) {
            Ok(a) => a,
            Err(out) => return Ok(out),
        };
        if let Some(why) = self.service_refusal(svc, ep, HopKind::PrivateLink) {
            let s = self.service_stop(arrival.pkt, &svc.name, why);
            return Ok(self.finish(Some(s), sport));
        }
        let lb_name = svc.load_balancer.as_str();
        let lb = match an.idx.load_balancer(an.d, lb_name) {
            Some(l) if l.kind == LoadBalancerKind::Network => l,
            _ => {
                let why = (
                    Code::LbNoTarget,
                    format!("endpoint service {} has no Network Load Balancer {lb_name}", svc.name),
                    format!("put a Network Load Balancer behind {}", svc.name),
                    HopKind::PrivateLink,
                );
                let s = self.service_stop(arrival.pkt, &svc.name, why);
                return Ok(self.finish(Some(s), sport));
            }
        };
        // The endpoint reaches the load balancer's node in its own AZ only
        // (PrivateLink guide, "Availability Zones": the endpoint works in the AZs both sides share).
        let ep_az = an.eni_subnet[eni].map(|s| an.subnets[s].az.clone()).unwrap_or_default();
        let Some(node) = self.lb_node_in_az(lb, &ep_az) else {
            let why = (
                Code::PrivateLinkAzNotServed,
                format!(
                    "{} is not offered in {ep_az}: {lb_name} has no available node there",
                    svc.name
                ),
                format!("enable {ep_az} on {lb_name}, or create {ep}'s interface in an AZ the service serves"),
                HopKind::PrivateLink,
            );
            let s = self.service_stop(arrival.pkt, &svc.name, why);
            return Ok(self.finish(Some(s), sport));
        };
        let node_ip = IpAddr::V4(an.idx.enis[node].private_ip);
        let handed = Packet {
            dst: node_ip,
            ..arrival.pkt
        };
        let (svc_name, ep_name) = (svc.name.clone(), ep.to_string());
        self.hop(
            At::new(HopKind::PrivateLink, &svc_name),
            arrival.pkt,
            handed,
            || {
                format!(
                    "{ep_name} → endpoint service {svc_name} → {lb_name} node in {ep_az} (consumer → provider only)"
                )
            },
            || obj(ObjectKind::EndpointService, &svc_name),
        );
        self.lb_serve(src, pkt, &arrival, lb_name, node, q, (sport, dport), true)
    }

    /// A connection the provider side tries to open toward a consumer of its
    /// service: PrivateLink never carries it (PrivateLink guide, "the service
    /// provider cannot initiate connections to the consumer"). Returns the
    /// service when `from` is in a provider VPC, `to` in a VPC whose only link to
    /// it is an endpoint of that service.
    pub(super) fn privatelink_reverse(&self, src: &Source, to: &Endpoint) -> Option<(&'a EndpointService, String)> {
        let an = self.an;
        let src_vpc = match &src.at {
            Start::Eni(e) => an.eni_vpc(*e)?,
            Start::SubnetHost(s) => an.subnets[*s].vpc,
            _ => return None,
        };
        let dst_vpc = match to {
            Endpoint::Eni { owner, .. } => an.eni_vpc(an.eni_index(owner)?)?,
            Endpoint::Subnet(s) => an.subnets[*an.subnet_by_name.get(s)?].vpc,
            _ => return None,
        };
        if src_vpc == dst_vpc || vpcs_connected(an, src_vpc, dst_vpc) {
            return None;
        }
        let src_name = &an.vpcs[src_vpc].name;
        let dst_name = &an.vpcs[dst_vpc].name;
        an.d.endpoint_services.iter().find_map(|svc| {
            let lb = an.idx.load_balancer(an.d, &svc.load_balancer)?;
            let provider = lb
                .subnets
                .iter()
                .filter_map(|s| an.subnet_by_name.get(s))
                .any(|&si| &an.vpcs[an.subnets[si].vpc].name == src_name);
            let ep =
                an.d.endpoints
                    .iter()
                    .find(|e| &e.vpc == dst_name && e.service == svc.name)?;
            provider.then(|| (svc, ep.name.clone()))
        })
    }

    pub(super) fn stop_privatelink_reverse(
        &mut self,
        src: &Source,
        svc: &str,
        ep: &str,
        q: &Query,
        (sport, dport): (u16, u16),
    ) -> RunOut {
        let p = Packet {
            src: src.addr,
            dst: src.addr,
            proto: q.proto,
            sport,
            dport,
        };
        self.leg = Leg::Forward;
        self.start_hop(src, p);
        let why = (
            Code::PrivateLinkOneWay,
            format!(
                "the only link to the destination's VPC is {ep}, a consumer endpoint of {svc}: PrivateLink carries \
                 connections from consumer to provider only"
            ),
            "let the consumer open the connection, or connect the VPCs (peering, transit gateway) if their CIDRs do \
             not overlap"
                .to_string(),
            HopKind::PrivateLink,
        );
        let s = self.service_stop(p, svc, why);
        self.finish(Some(s), sport)
    }
}
