//! Monthly cost estimate of a design's billable network parts, from an
//! editable price table (`assets/data/prices.ron`, us-east-1 list prices) and
//! traffic assumptions. Free parts (gateway endpoints, internet and
//! egress-only gateways, VGWs, peering connections) are listed as free.
//! What-if comparisons weigh resilience against cost ("one NAT per AZ").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::model::money::{dollars, round_cents, signed_dollars};

use crate::model::{
    Design, DesignIndex, EndpointKind, LoadBalancerKind, NatConnectivity, RouteDestination, RouteTarget, Subnet,
    TgwAttachmentKind,
};

/// The built-in price table's text.
pub const BUILTIN_PRICES: &str = include_str!("../assets/data/prices.ron");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub nat_gateway_hour: f64,
    pub nat_gateway_gb: f64,
    pub interface_endpoint_az_hour: f64,
    pub interface_endpoint_gb: f64,
    pub tgw_attachment_hour: f64,
    pub tgw_gb: f64,
    pub vpn_connection_hour: f64,
    pub public_ipv4_hour: f64,
    pub firewall_endpoint_hour: f64,
    pub firewall_gb: f64,
    pub firewall_waives_nat: bool,
    pub dx_port_hour: BTreeMap<String, f64>,
    pub cross_az_gb: f64,
    /// Network Load Balancer: per hour and per NLCU-hour (aws.amazon.com/elasticloadbalancing/pricing).
    #[serde(default = "LbPrices::nlb")]
    pub network_load_balancer: LbPrices,
    /// Gateway Load Balancer: per hour and per GLCU-hour.
    #[serde(default = "LbPrices::gwlb")]
    pub gateway_load_balancer: LbPrices,
    /// Gateway Load Balancer endpoint: per endpoint-hour and per GB processed
    /// (aws.amazon.com/privatelink/pricing).
    #[serde(default = "default_gwlb_endpoint_hour")]
    pub gwlb_endpoint_hour: f64,
    #[serde(default = "default_gwlb_endpoint_gb")]
    pub gwlb_endpoint_gb: f64,
}

/// A load balancer's hourly price and its capacity-unit price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbPrices {
    pub hour: f64,
    pub lcu_hour: f64,
}

impl LbPrices {
    fn nlb() -> Self {
        LbPrices {
            hour: 0.0225,
            lcu_hour: 0.006,
        }
    }
    fn gwlb() -> Self {
        LbPrices {
            hour: 0.0125,
            lcu_hour: 0.004,
        }
    }
}

fn default_gwlb_endpoint_hour() -> f64 {
    0.01
}
fn default_gwlb_endpoint_gb() -> f64 {
    0.0035
}
fn default_lb_lcus() -> f64 {
    1.0
}
fn default_gwlb_endpoint_traffic() -> f64 {
    100.0
}

/// Monthly GB assumed per billable object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    pub nat_gateway_gb: f64,
    pub interface_endpoint_gb: f64,
    pub tgw_vpc_attachment_gb: f64,
    pub firewall_endpoint_gb: f64,
    /// Average capacity units a Network or Gateway Load Balancer uses each hour.
    #[serde(default = "default_lb_lcus")]
    pub load_balancer_lcus: f64,
    #[serde(default = "default_gwlb_endpoint_traffic")]
    pub gwlb_endpoint_gb: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    pub region: String,
    pub as_of: String,
    pub hours_per_month: f64,
    pub prices: Prices,
    pub assumptions: Assumptions,
}

/// Why a price table could not be used.
pub type PriceError = crate::io::DataFileError;

impl PriceTable {
    /// Parses a price table; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, PriceError> {
        let t: PriceTable = crate::io::parse_data_file(&ron::Options::default(), text, origin)?;
        let p = &t.prices;
        let a = &t.assumptions;
        let numbers = [
            t.hours_per_month,
            p.nat_gateway_hour,
            p.nat_gateway_gb,
            p.interface_endpoint_az_hour,
            p.interface_endpoint_gb,
            p.tgw_attachment_hour,
            p.tgw_gb,
            p.vpn_connection_hour,
            p.public_ipv4_hour,
            p.firewall_endpoint_hour,
            p.firewall_gb,
            p.cross_az_gb,
            p.network_load_balancer.hour,
            p.network_load_balancer.lcu_hour,
            p.gateway_load_balancer.hour,
            p.gateway_load_balancer.lcu_hour,
            p.gwlb_endpoint_hour,
            p.gwlb_endpoint_gb,
            a.load_balancer_lcus,
            a.gwlb_endpoint_gb,
            a.nat_gateway_gb,
            a.interface_endpoint_gb,
            a.tgw_vpc_attachment_gb,
            a.firewall_endpoint_gb,
        ];
        if numbers
            .iter()
            .chain(p.dx_port_hour.values())
            .any(|n| !n.is_finite() || *n < 0.0)
        {
            return Err(PriceError::Invalid {
                path: origin.to_string(),
                message: "prices, hours and traffic must be finite numbers ≥ 0".into(),
            });
        }
        Ok(t)
    }

    /// The built-in table (us-east-1).
    pub fn builtin() -> Self {
        // The bundled file is tested to parse; fall back to its values spelled out otherwise.
        PriceTable::parse(BUILTIN_PRICES, "assets/data/prices.ron").unwrap_or_else(|_| PriceTable {
            region: "us-east-1".into(),
            as_of: "2026-11-23".into(),
            hours_per_month: 730.0,
            prices: Prices {
                nat_gateway_hour: 0.045,
                nat_gateway_gb: 0.045,
                interface_endpoint_az_hour: 0.01,
                interface_endpoint_gb: 0.01,
                tgw_attachment_hour: 0.05,
                tgw_gb: 0.02,
                vpn_connection_hour: 0.05,
                public_ipv4_hour: 0.005,
                firewall_endpoint_hour: 0.395,
                firewall_gb: 0.065,
                firewall_waives_nat: true,
                dx_port_hour: BTreeMap::from([
                    ("1Gbps".into(), 0.30),
                    ("10Gbps".into(), 2.25),
                    ("100Gbps".into(), 22.50),
                    ("400Gbps".into(), 85.00),
                ]),
                cross_az_gb: 0.01,
                network_load_balancer: LbPrices::nlb(),
                gateway_load_balancer: LbPrices::gwlb(),
                gwlb_endpoint_hour: default_gwlb_endpoint_hour(),
                gwlb_endpoint_gb: default_gwlb_endpoint_gb(),
            },
            assumptions: Assumptions {
                nat_gateway_gb: 100.0,
                interface_endpoint_gb: 10.0,
                tgw_vpc_attachment_gb: 100.0,
                firewall_endpoint_gb: 100.0,
                load_balancer_lcus: default_lb_lcus(),
                gwlb_endpoint_gb: default_gwlb_endpoint_traffic(),
            },
        })
    }

    /// Reads an override file.
    pub fn load(path: &Path) -> Result<Self, PriceError> {
        let text = crate::io::read_data_file(path)?;
        PriceTable::parse(&text, &path.display().to_string())
    }
}

/// One line of the estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    /// "NAT gateway", "public IPv4", "gateway endpoint", …
    pub item: String,
    /// The design object(s) it is for.
    pub object: String,
    /// The arithmetic, e.g. "730 h × $0.045 + 100 GB × $0.045".
    pub detail: String,
    /// USD per month (negative for waivers).
    pub monthly_usd: f64,
    pub free: bool,
}

/// A what-if comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub change: String,
    pub delta_monthly_usd: f64,
    pub tradeoff: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub design: String,
    pub design_region: String,
    pub price_region: String,
    pub prices_as_of: String,
    pub items: Vec<LineItem>,
    pub total_monthly_usd: f64,
    pub what_if: Vec<WhatIf>,
    pub notes: Vec<String>,
}

impl LineItem {
    /// `free`, or the monthly amount ([`dollars`]).
    pub fn amount(&self) -> String {
        if self.free {
            "free".to_string()
        } else {
            dollars(self.monthly_usd)
        }
    }
}

impl WhatIf {
    /// The change per month with its sign ([`signed_dollars`]): `+$37.35`, `-$32.85`.
    pub fn delta(&self) -> String {
        signed_dollars(self.delta_monthly_usd)
    }
}

/// A price: three decimals, or two when the third is zero ($0.045, $0.05, $0.30).
fn money(x: f64) -> String {
    // Unit prices below a tenth of a cent (GWLB endpoint $0.0035/GB) keep their fourth digit.
    let fine = ((x * 1000.0).round() - x * 1000.0).abs() > 1e-9;
    let mut s = if fine { format!("${x:.4}") } else { format!("${x:.3}") };
    if s.ends_with('0') {
        s.pop();
    }
    s
}

fn gb(x: f64) -> String {
    format!("{x}")
}

/// The estimate for a design.
pub fn estimate(d: &Design, t: &PriceTable) -> Estimate {
    estimate_indexed(d, &DesignIndex::new(d), t)
}

/// [`estimate`] with an index the caller already holds for `d` (e.g. `Workspace::index()`),
/// so a frame after an edit does not rebuild it. `idx` must be the index of `d`.
pub fn estimate_indexed(d: &Design, idx: &DesignIndex, t: &PriceTable) -> Estimate {
    let p = &t.prices;
    let a = &t.assumptions;
    let h = t.hours_per_month;
    let hours = gb(h);
    let mut items = Vec::new();
    let mut notes = Vec::new();
    let mut push = |item: &str, object: &str, detail: String, monthly: f64| {
        items.push(LineItem {
            item: item.into(),
            object: object.into(),
            detail,
            monthly_usd: monthly,
            free: monthly == 0.0,
        });
    };

    for n in &d.nat_gateways {
        if n.is_regional() {
            // Billed like a zonal NAT gateway in each AZ it is active in (see
            // the note below): one hour charge per AZ, one data charge.
            let azs = idx.regional_nat_addresses.iter().filter(|x| x.nat == n.name).count();
            push(
                "NAT gateway (regional)",
                &n.name,
                format!(
                    "{azs} AZs × {hours} h × {} + {} GB × {}",
                    money(p.nat_gateway_hour),
                    gb(a.nat_gateway_gb),
                    money(p.nat_gateway_gb)
                ),
                azs as f64 * h * p.nat_gateway_hour + a.nat_gateway_gb * p.nat_gateway_gb,
            );
            continue;
        }
        let kind = match n.connectivity {
            NatConnectivity::Public => "NAT gateway",
            NatConnectivity::Private => "NAT gateway (private)",
        };
        push(
            kind,
            &n.name,
            format!(
                "{hours} h × {} + {} GB × {}",
                money(p.nat_gateway_hour),
                gb(a.nat_gateway_gb),
                money(p.nat_gateway_gb)
            ),
            h * p.nat_gateway_hour + a.nat_gateway_gb * p.nat_gateway_gb,
        );
    }

    for fw in &d.firewalls {
        let endpoints = fw.subnets.len() as f64;
        push(
            "Network Firewall",
            &fw.name,
            format!(
                "{} endpoints × ({hours} h × {} + {} GB × {})",
                fw.subnets.len(),
                money(p.firewall_endpoint_hour),
                gb(a.firewall_endpoint_gb),
                money(p.firewall_gb)
            ),
            endpoints * (h * p.firewall_endpoint_hour + a.firewall_endpoint_gb * p.firewall_gb),
        );
    }
    if p.firewall_waives_nat {
        // Per VPC: "one hour & one GB of NAT gateway at no additional cost for every hour & GB
        // charged for Network Firewall endpoints" (aws.amazon.com/network-firewall/pricing).
        // Hours and GB are netted separately: NAT hours up to the endpoint hours, NAT GB up to
        // the firewall's GB.
        let vpcs: BTreeSet<&str> = d.firewalls.iter().map(|f| f.vpc.as_str()).collect();
        for vpc in vpcs {
            let endpoints: usize = d
                .firewalls
                .iter()
                .filter(|f| f.vpc == vpc)
                .map(|f| f.subnets.len())
                .sum();
            let in_vpc: Vec<&crate::model::NatGateway> =
                d.nat_gateways.iter().filter(|n| n.vpc_name(d) == Some(vpc)).collect();
            let nats = in_vpc.len();
            // A regional NAT gateway bills an hour in each AZ it serves.
            let nat_hours: usize = in_vpc
                .iter()
                .map(|n| {
                    if n.is_regional() {
                        idx.regional_nat_addresses.iter().filter(|x| x.nat == n.name).count()
                    } else {
                        1
                    }
                })
                .sum();
            let k = nat_hours.min(endpoints);
            if k == 0 {
                continue;
            }
            let waived_gb = (nats as f64 * a.nat_gateway_gb).min(endpoints as f64 * a.firewall_endpoint_gb);
            push(
                "NAT charges waived with Network Firewall",
                vpc,
                format!(
                    "−({k} × {hours} h × {} + {} GB × {})",
                    money(p.nat_gateway_hour),
                    gb(waived_gb),
                    money(p.nat_gateway_gb)
                ),
                -(k as f64 * h * p.nat_gateway_hour + waived_gb * p.nat_gateway_gb),
            );
        }
    }

    for ep in &d.endpoints {
        match &ep.kind {
            EndpointKind::Gateway { .. } => push(
                "gateway endpoint",
                &ep.name,
                format!("{}: no hourly or data charge", ep.service),
                0.0,
            ),
            EndpointKind::Interface { subnets, .. } => push(
                "interface endpoint",
                &ep.name,
                format!(
                    "{} AZs × {hours} h × {} + {} GB × {}",
                    subnets.len(),
                    money(p.interface_endpoint_az_hour),
                    gb(a.interface_endpoint_gb),
                    money(p.interface_endpoint_gb)
                ),
                subnets.len() as f64 * h * p.interface_endpoint_az_hour
                    + a.interface_endpoint_gb * p.interface_endpoint_gb,
            ),
            EndpointKind::GatewayLoadBalancer { .. } => push(
                "Gateway Load Balancer endpoint",
                &ep.name,
                format!(
                    "{hours} h × {} + {} GB × {}",
                    money(p.gwlb_endpoint_hour),
                    gb(a.gwlb_endpoint_gb),
                    money(p.gwlb_endpoint_gb)
                ),
                h * p.gwlb_endpoint_hour + a.gwlb_endpoint_gb * p.gwlb_endpoint_gb,
            ),
        }
    }

    // Network and Gateway Load Balancers bill an hour plus capacity units; an
    // endpoint service itself is free to the provider (the consumers' endpoints pay).
    for lb in &d.load_balancers {
        let (item, lp) = match lb.kind {
            LoadBalancerKind::Network => ("Network Load Balancer", p.network_load_balancer),
            LoadBalancerKind::Gateway => ("Gateway Load Balancer", p.gateway_load_balancer),
            LoadBalancerKind::Application => continue,
        };
        push(
            item,
            &lb.name,
            format!(
                "{hours} h × ({} + {} LCU × {})",
                money(lp.hour),
                a.load_balancer_lcus,
                money(lp.lcu_hour)
            ),
            h * (lp.hour + a.load_balancer_lcus * lp.lcu_hour),
        );
    }
    for s in &d.endpoint_services {
        push(
            "endpoint service",
            &s.name,
            "no charge to the provider; consumers pay for their endpoints".into(),
            0.0,
        );
    }

    for tgw in &d.transit_gateways {
        for att in &tgw.attachments {
            let (kind, data_gb) = match &att.kind {
                TgwAttachmentKind::Vpc { .. } => ("VPC", a.tgw_vpc_attachment_gb),
                TgwAttachmentKind::Vpn { .. } => ("VPN", 0.0),
                TgwAttachmentKind::DxGateway { .. } => ("DX gateway", 0.0),
                TgwAttachmentKind::Peering { .. } => ("peering", 0.0),
            };
            let detail = if data_gb > 0.0 {
                format!(
                    "{hours} h × {} + {} GB × {}",
                    money(p.tgw_attachment_hour),
                    gb(data_gb),
                    money(p.tgw_gb)
                )
            } else {
                format!("{hours} h × {}", money(p.tgw_attachment_hour))
            };
            push(
                &format!("TGW {kind} attachment"),
                &format!("{}/{}", tgw.name, att.name),
                detail,
                h * p.tgw_attachment_hour + data_gb * p.tgw_gb,
            );
        }
    }

    // Only AWS Site-to-Site VPN connections bill; a tunnel to a software VPN
    // on an instance is the appliance's (its instance hours and licence are
    // not in the price table).
    for vpn in d
        .vpn_connections
        .iter()
        .filter(|v| !matches!(v.termination, crate::model::VpnTermination::Instance(_)))
    {
        push(
            "site-to-site VPN",
            &vpn.name,
            format!("{hours} h × {}", money(p.vpn_connection_hour)),
            h * p.vpn_connection_hour,
        );
    }

    for dx in &d.dx_connections {
        match p.dx_port_hour.get(&dx.bandwidth) {
            Some(price) => push(
                "Direct Connect port",
                &dx.name,
                format!("{} port: {hours} h × {}", dx.bandwidth, money(*price)),
                h * price,
            ),
            None => notes.push(format!(
                "Direct Connect {}: no port price for {} in the table; not included",
                dx.name, dx.bandwidth
            )),
        }
    }

    if let Some(i) = public_ipv4(d, idx, t) {
        push(&i.item, &i.object, i.detail, i.monthly_usd);
    }

    for igw in &d.internet_gateways {
        push(
            "internet gateway",
            &igw.name,
            "no charge (data transfer out not estimated)".into(),
            0.0,
        );
    }
    for g in &d.egress_only_gateways {
        push("egress-only internet gateway", &g.name, "no charge".into(), 0.0);
    }
    for g in &d.vpn_gateways {
        push(
            "virtual private gateway",
            &g.name,
            "no charge (the VPN connections are billed)".into(),
            0.0,
        );
    }
    for pcx in &d.peerings {
        push(
            "VPC peering",
            &pcx.name,
            format!(
                "no hourly charge; data within an AZ free, across AZs {}/GB each way (not estimated)",
                money(p.cross_az_gb)
            ),
            0.0,
        );
    }

    let total = items.iter().map(|i| i.monthly_usd).sum::<f64>();
    if d.region != t.region {
        notes.push(format!(
            "the design is in {} but the prices are for {}; pass --prices with a table for {}",
            d.region, t.region, d.region
        ));
    }
    if !d.nat_gateways.is_empty() {
        notes.push(format!(
            "each NAT gateway is assumed to process {} GB a month (the price table's assumption; --prices reads another table)",
            gb(t.assumptions.nat_gateway_gb)
        ));
    }
    if d.nat_gateways.iter().any(|n| n.is_regional()) {
        notes.push(
            "a regional NAT gateway is assumed to bill the NAT gateway hour in each AZ it is active in (every AZ where its VPC has subnets) and one data charge per GB, plus one public IPv4 address per AZ (Amazon VPC pricing; automatic mode)"
                .into(),
        );
    }
    notes.push("data transfer out to the internet and cross-AZ data are not included".into());
    Estimate {
        design: d.name.clone(),
        design_region: d.region.clone(),
        price_region: t.region.clone(),
        prices_as_of: t.as_of.clone(),
        items,
        total_monthly_usd: round_cents(total),
        what_if: what_ifs_indexed(d, idx, t),
        notes,
    }
}

/// The item that prices public IPv4 addresses.
const PUBLIC_IPV4: &str = "public IPv4 addresses";

/// Public IPv4: every Elastic IP (associated or idle) and every
/// auto-assigned public address (Amazon VPC pricing, "Public IPv4 address").
/// The only line an instance moves.
fn public_ipv4(d: &Design, idx: &DesignIndex, t: &PriceTable) -> Option<LineItem> {
    let (p, h) = (&t.prices, t.hours_per_month);
    let eip_addrs: BTreeSet<std::net::Ipv4Addr> = d.elastic_ips.iter().map(|e| e.address).collect();
    let mut owners: Vec<&str> = d.elastic_ips.iter().map(|e| e.name.as_str()).collect();
    let mut auto = 0usize;
    for eni in &idx.enis {
        if let Some(ip) = eni.public_ip {
            if !eip_addrs.contains(&ip) {
                auto += 1;
                owners.push(eni.owner.name());
            }
        }
    }
    // A regional NAT gateway's Amazon-provided address in each AZ is a public
    // IPv4 address like any other.
    for x in &idx.regional_nat_addresses {
        auto += 1;
        owners.push(&x.nat);
    }
    let count = d.elastic_ips.len() + auto;
    if count == 0 {
        return None;
    }
    owners.dedup();
    let monthly = count as f64 * h * p.public_ipv4_hour;
    Some(LineItem {
        item: PUBLIC_IPV4.into(),
        object: owners.join(", "),
        detail: format!(
            "{count} ({} Elastic, {auto} auto-assigned) × {} h × {}",
            d.elastic_ips.len(),
            gb(h),
            money(p.public_ipv4_hour)
        ),
        monthly_usd: monthly,
        free: monthly == 0.0,
    })
}

/// How [`Estimate::after_instance_change`] changed the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemChange {
    /// The item at this position was replaced.
    Replaced(usize),
    /// An item was inserted at this position.
    Inserted(usize),
    /// The item at this position was removed.
    Removed(usize),
    /// No item changed (the design has no public IPv4 address before or after).
    Unchanged,
}

impl Estimate {
    /// Follows an instance added to, removed from or replaced in `d` (`idx`
    /// its index), `self` being the estimate of the design before that
    /// change: an instance is priced only through its public IPv4 addresses,
    /// so only that line and the total are derived again (a fresh estimate of
    /// a 12,000-instance design walks every NAT gateway, endpoint, attachment
    /// and subnet route).
    pub fn after_instance_change(&mut self, d: &Design, idx: &DesignIndex, t: &PriceTable) -> ItemChange {
        // The items after the public IPv4 line are one per internet gateway,
        // egress-only gateway, virtual private gateway and peering (see
        // `estimate_indexed`).
        let after = d.internet_gateways.len() + d.egress_only_gateways.len() + d.vpn_gateways.len() + d.peerings.len();
        let at = self.items.len().saturating_sub(after);
        let had = at > 0 && self.items[at - 1].item == PUBLIC_IPV4;
        let change = match (had, public_ipv4(d, idx, t)) {
            (true, Some(item)) => {
                self.items[at - 1] = item;
                ItemChange::Replaced(at - 1)
            }
            (true, None) => {
                self.items.remove(at - 1);
                ItemChange::Removed(at - 1)
            }
            (false, Some(item)) => {
                self.items.insert(at, item);
                ItemChange::Inserted(at)
            }
            (false, None) => ItemChange::Unchanged,
        };
        self.total_monthly_usd = round_cents(self.items.iter().map(|i| i.monthly_usd).sum::<f64>());
        change
    }
}

/// Whether subnet `s` coming or going leaves the estimate of `d` (the
/// design after the change, `idx` its index) as it was: no interface is in it (an instance's public address, a NAT gateway, load
/// balancer, endpoint, firewall or attachment priced through it), its VPC
/// has no regional NAT gateway (billed per AZ with subnets), and its route
/// table sends no `0.0.0.0/0` to a NAT gateway (the per-AZ what-ifs count
/// the AZs of such subnets). No item names a subnet.
pub fn subnet_prices_nothing(d: &Design, idx: &DesignIndex, s: &Subnet) -> bool {
    let numbered = idx.interface_names_subnet(&s.name);
    let regional_nat = d
        .nat_gateways
        .iter()
        .any(|n| n.is_regional() && n.vpc.as_deref() == Some(s.vpc.as_str()));
    let any = RouteDestination::Cidr(crate::model::any_v4());
    let routes_to_nat = idx.subnet_route_table(d, s).is_some_and(|rt| {
        rt.routes
            .iter()
            .any(|r| r.dest == any && matches!(r.target, RouteTarget::NatGateway(_)))
    });
    !numbered && !regional_nat && !routes_to_nat
}

/// For each VPC: the AZs whose subnets send `0.0.0.0/0` to a NAT gateway, and the AZs of those NAT gateways.
fn nat_usage(d: &Design, idx: &DesignIndex) -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let mut out: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let any = RouteDestination::Cidr(crate::model::any_v4());
    for s in &d.subnets {
        let Some(rt) = idx.subnet_route_table(d, s) else {
            continue;
        };
        for r in rt.routes.iter().filter(|r| r.dest == any) {
            if let RouteTarget::NatGateway(n) = &r.target {
                let nat = idx.nat_gateway(d, n);
                // A regional NAT gateway is in the subnet's own AZ: one per AZ
                // is what it already is, so neither what-if applies to it (the
                // VPC still gets the S3 gateway endpoint one).
                if nat.is_some_and(|n| n.is_regional()) {
                    out.entry(s.vpc.clone()).or_default();
                    continue;
                }
                let nat_az = nat
                    .and_then(|n| n.subnet.as_deref())
                    .and_then(|n| idx.subnet(d, n))
                    .map(|s| s.az.clone());
                let e = out.entry(s.vpc.clone()).or_default();
                e.0.insert(s.az.clone());
                if let Some(az) = nat_az {
                    e.1.insert(az);
                }
            }
        }
    }
    out
}

/// What-if comparisons: NAT per AZ vs a single NAT, per VPC.
pub fn what_ifs(d: &Design, t: &PriceTable) -> Vec<WhatIf> {
    what_ifs_indexed(d, &DesignIndex::new(d), t)
}

/// [`what_ifs`] with the caller's index of `d`.
pub fn what_ifs_indexed(d: &Design, idx: &DesignIndex, t: &PriceTable) -> Vec<WhatIf> {
    let p = &t.prices;
    let h = t.hours_per_month;
    let mut out = Vec::new();
    for (vpc, (subnet_azs, nat_azs)) in nat_usage(d, idx) {
        // NAT gateways' fixed monthly cost: their hours (less those waived by
        // Network Firewall endpoints in the VPC) and their Elastic IPs. The data
        // charge follows the traffic, which does not change with the number of gateways.
        let endpoints: usize = if p.firewall_waives_nat {
            d.firewalls
                .iter()
                .filter(|f| f.vpc == vpc)
                .map(|f| f.subnets.len())
                .sum()
        } else {
            0
        };
        let fixed = |nats: usize| {
            nats.saturating_sub(endpoints) as f64 * h * p.nat_gateway_hour + nats as f64 * h * p.public_ipv4_hour
        };
        let current = nat_azs.len();
        let missing = subnet_azs.difference(&nat_azs).count();
        if missing > 0 {
            out.push(WhatIf {
                change: format!("one NAT gateway per AZ in {vpc} ({missing} more, each with an Elastic IP)"),
                delta_monthly_usd: round_cents(fixed(current + missing) - fixed(current)),
                tradeoff: format!(
                    "survives an AZ failure, and traffic no longer crosses AZs to reach a NAT gateway ({}/GB each way)",
                    money(p.cross_az_gb)
                ),
            });
        } else if nat_azs.len() > 1 {
            let fewer = nat_azs.len() - 1;
            out.push(WhatIf {
                change: format!("a single NAT gateway in {vpc} ({fewer} fewer)"),
                delta_monthly_usd: round_cents(fixed(1) - fixed(current)),
                tradeoff: format!(
                    "an AZ failure then cuts internet egress for every AZ, and other AZs pay cross-AZ data ({}/GB each way)",
                    money(p.cross_az_gb)
                ),
            });
        }
        let has_s3 = d
            .endpoints
            .iter()
            .any(|e| e.vpc == vpc && e.service == "s3" && e.is_gateway());
        if !has_s3 {
            out.push(WhatIf {
                change: format!("an S3 gateway endpoint in {vpc}"),
                delta_monthly_usd: 0.0,
                tradeoff: format!(
                    "free; S3 traffic then skips NAT processing ({}/GB)",
                    money(p.nat_gateway_gb)
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_parses_and_is_us_east_1() {
        let t = PriceTable::parse(BUILTIN_PRICES, "prices.ron").unwrap();
        assert_eq!(t.region, "us-east-1");
        assert_eq!(t.hours_per_month, 730.0);
        assert_eq!(t.prices.nat_gateway_hour, 0.045);
        assert_eq!(t, PriceTable::builtin());
    }

    /// A subnet that [`subnet_prices_nothing`] passes leaves the estimate as
    /// it was, whichever route table, AZ and numbering it has: every
    /// template and the generated design (one NAT gateway made regional)
    /// with one more subnet per VPC, route table and AZ (one outside the
    /// design's zones), each also named by an instance. Some of them do move
    /// prices, so the check has cases to refuse.
    #[test]
    fn a_subnet_that_prices_nothing_leaves_the_estimate_as_it_was() {
        use crate::model::{Instance, Subnet};
        let t = PriceTable::builtin();
        let mut generated =
            crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).expect("generated");
        let whole = generated.clone();
        if let Some(n) = generated.nat_gateways.last_mut() {
            n.vpc = n.vpc_name(&whole).map(str::to_string);
            n.subnet = None;
            n.availability_mode = crate::model::NatAvailability::Regional;
        }
        let designs = crate::create::templates::TEMPLATES
            .iter()
            .map(|t| t.design())
            .chain([generated]);
        let (mut kept, mut moved) = (0, 0);
        for d in designs {
            let before = estimate(&d, &t);
            let Some(template) = d.subnets.first().cloned() else {
                continue;
            };
            let mut azs = d.azs.clone();
            azs.push(format!("{}z", d.region));
            for vpc in &d.vpcs {
                let tables = d
                    .route_tables
                    .iter()
                    .filter(|r| r.vpc == vpc.name)
                    .map(|r| Some(r.name.clone()));
                for table in tables.chain([None]) {
                    for az in &azs {
                        for named in [false, true] {
                            let mut after = d.clone();
                            let subnet = Subnet {
                                name: "priced-probe".into(),
                                vpc: vpc.name.clone(),
                                az: az.clone(),
                                route_table: table.clone(),
                                ipv6_cidr: None,
                                ..template.clone()
                            };
                            after.subnets.push(subnet.clone());
                            if named {
                                let Some(host) = d.instances.first().cloned() else {
                                    continue;
                                };
                                after.instances.push(Instance {
                                    name: "priced-probe-host".into(),
                                    subnet: subnet.name.clone(),
                                    private_ip: None,
                                    public_ip: Some(true),
                                    elastic_ip: None,
                                    ipv6: None,
                                    secondary_interfaces: Vec::new(),
                                    ..host
                                });
                            }
                            let idx = DesignIndex::new(&after);
                            let now = estimate(&after, &t);
                            if subnet_prices_nothing(&after, &idx, &subnet) {
                                kept += 1;
                                assert_eq!(now, before, "subnet in {} {az} {table:?}", vpc.name);
                            } else if now != before {
                                moved += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(kept > 0 && moved > 0, "kept {kept}, moved {moved}");
    }

    /// A subnet renamed, every reference following it, leaves the estimate as
    /// it was: no item names a subnet, and prices read a subnet only through
    /// its VPC, AZ, route table and the interfaces in it, which a rename
    /// keeps (what the cost pane relies on to keep its estimate). Every
    /// subnet of every template and of the generated design.
    #[test]
    fn a_renamed_subnet_leaves_the_estimate_as_it_was() {
        let t = PriceTable::builtin();
        let generated =
            crate::create::synthetic::generate(&crate::create::synthetic::GenParams::small()).expect("generated");
        let designs = crate::create::templates::TEMPLATES
            .iter()
            .map(|t| t.design())
            .chain([generated]);
        for d in designs {
            let before = estimate(&d, &t);
            for s in &d.subnets {
                let mut after = d.clone();
                let rename = crate::edit::Edit::Rename {
                    target: crate::model::ObjectRef::new(crate::model::ObjectKind::Subnet, &s.name),
                    to: format!("{}-renamed", s.name),
                };
                rename.apply(&mut after).expect("renamed");
                assert_eq!(estimate(&after, &t), before, "{} renamed", s.name);
            }
        }
    }

    /// The cost pane prices the workspace's (edit-patched) index instead of a fresh one:
    /// the estimate must be the same for every template, before and after edits.
    #[test]
    fn estimate_with_workspace_index_equals_fresh_estimate() {
        use crate::edit::Edit;
        use crate::model::Object;
        let t = PriceTable::builtin();
        for tpl in crate::create::templates::TEMPLATES {
            let mut ws = crate::workspace::Workspace::new(tpl.design());
            assert_eq!(
                estimate_indexed(ws.design(), ws.index(), &t),
                estimate(ws.design(), &t),
                "{}",
                tpl.name
            );
            // An in-place edit (index patched) and a removal of the last instance.
            if let Some(sg) = ws.design().security_groups.first().cloned() {
                let mut sg = sg;
                sg.description = Some("edited".into());
                ws.apply(Edit::Put(Object::SecurityGroup(sg))).unwrap();
            }
            if let Some(i) = ws.design().instances.last() {
                let r = crate::model::ObjectRef::new(crate::model::ObjectKind::Instance, &i.name);
                let _ = ws.apply(Edit::Delete(r));
            }
            assert_eq!(
                estimate_indexed(ws.design(), ws.index(), &t),
                estimate(ws.design(), &t),
                "{} after edits",
                tpl.name
            );
        }
    }

    #[test]
    fn a_what_if_delta_is_a_signed_amount() {
        let w = |delta_monthly_usd| WhatIf {
            change: String::new(),
            delta_monthly_usd,
            tradeoff: String::new(),
        };
        assert_eq!(w(-32.85).delta(), "-$32.85");
        assert_eq!(w(-0.001).delta(), "+$0.00");
    }

    #[test]
    fn nothing_billable_costs_zero_dollars_never_minus_zero() {
        // An empty f64 sum is -0.0: the total must still print as $0.00.
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert_eq!(dollars(empty), "$0.00");
        assert_eq!(dollars(-0.001), "$0.00");
        assert_eq!(dollars(-3.65), "-$3.65");
        let d = Design::empty("blank", "us-east-1", &["us-east-1a"]);
        let est = estimate(&d, &PriceTable::builtin());
        assert_eq!(dollars(est.total_monthly_usd), "$0.00");
        assert_eq!(est.total_monthly_usd.to_bits(), 0.0f64.to_bits(), "{est:#?}");
        assert!(
            est.notes.iter().all(|n| !n.contains("NAT gateway")),
            "no NAT, no NAT assumption"
        );
        // With NAT gateways, the estimate says how much traffic it assumes.
        let est = estimate(&crate::create::templates::sample::three_tier(), &PriceTable::builtin());
        assert!(
            est.notes
                .iter()
                .any(|n| n.contains("each NAT gateway is assumed to process 100 GB a month")),
            "{:?}",
            est.notes
        );
    }

    #[test]
    fn money_prints_without_trailing_zeros() {
        assert_eq!(money(0.045), "$0.045");
        assert_eq!(money(0.05), "$0.05");
        assert_eq!(money(0.0035), "$0.0035");
        assert_eq!(money(0.0225), "$0.0225");
        assert_eq!(money(0.3), "$0.30");
    }

    /// aws.amazon.com/network-firewall/pricing: one NAT hour and one NAT GB free for every
    /// firewall endpoint hour and GB. One endpoint (150 GB assumed) in front of two NATs
    /// (100 GB each): 1 NAT-hour stream and min(200, 150) = 150 GB are waived.
    #[test]
    fn network_firewall_pricing_waives_nat_hours_and_gb_independently() {
        let mut d = crate::create::templates::find("inspection-firewall")
            .map(|t| t.design())
            .unwrap();
        for fw in &mut d.firewalls {
            fw.subnets.truncate(1);
        }
        let mut t = PriceTable::builtin();
        t.assumptions.firewall_endpoint_gb = 150.0;
        let est = estimate(&d, &t);
        let waiver: f64 = est
            .items
            .iter()
            .filter(|i| i.item == "NAT charges waived with Network Firewall")
            .map(|i| i.monthly_usd)
            .sum();
        // −(730 h × $0.045 + 150 GB × $0.045) = −(32.85 + 6.75).
        assert!((waiver + 39.60).abs() < 0.005, "{waiver}");
    }

    /// aws.amazon.com/directconnect/pricing/pay-as-you-go (outside Japan): dedicated port-hours
    /// 1G $0.30, 10G $2.25, 100G $22.50, 400G $85.00.
    #[test]
    fn direct_connect_pricing_page_dedicated_port_hours() {
        let t = PriceTable::builtin();
        for (bw, hourly, monthly) in [
            ("1Gbps", 0.30, 219.0),
            ("10Gbps", 2.25, 1642.50),
            ("100Gbps", 22.50, 16425.0),
            ("400Gbps", 85.00, 62050.0),
        ] {
            assert_eq!(t.prices.dx_port_hour.get(bw), Some(&hourly), "{bw}");
            let mut d = crate::create::templates::find("hybrid-dx-vpn")
                .map(|t| t.design())
                .unwrap();
            for dx in &mut d.dx_connections {
                dx.bandwidth = bw.into();
            }
            let port: f64 = estimate(&d, &t)
                .items
                .iter()
                .filter(|i| i.item == "Direct Connect port")
                .map(|i| i.monthly_usd)
                .sum();
            assert!((port - monthly).abs() < 0.005, "{bw}: {port}");
        }
    }

    #[test]
    fn negative_prices_are_refused() {
        let text = BUILTIN_PRICES.replace("nat_gateway_hour: 0.045", "nat_gateway_hour: -1.0");
        assert!(PriceTable::parse(&text, "x").is_err());
    }
}
