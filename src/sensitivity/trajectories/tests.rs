use super::*;

fn design(groups: &Groups, trajectories: usize, levels: usize, seed: u64) -> MorrisDesign {
    let options = MorrisOptions {
        trajectories,
        levels,
        seed,
    };
    MorrisDesign::generate(groups, options).unwrap()
}

/// Checks every step of a design: exactly the group's parameters move, by
/// Δ in the step's direction, and every point lies on the grid in [0, 1].
fn assert_steps_move_one_group_by_delta(design: &MorrisDesign, groups: &Groups) {
    let layout = &design.layout;
    let delta = layout.delta();
    let top = (layout.levels() - 1) as f64;
    for point in &design.points {
        for &value in point {
            assert!((0.0..=1.0).contains(&value));
            let level = value * top;
            assert!(
                (level - level.round()).abs() < 1e-9,
                "{value} is off the grid"
            );
        }
    }
    for trajectory in 0..layout.trajectories() {
        let mut moved = vec![false; groups.count()];
        for step in 0..layout.groups() {
            let before = &design.points[layout.point(trajectory, step)];
            let after = &design.points[layout.point(trajectory, step + 1)];
            let MorrisStep { group, direction } = layout.step(trajectory, step);
            let sign = match direction {
                Direction::Up => 1.0,
                Direction::Down => -1.0,
            };
            for parameter in 0..groups.parameters() {
                let change = after[parameter] - before[parameter];
                if groups.group_of()[parameter] == group {
                    // Levels are exact integers; dividing by p - 1 rounds.
                    assert!((change - sign * delta).abs() < 1e-12, "{change} vs {sign}Δ");
                } else {
                    assert_eq!(change, 0.0);
                }
            }
            assert!(!moved[group], "group {group} moved twice");
            moved[group] = true;
        }
    }
}

#[test]
fn every_step_moves_exactly_one_parameter_by_delta_and_stays_in_the_unit_interval() {
    let groups = Groups::ungrouped(6).unwrap();
    for levels in [2, 4, 6, 10] {
        let design = design(&groups, 40, levels, 17);
        assert_eq!(design.points.len(), 40 * 7);
        assert_steps_move_one_group_by_delta(&design, &groups);
    }
}

#[test]
fn with_groups_every_step_moves_all_parameters_of_one_group_the_same_way() {
    let groups = Groups::new(vec![2, 0, 2, 1, 0]).unwrap();
    let design = design(&groups, 40, 4, 23);
    assert_eq!(design.layout.points_per_trajectory(), 4);
    assert_eq!(design.points.len(), 40 * 4);
    assert_steps_move_one_group_by_delta(&design, &groups);
}

#[test]
fn steps_go_both_ways_and_start_from_every_level() {
    let groups = Groups::ungrouped(3).unwrap();
    let design = design(&groups, 200, 4, 31);
    let layout = &design.layout;
    let ups = (0..layout.trajectories())
        .flat_map(|t| (0..3).map(move |s| (t, s)))
        .filter(|&(t, s)| layout.step(t, s).direction == Direction::Up)
        .count();
    assert!(ups > 200 && ups < 400, "{ups} of 600 steps up");
    let mut seen = [false; 4];
    for point in &design.points {
        seen[(point[0] * 3.0).round() as usize] = true;
    }
    assert_eq!(seen, [true; 4]);
}

#[test]
fn the_same_seed_gives_the_same_design_and_another_seed_another() {
    let groups = Groups::ungrouped(4).unwrap();
    assert_eq!(design(&groups, 5, 4, 1), design(&groups, 5, 4, 1));
    assert_ne!(design(&groups, 5, 4, 1), design(&groups, 5, 4, 2));
}

#[test]
fn odd_or_too_few_levels_and_zero_trajectories_are_refused() {
    let groups = Groups::ungrouped(2).unwrap();
    let generate = |trajectories, levels| {
        MorrisDesign::generate(
            &groups,
            MorrisOptions {
                trajectories,
                levels,
                seed: 0,
            },
        )
    };
    for levels in [0, 1, 3, 5] {
        assert_eq!(
            generate(4, levels),
            Err(SensitivityError::LevelsNotEven { levels })
        );
    }
    assert_eq!(generate(0, 4), Err(SensitivityError::NoTrajectories));
}
