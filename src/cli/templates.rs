//! `vpcd templates`: lists the built-in templates with one-line descriptions.

use super::exit;
use crate::create::templates::TEMPLATES;

pub fn run() -> u8 {
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in TEMPLATES {
        println!("{:<width$}  {}", t.name, t.description);
    }
    println!();
    println!("Create one with: vpcd new --template NAME -o FILE");
    exit::OK
}
