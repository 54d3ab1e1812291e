//! Reachability intents, evaluated with the trace engine ([`crate::analysis`]).

use std::collections::BTreeSet;

use crate::analysis::{self, Failure, Hop, HopKind, Query, Trace};
use crate::model::intent::{Intent, PATH_KINDS};
use crate::model::{cidr, Protocol, SgPeer, TraceQuery};

use super::{BlockedAt, Context, Evaluation, Status};

/// The hop kinds a `kind:KIND` name stands for.
pub(super) fn kinds_for(name: &str) -> &'static [HopKind] {
    match name {
        "internet-gateway" => &[HopKind::InternetGateway],
        "egress-only-gateway" => &[HopKind::EgressOnlyGateway],
        "nat-gateway" => &[HopKind::NatGateway],
        "gateway-endpoint" => &[HopKind::GatewayEndpoint],
        "interface-endpoint" => &[HopKind::InterfaceEndpoint],
        "peering" => &[HopKind::Peering],
        "transit-gateway" => &[HopKind::TransitGateway, HopKind::TgwAttachment, HopKind::TgwRouteTable],
        "vpn-gateway" => &[HopKind::VpnGateway],
        "vpn" => &[HopKind::VpnConnection],
        "dx" => &[HopKind::DxConnection],
        "firewall" => &[HopKind::Firewall],
        "load-balancer" => &[HopKind::LoadBalancer],
        "appliance" => &[HopKind::Appliance],
        _ => &[],
    }
}

/// Checks a `through` name: `kind:KIND` from [`PATH_KINDS`] or a name the design knows.
fn check_through(cx: &Context<'_>, through: &str) -> Result<(), String> {
    if let Some(kind) = through.strip_prefix("kind:") {
        return if PATH_KINDS.contains(&kind) {
            Ok(())
        } else {
            Err(format!(
                "unknown component kind `{kind}`; expected one of: {}",
                PATH_KINDS.join(", ")
            ))
        };
    }
    if cx.index.lookup(through).is_empty() {
        return Err(format!("`{through}` names nothing in this design"));
    }
    Ok(())
}

fn crosses(hop: &Hop, through: &str) -> bool {
    match through.strip_prefix("kind:") {
        Some(kind) => kinds_for(kind).contains(&hop.kind),
        None => hop.id == through || hop.object.as_ref().is_some_and(|o| o.name == through),
    }
}

/// `a → b → c`: the components a path crosses, without repeats in a row.
fn path_text(hops: &[Hop]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for h in hops {
        if ids.last() != Some(&h.id.as_str()) {
            ids.push(&h.id);
        }
    }
    ids.join(" → ")
}

/// What was observed: where the flow stopped and the rule or missing route
/// that decided it — never the fix (see [`Evaluation::fix`]).
fn blocked_reason(t: &Trace) -> String {
    t.summary()
}

/// The blocking hop's fix, if the trace names one.
fn fix_of(t: &Trace) -> Option<String> {
    t.blocked.as_ref().map(|b| b.hint.clone()).filter(|h| !h.is_empty())
}

fn run(cx: &Context<'_>, q: &TraceQuery, down: &[String]) -> Result<Trace, String> {
    let failures: Vec<Failure> = down.iter().map(|f| Failure::parse(cx.design, f)).collect();
    if failures.is_empty() {
        // Same as `trace_with_failures` without failures, on the shared tables.
        return cx.analyzer().trace(&Query::from(q)).map_err(|e| e.to_string());
    }
    analysis::trace_with_failures(cx.design, cx.index, q, &failures).map_err(|e| e.to_string())
}

pub(super) fn evaluate_flow(cx: &Context<'_>, intent: &Intent) -> Evaluation {
    let Some(flow) = intent.flow() else {
        return Evaluation::new(intent, Status::Error, "not a reachability intent");
    };
    let (from, to, proto, port, through, down) = (flow.from, flow.to, flow.proto, flow.port, flow.through, flow.down);
    let want = match intent {
        Intent::NoReach { .. } => Want::NoReach,
        Intent::Via { .. } => Want::Via,
        Intent::Avoid { .. } => Want::Avoid,
        _ => Want::Reach,
    };
    let q = TraceQuery {
        from: from.to_string(),
        to: to.to_string(),
        proto,
        port,
        sport: None,
    };
    let mut ev = Evaluation::new(intent, Status::Error, String::new());
    ev.query = Some(q.clone());
    ev.down = down.to_vec();
    if let Some(t) = through {
        if let Err(e) = check_through(cx, t) {
            ev.reason = e;
            return ev;
        }
    }
    let trace = match run(cx, &q, down) {
        Ok(t) => t,
        Err(e) => {
            ev.reason = e;
            return ev;
        }
    };
    ev.blocked = trace.blocked.as_ref().map(|b| BlockedAt {
        component: b.component.clone(),
        code: b.code.to_string(),
    });
    let path = path_text(&trace.forward);
    let (status, reason) = match want {
        Want::Reach if trace.reachable => (Status::Pass, format!("reachable: {path}")),
        Want::Reach => (Status::Fail, blocked_reason(&trace)),
        Want::NoReach if trace.reachable => (Status::Fail, format!("reachable, but must not be: {path}")),
        Want::NoReach => (Status::Pass, blocked_reason(&trace)),
        Want::Via | Want::Avoid if !trace.reachable => (Status::Fail, blocked_reason(&trace)),
        Want::Via | Want::Avoid => {
            let through = through.unwrap_or_default();
            let crossed = trace.forward.iter().any(|h| crosses(h, through));
            match (want, crossed) {
                (Want::Via, true) | (Want::Avoid, false) => (Status::Pass, format!("reachable: {path}")),
                (Want::Via, false) => (
                    Status::Fail,
                    format!("reachable, but the path does not cross {through}: {path}"),
                ),
                _ => (
                    Status::Fail,
                    format!("reachable, but the path crosses {through}: {path}"),
                ),
            }
        }
    };
    // A passing objective shows no fix (a blocked flow that must stay blocked passes).
    if status == Status::Fail && want != Want::NoReach {
        ev.fix = fix_of(&trace);
    }
    ev.status = status;
    ev.reason = reason;
    ev
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Reach,
    NoReach,
    Via,
    Avoid,
}

/// The destination ports worth probing: every boundary of every port range a
/// security-group, NACL or firewall rule names. Between two consecutive
/// boundaries every port gets the same verdict from every rule, so one probe
/// per interval answers "any port" exactly.
fn probe_ports(cx: &Context<'_>) -> Vec<u16> {
    let mut ports: BTreeSet<u16> = BTreeSet::from([0, 1]);
    let mut add = |from: u16, to: u16| {
        ports.insert(from);
        ports.insert(to);
        if let Some(next) = to.checked_add(1) {
            ports.insert(next);
        }
    };
    for sg in &cx.design.security_groups {
        for r in sg.inbound.iter().chain(&sg.outbound) {
            add(r.ports.from, r.ports.to);
        }
    }
    for acl in &cx.design.network_acls {
        for r in acl.inbound.iter().chain(&acl.outbound) {
            add(r.ports.from, r.ports.to);
        }
    }
    for fw in &cx.design.firewalls {
        for r in &fw.rules {
            if let Some(p) = r.ports {
                add(p.from, p.to);
            }
        }
    }
    ports.into_iter().collect()
}

/// Internet sources worth probing: the default internet host, and the first
/// address of every public IPv4 block a security-group or NACL rule names
/// (a rule that admits one public range is how a "private" tier leaks).
fn internet_sources(cx: &Context<'_>) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut add = |net: ipnet::IpNet| {
        if let ipnet::IpNet::V4(n) = net {
            let ip = n.network();
            if n.prefix_len() > 0 && !cidr::is_rfc1918(ip) && !cidr::is_rfc6598(ip) && !ip.is_loopback() {
                out.insert(format!("internet:{ip}"));
            }
        }
    };
    for sg in &cx.design.security_groups {
        for r in &sg.inbound {
            if let SgPeer::Cidr(c) = r.peer {
                add(c);
            }
        }
    }
    for acl in &cx.design.network_acls {
        for r in &acl.inbound {
            add(r.cidr);
        }
    }
    let mut v = vec!["internet".to_string()];
    v.extend(out);
    v
}

pub(super) fn nothing_reaches(cx: &Context<'_>, intent: &Intent, from: &str, tier: &str) -> Evaluation {
    let d = cx.design;
    let subnets: Vec<&str> = d
        .subnets
        .iter()
        .filter(|s| s.tier.as_deref() == Some(tier))
        .map(|s| s.name.as_str())
        .collect();
    if subnets.is_empty() {
        return Evaluation::new(intent, Status::Error, format!("no subnet has tier `{tier}`"));
    }
    // Instances by name; other interfaces (endpoints, NAT, …) by address.
    let mut targets: Vec<String> = Vec::new();
    for e in cx.index.enis.iter().filter(|e| subnets.contains(&e.subnet.as_str())) {
        match &e.owner {
            crate::model::index::EniOwner::Instance(n) => targets.push(n.clone()),
            _ if !e.private_ip.is_unspecified() => targets.push(e.private_ip.to_string()),
            _ => {}
        }
    }
    if targets.is_empty() {
        return Evaluation::new(
            intent,
            Status::Pass,
            format!("the {tier} tier has no network interfaces to reach"),
        );
    }
    let sources = if from == "internet" {
        internet_sources(cx)
    } else {
        vec![from.to_string()]
    };
    let ports = probe_ports(cx);
    let an = cx.analyzer();
    let mut probes = 0usize;
    for target in &targets {
        for src in &sources {
            let flows = ports
                .iter()
                .flat_map(|p| [(Protocol::Tcp, Some(*p)), (Protocol::Udp, Some(*p))])
                .chain([(Protocol::Icmp, None)]);
            for (proto, port) in flows {
                let q = TraceQuery {
                    from: src.clone(),
                    to: target.clone(),
                    proto,
                    port,
                    sport: None,
                };
                probes += 1;
                match an.trace(&Query::from(&q)) {
                    Err(e) => return Evaluation::new(intent, Status::Error, e.to_string()),
                    Ok(t) if t.reachable => {
                        let mut ev = Evaluation::new(
                            intent,
                            Status::Fail,
                            format!(
                                "{src} reaches {target} on {proto}{}: {}",
                                port.map(|p| format!("/{p}")).unwrap_or_default(),
                                path_text(&t.forward)
                            ),
                        );
                        ev.query = Some(q);
                        return ev;
                    }
                    Ok(_) => {}
                }
            }
        }
    }
    Evaluation::new(
        intent,
        Status::Pass,
        format!(
            "{} target(s) in the {tier} tier unreachable from {from} ({probes} probes over every port range boundary)",
            targets.len()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::{DesignIndex, Object};
    use crate::practice::exercise::{Exercise, BUNDLED};
    use crate::workspace::Workspace;

    /// The designs of every bundled exercise: its start and its reference solution.
    fn exercise_designs() -> Vec<(Exercise, crate::model::Design)> {
        let mut out = Vec::new();
        for (id, text) in BUNDLED {
            let ex = Exercise::parse(text, id).unwrap();
            let solved = ex.reference_solution().unwrap();
            out.push((ex.clone(), ex.start.clone()));
            out.push((ex, solved));
        }
        out
    }

    /// Evaluations trace on one set of compiled tables (the context's own, or the
    /// workspace's after an in-place edit) instead of compiling per probe with
    /// `analysis::trace`: every trace and every evaluation must be the same.
    #[test]
    fn shared_analysis_tables_trace_and_evaluate_like_a_fresh_analyzer() {
        for (ex, d) in exercise_designs() {
            let mut ws = Workspace::new(d);
            // An in-place edit, so the workspace's tables are patched rather than fresh.
            if let Some(sg) = ws.design().security_groups.first().cloned() {
                let mut sg = sg;
                sg.description = Some("edited".into());
                ws.apply(Edit::Put(Object::SecurityGroup(sg))).unwrap();
            }
            let d = ws.design().clone();
            let idx = DesignIndex::new(&d);
            let own = Context::new(&d, &idx);
            let lent = Context::new(ws.design(), ws.index()).with_analysis(ws.analysis_tables());
            let names = analysis::named_endpoints(&d);
            for from in names.iter().take(8) {
                for to in names.iter().take(8) {
                    for (proto, port) in [(Protocol::Tcp, Some(443)), (Protocol::Icmp, None)] {
                        let q = TraceQuery {
                            from: from.clone(),
                            to: to.clone(),
                            proto,
                            port,
                            sport: None,
                        };
                        let fresh = analysis::trace(&d, &idx, &q);
                        assert_eq!(own.analyzer().trace(&Query::from(&q)), fresh, "{} {q:?}", ex.title);
                        assert_eq!(lent.analyzer().trace(&Query::from(&q)), fresh, "{} {q:?}", ex.title);
                    }
                }
            }
            assert_eq!(
                own.evaluate_all(&ex.objectives),
                lent.evaluate_all(&ex.objectives),
                "{}",
                ex.title
            );
        }
    }
}
