//! Gateway Load Balancer: the "bump in the wire". A route (a subnet's route
//! table, or an internet gateway's edge route table) sends traffic to a
//! Gateway Load Balancer endpoint; the endpoint hands it over PrivateLink to
//! the GWLB, which wraps it in GENEVE (UDP 6081) to one appliance of its
//! target group, chosen by a hash of the flow and kept for the flow's life in
//! both directions; the appliance returns it, and the endpoint forwards it on
//! by its own subnet's route table (ELB guide, "Gateway Load Balancers";
//! PrivateLink guide, "Gateway Load Balancer endpoints").

use super::*;
use crate::model::{EndpointKind, LoadBalancerKind};

/// GENEVE's UDP port, on which appliances receive traffic from a GWLB.
const GENEVE_PORT: u16 = 6081;

/// A stable hash of a flow, the same for a request and its reply (AWS uses a
/// symmetric 5-tuple hash so both directions reach the same appliance).
fn flow_hash(k: FlowKey) -> u64 {
    let ((a, ap), (b, bp)) = k;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &x in bytes {
            h ^= u64::from(x);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (ip, port) in [(a, ap), (b, bp)] {
        match ip {
            IpAddr::V4(v) => eat(&v.octets()),
            IpAddr::V6(v) => eat(&v.octets()),
        }
        eat(&port.to_be_bytes());
    }
    h
}

impl<'w, 'a> Walk<'w, 'a> {
    /// The ENI of Gateway Load Balancer endpoint `ep` (`None` for any other endpoint).
    pub(super) fn gwlb_endpoint_eni(&self, ep: &str) -> Option<usize> {
        let an = self.an;
        let e = an.idx.endpoint(an.d, ep)?;
        let EndpointKind::GatewayLoadBalancer { subnet } = &e.kind else {
            return None;
        };
        an.eni_index(&EniOwner::Endpoint(ep.to_string(), subnet.clone()))
    }

    /// Traffic entering VPC `v` through internet gateway `g`: its edge route table
    /// decides where it goes (VPC User Guide, "Gateway route tables": the targets
    /// are `local`, or a Gateway Load Balancer endpoint or an ENI in the VPC).
    pub(super) fn igw_ingress(&mut self, v: usize, g: &str, pkt: Packet) -> Step {
        let an = self.an;
        let edge =
            an.d.internet_gateways
                .iter()
                .find(|x| x.name == g)
                .and_then(|x| x.edge_route_table.as_deref())
                .and_then(|rt| an.d.route_tables.iter().position(|r| r.name == rt));
        let Some(rti) = edge else {
            return self.deliver_in_vpc(v, pkt, None);
        };
        let rt = &an.rts[rti];
        let Some(route) = rt.lookup(pkt.dst) else {
            return self.deliver_in_vpc(v, pkt, None);
        };
        let (rt_name, dest_text, target) = (&rt.name, &route.dest_text, &route.target);
        self.hop(
            At::new(HopKind::RouteTable, rt_name),
            pkt,
            pkt,
            || format!("{rt_name} (edge, {g}): {dest_text} → {target}"),
            || obj(ObjectKind::RouteTable, rt_name),
        );
        match target {
            RouteTarget::GatewayEndpoint(ep) => match self.gwlb_endpoint_eni(ep) {
                Some(e) => self.arrive_at_eni(e, pkt, None, Origin::Local),
                None => Err(self.missing(ep, pkt)),
            },
            RouteTarget::NetworkInterface(n) | RouteTarget::Instance(n) => {
                match an.eni_index(&EniOwner::Instance(n.clone())) {
                    Some(e) => self.arrive_at_eni(e, pkt, None, Origin::Local),
                    None => Err(self.missing(n, pkt)),
                }
            }
            _ => self.deliver_in_vpc(v, pkt, None),
        }
    }

    /// A packet routed to Gateway Load Balancer endpoint `ep` (ENI `e` in subnet
    /// `s`): to the GWLB, through one appliance and back, then on by the
    /// endpoint subnet's route table.
    pub(super) fn gwlb_bump(&mut self, e: usize, ep: &str, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let ep_name = ep.to_string();
        let Some(model_ep) = an.idx.endpoint(an.d, ep) else {
            return Err(self.missing(ep, pkt));
        };
        let Some(svc) = an.d.endpoint_services.iter().find(|x| x.name == model_ep.service) else {
            let service = model_ep.service.clone();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::BlackholeRoute, HopKind::GwlbEndpoint, ep)
                    .on(ObjectKind::Endpoint, ep)
                    .message(|| format!("{ep}'s endpoint service {service} is not in the design"))
                    .hint(|| "point the endpoint at a Gateway Load Balancer endpoint service".into()),
            ));
        };
        if let Some(why) = self.service_refusal(svc, ep, HopKind::GwlbEndpoint) {
            return Err(self.service_stop(pkt, &svc.name, why));
        }
        let lb = match an.idx.load_balancer(an.d, &svc.load_balancer) {
            Some(l) if l.kind == LoadBalancerKind::Gateway => l,
            _ => {
                let why = (
                    Code::LbNoTarget,
                    format!("endpoint service {} has no Gateway Load Balancer", svc.name),
                    format!("put a Gateway Load Balancer behind {}", svc.name),
                    HopKind::GwlbEndpoint,
                );
                return Err(self.service_stop(pkt, &svc.name, why));
            }
        };
        let az = an.subnets[s].az.clone();
        let lb_name = lb.name.clone();
        let svc_name = svc.name.clone();
        self.hop(
            At::new(HopKind::GwlbEndpoint, &ep_name),
            pkt,
            pkt,
            || format!("{ep_name}: to {lb_name} through endpoint service {svc_name} ({az})"),
            || obj(ObjectKind::Endpoint, &ep_name),
        );
        let Some(node) = self.lb_node_in_az(lb, &az) else {
            let why = (
                Code::PrivateLinkAzNotServed,
                format!("{svc_name} is not offered in {az}: {lb_name} has no available node there"),
                format!("enable {az} on {lb_name}, or put {ep_name} in an AZ the service serves"),
                HopKind::GwlbEndpoint,
            );
            return Err(self.service_stop(pkt, &svc_name, why));
        };
        let node_ip = IpAddr::V4(an.idx.enis[node].private_ip);
        let appliance = self.pick_appliance(lb, &az, pkt)?;
        let app_name = an.eni_name(appliance);
        let app_ip = IpAddr::V4(an.idx.enis[appliance].private_ip);
        let returning = self.leg == Leg::Return;
        self.hop(
            At::new(HopKind::LoadBalancer, &lb_name),
            pkt,
            pkt,
            || {
                if returning {
                    format!(
                        "{lb_name}: the reply goes back to {app_name}, the appliance of the request (flow stickiness)"
                    )
                } else {
                    format!("{lb_name}: flow hashed to appliance {app_name} in {az} (GENEVE, UDP {GENEVE_PORT})")
                }
            },
            || obj(ObjectKind::LoadBalancer, &lb_name),
        );
        // The appliance's security groups must admit GENEVE from the GWLB: every
        // packet of the flow, in either direction, arrives from the GWLB that way.
        let geneve = Packet {
            src: node_ip,
            dst: app_ip,
            proto: Protocol::Udp,
            sport: GENEVE_PORT,
            dport: GENEVE_PORT,
        };
        let leg = self.leg;
        self.leg = Leg::Forward;
        let admitted = self.sg_check(appliance, Direction::Inbound, geneve);
        self.leg = leg;
        admitted?;
        self.hop(
            At::new(HopKind::Appliance, &app_name),
            geneve,
            geneve,
            || format!("{app_name}: inspects the packet and returns it to {lb_name}"),
            || Some(an.idx.enis[appliance].owner.object()),
        );
        self.hop(
            At::new(HopKind::GwlbEndpoint, &ep_name),
            pkt,
            pkt,
            || format!("{ep_name}: back from {lb_name}, routed by its subnet's route table"),
            || obj(ObjectKind::Endpoint, &ep_name),
        );
        self.sg_ident = false;
        self.leave_subnet(s, pkt, origin, Some(e))
    }

    /// The appliance of `lb` for this packet's flow: the one the flow already uses
    /// (its reply), else a healthy target chosen by the flow hash. With
    /// cross-zone load balancing off (a GWLB's default) the load balancer node
    /// of the endpoint's AZ sends flows only to appliances in that AZ; with it
    /// on, to the appliances in every AZ the load balancer is enabled in (GWLB
    /// guide, "Cross-zone load balancing").
    fn pick_appliance(&mut self, lb: &crate::model::LoadBalancer, az: &str, pkt: Packet) -> Result<usize, Box<Stop>> {
        let an = self.an;
        let key = flow_key(pkt);
        let lb_name = lb.name.clone();
        if let Some((_, _, pinned, entry_az)) = self.gwlb_pins.iter().find(|(n, k, _, _)| *n == lb_name && *k == key) {
            let pinned = *pinned;
            // The flow's state lives with the load balancer node of the AZ it
            // entered (and, with cross-zone load balancing off, its appliance is
            // in that AZ too): a reply entering through another AZ's endpoint
            // is treated as a new flow there.
            let (entry_az, pinned_az) = (
                entry_az.clone(),
                an.eni_subnet[pinned]
                    .map(|s| an.subnets[s].az.clone())
                    .unwrap_or_default(),
            );
            let name = an.eni_name(pinned);
            if entry_az != az {
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::AsymmetricReturn, HopKind::LoadBalancer, &lb_name)
                        .on(ObjectKind::LoadBalancer, &lb_name)
                        .message(|| {
                            if pinned_az == entry_az {
                                format!(
                                    "the reply enters {lb_name} in {az}, but the flow's appliance {name} is in {pinned_az}: \
                                     an appliance in {az} has no state for it and drops it"
                                )
                            } else {
                                format!(
                                    "the reply enters {lb_name} in {az}, but the flow entered it in {entry_az} (appliance \
                                     {name}): the load balancer node in {az} has no state for it, and the appliance it \
                                     picks drops it"
                                )
                            }
                        })
                        .hint(|| {
                            "route both directions of a flow through the Gateway Load Balancer endpoint of one AZ"
                                .into()
                        }),
                ));
            }
            if an.eni_down(pinned) {
                return Err(self.eni_down_stop(
                    pinned,
                    pkt,
                    "existing flows stay on a failed appliance unless the target group's target failover is rebalance",
                ));
            }
            return Ok(pinned);
        }
        // The AZs whose appliances this flow may go to: the endpoint's, or with
        // cross-zone load balancing every AZ the load balancer is enabled in.
        let azs: Vec<&str> = if lb.cross_zone {
            lb.subnets
                .iter()
                .filter_map(|n| an.subnet_by_name.get(n))
                .map(|&x| an.subnets[x].az.as_str())
                .collect()
        } else {
            vec![az]
        };
        let enabled_az = |t: usize| an.eni_subnet[t].is_some_and(|s| azs.contains(&an.subnets[s].az.as_str()));
        let in_az: Vec<usize> = lb
            .targets
            .iter()
            .filter_map(|t| an.eni_index(&EniOwner::Instance(t.clone())))
            .filter(|&t| enabled_az(t))
            .collect();
        let healthy: Vec<usize> = in_az.iter().copied().filter(|&t| !an.eni_down(t)).collect();
        let where_ = if lb.cross_zone {
            "in its enabled AZs (cross-zone load balancing on)".to_string()
        } else {
            format!("in {az}")
        };
        if healthy.is_empty() {
            let failed = in_az.len();
            let msg = if failed > 0 {
                format!("all {failed} appliance(s) of {lb_name} {where_} are down in this what-if")
            } else {
                format!("{lb_name} has no appliance registered {where_}")
            };
            let hint = if lb.cross_zone {
                format!("register a healthy appliance with {lb_name}")
            } else {
                format!("register a healthy appliance in {az} with {lb_name}, or turn on its cross-zone load balancing")
            };
            return Err(self.stop(
                pkt,
                self.stop_at(Code::GwlbNoAppliance, HopKind::LoadBalancer, &lb_name)
                    .on(ObjectKind::LoadBalancer, &lb_name)
                    .message(|| msg)
                    .hint(|| hint),
            ));
        }
        if healthy.len() < in_az.len() {
            let n = in_az.len() - healthy.len();
            self.note(|| {
                format!(
                    "{n} appliance(s) of {lb_name} {where_} are down: new flows are hashed to the healthy ones, while \
                     flows already on a failed appliance are dropped (target failover no_rebalance, the default)"
                )
            });
        }
        let pick = healthy[(flow_hash(key) % healthy.len() as u64) as usize];
        self.gwlb_pins.push((lb_name, key, pick, az.to_string()));
        Ok(pick)
    }
}
