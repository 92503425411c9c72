//! The rest of the admin's toolbox: archive, pace, preview, the invite's Join button, and what
//! happens with a guild full of cohorts or odd dates.

use allybot::sim::SimMessage;

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};

fn nudges(messages: &[SimMessage]) -> Vec<&SimMessage> {
    messages
        .iter()
        .filter(|m| m.button("I tried this").is_some())
        .collect()
}

#[tokio::test]
async fn archiving_stops_the_nudges_and_releases_the_members() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Noor");
    harness.command(member, "join", &[("cohort", "Blue")]).await;

    let archived = harness
        .command(harness.owner, "cohort archive", &[("cohort", "Blue")])
        .await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;

    assert!(
        archived.text().contains("Archived **Blue**"),
        "{}",
        archived.text()
    );
    assert!(
        nudges(&harness.sim.channel_messages(channel)).is_empty(),
        "no nudge after archiving"
    );
    assert_eq!(
        harness
            .bot()
            .store()
            .membership(harness.guild, member)
            .await
            .unwrap(),
        None
    );
    let listed = harness
        .command(harness.owner, "cohort list", &[])
        .await
        .text();
    assert!(listed.contains("No cohorts yet"), "{listed}");
}

#[tokio::test]
async fn pace_sets_how_many_practice_days_a_module_lasts() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let paced = harness
        .command(
            harness.owner,
            "cohort pace",
            &[("cohort", "Blue"), ("days_per_module", "2")],
        )
        .await;
    assert!(paced.text().contains("2 practice days"), "{}", paced.text());

    for day in ["23", "24", "25"] {
        harness.clock.set(at(&format!("2026-11-{day}T09:00:00Z")));
        harness.bot().scheduler().settle().await;
    }

    let sent = harness.sim.channel_messages(channel);
    let sent = nudges(&sent);
    assert!(sent[1].text().contains("Module 1 ·"), "{}", sent[1].text());
    assert!(
        sent[2]
            .text()
            .contains("Module 2 · Specific Dimensions of Allyship I"),
        "day 3 starts module 2"
    );
}

#[tokio::test]
async fn preview_shows_a_days_nudge_only_to_the_admin_without_posting_it() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;

    let preview = harness
        .command(
            harness.owner,
            "cohort preview",
            &[("cohort", "Blue"), ("day", "6")],
        )
        .await;

    let message = preview.message();
    assert!(message.ephemeral);
    assert!(
        message.text().contains("practice day 6"),
        "{}",
        message.text()
    );
    assert!(
        message.text().contains("Module 2 ·"),
        "day 6 at five days a module: {}",
        message.text()
    );
    assert!(
        harness.sim.channel_messages(channel).is_empty(),
        "nothing was posted"
    );
}

#[tokio::test]
async fn the_invites_join_button_joins_and_today_shows_the_latest_prompt() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness
        .command(harness.owner, "cohort invite", &[("cohort", "Blue")])
        .await;
    let invite = harness
        .sim
        .channel_messages(channel)
        .pop()
        .expect("the invite");
    let member = harness.add_member("Oren");

    let joined = harness
        .press(member, invite.id, &invite.button("Join").unwrap().custom_id)
        .await;
    let before = harness.command(member, "today", &[]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let today = harness.command(member, "today", &[]).await;

    assert!(
        joined.text().contains("Welcome to **Blue**"),
        "{}",
        joined.text()
    );
    assert!(
        before.text().contains("first one arrives <t:"),
        "{}",
        before.text()
    );
    let shown = today.message();
    assert!(shown.ephemeral);
    let posted = nudges(&harness.sim.channel_messages(channel))[0].clone();
    assert_eq!(
        shown.embeds[0]["title"], posted.embeds[0]["title"],
        "the same prompt"
    );
    assert!(shown.button("I tried this").is_some(), "with its buttons");
}

#[tokio::test]
async fn a_guild_with_many_cohorts_still_gets_replies_that_fit_in_discord() {
    let harness = Harness::start().await;
    for i in 0..30 {
        let name = format!("Cohort with a fairly long name {i:02}");
        harness
            .command(
                harness.owner,
                "cohort create",
                &[("name", &name), ("track", "organization")],
            )
            .await;
    }

    let listed = harness.command(harness.owner, "cohort list", &[]).await;

    assert!(listed.text().chars().count() <= 2000);
    assert!(
        listed.text().contains("Cohort with a fairly long name 00"),
        "{}",
        listed.text()
    );
    assert!(
        listed.text().contains("more. `/cohort status`"),
        "says how many are not shown: {}",
        listed.text()
    );
}

#[tokio::test]
async fn a_start_date_far_away_and_a_holiday_on_a_past_nudge_are_refused() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness.clock.set(at("2026-11-24T09:00:00Z"));
    harness.bot().scheduler().settle().await;

    let ancient = harness
        .command(
            harness.owner,
            "cohort create",
            &[
                ("name", "Old"),
                ("track", "accomplice"),
                ("start", "0001-01-01"),
            ],
        )
        .await;
    let past = harness
        .command(
            harness.owner,
            "cohort holiday",
            &[("cohort", "Blue"), ("date", "2026-11-23")],
        )
        .await;
    let future = harness
        .command(
            harness.owner,
            "cohort holiday",
            &[("cohort", "Blue"), ("date", "2026-11-27")],
        )
        .await;

    assert!(
        ancient.text().contains("within a year"),
        "{}",
        ancient.text()
    );
    assert!(harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Old")
        .await
        .unwrap()
        .is_none());
    assert!(
        past.text().contains("can't change any more"),
        "{}",
        past.text()
    );
    assert!(future.text().contains("is a holiday"), "{}", future.text());
}
