//! Values offered to shell completion: the bundled template names and
//! exercise ids (compiled in, so completing them costs nothing).

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
    crate::create::templates::TEMPLATES.iter().map(|t| t.name).collect()
}

/// The bundled exercise ids, for completion of `vpcd exercise`.
pub fn exercise_ids() -> Vec<&'static str> {
    crate::practice::exercise::BUNDLED.iter().map(|(id, _)| *id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

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
}
