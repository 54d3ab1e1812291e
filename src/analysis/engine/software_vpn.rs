//! A software VPN appliance on an instance (the transit VPC pattern; Amazon
//! Virtual Private Cloud Connectivity Options whitepaper, "Transit VPC" and
//! "Software VPN-to-AWS Managed VPN"): it decrypts what arrives over one of
//! its tunnels and sends it on by its own routes — out another tunnel (to a
//! spoke VPC's VGW or to an on-premises router), or into its own VPC through
//! its network interface.
//!
//! Tunnel to tunnel, the decrypted packet never touches the VPC: it leaves
//! re-encrypted from the instance's own address. Between a tunnel and the
//! VPC it does: the instance then sends or receives packets that are not its
//! own, which EC2 drops unless the source/destination check is off (EC2 User
//! Guide, "Source/destination checking": disable it on instances that route).

use super::*;
use crate::model::TunnelPeer;

impl<'w, 'a> Walk<'w, 'a> {
    /// A packet arrives at software VPN `hub` over VPN connection `from`.
    pub(super) fn software_vpn_in(&mut self, hub: &str, from: &str, pkt: Packet) -> Step {
        self.tick(pkt)?;
        let an = self.an;
        let Some(e) = an.eni_index(&EniOwner::Instance(hub.to_string())) else {
            return Err(self.missing(hub, pkt));
        };
        if an.eni_down(e) {
            return Err(self.eni_down_stop(e, pkt, "run a second VPN instance in another AZ, with its own tunnels"));
        }
        self.hop(
            At::new(HopKind::Appliance, hub),
            pkt,
            pkt,
            || format!("{hub}: software VPN decrypts what {from} carries"),
            || obj(ObjectKind::Instance, hub),
        );
        if let Some(conn) = self.tunnel_for(hub, pkt, Some(from))? {
            return self.tunnel_out(hub, &conn, pkt);
        }
        // Not for a tunnel: into the appliance's own VPC, through its interface.
        let v = an.eni_subnet[e].map(|s| an.subnets[s].vpc);
        let into_own_vpc = v.is_some_and(|v| an.vpcs[v].cidrs.iter().any(|c| c.contains(&pkt.dst)));
        if !into_own_vpc {
            let routes: Vec<String> =
                an.d.software_vpn_routes(hub)
                    .iter()
                    .map(|(p, c)| format!("{p} → {}", c.name))
                    .collect();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::SoftwareVpnNoRoute, HopKind::Appliance, hub)
                    .on(ObjectKind::Instance, hub)
                    .message(|| format!(
                        "no tunnel of {hub} leads to {} (its routes: {})",
                        pkt.dst,
                        if routes.is_empty() { "none".to_string() } else { routes.join(", ") }
                    ))
                    .hint(|| format!(
                        "add a VPN connection between {hub} and the destination's network (a spoke VPC's virtual private gateway, or its on-premises router)"
                    )),
            ));
        }
        let Some(s) = an.eni_subnet[e] else {
            return Err(self.missing(hub, pkt));
        };
        let eni = &an.idx.enis[e];
        if eni.source_dest_check {
            self.event(e, pkt, false);
            return Err(self.stop(
                pkt,
                self.stop_at(Code::SourceDestCheck, HopKind::Appliance, hub)
                    .on(ObjectKind::Instance, hub)
                    .message(|| format!(
                        "{hub} decrypts a packet from {} for {} in its own VPC, but its source/destination check is on: EC2 drops what it sends from an address that is not its own",
                        pkt.src, pkt.dst
                    ))
                    .hint(|| format!("disable the source/destination check on {hub}")),
            ));
        }
        self.sg_check(e, Direction::Outbound, pkt)?;
        self.event(e, pkt, true);
        self.hop(
            At::new(HopKind::Appliance, hub),
            pkt,
            pkt,
            || format!("{hub}: into its VPC (source/destination check off)"),
            || obj(ObjectKind::Instance, hub),
        );
        self.leave_subnet(s, pkt, Origin::Local, Some(e))
    }

    /// The VPN connection a software VPN sends `pkt` out of: its longest
    /// matching route, never back where it came from. `Ok(None)`: no tunnel
    /// route matches; a matching tunnel that is down stops the walk.
    pub(super) fn tunnel_for(
        &mut self,
        hub: &str,
        pkt: Packet,
        from: Option<&str>,
    ) -> Result<Option<String>, Box<Stop>> {
        let an = self.an;
        let IpAddr::V4(dst) = pkt.dst else {
            return Ok(None);
        };
        let best =
            an.d.software_vpn_routes(hub)
                .into_iter()
                .filter(|(p, c)| p.contains(&dst) && Some(c.name.as_str()) != from)
                .max_by_key(|(p, _)| p.prefix_len())
                .map(|(_, c)| c.name.clone());
        if best.is_some() {
            return Ok(best);
        }
        // A tunnel that would carry it but is down says so.
        let down = an.d.instance_tunnels(hub).into_iter().find(|t| {
            !t.connection.is_up()
                && Some(t.connection.name.as_str()) != from
                && an.d.tunnel_reach(t).iter().any(|p| p.contains(&dst))
        });
        if let Some(t) = down {
            let n = t.connection.name.clone();
            return Err(self.stop(
                pkt,
                self.stop_at(Code::VpnDown, HopKind::VpnConnection, &n)
                    .on(ObjectKind::VpnConnection, &n)
                    .message(|| format!("{n}, the tunnel of {hub} for {}, is down", pkt.dst))
                    .hint(|| "restore the tunnel, or add a second VPN instance with its own tunnels".into()),
            ));
        }
        Ok(None)
    }

    /// Software VPN `hub` encrypts `pkt` into VPN connection `conn`.
    pub(super) fn tunnel_out(&mut self, hub: &str, conn: &str, pkt: Packet) -> Step {
        let an = self.an;
        let Some(t) =
            an.d.instance_tunnels(hub)
                .into_iter()
                .find(|t| t.connection.name == conn)
        else {
            return Err(self.missing(conn, pkt));
        };
        let peer = t.peer.clone();
        match peer {
            TunnelPeer::VpnGateway(g) => {
                self.hop(
                    At::new(HopKind::VpnConnection, conn),
                    pkt,
                    pkt,
                    || format!("{hub} → {g} over {conn}"),
                    || obj(ObjectKind::VpnConnection, conn),
                );
                match self.vgw_into_its_vpc(&g, pkt) {
                    Some(step) => step,
                    None => Err(self.stop(
                        pkt,
                        self.stop_at(Code::EdgeToEdge, HopKind::VpnGateway, &g)
                            .on(ObjectKind::VpnGateway, &g)
                            .message(|| format!("{g} delivers only into its own VPC's addresses, not {}", pkt.dst))
                            .hint(|| format!("route {} to the VPN connection of the VPC that holds it", pkt.dst)),
                    )),
                }
            }
            TunnelPeer::CustomerGateway(cgw) => self.deliver_onprem_via(conn, HopKind::VpnConnection, pkt, |n| {
                n.customer_gateway.as_deref() == Some(cgw.as_str())
            }),
        }
    }
}
