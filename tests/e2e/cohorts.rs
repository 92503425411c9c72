//! Cohorts set up by commands alone, and the daily nudge arriving at local time.

use std::time::Duration;

use allybot::domain::{resolve, SendTime};
use allybot::sim::permissions::SEND_MESSAGES;
use allybot::sim::{Overwrite, OverwriteTarget, SimError, SimMessage};
use chrono::{Duration as Days, NaiveDate};

use crate::harness::{at, Harness};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn nudges(messages: &[SimMessage]) -> Vec<&SimMessage> {
    messages
        .iter()
        .filter(|m| m.button("I tried this").is_some())
        .collect()
}

fn footer(message: &SimMessage) -> String {
    message.embeds[0]["footer"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A guild with a #nudges channel and a cohort "Blue" on it, set up by the owner's commands.
pub async fn with_cohort(schedule: &[(&str, &str)]) -> (Harness, u64) {
    with_cohort_on("accomplice", schedule).await
}

/// Like [`with_cohort`], on `track`.
pub async fn with_cohort_on(track: &str, schedule: &[(&str, &str)]) -> (Harness, u64) {
    let harness = Harness::start().await;
    let nudges = harness.sim.add_text_channel(harness.guild, "nudges");
    let owner = harness.owner;
    let created = harness
        .command(
            owner,
            "cohort create",
            &[("name", "Blue"), ("track", track), ("start", "2026-11-23")],
        )
        .await;
    assert!(
        created.text().contains("Created **Blue**"),
        "{}",
        created.text()
    );
    let set = harness
        .command(
            owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &nudges.to_string())],
        )
        .await;
    assert!(
        set.text().contains(&format!("<#{nudges}>")),
        "{}",
        set.text()
    );
    let mut options = vec![("cohort", "Blue")];
    options.extend_from_slice(schedule);
    let scheduled = harness.command(owner, "cohort schedule", &options).await;
    assert!(
        scheduled.text().contains("Next nudges: <t:"),
        "{}",
        scheduled.text()
    );
    (harness, nudges)
}

#[tokio::test]
async fn nudges_arrive_at_local_time_on_each_practice_day_for_two_weeks_and_a_holiday_shifts_content(
) {
    let (harness, channel) = with_cohort(&[
        ("time", "09:00"),
        ("timezone", "America/New_York"),
        ("days", "mon-fri"),
    ])
    .await;
    let holiday = harness
        .command(
            harness.owner,
            "cohort holiday",
            &[("cohort", "Blue"), ("date", "2026-11-26")],
        )
        .await;
    assert!(
        holiday.text().contains("is a holiday"),
        "{}",
        holiday.text()
    );
    let scheduler = harness.bot().scheduler();
    let nine = SendTime::parse("09:00").unwrap();

    let mut expected_day = 0;
    for offset in 0..14 {
        let day = date("2026-11-23") + Days::days(offset);
        let due = resolve(day, nine, chrono_tz::America::New_York);
        let before = nudges(&harness.sim.channel_messages(channel)).len();

        harness.clock.set(due - Days::minutes(1));
        scheduler.settle().await;
        assert_eq!(
            nudges(&harness.sim.channel_messages(channel)).len(),
            before,
            "nothing before 09:00 on {day}"
        );

        harness.clock.set(due);
        scheduler.settle().await;
        let after = harness.sim.channel_messages(channel);
        let practice = !matches!(day.format("%a").to_string().as_str(), "Sat" | "Sun")
            && day != date("2026-11-26");
        if practice {
            expected_day += 1;
            assert_eq!(
                nudges(&after).len(),
                before + 1,
                "one nudge at 09:00 New York time on {day}"
            );
            let nudge = nudges(&after)[before];
            assert!(
                footer(nudge).starts_with(&format!("Day {expected_day} ·")),
                "{day}: {}",
                footer(nudge)
            );
            assert!(
                nudge.content.is_empty() && !nudge.text().contains("<@"),
                "no mentions in a nudge"
            );
        } else {
            assert_eq!(nudges(&after).len(), before, "no nudge on {day}");
        }
    }

    let all = harness.sim.channel_messages(channel);
    let sent = nudges(&all);
    assert_eq!(sent.len(), 9, "ten weekdays minus one holiday");
    let first = sent[0];
    assert!(
        first
            .text()
            .contains("Module 1 · General Dimensions of Allyship"),
        "{}",
        first.text()
    );
    let labels: Vec<String> = first.buttons().into_iter().map(|b| b.label).collect();
    assert_eq!(labels, ["I tried this", "Reflect", "Quiz me"]);
    assert!(
        footer(sent[5]).contains("Day 6"),
        "the day after the first week: {}",
        footer(sent[5])
    );
    let titles: std::collections::HashSet<String> = sent
        .iter()
        .map(|m| m.embeds[0]["title"].to_string())
        .collect();
    assert_eq!(titles.len(), 9, "no prompt repeats");
    assert!(harness.sim.requests().iter().all(|r| r.status != 429));
    assert!(
        harness.sim.violations().is_empty(),
        "{:?}",
        harness.sim.violations()
    );
}

#[tokio::test]
async fn a_non_admin_cannot_create_or_change_anything_even_when_the_command_is_exposed_to_them() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "Europe/London")]).await;
    let member = harness.add_member("Dmitri");

    let hidden = harness.sim.slash(
        harness.in_general(member),
        "cohort create",
        &[("name", "Mine"), ("track", "accomplice")],
    );
    assert!(
        matches!(hidden, Err(SimError::Hidden(_))),
        "Discord hides /cohort from non-admins"
    );

    harness
        .sim
        .expose_command_to(harness.guild, "cohort", member);
    let attempts: [(&str, Vec<(&str, &str)>); 4] = [
        (
            "cohort create",
            vec![("name", "Mine"), ("track", "accomplice")],
        ),
        (
            "cohort schedule",
            vec![("cohort", "Blue"), ("time", "06:00"), ("timezone", "UTC")],
        ),
        ("cohort pause", vec![("cohort", "Blue")]),
        ("cohort archive", vec![("cohort", "Blue")]),
    ];
    for (command, options) in attempts {
        let reply = harness.command(member, command, &options).await;
        assert!(reply.message().ephemeral);
        assert!(
            reply.text().contains("Manage Server"),
            "{command}: {}",
            reply.text()
        );
    }

    let cohorts = harness
        .bot()
        .store()
        .cohorts_in_guild(harness.guild)
        .await
        .unwrap();
    assert_eq!(cohorts.len(), 1, "nothing was created");
    assert_eq!(
        cohorts[0].send_time.to_string(),
        "09:00",
        "nothing was changed"
    );
    assert!(!cohorts[0].archived);
}

#[tokio::test]
async fn a_channel_without_send_messages_is_refused_with_the_permission_named() {
    let harness = Harness::start().await;
    let locked = harness.sim.add_text_channel(harness.guild, "locked");
    let bot = harness.sim.bot_user_id();
    harness.sim.set_overwrite(
        locked,
        Overwrite {
            target: OverwriteTarget::Member(bot),
            allow: 0,
            deny: SEND_MESSAGES,
        },
    );
    harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Blue"), ("track", "organization")],
        )
        .await;

    let reply = harness
        .command(
            harness.owner,
            "cohort channel",
            &[("cohort", "Blue"), ("channel", &locked.to_string())],
        )
        .await;

    assert!(
        reply.text().contains("**Send Messages**"),
        "{}",
        reply.text()
    );
    assert!(
        !reply.text().contains("Embed Links"),
        "only what is missing: {}",
        reply.text()
    );
    let cohort = harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cohort.channel_id, None, "nothing was changed");
}

#[tokio::test]
async fn a_deleted_channel_stops_deliveries_after_one_failure_and_status_says_why() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let scheduler = harness.bot().scheduler();
    harness.sim.delete_channel(channel);

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;
    harness.clock.set(at("2026-11-24T09:00:00Z"));
    scheduler.settle().await;

    let posts = harness
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{channel}/messages"))
        .count();
    assert_eq!(posts, 1, "one failure, then no more attempts");
    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("deliveries stopped"), "{status}");
    assert!(status.contains("no longer exists"), "{status}");
    assert!(status.contains("failed"), "{status}");
    let listed = harness
        .command(harness.owner, "cohort list", &[])
        .await
        .text();
    assert!(
        listed.contains("nudges have stopped"),
        "every /cohort reply warns: {listed}"
    );
}

#[tokio::test]
async fn bad_times_and_unknown_zones_get_a_friendly_answer_and_change_nothing() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "Asia/Kathmandu")]).await;

    let bad_time = harness
        .command(
            harness.owner,
            "cohort schedule",
            &[("cohort", "Blue"), ("time", "25:00"), ("timezone", "UTC")],
        )
        .await;
    let bad_zone = harness
        .command(
            harness.owner,
            "cohort schedule",
            &[
                ("cohort", "Blue"),
                ("time", "08:00"),
                ("timezone", "America/New York City"),
            ],
        )
        .await;
    let suggestions = harness
        .sim
        .autocomplete(
            harness.in_general(harness.owner),
            "cohort schedule",
            &[("timezone", "kathm")],
            "timezone",
        )
        .await
        .unwrap();

    assert!(bad_time.text().contains("HH:MM"), "{}", bad_time.text());
    assert!(
        bad_zone.text().contains("`America/New_York`"),
        "suggests the closest: {}",
        bad_zone.text()
    );
    assert_eq!(suggestions[0].name, "Asia/Kathmandu");
    let cohort = harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (cohort.send_time.to_string(), cohort.timezone.name()),
        ("09:00".to_owned(), "Asia/Kathmandu")
    );
}

#[tokio::test]
async fn joining_a_second_cohort_offers_a_switch_and_the_button_switches() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Red"), ("track", "organization")],
        )
        .await;
    let member = harness.add_member("Elif");

    let joined = harness.command(member, "join", &[("cohort", "blue")]).await;
    assert!(
        joined.text().contains("Welcome to **Blue**"),
        "{}",
        joined.text()
    );
    assert!(
        joined.text().contains("/privacy delete"),
        "the welcome says how to delete: {}",
        joined.text()
    );
    let offer = harness.command(member, "join", &[("cohort", "Red")]).await;
    assert!(
        offer.text().contains("one cohort per server"),
        "{}",
        offer.text()
    );
    let switch = offer
        .message()
        .button("Switch to Red")
        .expect("a switch button");
    let switched = harness
        .press(member, offer.message().id, &switch.custom_id)
        .await;

    assert!(
        switched.text().contains("Welcome to **Red**"),
        "{}",
        switched.text()
    );
    let store = harness.bot().store();
    let red = store
        .cohort_named(harness.guild, "Red")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .membership(harness.guild, member)
            .await
            .unwrap()
            .map(|m| m.cohort_id),
        Some(red.id)
    );
    let left = harness.command(member, "leave", &[]).await;
    assert!(left.text().contains("left **Red**"), "{}", left.text());
}

#[tokio::test]
async fn i_tried_this_counts_once_per_person_and_keeps_working_after_a_restart() {
    let (mut harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Bao");
    let outsider = harness.add_member("Femi");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let nudge = nudges(&harness.sim.channel_messages(channel))[0].clone();
    let tried = nudge.button("I tried this").unwrap();

    let first = harness.press(member, nudge.id, &tried.custom_id).await;
    let second = harness.press(member, nudge.id, &tried.custom_id).await;
    let stranger = harness.press(outsider, nudge.id, &tried.custom_id).await;
    harness.restart().await;
    let after_restart = harness.press(member, nudge.id, &tried.custom_id).await;

    assert!(first.text().starts_with("Counted"), "{}", first.text());
    assert!(first.message().ephemeral);
    assert!(
        second.text().contains("Already counted"),
        "{}",
        second.text()
    );
    assert!(stranger.text().contains("Join it"), "{}", stranger.text());
    assert!(
        after_restart.text().contains("Already counted"),
        "routed by custom_id after a restart: {}",
        after_restart.text()
    );
    let delivery = harness
        .bot()
        .store()
        .latest_sent(nudge_cohort(&harness).await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        harness
            .bot()
            .store()
            .tried_count(delivery.id)
            .await
            .unwrap(),
        1
    );
}

async fn nudge_cohort(harness: &Harness) -> i64 {
    harness
        .bot()
        .store()
        .cohort_named(harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_forged_button_is_answered_as_no_longer_valid_and_changes_nothing() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Gus");
    // A message carrying buttons the bot never made (as an old or forged message would).
    let forged = serde_json::json!({"content": "click me", "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Tried", "custom_id": "n:t:999999"},
        {"type": 2, "style": 1, "label": "Junk", "custom_id": "totally:unknown"}]}]});
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v10/channels/{channel}/messages",
            harness.sim.base_url()
        ))
        .header("Authorization", "Bot test")
        .header("Content-Type", "application/json")
        .body(forged.to_string())
        .send()
        .await
        .unwrap();
    let message: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let id: u64 = message["id"].as_str().unwrap().parse().unwrap();

    for custom_id in ["n:t:999999", "totally:unknown"] {
        let reply = harness
            .sim
            .click(member, id, custom_id)
            .unwrap()
            .reply_within(Duration::from_secs(5))
            .await
            .unwrap();
        assert!(
            reply.text().contains("no longer valid"),
            "{custom_id}: {}",
            reply.text()
        );
    }
}

#[tokio::test]
async fn status_shows_the_next_three_nudges_and_the_member_count() {
    let (harness, _) = with_cohort(&[
        ("time", "07:30"),
        ("timezone", "Australia/Lord_Howe"),
        ("days", "sun-thu"),
    ])
    .await;
    for name in ["Ama", "Ben", "Cai"] {
        let member = harness.add_member(name);
        harness.command(member, "join", &[("cohort", "Blue")]).await;
    }

    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();

    assert_eq!(status.matches("<t:").count(), 3, "{status}");
    assert!(status.contains("3 members"), "{status}");
    assert!(
        status.contains("sun-thu at 07:30 Australia/Lord_Howe"),
        "{status}"
    );
    assert!(status.contains("No nudges yet"), "{status}");
    harness
        .command(
            harness.owner,
            "cohort create",
            &[("name", "Green"), ("track", "accomplice")],
        )
        .await;
    let listed = harness
        .command(harness.owner, "cohort list", &[])
        .await
        .text();
    assert!(
        listed.contains("**Blue**: accomplice · 3 members"),
        "{listed}"
    );
    assert!(
        listed.contains("**Green**: accomplice · 0 members"),
        "{listed}"
    );
}

#[tokio::test]
async fn pausing_holds_the_content_and_resuming_picks_up_where_it_left_off() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let scheduler = harness.bot().scheduler();

    harness.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;
    harness.clock.set(at("2026-11-23T12:00:00Z"));
    let paused = harness
        .command(harness.owner, "cohort pause", &[("cohort", "Blue")])
        .await;
    assert!(
        paused.text().contains("Paused **Blue** from Tue 24 Nov"),
        "{}",
        paused.text()
    );
    for day in ["2026-11-24", "2026-11-25"] {
        harness.clock.set(at(&format!("{day}T09:00:00Z")));
        scheduler.settle().await;
    }
    harness.clock.set(at("2026-11-25T12:00:00Z"));
    harness
        .command(harness.owner, "cohort resume", &[("cohort", "Blue")])
        .await;
    harness.clock.set(at("2026-11-26T09:00:00Z"));
    scheduler.settle().await;

    let sent = harness.sim.channel_messages(channel);
    let sent = nudges(&sent);
    assert_eq!(sent.len(), 2, "nothing while paused");
    assert!(
        footer(sent[1]).starts_with("Day 2 ·"),
        "content resumes where it stopped: {}",
        footer(sent[1])
    );
}
