//! Weekly cohort summaries in the organisation's channel, and `/cohort report`: group figures
//! only, k-anonymous, with a chart; posted once per cohort and week.

use allybot::sim::{SimError, SimMessage};
use serde_json::Value;

use crate::cohorts::with_cohort;
use crate::harness::{at, Harness};

/// The organisation's summary channel, set by the owner.
async fn summary_channel(harness: &Harness) -> u64 {
    let channel = harness.sim.add_text_channel(harness.guild, "org-summaries");
    let set = harness
        .command(
            harness.owner,
            "org summary-channel",
            &[("channel", &channel.to_string())],
        )
        .await;
    assert!(
        set.text()
            .contains(&format!("summaries will go to <#{channel}>")),
        "{}",
        set.text()
    );
    channel
}

async fn join(harness: &Harness, names: &[&str]) -> Vec<u64> {
    let mut members = Vec::new();
    for name in names {
        let member = harness.add_member(name);
        let joined = harness.command(member, "join", &[("cohort", "Blue")]).await;
        assert!(joined.text().contains("Blue"), "{}", joined.text());
        members.push(member);
    }
    members
}

/// Runs practice days: on each, the nudge goes out at 09:00 and the given members press
/// "I tried this" at noon. Returns each day's 4A tag, read from the nudge's footer.
async fn practise(harness: &Harness, nudges: u64, days: &[(&str, Vec<u64>)]) -> Vec<String> {
    let mut tags = Vec::new();
    for (day, who) in days {
        harness.clock.set(at(&format!("{day}T09:00:00Z")));
        harness.bot().scheduler().settle().await;
        harness.clock.set(at(&format!("{day}T12:00:00Z")));
        let nudge = harness
            .sim
            .channel_messages(nudges)
            .into_iter()
            .rev()
            .find(|m| m.button("I tried this").is_some())
            .expect("a nudge");
        let footer = nudge.embeds[0]["footer"]["text"]
            .as_str()
            .unwrap_or_default();
        tags.push(footer.split(" · ").nth(1).unwrap_or_default().to_owned());
        let button = nudge.button("I tried this").unwrap().custom_id;
        for member in who {
            harness.press(*member, nudge.id, &button).await;
        }
    }
    tags
}

const WEEK_ONE: [&str; 5] = [
    "2026-11-23",
    "2026-11-24",
    "2026-11-25",
    "2026-11-26",
    "2026-11-27",
];

/// Moves the clock to 09:00 (UTC) on `monday`, when summaries are due, and runs a round.
async fn summary_time(harness: &Harness, monday: &str) {
    harness.clock.set(at(&format!("{monday}T09:00:00Z")));
    harness.bot().scheduler().settle().await;
}

fn summaries(harness: &Harness, channel: u64) -> Vec<SimMessage> {
    harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .filter(|m| m.text().contains("Weekly summary"))
        .collect()
}

fn field(message: &SimMessage, name: &str) -> Option<String> {
    message.embeds[0]["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_str().map(str::to_owned))
}

fn chart(message: &SimMessage) -> image::RgbImage {
    let (name, bytes) = message
        .attachments
        .iter()
        .find(|(name, _)| name.ends_with(".png"))
        .expect("a chart attachment");
    assert_eq!(
        message.embeds[0]["image"]["url"],
        Value::from(format!("attachment://{name}"))
    );
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("the chart decodes as PNG")
        .to_rgb8()
}

/// Pixels in the participation series' colour (the legend swatch alone is under 210).
fn participation_pixels(image: &image::RgbImage) -> usize {
    image.pixels().filter(|p| p.0 == [0x3B, 0x5B, 0xDB]).count()
}

#[tokio::test]
async fn a_week_of_practice_is_summarised_once_with_hand_checked_figures_and_a_chart() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    let m = join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;
    // Monday all five, then one fewer each day: 5 + 4 + 3 + 2 + 1 = 15 tries.
    let days: Vec<(&str, Vec<u64>)> = WEEK_ONE
        .iter()
        .enumerate()
        .map(|(i, day)| (*day, m[..5 - i].to_vec()))
        .collect();
    let tags = practise(&harness, nudges, &days).await;

    summary_time(&harness, "2026-11-30").await;
    summary_time(&harness, "2026-11-30").await; // a second round posts nothing more

    let posted = summaries(&harness, channel);
    assert_eq!(posted.len(), 1, "one summary for the week");
    let summary = &posted[0];
    let text = summary.text();
    assert!(text.contains("Weekly summary · Blue"), "{text}");
    assert!(text.contains("Mon 23 Nov – Sun 29 Nov 2026"), "{text}");
    assert!(
        text.contains(&format!(
            "Day 5 · {} · Module 1: General Dimensions",
            tags[4]
        )),
        "{text}"
    );
    assert_eq!(field(summary, "Members").as_deref(), Some("5"));
    assert_eq!(
        field(summary, "Practised").as_deref(),
        Some("5 people · 100 % of members")
    );
    // By tag, computed by hand from the week: a tag fewer than 5 people tried is hidden, and
    // then every tag is (the total beside them would give the hidden one away).
    let tried = field(summary, "Prompts tried").unwrap();
    assert!(tried.starts_with("15\n"), "{tried}");
    let by_tag: Vec<(usize, usize)> = ["Awareness", "Action", "Advocacy", "Accountability"]
        .iter()
        .map(|tag| {
            let mut who = std::collections::HashSet::new();
            let mut tries = 0;
            for ((_, by), t) in days.iter().zip(&tags) {
                if t == tag {
                    tries += by.len();
                    who.extend(by.iter().copied());
                }
            }
            (tries, who.len())
        })
        .collect();
    let hidden = by_tag
        .iter()
        .any(|(tries, people)| *tries > 0 && *people < 5);
    assert!(
        hidden,
        "this week has a tag from fewer than 5 people: {by_tag:?}"
    );
    assert!(
        tried.ends_with("Awareness — · Action — · Advocacy — · Accountability —"),
        "{tried}"
    );
    // Streaks 5, 4 (Friday forgiven), 0, 0, 0: the median is 0.
    assert_eq!(
        field(summary, "Median streak").as_deref(),
        Some("0 practice days")
    );
    assert_eq!(
        field(summary, "Quizzes").as_deref(),
        Some("0 quizzes · best answer —")
    );
    assert_eq!(field(summary, "Reflections written").as_deref(), Some("0"));
    assert_eq!(
        field(summary, "Since the start").as_deref(),
        Some("The same as this week: it is the cohort's first.")
    );

    let image = chart(summary);
    assert_eq!((image.width(), image.height()), (800, 450));
    assert!(
        participation_pixels(&image) > 19 * 11 + 40,
        "the week's point is drawn beside the legend's swatch"
    );
    assert!(summary.nonce.is_some(), "posted with a nonce");

    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(
        status.contains("summary for the week to Sun 29 Nov: sent"),
        "{status}"
    );
}

#[tokio::test]
async fn with_fewer_than_k_members_every_figure_is_withheld_in_text_and_chart() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    let four = join(&harness, &["Ada", "Bea", "Cy", "Dev"]).await;
    let days: Vec<(&str, Vec<u64>)> = WEEK_ONE.iter().map(|d| (*d, four.clone())).collect();
    practise(&harness, nudges, &days).await;

    summary_time(&harness, "2026-11-30").await;

    let summary = &summaries(&harness, channel)[0];
    let text = summary.text();
    assert!(
        text.contains("fewer than 5 members, so no figure about it is shown"),
        "{text}"
    );
    assert!(summary.embeds[0]["fields"]
        .as_array()
        .is_none_or(|f| f.is_empty()));
    for figure in ["Prompts tried", "100 %", "4 people", "Members"] {
        assert!(!text.contains(figure), "{figure} in {text}");
    }
    let image = chart(summary);
    assert!(
        participation_pixels(&image) <= 19 * 11,
        "only the legend carries the series colour"
    );
}

#[tokio::test]
async fn a_summary_never_names_or_mentions_anyone() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    // Names that are also ordinary words: the check must look for them, not for "name-like" text.
    let names = ["Will", "Joy", "Hope", "Grace", "Summer", "Faith"];
    let members = join(&harness, &names).await;
    let days: Vec<(&str, Vec<u64>)> = WEEK_ONE.iter().map(|d| (*d, members.clone())).collect();
    practise(&harness, nudges, &days).await;

    summary_time(&harness, "2026-11-30").await;
    let report = harness
        .command(harness.owner, "cohort report", &[("cohort", "Blue")])
        .await;

    for message in [
        summaries(&harness, channel).remove(0),
        report.message().clone(),
    ] {
        let text = message.text();
        assert!(!text.contains("<@"), "{text}");
        for (name, id) in names.iter().zip(&members) {
            assert!(!text.contains(name), "{name} in {text}");
            assert!(!text.contains(&id.to_string()), "an id in {text}");
        }
        for (file, _) in &message.attachments {
            assert!(names.iter().all(|n| !file.contains(n)), "{file}");
        }
        assert!(message.text().contains("Group figures only"));
    }
    let allowed = harness
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&format!("/channels/{channel}/messages")))
        .filter_map(|r| r.body.map(|b| b["allowed_mentions"].clone()))
        .collect::<Vec<_>>();
    assert!(!allowed.is_empty());
    assert!(
        allowed.iter().all(|a| a["parse"] == Value::Array(vec![])),
        "no mention is ever allowed: {allowed:?}"
    );
}

#[tokio::test]
async fn one_person_joining_withholds_the_figures_to_date_so_two_summaries_cannot_be_subtracted() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    let five = join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;
    let week_one: Vec<(&str, Vec<u64>)> = WEEK_ONE.iter().map(|d| (*d, five.clone())).collect();
    practise(&harness, nudges, &week_one).await;
    summary_time(&harness, "2026-11-30").await;

    let newcomer = join(&harness, &["Fay"]).await[0];
    // Week two: the five practise on three days, the newcomer on two.
    let week_two = vec![
        ("2026-11-30", [five.clone(), vec![newcomer]].concat()),
        ("2026-12-01", five.clone()),
        ("2026-12-02", [five.clone(), vec![newcomer]].concat()),
        ("2026-12-03", vec![]),
        ("2026-12-04", vec![]),
    ];
    practise(&harness, nudges, &week_two).await;
    summary_time(&harness, "2026-12-07").await;

    let posted = summaries(&harness, channel);
    assert_eq!(posted.len(), 2);
    let (first, second) = (&posted[0], &posted[1]);
    let since_first = field(first, "Since the start").unwrap();
    assert!(
        since_first.starts_with("The same as this week"),
        "{since_first}"
    );
    let since_second = field(second, "Since the start").unwrap();
    assert!(
        since_second.starts_with("Withheld this time"),
        "{since_second}"
    );
    assert!(field(second, "Change from the week before").is_none());
    assert!(!second.text().contains("Participation rose"));

    // No figure of the second minus the same figure of the first is one of the newcomer's.
    let newcomer_figures = [2, 1]; // two tries; one person
    for name in [
        "Members",
        "Practised",
        "Prompts tried",
        "Reflections written",
        "Quizzes",
    ] {
        let (Some(a), Some(b)) = (field(first, name), field(second, name)) else {
            continue;
        };
        let number = |text: &str| -> Option<i64> {
            text.split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())?
                .parse()
                .ok()
        };
        if let (Some(a), Some(b)) = (number(&a), number(&b)) {
            if name != "Members" && name != "Practised" {
                assert!(
                    !newcomer_figures.contains(&(b - a)),
                    "{name}: {b} - {a} reveals the newcomer"
                );
            }
        }
    }

    // The next summary counts the same people as this one: figures to date come back.
    let week_three: Vec<(&str, Vec<u64>)> = [
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
        "2026-12-11",
    ]
    .iter()
    .map(|d| (*d, five.clone()))
    .collect();
    practise(&harness, nudges, &week_three).await;
    summary_time(&harness, "2026-12-14").await;
    let third = summaries(&harness, channel).remove(2);
    let since_third = field(&third, "Since the start").unwrap();
    assert!(since_third.contains("**Prompts tried:**"), "{since_third}");
}

#[tokio::test]
async fn a_cohort_with_no_activity_gets_a_short_summary_not_silence() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;

    summary_time(&harness, "2026-11-30").await;

    let text = summaries(&harness, channel)[0].text();
    assert!(
        text.contains("No activity this week among its 5 members"),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_summary_channel_the_week_is_recorded_and_admins_are_told() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let listed = harness
        .command(harness.owner, "cohort list", &[])
        .await
        .text();
    assert!(listed.contains("No summary channel is set"), "{listed}");

    summary_time(&harness, "2026-11-30").await;

    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("No summary channel is set"), "{status}");
    assert!(
        status.contains("not posted: no summary channel is set"),
        "{status}"
    );
}

#[tokio::test]
async fn a_deleted_summary_channel_is_recorded_as_failed_and_nothing_is_posted_twice() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    harness.sim.delete_channel(channel);

    summary_time(&harness, "2026-11-30").await;
    summary_time(&harness, "2026-11-30").await;

    let status = harness
        .command(harness.owner, "cohort status", &[("cohort", "Blue")])
        .await
        .text();
    assert!(status.contains("failed"), "{status}");
    assert!(status.contains("Weekly summaries have stopped"), "{status}");
    let posts = harness
        .sim
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.ends_with(&format!("/channels/{channel}/messages")) && r.method == "POST"
        })
        .count();
    assert_eq!(posts, 1, "tried once, not again after the channel was gone");
}

#[tokio::test]
async fn the_weekly_post_survives_a_restart_without_a_second_copy() {
    let (mut harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;
    summary_time(&harness, "2026-11-30").await;

    harness.restart().await;
    summary_time(&harness, "2026-11-30").await;
    harness.clock.set(at("2026-11-30T12:00:00Z"));
    harness.bot().scheduler().settle().await;

    assert_eq!(summaries(&harness, channel).len(), 1);
}

#[tokio::test]
async fn a_report_stops_at_the_previous_practice_day_so_a_click_today_changes_nothing() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    let m = join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;
    practise(&harness, nudges, &[("2026-11-23", m.clone())]).await;
    // Tuesday: the nudge is out, nobody has clicked yet.
    harness.clock.set(at("2026-11-24T10:00:00Z"));
    harness.bot().scheduler().settle().await;

    let before = harness
        .command(harness.owner, "cohort report", &[("cohort", "Blue")])
        .await;
    let tuesday = harness
        .sim
        .channel_messages(nudges)
        .into_iter()
        .rev()
        .find(|m| m.button("I tried this").is_some())
        .unwrap();
    let button = tuesday.button("I tried this").unwrap().custom_id;
    harness.press(m[0], tuesday.id, &button).await;
    let after = harness
        .command(harness.owner, "cohort report", &[("cohort", "Blue")])
        .await;

    assert!(before.message().ephemeral);
    assert!(
        before.text().contains("This week so far · Blue"),
        "{}",
        before.text()
    );
    assert!(before.text().contains("Mon 23 Nov – Mon 23 Nov 2026"));
    assert_eq!(
        field(before.message(), "Prompts tried"),
        field(after.message(), "Prompts tried")
    );
    assert_eq!(
        field(after.message(), "Practised").as_deref(),
        Some("5 people · 100 % of members")
    );
    assert!(summaries(&harness, channel).is_empty(), "nothing posted");

    let posted = harness
        .command(
            harness.owner,
            "cohort report",
            &[("cohort", "Blue"), ("post", "true")],
        )
        .await;
    assert!(
        posted.text().contains("Posted **Blue**"),
        "{}",
        posted.text()
    );
    let in_channel = harness.sim.channel_messages(channel);
    assert_eq!(in_channel.len(), 1);
    assert!(in_channel[0].text().contains("This week so far · Blue"));
    chart(&in_channel[0]);
}

#[tokio::test]
async fn org_settings_show_change_and_refuse_bad_input_without_changing_anything() {
    let harness = Harness::start().await;
    let shown = harness
        .command(harness.owner, "org settings", &[])
        .await
        .text();
    assert!(shown.contains("Mondays at 09:00"), "{shown}");
    assert!(
        shown.contains("Smallest group shown (k): 5 (the default)"),
        "{shown}"
    );

    let bad_day = harness
        .command(
            harness.owner,
            "org settings",
            &[("summary_day", "funday"), ("min_group_size", "7")],
        )
        .await
        .text();
    assert!(bad_day.contains("Use mon, tue, wed"), "{bad_day}");
    let bad_time = harness
        .command(harness.owner, "org settings", &[("summary_time", "25:00")])
        .await
        .text();
    assert!(bad_time.contains("HH:MM"), "{bad_time}");
    let unchanged = harness
        .command(harness.owner, "org settings", &[])
        .await
        .text();
    assert_eq!(unchanged, shown, "nothing changed");

    let changed = harness
        .command(
            harness.owner,
            "org settings",
            &[
                ("summary_day", "fri"),
                ("summary_time", "16:30"),
                ("min_group_size", "7"),
            ],
        )
        .await
        .text();
    assert!(changed.contains("Fridays at 16:30"), "{changed}");
    assert!(changed.contains("(k): 7"), "{changed}");
}

#[tokio::test]
async fn non_admins_get_no_org_or_report_and_a_forged_command_changes_nothing() {
    let (harness, _) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = join(&harness, &["Noor"]).await[0];
    for command in ["org settings", "cohort report"] {
        let hidden = harness.sim.slash(harness.in_general(member), command, &[]);
        assert!(
            matches!(hidden, Err(SimError::Hidden(_))),
            "Discord hides /{command} from non-admins"
        );
    }
    let registered = harness.sim.registered_commands(Some(harness.guild));
    let org = registered
        .iter()
        .find(|c| c["name"] == "org")
        .expect("/org");
    assert_eq!(org["default_member_permissions"], "32", "Manage Server");

    harness.sim.expose_command_to(harness.guild, "org", member);
    harness
        .sim
        .expose_command_to(harness.guild, "cohort", member);
    let channel = harness.sim.add_text_channel(harness.guild, "mine");
    let channel = channel.to_string();
    for (command, options) in [
        ("org settings", vec![("min_group_size", "3")]),
        ("org summary-channel", vec![("channel", channel.as_str())]),
        ("cohort report", vec![("cohort", "Blue")]),
    ] {
        let reply = harness.command(member, command, &options).await;
        assert!(
            reply.text().contains("Manage Server"),
            "{command}: {}",
            reply.text()
        );
        assert!(!reply.text().contains("Prompts tried"));
    }
    let settings = harness
        .bot()
        .store()
        .org_settings(harness.guild)
        .await
        .unwrap();
    assert_eq!(settings.min_group_size, None);
    assert_eq!(settings.summary_channel, None);
}

#[tokio::test]
async fn someone_counted_can_export_and_delete_it_and_the_totals_to_date_do_not_drop_by_what_they_did(
) {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let channel = summary_channel(&harness).await;
    let six = join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli", "Fay"]).await;
    let week: Vec<(&str, Vec<u64>)> = WEEK_ONE.iter().map(|d| (*d, six.clone())).collect();
    practise(&harness, nudges, &week).await;
    summary_time(&harness, "2026-11-30").await;

    let export = harness.command(six[0], "privacy export", &[]).await;
    let (_, bytes) = &export.message().attachments[0];
    let document: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(document["data"]["summary_counted_in"][0]["cohort"], "Blue");

    let confirm = harness.command(six[0], "privacy delete", &[]).await;
    let button = confirm.message().button("Delete all my data").unwrap();
    harness
        .press(six[0], confirm.message().id, &button.custom_id)
        .await;
    let left = harness.bot().store().rows_mentioning(six[0]).await.unwrap();
    assert!(left.is_empty(), "rows still keyed to the person: {left:?}");

    let second: Vec<(&str, Vec<u64>)> = ["2026-11-30", "2026-12-01"]
        .iter()
        .map(|d| (*d, six[1..].to_vec()))
        .collect();
    practise(&harness, nudges, &second).await;
    summary_time(&harness, "2026-12-07").await;
    let latest = summaries(&harness, channel).remove(1);
    assert_eq!(field(&latest, "Members").as_deref(), Some("5"));
    // Six people tried 5 prompts each, then five tried 2 more each: 40, including the 5 of the
    // person who left. Had their 5 gone, this minus the week's 10 and last week's 30 would be
    // what they did.
    let since = field(&latest, "Since the start").unwrap();
    assert!(since.contains("**Prompts tried:** 40"), "{since}");
    assert!(since.contains("**Practised:** 6 people"), "{since}");
}

#[tokio::test]
async fn cohort_report_compares_with_the_last_weekly_summary_and_never_moves_it() {
    let (harness, nudges) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let five = join(&harness, &["Ada", "Bea", "Cy", "Dev", "Eli"]).await;
    let week: Vec<(&str, Vec<u64>)> = WEEK_ONE.iter().map(|d| (*d, five.clone())).collect();
    practise(&harness, nudges, &week).await;
    summary_channel(&harness).await;
    summary_time(&harness, "2026-11-30").await;
    join(&harness, &["Fay"]).await;
    practise(&harness, nudges, &[("2026-11-30", five.clone())]).await;
    harness.clock.set(at("2026-12-01T15:00:00Z"));

    for attempt in ["first", "second"] {
        let report = harness
            .command(harness.owner, "cohort report", &[("cohort", "Blue")])
            .await;
        let since = field(report.message(), "Since the start").unwrap();
        assert!(
            since.starts_with("Withheld this time"),
            "{attempt} report: {since}"
        );
    }
}
