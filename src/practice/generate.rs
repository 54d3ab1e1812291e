//! Generated troubleshooting exercises: take a healthy design, inject one fault
//! from the catalogue ([`super::faults`]), and write an ordinary exercise whose
//! objectives come from the flows the healthy design carries.
//!
//! * Objectives that break: flows the healthy design carries and the broken
//!   one does not (or carries without the gateway, endpoint or NAT it is meant
//!   to use, as `Via(kind:…)`), and flows that must stay blocked but the fault
//!   opened.
//! * Guards that must keep holding: flows that still work, flows the healthy
//!   design blocks (from the internet first), and structural facts true of the
//!   healthy design (no SSH open to the world, no public address in a private
//!   tier, no allow-all NACL), so "open everything" fails.
//! * Every verdict comes from the trace engine and the grader; nothing is
//!   hard-coded. The start must fail and the reference (the healthy design,
//!   written as edits on the start) must pass, or the candidate is rejected.
//!
//! The same options and seed give the same exercise.

use std::collections::BTreeSet;

use crate::analysis::{Analyzer, Compiled, Query};
use crate::create::synthetic::SplitMix64;
use crate::edit::Edit;
use crate::model::intent::{Fact, Intent};
use crate::model::*;

use super::exercise::{self, Exercise, Hint, EXERCISE_VERSION};
use super::faults::{self, FaultKind, Injection, FAULTS};
use super::reach::kinds_for;

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A fault id from the catalogue; `None` picks one (within `topic` if given).
    pub fault: Option<String>,
    pub topic: Option<String>,
    /// The healthy design and a label for it; `None` tries the bundled templates.
    pub base: Option<(String, Design)>,
    pub seed: u64,
}

/// Path kinds an objective insists on, most specific first: a flow the healthy
/// design sends through one of these must keep using it.
const SIGNIFICANT: &[&str] = &[
    "gateway-endpoint",
    "interface-endpoint",
    "egress-only-gateway",
    "firewall",
    "nat-gateway",
    "transit-gateway",
    "peering",
];

/// The most attempts (fault × place) tried before giving up.
const MAX_ATTEMPTS: usize = 60;

/// Generates an exercise. Errors say why nothing could be generated (unknown
/// fault or topic, or no place where the fault breaks a flow of the design).
pub fn generate(opts: &Options) -> Result<Exercise, String> {
    let kinds: Vec<&'static FaultKind> = match (&opts.fault, &opts.topic) {
        (Some(id), _) => {
            vec![faults::find(id).ok_or_else(|| format!("unknown fault `{id}` (see `vpcd exercise --faults`)"))?]
        }
        (None, Some(t)) => {
            let v: Vec<&FaultKind> = FAULTS.iter().filter(|f| f.topic == t).collect();
            if v.is_empty() {
                return Err(format!("unknown topic `{t}`; topics: {}", faults::topics().join(", ")));
            }
            v
        }
        (None, None) => FAULTS.iter().collect(),
    };
    let bases: Vec<(String, Design)> = match &opts.base {
        Some(b) => vec![b.clone()],
        None => crate::create::templates::TEMPLATES
            .iter()
            .map(|t| (t.name.to_string(), t.design()))
            .collect(),
    };
    let mut rng = SplitMix64::new(opts.seed ^ 0x7EAC_u64.rotate_left(17));
    let mut pairs: Vec<(usize, usize)> = (0..kinds.len())
        .flat_map(|k| (0..bases.len()).map(move |b| (k, b)))
        .collect();
    shuffle(&mut pairs, &mut rng);
    let mut attempts = 0;
    for (k, b) in pairs {
        let (label, base) = &bases[b];
        let mut injections = kinds[k].injections(base);
        shuffle(&mut injections, &mut rng);
        for inj in injections {
            attempts += 1;
            if let Some(ex) = build(kinds[k], label, inj, opts.seed, &mut rng) {
                return Ok(ex);
            }
            if attempts >= MAX_ATTEMPTS {
                break;
            }
        }
        if attempts >= MAX_ATTEMPTS {
            break;
        }
    }
    Err(match &opts.fault {
        Some(id) => format!("fault `{id}` breaks no flow of this design; try another fault or template"),
        None => "no fault breaks a flow of this design; try another template".to_string(),
    })
}

fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

/// One candidate flow and what the engine says about it on one design.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Flow {
    from: String,
    to: String,
    port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdict {
    reachable: bool,
    /// The first [`SIGNIFICANT`] kind the forward path crosses.
    via: Option<&'static str>,
}

fn verdicts(d: &Design, flows: &[Flow]) -> Vec<Option<Verdict>> {
    let idx = DesignIndex::new(d);
    let compiled = Compiled::new(d, &idx);
    let an = Analyzer::with_compiled(d, &idx, &compiled);
    flows
        .iter()
        .map(|f| {
            let q = TraceQuery {
                from: f.from.clone(),
                to: f.to.clone(),
                proto: Protocol::Tcp,
                port: Some(f.port),
                sport: None,
            };
            let t = an.trace(&Query::from(&q)).ok()?;
            let via = if t.reachable {
                SIGNIFICANT
                    .iter()
                    .copied()
                    .find(|k| t.forward.iter().any(|h| kinds_for(k).contains(&h.kind)))
            } else {
                None
            };
            Some(Verdict {
                reachable: t.reachable,
                via,
            })
        })
        .collect()
}

/// The flows worth asking about in a design: its instances, load balancers,
/// the internet (IPv6 too when the design has it), on-premises networks and the
/// AWS services its endpoints serve, on each destination's service ports plus
/// SSH and HTTPS.
fn candidate_flows(d: &Design) -> Vec<Flow> {
    let ipv6 = d.vpcs.iter().any(|v| v.ipv6_cidr.is_some());
    let mut sources: Vec<String> = d.instances.iter().map(|i| i.name.clone()).collect();
    sources.push("internet".into());
    if ipv6 {
        sources.push("internet6".into());
    }
    sources.extend(d.onprem_networks.iter().map(|n| format!("onprem:{}", n.name)));
    let mut dests: Vec<(String, Vec<u16>)> = Vec::new();
    for i in &d.instances {
        let mut ports: BTreeSet<u16> = BTreeSet::from([22, 443]);
        for g in &i.security_groups {
            if let Some(sg) = d.security_groups.iter().find(|s| s.name == *g) {
                for r in sg
                    .inbound
                    .iter()
                    .filter(|r| r.proto.has_ports() && r.ports.from == r.ports.to)
                {
                    ports.insert(r.ports.from);
                }
            }
        }
        dests.push((i.name.clone(), ports.into_iter().take(5).collect()));
    }
    for lb in &d.load_balancers {
        let ports: Vec<u16> = lb.listeners.iter().map(|l| l.port).take(3).collect();
        dests.push((lb.name.clone(), if ports.is_empty() { vec![443] } else { ports }));
    }
    dests.push(("internet".into(), vec![443]));
    if ipv6 {
        dests.push(("internet6".into(), vec![443]));
    }
    let services: BTreeSet<&str> = d.endpoints.iter().map(|e| e.service.as_str()).collect();
    dests.extend(services.into_iter().map(|s| (s.to_string(), vec![443])));
    dests.extend(
        d.onprem_networks
            .iter()
            .map(|n| (format!("onprem:{}", n.name), vec![443])),
    );
    let outside = |e: &str| e.starts_with("internet") || e.starts_with("onprem:");
    let mut out = Vec::new();
    for from in &sources {
        for (to, ports) in &dests {
            if from == to || (outside(from) && outside(to)) {
                continue;
            }
            for &port in ports {
                out.push(Flow {
                    from: from.clone(),
                    to: to.clone(),
                    port,
                });
            }
        }
    }
    out
}

fn flow_intent(f: &Flow, v: Verdict, want_reach: bool) -> Intent {
    let (from, to, port) = (f.from.clone(), f.to.clone(), Some(f.port));
    let proto = Protocol::Tcp;
    match (want_reach, v.via) {
        (false, _) => Intent::NoReach {
            from,
            to,
            proto,
            port,
            down: Vec::new(),
        },
        (true, Some(k)) => Intent::Via {
            from,
            to,
            proto,
            port,
            through: format!("kind:{k}"),
            down: Vec::new(),
        },
        (true, None) => Intent::Reach {
            from,
            to,
            proto,
            port,
            down: Vec::new(),
        },
    }
}

fn words(endpoint: &str) -> String {
    if let Some(ip) = endpoint.strip_prefix("internet:") {
        return format!("the internet address {ip}");
    }
    if let Some(net) = endpoint.strip_prefix("onprem:") {
        return format!("the on-premises network {net}");
    }
    match endpoint {
        "internet" => "clients on the internet".to_string(),
        "internet6" => "IPv6 hosts on the internet".to_string(),
        e => e.to_string(),
    }
}

fn kind_words(kind: &str) -> String {
    kind.replace('-', " ")
}

/// The edits that turn `from` into `to` (objects put or deleted).
fn diff_edits(from: &Design, to: &Design) -> Vec<Edit> {
    let mut edits = Vec::new();
    for r in to.object_refs() {
        let want = to.get(&r);
        if from.get(&r) != want {
            if let Some(obj) = want {
                edits.push(Edit::Put(obj));
            }
        }
    }
    for r in from.object_refs() {
        if to.get(&r).is_none() {
            edits.push(Edit::Delete(r));
        }
    }
    edits
}

fn pick<T: Clone>(v: &[T], n: usize, rng: &mut SplitMix64) -> Vec<T> {
    let mut v = v.to_vec();
    shuffle(&mut v, rng);
    v.truncate(n);
    v
}

/// Structural facts true of the healthy design that a gamed fix would break.
fn structural_guards(d: &Design) -> Vec<Intent> {
    let mut tiers: Vec<&str> = d.subnets.iter().filter_map(|s| s.tier.as_deref()).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let mut out = vec![Intent::Struct(Fact::NoSgOpenToWorld(22))];
    for t in tiers {
        let has_instances = d.instances.iter().any(|i| {
            d.subnets
                .iter()
                .any(|s| s.name == i.subnet && s.tier.as_deref() == Some(t))
        });
        if has_instances {
            out.push(Intent::Struct(Fact::TierHasNoPublicIp(t.to_string())));
        }
        out.push(Intent::Struct(Fact::NoAllowAllNaclRule(t.to_string())));
    }
    let holds = super::evaluate(d, &out);
    out.into_iter()
        .zip(holds)
        .filter(|(_, e)| e.holds())
        .map(|(i, _)| i)
        .collect()
}

fn build(fault: &FaultKind, label: &str, inj: Injection, seed: u64, rng: &mut SplitMix64) -> Option<Exercise> {
    let mut flows = candidate_flows(&inj.healthy);
    let focus: Vec<Flow> = inj
        .focus
        .iter()
        .map(|(from, to, port)| Flow {
            from: from.clone(),
            to: to.clone(),
            port: *port,
        })
        .collect();
    for f in focus.iter().rev() {
        if !flows.contains(f) {
            flows.insert(0, f.clone());
        }
    }
    let healthy = verdicts(&inj.healthy, &flows);
    let broken = verdicts(&inj.broken, &flows);
    let mut breaks: Vec<(Flow, Intent, String)> = Vec::new();
    let mut keeps: Vec<Intent> = Vec::new();
    let mut blocked: Vec<Intent> = Vec::new();
    for ((f, h), b) in flows.iter().zip(&healthy).zip(&broken) {
        let (Some(h), Some(b)) = (h, b) else { continue };
        let (from, to, port) = (words(&f.from), words(&f.to), f.port);
        match (h.reachable, b.reachable) {
            (true, false) => breaks.push((
                f.clone(),
                flow_intent(f, *h, true),
                format!("{from} can no longer reach {to} on tcp/{port}."),
            )),
            (true, true) if h.via.is_some() && h.via != b.via => {
                let k = kind_words(h.via.unwrap_or_default());
                breaks.push((
                    f.clone(),
                    flow_intent(f, *h, true),
                    format!(
                        "{from} still reaches {to} on tcp/{port}, but no longer through the {k} it is meant to use."
                    ),
                ))
            }
            (true, true) => keeps.push(flow_intent(f, *h, true)),
            (false, true) => breaks.push((
                f.clone(),
                flow_intent(f, *h, false),
                format!("{from} can now reach {to} on tcp/{port}, which must stay blocked."),
            )),
            (false, false) => blocked.push(flow_intent(f, *h, false)),
        }
    }
    if breaks.is_empty() {
        return None;
    }
    // The fault's own flows first, then a seeded choice of the others.
    let (mut chosen, rest): (Vec<_>, Vec<_>) = breaks.into_iter().partition(|(f, _, _)| focus.contains(f));
    chosen.truncate(2);
    let more = 3usize.saturating_sub(chosen.len());
    chosen.extend(pick(&rest, more, rng));
    let from_outside = |i: &Intent| i.flow().is_some_and(|f| f.from.starts_with("internet"));
    let (outside, inside): (Vec<Intent>, Vec<Intent>) = blocked.into_iter().partition(from_outside);
    let mut objectives: Vec<Intent> = chosen.iter().map(|(_, i, _)| i.clone()).collect();
    objectives.extend(pick(&keeps, 2, rng));
    objectives.extend(pick(&outside, 3, rng));
    objectives.extend(pick(&inside, 1, rng));
    objectives.extend(structural_guards(&inj.healthy));

    let first = &chosen[0].0;
    let symptoms: Vec<&str> = chosen.iter().map(|(_, _, s)| s.as_str()).collect();
    let about = inj
        .healthy
        .description
        .clone()
        .unwrap_or_else(|| format!("The design {}", inj.healthy.name));
    let brief = format!(
        "{} Since a recent change: {} Find the cause and fix it, without opening anything that must stay closed: the objectives also list flows that must stay blocked and settings that must stay safe.",
        about.trim_end_matches('.').to_string() + ".",
        symptoms.join(" ")
    );
    let hints = vec![
        Hint {
            text: format!(
                "Trace {} → {} tcp/{} (Enter on the objective, or `vpcd trace`): which component stops it, or which component does the path no longer cross?",
                first.from, first.to, first.port
            ),
            cost: 10,
        },
        Hint {
            text: fault.lesson.to_string(),
            cost: 15,
        },
        Hint {
            text: format!("The fix: {}.", inj.fix),
            cost: 25,
        },
    ];
    let solution = diff_edits(&inj.broken, &inj.healthy);
    let ex = Exercise {
        exercise: EXERCISE_VERSION,
        title: format!("Troubleshooting: {} → {}", first.from, first.to),
        concept: format!(
            "{} · troubleshooting ({}) · generated from {label}, seed {seed}",
            fault.exam, fault.topic
        ),
        brief,
        objectives,
        hints,
        start: inj.broken,
        solution,
    };
    ex.check().ok()?;
    let start = exercise::grade(&ex.objectives, &ex.hints, &ex.start, 0);
    let reference = exercise::grade(&ex.objectives, &ex.hints, &ex.reference_solution().ok()?, 0);
    let in_error = |r: &exercise::Report| r.objectives.iter().any(|e| e.status == super::Status::Error);
    if start.solved || !reference.solved || in_error(&start) || in_error(&reference) {
        return None;
    }
    Some(ex)
}

/// The exercise as a file: RON, `exercise:` first, ready for `vpcd exercise FILE`.
pub fn to_file_text(ex: &Exercise, seed: u64) -> Result<String, String> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(5)
        .indentor("  ".to_string())
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let body = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .to_string_pretty(ex, config)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "// A generated troubleshooting exercise (seed {seed}). Grade it with `vpcd exercise FILE`.\n{body}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_exercise_and_another_seed_may_differ() {
        let opts = |seed| Options {
            fault: Some("nat-route-missing".into()),
            seed,
            ..Options::default()
        };
        let a = generate(&opts(7)).unwrap();
        let b = generate(&opts(7)).unwrap();
        assert_eq!(a, b);
        let text = to_file_text(&a, 7).unwrap();
        let again = Exercise::parse(&text, "generated.ron").unwrap();
        assert_eq!(again, a, "the file reads back as the same exercise");
        assert!(exercise::is_exercise_text(&text));
    }

    #[test]
    fn unknown_fault_and_topic_are_explained() {
        let e = generate(&Options {
            fault: Some("no-such".into()),
            ..Options::default()
        })
        .unwrap_err();
        assert!(e.contains("--faults"), "{e}");
        let e = generate(&Options {
            topic: Some("nope".into()),
            ..Options::default()
        })
        .unwrap_err();
        assert!(e.contains("topics: public-subnets"), "{e}");
    }
}
