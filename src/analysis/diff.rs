//! The reachability diff between two designs, computed the way a matrix is:
//! one walk per pair of endpoint classes (see `classes`), and only for the
//! endpoints a change can reach at all.
//!
//! Two endpoints share a class here when they share one in the old design
//! *and* in the new one, so a class pair's two verdicts (before, after) stand
//! for every pair of its members. Pairs within one class are walked one by
//! one, as the matrix does.
//!
//! When the designs differ only in the rules of some security groups, a flow
//! can change only where a walk evaluates one of those groups: security
//! groups are checked at the interfaces they are attached to, and a rule that
//! references a group reads that group's members and VPC, never its rules. If
//! every interface carrying a changed group is an instance's primary
//! interface that no object names (so no route, target or address sends
//! other traffic through it), the flows that can change are exactly those
//! from or to those instances; everything else is skipped. Any other change
//! compares every pair of classes.

use std::collections::BTreeSet;

use super::classes::{classes, referenced_instances};
use super::endpoint::Endpoint;
use super::fast::{fx_map, FxMap};
use super::scope::{listening_ports, named_endpoints, FlowChange, FlowKey};
use super::Analyzer;
use crate::model::index::EniOwner;
use crate::model::{Design, Protocol, SecurityGroup};

/// A named endpoint present in both designs: its name and what it stands for in each.
struct Both<'n> {
    name: &'n str,
    old: Endpoint,
    new: Endpoint,
}

fn outside(name: &str) -> bool {
    name == "internet" || name.starts_with("onprem:")
}

/// The flows opened and closed from `oa`'s design to `na`'s, over the named
/// endpoints present in both (egress to `internet`/`onprem:` on tcp/443 with
/// `egress`), reporting `(endpoints done, endpoints)` as destinations finish.
/// Sorted: opened first, then by flow.
pub(super) fn flow_changes(
    oa: &Analyzer<'_>,
    na: &Analyzer<'_>,
    egress: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<FlowChange> {
    let (old, new) = (oa.design(), na.design());
    let old_names: BTreeSet<String> = named_endpoints(old).into_iter().collect();
    let names: Vec<String> = named_endpoints(new)
        .into_iter()
        .filter(|n| old_names.contains(n))
        .collect();
    // Names that do not parse in either design cannot be traced: skipped.
    let eps: Vec<Both<'_>> = names
        .iter()
        .filter_map(|n| {
            Some(Both {
                name: n,
                old: oa.endpoint(n).ok()?,
                new: na.endpoint(n).ok()?,
            })
        })
        .collect();
    let old_ids = classes(oa, &eps.iter().map(|e| &e.old).collect::<Vec<_>>());
    let new_ids = classes(na, &eps.iter().map(|e| &e.new).collect::<Vec<_>>());
    let mut class_of: FxMap<(usize, usize), usize> = fx_map();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (k, ids) in old_ids.into_iter().zip(new_ids).enumerate() {
        let c = *class_of.entry(ids).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[c].push(k);
    }
    let affected: Option<Vec<bool>> =
        affected_endpoints(oa, na, &eps).map(|hit| members.iter().map(|m| m.iter().any(|&k| hit[k])).collect());

    let mut out = Vec::new();
    let mut done = 0;
    for (cj, tos) in members.iter().enumerate() {
        progress(done, eps.len());
        done += tos.len();
        let t = &eps[tos[0]];
        // Every member of a class has the same groups, so the same listening ports.
        let ports: BTreeSet<(Protocol, u16)> = if outside(t.name) {
            if !egress {
                continue;
            }
            [(Protocol::Tcp, 443)].into_iter().collect()
        } else {
            let mut p: BTreeSet<(Protocol, u16)> = listening_ports(old, oa.index(), t.name).into_iter().collect();
            p.extend(listening_ports(new, na.index(), t.name));
            p
        };
        for (ci, froms) in members.iter().enumerate() {
            if affected.as_ref().is_some_and(|a| !a[ci] && !a[cj]) {
                continue;
            }
            if ci == cj {
                // Within one class the two ends are related: walk each pair.
                for &i in froms {
                    for &j in tos {
                        if i != j {
                            pair_changes(oa, na, &eps[i], &eps[j], &ports, &mut out);
                        }
                    }
                }
                continue;
            }
            let f = &eps[froms[0]];
            if outside(t.name) && outside(f.name) {
                continue; // singletons: outside endpoints are never grouped
            }
            for &(proto, port) in &ports {
                let before = oa.reachable(&f.old, &t.old, proto, Some(port));
                let after = na.reachable(&f.new, &t.new, proto, Some(port));
                if before == after {
                    continue;
                }
                for &i in froms {
                    for &j in tos {
                        let (f, t) = (&eps[i], &eps[j]);
                        // The blocking hop names addresses: each pair's own.
                        let blocked = if after {
                            None
                        } else {
                            na.verdict(&f.new, &t.new, proto, Some(port))
                        };
                        out.push(FlowChange {
                            flow: flow(f, t, proto, port),
                            opened: after,
                            blocked,
                        });
                    }
                }
            }
        }
    }
    progress(eps.len(), eps.len());
    out.sort_by(|a, b| b.opened.cmp(&a.opened).then(a.flow.cmp(&b.flow)));
    out
}

fn flow(f: &Both<'_>, t: &Both<'_>, proto: Protocol, port: u16) -> FlowKey {
    FlowKey {
        from: f.name.to_string(),
        to: t.name.to_string(),
        proto,
        port,
    }
}

/// One pair walked on its own, before and after.
fn pair_changes(
    oa: &Analyzer<'_>,
    na: &Analyzer<'_>,
    f: &Both<'_>,
    t: &Both<'_>,
    ports: &BTreeSet<(Protocol, u16)>,
    out: &mut Vec<FlowChange>,
) {
    if outside(f.name) && outside(t.name) {
        return;
    }
    for &(proto, port) in ports {
        let before = oa.reachable(&f.old, &t.old, proto, Some(port));
        let after = na.reachable(&f.new, &t.new, proto, Some(port));
        if before != after {
            out.push(FlowChange {
                flow: flow(f, t, proto, port),
                opened: after,
                // The stop's texts are built only for a flow that closed.
                blocked: if after {
                    None
                } else {
                    na.verdict(&f.new, &t.new, proto, Some(port))
                },
            });
        }
    }
}

/// Which endpoints of `eps` the change from `oa`'s design to `na`'s can
/// reach (see the module documentation), or `None` when it may reach any.
fn affected_endpoints(oa: &Analyzer<'_>, na: &Analyzer<'_>, eps: &[Both<'_>]) -> Option<Vec<bool>> {
    if oa.has_failures() || na.has_failures() {
        return None;
    }
    let (old, new) = (oa.design(), na.design());
    let changed = changed_security_groups(old, new)?;
    let named = referenced_instances(old);
    let mut instances: FxMap<&str, usize> = fx_map();
    for i in &old.instances {
        *instances.entry(i.name.as_str()).or_default() += 1;
    }
    let mut hit: FxMap<&str, ()> = fx_map();
    for eni in &oa.index().enis {
        if !eni.security_groups.iter().any(|g| changed.contains_key(g.as_str())) {
            continue;
        }
        match &eni.owner {
            EniOwner::Instance(n) if !named.contains_key(n.as_str()) && instances.get(n.as_str()) == Some(&1) => {
                hit.insert(n.as_str(), ());
            }
            // A load balancer, endpoint, secondary interface or middlebox
            // instance carries it: other flows may pass there.
            _ => return None,
        }
    }
    Some(eps.iter().map(|e| hit.contains_key(e.name)).collect())
}

/// The names of the security groups whose rules differ, when that is all
/// that differs (same names, each group in the same VPC); `None` otherwise.
fn changed_security_groups<'d>(old: &'d Design, new: &Design) -> Option<FxMap<&'d str, ()>> {
    let mut rest = old.clone();
    rest.security_groups.clone_from(&new.security_groups);
    if rest != *new {
        return None;
    }
    let by_name = |d: &Design| -> Option<FxMap<String, SecurityGroup>> {
        let mut m: FxMap<String, SecurityGroup> = fx_map();
        for g in &d.security_groups {
            if m.insert(g.name.clone(), g.clone()).is_some() {
                return None; // duplicate names: which one a reference means is ambiguous
            }
        }
        Some(m)
    };
    let (before, after) = (by_name(old)?, by_name(new)?);
    if before.len() != after.len() {
        return None;
    }
    let mut changed: FxMap<&'d str, ()> = fx_map();
    for g in &old.security_groups {
        let now = after.get(&g.name)?;
        if now.vpc != g.vpc {
            return None; // a reference to the group reads its VPC
        }
        if now != g {
            changed.insert(g.name.as_str(), ());
        }
    }
    Some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DesignIndex, PortRange, SgPeer, SgRule};
    use proptest::prelude::*;

    /// The diff walked pair by pair for every named endpoint: the oracle.
    fn pairwise(oa: &Analyzer<'_>, na: &Analyzer<'_>, egress: bool) -> Vec<FlowChange> {
        let (old, new) = (oa.design(), na.design());
        let old_names: BTreeSet<String> = named_endpoints(old).into_iter().collect();
        let names: Vec<String> = named_endpoints(new)
            .into_iter()
            .filter(|n| old_names.contains(n))
            .collect();
        let mut out = Vec::new();
        for (j, to) in names.iter().enumerate() {
            let ports: BTreeSet<(Protocol, u16)> = if outside(to) {
                if !egress {
                    continue;
                }
                [(Protocol::Tcp, 443)].into_iter().collect()
            } else {
                let mut p: BTreeSet<_> = listening_ports(old, oa.index(), to).into_iter().collect();
                p.extend(listening_ports(new, na.index(), to));
                p
            };
            for (i, from) in names.iter().enumerate() {
                let (Ok(of), Ok(ot), Ok(nf), Ok(nt)) =
                    (oa.endpoint(from), oa.endpoint(to), na.endpoint(from), na.endpoint(to))
                else {
                    continue;
                };
                if i == j || (outside(to) && outside(from)) {
                    continue;
                }
                for &(proto, port) in &ports {
                    let before = oa.reachable(&of, &ot, proto, Some(port));
                    let after = na.verdict(&nf, &nt, proto, Some(port));
                    if before != after.is_none() {
                        out.push(FlowChange {
                            flow: FlowKey {
                                from: from.clone(),
                                to: to.clone(),
                                proto,
                                port,
                            },
                            opened: after.is_none(),
                            blocked: after,
                        });
                    }
                }
            }
        }
        out.sort_by(|a, b| b.opened.cmp(&a.opened).then(a.flow.cmp(&b.flow)));
        out
    }

    fn both_ways(old: &Design, new: &Design, egress: bool) -> (Vec<FlowChange>, Vec<FlowChange>) {
        let (oi, ni) = (DesignIndex::new(old), DesignIndex::new(new));
        let (oa, na) = (Analyzer::new(old, &oi), Analyzer::new(new, &ni));
        (
            flow_changes(&oa, &na, egress, &mut |_, _| {}),
            pairwise(&oa, &na, egress),
        )
    }

    /// Opens tcp/`port` from anywhere on the group of the instance `at`, or
    /// closes its group's first inbound rule when `close`.
    fn change_group(d: &mut Design, at: usize, port: u16, close: bool) {
        let Some(g) = d.instances.get(at).and_then(|i| i.security_groups.first()).cloned() else {
            return;
        };
        let Some(sg) = d.security_groups.iter_mut().find(|s| s.name == g) else {
            return;
        };
        if close && !sg.inbound.is_empty() {
            sg.inbound.remove(0);
        } else {
            sg.inbound.push(SgRule::new(
                Protocol::Tcp,
                PortRange::single(port),
                SgPeer::Cidr(crate::model::any_v4()),
            ));
        }
    }

    #[test]
    fn a_rule_change_on_a_generated_design_is_scoped_to_its_group_and_exact() {
        let old = crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).unwrap();
        let mut new = old.clone();
        change_group(&mut new, 3, 5432, false);
        let (oi, ni) = (DesignIndex::new(&old), DesignIndex::new(&new));
        let (oa, na) = (Analyzer::new(&old, &oi), Analyzer::new(&new, &ni));
        let names: Vec<String> = named_endpoints(&old);
        let eps: Vec<Both<'_>> = names
            .iter()
            .filter_map(|n| {
                Some(Both {
                    name: n,
                    old: oa.endpoint(n).ok()?,
                    new: na.endpoint(n).ok()?,
                })
            })
            .collect();
        let hit = affected_endpoints(&oa, &na, &eps).expect("an SG-only change is scoped");
        let n = hit.iter().filter(|h| **h).count();
        assert!(n > 0 && n < eps.len(), "{n} of {} endpoints affected", eps.len());
        let (fast, slow) = both_ways(&old, &new, false);
        assert!(!slow.is_empty(), "opening a port changes some flow");
        assert_eq!(fast, slow);
    }

    #[test]
    fn a_change_beyond_security_groups_compares_every_pair() {
        let old = crate::create::templates::sample::three_tier();
        let mut new = old.clone();
        if let Some(rt) = new.route_tables.iter_mut().find(|r| r.name == "rt-app-a") {
            rt.routes.clear();
        }
        assert!(changed_security_groups(&old, &new).is_none());
        let (fast, slow) = both_ways(&old, &new, true);
        assert!(!slow.is_empty());
        assert_eq!(fast, slow);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// The grouped, scoped diff equals the pair-by-pair diff on messy
        /// designs, for security-group changes (scoped) and route changes
        /// (every pair), with and without egress flows.
        #[test]
        fn grouped_diff_equals_pairwise_diff(
            seed in 0u64..1000,
            tweaks in proptest::collection::vec(0u8..=255, 0..6),
            at in 0usize..24,
            port in prop_oneof![Just(22u16), Just(443), Just(5432)],
            close in any::<bool>(),
            route in any::<bool>(),
            egress in any::<bool>(),
        ) {
            let old = crate::model::index::tests::messy_design(seed, &tweaks);
            let mut new = old.clone();
            change_group(&mut new, at, port, close);
            if route {
                if let Some(rt) = new.route_tables.get_mut(at % old.route_tables.len().max(1)) {
                    rt.routes.pop();
                }
            }
            let (fast, slow) = both_ways(&old, &new, egress);
            prop_assert_eq!(fast, slow);
        }
    }
}
