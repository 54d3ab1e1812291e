//! Built-in starting points: classic AWS VPC patterns as complete, valid designs.
//!
//! The Rust code here is the single source of truth. The files in
//! `assets/templates/` are generated from it (`VPCD_BLESS=1 cargo test
//! --test planning_templates` rewrites them) and a test checks that they equal
//! what the code produces, so the two never drift.

pub mod build;
pub mod intents;
mod privatelink;
pub mod sample;
mod sharing;
mod transit_vpc;

use std::net::Ipv6Addr;

use crate::model::*;
use build::*;

/// A named template.
pub struct Template {
    /// Kebab-case name used by `vpcd new --template NAME`.
    pub name: &'static str,
    /// One line for `vpcd templates`.
    pub description: &'static str,
    build: fn() -> Design,
}

impl Template {
    /// Builds the design.
    pub fn design(&self) -> Design {
        (self.build)()
    }
    /// Name of the file under `assets/templates/`.
    pub fn file_name(&self) -> String {
        format!("{}.ron", self.name)
    }
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").field("name", &self.name).finish()
    }
}

macro_rules! templates {
    ($( $name:literal, $f:ident, $desc:literal; )*) => {
        /// Every built-in template, in the order `vpcd templates` lists them.
        pub const TEMPLATES: &[Template] = &[$(Template { name: $name, description: $desc, build: $f },)*];
        $(
            fn $f() -> Design {
                let mut d = templates_impl::$f();
                d.name = $name.to_string();
                d.description = Some($desc.to_string());
                d.intents = intents::for_template($name);
                d
            }
        )*
    };
}

templates! {
    "single-public-subnet", single_public_subnet,
        "VPC wizard scenario 1: one public subnet with a web server behind an internet gateway";
    "public-private-nat", public_private_nat,
        "VPC wizard scenario 2: public web subnet, private database subnet with egress through a NAT gateway";
    "public-private-vpn", public_private_vpn,
        "VPC wizard scenario 3: public subnet plus a VPN-only subnet reached from the data centre over site-to-site VPN";
    "private-vpn-only", private_vpn_only,
        "VPC wizard scenario 4: a private subnet reachable only over site-to-site VPN, no internet gateway";
    "three-tier-alb", three_tier_alb,
        "Three-tier web app in two AZs: internet-facing ALB, private app tier behind per-AZ NAT, isolated database";
    "bastion-host", bastion_host,
        "A bastion host with an Elastic IP, SSH from the office only, private instances that accept SSH from the bastion";
    "transit-hub-spoke", transit_hub_spoke,
        "Hub and spoke over a transit gateway: prod and dev reach the shared-services VPC but not each other";
    "inspection-firewall", inspection_firewall,
        "Centralised inspection: spoke traffic to the internet and between spokes passes AWS Network Firewall via a TGW";
    "peering-triangle", peering_triangle,
        "Three VPCs peered pairwise: peering is not transitive, so each pair needs its own connection and routes";
    "gateway-endpoints", gateway_endpoints,
        "Private subnets reach S3 and DynamoDB through free gateway endpoints, without NAT or internet";
    "interface-endpoints", interface_endpoints,
        "Interface endpoints (PrivateLink) for SQS and the EC2 API in two AZs with private DNS";
    "hybrid-dx-vpn", hybrid_dx_vpn,
        "Hybrid: Direct Connect private VIF through a DX gateway, with a BGP site-to-site VPN as backup";
    "vpn-cloudhub", vpn_cloudhub,
        "VPN CloudHub: three branch offices with their own BGP ASNs talk to the VPC and to each other through one VGW";
    "dual-stack-eigw", dual_stack_eigw,
        "Dual-stack VPC: public subnet over the IGW, private subnet with NAT for IPv4 and an egress-only IGW for IPv6";
    "privatelink-service", privatelink_service,
        "PrivateLink: a partner VPC with an overlapping CIDR reaches a provider's NLB-backed endpoint service, one way only";
    "gwlb-inspection", gwlb_inspection,
        "Gateway Load Balancer: internet ingress to a web tier passes third-party appliances through per-AZ GWLB endpoints";
    "shared-vpc", shared_vpc,
        "VPC sharing: a network account shares subnets through AWS RAM with two app accounts, which launch there with their own security groups";
    "transit-vpc", transit_vpc,
        "Transit VPC (legacy): a software VPN instance routes between the spoke VPCs' VPN connections and the data centre's tunnel; AWS now recommends a transit gateway";
    "default-vpc", default_vpc,
        "The default VPC AWS creates in every Region: 172.31.0.0/16, a public /20 per AZ, main route to the IGW";
}

/// The template with this name.
pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// Template names close to a mistyped one (edit distance ≤ 3, or containing it), best first.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    let wanted = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = TEMPLATES
        .iter()
        .filter_map(|t| {
            let d = edit_distance(&wanted, t.name);
            let contains = !wanted.is_empty() && (t.name.contains(&wanted) || wanted.contains(t.name));
            (d <= 3 || contains).then_some((if contains { d.min(1) } else { d }, t.name))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, n)| n).collect()
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `us-east-1a`, `us-east-1b`, … for the first `n` AZs.
fn us_east_1(n: usize) -> Vec<String> {
    ["a", "b", "c", "d", "e", "f"]
        .iter()
        .take(n)
        .map(|s| format!("us-east-1{s}"))
        .collect()
}

/// The office network from which administrators connect (a documentation range).
const OFFICE: &str = "203.0.113.0/24";

/// The template bodies. Each builds the design; the wrapper sets name and description.
mod templates_impl {
    pub use super::privatelink::{gwlb_inspection, privatelink_service};
    use super::*;

    fn any4() -> SgPeer {
        peer_cidr(any_v4())
    }

    /// Web SG: HTTP and HTTPS from anywhere; SSH from `ssh_from` if given.
    fn web_sg(b: &mut Builder, name: &str, vpc: &str, ssh_from: Option<SgPeer>) {
        let mut inbound = vec![sg_tcp(80, any4()), sg_tcp(443, any4())];
        let desc = match ssh_from {
            Some(p) => {
                inbound.push(sg_tcp(22, p));
                "HTTP and HTTPS from anywhere, SSH from the administrators only"
            }
            None => "HTTP and HTTPS from anywhere",
        };
        b.sg(name, vpc, desc, inbound);
    }

    /// A TCP 443 rule from a CIDR.
    fn https_from(cidr: &str) -> SgRule {
        sg_tcp(443, peer_cidr(ipnet(cidr)))
    }

    /// The administrators' office network (SSH source of several templates).
    fn office(b: &mut Builder, description: &str) {
        b.onprem("office", description, &[OFFICE], None, None);
    }

    /// The data centre of the VPN templates.
    const DATACENTER: &str = "172.16.0.0/16";

    /// A group open to HTTPS and SSH from the data centre only.
    fn datacenter_sg(b: &mut Builder, name: &str, vpc: &str, description: &str) {
        b.sg(
            name,
            vpc,
            description,
            vec![https_from(DATACENTER), sg_tcp(22, peer_cidr(ipnet(DATACENTER)))],
        );
    }

    /// The VPN-only half of the old wizard's scenarios 3 and 4 in VPC `corp`: a
    /// subnet whose table learns the data centre's prefix from the VGW (route
    /// propagation), the site-to-site VPN, and an app server reachable from the
    /// data centre only.
    fn corp_vpn_only(b: &mut Builder) {
        b.route_table("rt-vpn", "corp", Vec::new()).propagating_vgws = vec!["vgw-corp".into()];
        b.subnet("vpn-only", "corp", 0, net("10.0.1.0/24"), "app", Some("rt-vpn"), None);
        site_to_site(
            b,
            "corp",
            "vgw-corp",
            "datacenter",
            DATACENTER,
            VpnRouting::Static(vec![net(DATACENTER)]),
        );
        datacenter_sg(b, "sg-internal", "corp", "HTTPS and SSH from the data centre only");
        b.instance("app-1", InstanceRole::App, "vpn-only", &["sg-internal"]);
    }

    /// One subnet per AZ letter, `<prefix>-<az>` with CIDR `cidr(i)`.
    #[allow(clippy::too_many_arguments)]
    fn per_az_subnets(
        b: &mut Builder,
        prefix: &str,
        vpc: &str,
        azs: &[&str],
        cidr: impl Fn(usize) -> String,
        tier: &str,
        route_table: impl Fn(&str) -> String,
        acl: Option<&str>,
    ) {
        for (i, az) in azs.iter().enumerate() {
            let rt = route_table(az);
            b.subnet(&format!("{prefix}-{az}"), vpc, i, net(&cidr(i)), tier, Some(&rt), acl);
        }
    }

    /// A transit gateway without default association or propagation: every
    /// attachment's association and propagations are explicit.
    fn transit_gateway(
        name: &str,
        description: &str,
        route_tables: Vec<TgwRouteTable>,
        attachments: Vec<TgwAttachment>,
    ) -> TransitGateway {
        TransitGateway {
            name: name.into(),
            description: Some(description.into()),
            asn: 64512,
            default_association: false,
            default_propagation: false,
            default_route_table: None,
            sg_referencing: false,
            route_tables,
            attachments,
        }
    }

    fn tgw_route_table(name: &str, routes: Vec<TgwRoute>) -> TgwRouteTable {
        TgwRouteTable {
            name: name.into(),
            routes,
        }
    }

    /// The public table: `0.0.0.0/0 → igw`, kept off the main table (L-20).
    fn public_rt(b: &mut Builder, name: &str, vpc: &str, igw: &str) {
        b.route_table(name, vpc, vec![default_route(RouteTarget::InternetGateway(igw.into()))]);
    }

    /// A VGW attached to `vpc`, a customer gateway and a VPN connection to it,
    /// and the on-prem network behind it.
    fn site_to_site(b: &mut Builder, vpc: &str, vgw: &str, onprem: &str, cidr: &str, routing: VpnRouting) {
        b.vgw(vgw, vpc);
        b.cgw("cgw-dc", "198.51.100.10", 65000);
        b.vpn("vpn-dc", "cgw-dc", vgw, routing);
        b.onprem(
            onprem,
            "The corporate data centre behind the customer gateway",
            &[cidr],
            Some("cgw-dc"),
            None,
        );
    }

    pub fn single_public_subnet() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("web", net("10.0.0.0/16"));
        b.igw("igw-web", "web");
        public_rt(&mut b, "rt-public", "web", "igw-web");
        b.subnet("public", "web", 0, net("10.0.0.0/24"), "web", Some("rt-public"), None)
            .map_public_ip = true;
        web_sg(&mut b, "sg-web", "web", Some(peer_cidr(ipnet(OFFICE))));
        b.instance("web-1", InstanceRole::Web, "public", &["sg-web"]);
        office(&mut b, "Administrators' office (SSH to the web server)");
        b.finish()
    }

    pub fn public_private_nat() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("app", net("10.0.0.0/16"));
        b.igw("igw-app", "app");
        public_rt(&mut b, "rt-public", "app", "igw-app");
        b.route_table(
            "rt-private",
            "app",
            vec![default_route(RouteTarget::NatGateway("nat-a".into()))],
        );
        b.subnet("public", "app", 0, net("10.0.0.0/24"), "web", Some("rt-public"), None)
            .map_public_ip = true;
        b.subnet("private", "app", 0, net("10.0.1.0/24"), "db", Some("rt-private"), None);
        b.nat("nat-a", "public");
        web_sg(&mut b, "sg-web", "app", Some(peer_cidr(ipnet(OFFICE))));
        b.sg(
            "sg-db",
            "app",
            "PostgreSQL from the web servers only",
            vec![sg_tcp(5432, peer_sg("sg-web"))],
        );
        b.instance("web-1", InstanceRole::Web, "public", &["sg-web"]);
        b.instance("db-1", InstanceRole::Db, "private", &["sg-db"]);
        office(&mut b, "Administrators' office (SSH to the web server)");
        b.finish()
    }

    pub fn public_private_vpn() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("corp", net("10.0.0.0/16"));
        b.igw("igw-corp", "corp");
        public_rt(&mut b, "rt-public", "corp", "igw-corp");
        b.subnet("public", "corp", 0, net("10.0.0.0/24"), "web", Some("rt-public"), None)
            .map_public_ip = true;
        web_sg(&mut b, "sg-web", "corp", None);
        b.instance("web-1", InstanceRole::Web, "public", &["sg-web"]);
        corp_vpn_only(&mut b);
        b.finish()
    }

    pub fn private_vpn_only() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("corp", net("10.0.0.0/16"));
        corp_vpn_only(&mut b);
        b.finish()
    }

    /// NACLs of a three-tier VPC. NACLs are stateless, so every allowed request
    /// has a matching rule for its reply on ephemeral ports 1024–65535 (VPC User
    /// Guide, NACL ephemeral ports).
    fn three_tier_acls(b: &mut Builder, vpc: &str, vpc_cidr: &str, public_block: &str, app_block: &str) {
        let any = any_v4();
        let eph = PortRange::EPHEMERAL;
        b.acl(
            "acl-public",
            vpc,
            "Web traffic from the internet, replies, and anything from inside the VPC (NAT traffic)",
            vec![
                nacl_tcp(100, PortRange::single(80), any),
                nacl_tcp(110, PortRange::single(443), any),
                nacl_tcp(120, eph, any),
                nacl_all(130, ipnet(vpc_cidr)),
            ],
            vec![nacl_all(100, any)],
        );
        b.acl(
            "acl-app",
            vpc,
            "App port from the public tier; replies from the internet (via NAT) and the database",
            vec![
                nacl_tcp(100, PortRange::single(8080), ipnet(public_block)),
                nacl_tcp(110, eph, any),
            ],
            vec![nacl_all(100, any)],
        );
        b.acl(
            "acl-db",
            vpc,
            "PostgreSQL from the app tier and replies to it; nothing else",
            vec![nacl_tcp(100, PortRange::single(5432), ipnet(app_block))],
            vec![nacl_tcp(100, eph, ipnet(app_block))],
        );
    }

    pub fn three_tier_alb() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        b.vpc("shop", net("10.0.0.0/16"));
        b.igw("igw-shop", "shop");
        public_rt(&mut b, "rt-public", "shop", "igw-shop");
        let azs = ["a", "b"];
        for az in azs {
            b.route_table(
                &format!("rt-app-{az}"),
                "shop",
                vec![default_route(RouteTarget::NatGateway(format!("nat-{az}")))],
            );
        }
        b.route_table("rt-db", "shop", Vec::new());
        let fixed = |rt: &'static str| move |_: &str| rt.to_string();
        let public = |i| format!("10.0.{i}.0/24");
        per_az_subnets(
            &mut b,
            "public",
            "shop",
            &azs,
            public,
            "web",
            fixed("rt-public"),
            Some("acl-public"),
        );
        let app = |i| format!("10.0.{}.0/24", 10 + i);
        let app_rt = |az: &str| format!("rt-app-{az}");
        per_az_subnets(&mut b, "app", "shop", &azs, app, "app", app_rt, Some("acl-app"));
        let db = |i| format!("10.0.{}.0/24", 20 + i);
        per_az_subnets(&mut b, "db", "shop", &azs, db, "db", fixed("rt-db"), Some("acl-db"));
        // One NAT gateway per AZ: an AZ failure does not cut the other AZ's egress.
        b.nat("nat-a", "public-a");
        b.nat("nat-b", "public-b");
        b.sg(
            "sg-alb",
            "shop",
            "HTTP and HTTPS from anywhere to the load balancer",
            vec![sg_tcp(80, any4()), sg_tcp(443, any4())],
        );
        b.sg(
            "sg-app",
            "shop",
            "App port from the load balancer only",
            vec![sg_tcp(8080, peer_sg("sg-alb"))],
        );
        b.sg(
            "sg-db",
            "shop",
            "PostgreSQL from the app tier only",
            vec![sg_tcp(5432, peer_sg("sg-app"))],
        );
        three_tier_acls(&mut b, "shop", "10.0.0.0/16", "10.0.0.0/23", "10.0.10.0/23");
        b.instance("app-1", InstanceRole::App, "app-a", &["sg-app"]);
        b.instance("app-2", InstanceRole::App, "app-b", &["sg-app"]);
        b.instance("db-1", InstanceRole::Db, "db-a", &["sg-db"]);
        b.d.load_balancers.push(LoadBalancer {
            name: "alb-web".into(),
            description: Some("Internet-facing ALB with a node in each AZ".into()),
            kind: LoadBalancerKind::Application,
            scheme: LoadBalancerScheme::InternetFacing,
            subnets: vec!["public-a".into(), "public-b".into()],
            security_groups: vec!["sg-alb".into()],
            listeners: [80, 443]
                .into_iter()
                .map(|port| Listener {
                    proto: Protocol::Tcp,
                    port,
                    target_port: 8080,
                })
                .collect(),
            targets: vec!["app-1".into(), "app-2".into()],
            cross_zone: false,
        });
        b.finish()
    }

    pub fn bastion_host() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        b.vpc("ops", net("10.0.0.0/16"));
        b.igw("igw-ops", "ops");
        public_rt(&mut b, "rt-public", "ops", "igw-ops");
        b.route_table("rt-private", "ops", Vec::new());
        b.subnet(
            "public-a",
            "ops",
            0,
            net("10.0.0.0/24"),
            "bastion",
            Some("rt-public"),
            None,
        );
        let private = |i| format!("10.0.{}.0/24", 10 + i);
        let rt = |_: &str| "rt-private".to_string();
        per_az_subnets(&mut b, "private", "ops", &["a", "b"], private, "app", rt, None);
        b.sg(
            "sg-bastion",
            "ops",
            "SSH from the office only",
            vec![sg_tcp(22, peer_cidr(ipnet(OFFICE)))],
        );
        b.sg(
            "sg-private",
            "ops",
            "SSH from the bastion's security group only",
            vec![sg_tcp(22, peer_sg("sg-bastion"))],
        );
        let eip = b.eip("eip-bastion");
        b.instance("bastion", InstanceRole::Bastion, "public-a", &["sg-bastion"])
            .elastic_ip = Some(eip);
        b.instance("app-1", InstanceRole::App, "private-a", &["sg-private"]);
        b.instance("app-2", InstanceRole::App, "private-b", &["sg-private"]);
        office(&mut b, "Administrators' office (SSH to the bastion)");
        b.finish()
    }

    /// A TGW-attached VPC: workload subnets `<vpc>-a`/`-b` (or only the AZs
    /// given) and /28 attachment subnets `<vpc>-tgw-a`/`-b`, all on one route
    /// table that sends `default_dest` to the TGW.
    fn tgw_spoke(b: &mut Builder, vpc: &str, second_octet: u8, workload_azs: &[usize], tgw: &str, default_dest: &str) {
        b.vpc(vpc, net(&format!("10.{second_octet}.0.0/16")));
        let rt = format!("rt-{vpc}");
        b.route_table(
            &rt,
            vpc,
            vec![route(ipnet(default_dest), RouteTarget::TransitGateway(tgw.into()))],
        );
        for &i in workload_azs {
            let az = ["a", "b"][i];
            b.subnet(
                &format!("{vpc}-{az}"),
                vpc,
                i,
                net(&format!("10.{second_octet}.{i}.0/24")),
                "app",
                Some(&rt),
                None,
            );
        }
        for (i, az) in ["a", "b"].iter().enumerate() {
            b.subnet(
                &format!("{vpc}-tgw-{az}"),
                vpc,
                i,
                net(&format!("10.{second_octet}.255.{}/28", 16 * i)),
                "tgw",
                Some(&rt),
                None,
            );
        }
    }

    fn vpc_attachment(vpc: &str, association: &str, propagations: &[&str]) -> TgwAttachment {
        TgwAttachment {
            name: format!("att-{vpc}"),
            kind: TgwAttachmentKind::Vpc {
                vpc: vpc.into(),
                subnets: vec![format!("{vpc}-tgw-a"), format!("{vpc}-tgw-b")],
            },
            association: Some(association.into()),
            propagations: propagations.iter().map(|s| s.to_string()).collect(),
            appliance_mode: false,
            sg_referencing: true,
        }
    }

    pub fn transit_hub_spoke() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        for (vpc, octet) in [("shared", 50u8), ("prod", 1), ("dev", 2)] {
            tgw_spoke(&mut b, vpc, octet, &[0, 1], "tgw-hub", "10.0.0.0/8");
        }
        // Association picks the table a packet is looked up in; propagation decides
        // which tables learn a VPC's CIDR. Spokes learn only shared; shared learns every spoke.
        b.d.transit_gateways.push(transit_gateway(
            "tgw-hub",
            "Spokes are associated with tgw-rt-spokes, which only knows the shared VPC",
            vec![
                tgw_route_table("tgw-rt-spokes", Vec::new()),
                tgw_route_table("tgw-rt-shared", Vec::new()),
            ],
            vec![
                vpc_attachment("shared", "tgw-rt-shared", &["tgw-rt-spokes"]),
                vpc_attachment("prod", "tgw-rt-spokes", &["tgw-rt-shared"]),
                vpc_attachment("dev", "tgw-rt-spokes", &["tgw-rt-shared"]),
            ],
        ));
        b.sg(
            "sg-shared-api",
            "shared",
            "HTTPS from every VPC behind the transit gateway",
            vec![https_from("10.0.0.0/8")],
        );
        for vpc in ["prod", "dev"] {
            b.sg(
                &format!("sg-{vpc}-app"),
                vpc,
                "HTTPS from the shared-services VPC",
                vec![https_from("10.50.0.0/16")],
            );
        }
        b.instance("shared-api", InstanceRole::App, "shared-a", &["sg-shared-api"]);
        b.instance("prod-app", InstanceRole::App, "prod-a", &["sg-prod-app"]);
        b.instance("dev-app", InstanceRole::App, "dev-a", &["sg-dev-app"]);
        b.finish()
    }

    pub fn inspection_firewall() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        b.vpc("inspection", net("10.100.0.0/16"));
        b.igw("igw-inspection", "inspection");
        let fw = |az: &str| RouteTarget::FirewallEndpoint("nfw".into(), format!("us-east-1{az}"));
        for (i, az) in ["a", "b"].iter().enumerate() {
            // Traffic arriving from the TGW goes to the same-AZ firewall endpoint.
            b.route_table(&format!("rt-insp-tgw-{az}"), "inspection", vec![default_route(fw(az))]);
            // Inspected traffic: back to the spokes through the TGW, out through the same-AZ NAT.
            b.route_table(
                &format!("rt-insp-fw-{az}"),
                "inspection",
                vec![
                    route(ipnet("10.0.0.0/8"), RouteTarget::TransitGateway("tgw-core".into())),
                    default_route(RouteTarget::NatGateway(format!("nat-{az}"))),
                ],
            );
            // Replies from the internet return through the firewall (symmetric flows).
            b.route_table(
                &format!("rt-insp-public-{az}"),
                "inspection",
                vec![
                    default_route(RouteTarget::InternetGateway("igw-inspection".into())),
                    route(ipnet("10.0.0.0/8"), fw(az)),
                ],
            );
            let cidrs = [
                ("tgw", format!("10.100.0.{}/28", 16 * i)),
                ("fw", format!("10.100.1.{}/28", 16 * i)),
                ("public", format!("10.100.{}.0/24", 2 + i)),
            ];
            for (part, cidr) in cidrs {
                let tier = if part == "fw" { "firewall" } else { part };
                let rt = format!("rt-insp-{part}-{az}");
                b.subnet(
                    &format!("inspection-{part}-{az}"),
                    "inspection",
                    i,
                    net(&cidr),
                    tier,
                    Some(&rt),
                    None,
                );
            }
        }
        b.nat("nat-a", "inspection-public-a");
        b.nat("nat-b", "inspection-public-b");
        b.d.firewalls.push(Firewall {
            name: "nfw".into(),
            description: Some("Allows web traffic out and HTTPS between spokes; drops the rest".into()),
            vpc: "inspection".into(),
            subnets: vec!["inspection-fw-a".into(), "inspection-fw-b".into()],
            rules: [443, 80]
                .into_iter()
                .map(|port| FirewallRule {
                    action: FirewallAction::Pass,
                    proto: Protocol::Tcp,
                    source: Some(ipnet("10.0.0.0/8")),
                    destination: None,
                    ports: Some(PortRange::single(port)),
                    domain: None,
                })
                .collect(),
            default_action: FirewallAction::Drop,
        });
        tgw_spoke(&mut b, "spoke-a", 1, &[0], "tgw-core", "0.0.0.0/0");
        tgw_spoke(&mut b, "spoke-b", 2, &[1], "tgw-core", "0.0.0.0/0");
        let mut inspection = vpc_attachment("inspection", "tgw-rt-inspection", &[]);
        inspection.kind = TgwAttachmentKind::Vpc {
            vpc: "inspection".into(),
            subnets: vec!["inspection-tgw-a".into(), "inspection-tgw-b".into()],
        };
        // Appliance mode keeps both directions of a flow on one AZ's firewall endpoint.
        inspection.appliance_mode = true;
        let to_inspection = TgwRoute {
            cidr: any_v4(),
            target: TgwRouteTarget::Attachment("att-inspection".into()),
        };
        b.d.transit_gateways.push(transit_gateway(
            "tgw-core",
            "Spokes send everything to the inspection VPC; it returns traffic to the spokes",
            vec![
                tgw_route_table("tgw-rt-spokes", vec![to_inspection]),
                tgw_route_table("tgw-rt-inspection", Vec::new()),
            ],
            vec![
                inspection,
                vpc_attachment("spoke-a", "tgw-rt-spokes", &["tgw-rt-inspection"]),
                vpc_attachment("spoke-b", "tgw-rt-spokes", &["tgw-rt-inspection"]),
            ],
        ));
        for vpc in ["spoke-a", "spoke-b"] {
            b.sg(
                &format!("sg-{vpc}"),
                vpc,
                "HTTPS from the other spoke",
                vec![https_from("10.0.0.0/8")],
            );
        }
        b.instance("spoke-a-1", InstanceRole::App, "spoke-a-a", &["sg-spoke-a"]);
        b.instance("spoke-b-1", InstanceRole::App, "spoke-b-b", &["sg-spoke-b"]);
        b.finish()
    }

    pub fn peering_triangle() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        let vpcs = [("a", 1u8), ("b", 2), ("c", 3)];
        let pcx = |x: &str, y: &str| format!("pcx-{x}-{y}");
        for (v, o) in vpcs {
            let name = format!("vpc-{v}");
            b.vpc(&name, net(&format!("10.{o}.0.0/16")));
            // A route to each peer's CIDR through the peering with that peer, never through a third VPC.
            let routes = vpcs
                .iter()
                .filter(|(w, _)| *w != v)
                .map(|(w, wo)| {
                    let (x, y) = if v < *w { (v, *w) } else { (*w, v) };
                    route(ipnet(&format!("10.{wo}.0.0/16")), RouteTarget::Peering(pcx(x, y)))
                })
                .collect();
            b.route_table(&format!("rt-{v}"), &name, routes);
            b.subnet(
                &format!("subnet-{v}"),
                &name,
                0,
                net(&format!("10.{o}.1.0/24")),
                "app",
                Some(&format!("rt-{v}")),
                None,
            );
            let inbound = vpcs
                .iter()
                .filter(|(w, _)| *w != v)
                .map(|(_, wo)| https_from(&format!("10.{wo}.0.0/16")))
                .collect();
            b.sg(&format!("sg-{v}"), &name, "HTTPS from the two peered VPCs", inbound);
            b.instance(
                &format!("app-{v}"),
                InstanceRole::App,
                &format!("subnet-{v}"),
                &[&format!("sg-{v}")],
            );
        }
        b.peering(&pcx("a", "b"), "vpc-a", "vpc-b");
        b.peering(&pcx("b", "c"), "vpc-b", "vpc-c");
        b.peering(&pcx("a", "c"), "vpc-a", "vpc-c");
        for (from, to) in [("app-a", "app-b"), ("app-b", "app-c"), ("app-a", "app-c")] {
            b.d.traces.push(TraceQuery {
                from: from.into(),
                to: to.into(),
                proto: Protocol::Tcp,
                port: Some(443),
                sport: None,
            });
        }
        b.finish()
    }

    /// A VPC with two private subnets on one route table without internet access.
    fn private_pair(b: &mut Builder, vpc: &str) {
        b.vpc(vpc, net("10.0.0.0/16"));
        b.route_table("rt-private", vpc, Vec::new());
        b.subnet("private-a", vpc, 0, net("10.0.1.0/24"), "app", Some("rt-private"), None);
        b.subnet("private-b", vpc, 1, net("10.0.2.0/24"), "app", Some("rt-private"), None);
    }

    pub fn gateway_endpoints() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        private_pair(&mut b, "data");
        // A gateway endpoint adds `pl-… → vpce-…` to each selected route table (VPCE-1).
        b.gateway_endpoint("vpce-s3", "data", "s3", &["rt-private".into()]);
        b.gateway_endpoint("vpce-dynamodb", "data", "dynamodb", &["rt-private".into()]);
        let sg = b.sg(
            "sg-app",
            "data",
            "HTTPS from inside the VPC; out only to S3 and DynamoDB",
            vec![https_from("10.0.0.0/16")],
        );
        sg.outbound = vec![
            sg_tcp(443, SgPeer::PrefixList("s3".into())),
            sg_tcp(443, SgPeer::PrefixList("dynamodb".into())),
        ];
        b.instance("app-1", InstanceRole::App, "private-a", &["sg-app"]);
        b.instance("app-2", InstanceRole::App, "private-b", &["sg-app"]);
        b.finish()
    }

    pub fn interface_endpoints() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        // Private DNS for interface endpoints needs DNS support and hostnames (VPCE-4); `vpc` sets both.
        private_pair(&mut b, "svc");
        b.sg(
            "sg-endpoints",
            "svc",
            "HTTPS from inside the VPC to the endpoint interfaces",
            vec![https_from("10.0.0.0/16")],
        );
        b.sg(
            "sg-worker",
            "svc",
            "No inbound; calls SQS and EC2 through the endpoints",
            Vec::new(),
        );
        for (name, service) in [("vpce-sqs", "sqs"), ("vpce-ec2", "ec2")] {
            b.interface_endpoint(name, "svc", service, &["private-a", "private-b"], &["sg-endpoints"]);
        }
        b.instance("worker-1", InstanceRole::App, "private-a", &["sg-worker"]);
        b.instance("worker-2", InstanceRole::App, "private-b", &["sg-worker"]);
        b.finish()
    }

    pub fn hybrid_dx_vpn() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(2));
        private_pair(&mut b, "hybrid");
        if let Some(rt) = b.d.route_tables.iter_mut().find(|r| r.name == "rt-private") {
            // Both paths propagate the same prefix; AWS prefers Direct Connect over VPN for it.
            rt.propagating_vgws = vec!["vgw-hybrid".into()];
        }
        b.vgw("vgw-hybrid", "hybrid");
        b.d.dx_gateways.push(DxGateway {
            name: "dxgw".into(),
            description: None,
            asn: 64513,
            vpn_gateways: vec!["vgw-hybrid".into()],
            transit_gateway: None,
        });
        b.d.dx_connections.push(DxConnection {
            name: "dx-primary".into(),
            description: Some("Dedicated 1 Gbps connection at the Ashburn location".into()),
            location: "EqDC2".into(),
            bandwidth: "1Gbps".into(),
            up: true,
            virtual_interfaces: vec![VirtualInterface {
                name: "vif-private".into(),
                kind: VifKind::Private,
                vlan: 101,
                dx_gateway: Some("dxgw".into()),
                vpn_gateway: None,
            }],
        });
        b.cgw("cgw-dc", "198.51.100.10", 65000);
        b.vpn("vpn-backup", "cgw-dc", "vgw-hybrid", VpnRouting::Bgp);
        b.onprem(
            "datacenter",
            "The data centre, reached over Direct Connect first and the VPN if DX fails",
            &[DATACENTER],
            Some("cgw-dc"),
            Some("dx-primary"),
        );
        datacenter_sg(&mut b, "sg-app", "hybrid", "HTTPS and SSH from the data centre");
        b.instance("app-1", InstanceRole::App, "private-a", &["sg-app"]);
        b.instance("app-2", InstanceRole::App, "private-b", &["sg-app"]);
        b.finish()
    }

    pub fn vpn_cloudhub() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("hq", net("10.0.0.0/16"));
        b.route_table("rt-private", "hq", Vec::new()).propagating_vgws = vec!["vgw-hub".into()];
        b.subnet(
            "private-a",
            "hq",
            0,
            net("10.0.1.0/24"),
            "app",
            Some("rt-private"),
            None,
        );
        b.vgw("vgw-hub", "hq");
        // CloudHub needs a unique BGP ASN per customer gateway and non-overlapping branch prefixes.
        for n in 1..=3u32 {
            let cgw = format!("cgw-branch-{n}");
            b.cgw(&cgw, &format!("198.51.100.{}", 10 + n), 65000 + n);
            b.vpn(&format!("vpn-branch-{n}"), &cgw, "vgw-hub", VpnRouting::Bgp);
            let cidr = format!("192.168.{}.0/24", 10 * n);
            b.onprem(
                &format!("branch-{n}"),
                &format!("Branch office {n}"),
                &[&cidr],
                Some(&cgw),
                None,
            );
        }
        b.sg(
            "sg-hq-app",
            "hq",
            "HTTPS from the branch offices",
            vec![https_from("192.168.0.0/16")],
        );
        b.instance("hq-app", InstanceRole::App, "private-a", &["sg-hq-app"]);
        b.finish()
    }

    pub fn dual_stack_eigw() -> Design {
        let mut b = Builder::new("", "", "us-east-1", &us_east_1(1));
        b.vpc("dual", net("10.0.0.0/16"));
        b.vpc_ipv6("dual", net6("2600:1f18:6b0:4800::/56"));
        b.igw("igw-dual", "dual");
        b.eigw("eigw-dual", "dual");
        b.route_table(
            "rt-public",
            "dual",
            vec![
                default_route(RouteTarget::InternetGateway("igw-dual".into())),
                default_route_v6(RouteTarget::InternetGateway("igw-dual".into())),
            ],
        );
        // There is no IPv6-to-IPv6 NAT (a NAT gateway does NAT64 only, VPC User Guide "DNS64 and NAT64"): the egress-only IGW lets private hosts out and nothing in.
        b.route_table(
            "rt-private",
            "dual",
            vec![
                default_route(RouteTarget::NatGateway("nat-a".into())),
                default_route_v6(RouteTarget::EgressOnlyGateway("eigw-dual".into())),
            ],
        );
        let s = b.subnet(
            "public-a",
            "dual",
            0,
            net("10.0.0.0/24"),
            "web",
            Some("rt-public"),
            None,
        );
        s.map_public_ip = true;
        s.ipv6_cidr = Some(net6("2600:1f18:6b0:4800::/64"));
        let s = b.subnet(
            "private-a",
            "dual",
            0,
            net("10.0.1.0/24"),
            "app",
            Some("rt-private"),
            None,
        );
        s.ipv6_cidr = Some(net6("2600:1f18:6b0:4801::/64"));
        b.nat("nat-a", "public-a");
        let any6 = peer_cidr(any_v6());
        b.sg(
            "sg-web",
            "dual",
            "HTTP and HTTPS from anywhere over IPv4 and IPv6",
            vec![
                sg_tcp(80, any4()),
                sg_tcp(443, any4()),
                sg_tcp(80, any6.clone()),
                sg_tcp(443, any6),
            ],
        );
        b.sg(
            "sg-app",
            "dual",
            "App port from the web servers",
            vec![sg_tcp(8080, peer_sg("sg-web"))],
        );
        let web = b.instance("web-1", InstanceRole::Web, "public-a", &["sg-web"]);
        web.ipv6 = Some(Ipv6Addr::new(0x2600, 0x1f18, 0x6b0, 0x4800, 0, 0, 0, 0x10));
        let app = b.instance("app-1", InstanceRole::App, "private-a", &["sg-app"]);
        app.ipv6 = Some(Ipv6Addr::new(0x2600, 0x1f18, 0x6b0, 0x4801, 0, 0, 0, 0x10));
        b.finish()
    }

    pub fn shared_vpc() -> Design {
        super::sharing::shared_vpc()
    }

    pub fn transit_vpc() -> Design {
        super::transit_vpc::transit_vpc()
    }

    pub fn default_vpc() -> Design {
        let azs = us_east_1(6);
        let refs: Vec<&str> = azs.iter().map(String::as_str).collect();
        Design::default_vpc("us-east-1", &refs)
    }
}
