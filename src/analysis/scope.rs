//! Beyond one packet: the reachability matrix, scope queries in the spirit
//! of Network Access Analyzer ("who can reach X on port P", "what can X
//! reach", "what is exposed to the internet") and the reachability diff
//! between two designs.
//!
//! Endpoints considered ("named endpoints"): every instance, every load
//! balancer, `internet`, and every on-prem network (`onprem:NAME`).
//! Listening ports of an endpoint are derived from its security groups'
//! inbound rules (the lowest port of each range; a rule for all ports or all
//! protocols is probed on tcp 22) and, for a load balancer, its listeners.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use super::endpoint::Endpoint;
use super::{Analyzer, Blocked, Hop, Query};
use crate::model::index::EniOwner;
use crate::model::{Design, DesignIndex, Protocol};

/// One cell of a matrix: from row to column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    pub from: String,
    pub to: String,
    pub reachable: bool,
    /// The blocking code when not reachable (`None` on the diagonal too).
    pub code: Option<String>,
}

/// A reachability matrix for one protocol/port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    pub proto: Protocol,
    pub port: Option<u16>,
    pub endpoints: Vec<String>,
    /// Row-major: `cells[i * n + j]` is endpoints\[i\] → endpoints\[j\]; the diagonal is `None`.
    pub cells: Vec<Option<MatrixCell>>,
}

impl Matrix {
    pub fn get(&self, from: usize, to: usize) -> Option<&MatrixCell> {
        self.cells
            .get(from * self.endpoints.len() + to)
            .and_then(Option::as_ref)
    }

    /// A text grid: `✓` reachable, `·` not, blank on the diagonal.
    pub fn to_text(&self) -> String {
        let w = Self::text_width(&self.endpoints);
        let mut s = Self::text_header(self.proto, self.port, self.endpoints.len(), w);
        for (i, e) in self.endpoints.iter().enumerate() {
            let cells = (0..self.endpoints.len()).map(|j| self.get(i, j).map(|c| c.reachable));
            s.push_str(&Self::text_row(i, e, w, cells));
        }
        s
    }

    /// The width of the name column of [`Matrix::to_text`].
    pub fn text_width(endpoints: &[String]) -> usize {
        endpoints.iter().map(|e| e.chars().count()).max().unwrap_or(4).max(4)
    }

    /// The first two lines of [`Matrix::to_text`]: the title and the column numbers.
    pub fn text_header(proto: Protocol, port: Option<u16>, columns: usize, w: usize) -> String {
        let mut s = String::new();
        let port = port.map(|p| format!("/{p}")).unwrap_or_default();
        s.push_str(&format!("{proto}{port} (rows: from, columns: to)\n"));
        s.push_str(&format!("{:w$}", ""));
        for j in 0..columns {
            s.push_str(&format!(" {:>3}", j + 1));
        }
        s.push('\n');
        s
    }

    /// Row `i` of [`Matrix::to_text`]: `Some(reachable)` per column, `None` on the diagonal.
    pub fn text_row(i: usize, name: &str, w: usize, cells: impl Iterator<Item = Option<bool>>) -> String {
        let mut s = format!("{name:w$}");
        for c in cells {
            let c = match c {
                None => " ",
                Some(true) => "✓",
                Some(false) => "·",
            };
            s.push_str(&format!(" {c:>3}"));
        }
        s.push_str(&format!("  {}\n", i + 1));
        s
    }
}

/// A matrix over endpoint classes (see [`verdicts`](super::verdicts)): what
/// `vpcd matrix` prints for many endpoints instead of every pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassMatrix {
    pub proto: Protocol,
    pub port: Option<u16>,
    /// The members of each class, by name, in the order of the endpoint list.
    pub classes: Vec<Vec<String>>,
    /// Row-major: `cells[i * classes + j]` is class i → class j.
    pub cells: Vec<super::ClassCell>,
}

impl ClassMatrix {
    pub fn get(&self, from: usize, to: usize) -> Option<&super::ClassCell> {
        self.cells.get(from * self.classes.len() + to)
    }

    /// The endpoints counted in the classes.
    pub fn endpoints(&self) -> usize {
        self.classes.iter().map(Vec::len).sum()
    }

    /// The title, the class list (count and first member) and the column numbers.
    pub fn text_header(&self) -> String {
        Self::header_text(self.proto, self.port, &self.classes)
    }

    /// Row `i` of the class grid (blank where a class has no pair with itself).
    pub fn text_row(&self, i: usize) -> String {
        let n = self.classes.len();
        Self::row_text(
            i,
            n,
            &self.cells[(i * n).min(self.cells.len())..((i + 1) * n).min(self.cells.len())],
        )
    }

    /// [`ClassMatrix::text_header`] without the cells: what a streamed matrix prints first.
    pub fn header_text(proto: Protocol, port: Option<u16>, classes: &[Vec<String>]) -> String {
        let port = port.map(|p| format!("/{p}")).unwrap_or_default();
        let n = classes.len();
        let endpoints: usize = classes.iter().map(Vec::len).sum();
        let mut s = format!(
            "{proto}{port} by class: {endpoints} endpoints in {n} classes (rows: from, columns: to; ✓ every pair reachable, · none, ◐ some)\n",
        );
        let w = n.to_string().len().max(3);
        for (i, m) in classes.iter().enumerate() {
            let first = m.first().map(String::as_str).unwrap_or_default();
            let more = match m.len() {
                0 | 1 => String::new(),
                k => format!(" and {} more", k - 1),
            };
            s.push_str(&format!("{:>w$}  {:>6} × {first}{more}\n", i + 1, m.len()));
        }
        s.push_str(&format!("{:w$}", ""));
        for j in 0..n {
            s.push_str(&format!(" {:>w$}", j + 1));
        }
        s.push('\n');
        s
    }

    /// Row `i` of a grid of `n` classes from its cells (as streamed).
    pub fn row_text(i: usize, n: usize, cells: &[super::ClassCell]) -> String {
        use std::fmt::Write;
        let w = n.to_string().len().max(3);
        let mut s = format!("{:>w$}", i + 1);
        for j in 0..n {
            let c = match cells.get(j) {
                Some(c) if c.pairs == 0 => " ",
                Some(c) if c.reachable == c.pairs => "✓",
                Some(c) if c.reachable == 0 => "·",
                Some(_) => "◐",
                None => " ",
            };
            // Writing to a String cannot fail.
            let _ = write!(s, " {c:>w$}");
        }
        s.push('\n');
        s
    }
}

/// The endpoints `endpoints` name, parsed, without repeats and names that do
/// not parse: (name, endpoint).
fn parse_distinct<'n>(an: &Analyzer<'_>, endpoints: &'n [String]) -> Vec<(&'n String, Endpoint)> {
    let mut seen = BTreeSet::new();
    endpoints
        .iter()
        .filter(|e| seen.insert(e.as_str()))
        .filter_map(|e| an.endpoint(e).ok().map(|p| (e, p)))
        .collect()
}

/// The matrix of `endpoints` by class: one walk per pair of classes and per
/// pair within a class. Names that do not parse and repeated names are skipped.
/// Reports `(classes done, classes)`.
pub fn matrix_by_class(
    an: &Analyzer<'_>,
    endpoints: &[String],
    proto: Protocol,
    port: Option<u16>,
    progress: &mut dyn FnMut(usize, usize),
) -> ClassMatrix {
    let parsed = parse_distinct(an, endpoints);
    let eps: Vec<Endpoint> = parsed.iter().map(|(_, e)| e.clone()).collect();
    let (members, cells) = super::classes::class_matrix(an, &eps, proto, port, progress);
    ClassMatrix {
        proto,
        port,
        classes: members
            .into_iter()
            .map(|m| m.into_iter().map(|k| parsed[k].0.clone()).collect())
            .collect(),
        cells,
    }
}

/// [`matrix_by_class`] streamed: `classes` receives the members of every
/// class first, then `row(i, cells of class i → every class)` once per class
/// as it is computed. Only one row of cells is held at a time, so memory
/// grows with the classes, not with their square.
pub fn for_each_class_row(
    an: &Analyzer<'_>,
    endpoints: &[String],
    proto: Protocol,
    port: Option<u16>,
    classes: &mut dyn FnMut(&[Vec<String>]),
    row: &mut dyn FnMut(usize, &[super::ClassCell]),
) {
    let parsed = parse_distinct(an, endpoints);
    let eps: Vec<Endpoint> = parsed.iter().map(|(_, e)| e.clone()).collect();
    let members = super::classes::endpoint_classes(an, &eps);
    let names: Vec<Vec<String>> = members
        .iter()
        .map(|m| m.iter().map(|&k| parsed[k].0.clone()).collect())
        .collect();
    classes(&names);
    drop(names);
    let mut cells = Vec::with_capacity(members.len());
    for ci in 0..members.len() {
        super::classes::class_row(an, &eps, &members, ci, proto, port, &mut cells);
        row(ci, &cells);
    }
}

/// The named endpoints of a design: instances, load balancers, `internet`, `onprem:NAME`.
pub fn named_endpoints(d: &Design) -> Vec<String> {
    let mut out: Vec<String> = d.instances.iter().map(|i| i.name.clone()).collect();
    out.extend(d.load_balancers.iter().map(|l| l.name.clone()));
    out.push("internet".into());
    out.extend(d.onprem_networks.iter().map(|n| format!("onprem:{}", n.name)));
    out
}

/// Every endpoint × every other endpoint for one protocol/port.
/// Names that do not parse are skipped (they cannot be traced).
pub fn matrix(an: &Analyzer<'_>, endpoints: &[String], proto: Protocol, port: Option<u16>) -> Matrix {
    matrix_with_progress(an, endpoints, proto, port, &mut |_, _| {})
}

/// [`matrix`], reporting `(rows done, rows)` as it goes (for a progress bar).
pub fn matrix_with_progress(
    an: &Analyzer<'_>,
    endpoints: &[String],
    proto: Protocol,
    port: Option<u16>,
    progress: &mut dyn FnMut(usize, usize),
) -> Matrix {
    let parsed: Vec<(String, Endpoint)> = endpoints
        .iter()
        .filter_map(|e| an.endpoint(e).ok().map(|p| (e.clone(), p)))
        .collect();
    let n = parsed.len();
    let eps: Vec<Endpoint> = parsed.iter().map(|(_, e)| e.clone()).collect();
    // One walk per pair of endpoint classes (see `classes`), same verdicts.
    let verdicts = super::classes::verdicts_with_progress(an, &eps, &eps, proto, port, progress);
    let mut cells = Vec::with_capacity(n * n);
    for (i, (fname, _)) in parsed.iter().enumerate() {
        for (j, (tname, _)) in parsed.iter().enumerate() {
            if fname == tname {
                cells.push(None);
                continue;
            }
            let code = verdicts[i * n + j];
            cells.push(Some(MatrixCell {
                from: fname.clone(),
                to: tname.clone(),
                reachable: code.is_none(),
                code: code.map(|c| c.as_str().to_string()),
            }));
        }
    }
    Matrix {
        proto,
        port,
        endpoints: parsed.into_iter().map(|(n, _)| n).collect(),
        cells,
    }
}

/// A concrete path found by a scope query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopePath {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
    pub port: Option<u16>,
    /// The forward hops of the path.
    pub path: Vec<Hop>,
}

impl fmt::Display for ScopePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = self.port.map(|p| format!("/{p}")).unwrap_or_default();
        let hops: Vec<&str> = self.path.iter().map(|h| h.id.as_str()).collect();
        write!(
            f,
            "{} → {} {}{}: {}",
            self.from,
            self.to,
            self.proto,
            port,
            hops.join(" → ")
        )
    }
}

fn path(an: &Analyzer<'_>, from: &str, to: &str, proto: Protocol, port: Option<u16>) -> Option<ScopePath> {
    let (f, t) = (an.endpoint(from).ok()?, an.endpoint(to).ok()?);
    if !an.reachable(&f, &t, proto, port) {
        return None;
    }
    let q = Query {
        from: from.into(),
        to: to.into(),
        proto,
        port,
        sport: None,
    };
    let tr = an.trace_endpoints(&q, &f, &t).ok()?;
    Some(ScopePath {
        from: from.into(),
        to: to.into(),
        proto,
        port,
        path: tr.forward,
    })
}

/// "Who can reach X on port P": every named endpoint that reaches `target`, with its path.
pub fn who_can_reach(an: &Analyzer<'_>, target: &str, proto: Protocol, port: Option<u16>) -> Vec<ScopePath> {
    named_endpoints(an.design())
        .iter()
        .filter(|s| s.as_str() != target)
        .filter_map(|s| path(an, s, target, proto, port))
        .collect()
}

/// "What can X reach": every named endpoint and listening port `source` reaches, with its path.
pub fn what_can_reach(an: &Analyzer<'_>, source: &str) -> Vec<ScopePath> {
    let d = an.design();
    let mut out = Vec::new();
    for to in named_endpoints(d) {
        if to == source {
            continue;
        }
        let ports = if to == "internet" || to.starts_with("onprem:") {
            vec![(Protocol::Tcp, 443)]
        } else {
            listening_ports(d, an.index(), &to)
        };
        for (proto, port) in ports {
            if let Some(p) = path(an, source, &to, proto, Some(port)) {
                out.push(p);
            }
        }
    }
    out
}

/// "What is exposed to the internet": every instance and load balancer port
/// reachable from an internet host (IPv4, and IPv6 for hosts with an IPv6 address).
pub fn exposed_to_internet(an: &Analyzer<'_>) -> Vec<ScopePath> {
    let d = an.design();
    let mut out = Vec::new();
    let targets = d
        .instances
        .iter()
        .map(|i| (i.name.clone(), i.ipv6.is_some()))
        .chain(d.load_balancers.iter().map(|l| (l.name.clone(), false)));
    for (name, v6) in targets {
        for (proto, port) in listening_ports(d, an.index(), &name) {
            if let Some(p) = path(an, "internet", &name, proto, Some(port)) {
                out.push(p);
            }
            if v6 {
                if let Some(ip) = d.instances.iter().find(|i| i.name == name).and_then(|i| i.ipv6) {
                    if let Some(mut p) = path(an, "internet6", &ip.to_string(), proto, Some(port)) {
                        p.to = name.clone();
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// The (protocol, port) pairs an endpoint listens on: derived from its SGs'
/// inbound rules and, for a load balancer, its listeners.
pub fn listening_ports(d: &Design, idx: &DesignIndex, endpoint: &str) -> Vec<(Protocol, u16)> {
    let mut set: BTreeSet<(Protocol, u16)> = BTreeSet::new();
    if let Some(lb) = idx.load_balancer(d, endpoint) {
        for l in &lb.listeners {
            set.insert((l.proto, l.port));
        }
        return set.into_iter().collect();
    }
    let sgs: Vec<String> = match idx.eni(&EniOwner::Instance(endpoint.to_string())) {
        Some(e) => e.security_groups.clone(),
        None => Vec::new(),
    };
    for g in &sgs {
        let Some(sg) = idx.security_group(d, g) else { continue };
        for r in &sg.inbound {
            match r.proto {
                Protocol::Tcp | Protocol::Udp => {
                    let p = r.effective_ports();
                    let port = if p.is_all() { 22 } else { p.from.max(1) };
                    set.insert((r.proto, port));
                }
                Protocol::All => {
                    set.insert((Protocol::Tcp, 22));
                }
                Protocol::Icmp | Protocol::Icmpv6 | Protocol::Number(_) => {}
            }
        }
    }
    set.into_iter().collect()
}

/// One flow that an edit opened or closed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FlowKey {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
    pub port: u16,
}

impl fmt::Display for FlowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {} {}/{}", self.from, self.to, self.proto, self.port)
    }
}

/// A flow whose verdict differs between two designs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowChange {
    pub flow: FlowKey,
    /// true: opened (now reachable); false: closed.
    pub opened: bool,
    /// For a closed flow: what blocks it now.
    pub blocked: Option<Blocked>,
}

impl FlowChange {
    /// The change as one line, each endpoint and component written by
    /// `label` (the plain line is [`Display`](fmt::Display); `vpcd diff`
    /// adds imported objects' AWS ids).
    pub fn line(&self, label: impl Fn(&str) -> String) -> String {
        let FlowKey { from, to, proto, port } = &self.flow;
        let flow = format!("{} → {} {proto}/{port}", label(from), label(to));
        match (&self.blocked, self.opened) {
            (_, true) => format!("opened: {flow}"),
            (Some(b), false) => format!("closed: {flow} ({} at {})", b.code, label(&b.component)),
            (None, false) => format!("closed: {flow}"),
        }
    }
}

impl fmt::Display for FlowChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line(str::to_string))
    }
}

/// The flows opened and closed between two designs, over the named
/// endpoints present in both and the listening ports either design derives.
pub fn diff_designs(old: &Design, new: &Design) -> Vec<FlowChange> {
    let (oi, ni) = (DesignIndex::new(old), DesignIndex::new(new));
    let (oa, na) = (Analyzer::new(old, &oi), Analyzer::new(new, &ni));
    diff_analyzers(&oa, &na, false)
}

/// [`diff_designs`] on two prebuilt analyzers (e.g. one of them built with
/// what-if failures, see [`diff_under_failures`]). With `egress`, flows to
/// `internet` and each `onprem:NAME` are probed too, on tcp/443 (as
/// [`what_can_reach`] does): a removed NAT route closes `app-1 → internet`.
pub fn diff_analyzers(oa: &Analyzer<'_>, na: &Analyzer<'_>, egress: bool) -> Vec<FlowChange> {
    diff_analyzers_with_progress(oa, na, egress, &mut |_, _| {})
}

/// [`diff_designs`], reporting `(endpoints done, endpoints)` as destinations
/// finish (for a progress bar).
pub fn diff_designs_with_progress(
    old: &Design,
    new: &Design,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<FlowChange> {
    let (oi, ni) = (DesignIndex::new(old), DesignIndex::new(new));
    let (oa, na) = (Analyzer::new(old, &oi), Analyzer::new(new, &ni));
    diff_analyzers_with_progress(&oa, &na, false, progress)
}

fn diff_analyzers_with_progress(
    oa: &Analyzer<'_>,
    na: &Analyzer<'_>,
    egress: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<FlowChange> {
    super::diff::flow_changes(oa, na, egress, progress)
}

/// What-if diff: the flows among the design's named endpoints that the
/// failures close (or, rarely, open), without changing the design.
pub fn diff_under_failures(
    d: &Design,
    idx: &DesignIndex,
    failures: &[super::Failure],
) -> Result<Vec<FlowChange>, super::QueryError> {
    let failed = super::engine::apply_failures(d, idx, failures)?;
    let fidx = DesignIndex::new(&failed.design);
    let base = Analyzer::new(d, idx);
    let what_if = Analyzer::new(&failed.design, &fidx).with_failures(&failed);
    Ok(diff_analyzers(&base, &what_if, true))
}

/// How many verdicts [`diff_designs`] computes on a design (pairs of named
/// endpoints × listening ports of the target, twice): a cheap bound callers
/// use to decide whether an automatic diff fits their time budget.
pub fn diff_cost(d: &Design, idx: &DesignIndex) -> usize {
    let n = named_endpoints(d).len();
    let ports: usize = d
        .instances
        .iter()
        .map(|i| listening_ports(d, idx, &i.name).len())
        .chain(d.load_balancers.iter().map(|l| l.listeners.len()))
        .sum();
    let egress = 1 + d.onprem_networks.len();
    2 * n.saturating_sub(1) * (ports + egress)
}

/// [`diff_designs`] plus egress flows (to `internet` and `onprem:NAME` on
/// tcp/443): what the designer's reachability note lists after an edit.
pub fn diff_designs_with_egress(old: &Design, new: &Design) -> Vec<FlowChange> {
    let (oi, ni) = (DesignIndex::new(old), DesignIndex::new(new));
    let (oa, na) = (Analyzer::new(old, &oi), Analyzer::new(new, &ni));
    diff_analyzers(&oa, &na, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample;

    fn has(changes: &[FlowChange], text: &str) -> bool {
        changes.iter().any(|c| c.to_string().starts_with(text))
    }

    #[test]
    fn a_removed_nat_route_closes_egress_only_in_the_egress_diff() {
        let old = sample::three_tier();
        let mut new = old.clone();
        if let Some(rt) = new.route_tables.iter_mut().find(|r| r.name == "rt-app-a") {
            rt.routes.clear();
        }
        let plain = diff_designs(&old, &new);
        assert!(
            plain.iter().all(|c| c.flow.to != "internet"),
            "vpcd diff's contract: no egress flows: {plain:?}"
        );
        let with = diff_designs_with_egress(&old, &new);
        assert!(has(&with, "closed: app-1 → internet tcp/443"), "{with:?}");
        assert!(!has(&with, "closed: app-2 → internet"), "app-2 uses rt-app-b: {with:?}");
        assert!(diff_designs_with_egress(&old, &old).is_empty());
    }

    #[test]
    fn what_if_a_nat_gateway_fails_closes_its_subnets_egress() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let changes = diff_under_failures(&d, &idx, &[super::super::Failure::Component("nat-a".into())]).unwrap();
        assert!(has(&changes, "closed: app-1 → internet tcp/443"), "{changes:?}");
        assert!(
            changes.iter().all(|c| !c.opened),
            "a failure opens nothing here: {changes:?}"
        );
        assert!(diff_under_failures(&d, &idx, &[super::super::Failure::Component("nat-zz".into())]).is_err());
        assert!(diff_cost(&d, &idx) > 0);
    }
}
