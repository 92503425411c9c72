//! Sources cited too often, and citations nobody can look up.

use super::fixture::{prompt, reflection, Fixture, FILE};
use crate::content::quality::sources::{is_dated, is_internal};

/// `count` reflections of a one-module track, each citing `source`.
fn citing(source: &str, count: usize) -> Fixture {
    let items: String = (1..=count)
        .map(|n| {
            reflection(
                &format!("fx-m1-r{n:02}"),
                &format!("Question {n}?"),
                &[source],
            )
        })
        .collect();
    Fixture::module(&items)
}

#[test]
fn a_dated_source_behind_more_than_ten_items_of_a_track_is_named_with_its_count() {
    let lines = citing("Sample et al., 2020", 11).lines();
    assert_eq!(
        lines,
        [
            "fx/track.toml: -: warning: \"Sample et al., 2020\" supports 11 items (at most 10 per \
          track for a dated source): fx-m1-r01, fx-m1-r02, fx-m1-r03, fx-m1-r04, fx-m1-r05, \
          fx-m1-r06, fx-m1-r07, fx-m1-r08, fx-m1-r09, fx-m1-r10 and 1 more"
        ]
    );
    assert!(citing("Sample et al., 2020", 10).lines().is_empty());
}

#[test]
fn an_undated_source_may_support_up_to_twenty_five_items_of_a_track() {
    let lines = citing("Some Guide, Inclusive Meetings", 26).lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains("supports 26 items (at most 25 per track for an undated source)"),
        "{lines:#?}"
    );
    assert!(citing("Some Guide, Inclusive Meetings", 25)
        .lines()
        .is_empty());
}

#[test]
fn a_citation_is_dated_when_a_year_stands_as_a_word_of_its_own() {
    assert!(is_dated("Dobbin & Kalev, HBR 2016"));
    assert!(is_dated("GDPR, Art. 9 (Regulation (EU) 2016/679)"));
    assert!(is_dated("Pierce, 1970"));
    assert!(!is_dated("Right To Be, 5Ds of Bystander Intervention"));
    assert!(!is_dated("Guide, section 2016a"));
    assert!(!is_dated("Report 1850"));
}

#[test]
fn a_citation_of_an_internal_note_is_named() {
    let items = [
        prompt(
            "fx-m1-p01",
            "Ask before you share",
            "Ask first. Then share.",
            &[
                "allybot privacy guidance (content-sources 3.4)",
                "GDPR Art. 9",
            ],
        ),
        prompt(
            "fx-m1-p02",
            "Write it down",
            "Note it. Then file it.",
            &["Team internal wiki"],
        ),
        prompt(
            "fx-m1-p03",
            "Check the rules",
            "Read them. Then act.",
            &["International Labour Organization, 2019"],
        ),
    ];
    let lines = Fixture::module(&items.concat()).lines();
    let expected = |id: &str, source: &str| {
        format!(
            "{FILE}: {id}: warning: cites \"{source}\", which participants cannot look up; cite \
             the public source behind it, or nothing the item does not need"
        )
    };
    assert_eq!(
        lines,
        [
            expected(
                "fx-m1-p01",
                "allybot privacy guidance (content-sources 3.4)"
            ),
            expected("fx-m1-p02", "Team internal wiki"),
        ]
    );
    assert!(!is_internal("International Labour Organization, 2019"));
}
