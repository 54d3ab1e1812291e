//! Mistyped subcommands. `vpcd [FILE]` takes any word as a design file, so
//! clap alone would open the designer on a new file called `chek` instead of
//! suggesting `check`. A first word that names no file, looks like no path and
//! is close to a subcommand (or is followed by more words, which `vpcd FILE`
//! never takes) is reported as clap reports an unknown subcommand: exit 2,
//! with the close match as a tip.

use std::ffi::OsString;
use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::style::{process_env, ColorChoice};

/// The subcommand names (and aliases) close to `word`, best first: an edit
/// distance of at most 2 (1 for names of three letters), or a prefix.
pub fn close_subcommands(cmd: &clap::Command, word: &str) -> Vec<String> {
    let wanted = word.to_ascii_lowercase();
    let mut scored: Vec<(usize, String)> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .flat_map(|s| std::iter::once(s.get_name()).chain(s.get_all_aliases()))
        .filter_map(|name| {
            let d = crate::templates::edit_distance(&wanted, name);
            let limit = if name.len() <= 3 { 1 } else { 2 };
            let prefix = wanted.len() >= 3 && name.starts_with(&wanted);
            (d <= limit || prefix).then(|| (if prefix { 0 } else { d }, name.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().map(|(_, n)| n).collect()
}

/// The error for a first word that is meant as a subcommand but names none.
pub fn mistyped_subcommand(cmd: &mut clap::Command, args: &[OsString]) -> Option<clap::Error> {
    let positionals = positionals(args);
    let (first, rest) = positionals.split_first()?;
    let word = first.to_str()?;
    let known = cmd
        .get_subcommands()
        .any(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word));
    let path_like = word.contains(['.', '/', '\\']) || word.is_empty();
    if known || path_like || word == "help" || Path::new(word).exists() {
        return None;
    }
    let close = close_subcommands(cmd, word);
    if close.is_empty() && rest.is_empty() {
        // `vpcd mydesign`: a new design file, as documented.
        return None;
    }
    cmd.build();
    let mut err = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(cmd);
    err.insert(ContextKind::InvalidSubcommand, ContextValue::String(word.to_string()));
    if !close.is_empty() {
        err.insert(ContextKind::SuggestedSubcommand, ContextValue::Strings(close));
    }
    err.insert(ContextKind::Usage, ContextValue::StyledStr(cmd.render_usage()));
    Some(err)
}

/// The words that are not options or option values, after the program name.
fn positionals(args: &[OsString]) -> Vec<&OsString> {
    let mut out = Vec::new();
    let mut skip_value = false;
    for a in args.iter().skip(1) {
        if skip_value {
            skip_value = false;
            continue;
        }
        let s = a.to_string_lossy();
        if s == "--" {
            break;
        }
        if s == "--color" {
            skip_value = true;
        } else if !s.starts_with('-') || s == "-" {
            out.push(a);
        }
    }
    out
}

/// clap's own colour (for usage errors and help) follows `--color` when it
/// appears before clap parses it; `auto` leaves clap's detection, which
/// honours NO_COLOR and CLICOLOR_FORCE the same way.
pub fn clap_color(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = if a == "--color" {
            it.next().map(|v| v.into_owned())
        } else {
            a.strip_prefix("--color=").map(str::to_string)
        };
        if let Some(v) = value {
            choice = <ColorChoice as clap::ValueEnum>::from_str(&v, true).ok();
        }
    }
    match choice {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        _ if process_env("NO_COLOR").is_some_and(|v| !v.is_empty()) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

/// A value parser that accepts any word but offers `names()` to shell
/// completion: the command itself answers an unknown name with its close
/// matches (its own message and exit status), which a strict parser would replace.
#[derive(Clone)]
pub struct Offering(pub fn() -> Vec<&'static str>);

impl clap::builder::TypedValueParser for Offering {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter().map(clap::builder::PossibleValue::new)))
    }
}

/// The bundled template names, for completion of `--template`.
pub fn template_names() -> Vec<&'static str> {
    crate::templates::TEMPLATES.iter().map(|t| t.name).collect()
}

/// The bundled exercise ids, for completion of `vpcd exercise`.
pub fn exercise_ids() -> Vec<&'static str> {
    crate::practice::exercise::BUNDLED.iter().map(|(id, _)| *id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    fn args(words: &[&str]) -> Vec<OsString> {
        std::iter::once("vpcd")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn a_mistyped_subcommand_is_suggested() {
        let mut cmd = crate::cli::Cli::command();
        let err = mistyped_subcommand(&mut cmd, &args(&["chek", "x.ron"])).expect("an error");
        assert_eq!(err.kind(), ErrorKind::InvalidSubcommand);
        let text = err.render().to_string();
        assert!(text.contains("'chek'") && text.contains("'check'"), "{text}");
        assert_eq!(err.exit_code(), 2);
        let err = mistyped_subcommand(&mut cmd, &args(&["--color", "never", "tarce"])).expect("an error");
        assert!(err.render().to_string().contains("'trace'"));
    }

    #[test]
    fn design_files_and_subcommands_pass() {
        let mut cmd = crate::cli::Cli::command();
        for words in [
            &["check", "x.ron"][..],
            &["mydesign"],
            &["designs/new.ron"],
            &[],
            &["-q", "check", "x.ron"],
            &["help"],
        ] {
            assert!(mistyped_subcommand(&mut cmd, &args(words)).is_none(), "{words:?}");
        }
        // Two words never mean `vpcd FILE`.
        assert!(mistyped_subcommand(&mut cmd, &args(&["lint", "x.ron"])).is_some());
    }

    #[test]
    fn close_matches_rank_the_nearest_first() {
        let cmd = crate::cli::Cli::command();
        assert_eq!(close_subcommands(&cmd, "matirx"), vec!["matrix"]);
        assert_eq!(close_subcommands(&cmd, "temp")[0], "templates");
        assert!(close_subcommands(&cmd, "zzzzzz").is_empty());
    }

    #[test]
    fn template_and_exercise_ids_are_offered_but_any_word_parses() {
        let cmd = crate::cli::Cli::command();
        let new = cmd.find_subcommand("new").unwrap();
        let template = new.get_arguments().find(|a| a.get_id() == "template").unwrap();
        let offered: Vec<String> = template
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        assert!(offered.contains(&"three-tier-alb".to_string()), "{offered:?}");
        let ex = cmd.find_subcommand("exercise").unwrap();
        let file = ex.get_arguments().find(|a| a.get_id() == "file").unwrap();
        assert_eq!(file.get_possible_values().len(), exercise_ids().len());
        // An unknown template still reaches `vpcd new`, which lists close matches.
        assert!(crate::cli::Cli::try_parse_from(["vpcd", "new", "--template", "thre-tier", "-o", "x.ron"]).is_ok());
    }

    #[test]
    fn clap_colour_follows_the_flag() {
        assert_eq!(clap_color(&args(&["--color", "never"])), clap::ColorChoice::Never);
        assert_eq!(clap_color(&args(&["--color=always", "x"])), clap::ColorChoice::Always);
    }
}
