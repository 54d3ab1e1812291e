//! Terraform and CloudFormation export: every bundled design exports, the text is
//! deterministic and laid out as `terraform fmt` writes it, and every reference
//! points at a resource of the same export.

use crate::common;

use std::collections::BTreeSet;

use vpcd::interop::terraform;
use vpcd::model::Design;

fn designs() -> Vec<(String, Design)> {
    let mut out = vec![("three-tier".to_string(), vpcd::create::templates::sample::three_tier())];
    for t in vpcd::create::templates::TEMPLATES {
        out.push((t.name.to_string(), t.design()));
    }
    out
}

fn main_tf(d: &Design) -> String {
    terraform::export(d)
        .files
        .into_iter()
        .find(|(n, _)| n == "main.tf")
        .unwrap()
        .1
}

/// `resource "T" "L"` and `data "T" "L"` declared in a file.
fn declared(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split('"').collect();
        if line.starts_with("resource \"") && parts.len() >= 5 {
            out.insert(format!("{}.{}", parts[1], parts[3]));
        } else if line.starts_with("data \"") && parts.len() >= 5 {
            out.insert(format!("data.{}.{}", parts[1], parts[3]));
        }
    }
    out
}

/// Every `aws_x.label.attr` reference in a file.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let at_word = i == 0 || !(word(b[i - 1]) || b[i - 1] == b'"' || b[i - 1] == b'.');
        let rest = &b[i..];
        if at_word && (rest.starts_with(b"aws_") || rest.starts_with(b"data.aws_")) {
            let mut j = i;
            while j < b.len() && (word(b[j]) || b[j] == b'.') {
                j += 1;
            }
            let w = &text[i..j];
            let parts: Vec<&str> = w.split('.').collect();
            let n = if w.starts_with("data.") { 3 } else { 2 };
            if parts.len() > n {
                out.insert(parts[..n].join("."));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn every_reference_in_the_terraform_export_is_declared() {
    for (name, d) in designs() {
        let text = main_tf(&d);
        let declared = declared(&text);
        for r in referenced(&text) {
            assert!(declared.contains(&r), "{name}: {r} is referenced but not declared");
        }
        assert_eq!(text, main_tf(&d), "{name}: export is deterministic");
        // A second HCL implementation (hcl-rs) reads every file.
        for (file, text) in terraform::export(&d).files {
            if let Err(e) = hcl::parse(&text) {
                panic!("{name}/{file} is not valid HCL: {e}\n{text}");
            }
        }
    }
}

#[test]
fn terraform_export_of_the_sample_names_every_object() {
    let d = vpcd::create::templates::sample::three_tier();
    let out = terraform::export(&d);
    let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["main.tf", "variables.tf", "versions.tf", "outputs.tf"]);
    let main = &out.files[0].1;
    assert!(main.contains("resource \"aws_vpc\" \"shop\""), "{main}");
    assert!(main.contains("resource \"aws_default_network_acl\""), "{main}");
    assert!(main.contains("resource \"aws_default_security_group\""), "{main}");
    assert!(main.contains("resource \"aws_default_route_table\""), "{main}");
    assert!(
        main.contains("vpc_id     = aws_vpc.shop.id") || main.contains("vpc_id = aws_vpc.shop.id"),
        "{main}"
    );
    for i in &d.instances {
        assert!(main.contains(&format!("Name = \"{}\"", i.name)), "{}", i.name);
    }
    let versions = &out.files[2].1;
    assert!(versions.contains("source  = \"hashicorp/aws\""), "{versions}");
    // No literal AWS ids: every object is referenced through its resource.
    assert!(
        !main.contains("\"vpc-") && !main.contains("\"subnet-") && !main.contains("\"sg-0"),
        "{main}"
    );
}

/// `terraform fmt` is the layout users diff against; when the Terraform CLI is
/// installed, it must have nothing to change.
#[test]
fn terraform_fmt_leaves_the_export_unchanged() {
    let Some(tf) = which("terraform") else {
        eprintln!("skipped: the `terraform` CLI is not on PATH (install it from developer.hashicorp.com/terraform/install to run this check)");
        return;
    };
    for (name, d) in designs() {
        let dir = tempfile::tempdir().unwrap();
        for (f, text) in terraform::export(&d).files {
            std::fs::write(dir.path().join(f), text).unwrap();
        }
        let out = std::process::Command::new(&tf)
            .args(["fmt", "-check", "-diff", "-no-color"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: terraform fmt would change the export:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn which(cmd: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| std::path::Path::new(d).join(cmd))
        .find(|p| p.is_file())
}

/// Every `!Ref`/`!GetAtt` (and `DependsOn`) names a resource or parameter of the same template.
#[test]
fn every_reference_in_the_cloudformation_export_is_declared() {
    for (name, d) in designs() {
        let out = vpcd::interop::cloudformation::export(&d);
        let t = &out.template;
        let mut declared: BTreeSet<String> = out.parameters.iter().cloned().collect();
        let mut section = "";
        for line in t.lines() {
            if !line.starts_with(' ') {
                section = line.trim_end_matches(':');
            } else if section == "Resources" && line.starts_with("  ") && !line.starts_with("   ") {
                declared.insert(line.trim().trim_end_matches(':').to_string());
            }
        }
        declared.insert("AWS::Region".into());
        for line in t.lines() {
            for (tag, end) in [
                ("!Ref ", None),
                ("!GetAtt ", Some('.')),
                ("{\"Ref\": \"", Some('"')),
                ("{\"Fn::GetAtt\": [\"", Some('"')),
            ] {
                let mut rest = line;
                while let Some(i) = rest.find(tag) {
                    rest = &rest[i + tag.len()..];
                    let stop = rest
                        .find(|c: char| Some(c) == end || c == ' ' || c == ',' || c == ']' || c == '}')
                        .unwrap_or(rest.len());
                    let id = &rest[..stop];
                    assert!(
                        declared.contains(id),
                        "{name}: {id} is referenced but not declared:\n{line}"
                    );
                }
            }
        }
        assert!(t.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"), "{name}");
        assert_eq!(
            *t,
            vpcd::interop::cloudformation::export(&d).template,
            "{name}: deterministic"
        );
    }
}

#[test]
fn cloudformation_export_of_the_sample_holds_its_network() {
    let d = vpcd::create::templates::sample::three_tier();
    let t = vpcd::interop::cloudformation::export(&d).template;
    assert!(t.contains("Type: \"AWS::EC2::VPC\""), "{t}");
    assert_eq!(t.matches("Type: \"AWS::EC2::Subnet\"").count(), d.subnets.len(), "{t}");
    assert_eq!(
        t.matches("Type: \"AWS::EC2::Instance\"").count(),
        d.instances.len(),
        "{t}"
    );
    assert!(t.contains("GatewayId: !Ref IgwShop"), "{t}");
    assert!(t.contains("NatGatewayId: !Ref NatA"), "{t}");
}

/// A regional NAT gateway exports as AWS::EC2::NatGateway with
/// `AvailabilityMode: regional` and `VpcId`, without `SubnetId` or
/// `AllocationId` (CloudFormation template reference, AWS::EC2::NatGateway).
#[test]
fn cloudformation_export_of_a_regional_nat_gateway() {
    let d = common::regional_nat_sample();
    let t = vpcd::interop::cloudformation::export(&d).template;
    let start = t.find("  NatR:").unwrap_or_else(|| panic!("{t}"));
    let block: String = t[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("   "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(block.contains("AvailabilityMode: \"regional\""), "{block}");
    assert!(block.contains("VpcId: !Ref Shop"), "{block}");
    assert!(
        !block.contains("SubnetId") && !block.contains("AllocationId"),
        "{block}"
    );
    assert!(t.contains("NatGatewayId: !Ref NatR"), "{t}");
    // And Terraform: `availability_mode` and `vpc_id`, no `subnet_id`.
    let tf = main_tf(&d);
    let start = tf.find(r#"resource "aws_nat_gateway""#).unwrap();
    let block = &tf[start..start + tf[start..].find("\n}\n").unwrap()];
    assert!(block.contains(r#"availability_mode = "regional""#), "{block}");
    assert!(block.contains("vpc_id") && !block.contains("subnet_id"), "{block}");
}

/// Security group referencing support exports on the transit gateway
/// (`SecurityGroupReferencingSupport`, off by default in AWS) and in each VPC
/// attachment's `Options` (CloudFormation template reference,
/// AWS::EC2::TransitGateway and AWS::EC2::TransitGatewayVpcAttachment Options).
#[test]
fn cloudformation_export_of_security_group_referencing_support() {
    let block = |t: &str, id: &str| -> String {
        let start = t.find(&format!("  {id}:\n")).unwrap_or_else(|| panic!("{id}:\n{t}"));
        t[start..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("   "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let ex = vpcd::practice::exercise::bundled("tgw-sg-reference").unwrap().unwrap();
    let mut d = ex.reference_solution().unwrap();
    let t = vpcd::interop::cloudformation::export(&d).template;
    assert!(
        block(&t, "Tgw1").contains("SecurityGroupReferencingSupport: \"enable\""),
        "{t}"
    );
    assert!(
        block(&t, "AttApp").contains("SecurityGroupReferencingSupport: \"enable\""),
        "{t}"
    );

    let tgw = d.transit_gateways.iter_mut().find(|t| t.name == "tgw-1").unwrap();
    tgw.sg_referencing = false;
    tgw.attachments[0].sg_referencing = false;
    let t = vpcd::interop::cloudformation::export(&d).template;
    assert!(
        block(&t, "Tgw1").contains("SecurityGroupReferencingSupport: \"disable\""),
        "{t}"
    );
    assert!(
        block(&t, "AttApp").contains("SecurityGroupReferencingSupport: \"disable\""),
        "{t}"
    );
    assert!(
        block(&t, "AttData").contains("SecurityGroupReferencingSupport: \"enable\""),
        "{t}"
    );
}
