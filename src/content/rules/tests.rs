use super::*;
use crate::content::model::{Difficulty, QuizOption};
use crate::domain::FourA;

fn option(text: &str, correct: bool, explanation: &str) -> QuizOption {
    QuizOption {
        text: text.into(),
        correct,
        explanation: explanation.into(),
    }
}

fn quiz_item(options: Vec<QuizOption>) -> QuizItem {
    QuizItem {
        id: "acc-m4-q01".into(),
        four_a: FourA::Action,
        difficulty: Difficulty::Easy,
        scenario: "Your colleague is talked over. What do you do?".into(),
        content_note: None,
        options,
        sources: vec!["Someone, 2020".into()],
        lint_allow: Vec::new(),
    }
}

fn template(when: &str, will: &str) -> CommitmentTemplate {
    CommitmentTemplate {
        id: "acc-m4-c01".into(),
        four_a: FourA::Action,
        when: when.into(),
        will: will.into(),
        sources: vec!["Gollwitzer & Sheeran, 2006".into()],
        lint_allow: Vec::new(),
    }
}

#[test]
fn sentences_are_counted_as_a_reader_would() {
    assert_eq!(sentences("One thing. Another thing."), 2);
    assert_eq!(sentences("Is it? Yes! Good."), 3);
    assert_eq!(sentences("No full stop at the end"), 1);
    assert_eq!(
        sentences("A study of U.S. Supreme Court arguments found this. It matters."),
        2
    );
    assert_eq!(sentences("Try a phrase, e.g. \"thanks\". Then stop."), 2);
    assert_eq!(sentences("Sue et al. (2019) describe it. Use it."), 2);
    assert_eq!(sentences("Say \"Thanks, Amara.\" Then move on."), 2);
    assert_eq!(sentences("About 3.5 times as often. Really."), 2);
    assert_eq!(sentences("Wait... What happened? Nothing."), 3);
    assert_eq!(sentences("Across\nlines. Still\ntwo."), 2);
    assert_eq!(
        sentences("Ask: \"I noticed it. How are you? Anything from me?\" Then listen."),
        2
    );
    assert_eq!(sentences(""), 0);
}

#[test]
fn a_well_formed_id_follows_the_scheme() {
    let scheme = IdScheme {
        prefix: Some("acc"),
        module: 4,
    };
    assert!(id("acc-m4-p01", 'p', scheme).is_empty());
    assert!(id("acc-m4-q123", 'q', scheme).is_empty());
    assert_eq!(
        id("acc-m3-p01", 'p', scheme),
        ["id does not follow the scheme acc-m4-p<NN>"]
    );
    assert_eq!(
        id("acc-m4-q01", 'p', scheme),
        ["id does not follow the scheme acc-m4-p<NN>"]
    );
    assert_eq!(
        id("Acc-m4-p01", 'p', scheme),
        ["id must be 3 to 32 characters of a-z, 0-9 and -"]
    );
    let own = IdScheme {
        prefix: None,
        module: 1,
    };
    assert!(id("ops-m1-r07", 'r', own).is_empty());
}

#[test]
fn each_option_needs_an_explanation_and_a_short_text() {
    let long = "x".repeat(OPTION_MAX + 1);
    let item = quiz_item(vec![
        option("A", true, "Yes."),
        option(&long, false, "No."),
        option("C", false, " "),
    ]);
    assert_eq!(
        quiz(&item),
        [
            "option 2 text is 201 characters; at most 200",
            "option 3 has no explanation"
        ]
    );
}

#[test]
fn a_quiz_item_needs_three_options_and_distinct_ones() {
    let item = quiz_item(vec![option("A", true, "Yes."), option("a", false, "No.")]);
    assert_eq!(
        quiz(&item),
        [
            "has 2 options; a quiz item has 3 to 4",
            "option 2 repeats option 1"
        ]
    );
}

#[test]
fn a_scenario_ends_with_a_question() {
    let mut item = quiz_item(vec![
        option("A", true, "Y."),
        option("B", false, "N."),
        option("C", false, "N."),
    ]);
    item.scenario = "Your colleague is talked over.".into();
    assert_eq!(
        quiz(&item),
        ["scenario does not end with a question (\"?\")"]
    );
}

#[test]
fn a_commitment_is_an_if_then_plan() {
    assert!(commitment(&template("When I notice it,", "I will say so.")).is_empty());
    assert!(commitment(&template("If it happens again,", "I'll name it.")).is_empty());
    assert_eq!(
        commitment(&template("Whenever I can,", "Will do.")),
        [
            "when must start with \"When\" or \"If\"",
            "will must start with \"I will\" or \"I'll\""
        ]
    );
}

#[test]
fn sources_must_be_present_and_short() {
    assert_eq!(
        sources(&[]),
        ["sources is empty; cite at least one short source"]
    );
    assert_eq!(sources(&["".into()]), ["source 1 is empty"]);
    assert!(sources(&["Sue et al., 2019".into()]).is_empty());
}
