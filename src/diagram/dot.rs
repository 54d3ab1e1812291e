//! Graphviz DOT export of the same graph the character diagram draws:
//! VPCs, AZs and subnets as nested clusters, interfaces as nodes in their
//! subnet, border gateways in their VPC, and the internet, on-premises
//! networks and transit gateways outside, with labelled links, and each
//! subnet's routes out of its VPC as arrows from the subnet to the route's
//! target labelled with the destinations. Links are undirected (`dir=none`);
//! only route edges carry an arrow head.

use std::fmt::Write as _;

use super::topology::{onprem_label, GatewayKind, HybridLink, Member, Topology};
use crate::model::{Design, DesignIndex, ObjectKind, ObjectRef};

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
    let _ = writeln!(o, "digraph {} {{", q(&d.name));
    o.push_str("  compound=true;\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
    o.push_str("  edge [dir=none];\n");
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
            "  \"internet\" -> {} [label=\"over the internet\", style=dashed];",
            node_id(r)
        );
    }
    let mut edges: Vec<String> = Vec::new();
    let hybrid_edges = |from: &str, links: &[HybridLink], edges: &mut Vec<String>| {
        for h in links {
            let style = if h.up { "" } else { ", style=dotted" };
            for r in &h.onprem {
                edges.push(format!("  {from} -> {} [label={}{style}];", node_id(r), q(&h.label)));
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
                    edges.push(format!("  {gid} -> \"internet\";"));
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
                    let id = member_id(m);
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
                        edges.push(format!("  {nid} -> {} [label=\"{edge}\"];", node_id(&v.object)));
                    }
                }
                hybrid_edges(&nid, &l.hybrid, &mut edges);
            }
            _ => {
                if let [a, b] = l.vpcs.as_slice() {
                    if let (Some(va), Some(vb)) = (t.vpcs.get(*a), t.vpcs.get(*b)) {
                        edges.push(format!(
                            "  {} -> {} [label={}{style}];",
                            node_id(&va.object),
                            node_id(&vb.object),
                            q(&l.label)
                        ));
                    }
                }
            }
        }
    }
    route_edges(&t, &mut edges);
    for e in edges {
        o.push_str(&e);
        o.push('\n');
    }
    o.push_str("}\n");
    o
}

/// The DOT id of a member drawn in a subnet (a secondary interface or a
/// firewall endpoint has a node of its own, keyed by its label).
fn member_id(m: &Member) -> String {
    q(&format!("{:?}:{}", m.object.kind, m.label))
}

/// Each subnet's routes out of its VPC: an arrow from the subnet's cluster to
/// the node of the route's target (a peering: the peer VPC), labelled with
/// the destinations; a blackhole route is dotted.
fn route_edges(t: &Topology, edges: &mut Vec<String>) {
    let members: Vec<&Member> = t
        .vpcs
        .iter()
        .flat_map(|v| v.subnets())
        .flat_map(|s| &s.members)
        .collect();
    for (vi, v) in t.vpcs.iter().enumerate() {
        for s in v.subnets() {
            for a in s.routes.iter() {
                let to = &a.to.object;
                let target = match to.kind {
                    ObjectKind::Peering => t
                        .links
                        .iter()
                        .find(|l| &l.object == to)
                        .and_then(|l| l.vpcs.iter().find(|&&x| x != vi))
                        .and_then(|&x| t.vpcs.get(x))
                        .map(|peer| node_id(&peer.object)),
                    // An instance, interface or firewall endpoint is a node in
                    // its subnet; a transit gateway's members are its
                    // attachments' interfaces, not the gateway itself.
                    ObjectKind::Instance | ObjectKind::Firewall => members
                        .iter()
                        .filter(|m| &m.object == to)
                        .max_by_key(|m| m.label == a.to.name)
                        .map(|m| member_id(m))
                        .or_else(|| Some(node_id(to))),
                    _ => Some(node_id(to)),
                };
                let Some(target) = target else {
                    continue;
                };
                let mut label = a.dests.join("\n");
                if to.kind == ObjectKind::Peering {
                    label.push_str(&format!("\nvia {}", to.name));
                }
                let style = if a.blackhole { ", style=dotted" } else { "" };
                edges.push(format!(
                    "  {} -> {target} [label={}, dir=forward, ltail={}{style}];",
                    node_id(&s.object),
                    q(&label),
                    q(&format!("cluster_subnet_{}", s.object.name))
                ));
            }
        }
    }
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
        assert!(dot.starts_with("digraph \"three-tier\" {"));
        assert!(dot.contains("subgraph \"cluster_vpc_0\""));
        assert!(dot.contains("\"Instance:db-1\" [label=\"db-1\\n10.0.20.10\"]"));
        assert!(dot.contains("\"InternetGateway:igw-shop\" -> \"internet\";"));
        assert!(dot.contains("\"internet\" -> \"OnPremNetwork:office\""));
        assert!(dot.contains("  edge [dir=none];"));
        assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    }

    /// VPC User Guide, "Route tables": each subnet's routes out of the VPC are
    /// arrows to their targets — a public subnet to the internet gateway, a
    /// private one to its AZ's NAT gateway — labelled with the destination.
    #[test]
    fn routes_are_directed_edges_from_the_subnet_to_the_target() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let dot = to_dot(&d, &idx);
        for needle in [
            "\"Subnet:pub-a\" -> \"InternetGateway:igw-shop\" [label=\"0.0.0.0/0\", dir=forward, ltail=\"cluster_subnet_pub-a\"];",
            "\"Subnet:app-a\" -> \"NatGateway:nat-a\" [label=\"0.0.0.0/0\", dir=forward",
            "\"Subnet:app-b\" -> \"NatGateway:nat-b\" [label=\"0.0.0.0/0\", dir=forward",
        ] {
            assert!(dot.contains(needle), "missing {needle}\n{dot}");
        }
        // The isolated database subnets have no route out.
        assert!(!dot.contains("\"Subnet:db-a\" ->"), "{dot}");
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(q("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
