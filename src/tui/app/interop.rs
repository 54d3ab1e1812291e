//! The ways out and in from the command palette: export Terraform or
//! CloudFormation and write the Markdown report (to a path asked for; all
//! files or none; a file that exists only after a yes), and import a folder
//! of AWS CLI JSON or Terraform as a new design (after the unsaved-changes
//! question every other way of replacing the design asks). Errors read as the
//! CLI's do (`file:line:column: …`) and keep the path prompt open.

use super::*;
use crate::interop::{aws, cloudformation, terraform};

impl FileTask {
    /// The path prompt's title.
    fn prompt(self) -> &'static str {
        match self {
            FileTask::ExportTerraform => {
                "export Terraform: the folder for main.tf, variables.tf, versions.tf, outputs.tf"
            }
            FileTask::ExportCloudFormation => "export CloudFormation: the template to write (YAML)",
            FileTask::WriteReport => "write report: the Markdown file to write",
            FileTask::ImportAws => {
                "import AWS folder: describe-* JSON, then any of --region R --account ID --name N (opens as a new design)"
            }
            FileTask::ImportTerraform => {
                "import Terraform folder: .tf files, then any of --var K=V --var-file F --name N (opens as a new design)"
            }
        }
    }
}

impl App {
    /// Opens the path prompt of a palette file task, prefilled beside the saves.
    pub(super) fn ask_path(&mut self, task: FileTask) {
        let name = self.ws.design().name.clone();
        let saves = &self.opts.saves_dir;
        let default = match task {
            FileTask::ExportTerraform => format!("{}/", saves.join(format!("{name}-terraform")).display()),
            FileTask::ExportCloudFormation => saves.join(format!("{name}.cfn.yaml")).display().to_string(),
            FileTask::WriteReport => saves.join(format!("{name}-report.md")).display().to_string(),
            FileTask::ImportAws | FileTask::ImportTerraform => format!("{}/", saves.display()),
        };
        self.modal = Some(Modal::Form(Box::new(Form::single(
            task.prompt(),
            Purpose::File(task),
            "path",
            &default,
            crate::forms::Check::Path,
        ))));
    }

    /// Runs a palette file task on `path`. An error leaves everything as it
    /// was and is returned for the path prompt to show.
    pub(super) fn run_file_task(&mut self, task: FileTask, path: PathBuf) -> Result<(), String> {
        let d = self.ws.design();
        match task {
            FileTask::ExportTerraform => {
                let out = terraform::export(d);
                let files = out.files.into_iter().map(|(n, text)| (path.join(n), text)).collect();
                self.write_out(files, out.notes)
            }
            FileTask::ExportCloudFormation => {
                let out = cloudformation::export(d);
                self.write_out(vec![(path, out.template)], out.notes)
            }
            FileTask::WriteReport => {
                let text = crate::report::render(d, &crate::report::ReportOptions::default());
                self.write_out(vec![(path, text)], Vec::new())
            }
            FileTask::ImportAws => {
                let (path, flags) = import_args(&path)?;
                let mut opts = aws::ImportOptions::default();
                for (flag, value) in flags {
                    match flag.as_str() {
                        "region" => opts.region = Some(value),
                        "account" => opts.account = Some(value),
                        "name" => opts.name = Some(value),
                        _ => {
                            return Err(format!(
                                "--{flag}: import AWS folder takes --region, --account and --name"
                            ))
                        }
                    }
                }
                let imported = aws::import_paths(std::slice::from_ref(&path), &opts).map_err(|e| e.to_string())?;
                self.offer_import(imported, &path);
                Ok(())
            }
            FileTask::ImportTerraform => {
                let (path, flags) = import_args(&path)?;
                let mut opts = terraform::import::TfOptions::default();
                for (flag, value) in flags {
                    match flag.as_str() {
                        "var" => opts.add_var(&value)?,
                        "var-file" => opts.var_files.push(PathBuf::from(value)),
                        "name" => opts.name = Some(value),
                        _ => {
                            return Err(format!(
                                "--{flag}: import Terraform folder takes --var, --var-file and --name"
                            ))
                        }
                    }
                }
                let imported = terraform::import::import_dir(&path, &opts).map_err(|e| e.to_string())?;
                self.offer_import(imported, &path);
                Ok(())
            }
        }
    }

    /// Writes the files now, or asks first when one of them exists (as the
    /// CLI refuses without `--force`).
    fn write_out(&mut self, files: Vec<(PathBuf, String)>, notes: Vec<String>) -> Result<(), String> {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if existing.is_empty() {
            return self.write_now(&files, &notes);
        }
        self.modal = Some(Modal::Confirm {
            prompt: format!("{} already exist. Overwrite? (y/n)", existing.join(", ")),
            pending: Pending::Write { files, notes },
        });
        Ok(())
    }

    /// Writes every file as one atomic step and names them in the status line.
    pub(super) fn write_now(&mut self, files: &[(PathBuf, String)], notes: &[String]) -> Result<(), String> {
        let staged: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, t)| (p.clone(), t.as_bytes())).collect();
        crate::io::write_all_atomic(&staged).map_err(|e| e.to_string())?;
        let left_out = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({} not exported: {})", notes.len(), notes.join("; "))
        };
        self.status = Status::Info(format!("wrote {}{left_out}", written_names(files)));
        Ok(())
    }

    /// Opens an imported design, after the unsaved-changes question.
    fn offer_import(&mut self, imported: aws::Imported, from: &Path) {
        let summary = import_summary(&imported.report, from);
        let design = Box::new(imported.design);
        if self.ws.is_dirty() {
            self.modal = Some(Modal::Confirm {
                prompt: format!(
                    "Discard unsaved changes to {} and open the design imported from {}? (y/n)",
                    self.design_label(),
                    from.display()
                ),
                pending: Pending::Imported { design, summary },
            });
        } else {
            self.open_imported(*design, summary);
        }
    }

    /// Replaces the design with an imported one, unsaved (Ctrl-s asks where).
    pub(super) fn open_imported(&mut self, design: Design, summary: String) {
        self.remove_recovery();
        self.ws = Workspace::new(design);
        self.leave_practice();
        self.switch_recovery();
        self.selected = None;
        self.after_change();
        if let Some(v) = self.ws.design().vpcs.first() {
            let r = ObjectRef::new(ObjectKind::Vpc, v.name.clone());
            self.select(r);
        }
        self.status = Status::Info(summary);
    }
}

/// "main.tf, variables.tf in out/tf" for files in one folder, else every path.
/// Splits what was typed in an import's path prompt into the folder and the
/// flags `vpcd import aws`/`vpcd import terraform` take after it, as
/// `(flag, value)` pairs: `dump/ --region eu-west-1`, `infra/ --var env=prod`
/// (`--flag=value` too). A path that exists as typed is taken whole, spaces
/// and all.
fn import_args(typed: &Path) -> Result<(PathBuf, Vec<(String, String)>), String> {
    if typed.exists() {
        return Ok((typed.to_path_buf(), Vec::new()));
    }
    let text = typed.to_string_lossy();
    let (path, rest) = match text.find(" --") {
        Some(at) => (text[..at].trim_end(), &text[at..]),
        None => (text.as_ref(), ""),
    };
    let mut flags = Vec::new();
    let mut words = rest.split_whitespace();
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix("--") else {
            return Err(format!("`{word}`: expected a flag such as --region or --var"));
        };
        let (flag, value) = match flag.split_once('=') {
            Some((f, v)) => (f.to_string(), v.to_string()),
            None => {
                let value = words.next().ok_or_else(|| format!("--{flag} needs a value"))?;
                (flag.to_string(), value.to_string())
            }
        };
        flags.push((flag, value));
    }
    Ok((PathBuf::from(path), flags))
}

fn written_names(files: &[(PathBuf, String)]) -> String {
    let dirs: Vec<Option<&Path>> = files.iter().map(|(p, _)| p.parent()).collect();
    let one_dir = dirs
        .first()
        .copied()
        .flatten()
        .filter(|d| dirs.iter().all(|x| *x == Some(*d)));
    match one_dir {
        Some(dir) if files.len() > 1 => {
            let names: Vec<String> = files
                .iter()
                .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            format!("{} in {}", names.join(", "), dir.display())
        }
        _ => files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The status line after an import: what came in, what did not, and that it
/// is not saved yet.
fn import_summary(r: &aws::Report, from: &Path) -> String {
    let source = if r.source.is_empty() { "AWS" } else { &r.source };
    let objects: usize = r.imported.values().sum();
    format!(
        "imported {objects} objects from {source} ({}, Region {}): {} skipped, {} approximated, {} errors; \
         not saved yet: Ctrl-s saves it",
        from.display(),
        r.region,
        r.skipped.len(),
        r.approximated.len(),
        r.errors.len()
    )
}
