//! A cohort summary as the organisation sees it: group figures only, each hidden figure said
//! to be hidden and why, the chart as an attached image. No name, no mention, no per-person
//! figure can appear: the embed is built from `report::Figures` alone.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;

use super::ACCENT;
use crate::domain::kanon::Shown;
use crate::domain::plural;
use crate::report::{Activity, Figures, ToDate};

/// The chart's file name in the message (the embed shows it as its image).
pub const CHART_FILE: &str = "summary.png";

/// What a summary is, for its title.
pub enum SummaryKind {
    Weekly,
    /// `/cohort report`: the week so far.
    SoFar,
}

pub struct SummaryEmbed<'a> {
    pub kind: SummaryKind,
    pub cohort: &'a str,
    pub figures: &'a Figures,
    /// The weekly summary's id, so a re-post after a crash can find it in the channel.
    pub summary_id: Option<i64>,
    pub late_due: Option<DateTime<Utc>>,
}

fn shown<T: std::fmt::Display + Copy>(value: Shown<T>, unit: impl Fn(T) -> String) -> String {
    match value {
        Shown::Value(v) => unit(v),
        Shown::TooFew => "—".to_owned(),
    }
}

fn count<T: Into<u64> + Copy>(value: Shown<T>, one: &'static str, many: &'static str) -> String {
    match value {
        Shown::Value(v) => plural::count(v, one, many),
        Shown::TooFew => "—".to_owned(),
    }
}

fn percent(value: Shown<u8>) -> String {
    shown(value, |v| format!("{v} %"))
}

/// The figures of one window as field lines.
fn activity_lines(a: &Activity) -> Vec<(&'static str, String)> {
    let by_a: Vec<String> = a
        .tried_by_a
        .iter()
        .map(|(tag, tried)| format!("{} {}", tag.name(), shown(*tried, |v| v.to_string())))
        .collect();
    let modules: Vec<String> = a
        .best_by_module
        .iter()
        .map(|(module, rate)| format!("Module {module}: {}", percent(*rate)))
        .collect();
    let mut quizzes = format!(
        "{} · best answer {}",
        count(a.quizzes, "quiz", "quizzes"),
        percent(a.best_rate)
    );
    if !modules.is_empty() {
        quizzes.push('\n');
        quizzes.push_str(&modules.join(" · "));
    }
    vec![
        (
            "Practised",
            format!(
                "{} · {} of members",
                count(a.engaged, "person", "people"),
                percent(a.participation)
            ),
        ),
        (
            "Prompts tried",
            format!(
                "{}\n{}",
                shown(a.tried, |v| v.to_string()),
                by_a.join(" · ")
            ),
        ),
        ("Quizzes", quizzes),
        (
            "Commitments",
            format!(
                "{} made · check-ins: {} tried it, {} not yet, {} didn't apply",
                shown(a.commitments, |v| v.to_string()),
                shown(a.checkins.tried, |v| v.to_string()),
                shown(a.checkins.not_yet, |v| v.to_string()),
                shown(a.checkins.not_applicable, |v| v.to_string()),
            ),
        ),
        (
            "Reflections written",
            shown(a.reflections, |v| v.to_string()),
        ),
    ]
}

fn points(value: i16) -> String {
    match value {
        0 => "no change".to_owned(),
        v if v > 0 => format!("+{v} points"),
        v => format!("−{} points", -v),
    }
}

pub fn summary_embed(view: &SummaryEmbed<'_>) -> serenity::CreateEmbed {
    let f = view.figures;
    let k = f.k;
    let title = match view.kind {
        SummaryKind::Weekly => format!("Weekly summary · {}", view.cohort),
        SummaryKind::SoFar => format!("This week so far · {}", view.cohort),
    };
    let mut description = vec![format!(
        "**{} – {}** · {}",
        f.from.format("%a %-d %b"),
        f.until.format("%a %-d %b %Y"),
        f.position
    )];
    if let Some(due) = view.late_due {
        description.push(format!(
            "*This summary is running late: it was due <t:{}:f>.*",
            due.timestamp()
        ));
    }
    let mut embed = serenity::CreateEmbed::new().colour(ACCENT);
    match f.members {
        Shown::TooFew => description.push(format!(
            "This cohort has fewer than {k} members, so no figure about it is shown."
        )),
        Shown::Value(members) if f.week.is_quiet() => {
            description.push(format!(
                "No activity this week among its {}.",
                plural::count(members, "member", "members")
            ));
        }
        Shown::Value(members) => {
            embed = embed.field("Members", members.to_string(), true).field(
                "Median streak",
                count(f.median_streak, "practice day", "practice days"),
                true,
            );
            for (name, value) in activity_lines(&f.week) {
                embed = embed.field(name, value, false);
            }
        }
    }
    if let Some(reading) = &f.reading {
        description.push(format!("**{reading}**"));
    }
    if f.members != Shown::TooFew {
        embed = embed.field("Since the start", since_the_start(f), false);
    }
    // A cohort of fewer than k members shows no figure at all, these included.
    if f.members != Shown::TooFew {
        if let Some(done) = f.completions {
            embed = embed.field("Completed the track", count(done, "person", "people"), true);
        }
        if let Some(plan) = &f.plan {
            embed = embed.field("Action plan", plan_line(plan), false);
        }
    }
    if let Some(change) = f.change {
        let mut parts = Vec::new();
        if let Some(p) = change.participation {
            parts.push(format!("practised {}", points(p)));
        }
        if let Some(b) = change.best_rate {
            parts.push(format!("best answers {}", points(b)));
        }
        embed = embed.field("Change from the week before", parts.join(" · "), false);
    }
    let mut footer = format!(
        "— : fewer than {k} people behind the figure (k = {k}). Rates are rounded to 5 %. Group figures only."
    );
    if let Some(id) = view.summary_id {
        footer.push_str(&format!(" Summary {id}."));
    }
    embed
        .title(title)
        .description(description.join("\n"))
        .image(format!("attachment://{CHART_FILE}"))
        .footer(serenity::CreateEmbedFooter::new(footer))
}

/// "5 actions · 2 first step taken · 2 planned · 1 blocked · 1 looking for an owner".
fn plan_line(plan: &crate::report::PlanStatus) -> String {
    let mut parts = vec![plural::count(plan.actions, "action", "actions")];
    parts.extend(
        plan.by_status
            .iter()
            .map(|(label, n)| format!("{n} {label}")),
    );
    if plan.looking_for_owner > 0 {
        parts.push(format!("{} looking for an owner", plan.looking_for_owner));
    }
    parts.join(" · ")
}

fn since_the_start(f: &Figures) -> String {
    match &f.to_date {
        ToDate::Shown(_) if f.first_week => {
            "The same as this week: it is the cohort's first.".to_owned()
        }
        ToDate::Withheld => format!(
            "Withheld this time: the members counted changed by fewer than {} since these figures \
             were last shown, and comparing the two could reveal what one person did.",
            f.k
        ),
        ToDate::Shown(all) => activity_lines(all)
            .into_iter()
            .map(|(name, value)| format!("**{name}:** {}", value.replace('\n', " · ")))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The marker a weekly summary's footer carries, to find it in the channel after a crash.
pub fn summary_marker(summary_id: i64) -> String {
    format!(" Summary {summary_id}.")
}

/// The message: the embed with the chart attached.
pub fn summary_message(view: &SummaryEmbed<'_>, chart: Vec<u8>) -> serenity::CreateMessage {
    serenity::CreateMessage::new()
        .embed(summary_embed(view))
        .add_file(serenity::CreateAttachment::bytes(chart, CHART_FILE))
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::discord_limits::{self, FormErrors};
    use crate::domain::FourA;
    use crate::report::figures::{Change, Checkins};

    fn busiest_week() -> Activity {
        let v = Shown::Value;
        Activity {
            engaged: Shown::Value(1_000_000),
            participation: Shown::Value(100),
            tried: v(u64::MAX),
            tried_by_a: FourA::ALL.iter().map(|a| (*a, v(u64::MAX))).collect(),
            quizzes: v(u64::MAX),
            best_rate: Shown::Value(100),
            best_by_module: (1..=7).map(|m| (m, Shown::Value(100))).collect(),
            commitments: v(u64::MAX),
            checkins: Checkins {
                tried: v(u64::MAX),
                not_yet: v(u64::MAX),
                not_applicable: v(u64::MAX),
            },
            reflections: v(u64::MAX),
        }
    }

    /// The longest summary the bot can post: every figure shown at its widest, a 50-character
    /// cohort name, a reading, a change, running late.
    #[test]
    fn the_longest_summary_fits_discords_limits() {
        let figures = Figures {
            k: 10,
            from: NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(),
            until: NaiveDate::from_ymd_opt(2026, 10, 4).unwrap(),
            position: "Day 1000 · Accountability · Module 7: Collaborative Project—Creating an Allyship Action Plan (starts Wed 30 Sep)".into(),
            members: Shown::Value(1_000_000),
            week: busiest_week(),
            to_date: ToDate::Shown(busiest_week()),
            first_week: false,
            median_streak: Shown::Value(10_000),
            change: Some(Change {
                participation: Some(-100),
                best_rate: Some(-100),
            }),
            reading: Some("Participation fell by 100 points from the week before: a good moment for a kind word in the cohort channel.".into()),
            completions: Some(Shown::Value(1_000_000)),
            plan: Some(crate::report::PlanStatus {
                actions: 5,
                by_status: ["planned", "first step taken", "not yet", "blocked"]
                    .iter()
                    .map(|l| ((*l).to_owned(), 5))
                    .collect(),
                looking_for_owner: 5,
            }),
        };
        let name = "W".repeat(50);
        let view = SummaryEmbed {
            kind: SummaryKind::Weekly,
            cohort: &name,
            figures: &figures,
            summary_id: Some(i64::MAX),
            late_due: Some(DateTime::<Utc>::MAX_UTC),
        };
        let message = summary_message(&view, vec![0; 64]);
        let json = serde_json::to_value(&message).unwrap();
        let mut errors = FormErrors::default();
        discord_limits::check_message(&json, "", &mut errors);
        assert!(errors.describe().is_empty(), "{:?}", errors.describe());
    }
}
