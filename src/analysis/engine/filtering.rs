//! The filters on the path: security groups (stateful, per ENI), network
//! ACLs (stateless, per subnet, rules in number order) and AWS Network
//! Firewall endpoints, with TGW appliance-mode advice for inspection VPCs.

use super::*;

impl<'w, 'a> Walk<'w, 'a> {
    /// Security-group check at ENI `e`. Stateful: replies pass unchecked.
    pub(super) fn sg_check(&mut self, e: usize, dir: Direction, pkt: Packet) -> Result<(), Box<Stop>> {
        let an = self.an;
        let groups = &an.eni_sgs[e];
        if groups.is_empty() {
            if an.idx.enis[e].security_groups.is_empty() {
                return Ok(()); // NAT gateways, firewall and TGW ENIs have no SGs
            }
            let name = an.eni_name(e);
            return Err(self.stop(
                pkt,
                self.stop_at(Code::SgNoMatchingRule, HopKind::SecurityGroup, &name)
                    .direction(dir)
                    .message(|| format!("{name}'s security groups do not exist"))
                    .hint(|| "attach an existing security group".into()),
            ));
        }
        if self.leg == Leg::Return {
            if !self.rec {
                return Ok(());
            }
            let names: Vec<&str> = groups.iter().map(|&g| an.sgs[g].name.as_str()).collect();
            let id = names.join(",");
            self.hop(
                At::new(HopKind::SecurityGroup, &id).direction(dir),
                pkt,
                pkt,
                || format!("{id} {dir}: reply to an allowed connection (stateful)"),
                || obj(ObjectKind::SecurityGroup, names[0]),
            );
            return Ok(());
        }
        let ident = self.sg_ident;
        // Inbound rules may reference groups of the VPC the packet came from
        // across a transit gateway with referencing support; outbound rules may
        // not (Transit Gateways guide, "Security group referencing").
        let eni_vpc = an.eni_subnet[e].map(|s| an.subnets[s].vpc);
        let across = self
            .tgw_sg_refs
            .filter(|&(leg, v, _, _)| dir == Direction::Inbound && leg == self.leg && Some(v) == eni_vpc)
            .map(|(_, _, t, from)| (t, from));
        for &g in groups {
            let sg = &an.sgs[g];
            let vpc = sg.vpc.as_str();
            let own = |name: &str, ip: IpAddr| an.group_has(name, ip, vpc);
            let tgw = |name: &str, ip: IpAddr| across.is_some_and(|(_, from)| an.group_has_across_tgw(name, ip, from));
            let gm = |name: &str, ip: IpAddr| ident && (own(name, ip) || tgw(name, ip));
            if let Some(r) = sg.rules(dir).iter().find(|r| r.matches(dir, &pkt, &gm)) {
                let name = &sg.name;
                let text = &r.text;
                let via = || match (&r.peer, across) {
                    (CPeer::Group(g), Some((t, from))) if !own(g, pkt.src) => {
                        format!(" ({g} is a group of {from}, referenced across {t})")
                    }
                    _ => String::new(),
                };
                self.hop(
                    At::new(HopKind::SecurityGroup, name).direction(dir),
                    pkt,
                    pkt,
                    || format!("{name} {dir} {text}{}", via()),
                    || obj(ObjectKind::SecurityGroup, name),
                );
                return Ok(());
            }
        }
        self.event(e, pkt, false);
        // The texts below are built only when the walk explains its verdict.
        let id = || {
            groups
                .iter()
                .map(|&g| an.sgs[g].name.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let first = an.sgs[groups[0]].name.as_str();
        let (peer, word) = match dir {
            Direction::Inbound => (pkt.src, "from"),
            Direction::Outbound => (pkt.dst, "to"),
        };
        let what = || {
            if pkt.proto.has_ports() {
                format!("{} {}", pkt.proto, pkt.dport)
            } else {
                pkt.proto.to_string()
            }
        };
        let message = || {
            // Would a group reference have matched had membership survived?
            let lost_ref = !ident
                && groups.iter().any(|&g| {
                    let sg = &an.sgs[g];
                    let vpc = sg.vpc.as_str();
                    let gm = |name: &str, ip: IpAddr| {
                        an.group_has(name, ip, vpc)
                            || across.is_some_and(|(_, from)| an.group_has_across_tgw(name, ip, from))
                    };
                    sg.rules(dir).iter().any(|r| r.matches(dir, &pkt, &gm))
                });
            let no_rules = groups.iter().all(|&g| an.sgs[g].rules(dir).is_empty());
            let id = id();
            if lost_ref {
                format!(
                    "{id} {dir}: the rule that references a security group does not match because the packet passed a NAT or middlebox (SG membership is not preserved)"
                )
            } else if no_rules {
                format!("{id} has no {dir} rules")
            } else {
                format!("{id} {dir}: no rule allows {} {word} {peer}", what())
            }
        };
        let hint = || match dir {
            Direction::Inbound => format!("add an inbound rule to {first} allowing {} from {peer}", what()),
            Direction::Outbound => format!("add an outbound rule to {first} allowing {} to {peer}", what()),
        };
        Err(self.stop(
            pkt,
            self.stop_at_named(Code::SgNoMatchingRule, HopKind::SecurityGroup, id)
                .on(ObjectKind::SecurityGroup, first)
                .direction(dir)
                .message(message)
                .hint(hint),
        ))
    }

    /// NACL check of subnet `s` in direction `dir`.
    pub(super) fn nacl_check(
        &mut self,
        s: usize,
        dir: Direction,
        pkt: Packet,
        eni: Option<usize>,
    ) -> Result<(), Box<Stop>> {
        let an = self.an;
        let Some(ni) = an.subnets[s].nacl else {
            return Ok(()); // a subnet without a NACL is reported by validation
        };
        let acl = &an.nacls[ni];
        let v = acl.eval(dir, &pkt);
        let allowed = matches!(v, NaclVerdict::AllowedByRule(_));
        if let Some(e) = eni {
            self.event(e, pkt, allowed);
        }
        if allowed {
            self.check_partial_range(ni, dir, pkt);
            let name = &acl.name;
            self.hop(
                At::new(HopKind::NetworkAcl, name).direction(dir),
                pkt,
                pkt,
                || acl.describe(dir, v),
                || obj(ObjectKind::NetworkAcl, name),
            );
            return Ok(());
        }
        let code = match v {
            NaclVerdict::DeniedByRule(_) => Code::NaclRuleDenies,
            _ => Code::NaclImplicitDeny,
        };
        // The texts below are built only when the walk explains its verdict.
        let rule = || match v {
            NaclVerdict::DeniedByRule(n) => format!("rule {n} denies"),
            _ => "no rule allows".to_string(),
        };
        let peer = || match dir {
            Direction::Inbound => format!("from {}", pkt.src),
            Direction::Outbound => format!("to {}", pkt.dst),
        };
        let what = || {
            if pkt.proto.has_ports() {
                format!("{} {}", pkt.proto, pkt.dport)
            } else {
                pkt.proto.to_string()
            }
        };
        let leg = self.leg;
        // A reply goes to the client's ephemeral port: worded as the
        // `nacl-missing-ephemeral-return` finding words it, so both read alike.
        let message = || {
            if leg == Leg::Return && pkt.proto.has_ports() {
                let at = match dir {
                    Direction::Inbound => format!("from {}", pkt.src),
                    Direction::Outbound => format!("at {}", pkt.dst),
                };
                format!(
                    "{} {dir}: {} the reply ({} to the client's ephemeral port {} {at}; NACLs are stateless)",
                    acl.name,
                    rule(),
                    pkt.proto,
                    pkt.dport
                )
            } else if leg == Leg::Return {
                format!(
                    "{} {dir}: {} the reply ({} {}; NACLs are stateless)",
                    acl.name,
                    rule(),
                    what(),
                    peer()
                )
            } else {
                format!("{} {dir}: {} {} {}", acl.name, rule(), what(), peer())
            }
        };
        let hint = || {
            let ports_hint = if leg == Leg::Return && pkt.proto.has_ports() {
                format!("{} 1024-65535", pkt.proto)
            } else {
                what()
            };
            match v {
                NaclVerdict::DeniedByRule(n) => format!(
                    "rule {n} matches first; add an allow for {ports_hint} {} with a lower number, or narrow rule {n}",
                    peer()
                ),
                _ => format!("add an {dir} allow rule to {} for {ports_hint} {}", acl.name, peer()),
            }
        };
        let name = acl.name.as_str();
        Err(self.stop(
            pkt,
            self.stop_at(code, HopKind::NetworkAcl, name)
                .on(ObjectKind::NetworkAcl, name)
                .direction(dir)
                .message(message)
                .hint(hint),
        ))
    }

    /// Warns when a NACL admits the client's chosen ephemeral port but not its whole range.
    pub(super) fn check_partial_range(&mut self, ni: usize, dir: Direction, pkt: Packet) {
        if !self.rec || self.leg != Leg::Return {
            return;
        }
        let Some((range, client, port)) = self.client_range else {
            return;
        };
        if pkt.dport != port || pkt.dst != client {
            return;
        }
        let acl = &self.an.nacls[ni];
        let peer = match dir {
            Direction::Inbound => pkt.src,
            Direction::Outbound => pkt.dst,
        };
        let allowed = acl.allowed_ports(dir, pkt.proto, peer, range);
        if allowed != vec![range] {
            let name = acl.name.clone();
            self.note(|| {
                format!(
                    "{name} {dir} admits only part of the client's ephemeral range {}-{}: connections from other source ports fail",
                    range.from, range.to
                )
            });
        }
    }

    pub(super) fn firewall(&mut self, e: usize, fw: &str, s: usize, pkt: Packet, origin: Origin) -> Step {
        let an = self.an;
        let Some(f) = an.idx.firewall(an.d, fw) else {
            return Err(self.missing(fw, pkt));
        };
        if self.leg == Leg::Forward {
            let mut decision = (f.default_action, "default action".to_string());
            let mut domain_rules = false;
            for (i, r) in f.rules.iter().enumerate() {
                if r.domain.is_some() {
                    domain_rules = true;
                    continue;
                }
                // A `--proto all` query asks about all traffic: a drop rule for any one
                // protocol takes part of it away (same rule as NACL denies, filters::rule_applies).
                let proto_ok = r.proto.matches(pkt.proto)
                    || (r.action == FirewallAction::Drop && pkt.proto == crate::model::Protocol::All);
                let m = proto_ok
                    && r.source.is_none_or(|c| c.contains(&pkt.src))
                    && r.destination.is_none_or(|c| c.contains(&pkt.dst))
                    && r.ports.is_none_or(|p| !pkt.proto.has_ports() || p.contains(pkt.dport));
                if m {
                    decision = (r.action, format!("rule {}", i + 1));
                    break;
                }
            }
            if domain_rules {
                self.note(|| format!("{fw}: domain rules are not evaluated (the trace has no host name)"));
            }
            let (action, which) = decision;
            if action == FirewallAction::Drop {
                return Err(self.stop(
                    pkt,
                    self.stop_at(Code::FirewallDrop, HopKind::Firewall, fw)
                        .on(ObjectKind::Firewall, fw)
                        .message(|| format!("{fw}: {which} drops {pkt}"))
                        .hint(|| format!("add a pass rule to {fw} for this flow")),
                ));
            }
            let verb = if action == FirewallAction::Alert {
                "alert (pass)"
            } else {
                "pass"
            };
            self.fw_state.push(e);
            self.appliance_mode_advice(s, fw);
            self.hop(
                At::new(HopKind::Firewall, fw),
                pkt,
                pkt,
                || format!("{fw}: {which} {verb}"),
                || obj(ObjectKind::Firewall, fw),
            );
        } else {
            self.firewall_state(e, fw, s, pkt)?;
            self.hop(
                At::new(HopKind::Firewall, fw),
                pkt,
                pkt,
                || format!("{fw}: reply of an allowed flow (stateful)"),
                || obj(ObjectKind::Firewall, fw),
            );
        }
        self.sg_ident = false;
        self.event(e, pkt, true);
        // The firewall subnet's route table decides next (Network Firewall Developer Guide, "VPC route table configurations").
        self.nacl_check(s, Direction::Outbound, pkt, Some(e))?;
        self.route(s, pkt, origin)
    }

    /// A reply reaching Network Firewall endpoint `e`: if the request crossed
    /// another endpoint of the same firewall (another AZ), this one has no
    /// state for the flow and drops the reply. Each endpoint is a separate
    /// stateful engine in its AZ; the TGW guide's appliance scenario
    /// (transit-gateway-appliance-scenario.html) describes exactly this drop
    /// when appliance mode is off. A reply through a firewall the request
    /// never crossed is not judged here (it is passed, as before).
    pub(super) fn firewall_state(&mut self, e: usize, fw: &str, s: usize, pkt: Packet) -> Result<(), Box<Stop>> {
        let an = self.an;
        let same_fw = |x: usize| matches!(&an.idx.enis[x].owner, EniOwner::Firewall(f, _) if f == fw);
        if self.fw_state.contains(&e) || !self.fw_state.iter().any(|&x| same_fw(x)) {
            return Ok(());
        }
        let az = an.subnets[s].az.clone();
        let mut seen: Vec<&str> = self
            .fw_state
            .iter()
            .filter(|&&x| same_fw(x))
            .filter_map(|&x| an.eni_subnet[x].map(|y| an.subnets[y].az.as_str()))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        let seen = seen.join(", ");
        let vpc = an.subnets[s].vpc;
        let via_tgw = self
            .entered_without_appliance_mode(vpc)
            .map(|(t, att)| (t, att.name.as_str()));
        let (why, hint) = match via_tgw {
            Some((t, att)) => (
                format!(
                    "; appliance mode is off on {att}, so {t} sent the reply into {} in the AZ it came from ({az})",
                    an.vpcs[vpc].name
                ),
                format!(
                    "enable appliance mode on the inspection VPC attachment {att} so that {t} keeps both directions \
                     of a flow on one AZ's endpoint (AWS Reachability Analyzer: TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED)"
                ),
            ),
            None => (
                String::new(),
                format!("route the reply back through the {fw} endpoint the request used ({seen})"),
            ),
        };
        Err(self.stop(
            pkt,
            self.stop_at(Code::FirewallAsymmetric, HopKind::Firewall, fw)
                .on(ObjectKind::Firewall, fw)
                .message(|| {
                    format!(
                    "{fw}: the reply reaches the endpoint in {az}, but the request crossed the endpoint in {seen}; \
                 this endpoint has no state for the flow and drops it{why}"
                )
                })
                .hint(|| hint),
        ))
    }

    /// In this leg the packet entered VPC `vpc` from a TGW attachment without
    /// appliance mode: (TGW name, attachment).
    pub(super) fn entered_without_appliance_mode(&self, vpc: usize) -> Option<(&'a str, &'a TgwAttachment)> {
        self.tgw_entry
            .filter(|&(leg, v, _, att)| leg == self.leg && v == vpc && !att.appliance_mode)
            .map(|(_, _, t, att)| (t, att))
    }

    /// AWS Reachability Analyzer's additional detail
    /// TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED: a request reached a stateful
    /// firewall in a VPC it entered from a TGW attachment without appliance mode.
    pub(super) fn appliance_mode_advice(&mut self, s: usize, fw: &str) {
        if let Some((t, att)) = self.entered_without_appliance_mode(self.an.subnets[s].vpc) {
            let att = &att.name;
            self.note(|| {
                format!(
                    "{fw} is reached through {t} attachment {att} without appliance mode: a reply coming back \
                     from another AZ would reach another endpoint and be dropped (enable appliance mode on {att})"
                )
            });
        }
    }
}
