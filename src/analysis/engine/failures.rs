//! What-if failures: a copy of the design with the failed components
//! removed (an AZ, NAT gateway, VPN tunnel, DX link, peering or IGW) and the
//! instances and AZs that are down remembered for the walk.

use super::*;

/// Which components are down in a what-if.
#[derive(Debug, Clone, Default)]
pub(crate) struct Down {
    pub azs: Vec<String>,
    pub instances: Vec<String>,
}

/// A design with what-if failures applied: removed components are gone from
/// `design`; instances and AZs that are down are remembered separately.
pub struct FailedDesign {
    pub design: Design,
    pub(crate) down: Down,
}

/// Applies what-if failures to a copy of the design.
pub(crate) fn apply_failures(d: &Design, idx: &DesignIndex, failures: &[Failure]) -> Result<FailedDesign, QueryError> {
    let mut design = d.clone();
    let mut down = Down::default();
    for f in failures {
        match f {
            Failure::AzDown(az) => {
                if !d.azs.contains(az) && !d.subnets.iter().any(|s| &s.az == az) {
                    return Err(QueryError::UnknownFailure {
                        name: az.clone(),
                        suggestions: crate::analysis::endpoint::closest_among(az, d.azs.iter().map(String::as_str)),
                    });
                }
                let in_az: HashSet<String> = d
                    .subnets
                    .iter()
                    .filter(|s| &s.az == az)
                    .map(|s| s.name.clone())
                    .collect();
                // A regional NAT gateway keeps serving the other AZs: only the
                // zonal ones of the failed AZ go.
                design
                    .nat_gateways
                    .retain(|n| !n.subnet.as_ref().is_some_and(|s| !n.is_regional() && in_az.contains(s)));
                for lb in &mut design.load_balancers {
                    lb.subnets.retain(|s| !in_az.contains(s));
                }
                for fw in &mut design.firewalls {
                    fw.subnets.retain(|s| !in_az.contains(s));
                }
                for ep in &mut design.endpoints {
                    if let crate::model::EndpointKind::Interface { subnets, .. } = &mut ep.kind {
                        subnets.retain(|s| !in_az.contains(s));
                    }
                }
                down.azs.push(az.clone());
            }
            Failure::Component(name) => {
                let (base, tunnel) = match name.rsplit_once(':') {
                    Some((b, t)) if t == "1" || t == "2" => (b, Some(t == "2")),
                    _ => (name.as_str(), None),
                };
                let refs = idx.lookup(base);
                let Some(r) = refs.first() else {
                    return Err(QueryError::UnknownFailure {
                        name: name.clone(),
                        suggestions: crate::analysis::endpoint::closest_names(d, idx, name),
                    });
                };
                match r.kind {
                    ObjectKind::NatGateway => design.nat_gateways.retain(|n| n.name != base),
                    ObjectKind::VpnConnection => {
                        if let Some(c) = design.vpn_connections.iter_mut().find(|c| c.name == base) {
                            match tunnel {
                                Some(second) => c.tunnels_up[usize::from(second)] = false,
                                None => c.tunnels_up = [false, false],
                            }
                        }
                    }
                    ObjectKind::DxConnection => {
                        if let Some(c) = design.dx_connections.iter_mut().find(|c| c.name == base) {
                            c.up = false;
                        }
                    }
                    ObjectKind::Peering => {
                        if let Some(p) = design.peerings.iter_mut().find(|p| p.name == base) {
                            p.status = PeeringStatus::Deleted;
                        }
                    }
                    ObjectKind::InternetGateway => {
                        if let Some(g) = design.internet_gateways.iter_mut().find(|g| g.name == base) {
                            g.vpc = None;
                        }
                    }
                    ObjectKind::VpnGateway => {
                        if let Some(g) = design.vpn_gateways.iter_mut().find(|g| g.name == base) {
                            g.vpc = None;
                        }
                    }
                    ObjectKind::Firewall => design.firewalls.retain(|f| f.name != base),
                    ObjectKind::Endpoint => design.endpoints.retain(|e| e.name != base),
                    ObjectKind::Instance => down.instances.push(r.name.clone()),
                    ObjectKind::TransitGateway => {
                        if r.name == base {
                            design.transit_gateways.retain(|t| t.name != base);
                        } else {
                            for t in &mut design.transit_gateways {
                                t.attachments.retain(|a| a.name != base);
                            }
                        }
                    }
                    ObjectKind::LoadBalancer => design.load_balancers.retain(|l| l.name != base),
                    other => {
                        return Err(QueryError::NotAnEndpoint {
                            name: name.clone(),
                            kind: other.label().into(),
                            role: "failure",
                            why: "fail an AZ, NAT gateway, VPN connection or tunnel (NAME:1), Direct Connect \
                                  connection, peering, gateway, TGW attachment, firewall, endpoint or instance"
                                .into(),
                        })
                    }
                }
            }
        }
    }
    Ok(FailedDesign { design, down })
}

impl<'a> Analyzer<'a> {
    /// Marks the instances and AZs a what-if took down (use with an analyzer
    /// built on `failed.design`).
    pub fn with_failures(mut self, failed: &FailedDesign) -> Self {
        self.down_azs = failed.down.azs.iter().cloned().collect();
        self.down_instances = failed.down.instances.iter().cloned().collect();
        self
    }

    /// Whether a what-if took instances or AZs down.
    pub(crate) fn has_failures(&self) -> bool {
        !self.down_azs.is_empty() || !self.down_instances.is_empty()
    }
}
