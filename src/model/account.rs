//! Accounts and VPC sharing. Every VPC, instance, network interface and
//! security group has an owner account; a VPC's subnets, route tables, network
//! ACLs and gateways belong to the VPC's owner. A VPC owner shares subnets with
//! participant accounts of the same AWS Organizations organisation through an
//! AWS RAM resource share; participants launch instances into the shared
//! subnets and own those instances and their security groups, but cannot
//! change the owner's subnets, route tables or network ACLs (VPC User Guide,
//! "Share your VPC subnets with other accounts" and "Responsibilities and
//! permissions for owners and participants").
//!
//! A design without an `accounts` section is a single-account design: every
//! object without an explicit `owner` belongs to the design's own account.

use serde::{Deserialize, Serialize};

use super::{Design, Object};

/// One AWS account of the design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The name objects use as their `owner` (`network`, `app-team`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The AWS account id (`OwnerId` in `describe-*` output), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The AWS Organizations organisation (`o-…`) the account is a member of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

/// An AWS RAM resource share of subnets with participant accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetShare {
    pub name: String,
    /// The shared subnets (all of VPCs the sharing account owns).
    pub subnets: Vec<String>,
    /// The participant accounts (names of the design's accounts).
    pub participants: Vec<String>,
}

/// The design's accounts, resource shares and the account edits are made as.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The account that owns every object without an explicit `owner`
    /// (`None`: the design's own, unnamed account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Account>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<SubnetShare>,
    /// The account edits are made as. An edit that changes an object another
    /// account owns is refused as AWS refuses it (`UnauthorizedOperation`);
    /// `None` designs the whole organisation at once and refuses nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_as: Option<String>,
}

impl Accounts {
    /// A single-account design with nothing to write.
    pub fn is_empty(&self) -> bool {
        *self == Accounts::default()
    }

    /// The account an object with this `owner` field belongs to (`None`: the
    /// unnamed design account).
    pub fn resolve<'a>(&'a self, owner: Option<&'a str>) -> Option<&'a str> {
        owner.or(self.home.as_deref())
    }

    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The design account whose AWS id is `id`.
    pub fn by_id(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id.as_deref() == Some(id))
    }

    /// The organisation of an account (the unnamed design account has none).
    pub fn organization_of(&self, account: Option<&str>) -> Option<&str> {
        account
            .and_then(|a| self.account(a))
            .and_then(|a| a.organization.as_deref())
    }

    /// Whether subnet `subnet` is shared with `account` by a resource share.
    pub fn is_shared_with(&self, subnet: &str, account: Option<&str>) -> bool {
        let Some(account) = account else { return false };
        self.shares
            .iter()
            .any(|s| s.subnets.iter().any(|x| x == subnet) && s.participants.iter().any(|p| p == account))
    }

    /// Whether a subnet is in any resource share.
    pub fn is_shared(&self, subnet: &str) -> bool {
        self.shares.iter().any(|s| s.subnets.iter().any(|x| x == subnet))
    }

    /// A display label for an account (`None` is the design account).
    pub fn label(account: Option<&str>) -> &str {
        account.unwrap_or("design account")
    }
}

impl Design {
    /// The account that owns VPC `vpc` (and its subnets, route tables, NACLs
    /// and gateways).
    pub fn vpc_owner(&self, vpc: &str) -> Option<&str> {
        let owner = self
            .vpcs
            .iter()
            .find(|v| v.name == vpc)
            .and_then(|v| v.owner.as_deref());
        self.accounts.resolve(owner)
    }

    /// The account that owns the subnet `subnet`: its VPC's owner.
    pub fn subnet_owner(&self, subnet: &str) -> Option<&str> {
        match self.subnets.iter().find(|s| s.name == subnet) {
            Some(s) => self.vpc_owner(&s.vpc),
            None => self.accounts.home.as_deref(),
        }
    }

    /// The account that owns an instance: its `owner`, else its subnet's owner.
    pub fn instance_owner(&self, instance: &str) -> Option<&str> {
        match self.instances.iter().find(|i| i.name == instance) {
            Some(i) => self.owner_in_subnet(i.owner.as_deref(), &i.subnet),
            None => self.accounts.home.as_deref(),
        }
    }

    /// The account that owns an object launched into `subnet` with this
    /// `owner` field: the field, else the subnet's (VPC's) owner.
    pub fn owner_in_subnet<'a>(&'a self, owner: Option<&'a str>, subnet: &str) -> Option<&'a str> {
        match owner {
            Some(o) => Some(o),
            None => self.subnet_owner(subnet),
        }
    }

    /// The account that owns a security group: its `owner`, else its VPC's owner.
    pub fn security_group_owner(&self, group: &str) -> Option<&str> {
        match self.security_groups.iter().find(|g| g.name == group) {
            Some(g) => match g.owner.as_deref() {
                Some(o) => Some(o),
                None => self.vpc_owner(&g.vpc),
            },
            None => self.accounts.home.as_deref(),
        }
    }

    /// The account that owns an object: VPCs, instances, interfaces and
    /// security groups say it (or default to their VPC's owner); a VPC's
    /// subnets, route tables, network ACLs, gateways and endpoints are its
    /// owner's; region-level objects are the home account's.
    pub fn object_owner<'a>(&'a self, o: &'a Object) -> Option<&'a str> {
        let home = self.accounts.home.as_deref();
        match o {
            Object::Vpc(v) => self.accounts.resolve(v.owner.as_deref()),
            Object::Instance(i) => self.owner_in_subnet(i.owner.as_deref(), &i.subnet),
            Object::SecurityGroup(g) => match g.owner.as_deref() {
                Some(x) => Some(x),
                None => self.vpc_owner(&g.vpc),
            },
            Object::Subnet(s) => self.vpc_owner(&s.vpc),
            Object::RouteTable(rt) => self.vpc_owner(&rt.vpc),
            Object::NetworkAcl(a) => self.vpc_owner(&a.vpc),
            Object::EgressOnlyGateway(g) => self.vpc_owner(&g.vpc),
            Object::Endpoint(e) => self.vpc_owner(&e.vpc),
            Object::Firewall(f) => self.vpc_owner(&f.vpc),
            Object::NatGateway(n) => match (&n.subnet, &n.vpc) {
                (Some(s), _) => self.subnet_owner(s),
                (None, Some(v)) => self.vpc_owner(v),
                (None, None) => home,
            },
            Object::InternetGateway(g) => g.vpc.as_deref().map_or(home, |v| self.vpc_owner(v)),
            Object::VpnGateway(g) => g.vpc.as_deref().map_or(home, |v| self.vpc_owner(v)),
            _ => home,
        }
    }

    /// Whether any VPC, security group, instance or interface names its
    /// owner. When none does, every one of them is the home account's.
    pub fn names_an_owner(&self) -> bool {
        self.vpcs.iter().any(|v| v.owner.is_some())
            || self.security_groups.iter().any(|g| g.owner.is_some())
            || self
                .instances
                .iter()
                .any(|i| i.owner.is_some() || i.secondary_interfaces.iter().any(|e| e.owner.is_some()))
    }

    /// Whether the design has more than one owner account.
    pub fn is_multi_account(&self) -> bool {
        !self.accounts.accounts.is_empty() || !self.accounts.shares.is_empty()
    }

    /// Renames an account in every owner field, share and setting.
    pub fn rename_account(&mut self, from: &str, to: &str) {
        let fix = |o: &mut Option<String>| {
            if o.as_deref() == Some(from) {
                *o = Some(to.to_string());
            }
        };
        for v in &mut self.vpcs {
            fix(&mut v.owner);
        }
        for g in &mut self.security_groups {
            fix(&mut g.owner);
        }
        for i in &mut self.instances {
            fix(&mut i.owner);
            for e in &mut i.secondary_interfaces {
                fix(&mut e.owner);
            }
        }
        let a = &mut self.accounts;
        fix(&mut a.home);
        fix(&mut a.acting_as);
        for acc in &mut a.accounts {
            if acc.name == from {
                acc.name = to.to_string();
            }
        }
        for s in &mut a.shares {
            for p in &mut s.participants {
                if p == from {
                    *p = to.to_string();
                }
            }
        }
    }
}
