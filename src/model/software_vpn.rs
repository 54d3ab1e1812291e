//! Software VPN on EC2 instances: the transit VPC pattern (Amazon Virtual
//! Private Cloud Connectivity Options whitepaper, "Software Site-to-Site VPN",
//! "Software VPN-to-AWS Managed VPN" and "Transit VPC").
//!
//! A VPN appliance on an instance with an Elastic IP terminates IPsec tunnels:
//! - to spoke VPCs: each spoke's virtual private gateway has an AWS Site-to-Site
//!   VPN connection whose customer gateway *is* the appliance — a customer
//!   gateway's address is the appliance's Elastic IP — so nothing new is
//!   modelled on that side;
//! - to on-premises routers: IPsec between the appliance and the router, which
//!   AWS does not manage; vpcd records it as a VPN connection that terminates on
//!   the instance ([`VpnTermination::Instance`]), with the same customer gateway
//!   and routing fields, and no AWS VPN connection resource (nor its charge).
//!
//! The appliance routes between its tunnels by longest prefix: it learns each
//! spoke VPC's CIDRs from that spoke's VGW (BGP), and the on-premises prefixes
//! from its on-premises tunnels (static routes or BGP). Over BGP it advertises
//! to each spoke what it learned from its other tunnels and its own VPC's
//! CIDRs, so spokes reach each other and on-premises through it.

use ipnet::Ipv4Net;

use super::{Design, Instance, VpnConnection, VpnRouting, VpnTermination};

/// What the far end of a tunnel of a software VPN appliance is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelPeer {
    /// A spoke VPC's virtual private gateway (an AWS Site-to-Site VPN
    /// connection whose customer gateway is the appliance).
    VpnGateway(String),
    /// An on-premises router (customer gateway) behind which on-premises
    /// networks sit.
    CustomerGateway(String),
}

/// One VPN connection an instance terminates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel<'d> {
    pub connection: &'d VpnConnection,
    pub peer: TunnelPeer,
}

impl Design {
    /// The instance a customer gateway is: the one whose Elastic IP has the
    /// gateway's address (a customer gateway is an address and an ASN, and a
    /// software VPN in a VPC is reached at its Elastic IP).
    pub fn customer_gateway_instance(&self, cgw: &str) -> Option<&Instance> {
        let ip = self.customer_gateways.iter().find(|c| c.name == cgw)?.ip;
        let eip = self.elastic_ips.iter().find(|e| e.address == ip)?;
        self.instances
            .iter()
            .find(|i| i.elastic_ip.as_deref() == Some(eip.name.as_str()))
    }

    /// The VPN connections instance `instance` terminates, spokes first.
    pub fn instance_tunnels(&self, instance: &str) -> Vec<Tunnel<'_>> {
        let mut out = Vec::new();
        for c in &self.vpn_connections {
            match &c.termination {
                VpnTermination::VpnGateway(g)
                    if self
                        .customer_gateway_instance(&c.customer_gateway)
                        .is_some_and(|i| i.name == instance) =>
                {
                    out.push(Tunnel {
                        connection: c,
                        peer: TunnelPeer::VpnGateway(g.clone()),
                    });
                }
                _ => {}
            }
        }
        for c in &self.vpn_connections {
            if matches!(&c.termination, VpnTermination::Instance(i) if i == instance) {
                out.push(Tunnel {
                    connection: c,
                    peer: TunnelPeer::CustomerGateway(c.customer_gateway.clone()),
                });
            }
        }
        out
    }

    /// Whether an instance runs a software VPN (terminates any tunnel).
    pub fn is_software_vpn(&self, instance: &str) -> bool {
        !self.instance_tunnels(instance).is_empty()
    }

    /// The prefixes a tunnel of a software VPN leads to while it is up.
    pub fn tunnel_prefixes(&self, t: &Tunnel<'_>) -> Vec<Ipv4Net> {
        if t.connection.is_up() {
            self.tunnel_reach(t)
        } else {
            Vec::new()
        }
    }

    /// The prefixes behind a tunnel of a software VPN, as the appliance
    /// learns them when the tunnel is up: a spoke VGW advertises its VPC's
    /// CIDRs; an on-premises tunnel carries its static routes, or over BGP
    /// the on-premises networks behind its customer gateway.
    pub fn tunnel_reach(&self, t: &Tunnel<'_>) -> Vec<Ipv4Net> {
        match &t.peer {
            TunnelPeer::VpnGateway(g) => {
                let vpc = self
                    .vpn_gateways
                    .iter()
                    .find(|x| &x.name == g)
                    .and_then(|x| x.vpc.as_deref());
                self.vpcs
                    .iter()
                    .filter(|v| Some(v.name.as_str()) == vpc)
                    .flat_map(|v| v.ipv4_cidrs())
                    .collect()
            }
            TunnelPeer::CustomerGateway(cgw) => match &t.connection.routing {
                VpnRouting::Static(r) => r.clone(),
                VpnRouting::Bgp => self.onprem_prefixes_behind(cgw),
            },
        }
    }

    /// The on-premises networks' prefixes behind a customer gateway.
    pub fn onprem_prefixes_behind(&self, cgw: &str) -> Vec<Ipv4Net> {
        self.onprem_networks
            .iter()
            .filter(|n| n.customer_gateway.as_deref() == Some(cgw))
            .flat_map(|n| n.cidrs.iter().copied())
            .collect()
    }

    /// The routes of a software VPN appliance: each prefix with the VPN
    /// connection it leaves by.
    pub fn software_vpn_routes(&self, instance: &str) -> Vec<(Ipv4Net, &VpnConnection)> {
        let mut out = Vec::new();
        for t in self.instance_tunnels(instance) {
            for p in self.tunnel_prefixes(&t) {
                out.push((p, t.connection));
            }
        }
        out
    }

    /// The prefixes the customer side of a VPN connection advertises (BGP)
    /// or is given as static routes: the on-premises networks behind its
    /// customer gateway and, when the customer gateway is a software VPN
    /// appliance, what the appliance learned from its other tunnels plus its
    /// own VPC's CIDRs (transit).
    pub fn vpn_customer_prefixes(&self, vpn: &VpnConnection) -> Vec<Ipv4Net> {
        match &vpn.routing {
            VpnRouting::Static(r) => r.clone(),
            VpnRouting::Bgp => {
                let mut out = self.onprem_prefixes_behind(&vpn.customer_gateway);
                let hub = match &vpn.termination {
                    VpnTermination::VpnGateway(_) => self.customer_gateway_instance(&vpn.customer_gateway),
                    _ => None,
                };
                if let Some(hub) = hub {
                    for (p, via) in self.software_vpn_routes(&hub.name) {
                        if via.name != vpn.name {
                            out.push(p);
                        }
                    }
                    let vpc = self
                        .subnets
                        .iter()
                        .find(|s| s.name == hub.subnet)
                        .map(|s| s.vpc.as_str());
                    out.extend(
                        self.vpcs
                            .iter()
                            .filter(|v| Some(v.name.as_str()) == vpc)
                            .flat_map(|v| v.ipv4_cidrs()),
                    );
                }
                out.sort();
                out.dedup();
                out
            }
        }
    }
}
