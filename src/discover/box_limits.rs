//! A box: a closed interval per parameter, and what it holds.

use super::points::Points;

/// The closed interval `lower ≤ x ≤ upper` of one parameter in a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The smallest value inside.
    pub lower: f64,
    /// The largest value inside.
    pub upper: f64,
}

impl Bounds {
    /// Whether `value` is inside, limits included.
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

/// Worlds in a box and, of those, the worlds where the condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Worlds inside.
    pub worlds: usize,
    /// Worlds inside where the condition holds.
    pub cases: usize,
}

impl Counts {
    /// The counts of the worlds `inside`.
    pub(crate) fn of(inside: impl Iterator<Item = usize>, points: &Points) -> Self {
        let condition = points.condition();
        let (mut worlds, mut cases) = (0, 0);
        for world in inside {
            worlds += 1;
            cases += usize::from(condition[world]);
        }
        Self { worlds, cases }
    }

    /// The share of worlds inside where the condition holds (0 for an
    /// empty box, as EMA Workbench's objectives take it).
    pub fn mean(&self) -> f64 {
        if self.worlds == 0 {
            0.0
        } else {
            self.cases as f64 / self.worlds as f64
        }
    }
}

/// The limits of the whole space: each parameter's smallest and largest
/// value.
pub(crate) fn whole_space(points: &Points) -> Vec<Bounds> {
    (0..points.parameters())
        .map(|j| {
            let column = points.column(j);
            let lower = column.iter().copied().fold(f64::INFINITY, f64::min);
            let upper = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Bounds { lower, upper }
        })
        .collect()
}

/// The worlds inside `limits`, in order.
pub(crate) fn inside<'a>(
    points: &'a Points,
    limits: &'a [Bounds],
) -> impl Iterator<Item = usize> + 'a {
    (0..points.worlds()).filter(move |&world| {
        limits
            .iter()
            .enumerate()
            .all(|(j, bounds)| bounds.contains(points.column(j)[world]))
    })
}

/// The counts of the worlds inside `limits`.
pub(crate) fn count_inside(points: &Points, limits: &[Bounds]) -> Counts {
    Counts::of(inside(points, limits), points)
}

/// How many parameters `limits` restricts: those whose limits are not the
/// whole space's.
pub(crate) fn restricted_count(limits: &[Bounds], init: &[Bounds]) -> usize {
    limits.iter().zip(init).filter(|(l, i)| l != i).count()
}
