//! Where a trace runs on the diagram: each hop mapped to the drawn object that
//! shows it. Filters and route tables are not drawn, so a hop through them
//! lights up the subnet or interface they act for — the one holding the
//! packet's source (outbound, routing) or destination (inbound) address.

use std::net::IpAddr;

use super::Diagram;
use crate::analysis::{Hop, HopKind, Trace};
use crate::model::{Design, DesignIndex, Direction, ObjectKind, ObjectRef};

/// The address the component acts for: the source on the way out and for
/// routing, the destination on the way in.
fn acting_ip(h: &Hop) -> IpAddr {
    match h.direction {
        Some(Direction::Inbound) => h.packet_in.dst,
        _ => h.packet_in.src,
    }
}

/// The subnet holding an address whose effective NACL / route table is `by`.
fn subnet_for(d: &Design, idx: &DesignIndex, ip: IpAddr, by: &ObjectRef) -> Option<ObjectRef> {
    let IpAddr::V4(v4) = ip else {
        return None;
    };
    d.subnets
        .iter()
        .filter(|s| s.cidr.contains(&v4))
        .find(|s| match by.kind {
            ObjectKind::NetworkAcl => idx.subnet_network_acl(d, s).is_some_and(|a| a.name == by.name),
            ObjectKind::RouteTable => idx.subnet_route_table(d, s).is_some_and(|r| r.name == by.name),
            _ => true,
        })
        .map(|s| ObjectRef::new(ObjectKind::Subnet, s.name.clone()))
}

impl Diagram {
    /// The drawn object that stands for `obj` (itself, or the nearest container drawn).
    pub fn drawn_for(&self, d: &Design, idx: &DesignIndex, obj: &ObjectRef) -> Option<ObjectRef> {
        let mut cur = obj.clone();
        for _ in 0..4 {
            if self.rect_of(&cur).is_some() {
                return Some(cur);
            }
            cur = super::container(d, idx, &cur)?;
        }
        None
    }

    /// The drawn object for one hop of a trace.
    pub fn hop_object(&self, d: &Design, idx: &DesignIndex, h: &Hop) -> Option<ObjectRef> {
        let obj = h.object.as_ref()?;
        if self.rect_of(obj).is_some() {
            return Some(obj.clone());
        }
        let ip = acting_ip(h);
        let specific = match h.kind {
            HopKind::NetworkAcl | HopKind::RouteTable => subnet_for(d, idx, ip, obj),
            HopKind::SecurityGroup => match ip {
                IpAddr::V4(v4) => idx
                    .enis_with_ip(v4)
                    .find(|e| e.security_groups.contains(&obj.name))
                    .map(|e| e.owner.object()),
                IpAddr::V6(_) => None,
            },
            _ => None,
        };
        specific
            .and_then(|o| self.drawn_for(d, idx, &o))
            .or_else(|| self.drawn_for(d, idx, obj))
    }

    /// Every drawn object on a trace's path (forward then return, no repeats).
    pub fn trace_path(&self, d: &Design, idx: &DesignIndex, t: &Trace) -> Vec<ObjectRef> {
        let mut out: Vec<ObjectRef> = Vec::new();
        for h in t.forward.iter().chain(&t.return_path) {
            if let Some(o) = self.hop_object(d, idx, h) {
                if !out.contains(&o) {
                    out.push(o);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis;
    use crate::create::templates::sample;
    use crate::diagram::{Diagram, DiagramOptions};
    use crate::model::{DesignIndex, ObjectKind, ObjectRef};

    #[test]
    fn sample_trace_from_app_to_db_lights_both_instances_and_subnets() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let dg = Diagram::build(&d, &idx, &[], DiagramOptions::default());
        let q = d.traces[2].clone();
        let t = match analysis::trace(&d, &idx, &q) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        assert!(t.reachable, "{}", t.to_text());
        let path = dg.trace_path(&d, &idx, &t);
        for (kind, name) in [
            (ObjectKind::Instance, "app-1"),
            (ObjectKind::Instance, "db-1"),
            (ObjectKind::Subnet, "app-a"),
            (ObjectKind::Subnet, "db-a"),
        ] {
            assert!(path.contains(&ObjectRef::new(kind, name)), "{name}: {path:?}");
        }
        // Nothing off the path: the other AZ's database subnet stays dark.
        assert!(!path.contains(&ObjectRef::new(ObjectKind::Subnet, "db-b")));
        for o in &path {
            assert!(dg.rect_of(o).is_some(), "{o:?} is drawn");
        }
    }

    #[test]
    fn internet_to_web_goes_through_the_igw() {
        let d = sample::three_tier();
        let idx = DesignIndex::new(&d);
        let dg = Diagram::build(&d, &idx, &[], DiagramOptions::default());
        let t = match analysis::trace(&d, &idx, &d.traces[0]) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        let path = dg.trace_path(&d, &idx, &t);
        assert!(
            path.contains(&ObjectRef::new(ObjectKind::InternetGateway, "igw-shop")),
            "{path:?}"
        );
        assert!(
            path.contains(&ObjectRef::new(ObjectKind::Instance, "web-1")),
            "{path:?}"
        );
    }
}
