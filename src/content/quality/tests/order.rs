//! The order of the warnings in a report.

use super::fixture::{commitment, prompt, quiz, Fixture, Track, FILE, TEN, TWENTY};

#[test]
fn warnings_are_sorted_by_file_then_whole_module_first_then_item_order() {
    let module_one = [
        quiz("fx-m1-q01", "One?", &[TWENTY, TEN, TEN], &["S, 2020"]),
        quiz(
            "fx-m1-q02",
            "Two?",
            &["Another twenty chars", "Other ten.", "Third one."],
            &["S, 2020"],
        ),
        commitment(
            "fx-m1-c01",
            "When the rota is set,",
            "I will check it.",
            &["S, 2020"],
        ),
    ];
    let module_two = [prompt(
        "fx-m2-p01",
        "A rota",
        "Look. Then act.",
        &["internal memo"],
    )];
    let fixture = Fixture::new(&[Track {
        id: "fx",
        modules: vec![module_one.concat(), module_two.concat()],
    }]);
    let order: Vec<(String, String)> = fixture
        .warnings()
        .into_iter()
        .map(|w| (w.file, w.id))
        .collect();
    let at = |file: &str, id: &str| (file.to_owned(), id.to_owned());
    assert_eq!(
        order,
        [
            at(FILE, "-"),
            at(FILE, "fx-m1-q01"),
            at(FILE, "fx-m1-q02"),
            at(FILE, "fx-m1-c01"),
            at("fx/02-module.toml", "fx-m2-p01"),
            at("fx/02-module.toml", "fx-m2-p01"),
        ]
    );
}
