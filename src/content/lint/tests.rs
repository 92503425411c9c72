use super::*;

fn lint() -> Lint {
    Lint::builtin().expect("the shipped prompts/lint.toml parses")
}

fn flagged(text: &str) -> Vec<String> {
    lint()
        .hits(text, &[])
        .into_iter()
        .map(|h| h.found)
        .collect()
}

#[test]
fn the_shipped_list_parses_and_every_entry_has_a_reason() {
    let lint = lint();
    assert!(
        lint.terms.len() >= 20,
        "the list shrank unexpectedly: {}",
        lint.terms.len()
    );
    assert!(lint.terms.iter().all(|t| !t.suggest.is_empty()));
}

#[test]
fn a_listed_term_is_flagged_whatever_its_case() {
    assert_eq!(flagged("Hey Guys, the build is green."), ["Guys"]);
    assert_eq!(flagged("That was a crazy week."), ["crazy"]);
}

#[test]
fn a_multi_word_term_is_found_across_a_line_break_and_a_hyphen() {
    assert_eq!(flagged("Run a sanity\ncheck first."), ["sanity check"]);
    assert_eq!(flagged("It was tone deaf."), ["tone deaf"]);
    assert_eq!(flagged("We logged 40 man-hours."), ["man-hours"]);
}

#[test]
fn a_phrase_does_not_continue_across_sentence_punctuation() {
    assert!(flagged("Keep your sanity. Check in with a friend.").is_empty());
}

#[test]
fn quoted_text_is_not_flagged() {
    assert!(flagged(r#"Try "hello everyone" in place of "hey guys"."#).is_empty());
    assert!(flagged("Words such as “crazy” and “lame” borrow from disability.").is_empty());
}

#[test]
fn an_unpaired_quote_mark_hides_nothing() {
    assert_eq!(flagged(r#"He said "hi." Later the guys left."#), ["guys"]);
    assert_eq!(flagged(r#"A 6" screen, and the guys left."#), ["guys"]);
}

#[test]
fn expected_clean_text_is_not_flagged() {
    let clean = [
        "She finished her master's degree last spring.",
        "Mastering a new skill takes practice; a master copy lives in the shared drive.",
        "We just shipped it, and the outcome was just.",
        "Lunch at Five Guys after the offsite?",
        "Simply put, the pattern repeats.",
        "Your guidance helped the whole team.",
        "The guy's idea was good.",
        "Use a blind review and simple rubrics.",
        "Insanitary is not a word we use; nor is dumbbell a problem.",
        "Invite people to share what they choose, and trust the team.",
        "Office housework often lands on the same people.",
        "Enslaved people built much of the early U.S. economy.",
    ];
    for text in clean {
        assert!(
            flagged(text).is_empty(),
            "flagged in {text:?}: {:?}",
            flagged(text)
        );
    }
}

#[test]
fn curly_apostrophes_keep_a_word_whole() {
    assert!(flagged("Her master’s thesis was on load balancing.").is_empty());
}

#[test]
fn a_wildcard_form_matches_word_endings() {
    assert_eq!(flagged("The outage crippled checkout."), ["crippled"]);
    assert_eq!(flagged("They were grandfathered in."), ["grandfathered"]);
}

#[test]
fn lint_allow_accepts_the_term_or_one_of_its_forms() {
    let lint = lint();
    assert!(lint
        .hits("The old whitelisting rule.", &["whitelist".into()])
        .is_empty());
    assert!(lint
        .hits("The old whitelisting rule.", &["whitelist*".into()])
        .is_empty());
    assert!(!lint
        .hits("The guys and the whitelist.", &["whitelist".into()])
        .is_empty());
    assert!(lint.knows("Guys"));
    assert!(!lint.knows("gals"));
}

#[test]
fn a_hit_carries_its_suggestions() {
    let hits = lint().hits("Thanks, guys.", &[]);
    assert_eq!(hits[0].term, "guys");
    assert!(hits[0].suggest.contains(&"everyone".to_owned()));
}

#[test]
fn a_list_without_a_reason_is_refused() {
    let text = "[[terms]]\nterm = \"x\"\nsuggest = [\"y\"]\nwhy = \" \"\n";
    assert!(Lint::parse(text).is_err());
    let broken = "[[terms]]\nterm = \"x\"\nsuggest = [\"y\"]\nwhy = \"because\"\nnote = 1\n";
    let error = Lint::parse(broken).expect_err("unknown key");
    assert!(error.starts_with("line 5: unknown field `note`"), "{error}");
}
