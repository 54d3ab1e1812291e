//! PrivateLink endpoint services and Gateway Load Balancers: trace hops and
//! explanation codes, validation with AWS's codes, the two templates and
//! their exercises (start fails, reference passes, "open everything" fails).

use vpcd::analysis::{self, Failure, HopKind, Trace};
use vpcd::create::templates;
use vpcd::model::*;
use vpcd::practice::exercise;

fn template(name: &str) -> Design {
    templates::find(name).unwrap().design()
}

fn trace(d: &Design, from: &str, to: &str, port: u16) -> Trace {
    let idx = DesignIndex::new(d);
    let q = TraceQuery {
        from: from.into(),
        to: to.into(),
        proto: Protocol::Tcp,
        port: Some(port),
        sport: None,
    };
    analysis::trace(d, &idx, &q).unwrap()
}

fn trace_failing(d: &Design, from: &str, to: &str, port: u16, down: &str) -> Trace {
    let idx = DesignIndex::new(d);
    let q = TraceQuery {
        from: from.into(),
        to: to.into(),
        proto: Protocol::Tcp,
        port: Some(port),
        sport: None,
    };
    analysis::trace_with_failures(d, &idx, &q, &[Failure::Component(down.into())]).unwrap()
}

fn code(t: &Trace) -> &'static str {
    t.blocked.as_ref().map(|b| b.code.as_str()).unwrap_or("REACHABLE")
}

fn codes(d: &Design) -> Vec<&'static str> {
    vpcd::validate::validate(d).into_iter().map(|x| x.code).collect()
}

fn service<'a>(d: &'a mut Design, name: &str) -> &'a mut EndpointService {
    d.endpoint_services.iter_mut().find(|s| s.name == name).unwrap()
}

#[test]
fn privatelink_trace_shows_endpoint_sg_privatelink_nlb_and_target_in_order() {
    let d = template("privatelink-service");
    let t = trace(&d, "partner-app", "vpce-orders", 443);
    assert!(t.reachable, "{}", t.summary());
    let kinds: Vec<HopKind> = t.forward.iter().map(|h| h.kind).collect();
    let pos = |k: HopKind| {
        kinds
            .iter()
            .position(|x| *x == k)
            .unwrap_or_else(|| panic!("{k:?} in {kinds:?}"))
    };
    assert!(pos(HopKind::Instance) < pos(HopKind::PrivateLink));
    assert!(pos(HopKind::PrivateLink) < pos(HopKind::LoadBalancer));
    let ids: Vec<&str> = t.forward.iter().map(|h| h.id.as_str()).collect();
    let at = |id: &str| {
        ids.iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    assert!(
        at("sg-vpce-orders") < at("svc-orders"),
        "endpoint SG before PrivateLink: {ids:?}"
    );
    assert!(at("nlb-orders") < at("sg-orders"), "NLB before target SG: {ids:?}");
    assert_eq!(ids.last().copied(), Some("orders-1"));
    // ELB guide, NLB client IP preservation: no effect on PrivateLink traffic, the
    // targets see the load balancer's private address.
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("PrivateLink") && n.contains("source")),
        "{:?}",
        t.notes
    );
    assert!(!t.return_path.is_empty(), "the reply comes back to the consumer");
}

#[test]
fn privatelink_pending_connection_is_not_accepted() {
    let mut d = template("privatelink-service");
    service(&mut d, "svc-orders").connections[0].state = EndpointConnectionState::PendingAcceptance;
    let t = trace(&d, "partner-app", "vpce-orders", 443);
    assert_eq!(code(&t), "PRIVATELINK_NOT_ACCEPTED", "{}", t.summary());
    assert!(codes(&d).contains(&"endpoint-service-not-accepted"));
}

#[test]
fn privatelink_principal_not_allowed_stops_the_consumer() {
    let mut d = template("privatelink-service");
    service(&mut d, "svc-orders").allowed_principals = vec!["arn:aws:iam::999988887777:root".into()];
    let t = trace(&d, "partner-app", "vpce-orders", 443);
    assert_eq!(code(&t), "PRIVATELINK_PRINCIPAL_NOT_ALLOWED", "{}", t.summary());
    let diag = vpcd::validate::validate(&d);
    let p = diag.iter().find(|x| x.code == "endpoint-service-principal").unwrap();
    assert_eq!(p.aws_code, Some("InvalidServiceName"));
    service(&mut d, "svc-orders").allowed_principals = vec!["*".into()];
    assert!(trace(&d, "partner-app", "vpce-orders", 443).reachable);
}

#[test]
fn privatelink_endpoint_only_in_azs_the_nlb_serves() {
    let mut d = template("privatelink-service");
    // The NLB loses its us-east-1a node: the partner's endpoint ENI in 1a has no
    // load balancer node to hand the connection to.
    d.load_balancers[0].subnets.retain(|s| s != "provider-a");
    let t = trace(&d, "partner-app", "vpce-orders", 443);
    assert_eq!(code(&t), "PRIVATELINK_AZ_NOT_SERVED", "{}", t.summary());
    let diag = vpcd::validate::validate(&d);
    let az = diag.iter().find(|x| x.code == "endpoint-service-az").unwrap();
    assert_eq!(az.aws_code, Some("InvalidParameter"));
}

#[test]
fn privatelink_target_sg_must_admit_the_nlb_address_not_the_client() {
    let mut d = template("privatelink-service");
    let sg = d.security_groups.iter_mut().find(|g| g.name == "sg-orders").unwrap();
    // Admitting the consumer's subnet is wrong twice: it overlaps, and the
    // targets never see the consumer's address through PrivateLink.
    sg.inbound = vec![SgRule::new(
        Protocol::Tcp,
        PortRange::single(8443),
        SgPeer::Cidr("10.0.9.0/24".parse().unwrap()),
    )];
    let t = trace(&d, "partner-app", "vpce-orders", 443);
    assert_eq!(code(&t), "SG_NO_MATCHING_RULE", "{}", t.summary());
    assert_eq!(t.blocked.as_ref().unwrap().component, "sg-orders");
}

#[test]
fn privatelink_provider_cannot_open_connections_to_the_consumer() {
    let d = template("privatelink-service");
    let t = trace(&d, "orders-1", "partner-app", 443);
    assert_eq!(code(&t), "PRIVATELINK_ONE_WAY", "{}", t.summary());
    let t = trace(&d, "orders-1", "vpce-orders", 443);
    assert!(!t.reachable);
}

#[test]
fn aws_service_endpoints_are_not_dangling_references() {
    let mut d = template("interface-endpoints");
    let e = d.endpoints.iter_mut().next().unwrap();
    e.service = "cloudtrail".into();
    assert!(!codes(&d).contains(&"dangling-reference"));
}

#[test]
fn interface_endpoint_to_a_gwlb_service_is_refused_with_aws_code() {
    let mut d = template("gwlb-inspection");
    d.endpoints.push(Endpoint {
        name: "vpce-wrong".into(),
        description: None,
        vpc: "app".into(),
        service: "svc-inspect".into(),
        kind: EndpointKind::Interface {
            subnets: vec!["web-a".into()],
            security_groups: Vec::new(),
            private_dns: false,
        },
        addresses: Vec::new(),
    });
    let diag = vpcd::validate::validate(&d);
    let t = diag.iter().find(|x| x.code == "endpoint-service-type").unwrap();
    assert_eq!(t.aws_code, Some("InvalidParameter"));
}

#[test]
fn renaming_an_endpoint_service_follows_its_consumers() {
    let mut d = template("privatelink-service");
    d.rename_references(ObjectKind::EndpointService, "svc-orders", "svc-api");
    service(&mut d, "svc-orders").name = "svc-api".into();
    assert_eq!(
        d.endpoints.iter().find(|e| e.name == "vpce-orders").unwrap().service,
        "svc-api"
    );
    assert!(trace(&d, "partner-app", "vpce-orders", 443).reachable);
}

#[test]
fn gwlb_trace_shows_endpoint_gwlb_appliance_and_returns_through_the_same_appliance() {
    let d = template("gwlb-inspection");
    let t = trace(&d, "internet", "web-1", 443);
    assert!(t.reachable, "{}", t.summary());
    let ids: Vec<&str> = t.forward.iter().map(|h| h.id.as_str()).collect();
    let at = |id: &str| {
        ids.iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    assert!(
        at("rt-edge") < at("gwlbe-a") && at("gwlbe-a") < at("gwlb-inspect"),
        "{ids:?}"
    );
    assert!(
        at("gwlb-inspect") < at("appliance-1") && at("appliance-1") < at("web-1"),
        "{ids:?}"
    );
    let back: Vec<&str> = t.return_path.iter().map(|h| h.id.as_str()).collect();
    assert!(
        back.contains(&"appliance-1"),
        "the reply crosses the same appliance: {back:?}"
    );
    assert!(!back.contains(&"appliance-2"), "{back:?}");
    // AZ affinity: web-2 (us-east-1b) is inspected by the appliance of its own AZ.
    let t2 = trace(&d, "internet", "web-2", 443);
    assert!(t2.forward.iter().any(|h| h.id == "appliance-2"), "{}", t2.summary());
}

#[test]
fn gwlb_failed_appliance_closes_the_flows_of_its_az_only() {
    let d = template("gwlb-inspection");
    let t = trace_failing(&d, "internet", "web-1", 443, "appliance-1");
    assert_eq!(code(&t), "GWLB_NO_APPLIANCE", "{}", t.summary());
    let t = trace_failing(&d, "internet", "web-2", 443, "appliance-1");
    assert!(t.reachable, "{}", t.summary());
}

/// With cross-zone load balancing on, each GWLB node sends flows to the
/// appliances of every enabled AZ (GWLB guide, "Cross-zone load balancing"):
/// the AZ-a endpoint's flows survive the loss of the AZ-a appliance, inspected
/// by the AZ-b one, and the reply comes back through that same appliance.
#[test]
fn gwlb_cross_zone_load_balancing_sends_an_az_s_flows_to_another_az_s_appliance() {
    let mut d = template("gwlb-inspection");
    d.load_balancers
        .iter_mut()
        .find(|l| l.name == "gwlb-inspect")
        .unwrap()
        .cross_zone = true;
    let t = trace_failing(&d, "internet", "web-1", 443, "appliance-1");
    assert!(t.reachable, "{}", t.summary());
    assert!(t.forward.iter().any(|h| h.id == "appliance-2"), "{}", t.summary());
    assert!(t.return_path.iter().any(|h| h.id == "appliance-2"), "{}", t.summary());
    // Both appliances down: nothing left in any enabled AZ.
    let idx = DesignIndex::new(&d);
    let q = TraceQuery {
        from: "internet".into(),
        to: "web-1".into(),
        proto: Protocol::Tcp,
        port: Some(443),
        sport: None,
    };
    let both = [
        Failure::Component("appliance-1".into()),
        Failure::Component("appliance-2".into()),
    ];
    let t = analysis::trace_with_failures(&d, &idx, &q, &both).unwrap();
    assert_eq!(code(&t), "GWLB_NO_APPLIANCE", "{}", t.summary());
    // Without a failure every flow stays reachable, whichever appliance the hash picks.
    for web in ["web-1", "web-2"] {
        let t = trace(&d, "internet", web, 443);
        assert!(t.reachable, "{}", t.summary());
    }
}

/// The default (off) names the option in the hint of the AZ's failure.
#[test]
fn gwlb_without_cross_zone_hints_at_it_when_an_az_has_no_appliance() {
    let d = template("gwlb-inspection");
    let t = trace_failing(&d, "internet", "web-1", 443, "appliance-1");
    let hint = t.blocked.as_ref().map(|b| b.hint.clone()).unwrap_or_default();
    assert!(hint.contains("cross-zone"), "{hint}");
}

#[test]
fn gwlb_asymmetric_return_through_another_az_is_dropped() {
    let mut d = template("gwlb-inspection");
    // web-1 answers through the AZ-b endpoint: another appliance without the flow's state.
    let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-web-a").unwrap();
    rt.routes[0].target = RouteTarget::GatewayEndpoint("gwlbe-b".into());
    let t = trace(&d, "internet", "web-1", 443);
    assert_eq!(code(&t), "ASYMMETRIC_RETURN", "{}", t.summary());
}

#[test]
fn gwlb_appliance_sg_must_admit_geneve() {
    let mut d = template("gwlb-inspection");
    d.security_groups
        .iter_mut()
        .find(|g| g.name == "sg-appliance")
        .unwrap()
        .inbound
        .clear();
    let t = trace(&d, "internet", "web-1", 443);
    assert_eq!(code(&t), "SG_NO_MATCHING_RULE", "{}", t.summary());
    assert_eq!(t.blocked.as_ref().unwrap().component, "sg-appliance");
}

#[test]
fn edge_route_table_rejects_targets_aws_does_not_allow() {
    let mut d = template("gwlb-inspection");
    let rt = d.route_tables.iter_mut().find(|r| r.name == "rt-edge").unwrap();
    rt.routes.push(Route::new(
        RouteDestination::Cidr("10.0.0.0/28".parse().unwrap()),
        RouteTarget::InternetGateway("igw-app".into()),
    ));
    assert!(codes(&d).contains(&"igw-edge-route-table"));
}

#[test]
fn new_templates_are_valid_and_cost_their_load_balancers() {
    for name in ["privatelink-service", "gwlb-inspection"] {
        let d = template(name);
        let errors: Vec<_> = vpcd::validate::validate(&d)
            .into_iter()
            .filter(|x| x.severity == vpcd::validate::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(!d.intents.is_empty(), "{name} carries its intents");
    }
    let d = template("gwlb-inspection");
    let est = vpcd::cost::estimate(&d, &vpcd::cost::PriceTable::builtin());
    let item = |what: &str| est.items.iter().filter(|i| i.item == what).count();
    assert_eq!(item("Gateway Load Balancer"), 1);
    assert_eq!(item("Gateway Load Balancer endpoint"), 2);
    let d = template("privatelink-service");
    let est = vpcd::cost::estimate(&d, &vpcd::cost::PriceTable::builtin());
    assert!(est
        .items
        .iter()
        .any(|i| i.item == "Network Load Balancer" && i.monthly_usd > 0.0));
}

/// Both exercises: the start fails, the reference passes, and opening every
/// security group to the world on top of the reference fails the guards.
#[test]
fn exercises_fail_at_start_pass_with_reference_and_refuse_open_everything() {
    for id in ["privatelink-partner", "gwlb-ingress"] {
        let ex = exercise::bundled(id).unwrap().unwrap();
        let start = exercise::grade(&ex.objectives, &ex.hints, &ex.start, 0);
        assert!(!start.solved, "{id}: the start must fail");
        let reference = ex.reference_solution().unwrap();
        let r = exercise::grade(&ex.objectives, &ex.hints, &reference, 0);
        let text: Vec<String> = r
            .objectives
            .iter()
            .map(|e| format!("{} — {}", e.intent, e.reason))
            .collect();
        assert!(r.solved, "{id}: reference must pass: {text:#?}");
        let mut open = reference.clone();
        for g in &mut open.security_groups {
            g.inbound
                .push(SgRule::new(Protocol::All, PortRange::ALL, SgPeer::Cidr(any_v4())));
        }
        let o = exercise::grade(&ex.objectives, &ex.hints, &open, 0);
        assert!(!o.solved, "{id}: opening everything must fail a guard");
    }
}
