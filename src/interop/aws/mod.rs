//! `vpcd import aws`: a design from the AWS CLI's `describe-*` JSON, and
//! `vpcd export aws-json`, its inverse.
//!
//! [`read`] finds and parses the files (routing each by its top-level key,
//! with file:line:column errors), [`build`] turns the merged objects into a
//! design one concept at a time, [`report`] says what was imported, skipped
//! and approximated, and [`export`] writes a design back as the same JSON.

pub mod build;
pub mod export;
mod export_hybrid;
pub mod json;
pub mod read;
pub mod report;

use std::path::{Path, PathBuf};

pub use read::{Dump, ReadError};
pub use report::Report;

use crate::model::Design;

/// Choices the user makes on the command line.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Import only this Region's files (required when the dump spans several).
    pub region: Option<String>,
    /// Import only this account's files.
    pub account: Option<String>,
    /// The design's name (default: the folder's name).
    pub name: Option<String>,
}

/// A design and the report of how it was made.
#[derive(Debug, Clone)]
pub struct Imported {
    pub design: Design,
    pub report: Report,
}

impl Imported {
    /// Whether validation found errors (exit status 1 of `vpcd import aws`).
    pub fn has_errors(&self) -> bool {
        !self.report.errors.is_empty()
    }
}

/// Why nothing usable could be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("no AWS CLI output found in {paths}{ignored}")]
    NoAwsJson { paths: String, ignored: String },
    #[error("the dump spans several Regions ({0}); choose one with --region")]
    ManyRegions(String),
    #[error("the dump has no output for Region {wanted} (it has {found})")]
    RegionNotFound { wanted: String, found: String },
    #[error("the dump has no output for account {wanted} (it has {found})")]
    AccountNotFound { wanted: String, found: String },
}

/// Imports the JSON files under `paths`.
pub fn import_paths(paths: &[PathBuf], opts: &ImportOptions) -> Result<Imported, ImportError> {
    let dump = read::read_paths(paths)?;
    let mut opts = opts.clone();
    if opts.name.is_none() {
        opts.name = paths.first().map(|p| default_name(p));
    }
    import_dump(&dump, &opts, paths)
}

/// The design's default name: the folder's (or file's) name.
pub fn default_name(path: &Path) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let stem = if canonical.is_dir() {
        canonical.file_name()
    } else {
        canonical.file_stem()
    };
    let name = stem.map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() {
        "imported".into()
    } else {
        name
    }
}

/// Imports an already read dump.
pub fn import_dump(dump: &Dump, opts: &ImportOptions, paths: &[PathBuf]) -> Result<Imported, ImportError> {
    if dump.files.is_empty() {
        let ignored = if dump.ignored.is_empty() {
            String::new()
        } else {
            format!(
                " (ignored: {})",
                dump.ignored
                    .iter()
                    .map(|f| format!("{}: {}", f.path.display(), f.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        return Err(ImportError::NoAwsJson {
            paths: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            ignored,
        });
    }
    let regions = dump.regions();
    let join = |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let region = match &opts.region {
        Some(r) => {
            if !regions.is_empty() && !regions.contains(r) {
                return Err(ImportError::RegionNotFound {
                    wanted: r.clone(),
                    found: join(&regions),
                });
            }
            r.clone()
        }
        None if regions.len() > 1 => return Err(ImportError::ManyRegions(join(&regions))),
        None => regions.iter().next().cloned().unwrap_or_default(),
    };
    let accounts = dump.accounts();
    if let Some(a) = &opts.account {
        if !accounts.contains(a) {
            return Err(ImportError::AccountNotFound {
                wanted: a.clone(),
                found: join(&accounts),
            });
        }
    }
    let files = dump.files.iter().filter(|f| {
        f.region.as_ref().is_none_or(|r| *r == region)
            && opts
                .account
                .as_ref()
                .is_none_or(|a| f.account.as_ref().is_none_or(|fa| fa == a))
    });
    let files: Vec<&read::SourceFile> = files.collect();
    let merged = build::Merged::from_files(files.iter().copied());
    let (region, guessed) = if region.is_empty() {
        ("us-east-1".to_string(), true)
    } else {
        (region, false)
    };
    let bopts = build::BuildOptions {
        name: opts.name.clone().unwrap_or_else(|| "imported".into()),
        region: region.clone(),
    };
    let (design, mut report) = build::build(&merged, &bopts);
    if guessed {
        report.approximate(
            "design",
            "Region",
            "neither the folders, the ARNs nor the availability zones name a Region; us-east-1 assumed (use --region)",
        );
    }
    report.region = region;
    report.accounts = match &opts.account {
        Some(a) => vec![a.clone()],
        None => accounts.into_iter().collect(),
    };
    for f in &files {
        for k in f.content.keys() {
            *report.files.entry(k.to_string()).or_default() += 1;
        }
    }
    report.ignored_files = dump
        .ignored
        .iter()
        .map(|f| report::IgnoredFileNote {
            path: f.path.display().to_string(),
            keys: f.keys.clone(),
            reason: f.reason.clone(),
        })
        .collect();
    for f in dump
        .files
        .iter()
        .filter(|f| !files.iter().any(|x| std::ptr::eq(*x, *f)))
    {
        report.ignored_files.push(report::IgnoredFileNote {
            path: f.path.display().to_string(),
            keys: f.content.keys().iter().map(|k| k.to_string()).collect(),
            reason: format!(
                "belongs to {}",
                [
                    f.account.as_ref().map(|a| format!("account {a}")),
                    f.region.as_ref().map(|r| format!("Region {r}"))
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
            ),
        });
    }
    report.imported = build::counts(&design);
    let diags = crate::validate::validate(&design);
    report.findings(&diags, &merged.keys);
    Ok(Imported { design, report })
}

/// Whether `path` is a folder that holds AWS CLI JSON (so `vpcd FOLDER` and
/// the headless commands import it instead of reading a `.ron` file).
pub fn is_dump_folder(path: &Path) -> bool {
    path.is_dir()
}

/// The AWS CLI commands that capture an account's network into a folder this
/// importer reads (`accounts/<id>/<region>/…`).
pub fn capture_commands(region: Option<&str>) -> String {
    let r = region.unwrap_or("us-east-1");
    let mut s = String::new();
    s.push_str("#!/bin/sh\n# Capture one Region of the current account for `vpcd import aws`.\nset -e\n");
    s.push_str(&format!("REGION={r}\n"));
    s.push_str("ACCOUNT=$(aws sts get-caller-identity --query Account --output text)\n");
    s.push_str("DIR=accounts/$ACCOUNT/$REGION\nmkdir -p \"$DIR\"\n");
    let ec2 = [
        ("describe-vpcs", "Vpcs"),
        ("describe-subnets", "Subnets"),
        ("describe-route-tables", "RouteTables"),
        ("describe-security-groups", "SecurityGroups"),
        ("describe-network-acls", "NetworkAcls"),
        ("describe-instances", "Reservations"),
        ("describe-network-interfaces", "NetworkInterfaces"),
        ("describe-internet-gateways", "InternetGateways"),
        ("describe-egress-only-internet-gateways", "EgressOnlyInternetGateways"),
        ("describe-nat-gateways", "NatGateways"),
        ("describe-addresses", "Addresses"),
        ("describe-vpc-endpoints", "VpcEndpoints"),
        ("describe-vpc-endpoint-service-configurations", "ServiceConfigurations"),
        ("describe-vpc-endpoint-connections", "VpcEndpointConnections"),
        ("describe-vpc-peering-connections", "VpcPeeringConnections"),
        ("describe-transit-gateways", "TransitGateways"),
        ("describe-transit-gateway-attachments", "TransitGatewayAttachments"),
        (
            "describe-transit-gateway-vpc-attachments",
            "TransitGatewayVpcAttachments",
        ),
        ("describe-transit-gateway-route-tables", "TransitGatewayRouteTables"),
        ("describe-vpn-gateways", "VpnGateways"),
        ("describe-customer-gateways", "CustomerGateways"),
        ("describe-vpn-connections", "VpnConnections"),
        ("describe-prefix-lists", "PrefixLists"),
        ("describe-managed-prefix-lists", "ManagedPrefixLists"),
        ("describe-availability-zones", "AvailabilityZones"),
    ];
    for (cmd, file) in ec2 {
        s.push_str(&format!(
            "aws ec2 {cmd} --region \"$REGION\" --output json > \"$DIR/{file}.json\"\n"
        ));
    }
    s.push_str(
        "# Per VPC: the DNS attributes describe-vpcs does not show.\n\
         for VPC in $(aws ec2 describe-vpcs --region \"$REGION\" --query 'Vpcs[].VpcId' --output text); do\n\
         \x20 for ATTR in enableDnsSupport enableDnsHostnames; do\n\
         \x20   aws ec2 describe-vpc-attribute --region \"$REGION\" --vpc-id \"$VPC\" --attribute $ATTR --output json > \"$DIR/VpcAttribute-$VPC-$ATTR.json\"\n\
         \x20 done\n\
         done\n",
    );
    s.push_str(
        "# Per transit gateway route table: its propagations and static routes, wrapped with the table's id.\n\
         for RTB in $(aws ec2 describe-transit-gateway-route-tables --region \"$REGION\" --query 'TransitGatewayRouteTables[].TransitGatewayRouteTableId' --output text); do\n\
         \x20 aws ec2 get-transit-gateway-route-table-propagations --region \"$REGION\" --transit-gateway-route-table-id \"$RTB\" \\\n\
         \x20   --query \"{TransitGatewayPropagations: [{TransitGatewayRouteTableId: '$RTB', TransitGatewayRouteTablePropagations: TransitGatewayRouteTablePropagations}]}\" --output json > \"$DIR/TransitGatewayPropagations-$RTB.json\"\n\
         \x20 aws ec2 search-transit-gateway-routes --region \"$REGION\" --transit-gateway-route-table-id \"$RTB\" --filters Name=type,Values=static \\\n\
         \x20   --query \"{TransitGatewayStaticRoutes: [{TransitGatewayRouteTableId: '$RTB', Routes: Routes}]}\" --output json > \"$DIR/TransitGatewayStaticRoutes-$RTB.json\"\n\
         done\n",
    );
    s.push_str(
        "# Per endpoint service this account provides: who may connect, with the service's id.\n\
         for SVC in $(aws ec2 describe-vpc-endpoint-service-configurations --region \"$REGION\" --query 'ServiceConfigurations[].ServiceId' --output text); do\n\
         \x20 aws ec2 describe-vpc-endpoint-service-permissions --region \"$REGION\" --service-id \"$SVC\" \\\n\
         \x20   --query \"{AllowedPrincipals: AllowedPrincipals[].{PrincipalType: PrincipalType, Principal: Principal, ServiceId: '$SVC'}}\" --output json > \"$DIR/AllowedPrincipals-$SVC.json\"\n\
         done\n",
    );
    s.push_str(
        "# Customer-managed prefix lists: their entries, in describe-prefix-lists' shape.\n\
         for PL in $(aws ec2 describe-managed-prefix-lists --region \"$REGION\" --query \"PrefixLists[?OwnerId!='AWS'].PrefixListId\" --output text); do\n\
         \x20 aws ec2 get-managed-prefix-list-entries --region \"$REGION\" --prefix-list-id \"$PL\" \\\n\
         \x20   --query \"{PrefixLists: [{PrefixListId: '$PL', Cidrs: Entries[].Cidr}]}\" --output json > \"$DIR/PrefixListEntries-$PL.json\"\n\
         done\n",
    );
    s.push_str(
        "aws elbv2 describe-load-balancers --region \"$REGION\" --output json > \"$DIR/LoadBalancers.json\"\n\
         aws elbv2 describe-target-groups --region \"$REGION\" --output json > \"$DIR/TargetGroups.json\"\n\
         for LB in $(aws elbv2 describe-load-balancers --region \"$REGION\" --query 'LoadBalancers[].LoadBalancerArn' --output text); do\n\
         \x20 aws elbv2 describe-listeners --region \"$REGION\" --load-balancer-arn \"$LB\" --output json > \"$DIR/Listeners-$(basename \"$LB\").json\"\n\
         \x20 aws elbv2 describe-load-balancer-attributes --region \"$REGION\" --load-balancer-arn \"$LB\" \\\n\
         \x20   --query \"{LoadBalancerAttributes: [{LoadBalancerArn: '$LB', Attributes: Attributes}]}\" --output json > \"$DIR/LoadBalancerAttributes-$(basename \"$LB\").json\"\n\
         done\n\
         for TG in $(aws elbv2 describe-target-groups --region \"$REGION\" --query 'TargetGroups[].TargetGroupArn' --output text); do\n\
         \x20 aws elbv2 describe-target-health --region \"$REGION\" --target-group-arn \"$TG\" \\\n\
         \x20   --query \"{LoadBalancerTargetHealth: [{TargetGroupArn: '$TG', TargetHealthDescriptions: TargetHealthDescriptions}]}\" --output json > \"$DIR/TargetHealth-$(basename \"$TG\").json\"\n\
         done\n",
    );
    s.push_str(
        "aws directconnect describe-direct-connect-gateways --output json > \"$DIR/DirectConnectGateways.json\"\n\
         aws directconnect describe-direct-connect-gateway-associations --output json > \"$DIR/DirectConnectGatewayAssociations.json\"\n\
         aws directconnect describe-virtual-interfaces --region \"$REGION\" --output json > \"$DIR/VirtualInterfaces.json\"\n\
         aws directconnect describe-connections --region \"$REGION\" --output json > \"$DIR/Connections.json\"\n\
         aws rds describe-db-instances --region \"$REGION\" --output json > \"$DIR/DBInstances.json\"\n",
    );
    s.push_str("echo \"captured into $DIR; run: vpcd import aws $DIR\"\n");
    s
}

/// Renames `old`'s objects to the names `new` gives the same AWS ids, so
/// that two captures of one account compare object by object even where a
/// `Name` tag changed between them (the AWS id is the object's identity;
/// the design name is only what the tag said at capture time). Returns the
/// renames made, `(old name, new name)`. A rename whose new name is taken
/// in `old` by another object is left out (the two objects are compared
/// under their own names).
pub fn align_names(old: &mut Design, new: &Design) -> Vec<(String, String)> {
    use crate::edit::Edit;
    use crate::model::ObjectRef;
    use std::collections::HashMap;
    let mut wanted: Vec<(String, String)> = old
        .aws_ids
        .iter()
        .filter_map(|(id, old_name)| {
            let new_name = new.aws_ids.get(id)?;
            (new_name != old_name).then(|| (old_name.clone(), new_name.clone()))
        })
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut refs: HashMap<String, ObjectRef> = old.object_refs().into_iter().map(|r| (r.name.clone(), r)).collect();
    let mut done = Vec::new();
    for (from, to) in wanted {
        if refs.contains_key(&to) {
            continue;
        }
        let Some(target) = refs.remove(&from) else {
            continue;
        };
        let kind = target.kind;
        let rename = Edit::Rename { target, to: to.clone() };
        if rename.apply(old).is_ok() {
            refs.insert(to.clone(), ObjectRef::new(kind, to.clone()));
            done.push((from, to));
        }
    }
    done
}
