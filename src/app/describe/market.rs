//! `validate`'s account of a calibrated market and of fitted parameters.

use std::fmt::Write as _;

use crate::scenario::Scenario;

macro_rules! line {
    ($text:expr, $($arg:tt)*) => {
        let _ = writeln!($text, $($arg)*);
    };
}

/// Per calibrated segment: each lab's target, its share of day 0's
/// adopters, the steady-state share it wins with its solved constant, the
/// residual, the constant, and what new adopters choose on day 0 given the
/// incumbents as they are.
pub(super) fn calibration(text: &mut String, scenario: &Scenario) {
    let Some(market) = &scenario.market else {
        return;
    };
    for segment in &market.segments {
        let Some(found) = &segment.calibration else {
            continue;
        };
        let source = segment
            .targets_source
            .as_deref()
            .unwrap_or("source not given");
        line!(text, "calibrated segment {} ({source})", segment.id);
        line!(
            text,
            "          {:<14} {:>7} {:>7} {:>7} {:>9} {:>9} {:>12}",
            "lab",
            "target",
            "day 0",
            "steady",
            "residual",
            "constant",
            "day-0 choice"
        );
        let lines: Vec<(usize, bool)> = (scenario.labs.iter().enumerate())
            .flat_map(|(lab, spec)| {
                (spec.lines.iter())
                    .map(move |line| (lab, line.access == crate::scenario::Access::OpenWeights))
            })
            .collect();
        let day0 = |pick: &dyn Fn(usize, bool) -> bool| -> f64 {
            (lines.iter().zip(&found.day0_line_shares))
                .filter(|((lab, open), _)| pick(*lab, *open))
                .map(|(_, share)| share)
                .sum()
        };
        for (lab, spec) in scenario.labs.iter().enumerate() {
            let target = found.targets[lab];
            line!(
                text,
                "          {:<14} {:>7} {:>7.3} {:>7.3} {:>9} {:>+9.3} {:>12.3}",
                spec.id,
                target.map_or("-".to_string(), |t| format!("{t:.3}")),
                day0(&|l, _| l == lab),
                found.achieved[lab],
                target.map_or("-".to_string(), |t| format!(
                    "{:+.1e}",
                    found.achieved[lab] - t
                )),
                found.constants[lab],
                found.day0_choice[lab]
            );
        }
        let target = found.open_weights_target;
        line!(
            text,
            "          {:<14} {:>7} {:>7.3} {:>7.3} {:>9} {:>+9.3} (open-weights utility)",
            "open weights",
            target.map_or("-".to_string(), |t| format!("{t:.3}")),
            day0(&|_, open| open),
            found.achieved_open_weights,
            target.map_or("-".to_string(), |t| format!(
                "{:+.1e}",
                found.achieved_open_weights - t
            )),
            found.open_weights_utility
        );
    }
}

/// The intervals of `[fitted]`, and those that name no parameter.
pub(super) fn fitted(text: &mut String, scenario: &Scenario) {
    if scenario.fitted.is_empty() {
        return;
    }
    let unused = crate::params::unused_fitted(scenario.resolved());
    line!(
        text,
        "fitted    {} parameter(s) estimated from data, with 95% intervals",
        scenario.fitted.len()
    );
    for (path, range) in &scenario.fitted {
        let note = if unused.contains(path) {
            "  (names no parameter of this scenario: unused)"
        } else {
            ""
        };
        line!(
            text,
            "          {path}: {} to {}{note}",
            range.low,
            range.high
        );
    }
}
