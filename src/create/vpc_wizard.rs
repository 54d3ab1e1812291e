//! The "VPC and more" wizard: like the AWS console's wizard, it builds a
//! complete VPC from a few choices — CIDR, AZs, tiers, NAT strategy, gateway
//! endpoints, IPv6 and DNS — with subnets allocated without overlap and with
//! room to grow, and baseline security groups and network ACLs per tier.
//!
//! Allocation: the VPC block is cut into four tier blocks (public, private,
//! database, intra, in that fixed order, so adding a tier later finds its
//! block free) and each tier block into four AZ slots; a subnet is one slot.
//! A /16 gives /20 subnets, as the console does. Unused slots stay free for
//! more AZs or tiers. VPCs too small for that use fewer, larger slots.

use std::fmt;
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::create::templates::build::*;
use crate::model::*;

/// A subnet tier the wizard can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Route to the internet gateway; hosts load balancers, NAT gateways, web servers.
    Public,
    /// Egress through NAT (IPv4) and the egress-only IGW (IPv6); app servers.
    Private,
    /// No internet route at all; databases reachable from the private tier only.
    Database,
    /// Local traffic only (plus gateway endpoints).
    Intra,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Public, Tier::Private, Tier::Database, Tier::Intra];

    pub fn label(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Database => "database",
            Tier::Intra => "intra",
        }
    }

    fn index(self) -> u32 {
        match self {
            Tier::Public => 0,
            Tier::Private => 1,
            Tier::Database => 2,
            Tier::Intra => 3,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Ok(Tier::Public),
            "private" => Ok(Tier::Private),
            "database" | "db" => Ok(Tier::Database),
            "intra" => Ok(Tier::Intra),
            other => Err(format!(
                "unknown tier `{other}`: expected public, private, database or intra"
            )),
        }
    }
}

/// How private subnets reach the IPv4 internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NatMode {
    /// No NAT gateway: private subnets have no IPv4 internet route.
    None,
    /// One NAT gateway in the first AZ for every AZ (cheaper; an AZ failure cuts all egress — L-02).
    #[default]
    Single,
    /// One NAT gateway per AZ, each AZ's private subnets using their own.
    PerAz,
    /// One regional NAT gateway for the VPC: it translates in every AZ with
    /// workloads and needs no public subnet, only the VPC's internet gateway
    /// (VPC User Guide, "Regional NAT gateways").
    Regional,
}

impl FromStr for NatMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(NatMode::None),
            "single" => Ok(NatMode::Single),
            "per-az" | "peraz" | "one-per-az" => Ok(NatMode::PerAz),
            "regional" => Ok(NatMode::Regional),
            other => Err(format!(
                "unknown NAT mode `{other}`: expected none, single, per-az or regional"
            )),
        }
    }
}

/// The wizard's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardOptions {
    /// Design and VPC name.
    pub name: String,
    pub region: String,
    pub cidr: Ipv4Net,
    /// Number of AZs, 1–4.
    pub azs: u8,
    pub tiers: Vec<Tier>,
    pub nat: NatMode,
    pub s3_endpoint: bool,
    pub dynamodb_endpoint: bool,
    /// Amazon-provided /56 for the VPC, a /64 per subnet, egress-only IGW for private tiers.
    pub ipv6: bool,
    pub dns_hostnames: bool,
    pub dns_support: bool,
    /// Baseline security groups and network ACLs per tier. Without them every
    /// subnet uses the VPC's default NACL and no tier security groups exist.
    pub baseline_security: bool,
}

impl Default for WizardOptions {
    fn default() -> Self {
        WizardOptions {
            name: "main".into(),
            region: "us-east-1".into(),
            cidr: Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), 16).unwrap_or_default(),
            azs: 2,
            tiers: vec![Tier::Public, Tier::Private],
            nat: NatMode::Single,
            s3_endpoint: false,
            dynamodb_endpoint: false,
            ipv6: false,
            dns_hostnames: true,
            dns_support: true,
            baseline_security: true,
        }
    }
}

/// Why a set of choices cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> GenerateError {
    GenerateError::Invalid(msg.into())
}

/// The app port the private tier listens on, and the database port.
pub const APP_PORT: u16 = 8080;
pub const DB_PORT: u16 = 5432;

/// The illustrative Amazon-provided IPv6 block given to generated VPCs.
pub const IPV6_BLOCK: &str = "2600:1f18:6b0:4800::/56";

/// Where each tier's subnets go: bit widths of the tier and AZ fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub tier_bits: u8,
    pub az_bits: u8,
}

fn ceil_log2(n: usize) -> u8 {
    let mut bits = 0u8;
    while (1usize << bits) < n {
        bits += 1;
    }
    bits
}

impl Layout {
    /// Four tier blocks × four AZ slots when the VPC is big enough; otherwise
    /// only as many bits as the chosen tiers and AZs need. `None` when even that
    /// makes subnets smaller than /28 (SUB-2).
    pub fn for_vpc(cidr: Ipv4Net, tiers: usize, azs: usize) -> Option<Layout> {
        let p = cidr.prefix_len();
        let fits = |l: Layout| p + l.tier_bits + l.az_bits <= 28;
        let candidates = [
            Layout {
                tier_bits: 2,
                az_bits: 2,
            },
            Layout {
                tier_bits: 2,
                az_bits: ceil_log2(azs),
            },
            Layout {
                tier_bits: ceil_log2(tiers),
                az_bits: ceil_log2(azs),
            },
        ];
        candidates.into_iter().find(|l| fits(*l))
    }

    pub fn subnet_prefix(self, cidr: Ipv4Net) -> u8 {
        cidr.prefix_len() + self.tier_bits + self.az_bits
    }

    /// The block holding all subnets of the tier at position `slot` (0-based).
    pub fn tier_block(self, cidr: Ipv4Net, slot: u32) -> Ipv4Net {
        let len = cidr.prefix_len() + self.tier_bits;
        let size = 1u32 << (32 - u32::from(len));
        let base = u32::from(cidr.network()) + slot * size;
        Ipv4Net::new(base.into(), len).unwrap_or(cidr)
    }

    pub fn subnet(self, cidr: Ipv4Net, slot: u32, az: u32) -> Ipv4Net {
        let tier = self.tier_block(cidr, slot);
        let len = self.subnet_prefix(cidr);
        let size = 1u32 << (32 - u32::from(len));
        Ipv4Net::new((u32::from(tier.network()) + az * size).into(), len).unwrap_or(tier)
    }
}

const AZ_LETTERS: [&str; 4] = ["a", "b", "c", "d"];

/// Builds the design the options describe.
pub fn generate(o: &WizardOptions) -> Result<Design, GenerateError> {
    if !crate::edit::valid_name(&o.name) {
        return Err(invalid(format!(
            "`{}` is not a valid name: use letters, digits, `-`, `_` or `.`",
            o.name
        )));
    }
    if !(1..=4).contains(&o.azs) {
        return Err(invalid(format!("--azs must be 1 to 4 (got {})", o.azs)));
    }
    if o.cidr.network() != o.cidr.addr() {
        return Err(invalid(format!(
            "{} has host bits set; did you mean {}? (CIDR-2)",
            o.cidr,
            o.cidr.trunc()
        )));
    }
    let plen = o.cidr.prefix_len();
    if !crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.contains(&plen) {
        return Err(invalid(format!(
            "a VPC CIDR must be /16 to /28 (VPC-1, InvalidVpc.Range); {} is a /{plen}",
            o.cidr
        )));
    }
    if o.dns_hostnames && !o.dns_support {
        return Err(invalid(
            "DNS hostnames need DNS support: drop --no-dns-support or --dns-hostnames",
        ));
    }
    let mut tiers = o.tiers.clone();
    tiers.sort();
    tiers.dedup();
    if tiers.is_empty() {
        return Err(invalid("choose at least one tier: public, private, database or intra"));
    }
    let has = |t: Tier| tiers.contains(&t);
    if matches!(o.nat, NatMode::Single | NatMode::PerAz) && !has(Tier::Public) {
        return Err(invalid(
            "a zonal public NAT gateway lives in a public subnet: add the public tier, or use --nat regional or none",
        ));
    }
    if o.nat != NatMode::None && !has(Tier::Private) {
        return Err(invalid("NAT gateways serve the private tier: add it or use --nat none"));
    }
    let azs = usize::from(o.azs);
    let layout = Layout::for_vpc(o.cidr, tiers.len(), azs).ok_or_else(|| {
        invalid(format!(
            "{} is too small for {} tiers in {azs} AZs: subnets would be smaller than /28 (SUB-2); use a larger VPC",
            o.cidr,
            tiers.len()
        ))
    })?;
    // With the full 2-bit tier field every tier keeps its fixed block; otherwise they are packed.
    let slot = |t: Tier| -> u32 {
        if layout.tier_bits == 2 {
            t.index()
        } else {
            tiers.iter().position(|x| *x == t).unwrap_or(0) as u32
        }
    };

    let vpc = o.name.clone();
    let az_names: Vec<String> = (0..azs).map(|i| format!("{}{}", o.region, AZ_LETTERS[i])).collect();
    let description = format!(
        "Generated: {} in {azs} AZ(s), tiers {}, NAT {}",
        o.cidr,
        tiers.iter().map(|t| t.label()).collect::<Vec<_>>().join("/"),
        match o.nat {
            NatMode::None => "none",
            NatMode::Single => "single",
            NatMode::PerAz => "per AZ",
            NatMode::Regional => "regional",
        }
    );
    let mut b = Builder::new(&o.name, &description, &o.region, &az_names);
    let v = b.vpc(&vpc, o.cidr);
    v.dns_support = o.dns_support;
    v.dns_hostnames = o.dns_hostnames;
    let v6: Option<Ipv6Net> = if o.ipv6 { IPV6_BLOCK.parse().ok() } else { None };
    if let Some(block) = v6 {
        b.vpc_ipv6(&vpc, block);
    }
    let igw = format!("igw-{vpc}");
    let eigw = format!("eigw-{vpc}");
    // A regional public NAT gateway leaves through the VPC's internet gateway.
    if has(Tier::Public) || o.nat == NatMode::Regional {
        b.igw(&igw, &vpc);
    }
    if v6.is_some() && has(Tier::Private) {
        b.eigw(&eigw, &vpc);
    }

    let vpc_net = IpNet::V4(o.cidr);
    let any = any_v4();
    let eph = PortRange::EPHEMERAL;
    let block = |t: Tier| IpNet::V4(layout.tier_block(o.cidr, slot(t)));

    // Route tables.
    let mut endpoint_tables = Vec::new();
    if has(Tier::Public) {
        let mut routes = vec![default_route(RouteTarget::InternetGateway(igw.clone()))];
        if v6.is_some() {
            routes.push(default_route_v6(RouteTarget::InternetGateway(igw.clone())));
        }
        b.route_table("rt-public", &vpc, routes);
    }
    let private_rt = |az: usize| match o.nat {
        NatMode::PerAz => format!("rt-private-{}", AZ_LETTERS[az]),
        _ => "rt-private".to_string(),
    };
    if has(Tier::Private) {
        let tables: Vec<usize> = if o.nat == NatMode::PerAz {
            (0..azs).collect()
        } else {
            vec![0]
        };
        for az in tables {
            let mut routes = Vec::new();
            match o.nat {
                NatMode::None => {}
                NatMode::Single => routes.push(default_route(RouteTarget::NatGateway("nat-a".into()))),
                NatMode::PerAz => routes.push(default_route(RouteTarget::NatGateway(format!(
                    "nat-{}",
                    AZ_LETTERS[az]
                )))),
                NatMode::Regional => routes.push(default_route(RouteTarget::NatGateway(format!("nat-{vpc}")))),
            }
            if v6.is_some() {
                // No IPv6-to-IPv6 NAT exists (NAT gateways do NAT64 only): the egress-only IGW lets private hosts out and nothing in (L-23).
                routes.push(default_route_v6(RouteTarget::EgressOnlyGateway(eigw.clone())));
            }
            let name = private_rt(az);
            b.route_table(&name, &vpc, routes);
            endpoint_tables.push(name);
        }
    }
    if has(Tier::Database) {
        // The database tier never gets an internet route, IPv4 or IPv6.
        b.route_table("rt-database", &vpc, Vec::new());
        endpoint_tables.push("rt-database".into());
    }
    if has(Tier::Intra) {
        b.route_table("rt-intra", &vpc, Vec::new());
        endpoint_tables.push("rt-intra".into());
    }
    if endpoint_tables.is_empty() && has(Tier::Public) {
        endpoint_tables.push("rt-public".into());
    }

    // Subnets.
    for &t in &tiers {
        for (az, letter) in AZ_LETTERS.iter().enumerate().take(azs) {
            let name = format!("{}-{letter}", t.label());
            let cidr = layout.subnet(o.cidr, slot(t), az as u32);
            let (rt, acl) = match t {
                Tier::Public => ("rt-public".to_string(), "acl-public"),
                Tier::Private => (private_rt(az), "acl-private"),
                Tier::Database => ("rt-database".to_string(), "acl-database"),
                Tier::Intra => ("rt-intra".to_string(), "acl-intra"),
            };
            let acl = o.baseline_security.then_some(acl);
            let s = b.subnet(&name, &vpc, az, cidr, t.label(), Some(&rt), acl);
            s.map_public_ip = t == Tier::Public;
            if let Some(block6) = v6 {
                let index = slot(t) * 4 + az as u32;
                s.ipv6_cidr = nth_64(block6, index);
            }
        }
    }

    // Zonal NAT gateways, each in its AZ's public subnet with its own Elastic
    // IP; a regional one belongs to the VPC.
    match o.nat {
        NatMode::None => {}
        NatMode::Regional => b.regional_nat(&format!("nat-{vpc}"), &vpc),
        NatMode::Single => b.nat("nat-a", "public-a"),
        NatMode::PerAz => {
            for letter in AZ_LETTERS.iter().take(azs) {
                b.nat(&format!("nat-{letter}"), &format!("public-{letter}"));
            }
        }
    }

    // Gateway endpoints on every non-public table (free; keeps S3/DynamoDB traffic off NAT — L-21).
    if o.s3_endpoint {
        b.gateway_endpoint("vpce-s3", &vpc, "s3", &endpoint_tables);
    }
    if o.dynamodb_endpoint {
        b.gateway_endpoint("vpce-dynamodb", &vpc, "dynamodb", &endpoint_tables);
    }

    if !o.baseline_security {
        return Ok(b.finish());
    }

    // Security groups: web from the internet, app only from web, db only from app.
    let any6 = any_v6();
    if has(Tier::Public) {
        let mut inbound = vec![sg_tcp(80, peer_cidr(any)), sg_tcp(443, peer_cidr(any))];
        if v6.is_some() {
            inbound.push(sg_tcp(80, peer_cidr(any6)));
            inbound.push(sg_tcp(443, peer_cidr(any6)));
        }
        b.sg("sg-web", &vpc, "Web tier: HTTP and HTTPS from the internet", inbound);
    }
    if has(Tier::Private) {
        let peer = if has(Tier::Public) {
            peer_sg("sg-web")
        } else {
            peer_cidr(vpc_net)
        };
        b.sg(
            "sg-app",
            &vpc,
            "App tier: the app port from the web tier only",
            vec![sg_tcp(APP_PORT, peer)],
        );
    }
    if has(Tier::Database) {
        let peer = if has(Tier::Private) {
            peer_sg("sg-app")
        } else {
            peer_cidr(vpc_net)
        };
        b.sg(
            "sg-database",
            &vpc,
            "Database tier: PostgreSQL from the app tier only",
            vec![sg_tcp(DB_PORT, peer)],
        );
    }
    if has(Tier::Intra) {
        b.sg(
            "sg-intra",
            &vpc,
            "Intra tier: everything from members of this group",
            vec![SgRule::new(Protocol::All, PortRange::ALL, peer_sg("sg-intra"))],
        );
    }

    // Network ACLs: stateless, so each allowed request has its reply rule on
    // ephemeral ports 1024–65535 (VPC User Guide, NACL ephemeral ports).
    if has(Tier::Public) {
        let mut inbound = vec![
            nacl_tcp(100, PortRange::single(80), any),
            nacl_tcp(110, PortRange::single(443), any),
            nacl_tcp(120, eph, any),
            // Anything from inside the VPC: traffic to the NAT gateway, replies from the app tier.
            nacl_all(130, vpc_net),
        ];
        let mut outbound = vec![nacl_all(100, any)];
        if v6.is_some() {
            inbound.push(nacl_tcp(101, PortRange::single(80), any6));
            inbound.push(nacl_tcp(111, PortRange::single(443), any6));
            inbound.push(nacl_tcp(121, eph, any6));
            outbound.push(nacl_all(101, any6));
        }
        b.acl(
            "acl-public",
            &vpc,
            "Public tier: HTTP/HTTPS from the internet, replies on ephemeral ports, the VPC",
            inbound,
            outbound,
        );
    }
    if has(Tier::Private) {
        let from = if has(Tier::Public) {
            block(Tier::Public)
        } else {
            vpc_net
        };
        let mut inbound = vec![
            nacl_tcp(100, PortRange::single(APP_PORT), from),
            // Replies from the internet (through NAT) and from the database tier.
            nacl_tcp(110, eph, any),
        ];
        let mut outbound = vec![nacl_all(100, any)];
        if v6.is_some() {
            inbound.push(nacl_tcp(111, eph, any6));
            outbound.push(nacl_all(101, any6));
        }
        b.acl(
            "acl-private",
            &vpc,
            "Private tier: the app port from the public tier, replies on ephemeral ports",
            inbound,
            outbound,
        );
    }
    if has(Tier::Database) {
        let from = if has(Tier::Private) {
            block(Tier::Private)
        } else {
            vpc_net
        };
        b.acl(
            "acl-database",
            &vpc,
            "Database tier: PostgreSQL from the private tier and the replies to it; nothing else",
            vec![nacl_tcp(100, PortRange::single(DB_PORT), from)],
            vec![nacl_tcp(100, eph, from)],
        );
    }
    if has(Tier::Intra) {
        b.acl(
            "acl-intra",
            &vpc,
            "Intra tier: traffic within the VPC only",
            vec![nacl_all(100, vpc_net)],
            vec![nacl_all(100, vpc_net)],
        );
    }
    Ok(b.finish())
}

/// The `index`-th /64 of a /56.
fn nth_64(block: Ipv6Net, index: u32) -> Option<Ipv6Net> {
    if index >= 256 || block.prefix_len() > 64 {
        return None;
    }
    let base = u128::from(block.network());
    let addr = base + (u128::from(index) << 64);
    Ipv6Net::new(addr.into(), 64).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> WizardOptions {
        WizardOptions::default()
    }

    #[test]
    fn a_slash_16_gets_slash_20_subnets_in_fixed_tier_blocks() {
        let mut o = opts();
        o.azs = 3;
        o.tiers = vec![Tier::Public, Tier::Private, Tier::Database];
        o.nat = NatMode::PerAz;
        let d = generate(&o).unwrap();
        let cidr = |n: &str| d.subnets.iter().find(|s| s.name == n).unwrap().cidr.to_string();
        assert_eq!(cidr("public-a"), "10.0.0.0/20");
        assert_eq!(cidr("public-c"), "10.0.32.0/20");
        assert_eq!(cidr("private-a"), "10.0.64.0/20");
        assert_eq!(cidr("database-b"), "10.0.144.0/20");
        assert_eq!(d.nat_gateways.len(), 3);
        assert_eq!(d.subnets.len(), 9);
    }

    #[test]
    fn database_tier_has_no_internet_route_even_with_ipv6() {
        let mut o = opts();
        o.tiers = vec![Tier::Public, Tier::Private, Tier::Database];
        o.ipv6 = true;
        let d = generate(&o).unwrap();
        let rt = d.route_tables.iter().find(|r| r.name == "rt-database").unwrap();
        assert!(rt.routes.is_empty());
        let private = d.route_tables.iter().find(|r| r.name == "rt-private").unwrap();
        assert!(private
            .routes
            .iter()
            .any(|r| r.target == RouteTarget::EgressOnlyGateway("eigw-main".into()) && r.dest.is_ipv6()));
    }

    #[test]
    fn ipv6_vpcs_get_aws_default_ipv6_rules() {
        let mut o = opts();
        o.ipv6 = true;
        let d = generate(&o).unwrap();
        // Every group, the default one included, gets the outbound ::/0 rule AWS adds in an IPv6 VPC.
        for sg in &d.security_groups {
            assert!(
                sg.outbound.iter().any(|r| r.peer == SgPeer::Cidr(any_v6())),
                "{}",
                sg.name
            );
        }
        let default_acl = d.network_acls.iter().find(|a| a.name == "main-default-acl").unwrap();
        assert!(default_acl
            .inbound
            .iter()
            .any(|r| r.number == 101 && r.cidr == any_v6()));
    }

    #[test]
    fn nat_without_public_tier_is_refused() {
        let mut o = opts();
        o.tiers = vec![Tier::Private];
        assert!(generate(&o).is_err());
        o.nat = NatMode::None;
        assert!(generate(&o).is_ok());
    }

    /// A regional NAT gateway needs no public subnet, only the VPC's internet
    /// gateway (VPC User Guide, "Regional NAT gateways"): a private-only VPC
    /// with it validates, and an instance in any AZ reaches the internet.
    #[test]
    fn regional_nat_serves_every_az_without_a_public_tier() {
        let mut o = opts();
        o.azs = 3;
        o.tiers = vec![Tier::Private];
        o.nat = NatMode::Regional;
        let mut d = generate(&o).unwrap();
        assert_eq!(d.nat_gateways.len(), 1);
        assert!(d.nat_gateways[0].is_regional());
        assert_eq!(d.internet_gateways.len(), 1);
        let errors: Vec<_> = crate::validate::validate(&d)
            .into_iter()
            .filter(|f| f.severity == crate::validate::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let sg = d.security_groups.iter().find(|g| g.vpc == "main").unwrap().name.clone();
        let app: Instance = ron::from_str(&format!(
            r#"(name: "app-c", role: App, subnet: "private-c", security_groups: ["{sg}"])"#
        ))
        .unwrap();
        d.instances.push(app);
        let idx = DesignIndex::new(&d);
        let q = TraceQuery {
            from: "app-c".into(),
            to: "internet".into(),
            proto: Protocol::Tcp,
            port: Some(443),
            sport: None,
        };
        let t = crate::analysis::trace(&d, &idx, &q).unwrap();
        assert!(t.reachable, "{}", t.summary());
        // Without --nat regional, a private-only VPC still refuses a zonal NAT gateway.
        o.nat = NatMode::Single;
        assert!(generate(&o).is_err());
    }

    #[test]
    fn small_vpcs_pack_tiers_or_refuse() {
        let mut o = opts();
        o.cidr = "10.0.0.0/26".parse().unwrap();
        o.tiers = vec![Tier::Public, Tier::Private];
        o.azs = 1;
        let d = generate(&o).unwrap();
        assert!(d.subnets.iter().all(|s| s.cidr.prefix_len() <= 28));
        o.azs = 4;
        o.tiers = Tier::ALL.to_vec();
        assert!(generate(&o).is_err());
    }

    #[test]
    fn without_baseline_security_subnets_use_the_default_nacl_and_no_tier_groups() {
        let mut o = opts();
        o.tiers = Tier::ALL.to_vec();
        o.baseline_security = false;
        let d = generate(&o).unwrap();
        assert!(d.subnets.iter().all(|s| s.network_acl.is_none()));
        // Only the VPC's default group and default NACL remain.
        assert_eq!(d.security_groups.len(), 1);
        assert_eq!(d.network_acls.len(), 1);
        assert_eq!(d.subnets.len(), 8);
    }

    #[test]
    fn nth_64_counts_slash_64s() {
        let b: Ipv6Net = IPV6_BLOCK.parse().unwrap();
        assert_eq!(nth_64(b, 1).unwrap().to_string(), "2600:1f18:6b0:4801::/64");
        assert!(nth_64(b, 256).is_none());
    }
}
