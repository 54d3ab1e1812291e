//! The ways out and in from the command palette: export Terraform and
//! CloudFormation, write the report, import a folder of AWS JSON or of
//! Terraform — a path prompt, a result naming the files, the CLI's errors,
//! nothing partial written and no unsaved work lost.

use crate::tui_support;

use std::path::Path;

use tui_support::Harness;
use vpcd::create::templates::sample;

fn sample_at(dir: &Path) -> Harness {
    Harness::new(sample::three_tier(), dir, 80, 24)
}

/// Runs a palette command and answers its path prompt.
fn run(h: &mut Harness, command: &str, path: &Path) {
    h.keys(":").keys(command).keys("<enter>");
    let title = h.app.modal_title().unwrap_or_default();
    assert!(title.contains(command.split(' ').next().unwrap_or("")), "{title}");
    h.keys("<c-u>").keys(&path.display().to_string()).keys("<enter>");
}

fn status(h: &Harness) -> String {
    match &h.app.status {
        vpcd::tui::app::Status::Info(s) | vpcd::tui::app::Status::Error(s) => s.clone(),
    }
}

#[test]
fn export_terraform_writes_the_four_files_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path());
    let out = dir.path().join("tf");
    run(&mut h, "export Terraform", &out);
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let expected = vpcd::interop::terraform::export(h.app.ws.design());
    for (name, text) in &expected.files {
        assert_eq!(&std::fs::read_to_string(out.join(name)).unwrap(), text, "{name}");
    }
    let s = status(&h);
    assert!(
        s.starts_with(&format!(
            "wrote main.tf, variables.tf, versions.tf, outputs.tf in {}",
            out.display()
        )),
        "{s}"
    );
    h.assert_shows("wrote main.tf, variables.tf");
}

#[test]
fn an_existing_file_is_overwritten_only_after_a_yes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path());
    let out = dir.path().join("stack.yaml");
    std::fs::write(&out, "mine").unwrap();
    run(&mut h, "export CloudFormation", &out);
    h.assert_shows("already exist. Overwrite?");
    h.keys("n");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine", "no: nothing written");
    assert_eq!(status(&h), "cancelled: nothing written");
    run(&mut h, "export CloudFormation", &out);
    h.keys("y");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, vpcd::interop::cloudformation::export(h.app.ws.design()).template);
    assert!(
        status(&h).starts_with(&format!("wrote {}", out.display())),
        "{}",
        status(&h)
    );
}

#[test]
fn write_report_writes_the_markdown_review() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path());
    let out = dir.path().join("review.md");
    run(&mut h, "write report", &out);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text,
        vpcd::report::render(h.app.ws.design(), &vpcd::report::ReportOptions::default())
    );
    assert_eq!(status(&h), format!("wrote {}", out.display()));
    h.assert_shows("wrote ");
}

#[test]
fn a_path_that_cannot_be_written_keeps_the_prompt_open_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = sample_at(dir.path());
    // A file where the folder should be.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    run(&mut h, "export Terraform", &blocker.join("tf"));
    let title = h.app.modal_title().unwrap_or_default();
    assert!(title.contains("export Terraform"), "the prompt stays open: {title}");
    h.assert_shows("error:");
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "x");
    h.keys("<esc>");
    assert!(h.app.modal_title().is_none());
}

#[test]
fn unparsable_terraform_is_reported_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("broken");
    std::fs::create_dir(&tf).unwrap();
    std::fs::write(
        tf.join("main.tf"),
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n",
    )
    .unwrap();
    let mut h = Harness::new(sample::three_tier(), dir.path(), 120, 40);
    let before = h.app.ws.design().clone();
    run(&mut h, "import Terraform folder", &tf);
    assert!(h.app.modal_title().unwrap_or_default().contains("import Terraform"));
    let screen = h.screen();
    let located = format!("{}:", tf.join("main.tf").display());
    assert!(screen.contains("error:") && screen.contains("main.tf:"), "{screen}");
    // The same text as `vpcd import terraform` prints.
    let cli = vpcd::interop::terraform::import::import_dir(&tf, &Default::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(cli.starts_with(&located), "{cli}");
    let (line_col, _) = cli[located.len()..].split_once(':').unwrap_or_default();
    assert!(line_col.parse::<usize>().is_ok(), "a line number: {cli}");
    assert_eq!(h.app.ws.design(), &before, "nothing changed");
}

#[test]
fn importing_over_unsaved_work_asks_first_and_no_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    // An AWS folder: the describe-* JSON of a template.
    let aws = dir.path().join("dump");
    let source = vpcd::create::templates::find("public-private-nat")
        .map(|t| t.design())
        .unwrap_or_else(|| vpcd::create::templates::TEMPLATES[0].design());
    vpcd::interop::aws::export::write_dir(&source, &aws).unwrap();
    let mut h = sample_at(dir.path());
    h.make_unsaved_change();
    let before = h.app.ws.design().clone();
    run(&mut h, "import AWS folder", &aws);
    h.assert_shows("Discard unsaved changes");
    h.keys("n");
    assert_eq!(h.app.ws.design(), &before, "no: the unsaved work stays");
    assert!(h.app.ws.is_dirty());
    run(&mut h, "import AWS folder", &aws);
    h.keys("y");
    let d = h.app.ws.design();
    assert_eq!(d.vpcs.len(), source.vpcs.len());
    assert_eq!(d.subnets.len(), source.subnets.len());
    let s = status(&h);
    assert!(s.starts_with("imported ") && s.contains("from AWS"), "{s}");
    assert!(s.contains("Ctrl-s saves it"), "{s}");
    // Not saved anywhere yet: the title says so.
    h.assert_shows("not saved yet");
}

#[test]
fn a_terraform_folder_opens_as_a_new_design_with_the_same_subnets() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("from-tf");
    let source = sample::three_tier();
    for (name, text) in vpcd::interop::terraform::export(&source).files {
        std::fs::create_dir_all(&tf).unwrap();
        std::fs::write(tf.join(name), text).unwrap();
    }
    let mut h = sample_at(dir.path());
    run(&mut h, "import Terraform folder", &tf);
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    let mut names: Vec<&str> = d.subnets.iter().map(|s| s.name.as_str()).collect();
    let mut want: Vec<&str> = source.subnets.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    want.sort_unstable();
    assert_eq!(names, want);
    assert!(status(&h).contains("from Terraform"), "{}", status(&h));
}

/// The designer's Terraform import takes `--var` (and `--var-file`, `--name`)
/// after the folder, as `vpcd import terraform` does.
#[test]
fn the_designers_terraform_import_takes_vars_after_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("infra");
    std::fs::create_dir_all(&tf).unwrap();
    std::fs::write(
        tf.join("main.tf"),
        "variable \"cidr\" {\n  default = \"10.0.0.0/16\"\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = var.cidr\n}\n",
    )
    .unwrap();
    let mut h = sample_at(dir.path());
    let typed = format!("{} --var cidr=10.9.0.0/16 --name infra-prod", tf.display());
    run(&mut h, "import Terraform folder", Path::new(&typed));
    assert!(h.app.modal_title().is_none(), "{}", h.screen());
    let d = h.app.ws.design();
    assert_eq!(d.name, "infra-prod");
    assert_eq!(d.vpcs.len(), 1);
    assert_eq!(d.vpcs[0].cidr.to_string(), "10.9.0.0/16");
    // A value missing after a flag is said, and the prompt stays open.
    let typed = format!("{} --var", tf.display());
    run(&mut h, "import Terraform folder", Path::new(&typed));
    h.assert_shows("--var needs a value");
}
