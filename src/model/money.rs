//! Money as vpcd writes it. Every amount it prints goes through [`dollars`]
//! or [`signed_dollars`]: the cost estimate, the report, the designer, the
//! exercises' budgets. Here, at the bottom of the crate, so the model's own
//! texts (an exercise's budget) write amounts the same way.

/// A monthly amount as the CLI and the designer show it: `$37.35`, or
/// `-$3.65` for a waiver. Every money amount vpcd prints goes through this or
/// [`signed_dollars`].
pub fn dollars(usd: f64) -> String {
    // Rounded first, so nothing below half a cent (nor a negative zero, which
    // an empty f64 sum gives) prints as `$-0.00`.
    let cents = round_cents(usd);
    if cents < 0.0 {
        format!("-${:.2}", -cents)
    } else {
        format!("${cents:.2}")
    }
}

/// A change of a monthly amount, always with its sign: `+$37.35`, `-$32.85`,
/// and `+$0.00` for no change (never `-$0.00`). The minus is ASCII, as in [`dollars`].
pub fn signed_dollars(usd: f64) -> String {
    let amount = dollars(usd);
    if amount.starts_with('-') {
        amount
    } else {
        format!("+{amount}")
    }
}

/// Rounds to whole cents (half away from zero).
pub fn round_cents(x: f64) -> f64 {
    // Adding 0.0 turns -0.0 into 0.0.
    (x * 100.0).round() / 100.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_round_to_the_cent_and_put_an_ascii_minus_before_the_dollar_sign() {
        assert_eq!(dollars(37.35), "$37.35");
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(-0.0), "$0.00");
        assert_eq!(dollars(2.004), "$2.00");
        assert_eq!(dollars(2.006), "$2.01");
        assert_eq!(dollars(-2.006), "-$2.01");
        assert_eq!(dollars(1234.5), "$1234.50");
    }

    #[test]
    fn signed_dollars_always_carry_a_sign_and_never_minus_zero() {
        assert_eq!(signed_dollars(37.35), "+$37.35");
        assert_eq!(signed_dollars(-32.85), "-$32.85");
        assert_eq!(signed_dollars(0.0), "+$0.00");
        assert_eq!(signed_dollars(-0.0), "+$0.00");
        // Below half a cent rounds to no change, whichever its sign.
        assert_eq!(signed_dollars(-0.004), "+$0.00");
        assert_eq!(signed_dollars(0.004), "+$0.00");
        assert_eq!(signed_dollars(-0.005), "-$0.01");
        assert_eq!(signed_dollars(3.456), "+$3.46");
    }
}
