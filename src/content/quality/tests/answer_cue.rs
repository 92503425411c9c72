//! The answer cue by length: a ratio per item, a share per module.

use super::fixture::{quiz, with, Fixture, ELEVEN, FILE, TEN, TWENTY};

#[test]
fn a_best_answer_much_longer_than_the_others_is_named_with_its_ratio() {
    let items = [
        quiz("fx-m1-q01", "What now?", &[TWENTY, TEN, TEN], &["S, 2020"]),
        quiz(
            "fx-m1-q02",
            "And now?",
            &[TEN, ELEVEN, TWENTY],
            &["S, 2020"],
        ),
        quiz("fx-m1-q03", "Then?", &[TEN, TEN, TEN, TEN], &["S, 2020"]),
    ];
    let lines = Fixture::module(&items.concat()).lines();
    assert_eq!(
        with(&lines, "times the mean length"),
        [format!(
            "{FILE}: fx-m1-q01: warning: the best answer is 2.00 times the mean length of the \
             other options (at most 1.25); shorten it or lengthen the others"
        )]
    );
}

#[test]
fn a_module_where_the_best_answer_is_usually_the_longest_is_named_with_its_share() {
    // Each best answer is only a little longer (1.1 times), so no item is named on its own.
    let mostly_longest = [
        quiz("fx-m1-q01", "One?", &[ELEVEN, TEN, TEN], &["S, 2020"]),
        quiz("fx-m1-q02", "Two?", &[ELEVEN, TEN, TEN], &["S, 2020"]),
        quiz("fx-m1-q03", "Three?", &[TEN, TEN, ELEVEN], &["S, 2020"]),
    ];
    let lines = Fixture::module(&mostly_longest.concat()).lines();
    assert!(with(&lines, "times the mean length").is_empty());
    assert_eq!(
        with(&lines, "longest option"),
        [format!(
            "{FILE}: -: warning: the best answer is the longest option in 2 of 3 quiz items \
             (67%; at most 35%)"
        )]
    );

    let varied = [
        quiz("fx-m1-q01", "One?", &[ELEVEN, TEN, TEN], &["S, 2020"]),
        quiz("fx-m1-q02", "Two?", &[TEN, ELEVEN, TEN], &["S, 2020"]),
        quiz("fx-m1-q03", "Three?", &[TEN, TEN, ELEVEN], &["S, 2020"]),
    ];
    assert!(with(&Fixture::module(&varied.concat()).lines(), "longest option").is_empty());
}
