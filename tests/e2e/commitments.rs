//! Commitments and their private check-ins, end to end: the form, the DM on the due day at
//! the cohort's time in the person's own zone, the answers, DMs closed, notes kept sealed,
//! `/checkin`, the cap of five, and someone else's buttons.

use std::time::Duration;

use allybot::sim::Reply;

use crate::commit_support::{
    buttons, checkin_dms, click, cohort_with_member, commit, join, local, open_commit_form,
    settle_at, submit_commitment, WAIT,
};
use crate::harness::Harness;

/// Every message anyone can see in the guild's channels.
fn public_text(harness: &Harness, channels: &[u64]) -> String {
    channels
        .iter()
        .flat_map(|c| harness.sim.channel_messages(*c))
        .map(|m| m.text())
        .collect::<Vec<_>>()
        .join("\n")
}

const BERLIN: chrono_tz::Tz = chrono_tz::Europe::Berlin;

#[tokio::test]
async fn a_commitment_is_checked_in_on_once_at_the_cohorts_time_in_the_persons_own_zone() {
    let (mut harness, user, nudges) = cohort_with_member("Ama").await;
    let zone = harness
        .command(user, "settings", &[("timezone", "Europe/Berlin")])
        .await;
    assert!(zone.text().contains("Europe/Berlin"), "{}", zone.text());

    let opened = open_commit_form(&harness, user).await;
    let form = opened.reply().await.unwrap();
    let when_field = &form.modal().inputs[0];
    assert!(
        when_field
            .placeholder
            .as_deref()
            .is_some_and(|p| !p.is_empty()),
        "a curriculum template is offered as the example"
    );
    let saved = submit_commitment(
        &harness,
        &opened,
        "someone is talked over in stand-up",
        "say I'd like to hear them finish",
        "3",
    )
    .await;
    assert!(saved.message().ephemeral);
    // Thursday 26 November, 09:00 in Berlin (08:00 UTC), shown in each reader's own zone.
    let thursday_nine_berlin = chrono::DateTime::parse_from_rfc3339("2026-11-26T08:00:00Z")
        .unwrap()
        .timestamp();
    assert!(
        saved
            .text()
            .contains(&format!("**Check-in:** <t:{thursday_nine_berlin}:F>")),
        "{}",
        saved.text()
    );

    // Monday 08:00 UTC is 09:00 in Berlin; three days on, at 09:00 Berlin time (not New York's).
    let due = local("2026-11-26", "09:00", BERLIN);
    settle_at(&harness, due - chrono::Duration::minutes(1)).await;
    assert!(
        checkin_dms(&harness, user).is_empty(),
        "nothing before 09:00"
    );
    settle_at(&harness, due).await;
    settle_at(&harness, due + chrono::Duration::hours(3)).await;
    harness.restart().await;
    harness.bot().scheduler().settle().await;

    let dms = checkin_dms(&harness, user);
    assert_eq!(
        dms.len(),
        1,
        "exactly one check-in, across rounds and a restart"
    );
    let dm = &dms[0];
    assert!(
        dm.text().contains(
            "When someone is talked over in stand-up, I will say I'd like to hear them finish"
        ),
        "{}",
        dm.text()
    );
    for label in ["Tried it", "Not yet", "Didn't apply", "Add a note"] {
        assert_eq!(buttons(dm, label).len(), 1, "{label}");
    }

    let tried = click(&harness, user, dm, "Tried it").await;
    assert!(tried.message().ephemeral);
    assert!(tried.text().contains("Marked as kept"), "{}", tried.text());
    let again = click(&harness, user, dm, "Tried it").await;
    assert!(
        again.text().contains("already checked in"),
        "{}",
        again.text()
    );
    let list = harness.command(user, "checkin", &[]).await;
    assert!(
        list.text().contains("no open commitments"),
        "{}",
        list.text()
    );
    let progress = harness
        .bot()
        .store()
        .commitment_progress(user)
        .await
        .unwrap();
    assert_eq!((progress.made, progress.kept, progress.open), (1, 1, 0));
    assert!(!public_text(&harness, &[harness.general, nudges]).contains("talked over"));
}

#[tokio::test]
async fn with_dms_closed_the_check_in_waits_for_the_next_command_and_never_reaches_a_channel() {
    let (harness, user, nudges) = cohort_with_member("Bo").await;
    harness.sim.set_dms_open(user, false);
    commit(
        &harness,
        user,
        "I book a meeting",
        "rotate who takes notes",
        "1",
    )
    .await;

    settle_at(
        &harness,
        local("2026-11-24", "09:00", chrono_tz::America::New_York),
    )
    .await;
    assert!(checkin_dms(&harness, user).is_empty());

    let next = harness
        .sim
        .slash(harness.in_general(user), "about", &[])
        .unwrap();
    next.reply().await.unwrap();
    let shown = next.wait_for_followups(1, WAIT).await;
    assert_eq!(
        shown.len(),
        1,
        "the waiting check-in follows the command's own reply"
    );
    assert!(shown[0].ephemeral);
    assert!(
        shown[0].text().contains("rotate who takes notes"),
        "{}",
        shown[0].text()
    );
    assert!(!public_text(&harness, &[harness.general, nudges]).contains("rotate who takes notes"));

    let later = harness
        .sim
        .slash(harness.in_general(user), "about", &[])
        .unwrap();
    later.reply().await.unwrap();
    assert!(
        later
            .wait_for_followups(1, Duration::from_secs(1))
            .await
            .is_empty(),
        "shown once"
    );
    let answered = click(&harness, user, &shown[0], "Didn't apply").await;
    assert!(
        answered.text().contains("normal outcome"),
        "{}",
        answered.text()
    );
}

#[tokio::test]
async fn a_command_that_opens_a_form_leaves_waiting_check_ins_for_the_next_command() {
    let (harness, user, _) = cohort_with_member("Dara").await;
    harness.sim.set_dms_open(user, false);
    commit(
        &harness,
        user,
        "a decision is made",
        "ask who was missing",
        "1",
    )
    .await;
    // Consent first, so that /reflect answers with its form.
    let notice = harness.command(user, "reflect", &[]).await;
    let agree = notice.message().button("I understand, continue").unwrap();
    harness
        .press(user, notice.message().id, &agree.custom_id)
        .await;
    settle_at(
        &harness,
        local("2026-11-24", "09:00", chrono_tz::America::New_York),
    )
    .await;

    for form_command in ["reflect", "commit"] {
        let opened = harness
            .sim
            .slash(harness.in_general(user), form_command, &[])
            .unwrap();
        let form = opened.reply().await.unwrap();
        assert!(
            matches!(form, Reply::Modal(_)),
            "/{form_command} opens a form"
        );
        assert!(
            opened
                .wait_for_followups(1, Duration::from_secs(1))
                .await
                .is_empty(),
            "nothing lands behind the open /{form_command} form"
        );
    }

    let next = harness
        .sim
        .slash(harness.in_general(user), "progress", &[])
        .unwrap();
    next.reply().await.unwrap();
    let shown = next.wait_for_followups(1, WAIT).await;
    assert_eq!(shown.len(), 1, "the check-in waited for this command");
    assert!(
        shown[0].text().contains("ask who was missing"),
        "{}",
        shown[0].text()
    );
}

#[tokio::test]
async fn not_yet_asks_for_a_new_date_and_the_check_in_comes_again_then() {
    let (harness, user, _) = cohort_with_member("Chen").await;
    commit(
        &harness,
        user,
        "a new person joins the team",
        "invite them to lunch",
        "1",
    )
    .await;
    let new_york = chrono_tz::America::New_York;
    settle_at(&harness, local("2026-11-24", "09:00", new_york)).await;
    let dm = checkin_dms(&harness, user).remove(0);

    let button = buttons(&dm, "Not yet").remove(0);
    let pressed = harness.sim.click(user, dm.id, &button.custom_id).unwrap();
    let form = pressed.reply().await.unwrap();
    assert!(
        matches!(form, Reply::Modal(_)),
        "Not yet asks for a new date"
    );
    let moved = harness
        .sim
        .submit_modal(&pressed, &[("days", "3")])
        .unwrap()
        .reply()
        .await
        .unwrap();
    assert!(moved.text().contains("Fri 27 Nov"), "{}", moved.text());
    assert!(moved.text().contains("normal part"), "{}", moved.text());

    let again = local("2026-11-27", "09:00", new_york);
    settle_at(&harness, again - chrono::Duration::minutes(1)).await;
    assert_eq!(checkin_dms(&harness, user).len(), 1);
    settle_at(&harness, again).await;
    assert_eq!(checkin_dms(&harness, user).len(), 2, "back on the new date");
}

fn database_bytes(harness: &Harness) -> Vec<u8> {
    let db = harness.db_path();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.display());
        bytes.extend(std::fs::read(path).unwrap_or_default());
    }
    bytes
}

#[tokio::test]
async fn an_over_long_note_is_refused_and_handed_back_whole() {
    let (harness, user, _) = cohort_with_member("Ema").await;
    commit(
        &harness,
        user,
        "a launch is planned",
        "ask who reviewed it",
        "2",
    )
    .await;
    settle_at(
        &harness,
        local("2026-11-25", "09:00", chrono_tz::America::New_York),
    )
    .await;
    let dm = checkin_dms(&harness, user).remove(0);
    let button = buttons(&dm, "Add a note").remove(0);
    let pressed = harness.sim.click(user, dm.id, &button.custom_id).unwrap();
    pressed.reply().await.unwrap();
    // Longer than a note may be (1,000) and than a message's text (2,000 with the refusal).
    let long = "The review list was the usual four names; I asked who else knew the area. "
        .repeat(25)
        .trim()
        .to_owned();
    assert!(long.chars().count() > 1800);

    let refused = harness
        .sim
        .submit_modal(&pressed, &[("note", &long)])
        .unwrap()
        .reply()
        .await
        .unwrap();

    assert!(refused.text().contains("up to 1000"), "{}", refused.text());
    assert_eq!(
        refused.message().embeds[0]["description"].as_str(),
        Some(long.as_str()),
        "nothing is lost"
    );
    let answers = harness
        .bot()
        .store()
        .checkin_answers_of(user)
        .await
        .unwrap();
    assert!(answers.iter().all(|a| a.outcome != "note"), "nothing saved");
}

#[tokio::test]
async fn a_note_and_the_commitment_are_stored_sealed() {
    let (harness, user, _) = cohort_with_member("Dee").await;
    commit(
        &harness,
        user,
        "Priya gets interrupted",
        "point the room back to Priya",
        "2",
    )
    .await;
    settle_at(
        &harness,
        local("2026-11-25", "09:00", chrono_tz::America::New_York),
    )
    .await;
    let dm = checkin_dms(&harness, user).remove(0);

    let button = buttons(&dm, "Add a note").remove(0);
    let pressed = harness.sim.click(user, dm.id, &button.custom_id).unwrap();
    assert!(matches!(pressed.reply().await.unwrap(), Reply::Modal(_)));
    let note = "Marisol thanked me afterwards for the redirect";
    let saved = harness
        .sim
        .submit_modal(&pressed, &[("note", note)])
        .unwrap()
        .reply()
        .await
        .unwrap();
    assert!(saved.text().contains("Note saved"), "{}", saved.text());

    let answers = harness
        .bot()
        .store()
        .checkin_answers_of(user)
        .await
        .unwrap();
    assert!(answers
        .iter()
        .any(|a| a.outcome == "note" && a.note_sealed.is_some()));
    let bytes = database_bytes(&harness);
    for secret in [
        "Marisol thanked me",
        "point the room back",
        "Priya gets interrupted",
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} is in the database files in plain text"
        );
    }
}

#[tokio::test]
async fn checkin_lists_open_commitments_and_a_sixth_is_refused_with_the_text_echoed_back() {
    let (harness, user, _) = cohort_with_member("Eli").await;
    for i in 1..=4 {
        let saved = commit(
            &harness,
            user,
            &format!("situation {i}"),
            &format!("action {i}"),
            "7",
        )
        .await;
        assert!(saved.text().contains("Saved"), "{}", saved.text());
    }
    let fifth = open_commit_form(&harness, user).await;
    let sixth = open_commit_form(&harness, user).await;
    submit_commitment(&harness, &fifth, "situation 5", "action 5", "7").await;
    let refused = submit_commitment(
        &harness,
        &sixth,
        "the sixth situation",
        "the sixth action",
        "7",
    )
    .await;
    assert!(refused.message().ephemeral);
    let text = refused.text();
    assert!(text.contains("5 open commitments"), "{text}");
    assert!(
        text.contains("```\nWhen: the sixth situation\nI will: the sixth action\n```"),
        "{text}"
    );

    let straight_away = harness.command(user, "commit", &[]).await;
    assert!(
        straight_away.text().contains("5 open commitments"),
        "no form to fill in for nothing"
    );

    let list = harness.command(user, "checkin", &[]).await;
    let listed = list.message();
    assert!(listed.ephemeral);
    for i in 1..=5 {
        assert!(listed
            .text()
            .contains(&format!("When situation {i}, I will action {i}")));
    }
    assert_eq!(buttons(listed, "Tried it").len(), 5);
    let kept = click(&harness, user, listed, "Tried it").await;
    assert!(kept.text().contains("kept"), "{}", kept.text());
    assert!(commit(&harness, user, "a", "b", "7")
        .await
        .text()
        .contains("Saved"));
}

#[tokio::test]
async fn another_person_cannot_answer_someones_check_in() {
    let (harness, owner, _) = cohort_with_member("Fay").await;
    let other = join(&harness, "Gus").await;
    commit(
        &harness,
        owner,
        "I chair a meeting",
        "ask quieter people first",
        "1",
    )
    .await;
    settle_at(
        &harness,
        local("2026-11-24", "09:00", chrono_tz::America::New_York),
    )
    .await;
    let dm = checkin_dms(&harness, owner).remove(0);

    let refused = click(&harness, other, &dm, "Tried it").await;
    assert!(
        refused.text().contains("someone else"),
        "{}",
        refused.text()
    );
    let note = click(&harness, other, &dm, "Add a note").await;
    assert!(
        note.text().contains("someone else"),
        "no form for someone else's check-in"
    );
    let not_yet = click(&harness, other, &dm, "Not yet").await;
    assert!(
        not_yet.text().contains("someone else"),
        "{}",
        not_yet.text()
    );

    let progress = harness
        .bot()
        .store()
        .commitment_progress(owner)
        .await
        .unwrap();
    assert_eq!((progress.open, progress.kept), (1, 0), "nothing changed");
    assert!(
        !refused.text().contains("quieter people"),
        "nothing of theirs is shown"
    );
}
