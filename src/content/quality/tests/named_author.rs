//! A scenario naming an author of a source it cites.

use super::fixture::{quiz, with, Fixture, FILE, TEN};
use crate::content::quality::named_author::authors;

#[test]
fn a_scenario_that_names_an_author_it_cites_is_named() {
    let options: &[&str] = &[TEN, TEN, TEN];
    let items = [
        quiz(
            "fx-m1-q01",
            "Your group asks what Dobbin and Kalev found. Which is it?",
            options,
            &["Dobbin & Kalev, HBR 2016"],
        ),
        quiz(
            "fx-m1-q02",
            "Your group wants a mentoring program that lasts. What helps most?",
            options,
            &["Dobbin & Kalev, HBR 2016"],
        ),
        quiz(
            "fx-m1-q03",
            "A colleague wants to sue over a slight. What do you suggest?",
            options,
            &["Sue et al., 2019"],
        ),
    ];
    let lines = Fixture::module(&items.concat()).lines();
    assert_eq!(
        with(&lines, "scenario names"),
        [format!(
            "{FILE}: fx-m1-q01: warning: scenario names Dobbin, Kalev, authors of \"Dobbin & \
             Kalev, HBR 2016\" which it cites: a name points at the answer; ask what to do in the \
             situation instead"
        )]
    );
}

#[test]
fn a_citations_authors_are_the_names_it_starts_with() {
    assert_eq!(
        authors("Lewicki, Polin & Lount, 2016"),
        ["Lewicki", "Polin", "Lount"]
    );
    assert_eq!(authors("Sue et al., 2019"), ["Sue"]);
    assert_eq!(authors("Ashburn-Nardo et al., 2014"), ["Ashburn-Nardo"]);
    assert_eq!(authors("Thomas, 2020 (optical allyship)"), ["Thomas"]);
    assert_eq!(
        authors("Williams, Bias Interrupters (Maternal Wall)"),
        ["Williams"]
    );
    assert_eq!(authors("CDC, Disability Impacts All of Us"), ["CDC"]);
    assert!(authors("Frame Shift Consulting, Ally Skills Workshop").is_empty());
    assert!(authors("Bias Interrupters (Williams, WorkLife Law)").is_empty());
    assert!(authors("alex / retext-equality").is_empty());
}
