//! The design review as Markdown (GitHub-flavoured): summary, one section per
//! VPC, the diagram, findings with hints, internet exposure, the reachability
//! matrix of the named endpoints and what-if results. Pure: a design in, text out.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::analysis::{self, Analyzer, Failure};
use crate::cost::{self, PriceTable};
use crate::diagram::{Charset, Diagram, DiagramOptions, Zoom};
use crate::model::*;
use crate::validate::{self, Severity};

/// Above this many named endpoints the matrix is grouped by class (tier).
pub const MATRIX_GROUP_ABOVE: usize = 16;

/// What to put in the report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// What-if failures to evaluate; empty means each AZ and each NAT gateway.
    pub failures: Vec<String>,
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Writes the report.
pub fn render(d: &Design, options: &ReportOptions) -> String {
    let idx = DesignIndex::new(d);
    let diags = validate::validate_with(d, &idx);
    let an = Analyzer::new(d, &idx);
    let est = cost::estimate_indexed(d, &idx, &PriceTable::builtin());
    let mut out = String::new();
    let _ = writeln!(out, "# Design review: {}\n", d.name);
    if let Some(text) = &d.description {
        let _ = writeln!(out, "{text}\n");
    }
    let _ = writeln!(out, "Region `{}`, availability zones {}.\n", d.region, list(&d.azs));

    // Summary.
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "| | count |\n|---|---:|");
    let _ = writeln!(out, "| VPCs | {} |", d.vpcs.len());
    let mut kinds: BTreeMap<SubnetKind, usize> = BTreeMap::new();
    for s in &d.subnets {
        *kinds.entry(idx.subnet_kind(d, s)).or_default() += 1;
    }
    for (k, n) in &kinds {
        let _ = writeln!(out, "| {k} subnets | {n} |");
    }
    for (label, n) in [
        ("internet gateways", d.internet_gateways.len()),
        ("egress-only internet gateways", d.egress_only_gateways.len()),
        ("NAT gateways", d.nat_gateways.len()),
        ("VPC endpoints", d.endpoints.len()),
        ("peering connections", d.peerings.len()),
        ("transit gateways", d.transit_gateways.len()),
        ("virtual private gateways", d.vpn_gateways.len()),
        ("VPN connections", d.vpn_connections.len()),
        ("Direct Connect connections", d.dx_connections.len()),
        ("network firewalls", d.firewalls.len()),
        ("load balancers", d.load_balancers.len()),
        ("instances", d.instances.len()),
    ] {
        if n > 0 {
            let _ = writeln!(out, "| {label} | {n} |");
        }
    }
    let errors = diags.iter().filter(|x| x.severity == Severity::Error).count();
    let warnings = diags.iter().filter(|x| x.severity == Severity::Warning).count();
    let _ = writeln!(
        out,
        "\n**Estimated cost: {} per month** ({} prices as of {}). **Findings:** {errors} errors, {warnings} warnings, {} infos.\n",
        cost::dollars(est.total_monthly_usd),
        est.price_region,
        est.prices_as_of,
        diags.len() - errors - warnings
    );
    if est.items.iter().any(|i| !i.free) {
        let _ = writeln!(out, "| cost item | object | per month |\n|---|---|---:|");
        for i in est.items.iter().filter(|i| !i.free) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&i.item),
                cell(&i.object),
                cost::dollars(i.monthly_usd)
            );
        }
        out.push('\n');
    }

    // Diagram.
    let _ = writeln!(out, "## Diagram\n");
    let zoom = if d.subnets.len() > 40 {
        Zoom::Summary
    } else {
        Zoom::Detail
    };
    let diagram = Diagram::build(
        d,
        &idx,
        &diags,
        DiagramOptions {
            width: 120,
            charset: Charset::Unicode,
            zoom,
        },
    );
    let _ = writeln!(out, "```text\n{}```\n", diagram.to_text());

    // Findings.
    let _ = writeln!(out, "## Findings\n");
    if diags.is_empty() {
        let _ = writeln!(out, "No findings: AWS would accept this design.\n");
    } else {
        let _ = writeln!(
            out,
            "| severity | code | where | finding | hint |\n|---|---|---|---|---|"
        );
        for x in &diags {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                x.severity,
                x.code,
                cell(&x.path),
                cell(&x.message),
                cell(&x.hint)
            );
        }
        out.push('\n');
    }

    for v in &d.vpcs {
        vpc_section(d, &idx, v, &mut out);
    }

    exposure(&an, &mut out);
    matrix(d, &idx, &an, &mut out);
    what_ifs(d, &idx, options, &mut out);
    out
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

fn vpc_section(d: &Design, idx: &DesignIndex, v: &Vpc, out: &mut String) {
    let mut cidrs = vec![v.cidr.to_string()];
    cidrs.extend(v.secondary_cidrs.iter().map(|c| c.to_string()));
    cidrs.extend(v.ipv6_cidr.iter().map(|c| c.to_string()));
    let _ = writeln!(out, "## VPC {} ({})\n", v.name, cidrs.join(", "));
    if let Some(text) = &v.description {
        let _ = writeln!(out, "{text}\n");
    }
    let subnets: Vec<&Subnet> = d.subnets.iter().filter(|s| s.vpc == v.name).collect();
    let _ = writeln!(out, "### Subnets\n");
    let _ = writeln!(
        out,
        "| subnet | AZ | CIDR | kind | tier | route table | network ACL |\n|---|---|---|---|---|---|---|"
    );
    for s in &subnets {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            s.name,
            s.az,
            s.ipv6_cidr
                .map(|c| format!("{}, {c}", s.cidr))
                .unwrap_or_else(|| s.cidr.to_string()),
            idx.subnet_kind(d, s),
            s.tier.as_deref().unwrap_or(""),
            s.route_table
                .as_deref()
                .unwrap_or(&format!("{} (main)", v.main_route_table)),
            s.network_acl
                .as_deref()
                .unwrap_or(&format!("{} (default)", v.default_network_acl)),
        );
    }
    out.push('\n');

    let _ = writeln!(out, "### Route tables\n");
    let _ = writeln!(out, "| route table | destination | target |\n|---|---|---|");
    for rt in d.route_tables.iter().filter(|t| t.vpc == v.name) {
        let main = if rt.name == v.main_route_table { " (main)" } else { "" };
        let _ = writeln!(out, "| {}{main} | {} | local |", rt.name, v.cidr);
        for r in &rt.routes {
            let _ = writeln!(out, "| {} | {} | {} |", rt.name, r.dest, r.target);
        }
        for g in &rt.propagating_vgws {
            let _ = writeln!(out, "| {} | (propagated) | {g} |", rt.name);
        }
    }
    out.push('\n');

    let sgs: Vec<&SecurityGroup> = d.security_groups.iter().filter(|g| g.vpc == v.name).collect();
    if !sgs.is_empty() {
        let _ = writeln!(out, "### Security groups\n");
        let _ = writeln!(
            out,
            "| group | direction | protocol | ports | peer | description |\n|---|---|---|---|---|---|"
        );
        for g in sgs {
            if g.inbound.is_empty() && g.outbound.is_empty() {
                let _ = writeln!(out, "| {} | | | | (no rules) | |", g.name);
            }
            for (dir, rules) in [("inbound", &g.inbound), ("outbound", &g.outbound)] {
                for r in rules {
                    let _ = writeln!(
                        out,
                        "| {} | {dir} | {} | {} | {} | {} |",
                        g.name,
                        r.proto,
                        r.effective_ports(),
                        r.peer,
                        cell(r.description.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        out.push('\n');
    }

    let acls: Vec<&NetworkAcl> = d.network_acls.iter().filter(|a| a.vpc == v.name).collect();
    if !acls.is_empty() {
        let _ = writeln!(out, "### Network ACLs\n");
        let _ = writeln!(
            out,
            "| ACL | direction | rule | action | protocol | ports | CIDR |\n|---|---|---:|---|---|---|---|"
        );
        for a in acls {
            for (dir, rules) in [("inbound", &a.inbound), ("outbound", &a.outbound)] {
                for r in rules {
                    let _ = writeln!(
                        out,
                        "| {} | {dir} | {} | {} | {} | {} | {} |",
                        a.name,
                        r.number,
                        r.action,
                        r.proto,
                        r.effective_ports(),
                        r.cidr
                    );
                }
                // The implicit last rule (VPC User Guide, "Network ACL rules").
                let _ = writeln!(out, "| {} | {dir} | * | deny | all | all | any |", a.name);
            }
        }
        out.push('\n');
    }
}

fn exposure(an: &Analyzer<'_>, out: &mut String) {
    let _ = writeln!(out, "## Internet exposure\n");
    let paths = analysis::what_can_reach(an, "internet");
    if paths.is_empty() {
        let _ = writeln!(
            out,
            "Nothing in the design can be reached from the internet on the ports its endpoints listen on.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "What a host on the internet can open a connection to (reply included):\n"
    );
    let _ = writeln!(out, "| endpoint | protocol | port | path |\n|---|---|---:|---|");
    for p in paths {
        let hops: Vec<&str> = p.path.iter().map(|h| h.id.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            p.to,
            p.proto,
            p.port.map(|x| x.to_string()).unwrap_or_else(|| "all".into()),
            cell(&hops.join(" → "))
        );
    }
    out.push('\n');
}

/// The endpoint's class on large designs: its subnet's tier (else the subnet's
/// kind), `load balancer`, or itself for `internet` and on-prem networks.
fn class_of(d: &Design, idx: &DesignIndex, e: &str) -> String {
    if let Some(i) = d.instances.iter().find(|i| i.name == e) {
        if let Some(s) = d.subnets.iter().find(|s| s.name == i.subnet) {
            return match &s.tier {
                Some(t) => format!("tier {t}"),
                None => format!("{} subnets", idx.subnet_kind(d, s)),
            };
        }
    }
    if d.load_balancers.iter().any(|l| l.name == e) {
        return "load balancers".into();
    }
    e.to_string()
}

fn matrix(d: &Design, idx: &DesignIndex, an: &Analyzer<'_>, out: &mut String) {
    let _ = writeln!(out, "## Reachability\n");
    let endpoints = analysis::named_endpoints(d);
    // Each target is probed on the ports it listens on (its SG's and listeners'),
    // the outside ones on tcp/443.
    let ports: Vec<Vec<(Protocol, u16)>> = endpoints
        .iter()
        .map(|e| {
            if e == "internet" || e.starts_with("onprem:") {
                vec![(Protocol::Tcp, 443)]
            } else {
                analysis::listening_ports(d, idx, e)
            }
        })
        .collect();
    let parsed: Vec<Option<analysis::Endpoint>> = endpoints.iter().map(|e| an.endpoint(e).ok()).collect();
    let outside = |e: &str| e == "internet" || e.starts_with("onprem:");
    let reach = |i: usize, j: usize| -> Vec<String> {
        let (Some(a), Some(b)) = (&parsed[i], &parsed[j]) else {
            return Vec::new();
        };
        if i == j || (outside(&endpoints[i]) && outside(&endpoints[j])) {
            return Vec::new();
        }
        ports[j]
            .iter()
            .filter(|(p, port)| an.reachable(a, b, *p, Some(*port)))
            .map(|(p, port)| format!("{p}/{port}"))
            .collect()
    };
    if endpoints.len() <= MATRIX_GROUP_ABOVE {
        let _ = writeln!(
            out,
            "Rows open connections to columns; a cell lists the ports reached (each target probed on the ports it listens on; `internet` and on-premises on tcp/443), `·` none.\n"
        );
        let _ = write!(out, "| from \\ to |");
        for e in &endpoints {
            let _ = write!(out, " {} |", cell(e));
        }
        let _ = write!(out, "\n|---|");
        for _ in &endpoints {
            out.push_str("---|");
        }
        out.push('\n');
        for (i, from) in endpoints.iter().enumerate() {
            let _ = write!(out, "| **{}** |", cell(from));
            for j in 0..endpoints.len() {
                let c = if i == j {
                    String::new()
                } else {
                    let r = reach(i, j);
                    if r.is_empty() {
                        "·".into()
                    } else {
                        r.join(" ")
                    }
                };
                let _ = write!(out, " {c} |");
            }
            out.push('\n');
        }
        out.push('\n');
        return;
    }
    // Grouped: a cell counts the pairs of the two classes with at least one port reached.
    let mut classes: Vec<String> = Vec::new();
    let class: Vec<usize> = endpoints
        .iter()
        .map(|e| {
            let c = class_of(d, idx, e);
            match classes.iter().position(|x| *x == c) {
                Some(p) => p,
                None => {
                    classes.push(c);
                    classes.len() - 1
                }
            }
        })
        .collect();
    let n = classes.len();
    let mut reached = vec![0usize; n * n];
    let mut pairs = vec![0usize; n * n];
    for i in 0..endpoints.len() {
        for j in 0..endpoints.len() {
            if i == j || (outside(&endpoints[i]) && outside(&endpoints[j])) {
                continue;
            }
            let k = class[i] * n + class[j];
            pairs[k] += 1;
            if !reach(i, j).is_empty() {
                reached[k] += 1;
            }
        }
    }
    let _ = writeln!(
        out,
        "{} named endpoints, grouped by class (instances by their subnet's tier). A cell is reached pairs / pairs: rows open connections to columns on a port the target listens on.\n",
        endpoints.len()
    );
    let _ = write!(out, "| from \\ to |");
    for c in &classes {
        let _ = write!(out, " {} |", cell(c));
    }
    let _ = write!(out, "\n|---|");
    for _ in &classes {
        out.push_str("---:|");
    }
    out.push('\n');
    for (a, c) in classes.iter().enumerate() {
        let _ = write!(out, "| **{}** |", cell(c));
        for b in 0..n {
            let k = a * n + b;
            let text = if pairs[k] == 0 {
                String::new()
            } else {
                format!("{}/{}", reached[k], pairs[k])
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn what_ifs(d: &Design, idx: &DesignIndex, options: &ReportOptions, out: &mut String) {
    let _ = writeln!(out, "## What if\n");
    let failures: Vec<Failure> = if options.failures.is_empty() {
        let mut f: Vec<Failure> = d
            .azs
            .iter()
            .filter(|az| d.subnets.iter().any(|s| s.az == **az))
            .map(|az| Failure::AzDown(az.clone()))
            .collect();
        f.extend(d.nat_gateways.iter().map(|n| Failure::Component(n.name.clone())));
        f.extend(d.vpn_connections.iter().map(|n| Failure::Component(n.name.clone())));
        f.extend(d.dx_connections.iter().map(|n| Failure::Component(n.name.clone())));
        f
    } else {
        options.failures.iter().map(|s| Failure::parse(d, s)).collect()
    };
    if failures.is_empty() {
        let _ = writeln!(out, "No failures to evaluate.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| failure | flows closed | flows opened | for example |\n|---|---:|---:|---|"
    );
    for f in &failures {
        match analysis::diff_under_failures(d, idx, std::slice::from_ref(f)) {
            Ok(changes) => {
                let closed: Vec<_> = changes.iter().filter(|c| !c.opened).collect();
                let opened = changes.len() - closed.len();
                let example = closed
                    .iter()
                    .take(3)
                    .map(|c| c.flow.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                let _ = writeln!(out, "| {f} | {} | {opened} | {} |", closed.len(), cell(&example));
            }
            Err(e) => {
                let _ = writeln!(out, "| {f} | | | cannot evaluate: {} |", cell(&e.to_string()));
            }
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_report_has_every_section() {
        let d = crate::create::templates::sample::three_tier();
        let text = render(&d, &ReportOptions::default());
        for heading in [
            "# Design review: ",
            "## Summary",
            "## Diagram",
            "## Findings",
            "## VPC shop",
            "### Subnets",
            "### Route tables",
            "### Security groups",
            "### Network ACLs",
            "## Internet exposure",
            "## Reachability",
            "## What if",
        ] {
            assert!(text.contains(heading), "missing {heading}:\n{text}");
        }
        // The sample's web servers answer the internet on 80/443; its database does not.
        let exposure = &text[text.find("## Internet exposure").unwrap()..text.find("## Reachability").unwrap()];
        assert!(
            exposure.contains("| web-1 | tcp | 443 |") || exposure.contains("| web-1 | tcp | 80 |"),
            "{exposure}"
        );
        assert!(!exposure.contains("| db-1 |"), "{exposure}");
        assert!(text.contains("| AZ us-east-1a down |"), "{text}");
    }

    #[test]
    fn tables_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn large_designs_get_a_grouped_matrix() {
        let d = crate::create::templates::TEMPLATES
            .iter()
            .map(|t| t.design())
            .max_by_key(|d| analysis::named_endpoints(d).len())
            .unwrap();
        let mut big = d.clone();
        // Enough instances to pass the grouping threshold.
        if let Some(first) = d.instances.first() {
            for n in 0..MATRIX_GROUP_ABOVE {
                let mut i = first.clone();
                i.name = format!("{}-copy{n}", first.name);
                i.private_ip = None;
                i.elastic_ip = None;
                big.instances.push(i);
            }
        }
        let text = render(&big, &ReportOptions::default());
        assert!(text.contains("grouped by class"), "{text}");
    }
}
