//! Graphviz DOT export of the same graph the character diagram draws:
//! VPCs, AZs and subnets as nested clusters, interfaces as nodes in their
//! subnet, border gateways in their VPC, and the internet, on-premises
//! networks and transit gateways outside, with labelled links.

use std::fmt::Write as _;

use super::topology::{onprem_label, GatewayKind, HybridLink, Topology};
use crate::model::{Design, DesignIndex, ObjectRef};

/// Quotes a string for DOT.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The DOT node id of an object: kind and name, so equal names of different kinds never clash.
fn node_id(r: &ObjectRef) -> String {
    q(&format!("{:?}:{}", r.kind, r.name))
}

/// The design as a Graphviz graph (`dot -Tsvg`).
pub fn to_dot(d: &Design, idx: &DesignIndex) -> String {
    let t = Topology::new(d, idx);
    let mut o = String::new();
    let _ = writeln!(o, "graph {} {{", q(&d.name));
    o.push_str("  compound=true;\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
    let needs_internet = t.vpcs.iter().any(|v| {
        v.gateways
            .iter()
            .any(|g| matches!(g.kind, GatewayKind::Internet | GatewayKind::EgressOnly))
    }) || !t.internet_onprem.is_empty();
    if needs_internet {
        o.push_str("  \"internet\" [shape=ellipse, label=\"internet\"];\n");
    }
    for n in &d.onprem_networks {
        let r = ObjectRef::new(crate::model::ObjectKind::OnPremNetwork, n.name.clone());
        let _ = writeln!(
            o,
            "  {} [shape=box3d, label={}];",
            node_id(&r),
            q(&format!("on-prem {}", onprem_label(d, &r)))
        );
    }
    for r in &t.internet_onprem {
        let _ = writeln!(
            o,
            "  \"internet\" -- {} [label=\"over the internet\", style=dashed];",
            node_id(r)
        );
    }
    let mut edges: Vec<String> = Vec::new();
    let hybrid_edges = |from: &str, links: &[HybridLink], edges: &mut Vec<String>| {
        for h in links {
            let style = if h.up { "" } else { ", style=dotted" };
            for r in &h.onprem {
                edges.push(format!("  {from} -- {} [label={}{style}];", node_id(r), q(&h.label)));
            }
        }
    };
    for (vi, v) in t.vpcs.iter().enumerate() {
        let _ = writeln!(o, "  subgraph \"cluster_vpc_{vi}\" {{");
        let _ = writeln!(o, "    label={};", q(&format!("VPC {} {}", v.object.name, v.cidr)));
        let _ = writeln!(
            o,
            "    {} [shape=plaintext, label={}];",
            node_id(&v.object),
            q(&v.object.name)
        );
        for g in &v.gateways {
            let label = match &g.service {
                Some(svc) => format!("{} {} {svc}", g.object.name, g.kind.tag()),
                None => format!("{} {}", g.object.name, g.kind.tag()),
            };
            let _ = writeln!(o, "    {} [shape=diamond, label={}];", node_id(&g.object), q(&label));
            let gid = node_id(&g.object);
            match g.kind {
                GatewayKind::Internet | GatewayKind::EgressOnly => {
                    edges.push(format!("  {gid} -- \"internet\";"));
                }
                GatewayKind::Vpn => hybrid_edges(&gid, &g.hybrid, &mut edges),
                // A regional NAT gateway reaches the internet through the VPC's IGW.
                GatewayKind::Endpoint | GatewayKind::RegionalNat => {}
            }
        }
        for (ai, col) in v.azs.iter().enumerate() {
            let _ = writeln!(o, "    subgraph \"cluster_vpc_{vi}_az_{ai}\" {{");
            let _ = writeln!(o, "      label={};", q(&col.az));
            for s in &col.subnets {
                let _ = writeln!(
                    o,
                    "      subgraph {} {{",
                    q(&format!("cluster_subnet_{}", s.object.name))
                );
                let _ = writeln!(
                    o,
                    "        label={};",
                    q(&format!("{} {} {}", s.object.name, s.cidr, s.kind.label()))
                );
                let _ = writeln!(o, "        {} [shape=point, style=invis];", node_id(&s.object));
                for m in &s.members {
                    let mut label = if m.tag.is_empty() {
                        m.label.clone()
                    } else {
                        format!("{} {}", m.label, m.tag)
                    };
                    label.push_str(&format!("\n{}", m.private_ip));
                    if let Some(p) = m.public_ip {
                        label.push_str(&format!("\n{p}"));
                    }
                    // Secondary interfaces get their own node, keyed by their label.
                    let id = q(&format!("{:?}:{}", m.object.kind, m.label));
                    let _ = writeln!(o, "        {id} [label={}];", q(&label));
                }
                o.push_str("      }\n");
            }
            o.push_str("    }\n");
        }
        o.push_str("  }\n");
    }
    for l in &t.links {
        let style = if l.active { "" } else { ", style=dotted" };
        match l.object.kind {
            // A transit gateway or an endpoint service: a node of its own joined
            // to every VPC it connects (an endpoint service: its provider's and
            // its consumers').
            crate::model::ObjectKind::TransitGateway | crate::model::ObjectKind::EndpointService => {
                let (shape, edge) = if l.object.kind == crate::model::ObjectKind::TransitGateway {
                    ("hexagon", "attachment")
                } else {
                    ("component", "PrivateLink")
                };
                let nid = node_id(&l.object);
                let _ = writeln!(o, "  {nid} [shape={shape}, label={}];", q(&l.label));
                for &vi in &l.vpcs {
                    if let Some(v) = t.vpcs.get(vi) {
                        edges.push(format!("  {nid} -- {} [label=\"{edge}\"];", node_id(&v.object)));
                    }
                }
                hybrid_edges(&nid, &l.hybrid, &mut edges);
            }
            _ => {
                if let [a, b] = l.vpcs.as_slice() {
                    if let (Some(va), Some(vb)) = (t.vpcs.get(*a), t.vpcs.get(*b)) {
                        edges.push(format!(
                            "  {} -- {} [label={}{style}];",
                            node_id(&va.object),
                            node_id(&vb.object),
                            q(&l.label)
                        ));
                    }
                }
            }
        }
    }
    for e in edges {
        o.push_str(&e);
        o.push('\n');
    }
    o.push_str("}\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::templates::sample;

    #[test]
    fn sample_dot_has_clusters_nodes_and_the_internet_edge() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let dot = to_dot(&d, &idx);
        assert!(dot.starts_with("graph \"three-tier\" {"));
        assert!(dot.contains("subgraph \"cluster_vpc_0\""));
        assert!(dot.contains("\"Instance:db-1\" [label=\"db-1\\n10.0.20.10\"]"));
        assert!(dot.contains("\"InternetGateway:igw-shop\" -- \"internet\";"));
        assert!(dot.contains("\"internet\" -- \"OnPremNetwork:office\""));
        assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(q("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
