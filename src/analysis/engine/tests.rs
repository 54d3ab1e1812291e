//! The three levels of detail of one walk decide alike: the verdict-only
//! walk the diff and the matrix run for every pair ([`Analyzer::verdict_code`]),
//! the verdict with its stop ([`Analyzer::verdict`]) and the full trace.

use proptest::prelude::*;

use super::*;
use crate::create::templates::TEMPLATES;

/// Every endpoint a query can name in `d`: the matrix's named endpoints,
/// subnets (a hypothetical host), the IPv6 internet and AWS services.
fn query_endpoints(d: &Design) -> Vec<String> {
    let mut out = crate::analysis::named_endpoints(d);
    out.extend(d.subnets.iter().map(|s| s.name.clone()));
    out.extend(["internet6", "s3", "dynamodb", "sqs"].map(String::from));
    out
}

/// The design under test: a bundled template (every kind of component the
/// engine walks) or a deliberately messy generated design.
fn design(pick: usize, seed: u64, tweaks: &[u8]) -> Design {
    match TEMPLATES.get(pick) {
        Some(t) => t.design(),
        None => crate::model::index::tests::messy_design(seed, tweaks),
    }
}

/// Checks one query at every level of detail; `Err` names the first difference.
fn same_verdicts(an: &Analyzer<'_>, from: &str, to: &str, proto: Protocol, port: Option<u16>) -> Result<(), String> {
    let (Ok(f), Ok(t)) = (an.endpoint(from), an.endpoint(to)) else {
        return Ok(()); // names that do not parse are never walked
    };
    let q = Query::new(from, to, proto, port);
    let trace = an.trace_endpoints(&q, &f, &t);
    let code = an.verdict_code(&f, &t, proto, port);
    let stop = an.verdict(&f, &t, proto, port);
    let reachable = an.reachable(&f, &t, proto, port);
    let what = format!("{from} → {to} {proto} {port:?}");
    match &trace {
        Ok(tr) => {
            if tr.reachable != tr.blocked.is_none() {
                return Err(format!("{what}: the trace's verdict and stop disagree"));
            }
            if code != tr.blocked.as_ref().map(|b| b.code) {
                return Err(format!("{what}: verdict-only {code:?}, trace {:?}", tr.blocked));
            }
            // The stop without hops is the trace's stop, texts included.
            if stop != tr.blocked {
                return Err(format!("{what}: verdict {stop:?}, trace {:?}", tr.blocked));
            }
        }
        Err(_) => {
            if code != Some(Code::Unsupported) || stop.as_ref().map(|b| b.code) != Some(Code::Unsupported) {
                return Err(format!(
                    "{what}: the trace refuses the query, the verdicts say {code:?}"
                ));
            }
        }
    }
    if reachable != code.is_none() {
        return Err(format!("{what}: reachable {reachable}, verdict-only {code:?}"));
    }
    Ok(())
}

#[test]
fn every_template_pair_decides_alike_at_every_level_of_detail() {
    for t in TEMPLATES {
        let d = t.design();
        let idx = DesignIndex::new(&d);
        let an = Analyzer::new(&d, &idx);
        let eps = query_endpoints(&d);
        for from in &eps {
            for to in &eps {
                for (proto, port) in [
                    (Protocol::Tcp, Some(443)),
                    (Protocol::Udp, Some(53)),
                    (Protocol::Icmp, None),
                ] {
                    if let Err(e) = same_verdicts(&an, from, to, proto, port) {
                        panic!("{}: {e}", t.name);
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// On templates and messy generated designs, with or without a what-if
    /// failure, for random endpoint pairs, protocols and ports, the
    /// verdict-only walk gives the full trace's verdict and deciding code.
    #[test]
    fn verdict_only_equals_the_full_trace(
        pick in 0usize..(TEMPLATES.len() + 8),
        seed in 0u64..1000,
        tweaks in proptest::collection::vec(0u8..=255, 0..6),
        pairs in proptest::collection::vec((0usize..1000, 0usize..1000), 1..24),
        proto in prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp), Just(Protocol::Icmp), Just(Protocol::All)],
        port in prop_oneof![Just(22u16), Just(53), Just(443), Just(5432), Just(8080)],
        fail in 0usize..6,
    ) {
        let d = design(pick, seed, &tweaks);
        let idx = DesignIndex::new(&d);
        // A what-if failure now and then: an AZ or an instance down.
        let failure = match fail {
            0 => d.azs.first().map(|az| Failure::AzDown(az.clone())),
            1 => d.instances.get(seed as usize % d.instances.len().max(1)).map(|i| Failure::Component(i.name.clone())),
            _ => None,
        };
        let failed = failure.and_then(|f| apply_failures(&d, &idx, &[f]).ok());
        let fidx = failed.as_ref().map(|f| DesignIndex::new(&f.design));
        let an = match (&failed, &fidx) {
            (Some(f), Some(i)) => Analyzer::new(&f.design, i).with_failures(f),
            _ => Analyzer::new(&d, &idx),
        };
        let eps = query_endpoints(an.design());
        let port = proto.has_ports().then_some(port);
        for (i, j) in pairs {
            let (from, to) = (&eps[i % eps.len()], &eps[j % eps.len()]);
            if let Err(e) = same_verdicts(&an, from, to, proto, port) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
