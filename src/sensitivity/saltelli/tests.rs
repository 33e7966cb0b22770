use super::*;

fn design(groups: &Groups, base_rows: usize, second_order: bool, seed: u64) -> SaltelliDesign {
    let options = SaltelliOptions {
        base_rows,
        second_order,
        seed,
    };
    SaltelliDesign::generate(groups, options).unwrap()
}

/// Columns where two points differ.
fn differing_columns(left: &[f64], right: &[f64]) -> Vec<usize> {
    (0..left.len()).filter(|&c| left[c] != right[c]).collect()
}

#[test]
fn each_ab_differs_from_a_in_exactly_its_column_and_takes_it_from_b() {
    let groups = Groups::ungrouped(5).unwrap();
    let design = design(&groups, 64, true, 3);
    let layout = design.layout;
    for row in 0..layout.base_rows() {
        let a = &design.points[layout.a(row)];
        let b = &design.points[layout.b(row)];
        for column in 0..5 {
            let ab = &design.points[layout.ab(row, column)];
            assert_eq!(differing_columns(a, ab), vec![column]);
            assert_eq!(ab[column], b[column]);
        }
    }
}

#[test]
fn each_ba_differs_from_b_in_exactly_its_column_and_takes_it_from_a() {
    let groups = Groups::ungrouped(5).unwrap();
    let design = design(&groups, 64, true, 3);
    let layout = design.layout;
    for row in 0..layout.base_rows() {
        let a = &design.points[layout.a(row)];
        let b = &design.points[layout.b(row)];
        for column in 0..5 {
            let ba = &design.points[layout.ba(row, column).unwrap()];
            assert_eq!(differing_columns(b, ba), vec![column]);
            assert_eq!(ba[column], a[column]);
        }
    }
}

#[test]
fn with_groups_the_mixed_points_swap_all_columns_of_one_group() {
    let groups = Groups::new(vec![1, 0, 1, 2]).unwrap();
    let design = design(&groups, 32, true, 11);
    let layout = design.layout;
    assert_eq!(layout.points_per_row(), 2 * 3 + 2);
    assert_eq!(design.points.len(), 32 * 8);
    for row in 0..layout.base_rows() {
        let a = &design.points[layout.a(row)];
        let b = &design.points[layout.b(row)];
        for group in 0..3 {
            let members = groups.members(group);
            let ab = &design.points[layout.ab(row, group)];
            let ba = &design.points[layout.ba(row, group).unwrap()];
            assert_eq!(differing_columns(a, ab), members);
            assert_eq!(differing_columns(b, ba), members);
            for &column in &members {
                assert_eq!(ab[column], b[column]);
                assert_eq!(ba[column], a[column]);
            }
        }
    }
}

#[test]
fn the_layout_puts_a_first_and_b_last_in_each_base_row() {
    let layout = SaltelliLayout::new(4, 3, false).unwrap();
    assert_eq!(layout.points(), 4 * 5);
    assert_eq!(
        (layout.a(1), layout.ab(1, 0), layout.ab(1, 2), layout.b(1)),
        (5, 6, 8, 9)
    );
    assert_eq!(layout.ba(1, 0), None);
    let second = SaltelliLayout::new(4, 3, true).unwrap();
    assert_eq!(second.points(), 4 * 8);
    assert_eq!(
        (second.a(1), second.ba(1, 0), second.b(1)),
        (8, Some(12), 15)
    );
}

#[test]
fn each_column_of_a_and_b_has_one_point_in_each_of_n_equal_bins() {
    // The first N points of a scrambled Sobol' sequence stratify every
    // dimension: the mark of a net, and what the shuffle must preserve.
    let groups = Groups::ungrouped(4).unwrap();
    let base_rows = 256;
    let design = design(&groups, base_rows, false, 99);
    let layout = design.layout;
    for matrix in [SaltelliLayout::a, SaltelliLayout::b] {
        for column in 0..4 {
            let mut bins = vec![0; base_rows];
            for row in 0..base_rows {
                let value = design.points[matrix(&layout, row)][column];
                assert!((0.0..1.0).contains(&value));
                bins[(value * base_rows as f64) as usize] += 1;
            }
            assert!(bins.iter().all(|&count| count == 1));
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_design_and_another_seed_another() {
    let groups = Groups::ungrouped(3).unwrap();
    assert_eq!(design(&groups, 16, true, 7), design(&groups, 16, true, 7));
    assert_ne!(design(&groups, 16, true, 7), design(&groups, 16, true, 8));
    // Seeds differing only in their upper half differ too.
    assert_ne!(
        design(&groups, 16, true, 7),
        design(&groups, 16, true, 7 | 1 << 40)
    );
}

#[test]
fn base_rows_that_are_not_a_power_of_two_are_refused_with_the_nearest_allowed() {
    let groups = Groups::ungrouped(2).unwrap();
    let refuse = |base_rows| {
        let options = SaltelliOptions {
            base_rows,
            second_order: false,
            seed: 0,
        };
        SaltelliDesign::generate(&groups, options).unwrap_err()
    };
    for (base_rows, nearest) in [(0, 2), (1, 2), (3, 4), (1000, 1024), (700, 512)] {
        assert_eq!(
            refuse(base_rows),
            SensitivityError::BaseRowsNotPowerOfTwo { base_rows, nearest }
        );
    }
    assert_eq!(
        refuse(1 << 17),
        SensitivityError::TooManyBaseRows {
            base_rows: 1 << 17,
            max: MAX_BASE_ROWS
        }
    );
}

#[test]
fn more_parameters_than_the_sequence_has_dimension_pairs_are_refused() {
    let groups = Groups::ungrouped(MAX_SALTELLI_PARAMETERS + 1).unwrap();
    let options = SaltelliOptions {
        base_rows: 2,
        second_order: false,
        seed: 0,
    };
    assert!(matches!(
        SaltelliDesign::generate(&groups, options),
        Err(SensitivityError::TooManyParameters { .. })
    ));
    let largest = Groups::ungrouped(MAX_SALTELLI_PARAMETERS).unwrap();
    assert!(SaltelliDesign::generate(&largest, options).is_ok());
}
