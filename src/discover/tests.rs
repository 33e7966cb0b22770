//! PRIM against cases worked by hand: a box that holds exactly the worlds
//! where the condition holds is found; a condition that no parameter
//! explains gives no restricted parameter; a quasi-p-value computed by
//! hand.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn names(count: usize) -> Vec<String> {
    (0..count).map(|j| format!("x{j}")).collect()
}

/// `worlds` points uniform in [0, 1]^`parameters`, from `seed`.
fn uniform(worlds: usize, parameters: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..worlds)
        .map(|_| (0..parameters).map(|_| rng.random::<f64>()).collect())
        .collect()
}

/// Every point of the grid {0, 1/20, ..., 1}² × {0, 1/10, ..., 1}.
fn grid() -> Vec<Vec<f64>> {
    let mut rows = Vec::new();
    for a in 0..=20 {
        for b in 0..=20 {
            for c in 0..=10 {
                rows.push(vec![
                    f64::from(a) / 20.0,
                    f64::from(b) / 20.0,
                    f64::from(c) / 10.0,
                ]);
            }
        }
    }
    rows
}

fn corner(row: &[f64]) -> bool {
    row[0] < 0.3 && row[1] > 0.6
}

fn run(rows: &[Vec<f64>], condition: &[bool], options: &Options) -> Discovery {
    let points = Points::from_rows(&names(rows[0].len()), rows, condition).unwrap();
    discover(&points, options).unwrap()
}

/// The chosen box restricts x0 from above near 0.3 and x1 from below near
/// 0.6, within `tolerance`, and nothing else.
fn assert_corner_box(found: &Discovery, tolerance: f64) {
    let chosen = found.chosen();
    let restricted: Vec<usize> = chosen.restrictions.iter().map(|r| r.parameter).collect();
    assert_eq!(restricted, [0, 1], "{:?}", found.chosen_box_rows());
    let (x0, x1) = (&chosen.restrictions[0], &chosen.restrictions[1]);
    assert!(x0.lower.is_none() && x1.upper.is_none());
    let (x0_upper, x1_lower) = (x0.upper.unwrap(), x1.lower.unwrap());
    assert!(
        (x0_upper.value - 0.3).abs() < tolerance,
        "x0 ≤ {}",
        x0_upper.value
    );
    assert!(
        (x1_lower.value - 0.6).abs() < tolerance,
        "x1 ≥ {}",
        x1_lower.value
    );
    assert!(x0_upper.quasi_p < 1e-10 && x1_lower.quasi_p < 1e-10);
}

#[test]
fn on_a_grid_the_box_of_the_corner_is_found_exactly() {
    let rows = grid();
    let condition: Vec<bool> = rows.iter().map(|row| corner(row)).collect();
    for objective in [
        Objective::Lenient1,
        Objective::Lenient2,
        Objective::Original,
    ] {
        let options = Options {
            objective,
            ..Options::default()
        };
        let found = run(&rows, &condition, &options);
        // The limits fall halfway between grid values: x0 ≤ 0.275 keeps
        // 0.25 and drops 0.3; x1 ≥ 0.625 keeps 0.65 and drops 0.6.
        assert_corner_box(&found, 0.0251);
        let chosen = found.chosen();
        assert_eq!(
            (chosen.density, chosen.coverage),
            (1.0, 1.0),
            "{objective:?}"
        );
        assert_eq!(chosen.limits[0].upper, 0.275);
        assert_eq!(chosen.limits[1].lower, 0.625);
    }
}

#[test]
fn in_uniform_worlds_the_box_of_the_corner_is_found_within_a_peel() {
    let rows = uniform(1000, 3, 20);
    let condition: Vec<bool> = rows.iter().map(|row| corner(row)).collect();
    let found = run(&rows, &condition, &Options::default());
    // A peel removes 5% of the box: near the end, 5% of about 150 worlds,
    // a slice of about 0.05 × 0.3 in x0 or 0.05 × 0.4 in x1.
    assert_corner_box(&found, 0.03);
    let chosen = found.chosen();
    assert!(chosen.density >= 0.95, "density {}", chosen.density);
    assert!(chosen.coverage >= 0.9, "coverage {}", chosen.coverage);
}

#[test]
fn a_condition_independent_of_every_parameter_restricts_none() {
    let rows = uniform(1000, 5, 21);
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    let random: Vec<bool> = (0..rows.len()).map(|_| rng.random_bool(0.3)).collect();
    let parity: Vec<bool> = (0..rows.len()).map(|w| w % 2 == 0).collect();
    for condition in [random, parity] {
        for objective in [Objective::Lenient1, Objective::Original] {
            let options = Options {
                objective,
                ..Options::default()
            };
            let found = run(&rows, &condition, &options);
            let base = found.trajectory()[0].density;
            if objective == Objective::Original {
                // Peeling down to 5% of the worlds finds denser boxes by
                // chance...
                let densest = found
                    .trajectory()
                    .iter()
                    .map(|s| s.density)
                    .fold(0.0, f64::max);
                assert!(densest > base + 0.1, "{densest} against {base}");
            }
            // ...but pruning leaves none of their limits.
            assert_eq!(found.chosen().restricted(), 0, "{objective:?}");
            assert_eq!(found.chosen().density, base);
            assert!(
                found
                    .describe()
                    .starts_with("no box restricts a parameter: ")
            );
        }
    }
}

#[test]
fn the_quasi_p_value_of_a_limit_is_the_binomial_tail_worked_by_hand() {
    // Ten worlds x = 0..9; the condition holds from x = 5. Each peel takes
    // the lowest world off ((0 + 1) / 2 = 0.5, then 1.5, ...) until the box
    // x ≥ 4.5 holds only worlds where it holds; pasting x ≥ 3.5 back would
    // lower the density.
    let rows: Vec<Vec<f64>> = (0..10).map(|x| vec![f64::from(x)]).collect();
    let condition: Vec<bool> = (0..10).map(|x| x >= 5).collect();
    let found = run(&rows, &condition, &Options::default());
    let lowers: Vec<f64> = found
        .trajectory()
        .iter()
        .map(|s| s.limits[0].lower)
        .collect();
    assert_eq!(lowers, [0.0, 0.5, 1.5, 2.5, 3.5, 4.5]);
    let chosen = &found.trajectory()[5];
    // Without its limit the box is all ten worlds, density 1/2: the
    // chance of 5 cases in 5 worlds is 1/2^5.
    let limit = chosen.restrictions[0].lower.unwrap();
    assert_eq!((limit.value, chosen.restrictions[0].upper), (4.5, None));
    assert!(
        (limit.quasi_p * 32.0 - 1.0).abs() < 1e-12,
        "{}",
        limit.quasi_p
    );
    // One step earlier, x ≥ 3.5 holds 5 cases in 6 worlds: P(X ≥ 5) for
    // X ~ B(6, 1/2) = (6 + 1) / 64.
    let earlier = found.trajectory()[4].restrictions[0].lower.unwrap();
    assert!(
        (earlier.quasi_p * 64.0 / 7.0 - 1.0).abs() < 1e-12,
        "{}",
        earlier.quasi_p
    );
    // Ten worlds are too few for the box to be the answer: 1/32 is above
    // 0.05 / 6, the level for a pick among six boxes.
    assert_eq!((found.chosen_step(), found.chosen().restricted()), (0, 0));
    let picked = Options {
        choice: Choice::Step(5),
        ..Options::default()
    };
    assert_eq!(run(&rows, &condition, &picked).chosen(), chosen);
}

#[test]
fn a_quasi_p_value_compares_the_box_with_that_one_limit_removed() {
    let rows = uniform(400, 3, 23);
    let condition: Vec<bool> = rows.iter().map(|r| r[0] > 0.5 && r[1] < 0.6).collect();
    let options = Options {
        objective: Objective::Original,
        ..Options::default()
    };
    let found = run(&rows, &condition, &options);
    let whole = &found.trajectory()[0].limits;
    let mut checked = 0;
    for step in found.trajectory() {
        for restriction in &step.restrictions {
            let j = restriction.parameter;
            let sides = [(restriction.lower, true), (restriction.upper, false)];
            for (limit, lower) in sides.into_iter().filter_map(|(l, lower)| Some((l?, lower))) {
                // The box without this limit, counted world by world.
                let mut without = step.limits.clone();
                if lower {
                    without[j].lower = whole[j].lower;
                } else {
                    without[j].upper = whole[j].upper;
                }
                let inside = |row: &Vec<f64>| (0..3).all(|i| without[i].contains(row[i]));
                let worlds = rows.iter().filter(|row| inside(row)).count();
                let cases = (rows.iter().zip(&condition))
                    .filter(|(row, holds)| **holds && inside(row))
                    .count();
                let p = cases as f64 / worlds as f64;
                let (k, n) = (step.counts.cases, step.counts.worlds);
                assert_eq!(limit.quasi_p, binomial_upper_tail(k, n, p));
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn the_objectives_score_as_ema_workbench_does() {
    let old = Counts {
        worlds: 100,
        cases: 20,
    };
    let new = Counts {
        worlds: 95,
        cases: 20,
    };
    let gain = 20.0 / 95.0 - 0.2;
    assert_eq!(Objective::Lenient1.score(old, new), gain / 5.0);
    assert_eq!(Objective::Lenient2.score(old, new), 95.0 * gain / 5.0);
    assert_eq!(Objective::Original.score(old, new), 20.0 / 95.0);
    assert_eq!(Objective::Lenient1.score(old, old), 0.0);
    let empty = Counts {
        worlds: 0,
        cases: 0,
    };
    assert_eq!(Objective::Original.score(old, empty), -1.0);
}

#[test]
fn the_choice_rules_pick_the_box_they_say() {
    let rows = uniform(1000, 3, 24);
    let condition: Vec<bool> = rows.iter().map(|row| corner(row)).collect();
    let points = Points::from_rows(&names(3), &rows, &condition).unwrap();
    let original = Options {
        objective: Objective::Original,
        ..Options::default()
    };
    let found = discover(&points, &original).unwrap();
    let trajectory = found.trajectory();
    let level = 0.05 / trajectory.len() as f64;
    let pruned: Vec<Step> = (trajectory.iter())
        .map(|step| choose::prune(&points, &trajectory[0].limits, step, level).0)
        .collect();
    let at = |choice| discover(&points, &Options { choice, ..original }).unwrap();
    // Densest: no pruned box is denser, and none as dense covers more.
    let densest = found.chosen();
    assert!(pruned.iter().all(|p| p.density < densest.density
        || (p.density == densest.density && p.coverage <= densest.coverage)));
    assert!(densest.density > 0.95 && densest.restricted() == 2);
    // Coverage at a density of at least one half: no pruned box that dense
    // covers more.
    let half = at(Choice::CoverageAtDensity { density: 0.5 });
    let half = half.chosen();
    assert!(half.density >= 0.5 && half.coverage > densest.coverage);
    assert!(
        pruned
            .iter()
            .all(|p| p.density < 0.5 || p.coverage <= half.coverage)
    );
    // At any density, the densest of the boxes that cover every case.
    let any = at(Choice::CoverageAtDensity { density: 0.0 });
    let any = any.chosen();
    assert!(any.coverage == 1.0 && any.density > 0.9, "{any:?}");
    assert!(
        pruned
            .iter()
            .all(|p| p.coverage < 1.0 || p.density <= any.density)
    );
    // A step is taken as it is, not pruned.
    let third = at(Choice::Step(3));
    assert_eq!((third.chosen_step(), third.chosen()), (3, &trajectory[3]));
}

#[test]
fn options_out_of_range_are_refused_by_name() {
    let rows = uniform(10, 1, 25);
    let points = Points::from_rows(&names(1), &rows, &[true; 10]).unwrap();
    let refuse = |options: Options| discover(&points, &options).unwrap_err().to_string();
    let base = Options::default();
    assert_eq!(
        refuse(Options {
            peel_alpha: 0.0,
            ..base
        }),
        "peel_alpha = 0: must be in (0, 0.5]"
    );
    assert_eq!(
        refuse(Options {
            paste_alpha: 0.6,
            ..base
        }),
        "paste_alpha = 0.6: must be in (0, 0.5]"
    );
    assert_eq!(
        refuse(Options {
            mass_min: f64::NAN,
            ..base
        }),
        "mass_min = NaN: must be in (0, 1]"
    );
    let dense = Options {
        choice: Choice::CoverageAtDensity { density: 1.5 },
        ..base
    };
    assert_eq!(refuse(dense), "density = 1.5: must be in [0, 1]");
    let step = Options {
        choice: Choice::Step(9),
        ..base
    };
    assert_eq!(
        refuse(step),
        "step = 9: the peeling trajectory has steps 0 to 0"
    );
}

#[test]
fn the_box_is_written_as_csv_and_in_words() {
    let rows = grid();
    let condition: Vec<bool> = rows.iter().map(|row| corner(row)).collect();
    let found = run(&rows, &condition, &Options::default());
    let mut text = Vec::new();
    found.write_box_csv(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "parameter,lower,upper,qp,qp_lower,qp_upper");
    // x0 is limited from above only, x1 from below only.
    let qp = |r: &Restriction| r.quasi_p();
    let (x0, x1) = (
        qp(&found.chosen().restrictions[0]),
        qp(&found.chosen().restrictions[1]),
    );
    assert_eq!(lines[1], format!("x0,0.0,0.275,{x0:?},,{x0:?}"));
    assert_eq!(lines[2], format!("x1,0.625,1.0,{x1:?},{x1:?},"));
    assert_eq!(lines.len(), 3);
    let mut text = Vec::new();
    found.write_trajectory_csv(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let header = "step,phase,coverage,density,mass,worlds,cases,restricted,chosen";
    assert_eq!(text.lines().next(), Some(header));
    assert!(text.lines().nth(1).unwrap().starts_with("0,start,1.0,"));
    assert_eq!(
        text.lines().filter(|line| line.ends_with(",true")).count(),
        1
    );
    assert_eq!(
        found.describe_as("`failed`"),
        "when x0 ≤ 0.275 and x1 ≥ 0.625, `failed` holds in 100% of worlds (528 of 528); \
         these are 100% of the worlds where it holds (528 of 528) and 11% of all worlds"
    );
}
