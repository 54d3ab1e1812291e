//! `vpcd man [-o DIR]`: the man pages, rendered by clap_mangen from the same
//! definition that parses the command line: `vpcd.1` and `vpcd-COMMAND.1`
//! for every subcommand.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::{exit, Cli, Ui};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing).
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".", value_hint = clap::ValueHint::DirPath)]
    pub dir: PathBuf,
}

/// Every page: (file name, roff text).
pub fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Building gives each subcommand its display name (`vpcd-trace`), the
    // page's title and file name.
    cmd.build();
    let mut out = Vec::new();
    for c in std::iter::once(&cmd).chain(cmd.get_subcommands().filter(|s| !s.is_hide_set())) {
        let man = clap_mangen::Man::new(c.clone());
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        out.push((man.get_filename(), roff));
    }
    Ok(out)
}

pub fn run(args: &ManArgs, ui: &Ui) -> u8 {
    let pages = match pages() {
        Ok(p) => p,
        Err(e) => {
            ui.error(format!("cannot render the man pages: {e}"));
            return exit::BAD_INPUT;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        ui.error(format!("{}: cannot create the directory: {e}", args.dir.display()));
        return exit::BAD_INPUT;
    }
    for (name, roff) in &pages {
        let path = args.dir.join(name);
        if let Err(e) = std::fs::write(&path, roff) {
            ui.error(format!("{}: cannot write: {e}", path.display()));
            return exit::BAD_INPUT;
        }
        ui.note(format!("wrote {}", path.display()));
    }
    ui.note(format!(
        "{} man pages; read one with `man -l {}`",
        pages.len(),
        args.dir.join("vpcd.1").display()
    ));
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_subcommand_titled_with_its_name() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "vpcd.1");
        for sub in ["vpcd-check.1", "vpcd-trace.1", "vpcd-completions.1", "vpcd-man.1"] {
            assert!(names.contains(&sub), "{sub} missing from {names:?}");
        }
        assert_eq!(names.len(), Cli::command().get_subcommands().count() + 1);
        let trace = String::from_utf8(pages.iter().find(|(n, _)| n == "vpcd-trace.1").unwrap().1.clone()).unwrap();
        assert!(
            trace.starts_with(".ie \\n(.g .ds Aq") || trace.contains(".TH vpcd-trace 1"),
            "{trace}"
        );
        assert!(trace.contains("\\-\\-from"), "flags are listed: {trace}");
    }
}
