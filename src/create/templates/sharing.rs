//! The `shared-vpc` template: one VPC owned by a network account whose subnets
//! are shared through AWS RAM with two application accounts of the same
//! organisation (VPC User Guide, "Share your VPC subnets with other accounts").

use super::build::*;
use crate::model::*;

fn account(name: &str, id: &str, description: &str) -> Account {
    Account {
        name: name.into(),
        description: Some(description.into()),
        id: Some(id.into()),
        organization: Some("o-example".into()),
    }
}

pub fn shared_vpc() -> Design {
    let mut b = Builder::new(
        "",
        "",
        "us-east-1",
        &["us-east-1a".to_string(), "us-east-1b".to_string()],
    );
    b.vpc("shared", net("10.0.0.0/16"));
    b.igw("igw-shared", "shared");
    b.route_table(
        "rt-public",
        "shared",
        vec![default_route(RouteTarget::InternetGateway("igw-shared".into()))],
    );
    b.route_table(
        "rt-private",
        "shared",
        vec![default_route(RouteTarget::NatGateway("nat-a".into()))],
    );
    b.subnet(
        "public-a",
        "shared",
        0,
        net("10.0.0.0/24"),
        "public",
        Some("rt-public"),
        None,
    );
    b.subnet(
        "app-a",
        "shared",
        0,
        net("10.0.10.0/24"),
        "app",
        Some("rt-private"),
        None,
    );
    b.subnet(
        "app-b",
        "shared",
        1,
        net("10.0.11.0/24"),
        "app",
        Some("rt-private"),
        None,
    );
    b.subnet(
        "data-a",
        "shared",
        0,
        net("10.0.20.0/24"),
        "data",
        Some("rt-private"),
        None,
    );
    b.nat("nat-a", "public-a");
    // Participants own their security groups; rules may name another
    // participant's group of the same VPC as a source.
    b.sg(
        "sg-app",
        "shared",
        "The app team's servers: HTTPS from inside the VPC",
        vec![sg_tcp(443, peer_cidr(ipnet("10.0.0.0/16")))],
    )
    .owner = Some("app-team".into());
    b.sg(
        "sg-data",
        "shared",
        "The data team's database: PostgreSQL from the app team's group only",
        vec![sg_tcp(5432, SgPeer::Group("sg-app".into()))],
    )
    .owner = Some("data-team".into());
    b.instance("app-1", InstanceRole::App, "app-a", &["sg-app"]).owner = Some("app-team".into());
    b.instance("app-2", InstanceRole::App, "app-b", &["sg-app"]).owner = Some("app-team".into());
    b.instance("db-1", InstanceRole::Db, "data-a", &["sg-data"]).owner = Some("data-team".into());
    let mut d = b.finish();
    if let Some(v) = d.vpcs.iter_mut().find(|v| v.name == "shared") {
        v.owner = Some("network".into());
    }
    d.accounts = Accounts {
        home: Some("network".into()),
        accounts: vec![
            account(
                "network",
                "111111111111",
                "Owns the VPC, its subnets, routes, NACLs and gateways",
            ),
            account(
                "app-team",
                "222222222222",
                "Runs the application servers in the shared app subnets",
            ),
            account(
                "data-team",
                "333333333333",
                "Runs the database in the shared data subnet",
            ),
        ],
        shares: vec![
            SubnetShare {
                name: "share-app".into(),
                subnets: vec!["app-a".into(), "app-b".into()],
                participants: vec!["app-team".into()],
            },
            SubnetShare {
                name: "share-data".into(),
                subnets: vec!["data-a".into()],
                participants: vec!["data-team".into()],
            },
        ],
        acting_as: None,
    };
    d
}
