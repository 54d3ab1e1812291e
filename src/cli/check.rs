//! `vpcd check FILE [--format text|json]`

use std::path::PathBuf;

use clap::Args;

use super::style::{plural, Palette};
use super::{exit, load_or_report, OutputFormat, Ui};
use crate::validate::{self, Severity};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The design file (.ron).
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Check against AWS's default quotas and report each exceeded one as an
    /// error, as a fresh account would refuse it (quotas are warnings otherwise:
    /// they can be raised).
    #[arg(long)]
    pub strict_quotas: bool,
}

pub fn run(args: &CheckArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.file, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let diags = ui.time("validate", || {
        if args.strict_quotas {
            validate::validate_strict_quotas(&design)
        } else {
            validate::validate(&design)
        }
    });
    // The design's own intents are checked by the same model; one that does
    // not hold makes the check fail like an error does.
    let failing = ui.time("intents", || crate::practice::failing_intents(&design));
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "file": args.file.display().to_string(),
                "errors": errors,
                "warnings": warnings,
                "infos": infos,
                "diagnostics": diags,
                "intents_total": design.intents.len(),
                "failing_intents": failing,
            });
            ui.json(doc);
        }
        OutputFormat::Text => {
            ui.print(&findings_text(&diags, ui.out, !ui.quiet));
            ui.note(summary(&args.file.display().to_string(), &diags));
            if !design.intents.is_empty() {
                for e in &failing {
                    let mark = if e.status == crate::practice::Status::Error {
                        "!"
                    } else {
                        "✗"
                    };
                    ui.line(format!("intent  {} {}: {}", ui.out.error(mark), e.intent, e.reason));
                    if let Some(fix) = &e.fix {
                        ui.line(format!("        fix: {fix}"));
                    }
                }
                ui.note(format!(
                    "intents: {} of {} hold",
                    design.intents.len() - failing.len(),
                    design.intents.len()
                ));
            }
        }
    }
    if errors > 0 || !failing.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// The text report: one line per finding (severity, code, where, what, the AWS
/// error code when AWS refuses it), the hint indented below, then a summary.
#[cfg(test)]
fn render_text(file: &str, diags: &[validate::Diagnostic]) -> String {
    let mut out = findings_text(diags, Palette::PLAIN, true);
    out.push_str(&summary(file, diags));
    out.push('\n');
    out
}

/// One line per finding, its severity in the designer's colour, and (with
/// `hints`) the hint indented below.
pub fn findings_text(diags: &[validate::Diagnostic], pal: Palette, hints: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for d in diags {
        let aws = d.aws_code.map(|c| format!(" (AWS: {c})")).unwrap_or_default();
        let severity = pal.severity(d.severity, &format!("{:<7}", d.severity.to_string()));
        let _ = writeln!(out, "{severity} {:<30} {}: {}{aws}", d.code, d.path, d.message);
        if hints && !d.hint.is_empty() {
            let _ = writeln!(out, "        {} {}", pal.dim("hint:"), d.hint);
        }
    }
    out
}

/// `FILE: 1 error, 0 warnings, 2 infos` (and how many AWS would refuse outright).
pub fn summary(file: &str, diags: &[validate::Diagnostic]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let blocking = diags.iter().filter(|d| d.blocks_edit).count();
    let _ = write!(
        out,
        "{file}: {}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    );
    if blocking > 0 {
        let _ = write!(out, " ({blocking} of the errors AWS would refuse outright)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_report_names_code_aws_error_and_hint() {
        let mut d = crate::create::templates::sample::three_tier();
        d.subnets[0].cidr = "10.9.0.0/24".parse().unwrap();
        let text = render_text("x.ron", &validate::validate(&d));
        assert!(text.contains("subnet-outside-vpc"), "{text}");
        assert!(text.contains("(AWS: InvalidSubnet.Range)"), "{text}");
        assert!(text.contains("hint: choose a block inside 10.0.0.0/16"), "{text}");
        assert!(text.contains("x.ron: 1 error, 0 warnings"), "{text}");
        let clean = render_text(
            "s.ron",
            &validate::validate(&crate::create::templates::sample::three_tier()),
        );
        assert_eq!(clean, "s.ron: 0 errors, 0 warnings, 0 infos\n");
    }

    #[test]
    fn severities_take_the_designers_colours() {
        let mut d = crate::create::templates::sample::three_tier();
        d.subnets[0].cidr = "10.9.0.0/24".parse().unwrap();
        let diags = validate::validate(&d);
        let coloured = findings_text(&diags, Palette { color: true }, true);
        assert!(
            coloured.starts_with("\x1b[1;31merror  \x1b[0m subnet-outside-vpc"),
            "{coloured:?}"
        );
        let plain = findings_text(&diags, Palette::PLAIN, false);
        assert!(!plain.contains('\x1b') && !plain.contains("hint:"), "{plain}");
    }
}
