//! `vpcd apply DESIGN EDITS.ron [-o OUT] [--format text|json]`
//!
//! Applies a list of edits (`[Put(…), Delete(…)]`, the values exercise
//! solutions use) in order through the workspace, exactly as the designer
//! does, so the rules about the order of operations hold headless too: a route
//! to a target that does not exist is refused when created (but survives as a
//! blackhole when the target is deleted later), a secondary CIDR cannot be
//! added while a peering request is pending, an internet gateway cannot be
//! detached while public addresses are mapped.
//!
//! Exit status: 0 all applied and the design written atomically (to OUT, or
//! back to DESIGN); 1 an edit was refused (which, why, AWS's error code) and
//! nothing is written; 2 bad input (located parse errors, unwritable output).

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::{exit, load_or_report, OutputFormat, Ui};
use crate::edit::Edit;
use crate::model::{Design, RefTarget};
use crate::validate::Diagnostic;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The design file (.ron).
    pub design: PathBuf,
    /// The edits (.ron): a list such as `[Put(Subnet((…))), Delete((kind: NatGateway, name: "nat-b"))]`.
    pub edits: PathBuf,
    /// Write the result here instead of back to DESIGN.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// One applied edit.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedEdit {
    /// 1-based position in the edits file.
    pub index: usize,
    pub summary: String,
    /// Findings the edit introduced (warnings, infos, errors AWS accepts).
    pub new_findings: Vec<Diagnostic>,
}

/// The edit that was refused.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    /// 1-based position in the edits file.
    pub index: usize,
    /// The object the edit is about (`subnet app-b`), or the batch's label.
    pub object: String,
    pub message: String,
    /// The rule that refused it (`route-target-missing`), when one did.
    pub code: Option<&'static str>,
    /// The error code AWS answers the call with.
    pub aws_code: Option<&'static str>,
    pub hint: String,
}

/// What applying an edit list did.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    pub applied: Vec<AppliedEdit>,
    pub total: usize,
    pub refused: Option<Refusal>,
}

/// Parses an edits file: a RON list of [`Edit`] values (`Some(…)` may be omitted).
pub fn parse_edits(text: &str, origin: &str) -> Result<Vec<Edit>, crate::io::DataFileError> {
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    crate::io::parse_data_file(&options, text, origin)
}

/// The object an edit is about, for reports.
fn edit_object(e: &Edit) -> String {
    match e {
        Edit::Put(o) | Edit::Restore { object: o, .. } => format!("{} {}", o.kind().label(), o.name()),
        Edit::Delete(r) | Edit::Rename { target: r, .. } => r.to_string(),
        Edit::SetInfo(_) => "design".into(),
        Edit::Batch { label, .. } => format!("batch `{label}`"),
        Edit::SetTraces(_) => "remembered traces".into(),
        Edit::SetAccounts(_) => "accounts".into(),
    }
}

/// Applies `edits` in order to `design` through one [`Workspace`]. Stops at the
/// first refused edit; the workspace then holds the design as it was before
/// that edit (the caller writes nothing).
pub fn apply_edits(design: Design, edits: Vec<Edit>) -> (Workspace, ApplyReport) {
    let mut ws = Workspace::new(design);
    let total = edits.len();
    let mut report = ApplyReport {
        applied: Vec::new(),
        total,
        refused: None,
    };
    for (i, e) in edits.into_iter().enumerate() {
        let object = edit_object(&e);
        // An edit on an object that does not exist: AWS answers the kind's *.NotFound.
        let missing = match &e {
            Edit::Delete(r) | Edit::Rename { target: r, .. } if ws.design().get(r).is_none() => {
                RefTarget::Object(r.kind).not_found_code()
            }
            _ => None,
        };
        match ws.apply(e) {
            Ok(applied) => report.applied.push(AppliedEdit {
                index: i + 1,
                summary: applied.summary,
                new_findings: applied.new_findings,
            }),
            Err(rejected) => {
                let first = rejected.reasons.first();
                report.refused = Some(Refusal {
                    index: i + 1,
                    object,
                    message: rejected.message.clone(),
                    code: first.map(|r| r.code),
                    aws_code: first.and_then(|r| r.aws_code).or(missing),
                    hint: first.map(|r| r.hint.clone()).unwrap_or_default(),
                });
                break;
            }
        }
    }
    (ws, report)
}

pub fn run(args: &ApplyArgs, ui: &Ui) -> u8 {
    let design = match load_or_report(&args.design, ui) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let origin = args.edits.display().to_string();
    let edits = match crate::io::read_data_file(&args.edits).and_then(|t| parse_edits(&t, &origin)) {
        Ok(e) => e,
        Err(e) => {
            ui.error(e);
            return exit::BAD_INPUT;
        }
    };
    let (ws, report) = apply_edits(design, edits);
    let out_path: &Path = args.out.as_deref().unwrap_or(&args.design);
    let mut written = None;
    if report.refused.is_none() {
        if let Err(e) = crate::io::save(out_path, ws.design()) {
            ui.error(e);
            return exit::BAD_INPUT;
        }
        written = Some(out_path.display().to_string());
    }
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({
                "design": args.design.display().to_string(),
                "edits": origin,
                "total": report.total,
                "applied": report.applied,
                "refused": report.refused,
                "written": written,
            });
            ui.json(doc);
        }
        OutputFormat::Text => ui.print(&render_text(&report, written.as_deref())),
    }
    if report.refused.is_some() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// The text report: one line per applied edit (with the findings it
/// introduced), then the refused edit or where the design was written.
pub fn render_text(report: &ApplyReport, written: Option<&str>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for a in &report.applied {
        let _ = writeln!(out, "✓ {:>3}. {}", a.index, a.summary);
        for f in &a.new_findings {
            let _ = writeln!(out, "        {} [{}] {}: {}", f.severity, f.code, f.path, f.message);
        }
    }
    match (&report.refused, written) {
        (Some(r), _) => {
            let code = r.code.map(|c| format!(" [{c}]")).unwrap_or_default();
            let aws = r.aws_code.map(|c| format!(" (AWS: {c})")).unwrap_or_default();
            let _ = writeln!(out, "✗ {:>3}. {}: refused{code}{aws}", r.index, r.object);
            let _ = writeln!(out, "        {}", r.message);
            let _ = writeln!(
                out,
                "{} of {} edits applied before it; nothing was written",
                report.applied.len(),
                report.total
            );
        }
        (None, Some(path)) => {
            let _ = writeln!(out, "{} edits applied; written to {path}", report.applied.len());
        }
        (None, None) => {}
    }
    out
}
