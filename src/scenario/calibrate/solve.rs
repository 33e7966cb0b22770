//! Newton's method on the log shares: the targeted labs' constants, and
//! the open-weights utility when targeted, such that the average choice
//! shares over the sample equal the targets.
//!
//! With u_kℓ = w_kℓ + a_ℓ (the sample's log weight of line ℓ in draw k plus
//! its lab's constant and, for open weights, the open-weights utility),
//! s_kℓ = e^{u_kℓ} / Σ e^{u_k·}. For a quantity q (a lab's lines, or every
//! open-weights line) with mean share S_q = mean_k Σ_{ℓ∈q} s_kℓ, and an
//! unknown p that adds to the lines of set p, ∂S_q/∂p = mean_k [s_k(q∩p) −
//! s_k(q)·s_k(p)]. The equations are ln S_q − ln t_q = 0; at most a few
//! unknowns, so the Newton step is solved by Gaussian elimination.

use super::LineView;
use super::draws::LogWeights;
use crate::scenario::sections::Segment;

/// The largest constant or open-weights utility a solution may need (the
/// utilities a scenario may write are bounded alike).
pub const MAX_UTILITY: f64 = 100.0;

/// Newton iterations before giving up.
const MAX_ITERATIONS: usize = 100;

/// When the log shares are this close to the targets, they are reached.
const TOLERANCE: f64 = 1e-10;

/// What to solve for.
pub(crate) struct Problem {
    /// Target share per lab, by lab index.
    pub targets: Vec<Option<f64>>,
    /// The open-weights target.
    pub open_weights: Option<f64>,
    /// Every lab on the market on day 0 has a target (the constants are then
    /// defined up to a common shift).
    pub every_lab_targeted: bool,
}

/// The constants found.
pub(crate) struct Solution {
    /// Per lab.
    pub constants: Vec<f64>,
    /// The open-weights utility.
    pub open_weights_utility: f64,
    /// Per line: its lab's constant plus, for open weights, the
    /// open-weights utility.
    pub utilities: Vec<f64>,
}

/// Mean shares over the sample.
pub(crate) struct Shares {
    pub by_line: Vec<f64>,
    pub by_lab: Vec<f64>,
    /// The standard error of each lab's mean over the sample.
    pub by_lab_se: Vec<f64>,
    pub open_weights: f64,
}

impl Shares {
    /// The mean shares with `utilities` added per line.
    pub(crate) fn at(
        weights: &LogWeights,
        lines: &[LineView<'_>],
        labs: usize,
        utilities: &[f64],
    ) -> Shares {
        let mut by_line = vec![0.0; lines.len()];
        let mut scratch = vec![0.0; lines.len()];
        let (mut lab_share, mut squares) = (vec![0.0; labs], vec![0.0; labs]);
        for draw in 0..weights.draws() {
            softmax(weights.draw(draw), utilities, &mut scratch);
            for (total, share) in by_line.iter_mut().zip(&scratch) {
                *total += share;
            }
            lab_share.fill(0.0);
            for (line, share) in lines.iter().zip(&scratch) {
                lab_share[line.lab] += share;
            }
            for (square, share) in squares.iter_mut().zip(&lab_share) {
                *square += share * share;
            }
        }
        let draws = weights.draws().max(1) as f64;
        by_line.iter_mut().for_each(|share| *share /= draws);
        let mut by_lab = vec![0.0; labs];
        let mut open_weights = 0.0;
        for (line, share) in lines.iter().zip(&by_line) {
            by_lab[line.lab] += share;
            if line.open_weights {
                open_weights += share;
            }
        }
        let by_lab_se = (by_lab.iter().zip(&squares))
            .map(|(mean, square)| ((square / draws - mean * mean).max(0.0) / draws).sqrt())
            .collect();
        Shares {
            by_line,
            by_lab,
            by_lab_se,
            open_weights,
        }
    }
}

/// s_ℓ = e^{w_ℓ + a_ℓ} / Σ, in `out`; lines with weight −∞ get 0.
fn softmax(weights: &[f64], utilities: &[f64], out: &mut [f64]) {
    let mut max = f64::NEG_INFINITY;
    for (w, a) in weights.iter().zip(utilities) {
        max = max.max(w + a);
    }
    let mut total = 0.0;
    for ((slot, w), a) in out.iter_mut().zip(weights).zip(utilities) {
        *slot = if max.is_finite() {
            (w + a - max).exp()
        } else {
            0.0
        };
        total += *slot;
    }
    if total > 0.0 {
        out.iter_mut().for_each(|s| *s /= total);
    }
}

/// A set of lines: an unknown adds to them, a quantity sums over them.
#[derive(Clone, Copy, PartialEq)]
enum Set {
    Lab(usize),
    OpenWeights,
}

/// Solves for the constants, or says why they cannot be found.
pub(crate) fn solve(
    weights: &LogWeights,
    lines: &[LineView<'_>],
    problem: &Problem,
    segment: &Segment,
) -> Result<Solution, String> {
    let system = System::new(weights, lines, problem);
    let mut constants = Constants::start(problem, segment, &system.targeted);
    let mut theta = system.first_step(problem, &mut constants);
    let state = system.newton(&mut theta, &mut constants)?;
    system.utilities(&theta, &mut constants);
    if state.worst() >= 1e-6 {
        return Err(format!(
            "cannot be reached with constants within ±{MAX_UTILITY}: the models on offer \
             are too unequal for these targets (largest gap in log share {:.3})",
            state.worst()
        ));
    }
    system.solution(problem, constants)
}

/// The equations (a target share per quantity) and the unknowns (a utility
/// added to each set of lines) of a problem, over one sample.
struct System<'a, 'v> {
    weights: &'a LogWeights,
    lines: &'a [LineView<'v>],
    /// The labs with a target.
    targeted: Vec<usize>,
    equations: Vec<(Set, f64)>,
    unknowns: Vec<Set>,
}

/// Every lab's constant and the open-weights utility: the unknowns among
/// them as last set, the others as the segment has them.
struct Constants {
    by_lab: Vec<f64>,
    open_weights: f64,
}

impl Constants {
    /// The targeted labs' constants and a targeted open-weights utility at
    /// 0, the others as the segment has them.
    fn start(problem: &Problem, segment: &Segment, targeted: &[usize]) -> Constants {
        let mut by_lab = segment.reputation_by_lab.clone();
        for &lab in targeted {
            by_lab[lab] = 0.0;
        }
        let open_weights = if problem.open_weights.is_some() {
            0.0
        } else {
            segment.open_weights_preference
        };
        Constants {
            by_lab,
            open_weights,
        }
    }
}

impl<'a, 'v> System<'a, 'v> {
    fn new(weights: &'a LogWeights, lines: &'a [LineView<'v>], problem: &Problem) -> Self {
        let targeted: Vec<usize> = (0..problem.targets.len())
            .filter(|&lab| problem.targets[lab].is_some())
            .collect();
        let mut equations: Vec<(Set, f64)> = (targeted.iter())
            .map(|&lab| (Set::Lab(lab), problem.targets[lab].unwrap_or(1.0)))
            .collect();
        let mut unknowns: Vec<Set> = targeted.iter().map(|&lab| Set::Lab(lab)).collect();
        if problem.every_lab_targeted {
            // Shares pin the constants down to a common shift: fix the first.
            equations.remove(0);
            unknowns.remove(0);
        }
        if let Some(open) = problem.open_weights {
            equations.push((Set::OpenWeights, open));
            unknowns.push(Set::OpenWeights);
        }
        System {
            weights,
            lines,
            targeted,
            equations,
            unknowns,
        }
    }

    /// Sets the unknowns among `constants` to `theta`, and returns every
    /// line's utility: its lab's constant plus, for open weights, the
    /// open-weights utility.
    fn utilities(&self, theta: &[f64], constants: &mut Constants) -> Vec<f64> {
        for (set, value) in self.unknowns.iter().zip(theta) {
            match *set {
                Set::Lab(lab) => constants.by_lab[lab] = *value,
                Set::OpenWeights => constants.open_weights = *value,
            }
        }
        line_utilities(self.lines, constants)
    }

    /// Where Newton starts: one step of the fixed-point iteration of
    /// discrete-choice practice, δ ← δ + ln t − ln S, from 0, which starts
    /// it close to the solution.
    fn first_step(&self, problem: &Problem, constants: &mut Constants) -> Vec<f64> {
        let mut theta = vec![0.0; self.unknowns.len()];
        let start = self.utilities(&theta, constants);
        let first = Shares::at(self.weights, self.lines, constants.by_lab.len(), &start);
        for (value, set) in theta.iter_mut().zip(&self.unknowns) {
            if let Set::Lab(lab) = *set
                && let Some(target) = problem.targets[lab]
                && first.by_lab[lab] > 0.0
            {
                *value = (target.ln() - first.by_lab[lab].ln()).clamp(-MAX_UTILITY, MAX_UTILITY);
            }
        }
        if problem.every_lab_targeted
            && let Some(&anchor) = self.targeted.first()
            && let (Some(target), true) = (problem.targets[anchor], first.by_lab[anchor] > 0.0)
        {
            // The first targeted lab stays at 0: take its step off the others.
            let shift = target.ln() - first.by_lab[anchor].ln();
            for value in theta
                .iter_mut()
                .zip(&self.unknowns)
                .filter_map(|(v, s)| matches!(s, Set::Lab(_)).then_some(v))
            {
                *value -= shift;
            }
        }
        theta
    }

    /// The residuals and their Jacobian with the unknowns at `theta`.
    fn evaluate(&self, theta: &[f64], constants: &mut Constants) -> State {
        let utilities = self.utilities(theta, constants);
        evaluate(
            self.weights,
            self.lines,
            &self.equations,
            &self.unknowns,
            &utilities,
        )
    }

    /// Newton's iterations from `theta`, until the log shares are within
    /// the tolerance of the targets, the unknowns run away, or
    /// [`MAX_ITERATIONS`]; the state at the `theta` they end at.
    fn newton(&self, theta: &mut Vec<f64>, constants: &mut Constants) -> Result<State, String> {
        let mut state = self.evaluate(theta, constants);
        for _ in 0..MAX_ITERATIONS {
            if state.worst() < TOLERANCE {
                break;
            }
            let step = gauss(state.jacobian.clone(), &state.residuals).ok_or_else(|| {
                "cannot be solved for: the open-weights utility does not move these shares \
                 (every lab with open-weights models on the market has nothing else there, or \
                 one kind of model takes each lab's whole share); drop open_weights_share_target"
                    .to_string()
            })?;
            (*theta, state) = self.damped(theta, &step, &state, constants);
            if theta
                .iter()
                .any(|t| !t.is_finite() || t.abs() > 2.0 * MAX_UTILITY)
            {
                break;
            }
        }
        Ok(state)
    }

    /// The Newton `step` from `theta`, halved until it reduces the residuals
    /// (or is a millionth of itself): the unknowns it reaches and their
    /// state.
    fn damped(
        &self,
        theta: &[f64],
        step: &[f64],
        state: &State,
        constants: &mut Constants,
    ) -> (Vec<f64>, State) {
        let mut scale = 1.0;
        loop {
            let trial: Vec<f64> = (theta.iter().zip(step))
                .map(|(t, d)| t - scale * d)
                .collect();
            let next = self.evaluate(&trial, constants);
            if next.norm() < state.norm() || scale < 1e-6 {
                return (trial, next);
            }
            scale /= 2.0;
        }
    }

    /// The solution from the constants found: when every lab is targeted,
    /// shifted to average 0 weighted by target; refused if any is out of
    /// bounds.
    fn solution(&self, problem: &Problem, mut constants: Constants) -> Result<Solution, String> {
        if problem.every_lab_targeted {
            // The common shift: constants average 0, weighted by target.
            let mean: f64 = (self.targeted.iter())
                .map(|&lab| constants.by_lab[lab] * problem.targets[lab].unwrap_or(0.0))
                .sum();
            for &lab in &self.targeted {
                constants.by_lab[lab] -= mean;
            }
        }
        let out_of_bounds = |c: &f64| c.abs() > MAX_UTILITY;
        if constants.by_lab.iter().any(out_of_bounds) || out_of_bounds(&constants.open_weights) {
            return Err(format!(
                "cannot be reached with constants within ±{MAX_UTILITY}: the models on offer \
                 are too unequal for these targets"
            ));
        }
        let utilities = line_utilities(self.lines, &constants);
        Ok(Solution {
            constants: constants.by_lab,
            open_weights_utility: constants.open_weights,
            utilities,
        })
    }
}

/// Every line's utility: its lab's constant plus, for open weights, the
/// open-weights utility.
fn line_utilities(lines: &[LineView<'_>], constants: &Constants) -> Vec<f64> {
    let (by_lab, open) = (&constants.by_lab, constants.open_weights);
    (lines.iter())
        .map(|l| by_lab[l.lab] + if l.open_weights { open } else { 0.0 })
        .collect()
}

/// Residuals and their Jacobian at one point.
struct State {
    residuals: Vec<f64>,
    jacobian: Vec<Vec<f64>>,
}

impl State {
    fn worst(&self) -> f64 {
        self.residuals.iter().fold(0.0, |m, r| m.max(r.abs()))
    }

    fn norm(&self) -> f64 {
        self.residuals.iter().map(|r| r * r).sum()
    }
}

fn evaluate(
    weights: &LogWeights,
    lines: &[LineView<'_>],
    equations: &[(Set, f64)],
    unknowns: &[Set],
    utilities: &[f64],
) -> State {
    let (m, n) = (equations.len(), unknowns.len());
    let labs = lines.iter().map(|l| l.lab + 1).max().unwrap_or(0);
    let mut shares = vec![0.0; lines.len()];
    // Per draw: each lab's share and its open-weights part, and the
    // open-weights total; a set's share and the share of two sets' common
    // lines follow from these without another pass over the lines.
    let (mut lab, mut lab_open) = (vec![0.0; labs], vec![0.0; labs]);
    let mut mean = vec![0.0; m];
    let mut cross = vec![vec![0.0; n]; m];
    for draw in 0..weights.draws() {
        softmax(weights.draw(draw), utilities, &mut shares);
        lab.fill(0.0);
        lab_open.fill(0.0);
        let mut open = 0.0;
        for (line, share) in lines.iter().zip(&shares) {
            lab[line.lab] += share;
            if line.open_weights {
                lab_open[line.lab] += share;
                open += share;
            }
        }
        let of = |set: Set| match set {
            Set::Lab(l) => lab[l],
            Set::OpenWeights => open,
        };
        let both = |a: Set, b: Set| match (a, b) {
            (Set::Lab(x), Set::Lab(y)) if x == y => lab[x],
            (Set::Lab(_), Set::Lab(_)) => 0.0,
            (Set::Lab(x), Set::OpenWeights) | (Set::OpenWeights, Set::Lab(x)) => lab_open[x],
            (Set::OpenWeights, Set::OpenWeights) => open,
        };
        for (q, &(set, _)) in equations.iter().enumerate() {
            let share = of(set);
            mean[q] += share;
            for (p, &unknown) in unknowns.iter().enumerate() {
                cross[q][p] += both(set, unknown) - share * of(unknown);
            }
        }
    }
    let draws = weights.draws().max(1) as f64;
    let residuals = (equations.iter().zip(&mean))
        .map(|(&(_, target), &total)| (total / draws).max(f64::MIN_POSITIVE).ln() - target.ln())
        .collect();
    let jacobian = (cross.into_iter().zip(&mean))
        .map(|(row, &total)| {
            row.into_iter()
                .map(|d| d / total.max(f64::MIN_POSITIVE))
                .collect()
        })
        .collect();
    State {
        residuals,
        jacobian,
    }
}

/// Solves A x = b by Gaussian elimination with partial pivoting; None when
/// A is singular. The systems here have at most a few unknowns, one per
/// lab, which is why no linear-algebra crate is used.
fn gauss(mut a: Vec<Vec<f64>>, b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut b = b.to_vec();
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    for column in 0..n {
        let pivot =
            (column..n).max_by(|&i, &j| a[i][column].abs().total_cmp(&a[j][column].abs()))?;
        if a[pivot][column].abs() <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        a.swap(column, pivot);
        b.swap(column, pivot);
        let (upper, lower) = a.split_at_mut(column + 1);
        let pivot_row = &upper[column];
        for (offset, row) in lower.iter_mut().enumerate() {
            let factor = row[column] / pivot_row[column];
            for (value, above) in row[column..].iter_mut().zip(&pivot_row[column..]) {
                *value -= factor * above;
            }
            b[column + 1 + offset] -= factor * b[column];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::gauss;

    #[test]
    fn gauss_solves_a_small_system_and_refuses_a_singular_one() {
        let a = vec![vec![2.0, 1.0], vec![1.0, 3.0]];
        let x = gauss(a, &[3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert!(gauss(vec![vec![1.0, 2.0], vec![2.0, 4.0]], &[1.0, 2.0]).is_none());
    }
}
