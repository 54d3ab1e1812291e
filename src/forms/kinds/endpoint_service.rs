//! The form of a PrivateLink endpoint service (the provider side): the load
//! balancer behind it, whether connections need acceptance, who may connect,
//! and which consumer endpoints the provider has accepted.

use super::*;

pub(super) static ENDPOINT_SERVICE: FormDef = FormDef {
    noun: "endpoint service",
    fields: &[
        NAME,
        pick("load balancer", service_load_balancers).codes(&["endpoint-service-load-balancer"]),
        pick("acceptance required", yes_no),
        text("allowed principals", Check::Free).codes(&["endpoint-service-principal"]),
        multi("accepted endpoints", service_consumers).codes(&["endpoint-service-not-accepted"]),
        text("private DNS name", Check::Free),
    ],
    read: |d, o, _| {
        let s = get!(o, EndpointService);
        Vals::default()
            .with(
                "name",
                s.map(|s| s.name.clone()).unwrap_or_else(|| fresh_name(d, "vpce-svc")),
            )
            .with("load balancer", s.map(|s| s.load_balancer.clone()).unwrap_or_default())
            .with("acceptance required", yn(s.is_none_or(|s| s.acceptance_required)))
            .with(
                "allowed principals",
                s.map(|s| s.allowed_principals.join(", ")).unwrap_or_default(),
            )
            .with_list(
                "accepted endpoints",
                s.map(|s| {
                    s.connections
                        .iter()
                        .filter(|c| c.state == EndpointConnectionState::Available)
                        .map(|c| c.endpoint.clone())
                        .collect()
                })
                .unwrap_or_default(),
            )
            .with(
                "private DNS name",
                s.and_then(|s| s.private_dns_name.clone()).unwrap_or_default(),
            )
    },
    build: |v, d, orig| {
        let before = get!(&orig, EndpointService);
        let name = v.get("name").to_string();
        let mut svc = EndpointService::new(name.clone(), need(v, "load balancer")?);
        svc.description = described(&orig);
        svc.acceptance_required = yes(v, "acceptance required");
        svc.allowed_principals = split_list(v.get("allowed principals")).map(String::from).collect();
        let accepted = v.list("accepted endpoints");
        // Every consumer endpoint keeps its owner; the accepted list decides
        // which are available, the others keep a rejection or stay pending.
        let old_name = before.map(|b| b.name.as_str()).unwrap_or(name.as_str());
        for ep in d
            .endpoints
            .iter()
            .filter(|e| e.service == old_name || e.service == name)
        {
            let old = before.and_then(|b| b.connection(&ep.name));
            let state = if accepted.contains(&ep.name) {
                EndpointConnectionState::Available
            } else {
                match old.map(|c| c.state) {
                    Some(EndpointConnectionState::Rejected) => EndpointConnectionState::Rejected,
                    _ => EndpointConnectionState::PendingAcceptance,
                }
            };
            let owner = old.and_then(|c| c.owner.clone());
            if owner.is_some() || svc.acceptance_required || state != EndpointConnectionState::PendingAcceptance {
                svc.connections.push(EndpointConnection {
                    endpoint: ep.name.clone(),
                    owner,
                    state,
                });
            }
        }
        let dns = v.get("private DNS name").trim();
        svc.private_dns_name = (!dns.is_empty()).then(|| dns.to_string());
        Ok(Object::EndpointService(svc))
    },
    reload_on: &[],
};
