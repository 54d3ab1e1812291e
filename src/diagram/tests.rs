use super::*;
use crate::create::templates::sample;

fn build(d: &Design, width: u16, charset: Charset, zoom: Zoom) -> Diagram {
    let idx = DesignIndex::new(d);
    let diags = crate::validate::validate_with(d, &idx);
    Diagram::build(d, &idx, &diags, DiagramOptions { width, charset, zoom })
}

fn fixture(name: &str) -> Design {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    match crate::io::load(&path) {
        Ok(d) => d,
        Err(e) => panic!("fixture {name}: {e}"),
    }
}

fn r(kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef::new(kind, name)
}

/// Every cell of `text` that shows the object, as (x, y).
fn cells_of(dg: &Diagram, obj: &ObjectRef) -> Vec<(u16, u16)> {
    let c = &dg.canvas;
    let mut out = Vec::new();
    for y in 0..c.height() {
        for x in 0..c.width() {
            if c.object_at(x, y) == Some(obj) {
                out.push((x, y));
            }
        }
    }
    out
}

#[test]
fn sample_shows_every_subnet_and_interface_with_addresses() {
    let d = sample::three_tier();
    let text = build(&d, 120, Charset::Unicode, Zoom::Detail).to_text();
    for s in &d.subnets {
        assert!(text.contains(&format!("{} {}", s.name, s.cidr)), "{}", s.name);
    }
    for i in &d.instances {
        assert!(text.contains(&i.name), "{}", i.name);
    }
    assert!(text.contains("db-1  10.0.20.10"));
    // The bastion's Elastic IP is shown as its public address.
    assert!(text.contains("bastion    10.0.0.5  3.210.10.3"));
    assert!(text.contains(" public ") && text.contains(" private ") && text.contains(" isolated "));
    assert!(text.contains("igw-shop IGW") && text.contains("internet"));
}

#[test]
fn internet_connects_to_the_igw_junction_on_the_vpc_border() {
    let d = sample::three_tier();
    let dg = build(&d, 120, Charset::Unicode, Zoom::Detail);
    let igw = r(ObjectKind::InternetGateway, "igw-shop");
    // The connector belongs to the IGW and ends in a ┴ junction on the VPC's top border.
    let cells = cells_of(&dg, &igw);
    assert!(cells.iter().any(|(x, y)| dg.canvas.char_at(*x, *y) == '┴'));
    assert!(cells.iter().any(|(x, y)| dg.canvas.char_at(*x, *y) == '┬'));
}

#[test]
fn az_dividers_meet_the_vpc_border_with_tee_junctions() {
    let text = build(&sample::three_tier(), 120, Charset::Unicode, Zoom::Detail).to_text();
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.starts_with("┌─ VPC shop"))
        .unwrap_or(usize::MAX);
    let bottom = lines.iter().rposition(|l| l.starts_with('└')).unwrap_or(0);
    assert!(lines[top].contains('┬'));
    assert!(lines[bottom].contains('┴'));
}

#[test]
fn ascii_fallback_has_no_unicode() {
    for d in [sample::three_tier(), fixture("hub-and-spokes.ron")] {
        for zoom in [Zoom::Detail, Zoom::Summary] {
            let text = build(&d, 100, Charset::Ascii, zoom).to_text();
            assert!(text.is_ascii(), "{text}");
            assert!(text.contains("+- VPC"));
        }
    }
}

#[test]
fn no_row_is_wider_than_asked() {
    for d in [sample::three_tier(), fixture("hub-and-spokes.ron")] {
        for width in [40u16, 61, 80, 97, 120, 160] {
            for zoom in [Zoom::Detail, Zoom::Summary] {
                let dg = build(&d, width, Charset::Unicode, zoom);
                for line in dg.to_text().lines() {
                    assert!(line.chars().count() <= usize::from(width), "{width}: {line}");
                }
            }
        }
    }
}

#[test]
fn cells_know_their_objects_and_rects_cover_them() {
    let d = sample::three_tier();
    let dg = build(&d, 120, Charset::Unicode, Zoom::Detail);
    let db1 = r(ObjectKind::Instance, "db-1");
    let rect = dg.rect_of(&db1).unwrap_or_default();
    assert_eq!(dg.object_at(rect.x + 2, rect.y), Some(&db1));
    let row = dg.canvas.row(rect.y);
    assert!(row.contains("db-1  10.0.20.10"));
    // The subnet's rect holds the instance's.
    let dba = dg.rect_of(&r(ObjectKind::Subnet, "db-a")).unwrap_or_default();
    assert_eq!(dba.union(&rect), dba);
    // Not drawn objects are located through what stands for them.
    let idx = DesignIndex::new(&d);
    assert_eq!(
        dg.locate(&d, &idx, &r(ObjectKind::RouteTable, "rt-db")),
        dg.rect_of(&r(ObjectKind::Subnet, "db-a"))
    );
    assert_eq!(dg.locate(&d, &idx, &r(ObjectKind::SecurityGroup, "sg-db")), Some(rect));
    let summary = build(&d, 120, Charset::Unicode, Zoom::Summary);
    assert_eq!(
        summary.locate(&d, &idx, &db1),
        summary.rect_of(&r(ObjectKind::Vpc, "shop"))
    );
}

#[test]
fn objects_with_findings_get_markers() {
    let d = sample::three_tier();
    let idx = DesignIndex::new(&d);
    let finding = |severity, obj: ObjectRef| Diagnostic {
        severity,
        code: "test-finding",
        object: Some(obj),
        path: String::new(),
        message: String::new(),
        hint: String::new(),
        aws_code: None,
        blocks_edit: false,
    };
    let diags = vec![
        finding(Severity::Warning, r(ObjectKind::NatGateway, "nat-a")),
        finding(Severity::Error, r(ObjectKind::Subnet, "db-b")),
        finding(Severity::Warning, r(ObjectKind::Subnet, "db-b")),
        finding(Severity::Info, r(ObjectKind::Instance, "web-1")),
    ];
    let dg = Diagram::build(&d, &idx, &diags, DiagramOptions::default());
    let markers = dg.canvas.markers();
    assert_eq!(markers.len(), 2, "{markers:?}");
    let nat = markers.iter().find(|m| m.object.name == "nat-a");
    let Some(nat) = nat else { panic!("{markers:?}") };
    assert_eq!(
        (dg.canvas.char_at(nat.x, nat.y), nat.severity),
        ('!', Severity::Warning)
    );
    assert!(dg.canvas.row(nat.y).contains("│ │!nat-a NAT"));
    // The worst finding wins.
    let db = markers.iter().find(|m| m.object.name == "db-b");
    let Some(db) = db else { panic!("{markers:?}") };
    assert_eq!((dg.canvas.char_at(db.x, db.y), db.severity), ('✗', Severity::Error));
    assert!(dg.canvas.row(db.y).contains("✗ db-b 10.0.21.0/24"));
    let ascii = Diagram::build(
        &d,
        &idx,
        &diags,
        DiagramOptions {
            charset: Charset::Ascii,
            ..Default::default()
        },
    );
    assert!(ascii.to_text().contains("X db-b 10.0.21.0/24"));
}

#[test]
fn peering_and_transit_gateway_lanes_join_their_vpcs() {
    let d = fixture("hub-and-spokes.ron");
    let dg = build(&d, 120, Charset::Unicode, Zoom::Detail);
    let text = dg.to_text();
    let pcx = r(ObjectKind::Peering, "pcx-hub-dev");
    let cells = cells_of(&dg, &pcx);
    // Two stubs: one starts on hub's border, one on dev's, joined by a lane (┐ … ┘).
    let corners: Vec<char> = cells
        .iter()
        .map(|(x, y)| dg.canvas.char_at(*x, *y))
        .filter(|c| matches!(c, '┐' | '┘'))
        .collect();
    assert_eq!(corners, ['┐', '┘'], "{text}\n{cells:?}");
    let tgw = r(ObjectKind::TransitGateway, "tgw-core");
    let tees = cells_of(&dg, &tgw)
        .iter()
        .filter(|(x, y)| dg.canvas.char_at(*x, *y) == '┤')
        .count();
    // hub (top, ┐), prod and shared (┤), and the VPN tail below continues the lane.
    assert!(tees >= 2, "{text}");
    assert!(text.contains("datacenter 172.16.0.0/12") && text.contains("via vpn-dc VPN 1/2 up"));
    assert!(text.contains("via vpn-office VPN 2/2 up") && text.contains("via dx-nyc DX up"));
    assert!(text.contains("vgw-hub VGW") && text.contains("vpce-s3 VPCE s3"));
}

#[test]
fn summary_zoom_draws_one_box_per_vpc_with_counts() {
    let d = fixture("hub-and-spokes.ron");
    let text = build(&d, 120, Charset::Unicode, Zoom::Summary).to_text();
    assert!(text.contains("3 subnets in 3 AZs: 3 private"), "{text}");
    assert!(text.contains("1 subnet in 1 AZ: 1 private"), "{text}");
    assert!(!text.contains("api-1"));
}

#[test]
fn cache_rebuilds_only_when_layout_revision_options_or_markers_change() {
    let d = sample::three_tier();
    let idx = DesignIndex::new(&d);
    let mut cache = DiagramCache::new();
    let opts = DiagramOptions::default();
    let h1 = cache.get(1, 1, &d, &idx, &[], opts).canvas.height();
    cache.get(1, 1, &d, &idx, &[], opts);
    assert_eq!(cache.layouts(), 1);
    // A new revision with the same layout revision and markers: no relayout.
    cache.get(2, 1, &d, &idx, &[], opts);
    assert_eq!(cache.layouts(), 1);
    let summary = DiagramOptions {
        zoom: Zoom::Summary,
        ..opts
    };
    let h2 = cache.get(2, 1, &d, &idx, &[], summary).canvas.height();
    assert!(h2 < h1);
    assert_eq!(cache.layouts(), 2);
    // Markers changed (a warning on an instance): drawn again, with its marker.
    let warn = crate::validate::Diagnostic {
        severity: Severity::Warning,
        code: "test",
        object: Some(ObjectRef::new(crate::model::ObjectKind::Instance, "web-1")),
        path: String::new(),
        message: String::new(),
        hint: String::new(),
        aws_code: None,
        blocks_edit: false,
    };
    let marked = cache.get(3, 1, &d, &idx, std::slice::from_ref(&warn), opts).clone();
    assert_eq!(cache.layouts(), 3);
    assert_eq!(marked, Diagram::build(&d, &idx, std::slice::from_ref(&warn), opts));
    let mut d2 = d.clone();
    d2.instances.retain(|i| i.name != "db-1");
    let idx2 = DesignIndex::new(&d2);
    assert!(!cache.get(4, 4, &d2, &idx2, &[], opts).to_text().contains("db-1"));
    assert_eq!(cache.layouts(), 4);
}

#[test]
fn empty_design_says_so() {
    let d = Design::default();
    let text = build(&d, 80, Charset::Unicode, Zoom::Detail).to_text();
    assert_eq!(text, "(this design has no VPCs)\n");
}

/// Design files are the .ron files whose first lines say `format:` (as in tests/suite/assets_check.rs).
fn is_design_file(p: &std::path::Path) -> bool {
    std::fs::read_to_string(p).is_ok_and(|t| t.lines().take(5).any(|l| l.trim_start().starts_with("format:")))
}

/// Every design file shipped in assets/ (sample and templates, as they
/// arrive): the top-left window at 120×40 and 80×24, kept as snapshots, and
/// ASCII output that is pure ASCII.
#[test]
fn every_asset_design_draws_at_120x40_and_80x24() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ron") && is_design_file(&p) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty());
    for p in files {
        let d = match crate::io::load(&p) {
            Ok(d) => d,
            Err(e) => panic!("{}: {e}", p.display()),
        };
        let rel = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
        let slug = rel.trim_end_matches(".ron").replace(['/', '\\'], "__");
        for (w, h) in [(120u16, 40u16), (80, 24)] {
            let dg = build(&d, w, Charset::Unicode, Zoom::Detail);
            for v in &d.vpcs {
                assert!(dg.rect_of(&r(ObjectKind::Vpc, &v.name)).is_some(), "{rel}");
            }
            let lines = Viewport::new(w, h).lines(&dg.canvas);
            let window: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
            let window = window.join("\n");
            insta::assert_snapshot!(format!("{slug}_{w}x{h}"), window);
            assert!(build(&d, w, Charset::Ascii, Zoom::Detail).to_text().is_ascii());
        }
    }
}

/// A drawing depends on the markers of the objects it draws only: a new
/// finding on a security group (never drawn) or, zoomed out, on an instance
/// (drawn only as its VPC's count) keeps the drawing, and it still equals a
/// fresh layout; a finding on a drawn object lays it out again.
#[test]
fn cache_keeps_the_drawing_when_only_undrawn_objects_get_markers() {
    let d = sample::three_tier();
    let idx = DesignIndex::new(&d);
    let on = |kind: ObjectKind, name: &str| crate::validate::Diagnostic {
        severity: Severity::Warning,
        code: "test",
        object: Some(ObjectRef::new(kind, name)),
        path: String::new(),
        message: String::new(),
        hint: String::new(),
        aws_code: None,
        blocks_edit: false,
    };
    let sg = [on(ObjectKind::SecurityGroup, &d.security_groups[0].name)];
    let instance = [on(ObjectKind::Instance, "web-1")];
    let summary = DiagramOptions {
        zoom: Zoom::Summary,
        ..DiagramOptions::default()
    };
    for opts in [DiagramOptions::default(), summary] {
        let mut cache = DiagramCache::new();
        cache.get(1, 1, &d, &idx, &[], opts);
        let kept = cache.get(2, 1, &d, &idx, &sg, opts).clone();
        assert_eq!(cache.layouts(), 1);
        assert_eq!(kept, Diagram::build(&d, &idx, &sg, opts));
        let marked = cache.get(3, 1, &d, &idx, &instance, opts).clone();
        let expected_layouts = if opts.zoom == Zoom::Summary { 1 } else { 2 };
        assert_eq!(cache.layouts(), expected_layouts, "{:?}", opts.zoom);
        assert_eq!(marked, Diagram::build(&d, &idx, &instance, opts));
    }
}

fn template(name: &str) -> Design {
    crate::create::templates::find(name).map(|t| t.design()).unwrap()
}

/// PrivateLink joins the consumer's VPC to the provider's (a lane like a
/// peering's, labelled with the endpoint service), though nothing is routed
/// between them.
#[test]
fn an_endpoint_service_links_its_provider_and_consumer_vpcs() {
    let d = template("privatelink-service");
    let dg = build(&d, 160, Charset::Unicode, Zoom::Detail);
    let text = dg.to_text();
    assert!(text.contains("svc-orders PrivateLink"), "{text}");
    let svc = r(ObjectKind::EndpointService, "svc-orders");
    assert!(!cells_of(&dg, &svc).is_empty(), "{text}");
    let dot = dot::to_dot(&d, &DesignIndex::new(&d));
    assert!(dot.contains("PrivateLink"), "{dot}");
}

/// In the transit VPC pattern a spoke's VPN ends on the hub's software VPN
/// instance: a link between the two VPCs, not a way to on-premises.
#[test]
fn a_spoke_vpn_to_a_software_vpn_instance_links_the_two_vpcs() {
    let d = template("transit-vpc");
    let text = build(&d, 160, Charset::Unicode, Zoom::Detail).to_text();
    let dg = build(&d, 160, Charset::Unicode, Zoom::Detail);
    assert!(text.contains(" vpn-spoke-a VPN "), "{text}");
    assert!(!text.contains("via vpn-spoke-a"), "{text}");
    // The lane joins the spoke's VPC box and the hub's.
    let vpn = r(ObjectKind::VpnConnection, "vpn-spoke-a");
    let rows: Vec<u16> = cells_of(&dg, &vpn).into_iter().map(|(_, y)| y).collect();
    let (top, bottom) = (*rows.iter().min().unwrap(), *rows.iter().max().unwrap());
    let line = |name: &str| text.lines().position(|l| l.contains(name)).unwrap() as u16;
    let (transit, spoke_a, spoke_b) = (line("VPC transit"), line("VPC spoke-a"), line("VPC spoke-b"));
    assert!(top > transit && top < spoke_a, "{text}");
    assert!(bottom > spoke_a && bottom < spoke_b, "{text}");
}

/// VPC User Guide, "Subnet types": a subnet whose routes leave the VPC (here
/// its internet traffic through a Gateway Load Balancer endpoint) is not
/// isolated.
#[test]
fn a_subnet_routed_through_a_gwlb_endpoint_is_not_labelled_isolated() {
    let d = template("gwlb-inspection");
    let idx = DesignIndex::new(&d);
    for s in d.subnets.iter().filter(|s| s.name.starts_with("web-")) {
        assert_eq!(idx.subnet_kind(&d, s), SubnetKind::Private, "{}", s.name);
    }
}

/// The row of the drawing inside a subnet's box that starts with `text`.
fn route_row<'a>(text: &'a str, subnet: &str, arrow_text: &str) -> Option<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let top = lines.iter().position(|l| l.contains(&format!("─ {subnet} ")))?;
    lines[top + 1..]
        .iter()
        .take_while(|l| !l.contains("└─"))
        .find(|l| l.contains(arrow_text))
        .copied()
}

/// VPC User Guide, "Route tables" and "Subnet types": every subnet shows its
/// routes out of the VPC — a public subnet's default route to the internet
/// gateway, a private subnet's to its AZ's NAT gateway and on to the internet
/// gateway — while an isolated subnet has none; the route arrows belong to
/// the subnet (clicking one selects it) and are recorded for the TUI.
#[test]
fn subnets_show_their_routes_to_gateways_with_destinations() {
    let d = sample::three_tier();
    let dg = build(&d, 120, Charset::Unicode, Zoom::Detail);
    let text = dg.to_text();
    assert!(
        route_row(&text, "pub-a", "0.0.0.0/0 ─► igw-shop IGW").is_some(),
        "{text}"
    );
    assert!(
        route_row(&text, "app-a", "0.0.0.0/0 ─► nat-a NAT ─► igw-shop IGW").is_some(),
        "{text}"
    );
    assert!(
        route_row(&text, "app-b", "0.0.0.0/0 ─► nat-b NAT ─► igw-shop IGW").is_some(),
        "{text}"
    );
    assert!(route_row(&text, "db-a", "─►").is_none(), "{text}");
    let marks = dg.canvas.routes();
    let app_a = marks
        .iter()
        .find(|m| m.subnet == r(ObjectKind::Subnet, "app-a"))
        .unwrap_or_else(|| panic!("{marks:?}"));
    assert_eq!(
        app_a.targets,
        [
            r(ObjectKind::NatGateway, "nat-a"),
            r(ObjectKind::InternetGateway, "igw-shop")
        ]
    );
    assert_eq!(dg.object_at(app_a.x, app_a.y), Some(&r(ObjectKind::Subnet, "app-a")));
    // ASCII draws the same arrow with plain characters.
    let ascii = build(&d, 120, Charset::Ascii, Zoom::Detail).to_text();
    assert!(ascii.contains("0.0.0.0/0 -> nat-a NAT -> igw-shop IGW"), "{ascii}");
    // Zoomed out there are no subnet boxes and no arrows.
    assert!(build(&d, 120, Charset::Unicode, Zoom::Summary)
        .canvas
        .routes()
        .is_empty());
}

/// Narrow boxes shorten the arrow (no tags, no onward hop, then no
/// destination) rather than cutting the target's name.
#[test]
fn narrow_subnet_boxes_shorten_route_arrows() {
    let d = sample::three_tier();
    let wide = build(&d, 120, Charset::Unicode, Zoom::Detail).to_text();
    for width in [40u16, 50, 61, 80] {
        let text = build(&d, width, Charset::Unicode, Zoom::Detail).to_text();
        let row = route_row(&text, "app-a", "─►").unwrap_or_else(|| panic!("{width}:\n{text}"));
        assert!(row.contains("nat-a"), "{width}: {row}");
        assert!(row.chars().count() <= usize::from(width), "{width}: {row}");
    }
    let narrow = build(&d, 40, Charset::Unicode, Zoom::Detail).to_text();
    assert!(route_row(&narrow, "app-a", "─► nat-a").is_some(), "{narrow}");
    assert!(!narrow.contains("0.0.0.0/0 ─► nat-a NAT ─► igw-shop IGW"), "{narrow}");
    assert!(wide.contains("0.0.0.0/0 ─► nat-a NAT ─► igw-shop IGW"));
}

/// Gateway endpoints add prefix-list routes (VPC User Guide, "Gateway
/// endpoints"), transit gateways and peerings carry CIDR routes (Transit
/// Gateway Guide, "Transit gateway route tables"; VPC Peering Guide, "Update
/// your route tables for a VPC peering connection"): each is an arrow.
#[test]
fn endpoint_transit_and_peering_routes_are_arrows_too() {
    let text = build(&template("gateway-endpoints"), 160, Charset::Unicode, Zoom::Detail).to_text();
    assert!(text.contains("pl-s3 ─► "), "{text}");
    let text = build(&template("transit-hub-spoke"), 160, Charset::Unicode, Zoom::Detail).to_text();
    assert!(text.contains("10.0.0.0/8 ─► tgw-hub TGW"), "{text}");
    let text = build(&template("peering-triangle"), 160, Charset::Unicode, Zoom::Detail).to_text();
    assert!(text.contains(" peering"), "{text}");
    assert!(text.lines().any(|l| l.contains("─► pcx")), "{text}");
}
