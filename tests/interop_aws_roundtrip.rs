//! Round trip through AWS's JSON: `export aws-json` then `import aws` gives a
//! design with the same reachability (`vpcd diff` reports nothing) and no
//! new findings, for every template, the sample and generated designs.

use std::collections::BTreeSet;

use vpcd::analysis::diff_designs;
use vpcd::create::synthetic::{generate, GenParams, PeeringMode};
use vpcd::interop::aws::{self, export, ImportOptions};
use vpcd::model::Design;
use vpcd::validate::validate;

fn round_trip(d: &Design) -> Design {
    let dir = tempfile::tempdir().unwrap();
    export::write_dir(d, dir.path()).unwrap();
    let i = aws::import_paths(&[dir.path().to_path_buf()], &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", d.name));
    i.design
}

fn findings(d: &Design) -> BTreeSet<(String, String)> {
    validate(d).into_iter().map(|f| (f.code.to_string(), f.path)).collect()
}

fn check(d: &Design) {
    let back = round_trip(d);
    let changes = diff_designs(d, &back);
    assert!(
        changes.is_empty(),
        "{}: {} flows changed, e.g. {}",
        d.name,
        changes.len(),
        changes
            .iter()
            .take(5)
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    );
    let before = findings(d);
    let new: Vec<_> = findings(&back).difference(&before).cloned().collect();
    assert!(new.is_empty(), "{}: new findings {new:?}", d.name);
    // The export is stable: the same design exports the same ids.
    assert_eq!(export::export(d).0.len(), export::export(&back).0.len());
}

#[test]
fn every_template_and_the_sample_round_trip() {
    check(&vpcd::create::templates::sample::three_tier());
    for t in vpcd::create::templates::TEMPLATES {
        let d = t.design();
        if !d.firewalls.is_empty() {
            // AWS Network Firewall is described by its own API, not EC2's
            // describe-* outputs: the exporter says it leaves it out.
            let (_, left_out) = export::export(&d);
            assert!(left_out.iter().any(|l| l.starts_with("firewall")), "{left_out:?}");
            continue;
        }
        check(&d);
    }
}

#[test]
fn generated_designs_round_trip() {
    // Small enough for the flow diff: a TGW hub, then a peering mesh.
    for (seed, tgw, peering) in [(1, true, PeeringMode::None), (7, false, PeeringMode::Mesh)] {
        let p = GenParams {
            vpcs: 3,
            azs: 2,
            tiers: 3,
            instances: 1,
            tgw,
            peering,
            seed,
        };
        check(&generate(&p).unwrap());
    }
}

#[test]
fn exported_ids_are_stable_and_imported_ids_come_back() {
    let d = vpcd::create::templates::sample::three_tier();
    let (a, _) = export::export(&d);
    let (b, _) = export::export(&d);
    assert_eq!(
        serde_json::to_string(&a[0].1).unwrap(),
        serde_json::to_string(&b[0].1).unwrap()
    );
    let back = round_trip(&d);
    let id = back
        .aws_ids
        .iter()
        .find(|(id, name)| id.starts_with("i-") && name.as_str() == "app-1")
        .map(|(id, _)| id.clone())
        .expect("app-1 has an instance id");
    // The id is accepted wherever a name is.
    let idx = vpcd::model::DesignIndex::new(&back);
    let q = vpcd::model::TraceQuery {
        from: id,
        to: "internet".into(),
        proto: vpcd::model::Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    assert!(vpcd::analysis::trace(&back, &idx, &q).unwrap().reachable);
    // Exporting the imported design gives the same ids back.
    let again = round_trip(&back);
    assert_eq!(again.aws_ids, back.aws_ids);
}

/// The provider side of PrivateLink comes back whole: each endpoint service
/// with its load balancer, acceptance setting, allowed principals and the
/// state and owner of every connection; a Gateway Load Balancer endpoint keeps
/// its subnet, and the internet gateway keeps its edge route table
/// (`describe-vpc-endpoint-service-configurations`, `-permissions`,
/// `-connections`; a `RouteTables` association with a `GatewayId`).
#[test]
fn endpoint_services_gwlb_endpoints_and_edge_associations_round_trip() {
    for name in ["privatelink-service", "gwlb-inspection"] {
        let d = vpcd::create::templates::TEMPLATES
            .iter()
            .find(|t| t.name == name)
            .unwrap()
            .design();
        assert!(!d.endpoint_services.is_empty(), "{name}");
        let back = round_trip(&d);
        // Descriptions are vpcd's own notes; AWS JSON carries the rest.
        let plain = |d: &Design| {
            let mut s = d.endpoint_services.clone();
            s.iter_mut().for_each(|s| s.description = None);
            s
        };
        assert_eq!(plain(&back), plain(&d), "{name}");
        for e in &d.endpoints {
            let b = back.endpoints.iter().find(|x| x.name == e.name).unwrap();
            assert_eq!((&b.service, &b.kind), (&e.service, &e.kind), "{name}: {}", e.name);
        }
        for g in &d.internet_gateways {
            let b = back.internet_gateways.iter().find(|x| x.name == g.name).unwrap();
            assert_eq!(b.edge_route_table, g.edge_route_table, "{name}: {}", g.name);
        }
    }
}
