//! One packet's walk: the walker's state, a query's round trip (request,
//! then the reply back through the same stateful devices) and the first and
//! last hops at the source and destination.

use super::*;

/// Where a delivered packet ended up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    Eni(usize),
    SubnetHost(usize),
    Internet,
    OnPrem(String),
    /// An AWS service, reached through a gateway endpoint (`Some((vpc, endpoint))`) or the internet.
    Service(String, Option<(usize, String)>),
}

#[derive(Debug, Clone)]
pub(super) struct Arrival {
    pub(super) place: Place,
    pub(super) pkt: Packet,
}

/// Where a packet that consults a route table came from (edge-to-edge rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// A host of this VPC (or a NAT/appliance/firewall of it forwarding).
    Local,
    /// Arrived from a transit gateway attachment.
    Tgw,
}

pub(super) type Step = Result<Arrival, Box<Stop>>;

/// A failed LB target leg: forward hops, return hops, notes, the stop, the leg.
pub(super) type TargetFailure = (Vec<Hop>, Vec<Hop>, Vec<String>, Box<Stop>, Leg);

/// A translation a stateful device remembers for the reply.
#[derive(Debug, Clone)]
pub(super) struct Session {
    /// The translator's ENI (NAT gateway or NAT instance).
    pub(super) eni: usize,
    pub(super) inside: (IpAddr, u16),
    pub(super) outside: (IpAddr, u16),
}

/// A translation by a regional NAT gateway, which has no interface of the design.
#[derive(Debug, Clone)]
pub(super) struct RegionalSession {
    pub(super) nat: String,
    pub(super) vpc: usize,
    pub(super) inside: (IpAddr, u16),
    pub(super) outside: (IpAddr, u16),
}

pub(super) struct RunOut {
    pub(super) blocked: Option<Blocked>,
    pub(super) sport: u16,
}

/// One packet's walk through the design.
pub(super) struct Walk<'w, 'a> {
    pub(super) an: &'w Analyzer<'a>,
    /// What this walk records (see [`Detail`]).
    pub(super) detail: Detail,
    /// Hops, notes and flow-log events are recorded (`Detail::Trace`).
    pub(super) rec: bool,
    /// A stop's texts and object are built (`Detail::Stop` and `Detail::Trace`).
    pub(super) explain: bool,
    pub(super) leg: Leg,
    pub(super) hops: Vec<Hop>,
    pub(super) fwd_hops: Vec<Hop>,
    pub(super) notes: Vec<String>,
    pub(super) events: Vec<FlowEvent>,
    pub(super) sessions: Vec<Session>,
    pub(super) eigw_sessions: Vec<IpAddr>,
    pub(super) regional_sessions: Vec<RegionalSession>,
    pub(super) steps: u32,
    /// SG membership survives (false after a middlebox/NAT: SG_REFERENCES_NOT_PRESERVED).
    pub(super) sg_ident: bool,
    /// The client's ephemeral range when the source port was not given (for partial-range warnings).
    pub(super) client_range: Option<(PortRange, IpAddr, u16)>,
    /// Appliance-mode TGW attachments: the attachment subnet a flow is pinned to.
    pub(super) tgw_pins: Vec<(&'a TgwAttachment, FlowKey, usize)>,
    /// Network Firewall endpoints (ENIs) the request crossed: only they hold the flow's state.
    pub(super) fw_state: Vec<usize>,
    /// The last VPC a packet entered from a transit gateway: (leg, VPC, TGW name, attachment).
    pub(super) tgw_entry: Option<(Leg, usize, &'a str, &'a TgwAttachment)>,
    /// The last VPC a packet entered across a transit gateway that carries
    /// security-group references from the VPC it left: (leg, VPC entered, TGW
    /// name, VPC left). `None` when the last such crossing did not carry them.
    pub(super) tgw_sg_refs: Option<(Leg, usize, &'a str, &'a str)>,
    /// The attachment subnet the first appliance-mode attachment must pick (a re-run
    /// standing for another result of AWS's flow hash).
    pub(super) hash_pick: Option<(&'a TgwAttachment, usize)>,
    /// The other subnets the flow hash could have picked at the first appliance-mode pin.
    pub(super) hash_alternatives: Vec<(&'a TgwAttachment, usize)>,
    /// Gateway Load Balancer flow stickiness: (GWLB, flow, appliance ENI, AZ the
    /// flow entered the GWLB in) for the return through the same appliance.
    pub(super) gwlb_pins: Vec<(String, FlowKey, usize, String)>,
}

/// A flow's addresses and ports, the same for a request and its reply.
pub(super) type FlowKey = ((IpAddr, u16), (IpAddr, u16));

pub(super) fn flow_key(p: Packet) -> FlowKey {
    let (a, b) = ((p.src, p.sport), (p.dst, p.dport));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

pub(super) fn obj(kind: ObjectKind, name: &str) -> Option<ObjectRef> {
    Some(ObjectRef::new(kind, name))
}

impl<'w, 'a> Walk<'w, 'a> {
    pub(super) fn new(an: &'w Analyzer<'a>, detail: Detail) -> Self {
        Walk {
            an,
            detail,
            rec: detail == Detail::Trace,
            explain: detail != Detail::Code,
            leg: Leg::Forward,
            hops: Vec::new(),
            fwd_hops: Vec::new(),
            notes: Vec::new(),
            events: Vec::new(),
            sessions: Vec::new(),
            eigw_sessions: Vec::new(),
            regional_sessions: Vec::new(),
            steps: 0,
            sg_ident: true,
            client_range: None,
            tgw_pins: Vec::new(),
            fw_state: Vec::new(),
            tgw_entry: None,
            tgw_sg_refs: None,
            hash_pick: None,
            hash_alternatives: Vec::new(),
            gwlb_pins: Vec::new(),
        }
    }

    pub(super) fn tick(&mut self, pkt: Packet) -> Result<(), Box<Stop>> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(self.stop(
                pkt,
                self.stop_at(Code::Loop, HopKind::RouteTable, "routing")
                    .message(|| format!("the packet passed more than {MAX_STEPS} components: a routing loop"))
                    .hint(|| "check routes that point back and forth between middleboxes, TGW tables or VPCs".into()),
            ));
        }
        Ok(())
    }

    /// Runs the query. An appliance-mode attachment pins a flow to the AZ AWS's flow
    /// hash picks, which vpcd cannot know: when the flow passes with the AZ it entered
    /// from, it is run again with every other AZ of that attachment, and the first
    /// failure is the verdict (a flow that hashes there fails in AWS).
    pub(super) fn run(&mut self, from: &Endpoint, to: &Endpoint, q: &Query) -> Result<RunOut, QueryError> {
        let out = self.run_once(from, to, q)?;
        if out.blocked.is_some() {
            return Ok(out);
        }
        for (att, x) in std::mem::take(&mut self.hash_alternatives) {
            let mut alt = Walk::new(self.an, self.detail);
            alt.hash_pick = Some((att, x));
            let o = alt.run_once(from, to, q)?;
            if o.blocked.is_some() {
                let (n, sn, az) = (&att.name, &self.an.subnets[x].name, &self.an.subnets[x].az);
                alt.note(|| {
                    format!(
                        "appliance mode on {n}: AWS picks the AZ of a flow by a hash; this flow passes in the AZ it \
                         entered from but fails when it is hashed to {sn} ({az}), shown here"
                    )
                });
                *self = alt;
                return Ok(o);
            }
        }
        Ok(out)
    }

    pub(super) fn run_once(&mut self, from: &Endpoint, to: &Endpoint, q: &Query) -> Result<RunOut, QueryError> {
        let v6 = matches!(from, Endpoint::Internet(IpAddr::V6(_)) | Endpoint::Ip(IpAddr::V6(_)))
            || matches!(to, Endpoint::Internet(IpAddr::V6(_)) | Endpoint::Ip(IpAddr::V6(_)));
        if q.proto.has_ports() && q.port.is_none() {
            return Err(QueryError::Invalid(
                q.to.clone(),
                format!("{} needs a destination port (--port)", q.proto),
            ));
        }
        let src = self.resolve_source(from, v6, &q.from)?;
        let (range, default_sport) = src.ephemeral;
        let sport = if q.proto.has_ports() {
            q.sport.unwrap_or(default_sport)
        } else {
            0
        };
        let dport = if q.proto.has_ports() { q.port.unwrap_or(0) } else { 0 };
        if q.sport.is_none() && q.proto.has_ports() {
            self.client_range = Some((range, src.addr, sport));
        }

        // Load balancer as destination: client → LB node, then LB node → a target.
        if let Endpoint::LoadBalancer(lb) = to {
            return self.run_lb(&src, lb, q, sport, dport);
        }
        // An interface endpoint to one of the design's endpoint services: PrivateLink.
        if let Endpoint::Eni {
            owner: EniOwner::Endpoint(ep, _),
            ..
        } = to
        {
            if let Some(svc) = self.privatelink_service(ep) {
                return self.run_privatelink(&src, ep, svc, q, (sport, dport));
            }
        }
        if let Some((svc, ep)) = self.privatelink_reverse(&src, to) {
            return Ok(self.stop_privatelink_reverse(&src, &svc.name, &ep, q, (sport, dport)));
        }
        let dst = match self.resolve_dest(&src, to, v6, &q.to) {
            Ok(d) => d,
            Err(DestErr::Query(e)) => return Err(e),
            Err(DestErr::Blocked(stop, dst)) => {
                // The packet shown is the one the source would send: to the address the
                // destination does have (its private IPv4), never back to the source.
                let p = Packet {
                    src: src.addr,
                    dst,
                    proto: q.proto,
                    sport,
                    dport,
                };
                self.start_hop(&src, p);
                let s = self.stop(
                    p,
                    self.stop_at(stop.code, stop.kind, &stop.component)
                        .object(stop.object.clone())
                        .message(|| stop.message.clone())
                        .hint(|| stop.hint.clone()),
                );
                return Ok(self.finish(Some(s), sport));
            }
        };
        let pkt = Packet {
            src: src.addr,
            dst: dst.addr,
            proto: q.proto,
            sport,
            dport,
        };
        let blocked = self.round_trip(&src, &dst, pkt);
        Ok(self.finish(blocked.err(), sport))
    }

    pub(super) fn finish(&mut self, stop: Option<Box<Stop>>, sport: u16) -> RunOut {
        if self.leg == Leg::Forward {
            self.fwd_hops = std::mem::take(&mut self.hops);
        }
        RunOut {
            blocked: stop.map(|s| Blocked {
                component: s.component,
                kind: s.kind,
                object: s.object,
                direction: s.direction,
                leg: self.leg,
                code: s.code,
                message: s.message,
                hint: s.hint,
            }),
            sport,
        }
    }

    /// Forward walk, then the reply back to the client.
    pub(super) fn round_trip(&mut self, src: &Source, dst: &Dest, pkt: Packet) -> Result<(), Box<Stop>> {
        self.leg = Leg::Forward;
        self.start_hop(src, pkt);
        let arrival = self.launch(src, pkt)?;
        self.accept_arrival(dst, &arrival)?;
        self.fwd_hops = std::mem::take(&mut self.hops);
        self.leg = Leg::Return;
        self.steps = 0;
        let reply = arrival.pkt.reply();
        self.reply_start_hop(&arrival, reply);
        let back = self.launch_reply(&arrival, reply)?;
        self.accept_reply(src, pkt, &back)
    }

    pub(super) fn start_hop(&mut self, src: &Source, pkt: Packet) {
        if !self.rec {
            return;
        }
        let (kind, id, object) = match &src.at {
            Start::Eni(e) => {
                let e = *e;
                (
                    self.an.eni_kind(e),
                    self.an.eni_name(e),
                    Some(self.an.idx.enis[e].owner.object()),
                )
            }
            Start::SubnetHost(s) => (
                HopKind::SubnetHost,
                self.an.subnets[*s].name.clone(),
                obj(ObjectKind::Subnet, &self.an.subnets[*s].name),
            ),
            Start::Internet => (HopKind::Internet, "internet".to_string(), None),
            Start::OnPrem(n) => (HopKind::OnPrem, n.clone(), obj(ObjectKind::OnPremNetwork, n)),
        };
        let addr = pkt.src;
        self.hop(At::new(kind, &id), pkt, pkt, || format!("source {addr}"), || object);
    }

    pub(super) fn reply_start_hop(&mut self, arrival: &Arrival, pkt: Packet) {
        if !self.rec {
            return;
        }
        let (kind, id, object) = self.place_label(&arrival.place);
        self.hop(
            At::new(kind, &id),
            pkt,
            pkt,
            || "sends the reply".to_string(),
            || object,
        );
    }

    pub(super) fn place_label(&self, p: &Place) -> (HopKind, String, Option<ObjectRef>) {
        match p {
            Place::Eni(e) => (
                self.an.eni_kind(*e),
                self.an.eni_name(*e),
                Some(self.an.idx.enis[*e].owner.object()),
            ),
            Place::SubnetHost(s) => (
                HopKind::SubnetHost,
                self.an.subnets[*s].name.clone(),
                obj(ObjectKind::Subnet, &self.an.subnets[*s].name),
            ),
            Place::Internet => (HopKind::Internet, "internet".into(), None),
            Place::OnPrem(n) => (HopKind::OnPrem, n.clone(), obj(ObjectKind::OnPremNetwork, n)),
            Place::Service(s, _) => (HopKind::Service, s.clone(), None),
        }
    }

    pub(super) fn launch(&mut self, src: &Source, pkt: Packet) -> Step {
        match &src.at {
            Start::Eni(e) => self.send_from_eni(*e, pkt),
            Start::SubnetHost(s) => self.leave_subnet(*s, pkt, Origin::Local, None),
            Start::Internet => self.send_from_internet(pkt),
            Start::OnPrem(n) => self.send_from_onprem(n, pkt),
        }
    }

    pub(super) fn launch_reply(&mut self, arrival: &Arrival, reply: Packet) -> Step {
        match &arrival.place {
            Place::Eni(e) => self.send_from_eni(*e, reply),
            Place::SubnetHost(s) => self.leave_subnet(*s, reply, Origin::Local, None),
            Place::Internet => self.send_from_internet(reply),
            Place::OnPrem(n) => self.send_from_onprem(n, reply),
            Place::Service(svc, via) => match via {
                Some((v, ep)) => {
                    let svc = svc.clone();
                    self.hop(
                        At::new(HopKind::GatewayEndpoint, ep),
                        reply,
                        reply,
                        || format!("reply from {svc} back into the VPC"),
                        || obj(ObjectKind::Endpoint, ep),
                    );
                    self.deliver_in_vpc(*v, reply, None)
                }
                None => self.send_from_internet(reply),
            },
        }
    }

    /// Did the request arrive where it was sent?
    pub(super) fn accept_arrival(&mut self, dst: &Dest, a: &Arrival) -> Result<(), Box<Stop>> {
        let ok = match (&dst.expect, &a.place) {
            (Expect::Eni(e), Place::Eni(x)) => e == x,
            (Expect::SubnetHost(s), Place::SubnetHost(x)) => s == x,
            (Expect::Internet, Place::Internet) => true,
            (Expect::OnPrem(n), Place::OnPrem(x)) => n == x,
            (Expect::Service(s), Place::Service(x, _)) => s == x,
            _ => false,
        };
        if ok {
            if !self.rec {
                return Ok(());
            }
            let (kind, id, object) = self.place_label(&a.place);
            let pkt = a.pkt;
            self.hop(At::new(kind, &id), pkt, pkt, || "delivered".to_string(), || object);
            return Ok(());
        }
        let (kind, id, object) = self.place_label(&a.place);
        Err(self.stop(
            a.pkt,
            self.stop_at(Code::NoHost, kind, &id)
                .object(object)
                .message(|| format!("the packet for {} is delivered to {id} instead", a.pkt.dst))
                .hint(|| "check that the destination address is the one you meant (overlapping CIDRs?)".into()),
        ))
    }

    /// Did the reply reach the client, from the address and port it sent to?
    pub(super) fn accept_reply(&mut self, src: &Source, request: Packet, back: &Arrival) -> Result<(), Box<Stop>> {
        let at_client = match (&src.at, &back.place) {
            (Start::Eni(e), Place::Eni(x)) => e == x,
            (Start::SubnetHost(s), Place::SubnetHost(x)) => s == x,
            (Start::Internet, Place::Internet) => true,
            (Start::OnPrem(n), Place::OnPrem(x)) => n == x,
            _ => false,
        };
        let p = back.pkt;
        let translated_ok =
            p.src == request.dst && p.sport == request.dport && p.dst == request.src && p.dport == request.sport;
        if at_client && translated_ok && !self.rec {
            return Ok(());
        }
        let (kind, id, object) = self.place_label(&back.place);
        if !at_client {
            return Err(self.stop(
                back.pkt,
                self.stop_at(Code::AsymmetricReturn, kind, &id)
                    .object(object)
                    .message(|| format!("the reply is delivered to {id}, not to the client"))
                    .hint(|| "make the reply route back the way the request came".into()),
            ));
        }
        if !translated_ok {
            return Err(self.stop(
                p,
                self.stop_at(Code::AsymmetricReturn, kind, &id)
                    .object(object)
                    .message(|| {
                        format!(
                            "the reply arrives from {} but the client sent to {}: it took a different translator",
                            p.src, request.dst
                        )
                    })
                    .hint(|| "route the reply back through the gateway the request used".into()),
            ));
        }
        self.hop(At::new(kind, &id), p, p, || "reply received".to_string(), || object);
        Ok(())
    }

    pub(super) fn send_from_eni(&mut self, e: usize, pkt: Packet) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        if an.eni_down(e) {
            return Err(self.eni_down_stop(e, pkt, "place a redundant instance in another AZ"));
        }
        let Some(s) = an.eni_subnet[e] else {
            let name = an.eni_name(e);
            return Err(self.stop(
                pkt,
                self.stop_at(Code::NoHost, an.eni_kind(e), &name)
                    .message(|| format!("{name} is in a subnet that does not exist"))
                    .hint(|| "fix the subnet reference".into()),
            ));
        };
        self.sg_check(e, Direction::Outbound, pkt)?;
        self.leave_subnet(s, pkt, Origin::Local, Some(e))
    }
}
