//! Fixtures shared by integration tests that build objects from RON snippets
//! or pick objects out of a design.
#![allow(dead_code)]

/// Parses a RON snippet of a model type (fields with defaults may be left out;
/// `Option` fields take bare values).
pub fn ron<T: serde::de::DeserializeOwned>(s: &str) -> T {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(s)
        .unwrap_or_else(|e| panic!("bad RON in test: {e}\n{s}"))
}

/// A copy of the first element that `pick` selects (panics when there is none).
pub fn get<T: Clone>(list: &[T], pick: impl Fn(&T) -> bool) -> T {
    list.iter()
        .find(|x| pick(x))
        .cloned()
        .unwrap_or_else(|| panic!("no such object in the test design"))
}

/// Asserts that `after` lets exactly the same flows through as `before`
/// (`vpcd diff` reports nothing), naming the first few that changed.
pub fn assert_same_flows(before: &vpcd::model::Design, after: &vpcd::model::Design) {
    let changes = vpcd::analysis::diff_designs(before, after);
    assert!(
        changes.is_empty(),
        "{}: {} flows changed, e.g. {}",
        before.name,
        changes.len(),
        changes
            .iter()
            .take(5)
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    );
}

/// The sample with its two zonal NAT gateways replaced by one regional NAT
/// gateway `nat-r` in VPC `shop`, which both private tables route to.
pub fn regional_nat_sample() -> vpcd::model::Design {
    use vpcd::model::{NatAvailability, NatConnectivity, NatGateway, RouteTarget};
    let mut d = vpcd::create::templates::sample::three_tier();
    d.nat_gateways = vec![NatGateway {
        name: "nat-r".into(),
        description: None,
        availability_mode: NatAvailability::Regional,
        subnet: None,
        vpc: Some("shop".into()),
        connectivity: NatConnectivity::Public,
        elastic_ip: None,
        private_ip: None,
    }];
    d.elastic_ips.retain(|e| !e.name.starts_with("eip-nat"));
    for rt in &mut d.route_tables {
        for r in &mut rt.routes {
            if matches!(r.target, RouteTarget::NatGateway(_)) {
                r.target = RouteTarget::NatGateway("nat-r".into());
            }
        }
    }
    d
}
