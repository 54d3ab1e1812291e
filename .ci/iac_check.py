"""Independent checks of vpcd's infrastructure-as-code exports, with the tools
users trust, in one interpreter start:

- every Terraform file parses with a second HCL implementation (python-hcl2);
- every CloudFormation template passes cfn-lint with zero errors;
- every template deploys into moto (an in-process AWS emulator) with boto3, and
  the deployed network has the design's subnets, routes, security groups and
  network ACL entries. The describe-* JSON of each deployment is written to
  DIR/<design>/aws_configs/ (the layout `vpcd import aws` reads).

Usage: python iac_check.py DIR, where DIR holds <design>/terraform/*.tf,
<design>/stack.yaml and <design>/expect.json (written by tests/suite/iac_external.rs).
Prints one line per check; exits 1 when any check fails.
"""

import json
import os
import sys
import warnings

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def check_hcl(root, designs):
    import hcl2

    n = 0
    for d in designs:
        tf = os.path.join(root, d, "terraform")
        for name in sorted(os.listdir(tf)):
            if not name.endswith(".tf"):
                continue
            with open(os.path.join(tf, name)) as f:
                try:
                    hcl2.load(f)
                    n += 1
                except Exception as e:  # noqa: BLE001 - any parse error fails the check
                    fail(f"python-hcl2 cannot parse {d}/terraform/{name}: {e}")
    print(f"ok   python-hcl2 parsed {n} Terraform files")


def check_cfn_lint(root, designs):
    from cfnlint.api import lint_all, ManualArgs, lint_file
    from pathlib import Path

    errors = 0
    for d in designs:
        path = Path(os.path.join(root, d, "stack.yaml"))
        matches = lint_file(path, config=ManualArgs(regions=["us-east-1"]))
        for m in matches:
            level = m.rule.severity if hasattr(m.rule, "severity") else ""
            code = m.rule.id
            if code.startswith("E"):
                errors += 1
                fail(f"cfn-lint {d}: {code} {m.message} (line {m.linenumber})")
            else:
                print(f"note cfn-lint {d}: {code} {level} {m.message} (line {m.linenumber})")
    if errors == 0:
        print(f"ok   cfn-lint: zero errors in {len(designs)} templates")


def deploy(root, d, expect):
    import boto3
    from moto import mock_aws
    from moto.cloudformation.parsing import get_model_map, NULL_MODELS

    with open(os.path.join(root, d, "stack.yaml")) as f:
        body = f.read()
    with mock_aws():
        region = expect.get("region", "us-east-1")
        ec2 = boto3.client("ec2", region_name=region)
        cfn = boto3.client("cloudformation", region_name=region)
        params = []
        wanted = set(expect.get("parameters", []))
        if "ImageId" in wanted or "WindowsImageId" in wanted:
            image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
            for p in ("ImageId", "WindowsImageId"):
                if p in wanted:
                    params.append({"ParameterKey": p, "ParameterValue": image})
        if "CertificateArn" in wanted:
            acm = boto3.client("acm", region_name=region)
            arn = acm.request_certificate(DomainName="example.com")["CertificateArn"]
            params.append({"ParameterKey": "CertificateArn", "ParameterValue": arn})
        if "FlowLogBucketArn" in wanted:
            s3 = boto3.client("s3", region_name=region)
            s3.create_bucket(Bucket="vpcd-flow-logs")
            params.append({"ParameterKey": "FlowLogBucketArn", "ParameterValue": "arn:aws:s3:::vpcd-flow-logs"})
        for p in wanted:
            if p.endswith("PrefixListId"):
                params.append({"ParameterKey": p, "ParameterValue": "pl-63a5400a"})
            elif p in ("PeerOwnerId",):
                params.append({"ParameterKey": p, "ParameterValue": "123456789012"})
            elif p in ("PeerRoleArn",):
                params.append({"ParameterKey": p, "ParameterValue": "arn:aws:iam::123456789012:role/peer"})
        types = sorted(set(expect.get("resource_types", [])))
        models = get_model_map()
        unsupported = [t for t in types if t not in models and t not in NULL_MODELS]
        expect["unsupported_ids"] = [lid for lid, t in expect.get("resources", {}).items() if t in unsupported]
        if unsupported:
            print(f"note moto {d}: not emulated, not checked: {', '.join(unsupported)}")
        try:
            cfn.create_stack(StackName="vpcd", TemplateBody=body, Parameters=params)
        except Exception as e:  # noqa: BLE001
            # moto refuses a template whose functions read a type or attribute it does
            # not emulate; that is moto's gap, listed, not the template's fault.
            text = str(e)
            # moto builds every AWS::ElasticLoadBalancingV2::LoadBalancer from
            # CloudFormation as an Application Load Balancer (it ignores `Type`), so
            # a Network Load Balancer's TCP listener is refused there and only there.
            nlb_as_alb = "Listener protocol" in text and "must be one of 'HTTP, HTTPS'" in text and 'Type: "network"' in body
            # For the same reason it asks a Gateway Load Balancer's listener for a
            # port, which AWS does not take (a GWLB listener has neither port nor
            # protocol: ELB guide, "Listeners for your Gateway Load Balancers").
            gwlb_as_alb = "A listener port must be specified" in text and 'Type: "gateway"' in body
            gap = nlb_as_alb or gwlb_as_alb or "does not support attribute" in text or any(
                f"references undefined resource {lid}" in text for lid in expect.get("unsupported_ids", [])
            )
            if gap:
                print(f"note moto {d}: cannot deploy in moto ({text}); checked by cfn-lint only")
            else:
                fail(f"moto {d}: create_stack refused the template: {text}")
            return
        status = cfn.describe_stacks(StackName="vpcd")["Stacks"][0]["StackStatus"]
        if status != "CREATE_COMPLETE":
            fail(f"moto {d}: stack ended in {status}")
            return
        dumps = {
            "Vpcs": ec2.describe_vpcs()["Vpcs"],
            "Subnets": ec2.describe_subnets()["Subnets"],
            "RouteTables": ec2.describe_route_tables()["RouteTables"],
            "SecurityGroups": ec2.describe_security_groups()["SecurityGroups"],
            "NetworkAcls": ec2.describe_network_acls()["NetworkAcls"],
            "InternetGateways": ec2.describe_internet_gateways()["InternetGateways"],
            "NatGateways": ec2.describe_nat_gateways()["NatGateways"],
            "Reservations": ec2.describe_instances()["Reservations"],
        }
        out = os.path.join(root, d, "aws_configs")
        os.makedirs(out, exist_ok=True)
        # For `vpcd import aws` read-back in tests/suite/iac_external.rs: what moto left out.
        with open(os.path.join(root, d, "unsupported.json"), "w") as f:
            json.dump(unsupported, f)
        for key, value in dumps.items():
            with open(os.path.join(out, key + ".json"), "w") as f:
                json.dump({key: value}, f, indent=1, default=str)
        compare(d, expect, dumps, set(unsupported))


def tag(obj, key="Name"):
    for t in obj.get("Tags", []) or []:
        if t.get("Key") == key:
            return t.get("Value")
    return None


def compare(d, expect, dumps, unsupported):
    vpcs = {tag(v): v for v in dumps["Vpcs"] if tag(v)}
    for name, cidr in expect["vpcs"].items():
        if name not in vpcs or vpcs[name]["CidrBlock"] != cidr:
            fail(f"moto {d}: VPC {name} {cidr} missing or different")
    subnets = {tag(s): s for s in dumps["Subnets"] if tag(s)}
    for name, (cidr, az) in expect["subnets"].items():
        s = subnets.get(name)
        if s is None or s["CidrBlock"] != cidr or s["AvailabilityZone"] != az:
            fail(f"moto {d}: subnet {name} {cidr} {az} missing or different")
    # Every route of the design, by destination, in a table of the right VPC.
    routes = set()
    for rt in dumps["RouteTables"]:
        for r in rt.get("Routes", []):
            dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId")
            routes.add((rt["VpcId"], dest))
    vpc_ids = {name: v["VpcId"] for name, v in vpcs.items()}
    checked = [r for r in expect["routes"] if r[2] not in unsupported and "AWS::EC2::Route" not in unsupported]
    for vpc, dest, _ in checked:
        if (vpc_ids.get(vpc), dest) not in routes:
            fail(f"moto {d}: route to {dest} in VPC {vpc} missing")
    groups = {tag(g): g for g in dumps["SecurityGroups"] if tag(g)}
    for name, (n_in, n_out) in expect["security_groups"].items():
        g = groups.get(name)
        if g is None:
            fail(f"moto {d}: security group {name} missing")
            continue
        got_in = sum(max(1, len(p.get("IpRanges", [])) + len(p.get("Ipv6Ranges", [])) + len(p.get("UserIdGroupPairs", [])) + len(p.get("PrefixListIds", []))) for p in g["IpPermissions"])
        if got_in != n_in:
            fail(f"moto {d}: security group {name} has {got_in} inbound rules, the design {n_in}")
    acls = {tag(a): a for a in dumps["NetworkAcls"] if tag(a)}
    acl_checks = {} if "AWS::EC2::NetworkAcl" in unsupported else expect["network_acls"]
    for name, n in acl_checks.items():
        a = acls.get(name)
        if a is None:
            fail(f"moto {d}: network ACL {name} missing")
            continue
        got = len([e for e in a["Entries"] if e["RuleNumber"] != 32767])
        if got != n:
            fail(f"moto {d}: network ACL {name} has {got} entries, the design {n}")
    print(f"ok   moto deployed {d}: {len(expect['subnets'])} subnets, {len(checked)} routes, {len(groups)} security groups, {len(acl_checks)} network ACLs checked")


def main():
    root = sys.argv[1]
    designs = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n)))
    warnings.simplefilter("ignore")
    check_hcl(root, designs)
    check_cfn_lint(root, designs)
    for d in designs:
        with open(os.path.join(root, d, "expect.json")) as f:
            expect = json.load(f)
        if expect.get("moto", True):
            deploy(root, d, expect)
    if failures:
        print(f"{len(failures)} checks failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
