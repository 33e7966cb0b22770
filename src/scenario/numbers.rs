//! Numbers as messages show them: short, whatever their expansion.

/// A number as a person writes it: as Rust prints it when that is short
/// (`30`, `0.5`, `1e-9`), else with three significant digits and an
/// exponent (`1e300`, not three hundred digits).
pub fn short_number(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() <= 12 || !value.is_finite() {
        return plain;
    }
    let text = format!("{value:.2e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            if exponent == "0" {
                mantissa.to_string()
            } else {
                format!("{mantissa}e{exponent}")
            }
        }
        None => text,
    }
}

/// A value as written into a message: numbers with long expansions are
/// shortened by [`short_number`].
pub fn shown(text: String) -> String {
    match text.parse::<f64>() {
        Ok(value) if text.len() > 12 && !text.contains(['e', 'E']) => short_number(value),
        _ => text,
    }
}
