//! What each template promises, as intents carried in the design: the flows
//! the pattern exists to provide and the flows it must block. `vpcd exercise
//! TEMPLATE.ron` grades a template against them, `vpcd check` keeps them true
//! while the design is edited, and the template tests insist every template
//! has both kinds, so a template that stops doing its job fails loudly.

use crate::model::intent::{Fact, Intent};
use crate::model::{ObjectKind, Protocol};

fn reach(from: &str, to: &str, port: u16) -> Intent {
    Intent::Reach {
        from: from.into(),
        to: to.into(),
        proto: Protocol::Tcp,
        port: Some(port),
        down: Vec::new(),
    }
}

fn no_reach(from: &str, to: &str, port: u16) -> Intent {
    no_reach_down(from, to, port, &[])
}

/// `from` does not reach `to` while the objects `down` have failed.
fn no_reach_down(from: &str, to: &str, port: u16, down: &[&str]) -> Intent {
    Intent::NoReach {
        from: from.into(),
        to: to.into(),
        proto: Protocol::Tcp,
        port: Some(port),
        down: down.iter().map(|d| d.to_string()).collect(),
    }
}

fn via(from: &str, to: &str, port: u16, through: &str) -> Intent {
    via_down(from, to, port, through, &[])
}

/// `from` reaches `to` through `through` while the objects `down` have failed.
fn via_down(from: &str, to: &str, port: u16, through: &str, down: &[&str]) -> Intent {
    Intent::Via {
        from: from.into(),
        to: to.into(),
        proto: Protocol::Tcp,
        port: Some(port),
        through: through.into(),
        down: down.iter().map(|d| d.to_string()).collect(),
    }
}

fn nothing_reaches(tier: &str) -> Intent {
    Intent::NothingReaches {
        from: "internet".into(),
        tier: tier.into(),
    }
}

/// The intents of the template `name` (empty for a name that is not a template).
pub fn for_template(name: &str) -> Vec<Intent> {
    match name {
        "single-public-subnet" => vec![
            reach("internet", "web-1", 443),
            reach("internet", "web-1", 80),
            reach("onprem:office", "web-1", 22),
            no_reach("internet", "web-1", 22),
            Intent::Struct(Fact::NoSgOpenToWorld(22)),
        ],
        "public-private-nat" => vec![
            reach("internet", "web-1", 443),
            reach("web-1", "db-1", 5432),
            via("db-1", "internet", 443, "nat-a"),
            no_reach("internet", "web-1", 22),
            nothing_reaches("db"),
            Intent::Struct(Fact::TierHasNoPublicIp("db".into())),
        ],
        "public-private-vpn" => vec![
            reach("internet", "web-1", 443),
            via("onprem:datacenter", "app-1", 443, "vpn-dc"),
            reach("onprem:datacenter", "app-1", 22),
            no_reach("internet", "web-1", 22),
            nothing_reaches("app"),
            Intent::Struct(Fact::TierHasNoInternetRoute("app".into())),
        ],
        "private-vpn-only" => vec![
            via("onprem:datacenter", "app-1", 443, "vpn-dc"),
            no_reach("app-1", "internet", 443),
            nothing_reaches("app"),
            Intent::AtMost {
                kind: ObjectKind::InternetGateway,
                count: 0,
            },
        ],
        "three-tier-alb" => vec![
            reach("internet", "alb-web", 443),
            reach("app-1", "db-1", 5432),
            via("app-2", "internet", 443, "nat-b"),
            no_reach("internet", "app-1", 8080),
            nothing_reaches("db"),
            nothing_reaches("app"),
            Intent::Struct(Fact::EachAzWithPrivateSubnetsHasNat),
        ],
        "bastion-host" => vec![
            reach("onprem:office", "bastion", 22),
            reach("bastion", "app-1", 22),
            reach("bastion", "app-2", 22),
            no_reach("internet", "bastion", 22),
            nothing_reaches("app"),
            Intent::Struct(Fact::SgSourceIsGroup {
                group: "sg-private".into(),
                port: 22,
                source: "sg-bastion".into(),
            }),
        ],
        "transit-hub-spoke" => vec![
            via("prod-app", "shared-api", 443, "tgw-hub"),
            reach("dev-app", "shared-api", 443),
            reach("shared-api", "prod-app", 443),
            no_reach("prod-app", "dev-app", 443),
            no_reach("dev-app", "prod-app", 443),
        ],
        "inspection-firewall" => vec![
            via("spoke-a-1", "spoke-b-1", 443, "nfw"),
            via("spoke-a-1", "internet", 443, "nfw"),
            no_reach("spoke-a-1", "internet", 22),
            no_reach("internet", "spoke-b-1", 443),
            Intent::Struct(Fact::ApplianceMode("att-inspection".into())),
        ],
        "peering-triangle" => vec![
            via("app-a", "app-b", 443, "pcx-a-b"),
            via("app-b", "app-c", 443, "pcx-b-c"),
            via("app-c", "app-a", 443, "pcx-a-c"),
            no_reach("app-a", "app-b", 22),
            no_reach("app-a", "internet", 443),
        ],
        "gateway-endpoints" => vec![
            via("app-1", "s3", 443, "vpce-s3"),
            via("app-2", "dynamodb", 443, "vpce-dynamodb"),
            no_reach("app-1", "internet", 443),
            nothing_reaches("app"),
        ],
        "interface-endpoints" => vec![
            via("worker-1", "sqs", 443, "vpce-sqs"),
            via("worker-2", "ec2", 443, "vpce-ec2"),
            no_reach("worker-1", "internet", 443),
            no_reach("worker-1", "worker-2", 22),
            nothing_reaches("app"),
        ],
        "hybrid-dx-vpn" => vec![
            via("onprem:datacenter", "app-1", 443, "dx-primary"),
            via_down("onprem:datacenter", "app-2", 443, "vpn-backup", &["dx-primary"]),
            no_reach("app-1", "internet", 443),
            nothing_reaches("app"),
        ],
        "vpn-cloudhub" => vec![
            via("onprem:branch-1", "hq-app", 443, "vpn-branch-1"),
            reach("onprem:branch-3", "hq-app", 443),
            no_reach("internet", "hq-app", 443),
            no_reach("onprem:branch-2", "hq-app", 22),
        ],
        "dual-stack-eigw" => vec![
            reach("internet6", "web-1", 443),
            reach("web-1", "app-1", 8080),
            via("app-1", "internet6", 443, "eigw-dual"),
            via("app-1", "internet", 443, "nat-a"),
            no_reach("internet6", "app-1", 8080),
            nothing_reaches("app"),
        ],
        "privatelink-service" => vec![
            reach("partner-app", "vpce-orders", 443),
            via("partner-app", "vpce-orders", 443, "svc-orders"),
            no_reach("partner-app", "vpce-orders", 22),
            // PrivateLink carries consumer → provider only (AWS PrivateLink guide).
            no_reach("provider-ops", "partner-app", 443),
            no_reach("provider-ops", "vpce-orders", 443),
        ],
        "gwlb-inspection" => vec![
            reach("internet", "web-1", 443),
            via("internet", "web-1", 443, "gwlb-inspect"),
            via("internet", "web-2", 443, "appliance-2"),
            no_reach("internet", "web-1", 22),
            // Cross-zone load balancing is off by default on a GWLB: with its AZ's only
            // appliance down, that AZ's GWLB node has no other target, so the flow is lost
            // (ELB Gateway Load Balancer guide, "Cross-zone load balancing").
            no_reach_down("internet", "web-1", 443, &["appliance-1"]),
        ],
        "shared-vpc" => vec![
            reach("app-1", "db-1", 5432),
            via("app-2", "internet", 443, "nat-a"),
            no_reach("db-1", "app-1", 22),
            no_reach("internet", "app-1", 443),
            nothing_reaches("data"),
            Intent::NoErrors,
        ],
        "transit-vpc" => vec![
            via("app-a1", "app-b1", 443, "vpn-hub-1"),
            via("onprem:datacenter", "app-b1", 443, "vpn-hub-1"),
            via("app-a1", "onprem:datacenter", 443, "vpn-hub-1"),
            via("app-b1", "dns-1", 53, "vpn-hub-1"),
            no_reach("internet", "app-a1", 443),
            no_reach("app-a1", "app-b1", 22),
            nothing_reaches("app"),
            Intent::NoErrors,
        ],
        "default-vpc" => vec![
            Intent::Struct(Fact::TierSpansAzs {
                tier: "public".into(),
                azs: 6,
            }),
            Intent::NoErrors,
            nothing_reaches("public"),
        ],
        _ => Vec::new(),
    }
}
