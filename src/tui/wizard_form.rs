//! The "VPC and more" wizard form: like the AWS console's wizard, every
//! choice is a picker or a toggle (plus the name and the VPC CIDR, validated as
//! you type), and the right-hand side previews what would be created — a summary
//! of subnets with their CIDRs, NAT gateways, the estimated monthly cost and the
//! validation result, above the library's diagram of the generated design.
//!
//! The form only builds the design ([`crate::create::vpc_wizard::generate`]); the app
//! replaces the workspace with it, through the same unsaved-changes guard as
//! "New from template".

use ipnet::Ipv4Net;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::keymap::Action;
use super::panes::{fit, framed};
use super::preview;
use super::theme::Theme;
use crate::cost::{self, PriceTable};
use crate::create::vpc_wizard::{self, NatMode, Tier, WizardOptions};
use crate::model::Design;
use crate::validate::{self, Severity};

/// One row of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Cidr,
    Azs,
    Tier(Tier),
    Nat,
    S3,
    DynamoDb,
    Ipv6,
    DnsSupport,
    DnsHostnames,
    Baseline,
}

/// The rows, top to bottom.
pub const FIELDS: [Field; 14] = [
    Field::Name,
    Field::Cidr,
    Field::Azs,
    Field::Tier(Tier::Public),
    Field::Tier(Tier::Private),
    Field::Tier(Tier::Database),
    Field::Tier(Tier::Intra),
    Field::Nat,
    Field::S3,
    Field::DynamoDb,
    Field::Ipv6,
    Field::DnsSupport,
    Field::DnsHostnames,
    Field::Baseline,
];

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Cidr => "VPC CIDR",
            Field::Azs => "AZs",
            Field::Tier(Tier::Public) => "public subnets",
            Field::Tier(Tier::Private) => "private subnets",
            Field::Tier(Tier::Database) => "database subnets",
            Field::Tier(Tier::Intra) => "intra subnets",
            Field::Nat => "NAT gateways",
            Field::S3 => "S3 endpoint",
            Field::DynamoDb => "DynamoDB endpoint",
            Field::Ipv6 => "IPv6 + EIGW",
            Field::DnsSupport => "DNS resolution",
            Field::DnsHostnames => "DNS hostnames",
            Field::Baseline => "tier SGs + NACLs",
        }
    }

    fn is_text(self) -> bool {
        matches!(self, Field::Name | Field::Cidr)
    }
}

/// What a key did to the form.
#[derive(Debug)]
pub enum Outcome {
    /// The form stays open.
    Open,
    Cancelled,
    /// Enter on a valid form: the design to start from.
    Create(Box<Design>),
}

/// What the current choices would create.
#[derive(Debug, Clone)]
struct Preview {
    design: Design,
    monthly_usd: f64,
    errors: usize,
    /// The codes of the warnings (e.g. `single-nat-multi-az`), each once.
    warnings: Vec<&'static str>,
    /// Resilience against cost: the library's what-ifs for the design (NAT per AZ or single, S3 endpoint).
    what_ifs: Vec<cost::WhatIf>,
}

pub struct WizardForm {
    pub title: String,
    name: String,
    cidr: String,
    opts: WizardOptions,
    cursor: usize,
    prices: PriceTable,
    /// The generated design, or why the choices cannot be generated.
    preview: Result<Preview, String>,
    /// Why Enter did not create (cleared by the next change).
    refused: Option<String>,
}

impl WizardForm {
    /// The console's defaults: 10.0.0.0/16, two AZs, public and private
    /// subnets, one NAT gateway, DNS on, baseline SGs and NACLs.
    pub fn new(region: &str) -> Self {
        let opts = WizardOptions {
            region: region.to_string(),
            ..WizardOptions::default()
        };
        let mut form = WizardForm {
            title: "new VPC and more (wizard)".into(),
            name: opts.name.clone(),
            cidr: opts.cidr.to_string(),
            opts,
            cursor: 0,
            prices: PriceTable::builtin(),
            preview: Err(String::new()),
            refused: None,
        };
        form.regenerate();
        form
    }

    /// The focused row.
    pub fn focused(&self) -> Field {
        FIELDS[self.cursor.min(FIELDS.len() - 1)]
    }

    /// The design the current choices create, if they are valid.
    pub fn design(&self) -> Option<&Design> {
        self.preview.as_ref().ok().map(|p| &p.design)
    }

    /// Why the CIDR as typed is not usable (shown under the field).
    fn cidr_problem(&self) -> Option<String> {
        match self.cidr.trim().parse::<Ipv4Net>() {
            Err(_) => Some("not an IPv4 CIDR (like 10.0.0.0/16)".to_string()),
            Ok(net) if net.addr() != net.network() => {
                Some(format!("host bits set: did you mean {}? (CIDR-2)", net.trunc()))
            }
            Ok(net) if !crate::model::limits::hard::IPV4_BLOCK_PREFIX_LENS.contains(&net.prefix_len()) => Some(
                format!("a VPC CIDR is /16 to /28 (VPC-1); this is a /{}", net.prefix_len()),
            ),
            Ok(_) => None,
        }
    }

    fn regenerate(&mut self) {
        self.refused = None;
        self.opts.name = self.name.trim().to_string();
        if let Some(problem) = self.cidr_problem() {
            self.preview = Err(format!("the VPC CIDR: {problem}"));
            return;
        }
        if let Ok(net) = self.cidr.trim().parse::<Ipv4Net>() {
            self.opts.cidr = net;
        }
        self.preview = vpc_wizard::generate(&self.opts)
            .map(|design| {
                let found = validate::validate(&design);
                let mut warnings: Vec<&'static str> = found
                    .iter()
                    .filter(|f| f.severity == Severity::Warning)
                    .map(|f| f.code)
                    .collect();
                warnings.dedup();
                Preview {
                    monthly_usd: cost::estimate(&design, &self.prices).total_monthly_usd,
                    what_ifs: cost::what_ifs(&design, &self.prices),
                    errors: found.iter().filter(|f| f.severity == Severity::Error).count(),
                    warnings,
                    design,
                }
            })
            .map_err(|e| e.to_string());
    }

    /// One key: `action` is its meaning in the form keymap context.
    pub fn handle(&mut self, action: Option<Action>, ev: KeyEvent) -> Outcome {
        let field = self.focused();
        match action {
            Some(Action::Cancel) => return Outcome::Cancelled,
            Some(Action::NextField) => self.cursor = (self.cursor + 1) % FIELDS.len(),
            Some(Action::PrevField) => self.cursor = (self.cursor + FIELDS.len() - 1) % FIELDS.len(),
            Some(Action::Left) => self.change(field, false),
            Some(Action::Right) => self.change(field, true),
            Some(Action::Submit) => return self.submit(),
            _ => self.input(field, ev),
        }
        Outcome::Open
    }

    fn submit(&mut self) -> Outcome {
        match &self.preview {
            Ok(p) if p.errors == 0 => Outcome::Create(Box::new(p.design.clone())),
            Ok(p) => {
                self.refused = Some(format!("not created: the design has {} validation errors", p.errors));
                Outcome::Open
            }
            Err(e) => {
                self.refused = Some(format!("not created: {e}"));
                Outcome::Open
            }
        }
    }

    /// Typing: text into the name and CIDR fields; Space or a digit on pickers and toggles.
    fn input(&mut self, field: Field, ev: KeyEvent) {
        if ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
            return;
        }
        match (field, ev.code) {
            (Field::Name, KeyCode::Char(c)) if c.is_ascii_alphanumeric() || "-_.".contains(c) => {
                self.name.push(c);
            }
            (Field::Cidr, KeyCode::Char(c)) if c.is_ascii_digit() || c == '.' || c == '/' => {
                self.cidr.push(c);
            }
            (Field::Name, KeyCode::Backspace) => {
                self.name.pop();
            }
            (Field::Cidr, KeyCode::Backspace) => {
                self.cidr.pop();
            }
            (Field::Azs, KeyCode::Char(c @ '1'..='4')) => self.opts.azs = c as u8 - b'0',
            (f, KeyCode::Char(' ')) if !f.is_text() => {
                self.change(f, true);
                return;
            }
            _ => return,
        }
        self.regenerate();
    }

    /// Left/Right (and Space): the previous/next choice of a picker, or flips a toggle.
    fn change(&mut self, field: Field, forward: bool) {
        let o = &mut self.opts;
        match field {
            Field::Name | Field::Cidr => return,
            Field::Azs => {
                o.azs = if forward { o.azs % 4 + 1 } else { (o.azs + 2) % 4 + 1 };
            }
            Field::Tier(t) => {
                if let Some(i) = o.tiers.iter().position(|x| *x == t) {
                    o.tiers.remove(i);
                } else {
                    o.tiers.push(t);
                    o.tiers.sort();
                }
            }
            Field::Nat => {
                const ORDER: [NatMode; 4] = [NatMode::None, NatMode::Single, NatMode::PerAz, NatMode::Regional];
                let n = ORDER.len();
                let i = ORDER.iter().position(|m| *m == o.nat).unwrap_or(0);
                o.nat = ORDER[if forward { (i + 1) % n } else { (i + n - 1) % n }];
            }
            Field::S3 => o.s3_endpoint = !o.s3_endpoint,
            Field::DynamoDb => o.dynamodb_endpoint = !o.dynamodb_endpoint,
            Field::Ipv6 => o.ipv6 = !o.ipv6,
            Field::DnsSupport => {
                o.dns_support = !o.dns_support;
                // Hostnames need resolution (enableDnsHostnames requires enableDnsSupport).
                if !o.dns_support {
                    o.dns_hostnames = false;
                }
            }
            Field::DnsHostnames => {
                o.dns_hostnames = !o.dns_hostnames;
                if o.dns_hostnames {
                    o.dns_support = true;
                }
            }
            Field::Baseline => o.baseline_security = !o.baseline_security,
        }
        self.regenerate();
    }

    fn value(&self, field: Field) -> String {
        let o = &self.opts;
        let toggle = |on: bool| if on { "[x]" } else { "[ ]" }.to_string();
        match field {
            Field::Name => self.name.clone(),
            Field::Cidr => self.cidr.clone(),
            Field::Azs => format!("◂ {} ▸", o.azs),
            Field::Tier(t) => format!("{} one per AZ", toggle(o.tiers.contains(&t))),
            Field::Nat => format!(
                "◂ {} ▸",
                match o.nat {
                    NatMode::None => "none",
                    NatMode::Single => "single",
                    NatMode::PerAz => "one per AZ",
                    NatMode::Regional => "one regional",
                }
            ),
            Field::S3 => toggle(o.s3_endpoint),
            Field::DynamoDb => toggle(o.dynamodb_endpoint),
            Field::Ipv6 => toggle(o.ipv6),
            Field::DnsSupport => toggle(o.dns_support),
            Field::DnsHostnames => toggle(o.dns_hostnames),
            Field::Baseline => toggle(o.baseline_security),
        }
    }

    /// The preview's summary: counts, cost and validation, then one line per
    /// tier with each AZ's subnet CIDR.
    pub fn summary(&self) -> Vec<String> {
        let p = match &self.preview {
            Ok(p) => p,
            Err(e) => return vec![format!("nothing to create: {e}")],
        };
        let d = &p.design;
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut head = vec![
            plural(d.subnets.len(), "subnet", "subnets"),
            plural(d.nat_gateways.len(), "NAT gateway", "NAT gateways"),
        ];
        if !d.endpoints.is_empty() {
            head.push(plural(d.endpoints.len(), "gateway endpoint", "gateway endpoints"));
        }
        head.push(format!(
            "≈ {}/month ({} list prices)",
            cost::dollars(p.monthly_usd),
            self.prices.region
        ));
        head.push(match (p.errors, p.warnings.len()) {
            (0, 0) => "valid".to_string(),
            (0, _) => format!("valid; warns: {}", p.warnings.join(", ")),
            (e, _) => plural(e, "validation error", "validation errors"),
        });
        let mut out = vec![head.join(" · ")];
        for t in Tier::ALL {
            let cidrs: Vec<String> = d
                .subnets
                .iter()
                .filter(|s| s.tier.as_deref() == Some(t.label()))
                .map(|s| format!("{} {}", s.name, s.cidr))
                .collect();
            if !cidrs.is_empty() {
                out.push(cidrs.join("  "));
            }
        }
        for w in &p.what_ifs {
            // A free change says so in its trade-off.
            let delta = if cost::round_cents(w.delta_monthly_usd) == 0.0 {
                String::new()
            } else {
                format!("{}/month; ", cost::signed_dollars(w.delta_monthly_usd))
            };
            out.push(format!("what if {}: {delta}{}", w.change, w.tradeoff));
        }
        out
    }

    pub fn render(&self, frame: &mut Frame, screen: Rect, theme: &Theme) {
        let area = screen;
        frame.render_widget(Clear, area);
        let inner = framed(frame, area, self.title.clone(), true, theme);
        let form_w = 38.min(inner.width / 2);
        let [left, gap, right] =
            Layout::horizontal([Constraint::Length(form_w), Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        let _ = gap;

        // The form.
        let label_w = 18usize;
        let mut lines: Vec<Line> = Vec::new();
        for (i, f) in FIELDS.iter().enumerate() {
            let focused = i == self.cursor;
            let label = Span::styled(
                format!("{:>w$} ", f.label(), w = label_w - 1),
                if focused { theme.key() } else { theme.normal() },
            );
            let mut value = self.value(*f);
            if focused && f.is_text() {
                value.push('▏');
            }
            let bad = *f == Field::Cidr && self.cidr_problem().is_some();
            let style = if bad {
                theme.error()
            } else if focused {
                theme.selected(true)
            } else {
                theme.normal()
            };
            lines.push(Line::from(vec![
                label,
                Span::styled(fit(&value, usize::from(form_w).saturating_sub(label_w)), style),
            ]));
        }
        lines.push(Line::raw(""));
        if let Some(r) = &self.refused {
            lines.push(Line::styled(r.clone(), theme.error()));
        }
        lines.push(Line::styled(
            "Tab/↑↓ field · ←/→/Space change · Enter creates · Esc cancels",
            theme.dim(),
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), left);

        // The preview: summary, then the diagram.
        let summary = self.summary();
        let summary_style = match &self.preview {
            Ok(p) if p.errors == 0 => theme.normal(),
            _ => theme.error(),
        };
        // Rows the wrapped summary takes, plus its title and a blank row.
        let width = usize::from(right.width.max(1));
        let rows: usize = summary.iter().map(|l| wrapped_rows(l, width)).sum();
        let summary_h = (rows as u16).saturating_add(2).min(right.height / 2);
        let [top, diagram] = Layout::vertical([Constraint::Length(summary_h), Constraint::Min(0)]).areas(right);
        let mut text = vec![Line::styled("preview", theme.title())];
        text.extend(summary.into_iter().map(|s| Line::styled(s, summary_style)));
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), top);
        if let Ok(p) = &self.preview {
            preview::render_design(frame, diagram, &p.design);
        }
    }
}

/// How many rows `text` takes when wrapped at word boundaries to `width` columns.
fn wrapped_rows(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut rows = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        let need = if used == 0 { n } else { used + 1 + n };
        if need <= width {
            used = need;
        } else {
            // The word starts a new row (unless the row is empty) and may itself span rows.
            if used > 0 {
                rows += 1;
            }
            let extra = n.saturating_sub(1) / width;
            rows += extra;
            used = n - extra * width;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn goto(f: &mut WizardForm, field: Field) {
        f.cursor = FIELDS.iter().position(|x| *x == field).unwrap();
    }

    #[test]
    fn wrapped_rows_counts_word_wrapped_lines() {
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("abc def", 7), 1);
        assert_eq!(wrapped_rows("abc def", 6), 2);
        assert_eq!(wrapped_rows("abcdefghij", 4), 3);
    }

    #[test]
    fn defaults_preview_two_azs_public_private_one_nat() {
        let f = WizardForm::new("us-east-1");
        let d = f.design().unwrap();
        assert_eq!(d.subnets.len(), 4);
        assert_eq!(d.nat_gateways.len(), 1);
        assert!(f.summary()[0].starts_with("4 subnets · 1 NAT gateway"));
        // One NAT for two AZs: the what-if prices a second one (730 h × ($0.045 + $0.005 EIP)).
        assert!(f
            .summary()
            .iter()
            .any(|l| l.starts_with("what if one NAT gateway per AZ in main") && l.contains("+$36.50/month")));
    }

    #[test]
    fn a_saving_what_if_shows_an_ascii_minus_as_the_cost_pane_does() {
        let mut f = WizardForm::new("us-east-1");
        goto(&mut f, Field::Nat);
        f.handle(Some(Action::Right), key(KeyCode::Right));
        assert_eq!(f.opts.nat, NatMode::PerAz);
        let summary = f.summary();
        let saving = summary
            .iter()
            .find(|l| l.starts_with("what if") && l.contains("-$"))
            .unwrap_or_else(|| panic!("no saving what-if: {summary:#?}"));
        let Ok(p) = &f.preview else { panic!("no preview") };
        let w = p.what_ifs.iter().find(|w| w.delta_monthly_usd < 0.0).unwrap();
        assert!(saving.contains(&format!("{}/month; ", w.delta())), "{saving}");
        assert!(summary.iter().all(|l| !l.contains('−')), "{summary:#?}");
    }

    #[test]
    fn the_cidr_is_checked_as_typed_and_the_preview_follows() {
        let mut f = WizardForm::new("us-east-1");
        goto(&mut f, Field::Cidr);
        for _ in 0..2 {
            f.handle(None, key(KeyCode::Backspace));
        }
        // "10.0.0.0/" is not a CIDR yet: no design, the field explains.
        assert!(f.design().is_none());
        assert!(f.cidr_problem().unwrap().contains("not an IPv4 CIDR"));
        for c in "20".chars() {
            f.handle(None, key(KeyCode::Char(c)));
        }
        assert_eq!(f.design().unwrap().vpcs[0].cidr.to_string(), "10.0.0.0/20");
        f.cidr = "10.0.0.1/16".into();
        f.regenerate();
        assert!(f.cidr_problem().unwrap().contains("did you mean 10.0.0.0/16"));
        // Letters are not typed into the CIDR.
        f.handle(None, key(KeyCode::Char('x')));
        assert_eq!(f.cidr, "10.0.0.1/16");
    }

    #[test]
    fn pickers_cycle_and_toggles_flip() {
        let mut f = WizardForm::new("us-east-1");
        goto(&mut f, Field::Azs);
        f.handle(Some(Action::Right), key(KeyCode::Right));
        assert_eq!(f.opts.azs, 3);
        f.handle(Some(Action::Left), key(KeyCode::Left));
        f.handle(Some(Action::Left), key(KeyCode::Left));
        assert_eq!(f.opts.azs, 1);
        f.handle(Some(Action::Left), key(KeyCode::Left));
        assert_eq!(f.opts.azs, 4);
        goto(&mut f, Field::Nat);
        f.handle(Some(Action::Right), key(KeyCode::Right));
        assert_eq!(f.opts.nat, NatMode::PerAz);
        assert_eq!(f.design().unwrap().nat_gateways.len(), 4);
        goto(&mut f, Field::Tier(Tier::Database));
        f.handle(None, key(KeyCode::Char(' ')));
        assert_eq!(f.design().unwrap().subnets.len(), 12);
        goto(&mut f, Field::DnsSupport);
        f.handle(None, key(KeyCode::Char(' ')));
        assert!(!f.opts.dns_support && !f.opts.dns_hostnames);
    }

    fn any_key() -> impl proptest::strategy::Strategy<Value = (Option<Action>, KeyEvent)> {
        use proptest::prelude::*;
        prop_oneof![
            Just((Some(Action::NextField), key(KeyCode::Tab))),
            Just((Some(Action::PrevField), key(KeyCode::BackTab))),
            Just((Some(Action::Left), key(KeyCode::Left))),
            Just((Some(Action::Right), key(KeyCode::Right))),
            Just((None, key(KeyCode::Char(' ')))),
            Just((None, key(KeyCode::Backspace))),
            Just((Some(Action::Submit), key(KeyCode::Enter))),
            proptest::char::range('-', '9').prop_map(|c| (None, key(KeyCode::Char(c)))),
            proptest::char::range('a', 'z').prop_map(|c| (None, key(KeyCode::Char(c)))),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever is typed, the form never panics, and Enter only ever creates a
        /// design without validation errors (the preview is exactly what is created).
        #[test]
        fn any_key_sequence_keeps_the_form_consistent(keys in proptest::collection::vec(any_key(), 0..40)) {
            let mut f = WizardForm::new("us-east-1");
            for (action, ev) in keys {
                let previewed = f.design().cloned();
                match f.handle(action, ev) {
                    Outcome::Create(d) => {
                        let errors = validate::validate(&d)
                            .into_iter()
                            .filter(|x| x.severity == Severity::Error)
                            .count();
                        proptest::prop_assert_eq!(errors, 0);
                        proptest::prop_assert_eq!(Some(*d), previewed);
                    }
                    Outcome::Cancelled => proptest::prop_assert!(false, "no Esc was sent"),
                    Outcome::Open => {}
                }
                proptest::prop_assert!(f.cursor < FIELDS.len());
                proptest::prop_assert!((1..=4).contains(&f.opts.azs));
                proptest::prop_assert!(!f.opts.dns_hostnames || f.opts.dns_support);
            }
        }
    }

    #[test]
    fn enter_refuses_choices_that_cannot_be_generated() {
        let mut f = WizardForm::new("us-east-1");
        goto(&mut f, Field::Tier(Tier::Public));
        f.handle(None, key(KeyCode::Char(' ')));
        // A NAT gateway needs a public subnet.
        assert!(f.design().is_none());
        assert!(matches!(
            f.handle(Some(Action::Submit), key(KeyCode::Enter)),
            Outcome::Open
        ));
        assert!(f.refused.as_deref().unwrap_or("").contains("public"));
        goto(&mut f, Field::Nat);
        f.handle(Some(Action::Left), key(KeyCode::Left));
        assert!(matches!(
            f.handle(Some(Action::Submit), key(KeyCode::Enter)),
            Outcome::Create(_)
        ));
    }
}
