//! UK English in every text a participant reads, and words that only look British.

use super::fixture::{with, Fixture, FILE};
use crate::content::quality::spelling::uk_words;

#[test]
fn uk_english_is_found_in_every_text_a_participant_reads() {
    let items = r#"
[[prompts]]
id = "fx-m1-p01"
four_a = "action"
title = "Start a rota"
text = "Thank the panellist. Then ask."
reflection = "What did the programme change?"
content_note = "Mentions hostile behaviour."
sources = ["Organisation for Economic Co-operation, Behaviour report"]

[[quiz]]
id = "fx-m1-q01"
four_a = "action"
difficulty = "easy"
scenario = "Your organisation asks. What now?"
content_note = "Mentions a rumour."
sources = ["S, 2020"]

[[quiz.options]]
text = "Recognise it."
correct = true
explanation = "It shows good judgement."

[[quiz.options]]
text = "Prioritise speed."
explanation = "It is not the centre of this."

[[quiz.options]]
text = "Wait a fortnight."
explanation = "It feels like a defence."

[[reflections]]
id = "fx-m1-r01"
four_a = "awareness"
text = "Who was labelled?"
sources = ["S, 2020"]

[[commitments]]
id = "fx-m1-c01"
four_a = "action"
when = "When the rotas are set,"
will = "I will analyse them."
sources = ["S, 2020"]
"#;
    let fixture = Fixture::module(items);
    let manifest = fixture.dir.path().join("fx/track.toml");
    let text = std::fs::read_to_string(&manifest).expect("the manifest");
    let text = text.replace("A fixture.", "A practise run.");
    std::fs::write(&manifest, text).expect("the manifest");
    let lines = with(&fixture.lines(), "uses UK English");
    let fields: Vec<&str> = lines
        .iter()
        .map(|l| l.split(": warning: ").nth(1).unwrap_or_default())
        .map(|m| m.split(" uses ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "title",
            "text",
            "reflection",
            "content_note",
            "scenario",
            "content_note",
            "option 1 text",
            "option 1 explanation",
            "option 2 text",
            "option 2 explanation",
            "option 3 text",
            "option 3 explanation",
            "text",
            "when",
            "will",
            "description",
        ],
        "sources are never checked: {lines:#?}"
    );
    assert_eq!(
        lines[0],
        format!("{FILE}: fx-m1-p01: warning: title uses UK English \"rota\"; in US English, \"rotation\"")
    );
}

#[test]
fn us_english_and_words_that_only_look_british_are_not_flagged() {
    let text = "The panelists' analyses of the organism: a rotation, a program, a judgment, \
                the organization's behavior. Emphases and realism are fine.";
    assert!(uk_words(text).is_empty(), "{:?}", uk_words(text));
}

#[test]
fn a_uk_word_is_matched_whatever_its_case_and_its_us_form_keeps_the_capital() {
    assert_eq!(
        uk_words("Organisations and the panellist's rota-based plan."),
        [
            ("Organisations", "Organizations".to_owned()),
            ("panellist", "panelist".to_owned()),
            ("rota", "rotation".to_owned()),
        ]
    );
}
