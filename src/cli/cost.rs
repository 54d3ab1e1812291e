//! `vpcd cost FILE [--format text|json] [--prices PRICES.ron]`: estimated monthly
//! cost of the design's billable network parts, free parts shown as free, and
//! what-if comparisons. Exit status: 0, or 2 when a file cannot be read.

use std::path::PathBuf;

use clap::Args;

use super::{exit, load_or_report, OutputFormat};
use crate::cost::{self, PriceTable};

#[derive(Debug, Args)]
pub struct CostArgs {
    /// The design file (.ron).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// A price table to use instead of the built-in us-east-1 one (same fields as assets/data/prices.ron).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

pub fn run(args: &CostArgs) -> u8 {
    let design = match load_or_report(&args.file) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let table = match &args.prices {
        Some(path) => match PriceTable::load(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::BAD_INPUT;
            }
        },
        None => PriceTable::builtin(),
    };
    let est = cost::estimate(&design, &table);
    match args.format {
        OutputFormat::Json => {
            let mut doc = serde_json::to_value(&est).unwrap_or_default();
            doc["file"] = serde_json::json!(args.file.display().to_string());
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        OutputFormat::Text => {
            println!(
                "Estimated monthly cost of {} ({} list prices as of {}, {} h/month)",
                est.design, est.price_region, est.prices_as_of, table.hours_per_month
            );
            let width = est.items.iter().map(|i| i.item.len()).max().unwrap_or(0);
            for i in &est.items {
                println!("  {:>10}  {:<width$}  {}: {}", i.amount(), i.item, i.object, i.detail);
            }
            println!("  {:>10}  total per month", cost::dollars(est.total_monthly_usd));
            if !est.what_if.is_empty() {
                println!("What if:");
                for w in &est.what_if {
                    println!("  {}: {}/month, {}", w.change, w.delta(), w.tradeoff);
                }
            }
            for n in &est.notes {
                println!("note: {n}");
            }
        }
    }
    exit::OK
}
