//! Load balancers: a flow to an ALB/NLB is checked at the load balancer's
//! node and then, as a second leg, from the node to each registered target.

use super::*;

/// The source port a load balancer node uses toward a target. AWS load balancers pick
/// it from 1024–65535 (VPC User Guide, network ACLs, "Ephemeral ports": "ELB: 1024–65535"),
/// so, like the NAT gateway, take a port the stateless NACLs on the reply path admit —
/// the target subnet's outbound and the node subnet's inbound — preferring 40000. When
/// they admit only part of the range the trace is reachable and `check_partial_range`
/// adds the warning; when they admit no port of it, 40000 is kept and the reply is blocked.
pub(super) fn lb_source_port(
    an: &Analyzer,
    node: usize,
    target: usize,
    node_ip: IpAddr,
    target_ip: IpAddr,
    proto: Protocol,
) -> u16 {
    const PREFERRED: u16 = 40000;
    if !proto.has_ports() {
        return 0;
    }
    let (Some(ns), Some(ts)) = (an.eni_subnet[node], an.eni_subnet[target]) else {
        return PREFERRED;
    };
    if ns == ts {
        return PREFERRED; // NACLs filter only traffic entering or leaving a subnet (VPC User Guide, network ACLs)
    }
    let admitted = |s: usize, dir: Direction, peer: IpAddr| match an.subnets[s].nacl {
        Some(ni) => an.nacls[ni].allowed_ports(dir, proto, peer, PortRange::EPHEMERAL),
        None => vec![PortRange::EPHEMERAL],
    };
    let out = admitted(ts, Direction::Outbound, node_ip);
    let inb = admitted(ns, Direction::Inbound, target_ip);
    let both: Vec<PortRange> = out
        .iter()
        .flat_map(|a| {
            inb.iter().filter(|b| a.overlaps(**b)).map(move |b| PortRange {
                from: a.from.max(b.from),
                to: a.to.min(b.to),
            })
        })
        .collect();
    if both.is_empty() || both.iter().any(|r| r.contains(PREFERRED)) {
        return PREFERRED;
    }
    both.iter().map(|r| r.from).min().unwrap_or(PREFERRED)
}

/// Of the front ENIs `fronts` (a load balancer's nodes, an interface endpoint's
/// ENIs), the one in the client's AZ if there is one, else the first: a client
/// resolves the zonal name of its own AZ (ELB guide, "Availability Zones";
/// PrivateLink guide, endpoint DNS names).
pub(super) fn front_near_client(an: &Analyzer, src: &Source, fronts: &[usize]) -> Option<usize> {
    let az_of = |e: usize| an.eni_subnet[e].map(|s| an.subnets[s].az.as_str());
    let client_az = match &src.at {
        Start::Eni(e) => az_of(*e),
        Start::SubnetHost(s) => Some(an.subnets[*s].az.as_str()),
        _ => None,
    };
    fronts
        .iter()
        .copied()
        .find(|&e| client_az.is_some() && az_of(e) == client_az)
        .or_else(|| fronts.first().copied())
}

impl<'w, 'a> Walk<'w, 'a> {
    /// Ends a trace at a load balancer before the client's packet gets in:
    /// `stop` is the code, message and hint.
    pub(super) fn stop_at_lb_entry(
        &mut self,
        src: &Source,
        lb: &str,
        q: &Query,
        sport: u16,
        dport: u16,
        (code, message, hint): (Code, String, String),
    ) -> RunOut {
        let p = Packet {
            src: src.addr,
            dst: src.addr,
            proto: q.proto,
            sport,
            dport,
        };
        self.start_hop(src, p);
        let s = self.stop(
            p,
            self.stop_at(code, HopKind::LoadBalancer, lb)
                .on(ObjectKind::LoadBalancer, lb)
                .message(|| message)
                .hint(|| hint),
        );
        self.finish(Some(s), sport)
    }

    /// Leg 1 of a flow to a front ENI (a load balancer's node, an interface
    /// endpoint's ENI): the client's packet, launched toward `front`. `Err` is
    /// the finished trace — stopped on the way, or `elsewhere` when the packet is
    /// delivered to another place than `front`.
    pub(super) fn leg_to_front(
        &mut self,
        src: &Source,
        pkt: Packet,
        front: usize,
        sport: u16,
        elsewhere: impl FnOnce(&Self) -> Stop,
    ) -> Result<Arrival, RunOut> {
        self.leg = Leg::Forward;
        self.start_hop(src, pkt);
        let arrival = match self.launch(src, pkt) {
            Ok(a) => a,
            Err(s) => return Err(self.finish(Some(s), sport)),
        };
        if arrival.place != Place::Eni(front) {
            let stop = elsewhere(self);
            let s = self.stop(arrival.pkt, stop);
            return Err(self.finish(Some(s), sport));
        }
        Ok(arrival)
    }

    pub(super) fn run_lb(
        &mut self,
        src: &Source,
        lb: &str,
        q: &Query,
        sport: u16,
        dport: u16,
    ) -> Result<RunOut, QueryError> {
        let an = self.an;
        let Some(l) = an.idx.load_balancer(an.d, lb) else {
            return Err(QueryError::Invalid(lb.into(), "load balancer not found".into()));
        };
        let nodes: Vec<usize> = l
            .subnets
            .iter()
            .filter_map(|s| an.eni_index(&EniOwner::LoadBalancer(lb.into(), s.clone())))
            .filter(|&e| !an.eni_down(e))
            .collect();
        let Some(node) = front_near_client(an, src, &nodes) else {
            let stop = (
                Code::LbNoTarget,
                format!("{lb} has no available node"),
                "place the load balancer in subnets of available AZs".to_string(),
            );
            return Ok(self.stop_at_lb_entry(src, lb, q, sport, dport, stop));
        };
        let public = matches!(src.at, Start::Internet | Start::OnPrem(_)) && !src.private_reach_to(an, node);
        let node_eni = &an.idx.enis[node];
        let addr = if public {
            match node_eni.public_ip {
                Some(p) if l.scheme == LoadBalancerScheme::InternetFacing => IpAddr::V4(p),
                _ => {
                    let stop = (
                        Code::NoPublicIp,
                        format!("{lb} is internal: it has no public address"),
                        "make the load balancer internet-facing".to_string(),
                    );
                    return Ok(self.stop_at_lb_entry(src, lb, q, sport, dport, stop));
                }
            }
        } else {
            IpAddr::V4(node_eni.private_ip)
        };
        let pkt = Packet {
            src: src.addr,
            dst: addr,
            proto: q.proto,
            sport,
            dport,
        };
        // Leg 1: client → LB node.
        let arrival = match self.leg_to_front(src, pkt, node, sport, |w| {
            w.stop_at(Code::NoHost, HopKind::LoadBalancer, lb)
                .on(ObjectKind::LoadBalancer, lb)
                .message(|| format!("the packet for {lb} was delivered elsewhere"))
                .hint(String::new)
        }) {
            Ok(a) => a,
            Err(out) => return Ok(out),
        };
        self.lb_serve(src, pkt, &arrival, lb, node, q, (sport, dport), false)
    }

    /// The load balancer `lb` has the client's request at node `node` (`arrival` is
    /// where the request was delivered and where the reply to the client starts:
    /// the node itself, or a PrivateLink endpoint ENI): listener, then a new
    /// connection from the node to each target until one answers, then the reply.
    /// `privatelink`: the request came through an endpoint service, so targets see
    /// the node's address whatever client IP preservation says (ELB guide, NLB
    /// "Client IP preservation": it has no effect on traffic from AWS PrivateLink).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lb_serve(
        &mut self,
        src: &Source,
        pkt: Packet,
        arrival: &Arrival,
        lb: &str,
        node: usize,
        q: &Query,
        (sport, dport): (u16, u16),
        privatelink: bool,
    ) -> Result<RunOut, QueryError> {
        let an = self.an;
        let Some(l) = an.idx.load_balancer(an.d, lb) else {
            return Err(QueryError::Invalid(lb.into(), "load balancer not found".into()));
        };
        let node_eni = &an.idx.enis[node];
        let listener = l
            .listeners
            .iter()
            .find(|x| x.port == dport && (x.proto.matches(q.proto) || q.proto.matches(x.proto)));
        let Some(listener) = listener.cloned() else {
            let s = self.stop(
                arrival.pkt,
                self.stop_at(Code::LbNoListener, HopKind::LoadBalancer, lb)
                    .on(ObjectKind::LoadBalancer, lb)
                    .message(|| format!("{lb} has no listener for {} {dport}", q.proto))
                    .hint(|| format!("add a listener on {} {dport} to {lb}", q.proto)),
            );
            return Ok(self.finish(Some(s), sport));
        };
        let node_ip = IpAddr::V4(node_eni.private_ip);
        if l.kind == crate::model::LoadBalancerKind::Network && privatelink {
            self.note(|| {
                format!(
                    "{lb} is reached through PrivateLink: its targets see the load balancer's address {node_ip} as the \
                     source (client IP preservation does not apply to PrivateLink traffic)"
                )
            });
        } else if l.kind == crate::model::LoadBalancerKind::Network {
            // An NLB preserves the client's IP for instance targets by default (ELB guide,
            // "Client IP preservation"; Reachability Analyzer explanation codes,
            // ASSUMPTION_PRESERVE_CLIENT_IP_*): the targets' SGs and NACLs then see the client, not the node.
            // This trace models the node as the source, so say what it does not check.
            let client = arrival.pkt.src;
            self.note(|| {
                format!(
                    "{lb} is a Network Load Balancer: with client IP preservation (the default for instance targets) \
                     targets see {client}, not {node_ip}; this trace checks {node_ip}, so make sure the targets' \
                     security groups and NACLs also admit {client}"
                )
            });
        }
        // Leg 2: the LB opens a new connection to a target (first reachable target wins).
        let mut first_fail: Option<TargetFailure> = None;
        let client_hops = std::mem::take(&mut self.hops);
        let client_notes = self.notes.clone();
        let mut chosen: Option<(Vec<Hop>, Vec<Hop>)> = None;
        for t in &l.targets {
            let Some(te) = an.eni_index(&EniOwner::Instance(t.clone())) else {
                continue;
            };
            let target_ip = IpAddr::V4(an.idx.enis[te].private_ip);
            let tpkt = Packet {
                src: node_ip,
                dst: target_ip,
                proto: listener.proto,
                sport: lb_source_port(an, node, te, node_ip, target_ip, listener.proto),
                dport: listener.target_port,
            };
            self.leg = Leg::Forward;
            self.hops.clear();
            self.steps = 0;
            self.sg_ident = true;
            let lb_name = lb.to_string();
            let tname = t.clone();
            let tport = listener.target_port;
            self.hop(
                At::new(HopKind::LoadBalancer, lb),
                arrival.pkt,
                tpkt,
                || {
                    format!(
                        "{lb_name}: listener {} {} → target {tname}:{tport}",
                        listener.proto, listener.port
                    )
                },
                || obj(ObjectKind::LoadBalancer, &lb_name),
            );
            let node_src = Source {
                at: Start::Eni(node),
                addr: node_ip,
                ephemeral: (PortRange::EPHEMERAL, tpkt.sport),
            };
            let dest = Dest {
                addr: tpkt.dst,
                expect: Expect::Eni(te),
            };
            // The LB is the client of this leg and picks its source port from 1024–65535 (VPC User
            // Guide, "Ephemeral ports": "ELB: 1024–65535"), so warn when a NACL on the reply path
            // admits only part of it.
            let saved_range = self.client_range.replace((node_src.ephemeral.0, node_ip, tpkt.sport));
            let r = (|| -> Result<(), Box<Stop>> {
                let a = self.launch(&node_src, tpkt)?;
                self.accept_arrival(&dest, &a)?;
                self.fwd_hops = std::mem::take(&mut self.hops);
                self.leg = Leg::Return;
                self.steps = 0;
                let reply = a.pkt.reply();
                self.reply_start_hop(&a, reply);
                let back = self.launch_reply(&a, reply)?;
                self.accept_reply(&node_src, tpkt, &back)?;
                Ok(())
            })();
            self.client_range = saved_range;
            match r {
                Ok(()) => {
                    let fwd = std::mem::take(&mut self.fwd_hops);
                    let ret = std::mem::take(&mut self.hops);
                    chosen = Some((fwd, ret));
                    break;
                }
                Err(stop) => {
                    if first_fail.is_none() {
                        let (fwd, ret) = if self.leg == Leg::Forward {
                            (std::mem::take(&mut self.hops), Vec::new())
                        } else {
                            (std::mem::take(&mut self.fwd_hops), std::mem::take(&mut self.hops))
                        };
                        first_fail = Some((fwd, ret, self.notes.clone(), stop, self.leg));
                    }
                }
            }
        }
        let Some((t_fwd, t_ret)) = chosen else {
            let mut fwd = client_hops;
            let Some((f, r, notes, stop, leg)) = first_fail else {
                self.hops = fwd;
                self.notes = client_notes;
                self.leg = Leg::Forward;
                let s = self.stop(
                    arrival.pkt,
                    self.stop_at(Code::LbNoTarget, HopKind::LoadBalancer, lb)
                        .on(ObjectKind::LoadBalancer, lb)
                        .message(|| format!("{lb} has no registered targets"))
                        .hint(|| format!("register targets with {lb}")),
                );
                return Ok(self.finish(Some(s), sport));
            };
            self.notes = notes;
            fwd.extend(f);
            self.fwd_hops = fwd;
            self.hops = r;
            self.leg = leg;
            return Ok(RunOut {
                blocked: Some(Blocked {
                    component: stop.component,
                    kind: stop.kind,
                    object: stop.object,
                    direction: stop.direction,
                    leg,
                    code: stop.code,
                    message: stop.message,
                    hint: stop.hint,
                }),
                sport,
            });
        };
        let mut fwd = client_hops;
        fwd.extend(t_fwd);
        // Leg 1 return: the LB node replies to the client.
        self.leg = Leg::Return;
        self.steps = 0;
        self.hops = t_ret;
        self.sg_ident = true;
        let reply = arrival.pkt.reply();
        self.reply_start_hop(arrival, reply);
        let r = self
            .launch_reply(arrival, reply)
            .and_then(|back| self.accept_reply(src, pkt, &back));
        self.fwd_hops = fwd;
        let blocked = r.err().map(|s| Blocked {
            component: s.component,
            kind: s.kind,
            object: s.object,
            direction: s.direction,
            leg: Leg::Return,
            code: s.code,
            message: s.message,
            hint: s.hint,
        });
        Ok(RunOut { blocked, sport })
    }
}
